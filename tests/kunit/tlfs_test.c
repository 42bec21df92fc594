// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the pure parts of the hypervisor interface: the hypercall input
 * value checks, HV_VP_SET parsing, the reference TSC page arithmetic, rep
 * call continuation and when an EOI may be left to the VP assist page.
 */
#include <kunit/test.h>

#include "tlfs/reftime.c"
#include "tlfs/hypercall_input.c"
#include "tlfs/eoi_assist.c"

#define REP(count, start)	((u64)(count) << 32 | (u64)(start) << 48)

static void control_reserved_bits(struct kunit *test)
{
	unsigned int bit;

	KUNIT_EXPECT_EQ(test, hvkm_hv_check_control(0x0008, false, false), HV_STATUS_SUCCESS);
	for (bit = 27; bit < 64; bit++) {
		bool reserved = (bit >= 27 && bit <= 31) || (bit >= 44 && bit <= 47) || bit >= 60;

		if (!reserved)
			continue;
		KUNIT_EXPECT_EQ_MSG(test,
				    hvkm_hv_check_control(0x0008 | BIT_ULL(bit), false, false),
				    HV_STATUS_INVALID_HYPERCALL_INPUT, "bit %u", bit);
	}
}

static void control_rep_rules(struct kunit *test)
{
	/* A simple call takes no rep count or start; a rep call needs start < count. */
	KUNIT_EXPECT_EQ(test, hvkm_hv_check_control(0x0002 | REP(1, 0), false, false),
			HV_STATUS_INVALID_HYPERCALL_INPUT);
	KUNIT_EXPECT_EQ(test, hvkm_hv_check_control(0x0002 | REP(0, 1), false, false),
			HV_STATUS_INVALID_HYPERCALL_INPUT);
	KUNIT_EXPECT_EQ(test, hvkm_hv_check_control(0x0003, true, false),
			HV_STATUS_INVALID_HYPERCALL_INPUT);
	KUNIT_EXPECT_EQ(test, hvkm_hv_check_control(0x0003 | REP(4, 4), true, false),
			HV_STATUS_INVALID_HYPERCALL_INPUT);
	KUNIT_EXPECT_EQ(test, hvkm_hv_check_control(0x0003 | REP(4, 3), true, false),
			HV_STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, hvkm_hv_check_control(0x0003 | REP(0xfff, 0), true, false),
			HV_STATUS_SUCCESS);
}

static void control_variable_header(struct kunit *test)
{
	u64 var = 5ULL << HV_HYPERCALL_VARHEAD_OFFSET;

	KUNIT_EXPECT_EQ(test, hvkm_hv_check_control(0x0013 | var, false, true), HV_STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, hvkm_hv_check_control(0x0002 | var, false, false),
			HV_STATUS_INVALID_HYPERCALL_INPUT);
}

static void vpset_sparse_and_all(struct kunit *test)
{
	unsigned long vps[BITS_TO_LONGS(200)];
	u64 banks[2] = { BIT_ULL(0) | BIT_ULL(63), BIT_ULL(5) };

	/* Banks 0 and 2: VPs 0, 63 and 2*64+5 = 133. */
	KUNIT_EXPECT_EQ(test, hvkm_hv_vpset_banks(HV_GENERIC_SET_SPARSE_4K, 0x5), 2U);
	KUNIT_ASSERT_EQ(test, hvkm_hv_vpset_parse(HV_GENERIC_SET_SPARSE_4K, 0x5, banks, 2,
						  vps, 200), 0);
	KUNIT_EXPECT_EQ(test, bitmap_weight(vps, 200), 3U);
	KUNIT_EXPECT_TRUE(test, test_bit(0, vps) && test_bit(63, vps) && test_bit(133, vps));
	/* VPs beyond the partition's are no VPs. */
	KUNIT_ASSERT_EQ(test, hvkm_hv_vpset_parse(HV_GENERIC_SET_SPARSE_4K, 0x5, banks, 2,
						  vps, 100), 0);
	KUNIT_EXPECT_EQ(test, bitmap_weight(vps, 100), 2U);
	/* All VPs; no bank words. */
	KUNIT_EXPECT_EQ(test, hvkm_hv_vpset_banks(HV_GENERIC_SET_ALL, 0x5), 0U);
	KUNIT_ASSERT_EQ(test, hvkm_hv_vpset_parse(HV_GENERIC_SET_ALL, 0, NULL, 0, vps, 200), 0);
	KUNIT_EXPECT_EQ(test, bitmap_weight(vps, 200), 200U);
}

