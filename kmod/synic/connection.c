// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm: connections between the guest and the VMM that need no VP exit
 * (TLFS "Ports and Connections").  The VMM owns the ports: an eventfd for
 * an event connection (HvCallSignalEvent), a message port fd with sixteen
 * message buffers for a message connection (HvCallPostMessage).  Towards
 * the guest it posts messages and signals event flags on a VP's SINT
 * directly, or routes an eventfd to a SINT so that a device thread
 * interrupts the guest with a plain eventfd write.  docs/uapi.md has the
 * ioctls.
 */
#include <linux/anon_inodes.h>
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "../hvkm.h"

/* HvCallPostMessage input (TLFS): ConnectionId, RsvdZ, MessageType, PayloadSize, Message. */
#define POST_IN_TYPE		8
#define POST_IN_SIZE		12
#define POST_IN_PAYLOAD		16
#define MESSAGE_TYPE_HYPERVISOR	BIT(31)	/* types with bit 31 are the hypervisor's */

struct hvkm_conn_eventfd {
	struct list_head node;
	u32 connection_id;
	struct eventfd_ctx *ctx;
};

struct hvkm_port {
	struct list_head node;
	struct hvkm_partition *p;
	u32 connection_id;
	/* Protects the queue: posted by VP threads, read by the VMM. */
	spinlock_t lock;
	wait_queue_head_t wq;
	unsigned int head, count;
	struct hvkm_synic_message queue[HVKM_SYNIC_PORT_BUFFERS];
};

struct hvkm_sint_route {
	struct list_head node;
	struct hvkm_partition *p;
	struct eventfd_ctx *ctx;
	u32 vp_index, sint;
	int flag;		/* -1: interrupt only */
	wait_queue_entry_t wait;
	poll_table pt;
};

/* ---- guest to VMM: the hypercalls ------------------------------------------ */

static struct hvkm_port *port_find(struct hvkm_synic_partition *sp, u32 id)
{
	struct hvkm_port *port;

	lockdep_assert_held(&sp->lock);
	list_for_each_entry(port, &sp->ports, node)
		if (port->connection_id == id)
			return port;
	return NULL;
}

static struct hvkm_conn_eventfd *eventfd_find(struct hvkm_synic_partition *sp, u32 id)
{
	struct hvkm_conn_eventfd *e;

	lockdep_assert_held(&sp->lock);
	list_for_each_entry(e, &sp->eventfds, node)
		if (e->connection_id == id)
			return e;
	return NULL;
}

/* HvCallPostMessage (0x005c): into the port's queue, or no buffer left. */
u16 hvkm_synic_hc_post_message(struct hvkm_vp *vp, const u8 *in)
{
	struct hvkm_synic_partition *sp = &vp->partition->synic;
	struct hvkm_synic_message *m;
	u32 id, rsvd, type, size;
	struct hvkm_port *port;
	u16 status = HV_STATUS_SUCCESS;

	memcpy(&id, in, 4);
	memcpy(&rsvd, in + 4, 4);
	memcpy(&type, in + POST_IN_TYPE, 4);
	memcpy(&size, in + POST_IN_SIZE, 4);
	if (rsvd || !type || (type & MESSAGE_TYPE_HYPERVISOR) ||
	    size > HV_MESSAGE_PAYLOAD_BYTE_COUNT)
		return HV_STATUS_INVALID_PARAMETER;

	mutex_lock(&sp->lock);
	port = port_find(sp, id);
	if (!port) {
		status = HV_STATUS_INVALID_CONNECTION_ID;
		goto out;
	}
	spin_lock(&port->lock);
	if (port->count == HVKM_SYNIC_PORT_BUFFERS) {
		status = HV_STATUS_INSUFFICIENT_BUFFERS;
	} else {
		m = &port->queue[(port->head + port->count) % HVKM_SYNIC_PORT_BUFFERS];
		memset(m, 0, sizeof(*m));
		m->connection_id = id;
		m->message_type = type;
		m->payload_size = size;
		m->vp_index = vp->vp_index;
		memcpy(m->payload, in + POST_IN_PAYLOAD, size);
		port->count++;
	}
	spin_unlock(&port->lock);
	if (!status)
		wake_up_interruptible_poll(&port->wq, EPOLLIN | EPOLLRDNORM);
out:
	mutex_unlock(&sp->lock);
	return status;
}

/*
 * HvCallSignalEvent (0x005d): ConnectionId in bits 31:0, FlagNumber in
 * 47:32, RsvdZ in 63:48.  The VMM's eventfd stands for the whole port, so
 * any flag number an SIEF slot has is accepted.
 */
