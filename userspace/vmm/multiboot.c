// SPDX-License-Identifier: GPL-2.0
/*
 * The Multiboot 0.6.96 loader (docs/vmm.md, "Multiboot").  Section numbers
 * are the specification's: 3.1 the OS image format, 3.2 the machine state
 * at entry, 3.3 the boot information format.
 */
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "boot_error.h"
#include "e820.h"
#include "multiboot.h"

#define PAGE_SIZE	4096ull
#define MAX_SEGMENTS	16
#define FOUR_GIB	(1ull << 32)

struct segment {
	uint64_t gpa, memsz;
	size_t offset, filesz;
};

struct layout {
	struct segment seg[MAX_SEGMENTS];
	unsigned int nr;
	uint32_t entry;
};

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

int mb_find_header(const uint8_t *image, size_t size, struct mb_header *hdr, char *err,
		   size_t errlen)
{
	size_t limit = size < MB_SEARCH_LIMIT ? size : MB_SEARCH_LIMIT;
	size_t off, bad = SIZE_MAX;

	memset(hdr, 0, sizeof(*hdr));
	for (off = 0; off + 12 <= limit; off += 4) {
		uint32_t flags = get32(image + off + 4);

		if (get32(image + off) != MB_HEADER_MAGIC)
			continue;
		/* 3.1.2: magic + flags + checksum is zero modulo 2^32. */
		if ((uint32_t)(MB_HEADER_MAGIC + flags + get32(image + off + 8))) {
			if (bad == SIZE_MAX)
				bad = off;
			continue;
		}
		hdr->offset = off;
		hdr->flags = flags;
		if (!(flags & MB_HFLAG_ADDRESS))
			return 0;
		if (off + 32 > limit)
			return boot_error(err, errlen, -ENOEXEC,
				    "kernel: its Multiboot header's address fields are cut off");
		hdr->header_addr = get32(image + off + 12);
		hdr->load_addr = get32(image + off + 16);
		hdr->load_end_addr = get32(image + off + 20);
		hdr->bss_end_addr = get32(image + off + 24);
		hdr->entry_addr = get32(image + off + 28);
		return 0;
	}
	if (bad != SIZE_MAX)
		return boot_error(err, errlen, -ENOEXEC,
			    "kernel: the Multiboot header at offset %#zx has a bad checksum", bad);
	return boot_error(err, errlen, -ENOENT, "kernel: no Multiboot header in its first %d bytes",
		    MB_SEARCH_LIMIT);
}

/* 3.1.2: bits 0-15 are requirements; a loader that cannot meet one must refuse. */
static int check_flags(uint32_t flags, char *err, size_t errlen)
{
	uint32_t unknown = flags & MB_HFLAG_REQUIRED_MASK &
			   ~(MB_HFLAG_PAGE_ALIGN | MB_HFLAG_MEMORY_INFO);

	/*
	 * Flag 2 says the video mode table "must be available to the kernel";
	 * there is no display (no VGA, no VBE), so it cannot be.
	 */
	if (unknown & MB_HFLAG_VIDEO_MODE)
		return boot_error(err, errlen, -ENOEXEC,
			    "kernel: its Multiboot header requires video mode information (flag 2), and hvkm-vmm has no display");
	if (unknown)
		return boot_error(err, errlen, -ENOEXEC,
			    "kernel: its Multiboot header requires flags %#x, which hvkm-vmm does not support",
			    unknown);
	return 0;
}

