// SPDX-License-Identifier: GPL-2.0
/*
 * MMIO: every instruction form the kernel decodes, in every size, checked
 * on both sides.  MOV forms against a device whose byte at GPA a is a * 3;
 * the ALU, TEST, XCHG and BT* forms against a device that is plain memory,
 * with the guest running each instruction on MMIO and then on RAM and
 * comparing results and RFLAGS (pushf), while the host checks the exits
 * (a read, a write, or both for read-modify-write); MOVS/STOS with REP, both
 * directions, in 64-, 32- and 16-bit code; forms on the local APIC's page,
 * which never exit; an undecodable instruction reaching the VMM with its
 * bytes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "lib/guest.h"
#include "lib/ksft.h"

#define MEM_SIZE	(16 << 20)
#define MMIO		0x10000000ULL

static struct hvkm_vm vm;
static struct hvkm_vcpu vcpu;

static uint8_t device_byte(uint64_t gpa)
{
	return (uint8_t)(gpa * 3);
}

static uint64_t device_value(uint64_t gpa, unsigned int len)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < len; i++)
		v |= (uint64_t)device_byte(gpa + i) << (8 * i);
	return v;
}

#define LOAD(insn, reg_out, addr)                                              \
	({                                                                     \
		uint64_t __v = 0x5555555555555555ULL;                           \
		asm volatile(insn : "+r" (__v) : "r" (addr) : "memory");         \
		__v;                                                           \
	})

static void guest_mmio(uint64_t arg)
{
	volatile uint8_t *b = (volatile uint8_t *)MMIO;
	volatile uint16_t *w = (volatile uint16_t *)(MMIO + 0x100);
	volatile uint32_t *d = (volatile uint32_t *)(MMIO + 0x200);
	volatile uint64_t *q = (volatile uint64_t *)(MMIO + 0x300);
	uint64_t v;

	(void)arg;
	/* Stores of each size, from registers and immediates. */
	*b = 0x11;
	*w = 0x2222;
	*d = 0x33333333;
	*q = 0x4444444444444444ULL;
	asm volatile("movb $0x55, (%0)" : : "r" (MMIO + 0x400) : "memory");
	asm volatile("movw $0x6666, (%0)" : : "r" (MMIO + 0x402) : "memory");
	asm volatile("movl $0x77777777, 8(%0)" : : "r" (MMIO + 0x400) : "memory");
	asm volatile("movq $-2, (%0,%1,8)" : : "r" (MMIO + 0x400), "r" (2ULL) : "memory");
	asm volatile("movb %%ah, (%0)" : : "r" (MMIO + 0x500), "a" (0x9900) : "memory");
	asm volatile("mov %%r9, (%0)" : : "r" (MMIO + 0x508), "r" (0) : "r9", "memory");
	GUEST_SYNC(1);

	/* Loads of each size and extension. */
	GUEST_ASSERT_EQ(*b, 0x00);			/* device_byte(MMIO) */
	GUEST_ASSERT_EQ(*w, 0x0300);
	GUEST_ASSERT_EQ(*d, 0x09060300);
	GUEST_ASSERT_EQ(*q, 0x15120f0c09060300ULL);
	v = LOAD("movb (%1), %b0", v, MMIO + 1);
	GUEST_ASSERT_EQ(v, 0x5555555555555503ULL);	/* upper bytes kept */
	v = LOAD("movw (%1), %w0", v, MMIO + 1);
	GUEST_ASSERT_EQ(v, 0x5555555555550603ULL);
	v = LOAD("movl (%1), %k0", v, MMIO + 1);
	GUEST_ASSERT_EQ(v, 0x0c090603ULL);		/* upper half cleared */
	v = LOAD("movzbl (%1), %k0", v, MMIO + 0x2b);	/* byte 0x81 */
	GUEST_ASSERT_EQ(v, 0x81);
	v = LOAD("movsbq (%1), %0", v, MMIO + 0x2b);
	GUEST_ASSERT_EQ(v, 0xffffffffffffff81ULL);
	v = LOAD("movswl (%1), %k0", v, MMIO + 0x2b);	/* 0x8481 */
	GUEST_ASSERT_EQ(v, 0xffff8481ULL);
	v = LOAD("movzwq (%1), %0", v, MMIO + 0x2b);
	GUEST_ASSERT_EQ(v, 0x8481ULL);
	asm volatile("movabs 0x10000010, %%al" : "=a" (v) : "a" (0x5555ULL) : "memory");
	GUEST_ASSERT_EQ(v, 0x5530ULL);
	GUEST_DONE();
}

struct store {
	uint64_t gpa;
	unsigned int len;
	uint64_t value;
};

static const struct store stores[] = {
	{ MMIO, 1, 0x11 },
	{ MMIO + 0x100, 2, 0x2222 },
	{ MMIO + 0x200, 4, 0x33333333 },
	{ MMIO + 0x300, 8, 0x4444444444444444ULL },
	{ MMIO + 0x400, 1, 0x55 },
	{ MMIO + 0x402, 2, 0x6666 },
	{ MMIO + 0x408, 4, 0x77777777 },
	{ MMIO + 0x410, 8, 0xfffffffffffffffeULL },
	{ MMIO + 0x500, 1, 0x99 },
	{ MMIO + 0x508, 8, 0 },
};

/* Run to the next ucall, answering MMIO reads; *nstores counts checked writes. */
static int run_device(int want, unsigned int *nstores, struct ucall *uc)
{
	struct hvkm_run *run = vcpu.run;
	int cmd;

	for (;;) {
		cmd = vcpu_run_ucall(&vm, &vcpu, uc);
		if (cmd != UCALL_NONE)
			break;
		KSFT_CHECK(run->exit_reason == HVKM_EXIT_MMIO, "exit %u at rip %#llx",
			   run->exit_reason, (unsigned long long)run->rip);
		if (run->mmio.is_write) {
			const struct store *s = &stores[*nstores];
			uint64_t got = 0;

			KSFT_CHECK(*nstores < sizeof(stores) / sizeof(stores[0]), "extra store");
			memcpy(&got, run->mmio.data, run->mmio.len);
			KSFT_CHECK(run->mmio.gpa == s->gpa && run->mmio.len == s->len &&
				   got == s->value, "store %u: gpa %#llx len %u value %#llx",
				   *nstores, (unsigned long long)run->mmio.gpa, run->mmio.len,
				   (unsigned long long)got);
			(*nstores)++;
		} else {
			uint64_t v = device_value(run->mmio.gpa, run->mmio.len);

			memcpy(run->mmio.data, &v, run->mmio.len);
		}
	}
	if (cmd == UCALL_ABORT)
		ksft_print_msg("guest: '%s' at %s:%llu (%#llx, %#llx)", uc->expr, uc->file,
			       (unsigned long long)uc->line, (unsigned long long)uc->args[0],
			       (unsigned long long)uc->args[1]);
	KSFT_CHECK(cmd == want, "ucall %d, wanted %d", cmd, want);
	return KSFT_PASS;
}

