// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm: the SynIC of a VP (TLFS "Inter-Partition Communication", "SynIC
 * Registers"): its MSRs, messages into the SIM page and event flags in the
 * SIEF page, and the interrupts of its SINTs.  The SIM and SIEF pages are
 * guest RAM that hvkm writes, as the TLFS overlay pages would appear to the
 * guest: zeroed when the guest enables them (docs/deviations.md).  A page
 * outside writable guest RAM takes nothing: messages and flags sent there
 * fail as they would with the page disabled.
 */
#include <linux/bitmap.h>
#include <linux/errno.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "../hvkm.h"

#define SINT_FLAG_WORDS		BITS_TO_LONGS(HV_EVENT_FLAGS_COUNT)

static bool synic_granted(struct hvkm_vp *vp, u64 privilege)
{
	return vp->partition->privileges & privilege;
}

/*
 * Pin the guest page at @gpa for the kernel to write, in the VMM's process
 * only.  The slot lookup uses mmu_lock so that callers may hold the
 * partition's mutex (the ioctls do, to keep the VP alive).
 */
static struct page *synic_pin(struct hvkm_partition *p, u64 gpa)
{
	const struct hvkm_memory_slot *slot;
	unsigned long uaddr = 0;
	struct page *page;

	if (current->mm != p->mm)
		return NULL;
	spin_lock(&p->mmu_lock);
	slot = hvkm_slot_find_locked(p, gpa);
	if (slot && !(slot->flags & HVKM_MEM_READONLY))
		uaddr = slot->uaddr + (gpa - slot->gpa);
	spin_unlock(&p->mmu_lock);
	if (!uaddr)
		return NULL;
	if (pin_user_pages_fast(uaddr, 1, FOLL_WRITE, &page) != 1)
		return NULL;
	return page;
}

static void synic_unpin(struct hvkm_partition *p, u64 gpa, struct page *page)
{
	unpin_user_pages_dirty_lock(&page, 1, true);
	hvkm_mark_dirty(p, gpa, PAGE_SIZE);
}

static bool synic_enabled(const struct hvkm_synic *s, u64 page_msr)
{
	return (s->control & HV_SYNIC_CONTROL_ENABLE) && (page_msr & HV_SYNIC_SIMP_ENABLE);
}

/*
 * An edge on SINT @sint: its vector, unless masked or polled (TLFS "SINTx
 * Registers"), or the SynIC is off ("SCONTROL Register": no notifications).
 */
static void synic_raise(struct hvkm_vp *vp, u32 sint)
{
	union hv_synic_sint r = { .as_uint64 = READ_ONCE(vp->synic->sint[sint]) };

	if (r.masked || r.polling || !(READ_ONCE(vp->synic->control) & HV_SYNIC_CONTROL_ENABLE))
		return;
	hvkm_vp_deliver_irq(vp, r.vector, r.auto_eoi);
}

/*
 * The part posting a message and setting a flag share: under the SynIC's
 * lock, the page that @page_msr (SIMP or SIEFP) names, if enabled, pinned
 * and mapped for @op.  @op returns 1 when SINT @sint is to be raised, 0 when
 * not, or -errno; -ENXIO: SynIC or page disabled, -EFAULT: no RAM there.
 */
static int synic_page_op(struct hvkm_vp *vp, const u64 *page_msr, u32 sint,
			 int (*op)(void *va, u32 sint, const void *arg), const void *arg)
{
	struct hvkm_synic *s = vp->synic;
	struct page *page;
	void *va;
	u64 gpa;
	int ret;

	mutex_lock(&s->lock);
	gpa = *page_msr & PAGE_MASK;
	if (!synic_enabled(s, *page_msr)) {
		ret = -ENXIO;
		goto out;
	}
	page = synic_pin(vp->partition, gpa);
	if (!page) {
		ret = -EFAULT;
		goto out;
	}
	va = kmap_local_page(page);
	ret = op(va, sint, arg);
	kunmap_local(va);
	synic_unpin(vp->partition, gpa, page);
	if (ret > 0)
		synic_raise(vp, sint);
out:
	mutex_unlock(&s->lock);
	return ret;
}

static int synic_fill_slot(void *va, u32 sint, const void *msg)
{
	struct hv_message_page *simp = va;
	int ret = hvkm_synic_slot_fill(&simp->sint_message[sint], msg);

	return ret ? ret : 1;
}

