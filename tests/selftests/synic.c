// SPDX-License-Identifier: GPL-2.0
/*
 * The SynIC, the synthetic timers and the ring-0 connections as a 64-bit C
 * guest and its VMM see them (TLFS "Inter-Partition Communication",
 * "Timers"): the MSRs and their privileges, messages from the VMM into SIM
 * slots with MessagePending and EOM, event flags, AutoEOI, timers in every
 * mode, HvCallPostMessage to a port fd, HvCallSignalEvent to an eventfd,
 * eventfd routes to SINTs, a VP ringing a halted second VP through a
 * connection routed to its SINT, and SynIC state in the register ioctls.
 * Timing checks are loose bounds only.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "lib/guest.h"
#include "lib/hv_privileges.h"
#include "lib/ksft.h"

#define MEM_SIZE	(16 << 20)
#define GP		13

#define MSR_GUEST_OS_ID		0x40000000
#define MSR_HYPERCALL		0x40000001
#define MSR_TIME_REF_COUNT	0x40000020
#define MSR_SCONTROL		0x40000080
#define MSR_SVERSION		0x40000081
#define MSR_SIEFP		0x40000082
#define MSR_SIMP		0x40000083
#define MSR_EOM			0x40000084
#define MSR_SINT(n)		(0x40000090 + (n))
#define MSR_STIMER_CONFIG(n)	(0x400000b0 + 2 * (n))
#define MSR_STIMER_COUNT(n)	(0x400000b1 + 2 * (n))

#define SINT_MASKED		(1ULL << 16)
#define SINT_AUTO_EOI		(1ULL << 17)
#define SINT_POLLING		(1ULL << 18)

#define STIMER_ENABLE		(1ULL << 0)
#define STIMER_PERIODIC		(1ULL << 1)
#define STIMER_AUTO_ENABLE	(1ULL << 3)
#define STIMER_VECTOR(v)	((uint64_t)(v) << 4)
#define STIMER_DIRECT		(1ULL << 12)
#define STIMER_SINT(n)		((uint64_t)(n) << 16)


#define LINUX_OS_ID		0x8100000601000000ULL
#define HC_FAST			(1ULL << 16)
#define HC_POST_MESSAGE		0x005c
#define HC_SIGNAL_EVENT		0x005d

#define HV_SUCCESS		0
#define HV_INVALID_INPUT	3
#define HV_INVALID_ALIGNMENT	4
#define HV_INVALID_PARAMETER	5
#define HV_ACCESS_DENIED	6
#define HV_INVALID_CONNECTION_ID 18
#define HV_INSUFFICIENT_BUFFERS	19

#define MSG_TIMER_EXPIRED	0x80000010
#define MSG_PENDING		1

/* One second of reference time (100 ns units). */
#define REF_SECOND		10000000ULL

/* TLFS HV_MESSAGE, as the guest reads it from its SIM page. */
struct hv_msg {
	uint32_t type;
	uint8_t size;
	uint8_t flags;
	uint16_t reserved;
	uint64_t sender;
	uint8_t payload[240];
};

struct timer_payload {
	uint32_t index;
	uint32_t reserved;
	uint64_t expiration;
	uint64_t delivery;
};

static struct hvkm_vm vm;
static struct hvkm_vcpu vcpu, vcpu1;

static uint8_t hv_page[4096] __attribute__((aligned(4096)));
static uint8_t hv_in[4096] __attribute__((aligned(4096)));
static uint8_t simp[2][4096] __attribute__((aligned(4096)));
static uint8_t siefp[2][4096] __attribute__((aligned(4096)));
static volatile int vp1_ready;

/* ---- guest helpers ---------------------------------------------------------- */

static uint64_t ref_now(void)
{
	return guest_rdmsr(MSR_TIME_REF_COUNT);
}

static uint64_t hv_call(uint64_t control, uint64_t in, uint64_t out)
{
	uint64_t status;

	asm volatile("mov %[out], %%r8\n\t"
		     "sub $128, %%rsp\n\t"
		     "call *%[page]\n\t"
		     "add $128, %%rsp"
		     : "=a" (status), "+c" (control), "+d" (in)
		     : [out] "r" (out), [page] "r" (hv_page)
		     : "r8", "memory", "cc");
	return status & 0xffff;
}

static void hv_enable(void)
{
	guest_wrmsr(MSR_GUEST_OS_ID, LINUX_OS_ID);
	guest_wrmsr(MSR_HYPERCALL, (uintptr_t)hv_page | 1);
}

/* SynIC on with VP @vp's pages, the APIC on, interrupts on. */
static void synic_on(int vp)
{
	guest_wrmsr(MSR_SIMP, (uintptr_t)simp[vp] | 1);
	guest_wrmsr(MSR_SIEFP, (uintptr_t)siefp[vp] | 1);
	guest_wrmsr(MSR_SCONTROL, 1);
	guest_apic_enable();
	asm volatile("sti");
}

static volatile struct hv_msg *slot(int vp, int sint)
{
	return (volatile struct hv_msg *)(simp[vp] + 256 * sint);
}

static volatile uint64_t *flags_of(int vp, int sint)
{
	return (volatile uint64_t *)(siefp[vp] + 256 * sint);
}

/* Wait (at most 5 s of reference time) until vector @v was taken @n times. */
static bool wait_irq(int v, unsigned int n)
{
	uint64_t end = ref_now() + 5 * REF_SECOND;

	while (guest_irq_count[v] < n)
		if (ref_now() > end)
			return false;
	return true;
}

/* The guest's own compare: libc's may use instructions the guest has not enabled. */
static bool same(const volatile uint8_t *a, const char *b, unsigned int n)
{
	while (n--)
		if (*a++ != (uint8_t)*b++)
			return false;
	return true;
}

/* Let @units of reference time pass. */
static void spin(uint64_t units)
{
	uint64_t end = ref_now() + units;

	while (ref_now() < end)
		asm volatile("pause");
}

/* ---- host helpers ------------------------------------------------------------ */

static int start_vm(void (*fn)(uint64_t), uint64_t arg, uint64_t privileges)
{
	struct hvkm_partition_property p = {
		.code = HV_PARTITION_PROPERTY_PRIVILEGE_FLAGS, .value = privileges,
	};
	int ret = vm_create_long_mode(&vm, MEM_SIZE, 2);

	if (ret)
		return ret;
	ret = ioctl(vm.fd, HVKM_SET_PARTITION_PROPERTY, &p) ? -errno : 0;
	if (!ret)
		ret = vcpu_create_long_mode(&vm, &vcpu, 0, fn, arg);
	if (ret)
		vm_destroy(&vm);
	return ret;
}

