// SPDX-License-Identifier: GPL-2.0
/*
 * VP state the VMM reads and writes: the XSAVE image, translations of guest
 * virtual addresses (HvCallTranslateVirtualAddress semantics); and many
 * partitions created and destroyed from several threads at once.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>

#include "lib/guest.h"
#include "lib/ksft.h"

#define MEM_SIZE	(16 << 20)
#define XMM1_OFFSET	(160 + 16)	/* in the legacy area of an XSAVE image */
#define XSTATE_BV	512

static struct hvkm_vm vm;
static struct hvkm_vcpu vcpu;

static void guest_xmm(uint64_t arg)
{
	uint64_t v = 0x0123456789abcdefULL;

	(void)arg;
	asm volatile("movq %0, %%xmm1" : : "r" (v) : "xmm1");
	GUEST_SYNC(1);
	asm volatile("movq %%xmm1, %0" : "=r" (v));
	GUEST_ASSERT_EQ(v, 0xfeedfacecafebeefULL);
	GUEST_DONE();
}

static int xsave_image(uint32_t cmd, void *buf, uint32_t size)
{
	struct hvkm_xsave x = { .size = size, .data = (uintptr_t)buf };

	return ioctl(vcpu.fd, cmd, &x) ? -errno : 0;
}

static int xsave_round_trip(void)
{
	uint8_t img[16384], bad[16384];
	uint64_t v = 0xfeedfacecafebeefULL, bv;
	struct ucall uc;
	int size, ret;

	ret = vm_create_long_mode(&vm, MEM_SIZE, 1);
	KSFT_CHECK(ret == 0, "vm: %d", ret);
	KSFT_CHECK(vcpu_create_long_mode(&vm, &vcpu, 0, guest_xmm, 0) == 0, "vp");
	size = ioctl(vm.dev_fd, HVKM_CHECK_EXTENSION, HVKM_CAP_XSAVE_SIZE);
	KSFT_CHECK(size >= 576 && size <= (int)sizeof(img), "XSAVE size %d", size);
	KSFT_CHECK(vcpu_run_ucall(&vm, &vcpu, &uc) == UCALL_SYNC, "sync");

	KSFT_CHECK(xsave_image(HVKM_GET_XSAVE, img, size) == 0, "get");
	KSFT_CHECK(*(uint64_t *)(img + XMM1_OFFSET) == 0x0123456789abcdefULL,
		   "xmm1 %#llx", *(unsigned long long *)(img + XMM1_OFFSET));
	memcpy(&bv, img + XSTATE_BV, 8);
	KSFT_CHECK(bv & 2, "XSTATE_BV %#llx lacks SSE", (unsigned long long)bv);

	/* Images XRSTOR would refuse are refused here. */
	KSFT_CHECK(xsave_image(HVKM_SET_XSAVE, img, size - 64) == -E2BIG, "size");
	memcpy(bad, img, size);
	bad[XSTATE_BV + 7] = 0x40;				/* bit 62 */
	KSFT_CHECK(xsave_image(HVKM_SET_XSAVE, bad, size) == -EINVAL, "xstate_bv");
	memcpy(bad, img, size);
	bad[XSTATE_BV + 8] = 1;					/* XCOMP_BV */
	KSFT_CHECK(xsave_image(HVKM_SET_XSAVE, bad, size) == -EINVAL, "xcomp_bv");
	memcpy(bad, img, size);
	bad[XSTATE_BV + 40] = 1;				/* reserved */
	KSFT_CHECK(xsave_image(HVKM_SET_XSAVE, bad, size) == -EINVAL, "reserved");
	memcpy(bad, img, size);
	bad[24 + 3] = 0x80;					/* MXCSR bit 31 */
	KSFT_CHECK(xsave_image(HVKM_SET_XSAVE, bad, size) == -EINVAL, "mxcsr");

	memcpy(img + XMM1_OFFSET, &v, 8);
	KSFT_CHECK(xsave_image(HVKM_SET_XSAVE, img, size) == 0, "set");
	ret = vcpu_run_ucall(&vm, &vcpu, &uc);
	if (ret == UCALL_ABORT)
		ksft_print_msg("guest: '%s' (%#llx)", uc.expr, (unsigned long long)uc.args[0]);
	KSFT_CHECK(ret == UCALL_DONE, "ucall %d", ret);
	vcpu_destroy(&vcpu);
	vm_destroy(&vm);
	return KSFT_PASS;
}

static int translate(uint64_t gva, uint64_t flags, uint64_t *result, uint64_t *gpa)
{
	struct hvkm_translate_gva t = { .gva_page = gva >> 12, .control_flags = flags };
	int ret = ioctl(vcpu.fd, HVKM_TRANSLATE_GVA, &t) ? -errno : 0;

	*result = t.result;
	*gpa = t.gpa_page << 12;
	return ret;
}

#define RD	HV_TRANSLATE_GVA_VALIDATE_READ
#define WR	HV_TRANSLATE_GVA_VALIDATE_WRITE
#define EX	HV_TRANSLATE_GVA_VALIDATE_EXECUTE

