// SPDX-License-Identifier: GPL-2.0
// sources: bus.c devices/ioapic.c
#include <string.h>

#include "devices/ioapic.h"
#include "tap.h"

static struct bus mmio;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct ioapic io;

static unsigned int nr_sent, nr_eoi_updates;
static uint64_t last_addr;
static uint32_t last_data;
static uint64_t eoi_vec[4];

static void send(void *opaque, uint64_t address, uint32_t data)
{
	(void)opaque;
	nr_sent++;
	last_addr = address;
	last_data = data;
}

static void eoi_exits(void *opaque, const uint64_t *v)
{
	(void)opaque;
	nr_eoi_updates++;
	memcpy(eoi_vec, v, sizeof(eoi_vec));
}

static void wr(uint8_t reg, uint32_t val)
{
	uint8_t d[4];

	bus_data_put(d, 4, reg);
	bus_access(&mmio, IOAPIC_BASE, d, 4, true);
	bus_data_put(d, 4, val);
	bus_access(&mmio, IOAPIC_BASE + 0x10, d, 4, true);
}

static uint32_t rd(uint8_t reg)
{
	uint8_t d[4];

	bus_data_put(d, 4, reg);
	bus_access(&mmio, IOAPIC_BASE, d, 4, true);
	bus_access(&mmio, IOAPIC_BASE + 0x10, d, 4, false);
	return bus_data_get(d, 4);
}

static void set_rte(unsigned int pin, uint64_t rte)
{
	wr(0x11 + 2 * pin, (uint32_t)(rte >> 32));
	wr(0x10 + 2 * pin, (uint32_t)rte);
}

static uint64_t get_rte(unsigned int pin)
{
	return rd(0x10 + 2 * pin) | ((uint64_t)rd(0x11 + 2 * pin) << 32);
}

int main(void)
{
	unsigned int pin, masked = 0;
	uint8_t d[4];

	bus_init(&mmio, &lock);
	ioapic_init(&io, 0, send, eoi_exits, NULL);
	CHECK(ioapic_register(&io, &mmio) == 0, "registers at 0xFEC00000");

	/* Identification. */
	CHECK(rd(0x01) == 0x170011, "version 0x11, 24 pins");
	wr(0x00, 0x0f000000);
	CHECK(rd(0x00) == 0x0f000000, "ID is writable");
	wr(0x01, 0);
	CHECK(rd(0x01) == 0x170011, "version is read-only");
	for (pin = 0; pin < IOAPIC_PINS; pin++)
		masked += !!(get_rte(pin) & IOAPIC_RTE_MASKED);
	CHECK(masked == IOAPIC_PINS, "all pins masked after reset");
	bus_access(&mmio, IOAPIC_BASE + 0x10, d, 2, false);
	CHECK(d[0] == 0xff && d[1] == 0xff, "a 16-bit access reads all ones");
	CHECK(rd(0x10 + 2 * IOAPIC_PINS) == 0xffffffff, "a register past the table");

	/* Edge: pin 2 (IRQ 0) to APIC 1, physical, fixed, vector 0x30. */
	set_rte(2, 0x30 | (1ull << 56));
	CHECK(get_rte(2) == (0x30 | (1ull << 56)), "entry round trip");
	ioapic_set_irq(&io, 2, 1);
	CHECK(nr_sent == 1 && last_addr == 0xfee01000 && last_data == 0x4030,
	      "edge: message to APIC 1, vector 0x30, edge");
	ioapic_set_irq(&io, 2, 1);
	CHECK(nr_sent == 1, "no message while the level stays up");
	ioapic_set_irq(&io, 2, 0);
	ioapic_set_irq(&io, 2, 1);
	ioapic_set_irq(&io, 2, 0);
	CHECK(nr_sent == 2, "the next edge sends again");
	CHECK(!(get_rte(2) & IOAPIC_RTE_REMOTE_IRR), "edge pins never set Remote IRR");

	/* Masked edges are lost. */
	set_rte(2, 0x30 | IOAPIC_RTE_MASKED);
	ioapic_set_irq(&io, 2, 1);
	ioapic_set_irq(&io, 2, 0);
	set_rte(2, 0x30);
	CHECK(nr_sent == 2, "an edge while masked is lost");

	/* Logical destination mode and lowest priority delivery. */
	set_rte(4, 0x34 | (1ull << 8) | IOAPIC_RTE_DESTMODE | (0x3ull << 56));
	ioapic_set_irq(&io, 4, 1);
	ioapic_set_irq(&io, 4, 0);
	CHECK(nr_sent == 3 && last_addr == 0xfee03004 && last_data == 0x4134,
	      "logical destination 3, lowest priority");

	/* Level: pin 9 (the SCI), vector 0x39. */
	CHECK(nr_eoi_updates == 0, "no level vectors yet");
	set_rte(9, 0x39 | IOAPIC_RTE_LEVEL);
	CHECK(nr_eoi_updates == 1 && eoi_vec[0] == 1ull << 0x39,
	      "a level entry registers its vector for EOI exits");
	ioapic_set_irq(&io, 9, 1);
	CHECK(nr_sent == 4 && last_data == (0xc000 | 0x39), "level: message, level trigger");
	CHECK(get_rte(9) & IOAPIC_RTE_REMOTE_IRR, "Remote IRR set");
	set_rte(9, 0x39 | IOAPIC_RTE_LEVEL | IOAPIC_RTE_REMOTE_IRR);
	CHECK(get_rte(9) & IOAPIC_RTE_REMOTE_IRR, "Remote IRR is read-only");
	ioapic_set_irq(&io, 9, 1);
	CHECK(nr_sent == 4, "no second message while Remote IRR is set");
	ioapic_eoi(&io, 0x38);
	CHECK(get_rte(9) & IOAPIC_RTE_REMOTE_IRR, "EOI of another vector leaves it");
	ioapic_eoi(&io, 0x39);
	CHECK(nr_sent == 5 && (get_rte(9) & IOAPIC_RTE_REMOTE_IRR),
	      "EOI with the line still asserted: sent again");
	ioapic_set_irq(&io, 9, 0);
	ioapic_eoi(&io, 0x39);
	CHECK(nr_sent == 5 && !(get_rte(9) & IOAPIC_RTE_REMOTE_IRR),
	      "EOI after deassertion clears Remote IRR");

	/* A level asserted while masked fires on unmask. */
	set_rte(9, 0x39 | IOAPIC_RTE_LEVEL | IOAPIC_RTE_MASKED);
	CHECK(nr_eoi_updates == 2 && eoi_vec[0] == 0, "masking drops the EOI vector");
	ioapic_set_irq(&io, 9, 1);
	CHECK(nr_sent == 5, "masked level: nothing");
	set_rte(9, 0x39 | IOAPIC_RTE_LEVEL);
	CHECK(nr_sent == 6 && nr_eoi_updates == 3, "unmasking an asserted level delivers");
	set_rte(9, 0x39 | IOAPIC_RTE_LEVEL);
	CHECK(nr_eoi_updates == 3, "rewriting the same table reports nothing");
	set_rte(20, 0xe1 | IOAPIC_RTE_LEVEL);
	CHECK(eoi_vec[3] == 1ull << (0xe1 - 192) && eoi_vec[0] == 1ull << 0x39,
	      "vectors above 191 in the last word");

	ioapic_set_irq(&io, 24, 1);
	ioapic_set_irq(&io, 1000, 1);
	CHECK(nr_sent == 6, "pins past 23 are ignored");
	bus_free(&mmio);
	return tap_done();
}
