// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the SVM usability check, fed with CPUID/MSR values of real and
 * broken CPUs.  The code under test is compiled into this module.
 */
#include <kunit/test.h>
#include <linux/string.h>

#include "verdict.h"

#include "svm/svm_caps.c"

/* An EPYC-Rome as QEMU presents it with +svm,+npt. */
static const struct hvkm_svm_facts rome = {
	.max_ext_leaf = 0x8000001f,
	.ext_ecx = BIT(2),
	.svm_ebx = 0x10,
	.svm_edx = BIT(0),
	.vm_cr = 0,
	.efer = EFER_LME | EFER_LMA | EFER_SCE | EFER_NX,
};

struct svm_case {
	const char *name;
	struct hvkm_svm_facts facts;
	int ret;
	const char *why;	/* a word the reason must contain */
};

static const struct svm_case svm_cases[] = {
	{ "usable", rome, 0, NULL },
	{ "usable_with_vm_cr_locked",
	  { .max_ext_leaf = 0x8000001f, .ext_ecx = BIT(2), .svm_ebx = 0x8000,
	    .svm_edx = 0x1ff, .vm_cr = SVM_VM_CR_SVM_LOCK_MASK }, 0, NULL },
	{ "no_svm_bit",
	  { .max_ext_leaf = 0x8000001f, .ext_ecx = ~(u32)BIT(2), .svm_ebx = 0x10,
	    .svm_edx = BIT(0) }, -ENODEV, "ECX.SVM" },
	{ "no_svm_bit_wins_over_busy",
	  { .max_ext_leaf = 0x8000001f, .svm_edx = BIT(0), .efer = EFER_SVME },
	  -ENODEV, "ECX.SVM" },
	{ "disabled_by_firmware",
	  { .max_ext_leaf = 0x8000001f, .ext_ecx = BIT(2), .svm_ebx = 0x10,
	    .svm_edx = BIT(0),
	    .vm_cr = SVM_VM_CR_SVM_DIS_MASK | SVM_VM_CR_SVM_LOCK_MASK },
	  -ENODEV, "SVMDIS" },
	{ "no_npt",
	  { .max_ext_leaf = 0x8000001f, .ext_ecx = BIT(2), .svm_ebx = 0x10,
	    .svm_edx = ~(u32)BIT(0) }, -ENODEV, "NPT" },
	{ "svm_leaf_missing",
	  { .max_ext_leaf = 0x80000008, .ext_ecx = BIT(2), .svm_ebx = 0x10,
	    .svm_edx = BIT(0) }, -ENODEV, "NPT" },
	{ "no_guest_asid",
	  { .max_ext_leaf = 0x8000001f, .ext_ecx = BIT(2), .svm_ebx = 1,
	    .svm_edx = BIT(0) }, -ENODEV, "ASID" },
	{ "owned_by_kvm",
	  { .max_ext_leaf = 0x8000001f, .ext_ecx = BIT(2), .svm_ebx = 0x10,
	    .svm_edx = BIT(0), .efer = EFER_SVME | EFER_LMA },
	  -EBUSY, "modprobe -r kvm_amd" },
};

static void svm_case_desc(const struct svm_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(svm_check, svm_cases, svm_case_desc);

static void svm_check_verdict(struct kunit *test)
{
	const struct svm_case *c = test->param_value;
	const char *why = "untouched";
	int ret = hvkm_svm_check(&c->facts, &why);

	hvkm_expect_verdict(test, ret, why, c->ret, c->why);
}

static struct kunit_case svm_caps_cases[] = {
	KUNIT_CASE_PARAM(svm_check_verdict, svm_check_gen_params),
	{}
};

static struct kunit_suite svm_caps_suite = {
	.name = "hvkm_svm_caps",
	.test_cases = svm_caps_cases,
};

kunit_test_suite(svm_caps_suite);