static void vpset_malformed(struct kunit *test)
{
	unsigned long vps[1];
	u64 banks[1] = { 1 };

	KUNIT_EXPECT_EQ(test, hvkm_hv_vpset_parse(2, 1, banks, 1, vps, 64), -EINVAL);
	KUNIT_EXPECT_EQ(test, hvkm_hv_vpset_parse(HV_GENERIC_SET_SPARSE_4K, 0x3, banks, 1,
						  vps, 64), -EINVAL);
	KUNIT_EXPECT_EQ(test, hvkm_hv_vpset_parse(HV_GENERIC_SET_SPARSE_4K, 0, banks, 0,
						  vps, 64), 0);
	KUNIT_EXPECT_TRUE(test, bitmap_empty(vps, 64));
}

static void tsc_scale_math(struct kunit *test)
{
	u64 scale;

	/* 10 MHz TSC: one tick per 100 ns would be 2^64, which does not fit: refused. */
	KUNIT_EXPECT_EQ(test, hvkm_hv_tsc_scale(10000000), 0ULL);
	/* 20 MHz: half a tick per TSC tick. */
	KUNIT_EXPECT_EQ(test, hvkm_hv_tsc_scale(20000000), 1ULL << 63);
	/* 2.5 GHz: 2^64 / 250. */
	KUNIT_EXPECT_EQ(test, hvkm_hv_tsc_scale(2500000000ULL), div64_u64(~0ULL, 250));
	/* One second of a 3 GHz TSC is 10^7 ticks of 100 ns, to within one. */
	scale = hvkm_hv_tsc_scale(3000000000ULL);
	KUNIT_EXPECT_LE(test, abs((s64)hvkm_hv_scale_tsc(3000000000ULL, scale) - 10000000), 1);
}

static void tsc_page_offset_matches_reference(struct kunit *test)
{
	u64 scale = hvkm_hv_tsc_scale(2100000000ULL);
	s64 ref_offset = -123456789, offsets[] = { 0, 1000, -1000, 1LL << 40, -(1LL << 40) };
	u64 host = 0x123456789abcULL;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(offsets); i++) {
		s64 page = hvkm_hv_tsc_page_offset(ref_offset, offsets[i], scale);
		u64 guest_view = hvkm_hv_scale_tsc(host + offsets[i], scale) + page;
		u64 reference = hvkm_hv_scale_tsc(host, scale) + ref_offset;

		KUNIT_EXPECT_LE_MSG(test, abs((s64)(guest_view - reference)), 1, "offset %lld",
				    offsets[i]);
	}
}

/* Every entry progresses; a chunk at most; sooner when something else waits. */
static void rep_yield_rules(struct kunit *test)
{
	KUNIT_EXPECT_FALSE(test, hvkm_hv_rep_yield(0, false));
	KUNIT_EXPECT_FALSE(test, hvkm_hv_rep_yield(0, true));
	KUNIT_EXPECT_TRUE(test, hvkm_hv_rep_yield(1, true));
	KUNIT_EXPECT_FALSE(test, hvkm_hv_rep_yield(1, false));
	KUNIT_EXPECT_FALSE(test, hvkm_hv_rep_yield(HVKM_HV_REP_CHUNK - 1, false));
	KUNIT_EXPECT_TRUE(test, hvkm_hv_rep_yield(HVKM_HV_REP_CHUNK, false));
}

