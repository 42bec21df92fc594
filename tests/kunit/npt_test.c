// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the nested page table builder with 1 GiB leaves: the PDPTE it
 * writes, lookups across the whole GiB, smaller leaves that block it and
 * that it blocks, and zapping and write protection that take the leaf as a
 * whole.  The code under test is compiled into this module; the page frame
 * numbers are never touched, so they need not be real memory.
 */
#include <kunit/test.h>

#include "svm/npt.c"

#define GIB		BIT_ULL(30)
#define PFN_1G		(GIB >> PAGE_SHIFT)	/* 1 GiB-aligned page frame numbers */

struct npt_fixture {
	struct hvkm_npt npt;
	struct hvkm_npt_cache cache;
};

static int npt_test_init(struct kunit *test)
{
	struct npt_fixture *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	if (!f || hvkm_npt_init(&f->npt))
		return -ENOMEM;
	test->priv = f;
	return 0;
}

static void npt_test_exit(struct kunit *test)
{
	struct npt_fixture *f = test->priv;

	hvkm_npt_cache_free(&f->cache);
	hvkm_npt_destroy(&f->npt);
}

static int map_1g(struct npt_fixture *f, u64 gpa, unsigned long pfn, bool writable, bool exec)
{
	int ret = hvkm_npt_cache_fill(&f->cache);

	return ret ? ret : hvkm_npt_map_1g(&f->npt, gpa, pfn, writable, exec, &f->cache);
}

static int map_4k(struct npt_fixture *f, u64 gpa, unsigned long pfn)
{
	int ret = hvkm_npt_cache_fill(&f->cache);

	return ret ? ret : hvkm_npt_map(&f->npt, gpa, pfn, true, true, true, &f->cache);
}

/* One PDPTE with PS maps all of [1 GiB, 2 GiB), nothing outside it. */
static void leaf_entry_and_lookup(struct kunit *test)
{
	struct npt_fixture *f = test->priv;
	static const u64 inside[] = { 0, 4096, 0x200000, GIB / 2 + 123, GIB - 1 };
	u64 want = (3 * PFN_1G) << PAGE_SHIFT | _PAGE_PRESENT | _PAGE_USER | _PAGE_PSE |
		   _PAGE_RW | NPT_HOST_WRITABLE | _PAGE_NX;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, map_1g(f, GIB, 3 * PFN_1G, true, false), 0);
	/* Only a PDPT was needed below the root. */
	KUNIT_EXPECT_EQ(test, f->cache.nr, 2u);
	for (i = 0; i < ARRAY_SIZE(inside); i++)
		KUNIT_EXPECT_EQ(test, hvkm_npt_lookup(&f->npt, GIB + inside[i]), want);
	KUNIT_EXPECT_EQ(test, hvkm_npt_lookup(&f->npt, GIB - 4096), 0ULL);
	KUNIT_EXPECT_EQ(test, hvkm_npt_lookup(&f->npt, 2 * GIB), 0ULL);
	/* The leaf is the PDPTE itself: index 1 of the root's first table. */
	KUNIT_EXPECT_EQ(test, npt_table(f->npt.root[0])[1], want);
}

/* Read-only and executable: no RW, no host-writable bit, no NX. */
static void read_only_exec_leaf(struct kunit *test)
{
	struct npt_fixture *f = test->priv;
	u64 e;

	KUNIT_ASSERT_EQ(test, map_1g(f, 5 * GIB, PFN_1G, false, true), 0);
	e = hvkm_npt_lookup(&f->npt, 5 * GIB + 0x1234);
	KUNIT_EXPECT_EQ(test, e, PFN_1G << PAGE_SHIFT | _PAGE_PRESENT | _PAGE_USER | _PAGE_PSE);
	/* Dirty logging may not make a page writable that the VMM's is not. */
	KUNIT_EXPECT_FALSE(test, hvkm_npt_make_writable(&f->npt, 5 * GIB));
}

