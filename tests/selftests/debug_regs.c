// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's debug registers: what it writes to DR0-3/DR6/DR7 it reads back
 * and the VMM sees (and the other way round), hardware breakpoints raise #DB
 * in the guest with the right DR6, DR4/DR5 alias DR6/DR7 or #UD by CR4.DE,
 * bits 63:32 of DR6/DR7 #GP, the first access is the only one that exits,
 * and a breakpoint of the host survives a guest that uses the registers.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/guest.h"
#include "lib/ksft.h"

#define MEM_SIZE	(16 << 20)
#define DB		1
#define UD		6
#define GP		13
#define DR6_FIXED	0xffff0ff0ULL
#define DR7_FIXED	0x400ULL
#define CR4_DE		(1ULL << 3)
#define RFLAGS_RF	(1ULL << 16)
#define RFLAGS_TF	(1ULL << 8)
#define DR6_BS		(1ULL << 14)

static struct hvkm_vm vm;
static struct hvkm_vcpu vcpu;

#define DR_GET(n) ({ uint64_t __v; asm volatile("mov %%dr" #n ", %0" : "=r" (__v)); __v; })
#define DR_SET(n, v) asm volatile("mov %0, %%dr" #n : : "r" ((uint64_t)(v)) : "memory")

/* MOV DRn, RAX and back, 3 bytes each (0f 23 /r, 0f 21 /r): the vector or -1. */
#define DR_SET_SAFE(n, v) ({                                                  \
	guest_fault_vector = -1;                                              \
	guest_fault_skip = 3;                                                 \
	asm volatile("mov %%rax, %%dr" #n : : "a" ((uint64_t)(v)) : "memory"); \
	guest_fault_skip = 0;                                                 \
	guest_fault_vector;                                                   \
})
#define DR_GET_SAFE(n) ({                                                     \
	uint64_t __v = 0;                                                     \
	guest_fault_vector = -1;                                              \
	guest_fault_skip = 3;                                                 \
	asm volatile("mov %%dr" #n ", %%rax" : "+a" (__v) : : "memory");      \
	guest_fault_skip = 0;                                                 \
	guest_fault_vector;                                                   \
})

static uint64_t other_exits(void)
{
	struct hvkm_vp_stats st;

	return ioctl(vcpu.fd, HVKM_GET_VP_STATS, &st) ? ~0ULL : st.exits[HVKM_STAT_EXIT_OTHER];
}

static int start(void (*fn)(uint64_t))
{
	return vm_start_long_mode(&vm, &vcpu, MEM_SIZE, 1, fn, 0);
}

static int expect(int want)
{
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, want, NULL) == 0, "see above");
	return KSFT_PASS;
}

static const uint32_t dr_names[6] = {
	HV_X64_REGISTER_DR0, HV_X64_REGISTER_DR1, HV_X64_REGISTER_DR2,
	HV_X64_REGISTER_DR3, HV_X64_REGISTER_DR6, HV_X64_REGISTER_DR7,
};

/* ---- values both ways ------------------------------------------------------ */

static void guest_values(uint64_t arg)
{
	(void)arg;
	GUEST_SYNC(1);
	/* The first access exits once (hvkm switches to the guest's DRs), then none do. */
	DR_SET(0, 0x1000);
	DR_SET(1, 0xffff800000002000ULL);
	DR_SET(2, 0x3000);
	DR_SET(3, 0x7fff00004000ULL);
	DR_SET(6, DR6_FIXED | 0x5);
	/* Conditions and lengths set, every breakpoint disabled. */
	DR_SET(7, DR7_FIXED | 0x55550000ULL);
	GUEST_ASSERT_EQ(DR_GET(0), 0x1000);
	GUEST_ASSERT_EQ(DR_GET(1), 0xffff800000002000ULL);
	GUEST_ASSERT_EQ(DR_GET(2), 0x3000);
	GUEST_ASSERT_EQ(DR_GET(3), 0x7fff00004000ULL);
	GUEST_ASSERT_EQ(DR_GET(6), DR6_FIXED | 0x5);
	GUEST_ASSERT_EQ(DR_GET(7), DR7_FIXED | 0x55550000ULL);
	GUEST_SYNC(2);			/* the host reads them, and sets others */
	GUEST_ASSERT_EQ(DR_GET(0), 0xa0);
	GUEST_ASSERT_EQ(DR_GET(1), 0xa1);
	GUEST_ASSERT_EQ(DR_GET(2), 0xa2);
	GUEST_ASSERT_EQ(DR_GET(3), 0xa3);
	GUEST_ASSERT_EQ(DR_GET(6), DR6_FIXED | 0x2);
	GUEST_ASSERT_EQ(DR_GET(7), DR7_FIXED | 0x990000ULL);
	GUEST_DONE();
}

