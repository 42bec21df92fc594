// SPDX-License-Identifier: GPL-2.0
/*
 * 8254 PIT after the Intel 82C54 data sheet: control word, counter latch
 * and read-back commands, the LSB/MSB access modes, modes 0-5 computed
 * from the time since the count was loaded.  Counts are binary; BCD
 * counting is accepted but counts in binary (docs/deviations.md).
 */
#include <string.h>

#include "pit.h"

#define PIT_BASE	0x40
#define PIT_CONTROL	0x43
#define PORT_B		0x61

static uint64_t pit_ticks_since(const struct pit *pit, const struct pit_channel *c)
{
	uint64_t ns;

	if (!c->counting)
		return 0;
	if (c->paused)
		return c->paused_ticks;
	ns = pit->now(pit->clock) - c->start_ns;
	return (uint64_t)((unsigned __int128)ns * PIT_HZ / 1000000000ull);
}

static uint64_t ticks_to_ns(uint64_t ticks)
{
	return (uint64_t)(((unsigned __int128)ticks * 1000000000ull + PIT_HZ - 1) / PIT_HZ);
}

static uint16_t channel_count(const struct pit *pit, const struct pit_channel *c)
{
	uint64_t t = pit_ticks_since(pit, c);
	uint32_t r = c->reload;

	if (!c->counting)
		return (uint16_t)r;
	switch (c->mode) {
	case 2:
		return (uint16_t)(r - t % r);
	case 3:
		/* Decrements by two, twice per period (both half periods). */
		return (uint16_t)((r - (2 * t) % r) & ~1u);
	default:
		/* Modes 0, 1, 4, 5 count down once and wrap through 0xffff. */
		return (uint16_t)(r - t);
	}
}

static bool channel_out(const struct pit *pit, const struct pit_channel *c)
{
	uint64_t t = pit_ticks_since(pit, c);
	uint32_t r = c->reload;

	if (!c->counting)
		return c->mode != 0;	/* mode 0: low from the control word */
	switch (c->mode) {
	case 0:
	case 1:
		return t >= r;
	case 2:
		return t % r != r - 1;
	case 3:
		return t % r < (r + 1) / 2;
	default:	/* 4, 5: one low tick at terminal count */
		return t != r;
	}
}

uint16_t pit_count(struct pit *pit, unsigned int ch)
{
	return channel_count(pit, &pit->ch[ch]);
}

bool pit_out(struct pit *pit, unsigned int ch)
{
	return channel_out(pit, &pit->ch[ch]);
}

/* The tick count at which channel 0's output rises for the (n+1)th time. */
static uint64_t channel0_edge_after(const struct pit_channel *c, uint64_t done)
{
	uint32_t r = c->reload;

	switch (c->mode) {
	case 0:
	case 1:
		return done ? UINT64_MAX : r;
	case 2:
	case 3:
		/* A rising edge once per period. */
		return (done / r + 1) * r;
	default:
		return done ? UINT64_MAX : r + 1;
	}
}

uint64_t pit_next_deadline(struct pit *pit)
{
	struct pit_channel *c = &pit->ch[0];
	uint64_t edge;

	if (!c->counting || c->paused)
		return PIT_NO_DEADLINE;
	edge = channel0_edge_after(c, c->irq_ticks);
	if (edge == UINT64_MAX)
		return PIT_NO_DEADLINE;
	return c->start_ns + ticks_to_ns(edge);
}

void pit_tick(struct pit *pit)
{
	struct pit_channel *c = &pit->ch[0];
	uint64_t t, edge;

	if (!c->counting || c->paused)
		return;
	t = pit_ticks_since(pit, c);
	edge = channel0_edge_after(c, c->irq_ticks);
	if (edge == UINT64_MAX || t < edge)
		return;
	/* Periods missed while the VMM was not scheduled are coalesced. */
	c->irq_ticks = (c->mode == 2 || c->mode == 3) ? t - t % c->reload : edge;
	if (!c->irq_ticks)
		c->irq_ticks = edge;
	pit->irqs++;
	irq_pulse(&pit->irq0);
}

static void channel_load(struct pit *pit, unsigned int i, uint32_t count)
{
	struct pit_channel *c = &pit->ch[i];

	c->reload = count ? count : 0x10000;
	if (c->mode == 3 && c->reload == 1)
		c->reload = 2;
	c->counting = true;
	c->null_count = false;
	c->start_ns = pit->now(pit->clock);
	c->paused = !c->gate && c->mode != 1 && c->mode != 5;
	c->paused_ticks = 0;
	c->irq_ticks = 0;
	if (i == 0 && pit->rearm)
		pit->rearm(pit->opaque);
}

static void channel_set_gate(struct pit *pit, struct pit_channel *c, bool gate)
{
	uint64_t now = pit->now(pit->clock);

	if (gate == c->gate)
		return;
	c->gate = gate;
	if (!c->counting)
		return;
	if (!gate) {
		/* Modes 0, 2, 3, 4 stop counting while the gate is low. */
		if (c->mode != 1 && c->mode != 5) {
			c->paused_ticks = pit_ticks_since(pit, c);
			c->paused = true;
		}
		return;
	}
	if (c->mode == 0 || c->mode == 4) {
		/* Counting resumes where it stopped. */
		c->start_ns = now - ticks_to_ns(c->paused_ticks);
	} else {
		/* Modes 1, 2, 3, 5: a rising gate reloads the count. */
		c->start_ns = now;
		c->irq_ticks = 0;
	}
	c->paused = false;
}

