// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm: nested page tables (AMD APM vol. 2, 15.25 "Nested Paging").  They
 * have the format of long-mode page tables; every entry is a user entry,
 * because the CPU treats guest accesses to them as user accesses.  Leaves
 * map 4 KiB pages of the VMM's memory without holding them: the partition's
 * MMU notifier zaps them first (kmod/memory.c).  Changes happen under the
 * partition's mmu_lock, a spinlock, so new tables come from a cache filled
 * beforehand.
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <asm/io.h>
#include <asm/pgtable_types.h>

#include "svm.h"

#define NPT_LEVELS	4
#define NPT_ENTRIES	512
#define NPT_TABLE_FLAGS	(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER)
/* A software bit of the leaf: the VMM's page may be written (dirty logging maps it read-only). */
#define NPT_HOST_WRITABLE	_PAGE_SOFTW1

static unsigned int npt_index(u64 gpa, int level)
{
	return (gpa >> (PAGE_SHIFT + 9 * (level - 1))) & (NPT_ENTRIES - 1);
}

static u64 *npt_table(u64 entry)
{
	return __va(entry & PTE_PFN_MASK);
}

int hvkm_npt_init(struct hvkm_npt *npt)
{
	npt->root = (u64 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	return npt->root ? 0 : -ENOMEM;
}

/* A present entry that points to a table, not a (2 MiB or 1 GiB) page. */
static bool npt_is_table(u64 e, int level)
{
	return level > 1 && (e & _PAGE_PRESENT) && !(e & _PAGE_PSE);
}

static void npt_free_table(u64 *table, int level)
{
	unsigned int i;

	for (i = 0; level > 1 && i < NPT_ENTRIES; i++)
		if (npt_is_table(table[i], level))
			npt_free_table(npt_table(table[i]), level - 1);
	free_page((unsigned long)table);
}

void hvkm_npt_destroy(struct hvkm_npt *npt)
{
	if (npt->root)
		npt_free_table(npt->root, NPT_LEVELS);
	npt->root = NULL;
}

int hvkm_npt_cache_fill(struct hvkm_npt_cache *cache)
{
	while (cache->nr < ARRAY_SIZE(cache->pages)) {
		void *page = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);

		if (!page)
			return -ENOMEM;
		cache->pages[cache->nr++] = page;
	}
	return 0;
}

void hvkm_npt_cache_free(struct hvkm_npt_cache *cache)
{
	while (cache->nr)
		free_page((unsigned long)cache->pages[--cache->nr]);
}

/*
 * The entry for @gpa at @target (1: a 4 KiB leaf, 2: a 2 MiB one, 3: a
 * 1 GiB one), taking tables from @cache on the way if given.  A large leaf
 * found above the target is returned instead: it maps @gpa already.
 */
static u64 *npt_walk_to(struct hvkm_npt *npt, u64 gpa, int target,
			struct hvkm_npt_cache *cache)
{
	u64 *table = npt->root;
	int level;

	for (level = NPT_LEVELS; level > target; level--) {
		u64 *e = &table[npt_index(gpa, level)];

		if (!(*e & _PAGE_PRESENT)) {
			if (!cache || !cache->nr)
				return NULL;
			*e = __pa(cache->pages[--cache->nr]) | NPT_TABLE_FLAGS;
		}
		if (*e & _PAGE_PSE)
			return e;
		table = npt_table(*e);
	}
	return &table[npt_index(gpa, target)];
}

static u64 *npt_walk(struct hvkm_npt *npt, u64 gpa, struct hvkm_npt_cache *cache)
{
	return npt_walk_to(npt, gpa, 1, cache);
}

