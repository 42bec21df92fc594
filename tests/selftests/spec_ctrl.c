// SPDX-License-Identifier: GPL-2.0
/*
 * IA32_SPEC_CTRL (0x48) and IA32_PRED_CMD (0x49) in the guest.  A guest
 * whose CPUID does not offer them gets #GP for both, whatever the host CPU
 * has.  With CPUID offering them the outcome follows the CPU hvkm runs on
 * (the test VM's, which under QEMU TCG usually has neither): the MSRs work
 * and HV_X64_REGISTER_SPEC_CTRL round-trips where the CPU has them, and both
 * stay #GP and the register -EINVAL where it does not.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lib/guest.h"
#include "lib/ksft.h"

#define MEM_SIZE	(16 << 20)
#define GP		13
#define MSR_SPEC_CTRL	0x48
#define MSR_PRED_CMD	0x49
#define SPEC_CTRL_IBRS	(1ULL << 0)
#define SPEC_CTRL_STIBP	(1ULL << 1)

static struct hvkm_vm vm;
static struct hvkm_vcpu vcpu;

/* Whether /proc/cpuinfo lists @flag for the CPU this runs on. */
static bool host_has(const char *flag)
{
	char line[4096], want[64];
	bool found = false;
	FILE *f = fopen("/proc/cpuinfo", "re");

	if (!f)
		return false;
	snprintf(want, sizeof(want), " %s ", flag);
	while (!found && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "flags", 5))
			continue;
		line[strcspn(line, "\n")] = ' ';
		found = strstr(line, want) != NULL;
		break;
	}
	fclose(f);
	return found;
}

static int start(void (*fn)(uint64_t), uint64_t arg)
{
	return vm_start_long_mode(&vm, &vcpu, MEM_SIZE, 1, fn, arg);
}

static int expect(int want)
{
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, want, NULL) == 0, "see above");
	return KSFT_PASS;
}

static void guest_all_gp(uint64_t arg)
{
	uint64_t v;

	(void)arg;
	GUEST_ASSERT_EQ(guest_rdmsr_safe(MSR_SPEC_CTRL, &v), GP);
	GUEST_ASSERT_EQ(guest_wrmsr_safe(MSR_SPEC_CTRL, 0), GP);
	GUEST_ASSERT_EQ(guest_wrmsr_safe(MSR_SPEC_CTRL, SPEC_CTRL_STIBP), GP);
	GUEST_ASSERT_EQ(guest_rdmsr_safe(MSR_PRED_CMD, &v), GP);
	GUEST_ASSERT_EQ(guest_wrmsr_safe(MSR_PRED_CMD, 1), GP);
	GUEST_DONE();
}

/* An empty CPUID table offers nothing: #GP, even on a host CPU that has them. */
static int absent_from_cpuid_is_gp(void)
{
	int ret = start(guest_all_gp, 0);

	KSFT_CHECK(ret == 0, "setup: %d", ret);
	ret = expect(UCALL_DONE);
	vm_stop(&vm, &vcpu);
	return ret;
}

/* CPUID 8000_0008:EBX: IBPB (12), IBRS (14), STIBP (15), SSBD (24). */
static const struct hvkm_cpuid_entry offered = {
	.function = 0x80000008, .ebx = (1u << 12) | (1u << 14) | (1u << 15) | (1u << 24),
};

/* The argument of guest_offered(): what the host has, and a SPEC_CTRL bit it has. */
enum { HAS_SPEC_CTRL = 1, HAS_IBPB = 2 };
#define BIT_SHIFT	8