static int translate_gva(void)
{
	const struct {
		uint64_t gva, flags, code, gpa;
	} cases[] = {
		{ 0x401234, RD | WR | EX, HV_TRANSLATE_GVA_SUCCESS | (6ULL << 32), 0x401000 },
		{ 0xc01000, RD, HV_TRANSLATE_GVA_SUCCESS | (6ULL << 32), 0xc01000 },
		{ 0xc01000, WR, HV_TRANSLATE_GVA_PRIVILEGE_VIOLATION, 0xc01000 },
		{ 0xc01000, EX, HV_TRANSLATE_GVA_PRIVILEGE_VIOLATION, 0xc01000 },
		{ 0xc01000, WR | HV_TRANSLATE_GVA_PRIVILEGE_EXEMPT,
		  HV_TRANSLATE_GVA_SUCCESS | (6ULL << 32), 0xc01000 },
		{ 0x401000, RD | HV_TRANSLATE_GVA_USER_ACCESS,
		  HV_TRANSLATE_GVA_PRIVILEGE_VIOLATION, 0x401000 },
		{ 0x10000000, RD, HV_TRANSLATE_GVA_GPA_UNMAPPED, 0x10000000 },
		{ 0x40000000, RD, HV_TRANSLATE_GVA_PAGE_NOT_PRESENT, 0 },
		{ 0xffff800000000000ULL, RD, HV_TRANSLATE_GVA_PAGE_NOT_PRESENT, 0 },
	};
	uint64_t result, gpa;
	unsigned int i;
	int ret;

	ret = vm_create_long_mode(&vm, MEM_SIZE, 1);
	KSFT_CHECK(ret == 0, "vm: %d", ret);
	KSFT_CHECK(vcpu_create_long_mode(&vm, &vcpu, 0, guest_xmm, 0) == 0, "vp");
	/* 0xc00000-0xdfffff: read-only and no-execute. */
	*vm_pde(&vm, 0xc00000) = (*vm_pde(&vm, 0xc00000) & ~2ULL) | (1ULL << 63);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ret = translate(cases[i].gva, cases[i].flags, &result, &gpa);
		KSFT_CHECK(ret == 0 && result == cases[i].code && gpa == cases[i].gpa,
			   "case %u (%#llx): ret %d result %#llx gpa %#llx", i,
			   (unsigned long long)cases[i].gva, ret, (unsigned long long)result,
			   (unsigned long long)gpa);
	}
	KSFT_CHECK(translate(0x1000, 0x10, &result, &gpa) == -EINVAL, "SET_PAGE_TABLE_BITS");
	KSFT_CHECK(translate(0x1000, HV_TRANSLATE_GVA_USER_ACCESS |
			     HV_TRANSLATE_GVA_SUPERVISOR_ACCESS, &result, &gpa) == -EINVAL,
		   "both access modes");
	vcpu_destroy(&vcpu);
	vm_destroy(&vm);
	return KSFT_PASS;
}

static int property(uint32_t cmd, uint32_t code, uint64_t *value)
{
	struct hvkm_partition_property p = { .code = code, .value = *value };
	int ret = ioctl(vm.fd, cmd, &p) ? -errno : 0;

	*value = p.value;
	return ret;
}

static int partition_properties(void)
{
	uint64_t v = 0;
	int ret = vm_create(&vm, 0x20000, 1);

	KSFT_CHECK(ret == 0, "vm: %d", ret);
	KSFT_CHECK(property(HVKM_GET_PARTITION_PROPERTY, HV_PARTITION_PROPERTY_PROCESSOR_VENDOR,
			    &v) == 0 && v == HV_PROCESSOR_VENDOR_AMD, "vendor %llu",
		   (unsigned long long)v);
	KSFT_CHECK(property(HVKM_GET_PARTITION_PROPERTY,
			    HV_PARTITION_PROPERTY_PHYSICAL_ADDRESS_WIDTH, &v) == 0 && v == 48,
		   "width %llu", (unsigned long long)v);
	KSFT_CHECK(property(HVKM_GET_PARTITION_PROPERTY, HV_PARTITION_PROPERTY_MAX_XSAVE_DATA_SIZE,
			    &v) == 0 &&
		   v == (uint64_t)ioctl(vm.dev_fd, HVKM_CHECK_EXTENSION, HVKM_CAP_XSAVE_SIZE),
		   "xsave %llu", (unsigned long long)v);
	KSFT_CHECK(property(HVKM_GET_PARTITION_PROPERTY,
			    HV_PARTITION_PROPERTY_PROCESSOR_CLOCK_FREQUENCY, &v) == 0 &&
		   v > 100000000ULL, "clock %llu Hz", (unsigned long long)v);
	KSFT_CHECK(property(HVKM_SET_PARTITION_PROPERTY,
			    HV_PARTITION_PROPERTY_PROCESSOR_CLOCK_FREQUENCY, &v) == -EPERM,
		   "set read-only");
	v = 0x263;	/* runtime, reference counter, hypercalls, VP index, TSC page */
	KSFT_CHECK(property(HVKM_SET_PARTITION_PROPERTY, HV_PARTITION_PROPERTY_PRIVILEGE_FLAGS,
			    &v) == 0, "set privileges");
	v = 0;
	KSFT_CHECK(property(HVKM_GET_PARTITION_PROPERTY, HV_PARTITION_PROPERTY_PRIVILEGE_FLAGS,
			    &v) == 0 && v == 0x263, "privileges %#llx", (unsigned long long)v);
	KSFT_CHECK(property(HVKM_GET_PARTITION_PROPERTY, 0x00020000, &v) == -EINVAL, "unknown");
	KSFT_CHECK(property(HVKM_SET_PARTITION_PROPERTY, 0x12345, &v) == -EINVAL, "unknown set");
	KSFT_CHECK(vcpu_create(&vm, &vcpu, 0) == 0, "vp");
	KSFT_CHECK(property(HVKM_SET_PARTITION_PROPERTY, HV_PARTITION_PROPERTY_PRIVILEGE_FLAGS,
			    &v) == -EBUSY, "privileges fixed once VPs exist");
	vcpu_destroy(&vcpu);
	vm_destroy(&vm);
	return KSFT_PASS;
}

