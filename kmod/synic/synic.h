/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvkm: the synthetic interrupt controller (TLFS "Inter-Partition
 * Communication": SynIC messages and event flags), the synthetic timers
 * (TLFS "Timers") and the connections through which the guest and the VMM
 * exchange messages and events without a VP exit.
 *
 * Guest pages (SIMP, SIEFP) are written only from the VMM's process (the VP
 * thread or a partition ioctl), where guest RAM is the caller's memory.
 * Sources in atomic context (hrtimers, eventfd wake-ups) only record work
 * in the VP's pending bits and kick it; the VP thread does the rest before
 * it enters the guest (hvkm_synic_run_pending()).
 */
#ifndef HVKM_SYNIC_H
#define HVKM_SYNIC_H

#include <asm/hyperv-tlfs.h>
#include <linux/hrtimer.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>

struct hvkm_partition;
struct hvkm_vp;
struct file;
struct poll_table_struct;
struct hvkm_register_assoc;

/* SINTx bit 18 (TLFS "SINTx Registers"): no interrupt, the guest polls. */
#define HVKM_SINT_POLLING	BIT_ULL(18)
/* The value of every SINTx at VP creation: masked. */
#define HVKM_SINT_DEFAULT	HV_SYNIC_SINT_MASKED
/* Guest message buffers per port (TLFS "Guest Message Buffers"). */
#define HVKM_PORT_BUFFERS	16

struct hvkm_stimer {
	struct hvkm_vp *vp;
	unsigned int index;
	/* STIMERn_CONFIG; the hrtimer clears Enable of a one-shot: atomic bitops. */
	unsigned long config;
	u64 count;
	/* Reference time (100 ns) of the next expiration. */
	u64 expiration;
	/* The expiration the pending message reports. */
	u64 msg_expiration;
	/* Expired, and its message is not in the slot yet (VP thread only). */
	bool msg_pending;
	/*
	 * The expiration of the last message that reached the slot, so that
	 * an EOM and the expiry bit naming the same expiration send it once.
	 */
	bool delivered_valid;
	u64 delivered;
	struct hrtimer timer;
};

struct hvkm_synic {
	/* Serializes writes to the SIMP/SIEFP pages between VP and VMM threads. */
	struct mutex lock;
	u64 control;		/* SCONTROL */
	u64 siefp;
	u64 simp;
	u64 sint[HV_SYNIC_SINT_COUNT];
	/* Work from atomic context, for the VP thread (set with atomic bitops). */
	unsigned long stimer_expired;	/* timer bits */
	unsigned long raise_sints;	/* SINT bits: an interrupt, no flag */
	unsigned long flag_sints;	/* SINT bits with bits in @flags */
	unsigned long *flags;		/* HV_SYNIC_SINT_COUNT * HV_EVENT_FLAGS_COUNT */
	/* SINT bits whose slot a VMM post found busy: EOM notifies the VMM. */
	unsigned long host_waiting;
	struct hvkm_stimer stimer[HV_SYNIC_STIMER_COUNT];
};

/* Partition-wide: connections, routes, and which VPs atomic sources may reach. */
struct hvkm_synic_partition {
	/* Protects the lists; taken in VP threads and ioctls, never in atomic context. */
	struct mutex lock;
	struct list_head eventfds;	/* struct hvkm_conn_eventfd */
	struct list_head ports;		/* struct hvkm_port */
	struct list_head routes;	/* struct hvkm_sint_route */
	/* Protects @vps for eventfd wake-ups, which may come with IRQs off. */
	spinlock_t vps_lock;
	struct hvkm_vp **vps;
	/* Partition fd poll(): EPOLLOUT once a busy slot was freed (uapi.md). */
	wait_queue_head_t slot_wq;
	bool slot_freed;
};

/* synic/synic.c */
int hvkm_synic_partition_init(struct hvkm_partition *p);
void hvkm_synic_partition_destroy(struct hvkm_partition *p);
int hvkm_synic_vp_create(struct hvkm_vp *vp);
void hvkm_synic_vp_publish(struct hvkm_vp *vp, bool present);
void hvkm_synic_vp_free(struct hvkm_vp *vp);
/* 0, -ENOENT (not a SynIC/stimer MSR), -EINVAL (#GP) */
int hvkm_synic_msr_get(struct hvkm_vp *vp, u32 msr, u64 *data);
int hvkm_synic_msr_set(struct hvkm_vp *vp, u32 msr, u64 data);
bool hvkm_synic_has_work(struct hvkm_vp *vp);
struct seq_file;
void hvkm_synic_debugfs_show(struct seq_file *m, struct hvkm_vp *vp);
void hvkm_synic_run_pending(struct hvkm_vp *vp);
int hvkm_synic_post(struct hvkm_vp *vp, u32 sint, const struct hv_message *msg);
int hvkm_synic_signal_flag(struct hvkm_vp *vp, u32 sint, u32 flag);
/* From any context: record an event flag (or just an interrupt) for the VP thread. */
void hvkm_synic_defer_signal(struct hvkm_partition *p, u32 vp_index, u32 sint, int flag);

/* synic/state.c: the registers by TLFS name for the VMM; -ENOENT: not one of them */
int hvkm_synic_get_register(struct hvkm_vp *vp, struct hvkm_register_assoc *reg);
int hvkm_synic_set_register(struct hvkm_vp *vp, const struct hvkm_register_assoc *reg);

/* synic/synic_slot.c (pure): one SIM slot */
int hvkm_synic_slot_fill(struct hv_message *slot, const struct hv_message *msg);
bool hvkm_synic_stimer_config_valid(u64 config);

/* synic/stimer.c */
void hvkm_stimer_init(struct hvkm_vp *vp, unsigned int index);
void hvkm_stimer_cancel(struct hvkm_stimer *t);
int hvkm_stimer_set_config(struct hvkm_stimer *t, u64 config);
void hvkm_stimer_set_count(struct hvkm_stimer *t, u64 count, bool guest);
void hvkm_stimer_deliver(struct hvkm_stimer *t);

/* synic/connection.c: hypercalls and partition ioctls */
u16 hvkm_synic_hc_post_message(struct hvkm_vp *vp, const u8 *in);
u16 hvkm_synic_hc_signal_event(struct hvkm_vp *vp, u64 in);
long hvkm_synic_ioctl(struct hvkm_partition *p, unsigned int cmd, void __user *arg);
__poll_t hvkm_synic_poll(struct hvkm_partition *p, struct file *file,
			 struct poll_table_struct *wait);
void hvkm_synic_connections_destroy(struct hvkm_partition *p);

#endif /* HVKM_SYNIC_H */