static int guest_values_both_ways(void)
{
	static const uint64_t guest_set[6] = {
		0x1000, 0xffff800000002000ULL, 0x3000, 0x7fff00004000ULL,
		DR6_FIXED | 0x5, DR7_FIXED | 0x55550000ULL,
	};
	static const uint64_t host_set[6] = {
		0xa0, 0xa1, 0xa2, 0xa3, DR6_FIXED | 0x2, DR7_FIXED | 0x990000ULL,
	};
	uint64_t before, v;
	int ret = start(guest_values), i;

	KSFT_CHECK(ret == 0, "setup: %d", ret);
	KSFT_CHECK(expect(UCALL_SYNC) == KSFT_PASS, "sync 1");
	before = other_exits();
	KSFT_CHECK(expect(UCALL_SYNC) == KSFT_PASS, "sync 2");
	KSFT_CHECK(other_exits() - before == 1, "%llu DR exits for 12 accesses, not 1",
		   (unsigned long long)(other_exits() - before));
	for (i = 0; i < 6; i++) {
		KSFT_CHECK(vcpu_get_reg(&vcpu, dr_names[i], &v) == 0, "get %#x", dr_names[i]);
		KSFT_CHECK(v == guest_set[i], "reg %#x: %#llx, guest wrote %#llx", dr_names[i],
			   (unsigned long long)v, (unsigned long long)guest_set[i]);
		KSFT_CHECK(vcpu_set_reg(&vcpu, dr_names[i], host_set[i]) == 0, "set %#x",
			   dr_names[i]);
	}
	KSFT_CHECK(expect(UCALL_DONE) == KSFT_PASS, "done");
	vm_stop(&vm, &vcpu);
	return KSFT_PASS;
}

/* The VMM's values before the guest ever touched a DR: reset values, round trips. */
static void guest_reads_vmm_values(uint64_t arg)
{
	(void)arg;
	GUEST_ASSERT_EQ(DR_GET(0), 0x1234);
	GUEST_ASSERT_EQ(DR_GET(3), 0x5678);
	GUEST_ASSERT_EQ(DR_GET(7), DR7_FIXED | 0x110000ULL);
	GUEST_DONE();
}

