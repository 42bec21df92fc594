// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm: the local APIC timer (SDM 10.5.4): one-shot, periodic and
 * TSC-deadline modes on an hrtimer.  The APIC clock runs at
 * HVKM_HV_APIC_HZ, what HV_X64_MSR_APIC_FREQUENCY tells the guest.
 */
#include <asm/apicdef.h>
#include <asm/msr.h>
#include <asm/tsc.h>
#include <linux/math64.h>

#include "../hvkm.h"

#define APIC_TIMER_MODE(lvtt)	(((lvtt) >> 17) & 3)
#define MODE_ONESHOT		0
#define MODE_PERIODIC		1
#define MODE_TSC_DEADLINE	2
#define NS_PER_APIC_TICK	(NSEC_PER_SEC / HVKM_HV_APIC_HZ)

/* TDCR bits 3, 1:0 (SDM figure 10-10): 2, 4, ... 128, then 1. */
static u32 apic_divisor(u32 tdcr)
{
	u32 v = (tdcr & 3) | ((tdcr & 8) >> 1);

	return 1u << ((v + 1) & 7);
}

static enum hrtimer_restart apic_timer_fired(struct hrtimer *t)
{
	struct hvkm_lapic *apic = container_of(t, struct hvkm_lapic, timer);
	u32 lvtt = READ_ONCE(apic->regs[APIC_LVTT / 4]);

	if (!(lvtt & APIC_LVT_MASKED))
		hvkm_lapic_accept(apic->vp, &(struct hvkm_lapic_irq){ .vector = lvtt & 0xff });
	if (APIC_TIMER_MODE(lvtt) == MODE_TSC_DEADLINE)
		WRITE_ONCE(apic->tsc_deadline, 0);	/* fired: reads as 0 (SDM 10.5.4.1) */
	if (apic->timer_period_ns) {
		hrtimer_forward_now(t, ns_to_ktime(apic->timer_period_ns));
		apic->timer_expires = hrtimer_get_expires(t);
		return HRTIMER_RESTART;
	}
	return HRTIMER_NORESTART;
}

void hvkm_lapic_timer_init(struct hvkm_lapic *apic)
{
	hrtimer_init(&apic->timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_HARD);
	apic->timer.function = apic_timer_fired;
}

void hvkm_lapic_timer_cancel(struct hvkm_lapic *apic)
{
	hrtimer_cancel(&apic->timer);
	apic->timer_period_ns = 0;
}

/* Count from the initial count register: one-shot or periodic. */
static void apic_timer_start(struct hvkm_lapic *apic)
{
	u32 lvtt = apic->regs[APIC_LVTT / 4];
	u64 count = apic->regs[APIC_TMICT / 4];
	u64 ns = count * apic_divisor(apic->regs[APIC_TDCR / 4]) * NS_PER_APIC_TICK;

	hvkm_lapic_timer_cancel(apic);
	if (!count || APIC_TIMER_MODE(lvtt) == MODE_TSC_DEADLINE)
		return;
	if (APIC_TIMER_MODE(lvtt) == MODE_PERIODIC)
		apic->timer_period_ns = max_t(u64, ns, 50 * NSEC_PER_USEC);
	apic->timer_expires = ktime_add_ns(ktime_get(), ns);
	hrtimer_start(&apic->timer, apic->timer_expires, HRTIMER_MODE_ABS_HARD);
}

void hvkm_lapic_timer_write(struct hvkm_vp *vp, u32 reg, u32 val)
{
	struct hvkm_lapic *apic = vp->lapic;
	u32 old = apic->regs[reg / 4];

	apic->regs[reg / 4] = val;
	switch (reg) {
	case APIC_LVTT:
		/* A mode change stops the timer (SDM 10.5.4.1). */
		if (APIC_TIMER_MODE(old) != APIC_TIMER_MODE(val)) {
			hvkm_lapic_timer_cancel(apic);
			apic->regs[APIC_TMICT / 4] = 0;
			WRITE_ONCE(apic->tsc_deadline, 0);
		}
		break;
	case APIC_TMICT:
		apic_timer_start(apic);
		break;
	default:		/* TDCR: used from the next start */
		break;
	}
}

u32 hvkm_lapic_timer_current(struct hvkm_vp *vp)
{
	struct hvkm_lapic *apic = vp->lapic;
	u32 div = apic_divisor(apic->regs[APIC_TDCR / 4]);
	s64 left;

	if (!hrtimer_active(&apic->timer) ||
	    APIC_TIMER_MODE(apic->regs[APIC_LVTT / 4]) == MODE_TSC_DEADLINE)
		return 0;
	left = ktime_to_ns(ktime_sub(apic->timer_expires, ktime_get()));
	if (left <= 0)
		return 0;
	return div64_u64(left, (u64)div * NS_PER_APIC_TICK);
}

/* IA32_TSC_DEADLINE in the guest's TSC (SDM 10.5.4.1); 0 disarms. */
int hvkm_lapic_set_tsc_deadline(struct hvkm_vp *vp, u64 deadline)
{
	struct hvkm_lapic *apic = vp->lapic;
	u64 now, ns = 0;

	if (APIC_TIMER_MODE(apic->regs[APIC_LVTT / 4]) != MODE_TSC_DEADLINE)
		return 0;	/* ignored outside TSC-deadline mode */
	hvkm_lapic_timer_cancel(apic);
	WRITE_ONCE(apic->tsc_deadline, deadline);
	if (!deadline || !tsc_khz)
		return 0;
	now = rdtsc() + hvkm_vendor->get_tsc_offset(vp);
	if (deadline > now)
		ns = mul_u64_u32_div(deadline - now, USEC_PER_SEC, tsc_khz);
	apic->timer_expires = ktime_add_ns(ktime_get(), ns);
	hrtimer_start(&apic->timer, apic->timer_expires, HRTIMER_MODE_ABS_HARD);
	return 0;
}

u64 hvkm_lapic_get_tsc_deadline(struct hvkm_vp *vp)
{
	return READ_ONCE(vp->lapic->tsc_deadline);
}

/* After HVKM_SET_LAPIC: one-shot and periodic timers run on from @current_count. */
void hvkm_lapic_timer_restore(struct hvkm_vp *vp, u32 current_count)
{
	struct hvkm_lapic *apic = vp->lapic;
	u32 lvtt = apic->regs[APIC_LVTT / 4];
	u64 tick = (u64)apic_divisor(apic->regs[APIC_TDCR / 4]) * NS_PER_APIC_TICK;

	hvkm_lapic_timer_cancel(apic);
	if (!current_count || !apic->regs[APIC_TMICT / 4] ||
	    APIC_TIMER_MODE(lvtt) == MODE_TSC_DEADLINE)
		return;
	if (APIC_TIMER_MODE(lvtt) == MODE_PERIODIC)
		apic->timer_period_ns = max_t(u64, apic->regs[APIC_TMICT / 4] * tick,
					      50 * NSEC_PER_USEC);
	apic->timer_expires = ktime_add_ns(ktime_get(), current_count * tick);
	hrtimer_start(&apic->timer, apic->timer_expires, HRTIMER_MODE_ABS_HARD);
}
