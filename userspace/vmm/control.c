// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket: hvctl asks the VMM for its status, presses the power
 * button or stops it.  Everything runs in the event loop thread; a client
 * that sends more than a line's worth without a newline is dropped.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "control.h"
#include "control_proto.h"
#include "power.h"
#include "vm.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void client_close(struct control *c, struct control_client *cl)
{
	loop_remove(&c->vm->loop, cl->fd);
	close(cl->fd);
	cl->fd = -1;
	cl->len = 0;
}

static void client_send(struct control_client *cl, char *reply)
{
	size_t done = 0, len;

	if (!reply)
		return;
	len = strlen(reply);
	/* Replies are short; a client that does not read them loses them. */
	while (done < len) {
		ssize_t n = send(cl->fd, reply + done, len - done, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	free(reply);
}

/* Handles one request; returns true when the VM is to stop now. */
static bool control_request(struct control *c, struct control_client *cl, const char *line)
{
	struct vm *vm = c->vm;
	enum control_cmd cmd;
	char err[128];

	if (control_parse_request(line, &cmd, err, sizeof(err))) {
		client_send(cl, control_reply_error("bad-request", err));
		return false;
	}
	switch (cmd) {
	case CONTROL_STATUS: {
		struct control_status st = {
			.name = vm->cfg->name,
			.state = c->stopping ? "stopping" : "running",
			.vps = vm->nr_vps,
			.memory_mib = vm->cfg->memory_mib,
			.uptime_s = (now_ns() - c->start_ns) / 1000000000ull,
			.pid = (long)getpid(),
		};

		client_send(cl, control_reply_status(&st));
		return false;
	}
	case CONTROL_POWER_BUTTON:
		if (vm_power_button(vm)) {
			client_send(cl, control_reply_error("no-power-button",
							    "the guest has no ACPI power button"));
			return false;
		}
		c->stopping = true;
		client_send(cl, control_reply_ok());
		return false;
	case CONTROL_QUIT:
		client_send(cl, control_reply_ok());
		return true;
	}
	return false;
}

static void control_client_ready(void *opaque, uint32_t events)
{
	struct control_client *cl = opaque;
	struct control *c = cl->ctl;
	bool quit = false;
	ssize_t n;
	char *nl;

	if (cl->fd < 0)
		return;
	n = recv(cl->fd, cl->buf + cl->len, sizeof(cl->buf) - 1 - cl->len, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	(void)events;
	if (n <= 0) {
		client_close(c, cl);	/* the client went away, or broke */
		return;
	}
	cl->len += (size_t)n;
	cl->buf[cl->len] = '\0';
	while (!quit && (nl = strchr(cl->buf, '\n'))) {
		*nl = '\0';
		quit = control_request(c, cl, cl->buf);
		cl->len -= (size_t)(nl + 1 - cl->buf);
		memmove(cl->buf, nl + 1, cl->len + 1);
	}
	if (quit) {
		vm_request_stop(c->vm, VM_STOP_QUIT);
		return;
	}
	if (cl->len == sizeof(cl->buf) - 1) {
		client_send(cl, control_reply_error("bad-request", "line too long"));
		client_close(c, cl);
	}
}

static void control_accept(void *opaque, uint32_t events)
{
	struct control *c = opaque;
	unsigned int i;
	int fd;

	(void)events;
	fd = accept4(c->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return;
	for (i = 0; i < CONTROL_MAX_CLIENTS; i++) {
		struct control_client *cl = &c->clients[i];

		if (cl->fd >= 0)
			continue;
		cl->fd = fd;
		cl->len = 0;
		if (loop_add(&c->vm->loop, fd, EPOLLIN, control_client_ready, cl)) {
			cl->fd = -1;
			break;
		}
		return;
	}
	{
		struct control_client busy = { .fd = fd };

		client_send(&busy, control_reply_error("busy", "too many control clients"));
	}
	close(fd);
}

int control_init(struct control *c, struct vm *vm, const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	unsigned int i;
	int ret;

	memset(c, 0, sizeof(*c));
	c->vm = vm;
	c->listen_fd = -1;
	c->start_ns = now_ns();
	for (i = 0; i < CONTROL_MAX_CLIENTS; i++) {
		c->clients[i].fd = -1;
		c->clients[i].ctl = c;
	}
	if (strlen(path) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "hvkm-vmm: control socket %s: path too long (at most %zu bytes)\n",
			path, sizeof(addr.sun_path) - 1);
		return -ENAMETOOLONG;
	}
	strcpy(addr.sun_path, path);
	c->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (c->listen_fd < 0)
		goto fail;
	unlink(path);	/* a stale socket of an earlier run */
	if (bind(c->listen_fd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    listen(c->listen_fd, 8))
		goto fail;
	c->path = strdup(path);
	if (!c->path) {
		errno = ENOMEM;
		goto fail;
	}
	ret = loop_add(&vm->loop, c->listen_fd, EPOLLIN, control_accept, c);
	if (ret) {
		errno = -ret;
		goto fail;
	}
	return 0;
fail:
	ret = -errno;
	fprintf(stderr, "hvkm-vmm: control socket %s: %s\n", path, strerror(errno));
	return ret;
}

void control_free(struct control *c)
{
	unsigned int i;

	if (!c->vm)
		return;	/* never initialized */
	for (i = 0; i < CONTROL_MAX_CLIENTS; i++)
		if (c->clients[i].fd >= 0)
			close(c->clients[i].fd);
	if (c->listen_fd >= 0)
		close(c->listen_fd);
	if (c->path)
		unlink(c->path);
	free(c->path);
	c->path = NULL;
	c->listen_fd = -1;
}