static int vmm_round_trip_before_first_use(void)
{
	static const uint64_t reset[6] = { 0, 0, 0, 0, DR6_FIXED, DR7_FIXED };
	uint64_t v;
	int ret = start(guest_reads_vmm_values), i;

	KSFT_CHECK(ret == 0, "setup: %d", ret);
	for (i = 0; i < 6; i++) {
		KSFT_CHECK(vcpu_get_reg(&vcpu, dr_names[i], &v) == 0, "get %#x", dr_names[i]);
		KSFT_CHECK(v == reset[i], "reg %#x after reset: %#llx", dr_names[i],
			   (unsigned long long)v);
	}
	KSFT_CHECK(vcpu_set_reg(&vcpu, HV_X64_REGISTER_DR0, 0x1234) == 0, "set DR0");
	KSFT_CHECK(vcpu_set_reg(&vcpu, HV_X64_REGISTER_DR3, 0x5678) == 0, "set DR3");
	KSFT_CHECK(vcpu_set_reg(&vcpu, HV_X64_REGISTER_DR7, DR7_FIXED | 0x110000ULL) == 0,
		   "set DR7");
	KSFT_CHECK(vcpu_get_reg(&vcpu, HV_X64_REGISTER_DR0, &v) == 0 && v == 0x1234, "DR0 back");
	KSFT_CHECK(vcpu_get_reg(&vcpu, HV_X64_REGISTER_DR3, &v) == 0 && v == 0x5678, "DR3 back");
	/* Bits 63:32 of DR6/DR7 are reserved: VMRUN would refuse them. */
	KSFT_CHECK(vcpu_set_reg(&vcpu, HV_X64_REGISTER_DR7, 1ULL << 32) == -EINVAL, "DR7 63:32");
	KSFT_CHECK(vcpu_set_reg(&vcpu, HV_X64_REGISTER_DR6, DR6_FIXED | 1ULL << 40) == -EINVAL,
		   "DR6 63:32");
	KSFT_CHECK(vcpu_get_reg(&vcpu, HV_X64_REGISTER_DR7, &v) == 0 &&
		   v == (DR7_FIXED | 0x110000ULL), "DR7 changed by a refused set: %#llx",
		   (unsigned long long)v);
	KSFT_CHECK(expect(UCALL_DONE) == KSFT_PASS, "done");
	vm_stop(&vm, &vcpu);
	return KSFT_PASS;
}

/* ---- breakpoints ----------------------------------------------------------- */

static volatile unsigned int db_count;
static volatile uint64_t db_dr6, db_rip;
static volatile uint64_t watched __attribute__((aligned(8)));

static void guest_db(uint64_t vector, uint64_t *rip, uint64_t *rflags)
{
	(void)vector;
	db_count++;
	db_dr6 = DR_GET(6);
	db_rip = *rip;
	DR_SET(6, DR6_FIXED);
	/* An instruction breakpoint is a fault: RF lets the instruction run. */
	if (db_dr6 & 1)
		*rflags |= RFLAGS_RF;
	/* A single step: one is enough. */
	if (db_dr6 & DR6_BS)
		*rflags &= ~RFLAGS_TF;
}

__attribute__((noinline)) static void breakpoint_target(void)
{
	asm volatile("nop");
}

static void guest_breakpoints(uint64_t arg)
{
	(void)arg;
	guest_exception_hooks[DB] = guest_db;

	/* DR0: execution of breakpoint_target (R/W0 = 00, LEN0 = 00), L0. */
	DR_SET(0, (uintptr_t)breakpoint_target);
	DR_SET(7, DR7_FIXED | 0x1);
	breakpoint_target();
	DR_SET(7, DR7_FIXED);
	GUEST_ASSERT_EQ(db_count, 1);
	GUEST_ASSERT_EQ(db_dr6 & 0xf, 0x1);
	GUEST_ASSERT_EQ(db_rip, (uintptr_t)breakpoint_target);

	/* DR1: 8-byte data writes to `watched` (R/W1 = 01, LEN1 = 10), G1: a trap. */
	DR_SET(1, (uintptr_t)&watched);
	DR_SET(7, DR7_FIXED | 0x8 | (0x9ULL << 20));
	(void)watched;		/* a read does not match a write breakpoint */
	GUEST_ASSERT_EQ(db_count, 1);
	watched = 42;
	DR_SET(7, DR7_FIXED);
	GUEST_ASSERT_EQ(db_count, 2);
	GUEST_ASSERT_EQ(db_dr6 & 0xf, 0x2);
	GUEST_ASSERT_EQ(watched, 42);

	/* Disabled again: nothing fires. */
	breakpoint_target();
	watched = 43;
	GUEST_ASSERT_EQ(db_count, 2);
	guest_exception_hooks[DB] = 0;
	GUEST_DONE();
}

