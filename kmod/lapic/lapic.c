// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm: the local APIC's registers (SDM vol. 3A, 10.4-10.12): reset state,
 * xAPIC MMIO and x2APIC MSR access, and what writes set off.  Interrupt
 * acceptance and priorities are in lapic_irq.c, the timer in lapic_timer.c.
 */
#include <asm/apicdef.h>
#include <linux/bitmap.h>
#include <linux/errno.h>
#include <linux/slab.h>

#include "../hvkm.h"

#define APIC_VERSION		0x14		/* an integrated xAPIC */
#define APIC_MAX_LVT		5		/* LVT entries - 1: timer..error */
#define APIC_BASE_EXTD		BIT_ULL(10)
#define APIC_BASE_ENABLE	BIT_ULL(11)
#define APIC_SVR_VALID		(0x3ff | APIC_SPIV_DIRECTED_EOI)
#define APIC_LVT_DM_VALID	(APIC_MODE_MASK | APIC_INPUT_POLARITY | APIC_LVT_LEVEL_TRIGGER)

static u32 apic_reg(struct hvkm_lapic *apic, u32 off)
{
	return apic->regs[off / 4];
}

static void apic_set(struct hvkm_lapic *apic, u32 off, u32 val)
{
	apic->regs[off / 4] = val;
}

static struct hvkm_lapic *vp_apic(struct hvkm_vp *vp)
{
	return vp->lapic;
}

bool hvkm_lapic_x2apic(struct hvkm_vp *vp)
{
	return (vp->msrs.apic_base & (APIC_BASE_EXTD | APIC_BASE_ENABLE)) ==
	       (APIC_BASE_EXTD | APIC_BASE_ENABLE);
}

static bool apic_sw_enabled(struct hvkm_lapic *apic)
{
	return apic_reg(apic, APIC_SPIV) & APIC_SPIV_APIC_ENABLED;
}

/* The logical id an x2APIC derives from its id (SDM 10.12.10.2). */
static u32 x2apic_ldr(u32 id)
{
	return ((id >> 4) << 16) | (1u << (id & 0xf));
}

/* Power-up and INIT state (SDM 10.4.7.1): everything masked, software disabled. */
void hvkm_lapic_reset(struct hvkm_vp *vp)
{
	struct hvkm_lapic *apic = vp_apic(vp);
	u32 off;

	hvkm_lapic_timer_cancel(apic);
	memset(apic->regs, 0, PAGE_SIZE);
	bitmap_zero(apic->irr, HVKM_LAPIC_VECTORS);
	bitmap_zero(apic->isr, HVKM_LAPIC_VECTORS);
	bitmap_zero(apic->tmr, HVKM_LAPIC_VECTORS);
	bitmap_zero(apic->auto_eoi, HVKM_LAPIC_VECTORS);
	apic->extint_vector = -1;
	apic->tsc_deadline = 0;
	apic_set(apic, APIC_ID, hvkm_lapic_x2apic(vp) ? vp->apic_id : vp->apic_id << 24);
	apic_set(apic, APIC_LVR, APIC_VERSION | APIC_MAX_LVT << 16);
	apic_set(apic, APIC_DFR, APIC_DFR_FLAT);
	apic_set(apic, APIC_SPIV, 0xff);
	if (hvkm_lapic_x2apic(vp))
		apic_set(apic, APIC_LDR, x2apic_ldr(vp->apic_id));
	for (off = APIC_LVTT; off <= APIC_LVTERR; off += 0x10)
		apic_set(apic, off, APIC_LVT_MASKED);
	apic_set(apic, APIC_LVTCMCI, APIC_LVT_MASKED);
}

int hvkm_lapic_create(struct hvkm_vp *vp)
{
	struct hvkm_lapic *apic = kzalloc(sizeof(*apic), GFP_KERNEL_ACCOUNT);

	if (!apic)
		return -ENOMEM;
	apic->regs = (u32 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!apic->regs) {
		kfree(apic);
		return -ENOMEM;
	}
	apic->vp = vp;
	apic->sipi_vector = -1;
	hvkm_lapic_timer_init(apic);
	vp->lapic = apic;
	hvkm_lapic_reset(vp);
	return 0;
}

void hvkm_lapic_free(struct hvkm_vp *vp)
{
	struct hvkm_lapic *apic = vp_apic(vp);

	if (!apic)
		return;
	hvkm_lapic_timer_cancel(apic);
	free_page((unsigned long)apic->regs);
	kfree(apic);
	vp->lapic = NULL;
}

