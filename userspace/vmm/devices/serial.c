// SPDX-License-Identifier: GPL-2.0
/*
 * 16550A UART after the National PC16550D data sheet: registers by offset
 * and LCR.DLAB, the interrupt priorities of IIR (line status, received
 * data / character timeout, THR empty, modem status), FIFO control and
 * loopback.  The IRQ reaches the PIC only while MCR.OUT2 is set, as on PCs.
 * The modem status register shows the modem control outputs in loopback
 * and the backend's inputs otherwise; a change of CTS, DSR or DCD sets its
 * delta bit, RI going inactive sets TERI, and any delta bit is the modem
 * status interrupt (IER bit 3), cleared by reading MSR.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "serial.h"

enum {
	REG_DATA, REG_IER, REG_IIR_FCR, REG_LCR, REG_MCR, REG_LSR, REG_MSR, REG_SCR,
};

#define IER_RDI		0x01
#define IER_THRI	0x02
#define IER_RLSI	0x04
#define IER_MSI		0x08

#define IIR_NONE	0x01
#define IIR_MSI		0x00
#define IIR_THRI	0x02
#define IIR_RDI		0x04
#define IIR_RLSI	0x06
#define IIR_TIMEOUT	0x0c
#define IIR_FIFO	0xc0

#define FCR_ENABLE	0x01
#define FCR_CLEAR_RX	0x02

#define LCR_DLAB	0x80

#define MCR_DTR		0x01
#define MCR_RTS		0x02
#define MCR_OUT1	0x04
#define MCR_OUT2	0x08
#define MCR_LOOP	0x10

#define LSR_DR		0x01
#define LSR_OE		0x02
#define LSR_THRE	0x20
#define LSR_TEMT	0x40

static const uint8_t rx_triggers[4] = { 1, 4, 8, 14 };

static uint8_t serial_iir(const struct serial *s)
{
	uint8_t fifo = s->fifo_enabled ? IIR_FIFO : 0;

	if ((s->ier & IER_RLSI) && (s->lsr_errors & LSR_OE))
		return fifo | IIR_RLSI;
	if ((s->ier & IER_RDI) && s->rx_count) {
		/*
		 * Below the trigger level the 16550 reports a character
		 * timeout after four character times; no time passes for
		 * this model's receiver, so it reports one at once.
		 */
		if (!s->fifo_enabled || s->rx_count >= s->rx_trigger)
			return fifo | IIR_RDI;
		return fifo | IIR_TIMEOUT;
	}
	if ((s->ier & IER_THRI) && s->thre_pending)
		return fifo | IIR_THRI;
	if ((s->ier & IER_MSI) && (s->msr & 0x0f))
		return fifo | IIR_MSI;
	return fifo | IIR_NONE;
}

static void serial_update_irq(struct serial *s)
{
	bool level = !(serial_iir(s) & IIR_NONE) && (s->mcr & MCR_OUT2);

	if (level != s->irq_level) {
		s->irq_level = level;
		irq_set(&s->irq, level);
	}
}

static void rx_push(struct serial *s, uint8_t b)
{
	if (s->rx_count == SERIAL_FIFO_SIZE || (!s->fifo_enabled && s->rx_count)) {
		s->lsr_errors |= LSR_OE;	/* the new byte is lost */
		return;
	}
	s->rx[(s->rx_head + s->rx_count++) % SERIAL_FIFO_SIZE] = b;
}

static uint8_t rx_pop(struct serial *s)
{
	uint8_t b;

	if (!s->rx_count)
		return 0;
	b = s->rx[s->rx_head];
	s->rx_head = (s->rx_head + 1) % SERIAL_FIFO_SIZE;
	s->rx_count--;
	return b;
}

/* Modem status from the modem control outputs when looped back. */
static uint8_t loop_msr(uint8_t mcr)
{
	return ((mcr & MCR_RTS) ? 0x10 : 0) | ((mcr & MCR_DTR) ? 0x20 : 0) |
	       ((mcr & MCR_OUT1) ? 0x40 : 0) | ((mcr & MCR_OUT2) ? 0x80 : 0);
}

static uint8_t msr_inputs(const struct serial *s)
{
	return (s->mcr & MCR_LOOP) ? loop_msr(s->mcr) : s->modem_in;
}

/* The inputs may have changed: latch the delta bits (PC16550D, MSR bits 0-3). */
static void serial_update_msr(struct serial *s)
{
	uint8_t old = s->msr & 0xf0, now = msr_inputs(s);

	s->msr = (s->msr & 0x0f) | now;
	s->msr |= ((old ^ now) >> 4) & 0x0b;		/* DCTS, DDSR, DDCD */
	if ((old & SERIAL_MSR_RI) && !(now & SERIAL_MSR_RI))
		s->msr |= 0x04;				/* TERI: RI's trailing edge */
}

