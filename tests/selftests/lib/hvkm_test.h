/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for hvkm selftests: load and unload the module, open /dev/hvkm,
 * read MSRs of each CPU, watch the kernel log.  Functions that can fail
 * return 0 or a negative errno.
 */
#ifndef HVKM_TEST_H
#define HVKM_TEST_H

#include <stdbool.h>
#include <stdint.h>

/* Architectural MSRs and bits the tests look at (AMD APM vol. 2). */
#define MSR_EFER		0xc0000080
#define EFER_SVME		(1ull << 12)
#define MSR_VM_HSAVE_PA		0xc0010117

/* Path of hvkm.ko: $HVKM_KO, else where the test image installs it. */
const char *hvkm_ko_path(void);
int hvkm_module_load(void);
int hvkm_module_unload(void);
bool hvkm_module_loaded(void);
/* Load unless loaded; 0 when hvkm is loaded afterwards. */
int hvkm_module_ensure(void);

int hvkm_open(void);

/* Write @text to a (sysfs, debugfs) file. */
int write_file(const char *path, const char *text);
/* Run a shell command; its exit status, or -1. */
int run_cmd(const char *cmd);

int cpu_count_online(void);
bool cpu_is_online(int cpu);
int cpu_set_online(int cpu, bool online);
int msr_read(int cpu, uint32_t msr, uint64_t *val);
/* Whether every online CPU has EFER.SVME == want; *bad_cpu names one that has not. */
bool svm_state_on_all_cpus(bool want, int *bad_cpu);

/* The kernel log from now on: kmsg_mark() then kmsg_contains(). */
int kmsg_mark(void);
bool kmsg_contains(int fd, const char *text);

#endif /* HVKM_TEST_H */