static void guest_offered(uint64_t has)
{
	uint64_t v, bit = has >> BIT_SHIFT;

	if (has & HAS_SPEC_CTRL) {
		GUEST_ASSERT_EQ(guest_rdmsr_safe(MSR_SPEC_CTRL, &v), -1);
		GUEST_ASSERT_EQ(v, 0);
		GUEST_ASSERT_EQ(guest_wrmsr_safe(MSR_SPEC_CTRL, bit), -1);
		GUEST_ASSERT_EQ(guest_rdmsr_safe(MSR_SPEC_CTRL, &v), -1);
		GUEST_ASSERT_EQ(v, bit);
		GUEST_ASSERT_EQ(guest_wrmsr_safe(MSR_SPEC_CTRL, 1ULL << 40), GP);
		GUEST_SYNC(1);		/* the host reads the bit and sets 0 */
		GUEST_ASSERT_EQ(guest_rdmsr_safe(MSR_SPEC_CTRL, &v), -1);
		GUEST_ASSERT_EQ(v, 0);
	} else {
		GUEST_ASSERT_EQ(guest_rdmsr_safe(MSR_SPEC_CTRL, &v), GP);
		GUEST_ASSERT_EQ(guest_wrmsr_safe(MSR_SPEC_CTRL, SPEC_CTRL_STIBP), GP);
	}
	if (has & HAS_IBPB) {
		GUEST_ASSERT_EQ(guest_wrmsr_safe(MSR_PRED_CMD, 1), -1);
		GUEST_ASSERT_EQ(guest_wrmsr_safe(MSR_PRED_CMD, 0), -1);
		GUEST_ASSERT_EQ(guest_wrmsr_safe(MSR_PRED_CMD, 4), GP);
	} else {
		GUEST_ASSERT_EQ(guest_wrmsr_safe(MSR_PRED_CMD, 1), GP);
	}
	/* PRED_CMD is write-only. */
	GUEST_ASSERT_EQ(guest_rdmsr_safe(MSR_PRED_CMD, &v), GP);
	GUEST_DONE();
}

static int offered_in_cpuid_follows_host(void)
{
	bool spec = host_has("ibrs") || host_has("stibp");
	bool ibpb = host_has("ibpb");
	uint64_t v, bit = host_has("stibp") ? SPEC_CTRL_STIBP : SPEC_CTRL_IBRS;
	int ret, reg;

	ksft_print_msg("host CPU: SPEC_CTRL %s, IBPB %s", spec ? "yes" : "no (not exercised)",
		       ibpb ? "yes" : "no (not exercised)");
	ret = start(guest_offered, (spec ? HAS_SPEC_CTRL : 0) | (ibpb ? HAS_IBPB : 0) |
		    bit << BIT_SHIFT);
	KSFT_CHECK(ret == 0, "setup: %d", ret);
	KSFT_CHECK(vm_set_cpuid(&vm, &offered, 1) == 0, "cpuid table");
	reg = vcpu_get_reg(&vcpu, HV_X64_REGISTER_SPEC_CTRL, &v);
	if (spec) {
		KSFT_CHECK(reg == 0 && v == 0, "get SPEC_CTRL: %d, %#llx", reg,
			   (unsigned long long)v);
		KSFT_CHECK(expect(UCALL_SYNC) == KSFT_PASS, "guest set a bit");
		KSFT_CHECK(vcpu_get_reg(&vcpu, HV_X64_REGISTER_SPEC_CTRL, &v) == 0 && v == bit,
			   "the guest's SPEC_CTRL: %#llx", (unsigned long long)v);
		KSFT_CHECK(vcpu_set_reg(&vcpu, HV_X64_REGISTER_SPEC_CTRL, 1ULL << 40) == -EINVAL,
			   "reserved bit accepted");
		KSFT_CHECK(vcpu_set_reg(&vcpu, HV_X64_REGISTER_SPEC_CTRL, 0) == 0, "set 0");
	} else {
		KSFT_CHECK(reg == -EINVAL, "get SPEC_CTRL without the MSR: %d", reg);
		KSFT_CHECK(vcpu_set_reg(&vcpu, HV_X64_REGISTER_SPEC_CTRL, 0) == -EINVAL,
			   "set SPEC_CTRL without the MSR");
	}
	ret = expect(UCALL_DONE);
	vm_stop(&vm, &vcpu);
	return ret;
}

static const struct ksft_case cases[] = {
	KSFT_CASE(absent_from_cpuid_is_gp),
	KSFT_CASE(offered_in_cpuid_follows_host),
};

int main(void)
{
	return ksft_run(cases, KSFT_NR(cases), NULL);
}
