/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A 16550A UART: what the guest transmits goes to a file descriptor at once
 * (the transmitter is never busy); what the host sends is queued in the
 * 16-byte receive FIFO.
 */
#ifndef HVKM_VMM_SERIAL_H
#define HVKM_VMM_SERIAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../bus.h"
#include "../irq.h"

#define SERIAL_FIFO_SIZE 16

struct serial {
	uint16_t base;
	struct irq_line irq;
	int out_fd;			/* -1: output is dropped */
	uint8_t rx[SERIAL_FIFO_SIZE];
	unsigned int rx_head, rx_count;
	uint8_t ier, lcr, mcr, lsr_errors, msr, scr, dll, dlm;
	bool fifo_enabled;
	uint8_t rx_trigger;		/* bytes that raise the data interrupt */
	bool thre_pending;		/* the THR-empty interrupt condition */
	bool irq_level;
	unsigned long tx_bytes;
};

void serial_init(struct serial *s, uint16_t base, struct irq_line irq, int out_fd);
int serial_register(struct serial *s, struct bus *io);
void serial_io(void *s, uint64_t port, uint8_t *data, uint32_t len, bool is_write);
/* Input from the host; returns how many bytes fit in the FIFO. */
size_t serial_receive(struct serial *s, const uint8_t *buf, size_t n);
/* Whether serial_receive() would take a byte now. */
bool serial_can_receive(const struct serial *s);

#endif
