// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>

#include "ksft.h"

void ksft_print_msg(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

int ksft_run(const struct ksft_case *cases, unsigned int n, int (*setup)(void))
{
	unsigned int i, failed = 0, skipped = 0;
	int setup_ret = setup ? setup() : 0;
	int ret;

	printf("TAP version 13\n1..%u\n", n);
	if (setup_ret)
		ksft_print_msg("setup failed (%d): every case fails", setup_ret);
	for (i = 0; i < n; i++) {
		ret = setup_ret ? KSFT_FAIL : cases[i].fn();
		if (ret == KSFT_SKIP) {
			skipped++;
			printf("ok %u %s # SKIP\n", i + 1, cases[i].name);
		} else if (ret == KSFT_PASS) {
			printf("ok %u %s\n", i + 1, cases[i].name);
		} else {
			failed++;
			printf("not ok %u %s\n", i + 1, cases[i].name);
		}
		fflush(stdout);
	}
	if (failed)
		return KSFT_FAIL;
	return skipped == n ? KSFT_SKIP : KSFT_PASS;
}
