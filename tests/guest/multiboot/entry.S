/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Multiboot header and entry of the test kernel (README).  Built twice:
 * as an ELF kernel, and with MB_ADDRESS_FIELDS as a flat binary whose
 * header carries its load addresses (Multiboot 0.6.96 section 3.1.3, the
 * "a.out kludge").
 */
#define MB_MAGIC		0x1badb002
#define MB_PAGE_ALIGN		(1 << 0)
#define MB_MEMORY_INFO		(1 << 1)
#define MB_ADDRESS		(1 << 16)

#ifdef MB_ADDRESS_FIELDS
#define MB_FLAGS		(MB_PAGE_ALIGN | MB_MEMORY_INFO | MB_ADDRESS)
#else
#define MB_FLAGS		(MB_PAGE_ALIGN | MB_MEMORY_INFO)
#endif

	.section .multiboot, "a"
	.balign 4
	.globl mb_header
mb_header:
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)
#ifdef MB_ADDRESS_FIELDS
	.long mb_header		/* header_addr */
	.long __load_start	/* load_addr */
	.long __load_end	/* load_end_addr: text and data */
	.long __bss_end		/* bss_end_addr */
	.long _start		/* entry_addr */
#endif

	.text
	.code32
	.globl _start
_start:
	/* EAX and EBX as the loader left them (section 3.2); the stack is ours. */
	movl $stack_top, %esp
	pushfl
	pushl %ebx
	pushl %eax
	call mb_main
1:	cli
	hlt
	jmp 1b

	.bss
	.balign 16
stack:
	.skip 16384
stack_top:

	.section .note.GNU-stack, "", @progbits