/* 3.1.3: the address fields say where the file goes, whatever its format. */
static int layout_aout(const struct mb_header *h, size_t size, struct layout *l, char *err,
		       size_t errlen)
{
	struct segment *s = &l->seg[0];
	uint64_t delta;

	if (h->load_addr > h->header_addr)
		return boot_error(err, errlen, -ENOEXEC,
			    "kernel: Multiboot load_addr %#x is above header_addr %#x",
			    h->load_addr, h->header_addr);
	delta = h->header_addr - h->load_addr;
	if (delta > h->offset)
		return boot_error(err, errlen, -ENOEXEC,
			    "kernel: Multiboot load_addr %#x would start %#llx bytes before the file",
			    h->load_addr, (unsigned long long)(delta - h->offset));
	s->gpa = h->load_addr;
	s->offset = h->offset - (size_t)delta;
	if (h->load_end_addr) {
		if (h->load_end_addr < h->load_addr)
			return boot_error(err, errlen, -ENOEXEC,
				    "kernel: Multiboot load_end_addr %#x is below load_addr %#x",
				    h->load_end_addr, h->load_addr);
		s->filesz = h->load_end_addr - h->load_addr;
		if (s->filesz > size - s->offset)
			return boot_error(err, errlen, -ENOEXEC,
				    "kernel: truncated: %zu bytes from offset %#zx to load, the file has %zu",
				    s->filesz, s->offset, size - s->offset);
	} else {
		s->filesz = size - s->offset;
	}
	s->memsz = s->filesz;
	if (h->bss_end_addr) {
		if (h->bss_end_addr < s->gpa + s->filesz)
			return boot_error(err, errlen, -ENOEXEC,
				    "kernel: Multiboot bss_end_addr %#x is below the end of the loaded image %#llx",
				    h->bss_end_addr, (unsigned long long)(s->gpa + s->filesz));
		s->memsz = h->bss_end_addr - s->gpa;
	}
	l->nr = 1;
	if (h->entry_addr < s->gpa || h->entry_addr >= s->gpa + s->memsz)
		return boot_error(err, errlen, -ENOEXEC,
			    "kernel: Multiboot entry_addr %#x is outside the image (%#llx-%#llx)",
			    h->entry_addr, (unsigned long long)s->gpa,
			    (unsigned long long)(s->gpa + s->memsz));
	l->entry = h->entry_addr;
	return 0;
}

/* An ELF32 i386 executable: PT_LOAD segments at their physical addresses. */
static int layout_elf(const uint8_t *image, size_t size, struct layout *l, char *err,
		      size_t errlen)
{
	Elf32_Ehdr eh;
	bool entry_found = false;
	unsigned int i;

	if (size < sizeof(eh))
		return boot_error(err, errlen, -ENOEXEC, "kernel: too small for an ELF header");
	memcpy(&eh, image, sizeof(eh));
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG))
		return boot_error(err, errlen, -ENOEXEC,
			    "kernel: not ELF, and its Multiboot header has no address fields (flag 16)");
	if (eh.e_ident[EI_CLASS] != ELFCLASS32 || eh.e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh.e_machine != EM_386 || eh.e_type != ET_EXEC)
		return boot_error(err, errlen, -ENOEXEC,
			    "kernel: a Multiboot ELF kernel must be an ELF32 i386 executable");
	if (eh.e_phentsize != sizeof(Elf32_Phdr) || !eh.e_phnum ||
	    eh.e_phoff > size || (size - eh.e_phoff) / sizeof(Elf32_Phdr) < eh.e_phnum)
		return boot_error(err, errlen, -ENOEXEC, "kernel: truncated or bad ELF program headers");
	l->nr = 0;
	for (i = 0; i < eh.e_phnum; i++) {
		Elf32_Phdr ph;
		struct segment *s;

		memcpy(&ph, image + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_LOAD || !ph.p_memsz)
			continue;
		if (ph.p_filesz > ph.p_memsz)
			return boot_error(err, errlen, -ENOEXEC,
				    "kernel: ELF segment %u has more file bytes than memory", i);
		if (ph.p_offset > size || ph.p_filesz > size - ph.p_offset)
			return boot_error(err, errlen, -ENOEXEC,
				    "kernel: truncated: ELF segment %u needs bytes %#x-%#llx, the file has %zu",
				    i, ph.p_offset, (unsigned long long)ph.p_offset + ph.p_filesz,
				    size);
		if (l->nr == MAX_SEGMENTS)
			return boot_error(err, errlen, -ENOEXEC, "kernel: more than %d ELF segments to load",
				    MAX_SEGMENTS);
		s = &l->seg[l->nr++];
		s->gpa = ph.p_paddr;
		s->memsz = ph.p_memsz;
		s->offset = ph.p_offset;
		s->filesz = ph.p_filesz;
		/* A kernel linked high gives e_entry as a virtual address. */
		if (!entry_found && eh.e_entry >= ph.p_vaddr && eh.e_entry - ph.p_vaddr < ph.p_memsz) {
			l->entry = ph.p_paddr + (eh.e_entry - ph.p_vaddr);
			entry_found = true;
		}
	}
	if (!l->nr)
		return boot_error(err, errlen, -ENOEXEC, "kernel: no ELF segment to load");
	if (!entry_found)
		return boot_error(err, errlen, -ENOEXEC,
			    "kernel: ELF entry point %#x is in no loaded segment", eh.e_entry);
	return 0;
}

