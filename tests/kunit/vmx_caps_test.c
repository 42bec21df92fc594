// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the VMX usability check, fed with CPUID/MSR values of real and
 * broken CPUs.  The code under test is compiled into this module.
 */
#include <kunit/test.h>
#include <linux/string.h>

#include "verdict.h"

#include "vmx/vmx_caps.c"

#define FC_ON	(FEAT_CTL_LOCKED | FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX)
#define ALLOW1(ctl)	((u64)(ctl) << 32)
#define CTLS_SEC	ALLOW1(CPU_BASED_ACTIVATE_SECONDARY_CONTROLS)
#define CTLS2_ALL	ALLOW1(SECONDARY_EXEC_ENABLE_EPT | \
			       SECONDARY_EXEC_UNRESTRICTED_GUEST)

struct vmx_case {
	const char *name;
	struct hvkm_vmx_facts facts;
	int ret;
	const char *why;	/* a word the reason must contain */
};

static const struct vmx_case vmx_cases[] = {
	{ "usable",
	  { BIT(5), FC_ON, CTLS_SEC, CTLS2_ALL, X86_CR4_PAE }, 0, NULL },
	{ "no_vmx_bit",
	  { ~(u32)BIT(5), FC_ON, CTLS_SEC, CTLS2_ALL, 0 }, -ENODEV, "ECX.VMX" },
	{ "feature_control_unlocked",
	  { BIT(5), FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX, CTLS_SEC, CTLS2_ALL, 0 },
	  -ENODEV, "firmware" },
	{ "vmx_only_inside_smx",
	  { BIT(5), FEAT_CTL_LOCKED | FEAT_CTL_VMX_ENABLED_INSIDE_SMX,
	    CTLS_SEC, CTLS2_ALL, 0 }, -ENODEV, "firmware" },
	{ "secondary_controls_only_allowed0",
	  { BIT(5), FC_ON, CPU_BASED_ACTIVATE_SECONDARY_CONTROLS, CTLS2_ALL, 0 },
	  -ENODEV, "secondary" },
	{ "no_ept",
	  { BIT(5), FC_ON, CTLS_SEC,
	    ALLOW1(SECONDARY_EXEC_UNRESTRICTED_GUEST), 0 }, -ENODEV, "EPT" },
	{ "no_unrestricted_guest",
	  { BIT(5), FC_ON, CTLS_SEC, ALLOW1(SECONDARY_EXEC_ENABLE_EPT), 0 },
	  -ENODEV, "unrestricted" },
	{ "owned_by_kvm",
	  { BIT(5), FC_ON, CTLS_SEC, CTLS2_ALL, X86_CR4_VMXE | X86_CR4_PAE },
	  -EBUSY, "modprobe -r kvm_intel" },
};

static void vmx_case_desc(const struct vmx_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(vmx_check, vmx_cases, vmx_case_desc);

static void vmx_check_verdict(struct kunit *test)
{
	const struct vmx_case *c = test->param_value;
	const char *why = "untouched";
	int ret = hvkm_vmx_check(&c->facts, &why);

	hvkm_expect_verdict(test, ret, why, c->ret, c->why);
}

static struct kunit_case vmx_caps_cases[] = {
	KUNIT_CASE_PARAM(vmx_check_verdict, vmx_check_gen_params),
	{}
};

static struct kunit_suite vmx_caps_suite = {
	.name = "hvkm_vmx_caps",
	.test_cases = vmx_caps_cases,
};

kunit_test_suite(vmx_caps_suite);
