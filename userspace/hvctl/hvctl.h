/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvctl's exit statuses, one per class of failure (docs/hvctl.md), and its
 * one-line error reporting.
 */
#ifndef HVCTL_H
#define HVCTL_H

enum hvctl_exit {
	HVCTL_OK = 0,
	HVCTL_ERR_SYSTEM = 1,		/* a system call failed (I/O, fork, ...) */
	HVCTL_ERR_USAGE = 2,		/* bad command, option, value or VM name */
	HVCTL_ERR_NO_DEVICE = 3,	/* /dev/hvkm unavailable (info) */
	HVCTL_ERR_QUERY = 4,		/* the module did not answer (info) */
	HVCTL_ERR_NO_VM = 5,		/* no VM of that name */
	HVCTL_ERR_EXISTS = 6,		/* create: the VM exists already */
	HVCTL_ERR_RUNNING = 7,		/* start, delete: the VM is running */
	HVCTL_ERR_NOT_RUNNING = 8,	/* console, stop, kill: the VM is not running */
	HVCTL_ERR_VMM = 9,		/* hvkm-vmm not found or did not start */
	HVCTL_ERR_NO_POWER_BUTTON = 10,	/* stop: the guest has no ACPI power button */
	HVCTL_ERR_TIMEOUT = 11,		/* stop: the guest did not stop in time */
	HVCTL_ERR_CONTROL = 12,		/* hvkm-vmm does not answer on its control socket */
};

/* Prints "hvctl: <message>\n" on stderr (one line) and returns @code. */
int hvctl_fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
