// SPDX-License-Identifier: GPL-2.0
/*
 * The bzImage loader.  The setup header is at offset 0x1f1 of the image
 * and is copied into boot_params as it is; the protected-mode kernel
 * follows the (setup_sects + 1) 512-byte sectors of real-mode setup, which
 * a 64-bit entry does not run.
 */
#include <asm/bootparam.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "boot_error.h"
#include "e820.h"
#include "linux_boot.h"

#define HDR_OFFSET	0x1f1
#define HDR_MAGIC	0x53726448	/* "HdrS" */
#define MIN_PROTOCOL	0x020c		/* xloadflags, 64-bit entry */
#define ENTRY_64_OFFSET	0x200		/* startup_64 from the load address */
#define LOADER_UNDEFINED 0xff
#define MIB		(1ull << 20)

static void put64(uint8_t *mem, uint64_t gpa, uint64_t v)
{
	memcpy(mem + gpa, &v, sizeof(v));
}

/* Identity map of the low 4 GiB with 2 MiB pages, as the protocol requires. */
static void build_page_tables(uint8_t *mem)
{
	uint64_t i;

	memset(mem + BOOT_PML4, 0, 4096 * 6);
	put64(mem, BOOT_PML4, BOOT_PDPT | 0x3);		/* present, writable */
	for (i = 0; i < 4; i++)
		put64(mem, BOOT_PDPT + i * 8, (BOOT_PD + i * 4096) | 0x3);
	for (i = 0; i < 4 * 512; i++)
		put64(mem, BOOT_PD + i * 8, (i << 21) | 0x83);	/* present, writable, 2 MiB */
}

static void build_gdt(uint8_t *mem)
{
	put64(mem, BOOT_GDT + 0x00, 0);
	put64(mem, BOOT_GDT + 0x08, 0);
	put64(mem, BOOT_GDT + BOOT_SEL_CODE64, 0x00af9b000000ffffull);	/* 64-bit code */
	put64(mem, BOOT_GDT + BOOT_SEL_DATA, 0x00cf93000000ffffull);	/* flat data */
}

/* The memory map a PC BIOS reports (e820.c), RAM above 4 GiB included. */
static void copy_e820(struct boot_params *bp, uint64_t low, uint64_t high)
{
	struct e820_range map[E820_MAX_ENTRIES];
	unsigned int i, n = e820_build(map, low, high);

	for (i = 0; i < n; i++) {
		bp->e820_table[i].addr = map[i].addr;
		bp->e820_table[i].size = map[i].size;
		bp->e820_table[i].type = map[i].type;
	}
	bp->e820_entries = (uint8_t)n;
}

bool linux_is_bzimage(const uint8_t *kernel, size_t kernel_size)
{
	uint32_t magic;

	if (kernel_size < HDR_OFFSET + offsetof(struct setup_header, header) + sizeof(magic))
		return false;
	memcpy(&magic, kernel + HDR_OFFSET + offsetof(struct setup_header, header), sizeof(magic));
	return magic == HDR_MAGIC;
}

int linux_load(uint8_t *mem, uint64_t mem_size, uint64_t high_size,
	       const uint8_t *kernel, size_t kernel_size,
	       const uint8_t *initrd, size_t initrd_size, const char *cmdline,
	       struct linux_entry *entry, char *err, size_t errlen)
{
	struct boot_params *bp = (struct boot_params *)(mem + BOOT_ZERO_PAGE);
	struct setup_header hdr;
	size_t setup_size, hdr_len, cmdline_len = cmdline ? strlen(cmdline) : 0;
	uint64_t load, end, top;

