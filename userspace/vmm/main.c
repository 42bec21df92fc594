// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm-vmm: runs one VM on hvkm from a JSON configuration (docs/vmm.md).
 *
 * A guest that resets the machine is started again, unless the configuration
 * says "on_reset": "exit".  Exit status: 0 the guest reset the machine, 1 hvkm-vmm failed (setup, or
 * an exit it cannot handle), 2 bad usage or configuration, 3 the guest
 * reported a crash, 4 the guest powered the machine off (ACPI S5), 5 stopped
 * by the control socket's "quit".
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "control.h"
#include "vm.h"

enum { EXIT_RESET = 0, EXIT_FAILED = 1, EXIT_USAGE = 2, EXIT_CRASH = 3, EXIT_POWEROFF = 4,
       EXIT_QUIT = 5 };

static void usage(FILE *out)
{
	fprintf(out,
		"usage: hvkm-vmm [-v] [--control PATH] CONFIG.json\n"
		"\n"
		"Runs the VM CONFIG.json describes until the guest powers it off (a reset\n"
		"restarts it, unless CONFIG says \"on_reset\": \"exit\").\n"
		"  -v              report the boot layout, unclaimed accesses and exit counts on stderr\n"
		"  --control PATH  serve the JSON control protocol on a unix socket at PATH\n");
}

/* Run the VM, restarting it after resets unless told not to: the exit status. */
static int run_until_end(struct vm *vm, const struct config *cfg)
{
	unsigned int restarts = 0;

	for (;;) {
		switch (vm_run(vm)) {
		case VM_STOP_RESET:
			if (cfg->exit_on_reset) {
				fprintf(stderr, "hvkm-vmm: %s: the guest reset the machine\n", cfg->name);
				return EXIT_RESET;
			}
			fprintf(stderr, "hvkm-vmm: %s: the guest reset the machine: restart %u\n",
				cfg->name, ++restarts);
			if (vm_restart(vm))
				return EXIT_FAILED;
			break;
		case VM_STOP_CRASH:
			fprintf(stderr, "hvkm-vmm: %s: the guest crashed\n", cfg->name);
			return EXIT_CRASH;
		case VM_STOP_QUIT:
			fprintf(stderr, "hvkm-vmm: %s: stopped by the control socket\n", cfg->name);
			return EXIT_QUIT;
		case VM_STOP_POWEROFF:
			fprintf(stderr, "hvkm-vmm: %s: the guest powered the machine off\n", cfg->name);
			return EXIT_POWEROFF;
		default:
			return EXIT_FAILED;
		}
	}
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
	status = run_until_end(&vm, &cfg);
	vm_destroy(&vm);
	control_free(&control);
	config_free(&cfg);
	return status;
}
