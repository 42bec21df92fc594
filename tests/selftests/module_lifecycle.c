// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm.ko owns SVM on every online CPU while loaded and gives it back on
 * unload, across repeated cycles and CPU hotplug, without leaking.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/hvkm_test.h"
#include "lib/ksft.h"

#define KMEMLEAK "/sys/kernel/debug/kmemleak"

static int ensure_unloaded(void)
{
	int ret = hvkm_module_loaded() ? hvkm_module_unload() : 0;

	if (ret)
		ksft_print_msg("cannot unload hvkm: %s", strerror(-ret));
	return ret;
}

/* On each online CPU: SVME set and a distinct, page-aligned host save area. */
static int check_owned_by_hvkm(void)
{
	int cpu, other, ncpu = (int)sysconf(_SC_NPROCESSORS_CONF);
	uint64_t hsave[256] = { 0 }, efer;

	KSFT_CHECK(ncpu <= 256, "%d CPUs", ncpu);
	for (cpu = 0; cpu < ncpu; cpu++) {
		if (!cpu_is_online(cpu))
			continue;
		KSFT_CHECK(msr_read(cpu, MSR_EFER, &efer) == 0, "cpu %d", cpu);
		KSFT_CHECK(efer & EFER_SVME, "cpu %d EFER %#llx", cpu,
			   (unsigned long long)efer);
		KSFT_CHECK(msr_read(cpu, MSR_VM_HSAVE_PA, &hsave[cpu]) == 0,
			   "cpu %d", cpu);
		KSFT_CHECK(hsave[cpu] && !(hsave[cpu] & 0xfff),
			   "cpu %d VM_HSAVE_PA %#llx", cpu,
			   (unsigned long long)hsave[cpu]);
		for (other = 0; other < cpu; other++)
			KSFT_CHECK(hsave[other] != hsave[cpu],
				   "cpus %d and %d share a host save area",
				   other, cpu);
	}
	return KSFT_PASS;
}

static int check_released(void)
{
	int cpu, ncpu = (int)sysconf(_SC_NPROCESSORS_CONF);
	uint64_t efer, hsave;

	for (cpu = 0; cpu < ncpu; cpu++) {
		if (!cpu_is_online(cpu))
			continue;
		KSFT_CHECK(msr_read(cpu, MSR_EFER, &efer) == 0 &&
			   msr_read(cpu, MSR_VM_HSAVE_PA, &hsave) == 0, "cpu %d", cpu);
		KSFT_CHECK(!(efer & EFER_SVME) && hsave == 0,
			   "cpu %d EFER %#llx VM_HSAVE_PA %#llx", cpu,
			   (unsigned long long)efer, (unsigned long long)hsave);
	}
	KSFT_CHECK(access("/dev/hvkm", F_OK) != 0, "/dev/hvkm still exists");
	return KSFT_PASS;
}

static int load_enables_svm_on_every_cpu(void)
{
	int kmsg, ret;

	KSFT_CHECK(ensure_unloaded() == 0, "setup");
	KSFT_CHECK(check_released() == KSFT_PASS, "SVM in use before load");
	kmsg = kmsg_mark();
	KSFT_CHECK(kmsg >= 0, "/dev/kmsg: %s", strerror(-kmsg));
	ret = hvkm_module_load();
	KSFT_CHECK(ret == 0, "load: %s", strerror(-ret));
	KSFT_CHECK(check_owned_by_hvkm() == KSFT_PASS, "after load");
	KSFT_CHECK(access("/dev/hvkm", F_OK) == 0, "no /dev/hvkm");
	KSFT_CHECK(kmsg_contains(kmsg, "hvkm: svm enabled on"),
		   "no 'svm enabled' line in the kernel log");
	close(kmsg);
	return KSFT_PASS;
}

static int unload_disables_svm_on_every_cpu(void)
{
	int ret;

	KSFT_CHECK(hvkm_module_ensure() == 0, "setup");
	ret = hvkm_module_unload();
	KSFT_CHECK(ret == 0, "unload: %s", strerror(-ret));
	return check_released();
}

/* The open file pins the module (fops owner): unload must wait for close. */
static int unload_refused_while_open(void)
{
	int fd, ret;

	KSFT_CHECK(hvkm_module_ensure() == 0, "setup");
	fd = hvkm_open();
	KSFT_CHECK(fd >= 0, "open: %s", strerror(-fd));
	ret = hvkm_module_unload();
	close(fd);
	KSFT_CHECK(ret == -EWOULDBLOCK || ret == -EBUSY,
		   "unload while open gave %d", ret);
	KSFT_CHECK(check_owned_by_hvkm() == KSFT_PASS, "state after refusal");
	ret = hvkm_module_unload();
	KSFT_CHECK(ret == 0, "unload after close: %s", strerror(-ret));
	return check_released();
}