static int hardware_breakpoints_raise_db_in_guest(void)
{
	int ret = start(guest_breakpoints);

	KSFT_CHECK(ret == 0, "setup: %d", ret);
	ret = expect(UCALL_DONE);
	vm_stop(&vm, &vcpu);
	return ret;
}

/*
 * Single steps raise #DB in the guest, without exits.  (ICEBP is not
 * intercepted either, but QEMU's TCG, built without WANT_ICEBP, makes it
 * #UD, so it cannot be tested in the test VMs.)
 */
static void guest_single_step(uint64_t arg)
{
	uint64_t after;

	(void)arg;
	guest_exception_hooks[DB] = guest_db;
	/* TF: a #DB after the next instruction, with DR6.BS. */
	asm volatile("pushfq; orq %1, (%%rsp); popfq; nop\n1: lea 1b(%%rip), %0"
		     : "=r" (after) : "i" (RFLAGS_TF) : "memory", "cc");
	GUEST_ASSERT_EQ(db_count, 1);
	GUEST_ASSERT(db_dr6 & DR6_BS);
	GUEST_ASSERT_EQ(db_rip, after);
	guest_exception_hooks[DB] = 0;
	GUEST_DONE();
}

static int single_step_is_the_guests(void)
{
	uint64_t before;
	int ret = start(guest_single_step);

	KSFT_CHECK(ret == 0, "setup: %d", ret);
	before = other_exits();
	ret = expect(UCALL_DONE);
	/* The handler's reads of DR6 cost one exit (the switch), #DB none. */
	KSFT_CHECK(ret != KSFT_PASS || other_exits() - before <= 1, "%llu exits",
		   (unsigned long long)(other_exits() - before));
	vm_stop(&vm, &vcpu);
	return ret;
}

/* ---- DR4/DR5 and reserved bits --------------------------------------------- */

static void guest_aliases_and_faults(uint64_t arg)
{
	uint64_t cr4;

	(void)arg;
	/* CR4.DE = 0: DR4 is DR6 and DR5 is DR7 (APM vol. 2, 13.1.1.5). */
	GUEST_ASSERT_EQ(DR_SET_SAFE(4, DR6_FIXED | 0x8), -1);
	GUEST_ASSERT_EQ(DR_GET(6), DR6_FIXED | 0x8);
	GUEST_ASSERT_EQ(DR_SET_SAFE(5, DR7_FIXED | 0x30000), -1);
	GUEST_ASSERT_EQ(DR_GET(7), DR7_FIXED | 0x30000);
	DR_SET(6, DR6_FIXED | 0x4);
	GUEST_ASSERT_EQ(DR_GET_SAFE(4), -1);
	DR_SET(7, DR7_FIXED);
	GUEST_ASSERT_EQ(DR_GET_SAFE(5), -1);

	/* Bits 63:32 of DR6 and DR7: #GP, the registers unchanged. */
	GUEST_ASSERT_EQ(DR_SET_SAFE(6, 1ULL << 32 | DR6_FIXED), GP);
	GUEST_ASSERT_EQ(DR_SET_SAFE(7, 1ULL << 63 | DR7_FIXED), GP);
	GUEST_ASSERT_EQ(DR_GET(6), DR6_FIXED | 0x4);
	GUEST_ASSERT_EQ(DR_GET(7), DR7_FIXED);

	/* CR4.DE = 1: DR4 and DR5 are #UD, both ways. */
	asm volatile("mov %%cr4, %0" : "=r" (cr4));
	asm volatile("mov %0, %%cr4" : : "r" (cr4 | CR4_DE));
	GUEST_ASSERT_EQ(DR_SET_SAFE(4, DR6_FIXED), UD);
	GUEST_ASSERT_EQ(DR_SET_SAFE(5, DR7_FIXED), UD);
	GUEST_ASSERT_EQ(DR_GET_SAFE(4), UD);
	GUEST_ASSERT_EQ(DR_GET_SAFE(5), UD);
	GUEST_ASSERT_EQ(DR_GET(6), DR6_FIXED | 0x4);
	asm volatile("mov %0, %%cr4" : : "r" (cr4));
	GUEST_DONE();
}

