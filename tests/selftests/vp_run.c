// SPDX-License-Identifier: GPL-2.0
/*
 * Partitions and VPs: argument checking, registers by TLFS name, and real
 * guest code in real mode reaching each exit: port I/O, CPUID from the
 * VMM's table, VMMCALL, an injected #GP, triple fault, HLT, guest RAM on
 * first touch, an unmapped GPA, signals, and two VPs at once.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/hvkm_test.h"
#include "lib/hvkm_vm.h"
#include "lib/ksft.h"

#define MEM_SIZE	0x20000		/* 128 KiB of guest RAM at GPA 0 */
#define CODE_SEG	0x100		/* guest code at GPA 0x1000 */
#define CODE_GPA	0x1000

static struct hvkm_vm vm;
static struct hvkm_vcpu vcpu;

static int setup_guest(const uint8_t *code, size_t len, unsigned int max_vps)
{
	int ret = vm_create(&vm, MEM_SIZE, max_vps);

	if (ret)
		return ret;
	memcpy(vm.mem + CODE_GPA, code, len);
	ret = vcpu_create(&vm, &vcpu, 0);
	return ret ? ret : vcpu_set_real_mode(&vcpu, CODE_SEG);
}

static void teardown(void)
{
	vcpu_destroy(&vcpu);
	vm_destroy(&vm);
}

/* Run to the next exit, which must be the port access described. */
static int expect_io(uint16_t port, uint8_t size, uint8_t dir, uint64_t data)
{
	struct hvkm_run *run = vcpu.run;
	int ret = vcpu_run(&vcpu);

	KSFT_CHECK(ret == 0, "run: %s", strerror(-ret));
	KSFT_CHECK(run->exit_reason == HVKM_EXIT_IO,
		   "exit %u (hw %#llx %#llx %#llx) at rip %#llx, wanted I/O to %#x",
		   run->exit_reason, (unsigned long long)run->hw.exit_code,
		   (unsigned long long)run->hw.info1, (unsigned long long)run->hw.info2,
		   (unsigned long long)run->rip, port);
	KSFT_CHECK(run->io.port == port && run->io.size == size && run->io.direction == dir,
		   "port %#x size %u dir %u, wanted %#x %u %u", run->io.port,
		   run->io.size, run->io.direction, port, size, dir);
	KSFT_CHECK(dir == HVKM_IO_IN || run->io.data == data, "port %#x data %#llx, wanted %#llx",
		   port, (unsigned long long)run->io.data, (unsigned long long)data);
	return KSFT_PASS;
}

static int create_partition_rejects_bad_args(void)
{
	struct hvkm_create_partition cp;
	int dev, fd, max = 0;

	KSFT_CHECK(hvkm_module_ensure() == 0, "load");
	dev = hvkm_open();
	KSFT_CHECK(dev >= 0, "open");
	max = ioctl(dev, HVKM_CHECK_EXTENSION, HVKM_CAP_MAX_VPS);
	KSFT_CHECK(max >= 1, "HVKM_CAP_MAX_VPS %d", max);
	memset(&cp, 0, sizeof(cp));
	KSFT_CHECK(ioctl(dev, HVKM_CREATE_PARTITION, &cp) < 0 && errno == EINVAL, "max_vps 0");
	cp.max_vps = max + 1;
	KSFT_CHECK(ioctl(dev, HVKM_CREATE_PARTITION, &cp) < 0 && errno == EINVAL, "max_vps too big");
	cp.max_vps = 1;
	cp.flags = 1;
	KSFT_CHECK(ioctl(dev, HVKM_CREATE_PARTITION, &cp) < 0 && errno == EINVAL, "flags");
	cp.flags = 0;
	cp.reserved[5] = 1;
	KSFT_CHECK(ioctl(dev, HVKM_CREATE_PARTITION, &cp) < 0 && errno == EINVAL, "reserved");
	KSFT_CHECK(ioctl(dev, HVKM_CREATE_PARTITION, (void *)8) < 0 && errno == EFAULT, "pointer");
	cp.reserved[5] = 0;
	fd = ioctl(dev, HVKM_CREATE_PARTITION, &cp);
	KSFT_CHECK(fd >= 0, "valid request: errno %d", errno);
	KSFT_CHECK(ioctl(fd, HVKM_GET_API_VERSION, 0) < 0 && errno == ENOTTY, "dev ioctl on partition");
	close(fd);
	close(dev);
	return KSFT_PASS;
}

static int set_region(uint32_t slot, uint32_t flags, uint64_t gpa, uint64_t size, uint64_t uaddr)
{
	struct hvkm_memory_region r = {
		.slot = slot, .flags = flags, .guest_phys_addr = gpa, .size = size,
		.userspace_addr = uaddr,
	};

	return ioctl(vm.fd, HVKM_SET_MEMORY_REGION, &r) < 0 ? -errno : 0;
}

static int memory_region_rejects_bad_args(void)
{
	uint64_t ua;
	int ret;

	ret = vm_create(&vm, MEM_SIZE, 2);
	KSFT_CHECK(ret == 0, "vm: %s", strerror(-ret));
	ua = (uintptr_t)vm.mem;
	KSFT_CHECK(set_region(32, 0, 0x100000, 0x1000, ua) == -EINVAL, "slot 32");
	KSFT_CHECK(set_region(1, 0, 0x100800, 0x1000, ua) == -EINVAL, "gpa alignment");
	KSFT_CHECK(set_region(1, 0, 0x100000, 0x800, ua) == -EINVAL, "size alignment");
	KSFT_CHECK(set_region(1, 0, 0x100000, 0x1000, ua + 8) == -EINVAL, "uaddr alignment");
	KSFT_CHECK(set_region(1, 0x80, 0x100000, 0x1000, ua) == -EINVAL, "unknown flag");
	KSFT_CHECK(set_region(1, 0x8, 0x100000, 0x1000, ua) == -EINVAL, "flag 0x8");
	KSFT_CHECK(set_region(1, 0, 1ull << 48, 0x1000, ua) == -EINVAL, "beyond 48 bits");
	KSFT_CHECK(set_region(1, 0, ~0xfffull, 0x2000, ua) == -EINVAL, "wraps");
	KSFT_CHECK(set_region(1, 0, 0x100000, 0x1000, 0xffff800000000000ull) == -EINVAL,
		   "kernel address");
	KSFT_CHECK(set_region(1, 0, MEM_SIZE - 0x1000, 0x2000, ua) == -EEXIST, "overlap");
	KSFT_CHECK(set_region(1, HVKM_MEM_NOEXEC, 0x100000, 0x1000, ua) == 0, "valid");
	KSFT_CHECK(set_region(1, 0, 0, 0, 0) == 0, "delete");
	KSFT_CHECK(vcpu_create(&vm, &vcpu, 0) == 0, "vp");
	KSFT_CHECK(set_region(2, 0, 0x100000, 0x1000, ua) == 0, "change with VPs");
	teardown();
	return KSFT_PASS;
}

