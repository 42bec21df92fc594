// SPDX-License-Identifier: GPL-2.0
/*
 * hvctl: manage hvkm VMs (docs/hvctl.md): what the module offers, and VM
 * lifecycles through hvkm-vmm.  Every error is one line on stderr, with an
 * exit status per class of failure (hvctl.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "commands.h"
#include "device.h"
#include "hvctl.h"

int hvctl_fail(int code, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("hvctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: hvctl [--json] <command> [options] [NAME]\n"
		"\n"
		"commands:\n"
		"  info                 what the loaded hvkm module offers (API version, hardware)\n"
		"  create NAME --kernel FILE [--initrd FILE] [--cmdline TEXT] [--gen 1]\n"
		"         [--memory SIZE] [--cpus N] [--serial comN=file:PATH|pipe:PATH|socket:PATH]\n"
		"         [--module 'FILE [ARGS]']...   (a Multiboot kernel's modules)\n"
		"                       write the VM's configuration (COM1: a console socket)\n"
		"  list                 every VM: name, state, VPs, memory, uptime\n"
		"  show NAME            one VM's configuration and state\n"
		"  start NAME           run the VM's hvkm-vmm, detached\n"
		"  console NAME         attach the terminal to COM1; Ctrl-] detaches\n"
		"  stop NAME [--timeout S] [--force]\n"
		"                       press the power button, wait S seconds (30); --force then quits\n"
		"  kill NAME            end the VM's hvkm-vmm at once (SIGKILL)\n"
		"  delete NAME          remove a stopped VM\n"
		"  help                 this text\n"
		"\n"
		"--json: machine-readable output.  VMs live in $HVKM_STATE_DIR, /var/lib/hvkm (root)\n"
		"or $XDG_STATE_HOME/hvkm.  Exit status: 0 ok, 1 system error, 2 bad usage, 3 no\n"
		"/dev/hvkm, 4 module query failed, 5 no such VM, 6 VM exists, 7 VM running, 8 VM not\n"
		"running, 9 hvkm-vmm failed to start, 10 no ACPI power button, 11 stop timed out,\n"
		"12 hvkm-vmm not answering.  See hvctl(1).\n");
}

static int cmd_info(void)
{
	struct device_info info;
	int fd = device_open();

	if (fd < 0)
		return HVCTL_ERR_NO_DEVICE;
	if (device_query(fd, &info)) {
		close(fd);
		return HVCTL_ERR_QUERY;
	}
	close(fd);
	printf("api-version: %d\n", info.api_version);
	printf("virtualization: %s\n", device_vendor_name(info.vendor));
	printf("address-space-ids: %d\n", info.nr_asids);
	return 0;
}

int main(int argc, char **argv)
{
	struct hvctl_args a;
	char err[256];

	if (hvctl_parse_args(argc, argv, &a, err, sizeof(err)))
		return hvctl_fail(HVCTL_ERR_USAGE, "%s", err);
	switch (a.cmd) {
	case CMD_HELP:
		usage(stdout);
		return 0;
	case CMD_INFO:
		return cmd_info();
	case CMD_CREATE:
		return cmd_create(&a);
	case CMD_LIST:
		return cmd_list(&a);
	case CMD_SHOW:
		return cmd_show(&a);
	case CMD_START:
		return cmd_start(&a);
	case CMD_CONSOLE:
		return cmd_console(&a);
	case CMD_STOP:
		return cmd_stop(&a);
	case CMD_KILL:
		return cmd_kill(&a);
	case CMD_DELETE:
		return cmd_delete(&a);
	}
	return HVCTL_ERR_USAGE;
}
