// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm: SVM virtual processors: the VMCB, one guest entry, and the exits
 * (AMD APM vol. 2, 15.5-15.13).  NRIP_SAVE and decode assists are not
 * relied on: every instruction whose exit advances RIP has a fixed length.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ktime.h>
#include <linux/sched/clock.h>
#include <linux/seq_file.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <asm/debugreg.h>
#include <asm/fpu/api.h>
#include <asm/fpu/xcr.h>
#include <asm/io.h>
#include <asm/processor-flags.h>
#include <asm/segment.h>
#include <asm/trap_pf.h>
#include <asm/traps.h>

#include "../mmio.h"
#include "svm.h"

/* Set before each entry; still there afterwards means VMRUN never ran. */
#define HVKM_SVM_EXIT_NONE	0xfffffffeU

/* Instruction lengths of the exits that skip their instruction. */
#define LEN_CPUID	2	/* 0f a2 */
#define LEN_HLT		1	/* f4 */
#define LEN_VMMCALL	3	/* 0f 01 d9 */
#define LEN_INVD	2	/* 0f 08 */
#define LEN_WBINVD	2	/* 0f 09 */

struct hvkm_svm_vp {
	struct vmcb *vmcb;
	unsigned long gprs[HVKM_SVM_NR_GPRS];
	u64 asid_generation;
	int last_cpu;
	/* The partition's tlb_generation when this VP last took an ASID. */
	unsigned long tlb_generation;
	u64 tsc_adjust;
	u64 tsc_aux;		/* what RDTSCP/RDPID return in the guest */
	struct hvkm_svm_dr dr;
	u64 spec_ctrl;		/* the guest's IA32_SPEC_CTRL */
	/* Between an injected NMI and the guest's IRET no other NMI is injected. */
	bool nmi_masked;
	/* An MMIO instruction waiting for the data of a read exit. */
	struct hvkm_mmio mmio;
	/* An MSR access the VMM answers before the next entry. */
	bool msr_pending;
	bool msr_pending_write;
	/* An INS whose data userspace supplies before the next entry. */
	bool ins_pending;
	u64 ins_gva;
	u32 ins_bytes;
	u64 ins_next_rip;	/* where RIP goes when the string is done, or 0 */
	/* An IN whose data userspace supplies before the next entry. */
	bool io_in_pending;
	u8 io_size;
	u64 io_next_rip;
};

/* Shared by all VPs: every port and every MSR access exits. */
/* The host uses TSC_AUX (RDTSCP/RDPID), so a guest value must be switched. */
static bool hvkm_svm_tsc_aux;
static void *hvkm_svm_iopm;
static void *hvkm_svm_msrpm;

static inline struct hvkm_svm_vp *to_svm(struct hvkm_vp *vp)
{
	return vp->arch;
}

static inline struct hvkm_npt *to_npt(struct hvkm_partition *p)
{
	return p->arch;
}

static void svm_paging(struct vmcb_save_area *s, struct hvkm_paging *pg)
{
	*pg = (struct hvkm_paging){ s->cr0, s->cr3, s->cr4, s->efer };
}

/* The code size of the guest's CS: 8 in 64-bit mode, else CS.D decides. */
static unsigned int svm_code_size(struct vmcb_save_area *s)
{
	if ((s->efer & EFER_LMA) && (s->cs.attrib & SVM_SELECTOR_L_MASK))
		return 8;
	return (s->cs.attrib & SVM_SELECTOR_DB_MASK) ? 4 : 2;
}

int hvkm_svm_partition_init(struct hvkm_partition *p)
{
	struct hvkm_npt *npt;
	int ret;

	npt = kzalloc(sizeof(*npt), GFP_KERNEL_ACCOUNT);
	if (!npt)
		return -ENOMEM;
	ret = hvkm_npt_init(npt);
	if (ret) {
		kfree(npt);
		return ret;
	}
	p->arch = npt;
	return 0;
}

void hvkm_svm_partition_destroy(struct hvkm_partition *p)
{
	hvkm_npt_destroy(to_npt(p));
	kfree(p->arch);
}

bool hvkm_svm_zap_gpa_range(struct hvkm_partition *p, u64 start, u64 end)
{
	lockdep_assert_held(&p->mmu_lock);
	return hvkm_npt_zap(to_npt(p), start, end);
}

bool hvkm_svm_write_protect_gpa_range(struct hvkm_partition *p, u64 start, u64 end)
{
	lockdep_assert_held(&p->mmu_lock);
	return hvkm_npt_write_protect(to_npt(p), start, end);
}

static void svm_set_intercept_bit(struct vmcb_control_area *c, unsigned int bit, bool on)
{
	if (on)
		c->intercepts[bit / 32] |= BIT(bit % 32);
	else
		c->intercepts[bit / 32] &= ~BIT(bit % 32);
}

static void svm_init_segment(struct vmcb_seg *seg, u16 attrib)
{
	*seg = (struct vmcb_seg){ .selector = 0, .attrib = attrib, .limit = 0xffff, .base = 0 };
}

/*
 * The guest state at reset and INIT (AMD APM vol. 2, 14.1.3 "Processor
 * Initialization State"): real mode, CS:IP F000:FFF0 with CS base FFFF0000.
 */
static void svm_reset_save(struct hvkm_vp *vp)
{
	struct hvkm_svm_vp *svp = to_svm(vp);
	struct vmcb_save_area *s = &svp->vmcb->save;

	memset(s, 0, sizeof(*s));
	memset(svp->gprs, 0, sizeof(svp->gprs));
	svm_init_segment(&s->cs, SVM_SELECTOR_P_MASK | SVM_SELECTOR_S_MASK |
			 SVM_SELECTOR_READ_MASK | SVM_SELECTOR_CODE_MASK);
	s->cs.selector = 0xf000;
	s->cs.base = 0xffff0000;
	svm_init_segment(&s->ds, SVM_SELECTOR_P_MASK | SVM_SELECTOR_S_MASK |
			 SVM_SELECTOR_WRITE_MASK);
	s->es = s->ds;
	s->ss = s->ds;
	s->fs = s->ds;
	s->gs = s->ds;
	svm_init_segment(&s->ldtr, SVM_SELECTOR_P_MASK | 2);	/* LDT */
	svm_init_segment(&s->tr, SVM_SELECTOR_P_MASK | 3);	/* busy 16-bit TSS */
	s->gdtr.limit = 0xffff;
	s->idtr.limit = 0xffff;
	s->rip = 0xfff0;
	s->rflags = X86_EFLAGS_FIXED;
	s->cr0 = X86_CR0_CD | X86_CR0_NW | X86_CR0_ET;
	/* VMRUN requires EFER.SVME in the guest; RDMSR never shows it. */
	s->efer = EFER_SVME;
	s->dr6 = DR6_RESERVED;
	s->dr7 = 0x400;				/* DR7 reset value: bit 10 reads as 1 */
	hvkm_svm_dr_reset(&svp->dr);		/* INIT clears DR0-3 too (SDM table 9-1) */
	s->g_pat = 0x0007040600070406ULL;	/* the PAT reset value */
}

/* The VMCB of a new VP: what hvkm intercepts, its tables, the reset state. */
static void svm_init_vmcb(struct hvkm_vp *vp)
{
	struct vmcb_control_area *c = &to_svm(vp)->vmcb->control;
	static const unsigned int intercepts[] = {
		INTERCEPT_INTR, INTERCEPT_NMI, INTERCEPT_SMI, INTERCEPT_CPUID,
		INTERCEPT_HLT, INTERCEPT_INVD, INTERCEPT_RDPMC, INTERCEPT_IOIO_PROT,
		INTERCEPT_MSR_PROT, INTERCEPT_SHUTDOWN, INTERCEPT_VMRUN,
		INTERCEPT_VMMCALL, INTERCEPT_VMLOAD, INTERCEPT_VMSAVE,
		INTERCEPT_STGI, INTERCEPT_CLGI, INTERCEPT_SKINIT, INTERCEPT_WBINVD,
		INTERCEPT_MONITOR, INTERCEPT_MWAIT, INTERCEPT_XSETBV,
		INTERCEPT_INVLPGA, INTERCEPT_RDPRU,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(intercepts); i++)
		svm_set_intercept_bit(c, intercepts[i], true);
	/* DR0-3 are switched only once the guest touches a DR (svm_dr.c). */
	for (i = INTERCEPT_DR0_READ; i <= INTERCEPT_DR7_WRITE; i++)
		svm_set_intercept_bit(c, i, true);
	c->iopm_base_pa = __pa(hvkm_svm_iopm);
	c->msrpm_base_pa = __pa(hvkm_svm_msrpm);
	c->int_ctl = V_INTR_MASKING_MASK;
	c->nested_ctl = SVM_NESTED_CTL_NP_ENABLE;
	c->nested_cr3 = __pa(to_npt(vp->partition)->root);

	svm_reset_save(vp);
}

