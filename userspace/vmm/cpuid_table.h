/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The CPUID table guests see: the host's leaves with what hvkm does not
 * virtualize taken out.  The hypervisor leaves (0x40000000+) come from
 * the kernel (kmod/tlfs/), so the table has none.
 */
#ifndef HVKM_VMM_CPUID_TABLE_H
#define HVKM_VMM_CPUID_TABLE_H

#include <linux/hvkm.h>

#define CPUID_MAX_ENTRIES 64

/*
 * Fill @e (CPUID_MAX_ENTRIES) for a partition of @nr_vps VPs, APIC ids 0..n-1;
 * returns the count.  The kernel puts each VP's own APIC id into leaves 1 and
 * 0Bh (docs/uapi.md, HVKM_SET_CPUID).
 */
unsigned int cpuid_build(struct hvkm_cpuid_entry *e, unsigned int nr_vps);

#endif
