// SPDX-License-Identifier: GPL-2.0
/*
 * The Microsoft hypervisor interface as a guest sees it (TLFS): discovery
 * leaves, synthetic MSRs and their privileges, the hypercall page and ABI,
 * the flush and IPI hypercalls, reference time and the TSC page, crash and
 * reset reporting.  The guests are C functions in 64-bit mode.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "lib/guest.h"
#include "lib/hv_privileges.h"
#include "lib/hvkm_test.h"
#include "lib/ksft.h"

#define MEM_SIZE	(16 << 20)
#define UD		6
#define GP		13

/* TLFS numbers the guest uses (the kernel's asm/hyperv-tlfs.h is not uapi). */
#define MSR_GUEST_OS_ID		0x40000000
#define MSR_HYPERCALL		0x40000001
#define MSR_VP_INDEX		0x40000002
#define MSR_RESET		0x40000003
#define MSR_VP_RUNTIME		0x40000010
#define MSR_TIME_REF_COUNT	0x40000020
#define MSR_REFERENCE_TSC	0x40000021
#define MSR_TSC_FREQUENCY	0x40000022
#define MSR_APIC_FREQUENCY	0x40000023
#define MSR_HV_EOI		0x40000070
#define MSR_HV_ICR		0x40000071
#define MSR_HV_TPR		0x40000072
#define MSR_VP_ASSIST_PAGE	0x40000073
#define MSR_GUEST_IDLE		0x400000f0
#define MSR_CRASH_P0		0x40000100
#define MSR_CRASH_CTL		0x40000105


#define LINUX_OS_ID		0x8100000601000000ULL

#define HC_FAST			(1ULL << 16)
#define HC_VAR_WORDS(n)		((uint64_t)(n) << 17)
#define HC_REP(count, start)	((uint64_t)(count) << 32 | (uint64_t)(start) << 48)
#define HC_FLUSH_SPACE		0x0002
#define HC_FLUSH_LIST		0x0003
#define HC_SPIN_WAIT		0x0008
#define HC_SEND_IPI		0x000b
#define HC_FLUSH_SPACE_EX	0x0013
#define HC_SEND_IPI_EX		0x0015
#define HC_POST_MESSAGE		0x005c
#define HC_EXT_QUERY		0x8001

#define HV_SUCCESS		0
#define HV_INVALID_CODE		2
#define HV_INVALID_INPUT	3
#define HV_INVALID_ALIGNMENT	4
#define HV_INVALID_PARAMETER	5
#define HV_ACCESS_DENIED	6

#define FLUSH_ALL_PROCESSORS	1ULL
#define FLUSH_ALL_SPACES	2ULL

static struct hvkm_vm vm;
static struct hvkm_vcpu vcpu;

/* Pages of the test program; guest addresses equal GPAs (identity map). */
static uint8_t hv_page[4096] __attribute__((aligned(4096)));
static uint8_t hv_in[4096] __attribute__((aligned(4096)));
static uint8_t hv_out[4096] __attribute__((aligned(4096)));
static uint8_t tsc_page[4096] __attribute__((aligned(4096)));

/* ---- guest helpers ---------------------------------------------------------- */

static void hv_enable(void)
{
	guest_wrmsr(MSR_GUEST_OS_ID, LINUX_OS_ID);
	guest_wrmsr(MSR_HYPERCALL, (uintptr_t)hv_page | 1);
	GUEST_ASSERT_EQ(guest_rdmsr(MSR_HYPERCALL), (uintptr_t)hv_page | 1);
}

/* A call through the hypercall page; the red zone is stepped over for CALL. */
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
	return status;
}

/* A fast call with XMM0 and XMM1 holding input words 2-5. */
static uint64_t hv_call_xmm(uint64_t control, uint64_t w0, uint64_t w1, const uint64_t *xmm)
{
	uint64_t status;

	asm volatile("movdqu (%[x]), %%xmm0\n\t"
		     "movdqu 16(%[x]), %%xmm1\n\t"
		     "mov %[w1], %%r8\n\t"
		     "sub $128, %%rsp\n\t"
		     "call *%[page]\n\t"
		     "add $128, %%rsp"
		     : "=a" (status), "+c" (control), "+d" (w0)
		     : [w1] "r" (w1), [x] "r" (xmm), [page] "r" (hv_page)
		     : "r8", "xmm0", "xmm1", "memory", "cc");
	return status;
}

/* The instruction itself, outside the page: for the #UD cases. */
static int vmmcall_fault(void)
{
	guest_fault_vector = -1;
	guest_fault_skip = 3;
	asm volatile("vmmcall" : : "a" (0), "c" (HC_SPIN_WAIT | HC_FAST), "d" (0) : "memory");
	guest_fault_skip = 0;
	return guest_fault_vector;
}

/* ---- host helpers ------------------------------------------------------------ */

static int property(int fd, uint32_t cmd, uint32_t code, uint64_t *value)
{
	struct hvkm_partition_property p = { .code = code, .value = *value };
	int ret = ioctl(fd, cmd, &p) ? -errno : 0;

	*value = p.value;
	return ret;
}

/* A partition with @privileges and VP 0 at @fn(@arg). */
static int start(void (*fn)(uint64_t), uint64_t arg, uint64_t privileges)
{
	int ret = vm_create_long_mode(&vm, MEM_SIZE, 2);

	if (ret)
		return ret;
	ret = property(vm.fd, HVKM_SET_PARTITION_PROPERTY, HV_PARTITION_PROPERTY_PRIVILEGE_FLAGS,
		       &privileges);
	if (!ret)
		ret = vcpu_create_long_mode(&vm, &vcpu, 0, fn, arg);
	if (ret)
		vm_destroy(&vm);
	return ret;
}