static int every_form_and_size(void)
{
	unsigned int nstores = 0;
	struct ucall uc;
	int ret = vm_create_long_mode(&vm, MEM_SIZE, 1);

	KSFT_CHECK(ret == 0, "vm: %d", ret);
	KSFT_CHECK(vcpu_create_long_mode(&vm, &vcpu, 0, guest_mmio, 0) == 0, "vp");
	KSFT_CHECK(run_device(UCALL_SYNC, &nstores, &uc) == KSFT_PASS, "stores");
	KSFT_CHECK(nstores == sizeof(stores) / sizeof(stores[0]), "%u stores", nstores);
	KSFT_CHECK(run_device(UCALL_DONE, &nstores, &uc) == KSFT_PASS, "loads");
	vcpu_destroy(&vcpu);
	vm_destroy(&vm);
	return KSFT_PASS;
}

/* ---- ALU, TEST, XCHG, BT*: MMIO against RAM, in the guest ------------------ */

#define DEV		(MMIO + 0x800)	/* a window of plain memory on the device */
#define DEV_SIZE	0x100
#define OPND		0x40		/* where the operand sits in the window */

enum { EXP_R = 1, EXP_W = 2, EXP_RW = 3 };
enum { SYNC_RESET = 1, SYNC_CHECK = 2 };

#define ARITH		0x8d5ULL	/* CF PF AF ZF SF OF */
#define LOGIC		0x8c5ULL	/* AF undefined */
#define BITF		0x001ULL	/* BT*: only CF defined */

/*
 * Each form runs with RFLAGS' status flags preset to @fin and returns them
 * after the instruction; *@reg is the register operand, in and out.
 */
typedef uint64_t (*form_fn)(volatile void *mem, uint64_t *reg, uint64_t fin);

/* Past the red zone: the compiler may keep locals below RSP in these leaf functions. */
#define PRE	"lea -128(%%rsp), %%rsp; pushfq; andq $~0x8d5, (%%rsp); orq %[fin], (%%rsp); popfq\n\t"
#define POST	"\n\tpushfq; popq %[f]; lea 128(%%rsp), %%rsp"

/* op mem, reg */
#define DEF_MR(name, insn, T)                                                   \
	static uint64_t name(volatile void *mem, uint64_t *reg, uint64_t fin)     \
	{                                                                         \
		T r = (T)*reg;                                                    \
		uint64_t f;                                                       \
		asm volatile(PRE insn " %[r], %[m]" POST                          \
			     : [m] "+m" (*(volatile T *)mem), [f] "=&r" (f), [r] "+r" (r) \
			     : [fin] "r" (fin) : "cc", "memory");                 \
		*reg = r;                                                         \
		return f;                                                         \
	}
/* op reg, mem */
#define DEF_RM(name, insn, T)                                                   \
	static uint64_t name(volatile void *mem, uint64_t *reg, uint64_t fin)     \
	{                                                                         \
		T r = (T)*reg;                                                    \
		uint64_t f;                                                       \
		asm volatile(PRE insn " %[m], %[r]" POST                          \
			     : [r] "+r" (r), [f] "=&r" (f)                        \
			     : [m] "m" (*(volatile T *)mem), [fin] "r" (fin) : "cc", "memory"); \
		*reg = r;                                                         \
		return f;                                                         \
	}
/* op mem, $imm */
#define DEF_MI(name, insn, T, imm)                                              \
	static uint64_t name(volatile void *mem, uint64_t *reg, uint64_t fin)     \
	{                                                                         \
		uint64_t f;                                                       \
		(void)reg;                                                        \
		asm volatile(PRE insn " $" #imm ", %[m]" POST                     \
			     : [m] "+m" (*(volatile T *)mem), [f] "=&r" (f)       \
			     : [fin] "r" (fin) : "cc", "memory");                 \
		return f;                                                         \
	}

#define SIZES(X, op) X(op, b, uint8_t) X(op, w, uint16_t) X(op, l, uint32_t) X(op, q, uint64_t)
#define ALU_OPS(X, Y) X(Y, add) X(Y, or) X(Y, adc) X(Y, sbb) X(Y, and) X(Y, sub) X(Y, xor) X(Y, cmp)

