// SPDX-License-Identifier: GPL-2.0
// sources: multiboot.c e820.c
/*
 * The Multiboot loader on synthetic kernels (ELF32 and the header's address
 * fields), into a buffer standing for guest RAM filled with garbage first,
 * so that zeroing (bss, the information area) is checked too.
 */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e820.h"
#include "multiboot.h"
#include "bytes.h"
#include "tap.h"

#define MIB		(1ull << 20)
#define RAM_SIZE	(64 * MIB)
#define IMAGE_MAX	(64 * 1024)
#define HDR_OFF		0x100		/* where the synthetic images carry their header */
#define GARBAGE		0xa5

static uint8_t image[IMAGE_MAX];
static size_t image_size;
static uint8_t *mem;
static char err[256];

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void put_header(size_t off, uint32_t flags)
{
	put32(image + off, MB_HEADER_MAGIC);
	put32(image + off + 4, flags);
	put32(image + off + 8, -(MB_HEADER_MAGIC + flags));
}

static void fill_pattern(size_t from, size_t to, uint8_t seed)
{
	size_t i;

	for (i = from; i < to; i++)
		image[i] = (uint8_t)(i * 13 + seed);
}

/*
 * An ELF32 i386 kernel: text (0x2000 bytes from file offset 0x1000) at
 * @paddr, linked at @vaddr; data (0x800 bytes from 0x3000) at 0x300000
 * with 0x2800 bytes of bss after it.  The entry is 0x10 into the text.
 */
static void make_elf(uint32_t flags, uint32_t vaddr, uint32_t paddr)
{
	Elf32_Ehdr eh = {
		.e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS32, ELFDATA2LSB,
			     EV_CURRENT },
		.e_type = ET_EXEC,
		.e_machine = EM_386,
		.e_version = EV_CURRENT,
		.e_entry = vaddr + 0x10,
		.e_phoff = sizeof(Elf32_Ehdr),
		.e_ehsize = sizeof(Elf32_Ehdr),
		.e_phentsize = sizeof(Elf32_Phdr),
		.e_phnum = 3,
	};
	Elf32_Phdr ph[3] = {
		{ .p_type = PT_LOAD, .p_offset = 0x1000, .p_vaddr = vaddr, .p_paddr = paddr,
		  .p_filesz = 0x2000, .p_memsz = 0x2000, .p_flags = PF_R | PF_X },
		{ .p_type = PT_LOAD, .p_offset = 0x3000, .p_vaddr = vaddr + 0x200000,
		  .p_paddr = 0x300000, .p_filesz = 0x800, .p_memsz = 0x3000, .p_flags = PF_R | PF_W },
		{ .p_type = PT_GNU_STACK },
	};

	memset(image, 0, sizeof(image));
	memcpy(image, &eh, sizeof(eh));
	memcpy(image + eh.e_phoff, ph, sizeof(ph));
	put_header(HDR_OFF, flags);
	fill_pattern(0x1000, 0x3800, 1);
	image_size = 0x3800;
}

/*
 * A flat image with the address fields: loaded from file offset 0 at
 * 0x200000 (the header at HDR_OFF), @load_end (0: the whole file) and
 * @bss_end as given, the entry 0x400 in.
 */
#define AOUT_LOAD	0x200000u
#define AOUT_SIZE	0x5000u

static void make_aout(uint32_t flags, uint32_t load_end, uint32_t bss_end)
{
	memset(image, 0, sizeof(image));
	fill_pattern(0, AOUT_SIZE, 7);
	put_header(HDR_OFF, flags | MB_HFLAG_ADDRESS);
	put32(image + HDR_OFF + 12, AOUT_LOAD + HDR_OFF);	/* header_addr */
	put32(image + HDR_OFF + 16, AOUT_LOAD);			/* load_addr */
	put32(image + HDR_OFF + 20, load_end);
	put32(image + HDR_OFF + 24, bss_end);
	put32(image + HDR_OFF + 28, AOUT_LOAD + 0x400);		/* entry_addr */
	image_size = AOUT_SIZE;
}

static int load_mods(const char *cmdline, const struct mb_module_image *mods, unsigned int n,
		     struct mb_entry *e)
{
	memset(mem, GARBAGE, RAM_SIZE);
	err[0] = 0;
	return mb_load(mem, RAM_SIZE, image, image_size, cmdline, mods, n, e, err, sizeof(err));
}

