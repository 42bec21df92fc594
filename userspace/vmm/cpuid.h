/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The CPUID table guests see: the host's leaves with what hvkm does not
 * virtualize taken out.  The hypervisor leaves (0x40000000+) come from
 * the kernel (kmod/tlfs/), so the table has none.
 */
#ifndef HVKM_VMM_CPUID_H
#define HVKM_VMM_CPUID_H

#include <linux/hvkm.h>

#define CPUID_MAX_ENTRIES 64

/* Fill @e (CPUID_MAX_ENTRIES) for VP @apic_id of @nr_vps; returns the count. */
unsigned int cpuid_build(struct hvkm_cpuid_entry *e, unsigned int apic_id);

#endif
