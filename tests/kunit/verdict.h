/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KUnit helpers shared by the hardware-check suites: a check returns an
 * errno and a reason, and a case names the errno and a word of the reason.
 */
#ifndef HVKM_KUNIT_VERDICT_H
#define HVKM_KUNIT_VERDICT_H

#include <kunit/test.h>
#include <linux/string.h>

/* @want_why NULL: the check must pass and leave no reason. */
static inline void hvkm_expect_verdict(struct kunit *test, int got,
				       const char *why, int want,
				       const char *want_why)
{
	KUNIT_EXPECT_EQ(test, got, want);
	if (!want_why) {
		KUNIT_EXPECT_NULL(test, why);
		return;
	}
	KUNIT_ASSERT_NOT_NULL(test, why);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(why, want_why),
				  "reason '%s' lacks '%s'", why, want_why);
}

#endif /* HVKM_KUNIT_VERDICT_H */