static int create_vp_rejects_bad_args(void)
{
	struct hvkm_create_vp cv = { .vp_index = 2 };
	struct hvkm_vcpu second;
	int ret;

	ret = vm_create(&vm, MEM_SIZE, 2);
	KSFT_CHECK(ret == 0, "vm: %s", strerror(-ret));
	KSFT_CHECK(ioctl(vm.fd, HVKM_CREATE_VP, &cv) < 0 && errno == EINVAL, "index == max");
	cv.vp_index = 0;
	cv.flags = 1;
	KSFT_CHECK(ioctl(vm.fd, HVKM_CREATE_VP, &cv) < 0 && errno == EINVAL, "flags");
	KSFT_CHECK(vcpu_create(&vm, &vcpu, 0) == 0, "vp 0");
	KSFT_CHECK(vcpu_create(&vm, &second, 0) == -EEXIST, "vp 0 again");
	KSFT_CHECK(vcpu_create(&vm, &second, 1) == 0, "vp 1");
	vcpu_destroy(&second);
	KSFT_CHECK(vcpu_create(&vm, &second, 1) == 0, "vp 1 after closing it");
	KSFT_CHECK(mmap(NULL, 3 * 4096, PROT_READ, MAP_SHARED, second.fd, 0) == MAP_FAILED &&
		   errno == EINVAL, "mmap of three pages");
	KSFT_CHECK(mmap(NULL, 4096, PROT_READ, MAP_SHARED, second.fd, 4096) == MAP_FAILED &&
		   errno == EINVAL, "mmap at offset 1");
	vcpu_destroy(&second);
	teardown();
	return KSFT_PASS;
}

static int registers_round_trip(void)
{
	static const uint32_t plain[] = {
		HV_X64_REGISTER_RIP, HV_X64_REGISTER_RFLAGS, HV_X64_REGISTER_CR0,
		HV_X64_REGISTER_CR2, HV_X64_REGISTER_CR3, HV_X64_REGISTER_CR4,
		HV_X64_REGISTER_DR0, HV_X64_REGISTER_DR1, HV_X64_REGISTER_DR2,
		HV_X64_REGISTER_DR3, HV_X64_REGISTER_DR6, HV_X64_REGISTER_DR7,
		HV_X64_REGISTER_KERNEL_GS_BASE, HV_X64_REGISTER_PAT,
		HV_X64_REGISTER_SYSENTER_CS, HV_X64_REGISTER_SYSENTER_EIP,
		HV_X64_REGISTER_SYSENTER_ESP, HV_X64_REGISTER_STAR, HV_X64_REGISTER_LSTAR,
		HV_X64_REGISTER_CSTAR, HV_X64_REGISTER_SFMASK,
	};
	static const uint32_t segs[] = {
		HV_X64_REGISTER_ES, HV_X64_REGISTER_CS, HV_X64_REGISTER_SS,
		HV_X64_REGISTER_DS, HV_X64_REGISTER_FS, HV_X64_REGISTER_GS,
		HV_X64_REGISTER_LDTR, HV_X64_REGISTER_TR,
	};
	struct hvkm_register_assoc r, many[129];
	struct hvkm_registers regs;
	uint64_t v, value;
	unsigned int i;
	int ret;

	ret = setup_guest((const uint8_t *)"\xf4", 1, 1);
	KSFT_CHECK(ret == 0, "setup: %s", strerror(-ret));
	for (i = 0; i < 16; i++) {
		value = 0x1111111111111111ull * (i + 1) + i;
		KSFT_CHECK(vcpu_set_reg(&vcpu, HV_X64_REGISTER_RAX + i, value) == 0, "gpr %u", i);
	}
	for (i = 0; i < 16; i++) {
		KSFT_CHECK(vcpu_get_reg(&vcpu, HV_X64_REGISTER_RAX + i, &v) == 0, "gpr %u", i);
		KSFT_CHECK(v == 0x1111111111111111ull * (i + 1) + i, "gpr %u is %#llx", i,
			   (unsigned long long)v);
	}
	for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		value = 0x100 + i * 0x10;
		KSFT_CHECK(vcpu_set_reg(&vcpu, plain[i], value) == 0, "set %#x", plain[i]);
		KSFT_CHECK(vcpu_get_reg(&vcpu, plain[i], &v) == 0 && v == value,
			   "%#x is %#llx, set %#llx", plain[i], (unsigned long long)v,
			   (unsigned long long)value);
	}
	for (i = 0; i < sizeof(segs) / sizeof(segs[0]); i++) {
		memset(&r, 0, sizeof(r));
		r.name = segs[i];
		r.value.segment.base = 0x12340000 + i;
		r.value.segment.limit = 0xfffff - i;
		r.value.segment.selector = 0x8 * (i + 1);
		r.value.segment.attributes = 0xc09b - i;	/* G, D/B, P, S, type */
		KSFT_CHECK(vcpu_set_assoc(&vcpu, &r) == 0, "set seg %#x", segs[i]);
		memset(&r.value, 0, sizeof(r.value));
		KSFT_CHECK(vcpu_get_assoc(&vcpu, &r) == 0, "get seg %#x", segs[i]);
		KSFT_CHECK(r.value.segment.base == 0x12340000 + i &&
			   r.value.segment.limit == 0xfffff - i &&
			   r.value.segment.selector == 0x8 * (i + 1) &&
			   r.value.segment.attributes == 0xc09b - i,
			   "seg %#x: base %#llx limit %#x sel %#x attr %#x", segs[i],
			   (unsigned long long)r.value.segment.base, r.value.segment.limit,
			   r.value.segment.selector, r.value.segment.attributes);
	}
	for (i = 0; i < 2; i++) {
		memset(&r, 0, sizeof(r));
		r.name = i ? HV_X64_REGISTER_GDTR : HV_X64_REGISTER_IDTR;
		r.value.table.base = 0xffff800012345000ull + i;
		r.value.table.limit = 0xfff - i;
		KSFT_CHECK(vcpu_set_assoc(&vcpu, &r) == 0, "set table %u", i);
		memset(&r.value, 0, sizeof(r.value));
		KSFT_CHECK(vcpu_get_assoc(&vcpu, &r) == 0 &&
			   r.value.table.base == 0xffff800012345000ull + i &&
			   r.value.table.limit == 0xfff - i, "table %u", i);
	}
	/* EFER reads back without the SVME bit hvkm needs underneath. */
	KSFT_CHECK(vcpu_set_reg(&vcpu, HV_X64_REGISTER_EFER, 0xd01) == 0, "efer");
	KSFT_CHECK(vcpu_get_reg(&vcpu, HV_X64_REGISTER_EFER, &v) == 0 && v == 0xd01,
		   "efer %#llx", (unsigned long long)v);
	KSFT_CHECK(vcpu_set_reg(&vcpu, HV_X64_REGISTER_CR8, 9) == 0, "cr8");
	KSFT_CHECK(vcpu_get_reg(&vcpu, HV_X64_REGISTER_CR8, &v) == 0 && v == 9, "cr8 %llu",
		   (unsigned long long)v);
	KSFT_CHECK(vcpu_set_reg(&vcpu, HV_X64_REGISTER_CR8, 16) == -EINVAL, "cr8 16");
	KSFT_CHECK(vcpu_set_reg(&vcpu, HV_X64_REGISTER_TSC, 1ull << 50) == 0, "tsc");
	KSFT_CHECK(vcpu_get_reg(&vcpu, HV_X64_REGISTER_TSC, &v) == 0 &&
		   v >= 1ull << 50 && v < (1ull << 50) + (1ull << 40), "tsc %#llx",
		   (unsigned long long)v);

	KSFT_CHECK(vcpu_get_reg(&vcpu, 0x00020012, &v) == -EINVAL, "unknown name");
	KSFT_CHECK(vcpu_get_reg(&vcpu, HV_X64_REGISTER_SFMASK + 1, &v) == -EINVAL, "unknown msr");
	memset(many, 0, sizeof(many));
	regs = (struct hvkm_registers){ .count = 0, .regs = (uintptr_t)many };
	KSFT_CHECK(ioctl(vcpu.fd, HVKM_GET_REGISTERS, &regs) < 0 && errno == EINVAL, "count 0");
	regs.count = 129;
	KSFT_CHECK(ioctl(vcpu.fd, HVKM_GET_REGISTERS, &regs) < 0 && errno == E2BIG, "count 129");
	regs.count = 1;
	many[0].name = HV_X64_REGISTER_RIP;
	many[0].reserved = 1;
	KSFT_CHECK(ioctl(vcpu.fd, HVKM_GET_REGISTERS, &regs) < 0 && errno == EINVAL, "reserved");
	regs.regs = 16;
	KSFT_CHECK(ioctl(vcpu.fd, HVKM_GET_REGISTERS, &regs) < 0 && errno == EFAULT, "pointer");
	teardown();
	return KSFT_PASS;
}

