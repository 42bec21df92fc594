/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The MC146818-style CMOS RTC at ports 0x70 (index, bit 7 masks NMI) and
 * 0x71 (data): the time registers from a clock callback (nanoseconds since
 * the epoch, UTC), status registers A-D with the periodic, alarm and
 * update-ended interrupts on one IRQ line, and 114 bytes of CMOS RAM.
 */
#ifndef HVKM_VMM_RTC_H
#define HVKM_VMM_RTC_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "../bus.h"
#include "../irq.h"

#define RTC_IRQ			8
#define RTC_NO_DEADLINE		UINT64_MAX
#define RTC_NS			1000000000ll

/*
 * Time is kept as the divider's position p, in nanoseconds: p runs with the
 * host clock (p = now + p_offset) while the divider runs (register A DV =
 * 010) and stands at halted_p otherwise.  A second ends whenever p crosses
 * a multiple of RTC_NS; the time registers are then p / RTC_NS + sec_offset
 * (or set_secs while register B's SET bit holds them).
 */
struct rtc {
	uint8_t index;
	uint8_t cmos[128];
	struct irq_line irq;
	bool irq_level;
	uint64_t (*now)(void *clock);	/* ns since the epoch, UTC */
	void *clock;
	void (*rearm)(void *opaque);	/* rtc_next_deadline() changed */
	void *opaque;
	int64_t p_offset, halted_p;
	int64_t done_p;		/* events are accounted for up to here */
	int64_t sec_offset;	/* guest seconds minus p's seconds */
	int64_t set_secs;	/* the time while SET is held */
	unsigned long irqs;
};

void rtc_init(struct rtc *rtc, struct irq_line irq, uint64_t (*now)(void *), void *clock);
int rtc_register(struct rtc *rtc, struct bus *io);
void rtc_io(void *rtc, uint64_t port, uint8_t *data, uint32_t len, bool is_write);
/* When (in the clock's ns) rtc_tick() has an interrupt to raise, or RTC_NO_DEADLINE. */
uint64_t rtc_next_deadline(struct rtc *rtc);
/* Timer expiry: sets the flags whose time came and raises the IRQ. */
void rtc_tick(struct rtc *rtc);

#endif
