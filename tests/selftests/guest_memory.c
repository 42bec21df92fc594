// SPDX-License-Identifier: GPL-2.0
/*
 * Guest RAM follows the VMM's address space: madvise(MADV_DONTNEED) and
 * munmap are seen by the running guest, slots change while VPs exist, and a
 * sparse GPA space up to 1 TiB is touched at a few points.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/guest.h"
#include "lib/ksft.h"

#define MEM_SIZE	(16 << 20)
#define PAGE_GPA	0x800000ULL	/* a page of guest RAM the tests play with */

static struct hvkm_vm vm;
static struct hvkm_vcpu vcpu;

static int expect(int want)
{
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, want, NULL) == 0, "see above");
	return KSFT_PASS;
}

static int start(void (*fn)(uint64_t))
{
	return vm_start_long_mode(&vm, &vcpu, MEM_SIZE, 1, fn, 0);
}

static void stop(void)
{
	vm_stop(&vm, &vcpu);
}

static void guest_dontneed(uint64_t arg)
{
	volatile uint64_t *v = (volatile uint64_t *)PAGE_GPA;

	(void)arg;
	*v = 0xaa;
	GUEST_SYNC(1);			/* the host drops the page */
	GUEST_ASSERT_EQ(*v, 0);
	GUEST_SYNC(2);			/* the host writes the new page */
	GUEST_ASSERT_EQ(*v, 0x55);
	*v = 0x66;
	GUEST_DONE();
}

static int madvise_dontneed_is_seen(void)
{
	uint64_t *host;
	int ret = start(guest_dontneed);

	KSFT_CHECK(ret == 0, "setup: %d", ret);
	host = (uint64_t *)(vm.mem + PAGE_GPA);
	KSFT_CHECK(expect(UCALL_SYNC) == KSFT_PASS && *host == 0xaa, "host sees %#llx",
		   (unsigned long long)*host);
	KSFT_CHECK(madvise(host, 4096, MADV_DONTNEED) == 0, "madvise");
	KSFT_CHECK(*host == 0, "host still sees %#llx", (unsigned long long)*host);
	KSFT_CHECK(expect(UCALL_SYNC) == KSFT_PASS, "guest saw the old page");
	*host = 0x55;
	KSFT_CHECK(expect(UCALL_DONE) == KSFT_PASS, "guest missed the host's write");
	KSFT_CHECK(*host == 0x66, "guest write not seen: %#llx", (unsigned long long)*host);
	stop();
	return KSFT_PASS;
}

static void guest_reader(uint64_t arg)
{
	(void)arg;
	GUEST_SYNC(*(volatile uint64_t *)PAGE_GPA);
	GUEST_SYNC(*(volatile uint64_t *)PAGE_GPA);
	GUEST_DONE();
}

