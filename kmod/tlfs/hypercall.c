// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm: the hypercall interface (TLFS "Hypercall Interface") and the
 * hypercalls answered in ring 0.  The backend decodes the register
 * convention (64-bit or 32-bit) and the privilege level; this file checks
 * the hypercall input value, fetches the input (memory, registers or XMM
 * registers), runs the call and produces the hypercall result value.
 */
#include <linux/bitmap.h>
#include <linux/errno.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "../hvkm.h"

/* The fast input block: RDX, R8, then XMM0-XMM5 when advertised. */
#define HV_FAST_REGS_BYTES	16
#define HV_FAST_XMM_BYTES	(6 * 16)
#define HV_FAST_MAX_BYTES	(HV_FAST_REGS_BYTES + HV_FAST_XMM_BYTES)

#define HV_FIRST_IPI_VECTOR	0x10
#define HV_FLUSH_FLAGS_VALID	(HV_FLUSH_ALL_PROCESSORS |				\
				 HV_FLUSH_ALL_VIRTUAL_ADDRESS_SPACES |		\
				 HV_FLUSH_NON_GLOBAL_MAPPINGS_ONLY)

/* One call in progress: its decoded control and its input. */
struct hv_call_ctx {
	struct hvkm_vp *vp;
	u16 code;
	bool fast;
	bool rep;
	unsigned int var_words;	/* variable header, in 8-byte words */
	unsigned int rep_count, rep_start;
	/* Rep calls: the reps done, counted from the list's start (hv_rep_next()). */
	unsigned int reps_done;
	const u8 *in;		/* fixed header, variable header, rep list */
	unsigned int in_len;
	u8 out[8];		/* output, for the one call that has any */
	unsigned int out_len;
};

struct hv_call {
	u16 code;
	bool rep;
	bool var_header;
	u64 privilege;		/* HV_PARTITION_PRIVILEGE_MASK bits, or 0 */
	unsigned int header;	/* fixed header bytes */
	unsigned int element;	/* bytes per rep element */
	unsigned int output;	/* output bytes (memory-based only) */
	u16 (*run)(struct hv_call_ctx *ctx);
};

static struct hvkm_vp *hv_vp(struct hvkm_partition *p, unsigned int index)
{
	return index < p->max_vps ? READ_ONCE(p->vps[index]) : NULL;
}

/*
 * Make every VP in @set drop its cached translations before it runs guest
 * code again, and return only when none of them is still in the guest with
 * the old ones (TLFS HvCallFlushVirtualAddressSpace: "by the time control
 * returns ... the observable effects of all flushes have occurred").
 * Flushing the whole ASID is allowed for any address space and range.
 */
static void hv_flush_vps(struct hvkm_vp *self, const unsigned long *set)
{
	struct hvkm_partition *p = self->partition;
	unsigned int i;

	mutex_lock(&p->lock);		/* VPs stay while we look at them */
	for_each_set_bit(i, set, p->max_vps) {
		struct hvkm_vp *vp = hv_vp(p, i);

		if (!vp)
			continue;
		set_bit(HVKM_PENDING_TLB_FLUSH, &vp->pending_flags);
		if (vp != self)
			hvkm_vp_kick_sync(vp);
	}
	mutex_unlock(&p->lock);
}

/* A fixed interrupt to every VP in @set; without the local APIC, injected directly. */
static void hv_send_ipis(struct hvkm_vp *self, const unsigned long *set, u32 vector)
{
	struct hvkm_partition *p = self->partition;
	unsigned int i;

	mutex_lock(&p->lock);
	for_each_set_bit(i, set, p->max_vps) {
		struct hvkm_vp *vp = hv_vp(p, i);

		if (vp)
			hvkm_vp_deliver_irq(vp, vector, false);
	}
	mutex_unlock(&p->lock);
}

/*
 * Rep calls: whether this entry does one more rep (number ctx->reps_done).
 * At least one is done per entry; after that the call yields every
 * HVKM_HV_REP_CHUNK reps, and at once when the host wants the CPU, the
 * VMM's thread has a signal or the VP has an interrupt to take (TLFS
 * "Hypercall Continuation": "this allows pending interrupts to be handled
 * and other virtual processors to be scheduled").
 */
