// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel local APIC as a 64-bit C guest sees it: xAPIC registers
 * through MMIO, x2APIC registers through MSRs, priorities with TPR/CR8 and
 * EOI, IPIs between VPs with every destination form, INIT/SIPI, the timer
 * in its three modes, ExtINT and level-triggered interrupts from the VMM,
 * and the Hyper-V EOI/ICR/TPR MSRs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "lib/guest.h"
#include "lib/ksft.h"

#define MEM_SIZE	(16 << 20)
#define GP		13

#define APIC_ID		0x20
#define APIC_LVR	0x30
#define APIC_TPR	0x80
#define APIC_PPR	0xa0
#define APIC_EOI	0xb0
#define APIC_LDR	0xd0
#define APIC_DFR	0xe0
#define APIC_SVR	0xf0
#define APIC_ISR	0x100
#define APIC_TMR	0x180
#define APIC_IRR	0x200
#define APIC_ESR	0x280
#define APIC_ICR	0x300
#define APIC_ICR2	0x310
#define APIC_LVTT	0x320
#define APIC_LVT0	0x350
#define APIC_LVTERR	0x370
#define APIC_TMICT	0x380
#define APIC_TMCCT	0x390
#define APIC_TDCR	0x3e0

#define ICR_SELF	(1u << 18)
#define ICR_ALL_BUT	(3u << 18)
#define ICR_LOGICAL	(1u << 11)
#define ICR_INIT	(5u << 8)
#define ICR_SIPI	(6u << 8)
#define ICR_ASSERT	(1u << 14)
#define ICR_LEVEL	(1u << 15)

#define MSR_APIC_BASE	0x1b
#define MSR_TSC_DEADLINE 0x6e0
#define MSR_X2APIC(reg)	(0x800 + ((reg) >> 4))
#define MSR_HV_EOI	0x40000070
#define MSR_HV_ICR	0x40000071
#define MSR_HV_TPR	0x40000072

static struct hvkm_vm vm;
static struct hvkm_vcpu vcpu;

static uint32_t apic_read(uint32_t reg)
{
	return *(volatile uint32_t *)(GUEST_APIC_MMIO + reg);
}

static void apic_write(uint32_t reg, uint32_t val)
{
	*(volatile uint32_t *)(GUEST_APIC_MMIO + reg) = val;
}

static void apic_icr(uint32_t dest, uint32_t low)
{
	apic_write(APIC_ICR2, dest << 24);
	apic_write(APIC_ICR, low);
}

static bool irr_has(uint32_t vector)
{
	return apic_read(APIC_IRR + (vector / 32) * 0x10) & (1u << (vector % 32));
}

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a" (lo), "=d" (hi));
	return lo | (uint64_t)hi << 32;
}

static int start(void (*fn)(uint64_t), uint64_t arg, unsigned int vps)
{
	int ret = vm_create_long_mode(&vm, MEM_SIZE, vps);

	if (!ret)
		ret = vcpu_create_long_mode(&vm, &vcpu, 0, fn, arg);
	if (ret && vm.fd > 0)
		vm_destroy(&vm);
	return ret;
}

static int run_to_done(void)
{
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_DONE, NULL) == 0, "guest");
	return KSFT_PASS;
}

/* ---- registers ------------------------------------------------------------------ */

