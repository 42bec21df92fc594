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
};

#define LOAD	HVKM_INSN_LOAD
#define STORE	HVKM_INSN_STORE
#define IMM	HVKM_INSN_STORE_IMM

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
	/* malformed and unsupported */
	{ "register_operand", { 0x89, 0xc0 }, 2, 8, -EINVAL },
	{ "truncated_disp", { 0x8b, 0x87, 0, 1 }, 4, 8, -EINVAL },
	{ "truncated_imm", { 0xc7, 0x07, 0x78 }, 3, 8, -EINVAL },
	{ "truncated_moffs", { 0xa1, 0, 0 }, 3, 8, -EINVAL },
	{ "only_prefixes", { 0x66, 0x67, 0x2e }, 3, 8, -EINVAL },
	{ "empty", { 0 }, 0, 8, -EINVAL },
	{ "lock_prefix", { 0xf0, 0x89, 0x07 }, 3, 8, -EOPNOTSUPP },
	{ "add_unsupported", { 0x01, 0x07 }, 2, 8, -EOPNOTSUPP },
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
	if (c->op == HVKM_INSN_STORE_IMM)
		KUNIT_EXPECT_EQ(test, insn.imm, c->imm);
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
