// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm: hardware virtualization on every online CPU for as long as the module
 * is loaded.  It follows CPU hotplug, is turned off before a reboot or kexec,
 * and from the crash / emergency-reboot path (compat.h).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <asm/reboot.h>
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/irqflags.h>
#include <linux/lockdep.h>
#include <linux/percpu.h>
#include <linux/reboot.h>
#include <linux/smp.h>

#include "compat.h"
#include "hvkm.h"

/* Whether hvkm turned virtualization on for this CPU, and so must turn it off. */
static DEFINE_PER_CPU(bool, hvkm_virt_on);
static enum cpuhp_state hvkm_cpuhp_state;
/* Set by the reboot notifier: CPUs that come online after it stay off. */
static bool hvkm_rebooting;

static void hvkm_virt_off_this_cpu(void *unused)
{
	lockdep_assert_irqs_disabled();
	if (!__this_cpu_read(hvkm_virt_on))
		return;
	hvkm_vendor->disable_cpu();
	__this_cpu_write(hvkm_virt_on, false);
}

/* cpuhp callbacks of an AP state run on the CPU they are for. */
static int hvkm_cpu_online(unsigned int cpu)
{
	unsigned long flags;
	int ret;

	ret = hvkm_vendor->cpu_prepare(cpu);
	if (ret)
		return ret;
	local_irq_save(flags);
	ret = 0;
	if (!READ_ONCE(hvkm_rebooting)) {
		ret = hvkm_vendor->enable_cpu();
		if (!ret)
			__this_cpu_write(hvkm_virt_on, true);
	}
	local_irq_restore(flags);
	if (ret)
		hvkm_vendor->cpu_release(cpu);
	return ret;
}

static int hvkm_cpu_offline(unsigned int cpu)
{
	unsigned long flags;

	local_irq_save(flags);
	hvkm_virt_off_this_cpu(NULL);
	local_irq_restore(flags);
	hvkm_vendor->cpu_release(cpu);
	return 0;
}

/* A CPU left in SVM/VMX operation can hang the reboot or the kexec'd kernel. */
static int hvkm_reboot(struct notifier_block *nb, unsigned long action,
		       void *data)
{
	cpus_read_lock();
	WRITE_ONCE(hvkm_rebooting, true);
	on_each_cpu(hvkm_virt_off_this_cpu, NULL, 1);
	cpus_read_unlock();
	return NOTIFY_OK;
}

static struct notifier_block hvkm_reboot_nb = {
	.notifier_call = hvkm_reboot,
};

/* NMI context on every CPU, from a crash kexec or an emergency reboot. */
static void hvkm_emergency_disable(void)
{
	hvkm_vendor->emergency_disable_cpu();
}

int hvkm_virt_enable_all(void)
{
	int ret;

	register_reboot_notifier(&hvkm_reboot_nb);
	if (HVKM_NEEDS_EMERGENCY_CALLBACK)
		cpu_emergency_register_virt_callback(hvkm_emergency_disable);

	/* Runs hvkm_cpu_online() on each online CPU; undoes all on a failure. */
	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "hvkm/virt:online",
				hvkm_cpu_online, hvkm_cpu_offline);
	if (ret < 0) {
		if (HVKM_NEEDS_EMERGENCY_CALLBACK)
			cpu_emergency_unregister_virt_callback(hvkm_emergency_disable);
		unregister_reboot_notifier(&hvkm_reboot_nb);
		return ret;
	}
	hvkm_cpuhp_state = ret;
	return 0;
}

void hvkm_virt_disable_all(void)
{
	cpuhp_remove_state(hvkm_cpuhp_state);
	if (HVKM_NEEDS_EMERGENCY_CALLBACK)
		cpu_emergency_unregister_virt_callback(hvkm_emergency_disable);
	unregister_reboot_notifier(&hvkm_reboot_nb);
}
