// SPDX-License-Identifier: GPL-2.0
// sources: bus.c devices/rtc.c
#include "devices/rtc.h"
#include "tap.h"

#define NS	1000000000ull
#define MS	1000000ull

static uint64_t now_ns;
static int level, edges, rearms;

static uint64_t fake_now(void *clock)
{
	(void)clock;
	return now_ns;
}

static void set_irq(void *ctl, unsigned int irq, int l)
{
	(void)ctl;
	(void)irq;
	if (l && !level)
		edges++;
	level = l;
}

static void count_rearm(void *opaque)
{
	(void)opaque;
	rearms++;
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

/* Run the clock to @until, taking each timer expiry as the VMM's loop would. */
static void run_until(struct rtc *rtc, uint64_t until)
{
	uint64_t d;

	while ((d = rtc_next_deadline(rtc)) != RTC_NO_DEADLINE && d <= until) {
		if (d > now_ns)
			now_ns = d;
		rtc_tick(rtc);
		if (level)
			rd(rtc, 0x0c);	/* the guest's handler acknowledges */
	}
	now_ns = until;
}

static void basics(void)
{
	struct rtc rtc;
	uint8_t v;

	/* 2026-11-27 21:59:54 UTC, a Friday. */
	now_ns = 1795816794ull * NS + 100 * MS;
	rtc_init(&rtc, (struct irq_line){ set_irq, NULL, 8 }, fake_now, NULL);
	CHECK(rd(&rtc, 0x00) == 0x54 && rd(&rtc, 0x02) == 0x59 && rd(&rtc, 0x04) == 0x21,
	      "bcd_time");
	CHECK(rd(&rtc, 0x07) == 0x27 && rd(&rtc, 0x08) == 0x11 && rd(&rtc, 0x09) == 0x26 &&
	      rd(&rtc, 0x32) == 0x20, "bcd_date_and_century");
	CHECK(rd(&rtc, 0x06) == 6, "weekday_friday");
	CHECK(rd(&rtc, 0x0a) == 0x26, "register_a_reset_value_no_uip");
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

	now_ns += 5 * NS;
	wr(&rtc, 0x0b, 0x02);
	CHECK(rd(&rtc, 0x00) == 0x59, "clock_runs");

	/* Setting the time moves the guest's clock, not the host's. */
	wr(&rtc, 0x04, 0x08);
	CHECK(rd(&rtc, 0x04) == 0x08 && rd(&rtc, 0x02) == 0x59, "set_hour");
	now_ns += 60 * NS;
	CHECK(rd(&rtc, 0x04) == 0x09 && rd(&rtc, 0x02) == 0x00, "set_clock_keeps_running");
	wr(&rtc, 0x09, 0x30);
	CHECK(rd(&rtc, 0x09) == 0x30 && rd(&rtc, 0x32) == 0x20, "set_year");

	/* UIP: set in the last 244 us before an update, clear otherwise. */
	now_ns = (now_ns / NS + 1) * NS - 200000;
	CHECK(rd(&rtc, 0x0a) & 0x80, "uip_just_before_update");
	now_ns += 300000;
	CHECK(!(rd(&rtc, 0x0a) & 0x80), "uip_clear_after_update");

	/* CMOS RAM. */
	wr(&rtc, 0x40, 0xa5);
	wr(&rtc, 0x7f, 0x5a);
	CHECK(rd(&rtc, 0x40) == 0xa5 && rd(&rtc, 0x7f) == 0x5a, "cmos_ram");
	wr(&rtc, 0x0d, 0x00);
	wr(&rtc, 0x0c, 0xff);
	CHECK(rd(&rtc, 0x0d) == 0x80 && !(rd(&rtc, 0x0c) & 0x0f), "registers_c_d_read_only");
}

/* Periodic interrupts per second at register A's rate @rs. */
static int periodic_irqs(uint8_t rs)
{
	struct rtc rtc;
	int start;

	now_ns = 1795816794ull * NS + 123456789;
	rtc_init(&rtc, (struct irq_line){ set_irq, NULL, 8 }, fake_now, NULL);
	wr(&rtc, 0x0a, 0x20 | rs);
	rd(&rtc, 0x0c);
	wr(&rtc, 0x0b, 0x42);	/* PIE */
	level = 0;
	start = edges;
	run_until(&rtc, now_ns + NS);
	return edges - start;
}

static void periodic(void)
{
	struct rtc rtc;
	uint8_t c;

	CHECK(periodic_irqs(0x6) == 1024, "periodic_rs6_1024hz");
	CHECK(periodic_irqs(0xf) == 2, "periodic_rs15_2hz");
	CHECK(periodic_irqs(0x3) == 8192, "periodic_rs3_8192hz");
	CHECK(periodic_irqs(0x1) == 256, "periodic_rs1_256hz");
	CHECK(periodic_irqs(0x2) == 128, "periodic_rs2_128hz");
	CHECK(periodic_irqs(0x0) == 0, "periodic_rs0_off");

	/* PF is set without PIE, but raises nothing. */
	now_ns = 1795816794ull * NS;
	rtc_init(&rtc, (struct irq_line){ set_irq, NULL, 8 }, fake_now, NULL);
	level = 0;
	rd(&rtc, 0x0c);
	CHECK(rtc_next_deadline(&rtc) == RTC_NO_DEADLINE, "no_timer_without_enables");
	now_ns += 2 * MS;
	c = rd(&rtc, 0x0c);
	CHECK((c & 0xc0) == 0x40 && !level, "pf_without_pie_no_irq");

	/* Enabling PIE with PF set raises IRQF at once; reading C lowers it. */
	now_ns += 2 * MS;
	wr(&rtc, 0x0b, 0x42);
	CHECK(level, "pie_with_pf_pending_raises");
	c = rd(&rtc, 0x0c);
	CHECK(c == 0xc0 && !level && rd(&rtc, 0x0c) == 0, "register_c_read_clears_and_lowers");

	/* With IRQF up, the timer waits for the guest's acknowledgment. */
	now_ns += 2 * MS;
	rtc_tick(&rtc);
	CHECK(level && rtc_next_deadline(&rtc) == RTC_NO_DEADLINE, "no_timer_while_irqf_set");
	rd(&rtc, 0x0c);
	CHECK(!level && rtc_next_deadline(&rtc) != RTC_NO_DEADLINE, "rearmed_after_ack");
}

static void update_and_alarm(void)
{
	struct rtc rtc;
	uint64_t t0;
	int start;

	/* 21:59:54.100 */
	now_ns = t0 = 1795816794ull * NS + 100 * MS;
	rtc_init(&rtc, (struct irq_line){ set_irq, NULL, 8 }, fake_now, NULL);
	rtc.rearm = count_rearm;
	level = 0;
	wr(&rtc, 0x0b, 0x12);	/* UIE */
	CHECK(rearms > 0, "rearm_on_enable");
	CHECK(rtc_next_deadline(&rtc) == 1795816795ull * NS, "uf_deadline_next_second");
	start = edges;
	run_until(&rtc, t0 + 5 * NS);
	CHECK(edges - start == 5, "uf_once_per_second");
	/* Without acknowledging, the line stays up: one edge. */
	start = edges;
	now_ns += 3 * NS;
	rtc_tick(&rtc);
	CHECK(edges - start == 1 && level, "uf_coalesced_until_ack");
	CHECK((rd(&rtc, 0x0c) & 0xb0) == 0x90 && !level, "uf_irqf_read_clear");

	/* Alarm 22:00:05 (time now 22:00:02.100). */
	wr(&rtc, 0x0b, 0x22);	/* AIE only */
	wr(&rtc, 0x01, 0x05);
	wr(&rtc, 0x03, 0x00);
	wr(&rtc, 0x05, 0x22);
	start = edges;
	run_until(&rtc, now_ns + 2 * NS);	/* 22:00:04.100 */
	CHECK(edges == start, "alarm_not_before_match");
	now_ns += NS;				/* 22:00:05.100 */
	rtc_tick(&rtc);
	CHECK(edges == start + 1 && (rd(&rtc, 0x0c) & 0xa0) == 0xa0, "alarm_match");
	run_until(&rtc, now_ns + 10 * NS);
	CHECK(edges == start + 1, "alarm_once_a_day");

	/* Seconds "don't care" (0xC0-0xFF): every second of minute 00 of hour 22... */
	wr(&rtc, 0x01, 0xc0);
	wr(&rtc, 0x03, 0xff);	/* ...and of any minute */
	start = edges;
	run_until(&rtc, now_ns + 3 * NS);
	CHECK(edges == start + 3, "alarm_dont_care_each_second");
	wr(&rtc, 0x05, 0x23);	/* hour 23: none */
	start = edges;
	run_until(&rtc, now_ns + 3 * NS);
	CHECK(edges == start, "alarm_dont_care_other_fields_still_compared");

	/* AF set without AIE: seen in register C, no interrupt. */
	wr(&rtc, 0x0b, 0x02);
	wr(&rtc, 0x05, 0xc0);
	rd(&rtc, 0x0c);
	now_ns += NS;
	CHECK(!level && (rd(&rtc, 0x0c) & 0x30) == 0x30, "af_uf_flags_without_enables");
}

static void set_and_divider(void)
{
	struct rtc rtc;
	uint64_t t0;
	int start;

	now_ns = t0 = 1795816794ull * NS + 100 * MS;	/* 21:59:54.100 */
	rtc_init(&rtc, (struct irq_line){ set_irq, NULL, 8 }, fake_now, NULL);
	level = 0;
	/* SET stops updates and clears UIE. */
	wr(&rtc, 0x0b, 0x92);
	CHECK(rd(&rtc, 0x0b) == 0x82, "set_clears_uie");
	now_ns += 3 * NS;
	CHECK(rd(&rtc, 0x00) == 0x54, "set_stops_clock");
	CHECK(!(rd(&rtc, 0x0c) & 0x10), "set_no_update_flag");
	wr(&rtc, 0x00, 0x30);
	wr(&rtc, 0x02, 0x10);
	now_ns += NS;
	CHECK(rd(&rtc, 0x00) == 0x30 && rd(&rtc, 0x02) == 0x10, "set_time_held");
	/* Clearing SET: the clock runs from the time set, at the divider's next second. */
	wr(&rtc, 0x0b, 0x12);	/* now at .100 of a second */
	now_ns += 800 * MS;
	CHECK(rd(&rtc, 0x00) == 0x30, "set_released_same_second");
	start = edges;
	now_ns += 200 * MS;
	rtc_tick(&rtc);
	CHECK(rd(&rtc, 0x00) == 0x31 && edges == start + 1, "set_released_updates_resume");
	rd(&rtc, 0x0c);

	/* The periodic interrupt keeps running under SET. */
	wr(&rtc, 0x0b, 0xc2);
	rd(&rtc, 0x0c);
	start = edges;
	run_until(&rtc, now_ns + 100 * MS);
	CHECK(edges - start >= 102 && edges - start <= 103, "periodic_runs_during_set");
	wr(&rtc, 0x0b, 0x02);
	rd(&rtc, 0x0c);

	/* Divider reset (DV = 110) holds the clock; the first update is 500 ms after. */
	wr(&rtc, 0x0a, 0x66);
	now_ns += 5 * NS;
	CHECK(rd(&rtc, 0x00) == 0x31 && !(rd(&rtc, 0x0c) & 0x50), "divider_reset_stops");
	wr(&rtc, 0x0b, 0x12);
	CHECK(rtc_next_deadline(&rtc) == RTC_NO_DEADLINE, "divider_reset_no_timer");
	wr(&rtc, 0x0a, 0x26);
	CHECK(rtc_next_deadline(&rtc) == now_ns + 500 * MS, "first_update_500ms_after_reset");
	now_ns += 499 * MS;
	CHECK(rd(&rtc, 0x00) == 0x31, "no_update_before_500ms");
	now_ns += 2 * MS;
	CHECK(rd(&rtc, 0x00) == 0x32 && (rd(&rtc, 0x0c) & 0x90) == 0x90, "update_at_500ms");

	/* Other time bases (DV 000, 001) do not run this divider. */
	wr(&rtc, 0x0a, 0x06);
	now_ns += 3 * NS;
	CHECK(rd(&rtc, 0x00) == 0x32, "dv000_stops");
	wr(&rtc, 0x0a, 0x26);
	now_ns += NS;
	CHECK(rd(&rtc, 0x00) == 0x33, "dv010_runs_again");
}

int main(void)
{
	basics();
	periodic();
	update_and_alarm();
	set_and_divider();
	return tap_done();
}
