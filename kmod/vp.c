// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm: virtual processors.  A VP fd runs the VP (HVKM_RUN_VP), reads and
 * writes its registers by TLFS name, and maps its run page.
 */
#include <asm/tsc.h>
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "hvkm.h"

static bool test_hooks;
module_param(test_hooks, bool, 0444);
MODULE_PARM_DESC(test_hooks, "Allow test-only ioctls (benchmarks); never on a production host");

bool hvkm_vp_irq_pending(struct hvkm_vp *vp)
{
	return hvkm_lapic_pending(vp) >= 0;
}

/*
 * HLT ends with an NMI, INIT or SIPI, or an interrupt the VP would take (IF=1).
 * An interrupt window the VMM asked for counts as one: it holds an interrupt
 * (the 8259's, say) for the window, and a guest that halts right after STI
 * (Linux's idle loop) opens it only once halted.  The guest idle state ends
 * with an interrupt even while IF=0 (TLFS 7.5).
 */
static bool hvkm_vp_has_work(struct hvkm_vp *vp)
{
	return test_bit(HVKM_PENDING_NMI, &vp->pending_flags) ||
	       hvkm_synic_has_work(vp) ||
	       hvkm_lapic_has_init_sipi(vp) ||
	       ((hvkm_vp_irq_pending(vp) || READ_ONCE(vp->run->request_interrupt_window)) &&
		(vp->idle_wakes_masked || hvkm_vendor->interruptible(vp)));
}

/*
 * INIT and SIPI (SDM 8.4, 10.4.7.3): INIT puts the VP in its reset state
 * with the local APIC reset; an application processor then waits for a
 * SIPI, which starts it in real mode at vector * 4 KiB.  0, or -EINTR when
 * a signal ends the wait.
 */
static int hvkm_vp_init_sipi(struct hvkm_vp *vp)
{
	bool bsp = vp->msrs.apic_base & BIT_ULL(8);

	for (;;) {
		if (test_and_clear_bit(HVKM_PENDING_INIT, &vp->pending_flags)) {
			hvkm_vendor->init_vp(vp, -1);
			hvkm_lapic_reset(vp);
			clear_bit(HVKM_PENDING_NMI, &vp->pending_flags);
			vp->halted = false;
			vp->idle_wakes_masked = false;
			vp->wait_for_sipi = !bsp;
		}
		if (!vp->wait_for_sipi)
			break;
		if (test_and_clear_bit(HVKM_PENDING_SIPI, &vp->pending_flags)) {
			hvkm_vendor->init_vp(vp, READ_ONCE(vp->lapic->sipi_vector));
			vp->wait_for_sipi = false;
			break;
		}
		if (wait_event_interruptible(vp->wq, hvkm_lapic_has_init_sipi(vp)))
			return -EINTR;
	}
	/* A SIPI to a VP that is not waiting for one is ignored. */
	clear_bit(HVKM_PENDING_SIPI, &vp->pending_flags);
	return 0;
}

/* 0: the VP runs again; -EAGAIN: SynIC work to do first, then maybe halt again. */
int hvkm_vp_halt(struct hvkm_vp *vp)
{
	if (wait_event_interruptible(vp->wq, hvkm_vp_has_work(vp)))
		return -EINTR;
	if (hvkm_synic_has_work(vp))
		return -EAGAIN;
	vp->halted = false;
	vp->idle_wakes_masked = false;
	return 0;
}

static void hvkm_vp_kick_ipi(void *unused)
{
	/* The interrupt itself made the guest exit; nothing else to do. */
}

/*
 * Called after pending work was set, from any context (hrtimer callbacks
 * too).  The VP checks for work with interrupts off after announcing
 * IN_GUEST, so either it sees the work, or this sees IN_GUEST and the
 * reschedule IPI makes it leave the guest.
 */