/* 0, -ENXIO (SynIC or SIM page disabled), -EFAULT (no RAM there), -EAGAIN (busy). */
int hvkm_synic_post(struct hvkm_vp *vp, u32 sint, const struct hv_message *msg)
{
	int ret = synic_page_op(vp, &vp->synic->simp, sint, synic_fill_slot, msg);

	return ret < 0 ? ret : 0;
}

/* An interrupt only when the flag was clear (TLFS "Event Flag Delivery"). */
static int synic_set_flag(void *va, u32 sint, const void *flag)
{
	unsigned long *flags = va;

	return !test_and_set_bit(*(const u32 *)flag, flags + sint * SINT_FLAG_WORDS);
}

/*
 * Set event flag @flag of SINT @sint: an atomic set in the SIEF page.  1:
 * the flag was clear, 0: it was set already; -ENXIO (SynIC or SIEF page
 * disabled), -EFAULT (no RAM there).
 */
int hvkm_synic_signal_flag(struct hvkm_vp *vp, u32 sint, u32 flag)
{
	return synic_page_op(vp, &vp->synic->siefp, sint, synic_set_flag, &flag);
}

/*
 * From any context, IRQs off included (eventfd wake-ups): the VP thread
 * sets @flag (or, with @flag < 0, only raises the SINT) before it next
 * enters the guest.
 */
void hvkm_synic_defer_signal(struct hvkm_partition *p, u32 vp_index, u32 sint, int flag)
{
	struct hvkm_synic_partition *sp = &p->synic;
	unsigned long irqflags;
	struct hvkm_vp *vp;

	spin_lock_irqsave(&sp->vps_lock, irqflags);
	vp = vp_index < p->max_vps ? sp->vps[vp_index] : NULL;
	if (vp) {
		if (flag >= 0) {
			set_bit(flag, vp->synic->flags + sint * SINT_FLAG_WORDS);
			set_bit(sint, &vp->synic->flag_sints);
		} else {
			set_bit(sint, &vp->synic->raise_sints);
		}
		set_bit(HVKM_PENDING_SYNIC, &vp->pending_flags);
		hvkm_vp_kick(vp);
	}
	spin_unlock_irqrestore(&sp->vps_lock, irqflags);
}

bool hvkm_synic_has_work(struct hvkm_vp *vp)
{
	return test_bit(HVKM_PENDING_SYNIC, &vp->pending_flags);
}

void hvkm_synic_debugfs_show(struct seq_file *m, struct hvkm_vp *vp)
{
	struct hvkm_synic *s = vp->synic;
	unsigned int i;

	seq_printf(m, "  synic control %#llx expired %#lx raise %#lx flags %#lx host_waiting %#lx\n",
		   s->control, READ_ONCE(s->stimer_expired), READ_ONCE(s->raise_sints),
		   READ_ONCE(s->flag_sints), READ_ONCE(s->host_waiting));
	for (i = 0; i < HV_SYNIC_STIMER_COUNT; i++) {
		struct hvkm_stimer *t = &s->stimer[i];

		if (READ_ONCE(t->config))
			seq_printf(m, "  stimer%u config %#llx count %llu expiration %llu queued %d now %llu\n",
				   i, (u64)READ_ONCE(t->config), t->count, t->expiration,
				   hrtimer_is_queued(&t->timer),
				   hvkm_hv_reference_time(vp->partition));
	}
}

/* The VP thread, before it enters the guest: what atomic sources left for it. */
void hvkm_synic_run_pending(struct hvkm_vp *vp)
{
	struct hvkm_synic *s = vp->synic;
	unsigned long bits;
	unsigned int i, f;

	/* Looked at on every trip into the guest: no locked operation unless set. */
	if (!test_bit(HVKM_PENDING_SYNIC, &vp->pending_flags) ||
	    !test_and_clear_bit(HVKM_PENDING_SYNIC, &vp->pending_flags))
		return;
	bits = xchg(&s->stimer_expired, 0);
	for_each_set_bit(i, &bits, HV_SYNIC_STIMER_COUNT)
		hvkm_stimer_deliver(&s->stimer[i]);
	bits = xchg(&s->raise_sints, 0);
	for_each_set_bit(i, &bits, HV_SYNIC_SINT_COUNT)
		synic_raise(vp, i);
	bits = xchg(&s->flag_sints, 0);
	for_each_set_bit(i, &bits, HV_SYNIC_SINT_COUNT) {
		unsigned long *pending = s->flags + i * SINT_FLAG_WORDS;

		for_each_set_bit(f, pending, HV_EVENT_FLAGS_COUNT)
			if (test_and_clear_bit(f, pending))
				hvkm_synic_signal_flag(vp, i, f);
	}
}

