// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm: the synthetic MSRs of the TLFS ("Hypercall Interface", "Partition
 * Reference Time", "Virtual Processor Properties", guest crash reporting).
 * Each needs its privilege (HV_PARTITION_PRIVILEGE_MASK, CPUID 0x40000003)
 * or it is a #GP; read-only MSRs #GP on writes; reserved bits a guest may
 * not set #GP, RsvdP bits read as zero.
 */
#include <asm/tsc.h>
#include <linux/errno.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "../hvkm.h"

#define HYPERCALL_LOCKED	BIT_ULL(1)
#define HYPERCALL_VALID		(HV_X64_MSR_HYPERCALL_PAGE_ADDRESS_MASK |		\
				 HYPERCALL_LOCKED | HV_X64_MSR_HYPERCALL_ENABLE)
#define REFERENCE_TSC_VALID	(PAGE_MASK | HV_X64_MSR_TSC_REFERENCE_ENABLE)
#define VP_ASSIST_VALID		(HV_X64_MSR_VP_ASSIST_PAGE_ADDRESS_MASK |		\
				 HV_X64_MSR_VP_ASSIST_PAGE_ENABLE)
#define CRASH_CTL_SUPPORTED	(HV_CRASH_CTL_CRASH_NOTIFY | HV_CRASH_CTL_CRASH_NOTIFY_MSG)

/* A page number the partition's GPA space can hold. */
static bool hv_gpa_valid(u64 msr_value)
{
	return (msr_value & PAGE_MASK) < BIT_ULL(HVKM_GPA_BITS);
}

static bool hv_granted(struct hvkm_vp *vp, u64 privilege)
{
	return vp->partition->privileges & privilege;
}

/*
 * The hypercall page (TLFS "Establishing the Hypercall Interface"): ENDBR64
 * so that guests with indirect branch tracking may call it, the backend's
 * hypercall instruction, RET.  The same bytes serve 32-bit callers.  The
 * rest of the page traps.
 */
static int hv_write_hypercall_page(struct hvkm_partition *p, u64 gpa)
{
	static const u8 endbr64[] = { 0xf3, 0x0f, 0x1e, 0xfa };
	static const u8 vmmcall[] = { 0x0f, 0x01, 0xd9 };
	static const u8 vmcall[] = { 0x0f, 0x01, 0xc1 };
	u8 *page = kmalloc(PAGE_SIZE, GFP_KERNEL);
	u8 *at = page;
	int ret;

	if (!page)
		return -ENOMEM;
	memset(page, 0xcc, PAGE_SIZE);	/* INT3 */
	memcpy(at, endbr64, sizeof(endbr64));
	at += sizeof(endbr64);
	if (hvkm_caps.vendor == HVKM_VENDOR_SVM) {
		memcpy(at, vmmcall, sizeof(vmmcall));
		at += sizeof(vmmcall);
	} else {
		memcpy(at, vmcall, sizeof(vmcall));
		at += sizeof(vmcall);
	}
	*at = 0xc3;			/* RET */
	ret = hvkm_write_guest(p, gpa, page, PAGE_SIZE);
	kfree(page);
	return ret;
}

static bool trust_tsc;
module_param(trust_tsc, bool, 0644);
MODULE_PARM_DESC(trust_tsc,
		 "Offer guests the reference TSC page even when the host TSC is not known to be constant (emulated CPUs)");

/* Whether guests may compute time from the TSC: one constant, stable rate. */
static bool hv_tsc_trusted(void)
{
	if (!tsc_khz)
		return false;
	return READ_ONCE(trust_tsc) ||
	       (boot_cpu_has(X86_FEATURE_CONSTANT_TSC) && !check_tsc_unstable());
}

/*
 * Fill the reference TSC page (TLFS "Partition Reference Time
 * Enlightenment") for VPs whose TSC runs at the host's plus @tsc_offset.
 * The sequence is 0 while it is written and whenever the TSC cannot be
 * trusted, which sends guests to HV_X64_MSR_TIME_REF_COUNT.
 */