static int port_io(void)
{
	static const uint8_t code[] = {
		0xb0, 0x42,			/* mov al, 0x42 */
		0xe6, 0x10,			/* out 0x10, al */
		0xe4, 0x11,			/* in al, 0x11 */
		0xe6, 0x12,			/* out 0x12, al */
		0x66, 0xb8, 0xef, 0xbe, 0xad, 0xde, /* mov eax, 0xdeadbeef */
		0x66, 0xe7, 0x13,		/* out 0x13, eax */
		0xb8, 0x34, 0x12,		/* mov ax, 0x1234 */
		0xe7, 0x14,			/* out 0x14, ax */
		0xba, 0x00, 0x40,		/* mov dx, 0x4000 */
		0xee,				/* out dx, al */
		0x66, 0xed,			/* in eax, dx */
		0x66, 0xe7, 0x15,		/* out 0x15, eax */
		0xf4,				/* hlt */
	};
	int ret = setup_guest(code, sizeof(code), 1);

	KSFT_CHECK(ret == 0, "setup: %s", strerror(-ret));
	KSFT_CHECK(expect_io(0x10, 1, HVKM_IO_OUT, 0x42) == KSFT_PASS, "out 0x10");
	KSFT_CHECK(expect_io(0x11, 1, HVKM_IO_IN, 0) == KSFT_PASS, "in 0x11");
	vcpu.run->io.data = 0x99;
	KSFT_CHECK(expect_io(0x12, 1, HVKM_IO_OUT, 0x99) == KSFT_PASS, "out 0x12");
	KSFT_CHECK(expect_io(0x13, 4, HVKM_IO_OUT, 0xdeadbeef) == KSFT_PASS, "out 0x13");
	KSFT_CHECK(expect_io(0x14, 2, HVKM_IO_OUT, 0x1234) == KSFT_PASS, "out 0x14");
	KSFT_CHECK(expect_io(0x4000, 1, HVKM_IO_OUT, 0x34) == KSFT_PASS, "out dx");
	KSFT_CHECK(expect_io(0x4000, 4, HVKM_IO_IN, 0) == KSFT_PASS, "in dx");
	vcpu.run->io.data = 0xcafef00d;
	KSFT_CHECK(expect_io(0x15, 4, HVKM_IO_OUT, 0xcafef00d) == KSFT_PASS, "out 0x15");
	teardown();
	return KSFT_PASS;
}