/* INIT, and the start a SIPI gives (SDM 8.4.4.1 / APM 15.27.8). */
void hvkm_svm_init_vp(struct hvkm_vp *vp, int sipi_vector)
{
	struct hvkm_svm_vp *svp = to_svm(vp);
	struct vmcb_control_area *c = &svp->vmcb->control;

	svm_reset_save(vp);
	c->event_inj = 0;
	c->int_state = 0;
	c->int_ctl &= ~(V_TPR_MASK | V_IRQ_MASK | V_IGN_TPR_MASK | V_INTR_PRIO_MASK);
	svm_set_intercept_bit(c, INTERCEPT_VINTR, false);
	svm_set_intercept_bit(c, INTERCEPT_IRET, false);
	svp->nmi_masked = false;
	if (sipi_vector >= 0) {
		svp->vmcb->save.cs.selector = sipi_vector << 8;
		svp->vmcb->save.cs.base = (u64)sipi_vector << 12;
		svp->vmcb->save.rip = 0;
	}
}

int hvkm_svm_vp_create(struct hvkm_vp *vp)
{
	struct hvkm_svm_vp *svp;
	struct page *page;

	svp = kzalloc(sizeof(*svp), GFP_KERNEL_ACCOUNT);
	if (!svp)
		return -ENOMEM;
	page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!page) {
		kfree(svp);
		return -ENOMEM;
	}
	svp->vmcb = page_address(page);
	svp->last_cpu = -1;
	vp->arch = svp;
	svm_init_vmcb(vp);
	return 0;
}

void hvkm_svm_vp_free(struct hvkm_vp *vp)
{
	struct hvkm_svm_vp *svp = to_svm(vp);

	free_page((unsigned long)svp->vmcb);
	kfree(svp);
}

/*
 * ASIDs are handed out per CPU.  A VP that moved here, or whose ASID is from
 * an older generation, gets a fresh one; when they run out, a new generation
 * starts and the whole TLB is flushed (AMD APM vol. 2, 15.16 "TLB Control").
 */
static void svm_assign_asid(struct hvkm_svm_vp *svp)
{
	struct hvkm_svm_cpu *sc = this_cpu_ptr(&hvkm_svm_cpu);
	struct vmcb_control_area *c = &svp->vmcb->control;
	int cpu = smp_processor_id();

	c->tlb_ctl = TLB_CONTROL_DO_NOTHING;
	if (svp->last_cpu == cpu && svp->asid_generation == sc->asid_generation)
		return;
	if (sc->next_asid > hvkm_svm_max_asid) {
		sc->asid_generation++;
		sc->next_asid = 1;
		c->tlb_ctl = TLB_CONTROL_FLUSH_ALL_ASID;
	}
	c->asid = sc->next_asid++;
	svp->asid_generation = sc->asid_generation;
	svp->last_cpu = cpu;
}

static bool svm_interruptible(struct hvkm_svm_vp *svp)
{
	struct vmcb *vmcb = svp->vmcb;

	return (vmcb->save.rflags & X86_EFLAGS_IF) &&
	       !(vmcb->control.int_state & SVM_INTERRUPT_SHADOW_MASK);
}

bool hvkm_svm_interruptible(struct hvkm_vp *vp)
{
	return svm_interruptible(to_svm(vp));
}

void hvkm_svm_get_paging(struct hvkm_vp *vp, struct hvkm_paging *pg, unsigned int *cpl)
{
	struct vmcb_save_area *s = &to_svm(vp)->vmcb->save;

	svm_paging(s, pg);
	*cpl = s->cpl;
}

/*
 * The guest's CR8 is V_TPR in the VMCB (APM 15.21.1, V_INTR_MASKING) and
 * TPR[7:4] in the local APIC.  While an interrupt waits only for the TPR
 * to drop, CR8 writes are intercepted so that hvkm sees the drop.
 */
static void svm_sync_tpr_in(struct hvkm_vp *vp)
{
	struct vmcb_control_area *c = &to_svm(vp)->vmcb->control;

	c->int_ctl = (c->int_ctl & ~V_TPR_MASK) | (hvkm_lapic_get_tpr(vp) >> 4);
	svm_set_intercept_bit(c, INTERCEPT_CR8_WRITE, hvkm_lapic_blocked_by_tpr(vp));
}

static void svm_sync_tpr_out(struct hvkm_vp *vp)
{
	struct vmcb_control_area *c = &to_svm(vp)->vmcb->control;
	u32 tpr = hvkm_lapic_get_tpr(vp);

	if ((tpr >> 4) != (c->int_ctl & V_TPR_MASK))
		hvkm_lapic_set_tpr(vp, (c->int_ctl & V_TPR_MASK) << 4);
}

/*
 * Inject what is pending, if the VP can take it now (AMD APM vol. 2, 15.20
 * "Event Injection"); otherwise ask for a VINTR exit when it can, by way of
 * a virtual interrupt that the guest's IF holds back (15.21.4).  An NMI
 * masks further NMIs until the guest's IRET, which is intercepted for that.
 */
static void svm_inject_pending(struct hvkm_vp *vp)
{
	struct hvkm_svm_vp *svp = to_svm(vp);
	struct vmcb_control_area *c = &svp->vmcb->control;
	bool want_window = vp->run->request_interrupt_window;
	int vector;

	hvkm_hv_lazy_eoi_before_inject(vp);
	if (!(c->event_inj & SVM_EVTINJ_VALID)) {
		if (!svp->nmi_masked &&
		    test_and_clear_bit(HVKM_PENDING_NMI, &vp->pending_flags)) {
			c->event_inj = NMI_VECTOR | SVM_EVTINJ_TYPE_NMI | SVM_EVTINJ_VALID;
			svp->nmi_masked = true;
			svm_set_intercept_bit(c, INTERCEPT_IRET, true);
			vp->stats.nmis_injected++;
		} else if (svm_interruptible(svp) && hvkm_lapic_pending(vp) >= 0) {
			vector = hvkm_lapic_pending(vp);
			hvkm_hv_interrupt_taken(vp, vector);
			c->event_inj = vector | SVM_EVTINJ_TYPE_INTR | SVM_EVTINJ_VALID;
			vp->stats.interrupts_injected++;
		}
	}
	/*
	 * More to deliver, or the VMM waits for a window: exit when the guest
	 * can take an interrupt, which is after the handler of an event
	 * injected now returns, or once IF is set.
	 */
	want_window |= hvkm_vp_irq_pending(vp);
	if (want_window && ((c->event_inj & SVM_EVTINJ_VALID) || !svm_interruptible(svp))) {
		c->int_ctl |= V_IRQ_MASK | V_IGN_TPR_MASK | (0xf << V_INTR_PRIO_SHIFT);
		svm_set_intercept_bit(c, INTERCEPT_VINTR, true);
	}
	svm_sync_tpr_in(vp);
}

static void svm_clear_window(struct vmcb_control_area *c)
{
	c->int_ctl &= ~(V_IRQ_MASK | V_IGN_TPR_MASK | V_INTR_PRIO_MASK);
	svm_set_intercept_bit(c, INTERCEPT_VINTR, false);
}

/*
 * VMRUN and back, with GIF clear around it.  Interrupts are off on entry and
 * on return; the caller sets GIF again once the host state is complete.
 */
static void svm_world_switch(struct hvkm_svm_vp *svp)
{
	asm volatile("clgi" : : : "memory");
	raw_local_irq_enable();
	__hvkm_svm_run(__pa(svp->vmcb), svp->gprs,
		       page_to_phys(this_cpu_read(hvkm_svm_cpu.host_vmsave)));
	raw_local_irq_disable();
}

/*
 * One trip into the guest, with the guest's FPU state loaded (fpu.c).  Interrupts stay
 * held by GIF=0 until the host state is back; RFLAGS.IF is set for VMRUN
 * itself because with V_INTR_MASKING the host's IF at VMRUN decides whether
 * physical interrupts make the guest exit (APM 15.21.1).
 */
