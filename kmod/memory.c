// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm: guest RAM follows the VMM's address space.  Nested page tables map
 * the VMM's pages without pinning them; an MMU notifier on the VMM's mm
 * removes the mappings of any range the kernel unmaps, moves, swaps, splits
 * or merges (munmap, madvise, reclaim, THP, KSM), and VPs flush their
 * translations before they run again.  A fault that raced with such an
 * invalidation sees the counters move and retries.
 */
#include <linux/mmu_notifier.h>
#include <linux/pgtable.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/uaccess.h>

#include "hvkm.h"

/*
 * How large a page the VMM maps @hva with: PG_LEVEL_1G (hugetlbfs),
 * PG_LEVEL_2M (a THP or hugetlbfs), else PG_LEVEL_4K (also when nothing is
 * mapped).  A lockless walk of its page tables, as GUP-fast does: with
 * interrupts off no table can be freed under it.  A split racing with this
 * is caught by the invalidation sequence the caller checks before it maps.
 */
enum pg_level hvkm_host_page_level(struct mm_struct *mm, unsigned long hva)
{
	enum pg_level level = PG_LEVEL_4K;
	unsigned long flags;
	pgd_t pgd;
	p4d_t p4d;
	pud_t pud;
	pmd_t pmd;

	local_irq_save(flags);
	pgd = READ_ONCE(*pgd_offset(mm, hva));
	if (!pgd_present(pgd))
		goto out;
	p4d = READ_ONCE(*p4d_offset(&pgd, hva));
	if (!p4d_present(p4d))
		goto out;
	pud = READ_ONCE(*pud_offset(&p4d, hva));
	if (!pud_present(pud))
		goto out;
	if (pud_leaf(pud)) {
		level = PG_LEVEL_1G;
		goto out;
	}
	pmd = READ_ONCE(*pmd_offset(&pud, hva));
	if (pmd_present(pmd) && pmd_leaf(pmd))
		level = PG_LEVEL_2M;
out:
	local_irq_restore(flags);
	return level;
}

static void hvkm_tlb_kick(void *unused)
{
	/* The IPI made the VP leave the guest; it flushes before entering. */
}

/*
 * After translations were removed: every VP picks a fresh address space id
 * before it enters the guest again, and any VP in the guest now is made to
 * leave it before this returns.
 */
void hvkm_partition_flush_tlb(struct hvkm_partition *p)
{
	struct hvkm_vp *vp;
	u32 i;

	lockdep_assert_held(&p->mmu_lock);
	WRITE_ONCE(p->tlb_generation, p->tlb_generation + 1);
	/* Pairs with the barrier after a VP announces IN_GUEST. */
	smp_mb();
	for (i = 0; i < p->max_vps; i++) {
		vp = p->vps[i];
		if (vp && READ_ONCE(vp->mode) == HVKM_IN_GUEST)
			smp_call_function_single(READ_ONCE(vp->cpu), hvkm_tlb_kick, NULL, 1);
	}
}

/* The GPA range of @slot that [start, end) of the VMM's addresses backs. */
static bool slot_gpa_range(const struct hvkm_memory_slot *slot, unsigned long start,
			   unsigned long end, u64 *gstart, u64 *gend)
{
	unsigned long s = max_t(unsigned long, start, slot->uaddr);
	unsigned long e = min_t(unsigned long, end, slot->uaddr + slot->size);

	if (!slot->size || s >= e)
		return false;
	*gstart = slot->gpa + (s - slot->uaddr);
	*gend = slot->gpa + (e - slot->uaddr);
	return true;
}

static int hvkm_invalidate_range_start(struct mmu_notifier *mn,
				       const struct mmu_notifier_range *range)
{
	struct hvkm_partition *p = container_of(mn, struct hvkm_partition, mmu_notifier);
	bool zapped = false;
	u64 gstart, gend;
	int i;

	/*
	 * Only mmu_lock is taken: this may run from reclaim inside an
	 * allocation of a thread that holds the partition's mutex.
	 */
	spin_lock(&p->mmu_lock);
	p->mmu_invalidate_in_progress++;
	for (i = 0; i < HVKM_NR_MEMORY_SLOTS; i++)
		if (slot_gpa_range(&p->slots[i], range->start, range->end, &gstart, &gend))
			zapped |= hvkm_vendor->zap_gpa_range(p, gstart, gend);
	/* The kernel's own address of a VP assist page goes too (tlfs/vp_assist.c). */
	hvkm_hv_assist_invalidate(p, range->start, range->end);
	if (zapped)
		hvkm_partition_flush_tlb(p);
	spin_unlock(&p->mmu_lock);
	return 0;
}

