/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Direct boot of a Linux bzImage through its 64-bit entry point
 * (Documentation/arch/x86/boot.rst, "64-bit BOOT PROTOCOL"): the kernel,
 * boot_params ("zero page") with the E820 map and command line, the
 * initrd, and identity-mapping page tables and a GDT for long mode.
 */
#ifndef HVKM_VMM_LINUX_BOOT_H
#define HVKM_VMM_LINUX_BOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Guest physical layout of what the loader writes below 1 MiB. */
#define BOOT_GDT		0x0500
#define BOOT_STACK_TOP		0x7000
#define BOOT_ZERO_PAGE		0x7000
#define BOOT_PML4		0x9000
#define BOOT_PDPT		0xa000
#define BOOT_PD			0xb000	/* four pages: the low 4 GiB in 2 MiB pages */
#define BOOT_CMDLINE		0x20000
#define BOOT_CMDLINE_MAX	0x10000
#define BOOT_EBDA		0x9fc00	/* RAM below 640 KiB ends here */
#define BOOT_HIGH_RESERVED	0xf0000	/* the BIOS area, reserved in the E820 map */

#define BOOT_SEL_CODE64		0x10
#define BOOT_SEL_DATA		0x18

/* What the VP starts with. */
struct linux_entry {
	uint64_t rip, rsi, rsp, cr3;
	uint64_t kernel_gpa, kernel_size;
	uint64_t initrd_gpa, initrd_size;
	uint16_t protocol;
};

/* @kernel has the boot protocol's "HdrS" magic: hvkm-vmm boots it as Linux. */
bool linux_is_bzimage(const uint8_t *kernel, size_t kernel_size);

/*
 * Place @kernel (a bzImage) and @initrd (may be NULL) in @mem, guest RAM
 * from GPA 0 of @mem_size bytes (at most 3 GiB); @high_size bytes more at
 * 4 GiB are only reported in the E820 map.  0, or -ENOEXEC for something that is not
 * a bzImage with protocol 2.12+ and a 64-bit entry, -E2BIG when it does not
 * fit or the command line is too long, -EINVAL for too little RAM.  @err
 * says why.
 */
int linux_load(uint8_t *mem, uint64_t mem_size, uint64_t high_size,
	       const uint8_t *kernel, size_t kernel_size,
	       const uint8_t *initrd, size_t initrd_size, const char *cmdline,
	       struct linux_entry *entry, char *err, size_t errlen);

#endif
