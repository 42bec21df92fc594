// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupts from the VMM's devices into the in-kernel local APIC: MSIs by
 * ioctl and through eventfds, EOI exits for level-triggered vectors (the
 * VMM's IOAPIC needs them for Remote IRR), and the APIC's state saved and
 * restored through HVKM_GET_LAPIC / HVKM_SET_LAPIC.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "lib/guest.h"
#include "lib/ksft.h"

#define MEM_SIZE	(16 << 20)

#define APIC_ID		0x20
#define APIC_TPR	0x80
#define APIC_LDR	0xd0
#define APIC_DFR	0xe0
#define APIC_SVR	0xf0
#define APIC_IRR	0x200
#define APIC_LVTT	0x320
#define APIC_TMICT	0x380
#define APIC_TMCCT	0x390
#define APIC_TDCR	0x3e0

#define MSI_ADDR(dest)	(0xfee00000ULL | (uint64_t)(dest) << 12)
#define MSI_LOGICAL	(1u << 2)
#define MSI_LEVEL	(1u << 15)
#define MSI_ASSERT	(1u << 14)

static struct hvkm_vm vm;
static struct hvkm_vcpu vcpu;

static uint32_t apic_read(uint32_t reg)
{
	return *(volatile uint32_t *)(GUEST_APIC_MMIO + reg);
}

static void apic_write(uint32_t reg, uint32_t val)
{
	*(volatile uint32_t *)(GUEST_APIC_MMIO + reg) = val;
}

static int start(void (*fn)(uint64_t))
{
	return vm_start_long_mode(&vm, &vcpu, MEM_SIZE, 1, fn, 0);
}

static int msi(uint64_t address, uint32_t data)
{
	struct hvkm_msi m = { .address = address, .data = data };

	return ioctl(vm.fd, HVKM_SIGNAL_MSI, &m) ? -errno : 0;
}

static void guest_msi(uint64_t arg)
{
	(void)arg;
	guest_apic_enable();
	apic_write(APIC_DFR, 0xffffffff);	/* flat model */
	apic_write(APIC_LDR, 1u << 24);		/* logical id bit 0 */
	GUEST_SYNC(1);
	asm volatile("sti; nop; cli");
	GUEST_ASSERT_EQ(guest_irq_count[0x41], 1);	/* physical, to APIC id 0 */
	GUEST_ASSERT_EQ(guest_irq_count[0x42], 1);	/* logical, to id bit 0 */
	GUEST_ASSERT_EQ(guest_irq_count[0x43], 0);	/* logical, to id bit 1: nobody */
	GUEST_ASSERT_EQ(guest_irq_count[0x44], 0);	/* physical, to APIC id 1: nobody */
	GUEST_ASSERT_EQ(guest_irq_count[2], 1);		/* NMI */
	GUEST_DONE();
}

static int msi_reaches_the_apic(void)
{
	KSFT_CHECK(start(guest_msi) == 0, "setup");
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_SYNC, NULL) == 0, "stage 1");
	KSFT_CHECK(msi(MSI_ADDR(0), 0x41) == 0, "physical");
	KSFT_CHECK(msi(MSI_ADDR(1) | MSI_LOGICAL, 0x42) == 0, "logical");
	KSFT_CHECK(msi(MSI_ADDR(2) | MSI_LOGICAL, 0x43) == 0, "logical, no match");
	KSFT_CHECK(msi(MSI_ADDR(1), 0x44) == 0, "physical, no such APIC");
	KSFT_CHECK(msi(MSI_ADDR(0), 4 << 8) == 0, "NMI");
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_DONE, NULL) == 0, "guest");
	vm_stop(&vm, &vcpu);
	return KSFT_PASS;
}

static void guest_idle(uint64_t arg)
{
	(void)arg;
	GUEST_DONE();
}

