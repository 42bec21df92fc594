// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm: an x86 decoder for the instructions guests use on MMIO (Intel SDM
 * vol. 2, chapter 2 "Instruction Format"; AMD APM vol. 3, chapter 1).  It
 * finds the length, the operand size, the direction and the register; the
 * address itself comes from the nested page fault.  Supported: MOV r/m (88,
 * 89, 8A, 8B), MOV r/m, imm (C6 /0, C7 /0), MOV with a moffs (A0-A3) and
 * MOVZX/MOVSX (0F B6, B7, BE, BF), in 16-, 32- and 64-bit code with any
 * prefix and addressing form.  Anything else is -EOPNOTSUPP, and the VMM
 * gets the raw bytes.  Pure logic: tests/kunit/decode_test.c drives it.
 */
#include <linux/errno.h>

#include "decode.h"

struct hvkm_prefixes {
	bool opsize;		/* 66 */
	bool addrsize;		/* 67 */
	u8 rex;			/* 40-4F in 64-bit code, or 0 */
};

#define REX_W	0x8
#define REX_R	0x4

/* Skip legacy prefixes and a REX prefix; returns the opcode's offset. */
static int decode_prefixes(const u8 *b, unsigned int avail, unsigned int mode,
			   struct hvkm_prefixes *p)
{
	unsigned int i;

	for (i = 0; i < avail; i++) {
		switch (b[i]) {
		case 0x66:
			p->opsize = true;
			p->rex = 0;	/* a REX prefix counts only just before the opcode */
			continue;
		case 0x67:
			p->addrsize = true;
			p->rex = 0;
			continue;
		case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65:
		case 0xf2: case 0xf3:
			p->rex = 0;
			continue;
		case 0xf0:
			return -EOPNOTSUPP;	/* LOCK on MMIO: not emulated */
		}
		if (mode == 8 && (b[i] & 0xf0) == 0x40) {
			p->rex = b[i];
			continue;
		}
		return i;
	}
	return -EINVAL;
}

/*
 * Length of the ModRM byte and what follows it (SIB, displacement) for an
 * address size of @asize bytes; -EINVAL for a register operand (mod == 3),
 * which cannot be memory.
 */
static int decode_modrm_len(const u8 *b, unsigned int avail, unsigned int asize)
{
	u8 modrm, mod, rm;
	unsigned int len = 1;

	if (avail < 1)
		return -EINVAL;
	modrm = b[0];
	mod = modrm >> 6;
	rm = modrm & 7;
	if (mod == 3)
		return -EINVAL;
	if (asize == 2) {
		if (mod == 1)
			len += 1;
		else if (mod == 2 || (mod == 0 && rm == 6))
			len += 2;
	} else {
		if (rm == 4) {
			if (avail < 2)
				return -EINVAL;
			len += 1;	/* SIB; base 5 with mod 0 means disp32 */
			if (mod == 0 && (b[1] & 7) == 5)
				len += 4;
		}
		if (mod == 1)
			len += 1;
		else if (mod == 2 || (mod == 0 && rm == 5))
			len += 4;	/* mod 0, rm 5: disp32 (RIP-relative in 64-bit code) */
	}
	return len <= avail ? (int)len : -EINVAL;
}

static u64 read_le(const u8 *b, unsigned int n)
{
	u64 v = 0;

	while (n--)
		v = (v << 8) | b[n];
	return v;
}

static u64 sign_extend_to(u64 v, unsigned int from, unsigned int to)
{
	unsigned int shift = 64 - 8 * from;
	u64 x = (u64)((s64)(v << shift) >> shift);

	return to == 8 ? x : x & ((1ULL << (8 * to)) - 1);
}

int hvkm_decode(const u8 *b, unsigned int avail, unsigned int mode,
		struct hvkm_insn *insn)
{
	struct hvkm_prefixes p = {};
	unsigned int asize, osize, i, op_len = 1;
	int n, modrm_len;
	u8 opcode, modrm = 0;
	bool has_modrm = true;

	if (mode != 2 && mode != 4 && mode != 8)
		return -EINVAL;
	if (avail > HVKM_INSN_MAX)
		avail = HVKM_INSN_MAX;
	*insn = (struct hvkm_insn){};
	n = decode_prefixes(b, avail, mode, &p);
	if (n < 0)
		return n;
	i = n;

