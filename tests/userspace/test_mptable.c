// SPDX-License-Identifier: GPL-2.0
// sources: mptable.c
#include <stdlib.h>
#include <string.h>

#include "mptable.h"
#include "bytes.h"
#include "tap.h"

int main(void)
{
	uint64_t size = 2 << 20;
	uint8_t *mem = calloc(1, size), *mpf, *mpc, *e;
	size_t len;
	unsigned int i, procs = 0, bsps = 0, lints = 0, buses = 0;

	if (!mem)
		return 1;
	len = mptable_write(mem, size, 4, 0x00830f10, 0x178bfbff);
	mpf = mem + MPTABLE_BASE;
	CHECK(len == 16 + 44 + 4 * 20 + 3 * 8, "size");
	CHECK(!memcmp(mpf, "_MP_", 4) && mpf[8] == 1 && mpf[9] == 4, "floating_pointer");
	CHECK(sum(mpf, 16) == 0, "floating_pointer_checksum");
	CHECK(!(MPTABLE_BASE & 15), "floating_pointer_16_byte_aligned");
	CHECK(mpf[11] == 0 && (mpf[12] & 0x80), "default_config_none_pic_mode");
	mpc = mem + get32(mpf + 4);
	CHECK(get32(mpf + 4) == MPTABLE_BASE + 16 && !memcmp(mpc, "PCMP", 4), "config_table");
	CHECK(get16(mpc + 4) == len - 16 && sum(mpc, get16(mpc + 4)) == 0, "config_table_checksum");
	CHECK(get16(mpc + 34) == 7 && get32(mpc + 36) == 0xfee00000, "entry_count_and_lapic");
	e = mpc + 44;
	for (i = 0; i < get16(mpc + 34); i++) {
		if (e[0] == 0) {
			CHECK(e[1] == procs && (e[3] & 1) && get32(e + 4) == 0x00830f10, "processor_entry");
			bsps += !!(e[3] & 2);
			procs++;
			e += 20;
		} else {
			if (e[0] == 1)
				buses += !memcmp(e + 2, "ISA   ", 6);
			if (e[0] == 4)
				lints += (e[1] == 3 && e[7] == 0) || (e[1] == 1 && e[7] == 1);
			e += 8;
		}
	}
	CHECK(procs == 4 && bsps == 1 && mpc[44 + 3] & 2, "four_processors_one_bsp_first");
	CHECK(buses == 1 && lints == 2, "isa_bus_extint_lint0_nmi_lint1");
	CHECK(e == mpf + len, "entries_fill_the_table");
	CHECK(mptable_write(mem, size, 0, 0, 0) == 0 && mptable_write(mem, size, 256, 0, 0) == 0,
	      "bad_vp_counts");
	CHECK(mptable_write(mem, MPTABLE_BASE + 32, 1, 0, 0) == 0, "too_little_ram");
	free(mem);
	return tap_done();
}
