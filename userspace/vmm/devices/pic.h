/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The PC's cascaded 8259A pair (master at 0x20, slave at 0xA0 on the
 * master's IR2) with the EISA edge/level control registers at 0x4D0/0x4D1.
 * The CPU side is pic_has_output() and pic_ack() (the INTA cycle).
 */
#ifndef HVKM_VMM_PIC_H
#define HVKM_VMM_PIC_H

#include <stdbool.h>
#include <stdint.h>

#include "../bus.h"
#include "../irq.h"

struct pic_chip {
	uint8_t lines;		/* input levels as the devices set them */
	uint8_t irr, isr, imr;
	uint8_t elcr;		/* 1: level triggered */
	uint8_t elcr_mask;	/* ELCR bits that exist */
	uint8_t vector_base;	/* ICW2 */
	uint8_t priority_add;	/* the IR with the highest priority */
	uint8_t init_step;	/* 0: initialized; 1..3: expecting ICW2..ICW4 */
	bool single, need_icw4;
	bool auto_eoi, rotate_on_aeoi, special_fully_nested;
	bool read_isr, poll, special_mask;
};

struct pic {
	struct pic_chip chip[2];	/* master, slave */
	bool output;			/* the master's INT pin */
	/* Called (under the bus lock) when INT goes up. */
	void (*notify)(void *opaque);
	void *opaque;
};

void pic_init(struct pic *pic, void (*notify)(void *opaque), void *opaque);
int pic_register(struct pic *pic, struct bus *io);
/* The irq_line "set" of IRQ 0..15. */
void pic_set_irq(void *pic, unsigned int irq, int level);
static inline struct irq_line pic_line(struct pic *pic, unsigned int irq)
{
	return (struct irq_line){ pic_set_irq, pic, irq };
}

bool pic_has_output(const struct pic *pic);
/* The interrupt acknowledge: the vector of the highest-priority request. */
uint8_t pic_ack(struct pic *pic);
void pic_io(void *pic, uint64_t port, uint8_t *data, uint32_t len, bool is_write);

#endif