u16 hvkm_synic_hc_signal_event(struct hvkm_vp *vp, u64 in)
{
	struct hvkm_synic_partition *sp = &vp->partition->synic;
	struct hvkm_conn_eventfd *e;
	u16 status = HV_STATUS_SUCCESS;
	u32 flag = (in >> 32) & 0xffff;

	if ((in >> 48) || flag >= HV_EVENT_FLAGS_COUNT)
		return HV_STATUS_INVALID_PARAMETER;
	mutex_lock(&sp->lock);
	e = eventfd_find(sp, (u32)in);
	if (e)
		eventfd_signal(e->ctx, 1);
	else
		status = HV_STATUS_INVALID_CONNECTION_ID;
	mutex_unlock(&sp->lock);
	return status;
}

/* ---- the message port fd ---------------------------------------------------- */

static ssize_t port_read(struct file *file, char __user *buf, size_t len, loff_t *off)
{
	struct hvkm_port *port = file->private_data;
	struct hvkm_synic_message m;
	int ret;

	if (len < sizeof(m))
		return -EINVAL;
	for (;;) {
		spin_lock(&port->lock);
		if (port->count) {
			m = port->queue[port->head];
			port->head = (port->head + 1) % HVKM_SYNIC_PORT_BUFFERS;
			port->count--;
			spin_unlock(&port->lock);
			break;
		}
		spin_unlock(&port->lock);
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		ret = wait_event_interruptible(port->wq, READ_ONCE(port->count));
		if (ret)
			return ret;
	}
	if (copy_to_user(buf, &m, sizeof(m)))
		return -EFAULT;
	return sizeof(m);
}

static __poll_t port_poll(struct file *file, poll_table *wait)
{
	struct hvkm_port *port = file->private_data;

	poll_wait(file, &port->wq, wait);
	return READ_ONCE(port->count) ? EPOLLIN | EPOLLRDNORM : 0;
}

static int port_release(struct inode *inode, struct file *file)
{
	struct hvkm_port *port = file->private_data;
	struct hvkm_partition *p = port->p;

	mutex_lock(&p->synic.lock);
	list_del(&port->node);
	mutex_unlock(&p->synic.lock);
	kfree(port);
	hvkm_partition_put(p);
	return 0;
}

static const struct file_operations hvkm_port_fops = {
	.owner = THIS_MODULE,
	.read = port_read,
	.poll = port_poll,
	.release = port_release,
	.llseek = noop_llseek,
};

static int synic_message_port(struct hvkm_partition *p, const struct hvkm_synic_port __user *arg)
{
	struct hvkm_synic_partition *sp = &p->synic;
	struct hvkm_synic_port req;
	struct hvkm_port *port;
	int fd;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.flags || memchr_inv(req.reserved, 0, sizeof(req.reserved)) ||
	    req.connection_id & ~HVKM_SYNIC_CONNECTION_ID_MASK)
		return -EINVAL;
	port = kzalloc(sizeof(*port), GFP_KERNEL_ACCOUNT);
	if (!port)
		return -ENOMEM;
	port->p = p;
	port->connection_id = req.connection_id;
	spin_lock_init(&port->lock);
	init_waitqueue_head(&port->wq);

	mutex_lock(&sp->lock);
	if (port_find(sp, req.connection_id)) {
		mutex_unlock(&sp->lock);
		kfree(port);
		return -EEXIST;
	}
	kref_get(&p->kref);
	fd = anon_inode_getfd("hvkm-synic-port", &hvkm_port_fops, port, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		mutex_unlock(&sp->lock);
		kfree(port);
		hvkm_partition_put(p);
		return fd;
	}
	list_add(&port->node, &sp->ports);
	mutex_unlock(&sp->lock);
	return fd;
}

static int synic_eventfd(struct hvkm_partition *p, const struct hvkm_synic_eventfd __user *arg)
{
	struct hvkm_synic_partition *sp = &p->synic;
	struct hvkm_synic_eventfd req;
	struct hvkm_conn_eventfd *e;
	struct eventfd_ctx *ctx;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if ((req.flags & ~HVKM_SYNIC_DEASSIGN) || req.reserved0 ||
	    memchr_inv(req.reserved, 0, sizeof(req.reserved)) ||
	    req.connection_id & ~HVKM_SYNIC_CONNECTION_ID_MASK)
		return -EINVAL;
	if (req.flags & HVKM_SYNIC_DEASSIGN) {
		mutex_lock(&sp->lock);
		e = eventfd_find(sp, req.connection_id);
		if (e)
			list_del(&e->node);
		mutex_unlock(&sp->lock);
		if (!e)
			return -ENOENT;
		eventfd_ctx_put(e->ctx);
		kfree(e);
		return 0;
	}
	ctx = eventfd_ctx_fdget(req.fd);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);	/* -EBADF, or -EINVAL: not an eventfd */
	e = kzalloc(sizeof(*e), GFP_KERNEL_ACCOUNT);
	if (!e) {
		eventfd_ctx_put(ctx);
		return -ENOMEM;
	}
	e->connection_id = req.connection_id;
	e->ctx = ctx;
	mutex_lock(&sp->lock);
	if (eventfd_find(sp, req.connection_id)) {
		mutex_unlock(&sp->lock);
		eventfd_ctx_put(ctx);
		kfree(e);
		return -EEXIST;
	}
	list_add(&e->node, &sp->eventfds);
	mutex_unlock(&sp->lock);
	return 0;
}