static int cpuid_from_table(void)
{
	static const uint8_t code[] = {
		0x66, 0xb8, 0x00, 0x00, 0x00, 0x40,	/* mov eax, 0x40000000 */
		0x66, 0x31, 0xc9,			/* xor ecx, ecx */
		0x0f, 0xa2,				/* cpuid */
		0x66, 0xe7, 0x20,			/* out 0x20, eax */
		0x66, 0x89, 0xd8, 0x66, 0xe7, 0x20,	/* mov eax, ebx; out */
		0x66, 0x89, 0xc8, 0x66, 0xe7, 0x20,	/* mov eax, ecx; out */
		0x66, 0x89, 0xd0, 0x66, 0xe7, 0x20,	/* mov eax, edx; out */
		0x66, 0xb8, 0x07, 0x00, 0x00, 0x00,	/* mov eax, 7 */
		0x66, 0xb9, 0x01, 0x00, 0x00, 0x00,	/* mov ecx, 1 */
		0x0f, 0xa2, 0x66, 0xe7, 0x20,		/* cpuid; out */
		0x66, 0xb8, 0x55, 0x55, 0x00, 0x80,	/* mov eax, 0x80005555 */
		0x0f, 0xa2, 0x66, 0xe7, 0x20,		/* cpuid; out */
		0x66, 0x89, 0xd8, 0x66, 0xe7, 0x20,	/* mov eax, ebx; out */
		0xf4,
	};
	static const struct hvkm_cpuid_entry table[] = {
		{ .function = 0x40000000, .eax = 0x11111111, .ebx = 0x22222222,
		  .ecx = 0x33333333, .edx = 0x44444444 },
		{ .function = 7, .index = 0, .flags = HVKM_CPUID_SUBLEAF, .eax = 0x77770000 },
		{ .function = 7, .index = 1, .flags = HVKM_CPUID_SUBLEAF, .eax = 0x77770001 },
	};
	static const uint32_t want[] = {
		0x11111111, 0x22222222, 0x33333333, 0x44444444, 0x77770001, 0, 0,
	};
	struct hvkm_cpuid_entry bad = { .function = 1, .flags = 2 };
	unsigned int i;
	int ret = setup_guest(code, sizeof(code), 1);

	KSFT_CHECK(ret == 0, "setup: %s", strerror(-ret));
	KSFT_CHECK(vm_set_cpuid(&vm, &bad, 1) == -EINVAL, "unknown entry flag");
	KSFT_CHECK(vm_set_cpuid(&vm, table, 257) == -E2BIG, "too many entries");
	KSFT_CHECK(vm_set_cpuid(&vm, table, 3) == 0, "set table");
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		KSFT_CHECK(expect_io(0x20, 4, HVKM_IO_OUT, want[i]) == KSFT_PASS, "value %u", i);
	teardown();
	return KSFT_PASS;
}

/* The table is shared, the APIC id in leaves 1 and 0Bh is the executing VP's. */
static int cpuid_apic_id_is_per_vp(void)
{
	static const uint8_t code[] = {
		0x66, 0xb8, 0x01, 0x00, 0x00, 0x00,	/* mov eax, 1 */
		0x0f, 0xa2,				/* cpuid */
		0x66, 0x89, 0xd8, 0x66, 0xe7, 0x20,	/* mov eax, ebx; out 0x20, eax */
		0x66, 0xb8, 0x0b, 0x00, 0x00, 0x00,	/* mov eax, 0xb */
		0x66, 0x31, 0xc9,			/* xor ecx, ecx */
		0x0f, 0xa2,				/* cpuid */
		0x66, 0x89, 0xd0, 0x66, 0xe7, 0x20,	/* mov eax, edx; out */
		0x66, 0x89, 0xd8, 0x66, 0xe7, 0x20,	/* mov eax, ebx; out */
		0xf4,
	};
	static const struct hvkm_cpuid_entry table[] = {
		{ .function = 1, .eax = 0x800f12, .ebx = 0xaa020800, .edx = 0x178bfbff },
		{ .function = 0xb, .index = 0, .flags = HVKM_CPUID_SUBLEAF, .ebx = 1,
		  .ecx = 0x100, .edx = 0x55 },
	};
	static const uint32_t want[] = { 0x03020800, 3, 1 };
	unsigned int i;
	int ret = vm_create(&vm, MEM_SIZE, 4);

	KSFT_CHECK(ret == 0, "vm: %s", strerror(-ret));
	memcpy(vm.mem + CODE_GPA, code, sizeof(code));
	KSFT_CHECK(vcpu_create(&vm, &vcpu, 3) == 0, "VP 3 (APIC id 3)");
	KSFT_CHECK(vcpu_set_real_mode(&vcpu, CODE_SEG) == 0, "real mode");
	KSFT_CHECK(vm_set_cpuid(&vm, table, 2) == 0, "set table");
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		KSFT_CHECK(expect_io(0x20, 4, HVKM_IO_OUT, want[i]) == KSFT_PASS, "value %u", i);
	teardown();
	return KSFT_PASS;
}

/* Hypercalls are not allowed in real mode (TLFS "Legal Hypercall Environments"): #UD. */
static int vmmcall_in_real_mode_raises_ud(void)
{
	static const uint8_t code[] = {
		0x0f, 0x01, 0xd9,	/* vmmcall */
		0xf4,
	};
	static const uint8_t handler[] = {
		0xb0, 0x06, 0xe6, 0x40,	/* mov al, 6; out 0x40, al */
		0xf4,
	};
	uint16_t ivt_ud[2] = { 0x100, CODE_SEG };
	uint64_t rip;
	int ret = setup_guest(code, sizeof(code), 1);

	KSFT_CHECK(ret == 0, "setup: %s", strerror(-ret));
	memcpy(vm.mem + CODE_GPA + 0x100, handler, sizeof(handler));
	memcpy(vm.mem + 6 * 4, ivt_ud, sizeof(ivt_ud));
	KSFT_CHECK(expect_io(0x40, 1, HVKM_IO_OUT, 6) == KSFT_PASS, "#UD handler ran");
	KSFT_CHECK(*(uint16_t *)(vm.mem + CODE_GPA + 0xfffe - 6) == 0,
		   "pushed IP %#x", *(uint16_t *)(vm.mem + CODE_GPA + 0xfffe - 6));
	KSFT_CHECK(vcpu_get_reg(&vcpu, HV_X64_REGISTER_RIP, &rip) == 0 && rip == 0x104,
		   "rip %#llx", (unsigned long long)rip);
	teardown();
	return KSFT_PASS;
}

