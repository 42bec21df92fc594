// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm: can this CPU run hvkm with VMX?  Intel SDM vol. 3C, 23.7 "Enabling
 * and entering VMX operation" and appendix A.3 (VM-execution control
 * capability MSRs).  Pure logic on values the caller read, so the decision can
 * be tested with any CPU (tests/kunit/vmx_caps_test.c).
 */
#include <asm/cpufeatures.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>
#include <asm/vmx.h>
#include <linux/bits.h>
#include <linux/errno.h>

#include "vmx_caps.h"

#define HVKM_CPUID_VMX_BIT	BIT(X86_FEATURE_VMX & 31)	/* CPUID 1 ECX */

/* A control can be set to 1 when its bit is set in the MSR's high half. */
static bool vmx_allowed1(u64 ctls_msr, u32 control)
{
	return (ctls_msr >> 32) & control;
}

/*
 * Returns 0 when the hardware has what hvkm needs (VMX enabled by the
 * firmware, EPT, unrestricted guest), -ENODEV when it has not, -EBUSY when
 * another hypervisor already entered VMX operation.  *why says what is wrong.
 */
int hvkm_vmx_check(const struct hvkm_vmx_facts *f, const char **why)
{
	const u64 fc_needed = FEAT_CTL_LOCKED | FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX;

	if (!(f->cpuid1_ecx & HVKM_CPUID_VMX_BIT)) {
		*why = "CPUID 1 ECX.VMX is clear: this CPU has no VT-x";
		return -ENODEV;
	}
	if ((f->feature_control & fc_needed) != fc_needed) {
		*why = "IA32_FEATURE_CONTROL: VT-x is disabled in the firmware setup";
		return -ENODEV;
	}
	if (!vmx_allowed1(f->procbased_ctls, CPU_BASED_ACTIVATE_SECONDARY_CONTROLS)) {
		*why = "VMX has no secondary processor-based controls: no EPT";
		return -ENODEV;
	}
	if (!vmx_allowed1(f->procbased_ctls2, SECONDARY_EXEC_ENABLE_EPT)) {
		*why = "VMX has no EPT (extended page tables)";
		return -ENODEV;
	}
	if (!vmx_allowed1(f->procbased_ctls2, SECONDARY_EXEC_UNRESTRICTED_GUEST)) {
		*why = "VMX has no unrestricted guest mode";
		return -ENODEV;
	}
	if (f->cr4 & X86_CR4_VMXE) {
		*why = "CR4.VMXE is set: another hypervisor owns VMX; try 'modprobe -r kvm_intel'";
		return -EBUSY;
	}
	*why = NULL;
	return 0;
}
