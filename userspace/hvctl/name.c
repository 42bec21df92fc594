// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "name.h"

/* Not isalnum(): a locale must not widen what a name may hold. */
static bool alnum(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool hvctl_name_valid(const char *name)
{
	size_t i, len = strlen(name);

	if (!len || len > HVCTL_NAME_MAX || !alnum(name[0]))
		return false;
	for (i = 1; i < len; i++)
		if (!alnum(name[i]) && !strchr("_.-", name[i]))
			return false;
	return true;
}
