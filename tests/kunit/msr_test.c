// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the MSRs kept by the common code (APIC base, MTRRs, machine
 * check) and the CPUID table lookup.  The code under test is compiled into
 * this module.
 */
#include <kunit/test.h>

#include "msr.c"
#include "cpuid.c"
#include "tlfs/cpuid.c"

static void apic_base_reset_and_rules(struct kunit *test)
{
	/* On the heap: two VPs would make too large a stack frame. */
	struct hvkm_vp *bsp = kunit_kzalloc(test, sizeof(*bsp), GFP_KERNEL);
	struct hvkm_vp *ap = kunit_kzalloc(test, sizeof(*ap), GFP_KERNEL);
	u64 v;

	KUNIT_ASSERT_NOT_NULL(test, bsp);
	KUNIT_ASSERT_NOT_NULL(test, ap);
	ap->vp_index = 3;

	hvkm_msrs_reset(bsp);
	hvkm_msrs_reset(ap);
	KUNIT_EXPECT_EQ(test, hvkm_msr_get(bsp, MSR_IA32_APICBASE, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 0xfee00900ULL);
	KUNIT_EXPECT_EQ(test, hvkm_msr_get(ap, MSR_IA32_APICBASE, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 0xfee00800ULL);
	/* Moving and disabling is fine; BSP and reserved bits are not the guest's. */
	KUNIT_EXPECT_EQ(test, hvkm_msr_set(bsp, MSR_IA32_APICBASE, 0xfec00100ULL), 0);
	KUNIT_EXPECT_EQ(test, hvkm_msr_set(bsp, MSR_IA32_APICBASE, 0xfec00000ULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, hvkm_msr_set(ap, MSR_IA32_APICBASE, 0xfee00900ULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, hvkm_msr_set(ap, MSR_IA32_APICBASE, 0xfee00801ULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, hvkm_msr_set(ap, MSR_IA32_APICBASE, 1ULL << 52 | 0x800), -EINVAL);
}

static void mtrr_types_and_ranges(struct kunit *test)
{
	struct hvkm_vp vp = {};
	u64 v;
	u32 msr;

	hvkm_msrs_reset(&vp);
	KUNIT_EXPECT_EQ(test, hvkm_msr_get(&vp, 0xfe, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 0x508ULL);
	KUNIT_EXPECT_EQ(test, hvkm_msr_set(&vp, 0xfe, 0), -EINVAL);
	/* Every fixed-range MTRR keeps its own value. */
	for (msr = 0x250; msr <= 0x26f; msr++) {
		int want = (msr == 0x250 || msr == 0x258 || msr == 0x259 || msr >= 0x268) ? 0 :
			   -EINVAL;

		KUNIT_EXPECT_EQ(test, hvkm_msr_set(&vp, msr, 0x0606060606060600ULL | (msr & 1)),
				want);
	}
	KUNIT_EXPECT_EQ(test, hvkm_msr_get(&vp, 0x259, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 0x0606060606060601ULL);
	KUNIT_EXPECT_EQ(test, hvkm_msr_set(&vp, 0x268, 0x0706060606060606ULL), -EINVAL);
	/* Variable ranges: bases carry a type, masks a valid bit. */
	KUNIT_EXPECT_EQ(test, hvkm_msr_set(&vp, 0x20e, 0x80000006ULL), 0);
	KUNIT_EXPECT_EQ(test, hvkm_msr_set(&vp, 0x20f, 0xff80000800ULL), 0);
	KUNIT_EXPECT_EQ(test, hvkm_msr_set(&vp, 0x20e, 0x80000003ULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, hvkm_msr_set(&vp, 0x20f, 0xff80000806ULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, hvkm_msr_set(&vp, 0x210, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, hvkm_msr_set(&vp, 0x2ff, 0xc06ULL), 0);
	KUNIT_EXPECT_EQ(test, hvkm_msr_set(&vp, 0x2ff, 0x1c06ULL), -EINVAL);
}

static void machine_check_registers(struct kunit *test)
{
	struct hvkm_vp vp = {};
	u64 v = 1;

	KUNIT_EXPECT_EQ(test, hvkm_msr_get(&vp, MSR_IA32_MCG_CAP, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 0ULL);
	KUNIT_EXPECT_EQ(test, hvkm_msr_set(&vp, MSR_IA32_MCG_STATUS, 0), 0);
	KUNIT_EXPECT_EQ(test, hvkm_msr_set(&vp, MSR_IA32_MCG_STATUS, 4), -EINVAL);
	KUNIT_EXPECT_EQ(test, hvkm_msr_get(&vp, MSR_IA32_MC0_CTL + 4 * 31 + 3, &v), 0);
	KUNIT_EXPECT_EQ(test, hvkm_msr_get(&vp, MSR_IA32_MC0_CTL + 4 * 32, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, hvkm_msr_get(&vp, MSR_IA32_MCG_CTL, &v), -EINVAL);
}

static void cpuid_lookup(struct kunit *test)
{
	static const struct hvkm_cpuid_entry t[] = {
		{ .function = 1, .eax = 0x100 },
		{ .function = 7, .index = 0, .flags = HVKM_CPUID_SUBLEAF, .eax = 0x700 },
		{ .function = 7, .index = 1, .flags = HVKM_CPUID_SUBLEAF, .eax = 0x701 },
	};

	KUNIT_EXPECT_EQ(test, hvkm_cpuid_find(t, 3, 1, 99)->eax, 0x100U);
	KUNIT_EXPECT_EQ(test, hvkm_cpuid_find(t, 3, 7, 0)->eax, 0x700U);
	KUNIT_EXPECT_EQ(test, hvkm_cpuid_find(t, 3, 7, 1)->eax, 0x701U);
	KUNIT_EXPECT_NULL(test, hvkm_cpuid_find(t, 3, 7, 2));
	KUNIT_EXPECT_NULL(test, hvkm_cpuid_find(t, 3, 0x40000000, 0));
	KUNIT_EXPECT_NULL(test, hvkm_cpuid_find(NULL, 0, 1, 0));
}

static struct kunit_case msr_cases[] = {
	KUNIT_CASE(apic_base_reset_and_rules),
	KUNIT_CASE(mtrr_types_and_ranges),
	KUNIT_CASE(machine_check_registers),
	KUNIT_CASE(cpuid_lookup),
	{}
};

static struct kunit_suite msr_suite = {
	.name = "hvkm_msr",
	.test_cases = msr_cases,
};

kunit_test_suite(msr_suite);
