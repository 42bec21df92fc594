/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A VM's configuration, read from a JSON file (docs/vmm.md):
 *
 *   { "name": "l2", "generation": 1, "memory": 256, "memory_backing": "anonymous", "cpus": 1,
 *     "boot": { "kernel": "/path/bzImage", "initrd": "/path/initrd",
 *               "cmdline": "console=ttyS0", "modules": [ "/path/mod args" ] },
 *     "serial": [ { "port": "com1", "output": "stdout" } ] }
 */
#ifndef HVKM_VMM_CONFIG_H
#define HVKM_VMM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONFIG_MAX_SERIAL	4
#define CONFIG_MAX_CPUS		64
#define CONFIG_MAX_MODULES	32	/* boot.modules of a Multiboot kernel */
/*
 * 1 TiB: beyond it a size is taken for a typo.  The guest's physical address
 * width may allow less (checked when the VM is created, vm.c).
 */
#define CONFIG_MAX_MEMORY_MIB	(1024 * 1024)

/* What backs guest RAM (guest_ram.c). */
enum config_memory_backing {
	CONFIG_MEMORY_ANONYMOUS,	/* private anonymous memory, THP where possible */
	CONFIG_MEMORY_MEMFD,		/* a memfd (shmem) */
	CONFIG_MEMORY_HUGETLBFS,	/* a memfd of 2 MiB hugetlbfs pages */
};

struct config_serial {
	unsigned int index;	/* 0: COM1 .. 3: COM4 */
	/* "stdout", "stderr", "stdio", "null", a file path, file:PATH, pipe:PATH, socket:PATH */
	char *output;
	char *log;		/* a file that gets a copy of the output, or NULL */
	int input;		/* 1: read the host's stdin */
};

struct config {
	char *name;
	unsigned int generation;	/* 1: BIOS-style machine, direct Linux boot */
	uint64_t memory_mib;
	enum config_memory_backing memory_backing;
	unsigned int cpus;
	bool exit_on_reset;		/* "on_reset": "exit"; else a reset restarts the VM */
	char *kernel, *initrd, *cmdline;
	char *modules[CONFIG_MAX_MODULES];	/* "PATH [args...]" each */
	unsigned int nr_modules;
	struct config_serial serial[CONFIG_MAX_SERIAL];
	unsigned int nr_serial;
};

/*
 * Parse @text; 0, or -EINVAL with a message for the user in @err.  Unknown
 * keys are errors, so that typos do not go unnoticed.
 */
int config_parse(struct config *cfg, const char *text, char *err, size_t errlen);
int config_load(struct config *cfg, const char *path, char *err, size_t errlen);
void config_free(struct config *cfg);

#endif
