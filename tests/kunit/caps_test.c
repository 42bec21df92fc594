// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: which backend each CPU vendor gets, and what CHECK_EXTENSION
 * reports.  The code under test is compiled into this module.
 */
#include <kunit/test.h>

#include "caps.c"

/* Stand-ins for the backends: only their addresses are compared. */
const struct hvkm_vendor_ops hvkm_svm_ops = { .name = "svm" };
const struct hvkm_vendor_ops hvkm_vmx_ops = { .name = "vmx" };

static void pick_vendor_by_cpu(struct kunit *test)
{
	KUNIT_EXPECT_PTR_EQ(test, hvkm_pick_vendor(X86_VENDOR_AMD), &hvkm_svm_ops);
	KUNIT_EXPECT_PTR_EQ(test, hvkm_pick_vendor(X86_VENDOR_HYGON), &hvkm_svm_ops);
	KUNIT_EXPECT_PTR_EQ(test, hvkm_pick_vendor(X86_VENDOR_INTEL), &hvkm_vmx_ops);
	KUNIT_EXPECT_PTR_EQ(test, hvkm_pick_vendor(X86_VENDOR_CENTAUR), &hvkm_vmx_ops);
	KUNIT_EXPECT_PTR_EQ(test, hvkm_pick_vendor(X86_VENDOR_ZHAOXIN), &hvkm_vmx_ops);
	KUNIT_EXPECT_NULL(test, hvkm_pick_vendor(X86_VENDOR_CYRIX));
	KUNIT_EXPECT_NULL(test, hvkm_pick_vendor(X86_VENDOR_VORTEX));
	KUNIT_EXPECT_NULL(test, hvkm_pick_vendor(X86_VENDOR_UNKNOWN));
}

static void extensions_report_caps(struct kunit *test)
{
	const struct hvkm_host_caps svm = {
		.vendor = HVKM_VENDOR_SVM, .nr_asids = 32768, .max_vps = 64 };
	const struct hvkm_host_caps vmx = {
		.vendor = HVKM_VENDOR_VMX, .nr_asids = 65535 };

	KUNIT_EXPECT_EQ(test, hvkm_check_extension(&svm, HVKM_CAP_VENDOR),
			HVKM_VENDOR_SVM);
	KUNIT_EXPECT_EQ(test, hvkm_check_extension(&svm, HVKM_CAP_NR_ASIDS),
			32768);
	KUNIT_EXPECT_EQ(test, hvkm_check_extension(&svm, HVKM_CAP_MAX_VPS), 64);
	KUNIT_EXPECT_EQ(test, hvkm_check_extension(&svm, HVKM_CAP_NR_MEMORY_SLOTS),
			HVKM_NR_MEMORY_SLOTS);
	KUNIT_EXPECT_EQ(test, hvkm_check_extension(&vmx, HVKM_CAP_VENDOR),
			HVKM_VENDOR_VMX);
	KUNIT_EXPECT_EQ(test, hvkm_check_extension(&vmx, HVKM_CAP_NR_ASIDS),
			65535);
}

static void unknown_extension_is_zero(struct kunit *test)
{
	const struct hvkm_host_caps svm = {
		.vendor = HVKM_VENDOR_SVM, .nr_asids = 16 };

	KUNIT_EXPECT_EQ(test, hvkm_check_extension(&svm, 0), 0);
	KUNIT_EXPECT_EQ(test, hvkm_check_extension(&svm, 6), 0);
	KUNIT_EXPECT_EQ(test, hvkm_check_extension(&svm, 0x1000), 0);
	KUNIT_EXPECT_EQ(test, hvkm_check_extension(&svm, ~0UL), 0);
}

static struct kunit_case caps_cases[] = {
	KUNIT_CASE(pick_vendor_by_cpu),
	KUNIT_CASE(extensions_report_caps),
	KUNIT_CASE(unknown_extension_is_zero),
	{}
};

static struct kunit_suite caps_suite = {
	.name = "hvkm_caps",
	.test_cases = caps_cases,
};

kunit_test_suite(caps_suite);
MODULE_DESCRIPTION("KUnit tests for hvkm");
MODULE_LICENSE("GPL");