static void on_usr1(int sig)
{
	(void)sig;
}

struct spinner {
	struct hvkm_vcpu vcpu;
	int ret;
};

static void *spin(void *arg)
{
	struct spinner *s = arg;

	s->ret = vcpu_run(&s->vcpu);
	return NULL;
}

/*
 * Close every fd while another thread is inside RUN: the VP and partition
 * live until RUN returns (the kernel holds the file), then go quietly.
 */
static int close_fds_while_running(void)
{
	static const uint8_t code[] = { 0xeb, 0xfe };	/* jmp $ */
	struct sigaction sa = { .sa_handler = on_usr1 };
	struct timespec ts = { .tv_nsec = 300 * 1000 * 1000 };
	struct spinner s = { .ret = 1 };
	pthread_t t;
	int ret = vm_create(&vm, 0x20000, 1);

	KSFT_CHECK(ret == 0, "vm: %d", ret);
	memcpy(vm.mem + 0x1000, code, sizeof(code));
	KSFT_CHECK(vcpu_create(&vm, &s.vcpu, 0) == 0 && vcpu_set_real_mode(&s.vcpu, 0x100) == 0,
		   "vp");
	KSFT_CHECK(sigaction(SIGUSR1, &sa, NULL) == 0, "sigaction");
	KSFT_CHECK(pthread_create(&t, NULL, spin, &s) == 0, "thread");
	nanosleep(&ts, NULL);
	/* The run page stays mapped; the fds go. */
	close(s.vcpu.fd);
	close(vm.fd);
	close(vm.dev_fd);
	nanosleep(&ts, NULL);
	pthread_kill(t, SIGUSR1);
	pthread_join(t, NULL);
	KSFT_CHECK(s.ret == -EINTR, "RUN ended with %d", s.ret);
	munmap(s.vcpu.run, HVKM_RUN_MMAP_SIZE);
	munmap(vm.mem, vm.mem_size);
	return KSFT_PASS;
}

#define THREADS		4
#define PER_THREAD	25

static void *churn(void *arg)
{
	static const uint8_t code[] = { 0xe6, 0x42 };	/* out 0x42, al */
	long failures = 0;
	int i;

	(void)arg;
	for (i = 0; i < PER_THREAD; i++) {
		struct hvkm_vcpu v = { .fd = -1 };
		struct hvkm_vm m;

		if (vm_create(&m, 0x20000, 2) || vcpu_create(&m, &v, 0) ||
		    vcpu_set_real_mode(&v, 0x100)) {
			failures++;
		} else {
			memcpy(m.mem + 0x1000, code, sizeof(code));
			if (vcpu_run(&v) || v.run->exit_reason != HVKM_EXIT_IO ||
			    v.run->io.port != 0x42)
				failures++;
		}
		vcpu_destroy(&v);
		vm_destroy(&m);
	}
	return (void *)failures;
}

/* 100 partitions from 4 threads; the debug kernel's kmemleak scan checks for leaks. */
static int hundred_partitions_from_four_threads(void)
{
	pthread_t t[THREADS];
	void *failures;
	long total = 0;
	int i;

	for (i = 0; i < THREADS; i++)
		KSFT_CHECK(pthread_create(&t[i], NULL, churn, NULL) == 0, "thread %d", i);
	for (i = 0; i < THREADS; i++) {
		pthread_join(t[i], &failures);
		total += (long)failures;
	}
	KSFT_CHECK(total == 0, "%ld partitions failed", total);
	return KSFT_PASS;
}

static const struct ksft_case cases[] = {
	KSFT_CASE(xsave_round_trip),
	KSFT_CASE(translate_gva),
	KSFT_CASE(partition_properties),
	KSFT_CASE(close_fds_while_running),
	KSFT_CASE(hundred_partitions_from_four_threads),
};

int main(void)
{
	return ksft_run(cases, KSFT_NR(cases), NULL);
}
