// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "ioapic.h"

#define IOREGSEL	0x00
#define IOWIN		0x10

#define REG_ID		0x00
#define REG_VER		0x01
#define REG_ARB		0x02
#define REG_RTE0	0x10

/* Version 0x11 with the highest pin number in bits 23:16 (82093AA, 3.2.2). */
#define IOAPIC_VERSION	(0x11u | ((IOAPIC_PINS - 1u) << 16))

/* Bits software may write; delivery status and Remote IRR are read-only. */
#define RTE_WRITABLE	(IOAPIC_RTE_VECTOR | (7ull << IOAPIC_RTE_DELMODE_SHIFT) |	\
			 IOAPIC_RTE_DESTMODE | IOAPIC_RTE_POLARITY | IOAPIC_RTE_LEVEL |	\
			 IOAPIC_RTE_MASKED | (0xffull << IOAPIC_RTE_DEST_SHIFT))

/*
 * The message of a redirection entry in MSI format (SDM 10.11.1, 10.11.2):
 * destination ID in address bits 19:12, destination mode in bit 2; vector,
 * delivery mode, level (asserted) and trigger mode in the data.
 */
static void ioapic_deliver(struct ioapic *io, unsigned int pin)
{
	uint64_t rte = io->rte[pin];
	uint64_t address = 0xfee00000ull | (((rte >> IOAPIC_RTE_DEST_SHIFT) & 0xff) << 12) |
			   ((rte & IOAPIC_RTE_DESTMODE) ? 1u << 2 : 0);
	uint32_t data = (uint32_t)(rte & (IOAPIC_RTE_VECTOR | (7ull << IOAPIC_RTE_DELMODE_SHIFT))) |
			(1u << 14) | ((rte & IOAPIC_RTE_LEVEL) ? 1u << 15 : 0);

	if (rte & IOAPIC_RTE_LEVEL)
		io->rte[pin] |= IOAPIC_RTE_REMOTE_IRR;
	if (io->send)
		io->send(io->opaque, address, data);
}

/* A level-triggered pin that is asserted, unmasked and not in service fires. */
static void ioapic_service_level(struct ioapic *io, unsigned int pin)
{
	uint64_t rte = io->rte[pin];

	if ((rte & IOAPIC_RTE_LEVEL) && !(rte & (IOAPIC_RTE_MASKED | IOAPIC_RTE_REMOTE_IRR)) &&
	    (io->lines & (1u << pin)))
		ioapic_deliver(io, pin);
}

void ioapic_set_irq(void *opaque, unsigned int pin, int level)
{
	struct ioapic *io = opaque;
	uint32_t bit;
	bool was;

	if (pin >= IOAPIC_PINS)
		return;
	bit = 1u << pin;
	was = io->lines & bit;
	if (level)
		io->lines |= bit;
	else
		io->lines &= ~bit;
	if (io->rte[pin] & IOAPIC_RTE_LEVEL)
		ioapic_service_level(io, pin);
	else if (level && !was && !(io->rte[pin] & IOAPIC_RTE_MASKED))
		ioapic_deliver(io, pin);	/* an edge while masked is lost */
}

void ioapic_eoi(struct ioapic *io, uint8_t vector)
{
	unsigned int pin;

	for (pin = 0; pin < IOAPIC_PINS; pin++) {
		uint64_t rte = io->rte[pin];

		if ((rte & IOAPIC_RTE_VECTOR) != vector || !(rte & IOAPIC_RTE_REMOTE_IRR))
			continue;
		io->rte[pin] &= ~IOAPIC_RTE_REMOTE_IRR;
		/* Still asserted: the device wants service again. */
		ioapic_service_level(io, pin);
	}
}

