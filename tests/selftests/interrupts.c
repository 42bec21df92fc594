// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupts the VMM asserts (HvCallAssertVirtualInterrupt semantics, direct
 * injection until the local APIC lands): priority order, IF and HLT, kicks of
 * a running VP, NMIs, the interrupt window, argument checking, statistics.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "lib/guest.h"
#include "lib/ksft.h"

#define MEM_SIZE	(16 << 20)

static struct hvkm_vm vm;
static struct hvkm_vcpu vcpu;

static int assert_irq(uint32_t type, uint64_t dest, uint32_t vector)
{
	struct hvkm_assert_interrupt a = { .control = type, .dest_addr = dest, .vector = vector };

	return ioctl(vm.fd, HVKM_ASSERT_INTERRUPT, &a) ? -errno : 0;
}

static int start(void (*fn)(uint64_t))
{
	return vm_start_long_mode(&vm, &vcpu, MEM_SIZE, 2, fn, 0);
}

static void stop(void)
{
	vm_stop(&vm, &vcpu);
}

static int expect_ucall(int want)
{
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, want, NULL) == 0, "see above");
	return KSFT_PASS;
}

static void guest_priorities(uint64_t arg)
{
	(void)arg;
	guest_apic_enable();
	GUEST_SYNC(1);				/* IF=0: the host asserts meanwhile */
	GUEST_ASSERT_EQ(guest_irq_seen, 0);
	asm volatile("sti; nop; nop; cli");
	GUEST_ASSERT_EQ(guest_irq_seen, 3);
	GUEST_ASSERT_EQ(guest_irq_order[0], 0x80);
	GUEST_ASSERT_EQ(guest_irq_order[1], 0x50);
	GUEST_ASSERT_EQ(guest_irq_order[2], 0x21);
	GUEST_DONE();
}

static int held_while_if_clear_then_highest_first(void)
{
	int ret = start(guest_priorities);

	KSFT_CHECK(ret == 0, "setup: %d", ret);
	KSFT_CHECK(expect_ucall(UCALL_SYNC) == KSFT_PASS, "sync");
	KSFT_CHECK(assert_irq(HV_X64_INTERRUPT_TYPE_FIXED, 0, 0x50) == 0, "assert 0x50");
	KSFT_CHECK(assert_irq(HV_X64_INTERRUPT_TYPE_LOWESTPRIORITY, 0, 0x21) == 0, "assert 0x21");
	KSFT_CHECK(assert_irq(HV_X64_INTERRUPT_TYPE_FIXED, 0, 0x80) == 0, "assert 0x80");
	KSFT_CHECK(expect_ucall(UCALL_DONE) == KSFT_PASS, "done");
	stop();
	return KSFT_PASS;
}

static void guest_halts(uint64_t arg)
{
	(void)arg;
	guest_apic_enable();
	asm volatile("sti; hlt; cli");
	GUEST_ASSERT_EQ(guest_irq_count[0x40], 1);
	GUEST_DONE();
}

static void guest_spins(uint64_t arg)
{
	(void)arg;
	guest_apic_enable();
	asm volatile("sti");
	while (!guest_irq_count[0x41])
		asm volatile("pause");
	GUEST_DONE();
}

struct later {
	uint32_t type;
	uint32_t vector;
	int ret;
};

static void *assert_later(void *arg)
{
	struct timespec ts = { .tv_nsec = 200 * 1000 * 1000 };
	struct later *l = arg;

	nanosleep(&ts, NULL);
	l->ret = assert_irq(l->type, 0, l->vector);
	return NULL;
}

/* Another thread asserts while RUN is busy: the VP must notice. */
static int delivered_from_another_thread(void (*fn)(uint64_t), uint32_t vector)
{
	struct later l = { .type = HV_X64_INTERRUPT_TYPE_FIXED, .vector = vector };
	pthread_t t;
	int ret = start(fn);

	KSFT_CHECK(ret == 0, "setup: %d", ret);
	KSFT_CHECK(pthread_create(&t, NULL, assert_later, &l) == 0, "thread");
	ret = expect_ucall(UCALL_DONE);
	pthread_join(t, NULL);
	KSFT_CHECK(ret == KSFT_PASS && l.ret == 0, "assert %d", l.ret);
	stop();
	return KSFT_PASS;
}

static int wakes_a_halted_vp(void)
{
	return delivered_from_another_thread(guest_halts, 0x40);
}

static int kicks_a_running_vp(void)
{
	return delivered_from_another_thread(guest_spins, 0x41);
}

