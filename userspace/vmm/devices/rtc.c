// SPDX-License-Identifier: GPL-2.0
/*
 * CMOS RTC after the Motorola MC146818A data sheet: BCD or binary (register
 * B bit 2), 24- or 12-hour (register B bit 1, PM in bit 7 of the hour),
 * century in byte 0x32 as PC BIOSes keep it.  The time registers are
 * computed from the divider's position on each read; writes to them move
 * the guest's clock by whole seconds.
 *
 * Interrupts (data sheet, "Interrupts" and registers B/C): the periodic
 * flag PF at the rate register A's RS bits select, the alarm flag AF when
 * an update cycle ends on a time that matches the alarm bytes (a byte
 * 0xC0-0xFF matches any value), the update-ended flag UF once a second.
 * Flags are set whatever register B enables; IRQF (and the IRQ line, which
 * the PC's inverter makes an active-high edge on IRQ 8) is set while a flag
 * and its enable are both set.  Reading register C returns the flags and
 * clears them, which lowers the line.  The divider runs only with DV = 010
 * (a 32.768 kHz time base); DV = 11x holds it in reset, after which the
 * first update comes half a second later.  SET stops updates (and clears
 * UIE) while the divider, and the periodic interrupt, keep running.
 */
#include <string.h>

#include "rtc.h"

#define RTC_INDEX	0x70
#define REG_SEC		0x00
#define REG_SEC_ALARM	0x01
#define REG_MIN		0x02
#define REG_MIN_ALARM	0x03
#define REG_HOUR	0x04
#define REG_HOUR_ALARM	0x05
#define REG_WDAY	0x06
#define REG_MDAY	0x07
#define REG_MON		0x08
#define REG_YEAR	0x09
#define REG_A		0x0a
#define REG_B		0x0b
#define REG_C		0x0c
#define REG_D		0x0d
#define REG_CENTURY	0x32

#define A_UIP		0x80
#define A_DV		0x70
#define A_DV_32K	0x20	/* the only time base this divider runs with */
#define A_DV_RESET	0x60	/* 110 and 111 hold the divider in reset */
#define A_RS		0x0f
#define B_SET		0x80
#define B_PIE		0x40
#define B_AIE		0x20
#define B_UIE		0x10
#define B_BINARY	0x04
#define B_24H		0x02
#define C_IRQF		0x80
#define C_PF		0x40
#define C_AF		0x20
#define C_UF		0x10
#define D_VRT		0x80

#define UIP_NS		244000	/* UIP rises this long before an update (t_BUC) */
#define DAY		86400

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b && (a < 0) != (b < 0)) ? q - 1 : q;
}

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

static bool rtc_running(const struct rtc *rtc)
{
	return (rtc->cmos[REG_A] & A_DV) == A_DV_32K;
}

/* The divider's position now. */
static int64_t rtc_p(const struct rtc *rtc)
{
	return rtc_running(rtc) ? (int64_t)rtc->now(rtc->clock) + rtc->p_offset : rtc->halted_p;
}

/* The periodic interrupt's rate in Hz for register A's RS bits (0: off). */
static unsigned int rtc_rate(const struct rtc *rtc)
{
	unsigned int rs = rtc->cmos[REG_A] & A_RS;

	if (!rs)
		return 0;
	/* RS 1 and 2 repeat rates 8 and 9 with a 32.768 kHz time base. */
	if (rs < 3)
		rs += 7;
	return 32768u >> (rs - 1);
}

/* How many periodic ticks happened from the epoch of p to @p. */
static int64_t rtc_ticks(int64_t p, unsigned int rate)
{
	int64_t s = floor_div(p, RTC_NS);

	return s * rate + (p - s * RTC_NS) * rate / RTC_NS;
}

/* Where p is at periodic tick @k. */
static int64_t rtc_tick_p(int64_t k, unsigned int rate)
{
	int64_t s = floor_div(k, rate);

	return s * RTC_NS + ((k - s * rate) * RTC_NS + rate - 1) / rate;
}

