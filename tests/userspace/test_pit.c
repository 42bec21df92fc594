// SPDX-License-Identifier: GPL-2.0
// sources: bus.c devices/pit.c
#include "devices/pit.h"
#include "tap.h"

static uint64_t now_ns;
static int irqs, level;

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
		irqs++;
	level = l;
}

static void out(struct pit *pit, uint16_t port, uint8_t v)
{
	pit_io(pit, port, &v, 1, true);
}

static uint8_t in(struct pit *pit, uint16_t port)
{
	uint8_t v;

	pit_io(pit, port, &v, 1, false);
	return v;
}

/* Nanoseconds of @ticks PIT input clocks, rounded up. */
static uint64_t ticks(uint64_t t)
{
	return (t * 1000000000ull + PIT_HZ - 1) / PIT_HZ;
}

int main(void)
{
	struct irq_line line = { set_irq, NULL, 0 };
	struct pit pit;
	uint64_t deadline;
	uint16_t a, b;
	int i;

	now_ns = 1000000000ull;
	pit_init(&pit, line, fake_now, NULL);
	CHECK(pit_next_deadline(&pit) == PIT_NO_DEADLINE, "idle_no_deadline");

	/* Mode 2, count 1193 (about 1 ms): Linux's HZ tick setup writes 0x34. */
	out(&pit, 0x43, 0x34);
	out(&pit, 0x40, 1193 & 0xff);
	out(&pit, 0x40, 1193 >> 8);
	CHECK(pit_count(&pit, 0) == 1193, "mode2_loaded");
	deadline = pit_next_deadline(&pit);
	CHECK(deadline == now_ns + ticks(1193), "mode2_deadline_one_period");
	now_ns += ticks(100);
	CHECK(pit_count(&pit, 0) == 1093, "mode2_counts_down");
	pit_tick(&pit);
	CHECK(irqs == 0, "no_irq_before_period");
	now_ns = deadline;
	pit_tick(&pit);
	CHECK(irqs == 1 && !level, "irq_pulse_at_period");
	CHECK(pit_next_deadline(&pit) == deadline + ticks(1193) ||
	      pit_next_deadline(&pit) == deadline + ticks(1193) - 1, "next_period");
	now_ns += ticks(1193 * 5);
	pit_tick(&pit);
	CHECK(irqs == 2, "missed_periods_coalesced");
	CHECK(pit_next_deadline(&pit) > now_ns, "deadline_in_future_after_catch_up");

	/* Counter latch: the count read is the one at the latch. */
	out(&pit, 0x43, 0x00);
	a = pit_count(&pit, 0);
	now_ns += ticks(50);
	b = in(&pit, 0x40);
	b |= in(&pit, 0x40) << 8;
	CHECK(a == b, "latched_count");
	CHECK(pit_count(&pit, 0) != a, "live_count_moved_on");

	/* Mode 0 on channel 0: one interrupt at terminal count. */
	irqs = 0;
	out(&pit, 0x43, 0x30);
	CHECK(!pit_out(&pit, 0), "mode0_out_low_after_control_word");
	out(&pit, 0x40, 100);
	out(&pit, 0x40, 0);
	now_ns += ticks(99);
	pit_tick(&pit);
	CHECK(!pit_out(&pit, 0) && irqs == 0, "mode0_low_before_terminal_count");
	now_ns += ticks(1);
	pit_tick(&pit);
	CHECK(pit_out(&pit, 0) && irqs == 1, "mode0_irq_at_terminal_count");
	now_ns += ticks(100000);
	pit_tick(&pit);
	CHECK(irqs == 1 && pit_next_deadline(&pit) == PIT_NO_DEADLINE, "mode0_only_once");

	/* Read-back status of channel 0: out high, LSB/MSB, mode 0. */
	out(&pit, 0x43, 0xe2);
	CHECK(in(&pit, 0x40) == 0xb0, "readback_status");

	/* Mode 3 square wave on channel 1, LSB only. */
	out(&pit, 0x43, 0x56);
	out(&pit, 0x41, 20);
	CHECK(pit_out(&pit, 1), "mode3_high_first_half");
	now_ns += ticks(10);
	CHECK(!pit_out(&pit, 1), "mode3_low_second_half");
	now_ns += ticks(10);
	CHECK(pit_out(&pit, 1), "mode3_high_again");
	CHECK((in(&pit, 0x41) & 1) == 0, "mode3_counts_by_two");

	/*
	 * Channel 2 as Linux's PIT TSC calibration uses it: gate via port
	 * 0x61 bit 0, mode 0, output read back in port 0x61 bit 5.
	 */
	out(&pit, 0x61, 0x00);
	out(&pit, 0x43, 0xb0);
	out(&pit, 0x42, 0xff);
	out(&pit, 0x42, 0x00);
	now_ns += ticks(1000);
	CHECK(pit_count(&pit, 2) == 0xff && !(in(&pit, 0x61) & 0x20), "gate_low_holds_count");
	out(&pit, 0x61, 0x01);
	now_ns += ticks(100);
	CHECK(pit_count(&pit, 2) == 0xff - 100, "gate_high_counts");
	CHECK(!(in(&pit, 0x61) & 0x20), "out2_low_while_counting");
	now_ns += ticks(200);
	CHECK(in(&pit, 0x61) & 0x20, "out2_high_at_terminal_count");
	CHECK((in(&pit, 0x61) & 0x03) == 0x01, "port61_keeps_gate_bit");
	a = in(&pit, 0x61) & 0x10;
	CHECK((in(&pit, 0x61) & 0x10) != a, "refresh_bit_toggles");

	/* Mode 2 on channel 2 restarts on a rising gate. */
	out(&pit, 0x43, 0xb4);
	out(&pit, 0x42, 0x00);
	out(&pit, 0x42, 0x10);
	now_ns += ticks(0x800);
	out(&pit, 0x61, 0x00);
	out(&pit, 0x61, 0x01);
	CHECK(pit_count(&pit, 2) == 0x1000, "mode2_gate_reloads");

	/* A count of 0 means 65536. */
	out(&pit, 0x43, 0x34);
	out(&pit, 0x40, 0);
	out(&pit, 0x40, 0);
	deadline = pit_next_deadline(&pit);
	CHECK(deadline == now_ns + ticks(65536), "count_zero_is_65536");
	for (i = 0; i < 3; i++) {
		now_ns = pit_next_deadline(&pit);
		pit_tick(&pit);
	}
	CHECK(pit.irqs >= 3, "periodic_keeps_going");
	return tap_done();
}
