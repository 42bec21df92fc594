// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm: the arithmetic of the partition reference time (TLFS "Timers",
 * "Partition Reference Time Enlightenment").  The guest reads the time
 * from its TSC page as ((tsc * scale) >> 64) + offset, in 100 ns units;
 * hvkm keeps the same clock for HV_X64_MSR_TIME_REF_COUNT, so both agree.
 * Pure logic: tests/kunit/tlfs_test.c drives it.
 */
#include <linux/math64.h>
#include <linux/time64.h>

#include "tlfs.h"

/* scale = 10^7 * 2^64 / tsc_hz: 100 ns ticks per TSC tick, as a 0.64 fraction. */
u64 hvkm_hv_tsc_scale(u64 tsc_hz)
{
	/* Beyond 2^64 only for a TSC slower than 10 MHz, which x86 does not have. */
	if (tsc_hz <= HV_CLOCK_HZ)
		return 0;
	return mul_u64_u64_div_u64(1ULL << 63, 2 * HV_CLOCK_HZ, tsc_hz);
}

u64 hvkm_hv_scale_tsc(u64 tsc, u64 scale)
{
	return mul_u64_u64_shr(tsc, scale, 64);
}

/*
 * The TSC page offset for a VP whose TSC is the host's plus @tsc_offset:
 * scale(host + tsc_offset) + page offset = scale(host) + ref_offset, to
 * within one 100 ns tick of rounding.
 */
s64 hvkm_hv_tsc_page_offset(s64 ref_offset, s64 tsc_offset, u64 scale)
{
	s64 shift = (s64)(((__int128)tsc_offset * (__int128)scale) >> 64);

	return ref_offset - shift;
}
