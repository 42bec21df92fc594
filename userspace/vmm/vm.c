// SPDX-License-Identifier: GPL-2.0
/* The VM: partition, RAM, devices, VPs, and how it stops. */
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <time.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "acpi.h"
#include "cpuid_table.h"
#include "linux_boot.h"
#include "mptable.h"
#include "multiboot.h"
#include "vm.h"

#define MIB		(1ull << 20)

static const uint16_t com_base[CONFIG_MAX_SERIAL] = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };
static const unsigned int com_irq[CONFIG_MAX_SERIAL] = { 4, 3, 4, 3 };

static uint64_t monotonic_ns(void *unused)
{
	struct timespec ts;

	(void)unused;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t realtime_ns(void *unused)
{
	struct timespec ts;

	(void)unused;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* An absolute timerfd deadline in ns (the fd's clock); NO_DEADLINE disarms. */
static void vm_timer_set(int fd, uint64_t when, uint64_t no_deadline)
{
	struct itimerspec its = { 0 };

	if (when != no_deadline) {
		if (!when)
			when = 1;	/* 0 would disarm the timer */
		its.it_value.tv_sec = (time_t)(when / 1000000000ull);
		its.it_value.tv_nsec = (long)(when % 1000000000ull);
	}
	timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL);
}

void vm_request_stop(struct vm *vm, enum vm_stop why)
{
	unsigned int i;

	pthread_mutex_lock(&vm->stop_lock);
	if (vm->stop == VM_RUNNING)
		__atomic_store_n(&vm->stop, why, __ATOMIC_RELEASE);
	pthread_cond_broadcast(&vm->stop_cond);
	pthread_mutex_unlock(&vm->stop_lock);
	for (i = 0; i < vm->nr_vps; i++)
		vm_kick_vp(vm, i);
}

/* The reset line of the 8042 and of 0xCF9 (called under the device lock). */
static void vm_reset_line(void *opaque)
{
	vm_request_stop(opaque, VM_STOP_RESET);
}

/* ACPI S5 through PM1_CNT (called under the device lock). */
static void vm_poweroff(void *opaque)
{
	vm_request_stop(opaque, VM_STOP_POWEROFF);
}

/* The PIC raised INT: VP 0 has to come out and take it (vp.c). */
static void vm_pic_notify(void *opaque)
{
	vm_kick_vp(opaque, 0);
}

/*
 * An ISA interrupt line goes to the 8259 and to the IOAPIC's pin of the same
 * number, except IRQ 0 (the PIT), which is wired to pin 2 as on PCs: pin 0
 * carries the 8259's INT (ExtINT), and the MADT's interrupt source override
 * (acpi.c) and the MP table say so.
 */
static void vm_isa_set_irq(void *opaque, unsigned int irq, int level)
{
	struct vm *vm = opaque;

	pic_set_irq(&vm->pic, irq, level);
	ioapic_set_irq(&vm->ioapic, irq == 0 ? 2 : irq, level);
}

static struct irq_line vm_isa_line(struct vm *vm, unsigned int irq)
{
	return (struct irq_line){ vm_isa_set_irq, vm, irq };
}

/* An IOAPIC message, sent like a device's MSI through the in-kernel local APICs. */
static void vm_ioapic_send(void *opaque, uint64_t address, uint32_t data)
{
	struct vm *vm = opaque;
	struct hvkm_msi msi = { .address = address, .data = data };

	if (ioctl(vm->fd, HVKM_SIGNAL_MSI, &msi))
		fprintf(stderr, "hvkm-vmm: HVKM_SIGNAL_MSI %#llx %#x: %s\n",
			(unsigned long long)address, data, strerror(errno));
}

/* The IOAPIC's level-triggered vectors: their EOIs exit to vp.c (ioapic_eoi). */
static void vm_ioapic_eoi_exits(void *opaque, const uint64_t *vectors)
{
	struct vm *vm = opaque;
	struct hvkm_eoi_exits e;

	memcpy(e.vectors, vectors, sizeof(e.vectors));
	if (ioctl(vm->fd, HVKM_SET_EOI_EXITS, &e))
		fprintf(stderr, "hvkm-vmm: HVKM_SET_EOI_EXITS: %s\n", strerror(errno));
}

static void vm_pit_rearm(void *opaque)
{
	struct vm *vm = opaque;

	vm_timer_set(vm->pit_timer_fd, pit_next_deadline(&vm->pit), PIT_NO_DEADLINE);
}

/* The RTC's next interrupt, on a CLOCK_REALTIME timerfd like its clock. */
static void vm_rtc_rearm(void *opaque)
{
	struct vm *vm = opaque;

	vm_timer_set(vm->rtc_timer_fd, rtc_next_deadline(&vm->rtc), RTC_NO_DEADLINE);
}

static void vm_rtc_timer(void *opaque, uint32_t events)
{
	struct vm *vm = opaque;
	uint64_t expirations;

	(void)events;
	if (read(vm->rtc_timer_fd, &expirations, sizeof(expirations)) < 0 && errno != ECANCELED)
		return;
	pthread_mutex_lock(&vm->dev_lock);
	rtc_tick(&vm->rtc);
	vm_rtc_rearm(vm);
	pthread_mutex_unlock(&vm->dev_lock);
}

static void vm_pit_timer(void *opaque, uint32_t events)
{
	struct vm *vm = opaque;
	uint64_t expirations;

	(void)events;
	if (read(vm->pit_timer_fd, &expirations, sizeof(expirations)) < 0)
		return;
	pthread_mutex_lock(&vm->dev_lock);
	pit_tick(&vm->pit);
	vm_pit_rearm(vm);
	pthread_mutex_unlock(&vm->dev_lock);
}

/*
 * The devices as after power-on, which is also what a reset gives them; the
 * RTC is not among them: its clock and CMOS RAM survive a reset, as on a PC.
 */
static void vm_reset_devices(struct vm *vm)
{
	unsigned int i;

	pic_init(&vm->pic, vm_pic_notify, vm);
	ioapic_init(&vm->ioapic, 0, vm_ioapic_send, vm_ioapic_eoi_exits, vm);
	pit_init(&vm->pit, vm_isa_line(vm, 0), monotonic_ns, NULL);
	vm->pit.rearm = vm_pit_rearm;
	vm->pit.opaque = vm;
	i8042_init(&vm->kbc, vm_reset_line, vm);
	reset_control_init(&vm->rst, vm_reset_line, vm);
	fw_cfg_init(&vm->fw_cfg, vm->ram_size, (uint16_t)vm->cfg->cpus);
	acpi_pm_init(&vm->pm, vm_isa_line(vm, ACPI_SCI_IRQ), monotonic_ns, NULL, vm_poweroff, vm);
	for (i = 0; i < CONFIG_MAX_SERIAL; i++) {
		if (!vm->serial_present[i])
			continue;
		serial_init(&vm->serial[i], com_base[i], vm_isa_line(vm, com_irq[i]),
			    vm->serial_backend[i].uart_fd);
		/* Its peer's modem lines, and input that waited for a full FIFO flows again. */
		serial_backend_attach(&vm->serial_backend[i], &vm->serial[i]);
	}
}

static int vm_create_devices(struct vm *vm)
{
	const struct config *cfg = vm->cfg;
	unsigned int i;
	int ret;

	vm_reset_devices(vm);
	rtc_init(&vm->rtc, vm_isa_line(vm, RTC_IRQ), realtime_ns, NULL);
	vm->rtc.rearm = vm_rtc_rearm;
	vm->rtc.opaque = vm;
	ret = pic_register(&vm->pic, &vm->io);
	if (!ret)
		ret = ioapic_register(&vm->ioapic, &vm->mmio);
	if (!ret)
		ret = pit_register(&vm->pit, &vm->io);
	if (!ret)
		ret = rtc_register(&vm->rtc, &vm->io);
	if (!ret)
		ret = i8042_register(&vm->kbc, &vm->io);
	if (!ret)
		ret = post_register(&vm->post, &vm->io);
	if (!ret)
		ret = reset_control_register(&vm->rst, &vm->io);
	if (!ret)
		ret = fw_cfg_register(&vm->fw_cfg, &vm->io);
	if (!ret)
		ret = acpi_pm_register(&vm->pm, &vm->io);
	if (ret)
		return ret;

	for (i = 0; i < cfg->nr_serial; i++) {
		const struct config_serial *s = &cfg->serial[i];
		int fd;

		ret = serial_backend_open(&vm->serial_backend[s->index], &vm->loop, &vm->dev_lock, s);
		if (ret)
			return ret;
		fd = vm->serial_backend[s->index].uart_fd;
		serial_init(&vm->serial[s->index], com_base[s->index],
			    vm_isa_line(vm, com_irq[s->index]), fd);
		serial_backend_attach(&vm->serial_backend[s->index], &vm->serial[s->index]);
		ret = serial_register(&vm->serial[s->index], &vm->io);
		if (ret)
			return ret;
		vm->serial_present[s->index] = true;
	}

	/*
	 * Non-blocking: a VP thread that rearms the timer (timerfd_settime)
	 * between the loop's epoll_wait and its read resets the expiration
	 * count, and a blocking read would then hold the event loop until the
	 * next deadline, or for ever if the guest stopped the PIT.
	 */
	vm->pit_timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (vm->pit_timer_fd < 0)
		return -errno;
	ret = loop_add(&vm->loop, vm->pit_timer_fd, EPOLLIN, vm_pit_timer, vm);
	if (ret)
		return ret;
	vm->rtc_timer_fd = timerfd_create(CLOCK_REALTIME, TFD_CLOEXEC | TFD_NONBLOCK);
	if (vm->rtc_timer_fd < 0)
		return -errno;
	return loop_add(&vm->loop, vm->rtc_timer_fd, EPOLLIN, vm_rtc_timer, vm);
}

/* The guest's physical address width (CPUID 0x80000008 EAX[7:0], the host's). */
static unsigned int vm_phys_bits(void)
{
	unsigned int a, b, c, d;

	if (!__get_cpuid(0x80000008, &a, &b, &c, &d))
		return 36;
	return a & 0xff;
}

/*
 * The partition's memory slots for the RAM hvkm-vmm has mapped: low RAM in
 * slot 0 at GPA 0, what is beyond 3 GiB in slot 1 at 4 GiB.
 */
static int vm_register_ram(struct vm *vm)
{
	struct hvkm_memory_region r = { .slot = 0 };
	int ret;

	r.guest_phys_addr = 0;
	r.size = vm->ram_low;
	r.userspace_addr = (uintptr_t)vm->ram;
	if (ioctl(vm->fd, HVKM_SET_MEMORY_REGION, &r))
		goto fail;
	if (!vm->ram_high)
		return 0;
	r.slot = 1;
	r.guest_phys_addr = GUEST_RAM_HIGH_BASE;
	r.size = vm->ram_high;
	r.userspace_addr = (uintptr_t)vm->ram + vm->ram_low;
	if (!ioctl(vm->fd, HVKM_SET_MEMORY_REGION, &r))
		return 0;
fail:
	ret = -errno;
	fprintf(stderr, "hvkm-vmm: HVKM_SET_MEMORY_REGION slot %u: %s\n", r.slot, strerror(-ret));
	return ret;
}

static int vm_create_ram(struct vm *vm)
{
	uint64_t size = vm->cfg->memory_mib * MIB, low, end;
	unsigned int bits = vm_phys_bits();
	char err[256];
	int ret;

	guest_ram_split(size, &low, &end);
	end = end ? GUEST_RAM_HIGH_BASE + end : low;
	if (bits < 64 && end > (1ull << bits)) {
		fprintf(stderr, "hvkm-vmm: memory: %llu MiB end at %#llx, beyond the guest's %u-bit physical addresses\n",
			(unsigned long long)vm->cfg->memory_mib, (unsigned long long)end, bits);
		return -E2BIG;
	}
	ret = guest_ram_alloc(&vm->guest_ram, size, vm->cfg->memory_backing, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "hvkm-vmm: %s\n", err);
		return ret;
	}
	vm->ram = vm->guest_ram.mem;
	vm->ram_size = size;
	vm->ram_low = vm->guest_ram.low;
	vm->ram_high = vm->guest_ram.high;
	return vm_register_ram(vm);
}

/* A partition with its CPUID table, one VP per configured CPU. */
static int vm_create_partition(struct vm *vm)
{
	struct hvkm_create_partition cp = { .max_vps = vm->cfg->cpus };
	struct hvkm_cpuid_entry entries[CPUID_MAX_ENTRIES];
	struct hvkm_cpuid cpuid = { .entries = (uintptr_t)entries };
	unsigned int i;
	int ret;

	vm->fd = ioctl(vm->dev_fd, HVKM_CREATE_PARTITION, &cp);
	if (vm->fd < 0) {
		ret = -errno;
		fprintf(stderr, "hvkm-vmm: HVKM_CREATE_PARTITION: %s\n", strerror(errno));
		return ret;
	}
	cpuid.nent = cpuid_build(entries, vm->cfg->cpus);
	if (ioctl(vm->fd, HVKM_SET_CPUID, &cpuid)) {
		ret = -errno;
		fprintf(stderr, "hvkm-vmm: HVKM_SET_CPUID: %s\n", strerror(errno));
		return ret;
	}
	for (i = 0; i < vm->cfg->cpus; i++) {
		ret = vp_create(vm, &vm->vps[i], i);
		if (ret) {
			fprintf(stderr, "hvkm-vmm: HVKM_CREATE_VP %u: %s\n", i, strerror(-ret));
			return ret;
		}
		vm->nr_vps++;
	}
	return 0;
}

static void vm_destroy_partition(struct vm *vm)
{
	unsigned int i;

	for (i = 0; i < vm->nr_vps; i++)
		vp_destroy(&vm->vps[i]);
	vm->nr_vps = 0;
	if (vm->fd >= 0)
		close(vm->fd);
	vm->fd = -1;
}

int vm_create(struct vm *vm, const struct config *cfg, bool verbose)
{
	int ret;

	memset(vm, 0, sizeof(*vm));
	vm->loop.epfd = vm->loop.stop_fd = -1;
	vm->cfg = cfg;
	vm->verbose = verbose;
	vm->dev_fd = vm->fd = vm->pit_timer_fd = vm->rtc_timer_fd = -1;
	vm->guest_ram.fd = -1;
	pthread_mutex_init(&vm->dev_lock, NULL);
	pthread_mutex_init(&vm->stop_lock, NULL);
	pthread_cond_init(&vm->stop_cond, NULL);
	bus_init(&vm->io, &vm->dev_lock);
	bus_init(&vm->mmio, &vm->dev_lock);
	ret = loop_init(&vm->loop);
	if (ret)
		return ret;

	vm->dev_fd = open("/dev/hvkm", O_RDWR | O_CLOEXEC);
	if (vm->dev_fd < 0) {
		ret = -errno;
		fprintf(stderr, "hvkm-vmm: /dev/hvkm: %s (is hvkm.ko loaded?)\n", strerror(errno));
		return ret;
	}
	if (ioctl(vm->dev_fd, HVKM_GET_API_VERSION, 0) != HVKM_API_VERSION) {
		fprintf(stderr, "hvkm-vmm: hvkm API version mismatch\n");
		return -EPROTO;
	}
	vm->vps = calloc(cfg->cpus, sizeof(*vm->vps));
	if (!vm->vps)
		return -ENOMEM;
	ret = vm_create_partition(vm);
	if (ret)
		return ret;
	ret = vm_create_ram(vm);
	if (ret)
		return ret;
	ret = vm_create_devices(vm);
	if (ret)
		fprintf(stderr, "hvkm-vmm: devices: %s\n", strerror(-ret));
	return ret;
}

/*
 * A reset restarts the VM as a power cycle would, short of the process: a
 * new partition (so every VP, local APIC, SynIC and Hyper-V MSR starts from
 * scratch), RAM zeroed, the devices reset, the kernel loaded again.  The
 * serial backends, their clients and the control socket stay.
 */
int vm_restart(struct vm *vm)
{
	int ret;

	vm_destroy_partition(vm);
	/* Zeroed: MADV_REMOVE for shared memory, MADV_DONTNEED for private. */
	if (madvise(vm->ram, vm->ram_size, MADV_REMOVE) &&
	    madvise(vm->ram, vm->ram_size, MADV_DONTNEED)) {
		ret = -errno;
		fprintf(stderr, "hvkm-vmm: clearing guest RAM: %s\n", strerror(errno));
		return ret;
	}
	pthread_mutex_lock(&vm->dev_lock);
	vm_reset_devices(vm);
	vm_pit_rearm(vm);
	pthread_mutex_unlock(&vm->dev_lock);
	ret = vm_create_partition(vm);
	if (!ret)
		ret = vm_register_ram(vm);
	if (ret)
		return ret;
	pthread_mutex_lock(&vm->stop_lock);
	vm->stop = VM_RUNNING;
	pthread_mutex_unlock(&vm->stop_lock);
	return vm_load_kernel(vm);
}

int vm_read_file(const char *path, uint8_t **buf, size_t *len)
{
	struct stat st;
	size_t done = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		close(fd);
		return -errno;
	}
	*len = (size_t)st.st_size;
	*buf = malloc(*len ? *len : 1);
	if (!*buf) {
		close(fd);
		return -ENOMEM;
	}
	while (done < *len) {
		ssize_t n = read(fd, *buf + done, *len - done);

		if (n <= 0) {
			free(*buf);
			*buf = NULL;
			close(fd);
			return n < 0 ? -errno : -EIO;
		}
		done += (size_t)n;
	}
	close(fd);
	return 0;
}

