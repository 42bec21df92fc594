// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm: reading guest memory and walking the guest's page tables, for the
 * kernel's own use (fetching an instruction to decode).  Guest RAM is the
 * VMM's memory, and this runs in the VMM's process, so copy_from_user() does
 * the reading.  Page walks: AMD APM vol. 2, 5.3 (legacy), 5.4 (PAE), 5.5
 * (long mode); accessed and dirty bits are not set.
 */
#include <asm/processor-flags.h>
#include <asm/msr-index.h>
#include <linux/uaccess.h>

#include "hvkm.h"

int hvkm_read_guest(struct hvkm_partition *p, u64 gpa, void *buf, unsigned int len)
{
	const struct hvkm_memory_slot *slot;
	unsigned long uaddr = 0;

	mutex_lock(&p->lock);
	slot = hvkm_slot_find(p, gpa);
	if (slot && gpa + len - slot->gpa <= slot->size)
		uaddr = slot->uaddr + (gpa - slot->gpa);
	mutex_unlock(&p->lock);
	if (!uaddr)
		return -EFAULT;
	return copy_from_user(buf, (const void __user *)uaddr, len) ? -EFAULT : 0;
}

/* Pages the kernel itself wrote belong in the dirty log like the guest's. */
void hvkm_mark_dirty(struct hvkm_partition *p, u64 gpa, unsigned int len)
{
	const struct hvkm_memory_slot *slot;
	u64 page;

	spin_lock(&p->mmu_lock);
	for (page = gpa & PAGE_MASK; page < gpa + len; page += PAGE_SIZE) {
		slot = hvkm_slot_find_locked(p, page);
		if (slot && slot->dirty)
			set_bit((page - slot->gpa) >> PAGE_SHIFT, slot->dirty);
	}
	spin_unlock(&p->mmu_lock);
}

/* For the kernel's own writes: the hypercall page, the TSC page, results. */
int hvkm_write_guest(struct hvkm_partition *p, u64 gpa, const void *buf, unsigned int len)
{
	const struct hvkm_memory_slot *slot;
	unsigned long uaddr = 0;

	mutex_lock(&p->lock);
	slot = hvkm_slot_find(p, gpa);
	if (slot && !(slot->flags & HVKM_MEM_READONLY) && gpa + len - slot->gpa <= slot->size)
		uaddr = slot->uaddr + (gpa - slot->gpa);
	mutex_unlock(&p->lock);
	if (!uaddr)
		return -EFAULT;
	if (copy_to_user((void __user *)uaddr, buf, len))
		return -EFAULT;
	hvkm_mark_dirty(p, gpa, len);
	return 0;
}

#define PTE_P		BIT_ULL(0)
#define PTE_PS		BIT_ULL(7)
#define PTE_ADDR	GENMASK_ULL(51, 12)

static int read_pte(struct hvkm_partition *p, u64 gpa, unsigned int size, u64 *pte)
{
	u32 pte32;
	int ret;

	if (size == 4) {
		ret = hvkm_read_guest(p, gpa, &pte32, 4);
		*pte = pte32;
		return ret;
	}
	return hvkm_read_guest(p, gpa, pte, 8);
}

#define PTE_RW		BIT_ULL(1)
#define PTE_US		BIT_ULL(2)
#define PTE_NX		BIT_ULL(63)

/* Access rights are the intersection over the levels; NX counts with EFER.NXE. */
static void walk_rights(struct hvkm_walk *w, u64 pte, bool nxe)
{
	w->writable &= !!(pte & PTE_RW);
	w->user &= !!(pte & PTE_US);
	w->nx |= nxe && (pte & PTE_NX);
}

/* -EFAULT when the address is not mapped: the guest itself would fault. */
int hvkm_walk_gva(struct hvkm_partition *p, const struct hvkm_paging *pg, u64 gva,
		  struct hvkm_walk *w)
{
	unsigned int levels, bits, shift, size;
	bool nxe = pg->efer & EFER_NX;
	u64 table, pte;
	int level;