void hvkm_vp_kick(struct hvkm_vp *vp)
{
	/* Pairs with the smp_mb() after the VP sets IN_GUEST. */
	smp_mb__after_atomic();
	wake_up_interruptible(&vp->wq);
	if (READ_ONCE(vp->mode) == HVKM_IN_GUEST)
		smp_send_reschedule(READ_ONCE(vp->cpu));
}

/*
 * For work that must take effect before the caller goes on (a TLB flush):
 * when this returns, the VP has left the guest, or it will see the work
 * before it enters again.
 */
void hvkm_vp_kick_sync(struct hvkm_vp *vp)
{
	/* Pairs with the smp_mb() after the VP sets IN_GUEST, as in hvkm_vp_kick(). */
	smp_mb__after_atomic();
	wake_up_interruptible(&vp->wq);
	if (READ_ONCE(vp->mode) == HVKM_IN_GUEST)
		smp_call_function_single(READ_ONCE(vp->cpu), hvkm_vp_kick_ipi, NULL, 1);
}

static int hvkm_vp_run(struct hvkm_vp *vp)
{
	struct hvkm_run *run = vp->run;
	int ret;

	for (;;) {
		if (READ_ONCE(run->immediate_exit) || signal_pending(current)) {
			run->exit_reason = HVKM_EXIT_INTR;
			return -EINTR;
		}
		if (vp->wait_for_sipi || hvkm_lapic_has_init_sipi(vp)) {
			if (hvkm_vp_init_sipi(vp))
				continue;
		}
		/* Timer messages and routed events reach the guest's pages first. */
		hvkm_synic_run_pending(vp);
		if (vp->halted) {
			ret = hvkm_vp_halt(vp);
			if (ret)
				continue;
		}
		ret = hvkm_vendor->vp_run(vp);
		if (ret < 0)
			return ret;
		if (ret == HVKM_EXIT_TO_USER)
			return 0;
		/*
		 * An EOI completes inside the exit that performed it, which never
		 * needs userspace itself, so the run page is free to report it.
		 */
		if (vp->eoi_exit_vector >= 0) {
			run->exit_reason = HVKM_EXIT_EOI;
			memset(&run->eoi, 0, sizeof(run->eoi));
			run->eoi.vector = vp->eoi_exit_vector;
			vp->eoi_exit_vector = -1;
			return 0;
		}
		cond_resched();
	}
}

static int hvkm_vp_registers(struct hvkm_vp *vp, struct hvkm_registers __user *arg,
			     bool set)
{
	struct hvkm_register_assoc *regs;
	struct hvkm_registers req;
	u32 i;
	int ret = 0;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.reserved || !req.count)
		return -EINVAL;
	if (req.count > HVKM_MAX_REGISTERS)
		return -E2BIG;
	regs = memdup_user(u64_to_user_ptr(req.regs), array_size(req.count, sizeof(*regs)));
	if (IS_ERR(regs))
		return PTR_ERR(regs);

	for (i = 0; i < req.count && !ret; i++) {
		if (regs[i].reserved)
			ret = -EINVAL;
		else if (set)
			ret = hvkm_synic_set_register(vp, &regs[i]);
		else
			ret = hvkm_synic_get_register(vp, &regs[i]);
		if (ret == -ENOENT)
			ret = set ? hvkm_vendor->set_register(vp, &regs[i]) :
				    hvkm_vendor->get_register(vp, &regs[i]);
	}
	if (!ret && !set &&
	    copy_to_user(u64_to_user_ptr(req.regs), regs, array_size(req.count, sizeof(*regs))))
		ret = -EFAULT;
	kfree(regs);
	return ret;
}

static int hvkm_vp_test_vmrun_loop(struct hvkm_vp *vp,
				   struct hvkm_test_vmrun_loop __user *arg)
{
	struct hvkm_test_vmrun_loop loop;
	int ret;