static int run_stages(int stages)
{
	struct ucall uc;
	int i;

	for (i = 1; i <= stages; i++) {
		KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_SYNC, &uc) == 0, "stage %d", i);
		KSFT_CHECK(uc.args[0] == (uint64_t)i, "stage %llu, want %d",
			   (unsigned long long)uc.args[0], i);
	}
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_DONE, &uc) == 0, "done");
	return KSFT_PASS;
}

static int vp_stats(struct hvkm_vcpu *v, struct hvkm_vp_stats *st)
{
	return ioctl(v->fd, HVKM_GET_VP_STATS, st) ? -errno : 0;
}

/* ---- discovery ------------------------------------------------------------------ */

static void guest_discovery(uint64_t max_vps)
{
	uint32_t r[4];

	guest_cpuid(1, r);
	GUEST_ASSERT(r[2] & (1u << 31));			/* a hypervisor is present */
	guest_cpuid(0x40000000, r);
	GUEST_ASSERT_EQ(r[0], 0x4000000a);
	/* "Microsoft Hv" (no libc in the guest: its string functions may use AVX). */
	GUEST_ASSERT_EQ(r[1], 0x7263694d);
	GUEST_ASSERT_EQ(r[2], 0x666f736f);
	GUEST_ASSERT_EQ(r[3], 0x76482074);
	guest_cpuid(0x40000001, r);
	GUEST_ASSERT_EQ(r[0], 0x31237648);			/* "Hv#1" */
	guest_cpuid(0x40000002, r);
	GUEST_ASSERT(r[0] && r[1]);				/* a build and a version */
	guest_cpuid(0x40000003, r);
	GUEST_ASSERT_EQ(r[0] | (uint64_t)r[1] << 32, PRIV_ALL);
	GUEST_ASSERT(!(r[1] & (1u << 12)) && !(r[1] & (1u << 22)));	/* not root, not isolated */
	GUEST_ASSERT(r[3] & (1u << 4));				/* XMM fast input */
	GUEST_ASSERT(r[3] & (1u << 8) && r[3] & (1u << 10));	/* frequency, crash MSRs */
	guest_cpuid(0x40000004, r);
	GUEST_ASSERT(r[0] & (1u << 9));				/* AutoEOI deprecated */
	GUEST_ASSERT(r[0] & (1u << 3));				/* APIC MSRs recommended */
	GUEST_ASSERT(r[0] & (1u << 2) && r[0] & (1u << 10) && r[0] & (1u << 11));
	guest_cpuid(0x40000005, r);
	GUEST_ASSERT_EQ(r[0], max_vps);
	GUEST_SYNC(1);
	/* No other hypervisor's signature anywhere above. */
	guest_cpuid(0x40000100, r);
	GUEST_ASSERT_EQ(r[0] | r[1] | r[2] | r[3], 0);
	guest_cpuid(0x40000080, r);
	GUEST_ASSERT_EQ(r[0] | r[1] | r[2] | r[3], 0);
	/* The VMM's own table wins: it overrode the version leaf. */
	guest_cpuid(0x40000002, r);
	GUEST_ASSERT_EQ(r[0], 0x1234);
	GUEST_DONE();
}

static int cpuid_leaves(void)
{
	struct hvkm_cpuid_entry e = { .function = 0x40000002, .eax = 0x1234 };
	struct ucall uc;
	int ret = start(guest_discovery, 2, PRIV_ALL);

	KSFT_CHECK(ret == 0, "setup: %d", ret);
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_SYNC, &uc) == 0, "defaults");
	KSFT_CHECK(vm_set_cpuid(&vm, &e, 1) == 0, "set cpuid");
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_DONE, &uc) == 0, "override");
	vm_stop(&vm, &vcpu);
	return KSFT_PASS;
}

/* ---- synthetic MSRs ---------------------------------------------------------------- */