/* A page the VMM unmaps cannot be reached; mapped again, it can. */
static int munmap_is_seen(void)
{
	struct ucall uc;
	void *page;
	int ret = start(guest_reader);

	KSFT_CHECK(ret == 0, "setup: %d", ret);
	*(uint64_t *)(vm.mem + PAGE_GPA) = 11;
	KSFT_CHECK(vcpu_run_ucall(&vm, &vcpu, &uc) == UCALL_SYNC && uc.args[0] == 11, "first");
	KSFT_CHECK(munmap(vm.mem + PAGE_GPA, 4096) == 0, "munmap");
	ret = vcpu_run_ucall(&vm, &vcpu, &uc);
	KSFT_CHECK(ret == UCALL_NONE && vcpu.run->exit_reason == HVKM_EXIT_UNHANDLED &&
		   vcpu.run->hw.exit_code == 0x400 && vcpu.run->hw.info2 == PAGE_GPA,
		   "ucall %d exit %u code %#llx", ret, vcpu.run->exit_reason,
		   (unsigned long long)vcpu.run->hw.exit_code);
	page = mmap(vm.mem + PAGE_GPA, 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	KSFT_CHECK(page == vm.mem + PAGE_GPA, "mmap again");
	*(uint64_t *)page = 22;
	KSFT_CHECK(vcpu_run_ucall(&vm, &vcpu, &uc) == UCALL_SYNC && uc.args[0] == 22,
		   "after remap: %llu", (unsigned long long)uc.args[0]);
	stop();
	return KSFT_PASS;
}

static int set_slot(uint32_t slot, uint64_t gpa, uint64_t size, void *mem)
{
	struct hvkm_memory_region r = {
		.slot = slot, .guest_phys_addr = gpa, .size = size, .userspace_addr = (uintptr_t)mem,
	};

	return ioctl(vm.fd, HVKM_SET_MEMORY_REGION, &r) ? -errno : 0;
}

#define EXTRA_GPA	0x20000000ULL	/* 512 MiB: past RAM, inside the identity map */

static void guest_extra(uint64_t arg)
{
	(void)arg;
	GUEST_SYNC(*(volatile uint64_t *)EXTRA_GPA);
	GUEST_SYNC(*(volatile uint64_t *)EXTRA_GPA);
	GUEST_SYNC(*(volatile uint64_t *)EXTRA_GPA);
	GUEST_DONE();
}

/* Slots change under a running guest: moved to other memory, removed. */
static int slots_change_while_vps_exist(void)
{
	uint8_t *a, *b;
	struct ucall uc;
	int ret = start(guest_extra);

	KSFT_CHECK(ret == 0, "setup: %d", ret);
	a = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	b = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	KSFT_CHECK(a != MAP_FAILED && b != MAP_FAILED, "mmap");
	*(uint64_t *)a = 100;
	*(uint64_t *)b = 200;
	KSFT_CHECK(set_slot(1, EXTRA_GPA, 4096, a) == 0, "slot -> a");
	KSFT_CHECK(vcpu_run_ucall(&vm, &vcpu, &uc) == UCALL_SYNC && uc.args[0] == 100, "a");
	KSFT_CHECK(set_slot(1, EXTRA_GPA, 4096, b) == 0, "slot -> b");
	KSFT_CHECK(vcpu_run_ucall(&vm, &vcpu, &uc) == UCALL_SYNC && uc.args[0] == 200,
		   "b: %llu", (unsigned long long)uc.args[0]);
	KSFT_CHECK(set_slot(1, 0, 0, NULL) == 0, "delete");
	ret = vcpu_run_ucall(&vm, &vcpu, &uc);
	KSFT_CHECK(ret == UCALL_NONE && vcpu.run->exit_reason == HVKM_EXIT_MMIO &&
		   vcpu.run->mmio.gpa == EXTRA_GPA, "deleted: ucall %d exit %u", ret,
		   vcpu.run->exit_reason);
	memset(vcpu.run->mmio.data, 0x33, 8);
	KSFT_CHECK(vcpu_run_ucall(&vm, &vcpu, &uc) == UCALL_SYNC &&
		   uc.args[0] == 0x3333333333333333ULL, "MMIO value");
	stop();
	munmap(a, 4096);
	munmap(b, 4096);
	return KSFT_PASS;
}

#define LOG_GPA		0x30000000ULL	/* 768 MiB: a dirty-logged slot of 64 pages */
#define LOG_PAGES	64

static void guest_writes_pages(uint64_t arg)
{
	(void)arg;
	/* Read all (not dirty), then write pages 1, 5 and 63. */
	for (unsigned int i = 0; i < LOG_PAGES; i++)
		GUEST_ASSERT_EQ(*(volatile uint64_t *)(LOG_GPA + i * 4096), i);
	*(volatile uint64_t *)(LOG_GPA + 1 * 4096) = 0x100;
	*(volatile uint64_t *)(LOG_GPA + 5 * 4096 + 8) = 0x500;
	*(volatile uint64_t *)(LOG_GPA + 63 * 4096) = 0x6300;
	GUEST_SYNC(1);
	/* Again after the log was read: only these count now. */
	*(volatile uint64_t *)(LOG_GPA + 5 * 4096) = 0x501;
	*(volatile uint64_t *)(LOG_GPA + 7 * 4096) = 0x700;
	GUEST_SYNC(2);
	GUEST_DONE();
}

static int get_log(uint32_t slot, uint64_t *bitmap)
{
	struct hvkm_dirty_log l = { .slot = slot, .bitmap = (uintptr_t)bitmap };

	return ioctl(vm.fd, HVKM_GET_DIRTY_LOG, &l) ? -errno : 0;
}

static int dirty_log(void)
{
	struct hvkm_memory_region r = {
		.slot = 1, .flags = HVKM_MEM_LOG_DIRTY, .guest_phys_addr = LOG_GPA,
		.size = LOG_PAGES * 4096,
	};
	uint64_t bitmap;
	uint8_t *mem;
	unsigned int i;
	int ret = start(guest_writes_pages);

	KSFT_CHECK(ret == 0, "setup: %d", ret);
	mem = mmap(NULL, LOG_PAGES * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		   -1, 0);
	KSFT_CHECK(mem != MAP_FAILED, "mmap");
	for (i = 0; i < LOG_PAGES; i++)
		*(uint64_t *)(mem + i * 4096) = i;
	r.userspace_addr = (uintptr_t)mem;
	KSFT_CHECK(ioctl(vm.fd, HVKM_SET_MEMORY_REGION, &r) == 0, "slot: errno %d", errno);
	KSFT_CHECK(get_log(0, &bitmap) == -ENOENT, "slot 0 has no log");
	KSFT_CHECK(get_log(32, &bitmap) == -EINVAL, "slot 32");

	KSFT_CHECK(expect(UCALL_SYNC) == KSFT_PASS, "first writes");
	KSFT_CHECK(get_log(1, &bitmap) == 0, "log");
	KSFT_CHECK(bitmap == ((1ULL << 1) | (1ULL << 5) | (1ULL << 63)), "dirty %#llx",
		   (unsigned long long)bitmap);
	KSFT_CHECK(*(uint64_t *)(mem + 5 * 4096 + 8) == 0x500, "write not in memory");

	KSFT_CHECK(expect(UCALL_SYNC) == KSFT_PASS, "second writes");
	KSFT_CHECK(get_log(1, &bitmap) == 0 && bitmap == ((1ULL << 5) | (1ULL << 7)),
		   "dirty again %#llx", (unsigned long long)bitmap);
	KSFT_CHECK(get_log(1, &bitmap) == 0 && bitmap == 0, "log not cleared %#llx",
		   (unsigned long long)bitmap);
	KSFT_CHECK(expect(UCALL_DONE) == KSFT_PASS, "done");
	stop();
	munmap(mem, LOG_PAGES * 4096);
	return KSFT_PASS;
}

#define THP_GPA		0x20000000ULL	/* 512 MiB: a 2 MiB-aligned slot on a THP */
#define MIB2		(2ULL << 20)

static void guest_touches_2m(uint64_t arg)
{
	(void)arg;
	GUEST_SYNC(0);
	for (uint64_t off = 0; off < MIB2; off += 4096)
		*(volatile uint64_t *)(THP_GPA + off) = off;
	GUEST_SYNC(1);
	GUEST_DONE();
}

static uint64_t npf_exits(void)
{
	struct hvkm_vp_stats st;

	return ioctl(vcpu.fd, HVKM_GET_VP_STATS, &st) ? ~0ULL : st.exits[HVKM_STAT_EXIT_NPF];
}

/* Kilobytes of the mapping at @addr that the kernel backs with huge pages. */
static long anon_huge_kb(void *addr)
{
	char line[256];
	long kb = -1;
	bool in = false;
	FILE *f = fopen("/proc/self/smaps", "re");
	unsigned long lo, hi;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2)
			in = (uintptr_t)addr >= lo && (uintptr_t)addr < hi;
		else if (in && sscanf(line, "AnonHugePages: %ld kB", &kb) == 1)
			break;
	}
	fclose(f);
	return kb;
}

