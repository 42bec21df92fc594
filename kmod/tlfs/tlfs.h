/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvkm: the Microsoft hypervisor interface a guest sees (TLFS): discovery
 * leaves, synthetic MSRs, hypercalls and the partition reference time.
 * Vendor-neutral: the backends pass register values in and out.
 */
#ifndef HVKM_TLFS_H
#define HVKM_TLFS_H

#include <asm/hyperv-tlfs.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>

struct hvkm_partition;
struct hvkm_vp;

/* The highest hypervisor CPUID leaf hvkm answers (TLFS "Feature Discovery"). */
#define HVKM_HV_CPUID_MAX_LEAF		0x4000000A
/* "Hv#1": the Microsoft hypervisor interface (CPUID 0x40000001.EAX). */
#define HVKM_HV_INTERFACE_SIGNATURE	0x31237648
/* What HV_X64_MSR_APIC_FREQUENCY reports: the local APIC timer's clock. */
#define HVKM_HV_APIC_HZ			200000000ULL

/*
 * The privileges (HV_PARTITION_PRIVILEGE_MASK: group A in bits 31:0,
 * group B in 63:32) that hvkm implements; a VMM may grant only these.  The
 * ones that would make a guest think it is the root or an isolated
 * partition are never among them.
 */
#define HVKM_HV_PRIVILEGES_A	(HV_MSR_VP_RUNTIME_AVAILABLE |			\
				 HV_MSR_TIME_REF_COUNT_AVAILABLE |		\
				 HV_MSR_APIC_ACCESS_AVAILABLE |		\
				 HV_MSR_HYPERCALL_AVAILABLE |			\
				 HV_MSR_VP_INDEX_AVAILABLE |			\
				 HV_MSR_RESET_AVAILABLE |			\
				 HV_MSR_REFERENCE_TSC_AVAILABLE |		\
				 HV_MSR_GUEST_IDLE_AVAILABLE |			\
				 HV_ACCESS_FREQUENCY_MSRS |			\
				 HV_MSR_SYNIC_AVAILABLE |			\
				 HV_MSR_SYNTIMER_AVAILABLE)
#define HVKM_HV_PRIVILEGES_B	(HV_ENABLE_EXTENDED_HYPERCALLS | HV_POST_MESSAGES |	\
				 HV_SIGNAL_EVENTS)
#define HVKM_HV_PRIVILEGES	((u64)HVKM_HV_PRIVILEGES_B << 32 | HVKM_HV_PRIVILEGES_A)

/* Partition-wide state of the interface. */
struct hvkm_hv_partition {
	/* Serializes writes of the partition-wide MSRs below. */
	struct mutex lock;
	u64 guest_os_id;
	u64 hypercall;		/* HV_X64_MSR_HYPERCALL */
	u64 reference_tsc;	/* HV_X64_MSR_REFERENCE_TSC */
	u64 crash_params[HV_X64_MSR_CRASH_PARAMS];
	/*
	 * The reference time (100 ns units) is derived from the host TSC:
	 * (tsc * tsc_scale) >> 64, plus ref_offset, so that the MSR and the
	 * guest's TSC page compute the same clock.
	 */
	u64 tsc_scale;
	s64 ref_offset;
	/* The TSC page's sequence, and the VP TSC offset its offset is for. */
	u32 tsc_sequence;
	s64 tsc_page_tsc_offset;
};

/* Per-VP state of the interface. */
struct hvkm_hv_vp {
	u64 vp_assist;		/* HV_X64_MSR_VP_ASSIST_PAGE */
	/*
	 * The kernel's own address of the enabled VP assist page
	 * (vp_assist.c), for the injection path, which runs with interrupts
	 * off.  No page reference is held: the MMU notifier clears it before
	 * the VMM's page can go away, under assist_lock, which the injection
	 * path holds while it uses it.
	 */
	spinlock_t assist_lock;
	struct hv_vp_assist_page *assist;
	unsigned long assist_hva;
	/* The kernel wrote the page: the dirty log hears of it at the next exit. */
	bool assist_written;
	/* The vector whose EOI the guest may leave to hvkm (lazy_eoi.c), or -1. */
	int lazy_eoi_vector;
};

/* Reps a rep hypercall does per entry before it lets the guest run again. */
#define HVKM_HV_REP_CHUNK	64

/*
 * A hypercall as the backend found it (TLFS "Hypercall Interface"), in the
 * 64-bit or 32-bit register convention, and what the guest gets back.
 */
