// SPDX-License-Identifier: GPL-2.0
/*
 * Serial backends.  The UART (devices/serial.c) writes each byte to one fd
 * under the device lock; for anything that can block or fan out, that fd is
 * a non-blocking pipe which the event loop drains into the log file, the
 * FIFO, the socket's client and its ring.  A full pipe drops bytes, as a
 * UART without flow control would.
 *
 * Input is read under the device lock, at most as many bytes as the UART's
 * receive FIFO takes; when it is full the input fd is paused in the event
 * loop (loop_pause) and resumed by the UART's rx_ready callback once
 * the guest read from the FIFO, so the host's input waits in its own buffer
 * (the pipe, the socket) instead of being lost.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "serial_backend.h"

static int write_all(int fd, const uint8_t *buf, size_t n)
{
	while (n) {
		ssize_t done = write(fd, buf, n);

		if (done < 0 && errno == EINTR)
			continue;
		if (done <= 0)
			return -1;
		buf += done;
		n -= (size_t)done;
	}
	return 0;
}

/* The fd input comes from now, or -1. */
static int input_fd(const struct serial_backend *b)
{
	return b->kind == SERIAL_BACKEND_SOCKET ? b->client_fd : b->in_fd;
}

/* The console went away: no peer on the modem lines (under the lock). */
static void drop_client_locked(struct serial_backend *b)
{
	if (b->client_fd < 0)
		return;
	loop_remove(b->loop, b->client_fd);
	close(b->client_fd);
	b->client_fd = -1;
	b->paused = false;
	if (b->serial)
		serial_set_modem_inputs(b->serial, 0);
}

static void drop_client(struct serial_backend *b)
{
	pthread_mutex_lock(b->lock);
	drop_client_locked(b);
	pthread_mutex_unlock(b->lock);
}

/* The receive FIFO is full: stop reading until the guest makes room. */
static void pause_input(struct serial_backend *b, int fd)
{
	b->paused = true;
	b->serial->rx_waiting = true;
	loop_pause(b->loop, fd);
}

/* The UART's rx_ready: the guest read from a full FIFO (under the lock, any thread). */
static void resume_input(void *opaque)
{
	struct serial_backend *b = opaque;
	int fd = input_fd(b);

	if (!b->paused || fd < 0)
		return;
	b->paused = false;
	loop_resume(b->loop, fd, EPOLLIN);
}

