/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvkm: definitions shared by the common code and the vendor backends.
 */
#ifndef HVKM_H
#define HVKM_H

#include <linux/hvkm.h>
#include <linux/kref.h>
#include <linux/mmu_notifier.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>

struct dentry;
struct seq_file;

#include "lapic/lapic.h"
#include "synic/synic.h"
#include "tlfs/tlfs.h"

struct mm_struct;
struct xregs_state;

/* General-purpose registers, numbered as instructions encode them. */
enum hvkm_gpr {
	HVKM_RAX, HVKM_RCX, HVKM_RDX, HVKM_RBX, HVKM_RSP, HVKM_RBP, HVKM_RSI, HVKM_RDI,
	HVKM_R8, HVKM_R9, HVKM_R10, HVKM_R11, HVKM_R12, HVKM_R13, HVKM_R14, HVKM_R15,
};

#define HVKM_NR_MEMORY_SLOTS	32
/* Guest physical addresses hvkm maps: what 4-level nested paging covers. */
#define HVKM_GPA_BITS		48

struct hvkm_memory_slot {
	u64 gpa;
	u64 size;		/* 0: slot unused */
	u64 uaddr;
	u32 flags;		/* HVKM_MEM_* */
	/* HVKM_MEM_LOG_DIRTY: pages written since the last read, under mmu_lock. */
	unsigned long *dirty;
};

/*
 * A guest partition: its memory map, its VPs and what CPUID answers.  It
 * belongs to the process (mm) that created it; other processes get -EIO.
 * Partition fd and VP fds each hold a reference.
 */
struct hvkm_partition {
	struct kref kref;
	struct mm_struct *mm;
	/* Protects slots, vps, nr_vps and cpuid. */
	struct mutex lock;
	struct hvkm_memory_slot slots[HVKM_NR_MEMORY_SLOTS];
	u32 max_vps;
	u32 nr_vps;
	struct hvkm_vp **vps;
	struct hvkm_cpuid_entry *cpuid;
	u32 cpuid_nent;
	/* MSRs whose accesses exit to the VMM (HVKM_SET_MSR_EXITS). */
	u32 *msr_exits;
	u32 nr_msr_exits;
	/* TLFS HV_PARTITION_PRIVILEGE_MASK, set by the VMM before VPs exist. */
	u64 privileges;
	/* The hypervisor interface the guest sees (tlfs/). */
	struct hvkm_hv_partition hv;
	/* SynIC connections and routes (synic/). */
	struct hvkm_synic_partition synic;
	/*
	 * The backend's nested page tables.  They map the VMM's pages without
	 * holding them: the MMU notifier zaps entries before the kernel frees,
	 * moves or swaps a page.  mmu_lock protects the tables and the
	 * invalidation counters, which a fault checks before it maps a page it
	 * looked up without the lock.
	 */
	spinlock_t mmu_lock;
	struct mmu_notifier mmu_notifier;
	unsigned long mmu_invalidate_seq;
	long mmu_invalidate_in_progress;
	/* Bumped when translations were removed: VPs take a fresh ASID/VPID. */
	unsigned long tlb_generation;
	/* Level-triggered vectors whose EOI exits to the VMM (HVKM_SET_EOI_EXITS). */
	unsigned long eoi_exits[BITS_TO_LONGS(256)];
	/* eventfd -> MSI routes (irqfd.c); irqfd_lock serialises changes. */
	struct mutex irqfd_lock;
	struct list_head irqfds;
	unsigned int nr_irqfds;
	/* /sys/kernel/debug/hvkm/<pid>-<n> (debugfs.c), or NULL. */
	struct dentry *debugfs;
	void *arch;
};

/* Architectural MSRs kept by the common code (msr.c). */
struct hvkm_vp_msrs {
	u64 apic_base;
	u64 mtrr_def_type;
	u64 mtrr_fixed[11];
	u64 mtrr_var[16];	/* PhysBase0, PhysMask0, ... PhysMask7 */
};

#define HVKM_PENDING_NMI	0
/* Drop the VP's cached guest translations before it next runs. */
#define HVKM_PENDING_TLB_FLUSH	1
/* An INIT, a SIPI from the local APIC (lapic_irq.c), handled by the run loop. */
#define HVKM_PENDING_INIT	2
#define HVKM_PENDING_SIPI	3
/* SynIC work from atomic context (timers, eventfd routes): synic/synic.c. */
#define HVKM_PENDING_SYNIC	4

