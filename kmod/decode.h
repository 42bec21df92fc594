/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvkm: decoding the instructions that touch MMIO, so that the VMM gets
 * {gpa, size, direction, data} and never decodes x86 itself.
 */
#ifndef HVKM_DECODE_H
#define HVKM_DECODE_H

#include <linux/types.h>

#define HVKM_INSN_MAX	15	/* the architectural limit of an x86 instruction */

enum hvkm_insn_op {
	HVKM_INSN_LOAD,		/* register <- memory */
	HVKM_INSN_STORE,	/* memory <- register */
	HVKM_INSN_STORE_IMM,	/* memory <- immediate */
	HVKM_INSN_ALU,		/* @alu of memory and a register or @imm */
	HVKM_INSN_MOVS,		/* A4/A5: ES:[rDI] <- seg:[rSI] */
	HVKM_INSN_STOS,		/* AA/AB: ES:[rDI] <- AL/AX/EAX/RAX */
};

/*
 * HVKM_INSN_ALU operations.  0-7 are the ModRM.reg / opcode bits 5:3 encoding
 * of the classic ALU group (SDM vol. 2, table A-6 "Group 1").
 */
enum hvkm_alu {
	HVKM_ALU_ADD, HVKM_ALU_OR, HVKM_ALU_ADC, HVKM_ALU_SBB,
	HVKM_ALU_AND, HVKM_ALU_SUB, HVKM_ALU_XOR, HVKM_ALU_CMP,
	HVKM_ALU_TEST, HVKM_ALU_XCHG,
	HVKM_ALU_BT, HVKM_ALU_BTS, HVKM_ALU_BTR, HVKM_ALU_BTC,
};

/* Segment registers in their SDM encoding (ModRM.reg of MOV Sreg). */
enum hvkm_seg { HVKM_SEG_ES, HVKM_SEG_CS, HVKM_SEG_SS, HVKM_SEG_DS, HVKM_SEG_FS, HVKM_SEG_GS };

struct hvkm_insn {
	enum hvkm_insn_op op;
	u8 len;			/* bytes, prefixes included */
	u8 size;		/* bytes of memory accessed: 1, 2, 4, 8 */
	u8 reg;			/* register number 0-15 (LOAD, STORE, ALU) */
	bool reg_high8;		/* AH, CH, DH, BH: bits 15:8 of reg 0-3 */
	u8 dst_size;		/* LOAD, ALU: bytes of the register written */
	bool sign_extend;	/* LOAD: MOVSX */
	u64 imm;		/* STORE_IMM, ALU with @src_imm: sign-extended to size */
	u8 alu;			/* ALU: enum hvkm_alu */
	bool mem_dst;		/* ALU: memory is the first (destination) operand */
	bool src_imm;		/* ALU: the other operand is @imm, not @reg */
	bool lock;		/* F0 on a read-modify-write form */
	u8 rep;			/* MOVS, STOS: F3 or F2 prefix, else 0 */
	u8 asize;		/* address size: 2, 4 or 8 bytes */
	u8 seg;			/* enum hvkm_seg of a MOVS source: DS or the override */
};

/* Code size of the guest's current code segment: 2, 4 or 8 (bytes). */
int hvkm_decode(const u8 *bytes, unsigned int avail, unsigned int mode,
		struct hvkm_insn *insn);

/* Merge a loaded value into a register the way the CPU would. */
u64 hvkm_insn_load_result(const struct hvkm_insn *insn, u64 old, u64 data);

#endif /* HVKM_DECODE_H */
