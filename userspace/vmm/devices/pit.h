/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The 8254 programmable interval timer (ports 0x40-0x43) and the PC's
 * system control port B (0x61), which gates channel 2 and reads its output.
 * Time comes from a clock callback in nanoseconds so tests can drive it.
 * Channel 0's output edges go to IRQ 0 when the VMM calls pit_tick() at
 * the deadline pit_next_deadline() gives.
 */
#ifndef HVKM_VMM_PIT_H
#define HVKM_VMM_PIT_H

#include <stdbool.h>
#include <stdint.h>

#include "../bus.h"
#include "../irq.h"

#define PIT_HZ		1193182ull
#define PIT_NO_DEADLINE	UINT64_MAX

struct pit_channel {
	uint32_t reload;	/* 1..65536 */
	uint8_t mode;		/* 0..5 */
	uint8_t access;		/* 1 LSB, 2 MSB, 3 LSB then MSB */
	bool bcd;
	bool gate;
	bool counting;		/* a count was loaded and the counter runs */
	bool null_count;	/* a count was written but not yet loaded */
	uint64_t start_ns;	/* when the count was loaded (shifted by pauses) */
	uint64_t paused_ticks;	/* counts elapsed when the gate went low */
	bool paused;
	uint8_t write_lsb;	/* the low byte of a two-byte write */
	bool write_msb_next;
	bool read_msb_next;
	uint16_t latch;		/* a latched count */
	uint8_t latch_bytes;	/* 0: none; bytes left to read */
	bool latch_msb_next;
	bool status_latched;
	uint8_t status;
	uint64_t irq_ticks;	/* channel 0: ticks up to which IRQs were raised */
};

struct pit {
	struct pit_channel ch[3];
	struct irq_line irq0;
	uint64_t (*now)(void *clock);
	void *clock;
	uint8_t port61;		/* bits 0 (gate 2) and 1 (speaker data) */
	bool refresh;		/* bit 4 toggles on each read */
	/* Called when channel 0's deadline may have changed. */
	void (*rearm)(void *opaque);
	void *opaque;
	unsigned long irqs;
};

void pit_init(struct pit *pit, struct irq_line irq0, uint64_t (*now)(void *), void *clock);
int pit_register(struct pit *pit, struct bus *io);
void pit_io(void *pit, uint64_t port, uint8_t *data, uint32_t len, bool is_write);
/* When channel 0 next raises IRQ 0 (PIT_NO_DEADLINE: never). */
uint64_t pit_next_deadline(struct pit *pit);
/* Raise IRQ 0 if channel 0's output rose since the last call (coalesced). */
void pit_tick(struct pit *pit);
/* A channel's current count and output, for tests. */
uint16_t pit_count(struct pit *pit, unsigned int ch);
bool pit_out(struct pit *pit, unsigned int ch);

#endif