static int load(struct mb_entry *e)
{
	return load_mods("/k", NULL, 0, e);
}

static int all(const uint8_t *p, size_t len, uint8_t v)
{
	while (len--)
		if (*p++ != v)
			return 0;
	return 1;
}

static const struct mb_info *info(void)
{
	return (const struct mb_info *)(mem + MB_INFO);
}

static void test_find_header(void)
{
	struct mb_header h;

	make_elf(MB_HFLAG_PAGE_ALIGN, 0x100000, 0x100000);
	CHECK(mb_find_header(image, image_size, &h, err, sizeof(err)) == 0 &&
	      h.offset == HDR_OFF && h.flags == MB_HFLAG_PAGE_ALIGN, "header_found");
	memset(image + HDR_OFF, 0, 12);
	put_header(HDR_OFF + 2, 0);
	CHECK(mb_find_header(image, image_size, &h, err, sizeof(err)) == -ENOENT,
	      "header_unaligned_not_found");
	memset(image + HDR_OFF + 2, 0, 12);
	put_header(8192 - 8, 0);
	CHECK(mb_find_header(image, image_size, &h, err, sizeof(err)) == -ENOENT,
	      "header_crossing_8k_not_found");
	memset(image + 8192 - 8, 0, 12);
	put_header(8192 - 12, 0);
	CHECK(mb_find_header(image, image_size, &h, err, sizeof(err)) == 0 && h.offset == 8192 - 12,
	      "header_ending_at_8k_found");
	memset(image + 8192 - 12, 0, 12);
	put_header(8192 - 20, MB_HFLAG_ADDRESS);
	CHECK(mb_find_header(image, image_size, &h, err, sizeof(err)) == -ENOEXEC,
	      "address_fields_past_8k_refused");
	memset(image + 8192 - 20, 0, 12);
	put_header(HDR_OFF, 0);
	put32(image + HDR_OFF + 8, get32(image + HDR_OFF + 8) + 1);
	CHECK(mb_find_header(image, image_size, &h, err, sizeof(err)) == -ENOEXEC &&
	      strstr(err, "checksum"), "bad_checksum_refused");
	/* A bad header before a good one does not hide it. */
	put_header(HDR_OFF + 0x40, MB_HFLAG_MEMORY_INFO);
	CHECK(mb_find_header(image, image_size, &h, err, sizeof(err)) == 0 &&
	      h.offset == HDR_OFF + 0x40, "good_header_after_bad_found");
	CHECK(mb_find_header(image, HDR_OFF + 8, &h, err, sizeof(err)) == -ENOENT,
	      "header_cut_by_file_end_not_found");
}

static void test_elf(void)
{
	struct mb_entry e;
	int ret;

	make_elf(MB_HFLAG_PAGE_ALIGN | MB_HFLAG_MEMORY_INFO, 0x100000, 0x100000);
	ret = load(&e);
	if (ret)
		printf("# %s\n", err);
	CHECK(ret == 0 && !e.aout_kludge, "elf_loads");
	CHECK(!memcmp(mem + 0x100000, image + 0x1000, 0x2000) &&
	      !memcmp(mem + 0x300000, image + 0x3000, 0x800), "elf_segments_at_paddr");
	CHECK(all(mem + 0x300800, 0x2800, 0), "elf_bss_zeroed");
	CHECK(mem[0x303000] == GARBAGE && mem[0x102000] == GARBAGE, "elf_nothing_beyond_segments");
	CHECK(e.eip == 0x100010 && e.ebx == MB_INFO, "elf_entry_and_ebx");
	CHECK(e.kernel_start == 0x100000 && e.kernel_end == 0x303000, "elf_kernel_extent");

	/* Linked high, loaded low: the entry is translated to its physical address. */
	make_elf(0, 0xc0100000, 0x100000);
	CHECK(load(&e) == 0 && e.eip == 0x100010, "elf_higher_half_entry_translated");

	make_elf(0, 0x100000, 0x100000);
	image[EI_CLASS] = ELFCLASS64;
	CHECK(load(&e) == -ENOEXEC, "elf64_refused");
	make_elf(0, 0x100000, 0x100000);
	put32(image + 24, 0x900000);	/* e_entry */
	CHECK(load(&e) == -ENOEXEC && strstr(err, "entry"), "elf_entry_outside_segments_refused");
	make_elf(0, 0x100000, 0x100000);
	image_size = 0x3000;		/* the data segment's bytes are missing */
	CHECK(load(&e) == -ENOEXEC && strstr(err, "truncated"), "elf_truncated_refused");
	make_elf(0, 0x100000, 0x100000);
	image_size = 0x40;		/* the program headers are missing */
	CHECK(load(&e) == -ENOEXEC, "elf_truncated_phdrs_refused");
	make_elf(0, 0x100000, RAM_SIZE - 0x1000);
	CHECK(load(&e) == -E2BIG && strstr(err, "outside RAM"), "elf_segment_beyond_ram_refused");
	make_elf(0, 0x100000, 0x10000);
	CHECK(load(&e) == -E2BIG && strstr(err, "boot information"),
	      "elf_segment_in_loader_area_refused");
	make_elf(0, 0x100000, 0x9f000);
	CHECK(load(&e) == -E2BIG && strstr(err, "outside RAM"), "elf_segment_over_ebda_refused");
	make_elf(0, 0x100000, 0x100000);
	memset(image, 0, 4);
	CHECK(load(&e) == -ENOEXEC && strstr(err, "flag 16"), "not_elf_without_address_fields_refused");
}

