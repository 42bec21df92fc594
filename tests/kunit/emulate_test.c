// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: what MMIO instructions do to registers, flags and memory
 * (kmod/emulate.c).  The ALU table is the host CPU's own answers
 * (scripts/gen_alu_flags.c -> emulate_flags.h); the rest is hand-written.
 */
#include <kunit/test.h>
#include <linux/string.h>

#include "emulate.c"

struct alu_case {
	unsigned int op, size;
	u64 dst, src;
	unsigned int cf;
	u64 result, flags;
};

#define ALU(op)	HVKM_ALU_##op
#include "emulate_flags.h"

/* Bits outside the status flags pass through: IF, DF and the fixed bit 1. */
#define OTHER_FLAGS	(X86_EFLAGS_IF | X86_EFLAGS_DF | X86_EFLAGS_FIXED)

/* The flags an operation defines: AF is undefined after logical ops, all but CF after BT*. */
static u64 defined_flags(unsigned int op)
{
	switch (op) {
	case HVKM_ALU_OR:
	case HVKM_ALU_AND:
	case HVKM_ALU_XOR:
	case HVKM_ALU_TEST:
		return HVKM_STATUS_FLAGS & ~X86_EFLAGS_AF;
	case HVKM_ALU_BT:
	case HVKM_ALU_BTS:
	case HVKM_ALU_BTR:
	case HVKM_ALU_BTC:
		return X86_EFLAGS_CF;
	default:
		return HVKM_STATUS_FLAGS;
	}
}

static void alu_table(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(alu_cases); i++) {
		const struct alu_case *c = &alu_cases[i];
		u64 rflags = OTHER_FLAGS | (c->cf ? X86_EFLAGS_CF : 0), r;

		r = hvkm_alu(c->op, c->size, c->dst, c->src, &rflags);
		KUNIT_EXPECT_EQ_MSG(test, rflags & defined_flags(c->op), c->flags,
				    "case %u: op %u size %u %#llx, %#llx cf %u", i, c->op,
				    c->size, c->dst, c->src, c->cf);
		KUNIT_EXPECT_EQ_MSG(test, rflags & OTHER_FLAGS, (u64)OTHER_FLAGS, "case %u", i);
		if (alu_writes(c->op))
			KUNIT_EXPECT_EQ_MSG(test, r, c->result, "case %u: op %u size %u", i,
					    c->op, c->size);
	}
}

/* op [mem], reg and op reg, [mem]: who is written, and how much of a register. */
static void alu_directions(struct kunit *test)
{
	struct hvkm_insn i = { .op = HVKM_INSN_ALU, .alu = HVKM_ALU_SUB, .size = 4,
			       .dst_size = 4, .reg = 3, .mem_dst = true };
	u64 gpr[16] = {}, rflags = 0, store = 0;

	gpr[3] = 0xffffffff00000001ULL;
	KUNIT_EXPECT_TRUE(test, hvkm_emulate_insn(&i, gpr, &rflags, 5, &store));
	KUNIT_EXPECT_EQ(test, store, 4ULL);		/* 5 - 1 */
	KUNIT_EXPECT_EQ(test, gpr[3], 0xffffffff00000001ULL);

	i.mem_dst = false;				/* sub ebx, [mem] */
	KUNIT_EXPECT_FALSE(test, hvkm_emulate_insn(&i, gpr, &rflags, 5, &store));
	KUNIT_EXPECT_EQ(test, gpr[3], 0xfffffffcULL);	/* 32-bit result: bits 63:32 clear */
	KUNIT_EXPECT_TRUE(test, rflags & X86_EFLAGS_CF);

	i.alu = HVKM_ALU_CMP;				/* cmp ebx, [mem]: flags only */
	gpr[3] = 7;
	KUNIT_EXPECT_FALSE(test, hvkm_emulate_insn(&i, gpr, &rflags, 7, &store));
	KUNIT_EXPECT_EQ(test, gpr[3], 7ULL);
	KUNIT_EXPECT_TRUE(test, rflags & X86_EFLAGS_ZF);
	i.mem_dst = true;				/* cmp [mem], ebx */
	KUNIT_EXPECT_FALSE(test, hvkm_emulate_insn(&i, gpr, &rflags, 8, &store));
	KUNIT_EXPECT_FALSE(test, rflags & X86_EFLAGS_ZF);

	/* or byte [mem], ah */
	i = (struct hvkm_insn){ .op = HVKM_INSN_ALU, .alu = HVKM_ALU_OR, .size = 1,
				.dst_size = 1, .reg = 0, .reg_high8 = true, .mem_dst = true };
	gpr[0] = 0x8100;
	KUNIT_EXPECT_TRUE(test, hvkm_emulate_insn(&i, gpr, &rflags, 0x02, &store));
	KUNIT_EXPECT_EQ(test, store, 0x83ULL);
	KUNIT_EXPECT_TRUE(test, rflags & X86_EFLAGS_SF);

	/* add word [mem], imm */
	i = (struct hvkm_insn){ .op = HVKM_INSN_ALU, .alu = HVKM_ALU_ADD, .size = 2,
				.dst_size = 2, .mem_dst = true, .src_imm = true,
				.imm = 0xffff };
	KUNIT_EXPECT_TRUE(test, hvkm_emulate_insn(&i, gpr, &rflags, 1, &store));
	KUNIT_EXPECT_EQ(test, store, 0ULL);
	KUNIT_EXPECT_EQ(test, rflags & (X86_EFLAGS_CF | X86_EFLAGS_ZF),
			(u64)(X86_EFLAGS_CF | X86_EFLAGS_ZF));
}

