/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvkm: entering and leaving an SVM guest (AMD APM vol. 2, 15.5 "VMRUN
 * Instruction" and 15.6 "#VMEXIT").
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/nospec-branch.h>

/* Offsets in the guest GPR array, indexed by x86 register number. */
#define GPR_RCX		(1 * 8)
#define GPR_RDX		(2 * 8)
#define GPR_RBX		(3 * 8)
#define GPR_RBP		(5 * 8)
#define GPR_RSI		(6 * 8)
#define GPR_RDI		(7 * 8)
#define GPR_R8		(8 * 8)
#define GPR_R9		(9 * 8)
#define GPR_R10		(10 * 8)
#define GPR_R11		(11 * 8)
#define GPR_R12		(12 * 8)
#define GPR_R13		(13 * 8)
#define GPR_R14		(14 * 8)
#define GPR_R15		(15 * 8)

/* Where the arguments are kept on the stack while the guest runs. */
#define STK_VMCB	0
#define STK_HOST	8
#define STK_GPRS	16

	.text

/*
 * void __hvkm_svm_run(unsigned long vmcb_pa, unsigned long *gprs,
 *		       unsigned long host_vmsave_pa)
 *
 * Called with GIF=0.  VMRUN saves only part of the host's state (into the
 * VM_HSAVE_PA area); FS, GS, TR, LDTR, KernelGSBase and the SYSCALL/SYSENTER
 * MSRs are kept with VMSAVE/VMLOAD in @host_vmsave_pa.  Between the guest's
 * VMLOAD and the host's VMLOAD, GS is the guest's: no C code may run there.
 *
 * If SVM was turned off under us (reboot, emergency), the SVM instructions
 * fault; each fault is skipped, and the caller sees an unchanged exit code.
 */
SYM_FUNC_START(__hvkm_svm_run)
	push %rbp
	mov %rsp, %rbp
	push %r15
	push %r14
	push %r13
	push %r12
	push %rbx
	push %rsi
	push %rdx
	push %rdi

	mov %rdx, %rax
1:	vmsave %rax
2:
	/* The guest's GPRs; RAX and RSP are in the VMCB. */
	mov %rsi, %rax
	mov GPR_RCX(%rax), %rcx
	mov GPR_RDX(%rax), %rdx
	mov GPR_RBX(%rax), %rbx
	mov GPR_RBP(%rax), %rbp
	mov GPR_RSI(%rax), %rsi
	mov GPR_RDI(%rax), %rdi
	mov GPR_R8(%rax), %r8
	mov GPR_R9(%rax), %r9
	mov GPR_R10(%rax), %r10
	mov GPR_R11(%rax), %r11
	mov GPR_R12(%rax), %r12
	mov GPR_R13(%rax), %r13
	mov GPR_R14(%rax), %r14
	mov GPR_R15(%rax), %r15

	mov STK_VMCB(%rsp), %rax
3:	vmload %rax
4:	vmrun %rax
5:	vmsave %rax
6:	mov STK_HOST(%rsp), %rax
7:	vmload %rax
8:
	mov STK_GPRS(%rsp), %rax
	mov %rcx, GPR_RCX(%rax)
	mov %rdx, GPR_RDX(%rax)
	mov %rbx, GPR_RBX(%rax)
	mov %rbp, GPR_RBP(%rax)
	mov %rsi, GPR_RSI(%rax)
	mov %rdi, GPR_RDI(%rax)
	mov %r8, GPR_R8(%rax)
	mov %r9, GPR_R9(%rax)
	mov %r10, GPR_R10(%rax)
	mov %r11, GPR_R11(%rax)
	mov %r12, GPR_R12(%rax)
	mov %r13, GPR_R13(%rax)
	mov %r14, GPR_R14(%rax)
	mov %r15, GPR_R15(%rax)

	/* The guest may have filled the return stack buffer: refill it before any RET. */
	FILL_RETURN_BUFFER %rax, RSB_CLEAR_LOOPS, X86_FEATURE_RETPOLINE
	UNTRAIN_RET

	/* Leave no guest value in a register the caller may spill. */
	xor %ecx, %ecx
	xor %edx, %edx
	xor %esi, %esi
	xor %edi, %edi
	xor %r8d, %r8d
	xor %r9d, %r9d
	xor %r10d, %r10d
	xor %r11d, %r11d

	add $24, %rsp
	pop %rbx
	pop %r12
	pop %r13
	pop %r14
	pop %r15
	pop %rbp
	RET

	_ASM_EXTABLE(1b, 2b)
	_ASM_EXTABLE(3b, 4b)
	_ASM_EXTABLE(4b, 5b)
	_ASM_EXTABLE(5b, 6b)
	_ASM_EXTABLE(7b, 8b)
SYM_FUNC_END(__hvkm_svm_run)