/* RDMSR of an MSR hvkm does not emulate takes #GP through the guest's IVT. */
static int unknown_msr_raises_gp(void)
{
	static const uint8_t code[] = {
		0x66, 0xb9, 0x34, 0x12, 0x00, 0xc0,	/* mov ecx, 0xc0001234 */
		0x0f, 0x32,				/* rdmsr */
		0xf4,
	};
	static const uint8_t handler[] = {
		0xb0, 0x0d, 0xe6, 0x40,	/* mov al, 13; out 0x40, al */
		0xf4,
	};
	uint16_t ivt_gp[2] = { 0x100, CODE_SEG };	/* offset, segment */
	uint64_t rip;
	int ret = setup_guest(code, sizeof(code), 1);

	KSFT_CHECK(ret == 0, "setup: %s", strerror(-ret));
	memcpy(vm.mem + CODE_GPA + 0x100, handler, sizeof(handler));
	memcpy(vm.mem + 13 * 4, ivt_gp, sizeof(ivt_gp));
	KSFT_CHECK(expect_io(0x40, 1, HVKM_IO_OUT, 13) == KSFT_PASS, "handler ran");
	/* The handler's return address is the faulting RDMSR. */
	KSFT_CHECK(vcpu_get_reg(&vcpu, HV_X64_REGISTER_RIP, &rip) == 0 && rip == 0x104,
		   "rip %#llx", (unsigned long long)rip);
	KSFT_CHECK(*(uint16_t *)(vm.mem + CODE_GPA + 0xfffe - 6) == 6,
		   "pushed IP %#x", *(uint16_t *)(vm.mem + CODE_GPA + 0xfffe - 6));
	teardown();
	return KSFT_PASS;
}

/* MSRs the VMM asked for exit to it; its error makes the guest take #GP. */
static int msr_exits_to_vmm(void)
{
	static const uint8_t code[] = {
		0x66, 0xb9, 0x00, 0x00, 0x56, 0x4b,	/* mov ecx, 0x4b560000 */
		0x0f, 0x32,				/* rdmsr */
		0x66, 0xe7, 0x20,			/* out 0x20, eax */
		0x66, 0x89, 0xd0, 0x66, 0xe7, 0x20,	/* mov eax, edx; out */
		0x66, 0xb8, 0xef, 0xbe, 0x00, 0x00,	/* mov eax, 0xbeef */
		0x66, 0xba, 0x01, 0x00, 0x00, 0x00,	/* mov edx, 1 */
		0x0f, 0x30,				/* wrmsr */
		0x0f, 0x30,				/* wrmsr: refused */
		0xf4,
	};
	static const uint8_t handler[] = { 0xb0, 0x0d, 0xe6, 0x40, 0xf4 };
	uint16_t ivt_gp[2] = { 0x100, CODE_SEG };
	uint32_t msrs[257] = { 0x10, 0x4b560000 };
	struct hvkm_msr_exits list = { .nmsrs = 2, .msrs = (uintptr_t)msrs };
	struct hvkm_run *run;
	int ret = setup_guest(code, sizeof(code), 1);

	KSFT_CHECK(ret == 0, "setup: %s", strerror(-ret));
	run = vcpu.run;
	memcpy(vm.mem + CODE_GPA + 0x100, handler, sizeof(handler));
	memcpy(vm.mem + 13 * 4, ivt_gp, sizeof(ivt_gp));
	list.nmsrs = 257;
	KSFT_CHECK(ioctl(vm.fd, HVKM_SET_MSR_EXITS, &list) < 0 && errno == E2BIG, "257 MSRs");
	list.nmsrs = 2;
	list.reserved = 1;
	KSFT_CHECK(ioctl(vm.fd, HVKM_SET_MSR_EXITS, &list) < 0 && errno == EINVAL, "reserved");
	list.reserved = 0;
	KSFT_CHECK(ioctl(vm.fd, HVKM_SET_MSR_EXITS, &list) == 0, "set: errno %d", errno);

	KSFT_CHECK(vcpu_run(&vcpu) == 0 && run->exit_reason == HVKM_EXIT_MSR &&
		   run->msr.index == 0x4b560000 && !run->msr.is_write, "read exit %u index %#x",
		   run->exit_reason, run->msr.index);
	run->msr.data = 0x1122334455667788ULL;
	KSFT_CHECK(expect_io(0x20, 4, HVKM_IO_OUT, 0x55667788) == KSFT_PASS, "eax");
	KSFT_CHECK(expect_io(0x20, 4, HVKM_IO_OUT, 0x11223344) == KSFT_PASS, "edx");
	KSFT_CHECK(vcpu_run(&vcpu) == 0 && run->exit_reason == HVKM_EXIT_MSR &&
		   run->msr.is_write && run->msr.data == 0x10000beefULL, "write %#llx",
		   (unsigned long long)run->msr.data);
	KSFT_CHECK(vcpu_run(&vcpu) == 0 && run->exit_reason == HVKM_EXIT_MSR, "second write");
	run->msr.error = 1;
	KSFT_CHECK(expect_io(0x40, 1, HVKM_IO_OUT, 13) == KSFT_PASS, "#GP");
	teardown();
	return KSFT_PASS;
}

static int triple_fault_exits(void)
{
	static const uint8_t code[] = { 0xcc };	/* int3 with an empty IVT limit */
	struct hvkm_register_assoc idtr = { .name = HV_X64_REGISTER_IDTR };
	int ret = setup_guest(code, sizeof(code), 1);

	KSFT_CHECK(ret == 0, "setup: %s", strerror(-ret));
	KSFT_CHECK(vcpu_set_assoc(&vcpu, &idtr) == 0, "idtr");
	KSFT_CHECK(vcpu_run(&vcpu) == 0, "run");
	KSFT_CHECK(vcpu.run->exit_reason == HVKM_EXIT_SHUTDOWN, "exit %u",
		   vcpu.run->exit_reason);
	teardown();
	return KSFT_PASS;
}

