// SPDX-License-Identifier: GPL-2.0
/*
 * Guests in each x86 mode: C functions of this program running in 64-bit
 * mode and talking to the host through ucalls, a flat 32-bit protected-mode
 * guest, and the guest's FPU/SSE state kept apart from the host's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/guest.h"
#include "lib/hvkm_test.h"
#include "lib/ksft.h"

#define MEM_SIZE	(16 << 20)

static struct hvkm_vm vm;
static struct hvkm_vcpu vcpu;

static int start(void (*fn)(uint64_t), uint64_t arg, unsigned int max_vps)
{
	int ret = vm_create_long_mode(&vm, MEM_SIZE, max_vps);

	return ret ? ret : vcpu_create_long_mode(&vm, &vcpu, 0, fn, arg);
}

static void stop(void)
{
	vcpu_destroy(&vcpu);
	vm_destroy(&vm);
}

/* Describe an ABORT ucall or an unexpected exit. */
static void explain(int cmd, const struct ucall *uc)
{
	if (cmd == UCALL_ABORT)
		ksft_print_msg("guest assertion '%s' failed at %s:%llu (%#llx, %#llx)",
			       uc->expr, uc->file, (unsigned long long)uc->line,
			       (unsigned long long)uc->args[0], (unsigned long long)uc->args[1]);
	else if (cmd == UCALL_NONE)
		ksft_print_msg("exit %u, hw %#llx %#llx %#llx, rip %#llx", vcpu.run->exit_reason,
			       (unsigned long long)vcpu.run->hw.exit_code,
			       (unsigned long long)vcpu.run->hw.info1,
			       (unsigned long long)vcpu.run->hw.info2,
			       (unsigned long long)vcpu.run->rip);
	else if (cmd < 0)
		ksft_print_msg("run: %s", strerror(-cmd));
}

static uint64_t fib(unsigned int n)
{
	uint64_t v[94];
	unsigned int i;

	v[0] = 0;
	v[1] = 1;
	for (i = 2; i <= n; i++)
		v[i] = v[i - 1] + v[i - 2];
	return v[n];
}

static void guest_stages(uint64_t arg)
{
	unsigned int stage;

	GUEST_ASSERT_EQ(arg, 0xfeedULL);
	for (stage = 1; stage <= 3; stage++)
		GUEST_SYNC(stage);
	GUEST_ASSERT_EQ(fib(90), 2880067194370816120ULL);
	GUEST_DONE();
}

static int long_mode_c_guest(void)
{
	struct ucall uc;
	int cmd, stage, ret = start(guest_stages, 0xfeed, 1);

	KSFT_CHECK(ret == 0, "setup: %s", strerror(-ret));
	for (stage = 1; stage <= 3; stage++) {
		cmd = vcpu_run_ucall(&vm, &vcpu, &uc);
		if (cmd != UCALL_SYNC)
			explain(cmd, &uc);
		KSFT_CHECK(cmd == UCALL_SYNC && uc.args[0] == (uint64_t)stage, "stage %d", stage);
	}
	cmd = vcpu_run_ucall(&vm, &vcpu, &uc);
	explain(cmd, &uc);
	KSFT_CHECK(cmd == UCALL_DONE, "ucall %d", cmd);
	stop();
	return KSFT_PASS;
}

/* The line of the assertion below. */
static const unsigned int failing_assert_line = __LINE__ + 4;

static void guest_fails(uint64_t arg)
{
	GUEST_ASSERT_EQ(arg, 7);	/* the host passes 6 */
	GUEST_DONE();
}

/* The library itself: a failed guest assertion reaches the host with its place. */
static int guest_assert_is_reported(void)
{
	struct ucall uc;
	int cmd, ret = start(guest_fails, 6, 1);

	KSFT_CHECK(ret == 0, "setup: %s", strerror(-ret));
	cmd = vcpu_run_ucall(&vm, &vcpu, &uc);
	KSFT_CHECK(cmd == UCALL_ABORT, "ucall %d", cmd);
	KSFT_CHECK(uc.line == (uint64_t)failing_assert_line && strstr(uc.file, "guest_modes.c") &&
		   uc.args[0] == 6 && uc.args[1] == 7 && !strcmp(uc.expr, "arg == 7"),
		   "%s:%llu '%s' %llu %llu", uc.file, (unsigned long long)uc.line, uc.expr,
		   (unsigned long long)uc.args[0], (unsigned long long)uc.args[1]);
	stop();
	return KSFT_PASS;
}

