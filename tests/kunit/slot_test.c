// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: guest memory slot rules (kmod/slot.c): the lookup of the slot that
 * holds a GPA at slot edges and with holes, the overlap check a new or
 * replaced region must pass, and the shape of a region request.
 */
#include <kunit/test.h>

#include "slot.c"

#define MIB	BIT_ULL(20)

static const struct hvkm_memory_slot layout[] = {
	{ .gpa = 0, .size = 640 * 1024 },		/* low RAM */
	{ .size = 0 },					/* an empty slot */
	{ .gpa = MIB, .size = 255 * MIB },		/* RAM above 1 MiB */
	{ .gpa = 0xfffc0000, .size = 256 * 1024 },	/* firmware below 4 GiB */
	{ .gpa = 1ULL << 39, .size = 4096 },		/* one page at 512 GiB */
};

static void lookup_edges_and_holes(struct kunit *test)
{
	unsigned int n = ARRAY_SIZE(layout);

	KUNIT_EXPECT_PTR_EQ(test, hvkm_slots_find(layout, n, 0), &layout[0]);
	KUNIT_EXPECT_PTR_EQ(test, hvkm_slots_find(layout, n, 640 * 1024 - 1), &layout[0]);
	KUNIT_EXPECT_NULL(test, hvkm_slots_find(layout, n, 640 * 1024));	/* the VGA hole */
	KUNIT_EXPECT_PTR_EQ(test, hvkm_slots_find(layout, n, MIB), &layout[2]);
	KUNIT_EXPECT_PTR_EQ(test, hvkm_slots_find(layout, n, 256 * MIB - 1), &layout[2]);
	KUNIT_EXPECT_NULL(test, hvkm_slots_find(layout, n, 256 * MIB));
	KUNIT_EXPECT_PTR_EQ(test, hvkm_slots_find(layout, n, 0xffffffff), &layout[3]);
	KUNIT_EXPECT_NULL(test, hvkm_slots_find(layout, n, 0x100000000ULL));
	KUNIT_EXPECT_PTR_EQ(test, hvkm_slots_find(layout, n, (1ULL << 39) + 4095), &layout[4]);
	KUNIT_EXPECT_NULL(test, hvkm_slots_find(layout, n, (1ULL << 39) + 4096));
	KUNIT_EXPECT_NULL(test, hvkm_slots_find(layout, n, U64_MAX));
	/* An empty slot never matches, not even at GPA 0 of its zeroed fields. */
	KUNIT_EXPECT_NULL(test, hvkm_slots_find(&layout[1], 1, 0));
}

static void overlap_rules(struct kunit *test)
{
	unsigned int n = ARRAY_SIZE(layout);

	KUNIT_EXPECT_FALSE(test, hvkm_slots_overlap(layout, n, 9, 640 * 1024, 384 * 1024));
	KUNIT_EXPECT_TRUE(test, hvkm_slots_overlap(layout, n, 9, 640 * 1024 - 4096, 8192));
	KUNIT_EXPECT_TRUE(test, hvkm_slots_overlap(layout, n, 9, 255 * MIB, 2 * MIB));
	KUNIT_EXPECT_FALSE(test, hvkm_slots_overlap(layout, n, 9, 256 * MIB, MIB));
	/* A slot may be replaced by a region that overlaps only itself. */
	KUNIT_EXPECT_FALSE(test, hvkm_slots_overlap(layout, n, 2, MIB, 512 * MIB - MIB));
	KUNIT_EXPECT_TRUE(test, hvkm_slots_overlap(layout, n, 2, 0, 2 * MIB));
	/* Touching is not overlapping. */
	KUNIT_EXPECT_FALSE(test, hvkm_slots_overlap(layout, n, 9, 0xfffc0000 - 4096, 4096));
}

static void region_shapes(struct kunit *test)
{
	struct hvkm_memory_region ok = { .slot = 3, .guest_phys_addr = MIB, .size = MIB,
					 .userspace_addr = 0x7f0000000000 };
	struct hvkm_memory_region r;

	KUNIT_EXPECT_TRUE(test, hvkm_region_shape_valid(&ok));
	r = ok;
	r.slot = HVKM_NR_MEMORY_SLOTS;
	KUNIT_EXPECT_FALSE(test, hvkm_region_shape_valid(&r));
	r = ok;
	r.flags = 0x8;
	KUNIT_EXPECT_FALSE(test, hvkm_region_shape_valid(&r));
	r = ok;
	r.reserved[0] = 1;
	KUNIT_EXPECT_FALSE(test, hvkm_region_shape_valid(&r));
	r = ok;
	r.guest_phys_addr += 1;
	KUNIT_EXPECT_FALSE(test, hvkm_region_shape_valid(&r));
	r = ok;
	r.size = 100;
	KUNIT_EXPECT_FALSE(test, hvkm_region_shape_valid(&r));
	r = ok;
	r.userspace_addr += 8;
	KUNIT_EXPECT_FALSE(test, hvkm_region_shape_valid(&r));
	/* The GPA space ends at 256 TiB; wrapping around is refused. */
	r = ok;
	r.guest_phys_addr = BIT_ULL(HVKM_GPA_BITS) - MIB;
	KUNIT_EXPECT_TRUE(test, hvkm_region_shape_valid(&r));
	r.guest_phys_addr += 4096;
	KUNIT_EXPECT_FALSE(test, hvkm_region_shape_valid(&r));
	r.guest_phys_addr = U64_MAX & PAGE_MASK;
	KUNIT_EXPECT_FALSE(test, hvkm_region_shape_valid(&r));
	/* Deleting (size 0) needs only a valid slot and flags. */
	r = (struct hvkm_memory_region){ .slot = 5, .guest_phys_addr = 123 };
	KUNIT_EXPECT_TRUE(test, hvkm_region_shape_valid(&r));
}

static struct kunit_case slot_cases[] = {
	KUNIT_CASE(lookup_edges_and_holes),
	KUNIT_CASE(overlap_rules),
	KUNIT_CASE(region_shapes),
	{}
};

static struct kunit_suite slot_suite = {
	.name = "hvkm_slot",
	.test_cases = slot_cases,
};

kunit_test_suite(slot_suite);
