// SPDX-License-Identifier: GPL-2.0
/*
 * 8259A programmable interrupt controller pair, after the Intel 8259A data
 * sheet (ICW1-4, OCW1-3, priority rotation, special mask, poll) and the
 * EISA ELCR.  The guest reaches the CPU through the master's INT output.
 */
#include <string.h>

#include "pic.h"

#define PIC_MASTER	0x20
#define PIC_SLAVE	0xa0
#define PIC_ELCR	0x4d0
#define CASCADE_IR	2

/* Priority 0 (highest) .. 7 of the highest-priority bit set, 8 for none. */
static int chip_priority(const struct pic_chip *c, uint8_t bits)
{
	int p;

	for (p = 0; p < 8; p++)
		if (bits & (1u << ((p + c->priority_add) & 7)))
			return p;
	return 8;
}

/* The IR this chip would present to the CPU now, or -1. */
static int chip_pending(const struct pic_chip *c, bool master)
{
	uint8_t in_service = c->isr;
	int p = chip_priority(c, c->irr & ~c->imr);

	if (p == 8)
		return -1;
	if (c->special_mask)
		in_service &= ~c->imr;
	/* Special fully nested: the slave may interrupt its own service. */
	if (master && c->special_fully_nested)
		in_service &= ~(1u << CASCADE_IR);
	if (p < chip_priority(c, in_service))
		return (p + c->priority_add) & 7;
	return -1;
}

static void chip_set_input(struct pic_chip *c, unsigned int ir, int level)
{
	uint8_t bit = 1u << ir;

	if (c->elcr & bit) {
		/* Level: the request follows the line. */
		if (level)
			c->irr |= bit;
		else
			c->irr &= ~bit;
	} else if (level && !(c->lines & bit)) {
		c->irr |= bit;	/* edge: latched on the rising edge */
	}
	if (level)
		c->lines |= bit;
	else
		c->lines &= ~bit;
}

static void pic_update(struct pic *pic)
{
	bool was = pic->output;

	chip_set_input(&pic->chip[0], CASCADE_IR, chip_pending(&pic->chip[1], false) >= 0);
	pic->output = chip_pending(&pic->chip[0], true) >= 0;
	if (pic->output && !was && pic->notify)
		pic->notify(pic->opaque);
}

void pic_set_irq(void *opaque, unsigned int irq, int level)
{
	struct pic *pic = opaque;

	if (irq >= 16 || irq == CASCADE_IR)
		return;
	chip_set_input(&pic->chip[irq >> 3], irq & 7, level);
	pic_update(pic);
}

bool pic_has_output(const struct pic *pic)
{
	return pic->output;
}

/* The INTA cycle on one chip for @ir. */
static void chip_ack(struct pic_chip *c, int ir)
{
	uint8_t bit = 1u << ir;

	/* A level request stays in the IRR while its line is high. */
	if (!(c->elcr & bit))
		c->irr &= ~bit;
	if (c->auto_eoi) {
		if (c->rotate_on_aeoi)
			c->priority_add = (ir + 1) & 7;
	} else {
		c->isr |= bit;
	}
}

uint8_t pic_ack(struct pic *pic)
{
	struct pic_chip *m = &pic->chip[0], *s = &pic->chip[1];
	int ir = chip_pending(m, true);
	uint8_t vector;

	if (ir < 0) {
		/* The request went away before INTA: a spurious IRQ 7. */
		vector = m->vector_base | 7;
	} else if (ir == CASCADE_IR) {
		int sir = chip_pending(s, false);

		chip_ack(m, ir);
		if (sir < 0) {
			vector = s->vector_base | 7;
		} else {
			chip_ack(s, sir);
			vector = s->vector_base | sir;
		}
	} else {
		chip_ack(m, ir);
		vector = m->vector_base | ir;
	}
	pic->output = false;
	pic_update(pic);
	return vector;
}

static void chip_eoi(struct pic_chip *c, int ir, bool rotate)
{
	if (ir < 0) {
		/* Non-specific: the highest-priority IR in service. */
		int p = chip_priority(c, c->isr);

		if (p == 8)
			return;
		ir = (p + c->priority_add) & 7;
	}
	c->isr &= ~(1u << ir);
	if (rotate)
		c->priority_add = (ir + 1) & 7;
}