/* An enabled page appears zeroed, as a fresh overlay page would. */
static void synic_zero_page(struct hvkm_vp *vp, u64 gpa)
{
	struct page *page = synic_pin(vp->partition, gpa);

	if (!page)
		return;		/* outside RAM: nothing the guest could see */
	clear_highpage(page);
	synic_unpin(vp->partition, gpa, page);
}

static void synic_set_page(struct hvkm_vp *vp, u64 *reg, u64 data)
{
	struct hvkm_synic *s = vp->synic;
	u64 old;

	mutex_lock(&s->lock);
	old = *reg;
	WRITE_ONCE(*reg, data);
	if ((data & HV_SYNIC_SIMP_ENABLE) &&
	    (!(old & HV_SYNIC_SIMP_ENABLE) || (old ^ data) & PAGE_MASK))
		synic_zero_page(vp, data & PAGE_MASK);
	mutex_unlock(&s->lock);
}

/*
 * EOM (TLFS "EOM Register"): the guest emptied a slot that had
 * MessagePending.  Timer messages waiting for their slot go in now; a VMM
 * that found a slot busy learns it may post again (partition fd poll).
 */
static void synic_eom(struct hvkm_vp *vp)
{
	struct hvkm_synic *s = vp->synic;
	struct hvkm_synic_partition *sp = &vp->partition->synic;
	unsigned int i;

	for (i = 0; i < HV_SYNIC_STIMER_COUNT; i++)
		if (s->stimer[i].msg_pending)
			hvkm_stimer_deliver(&s->stimer[i]);
	if (xchg(&s->host_waiting, 0)) {
		WRITE_ONCE(sp->slot_freed, true);
		wake_up_interruptible(&sp->slot_wq);
	}
}

static bool is_stimer_msr(u32 msr)
{
	return msr >= HV_X64_MSR_STIMER0_CONFIG &&
	       msr < HV_X64_MSR_STIMER0_CONFIG + 2 * HV_SYNIC_STIMER_COUNT;
}

static bool is_synic_msr(u32 msr)
{
	return (msr >= HV_X64_MSR_SCONTROL && msr <= HV_X64_MSR_EOM) ||
	       (msr >= HV_X64_MSR_SINT0 && msr < HV_X64_MSR_SINT0 + HV_SYNIC_SINT_COUNT);
}

int hvkm_synic_msr_get(struct hvkm_vp *vp, u32 msr, u64 *data)
{
	struct hvkm_synic *s = vp->synic;

	if (is_stimer_msr(msr)) {
		struct hvkm_stimer *t = &s->stimer[(msr - HV_X64_MSR_STIMER0_CONFIG) / 2];

		if (!synic_granted(vp, HV_MSR_SYNTIMER_AVAILABLE))
			return -EINVAL;
		*data = (msr - HV_X64_MSR_STIMER0_CONFIG) & 1 ? t->count : READ_ONCE(t->config);
		return 0;
	}
	if (!is_synic_msr(msr))
		return -ENOENT;
	if (!synic_granted(vp, HV_MSR_SYNIC_AVAILABLE))
		return -EINVAL;
	switch (msr) {
	case HV_X64_MSR_SCONTROL:
		*data = s->control;
		return 0;
	case HV_X64_MSR_SVERSION:
		*data = HV_SYNIC_VERSION_1;
		return 0;
	case HV_X64_MSR_SIEFP:
		*data = s->siefp;
		return 0;
	case HV_X64_MSR_SIMP:
		*data = s->simp;
		return 0;
	case HV_X64_MSR_EOM:
		*data = 0;	/* write-only trigger: reads return zeros */
		return 0;
	default:
		*data = s->sint[msr - HV_X64_MSR_SINT0];
		return 0;
	}
}