static void guest_nmi(uint64_t arg)
{
	(void)arg;
	GUEST_SYNC(1);
	/* IF=0 does not hold an NMI back. */
	asm volatile("nop");
	GUEST_ASSERT_EQ(guest_irq_count[2], 1);
	GUEST_DONE();
}

static int nmi_ignores_if(void)
{
	int ret = start(guest_nmi);

	KSFT_CHECK(ret == 0, "setup: %d", ret);
	KSFT_CHECK(expect_ucall(UCALL_SYNC) == KSFT_PASS, "sync");
	KSFT_CHECK(assert_irq(HV_X64_INTERRUPT_TYPE_NMI, 0, 0) == 0, "assert");
	KSFT_CHECK(expect_ucall(UCALL_DONE) == KSFT_PASS, "done");
	stop();
	return KSFT_PASS;
}

static void guest_window(uint64_t arg)
{
	(void)arg;
	GUEST_SYNC(1);
	asm volatile("sti; nop; nop; nop; cli");
	GUEST_DONE();
}

/* With request_interrupt_window the VMM hears when the guest sets IF. */
static int interrupt_window_exit(void)
{
	uint64_t rflags;
	int ret = start(guest_window);

	KSFT_CHECK(ret == 0, "setup: %d", ret);
	KSFT_CHECK(expect_ucall(UCALL_SYNC) == KSFT_PASS, "sync");
	KSFT_CHECK(!(vcpu.run->flags & HVKM_RUN_INTERRUPTIBLE), "interruptible with IF=0");
	vcpu.run->request_interrupt_window = 1;
	ret = vcpu_run(&vcpu);
	KSFT_CHECK(ret == 0 && vcpu.run->exit_reason == HVKM_EXIT_IRQ_WINDOW_OPEN,
		   "run %d exit %u", ret, vcpu.run->exit_reason);
	KSFT_CHECK(vcpu.run->flags & HVKM_RUN_INTERRUPTIBLE, "flags %#x", vcpu.run->flags);
	KSFT_CHECK(vcpu_get_reg(&vcpu, HV_X64_REGISTER_RFLAGS, &rflags) == 0 &&
		   (rflags & 0x200), "rflags %#llx", (unsigned long long)rflags);
	/* Still open: the next RUN returns at once. */
	ret = vcpu_run(&vcpu);
	KSFT_CHECK(ret == 0 && vcpu.run->exit_reason == HVKM_EXIT_IRQ_WINDOW_OPEN, "again");
	vcpu.run->request_interrupt_window = 0;
	KSFT_CHECK(expect_ucall(UCALL_DONE) == KSFT_PASS, "done");
	stop();
	return KSFT_PASS;
}

static void guest_window_halt(uint64_t arg)
{
	(void)arg;
	GUEST_SYNC(1);
	/* The STI shadow covers HLT: the window opens only once halted. */
	asm volatile("sti; hlt; cli");
	/* The VMM's ExtINT came in at the window. */
	GUEST_ASSERT_EQ(guest_irq_count[0x30], 1);
	GUEST_DONE();
}

/*
 * A window requested while IF=0 ends a later STI; HLT with
 * HVKM_EXIT_IRQ_WINDOW_OPEN (the VMM has an interrupt for it), rather than
 * leaving the VP halted with nothing in the kernel to wake it.
 */
static void on_alarm(int sig)
{
	(void)sig;
}

static int interrupt_window_wakes_halt(void)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	int ret = start(guest_window_halt);

	sigaction(SIGALRM, &sa, NULL);
	KSFT_CHECK(ret == 0, "setup: %d", ret);
	KSFT_CHECK(expect_ucall(UCALL_SYNC) == KSFT_PASS, "sync");
	vcpu.run->request_interrupt_window = 1;
	alarm(10);	/* a VP that stays halted fails the case instead of hanging it */
	ret = vcpu_run(&vcpu);
	alarm(0);
	KSFT_CHECK(ret == 0 && vcpu.run->exit_reason == HVKM_EXIT_IRQ_WINDOW_OPEN,
		   "run %d exit %u", ret, vcpu.run->exit_reason);
	KSFT_CHECK(vcpu.run->flags & HVKM_RUN_INTERRUPTIBLE, "flags %#x", vcpu.run->flags);
	KSFT_CHECK(assert_irq(HV_X64_INTERRUPT_TYPE_EXTINT, 0, 0x30) == 0, "ExtINT");
	vcpu.run->request_interrupt_window = 0;
	KSFT_CHECK(expect_ucall(UCALL_DONE) == KSFT_PASS, "done");
	stop();
	return KSFT_PASS;
}