static struct hvkm_register_assoc seg(uint32_t name, uint16_t sel, uint16_t attr, uint32_t limit)
{
	struct hvkm_register_assoc r = { .name = name };

	r.value.segment.selector = sel;
	r.value.segment.attributes = attr;
	r.value.segment.limit = limit;
	return r;
}

static struct hvkm_register_assoc reg(uint32_t name, uint64_t value)
{
	struct hvkm_register_assoc r = { .name = name };

	r.value.reg64 = value;
	return r;
}

/* Long mode as the 64-bit boot protocol wants it: paging on, flat segments. */
static int vm_set_boot_regs(struct vp *vp, const struct linux_entry *e)
{
	struct hvkm_register_assoc regs[16];
	unsigned int n = 0;

	regs[n++] = seg(HV_X64_REGISTER_CS, BOOT_SEL_CODE64, 0xa09b, 0xffffffff);
	regs[n++] = seg(HV_X64_REGISTER_DS, BOOT_SEL_DATA, 0xc093, 0xffffffff);
	regs[n++] = seg(HV_X64_REGISTER_ES, BOOT_SEL_DATA, 0xc093, 0xffffffff);
	regs[n++] = seg(HV_X64_REGISTER_SS, BOOT_SEL_DATA, 0xc093, 0xffffffff);
	regs[n++] = seg(HV_X64_REGISTER_FS, BOOT_SEL_DATA, 0xc093, 0xffffffff);
	regs[n++] = seg(HV_X64_REGISTER_GS, BOOT_SEL_DATA, 0xc093, 0xffffffff);
	regs[n++] = seg(HV_X64_REGISTER_TR, 0, 0x008b, 0x67);	/* busy 64-bit TSS */
	regs[n] = (struct hvkm_register_assoc){ .name = HV_X64_REGISTER_GDTR };
	regs[n].value.table.base = BOOT_GDT;
	regs[n++].value.table.limit = BOOT_SEL_DATA + 7;
	regs[n++] = reg(HV_X64_REGISTER_CR3, e->cr3);
	regs[n++] = reg(HV_X64_REGISTER_CR4, 1u << 5);			/* PAE */
	regs[n++] = reg(HV_X64_REGISTER_EFER, (1u << 8) | (1u << 10));	/* LME, LMA */
	regs[n++] = reg(HV_X64_REGISTER_CR0, 0x80000031);		/* PG, NE, ET, PE */
	regs[n++] = reg(HV_X64_REGISTER_RFLAGS, 0x2);
	regs[n++] = reg(HV_X64_REGISTER_RSP, e->rsp);
	regs[n++] = reg(HV_X64_REGISTER_RSI, e->rsi);
	regs[n++] = reg(HV_X64_REGISTER_RIP, e->rip);
	return vp_set_regs(vp, regs, n);
}

