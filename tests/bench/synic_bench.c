// SPDX-License-Identifier: GPL-2.0
/*
 * make bench, second part: SynIC round trips on hvkm and on KVM (kvm_amd with
 * its Hyper-V emulation: the "Hv#1" CPUID interface, KVM_CAP_HYPERV_SYNIC2,
 * an in-kernel irqchip), in the same VM, with the same flat 32-bit guest code:
 *
 *   signal  guest fast HvSignalEvent (TLFS 11.10.3) on a connection the VMM
 *           bound to an eventfd (HVKM_SYNIC_EVENTFD / KVM_HYPERV_EVENTFD),
 *           then STI; HLT; a host thread blocked in read() on that eventfd
 *           wakes and acknowledges by interrupting SINT 2 through another
 *           eventfd (an HVKM_SYNIC_SINT_ROUTE / an irqfd on a
 *           KVM_IRQ_ROUTING_HV_SINT route); the guest's ISR (EOI, count)
 *           wakes it for the next signal.  Halting rather than spinning, a
 *           round trip does not need both vCPUs of the test VM running at
 *           once, which on a shared host is luck.
 *   post    the VMM posts a message to SINT 2 of VP 0 (TLFS 11.9); the
 *           guest's ISR checks the message type, clears the slot, writes
 *           EOM and the local APIC EOI, counts, and does OUT 0x60, on which
 *           the VMM posts the next one.  hvkm: HVKM_SYNIC_POST_MESSAGE.  KVM
 *           has no post ioctl, so the VMM does what QEMU does: it writes the
 *           message into the guest's SIM slot itself and interrupts the SINT
 *           through an irqfd on a KVM_IRQ_ROUTING_HV_SINT route.
 *
 * Best of three runs each, the rounds alternating between hvkm and KVM; no
 * timing is asserted.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "bench_common.h"
#include "lib/guest.h"
#include "lib/hvkm_test.h"
#include "lib/hvkm_vm.h"

#define ROUNDS		3
#define ITERATIONS	2000		/* round trips per run */
#define WATCHDOG_S	120		/* seconds for one round of all four */

/* Guest physical layout (flat: GPA = linear address). */
#define MEM_SIZE	0x20000
#define GDT_GPA		0x500
#define GDTR_GPA	0x600		/* LGDT/LIDT operands: 16-bit limit, 32-bit base */
#define IDTR_GPA	0x610
#define IDT_GPA		0x800
#define CODE_GPA	0x1000
#define HCALL_GPA	0x3000		/* hypercall page */
#define SIMP_GPA	0x4000		/* SynIC message page */
#define COUNT_GPA	0x6004		/* interrupts the ISR took */
#define STACK_TOP	0xfff0

#define SEL_DATA	0x10		/* the selectors hvkm's test library loads */
#define SEL_CODE	0x18

#define CONN_ID		0x123
#define SINT		2
#define VECTOR		0x50
#define MSG_TYPE	0x5a5a
#define SLOT_GPA	(SIMP_GPA + 256 * SINT)
#define PAYLOAD		16

/* Port numbers of the guest's OUTs. */
#define PORT_DONE	0x60		/* post: one message handled */
#define PORT_END	0x61		/* signal: all iterations done */
#define PORT_READY	0x62		/* set up, timing starts */
#define PORT_FAIL	0x63		/* a hypercall failed / a wrong message */

#define STR(x)		#x
#define XSTR(x)		STR(x)

/*
 * The guest programs, copied to CODE_GPA.  Both start in flat 32-bit
 * protected mode (hypercalls #UD in real mode, TLFS 3.3), enable the
 * hypercall page (TLFS 3.13) and signal readiness with OUT PORT_READY.
 */
/*
 * Both programs start with this: a stack, the host-built GDT and IDT, the
 * guest OS id (TLFS 3.13), the SIM page, the SynIC and SINT 2 on (TLFS 11.8),
 * and the local APIC software-enabled (SDM 10.4.7.1).
 */