	memset(entry, 0, sizeof(*entry));
	if (mem_size < 64 * MIB)
		return boot_error(err, errlen, -EINVAL, "at least 64 MiB of RAM are needed");
	if (kernel_size < 0x1000)
		return boot_error(err, errlen, -ENOEXEC, "kernel: too small for a bzImage");
	memcpy(&hdr, kernel + HDR_OFFSET, sizeof(hdr));
	if (hdr.header != HDR_MAGIC || hdr.boot_flag != 0xaa55)
		return boot_error(err, errlen, -ENOEXEC, "kernel: not a bzImage (no HdrS magic)");
	if (hdr.version < MIN_PROTOCOL)
		return boot_error(err, errlen, -ENOEXEC, "kernel: boot protocol %u.%02u, need 2.12+",
			    hdr.version >> 8, hdr.version & 0xff);
	if (!(hdr.xloadflags & XLF_KERNEL_64))
		return boot_error(err, errlen, -ENOEXEC, "kernel: no 64-bit entry point");
	if (!(hdr.loadflags & LOADED_HIGH))
		return boot_error(err, errlen, -ENOEXEC, "kernel: a zImage (not loaded high)");
	setup_size = ((size_t)(hdr.setup_sects ? hdr.setup_sects : 4) + 1) * 512;
	if (setup_size >= kernel_size)
		return boot_error(err, errlen, -ENOEXEC, "kernel: setup is larger than the image");
	if (cmdline_len >= BOOT_CMDLINE_MAX || (hdr.cmdline_size && cmdline_len > hdr.cmdline_size))
		return boot_error(err, errlen, -E2BIG, "command line: %zu bytes, the kernel takes %u",
			    cmdline_len, hdr.cmdline_size);

	/*
	 * The preferred address avoids the decompressor moving itself; the
	 * kernel then needs init_size bytes from there.
	 */
	load = hdr.pref_address ? hdr.pref_address : 0x100000;
	if (hdr.kernel_alignment && (load & (hdr.kernel_alignment - 1)))
		return boot_error(err, errlen, -ENOEXEC, "kernel: pref_address not aligned");
	end = load + (hdr.init_size > kernel_size - setup_size ? hdr.init_size
							      : kernel_size - setup_size);
	if (end > mem_size)
		return boot_error(err, errlen, -E2BIG, "kernel: needs RAM up to %#llx",
			    (unsigned long long)end);
	memcpy(mem + load, kernel + setup_size, kernel_size - setup_size);

	memset(bp, 0, sizeof(*bp));
	/* The header is 0x202 plus the jump's offset byte at 0x201 long. */
	hdr_len = 0x202 + kernel[0x201] - HDR_OFFSET;
	if (hdr_len > sizeof(bp->hdr))
		hdr_len = sizeof(bp->hdr);
	memcpy(&bp->hdr, kernel + HDR_OFFSET, hdr_len);
	bp->hdr.type_of_loader = LOADER_UNDEFINED;
	bp->hdr.loadflags |= CAN_USE_HEAP;
	bp->hdr.heap_end_ptr = 0xfe00;
	bp->hdr.code32_start = (uint32_t)load;
	bp->hdr.vid_mode = 0xffff;	/* "normal" */

	memset(mem + BOOT_CMDLINE, 0, cmdline_len + 1);
	if (cmdline_len)
		memcpy(mem + BOOT_CMDLINE, cmdline, cmdline_len);
	bp->hdr.cmd_line_ptr = BOOT_CMDLINE;

	if (initrd && initrd_size) {
		/* As high as allowed, page aligned, clear of the kernel. */
		top = mem_size;
		if (hdr.initrd_addr_max && top > (uint64_t)hdr.initrd_addr_max + 1)
			top = (uint64_t)hdr.initrd_addr_max + 1;
		if (initrd_size > top || ((top - initrd_size) & ~0xfffull) < end)
			return boot_error(err, errlen, -E2BIG, "initrd: %zu bytes do not fit above the kernel",
				    initrd_size);
		entry->initrd_gpa = (top - initrd_size) & ~0xfffull;
		entry->initrd_size = initrd_size;
		memcpy(mem + entry->initrd_gpa, initrd, initrd_size);
		bp->hdr.ramdisk_image = (uint32_t)entry->initrd_gpa;
		bp->hdr.ramdisk_size = (uint32_t)initrd_size;
	}

	/* The map a PC BIOS reports (e820.c). */
	copy_e820(bp, mem_size, high_size);

	build_page_tables(mem);
	build_gdt(mem);

	entry->rip = load + ENTRY_64_OFFSET;
	entry->rsi = BOOT_ZERO_PAGE;
	entry->rsp = BOOT_STACK_TOP;
	entry->cr3 = BOOT_PML4;
	entry->kernel_gpa = load;
	entry->kernel_size = kernel_size - setup_size;
	entry->protocol = hdr.version;
	return 0;
}