/*
 * Multiboot 0.6.96 section 3.2: 32-bit protected mode, paging off, flat
 * 4 GiB code and data segments (from the GDT multiboot.c wrote, should
 * the kernel reload them before its own), IF=0, EAX the magic and EBX the
 * information structure.  The stack is the kernel's business.
 */
static int vm_set_multiboot_regs(struct vp *vp, const struct mb_entry *e)
{
	struct hvkm_register_assoc regs[16];
	unsigned int n = 0;

	regs[n++] = seg(HV_X64_REGISTER_CS, MB_SEL_CODE32, 0xc09b, 0xffffffff);
	regs[n++] = seg(HV_X64_REGISTER_DS, MB_SEL_DATA, 0xc093, 0xffffffff);
	regs[n++] = seg(HV_X64_REGISTER_ES, MB_SEL_DATA, 0xc093, 0xffffffff);
	regs[n++] = seg(HV_X64_REGISTER_SS, MB_SEL_DATA, 0xc093, 0xffffffff);
	regs[n++] = seg(HV_X64_REGISTER_FS, MB_SEL_DATA, 0xc093, 0xffffffff);
	regs[n++] = seg(HV_X64_REGISTER_GS, MB_SEL_DATA, 0xc093, 0xffffffff);
	regs[n++] = seg(HV_X64_REGISTER_TR, 0, 0x008b, 0x67);	/* busy 32-bit TSS */
	regs[n] = (struct hvkm_register_assoc){ .name = HV_X64_REGISTER_GDTR };
	regs[n].value.table.base = MB_GDT;
	regs[n++].value.table.limit = MB_SEL_DATA + 7;
	regs[n++] = reg(HV_X64_REGISTER_CR4, 0);
	regs[n++] = reg(HV_X64_REGISTER_EFER, 0);
	regs[n++] = reg(HV_X64_REGISTER_CR0, 0x11);			/* ET, PE */
	regs[n++] = reg(HV_X64_REGISTER_RFLAGS, 0x2);
	regs[n++] = reg(HV_X64_REGISTER_RAX, MB_BOOTLOADER_MAGIC);
	regs[n++] = reg(HV_X64_REGISTER_RBX, e->ebx);
	regs[n++] = reg(HV_X64_REGISTER_RIP, e->eip);
	return vp_set_regs(vp, regs, n);
}