static int64_t rtc_guest_secs(const struct rtc *rtc)
{
	if (rtc->cmos[REG_B] & B_SET)
		return rtc->set_secs;
	return floor_div(rtc_p(rtc), RTC_NS) + rtc->sec_offset;
}

static void rtc_guest_tm(const struct rtc *rtc, struct tm *tm)
{
	time_t t = (time_t)rtc_guest_secs(rtc);

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

static bool alarm_byte_matches(uint8_t alarm, uint8_t now)
{
	return (alarm & 0xc0) == 0xc0 || alarm == now;
}

/* Whether the update cycle that ends at guest second @secs sets AF. */
static bool rtc_alarm_matches(const struct rtc *rtc, int64_t secs)
{
	int64_t sod = secs - floor_div(secs, DAY) * DAY;

	return alarm_byte_matches(rtc->cmos[REG_SEC_ALARM], rtc_enc(rtc, sod % 60)) &&
	       alarm_byte_matches(rtc->cmos[REG_MIN_ALARM], rtc_enc(rtc, sod / 60 % 60)) &&
	       alarm_byte_matches(rtc->cmos[REG_HOUR_ALARM], rtc_hour(rtc, (int)(sod / 3600)));
}

static void rtc_update_irq(struct rtc *rtc)
{
	uint8_t c = rtc->cmos[REG_C] & (C_PF | C_AF | C_UF);
	bool level = c & (rtc->cmos[REG_B] & (B_PIE | B_AIE | B_UIE));

	rtc->cmos[REG_C] = c | (level ? C_IRQF : 0);
	if (level != rtc->irq_level) {
		rtc->irq_level = level;
		if (level)
			rtc->irqs++;
		irq_set(&rtc->irq, level);
	}
}

/*
 * Account for the time since the last call: PF for a periodic tick, UF and
 * maybe AF for each second that ended.  Seconds missed while the VMM was
 * not scheduled are coalesced; for the alarm, a day of them is enough.
 */
static void rtc_advance(struct rtc *rtc)
{
	int64_t p = rtc_p(rtc), from, to, s;
	unsigned int rate = rtc_rate(rtc);

	if (p <= rtc->done_p) {
		rtc->done_p = p;	/* the host clock went back */
		return;
	}
	if (rate && rtc_ticks(p, rate) != rtc_ticks(rtc->done_p, rate))
		rtc->cmos[REG_C] |= C_PF;
	from = floor_div(rtc->done_p, RTC_NS) + 1;
	to = floor_div(p, RTC_NS);
	if (!(rtc->cmos[REG_B] & B_SET) && to >= from) {
		rtc->cmos[REG_C] |= C_UF;
		if (to - from >= DAY)
			from = to - DAY + 1;
		for (s = to; s >= from; s--) {
			if (rtc_alarm_matches(rtc, s + rtc->sec_offset)) {
				rtc->cmos[REG_C] |= C_AF;
				break;
			}
		}
	}
	rtc->done_p = p;
	rtc_update_irq(rtc);
}

static void rtc_rearm(struct rtc *rtc)
{
	if (rtc->rearm)
		rtc->rearm(rtc->opaque);
}

uint64_t rtc_next_deadline(struct rtc *rtc)
{
	int64_t best = INT64_MAX, p;
	unsigned int rate = rtc_rate(rtc);
	uint8_t b = rtc->cmos[REG_B];

	/* With IRQF set nothing new can be signalled until register C is read. */
	if (!rtc_running(rtc) || rtc->irq_level)
		return RTC_NO_DEADLINE;
	if ((b & B_PIE) && rate)
		best = rtc_tick_p(rtc_ticks(rtc->done_p, rate) + 1, rate);
	if ((b & (B_AIE | B_UIE)) && !(b & B_SET)) {
		p = (floor_div(rtc->done_p, RTC_NS) + 1) * RTC_NS;
		if (p < best)
			best = p;
	}
	if (best == INT64_MAX)
		return RTC_NO_DEADLINE;
	best -= rtc->p_offset;
	return best > 0 ? (uint64_t)best : 0;
}

void rtc_tick(struct rtc *rtc)
{
	rtc_advance(rtc);
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
	int64_t cur = rtc_guest_secs(rtc);
	unsigned int hour;
	struct tm tm;
	time_t t;

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
	if (t == (time_t)-1)
		return;
	if (rtc->cmos[REG_B] & B_SET)
		rtc->set_secs = t;
	else
		rtc->sec_offset += (int64_t)t - cur;
}

static void rtc_write_a(struct rtc *rtc, uint8_t v)
{
	bool was_running = rtc_running(rtc);
	int64_t p = rtc_p(rtc);

	rtc->cmos[REG_A] = v & ~A_UIP;
	if (was_running && !rtc_running(rtc))
		rtc->halted_p = p;
	if ((v & A_DV_RESET) == A_DV_RESET) {
		/* In reset: the first update comes 500 ms after it ends. */
		rtc->halted_p = floor_div(p, RTC_NS) * RTC_NS + RTC_NS / 2;
		rtc->done_p = rtc->halted_p;
	}
	if (!was_running && rtc_running(rtc))
		rtc->p_offset = rtc->halted_p - (int64_t)rtc->now(rtc->clock);
}

static void rtc_write_b(struct rtc *rtc, uint8_t v)
{
	uint8_t old = rtc->cmos[REG_B];

	/* SET clears UIE (data sheet, register B). */
	if (v & B_SET)
		v &= ~B_UIE;
	if ((v & B_SET) && !(old & B_SET))
		rtc->set_secs = rtc_guest_secs(rtc);
	rtc->cmos[REG_B] = v;
	/* Updates resume from the time set, at the divider's next second. */
	if (!(v & B_SET) && (old & B_SET))
		rtc->sec_offset = rtc->set_secs - floor_div(rtc_p(rtc), RTC_NS);
}

static uint8_t rtc_read(struct rtc *rtc, uint8_t reg)
{
	int64_t p;
	uint8_t v;

	if (rtc_is_time_reg(reg))
		return rtc_read_time(rtc, reg);
	switch (reg) {
	case REG_A:
		p = rtc_p(rtc);
		v = rtc->cmos[REG_A];
		if (rtc_running(rtc) && !(rtc->cmos[REG_B] & B_SET) &&
		    p - floor_div(p, RTC_NS) * RTC_NS >= RTC_NS - UIP_NS)
			v |= A_UIP;
		return v;
	case REG_C:
		v = rtc->cmos[REG_C];
		rtc->cmos[REG_C] = 0;		/* flags clear on read */
		rtc_update_irq(rtc);
		rtc_rearm(rtc);
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
		rtc_write_a(rtc, v);
		break;
	case REG_B:
		rtc_write_b(rtc, v);
		break;
	case REG_C:
	case REG_D:
		return;		/* read-only */
	default:
		rtc->cmos[reg] = v;
		return;
	}
	rtc_update_irq(rtc);
	rtc_rearm(rtc);
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
	/* Flags whose time came are set before the guest looks or changes anything. */
	rtc_advance(rtc);
	if (is_write)
		rtc_write(rtc, rtc->index, data[0]);
	else
		data[0] = rtc_read(rtc, rtc->index);
}

void rtc_init(struct rtc *rtc, struct irq_line irq, uint64_t (*now)(void *), void *clock)
{
	memset(rtc, 0, sizeof(*rtc));
	rtc->irq = irq;
	rtc->now = now;
	rtc->clock = clock;
	rtc->cmos[REG_A] = 0x26;	/* 32.768 kHz time base, 1024 Hz rate */
	rtc->cmos[REG_B] = B_24H;	/* BCD, 24-hour, as PC firmware leaves it */
	rtc->done_p = (int64_t)now(clock);
}

int rtc_register(struct rtc *rtc, struct bus *io)
{
	return bus_register(io, RTC_INDEX, 2, rtc_io, rtc);
}