static void guest_xapic_registers(uint64_t arg)
{
	(void)arg;
	/* Reset state (SDM 10.4.7.1). */
	GUEST_ASSERT_EQ(apic_read(APIC_ID), 0);
	GUEST_ASSERT_EQ(apic_read(APIC_LVR) & 0xff00ff, 0x050014);
	GUEST_ASSERT_EQ(apic_read(APIC_SVR), 0xff);
	GUEST_ASSERT_EQ(apic_read(APIC_DFR), 0xffffffff);
	GUEST_ASSERT_EQ(apic_read(APIC_LVTT), 0x10000);
	GUEST_ASSERT_EQ(apic_read(APIC_LVT0), 0x10000);
	GUEST_ASSERT_EQ(apic_read(APIC_TPR), 0);
	/* Software disabled: LVT entries stay masked. */
	apic_write(APIC_LVTERR, 0xfe);
	GUEST_ASSERT_EQ(apic_read(APIC_LVTERR), 0x100fe);
	guest_apic_enable();
	GUEST_ASSERT_EQ(apic_read(APIC_SVR), 0x1ff);
	apic_write(APIC_LVTERR, 0xfe);
	GUEST_ASSERT_EQ(apic_read(APIC_LVTERR), 0xfe);
	/* TPR and PPR; LDR and DFR; ESR; the ID is the VMM's. */
	apic_write(APIC_TPR, 0x35);
	GUEST_ASSERT_EQ(apic_read(APIC_TPR), 0x35);
	GUEST_ASSERT_EQ(apic_read(APIC_PPR), 0x35);
	apic_write(APIC_TPR, 0);
	apic_write(APIC_LDR, 0x12345678);
	GUEST_ASSERT_EQ(apic_read(APIC_LDR), 0x12000000);
	apic_write(APIC_DFR, 0);
	GUEST_ASSERT_EQ(apic_read(APIC_DFR), 0x0fffffff);
	apic_write(APIC_ESR, 0);
	GUEST_ASSERT_EQ(apic_read(APIC_ESR), 0);
	apic_write(APIC_ID, 0x7000000);
	GUEST_ASSERT_EQ(apic_read(APIC_ID), 0);
	/* Turning software enable off masks every LVT again. */
	apic_write(APIC_SVR, 0xff);
	GUEST_ASSERT_EQ(apic_read(APIC_LVTERR), 0x100fe);
	GUEST_DONE();
}

static int xapic_registers(void)
{
	KSFT_CHECK(start(guest_xapic_registers, 0, 1) == 0, "setup");
	KSFT_CHECK(run_to_done() == KSFT_PASS, "guest");
	vm_stop(&vm, &vcpu);
	return KSFT_PASS;
}

static void guest_x2apic(uint64_t apic_id)
{
	uint64_t base = guest_rdmsr(MSR_APIC_BASE), v;

	/* x2APIC registers #GP while in xAPIC mode. */
	GUEST_ASSERT_EQ(guest_rdmsr_safe(MSR_X2APIC(APIC_ID), &v), GP);
	guest_wrmsr(MSR_APIC_BASE, base | (1 << 10));
	guest_apic_mode = GUEST_APIC_X2APIC;
	GUEST_ASSERT_EQ(guest_rdmsr(MSR_X2APIC(APIC_ID)), apic_id);
	GUEST_ASSERT_EQ(guest_rdmsr(MSR_X2APIC(APIC_LDR)), (apic_id >> 4) << 16 | 1u << (apic_id & 15));
	GUEST_ASSERT_EQ(guest_rdmsr(MSR_X2APIC(APIC_LVR)) & 0xff, 0x14);
	/* Read-only, write-only, absent and reserved (SDM 10.12.1.2). */
	GUEST_ASSERT_EQ(guest_wrmsr_safe(MSR_X2APIC(APIC_ID), 0), GP);
	GUEST_ASSERT_EQ(guest_wrmsr_safe(MSR_X2APIC(APIC_LDR), 0), GP);
	GUEST_ASSERT_EQ(guest_wrmsr_safe(MSR_X2APIC(APIC_PPR), 0), GP);
	GUEST_ASSERT_EQ(guest_rdmsr_safe(MSR_X2APIC(APIC_EOI), &v), GP);
	GUEST_ASSERT_EQ(guest_rdmsr_safe(MSR_X2APIC(APIC_DFR), &v), GP);
	GUEST_ASSERT_EQ(guest_rdmsr_safe(MSR_X2APIC(APIC_ICR2), &v), GP);
	GUEST_ASSERT_EQ(guest_wrmsr_safe(MSR_X2APIC(APIC_EOI), 1), GP);
	GUEST_ASSERT_EQ(guest_wrmsr_safe(MSR_X2APIC(APIC_TPR), 0x100), GP);
	GUEST_ASSERT_EQ(guest_wrmsr_safe(MSR_X2APIC(APIC_SVR), 1ULL << 32), GP);
	guest_wrmsr(MSR_X2APIC(APIC_SVR), 0x1ff);
	guest_wrmsr(MSR_X2APIC(APIC_TPR), 0x20);
	GUEST_ASSERT_EQ(guest_rdmsr(MSR_X2APIC(APIC_PPR)), 0x20);
	guest_wrmsr(MSR_X2APIC(APIC_TPR), 0);
	/* A self IPI through the x2APIC-only SELF IPI register. */
	asm volatile("sti");
	guest_wrmsr(0x83f, 0x66);
	GUEST_ASSERT_EQ(guest_irq_count[0x66], 1);
	asm volatile("cli");
	/* Straight back to xAPIC mode is not allowed; through disabled it is. */
	GUEST_ASSERT_EQ(guest_wrmsr_safe(MSR_APIC_BASE, base), GP);
	guest_wrmsr(MSR_APIC_BASE, base & ~(1ULL << 11));
	guest_apic_mode = GUEST_APIC_OFF;
	GUEST_ASSERT_EQ(guest_wrmsr_safe(MSR_APIC_BASE, base | 3 << 10), GP);
	guest_wrmsr(MSR_APIC_BASE, base);
	GUEST_ASSERT_EQ(apic_read(APIC_ID), apic_id << 24);
	GUEST_ASSERT_EQ(apic_read(APIC_SVR), 0xff);	/* disabling reset it */
	GUEST_DONE();
}