/* Guest RAM is the VMM's memory: each side sees what the other wrote. */
static int guest_ram_is_shared(void)
{
	static const uint8_t code[] = {
		0xc6, 0x06, 0x00, 0x70, 0xab,	/* mov byte [0x7000], 0xab */
		0xa0, 0x04, 0x70,		/* mov al, [0x7004] */
		0xe6, 0x50,			/* out 0x50, al */
		0xf4,
	};
	int ret = setup_guest(code, sizeof(code), 1);

	KSFT_CHECK(ret == 0, "setup: %s", strerror(-ret));
	vm.mem[CODE_GPA + 0x7004] = 0x5a;
	KSFT_CHECK(expect_io(0x50, 1, HVKM_IO_OUT, 0x5a) == KSFT_PASS, "guest read");
	KSFT_CHECK(vm.mem[CODE_GPA + 0x7000] == 0xab, "guest write not seen: %#x",
		   vm.mem[CODE_GPA + 0x7000]);
	teardown();
	return KSFT_PASS;
}

/* Outside guest RAM is MMIO: the kernel decodes and the VMM answers. */
static int mmio_in_real_mode(void)
{
	static const uint8_t code[] = {
		0xb8, 0x00, 0x30,	/* mov ax, 0x3000 */
		0x8e, 0xd8,		/* mov ds, ax */
		0xa0, 0x10, 0x00,	/* mov al, [0x10]: GPA 0x30010, past guest RAM */
		0xe6, 0x50,		/* out 0x50, al */
		0x8b, 0x1e, 0x20, 0x00,	/* mov bx, [0x20] */
		0x89, 0x1e, 0x22, 0x00,	/* mov [0x22], bx */
		0xf4,			/* hlt */
	};
	struct hvkm_run *run;
	int ret = setup_guest(code, sizeof(code), 1);

	KSFT_CHECK(ret == 0, "setup: %s", strerror(-ret));
	run = vcpu.run;
	KSFT_CHECK(vcpu_run(&vcpu) == 0, "run");
	KSFT_CHECK(run->exit_reason == HVKM_EXIT_MMIO && run->mmio.gpa == 0x30010 &&
		   run->mmio.len == 1 && !run->mmio.is_write, "exit %u gpa %#llx len %u write %u",
		   run->exit_reason, (unsigned long long)run->mmio.gpa, run->mmio.len,
		   run->mmio.is_write);
	run->mmio.data[0] = 0x7e;
	KSFT_CHECK(expect_io(0x50, 1, HVKM_IO_OUT, 0x7e) == KSFT_PASS, "loaded value");
	KSFT_CHECK(vcpu_run(&vcpu) == 0 && run->exit_reason == HVKM_EXIT_MMIO &&
		   run->mmio.gpa == 0x30020 && run->mmio.len == 2 && !run->mmio.is_write,
		   "word load: exit %u", run->exit_reason);
	run->mmio.data[0] = 0x34;
	run->mmio.data[1] = 0x12;
	KSFT_CHECK(vcpu_run(&vcpu) == 0 && run->exit_reason == HVKM_EXIT_MMIO &&
		   run->mmio.gpa == 0x30022 && run->mmio.len == 2 && run->mmio.is_write &&
		   run->mmio.data[0] == 0x34 && run->mmio.data[1] == 0x12,
		   "word store: exit %u gpa %#llx", run->exit_reason,
		   (unsigned long long)run->mmio.gpa);
	teardown();
	return KSFT_PASS;
}

/* Run to the next exit: string I/O to @port of @count elements of @size. */
static int expect_string_io(uint16_t port, uint8_t size, uint8_t dir, uint32_t count)
{
	struct hvkm_run *run = vcpu.run;

	KSFT_CHECK(vcpu_run(&vcpu) == 0 && run->exit_reason == HVKM_EXIT_IO, "exit %u (hw %#llx)",
		   run->exit_reason, (unsigned long long)run->hw.exit_code);
	KSFT_CHECK(run->io.port == port && run->io.size == size && run->io.direction == dir &&
		   run->io.count == count && run->io.data_offset == HVKM_RUN_IO_OFFSET,
		   "port %#x size %u dir %u count %u offset %u", run->io.port, run->io.size,
		   run->io.direction, run->io.count, run->io.data_offset);
	return KSFT_PASS;
}

static int string_io(void)
{
	static const uint8_t code[] = {
		0xfc,			/* cld */
		0xbe, 0x00, 0x20,	/* mov si, 0x2000: GPA 0x3000 */
		0xb9, 0x05, 0x00,	/* mov cx, 5 */
		0xba, 0x00, 0x40,	/* mov dx, 0x4000 */
		0xf3, 0x6e,		/* rep outsb */
		0xbf, 0x00, 0x30,	/* mov di, 0x3000: GPA 0x4000 */
		0xb9, 0x03, 0x00,	/* mov cx, 3 */
		0xf3, 0x66, 0x6d,	/* rep insd */
		0xbe, 0x00, 0x50,	/* mov si, 0x5000: GPA 0x6000 */
		0xb9, 0xb8, 0x0b,	/* mov cx, 3000 */
		0xf3, 0x6f,		/* rep outsw: 6000 bytes, two batches */
		0x6e,			/* outsb: one element, no REP */
		0xe6, 0x70,		/* out 0x70, al */
	};
	static const uint8_t in_data[12] = "abcdefghijkl";
	uint64_t rcx, rdi;
	unsigned int i;
	int ret = setup_guest(code, sizeof(code), 1);

	KSFT_CHECK(ret == 0, "setup: %s", strerror(-ret));
	memcpy(vm.mem + 0x3000, "HELLO", 5);
	for (i = 0; i < 6001; i++)
		vm.mem[0x6000 + i] = (uint8_t)(i * 7);

	KSFT_CHECK(expect_string_io(0x4000, 1, HVKM_IO_OUT, 5) == KSFT_PASS, "rep outsb");
	KSFT_CHECK(!memcmp(vcpu_io_data(&vcpu), "HELLO", 5), "outsb data");

	KSFT_CHECK(expect_string_io(0x4000, 4, HVKM_IO_IN, 3) == KSFT_PASS, "rep insd");
	memcpy(vcpu_io_data(&vcpu), in_data, sizeof(in_data));

	KSFT_CHECK(expect_string_io(0x4000, 2, HVKM_IO_OUT, 2048) == KSFT_PASS, "first batch");
	KSFT_CHECK(!memcmp(vm.mem + 0x4000, in_data, sizeof(in_data)), "insd stored");
	KSFT_CHECK(vcpu_get_reg(&vcpu, HV_X64_REGISTER_RDI, &rdi) == 0 && rdi == 0x300c,
		   "rdi %#llx", (unsigned long long)rdi);
	KSFT_CHECK(!memcmp(vcpu_io_data(&vcpu), vm.mem + 0x6000, 4096), "first batch data");
	KSFT_CHECK(vcpu_get_reg(&vcpu, HV_X64_REGISTER_RCX, &rcx) == 0 && rcx == 3000 - 2048,
		   "rcx %llu", (unsigned long long)rcx);
	KSFT_CHECK(expect_string_io(0x4000, 2, HVKM_IO_OUT, 952) == KSFT_PASS, "second batch");
	KSFT_CHECK(!memcmp(vcpu_io_data(&vcpu), vm.mem + 0x6000 + 4096, 1904), "second data");

	KSFT_CHECK(expect_string_io(0x4000, 1, HVKM_IO_OUT, 1) == KSFT_PASS, "outsb");
	KSFT_CHECK(vcpu_io_data(&vcpu)[0] == vm.mem[0x6000 + 6000], "outsb byte");
	/* OUTS does not touch AL: still 0. */
	KSFT_CHECK(expect_io(0x70, 1, HVKM_IO_OUT, 0) == KSFT_PASS, "end");
	teardown();
	return KSFT_PASS;
}