static int msi_bad_arguments(void)
{
	struct hvkm_msi reserved = { .address = MSI_ADDR(0), .data = 0x40, .reserved = 1 };

	KSFT_CHECK(start(guest_idle) == 0, "setup");
	KSFT_CHECK(msi(0xfed00000, 0x40) == -EINVAL, "address outside the APIC range");
	KSFT_CHECK(msi(0x1fee00000ULL, 0x40) == -EINVAL, "address above 4 GiB");
	KSFT_CHECK(msi(MSI_ADDR(0), 0x0f) == -EINVAL, "fixed vector below 16");
	KSFT_CHECK(msi(MSI_ADDR(0), 2 << 8) == -EINVAL, "SMI");
	KSFT_CHECK(msi(MSI_ADDR(0), 3 << 8) == -EINVAL, "reserved mode 011b");
	KSFT_CHECK(msi(MSI_ADDR(0), 6 << 8 | 0x40) == -EINVAL, "reserved mode 110b");
	KSFT_CHECK(msi(MSI_ADDR(0), 1u << 16 | 0x40) == -EINVAL, "reserved data bits");
	KSFT_CHECK(ioctl(vm.fd, HVKM_SIGNAL_MSI, &reserved) == -1 && errno == EINVAL,
		   "reserved field");
	KSFT_CHECK(ioctl(vm.fd, HVKM_SIGNAL_MSI, (void *)8) == -1 && errno == EFAULT, "bad pointer");
	vm_stop(&vm, &vcpu);
	return KSFT_PASS;
}

static int irqfd(int fd, uint32_t flags, uint32_t data)
{
	struct hvkm_irqfd r = { .fd = fd, .flags = flags,
				.msi = { .address = MSI_ADDR(0), .data = data } };

	return ioctl(vm.fd, HVKM_IRQFD, &r) ? -errno : 0;
}

static void guest_irqfd(uint64_t arg)
{
	(void)arg;
	guest_apic_enable();
	GUEST_SYNC(1);
	/* The route delivers from a work item: HLT waits for it. */
	while (!guest_irq_count[0x45])
		asm volatile("sti; hlt; cli");
	GUEST_SYNC(2);
	while (guest_irq_count[0x45] < 2)
		asm volatile("sti; hlt; cli");
	GUEST_SYNC(3);
	asm volatile("sti; nop; cli");
	GUEST_ASSERT_EQ(guest_irq_count[0x45], 2);	/* nothing after DEASSIGN */
	GUEST_DONE();
}

static bool eventfd_counter(int efd, uint64_t *count)
{
	return read(efd, count, sizeof(*count)) == sizeof(*count);
}

static int irqfd_interrupts_the_guest(void)
{
	const struct timespec settle = { .tv_nsec = 100 * 1000 * 1000 };
	uint64_t one = 1, count;
	int efd = eventfd(0, EFD_NONBLOCK);

	KSFT_CHECK(efd >= 0, "eventfd");
	KSFT_CHECK(start(guest_irqfd) == 0, "setup");
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_SYNC, NULL) == 0, "APIC enabled");
	/* A write before the route exists still counts once the route is made. */
	KSFT_CHECK(write(efd, &one, sizeof(one)) == sizeof(one), "write");
	KSFT_CHECK(irqfd(efd, 0, 0x45) == 0, "assign");
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_SYNC, NULL) == 0, "first interrupt");
	KSFT_CHECK(write(efd, &one, sizeof(one)) == sizeof(one), "write");
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_SYNC, NULL) == 0, "second interrupt");
	KSFT_CHECK(!eventfd_counter(efd, &count) && errno == EAGAIN, "the route took the count");
	KSFT_CHECK(irqfd(efd, HVKM_IRQFD_DEASSIGN, 0) == 0, "deassign");
	KSFT_CHECK(write(efd, &one, sizeof(one)) == sizeof(one), "write after deassign");
	nanosleep(&settle, NULL);
	KSFT_CHECK(eventfd_counter(efd, &count) && count == 1, "the count stays in the eventfd");
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_DONE, NULL) == 0, "guest");
	vm_stop(&vm, &vcpu);
	close(efd);
	return KSFT_PASS;
}

