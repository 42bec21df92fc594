// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm: interrupts from the VMM (HvCallAssertVirtualInterrupt semantics,
 * TLFS "Virtual Interrupts") and from kernel sources, into the local APICs
 * (lapic/).
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
	hvkm_lapic_accept(vp, &(struct hvkm_lapic_irq){
		.vector = vector, .delivery = HVKM_DM_FIXED, .auto_eoi = auto_eoi,
	});
}

static bool hvkm_apic_id_exists(struct hvkm_partition *p, u64 apic_id)
{
	bool found = false;
	u32 i;

	mutex_lock(&p->lock);
	for (i = 0; i < p->max_vps && !found; i++)
		found = p->vps[i] && p->vps[i]->apic_id == apic_id;
	mutex_unlock(&p->lock);
	return found;
}

/*
 * HvCallAssertVirtualInterrupt for the VMM (its IOAPIC, PIC, MSIs): an
 * interrupt message to the local APICs the destination names.
 */
int hvkm_assert_interrupt(struct hvkm_partition *p,
			  const struct hvkm_assert_interrupt __user *arg)
{
	struct hvkm_assert_interrupt req;
	struct hvkm_lapic_irq irq = {};
	u32 type;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.target_vtl || req.reserved0 || req.reserved1 ||
	    memchr_inv(req.reserved, 0, sizeof(req.reserved)))
		return -EINVAL;
	if (req.control >> 32 & ~(u64)((HV_INTERRUPT_CONTROL_LEVEL_TRIGGERED |
					HV_INTERRUPT_CONTROL_LOGICAL_DEST) >> 32))
		return -EINVAL;
	type = req.control;
	switch (type) {
	case HV_X64_INTERRUPT_TYPE_FIXED:
	case HV_X64_INTERRUPT_TYPE_LOWESTPRIORITY:
		if (req.vector < HVKM_FIRST_FIXED_VECTOR || req.vector > 255)
			return -EINVAL;
		break;
	case HV_X64_INTERRUPT_TYPE_NMI:
	case HV_X64_INTERRUPT_TYPE_INIT:
		break;
	case HV_X64_INTERRUPT_TYPE_SIPI:
	case HV_X64_INTERRUPT_TYPE_EXTINT:
		if (req.vector > 255)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	irq.vector = req.vector;
	irq.delivery = type;	/* HV_X64_INTERRUPT_TYPE_* are the APIC's delivery modes */
	irq.level = req.control & HV_INTERRUPT_CONTROL_LEVEL_TRIGGERED;
	irq.assert = true;
	irq.logical = req.control & HV_INTERRUPT_CONTROL_LOGICAL_DEST;
	irq.dest = req.dest_addr;
	if (req.dest_addr > U32_MAX ||
	    (!irq.logical && req.dest_addr != 0xff && req.dest_addr != U32_MAX &&
	     !hvkm_apic_id_exists(p, req.dest_addr)))
		return -ENOENT;
	hvkm_lapic_deliver(p, NULL, &irq);
	return 0;
}

/* HVKM_SET_EOI_EXITS: the whole bitmap at once; VPs read it word by word. */
int hvkm_eoi_exits_set(struct hvkm_partition *p, const struct hvkm_eoi_exits __user *arg)
{
	struct hvkm_eoi_exits req;
	unsigned int i;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	for (i = 0; i < ARRAY_SIZE(req.vectors); i++)
		bitmap_from_u64(&p->eoi_exits[i * 64 / BITS_PER_LONG], req.vectors[i]);
	return 0;
}
