// SPDX-License-Identifier: GPL-2.0
// sources: serial_backend.c loop.c ring.c bus.c devices/serial.c
/*
 * Serial backends with the real event loop thread and a fake guest that
 * reads the UART under the device lock: 4 KiB of input through a FIFO and
 * through the socket arrive intact (the backend pauses its input while the
 * 16-byte receive FIFO is full), and the socket's client shows on the
 * modem status lines.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "serial_backend.h"
#include "tap.h"

#define PASTE	4096

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct loop loop;

static uint8_t uart(struct serial *s, unsigned int reg, int write, uint8_t v)
{
	pthread_mutex_lock(&lock);
	serial_io(s, 0x3f8 + reg, &v, 1, write);
	pthread_mutex_unlock(&lock);
	return v;
}

static uint64_t ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * A slow guest: every millisecond it drains the FIFO while LSR.DR is set, as
 * Linux's 8250 interrupt handler does.  Returns how many bytes it got, and
 * whether the FIFO was ever full and whether any overrun was seen.
 */
static size_t guest_read(struct serial *s, uint8_t *buf, size_t want, int *saw_full,
			 int *overrun)
{
	uint64_t deadline = ms_now() + 20000;
	size_t got = 0;
	uint8_t lsr;

	while (got < want && ms_now() < deadline) {
		pthread_mutex_lock(&lock);
		if (!serial_rx_room(s))
			*saw_full = 1;
		pthread_mutex_unlock(&lock);
		while ((lsr = uart(s, 5, 0, 0)) & 0x01) {
			if (lsr & 0x02)
				*overrun = 1;
			if (got < want)
				buf[got] = uart(s, 0, 0, 0);
			got++;
		}
		if (lsr & 0x02)
			*overrun = 1;
		usleep(1000);
	}
	return got;
}

static void guest_init(struct serial *s)
{
	uart(s, 3, 1, 0x03);	/* 8N1 */
	uart(s, 2, 1, 0xc7);	/* FIFO on, cleared, trigger 14 */
	uart(s, 4, 1, 0x0b);	/* DTR, RTS, OUT2 */
}

static void fill(uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(' ' + (i * 7 + i / 95) % 95);
}

/* Each backend has its own loop, stopped before the backend closes, as in hvkm-vmm. */
static int start_loop(void)
{
	if (loop_init(&loop) || loop_start(&loop)) {
		printf("Bail out! event loop: %s\n", strerror(errno));
		exit(1);
	}
	return 0;
}

static void finish(struct serial_backend *b)
{
	loop_stop(&loop);
	serial_backend_close(b);
	loop_free(&loop);
}

static void pipe_backend(const char *dir)
{
	struct config_serial cs = { .index = 0 };
	struct serial_backend b;
	struct serial s;
	uint8_t want[PASTE], got[PASTE];
	char path[256], in[300];
	int saw_full = 0, overrun = 0, fd, ret;
	size_t n;

	snprintf(path, sizeof(path), "pipe:%s/com1", dir);
	cs.output = path;
	start_loop();
	ret = serial_backend_open(&b, &loop, &lock, &cs);
	CHECK(!ret, "pipe_open");
	if (ret) {
		loop_free(&loop);
		return;
	}
	serial_init(&s, 0x3f8, (struct irq_line){ 0 }, b.uart_fd);
	pthread_mutex_lock(&lock);
	serial_backend_attach(&b, &s);
	pthread_mutex_unlock(&lock);
	guest_init(&s);
	CHECK((uart(&s, 6, 0, 0) & 0xf0) == 0xb0, "pipe_peer_lines_up");

	snprintf(in, sizeof(in), "%s/com1.in", dir);
	fd = open(in, O_WRONLY | O_NONBLOCK);
	fill(want, sizeof(want));
	CHECK(fd >= 0 && write(fd, want, sizeof(want)) == (ssize_t)sizeof(want), "pipe_paste_4k");
	n = guest_read(&s, got, sizeof(got), &saw_full, &overrun);
	CHECK(n == PASTE && !memcmp(want, got, PASTE), "pipe_4k_arrives_intact");
	CHECK(saw_full && !overrun, "pipe_fifo_filled_without_overrun");
	if (fd >= 0)
		close(fd);
	finish(&b);
}

