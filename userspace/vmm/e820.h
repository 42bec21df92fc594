/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's physical memory map as a PC BIOS reports it with INT 15h
 * E820h: the Linux loader copies it into boot_params, the multiboot loader
 * into the mmap_* fields of its information structure.
 */
#ifndef HVKM_VMM_E820_H
#define HVKM_VMM_E820_H

#include <stdint.h>

#define E820_RAM		1
#define E820_RESERVED		2

#define E820_LOW_RAM_END	0x9fc00	/* the EBDA starts here: 639 KiB of low RAM */
#define E820_BIOS_AREA		0xf0000	/* the BIOS ROM, reserved */
#define E820_HIGH_RAM		0x100000

#define E820_MAX_ENTRIES	8

struct e820_range {
	uint64_t addr, size;
	uint32_t type;
};

#define E820_HIGH_RAM_4G	(4ull << 30)	/* RAM beyond 3 GiB continues here */

/*
 * Fill @map for @low bytes of RAM from GPA 0 and @high bytes from 4 GiB
 * (guest_ram.c's layout); the number of entries.
 */
unsigned int e820_build(struct e820_range *map, uint64_t low, uint64_t high);

#endif
