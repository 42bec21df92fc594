// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm: an x86 decoder for the instructions guests use on MMIO (Intel SDM
 * vol. 2, chapter 2 "Instruction Format" and appendix A "Opcode Map"; AMD
 * APM vol. 3, chapter 1).  It finds the length, the operand and address
 * sizes, the operation and its register or immediate; the address itself
 * comes from the nested page fault.  Supported, in 16-, 32- and 64-bit code
 * with any prefix and addressing form:
 *   MOV r/m (88, 89, 8A, 8B), MOV r/m, imm (C6 /0, C7 /0), MOV moffs (A0-A3),
 *   MOVZX/MOVSX (0F B6, B7, BE, BF),
 *   ADD/OR/ADC/SBB/AND/SUB/XOR/CMP in both directions (00-3B, low bits 0-3)
 *   and with an immediate (80, 81, 83),
 *   TEST (84, 85, F6 /0, F7 /0), XCHG (86, 87),
 *   BT/BTS/BTR/BTC with a register (0F A3, AB, B3, BB) or imm8 (0F BA /4-7),
 *   MOVS (A4, A5) and STOS (AA, AB) with or without REP.
 * LOCK is accepted on the read-modify-write forms only (SDM vol. 2, "LOCK").
 * Anything else is -EOPNOTSUPP, and the VMM gets the raw bytes.  Pure logic:
 * tests/kunit/decode_test.c drives it.
 */
#include <linux/errno.h>

#include "decode.h"

struct hvkm_prefixes {
	bool opsize;		/* 66 */
	bool addrsize;		/* 67 */
	bool lock;		/* F0 */
	u8 rep;			/* F2 or F3, the last one */
	u8 seg;			/* the last segment override, or 0xff */
	u8 rex;			/* 40-4F in 64-bit code, or 0 */
};

#define REX_W	0x8
#define REX_R	0x4
#define NO_SEG	0xff

/* Skip legacy prefixes and a REX prefix; returns the opcode's offset. */
static int decode_prefixes(const u8 *b, unsigned int avail, unsigned int mode,
			   struct hvkm_prefixes *p)
{
	unsigned int i;