struct hvkm_hypercall {
	u64 control;		/* the hypercall input value */
	u64 input;		/* input GPA, or the first fast input */
	u64 output;		/* output GPA, or the second fast input */
	u64 result;		/* out: the hypercall result value */
	/*
	 * out: reps remain (TLFS "Hypercall Continuation"): @control holds the
	 * input value with the next rep start; the guest executes the
	 * hypercall instruction again instead of getting @result.
	 */
	bool retry;
};

/* What a synthetic MSR access wants beyond its value. */
enum hvkm_hv_msr_action {
	HVKM_HV_MSR_DONE,
	HVKM_HV_MSR_EXIT,	/* the run page was filled: exit to the VMM */
};

/* tlfs/partition.c */
void hvkm_hv_partition_init(struct hvkm_partition *p);
u64 hvkm_hv_reference_time(struct hvkm_partition *p);
void hvkm_hv_set_reference_time(struct hvkm_partition *p, u64 now);
int hvkm_hv_set_privileges(struct hvkm_partition *p, u64 mask);

/* tlfs/cpuid.c: true when @function is a hypervisor leaf hvkm answers */
bool hvkm_hv_cpuid(struct hvkm_partition *p, u32 function, u32 *regs);

/* tlfs/msr.c: 0, -ENOENT (not a synthetic MSR) or -EINVAL (#GP) */
int hvkm_hv_msr_get(struct hvkm_vp *vp, u32 msr, u64 *data);
int hvkm_hv_msr_set(struct hvkm_vp *vp, u32 msr, u64 data, enum hvkm_hv_msr_action *action);
void hvkm_hv_reference_time_changed(struct hvkm_partition *p);

/* tlfs/reftime.c: the reference TSC page arithmetic (pure) */
u64 hvkm_hv_tsc_scale(u64 tsc_hz);
u64 hvkm_hv_scale_tsc(u64 tsc, u64 scale);
s64 hvkm_hv_tsc_page_offset(s64 ref_offset, s64 tsc_offset, u64 scale);

/* tlfs/hypercall.c */
int hvkm_hv_hypercall(struct hvkm_vp *vp, struct hvkm_hypercall *hc);

/* tlfs/hypercall_input.c (pure): is the input value well formed for its call */
u16 hvkm_hv_check_control(u64 control, bool is_rep, bool var_header_ok);
/* HV_VP_SET to a bitmap of VP indexes */
int hvkm_hv_vpset_parse(u64 format, u64 bank_mask, const u64 *banks, unsigned int nbanks,
			unsigned long *vps, unsigned int max_vps);
unsigned int hvkm_hv_vpset_banks(u64 format, u64 bank_mask);
/* Rep calls: whether an entry that did @done reps stops now; the next input value. */
bool hvkm_hv_rep_yield(unsigned int done, bool busy);
u64 hvkm_hv_rep_next_control(u64 control, unsigned int next_start);

/* tlfs/vp_assist.c: the kernel's mapping of the VP assist page */
void hvkm_hv_vp_init(struct hvkm_vp *vp);
int hvkm_hv_assist_set(struct hvkm_vp *vp, u64 msr);
void hvkm_hv_assist_map(struct hvkm_vp *vp);
void hvkm_hv_assist_invalidate(struct hvkm_partition *p, unsigned long start, unsigned long end);
int hvkm_hv_assist_bit(struct hvkm_vp *vp, int op);
void hvkm_hv_assist_sync_dirty(struct hvkm_vp *vp);

/* Operations on the apic_assist "No EOI required" bit; hvkm_hv_assist_bit() returns the old one. */
enum {
	HVKM_HV_ASSIST_TEST,
	HVKM_HV_ASSIST_SET,
	HVKM_HV_ASSIST_CLEAR,
};

/* tlfs/eoi_assist.c (pure), tlfs/lazy_eoi.c: EOI assist (TLFS "EOI Assist") */
bool hvkm_hv_lazy_eoi_eligible(const unsigned long *irr, const unsigned long *isr,
			       const unsigned long *tmr, int vector);
void hvkm_hv_lazy_eoi_before_inject(struct hvkm_vp *vp);
void hvkm_hv_interrupt_taken(struct hvkm_vp *vp, int vector);
void hvkm_hv_lazy_eoi_exit(struct hvkm_vp *vp);
void hvkm_hv_lazy_eoi_cancel(struct hvkm_vp *vp);

#endif /* HVKM_TLFS_H */
