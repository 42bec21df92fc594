// SPDX-License-Identifier: GPL-2.0
/*
 * The VP assist page's EOI assist ("lazy EOI", TLFS "EOI Assist") and rep
 * hypercall continuation (TLFS "Hypercall Continuation"), as 64-bit C
 * guests and a flat 32-bit guest see them.
 *
 * Lazy EOI: a guest with an enabled VP assist page finds apic_assist bit 0
 * set in the handler of an edge-triggered interrupt that is alone in
 * service, clears it with XCHG and skips the EOI as Linux does; the local
 * APIC must then show the vector ended and let the next interrupts in.
 * Nested or level-triggered interrupts never get the bit; a guest that
 * ignores it and EOIs as usual keeps working.
 *
 * Continuation: a flush-list call with more reps than one entry does
 * completes with the full rep count and re-enters (the VP's hypercall
 * exits show it); an error reports the reps done before it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "lib/guest.h"
#include "lib/ksft.h"

#define MEM_SIZE		(16 << 20)

#define MSR_GUEST_OS_ID		0x40000000
#define MSR_HYPERCALL		0x40000001
#define MSR_HV_EOI		0x40000070
#define MSR_HV_ICR		0x40000071
#define MSR_VP_ASSIST_PAGE	0x40000073
#define LINUX_OS_ID		0x8100000000000000ULL

#define PRIV_APIC_ACCESS	(1ULL << 4)
#define PRIV_HYPERCALL		(1ULL << 5)
#define PRIV_VP_INDEX		(1ULL << 6)
#define PRIVS			(PRIV_APIC_ACCESS | PRIV_HYPERCALL | PRIV_VP_INDEX)

#define APIC_ISR		0x100
#define ICR_SELF		(1u << 18)
#define ICR_ASSERT		(1u << 14)
#define ICR_LEVEL		(1u << 15)

#define HC_FLUSH_LIST		0x0003ULL
#define HC_REP(count, start)	((uint64_t)(count) << 32 | (uint64_t)(start) << 48)
#define HC_REP_START(control)	(((control) >> 48) & 0xfff)
#define FLUSH_ALL_PROCESSORS	(1ULL << 0)
#define FLUSH_ALL_SPACES	(1ULL << 1)
#define HV_SUCCESS		0
#define HV_INVALID_PARAMETER	5

/* More reps than one entry does (HVKM_HV_REP_CHUNK is 64). */
#define LONG_LIST		300
#define REP_CHUNK		64

static struct hvkm_vm vm;
static struct hvkm_vcpu vcpu;

static uint8_t assist_page[4096] __attribute__((aligned(4096)));
static uint8_t hv_page[4096] __attribute__((aligned(4096)));
static uint8_t hv_in[4096] __attribute__((aligned(4096)));

/* ---- in the guest ---------------------------------------------------------- */

static volatile uint32_t *const apic_assist = (volatile uint32_t *)assist_page;
/* What the handler saw: apic_assist bit 0 on entry per vector, -1 when never taken. */
static volatile int bit_at_entry[256];
static volatile int bit_after_nest;
/* Handler behaviour: EOI conventionally whatever the bit says; send nest_to from nest_from. */
static volatile bool ignore_bit;
static volatile uint8_t nest_from, nest_to;
/* Make a ucall from the handler of this vector before ending it. */
static volatile uint8_t sync_from;

static void raw_wrmsr(uint32_t msr, uint64_t v)
{
	asm volatile("wrmsr" : : "c" (msr), "a" ((uint32_t)v), "d" ((uint32_t)(v >> 32))
		     : "memory");
}

static uint64_t raw_rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	asm volatile("rdmsr" : "=a" (lo), "=d" (hi) : "c" (msr));
	return lo | (uint64_t)hi << 32;
}

static bool isr_has(uint32_t vector)
{
	uint32_t reg = *(volatile uint32_t *)(GUEST_APIC_MMIO + APIC_ISR + (vector / 32) * 0x10);

	return reg & (1u << (vector % 32));
}