/* Only rep start changes; it cannot spill into the bits above it. */
static void rep_next_control(struct kunit *test)
{
	u64 control = 0x0003 | REP(300, 0) | BIT_ULL(16);

	KUNIT_EXPECT_EQ(test, hvkm_hv_rep_next_control(control, 64), 0x0003 | REP(300, 64) |
			BIT_ULL(16));
	KUNIT_EXPECT_EQ(test, hvkm_hv_rep_next_control(0x0003 | REP(300, 64), 128),
			0x0003 | REP(300, 128));
	KUNIT_EXPECT_EQ(test, hvkm_hv_rep_next_control(0x0003 | REP(0xfff, 0), 0xfff),
			0x0003 | REP(0xfff, 0xfff));
	KUNIT_EXPECT_EQ(test, hvkm_hv_rep_next_control(0x0003, 0x1000), 0x0003);
}

static void lazy_eoi_eligibility(struct kunit *test)
{
	DECLARE_BITMAP(irr, HVKM_LAPIC_VECTORS);
	DECLARE_BITMAP(isr, HVKM_LAPIC_VECTORS);
	DECLARE_BITMAP(tmr, HVKM_LAPIC_VECTORS);

	bitmap_zero(irr, HVKM_LAPIC_VECTORS);
	bitmap_zero(isr, HVKM_LAPIC_VECTORS);
	bitmap_zero(tmr, HVKM_LAPIC_VECTORS);
	/* Not in service: AutoEOI, ExtINT. */
	KUNIT_EXPECT_FALSE(test, hvkm_hv_lazy_eoi_eligible(irr, isr, tmr, 0x40));
	__set_bit(0x40, isr);
	KUNIT_EXPECT_TRUE(test, hvkm_hv_lazy_eoi_eligible(irr, isr, tmr, 0x40));
	KUNIT_EXPECT_FALSE(test, hvkm_hv_lazy_eoi_eligible(irr, isr, tmr, -1));
	/* Level-triggered. */
	__set_bit(0x40, tmr);
	KUNIT_EXPECT_FALSE(test, hvkm_hv_lazy_eoi_eligible(irr, isr, tmr, 0x40));
	__clear_bit(0x40, tmr);
	/* A level vector elsewhere in TMR does not matter. */
	__set_bit(0x90, tmr);
	KUNIT_EXPECT_TRUE(test, hvkm_hv_lazy_eoi_eligible(irr, isr, tmr, 0x40));
	/* Another vector in service, lower or higher. */
	__set_bit(0x30, isr);
	KUNIT_EXPECT_FALSE(test, hvkm_hv_lazy_eoi_eligible(irr, isr, tmr, 0x40));
	__clear_bit(0x30, isr);
	__set_bit(0xe0, isr);
	KUNIT_EXPECT_FALSE(test, hvkm_hv_lazy_eoi_eligible(irr, isr, tmr, 0x40));
	__clear_bit(0xe0, isr);
	/* Another vector waiting. */
	__set_bit(0x31, irr);
	KUNIT_EXPECT_FALSE(test, hvkm_hv_lazy_eoi_eligible(irr, isr, tmr, 0x40));
	__clear_bit(0x31, irr);
	__set_bit(0xff, isr);
	__clear_bit(0x40, isr);
	KUNIT_EXPECT_TRUE(test, hvkm_hv_lazy_eoi_eligible(irr, isr, tmr, 0xff));
}

static struct kunit_case tlfs_cases[] = {
	KUNIT_CASE(control_reserved_bits),
	KUNIT_CASE(control_rep_rules),
	KUNIT_CASE(control_variable_header),
	KUNIT_CASE(vpset_sparse_and_all),
	KUNIT_CASE(vpset_malformed),
	KUNIT_CASE(tsc_scale_math),
	KUNIT_CASE(tsc_page_offset_matches_reference),
	KUNIT_CASE(rep_yield_rules),
	KUNIT_CASE(rep_next_control),
	KUNIT_CASE(lazy_eoi_eligibility),
	{}
};

static struct kunit_suite tlfs_suite = {
	.name = "hvkm_tlfs",
	.test_cases = tlfs_cases,
};

kunit_test_suite(tlfs_suite);