static void guest_msrs(uint64_t tsc_hz)
{
	uint64_t t1, t2, v;

	GUEST_ASSERT_EQ(guest_rdmsr(MSR_GUEST_OS_ID), 0);
	guest_wrmsr(MSR_GUEST_OS_ID, LINUX_OS_ID);
	GUEST_ASSERT_EQ(guest_rdmsr(MSR_GUEST_OS_ID), LINUX_OS_ID);
	GUEST_ASSERT_EQ(guest_rdmsr(MSR_VP_INDEX), 0);
	GUEST_ASSERT_EQ(guest_rdmsr(MSR_TSC_FREQUENCY), tsc_hz);
	GUEST_ASSERT_EQ(guest_rdmsr(MSR_APIC_FREQUENCY), 200000000);
	GUEST_ASSERT_EQ(guest_rdmsr(MSR_RESET), 0);
	GUEST_ASSERT_EQ(guest_rdmsr(MSR_CRASH_CTL), 3ULL << 62);
	t1 = guest_rdmsr(MSR_TIME_REF_COUNT);
	for (v = 0; v < 100000; v++)
		asm volatile("" ::: "memory");
	t2 = guest_rdmsr(MSR_TIME_REF_COUNT);
	GUEST_ASSERT(t2 > t1);
	GUEST_ASSERT(guest_rdmsr(MSR_VP_RUNTIME) > 0);
	GUEST_SYNC(1);

	/* Read-only MSRs and reserved bits. */
	GUEST_ASSERT_EQ(guest_wrmsr_safe(MSR_VP_INDEX, 1), GP);
	GUEST_ASSERT_EQ(guest_wrmsr_safe(MSR_TIME_REF_COUNT, 0), GP);
	GUEST_ASSERT_EQ(guest_wrmsr_safe(MSR_VP_RUNTIME, 0), GP);
	GUEST_ASSERT_EQ(guest_wrmsr_safe(MSR_TSC_FREQUENCY, 0), GP);
	GUEST_ASSERT_EQ(guest_wrmsr_safe(MSR_APIC_FREQUENCY, 0), GP);
	GUEST_ASSERT_EQ(guest_wrmsr_safe(MSR_GUEST_IDLE, 0), GP);
	GUEST_ASSERT_EQ(guest_wrmsr_safe(MSR_HYPERCALL, (uintptr_t)hv_page | 4), GP);
	GUEST_ASSERT_EQ(guest_wrmsr_safe(MSR_HYPERCALL, 1ULL << 50 | 1), GP);
	GUEST_ASSERT_EQ(guest_wrmsr_safe(MSR_REFERENCE_TSC, (uintptr_t)tsc_page | 2), GP);
	GUEST_ASSERT_EQ(guest_wrmsr_safe(MSR_RESET, 2), GP);
	GUEST_ASSERT_EQ(guest_wrmsr_safe(MSR_CRASH_CTL, 1), GP);
	/* The VP assist page: a page number and the enable bit; RsvdP reads as 0. */
	GUEST_ASSERT_EQ(guest_rdmsr(MSR_VP_ASSIST_PAGE), 0);
	guest_wrmsr(MSR_VP_ASSIST_PAGE, (uintptr_t)hv_out | 1);
	GUEST_ASSERT_EQ(guest_rdmsr(MSR_VP_ASSIST_PAGE), (uintptr_t)hv_out | 1);
	GUEST_ASSERT_EQ(guest_wrmsr_safe(MSR_VP_ASSIST_PAGE, (uintptr_t)hv_out | 2), GP);
	GUEST_ASSERT_EQ(guest_rdmsr_safe(MSR_HV_EOI, &v), GP);		/* write-only */
	GUEST_ASSERT_EQ(guest_wrmsr_safe(MSR_HV_TPR, 0x100), GP);
	/* No such synthetic MSR. */
	GUEST_ASSERT_EQ(guest_rdmsr_safe(0x40000004, &v), GP);
	GUEST_ASSERT_EQ(guest_rdmsr_safe(0x400000ff, &v), GP);
	GUEST_DONE();
}

static int synthetic_msrs(void)
{
	uint64_t hz = 0;
	int ret = vm_create(&vm, 4096, 1);

	KSFT_CHECK(ret == 0, "vm: %d", ret);
	KSFT_CHECK(property(vm.fd, HVKM_GET_PARTITION_PROPERTY,
			    HV_PARTITION_PROPERTY_PROCESSOR_CLOCK_FREQUENCY, &hz) == 0 && hz,
		   "TSC frequency");
	vm_destroy(&vm);
	KSFT_CHECK(start(guest_msrs, hz, PRIV_ALL) == 0, "setup");
	KSFT_CHECK(run_stages(1) == KSFT_PASS, "guest");
	vm_stop(&vm, &vcpu);
	return KSFT_PASS;
}

/* Each synthetic MSR #GPs, for reads and writes, without its privilege. */
static const struct {
	uint32_t msr;
	uint64_t privilege;
} gated[] = {
	{ MSR_GUEST_OS_ID, PRIV_HYPERCALL },
	{ MSR_HYPERCALL, PRIV_HYPERCALL },
	{ MSR_VP_INDEX, PRIV_VP_INDEX },
	{ MSR_RESET, PRIV_RESET },
	{ MSR_VP_RUNTIME, PRIV_VP_RUNTIME },
	{ MSR_TIME_REF_COUNT, PRIV_TIME_REF_COUNT },
	{ MSR_REFERENCE_TSC, PRIV_REFERENCE_TSC },
	{ MSR_TSC_FREQUENCY, PRIV_FREQUENCY },
	{ MSR_APIC_FREQUENCY, PRIV_FREQUENCY },
	{ MSR_GUEST_IDLE, PRIV_GUEST_IDLE },
	{ MSR_VP_ASSIST_PAGE, PRIV_APIC_ACCESS },
	{ MSR_HV_EOI, PRIV_APIC_ACCESS },
	{ MSR_HV_ICR, PRIV_APIC_ACCESS },
	{ MSR_HV_TPR, PRIV_APIC_ACCESS },
};

static void guest_msr_denied(uint64_t msr)
{
	uint64_t v;
	uint32_t r[4];

	GUEST_ASSERT_EQ(guest_rdmsr_safe(msr, &v), GP);
	GUEST_ASSERT_EQ(guest_wrmsr_safe(msr, 0), GP);
	guest_cpuid(0x40000003, r);
	GUEST_SYNC(r[0] | (uint64_t)r[1] << 32);
	GUEST_DONE();
}

static int msrs_need_their_privilege(void)
{
	struct ucall uc;
	unsigned int i;

	for (i = 0; i < KSFT_NR(gated); i++) {
		uint64_t priv = PRIV_ALL & ~gated[i].privilege;

		KSFT_CHECK(start(guest_msr_denied, gated[i].msr, priv) == 0, "setup");
		KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_SYNC, &uc) == 0,
			   "MSR %#x", gated[i].msr);
		KSFT_CHECK(uc.args[0] == priv, "CPUID 0x40000003 %#llx, want %#llx",
			   (unsigned long long)uc.args[0], (unsigned long long)priv);
		KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_DONE, &uc) == 0, "done");
		vm_stop(&vm, &vcpu);
	}
	return KSFT_PASS;
}