static int x2apic_mode(void)
{
	KSFT_CHECK(start(guest_x2apic, 0, 1) == 0, "setup");
	KSFT_CHECK(run_to_done() == KSFT_PASS, "guest");
	vm_stop(&vm, &vcpu);
	return KSFT_PASS;
}

/* ---- priorities ------------------------------------------------------------------- */

static void guest_priorities(uint64_t arg)
{
	(void)arg;
	guest_apic_enable();
	/* With IF clear, self IPIs wait in IRR. */
	apic_icr(0, ICR_SELF | 0x45);
	apic_icr(0, ICR_SELF | 0x85);
	GUEST_ASSERT(irr_has(0x45) && irr_has(0x85));
	/* TPR 0x90 holds both back, even with IF set. */
	apic_write(APIC_TPR, 0x90);
	asm volatile("sti; nop; nop; cli");
	GUEST_ASSERT_EQ(guest_irq_seen, 0);
	/* CR8 is TPR[7:4]: lowering it lets them in, highest first. */
	asm volatile("mov %0, %%cr8" : : "r" (7ULL));
	GUEST_ASSERT_EQ(apic_read(APIC_TPR), 0x70);
	asm volatile("sti; nop; nop; cli");
	GUEST_ASSERT_EQ(guest_irq_seen, 1);
	GUEST_ASSERT_EQ(guest_irq_order[0], 0x85);
	asm volatile("mov %0, %%cr8; sti; nop; nop; cli" : : "r" (0ULL));
	GUEST_ASSERT_EQ(guest_irq_seen, 2);
	GUEST_ASSERT_EQ(guest_irq_order[1], 0x45);
	GUEST_ASSERT(!irr_has(0x45) && !irr_has(0x85));
	GUEST_DONE();
}

static int tpr_cr8_and_order(void)
{
	KSFT_CHECK(start(guest_priorities, 0, 1) == 0, "setup");
	KSFT_CHECK(run_to_done() == KSFT_PASS, "guest");
	vm_stop(&vm, &vcpu);
	return KSFT_PASS;
}

