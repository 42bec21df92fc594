// SPDX-License-Identifier: GPL-2.0
/* The VM configuration file, parsed with json-c. */
#include <errno.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int get_string(json_object *v, const char *what, char **out, char *err, size_t errlen)
{
	if (!json_object_is_type(v, json_type_string))
		return fail(err, errlen, "%s: expected a string", what);
	free(*out);
	*out = strdup(json_object_get_string(v));
	return *out ? 0 : -ENOMEM;
}

static int get_uint(json_object *v, const char *what, uint64_t min, uint64_t max,
		    uint64_t *out, char *err, size_t errlen)
{
	int64_t n;

	if (!json_object_is_type(v, json_type_int))
		return fail(err, errlen, "%s: expected an integer", what);
	n = json_object_get_int64(v);
	if (n < 0 || (uint64_t)n < min || (uint64_t)n > max)
		return fail(err, errlen, "%s: %lld is outside %llu..%llu", what, (long long)n,
			    (unsigned long long)min, (unsigned long long)max);
	*out = (uint64_t)n;
	return 0;
}

/* Multiboot modules: "PATH [args...]", the whole string given to the kernel. */
static int parse_modules(struct config *cfg, json_object *list, char *err, size_t errlen)
{
	size_t i, n;

	if (!json_object_is_type(list, json_type_array))
		return fail(err, errlen, "boot.modules: expected an array of strings");
	n = json_object_array_length(list);
	if (n > CONFIG_MAX_MODULES)
		return fail(err, errlen, "boot.modules: at most %d modules", CONFIG_MAX_MODULES);
	for (i = 0; i < n; i++) {
		json_object *v = json_object_array_get_idx(list, i);
		const char *s;

		if (!json_object_is_type(v, json_type_string))
			return fail(err, errlen, "boot.modules[%zu]: expected a string", i);
		s = json_object_get_string(v);
		if (!*s || *s == ' ' || *s == '\t')
			return fail(err, errlen,
				    "boot.modules[%zu]: expected \"PATH [args...]\", starting with the path", i);
		cfg->modules[cfg->nr_modules] = strdup(s);
		if (!cfg->modules[cfg->nr_modules])
			return -ENOMEM;
		cfg->nr_modules++;
	}
	return 0;
}

static int parse_boot(struct config *cfg, json_object *boot, char *err, size_t errlen)
{
	int ret = 0;

	if (!json_object_is_type(boot, json_type_object))
		return fail(err, errlen, "boot: expected an object");
	json_object_object_foreach(boot, key, v) {
		if (!strcmp(key, "kernel"))
			ret = get_string(v, "boot.kernel", &cfg->kernel, err, errlen);
		else if (!strcmp(key, "initrd"))
			ret = get_string(v, "boot.initrd", &cfg->initrd, err, errlen);
		else if (!strcmp(key, "cmdline"))
			ret = get_string(v, "boot.cmdline", &cfg->cmdline, err, errlen);
		else if (!strcmp(key, "modules"))
			ret = parse_modules(cfg, v, err, errlen);
		else
			ret = fail(err, errlen, "boot: unknown key '%s'", key);
		if (ret)
			return ret;
	}
	if (!cfg->kernel)
		return fail(err, errlen, "boot: 'kernel' is required");
	return 0;
}

static int parse_port_name(const char *name, unsigned int *index)
{
	if (strlen(name) == 4 && !strncasecmp(name, "com", 3) && name[3] >= '1' && name[3] <= '4') {
		*index = name[3] - '1';
		return 0;
	}
	return -EINVAL;
}

/* The backend prefixes (serial_backend.c); a bare path is a file. */
static int check_output(const struct config_serial *s, size_t i, char *err, size_t errlen)
{
	static const char *const prefixes[] = { "file:", "pipe:", "socket:" };
	unsigned int k;

	for (k = 0; k < 3; k++) {
		size_t len = strlen(prefixes[k]);

		if (strncmp(s->output, prefixes[k], len))
			continue;
		if (!s->output[len])
			return fail(err, errlen, "serial[%zu].output: '%s' needs a path", i, s->output);
		if (k && s->input)
			return fail(err, errlen,
				    "serial[%zu].input: pipe: and socket: take input from their peer, not stdin",
				    i);
	}
	return 0;
}

