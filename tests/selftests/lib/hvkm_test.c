// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hvkm_test.h"

const char *hvkm_ko_path(void)
{
	const char *path = getenv("HVKM_KO");

	return path ? path : "/lib/hvkm/hvkm.ko";
}

int hvkm_module_load(void)
{
	int fd, ret;

	fd = open(hvkm_ko_path(), O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, "", 0) ? -errno : 0;
	close(fd);
	return ret;
}

int hvkm_module_unload(void)
{
	return syscall(SYS_delete_module, "hvkm", O_NONBLOCK) ? -errno : 0;
}

bool hvkm_module_loaded(void)
{
	return access("/sys/module/hvkm", F_OK) == 0;
}

int hvkm_module_ensure(void)
{
	int ret;

	if (hvkm_module_loaded())
		return 0;
	ret = hvkm_module_load();
	return ret == -EEXIST ? 0 : ret;
}

int hvkm_open(void)
{
	int fd = open("/dev/hvkm", O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int run_cmd(const char *cmd)
{
	int status = system(cmd);

	if (status < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static int read_int_file(const char *path, int *val)
{
	FILE *f = fopen(path, "re");
	int ok;

	if (!f)
		return -errno;
	ok = fscanf(f, "%d", val) == 1;
	fclose(f);
	return ok ? 0 : -EINVAL;
}

int cpu_count_online(void)
{
	return (int)sysconf(_SC_NPROCESSORS_ONLN);
}

bool cpu_is_online(int cpu)
{
	char path[64];
	int val;

	if (cpu == 0)
		return true;	/* the boot CPU has no "online" file */
	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online", cpu);
	return read_int_file(path, &val) == 0 && val == 1;
}

int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, text, strlen(text)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

int cpu_set_online(int cpu, bool online)
{
	char path[64];

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online", cpu);
	return write_file(path, online ? "1" : "0");
}

int msr_read(int cpu, uint32_t msr, uint64_t *val)
{
	char path[64];
	int fd, ret = 0;

	snprintf(path, sizeof(path), "/dev/cpu/%d/msr", cpu);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (pread(fd, val, sizeof(*val), msr) != sizeof(*val))
		ret = -EIO;
	close(fd);
	return ret;
}

bool svm_state_on_all_cpus(bool want, int *bad_cpu)
{
	int cpu, ncpu = (int)sysconf(_SC_NPROCESSORS_CONF);
	uint64_t efer;

	for (cpu = 0; cpu < ncpu; cpu++) {
		if (!cpu_is_online(cpu))
			continue;
		if (msr_read(cpu, MSR_EFER, &efer) ||
		    !!(efer & EFER_SVME) != want) {
			*bad_cpu = cpu;
			return false;
		}
	}
	return true;
}

int kmsg_mark(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	lseek(fd, 0, SEEK_END);
	return fd;
}

/* Reads every record logged since kmsg_mark(); each read() is one record. */
bool kmsg_contains(int fd, const char *text)
{
	char rec[8192];
	bool found = false;
	ssize_t n;

	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten records: go on */
		if (n <= 0)
			break;
		rec[n] = '\0';
		if (strstr(rec, text))
			found = true;
	}
	return found;
}
