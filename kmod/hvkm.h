/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvkm: definitions shared by the common code and the vendor backends.
 */
#ifndef HVKM_H
#define HVKM_H

#include <linux/types.h>

/* What the hardware offers, filled in by the vendor backend at load. */
struct hvkm_host_caps {
	u32 vendor;		/* HVKM_VENDOR_* */
	u32 nr_asids;		/* SVM ASIDs or VMX VPIDs */
};

/*
 * A hardware virtualization backend (kmod/svm/, kmod/vmx/).  The common code
 * calls these; the backend never calls the common code back for them.
 *
 * @hardware_setup: check on the calling CPU that the hardware can run hvkm,
 *	fill @caps; -ENODEV (not capable) or -EBUSY (owned by someone else) with
 *	one log line saying what is wrong.
 * @cpu_prepare/@cpu_release: allocate/free per-CPU resources; may sleep.
 * @enable_cpu: turn virtualization on for this CPU; interrupts are off.
 *	-EBUSY if another hypervisor already holds this CPU.
 * @disable_cpu: turn it off again; interrupts are off.
 * @emergency_disable_cpu: the same from a crash or emergency reboot, in NMI
 *	context, without locks and regardless of who enabled it.
 */
struct hvkm_vendor_ops {
	const char *name;
	int (*hardware_setup)(struct hvkm_host_caps *caps);
	int (*cpu_prepare)(unsigned int cpu);
	void (*cpu_release)(unsigned int cpu);
	int (*enable_cpu)(void);
	void (*disable_cpu)(void);
	void (*emergency_disable_cpu)(void);
};

extern const struct hvkm_vendor_ops hvkm_svm_ops;
extern const struct hvkm_vendor_ops hvkm_vmx_ops;

/* The backend chosen at load and what it found. */
extern const struct hvkm_vendor_ops *hvkm_vendor;
extern struct hvkm_host_caps hvkm_caps;

/* caps.c */
const struct hvkm_vendor_ops *hvkm_pick_vendor(u8 x86_vendor);
long hvkm_check_extension(const struct hvkm_host_caps *caps, unsigned long ext);

/* virt.c: virtualization on every online CPU, following hotplug and reboot */
int hvkm_virt_enable_all(void);
void hvkm_virt_disable_all(void);

/* dev.c: /dev/hvkm */
int hvkm_dev_register(void);
void hvkm_dev_unregister(void);

#endif /* HVKM_H */