static int privileges_property(void)
{
	uint64_t v = 0;
	int ret = vm_create(&vm, 4096, 1);

	KSFT_CHECK(ret == 0, "vm: %d", ret);
	KSFT_CHECK(property(vm.fd, HVKM_GET_PARTITION_PROPERTY,
			    HV_PARTITION_PROPERTY_PRIVILEGE_FLAGS, &v) == 0 && v == PRIV_ALL,
		   "default %#llx", (unsigned long long)v);
	v = PRIV_ALL | PRIV_CPU_MANAGEMENT;
	KSFT_CHECK(property(vm.fd, HVKM_SET_PARTITION_PROPERTY,
			    HV_PARTITION_PROPERTY_PRIVILEGE_FLAGS, &v) == -EINVAL, "root privilege");
	v = PRIV_ALL | PRIV_STATS;
	KSFT_CHECK(property(vm.fd, HVKM_SET_PARTITION_PROPERTY,
			    HV_PARTITION_PROPERTY_PRIVILEGE_FLAGS, &v) == -EINVAL,
		   "a privilege hvkm does not implement yet");
	vm_destroy(&vm);
	return KSFT_PASS;
}

/* ---- hypercall page and ABI --------------------------------------------------------- */

static void guest_hypercall_page(uint64_t arg)
{
	(void)arg;
	/* Without a guest OS identity the page stays off. */
	guest_wrmsr(MSR_HYPERCALL, (uintptr_t)hv_page | 1);
	GUEST_ASSERT_EQ(guest_rdmsr(MSR_HYPERCALL), (uintptr_t)hv_page);
	GUEST_ASSERT_EQ(vmmcall_fault(), UD);		/* no hypercalls yet */
	hv_enable();
	GUEST_SYNC(1);					/* the host reads the page */
	GUEST_ASSERT_EQ(hv_call(0x7777, 0, 0), HV_INVALID_CODE);
	GUEST_ASSERT_EQ(hv_call(HC_SPIN_WAIT | HC_FAST, 1, 0), HV_SUCCESS);
	/* Clearing the identity turns the page off again. */
	guest_wrmsr(MSR_GUEST_OS_ID, 0);
	GUEST_ASSERT_EQ(guest_rdmsr(MSR_HYPERCALL) & 1, 0);
	GUEST_ASSERT_EQ(vmmcall_fault(), UD);
	/* Locked: it can no longer move. */
	guest_wrmsr(MSR_GUEST_OS_ID, LINUX_OS_ID);
	guest_wrmsr(MSR_HYPERCALL, (uintptr_t)hv_page | 3);
	guest_wrmsr(MSR_HYPERCALL, (uintptr_t)hv_in | 1);
	GUEST_ASSERT_EQ(guest_rdmsr(MSR_HYPERCALL), (uintptr_t)hv_page | 3);
	GUEST_DONE();
}

static int hypercall_page(void)
{
	static const uint8_t code[] = { 0xf3, 0x0f, 0x1e, 0xfa, 0x0f, 0x01, 0xd9, 0xc3 };
	const uint8_t *page;
	struct ucall uc;
	unsigned int i;

	KSFT_CHECK(start(guest_hypercall_page, 0, PRIV_ALL) == 0, "setup");
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_SYNC, &uc) == 0, "enable");
	page = vm.mem + (uintptr_t)hv_page;
	KSFT_CHECK(!memcmp(page, code, sizeof(code)), "code %02x %02x %02x %02x %02x %02x %02x %02x",
		   page[0], page[1], page[2], page[3], page[4], page[5], page[6], page[7]);
	for (i = sizeof(code); i < 4096; i++)
		KSFT_CHECK(page[i] == 0xcc, "byte %u is %#x", i, page[i]);
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_DONE, &uc) == 0, "guest");
	vm_stop(&vm, &vcpu);
	return KSFT_PASS;
}