/* A read-only region (a ROM): reads come from memory, writes exit as MMIO. */
static int readonly_region(void)
{
	static const uint8_t code[] = {
		0xb8, 0x00, 0x30,	/* mov ax, 0x3000 */
		0x8e, 0xd8,		/* mov ds, ax */
		0xa0, 0x10, 0x00,	/* mov al, [0x10]: GPA 0x30010, in the ROM */
		0xe6, 0x50,		/* out 0x50, al */
		0xc6, 0x06, 0x10, 0x00, 0x99,	/* mov byte [0x10], 0x99 */
		0xa0, 0x10, 0x00,	/* mov al, [0x10] */
		0xe6, 0x51,		/* out 0x51, al */
		0xf4,
	};
	uint8_t *rom;
	int ret = setup_guest(code, sizeof(code), 1);

	KSFT_CHECK(ret == 0, "setup: %s", strerror(-ret));
	rom = mmap(NULL, 0x10000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	KSFT_CHECK(rom != MAP_FAILED, "mmap");
	rom[0x10] = 0x5a;
	KSFT_CHECK(mprotect(rom, 0x10000, PROT_READ) == 0, "mprotect");
	teardown();
	/* The map is fixed once VPs exist: set it up again with the ROM. */
	ret = vm_create(&vm, MEM_SIZE, 1);
	KSFT_CHECK(ret == 0, "vm: %s", strerror(-ret));
	KSFT_CHECK(set_region(1, HVKM_MEM_READONLY, 0x30000, 0x10000, (uintptr_t)rom) == 0,
		   "rom slot");
	memcpy(vm.mem + CODE_GPA, code, sizeof(code));
	KSFT_CHECK(vcpu_create(&vm, &vcpu, 0) == 0 && vcpu_set_real_mode(&vcpu, CODE_SEG) == 0,
		   "vp");
	KSFT_CHECK(expect_io(0x50, 1, HVKM_IO_OUT, 0x5a) == KSFT_PASS, "read from ROM");
	KSFT_CHECK(vcpu_run(&vcpu) == 0 && vcpu.run->exit_reason == HVKM_EXIT_MMIO &&
		   vcpu.run->mmio.is_write && vcpu.run->mmio.gpa == 0x30010 &&
		   vcpu.run->mmio.len == 1 && vcpu.run->mmio.data[0] == 0x99,
		   "write: exit %u gpa %#llx", vcpu.run->exit_reason,
		   (unsigned long long)vcpu.run->mmio.gpa);
	KSFT_CHECK(expect_io(0x51, 1, HVKM_IO_OUT, 0x5a) == KSFT_PASS, "ROM unchanged");
	teardown();
	munmap(rom, 0x10000);
	return KSFT_PASS;
}

static void on_alarm(int sig)
{
	(void)sig;
}

/* Arms a one-shot SIGALRM without SA_RESTART, so RUN is interrupted. */
static void alarm_in_ms(long ms)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerval t = { .it_value = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 } };

	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &t, NULL);
}

static int signal_stops_spinning_vp(void)
{
	static const uint8_t code[] = { 0xeb, 0xfe };	/* jmp $ */
	int ret = setup_guest(code, sizeof(code), 1);

	KSFT_CHECK(ret == 0, "setup: %s", strerror(-ret));
	alarm_in_ms(300);
	ret = vcpu_run(&vcpu);
	KSFT_CHECK(ret == -EINTR, "run gave %d", ret);
	KSFT_CHECK(vcpu.run->exit_reason == HVKM_EXIT_INTR, "exit %u", vcpu.run->exit_reason);
	teardown();
	return KSFT_PASS;
}

static int signal_stops_halted_vp(void)
{
	static const uint8_t code[] = { 0xfa, 0xf4, 0xe6, 0x70 };	/* cli; hlt; out */
	uint64_t rip;
	int ret = setup_guest(code, sizeof(code), 1);

	KSFT_CHECK(ret == 0, "setup: %s", strerror(-ret));
	alarm_in_ms(300);
	ret = vcpu_run(&vcpu);
	KSFT_CHECK(ret == -EINTR && vcpu.run->exit_reason == HVKM_EXIT_INTR, "run gave %d", ret);
	KSFT_CHECK(vcpu_get_reg(&vcpu, HV_X64_REGISTER_RIP, &rip) == 0 && rip == 2,
		   "rip %#llx", (unsigned long long)rip);
	/* Still halted: nothing wakes it, so the next RUN sleeps again. */
	alarm_in_ms(200);
	ret = vcpu_run(&vcpu);
	KSFT_CHECK(ret == -EINTR, "second run gave %d", ret);
	teardown();
	return KSFT_PASS;
}