enum {
	HVKM_OUTSIDE_GUEST,
	HVKM_IN_GUEST,
};

/* A virtual processor; its fd holds a reference to the partition. */
struct hvkm_vp {
	struct hvkm_partition *partition;
	u32 vp_index;
	u32 apic_id;
	struct hvkm_run *run;	/* the page userspace maps */
	void *io_data;		/* string I/O data: the second page of the mapping */
	/* One RUN or register access at a time. */
	struct mutex run_lock;
	bool halted;
	/*
	 * Halted by a read of HV_X64_MSR_GUEST_IDLE: any interrupt wakes it,
	 * masked or not (TLFS 7.5 "Virtual Processor Idle Sleep State").
	 */
	bool idle_wakes_masked;
	wait_queue_head_t wq;	/* where a halted VP sleeps */
	struct hvkm_vp_msrs msrs;
	struct hvkm_hv_vp hv;
	struct hvkm_vp_stats stats;
	/*
	 * TSC cycles in the guest: the TSC counts finely on one CPU even where
	 * it is not trusted across CPUs and local_clock() falls back to jiffies.
	 */
	u64 guest_tsc;
	/* The guest's x87/SSE/AVX state while the host's is loaded (fpu.c). */
	struct xregs_state *xsave;
	/* The local APIC (lapic/): interrupts wait in its IRR. */
	struct hvkm_lapic *lapic;
	/* The SynIC and synthetic timers (synic/). */
	struct hvkm_synic *synic;
	/* After INIT an application processor waits for a SIPI. */
	bool wait_for_sipi;
	unsigned long pending_flags;	/* HVKM_PENDING_* bits, set from any thread */
	/* A level-triggered vector the guest EOIed that the VMM wants to hear of, or -1. */
	int eoi_exit_vector;
	/* Where the VP runs, for kicks: IN_GUEST between entry and exit. */
	int mode;
	int cpu;
	void *arch;
};

/* The guest registers that decide how it translates addresses. */
struct hvkm_paging {
	u64 cr0, cr3, cr4, efer;
};

/* What the hardware offers, filled in by the vendor backend at load. */
struct hvkm_host_caps {
	u32 vendor;		/* HVKM_VENDOR_* */
	u32 nr_asids;		/* SVM ASIDs or VMX VPIDs */
	u32 max_vps;		/* per partition: the max_vps parameter */
	u32 xsave_size;		/* bytes of a VP's XSAVE image */
};

extern unsigned int hvkm_max_vps;

/*
 * A hardware virtualization backend (kmod/svm/, kmod/vmx/).  The common code
 * calls these; the backend never calls the common code back for them.
 *
 * @hardware_setup: check on the calling CPU that the hardware can run hvkm,
 *	fill @caps; -ENODEV (not capable) or -EBUSY (owned by someone else) with
 *	one log line saying what is wrong.
 * @hardware_unsetup: undo a successful @hardware_setup.
 * @cpu_prepare/@cpu_release: allocate/free per-CPU resources; may sleep.
 * @enable_cpu: turn virtualization on for this CPU; interrupts are off.
 *	-EBUSY if another hypervisor already holds this CPU.
 * @disable_cpu: turn it off again; interrupts are off.
 * @emergency_disable_cpu: the same from a crash or emergency reboot, in NMI
 *	context, without locks and regardless of who enabled it.
 */
struct hvkm_vendor_ops {
	const char *name;
	int (*hardware_setup)(struct hvkm_host_caps *caps);
	void (*hardware_unsetup)(void);
	int (*cpu_prepare)(unsigned int cpu);
	void (*cpu_release)(unsigned int cpu);
	int (*enable_cpu)(void);
	void (*disable_cpu)(void);
	void (*emergency_disable_cpu)(void);

