/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An I/O APIC (Intel 82093AA datasheet) at 0xFEC00000: 24 input pins, each
 * with a 64-bit redirection table entry that turns an edge or an asserted
 * level into an interrupt message to the local APICs.  Messages leave as
 * MSI-format writes (address 0xFEEx_xxxx with the destination, data with the
 * vector and modes, SDM 10.11), which hvkm-vmm sends with HVKM_SIGNAL_MSI.
 * A level-triggered pin sets Remote IRR when its message is accepted; the
 * local APIC's EOI of that vector (HVKM_EXIT_EOI) clears it.
 */
#ifndef HVKM_VMM_IOAPIC_H
#define HVKM_VMM_IOAPIC_H

#include <stdbool.h>
#include <stdint.h>

#include "../bus.h"
#include "../irq.h"

#define IOAPIC_BASE		0xfec00000ull
#define IOAPIC_SIZE		0x1000
#define IOAPIC_PINS		24

/* Redirection table entry fields (82093AA, 3.2.4). */
#define IOAPIC_RTE_VECTOR	0xffull
#define IOAPIC_RTE_DELMODE_SHIFT 8
#define IOAPIC_RTE_DESTMODE	(1ull << 11)
#define IOAPIC_RTE_DELIVS	(1ull << 12)
#define IOAPIC_RTE_POLARITY	(1ull << 13)
#define IOAPIC_RTE_REMOTE_IRR	(1ull << 14)
#define IOAPIC_RTE_LEVEL	(1ull << 15)
#define IOAPIC_RTE_MASKED	(1ull << 16)
#define IOAPIC_RTE_DEST_SHIFT	56

struct ioapic {
	uint8_t id;			/* bits 27:24 of register 0 */
	uint8_t ioregsel;
	uint32_t lines;			/* pin levels as the devices set them */
	uint64_t rte[IOAPIC_PINS];
	uint64_t eoi_vectors[4];	/* level-triggered vectors last reported */
	/* Send one interrupt message (under the bus lock). */
	void (*send)(void *opaque, uint64_t address, uint32_t data);
	/* The set of level-triggered vectors changed: HVKM_SET_EOI_EXITS. */
	void (*eoi_exits)(void *opaque, const uint64_t vectors[4]);
	void *opaque;
};

void ioapic_init(struct ioapic *io, uint8_t id,
		 void (*send)(void *, uint64_t, uint32_t),
		 void (*eoi_exits)(void *, const uint64_t *), void *opaque);
int ioapic_register(struct ioapic *io, struct bus *mmio);
/* The irq_line "set" of pin 0..23; @level 1 means asserted. */
void ioapic_set_irq(void *io, unsigned int pin, int level);
static inline struct irq_line ioapic_line(struct ioapic *io, unsigned int pin)
{
	return (struct irq_line){ ioapic_set_irq, io, pin };
}
/* A local APIC's EOI of @vector for a level-triggered interrupt. */
void ioapic_eoi(struct ioapic *io, uint8_t vector);
void ioapic_mmio(void *io, uint64_t addr, uint8_t *data, uint32_t len, bool is_write);

#endif
