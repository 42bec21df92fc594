/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvkm-vmm --control PATH: a unix stream socket served by the event loop,
 * newline-delimited JSON requests and replies (control_proto.h), for hvctl.
 */
#ifndef HVKM_VMM_CONTROL_H
#define HVKM_VMM_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vm;

#define CONTROL_MAX_CLIENTS	4
#define CONTROL_LINE_MAX	512

struct control;

struct control_client {
	struct control *ctl;
	int fd;				/* -1: free */
	char buf[CONTROL_LINE_MAX];
	size_t len;
};

struct control {
	struct vm *vm;
	int listen_fd;
	char *path;
	uint64_t start_ns;
	bool stopping;			/* the power button was pressed */
	struct control_client clients[CONTROL_MAX_CLIENTS];
};

/* Listen on @path (a stale socket there is replaced) from @vm's loop. */
int control_init(struct control *c, struct vm *vm, const char *path);
/* Close everything and unlink the socket (after the loop stopped). */
void control_free(struct control *c);

#endif
