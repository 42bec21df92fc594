// SPDX-License-Identifier: GPL-2.0
/* hvctl's argument parsing: no I/O, so host unit tests can cover it. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "args.h"
#include "hvctl.h"
#include "name.h"

static const struct {
	const char *word;
	enum hvctl_cmd cmd;
	bool needs_name;
} commands[] = {
	{ "help", CMD_HELP, false },	{ "info", CMD_INFO, false },
	{ "create", CMD_CREATE, true },	{ "list", CMD_LIST, false },
	{ "show", CMD_SHOW, true },	{ "start", CMD_START, true },
	{ "console", CMD_CONSOLE, true }, { "stop", CMD_STOP, true },
	{ "kill", CMD_KILL, true },	{ "delete", CMD_DELETE, true },
};

static int usage_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return HVCTL_ERR_USAGE;
}

int64_t hvctl_parse_size_mib(const char *s)
{
	unsigned long long n;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno || n > (1ull << 40))
		return -1;
	if (!*end || !strcasecmp(end, "M") || !strcasecmp(end, "MiB") || !strcasecmp(end, "MB"))
		return (int64_t)n;
	if (!strcasecmp(end, "G") || !strcasecmp(end, "GiB") || !strcasecmp(end, "GB"))
		return (int64_t)n * 1024;
	return -1;
}

static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return errno || *end || *out > max ? -1 : 0;
}

/* --serial comN=file:PATH|pipe:PATH|socket:PATH */
static int parse_serial(struct hvctl_args *a, const char *v, char *err, size_t errlen)
{
	static const char *const kinds[] = { "file:", "pipe:", "socket:" };
	unsigned int port, k;

	if (strncasecmp(v, "com", 3) || v[3] < '1' || v[3] > '4' || v[4] != '=')
		return usage_err(err, errlen,
				 "--serial '%s': expected comN=file:PATH, pipe:PATH or socket:PATH (N 1..4)", v);
	port = (unsigned int)(v[3] - '1');
	v += 5;
	for (k = 0; k < 3; k++) {
		size_t len = strlen(kinds[k]);

		if (!strncmp(v, kinds[k], len) && v[len]) {
			if (a->serial[port])
				return usage_err(err, errlen, "--serial: COM%u given twice: give each port once",
						 port + 1);
			a->serial[port] = v;
			return 0;
		}
	}
	return usage_err(err, errlen,
			 "--serial COM%u '%s': expected file:PATH, pipe:PATH or socket:PATH", port + 1, v);
}

/* One option of @a->cmd with its value (NULL for flags). */
static int parse_option(struct hvctl_args *a, const char *opt, const char *v,
			char *err, size_t errlen)
{
	unsigned long n;
	int64_t mib;

	if (a->cmd == CMD_CREATE) {
		if (!strcmp(opt, "gen")) {
			if (strcmp(v, "1") && strcmp(v, "2"))
				return usage_err(err, errlen, "--gen '%s': expected 1 or 2", v);
			if (!strcmp(v, "2"))
				return usage_err(err, errlen,
						 "--gen 2 needs UEFI firmware, which hvkm-vmm does not have yet: use --gen 1");
			a->generation = 1;
			return 0;
		}
		if (!strcmp(opt, "memory")) {
			mib = hvctl_parse_size_mib(v);
			if (mib < HVCTL_MIN_MEMORY_MIB || mib > HVCTL_MAX_MEMORY_MIB)
				return usage_err(err, errlen,
						 "--memory '%s': expected %u..%u MiB (e.g. 256, 512M, 8G)",
						 v, HVCTL_MIN_MEMORY_MIB, HVCTL_MAX_MEMORY_MIB);
			a->memory_mib = (uint64_t)mib;
			return 0;
		}
		if (!strcmp(opt, "cpus")) {
			if (parse_uint(v, HVCTL_MAX_CPUS, &n) || !n)
				return usage_err(err, errlen, "--cpus '%s': expected 1..%u", v,
						 HVCTL_MAX_CPUS);
			a->cpus = (unsigned int)n;
			return 0;
		}
		if (!strcmp(opt, "kernel") || !strcmp(opt, "initrd") || !strcmp(opt, "cmdline")) {
			const char **dst = opt[0] == 'k' ? &a->kernel :
					   opt[0] == 'i' ? &a->initrd : &a->cmdline;

			if (opt[0] != 'c' && !*v)
				return usage_err(err, errlen, "--%s: expected a file", opt);
			*dst = v;
			return 0;
		}
		if (!strcmp(opt, "serial"))
			return parse_serial(a, v, err, errlen);
		if (!strcmp(opt, "module")) {
			if (!*v || *v == ' ')
				return usage_err(err, errlen,
						 "--module '%s': expected a file, then its arguments", v);
			if (a->nr_modules == HVCTL_MAX_MODULES)
				return usage_err(err, errlen, "--module: at most %u modules",
						 HVCTL_MAX_MODULES);
			a->modules[a->nr_modules++] = v;
			return 0;
		}
	}
	if (a->cmd == CMD_STOP && !strcmp(opt, "timeout")) {
		if (parse_uint(v, 86400, &n))
			return usage_err(err, errlen, "--timeout '%s': expected seconds, 0..86400", v);
		a->timeout_s = (unsigned int)n;
		return 0;
	}
	return usage_err(err, errlen, "%s: unknown option --%s; see 'hvctl help'",
			 commands[a->cmd].word, opt);
}

