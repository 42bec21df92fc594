// SPDX-License-Identifier: GPL-2.0
/*
 * hvctl: manage hvkm partitions.  Today it reports what the loaded module
 * offers; the partition lifecycle commands come with hvkm-vmm.
 *
 * Exit status: 0 ok, 2 bad usage, 3 device unavailable, 4 query failed.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "device.h"

enum { EXIT_USAGE = 2, EXIT_NO_DEVICE = 3, EXIT_QUERY = 4 };

static void usage(FILE *out)
{
	fprintf(out,
		"usage: hvctl <command>\n"
		"\n"
		"commands:\n"
		"  info    what the loaded hvkm module offers (API version, hardware)\n"
		"  help    this text\n");
}

static int cmd_info(void)
{
	struct device_info info;
	int fd = device_open();

	if (fd < 0)
		return EXIT_NO_DEVICE;
	if (device_query(fd, &info)) {
		close(fd);
		return EXIT_QUERY;
	}
	close(fd);
	printf("api-version: %d\n", info.api_version);
	printf("virtualization: %s\n", device_vendor_name(info.vendor));
	printf("address-space-ids: %d\n", info.nr_asids);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "hvctl: expected one command; see 'hvctl help'\n");
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "info"))
		return cmd_info();
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "hvctl: unknown command '%s'; see 'hvctl help'\n", argv[1]);
	return EXIT_USAGE;
}
