// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm: partition properties by TLFS HV_PARTITION_PROPERTY_CODE, with the
 * semantics of HvCallGetPartitionProperty / HvCallSetPartitionProperty.
 */
#include <asm/tsc.h>
#include <linux/uaccess.h>

#include "hvkm.h"

static int property_get(struct hvkm_partition *p, u32 code, u64 *value)
{
	switch (code) {
	case HV_PARTITION_PROPERTY_PRIVILEGE_FLAGS:
		*value = p->privileges;
		return 0;
	case HV_PARTITION_PROPERTY_REFERENCE_TIME:
		*value = hvkm_hv_reference_time(p);
		return 0;
	case HV_PARTITION_PROPERTY_PROCESSOR_VENDOR:
		*value = hvkm_caps.vendor == HVKM_VENDOR_SVM ? HV_PROCESSOR_VENDOR_AMD :
							       HV_PROCESSOR_VENDOR_INTEL;
		return 0;
	case HV_PARTITION_PROPERTY_PHYSICAL_ADDRESS_WIDTH:
		*value = HVKM_GPA_BITS;
		return 0;
	case HV_PARTITION_PROPERTY_MAX_XSAVE_DATA_SIZE:
		*value = hvkm_caps.xsave_size;
		return 0;
	case HV_PARTITION_PROPERTY_PROCESSOR_CLOCK_FREQUENCY:
		*value = (u64)tsc_khz * 1000;
		return 0;
	default:
		return -EINVAL;
	}
}

int hvkm_partition_property(struct hvkm_partition *p,
			    struct hvkm_partition_property __user *arg, bool set)
{
	struct hvkm_partition_property prop;
	int ret;

	if (copy_from_user(&prop, arg, sizeof(prop)))
		return -EFAULT;
	if (prop.reserved)
		return -EINVAL;
	/* The clock moves on from the new value; TSC pages follow (tlfs/msr.c). */
	if (set && prop.code == HV_PARTITION_PROPERTY_REFERENCE_TIME) {
		hvkm_hv_set_reference_time(p, prop.value);
		hvkm_hv_reference_time_changed(p);
		return 0;
	}

	mutex_lock(&p->lock);
	if (!set) {
		ret = property_get(p, prop.code, &prop.value);
	} else if (prop.code != HV_PARTITION_PROPERTY_PRIVILEGE_FLAGS) {
		u64 unused;

		/* Known but fixed: the partition cannot change it. */
		ret = property_get(p, prop.code, &unused) ? -EINVAL : -EPERM;
	} else if (p->nr_vps) {
		ret = -EBUSY;	/* what a guest may do is fixed before it runs */
	} else {
		ret = hvkm_hv_set_privileges(p, prop.value);
	}
	mutex_unlock(&p->lock);
	if (!ret && !set && copy_to_user(arg, &prop, sizeof(prop)))
		ret = -EFAULT;
	return ret;
}