static int hv_write_tsc_page(struct hvkm_partition *p, s64 tsc_offset)
{
	struct hvkm_hv_partition *hv = &p->hv;
	u64 gpa = hv->reference_tsc & PAGE_MASK;
	u64 scale_offset[2];
	u32 invalid = 0;
	int ret;

	lockdep_assert_held(&hv->lock);
	ret = hvkm_write_guest(p, gpa, &invalid, sizeof(invalid));
	if (ret || !hv_tsc_trusted())
		return ret;
	scale_offset[0] = hv->tsc_scale;
	scale_offset[1] = hvkm_hv_tsc_page_offset(READ_ONCE(hv->ref_offset), tsc_offset,
						  hv->tsc_scale);
	ret = hvkm_write_guest(p, gpa + offsetof(struct ms_hyperv_tsc_page, tsc_scale),
			       scale_offset, sizeof(scale_offset));
	if (ret)
		return ret;
	/* 0 means invalid and 0xffffffff is reserved: step over both. */
	if (++hv->tsc_sequence == 0xffffffff || hv->tsc_sequence == 0)
		hv->tsc_sequence = 1;
	/* The new sequence only after scale and offset are there (x86 stores are ordered). */
	smp_wmb();
	return hvkm_write_guest(p, gpa, &hv->tsc_sequence, sizeof(u32));
}

/* The VMM moved the reference time: TSC pages must show the new offset. */
void hvkm_hv_reference_time_changed(struct hvkm_partition *p)
{
	struct hvkm_hv_partition *hv = &p->hv;

	mutex_lock(&hv->lock);
	if (hv->reference_tsc & HV_X64_MSR_TSC_REFERENCE_ENABLE)
		hv_write_tsc_page(p, hv->tsc_page_tsc_offset);
	mutex_unlock(&hv->lock);
}

static int hv_set_hypercall(struct hvkm_vp *vp, u64 data)
{
	struct hvkm_partition *p = vp->partition;
	struct hvkm_hv_partition *hv = &p->hv;
	int ret = 0;

	if ((data & ~HYPERCALL_VALID) || !hv_gpa_valid(data))
		return -EINVAL;
	mutex_lock(&hv->lock);
	if (hv->hypercall & HYPERCALL_LOCKED)
		goto out;		/* immutable until the partition is reset */
	/* Without a guest OS identity the enable bit stays clear. */
	if (!hv->guest_os_id)
		data &= ~HV_X64_MSR_HYPERCALL_ENABLE;
	if (data & HV_X64_MSR_HYPERCALL_ENABLE)
		ret = hv_write_hypercall_page(p, data & PAGE_MASK);
	if (!ret)
		hv->hypercall = data;
out:
	mutex_unlock(&hv->lock);
	return ret ? -EINVAL : 0;
}

static int hv_set_reference_tsc(struct hvkm_vp *vp, u64 data)
{
	struct hvkm_partition *p = vp->partition;
	struct hvkm_hv_partition *hv = &p->hv;
	int ret = 0;

	if ((data & ~REFERENCE_TSC_VALID) || !hv_gpa_valid(data))
		return -EINVAL;
	mutex_lock(&hv->lock);
	hv->reference_tsc = data;
	if (data & HV_X64_MSR_TSC_REFERENCE_ENABLE) {
		hv->tsc_page_tsc_offset = hvkm_vendor->get_tsc_offset(vp);
		ret = hv_write_tsc_page(p, hv->tsc_page_tsc_offset);
	}
	mutex_unlock(&hv->lock);
	return ret ? -EINVAL : 0;
}

static void hv_crash_exit(struct hvkm_vp *vp, u64 ctl)
{
	struct hvkm_run *run = vp->run;

	memset(&run->system_event, 0, sizeof(run->system_event));
	run->exit_reason = HVKM_EXIT_SYSTEM_EVENT;
	run->system_event.type = HVKM_SYSTEM_EVENT_CRASH;
	run->system_event.crash_ctl = ctl;
	mutex_lock(&vp->partition->hv.lock);
	memcpy(run->system_event.crash_params, vp->partition->hv.crash_params,
	       sizeof(run->system_event.crash_params));
	mutex_unlock(&vp->partition->hv.lock);
}