static int expect_sync(struct hvkm_vcpu *v, uint64_t stage)
{
	struct ucall uc;

	if (vcpu_expect_ucall(&vm, v, UCALL_SYNC, &uc))
		return -1;
	if (uc.args[0] != stage) {
		ksft_print_msg("stage %llu, want %llu", (unsigned long long)uc.args[0],
			       (unsigned long long)stage);
		return -1;
	}
	return 0;
}

static int post(uint32_t vp, uint32_t sint, uint32_t type, const char *text)
{
	struct hvkm_synic_post p = {
		.vp_index = vp, .sint = sint, .message_type = type,
		.payload_size = strlen(text) + 1,
	};

	memcpy(p.payload, text, p.payload_size);
	return ioctl(vm.fd, HVKM_SYNIC_POST_MESSAGE, &p) ? -errno : 0;
}

static int signal_flag(uint32_t vp, uint32_t sint, uint32_t flag)
{
	struct hvkm_synic_signal s = { .vp_index = vp, .sint = sint, .flag = flag };
	int ret = ioctl(vm.fd, HVKM_SYNIC_SIGNAL_EVENT, &s);

	return ret < 0 ? -errno : ret;
}

static int route(int fd, uint32_t vp, uint32_t sint, int flag, bool deassign)
{
	struct hvkm_synic_route r = { .fd = fd, .vp_index = vp, .sint = sint };

	if (flag >= 0) {
		r.flags |= HVKM_SYNIC_ROUTE_FLAG;
		r.flag = flag;
	}
	if (deassign)
		r.flags |= HVKM_SYNIC_DEASSIGN;
	return ioctl(vm.fd, HVKM_SYNIC_SINT_ROUTE, &r) ? -errno : 0;
}

static short poll_fd(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };

	return poll(&p, 1, 0) == 1 ? p.revents : 0;
}

/* ---- MSRs ---------------------------------------------------------------------- */

static void guest_msrs(uint64_t arg)
{
	uint32_t r[4];
	uint64_t v;
	int i;

	(void)arg;
	guest_cpuid(0x40000003, r);
	GUEST_ASSERT_EQ(r[0] & 0xc, 0xc);			/* SynIC and timer MSRs */
	GUEST_ASSERT_EQ(r[1] & 0x30, 0x30);			/* PostMessages, SignalEvents */
	GUEST_ASSERT(r[3] & (1u << 19));			/* direct-mode timers */
	/* Reset values (TLFS "SynIC Registers", "Synthetic Timer Registers"). */
	GUEST_ASSERT_EQ(guest_rdmsr(MSR_SCONTROL), 0);
	GUEST_ASSERT_EQ(guest_rdmsr(MSR_SVERSION), 1);
	GUEST_ASSERT_EQ(guest_rdmsr(MSR_SIEFP), 0);
	GUEST_ASSERT_EQ(guest_rdmsr(MSR_SIMP), 0);
	GUEST_ASSERT_EQ(guest_rdmsr(MSR_EOM), 0);
	for (i = 0; i < 16; i++)
		GUEST_ASSERT_EQ(guest_rdmsr(MSR_SINT(i)), SINT_MASKED);
	for (i = 0; i < 4; i++) {
		GUEST_ASSERT_EQ(guest_rdmsr(MSR_STIMER_CONFIG(i)), 0);
		GUEST_ASSERT_EQ(guest_rdmsr(MSR_STIMER_COUNT(i)), 0);
	}
	/* RsvdP bits are kept as written. */
	guest_wrmsr(MSR_SCONTROL, 0xf00000001ULL);
	GUEST_ASSERT_EQ(guest_rdmsr(MSR_SCONTROL), 0xf00000001ULL);
	guest_wrmsr(MSR_SIMP, (uintptr_t)simp[0] | 0x7f0 | 1);
	GUEST_ASSERT_EQ(guest_rdmsr(MSR_SIMP), (uintptr_t)simp[0] | 0x7f0 | 1);
	guest_wrmsr(MSR_SIEFP, (uintptr_t)siefp[0] | 1);
	GUEST_ASSERT_EQ(guest_rdmsr(MSR_SIEFP), (uintptr_t)siefp[0] | 1);
	guest_wrmsr(MSR_SINT(3), 0x50 | SINT_AUTO_EOI | 0x1200 | (1ULL << 40));
	GUEST_ASSERT_EQ(guest_rdmsr(MSR_SINT(3)), 0x50 | SINT_AUTO_EOI | 0x1200 | (1ULL << 40));
	/* Vectors below 16 only while masked; SVERSION is read-only. */
	GUEST_ASSERT_EQ(guest_wrmsr_safe(MSR_SINT(4), 15), GP);
	GUEST_ASSERT_EQ(guest_rdmsr(MSR_SINT(4)), SINT_MASKED);
	guest_wrmsr(MSR_SINT(4), SINT_MASKED | 0);
	GUEST_ASSERT_EQ(guest_wrmsr_safe(MSR_SVERSION, 1), GP);
	/* EOM takes any value and reads as zero. */
	guest_wrmsr(MSR_EOM, 0x1234);
	GUEST_ASSERT_EQ(guest_rdmsr(MSR_EOM), 0);
	/* Timer configuration: RsvdZ bits and direct-mode vectors below 16 #GP. */
	GUEST_ASSERT_EQ(guest_wrmsr_safe(MSR_STIMER_CONFIG(0), 1ULL << 20), GP);
	GUEST_ASSERT_EQ(guest_wrmsr_safe(MSR_STIMER_CONFIG(0), 1ULL << 13), GP);
	GUEST_ASSERT_EQ(guest_wrmsr_safe(MSR_STIMER_CONFIG(0), STIMER_DIRECT |
					 STIMER_VECTOR(5)), GP);
	guest_wrmsr(MSR_STIMER_COUNT(1), 12345);
	GUEST_ASSERT_EQ(guest_rdmsr(MSR_STIMER_COUNT(1)), 12345);
	/* Enabled without a SINT (not direct): Enable is cleared at once. */
	guest_wrmsr(MSR_STIMER_CONFIG(1), STIMER_ENABLE | STIMER_PERIODIC);
	GUEST_ASSERT_EQ(guest_rdmsr(MSR_STIMER_CONFIG(1)), STIMER_PERIODIC);
	/* The SIM page was zeroed on enable, as a fresh overlay. */
	GUEST_ASSERT_EQ(slot(0, 0)->type, 0);
	v = ((volatile uint64_t *)simp[0])[100];
	GUEST_ASSERT_EQ(v, 0);
	GUEST_DONE();
}

