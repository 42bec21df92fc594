// SPDX-License-Identifier: GPL-2.0
// sources: guest_ram.c e820.c
/*
 * Guest RAM: the 3 GiB / hole / 4 GiB layout, the memory map reported for
 * it, and the three backings on the host.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "e820.h"
#include "guest_ram.h"
#include "tap.h"

#define MIB	(1ull << 20)
#define GIB	(1ull << 30)

static long huge_pages_available(void)
{
	const char *dir = "/sys/kernel/mm/hugepages/hugepages-2048kB/";
	char path[128];
	long free_pages = -1, resv = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%sfree_hugepages", dir);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &free_pages) != 1)
		free_pages = -1;
	fclose(f);
	snprintf(path, sizeof(path), "%sresv_hugepages", dir);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%ld", &resv) != 1)
			resv = 0;
		fclose(f);
	}
	return free_pages - resv;
}

static void layout(void)
{
	struct e820_range m[E820_MAX_ENTRIES];
	uint64_t low, high;
	unsigned int n;

	guest_ram_split(256 * MIB, &low, &high);
	n = e820_build(m, low, high);
	CHECK(low == 256 * MIB && !high && n == 4, "256m_low_only");
	CHECK(m[0].addr == 0 && m[0].size == E820_LOW_RAM_END && m[0].type == 1 &&
	      m[1].addr == E820_LOW_RAM_END && m[1].addr + m[1].size == 0xa0000 && m[1].type == 2 &&
	      m[2].addr == 0xf0000 && m[2].size == 0x10000 && m[2].type == 2, "256m_bios_areas");
	CHECK(m[3].addr == MIB && m[3].size == 255 * MIB && m[3].type == 1, "256m_ram_from_1m");

	guest_ram_split(3 * GIB, &low, &high);
	n = e820_build(m, low, high);
	CHECK(low == 3 * GIB && !high && n == 4 && m[3].addr + m[3].size == 3 * GIB,
	      "3g_fills_below_hole");

	guest_ram_split(5 * GIB, &low, &high);
	n = e820_build(m, low, high);
	CHECK(low == 3 * GIB && high == 2 * GIB && n == 5, "5g_split");
	CHECK(m[3].addr + m[3].size == 3 * GIB && m[4].addr == 4 * GIB && m[4].size == 2 * GIB &&
	      m[4].type == 1, "5g_hole_3g_to_4g_rest_above_4g");
}

static void backings(void)
{
	struct guest_ram r;
	char err[256] = "";
	long huge;
	int ret;

	ret = guest_ram_alloc(&r, 64 * MIB, CONFIG_MEMORY_ANONYMOUS, err, sizeof(err));
	CHECK(!ret && r.mem && !((uintptr_t)r.mem & (2 * MIB - 1)) && r.fd < 0 &&
	      r.low == 64 * MIB && !r.high, "anonymous_aligned");
	if (!ret) {
		r.mem[0] = 1;
		r.mem[64 * MIB - 1] = 2;
		CHECK(r.mem[0] == 1 && r.mem[64 * MIB - 1] == 2, "anonymous_writable");
		guest_ram_free(&r);
	}

	ret = guest_ram_alloc(&r, 64 * MIB, CONFIG_MEMORY_MEMFD, err, sizeof(err));
	CHECK(!ret && r.fd >= 0 && !((uintptr_t)r.mem & (2 * MIB - 1)), "memfd_aligned_with_fd");
	if (!ret) {
		uint8_t b = 0;

		r.mem[12345] = 0x5a;
		/* The memory is the memfd's: visible through the fd. */
		CHECK(pread(r.fd, &b, 1, 12345) == 1 && b == 0x5a, "memfd_shared_with_fd");
		guest_ram_free(&r);
	}

	/* Beyond 3 GiB: one mapping, reserved without being touched. */
	ret = guest_ram_alloc(&r, 5 * GIB, CONFIG_MEMORY_ANONYMOUS, err, sizeof(err));
	CHECK(!ret && r.low == 3 * GIB && r.high == 2 * GIB, "5g_anonymous");
	if (!ret) {
		r.mem[r.low + r.high - 1] = 7;	/* high RAM's last byte */
		CHECK(r.mem[5 * GIB - 1] == 7, "5g_high_part_mapped");
		guest_ram_free(&r);
	}

	CHECK(guest_ram_alloc(&r, 3 * MIB, CONFIG_MEMORY_HUGETLBFS, err, sizeof(err)) == -EINVAL &&
	      strstr(err, "2 MiB"), "hugetlbfs_needs_2m_multiple");

	/* Whatever the host has: success with enough pages, one clear line without. */
	huge = huge_pages_available();
	err[0] = 0;
	ret = guest_ram_alloc(&r, 64 * MIB, CONFIG_MEMORY_HUGETLBFS, err, sizeof(err));
	if (huge >= 32) {
		CHECK(!ret && r.fd >= 0, "hugetlbfs_with_free_pages");
		if (!ret)
			guest_ram_free(&r);
	} else {
		CHECK(ret == -ENOMEM && strstr(err, "hugetlbfs") && strstr(err, "huge pages") &&
		      !strchr(err, '\n'), "hugetlbfs_without_free_pages_one_line");
		printf("# %s\n", err);
	}
}

int main(void)
{
	layout();
	backings();
	return tap_done();
}
