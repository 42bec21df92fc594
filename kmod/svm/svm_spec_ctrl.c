// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm: IA32_SPEC_CTRL and IA32_PRED_CMD of the guest (AMD "Software
 * Techniques for Managing Speculation", Intel "Speculative Execution Side
 * Channel Mitigations").  A guest has them when the host CPU has them and
 * the VMM's CPUID table says so (CPUID 7.0:EDX[26,27,31] or
 * 8000_0008:EBX[12,14,15,24]); otherwise RDMSR and WRMSR of them #GP.
 * Both stay intercepted: the MSR permission map is shared by every VP.
 * SPEC_CTRL is not in the VMCB, so the guest's value is loaded before VMRUN
 * and the host's (x86_spec_ctrl_current) written back after the exit; the
 * write is skipped when they are equal, the common case.
 */
#include <asm/cpufeature.h>
#include <asm/msr.h>
#include <asm/nospec-branch.h>

#include "svm.h"

#define CPUID7_EDX_IBRS_IBPB	BIT(26)
#define CPUID7_EDX_STIBP	BIT(27)
#define CPUID7_EDX_SSBD		BIT(31)
#define CPUID8_EBX_IBPB		BIT(12)
#define CPUID8_EBX_IBRS		BIT(14)
#define CPUID8_EBX_STIBP	BIT(15)
#define CPUID8_EBX_SSBD		BIT(24)

/* The SPEC_CTRL bits the host CPU implements; 0 when it has no SPEC_CTRL. */
static u64 svm_spec_host_bits(void)
{
	u64 bits = 0;

	if (!boot_cpu_has(X86_FEATURE_MSR_SPEC_CTRL))
		return 0;
	if (boot_cpu_has(X86_FEATURE_IBRS))
		bits |= SPEC_CTRL_IBRS;
	if (boot_cpu_has(X86_FEATURE_STIBP))
		bits |= SPEC_CTRL_STIBP;
	if (boot_cpu_has(X86_FEATURE_SPEC_CTRL_SSBD) || boot_cpu_has(X86_FEATURE_AMD_SSBD))
		bits |= SPEC_CTRL_SSBD;
	return bits;
}

/* The SPEC_CTRL bits the VP may set: the host's that its CPUID shows. */
static u64 svm_spec_guest_bits(struct hvkm_vp *vp)
{
	u32 l7[4], l8[4];
	u64 bits = 0;

	hvkm_cpuid_answer(vp, 7, 0, l7);
	hvkm_cpuid_answer(vp, 0x80000008, 0, l8);
	if ((l7[3] & CPUID7_EDX_IBRS_IBPB) || (l8[1] & CPUID8_EBX_IBRS))
		bits |= SPEC_CTRL_IBRS;
	if ((l7[3] & CPUID7_EDX_STIBP) || (l8[1] & CPUID8_EBX_STIBP))
		bits |= SPEC_CTRL_STIBP;
	if ((l7[3] & CPUID7_EDX_SSBD) || (l8[1] & CPUID8_EBX_SSBD))
		bits |= SPEC_CTRL_SSBD;
	return bits & svm_spec_host_bits();
}

static bool svm_spec_guest_ibpb(struct hvkm_vp *vp)
{
	u32 l7[4], l8[4];

	if (!boot_cpu_has(X86_FEATURE_IBPB))
		return false;
	hvkm_cpuid_answer(vp, 7, 0, l7);
	hvkm_cpuid_answer(vp, 0x80000008, 0, l8);
	return (l7[3] & CPUID7_EDX_IBRS_IBPB) || (l8[1] & CPUID8_EBX_IBPB);
}

/* RDMSR: -ENOENT for other MSRs, -EINVAL (#GP) where the VP lacks the MSR. */
int hvkm_svm_spec_msr_get(struct hvkm_vp *vp, const u64 *spec_ctrl, u32 msr, u64 *data)
{
	switch (msr) {
	case MSR_IA32_SPEC_CTRL:
		if (!svm_spec_guest_bits(vp))
			return -EINVAL;
		*data = *spec_ctrl;
		return 0;
	case MSR_IA32_PRED_CMD:
		return -EINVAL;		/* write-only */
	default:
		return -ENOENT;
	}
}

/* WRMSR: a reserved or unsupported bit #GPs; PRED_CMD.IBPB is done at once. */
int hvkm_svm_spec_msr_set(struct hvkm_vp *vp, u64 *spec_ctrl, u32 msr, u64 data)
{
	u64 bits;

	switch (msr) {
	case MSR_IA32_SPEC_CTRL:
		bits = svm_spec_guest_bits(vp);
		if (!bits || (data & ~bits))
			return -EINVAL;
		*spec_ctrl = data;
		return 0;
	case MSR_IA32_PRED_CMD:
		if (!svm_spec_guest_ibpb(vp) || (data & ~(u64)PRED_CMD_IBPB))
			return -EINVAL;
		if (data)
			wrmsrl(MSR_IA32_PRED_CMD, PRED_CMD_IBPB);
		return 0;
	default:
		return -ENOENT;
	}
}

/*
 * HV_X64_REGISTER_SPEC_CTRL: checked against the host CPU only, since the
 * VMM may set registers before its CPUID table.
 */
int hvkm_svm_spec_reg_get(u64 spec_ctrl, u64 *v)
{
	if (!svm_spec_host_bits())
		return -EINVAL;
	*v = spec_ctrl;
	return 0;
}

int hvkm_svm_spec_reg_set(u64 *spec_ctrl, u64 v)
{
	u64 bits = svm_spec_host_bits();

	if (!bits || (v & ~bits))
		return -EINVAL;
	*spec_ctrl = v;
	return 0;
}

/* Interrupts off, right before VMRUN. */
void hvkm_svm_spec_ctrl_enter(u64 spec_ctrl)
{
	if (boot_cpu_has(X86_FEATURE_MSR_SPEC_CTRL) &&
	    spec_ctrl != this_cpu_read(x86_spec_ctrl_current))
		wrmsrl(MSR_IA32_SPEC_CTRL, spec_ctrl);
}

/*
 * Right after the exit, interrupts still off.  The guest cannot have changed
 * the MSR (every access exits), so its value is known without RDMSR.
 */
void hvkm_svm_spec_ctrl_exit(u64 spec_ctrl)
{
	u64 host;

	if (!boot_cpu_has(X86_FEATURE_MSR_SPEC_CTRL))
		return;
	host = this_cpu_read(x86_spec_ctrl_current);
	if (spec_ctrl != host)
		wrmsrl(MSR_IA32_SPEC_CTRL, host);
}