static void guest_hypercall_abi(uint64_t arg)
{
	uint64_t *in = (uint64_t *)hv_in, *out = (uint64_t *)hv_out;
	uint64_t in_gpa = (uintptr_t)hv_in, out_gpa = (uintptr_t)hv_out;

	(void)arg;
	hv_enable();
	/* The input value's reserved bits, rep and variable-header rules. */
	GUEST_ASSERT_EQ(hv_call(HC_SPIN_WAIT | HC_FAST | 1ULL << 27, 0, 0), HV_INVALID_INPUT);
	GUEST_ASSERT_EQ(hv_call(HC_SPIN_WAIT | HC_FAST | 1ULL << 44, 0, 0), HV_INVALID_INPUT);
	GUEST_ASSERT_EQ(hv_call(HC_SPIN_WAIT | HC_FAST | 1ULL << 60, 0, 0), HV_INVALID_INPUT);
	GUEST_ASSERT_EQ(hv_call(HC_SPIN_WAIT | HC_FAST | HC_REP(1, 0), 0, 0), HV_INVALID_INPUT);
	GUEST_ASSERT_EQ(hv_call(HC_SPIN_WAIT | HC_FAST | HC_VAR_WORDS(1), 0, 0), HV_INVALID_INPUT);
	in[0] = 0;
	in[1] = FLUSH_ALL_PROCESSORS | FLUSH_ALL_SPACES;
	in[2] = 0;
	GUEST_ASSERT_EQ(hv_call(HC_FLUSH_LIST, in_gpa, 0) & 0xffff, HV_INVALID_INPUT);
	GUEST_ASSERT_EQ(hv_call(HC_FLUSH_LIST | HC_REP(2, 2), in_gpa, 0) & 0xffff,
			HV_INVALID_INPUT);
	GUEST_SYNC(1);

	/* Rep calls report the reps completed from the list's start. */
	GUEST_ASSERT_EQ(hv_call(HC_FLUSH_LIST | HC_REP(5, 2), in_gpa, 0), HV_SUCCESS | 5ULL << 32);
	GUEST_ASSERT_EQ(hv_call(HC_FLUSH_LIST | HC_REP(1, 0), in_gpa, 0), HV_SUCCESS | 1ULL << 32);
	/* Memory input: 8-byte aligned and within one page. */
	GUEST_ASSERT_EQ(hv_call(HC_FLUSH_SPACE, in_gpa + 4, 0), HV_INVALID_ALIGNMENT);
	GUEST_ASSERT_EQ(hv_call(HC_FLUSH_SPACE, in_gpa + 4088, 0), HV_INVALID_ALIGNMENT);
	GUEST_ASSERT_EQ(hv_call(HC_FLUSH_SPACE, 1ULL << 52, 0), HV_INVALID_ALIGNMENT);
	GUEST_ASSERT_EQ(hv_call(HC_FLUSH_SPACE, MEM_SIZE + 4096, 0), HV_INVALID_ALIGNMENT);
	GUEST_ASSERT_EQ(hv_call(HC_FLUSH_SPACE, in_gpa, 0), HV_SUCCESS);
	in[1] = 1ULL << 5;				/* a reserved flag */
	GUEST_ASSERT_EQ(hv_call(HC_FLUSH_SPACE, in_gpa, 0), HV_INVALID_PARAMETER);
	GUEST_SYNC(2);

	/* Codes: unknown, and the extended interface (not granted: hypercall_needs_privilege). */
	GUEST_ASSERT_EQ(hv_call(0x0001, 0, 0), HV_INVALID_CODE);
	GUEST_ASSERT_EQ(hv_call(0x8fff, 0, 0), HV_INVALID_CODE);
	/* 256 bytes of input do not fit the fast registers. */
	GUEST_ASSERT_EQ(hv_call(HC_POST_MESSAGE | HC_FAST, 0, 0), HV_INVALID_INPUT);
	out[0] = ~0ULL;
	GUEST_ASSERT_EQ(hv_call(HC_EXT_QUERY, 0, out_gpa), HV_SUCCESS);
	GUEST_ASSERT_EQ(out[0], 0);
	GUEST_ASSERT_EQ(hv_call(HC_EXT_QUERY, 0, out_gpa + 2), HV_INVALID_ALIGNMENT);
	GUEST_ASSERT_EQ(hv_call(HC_EXT_QUERY | HC_FAST, 0, 0), HV_INVALID_PARAMETER);
	GUEST_DONE();
}

static int hypercall_abi(void)
{
	KSFT_CHECK(start(guest_hypercall_abi, 0, PRIV_ALL) == 0, "setup");
	KSFT_CHECK(run_stages(2) == KSFT_PASS, "guest");
	vm_stop(&vm, &vcpu);
	return KSFT_PASS;
}

static void guest_ext_denied(uint64_t arg)
{
	(void)arg;
	hv_enable();
	GUEST_ASSERT_EQ(hv_call(HC_EXT_QUERY, 0, (uintptr_t)hv_out), HV_ACCESS_DENIED);
	GUEST_DONE();
}

static int hypercall_needs_privilege(void)
{
	KSFT_CHECK(start(guest_ext_denied, 0, PRIV_ALL & ~PRIV_EXT_HYPERCALLS) == 0, "setup");
	KSFT_CHECK(run_stages(0) == KSFT_PASS, "guest");
	vm_stop(&vm, &vcpu);
	return KSFT_PASS;
}

/* ---- IPIs and flushes -------------------------------------------------------------- */

static void guest_ipi_to_self(uint64_t arg)
{
	uint64_t *in = (uint64_t *)hv_in;
	uint64_t xmm[4] = { 1, 1, 0, 0 };	/* valid banks: 0; bank 0: VP 0 */

	(void)arg;
	hv_enable();
	guest_apic_enable();
	asm volatile("sti");
	/* Fast, a 64-bit mask: vector, VTL 0, VP 0. */
	GUEST_ASSERT_EQ(hv_call(HC_SEND_IPI | HC_FAST, 0x41, 1), HV_SUCCESS);
	GUEST_ASSERT_EQ(guest_irq_count[0x41], 1);
	/* Memory input, Ex form with a sparse set. */
	in[0] = 0x42;
	in[1] = 0;		/* HV_GENERIC_SET_SPARSE_4K */
	in[2] = 1;		/* bank 0 */
	in[3] = 1;		/* VP 0 */
	GUEST_ASSERT_EQ(hv_call(HC_SEND_IPI_EX | HC_VAR_WORDS(1), (uintptr_t)hv_in, 0),
			HV_SUCCESS);
	GUEST_ASSERT_EQ(guest_irq_count[0x42], 1);
	/* XMM fast input: the VP set continues in XMM0. */
	GUEST_ASSERT_EQ(hv_call_xmm(HC_SEND_IPI_EX | HC_FAST | HC_VAR_WORDS(1), 0x43, 0, xmm),
			HV_SUCCESS);
	GUEST_ASSERT_EQ(guest_irq_count[0x43], 1);
	/* Format ALL. */
	in[0] = 0x44;
	in[1] = 1;
	in[2] = 0;
	GUEST_ASSERT_EQ(hv_call(HC_SEND_IPI_EX, (uintptr_t)hv_in, 0), HV_SUCCESS);
	GUEST_ASSERT_EQ(guest_irq_count[0x44], 1);
	/* Vectors below 0x10, VTLs, banks that do not match the header. */
	GUEST_ASSERT_EQ(hv_call(HC_SEND_IPI | HC_FAST, 0x0f, 1), HV_INVALID_PARAMETER);
	GUEST_ASSERT_EQ(hv_call(HC_SEND_IPI | HC_FAST, 0x41 | 1ULL << 32, 1),
			HV_INVALID_PARAMETER);
	in[0] = 0x45;
	in[1] = 0;
	in[2] = 3;		/* banks 0 and 1, but one word given */
	GUEST_ASSERT_EQ(hv_call(HC_SEND_IPI_EX | HC_VAR_WORDS(1), (uintptr_t)hv_in, 0),
			HV_INVALID_PARAMETER);
	in[1] = 7;		/* no such format */
	GUEST_ASSERT_EQ(hv_call(HC_SEND_IPI_EX, (uintptr_t)hv_in, 0), HV_INVALID_PARAMETER);
	GUEST_ASSERT_EQ(guest_irq_count[0x45], 0);
	GUEST_DONE();
}