/* PPR: the higher of TPR and the class of the highest vector in service (SDM 10.8.3.1). */
static u32 apic_ppr(struct hvkm_lapic *apic)
{
	u32 tpr = apic_reg(apic, APIC_TASKPRI) & 0xff;
	int isrv = find_last_bit(apic->isr, HVKM_LAPIC_VECTORS);

	if (isrv >= HVKM_LAPIC_VECTORS)
		isrv = 0;
	return (tpr & 0xf0) >= (isrv & 0xf0) ? tpr : isrv & 0xf0;
}

u32 hvkm_lapic_get_tpr(struct hvkm_vp *vp)
{
	return apic_reg(vp_apic(vp), APIC_TASKPRI) & 0xff;
}

void hvkm_lapic_set_tpr(struct hvkm_vp *vp, u32 tpr)
{
	apic_set(vp_apic(vp), APIC_TASKPRI, tpr & 0xff);
}

/* Bitmaps in the register layout: 8 registers of 32 bits, 16 bytes apart. */
static u32 apic_bitmap_reg(const unsigned long *map, u32 index)
{
	return bitmap_get_value8(map, index * 32) |
	       bitmap_get_value8(map, index * 32 + 8) << 8 |
	       bitmap_get_value8(map, index * 32 + 16) << 16 |
	       bitmap_get_value8(map, index * 32 + 24) << 24;
}

/* A register as software reads it; also what HVKM_GET_LAPIC saves. */
u32 hvkm_lapic_read_reg(struct hvkm_vp *vp, u32 off)
{
	struct hvkm_lapic *apic = vp_apic(vp);

	switch (off) {
	case APIC_PROCPRI:
		return apic_ppr(apic);
	case APIC_ISR ... APIC_ISR + 0x70:
		return apic_bitmap_reg(apic->isr, (off - APIC_ISR) >> 4);
	case APIC_TMR ... APIC_TMR + 0x70:
		return apic_bitmap_reg(apic->tmr, (off - APIC_TMR) >> 4);
	case APIC_IRR ... APIC_IRR + 0x70:
		return apic_bitmap_reg(apic->irr, (off - APIC_IRR) >> 4);
	case APIC_TMCCT:
		return hvkm_lapic_timer_current(vp);
	case APIC_ICR:
		return apic_reg(apic, APIC_ICR) & ~APIC_ICR_BUSY;	/* sent at once */
	default:
		return apic_reg(apic, off);
	}
}

/* Registers a read can see (SDM table 10-1); the rest read as zero in xAPIC mode. */
static bool apic_readable(u32 off, bool x2apic)
{
	switch (off) {
	case APIC_ID: case APIC_LVR: case APIC_TASKPRI: case APIC_PROCPRI:
	case APIC_LDR: case APIC_SPIV: case APIC_ESR: case APIC_LVTCMCI:
	case APIC_ICR: case APIC_LVTT ... APIC_LVTERR: case APIC_TMICT: case APIC_TMCCT:
	case APIC_TDCR:
	case APIC_ISR ... APIC_ISR + 0x70: case APIC_TMR ... APIC_TMR + 0x70:
	case APIC_IRR ... APIC_IRR + 0x70:
		return !(off & 0xf);
	case APIC_ARBPRI: case APIC_DFR: case APIC_ICR2:
		return !x2apic;
	default:
		return false;
	}
}

static void apic_set_svr(struct hvkm_vp *vp, u32 val)
{
	struct hvkm_lapic *apic = vp_apic(vp);
	u32 off;

	apic_set(apic, APIC_SPIV, val & APIC_SVR_VALID);
	if (val & APIC_SPIV_APIC_ENABLED)
		return;
	/* Software disabled: every LVT entry masked (SDM 10.4.7.2). */
	for (off = APIC_LVTT; off <= APIC_LVTERR; off += 0x10)
		apic_set(apic, off, apic_reg(apic, off) | APIC_LVT_MASKED);
	apic_set(apic, APIC_LVTCMCI, apic_reg(apic, APIC_LVTCMCI) | APIC_LVT_MASKED);
	hvkm_lapic_timer_cancel(apic);
}

u32 hvkm_lapic_lvt_valid(u32 off)
{
	switch (off) {
	case APIC_LVTT:
		return 0xff | APIC_LVT_MASKED | (3 << 17);
	case APIC_LVT0: case APIC_LVT1:
		return 0xff | APIC_LVT_MASKED | APIC_LVT_DM_VALID;
	case APIC_LVTTHMR: case APIC_LVTPC: case APIC_LVTCMCI:
		return 0xff | APIC_LVT_MASKED | APIC_MODE_MASK;
	default:		/* LVT error */
		return 0xff | APIC_LVT_MASKED;
	}
}