static uint64_t host_to_guest, guest_to_host;

static void guest_globals(uint64_t arg)
{
	(void)arg;
	GUEST_ASSERT_EQ(host_to_guest, 1234);
	guest_to_host = host_to_guest * 2;
	GUEST_DONE();
}

static int globals_cross_over(void)
{
	struct ucall uc;
	int cmd, ret = start(guest_globals, 0, 1);

	KSFT_CHECK(ret == 0, "setup: %s", strerror(-ret));
	host_to_guest = 1234;
	vm_sync_to_guest(&vm, &host_to_guest, sizeof(host_to_guest));
	cmd = vcpu_run_ucall(&vm, &vcpu, &uc);
	explain(cmd, &uc);
	KSFT_CHECK(cmd == UCALL_DONE, "ucall %d", cmd);
	vm_sync_from_guest(&vm, &guest_to_host, sizeof(guest_to_host));
	KSFT_CHECK(guest_to_host == 2468, "guest wrote %llu", (unsigned long long)guest_to_host);
	stop();
	return KSFT_PASS;
}

static void guest_cpuid_leaves(uint64_t arg)
{
	uint32_t a, b, c, d;

	(void)arg;
	asm volatile("cpuid" : "=a" (a), "=b" (b), "=c" (c), "=d" (d) : "a" (0x40000001), "c" (0));
	GUEST_ASSERT_EQ(a, 0x31237648);		/* "Hv#1" */
	GUEST_ASSERT_EQ(b | c | d, 0);
	GUEST_DONE();
}

static int cpuid_in_long_mode(void)
{
	static const struct hvkm_cpuid_entry e = { .function = 0x40000001, .eax = 0x31237648 };
	struct ucall uc;
	int cmd, ret = start(guest_cpuid_leaves, 0, 1);

	KSFT_CHECK(ret == 0, "setup: %s", strerror(-ret));
	KSFT_CHECK(vm_set_cpuid(&vm, &e, 1) == 0, "cpuid table");
	cmd = vcpu_run_ucall(&vm, &vcpu, &uc);
	explain(cmd, &uc);
	KSFT_CHECK(cmd == UCALL_DONE, "ucall %d", cmd);
	stop();
	return KSFT_PASS;
}

static void guest_sse(uint64_t arg)
{
	uint64_t before = 0x1122334455667788ULL, after;

	(void)arg;
	asm volatile("movq %0, %%xmm1" : : "r" (before) : "xmm1");
	GUEST_SYNC(1);
	asm volatile("movq %%xmm1, %0" : "=r" (after));
	GUEST_ASSERT_EQ(after, before);
	GUEST_DONE();
}

/*
 * The guest's XMM1 survives its exits, and the host's XMM1 survives the
 * guest.  The host side makes the ioctl with its own SYSCALL so that nothing
 * in between may legitimately change XMM1.
 */
static int fpu_state_kept_apart(void)
{
	uint64_t mine = 0xa5a5a5a5deadbeefULL, seen;
	struct ucall uc;
	long ret;
	int cmd;

	ret = start(guest_sse, 0, 1);
	KSFT_CHECK(ret == 0, "setup: %s", strerror(-ret));
	cmd = vcpu_run_ucall(&vm, &vcpu, &uc);
	KSFT_CHECK(cmd == UCALL_SYNC, "ucall %d", cmd);
	asm volatile("movq %[mine], %%xmm1\n\t"
		     "syscall\n\t"
		     "movq %%xmm1, %[seen]"
		     : [seen] "=r" (seen), "=a" (ret)
		     : [mine] "r" (mine), "a" (SYS_ioctl), "D" (vcpu.fd), "S" (HVKM_RUN_VP), "d" (0)
		     : "rcx", "r11", "xmm1", "memory");
	KSFT_CHECK(ret == 0, "run: %ld", ret);
	KSFT_CHECK(seen == mine, "host xmm1 %#llx after the guest ran", (unsigned long long)seen);
	KSFT_CHECK(vcpu.run->exit_reason == HVKM_EXIT_IO && vcpu.run->io.port == UCALL_PORT,
		   "exit %u", vcpu.run->exit_reason);
	KSFT_CHECK(vcpu_get_reg(&vcpu, HV_X64_REGISTER_RDI, &seen) == 0, "rdi");
	memcpy(&uc, vm.mem + seen, sizeof(uc));
	explain((int)uc.cmd, &uc);
	KSFT_CHECK(uc.cmd == UCALL_DONE, "ucall %llu", (unsigned long long)uc.cmd);
	stop();
	return KSFT_PASS;
}

