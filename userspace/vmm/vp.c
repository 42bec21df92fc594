// SPDX-License-Identifier: GPL-2.0
/*
 * A VP's thread: HVKM_RUN_VP, then the exit dispatched to the buses.  The
 * PIC's output reaches VP 0 as an ExtINT interrupt (HVKM_ASSERT_INTERRUPT)
 * at a point where the kernel holds no other interrupt for it, which is an
 * interrupt-window exit (docs/vmm.md, "Interrupts").
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vm.h"

#define VP_KICK_SIGNAL SIGUSR1

static __thread struct hvkm_run *this_run;

/* A kick lands here: the run ends at once, or before it starts. */
static void vp_kick_handler(int sig)
{
	(void)sig;
	if (this_run)
		this_run->immediate_exit = 1;
}

int vp_create(struct vm *vm, struct vp *vp, unsigned int index)
{
	struct hvkm_create_vp cv = { .vp_index = index, .apic_id = index };

	memset(vp, 0, sizeof(*vp));
	vp->vm = vm;
	vp->index = index;
	vp->fd = ioctl(vm->fd, HVKM_CREATE_VP, &cv);
	if (vp->fd < 0)
		return -errno;
	vp->run = mmap(NULL, HVKM_RUN_MMAP_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, vp->fd, 0);
	if (vp->run == MAP_FAILED) {
		int ret = -errno;

		vp->run = NULL;
		close(vp->fd);
		vp->fd = -1;
		return ret;
	}
	return 0;
}

int vp_set_regs(struct vp *vp, const struct hvkm_register_assoc *regs, unsigned int n)
{
	struct hvkm_registers r = { .count = n, .regs = (uintptr_t)regs };

	return ioctl(vp->fd, HVKM_SET_REGISTERS, &r) ? -errno : 0;
}

static void vp_io(struct vp *vp)
{
	struct hvkm_run *run = vp->run;
	bool is_write = run->io.direction == HVKM_IO_OUT;
	uint32_t i;

	if (!run->io.data_offset) {
		bus_access(&vp->vm->io, run->io.port, (uint8_t *)&run->io.data, run->io.size,
			   is_write);
		return;
	}
	/* INS/OUTS: @count elements in the second page of the mapping. */
	for (i = 0; i < run->io.count; i++) {
		uint8_t *data = (uint8_t *)run + run->io.data_offset + (size_t)i * run->io.size;

		if (run->io.data_offset + (size_t)(i + 1) * run->io.size > HVKM_RUN_MMAP_SIZE)
			break;
		bus_access(&vp->vm->io, run->io.port, data, run->io.size, is_write);
	}
}

static void vp_mmio(struct vp *vp)
{
	struct hvkm_run *run = vp->run;

	if (!bus_access(&vp->vm->mmio, run->mmio.gpa, run->mmio.data, run->mmio.len,
			run->mmio.is_write) && vp->vm->verbose)
		fprintf(stderr, "hvkm-vmm: VP %u: unclaimed MMIO %s %#llx (%u bytes) at rip %#llx\n",
			vp->index, run->mmio.is_write ? "write" : "read",
			(unsigned long long)run->mmio.gpa, run->mmio.len,
			(unsigned long long)run->rip);
}

/* The PIC's INTA, done when the VP can take the interrupt (see the top). */
static void vp_sync_irq(struct vp *vp)
{
	struct hvkm_run *run = vp->run;
	struct vm *vm = vp->vm;
	bool can_inject;

	pthread_mutex_lock(&vm->dev_lock);
	can_inject = run->exit_reason == HVKM_EXIT_IRQ_WINDOW_OPEN ||
		     (run->exit_reason == HVKM_EXIT_INTR && (run->flags & HVKM_RUN_INTERRUPTIBLE));
	if (pic_has_output(&vm->pic) && can_inject) {
		struct hvkm_assert_interrupt ai = {
			.control = HV_X64_INTERRUPT_TYPE_EXTINT,
			.dest_addr = 0,
		};

		ai.vector = pic_ack(&vm->pic);
		if (ioctl(vm->fd, HVKM_ASSERT_INTERRUPT, &ai))
			fprintf(stderr, "hvkm-vmm: ASSERT_INTERRUPT vector %u: %s\n", ai.vector,
				strerror(errno));
	}
	run->request_interrupt_window = pic_has_output(&vm->pic);
	pthread_mutex_unlock(&vm->dev_lock);
}

static void vp_report(struct vp *vp, const char *what)
{
	struct hvkm_run *run = vp->run;

	fprintf(stderr, "hvkm-vmm: VP %u: %s at rip %#llx (exit %u, code %#llx info %#llx %#llx)\n",
		vp->index, what, (unsigned long long)run->rip, run->exit_reason,
		(unsigned long long)run->hw.exit_code, (unsigned long long)run->hw.info1,
		(unsigned long long)run->hw.info2);
}

