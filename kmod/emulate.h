/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvkm: what a decoded MMIO instruction does to the registers, RFLAGS and
 * the memory operand, once the memory operand's old value is known.  Pure
 * logic over a copy of the general-purpose registers (tests/kunit/emulate_test.c).
 */
#ifndef HVKM_EMULATE_H
#define HVKM_EMULATE_H

#include <linux/types.h>
#include <asm/processor-flags.h>

#include "decode.h"

/* The status flags (SDM vol. 1, 3.4.3.1). */
#define HVKM_STATUS_FLAGS	(X86_EFLAGS_CF | X86_EFLAGS_PF | X86_EFLAGS_AF | \
				 X86_EFLAGS_ZF | X86_EFLAGS_SF | X86_EFLAGS_OF)

/* GPR numbers of the string instructions' implicit operands. */
#define HVKM_GPR_RAX	0
#define HVKM_GPR_RCX	1
#define HVKM_GPR_RSI	6
#define HVKM_GPR_RDI	7

/*
 * @op (enum hvkm_alu, not XCHG) of @dst and @src, @size bytes each: returns
 * the result (what the destination would get) and updates the status flags
 * in *@rflags as the CPU does.
 */
u64 hvkm_alu(unsigned int op, unsigned int size, u64 dst, u64 src, u64 *rflags);

/* The instruction needs the memory operand's old value (everything but MOV stores). */
bool hvkm_emulate_reads(const struct hvkm_insn *insn);

/*
 * Carry out @insn (LOAD, STORE, STORE_IMM or ALU) on @gpr[16] and *@rflags,
 * the memory operand holding @mem.  True, with the value in *@store, when
 * the memory operand is written.  RIP is the caller's.
 */
bool hvkm_emulate_insn(const struct hvkm_insn *insn, u64 *gpr, u64 *rflags, u64 mem,
		       u64 *store);

/* MOVS/STOS: elements left, 1 without REP (the count in rCX has the address size). */
u64 hvkm_string_count(const struct hvkm_insn *insn, const u64 *gpr);

/*
 * MOVS/STOS: move rSI/rDI one element on (down with RFLAGS.DF) and count
 * rCX down under REP, each in the address size.  True when the instruction
 * is complete and RIP moves past it.
 */
bool hvkm_string_step(const struct hvkm_insn *insn, u64 *gpr, u64 rflags);

#endif /* HVKM_EMULATE_H */
