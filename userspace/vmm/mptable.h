/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An Intel MultiProcessor Specification 1.4 table, so that a guest without
 * ACPI finds its VPs: the floating pointer and the configuration table in
 * the BIOS area (0xF0000, reserved in the E820 map), one processor entry per
 * VP, an ISA bus, and the 8259's ExtINT and the NMI on every local APIC's
 * LINT0 and LINT1.  No IOAPIC entry: hvkm-vmm has no IOAPIC yet.
 */
#ifndef HVKM_VMM_MPTABLE_H
#define HVKM_VMM_MPTABLE_H

#include <stddef.h>
#include <stdint.h>

#define MPTABLE_BASE	0xf0000

/* Write the table for @nr_vps VPs (APIC ids 0..nr_vps-1); its size, or 0 if it does not fit. */
size_t mptable_write(uint8_t *mem, uint64_t mem_size, unsigned int nr_vps,
		     uint32_t cpu_signature, uint32_t cpu_features);

#endif
