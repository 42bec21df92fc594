// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm: the hypervisor CPUID leaves (TLFS "Feature and Interface
 * Discovery"), answered when the VMM's table has no entry of its own for
 * them.  Feature bits follow the partition's privileges and what hvkm
 * implements; nothing says "root partition" or "isolated".
 */
#include <linux/cpumask.h>
#include <linux/string.h>

#include "../hvkm.h"

/* Windows Server 2022 (10.0, build 20348), the version Hyper-V reports there. */
#define HV_VERSION_BUILD	20348
#define HV_VERSION_MAJOR	10
#define HV_VERSION_MINOR	0

/* 0x40000003.EDX: what hvkm offers beyond the privileges. */
#define HV_FEATURES_EDX		(HV_X64_HYPERCALL_XMM_INPUT_AVAILABLE |		\
				 HV_FEATURE_FREQUENCY_MSRS_AVAILABLE |		\
				 HV_FEATURE_GUEST_CRASH_MSR_AVAILABLE)

/*
 * 0x40000004.EAX: use the flush and IPI hypercalls, with sparse VP sets,
 * and the APIC's EOI/ICR/TPR MSRs; relaxed timing (no watchdogs on a VP
 * that was not scheduled); and no AutoEOI for SynIC interrupts (bit 9).
 */
#define HV_RECOMMENDATIONS	(HV_X64_REMOTE_TLB_FLUSH_RECOMMENDED |		\
				 HV_X64_APIC_ACCESS_RECOMMENDED |		\
				 HV_X64_RELAXED_TIMING_RECOMMENDED |		\
				 HV_DEPRECATING_AEOI_RECOMMENDED |		\
				 HV_X64_CLUSTER_IPI_RECOMMENDED |		\
				 HV_X64_EX_PROCESSOR_MASKS_RECOMMENDED)

/* Spins before a guest should call HvCallNotifyLongSpinWait (0x40000004.EBX). */
#define HV_SPIN_RETRIES		0x0fff

/* 0x40000006.EAX: hardware features in use: MSR bitmaps (bit 1), SLAT (bit 3). */
#define HV_HW_FEATURES		(BIT(1) | BIT(3))

static void hv_signature(u32 *regs, const char *sig)
{
	memcpy(&regs[1], sig, 4);
	memcpy(&regs[2], sig + 4, 4);
	memcpy(&regs[3], sig + 8, 4);
}

bool hvkm_hv_cpuid(struct hvkm_partition *p, u32 function, u32 *regs)
{
	u64 priv = p->privileges;

	if (function < 0x40000000 || function > 0x4fffffff)
		return false;
	memset(regs, 0, 4 * sizeof(*regs));
	switch (function) {
	case 0x40000000:
		regs[0] = HVKM_HV_CPUID_MAX_LEAF;
		hv_signature(regs, "Microsoft Hv");
		break;
	case 0x40000001:
		regs[0] = HVKM_HV_INTERFACE_SIGNATURE;
		break;
	case 0x40000002:
		regs[0] = HV_VERSION_BUILD;
		regs[1] = HV_VERSION_MAJOR << 16 | HV_VERSION_MINOR;
		break;
	case 0x40000003:
		regs[0] = (u32)priv;
		regs[1] = priv >> 32;
		regs[3] = HV_FEATURES_EDX;
		/* Direct-mode synthetic timers come with the timers themselves. */
		if (priv & HV_MSR_SYNTIMER_AVAILABLE)
			regs[3] |= HV_STIMER_DIRECT_MODE_AVAILABLE;
		break;
	case 0x40000004:
		regs[0] = HV_RECOMMENDATIONS;
		regs[1] = HV_SPIN_RETRIES;
		break;
	case 0x40000005:
		regs[0] = p->max_vps;
		regs[1] = num_possible_cpus();
		break;
	case 0x40000006:
		regs[0] = HV_HW_FEATURES;
		break;
	default:
		/* 0x40000007-0x4000000A: root, isolation and nesting: none. */
		break;
	}
	return true;
}
