// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <linux/hvkm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "device.h"

#define DEVICE_PATH "/dev/hvkm"

int device_open(void)
{
	int fd = open(DEVICE_PATH, O_RDWR | O_CLOEXEC);

	if (fd >= 0)
		return fd;
	if (errno == ENOENT)
		fprintf(stderr, "hvctl: %s does not exist: load the module first (insmod hvkm.ko)\n",
			DEVICE_PATH);
	else if (errno == EACCES || errno == EPERM)
		fprintf(stderr, "hvctl: %s: permission denied: run as root or join group 'hvkm' (udev/60-hvkm.rules)\n",
			DEVICE_PATH);
	else
		fprintf(stderr, "hvctl: cannot open %s: %s\n", DEVICE_PATH, strerror(errno));
	return -1;
}

int device_query(int fd, struct device_info *info)
{
	info->api_version = ioctl(fd, HVKM_GET_API_VERSION, 0);
	if (info->api_version < 0) {
		fprintf(stderr, "hvctl: HVKM_GET_API_VERSION failed: %s\n", strerror(errno));
		return -1;
	}
	if (info->api_version != HVKM_API_VERSION) {
		fprintf(stderr, "hvctl: the module speaks API %d, this hvctl API %d: rebuild one to match\n",
			info->api_version, HVKM_API_VERSION);
		return -1;
	}
	info->vendor = ioctl(fd, HVKM_CHECK_EXTENSION, HVKM_CAP_VENDOR);
	info->nr_asids = ioctl(fd, HVKM_CHECK_EXTENSION, HVKM_CAP_NR_ASIDS);
	if (info->vendor < 0 || info->nr_asids < 0) {
		fprintf(stderr, "hvctl: HVKM_CHECK_EXTENSION failed: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

const char *device_vendor_name(int vendor)
{
	switch (vendor) {
	case HVKM_VENDOR_SVM:
		return "AMD SVM";
	case HVKM_VENDOR_VMX:
		return "Intel VMX";
	default:
		return "unknown";
	}
}
