/* SPDX-License-Identifier: GPL-2.0 */
/* Power events from outside the guest (hvctl, the control socket). */
#ifndef HVKM_VMM_POWER_H
#define HVKM_VMM_POWER_H

struct vm;

/*
 * Press the ACPI fixed power button: PWRBTN_STS is set and the SCI raised if
 * the guest enabled PWRBTN_EN (devices/acpi_pm.c).  Returns 0.  Callable
 * from any thread.
 */
int vm_power_button(struct vm *vm);

#endif