static int synic_msrs(void)
{
	/* Garbage in the page the guest will use: enabling must clear it. */
	KSFT_CHECK(start_vm(guest_msrs, 0, PRIV_ALL) == 0, "setup");
	memset(vm.mem + (uintptr_t)simp[0], 0xa5, 4096);
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_DONE, NULL) == 0, "guest");
	vm_stop(&vm, &vcpu);
	return KSFT_PASS;
}

/* Each MSR in [first, last] #GPs for reads and writes; the other group still works. */
static void guest_denied_range(uint32_t first, uint32_t last, uint32_t other)
{
	uint32_t msr;
	uint64_t v;

	for (msr = first; msr <= last; msr++) {
		if (msr > MSR_EOM && msr < MSR_SINT(0))
			continue;		/* not SynIC MSRs */
		GUEST_ASSERT_EQ(guest_rdmsr_safe(msr, &v), GP);
		GUEST_ASSERT_EQ(guest_wrmsr_safe(msr, 0), GP);
	}
	GUEST_ASSERT_EQ(guest_rdmsr_safe(other, &v), -1);
}

static void guest_denied(uint64_t timers)
{
	uint32_t r[4];

	if (timers)
		guest_denied_range(MSR_STIMER_CONFIG(0), MSR_STIMER_COUNT(3), MSR_SINT(0));
	else
		guest_denied_range(MSR_SCONTROL, MSR_SINT(15), MSR_STIMER_CONFIG(0));
	guest_cpuid(0x40000003, r);
	GUEST_SYNC(r[3]);
	GUEST_DONE();
}

/* Every SynIC MSR needs AccessSynicRegs, every timer MSR AccessSyntheticTimerRegs. */
static int msrs_need_privilege(void)
{
	struct ucall uc;
	int timers;

	for (timers = 0; timers < 2; timers++) {
		KSFT_CHECK(start_vm(guest_denied, timers,
				    PRIV_ALL & ~(timers ? PRIV_SYNTIMER : PRIV_SYNIC)) == 0, "setup");
		KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_SYNC, &uc) == 0, "timers %d",
			   timers);
		/* Direct-mode timers are offered only with the timers. */
		KSFT_CHECK(!!(uc.args[0] & (1u << 19)) == !timers,
			   "CPUID 0x40000003.EDX %#llx", (unsigned long long)uc.args[0]);
		KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_DONE, NULL) == 0, "done");
		vm_stop(&vm, &vcpu);
	}
	return KSFT_PASS;
}

/* ---- messages and event flags from the VMM -------------------------------------- */

static void guest_host_messages(uint64_t arg)
{
	volatile struct hv_msg *m = slot(0, 2);

	(void)arg;
	synic_on(0);
	guest_wrmsr(MSR_SINT(2), 0x60);
	GUEST_SYNC(1);
	GUEST_ASSERT(wait_irq(0x60, 1));
	GUEST_ASSERT_EQ(m->type, 0x1234);
	GUEST_ASSERT_EQ(m->size, 6);
	GUEST_ASSERT_EQ(m->flags, 0);
	GUEST_ASSERT(same(m->payload, "hello", 6));
	GUEST_SYNC(2);				/* the slot stays busy: the VMM gets EAGAIN */
	GUEST_ASSERT_EQ(m->flags & MSG_PENDING, MSG_PENDING);
	GUEST_ASSERT_EQ(guest_irq_count[0x60], 1);
	m->type = 0;
	guest_wrmsr(MSR_EOM, 0);
	GUEST_SYNC(3);				/* the VMM sees EPOLLOUT and posts again */
	GUEST_ASSERT(wait_irq(0x60, 2));
	GUEST_ASSERT_EQ(m->type, 0x1235);
	GUEST_ASSERT(same(m->payload, "again", 6));
	GUEST_ASSERT_EQ(m->flags, 0);
	/* A SIM page outside guest RAM takes nothing. */
	guest_wrmsr(MSR_SIMP, (1ULL << 40) | 1);
	GUEST_SYNC(4);
	GUEST_DONE();
}

static int host_post_message(void)
{
	KSFT_CHECK(start_vm(guest_host_messages, 0, PRIV_ALL) == 0, "setup");
	KSFT_CHECK(post(0, 2, 0x1234, "hello") == -ENXIO, "SynIC still off");
	KSFT_CHECK(expect_sync(&vcpu, 1) == 0, "stage 1");
	KSFT_CHECK(post(0, 2, 0x1234, "hello") == 0, "post");
	KSFT_CHECK(expect_sync(&vcpu, 2) == 0, "stage 2");
	KSFT_CHECK(post(0, 2, 0x1235, "again") == -EAGAIN, "busy slot");
	KSFT_CHECK(poll_fd(vm.fd, POLLOUT) == 0, "no free slot yet");
	KSFT_CHECK(expect_sync(&vcpu, 3) == 0, "stage 3");
	KSFT_CHECK(poll_fd(vm.fd, POLLOUT) & POLLOUT, "EOM makes the partition fd writable");
	KSFT_CHECK(post(0, 2, 0x1235, "again") == 0, "post after EOM");
	KSFT_CHECK(poll_fd(vm.fd, POLLOUT) == 0, "the post cleared the notification");
	KSFT_CHECK(expect_sync(&vcpu, 4) == 0, "stage 4");
	KSFT_CHECK(post(0, 2, 0x1236, "x") == -ENXIO, "SIM page outside RAM");
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_DONE, NULL) == 0, "done");
	vm_stop(&vm, &vcpu);
	return KSFT_PASS;
}

static void guest_flags(uint64_t arg)
{
	(void)arg;
	synic_on(0);
	guest_wrmsr(MSR_SINT(3), 0x61);
	GUEST_SYNC(1);
	GUEST_ASSERT(wait_irq(0x61, 1));
	GUEST_ASSERT_EQ(*flags_of(0, 3), 1ULL << 5);
	GUEST_SYNC(2);				/* set again while still set: no interrupt */
	spin(REF_SECOND / 100);
	GUEST_ASSERT_EQ(guest_irq_count[0x61], 1);
	__atomic_and_fetch(flags_of(0, 3), ~(1ULL << 5), __ATOMIC_SEQ_CST);
	GUEST_SYNC(3);
	GUEST_ASSERT(wait_irq(0x61, 2));
	GUEST_ASSERT_EQ(flags_of(0, 3)[31], 1ULL << 63);	/* flag 2047 */
	guest_wrmsr(MSR_SIEFP, (uintptr_t)siefp[0]);		/* disabled */
	GUEST_SYNC(4);
	GUEST_DONE();
}