static int vm_load_bzimage(struct vm *vm, const uint8_t *kernel, size_t kernel_len,
			   struct linux_entry *e)
{
	const struct config *cfg = vm->cfg;
	uint8_t *initrd = NULL;
	size_t initrd_len = 0;
	char err[256];
	int ret;

	if (cfg->nr_modules) {
		fprintf(stderr, "hvkm-vmm: boot.modules: %s is a Linux bzImage, which takes an initrd, not modules\n",
			cfg->kernel);
		return VM_BOOT_REFUSED;
	}
	if (cfg->initrd) {
		ret = vm_read_file(cfg->initrd, &initrd, &initrd_len);
		if (ret) {
			fprintf(stderr, "hvkm-vmm: %s: %s\n", cfg->initrd, strerror(-ret));
			return VM_BOOT_REFUSED;
		}
	}
	ret = linux_load(vm->ram, vm->ram_low, vm->ram_high, kernel, kernel_len, initrd, initrd_len,
			 cfg->cmdline ? cfg->cmdline : "", e, err, sizeof(err));
	free(initrd);
	if (ret) {
		fprintf(stderr, "hvkm-vmm: %s\n", err);
		return VM_BOOT_REFUSED;
	}
	if (vm->verbose)
		fprintf(stderr, "hvkm-vmm: boot protocol %u.%02u, kernel at %#llx, initrd at %#llx (%llu bytes), entry %#llx\n",
			e->protocol >> 8, e->protocol & 0xff, (unsigned long long)e->kernel_gpa,
			(unsigned long long)e->initrd_gpa, (unsigned long long)e->initrd_size,
			(unsigned long long)e->rip);
	return 0;
}

