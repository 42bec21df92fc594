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
};

struct hvkm_insn {
	enum hvkm_insn_op op;
	u8 len;			/* bytes, prefixes included */
	u8 size;		/* bytes of memory accessed: 1, 2, 4, 8 */
	u8 reg;			/* register number 0-15 (LOAD, STORE) */
	bool reg_high8;		/* AH, CH, DH, BH: bits 15:8 of reg 0-3 */
	u8 dst_size;		/* LOAD: bytes of the register written */
	bool sign_extend;	/* LOAD: MOVSX */
	u64 imm;		/* STORE_IMM: the value, sign-extended to size */
};

/* Code size of the guest's current code segment: 2, 4 or 8 (bytes). */
int hvkm_decode(const u8 *bytes, unsigned int avail, unsigned int mode,
		struct hvkm_insn *insn);

/* Merge a loaded value into a register the way the CPU would. */
u64 hvkm_insn_load_result(const struct hvkm_insn *insn, u64 old, u64 data);

#endif /* HVKM_DECODE_H */
