// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm: interrupts through the local APIC: destinations (SDM 10.6.2), the
 * delivery modes (10.6.1), acceptance into IRR/TMR, priorities (10.8.3),
 * handing the highest one to the VP, EOI (10.8.5).  IRR, TMR and the
 * AutoEOI set are written by any thread with atomic bit operations; ISR
 * and the registers belong to the VP's own thread.
 */
#include <asm/apicdef.h>
#include <linux/bitmap.h>

#include "../hvkm.h"

#define APIC_BASE_ENABLE	BIT_ULL(11)

static bool apic_accepts_fixed(struct hvkm_vp *vp)
{
	return (vp->msrs.apic_base & APIC_BASE_ENABLE) &&
	       (vp->lapic->regs[APIC_SPIV / 4] & APIC_SPIV_APIC_ENABLED);
}

/* Physical or logical destination match (SDM 10.6.2.1-10.6.2.2, 10.12.10). */
static bool apic_match(struct hvkm_vp *vp, const struct hvkm_lapic_irq *irq)
{
	bool x2apic = hvkm_lapic_x2apic(vp);
	u32 ldr = vp->lapic->regs[APIC_LDR / 4];

	if (!irq->logical) {
		if (x2apic)
			return irq->dest == 0xffffffff || irq->dest == vp->apic_id;
		return irq->dest == 0xff || irq->dest == (vp->apic_id & 0xff);
	}
	if (x2apic)
		return irq->dest == 0xffffffff ||
		       ((irq->dest >> 16) == (ldr >> 16) && (irq->dest & ldr & 0xffff));
	if (irq->dest == 0xff)
		return true;
	ldr >>= 24;
	if ((vp->lapic->regs[APIC_DFR / 4] >> 28) == 0xf)	/* flat */
		return ldr & irq->dest;
	return (ldr >> 4) == (irq->dest >> 4) && (ldr & irq->dest & 0xf);	/* cluster */
}

static bool apic_targets(struct hvkm_vp *vp, struct hvkm_vp *src,
			 const struct hvkm_lapic_irq *irq)
{
	switch (irq->shorthand) {
	case 1:
		return vp == src;
	case 2:
		return true;
	case 3:
		return vp != src;
	default:
		return apic_match(vp, irq);
	}
}

/*
 * Send @irq from @src (NULL for the VMM and MSIs) to every VP it names.
 * Lowest priority goes to the first VP that matches, which SDM 10.6.2.4
 * allows ("implementation specific").  Process context.
 */
void hvkm_lapic_deliver(struct hvkm_partition *p, struct hvkm_vp *src,
			const struct hvkm_lapic_irq *irq)
{
	u32 i;

	mutex_lock(&p->lock);
	for (i = 0; i < p->max_vps; i++) {
		struct hvkm_vp *vp = p->vps[i];

		if (!vp || !apic_targets(vp, src, irq))
			continue;
		hvkm_lapic_accept(vp, irq);
		if (irq->delivery == HVKM_DM_LOWEST)
			break;
	}
	mutex_unlock(&p->lock);
}

/* Take @irq into this VP's APIC; any context. */
void hvkm_lapic_accept(struct hvkm_vp *vp, const struct hvkm_lapic_irq *irq)
{
	struct hvkm_lapic *apic = vp->lapic;

	switch (irq->delivery) {
	case HVKM_DM_FIXED:
	case HVKM_DM_LOWEST:
		/* Vectors 0-15 are illegal (SDM 10.5.2); disabled APICs take nothing. */
		if (irq->vector < 16 || !apic_accepts_fixed(vp))
			return;
		if (irq->level)
			set_bit(irq->vector, apic->tmr);
		else
			clear_bit(irq->vector, apic->tmr);
		if (irq->auto_eoi)
			set_bit(irq->vector, apic->auto_eoi);
		else
			clear_bit(irq->vector, apic->auto_eoi);
		set_bit(irq->vector, apic->irr);
		break;
	case HVKM_DM_NMI:
		set_bit(HVKM_PENDING_NMI, &vp->pending_flags);
		break;
	case HVKM_DM_INIT:
		/* A SIPI that came before this INIT has nothing left to start. */
		clear_bit(HVKM_PENDING_SIPI, &vp->pending_flags);
		set_bit(HVKM_PENDING_INIT, &vp->pending_flags);
		break;
	case HVKM_DM_SIPI:
		/*
		 * Only a VP waiting after INIT starts, with the first SIPI's
		 * vector; it ignores later ones (SDM 8.4.4.1).
		 */
		if (test_bit(HVKM_PENDING_SIPI, &vp->pending_flags))
			return;
		WRITE_ONCE(apic->sipi_vector, irq->vector);
		/* The vector is visible before the flag the VP tests. */
		smp_mb__before_atomic();
		set_bit(HVKM_PENDING_SIPI, &vp->pending_flags);
		break;
	case HVKM_DM_EXTINT:
		WRITE_ONCE(apic->extint_vector, irq->vector);
		break;
	default:
		return;		/* SMI: no SMM in hvkm guests */
	}
	hvkm_vp_kick(vp);
}