/* THP-backed guest RAM is mapped 2 MiB at a time: 512 pages, one fault. */
static int thp_backed_2mib_mappings(void)
{
	uint8_t *area, *thp;
	uint64_t before, after;
	int ret;

	KSFT_SKIP_IF(access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK),
		     "kernel without transparent huge pages");
	area = mmap(NULL, 2 * MIB2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	KSFT_CHECK(area != MAP_FAILED, "mmap");
	thp = (uint8_t *)(((uintptr_t)area + MIB2 - 1) & ~(MIB2 - 1));
	KSFT_CHECK(madvise(thp, MIB2, MADV_HUGEPAGE) == 0, "madvise: errno %d", errno);
	thp[0] = 1;	/* the first touch allocates the huge page */
	if (anon_huge_kb(thp) < 2048) {
		munmap(area, 2 * MIB2);
		KSFT_SKIP_IF(true, "the kernel had no huge page to give");
	}
	ret = start(guest_touches_2m);
	KSFT_CHECK(ret == 0, "setup: %d", ret);
	KSFT_CHECK(set_slot(1, THP_GPA, MIB2, thp) == 0, "slot");
	KSFT_CHECK(expect(UCALL_SYNC) == KSFT_PASS, "start");
	before = npf_exits();
	KSFT_CHECK(expect(UCALL_SYNC) == KSFT_PASS, "touched");
	after = npf_exits();
	KSFT_CHECK(after - before <= 2, "%llu nested page faults for 512 pages",
		   (unsigned long long)(after - before));
	KSFT_CHECK(*(uint64_t *)(thp + MIB2 - 4096) == MIB2 - 4096, "guest writes not in memory");
	KSFT_CHECK(expect(UCALL_DONE) == KSFT_PASS, "done");
	stop();
	munmap(area, 2 * MIB2);
	return KSFT_PASS;
}