static bool takes_value(const char *opt)
{
	static const char *const with_value[] = {
		"gen", "memory", "cpus", "kernel", "initrd", "cmdline", "module", "serial", "timeout",
	};
	unsigned int i;

	for (i = 0; i < sizeof(with_value) / sizeof(with_value[0]); i++)
		if (!strcmp(opt, with_value[i]))
			return true;
	return false;
}

int hvctl_parse_args(int argc, char *const argv[], struct hvctl_args *a, char *err, size_t errlen)
{
	const char *word = NULL;
	unsigned int i;
	int k, ret;

	memset(a, 0, sizeof(*a));
	a->generation = 1;
	a->memory_mib = 256;
	a->cpus = 1;
	a->timeout_s = 30;
	for (k = 1; k < argc && !strcmp(argv[k], "--json"); k++)
		a->json = true;
	if (k == argc)
		return usage_err(err, errlen, "expected a command; see 'hvctl help'");
	word = argv[k++];
	if (!strcmp(word, "--help") || !strcmp(word, "-h"))
		word = "help";
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(word, commands[i].word))
			break;
	if (i == sizeof(commands) / sizeof(commands[0]))
		return usage_err(err, errlen, "unknown command '%.64s'; see 'hvctl help'", word);
	a->cmd = commands[i].cmd;

	for (; k < argc; k++) {
		const char *arg = argv[k];

		if (!strcmp(arg, "--json")) {
			a->json = true;
		} else if (!strcmp(arg, "--force") && a->cmd == CMD_STOP) {
			a->force = true;
		} else if (!strncmp(arg, "--", 2) && arg[2]) {
			char opt[32];
			const char *eq = strchr(arg, '='), *v;
			size_t len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);

			if (len >= sizeof(opt))
				return usage_err(err, errlen, "%s: unknown option %.40s; see 'hvctl help'",
						 word, arg);
			memcpy(opt, arg + 2, len);
			opt[len] = '\0';
			if (!takes_value(opt))
				return usage_err(err, errlen, "%s: unknown option --%s; see 'hvctl help'",
						 word, opt);
			if (eq) {
				v = eq + 1;
			} else if (k + 1 < argc) {
				v = argv[++k];
			} else {
				return usage_err(err, errlen, "--%s needs a value; see 'hvctl help'", opt);
			}
			ret = parse_option(a, opt, v, err, errlen);
			if (ret)
				return ret;
		} else if (arg[0] == '-' && arg[1]) {
			return usage_err(err, errlen, "%s: unknown option %.40s; see 'hvctl help'", word, arg);
		} else if (!commands[i].needs_name || a->name) {
			return usage_err(err, errlen, "%s: unexpected argument '%.64s'; see 'hvctl help'",
					 word, arg);
		} else {
			a->name = arg;
		}
	}
	if (commands[i].needs_name && !a->name)
		return usage_err(err, errlen, "%s needs a VM name: hvctl %s NAME", word, word);
	if (a->name && !hvctl_name_valid(a->name))
		return usage_err(err, errlen,
				 "bad VM name '%.80s': use 1-64 of A-Z a-z 0-9 _ . -, starting with a letter or digit",
				 a->name);
	if (a->cmd == CMD_CREATE && !a->kernel)
		return usage_err(err, errlen, "create needs --kernel FILE: the Linux bzImage to boot");
	return 0;
}
