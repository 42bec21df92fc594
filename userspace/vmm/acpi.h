/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ACPI tables of a generation 1 VM (ACPI 6.4, chapter 5): RSDP, XSDT,
 * FADT (with a FACS), DSDT, MADT.  They are written into the BIOS area at
 * ACPI_BASE, inside 0xE0000-0xFFFFF, where Linux looks for the RSDP, and
 * reserved in the E820 map.  The FADT describes devices/acpi_pm.c, the reset
 * register at 0xCF9 and the SCI on IRQ 9; the MADT one local APIC per VP
 * (APIC id = VP index), the IOAPIC and the ISA overrides.
 */
#ifndef HVKM_VMM_ACPI_H
#define HVKM_VMM_ACPI_H

#include <stddef.h>
#include <stdint.h>

#define ACPI_BASE	0xf1000		/* after the MP table at 0xF0000 */
#define ACPI_END	0x100000

struct acpi_config {
	unsigned int nr_vps;
	uint8_t com_present;		/* bit n: COM(n+1) exists */
};

/* Offsets of the tables from ACPI_BASE, for tests and dumps. */
struct acpi_layout {
	uint32_t rsdp, xsdt, fadt, facs, dsdt, madt, end;
};

/*
 * Write the tables into @mem (guest RAM from GPA 0, @mem_size bytes); 0, or
 * -E2BIG if they do not fit below 1 MiB or RAM is too small.
 */
int acpi_write(uint8_t *mem, size_t mem_size, const struct acpi_config *c,
	       struct acpi_layout *layout);

#endif