/* [start, end) is inside one RAM range of @map. */
static bool in_ram(const struct e820_range *map, unsigned int n, uint64_t start, uint64_t end)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (map[i].type == E820_RAM && start >= map[i].addr &&
		    end <= map[i].addr + map[i].size)
			return true;
	return false;
}

static int place_segments(uint8_t *mem, const uint8_t *image, const struct layout *l,
			  const struct e820_range *map, unsigned int n, struct mb_entry *entry,
			  char *err, size_t errlen)
{
	unsigned int i;

	entry->kernel_start = UINT64_MAX;
	for (i = 0; i < l->nr; i++) {
		const struct segment *s = &l->seg[i];
		uint64_t end = s->gpa + s->memsz;

		if (s->gpa < MB_AREA_END)
			return boot_error(err, errlen, -E2BIG,
				    "kernel: segment %#llx-%#llx overlaps the boot information below %#x",
				    (unsigned long long)s->gpa, (unsigned long long)end,
				    MB_AREA_END);
		if (!in_ram(map, n, s->gpa, end))
			return boot_error(err, errlen, -E2BIG,
				    "kernel: segment %#llx-%#llx is outside RAM (memory too small?)",
				    (unsigned long long)s->gpa, (unsigned long long)end);
	}
	for (i = 0; i < l->nr; i++) {
		const struct segment *s = &l->seg[i];

		memcpy(mem + s->gpa, image + s->offset, s->filesz);
		memset(mem + s->gpa + s->filesz, 0, s->memsz - s->filesz);	/* bss */
		if (s->gpa < entry->kernel_start)
			entry->kernel_start = s->gpa;
		if (s->gpa + s->memsz > entry->kernel_end)
			entry->kernel_end = s->gpa + s->memsz;
	}
	return 0;
}

/* A bump allocator over the loader's area [MB_INFO, MB_AREA_END). */
struct area {
	uint8_t *mem;
	uint64_t next;
};

static uint32_t area_put(struct area *a, const void *data, size_t len, uint64_t align)
{
	uint64_t at = align_up(a->next, align);

	if (at > MB_AREA_END || len > MB_AREA_END - at)
		return 0;
	memcpy(a->mem + at, data, len);
	a->next = at + len;
	return (uint32_t)at;
}

static uint32_t area_string(struct area *a, const char *s)
{
	return area_put(a, s, strlen(s) + 1, 1);
}

/* 3.3: mem_lower/mem_upper from the map, which also goes to mmap_*. */
static int build_info(uint8_t *mem, const struct e820_range *map, unsigned int n,
		      const char *cmdline, const struct mb_module_image *mods,
		      unsigned int nr_mods, const struct mb_entry *entry, char *err, size_t errlen)
{
	struct area a = { .mem = mem, .next = MB_INFO + sizeof(struct mb_info) };
	struct mb_info info = { 0 };
	uint32_t mods_addr = 0;
	unsigned int i;
	uint64_t addr;
	bool ok = true;

	memset(mem + MB_INFO, 0, MB_AREA_END - MB_INFO);
	for (i = 0; i < n; i++) {
		if (map[i].type == E820_RAM && map[i].addr == 0)
			info.mem_lower = (uint32_t)(map[i].size >> 10);
		if (map[i].type == E820_RAM && map[i].addr == E820_HIGH_RAM)
			info.mem_upper = (uint32_t)(map[i].size >> 10 > UINT32_MAX ? UINT32_MAX
									: map[i].size >> 10);
	}
	info.flags = MB_INFO_MEMORY | MB_INFO_CMDLINE | MB_INFO_MODS | MB_INFO_MMAP |
		     MB_INFO_LOADER_NAME;
	for (i = 0; i < n; i++) {
		struct mb_mmap_entry e = {
			.size = sizeof(e) - sizeof(e.size),
			.base_addr = map[i].addr,
			.length = map[i].size,
			.type = map[i].type,
		};
		uint32_t at = area_put(&a, &e, sizeof(e), i ? 1 : 8);

		if (!i)
			info.mmap_addr = at;
		ok &= at != 0;
	}
	info.mmap_length = n * sizeof(struct mb_mmap_entry);
	if (nr_mods) {
		/* The list first, its strings after it. */
		mods_addr = (uint32_t)align_up(a.next, 8);
		a.next = mods_addr + nr_mods * sizeof(struct mb_module);
		ok &= a.next <= MB_AREA_END;
	}
	info.mods_count = nr_mods;
	info.mods_addr = mods_addr;
	info.boot_loader_name = area_string(&a, MB_LOADER_NAME);
	info.cmdline = area_string(&a, cmdline);
	ok &= info.boot_loader_name && info.cmdline;
	addr = entry->mods_start;
	for (i = 0; ok && i < nr_mods; i++) {
		struct mb_module m = {
			.mod_start = (uint32_t)addr,
			.mod_end = (uint32_t)(addr + mods[i].size),
			.string = area_string(&a, mods[i].string),
		};

		ok &= m.string != 0;
		memcpy(mem + mods_addr + i * sizeof(m), &m, sizeof(m));
		addr = align_up(addr + mods[i].size, PAGE_SIZE);
	}
	if (!ok)
		return boot_error(err, errlen, -E2BIG,
			    "the command line and module strings do not fit in the %u KiB of boot information",
			    (MB_AREA_END - MB_INFO) >> 10);
	memcpy(mem + MB_INFO, &info, sizeof(info));
	return 0;
}

