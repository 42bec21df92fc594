// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm: eventfd -> MSI routes (HVKM_IRQFD).  A VMM device thread interrupts
 * the guest by writing to an eventfd; the eventfd's wake-up runs here, with
 * the eventfd's wait-queue lock held and interrupts off, so it only takes
 * the count and leaves the delivery, which takes the partition's lock, to a
 * work item.
 */
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>

#include "hvkm.h"

/* Routes per partition: more than a VM's MSI-X vectors plus its IOAPIC pins. */
#define HVKM_MAX_IRQFDS		1024

struct hvkm_irqfd_route {
	struct list_head link;
	struct hvkm_partition *partition;
	struct eventfd_ctx *eventfd;
	struct hvkm_lapic_irq irq;
	wait_queue_entry_t wait;
	poll_table pt;
	struct work_struct inject;
};

static void hvkm_irqfd_inject(struct work_struct *work)
{
	struct hvkm_irqfd_route *r = container_of(work, struct hvkm_irqfd_route, inject);

	hvkm_lapic_deliver(r->partition, NULL, &r->irq);
}

/* The eventfd's wake-up: its wait-queue lock is held, as eventfd_ctx_do_read() wants. */
static int hvkm_irqfd_wakeup(wait_queue_entry_t *wait, unsigned int mode, int sync, void *key)
{
	struct hvkm_irqfd_route *r = container_of(wait, struct hvkm_irqfd_route, wait);
	u64 count;

	if (key_to_poll(key) & EPOLLIN) {
		eventfd_ctx_do_read(r->eventfd, &count);
		schedule_work(&r->inject);
	}
	return 0;
}

static void hvkm_irqfd_queue(struct file *file, wait_queue_head_t *wqh, poll_table *pt)
{
	struct hvkm_irqfd_route *r = container_of(pt, struct hvkm_irqfd_route, pt);

	add_wait_queue(wqh, &r->wait);
}

void hvkm_irqfd_init(struct hvkm_partition *p)
{
	mutex_init(&p->irqfd_lock);
	INIT_LIST_HEAD(&p->irqfds);
}

static struct hvkm_irqfd_route *hvkm_irqfd_find(struct hvkm_partition *p,
						struct eventfd_ctx *ctx)
{
	struct hvkm_irqfd_route *r;

	list_for_each_entry(r, &p->irqfds, link)
		if (r->eventfd == ctx)
			return r;
	return NULL;
}

/* Off the eventfd's wait queue first, so no new work can be queued, then wait for the last. */
static void hvkm_irqfd_remove(struct hvkm_partition *p, struct hvkm_irqfd_route *r)
{
	u64 count;

	eventfd_ctx_remove_wait_queue(r->eventfd, &r->wait, &count);
	cancel_work_sync(&r->inject);
	eventfd_ctx_put(r->eventfd);
	list_del(&r->link);
	p->nr_irqfds--;
	kfree(r);
}

static int hvkm_irqfd_assign(struct hvkm_partition *p, struct file *file,
			     const struct hvkm_lapic_irq *irq)
{
	struct hvkm_irqfd_route *r;
	struct eventfd_ctx *ctx;
	__poll_t events;

	ctx = eventfd_ctx_fileget(file);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);	/* -EINVAL: not an eventfd */
	if (hvkm_irqfd_find(p, ctx)) {
		eventfd_ctx_put(ctx);
		return -EBUSY;
	}
	if (p->nr_irqfds >= HVKM_MAX_IRQFDS) {
		eventfd_ctx_put(ctx);
		return -ENOSPC;
	}
	r = kzalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);
	if (!r) {
		eventfd_ctx_put(ctx);
		return -ENOMEM;
	}
	r->partition = p;
	r->eventfd = ctx;
	r->irq = *irq;
	INIT_WORK(&r->inject, hvkm_irqfd_inject);
	init_waitqueue_func_entry(&r->wait, hvkm_irqfd_wakeup);
	init_poll_funcptr(&r->pt, hvkm_irqfd_queue);
	list_add_tail(&r->link, &p->irqfds);
	p->nr_irqfds++;
	/*
	 * Writes made before the route existed still count: one interrupt for
	 * them (the count is taken with the next write's wake-up).
	 */
	events = vfs_poll(file, &r->pt);
	if (events & EPOLLIN)
		schedule_work(&r->inject);
	return 0;
}

static int hvkm_irqfd_deassign(struct hvkm_partition *p, struct file *file)
{
	struct hvkm_irqfd_route *r;
	struct eventfd_ctx *ctx;

	ctx = eventfd_ctx_fileget(file);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	r = hvkm_irqfd_find(p, ctx);
	eventfd_ctx_put(ctx);
	if (!r)
		return -ENOENT;
	hvkm_irqfd_remove(p, r);
	return 0;
}

int hvkm_irqfd(struct hvkm_partition *p, const struct hvkm_irqfd __user *arg)
{
	struct hvkm_lapic_irq irq;
	struct hvkm_irqfd req;
	struct fd f;
	int ret;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.flags & ~HVKM_IRQFD_DEASSIGN || memchr_inv(req.reserved, 0, sizeof(req.reserved)))
		return -EINVAL;
	if (!(req.flags & HVKM_IRQFD_DEASSIGN)) {
		ret = hvkm_msi_decode(&req.msi, &irq);
		if (ret)
			return ret;
	}
	f = fdget(req.fd);
	if (!f.file)
		return -EBADF;
	mutex_lock(&p->irqfd_lock);
	if (req.flags & HVKM_IRQFD_DEASSIGN)
		ret = hvkm_irqfd_deassign(p, f.file);
	else
		ret = hvkm_irqfd_assign(p, f.file, &irq);
	mutex_unlock(&p->irqfd_lock);
	fdput(f);
	return ret;
}

/* When the partition fd closes: no ioctl can add a route any more. */
void hvkm_irqfd_release_all(struct hvkm_partition *p)
{
	struct hvkm_irqfd_route *r, *tmp;

	mutex_lock(&p->irqfd_lock);
	list_for_each_entry_safe(r, tmp, &p->irqfds, link)
		hvkm_irqfd_remove(p, r);
	mutex_unlock(&p->irqfd_lock);
}