static int irqfd_bad_arguments(void)
{
	struct hvkm_irqfd reserved = { .msi = { .address = MSI_ADDR(0), .data = 0x40 },
				       .reserved = { 1 } };
	int efd = eventfd(0, 0), pipefd[2];

	KSFT_CHECK(efd >= 0 && pipe(pipefd) == 0, "fds");
	KSFT_CHECK(start(guest_idle) == 0, "setup");
	KSFT_CHECK(irqfd(-1, 0, 0x40) == -EBADF, "no such fd");
	KSFT_CHECK(irqfd(pipefd[0], 0, 0x40) == -EINVAL, "not an eventfd");
	KSFT_CHECK(irqfd(efd, 0, 0x05) == -EINVAL, "bad MSI");
	KSFT_CHECK(irqfd(efd, 2, 0x40) == -EINVAL, "unknown flag");
	reserved.fd = efd;
	KSFT_CHECK(ioctl(vm.fd, HVKM_IRQFD, &reserved) == -1 && errno == EINVAL, "reserved");
	KSFT_CHECK(irqfd(efd, HVKM_IRQFD_DEASSIGN, 0) == -ENOENT, "deassign without route");
	KSFT_CHECK(irqfd(efd, 0, 0x40) == 0, "assign");
	KSFT_CHECK(irqfd(efd, 0, 0x41) == -EBUSY, "assign twice");
	KSFT_CHECK(ioctl(vm.fd, HVKM_IRQFD, (void *)8) == -1 && errno == EFAULT, "bad pointer");
	/* Closing the partition with the route in place releases it (kmemleak checks). */
	vm_stop(&vm, &vcpu);
	close(efd);
	close(pipefd[0]);
	close(pipefd[1]);
	return KSFT_PASS;
}

static void guest_eoi(uint64_t arg)
{
	(void)arg;
	guest_apic_enable();
	GUEST_SYNC(1);
	/* The library's handler EOIs each one. */
	asm volatile("sti; nop; cli");
	GUEST_ASSERT_EQ(guest_irq_count[0x50] + guest_irq_count[0x51] +
			guest_irq_count[0x52], 3);
	GUEST_DONE();
}

static int eoi_exits_for_level_vectors(void)
{
	struct hvkm_eoi_exits exits = { .vectors = { [1] = 3ull << (0x50 - 64) } };
	int eois = 0, vector = -1, cmd;
	struct ucall uc;

	KSFT_CHECK(start(guest_eoi) == 0, "setup");
	KSFT_CHECK(ioctl(vm.fd, HVKM_SET_EOI_EXITS, &exits) == 0, "set EOI exits");
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_SYNC, NULL) == 0, "stage 1");
	KSFT_CHECK(msi(MSI_ADDR(0), MSI_LEVEL | MSI_ASSERT | 0x50) == 0, "level, exits");
	KSFT_CHECK(msi(MSI_ADDR(0), 0x51) == 0, "edge, in the bitmap");
	KSFT_CHECK(msi(MSI_ADDR(0), MSI_LEVEL | MSI_ASSERT | 0x52) == 0, "level, not in it");
	while ((cmd = vcpu_run_ucall(&vm, &vcpu, &uc)) == UCALL_NONE &&
	       vcpu.run->exit_reason == HVKM_EXIT_EOI) {
		eois++;
		vector = vcpu.run->eoi.vector;
	}
	KSFT_CHECK(cmd == UCALL_DONE, "guest (ucall %d, exit %u)", cmd, vcpu.run->exit_reason);
	KSFT_CHECK(eois == 1 && vector == 0x50, "%d EOI exits, last vector %#x", eois, vector);
	KSFT_CHECK(ioctl(vm.fd, HVKM_SET_EOI_EXITS, (void *)8) == -1 && errno == EFAULT,
		   "bad pointer");
	vm_stop(&vm, &vcpu);
	return KSFT_PASS;
}

