// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/hvkm: the node's permissions, GET_API_VERSION, CHECK_EXTENSION and
 * the answer to ioctls it does not know.
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/hvkm.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/hvkm_test.h"
#include "lib/ksft.h"

static int dev_fd = -1;

static int api_version(void)
{
	int ret = ioctl(dev_fd, HVKM_GET_API_VERSION, 0);

	KSFT_CHECK(ret == HVKM_API_VERSION, "got %d, errno %d", ret, errno);
	return KSFT_PASS;
}

static int api_version_rejects_argument(void)
{
	int ret = ioctl(dev_fd, HVKM_GET_API_VERSION, 1);

	KSFT_CHECK(ret == -1 && errno == EINVAL, "got %d, errno %d", ret, errno);
	return KSFT_PASS;
}

static int extension_vendor_is_svm(void)
{
	int ret = ioctl(dev_fd, HVKM_CHECK_EXTENSION, HVKM_CAP_VENDOR);

	KSFT_CHECK(ret == HVKM_VENDOR_SVM, "got %d, errno %d", ret, errno);
	return KSFT_PASS;
}

/* The module must report what the CPU says: CPUID 0x8000000A EBX. */
static int extension_nr_asids_matches_cpuid(void)
{
	unsigned int eax, ebx, ecx, edx;
	int ret;

	KSFT_CHECK(__get_cpuid(0x8000000a, &eax, &ebx, &ecx, &edx),
		   "no CPUID leaf 0x8000000a");
	ret = ioctl(dev_fd, HVKM_CHECK_EXTENSION, HVKM_CAP_NR_ASIDS);
	KSFT_CHECK(ret > 1 && (unsigned int)ret == ebx,
		   "got %d, CPUID says %u", ret, ebx);
	return KSFT_PASS;
}

static int extension_unknown_is_zero(void)
{
	static const unsigned long unknown[] = { 0, 6, 0x1000, ~0ul };
	unsigned int i;
	int ret;

	for (i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		ret = ioctl(dev_fd, HVKM_CHECK_EXTENSION, unknown[i]);
		KSFT_CHECK(ret == 0, "extension %#lx gave %d, errno %d",
			   unknown[i], ret, errno);
	}
	return KSFT_PASS;
}

static int unknown_ioctl_is_enotty(void)
{
	static const unsigned long cmds[] = {
		_IO(HVKMIO, 0x03),		/* next free number */
		_IO(HVKMIO, 0xff),
		_IOR(HVKMIO, 0x00, int),	/* right number, wrong shape */
		_IOWR(HVKMIO, 0x01, long),
		_IO(0xAE, 0x00),		/* KVM_GET_API_VERSION */
		0,
	};
	unsigned int i;
	int ret;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		ret = ioctl(dev_fd, cmds[i], 0);
		KSFT_CHECK(ret == -1 && errno == ENOTTY,
			   "cmd %#lx gave %d, errno %d", cmds[i], ret, errno);
	}
	return KSFT_PASS;
}

static int node_is_root_only(void)
{
	struct stat st;

	KSFT_CHECK(stat("/dev/hvkm", &st) == 0, "stat: errno %d", errno);
	KSFT_CHECK(S_ISCHR(st.st_mode), "mode %o", st.st_mode);
	KSFT_CHECK((st.st_mode & 07777) == 0600, "mode %o", st.st_mode & 07777);
	KSFT_CHECK(st.st_uid == 0 && st.st_gid == 0, "owner %u:%u",
		   st.st_uid, st.st_gid);
	return KSFT_PASS;
}

/* A user who is neither root nor granted the node cannot open it. */
static int nonroot_open_refused(void)
{
	int status;
	pid_t pid;

	pid = fork();
	KSFT_CHECK(pid >= 0, "fork: errno %d", errno);
	if (pid == 0) {
		int fd;

		if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
			_exit(2);
		fd = open("/dev/hvkm", O_RDWR);
		_exit(fd < 0 && errno == EACCES ? 0 : 1);
	}
	KSFT_CHECK(waitpid(pid, &status, 0) == pid, "waitpid: errno %d", errno);
	KSFT_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		   "child status %#x (1: open was not refused with EACCES, 2: could not drop privileges)",
		   status);
	return KSFT_PASS;
}

/* Loads hvkm if needed and opens the node every case uses. */
static int setup(void)
{
	int ret = hvkm_module_ensure();

	if (ret) {
		ksft_print_msg("cannot load %s: %s", hvkm_ko_path(), strerror(-ret));
		return ret;
	}
	dev_fd = hvkm_open();
	if (dev_fd < 0) {
		ksft_print_msg("cannot open /dev/hvkm: %s", strerror(-dev_fd));
		return dev_fd;
	}
	return 0;
}

static const struct ksft_case cases[] = {
	KSFT_CASE(api_version),
	KSFT_CASE(api_version_rejects_argument),
	KSFT_CASE(extension_vendor_is_svm),
	KSFT_CASE(extension_nr_asids_matches_cpuid),
	KSFT_CASE(extension_unknown_is_zero),
	KSFT_CASE(unknown_ioctl_is_enotty),
	KSFT_CASE(node_is_root_only),
	KSFT_CASE(nonroot_open_refused),
};

int main(void)
{
	return ksft_run(cases, KSFT_NR(cases), setup);
}
