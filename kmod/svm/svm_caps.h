/* SPDX-License-Identifier: GPL-2.0 */
#ifndef HVKM_SVM_CAPS_H
#define HVKM_SVM_CAPS_H

#include <linux/types.h>

/* The CPUID leaves and MSRs that decide whether hvkm can use SVM here. */
struct hvkm_svm_facts {
	u32 max_ext_leaf;	/* CPUID 0x80000000 EAX */
	u32 ext_ecx;		/* CPUID 0x80000001 ECX */
	u32 svm_ebx;		/* CPUID 0x8000000A EBX: number of ASIDs */
	u32 svm_edx;		/* CPUID 0x8000000A EDX: SVM features */
	u64 vm_cr;		/* MSR VM_CR, valid only when ext_ecx has SVM */
	u64 efer;		/* MSR EFER of the checking CPU */
};

int hvkm_svm_check(const struct hvkm_svm_facts *f, const char **why);

#endif /* HVKM_SVM_CAPS_H */
