// SPDX-License-Identifier: GPL-2.0
/*
 * hvctl console: relays the terminal to the VM's COM1 socket.  Ctrl-]
 * detaches (also when stdin is a pipe, so scripts can detach); the VMM
 * replays its recent COM1 output first (docs/vmm.md "Serial backends").
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "client.h"
#include "commands.h"
#include "hvctl.h"
#include "state.h"
#include "vmconfig.h"

#define DETACH_KEY 0x1d		/* Ctrl-] */

static int write_all(int fd, const char *buf, size_t n)
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

/* Until detach (0), the VM's end closing (1), or an error (-1). */
static int relay(int sock)
{
	struct pollfd p[2] = { { .fd = sock, .events = POLLIN }, { .fd = 0, .events = POLLIN } };
	char buf[4096];

	for (;;) {
		ssize_t n;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (p[0].revents) {
			n = read(sock, buf, sizeof(buf));
			if (n <= 0)
				return 1;
			if (write_all(1, buf, (size_t)n))
				return -1;
		}
		if (p[1].revents) {
			char *key;

			n = read(0, buf, sizeof(buf));
			if (n <= 0) {
				p[1].fd = -1;	/* stdin ended: keep showing output */
				continue;
			}
			key = memchr(buf, DETACH_KEY, (size_t)n);
			if (key)
				n = key - buf;
			if (n && write_all(sock, buf, (size_t)n))
				return 1;
			if (key)
				return 0;
		}
	}
}

int cmd_console(const struct hvctl_args *a)
{
	char path[HVCTL_PATH_MAX];
	struct termios saved, raw;
	json_object *cfg;
	const char *sock_path;
	bool tty = isatty(0);
	int fd, ret;

	if (state_path(path, sizeof(path), a->name, "vm.json") || access(path, F_OK))
		return hvctl_fail(HVCTL_ERR_NO_VM, "no VM named '%s': see 'hvctl list'", a->name);
	cfg = json_object_from_file(path);
	sock_path = cfg ? vmconfig_console_socket(cfg) : NULL;
	if (!sock_path) {
		json_object_put(cfg);
		return hvctl_fail(HVCTL_ERR_USAGE,
				  "%s's COM1 is not a socket: create the VM with --serial com1=socket:PATH (the default)",
				  a->name);
	}
	if (!state_running_pid(a->name)) {
		json_object_put(cfg);
		return hvctl_fail(HVCTL_ERR_NOT_RUNNING, "%s is not running: start it first: hvctl start %s",
				  a->name, a->name);
	}
	fd = unix_connect(sock_path);
	if (fd < 0) {
		ret = hvctl_fail(HVCTL_ERR_CONTROL, "%s: cannot connect to %s: %s: is its hvkm-vmm alive?",
				 a->name, sock_path, strerror(errno));
		json_object_put(cfg);
		return ret;
	}
	json_object_put(cfg);
	/* The VM's end may close while we write: an error, not a signal. */
	signal(SIGPIPE, SIG_IGN);
	if (tty) {
		fprintf(stderr, "hvctl: connected to %s's COM1; detach with Ctrl-]\r\n", a->name);
		tcgetattr(0, &saved);
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(0, TCSANOW, &raw);
	}
	ret = relay(fd);
	if (tty) {
		tcsetattr(0, TCSANOW, &saved);
		fprintf(stderr, "\r\nhvctl: %s\n", ret ? "the VM's console closed" : "detached");
	}
	close(fd);
	if (ret < 0)
		return hvctl_fail(HVCTL_ERR_SYSTEM, "console: %s", strerror(errno));
	return 0;
}