static void test_flags(void)
{
	struct mb_entry e;

	make_elf(MB_HFLAG_VIDEO_MODE, 0x100000, 0x100000);
	CHECK(load(&e) == -ENOEXEC && strstr(err, "video"), "video_mode_flag_refused");
	make_elf(1u << 5, 0x100000, 0x100000);
	CHECK(load(&e) == -ENOEXEC && strstr(err, "0x20"), "unknown_required_flag_refused");
	make_elf(1u << 15, 0x100000, 0x100000);
	CHECK(load(&e) == -ENOEXEC, "required_flag_15_refused");
	make_elf(1u << 20, 0x100000, 0x100000);
	CHECK(load(&e) == 0, "unknown_optional_flag_ignored");
	memset(image, 0, sizeof(image));
	image_size = sizeof(image);
	CHECK(load(&e) == -ENOEXEC && strstr(err, "no Multiboot header"), "no_header_refused");
}

static void test_aout(void)
{
	struct mb_entry e;
	int ret;

	make_aout(MB_HFLAG_PAGE_ALIGN, AOUT_LOAD + 0x4000, AOUT_LOAD + 0x6000);
	ret = load(&e);
	if (ret)
		printf("# %s\n", err);
	CHECK(ret == 0 && e.aout_kludge, "aout_loads");
	CHECK(!memcmp(mem + AOUT_LOAD, image, 0x4000), "aout_text_and_data_loaded");
	CHECK(all(mem + AOUT_LOAD + 0x4000, 0x2000, 0), "aout_bss_zeroed");
	CHECK(mem[AOUT_LOAD + 0x6000] == GARBAGE, "aout_nothing_beyond_bss");
	CHECK(e.eip == AOUT_LOAD + 0x400 && e.kernel_end == AOUT_LOAD + 0x6000, "aout_entry_extent");

	make_aout(0, 0, 0);
	CHECK(load(&e) == 0 && !memcmp(mem + AOUT_LOAD, image, AOUT_SIZE) &&
	      e.kernel_end == AOUT_LOAD + AOUT_SIZE, "aout_load_end_zero_loads_whole_file");

	/* The header 0x100 into the file, header_addr 0x80 past load_addr: start at offset 0x80. */
	make_aout(0, 0, 0);
	put32(image + HDR_OFF + 12, AOUT_LOAD + 0x80);
	put32(image + HDR_OFF + 28, AOUT_LOAD + 0x80);
	CHECK(load(&e) == 0 && !memcmp(mem + AOUT_LOAD, image + 0x80, AOUT_SIZE - 0x80),
	      "aout_file_offset_from_header_addr");

	make_aout(0, AOUT_LOAD + AOUT_SIZE + 0x1000, 0);
	CHECK(load(&e) == -ENOEXEC && strstr(err, "truncated"), "aout_truncated_refused");
	make_aout(0, 0, 0);
	put32(image + HDR_OFF + 16, AOUT_LOAD + HDR_OFF + 4);
	CHECK(load(&e) == -ENOEXEC, "aout_load_addr_above_header_addr_refused");
	make_aout(0, 0, 0);
	put32(image + HDR_OFF + 12, AOUT_LOAD + 0x1000);	/* would start before the file */
	CHECK(load(&e) == -ENOEXEC, "aout_start_before_file_refused");
	make_aout(0, AOUT_LOAD + 0x4000, AOUT_LOAD + 0x3000);
	CHECK(load(&e) == -ENOEXEC && strstr(err, "bss_end_addr"), "aout_bss_end_below_load_end_refused");
	make_aout(0, AOUT_LOAD + 0x1000, AOUT_LOAD);
	CHECK(load(&e) == -ENOEXEC, "aout_bss_end_below_load_addr_refused");
	make_aout(0, AOUT_LOAD - 0x10, 0);
	CHECK(load(&e) == -ENOEXEC, "aout_load_end_below_load_addr_refused");
	make_aout(0, 0, 0);
	put32(image + HDR_OFF + 28, AOUT_LOAD + AOUT_SIZE);
	CHECK(load(&e) == -ENOEXEC && strstr(err, "entry"), "aout_entry_outside_refused");
	make_aout(0, 0, RAM_SIZE + 0x1000);
	CHECK(load(&e) == -E2BIG, "aout_bss_beyond_ram_refused");
	make_aout(0, 0, 0);
	put32(image + HDR_OFF + 12, 0x40000 + HDR_OFF);
	put32(image + HDR_OFF + 16, 0x40000);
	put32(image + HDR_OFF + 28, 0x40400);
	CHECK(load(&e) == -E2BIG && strstr(err, "boot information"), "aout_in_loader_area_refused");
	/* An ELF file whose header has the address fields is loaded by them. */
	make_elf(MB_HFLAG_ADDRESS, 0x100000, 0x100000);
	put32(image + HDR_OFF + 12, 0x400000 + HDR_OFF);
	put32(image + HDR_OFF + 16, 0x400000);
	put32(image + HDR_OFF + 28, 0x400000);
	CHECK(load(&e) == 0 && e.aout_kludge && e.eip == 0x400000 &&
	      !memcmp(mem + 0x400000, image, image_size) && mem[0x100000] == GARBAGE,
	      "address_fields_win_over_elf");
}