	if (!test_hooks)
		return -EPERM;
	if (copy_from_user(&loop, arg, sizeof(loop)))
		return -EFAULT;
	if (!loop.iterations || loop.iterations > 10000000)
		return -EINVAL;
	ret = hvkm_vendor->test_vmrun_loop(vp, &loop);
	if (!ret && copy_to_user(arg, &loop, sizeof(loop)))
		ret = -EFAULT;
	return ret;
}

/* Time the VP spent in guest mode (HV_X64_MSR_VP_RUNTIME, the statistics). */
u64 hvkm_vp_guest_ns(struct hvkm_vp *vp)
{
	return tsc_khz ? mul_u64_u32_div(vp->guest_tsc, USEC_PER_SEC, tsc_khz) : 0;
}

static int hvkm_vp_get_stats(struct hvkm_vp *vp, struct hvkm_vp_stats __user *arg)
{
	vp->stats.guest_ns = hvkm_vp_guest_ns(vp);
	return copy_to_user(arg, &vp->stats, sizeof(vp->stats)) ? -EFAULT : 0;
}

static long hvkm_vp_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct hvkm_vp *vp = file->private_data;
	void __user *uarg = (void __user *)arg;
	long ret;

	if (current->mm != vp->partition->mm)
		return -EIO;
	switch (cmd) {
	case HVKM_RUN_VP:
	case HVKM_GET_REGISTERS:
	case HVKM_SET_REGISTERS:
	case HVKM_TEST_VMRUN_LOOP:
	case HVKM_GET_VP_STATS:
	case HVKM_GET_XSAVE:
	case HVKM_SET_XSAVE:
	case HVKM_TRANSLATE_GVA:
	case HVKM_GET_LAPIC:
	case HVKM_SET_LAPIC:
		break;
	default:
		return -ENOTTY;
	}
	if (mutex_lock_killable(&vp->run_lock))
		return -EINTR;
	switch (cmd) {
	case HVKM_RUN_VP:
		ret = arg ? -EINVAL : hvkm_vp_run(vp);
		/* No EOI stays left to the VP assist page while the VMM looks. */
		hvkm_hv_lazy_eoi_cancel(vp);
		break;
	case HVKM_GET_REGISTERS:
		ret = hvkm_vp_registers(vp, uarg, false);
		break;
	case HVKM_TEST_VMRUN_LOOP:
		ret = hvkm_vp_test_vmrun_loop(vp, uarg);
		break;
	case HVKM_GET_VP_STATS:
		ret = hvkm_vp_get_stats(vp, uarg);
		break;
	case HVKM_GET_XSAVE:
		ret = hvkm_fpu_get(vp, uarg);
		break;
	case HVKM_SET_XSAVE:
		ret = hvkm_fpu_set(vp, uarg);
		break;
	case HVKM_TRANSLATE_GVA:
		ret = hvkm_translate_gva(vp, uarg);
		break;
	case HVKM_SET_REGISTERS:
		ret = hvkm_vp_registers(vp, uarg, true);
		break;
	case HVKM_GET_LAPIC:
		ret = hvkm_lapic_get_state(vp, uarg);
		break;
	case HVKM_SET_LAPIC:
		ret = hvkm_lapic_set_state(vp, uarg);
		break;
	default:
		ret = -ENOTTY;	/* not reached: only the commands above get here */
		break;
	}
	mutex_unlock(&vp->run_lock);
	return ret;
}

static vm_fault_t hvkm_vp_fault(struct vm_fault *vmf)
{
	struct hvkm_vp *vp = vmf->vma->vm_file->private_data;
	struct page *page;

	if (vmf->pgoff > 1)
		return VM_FAULT_SIGBUS;
	page = virt_to_page(vmf->pgoff ? vp->io_data : (void *)vp->run);
	get_page(page);
	vmf->page = page;
	return 0;
}

static const struct vm_operations_struct hvkm_vp_vm_ops = {
	.fault = hvkm_vp_fault,
};

