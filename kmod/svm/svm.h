/* SPDX-License-Identifier: GPL-2.0 */
/* hvkm: what the files of the SVM backend share. */
#ifndef HVKM_SVM_H
#define HVKM_SVM_H

#include <asm/svm.h>
#include <linux/types.h>

#include "../hvkm.h"

/* Per CPU: the save areas VMRUN needs and the ASID allocator. */
struct hvkm_svm_cpu {
	struct page *hsave;	/* VM_HSAVE_PA: the CPU's own host save area */
	struct page *host_vmsave; /* host FS/GS/TR/LDTR/syscall MSRs, by VMSAVE */
	u64 asid_generation;
	u32 next_asid;
};

DECLARE_PER_CPU(struct hvkm_svm_cpu, hvkm_svm_cpu);
extern u32 hvkm_svm_max_asid;

/* Nested page tables of a partition (npt.c). */
struct hvkm_npt {
	u64 *root;
};

/* Table pages allocated before mmu_lock is taken: a walk needs at most 3. */
struct hvkm_npt_cache {
	unsigned int nr;
	void *pages[3];
};

int hvkm_npt_init(struct hvkm_npt *npt);
void hvkm_npt_destroy(struct hvkm_npt *npt);
int hvkm_npt_cache_fill(struct hvkm_npt_cache *cache);
void hvkm_npt_cache_free(struct hvkm_npt_cache *cache);
int hvkm_npt_map(struct hvkm_npt *npt, u64 gpa, unsigned long pfn, bool writable,
		 bool host_writable, bool exec, struct hvkm_npt_cache *cache);
int hvkm_npt_map_2m(struct hvkm_npt *npt, u64 gpa, unsigned long pfn, bool writable,
		    bool exec, struct hvkm_npt_cache *cache);
int hvkm_npt_map_1g(struct hvkm_npt *npt, u64 gpa, unsigned long pfn, bool writable,
		    bool exec, struct hvkm_npt_cache *cache);
bool hvkm_npt_make_writable(struct hvkm_npt *npt, u64 gpa);
bool hvkm_npt_zap(struct hvkm_npt *npt, u64 start, u64 end);
bool hvkm_npt_write_protect(struct hvkm_npt *npt, u64 start, u64 end);
/* The leaf for @gpa, or 0 when nothing is mapped there. */
u64 hvkm_npt_lookup(struct hvkm_npt *npt, u64 gpa);

/*
 * The guest's debug registers (svm_dr.c).  DR6 and DR7 are in the VMCB save
 * area; DR0-3 are not, and are loaded around VMRUN once the guest uses them.
 */
struct hvkm_svm_dr {
	u64 db[4];
	bool switched;	/* DR accesses run natively, DR0-3 follow each entry */
};

void hvkm_svm_dr_reset(struct hvkm_svm_dr *dr);
void hvkm_svm_dr_intercepted(struct hvkm_svm_dr *dr, struct vmcb *vmcb);
void hvkm_svm_dr_load(const struct hvkm_svm_dr *dr);
void hvkm_svm_dr_save(struct hvkm_svm_dr *dr);
int hvkm_svm_dr_get(const struct hvkm_svm_dr *dr, const struct vmcb *vmcb, u32 name, u64 *v);
int hvkm_svm_dr_set(struct hvkm_svm_dr *dr, struct vmcb *vmcb, u32 name, u64 v);

/* IA32_SPEC_CTRL and IA32_PRED_CMD of the guest (svm_spec_ctrl.c). */
int hvkm_svm_spec_msr_get(struct hvkm_vp *vp, const u64 *spec_ctrl, u32 msr, u64 *data);
int hvkm_svm_spec_msr_set(struct hvkm_vp *vp, u64 *spec_ctrl, u32 msr, u64 data);
int hvkm_svm_spec_reg_get(u64 spec_ctrl, u64 *v);
int hvkm_svm_spec_reg_set(u64 *spec_ctrl, u64 v);
void hvkm_svm_spec_ctrl_enter(u64 spec_ctrl);
void hvkm_svm_spec_ctrl_exit(u64 spec_ctrl);

/* The guest's general-purpose registers that the VMCB does not hold. */
#define HVKM_SVM_NR_GPRS 16

/* vmenter.S: VMLOAD/VMRUN/VMSAVE around the guest, GIF already clear. */
void __hvkm_svm_run(unsigned long vmcb_pa, unsigned long *gprs,
		    unsigned long host_vmsave_pa);
void hvkm_svm_stgi_safe(void);

/* IOPM 12 KiB, MSRPM 8 KiB (AMD APM vol. 2, 15.10.1 and 15.11). */
#define IOPM_SIZE	(3 * PAGE_SIZE)
#define MSRPM_SIZE	(2 * PAGE_SIZE)

int hvkm_svm_vp_setup(void);
void hvkm_svm_vp_cleanup(void);
int hvkm_svm_partition_init(struct hvkm_partition *p);
void hvkm_svm_partition_destroy(struct hvkm_partition *p);
bool hvkm_svm_zap_gpa_range(struct hvkm_partition *p, u64 start, u64 end);
bool hvkm_svm_write_protect_gpa_range(struct hvkm_partition *p, u64 start, u64 end);
int hvkm_svm_vp_create(struct hvkm_vp *vp);
void hvkm_svm_vp_free(struct hvkm_vp *vp);
int hvkm_svm_vp_run(struct hvkm_vp *vp);
int hvkm_svm_get_register(struct hvkm_vp *vp, struct hvkm_register_assoc *reg);
int hvkm_svm_set_register(struct hvkm_vp *vp, const struct hvkm_register_assoc *reg);
bool hvkm_svm_interruptible(struct hvkm_vp *vp);
void hvkm_svm_get_paging(struct hvkm_vp *vp, struct hvkm_paging *pg, unsigned int *cpl);
s64 hvkm_svm_get_tsc_offset(struct hvkm_vp *vp);
void hvkm_svm_debugfs_show(struct seq_file *m, struct hvkm_vp *vp);
void hvkm_svm_init_vp(struct hvkm_vp *vp, int sipi_vector);
int hvkm_svm_test_vmrun_loop(struct hvkm_vp *vp, struct hvkm_test_vmrun_loop *loop);

#endif /* HVKM_SVM_H */
