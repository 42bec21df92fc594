/* SPDX-License-Identifier: GPL-2.0 */
/* The client side of hvkm-vmm's control socket (docs/vmm.md). */
#ifndef HVCTL_CLIENT_H
#define HVCTL_CLIENT_H

#include <json-c/json.h>

/*
 * Sends {"cmd": @cmd} to the VM @name's control socket and returns the
 * parsed reply, or NULL if the VMM does not answer within a few seconds.
 */
json_object *control_call(const char *name, const char *cmd);

/* A stream connection to the unix socket at @path: the fd, or -1 with errno. */
int unix_connect(const char *path);

/* The string @key of @reply, or "" */
const char *reply_str(json_object *reply, const char *key);
/* Whether @reply is {"ok": true, ...} */
int reply_ok(json_object *reply);

#endif