static void self_ipi(uint32_t low)
{
	raw_wrmsr(MSR_HV_ICR, low | ICR_SELF);
}

/* The end of an interrupt as Linux's hv_apic_eoi_write() does it. */
static void assist_handler(uint64_t vector)
{
	uint32_t old;

	bit_at_entry[vector] = *apic_assist & 1;
	if (vector == nest_from && nest_to) {
		self_ipi(nest_to);
		bit_after_nest = *apic_assist & 1;
		asm volatile("sti; nop; cli" ::: "memory");
	}
	if (vector == sync_from)
		GUEST_SYNC(vector);
	if (ignore_bit) {
		raw_wrmsr(MSR_HV_EOI, 0);
		return;
	}
	old = __atomic_exchange_n(apic_assist, 0, __ATOMIC_SEQ_CST);
	if (!(old & 1))
		raw_wrmsr(MSR_HV_EOI, 0);
}

static void assist_setup(void)
{
	unsigned int i;

	for (i = 0; i < 256; i++)
		bit_at_entry[i] = -1;
	guest_apic_enable();
	raw_wrmsr(MSR_VP_ASSIST_PAGE, (uintptr_t)assist_page | 1);
	GUEST_ASSERT_EQ(raw_rdmsr(MSR_VP_ASSIST_PAGE), (uintptr_t)assist_page | 1);
	guest_irq_hook = assist_handler;
	asm volatile("sti" ::: "memory");
}

/* A self-IPI taken right after the WRMSR that sent it, its EOI left to the page. */
static void expect_lazy(uint32_t vector, unsigned int count)
{
	self_ipi(vector);
	GUEST_ASSERT_EQ(guest_irq_count[vector], count);
	GUEST_ASSERT_EQ(bit_at_entry[vector], 1);
	GUEST_ASSERT_EQ(*apic_assist & 1, 0);
	/* The APIC read is an exit: the kernel performed the skipped EOI before it. */
	GUEST_ASSERT(!isr_has(vector));
}

static void guest_lazy_eoi(uint64_t arg)
{
	(void)arg;
	assist_setup();
	expect_lazy(0x40, 1);
	/* The same vector and a lower class still get in: nothing stayed in service. */
	expect_lazy(0x40, 2);
	expect_lazy(0x30, 1);
	GUEST_SYNC(1);
	/* The VMM asserts 0x60 now. */
	while (!guest_irq_count[0x60])
		asm volatile("pause");
	GUEST_ASSERT_EQ(bit_at_entry[0x60], 1);
	GUEST_ASSERT(!isr_has(0x60));
	/* A handler that exits to the VMM before its EOI: the bit is taken back meanwhile. */
	sync_from = 0x41;
	self_ipi(0x41);
	GUEST_ASSERT_EQ(guest_irq_count[0x41], 1);
	GUEST_ASSERT_EQ(bit_at_entry[0x41], 1);
	GUEST_ASSERT(!isr_has(0x41));
	GUEST_DONE();
}

static int assert_irq(uint32_t vector)
{
	struct hvkm_assert_interrupt a = { .control = 0, .dest_addr = 0, .vector = vector };

	return ioctl(vm.fd, HVKM_ASSERT_INTERRUPT, &a) ? -errno : 0;
}

static int property(uint64_t privileges)
{
	struct hvkm_partition_property p = {
		.code = HV_PARTITION_PROPERTY_PRIVILEGE_FLAGS, .value = privileges,
	};

	return ioctl(vm.fd, HVKM_SET_PARTITION_PROPERTY, &p) ? -errno : 0;
}

static int start(void (*fn)(uint64_t))
{
	int ret = vm_create_long_mode(&vm, MEM_SIZE, 1);

	if (ret)
		return ret;
	ret = property(PRIVS);
	if (!ret)
		ret = vcpu_create_long_mode(&vm, &vcpu, 0, fn, 0);
	if (ret)
		vm_destroy(&vm);
	return ret;
}

