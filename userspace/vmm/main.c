// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm-vmm: runs one VM on hvkm from a JSON configuration (docs/vmm.md).
 *
 * Exit status: 0 the guest reset the machine (its way of stopping without
 * ACPI), 1 hvkm-vmm failed (setup, or an exit it cannot handle), 2 bad
 * usage or configuration, 3 the guest reported a crash, 4 stopped by the
 * control socket's "quit".
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "control.h"
#include "vm.h"

enum { EXIT_RESET = 0, EXIT_FAILED = 1, EXIT_USAGE = 2, EXIT_CRASH = 3, EXIT_QUIT = 4 };

static void usage(FILE *out)
{
	fprintf(out,
		"usage: hvkm-vmm [-v] [--control PATH] CONFIG.json\n"
		"\n"
		"Runs the VM CONFIG.json describes until the guest resets it.\n"
		"  -v              report the boot layout, unclaimed accesses and exit counts on stderr\n"
		"  --control PATH  serve the JSON control protocol on a unix socket at PATH\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "control", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct control control = { .listen_fd = -1 };
	const char *control_path = NULL;
	struct config cfg;
	struct vm vm;
	bool verbose = false;
	char err[256];
	int opt, status;

	while ((opt = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			control_path = optarg;
			break;
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
	status = vm_create(&vm, &cfg, verbose);
	if (!status)
		status = vm_load_kernel(&vm);
	if (status || (control_path && control_init(&control, &vm, control_path))) {
		vm_destroy(&vm);
		control_free(&control);
		config_free(&cfg);
		/* A kernel or file the configuration names was refused. */
		return status == VM_BOOT_REFUSED ? EXIT_USAGE : EXIT_FAILED;
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
	case VM_STOP_QUIT:
		status = EXIT_QUIT;
		break;
	default:
		status = EXIT_FAILED;
		break;
	}
	vm_destroy(&vm);
	control_free(&control);
	config_free(&cfg);
	return status;
}
