// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm: the VP assist page (TLFS "Virtual Processor Assist Page",
 * HV_X64_MSR_VP_ASSIST_PAGE) as the kernel reaches it.  Injection runs with
 * interrupts off and may not fault or sleep, so the page is looked up in
 * the VMM's address space beforehand (the MSR write, the exits) and used
 * through the kernel's direct map.  No reference is kept, as for the
 * nested page tables: the MMU notifier (memory.c) drops the address under
 * assist_lock before the VMM's page can be unmapped, moved or freed, and
 * the next lookup happens at the next exit.  Until then hvkm simply offers
 * no lazy EOI.
 */
#include <linux/mm.h>
#include <linux/sched.h>

#include "../hvkm.h"

/* Lookups that race with invalidations give up after this many tries. */
#define ASSIST_MAP_TRIES	4

void hvkm_hv_vp_init(struct hvkm_vp *vp)
{
	spin_lock_init(&vp->hv.assist_lock);
	vp->hv.lazy_eoi_vector = -1;
}

static void hv_assist_unmap(struct hvkm_vp *vp)
{
	spin_lock(&vp->hv.assist_lock);
	vp->hv.assist = NULL;
	spin_unlock(&vp->hv.assist_lock);
}

/* The VMM's address of the page at @gpa, if guest RAM the guest may write is there. */
static unsigned long hv_assist_hva(struct hvkm_partition *p, u64 gpa)
{
	const struct hvkm_memory_slot *slot;
	unsigned long hva = 0;

	mutex_lock(&p->lock);
	slot = hvkm_slot_find(p, gpa);
	if (slot && !(slot->flags & HVKM_MEM_READONLY))
		hva = slot->uaddr + (gpa - slot->gpa);
	mutex_unlock(&p->lock);
	return hva;
}

/*
 * Process context, in the VMM's mm: find the page again if the guest
 * enabled one and the kernel has no address for it.  The invalidation
 * counters tell whether the VMM's mapping changed between the lookup and
 * the moment the address is published under mmu_lock.
 */
void hvkm_hv_assist_map(struct hvkm_vp *vp)
{
	struct hvkm_partition *p = vp->partition;
	struct hvkm_hv_vp *hv = &vp->hv;
	u64 gpa = hv->vp_assist & HV_X64_MSR_VP_ASSIST_PAGE_ADDRESS_MASK;
	unsigned long hva, seq;
	struct page *page;
	int tries;
	bool ok;

	if (!(hv->vp_assist & HV_X64_MSR_VP_ASSIST_PAGE_ENABLE) || READ_ONCE(hv->assist) ||
	    current->mm != p->mm)
		return;
	for (tries = 0; tries < ASSIST_MAP_TRIES; tries++) {
		seq = READ_ONCE(p->mmu_invalidate_seq);
		/* The count is read before the lookup, as for a nested page fault. */
		smp_rmb();
		hva = hv_assist_hva(p, gpa);
		if (!hva || get_user_pages_fast(hva, 1, FOLL_WRITE, &page) != 1)
			return;		/* no RAM there: no lazy EOI */
		/* The kernel will write it without the VMM's page tables seeing it. */
		set_page_dirty_lock(page);
		spin_lock(&p->mmu_lock);
		ok = !p->mmu_invalidate_in_progress && p->mmu_invalidate_seq == seq;
		if (ok) {
			spin_lock(&hv->assist_lock);
			hv->assist = page_address(page);
			hv->assist_hva = hva;
			spin_unlock(&hv->assist_lock);
		}
		spin_unlock(&p->mmu_lock);
		put_page(page);
		if (ok)
			return;
		cond_resched();
	}
}

/*
 * Under mmu_lock, from the MMU notifier and slot changes: the VMM's pages
 * in [start, end) are about to change; no VP may use them from now on.
 */
void hvkm_hv_assist_invalidate(struct hvkm_partition *p, unsigned long start, unsigned long end)
{
	struct hvkm_vp *vp;
	u32 i;

	lockdep_assert_held(&p->mmu_lock);
	for (i = 0; i < p->max_vps; i++) {
		vp = p->vps[i];
		if (!vp)
			continue;
		spin_lock(&vp->hv.assist_lock);
		if (vp->hv.assist && vp->hv.assist_hva >= start && vp->hv.assist_hva < end)
			vp->hv.assist = NULL;
		spin_unlock(&vp->hv.assist_lock);
	}
}

/*
 * Test, set or clear bit 0 of apic_assist ("No EOI required"), atomically
 * as the guest's own BTR/XCHG see it: the old bit, or -ENOENT when the
 * kernel has no address for the page.  Any context.
 */
int hvkm_hv_assist_bit(struct hvkm_vp *vp, int op)
{
	struct hvkm_hv_vp *hv = &vp->hv;
	unsigned long *word;
	int old = -ENOENT;

	spin_lock(&hv->assist_lock);
	if (hv->assist) {
		/* apic_assist is the page's first word; the next 32 bits are ReservedZ0. */
		word = (unsigned long *)&hv->assist->apic_assist;
		if (op == HVKM_HV_ASSIST_SET)
			old = test_and_set_bit(0, word);
		else if (op == HVKM_HV_ASSIST_CLEAR)
			old = test_and_clear_bit(0, word);
		else
			old = test_bit(0, word);
		if (op != HVKM_HV_ASSIST_TEST)
			hv->assist_written = true;
	}
	spin_unlock(&hv->assist_lock);
	return old;
}

/* Process context: the dirty log learns of the kernel's writes to the page. */
void hvkm_hv_assist_sync_dirty(struct hvkm_vp *vp)
{
	if (!vp->hv.assist_written)
		return;
	vp->hv.assist_written = false;
	hvkm_mark_dirty(vp->partition, vp->hv.vp_assist & HV_X64_MSR_VP_ASSIST_PAGE_ADDRESS_MASK,
			sizeof(u32));
}

/*
 * A write of HV_X64_MSR_VP_ASSIST_PAGE (the checks are the caller's): an
 * EOI left to the old page is settled first, then the new page is looked up.
 */
int hvkm_hv_assist_set(struct hvkm_vp *vp, u64 msr)
{
	hvkm_hv_lazy_eoi_cancel(vp);
	hv_assist_unmap(vp);
	vp->hv.vp_assist = msr;
	hvkm_hv_assist_map(vp);
	return 0;
}
