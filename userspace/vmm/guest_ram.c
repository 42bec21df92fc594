// SPDX-License-Identifier: GPL-2.0
/*
 * Guest RAM backings (docs/vmm.md "Guest RAM"): anonymous memory (THP
 * where the host allows), a memfd (shmem, shareable with another process),
 * or a memfd of 2 MiB hugetlbfs pages, which the kernel reserves when the
 * memory is mapped, so too few free huge pages fail at once, not in the
 * middle of the guest's run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/memfd.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "guest_ram.h"

#define HUGE_2M		(2ull << 20)
#define MIB		(1ull << 20)
#define HUGEPAGES_2M	"/sys/kernel/mm/hugepages/hugepages-2048kB/"

static int fail(char *err, size_t errlen, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return ret;
}

void guest_ram_split(uint64_t size, uint64_t *low, uint64_t *high)
{
	*low = size < GUEST_RAM_LOW_MAX ? size : GUEST_RAM_LOW_MAX;
	*high = size - *low;
}

static long read_sysfs_long(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/* hugetlbfs: say clearly when the host cannot back @size with 2 MiB pages. */
static int check_huge_pages(uint64_t size, char *err, size_t errlen)
{
	long free_pages = read_sysfs_long(HUGEPAGES_2M "free_hugepages");
	long resv = read_sysfs_long(HUGEPAGES_2M "resv_hugepages");
	uint64_t need = size / HUGE_2M;

	if (free_pages < 0)
		return fail(err, errlen, -ENOMEM,
			    "memory_backing hugetlbfs: the host has no 2 MiB huge pages (%s)",
			    HUGEPAGES_2M);
	if (resv > 0)
		free_pages = free_pages > resv ? free_pages - resv : 0;
	if ((uint64_t)free_pages < need)
		return fail(err, errlen, -ENOMEM,
			    "memory_backing hugetlbfs: %llu MiB need %llu free 2 MiB huge pages, the host has %ld (see /proc/sys/vm/nr_hugepages)",
			    (unsigned long long)(size / MIB), (unsigned long long)need,
			    free_pages);
	return 0;
}

static int map_memfd(struct guest_ram *r, uint8_t *at, bool huge, char *err, size_t errlen)
{
	unsigned int flags = MFD_CLOEXEC | (huge ? MFD_HUGETLB | MFD_HUGE_2MB : 0);
	void *p;

	r->fd = memfd_create("hvkm-guest-ram", flags);
	if (r->fd < 0)
		return fail(err, errlen, -errno, "memory_backing %s: memfd_create: %s",
			    huge ? "hugetlbfs" : "memfd", strerror(errno));
	if (ftruncate(r->fd, (off_t)r->size))
		return fail(err, errlen, -errno, "memory_backing %s: %llu MiB: %s",
			    huge ? "hugetlbfs" : "memfd", (unsigned long long)(r->size / MIB),
			    strerror(errno));
	/* Huge pages are reserved here: too few fail now with ENOMEM. */
	p = mmap(at, r->size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, r->fd, 0);
	if (p == MAP_FAILED)
		return fail(err, errlen, -errno, "memory_backing %s: mapping %llu MiB: %s",
			    huge ? "hugetlbfs" : "memfd", (unsigned long long)(r->size / MIB),
			    strerror(errno));
	return 0;
}

int guest_ram_alloc(struct guest_ram *r, uint64_t size, enum config_memory_backing backing,
		    char *err, size_t errlen)
{
	uint8_t *area, *mem;
	int ret = 0;

	memset(r, 0, sizeof(*r));
	r->fd = -1;
	if (!size || size % (backing == CONFIG_MEMORY_HUGETLBFS ? HUGE_2M : MIB))
		return fail(err, errlen, -EINVAL, "guest RAM: %llu bytes is not a multiple of %s",
			    (unsigned long long)size,
			    backing == CONFIG_MEMORY_HUGETLBFS ? "2 MiB" : "1 MiB");
	if (backing == CONFIG_MEMORY_HUGETLBFS) {
		ret = check_huge_pages(size, err, errlen);
		if (ret)
			return ret;
	}
	/*
	 * Reserve 2 MiB more than needed and keep an aligned window, so that
	 * THP or huge pages can back it and hvkm map it with 2 MiB nested pages.
	 */
	area = mmap(NULL, size + HUGE_2M, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (area == MAP_FAILED)
		return fail(err, errlen, -errno, "guest RAM: %llu MiB: %s (the host's overcommit limit?)",
			    (unsigned long long)(size / MIB), strerror(errno));
	mem = (uint8_t *)(((uintptr_t)area + HUGE_2M - 1) & ~(uintptr_t)(HUGE_2M - 1));
	if (mem != area)
		munmap(area, (size_t)(mem - area));
	munmap(mem + size, (size_t)(area + HUGE_2M - mem));
	r->mem = mem;
	r->size = size;
	guest_ram_split(size, &r->low, &r->high);
	if (backing != CONFIG_MEMORY_ANONYMOUS)
		ret = map_memfd(r, mem, backing == CONFIG_MEMORY_HUGETLBFS, err, errlen);
	if (ret) {
		guest_ram_free(r);
		return ret;
	}
	if (backing != CONFIG_MEMORY_HUGETLBFS)
		madvise(mem, size, MADV_HUGEPAGE);
	return 0;
}

void guest_ram_free(struct guest_ram *r)
{
	if (r->mem)
		munmap(r->mem, r->size);
	if (r->fd >= 0)
		close(r->fd);
	r->mem = NULL;
	r->fd = -1;
}