static int host_event_flags(void)
{
	KSFT_CHECK(start_vm(guest_flags, 0, PRIV_ALL) == 0, "setup");
	KSFT_CHECK(expect_sync(&vcpu, 1) == 0, "stage 1");
	KSFT_CHECK(signal_flag(0, 3, 5) == 1, "flag 5 was clear");
	KSFT_CHECK(expect_sync(&vcpu, 2) == 0, "stage 2");
	KSFT_CHECK(signal_flag(0, 3, 5) == 0, "flag 5 was set");
	KSFT_CHECK(expect_sync(&vcpu, 3) == 0, "stage 3");
	KSFT_CHECK(signal_flag(0, 3, 2047) == 1, "flag 2047");
	KSFT_CHECK(expect_sync(&vcpu, 4) == 0, "stage 4");
	KSFT_CHECK(signal_flag(0, 3, 1) == -ENXIO, "SIEF page off");
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_DONE, NULL) == 0, "done");
	vm_stop(&vm, &vcpu);
	return KSFT_PASS;
}

/*
 * AutoEOI: the APIC keeps no ISR bit, so the vector comes again without an
 * EOI; without AutoEOI it waits for the EOI.  The guest's handler sends no
 * EOI while guest_apic_mode is off.
 */
static void guest_auto_eoi(uint64_t arg)
{
	(void)arg;
	synic_on(0);
	guest_wrmsr(MSR_SINT(4), 0x70 | SINT_AUTO_EOI);
	guest_wrmsr(MSR_SINT(5), 0x50);
	guest_apic_mode = GUEST_APIC_OFF;
	GUEST_SYNC(1);
	GUEST_ASSERT(wait_irq(0x70, 1));
	*flags_of(0, 4) = 0;
	GUEST_SYNC(2);
	GUEST_ASSERT(wait_irq(0x70, 2));
	GUEST_SYNC(3);
	GUEST_ASSERT(wait_irq(0x50, 1));
	*flags_of(0, 5) = 0;
	GUEST_SYNC(4);
	spin(REF_SECOND / 100);
	GUEST_ASSERT_EQ(guest_irq_count[0x50], 1);	/* in service until the EOI */
	guest_apic_mode = GUEST_APIC_XAPIC;
	guest_apic_eoi();
	GUEST_ASSERT(wait_irq(0x50, 2));
	GUEST_DONE();
}

static int auto_eoi(void)
{
	KSFT_CHECK(start_vm(guest_auto_eoi, 0, PRIV_ALL) == 0, "setup");
	KSFT_CHECK(expect_sync(&vcpu, 1) == 0, "stage 1");
	KSFT_CHECK(signal_flag(0, 4, 0) == 1, "SINT 4");
	KSFT_CHECK(expect_sync(&vcpu, 2) == 0, "stage 2");
	KSFT_CHECK(signal_flag(0, 4, 0) == 1, "SINT 4 again");
	KSFT_CHECK(expect_sync(&vcpu, 3) == 0, "stage 3");
	KSFT_CHECK(signal_flag(0, 5, 0) == 1, "SINT 5");
	KSFT_CHECK(expect_sync(&vcpu, 4) == 0, "stage 4");
	KSFT_CHECK(signal_flag(0, 5, 0) == 1, "SINT 5 again");
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_DONE, NULL) == 0, "done");
	vm_stop(&vm, &vcpu);
	return KSFT_PASS;
}

/* ---- synthetic timers --------------------------------------------------------------- */

static void guest_one_shot(uint64_t arg)
{
	volatile struct hv_msg *m = slot(0, 3);
	volatile struct timer_payload *p = (volatile struct timer_payload *)m->payload;
	uint64_t when;

	(void)arg;
	synic_on(0);
	guest_wrmsr(MSR_SINT(3), 0x61);
	when = ref_now() + REF_SECOND / 100;
	guest_wrmsr(MSR_STIMER_COUNT(2), when);
	guest_wrmsr(MSR_STIMER_CONFIG(2), STIMER_ENABLE | STIMER_SINT(3));
	GUEST_ASSERT(wait_irq(0x61, 1));
	GUEST_ASSERT(ref_now() >= when);		/* never before its time */
	GUEST_ASSERT_EQ(m->type, MSG_TIMER_EXPIRED);
	GUEST_ASSERT_EQ(m->size, 24);
	GUEST_ASSERT_EQ(p->index, 2);
	GUEST_ASSERT_EQ(p->expiration, when);
	GUEST_ASSERT(p->delivery >= when);
	/* A one-shot timer disables itself. */
	GUEST_ASSERT_EQ(guest_rdmsr(MSR_STIMER_CONFIG(2)), STIMER_SINT(3));
	/* A time in the past expires at once. */
	m->type = 0;
	guest_wrmsr(MSR_STIMER_COUNT(2), 1);
	guest_wrmsr(MSR_STIMER_CONFIG(2), STIMER_ENABLE | STIMER_SINT(3));
	GUEST_ASSERT(wait_irq(0x61, 2));
	GUEST_ASSERT_EQ(p->expiration, 1);
	GUEST_DONE();
}

static int stimer_one_shot(void)
{
	KSFT_CHECK(start_vm(guest_one_shot, 0, PRIV_ALL) == 0, "setup");
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_DONE, NULL) == 0, "guest");
	vm_stop(&vm, &vcpu);
	return KSFT_PASS;
}

/* Empty the slot as a guest's handler would, with EOM when a message waits. */
static bool take_message(volatile struct hv_msg *m)
{
	if (!m->type)
		return false;
	GUEST_ASSERT_EQ(m->type, MSG_TIMER_EXPIRED);
	m->type = 0;
	asm volatile("mfence" : : : "memory");
	if (m->flags & MSG_PENDING)
		guest_wrmsr(MSR_EOM, 0);
	return true;
}

