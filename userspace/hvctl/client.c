// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "client.h"
#include "state.h"

#define CONTROL_TIMEOUT_MS 5000

int unix_connect(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(addr.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

json_object *control_call(const char *name, const char *cmd)
{
	char path[HVCTL_PATH_MAX], buf[1024], req[64];
	json_object *reply = NULL;
	size_t len = 0;
	int fd, n;

	if (state_path(path, sizeof(path), name, "control.sock"))
		return NULL;
	fd = unix_connect(path);
	if (fd < 0)
		return NULL;
	n = snprintf(req, sizeof(req), "{\"cmd\":\"%s\"}\n", cmd);
	if (send(fd, req, (size_t)n, MSG_NOSIGNAL) != n)
		goto out;
	while (len < sizeof(buf) - 1) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t got;

		if (poll(&p, 1, CONTROL_TIMEOUT_MS) <= 0)
			goto out;
		got = recv(fd, buf + len, sizeof(buf) - 1 - len, 0);
		if (got <= 0)
			goto out;
		len += (size_t)got;
		buf[len] = '\0';
		if (strchr(buf, '\n'))
			break;
	}
	reply = json_tokener_parse(buf);
out:
	close(fd);
	return reply;
}

const char *reply_str(json_object *reply, const char *key)
{
	json_object *v;

	if (!reply || !json_object_object_get_ex(reply, key, &v))
		return "";
	return json_object_get_string(v);
}

int reply_ok(json_object *reply)
{
	json_object *v;

	return reply && json_object_object_get_ex(reply, "ok", &v) && json_object_get_boolean(v);
}