static void serial_transmit(struct serial *s, uint8_t b)
{
	if (s->mcr & MCR_LOOP) {
		rx_push(s, b);
	} else if (s->out_fd >= 0) {
		ssize_t n;

		do {
			n = write(s->out_fd, &b, 1);
		} while (n < 0 && errno == EINTR);
	}
	s->tx_bytes++;
	/* The shift register takes the byte at once: THR is empty again. */
	s->thre_pending = true;
}

static void serial_write(struct serial *s, unsigned int reg, uint8_t v)
{
	switch (reg) {
	case REG_DATA:
		if (s->lcr & LCR_DLAB)
			s->dll = v;
		else
			serial_transmit(s, v);
		break;
	case REG_IER:
		if (s->lcr & LCR_DLAB) {
			s->dlm = v;
			break;
		}
		/* Enabling the THRE interrupt with THR empty raises it at once. */
		if ((v & IER_THRI) && !(s->ier & IER_THRI))
			s->thre_pending = true;
		s->ier = v & 0x0f;
		break;
	case REG_IIR_FCR:
		s->fifo_enabled = v & FCR_ENABLE;
		if ((v & FCR_CLEAR_RX) || !s->fifo_enabled)
			s->rx_head = s->rx_count = 0;
		s->rx_trigger = rx_triggers[v >> 6];
		break;
	case REG_LCR:
		s->lcr = v;
		break;
	case REG_MCR:
		s->mcr = v & 0x1f;
		serial_update_msr(s);
		break;
	case REG_SCR:
		s->scr = v;
		break;
	default:	/* LSR and MSR are read-only */
		break;
	}
}

static uint8_t serial_read(struct serial *s, unsigned int reg)
{
	uint8_t v;

	switch (reg) {
	case REG_DATA:
		if (s->lcr & LCR_DLAB)
			return s->dll;
		return rx_pop(s);
	case REG_IER:
		return (s->lcr & LCR_DLAB) ? s->dlm : s->ier;
	case REG_IIR_FCR:
		v = serial_iir(s);
		/* Reading IIR while it reports THRE ends that interrupt. */
		if ((v & 0x0f) == IIR_THRI)
			s->thre_pending = false;
		return v;
	case REG_LCR:
		return s->lcr;
	case REG_MCR:
		return s->mcr;
	case REG_LSR:
		v = LSR_THRE | LSR_TEMT | (s->rx_count ? LSR_DR : 0) | s->lsr_errors;
		s->lsr_errors = 0;	/* error bits clear on read */
		return v;
	case REG_MSR:
		v = s->msr;
		s->msr &= 0xf0;		/* delta bits clear on read */
		return v;
	default:
		return s->scr;
	}
}

void serial_io(void *opaque, uint64_t port, uint8_t *data, uint32_t len, bool is_write)
{
	struct serial *s = opaque;
	unsigned int reg = (unsigned int)(port - s->base);

	if (len != 1) {
		if (!is_write)
			memset(data, 0xff, len);
		return;
	}
	if (is_write)
		serial_write(s, reg, data[0]);
	else
		data[0] = serial_read(s, reg);
	serial_update_irq(s);
	/* The guest read a byte or left loopback: the backend may send more. */
	if (s->rx_waiting && serial_rx_room(s)) {
		s->rx_waiting = false;
		if (s->rx_ready)
			s->rx_ready(s->rx_opaque);
	}
}

size_t serial_receive(struct serial *s, const uint8_t *buf, size_t n)
{
	size_t i;

	for (i = 0; i < n && serial_can_receive(s); i++)
		rx_push(s, buf[i]);
	serial_update_irq(s);
	return i;
}

bool serial_can_receive(const struct serial *s)
{
	return serial_rx_room(s) > 0;
}

size_t serial_rx_room(const struct serial *s)
{
	if (s->mcr & MCR_LOOP)
		return 0;
	if (s->fifo_enabled)
		return SERIAL_FIFO_SIZE - s->rx_count;
	return s->rx_count ? 0 : 1;
}

void serial_set_modem_inputs(struct serial *s, uint8_t msr_bits)
{
	s->modem_in = msr_bits & 0xf0;
	serial_update_msr(s);
	serial_update_irq(s);
}

void serial_reset_modem_inputs(struct serial *s, uint8_t msr_bits)
{
	s->modem_in = msr_bits & 0xf0;
	s->msr = msr_inputs(s);
}

void serial_init(struct serial *s, uint16_t base, struct irq_line irq, int out_fd)
{
	memset(s, 0, sizeof(*s));
	s->base = base;
	s->irq = irq;
	s->out_fd = out_fd;
	/* A peer is there until the backend says otherwise. */
	s->modem_in = s->msr = SERIAL_MSR_PEER;
	s->rx_trigger = 1;
}

int serial_register(struct serial *s, struct bus *io)
{
	return bus_register(io, s->base, 8, serial_io, s);
}
