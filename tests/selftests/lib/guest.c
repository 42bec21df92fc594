// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include "guest.h"
#include "ksft.h"

/* Guest physical layout below the program (a static binary at 0x400000). */
#define GPA_PML4	0x1000
#define GPA_PDPT	0x2000
#define GPA_PD		0x3000
#define GPA_GDT		0x4000
#define GPA_TSS		0x5000
#define GPA_IDT		0x6000
#define GPA_PD_APIC	0x7000		/* the 2 MiB around the local APIC */
#define GPA_STACKS	0x100000	/* 64 KiB per VP, growing down */
#define STACK_SIZE	0x10000
#define PROGRAM_MIN	0x400000

#define PTE_P		(1ull << 0)
#define PTE_RW		(1ull << 1)
#define PTE_PCD		(1ull << 4)
#define PTE_PS		(1ull << 7)

/* GDT selectors. */
#define SEL_CODE64	0x08
#define SEL_DATA	0x10
#define SEL_CODE32	0x18
#define SEL_TSS		0x20

/* Segment attributes as TLFS HV_X64_SEGMENT_REGISTER has them (descriptor bits 55:40). */
#define ATTR_CODE64	0xa09b	/* G, L, P, S, execute/read, accessed */
#define ATTR_CODE32	0xc09b	/* G, D, P, S, execute/read, accessed */
#define ATTR_DATA	0xc093	/* G, B, P, S, read/write, accessed */
#define ATTR_TSS64	0x008b	/* P, busy 64-bit TSS */

#define CR0_PE		(1ull << 0)
#define CR0_MP		(1ull << 1)
#define CR0_ET		(1ull << 4)
#define CR0_NE		(1ull << 5)
#define CR0_WP		(1ull << 16)
#define CR0_PG		(1ull << 31)
#define CR4_PAE		(1ull << 5)
#define CR4_OSFXSR	(1ull << 9)
#define CR4_OSXMMEXCPT	(1ull << 10)
#define CR4_OSXSAVE	(1ull << 18)
#define EFER_SCE	(1ull << 0)
#define EFER_LME	(1ull << 8)
#define EFER_LMA	(1ull << 10)
#define EFER_NXE	(1ull << 11)

extern char __executable_start[], _end[];

volatile int guest_fault_vector = -1;
volatile unsigned int guest_fault_skip;
guest_exception_hook_t volatile guest_exception_hooks[32];

/* What the exception stubs leave on the stack for guest_exception(). */
struct exception_frame {
	uint64_t r11, r10, r9, r8, rcx, rdx, rsi, rdi, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss;
};

void guest_exception(struct exception_frame *f);

volatile unsigned int guest_irq_count[256];
volatile uint8_t guest_irq_order[16];
volatile unsigned int guest_irq_seen;
volatile int guest_apic_mode;
guest_irq_hook_t volatile guest_irq_hook;

static inline void wrmsr_raw(uint32_t msr, uint64_t val)
{
	asm volatile("wrmsr" : : "c" (msr), "a" ((uint32_t)val), "d" ((uint32_t)(val >> 32))
		     : "memory");
}

void guest_apic_enable(void)
{
	/* Software-enabled, spurious vector 0xff (SDM 10.9). */
	*(volatile uint32_t *)(GUEST_APIC_MMIO + 0xf0) = 0x1ff;
	guest_apic_mode = GUEST_APIC_XAPIC;
}

void guest_apic_eoi(void)
{
	if (guest_apic_mode == GUEST_APIC_X2APIC)
		wrmsr_raw(0x80b, 0);
	else if (guest_apic_mode == GUEST_APIC_XAPIC)
		*(volatile uint32_t *)(GUEST_APIC_MMIO + 0xb0) = 0;
}

