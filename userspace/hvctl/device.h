/* SPDX-License-Identifier: GPL-2.0 */
/* hvctl: talking to /dev/hvkm. */
#ifndef HVCTL_DEVICE_H
#define HVCTL_DEVICE_H

struct device_info {
	int api_version;
	int vendor;		/* HVKM_VENDOR_* */
	int nr_asids;
};

/* Opens /dev/hvkm; on failure prints one line saying what to do, returns -1. */
int device_open(void);
/* Fills @info; on failure prints one line, returns -1. */
int device_query(int fd, struct device_info *info);
const char *device_vendor_name(int vendor);

#endif /* HVCTL_DEVICE_H */
