// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm-vmm: runs one VM on hvkm from a JSON configuration (docs/vmm.md).
 *
 * Exit status: 0 the guest reset the machine, 1 hvkm-vmm failed (setup, or
 * an exit it cannot handle), 2 bad usage or configuration, 3 the guest
 * reported a crash, 4 the guest powered the machine off (ACPI S5).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "vm.h"

enum { EXIT_RESET = 0, EXIT_FAILED = 1, EXIT_USAGE = 2, EXIT_CRASH = 3, EXIT_POWEROFF = 4 };

static void usage(FILE *out)
{
	fprintf(out,
		"usage: hvkm-vmm [-v] CONFIG.json\n"
		"\n"
		"Runs the VM CONFIG.json describes until the guest resets it or powers it off.\n"
		"  -v   report the boot layout, unclaimed accesses and exit counts on stderr\n");
}

int main(int argc, char **argv)
{
	struct config cfg;
	struct vm vm;
	bool verbose = false;
	char err[256];
	int opt, status;

	while ((opt = getopt(argc, argv, "vh")) != -1) {
		switch (opt) {
		case 'v':
			verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (config_load(&cfg, argv[optind], err, sizeof(err))) {
		fprintf(stderr, "hvkm-vmm: %s: %s\n", argv[optind], err);
		return EXIT_USAGE;
	}
	if (vm_create(&vm, &cfg, verbose) || vm_load_linux(&vm)) {
		vm_destroy(&vm);
		config_free(&cfg);
		return EXIT_FAILED;
	}
	switch (vm_run(&vm)) {
	case VM_STOP_RESET:
		if (verbose)
			fprintf(stderr, "hvkm-vmm: %s: the guest reset the machine\n", cfg.name);
		status = EXIT_RESET;
		break;
	case VM_STOP_CRASH:
		status = EXIT_CRASH;
		break;
	case VM_STOP_POWEROFF:
		if (verbose)
			fprintf(stderr, "hvkm-vmm: %s: the guest powered the machine off\n", cfg.name);
		status = EXIT_POWEROFF;
		break;
	default:
		status = EXIT_FAILED;
		break;
	}
	vm_destroy(&vm);
	config_free(&cfg);
	return status;
}