	if (mode == 8)
		asize = p.addrsize ? 4 : 8;
	else
		asize = (mode == 4) != p.addrsize ? 4 : 2;
	if (p.rex & REX_W)
		osize = 8;
	else
		osize = (mode == 2) != p.opsize ? 2 : 4;

	opcode = b[i];
	if (opcode == 0x0f) {
		if (i + 1 >= avail)
			return -EINVAL;
		opcode = b[i + 1];
		op_len = 2;
		switch (opcode) {
		case 0xb6: case 0xb7: case 0xbe: case 0xbf:
			insn->op = HVKM_INSN_LOAD;
			insn->size = (opcode & 1) ? 2 : 1;
			insn->dst_size = osize;
			insn->sign_extend = opcode >= 0xbe;
			break;
		default:
			return -EOPNOTSUPP;
		}
	} else {
		switch (opcode) {
		case 0x88: case 0x89:
			insn->op = HVKM_INSN_STORE;
			insn->size = opcode == 0x88 ? 1 : osize;
			break;
		case 0x8a: case 0x8b:
			insn->op = HVKM_INSN_LOAD;
			insn->size = opcode == 0x8a ? 1 : osize;
			insn->dst_size = insn->size;
			break;
		case 0xc6: case 0xc7:
			insn->op = HVKM_INSN_STORE_IMM;
			insn->size = opcode == 0xc6 ? 1 : osize;
			break;
		case 0xa0: case 0xa1: case 0xa2: case 0xa3:
			/* AL/eAX <-> [moffs]: the offset has the address size. */
			has_modrm = false;
			insn->op = opcode < 0xa2 ? HVKM_INSN_LOAD : HVKM_INSN_STORE;
			insn->size = (opcode & 1) ? osize : 1;
			insn->dst_size = insn->size;
			insn->reg = 0;
			if (i + 1 + asize > avail)
				return -EINVAL;
			insn->len = i + 1 + asize;
			return 0;
		default:
			return -EOPNOTSUPP;
		}
	}

	i += op_len;
	if (has_modrm) {
		if (i >= avail)
			return -EINVAL;
		modrm = b[i];
		modrm_len = decode_modrm_len(b + i, avail - i, asize);
		if (modrm_len < 0)
			return modrm_len;
		insn->reg = ((modrm >> 3) & 7) | ((p.rex & REX_R) ? 8 : 0);
		i += modrm_len;
	}

	if (insn->op == HVKM_INSN_STORE_IMM) {
		/* C6/C7 /0 only; the immediate is at most 4 bytes, sign-extended for 8. */
		unsigned int isize = insn->size == 8 ? 4 : insn->size;

		if ((modrm >> 3) & 7)
			return -EOPNOTSUPP;
		if (i + isize > avail)
			return -EINVAL;
		insn->imm = sign_extend_to(read_le(b + i, isize), isize, insn->size);
		insn->reg = 0;
		i += isize;
	} else if ((insn->op == HVKM_INSN_LOAD ? insn->dst_size : insn->size) == 1 &&
		   !p.rex && insn->reg >= 4 && insn->reg < 8) {
		/* Without REX, byte registers 4-7 are AH, CH, DH, BH. */
		insn->reg -= 4;
		insn->reg_high8 = true;
	}
	insn->len = i;
	return 0;
}

u64 hvkm_insn_load_result(const struct hvkm_insn *insn, u64 old, u64 data)
{
	u64 mask = insn->size == 8 ? ~0ULL : (1ULL << (8 * insn->size)) - 1;
	u64 v = insn->sign_extend ? sign_extend_to(data, insn->size, insn->dst_size) :
				    data & mask;

	if (insn->reg_high8)
		return (old & ~0xff00ULL) | ((v & 0xff) << 8);
	switch (insn->dst_size) {
	case 1:
		return (old & ~0xffULL) | (v & 0xff);
	case 2:
		return (old & ~0xffffULL) | (v & 0xffff);
	case 4:
		return v & 0xffffffffULL;	/* a 32-bit result clears bits 63:32 */
	default:
		return v;
	}
}
