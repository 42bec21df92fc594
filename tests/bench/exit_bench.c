// SPDX-License-Identifier: GPL-2.0
/*
 * make bench: the cost of a guest exit on hvkm and on KVM, in the same VM,
 * with the same real-mode guest code:
 *   cpuid  a CPUID loop: exits handled in the kernel;
 *   pio    an OUT loop: every exit goes to userspace and back;
 *   hcall  a null fast Hyper-V hypercall loop (an unknown call code, answered
 *          HV_STATUS_INVALID_HYPERCALL_CODE in the kernel), from flat 32-bit
 *          protected mode after the guest enabled the hypercall MSR; KVM
 *          with its Hyper-V emulation (the "Hv#1" interface in its CPUID);
 *   floor  hvkm's bare VMRUN/#VMEXIT round trip (HVKM_TEST_VMRUN_LOOP).
 * Each figure is the best of three runs.  Under QEMU TCG the emulated world
 * switch dominates, so the overhead ratio (x - floor) / (kvm - floor) is the
 * honest comparison of the software around it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "bench_common.h"
#include "lib/guest.h"
#include "lib/hvkm_test.h"
#include "lib/hvkm_vm.h"

#define MEM_SIZE	0x20000
#define CODE_GPA	0x1000
#define CODE_SEG	0x100
#define EXITS		20000
#define ROUNDS		3
#define WATCHDOG_S	120	/* seconds one measurement may take */

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
/*
 * Flat 32-bit code: wrmsr GUEST_OS_ID = 1; wrmsr HYPERCALL = 0x3000 | enable;
 * mov esi, N; 1: mov eax, 0x100ff (fast, code 0xff); xor edx/ecx/ebx;
 * vmmcall; dec esi; jnz 1b; out 0x61, al; hlt
 */
static const uint8_t hcall_loop[] = {
	0xb9, 0x00, 0x00, 0x00, 0x40, 0xb8, 0x01, 0x00, 0x00, 0x00, 0x31, 0xd2, 0x0f, 0x30,
	0xb9, 0x01, 0x00, 0x00, 0x40, 0xb8, 0x01, 0x30, 0x00, 0x00, 0x31, 0xd2, 0x0f, 0x30,
	0xbe, EXITS & 0xff, (EXITS >> 8) & 0xff, EXITS >> 16, 0,
	0xb8, 0xff, 0x00, 0x01, 0x00, 0x31, 0xd2, 0x31, 0xc9, 0x31, 0xdb,
	0x0f, 0x01, 0xd9, 0x4e, 0x75, 0xef, 0xe6, 0x61, 0xf4,
};

struct guest_code {
	const uint8_t *bytes;
	size_t len;
	bool protected_mode;	/* flat 32-bit at CODE_GPA; else real mode at CODE_SEG:0 */
};

#define CODE(b, pm)	((struct guest_code){ (b), sizeof(b), (pm) })

/* 1: cpuid; jmp 1b */
static const uint8_t cpuid_forever[] = { 0x0f, 0xa2, 0xeb, 0xfc };

/* ---- hvkm ---------------------------------------------------------------- */