static int assert_rejects_bad_args(void)
{
	struct hvkm_assert_interrupt a = { .vector = 0x30 };
	int ret = start(guest_window);

	KSFT_CHECK(ret == 0, "setup: %d", ret);
	KSFT_CHECK(assert_irq(HV_X64_INTERRUPT_TYPE_FIXED, 0, 15) == -EINVAL, "vector 15");
	KSFT_CHECK(assert_irq(HV_X64_INTERRUPT_TYPE_FIXED, 0, 256) == -EINVAL, "vector 256");
	KSFT_CHECK(assert_irq(HV_X64_INTERRUPT_TYPE_SMI, 0, 0x30) == -EINVAL, "SMI");
	KSFT_CHECK(assert_irq(HV_X64_INTERRUPT_TYPE_REMOTEREAD, 0, 0x30) == -EINVAL, "remote read");
	KSFT_CHECK(assert_irq(HV_X64_INTERRUPT_TYPE_SIPI, 0, 0x100) == -EINVAL, "SIPI vector");
	KSFT_CHECK(assert_irq(99, 0, 0x30) == -EINVAL, "type 99");
	KSFT_CHECK(assert_irq(HV_X64_INTERRUPT_TYPE_FIXED, 7, 0x30) == -ENOENT, "no such APIC id");
	a.control = 1ULL << 34;
	KSFT_CHECK(ioctl(vm.fd, HVKM_ASSERT_INTERRUPT, &a) < 0 && errno == EINVAL, "control bit 34");
	a.dest_addr = 1ULL << 32;
	a.control = 0;
	KSFT_CHECK(ioctl(vm.fd, HVKM_ASSERT_INTERRUPT, &a) < 0 && errno == ENOENT, "dest > 32 bits");
	a.dest_addr = 0;
	a.target_vtl = 1;
	KSFT_CHECK(ioctl(vm.fd, HVKM_ASSERT_INTERRUPT, &a) < 0 && errno == EINVAL, "vtl");
	a.target_vtl = 0;
	a.reserved[1] = 1;
	KSFT_CHECK(ioctl(vm.fd, HVKM_ASSERT_INTERRUPT, &a) < 0 && errno == EINVAL, "reserved");
	KSFT_CHECK(ioctl(vm.fd, HVKM_ASSERT_INTERRUPT, (void *)8) < 0 && errno == EFAULT, "ptr");
	stop();
	return KSFT_PASS;
}

static void guest_counted(uint64_t arg)
{
	unsigned int i;
	uint32_t a, b, c, d;

	(void)arg;
	for (i = 0; i < 10; i++)
		asm volatile("cpuid" : "=a" (a), "=b" (b), "=c" (c), "=d" (d) : "a" (0), "c" (0));
	GUEST_SYNC(1);
	GUEST_DONE();
}

static int statistics_count_exits(void)
{
	struct hvkm_vp_stats st;
	int ret = start(guest_counted);

	KSFT_CHECK(ret == 0, "setup: %d", ret);
	KSFT_CHECK(expect_ucall(UCALL_SYNC) == KSFT_PASS, "sync");
	KSFT_CHECK(expect_ucall(UCALL_DONE) == KSFT_PASS, "done");
	KSFT_CHECK(ioctl(vcpu.fd, HVKM_GET_VP_STATS, &st) == 0, "stats: errno %d", errno);
	KSFT_CHECK(st.exits[HVKM_STAT_EXIT_CPUID] == 10, "cpuid exits %llu",
		   (unsigned long long)st.exits[HVKM_STAT_EXIT_CPUID]);
	KSFT_CHECK(st.exits[HVKM_STAT_EXIT_IO] == 2, "io exits %llu",
		   (unsigned long long)st.exits[HVKM_STAT_EXIT_IO]);
	KSFT_CHECK(st.exits[HVKM_STAT_EXIT_NPF] >= 3, "npf exits %llu",
		   (unsigned long long)st.exits[HVKM_STAT_EXIT_NPF]);
	KSFT_CHECK(st.exits_total >= 15 && st.guest_ns > 0, "total %llu, %llu ns",
		   (unsigned long long)st.exits_total, (unsigned long long)st.guest_ns);
	stop();
	return KSFT_PASS;
}

static const struct ksft_case cases[] = {
	KSFT_CASE(held_while_if_clear_then_highest_first),
	KSFT_CASE(wakes_a_halted_vp),
	KSFT_CASE(kicks_a_running_vp),
	KSFT_CASE(nmi_ignores_if),
	KSFT_CASE(interrupt_window_exit),
	KSFT_CASE(interrupt_window_wakes_halt),
	KSFT_CASE(assert_rejects_bad_args),
	KSFT_CASE(statistics_count_exits),
};

int main(void)
{
	return ksft_run(cases, KSFT_NR(cases), NULL);
}
