/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvkm: SVM instructions that need an exception-table entry.
 */
#include <linux/linkage.h>
#include <asm/asm.h>

	.text

/*
 * void hvkm_svm_stgi_safe(void)
 *
 * Sets GIF.  STGI raises #UD when EFER.SVME is clear, which happens when an
 * NMI turned SVM off between the caller's check and this instruction; GIF
 * is 1 in that case already (the NMI was taken), so the fault is skipped.
 */
SYM_FUNC_START(hvkm_svm_stgi_safe)
1:	stgi
2:	RET
	_ASM_EXTABLE(1b, 2b)
SYM_FUNC_END(hvkm_svm_stgi_safe)