static void svm_enter_guest(struct hvkm_vp *vp)
{
	struct hvkm_svm_vp *svp = to_svm(vp);
	struct vmcb *vmcb = svp->vmcb;
	unsigned long host_aux;
	bool switch_aux;
	u64 start;
	int cpu;

	vmcb->control.exit_code = HVKM_SVM_EXIT_NONE;
	hvkm_fpu_load_guest(vp);
	local_irq_disable();
	/*
	 * Announce IN_GUEST before looking at pending work and at the TLB
	 * generation: see hvkm_vp_kick() and hvkm_partition_flush_tlb().
	 */
	WRITE_ONCE(vp->cpu, smp_processor_id());
	WRITE_ONCE(vp->mode, HVKM_IN_GUEST);
	/* Pairs with the barriers of the kick and of the TLB flush. */
	smp_mb();
	if (svp->tlb_generation != READ_ONCE(vp->partition->tlb_generation)) {
		/* Translations were removed: a fresh ASID has none of the old ones. */
		svp->tlb_generation = READ_ONCE(vp->partition->tlb_generation);
		svp->last_cpu = -1;
	}
	/* The guest asked for a flush (tlfs/hypercall.c): the same remedy. */
	if (test_and_clear_bit(HVKM_PENDING_TLB_FLUSH, &vp->pending_flags)) {
		svp->last_cpu = -1;
		vp->stats.tlb_flushes++;
	}
	svm_assign_asid(svp);
	svm_inject_pending(vp);
	/*
	 * TSC_AUX is not in the VMCB: the guest's value goes in around the
	 * run, the host's (its getcpu() data) comes back before interrupts do.
	 */
	cpu = smp_processor_id();
	host_aux = vdso_encode_cpunode(cpu, cpu_to_node(cpu));
	switch_aux = hvkm_svm_tsc_aux && svp->tsc_aux != host_aux;
	if (switch_aux)
		wrmsrl(MSR_TSC_AUX, svp->tsc_aux);
	hvkm_svm_dr_load(&svp->dr);
	hvkm_svm_spec_ctrl_enter(svp->spec_ctrl);
	start = rdtsc();
	svm_world_switch(svp);
	vp->guest_tsc += rdtsc() - start;
	hvkm_svm_spec_ctrl_exit(svp->spec_ctrl);
	hvkm_svm_dr_save(&svp->dr);
	svm_sync_tpr_out(vp);
	if (switch_aux)
		wrmsrl(MSR_TSC_AUX, host_aux);
	WRITE_ONCE(vp->mode, HVKM_OUTSIDE_GUEST);
	/* #VMEXIT leaves DR7 at its reset value; put the host's breakpoints back. */
	if (hw_breakpoint_active())
		hw_breakpoint_restore();
	hvkm_svm_stgi_safe();
	local_irq_enable();
	hvkm_fpu_save_guest(vp);
}

static void svm_inject_exception(struct vmcb *vmcb, unsigned int vector,
				 bool has_error, u32 error)
{
	vmcb->control.event_inj = vector | SVM_EVTINJ_TYPE_EXEPT | SVM_EVTINJ_VALID |
				  (has_error ? SVM_EVTINJ_VALID_ERR : 0);
	vmcb->control.event_inj_err = error;
}

/* Past an emulated instruction, a STI or MOV SS shadow no longer applies. */
static void svm_set_rip(struct vmcb *vmcb, u64 rip)
{
	vmcb->save.rip = rip;
	vmcb->control.int_state &= ~SVM_INTERRUPT_SHADOW_MASK;
}

static void svm_skip(struct vmcb *vmcb, unsigned int len)
{
	svm_set_rip(vmcb, vmcb->save.rip + len);
}

static int svm_exit_unhandled(struct hvkm_vp *vp)
{
	struct vmcb_control_area *c = &to_svm(vp)->vmcb->control;

	vp->run->exit_reason = HVKM_EXIT_UNHANDLED;
	vp->run->hw.exit_code = c->exit_code;
	vp->run->hw.info1 = c->exit_info_1;
	vp->run->hw.info2 = c->exit_info_2;
	return HVKM_EXIT_TO_USER;
}

static int svm_exit_cpuid(struct hvkm_vp *vp)
{
	struct hvkm_svm_vp *svp = to_svm(vp);
	u32 regs[4];

	hvkm_cpuid_answer(vp, svp->vmcb->save.rax, svp->gprs[HVKM_RCX], regs);
	svp->vmcb->save.rax = regs[0];
	svp->gprs[HVKM_RBX] = regs[1];
	svp->gprs[HVKM_RCX] = regs[2];
	svp->gprs[HVKM_RDX] = regs[3];
	svm_skip(svp->vmcb, LEN_CPUID);
	return HVKM_RESUME;
}

/* The bytes at the guest's RIP, as many as can be read (at most HVKM_INSN_MAX). */
static unsigned int svm_fetch_insn(struct hvkm_vp *vp, u8 *bytes)
{
	struct vmcb_save_area *s = &to_svm(vp)->vmcb->save;
	struct hvkm_paging pg;
	u64 linear;

	svm_paging(s, &pg);
	linear = svm_code_size(s) == 8 ? s->rip : (u32)(s->cs.base + s->rip);
	return hvkm_fetch_guest(vp->partition, &pg, linear, bytes, HVKM_INSN_MAX);
}

static struct vmcb_seg *svm_prefix_segment(struct vmcb_save_area *s, u8 prefix)
{
	switch (prefix) {
	case 0x26: return &s->es;
	case 0x2e: return &s->cs;
	case 0x36: return &s->ss;
	case 0x3e: return &s->ds;
	case 0x64: return &s->fs;
	case 0x65: return &s->gs;
	default: return NULL;
	}
}

/* The segment an OUTS reads from: DS unless a prefix overrides it. */
static struct vmcb_seg *svm_outs_segment(struct hvkm_vp *vp)
{
	struct vmcb_save_area *s = &to_svm(vp)->vmcb->save;
	struct vmcb_seg *seg = &s->ds, *over;
	u8 bytes[HVKM_INSN_MAX];
	unsigned int i, n = svm_fetch_insn(vp, bytes);

	for (i = 0; i < n; i++) {
		over = svm_prefix_segment(s, bytes[i]);
		if (over)
			seg = over;
		else if (bytes[i] != 0x66 && bytes[i] != 0x67 && bytes[i] != 0xf2 &&
			 bytes[i] != 0xf3)
			break;
	}
	return seg;
}

/* In 64-bit mode only FS and GS have a base (APM vol. 2, 4.12.2). */
static u64 svm_seg_base(struct vmcb_save_area *s, struct vmcb_seg *seg)
{
	if (svm_code_size(s) == 8 && seg != &s->fs && seg != &s->gs)
		return 0;
	return seg->base;
}

/*
 * INS/OUTS, with or without REP, batched: up to a page of data per exit to
 * the VMM.  RSI/RDI and RCX advance by what was moved; RIP moves on only
 * when the string is done, so the guest runs the instruction again for the
 * next batch.  EXITINFO1 gives the size, the REP prefix and the address size.
 */
static int svm_exit_string_io(struct hvkm_vp *vp, u64 info, unsigned int size)
{
	struct hvkm_svm_vp *svp = to_svm(vp);
	struct vmcb *vmcb = svp->vmcb;
	struct vmcb_save_area *s = &vmcb->save;
	unsigned int asize = (info & SVM_IOIO_ASIZE_MASK) >> SVM_IOIO_ASIZE_SHIFT;
	u64 amask = asize & 1 ? 0xffff : asize & 2 ? 0xffffffff : ~0ULL;
	bool rep = info & SVM_IOIO_REP_MASK, in = info & SVM_IOIO_TYPE_MASK;
	bool down = s->rflags & X86_EFLAGS_DF;
	u64 count = rep ? svp->gprs[1] & amask : 1, next_rip = 0, gva;
	struct hvkm_run *run = vp->run;
	u64 *index = (u64 *)&svp->gprs[in ? 7 : 6];	/* RDI for INS, RSI for OUTS */
	struct hvkm_paging pg;
	unsigned int n;

	if (!count) {
		svm_set_rip(vmcb, vmcb->control.exit_info_2);
		return HVKM_RESUME;
	}
	/* Downwards (DF=1) goes one element at a time. */
	n = down ? 1 : min_t(u64, count, PAGE_SIZE / size);
	if (n == count)
		next_rip = vmcb->control.exit_info_2;
	svm_paging(s, &pg);
	gva = (*index & amask) + (in ? svm_seg_base(s, &s->es) :
				  svm_seg_base(s, svm_outs_segment(vp)));
	if (svm_code_size(s) != 8)
		gva = (u32)gva;

	run->exit_reason = HVKM_EXIT_IO;
	run->io.port = info >> 16;
	run->io.size = size;
	run->io.direction = in ? HVKM_IO_IN : HVKM_IO_OUT;
	run->io.count = n;
	run->io.data = 0;
	run->io.data_offset = HVKM_RUN_IO_OFFSET;
	run->io.reserved = 0;
	if (!in && hvkm_fetch_guest(vp->partition, &pg, gva, vp->io_data, n * size) != n * size)
		return svm_exit_unhandled(vp);

	*index = (*index & ~amask) | ((down ? *index - size : *index + n * size) & amask);
	if (rep)
		svp->gprs[1] = (svp->gprs[1] & ~amask) | ((svp->gprs[1] - n) & amask);
	if (in) {
		svp->ins_pending = true;
		svp->ins_gva = gva;
		svp->ins_bytes = n * size;
		svp->ins_next_rip = next_rip;
	} else if (next_rip) {
		svm_set_rip(vmcb, next_rip);
	}
	return HVKM_EXIT_TO_USER;
}