static void guest_nested(uint64_t arg)
{
	(void)arg;
	guest_apic_enable();
	/*
	 * Without EOI the vector stays in service: a lower one waits, a higher
	 * one preempts (SDM 10.8.3).  The library's handler EOIs, so a
	 * handler-less check: vectors in service while IF is clear.
	 */
	guest_apic_mode = GUEST_APIC_OFF;	/* the handler must not EOI */
	asm volatile("sti");
	apic_icr(0, ICR_SELF | 0x60);
	asm volatile("cli");
	GUEST_ASSERT_EQ(guest_irq_count[0x60], 1);
	GUEST_ASSERT(apic_read(APIC_ISR + 0x30) & 1);		/* 0x60 in service */
	GUEST_ASSERT_EQ(apic_read(APIC_PPR), 0x60);
	asm volatile("sti");
	apic_icr(0, ICR_SELF | 0x55);				/* lower: waits */
	apic_icr(0, ICR_SELF | 0x75);				/* higher: comes in */
	asm volatile("cli");
	GUEST_ASSERT_EQ(guest_irq_count[0x75], 1);
	GUEST_ASSERT_EQ(guest_irq_count[0x55], 0);
	GUEST_ASSERT(irr_has(0x55));
	apic_write(APIC_EOI, 0);				/* ends 0x75 */
	apic_write(APIC_EOI, 0);				/* ends 0x60 */
	guest_apic_mode = GUEST_APIC_XAPIC;
	asm volatile("sti; nop; cli");
	GUEST_ASSERT_EQ(guest_irq_count[0x55], 1);
	GUEST_ASSERT_EQ(apic_read(APIC_ISR + 0x20), 0);
	GUEST_SYNC(1);
	/* A level-triggered vector from the VMM shows in TMR while in service. */
	guest_apic_mode = GUEST_APIC_OFF;
	asm volatile("sti; nop; cli");
	GUEST_ASSERT_EQ(guest_irq_count[0x70], 1);
	GUEST_ASSERT(apic_read(APIC_TMR + 0x30) & (1u << 16));
	apic_write(APIC_EOI, 0);
	GUEST_DONE();
}

static int assert_irq(uint64_t control, uint32_t dest, uint32_t vector)
{
	struct hvkm_assert_interrupt a = { .control = control, .dest_addr = dest,
					   .vector = vector };

	return ioctl(vm.fd, HVKM_ASSERT_INTERRUPT, &a) ? -errno : 0;
}

static int in_service_and_eoi(void)
{
	KSFT_CHECK(start(guest_nested, 0, 1) == 0, "setup");
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_SYNC, NULL) == 0, "stage 1");
	KSFT_CHECK(assert_irq(HV_INTERRUPT_CONTROL_LEVEL_TRIGGERED, 0, 0x70) == 0, "assert");
	KSFT_CHECK(run_to_done() == KSFT_PASS, "guest");
	vm_stop(&vm, &vcpu);
	return KSFT_PASS;
}

static void guest_extint(uint64_t arg)
{
	(void)arg;
	guest_apic_enable();
	apic_write(APIC_TPR, 0xf0);
	GUEST_SYNC(1);
	/* ExtINT comes from the PIC: TPR does not hold it back. */
	asm volatile("sti; nop; cli");
	GUEST_ASSERT_EQ(guest_irq_count[0x30], 1);
	/* A fixed interrupt to a software-disabled APIC is dropped. */
	apic_write(APIC_TPR, 0);
	apic_write(APIC_SVR, 0xff);
	GUEST_SYNC(2);
	asm volatile("sti; nop; cli");
	GUEST_ASSERT_EQ(guest_irq_count[0x31], 0);
	GUEST_DONE();
}