	int (*partition_init)(struct hvkm_partition *p);
	void (*partition_destroy)(struct hvkm_partition *p);
	/* Remove the nested mappings of [start, end); mmu_lock held. */
	bool (*zap_gpa_range)(struct hvkm_partition *p, u64 start, u64 end);
	/* Make the mappings of [start, end) read-only; mmu_lock held. */
	bool (*write_protect_gpa_range)(struct hvkm_partition *p, u64 start, u64 end);
	int (*vp_create)(struct hvkm_vp *vp);
	void (*vp_free)(struct hvkm_vp *vp);
	int (*vp_run)(struct hvkm_vp *vp);
	int (*get_register)(struct hvkm_vp *vp, struct hvkm_register_assoc *reg);
	int (*set_register)(struct hvkm_vp *vp, const struct hvkm_register_assoc *reg);
	int (*test_vmrun_loop)(struct hvkm_vp *vp, struct hvkm_test_vmrun_loop *loop);
	/* Whether the (not running) VP would take an interrupt now. */
	bool (*interruptible)(struct hvkm_vp *vp);
	/* The registers that decide paging, and the current privilege level. */
	void (*get_paging)(struct hvkm_vp *vp, struct hvkm_paging *pg, unsigned int *cpl);
	/* What the VP's TSC adds to the host's. */
	s64 (*get_tsc_offset)(struct hvkm_vp *vp);
	/*
	 * INIT (SDM 10.4.7.3): the registers as after reset; with
	 * @sipi_vector >= 0 the state a SIPI starts the VP in: real mode at
	 * vector * 0x1000.
	 */
	void (*init_vp)(struct hvkm_vp *vp, int sipi_vector);
	/* debugfs: the backend's interrupt state of a VP, read racily. */
	void (*debugfs_show)(struct seq_file *m, struct hvkm_vp *vp);
};

/*
 * What one vp_run() call decided: go round again, or return to userspace
 * with hvkm_run filled in.
 */
enum hvkm_exit_action {
	HVKM_RESUME = 0,
	HVKM_EXIT_TO_USER = 1,
};

extern const struct hvkm_vendor_ops hvkm_svm_ops;
extern const struct hvkm_vendor_ops hvkm_vmx_ops;

/* The backend chosen at load and what it found. */
extern const struct hvkm_vendor_ops *hvkm_vendor;
extern struct hvkm_host_caps hvkm_caps;

/* caps.c */
const struct hvkm_vendor_ops *hvkm_pick_vendor(u8 x86_vendor);
long hvkm_check_extension(const struct hvkm_host_caps *caps, unsigned long ext);

/* debugfs.c: a snapshot of each partition's VPs for diagnostics */
void hvkm_debugfs_init(void);
void hvkm_debugfs_exit(void);
void hvkm_debugfs_partition_add(struct hvkm_partition *p);
void hvkm_debugfs_partition_remove(struct hvkm_partition *p);

/* virt.c: virtualization on every online CPU, following hotplug and reboot */
int hvkm_virt_enable_all(void);
void hvkm_virt_disable_all(void);

/* partition.c */
int hvkm_partition_create(const struct hvkm_create_partition __user *arg);
void hvkm_partition_put(struct hvkm_partition *p);
/* slot.c */
const struct hvkm_memory_slot *hvkm_slots_find(const struct hvkm_memory_slot *slots,
					       unsigned int n, u64 gpa);
bool hvkm_slots_overlap(const struct hvkm_memory_slot *slots, unsigned int n,
			unsigned int except, u64 gpa, u64 size);
bool hvkm_region_shape_valid(const struct hvkm_memory_region *r);

const struct hvkm_memory_slot *hvkm_slot_find(struct hvkm_partition *p, u64 gpa);
const struct hvkm_memory_slot *hvkm_slot_find_locked(struct hvkm_partition *p, u64 gpa);

/* memory.c: following the VMM's address space */
int hvkm_memory_init(struct hvkm_partition *p);
void hvkm_memory_destroy(struct hvkm_partition *p);
int hvkm_memory_set_slot(struct hvkm_partition *p, unsigned int index,
			 const struct hvkm_memory_slot *slot);
void hvkm_memory_free_slots(struct hvkm_partition *p);
void hvkm_partition_flush_tlb(struct hvkm_partition *p);
enum pg_level hvkm_host_page_level(struct mm_struct *mm, unsigned long hva);
int hvkm_get_dirty_log(struct hvkm_partition *p, const struct hvkm_dirty_log __user *arg);

/* vp.c */
int hvkm_vp_create(struct hvkm_partition *p, const struct hvkm_create_vp __user *arg);
/* Sleep until the halted VP has work, or a signal: -EINTR. */
int hvkm_vp_halt(struct hvkm_vp *vp);
/* Make the VP notice new pending work: wake it, or make it leave the guest. */
void hvkm_vp_kick(struct hvkm_vp *vp);
/* The same, and return only once the VP is out of the guest or will see the work. */
void hvkm_vp_kick_sync(struct hvkm_vp *vp);
bool hvkm_vp_irq_pending(struct hvkm_vp *vp);
u64 hvkm_vp_guest_ns(struct hvkm_vp *vp);

