// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm and KVM on one host: whoever holds SVM first keeps it.  hvkm refuses
 * to load with -EBUSY (and says how to fix it) while a KVM VM exists, leaves
 * KVM's state alone, loads once kvm_amd is gone, and KVM works again after
 * hvkm is unloaded.  Linux 6.1's kvm_amd enables SVM when the first VM is
 * created, so the tests create one to make KVM take SVM.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "lib/hvkm_test.h"
#include "lib/ksft.h"

/* A KVM VM fd; KVM holds SVM on every CPU while it is open. */
static int kvm_create_vm(void)
{
	int kvm, vm;

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		return -errno;
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	vm = vm < 0 ? -errno : vm;
	close(kvm);
	return vm;
}

static int setup(void)
{
	int ret = hvkm_module_loaded() ? hvkm_module_unload() : 0;

	if (ret) {
		ksft_print_msg("cannot unload hvkm: %s", strerror(-ret));
		return ret;
	}
	ret = run_cmd("modprobe kvm_amd");
	if (ret)
		ksft_print_msg("modprobe kvm_amd failed (%d)", ret);
	return ret;
}

static int refused_while_vm_exists(void)
{
	uint64_t before[2], after[2];
	int kmsg, ret, bad, cpu;

	KSFT_CHECK(svm_state_on_all_cpus(true, &bad), "KVM left cpu %d without SVM", bad);
	for (cpu = 0; cpu < 2 && cpu_is_online(cpu); cpu++)
		KSFT_CHECK(msr_read(cpu, MSR_VM_HSAVE_PA, &before[cpu]) == 0, "cpu %d", cpu);

	kmsg = kmsg_mark();
	KSFT_CHECK(kmsg >= 0, "/dev/kmsg: %s", strerror(-kmsg));
	ret = hvkm_module_load();
	KSFT_CHECK(ret == -EBUSY, "load gave %d (%s)", ret, strerror(-ret));
	KSFT_CHECK(!hvkm_module_loaded(), "hvkm is loaded");
	KSFT_CHECK(kmsg_contains(kmsg, "modprobe -r kvm_amd"),
		   "the refusal does not name 'modprobe -r kvm_amd'");
	close(kmsg);

	/* KVM's SVM state is exactly as it was. */
	KSFT_CHECK(svm_state_on_all_cpus(true, &bad), "cpu %d lost SVM", bad);
	for (cpu = 0; cpu < 2 && cpu_is_online(cpu); cpu++) {
		KSFT_CHECK(msr_read(cpu, MSR_VM_HSAVE_PA, &after[cpu]) == 0, "cpu %d", cpu);
		KSFT_CHECK(after[cpu] == before[cpu], "cpu %d VM_HSAVE_PA changed", cpu);
	}
	return KSFT_PASS;
}

static int hvkm_refused_while_kvm_holds_svm(void)
{
	int vm = kvm_create_vm(), ret;

	KSFT_CHECK(vm >= 0, "KVM_CREATE_VM: %s", strerror(-vm));
	ret = refused_while_vm_exists();
	close(vm);
	return ret;
}

static int hvkm_loads_after_kvm_amd_removed(void)
{
	int ret, bad;

	KSFT_CHECK(run_cmd("modprobe -r kvm_amd") == 0, "modprobe -r kvm_amd");
	ret = hvkm_module_load();
	KSFT_CHECK(ret == 0, "load: %s", strerror(-ret));
	KSFT_CHECK(svm_state_on_all_cpus(true, &bad), "cpu %d without SVM", bad);
	return KSFT_PASS;
}

/* KVM must not take SVM from under hvkm: its first VM fails instead. */
static int kvm_cannot_take_svm_from_hvkm(void)
{
	uint64_t hsave_before, hsave_after;
	int vm;

	KSFT_CHECK(hvkm_module_ensure() == 0, "setup");
	KSFT_CHECK(msr_read(0, MSR_VM_HSAVE_PA, &hsave_before) == 0, "msr");
	if (run_cmd("modprobe kvm_amd") == 0) {
		vm = kvm_create_vm();
		if (vm >= 0)
			close(vm);
		KSFT_CHECK(vm == -EBUSY, "KVM_CREATE_VM gave %d", vm);
	}
	KSFT_CHECK(msr_read(0, MSR_VM_HSAVE_PA, &hsave_after) == 0, "msr");
	KSFT_CHECK(hsave_after == hsave_before, "KVM changed hvkm's VM_HSAVE_PA");
	KSFT_CHECK(hvkm_module_unload() == 0, "unload");
	return KSFT_PASS;
}

static int kvm_works_after_hvkm_unloaded(void)
{
	int vm;

	KSFT_CHECK(!hvkm_module_loaded() || hvkm_module_unload() == 0, "unload");
	KSFT_CHECK(run_cmd("modprobe kvm_amd") == 0, "modprobe kvm_amd");
	vm = kvm_create_vm();
	KSFT_CHECK(vm >= 0, "KVM_CREATE_VM: %s", strerror(-vm));
	close(vm);
	KSFT_CHECK(run_cmd("modprobe -r kvm_amd") == 0, "modprobe -r kvm_amd");
	return KSFT_PASS;
}

static const struct ksft_case cases[] = {
	KSFT_CASE(hvkm_refused_while_kvm_holds_svm),
	KSFT_CASE(hvkm_loads_after_kvm_amd_removed),
	KSFT_CASE(kvm_cannot_take_svm_from_hvkm),
	KSFT_CASE(kvm_works_after_hvkm_unloaded),
};

int main(void)
{
	return ksft_run(cases, KSFT_NR(cases), setup);
}
