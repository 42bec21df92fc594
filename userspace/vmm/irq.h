/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An interrupt line from a device to an interrupt controller: the device
 * sets its level; the controller decides what an edge or a level means.
 */
#ifndef HVKM_VMM_IRQ_H
#define HVKM_VMM_IRQ_H

struct irq_line {
	void (*set)(void *ctl, unsigned int irq, int level);
	void *ctl;
	unsigned int irq;
};

static inline void irq_set(const struct irq_line *line, int level)
{
	if (line->set)
		line->set(line->ctl, line->irq, level);
}

/* An edge for edge-triggered inputs: up, then down again. */
static inline void irq_pulse(const struct irq_line *line)
{
	irq_set(line, 1);
	irq_set(line, 0);
}

#endif
