// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm: interrupts the VMM asserts (HvCallAssertVirtualInterrupt semantics,
 * TLFS "Virtual Interrupts").  Until the in-kernel local APIC lands they are
 * delivered directly: fixed and lowest-priority interrupts to the VP with
 * the destination APIC id, NMIs likewise; the backend injects them.
 */
#include <linux/bitops.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "hvkm.h"

#define HVKM_FIRST_FIXED_VECTOR	16	/* 0-15 are reserved for exceptions */

/*
 * A fixed interrupt for @vp from inside the kernel: IPI hypercalls, the
 * SynIC, synthetic timers in direct mode.  With @auto_eoi (a SINT with
 * AutoEOI) the vector needs no EOI from the guest.  Callable from any
 * context, hrtimer callbacks included.
 */
void hvkm_vp_deliver_irq(struct hvkm_vp *vp, u8 vector, bool auto_eoi)
{
	set_bit(vector, vp->pending_irqs);
	hvkm_vp_kick(vp);
}

static struct hvkm_vp *hvkm_vp_by_apic_id(struct hvkm_partition *p, u64 apic_id)
{
	u32 i;

	lockdep_assert_held(&p->lock);
	for (i = 0; i < p->max_vps; i++)
		if (p->vps[i] && p->vps[i]->apic_id == apic_id)
			return p->vps[i];
	return NULL;
}

int hvkm_assert_interrupt(struct hvkm_partition *p,
			  const struct hvkm_assert_interrupt __user *arg)
{
	struct hvkm_assert_interrupt req;
	struct hvkm_vp *vp;
	u32 type;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.target_vtl || req.reserved0 || req.reserved1 ||
	    memchr_inv(req.reserved, 0, sizeof(req.reserved)))
		return -EINVAL;
	/* Level-triggered and logical destinations need the local APIC. */
	if (req.control >> 32)
		return -EINVAL;
	type = req.control;
	switch (type) {
	case HV_X64_INTERRUPT_TYPE_FIXED:
	case HV_X64_INTERRUPT_TYPE_LOWESTPRIORITY:
		if (req.vector < HVKM_FIRST_FIXED_VECTOR || req.vector > 255)
			return -EINVAL;
		break;
	case HV_X64_INTERRUPT_TYPE_NMI:
		break;
	default:
		return -EINVAL;
	}

	mutex_lock(&p->lock);
	vp = hvkm_vp_by_apic_id(p, req.dest_addr);
	if (vp) {
		if (type == HV_X64_INTERRUPT_TYPE_NMI)
			set_bit(HVKM_PENDING_NMI, &vp->pending_flags);
		else
			set_bit(req.vector, vp->pending_irqs);
		hvkm_vp_kick(vp);
	}
	mutex_unlock(&p->lock);
	return vp ? 0 : -ENOENT;
}
