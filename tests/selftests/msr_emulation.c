// SPDX-License-Identifier: GPL-2.0
/*
 * Architectural MSRs from inside a 64-bit guest: values that round-trip,
 * reserved bits and unknown MSRs that raise #GP, and MSRs the hardware
 * switches for the guest without an exit.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdbool.h>
#include <string.h>

#include "lib/guest.h"
#include "lib/ksft.h"

#define MEM_SIZE	(16 << 20)
#define GP		13

static struct hvkm_vm vm;
static struct hvkm_vcpu vcpu;

static void expect_value(uint32_t msr, uint64_t want)
{
	uint64_t v;

	GUEST_ASSERT_EQ(guest_rdmsr_safe(msr, &v), -1);
	GUEST_ASSERT_EQ(v, want);
}

static void expect_round_trip(uint32_t msr, uint64_t value)
{
	GUEST_ASSERT_EQ(guest_wrmsr_safe(msr, value), -1);
	expect_value(msr, value);
}

static void expect_gp_on_write(uint32_t msr, uint64_t value)
{
	GUEST_ASSERT_EQ(guest_wrmsr_safe(msr, value), GP);
}

static void guest_architectural(uint64_t arg)
{
	uint64_t efer, tsc1, tsc2;
	unsigned int i;

	(void)arg;
	/* EFER: the guest's long-mode bits, never the SVME that hvkm needs. */
	GUEST_ASSERT_EQ(guest_rdmsr_safe(0xc0000080, &efer), -1);
	GUEST_ASSERT_EQ(efer, 0xd01);
	expect_round_trip(0xc0000080, 0x501);			/* NXE off */
	expect_round_trip(0xc0000080, 0xd01);
	expect_gp_on_write(0xc0000080, 0xd01 | (1 << 12));	/* SVME */
	expect_gp_on_write(0xc0000080, 0xd01 | (1ull << 40));
	expect_gp_on_write(0xc0000080, 0xc01);			/* LME off with paging on */
	GUEST_SYNC(1);

	/* PAT: its reset value, a valid change, and the reserved types 2 and 3. */
	expect_value(0x277, 0x0007040600070406ULL);
	expect_round_trip(0x277, 0x0007010600070106ULL);
	expect_gp_on_write(0x277, 0x0007040600070402ULL);
	expect_gp_on_write(0x277, 0x0807040600070406ULL);
	GUEST_SYNC(2);

	/* TSC: set it and it counts on from there; TSC_ADJUST moves it along. */
	GUEST_ASSERT_EQ(guest_wrmsr_safe(0x10, 1ull << 40), -1);
	GUEST_ASSERT_EQ(guest_rdmsr_safe(0x10, &tsc1), -1);
	GUEST_ASSERT(tsc1 >= 1ull << 40 && tsc1 < (1ull << 40) + (1ull << 36));
	GUEST_ASSERT_EQ(guest_wrmsr_safe(0x3b, 1ull << 44), -1);
	GUEST_ASSERT_EQ(guest_rdmsr_safe(0x10, &tsc2), -1);
	GUEST_ASSERT(tsc2 >= tsc1 + (1ull << 44));
	expect_value(0x3b, 1ull << 44);
	GUEST_SYNC(3);

	/* APIC base: the BSP at the architectural address, enabled. */
	expect_value(0x1b, 0xfee00900);
	expect_round_trip(0x1b, 0xfec00900);
	expect_gp_on_write(0x1b, 0xfee00800);		/* clearing BSP */
	expect_gp_on_write(0x1b, 0xfee00900 | 1);	/* reserved */
	GUEST_SYNC(4);

	/* MTRRs: 8 variable ranges with fixed ranges and WC; types are checked. */
	expect_value(0xfe, 0x508);
	expect_round_trip(0x2ff, 0xc06);
	expect_gp_on_write(0x2ff, 0xc02);		/* type 2 is reserved */
	expect_round_trip(0x250, 0x0606060606060606ULL);
	expect_gp_on_write(0x258, 0x0606060606060603ULL);
	for (i = 0; i < 16; i += 2) {
		expect_round_trip(0x200 + i, 0x80000006 + (i << 20));
		expect_round_trip(0x201 + i, 0xfff0000800ULL);
	}
	expect_gp_on_write(0x201, 0xfff0000801ULL);
	GUEST_SYNC(5);

	/* Machine check: no banks; bank registers read as zero. */
	expect_value(0x179, 0);
	expect_value(0x17a, 0);
	expect_value(0x401, 0);
	expect_gp_on_write(0x17a, 1);
	GUEST_SYNC(6);

	/* AMD SYSCFG and NB_CFG: read as zero, writes dropped (as Hyper-V does). */
	expect_value(0xc0010010, 0);
	GUEST_ASSERT_EQ(guest_wrmsr_safe(0xc0010010, 1ull << 21), -1);
	expect_value(0xc0010010, 0);
	expect_value(0xc001001f, 0);
	GUEST_ASSERT_EQ(guest_wrmsr_safe(0xc001001f, 1ull << 46), -1);
	expect_value(0xc001001f, 0);
	GUEST_SYNC(7);

	/* Unknown MSRs. */
	{
		uint64_t v;

		GUEST_ASSERT_EQ(guest_rdmsr_safe(0xc0001234, &v), GP);
		GUEST_ASSERT_EQ(guest_wrmsr_safe(0x12345, 0), GP);
		GUEST_ASSERT_EQ(guest_rdmsr_safe(0x48, &v), GP);	/* SPEC_CTRL: not offered */
	}
	GUEST_SYNC(8);

	/* Switched by VMLOAD/VMSAVE: written without an exit, seen by the host. */
	GUEST_ASSERT_EQ(guest_wrmsr_safe(0xc0000082, 0xffffffff81000000ULL), -1);
	GUEST_ASSERT_EQ(guest_wrmsr_safe(0xc0000102, 0xffff888000001000ULL), -1);
	GUEST_DONE();
}

