/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest RAM: its layout in guest physical memory and the host memory that
 * backs it.  RAM fills GPA 0 up to 3 GiB; 3-4 GiB is the MMIO hole (the
 * IOAPIC at 0xFEC00000, the local APICs at 0xFEE00000, room for PCI); what
 * is beyond 3 GiB continues at 4 GiB.  One host mapping holds both parts,
 * low RAM first.
 */
#ifndef HVKM_VMM_GUEST_RAM_H
#define HVKM_VMM_GUEST_RAM_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define GUEST_RAM_LOW_MAX	(3ull << 30)
#define GUEST_RAM_HIGH_BASE	(4ull << 30)

struct guest_ram {
	uint8_t *mem;		/* low RAM at mem, high RAM at mem + low */
	uint64_t size, low, high;
	int fd;			/* the memfd, or -1 */
};

/* The memory map for the split is e820_build(map, low, high) (e820.c). */
void guest_ram_split(uint64_t size, uint64_t *low, uint64_t *high);
/*
 * Allocate @size bytes with @backing, 2 MiB aligned.  0, or a negative errno
 * with one line for the user in @err (e.g. too few free huge pages).
 */
int guest_ram_alloc(struct guest_ram *r, uint64_t size, enum config_memory_backing backing,
		    char *err, size_t errlen);
void guest_ram_free(struct guest_ram *r);

#endif