static int dr4_dr5_and_reserved_bits(void)
{
	int ret = start(guest_aliases_and_faults);

	KSFT_CHECK(ret == 0, "setup: %d", ret);
	ret = expect(UCALL_DONE);
	vm_stop(&vm, &vcpu);
	return ret;
}

/* The first guest access is a DR4 read under CR4.DE: #UD, not an exit to the VMM. */
static void guest_first_access_faults(uint64_t arg)
{
	uint64_t cr4;

	(void)arg;
	asm volatile("mov %%cr4, %0" : "=r" (cr4));
	asm volatile("mov %0, %%cr4" : : "r" (cr4 | CR4_DE));
	GUEST_ASSERT_EQ(DR_GET_SAFE(4), UD);
	GUEST_DONE();
}

static int first_access_may_fault(void)
{
	int ret = start(guest_first_access_faults);

	KSFT_CHECK(ret == 0, "setup: %d", ret);
	ret = expect(UCALL_DONE);
	vm_stop(&vm, &vcpu);
	return ret;
}

/* ---- the host's own breakpoints -------------------------------------------- */

static volatile uint64_t host_watched __attribute__((aligned(8)));

static void guest_arms_breakpoints(uint64_t arg)
{
	(void)arg;
	/*
	 * Addresses beyond guest RAM: nothing in the guest touches them.  The
	 * breakpoints are disarmed again before the exit: QEMU's TCG loads DR7
	 * at VMRUN and #VMEXIT without (dis)arming its breakpoints, so a
	 * guest breakpoint armed across an exit would linger in the L1 host
	 * (docs/deviations.md).
	 */
	DR_SET(0, 0xdead000);
	DR_SET(1, 0xbeef000);
	DR_SET(7, DR7_FIXED | 0xf | (0xddULL << 16));
	DR_SET(7, DR7_FIXED);
	GUEST_SYNC(1);
	GUEST_DONE();
}

/* A perf write breakpoint of the VMM's thread fires before and after the guest's. */
static int host_breakpoint_survives_guest(void)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_BREAKPOINT,
		.size = sizeof(attr),
		.bp_type = HW_BREAKPOINT_W,
		.bp_addr = (uintptr_t)&host_watched,
		.bp_len = HW_BREAKPOINT_LEN_8,
		.sample_period = 1,
		.exclude_kernel = 1,
		.exclude_hv = 1,
	};
	uint64_t count = 0;
	int fd, ret;

	fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
	KSFT_CHECK(fd >= 0, "perf_event_open (breakpoint): errno %d", errno);
	host_watched = 1;
	ret = start(guest_arms_breakpoints);
	KSFT_CHECK(ret == 0, "setup: %d", ret);
	KSFT_CHECK(expect(UCALL_SYNC) == KSFT_PASS, "armed");
	host_watched = 2;
	KSFT_CHECK(expect(UCALL_DONE) == KSFT_PASS, "done");
	host_watched = 3;
	vm_stop(&vm, &vcpu);
	KSFT_CHECK(read(fd, &count, sizeof(count)) == sizeof(count), "read: errno %d", errno);
	close(fd);
	KSFT_CHECK(count == 3, "the host breakpoint fired %llu times for 3 writes",
		   (unsigned long long)count);
	return KSFT_PASS;
}

static const struct ksft_case cases[] = {
	KSFT_CASE(vmm_round_trip_before_first_use),
	KSFT_CASE(guest_values_both_ways),
	KSFT_CASE(hardware_breakpoints_raise_db_in_guest),
	KSFT_CASE(single_step_is_the_guests),
	KSFT_CASE(dr4_dr5_and_reserved_bits),
	KSFT_CASE(first_access_may_fault),
	KSFT_CASE(host_breakpoint_survives_guest),
};

int main(void)
{
	return ksft_run(cases, KSFT_NR(cases), NULL);
}