static void guest_periodic(uint64_t arg)
{
	volatile struct hv_msg *m = slot(0, 3);
	uint64_t end, last = 0, exp;
	unsigned int got = 0, irqs;

	(void)arg;
	synic_on(0);
	guest_wrmsr(MSR_SINT(3), 0x61);
	guest_wrmsr(MSR_STIMER_COUNT(0), REF_SECOND / 1000);		/* 1 ms */
	GUEST_ASSERT_EQ(guest_rdmsr(MSR_STIMER_CONFIG(0)), 0);	/* no AutoEnable */
	guest_wrmsr(MSR_STIMER_CONFIG(0), STIMER_ENABLE | STIMER_PERIODIC | STIMER_SINT(3));
	end = ref_now() + 5 * REF_SECOND;
	while (got < 10 && ref_now() < end) {
		if (m->type) {
			exp = ((volatile struct timer_payload *)m->payload)->expiration;
			GUEST_ASSERT(exp > last);
			last = exp;
		}
		got += take_message(m);
	}
	GUEST_ASSERT(got >= 10);
	/* Periodic timers stay enabled. */
	GUEST_ASSERT(guest_rdmsr(MSR_STIMER_CONFIG(0)) & STIMER_ENABLE);

	/* A busy slot: one message, MessagePending, nothing piles up. */
	end = ref_now() + 5 * REF_SECOND;
	while (!m->type && ref_now() < end)
		;
	GUEST_ASSERT(m->type);
	irqs = guest_irq_count[0x61];
	spin(REF_SECOND / 50);				/* 20 periods */
	GUEST_ASSERT_EQ(guest_irq_count[0x61], irqs);
	GUEST_ASSERT_EQ(m->flags & MSG_PENDING, MSG_PENDING);
	GUEST_ASSERT(take_message(m));
	GUEST_ASSERT(wait_irq(0x61, irqs + 1));		/* the waiting one, after EOM */

	/* Count 0 stops it. */
	guest_wrmsr(MSR_STIMER_COUNT(0), 0);
	GUEST_ASSERT_EQ(guest_rdmsr(MSR_STIMER_CONFIG(0)) & STIMER_ENABLE, 0);
	take_message(m);
	irqs = guest_irq_count[0x61];
	spin(REF_SECOND / 50);
	GUEST_ASSERT_EQ(guest_irq_count[0x61], irqs);
	GUEST_DONE();
}

static int stimer_periodic(void)
{
	KSFT_CHECK(start_vm(guest_periodic, 0, PRIV_ALL) == 0, "setup");
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_DONE, NULL) == 0, "guest");
	vm_stop(&vm, &vcpu);
	return KSFT_PASS;
}

static void guest_auto_enable(uint64_t arg)
{
	uint64_t far;

	(void)arg;
	synic_on(0);
	guest_wrmsr(MSR_SINT(3), 0x61);
	far = ref_now() + 100 * REF_SECOND;
	guest_wrmsr(MSR_STIMER_CONFIG(1), STIMER_AUTO_ENABLE | STIMER_SINT(3));
	GUEST_ASSERT_EQ(guest_rdmsr(MSR_STIMER_CONFIG(1)), STIMER_AUTO_ENABLE | STIMER_SINT(3));
	guest_wrmsr(MSR_STIMER_COUNT(1), far);
	GUEST_ASSERT_EQ(guest_rdmsr(MSR_STIMER_CONFIG(1)),
			STIMER_ENABLE | STIMER_AUTO_ENABLE | STIMER_SINT(3));
	/* Count 0 disables, AutoEnable or not. */
	guest_wrmsr(MSR_STIMER_COUNT(1), 0);
	GUEST_ASSERT_EQ(guest_rdmsr(MSR_STIMER_CONFIG(1)), STIMER_AUTO_ENABLE | STIMER_SINT(3));
	/* Without a SINT AutoEnable cannot enable. */
	guest_wrmsr(MSR_STIMER_CONFIG(1), STIMER_AUTO_ENABLE);
	guest_wrmsr(MSR_STIMER_COUNT(1), far);
	GUEST_ASSERT_EQ(guest_rdmsr(MSR_STIMER_CONFIG(1)), STIMER_AUTO_ENABLE);
	/* And it fires. */
	guest_wrmsr(MSR_STIMER_CONFIG(1), STIMER_AUTO_ENABLE | STIMER_SINT(3));
	guest_wrmsr(MSR_STIMER_COUNT(1), ref_now() + REF_SECOND / 200);
	GUEST_ASSERT(wait_irq(0x61, 1));
	GUEST_ASSERT_EQ(slot(0, 3)->type, MSG_TIMER_EXPIRED);
	GUEST_DONE();
}

static int stimer_auto_enable(void)
{
	KSFT_CHECK(start_vm(guest_auto_enable, 0, PRIV_ALL) == 0, "setup");
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_DONE, NULL) == 0, "guest");
	vm_stop(&vm, &vcpu);
	return KSFT_PASS;
}

static void guest_direct(uint64_t arg)
{
	unsigned int n;

	(void)arg;
	synic_on(0);
	guest_wrmsr(MSR_STIMER_COUNT(3), REF_SECOND / 1000);
	guest_wrmsr(MSR_STIMER_CONFIG(3), STIMER_ENABLE | STIMER_PERIODIC | STIMER_DIRECT |
	      STIMER_VECTOR(0x62));
	GUEST_ASSERT(wait_irq(0x62, 5));
	guest_wrmsr(MSR_STIMER_CONFIG(3), 0);
	n = guest_irq_count[0x62];
	spin(REF_SECOND / 50);
	GUEST_ASSERT_EQ(guest_irq_count[0x62], n);
	/* No message anywhere: the vector went straight to the APIC. */
	for (n = 0; n < 16; n++)
		GUEST_ASSERT_EQ(slot(0, n)->type, 0);
	GUEST_DONE();
}

static int stimer_direct_mode(void)
{
	KSFT_CHECK(start_vm(guest_direct, 0, PRIV_ALL) == 0, "setup");
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_DONE, NULL) == 0, "guest");
	vm_stop(&vm, &vcpu);
	return KSFT_PASS;
}

/* ---- guest to VMM: HvCallPostMessage, HvCallSignalEvent ---------------------------------- */

static uint64_t post_in(uint32_t conn, uint32_t rsvd, uint32_t type, uint32_t size)
{
	uint32_t *in = (uint32_t *)hv_in;
	unsigned int i;

	in[0] = conn;
	in[1] = rsvd;
	in[2] = type;
	in[3] = size;
	for (i = 0; i < 240; i++)
		hv_in[16 + i] = (uint8_t)(i + type);
	return hv_call(HC_POST_MESSAGE, (uintptr_t)hv_in, 0);
}

