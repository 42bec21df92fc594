// SPDX-License-Identifier: GPL-2.0
/*
 * MMIO from a 64-bit guest: every supported instruction form and size, loads
 * and stores, checked on both sides; an undecodable instruction reaches the
 * VMM with its bytes.  The device here answers a read of GPA a with bytes
 * (a + i) * 3 and records writes.
 */
#define _GNU_SOURCE
#include <string.h>

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
	GUEST_SYNC(2);

	/* Not decodable: an ADD to MMIO reaches the VMM with its bytes. */
	asm volatile("addl $1, (%0)" : : "r" (MMIO + 0x600) : "memory");
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
	struct hvkm_run *run;
	unsigned int nstores = 0;
	struct ucall uc;
	int ret = vm_create_long_mode(&vm, MEM_SIZE, 1);

	KSFT_CHECK(ret == 0, "vm: %d", ret);
	KSFT_CHECK(vcpu_create_long_mode(&vm, &vcpu, 0, guest_mmio, 0) == 0, "vp");
	run = vcpu.run;
	KSFT_CHECK(run_device(UCALL_SYNC, &nstores, &uc) == KSFT_PASS, "stores");
	KSFT_CHECK(nstores == sizeof(stores) / sizeof(stores[0]), "%u stores", nstores);
	KSFT_CHECK(run_device(UCALL_SYNC, &nstores, &uc) == KSFT_PASS, "loads");

	/* addl $1, (%reg): 83 /0 ib, not a form hvkm decodes. */
	KSFT_CHECK(vcpu_run(&vcpu) == 0 && run->exit_reason == HVKM_EXIT_EMULATION_FAILURE,
		   "exit %u", run->exit_reason);
	KSFT_CHECK(run->emulation.gpa == MMIO + 0x600 && run->emulation.insn_len == 15 &&
		   run->emulation.insn[0] == 0x83, "gpa %#llx len %u byte %#x",
		   (unsigned long long)run->emulation.gpa, run->emulation.insn_len,
		   run->emulation.insn[0]);
	vcpu_destroy(&vcpu);
	vm_destroy(&vm);
	return KSFT_PASS;
}

static const struct ksft_case cases[] = {
	KSFT_CASE(every_form_and_size),
};

int main(void)
{
	return ksft_run(cases, KSFT_NR(cases), NULL);
}