/* ---- VMM to guest ------------------------------------------------------------ */

/* The VP, which stays while p->lock is held; NULL if there is none. */
static struct hvkm_vp *synic_vp(struct hvkm_partition *p, u32 vp_index)
{
	lockdep_assert_held(&p->lock);
	return vp_index < p->max_vps ? p->vps[vp_index] : NULL;
}

static int synic_post_message(struct hvkm_partition *p, const struct hvkm_synic_post __user *arg)
{
	struct hvkm_synic_post req;
	struct hv_message msg = {};
	struct hvkm_vp *vp;
	int ret;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (memchr_inv(req.reserved, 0, sizeof(req.reserved)) || req.sint >= HV_SYNIC_SINT_COUNT ||
	    !req.message_type || (req.message_type & MESSAGE_TYPE_HYPERVISOR) ||
	    req.payload_size > HV_MESSAGE_PAYLOAD_BYTE_COUNT)
		return -EINVAL;
	msg.header.message_type = req.message_type;
	msg.header.payload_size = req.payload_size;
	memcpy(msg.u.payload, req.payload, req.payload_size);

	mutex_lock(&p->lock);
	vp = synic_vp(p, req.vp_index);
	if (!vp) {
		ret = -ENOENT;
		goto out;
	}
	WRITE_ONCE(p->synic.slot_freed, false);
	/* Before the attempt: an EOM right after a busy slot is not missed. */
	set_bit(req.sint, &vp->synic->host_waiting);
	ret = hvkm_synic_post(vp, req.sint, &msg);
	if (ret != -EAGAIN)
		clear_bit(req.sint, &vp->synic->host_waiting);
	if (ret == -EFAULT)
		ret = -ENXIO;	/* the SIM page is not in guest RAM */
out:
	mutex_unlock(&p->lock);
	return ret;
}

static int synic_signal_event(struct hvkm_partition *p, const struct hvkm_synic_signal __user *arg)
{
	struct hvkm_synic_signal req;
	struct hvkm_vp *vp;
	int ret;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.flags || memchr_inv(req.reserved, 0, sizeof(req.reserved)) ||
	    req.sint >= HV_SYNIC_SINT_COUNT || req.flag >= HV_EVENT_FLAGS_COUNT)
		return -EINVAL;
	mutex_lock(&p->lock);
	vp = synic_vp(p, req.vp_index);
	ret = vp ? hvkm_synic_signal_flag(vp, req.sint, req.flag) : -ENOENT;
	mutex_unlock(&p->lock);
	return ret == -EFAULT ? -ENXIO : ret;
}

/* ---- eventfd to SINT routes ------------------------------------------------- */

/* The eventfd's wake-up, with its wait queue lock held and maybe IRQs off. */
static int route_wakeup(wait_queue_entry_t *wait, unsigned int mode, int sync, void *key)
{
	struct hvkm_sint_route *r = container_of(wait, struct hvkm_sint_route, wait);
	u64 count;

	if (key_to_poll(key) & EPOLLIN) {
		eventfd_ctx_do_read(r->ctx, &count);
		hvkm_synic_defer_signal(r->p, r->vp_index, r->sint, r->flag);
	}
	return 0;
}

static void route_queue(struct file *file, wait_queue_head_t *wqh, poll_table *pt)
{
	struct hvkm_sint_route *r = container_of(pt, struct hvkm_sint_route, pt);

	add_wait_queue(wqh, &r->wait);
}

static void route_free(struct hvkm_sint_route *r)
{
	u64 count;

	eventfd_ctx_remove_wait_queue(r->ctx, &r->wait, &count);
	eventfd_ctx_put(r->ctx);
	kfree(r);
}

static struct hvkm_sint_route *route_find(struct hvkm_synic_partition *sp,
					  struct eventfd_ctx *ctx)
{
	struct hvkm_sint_route *r;

	lockdep_assert_held(&sp->lock);
	list_for_each_entry(r, &sp->routes, node)
		if (r->ctx == ctx)
			return r;
	return NULL;
}