static int run_stages(void (*fn)(uint64_t), int stages)
{
	struct ucall uc;
	int cmd, i;

	for (i = 1; i <= stages + 1; i++) {
		cmd = vcpu_run_ucall(&vm, &vcpu, &uc);
		if (cmd == UCALL_ABORT)
			ksft_print_msg("guest: '%s' at %s:%llu (%#llx, %#llx)", uc.expr, uc.file,
				       (unsigned long long)uc.line, (unsigned long long)uc.args[0],
				       (unsigned long long)uc.args[1]);
		KSFT_CHECK(i > stages || (cmd == UCALL_SYNC && uc.args[0] == (uint64_t)i),
			   "stage %d: ucall %d (exit %u)", i, cmd, vcpu.run->exit_reason);
		KSFT_CHECK(i <= stages || cmd == UCALL_DONE, "end: ucall %d", cmd);
	}
	(void)fn;
	return KSFT_PASS;
}

static int architectural_msrs(void)
{
	uint64_t v;
	int ret = vm_create_long_mode(&vm, MEM_SIZE, 1);

	KSFT_CHECK(ret == 0, "vm: %d", ret);
	ret = vcpu_create_long_mode(&vm, &vcpu, 0, guest_architectural, 0);
	KSFT_CHECK(ret == 0, "vp: %d", ret);
	KSFT_CHECK(run_stages(guest_architectural, 8) == KSFT_PASS, "guest");
	KSFT_CHECK(vcpu_get_reg(&vcpu, HV_X64_REGISTER_LSTAR, &v) == 0 &&
		   v == 0xffffffff81000000ULL, "LSTAR %#llx", (unsigned long long)v);
	KSFT_CHECK(vcpu_get_reg(&vcpu, HV_X64_REGISTER_KERNEL_GS_BASE, &v) == 0 &&
		   v == 0xffff888000001000ULL, "KERNEL_GS_BASE %#llx", (unsigned long long)v);
	vcpu_destroy(&vcpu);
	vm_destroy(&vm);
	return KSFT_PASS;
}

static uint32_t rdtscp_aux(void)
{
	uint32_t lo, hi, aux;

	asm volatile("rdtscp" : "=a" (lo), "=d" (hi), "=c" (aux));
	return aux;
}

