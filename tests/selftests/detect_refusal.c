// SPDX-License-Identifier: GPL-2.0
/*
 * On a CPU that lacks what hvkm needs, loading fails with -ENODEV and one
 * kernel log line that says what is missing.  The harness boots VMs whose
 * CPU lacks SVM or NPT and says which on the kernel command line
 * (hvkm_test.expect=nosvm|nonpt); elsewhere this test skips.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/hvkm_test.h"
#include "lib/ksft.h"

static const struct {
	const char *expect;
	const char *log_line;
} reasons[] = {
	{ "nosvm", "hvkm: SVM unusable: CPUID 0x80000001 ECX.SVM is clear" },
	{ "nonpt", "hvkm: SVM unusable: CPUID 0x8000000A EDX.NP is clear" },
};

static const char *expected_line(void)
{
	char cmdline[4096], *p;
	unsigned int i;
	FILE *f = fopen("/proc/cmdline", "re");
	size_t n;

	if (!f)
		return NULL;
	n = fread(cmdline, 1, sizeof(cmdline) - 1, f);
	fclose(f);
	cmdline[n] = '\0';
	p = strstr(cmdline, "hvkm_test.expect=");
	if (!p)
		return NULL;
	p += strlen("hvkm_test.expect=");
	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (!strncmp(p, reasons[i].expect, strlen(reasons[i].expect)))
			return reasons[i].log_line;
	return NULL;
}

static int load_refused_with_reason(void)
{
	const char *line = expected_line();
	int kmsg, ret;

	KSFT_SKIP_IF(!line, "not a VM with a CPU that lacks SVM or NPT");
	kmsg = kmsg_mark();
	KSFT_CHECK(kmsg >= 0, "/dev/kmsg: %s", strerror(-kmsg));
	ret = hvkm_module_load();
	KSFT_CHECK(ret == -ENODEV, "load gave %d (%s)", ret, strerror(-ret));
	KSFT_CHECK(kmsg_contains(kmsg, line), "no '%s' in the kernel log", line);
	close(kmsg);
	KSFT_CHECK(!hvkm_module_loaded(), "hvkm is loaded");
	KSFT_CHECK(access("/dev/hvkm", F_OK) != 0, "/dev/hvkm exists");
	return KSFT_PASS;
}

static const struct ksft_case cases[] = {
	KSFT_CASE(load_refused_with_reason),
};

int main(void)
{
	return ksft_run(cases, KSFT_NR(cases), NULL);
}
