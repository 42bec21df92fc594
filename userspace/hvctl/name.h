/* SPDX-License-Identifier: GPL-2.0 */
#ifndef HVCTL_NAME_H
#define HVCTL_NAME_H

#include <stdbool.h>

#define HVCTL_NAME_MAX 64

/*
 * A VM name: [A-Za-z0-9][A-Za-z0-9_.-]{0,63}.  It names a directory and
 * goes into socket paths, so no '/', no leading '.' or '-', bounded length.
 */
bool hvctl_name_valid(const char *name);

#endif