static bool hv_rep_next(struct hv_call_ctx *ctx)
{
	struct hvkm_vp *vp = ctx->vp;
	bool busy;

	if (ctx->reps_done >= ctx->rep_count)
		return false;
	busy = need_resched() || signal_pending(current) ||
	       (hvkm_vp_irq_pending(vp) && hvkm_vendor->interruptible(vp));
	return !hvkm_hv_rep_yield(ctx->reps_done - ctx->rep_start, busy);
}

static u64 hv_in64(const struct hv_call_ctx *ctx, unsigned int offset)
{
	u64 v;

	memcpy(&v, ctx->in + offset, sizeof(v));
	return v;
}

/*
 * The processor set of a flush or IPI call: a 64-bit mask at @offset, or
 * (Ex forms) an HV_VP_SET there whose banks are the variable header.
 */
static u16 hv_target_set(struct hv_call_ctx *ctx, unsigned int offset, bool ex,
			 unsigned long *set)
{
	unsigned int max = ctx->vp->partition->max_vps;
	u64 format, mask;

	if (!ex) {
		u64 vp_mask = hv_in64(ctx, offset);

		bitmap_zero(set, max);
		bitmap_from_arr64(set, &vp_mask, min(max, 64U));
		return HV_STATUS_SUCCESS;
	}
	format = hv_in64(ctx, offset);
	mask = hv_in64(ctx, offset + 8);
	if (hvkm_hv_vpset_banks(format, mask) != ctx->var_words)
		return HV_STATUS_INVALID_PARAMETER;
	if (hvkm_hv_vpset_parse(format, mask, (const u64 *)(ctx->in + offset + 16),
				ctx->var_words, set, max))
		return HV_STATUS_INVALID_PARAMETER;
	return HV_STATUS_SUCCESS;
}

/* HvCallFlushVirtualAddressSpace/List and the Ex forms (0x0002, 0x0003, 0x0013, 0x0014). */
static u16 hv_flush(struct hv_call_ctx *ctx)
{
	bool ex = ctx->code == HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE_EX ||
		  ctx->code == HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST_EX;
	unsigned int max = ctx->vp->partition->max_vps;
	unsigned long *set;
	u64 flags = hv_in64(ctx, 8);
	u16 status;

	if (flags & ~HV_FLUSH_FLAGS_VALID)
		return HV_STATUS_INVALID_PARAMETER;
	set = bitmap_zalloc(max, GFP_KERNEL);
	if (!set)
		return HV_STATUS_INSUFFICIENT_MEMORY;
	if (flags & HV_FLUSH_ALL_PROCESSORS) {
		bitmap_fill(set, max);
		status = ex && hvkm_hv_vpset_banks(hv_in64(ctx, 16), hv_in64(ctx, 24)) !=
				     ctx->var_words ? HV_STATUS_INVALID_PARAMETER : 0;
	} else {
		status = hv_target_set(ctx, 16, ex, set);
	}
	if (status)
		goto out;
	/*
	 * The list forms: each rep is a GVA range, and every range is covered
	 * by the whole-ASID flush this entry ends with; a long list still
	 * yields (hv_rep_next()).
	 */
	if (ctx->rep)
		while (hv_rep_next(ctx))
			ctx->reps_done++;
	hv_flush_vps(ctx->vp, set);
out:
	bitmap_free(set);
	return status;
}

/* HvCallSendSyntheticClusterIpi and Ex (0x000b, 0x0015). */
static u16 hv_send_ipi(struct hv_call_ctx *ctx)
{
	unsigned int max = ctx->vp->partition->max_vps;
	u32 vector = hv_in64(ctx, 0);
	u64 vtl_and_pad = hv_in64(ctx, 0) >> 32;
	unsigned long *set;
	u16 status;

	/* No VTLs other than 0; the padding is RsvdZ. */
	if (vector < HV_FIRST_IPI_VECTOR || vector > 0xff || vtl_and_pad)
		return HV_STATUS_INVALID_PARAMETER;
	set = bitmap_zalloc(max, GFP_KERNEL);
	if (!set)
		return HV_STATUS_INSUFFICIENT_MEMORY;
	status = hv_target_set(ctx, 8, ctx->code == HVCALL_SEND_IPI_EX, set);
	if (!status)
		hv_send_ipis(ctx->vp, set, vector);
	bitmap_free(set);
	return status;
}

