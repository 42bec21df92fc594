// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm: partition-wide state of the hypervisor interface: the privileges
 * the VMM granted (TLFS HV_PARTITION_PRIVILEGE_MASK) and the partition
 * reference time, which counts 100 ns units from the partition's creation.
 */
#include <asm/msr.h>
#include <asm/tsc.h>
#include <linux/errno.h>

#include "../hvkm.h"

void hvkm_hv_partition_init(struct hvkm_partition *p)
{
	struct hvkm_hv_partition *hv = &p->hv;

	mutex_init(&hv->lock);
	hv->tsc_scale = hvkm_hv_tsc_scale((u64)tsc_khz * 1000);
	hv->ref_offset = -(s64)hvkm_hv_scale_tsc(rdtsc(), hv->tsc_scale);
	/* Fully enlightened by default; the VMM may take privileges away. */
	p->privileges = HVKM_HV_PRIVILEGES;
}

u64 hvkm_hv_reference_time(struct hvkm_partition *p)
{
	return hvkm_hv_scale_tsc(rdtsc(), p->hv.tsc_scale) + READ_ONCE(p->hv.ref_offset);
}

/* HvPartitionPropertyReferenceTime: the clock continues from @now. */
void hvkm_hv_set_reference_time(struct hvkm_partition *p, u64 now)
{
	WRITE_ONCE(p->hv.ref_offset, now - hvkm_hv_scale_tsc(rdtsc(), p->hv.tsc_scale));
}

/* Caller holds p->lock and no VP exists yet. */
int hvkm_hv_set_privileges(struct hvkm_partition *p, u64 mask)
{
	if (mask & ~HVKM_HV_PRIVILEGES)
		return -EINVAL;
	p->privileges = mask;
	return 0;
}
