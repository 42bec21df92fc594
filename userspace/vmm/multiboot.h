/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Direct boot of a Multiboot (version 0.6.96) kernel, as GRUB legacy and
 * QEMU's -kernel do it: an ELF32 kernel or one whose Multiboot header
 * gives its load addresses (the "a.out kludge"), boot modules, the
 * information structure with the memory map and command line, and a VP in
 * 32-bit protected mode with paging off.
 */
#ifndef HVKM_VMM_MULTIBOOT_H
#define HVKM_VMM_MULTIBOOT_H

#include <stddef.h>
#include <stdint.h>

/* Multiboot 0.6.96 section 3.1.1: the header, in the first 8 KiB, 4-byte aligned. */
#define MB_HEADER_MAGIC		0x1badb002u
#define MB_SEARCH_LIMIT		8192
#define MB_HFLAG_PAGE_ALIGN	(1u << 0)	/* modules on 4 KiB boundaries */
#define MB_HFLAG_MEMORY_INFO	(1u << 1)	/* mem_* (and mmap_*) wanted */
#define MB_HFLAG_VIDEO_MODE	(1u << 2)	/* a video mode table wanted */
#define MB_HFLAG_ADDRESS	(1u << 16)	/* header_addr..entry_addr are valid */
/* Bits a loader must refuse if it cannot honour them. */
#define MB_HFLAG_REQUIRED_MASK	0xffffu

/* Section 3.2: EAX at entry. */
#define MB_BOOTLOADER_MAGIC	0x2badb002u

/* Section 3.3: which fields of the information structure are valid. */
#define MB_INFO_MEMORY		(1u << 0)
#define MB_INFO_CMDLINE		(1u << 2)
#define MB_INFO_MODS		(1u << 3)
#define MB_INFO_MMAP		(1u << 6)
#define MB_INFO_LOADER_NAME	(1u << 9)

struct mb_info {
	uint32_t flags;
	uint32_t mem_lower, mem_upper;		/* KiB from 0, KiB from 1 MiB */
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
	uint32_t drives_length, drives_addr;
	uint32_t config_table;
	uint32_t boot_loader_name;
	uint32_t apm_table;
	uint32_t vbe_control_info, vbe_mode_info;
	uint16_t vbe_mode, vbe_interface_seg, vbe_interface_off, vbe_interface_len;
} __attribute__((packed));

struct mb_module {
	uint32_t mod_start, mod_end;		/* [start, end) */
	uint32_t string;
	uint32_t reserved;
} __attribute__((packed));

/* "size" counts the bytes after itself: 20. */
struct mb_mmap_entry {
	uint32_t size;
	uint64_t base_addr, length;
	uint32_t type;
} __attribute__((packed));

/*
 * Guest physical layout of what the loader writes.  The kernel and its bss
 * must stay out of [0, MB_AREA_END): the GDT at 0x500 and, from 0x1000, the
 * information structure, memory map, module list and strings.  Modules go
 * page by page after the kernel's highest address (bss included).
 */
#define MB_GDT			0x0500
#define MB_INFO			0x1000
#define MB_AREA_END		0x80000
#define MB_SEL_CODE32		0x10
#define MB_SEL_DATA		0x18
#define MB_LOADER_NAME		"hvkm-vmm"

/* Where the multiboot header was found and what it says. */
struct mb_header {
	size_t offset;			/* in the file */
	uint32_t flags;
	uint32_t header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
};

/* A module as it was read: its contents and the string the kernel sees. */
struct mb_module_image {
	const uint8_t *data;
	size_t size;
	const char *string;		/* "PATH [args...]" */
};

/* What the VP starts with, and where things went (for -v and the tests). */
struct mb_entry {
	uint32_t eip, ebx;
	uint64_t kernel_start, kernel_end;	/* [start, end), bss included */
	uint32_t mods_start, mods_end;
	int aout_kludge;
};

/*
 * Look for a Multiboot header: 0 and @hdr filled, -ENOENT if there is none,
 * -ENOEXEC (with @err) if the magic is there but the checksum is wrong or
 * the header is cut off.
 */
int mb_find_header(const uint8_t *image, size_t size, struct mb_header *hdr, char *err,
		   size_t errlen);

/*
 * Load the Multiboot kernel @image into @mem (guest RAM from GPA 0, @mem_size
 * bytes), its @nr_mods modules after it, and build the information
 * structure; @cmdline is what the kernel sees (its path, a space and the
 * configured command line).  0, or a negative errno with the reason in
 * @err: -ENOEXEC for an image that is not a loadable Multiboot kernel
 * (no header, bad checksum, required flags hvkm-vmm cannot honour, not
 * ELF32 i386 without the address fields, truncated), -E2BIG when the
 * kernel, its bss or the modules do not fit in RAM or the kernel overlaps
 * the loader's area, or the strings do not fit in it.
 */
int mb_load(uint8_t *mem, uint64_t mem_size, const uint8_t *image, size_t size,
	    const char *cmdline, const struct mb_module_image *mods, unsigned int nr_mods,
	    struct mb_entry *entry, char *err, size_t errlen);

#endif