/* -EEXIST when something is mapped there already (another VP was first). */
int hvkm_npt_map(struct hvkm_npt *npt, u64 gpa, unsigned long pfn, bool writable,
		 bool host_writable, bool exec, struct hvkm_npt_cache *cache)
{
	u64 *e = npt_walk(npt, gpa, cache);

	if (!e)
		return -ENOMEM;
	if (*e & _PAGE_PRESENT)
		return -EEXIST;
	*e = ((u64)pfn << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_USER |
	     (writable ? _PAGE_RW : 0) | (host_writable ? NPT_HOST_WRITABLE : 0) |
	     (exec ? 0 : _PAGE_NX);
	return 0;
}

/* A large leaf at @level (2: 2 MiB PDE, 3: 1 GiB PDPTE); -EEXIST as below. */
static int npt_map_large(struct hvkm_npt *npt, u64 gpa, int level, unsigned long pfn,
			 bool writable, bool exec, struct hvkm_npt_cache *cache)
{
	u64 *e = npt_walk_to(npt, gpa, level, cache);

	if (!e)
		return -ENOMEM;
	if (*e & _PAGE_PRESENT)
		return -EEXIST;
	*e = ((u64)pfn << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_USER | _PAGE_PSE |
	     (writable ? _PAGE_RW | NPT_HOST_WRITABLE : 0) | (exec ? 0 : _PAGE_NX);
	return 0;
}

/*
 * Map 2 MiB at @gpa (aligned) to the 512 pages from @pfn (aligned).  -EEXIST
 * when anything is mapped in that range already: 4 KiB mappings stay.
 */
int hvkm_npt_map_2m(struct hvkm_npt *npt, u64 gpa, unsigned long pfn, bool writable,
		    bool exec, struct hvkm_npt_cache *cache)
{
	return npt_map_large(npt, gpa, 2, pfn, writable, exec, cache);
}

/*
 * Map 1 GiB at @gpa (aligned) to the contiguous pages from @pfn (aligned),
 * with a PDPTE whose PS bit makes it a leaf (APM vol. 2, 5.3.5, "1-Gbyte
 * Page Translation"; nested tables have the long-mode format).  -EEXIST
 * when anything is mapped in that range already: smaller leaves stay.
 */
int hvkm_npt_map_1g(struct hvkm_npt *npt, u64 gpa, unsigned long pfn, bool writable,
		    bool exec, struct hvkm_npt_cache *cache)
{
	return npt_map_large(npt, gpa, 3, pfn, writable, exec, cache);
}

/* Let the guest write a page that dirty logging made read-only. */
bool hvkm_npt_make_writable(struct hvkm_npt *npt, u64 gpa)
{
	u64 *e = npt_walk(npt, gpa, NULL);

	if (!e || !(*e & _PAGE_PRESENT) || !(*e & NPT_HOST_WRITABLE))
		return false;
	*e |= _PAGE_RW;
	return true;
}

u64 hvkm_npt_lookup(struct hvkm_npt *npt, u64 gpa)
{
	u64 *e = npt_walk(npt, gpa, NULL);

	return e ? *e : 0;
}

/*
 * Clear the leaves of [start, end), or with @wp only their write permission;
 * tables stay until the partition goes.  A large leaf that overlaps the
 * range at all goes as a whole.  Whether any leaf changed.
 */
static bool npt_zap_table(u64 *table, int level, u64 base, u64 start, u64 end, bool wp)
{
	u64 span = 1ULL << (PAGE_SHIFT + 9 * (level - 1));
	bool zapped = false;
	unsigned int i;

	for (i = 0; i < NPT_ENTRIES; i++) {
		u64 lo = base + i * span, hi = lo + span;

		if (hi <= start || lo >= end || !(table[i] & _PAGE_PRESENT))
			continue;
		if (npt_is_table(table[i], level)) {
			zapped |= npt_zap_table(npt_table(table[i]), level - 1, lo, start, end, wp);
		} else if (!wp) {
			table[i] = 0;
			zapped = true;
		} else if (table[i] & _PAGE_RW) {
			table[i] &= ~_PAGE_RW;
			zapped = true;
		}
	}
	return zapped;
}

bool hvkm_npt_zap(struct hvkm_npt *npt, u64 start, u64 end)
{
	return npt_zap_table(npt->root, NPT_LEVELS, 0, start, end, false);
}

bool hvkm_npt_write_protect(struct hvkm_npt *npt, u64 start, u64 end)
{
	return npt_zap_table(npt->root, NPT_LEVELS, 0, start, end, true);
}