/* Output the guest wrote: to the log, the FIFO, the client, the ring. */
static void relay_ready(void *opaque, uint32_t events)
{
	struct serial_backend *b = opaque;
	uint8_t buf[4096];
	ssize_t n;

	(void)events;
	n = read(b->relay_rd, buf, sizeof(buf));
	if (n <= 0)
		return;
	if (b->log_fd >= 0)
		write_all(b->log_fd, buf, (size_t)n);
	if (b->out_fd >= 0 && write(b->out_fd, buf, (size_t)n) < 0) {
		/* Nobody reads the FIFO and it is full: the output is lost. */
	}
	if (b->ring)
		ring_push(b->ring, buf, (size_t)n);
	if (b->client_fd >= 0 &&
	    send(b->client_fd, buf, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 &&
	    errno != EAGAIN)
		drop_client(b);
}

/* Input for the guest from stdin, the FIFO or the client: what fits in the FIFO. */
static void input_ready(void *opaque, uint32_t events)
{
	struct serial_backend *b = opaque;
	uint8_t buf[SERIAL_FIFO_SIZE];
	size_t room;
	ssize_t n;
	int fd;

	(void)events;
	pthread_mutex_lock(b->lock);
	fd = input_fd(b);
	if (fd < 0 || !b->serial)
		goto out;
	room = serial_rx_room(b->serial);
	if (!room) {
		pause_input(b, fd);
		goto out;
	}
	/* Epoll said readable: this takes what is there and does not wait. */
	n = read(fd, buf, room < sizeof(buf) ? room : sizeof(buf));
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		goto out;
	if (n <= 0) {
		/* The client left, or stdin ended (a FIFO opened read-write never does). */
		if (b->kind == SERIAL_BACKEND_SOCKET) {
			drop_client_locked(b);
		} else {
			loop_remove(b->loop, fd);
			if (fd > STDERR_FILENO)
				close(fd);
			b->in_fd = -1;
		}
		goto out;
	}
	serial_receive(b->serial, buf, (size_t)n);
	if (!serial_rx_room(b->serial))
		pause_input(b, fd);
out:
	pthread_mutex_unlock(b->lock);
}

/* A console attaches: it replaces the previous one and gets the ring first. */
static void socket_accept(void *opaque, uint32_t events)
{
	struct serial_backend *b = opaque;
	uint8_t *replay;
	size_t n;
	int fd;

	(void)events;
	fd = accept4(b->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return;
	replay = malloc(RING_SIZE);
	if (replay) {
		n = ring_copy(b->ring, replay);
		if (n)
			send(fd, replay, n, MSG_DONTWAIT | MSG_NOSIGNAL);
		free(replay);
	}
	pthread_mutex_lock(b->lock);
	drop_client_locked(b);
	b->client_fd = fd;
	if (loop_add(b->loop, fd, EPOLLIN, input_ready, b)) {
		close(fd);
		b->client_fd = -1;
	} else if (b->serial) {
		/* A console is there: DCD, DSR and CTS come up. */
		serial_set_modem_inputs(b->serial, SERIAL_MSR_PEER);
	}
	pthread_mutex_unlock(b->lock);
}

static int open_fifo(const char *path, int *fd)
{
	struct stat st;

	if (mkfifo(path, 0600) && errno != EEXIST)
		return -errno;
	if (stat(path, &st))
		return -errno;
	if (!S_ISFIFO(st.st_mode))
		return -EEXIST;
	/* Read-write, so that opening never waits and a writer closing is no EOF. */
	*fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	return *fd < 0 ? -errno : 0;
}

static int open_socket(struct serial_backend *b, const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };

	if (strlen(path) >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	strcpy(addr.sun_path, path);
	b->ring = calloc(1, sizeof(*b->ring));
	b->sock_path = strdup(path);
	if (!b->ring || !b->sock_path)
		return -ENOMEM;
	b->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (b->listen_fd < 0)
		return -errno;
	unlink(path);	/* a stale socket of an earlier run */
	if (bind(b->listen_fd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    listen(b->listen_fd, 2))
		return -errno;
	return loop_add(b->loop, b->listen_fd, EPOLLIN, socket_accept, b);
}

static int open_direct(const char *what, int *fd)
{
	if (!strncmp(what, "file:", 5))
		what += 5;
	else if (!strcmp(what, "stdout") || !strcmp(what, "stdio"))
		return *fd = STDOUT_FILENO, 0;
	else if (!strcmp(what, "stderr"))
		return *fd = STDERR_FILENO, 0;
	else if (!strcmp(what, "null"))
		return 0;
	*fd = open(what, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	return *fd < 0 ? -errno : 0;
}

static int backend_open(struct serial_backend *b, const struct config_serial *s)
{
	const char *out = s->output;
	char *path = NULL;
	int pipefd[2], ret;

	if (!strncmp(out, "pipe:", 5))
		b->kind = SERIAL_BACKEND_PIPE;
	else if (!strncmp(out, "socket:", 7))
		b->kind = SERIAL_BACKEND_SOCKET;
	if (s->log) {
		b->log_fd = open(s->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (b->log_fd < 0)
			return -errno;
	}
	if (b->kind == SERIAL_BACKEND_DIRECT) {
		int fd = -1;

		ret = open_direct(out, &fd);
		if (ret)
			return ret;
		if (s->input || !strcmp(out, "stdio")) {
			b->in_fd = STDIN_FILENO;
			ret = loop_add(b->loop, b->in_fd, EPOLLIN, input_ready, b);
			if (ret) {
				b->in_fd = -1;
				return ret;
			}
		}
		if (!s->log) {
			b->uart_fd = fd;
			return 0;
		}
		b->out_fd = fd;	/* relayed, so that the log gets a copy */
	} else if (b->kind == SERIAL_BACKEND_PIPE) {
		if (asprintf(&path, "%s.out", out + 5) < 0)
			return -ENOMEM;
		ret = open_fifo(path, &b->out_fd);
		free(path);
		if (ret)
			return ret;
		if (asprintf(&path, "%s.in", out + 5) < 0)
			return -ENOMEM;
		ret = open_fifo(path, &b->in_fd);
		free(path);
		if (!ret)
			ret = loop_add(b->loop, b->in_fd, EPOLLIN, input_ready, b);
		if (ret)
			return ret;
	} else {
		ret = open_socket(b, out + 7);
		if (ret)
			return ret;
	}
	if (pipe2(pipefd, O_CLOEXEC | O_NONBLOCK))
		return -errno;
	b->relay_rd = pipefd[0];
	b->uart_fd = pipefd[1];
	return loop_add(b->loop, b->relay_rd, EPOLLIN, relay_ready, b);
}

int serial_backend_open(struct serial_backend *b, struct loop *loop, pthread_mutex_t *lock,
			const struct config_serial *s)
{
	int ret;

	memset(b, 0, sizeof(*b));
	b->loop = loop;
	b->lock = lock;
	b->index = s->index;
	b->uart_fd = b->relay_rd = b->log_fd = b->out_fd = b->in_fd = -1;
	b->listen_fd = b->client_fd = -1;
	ret = backend_open(b, s);
	if (ret)
		fprintf(stderr, "hvkm-vmm: COM%u %s%s%s: %s\n", s->index + 1, s->output,
			s->log ? ", log " : "", s->log ? s->log : "", strerror(-ret));
	return ret;
}

void serial_backend_attach(struct serial_backend *b, struct serial *uart)
{
	b->serial = uart;
	uart->rx_ready = resume_input;
	uart->rx_opaque = b;
	/* A socket without a client has no peer; files, FIFOs and stdio always do. */
	serial_reset_modem_inputs(uart, b->kind == SERIAL_BACKEND_SOCKET && b->client_fd < 0 ?
				  0 : SERIAL_MSR_PEER);
	/* A reset (vm_restart) emptied the FIFO that input was waiting for. */
	resume_input(b);
}

void serial_backend_close(struct serial_backend *b)
{
	int *fds[] = { &b->uart_fd, &b->relay_rd, &b->log_fd, &b->out_fd, &b->in_fd,
		       &b->listen_fd, &b->client_fd };
	unsigned int i;

	if (!b->loop)
		return;
	for (i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		if (*fds[i] > STDERR_FILENO)
			close(*fds[i]);
		*fds[i] = -1;
	}
	if (b->sock_path)
		unlink(b->sock_path);
	free(b->sock_path);
	free(b->ring);
	b->sock_path = NULL;
	b->ring = NULL;
}