/* The data of an INS arrives with the next RUN: store it into guest memory. */
static int svm_complete_ins(struct hvkm_vp *vp)
{
	struct hvkm_svm_vp *svp = to_svm(vp);
	struct hvkm_paging pg;

	svp->ins_pending = false;
	svm_paging(&svp->vmcb->save, &pg);
	if (hvkm_store_guest(vp->partition, &pg, svp->ins_gva, vp->io_data, svp->ins_bytes)) {
		vp->run->exit_reason = HVKM_EXIT_UNHANDLED;
		vp->run->hw.exit_code = SVM_EXIT_IOIO;
		vp->run->hw.info1 = svp->ins_gva;
		vp->run->hw.info2 = svp->ins_bytes;
		return HVKM_EXIT_TO_USER;
	}
	if (svp->ins_next_rip)
		svm_set_rip(svp->vmcb, svp->ins_next_rip);
	return HVKM_RESUME;
}

/*
 * Port I/O goes to the VMM (APM 15.10.2: EXITINFO1 describes the access,
 * EXITINFO2 is the RIP of the next instruction).
 */
static int svm_exit_io(struct hvkm_vp *vp)
{
	struct hvkm_svm_vp *svp = to_svm(vp);
	struct vmcb *vmcb = svp->vmcb;
	u64 info = vmcb->control.exit_info_1;
	struct hvkm_run *run = vp->run;
	unsigned int size = (info & SVM_IOIO_SIZE_MASK) >> SVM_IOIO_SIZE_SHIFT;

	if (info & SVM_IOIO_STR_MASK)
		return svm_exit_string_io(vp, info, size);
	run->exit_reason = HVKM_EXIT_IO;
	run->io.port = info >> 16;
	run->io.size = size;
	run->io.count = 1;
	run->io.data_offset = 0;
	run->io.reserved = 0;
	if (info & SVM_IOIO_TYPE_MASK) {
		run->io.direction = HVKM_IO_IN;
		run->io.data = 0;
		svp->io_in_pending = true;
		svp->io_size = run->io.size;
		svp->io_next_rip = vmcb->control.exit_info_2;
	} else {
		run->io.direction = HVKM_IO_OUT;
		run->io.data = vmcb->save.rax & GENMASK_ULL(run->io.size * 8 - 1, 0);
		svm_set_rip(vmcb, vmcb->control.exit_info_2);
	}
	return HVKM_EXIT_TO_USER;
}

/* The data of an IN arrives with the next RUN: merge it into RAX. */
static void svm_complete_io_in(struct hvkm_vp *vp)
{
	struct hvkm_svm_vp *svp = to_svm(vp);
	struct vmcb_save_area *s = &svp->vmcb->save;
	u64 data = vp->run->io.data;

	switch (svp->io_size) {
	case 1:
		s->rax = (s->rax & ~0xffULL) | (u8)data;
		break;
	case 2:
		s->rax = (s->rax & ~0xffffULL) | (u16)data;
		break;
	default:
		s->rax = (u32)data;	/* a 32-bit result clears bits 63:32 */
		break;
	}
	svm_set_rip(svp->vmcb, svp->io_next_rip);
	svp->io_in_pending = false;
}

static u64 *svm_gpr(struct hvkm_svm_vp *svp, unsigned int reg)
{
	if (reg == 0)
		return &svp->vmcb->save.rax;
	if (reg == 4)
		return &svp->vmcb->save.rsp;
	return (u64 *)&svp->gprs[reg];
}

static int svm_exit_emulation_failure(struct hvkm_vp *vp, u64 gpa, const u8 *insn,
				      unsigned int len)
{
	return hvkm_exit_emulation_failure(vp, gpa, insn, len);
}

/* The registers MMIO emulation works on (kmod/mmio.h), from the VMCB... */
static void svm_mmio_regs(struct hvkm_vp *vp, struct hvkm_mmio_regs *r)
{
	struct hvkm_svm_vp *svp = to_svm(vp);
	struct vmcb_save_area *s = &svp->vmcb->save;
	struct vmcb_seg *segs[] = { &s->es, &s->cs, &s->ss, &s->ds, &s->fs, &s->gs };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(r->gpr); i++)
		r->gpr[i] = *svm_gpr(svp, i);
	for (i = 0; i < ARRAY_SIZE(segs); i++)
		r->seg_base[i] = svm_seg_base(s, segs[i]);
	r->rflags = s->rflags;
	r->rip = s->rip;
	r->mode = svm_code_size(s);
	svm_paging(s, &r->pg);
}

/* ... and back. */
static void svm_mmio_regs_store(struct hvkm_vp *vp, const struct hvkm_mmio_regs *r)
{
	struct hvkm_svm_vp *svp = to_svm(vp);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(r->gpr); i++)
		*svm_gpr(svp, i) = r->gpr[i];
	svp->vmcb->save.rflags = r->rflags;
	if (r->rip != svp->vmcb->save.rip)
		svm_set_rip(svp->vmcb, r->rip);
}

/* An access outside guest RAM, or to the xAPIC page: kmod/mmio.c. */
static int svm_exit_mmio(struct hvkm_vp *vp, u64 gpa)
{
	struct hvkm_mmio_regs r;
	u8 bytes[HVKM_INSN_MAX];
	unsigned int got = svm_fetch_insn(vp, bytes);
	int ret;

	svm_mmio_regs(vp, &r);
	ret = hvkm_mmio_start(vp, &to_svm(vp)->mmio, &r, gpa, bytes, got);
	svm_mmio_regs_store(vp, &r);
	return ret;
}

/* The data of an MMIO read arrives with the next RUN. */
static int svm_complete_mmio(struct hvkm_vp *vp)
{
	struct hvkm_mmio_regs r;
	int ret;

	svm_mmio_regs(vp, &r);
	ret = hvkm_mmio_complete(vp, &to_svm(vp)->mmio, &r);
	svm_mmio_regs_store(vp, &r);
	return ret;
}

/*
 * The page behind @uaddr: writable where the VMM's mapping allows, read only
 * where it does not (a ROM mapped PROT_READ).  The reference is dropped once
 * the page is mapped: the MMU notifier protects the mapping from then on.
 */
static int svm_get_page(unsigned long uaddr, bool want_write, struct page **page,
			bool *writable)
{
	*writable = want_write;
	if (want_write && get_user_pages_fast(uaddr, 1, FOLL_WRITE, page) == 1)
		return 0;
	*writable = false;
	return get_user_pages_fast(uaddr, 1, 0, page) == 1 ? 0 : -EFAULT;
}

/* Under mmu_lock: note a write to a page of a dirty-logged slot. */
static void svm_log_dirty(struct hvkm_partition *p, u64 gpa)
{
	const struct hvkm_memory_slot *slot = hvkm_slot_find_locked(p, gpa);

	if (slot && slot->dirty)
		set_bit((gpa - slot->gpa) >> PAGE_SHIFT, slot->dirty);
}

/* A write to a page dirty logging keeps read-only: log it, let it through. */
static int svm_npf_dirty_write(struct hvkm_vp *vp, u64 gpa)
{
	struct hvkm_partition *p = vp->partition;
	bool ok;

	spin_lock(&p->mmu_lock);
	ok = hvkm_npt_make_writable(to_npt(p), gpa);
	if (ok)
		svm_log_dirty(p, gpa);
	spin_unlock(&p->mmu_lock);
	if (!ok)
		return svm_exit_unhandled(vp);
	/* This VP may hold the read-only translation: it starts afresh. */
	to_svm(vp)->last_cpu = -1;
	return HVKM_RESUME;
}

/*
 * Whether a leaf of @size can map @gpa: the whole of it in the slot, and
 * the VMM's address aligned alike, so that one host page backs it all.
 */
static bool svm_leaf_fits(const struct hvkm_memory_slot *slot, u64 gpa, unsigned long uaddr,
			  u64 size)
{
	u64 base = gpa & ~(size - 1);

	return !((gpa ^ uaddr) & (size - 1)) && base >= slot->gpa &&
	       base + size <= slot->gpa + slot->size;
}

