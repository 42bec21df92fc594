// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm: partitions.  A partition fd owns the guest's memory map, its VPs and
 * its CPUID table; the backend owns its nested page tables.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "hvkm.h"

unsigned int hvkm_max_vps = 64;
module_param_named(max_vps, hvkm_max_vps, uint, 0444);
MODULE_PARM_DESC(max_vps, "The most virtual processors one partition may have");

static void hvkm_partition_free(struct kref *kref)
{
	struct hvkm_partition *p = container_of(kref, struct hvkm_partition, kref);

	hvkm_debugfs_partition_remove(p);
	hvkm_synic_partition_destroy(p);
	hvkm_memory_destroy(p);
	hvkm_vendor->partition_destroy(p);
	hvkm_memory_free_slots(p);
	mmdrop(p->mm);
	kfree(p->cpuid);
	kfree(p->msr_exits);
	kfree(p->vps);
	kfree(p);
}

void hvkm_partition_put(struct hvkm_partition *p)
{
	kref_put(&p->kref, hvkm_partition_free);
}

/* Slots change under both the partition's mutex and mmu_lock: either will do. */
const struct hvkm_memory_slot *hvkm_slot_find(struct hvkm_partition *p, u64 gpa)
{
	lockdep_assert_held(&p->lock);
	return hvkm_slots_find(p->slots, HVKM_NR_MEMORY_SLOTS, gpa);
}

const struct hvkm_memory_slot *hvkm_slot_find_locked(struct hvkm_partition *p, u64 gpa)
{
	lockdep_assert_held(&p->mmu_lock);
	return hvkm_slots_find(p->slots, HVKM_NR_MEMORY_SLOTS, gpa);
}

/* Create, replace or (size 0) delete a slot, also while VPs run. */
static int hvkm_set_memory_region(struct hvkm_partition *p,
				  const struct hvkm_memory_region __user *arg)
{
	struct hvkm_memory_region r;
	int ret = 0;

	if (copy_from_user(&r, arg, sizeof(r)))
		return -EFAULT;
	if (!hvkm_region_shape_valid(&r) ||
	    !access_ok(u64_to_user_ptr(r.userspace_addr), r.size))
		return -EINVAL;

	mutex_lock(&p->lock);
	if (r.size && hvkm_slots_overlap(p->slots, HVKM_NR_MEMORY_SLOTS, r.slot,
					 r.guest_phys_addr, r.size)) {
		ret = -EEXIST;
		goto out;
	}
	ret = hvkm_memory_set_slot(p, r.slot, &(struct hvkm_memory_slot){
		.gpa = r.guest_phys_addr,
		.size = r.size,
		.uaddr = r.userspace_addr,
		.flags = r.flags,
	});
out:
	mutex_unlock(&p->lock);
	return ret;
}

static long hvkm_partition_ioctl(struct file *file, unsigned int cmd,
				 unsigned long arg)
{
	struct hvkm_partition *p = file->private_data;
	void __user *uarg = (void __user *)arg;

	if (current->mm != p->mm)
		return -EIO;
	switch (cmd) {
	case HVKM_SET_MEMORY_REGION:
		return hvkm_set_memory_region(p, uarg);
	case HVKM_CREATE_VP:
		return hvkm_vp_create(p, uarg);
	case HVKM_SET_CPUID:
		return hvkm_cpuid_set(p, uarg);
	case HVKM_ASSERT_INTERRUPT:
		return hvkm_assert_interrupt(p, uarg);
	case HVKM_SET_MSR_EXITS:
		return hvkm_msr_exits_set(p, uarg);
	case HVKM_GET_DIRTY_LOG:
		return hvkm_get_dirty_log(p, uarg);
	case HVKM_GET_PARTITION_PROPERTY:
		return hvkm_partition_property(p, uarg, false);
	case HVKM_SET_PARTITION_PROPERTY:
		return hvkm_partition_property(p, uarg, true);
	case HVKM_SIGNAL_MSI:
		return hvkm_signal_msi(p, uarg);
	case HVKM_IRQFD:
		return hvkm_irqfd(p, uarg);
	case HVKM_SET_EOI_EXITS:
		return hvkm_eoi_exits_set(p, uarg);
	case HVKM_SYNIC_EVENTFD:
	case HVKM_SYNIC_MESSAGE_PORT:
	case HVKM_SYNIC_POST_MESSAGE:
	case HVKM_SYNIC_SIGNAL_EVENT:
	case HVKM_SYNIC_SINT_ROUTE:
		return hvkm_synic_ioctl(p, cmd, uarg);
	default:
		return -ENOTTY;
	}
}

static __poll_t hvkm_partition_poll(struct file *file, struct poll_table_struct *wait)
{
	return hvkm_synic_poll(file->private_data, file, wait);
}

static int hvkm_partition_release(struct inode *inode, struct file *file)
{
	hvkm_irqfd_release_all(file->private_data);
	hvkm_partition_put(file->private_data);
	return 0;
}

static const struct file_operations hvkm_partition_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = hvkm_partition_ioctl,
	.poll = hvkm_partition_poll,
	.release = hvkm_partition_release,
	.llseek = noop_llseek,
};

int hvkm_partition_create(const struct hvkm_create_partition __user *arg)
{
	struct hvkm_create_partition req;
	struct hvkm_partition *p;
	int ret;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.flags || req.reserved0 || memchr_inv(req.reserved, 0, sizeof(req.reserved)))
		return -EINVAL;
	if (!req.max_vps || req.max_vps > hvkm_max_vps)
		return -EINVAL;

	p = kzalloc(sizeof(*p), GFP_KERNEL_ACCOUNT);
	if (!p)
		return -ENOMEM;
	p->vps = kcalloc(req.max_vps, sizeof(*p->vps), GFP_KERNEL_ACCOUNT);
	if (!p->vps) {
		kfree(p);
		return -ENOMEM;
	}
	kref_init(&p->kref);
	mutex_init(&p->lock);
	hvkm_irqfd_init(p);
	p->max_vps = req.max_vps;
	hvkm_hv_partition_init(p);
	ret = hvkm_synic_partition_init(p);
	if (ret) {
		kfree(p->vps);
		kfree(p);
		return ret;
	}
	p->mm = current->mm;
	mmgrab(p->mm);
	ret = hvkm_vendor->partition_init(p);
	if (ret)
		goto err;
	ret = hvkm_memory_init(p);
	if (ret) {
		hvkm_vendor->partition_destroy(p);
		goto err;
	}
	hvkm_debugfs_partition_add(p);
	ret = anon_inode_getfd("hvkm-partition", &hvkm_partition_fops, p,
			       O_RDWR | O_CLOEXEC);
	if (ret < 0)
		hvkm_partition_put(p);
	return ret;

err:
	kfree(p->synic.vps);
	mmdrop(p->mm);
	kfree(p->vps);
	kfree(p);
	return ret;
}
