/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvkm: the in-kernel local APIC of a VP (Intel SDM vol. 3A, chapter 10
 * "Advanced Programmable Interrupt Controller"; AMD APM vol. 2, chapter 16).
 * Vendor-neutral: the backend asks what to inject and reports the guest's
 * CR8; everything else arrives as register accesses (xAPIC MMIO, x2APIC
 * MSRs, the Hyper-V EOI/ICR/TPR MSRs) and as interrupts from other VPs,
 * the VMM and the kernel's own sources (SynIC, timers).
 */
#ifndef HVKM_LAPIC_H
#define HVKM_LAPIC_H

#include <linux/hrtimer.h>
#include <linux/types.h>

struct hvkm_vp;
struct hvkm_partition;
struct hvkm_lapic_state;

#define HVKM_LAPIC_VECTORS	256

/* Delivery modes (ICR and LVT bits 10:8; SDM 10.6.1). */
enum hvkm_lapic_delivery {
	HVKM_DM_FIXED = 0,
	HVKM_DM_LOWEST = 1,
	HVKM_DM_SMI = 2,
	HVKM_DM_NMI = 4,
	HVKM_DM_INIT = 5,
	HVKM_DM_SIPI = 6,
	HVKM_DM_EXTINT = 7,
};

/* An interrupt message: what an ICR write, an MSI or the VMM sends. */
struct hvkm_lapic_irq {
	u8 vector;
	u8 delivery;		/* enum hvkm_lapic_delivery */
	bool level;		/* level-triggered (TMR) */
	bool assert;		/* level: assert; INIT with level 0 deassert is ignored */
	bool logical;		/* logical destination mode */
	u8 shorthand;		/* 0 none, 1 self, 2 all incl. self, 3 all excl. self */
	u32 dest;		/* APIC id (x2APIC: 32 bits) or logical destination */
	bool auto_eoi;		/* SynIC AutoEOI: no ISR bit, no EOI */
};

struct hvkm_lapic {
	struct hvkm_vp *vp;
	/* The register page in xAPIC layout; owned by the VP's thread. */
	u32 *regs;
	/* Set from any thread with atomic bitops; IRR into ISR by the VP thread. */
	unsigned long irr[BITS_TO_LONGS(HVKM_LAPIC_VECTORS)];
	unsigned long tmr[BITS_TO_LONGS(HVKM_LAPIC_VECTORS)];
	unsigned long auto_eoi[BITS_TO_LONGS(HVKM_LAPIC_VECTORS)];
	unsigned long isr[BITS_TO_LONGS(HVKM_LAPIC_VECTORS)];
	/* An ExtINT vector from the VMM's PIC, delivered outside IRR/ISR. */
	int extint_vector;
	/* INIT received: the VP waits for a SIPI (its vector, or -1 while none came). */
	bool wait_for_sipi;
	int sipi_vector;
	bool init_pending;
	/* The timer (LVT timer, initial/current count, divide; SDM 10.5.4). */
	struct hrtimer timer;
	u64 timer_period_ns;	/* periodic mode; 0 otherwise */
	ktime_t timer_expires;
	u64 tsc_deadline;	/* guest TSC of the deadline, or 0 */
};

/* lapic.c: state, register access */
int hvkm_lapic_create(struct hvkm_vp *vp);
void hvkm_lapic_free(struct hvkm_vp *vp);
void hvkm_lapic_reset(struct hvkm_vp *vp);
bool hvkm_lapic_x2apic(struct hvkm_vp *vp);
/* The xAPIC page at @gpa is the VP's local APIC (enabled, not x2APIC). */
bool hvkm_lapic_mmio_claims(struct hvkm_vp *vp, u64 gpa);
int hvkm_lapic_mmio_read(struct hvkm_vp *vp, u64 gpa, unsigned int size, u64 *val);
int hvkm_lapic_mmio_write(struct hvkm_vp *vp, u64 gpa, unsigned int size, u64 val);
/* x2APIC MSRs 0x800-0x8ff: 0, -ENOENT (not one), -EINVAL (#GP). */
int hvkm_lapic_msr_get(struct hvkm_vp *vp, u32 msr, u64 *val);
int hvkm_lapic_msr_set(struct hvkm_vp *vp, u32 msr, u64 val);
/* The APIC's MSRs (x2APIC, TSC deadline, APIC base): -ENOENT for others. */
int hvkm_lapic_rdmsr(struct hvkm_vp *vp, u32 msr, u64 *val);
int hvkm_lapic_wrmsr(struct hvkm_vp *vp, u32 msr, u64 val);
/* APIC base MSR writes that change the mode (SDM 10.12.5). */
void hvkm_lapic_base_changed(struct hvkm_vp *vp, u64 old, u64 new);
/* The Hyper-V synthetic EOI/ICR/TPR MSRs (TLFS "Virtual Interrupt Controller"). */
void hvkm_lapic_eoi(struct hvkm_vp *vp);
int hvkm_lapic_write_icr(struct hvkm_vp *vp, u64 icr);
u64 hvkm_lapic_read_icr(struct hvkm_vp *vp);
void hvkm_lapic_set_tpr(struct hvkm_vp *vp, u32 tpr);
u32 hvkm_lapic_get_tpr(struct hvkm_vp *vp);
u32 hvkm_lapic_read_reg(struct hvkm_vp *vp, u32 off);
u32 hvkm_lapic_lvt_valid(u32 off);
int hvkm_lapic_get_state(struct hvkm_vp *vp, struct hvkm_lapic_state __user *arg);
int hvkm_lapic_set_state(struct hvkm_vp *vp, const struct hvkm_lapic_state __user *arg);

/* lapic_irq.c: accepting, prioritizing and delivering */
void hvkm_lapic_deliver(struct hvkm_partition *p, struct hvkm_vp *src,
			const struct hvkm_lapic_irq *irq);
void hvkm_lapic_accept(struct hvkm_vp *vp, const struct hvkm_lapic_irq *irq);
/* The vector the VP should take next if it can, or -1. */
int hvkm_lapic_pending(struct hvkm_vp *vp);
/* A pending vector is held back only by TPR (the backend watches CR8). */
bool hvkm_lapic_blocked_by_tpr(struct hvkm_vp *vp);
/* The VP took @vector: IRR to ISR (not for AutoEOI or ExtINT). */
void hvkm_lapic_ack(struct hvkm_vp *vp, int vector);
/* An INIT or SIPI is there for the run loop (lapic_irq.c). */
bool hvkm_lapic_has_init_sipi(struct hvkm_vp *vp);

/* lapic_timer.c */
void hvkm_lapic_timer_init(struct hvkm_lapic *apic);
void hvkm_lapic_timer_cancel(struct hvkm_lapic *apic);
void hvkm_lapic_timer_write(struct hvkm_vp *vp, u32 reg, u32 val);
u32 hvkm_lapic_timer_current(struct hvkm_vp *vp);
int hvkm_lapic_set_tsc_deadline(struct hvkm_vp *vp, u64 deadline);
u64 hvkm_lapic_get_tsc_deadline(struct hvkm_vp *vp);
void hvkm_lapic_timer_restore(struct hvkm_vp *vp, u32 current_count);

#endif /* HVKM_LAPIC_H */