static int vp_stats(struct hvkm_vp_stats *st)
{
	return ioctl(vcpu.fd, HVKM_GET_VP_STATS, st) ? -errno : 0;
}

/* The guest's apic_assist word as the VMM sees guest RAM. */
static uint32_t host_apic_assist(void)
{
	return *(volatile uint32_t *)(vm.mem + (uintptr_t)assist_page);
}

static int lazy_eoi_skips_the_apic(void)
{
	struct hvkm_vp_stats st;
	struct ucall uc;

	KSFT_CHECK(start(guest_lazy_eoi) == 0, "setup");
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_SYNC, &uc) == 0 && uc.args[0] == 1,
		   "stage 1");
	KSFT_CHECK(assert_irq(0x60) == 0, "assert");
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_SYNC, &uc) == 0 && uc.args[0] == 0x41,
		   "handler of 0x41");
	/* Nothing is left to the page while the VMM has the VP. */
	KSFT_CHECK((host_apic_assist() & 1) == 0, "apic_assist %#x at the ucall",
		   host_apic_assist());
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_DONE, NULL) == 0, "guest");
	KSFT_CHECK(vp_stats(&st) == 0, "stats");
	/* 0x40 twice, 0x30, 0x60; 0x41's EOI was the guest's own. */
	KSFT_CHECK(st.lazy_eois == 4, "lazy EOIs %llu", (unsigned long long)st.lazy_eois);
	vm_stop(&vm, &vcpu);
	return KSFT_PASS;
}

/* Another vector in service: no bit for it, and the first one's bit is taken back. */
static void guest_nested(uint64_t arg)
{
	(void)arg;
	assist_setup();
	nest_from = 0x30;
	nest_to = 0x50;
	self_ipi(0x30);
	GUEST_ASSERT_EQ(guest_irq_count[0x30], 1);
	GUEST_ASSERT_EQ(guest_irq_count[0x50], 1);
	GUEST_ASSERT_EQ(bit_at_entry[0x30], 1);
	GUEST_ASSERT_EQ(bit_after_nest, 0);
	GUEST_ASSERT_EQ(bit_at_entry[0x50], 0);
	GUEST_ASSERT(!isr_has(0x30));
	GUEST_ASSERT(!isr_has(0x50));
	nest_to = 0;
	expect_lazy(0x30, 2);
	GUEST_DONE();
}

static int nested_interrupt_gets_no_bit(void)
{
	KSFT_CHECK(start(guest_nested) == 0, "setup");
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_DONE, NULL) == 0, "guest");
	vm_stop(&vm, &vcpu);
	return KSFT_PASS;
}

/* Level-triggered (TMR set): the guest's EOI is needed; no bit. */
static void guest_level(uint64_t arg)
{
	(void)arg;
	assist_setup();
	self_ipi(0x70 | ICR_LEVEL | ICR_ASSERT);
	GUEST_ASSERT_EQ(guest_irq_count[0x70], 1);
	GUEST_ASSERT_EQ(bit_at_entry[0x70], 0);
	GUEST_ASSERT(!isr_has(0x70));
	/* The same vector edge-triggered gets it again. */
	expect_lazy(0x70, 2);
	GUEST_DONE();
}

static int level_interrupt_gets_no_bit(void)
{
	KSFT_CHECK(start(guest_level) == 0, "setup");
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_DONE, NULL) == 0, "guest");
	vm_stop(&vm, &vcpu);
	return KSFT_PASS;
}

