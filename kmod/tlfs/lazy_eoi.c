// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm: EOI assist, the "lazy EOI" (TLFS "Virtual Interrupts", "EOI Assist
 * (x64 Only)").  When hvkm injects an edge-triggered fixed interrupt V
 * that is the only vector in service and nothing else waits, it sets the
 * "No EOI required" bit, bit 0 of apic_assist in the VP assist page.  A
 * guest ending V clears the bit with an atomic exchange and skips its EOI
 * when the bit was set (Linux: hv_apic_eoi_write()).  At the next exit
 * hvkm looks: a cleared bit is the guest's EOI of V, performed here
 * through the local APIC's one EOI path.  A bit still set when another
 * interrupt waits is cleared first, so that the guest's EOI of V reaches
 * the APIC and lets that interrupt in.
 */
#include <linux/bitmap.h>

#include "../hvkm.h"

/* The guest's EOI of the lazy vector, if that is still the one in service. */
static void hv_lazy_eoi_done(struct hvkm_vp *vp)
{
	struct hvkm_lapic *apic = vp->lapic;
	int vector = vp->hv.lazy_eoi_vector;

	vp->hv.lazy_eoi_vector = -1;
	if (find_last_bit(apic->isr, HVKM_LAPIC_VECTORS) != vector)
		return;		/* ended by a conventional EOI, or an INIT meanwhile */
	hvkm_lapic_eoi(vp);
	vp->stats.lazy_eois++;
}

/*
 * Take the bit back: the guest then EOIs V conventionally.  If it had
 * cleared the bit already, that was its EOI.  Any context.
 */
static void hv_lazy_eoi_withdraw(struct hvkm_vp *vp)
{
	if (hvkm_hv_assist_bit(vp, HVKM_HV_ASSIST_CLEAR) == 0)
		hv_lazy_eoi_done(vp);
	else
		vp->hv.lazy_eoi_vector = -1;
}

/*
 * Injection path, interrupts off, before hvkm looks for a vector to
 * inject: another interrupt waits (TLFS: "if a lower priority interrupt is
 * requested, the hypervisor clears the No EOI required bit").
 */
void hvkm_hv_lazy_eoi_before_inject(struct hvkm_vp *vp)
{
	struct hvkm_lapic *apic = vp->lapic;

	if (vp->hv.lazy_eoi_vector < 0)
		return;
	if (!bitmap_empty(apic->irr, HVKM_LAPIC_VECTORS) || READ_ONCE(apic->extint_vector) >= 0)
		hv_lazy_eoi_withdraw(vp);
}

/*
 * Injection path, interrupts off: the VP takes @vector.  The local APIC
 * acknowledges it, and a lazy EOI is offered when it may be.
 */
void hvkm_hv_interrupt_taken(struct hvkm_vp *vp, int vector)
{
	struct hvkm_lapic *apic = vp->lapic;
	bool extint = vector == READ_ONCE(apic->extint_vector);

	hvkm_lapic_ack(vp, vector);
	/* ExtINT is the VMM's PIC's to end; AutoEOI vectors never enter ISR. */
	if (extint || vp->hv.lazy_eoi_vector >= 0 ||
	    !hvkm_hv_lazy_eoi_eligible(apic->irr, apic->isr, apic->tmr, vector))
		return;
	if (hvkm_hv_assist_bit(vp, HVKM_HV_ASSIST_SET) >= 0)
		vp->hv.lazy_eoi_vector = vector;
}

/*
 * Process context, after every exit and before the exit is handled: a
 * guest that cleared the bit ended V; the APIC hears of it now, so that
 * ISR reads and priorities are right from here on.  The page's address is
 * looked up again if the MMU notifier dropped it.
 */
void hvkm_hv_lazy_eoi_exit(struct hvkm_vp *vp)
{
	int bit;

	if (vp->hv.lazy_eoi_vector >= 0) {
		bit = hvkm_hv_assist_bit(vp, HVKM_HV_ASSIST_TEST);
		if (bit == -ENOENT) {
			hvkm_hv_assist_map(vp);
			bit = hvkm_hv_assist_bit(vp, HVKM_HV_ASSIST_TEST);
		}
		if (bit == 0)
			hv_lazy_eoi_done(vp);
		else if (bit < 0)	/* the page left guest RAM: nothing to read */
			vp->hv.lazy_eoi_vector = -1;
	}
	hvkm_hv_assist_sync_dirty(vp);
	hvkm_hv_assist_map(vp);
}

/*
 * Process context: no lazy EOI outlives the current run, so that what the
 * VMM saves (ISR, guest RAM) stands on its own; also before the page moves.
 */
void hvkm_hv_lazy_eoi_cancel(struct hvkm_vp *vp)
{
	if (vp->hv.lazy_eoi_vector >= 0) {
		hvkm_hv_assist_map(vp);
		hv_lazy_eoi_withdraw(vp);
	}
	hvkm_hv_assist_sync_dirty(vp);
}