static void xchg_and_bt(struct kunit *test)
{
	struct hvkm_insn i = { .op = HVKM_INSN_ALU, .alu = HVKM_ALU_XCHG, .size = 2,
			       .dst_size = 2, .reg = 9, .mem_dst = true };
	u64 gpr[16] = {}, rflags = X86_EFLAGS_ZF, store = 0;

	gpr[9] = 0x1111111111112222ULL;
	KUNIT_EXPECT_TRUE(test, hvkm_emulate_insn(&i, gpr, &rflags, 0xabcd, &store));
	KUNIT_EXPECT_EQ(test, store, 0x2222ULL);
	KUNIT_EXPECT_EQ(test, gpr[9], 0x111111111111abcdULL);
	KUNIT_EXPECT_EQ(test, rflags, (u64)X86_EFLAGS_ZF);	/* no flags */

	/* bts [mem], r9 with r9 = 35 and a 32-bit operand: bit 3 of the dword */
	i = (struct hvkm_insn){ .op = HVKM_INSN_ALU, .alu = HVKM_ALU_BTS, .size = 4,
				.dst_size = 4, .reg = 9, .mem_dst = true };
	gpr[9] = 35;
	KUNIT_EXPECT_TRUE(test, hvkm_emulate_insn(&i, gpr, &rflags, 0x1, &store));
	KUNIT_EXPECT_EQ(test, store, 0x9ULL);
	KUNIT_EXPECT_FALSE(test, rflags & X86_EFLAGS_CF);
	KUNIT_EXPECT_TRUE(test, rflags & X86_EFLAGS_ZF);	/* ZF unaffected */
	/* A negative offset: -1 is bit 31 of the dword below; the fault named that dword. */
	gpr[9] = -1ULL;
	i.alu = HVKM_ALU_BT;
	KUNIT_EXPECT_FALSE(test, hvkm_emulate_insn(&i, gpr, &rflags, 0x80000000, &store));
	KUNIT_EXPECT_TRUE(test, rflags & X86_EFLAGS_CF);
	/* btr [mem], imm8 */
	i = (struct hvkm_insn){ .op = HVKM_INSN_ALU, .alu = HVKM_ALU_BTR, .size = 8,
				.dst_size = 8, .mem_dst = true, .src_imm = true, .imm = 63 };
	KUNIT_EXPECT_TRUE(test, hvkm_emulate_insn(&i, gpr, &rflags, ~0ULL, &store));
	KUNIT_EXPECT_EQ(test, store, 0x7fffffffffffffffULL);
	KUNIT_EXPECT_TRUE(test, rflags & X86_EFLAGS_CF);
}

static void moves(struct kunit *test)
{
	struct hvkm_insn i = { .op = HVKM_INSN_STORE, .size = 1, .reg = 2, .reg_high8 = true };
	u64 gpr[16] = {}, rflags = 0, store = 0;

	gpr[2] = 0xabcd;
	KUNIT_EXPECT_FALSE(test, hvkm_emulate_reads(&i));
	KUNIT_EXPECT_TRUE(test, hvkm_emulate_insn(&i, gpr, &rflags, 0, &store));
	KUNIT_EXPECT_EQ(test, store, 0xabULL);
	i = (struct hvkm_insn){ .op = HVKM_INSN_STORE_IMM, .size = 2, .imm = 0x12345 };
	KUNIT_EXPECT_TRUE(test, hvkm_emulate_insn(&i, gpr, &rflags, 0, &store));
	KUNIT_EXPECT_EQ(test, store, 0x2345ULL);
	i = (struct hvkm_insn){ .op = HVKM_INSN_LOAD, .size = 2, .dst_size = 8, .reg = 5,
				.sign_extend = true };
	KUNIT_EXPECT_TRUE(test, hvkm_emulate_reads(&i));
	KUNIT_EXPECT_FALSE(test, hvkm_emulate_insn(&i, gpr, &rflags, 0x8000, &store));
	KUNIT_EXPECT_EQ(test, gpr[5], 0xffffffffffff8000ULL);
	KUNIT_EXPECT_EQ(test, rflags, 0ULL);
}

