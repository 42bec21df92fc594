/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The MC146818-style CMOS RTC at ports 0x70 (index, bit 7 masks NMI) and
 * 0x71 (data): the time registers from a clock callback (seconds since the
 * epoch, UTC), status registers A-D and 114 bytes of CMOS RAM.
 */
#ifndef HVKM_VMM_RTC_H
#define HVKM_VMM_RTC_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "../bus.h"

struct rtc {
	uint8_t index;
	uint8_t cmos[128];
	int64_t offset;		/* guest time minus host time, seconds */
	time_t (*now)(void *clock);
	void *clock;
};

void rtc_init(struct rtc *rtc, time_t (*now)(void *), void *clock);
int rtc_register(struct rtc *rtc, struct bus *io);
void rtc_io(void *rtc, uint64_t port, uint8_t *data, uint32_t len, bool is_write);

#endif