static void hvkm_invalidate_range_end(struct mmu_notifier *mn,
				      const struct mmu_notifier_range *range)
{
	struct hvkm_partition *p = container_of(mn, struct hvkm_partition, mmu_notifier);

	spin_lock(&p->mmu_lock);
	p->mmu_invalidate_seq++;
	p->mmu_invalidate_in_progress--;
	spin_unlock(&p->mmu_lock);
}

/* The VMM's address space is going away: no guest page may stay mapped. */
static void hvkm_mm_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	struct hvkm_partition *p = container_of(mn, struct hvkm_partition, mmu_notifier);

	spin_lock(&p->mmu_lock);
	hvkm_vendor->zap_gpa_range(p, 0, BIT_ULL(HVKM_GPA_BITS));
	hvkm_hv_assist_invalidate(p, 0, ULONG_MAX);
	p->mmu_invalidate_seq++;
	hvkm_partition_flush_tlb(p);
	spin_unlock(&p->mmu_lock);
}

static const struct mmu_notifier_ops hvkm_mmu_notifier_ops = {
	.invalidate_range_start = hvkm_invalidate_range_start,
	.invalidate_range_end = hvkm_invalidate_range_end,
	.release = hvkm_mm_release,
};

int hvkm_memory_init(struct hvkm_partition *p)
{
	spin_lock_init(&p->mmu_lock);
	p->mmu_notifier.ops = &hvkm_mmu_notifier_ops;
	return mmu_notifier_register(&p->mmu_notifier, p->mm);
}

void hvkm_memory_destroy(struct hvkm_partition *p)
{
	mmu_notifier_unregister(&p->mmu_notifier, p->mm);
}

/*
 * Replace slot @index (size 0: delete it).  The old GPAs stop mapping what
 * they did, and a fault that looked at the old slot retries.
 */
int hvkm_memory_set_slot(struct hvkm_partition *p, unsigned int index,
			 const struct hvkm_memory_slot *slot)
{
	struct hvkm_memory_slot *old = &p->slots[index];
	unsigned long *dirty = NULL, *old_dirty;

	lockdep_assert_held(&p->lock);
	if (slot->flags & HVKM_MEM_LOG_DIRTY) {
		dirty = kvcalloc(BITS_TO_LONGS(slot->size >> PAGE_SHIFT), sizeof(long),
				 GFP_KERNEL_ACCOUNT);
		if (!dirty)
			return -ENOMEM;
	}
	spin_lock(&p->mmu_lock);
	if (old->size &&
	    hvkm_vendor->zap_gpa_range(p, old->gpa, old->gpa + old->size))
		hvkm_partition_flush_tlb(p);
	/* GPAs may now mean other pages: VP assist pages are looked up afresh. */
	hvkm_hv_assist_invalidate(p, 0, ULONG_MAX);
	old_dirty = old->dirty;
	*old = *slot;
	old->dirty = dirty;
	p->mmu_invalidate_seq++;
	spin_unlock(&p->mmu_lock);
	kvfree(old_dirty);
	return 0;
}

void hvkm_memory_free_slots(struct hvkm_partition *p)
{
	int i;

	for (i = 0; i < HVKM_NR_MEMORY_SLOTS; i++)
		kvfree(p->slots[i].dirty);
}

/*
 * Hand out the dirty bits and start again: the pages go back to read-only,
 * so the next write to each is seen (and logged) again.
 */
int hvkm_get_dirty_log(struct hvkm_partition *p, const struct hvkm_dirty_log __user *arg)
{
	struct hvkm_memory_slot *slot;
	struct hvkm_dirty_log req;
	unsigned long *copy;
	size_t bytes;
	int ret = 0;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.reserved || req.slot >= HVKM_NR_MEMORY_SLOTS)
		return -EINVAL;

	mutex_lock(&p->lock);
	slot = &p->slots[req.slot];
	if (!slot->size || !slot->dirty) {
		mutex_unlock(&p->lock);
		return -ENOENT;
	}
	bytes = BITS_TO_U64(slot->size >> PAGE_SHIFT) * sizeof(u64);
	copy = kvzalloc(bytes, GFP_KERNEL_ACCOUNT);
	if (!copy) {
		mutex_unlock(&p->lock);
		return -ENOMEM;
	}
	spin_lock(&p->mmu_lock);
	memcpy(copy, slot->dirty, BITS_TO_LONGS(slot->size >> PAGE_SHIFT) * sizeof(long));
	bitmap_zero(slot->dirty, slot->size >> PAGE_SHIFT);
	if (hvkm_vendor->write_protect_gpa_range(p, slot->gpa, slot->gpa + slot->size))
		hvkm_partition_flush_tlb(p);
	spin_unlock(&p->mmu_lock);
	mutex_unlock(&p->lock);

	if (copy_to_user(u64_to_user_ptr(req.bitmap), copy, bytes))
		ret = -EFAULT;
	kvfree(copy);
	return ret;
}