static void string_steps(struct kunit *test)
{
	struct hvkm_insn i = { .op = HVKM_INSN_MOVS, .size = 4, .asize = 8, .rep = 0xf3 };
	u64 gpr[16] = {};

	gpr[HVKM_GPR_RCX] = 2;
	gpr[HVKM_GPR_RSI] = 0x1000;
	gpr[HVKM_GPR_RDI] = 0x2000;
	KUNIT_EXPECT_EQ(test, hvkm_string_count(&i, gpr), 2ULL);
	KUNIT_EXPECT_FALSE(test, hvkm_string_step(&i, gpr, 0));
	KUNIT_EXPECT_EQ(test, gpr[HVKM_GPR_RSI], 0x1004ULL);
	KUNIT_EXPECT_EQ(test, gpr[HVKM_GPR_RDI], 0x2004ULL);
	KUNIT_EXPECT_TRUE(test, hvkm_string_step(&i, gpr, X86_EFLAGS_DF));
	KUNIT_EXPECT_EQ(test, gpr[HVKM_GPR_RSI], 0x1000ULL);
	KUNIT_EXPECT_EQ(test, gpr[HVKM_GPR_RCX], 0ULL);

	/* 16-bit addresses wrap in 16 bits and keep the rest of the register. */
	i = (struct hvkm_insn){ .op = HVKM_INSN_STOS, .size = 2, .asize = 2, .rep = 0xf3 };
	gpr[HVKM_GPR_RCX] = 0xabcd0001;
	gpr[HVKM_GPR_RDI] = 0x5555ffff;
	gpr[HVKM_GPR_RSI] = 7;
	KUNIT_EXPECT_EQ(test, hvkm_string_count(&i, gpr), 1ULL);
	KUNIT_EXPECT_TRUE(test, hvkm_string_step(&i, gpr, 0));
	KUNIT_EXPECT_EQ(test, gpr[HVKM_GPR_RDI], 0x55550001ULL);
	KUNIT_EXPECT_EQ(test, gpr[HVKM_GPR_RCX], 0xabcd0000ULL);
	KUNIT_EXPECT_EQ(test, gpr[HVKM_GPR_RSI], 7ULL);		/* STOS has no source */

	/* 32-bit addresses clear bits 63:32; no REP: one element, rCX untouched. */
	i = (struct hvkm_insn){ .op = HVKM_INSN_MOVS, .size = 8, .asize = 4 };
	gpr[HVKM_GPR_RDI] = 0x100000004ULL;
	gpr[HVKM_GPR_RSI] = 0x4;
	KUNIT_EXPECT_TRUE(test, hvkm_string_step(&i, gpr, X86_EFLAGS_DF));
	KUNIT_EXPECT_EQ(test, gpr[HVKM_GPR_RDI], 0xfffffffcULL);
	KUNIT_EXPECT_EQ(test, gpr[HVKM_GPR_RSI], 0xfffffffcULL);
	KUNIT_EXPECT_EQ(test, gpr[HVKM_GPR_RCX], 0xabcd0000ULL);
	/* REP with rCX = 0 in the address size: nothing to do. */
	i.rep = 0xf3;
	gpr[HVKM_GPR_RCX] = 0x100000000ULL;
	KUNIT_EXPECT_EQ(test, hvkm_string_count(&i, gpr), 0ULL);
}

static struct kunit_case emulate_test_cases[] = {
	KUNIT_CASE(alu_table),
	KUNIT_CASE(alu_directions),
	KUNIT_CASE(xchg_and_bt),
	KUNIT_CASE(moves),
	KUNIT_CASE(string_steps),
	{}
};

static struct kunit_suite emulate_suite = {
	.name = "hvkm_emulate",
	.test_cases = emulate_test_cases,
};

kunit_test_suite(emulate_suite);
