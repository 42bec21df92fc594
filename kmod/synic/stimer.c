// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm: the four synthetic timers of a VP (TLFS "Synthetic Timers").  They
 * count in partition reference time (100 ns units, tlfs/partition.c) and
 * run on hrtimers.  On expiry a direct-mode timer asserts its APIC vector
 * at once; any other sends HVMSG_TIMER_EXPIRED to its SINT, which the VP
 * thread writes into the SIM page (guest RAM cannot be written from the
 * hrtimer).  Each timer has one message buffer: a periodic timer whose
 * message still waits for its slot does not queue another, its next
 * expiration only updates the one that waits ("periods may be skipped").
 * Lazy timers are treated like the others (docs/deviations.md).
 *
 * Only the VP thread writes CONFIG and COUNT, and it stops the hrtimer
 * first; the hrtimer itself clears Enable of an expired one-shot timer.
 */
#include <linux/hrtimer.h>
#include <linux/ktime.h>

#include "../hvkm.h"

/* STIMERn_CONFIG bits (union hv_stimer_config, as masks). */
#define STIMER_ENABLE_BIT	0
#define STIMER_ENABLE		BIT_ULL(STIMER_ENABLE_BIT)
#define STIMER_PERIODIC		BIT_ULL(1)
#define STIMER_AUTO_ENABLE	BIT_ULL(3)
/* Longest wait hrtimers take in ns, in reference time units. */
#define STIMER_MAX_DELTA	(KTIME_MAX / 200)

static enum hrtimer_restart stimer_fired(struct hrtimer *h)
{
	struct hvkm_stimer *t = container_of(h, struct hvkm_stimer, timer);
	union hv_stimer_config c = { .as_uint64 = READ_ONCE(t->config) };
	struct hvkm_vp *vp = t->vp;
	u64 now, delta;

	if (c.direct_mode) {
		hvkm_vp_deliver_irq(vp, c.apic_vector, false);
	} else {
		WRITE_ONCE(t->msg_expiration, t->expiration);
		/* The VP thread reads the expiration after it sees the bit. */
		smp_mb__before_atomic();
		set_bit(t->index, &vp->synic->stimer_expired);
		set_bit(HVKM_PENDING_SYNIC, &vp->pending_flags);
		hvkm_vp_kick(vp);
	}
	if (!c.periodic) {
		/* "When a one-shot timer expires, it is automatically marked as disabled." */
		clear_bit(STIMER_ENABLE_BIT, &t->config);
		return HRTIMER_NORESTART;
	}
	/* Periods that passed unseen are skipped, not delivered in a burst. */
	now = hvkm_hv_reference_time(vp->partition);
	t->expiration += t->count;
	if ((s64)(t->expiration - now) <= 0)
		t->expiration = now + t->count;
	delta = min_t(u64, t->expiration - now, STIMER_MAX_DELTA);
	hrtimer_set_expires(h, ktime_add_ns(hrtimer_cb_get_time(h), delta * 100));
	return HRTIMER_RESTART;
}

/* Enabled with a count: the first period starts now (TLFS "Synthetic Timer Count Register"). */
static void stimer_start(struct hvkm_stimer *t)
{
	u64 now = hvkm_hv_reference_time(t->vp->partition);
	s64 delta;

	if (READ_ONCE(t->config) & STIMER_PERIODIC)
		t->expiration = now + t->count;
	else
		t->expiration = t->count;	/* absolute; in the past expires at once */
	delta = t->expiration - now;
	if (delta < 0)
		delta = 0;
	delta = min_t(u64, delta, STIMER_MAX_DELTA);
	hrtimer_start(&t->timer, ns_to_ktime(delta * 100), HRTIMER_MODE_REL_HARD);
}

/* Stop the timer and forget an expiration not delivered yet. */
static void stimer_stop(struct hvkm_stimer *t)
{
	hrtimer_cancel(&t->timer);
	clear_bit(t->index, &t->vp->synic->stimer_expired);
	t->msg_pending = false;
	t->delivered_valid = false;
}

void hvkm_stimer_init(struct hvkm_vp *vp, unsigned int index)
{
	struct hvkm_stimer *t = &vp->synic->stimer[index];

	t->vp = vp;
	t->index = index;
	hrtimer_init(&t->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	t->timer.function = stimer_fired;
}

void hvkm_stimer_cancel(struct hvkm_stimer *t)
{
	hrtimer_cancel(&t->timer);
}

/* An enabled timer needs a SINT to send to, unless it is in direct mode. */
static bool stimer_can_enable(u64 config)
{
	union hv_stimer_config c = { .as_uint64 = config };

	return c.direct_mode || c.sintx;
}

int hvkm_stimer_set_config(struct hvkm_stimer *t, u64 config)
{
	if (!hvkm_synic_stimer_config_valid(config))
		return -EINVAL;
	stimer_stop(t);
	/* "It is not permitted to set the SINTx field to zero for an enabled timer." */
	if (!stimer_can_enable(config))
		config &= ~STIMER_ENABLE;
	WRITE_ONCE(t->config, config);
	if ((config & STIMER_ENABLE) && t->count)
		stimer_start(t);
	return 0;
}

/* @guest: a WRMSR, where AutoEnable applies; else the VMM restoring state. */
void hvkm_stimer_set_count(struct hvkm_stimer *t, u64 count, bool guest)
{
	u64 config = READ_ONCE(t->config);

	stimer_stop(t);
	t->count = count;
	/* Zero stops the timer, whatever AutoEnable says. */
	if (!count)
		config &= ~STIMER_ENABLE;
	else if (guest && (config & STIMER_AUTO_ENABLE) && stimer_can_enable(config))
		config |= STIMER_ENABLE;
	WRITE_ONCE(t->config, config);
	if (config & STIMER_ENABLE)
		stimer_start(t);
}

/* The VP thread: HVMSG_TIMER_EXPIRED into the timer's SINT slot, or wait for EOM. */
void hvkm_stimer_deliver(struct hvkm_stimer *t)
{
	union hv_stimer_config c = { .as_uint64 = READ_ONCE(t->config) };
	struct hvkm_vp *vp = t->vp;
	struct hv_timer_message_payload *payload;
	struct hv_message msg = {};
	u64 expiration;
	int ret;

	/* The bit is seen: now the expiration it announced. */
	smp_rmb();
	expiration = READ_ONCE(t->msg_expiration);
	if (t->delivered_valid && expiration == t->delivered) {
		t->msg_pending = false;		/* sent already, by an EOM */
		return;
	}
	payload = (struct hv_timer_message_payload *)msg.u.payload;
	msg.header.message_type = HVMSG_TIMER_EXPIRED;
	msg.header.payload_size = sizeof(*payload);
	payload->timer_index = t->index;
	payload->expiration_time = expiration;
	payload->delivery_time = hvkm_hv_reference_time(vp->partition);
	ret = hvkm_synic_post(vp, c.sintx, &msg);
	t->msg_pending = ret == -EAGAIN;
	if (!ret) {
		t->delivered = expiration;
		t->delivered_valid = true;
	}
}