int vm_load_kernel(struct vm *vm)
{
	const struct config *cfg = vm->cfg;
	uint8_t *kernel = NULL;
	size_t kernel_len = 0;
	struct linux_entry e;
	struct mb_entry mb;
	struct mb_header mbh;
	bool multiboot = false;
	char err[256];
	int ret;

	ret = vm_read_file(cfg->kernel, &kernel, &kernel_len);
	if (ret) {
		fprintf(stderr, "hvkm-vmm: %s: %s\n", cfg->kernel, strerror(-ret));
		return VM_BOOT_REFUSED;
	}
	if (linux_is_bzimage(kernel, kernel_len)) {
		ret = vm_load_bzimage(vm, kernel, kernel_len, &e);
	} else if (mb_find_header(kernel, kernel_len, &mbh, err, sizeof(err)) != -ENOENT) {
		multiboot = true;
		ret = vm_load_multiboot(vm, kernel, kernel_len, &mb);
	} else {
		fprintf(stderr, "hvkm-vmm: boot.kernel: %s is neither a Linux bzImage nor a Multiboot kernel\n",
			cfg->kernel);
		ret = VM_BOOT_REFUSED;
	}
	free(kernel);
	if (ret)
		return ret;
	{
		struct acpi_config ac = { .nr_vps = vm->nr_vps };
		struct acpi_layout al;
		unsigned int i;

		for (i = 0; i < CONFIG_MAX_SERIAL; i++)
			if (vm->serial_present[i])
				ac.com_present |= 1u << i;
		ret = acpi_write(vm->ram, vm->ram_low, &ac, &al);
		if (ret) {
			fprintf(stderr, "hvkm-vmm: no room for the ACPI tables\n");
			return ret;
		}
		if (vm->verbose)
			fprintf(stderr, "hvkm-vmm: ACPI RSDP at %#x, DSDT at %#x (%u bytes)\n",
				ACPI_BASE, ACPI_BASE + al.dsdt, al.end - al.dsdt);
	}
	if (vm->nr_vps > 1) {
		unsigned int sig, b, c, features, i;

		/*
		 * Without ACPI, Linux learns of the other VPs from an MP table;
		 * with one VP none is needed (it then uses virtual-wire mode).
		 */
		__cpuid(1, sig, b, c, features);
		if (!mptable_write(vm->ram, vm->ram_low, vm->nr_vps, sig, features)) {
			fprintf(stderr, "hvkm-vmm: no room for the MP table\n");
			return -E2BIG;
		}
		/*
		 * After a reset the application processors wait for a SIPI
		 * (SDM 8.4.1); an INIT puts hvkm's VPs there.
		 */
		for (i = 1; i < vm->nr_vps; i++) {
			struct hvkm_assert_interrupt ai = {
				.control = HV_X64_INTERRUPT_TYPE_INIT,
				.dest_addr = i,
			};

			if (ioctl(vm->fd, HVKM_ASSERT_INTERRUPT, &ai)) {
				ret = -errno;
				fprintf(stderr, "hvkm-vmm: INIT to VP %u: %s\n", i, strerror(errno));
				return ret;
			}
		}
	}
	ret = multiboot ? vm_set_multiboot_regs(&vm->vps[0], &mb) : vm_set_boot_regs(&vm->vps[0], &e);
	if (ret)
		fprintf(stderr, "hvkm-vmm: HVKM_SET_REGISTERS: %s\n", strerror(-ret));
	return ret;
}