/* A guest that EOIs conventionally with the page enabled. */
static void guest_ignores_bit(uint64_t arg)
{
	(void)arg;
	assist_setup();
	ignore_bit = true;
	self_ipi(0x40);
	GUEST_ASSERT_EQ(guest_irq_count[0x40], 1);
	GUEST_ASSERT_EQ(bit_at_entry[0x40], 1);
	GUEST_ASSERT(!isr_has(0x40));
	self_ipi(0x30);
	GUEST_ASSERT_EQ(guest_irq_count[0x30], 1);
	GUEST_ASSERT(!isr_has(0x30));
	self_ipi(0x40);
	GUEST_ASSERT_EQ(guest_irq_count[0x40], 2);
	GUEST_ASSERT(!isr_has(0x40));
	/* Then switches to the page, and back off: both work. */
	ignore_bit = false;
	expect_lazy(0x31, 1);
	raw_wrmsr(MSR_VP_ASSIST_PAGE, 0);
	self_ipi(0x32);
	GUEST_ASSERT_EQ(guest_irq_count[0x32], 1);
	GUEST_ASSERT_EQ(bit_at_entry[0x32], 0);
	GUEST_ASSERT(!isr_has(0x32));
	GUEST_DONE();
}

static int conventional_eoi_still_works(void)
{
	struct hvkm_vp_stats st;

	KSFT_CHECK(start(guest_ignores_bit) == 0, "setup");
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_DONE, NULL) == 0, "guest");
	KSFT_CHECK(vp_stats(&st) == 0, "stats");
	KSFT_CHECK(st.lazy_eois == 1, "lazy EOIs %llu", (unsigned long long)st.lazy_eois);
	vm_stop(&vm, &vcpu);
	return KSFT_PASS;
}

/* The VMM drops the page (MADV_DONTNEED) between two interrupts. */
static void guest_page_replaced(uint64_t arg)
{
	(void)arg;
	assist_setup();
	expect_lazy(0x40, 1);
	*apic_assist = 0x100;		/* a mark the VMM's madvise() removes */
	GUEST_SYNC(1);
	GUEST_ASSERT_EQ(*apic_assist, 0);
	expect_lazy(0x40, 2);
	GUEST_DONE();
}

static int assist_page_follows_the_vmm(void)
{
	struct ucall uc;

	KSFT_CHECK(start(guest_page_replaced) == 0, "setup");
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_SYNC, &uc) == 0, "stage 1");
	KSFT_CHECK(host_apic_assist() == 0x100, "apic_assist %#x", host_apic_assist());
	KSFT_CHECK(madvise(vm.mem + (uintptr_t)assist_page, 4096, MADV_DONTNEED) == 0,
		   "madvise: %s", strerror(errno));
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_DONE, NULL) == 0, "guest");
	vm_stop(&vm, &vcpu);
	return KSFT_PASS;
}

/* ---- rep hypercall continuation ---------------------------------------------- */

static void hv_enable(void)
{
	raw_wrmsr(MSR_GUEST_OS_ID, LINUX_OS_ID);
	raw_wrmsr(MSR_HYPERCALL, (uintptr_t)hv_page | 1);
}

/* A call through the hypercall page; @control comes back as the guest's RCX left it. */
static uint64_t hv_call(uint64_t *control, uint64_t in)
{
	uint64_t status;

	asm volatile("xor %%r8d, %%r8d\n\t"
		     "sub $128, %%rsp\n\t"
		     "call *%[page]\n\t"
		     "add $128, %%rsp"
		     : "=a" (status), "+c" (*control), "+d" (in)
		     : [page] "r" (hv_page)
		     : "r8", "memory", "cc");
	return status;
}

