// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm: HvCallTranslateVirtualAddress for the VMM (TLFS "Virtual MMU";
 * HV_TRANSLATE_GVA_CONTROL_FLAGS, HV_TRANSLATE_GVA_RESULT): a guest virtual
 * page through the VP's current paging, with the access checks asked for.
 */
#include <asm/processor-flags.h>
#include <linux/uaccess.h>

#include "hvkm.h"

#define HVKM_TRANSLATE_FLAGS (HV_TRANSLATE_GVA_VALIDATE_READ | \
			      HV_TRANSLATE_GVA_VALIDATE_WRITE | \
			      HV_TRANSLATE_GVA_VALIDATE_EXECUTE | \
			      HV_TRANSLATE_GVA_PRIVILEGE_EXEMPT | \
			      HV_TRANSLATE_GVA_TLB_FLUSH_INHIBIT | \
			      HV_TRANSLATE_GVA_SUPERVISOR_ACCESS | \
			      HV_TRANSLATE_GVA_USER_ACCESS)
#define HVKM_ACCESS_MODES (HV_TRANSLATE_GVA_SUPERVISOR_ACCESS | HV_TRANSLATE_GVA_USER_ACCESS)
/* HV_TRANSLATE_GVA_RESULT.CacheType for guest RAM: write-back. */
#define HVKM_CACHE_TYPE_WB	6ULL

static u32 translate_check(const struct hvkm_walk *w, u64 flags, bool user, u64 cr0)
{
	if (flags & HV_TRANSLATE_GVA_PRIVILEGE_EXEMPT)
		return HV_TRANSLATE_GVA_SUCCESS;
	if (user && !w->user)
		return HV_TRANSLATE_GVA_PRIVILEGE_VIOLATION;
	if ((flags & HV_TRANSLATE_GVA_VALIDATE_WRITE) && !w->writable &&
	    (user || (cr0 & X86_CR0_WP)))
		return HV_TRANSLATE_GVA_PRIVILEGE_VIOLATION;
	if ((flags & HV_TRANSLATE_GVA_VALIDATE_EXECUTE) && w->nx)
		return HV_TRANSLATE_GVA_PRIVILEGE_VIOLATION;
	return HV_TRANSLATE_GVA_SUCCESS;
}

int hvkm_translate_gva(struct hvkm_vp *vp, struct hvkm_translate_gva __user *arg)
{
	struct hvkm_translate_gva req;
	struct hvkm_paging pg;
	struct hvkm_walk w;
	unsigned int cpl;
	bool user, ram;
	u32 code;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if ((req.control_flags & ~HVKM_TRANSLATE_FLAGS) ||
	    (req.control_flags & HVKM_ACCESS_MODES) == HVKM_ACCESS_MODES ||
	    req.gva_page >> (64 - PAGE_SHIFT))
		return -EINVAL;

	hvkm_vendor->get_paging(vp, &pg, &cpl);
	/* Without an explicit mode the access is made at the VP's current CPL. */
	user = (req.control_flags & HV_TRANSLATE_GVA_USER_ACCESS) ||
	       (!(req.control_flags & HVKM_ACCESS_MODES) && cpl == 3);
	req.gpa_page = 0;
	if (hvkm_walk_gva(vp->partition, &pg, req.gva_page << PAGE_SHIFT, &w)) {
		code = HV_TRANSLATE_GVA_PAGE_NOT_PRESENT;
	} else {
		req.gpa_page = w.gpa >> PAGE_SHIFT;
		code = translate_check(&w, req.control_flags, user, pg.cr0);
		if (code == HV_TRANSLATE_GVA_SUCCESS) {
			mutex_lock(&vp->partition->lock);
			ram = hvkm_slot_find(vp->partition, w.gpa);
			mutex_unlock(&vp->partition->lock);
			if (!ram)
				code = HV_TRANSLATE_GVA_GPA_UNMAPPED;
		}
	}
	req.result = code | (code == HV_TRANSLATE_GVA_SUCCESS ? HVKM_CACHE_TYPE_WB << 32 : 0);
	return copy_to_user(arg, &req, sizeof(req)) ? -EFAULT : 0;
}
