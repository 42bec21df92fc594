// SPDX-License-Identifier: GPL-2.0
#include <pthread.h>

#include "power.h"
#include "vm.h"

int vm_power_button(struct vm *vm)
{
	pthread_mutex_lock(&vm->dev_lock);
	acpi_pm_power_button(&vm->pm);
	pthread_mutex_unlock(&vm->dev_lock);
	return 0;
}