void guest_exception(struct exception_frame *f)
{
	/* Interrupts and NMIs are counted, in the order they came. */
	if (f->vector >= 32 || f->vector == 2) {
		guest_irq_count[f->vector]++;
		guest_irq_order[guest_irq_seen++ % 16] = f->vector;
		if (f->vector != 2 && guest_irq_hook)
			guest_irq_hook(f->vector);
		else if (f->vector != 2)
			guest_apic_eoi();
		return;
	}
	if (guest_exception_hooks[f->vector]) {
		guest_exception_hooks[f->vector](f->vector, &f->rip, &f->rflags);
		return;
	}
	if (!guest_fault_skip)
		guest_ucall(UCALL_ABORT, f->vector, f->rip, __FILE__, __LINE__,
			    "unexpected exception (args: vector, rip)");
	guest_fault_vector = (int)f->vector;
	f->rip += guest_fault_skip;
	guest_fault_skip = 0;
}

/*
 * Stubs for vectors 0-31, 16 bytes apart: push a zero where the CPU pushes no
 * error code, push the vector, and go to the common part, which saves the
 * caller-saved registers around guest_exception() and returns with IRETQ.
 */
asm(".pushsection .text\n"
    ".align 16\n"
    "guest_exception_stubs:\n"
    ".set vec, 0\n"
    ".rept 256\n"
    ".align 16\n"
    ".if (vec == 8) || (vec >= 10 && vec <= 14) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)\n"
    ".else\n"
    "pushq $0\n"
    ".endif\n"
    "pushq $vec\n"
    "jmp guest_exception_common\n"
    ".set vec, vec + 1\n"
    ".endr\n"
    "guest_exception_common:\n"
    "push %rax; push %rdi; push %rsi; push %rdx; push %rcx\n"
    "push %r8; push %r9; push %r10; push %r11\n"
    "mov %rsp, %rdi\n"
    "call guest_exception\n"
    "pop %r11; pop %r10; pop %r9; pop %r8\n"
    "pop %rcx; pop %rdx; pop %rsi; pop %rdi; pop %rax\n"
    "add $16, %rsp\n"
    "iretq\n"
    ".popsection\n");
extern char guest_exception_stubs[];

void guest_ucall(uint64_t cmd, uint64_t a0, uint64_t a1, const char *file,
		 uint64_t line, const char *expr)
{
	struct ucall uc = {
		.cmd = cmd, .args = { a0, a1 }, .file = file, .line = line, .expr = expr,
	};

	asm volatile("outb %%al, %%dx" : : "a" (0), "d" (UCALL_PORT), "D" (&uc) : "memory");
}

static void *gpa(struct hvkm_vm *vm, uint64_t addr)
{
	return vm->mem + addr;
}

int vm_create_long_mode(struct hvkm_vm *vm, size_t mem_size, unsigned int max_vps)
{
	uintptr_t start = (uintptr_t)__executable_start & ~0xfffUL, end = (uintptr_t)_end;
	uint64_t *pml4, *pdpt, *pd, *gdt;
	unsigned int i;
	int ret;

	if (start < PROGRAM_MIN || end > mem_size ||
	    GPA_STACKS + (uint64_t)max_vps * STACK_SIZE > PROGRAM_MIN)
		return -E2BIG;
	ret = vm_create(vm, mem_size, max_vps);
	if (ret)
		return ret;
	memcpy(gpa(vm, start), (void *)start, end - start);

	pml4 = gpa(vm, GPA_PML4);
	pdpt = gpa(vm, GPA_PDPT);
	pd = gpa(vm, GPA_PD);
	pml4[0] = GPA_PDPT | PTE_P | PTE_RW;
	pdpt[0] = GPA_PD | PTE_P | PTE_RW;
	for (i = 0; i < 512; i++)
		pd[i] = ((uint64_t)i << 21) | PTE_P | PTE_RW | PTE_PS;
	/* The local APIC's page, uncached, at its address (3 GiB + 0x3ee00000). */
	pdpt[3] = GPA_PD_APIC | PTE_P | PTE_RW;
	((uint64_t *)gpa(vm, GPA_PD_APIC))[(GUEST_APIC_MMIO >> 21) & 511] =
		GUEST_APIC_MMIO | PTE_P | PTE_RW | PTE_PS | PTE_PCD;

	/* 64-bit interrupt gates to the stubs, present, DPL 0. */
	for (i = 0; i < 256; i++) {
		uint64_t stub = (uintptr_t)guest_exception_stubs + 16 * i;
		uint64_t *gate = gpa(vm, GPA_IDT + 16 * i);

		gate[0] = (stub & 0xffff) | ((uint64_t)SEL_CODE64 << 16) | (0x8eull << 40) |
			  ((stub >> 16) & 0xffff) << 48;
		gate[1] = stub >> 32;
	}

	gdt = gpa(vm, GPA_GDT);
	gdt[SEL_CODE64 / 8] = 0x00af9b000000ffffull;
	gdt[SEL_DATA / 8] = 0x00cf93000000ffffull;
	gdt[SEL_CODE32 / 8] = 0x00cf9b000000ffffull;
	/* A 16-byte 64-bit TSS descriptor: base GPA_TSS, limit 0x67, busy. */
	gdt[SEL_TSS / 8] = 0x0000000000000067ull | ((uint64_t)GPA_TSS << 16) |
			   (0x8bull << 40);
	gdt[SEL_TSS / 8 + 1] = 0;
	return 0;
}