static int extint_and_disabled_apic(void)
{
	KSFT_CHECK(start(guest_extint, 0, 1) == 0, "setup");
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_SYNC, NULL) == 0, "stage 1");
	KSFT_CHECK(assert_irq(HV_X64_INTERRUPT_TYPE_EXTINT, 0, 0x30) == 0, "ExtINT");
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_SYNC, NULL) == 0, "stage 2");
	KSFT_CHECK(assert_irq(HV_X64_INTERRUPT_TYPE_FIXED, 0, 0x31) == 0, "fixed");
	KSFT_CHECK(run_to_done() == KSFT_PASS, "guest");
	vm_stop(&vm, &vcpu);
	return KSFT_PASS;
}

/* ---- IPIs, INIT and SIPI ------------------------------------------------------------- */

static volatile uint32_t receiver_ready;

static void guest_sender(uint64_t arg)
{
	(void)arg;
	guest_apic_enable();
	while (!receiver_ready)
		asm volatile("pause");
	apic_icr(1, 0x41);				/* physical: APIC id 1 */
	apic_icr(0x02, ICR_LOGICAL | 0x42);		/* flat logical: bit 1 */
	apic_icr(0, ICR_ALL_BUT | 0x43);		/* everyone else */
	apic_icr(3, 0x44);				/* no APIC id 3: nobody */
	apic_icr(0xff, 0x45);				/* physical broadcast */
	/* Hyper-V's ICR MSR: the same, in xAPIC format (destination in 63:56). */
	guest_wrmsr(MSR_HV_ICR, 1ULL << 56 | 0x46);
	/* Both VPs took the broadcast; the count may miss one (no atomics here). */
	while (!guest_irq_count[0x45])
		asm volatile("sti; pause; cli");
	GUEST_DONE();
}

static void guest_receiver(uint64_t arg)
{
	(void)arg;
	guest_apic_enable();
	apic_write(APIC_LDR, 0x02000000);		/* logical id: bit 1 */
	asm volatile("sti");
	receiver_ready = 1;
	while (!guest_irq_count[0x46])
		asm volatile("pause");
	asm volatile("cli");
	GUEST_ASSERT_EQ(guest_irq_count[0x41], 1);
	GUEST_ASSERT_EQ(guest_irq_count[0x42], 1);
	GUEST_ASSERT_EQ(guest_irq_count[0x43], 1);
	GUEST_ASSERT_EQ(guest_irq_count[0x44], 0);
	GUEST_DONE();
}

struct runner {
	struct hvkm_vcpu *vcpu;
	int result;
};

static void *run_thread(void *arg)
{
	struct runner *r = arg;

	r->result = vcpu_expect_ucall(&vm, r->vcpu, UCALL_DONE, NULL);
	return NULL;
}

static int ipis_between_vps(void)
{
	struct hvkm_vcpu vcpu1;
	struct runner r0 = { .vcpu = &vcpu }, r1 = { .vcpu = &vcpu1 };
	pthread_t tid;

	KSFT_CHECK(start(guest_sender, 0, 2) == 0, "setup");
	KSFT_CHECK(vcpu_create_long_mode(&vm, &vcpu1, 1, guest_receiver, 0) == 0, "vp 1");
	KSFT_CHECK(pthread_create(&tid, NULL, run_thread, &r1) == 0, "thread");
	run_thread(&r0);
	pthread_join(tid, NULL);
	KSFT_CHECK(r0.result == 0 && r1.result == 0, "sender %d receiver %d", r0.result,
		   r1.result);
	vcpu_destroy(&vcpu1);
	vm_stop(&vm, &vcpu);
	return KSFT_PASS;
}

#define SIPI_PAGE	0x9000		/* SIPI vector 9 */

static void guest_starts_ap(uint64_t arg)
{
	(void)arg;
	guest_apic_enable();
	GUEST_SYNC(1);			/* the host has VP 1 running */
	apic_icr(1, ICR_INIT | ICR_ASSERT | ICR_LEVEL);
	apic_icr(1, ICR_INIT | ICR_LEVEL);		/* de-assert: no effect */
	apic_icr(1, ICR_SIPI | (SIPI_PAGE >> 12));
	apic_icr(1, ICR_SIPI | 0x0a);			/* a second SIPI is ignored */
	GUEST_DONE();
}