/* Waits until MSR's inputs read @want; MSR's value (with its delta bits) then. */
static uint8_t wait_msr(struct serial *s, uint8_t want)
{
	uint64_t deadline = ms_now() + 5000;
	uint8_t msr = 0, deltas = 0;

	while (ms_now() < deadline) {
		msr = uart(s, 6, 0, 0);
		deltas |= msr & 0x0f;
		if ((msr & 0xf0) == want)
			break;
		usleep(1000);
	}
	return (msr & 0xf0) | deltas;
}

static void socket_backend(const char *dir)
{
	struct config_serial cs = { .index = 1 };
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct serial_backend b;
	struct serial s;
	uint8_t want[PASTE], got[PASTE];
	int saw_full = 0, overrun = 0, fd, ret, irq_seen;
	char path[256];
	uint8_t msr;
	size_t n;

	snprintf(path, sizeof(path), "socket:%s/com2.sock", dir);
	cs.output = path;
	start_loop();
	ret = serial_backend_open(&b, &loop, &lock, &cs);
	CHECK(!ret, "socket_open");
	if (ret) {
		loop_free(&loop);
		return;
	}
	serial_init(&s, 0x2f8, (struct irq_line){ 0 }, b.uart_fd);
	pthread_mutex_lock(&lock);
	serial_backend_attach(&b, &s);
	pthread_mutex_unlock(&lock);
	s.base = 0x3f8;		/* uart() addresses COM1's ports */
	guest_init(&s);
	CHECK(uart(&s, 6, 0, 0) == 0x00, "socket_no_client_lines_down");
	uart(&s, 1, 1, 0x08);	/* modem status interrupt */

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/com2.sock", dir);
	CHECK(fd >= 0 && !connect(fd, (struct sockaddr *)&addr, sizeof(addr)), "socket_connect");
	/* Reads give up after 5 s rather than hang the test. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &(struct timeval){ .tv_sec = 5 }, sizeof(struct timeval));
	/* The IIR shows the modem status interrupt before MSR is read. */
	irq_seen = 0;
	for (n = 0; n < 5000 && !irq_seen; n++) {
		irq_seen = (uart(&s, 2, 0, 0) & 0x0f) == 0x00;
		if (!irq_seen)
			usleep(1000);
	}
	CHECK(irq_seen, "socket_connect_modem_status_interrupt");
	msr = wait_msr(&s, 0xb0);
	CHECK(msr == 0xbb, "socket_connect_dcd_dsr_cts_with_deltas");

	fill(want, sizeof(want));
	CHECK(write(fd, want, sizeof(want)) == (ssize_t)sizeof(want), "socket_paste_4k");
	n = guest_read(&s, got, sizeof(got), &saw_full, &overrun);
	CHECK(n == PASTE && !memcmp(want, got, PASTE), "socket_4k_arrives_intact");
	CHECK(saw_full && !overrun, "socket_fifo_filled_without_overrun");

	/* The guest's output reaches the client. */
	uart(&s, 0, 1, 'Z');
	CHECK(read(fd, got, 1) == 1 && got[0] == 'Z', "socket_output_to_client");

	close(fd);
	msr = wait_msr(&s, 0x00);
	CHECK(msr == 0x0b, "socket_disconnect_lines_down_with_deltas");
	finish(&b);
}

int main(void)
{
	char dir[] = "/tmp/hvkm-serial-XXXXXX";

	if (!mkdtemp(dir)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	pipe_backend(dir);
	socket_backend(dir);
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd))
			printf("# could not remove %s\n", dir);
	}
	return tap_done();
}