#define GEN_MR(op, sfx, T)	DEF_MR(mr_##op##sfx, #op #sfx, T)
#define GEN_RM(op, sfx, T)	DEF_RM(rm_##op##sfx, #op #sfx, T)
#define GEN_MI8(op, sfx, T)	DEF_MI(mi8_##op##sfx, #op #sfx, T, -3)
#define GEN_ALL(unused, op)	SIZES(GEN_MR, op) SIZES(GEN_RM, op) SIZES(GEN_MI8, op)
ALU_OPS(GEN_ALL, _)
/* Iz: 80 has only ib; 66 81 iw; 81 id, sign-extended for a quadword */
#define GEN_MIZ(unused, op)                                                     \
	DEF_MI(miz_##op##w, #op "w", uint16_t, 0x8123)                          \
	DEF_MI(miz_##op##l, #op "l", uint32_t, 0x80012345)                      \
	DEF_MI(miz_##op##q, #op "q", uint64_t, -0x7ffedcbb)
ALU_OPS(GEN_MIZ, _)
SIZES(GEN_MR, test)
DEF_MI(mi_testb, "testb", uint8_t, 0x81)
DEF_MI(mi_testw, "testw", uint16_t, 0x8001)
DEF_MI(mi_testl, "testl", uint32_t, 0x80000001)
DEF_MI(mi_testq, "testq", uint64_t, -0x7fffffff)
SIZES(GEN_MR, xchg)
#define BT_OPS(X) X(bt) X(bts) X(btr) X(btc)
#define GEN_BT(op)                                                              \
	DEF_MR(mr_##op##w, #op "w", uint16_t) DEF_MR(mr_##op##l, #op "l", uint32_t) \
	DEF_MR(mr_##op##q, #op "q", uint64_t)                                     \
	DEF_MI(mi_##op##w, #op "w", uint16_t, 13) DEF_MI(mi_##op##l, #op "l", uint32_t, 37) \
	DEF_MI(mi_##op##q, #op "q", uint64_t, 62)
BT_OPS(GEN_BT)
DEF_MR(lock_addl, "lock addl", uint32_t)
DEF_MR(lock_xorq, "lock xorq", uint64_t)
DEF_MR(lock_btsl, "lock btsl", uint32_t)
DEF_MI(lock_andw, "lock andw", uint16_t, 0x0ff0)

struct form {
	const char *name;
	form_fn fn;
	uint8_t size;
	uint8_t exits;		/* EXP_* */
	bool bit_offset;	/* BT* with a register: the offset picks the operand */
	uint64_t flags;		/* the defined flags */
};

#define F(fn, size, exits, flags)	{ #fn, fn, size, exits, false, flags }
#define F_SIZES(pfx, op, exits, flags)                                          \
	F(pfx##op##b, 1, exits, flags), F(pfx##op##w, 2, exits, flags),           \
	F(pfx##op##l, 4, exits, flags), F(pfx##op##q, 8, exits, flags)
#define F_ALU(op, exits, flags)                                                 \
	F_SIZES(mr_, op, exits, flags), F_SIZES(rm_, op, EXP_R, flags),           \
	F_SIZES(mi8_, op, exits, flags), F(miz_##op##w, 2, exits, flags),         \
	F(miz_##op##l, 4, exits, flags), F(miz_##op##q, 8, exits, flags)
#define F_BT(op, exits)                                                         \
	{ #op "w", mr_##op##w, 2, exits, true, BITF },                            \
	{ #op "l", mr_##op##l, 4, exits, true, BITF },                            \
	{ #op "q", mr_##op##q, 8, exits, true, BITF },                            \
	F(mi_##op##w, 2, exits, BITF), F(mi_##op##l, 4, exits, BITF),             \
	F(mi_##op##q, 8, exits, BITF)

static const struct form forms[] = {
	F_ALU(add, EXP_RW, ARITH), F_ALU(or, EXP_RW, LOGIC), F_ALU(adc, EXP_RW, ARITH),
	F_ALU(sbb, EXP_RW, ARITH), F_ALU(and, EXP_RW, LOGIC), F_ALU(sub, EXP_RW, ARITH),
	F_ALU(xor, EXP_RW, LOGIC), F_ALU(cmp, EXP_R, ARITH),
	F_SIZES(mr_, test, EXP_R, LOGIC),
	F(mi_testb, 1, EXP_R, LOGIC), F(mi_testw, 2, EXP_R, LOGIC),
	F(mi_testl, 4, EXP_R, LOGIC), F(mi_testq, 8, EXP_R, LOGIC),
	/* XCHG leaves every flag as it was */
	F_SIZES(mr_, xchg, EXP_RW, ARITH),
	F_BT(bt, EXP_R), F_BT(bts, EXP_RW), F_BT(btr, EXP_RW), F_BT(btc, EXP_RW),
	F(lock_addl, 4, EXP_RW, ARITH), F(lock_xorq, 8, EXP_RW, LOGIC),
	{ "lock_btsl", lock_btsl, 4, EXP_RW, true, BITF },
	F(lock_andw, 2, EXP_RW, LOGIC),
};

#define NFORMS	(sizeof(forms) / sizeof(forms[0]))

/* Operand pairs and preset flags: carries, overflows, zero results, CF in for ADC/SBB. */
static const struct { uint64_t mem, reg, fin; } pairs[] = {
	{ 0x8000000080008080ULL, 0x8000000080008080ULL, 0 },
	{ 0x123456789abcdef0ULL, 0x0fedcba987654321ULL, ARITH },
	{ 0x7fffffff7fff7f7fULL, 0xffffffffffffffffULL, 0x1 },
};

/* BT* with a register: offsets inside the operand, past it, and before it. */
static int64_t bit_offset(unsigned int pair, unsigned int size)
{
	return pair == 0 ? 5 : pair == 1 ? (int64_t)size * 8 + 3 : -1;
}

static uint8_t ram_window[DEV_SIZE] __attribute__((aligned(64)));

static void mem_set(volatile void *p, unsigned int size, uint64_t v)
{
	switch (size) {
	case 1: *(volatile uint8_t *)p = v; break;
	case 2: *(volatile uint16_t *)p = v; break;
	case 4: *(volatile uint32_t *)p = v; break;
	default: *(volatile uint64_t *)p = v; break;
	}
}

static uint64_t mem_get(volatile void *p, unsigned int size)
{
	switch (size) {
	case 1: return *(volatile uint8_t *)p;
	case 2: return *(volatile uint16_t *)p;
	case 4: return *(volatile uint32_t *)p;
	default: return *(volatile uint64_t *)p;
	}
}

#define FORM_CHECK(i, a, b)                                                     \
	do {                                                                      \
		uint64_t __a = (a), __b = (b);                                    \
		if (__a != __b)                                                   \
			guest_ucall(UCALL_ABORT, (i), __a ^ __b, __FILE__, __LINE__, \
				    #a " == " #b);                                \
	} while (0)

static void guest_alu(uint64_t arg)
{
	unsigned int i, p;

	(void)arg;
	for (i = 0; i < NFORMS; i++) {
		const struct form *f = &forms[i];

		for (p = 0; p < sizeof(pairs) / sizeof(pairs[0]); p++) {
			uint64_t reg = pairs[p].reg, reg_ram, fm, fr, at = OPND;
			volatile uint8_t *dev = (volatile uint8_t *)DEV;

			if (f->bit_offset) {
				int64_t off = bit_offset(p, f->size);

				reg = (uint64_t)off;
				/* The operand the CPU touches (SDM "BT"): floor(off / bits). */
				at += (off >> (f->size == 2 ? 4 : f->size == 4 ? 5 : 6)) * f->size;
			}
			mem_set(dev + at, f->size, pairs[p].mem);
			mem_set(ram_window + at, f->size, pairs[p].mem);
			guest_ucall(UCALL_SYNC, SYNC_RESET, 0, 0, 0, 0);
			reg_ram = reg;
			fm = f->fn(dev + OPND, &reg, pairs[p].fin);
			guest_ucall(UCALL_SYNC, SYNC_CHECK | f->exits << 8 | f->size << 16,
				    DEV + at, 0, 0, 0);
			fr = f->fn(ram_window + OPND, &reg_ram, pairs[p].fin);
			FORM_CHECK(i << 8 | p, fm & f->flags, fr & f->flags);
			FORM_CHECK(i << 8 | p, reg, reg_ram);
			FORM_CHECK(i << 8 | p, mem_get(dev + at, f->size),
				   mem_get(ram_window + at, f->size));
		}
	}
	GUEST_DONE();
}

struct access {
	uint64_t gpa;
	unsigned int len;
	bool write;
	uint64_t data;
};

static uint8_t dev_mem[DEV_SIZE];
static struct access accesses[16];
static unsigned int naccesses;

/* The plain-memory device at DEV: reads come from dev_mem, writes go to it. */
static bool dev_access(struct hvkm_run *run)
{
	uint64_t off = run->mmio.gpa - DEV, v = 0;

	if (run->mmio.gpa < DEV || off + run->mmio.len > DEV_SIZE)
		return false;
	if (naccesses < sizeof(accesses) / sizeof(accesses[0])) {
		memcpy(&v, run->mmio.is_write ? run->mmio.data : dev_mem + off, run->mmio.len);
		accesses[naccesses++] = (struct access){ run->mmio.gpa, run->mmio.len,
							 run->mmio.is_write, v };
	}
	if (run->mmio.is_write)
		memcpy(dev_mem + off, run->mmio.data, run->mmio.len);
	else
		memcpy(run->mmio.data, dev_mem + off, run->mmio.len);
	return true;
}

/* The exits of one instruction: a read, a write, or a read then a write of the operand. */
static int check_accesses(unsigned int exits, unsigned int len, uint64_t gpa)
{
	unsigned int want = exits == EXP_RW ? 2 : 1, i;

	KSFT_CHECK(naccesses == want, "%u exits, wanted %u", naccesses, want);
	for (i = 0; i < want; i++)
		KSFT_CHECK(accesses[i].gpa == gpa && accesses[i].len == len &&
			   accesses[i].write == (exits == EXP_W || (exits == EXP_RW && i == 1)),
			   "exit %u: gpa %#llx len %u write %u, wanted gpa %#llx len %u", i,
			   (unsigned long long)accesses[i].gpa, accesses[i].len,
			   accesses[i].write, (unsigned long long)gpa, len);
	return KSFT_PASS;
}

static int alu_test_xchg_bt_forms(void)
{
	struct hvkm_run *run;
	unsigned int checked = 0;
	struct ucall uc;
	int cmd, ret = vm_start_long_mode(&vm, &vcpu, MEM_SIZE, 1, guest_alu, 0);

	KSFT_CHECK(ret == 0, "setup: %d", ret);
	run = vcpu.run;
	for (;;) {
		cmd = vcpu_run_ucall(&vm, &vcpu, &uc);
		if (cmd == UCALL_NONE) {
			KSFT_CHECK(run->exit_reason == HVKM_EXIT_MMIO && dev_access(run),
				   "exit %u at rip %#llx gpa %#llx", run->exit_reason,
				   (unsigned long long)run->rip,
				   (unsigned long long)run->mmio.gpa);
			continue;
		}
		if (cmd != UCALL_SYNC)
			break;
		if ((uc.args[0] & 0xff) == SYNC_CHECK) {
			unsigned int form = checked / 3;

			if (check_accesses((uc.args[0] >> 8) & 0xff, uc.args[0] >> 16,
					   uc.args[1]) != KSFT_PASS) {
				ksft_print_msg("form %s, pair %u", forms[form].name, checked % 3);
				return KSFT_FAIL;
			}
			checked++;
		}
		naccesses = 0;
	}
	if (cmd == UCALL_ABORT)
		ksft_print_msg("form %s pair %llu: '%s' at line %llu, xor %#llx",
			       forms[uc.args[0] >> 8].name, (unsigned long long)uc.args[0] & 0xff,
			       uc.expr, (unsigned long long)uc.line,
			       (unsigned long long)uc.args[1]);
	KSFT_CHECK(cmd == UCALL_DONE, "ucall %d", cmd);
	KSFT_CHECK(checked == NFORMS * 3, "%u of %zu checked", checked, NFORMS * 3);
	ksft_print_msg("%zu forms, %u instructions checked", NFORMS, checked);
	vm_stop(&vm, &vcpu);
	return KSFT_PASS;
}

/* ---- MOVS and STOS in 64-bit code --------------------------------------- */

static uint64_t ram_src[8] = {
	0x1111111111111101ULL, 0x2222222222222202ULL, 0x3333333333333303ULL,
	0x4444444444444404ULL, 0x5555555555555505ULL, 0x6666666666666606ULL,
};
static uint32_t ram_dst[8];

static void guest_strings(uint64_t arg)
{
	uint64_t si, di, cx;

	(void)arg;
	/* rep movsq RAM -> MMIO, upwards: four writes */
	si = (uint64_t)ram_src;
	di = DEV;
	cx = 4;
	asm volatile("cld; rep movsq" : "+S" (si), "+D" (di), "+c" (cx) : : "memory");
	GUEST_ASSERT_EQ(si, (uint64_t)ram_src + 32);
	GUEST_ASSERT_EQ(di, DEV + 32);
	GUEST_ASSERT_EQ(cx, 0);
	GUEST_SYNC(1);

	/* rep movsl MMIO -> RAM, downwards (DF=1): three reads, the data lands in RAM */
	si = DEV + 0xc8;
	di = (uint64_t)&ram_dst[2];
	cx = 3;
	asm volatile("std; rep movsl; cld" : "+S" (si), "+D" (di), "+c" (cx) : : "memory");
	GUEST_ASSERT_EQ(si, DEV + 0xbc);
	GUEST_ASSERT_EQ(di, (uint64_t)ram_dst - 4);
	GUEST_ASSERT_EQ(cx, 0);
	GUEST_ASSERT_EQ(ram_dst[0], 0x02020202);	/* the device's words, see below */
	GUEST_ASSERT_EQ(ram_dst[1], 0x01010101);
	GUEST_ASSERT_EQ(ram_dst[2], 0x03030303);
	GUEST_SYNC(2);

	/* rep stosw to MMIO, five elements; stosb without REP */
	di = DEV + 0x40;
	cx = 5;
	asm volatile("rep stosw" : "+D" (di), "+c" (cx) : "a" (0xbeefULL) : "memory");
	GUEST_ASSERT_EQ(di, DEV + 0x4a);
	GUEST_ASSERT_EQ(cx, 0);
	asm volatile("stosb" : "+D" (di) : "a" (0x7fULL) : "memory");
	GUEST_ASSERT_EQ(di, DEV + 0x4b);
	GUEST_SYNC(3);

	/* rep movsb MMIO -> MMIO: a read and a write per element */
	si = DEV + 0x40;
	di = DEV + 0x80;
	cx = 2;
	asm volatile("rep movsb" : "+S" (si), "+D" (di), "+c" (cx) : : "memory");
	GUEST_ASSERT_EQ(cx, 0);
	GUEST_SYNC(4);

	/* 32-bit addresses (67): ESI/EDI/ECX, and an FS override on the source */
	si = 0xffffffff00000000ULL | (DEV + 0x40);
	di = (uint64_t)&ram_dst[4];
	cx = 0xffffffff00000001ULL;
	asm volatile("rep movsw %%fs:(%%esi), %%es:(%%edi)"
		     : "+S" (si), "+D" (di), "+c" (cx) : : "memory");
	GUEST_ASSERT_EQ(si, DEV + 0x42);
	GUEST_ASSERT_EQ(cx, 0);
	GUEST_ASSERT_EQ(ram_dst[4] & 0xffff, 0xbeef);
	GUEST_DONE();
}

/* The device answers the reads of stage 2 with words n n n n for dword n. */
static int movs_stos_rep(void)
{
	static const struct access want[][6] = {
		{ { DEV, 8, true, 0x1111111111111101ULL },
		  { DEV + 8, 8, true, 0x2222222222222202ULL },
		  { DEV + 16, 8, true, 0x3333333333333303ULL },
		  { DEV + 24, 8, true, 0x4444444444444404ULL } },
		{ { DEV + 0xc8, 4, false, 0x03030303 }, { DEV + 0xc4, 4, false, 0x01010101 },
		  { DEV + 0xc0, 4, false, 0x02020202 } },
		{ { DEV + 0x40, 2, true, 0xbeef }, { DEV + 0x42, 2, true, 0xbeef },
		  { DEV + 0x44, 2, true, 0xbeef }, { DEV + 0x46, 2, true, 0xbeef },
		  { DEV + 0x48, 2, true, 0xbeef }, { DEV + 0x4a, 1, true, 0x7f } },
		{ { DEV + 0x40, 1, false, 0xef }, { DEV + 0x80, 1, true, 0xef },
		  { DEV + 0x41, 1, false, 0xbe }, { DEV + 0x81, 1, true, 0xbe } },
		{ { DEV + 0x40, 2, false, 0xbeef } },
	};
	static const unsigned int nwant[] = { 4, 3, 6, 4, 1 };
	struct hvkm_run *run;
	unsigned int stage = 0, i;
	struct ucall uc;
	int cmd, ret = vm_start_long_mode(&vm, &vcpu, MEM_SIZE, 1, guest_strings, 0);

	KSFT_CHECK(ret == 0, "setup: %d", ret);
	run = vcpu.run;
	memset(dev_mem, 0, sizeof(dev_mem));
	memcpy(dev_mem + 0xc0, "\x02\x02\x02\x02\x01\x01\x01\x01\x03\x03\x03\x03", 12);
	naccesses = 0;
	for (;;) {
		cmd = vcpu_run_ucall(&vm, &vcpu, &uc);
		if (cmd == UCALL_NONE) {
			KSFT_CHECK(run->exit_reason == HVKM_EXIT_MMIO && dev_access(run),
				   "exit %u at rip %#llx", run->exit_reason,
				   (unsigned long long)run->rip);
			continue;
		}
		if (cmd != UCALL_SYNC && cmd != UCALL_DONE)
			break;
		KSFT_CHECK(stage < 5 && naccesses == nwant[stage], "stage %u: %u exits", stage,
			   naccesses);
		for (i = 0; i < naccesses; i++)
			KSFT_CHECK(accesses[i].gpa == want[stage][i].gpa &&
				   accesses[i].len == want[stage][i].len &&
				   accesses[i].write == want[stage][i].write &&
				   accesses[i].data == want[stage][i].data,
				   "stage %u exit %u: gpa %#llx len %u write %u data %#llx", stage,
				   i, (unsigned long long)accesses[i].gpa, accesses[i].len,
				   accesses[i].write, (unsigned long long)accesses[i].data);
		naccesses = 0;
		stage++;
		if (cmd == UCALL_DONE)
			break;
	}
	if (cmd == UCALL_ABORT)
		ksft_print_msg("guest: '%s' at line %llu (%#llx, %#llx)", uc.expr,
			       (unsigned long long)uc.line, (unsigned long long)uc.args[0],
			       (unsigned long long)uc.args[1]);
	KSFT_CHECK(cmd == UCALL_DONE && stage == 5, "ucall %d at stage %u", cmd, stage);
	vm_stop(&vm, &vcpu);
	return KSFT_PASS;
}

/* ---- REP strings between elements: the registers tell where it stands ------ */

static void guest_rep_restart(uint64_t arg)
{
	uint64_t si = DEV + 0xcc, di = (uint64_t)&ram_dst[3], cx = 4;

	(void)arg;
	asm volatile("std; rep movsl; cld" : "+S" (si), "+D" (di), "+c" (cx) : : "memory");
	GUEST_ASSERT_EQ(cx, 0);
	GUEST_ASSERT_EQ(si, DEV + 0xbc);
	GUEST_ASSERT_EQ(ram_dst[3], 0x10000cc);
	GUEST_ASSERT_EQ(ram_dst[2], 0x10000c8);
	GUEST_ASSERT_EQ(ram_dst[1], 0x10000c4);
	GUEST_ASSERT_EQ(ram_dst[0], 0x10000c0);
	GUEST_DONE();
}

/*
 * At each element's read exit rSI and rCX already count the elements done
 * and RIP still names the instruction; an immediate_exit between the read
 * and its completion, and the completion on the RUN after it, lose nothing.
 */
static int rep_string_is_restartable(void)
{
	struct hvkm_run *run;
	uint64_t rip0 = 0, rip, rcx, rsi;
	struct ucall uc;
	unsigned int k;
	int cmd, ret = vm_start_long_mode(&vm, &vcpu, MEM_SIZE, 1, guest_rep_restart, 0);

	KSFT_CHECK(ret == 0, "setup: %d", ret);
	run = vcpu.run;
	for (k = 0; k < 4; k++) {
		uint32_t data = 0x1000000 | (uint32_t)(0xcc - 4 * k);

		KSFT_CHECK(vcpu_run(&vcpu) == 0 && run->exit_reason == HVKM_EXIT_MMIO &&
			   !run->mmio.is_write && run->mmio.len == 4 &&
			   run->mmio.gpa == DEV + 0xcc - 4 * k, "element %u: exit %u gpa %#llx", k,
			   run->exit_reason, (unsigned long long)run->mmio.gpa);
		KSFT_CHECK(vcpu_get_reg(&vcpu, HV_X64_REGISTER_RIP, &rip) == 0 &&
			   vcpu_get_reg(&vcpu, HV_X64_REGISTER_RCX, &rcx) == 0 &&
			   vcpu_get_reg(&vcpu, HV_X64_REGISTER_RSI, &rsi) == 0, "registers");
		if (!k)
			rip0 = rip;
		KSFT_CHECK(rip == rip0 && rcx == 4 - k && rsi == DEV + 0xcc - 4 * k,
			   "element %u: rip %#llx (first %#llx) rcx %llu rsi %#llx", k,
			   (unsigned long long)rip, (unsigned long long)rip0,
			   (unsigned long long)rcx, (unsigned long long)rsi);
		memcpy(run->mmio.data, &data, 4);
		if (k == 1) {
			run->immediate_exit = 1;
			KSFT_CHECK(vcpu_run(&vcpu) == -EINTR && run->exit_reason == HVKM_EXIT_INTR,
				   "immediate_exit: exit %u", run->exit_reason);
			run->immediate_exit = 0;
		}
	}
	cmd = vcpu_run_ucall(&vm, &vcpu, &uc);
	if (cmd == UCALL_ABORT)
		ksft_print_msg("guest: '%s' at line %llu (%#llx, %#llx)", uc.expr,
			       (unsigned long long)uc.line, (unsigned long long)uc.args[0],
			       (unsigned long long)uc.args[1]);
	KSFT_CHECK(cmd == UCALL_DONE, "ucall %d (exit %u)", cmd, run->exit_reason);
	vm_stop(&vm, &vcpu);
	return KSFT_PASS;
}

/* ---- the local APIC's page: new forms complete in the kernel ------------- */

#define APIC_TPR	0x80
#define APIC_VERSION	0x30

static void guest_apic_forms(uint64_t arg)
{
	volatile uint32_t *tpr = (volatile uint32_t *)(GUEST_APIC_MMIO + APIC_TPR);
	uint32_t version = *(volatile uint32_t *)(GUEST_APIC_MMIO + APIC_VERSION), v;
	uint64_t si, di, cx, f;

	(void)arg;
	guest_apic_enable();
	*tpr = 0x10;
	asm volatile("orl $0x20, %0" : "+m" (*tpr) : : "memory");
	GUEST_ASSERT_EQ(*tpr, 0x30);
	asm volatile("addl %2, %0; pushfq; popq %1" : "+m" (*tpr), "=r" (f) : "r" (0x10)
		     : "cc", "memory");
	GUEST_ASSERT_EQ(*tpr, 0x40);
	GUEST_ASSERT_EQ(f & 0x8d5, 0);			/* 0x30 + 0x10: no flag */
	v = 0x50;
	asm volatile("xchgl %1, %0" : "+m" (*tpr), "+r" (v) : : "memory");
	GUEST_ASSERT_EQ(v, 0x40);
	GUEST_ASSERT_EQ(*tpr, 0x50);
	asm volatile("btrl $4, %0; pushfq; popq %1" : "+m" (*tpr), "=r" (f) : : "cc", "memory");
	GUEST_ASSERT_EQ(f & 1, 1);
	GUEST_ASSERT_EQ(*tpr, 0x40);
	asm volatile("cmpl $0x40, %1; pushfq; popq %0" : "=r" (f) : "m" (*tpr) : "cc");
	GUEST_ASSERT_EQ(f & 0x40, 0x40);		/* ZF */
	/* movsl from the version register into RAM, and rep stosl into the TPR */
	si = GUEST_APIC_MMIO + APIC_VERSION;
	di = (uint64_t)&ram_dst[0];
	asm volatile("movsl" : "+S" (si), "+D" (di) : : "memory");
	GUEST_ASSERT_EQ(ram_dst[0], version);
	di = GUEST_APIC_MMIO + APIC_TPR;
	cx = 1;
	asm volatile("rep stosl" : "+D" (di), "+c" (cx) : "a" (0xe0ULL) : "memory");
	GUEST_ASSERT_EQ(*tpr, 0xe0);
	*tpr = 0;
	GUEST_DONE();
}

static int lapic_page_forms(void)
{
	struct ucall uc;
	int cmd, ret = vm_start_long_mode(&vm, &vcpu, MEM_SIZE, 1, guest_apic_forms, 0);

	KSFT_CHECK(ret == 0, "setup: %d", ret);
	/* No exit but the final ucall: the APIC's page never reaches the VMM. */
	cmd = vcpu_run_ucall(&vm, &vcpu, &uc);
	if (cmd == UCALL_ABORT)
		ksft_print_msg("guest: '%s' at line %llu (%#llx, %#llx)", uc.expr,
			       (unsigned long long)uc.line, (unsigned long long)uc.args[0],
			       (unsigned long long)uc.args[1]);
	else if (cmd == UCALL_NONE)
		ksft_print_msg("exit %u gpa %#llx", vcpu.run->exit_reason,
			       (unsigned long long)vcpu.run->mmio.gpa);
	KSFT_CHECK(cmd == UCALL_DONE, "ucall %d", cmd);
	vm_stop(&vm, &vcpu);
	return KSFT_PASS;
}

/* ---- an instruction the decoder does not know ----------------------------- */

static void guest_unknown(uint64_t arg)
{
	(void)arg;
	asm volatile("notl (%0)" : : "r" (MMIO + 0x600) : "memory");	/* F7 /2 */
	GUEST_DONE();
}

static int unknown_insn_exits_with_bytes(void)
{
	struct hvkm_run *run;
	uint64_t rip;
	int ret = vm_start_long_mode(&vm, &vcpu, MEM_SIZE, 1, guest_unknown, 0);

	KSFT_CHECK(ret == 0, "setup: %d", ret);
	run = vcpu.run;
	KSFT_CHECK(vcpu_run(&vcpu) == 0 && run->exit_reason == HVKM_EXIT_EMULATION_FAILURE,
		   "exit %u", run->exit_reason);
	KSFT_CHECK(run->emulation.gpa == MMIO + 0x600 && run->emulation.insn_len == 15 &&
		   run->emulation.insn[0] == 0xf7 && (run->emulation.insn[1] & 0x38) == 0x10,
		   "gpa %#llx len %u bytes %#x %#x", (unsigned long long)run->emulation.gpa,
		   run->emulation.insn_len, run->emulation.insn[0], run->emulation.insn[1]);
	/* Not skipped: the VP is still at the instruction. */
	KSFT_CHECK(vcpu_get_reg(&vcpu, HV_X64_REGISTER_RIP, &rip) == 0 && rip == run->rip,
		   "rip %#llx, exit at %#llx", (unsigned long long)rip,
		   (unsigned long long)run->rip);
	KSFT_CHECK(vcpu_run(&vcpu) == 0 && run->exit_reason == HVKM_EXIT_EMULATION_FAILURE,
		   "again: exit %u", run->exit_reason);
	vm_stop(&vm, &vcpu);
	return KSFT_PASS;
}

/* ---- 16- and 32-bit code ------------------------------------------------- */

/*
 * Run until an exit other than MMIO, which must be OUT to port 0x50: every
 * MMIO exit must be the next of @want (reads answered from @dev, which
 * covers GPA @base up, writes checked and stored there).
 */
static int run_script(const struct access *want, unsigned int n, uint8_t *dev, uint64_t base)
{
	struct hvkm_run *run = vcpu.run;
	unsigned int i = 0;
	uint64_t data;

	for (;;) {
		KSFT_CHECK(vcpu_run(&vcpu) == 0, "run");
		if (run->exit_reason != HVKM_EXIT_MMIO)
			break;
		KSFT_CHECK(i < n, "exit %u: gpa %#llx more than %u", i,
			   (unsigned long long)run->mmio.gpa, n);
		KSFT_CHECK(run->mmio.gpa == want[i].gpa && run->mmio.len == want[i].len &&
			   run->mmio.is_write == want[i].write,
			   "exit %u: gpa %#llx len %u write %u, wanted %#llx %u %u", i,
			   (unsigned long long)run->mmio.gpa, run->mmio.len, run->mmio.is_write,
			   (unsigned long long)want[i].gpa, want[i].len, want[i].write);
		data = 0;
		if (run->mmio.is_write) {
			memcpy(&data, run->mmio.data, run->mmio.len);
			KSFT_CHECK(data == want[i].data, "exit %u: wrote %#llx, wanted %#llx", i,
				   (unsigned long long)data, (unsigned long long)want[i].data);
			memcpy(dev + run->mmio.gpa - base, run->mmio.data, run->mmio.len);
		} else {
			memcpy(run->mmio.data, dev + run->mmio.gpa - base, run->mmio.len);
		}
		i++;
	}
	KSFT_CHECK(i == n, "%u MMIO exits, wanted %u", i, n);
	KSFT_CHECK(run->exit_reason == HVKM_EXIT_IO && run->io.port == 0x50,
		   "exit %u port %#x at rip %#llx", run->exit_reason, run->io.port,
		   (unsigned long long)run->rip);
	return KSFT_PASS;
}

static int check_reg(uint32_t name, uint64_t mask, uint64_t want)
{
	uint64_t v;

	KSFT_CHECK(vcpu_get_reg(&vcpu, name, &v) == 0, "get %#x", name);
	KSFT_CHECK((v & mask) == want, "register %#x: %#llx, wanted %#llx", name,
		   (unsigned long long)(v & mask), (unsigned long long)want);
	return KSFT_PASS;
}

#define RM_MMIO		0x30000ULL	/* past the 128 KiB of RAM of the real-mode guest */

/* Real mode: 16-bit addressing forms, REP MOVSW downwards, REP STOSB, CS override. */
static int real_mode_16bit_forms(void)
{
	static const uint8_t code[] = {
		0xb8, 0x00, 0x30,		/* mov ax, 0x3000 */
		0x8e, 0xd8,			/* mov ds, ax: MMIO */
		0xbb, 0x10, 0x00,		/* mov bx, 0x10 */
		0xbe, 0x04, 0x00,		/* mov si, 4 */
		0x81, 0x00, 0x34, 0x12,		/* add word [bx+si], 0x1234 */
		0x9c, 0x5a,			/* pushf; pop dx */
		0xb9, 0x5a, 0x5a,		/* mov cx, 0x5a5a */
		0x87, 0x4f, 0x30,		/* xchg [bx+0x30], cx */
		0x89, 0xcd,			/* mov bp, cx */
		0xfd,				/* std */
		0xbe, 0x24, 0x00,		/* mov si, 0x24 */
		0xb8, 0x00, 0x02,		/* mov ax, 0x200 */
		0x8e, 0xc0,			/* mov es, ax: RAM at 0x2000 */
		0xbf, 0x04, 0x01,		/* mov di, 0x104 */
		0xb9, 0x03, 0x00,		/* mov cx, 3 */
		0xf3, 0xa5,			/* rep movsw: MMIO -> RAM, down */
		0xfc,				/* cld */
		0xb8, 0x00, 0x30,		/* mov ax, 0x3000 */
		0x8e, 0xc0,			/* mov es, ax: MMIO */
		0xbf, 0x50, 0x00,		/* mov di, 0x50 */
		0xb9, 0x04, 0x00,		/* mov cx, 4 */
		0xb0, 0xab,			/* mov al, 0xab */
		0xf3, 0xaa,			/* rep stosb */
		0xbe, 0x00, 0x00,		/* mov si, 0 */
		0x2e, 0xa4,			/* movsb es:[di], cs:[si]: the code's first byte */
		0xe6, 0x50,			/* out 0x50, al */
	};
	static const struct access want[] = {
		{ RM_MMIO + 0x14, 2, false, 0 }, { RM_MMIO + 0x14, 2, true, 0x1224 },
		{ RM_MMIO + 0x40, 2, false, 0 }, { RM_MMIO + 0x40, 2, true, 0x5a5a },
		{ RM_MMIO + 0x24, 2, false, 0 }, { RM_MMIO + 0x22, 2, false, 0 },
		{ RM_MMIO + 0x20, 2, false, 0 },
		{ RM_MMIO + 0x50, 1, true, 0xab }, { RM_MMIO + 0x51, 1, true, 0xab },
		{ RM_MMIO + 0x52, 1, true, 0xab }, { RM_MMIO + 0x53, 1, true, 0xab },
		{ RM_MMIO + 0x54, 1, true, 0xb8 },
	};
	static uint8_t dev[0x100];
	int ret = vm_create(&vm, 0x20000, 1);

	KSFT_CHECK(ret == 0, "vm: %d", ret);
	memcpy(vm.mem + 0x1000, code, sizeof(code));
	KSFT_CHECK(vcpu_create(&vm, &vcpu, 0) == 0 && vcpu_set_real_mode(&vcpu, 0x100) == 0,
		   "vp");
	memcpy(dev + 0x14, "\xf0\xff", 2);		/* 0xfff0 + 0x1234: CF, PF */
	memcpy(dev + 0x40, "\x77\x77", 2);
	memcpy(dev + 0x20, "\x01\x10\x02\x20\x03\x30", 6);
	KSFT_CHECK(run_script(want, sizeof(want) / sizeof(want[0]), dev, RM_MMIO) == KSFT_PASS,
		   "exits");
	KSFT_CHECK(check_reg(HV_X64_REGISTER_RDX, 0x8d5, 0x5) == KSFT_PASS, "flags of add");
	KSFT_CHECK(check_reg(HV_X64_REGISTER_RBP, 0xffff, 0x7777) == KSFT_PASS, "xchg");
	KSFT_CHECK(check_reg(HV_X64_REGISTER_RCX, 0xffff, 0) == KSFT_PASS, "cx");
	KSFT_CHECK(check_reg(HV_X64_REGISTER_RSI, 0xffff, 1) == KSFT_PASS, "si");
	KSFT_CHECK(check_reg(HV_X64_REGISTER_RDI, 0xffff, 0x55) == KSFT_PASS, "di");
	KSFT_CHECK(!memcmp(vm.mem + 0x2100, "\x01\x10\x02\x20\x03\x30", 6),
		   "RAM %02x %02x %02x %02x %02x %02x", vm.mem[0x2100], vm.mem[0x2101],
		   vm.mem[0x2102], vm.mem[0x2103], vm.mem[0x2104], vm.mem[0x2105]);
	vcpu_destroy(&vcpu);
	vm_destroy(&vm);
	return KSFT_PASS;
}

/*
 * A read-only slot (ROM): a read-modify-write reads the ROM in the kernel and
 * exits only for the write; a MOVS from it to MMIO likewise; the ROM stays.
 */
static int rmw_and_movs_on_rom(void)
{
	static const uint8_t code[] = {
		0xb8, 0x00, 0x40,		/* mov ax, 0x4000 */
		0x8e, 0xd8,			/* mov ds, ax: the ROM */
		0x81, 0x0e, 0x10, 0x00, 0x0f, 0x0f,	/* or word [0x10], 0x0f0f */
		0x9c, 0x5a,			/* pushf; pop dx */
		0xb8, 0x00, 0x30,		/* mov ax, 0x3000 */
		0x8e, 0xc0,			/* mov es, ax: MMIO */
		0xbe, 0x20, 0x00,		/* mov si, 0x20 */
		0xbf, 0x00, 0x00,		/* mov di, 0 */
		0xa5,				/* movsw */
		0xa0, 0x10, 0x00,		/* mov al, [0x10] */
		0xe6, 0x50,			/* out 0x50, al */
	};
	static const struct access want[] = {
		{ 0x40010, 2, true, 0x1f3f }, { 0x30000, 2, true, 0xbeef },
	};
	static uint8_t dev[0x10100];
	struct hvkm_memory_region r = {
		.slot = 1, .flags = HVKM_MEM_READONLY, .guest_phys_addr = 0x40000, .size = 0x10000,
	};
	uint8_t *rom = mmap(NULL, 0x10000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			    -1, 0);
	int ret = vm_create(&vm, 0x20000, 1);

	KSFT_CHECK(ret == 0 && rom != MAP_FAILED, "vm: %d", ret);
	memcpy(rom + 0x10, "\x30\x12", 2);
	memcpy(rom + 0x20, "\xef\xbe", 2);
	KSFT_CHECK(mprotect(rom, 0x10000, PROT_READ) == 0, "mprotect");
	r.userspace_addr = (uintptr_t)rom;
	KSFT_CHECK(ioctl(vm.fd, HVKM_SET_MEMORY_REGION, &r) == 0, "rom slot: %d", errno);
	memcpy(vm.mem + 0x1000, code, sizeof(code));
	KSFT_CHECK(vcpu_create(&vm, &vcpu, 0) == 0 && vcpu_set_real_mode(&vcpu, 0x100) == 0,
		   "vp");
	KSFT_CHECK(run_script(want, sizeof(want) / sizeof(want[0]), dev, 0x30000) == KSFT_PASS,
		   "exits");
	KSFT_CHECK(vcpu.run->io.data == 0x30, "ROM byte now %#llx",
		   (unsigned long long)vcpu.run->io.data);
	KSFT_CHECK(check_reg(HV_X64_REGISTER_RDX, 0x8d5, 0x4) == KSFT_PASS, "flags of or");
	KSFT_CHECK(check_reg(HV_X64_REGISTER_RSI, 0xffff, 0x22) == KSFT_PASS, "si");
	vcpu_destroy(&vcpu);
	vm_destroy(&vm);
	munmap(rom, 0x10000);
	return KSFT_PASS;
}

/* Flat 32-bit protected mode: SIB forms, BTS past the operand, REP MOVSD down into MMIO. */
static int protected_mode_32bit_forms(void)
{
	static const uint8_t code[] = {
		0xbb, 0x00, 0x08, 0x00, 0x10,		/* mov ebx, 0x10000800 */
		0xb9, 0x0f, 0x0f, 0x0f, 0x0f,		/* mov ecx, 0x0f0f0f0f */
		0xb8, 0x02, 0x00, 0x00, 0x00,		/* mov eax, 2 */
		0x09, 0x4c, 0x83, 0x08,			/* or [ebx+eax*4+8], ecx */
		0x9c, 0x5a,				/* pushfd; pop edx */
		0xb8, 0x22, 0x00, 0x00, 0x00,		/* mov eax, 34 */
		0x0f, 0xab, 0x03,			/* bts [ebx], eax: bit 2 of [ebx+4] */
		0xfd,					/* std */
		0xbe, 0x08, 0x80, 0x00, 0x00,		/* mov esi, 0x8008 */
		0xbf, 0x48, 0x08, 0x00, 0x10,		/* mov edi, 0x10000848 */
		0xb9, 0x03, 0x00, 0x00, 0x00,		/* mov ecx, 3 */
		0xf3, 0xa5,				/* rep movsd */
		0xfc,					/* cld */
		0xf7, 0x43, 0x20, 0x00, 0x00, 0x00, 0x80, /* test dword [ebx+0x20], 0x80000000 */
		0x9c, 0x5d,				/* pushfd; pop ebp */
		0xe6, 0x50,				/* out 0x50, al */
	};
	static const struct access want[] = {
		{ MMIO + 0x810, 4, false, 0 }, { MMIO + 0x810, 4, true, 0xffffffff },
		{ MMIO + 0x804, 4, false, 0 }, { MMIO + 0x804, 4, true, 0x4 },
		{ MMIO + 0x848, 4, true, 0x33333333 }, { MMIO + 0x844, 4, true, 0x22222222 },
		{ MMIO + 0x840, 4, true, 0x11111111 },
		{ MMIO + 0x820, 4, false, 0 },
	};
	static uint8_t dev[0x100];
	int ret = vm_create_long_mode(&vm, MEM_SIZE, 1);

	KSFT_CHECK(ret == 0, "vm: %d", ret);
	memcpy(vm.mem + 0x7000, code, sizeof(code));
	memcpy(vm.mem + 0x8000, "\x11\x11\x11\x11\x22\x22\x22\x22\x33\x33\x33\x33", 12);
	KSFT_CHECK(vcpu_create(&vm, &vcpu, 0) == 0, "vp");
	KSFT_CHECK(vcpu_set_protected_mode(&vcpu, 0x7000) == 0, "registers");
	memcpy(dev + 0x10, "\xf0\xf0\xf0\xf0", 4);
	memcpy(dev + 0x20, "\x01\x00\x00\x80", 4);
	KSFT_CHECK(run_script(want, sizeof(want) / sizeof(want[0]), dev, MMIO + 0x800) ==
		   KSFT_PASS, "exits");
	KSFT_CHECK(check_reg(HV_X64_REGISTER_RDX, 0x8d5, 0x84) == KSFT_PASS, "flags of or");
	KSFT_CHECK(check_reg(HV_X64_REGISTER_RBP, 0x8d5, 0x84) == KSFT_PASS, "flags of test");
	KSFT_CHECK(check_reg(HV_X64_REGISTER_RSI, ~0ULL, 0x7ffc) == KSFT_PASS, "esi");
	KSFT_CHECK(check_reg(HV_X64_REGISTER_RDI, ~0ULL, MMIO + 0x83c) == KSFT_PASS, "edi");
	KSFT_CHECK(check_reg(HV_X64_REGISTER_RCX, ~0ULL, 0) == KSFT_PASS, "ecx");
	vcpu_destroy(&vcpu);
	vm_destroy(&vm);
	return KSFT_PASS;
}

static const struct ksft_case cases[] = {
	KSFT_CASE(every_form_and_size),
	KSFT_CASE(alu_test_xchg_bt_forms),
	KSFT_CASE(movs_stos_rep),
	KSFT_CASE(rep_string_is_restartable),
	KSFT_CASE(lapic_page_forms),
	KSFT_CASE(real_mode_16bit_forms),
	KSFT_CASE(rmw_and_movs_on_rom),
	KSFT_CASE(protected_mode_32bit_forms),
	KSFT_CASE(unknown_insn_exits_with_bytes),
};

int main(void)
{
	return ksft_run(cases, KSFT_NR(cases), NULL);
}