static void guest_ap_spins(uint64_t arg)
{
	(void)arg;
	for (;;)
		asm volatile("pause");
}

/*
 * INIT stops a running VP and resets it; a SIPI starts it in real mode at
 * vector * 4 KiB (SDM 8.4.4.1).
 */
static int init_sipi_starts_a_vp(void)
{
	static const uint8_t code[] = {
		0xb0, 0x5a,		/* mov al, 0x5a */
		0xe6, 0x77,		/* out 0x77, al */
		0xf4,			/* hlt */
	};
	struct hvkm_vcpu vcpu1;
	uint64_t cs_base = 0, rip = 0;
	int ret;

	KSFT_CHECK(start(guest_starts_ap, 0, 2) == 0, "setup");
	KSFT_CHECK(vcpu_create_long_mode(&vm, &vcpu1, 1, guest_ap_spins, 0) == 0, "vp 1");
	memcpy(vm.mem + SIPI_PAGE, code, sizeof(code));
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_SYNC, NULL) == 0, "stage 1");
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_DONE, NULL) == 0, "sender");
	/* VP 1 was never run: INIT and SIPI are waiting for it. */
	ret = vcpu_run(&vcpu1);
	KSFT_CHECK(ret == 0 && vcpu1.run->exit_reason == HVKM_EXIT_IO &&
		   vcpu1.run->io.port == 0x77 && (uint8_t)vcpu1.run->io.data == 0x5a,
		   "ret %d exit %u port %#x", ret, vcpu1.run->exit_reason, vcpu1.run->io.port);
	KSFT_CHECK(vcpu_get_reg(&vcpu1, HV_X64_REGISTER_RIP, &rip) == 0 && rip == 4,
		   "rip %#llx", (unsigned long long)rip);
	{
		struct hvkm_register_assoc r = { .name = HV_X64_REGISTER_CS };

		KSFT_CHECK(vcpu_get_assoc(&vcpu1, &r) == 0, "cs");
		cs_base = r.value.segment.base;
		KSFT_CHECK(cs_base == SIPI_PAGE && r.value.segment.selector == SIPI_PAGE >> 4,
			   "cs %#x base %#llx", r.value.segment.selector,
			   (unsigned long long)cs_base);
	}
	vcpu_destroy(&vcpu1);
	vm_stop(&vm, &vcpu);
	return KSFT_PASS;
}

/* A VP halted in its INIT wait stays there until a SIPI; a signal ends RUN. */
static void *init_then_sipi_later(void *arg)
{
	struct timespec ts = { .tv_nsec = 300 * 1000 * 1000 };

	(void)arg;
	assert_irq(HV_X64_INTERRUPT_TYPE_INIT, 1, 0);
	nanosleep(&ts, NULL);
	assert_irq(HV_X64_INTERRUPT_TYPE_SIPI, 1, SIPI_PAGE >> 12);
	return NULL;
}

static int vmm_init_sipi_wakes_a_waiting_vp(void)
{
	static const uint8_t code[] = { 0xe6, 0x78, 0xf4 };	/* out 0x78, al; hlt */
	struct hvkm_vcpu vcpu1;
	pthread_t tid;
	int ret;

	KSFT_CHECK(start(guest_ap_spins, 0, 2) == 0, "setup");
	KSFT_CHECK(vcpu_create_long_mode(&vm, &vcpu1, 1, guest_ap_spins, 0) == 0, "vp 1");
	memcpy(vm.mem + SIPI_PAGE, code, sizeof(code));
	KSFT_CHECK(pthread_create(&tid, NULL, init_then_sipi_later, NULL) == 0, "thread");
	ret = vcpu_run(&vcpu1);
	pthread_join(tid, NULL);
	KSFT_CHECK(ret == 0 && vcpu1.run->exit_reason == HVKM_EXIT_IO &&
		   vcpu1.run->io.port == 0x78, "ret %d exit %u", ret, vcpu1.run->exit_reason);
	vcpu_destroy(&vcpu1);
	vm_stop(&vm, &vcpu);
	return KSFT_PASS;
}

