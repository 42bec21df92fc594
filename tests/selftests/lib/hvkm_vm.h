/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A partition with guest RAM at GPA 0 and VPs for selftests, driven through
 * the uapi.  Functions that can fail return 0 or a negative errno.
 */
#ifndef HVKM_VM_H
#define HVKM_VM_H

#include <linux/hvkm.h>
#include <stddef.h>
#include <stdint.h>

struct hvkm_vm {
	int dev_fd;
	int fd;			/* the partition */
	uint8_t *mem;		/* guest RAM, GPA 0..mem_size */
	size_t mem_size;
};

struct hvkm_vcpu {
	int fd;
	struct hvkm_run *run;	/* followed by the string I/O page */
};

/* The data of a string I/O exit. */
static inline uint8_t *vcpu_io_data(struct hvkm_vcpu *vcpu)
{
	return (uint8_t *)vcpu->run + vcpu->run->io.data_offset;
}

int vm_create(struct hvkm_vm *vm, size_t mem_size, unsigned int max_vps);
void vm_destroy(struct hvkm_vm *vm);
int vm_set_cpuid(struct hvkm_vm *vm, const struct hvkm_cpuid_entry *e, unsigned int n);

int vcpu_create(struct hvkm_vm *vm, struct hvkm_vcpu *vcpu, unsigned int index);
void vcpu_destroy(struct hvkm_vcpu *vcpu);
int vcpu_get_reg(struct hvkm_vcpu *vcpu, uint32_t name, uint64_t *value);
int vcpu_set_reg(struct hvkm_vcpu *vcpu, uint32_t name, uint64_t value);
int vcpu_set_assoc(struct hvkm_vcpu *vcpu, const struct hvkm_register_assoc *r);
int vcpu_get_assoc(struct hvkm_vcpu *vcpu, struct hvkm_register_assoc *r);
/* Real mode at CS:IP = @cs:0, with DS = ES = SS = @cs and SP at the top of the segment. */
int vcpu_set_real_mode(struct hvkm_vcpu *vcpu, uint16_t cs);
/* HVKM_RUN_VP: 0, or -errno (-EINTR for a signal). */
int vcpu_run(struct hvkm_vcpu *vcpu);

#endif /* HVKM_VM_H */