static double hvkm_measure(struct guest_code code)
{
	struct hvkm_vcpu vcpu = { .fd = -1 };
	struct hvkm_vm vm;
	double start, us = -1;
	unsigned int outs = 0;

	if (vm_create(&vm, MEM_SIZE, 1) || vcpu_create(&vm, &vcpu, 0))
		goto out;
	memcpy(vm.mem + CODE_GPA, code.bytes, code.len);
	if (code.protected_mode ? vcpu_set_protected_mode(&vcpu, CODE_GPA) :
				  vcpu_set_real_mode(&vcpu, CODE_SEG))
		goto out;
	start = now_us();
	for (;;) {
		if (vcpu_run(&vcpu) || vcpu.run->exit_reason != HVKM_EXIT_IO) {
			printf("bench: hvkm guest stopped: exit %u at %#llx\n",
			       vcpu.run->exit_reason, (unsigned long long)vcpu.run->rip);
			goto out;
		}
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

static double kvm_measure(struct guest_code code)
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
	memcpy(mem + CODE_GPA, code.bytes, code.len);
	region.userspace_addr = (uintptr_t)mem;
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region))
		goto out;
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vcpu < 0 || size <= 0)
		goto out;
	run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED || ioctl(vcpu, KVM_GET_SREGS, &sregs) || kvm_set_hv_cpuid(kvm, vcpu))
		goto out;
	if (code.protected_mode) {
		sregs.cs = (struct kvm_segment){ .limit = 0xffffffff, .selector = 8, .type = 0xb,
						 .present = 1, .db = 1, .s = 1, .g = 1 };
		sregs.ds = sregs.cs;
		sregs.ds.type = 3;
		sregs.ds.selector = 0x10;
		sregs.es = sregs.ss = sregs.fs = sregs.gs = sregs.ds;
		sregs.cr0 |= 1;		/* PE */
		regs.rip = CODE_GPA;
	} else {
		sregs.cs.base = CODE_GPA;
		sregs.cs.selector = CODE_SEG;
		sregs.ds = sregs.es = sregs.ss = sregs.cs;
		sregs.ds.type = sregs.es.type = sregs.ss.type = 3;
	}
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) || ioctl(vcpu, KVM_SET_REGS, &regs))
		goto out;
	start = now_us();
	alarm(WATCHDOG_S);
	for (;;) {
		if (ioctl(vcpu, KVM_RUN, 0) || run->exit_reason != KVM_EXIT_IO) {
			if (errno == EINTR && !ioctl(vcpu, KVM_GET_REGS, &regs))
				printf("bench: KVM_RUN did not return within %d s; the guest is at rip %#llx (rcx %#llx)\n",
				       WATCHDOG_S, (unsigned long long)regs.rip,
				       (unsigned long long)regs.rcx);
			else
				printf("bench: KVM guest stopped: exit %u\n", run->exit_reason);
			goto out;
		}
		if (run->io.port == 0x61)
			break;
	}
	alarm(0);
	us = (now_us() - start) / EXITS;
out:
	alarm(0);
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

static double best(double (*fn)(struct guest_code), struct guest_code code)
{
	double b = -1, us;
	int i;

	for (i = 0; i < ROUNDS; i++) {
		us = fn(code);
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
	double h_cpuid, h_pio, h_hcall, floor_us = -1, k_cpuid, k_pio, k_hcall;
	int i;

	if (bench_watchdog_init())
		return 1;
	if (load_hvkm_with_test_hooks()) {
		printf("bench: cannot load hvkm with test_hooks=1: %s\n", strerror(errno));
		return 1;
	}
	h_cpuid = best(hvkm_measure, CODE(cpuid_loop, false));
	h_pio = best(hvkm_measure, CODE(pio_loop, false));
	h_hcall = best(hvkm_measure, CODE(hcall_loop, true));
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
	k_cpuid = best(kvm_measure, CODE(cpuid_loop, false));
	k_pio = best(kvm_measure, CODE(pio_loop, false));
	k_hcall = best(kvm_measure, CODE(hcall_loop, true));
	run_cmd("modprobe -r kvm_amd");

	if (h_cpuid < 0 || h_pio < 0 || h_hcall < 0 || floor_us < 0 || k_cpuid < 0 || k_pio < 0 ||
	    k_hcall < 0) {
		printf("bench: a measurement failed (hvkm cpuid %.1f pio %.1f hcall %.1f floor %.1f, kvm cpuid %.1f pio %.1f hcall %.1f)\n",
		       h_cpuid, h_pio, h_hcall, floor_us, k_cpuid, k_pio, k_hcall);
		return 1;
	}
	printf("%d exits per run, best of %d runs, microseconds per exit\n", EXITS, ROUNDS);
	printf("  %-34s %8s %8s %12s %18s\n", "", "hvkm", "kvm", "hvkm/kvm", "overhead ratio");
	printf("  %-34s %8.2f %8.2f %12.2f %18.2f\n", "cpuid (handled in the kernel)",
	       h_cpuid, k_cpuid, h_cpuid / k_cpuid, (h_cpuid - floor_us) / (k_cpuid - floor_us));
	printf("  %-34s %8.2f %8.2f %12.2f %18.2f\n", "port I/O (exit to userspace)",
	       h_pio, k_pio, h_pio / k_pio, (h_pio - floor_us) / (k_pio - floor_us));
	printf("  %-34s %8.2f %8.2f %12.2f %18.2f\n", "null fast hypercall (in the kernel)",
	       h_hcall, k_hcall, h_hcall / k_hcall, (h_hcall - floor_us) / (k_hcall - floor_us));
	printf("  %-34s %8.2f\n", "floor: bare VMRUN/#VMEXIT (hvkm)", floor_us);
	printf("overhead ratio = (x - floor) / (kvm - floor)\n");
	return 0;
}