static int immediate_exit(void)
{
	static const uint8_t code[] = { 0xe6, 0x70 };	/* out 0x70, al */
	int ret = setup_guest(code, sizeof(code), 1);

	KSFT_CHECK(ret == 0, "setup: %s", strerror(-ret));
	vcpu.run->immediate_exit = 1;
	KSFT_CHECK(vcpu_run(&vcpu) == -EINTR, "run");
	KSFT_CHECK(vcpu.run->exit_reason == HVKM_EXIT_INTR, "exit %u", vcpu.run->exit_reason);
	vcpu.run->immediate_exit = 0;
	KSFT_CHECK(expect_io(0x70, 1, HVKM_IO_OUT, 0) == KSFT_PASS, "runs afterwards");
	teardown();
	return KSFT_PASS;
}

static int forked_child_gets_eio(void)
{
	int status;
	pid_t pid;
	int ret = setup_guest((const uint8_t *)"\xf4", 1, 1);

	KSFT_CHECK(ret == 0, "setup: %s", strerror(-ret));
	pid = fork();
	KSFT_CHECK(pid >= 0, "fork");
	if (pid == 0) {
		struct hvkm_create_vp cv = { .vp_index = 0 };
		int bad = 0;

		bad |= !(ioctl(vm.fd, HVKM_CREATE_VP, &cv) < 0 && errno == EIO);
		bad |= !(ioctl(vcpu.fd, HVKM_RUN_VP, 0) < 0 && errno == EIO) << 1;
		bad |= !(mmap(NULL, 4096, PROT_READ, MAP_SHARED, vcpu.fd, 0) == MAP_FAILED &&
			 errno == EIO) << 2;
		_exit(bad);
	}
	KSFT_CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status), "wait");
	KSFT_CHECK(WEXITSTATUS(status) == 0, "child saw no EIO (mask %d)", WEXITSTATUS(status));
	teardown();
	return KSFT_PASS;
}

/* An open partition keeps the module loaded even with /dev/hvkm closed. */
static int partition_pins_module(void)
{
	int ret = vm_create(&vm, MEM_SIZE, 1);

	KSFT_CHECK(ret == 0, "vm: %s", strerror(-ret));
	close(vm.dev_fd);
	vm.dev_fd = -1;
	ret = hvkm_module_unload();
	KSFT_CHECK(ret == -EWOULDBLOCK || ret == -EBUSY, "unload gave %d", ret);
	teardown();
	ret = hvkm_module_unload();
	KSFT_CHECK(ret == 0, "unload after close: %d", ret);
	return KSFT_PASS;
}

#define LOOPS 500

struct vp_thread {
	struct hvkm_vcpu vcpu;
	unsigned int index;
	unsigned int outs;
	int error;
};

static void *vp_loop(void *arg)
{
	struct vp_thread *t = arg;
	struct hvkm_run *run = t->vcpu.run;

	for (;;) {
		t->error = vcpu_run(&t->vcpu);
		if (t->error)
			return NULL;
		if (run->exit_reason != HVKM_EXIT_IO) {
			t->error = -EPROTO;
			return NULL;
		}
		if (run->io.port == 0x61)
			return NULL;
		if (run->io.port != 0x60 || run->io.data != t->index) {
			t->error = -EBADMSG;
			return NULL;
		}
		t->outs++;
	}
}

static int two_vps_in_parallel(void)
{
	static const uint8_t code[] = {
		0xb9, LOOPS & 0xff, LOOPS >> 8,	/* mov cx, LOOPS */
		0xe7, 0x60,			/* 1: out 0x60, ax */
		0xe2, 0xfc,			/* loop 1b */
		0xe6, 0x61,			/* out 0x61, al */
		0xf4,
	};
	struct vp_thread t[2] = { { .index = 0 }, { .index = 1 } };
	pthread_t tid[2];
	unsigned int i;
	int ret = vm_create(&vm, MEM_SIZE, 2);

	KSFT_CHECK(ret == 0, "vm: %s", strerror(-ret));
	memcpy(vm.mem + CODE_GPA, code, sizeof(code));
	for (i = 0; i < 2; i++) {
		KSFT_CHECK(vcpu_create(&vm, &t[i].vcpu, i) == 0, "vp %u", i);
		KSFT_CHECK(vcpu_set_real_mode(&t[i].vcpu, CODE_SEG) == 0, "regs %u", i);
		KSFT_CHECK(vcpu_set_reg(&t[i].vcpu, HV_X64_REGISTER_RAX, i) == 0, "rax %u", i);
	}
	for (i = 0; i < 2; i++)
		KSFT_CHECK(pthread_create(&tid[i], NULL, vp_loop, &t[i]) == 0, "thread %u", i);
	for (i = 0; i < 2; i++)
		pthread_join(tid[i], NULL);
	for (i = 0; i < 2; i++) {
		KSFT_CHECK(t[i].error == 0 && t[i].outs == LOOPS, "vp %u: error %d, %u outs",
			   i, t[i].error, t[i].outs);
		vcpu_destroy(&t[i].vcpu);
	}
	vm_destroy(&vm);
	return KSFT_PASS;
}

static const struct ksft_case cases[] = {
	KSFT_CASE(create_partition_rejects_bad_args),
	KSFT_CASE(memory_region_rejects_bad_args),
	KSFT_CASE(create_vp_rejects_bad_args),
	KSFT_CASE(registers_round_trip),
	KSFT_CASE(port_io),
	KSFT_CASE(string_io),
	KSFT_CASE(cpuid_from_table),
	KSFT_CASE(cpuid_apic_id_is_per_vp),
	KSFT_CASE(vmmcall_in_real_mode_raises_ud),
	KSFT_CASE(unknown_msr_raises_gp),
	KSFT_CASE(msr_exits_to_vmm),
	KSFT_CASE(triple_fault_exits),
	KSFT_CASE(guest_ram_is_shared),
	KSFT_CASE(mmio_in_real_mode),
	KSFT_CASE(readonly_region),
	KSFT_CASE(signal_stops_spinning_vp),
	KSFT_CASE(signal_stops_halted_vp),
	KSFT_CASE(immediate_exit),
	KSFT_CASE(forked_child_gets_eio),
	KSFT_CASE(two_vps_in_parallel),
	KSFT_CASE(partition_pins_module),
};

int main(void)
{
	return ksft_run(cases, KSFT_NR(cases), NULL);
}