/* The vectors of unmasked level-triggered pins, whose EOIs the VMM must see. */
static void ioapic_update_eoi_exits(struct ioapic *io)
{
	uint64_t v[4] = { 0 };
	unsigned int pin;

	for (pin = 0; pin < IOAPIC_PINS; pin++) {
		uint64_t rte = io->rte[pin];
		unsigned int vec = rte & IOAPIC_RTE_VECTOR;

		if ((rte & IOAPIC_RTE_LEVEL) && !(rte & IOAPIC_RTE_MASKED))
			v[vec / 64] |= 1ull << (vec % 64);
	}
	if (memcmp(v, io->eoi_vectors, sizeof(v))) {
		memcpy(io->eoi_vectors, v, sizeof(v));
		if (io->eoi_exits)
			io->eoi_exits(io->opaque, v);
	}
}

static uint32_t ioapic_read_reg(const struct ioapic *io, uint8_t reg)
{
	unsigned int pin;

	switch (reg) {
	case REG_ID:
		return (uint32_t)io->id << 24;
	case REG_VER:
		return IOAPIC_VERSION;
	case REG_ARB:
		return (uint32_t)io->id << 24;
	}
	if (reg < REG_RTE0 || reg >= REG_RTE0 + 2 * IOAPIC_PINS)
		return 0xffffffff;
	pin = (reg - REG_RTE0) / 2;
	return (uint32_t)(io->rte[pin] >> ((reg & 1) ? 32 : 0));
}

static void ioapic_write_reg(struct ioapic *io, uint8_t reg, uint32_t val)
{
	unsigned int pin;
	uint64_t rte, old;

	if (reg == REG_ID) {
		io->id = (val >> 24) & 0xf;
		return;
	}
	if (reg < REG_RTE0 || reg >= REG_RTE0 + 2 * IOAPIC_PINS)
		return;		/* VER, ARB and the rest are read-only */
	pin = (reg - REG_RTE0) / 2;
	old = io->rte[pin];
	if (reg & 1)
		rte = (old & 0xffffffffull) | ((uint64_t)val << 32);
	else
		rte = (old & ~0xffffffffull) | val;
	rte = (rte & RTE_WRITABLE) | (old & IOAPIC_RTE_REMOTE_IRR);
	/* Remote IRR is meaningless for edge pins (82093AA 3.2.4). */
	if (!(rte & IOAPIC_RTE_LEVEL))
		rte &= ~IOAPIC_RTE_REMOTE_IRR;
	io->rte[pin] = rte;
	ioapic_update_eoi_exits(io);
	ioapic_service_level(io, pin);
}

void ioapic_mmio(void *opaque, uint64_t addr, uint8_t *data, uint32_t len, bool is_write)
{
	struct ioapic *io = opaque;
	uint64_t off = addr - IOAPIC_BASE;

	/* Only 32-bit accesses to the two registers are defined (82093AA 3.1). */
	if (len != 4 || (off != IOREGSEL && off != IOWIN)) {
		if (!is_write)
			memset(data, 0xff, len);
		return;
	}
	if (off == IOREGSEL) {
		if (is_write)
			io->ioregsel = data[0];
		else
			bus_data_put(data, 4, io->ioregsel);
		return;
	}
	if (is_write)
		ioapic_write_reg(io, io->ioregsel, bus_data_get(data, 4));
	else
		bus_data_put(data, 4, ioapic_read_reg(io, io->ioregsel));
}

void ioapic_init(struct ioapic *io, uint8_t id,
		 void (*send)(void *, uint64_t, uint32_t),
		 void (*eoi_exits)(void *, const uint64_t *), void *opaque)
{
	unsigned int pin;

	memset(io, 0, sizeof(*io));
	io->id = id;
	for (pin = 0; pin < IOAPIC_PINS; pin++)
		io->rte[pin] = IOAPIC_RTE_MASKED;	/* masked after reset */
	io->send = send;
	io->eoi_exits = eoi_exits;
	io->opaque = opaque;
}

int ioapic_register(struct ioapic *io, struct bus *mmio)
{
	return bus_register(mmio, IOAPIC_BASE, IOAPIC_SIZE, ioapic_mmio, io);
}