static void guest_long_list(uint64_t arg)
{
	uint64_t *in = (uint64_t *)hv_in, control;
	unsigned int i;

	(void)arg;
	hv_enable();
	in[0] = 0;
	in[1] = FLUSH_ALL_PROCESSORS | FLUSH_ALL_SPACES;
	in[2] = 0;
	for (i = 0; i < LONG_LIST; i++)
		in[3 + i] = (0x100000ULL + i) << 12;
	GUEST_SYNC(1);
	control = HC_FLUSH_LIST | HC_REP(LONG_LIST, 0);
	GUEST_ASSERT_EQ(hv_call(&control, (uintptr_t)hv_in), HV_SUCCESS | (uint64_t)LONG_LIST << 32);
	/* RCX holds the input value of the last entry, which did a chunk at most. */
	GUEST_ASSERT(HC_REP_START(control) >= LONG_LIST - REP_CHUNK);
	GUEST_ASSERT(HC_REP_START(control) < LONG_LIST);
	GUEST_SYNC(2);
	/* Starting in the middle, as a continued call does. */
	control = HC_FLUSH_LIST | HC_REP(LONG_LIST, 100);
	GUEST_ASSERT_EQ(hv_call(&control, (uintptr_t)hv_in), HV_SUCCESS | (uint64_t)LONG_LIST << 32);
	GUEST_SYNC(3);
	/* An error on a later entry reports the reps done before it. */
	in[1] = 1ULL << 5;
	control = HC_FLUSH_LIST | HC_REP(LONG_LIST, 128);
	GUEST_ASSERT_EQ(hv_call(&control, (uintptr_t)hv_in),
			HV_INVALID_PARAMETER | 128ULL << 32);
	GUEST_ASSERT_EQ(HC_REP_START(control), 128);
	/* A list that leaves the page fails before any rep. */
	in[1] = FLUSH_ALL_PROCESSORS | FLUSH_ALL_SPACES;
	control = HC_FLUSH_LIST | HC_REP(LONG_LIST, 0);
	GUEST_ASSERT_EQ(hv_call(&control, (uintptr_t)hv_in + 2048), 4ULL);	/* alignment */
	GUEST_DONE();
}

static uint64_t hypercall_exits(void)
{
	struct hvkm_vp_stats st;

	if (vp_stats(&st))
		return 0;
	return st.exits[HVKM_STAT_EXIT_HYPERCALL];
}

static int rep_call_continues_64(void)
{
	uint64_t before, after;
	struct ucall uc;

	KSFT_CHECK(start(guest_long_list) == 0, "setup");
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_SYNC, &uc) == 0 && uc.args[0] == 1, "1");
	before = hypercall_exits();
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_SYNC, &uc) == 0 && uc.args[0] == 2, "2");
	after = hypercall_exits();
	/* One entry per chunk at least: 300 reps are five entries or more. */
	KSFT_CHECK(after - before >= (LONG_LIST + REP_CHUNK - 1) / REP_CHUNK,
		   "%llu hypercall exits", (unsigned long long)(after - before));
	before = after;
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_SYNC, &uc) == 0 && uc.args[0] == 3, "3");
	after = hypercall_exits();
	KSFT_CHECK(after - before >= (LONG_LIST - 100 + REP_CHUNK - 1) / REP_CHUNK,
		   "%llu hypercall exits from rep 100", (unsigned long long)(after - before));
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_DONE, NULL) == 0, "guest");
	vm_stop(&vm, &vcpu);
	return KSFT_PASS;
}

/*
 * A flat 32-bit guest: control in EDX:EAX, input GPA in EBX:ECX, output in
 * EDI:ESI; the result comes back in EDX:EAX, which the guest sends out.
 */
#define GPA32_CODE	0x8000
#define GPA32_PAGE	0x9000
#define GPA32_INPUT	0xa000

