/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvkm: the differences between the kernel versions hvkm builds against
 * (6.1 and later), kept in one place.
 */
#ifndef HVKM_COMPAT_H
#define HVKM_COMPAT_H

#include <linux/version.h>

/*
 * A crash kexec or an emergency reboot must turn SVM off on every CPU: with
 * GIF=0 the CPU ignores INIT.  Up to 6.5 the kernel does that for SVM by
 * itself (cpu_emergency_svm_disable() in asm/virtext.h).  From 6.6 it only
 * calls the single callback registered with
 * cpu_emergency_register_virt_callback(), so hvkm registers its own there.
 */
#define HVKM_NEEDS_EMERGENCY_CALLBACK \
	(LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0))

#endif /* HVKM_COMPAT_H */
