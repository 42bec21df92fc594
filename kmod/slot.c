// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm: the pure rules of guest memory slots: which slot holds a GPA, whether
 * a new region collides with another slot, and whether a region request is
 * well formed.  Callers hold the locks (partition.c); KUnit tests these.
 */
#include <linux/mm.h>
#include <linux/string.h>

#include "hvkm.h"

const struct hvkm_memory_slot *hvkm_slots_find(const struct hvkm_memory_slot *slots,
					       unsigned int n, u64 gpa)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (slots[i].size && gpa >= slots[i].gpa && gpa - slots[i].gpa < slots[i].size)
			return &slots[i];
	return NULL;
}

/* Whether [@gpa, @gpa + @size) overlaps a slot other than @except (the one being replaced). */
bool hvkm_slots_overlap(const struct hvkm_memory_slot *slots, unsigned int n,
			unsigned int except, u64 gpa, u64 size)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (i != except && slots[i].size && gpa < slots[i].gpa + slots[i].size &&
		    slots[i].gpa < gpa + size)
			return true;
	return false;
}

/*
 * A slot index in range, known flags, zero reserved fields; unless it deletes
 * (size 0): page-aligned GPA, size and address, and a GPA range inside what
 * nested paging maps.  Whether the address is user memory is the caller's.
 */
bool hvkm_region_shape_valid(const struct hvkm_memory_region *r)
{
	u64 end = r->guest_phys_addr + r->size;

	if (r->slot >= HVKM_NR_MEMORY_SLOTS ||
	    (r->flags & ~(HVKM_MEM_NOEXEC | HVKM_MEM_READONLY | HVKM_MEM_LOG_DIRTY)))
		return false;
	if (memchr_inv(r->reserved, 0, sizeof(r->reserved)))
		return false;
	if (!r->size)
		return true;
	if (!PAGE_ALIGNED(r->guest_phys_addr) || !PAGE_ALIGNED(r->size) ||
	    !PAGE_ALIGNED(r->userspace_addr))
		return false;
	return end > r->guest_phys_addr && end <= BIT_ULL(HVKM_GPA_BITS);
}
