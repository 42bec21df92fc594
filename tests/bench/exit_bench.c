// SPDX-License-Identifier: GPL-2.0
/*
 * make bench: the cost of a guest exit on hvkm and on KVM, in the same VM,
 * with the same real-mode guest code:
 *   cpuid  a CPUID loop: exits handled in the kernel;
 *   pio    an OUT loop: every exit goes to userspace and back;
 *   floor  hvkm's bare VMRUN/#VMEXIT round trip (HVKM_TEST_VMRUN_LOOP).
 * Each figure is the best of three runs.  Under QEMU TCG the emulated world
 * switch dominates, so the overhead ratio (x - floor) / (kvm - floor) is the
 * honest comparison of the software around it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "lib/hvkm_test.h"
#include "lib/hvkm_vm.h"

#define MEM_SIZE	0x20000
#define CODE_GPA	0x1000
#define CODE_SEG	0x100
#define EXITS		20000
#define ROUNDS		3

/* mov esi, N; 1: xor eax, eax; cpuid; dec esi; jnz 1b; out 0x61, al; hlt */
static const uint8_t cpuid_loop[] = {
	0x66, 0xbe, EXITS & 0xff, (EXITS >> 8) & 0xff, EXITS >> 16, 0,
	0x66, 0x31, 0xc0, 0x0f, 0xa2, 0x66, 0x4e, 0x75, 0xf7, 0xe6, 0x61, 0xf4,
};
/* mov esi, N; 1: out 0x60, al; dec esi; jnz 1b; out 0x61, al; hlt */
static const uint8_t pio_loop[] = {
	0x66, 0xbe, EXITS & 0xff, (EXITS >> 8) & 0xff, EXITS >> 16, 0,
	0xe6, 0x60, 0x66, 0x4e, 0x75, 0xfa, 0xe6, 0x61, 0xf4,
};
/* 1: cpuid; jmp 1b */
static const uint8_t cpuid_forever[] = { 0x0f, 0xa2, 0xeb, 0xfc };

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* ---- hvkm ---------------------------------------------------------------- */

static double hvkm_measure(const uint8_t *code, size_t len)
{
	struct hvkm_vcpu vcpu = { .fd = -1 };
	struct hvkm_vm vm;
	double start, us = -1;
	unsigned int outs = 0;

	if (vm_create(&vm, MEM_SIZE, 1) || vcpu_create(&vm, &vcpu, 0))
		goto out;
	memcpy(vm.mem + CODE_GPA, code, len);
	if (vcpu_set_real_mode(&vcpu, CODE_SEG))
		goto out;
	start = now_us();
	for (;;) {
		if (vcpu_run(&vcpu) || vcpu.run->exit_reason != HVKM_EXIT_IO)
			goto out;
		if (vcpu.run->io.port == 0x61)
			break;
		outs++;
	}
	us = (now_us() - start) / EXITS;
	if (outs && outs != EXITS)
		us = -1;
out:
	vcpu_destroy(&vcpu);
	vm_destroy(&vm);
	return us;
}

static double hvkm_floor(void)
{
	struct hvkm_test_vmrun_loop loop = { .iterations = EXITS };
	struct hvkm_vcpu vcpu = { .fd = -1 };
	struct hvkm_vm vm;
	double us = -1;

	if (vm_create(&vm, MEM_SIZE, 1) || vcpu_create(&vm, &vcpu, 0))
		goto out;
	memcpy(vm.mem + CODE_GPA, cpuid_forever, sizeof(cpuid_forever));
	/*
	 * The loop handles no nested page fault: map the code page first by
	 * running "out 0x62, al" placed on it.
	 */
	vm.mem[CODE_GPA + 0x100] = 0xe6;
	vm.mem[CODE_GPA + 0x101] = 0x62;
	if (vcpu_set_real_mode(&vcpu, CODE_SEG) ||
	    vcpu_set_reg(&vcpu, HV_X64_REGISTER_RIP, 0x100) || vcpu_run(&vcpu) ||
	    vcpu.run->io.port != 0x62 || vcpu_set_reg(&vcpu, HV_X64_REGISTER_RIP, 0))
		goto out;
	if (ioctl(vcpu.fd, HVKM_TEST_VMRUN_LOOP, &loop))
		goto out;
	us = loop.nanoseconds / 1e3 / loop.iterations;
out:
	vcpu_destroy(&vcpu);
	vm_destroy(&vm);
	return us;
}

/* ---- KVM ----------------------------------------------------------------- */

