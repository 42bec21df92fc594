// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
/* The control protocol's JSON messages, with json-c. */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control_proto.h"

static const char *const cmd_names[] = {
	[CONTROL_STATUS] = "status",
	[CONTROL_POWER_BUTTON] = "power_button",
	[CONTROL_QUIT] = "quit",
};

int control_parse_request(const char *line, enum control_cmd *cmd, char *err, size_t errlen)
{
	json_object *root = json_tokener_parse(line), *v;
	const char *name;
	unsigned int i;
	int ret = -1;

	if (!root || !json_object_is_type(root, json_type_object)) {
		snprintf(err, errlen, "a request is one JSON object on a line");
		goto out;
	}
	if (!json_object_object_get_ex(root, "cmd", &v) ||
	    !json_object_is_type(v, json_type_string)) {
		snprintf(err, errlen, "a request needs \"cmd\": a string");
		goto out;
	}
	if (json_object_object_length(root) != 1) {
		snprintf(err, errlen, "a request has only \"cmd\"");
		goto out;
	}
	name = json_object_get_string(v);
	for (i = 0; i < sizeof(cmd_names) / sizeof(cmd_names[0]); i++) {
		if (!strcmp(name, cmd_names[i])) {
			*cmd = (enum control_cmd)i;
			ret = 0;
			goto out;
		}
	}
	snprintf(err, errlen, "unknown command '%.64s'", name);
out:
	json_object_put(root);
	return ret;
}

static char *finish(json_object *o)
{
	const char *text;
	char *line = NULL;

	if (!o)
		return NULL;
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	if (text && asprintf(&line, "%s\n", text) < 0)
		line = NULL;
	json_object_put(o);
	return line;
}

char *control_reply_status(const struct control_status *st)
{
	json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	json_object_object_add(o, "ok", json_object_new_boolean(1));
	json_object_object_add(o, "name", json_object_new_string(st->name));
	json_object_object_add(o, "state", json_object_new_string(st->state));
	json_object_object_add(o, "vps", json_object_new_int64(st->vps));
	json_object_object_add(o, "memory", json_object_new_int64((int64_t)st->memory_mib));
	json_object_object_add(o, "uptime", json_object_new_int64((int64_t)st->uptime_s));
	json_object_object_add(o, "pid", json_object_new_int64(st->pid));
	return finish(o);
}

char *control_reply_ok(void)
{
	json_object *o = json_object_new_object();

	if (o)
		json_object_object_add(o, "ok", json_object_new_boolean(1));
	return finish(o);
}

char *control_reply_error(const char *code, const char *message)
{
	json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	json_object_object_add(o, "ok", json_object_new_boolean(0));
	json_object_object_add(o, "error", json_object_new_string(code));
	json_object_object_add(o, "message", json_object_new_string(message));
	return finish(o);
}