static int hvkm_vp_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct hvkm_vp *vp = file->private_data;

	if (current->mm != vp->partition->mm)
		return -EIO;
	if (vma->vm_pgoff || vma->vm_end - vma->vm_start > HVKM_RUN_MMAP_SIZE)
		return -EINVAL;
	vma->vm_ops = &hvkm_vp_vm_ops;
	return 0;
}

/* The VP's own memory; safe on a VP whose allocation stopped half way. */
static void hvkm_vp_free_memory(struct hvkm_vp *vp)
{
	hvkm_synic_vp_free(vp);
	hvkm_lapic_free(vp);
	hvkm_fpu_free(vp);
	free_page((unsigned long)vp->io_data);
	free_page((unsigned long)vp->run);
	kfree(vp);
}

static void hvkm_vp_free(struct hvkm_vp *vp)
{
	struct hvkm_partition *p = vp->partition;

	hvkm_synic_vp_publish(vp, false);
	mutex_lock(&p->lock);
	spin_lock(&p->mmu_lock);
	p->vps[vp->vp_index] = NULL;
	spin_unlock(&p->mmu_lock);
	p->nr_vps--;
	mutex_unlock(&p->lock);
	hvkm_vendor->vp_free(vp);
	hvkm_vp_free_memory(vp);
	hvkm_partition_put(p);
}

static int hvkm_vp_release(struct inode *inode, struct file *file)
{
	hvkm_vp_free(file->private_data);
	return 0;
}

static const struct file_operations hvkm_vp_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = hvkm_vp_ioctl,
	.mmap = hvkm_vp_mmap,
	.release = hvkm_vp_release,
	.llseek = noop_llseek,
};

int hvkm_vp_create(struct hvkm_partition *p, const struct hvkm_create_vp __user *arg)
{
	struct hvkm_create_vp req;
	struct hvkm_vp *vp;
	int ret;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.flags || memchr_inv(req.reserved, 0, sizeof(req.reserved)))
		return -EINVAL;
	if (req.vp_index >= p->max_vps)
		return -EINVAL;

	vp = kzalloc(sizeof(*vp), GFP_KERNEL_ACCOUNT);
	if (!vp)
		return -ENOMEM;
	vp->run = (struct hvkm_run *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	vp->io_data = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	ret = vp->run && vp->io_data ? hvkm_fpu_alloc(vp) : -ENOMEM;
	if (ret) {
		hvkm_vp_free_memory(vp);
		return ret;
	}
	vp->partition = p;
	vp->vp_index = req.vp_index;
	vp->apic_id = req.apic_id;
	mutex_init(&vp->run_lock);
	init_waitqueue_head(&vp->wq);
	vp->eoi_exit_vector = -1;
	hvkm_msrs_reset(vp);
	hvkm_hv_vp_init(vp);
	ret = hvkm_lapic_create(vp);
	if (!ret)
		ret = hvkm_synic_vp_create(vp);
	if (ret) {
		hvkm_vp_free_memory(vp);
		return ret;
	}
	vp->mode = HVKM_OUTSIDE_GUEST;
	vp->cpu = -1;

	mutex_lock(&p->lock);
	if (p->vps[req.vp_index]) {
		ret = -EEXIST;
		goto err_unlock;
	}
	ret = hvkm_vendor->vp_create(vp);
	if (ret)
		goto err_unlock;
	spin_lock(&p->mmu_lock);
	p->vps[req.vp_index] = vp;
	spin_unlock(&p->mmu_lock);
	p->nr_vps++;
	kref_get(&p->kref);
	mutex_unlock(&p->lock);
	hvkm_synic_vp_publish(vp, true);

	ret = anon_inode_getfd("hvkm-vp", &hvkm_vp_fops, vp, O_RDWR | O_CLOEXEC);
	if (ret < 0)
		hvkm_vp_free(vp);
	return ret;

err_unlock:
	mutex_unlock(&p->lock);
	hvkm_vp_free_memory(vp);
	return ret;
}
