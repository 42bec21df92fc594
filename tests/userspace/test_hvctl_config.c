// SPDX-License-Identifier: GPL-2.0
// sources: ../hvctl/vmconfig.c ../hvctl/args.c ../hvctl/name.c config.c
/*
 * The vm.json hvctl writes is hvkm-vmm's configuration: what hvctl create
 * builds must parse with hvkm-vmm's own parser, with the same values.
 */
#include <string.h>

#include "../hvctl/vmconfig.h"
#include "config.h"
#include "tap.h"

static int to_vmm(const struct hvctl_args *a, struct config *cfg, json_object **out)
{
	char err[256] = "";
	json_object *o = vmconfig_build(a, "/var/lib/hvkm/vm1");
	int ret;

	if (!o)
		return -1;
	ret = config_parse(cfg, json_object_to_json_string(o), err, sizeof(err));
	if (ret)
		printf("# %s\n", err);
	if (out)
		*out = o;
	else
		json_object_put(o);
	return ret;
}

int main(void)
{
	struct hvctl_args a = {
		.name = "vm1", .generation = 1, .memory_mib = 512, .cpus = 2,
		.kernel = "/boot/vmlinuz", .initrd = "/boot/initrd", .cmdline = "console=ttyS0",
	};
	struct config cfg;
	json_object *o;

	CHECK(to_vmm(&a, &cfg, &o) == 0, "parses_as_vmm_config");
	CHECK(!strcmp(cfg.name, "vm1") && cfg.generation == 1 && cfg.memory_mib == 512 &&
	      cfg.cpus == 2, "top_level");
	CHECK(!strcmp(cfg.kernel, "/boot/vmlinuz") && !strcmp(cfg.initrd, "/boot/initrd") &&
	      !strcmp(cfg.cmdline, "console=ttyS0"), "boot");
	CHECK(cfg.nr_serial == 1 && cfg.serial[0].index == 0 &&
	      !strcmp(cfg.serial[0].output, "socket:/var/lib/hvkm/vm1/console.sock") &&
	      !strcmp(cfg.serial[0].log, "/var/lib/hvkm/vm1/console.log") && !cfg.serial[0].input,
	      "default_com1_socket_with_log");
	CHECK(vmconfig_console_socket(o) &&
	      !strcmp(vmconfig_console_socket(o), "/var/lib/hvkm/vm1/console.sock"),
	      "console_socket_found");
	json_object_put(o);
	config_free(&cfg);

	a.initrd = a.cmdline = NULL;
	a.serial[0] = "file:/tmp/com1";
	a.serial[2] = "pipe:/tmp/com3";
	CHECK(to_vmm(&a, &cfg, &o) == 0, "serial_options_parse");
	CHECK(!cfg.initrd && !cfg.cmdline, "no_initrd_no_cmdline");
	CHECK(cfg.nr_serial == 2 && !strcmp(cfg.serial[0].output, "file:/tmp/com1") &&
	      cfg.serial[0].log && cfg.serial[1].index == 2 &&
	      !strcmp(cfg.serial[1].output, "pipe:/tmp/com3") && !cfg.serial[1].log,
	      "serial_backends");
	CHECK(!vmconfig_console_socket(o), "no_console_socket_for_file");
	json_object_put(o);
	config_free(&cfg);

	a.modules[0] = "/boot/mod0 one two";
	a.modules[1] = "/boot/mod1";
	a.nr_modules = 2;
	CHECK(to_vmm(&a, &cfg, &o) == 0 && cfg.nr_modules == 2 &&
	      !strcmp(cfg.modules[0], "/boot/mod0 one two") && !strcmp(cfg.modules[1], "/boot/mod1"),
	      "modules_reach_the_vmm");
	json_object_put(o);
	config_free(&cfg);
	return tap_done();
}
