/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small kselftest-style library: TAP 13 on stdout, one line per case,
 * exit status 0 (all passed), 1 (a failure) or 4 (everything skipped).
 *
 * A test program lists its cases and calls ksft_run(); each case returns
 * KSFT_PASS, or fails/skips through KSFT_CHECK()/KSFT_SKIP_IF(), which say
 * why in a "# " line.
 */
#ifndef HVKM_KSFT_H
#define HVKM_KSFT_H

#define KSFT_PASS 0
#define KSFT_FAIL 1
#define KSFT_SKIP 4

struct ksft_case {
	const char *name;
	int (*fn)(void);
};

#define KSFT_CASE(fn) { #fn, fn }
#define KSFT_NR(cases) (sizeof(cases) / sizeof((cases)[0]))

void ksft_print_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Runs @setup (if any) and then every case in order.  When @setup fails
 * (nonzero), every case fails, so a broken environment is never a pass.
 * Returns the exit status for main().
 */
int ksft_run(const struct ksft_case *cases, unsigned int n, int (*setup)(void));

#define KSFT_CHECK(cond, ...)                                            \
	do {                                                             \
		if (!(cond)) {                                           \
			ksft_print_msg("%s:%d: check failed: %s",        \
				       __FILE__, __LINE__, #cond);       \
			ksft_print_msg(__VA_ARGS__);                     \
			return KSFT_FAIL;                                \
		}                                                        \
	} while (0)

#define KSFT_SKIP_IF(cond, ...)                                          \
	do {                                                             \
		if (cond) {                                              \
			ksft_print_msg(__VA_ARGS__);                     \
			return KSFT_SKIP;                                \
		}                                                        \
	} while (0)

#endif /* HVKM_KSFT_H */
