/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * hvkm: the contract between hvkm.ko and userspace (hvkm-vmm, hvctl, tests).
 *
 * Rules (docs/uapi.md): one fd per object, fixed-size structs with __u64
 * pointers and explicit padding, reserved fields and unknown flag bits must be
 * zero (-EINVAL otherwise), TLFS vocabulary wherever the TLFS has a word.
 */
#ifndef _UAPI_LINUX_HVKM_H
#define _UAPI_LINUX_HVKM_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Bumped only on an incompatible change; additions are extensions. */
#define HVKM_API_VERSION	1

/* Our own ioctl magic: 0xAE is KVM's, 0xB8 MSHV's. */
#define HVKMIO			0xB9

/*
 * ioctls on /dev/hvkm
 *
 * HVKM_GET_API_VERSION: argument must be 0 (-EINVAL otherwise); returns
 *	HVKM_API_VERSION.
 * HVKM_CHECK_EXTENSION: argument is an HVKM_CAP_* value; returns its value,
 *	0 for an extension this module does not know.
 * Any other command on any hvkm fd: -ENOTTY.
 */
#define HVKM_GET_API_VERSION	_IO(HVKMIO, 0x00)
#define HVKM_CHECK_EXTENSION	_IO(HVKMIO, 0x01)

/* Which hardware virtualization the module drives: an HVKM_VENDOR_* value. */
#define HVKM_CAP_VENDOR		1
/* Address-space identifiers the CPU offers (SVM ASIDs or VMX VPIDs). */
#define HVKM_CAP_NR_ASIDS	2

#define HVKM_VENDOR_SVM		1
#define HVKM_VENDOR_VMX		2

#endif /* _UAPI_LINUX_HVKM_H */
