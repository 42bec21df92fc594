// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm: the effect of an MMIO instruction on registers, flags and memory.
 * Flags follow the SDM vol. 2 entries of each instruction ("Flags Affected")
 * and vol. 1, appendix A "EFLAGS Cross-Reference": the arithmetic ops set
 * CF/PF/AF/ZF/SF/OF from the result, the logical ops clear CF and OF (AF is
 * undefined there; hvkm clears it), BT* set only CF and leave the rest.
 */
#include <linux/bitops.h>

#include "emulate.h"

static u64 size_mask(unsigned int size)
{
	return size == 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

/* ZF, SF and PF of @r (PF: even parity of the low byte). */
static u64 result_flags(u64 r, unsigned int size)
{
	u64 f = 0;

	if (!(r & size_mask(size)))
		f |= X86_EFLAGS_ZF;
	if (r >> (8 * size - 1) & 1)
		f |= X86_EFLAGS_SF;
	if (!(hweight8(r & 0xff) & 1))
		f |= X86_EFLAGS_PF;
	return f;
}

/*
 * CF and AF from the carry (or borrow) out of each bit, @c: bit n is the
 * carry out of bit n, so AF is bit 3 and CF the top bit.  OF from @o, whose
 * top bit is set on a signed overflow.
 */
static u64 carry_flags(u64 c, u64 o, unsigned int size)
{
	unsigned int top = 8 * size - 1;
	u64 f = 0;

	if (c >> top & 1)
		f |= X86_EFLAGS_CF;
	if (c & 8)
		f |= X86_EFLAGS_AF;
	if (o >> top & 1)
		f |= X86_EFLAGS_OF;
	return f;
}

static u64 bit_op(unsigned int op, unsigned int size, u64 dst, u64 src, u64 *rflags)
{
	u64 bit = 1ULL << (src & (8 * size - 1));

	*rflags &= ~X86_EFLAGS_CF;
	if (dst & bit)
		*rflags |= X86_EFLAGS_CF;
	switch (op) {
	case HVKM_ALU_BTS:
		return dst | bit;
	case HVKM_ALU_BTR:
		return dst & ~bit;
	case HVKM_ALU_BTC:
		return dst ^ bit;
	default:
		return dst;
	}
}

u64 hvkm_alu(unsigned int op, unsigned int size, u64 dst, u64 src, u64 *rflags)
{
	u64 cf = *rflags & X86_EFLAGS_CF ? 1 : 0, r, f = 0;

	dst &= size_mask(size);
	src &= size_mask(size);
	switch (op) {
	case HVKM_ALU_ADD:
	case HVKM_ALU_ADC:
		r = dst + src + (op == HVKM_ALU_ADC ? cf : 0);
		f = carry_flags((dst & src) | ((dst | src) & ~r), (dst ^ r) & (src ^ r), size);
		break;
	case HVKM_ALU_SUB:
	case HVKM_ALU_SBB:
	case HVKM_ALU_CMP:
		r = dst - src - (op == HVKM_ALU_SBB ? cf : 0);
		f = carry_flags((~dst & src) | (~(dst ^ src) & r), (dst ^ src) & (dst ^ r), size);
		break;
	case HVKM_ALU_OR:
		r = dst | src;
		break;
	case HVKM_ALU_AND:
	case HVKM_ALU_TEST:
		r = dst & src;
		break;
	case HVKM_ALU_XOR:
		r = dst ^ src;
		break;
	case HVKM_ALU_BT:
	case HVKM_ALU_BTS:
	case HVKM_ALU_BTR:
	case HVKM_ALU_BTC:
		return bit_op(op, size, dst, src, rflags);
	default:
		return dst;
	}
	r &= size_mask(size);
	*rflags = (*rflags & ~HVKM_STATUS_FLAGS) | f | result_flags(r, size);
	return r;
}

bool hvkm_emulate_reads(const struct hvkm_insn *insn)
{
	return insn->op == HVKM_INSN_LOAD || insn->op == HVKM_INSN_ALU;
}

static u64 reg_value(const struct hvkm_insn *insn, const u64 *gpr)
{
	return insn->reg_high8 ? gpr[insn->reg] >> 8 : gpr[insn->reg];
}

/* Which ALU results are written back: CMP, TEST and BT only set flags. */
static bool alu_writes(unsigned int op)
{
	return op != HVKM_ALU_CMP && op != HVKM_ALU_TEST && op != HVKM_ALU_BT;
}

bool hvkm_emulate_insn(const struct hvkm_insn *insn, u64 *gpr, u64 *rflags, u64 mem,
		       u64 *store)
{
	u64 other, r, mask = size_mask(insn->size);

	switch (insn->op) {
	case HVKM_INSN_LOAD:
		gpr[insn->reg] = hvkm_insn_load_result(insn, gpr[insn->reg], mem);
		return false;
	case HVKM_INSN_STORE:
		*store = reg_value(insn, gpr) & mask;
		return true;
	case HVKM_INSN_STORE_IMM:
		*store = insn->imm & mask;
		return true;
	case HVKM_INSN_ALU:
		break;
	default:
		return false;
	}

	other = insn->src_imm ? insn->imm : reg_value(insn, gpr);
	if (insn->alu == HVKM_ALU_XCHG) {
		gpr[insn->reg] = hvkm_insn_load_result(insn, gpr[insn->reg], mem);
		*store = other & mask;
		return true;
	}
	if (!insn->mem_dst) {
		/* op reg, mem: the register is the destination. */
		r = hvkm_alu(insn->alu, insn->size, other, mem, rflags);
		if (alu_writes(insn->alu))
			gpr[insn->reg] = hvkm_insn_load_result(insn, gpr[insn->reg], r);
		return false;
	}
	r = hvkm_alu(insn->alu, insn->size, mem, other, rflags);
	*store = r & mask;
	return alu_writes(insn->alu);
}

static u64 addr_mask(const struct hvkm_insn *insn)
{
	return size_mask(insn->asize);
}

u64 hvkm_string_count(const struct hvkm_insn *insn, const u64 *gpr)
{
	return insn->rep ? gpr[HVKM_GPR_RCX] & addr_mask(insn) : 1;
}

/*
 * Add @delta to @reg in the address size: a 16-bit one keeps bits 63:16, a
 * 32-bit one is a 32-bit register write, which clears bits 63:32 (SDM
 * vol. 1, 3.4.1.1).
 */
static void add_addr(const struct hvkm_insn *insn, u64 *reg, u64 delta)
{
	if (insn->asize == 2)
		*reg = (*reg & ~0xffffULL) | ((*reg + delta) & 0xffff);
	else if (insn->asize == 4)
		*reg = (u32)(*reg + delta);
	else
		*reg += delta;
}

bool hvkm_string_step(const struct hvkm_insn *insn, u64 *gpr, u64 rflags)
{
	u64 delta = rflags & X86_EFLAGS_DF ? -(u64)insn->size : insn->size;

	add_addr(insn, &gpr[HVKM_GPR_RDI], delta);
	if (insn->op == HVKM_INSN_MOVS)
		add_addr(insn, &gpr[HVKM_GPR_RSI], delta);
	if (!insn->rep)
		return true;
	add_addr(insn, &gpr[HVKM_GPR_RCX], -1ULL);
	return !(gpr[HVKM_GPR_RCX] & addr_mask(insn));
}
