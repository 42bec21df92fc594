// SPDX-License-Identifier: GPL-2.0
/*
 * CMOS RTC after the Motorola MC146818A data sheet: BCD or binary (register
 * B bit 2), 24- or 12-hour (register B bit 1, PM in bit 7 of the hour),
 * century in byte 0x32 as PC BIOSes keep it.  The time registers are
 * computed on each read, so an update is never in progress (register A
 * bit 7 reads 0).  Writes to them move the guest's clock by an offset.
 * Alarms and periodic/update interrupts are not modelled (deviations.md).
 */
#include <string.h>

#include "rtc.h"

#define RTC_INDEX	0x70
#define REG_SEC		0x00
#define REG_MIN		0x02
#define REG_HOUR	0x04
#define REG_WDAY	0x06
#define REG_MDAY	0x07
#define REG_MON		0x08
#define REG_YEAR	0x09
#define REG_A		0x0a
#define REG_B		0x0b
#define REG_C		0x0c
#define REG_D		0x0d
#define REG_CENTURY	0x32

#define B_SET		0x80
#define B_BINARY	0x04
#define B_24H		0x02
#define D_VRT		0x80

static uint8_t to_bcd(unsigned int v)
{
	return (uint8_t)(((v / 10) << 4) | (v % 10));
}

static unsigned int from_bcd(uint8_t v)
{
	return (v >> 4) * 10 + (v & 0x0f);
}

static uint8_t rtc_enc(const struct rtc *rtc, unsigned int v)
{
	return (rtc->cmos[REG_B] & B_BINARY) ? (uint8_t)v : to_bcd(v);
}

static unsigned int rtc_dec(const struct rtc *rtc, uint8_t v)
{
	return (rtc->cmos[REG_B] & B_BINARY) ? v : from_bcd(v);
}

static void rtc_guest_tm(const struct rtc *rtc, struct tm *tm)
{
	time_t t = rtc->now(rtc->clock) + rtc->offset;

	gmtime_r(&t, tm);
}

static uint8_t rtc_hour(const struct rtc *rtc, int hour)
{
	bool pm = hour >= 12;

	if (rtc->cmos[REG_B] & B_24H)
		return rtc_enc(rtc, hour);
	hour %= 12;
	return rtc_enc(rtc, hour ? hour : 12) | (pm ? 0x80 : 0);
}

static uint8_t rtc_read_time(const struct rtc *rtc, uint8_t reg)
{
	struct tm tm;

	rtc_guest_tm(rtc, &tm);
	switch (reg) {
	case REG_SEC:
		return rtc_enc(rtc, tm.tm_sec);
	case REG_MIN:
		return rtc_enc(rtc, tm.tm_min);
	case REG_HOUR:
		return rtc_hour(rtc, tm.tm_hour);
	case REG_WDAY:
		return rtc_enc(rtc, tm.tm_wday + 1);
	case REG_MDAY:
		return rtc_enc(rtc, tm.tm_mday);
	case REG_MON:
		return rtc_enc(rtc, tm.tm_mon + 1);
	case REG_YEAR:
		return rtc_enc(rtc, tm.tm_year % 100);
	default:	/* REG_CENTURY */
		return rtc_enc(rtc, (tm.tm_year + 1900) / 100);
	}
}

static bool rtc_is_time_reg(uint8_t reg)
{
	return reg == REG_SEC || reg == REG_MIN || reg == REG_HOUR ||
	       reg == REG_WDAY || reg == REG_MDAY || reg == REG_MON ||
	       reg == REG_YEAR || reg == REG_CENTURY;
}

/* The guest set one time field: the clock now runs from the new time. */
static void rtc_write_time(struct rtc *rtc, uint8_t reg, uint8_t v)
{
	time_t host = rtc->now(rtc->clock), t;
	struct tm tm;
	unsigned int hour;

	rtc_guest_tm(rtc, &tm);
	switch (reg) {
	case REG_SEC:
		tm.tm_sec = rtc_dec(rtc, v);
		break;
	case REG_MIN:
		tm.tm_min = rtc_dec(rtc, v);
		break;
	case REG_HOUR:
		hour = rtc_dec(rtc, v & 0x7f);
		if (!(rtc->cmos[REG_B] & B_24H))
			hour = hour % 12 + ((v & 0x80) ? 12 : 0);
		tm.tm_hour = hour;
		break;
	case REG_WDAY:
		return;		/* derived from the date */
	case REG_MDAY:
		tm.tm_mday = rtc_dec(rtc, v);
		break;
	case REG_MON:
		tm.tm_mon = rtc_dec(rtc, v) - 1;
		break;
	case REG_YEAR:
		tm.tm_year = (tm.tm_year + 1900) / 100 * 100 + rtc_dec(rtc, v) - 1900;
		break;
	default:	/* REG_CENTURY */
		tm.tm_year = rtc_dec(rtc, v) * 100 + tm.tm_year % 100 - 1900;
		break;
	}
	t = timegm(&tm);
	if (t != (time_t)-1)
		rtc->offset = (int64_t)(t - host);
}

static uint8_t rtc_read(struct rtc *rtc, uint8_t reg)
{
	uint8_t v;

	if (rtc_is_time_reg(reg))
		return rtc_read_time(rtc, reg);
	switch (reg) {
	case REG_A:
		return rtc->cmos[REG_A] & 0x7f;	/* UIP never set */
	case REG_C:
		v = rtc->cmos[REG_C];
		rtc->cmos[REG_C] = 0;		/* flags clear on read */
		return v;
	case REG_D:
		return D_VRT;
	default:
		return rtc->cmos[reg];
	}
}

static void rtc_write(struct rtc *rtc, uint8_t reg, uint8_t v)
{
	if (rtc_is_time_reg(reg)) {
		rtc_write_time(rtc, reg, v);
		return;
	}
	switch (reg) {
	case REG_A:
		rtc->cmos[REG_A] = v & 0x7f;
		break;
	case REG_B:
		/* The SET bit stops updates; this clock keeps running (deviations.md). */
		rtc->cmos[REG_B] = v;
		break;
	case REG_C:
	case REG_D:
		break;		/* read-only */
	default:
		rtc->cmos[reg] = v;
		break;
	}
}

void rtc_io(void *opaque, uint64_t port, uint8_t *data, uint32_t len, bool is_write)
{
	struct rtc *rtc = opaque;

	if (len != 1) {
		if (!is_write)
			memset(data, 0xff, len);
		return;
	}
	if (port == RTC_INDEX) {
		if (is_write)
			rtc->index = data[0] & 0x7f;	/* bit 7 is the NMI mask */
		else
			data[0] = 0xff;			/* write-only on PCs */
		return;
	}
	if (is_write)
		rtc_write(rtc, rtc->index, data[0]);
	else
		data[0] = rtc_read(rtc, rtc->index);
}

void rtc_init(struct rtc *rtc, time_t (*now)(void *), void *clock)
{
	memset(rtc, 0, sizeof(*rtc));
	rtc->now = now;
	rtc->clock = clock;
	rtc->cmos[REG_A] = 0x26;	/* 32.768 kHz time base, 1024 Hz rate */
	rtc->cmos[REG_B] = B_24H;	/* BCD, 24-hour, as PC firmware leaves it */
}

int rtc_register(struct rtc *rtc, struct bus *io)
{
	return bus_register(io, RTC_INDEX, 2, rtc_io, rtc);
}
