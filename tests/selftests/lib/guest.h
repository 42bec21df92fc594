/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guests written in C, in the shape of KVM's selftests: the test binary is
 * copied into guest RAM at its own addresses and identity-mapped, so a guest
 * function of the test runs in a VP in 64-bit mode.  The guest talks to the
 * host with "ucalls": an OUT to UCALL_PORT with RDI pointing at a struct ucall.
 */
#ifndef HVKM_GUEST_H
#define HVKM_GUEST_H

#include <stdint.h>

#include "hvkm_vm.h"

#define UCALL_PORT	0x1b00

enum ucall_cmd {
	UCALL_NONE,	/* the VP exited for something else: see its run page */
	UCALL_SYNC,	/* args[0] is a stage number */
	UCALL_ABORT,	/* a guest assertion failed: file, line, expr, args[0..1] */
	UCALL_DONE,
};

struct ucall {
	uint64_t cmd;
	uint64_t args[4];
	const char *file;	/* guest addresses equal the host's: readable as they are */
	uint64_t line;
	const char *expr;
};

/* ---- in the guest -------------------------------------------------------- */

void guest_ucall(uint64_t cmd, uint64_t a0, uint64_t a1, const char *file,
		 uint64_t line, const char *expr);

#define GUEST_SYNC(stage)	guest_ucall(UCALL_SYNC, (stage), 0, 0, 0, 0)
#define GUEST_DONE()		guest_ucall(UCALL_DONE, 0, 0, 0, 0, 0)
#define GUEST_ASSERT(cond)                                                   \
	do {                                                                 \
		if (!(cond))                                                 \
			guest_ucall(UCALL_ABORT, 0, 0, __FILE__, __LINE__,   \
				    #cond);                                  \
	} while (0)
#define GUEST_ASSERT_EQ(a, b)                                                \
	do {                                                                 \
		uint64_t __a = (a), __b = (b);                               \
		if (__a != __b)                                              \
			guest_ucall(UCALL_ABORT, __a, __b, __FILE__,         \
				    __LINE__, #a " == " #b);                 \
	} while (0)

/*
 * Exceptions in the guest: an expected one is recorded and the faulting
 * instruction skipped (its length announced beforehand); any other ends the
 * test with an ABORT ucall naming the vector and RIP.
 */
/* Interrupts (vectors 32-255) and NMIs (2) the guest took, and their order. */
extern volatile unsigned int guest_irq_count[256];
extern volatile uint8_t guest_irq_order[16];
extern volatile unsigned int guest_irq_seen;

/*
 * The local APIC at its reset address, mapped by vm_create_long_mode().
 * Interrupt handlers send it an EOI once a guest has enabled it.
 */
#define GUEST_APIC_MMIO		0xfee00000ULL
enum { GUEST_APIC_OFF, GUEST_APIC_XAPIC, GUEST_APIC_X2APIC };
extern volatile int guest_apic_mode;
/* Software-enable the xAPIC (spurious vector 0xff): fixed interrupts are taken from then on. */
void guest_apic_enable(void);
void guest_apic_eoi(void);
/* A test's own end of interrupt handling (vectors 32-255), instead of guest_apic_eoi(). */
typedef void (*guest_irq_hook_t)(uint64_t vector);
extern guest_irq_hook_t volatile guest_irq_hook;

/*
 * A test's own handler for an exception vector (0-31), called instead of the
 * default with the return RIP and RFLAGS it may change (set RF after an
 * instruction breakpoint, say).  Set from the guest.
 */
typedef void (*guest_exception_hook_t)(uint64_t vector, uint64_t *rip, uint64_t *rflags);
extern guest_exception_hook_t volatile guest_exception_hooks[32];

extern volatile int guest_fault_vector;		/* -1: none since the last *_safe */
extern volatile unsigned int guest_fault_skip;	/* bytes to skip on a fault */

/* RDMSR/WRMSR that report a fault instead of dying: the vector, or -1. */
static inline int guest_rdmsr_safe(uint32_t msr, uint64_t *val)
{
	uint32_t lo = 0, hi = 0;

	guest_fault_vector = -1;
	guest_fault_skip = 2;
	asm volatile("rdmsr" : "+a" (lo), "+d" (hi) : "c" (msr) : "memory");
	guest_fault_skip = 0;
	*val = lo | (uint64_t)hi << 32;
	return guest_fault_vector;
}

static inline int guest_wrmsr_safe(uint32_t msr, uint64_t val)
{
	guest_fault_vector = -1;
	guest_fault_skip = 2;
	asm volatile("wrmsr" : : "c" (msr), "a" ((uint32_t)val), "d" ((uint32_t)(val >> 32))
		     : "memory");
	guest_fault_skip = 0;
	return guest_fault_vector;
}

/* RDMSR/WRMSR that must not fault: a fault fails the guest's assertion. */
static inline uint64_t guest_rdmsr(uint32_t msr)
{
	uint64_t v;

	GUEST_ASSERT_EQ(guest_rdmsr_safe(msr, &v), -1);
	return v;
}

static inline void guest_wrmsr(uint32_t msr, uint64_t v)
{
	GUEST_ASSERT_EQ(guest_wrmsr_safe(msr, v), -1);
}

/* CPUID leaf @leaf, subleaf 0, into r[0..3] = EAX, EBX, ECX, EDX. */
static inline void guest_cpuid(uint32_t leaf, uint32_t *r)
{
	asm volatile("cpuid" : "=a" (r[0]), "=b" (r[1]), "=c" (r[2]), "=d" (r[3])
		     : "a" (leaf), "c" (0));
}

/* ---- on the host --------------------------------------------------------- */

/*
 * A partition with @mem_size bytes of RAM at GPA 0 holding a copy of this
 * program at its own addresses, identity page tables for the first GiB, and
 * a GDT and TSS for 64-bit mode.
 */
int vm_create_long_mode(struct hvkm_vm *vm, size_t mem_size, unsigned int max_vps);
/* VP @index in 64-bit mode at @guest_fn(@arg), with a stack of its own. */
int vcpu_create_long_mode(struct hvkm_vm *vm, struct hvkm_vcpu *vcpu,
			  unsigned int index, void (*guest_fn)(uint64_t), uint64_t arg);
/* A flat 32-bit protected-mode VP (no paging) at @eip. */
int vcpu_set_protected_mode(struct hvkm_vcpu *vcpu, uint32_t eip);
/* The guest's PDPT entry for @gva (below 512 GiB): set bit 7 for a 1 GiB page. */
uint64_t *vm_pdpte(struct hvkm_vm *vm, uint64_t gva);
/* The guest's 2 MiB page-directory entry that maps @gva (below 1 GiB). */
uint64_t *vm_pde(struct hvkm_vm *vm, uint64_t gva);
/* Run until the next ucall: its command, UCALL_NONE for another exit, or -errno. */
int vcpu_run_ucall(struct hvkm_vm *vm, struct hvkm_vcpu *vcpu, struct ucall *uc);
/*
 * Run to the next ucall and check it is @want; on a mismatch say why (a
 * failed guest assertion with its place, or the exit) in a TAP comment.
 * 0 when it matched.  @uc (may be NULL) receives the ucall.
 */
int vcpu_expect_ucall(struct hvkm_vm *vm, struct hvkm_vcpu *vcpu, int want, struct ucall *uc);
/* A long-mode partition of @mem_size with VP 0 at @guest_fn(@arg). */
int vm_start_long_mode(struct hvkm_vm *vm, struct hvkm_vcpu *vcpu, size_t mem_size,
		       unsigned int max_vps, void (*guest_fn)(uint64_t), uint64_t arg);
void vm_stop(struct hvkm_vm *vm, struct hvkm_vcpu *vcpu);
/* Copy a global of this program into the guest's copy, or back. */
void vm_sync_to_guest(struct hvkm_vm *vm, const void *var, size_t len);
void vm_sync_from_guest(struct hvkm_vm *vm, void *var, size_t len);

#endif /* HVKM_GUEST_H */
