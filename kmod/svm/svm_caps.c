// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm: can this CPU run hvkm with SVM?  AMD APM vol. 2, 15.4 "Enabling SVM"
 * and 15.25 "Nested Paging".  Pure logic on values the caller read, so the
 * decision can be tested with any CPU (tests/kunit/svm_caps_test.c).
 */
#include <asm/cpufeatures.h>
#include <asm/msr-index.h>
#include <asm/svm.h>
#include <linux/bits.h>
#include <linux/errno.h>

#include "svm_caps.h"

/* Bit positions within their CPUID register, from the kernel's feature words. */
#define HVKM_CPUID_SVM_BIT	BIT(X86_FEATURE_SVM & 31)	/* 0x80000001 ECX */
#define HVKM_CPUID_NPT_BIT	BIT(X86_FEATURE_NPT & 31)	/* 0x8000000A EDX */

/*
 * Returns 0 when hvkm can use SVM, -ENODEV when this CPU cannot, -EBUSY when
 * another hypervisor already has SVM enabled.  *why says what is wrong.
 */
int hvkm_svm_check(const struct hvkm_svm_facts *f, const char **why)
{
	if (!(f->ext_ecx & HVKM_CPUID_SVM_BIT)) {
		*why = "CPUID 0x80000001 ECX.SVM is clear: this CPU has no AMD-V";
		return -ENODEV;
	}
	if (f->vm_cr & SVM_VM_CR_SVM_DIS_MASK) {
		*why = "VM_CR.SVMDIS is set: SVM is disabled in the firmware setup";
		return -ENODEV;
	}
	if (f->max_ext_leaf < SVM_CPUID_FUNC ||
	    !(f->svm_edx & HVKM_CPUID_NPT_BIT)) {
		*why = "CPUID 0x8000000A EDX.NP is clear: no nested paging (NPT)";
		return -ENODEV;
	}
	if (f->svm_ebx < 2) {
		*why = "CPUID 0x8000000A EBX reports no ASID for guests";
		return -ENODEV;
	}
	if (f->efer & EFER_SVME) {
		*why = "EFER.SVME is set: another hypervisor owns SVM; try 'modprobe -r kvm_amd'";
		return -EBUSY;
	}
	*why = NULL;
	return 0;
}