static void guest_state(uint64_t arg)
{
	(void)arg;
	guest_apic_enable();
	apic_write(APIC_TPR, 0x20);
	apic_write(APIC_TDCR, 0xb);			/* divide by 1 */
	apic_write(APIC_LVTT, 1u << 16 | 0x60);		/* masked one-shot */
	apic_write(APIC_TMICT, 1000000000);		/* 5 s at 200 MHz */
	GUEST_SYNC(1);
	GUEST_ASSERT_EQ(apic_read(APIC_TPR), 0x30);	/* as the VMM restored it */
	GUEST_ASSERT(apic_read(APIC_TMCCT) != 0);	/* still counting */
	asm volatile("sti; nop; cli");
	GUEST_ASSERT_EQ(guest_irq_count[0x70], 1);	/* the restored IRR bit */
	GUEST_DONE();
}

static uint32_t reg(const struct hvkm_lapic_state *s, uint32_t off)
{
	uint32_t v;

	memcpy(&v, &s->regs[off], sizeof(v));
	return v;
}

static void set_reg(struct hvkm_lapic_state *s, uint32_t off, uint32_t v)
{
	memcpy(&s->regs[off], &v, sizeof(v));
}

static int lapic_state_round_trip(void)
{
	struct hvkm_lapic_state s, again, bad;
	uint32_t count;

	KSFT_CHECK(start(guest_state) == 0, "setup");
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_SYNC, NULL) == 0, "stage 1");
	KSFT_CHECK(ioctl(vcpu.fd, HVKM_GET_LAPIC, &s) == 0, "get");
	KSFT_CHECK(reg(&s, APIC_ID) == 0 && reg(&s, APIC_TPR) == 0x20, "ID %#x TPR %#x",
		   reg(&s, APIC_ID), reg(&s, APIC_TPR));
	KSFT_CHECK(reg(&s, APIC_SVR) & 0x100, "SVR %#x", reg(&s, APIC_SVR));
	count = reg(&s, APIC_TMCCT);
	KSFT_CHECK(reg(&s, APIC_TMICT) == 1000000000 && count && count <= 1000000000,
		   "TMICT %u TMCCT %u", reg(&s, APIC_TMICT), count);
	set_reg(&s, APIC_TPR, 0x30);
	set_reg(&s, APIC_IRR + 0x30, 1u << 16);		/* vector 0x70 pending */
	KSFT_CHECK(ioctl(vcpu.fd, HVKM_SET_LAPIC, &s) == 0, "set");
	KSFT_CHECK(ioctl(vcpu.fd, HVKM_GET_LAPIC, &again) == 0, "get again");
	KSFT_CHECK(reg(&again, APIC_TPR) == 0x30, "TPR %#x", reg(&again, APIC_TPR));
	KSFT_CHECK(reg(&again, APIC_IRR + 0x30) == 1u << 16, "IRR %#x", reg(&again, APIC_IRR + 0x30));
	KSFT_CHECK(reg(&again, APIC_TMCCT) && reg(&again, APIC_TMCCT) <= count,
		   "timer restarted from %u: %u", count, reg(&again, APIC_TMCCT));
	bad = s;
	set_reg(&bad, APIC_ID, 5u << 24);
	KSFT_CHECK(ioctl(vcpu.fd, HVKM_SET_LAPIC, &bad) == -1 && errno == EINVAL, "foreign ID");
	KSFT_CHECK(ioctl(vcpu.fd, HVKM_GET_LAPIC, (void *)8) == -1 && errno == EFAULT, "bad get");
	KSFT_CHECK(ioctl(vcpu.fd, HVKM_SET_LAPIC, (void *)8) == -1 && errno == EFAULT, "bad set");
	KSFT_CHECK(vcpu_expect_ucall(&vm, &vcpu, UCALL_DONE, NULL) == 0, "guest");
	vm_stop(&vm, &vcpu);
	return KSFT_PASS;
}

static const struct ksft_case cases[] = {
	KSFT_CASE(msi_reaches_the_apic),
	KSFT_CASE(msi_bad_arguments),
	KSFT_CASE(irqfd_interrupts_the_guest),
	KSFT_CASE(irqfd_bad_arguments),
	KSFT_CASE(eoi_exits_for_level_vectors),
	KSFT_CASE(lapic_state_round_trip),
};

int main(void)
{
	return ksft_run(cases, KSFT_NR(cases), NULL);
}
