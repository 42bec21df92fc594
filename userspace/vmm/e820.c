// SPDX-License-Identifier: GPL-2.0
/* The memory map of a PC with RAM from 0 to mem_size and above 4 GiB (docs/vmm.md). */
#include "e820.h"

static unsigned int add(struct e820_range *map, unsigned int n, uint64_t addr, uint64_t size,
			uint32_t type)
{
	map[n].addr = addr;
	map[n].size = size;
	map[n].type = type;
	return n + 1;
}

unsigned int e820_build(struct e820_range *map, uint64_t mem_size, uint64_t high)
{
	unsigned int n = 0;

	/* Low RAM, the EBDA and the BIOS area (reserved), then RAM from 1 MiB. */
	n = add(map, n, 0, E820_LOW_RAM_END, E820_RAM);
	n = add(map, n, E820_LOW_RAM_END, 0xa0000 - E820_LOW_RAM_END, E820_RESERVED);
	n = add(map, n, E820_BIOS_AREA, E820_HIGH_RAM - E820_BIOS_AREA, E820_RESERVED);
	if (mem_size > E820_HIGH_RAM)
		n = add(map, n, E820_HIGH_RAM, mem_size - E820_HIGH_RAM, E820_RAM);
	/* Above the 3-4 GiB MMIO hole, which stays a gap as on PCs. */
	if (high)
		n = add(map, n, E820_HIGH_RAM_4G, high, E820_RAM);
	return n;
}