int hvkm_hv_msr_get(struct hvkm_vp *vp, u32 msr, u64 *data)
{
	struct hvkm_partition *p = vp->partition;
	struct hvkm_hv_partition *hv = &p->hv;

	switch (msr) {
	case HV_X64_MSR_EOI:
		return -EINVAL;		/* write-only */
	case HV_X64_MSR_GUEST_OS_ID:
		if (!hv_granted(vp, HV_MSR_HYPERCALL_AVAILABLE))
			return -EINVAL;
		*data = READ_ONCE(hv->guest_os_id);
		return 0;
	case HV_X64_MSR_HYPERCALL:
		if (!hv_granted(vp, HV_MSR_HYPERCALL_AVAILABLE))
			return -EINVAL;
		*data = READ_ONCE(hv->hypercall);
		return 0;
	case HV_X64_MSR_VP_INDEX:
		if (!hv_granted(vp, HV_MSR_VP_INDEX_AVAILABLE))
			return -EINVAL;
		*data = vp->vp_index;
		return 0;
	case HV_X64_MSR_RESET:
		if (!hv_granted(vp, HV_MSR_RESET_AVAILABLE))
			return -EINVAL;
		*data = 0;
		return 0;
	case HV_X64_MSR_VP_RUNTIME:
		if (!hv_granted(vp, HV_MSR_VP_RUNTIME_AVAILABLE))
			return -EINVAL;
		*data = div_u64(hvkm_vp_guest_ns(vp), 100);
		return 0;
	case HV_X64_MSR_TIME_REF_COUNT:
		if (!hv_granted(vp, HV_MSR_TIME_REF_COUNT_AVAILABLE))
			return -EINVAL;
		*data = hvkm_hv_reference_time(p);
		return 0;
	case HV_X64_MSR_REFERENCE_TSC:
		if (!hv_granted(vp, HV_MSR_REFERENCE_TSC_AVAILABLE))
			return -EINVAL;
		*data = READ_ONCE(hv->reference_tsc);
		return 0;
	case HV_X64_MSR_TSC_FREQUENCY:
		if (!hv_granted(vp, HV_ACCESS_FREQUENCY_MSRS))
			return -EINVAL;
		*data = (u64)tsc_khz * 1000;
		return 0;
	case HV_X64_MSR_APIC_FREQUENCY:
		if (!hv_granted(vp, HV_ACCESS_FREQUENCY_MSRS))
			return -EINVAL;
		*data = HVKM_HV_APIC_HZ;
		return 0;
	case HV_X64_MSR_VP_ASSIST_PAGE:
		if (!hv_granted(vp, HV_MSR_APIC_ACCESS_AVAILABLE))
			return -EINVAL;
		*data = vp->hv.vp_assist;
		return 0;
	case HV_X64_MSR_ICR:
		if (!hv_granted(vp, HV_MSR_APIC_ACCESS_AVAILABLE))
			return -EINVAL;
		*data = hvkm_lapic_read_icr(vp);
		return 0;
	case HV_X64_MSR_TPR:
		if (!hv_granted(vp, HV_MSR_APIC_ACCESS_AVAILABLE))
			return -EINVAL;
		*data = hvkm_lapic_get_tpr(vp);
		return 0;
	case HV_X64_MSR_GUEST_IDLE:
		if (!hv_granted(vp, HV_MSR_GUEST_IDLE_AVAILABLE))
			return -EINVAL;
		/*
		 * Reading it idles the VP until an interrupt arrives, "regardless
		 * of whether the interrupt is enabled" (TLFS 7.5): Linux's
		 * paravirtual spinlocks wait here with IF=0 for the holder's
		 * kick, an IPI that HLT's rule would leave pending for ever.
		 */
		vp->halted = true;
		vp->idle_wakes_masked = true;
		*data = 0;
		return 0;
	case HV_X64_MSR_CRASH_P0 ... HV_X64_MSR_CRASH_P4:
		mutex_lock(&hv->lock);
		*data = hv->crash_params[msr - HV_X64_MSR_CRASH_P0];
		mutex_unlock(&hv->lock);
		return 0;
	case HV_X64_MSR_CRASH_CTL:
		*data = CRASH_CTL_SUPPORTED;	/* what a guest may ask for */
		return 0;
	default:
		return hvkm_synic_msr_get(vp, msr, data);
	}
}

