// SPDX-License-Identifier: GPL-2.0
// sources: control_proto.c ring.c
/* The control socket's messages (control_proto.c) and the console's replay ring. */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "control_proto.h"
#include "ring.h"
#include "tap.h"

static int request(const char *line, enum control_cmd *cmd, char *err, size_t len)
{
	err[0] = '\0';
	return control_parse_request(line, cmd, err, len);
}

int main(void)
{
	struct control_status st = {
		.name = "vm1", .state = "running", .vps = 2, .memory_mib = 512, .uptime_s = 61,
		.pid = 1234,
	};
	enum control_cmd cmd = CONTROL_QUIT;
	static struct ring ring;
	static uint8_t buf[RING_SIZE], big[RING_SIZE + 100];
	json_object *o, *v;
	char err[128], *line;
	size_t i, n;

	CHECK(request("{\"cmd\":\"status\"}", &cmd, err, sizeof(err)) == 0 && cmd == CONTROL_STATUS,
	      "status_request");
	CHECK(request(" { \"cmd\" : \"power_button\" } ", &cmd, err, sizeof(err)) == 0 &&
	      cmd == CONTROL_POWER_BUTTON, "power_button_request");
	CHECK(request("{\"cmd\":\"quit\"}", &cmd, err, sizeof(err)) == 0 && cmd == CONTROL_QUIT,
	      "quit_request");
	CHECK(request("{\"cmd\":\"reboot\"}", &cmd, err, sizeof(err)) && strstr(err, "unknown command"),
	      "unknown_command");
	CHECK(request("status", &cmd, err, sizeof(err)) && strstr(err, "JSON object"), "not_json");
	CHECK(request("{\"cmd\":1}", &cmd, err, sizeof(err)) && strstr(err, "\"cmd\""), "cmd_not_string");
	CHECK(request("{}", &cmd, err, sizeof(err)) && strstr(err, "\"cmd\""), "no_cmd");
	CHECK(request("{\"cmd\":\"status\",\"x\":1}", &cmd, err, sizeof(err)) && strstr(err, "only"),
	      "extra_key");
	CHECK(request("[\"status\"]", &cmd, err, sizeof(err)) && strstr(err, "JSON object"), "array");

	line = control_reply_status(&st);
	CHECK(line && strchr(line, '\n') == line + strlen(line) - 1, "status_reply_one_line");
	o = line ? json_tokener_parse(line) : NULL;
	CHECK(o && json_object_object_get_ex(o, "ok", &v) && json_object_get_boolean(v) &&
	      json_object_object_get_ex(o, "name", &v) && !strcmp(json_object_get_string(v), "vm1") &&
	      json_object_object_get_ex(o, "state", &v) && !strcmp(json_object_get_string(v), "running") &&
	      json_object_object_get_ex(o, "vps", &v) && json_object_get_int(v) == 2 &&
	      json_object_object_get_ex(o, "memory", &v) && json_object_get_int(v) == 512 &&
	      json_object_object_get_ex(o, "uptime", &v) && json_object_get_int(v) == 61 &&
	      json_object_object_get_ex(o, "pid", &v) && json_object_get_int(v) == 1234,
	      "status_reply_fields");
	json_object_put(o);
	free(line);
	line = control_reply_error("no-power-button", "the guest has no \"ACPI\" power button");
	o = line ? json_tokener_parse(line) : NULL;
	CHECK(o && json_object_object_get_ex(o, "ok", &v) && !json_object_get_boolean(v) &&
	      json_object_object_get_ex(o, "error", &v) &&
	      !strcmp(json_object_get_string(v), "no-power-button") &&
	      json_object_object_get_ex(o, "message", &v) &&
	      !strcmp(json_object_get_string(v), "the guest has no \"ACPI\" power button"),
	      "error_reply_escaped");
	json_object_put(o);
	free(line);
	line = control_reply_ok();
	CHECK(line && !strcmp(line, "{\"ok\":true}\n"), "ok_reply");
	free(line);

	CHECK(ring_copy(&ring, buf) == 0, "ring_empty");
	ring_push(&ring, (const uint8_t *)"hello ", 6);
	ring_push(&ring, (const uint8_t *)"world", 5);
	n = ring_copy(&ring, buf);
	CHECK(n == 11 && !memcmp(buf, "hello world", 11), "ring_keeps_order");
	for (i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)i;
	ring_push(&ring, big, sizeof(big));
	n = ring_copy(&ring, buf);
	CHECK(n == RING_SIZE && !memcmp(buf, big + 100, RING_SIZE), "ring_keeps_last_bytes");
	ring_push(&ring, (const uint8_t *)"xyz", 3);
	n = ring_copy(&ring, buf);
	CHECK(n == RING_SIZE && !memcmp(buf + RING_SIZE - 3, "xyz", 3) &&
	      !memcmp(buf, big + 103, RING_SIZE - 3), "ring_wraps");
	return tap_done();
}
