/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where a UART's bytes go and come from (docs/vmm.md "Serial backends"):
 * stdout/stderr/null/a file written directly, or, through a relay pipe the
 * event loop drains, a FIFO pair (pipe:PATH), a listening unix socket with
 * a replay ring (socket:PATH), and optionally a log file of the output.
 */
#ifndef HVKM_VMM_SERIAL_BACKEND_H
#define HVKM_VMM_SERIAL_BACKEND_H

#include "config.h"
#include "ring.h"

struct vm;

enum serial_backend_kind {
	SERIAL_BACKEND_DIRECT,		/* stdout, stderr, null, file:PATH or a path */
	SERIAL_BACKEND_PIPE,		/* PATH.out written, PATH.in read (FIFOs) */
	SERIAL_BACKEND_SOCKET,		/* a unix socket, one client at a time */
};

struct serial_backend {
	struct vm *vm;
	unsigned int index;		/* the COM port */
	enum serial_backend_kind kind;
	int uart_fd;			/* what the UART writes to, -1 drops */
	int relay_rd;			/* the relay pipe's read end, -1 without relay */
	int log_fd, out_fd, in_fd, listen_fd, client_fd;
	char *sock_path;
	struct ring *ring;		/* socket: recent output for the next client */
};

/* Opens @s's backend; the UART is to write to backend->uart_fd. */
int serial_backend_open(struct serial_backend *b, struct vm *vm, const struct config_serial *s);
void serial_backend_close(struct serial_backend *b);

#endif