static int ipi_hypercalls_to_self(void)
{
	KSFT_CHECK(start(guest_ipi_to_self, 0, PRIV_ALL) == 0, "setup");
	KSFT_CHECK(run_stages(0) == KSFT_PASS, "guest");
	vm_stop(&vm, &vcpu);
	return KSFT_PASS;
}

static volatile uint64_t vp1_ready;

static void guest_ipi_sender(uint64_t arg)
{
	uint64_t *in = (uint64_t *)hv_in;

	(void)arg;
	hv_enable();
	while (!vp1_ready)
		asm volatile("pause");
	GUEST_ASSERT_EQ(hv_call(HC_SEND_IPI | HC_FAST, 0x51, 2), HV_SUCCESS);
	in[0] = 0x52;
	in[1] = 0;
	in[2] = 1;
	in[3] = 2;		/* VP 1 */
	GUEST_ASSERT_EQ(hv_call(HC_SEND_IPI_EX | HC_VAR_WORDS(1), (uintptr_t)hv_in, 0),
			HV_SUCCESS);
	GUEST_DONE();
}

static void guest_ipi_receiver(uint64_t arg)
{
	(void)arg;
	guest_apic_enable();
	asm volatile("sti");
	vp1_ready = 1;
	while (!guest_irq_count[0x52])
		asm volatile("pause");
	GUEST_ASSERT_EQ(guest_irq_count[0x51], 1);
	GUEST_ASSERT_EQ(guest_irq_count[0x52], 1);
	GUEST_DONE();
}

struct vp_thread {
	struct hvkm_vcpu *vcpu;
	int result;
};

static void *run_to_done(void *arg)
{
	struct vp_thread *t = arg;

	t->result = vcpu_expect_ucall(&vm, t->vcpu, UCALL_DONE, NULL);
	return NULL;
}

/* One VP interrupts another, spinning in the guest, by hypercall. */
static int ipi_hypercalls_across_vps(void)
{
	struct hvkm_vcpu vcpu1;
	struct vp_thread t0 = { .vcpu = &vcpu }, t1 = { .vcpu = &vcpu1 };
	pthread_t tid;

	KSFT_CHECK(start(guest_ipi_sender, 0, PRIV_ALL) == 0, "setup");
	KSFT_CHECK(vcpu_create_long_mode(&vm, &vcpu1, 1, guest_ipi_receiver, 0) == 0, "vp 1");
	KSFT_CHECK(pthread_create(&tid, NULL, run_to_done, &t1) == 0, "thread");
	run_to_done(&t0);
	pthread_join(tid, NULL);
	KSFT_CHECK(t0.result == 0 && t1.result == 0, "sender %d receiver %d", t0.result, t1.result);
	vcpu_destroy(&vcpu1);
	vm_stop(&vm, &vcpu);
	return KSFT_PASS;
}

#define TEST_GVA	0x20000000ULL		/* 512 MiB: a 2 MiB page of its own */

static void guest_flush(uint64_t arg)
{
	uint64_t *in = (uint64_t *)hv_in;
	volatile uint64_t *p = (volatile uint64_t *)TEST_GVA;

	(void)arg;
	hv_enable();
	GUEST_ASSERT_EQ(*p, 0x1111);		/* now in the TLB */
	GUEST_SYNC(1);				/* the host moves the mapping */
	in[0] = 0;
	in[1] = FLUSH_ALL_PROCESSORS | FLUSH_ALL_SPACES;
	GUEST_ASSERT_EQ(hv_call(HC_FLUSH_SPACE, (uintptr_t)hv_in, 0), HV_SUCCESS);
	GUEST_ASSERT_EQ(*p, 0x2222);		/* the new translation */
	GUEST_SYNC(2);
	/* VP 1 only, by mask and by sparse set. */
	in[1] = FLUSH_ALL_SPACES;
	in[2] = 2;
	GUEST_ASSERT_EQ(hv_call(HC_FLUSH_SPACE, (uintptr_t)hv_in, 0), HV_SUCCESS);
	GUEST_SYNC(3);
	in[2] = 0;		/* sparse */
	in[3] = 1;		/* bank 0 */
	in[4] = 2;		/* VP 1 */
	GUEST_ASSERT_EQ(hv_call(HC_FLUSH_SPACE_EX | HC_VAR_WORDS(1), (uintptr_t)hv_in, 0),
			HV_SUCCESS);
	GUEST_SYNC(4);
	GUEST_DONE();
}