#define SETUP								\
	"	mov $0xfff0, %esp\n"					\
	"	lgdt " XSTR(GDTR_GPA) "\n"				\
	"	lidt " XSTR(IDTR_GPA) "\n"				\
	"	mov $0x40000000, %ecx\n"	/* HV_X64_MSR_GUEST_OS_ID */	\
	"	mov $1, %eax\n"					\
	"	xor %edx, %edx\n"					\
	"	wrmsr\n"						\
	"	mov $0x40000083, %ecx\n"	/* HV_X64_MSR_SIMP */	\
	"	mov $(" XSTR(SIMP_GPA) " | 1), %eax\n"		\
	"	wrmsr\n"						\
	"	mov $0x40000080, %ecx\n"	/* HV_X64_MSR_SCONTROL */	\
	"	mov $1, %eax\n"					\
	"	wrmsr\n"						\
	"	mov $(0x40000090 + " XSTR(SINT) "), %ecx\n"		\
	"	mov $" XSTR(VECTOR) ", %eax\n"	/* unmasked, no AutoEOI */	\
	"	wrmsr\n"						\
	"	movl $0x1ff, 0xfee000f0\n"	/* APIC SVR */

extern const uint8_t signal_start[], signal_isr[], signal_end[];
extern const uint8_t post_start[], post_isr[], post_end[];

asm(".pushsection .rodata\n"
    ".code32\n"
    "signal_start:\n"
    SETUP
    "	mov $0x40000001, %ecx\n"		/* HV_X64_MSR_HYPERCALL */
    "	mov $(" XSTR(HCALL_GPA) " | 1), %eax\n"
    "	wrmsr\n"
    "	out %al, $" XSTR(PORT_READY) "\n"
    "	mov $1, %esi\n"
    "1:	mov $0x1005d, %eax\n"			/* fast | HvCallSignalEvent */
    "	xor %edx, %edx\n"
    "	mov $" XSTR(CONN_ID) ", %ecx\n"		/* input: EBX:ECX = flag 0, connection */
    "	xor %ebx, %ebx\n"
    "	vmmcall\n"
    "	test %ax, %ax\n"			/* HV_STATUS in AX */
    "	jnz 3f\n"
    "2:	cmp %esi, " XSTR(COUNT_GPA) "\n"		/* the ISR counted the acknowledgement? */
    "	je 4f\n"
    "	sti\n"					/* STI; HLT: no interrupt between them */
    "	hlt\n"
    "	cli\n"
    "	jmp 2b\n"
    "4:	inc %esi\n"
    "	cmp $" XSTR(ITERATIONS + 1) ", %esi\n"
    "	jne 1b\n"
    "	out %al, $" XSTR(PORT_END) "\n"
    "	hlt\n"
    "3:	out %al, $" XSTR(PORT_FAIL) "\n"
    "	hlt\n"
    "signal_isr:\n"				/* a SINT without a message: EOI, count */
    "	movl $0, 0xfee000b0\n"
    "	incl " XSTR(COUNT_GPA) "\n"
    "	iret\n"
    "signal_end:\n"

    "post_start:\n"
    SETUP
    "	sti\n"
    "	out %al, $" XSTR(PORT_READY) "\n"
    "1:	jmp 1b\n"
    "post_isr:\n"
    "	push %eax\n"
    "	push %ecx\n"
    "	push %edx\n"
    "	cmpl $" XSTR(MSG_TYPE) ", " XSTR(SLOT_GPA) "\n"
    "	jne 2f\n"
    "	movl $0, " XSTR(SLOT_GPA) "\n"		/* HvMessageTypeNone: the slot is free */
    "	mov $0x40000084, %ecx\n"		/* HV_X64_MSR_EOM */
    "	xor %eax, %eax\n"
    "	xor %edx, %edx\n"
    "	wrmsr\n"
    "	movl $0, 0xfee000b0\n"			/* APIC EOI */
    "	incl " XSTR(COUNT_GPA) "\n"
    "	out %al, $" XSTR(PORT_DONE) "\n"
    "	pop %edx\n"
    "	pop %ecx\n"
    "	pop %eax\n"
    "	iret\n"
    "2:	out %al, $" XSTR(PORT_FAIL) "\n"
    "	hlt\n"
    "post_end:\n"
    ".code64\n"
    ".popsection\n");

