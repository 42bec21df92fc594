/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One VM per hvkm-vmm process: the partition, guest RAM, the buses and
 * platform devices, one thread per VP and the event loop thread.
 */
#ifndef HVKM_VMM_VM_H
#define HVKM_VMM_VM_H

#include <linux/hvkm.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "bus.h"
#include "config.h"
#include "devices/acpi_pm.h"
#include "devices/fw_cfg.h"
#include "devices/i8042.h"
#include "devices/ioapic.h"
#include "devices/pic.h"
#include "devices/pit.h"
#include "devices/post.h"
#include "devices/reset.h"
#include "devices/rtc.h"
#include "devices/serial.h"
#include "guest_ram.h"
#include "loop.h"
#include "serial_backend.h"

/* Why the VM stopped; also hvkm-vmm's exit status minus one, see main.c. */
enum vm_stop {
	VM_RUNNING,
	VM_STOP_RESET,		/* the guest reset the machine (8042, 0xCF9, triple fault) */
	VM_STOP_ERROR,		/* an exit hvkm-vmm cannot handle, or a failed ioctl */
	VM_STOP_CRASH,		/* the guest reported a crash (HV_X64_MSR_CRASH_CTL) */
	VM_STOP_POWEROFF,	/* the guest entered ACPI S5 (soft off) */
	VM_STOP_QUIT,		/* the control socket's "quit" (control.c) */
};

struct vm;

struct vp {
	struct vm *vm;
	unsigned int index;
	int fd;
	struct hvkm_run *run;
	pthread_t thread;
	bool started;
	unsigned long exits;
};

struct vm {
	const struct config *cfg;
	bool verbose;
	int dev_fd, fd;
	struct guest_ram guest_ram;
	uint8_t *ram;			/* low RAM from GPA 0, then high RAM from 4 GiB */
	uint64_t ram_size, ram_low, ram_high;

	pthread_mutex_t dev_lock;	/* every device's state */
	struct bus io, mmio;
	struct loop loop;
	int pit_timer_fd, rtc_timer_fd;

	struct pic pic;
	struct ioapic ioapic;
	struct pit pit;
	struct rtc rtc;
	struct i8042 kbc;
	struct post post;
	struct reset_control rst;
	struct fw_cfg fw_cfg;
	struct acpi_pm pm;
	struct serial serial[CONFIG_MAX_SERIAL];
	bool serial_present[CONFIG_MAX_SERIAL];
	struct serial_backend serial_backend[CONFIG_MAX_SERIAL];

	struct vp *vps;
	unsigned int nr_vps;

	pthread_mutex_t stop_lock;
	pthread_cond_t stop_cond;
	enum vm_stop stop;
};

/* vm_load_kernel(): the configured kernel or its files were refused (the reason is printed). */
#define VM_BOOT_REFUSED	1

int vm_create(struct vm *vm, const struct config *cfg, bool verbose);
/* A bzImage (linux_boot.c) or a Multiboot kernel (multiboot.c): 0, VM_BOOT_REFUSED or -errno. */
int vm_load_kernel(struct vm *vm);
int vm_run(struct vm *vm);		/* until the VM stops: its enum vm_stop */
int vm_restart(struct vm *vm);		/* after VM_STOP_RESET: power-on state again, booted */
void vm_destroy(struct vm *vm);

void vm_request_stop(struct vm *vm, enum vm_stop why);
/* Make VP @index leave HVKM_RUN_VP (from any thread). */
void vm_kick_vp(struct vm *vm, unsigned int index);

/* The whole of @path in a malloc()ed buffer: 0 or -errno. */
int vm_read_file(const char *path, uint8_t **buf, size_t *len);

/* multiboot_vm.c: load the kernel and boot.modules; 0, VM_BOOT_REFUSED or -errno. */
struct mb_entry;
int vm_load_multiboot(struct vm *vm, const uint8_t *kernel, size_t kernel_len,
		      struct mb_entry *e);

/* vp.c */
int vp_create(struct vm *vm, struct vp *vp, unsigned int index);
int vp_start(struct vp *vp);
void vp_destroy(struct vp *vp);
int vp_set_regs(struct vp *vp, const struct hvkm_register_assoc *regs, unsigned int n);

#endif
