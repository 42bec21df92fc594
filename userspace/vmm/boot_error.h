/* SPDX-License-Identifier: GPL-2.0 */
/* The kernel loaders' errors: one line for the user in @err, and @ret back. */
#ifndef HVKM_VMM_BOOT_ERROR_H
#define HVKM_VMM_BOOT_ERROR_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

static inline int __attribute__((format(printf, 4, 5)))
boot_error(char *err, size_t errlen, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return ret;
}

#endif