/* fpu.c */
int hvkm_fpu_setup(void);
int hvkm_fpu_alloc(struct hvkm_vp *vp);
void hvkm_fpu_free(struct hvkm_vp *vp);
void hvkm_fpu_load_guest(struct hvkm_vp *vp);
void hvkm_fpu_save_guest(struct hvkm_vp *vp);
int hvkm_fpu_get(struct hvkm_vp *vp, struct hvkm_xsave __user *arg);
int hvkm_fpu_set(struct hvkm_vp *vp, const struct hvkm_xsave __user *arg);
void hvkm_fpu_read_xmm(struct hvkm_vp *vp, u8 *buf, unsigned int nregs);
extern unsigned int hvkm_xsave_size;

/* translate.c */
int hvkm_translate_gva(struct hvkm_vp *vp, struct hvkm_translate_gva __user *arg);

/* property.c */
int hvkm_partition_property(struct hvkm_partition *p,
			    struct hvkm_partition_property __user *arg, bool set);

/* interrupt.c */
void hvkm_vp_deliver_irq(struct hvkm_vp *vp, u8 vector, bool auto_eoi);
int hvkm_assert_interrupt(struct hvkm_partition *p,
			  const struct hvkm_assert_interrupt __user *arg);
int hvkm_eoi_exits_set(struct hvkm_partition *p, const struct hvkm_eoi_exits __user *arg);

/* msi.c */
int hvkm_msi_decode(const struct hvkm_msi *msi, struct hvkm_lapic_irq *irq);
int hvkm_signal_msi(struct hvkm_partition *p, const struct hvkm_msi __user *arg);

/* irqfd.c */
void hvkm_irqfd_init(struct hvkm_partition *p);
int hvkm_irqfd(struct hvkm_partition *p, const struct hvkm_irqfd __user *arg);
void hvkm_irqfd_release_all(struct hvkm_partition *p);

/* guest_mem.c: guest memory as the kernel reads it */

/* A translation and the access rights all its levels allow. */
struct hvkm_walk {
	u64 gpa;
	bool writable;
	bool user;
	bool nx;
};

int hvkm_read_guest(struct hvkm_partition *p, u64 gpa, void *buf, unsigned int len);
int hvkm_write_guest(struct hvkm_partition *p, u64 gpa, const void *buf, unsigned int len);
void hvkm_mark_dirty(struct hvkm_partition *p, u64 gpa, unsigned int len);
int hvkm_walk_gva(struct hvkm_partition *p, const struct hvkm_paging *pg, u64 gva,
		  struct hvkm_walk *w);
int hvkm_gva_to_gpa(struct hvkm_partition *p, const struct hvkm_paging *pg,
		    u64 gva, u64 *gpa);
unsigned int hvkm_fetch_guest(struct hvkm_partition *p, const struct hvkm_paging *pg,
			      u64 gva, u8 *buf, unsigned int len);
int hvkm_store_guest(struct hvkm_partition *p, const struct hvkm_paging *pg,
		     u64 gva, const u8 *buf, unsigned int len);

/* msr.c: 0, or -EINVAL for an unknown MSR or a bad value (#GP) */
void hvkm_msrs_reset(struct hvkm_vp *vp);
int hvkm_msr_get(struct hvkm_vp *vp, u32 msr, u64 *data);
int hvkm_msr_set(struct hvkm_vp *vp, u32 msr, u64 data);
int hvkm_msr_exits_set(struct hvkm_partition *p, const struct hvkm_msr_exits __user *arg);
bool hvkm_msr_exits_to_vmm(struct hvkm_partition *p, u32 msr);

/* cpuid.c */
int hvkm_cpuid_set(struct hvkm_partition *p, const struct hvkm_cpuid __user *arg);
void hvkm_cpuid_answer(struct hvkm_vp *vp, u32 function, u32 index, u32 *regs);
const struct hvkm_cpuid_entry *hvkm_cpuid_find(const struct hvkm_cpuid_entry *table,
					       u32 nent, u32 function, u32 index);

/* dev.c: /dev/hvkm */
int hvkm_dev_register(void);
void hvkm_dev_unregister(void);

#endif /* HVKM_H */
