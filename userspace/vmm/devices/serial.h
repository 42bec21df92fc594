/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A 16550A UART: what the guest transmits goes to a file descriptor at once
 * (the transmitter is never busy); what the host sends is queued in the
 * 16-byte receive FIFO.  The modem status inputs (CTS, DSR, RI, DCD) come
 * from the backend: whether a peer is there.
 */
#ifndef HVKM_VMM_SERIAL_H
#define HVKM_VMM_SERIAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../bus.h"
#include "../irq.h"

#define SERIAL_FIFO_SIZE 16

/* MSR bits of the modem status inputs. */
#define SERIAL_MSR_CTS	0x10
#define SERIAL_MSR_DSR	0x20
#define SERIAL_MSR_RI	0x40
#define SERIAL_MSR_DCD	0x80
#define SERIAL_MSR_PEER	(SERIAL_MSR_CTS | SERIAL_MSR_DSR | SERIAL_MSR_DCD)

struct serial {
	uint16_t base;
	struct irq_line irq;
	int out_fd;			/* -1: output is dropped */
	uint8_t rx[SERIAL_FIFO_SIZE];
	unsigned int rx_head, rx_count;
	uint8_t ier, lcr, mcr, lsr_errors, msr, scr, dll, dlm;
	uint8_t modem_in;		/* the inputs outside loopback (SERIAL_MSR_*) */
	bool fifo_enabled;
	uint8_t rx_trigger;		/* bytes that raise the data interrupt */
	bool thre_pending;		/* the THR-empty interrupt condition */
	bool irq_level;
	unsigned long tx_bytes;
	/*
	 * Receive flow control: a backend that found no room sets rx_waiting
	 * and stops reading its input; rx_ready(rx_opaque) is called (under
	 * the device lock, from whatever thread accessed the UART) once the
	 * guest made room again.
	 */
	bool rx_waiting;
	void (*rx_ready)(void *opaque);
	void *rx_opaque;
};

void serial_init(struct serial *s, uint16_t base, struct irq_line irq, int out_fd);
int serial_register(struct serial *s, struct bus *io);
void serial_io(void *s, uint64_t port, uint8_t *data, uint32_t len, bool is_write);
/* Input from the host; returns how many bytes fit in the FIFO. */
size_t serial_receive(struct serial *s, const uint8_t *buf, size_t n);
/* Whether serial_receive() would take a byte now. */
bool serial_can_receive(const struct serial *s);
/* How many bytes serial_receive() would take now (0 in loopback). */
size_t serial_rx_room(const struct serial *s);
/* The modem status inputs changed: delta bits and the modem status interrupt. */
void serial_set_modem_inputs(struct serial *s, uint8_t msr_bits);
/* The inputs as they are at power-on: no delta bits. */
void serial_reset_modem_inputs(struct serial *s, uint8_t msr_bits);

#endif
