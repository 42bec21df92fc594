// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vmconfig.h"

static void add_string(json_object *o, const char *key, const char *value)
{
	json_object_object_add(o, key, json_object_new_string(value));
}

json_object *vmconfig_build(const struct hvctl_args *a, const char *dir)
{
	json_object *root = json_object_new_object();
	json_object *boot = json_object_new_object();
	json_object *serial = json_object_new_array();
	unsigned int i;
	char *path;

	if (!root || !boot || !serial) {
		json_object_put(root);
		json_object_put(boot);
		json_object_put(serial);
		return NULL;
	}
	add_string(root, "name", a->name);
	json_object_object_add(root, "generation", json_object_new_int(a->generation));
	json_object_object_add(root, "memory", json_object_new_int64((int64_t)a->memory_mib));
	json_object_object_add(root, "cpus", json_object_new_int(a->cpus));
	add_string(boot, "kernel", a->kernel);
	if (a->initrd)
		add_string(boot, "initrd", a->initrd);
	if (a->cmdline)
		add_string(boot, "cmdline", a->cmdline);
	if (a->nr_modules) {
		json_object *modules = json_object_new_array();

		for (i = 0; modules && i < a->nr_modules; i++)
			json_object_array_add(modules, json_object_new_string(a->modules[i]));
		if (modules)
			json_object_object_add(boot, "modules", modules);
	}
	json_object_object_add(root, "boot", boot);
	for (i = 0; i < HVCTL_MAX_SERIAL; i++) {
		json_object *port;
		char name[8];

		if (!a->serial[i] && i)
			continue;
		port = json_object_new_object();
		if (!port)
			break;
		snprintf(name, sizeof(name), "com%u", i + 1);
		add_string(port, "port", name);
		if (a->serial[i]) {
			add_string(port, "output", a->serial[i]);
		} else if (asprintf(&path, "socket:%s/console.sock", dir) >= 0) {
			add_string(port, "output", path);
			free(path);
		}
		/* COM1's output is also kept in a file, for logs and tests. */
		if (!i && asprintf(&path, "%s/console.log", dir) >= 0) {
			add_string(port, "log", path);
			free(path);
		}
		json_object_array_add(serial, port);
	}
	json_object_object_add(root, "serial", serial);
	return root;
}

const char *vmconfig_console_socket(json_object *cfg)
{
	json_object *serial, *port, *v;
	size_t i;

	if (!json_object_object_get_ex(cfg, "serial", &serial) ||
	    !json_object_is_type(serial, json_type_array))
		return NULL;
	for (i = 0; i < json_object_array_length(serial); i++) {
		const char *out;

		port = json_object_array_get_idx(serial, i);
		if (!json_object_object_get_ex(port, "port", &v) ||
		    strcasecmp(json_object_get_string(v), "com1") ||
		    !json_object_object_get_ex(port, "output", &v))
			continue;
		out = json_object_get_string(v);
		return out && !strncmp(out, "socket:", 7) ? out + 7 : NULL;
	}
	return NULL;
}