enum bench { SIGNAL, POST };

/* The guest program, its GDT and the IDT gate to its ISR. */
static void load_guest(uint8_t *mem, enum bench b)
{
	uint64_t *gdt = (uint64_t *)(mem + GDT_GPA);
	uint64_t *gate = (uint64_t *)(mem + IDT_GPA) + VECTOR;
	uint32_t isr;

	if (b == SIGNAL) {
		memcpy(mem + CODE_GPA, signal_start, signal_end - signal_start);
		isr = CODE_GPA + (signal_isr - signal_start);
	} else {
		memcpy(mem + CODE_GPA, post_start, post_end - post_start);
		isr = CODE_GPA + (post_isr - post_start);
	}
	gdt[SEL_DATA / 8] = 0x00cf93000000ffffULL;	/* flat data */
	gdt[SEL_CODE / 8] = 0x00cf9b000000ffffULL;	/* flat 32-bit code */
	*(uint16_t *)(mem + GDTR_GPA) = 4 * 8 - 1;
	*(uint32_t *)(mem + GDTR_GPA + 2) = GDT_GPA;
	*(uint16_t *)(mem + IDTR_GPA) = 256 * 8 - 1;
	*(uint32_t *)(mem + IDTR_GPA + 2) = IDT_GPA;
	/* A 32-bit interrupt gate, present, DPL 0 (SDM 6.11). */
	*gate = (isr & 0xffff) | ((uint64_t)SEL_CODE << 16) | (0x8eULL << 40) |
		((uint64_t)(isr >> 16) << 48);
}

/* ---- the eventfd side of SIGNAL, the same for both ---------------------- */

struct acker {
	int efd;		/* the connection's eventfd */
	int kick_fd;		/* an eventfd that interrupts the guest's SINT */
	volatile bool stop;	/* the guest stopped early: leave */
	int err;
};

static void *ack_thread(void *arg)
{
	struct acker *a = arg;
	uint64_t v, one = 1;
	uint32_t i;


	for (i = 1; i <= ITERATIONS; i++) {
		if (read(a->efd, &v, sizeof(v)) != sizeof(v)) {
			a->err = errno ? errno : EIO;
			return NULL;
		}
		if (write(a->kick_fd, &one, sizeof(one)) != sizeof(one)) {
			a->err = errno;
			return NULL;
		}
	}
	return NULL;
}

/* The guest stopped early: wake the thread and let it go. */
static void stop_acker(struct acker *a, pthread_t tid)
{
	uint64_t one = 1;

	a->stop = true;
	if (write(a->efd, &one, sizeof(one)) != sizeof(one))
		a->err = errno;
	pthread_join(tid, NULL);
}

/* ---- hvkm ---------------------------------------------------------------- */

static int hvkm_run_to(struct hvkm_vcpu *vcpu, uint16_t port)
{
	if (vcpu_run(vcpu) || vcpu->run->exit_reason != HVKM_EXIT_IO) {
		printf("bench: hvkm guest stopped: exit %u at %#llx\n", vcpu->run->exit_reason,
		       (unsigned long long)vcpu->run->rip);
		return -1;
	}
	if (vcpu->run->io.port != port) {
		printf("bench: hvkm guest: OUT %#x, want %#x\n", vcpu->run->io.port, port);
		return -1;
	}
	return 0;
}

