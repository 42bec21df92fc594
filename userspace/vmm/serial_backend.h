/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where a UART's bytes go and come from (docs/vmm.md "Serial backends"):
 * stdout/stderr/null/a file written directly, or, through a relay pipe the
 * event loop drains, a FIFO pair (pipe:PATH), a listening unix socket with
 * a replay ring (socket:PATH), and optionally a log file of the output.
 * Input (stdin, the FIFO, the socket's client) is read only while the
 * UART's receive FIFO has room, so nothing is dropped; the modem status
 * inputs say whether a peer is there.
 */
#ifndef HVKM_VMM_SERIAL_BACKEND_H
#define HVKM_VMM_SERIAL_BACKEND_H

#include <pthread.h>
#include <stdbool.h>

#include "config.h"
#include "devices/serial.h"
#include "loop.h"
#include "ring.h"

enum serial_backend_kind {
	SERIAL_BACKEND_DIRECT,		/* stdout, stderr, stdio, null, file:PATH or a path */
	SERIAL_BACKEND_PIPE,		/* PATH.out written, PATH.in read (FIFOs) */
	SERIAL_BACKEND_SOCKET,		/* a unix socket, one client at a time */
};

struct serial_backend {
	struct loop *loop;
	pthread_mutex_t *lock;		/* the devices' lock, which covers the UART */
	struct serial *serial;		/* from serial_backend_attach() */
	unsigned int index;		/* the COM port */
	enum serial_backend_kind kind;
	int uart_fd;			/* what the UART writes to, -1 drops */
	int relay_rd;			/* the relay pipe's read end, -1 without relay */
	int log_fd, out_fd, in_fd, listen_fd, client_fd;
	bool paused;			/* input not polled: the receive FIFO is full */
	char *sock_path;
	struct ring *ring;		/* socket: recent output for the next client */
};

/* Opens @s's backend; the UART is to write to backend->uart_fd. */
int serial_backend_open(struct serial_backend *b, struct loop *loop, pthread_mutex_t *lock,
			const struct config_serial *s);
/*
 * Connect the UART, initialized or reset (under the lock, or before the loop
 * runs): modem inputs and flow control.
 */
void serial_backend_attach(struct serial_backend *b, struct serial *uart);
void serial_backend_close(struct serial_backend *b);

#endif