	*w = (struct hvkm_walk){ .writable = true, .user = true };
	if (!(pg->cr0 & X86_CR0_PG)) {
		w->gpa = (pg->efer & EFER_LMA) ? gva : (u32)gva;
		return 0;
	}
	if (pg->efer & EFER_LMA) {
		if (pg->cr4 & X86_CR4_LA57)
			return -EOPNOTSUPP;
		levels = 4;
		bits = 9;
		size = 8;
		table = pg->cr3 & PTE_ADDR;
	} else if (pg->cr4 & X86_CR4_PAE) {
		/* The 4 PDPTEs sit at CR3[31:5]. */
		if (read_pte(p, (pg->cr3 & 0xffffffe0) + 8 * ((u32)gva >> 30), 8, &pte) ||
		    !(pte & PTE_P))
			return -EFAULT;
		levels = 2;
		bits = 9;
		size = 8;
		table = pte & PTE_ADDR;
		gva = (u32)gva;
	} else {
		levels = 2;
		bits = 10;
		size = 4;
		table = pg->cr3 & 0xfffff000;
		gva = (u32)gva;
	}

	for (level = levels; level >= 1; level--) {
		shift = 12 + bits * (level - 1);
		if (read_pte(p, table + size * ((gva >> shift) & ((1u << bits) - 1)), size, &pte))
			return -EFAULT;
		if (!(pte & PTE_P))
			return -EFAULT;
		walk_rights(w, pte, nxe && size == 8);
		/* A large page: 1 GiB or 2 MiB (4 MiB with 32-bit entries and PSE). */
		if (level > 1 && (pte & PTE_PS) &&
		    (size == 8 || (pg->cr4 & X86_CR4_PSE))) {
			u64 base = size == 8 ? pte & PTE_ADDR & ~((1ULL << shift) - 1) :
				   (pte & 0xffc00000) | ((pte & 0x1fe000) << 19);

			w->gpa = base | (gva & ((1ULL << shift) - 1));
			return 0;
		}
		table = size == 8 ? pte & PTE_ADDR : pte & 0xfffff000;
	}
	w->gpa = table | (gva & 0xfff);
	return 0;
}

int hvkm_gva_to_gpa(struct hvkm_partition *p, const struct hvkm_paging *pg,
		    u64 gva, u64 *gpa)
{
	struct hvkm_walk w;
	int ret = hvkm_walk_gva(p, pg, gva, &w);

	*gpa = w.gpa;
	return ret;
}

/* Write @len bytes of guest RAM at @gva; -EFAULT if any of it is not RAM. */
int hvkm_store_guest(struct hvkm_partition *p, const struct hvkm_paging *pg,
		     u64 gva, const u8 *buf, unsigned int len)
{
	const struct hvkm_memory_slot *slot;
	unsigned int done = 0, chunk;
	unsigned long uaddr;
	u64 gpa;

	while (done < len) {
		chunk = min_t(unsigned int, len - done, PAGE_SIZE - ((gva + done) & ~PAGE_MASK));
		if (hvkm_gva_to_gpa(p, pg, gva + done, &gpa))
			return -EFAULT;
		mutex_lock(&p->lock);
		slot = hvkm_slot_find(p, gpa);
		uaddr = slot && !(slot->flags & HVKM_MEM_READONLY) &&
			gpa + chunk - slot->gpa <= slot->size ?
			slot->uaddr + (gpa - slot->gpa) : 0;
		mutex_unlock(&p->lock);
		if (!uaddr || copy_to_user((void __user *)uaddr, buf + done, chunk))
			return -EFAULT;
		done += chunk;
	}
	return 0;
}

/* Fetch up to @len bytes at @gva, stopping early at an unmapped page. */
unsigned int hvkm_fetch_guest(struct hvkm_partition *p, const struct hvkm_paging *pg,
			      u64 gva, u8 *buf, unsigned int len)
{
	unsigned int done = 0, chunk;
	u64 gpa;

	while (done < len) {
		chunk = min_t(unsigned int, len - done, PAGE_SIZE - ((gva + done) & ~PAGE_MASK));
		if (hvkm_gva_to_gpa(p, pg, gva + done, &gpa) ||
		    hvkm_read_guest(p, gpa, buf + done, chunk))
			break;
		done += chunk;
	}
	return done;
}