/* Map a 1 GiB, else a 2 MiB leaf; -EEXIST when smaller leaves are there already. */
static int svm_map_large(struct hvkm_npt *npt, u64 gpa, unsigned long uaddr, struct page *page,
			 bool huge_1g, bool writable, bool exec, struct hvkm_npt_cache *cache)
{
	unsigned long pfn = page_to_pfn(page);
	int ret = -EEXIST;

	if (huge_1g)
		ret = hvkm_npt_map_1g(npt, gpa & PUD_MASK,
				      pfn - ((uaddr & ~PUD_MASK) >> PAGE_SHIFT),
				      writable, exec, cache);
	if (ret == -EEXIST)
		ret = hvkm_npt_map_2m(npt, gpa & HPAGE_MASK,
				      pfn - ((uaddr & ~HPAGE_MASK) >> PAGE_SHIFT),
				      writable, exec, cache);
	return ret;
}

/*
 * Guest RAM is mapped on first touch; writes to a read-only region and any
 * access outside guest RAM are MMIO.  In a dirty-logged slot pages are
 * mapped read-only until written, and each first write is logged.
 */
static int svm_exit_npf(struct hvkm_vp *vp)
{
	struct vmcb_control_area *c = &to_svm(vp)->vmcb->control;
	struct hvkm_partition *p = vp->partition;
	u64 gpa = c->exit_info_2, err = c->exit_info_1;
	bool exec = false, readonly = false, logged = false, huge = false, huge_1g = false;
	enum pg_level host_level;
	bool writable, write;
	const struct hvkm_memory_slot *slot;
	struct hvkm_npt_cache cache = {};
	unsigned long uaddr = 0, seq;
	struct page *page;
	u64 leaf;
	int ret;

	/* The xAPIC page is the APIC's even where the VMM put RAM (SDM 10.4.1). */
	if (hvkm_lapic_mmio_claims(vp, gpa))
		return svm_exit_mmio(vp, gpa);
	seq = READ_ONCE(p->mmu_invalidate_seq);
	/* The count is read before the lookup: an invalidation after it makes the map retry. */
	smp_rmb();

	write = err & X86_PF_WRITE;
	mutex_lock(&p->lock);
	slot = hvkm_slot_find(p, gpa);
	if (slot) {
		uaddr = slot->uaddr + ((gpa & PAGE_MASK) - slot->gpa);
		exec = !(slot->flags & HVKM_MEM_NOEXEC);
		readonly = slot->flags & HVKM_MEM_READONLY;
		logged = slot->flags & HVKM_MEM_LOG_DIRTY;
		/* Dirty logging counts 4 KiB pages: no large leaves then. */
		huge = !logged && svm_leaf_fits(slot, gpa, uaddr, HPAGE_SIZE);
		huge_1g = !logged && svm_leaf_fits(slot, gpa, uaddr, PUD_SIZE);
	}
	mutex_unlock(&p->lock);
	if (!slot || (readonly && write))
		return svm_exit_mmio(vp, gpa);

	spin_lock(&p->mmu_lock);
	leaf = hvkm_npt_lookup(to_npt(p), gpa);
	spin_unlock(&p->mmu_lock);
	if (leaf & _PAGE_PRESENT) {
		if (write && !(leaf & _PAGE_RW) && logged)
			return svm_npf_dirty_write(vp, gpa);
		/* Mapped meanwhile by another VP, or a permission fault. */
		if (((err & X86_PF_INSTR) && (leaf & _PAGE_NX)) || (write && !(leaf & _PAGE_RW)))
			return svm_exit_unhandled(vp);
		return HVKM_RESUME;
	}

	if (svm_get_page(uaddr, !readonly, &page, &writable))
		return svm_exit_unhandled(vp);
	/* Backed by a huge page of the VMM: map all of it at once. */
	host_level = huge ? hvkm_host_page_level(current->mm, uaddr) : PG_LEVEL_4K;
	huge = host_level >= PG_LEVEL_2M;
	huge_1g = huge_1g && host_level == PG_LEVEL_1G;
	ret = hvkm_npt_cache_fill(&cache);
	if (!ret) {
		spin_lock(&p->mmu_lock);
		if (p->mmu_invalidate_in_progress || p->mmu_invalidate_seq != seq) {
			ret = -EAGAIN;	/* the VMM's mapping changed: fault again */
		} else if (huge) {
			ret = svm_map_large(to_npt(p), gpa, uaddr, page, huge_1g,
					    writable && !readonly, exec, &cache);
			if (ret == -EEXIST)	/* 4 KiB mappings there already */
				ret = hvkm_npt_map(to_npt(p), gpa, page_to_pfn(page),
						   writable && !readonly, writable && !readonly,
						   exec, &cache);
		} else {
			ret = hvkm_npt_map(to_npt(p), gpa, page_to_pfn(page),
					   writable && !readonly && (!logged || write),
					   writable && !readonly, exec, &cache);
			if (!ret && logged && write)
				svm_log_dirty(p, gpa);
		}
		spin_unlock(&p->mmu_lock);
	}
	/* The guest may write the page from now on without the host seeing it. */
	if (!ret && writable)
		set_page_dirty_lock(page);
	put_page(page);
	hvkm_npt_cache_free(&cache);
	if (ret && ret != -EEXIST && ret != -EAGAIN)
		return ret;
	return HVKM_RESUME;
}

/* EFER bits a guest may set: no SVM (nested) and no long-mode-only surprises. */
#define SVM_GUEST_EFER_BITS	(EFER_SCE | EFER_LME | EFER_LMA | EFER_NX | EFER_FFXSR)
#define LEN_RDMSR_WRMSR		2	/* 0f 32, 0f 30 */

static bool pat_valid(u64 pat)
{
	int i;

	for (i = 0; i < 8; i++) {
		u8 type = pat >> (8 * i);

		if (type == 2 || type == 3 || type > 7)
			return false;
	}
	return true;
}

/* The MSRs whose state is in the VMCB; -ENOENT for the others. */
static int svm_msr_get(struct hvkm_svm_vp *svp, u32 msr, u64 *data)
{
	struct vmcb *vmcb = svp->vmcb;

	switch (msr) {
	case MSR_EFER:
		*data = vmcb->save.efer & ~(u64)EFER_SVME;
		return 0;
	case MSR_IA32_CR_PAT:
		*data = vmcb->save.g_pat;
		return 0;
	case MSR_IA32_TSC:
		*data = rdtsc() + vmcb->control.tsc_offset;
		return 0;
	case MSR_IA32_TSC_ADJUST:
		*data = svp->tsc_adjust;
		return 0;
	case MSR_TSC_AUX:
		if (!hvkm_svm_tsc_aux)
			return -EINVAL;
		*data = svp->tsc_aux;
		return 0;
	default:
		return -ENOENT;
	}
}

static int svm_msr_set(struct hvkm_svm_vp *svp, u32 msr, u64 data)
{
	struct vmcb *vmcb = svp->vmcb;

	switch (msr) {
	case MSR_EFER:
		if (data & ~SVM_GUEST_EFER_BITS)
			return -EINVAL;
		/* LME cannot change while paging is on (APM 14.6.1); LMA is the CPU's. */
		if ((vmcb->save.cr0 & X86_CR0_PG) &&
		    ((data ^ vmcb->save.efer) & EFER_LME))
			return -EINVAL;
		vmcb->save.efer = (data & ~(u64)EFER_LMA) |
				  (vmcb->save.efer & EFER_LMA) | EFER_SVME;
		return 0;
	case MSR_IA32_CR_PAT:
		if (!pat_valid(data))
			return -EINVAL;
		vmcb->save.g_pat = data;
		return 0;
	case MSR_IA32_TSC:
		vmcb->control.tsc_offset = data - rdtsc();
		return 0;
	case MSR_IA32_TSC_ADJUST:
		/* Writing TSC_ADJUST moves the TSC by the same amount (SDM 17.17.3). */
		vmcb->control.tsc_offset += data - svp->tsc_adjust;
		svp->tsc_adjust = data;
		return 0;
	case MSR_TSC_AUX:
		/* Bits 63:32 are reserved (AMD APM vol. 3, RDTSCP). */
		if (!hvkm_svm_tsc_aux || data >> 32)
			return -EINVAL;
		svp->tsc_aux = data;
		return 0;
	default:
		return -ENOENT;
	}
}

