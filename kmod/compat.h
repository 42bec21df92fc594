/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvkm: the differences between the kernel versions hvkm builds against
 * (6.1 and later), kept in one place.
 */
#ifndef HVKM_COMPAT_H
#define HVKM_COMPAT_H

/*
 * A crash kexec or an emergency reboot must turn SVM off on every CPU: with
 * GIF=0 the CPU ignores INIT.  Kernels that still have asm/virtext.h (up to
 * 6.5) do that for SVM by themselves (cpu_emergency_svm_disable()).  Later
 * ones only call the single callback registered with
 * cpu_emergency_register_virt_callback(), so there hvkm registers its own.
 */
#if __has_include("asm/virtext.h")
#define HVKM_NEEDS_EMERGENCY_CALLBACK false
#else
#define HVKM_NEEDS_EMERGENCY_CALLBACK true
#endif

#endif /* HVKM_COMPAT_H */