static double hvkm_measure(enum bench b)
{
	struct hvkm_synic_post post = {
		.vp_index = 0, .sint = SINT, .message_type = MSG_TYPE, .payload_size = PAYLOAD,
	};
	struct hvkm_synic_route kick = { .vp_index = 0, .sint = SINT };
	struct hvkm_synic_eventfd ev = { .connection_id = CONN_ID };
	struct hvkm_vcpu vcpu = { .fd = -1 };
	struct acker a = { .efd = -1, .kick_fd = -1 };
	bool joined = true;
	struct hvkm_vm vm;
	double start, us = -1;
	pthread_t tid;
	int i;

	if (vm_create(&vm, MEM_SIZE, 1) || vcpu_create(&vm, &vcpu, 0))
		goto out;
	load_guest(vm.mem, b);
	if (vcpu_set_protected_mode(&vcpu, CODE_GPA) || hvkm_run_to(&vcpu, PORT_READY))
		goto out;
	if (b == SIGNAL) {
		a.efd = eventfd(0, EFD_CLOEXEC);
		a.kick_fd = eventfd(0, EFD_CLOEXEC);
		ev.fd = a.efd;
		kick.fd = a.kick_fd;
		if (a.efd < 0 || a.kick_fd < 0 || ioctl(vm.fd, HVKM_SYNIC_EVENTFD, &ev) ||
		    ioctl(vm.fd, HVKM_SYNIC_SINT_ROUTE, &kick) ||
		    pthread_create(&tid, NULL, ack_thread, &a))
			goto out;
		joined = false;
		start = now_us();
		if (hvkm_run_to(&vcpu, PORT_END))
			goto out;
		us = (now_us() - start) / ITERATIONS;
		pthread_join(tid, NULL);
		joined = true;
		if (a.err || *(uint32_t *)(vm.mem + COUNT_GPA) != ITERATIONS)
			us = -1;
		goto out;
	}
	memcpy(post.payload, "synic_bench post", PAYLOAD);
	start = now_us();
	for (i = 0; i < ITERATIONS; i++)
		if (ioctl(vm.fd, HVKM_SYNIC_POST_MESSAGE, &post) || hvkm_run_to(&vcpu, PORT_DONE))
			goto out;
	us = (now_us() - start) / ITERATIONS;
	if (*(uint32_t *)(vm.mem + COUNT_GPA) != ITERATIONS)
		us = -1;
out:
	if (!joined)
		stop_acker(&a, tid);
	if (a.efd >= 0)
		close(a.efd);
	if (a.kick_fd >= 0)
		close(a.kick_fd);
	vcpu_destroy(&vcpu);
	vm_destroy(&vm);
	return us;
}

/* ---- KVM ----------------------------------------------------------------- */

struct kvm_box {
	int kvm, vm, vcpu, size;
	struct kvm_run *run;
	uint8_t *mem;
};

static void kvm_box_destroy(struct kvm_box *k)
{
	if (k->run && k->run != MAP_FAILED)
		munmap(k->run, k->size);
	if (k->mem && k->mem != MAP_FAILED)
		munmap(k->mem, MEM_SIZE);
	if (k->vcpu >= 0)
		close(k->vcpu);
	if (k->vm >= 0)
		close(k->vm);
	if (k->kvm >= 0)
		close(k->kvm);
}