/* HvCallNotifyLongSpinWait (0x0008): advisory; let whoever waits for this CPU run. */
static u16 hv_long_spin_wait(struct hv_call_ctx *ctx)
{
	cond_resched();
	return HV_STATUS_SUCCESS;
}

/* HvExtCallQueryCapabilities (0x8001): no extended hypercall beyond this one. */
static u16 hv_ext_query_capabilities(struct hv_call_ctx *ctx)
{
	memset(ctx->out, 0, sizeof(u64));
	ctx->out_len = sizeof(u64);
	return HV_STATUS_SUCCESS;
}

/* HvCallPostMessage (0x005c): to the VMM's message port (synic/connection.c). */
static u16 hv_post_message(struct hv_call_ctx *ctx)
{
	return hvkm_synic_hc_post_message(ctx->vp, ctx->in);
}

/* HvCallSignalEvent (0x005d): to the VMM's eventfd (synic/connection.c). */
static u16 hv_signal_event(struct hv_call_ctx *ctx)
{
	return hvkm_synic_hc_signal_event(ctx->vp, hv_in64(ctx, 0));
}

static const struct hv_call hv_calls[] = {
	{ HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE, false, false, 0, 24, 0, 0, hv_flush },
	{ HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST, true, false, 0, 24, 8, 0, hv_flush },
	{ HVCALL_NOTIFY_LONG_SPIN_WAIT, false, false, 0, 8, 0, 0, hv_long_spin_wait },
	{ HVCALL_SEND_IPI, false, false, 0, 16, 0, 0, hv_send_ipi },
	{ HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE_EX, false, true, 0, 32, 0, 0, hv_flush },
	{ HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST_EX, true, true, 0, 32, 8, 0, hv_flush },
	{ HVCALL_SEND_IPI_EX, false, true, 0, 24, 0, 0, hv_send_ipi },
	{ HVCALL_POST_MESSAGE, false, false, (u64)HV_POST_MESSAGES << 32, 256, 0, 0,
	  hv_post_message },
	{ HVCALL_SIGNAL_EVENT, false, false, (u64)HV_SIGNAL_EVENTS << 32, 8, 0, 0,
	  hv_signal_event },
	{ HV_EXT_CALL_QUERY_CAPABILITIES, false, false, (u64)HV_ENABLE_EXTENDED_HYPERCALLS << 32,
	  0, 0, 8, hv_ext_query_capabilities },
};

static const struct hv_call *hv_find_call(u16 code)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(hv_calls); i++)
		if (hv_calls[i].code == code)
			return &hv_calls[i];
	return NULL;
}

/* An 8-byte aligned GPA whose @len bytes stay within one page of the GPA space. */
static bool hv_gpa_ok(u64 gpa, unsigned int len)
{
	return IS_ALIGNED(gpa, 8) && gpa < BIT_ULL(HVKM_GPA_BITS) &&
	       offset_in_page(gpa) + len <= PAGE_SIZE;
}

/* Fast input: RDX and R8, then XMM0-XMM5 (TLFS "XMM Fast Hypercall Input"). */
static u16 hv_fast_input(struct hv_call_ctx *ctx, const struct hvkm_hypercall *hc, u8 *buf)
{
	memcpy(buf, &hc->input, 8);
	memcpy(buf + 8, &hc->output, 8);
	if (ctx->in_len <= HV_FAST_REGS_BYTES)
		return HV_STATUS_SUCCESS;
	if (ctx->in_len > HV_FAST_MAX_BYTES)
		return HV_STATUS_INVALID_HYPERCALL_INPUT;
	hvkm_fpu_read_xmm(ctx->vp, buf + HV_FAST_REGS_BYTES, 6);
	return HV_STATUS_SUCCESS;
}