/* The VMM's answer to an MSR exit arrives with the next RUN. */
static void svm_complete_msr(struct hvkm_vp *vp)
{
	struct hvkm_svm_vp *svp = to_svm(vp);
	struct vmcb *vmcb = svp->vmcb;

	svp->msr_pending = false;
	if (vp->run->msr.error) {
		svm_inject_exception(vmcb, X86_TRAP_GP, true, 0);
		return;
	}
	if (!svp->msr_pending_write) {
		vmcb->save.rax = (u32)vp->run->msr.data;
		svp->gprs[2] = vp->run->msr.data >> 32;
	}
	svm_skip(vmcb, LEN_RDMSR_WRMSR);
}

/* RDMSR/WRMSR: EXITINFO1 is 1 for a write; ECX names the MSR, EDX:EAX the value. */
static int svm_exit_msr(struct hvkm_vp *vp)
{
	struct hvkm_svm_vp *svp = to_svm(vp);
	struct vmcb *vmcb = svp->vmcb;
	enum hvkm_hv_msr_action action = HVKM_HV_MSR_DONE;
	u32 msr = svp->gprs[1];
	u64 data;
	int ret;

	if (hvkm_msr_exits_to_vmm(vp->partition, msr)) {
		svp->msr_pending = true;
		svp->msr_pending_write = vmcb->control.exit_info_1;
		vp->run->exit_reason = HVKM_EXIT_MSR;
		vp->run->msr.index = msr;
		vp->run->msr.is_write = svp->msr_pending_write;
		vp->run->msr.error = 0;
		vp->run->msr.reserved = 0;
		vp->run->msr.data = svp->msr_pending_write ?
				    (u32)vmcb->save.rax | (svp->gprs[2] << 32) : 0;
		return HVKM_EXIT_TO_USER;
	}
	/* The VMCB's MSRs, the synthetic ones (tlfs/msr.c), the APIC's, then msr.c's. */
	if (vmcb->control.exit_info_1) {
		data = (u32)vmcb->save.rax | (svp->gprs[2] << 32);
		ret = svm_msr_set(svp, msr, data);
		if (ret == -ENOENT)
			ret = hvkm_svm_spec_msr_set(vp, &svp->spec_ctrl, msr, data);
		if (ret == -ENOENT)
			ret = hvkm_hv_msr_set(vp, msr, data, &action);
		if (ret == -ENOENT)
			ret = hvkm_lapic_wrmsr(vp, msr, data);
		if (ret == -ENOENT)
			ret = hvkm_msr_set(vp, msr, data);
	} else {
		ret = svm_msr_get(svp, msr, &data);
		if (ret == -ENOENT)
			ret = hvkm_svm_spec_msr_get(vp, &svp->spec_ctrl, msr, &data);
		if (ret == -ENOENT)
			ret = hvkm_hv_msr_get(vp, msr, &data);
		if (ret == -ENOENT)
			ret = hvkm_lapic_rdmsr(vp, msr, &data);
		if (ret == -ENOENT)
			ret = hvkm_msr_get(vp, msr, &data);
		if (!ret) {
			vmcb->save.rax = (u32)data;
			svp->gprs[2] = data >> 32;
		}
	}
	if (ret) {
		svm_inject_exception(vmcb, X86_TRAP_GP, true, 0);
		return HVKM_RESUME;
	}
	svm_skip(vmcb, LEN_RDMSR_WRMSR);
	return action == HVKM_HV_MSR_EXIT ? HVKM_EXIT_TO_USER : HVKM_RESUME;
}

/*
 * VMMCALL: a hypercall (TLFS "Hypercall Interface").  A 64-bit caller
 * (EFER.LMA and CS.L) passes RCX, RDX, R8 and gets RAX; a 32-bit one
 * passes EDX:EAX, EBX:ECX, EDI:ESI and gets EDX:EAX.  Real mode and CPL > 0
 * get #UD.
 */
static int svm_exit_hypercall(struct hvkm_vp *vp)
{
	struct hvkm_svm_vp *svp = to_svm(vp);
	struct vmcb_save_area *s = &svp->vmcb->save;
	bool is_64 = (s->efer & EFER_LMA) && (s->cs.attrib & SVM_SELECTOR_L_MASK);
	unsigned long *r = svp->gprs;
	struct hvkm_hypercall hc;

	if (!(s->cr0 & X86_CR0_PE) || s->cpl) {
		svm_inject_exception(svp->vmcb, X86_TRAP_UD, false, 0);
		return HVKM_RESUME;
	}
	if (is_64) {
		hc.control = r[HVKM_RCX];
		hc.input = r[HVKM_RDX];
		hc.output = r[HVKM_R8];
	} else {
		hc.control = (u32)s->rax | (u64)(u32)r[HVKM_RDX] << 32;
		hc.input = (u32)r[HVKM_RCX] | (u64)(u32)r[HVKM_RBX] << 32;
		hc.output = (u32)r[HVKM_RSI] | (u64)(u32)r[HVKM_RDI] << 32;
	}
	if (hvkm_hv_hypercall(vp, &hc)) {
		svm_inject_exception(svp->vmcb, X86_TRAP_UD, false, 0);
		return HVKM_RESUME;
	}
	/* Reps remain: VMMCALL again with the next rep start (TLFS "Hypercall Continuation"). */
	if (hc.retry) {
		if (is_64) {
			r[HVKM_RCX] = hc.control;
		} else {
			s->rax = (u32)hc.control;
			r[HVKM_RDX] = hc.control >> 32;
		}
		return HVKM_RESUME;
	}
	if (is_64) {
		s->rax = hc.result;
	} else {
		s->rax = (u32)hc.result;
		r[HVKM_RDX] = hc.result >> 32;
	}
	svm_skip(svp->vmcb, LEN_VMMCALL);
	return HVKM_RESUME;
}

/*
 * MOV CR8, reg while an interrupt waits for the TPR to drop.  Without
 * decode assists the instruction is decoded here: [REX] 0F 22 /r with
 * ModRM.reg = 0 plus REX.R naming CR8 and ModRM.rm (+REX.B) the register.
 */
static int svm_exit_cr8_write(struct hvkm_vp *vp)
{
	struct hvkm_svm_vp *svp = to_svm(vp);
	u8 b[HVKM_INSN_MAX];
	unsigned int got = svm_fetch_insn(vp, b), i = 0;
	u8 rex = 0, modrm;

	if (got > 0 && (b[0] & 0xf0) == 0x40 && svm_code_size(&svp->vmcb->save) == 8)
		rex = b[i++];
	if (got < i + 3 || b[i] != 0x0f || b[i + 1] != 0x22)
		return svm_exit_emulation_failure(vp, 0, b, got);
	modrm = b[i + 2];
	if ((modrm >> 6) != 3 || (((modrm >> 3) & 7) | (rex & 4 ? 8 : 0)) != 8)
		return svm_exit_emulation_failure(vp, 0, b, got);
	hvkm_lapic_set_tpr(vp, (*svm_gpr(svp, (modrm & 7) | (rex & 1 ? 8 : 0)) & 0xf) << 4);
	svp->vmcb->control.int_ctl = (svp->vmcb->control.int_ctl & ~V_TPR_MASK) |
				     (hvkm_lapic_get_tpr(vp) >> 4);
	svm_skip(svp->vmcb, i + 3);
	return HVKM_RESUME;
}

