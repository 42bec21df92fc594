// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm: the guest's debug registers on SVM.  VMRUN loads DR6 and DR7 from
 * the VMCB save area and #VMEXIT stores them back (AMD APM vol. 2, 15.5.1
 * and 15.6); DR0-3 are not part of the world switch and are left to
 * software.  A VP starts with every MOV DR intercepted, so nothing has to be
 * switched for a guest that never uses them.  The first access switches for
 * good: the intercepts go, and the instruction is run again natively, so the
 * CPU itself applies the rules of MOV DR (DR4/DR5 alias DR6/DR7 or #UD by
 * CR4.DE, #GP for bits 63:32 of DR6/DR7, #GP at CPL > 0; APM vol. 3, "MOV
 * (DRn)") and no decoding is needed.  #DB and ICEBP are not intercepted:
 * they are the guest's.
 */
#include <linux/percpu.h>
#include <asm/debugreg.h>

#include "svm.h"

/* INIT and reset give DR0-3 zero (APM vol. 2, 14.1.3); DR6/DR7 are the VMCB's. */
void hvkm_svm_dr_reset(struct hvkm_svm_dr *dr)
{
	memset(dr->db, 0, sizeof(dr->db));
}

static void svm_dr_switch_on(struct hvkm_svm_dr *dr, struct vmcb *vmcb)
{
	dr->switched = true;
	/* All 32 DR read/write intercepts are one word: VMCB offset 004h (APM vol. 2, app. B). */
	vmcb->control.intercepts[INTERCEPT_DR] = 0;
}

/*
 * A MOV DR exit: from now on DR0-3 follow the guest.  RIP stays, so the
 * guest runs the instruction again, this time without an intercept.
 */
void hvkm_svm_dr_intercepted(struct hvkm_svm_dr *dr, struct vmcb *vmcb)
{
	svm_dr_switch_on(dr, vmcb);
}

/*
 * Before VMRUN, interrupts off.  A host breakpoint (perf, ptrace) must not
 * fire on a guest address in the host before VMRUN replaces DR7, so DR7 is
 * cleared first; hw_breakpoint_restore() puts it back after the exit.
 */
void hvkm_svm_dr_load(const struct hvkm_svm_dr *dr)
{
	if (!dr->switched)
		return;
	if (hw_breakpoint_active())
		set_debugreg(0, 7);
	set_debugreg(dr->db[0], 0);
	set_debugreg(dr->db[1], 1);
	set_debugreg(dr->db[2], 2);
	set_debugreg(dr->db[3], 3);
}

/*
 * After #VMEXIT, interrupts off: the guest may have changed DR0-3.  DR6 is
 * set back to its quiet value so that the host's #DB handler never reads
 * the guest's status bits as its own.
 */
void hvkm_svm_dr_save(struct hvkm_svm_dr *dr)
{
	if (!dr->switched)
		return;
	get_debugreg(dr->db[0], 0);
	get_debugreg(dr->db[1], 1);
	get_debugreg(dr->db[2], 2);
	get_debugreg(dr->db[3], 3);
	set_debugreg(DR6_RESERVED, 6);
}

/* -ENOENT when @name is not a debug register. */
int hvkm_svm_dr_get(const struct hvkm_svm_dr *dr, const struct vmcb *vmcb, u32 name, u64 *v)
{
	switch (name) {
	case HV_X64_REGISTER_DR0 ... HV_X64_REGISTER_DR3:
		*v = dr->db[name - HV_X64_REGISTER_DR0];
		return 0;
	case HV_X64_REGISTER_DR6:
		*v = vmcb->save.dr6;
		return 0;
	case HV_X64_REGISTER_DR7:
		*v = vmcb->save.dr7;
		return 0;
	default:
		return -ENOENT;
	}
}

/*
 * A value the VMM sets is live in the guest's next run, so DR0-3 are
 * switched from then on.  Bits 63:32 of DR6/DR7 must be zero: MOV DR would
 * #GP, and VMRUN refuses them (APM 15.5.1, "Canonicalization and
 * Consistency Checks").
 */
int hvkm_svm_dr_set(struct hvkm_svm_dr *dr, struct vmcb *vmcb, u32 name, u64 v)
{
	switch (name) {
	case HV_X64_REGISTER_DR0 ... HV_X64_REGISTER_DR3:
		dr->db[name - HV_X64_REGISTER_DR0] = v;
		break;
	case HV_X64_REGISTER_DR6:
		if (v >> 32)
			return -EINVAL;
		vmcb->save.dr6 = v;
		break;
	case HV_X64_REGISTER_DR7:
		if (v >> 32)
			return -EINVAL;
		vmcb->save.dr7 = v;
		break;
	default:
		return -ENOENT;
	}
	svm_dr_switch_on(dr, vmcb);
	return 0;
}