/* 0, or -EINVAL where x2APIC mode wants a #GP (reserved bits, read-only registers). */
static int apic_write(struct hvkm_vp *vp, u32 off, u64 val64, bool x2apic)
{
	struct hvkm_lapic *apic = vp_apic(vp);
	u32 val = val64;

	switch (off) {
	case APIC_ID:
		if (x2apic)
			return -EINVAL;
		/* xAPIC: the id belongs to the VMM (HVKM_CREATE_VP); writes are dropped. */
		return 0;
	case APIC_TASKPRI:
		if (x2apic && (val64 & ~0xffULL))
			return -EINVAL;
		apic_set(apic, APIC_TASKPRI, val & 0xff);
		return 0;
	case APIC_EOI:
		if (x2apic && val64)
			return -EINVAL;
		hvkm_lapic_eoi(vp);
		return 0;
	case APIC_LDR:
		if (x2apic)
			return -EINVAL;
		apic_set(apic, APIC_LDR, val & APIC_LDR_MASK);
		return 0;
	case APIC_DFR:
		if (x2apic)
			return -EINVAL;
		apic_set(apic, APIC_DFR, val | APIC_DFR_CLUSTER);
		return 0;
	case APIC_SPIV:
		if (x2apic && (val64 & ~(u64)APIC_SVR_VALID))
			return -EINVAL;
		apic_set_svr(vp, val);
		return 0;
	case APIC_ESR:
		if (x2apic && val64)
			return -EINVAL;
		apic_set(apic, APIC_ESR, 0);	/* no errors are ever latched */
		return 0;
	case APIC_ICR:
		if (x2apic)
			return hvkm_lapic_write_icr(vp, val64);
		return hvkm_lapic_write_icr(vp, (u64)apic_reg(apic, APIC_ICR2) << 32 | val);
	case APIC_ICR2:
		if (x2apic)
			return -EINVAL;
		apic_set(apic, APIC_ICR2, val & 0xff000000);
		return 0;
	case APIC_LVTT: case APIC_LVTTHMR: case APIC_LVTPC: case APIC_LVT0: case APIC_LVT1:
	case APIC_LVTERR: case APIC_LVTCMCI:
		if (x2apic && (val64 & ~(u64)hvkm_lapic_lvt_valid(off)))
			return -EINVAL;
		val &= hvkm_lapic_lvt_valid(off);
		if (!apic_sw_enabled(apic))
			val |= APIC_LVT_MASKED;
		if (off == APIC_LVTT) {
			hvkm_lapic_timer_write(vp, off, val);
			return 0;
		}
		apic_set(apic, off, val);
		return 0;
	case APIC_TMICT:
	case APIC_TDCR:
		if (x2apic && (val64 >> 32 || (off == APIC_TDCR && (val & ~0xbu))))
			return -EINVAL;
		hvkm_lapic_timer_write(vp, off, off == APIC_TDCR ? val & 0xb : val);
		return 0;
	case APIC_SELF_IPI:
		if (!x2apic || (val64 & ~0xffULL))
			return -EINVAL;
		hvkm_lapic_accept(vp, &(struct hvkm_lapic_irq){ .vector = val & 0xff });
		return 0;
	default:
		/* Read-only or reserved: a #GP in x2APIC mode, ignored in xAPIC mode. */
		return x2apic ? -EINVAL : 0;
	}
}

bool hvkm_lapic_mmio_claims(struct hvkm_vp *vp, u64 gpa)
{
	u64 base = vp->msrs.apic_base;

	return (base & APIC_BASE_ENABLE) && !(base & APIC_BASE_EXTD) &&
	       (gpa & PAGE_MASK) == (base & PAGE_MASK & GENMASK_ULL(51, 12));
}

/* xAPIC registers take aligned 32-bit accesses; others read 0 and write nothing. */
int hvkm_lapic_mmio_read(struct hvkm_vp *vp, u64 gpa, unsigned int size, u64 *val)
{
	u32 off = gpa & ~PAGE_MASK;

	*val = 0;
	if (size != 4 || (off & 0xf) || !apic_readable(off, false))
		return 0;
	*val = hvkm_lapic_read_reg(vp, off);
	return 0;
}

int hvkm_lapic_mmio_write(struct hvkm_vp *vp, u64 gpa, unsigned int size, u64 val)
{
	u32 off = gpa & ~PAGE_MASK;

	if (size != 4 || (off & 0xf))
		return 0;
	return apic_write(vp, off, (u32)val, false);
}

