// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm: parsing hypercall input (pure logic, driven by KUnit in
 * tests/kunit/tlfs_test.c): the hypercall input value, and HV_VP_SET, the
 * sparse processor sets of the "Ex" hypercalls (TLFS datatypes/hv_vp_set).
 * Format HV_GENERIC_SET_SPARSE_4K: bank i of the valid bank mask covers VPs
 * 64*i .. 64*i+63, and the banks present follow in order;
 * HV_GENERIC_SET_ALL: every VP.
 */
#include <linux/bitmap.h>
#include <linux/errno.h>
#include <linux/bitops.h>

#include "tlfs.h"

/*
 * The common checks on the hypercall input value (TLFS "Hypercall Inputs",
 * "Common Hypercall Status Codes").  Pure: KUnit drives it.
 */
u16 hvkm_hv_check_control(u64 control, bool is_rep, bool var_header_ok)
{
	u64 count = (control & HV_HYPERCALL_REP_COMP_MASK) >> HV_HYPERCALL_REP_COMP_OFFSET;
	u64 start = (control & HV_HYPERCALL_REP_START_MASK) >> HV_HYPERCALL_REP_START_OFFSET;

	if (control & HV_HYPERCALL_RSVD_MASK)
		return HV_STATUS_INVALID_HYPERCALL_INPUT;
	if ((control & HV_HYPERCALL_VARHEAD_MASK) && !var_header_ok)
		return HV_STATUS_INVALID_HYPERCALL_INPUT;
	if (is_rep ? (!count || start >= count) : (count || start))
		return HV_STATUS_INVALID_HYPERCALL_INPUT;
	return HV_STATUS_SUCCESS;
}

/* How many bank words follow the header for this set. */
unsigned int hvkm_hv_vpset_banks(u64 format, u64 bank_mask)
{
	return format == HV_GENERIC_SET_SPARSE_4K ? hweight64(bank_mask) : 0;
}

/*
 * Fill @vps (max_vps bits) from the set.  -EINVAL for an unknown format;
 * VP indexes at or beyond @max_vps name no VP and are ignored, as VPs that
 * do not exist are.
 */
int hvkm_hv_vpset_parse(u64 format, u64 bank_mask, const u64 *banks, unsigned int nbanks,
			unsigned long *vps, unsigned int max_vps)
{
	unsigned int bank, i = 0, bit;

	bitmap_zero(vps, max_vps);
	if (format == HV_GENERIC_SET_ALL) {
		bitmap_fill(vps, max_vps);
		return 0;
	}
	if (format != HV_GENERIC_SET_SPARSE_4K)
		return -EINVAL;
	if (hweight64(bank_mask) != nbanks)
		return -EINVAL;
	for (bank = 0; bank < 64; bank++) {
		if (!(bank_mask & BIT_ULL(bank)))
			continue;
		for (bit = 0; bit < 64; bit++) {
			unsigned int index = bank * 64 + bit;

			if ((banks[i] & BIT_ULL(bit)) && index < max_vps)
				__set_bit(index, vps);
		}
		i++;
	}
	return 0;
}

/*
 * Rep calls (TLFS "Hypercall Continuation"): an entry that has done @done
 * reps stops at HVKM_HV_REP_CHUNK, or earlier when something else wants the
 * CPU (@busy), but never before its first rep, so every entry progresses.
 * Pure: KUnit drives it.
 */
bool hvkm_hv_rep_yield(unsigned int done, bool busy)
{
	return done >= HVKM_HV_REP_CHUNK || (done && busy);
}

/* The input value a continued call is executed again with: rep start moved on. */
u64 hvkm_hv_rep_next_control(u64 control, unsigned int next_start)
{
	return (control & ~HV_HYPERCALL_REP_START_MASK) |
	       ((u64)next_start << HV_HYPERCALL_REP_START_OFFSET & HV_HYPERCALL_REP_START_MASK);
}