	p->seg = NO_SEG;
	for (i = 0; i < avail; i++) {
		switch (b[i]) {
		case 0x66:
			p->opsize = true;
			break;
		case 0x67:
			p->addrsize = true;
			break;
		case 0x26: case 0x2e: case 0x36: case 0x3e:
			p->seg = (b[i] >> 3) & 3;	/* ES, CS, SS, DS */
			break;
		case 0x64: case 0x65:
			p->seg = b[i] - 0x64 + HVKM_SEG_FS;
			break;
		case 0xf2: case 0xf3:
			p->rep = b[i];
			break;
		case 0xf0:
			p->lock = true;
			break;
		default:
			if (mode == 8 && (b[i] & 0xf0) == 0x40) {
				p->rex = b[i];
				continue;
			}
			return i;
		}
		p->rex = 0;	/* a REX prefix counts only just before the opcode */
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

/* What follows the opcode of a form with a ModRM byte. */
enum hvkm_imm_kind { IMM_NONE, IMM_8, IMM_Z };	/* Ib; Iz: 2 or 4 bytes */

static void set_alu(struct hvkm_insn *insn, u8 alu, u8 size, bool mem_dst)
{
	insn->op = HVKM_INSN_ALU;
	insn->alu = alu;
	insn->size = size;
	insn->dst_size = size;
	insn->mem_dst = mem_dst;
}

/* The two-byte opcodes (0F xx); *imm gets what follows the ModRM bytes. */
static int decode_0f(u8 opcode, u8 modrm, unsigned int osize, struct hvkm_insn *insn,
		     enum hvkm_imm_kind *imm)
{
	static const u8 bt_ops[4] = { HVKM_ALU_BT, HVKM_ALU_BTS, HVKM_ALU_BTR, HVKM_ALU_BTC };

	switch (opcode) {
	case 0xb6: case 0xb7: case 0xbe: case 0xbf:
		insn->op = HVKM_INSN_LOAD;
		insn->size = (opcode & 1) ? 2 : 1;
		insn->dst_size = osize;
		insn->sign_extend = opcode >= 0xbe;
		return 0;
	case 0xa3: case 0xab: case 0xb3: case 0xbb:
		/* BT r/m, r: A3 BT, AB BTS, B3 BTR, BB BTC */
		set_alu(insn, bt_ops[(opcode >> 3) & 3], osize, true);
		return 0;
	case 0xba:
		/* Group 8: /4 BT, /5 BTS, /6 BTR, /7 BTC with an imm8 */
		if (((modrm >> 3) & 7) < 4)
			return -EOPNOTSUPP;
		set_alu(insn, bt_ops[(modrm >> 3) & 3], osize, true);
		insn->src_imm = true;
		*imm = IMM_8;
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}

/* The one-byte opcodes with a ModRM byte. */
static int decode_1byte(u8 opcode, u8 modrm, unsigned int osize, struct hvkm_insn *insn,
			enum hvkm_imm_kind *imm)
{
	u8 size = (opcode & 1) ? osize : 1, sub = (modrm >> 3) & 7;

	/* ALU r/m, r (low bits 0, 1) and r, r/m (2, 3): SDM vol. 2, table A-2 */
	if (opcode < 0x40 && (opcode & 7) < 4) {
		set_alu(insn, opcode >> 3, size, !(opcode & 2));
		return 0;
	}
	switch (opcode) {
	case 0x80: case 0x81: case 0x83:
		set_alu(insn, sub, opcode == 0x80 ? 1 : osize, true);
		insn->src_imm = true;
		*imm = opcode == 0x81 ? IMM_Z : IMM_8;
		return 0;
	case 0x84: case 0x85:
		set_alu(insn, HVKM_ALU_TEST, size, true);
		return 0;
	case 0x86: case 0x87:
		set_alu(insn, HVKM_ALU_XCHG, size, true);
		return 0;
	case 0xf6: case 0xf7:
		if (sub != 0)	/* NOT, NEG, MUL, IMUL, DIV, IDIV */
			return -EOPNOTSUPP;
		set_alu(insn, HVKM_ALU_TEST, size, true);
		insn->src_imm = true;
		*imm = (opcode & 1) ? IMM_Z : IMM_8;
		return 0;
	case 0x88: case 0x89:
		insn->op = HVKM_INSN_STORE;
		insn->size = size;
		return 0;
	case 0x8a: case 0x8b:
		insn->op = HVKM_INSN_LOAD;
		insn->size = size;
		insn->dst_size = size;
		return 0;
	case 0xc6: case 0xc7:
		if (sub != 0)
			return -EOPNOTSUPP;
		insn->op = HVKM_INSN_STORE_IMM;
		insn->size = size;
		*imm = (opcode & 1) ? IMM_Z : IMM_8;
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}

/* LOCK is legal only on a read-modify-write of memory (SDM vol. 2, "LOCK"). */
static bool lockable(const struct hvkm_insn *insn)
{
	if (insn->op != HVKM_INSN_ALU || !insn->mem_dst)
		return false;
	return insn->alu != HVKM_ALU_CMP && insn->alu != HVKM_ALU_TEST &&
	       insn->alu != HVKM_ALU_BT;
}

/* The forms without a ModRM byte: MOV moffs, MOVS, STOS. */
static int decode_no_modrm(u8 opcode, unsigned int osize, struct hvkm_insn *insn)
{
	insn->size = (opcode & 1) ? osize : 1;
	switch (opcode) {
	case 0xa0: case 0xa1: case 0xa2: case 0xa3:
		/* AL/eAX <-> [moffs]: the offset has the address size. */
		insn->op = opcode < 0xa2 ? HVKM_INSN_LOAD : HVKM_INSN_STORE;
		insn->dst_size = insn->size;
		return insn->asize;
	case 0xa4: case 0xa5:
		insn->op = HVKM_INSN_MOVS;
		return 0;
	case 0xaa: case 0xab:
		insn->op = HVKM_INSN_STOS;
		return 0;
	default:
		return -ENOENT;		/* has a ModRM byte, or unknown */
	}
}

int hvkm_decode(const u8 *b, unsigned int avail, unsigned int mode,
		struct hvkm_insn *insn)
{
	enum hvkm_imm_kind imm = IMM_NONE;
	struct hvkm_prefixes p = {};
	unsigned int osize, i, isize;
	int n, modrm_len;
	u8 opcode, modrm;
	bool two_byte;

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
		insn->asize = p.addrsize ? 4 : 8;
	else
		insn->asize = (mode == 4) != p.addrsize ? 4 : 2;
	if (p.rex & REX_W)
		osize = 8;
	else
		osize = (mode == 2) != p.opsize ? 2 : 4;
	insn->seg = p.seg == NO_SEG ? HVKM_SEG_DS : p.seg;
	insn->lock = p.lock;

	opcode = b[i++];
	n = opcode == 0x0f ? -ENOENT : decode_no_modrm(opcode, osize, insn);
	if (n >= 0) {
		if (p.lock)
			return -EOPNOTSUPP;	/* #UD on the CPU */
		if (insn->op == HVKM_INSN_MOVS || insn->op == HVKM_INSN_STOS)
			insn->rep = p.rep;
		if (i + n > avail)
			return -EINVAL;
		insn->len = i + n;
		return 0;
	}

	two_byte = opcode == 0x0f;
	if (two_byte) {
		if (i >= avail)
			return -EINVAL;
		opcode = b[i++];
	}
	/* An unknown opcode is -EOPNOTSUPP even when its ModRM is missing. */
	modrm = i < avail ? b[i] : 0;
	n = two_byte ? decode_0f(opcode, modrm, osize, insn, &imm) :
		       decode_1byte(opcode, modrm, osize, insn, &imm);
	if (n)
		return n;
	if (p.lock && !lockable(insn))
		return -EOPNOTSUPP;	/* #UD on the CPU */
	modrm_len = decode_modrm_len(b + i, avail - i, insn->asize);
	if (modrm_len < 0)
		return modrm_len;
	insn->reg = ((modrm >> 3) & 7) | ((p.rex & REX_R) ? 8 : 0);
	i += modrm_len;

	if (imm != IMM_NONE) {
		/* Iz is at most 4 bytes, sign-extended for a 64-bit operand. */
		isize = imm == IMM_8 ? 1 : insn->size == 2 ? 2 : 4;
		if (i + isize > avail)
			return -EINVAL;
		insn->imm = sign_extend_to(read_le(b + i, isize), isize, insn->size);
		insn->reg = 0;
		i += isize;
	} else if (insn->dst_size <= 1 && insn->size == 1 && !p.rex &&
		   insn->reg >= 4 && insn->reg < 8) {
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