static void test_info(void)
{
	static const char cmdline[] = "/boot/kernel.elf console=ttyS0 quiet";
	uint8_t mod0[5000], mod1[3];
	const struct mb_module_image mods[] = {
		{ mod0, sizeof(mod0), "/boot/mod0 first second" },
		{ mod1, sizeof(mod1), "/boot/mod1" },
		{ mod1, 0, "/boot/empty" },
	};
	struct e820_range map[E820_MAX_ENTRIES];
	const struct mb_mmap_entry *mm;
	const struct mb_module *m;
	const struct mb_info *mi = info();
	unsigned int i, n = e820_build(map, RAM_SIZE, 0);
	struct mb_entry e;
	int ok;

	memset(mod0, 0x3c, sizeof(mod0));
	memset(mod1, 0xc3, sizeof(mod1));
	make_elf(MB_HFLAG_PAGE_ALIGN | MB_HFLAG_MEMORY_INFO, 0x100000, 0x100000);
	CHECK(load_mods(cmdline, mods, 3, &e) == 0, "info_loads_with_modules");
	CHECK(mi->flags == (MB_INFO_MEMORY | MB_INFO_CMDLINE | MB_INFO_MODS | MB_INFO_MMAP |
			    MB_INFO_LOADER_NAME), "info_flags");
	CHECK(mi->mem_lower == 639 && mi->mem_upper == (RAM_SIZE - MIB) / 1024, "info_mem_lower_upper");
	CHECK(!strcmp((const char *)mem + mi->cmdline, cmdline), "info_cmdline");
	CHECK(!strcmp((const char *)mem + mi->boot_loader_name, "hvkm-vmm"), "info_loader_name");
	CHECK(mi->boot_device == 0 && mi->drives_length == 0 && mi->config_table == 0,
	      "info_fields_not_given_are_zero");

	/* The memory map is the E820 map, each entry with its size field of 20. */
	ok = n == 4 && mi->mmap_length == n * sizeof(*mm) && !(mi->mmap_addr % 8);
	for (i = 0; ok && i < n; i++) {
		mm = (const struct mb_mmap_entry *)(mem + mi->mmap_addr + i * sizeof(*mm));
		ok = mm->size == 20 && mm->base_addr == map[i].addr && mm->length == map[i].size &&
		     mm->type == map[i].type;
	}
	CHECK(ok, "info_mmap_is_e820");
	CHECK(map[0].addr == 0 && map[0].size == E820_LOW_RAM_END && map[0].type == E820_RAM &&
	      map[1].type == E820_RESERVED && map[2].addr == E820_BIOS_AREA &&
	      map[3].addr == MIB && map[3].size == RAM_SIZE - MIB && map[3].type == E820_RAM,
	      "e820_pc_layout");

	/* Modules: after the kernel's bss, page aligned, one after the other. */
	m = (const struct mb_module *)(mem + mi->mods_addr);
	CHECK(mi->mods_count == 3 && mi->mods_addr >= MB_INFO && mi->mods_addr < MB_AREA_END,
	      "info_module_list");
	CHECK(m[0].mod_start == 0x303000 && m[0].mod_end == 0x303000 + sizeof(mod0) &&
	      !memcmp(mem + m[0].mod_start, mod0, sizeof(mod0)), "module0_after_kernel");
	CHECK(m[1].mod_start == 0x305000 && m[1].mod_end == 0x305003 &&
	      !memcmp(mem + m[1].mod_start, mod1, sizeof(mod1)), "module1_page_aligned_after_module0");
	CHECK(m[2].mod_start == 0x306000 && m[2].mod_end == m[2].mod_start, "module2_empty");
	CHECK(!strcmp((const char *)mem + m[0].string, "/boot/mod0 first second") &&
	      !strcmp((const char *)mem + m[1].string, "/boot/mod1") &&
	      !strcmp((const char *)mem + m[2].string, "/boot/empty") && m[0].reserved == 0,
	      "module_strings_whole_entries");
	CHECK(e.mods_start == 0x303000 && e.mods_end == 0x306000, "module_extent_reported");
	/* Everything the loader wrote is in its area, past the info structure. */
	CHECK(mi->cmdline > MB_INFO && mi->cmdline + sizeof(cmdline) <= MB_AREA_END &&
	      m[2].string < MB_AREA_END && mi->mmap_addr >= MB_INFO + sizeof(*mi),
	      "info_strings_in_loader_area");
	CHECK(get32(mem + MB_GDT + MB_SEL_CODE32) == 0x0000ffff &&
	      get32(mem + MB_GDT + MB_SEL_CODE32 + 4) == 0x00cf9b00 &&
	      get32(mem + MB_GDT + MB_SEL_DATA + 4) == 0x00cf9300, "gdt_flat_32bit");

	/* No modules: the count is 0, and the flag still says the fields are valid. */
	CHECK(load(&e) == 0 && info()->mods_count == 0 && (info()->flags & MB_INFO_MODS) &&
	      info()->mods_addr == 0, "no_modules");
	/* A kernel in low RAM: modules still go above 1 MiB. */
	make_elf(0, 0x80000, 0x80000);
	put32(image + sizeof(Elf32_Ehdr) + sizeof(Elf32_Phdr) + 12, 0x90000);	/* 2nd p_paddr */
	CHECK(load_mods(cmdline, mods, 1, &e) == 0 &&
	      ((const struct mb_module *)(mem + info()->mods_addr))->mod_start == MIB,
	      "modules_above_1mib_for_low_kernel");
}

static void test_module_refusals(void)
{
	static char huge_string[MB_AREA_END];
	uint8_t *big = calloc(1, RAM_SIZE);
	struct mb_module_image mods[] = { { big, RAM_SIZE - 3 * MIB, "/big" } };
	struct mb_entry e;

	make_elf(0, 0x100000, 0x100000);
	CHECK(big && load_mods("/k", mods, 1, &e) == -E2BIG && strstr(err, "module 0"),
	      "module_beyond_ram_refused");
	memset(huge_string, 'x', sizeof(huge_string) - 1);
	mods[0].size = 10;
	mods[0].string = huge_string;
	CHECK(load_mods("/k", mods, 1, &e) == -E2BIG && strstr(err, "strings"),
	      "module_string_too_long_refused");
	CHECK(load_mods(huge_string, NULL, 0, &e) == -E2BIG, "cmdline_too_long_refused");
	free(big);
}

int main(void)
{
	mem = malloc(RAM_SIZE);
	if (!mem)
		return 1;
	test_find_header();
	test_elf();
	test_flags();
	test_aout();
	test_info();
	test_module_refusals();
	free(mem);
	return tap_done();
}