static void chip_write_command(struct pic_chip *c, uint8_t v)
{
	if (v & 0x10) {
		/* ICW1: start the initialization sequence. */
		c->init_step = 1;
		c->single = v & 0x02;
		c->need_icw4 = v & 0x01;
		c->irr = c->isr = c->imr = 0;
		c->lines = 0;
		c->priority_add = 0;
		c->auto_eoi = c->rotate_on_aeoi = false;
		c->special_fully_nested = false;
		c->read_isr = c->poll = c->special_mask = false;
		return;
	}
	if (v & 0x08) {
		/* OCW3 */
		if (v & 0x04)
			c->poll = true;
		if (v & 0x02)
			c->read_isr = v & 0x01;
		if (v & 0x40)
			c->special_mask = v & 0x20;
		return;
	}
	/* OCW2: R, SL, EOI in bits 7:5, the IR in bits 2:0. */
	switch (v >> 5) {
	case 0:	/* rotate in automatic EOI mode: clear */
	case 4:	/* ...set */
		c->rotate_on_aeoi = v >> 7;
		break;
	case 1:	/* non-specific EOI */
	case 5:	/* rotate on non-specific EOI */
		chip_eoi(c, -1, v & 0x80);
		break;
	case 3:	/* specific EOI */
	case 7:	/* rotate on specific EOI */
		chip_eoi(c, v & 7, v & 0x80);
		break;
	case 6:	/* set priority: the IR given gets the lowest */
		c->priority_add = (v + 1) & 7;
		break;
	default: /* 2: no operation */
		break;
	}
}

static void chip_write_data(struct pic_chip *c, uint8_t v)
{
	switch (c->init_step) {
	case 1:		/* ICW2 */
		c->vector_base = v & 0xf8;
		c->init_step = !c->single ? 2 : c->need_icw4 ? 3 : 0;
		break;
	case 2:		/* ICW3: the cascade wiring is fixed */
		c->init_step = c->need_icw4 ? 3 : 0;
		break;
	case 3:		/* ICW4 */
		c->auto_eoi = v & 0x02;
		c->special_fully_nested = v & 0x10;
		c->init_step = 0;
		break;
	default:	/* OCW1 */
		c->imr = v;
		break;
	}
}

/* Poll command: the next read is an INTA without the vector (8259A "Poll"). */
static uint8_t chip_poll(struct pic *pic, struct pic_chip *c)
{
	bool master = c == &pic->chip[0];
	int ir = chip_pending(c, master);

	c->poll = false;
	if (ir < 0)
		return 0;
	chip_ack(c, ir);
	return 0x80 | ir;
}

void pic_io(void *opaque, uint64_t port, uint8_t *data, uint32_t len, bool is_write)
{
	struct pic *pic = opaque;
	struct pic_chip *c;
	uint8_t v = data[0];

	if (len != 1) {
		if (!is_write)
			memset(data, 0xff, len);
		return;
	}
	if (port == PIC_ELCR || port == PIC_ELCR + 1) {
		c = &pic->chip[port - PIC_ELCR];
		if (is_write)
			c->elcr = v & c->elcr_mask;
		else
			data[0] = c->elcr;
		pic_update(pic);
		return;
	}
	c = &pic->chip[port >= PIC_SLAVE];
	if (is_write) {
		if (port & 1)
			chip_write_data(c, v);
		else
			chip_write_command(c, v);
	} else if (c->poll) {
		data[0] = chip_poll(pic, c);
	} else if (port & 1) {
		data[0] = c->imr;
	} else {
		data[0] = c->read_isr ? c->isr : c->irr;
	}
	pic_update(pic);
}

void pic_init(struct pic *pic, void (*notify)(void *opaque), void *opaque)
{
	memset(pic, 0, sizeof(*pic));
	pic->notify = notify;
	pic->opaque = opaque;
	/* IRQ 0, 1, 2, 8 and 13 are edge triggered on every PC (EISA spec). */
	pic->chip[0].elcr_mask = 0xf8;
	pic->chip[1].elcr_mask = 0xde;
}

int pic_register(struct pic *pic, struct bus *io)
{
	int ret = bus_register(io, PIC_MASTER, 2, pic_io, pic);

	if (!ret)
		ret = bus_register(io, PIC_SLAVE, 2, pic_io, pic);
	if (!ret)
		ret = bus_register(io, PIC_ELCR, 2, pic_io, pic);
	return ret;
}
