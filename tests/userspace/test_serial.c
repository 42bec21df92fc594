// SPDX-License-Identifier: GPL-2.0
// sources: bus.c devices/serial.c
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "devices/serial.h"
#include "tap.h"

static int level, edges;

static void set_irq(void *ctl, unsigned int irq, int l)
{
	(void)ctl;
	(void)irq;
	if (l && !level)
		edges++;
	level = l;
}

static void out(struct serial *s, unsigned int reg, uint8_t v)
{
	serial_io(s, 0x3f8 + reg, &v, 1, true);
}

static uint8_t in(struct serial *s, unsigned int reg)
{
	uint8_t v;

	serial_io(s, 0x3f8 + reg, &v, 1, false);
	return v;
}

static int ready_calls;

static void rx_ready(void *opaque)
{
	(void)opaque;
	ready_calls++;
}

/* MSR: delta bits and the modem status interrupt, looped back and not. */
static void modem_lines(struct irq_line line, int fd)
{
	struct serial s;
	uint8_t v;

	serial_init(&s, 0x3f8, line, fd);
	serial_reset_modem_inputs(&s, 0);	/* a socket without a client */
	out(&s, 4, 0x0b);			/* DTR, RTS, OUT2 */
	CHECK(in(&s, 6) == 0x00, "no_peer_lines_down_no_deltas");
	out(&s, 1, 0x08);			/* modem status interrupt only */
	CHECK(!level && (in(&s, 2) & 0x0f) == 0x01, "msi_enabled_nothing_pending");
	serial_set_modem_inputs(&s, SERIAL_MSR_PEER);	/* a client connects */
	CHECK(level && (in(&s, 2) & 0x0f) == 0x00, "peer_connects_modem_status_irq");
	v = in(&s, 6);
	CHECK(v == 0xbb, "peer_connects_cts_dsr_dcd_with_deltas");
	CHECK(!level && in(&s, 6) == 0xb0, "msr_read_clears_deltas_and_irq");
	serial_set_modem_inputs(&s, 0);			/* it disconnects */
	CHECK(level && in(&s, 6) == 0x0b && !level, "peer_leaves_deltas_and_irq");
	serial_set_modem_inputs(&s, SERIAL_MSR_RI);
	CHECK(!level && (in(&s, 6) & 0x4f) == 0x40, "ri_rising_no_teri");
	serial_set_modem_inputs(&s, 0);
	CHECK(level && (in(&s, 6) & 0x4f) == 0x04, "ri_trailing_edge_teri");
	out(&s, 1, 0x00);
	serial_set_modem_inputs(&s, SERIAL_MSR_PEER);
	CHECK(!level && (in(&s, 6) & 0x0f) == 0x0b, "deltas_latched_without_msi");

	/* Loopback: the outputs drive the inputs, with deltas and the interrupt. */
	out(&s, 1, 0x08);
	out(&s, 4, 0x18);			/* loop, OUT2 only: DCD */
	CHECK(in(&s, 6) == 0x83, "loopback_entry_deltas_from_peer_lines");
	out(&s, 4, 0x1a);			/* + RTS: CTS */
	CHECK(level && in(&s, 6) == 0x91, "loopback_rts_to_cts_dcts_irq");
	out(&s, 4, 0x1e);			/* + OUT1: RI */
	out(&s, 4, 0x1a);			/* OUT1 off: RI trailing edge */
	CHECK((in(&s, 6) & 0x04) == 0x04, "loopback_out1_teri");
	out(&s, 4, 0x0a);			/* leave loopback: the peer's lines */
	CHECK(in(&s, 6) == 0xb2, "loop_exit_back_to_peer_lines");
}

/* The receive FIFO's room and the rx_ready call once the guest drains it. */
static void flow_control(struct irq_line line, int fd)
{
	uint8_t bytes[20];
	struct serial s;
	size_t n;

	memset(bytes, 'x', sizeof(bytes));
	serial_init(&s, 0x3f8, line, fd);
	s.rx_ready = rx_ready;
	out(&s, 2, 0x07);			/* FIFO on, cleared */
	CHECK(serial_rx_room(&s) == 16, "room_fifo_empty");
	n = serial_receive(&s, bytes, sizeof(bytes));
	CHECK(n == 16 && serial_rx_room(&s) == 0 && !(in(&s, 5) & 0x02), "fifo_full_no_overrun");
	s.rx_waiting = true;			/* the backend paused */
	in(&s, 5);
	CHECK(!ready_calls && s.rx_waiting, "no_ready_while_full");
	in(&s, 0);
	CHECK(ready_calls == 1 && !s.rx_waiting && serial_rx_room(&s) == 1, "ready_after_rbr_read");
	in(&s, 0);
	CHECK(ready_calls == 1, "ready_once_per_pause");
	out(&s, 4, 0x10);
	CHECK(serial_rx_room(&s) == 0, "no_room_in_loopback");
	s.rx_waiting = true;
	out(&s, 4, 0x00);
	CHECK(ready_calls == 2, "ready_when_loopback_ends");
	out(&s, 2, 0x00);			/* no FIFO: one byte of holding register */
	CHECK(serial_rx_room(&s) == 1, "room_without_fifo");
}