static void guest_counter(uint64_t index)
{
	unsigned int i;

	for (i = 0; i < 200; i++)
		GUEST_SYNC(index * 1000 + i);
	GUEST_DONE();
}

struct runner {
	struct hvkm_vcpu vcpu;
	unsigned int index;
	int error;
};

static void *run_counter(void *arg)
{
	struct runner *r = arg;
	struct ucall uc;
	unsigned int i;
	int cmd;

	for (i = 0; i < 200; i++) {
		cmd = vcpu_run_ucall(&vm, &r->vcpu, &uc);
		if (cmd != UCALL_SYNC || uc.args[0] != r->index * 1000 + i) {
			r->error = cmd < 0 ? cmd : -EBADMSG;
			return NULL;
		}
	}
	cmd = vcpu_run_ucall(&vm, &r->vcpu, &uc);
	r->error = cmd == UCALL_DONE ? 0 : -EPROTO;
	return NULL;
}

static int four_vps_run_c_in_parallel(void)
{
	struct runner r[4];
	pthread_t tid[4];
	unsigned int i;
	int ret = vm_create_long_mode(&vm, MEM_SIZE, 4);

	KSFT_CHECK(ret == 0, "vm: %s", strerror(-ret));
	for (i = 0; i < 4; i++) {
		r[i] = (struct runner){ .index = i };
		ret = vcpu_create_long_mode(&vm, &r[i].vcpu, i, guest_counter, i);
		KSFT_CHECK(ret == 0, "vp %u: %s", i, strerror(-ret));
	}
	for (i = 0; i < 4; i++)
		KSFT_CHECK(pthread_create(&tid[i], NULL, run_counter, &r[i]) == 0, "thread");
	for (i = 0; i < 4; i++)
		pthread_join(tid[i], NULL);
	for (i = 0; i < 4; i++) {
		KSFT_CHECK(r[i].error == 0, "vp %u: %d", i, r[i].error);
		vcpu_destroy(&r[i].vcpu);
	}
	vm_destroy(&vm);
	return KSFT_PASS;
}

static int protected_mode_32bit(void)
{
	static const uint8_t code[] = {
		0xb8, 0x78, 0x56, 0x34, 0x12,	/* mov eax, 0x12345678 */
		0xa3, 0x00, 0x80, 0x00, 0x00,	/* mov [0x8000], eax */
		0x66, 0xba, 0x01, 0x1b,		/* mov dx, 0x1b01 */
		0xef,				/* out dx, eax */
		0xf4,				/* hlt */
	};
	int ret = vm_create_long_mode(&vm, MEM_SIZE, 1);

	KSFT_CHECK(ret == 0, "vm: %s", strerror(-ret));
	memcpy(vm.mem + 0x7000, code, sizeof(code));
	KSFT_CHECK(vcpu_create(&vm, &vcpu, 0) == 0, "vp");
	KSFT_CHECK(vcpu_set_protected_mode(&vcpu, 0x7000) == 0, "registers");
	KSFT_CHECK(vcpu_run(&vcpu) == 0, "run");
	KSFT_CHECK(vcpu.run->exit_reason == HVKM_EXIT_IO && vcpu.run->io.port == 0x1b01 &&
		   vcpu.run->io.size == 4 && vcpu.run->io.data == 0x12345678,
		   "exit %u port %#x size %u data %#llx", vcpu.run->exit_reason,
		   vcpu.run->io.port, vcpu.run->io.size, (unsigned long long)vcpu.run->io.data);
	KSFT_CHECK(*(uint32_t *)(vm.mem + 0x8000) == 0x12345678, "memory");
	stop();
	return KSFT_PASS;
}

static const struct ksft_case cases[] = {
	KSFT_CASE(long_mode_c_guest),
	KSFT_CASE(guest_assert_is_reported),
	KSFT_CASE(globals_cross_over),
	KSFT_CASE(cpuid_in_long_mode),
	KSFT_CASE(fpu_state_kept_apart),
	KSFT_CASE(four_vps_run_c_in_parallel),
	KSFT_CASE(protected_mode_32bit),
};

int main(void)
{
	return ksft_run(cases, KSFT_NR(cases), NULL);
}