static u16 hv_dispatch(struct hvkm_vp *vp, struct hvkm_hypercall *hc, const struct hv_call *call,
		       struct hv_call_ctx *ctx)
{
	struct hvkm_partition *p = vp->partition;
	u8 fast_buf[HV_FAST_MAX_BYTES] = {};
	u8 *buf = NULL;
	u16 status;

	/* The rep list is whole in memory on every entry; rep start says where to go on. */
	ctx->in_len = call->header + 8 * ctx->var_words + call->element * ctx->rep_count;
	if (ctx->fast) {
		/* Output comes back in registers only with XMM fast output: not offered. */
		if (call->output)
			return HV_STATUS_INVALID_PARAMETER;
		status = hv_fast_input(ctx, hc, fast_buf);
		if (status)
			return status;
		ctx->in = fast_buf;
		return call->run(ctx);
	}

	if (ctx->in_len) {
		if (!hv_gpa_ok(hc->input, ctx->in_len))
			return HV_STATUS_INVALID_ALIGNMENT;
		buf = kmalloc(ctx->in_len, GFP_KERNEL);
		if (!buf)
			return HV_STATUS_INSUFFICIENT_MEMORY;
		if (hvkm_read_guest(p, hc->input, buf, ctx->in_len)) {
			kfree(buf);
			return HV_STATUS_INVALID_ALIGNMENT;	/* no guest RAM there */
		}
	}
	if (call->output && !hv_gpa_ok(hc->output, call->output)) {
		kfree(buf);
		return HV_STATUS_INVALID_ALIGNMENT;
	}
	ctx->in = buf;
	status = call->run(ctx);
	kfree(buf);
	if (!status && ctx->out_len && hvkm_write_guest(p, hc->output, ctx->out, ctx->out_len))
		status = HV_STATUS_INVALID_ALIGNMENT;
	return status;
}

/*
 * 0: hc->result holds the hypercall result value.  -EPERM: the guest gets
 * #UD, as for CPL > 0 and real mode (TLFS "Legal Hypercall Environments"),
 * which the backend checks: here, no hypercall page was established.
 */
int hvkm_hv_hypercall(struct hvkm_vp *vp, struct hvkm_hypercall *hc)
{
	struct hvkm_partition *p = vp->partition;
	struct hv_call_ctx ctx = { .vp = vp };
	const struct hv_call *call;
	u64 control = hc->control;
	u16 status;

	hc->retry = false;
	if (!(READ_ONCE(p->hv.hypercall) & HV_X64_MSR_HYPERCALL_ENABLE))
		return -EPERM;

	ctx.code = control & HV_HYPERCALL_RESULT_MASK;
	ctx.fast = control & HV_HYPERCALL_FAST_BIT;
	ctx.var_words = (control & HV_HYPERCALL_VARHEAD_MASK) >> HV_HYPERCALL_VARHEAD_OFFSET;
	ctx.rep_count = (control & HV_HYPERCALL_REP_COMP_MASK) >> HV_HYPERCALL_REP_COMP_OFFSET;
	ctx.rep_start = (control & HV_HYPERCALL_REP_START_MASK) >> HV_HYPERCALL_REP_START_OFFSET;
	ctx.reps_done = ctx.rep_start;

	call = hv_find_call(ctx.code);
	if (!call)
		status = HV_STATUS_INVALID_HYPERCALL_CODE;
	else if (call->privilege && !(p->privileges & call->privilege))
		status = HV_STATUS_ACCESS_DENIED;
	else
		status = hvkm_hv_check_control(control, call->rep, call->var_header);
	if (!status) {
		ctx.rep = call->rep;
		status = hv_dispatch(vp, hc, call, &ctx);
	}

	/*
	 * Reps completed count from the list's start, not from rep start; on
	 * an error they are the reps done before it.  Reps left without an
	 * error: the guest calls again from where this entry stopped.
	 */
	hc->result = status;
	if (call && call->rep) {
		if (!status && ctx.reps_done < ctx.rep_count) {
			hc->control = hvkm_hv_rep_next_control(control, ctx.reps_done);
			hc->retry = true;
		}
		hc->result |= (u64)ctx.reps_done << HV_HYPERCALL_REP_COMP_OFFSET;
	}
	return 0;
}