int hvkm_synic_msr_set(struct hvkm_vp *vp, u32 msr, u64 data)
{
	struct hvkm_synic *s = vp->synic;
	union hv_synic_sint sint = { .as_uint64 = data };

	if (is_stimer_msr(msr)) {
		struct hvkm_stimer *t = &s->stimer[(msr - HV_X64_MSR_STIMER0_CONFIG) / 2];

		if (!synic_granted(vp, HV_MSR_SYNTIMER_AVAILABLE))
			return -EINVAL;
		if ((msr - HV_X64_MSR_STIMER0_CONFIG) & 1) {
			hvkm_stimer_set_count(t, data, true);
			return 0;
		}
		return hvkm_stimer_set_config(t, data);
	}
	if (!is_synic_msr(msr))
		return -ENOENT;
	if (!synic_granted(vp, HV_MSR_SYNIC_AVAILABLE))
		return -EINVAL;
	switch (msr) {
	case HV_X64_MSR_SCONTROL:
		WRITE_ONCE(s->control, data);	/* bits 63:1 RsvdP: kept as written */
		return 0;
	case HV_X64_MSR_SVERSION:
		return -EINVAL;			/* read-only */
	case HV_X64_MSR_SIEFP:
		synic_set_page(vp, &s->siefp, data);
		return 0;
	case HV_X64_MSR_SIMP:
		synic_set_page(vp, &s->simp, data);
		return 0;
	case HV_X64_MSR_EOM:
		synic_eom(vp);
		return 0;
	default:
		/* Vectors 0-15 #GP, but a masked SINT may keep any vector. */
		if (!sint.masked && sint.vector < 16)
			return -EINVAL;
		WRITE_ONCE(s->sint[msr - HV_X64_MSR_SINT0], data);
		return 0;
	}
}

int hvkm_synic_vp_create(struct hvkm_vp *vp)
{
	struct hvkm_synic *s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	unsigned int i;

	if (!s)
		return -ENOMEM;
	s->flags = bitmap_zalloc(HV_SYNIC_SINT_COUNT * HV_EVENT_FLAGS_COUNT, GFP_KERNEL_ACCOUNT);
	if (!s->flags) {
		kfree(s);
		return -ENOMEM;
	}
	mutex_init(&s->lock);
	for (i = 0; i < HV_SYNIC_SINT_COUNT; i++)
		s->sint[i] = HVKM_SINT_DEFAULT;
	vp->synic = s;
	for (i = 0; i < HV_SYNIC_STIMER_COUNT; i++)
		hvkm_stimer_init(vp, i);
	return 0;
}

/* Make the VP reachable (or no longer) for eventfd routes. */
void hvkm_synic_vp_publish(struct hvkm_vp *vp, bool present)
{
	struct hvkm_synic_partition *sp = &vp->partition->synic;
	unsigned long irqflags;

	spin_lock_irqsave(&sp->vps_lock, irqflags);
	sp->vps[vp->vp_index] = present ? vp : NULL;
	spin_unlock_irqrestore(&sp->vps_lock, irqflags);
}

/* Safe on a VP whose creation stopped half way. */
void hvkm_synic_vp_free(struct hvkm_vp *vp)
{
	unsigned int i;

	if (!vp->synic)
		return;
	for (i = 0; i < HV_SYNIC_STIMER_COUNT; i++)
		hvkm_stimer_cancel(&vp->synic->stimer[i]);
	bitmap_free(vp->synic->flags);
	kfree(vp->synic);
	vp->synic = NULL;
}

int hvkm_synic_partition_init(struct hvkm_partition *p)
{
	struct hvkm_synic_partition *sp = &p->synic;

	sp->vps = kcalloc(p->max_vps, sizeof(*sp->vps), GFP_KERNEL_ACCOUNT);
	if (!sp->vps)
		return -ENOMEM;
	mutex_init(&sp->lock);
	INIT_LIST_HEAD(&sp->eventfds);
	INIT_LIST_HEAD(&sp->ports);
	INIT_LIST_HEAD(&sp->routes);
	spin_lock_init(&sp->vps_lock);
	init_waitqueue_head(&sp->slot_wq);
	return 0;
}

void hvkm_synic_partition_destroy(struct hvkm_partition *p)
{
	hvkm_synic_connections_destroy(p);
	kfree(p->synic.vps);
}