static u32 apic_ppr_of(struct hvkm_lapic *apic)
{
	u32 tpr = apic->regs[APIC_TASKPRI / 4] & 0xff;
	int isrv = find_last_bit(apic->isr, HVKM_LAPIC_VECTORS);

	if (isrv >= HVKM_LAPIC_VECTORS)
		isrv = 0;
	return (tpr & 0xf0) >= (isrv & 0xf0) ? tpr : isrv & 0xf0;
}

int hvkm_lapic_pending(struct hvkm_vp *vp)
{
	struct hvkm_lapic *apic = vp->lapic;
	int extint = READ_ONCE(apic->extint_vector);
	int irrv;

	/* ExtINT comes from the PIC and bypasses the APIC's priorities. */
	if (extint >= 0)
		return extint;
	irrv = find_last_bit(apic->irr, HVKM_LAPIC_VECTORS);
	if (irrv >= HVKM_LAPIC_VECTORS)
		return -1;
	return (irrv & 0xf0) > (apic_ppr_of(apic) & 0xf0) ? irrv : -1;
}

bool hvkm_lapic_blocked_by_tpr(struct hvkm_vp *vp)
{
	struct hvkm_lapic *apic = vp->lapic;
	int irrv = find_last_bit(apic->irr, HVKM_LAPIC_VECTORS);
	int isrv = find_last_bit(apic->isr, HVKM_LAPIC_VECTORS);
	u32 tpr = apic->regs[APIC_TASKPRI / 4] & 0xf0;

	if (irrv >= HVKM_LAPIC_VECTORS)
		return false;
	if (isrv < HVKM_LAPIC_VECTORS && (isrv & 0xf0) >= (irrv & 0xf0))
		return false;	/* waits for an EOI, not for TPR */
	return (irrv & 0xf0) <= tpr;
}

void hvkm_lapic_ack(struct hvkm_vp *vp, int vector)
{
	struct hvkm_lapic *apic = vp->lapic;

	if (vector == READ_ONCE(apic->extint_vector)) {
		WRITE_ONCE(apic->extint_vector, -1);
		return;
	}
	clear_bit(vector, apic->irr);
	if (!test_bit(vector, apic->auto_eoi))
		__set_bit(vector, apic->isr);
}

/* EOI: the highest vector in service is done (SDM 10.8.5). */
void hvkm_lapic_eoi(struct hvkm_vp *vp)
{
	struct hvkm_lapic *apic = vp->lapic;
	int isrv = find_last_bit(apic->isr, HVKM_LAPIC_VECTORS);

	if (isrv >= HVKM_LAPIC_VECTORS)
		return;
	__clear_bit(isrv, apic->isr);
	/*
	 * The VMM's IOAPIC clears Remote IRR on the EOI of a level-triggered
	 * interrupt (SDM 10.8.5); the run loop reports it (HVKM_EXIT_EOI).
	 */
	if (test_bit(isrv, apic->tmr) && test_bit(isrv, vp->partition->eoi_exits))
		vp->eoi_exit_vector = isrv;
}

bool hvkm_lapic_has_init_sipi(struct hvkm_vp *vp)
{
	return test_bit(HVKM_PENDING_INIT, &vp->pending_flags) ||
	       test_bit(HVKM_PENDING_SIPI, &vp->pending_flags);
}
