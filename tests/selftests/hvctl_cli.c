// SPDX-License-Identifier: GPL-2.0
/*
 * hvctl as a user meets it: "info" reports the loaded module, and every
 * error is one line with a distinct exit status.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "lib/hvkm_test.h"
#include "lib/ksft.h"

/* Runs a command with stderr folded into stdout; its exit status or -1. */
static int capture(const char *cmd, char *out, size_t size)
{
	FILE *p = popen(cmd, "r");
	size_t n;
	int status;

	if (!p)
		return -1;
	n = fread(out, 1, size - 1, p);
	out[n] = '\0';
	status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static int info_reports_module(void)
{
	char out[1024];
	int rc;

	KSFT_CHECK(hvkm_module_ensure() == 0, "setup");
	rc = capture("hvctl info 2>&1", out, sizeof(out));
	KSFT_CHECK(rc == 0, "exit %d: %s", rc, out);
	KSFT_CHECK(strstr(out, "api-version: 1\n"), "output: %s", out);
	KSFT_CHECK(strstr(out, "virtualization: AMD SVM\n"), "output: %s", out);
	KSFT_CHECK(strstr(out, "address-space-ids: "), "output: %s", out);
	return KSFT_PASS;
}

static int info_without_module_says_what_to_do(void)
{
	char out[1024];
	int rc;

	KSFT_CHECK(!hvkm_module_loaded() || hvkm_module_unload() == 0, "unload");
	rc = capture("hvctl info 2>&1", out, sizeof(out));
	KSFT_CHECK(rc == 3, "exit %d: %s", rc, out);
	KSFT_CHECK(count_lines(out) == 1, "not one line: %s", out);
	KSFT_CHECK(strstr(out, "load the module first"), "output: %s", out);
	return KSFT_PASS;
}

static int bad_usage_is_one_line(void)
{
	static const char *const cmds[] = {
		"hvctl 2>&1", "hvctl frobnicate 2>&1", "hvctl info extra 2>&1",
	};
	char out[1024];
	unsigned int i;
	int rc;

	for (i = 0; i < KSFT_NR(cmds); i++) {
		rc = capture(cmds[i], out, sizeof(out));
		KSFT_CHECK(rc == 2, "%s: exit %d: %s", cmds[i], rc, out);
		KSFT_CHECK(count_lines(out) == 1 && !strncmp(out, "hvctl: ", 7),
			   "%s: %s", cmds[i], out);
	}
	return KSFT_PASS;
}

static const struct ksft_case cases[] = {
	KSFT_CASE(info_reports_module),
	KSFT_CASE(info_without_module_says_what_to_do),
	KSFT_CASE(bad_usage_is_one_line),
};

int main(void)
{
	return ksft_run(cases, KSFT_NR(cases), NULL);
}