static void build_gdt(uint8_t *mem)
{
	static const uint64_t gdt[] = {
		0, 0,
		0x00cf9b000000ffffull,	/* MB_SEL_CODE32: 32-bit code, base 0, 4 GiB */
		0x00cf93000000ffffull,	/* MB_SEL_DATA: data, base 0, 4 GiB */
	};

	memcpy(mem + MB_GDT, gdt, sizeof(gdt));
}

int mb_load(uint8_t *mem, uint64_t mem_size, const uint8_t *image, size_t size,
	    const char *cmdline, const struct mb_module_image *mods, unsigned int nr_mods,
	    struct mb_entry *entry, char *err, size_t errlen)
{
	struct e820_range map[E820_MAX_ENTRIES];
	unsigned int i, n;
	struct mb_header h;
	struct layout l;
	uint64_t addr;
	int ret;

	memset(entry, 0, sizeof(*entry));
	memset(&l, 0, sizeof(l));
	ret = mb_find_header(image, size, &h, err, errlen);
	if (ret)
		return ret == -ENOENT ? -ENOEXEC : ret;
	ret = check_flags(h.flags, err, errlen);
	if (ret)
		return ret;
	entry->aout_kludge = !!(h.flags & MB_HFLAG_ADDRESS);
	if (entry->aout_kludge)
		ret = layout_aout(&h, size, &l, err, errlen);
	else
		ret = layout_elf(image, size, &l, err, errlen);
	if (ret)
		return ret;

	/* Low RAM only: a Multiboot kernel is 32-bit (docs/vmm.md). */
	n = e820_build(map, mem_size, 0);
	ret = place_segments(mem, image, &l, map, n, entry, err, errlen);
	if (ret)
		return ret;

	/* Modules on page boundaries (3.1.2 flag 0, always honoured) after the kernel. */
	addr = align_up(entry->kernel_end > E820_HIGH_RAM ? entry->kernel_end : E820_HIGH_RAM,
			PAGE_SIZE);
	entry->mods_start = (uint32_t)addr;
	for (i = 0; i < nr_mods; i++) {
		uint64_t end = addr + mods[i].size;

		if (end > FOUR_GIB || !in_ram(map, n, addr, end))
			return boot_error(err, errlen, -E2BIG,
				    "module %u (%s): %zu bytes do not fit in RAM at %#llx after the kernel",
				    i, mods[i].string, mods[i].size, (unsigned long long)addr);
		memcpy(mem + addr, mods[i].data, mods[i].size);
		entry->mods_end = (uint32_t)end;
		addr = align_up(end, PAGE_SIZE);
	}
	if (!nr_mods)
		entry->mods_end = entry->mods_start;

	ret = build_info(mem, map, n, cmdline, mods, nr_mods, entry, err, errlen);
	if (ret)
		return ret;
	build_gdt(mem);
	entry->eip = l.entry;
	entry->ebx = MB_INFO;
	return 0;
}