static int parse_serial(struct config *cfg, json_object *list, char *err, size_t errlen)
{
	int stdin_port = -1;
	size_t i, n;

	if (!json_object_is_type(list, json_type_array))
		return fail(err, errlen, "serial: expected an array");
	n = json_object_array_length(list);
	if (n > CONFIG_MAX_SERIAL)
		return fail(err, errlen, "serial: at most %d ports", CONFIG_MAX_SERIAL);
	for (i = 0; i < n; i++) {
		json_object *port = json_object_array_get_idx(list, i);
		struct config_serial *s = &cfg->serial[cfg->nr_serial];
		bool have_port = false;
		unsigned int j;
		int ret = 0;

		if (!json_object_is_type(port, json_type_object))
			return fail(err, errlen, "serial[%zu]: expected an object", i);
		json_object_object_foreach(port, key, v) {
			if (!strcmp(key, "port")) {
				if (!json_object_is_type(v, json_type_string) ||
				    parse_port_name(json_object_get_string(v), &s->index))
					return fail(err, errlen,
						    "serial[%zu].port: expected \"com1\"..\"com4\"", i);
				have_port = true;
			} else if (!strcmp(key, "output")) {
				ret = get_string(v, "serial.output", &s->output, err, errlen);
			} else if (!strcmp(key, "log")) {
				ret = get_string(v, "serial.log", &s->log, err, errlen);
			} else if (!strcmp(key, "input")) {
				if (!json_object_is_type(v, json_type_boolean))
					return fail(err, errlen, "serial[%zu].input: expected a boolean", i);
				s->input = json_object_get_boolean(v);
			} else {
				ret = fail(err, errlen, "serial[%zu]: unknown key '%s'", i, key);
			}
			if (ret)
				return ret;
		}
		cfg->nr_serial++;
		if (!have_port)
			return fail(err, errlen, "serial[%zu]: 'port' is required", i);
		for (j = 0; j + 1 < cfg->nr_serial; j++)
			if (cfg->serial[j].index == s->index)
				return fail(err, errlen, "serial[%zu]: COM%u given twice", i, s->index + 1);
		if (!s->output) {
			s->output = strdup("stdout");
			if (!s->output)
				return -ENOMEM;
		}
		ret = check_output(s, i, err, errlen);
		if (ret)
			return ret;
		if (s->input || !strcmp(s->output, "stdio")) {
			if (stdin_port >= 0)
				return fail(err, errlen, "serial[%zu]: only one port can read stdin (COM%d does)",
					    i, stdin_port + 1);
			stdin_port = (int)s->index;
		}
	}
	return 0;
}

static int parse_backing(struct config *cfg, json_object *v, char *err, size_t errlen)
{
	static const char *const names[] = { "anonymous", "memfd", "hugetlbfs" };
	unsigned int i;

	if (json_object_is_type(v, json_type_string))
		for (i = 0; i < 3; i++)
			if (!strcmp(json_object_get_string(v), names[i])) {
				cfg->memory_backing = (enum config_memory_backing)i;
				return 0;
			}
	return fail(err, errlen, "memory_backing: expected \"anonymous\", \"memfd\" or \"hugetlbfs\"");
}

