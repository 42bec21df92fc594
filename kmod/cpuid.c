// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm: the CPUID table a partition's VPs are answered from.  The VMM sets
 * it; the kernel answers CPUID exits from it without leaving ring 0.
 */
#include <linux/bits.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "hvkm.h"

const struct hvkm_cpuid_entry *hvkm_cpuid_find(const struct hvkm_cpuid_entry *table,
					       u32 nent, u32 function, u32 index)
{
	u32 i;

	for (i = 0; i < nent; i++) {
		const struct hvkm_cpuid_entry *e = &table[i];

		if (e->function != function)
			continue;
		if (!(e->flags & HVKM_CPUID_SUBLEAF) || e->index == index)
			return e;
	}
	return NULL;
}

/*
 * The table is the partition's, but the APIC id is the VP's: CPUID.1:EBX[31:24]
 * holds the initial APIC id and CPUID.0Bh/1Fh:EDX the x2APIC id of the
 * processor executing CPUID (SDM vol. 2A, CPUID, tables 3-8 and 3-17).
 */
static void hvkm_cpuid_apic_id(struct hvkm_vp *vp, u32 function, u32 *regs)
{
	if (function == 1)
		regs[1] = (regs[1] & GENMASK(23, 0)) | ((vp->apic_id & 0xff) << 24);
	else if (function == 0xb || function == 0x1f)
		regs[3] = vp->apic_id;
}

/*
 * What CPUID returns in the VP: the VMM's entry (with this VP's APIC id),
 * else the hypervisor leaves (tlfs/cpuid.c), else zeros.  CPUID.1:ECX[31]
 * always says a hypervisor is present (TLFS "Feature and Interface
 * Discovery", step 1).
 */
void hvkm_cpuid_answer(struct hvkm_vp *vp, u32 function, u32 index, u32 *regs)
{
	struct hvkm_partition *p = vp->partition;
	const struct hvkm_cpuid_entry *e;

	mutex_lock(&p->lock);
	e = hvkm_cpuid_find(p->cpuid, p->cpuid_nent, function, index);
	if (e) {
		regs[0] = e->eax;
		regs[1] = e->ebx;
		regs[2] = e->ecx;
		regs[3] = e->edx;
		hvkm_cpuid_apic_id(vp, function, regs);
	} else if (!hvkm_hv_cpuid(p, function, regs)) {
		/* A leaf the table lacks reads as zeros, as on AMD beyond the max leaf. */
		memset(regs, 0, 4 * sizeof(*regs));
	}
	mutex_unlock(&p->lock);
	if (function == 1)
		regs[2] |= BIT(31);
}

int hvkm_cpuid_set(struct hvkm_partition *p, const struct hvkm_cpuid __user *arg)
{
	struct hvkm_cpuid_entry *table = NULL;
	struct hvkm_cpuid req;
	u32 i;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.reserved)
		return -EINVAL;
	if (req.nent > HVKM_MAX_CPUID_ENTRIES)
		return -E2BIG;
	if (req.nent) {
		table = memdup_user(u64_to_user_ptr(req.entries),
				    array_size(req.nent, sizeof(*table)));
		if (IS_ERR(table))
			return PTR_ERR(table);
	}
	for (i = 0; i < req.nent; i++) {
		if ((table[i].flags & ~HVKM_CPUID_SUBLEAF) || table[i].reserved) {
			kfree(table);
			return -EINVAL;
		}
	}

	mutex_lock(&p->lock);
	kfree(p->cpuid);
	p->cpuid = table;
	p->cpuid_nent = req.nent;
	mutex_unlock(&p->lock);
	return 0;
}
