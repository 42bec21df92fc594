// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm: a Hyper-V compatible hypervisor.  Module load picks the vendor
 * backend, takes hardware virtualization on every CPU, then opens /dev/hvkm.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <asm/processor.h>
#include <linux/cpumask.h>
#include <linux/module.h>

#include "hvkm.h"

const struct hvkm_vendor_ops *hvkm_vendor;
struct hvkm_host_caps hvkm_caps;

static int __init hvkm_init(void)
{
	const struct hvkm_vendor_ops *ops;
	int ret;

	ops = hvkm_pick_vendor(boot_cpu_data.x86_vendor);
	if (!ops) {
		pr_err("CPU vendor '%s' has neither AMD SVM nor Intel VMX\n",
		       boot_cpu_data.x86_vendor_id);
		return -ENODEV;
	}
	ret = hvkm_fpu_setup();
	if (ret) {
		pr_err("the CPU has no XSAVE: hvkm needs it to switch the guest's FPU state\n");
		return ret;
	}
	hvkm_caps.xsave_size = hvkm_xsave_size;
	ret = ops->hardware_setup(&hvkm_caps);
	if (ret)
		return ret;
	hvkm_vendor = ops;
	hvkm_caps.max_vps = hvkm_max_vps;

	ret = hvkm_virt_enable_all();
	if (ret)
		goto err_unsetup;
	hvkm_debugfs_init();
	ret = hvkm_dev_register();
	if (ret)
		goto err_debugfs;
	pr_info("%s enabled on %u CPUs, %u ASIDs\n", ops->name,
		num_online_cpus(), hvkm_caps.nr_asids);
	return 0;

err_debugfs:
	hvkm_debugfs_exit();
	hvkm_virt_disable_all();
err_unsetup:
	ops->hardware_unsetup();
	return ret;
}

static void __exit hvkm_exit(void)
{
	hvkm_dev_unregister();
	hvkm_debugfs_exit();
	hvkm_virt_disable_all();
	hvkm_vendor->hardware_unsetup();
}

module_init(hvkm_init);
module_exit(hvkm_exit);
MODULE_DESCRIPTION("hvkm: Hyper-V compatible hypervisor");
MODULE_LICENSE("GPL");