/* Handle one exit; false when the VM has to stop. */
static bool vp_handle_exit(struct vp *vp)
{
	struct hvkm_run *run = vp->run;
	struct vm *vm = vp->vm;
	unsigned int i;

	switch (run->exit_reason) {
	case HVKM_EXIT_IO:
		vp_io(vp);
		return true;
	case HVKM_EXIT_MMIO:
		vp_mmio(vp);
		return true;
	case HVKM_EXIT_INTR:
	case HVKM_EXIT_IRQ_WINDOW_OPEN:
		return true;
	case HVKM_EXIT_EOI:
		/* A level-triggered IOAPIC interrupt was serviced: Remote IRR. */
		pthread_mutex_lock(&vm->dev_lock);
		ioapic_eoi(&vm->ioapic, run->eoi.vector);
		pthread_mutex_unlock(&vm->dev_lock);
		return true;
	case HVKM_EXIT_MSR:
		run->msr.error = 1;	/* hvkm-vmm asks for no MSR exits */
		return true;
	case HVKM_EXIT_SHUTDOWN:
		/* A triple fault resets a PC; Linux uses it as its last resort reboot. */
		if (vm->verbose)
			vp_report(vp, "triple fault");
		vm_request_stop(vm, VM_STOP_RESET);
		return false;
	case HVKM_EXIT_SYSTEM_EVENT:
		if (run->system_event.type == HVKM_SYSTEM_EVENT_RESET) {
			vm_request_stop(vm, VM_STOP_RESET);
		} else {
			fprintf(stderr, "hvkm-vmm: VP %u: guest crash, control %#llx, parameters",
				vp->index, (unsigned long long)run->system_event.crash_ctl);
			for (i = 0; i < 5; i++)
				fprintf(stderr, " %#llx",
					(unsigned long long)run->system_event.crash_params[i]);
			fprintf(stderr, "\n");
			vm_request_stop(vm, VM_STOP_CRASH);
		}
		return false;
	case HVKM_EXIT_EMULATION_FAILURE:
		fprintf(stderr, "hvkm-vmm: VP %u: cannot emulate the access to %#llx at rip %#llx:",
			vp->index, (unsigned long long)run->emulation.gpa,
			(unsigned long long)run->rip);
		for (i = 0; i < run->emulation.insn_len && i < 15; i++)
			fprintf(stderr, " %02x", run->emulation.insn[i]);
		fprintf(stderr, "\n");
		vm_request_stop(vm, VM_STOP_ERROR);
		return false;
	case HVKM_EXIT_FAIL_ENTRY:
		vp_report(vp, "the CPU refused the VP's state");
		vm_request_stop(vm, VM_STOP_ERROR);
		return false;
	default:
		vp_report(vp, "unhandled exit");
		vm_request_stop(vm, VM_STOP_ERROR);
		return false;
	}
}

static void *vp_thread(void *arg)
{
	struct vp *vp = arg;
	struct vm *vm = vp->vm;
	sigset_t set;

	this_run = vp->run;
	sigemptyset(&set);
	sigaddset(&set, VP_KICK_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);

	while (!__atomic_load_n(&vm->stop, __ATOMIC_ACQUIRE)) {
		int ret = ioctl(vp->fd, HVKM_RUN_VP, 0);

		vp->run->immediate_exit = 0;
		if (ret < 0 && errno != EINTR) {
			fprintf(stderr, "hvkm-vmm: VP %u: HVKM_RUN_VP: %s\n", vp->index,
				strerror(errno));
			vm_request_stop(vm, VM_STOP_ERROR);
			break;
		}
		if (ret < 0)
			vp->run->exit_reason = HVKM_EXIT_INTR;
		vp->exits++;
		if (__atomic_load_n(&vm->stop, __ATOMIC_ACQUIRE))
			break;
		if (!vp_handle_exit(vp))
			break;
		if (vp->index == 0)
			vp_sync_irq(vp);
	}
	this_run = NULL;
	return NULL;
}

int vp_start(struct vp *vp)
{
	static bool handler_installed;
	struct sigaction sa;
	int ret;

	if (!handler_installed) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = vp_kick_handler;
		sigemptyset(&sa.sa_mask);
		if (sigaction(VP_KICK_SIGNAL, &sa, NULL))
			return -errno;
		handler_installed = true;
	}
	ret = pthread_create(&vp->thread, NULL, vp_thread, vp);
	if (ret)
		return -ret;
	vp->started = true;
	return 0;
}

void vm_kick_vp(struct vm *vm, unsigned int index)
{
	struct vp *vp = &vm->vps[index];

	if (vp->started && !pthread_equal(vp->thread, pthread_self()))
		pthread_kill(vp->thread, VP_KICK_SIGNAL);
}

void vp_destroy(struct vp *vp)
{
	if (vp->started) {
		pthread_join(vp->thread, NULL);
		vp->started = false;
	}
	if (vp->run)
		munmap(vp->run, HVKM_RUN_MMAP_SIZE);
	if (vp->fd >= 0)
		close(vp->fd);
	vp->run = NULL;
	vp->fd = -1;
}
