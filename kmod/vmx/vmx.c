// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm: the VMX backend (Intel VT-x).  Detection only for now: it says what a
 * VMX host lacks, or that the backend itself has not landed yet.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/tlbflush.h>
#include <linux/errno.h>
#include <linux/printk.h>

#include "../hvkm.h"
#include "vmx_caps.h"

static void vmx_read_facts(struct hvkm_vmx_facts *f)
{
	*f = (struct hvkm_vmx_facts){};
	f->cpuid1_ecx = cpuid_ecx(1);
	/* These MSRs #GP on CPUs without VMX; a fault leaves the field 0. */
	if (rdmsrl_safe(MSR_IA32_FEAT_CTL, &f->feature_control))
		f->feature_control = 0;
	if (rdmsrl_safe(MSR_IA32_VMX_PROCBASED_CTLS, &f->procbased_ctls))
		f->procbased_ctls = 0;
	if (rdmsrl_safe(MSR_IA32_VMX_PROCBASED_CTLS2, &f->procbased_ctls2))
		f->procbased_ctls2 = 0;
	f->cr4 = __read_cr4();
}

static int vmx_hardware_setup(struct hvkm_host_caps *caps)
{
	struct hvkm_vmx_facts facts;
	const char *why;
	int ret;

	vmx_read_facts(&facts);
	ret = hvkm_vmx_check(&facts, &why);
	if (ret) {
		pr_err("VMX unusable: %s\n", why);
		return ret;
	}
	pr_err("VMX with EPT and unrestricted guest found, but hvkm's VMX backend is not implemented yet; only AMD SVM hosts are supported\n");
	return -ENODEV;
}

const struct hvkm_vendor_ops hvkm_vmx_ops = {
	.name = "vmx",
	.hardware_setup = vmx_hardware_setup,
};
