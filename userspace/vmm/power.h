/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VM's power button, as the control socket (control.c) presses it for
 * "hvctl stop".  The platform code implements it with the ACPI fixed
 * power button event (ACPI 6.5 §4.8.3.1 PM1 status PWRBTN_STS).
 */
#ifndef HVKM_VMM_POWER_H
#define HVKM_VMM_POWER_H

struct vm;

/* Press the power button: 0, or -1 when the VM has no ACPI power button. */
int vm_power_button(struct vm *vm);

#endif