static int set_segment(struct hvkm_vcpu *vcpu, uint32_t name, uint16_t sel,
		       uint64_t base, uint32_t limit, uint16_t attr)
{
	struct hvkm_register_assoc r = { .name = name };

	r.value.segment.base = base;
	r.value.segment.limit = limit;
	r.value.segment.selector = sel;
	r.value.segment.attributes = attr;
	return vcpu_set_assoc(vcpu, &r);
}

static int set_table(struct hvkm_vcpu *vcpu, uint32_t name, uint64_t base, uint16_t limit)
{
	struct hvkm_register_assoc r = { .name = name };

	r.value.table.base = base;
	r.value.table.limit = limit;
	return vcpu_set_assoc(vcpu, &r);
}

static int set_data_segments(struct hvkm_vcpu *vcpu)
{
	static const uint32_t names[] = {
		HV_X64_REGISTER_DS, HV_X64_REGISTER_ES, HV_X64_REGISTER_SS,
		HV_X64_REGISTER_FS, HV_X64_REGISTER_GS,
	};
	unsigned int i;
	int ret = 0;

	for (i = 0; !ret && i < sizeof(names) / sizeof(names[0]); i++)
		ret = set_segment(vcpu, names[i], SEL_DATA, 0, 0xffffffff, ATTR_DATA);
	if (!ret)
		ret = set_segment(vcpu, HV_X64_REGISTER_TR, SEL_TSS, GPA_TSS, 0x67, ATTR_TSS64);
	if (!ret)
		ret = set_table(vcpu, HV_X64_REGISTER_GDTR, GPA_GDT, 0x2f);
	if (!ret)
		ret = set_table(vcpu, HV_X64_REGISTER_IDTR, GPA_IDT, 256 * 16 - 1);
	return ret;
}

int vcpu_create_long_mode(struct hvkm_vm *vm, struct hvkm_vcpu *vcpu,
			  unsigned int index, void (*guest_fn)(uint64_t), uint64_t arg)
{
	const struct {
		uint32_t name;
		uint64_t value;
	} regs[] = {
		{ HV_X64_REGISTER_CR0, CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG },
		{ HV_X64_REGISTER_CR3, GPA_PML4 },
		{ HV_X64_REGISTER_CR4, CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_OSXSAVE },
		{ HV_X64_REGISTER_EFER, EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE },
		{ HV_X64_REGISTER_RFLAGS, 0x2 },
		{ HV_X64_REGISTER_RIP, (uintptr_t)guest_fn },
		/* Entered as if called: the return address slot keeps RSP+8 aligned to 16. */
		{ HV_X64_REGISTER_RSP, GPA_STACKS + (uint64_t)(index + 1) * STACK_SIZE - 8 },
		{ HV_X64_REGISTER_RDI, arg },
	};
	unsigned int i;
	int ret;

	ret = vcpu_create(vm, vcpu, index);
	if (!ret)
		ret = set_segment(vcpu, HV_X64_REGISTER_CS, SEL_CODE64, 0, 0xffffffff, ATTR_CODE64);
	if (!ret)
		ret = set_data_segments(vcpu);
	for (i = 0; !ret && i < sizeof(regs) / sizeof(regs[0]); i++)
		ret = vcpu_set_reg(vcpu, regs[i].name, regs[i].value);
	return ret;
}