static void guest_post(uint64_t arg)
{
	int i;

	(void)arg;
	hv_enable();
	GUEST_ASSERT_EQ(post_in(7, 0, 5, 10), HV_SUCCESS);
	GUEST_SYNC(1);
	for (i = 0; i < 16; i++)
		GUEST_ASSERT_EQ(post_in(7, 0, 100 + i, 240), HV_SUCCESS);
	GUEST_ASSERT_EQ(post_in(7, 0, 200, 1), HV_INSUFFICIENT_BUFFERS);
	GUEST_ASSERT_EQ(post_in(8, 0, 5, 1), HV_INVALID_CONNECTION_ID);
	GUEST_ASSERT_EQ(post_in(7, 0, 5, 241), HV_INVALID_PARAMETER);
	GUEST_ASSERT_EQ(post_in(7, 0, 0, 1), HV_INVALID_PARAMETER);
	GUEST_ASSERT_EQ(post_in(7, 0, 0x80000001, 1), HV_INVALID_PARAMETER);
	GUEST_ASSERT_EQ(post_in(7, 1, 5, 1), HV_INVALID_PARAMETER);
	GUEST_ASSERT_EQ(hv_call(HC_POST_MESSAGE, (uintptr_t)hv_in + 4, 0), HV_INVALID_ALIGNMENT);
	GUEST_ASSERT_EQ(hv_call(HC_POST_MESSAGE, (uintptr_t)hv_in + 3848, 0),
			HV_INVALID_ALIGNMENT);		/* crosses the page */
	GUEST_ASSERT_EQ(hv_call(HC_POST_MESSAGE | HC_FAST, 7, 0), HV_INVALID_INPUT);
	GUEST_SYNC(2);
	GUEST_ASSERT_EQ(post_in(7, 0, 300, 0), HV_SUCCESS);	/* buffers are free again */
	GUEST_SYNC(3);
	GUEST_ASSERT_EQ(post_in(7, 0, 5, 1), HV_INVALID_CONNECTION_ID);	/* port closed */
	GUEST_DONE();
}

static int read_msg(int fd, struct hvkm_synic_message *m)
{
	return read(fd, m, sizeof(*m)) == sizeof(*m) ? 0 : -errno;
}

static int guest_post_message(void)
{
	struct hvkm_synic_port req = { .connection_id = 7 };
	struct hvkm_synic_message m;
	int fd, i, j;

	KSFT_CHECK(start_vm(guest_post, 0, PRIV_ALL) == 0, "setup");
	fd = ioctl(vm.fd, HVKM_SYNIC_MESSAGE_PORT, &req);
	KSFT_CHECK(fd >= 0, "port: %s", strerror(errno));
	KSFT_CHECK(ioctl(vm.fd, HVKM_SYNIC_MESSAGE_PORT, &req) == -1 && errno == EEXIST,
		   "a second port for the connection");
	KSFT_CHECK(poll_fd(fd, POLLIN) == 0, "empty");
	KSFT_CHECK(expect_sync(&vcpu, 1) == 0, "stage 1");
	KSFT_CHECK(poll_fd(fd, POLLIN) & POLLIN, "readable");
	KSFT_CHECK(read_msg(fd, &m) == 0, "read");
	KSFT_CHECK(m.connection_id == 7 && m.message_type == 5 && m.payload_size == 10 &&
		   m.vp_index == 0, "message %u %u %u %u", m.connection_id, m.message_type,
		   m.payload_size, m.vp_index);
	for (j = 0; j < 10; j++)
		KSFT_CHECK(m.payload[j] == (uint8_t)(j + 5), "payload byte %d", j);
	for (j = 10; j < 240; j++)
		KSFT_CHECK(m.payload[j] == 0, "bytes beyond the size: %d", j);
	KSFT_CHECK(read(fd, &m, 10) == -1 && errno == EINVAL, "short read");
	KSFT_CHECK(expect_sync(&vcpu, 2) == 0, "stage 2");
	for (i = 0; i < 16; i++) {
		KSFT_CHECK(read_msg(fd, &m) == 0, "message %d", i);
		KSFT_CHECK(m.message_type == 100u + i && m.payload_size == 240 &&
			   m.payload[239] == (uint8_t)(239 + 100 + i), "message %d in order", i);
	}
	fcntl(fd, F_SETFL, O_NONBLOCK);
	KSFT_CHECK(read_msg(fd, &m) == -EAGAIN, "queue empty");
	KSFT_CHECK(expect_sync(&vcpu, 3) == 0, "stage 3");
	KSFT_CHECK(read_msg(fd, &m) == 0 && m.message_type == 300 && m.payload_size == 0,
		   "empty message");
	close(fd);
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_DONE, NULL) == 0, "done");
	vm_stop(&vm, &vcpu);
	return KSFT_PASS;
}

static void guest_signal(uint64_t arg)
{
	uint64_t *in = (uint64_t *)hv_in;

	(void)arg;
	hv_enable();
	GUEST_ASSERT_EQ(hv_call(HC_SIGNAL_EVENT | HC_FAST, 9 | 3ULL << 32, 0), HV_SUCCESS);
	GUEST_SYNC(1);
	GUEST_ASSERT_EQ(hv_call(HC_SIGNAL_EVENT | HC_FAST, 10, 0), HV_INVALID_CONNECTION_ID);
	GUEST_ASSERT_EQ(hv_call(HC_SIGNAL_EVENT | HC_FAST, 9 | 2048ULL << 32, 0),
			HV_INVALID_PARAMETER);
	GUEST_ASSERT_EQ(hv_call(HC_SIGNAL_EVENT | HC_FAST, 9 | 1ULL << 48, 0),
			HV_INVALID_PARAMETER);
	in[0] = 9 | 2047ULL << 32;			/* memory input */
	GUEST_ASSERT_EQ(hv_call(HC_SIGNAL_EVENT, (uintptr_t)hv_in, 0), HV_SUCCESS);
	GUEST_ASSERT_EQ(hv_call(HC_SIGNAL_EVENT | HC_FAST, 9, 0), HV_SUCCESS);
	GUEST_SYNC(2);
	GUEST_ASSERT_EQ(hv_call(HC_SIGNAL_EVENT | HC_FAST, 9, 0), HV_INVALID_CONNECTION_ID);
	GUEST_DONE();
}

static int guest_signal_event(void)
{
	struct hvkm_synic_eventfd req = { .connection_id = 9 };
	uint64_t n;
	int efd = eventfd(0, EFD_NONBLOCK);

	KSFT_CHECK(efd >= 0, "eventfd");
	KSFT_CHECK(start_vm(guest_signal, 0, PRIV_ALL) == 0, "setup");
	req.fd = efd;
	KSFT_CHECK(ioctl(vm.fd, HVKM_SYNIC_EVENTFD, &req) == 0, "assign: %s", strerror(errno));
	KSFT_CHECK(ioctl(vm.fd, HVKM_SYNIC_EVENTFD, &req) == -1 && errno == EEXIST, "twice");
	KSFT_CHECK(expect_sync(&vcpu, 1) == 0, "stage 1");
	KSFT_CHECK(read(efd, &n, 8) == 8 && n == 1, "one signal");
	KSFT_CHECK(expect_sync(&vcpu, 2) == 0, "stage 2");
	KSFT_CHECK(read(efd, &n, 8) == 8 && n == 2, "two signals: %llu", (unsigned long long)n);
	req.flags = HVKM_SYNIC_DEASSIGN;
	KSFT_CHECK(ioctl(vm.fd, HVKM_SYNIC_EVENTFD, &req) == 0, "deassign");
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_DONE, NULL) == 0, "done");
	KSFT_CHECK(read(efd, &n, 8) == -1 && errno == EAGAIN, "no signal after deassign");
	close(efd);
	vm_stop(&vm, &vcpu);
	return KSFT_PASS;
}

