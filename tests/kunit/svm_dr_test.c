// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the guest's debug registers as the VMM sees them (svm_dr.c): get
 * and set by TLFS name, the reserved bits of DR6/DR7, and the lazy switch
 * that a set or an intercepted access turns on.  Only the bookkeeping is
 * tested here; the register loads around VMRUN need a guest (selftest
 * debug_regs).
 */
#include <kunit/test.h>

#include "svm/svm_dr.c"

static struct vmcb *dr_test_vmcb(struct kunit *test)
{
	struct vmcb *vmcb = kunit_kzalloc(test, sizeof(*vmcb), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, vmcb);
	vmcb->control.intercepts[INTERCEPT_DR] = ~0U;
	vmcb->save.dr6 = DR6_RESERVED;
	vmcb->save.dr7 = 0x400;
	return vmcb;
}

static void get_reads_the_right_places(struct kunit *test)
{
	struct hvkm_svm_dr dr = { .db = { 10, 11, 12, 13 } };
	struct vmcb *vmcb = dr_test_vmcb(test);
	u64 v;
	u32 i;

	for (i = 0; i < 4; i++) {
		KUNIT_EXPECT_EQ(test, hvkm_svm_dr_get(&dr, vmcb, HV_X64_REGISTER_DR0 + i, &v), 0);
		KUNIT_EXPECT_EQ(test, v, 10ULL + i);
	}
	KUNIT_EXPECT_EQ(test, hvkm_svm_dr_get(&dr, vmcb, HV_X64_REGISTER_DR6, &v), 0);
	KUNIT_EXPECT_EQ(test, v, (u64)DR6_RESERVED);
	KUNIT_EXPECT_EQ(test, hvkm_svm_dr_get(&dr, vmcb, HV_X64_REGISTER_DR7, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 0x400ULL);
	KUNIT_EXPECT_EQ(test, hvkm_svm_dr_get(&dr, vmcb, HV_X64_REGISTER_RAX, &v), -ENOENT);
	KUNIT_EXPECT_EQ(test, hvkm_svm_dr_get(&dr, vmcb, HV_X64_REGISTER_DR7 + 1, &v), -ENOENT);
	/* Reading does not switch. */
	KUNIT_EXPECT_FALSE(test, dr.switched);
	KUNIT_EXPECT_EQ(test, vmcb->control.intercepts[INTERCEPT_DR], ~0U);
}

static void set_round_trips_and_switches(struct kunit *test)
{
	struct hvkm_svm_dr dr = {};
	struct vmcb *vmcb = dr_test_vmcb(test);
	u64 v;

	KUNIT_EXPECT_EQ(test, hvkm_svm_dr_set(&dr, vmcb, HV_X64_REGISTER_DR2,
					      0xffff800012345678ULL), 0);
	KUNIT_EXPECT_TRUE(test, dr.switched);
	KUNIT_EXPECT_EQ(test, vmcb->control.intercepts[INTERCEPT_DR], 0U);
	KUNIT_EXPECT_EQ(test, hvkm_svm_dr_get(&dr, vmcb, HV_X64_REGISTER_DR2, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 0xffff800012345678ULL);
	KUNIT_EXPECT_EQ(test, hvkm_svm_dr_set(&dr, vmcb, HV_X64_REGISTER_DR7, 0x401), 0);
	KUNIT_EXPECT_EQ(test, vmcb->save.dr7, 0x401ULL);
	KUNIT_EXPECT_EQ(test, hvkm_svm_dr_set(&dr, vmcb, HV_X64_REGISTER_DR6, 0xffff4ff1), 0);
	KUNIT_EXPECT_EQ(test, vmcb->save.dr6, 0xffff4ff1ULL);
	KUNIT_EXPECT_EQ(test, hvkm_svm_dr_set(&dr, vmcb, HV_X64_REGISTER_CR0, 1), -ENOENT);
}

/* VMRUN fails on DR6/DR7 bits 63:32 (APM 15.5.1): refused, nothing changed. */
static void reserved_high_bits_refused(struct kunit *test)
{
	struct hvkm_svm_dr dr = {};
	struct vmcb *vmcb = dr_test_vmcb(test);
	unsigned int bit;

	for (bit = 32; bit < 64; bit++) {
		KUNIT_EXPECT_EQ(test, hvkm_svm_dr_set(&dr, vmcb, HV_X64_REGISTER_DR6,
						      BIT_ULL(bit) | DR6_RESERVED), -EINVAL);
		KUNIT_EXPECT_EQ(test, hvkm_svm_dr_set(&dr, vmcb, HV_X64_REGISTER_DR7,
						      BIT_ULL(bit) | 0x400), -EINVAL);
	}
	KUNIT_EXPECT_EQ(test, vmcb->save.dr6, (u64)DR6_RESERVED);
	KUNIT_EXPECT_EQ(test, vmcb->save.dr7, 0x400ULL);
	KUNIT_EXPECT_FALSE(test, dr.switched);
	KUNIT_EXPECT_EQ(test, vmcb->control.intercepts[INTERCEPT_DR], ~0U);
}

/* The first intercepted MOV DR switches and leaves the other intercept words alone. */
static void intercepted_access_switches(struct kunit *test)
{
	struct hvkm_svm_dr dr = { .db = { 1, 2, 3, 4 } };
	struct vmcb *vmcb = dr_test_vmcb(test);

	vmcb->control.intercepts[INTERCEPT_CR] = 0x1234;
	vmcb->control.intercepts[INTERCEPT_EXCEPTION] = 0x5678;
	hvkm_svm_dr_intercepted(&dr, vmcb);
	KUNIT_EXPECT_TRUE(test, dr.switched);
	KUNIT_EXPECT_EQ(test, vmcb->control.intercepts[INTERCEPT_DR], 0U);
	KUNIT_EXPECT_EQ(test, vmcb->control.intercepts[INTERCEPT_CR], 0x1234U);
	KUNIT_EXPECT_EQ(test, vmcb->control.intercepts[INTERCEPT_EXCEPTION], 0x5678U);
	hvkm_svm_dr_reset(&dr);
	KUNIT_EXPECT_EQ(test, dr.db[0] | dr.db[1] | dr.db[2] | dr.db[3], 0ULL);
}

static struct kunit_case svm_dr_test_cases[] = {
	KUNIT_CASE(get_reads_the_right_places),
	KUNIT_CASE(set_round_trips_and_switches),
	KUNIT_CASE(reserved_high_bits_refused),
	KUNIT_CASE(intercepted_access_switches),
	{}
};

static struct kunit_suite svm_dr_suite = {
	.name = "hvkm_svm_dr",
	.test_cases = svm_dr_test_cases,
};

kunit_test_suite(svm_dr_suite);