/* Smaller leaves already there keep the GiB from being one leaf, and the other way. */
static void blocked_both_ways(struct kunit *test)
{
	struct npt_fixture *f = test->priv;

	KUNIT_ASSERT_EQ(test, map_4k(f, 3 * GIB + 8192, 42), 0);
	KUNIT_EXPECT_EQ(test, map_1g(f, 3 * GIB, PFN_1G, true, true), -EEXIST);
	KUNIT_EXPECT_EQ(test, hvkm_npt_lookup(&f->npt, 3 * GIB + 8192) >> PAGE_SHIFT &
			((1ULL << 40) - 1), 42ULL);

	KUNIT_ASSERT_EQ(test, map_1g(f, 7 * GIB, 2 * PFN_1G, true, true), 0);
	KUNIT_EXPECT_EQ(test, map_4k(f, 7 * GIB + 4096, 43), -EEXIST);
	KUNIT_ASSERT_EQ(test, hvkm_npt_cache_fill(&f->cache), 0);
	KUNIT_EXPECT_EQ(test, hvkm_npt_map_2m(&f->npt, 7 * GIB + 0x400000, 44, true, true,
					      &f->cache), -EEXIST);
	KUNIT_EXPECT_EQ(test, map_1g(f, 7 * GIB, 2 * PFN_1G, true, true), -EEXIST);
}

/* A zap that touches any part of the GiB removes the whole leaf; one beside it, nothing. */
static void zap_takes_the_whole_leaf(struct kunit *test)
{
	struct npt_fixture *f = test->priv;

	KUNIT_ASSERT_EQ(test, map_1g(f, GIB, PFN_1G, true, true), 0);
	KUNIT_EXPECT_FALSE(test, hvkm_npt_zap(&f->npt, 2 * GIB, 3 * GIB));
	KUNIT_EXPECT_FALSE(test, hvkm_npt_zap(&f->npt, 0, GIB));
	KUNIT_EXPECT_NE(test, hvkm_npt_lookup(&f->npt, GIB), 0ULL);
	KUNIT_EXPECT_TRUE(test, hvkm_npt_zap(&f->npt, GIB + GIB / 2, GIB + GIB / 2 + 4096));
	KUNIT_EXPECT_EQ(test, hvkm_npt_lookup(&f->npt, GIB), 0ULL);
	KUNIT_EXPECT_EQ(test, hvkm_npt_lookup(&f->npt, 2 * GIB - 1), 0ULL);
	/* The GiB can be mapped again. */
	KUNIT_EXPECT_EQ(test, map_1g(f, GIB, PFN_1G, true, true), 0);
}

/* Write protection clears RW on the leaf; the write fault path sets it back. */
static void write_protect_and_make_writable(struct kunit *test)
{
	struct npt_fixture *f = test->priv;

	KUNIT_ASSERT_EQ(test, map_1g(f, GIB, PFN_1G, true, true), 0);
	KUNIT_EXPECT_TRUE(test, hvkm_npt_write_protect(&f->npt, GIB + 4096, GIB + 8192));
	KUNIT_EXPECT_EQ(test, hvkm_npt_lookup(&f->npt, GIB) & _PAGE_RW, 0ULL);
	KUNIT_EXPECT_TRUE(test, hvkm_npt_make_writable(&f->npt, GIB + 5 * 4096));
	KUNIT_EXPECT_NE(test, hvkm_npt_lookup(&f->npt, 2 * GIB - 1) & _PAGE_RW, 0ULL);
}

static struct kunit_case npt_test_cases[] = {
	KUNIT_CASE(leaf_entry_and_lookup),
	KUNIT_CASE(read_only_exec_leaf),
	KUNIT_CASE(blocked_both_ways),
	KUNIT_CASE(zap_takes_the_whole_leaf),
	KUNIT_CASE(write_protect_and_make_writable),
	{}
};

static struct kunit_suite npt_suite = {
	.name = "hvkm_npt",
	.init = npt_test_init,
	.exit = npt_test_exit,
	.test_cases = npt_test_cases,
};

kunit_test_suite(npt_suite);
