/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What both benchmarks need: a microsecond clock, and KVM's vCPU set up to
 * show the Hyper-V interface so that its Hyper-V emulation is what runs.
 */
#ifndef HVKM_BENCH_COMMON_H
#define HVKM_BENCH_COMMON_H

#include <linux/kvm.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <time.h>

static void bench_on_alarm(int sig)
{
	(void)sig;
}

/*
 * A guest that never comes back (a lost interrupt, or the KVM stall seen in
 * the nested test VM) must not hang make bench: after alarm(), SIGALRM ends
 * the blocking RUN ioctl with EINTR.
 */
static inline int bench_watchdog_init(void)
{
	struct sigaction sa = { .sa_handler = bench_on_alarm };

	sigemptyset(&sa.sa_mask);
	return sigaction(SIGALRM, &sa, NULL);
}

static inline double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* The Hyper-V interface leaves KVM looks for (kvm_hv_set_cpuid()): "Hv#1" at 0x40000001. */
static inline int kvm_set_hv_cpuid(int kvm, int vcpu)
{
	struct {
		struct kvm_cpuid2 head;
		struct kvm_cpuid_entry2 e[64];
	} c = { .head.nent = 64 };
	unsigned int i, n;

	if (ioctl(kvm, KVM_GET_SUPPORTED_CPUID, &c))
		return -1;
	/* KVM's own leaves (its "KVMKVMKVM" signature) make way for Hyper-V's. */
	for (i = n = 0; i < c.head.nent; i++)
		if ((c.e[i].function & 0xffff0000) != 0x40000000)
			c.e[n++] = c.e[i];
	if (n + 2 > 64)
		return -1;
	c.e[n++] = (struct kvm_cpuid_entry2){ .function = 0x40000000, .eax = 0x40000005,
		.ebx = 0x7263694d, .ecx = 0x666f736f, .edx = 0x76482074 };	/* "Microsoft Hv" */
	c.e[n++] = (struct kvm_cpuid_entry2){ .function = 0x40000001, .eax = 0x31237648 };
	c.head.nent = n;
	return ioctl(vcpu, KVM_SET_CPUID2, &c);
}

#endif