static void guest_no_privilege(uint64_t arg)
{
	(void)arg;
	hv_enable();
	GUEST_ASSERT_EQ(post_in(7, 0, 5, 1), HV_ACCESS_DENIED);
	GUEST_ASSERT_EQ(hv_call(HC_SIGNAL_EVENT | HC_FAST, 9, 0), HV_ACCESS_DENIED);
	GUEST_DONE();
}

static int hypercalls_need_privilege(void)
{
	KSFT_CHECK(start_vm(guest_no_privilege, 0,
			    PRIV_ALL & ~(PRIV_POST_MESSAGES | PRIV_SIGNAL_EVENTS)) == 0, "setup");
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_DONE, NULL) == 0, "guest");
	vm_stop(&vm, &vcpu);
	return KSFT_PASS;
}

/* ---- eventfd routes and a second VP ------------------------------------------------- */

static void guest_routes(uint64_t arg)
{
	(void)arg;
	synic_on(0);
	guest_wrmsr(MSR_SINT(6), 0x63);
	guest_wrmsr(MSR_SINT(7), 0x64 | SINT_POLLING);
	guest_wrmsr(MSR_SINT(8), 0x65);
	GUEST_SYNC(1);
	GUEST_ASSERT(wait_irq(0x63, 1));
	GUEST_ASSERT_EQ(flags_of(0, 6)[0], 1ULL << 12);
	GUEST_SYNC(2);
	GUEST_ASSERT(wait_irq(0x65, 1));
	GUEST_ASSERT_EQ(flags_of(0, 8)[0], 0);		/* interrupt only */
	/* Polling: the flag is set, no interrupt comes. */
	GUEST_ASSERT_EQ(flags_of(0, 7)[1], 1ULL << 1);
	GUEST_ASSERT_EQ(guest_irq_count[0x64], 0);
	flags_of(0, 6)[0] = 0;
	GUEST_SYNC(3);
	spin(REF_SECOND / 100);
	GUEST_ASSERT_EQ(guest_irq_count[0x63], 1);		/* route removed */
	GUEST_ASSERT_EQ(flags_of(0, 6)[0], 0);
	GUEST_DONE();
}

static int eventfd_routes(void)
{
	uint64_t one = 1;
	int e1 = eventfd(0, 0), e2 = eventfd(0, 0), e3 = eventfd(0, 0);

	KSFT_CHECK(e1 >= 0 && e2 >= 0 && e3 >= 0, "eventfds");
	KSFT_CHECK(start_vm(guest_routes, 0, PRIV_ALL) == 0, "setup");
	KSFT_CHECK(route(e1, 0, 6, 12, false) == 0, "route 1: %s", strerror(errno));
	KSFT_CHECK(route(e1, 0, 6, 12, false) == -EEXIST, "route 1 twice");
	KSFT_CHECK(route(e2, 0, 8, -1, false) == 0, "route 2");
	KSFT_CHECK(route(e3, 0, 7, 65, false) == 0, "route 3");
	KSFT_CHECK(expect_sync(&vcpu, 1) == 0, "stage 1");
	KSFT_CHECK(write(e1, &one, 8) == 8, "write 1");
	KSFT_CHECK(expect_sync(&vcpu, 2) == 0, "stage 2");
	KSFT_CHECK(write(e3, &one, 8) == 8 && write(e2, &one, 8) == 8, "write 2, 3");
	KSFT_CHECK(expect_sync(&vcpu, 3) == 0, "stage 3");
	KSFT_CHECK(route(e1, 0, 0, -1, true) == 0, "deassign");
	KSFT_CHECK(route(e1, 0, 0, -1, true) == -ENOENT, "deassign twice");
	KSFT_CHECK(write(e1, &one, 8) == 8, "write after deassign");
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_DONE, NULL) == 0, "done");
	vm_stop(&vm, &vcpu);
	/* Routes still assigned go with the partition; the eventfds stay usable. */
	KSFT_CHECK(write(e2, &one, 8) == 8, "write after the partition");
	close(e1);
	close(e2);
	close(e3);
	return KSFT_PASS;
}

/* VP 1 sleeps in HLT; routed events and posted messages wake it. */
static void guest_vp1(uint64_t arg)
{
	(void)arg;
	synic_on(1);
	guest_wrmsr(MSR_SINT(2), 0x66);
	vp1_ready = 1;
	while (guest_irq_count[0x66] < 1)
		asm volatile("sti; hlt");
	GUEST_ASSERT_EQ(flags_of(1, 2)[0], 1ULL << 4);
	vp1_ready = 2;
	while (guest_irq_count[0x66] < 2)
		asm volatile("sti; hlt");
	GUEST_ASSERT_EQ(slot(1, 2)->type, 0x42);
	GUEST_ASSERT(same(slot(1, 2)->payload, "to vp 1", 8));
	GUEST_DONE();
}

/*
 * VP 0 rings VP 1 without the VMM: HvCallSignalEvent on a connection whose
 * eventfd is routed to VP 1's SINT.
 */
static void guest_vp0_doorbell(uint64_t arg)
{
	(void)arg;
	hv_enable();
	while (vp1_ready != 1)
		asm volatile("pause");
	GUEST_ASSERT_EQ(hv_call(HC_SIGNAL_EVENT | HC_FAST, 11, 0), HV_SUCCESS);
	GUEST_DONE();
}

static void *run_vp1(void *arg)
{
	*(int *)arg = vcpu_expect_ucall(&vm, &vcpu1, UCALL_DONE, NULL);
	return NULL;
}

static int wait_guest_int(volatile int *var, int want)
{
	volatile int *v = (volatile int *)(vm.mem + (uintptr_t)var);
	int i;

	for (i = 0; i < 5000 && *v != want; i++)
		usleep(1000);
	return *v == want ? 0 : -1;
}