static void pit_control(struct pit *pit, uint8_t v)
{
	unsigned int i = v >> 6;
	struct pit_channel *c;

	if (i == 3) {
		/* Read-back: bit 5 clear latches counts, bit 4 clear latches status. */
		for (i = 0; i < 3; i++) {
			if (!(v & (2u << i)))
				continue;
			c = &pit->ch[i];
			if (!(v & 0x20) && !c->latch_bytes) {
				c->latch = channel_count(pit, c);
				c->latch_bytes = c->access == 3 ? 2 : 1;
				c->latch_msb_next = c->access == 2;
			}
			if (!(v & 0x10) && !c->status_latched) {
				c->status = (channel_out(pit, c) ? 0x80 : 0) |
					    (c->null_count ? 0x40 : 0) |
					    (c->access << 4) | (c->mode << 1) | c->bcd;
				c->status_latched = true;
			}
		}
		return;
	}
	c = &pit->ch[i];
	if (!(v & 0x30)) {
		/* Counter latch command; a second one before reading is ignored. */
		if (!c->latch_bytes) {
			c->latch = channel_count(pit, c);
			c->latch_bytes = c->access == 3 ? 2 : 1;
			c->latch_msb_next = c->access == 2;
		}
		return;
	}
	c->access = (v >> 4) & 3;
	c->mode = (v >> 1) & 7;
	if (c->mode > 5)
		c->mode -= 4;	/* 6 and 7 are modes 2 and 3 */
	c->bcd = v & 1;
	c->counting = false;
	c->null_count = true;
	c->write_msb_next = false;
	c->read_msb_next = false;
	c->latch_bytes = 0;
	c->status_latched = false;
	if (i == 0 && pit->rearm)
		pit->rearm(pit->opaque);
}

static void pit_write(struct pit *pit, unsigned int i, uint8_t v)
{
	struct pit_channel *c = &pit->ch[i];

	switch (c->access) {
	case 1:
		channel_load(pit, i, v);
		break;
	case 2:
		channel_load(pit, i, (uint32_t)v << 8);
		break;
	case 3:
		if (!c->write_msb_next) {
			c->write_lsb = v;
			c->write_msb_next = true;
			/* Mode 0 stops counting when the first byte is written. */
			if (c->mode == 0)
				c->counting = false;
		} else {
			c->write_msb_next = false;
			channel_load(pit, i, c->write_lsb | ((uint32_t)v << 8));
		}
		break;
	default:
		break;
	}
}

static uint8_t pit_read(struct pit *pit, unsigned int i)
{
	struct pit_channel *c = &pit->ch[i];
	uint16_t count;
	bool msb;

	if (c->status_latched) {
		c->status_latched = false;
		return c->status;
	}
	if (c->latch_bytes) {
		msb = c->latch_msb_next;
		c->latch_msb_next = !msb;
		c->latch_bytes--;
		return msb ? c->latch >> 8 : c->latch & 0xff;
	}
	count = channel_count(pit, c);
	switch (c->access) {
	case 1:
		return count & 0xff;
	case 2:
		return count >> 8;
	default:
		msb = c->read_msb_next;
		c->read_msb_next = !msb;
		return msb ? count >> 8 : count & 0xff;
	}
}

void pit_io(void *opaque, uint64_t port, uint8_t *data, uint32_t len, bool is_write)
{
	struct pit *pit = opaque;

	if (len != 1) {
		if (!is_write)
			memset(data, 0xff, len);
		return;
	}
	if (port == PORT_B) {
		if (is_write) {
			pit->port61 = data[0] & 0x03;
			channel_set_gate(pit, &pit->ch[2], data[0] & 1);
		} else {
			/* Bit 5: channel 2's output; bit 4: the refresh toggle. */
			pit->refresh = !pit->refresh;
			data[0] = pit->port61 | (pit->refresh ? 0x10 : 0) |
				  (channel_out(pit, &pit->ch[2]) ? 0x20 : 0);
		}
		return;
	}
	if (port == PIT_CONTROL) {
		if (is_write)
			pit_control(pit, data[0]);
		else
			data[0] = 0xff;	/* the control register is write-only */
		return;
	}
	if (is_write)
		pit_write(pit, (unsigned int)(port - PIT_BASE), data[0]);
	else
		data[0] = pit_read(pit, (unsigned int)(port - PIT_BASE));
}

void pit_init(struct pit *pit, struct irq_line irq0, uint64_t (*now)(void *), void *clock)
{
	unsigned int i;

	memset(pit, 0, sizeof(*pit));
	pit->irq0 = irq0;
	pit->now = now;
	pit->clock = clock;
	for (i = 0; i < 3; i++) {
		pit->ch[i].reload = 0x10000;
		pit->ch[i].access = 3;
		/* Channels 0 and 1 have their gates tied high. */
		pit->ch[i].gate = i < 2;
	}
}

int pit_register(struct pit *pit, struct bus *io)
{
	int ret = bus_register(io, PIT_BASE, 4, pit_io, pit);

	if (!ret)
		ret = bus_register(io, PORT_B, 1, pit_io, pit);
	return ret;
}
