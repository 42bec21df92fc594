// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm: when an injected interrupt's EOI may be left to the VP assist page
 * (TLFS "EOI Assist (x64 Only)"); pure logic, driven by KUnit in
 * tests/kunit/tlfs_test.c.  The mechanism is lazy_eoi.c.
 */
#include <linux/bitmap.h>

#include "../lapic/lapic.h"
#include "tlfs.h"

/*
 * @vector was just moved into ISR; its EOI may be left to the page when it
 * is edge-triggered, alone in service (so that the guest's next EOI can
 * only be V's) and no other vector waits in IRR (TLFS: "there are no lower
 * priority interrupts pending"; one would need V's EOI to get in).
 */
bool hvkm_hv_lazy_eoi_eligible(const unsigned long *irr, const unsigned long *isr,
			       const unsigned long *tmr, int vector)
{
	return vector >= 0 && vector < HVKM_LAPIC_VECTORS && test_bit(vector, isr) &&
	       bitmap_weight(isr, HVKM_LAPIC_VECTORS) == 1 && !test_bit(vector, tmr) &&
	       bitmap_empty(irr, HVKM_LAPIC_VECTORS);
}