static int svm_handle_exit(struct hvkm_vp *vp)
{
	struct vmcb *vmcb = to_svm(vp)->vmcb;

	switch (vmcb->control.exit_code) {
	case SVM_EXIT_READ_DR0 ... SVM_EXIT_WRITE_DR7:
		hvkm_svm_dr_intercepted(&to_svm(vp)->dr, vmcb);
		return HVKM_RESUME;
	case SVM_EXIT_INTR:
	case SVM_EXIT_NMI:
	case SVM_EXIT_SMI:
		return HVKM_RESUME;	/* the host took it after STGI */
	case SVM_EXIT_CPUID:
		return svm_exit_cpuid(vp);
	case SVM_EXIT_HLT:
		svm_skip(vmcb, LEN_HLT);
		vp->halted = true;
		return HVKM_RESUME;
	case SVM_EXIT_IOIO:
		return svm_exit_io(vp);
	case SVM_EXIT_NPF:
		return svm_exit_npf(vp);
	case SVM_EXIT_MSR:
		return svm_exit_msr(vp);
	case SVM_EXIT_VMMCALL:
		return svm_exit_hypercall(vp);
	case SVM_EXIT_WRITE_CR8:
		return svm_exit_cr8_write(vp);
	case SVM_EXIT_INVD:
		svm_skip(vmcb, LEN_INVD);	/* never drop the host's dirty lines */
		return HVKM_RESUME;
	case SVM_EXIT_WBINVD:
		svm_skip(vmcb, LEN_WBINVD);
		return HVKM_RESUME;
	case SVM_EXIT_RDPMC:
		svm_inject_exception(vmcb, X86_TRAP_GP, true, 0);
		return HVKM_RESUME;
	case SVM_EXIT_VMRUN:
	case SVM_EXIT_VMLOAD:
	case SVM_EXIT_VMSAVE:
	case SVM_EXIT_STGI:
	case SVM_EXIT_CLGI:
	case SVM_EXIT_SKINIT:
	case SVM_EXIT_INVLPGA:
	case SVM_EXIT_MONITOR:
	case SVM_EXIT_MWAIT:
	case SVM_EXIT_XSETBV:
	case SVM_EXIT_RDPRU:
		/* Not offered to guests: as on a CPU without them. */
		svm_inject_exception(vmcb, X86_TRAP_UD, false, 0);
		return HVKM_RESUME;
	case SVM_EXIT_VINTR:
		svm_clear_window(&vmcb->control);
		if (vp->run->request_interrupt_window && svm_interruptible(to_svm(vp))) {
			vp->run->exit_reason = HVKM_EXIT_IRQ_WINDOW_OPEN;
			return HVKM_EXIT_TO_USER;
		}
		return HVKM_RESUME;
	case SVM_EXIT_IRET:
		/* The NMI handler is returning: the next NMI may come. */
		to_svm(vp)->nmi_masked = false;
		svm_set_intercept_bit(&vmcb->control, INTERCEPT_IRET, false);
		return HVKM_RESUME;
	case SVM_EXIT_SHUTDOWN:
		vp->run->exit_reason = HVKM_EXIT_SHUTDOWN;
		return HVKM_EXIT_TO_USER;
	case SVM_EXIT_ERR:
		vp->run->exit_reason = HVKM_EXIT_FAIL_ENTRY;
		vp->run->hw.exit_code = vmcb->control.exit_code;
		return HVKM_EXIT_TO_USER;
	default:
		return svm_exit_unhandled(vp);
	}
}

static unsigned int svm_exit_stat(u32 exit_code)
{
	switch (exit_code) {
	case SVM_EXIT_IOIO: return HVKM_STAT_EXIT_IO;
	case SVM_EXIT_CPUID: return HVKM_STAT_EXIT_CPUID;
	case SVM_EXIT_MSR: return HVKM_STAT_EXIT_MSR;
	case SVM_EXIT_HLT: return HVKM_STAT_EXIT_HLT;
	case SVM_EXIT_NPF: return HVKM_STAT_EXIT_NPF;
	case SVM_EXIT_INTR:
	case SVM_EXIT_NMI:
	case SVM_EXIT_SMI: return HVKM_STAT_EXIT_HOST_INTERRUPT;
	case SVM_EXIT_VMMCALL: return HVKM_STAT_EXIT_HYPERCALL;
	case SVM_EXIT_VINTR: return HVKM_STAT_EXIT_INTERRUPT_WINDOW;
	default: return HVKM_STAT_EXIT_OTHER;
	}
}

/* Exit to the VMM at once when it asked for a window that is open already. */
static bool svm_window_open_now(struct hvkm_vp *vp)
{
	struct hvkm_svm_vp *svp = to_svm(vp);

	return vp->run->request_interrupt_window && svm_interruptible(svp) &&
	       !(svp->vmcb->control.event_inj & SVM_EVTINJ_VALID) &&
	       !hvkm_vp_irq_pending(vp);
}

int hvkm_svm_vp_run(struct hvkm_vp *vp)
{
	struct hvkm_svm_vp *svp = to_svm(vp);
	struct vmcb *vmcb = svp->vmcb;
	int ret;

	if (svp->io_in_pending)
		svm_complete_io_in(vp);
	if (hvkm_mmio_pending(&svp->mmio) && svm_complete_mmio(vp) == HVKM_EXIT_TO_USER) {
		vp->run->rip = vmcb->save.rip;
		vp->run->rflags = vmcb->save.rflags;
		return HVKM_EXIT_TO_USER;
	}
	if (svp->msr_pending)
		svm_complete_msr(vp);
	if (svp->ins_pending && svm_complete_ins(vp) == HVKM_EXIT_TO_USER)
		return HVKM_EXIT_TO_USER;
	if (svm_window_open_now(vp)) {
		vp->run->exit_reason = HVKM_EXIT_IRQ_WINDOW_OPEN;
		vp->run->flags = HVKM_RUN_INTERRUPTIBLE;
		return HVKM_EXIT_TO_USER;
	}

	svm_enter_guest(vp);
	if (vmcb->control.exit_code == HVKM_SVM_EXIT_NONE)
		return -EIO;	/* SVM was turned off: reboot or emergency */
	/*
	 * An event whose delivery the exit interrupted (a fault on the guest's
	 * IDT before it was mapped, say) is injected again (APM 15.7.2).
	 */
	vmcb->control.event_inj = 0;
	if (vmcb->control.exit_int_info & SVM_EXITINTINFO_VALID) {
		vmcb->control.event_inj = vmcb->control.exit_int_info;
		vmcb->control.event_inj_err = vmcb->control.exit_int_info_err;
	}

	vp->stats.exits_total++;
	vp->stats.exits[svm_exit_stat(vmcb->control.exit_code)]++;
	/* An EOI the guest left to the VP assist page happens before anything else. */
	hvkm_hv_lazy_eoi_exit(vp);
	ret = svm_handle_exit(vp);
	vp->run->rip = vmcb->save.rip;
	vp->run->rflags = vmcb->save.rflags;
	vp->run->flags = svm_interruptible(svp) ? HVKM_RUN_INTERRUPTIBLE : 0;
	return ret;
}

/*
 * The floor of a world switch for benchmarks (HVKM_TEST_VMRUN_LOOP): the
 * guest entry and exit alone, with CPUID skipped and nothing else handled.
 */
void hvkm_svm_debugfs_show(struct seq_file *m, struct hvkm_vp *vp)
{
	struct vmcb *vmcb = to_svm(vp)->vmcb;

	seq_printf(m, "  svm rip %#llx rflags %#llx int_state %#x int_ctl %#x exit %#x\n",
		   vmcb->save.rip, vmcb->save.rflags, vmcb->control.int_state,
		   vmcb->control.int_ctl, vmcb->control.exit_code);
	seq_printf(m, "  svm event_inj %#x exit_int_info %#x intercepts3 %#x nmi_masked %d\n",
		   vmcb->control.event_inj, vmcb->control.exit_int_info,
		   vmcb->control.intercepts[INTERCEPT_WORD3],
		   to_svm(vp)->nmi_masked);
}

s64 hvkm_svm_get_tsc_offset(struct hvkm_vp *vp)
{
	return to_svm(vp)->vmcb->control.tsc_offset;
}

int hvkm_svm_test_vmrun_loop(struct hvkm_vp *vp, struct hvkm_test_vmrun_loop *loop)
{
	struct hvkm_svm_vp *svp = to_svm(vp);
	struct vmcb *vmcb = svp->vmcb;
	u64 i, start = ktime_get_ns();

	loop->cpuid_exits = 0;
	for (i = 0; i < loop->iterations; i++) {
		local_irq_disable();
		svm_assign_asid(svp);
		svm_world_switch(svp);
		hvkm_svm_stgi_safe();
		local_irq_enable();
		if (vmcb->control.exit_code == SVM_EXIT_CPUID) {
			svm_skip(vmcb, LEN_CPUID);
			loop->cpuid_exits++;
		} else if (vmcb->control.exit_code != SVM_EXIT_INTR) {
			return -EPROTO;	/* the benchmark guest does nothing else */
		}
		cond_resched();
	}
	loop->nanoseconds = ktime_get_ns() - start;
	return 0;
}

/* TLFS segment attributes are descriptor bits 55:40; the VMCB packs them in 12 bits. */
static u16 svm_attrib_from_hv(u16 a)
{
	return (a & 0xff) | ((a >> 4) & 0xf00);
}

static u16 svm_attrib_to_hv(u16 a)
{
	return (a & 0xff) | ((a & 0xf00) << 4);
}

static struct vmcb_seg *svm_segment(struct vmcb_save_area *s, u32 name)
{
	switch (name) {
	case HV_X64_REGISTER_ES: return &s->es;
	case HV_X64_REGISTER_CS: return &s->cs;
	case HV_X64_REGISTER_SS: return &s->ss;
	case HV_X64_REGISTER_DS: return &s->ds;
	case HV_X64_REGISTER_FS: return &s->fs;
	case HV_X64_REGISTER_GS: return &s->gs;
	case HV_X64_REGISTER_LDTR: return &s->ldtr;
	case HV_X64_REGISTER_TR: return &s->tr;
	case HV_X64_REGISTER_IDTR: return &s->idtr;
	case HV_X64_REGISTER_GDTR: return &s->gdtr;
	default: return NULL;
	}
}

