// SPDX-License-Identifier: GPL-2.0
// sources: bus.c devices/acpi_pm.c
#include "devices/acpi_pm.h"
#include "tap.h"

static struct bus io;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t now_ns = 1000;
static int sci, sci_changes, poweroffs;

static uint64_t clock_ns(void *unused)
{
	(void)unused;
	return now_ns;
}

static void set_sci(void *ctl, unsigned int irq, int level)
{
	(void)ctl;
	if (irq == 9) {
		sci = level;
		sci_changes++;
	}
}

static void poweroff(void *opaque)
{
	(void)opaque;
	poweroffs++;
}

static uint32_t in(uint16_t port, uint32_t len)
{
	uint8_t d[4];

	bus_access(&io, port, d, len, false);
	return bus_data_get(d, len);
}

static void out(uint16_t port, uint32_t len, uint32_t v)
{
	uint8_t d[4];

	bus_data_put(d, len, v);
	bus_access(&io, port, d, len, true);
}

int main(void)
{
	struct irq_line line = { set_sci, NULL, 9 };
	struct acpi_pm pm;
	uint32_t t0, t1;

	bus_init(&io, &lock);
	acpi_pm_init(&pm, line, clock_ns, NULL, poweroff, NULL);
	CHECK(acpi_pm_register(&pm, &io) == 0, "registers 0x600-0x60B");

	CHECK(in(0x604, 2) & 1, "SCI_EN reads 1: always in ACPI mode");
	t0 = in(0x608, 4);
	now_ns += 1000000000ull;
	t1 = in(0x608, 4);
	CHECK(t1 - t0 == 3579545, "PM timer: 3.579545 MHz");
	now_ns += 1200ull * 1000000000ull;	/* 20 minutes: past 2^32 ticks */
	CHECK(in(0x608, 4) == (uint32_t)(1201ull * 3579545ull), "PM timer: 32 bits, wraps");
	out(0x608, 4, 0);
	CHECK(in(0x608, 4) == (uint32_t)(1201ull * 3579545ull), "PM timer: read-only");

	/* Power button, disabled: status only. */
	acpi_pm_power_button(&pm);
	CHECK((in(0x600, 2) & 0x100) && !sci && !sci_changes, "PWRBTN_STS without PWRBTN_EN: no SCI");
	out(0x602, 2, 0x100);
	CHECK(sci && in(0x602, 2) == 0x100, "enabling PWRBTN_EN raises the SCI (level)");
	out(0x600, 2, 0x0001);
	CHECK(sci && (in(0x600, 2) & 0x100), "writing 0 to a status bit keeps it");
	out(0x600, 2, 0x0100);
	CHECK(!sci && !(in(0x600, 2) & 0x100), "write 1 clears PWRBTN_STS, SCI down");
	acpi_pm_power_button(&pm);
	CHECK(sci, "a press with PWRBTN_EN raises the SCI");
	out(0x601, 1, 0x01);
	CHECK(!sci, "byte write to PM1_STS's high byte clears it");
	out(0x600, 4, 0x00000000);
	CHECK(in(0x602, 2) == 0, "dword write to the event block: PM1_EN 0");

	/* Sleep types: only S5 powers off; SLP_EN reads 0. */
	out(0x604, 2, (3u << 10) | (1u << 13));
	CHECK(poweroffs == 0, "SLP_TYP 3 with SLP_EN: not soft off");
	out(0x604, 2, 5u << 10);
	CHECK(poweroffs == 0 && ((in(0x604, 2) >> 10) & 7) == 5 && !(in(0x604, 2) & (1u << 13)),
	      "SLP_TYP 5 without SLP_EN: nothing; SLP_EN reads 0");
	out(0x604, 2, (5u << 10) | (1u << 13) | 1);
	CHECK(poweroffs == 1, "SLP_TYP 5 with SLP_EN: power off");
	out(0x605, 1, (5u << 2) | (1u << 5));
	CHECK(poweroffs == 2, "the same as a byte write to PM1_CNT's high byte");
	bus_free(&io);
	return tap_done();
}