static int load_unload_20_cycles(void)
{
	int i, ret;

	KSFT_CHECK(ensure_unloaded() == 0, "setup");
	for (i = 0; i < 20; i++) {
		ret = hvkm_module_load();
		KSFT_CHECK(ret == 0, "cycle %d load: %s", i, strerror(-ret));
		KSFT_CHECK(check_owned_by_hvkm() == KSFT_PASS, "cycle %d", i);
		ret = hvkm_module_unload();
		KSFT_CHECK(ret == 0, "cycle %d unload: %s", i, strerror(-ret));
		KSFT_CHECK(check_released() == KSFT_PASS, "cycle %d", i);
	}
	return KSFT_PASS;
}

/*
 * kmemleak reports only objects older than 5 s, so forget what is known,
 * cycle the module, wait, and scan.  Any report names a leak of this test.
 */
static int no_kmemleak_after_20_cycles(void)
{
	char report[4096];
	ssize_t n;
	int fd, i;

	KSFT_SKIP_IF(access(KMEMLEAK, F_OK) != 0, "kernel without kmemleak");
	KSFT_CHECK(ensure_unloaded() == 0, "setup");
	KSFT_CHECK(write_file(KMEMLEAK, "clear") == 0, "kmemleak clear");
	for (i = 0; i < 20; i++) {
		KSFT_CHECK(hvkm_module_load() == 0, "cycle %d", i);
		KSFT_CHECK(hvkm_module_unload() == 0, "cycle %d", i);
	}
	sleep(6);
	KSFT_CHECK(write_file(KMEMLEAK, "scan") == 0, "kmemleak scan");
	KSFT_CHECK(write_file(KMEMLEAK, "scan") == 0, "kmemleak scan");
	fd = open(KMEMLEAK, O_RDONLY | O_CLOEXEC);
	KSFT_CHECK(fd >= 0, "open %s", KMEMLEAK);
	n = read(fd, report, sizeof(report) - 1);
	close(fd);
	KSFT_CHECK(n >= 0, "read %s", KMEMLEAK);
	report[n] = '\0';
	KSFT_CHECK(n == 0, "kmemleak reports:\n%s", report);
	return KSFT_PASS;
}

/* A CPU that comes online while hvkm is loaded gets SVM; one that left lost it. */
static int cpu_hotplug_followed(void)
{
	uint64_t efer;
	int ret;

	KSFT_SKIP_IF(cpu_count_online() < 2 || access("/sys/devices/system/cpu/cpu1/online", W_OK),
		     "needs a second CPU that can go offline");
	KSFT_CHECK(hvkm_module_ensure() == 0, "setup");
	ret = cpu_set_online(1, false);
	KSFT_CHECK(ret == 0, "cpu1 offline: %s", strerror(-ret));
	KSFT_CHECK(check_owned_by_hvkm() == KSFT_PASS, "with cpu1 offline");
	ret = cpu_set_online(1, true);
	KSFT_CHECK(ret == 0, "cpu1 online: %s", strerror(-ret));
	KSFT_CHECK(check_owned_by_hvkm() == KSFT_PASS, "cpu1 back online");

	/* Unload with cpu1 away: it must come back without SVM. */
	KSFT_CHECK(cpu_set_online(1, false) == 0, "cpu1 offline");
	KSFT_CHECK(hvkm_module_unload() == 0, "unload");
	KSFT_CHECK(cpu_set_online(1, true) == 0, "cpu1 online");
	KSFT_CHECK(check_released() == KSFT_PASS, "after unload");

	/* Load with cpu1 away: it gets SVM when it arrives. */
	KSFT_CHECK(cpu_set_online(1, false) == 0, "cpu1 offline");
	KSFT_CHECK(hvkm_module_load() == 0, "load");
	KSFT_CHECK(cpu_set_online(1, true) == 0, "cpu1 online");
	KSFT_CHECK(msr_read(1, MSR_EFER, &efer) == 0 && (efer & EFER_SVME),
		   "cpu1 without SVM after coming online");
	KSFT_CHECK(check_owned_by_hvkm() == KSFT_PASS, "after load");
	KSFT_CHECK(hvkm_module_unload() == 0, "unload");
	return check_released();
}

static const struct ksft_case cases[] = {
	KSFT_CASE(load_enables_svm_on_every_cpu),
	KSFT_CASE(unload_disables_svm_on_every_cpu),
	KSFT_CASE(unload_refused_while_open),
	KSFT_CASE(load_unload_20_cycles),
	KSFT_CASE(no_kmemleak_after_20_cycles),
	KSFT_CASE(cpu_hotplug_followed),
};

int main(void)
{
	return ksft_run(cases, KSFT_NR(cases), NULL);
}
