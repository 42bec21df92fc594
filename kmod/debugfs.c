// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm: /sys/kernel/debug/hvkm/<pid>-<n>/vps, one block per VP of a
 * partition: where it runs, what waits for it (the local APIC's IRR, ISR
 * and TMR, pending flags, SynIC work) and the backend's view of its
 * interrupt state.  For finding a lost interrupt in a guest that hangs:
 * the values are read without stopping the VPs, so they are a snapshot
 * that may be torn, never a basis for decisions.
 */
#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/sched.h>
#include <linux/seq_file.h>

#include "hvkm.h"

static struct dentry *hvkm_debugfs_root;

static void hvkm_debugfs_show_vp(struct seq_file *m, struct hvkm_vp *vp)
{
	struct hvkm_lapic *apic = vp->lapic;

	seq_printf(m, "vp %u apic_id %u mode %d cpu %d halted %d%s wait_for_sipi %d pending %#lx\n",
		   vp->vp_index, vp->apic_id, READ_ONCE(vp->mode), READ_ONCE(vp->cpu),
		   READ_ONCE(vp->halted), READ_ONCE(vp->idle_wakes_masked) ? " (guest idle)" : "",
		   READ_ONCE(vp->wait_for_sipi),
		   READ_ONCE(vp->pending_flags));
	seq_printf(m, "  irr %*pb\n  isr %*pb\n  tmr %*pb\n", HVKM_LAPIC_VECTORS, apic->irr,
		   HVKM_LAPIC_VECTORS, apic->isr, HVKM_LAPIC_VECTORS, apic->tmr);
	seq_printf(m, "  tpr %#x spiv %#x lvtt %#x extint %d pending_vector %d eoi_exit %d\n",
		   apic->regs[APIC_TASKPRI / 4], apic->regs[APIC_SPIV / 4],
		   apic->regs[APIC_LVTT / 4], READ_ONCE(apic->extint_vector),
		   hvkm_lapic_pending(vp), READ_ONCE(vp->eoi_exit_vector));
	seq_printf(m, "  request_window %d immediate_exit %d exits %llu injected %llu\n",
		   READ_ONCE(vp->run->request_interrupt_window),
		   READ_ONCE(vp->run->immediate_exit), vp->stats.exits_total,
		   vp->stats.interrupts_injected);
	hvkm_synic_debugfs_show(m, vp);
	if (hvkm_vendor->debugfs_show)
		hvkm_vendor->debugfs_show(m, vp);
}

static int hvkm_debugfs_vps_show(struct seq_file *m, void *unused)
{
	struct hvkm_partition *p = m->private;
	u32 i;

	mutex_lock(&p->lock);
	for (i = 0; i < p->max_vps; i++)
		if (p->vps[i])
			hvkm_debugfs_show_vp(m, p->vps[i]);
	mutex_unlock(&p->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hvkm_debugfs_vps);

/* The directory of a new partition; an error only costs the diagnostics. */
void hvkm_debugfs_partition_add(struct hvkm_partition *p)
{
	static atomic_t seq = ATOMIC_INIT(0);
	char name[32];

	if (!hvkm_debugfs_root)
		return;
	snprintf(name, sizeof(name), "%d-%d", task_tgid_nr(current), atomic_inc_return(&seq));
	p->debugfs = debugfs_create_dir(name, hvkm_debugfs_root);
	debugfs_create_file("vps", 0400, p->debugfs, p, &hvkm_debugfs_vps_fops);
}

/* Waits for readers that are inside the show function (debugfs's file proxy). */
void hvkm_debugfs_partition_remove(struct hvkm_partition *p)
{
	debugfs_remove_recursive(p->debugfs);
	p->debugfs = NULL;
}

void hvkm_debugfs_init(void)
{
	hvkm_debugfs_root = debugfs_create_dir("hvkm", NULL);
	if (IS_ERR(hvkm_debugfs_root))
		hvkm_debugfs_root = NULL;
}

void hvkm_debugfs_exit(void)
{
	debugfs_remove_recursive(hvkm_debugfs_root);
	hvkm_debugfs_root = NULL;
}
