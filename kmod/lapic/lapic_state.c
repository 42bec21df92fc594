// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm: the local APIC's state for the VMM (HVKM_GET_LAPIC, HVKM_SET_LAPIC),
 * as the xAPIC register page of SDM vol. 3A table 10-1: what save/restore
 * and migration need, in a layout that does not depend on hvkm's own.
 */
#include <asm/apicdef.h>
#include <linux/bitmap.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "../hvkm.h"

#define STATE_REGS	(sizeof(((struct hvkm_lapic_state *)0)->regs))

static u32 state_reg(const struct hvkm_lapic_state *s, u32 off)
{
	u32 v;

	memcpy(&v, &s->regs[off], sizeof(v));
	return v;
}

int hvkm_lapic_get_state(struct hvkm_vp *vp, struct hvkm_lapic_state __user *arg)
{
	struct hvkm_lapic_state *s = kzalloc(sizeof(*s), GFP_KERNEL);
	int ret = 0;
	u32 off, v;

	if (!s)
		return -ENOMEM;
	for (off = 0; off < STATE_REGS; off += 0x10) {
		v = off == APIC_ICR ? (u32)hvkm_lapic_read_icr(vp) : hvkm_lapic_read_reg(vp, off);
		memcpy(&s->regs[off], &v, sizeof(v));
	}
	if (copy_to_user(arg, s, sizeof(*s)))
		ret = -EFAULT;
	kfree(s);
	return ret;
}

/* The IRR, ISR or TMR from its eight 32-bit registers. */
static void state_bitmap(const struct hvkm_lapic_state *s, u32 base, unsigned long *map)
{
	u32 i;

	bitmap_zero(map, HVKM_LAPIC_VECTORS);
	for (i = 0; i < 8; i++) {
		u32 v = state_reg(s, base + i * 0x10);

		bitmap_set_value8(map, v & 0xff, i * 32);
		bitmap_set_value8(map, (v >> 8) & 0xff, i * 32 + 8);
		bitmap_set_value8(map, (v >> 16) & 0xff, i * 32 + 16);
		bitmap_set_value8(map, v >> 24, i * 32 + 24);
	}
}

/*
 * Writable registers keep only their defined bits; ID, version, PPR, APR,
 * EOI and the current count are derived, and the timer restarts from the
 * saved current count.  -EINVAL when the ID is not this VP's.
 */
int hvkm_lapic_set_state(struct hvkm_vp *vp, const struct hvkm_lapic_state __user *arg)
{
	struct hvkm_lapic *apic = vp->lapic;
	struct hvkm_lapic_state *s;
	bool x2apic = hvkm_lapic_x2apic(vp);
	u32 off;

	s = memdup_user(arg, sizeof(*s));
	if (IS_ERR(s))
		return PTR_ERR(s);
	if (state_reg(s, APIC_ID) != hvkm_lapic_read_reg(vp, APIC_ID)) {
		kfree(s);
		return -EINVAL;
	}
	hvkm_lapic_timer_cancel(apic);
	for (off = 0; off < STATE_REGS; off += 0x10) {
		u32 v = state_reg(s, off);

		switch (off) {
		case APIC_TASKPRI:
			apic->regs[off / 4] = v & 0xff;
			break;
		case APIC_LDR:
			if (!x2apic)	/* x2APIC derives it from the ID */
				apic->regs[off / 4] = v & 0xff000000;
			break;
		case APIC_DFR:
			apic->regs[off / 4] = (v & 0xf0000000) | 0x0fffffff;
			break;
		case APIC_SPIV:
			apic->regs[off / 4] = v & (0x3ff | APIC_SPIV_DIRECTED_EOI);
			break;
		case APIC_ESR:
		case APIC_ICR:
		case APIC_TMICT:
			apic->regs[off / 4] = v;
			break;
		case APIC_ICR2:
			apic->regs[off / 4] = v & 0xff000000;
			break;
		case APIC_TDCR:
			apic->regs[off / 4] = v & 0xb;
			break;
		case APIC_LVTT ... APIC_LVTERR:
		case APIC_LVTCMCI:
			apic->regs[off / 4] = v & hvkm_lapic_lvt_valid(off);
			break;
		default:
			break;
		}
	}
	state_bitmap(s, APIC_ISR, apic->isr);
	state_bitmap(s, APIC_TMR, apic->tmr);
	state_bitmap(s, APIC_IRR, apic->irr);
	bitmap_zero(apic->auto_eoi, HVKM_LAPIC_VECTORS);
	hvkm_lapic_timer_restore(vp, state_reg(s, APIC_TMCCT));
	kfree(s);
	return 0;
}