int hvkm_lapic_msr_get(struct hvkm_vp *vp, u32 msr, u64 *val)
{
	u32 off = (msr - APIC_BASE_MSR) << 4;

	if (msr < APIC_BASE_MSR || msr > APIC_BASE_MSR + 0xff)
		return -ENOENT;
	if (!hvkm_lapic_x2apic(vp) || !apic_readable(off, true))
		return -EINVAL;
	if (off == APIC_ICR) {
		*val = hvkm_lapic_read_icr(vp);
		return 0;
	}
	*val = hvkm_lapic_read_reg(vp, off);
	return 0;
}

int hvkm_lapic_msr_set(struct hvkm_vp *vp, u32 msr, u64 val)
{
	u32 off = (msr - APIC_BASE_MSR) << 4;

	if (msr < APIC_BASE_MSR || msr > APIC_BASE_MSR + 0xff)
		return -ENOENT;
	if (!hvkm_lapic_x2apic(vp))
		return -EINVAL;
	if (off != APIC_ICR && (val >> 32))
		return -EINVAL;
	return apic_write(vp, off, val, true);
}

/*
 * Mode changes through IA32_APIC_BASE (SDM 10.12.5): entering x2APIC mode
 * gives the full id and a derived logical id; disabling resets the APIC.
 */
void hvkm_lapic_base_changed(struct hvkm_vp *vp, u64 old, u64 new)
{
	struct hvkm_lapic *apic = vp_apic(vp);

	if (!(new & APIC_BASE_ENABLE)) {
		if (old & APIC_BASE_ENABLE)
			hvkm_lapic_reset(vp);
		return;
	}
	if ((new & APIC_BASE_EXTD) && !(old & APIC_BASE_EXTD)) {
		apic_set(apic, APIC_ID, vp->apic_id);
		apic_set(apic, APIC_LDR, x2apic_ldr(vp->apic_id));
	}
}

u64 hvkm_lapic_read_icr(struct hvkm_vp *vp)
{
	struct hvkm_lapic *apic = vp_apic(vp);

	if (hvkm_lapic_x2apic(vp))
		return apic_reg(apic, APIC_ICR) | (u64)apic_reg(apic, APIC_ICR2) << 32;
	return (apic_reg(apic, APIC_ICR) & ~APIC_ICR_BUSY) |
	       (u64)apic_reg(apic, APIC_ICR2) << 32;
}

/* An ICR write sends at once (SDM 10.6.1); the destination is in the high half. */
int hvkm_lapic_write_icr(struct hvkm_vp *vp, u64 icr)
{
	struct hvkm_lapic *apic = vp_apic(vp);
	bool x2apic = hvkm_lapic_x2apic(vp);
	struct hvkm_lapic_irq irq = {
		.vector = icr & APIC_VECTOR_MASK,
		.delivery = (icr & APIC_DM_FIXED_MASK) >> 8,
		.level = icr & APIC_INT_LEVELTRIG,
		.assert = icr & APIC_INT_ASSERT,
		.logical = icr & APIC_DEST_LOGICAL,
		.shorthand = (icr >> 18) & 3,
		.dest = x2apic ? icr >> 32 : (icr >> 56),
	};

	apic_set(apic, APIC_ICR, (u32)icr & ~APIC_ICR_BUSY);
	apic_set(apic, APIC_ICR2, x2apic ? icr >> 32 : (icr >> 32) & 0xff000000);
	/* INIT level de-assert is a no-op on modern APICs (SDM 10.6.1). */
	if (irq.delivery == HVKM_DM_INIT && irq.level && !irq.assert)
		return 0;
	hvkm_lapic_deliver(vp->partition, vp, &irq);
	return 0;
}

/*
 * The MSRs of the local APIC: the x2APIC registers, IA32_TSC_DEADLINE, and
 * IA32_APIC_BASE, whose mode changes the APIC follows.  -ENOENT for others.
 */
int hvkm_lapic_rdmsr(struct hvkm_vp *vp, u32 msr, u64 *val)
{
	if (msr == MSR_IA32_TSC_DEADLINE) {
		*val = hvkm_lapic_get_tsc_deadline(vp);
		return 0;
	}
	return hvkm_lapic_msr_get(vp, msr, val);
}

int hvkm_lapic_wrmsr(struct hvkm_vp *vp, u32 msr, u64 val)
{
	u64 old = vp->msrs.apic_base;
	int ret;

	switch (msr) {
	case MSR_IA32_TSC_DEADLINE:
		return hvkm_lapic_set_tsc_deadline(vp, val);
	case MSR_IA32_APICBASE:
		ret = hvkm_msr_set(vp, msr, val);
		if (!ret)
			hvkm_lapic_base_changed(vp, old, val);
		return ret;
	default:
		return hvkm_lapic_msr_set(vp, msr, val);
	}
}