int vcpu_set_protected_mode(struct hvkm_vcpu *vcpu, uint32_t eip)
{
	int ret = set_segment(vcpu, HV_X64_REGISTER_CS, SEL_CODE32, 0, 0xffffffff, ATTR_CODE32);

	if (!ret)
		ret = set_data_segments(vcpu);
	if (!ret)
		ret = vcpu_set_reg(vcpu, HV_X64_REGISTER_CR0, CR0_PE | CR0_ET);
	if (!ret)
		ret = vcpu_set_reg(vcpu, HV_X64_REGISTER_RIP, eip);
	if (!ret)
		ret = vcpu_set_reg(vcpu, HV_X64_REGISTER_RSP, GPA_STACKS);
	return ret;
}

int vcpu_run_ucall(struct hvkm_vm *vm, struct hvkm_vcpu *vcpu, struct ucall *uc)
{
	uint64_t rdi;
	int ret;

	memset(uc, 0, sizeof(*uc));
	ret = vcpu_run(vcpu);
	if (ret)
		return ret;
	if (vcpu->run->exit_reason != HVKM_EXIT_IO || vcpu->run->io.port != UCALL_PORT)
		return UCALL_NONE;
	ret = vcpu_get_reg(vcpu, HV_X64_REGISTER_RDI, &rdi);
	if (ret)
		return ret;
	if (rdi + sizeof(*uc) > vm->mem_size)
		return -EFAULT;
	memcpy(uc, gpa(vm, rdi), sizeof(*uc));
	return (int)uc->cmd;
}

uint64_t *vm_pdpte(struct hvkm_vm *vm, uint64_t gva)
{
	return (uint64_t *)gpa(vm, GPA_PDPT) + (gva >> 30);
}

uint64_t *vm_pde(struct hvkm_vm *vm, uint64_t gva)
{
	return (uint64_t *)gpa(vm, GPA_PD) + (gva >> 21);
}

int vcpu_expect_ucall(struct hvkm_vm *vm, struct hvkm_vcpu *vcpu, int want, struct ucall *uc)
{
	struct ucall local;
	int cmd;

	if (!uc)
		uc = &local;
	cmd = vcpu_run_ucall(vm, vcpu, uc);
	if (cmd == want)
		return 0;
	if (cmd == UCALL_ABORT)
		ksft_print_msg("guest: '%s' at %s:%llu (%#llx, %#llx)", uc->expr, uc->file,
			       (unsigned long long)uc->line, (unsigned long long)uc->args[0],
			       (unsigned long long)uc->args[1]);
	else
		ksft_print_msg("ucall %d, wanted %d (exit %u, rip %#llx)", cmd, want,
			       vcpu->run ? vcpu->run->exit_reason : 0,
			       vcpu->run ? (unsigned long long)vcpu->run->rip : 0ULL);
	return -1;
}

int vm_start_long_mode(struct hvkm_vm *vm, struct hvkm_vcpu *vcpu, size_t mem_size,
		       unsigned int max_vps, void (*guest_fn)(uint64_t), uint64_t arg)
{
	int ret = vm_create_long_mode(vm, mem_size, max_vps);

	return ret ? ret : vcpu_create_long_mode(vm, vcpu, 0, guest_fn, arg);
}

void vm_stop(struct hvkm_vm *vm, struct hvkm_vcpu *vcpu)
{
	vcpu_destroy(vcpu);
	vm_destroy(vm);
}

void vm_sync_to_guest(struct hvkm_vm *vm, const void *var, size_t len)
{
	memcpy(gpa(vm, (uintptr_t)var), var, len);
}

void vm_sync_from_guest(struct hvkm_vm *vm, void *var, size_t len)
{
	memcpy(var, gpa(vm, (uintptr_t)var), len);
}
