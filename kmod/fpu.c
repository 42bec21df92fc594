// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm: the guest's x87/SSE/AVX state.  It lives in an XSAVE area of the VP
 * and is loaded only around guest entry: kernel_fpu_begin() puts the host
 * task's state aside (it comes back on return to userspace), XRSTOR loads
 * the guest's, XSAVE stores it after the exit.  The guest cannot change
 * XCR0 (XSETBV is intercepted), so the host's XCR0 covers all it can touch.
 */
#include <asm/fpu/api.h>
#include <asm/fpu/xcr.h>
#include <asm/processor.h>
#include <linux/gfp.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "hvkm.h"

#define XSAVE_HDR_OFFSET	512	/* the XSAVE header follows the legacy area */
#define FXSAVE_MXCSR		24
#define FXSAVE_MXCSR_MASK	28

static u64 hvkm_xcr0;
unsigned int hvkm_xsave_size;
static u32 hvkm_mxcsr_mask;

int hvkm_fpu_setup(void)
{
	u8 fx[512] __aligned(16);
	unsigned int eax, ebx, ecx, edx;

	if (!boot_cpu_has(X86_FEATURE_XSAVE))
		return -ENODEV;
	hvkm_xcr0 = xgetbv(XCR_XFEATURE_ENABLED_MASK);
	cpuid_count(0xd, 0, &eax, &ebx, &ecx, &edx);
	hvkm_xsave_size = ebx;	/* for the features XCR0 enables */

	/* MXCSR bits XRSTOR accepts (SDM vol. 1, 11.6.6): 0 means 0xffbf. */
	memset(fx, 0, sizeof(fx));
	kernel_fpu_begin();
	asm volatile("fxsave64 %0" : "=m" (fx));
	kernel_fpu_end();
	memcpy(&hvkm_mxcsr_mask, fx + FXSAVE_MXCSR_MASK, 4);
	if (!hvkm_mxcsr_mask)
		hvkm_mxcsr_mask = 0xffbf;
	return 0;
}

int hvkm_fpu_alloc(struct hvkm_vp *vp)
{
	/* XSAVE needs 64-byte alignment: whole pages have it. */
	vp->xsave = (void *)__get_free_pages(GFP_KERNEL_ACCOUNT | __GFP_ZERO,
					     get_order(hvkm_xsave_size));
	if (!vp->xsave)
		return -ENOMEM;
	/* x87 and SSE in their reset state; XSTATE_BV 0 initialises the rest. */
	vp->xsave->i387.cwd = 0x37f;
	vp->xsave->i387.mxcsr = MXCSR_DEFAULT;
	return 0;
}

void hvkm_fpu_free(struct hvkm_vp *vp)
{
	free_pages((unsigned long)vp->xsave, get_order(hvkm_xsave_size));
}

void hvkm_fpu_load_guest(struct hvkm_vp *vp)
{
	u32 lo = hvkm_xcr0, hi = hvkm_xcr0 >> 32;

	kernel_fpu_begin();
	asm volatile("xrstor64 %0" : : "m" (*vp->xsave), "a" (lo), "d" (hi) : "memory");
}

void hvkm_fpu_save_guest(struct hvkm_vp *vp)
{
	u32 lo = hvkm_xcr0, hi = hvkm_xcr0 >> 32;

	asm volatile("xsave64 %0" : "+m" (*vp->xsave) : "a" (lo), "d" (hi) : "memory");
	kernel_fpu_end();
}

/* Read and check the request of HVKM_GET_XSAVE / HVKM_SET_XSAVE. */
static int hvkm_fpu_read_request(const struct hvkm_xsave __user *arg, struct hvkm_xsave *req)
{
	if (copy_from_user(req, arg, sizeof(*req)))
		return -EFAULT;
	if (req->reserved)
		return -EINVAL;
	if (req->size != hvkm_xsave_size)
		return -E2BIG;
	return 0;
}

int hvkm_fpu_get(struct hvkm_vp *vp, struct hvkm_xsave __user *arg)
{
	struct hvkm_xsave req;
	int ret = hvkm_fpu_read_request(arg, &req);

	if (ret)
		return ret;
	return copy_to_user(u64_to_user_ptr(req.data), vp->xsave, hvkm_xsave_size) ?
	       -EFAULT : 0;
}

/*
 * Only an image XRSTOR accepts is taken (SDM vol. 1, 13.8.1): standard
 * format, no feature beyond XCR0, zero reserved header bytes, valid MXCSR.
 * A bad one would fault inside the kernel at the next entry.
 */
int hvkm_fpu_set(struct hvkm_vp *vp, const struct hvkm_xsave __user *arg)
{
	struct hvkm_xsave req;
	u64 header[8];
	u8 *buf;
	u32 mxcsr;
	int ret = hvkm_fpu_read_request(arg, &req);

	if (ret)
		return ret;
	buf = memdup_user(u64_to_user_ptr(req.data), hvkm_xsave_size);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	memcpy(header, buf + XSAVE_HDR_OFFSET, sizeof(header));
	memcpy(&mxcsr, buf + FXSAVE_MXCSR, sizeof(mxcsr));
	if ((header[0] & ~hvkm_xcr0) || header[1] || memchr_inv(&header[2], 0, 48) ||
	    (mxcsr & ~hvkm_mxcsr_mask)) {
		kfree(buf);
		return -EINVAL;
	}
	memcpy(vp->xsave, buf, hvkm_xsave_size);
	kfree(buf);
	return 0;
}

/*
 * XMM0..XMM(nregs-1) of the guest, 16 bytes each, from its saved state:
 * the legacy area keeps them at byte 160 (SDM vol. 1, 10.5.1); a clear
 * XSTATE_BV bit 1 means they are in their initial state, zero.
 */
void hvkm_fpu_read_xmm(struct hvkm_vp *vp, u8 *buf, unsigned int nregs)
{
	if (!(vp->xsave->header.xfeatures & XFEATURE_MASK_SSE)) {
		memset(buf, 0, nregs * 16);
		return;
	}
	memcpy(buf, vp->xsave->i387.xmm_space, nregs * 16);
}