static void guest_idle_vp(uint64_t arg)
{
	(void)arg;
	GUEST_DONE();
}

/*
 * The flush hypercalls: a translation the guest changed without INVLPG is
 * gone after the call, and exactly the VPs named drop their translations.
 */
static int tlb_flush_hypercalls(void)
{
	struct hvkm_vp_stats s0, s1;
	struct hvkm_vcpu vcpu1;
	uint64_t *pde, a = 8 << 20, b = 10 << 20;
	struct ucall uc;

	KSFT_CHECK(start(guest_flush, 0, PRIV_ALL) == 0, "setup");
	KSFT_CHECK(vcpu_create_long_mode(&vm, &vcpu1, 1, guest_idle_vp, 0) == 0, "vp 1");
	*(uint64_t *)(vm.mem + a) = 0x1111;
	*(uint64_t *)(vm.mem + b) = 0x2222;
	pde = vm_pde(&vm, TEST_GVA);
	*pde = a | 0x83;				/* present, writable, 2 MiB */
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_SYNC, &uc) == 0, "stage 1");
	*pde = b | 0x83;
	KSFT_CHECK(vp_stats(&vcpu, &s0) == 0, "stats");
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_SYNC, &uc) == 0, "stage 2");
	KSFT_CHECK(vp_stats(&vcpu, &s1) == 0 && s1.tlb_flushes == s0.tlb_flushes + 1,
		   "VP 0 flushed %llu times", (unsigned long long)(s1.tlb_flushes - s0.tlb_flushes));
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_SYNC, &uc) == 0, "stage 3");
	KSFT_CHECK(vp_stats(&vcpu, &s0) == 0 && s0.tlb_flushes == s1.tlb_flushes,
		   "VP 0 flushed though not named");
	/* VP 1 has not run: its flushes are pending, one per request at most. */
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_SYNC, &uc) == 0, "stage 4");
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu1, UCALL_DONE, &uc) == 0, "vp 1");
	KSFT_CHECK(vp_stats(&vcpu1, &s1) == 0 && s1.tlb_flushes == 1,
		   "VP 1 flushed %llu times", (unsigned long long)s1.tlb_flushes);
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_DONE, &uc) == 0, "done");
	vcpu_destroy(&vcpu1);
	vm_stop(&vm, &vcpu);
	return KSFT_PASS;
}

/* ---- reference time ----------------------------------------------------------------- */

static void guest_reference_time(uint64_t arg)
{
	volatile uint32_t *seq = (volatile uint32_t *)tsc_page;
	volatile uint64_t *scale = (volatile uint64_t *)(tsc_page + 8);
	volatile int64_t *offset = (volatile int64_t *)(tsc_page + 16);
	uint64_t before, after, now, lo, hi;
	unsigned int i;

	(void)arg;
	GUEST_SYNC(guest_rdmsr(MSR_TIME_REF_COUNT));
	for (i = 0; i < 24; i++)
		tsc_page[i] = 0xff;
	guest_wrmsr(MSR_REFERENCE_TSC, (uintptr_t)tsc_page | 1);
	GUEST_ASSERT_EQ(guest_rdmsr(MSR_REFERENCE_TSC), (uintptr_t)tsc_page | 1);
	GUEST_SYNC(*seq);
	if (!*seq) {
		GUEST_DONE();	/* the host checks that its TSC cannot be trusted */
		return;
	}
	GUEST_ASSERT(*seq != 0xffffffff);
	for (i = 0; i < 1000; i++) {
		before = guest_rdmsr(MSR_TIME_REF_COUNT);
		asm volatile("rdtsc" : "=a" (lo), "=d" (hi));
		now = (uint64_t)(((unsigned __int128)(lo | hi << 32) * *scale) >> 64) + *offset;
		after = guest_rdmsr(MSR_TIME_REF_COUNT);
		/* One 100 ns tick of rounding either way. */
		GUEST_ASSERT(now + 1 >= before);
		GUEST_ASSERT(now <= after + 1);
	}
	GUEST_DONE();
}

static bool host_tsc_trusted(void)
{
	char line[4096];
	bool constant = false;
	FILE *f = fopen("/proc/cpuinfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "flags", 5) && strstr(line, " constant_tsc"))
			constant = true;
	if (f)
		fclose(f);
	return constant;
}

#define TRUST_TSC	"/sys/module/hvkm/parameters/trust_tsc"

/*
 * The reference counter continues from what the VMM set; the TSC page is
 * valid exactly when the host's TSC can be trusted (or the administrator
 * says so), and then gives the same time as the MSR.
 */
static int reference_time(bool trust)
{
	uint64_t t2 = 0, base = 5ULL << 40;
	bool valid = trust || host_tsc_trusted();
	struct ucall uc;

	KSFT_CHECK(write_file(TRUST_TSC, trust ? "1" : "0") == 0, "set trust_tsc");

	KSFT_CHECK(start(guest_reference_time, 0, PRIV_ALL) == 0, "setup");
	KSFT_CHECK(property(vm.fd, HVKM_SET_PARTITION_PROPERTY,
			    HV_PARTITION_PROPERTY_REFERENCE_TIME, &base) == 0, "set time");
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_SYNC, &uc) == 0, "MSR");
	KSFT_CHECK(property(vm.fd, HVKM_GET_PARTITION_PROPERTY,
			    HV_PARTITION_PROPERTY_REFERENCE_TIME, &t2) == 0, "get time");
	KSFT_CHECK(uc.args[0] >= base && uc.args[0] <= t2 && t2 < base + 600000000ULL,
		   "reference time %llu, set %llu, now %llu", (unsigned long long)uc.args[0],
		   (unsigned long long)base, (unsigned long long)t2);
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_SYNC, &uc) == 0, "TSC page");
	ksft_print_msg("TSC page sequence %llu; host TSC %sconstant, trust_tsc=%d",
		       (unsigned long long)uc.args[0], host_tsc_trusted() ? "" : "not ", trust);
	KSFT_CHECK(!!uc.args[0] == valid, "sequence %llu, want %s",
		   (unsigned long long)uc.args[0], valid ? "valid" : "0");
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_DONE, &uc) == 0, "consistency");
	vm_stop(&vm, &vcpu);
	write_file(TRUST_TSC, "0");
	return KSFT_PASS;
}

