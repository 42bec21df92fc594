/* SPDX-License-Identifier: GPL-2.0 */
#ifndef HVKM_VMX_CAPS_H
#define HVKM_VMX_CAPS_H

#include <linux/types.h>

/*
 * The CPUID leaf and MSRs that decide whether hvkm can use VMX here.  The
 * VMX capability MSRs are only meaningful when cpuid1_ecx has VMX.
 */
struct hvkm_vmx_facts {
	u32 cpuid1_ecx;		/* CPUID 1 ECX */
	u64 feature_control;	/* IA32_FEATURE_CONTROL */
	u64 procbased_ctls;	/* IA32_VMX_PROCBASED_CTLS: allowed-1 in 63:32 */
	u64 procbased_ctls2;	/* IA32_VMX_PROCBASED_CTLS2: allowed-1 in 63:32 */
	unsigned long cr4;	/* CR4 of the checking CPU */
};

int hvkm_vmx_check(const struct hvkm_vmx_facts *f, const char **why);

#endif /* HVKM_VMX_CAPS_H */