/* A VM with an in-kernel irqchip and one vCPU with Hyper-V CPUID and SynIC, in flat 32-bit mode. */
static int kvm_box_create(struct kvm_box *k, enum bench b)
{
	struct kvm_userspace_memory_region region = { .memory_size = MEM_SIZE };
	struct kvm_enable_cap synic = { .cap = KVM_CAP_HYPERV_SYNIC2 };
	struct kvm_regs regs = { .rip = CODE_GPA, .rflags = 2, .rsp = STACK_TOP };
	struct kvm_sregs sregs;

	*k = (struct kvm_box){ .kvm = -1, .vm = -1, .vcpu = -1 };
	k->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (k->kvm < 0)
		return -1;
	k->vm = ioctl(k->kvm, KVM_CREATE_VM, 0);
	k->mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (k->vm < 0 || k->mem == MAP_FAILED || ioctl(k->vm, KVM_CREATE_IRQCHIP, 0))
		return -1;
	load_guest(k->mem, b);
	region.userspace_addr = (uintptr_t)k->mem;
	if (ioctl(k->vm, KVM_SET_USER_MEMORY_REGION, &region))
		return -1;
	k->vcpu = ioctl(k->vm, KVM_CREATE_VCPU, 0);
	k->size = ioctl(k->kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (k->vcpu < 0 || k->size <= 0)
		return -1;
	k->run = mmap(NULL, k->size, PROT_READ | PROT_WRITE, MAP_SHARED, k->vcpu, 0);
	if (k->run == MAP_FAILED || kvm_set_hv_cpuid(k->kvm, k->vcpu) ||
	    ioctl(k->vcpu, KVM_ENABLE_CAP, &synic) || ioctl(k->vcpu, KVM_GET_SREGS, &sregs))
		return -1;
	sregs.cs = (struct kvm_segment){ .limit = 0xffffffff, .selector = SEL_CODE, .type = 0xb,
					 .present = 1, .db = 1, .s = 1, .g = 1 };
	sregs.ds = sregs.cs;
	sregs.ds.type = 3;
	sregs.ds.selector = SEL_DATA;
	sregs.es = sregs.ss = sregs.fs = sregs.gs = sregs.ds;
	sregs.cr0 |= 1;		/* PE */
	return ioctl(k->vcpu, KVM_SET_SREGS, &sregs) || ioctl(k->vcpu, KVM_SET_REGS, &regs);
}

static int kvm_run_to(struct kvm_box *k, uint16_t port)
{
	for (;;) {
		if (ioctl(k->vcpu, KVM_RUN, 0)) {
			printf("bench: KVM_RUN: %s\n", strerror(errno));
			return -1;
		}
		/* SCONTROL/SIMP writes exit for the VMM's information (KVM_EXIT_HYPERV_SYNIC). */
		if (k->run->exit_reason == KVM_EXIT_HYPERV)
			continue;
		if (k->run->exit_reason != KVM_EXIT_IO) {
			printf("bench: KVM guest stopped: exit %u\n", k->run->exit_reason);
			return -1;
		}
		if (k->run->io.port != port) {
			printf("bench: KVM guest: OUT %#x, want %#x\n", k->run->io.port, port);
			return -1;
		}
		return 0;
	}
}

/* What QEMU does for a message to a guest: the slot written by the VMM, the SINT by irqfd. */
static int kvm_sint_irqfd(struct kvm_box *k)
{
	struct {
		struct kvm_irq_routing head;
		struct kvm_irq_routing_entry e[1];
	} r = { .head.nr = 1 };
	struct kvm_irqfd irqfd = { .gsi = 1 };
	int efd = eventfd(0, EFD_CLOEXEC);

	if (efd < 0)
		return -1;
	r.e[0] = (struct kvm_irq_routing_entry){ .gsi = 1, .type = KVM_IRQ_ROUTING_HV_SINT,
						 .u.hv_sint = { .vcpu = 0, .sint = SINT } };
	irqfd.fd = efd;
	if (ioctl(k->vm, KVM_SET_GSI_ROUTING, &r) || ioctl(k->vm, KVM_IRQFD, &irqfd)) {
		close(efd);
		return -1;
	}
	return efd;
}

static double kvm_measure(enum bench b)
{
	struct kvm_hyperv_eventfd ev = { .conn_id = CONN_ID };
	struct acker a = { .efd = -1, .kick_fd = -1 };
	volatile uint32_t *slot;
	bool joined = true;
	double start, us = -1;
	struct kvm_box k;
	uint64_t one = 1;
	int i, sint_fd = -1;
	pthread_t tid;

	if (kvm_box_create(&k, b) || kvm_run_to(&k, PORT_READY))
		goto out;
	if (b == SIGNAL) {
		a.efd = eventfd(0, EFD_CLOEXEC);
		a.kick_fd = kvm_sint_irqfd(&k);
		ev.fd = a.efd;
		if (a.efd < 0 || a.kick_fd < 0 || ioctl(k.vm, KVM_HYPERV_EVENTFD, &ev) ||
		    pthread_create(&tid, NULL, ack_thread, &a))
			goto out;
		joined = false;
		start = now_us();
		if (kvm_run_to(&k, PORT_END))
			goto out;
		us = (now_us() - start) / ITERATIONS;
		pthread_join(tid, NULL);
		joined = true;
		if (a.err || *(uint32_t *)(k.mem + COUNT_GPA) != ITERATIONS)
			us = -1;
		goto out;
	}
	sint_fd = kvm_sint_irqfd(&k);
	if (sint_fd < 0)
		goto out;
	slot = (volatile uint32_t *)(k.mem + SLOT_GPA);
	start = now_us();
	for (i = 0; i < ITERATIONS; i++) {
		/* HV_MESSAGE (TLFS 11.9.2): the slot must be free; type last. */
		if (slot[0])
			goto out;
		slot[1] = PAYLOAD;		/* PayloadSize; flags 0 */
		slot[2] = slot[3] = 0;		/* sender */
		memcpy((uint8_t *)slot + 16, "synic_bench post", PAYLOAD);
		__atomic_store_n(&slot[0], MSG_TYPE, __ATOMIC_RELEASE);
		if (write(sint_fd, &one, sizeof(one)) != sizeof(one) || kvm_run_to(&k, PORT_DONE))
			goto out;
	}
	us = (now_us() - start) / ITERATIONS;
	if (*(uint32_t *)(k.mem + COUNT_GPA) != ITERATIONS)
		us = -1;
out:
	if (!joined)
		stop_acker(&a, tid);
	if (a.efd >= 0)
		close(a.efd);
	if (a.kick_fd >= 0)
		close(a.kick_fd);
	if (sint_fd >= 0)
		close(sint_fd);
	kvm_box_destroy(&k);
	return us;
}

/* ---- the run ------------------------------------------------------------- */

/* Keeps the best in *@m; false (after one line saying so) if the measurement failed. */
static bool keep_best(double *m, double us, const char *what)
{
	if (us < 0) {
		printf("bench: %s failed (see the line above, if any)\n", what);
		return false;
	}
	if (*m < 0 || us < *m)
		*m = us;
	return true;
}

/*
 * The rounds alternate between hvkm and KVM (only one of them can own SVM at
 * a time), so that load from elsewhere on a shared machine falls on both.
 */
int main(void)
{
	double h_sig = -1, h_post = -1, k_sig = -1, k_post = -1;
	int i;

	if (bench_watchdog_init())
		return 1;
	for (i = 0; i < ROUNDS; i++) {
		alarm(WATCHDOG_S);
		if (hvkm_module_ensure()) {
			printf("bench: cannot load hvkm: %s\n", strerror(errno));
			return 1;
		}
		if (!keep_best(&h_sig, hvkm_measure(SIGNAL), "hvkm signal event") ||
		    !keep_best(&h_post, hvkm_measure(POST), "hvkm post message")) {
			hvkm_module_unload();
			return 1;
		}
		hvkm_module_unload();

		if (run_cmd("modprobe kvm_amd")) {
			printf("bench: modprobe kvm_amd failed\n");
			return 1;
		}
		if (!keep_best(&k_sig, kvm_measure(SIGNAL), "KVM signal event") ||
		    !keep_best(&k_post, kvm_measure(POST), "KVM post message")) {
			run_cmd("modprobe -r kvm_amd");
			return 1;
		}
		run_cmd("modprobe -r kvm_amd");
		alarm(0);
		printf("round %d: best so far hvkm signal %.2f post %.2f, kvm signal %.2f post %.2f\n",
		       i + 1, h_sig, h_post, k_sig, k_post);
		fflush(stdout);
	}

	printf("%d round trips per run, best of %d runs (hvkm and KVM alternating), microseconds per round trip\n",
	       ITERATIONS, ROUNDS);
	printf("  %-46s %8s %8s %10s\n", "", "hvkm", "kvm", "hvkm/kvm");
	printf("  %-46s %8.2f %8.2f %10.2f\n", "HvSignalEvent -> eventfd wake -> SINT -> ISR",
	       h_sig, k_sig, h_sig / k_sig);
	printf("  %-46s %8.2f %8.2f %10.2f\n", "post message -> guest ISR (EOM, EOI) -> OUT",
	       h_post, k_post, h_post / k_post);
	printf("post: hvkm HVKM_SYNIC_POST_MESSAGE; KVM: the VMM writes the SIM slot and kicks the SINT\n");
	printf("      through an irqfd on a KVM_IRQ_ROUTING_HV_SINT route (what QEMU does)\n");
	return 0;
}