static int reference_time_and_tsc_page(void)
{
	return reference_time(false);
}

static int tsc_page_matches_reference_counter(void)
{
	return reference_time(true);
}

/* ---- crash, reset, idle ----------------------------------------------------------------- */

static void guest_crash_and_reset(uint64_t arg)
{
	unsigned int i;

	(void)arg;
	for (i = 0; i < 5; i++)
		guest_wrmsr(MSR_CRASH_P0 + i, 0x1000 + i);
	guest_wrmsr(MSR_CRASH_CTL, 1ULL << 63);
	GUEST_SYNC(1);
	guest_wrmsr(MSR_RESET, 0);			/* 0 does nothing */
	guest_wrmsr(MSR_RESET, 1);
	GUEST_DONE();
}

static int crash_and_reset_exits(void)
{
	struct ucall uc;
	unsigned int i;
	int cmd;

	KSFT_CHECK(start(guest_crash_and_reset, 0, PRIV_ALL) == 0, "setup");
	cmd = vcpu_run_ucall(&vm, &vcpu, &uc);
	KSFT_CHECK(cmd == UCALL_NONE && vcpu.run->exit_reason == HVKM_EXIT_SYSTEM_EVENT &&
		   vcpu.run->system_event.type == HVKM_SYSTEM_EVENT_CRASH,
		   "ucall %d exit %u", cmd, vcpu.run->exit_reason);
	KSFT_CHECK(vcpu.run->system_event.crash_ctl == 1ULL << 63, "ctl %#llx",
		   (unsigned long long)vcpu.run->system_event.crash_ctl);
	for (i = 0; i < 5; i++)
		KSFT_CHECK(vcpu.run->system_event.crash_params[i] == 0x1000 + i, "P%u %#llx", i,
			   (unsigned long long)vcpu.run->system_event.crash_params[i]);
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_SYNC, &uc) == 0, "resumed after crash");
	cmd = vcpu_run_ucall(&vm, &vcpu, &uc);
	KSFT_CHECK(cmd == UCALL_NONE && vcpu.run->exit_reason == HVKM_EXIT_SYSTEM_EVENT &&
		   vcpu.run->system_event.type == HVKM_SYSTEM_EVENT_RESET,
		   "ucall %d exit %u", cmd, vcpu.run->exit_reason);
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_DONE, &uc) == 0, "resumed after reset");
	vm_stop(&vm, &vcpu);
	return KSFT_PASS;
}

static void guest_idles(uint64_t arg)
{
	(void)arg;
	guest_apic_enable();
	asm volatile("sti");
	GUEST_ASSERT_EQ(guest_rdmsr(MSR_GUEST_IDLE), 0);
	GUEST_ASSERT_EQ(guest_irq_count[0x60], 1);
	GUEST_DONE();
}

static void *assert_later(void *arg)
{
	struct timespec ts = { .tv_nsec = 300 * 1000 * 1000 };
	struct hvkm_assert_interrupt a = { .control = 0, .dest_addr = 0, .vector = 0x60 };

	nanosleep(&ts, NULL);
	*(int *)arg = ioctl(vm.fd, HVKM_ASSERT_INTERRUPT, &a) ? -errno : 0;
	return NULL;
}

/* Reading HV_X64_MSR_GUEST_IDLE halts the VP until an interrupt comes. */
static int guest_idle_halts(void)
{
	struct timespec t0, t1;
	pthread_t tid;
	int ret = -1;
	double waited;

	KSFT_CHECK(start(guest_idles, 0, PRIV_ALL) == 0, "setup");
	KSFT_CHECK(pthread_create(&tid, NULL, assert_later, &ret) == 0, "thread");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_DONE, NULL) == 0, "guest");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	pthread_join(tid, NULL);
	waited = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	KSFT_CHECK(ret == 0, "assert: %d", ret);
	KSFT_CHECK(waited >= 0.25, "the VP did not wait: %.3f s", waited);
	vm_stop(&vm, &vcpu);
	return KSFT_PASS;
}

static const struct ksft_case cases[] = {
	KSFT_CASE(cpuid_leaves),
	KSFT_CASE(synthetic_msrs),
	KSFT_CASE(msrs_need_their_privilege),
	KSFT_CASE(privileges_property),
	KSFT_CASE(hypercall_page),
	KSFT_CASE(hypercall_abi),
	KSFT_CASE(hypercall_needs_privilege),
	KSFT_CASE(ipi_hypercalls_to_self),
	KSFT_CASE(ipi_hypercalls_across_vps),
	KSFT_CASE(tlb_flush_hypercalls),
	KSFT_CASE(reference_time_and_tsc_page),
	KSFT_CASE(tsc_page_matches_reference_counter),
	KSFT_CASE(crash_and_reset_exits),
	KSFT_CASE(guest_idle_halts),
};

int main(void)
{
	return ksft_run(cases, KSFT_NR(cases), NULL);
}