int hvkm_hv_msr_set(struct hvkm_vp *vp, u32 msr, u64 data, enum hvkm_hv_msr_action *action)
{
	struct hvkm_partition *p = vp->partition;
	struct hvkm_hv_partition *hv = &p->hv;

	*action = HVKM_HV_MSR_DONE;
	switch (msr) {
	case HV_X64_MSR_GUEST_OS_ID:
		if (!hv_granted(vp, HV_MSR_HYPERCALL_AVAILABLE))
			return -EINVAL;
		mutex_lock(&hv->lock);
		hv->guest_os_id = data;
		/* Clearing the identity disables the hypercall page. */
		if (!data)
			hv->hypercall &= ~HV_X64_MSR_HYPERCALL_ENABLE;
		mutex_unlock(&hv->lock);
		return 0;
	case HV_X64_MSR_HYPERCALL:
		if (!hv_granted(vp, HV_MSR_HYPERCALL_AVAILABLE))
			return -EINVAL;
		return hv_set_hypercall(vp, data);
	case HV_X64_MSR_RESET:
		if (!hv_granted(vp, HV_MSR_RESET_AVAILABLE) || (data & ~1ULL))
			return -EINVAL;
		if (data) {
			memset(&vp->run->system_event, 0, sizeof(vp->run->system_event));
			vp->run->exit_reason = HVKM_EXIT_SYSTEM_EVENT;
			vp->run->system_event.type = HVKM_SYSTEM_EVENT_RESET;
			*action = HVKM_HV_MSR_EXIT;
		}
		return 0;
	case HV_X64_MSR_REFERENCE_TSC:
		if (!hv_granted(vp, HV_MSR_REFERENCE_TSC_AVAILABLE))
			return -EINVAL;
		return hv_set_reference_tsc(vp, data);
	case HV_X64_MSR_VP_ASSIST_PAGE:
		if (!hv_granted(vp, HV_MSR_APIC_ACCESS_AVAILABLE) ||
		    (data & ~VP_ASSIST_VALID) || !hv_gpa_valid(data))
			return -EINVAL;
		return hvkm_hv_assist_set(vp, data);
	/*
	 * The APIC's EOI, ICR and TPR as MSRs in either APIC mode (TLFS
	 * "Virtual Interrupt Controller"): the same effect as the registers.
	 */
	case HV_X64_MSR_EOI:
		if (!hv_granted(vp, HV_MSR_APIC_ACCESS_AVAILABLE))
			return -EINVAL;
		hvkm_lapic_eoi(vp);
		return 0;
	case HV_X64_MSR_ICR:
		if (!hv_granted(vp, HV_MSR_APIC_ACCESS_AVAILABLE))
			return -EINVAL;
		return hvkm_lapic_write_icr(vp, data);
	case HV_X64_MSR_TPR:
		if (!hv_granted(vp, HV_MSR_APIC_ACCESS_AVAILABLE) || (data & ~0xffULL))
			return -EINVAL;
		hvkm_lapic_set_tpr(vp, data);
		return 0;
	case HV_X64_MSR_CRASH_P0 ... HV_X64_MSR_CRASH_P4:
		mutex_lock(&hv->lock);
		hv->crash_params[msr - HV_X64_MSR_CRASH_P0] = data;
		mutex_unlock(&hv->lock);
		return 0;
	case HV_X64_MSR_CRASH_CTL:
		if (data & ~CRASH_CTL_SUPPORTED)
			return -EINVAL;
		if (data & HV_CRASH_CTL_CRASH_NOTIFY) {
			hv_crash_exit(vp, data);
			*action = HVKM_HV_MSR_EXIT;
		}
		return 0;
	case HV_X64_MSR_VP_INDEX:
	case HV_X64_MSR_VP_RUNTIME:
	case HV_X64_MSR_TIME_REF_COUNT:
	case HV_X64_MSR_TSC_FREQUENCY:
	case HV_X64_MSR_APIC_FREQUENCY:
	case HV_X64_MSR_GUEST_IDLE:
		return -EINVAL;		/* read-only */
	default:
		return hvkm_synic_msr_set(vp, msr, data);
	}
}