static int second_vp_halted(void)
{
	struct hvkm_synic_eventfd conn = { .connection_id = 11 };
	int e = eventfd(0, 0), ret = -1;
	pthread_t tid;

	KSFT_CHECK(e >= 0, "eventfd");
	KSFT_CHECK(start_vm(guest_vp0_doorbell, 0, PRIV_ALL) == 0, "setup");
	KSFT_CHECK(vcpu_create_long_mode(&vm, &vcpu1, 1, guest_vp1, 0) == 0, "vp 1");
	conn.fd = e;
	KSFT_CHECK(ioctl(vm.fd, HVKM_SYNIC_EVENTFD, &conn) == 0, "connection");
	KSFT_CHECK(route(e, 1, 2, 4, false) == 0, "route to VP 1");
	KSFT_CHECK(pthread_create(&tid, NULL, run_vp1, &ret) == 0, "thread");
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_DONE, NULL) == 0, "VP 0 rang");
	KSFT_CHECK(wait_guest_int(&vp1_ready, 2) == 0, "VP 1 woke for the flag");
	usleep(20000);
	KSFT_CHECK(post(1, 2, 0x42, "to vp 1") == 0, "post to VP 1");
	pthread_join(tid, NULL);
	KSFT_CHECK(ret == 0, "VP 1");
	vcpu_destroy(&vcpu1);
	vm_stop(&vm, &vcpu);
	close(e);
	return KSFT_PASS;
}

/* ---- state through the register ioctls ---------------------------------------------- */

static void guest_state(uint64_t arg)
{
	(void)arg;
	synic_on(0);
	guest_wrmsr(MSR_SINT(2), 0x60 | SINT_AUTO_EOI);
	guest_wrmsr(MSR_STIMER_COUNT(1), 100 * REF_SECOND);
	guest_wrmsr(MSR_STIMER_CONFIG(1), STIMER_PERIODIC | STIMER_SINT(2));
	slot(0, 0)->type = 0x99;			/* survives a restore */
	GUEST_SYNC(1);
	/* What the VMM set. */
	GUEST_ASSERT_EQ(guest_rdmsr(MSR_SINT(9)), 0x68);
	GUEST_ASSERT_EQ(guest_rdmsr(MSR_SCONTROL), 1);
	GUEST_ASSERT_EQ(guest_rdmsr(MSR_SIMP), (uintptr_t)simp[0] | 1);
	GUEST_ASSERT_EQ(slot(0, 0)->type, 0x99);
	/* A direct-mode timer the VMM armed fires. */
	GUEST_ASSERT(wait_irq(0x69, 1));
	GUEST_DONE();
}

static int get_reg(uint32_t name, uint64_t *v)
{
	return vcpu_get_reg(&vcpu, name, v);
}

static int state_registers(void)
{
	uint64_t v;

	KSFT_CHECK(start_vm(guest_state, 0, PRIV_ALL) == 0, "setup");
	KSFT_CHECK(get_reg(HV_X64_REGISTER_SCONTROL, &v) == 0 && v == 0, "SCONTROL at reset");
	KSFT_CHECK(get_reg(HV_X64_REGISTER_SINT0 + 15, &v) == 0 && v == SINT_MASKED, "SINT15");
	KSFT_CHECK(expect_sync(&vcpu, 1) == 0, "stage 1");
	KSFT_CHECK(get_reg(HV_X64_REGISTER_SCONTROL, &v) == 0 && v == 1, "SCONTROL");
	KSFT_CHECK(get_reg(HV_X64_REGISTER_SVERSION, &v) == 0 && v == 1, "SVERSION");
	KSFT_CHECK(get_reg(HV_X64_REGISTER_SIMP, &v) == 0 && v == ((uintptr_t)simp[0] | 1), "SIMP");
	KSFT_CHECK(get_reg(HV_X64_REGISTER_SIEFP, &v) == 0 && v == ((uintptr_t)siefp[0] | 1),
		   "SIEFP");
	KSFT_CHECK(get_reg(HV_X64_REGISTER_EOM, &v) == 0 && v == 0, "EOM");
	KSFT_CHECK(get_reg(HV_X64_REGISTER_SINT0 + 2, &v) == 0 && v == (0x60 | SINT_AUTO_EOI),
		   "SINT2 %#llx", (unsigned long long)v);
	KSFT_CHECK(get_reg(HV_X64_REGISTER_STIMER0_CONFIG + 2, &v) == 0 &&
		   v == (STIMER_PERIODIC | STIMER_SINT(2)), "STIMER1_CONFIG");
	KSFT_CHECK(get_reg(HV_X64_REGISTER_STIMER0_COUNT + 2, &v) == 0 && v == 100 * REF_SECOND,
		   "STIMER1_COUNT");
	/* Restore: page registers keep the page's contents. */
	KSFT_CHECK(vcpu_set_reg(&vcpu, HV_X64_REGISTER_SIMP, (uintptr_t)simp[0] | 1) == 0, "SIMP");
	KSFT_CHECK(vcpu_set_reg(&vcpu, HV_X64_REGISTER_SINT0 + 9, 0x68) == 0, "SINT9");
	KSFT_CHECK(vcpu_set_reg(&vcpu, HV_X64_REGISTER_SINT0 + 9, 0x8) == -EINVAL, "vector 8");
	KSFT_CHECK(vcpu_set_reg(&vcpu, HV_X64_REGISTER_SVERSION, 2) == -EINVAL, "SVERSION");
	KSFT_CHECK(vcpu_set_reg(&vcpu, HV_X64_REGISTER_EOM, 0) == -EINVAL, "EOM");
	KSFT_CHECK(vcpu_set_reg(&vcpu, HV_X64_REGISTER_STIMER0_CONFIG, 1ULL << 20) == -EINVAL,
		   "reserved timer bit");
	KSFT_CHECK(vcpu_set_reg(&vcpu, HV_X64_REGISTER_STIMER0_COUNT, REF_SECOND / 1000) == 0 &&
		   vcpu_set_reg(&vcpu, HV_X64_REGISTER_STIMER0_CONFIG, STIMER_ENABLE |
				STIMER_PERIODIC | STIMER_DIRECT | STIMER_VECTOR(0x69)) == 0,
		   "arm timer 0");
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_DONE, NULL) == 0, "done");
	vm_stop(&vm, &vcpu);
	return KSFT_PASS;
}

static const struct ksft_case cases[] = {
	KSFT_CASE(synic_msrs),
	KSFT_CASE(msrs_need_privilege),
	KSFT_CASE(host_post_message),
	KSFT_CASE(host_event_flags),
	KSFT_CASE(auto_eoi),
	KSFT_CASE(stimer_one_shot),
	KSFT_CASE(stimer_periodic),
	KSFT_CASE(stimer_auto_enable),
	KSFT_CASE(stimer_direct_mode),
	KSFT_CASE(guest_post_message),
	KSFT_CASE(guest_signal_event),
	KSFT_CASE(hypercalls_need_privilege),
	KSFT_CASE(eventfd_routes),
	KSFT_CASE(second_vp_halted),
	KSFT_CASE(state_registers),
};

int main(void)
{
	return ksft_run(cases, KSFT_NR(cases), NULL);
}
