// SPDX-License-Identifier: GPL-2.0
// sources: ../hvctl/args.c ../hvctl/name.c
/* hvctl's VM names and command line: what is accepted, what is refused. */
#include <string.h>

#include "../hvctl/args.h"
#include "../hvctl/hvctl.h"
#include "../hvctl/name.h"
#include "tap.h"

static char err[256];

#define ARGV(...) ((char *const[]){ "hvctl", __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((const char *[]){ "hvctl", __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(a, ...) hvctl_parse_args(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), (a), err, sizeof(err))

/* Refused with the usage status, and a message that mentions @what. */
static int refused(int ret, const char *what)
{
	return ret == HVCTL_ERR_USAGE && strstr(err, what) && !strchr(err, '\n');
}

int main(void)
{
	struct hvctl_args a;
	char long_name[80];

	CHECK(hvctl_name_valid("l2") && hvctl_name_valid("a") && hvctl_name_valid("Web-01.test_x") &&
	      hvctl_name_valid("9lives"), "names_valid");
	CHECK(!hvctl_name_valid("") && !hvctl_name_valid("-x") && !hvctl_name_valid(".x") &&
	      !hvctl_name_valid("_x") && !hvctl_name_valid("a/b") && !hvctl_name_valid("..") &&
	      !hvctl_name_valid("a b") && !hvctl_name_valid("a:b") && !hvctl_name_valid("\xc3\xa9"),
	      "names_refused");
	memset(long_name, 'a', 64);
	long_name[64] = '\0';
	CHECK(hvctl_name_valid(long_name), "name_64_chars");
	long_name[64] = 'a';
	long_name[65] = '\0';
	CHECK(!hvctl_name_valid(long_name), "name_65_chars_refused");

	CHECK(hvctl_parse_size_mib("256") == 256 && hvctl_parse_size_mib("512M") == 512 &&
	      hvctl_parse_size_mib("512MiB") == 512 && hvctl_parse_size_mib("2G") == 2048 &&
	      hvctl_parse_size_mib("1gib") == 1024, "sizes");
	CHECK(hvctl_parse_size_mib("") < 0 && hvctl_parse_size_mib("-1") < 0 &&
	      hvctl_parse_size_mib("12K") < 0 && hvctl_parse_size_mib("G") < 0 &&
	      hvctl_parse_size_mib("99999999999999999999") < 0, "sizes_refused");

	CHECK(PARSE(&a, "create", "vm1", "--kernel", "/k", "--initrd=/i", "--cmdline", "console=ttyS0 quiet",
		    "--memory", "1G", "--cpus", "2", "--gen", "1", "--serial", "com2=file:/tmp/c2",
		    "--json") == 0, "create_parsed");
	CHECK(a.cmd == CMD_CREATE && !strcmp(a.name, "vm1") && !strcmp(a.kernel, "/k") &&
	      !strcmp(a.initrd, "/i") && !strcmp(a.cmdline, "console=ttyS0 quiet") &&
	      a.memory_mib == 1024 && a.cpus == 2 && a.generation == 1 && a.json &&
	      !a.serial[0] && !strcmp(a.serial[1], "file:/tmp/c2"), "create_values");
	CHECK(PARSE(&a, "create", "vm1", "--kernel", "/k") == 0 && a.memory_mib == 256 &&
	      a.cpus == 1 && !a.initrd && !a.cmdline && !a.json, "create_defaults");
	CHECK(refused(PARSE(&a, "create", "vm1"), "--kernel"), "create_needs_kernel");
	CHECK(PARSE(&a, "create", "mb", "--kernel", "/k", "--module", "/m0 a b", "--module=/m1") == 0 &&
	      a.nr_modules == 2 && !strcmp(a.modules[0], "/m0 a b") && !strcmp(a.modules[1], "/m1"),
	      "modules_in_order");
	CHECK(refused(PARSE(&a, "create", "mb", "--kernel", "/k", "--module", " /m0"), "--module"),
	      "module_needs_a_file_first");
	CHECK(refused(PARSE(&a, "create", "mb", "--kernel", "/k", "--module", ""), "--module"),
	      "module_empty");
	CHECK(refused(PARSE(&a, "create", "vm1", "--kernel", "/k", "--memory", "8"), "--memory"),
	      "memory_too_small");
	CHECK(PARSE(&a, "create", "vm1", "--kernel", "/k", "--memory", "5G") == 0 &&
	      a.memory_mib == 5120, "memory_above_4g");
	CHECK(refused(PARSE(&a, "create", "vm1", "--kernel", "/k", "--memory", "1025G"), "--memory"),
	      "memory_too_large");
	CHECK(refused(PARSE(&a, "create", "vm1", "--kernel", "/k", "--cpus", "65"), "--cpus") &&
	      refused(PARSE(&a, "create", "vm1", "--kernel", "/k", "--cpus", "1x"), "--cpus"),
	      "cpus_refused");
	CHECK(refused(PARSE(&a, "create", "vm1", "--kernel", "/k", "--gen", "2"), "UEFI") &&
	      refused(PARSE(&a, "create", "vm1", "--kernel", "/k", "--gen", "3"), "--gen"),
	      "gen_refused");
	CHECK(refused(PARSE(&a, "create", "vm1", "--kernel", "/k", "--serial", "com1=tcp:x"), "COM1") &&
	      refused(PARSE(&a, "create", "vm1", "--kernel", "/k", "--serial", "com5=file:x"), "--serial") &&
	      refused(PARSE(&a, "create", "vm1", "--kernel", "/k", "--serial", "com1=socket:"), "COM1") &&
	      refused(PARSE(&a, "create", "vm1", "--kernel", "/k", "--serial", "com1=file:a",
			    "--serial", "com1=file:b"), "twice"), "serial_refused");
	CHECK(PARSE(&a, "create", "vm1", "--kernel", "/k", "--serial", "COM4=pipe:/p") == 0 &&
	      !strcmp(a.serial[3], "pipe:/p"), "serial_pipe");
	CHECK(refused(PARSE(&a, "create", "vm1", "--kernel"), "needs a value"), "missing_value");

	CHECK(PARSE(&a, "stop", "vm1") == 0 && a.cmd == CMD_STOP && a.timeout_s == 30 && !a.force,
	      "stop_defaults");
	CHECK(PARSE(&a, "stop", "--force", "vm1", "--timeout=5") == 0 && a.force && a.timeout_s == 5,
	      "stop_force_timeout");
	CHECK(refused(PARSE(&a, "stop", "vm1", "--timeout", "soon"), "--timeout"), "timeout_refused");
	CHECK(refused(PARSE(&a, "kill", "vm1", "--force"), "--force"), "force_only_for_stop");
	CHECK(refused(PARSE(&a, "start", "vm1", "--memory", "1G"), "--memory"),
	      "create_options_only_for_create");
	CHECK(PARSE(&a, "--json", "list") == 0 && a.cmd == CMD_LIST && a.json, "json_before_command");
	CHECK(refused(PARSE(&a, "list", "vm1"), "unexpected argument"), "list_takes_no_name");
	CHECK(refused(PARSE(&a, "show", "a", "b"), "unexpected argument"), "one_name");
	CHECK(refused(PARSE(&a, "show"), "needs a VM name"), "show_needs_name");
	CHECK(refused(PARSE(&a, "show", "a/b"), "bad VM name"), "bad_name");
	CHECK(refused(PARSE(&a, "frobnicate"), "unknown command"), "unknown_command");
	CHECK(refused(hvctl_parse_args(1, ARGV("x"), &a, err, sizeof(err)), "expected a command"),
	      "no_command");
	CHECK(refused(PARSE(&a, "start", "-x"), "unknown option"), "unknown_short_option");
	CHECK(PARSE(&a, "console", "vm1") == 0 && a.cmd == CMD_CONSOLE, "console");
	CHECK(PARSE(&a, "delete", "vm1") == 0 && a.cmd == CMD_DELETE, "delete");
	CHECK(PARSE(&a, "--help") == 0 && a.cmd == CMD_HELP, "help");
	return tap_done();
}