/* The 64-bit registers that live as they are in the VMCB save area. */
static u64 *svm_reg64(struct hvkm_svm_vp *svp, u32 name)
{
	struct vmcb_save_area *s = &svp->vmcb->save;

	if (name >= HV_X64_REGISTER_RAX && name <= HV_X64_REGISTER_R15) {
		unsigned int n = name - HV_X64_REGISTER_RAX;

		if (n == 0)
			return &s->rax;
		if (n == 4)
			return &s->rsp;
		return (u64 *)&svp->gprs[n];
	}
	switch (name) {
	case HV_X64_REGISTER_RIP: return &s->rip;
	case HV_X64_REGISTER_RFLAGS: return &s->rflags;
	case HV_X64_REGISTER_CR0: return &s->cr0;
	case HV_X64_REGISTER_CR2: return &s->cr2;
	case HV_X64_REGISTER_CR3: return &s->cr3;
	case HV_X64_REGISTER_CR4: return &s->cr4;
	case HV_X64_REGISTER_KERNEL_GS_BASE: return &s->kernel_gs_base;
	case HV_X64_REGISTER_PAT: return &s->g_pat;
	case HV_X64_REGISTER_SYSENTER_CS: return &s->sysenter_cs;
	case HV_X64_REGISTER_SYSENTER_EIP: return &s->sysenter_eip;
	case HV_X64_REGISTER_SYSENTER_ESP: return &s->sysenter_esp;
	case HV_X64_REGISTER_STAR: return &s->star;
	case HV_X64_REGISTER_LSTAR: return &s->lstar;
	case HV_X64_REGISTER_CSTAR: return &s->cstar;
	case HV_X64_REGISTER_SFMASK: return &s->sfmask;
	default: return NULL;
	}
}

int hvkm_svm_get_register(struct hvkm_vp *vp, struct hvkm_register_assoc *reg)
{
	struct hvkm_svm_vp *svp = to_svm(vp);
	struct vmcb *vmcb = svp->vmcb;
	struct vmcb_seg *seg;
	u64 *r64;
	int ret;

	memset(&reg->value, 0, sizeof(reg->value));
	ret = hvkm_svm_dr_get(&svp->dr, vmcb, reg->name, &reg->value.reg64);
	if (ret != -ENOENT)
		return ret;
	r64 = svm_reg64(svp, reg->name);
	if (r64) {
		reg->value.reg64 = *r64;
		return 0;
	}
	seg = svm_segment(&vmcb->save, reg->name);
	if (seg && (reg->name == HV_X64_REGISTER_IDTR || reg->name == HV_X64_REGISTER_GDTR)) {
		reg->value.table.limit = seg->limit;
		reg->value.table.base = seg->base;
		return 0;
	}
	if (seg) {
		reg->value.segment.base = seg->base;
		reg->value.segment.limit = seg->limit;
		reg->value.segment.selector = seg->selector;
		reg->value.segment.attributes = svm_attrib_to_hv(seg->attrib);
		return 0;
	}
	switch (reg->name) {
	case HV_X64_REGISTER_CR8:
		reg->value.reg64 = vmcb->control.int_ctl & V_TPR_MASK;
		return 0;
	case HV_X64_REGISTER_EFER:
		reg->value.reg64 = vmcb->save.efer & ~(u64)EFER_SVME;
		return 0;
	case HV_X64_REGISTER_TSC:
		reg->value.reg64 = rdtsc() + vmcb->control.tsc_offset;
		return 0;
	case HV_X64_REGISTER_TSC_AUX:
		return svm_msr_get(svp, MSR_TSC_AUX, &reg->value.reg64);
	case HV_X64_REGISTER_SPEC_CTRL:
		return hvkm_svm_spec_reg_get(svp->spec_ctrl, &reg->value.reg64);
	default:
		return -EINVAL;
	}
}

int hvkm_svm_set_register(struct hvkm_vp *vp, const struct hvkm_register_assoc *reg)
{
	struct hvkm_svm_vp *svp = to_svm(vp);
	struct vmcb *vmcb = svp->vmcb;
	struct vmcb_seg *seg;
	u64 *r64, v = reg->value.reg64;
	int ret;

	ret = hvkm_svm_dr_set(&svp->dr, vmcb, reg->name, v);
	if (ret != -ENOENT)
		return ret;
	r64 = svm_reg64(svp, reg->name);
	if (r64) {
		*r64 = v;
		return 0;
	}
	seg = svm_segment(&vmcb->save, reg->name);
	if (seg && (reg->name == HV_X64_REGISTER_IDTR || reg->name == HV_X64_REGISTER_GDTR)) {
		seg->limit = reg->value.table.limit;
		seg->base = reg->value.table.base;
		return 0;
	}
	if (seg) {
		seg->base = reg->value.segment.base;
		seg->limit = reg->value.segment.limit;
		seg->selector = reg->value.segment.selector;
		seg->attrib = svm_attrib_from_hv(reg->value.segment.attributes);
		return 0;
	}
	switch (reg->name) {
	case HV_X64_REGISTER_CR8:
		if (v > V_TPR_MASK)
			return -EINVAL;
		vmcb->control.int_ctl = (vmcb->control.int_ctl & ~V_TPR_MASK) | v;
		return 0;
	case HV_X64_REGISTER_EFER:
		vmcb->save.efer = v | EFER_SVME;
		return 0;
	case HV_X64_REGISTER_TSC:
		vmcb->control.tsc_offset = v - rdtsc();
		return 0;
	case HV_X64_REGISTER_TSC_AUX:
		/* Checked as WRMSR checks it: it goes into the real MSR. */
		return svm_msr_set(svp, MSR_TSC_AUX, v);
	case HV_X64_REGISTER_SPEC_CTRL:
		return hvkm_svm_spec_reg_set(&svp->spec_ctrl, v);
	default:
		return -EINVAL;
	}
}

/*
 * Clear the read and write intercept bits of @msr in the MSR permission map:
 * two bits per MSR, in three 2 KiB blocks (AMD APM vol. 2, 15.11).
 */
static void svm_msrpm_allow(u32 msr)
{
	static const u32 block_base[] = { 0, 0xc0000000, 0xc0010000 };
	unsigned long *map = hvkm_svm_msrpm;
	unsigned int i, bit;

	for (i = 0; i < ARRAY_SIZE(block_base); i++) {
		if (msr - block_base[i] < 0x2000) {
			bit = i * 0x800 * 8 + (msr - block_base[i]) * 2;
			__clear_bit(bit, map);
			__clear_bit(bit + 1, map);
			return;
		}
	}
}

/* Module-wide SVM state for VPs: the I/O and MSR permission maps. */
int hvkm_svm_vp_setup(void)
{
	static const u32 passthrough[] = {
		MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE, MSR_STAR, MSR_LSTAR,
		MSR_CSTAR, MSR_SYSCALL_MASK, MSR_IA32_SYSENTER_CS,
		MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
	};
	unsigned int i;

	/* All ones: every port (12 KiB map) and every MSR (8 KiB map) exits... */
	hvkm_svm_iopm = (void *)__get_free_pages(GFP_KERNEL, get_order(IOPM_SIZE));
	hvkm_svm_msrpm = (void *)__get_free_pages(GFP_KERNEL, get_order(MSRPM_SIZE));
	if (!hvkm_svm_iopm || !hvkm_svm_msrpm) {
		hvkm_svm_vp_cleanup();
		return -ENOMEM;
	}
	memset(hvkm_svm_iopm, 0xff, PAGE_SIZE << get_order(IOPM_SIZE));
	memset(hvkm_svm_msrpm, 0xff, PAGE_SIZE << get_order(MSRPM_SIZE));
	hvkm_svm_tsc_aux = boot_cpu_has(X86_FEATURE_RDTSCP) || boot_cpu_has(X86_FEATURE_RDPID);
	/* ...but those that VMLOAD/VMSAVE switch with the guest, which it may use freely. */
	for (i = 0; i < ARRAY_SIZE(passthrough); i++)
		svm_msrpm_allow(passthrough[i]);

	return 0;
}

void hvkm_svm_vp_cleanup(void)
{
	free_pages((unsigned long)hvkm_svm_iopm, get_order(IOPM_SIZE));
	free_pages((unsigned long)hvkm_svm_msrpm, get_order(MSRPM_SIZE));
	hvkm_svm_iopm = NULL;
	hvkm_svm_msrpm = NULL;
}
