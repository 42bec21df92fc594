// SPDX-License-Identifier: GPL-2.0
/*
 * The VM side of a Multiboot boot: the module files and the command line
 * from the configuration, into multiboot.c's loader (docs/vmm.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "multiboot.h"
#include "vm.h"

/* A module entry is "PATH [args...]": the file is its first word. */
static char *module_path(const char *entry)
{
	size_t len = strcspn(entry, " \t");

	return strndup(entry, len);
}

/* The kernel sees its own path before the command line, as from GRUB or QEMU. */
static char *kernel_cmdline(const struct config *cfg)
{
	const char *args = cfg->cmdline ? cfg->cmdline : "";
	size_t len = strlen(cfg->kernel) + 1 + strlen(args) + 1;
	char *s = malloc(len);

	if (s)
		snprintf(s, len, "%s%s%s", cfg->kernel, *args ? " " : "", args);
	return s;
}

int vm_load_multiboot(struct vm *vm, const uint8_t *kernel, size_t kernel_len,
		      struct mb_entry *e)
{
	const struct config *cfg = vm->cfg;
	struct mb_module_image mods[CONFIG_MAX_MODULES] = { 0 };
	uint8_t *data[CONFIG_MAX_MODULES] = { 0 };
	char *cmdline = NULL, err[256];
	unsigned int i;
	int ret = VM_BOOT_REFUSED;

	if (cfg->initrd) {
		fprintf(stderr,
			"hvkm-vmm: boot.initrd: %s is a Multiboot kernel; give its files as boot.modules\n",
			cfg->kernel);
		return VM_BOOT_REFUSED;
	}
	for (i = 0; i < cfg->nr_modules; i++) {
		char *path = module_path(cfg->modules[i]);
		int r;

		if (!path) {
			ret = -ENOMEM;
			goto out;
		}
		r = vm_read_file(path, &data[i], &mods[i].size);
		if (r) {
			fprintf(stderr, "hvkm-vmm: boot.modules[%u]: %s: %s\n", i, path,
				strerror(-r));
			free(path);
			goto out;
		}
		free(path);
		mods[i].data = data[i];
		mods[i].string = cfg->modules[i];
	}
	cmdline = kernel_cmdline(cfg);
	if (!cmdline) {
		ret = -ENOMEM;
		goto out;
	}
	if (mb_load(vm->ram, vm->ram_low, kernel, kernel_len, cmdline, mods, cfg->nr_modules,
		    e, err, sizeof(err))) {
		fprintf(stderr, "hvkm-vmm: %s: %s\n", cfg->kernel, err);
		goto out;
	}
	if (vm->verbose)
		fprintf(stderr,
			"hvkm-vmm: Multiboot kernel (%s) at %#llx-%#llx, %u modules at %#x-%#x, info at %#x, entry %#x\n",
			e->aout_kludge ? "address fields" : "ELF",
			(unsigned long long)e->kernel_start, (unsigned long long)e->kernel_end,
			cfg->nr_modules, e->mods_start, e->mods_end, e->ebx, e->eip);
	ret = 0;
out:
	for (i = 0; i < cfg->nr_modules; i++)
		free(data[i]);
	free(cmdline);
	return ret;
}