int main(void)
{
	struct irq_line line = { set_irq, NULL, 4 };
	struct serial s;
	char buf[64];
	int fds[2];
	ssize_t n;

	if (pipe(fds))
		return 1;
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	serial_init(&s, 0x3f8, line, fds[1]);

	/* Transmit: bytes come out at once, THR and shift register empty. */
	out(&s, 3, 0x03);	/* 8N1 */
	out(&s, 0, 'h');
	out(&s, 0, 'i');
	n = read(fds[0], buf, sizeof(buf));
	CHECK(n == 2 && !memcmp(buf, "hi", 2), "transmit_to_fd");
	CHECK((in(&s, 5) & 0x60) == 0x60, "lsr_thre_temt");
	CHECK(in(&s, 2) == 0x01, "iir_no_interrupt_without_fifo");

	/* Divisor latch behind DLAB. */
	out(&s, 3, 0x83);
	out(&s, 0, 0x01);
	out(&s, 1, 0x00);
	CHECK(in(&s, 0) == 0x01 && in(&s, 1) == 0x00, "divisor_latch");
	out(&s, 3, 0x03);
	n = read(fds[0], buf, sizeof(buf));
	CHECK(n < 0, "divisor_write_not_transmitted");
	out(&s, 7, 0x5a);
	CHECK(in(&s, 7) == 0x5a, "scratch_register");

	/* FIFO: IIR says 16550A (both FIFO bits). */
	out(&s, 2, 0xc7);
	CHECK((in(&s, 2) & 0xc0) == 0xc0, "iir_fifo_bits_16550a");

	/* THRE interrupt: raised by enabling it with THR empty, gated by OUT2. */
	out(&s, 1, 0x02);
	CHECK(!level, "no_irq_without_out2");
	out(&s, 4, 0x0b);	/* DTR, RTS, OUT2 */
	CHECK(level, "thre_irq_with_out2");
	CHECK((in(&s, 2) & 0x0f) == 0x02, "iir_reports_thre");
	CHECK(!level && (in(&s, 2) & 0x0f) == 0x01, "iir_read_clears_thre");
	out(&s, 0, 'x');
	CHECK(level, "thre_again_after_transmit");
	out(&s, 1, 0x00);
	CHECK(!level, "ier_clear_drops_irq");
	n = read(fds[0], buf, sizeof(buf));

	/* Receive with trigger level 1 (FCR 0x07). */
	out(&s, 2, 0x07);
	out(&s, 1, 0x01);
	CHECK(serial_receive(&s, (const uint8_t *)"ab", 2) == 2, "receive_two");
	CHECK(level && (in(&s, 2) & 0x0f) == 0x04, "rdi_interrupt");
	CHECK((in(&s, 5) & 0x01) && in(&s, 0) == 'a' && in(&s, 0) == 'b', "receive_in_order");
	CHECK(!(in(&s, 5) & 0x01) && !level, "fifo_drained_irq_down");

	/* Trigger level 8: below it a character timeout is reported instead. */
	out(&s, 2, 0x81);
	serial_receive(&s, (const uint8_t *)"123", 3);
	CHECK((in(&s, 2) & 0x0f) == 0x0c, "char_timeout_below_trigger");
	serial_receive(&s, (const uint8_t *)"45678", 5);
	CHECK((in(&s, 2) & 0x0f) == 0x04, "rdi_at_trigger");

	/* Overrun: the 17th byte is lost and reported once. */
	CHECK(serial_receive(&s, (const uint8_t *)"abcdefghij", 10) == 8, "fifo_holds_sixteen");
	CHECK(!serial_can_receive(&s), "fifo_full");
	out(&s, 2, 0x87);	/* clear the FIFO */
	CHECK(!(in(&s, 5) & 0x01), "fcr_clears_rx");
	out(&s, 2, 0x00);	/* 16450 mode: one receive holding register */
	CHECK(serial_receive(&s, (const uint8_t *)"qr", 2) == 1 && !serial_can_receive(&s),
	      "no_fifo_one_byte");
	CHECK(in(&s, 0) == 'q', "no_fifo_byte");

	/* Loopback, as Linux's autoconfig checks it: MSR reflects MCR 0x0a. */
	serial_init(&s, 0x3f8, line, fds[1]);
	out(&s, 4, 0x1a);
	CHECK((in(&s, 6) & 0xf0) == 0x90, "loopback_msr");
	out(&s, 2, 0x01);
	out(&s, 0, 'L');
	CHECK(in(&s, 0) == 'L', "loopback_data");
	n = read(fds[0], buf, sizeof(buf));
	CHECK(n < 0, "loopback_not_transmitted");
	out(&s, 4, 0x00);
	CHECK((in(&s, 6) & 0xf0) == 0xb0, "modem_lines_up_without_loop");

	/* Overrun (looped back, no FIFO): reported in LSR and by a line status IRQ. */
	serial_init(&s, 0x3f8, line, fds[1]);
	out(&s, 4, 0x18);	/* loop, OUT2 */
	out(&s, 1, 0x04);	/* line status interrupt only */
	out(&s, 0, '1');
	out(&s, 0, '2');
	CHECK(level && (in(&s, 2) & 0x0f) == 0x06, "overrun_line_status_irq");
	CHECK((in(&s, 5) & 0x03) == 0x03, "lsr_overrun_and_data");
	CHECK(!(in(&s, 5) & 0x02) && in(&s, 0) == '1', "overrun_clears_on_read_first_byte_kept");
	CHECK(!level, "irq_down_after_lsr_read");
	CHECK(s.tx_bytes == 2 && edges > 0, "counters");
	modem_lines(line, fds[1]);
	flow_control(line, fds[1]);
	close(fds[0]);
	close(fds[1]);
	return tap_done();
}