#define TIB		(1ULL << 40)
#define GIB		(1ULL << 30)

/*
 * GPAs 16 GiB to 1 TiB, the top of what the CPU of the test VM can address
 * (QEMU's 40 physical address bits).
 */
#define SPARSE_GPA	(16 * GIB)
#define SPARSE_SIZE	(TIB - SPARSE_GPA)

static void guest_sparse(uint64_t arg)
{
	(void)arg;
	/* GVA 1, 2 and 3 GiB map GPA 16 GiB, 512 GiB and 1 TiB - 1 GiB (1 GiB pages). */
	*(volatile uint64_t *)(1 * GIB) = 0x1111;
	*(volatile uint64_t *)(2 * GIB + 0x1234) = 0x2222;
	*(volatile uint64_t *)(4 * GIB - 8) = 0x3333;
	GUEST_DONE();
}

static int sparse_region_up_to_1tib(void)
{
	uint8_t *big;
	int ret = start(guest_sparse);

	KSFT_CHECK(ret == 0, "setup: %d", ret);
	big = mmap(NULL, SPARSE_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	KSFT_CHECK(big != MAP_FAILED, "mmap %llu GiB: errno %d",
		   (unsigned long long)(SPARSE_SIZE / GIB), errno);
	KSFT_CHECK(set_slot(1, SPARSE_GPA, SPARSE_SIZE, big) == 0, "sparse slot");
	*vm_pdpte(&vm, 1 * GIB) = SPARSE_GPA | 0x83;
	*vm_pdpte(&vm, 2 * GIB) = (TIB / 2) | 0x83;
	*vm_pdpte(&vm, 3 * GIB) = (TIB - GIB) | 0x83;
	ret = expect(UCALL_DONE);
	KSFT_CHECK(ret == KSFT_PASS, "guest");
	KSFT_CHECK(*(uint64_t *)big == 0x1111 &&
		   *(uint64_t *)(big + TIB / 2 - SPARSE_GPA + 0x1234) == 0x2222 &&
		   *(uint64_t *)(big + SPARSE_SIZE - 8) == 0x3333, "values not where they belong");
	stop();
	munmap(big, SPARSE_SIZE);
	return KSFT_PASS;
}

/*
 * A 1 GiB hugetlbfs page (the test VMs reserve one at boot) as a slot at
 * 4 GiB, mapped by the guest at GVA 1 GiB with a 1 GiB page of its own.
 */
#define G1_GPA		(4 * GIB)
#define G1_GVA		(1 * GIB)
#define MIB512		(512ULL << 20)

#ifndef MAP_HUGE_1GB
#define MAP_HUGE_1GB	(30 << 26)
#endif

static void *map_1g_page(void)
{
	void *p = mmap(NULL, GIB, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_HUGE_1GB, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void guest_touches_1g(uint64_t arg)
{
	volatile uint64_t *m = (volatile uint64_t *)G1_GVA;

	(void)arg;
	GUEST_SYNC(0);
	for (uint64_t off = 0; off < GIB; off += MIB2)
		m[off / 8] = off | 1;
	GUEST_SYNC(1);			/* the host checks them and writes its own */
	GUEST_ASSERT_EQ(m[8 / 8], 0x1111);
	GUEST_ASSERT_EQ(m[(3 * MIB2 + 16) / 8], 0x2222);
	GUEST_ASSERT_EQ(m[MIB512 / 8], 0x3333);
	GUEST_ASSERT_EQ(m[(GIB - 8) / 8], 0x4444);
	GUEST_SYNC(2);			/* the host drops the whole page */
	GUEST_ASSERT_EQ(m[MIB512 / 8], 0);
	GUEST_ASSERT_EQ(m[(GIB - 8) / 8], 0);
	m[(MIB512 + 4096) / 8] = 0x5555;
	GUEST_DONE();
}

/*
 * A slot on a 1 GiB page is mapped by one 1 GiB nested leaf: the guest
 * writes 512 2 MiB-apart places with at most 2 nested page faults.  Data
 * goes both ways, and dropping the page (the MMU notifier zaps the leaf)
 * gives the guest the new, zeroed page.
 */
static int hugetlb_1gib_mappings(void)
{
	uint64_t before, after, off;
	uint8_t *g;
	int ret;

	g = map_1g_page();
	KSFT_CHECK(g, "no 1 GiB hugetlbfs page (boot with hugepagesz=1G hugepages=1): errno %d",
		   errno);
	ret = start(guest_touches_1g);
	KSFT_CHECK(ret == 0, "setup: %d", ret);
	KSFT_CHECK(set_slot(1, G1_GPA, GIB, g) == 0, "slot");
	*vm_pdpte(&vm, G1_GVA) = G1_GPA | 0x83;
	KSFT_CHECK(expect(UCALL_SYNC) == KSFT_PASS, "start");
	before = npf_exits();
	KSFT_CHECK(expect(UCALL_SYNC) == KSFT_PASS, "touched");
	after = npf_exits();
	KSFT_CHECK(after - before <= 2, "%llu nested page faults for 512 2 MiB pieces",
		   (unsigned long long)(after - before));
	for (off = 0; off < GIB; off += MIB2)
		KSFT_CHECK(*(uint64_t *)(g + off) == (off | 1), "guest write at %#llx not seen",
			   (unsigned long long)off);
	*(uint64_t *)(g + 8) = 0x1111;
	*(uint64_t *)(g + 3 * MIB2 + 16) = 0x2222;
	*(uint64_t *)(g + MIB512) = 0x3333;
	*(uint64_t *)(g + GIB - 8) = 0x4444;
	KSFT_CHECK(expect(UCALL_SYNC) == KSFT_PASS, "guest read the host's values");
	KSFT_CHECK(madvise(g, GIB, MADV_DONTNEED) == 0, "madvise: errno %d", errno);
	KSFT_CHECK(expect(UCALL_DONE) == KSFT_PASS, "guest saw the old page");
	KSFT_CHECK(*(uint64_t *)(g + MIB512 + 4096) == 0x5555, "guest write to the new page");
	stop();
	munmap(g, GIB);
	return KSFT_PASS;
}

static void guest_touches_short_slot(uint64_t arg)
{
	volatile uint64_t *m = (volatile uint64_t *)G1_GVA;

	(void)arg;
	GUEST_SYNC(0);
	for (uint64_t off = 0; off < GIB - MIB2; off += MIB2)
		m[off / 8] = off | 1;
	GUEST_SYNC(1);
	(void)m[(GIB - 8) / 8];		/* past the slot: MMIO, not the page's RAM */
	GUEST_DONE();
}

/*
 * The same page, but the slot ends 2 MiB short of it: no 1 GiB leaf may
 * cover the GPAs past the slot, so the mapping is 2 MiB at a time and the
 * last 2 MiB stay MMIO.
 */
static int no_1gib_leaf_past_slot_end(void)
{
	uint64_t before, after;
	struct ucall uc;
	uint8_t *g;
	int ret;

	g = map_1g_page();
	KSFT_CHECK(g, "no 1 GiB hugetlbfs page: errno %d", errno);
	ret = start(guest_touches_short_slot);
	KSFT_CHECK(ret == 0, "setup: %d", ret);
	KSFT_CHECK(set_slot(1, G1_GPA, GIB - MIB2, g) == 0, "slot");
	*vm_pdpte(&vm, G1_GVA) = G1_GPA | 0x83;
	g[GIB - 8] = 0x77;
	KSFT_CHECK(expect(UCALL_SYNC) == KSFT_PASS, "start");
	before = npf_exits();
	KSFT_CHECK(expect(UCALL_SYNC) == KSFT_PASS, "touched");
	after = npf_exits();
	KSFT_CHECK(after - before >= 511, "%llu nested page faults for 511 2 MiB leaves",
		   (unsigned long long)(after - before));
	ret = vcpu_run_ucall(&vm, &vcpu, &uc);
	KSFT_CHECK(ret == UCALL_NONE && vcpu.run->exit_reason == HVKM_EXIT_MMIO &&
		   vcpu.run->mmio.gpa == G1_GPA + GIB - 8 && !vcpu.run->mmio.is_write,
		   "ucall %d exit %u gpa %#llx", ret, vcpu.run->exit_reason,
		   (unsigned long long)vcpu.run->mmio.gpa);
	KSFT_CHECK(expect(UCALL_DONE) == KSFT_PASS, "done");
	stop();
	munmap(g, GIB);
	return KSFT_PASS;
}

static void guest_reads_then_writes_1g(uint64_t arg)
{
	volatile uint64_t *m = (volatile uint64_t *)G1_GVA;

	(void)arg;
	GUEST_SYNC(0);
	GUEST_ASSERT_EQ(m[0], 0xa);
	GUEST_ASSERT_EQ(m[(3 * MIB2) / 8], 0xb);
	GUEST_ASSERT_EQ(m[(GIB - 8) / 8], 0xc);
	GUEST_SYNC(1);
	m[(MIB512 + 8) / 8] = 0xd;	/* read-only slot: an MMIO write */
	GUEST_DONE();
}

/* A read-only slot on a 1 GiB page: one read-only leaf; writes are MMIO. */
static int hugetlb_1gib_read_only(void)
{
	struct hvkm_memory_region r = {
		.slot = 1, .flags = HVKM_MEM_READONLY, .guest_phys_addr = G1_GPA, .size = GIB,
	};
	uint64_t before, after;
	struct ucall uc;
	uint8_t *g;
	int ret;

	g = map_1g_page();
	KSFT_CHECK(g, "no 1 GiB hugetlbfs page: errno %d", errno);
	*(uint64_t *)g = 0xa;
	*(uint64_t *)(g + 3 * MIB2) = 0xb;
	*(uint64_t *)(g + GIB - 8) = 0xc;
	ret = start(guest_reads_then_writes_1g);
	KSFT_CHECK(ret == 0, "setup: %d", ret);
	r.userspace_addr = (uintptr_t)g;
	KSFT_CHECK(ioctl(vm.fd, HVKM_SET_MEMORY_REGION, &r) == 0, "slot: errno %d", errno);
	*vm_pdpte(&vm, G1_GVA) = G1_GPA | 0x83;
	KSFT_CHECK(expect(UCALL_SYNC) == KSFT_PASS, "start");
	before = npf_exits();
	KSFT_CHECK(expect(UCALL_SYNC) == KSFT_PASS, "read");
	after = npf_exits();
	KSFT_CHECK(after - before <= 2, "%llu nested page faults for 3 reads a GiB apart",
		   (unsigned long long)(after - before));
	ret = vcpu_run_ucall(&vm, &vcpu, &uc);
	KSFT_CHECK(ret == UCALL_NONE && vcpu.run->exit_reason == HVKM_EXIT_MMIO &&
		   vcpu.run->mmio.is_write && vcpu.run->mmio.gpa == G1_GPA + MIB512 + 8 &&
		   *(uint64_t *)vcpu.run->mmio.data == 0xd,
		   "ucall %d exit %u gpa %#llx", ret, vcpu.run->exit_reason,
		   (unsigned long long)vcpu.run->mmio.gpa);
	KSFT_CHECK(*(uint64_t *)(g + MIB512 + 8) == 0, "the write reached the read-only page");
	KSFT_CHECK(expect(UCALL_DONE) == KSFT_PASS, "done");
	stop();
	munmap(g, GIB);
	return KSFT_PASS;
}

static const uint64_t g1_logged[] = { 0, MIB2 + 4096, MIB512, GIB - 4096 };

static void guest_writes_logged_1g(uint64_t arg)
{
	(void)arg;
	for (unsigned int i = 0; i < sizeof(g1_logged) / sizeof(g1_logged[0]); i++)
		*(volatile uint64_t *)(G1_GVA + g1_logged[i]) = i + 1;
	GUEST_DONE();
}

/* Dirty logging counts 4 KiB pages: a logged slot on a 1 GiB page gets no large leaf. */
static int hugetlb_1gib_dirty_logged(void)
{
	struct hvkm_memory_region r = {
		.slot = 1, .flags = HVKM_MEM_LOG_DIRTY, .guest_phys_addr = G1_GPA, .size = GIB,
	};
	size_t words = GIB / 4096 / 64, i, set = 0;
	uint64_t *bitmap;
	uint8_t *g;
	int ret;

	g = map_1g_page();
	KSFT_CHECK(g, "no 1 GiB hugetlbfs page: errno %d", errno);
	bitmap = calloc(words, sizeof(*bitmap));
	KSFT_CHECK(bitmap, "calloc");
	ret = start(guest_writes_logged_1g);
	KSFT_CHECK(ret == 0, "setup: %d", ret);
	r.userspace_addr = (uintptr_t)g;
	KSFT_CHECK(ioctl(vm.fd, HVKM_SET_MEMORY_REGION, &r) == 0, "slot: errno %d", errno);
	*vm_pdpte(&vm, G1_GVA) = G1_GPA | 0x83;
	KSFT_CHECK(expect(UCALL_DONE) == KSFT_PASS, "done");
	KSFT_CHECK(get_log(1, bitmap) == 0, "log");
	for (i = 0; i < words; i++)
		set += __builtin_popcountll(bitmap[i]);
	KSFT_CHECK(set == 4, "%zu pages dirty, not 4", set);
	for (i = 0; i < 4; i++) {
		uint64_t pg = g1_logged[i] / 4096;

		KSFT_CHECK(bitmap[pg / 64] & (1ULL << (pg % 64)), "page %#llx not logged",
			   (unsigned long long)g1_logged[i]);
		KSFT_CHECK(*(uint64_t *)(g + g1_logged[i]) == i + 1, "write %zu not in memory", i);
	}
	stop();
	free(bitmap);
	munmap(g, GIB);
	return KSFT_PASS;
}

static const struct ksft_case cases[] = {
	KSFT_CASE(madvise_dontneed_is_seen),
	KSFT_CASE(munmap_is_seen),
	KSFT_CASE(slots_change_while_vps_exist),
	KSFT_CASE(dirty_log),
	KSFT_CASE(thp_backed_2mib_mappings),
	KSFT_CASE(sparse_region_up_to_1tib),
	KSFT_CASE(hugetlb_1gib_mappings),
	KSFT_CASE(no_1gib_leaf_past_slot_end),
	KSFT_CASE(hugetlb_1gib_read_only),
	KSFT_CASE(hugetlb_1gib_dirty_logged),
};

int main(void)
{
	return ksft_run(cases, KSFT_NR(cases), NULL);
}
