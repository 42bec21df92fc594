// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the MMIO instruction decoder, form by form and size by size, in
 * 16-, 32- and 64-bit code, and malformed or unsupported encodings.  The code
 * under test is compiled into this module.
 */
#include <kunit/test.h>
#include <linux/string.h>

#include "decode.c"

struct decode_case {
	const char *name;
	u8 bytes[16];
	u8 avail;
	u8 mode;
	int ret;
	enum hvkm_insn_op op;
	u8 len, size, reg, dst_size;
	bool high8, sx;
	u64 imm;
	u8 alu;
	bool mem_dst, src_imm, lock;
	u8 rep, asize, seg;
};

#define LOAD	HVKM_INSN_LOAD
#define STORE	HVKM_INSN_STORE
#define IMM	HVKM_INSN_STORE_IMM
#define ALU	HVKM_INSN_ALU

/* An ALU form: memory first (@md) or second, with a register or an immediate. */
#define ALU_CASE(n, b, a, m, l, sz, r, aop, md)					\
	{ .name = n, .bytes = b, .avail = a, .mode = m, .op = ALU, .len = l,	\
	  .size = sz, .reg = r, .alu = HVKM_ALU_##aop, .mem_dst = md }
#define ALU_IMM(n, b, a, m, l, sz, aop, i)					\
	{ .name = n, .bytes = b, .avail = a, .mode = m, .op = ALU, .len = l,	\
	  .size = sz, .alu = HVKM_ALU_##aop, .mem_dst = true,			\
	  .src_imm = true, .imm = i }
#define STR_CASE(n, b, a, m, o, l, sz, r, as, sg)				\
	{ .name = n, .bytes = b, .avail = a, .mode = m, .op = HVKM_INSN_##o,	\
	  .len = l, .size = sz, .rep = r, .asize = as, .seg = HVKM_SEG_##sg }
#define B(...)	{ __VA_ARGS__ }

static const struct decode_case decode_cases[] = {
	/* 64-bit code */
	{ "mov_mem_r32", { 0x89, 0x07 }, 2, 8, 0, STORE, 2, 4, 0 },		/* mov [rdi], eax */
	{ "mov_mem_r64_rex_w", { 0x48, 0x89, 0x07 }, 3, 8, 0, STORE, 3, 8, 0 },
	{ "mov_mem_r16", { 0x66, 0x89, 0x0f }, 3, 8, 0, STORE, 3, 2, 1 },	/* mov [rdi], cx */
	{ "mov_mem_r8", { 0x88, 0x17 }, 2, 8, 0, STORE, 2, 1, 2 },		/* mov [rdi], dl */
	{ "mov_mem_ah", { 0x88, 0x27 }, 2, 8, 0, STORE, 2, 1, 0, 0, true },	/* mov [rdi], ah */
	{ "mov_mem_spl_rex", { 0x40, 0x88, 0x27 }, 3, 8, 0, STORE, 3, 1, 4 },	/* mov [rdi], spl */
	{ "mov_mem_r9_rex_r", { 0x4c, 0x89, 0x0f }, 3, 8, 0, STORE, 3, 8, 9 },	/* mov [rdi], r9 */
	/* mov eax, [rdi+0x10] */
	{ "mov_r32_mem", { 0x8b, 0x47, 0x10 }, 3, 8, 0, LOAD, 3, 4, 0, 4 },
	{ "mov_r8_mem", { 0x8a, 0x4f, 0x01 }, 3, 8, 0, LOAD, 3, 1, 1, 1 },
	{ "mov_r64_disp32", { 0x48, 0x8b, 0x87, 0, 1, 0, 0 }, 7, 8, 0, LOAD, 7, 8, 0, 8 },
	{ "mov_sib", { 0x8b, 0x04, 0x8b }, 3, 8, 0, LOAD, 3, 4, 0, 4 },	/* [rbx+rcx*4] */
	{ "mov_sib_no_base", { 0x8b, 0x04, 0x8d, 0, 0, 0, 0x10 }, 7, 8, 0, LOAD, 7, 4, 0, 4 },
	{ "mov_sib_disp8", { 0x8b, 0x44, 0x24, 0x08 }, 4, 8, 0, LOAD, 4, 4, 0, 4 },
	{ "mov_rip_relative", { 0x8b, 0x05, 0x10, 0, 0, 0 }, 6, 8, 0, LOAD, 6, 4, 0, 4 },
	/* mov eax, gs:[rbx] */
	{ "mov_seg_prefix", { 0x65, 0x8b, 0x03 }, 3, 8, 0, LOAD, 3, 4, 0, 4 },
	{ "mov_addr32", { 0x67, 0x8b, 0x03 }, 3, 8, 0, LOAD, 3, 4, 0, 4 },
	{ "mov_imm8", { 0xc6, 0x07, 0xab }, 3, 8, 0, IMM, 3, 1, 0, 0, false, false, 0xab },
	{ "mov_imm16", { 0x66, 0xc7, 0x07, 0x34, 0x12 }, 5, 8, 0, IMM, 5, 2, 0, 0, false, false,
	  0x1234 },
	{ "mov_imm32_disp8", { 0xc7, 0x47, 0x04, 0x78, 0x56, 0x34, 0x12 }, 7, 8, 0, IMM, 7, 4, 0,
	  0, false, false, 0x12345678 },
	{ "mov_imm64_sign_extended", { 0x48, 0xc7, 0x07, 0xfe, 0xff, 0xff, 0xff }, 7, 8, 0, IMM,
	  7, 8, 0, 0, false, false, 0xfffffffffffffffeULL },
	{ "movzx_byte", { 0x0f, 0xb6, 0x07 }, 3, 8, 0, LOAD, 3, 1, 0, 4 },
	/* The register is 32-bit: reg 6 is ESI, not DH. */
	{ "movzx_byte_into_esi", { 0x0f, 0xb6, 0x34, 0x25, 0, 0, 0, 0x10 }, 8, 8, 0, LOAD, 8, 1,
	  6, 4 },
	{ "mov_dh_from_mem", { 0x8a, 0x37 }, 2, 8, 0, LOAD, 2, 1, 2, 1, true },
	{ "movzx_word_rex_w", { 0x48, 0x0f, 0xb7, 0x07 }, 4, 8, 0, LOAD, 4, 2, 0, 8 },
	{ "movsx_byte", { 0x0f, 0xbe, 0x0f }, 3, 8, 0, LOAD, 3, 1, 1, 4, false, true },
	{ "movsx_word_r12", { 0x4c, 0x0f, 0xbf, 0x27 }, 4, 8, 0, LOAD, 4, 2, 12, 8, false, true },
	{ "moffs_load_64", { 0xa1, 0, 0, 0, 0x10, 0, 0, 0, 0 }, 9, 8, 0, LOAD, 9, 4, 0, 4 },
	{ "moffs_store_8_addr32", { 0x67, 0xa2, 0, 0, 0, 0x10 }, 6, 8, 0, STORE, 6, 1, 0 },
	/* 32-bit code */
	{ "p32_mov_disp32", { 0x8b, 0x1d, 0, 0, 0xc0, 0xfe }, 6, 4, 0, LOAD, 6, 4, 3, 4 },
	{ "p32_mov_r16", { 0x66, 0x89, 0x08 }, 3, 4, 0, STORE, 3, 2, 1 },
	{ "p32_rex_is_inc", { 0x48, 0x89, 0x07 }, 3, 4, -EOPNOTSUPP },
	{ "p32_addr16", { 0x67, 0x8b, 0x07 }, 3, 4, 0, LOAD, 3, 4, 0, 4 },	/* [bx] */
	{ "p32_moffs", { 0xa3, 0, 0, 0xc0, 0xfe }, 5, 4, 0, STORE, 5, 4, 0 },
	/* 16-bit code */
	{ "r16_moffs", { 0xa0, 0x10, 0 }, 3, 2, 0, LOAD, 3, 1, 0, 1 },
	{ "r16_mov_bx_disp16", { 0x8b, 0x1e, 0x20, 0 }, 4, 2, 0, LOAD, 4, 2, 3, 2 },
	{ "r16_mov_bp_disp8", { 0x89, 0x46, 0x02 }, 3, 2, 0, STORE, 3, 2, 0 },
	{ "r16_operand32", { 0x66, 0x89, 0x07 }, 3, 2, 0, STORE, 3, 4, 0 },
	{ "r16_addr32_sib", { 0x67, 0x8b, 0x04, 0x24 }, 4, 2, 0, LOAD, 4, 2, 0, 2 },
	/* ALU, both directions, every operation, sizes 1-8 */
	ALU_CASE("add_mem_r8", B(0x00, 0x07), 2, 8, 2, 1, 0, ADD, true),
	ALU_CASE("add_mem_r32", B(0x01, 0x0f), 2, 8, 2, 4, 1, ADD, true),
	ALU_CASE("add_r8_mem", B(0x02, 0x17), 2, 8, 2, 1, 2, ADD, false),
	ALU_CASE("add_r64_mem", B(0x48, 0x03, 0x1f), 3, 8, 3, 8, 3, ADD, false),
	ALU_CASE("or_mem_r16", B(0x66, 0x09, 0x07), 3, 8, 3, 2, 0, OR, true),
	ALU_CASE("or_r32_mem", B(0x0b, 0x07), 2, 8, 2, 4, 0, OR, false),
	ALU_CASE("adc_mem_r64", B(0x48, 0x11, 0x07), 3, 8, 3, 8, 0, ADC, true),
	ALU_CASE("adc_r8_mem", B(0x12, 0x07), 2, 8, 2, 1, 0, ADC, false),
	ALU_CASE("sbb_mem_r32", B(0x19, 0x07), 2, 8, 2, 4, 0, SBB, true),
	ALU_CASE("sbb_r16_mem", B(0x66, 0x1b, 0x07), 3, 8, 3, 2, 0, SBB, false),
	ALU_CASE("and_mem_r8_rex", B(0x44, 0x20, 0x07), 3, 8, 3, 1, 8, AND, true),
	ALU_CASE("and_r32_mem", B(0x23, 0x07), 2, 8, 2, 4, 0, AND, false),
	ALU_CASE("sub_mem_r32", B(0x29, 0x07), 2, 8, 2, 4, 0, SUB, true),
	ALU_CASE("sub_r64_mem", B(0x48, 0x2b, 0x07), 3, 8, 3, 8, 0, SUB, false),
	ALU_CASE("xor_mem_r32", B(0x31, 0x07), 2, 8, 2, 4, 0, XOR, true),
	ALU_CASE("xor_r8_mem", B(0x32, 0x07), 2, 8, 2, 1, 0, XOR, false),
	ALU_CASE("cmp_mem_r32", B(0x39, 0x07), 2, 8, 2, 4, 0, CMP, true),
	ALU_CASE("cmp_r32_mem_rip", B(0x3b, 0x05, 0, 0, 0, 0), 6, 8, 6, 4, 0, CMP, false),
	{ .name = "or_mem_ah", .bytes = B(0x08, 0x27), .avail = 2, .mode = 8, .op = ALU,
	  .len = 2, .size = 1, .reg = 0, .dst_size = 1, .high8 = true, .alu = HVKM_ALU_OR,
	  .mem_dst = true },
	/* group 1 with immediates: 80 ib, 81 iz, 83 ib sign-extended */
	ALU_IMM("add_mem_imm8", B(0x80, 0x07, 0x81), 3, 8, 3, 1, ADD, 0x81),
	ALU_IMM("or_mem_imm16", B(0x66, 0x81, 0x0f, 0x34, 0x12), 5, 8, 5, 2, OR, 0x1234),
	ALU_IMM("and_mem_imm32", B(0x81, 0x67, 0x04, 0x78, 0x56, 0x34, 0x12), 7, 8, 7, 4,
		AND, 0x12345678),
	ALU_IMM("sub_mem_imm32_sx64", B(0x48, 0x81, 0x2f, 0, 0, 0, 0x80), 7, 8, 7, 8, SUB,
		0xffffffff80000000ULL),
	ALU_IMM("cmp_mem_imm8_sx", B(0x83, 0x3f, 0xff), 3, 8, 3, 4, CMP, 0xffffffff),
	ALU_IMM("xor_mem_imm8_sx64", B(0x48, 0x83, 0x37, 0x80), 4, 8, 4, 8, XOR,
		0xffffffffffffff80ULL),
	ALU_IMM("adc_mem_imm8_sx16", B(0x66, 0x83, 0x17, 0xfe), 4, 8, 4, 2, ADC, 0xfffe),
	ALU_IMM("sbb_mem_imm8", B(0x80, 0x1f, 0x01), 3, 8, 3, 1, SBB, 1),
	/* TEST, XCHG */
	ALU_CASE("test_mem_r8", B(0x84, 0x07), 2, 8, 2, 1, 0, TEST, true),
	ALU_CASE("test_mem_r64", B(0x48, 0x85, 0x0f), 3, 8, 3, 8, 1, TEST, true),
	ALU_IMM("test_mem_imm8", B(0xf6, 0x07, 0x40), 3, 8, 3, 1, TEST, 0x40),
	ALU_IMM("test_mem_imm32", B(0xf7, 0x07, 1, 0, 0, 0x80), 6, 8, 6, 4, TEST, 0x80000001),
	ALU_IMM("test_mem_imm16", B(0x66, 0xf7, 0x07, 1, 0x80), 5, 8, 5, 2, TEST, 0x8001),
	ALU_CASE("xchg_mem_r8", B(0x86, 0x07), 2, 8, 2, 1, 0, XCHG, true),
	ALU_CASE("xchg_mem_r32", B(0x87, 0x1f), 2, 8, 2, 4, 3, XCHG, true),
	ALU_CASE("xchg_mem_r15", B(0x4c, 0x87, 0x3f), 3, 8, 3, 8, 15, XCHG, true),
	{ .name = "lock_or", .bytes = B(0xf0, 0x09, 0x07), .avail = 3, .mode = 8, .op = ALU,
	  .len = 3, .size = 4, .dst_size = 4, .alu = HVKM_ALU_OR, .mem_dst = true,
	  .lock = true },
	{ .name = "lock_xchg", .bytes = B(0xf0, 0x87, 0x07), .avail = 3, .mode = 8, .op = ALU,
	  .len = 3, .size = 4, .dst_size = 4, .alu = HVKM_ALU_XCHG, .mem_dst = true,
	  .lock = true },
	/* BT* with a register and with imm8 */
	ALU_CASE("bt_mem_r32", B(0x0f, 0xa3, 0x07), 3, 8, 3, 4, 0, BT, true),
	ALU_CASE("bts_mem_r64", B(0x48, 0x0f, 0xab, 0x0f), 4, 8, 4, 8, 1, BTS, true),
	ALU_CASE("btr_mem_r16", B(0x66, 0x0f, 0xb3, 0x07), 4, 8, 4, 2, 0, BTR, true),
	ALU_CASE("btc_mem_r32", B(0x0f, 0xbb, 0x07), 3, 8, 3, 4, 0, BTC, true),
	ALU_IMM("bt_mem_imm8", B(0x0f, 0xba, 0x27, 5), 4, 8, 4, 4, BT, 5),
	ALU_IMM("bts_mem_imm8", B(0x48, 0x0f, 0xba, 0x2f, 63), 5, 8, 5, 8, BTS, 63),
	ALU_IMM("btr_mem_imm8", B(0x66, 0x0f, 0xba, 0x37, 15), 5, 8, 5, 2, BTR, 15),
	ALU_IMM("btc_mem_imm8", B(0x0f, 0xba, 0x3f, 0x1f), 4, 8, 4, 4, BTC, 0x1f),
	/* MOVS, STOS */
	STR_CASE("movsb", B(0xa4), 1, 8, MOVS, 1, 1, 0, 8, DS),
	STR_CASE("rep_movsq", B(0xf3, 0x48, 0xa5), 3, 8, MOVS, 3, 8, 0xf3, 8, DS),
	STR_CASE("rep_movsw_fs", B(0x64, 0x66, 0xf3, 0xa5), 4, 8, MOVS, 4, 2, 0xf3, 8, FS),
	STR_CASE("movsd_addr32_es", B(0x26, 0x67, 0xa5), 3, 8, MOVS, 3, 4, 0, 4, ES),
	STR_CASE("rep_stosb", B(0xf3, 0xaa), 2, 8, STOS, 2, 1, 0xf3, 8, DS),
	STR_CASE("stosq", B(0x48, 0xab), 2, 8, STOS, 2, 8, 0, 8, DS),
	STR_CASE("p32_rep_movsd", B(0xf3, 0xa5), 2, 4, MOVS, 2, 4, 0xf3, 4, DS),
	STR_CASE("p32_rep_stosw_addr16", B(0x66, 0x67, 0xf3, 0xab), 4, 4, STOS, 4, 2, 0xf3, 2,
		 DS),
	STR_CASE("r16_rep_movsw_cs", B(0x2e, 0xf3, 0xa5), 3, 2, MOVS, 3, 2, 0xf3, 2, CS),
	STR_CASE("r16_movsd_ss", B(0x36, 0x66, 0xa5), 3, 2, MOVS, 3, 4, 0, 2, SS),
	STR_CASE("r16_stosb_gs", B(0x65, 0xaa), 2, 2, STOS, 2, 1, 0, 2, GS),
	/* ALU forms in 32- and 16-bit code */
	ALU_CASE("p32_or_disp32", B(0x09, 0x05, 0, 0, 0, 0x10), 6, 4, 6, 4, 0, OR, true),
	ALU_CASE("p32_and_r16_sib", B(0x66, 0x23, 0x04, 0x24), 4, 4, 4, 2, 0, AND, false),
	ALU_IMM("r16_add_bx_si_imm", B(0x83, 0x00, 0x05), 3, 2, 3, 2, ADD, 5),
	ALU_CASE("r16_xchg_bp_disp16", B(0x87, 0x86, 0x34, 0x12), 4, 2, 4, 2, 0, XCHG, true),
	ALU_IMM("r16_bts_imm_addr32", B(0x67, 0x66, 0x0f, 0xba, 0x28, 3), 6, 2, 6, 4, BTS, 3),
	/* malformed and unsupported */
	{ "register_operand", { 0x89, 0xc0 }, 2, 8, -EINVAL },
	{ "truncated_disp", { 0x8b, 0x87, 0, 1 }, 4, 8, -EINVAL },
	{ "truncated_imm", { 0xc7, 0x07, 0x78 }, 3, 8, -EINVAL },
	{ "truncated_moffs", { 0xa1, 0, 0 }, 3, 8, -EINVAL },
	{ "only_prefixes", { 0x66, 0x67, 0x2e }, 3, 8, -EINVAL },
	{ "empty", { 0 }, 0, 8, -EINVAL },
	{ "lock_prefix", { 0xf0, 0x89, 0x07 }, 3, 8, -EOPNOTSUPP },
	{ "neg_unsupported", { 0xf7, 0x1f }, 2, 8, -EOPNOTSUPP },		/* F7 /3 */
	{ "group1_82_unsupported", { 0x82, 0x07, 1 }, 3, 8, -EOPNOTSUPP },
	{ "bt_group8_low_unsupported", { 0x0f, 0xba, 0x07, 1 }, 4, 8, -EOPNOTSUPP },	/* /0 */
	{ "shl_unsupported", { 0xd1, 0x27 }, 2, 8, -EOPNOTSUPP },
	{ "lock_cmp", { 0xf0, 0x39, 0x07 }, 3, 8, -EOPNOTSUPP },
	{ "lock_test", { 0xf0, 0x85, 0x07 }, 3, 8, -EOPNOTSUPP },
	{ "lock_bt", { 0xf0, 0x0f, 0xa3, 0x07 }, 4, 8, -EOPNOTSUPP },
	{ "lock_add_reg_dst", { 0xf0, 0x03, 0x07 }, 3, 8, -EOPNOTSUPP },
	{ "lock_movs", { 0xf0, 0xa4 }, 2, 8, -EOPNOTSUPP },
	{ "add_register_operand", { 0x01, 0xc0 }, 2, 8, -EINVAL },
	{ "truncated_group1_imm", { 0x81, 0x07, 1, 2, 3 }, 5, 8, -EINVAL },
	{ "truncated_bt_imm", { 0x0f, 0xba, 0x27 }, 3, 8, -EINVAL },
	{ "truncated_after_0f", { 0x0f }, 1, 8, -EINVAL },
	{ "missing_modrm", { 0x01 }, 1, 8, -EINVAL },
	{ "unknown_without_modrm", { 0x0f, 0x0b }, 2, 8, -EOPNOTSUPP },	/* UD2 */
	{ "c7_reg_field_not_0", { 0xc7, 0x0f, 0, 0, 0, 0 }, 6, 8, -EOPNOTSUPP },
	{ "two_byte_unsupported", { 0x0f, 0x05 }, 2, 8, -EOPNOTSUPP },
	{ "bad_mode", { 0x89, 0x07 }, 2, 3, -EINVAL },
};

static void decode_case_desc(const struct decode_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(decode, decode_cases, decode_case_desc);

static void decode_one(struct kunit *test)
{
	const struct decode_case *c = test->param_value;
	struct hvkm_insn insn;
	int ret = hvkm_decode(c->bytes, c->avail, c->mode, &insn);

	KUNIT_ASSERT_EQ(test, ret, c->ret);
	if (ret)
		return;
	KUNIT_EXPECT_EQ(test, insn.op, c->op);
	KUNIT_EXPECT_EQ(test, insn.len, c->len);
	KUNIT_EXPECT_EQ(test, insn.size, c->size);
	KUNIT_EXPECT_EQ(test, insn.reg, c->reg);
	KUNIT_EXPECT_EQ(test, insn.reg_high8, c->high8);
	KUNIT_EXPECT_EQ(test, insn.sign_extend, c->sx);
	if (c->op == HVKM_INSN_LOAD)
		KUNIT_EXPECT_EQ(test, insn.dst_size, c->dst_size);
	if (c->op == HVKM_INSN_STORE_IMM || c->src_imm)
		KUNIT_EXPECT_EQ(test, insn.imm, c->imm);
	if (c->op == HVKM_INSN_ALU) {
		KUNIT_EXPECT_EQ(test, insn.dst_size, c->size);	/* the register is as wide */
		KUNIT_EXPECT_EQ(test, insn.alu, c->alu);
		KUNIT_EXPECT_EQ(test, insn.mem_dst, c->mem_dst);
		KUNIT_EXPECT_EQ(test, insn.src_imm, c->src_imm);
		KUNIT_EXPECT_EQ(test, insn.lock, c->lock);
	}
	if (c->op == HVKM_INSN_MOVS || c->op == HVKM_INSN_STOS) {
		KUNIT_EXPECT_EQ(test, insn.rep, c->rep);
		KUNIT_EXPECT_EQ(test, insn.asize, c->asize);
		if (c->op == HVKM_INSN_MOVS)
			KUNIT_EXPECT_EQ(test, insn.seg, c->seg);
	}
}

/* A 16-byte buffer of prefixes is longer than any instruction may be. */
static void decode_too_long(struct kunit *test)
{
	u8 b[16];
	struct hvkm_insn insn;

	memset(b, 0x66, sizeof(b));
	KUNIT_EXPECT_EQ(test, hvkm_decode(b, sizeof(b), 8, &insn), -EINVAL);
}

static void load_results(struct kunit *test)
{
	struct hvkm_insn i = { .op = HVKM_INSN_LOAD };
	const u64 old = 0x1122334455667788ULL;

	i.size = 1; i.dst_size = 1;
	KUNIT_EXPECT_EQ(test, hvkm_insn_load_result(&i, old, 0xab), 0x11223344556677abULL);
	i.reg_high8 = true;
	KUNIT_EXPECT_EQ(test, hvkm_insn_load_result(&i, old, 0xab), 0x112233445566ab88ULL);
	i.reg_high8 = false;
	i.size = 2; i.dst_size = 2;
	KUNIT_EXPECT_EQ(test, hvkm_insn_load_result(&i, old, 0xbeef), 0x112233445566beefULL);
	i.size = 4; i.dst_size = 4;
	KUNIT_EXPECT_EQ(test, hvkm_insn_load_result(&i, old, 0xdeadbeef), 0xdeadbeefULL);
	i.size = 8; i.dst_size = 8;
	KUNIT_EXPECT_EQ(test, hvkm_insn_load_result(&i, old, 0xfedcba9876543210ULL),
			0xfedcba9876543210ULL);
	/* MOVZX/MOVSX */
	i.size = 1; i.dst_size = 4;
	KUNIT_EXPECT_EQ(test, hvkm_insn_load_result(&i, old, 0x80), 0x80ULL);
	i.sign_extend = true;
	KUNIT_EXPECT_EQ(test, hvkm_insn_load_result(&i, old, 0x80), 0xffffff80ULL);
	i.size = 2; i.dst_size = 8;
	KUNIT_EXPECT_EQ(test, hvkm_insn_load_result(&i, old, 0x8001), 0xffffffffffff8001ULL);
	i.size = 1; i.dst_size = 2;
	KUNIT_EXPECT_EQ(test, hvkm_insn_load_result(&i, old, 0xff), 0x112233445566ffffULL);
}

static struct kunit_case decode_test_cases[] = {
	KUNIT_CASE_PARAM(decode_one, decode_gen_params),
	KUNIT_CASE(decode_too_long),
	KUNIT_CASE(load_results),
	{}
};

static struct kunit_suite decode_suite = {
	.name = "hvkm_decode",
	.test_cases = decode_test_cases,
};

kunit_test_suite(decode_suite);
