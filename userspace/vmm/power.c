// SPDX-License-Identifier: GPL-2.0
/*
 * The power button: a placeholder until the platform has ACPI (its PM1
 * event block replaces this file).  Without ACPI there is no button a guest
 * could see, so pressing it is refused.
 */
#include "power.h"

int vm_power_button(struct vm *vm)
{
	(void)vm;
	return -1;
}
