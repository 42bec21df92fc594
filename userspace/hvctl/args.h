/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvctl's command line: hvctl [--json] COMMAND [OPTIONS] [NAME], options
 * as "--opt VALUE" or "--opt=VALUE", anywhere after the command.
 */
#ifndef HVCTL_ARGS_H
#define HVCTL_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HVCTL_MAX_SERIAL	4
#define HVCTL_MAX_MODULES	32	/* as hvkm-vmm takes (config.c) */
#define HVCTL_MIN_MEMORY_MIB	16
#define HVCTL_MAX_MEMORY_MIB	(1024 * 1024)	/* hvkm-vmm's limit, 1 TiB (config.h) */
#define HVCTL_MAX_CPUS		64

enum hvctl_cmd {
	CMD_HELP, CMD_INFO, CMD_CREATE, CMD_LIST, CMD_SHOW, CMD_START,
	CMD_CONSOLE, CMD_STOP, CMD_KILL, CMD_DELETE,
};

struct hvctl_args {
	enum hvctl_cmd cmd;
	bool json;
	const char *name;
	/* create */
	unsigned int generation;
	uint64_t memory_mib;
	unsigned int cpus;
	const char *kernel, *initrd, *cmdline;
	/* Multiboot modules, each "PATH [args...]" (boot.modules in vm.json). */
	const char *modules[HVCTL_MAX_MODULES];
	unsigned int nr_modules;
	const char *serial[HVCTL_MAX_SERIAL];	/* backend per COM port, or NULL */
	/* stop */
	bool force;
	unsigned int timeout_s;
};

/*
 * Fills @a from argv; 0, or HVCTL_ERR_USAGE with a one-line message (what
 * was wrong and what to do, without "hvctl: ") in @err.
 */
int hvctl_parse_args(int argc, char *const argv[], struct hvctl_args *a, char *err, size_t errlen);

/* "256", "256M", "256MiB", "1G", "1GiB" in MiB; -1 if malformed. */
int64_t hvctl_parse_size_mib(const char *s);

#endif