static int parse_top(struct config *cfg, json_object *root, char *err, size_t errlen)
{
	uint64_t n;
	int ret = 0;

	if (!json_object_is_type(root, json_type_object))
		return fail(err, errlen, "expected a JSON object at the top");
	json_object_object_foreach(root, key, v) {
		if (!strcmp(key, "name")) {
			ret = get_string(v, "name", &cfg->name, err, errlen);
		} else if (!strcmp(key, "generation")) {
			ret = get_uint(v, "generation", 1, 2, &n, err, errlen);
			if (!ret && n != 1)
				ret = fail(err, errlen, "generation: only 1 is supported yet");
			cfg->generation = (unsigned int)n;
		} else if (!strcmp(key, "memory")) {
			ret = get_uint(v, "memory (MiB)", 16, CONFIG_MAX_MEMORY_MIB,
				       &cfg->memory_mib, err, errlen);
		} else if (!strcmp(key, "memory_backing")) {
			ret = parse_backing(cfg, v, err, errlen);
		} else if (!strcmp(key, "cpus")) {
			ret = get_uint(v, "cpus", 1, CONFIG_MAX_CPUS, &n, err, errlen);
			cfg->cpus = (unsigned int)n;
		} else if (!strcmp(key, "on_reset")) {
			const char *what = json_object_get_string(v);

			if (!json_object_is_type(v, json_type_string) ||
			    (strcmp(what, "restart") && strcmp(what, "exit")))
				ret = fail(err, errlen, "on_reset: \"restart\" or \"exit\"");
			else
				cfg->exit_on_reset = !strcmp(what, "exit");
		} else if (!strcmp(key, "boot")) {
			ret = parse_boot(cfg, v, err, errlen);
		} else if (!strcmp(key, "serial")) {
			ret = parse_serial(cfg, v, err, errlen);
		} else {
			ret = fail(err, errlen, "unknown key '%s'", key);
		}
		if (ret)
			return ret;
	}
	if (!cfg->name)
		return fail(err, errlen, "'name' is required");
	if (cfg->memory_backing == CONFIG_MEMORY_HUGETLBFS && cfg->memory_mib % 2)
		return fail(err, errlen, "memory: %llu MiB is not a whole number of 2 MiB huge pages",
			    (unsigned long long)cfg->memory_mib);
	if (!cfg->kernel)
		return fail(err, errlen, "'boot' with a 'kernel' is required");
	return 0;
}

int config_parse(struct config *cfg, const char *text, char *err, size_t errlen)
{
	struct json_tokener *tok;
	json_object *root;
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	cfg->generation = 1;
	cfg->memory_mib = 256;
	cfg->cpus = 1;
	tok = json_tokener_new();
	if (!tok)
		return -ENOMEM;
	root = json_tokener_parse_ex(tok, text, (int)strlen(text) + 1);
	if (!root) {
		ret = fail(err, errlen, "JSON: %s at offset %zu",
			   json_tokener_error_desc(json_tokener_get_error(tok)),
			   json_tokener_get_parse_end(tok));
		json_tokener_free(tok);
		return ret;
	}
	json_tokener_free(tok);
	ret = parse_top(cfg, root, err, errlen);
	json_object_put(root);
	if (ret)
		config_free(cfg);
	return ret;
}

int config_load(struct config *cfg, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *text;
	long len;
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	if (!f)
		return fail(err, errlen, "%s", strerror(errno));
	if (fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return fail(err, errlen, "cannot read it");
	}
	text = calloc(1, (size_t)len + 1);
	if (!text || fread(text, 1, (size_t)len, f) != (size_t)len) {
		free(text);
		fclose(f);
		return fail(err, errlen, "cannot read it");
	}
	fclose(f);
	ret = config_parse(cfg, text, err, errlen);
	free(text);
	return ret;
}

void config_free(struct config *cfg)
{
	unsigned int i;

	free(cfg->name);
	free(cfg->kernel);
	free(cfg->initrd);
	free(cfg->cmdline);
	for (i = 0; i < cfg->nr_modules; i++)
		free(cfg->modules[i]);
	for (i = 0; i < CONFIG_MAX_SERIAL; i++) {
		free(cfg->serial[i].output);
		free(cfg->serial[i].log);
	}
	memset(cfg, 0, sizeof(*cfg));
}