int vm_run(struct vm *vm)
{
	unsigned int i;
	int ret;
	sigset_t set;

	/* Only the VP threads take the kick signal (vp.c). */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	ret = loop_start(&vm->loop);
	if (ret)
		return VM_STOP_ERROR;
	for (i = 0; i < vm->nr_vps; i++) {
		ret = vp_start(&vm->vps[i]);
		if (ret) {
			vm_request_stop(vm, VM_STOP_ERROR);
			break;
		}
	}
	pthread_mutex_lock(&vm->stop_lock);
	while (vm->stop == VM_RUNNING)
		pthread_cond_wait(&vm->stop_cond, &vm->stop_lock);
	pthread_mutex_unlock(&vm->stop_lock);
	for (i = 0; i < vm->nr_vps; i++)
		vp_destroy(&vm->vps[i]);
	loop_stop(&vm->loop);
	if (vm->verbose)
		for (i = 0; i < vm->nr_vps; i++)
			fprintf(stderr, "hvkm-vmm: VP %u: %lu exits to the VMM\n", i, vm->vps[i].exits);
	return vm->stop;
}

void vm_destroy(struct vm *vm)
{
	unsigned int i;

	vm_destroy_partition(vm);
	free(vm->vps);
	vm->vps = NULL;
	loop_free(&vm->loop);
	if (vm->pit_timer_fd >= 0)
		close(vm->pit_timer_fd);
	if (vm->rtc_timer_fd >= 0)
		close(vm->rtc_timer_fd);
	for (i = 0; i < CONFIG_MAX_SERIAL; i++)
		serial_backend_close(&vm->serial_backend[i]);
	if (vm->dev_fd >= 0)
		close(vm->dev_fd);
	guest_ram_free(&vm->guest_ram);
	vm->ram = NULL;
	bus_free(&vm->io);
	bus_free(&vm->mmio);
}
