// SPDX-License-Identifier: GPL-2.0
// sources: bus.c devices/rtc.c
#include "devices/rtc.h"
#include "tap.h"

static time_t now_s;

static time_t fake_now(void *clock)
{
	(void)clock;
	return now_s;
}

static uint8_t rd(struct rtc *rtc, uint8_t reg)
{
	uint8_t v = reg;

	rtc_io(rtc, 0x70, &v, 1, true);
	rtc_io(rtc, 0x71, &v, 1, false);
	return v;
}

static void wr(struct rtc *rtc, uint8_t reg, uint8_t v)
{
	rtc_io(rtc, 0x70, &reg, 1, true);
	rtc_io(rtc, 0x71, &v, 1, true);
}

int main(void)
{
	struct rtc rtc;
	uint8_t v;

	/* 2026-11-27 21:59:54 UTC, a Friday. */
	now_s = 1795816794;
	rtc_init(&rtc, fake_now, NULL);
	CHECK(rd(&rtc, 0x00) == 0x54 && rd(&rtc, 0x02) == 0x59 && rd(&rtc, 0x04) == 0x21,
	      "bcd_time");
	CHECK(rd(&rtc, 0x07) == 0x27 && rd(&rtc, 0x08) == 0x11 && rd(&rtc, 0x09) == 0x26 &&
	      rd(&rtc, 0x32) == 0x20, "bcd_date_and_century");
	CHECK(rd(&rtc, 0x06) == 6, "weekday_friday");
	CHECK(!(rd(&rtc, 0x0a) & 0x80), "never_update_in_progress");
	CHECK(rd(&rtc, 0x0d) == 0x80, "valid_ram_and_time");
	CHECK(rd(&rtc, 0x0b) == 0x02, "default_24h_bcd");

	/* Index bit 7 is the NMI mask, not part of the index. */
	v = 0x80 | 0x04;
	rtc_io(&rtc, 0x70, &v, 1, true);
	rtc_io(&rtc, 0x71, &v, 1, false);
	CHECK(v == 0x21, "nmi_mask_bit_ignored");

	wr(&rtc, 0x0b, 0x06);	/* binary, 24 h */
	CHECK(rd(&rtc, 0x00) == 54 && rd(&rtc, 0x04) == 21 && rd(&rtc, 0x09) == 26, "binary_mode");
	wr(&rtc, 0x0b, 0x04);	/* binary, 12 h */
	CHECK(rd(&rtc, 0x04) == (0x80 | 9), "twelve_hour_pm");

	now_s += 5;
	wr(&rtc, 0x0b, 0x02);
	CHECK(rd(&rtc, 0x00) == 0x59, "clock_runs");

	/* Setting the time moves the guest's clock, not the host's. */
	wr(&rtc, 0x04, 0x08);
	CHECK(rd(&rtc, 0x04) == 0x08 && rd(&rtc, 0x02) == 0x59, "set_hour");
	now_s += 60;
	CHECK(rd(&rtc, 0x04) == 0x09 && rd(&rtc, 0x02) == 0x00, "set_clock_keeps_running");
	wr(&rtc, 0x09, 0x30);
	CHECK(rd(&rtc, 0x09) == 0x30 && rd(&rtc, 0x32) == 0x20, "set_year");

	/* CMOS RAM. */
	wr(&rtc, 0x40, 0xa5);
	wr(&rtc, 0x7f, 0x5a);
	CHECK(rd(&rtc, 0x40) == 0xa5 && rd(&rtc, 0x7f) == 0x5a, "cmos_ram");
	wr(&rtc, 0x0d, 0x00);
	CHECK(rd(&rtc, 0x0d) == 0x80, "register_d_read_only");
	return tap_done();
}