static int rep_call_continues_32(void)
{
	static const uint8_t code[] = {
		0xb9, 0x00, 0x00, 0x00, 0x40,	/* mov ecx, HV_X64_MSR_GUEST_OS_ID */
		0xb8, 0x01, 0x00, 0x00, 0x00,	/* mov eax, 1 */
		0x31, 0xd2,			/* xor edx, edx */
		0x0f, 0x30,			/* wrmsr */
		0xb9, 0x01, 0x00, 0x00, 0x40,	/* mov ecx, HV_X64_MSR_HYPERCALL */
		0xb8, 0x01, 0x90, 0x00, 0x00,	/* mov eax, GPA32_PAGE | enable */
		0x0f, 0x30,			/* wrmsr */
		0xb8, 0x03, 0x00, 0x00, 0x00,	/* mov eax, HvCallFlushVirtualAddressList */
		0xba, 0x2c, 0x01, 0x00, 0x00,	/* mov edx, 300: rep count */
		0xb9, 0x00, 0xa0, 0x00, 0x00,	/* mov ecx, GPA32_INPUT */
		0x31, 0xdb,			/* xor ebx, ebx */
		0x31, 0xf6,			/* xor esi, esi */
		0x31, 0xff,			/* xor edi, edi */
		0x0f, 0x01, 0xd9,		/* vmmcall */
		0x89, 0xd3,			/* mov ebx, edx */
		0x66, 0xba, 0x01, 0x1b,		/* mov dx, 0x1b01 */
		0xef,				/* out dx, eax */
		0x89, 0xd8,			/* mov eax, ebx */
		0xef,				/* out dx, eax */
		0xf4,				/* hlt */
	};
	uint64_t *in, before;
	unsigned int i;
	int ret = vm_create_long_mode(&vm, MEM_SIZE, 1);

	KSFT_CHECK(ret == 0, "vm: %s", strerror(-ret));
	KSFT_CHECK(property(PRIVS) == 0, "privileges");
	memcpy(vm.mem + GPA32_CODE, code, sizeof(code));
	in = (uint64_t *)(vm.mem + GPA32_INPUT);
	in[0] = 0;
	in[1] = FLUSH_ALL_PROCESSORS | FLUSH_ALL_SPACES;
	in[2] = 0;
	for (i = 0; i < LONG_LIST; i++)
		in[3 + i] = (uint64_t)i << 12;
	KSFT_CHECK(vcpu_create(&vm, &vcpu, 0) == 0, "vp");
	KSFT_CHECK(vcpu_set_protected_mode(&vcpu, GPA32_CODE) == 0, "registers");
	before = hypercall_exits();
	KSFT_CHECK(vcpu_run(&vcpu) == 0, "run");
	KSFT_CHECK(vcpu.run->exit_reason == HVKM_EXIT_IO && vcpu.run->io.port == 0x1b01 &&
		   vcpu.run->io.data == HV_SUCCESS, "exit %u port %#x EAX %#llx",
		   vcpu.run->exit_reason, vcpu.run->io.port,
		   (unsigned long long)vcpu.run->io.data);
	KSFT_CHECK(hypercall_exits() - before >= (LONG_LIST + REP_CHUNK - 1) / REP_CHUNK,
		   "%llu hypercall exits", (unsigned long long)(hypercall_exits() - before));
	KSFT_CHECK(vcpu_run(&vcpu) == 0, "run");
	/* EDX: reps completed (bits 43:32 of the result), rep start gone. */
	KSFT_CHECK(vcpu.run->exit_reason == HVKM_EXIT_IO && vcpu.run->io.data == LONG_LIST,
		   "exit %u EDX %#llx", vcpu.run->exit_reason,
		   (unsigned long long)vcpu.run->io.data);
	vcpu_destroy(&vcpu);
	vm_destroy(&vm);
	return KSFT_PASS;
}

static const struct ksft_case cases[] = {
	KSFT_CASE(lazy_eoi_skips_the_apic),
	KSFT_CASE(nested_interrupt_gets_no_bit),
	KSFT_CASE(level_interrupt_gets_no_bit),
	KSFT_CASE(conventional_eoi_still_works),
	KSFT_CASE(assist_page_follows_the_vmm),
	KSFT_CASE(rep_call_continues_64),
	KSFT_CASE(rep_call_continues_32),
};

int main(void)
{
	return ksft_run(cases, KSFT_NR(cases), NULL);
}
