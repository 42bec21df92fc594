// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm: the CPUID table a partition's VPs are answered from.  The VMM sets
 * it; the kernel answers CPUID exits from it without leaving ring 0.
 */
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
