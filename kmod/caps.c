// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm: vendor choice and the extensions reported to userspace.  Pure logic
 * on values passed in, so tests/kunit/ can drive it with any CPU.
 */
#include <asm/processor.h>
#include <linux/hvkm.h>

#include "hvkm.h"

/*
 * AMD and Hygon implement SVM; Intel, Centaur and Zhaoxin implement VMX.
 * Anything else has neither.
 */
const struct hvkm_vendor_ops *hvkm_pick_vendor(u8 x86_vendor)
{
	switch (x86_vendor) {
	case X86_VENDOR_AMD:
	case X86_VENDOR_HYGON:
		return &hvkm_svm_ops;
	case X86_VENDOR_INTEL:
	case X86_VENDOR_CENTAUR:
	case X86_VENDOR_ZHAOXIN:
		return &hvkm_vmx_ops;
	default:
		return NULL;
	}
}

/* Unknown extensions report 0, so userspace can probe for newer ones. */
long hvkm_check_extension(const struct hvkm_host_caps *caps, unsigned long ext)
{
	switch (ext) {
	case HVKM_CAP_VENDOR:
		return caps->vendor;
	case HVKM_CAP_NR_ASIDS:
		return caps->nr_asids;
	case HVKM_CAP_MAX_VPS:
		return caps->max_vps;
	case HVKM_CAP_NR_MEMORY_SLOTS:
		return HVKM_NR_MEMORY_SLOTS;
	case HVKM_CAP_XSAVE_SIZE:
		return caps->xsave_size;
	default:
		return 0;
	}
}
