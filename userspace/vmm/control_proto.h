/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The control protocol's messages (docs/vmm.md "Control socket"): one JSON
 * object per line each way.  Requests are {"cmd": "status" | "power_button"
 * | "quit"}; replies {"ok": true, ...} or {"ok": false, "error": CODE,
 * "message": TEXT}.  Encoding and decoding only, so they can be tested
 * without a VM.
 */
#ifndef HVKM_VMM_CONTROL_PROTO_H
#define HVKM_VMM_CONTROL_PROTO_H

#include <stddef.h>
#include <stdint.h>

enum control_cmd {
	CONTROL_STATUS,
	CONTROL_POWER_BUTTON,
	CONTROL_QUIT,
};

struct control_status {
	const char *name;
	const char *state;		/* "running" or "stopping" */
	unsigned int vps;
	uint64_t memory_mib;
	uint64_t uptime_s;
	long pid;
};

/* A request line (without its newline): 0, or -1 with a reply in @err. */
int control_parse_request(const char *line, enum control_cmd *cmd, char *err, size_t errlen);

/* Replies, newline-terminated, malloc'ed (NULL without memory). */
char *control_reply_status(const struct control_status *st);
char *control_reply_ok(void);
char *control_reply_error(const char *code, const char *message);

#endif
