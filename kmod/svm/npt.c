// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm: nested page tables (AMD APM vol. 2, 15.25 "Nested Paging").  They
 * have the format of long-mode page tables; every entry is a user entry,
 * because the CPU treats guest accesses to them as user accesses.  Leaves
 * map 4 KiB pages pinned from the VMM's memory, unpinned when the tables go.
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <asm/io.h>
#include <asm/pgtable_types.h>

#include "svm.h"

#define NPT_LEVELS	4
#define NPT_ENTRIES	512
#define NPT_TABLE_FLAGS	(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER)

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

static void npt_free_table(u64 *table, int level)
{
	unsigned int i;

	for (i = 0; i < NPT_ENTRIES; i++) {
		u64 e = table[i];
		struct page *page;

		if (!(e & _PAGE_PRESENT))
			continue;
		if (level > 1) {
			npt_free_table(npt_table(e), level - 1);
			continue;
		}
		page = pfn_to_page((e & PTE_PFN_MASK) >> PAGE_SHIFT);
		unpin_user_pages_dirty_lock(&page, 1, e & _PAGE_DIRTY);
	}
	free_page((unsigned long)table);
}

void hvkm_npt_destroy(struct hvkm_npt *npt)
{
	if (npt->root)
		npt_free_table(npt->root, NPT_LEVELS);
	npt->root = NULL;
}

/* The level-1 entry for @gpa, allocating tables on the way when @alloc. */
static u64 *npt_walk(struct hvkm_npt *npt, u64 gpa, bool alloc)
{
	u64 *table = npt->root;
	int level;

	for (level = NPT_LEVELS; level > 1; level--) {
		u64 *e = &table[npt_index(gpa, level)];

		if (!(*e & _PAGE_PRESENT)) {
			unsigned long next;

			if (!alloc)
				return NULL;
			next = get_zeroed_page(GFP_KERNEL_ACCOUNT);
			if (!next)
				return NULL;
			*e = __pa(next) | NPT_TABLE_FLAGS;
		}
		table = npt_table(*e);
	}
	return &table[npt_index(gpa, 1)];
}

/* -EEXIST when something is mapped there already (another VP was first). */
int hvkm_npt_map(struct hvkm_npt *npt, u64 gpa, struct page *page, bool writable,
		 bool exec)
{
	u64 *e = npt_walk(npt, gpa, true);

	if (!e)
		return -ENOMEM;
	if (*e & _PAGE_PRESENT)
		return -EEXIST;
	*e = page_to_phys(page) | _PAGE_PRESENT | _PAGE_USER |
	     (writable ? _PAGE_RW : 0) | (exec ? 0 : _PAGE_NX);
	return 0;
}

u64 hvkm_npt_lookup(struct hvkm_npt *npt, u64 gpa)
{
	u64 *e = npt_walk(npt, gpa, false);

	return e ? *e : 0;
}
