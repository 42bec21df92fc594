// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hvkm_test.h"
#include "hvkm_vm.h"

static int ioctl_errno(int fd, unsigned long cmd, const void *arg)
{
	int ret = ioctl(fd, cmd, arg);

	return ret < 0 ? -errno : ret;
}

int vm_create(struct hvkm_vm *vm, size_t mem_size, unsigned int max_vps)
{
	struct hvkm_create_partition cp = { .max_vps = max_vps };
	struct hvkm_memory_region r = { .slot = 0, .size = mem_size };
	int ret;

	memset(vm, 0, sizeof(*vm));
	vm->dev_fd = vm->fd = -1;
	ret = hvkm_module_ensure();
	if (ret)
		return ret;
	vm->dev_fd = hvkm_open();
	if (vm->dev_fd < 0)
		return vm->dev_fd;
	vm->fd = ioctl_errno(vm->dev_fd, HVKM_CREATE_PARTITION, &cp);
	if (vm->fd < 0)
		return vm->fd;
	vm->mem = mmap(NULL, mem_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->mem == MAP_FAILED) {
		vm->mem = NULL;
		return -ENOMEM;
	}
	vm->mem_size = mem_size;
	r.userspace_addr = (uintptr_t)vm->mem;
	ret = ioctl_errno(vm->fd, HVKM_SET_MEMORY_REGION, &r);
	return ret < 0 ? ret : 0;
}

void vm_destroy(struct hvkm_vm *vm)
{
	if (vm->fd >= 0)
		close(vm->fd);
	if (vm->dev_fd >= 0)
		close(vm->dev_fd);
	if (vm->mem)
		munmap(vm->mem, vm->mem_size);
	vm->fd = vm->dev_fd = -1;
	vm->mem = NULL;
}

int vm_set_cpuid(struct hvkm_vm *vm, const struct hvkm_cpuid_entry *e, unsigned int n)
{
	struct hvkm_cpuid c = { .nent = n, .entries = (uintptr_t)e };

	return ioctl_errno(vm->fd, HVKM_SET_CPUID, &c);
}

int vcpu_create(struct hvkm_vm *vm, struct hvkm_vcpu *vcpu, unsigned int index)
{
	struct hvkm_create_vp cv = { .vp_index = index, .apic_id = index };

	vcpu->run = NULL;
	vcpu->fd = ioctl_errno(vm->fd, HVKM_CREATE_VP, &cv);
	if (vcpu->fd < 0)
		return vcpu->fd;
	vcpu->run = mmap(NULL, HVKM_RUN_MMAP_SIZE, PROT_READ | PROT_WRITE,
			 MAP_SHARED, vcpu->fd, 0);
	if (vcpu->run == MAP_FAILED) {
		vcpu->run = NULL;
		close(vcpu->fd);
		vcpu->fd = -1;
		return -errno;
	}
	return 0;
}

void vcpu_destroy(struct hvkm_vcpu *vcpu)
{
	if (vcpu->run)
		munmap(vcpu->run, HVKM_RUN_MMAP_SIZE);
	if (vcpu->fd >= 0)
		close(vcpu->fd);
	vcpu->run = NULL;
	vcpu->fd = -1;
}

int vcpu_get_assoc(struct hvkm_vcpu *vcpu, struct hvkm_register_assoc *r)
{
	struct hvkm_registers regs = { .count = 1, .regs = (uintptr_t)r };

	return ioctl_errno(vcpu->fd, HVKM_GET_REGISTERS, &regs);
}

int vcpu_set_assoc(struct hvkm_vcpu *vcpu, const struct hvkm_register_assoc *r)
{
	struct hvkm_registers regs = { .count = 1, .regs = (uintptr_t)r };

	return ioctl_errno(vcpu->fd, HVKM_SET_REGISTERS, &regs);
}

int vcpu_get_reg(struct hvkm_vcpu *vcpu, uint32_t name, uint64_t *value)
{
	struct hvkm_register_assoc r = { .name = name };
	int ret = vcpu_get_assoc(vcpu, &r);

	*value = r.value.reg64;
	return ret;
}

int vcpu_set_reg(struct hvkm_vcpu *vcpu, uint32_t name, uint64_t value)
{
	struct hvkm_register_assoc r = { .name = name, .value.reg64 = value };

	return vcpu_set_assoc(vcpu, &r);
}

int vcpu_set_real_mode(struct hvkm_vcpu *vcpu, uint16_t cs)
{
	static const uint32_t data_segs[] = {
		HV_X64_REGISTER_DS, HV_X64_REGISTER_ES, HV_X64_REGISTER_SS,
	};
	struct hvkm_register_assoc seg = { .name = HV_X64_REGISTER_CS };
	unsigned int i;
	int ret;

	seg.value.segment.base = (uint64_t)cs << 4;
	seg.value.segment.limit = 0xffff;
	seg.value.segment.selector = cs;
	seg.value.segment.attributes = 0x9b;	/* present, code, readable, accessed */
	ret = vcpu_set_assoc(vcpu, &seg);
	for (i = 0; !ret && i < sizeof(data_segs) / sizeof(data_segs[0]); i++) {
		seg.name = data_segs[i];
		seg.value.segment.attributes = 0x93;	/* present, data, writable */
		ret = vcpu_set_assoc(vcpu, &seg);
	}
	if (!ret)
		ret = vcpu_set_reg(vcpu, HV_X64_REGISTER_RIP, 0);
	if (!ret)
		ret = vcpu_set_reg(vcpu, HV_X64_REGISTER_RSP, 0xfffe);
	return ret;
}

int vcpu_run(struct hvkm_vcpu *vcpu)
{
	return ioctl(vcpu->fd, HVKM_RUN_VP, 0) < 0 ? -errno : 0;
}