/* ---- the timer --------------------------------------------------------------------- */

static void guest_timer(uint64_t arg)
{
	uint64_t t0, deadline;
	uint32_t c1, c2;

	(void)arg;
	guest_apic_enable();
	/* One-shot: 2 ms at the 200 MHz APIC clock, divide by 1. */
	apic_write(APIC_TDCR, 0xb);
	apic_write(APIC_LVTT, 0x50);
	apic_write(APIC_TMICT, 400000);
	c1 = apic_read(APIC_TMCCT);
	c2 = apic_read(APIC_TMCCT);
	GUEST_ASSERT(c1 <= 400000 && c2 <= c1);
	asm volatile("sti");
	while (!guest_irq_count[0x50])
		asm volatile("pause");
	asm volatile("cli");
	GUEST_ASSERT_EQ(apic_read(APIC_TMCCT), 0);
	GUEST_SYNC(1);
	GUEST_ASSERT_EQ(guest_irq_count[0x50], 1);	/* one-shot: once */

	/* Periodic: 5 ms, divide by 2; five periods, then stop it. */
	apic_write(APIC_TDCR, 0x0);
	apic_write(APIC_LVTT, 0x51 | 1 << 17);
	apic_write(APIC_TMICT, 500000);
	asm volatile("sti");
	while (guest_irq_count[0x51] < 5)
		asm volatile("pause");
	asm volatile("cli");
	apic_write(APIC_TMICT, 0);
	GUEST_SYNC(2);

	/* A masked timer counts but does not interrupt. */
	apic_write(APIC_LVTT, 0x52 | 1 << 16);
	apic_write(APIC_TMICT, 1000);
	GUEST_SYNC(3);

	/* TSC deadline: fires once the TSC passes it; the MSR then reads 0. */
	apic_write(APIC_LVTT, 0x53 | 2 << 17);
	t0 = rdtsc();
	deadline = t0 + 200000000;	/* far enough for the reads below, even under KASAN */
	guest_wrmsr(MSR_TSC_DEADLINE, deadline);
	GUEST_ASSERT_EQ(guest_rdmsr(MSR_TSC_DEADLINE), deadline);
	asm volatile("sti");
	while (!guest_irq_count[0x53])
		asm volatile("pause");
	asm volatile("cli");
	GUEST_ASSERT(rdtsc() >= deadline);
	GUEST_ASSERT_EQ(guest_rdmsr(MSR_TSC_DEADLINE), 0);
	GUEST_ASSERT_EQ(guest_irq_count[0x52], 0);	/* the masked one never came */
	GUEST_DONE();
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int timer_modes(void)
{
	double t0, t1;

	KSFT_CHECK(start(guest_timer, 0, 1) == 0, "setup");
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_SYNC, NULL) == 0, "one-shot");
	t0 = now();
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_SYNC, NULL) == 0, "periodic");
	t1 = now();
	/* Five 5 ms periods: at least 20 ms (the first may start late), not seconds. */
	KSFT_CHECK(t1 - t0 >= 0.020 && t1 - t0 < 5, "five periods took %.3f s", t1 - t0);
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_SYNC, NULL) == 0, "masked");
	KSFT_CHECK(run_to_done() == KSFT_PASS, "TSC deadline");
	vm_stop(&vm, &vcpu);
	return KSFT_PASS;
}

/* ---- Hyper-V's APIC MSRs ---------------------------------------------------------- */

