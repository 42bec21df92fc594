// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm: /dev/hvkm, the entry point for userspace.  Mode 0600: only root, or
 * the group a udev rule grants (udev/60-hvkm.rules), may run partitions.
 */
#include <linux/fs.h>
#include <linux/hvkm.h>
#include <linux/miscdevice.h>
#include <linux/module.h>

#include "hvkm.h"

static long hvkm_dev_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	switch (cmd) {
	case HVKM_GET_API_VERSION:
		if (arg)
			return -EINVAL;
		return HVKM_API_VERSION;
	case HVKM_CHECK_EXTENSION:
		return hvkm_check_extension(&hvkm_caps, arg);
	case HVKM_CREATE_PARTITION:
		return hvkm_partition_create((const void __user *)arg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations hvkm_dev_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = hvkm_dev_ioctl,
	/* The arguments are plain numbers: the same on 32-bit callers. */
	.compat_ioctl = hvkm_dev_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice hvkm_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "hvkm",
	.fops = &hvkm_dev_fops,
	.mode = 0600,
};

int hvkm_dev_register(void)
{
	return misc_register(&hvkm_dev);
}

void hvkm_dev_unregister(void)
{
	misc_deregister(&hvkm_dev);
}