static double kvm_measure(const uint8_t *code, size_t len)
{
	struct kvm_userspace_memory_region region = { .memory_size = MEM_SIZE };
	struct kvm_regs regs = { .rip = 0, .rflags = 2, .rsp = 0xfffe };
	int kvm = -1, vm = -1, vcpu = -1, size;
	struct kvm_run *run = MAP_FAILED;
	struct kvm_sregs sregs;
	uint8_t *mem = MAP_FAILED;
	double start, us = -1;

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		goto out;
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (vm < 0 || mem == MAP_FAILED)
		goto out;
	memcpy(mem + CODE_GPA, code, len);
	region.userspace_addr = (uintptr_t)mem;
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region))
		goto out;
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vcpu < 0 || size <= 0)
		goto out;
	run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED || ioctl(vcpu, KVM_GET_SREGS, &sregs))
		goto out;
	sregs.cs.base = CODE_GPA;
	sregs.cs.selector = CODE_SEG;
	sregs.ds = sregs.es = sregs.ss = sregs.cs;
	sregs.ds.type = sregs.es.type = sregs.ss.type = 3;
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) || ioctl(vcpu, KVM_SET_REGS, &regs))
		goto out;
	start = now_us();
	for (;;) {
		if (ioctl(vcpu, KVM_RUN, 0) || run->exit_reason != KVM_EXIT_IO)
			goto out;
		if (run->io.port == 0x61)
			break;
	}
	us = (now_us() - start) / EXITS;
out:
	if (run != MAP_FAILED)
		munmap(run, size);
	if (mem != MAP_FAILED)
		munmap(mem, MEM_SIZE);
	if (vcpu >= 0)
		close(vcpu);
	if (vm >= 0)
		close(vm);
	if (kvm >= 0)
		close(kvm);
	return us;
}

/* ---- the run ------------------------------------------------------------- */

static double best(double (*fn)(const uint8_t *, size_t), const uint8_t *code, size_t len)
{
	double b = -1, us;
	int i;

	for (i = 0; i < ROUNDS; i++) {
		us = fn(code, len);
		if (us < 0)
			return -1;
		if (b < 0 || us < b)
			b = us;
	}
	return b;
}

static int load_hvkm_with_test_hooks(void)
{
	int fd, ret;

	if (hvkm_module_loaded() && hvkm_module_unload())
		return -1;
	fd = open(hvkm_ko_path(), O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = syscall(SYS_finit_module, fd, "test_hooks=1", 0);
	close(fd);
	return ret;
}

int main(void)
{
	double h_cpuid, h_pio, floor_us = -1, k_cpuid, k_pio;
	int i;

	if (load_hvkm_with_test_hooks()) {
		printf("bench: cannot load hvkm with test_hooks=1: %s\n", strerror(errno));
		return 1;
	}
	h_cpuid = best(hvkm_measure, cpuid_loop, sizeof(cpuid_loop));
	h_pio = best(hvkm_measure, pio_loop, sizeof(pio_loop));
	for (i = 0; i < ROUNDS; i++) {
		double us = hvkm_floor();

		if (us > 0 && (floor_us < 0 || us < floor_us))
			floor_us = us;
	}
	hvkm_module_unload();

	if (run_cmd("modprobe kvm_amd")) {
		printf("bench: modprobe kvm_amd failed\n");
		return 1;
	}
	k_cpuid = best(kvm_measure, cpuid_loop, sizeof(cpuid_loop));
	k_pio = best(kvm_measure, pio_loop, sizeof(pio_loop));
	run_cmd("modprobe -r kvm_amd");

	if (h_cpuid < 0 || h_pio < 0 || floor_us < 0 || k_cpuid < 0 || k_pio < 0) {
		printf("bench: a measurement failed (hvkm cpuid %.1f pio %.1f floor %.1f, kvm cpuid %.1f pio %.1f)\n",
		       h_cpuid, h_pio, floor_us, k_cpuid, k_pio);
		return 1;
	}
	printf("%d exits per run, best of %d runs, microseconds per exit\n", EXITS, ROUNDS);
	printf("  %-34s %8s %8s %12s %18s\n", "", "hvkm", "kvm", "hvkm/kvm", "overhead ratio");
	printf("  %-34s %8.2f %8.2f %12.2f %18.2f\n", "cpuid (handled in the kernel)",
	       h_cpuid, k_cpuid, h_cpuid / k_cpuid, (h_cpuid - floor_us) / (k_cpuid - floor_us));
	printf("  %-34s %8.2f %8.2f %12.2f %18.2f\n", "port I/O (exit to userspace)",
	       h_pio, k_pio, h_pio / k_pio, (h_pio - floor_us) / (k_pio - floor_us));
	printf("  %-34s %8.2f\n", "floor: bare VMRUN/#VMEXIT (hvkm)", floor_us);
	printf("overhead ratio = (x - floor) / (kvm - floor)\n");
	return 0;
}