static void guest_hv_msrs(uint64_t arg)
{
	(void)arg;
	guest_apic_enable();
	guest_apic_mode = GUEST_APIC_OFF;	/* EOIs by hand below */
	guest_wrmsr(MSR_HV_TPR, 0x40);
	GUEST_ASSERT_EQ(apic_read(APIC_TPR), 0x40);
	GUEST_ASSERT_EQ(guest_rdmsr(MSR_HV_TPR), 0x40);
	guest_wrmsr(MSR_HV_TPR, 0);
	asm volatile("sti");
	guest_wrmsr(MSR_HV_ICR, ICR_SELF | 0x61);
	asm volatile("cli");
	GUEST_ASSERT_EQ(guest_irq_count[0x61], 1);
	GUEST_ASSERT_EQ(guest_rdmsr(MSR_HV_ICR) & 0xfffff, ICR_SELF | 0x61);
	GUEST_ASSERT(apic_read(APIC_ISR + 0x30) & 2);
	guest_wrmsr(MSR_HV_EOI, 0);
	GUEST_ASSERT_EQ(apic_read(APIC_ISR + 0x30), 0);
	GUEST_DONE();
}

static int hyperv_apic_msrs(void)
{
	KSFT_CHECK(start(guest_hv_msrs, 0, 1) == 0, "setup");
	KSFT_CHECK(run_to_done() == KSFT_PASS, "guest");
	vm_stop(&vm, &vcpu);
	return KSFT_PASS;
}

/* ---- the Hyper-V guest idle state ------------------------------------------------ */

#define MSR_GUEST_IDLE	0x400000f0

/*
 * Reading HV_X64_MSR_GUEST_IDLE idles the VP until an interrupt arrives,
 * "regardless of whether the interrupt is enabled" (TLFS 7.5): with IF=0
 * the read returns once the timer's interrupt is pending, which is taken
 * only after STI.  (Linux's paravirtual spinlocks wait like this for the
 * lock holder's IPI.)
 */
static void guest_idle_masked(uint64_t arg)
{
	(void)arg;
	guest_apic_enable();
	asm volatile("cli");
	apic_write(APIC_TDCR, 0xb);
	apic_write(APIC_LVTT, 0x54);
	apic_write(APIC_TMICT, 2000000);	/* 10 ms */
	guest_rdmsr(MSR_GUEST_IDLE);
	GUEST_ASSERT_EQ(apic_read(APIC_TMCCT), 0);
	GUEST_ASSERT(irr_has(0x54));
	GUEST_ASSERT_EQ(guest_irq_count[0x54], 0);
	asm volatile("sti; nop; cli");
	GUEST_ASSERT_EQ(guest_irq_count[0x54], 1);
	GUEST_DONE();
}

static void alarm_ends_run(int sig)
{
	(void)sig;		/* HVKM_RUN_VP returns EINTR: the case fails instead of hanging */
}

static int guest_idle_wakes_with_if_clear(void)
{
	struct sigaction sa = { .sa_handler = alarm_ends_run };
	int ret;

	sigemptyset(&sa.sa_mask);
	KSFT_CHECK(sigaction(SIGALRM, &sa, NULL) == 0, "sigaction");
	KSFT_CHECK(start(guest_idle_masked, 0, 1) == 0, "setup");
	alarm(20);
	ret = run_to_done();
	alarm(0);
	KSFT_CHECK(ret == KSFT_PASS, "the idle VP never woke for a masked interrupt");
	vm_stop(&vm, &vcpu);
	return KSFT_PASS;
}

static const struct ksft_case cases[] = {
	KSFT_CASE(xapic_registers),
	KSFT_CASE(x2apic_mode),
	KSFT_CASE(tpr_cr8_and_order),
	KSFT_CASE(in_service_and_eoi),
	KSFT_CASE(extint_and_disabled_apic),
	KSFT_CASE(ipis_between_vps),
	KSFT_CASE(init_sipi_starts_a_vp),
	KSFT_CASE(vmm_init_sipi_wakes_a_waiting_vp),
	KSFT_CASE(timer_modes),
	KSFT_CASE(hyperv_apic_msrs),
	KSFT_CASE(guest_idle_wakes_with_if_clear),
};

int main(void)
{
	return ksft_run(cases, KSFT_NR(cases), NULL);
}