static int route_assign(struct hvkm_partition *p, const struct hvkm_synic_route *req,
			struct file *file, struct eventfd_ctx *ctx)
{
	struct hvkm_synic_partition *sp = &p->synic;
	struct hvkm_sint_route *r;
	__poll_t events;

	r = kzalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);
	if (!r)
		return -ENOMEM;
	r->p = p;
	r->ctx = ctx;
	r->vp_index = req->vp_index;
	r->sint = req->sint;
	r->flag = req->flags & HVKM_SYNIC_ROUTE_FLAG ? req->flag : -1;
	init_waitqueue_func_entry(&r->wait, route_wakeup);
	init_poll_funcptr(&r->pt, route_queue);

	mutex_lock(&sp->lock);
	if (route_find(sp, ctx)) {
		mutex_unlock(&sp->lock);
		kfree(r);
		return -EEXIST;
	}
	list_add(&r->node, &sp->routes);
	events = vfs_poll(file, &r->pt);
	mutex_unlock(&sp->lock);
	/* Written before the route existed: that counts too. */
	if (events & EPOLLIN)
		hvkm_synic_defer_signal(p, r->vp_index, r->sint, r->flag);
	return 0;
}

static int synic_sint_route(struct hvkm_partition *p, const struct hvkm_synic_route __user *arg)
{
	struct hvkm_synic_partition *sp = &p->synic;
	struct hvkm_synic_route req;
	struct hvkm_sint_route *r;
	struct eventfd_ctx *ctx;
	struct fd f;
	int ret;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if ((req.flags & ~(HVKM_SYNIC_DEASSIGN | HVKM_SYNIC_ROUTE_FLAG)) || req.reserved0 ||
	    memchr_inv(req.reserved, 0, sizeof(req.reserved)))
		return -EINVAL;
	if (!(req.flags & HVKM_SYNIC_DEASSIGN) &&
	    (req.vp_index >= p->max_vps || req.sint >= HV_SYNIC_SINT_COUNT ||
	     ((req.flags & HVKM_SYNIC_ROUTE_FLAG) && req.flag >= HV_EVENT_FLAGS_COUNT) ||
	     (!(req.flags & HVKM_SYNIC_ROUTE_FLAG) && req.flag)))
		return -EINVAL;
	f = fdget(req.fd);
	if (!f.file)
		return -EBADF;
	ctx = eventfd_ctx_fileget(f.file);
	if (IS_ERR(ctx)) {
		fdput(f);
		return PTR_ERR(ctx);
	}
	if (req.flags & HVKM_SYNIC_DEASSIGN) {
		mutex_lock(&sp->lock);
		r = route_find(sp, ctx);
		if (r)
			list_del(&r->node);
		mutex_unlock(&sp->lock);
		if (r)
			route_free(r);
		ret = r ? 0 : -ENOENT;
		eventfd_ctx_put(ctx);
	} else {
		ret = route_assign(p, &req, f.file, ctx);
		if (ret)
			eventfd_ctx_put(ctx);
	}
	fdput(f);
	return ret;
}

long hvkm_synic_ioctl(struct hvkm_partition *p, unsigned int cmd, void __user *arg)
{
	switch (cmd) {
	case HVKM_SYNIC_EVENTFD:
		return synic_eventfd(p, arg);
	case HVKM_SYNIC_MESSAGE_PORT:
		return synic_message_port(p, arg);
	case HVKM_SYNIC_POST_MESSAGE:
		return synic_post_message(p, arg);
	case HVKM_SYNIC_SIGNAL_EVENT:
		return synic_signal_event(p, arg);
	case HVKM_SYNIC_SINT_ROUTE:
		return synic_sint_route(p, arg);
	default:
		return -ENOTTY;
	}
}

/* EPOLLOUT: a slot HVKM_SYNIC_POST_MESSAGE found busy was emptied since. */
__poll_t hvkm_synic_poll(struct hvkm_partition *p, struct file *file,
			 struct poll_table_struct *wait)
{
	poll_wait(file, &p->synic.slot_wq, wait);
	return READ_ONCE(p->synic.slot_freed) ? EPOLLOUT | EPOLLWRNORM : 0;
}

/* The partition is going: no VP, no port fd (they hold references) is left. */
void hvkm_synic_connections_destroy(struct hvkm_partition *p)
{
	struct hvkm_synic_partition *sp = &p->synic;
	struct hvkm_conn_eventfd *e, *etmp;
	struct hvkm_sint_route *r, *rtmp;

	list_for_each_entry_safe(e, etmp, &sp->eventfds, node) {
		eventfd_ctx_put(e->ctx);
		kfree(e);
	}
	list_for_each_entry_safe(r, rtmp, &sp->routes, node)
		route_free(r);
}