static void guest_tsc_aux(uint64_t arg)
{
	uint64_t v;

	(void)arg;
	GUEST_ASSERT_EQ(guest_wrmsr_safe(0xc0000103, 0x123), -1);
	GUEST_ASSERT_EQ(rdtscp_aux(), 0x123);
	GUEST_ASSERT_EQ(guest_rdmsr_safe(0xc0000103, &v), -1);
	GUEST_ASSERT_EQ(v, 0x123);
	GUEST_ASSERT_EQ(guest_wrmsr_safe(0xc0000103, 1ULL << 32), GP);
	GUEST_SYNC(1);
	GUEST_ASSERT_EQ(rdtscp_aux(), 0x123);	/* still the guest's after an exit */
	GUEST_DONE();
}

/* RDTSCP in the guest returns the guest's TSC_AUX; the host keeps its own. */
static int tsc_aux_switched(void)
{
	unsigned int eax, ebx, ecx, edx, tries;
	struct ucall uc;
	uint64_t v;
	bool host_ok = false;
	int ret;

	__asm__ volatile("cpuid" : "=a" (eax), "=b" (ebx), "=c" (ecx), "=d" (edx)
			 : "a" (0x80000001), "c" (0));
	KSFT_SKIP_IF(!(edx & (1u << 27)), "the CPU has no RDTSCP");
	ret = vm_start_long_mode(&vm, &vcpu, MEM_SIZE, 1, guest_tsc_aux, 0);
	KSFT_CHECK(ret == 0, "setup: %d", ret);
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_SYNC, &uc) == 0, "guest");
	/* The host's value is its getcpu() data: CPU number in the low 12 bits. */
	for (tries = 0; tries < 20 && !host_ok; tries++) {
		int cpu = sched_getcpu();

		host_ok = (rdtscp_aux() & 0xfff) == (uint32_t)cpu && cpu == sched_getcpu();
	}
	KSFT_CHECK(host_ok, "the host's TSC_AUX was not restored: %#x", rdtscp_aux());
	KSFT_CHECK(vcpu_get_reg(&vcpu, HV_X64_REGISTER_TSC_AUX, &v) == 0 && v == 0x123,
		   "register %#llx", (unsigned long long)v);
	KSFT_CHECK(vcpu_set_reg(&vcpu, HV_X64_REGISTER_TSC_AUX, 1ULL << 40) == -EINVAL,
		   "reserved bits");
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_DONE, &uc) == 0, "guest after exit");
	vm_stop(&vm, &vcpu);
	return KSFT_PASS;
}

static void guest_unexpected_fault(uint64_t arg)
{
	(void)arg;
	asm volatile("ud2");
	GUEST_DONE();
}

/* The guest library's own check: a fault nobody expected is reported. */
static int unexpected_exception_is_reported(void)
{
	struct ucall uc;
	int cmd, ret = vm_create_long_mode(&vm, MEM_SIZE, 1);

	KSFT_CHECK(ret == 0, "vm: %d", ret);
	KSFT_CHECK(vcpu_create_long_mode(&vm, &vcpu, 0, guest_unexpected_fault, 0) == 0, "vp");
	cmd = vcpu_run_ucall(&vm, &vcpu, &uc);
	KSFT_CHECK(cmd == UCALL_ABORT && uc.args[0] == 6 &&
		   uc.args[1] >= (uintptr_t)guest_unexpected_fault &&
		   uc.args[1] < (uintptr_t)guest_unexpected_fault + 64,
		   "ucall %d vector %llu rip %#llx", cmd, (unsigned long long)uc.args[0],
		   (unsigned long long)uc.args[1]);
	vcpu_destroy(&vcpu);
	vm_destroy(&vm);
	return KSFT_PASS;
}

static const struct ksft_case cases[] = {
	KSFT_CASE(architectural_msrs),
	KSFT_CASE(unexpected_exception_is_reported),
	KSFT_CASE(tsc_aux_switched),
};

int main(void)
{
	return ksft_run(cases, KSFT_NR(cases), NULL);
}
