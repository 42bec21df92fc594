// SPDX-License-Identifier: GPL-2.0
// sources: linux_boot.c e820.c
/*
 * The bzImage loader on synthetic images (every header field under test's
 * control) and on the host's own Debian kernel, into a buffer standing for
 * guest RAM.
 */
#include <asm/bootparam.h>
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linux_boot.h"
#include "tap.h"

#define MIB (1ull << 20)
#define IMAGE_SIZE (64 * 1024)
#define SETUP_SECTS 3

static uint8_t image[IMAGE_SIZE];

static void make_image(uint16_t version, uint16_t xloadflags)
{
	struct setup_header *h = (struct setup_header *)(image + 0x1f1);
	size_t i;

	memset(image, 0, sizeof(image));
	h->setup_sects = SETUP_SECTS;
	h->boot_flag = 0xaa55;
	h->header = 0x53726448;
	h->version = version;
	h->loadflags = LOADED_HIGH;
	h->kernel_alignment = 0x200000;
	h->relocatable_kernel = 1;
	h->xloadflags = xloadflags;
	h->cmdline_size = 2047;
	h->initrd_addr_max = 0x7fffffff;
	h->pref_address = 0x1000000;
	h->init_size = 0x800000;
	image[0x200] = 0xeb;	/* jmp short past the header */
	image[0x201] = 0x6a;
	/* The protected-mode part: a recognizable pattern. */
	for (i = (SETUP_SECTS + 1) * 512; i < sizeof(image); i++)
		image[i] = (uint8_t)(i * 7);
}

static uint64_t get64(const uint8_t *mem, uint64_t gpa)
{
	uint64_t v;

	memcpy(&v, mem + gpa, sizeof(v));
	return v;
}

static int load(uint8_t *mem, uint64_t size, const uint8_t *initrd, size_t initrd_size,
		const char *cmdline, struct linux_entry *e)
{
	char err[200];

	return linux_load(mem, size, 0, image, sizeof(image), initrd, initrd_size, cmdline, e,
			  err, sizeof(err));
}

static void test_real_kernel(uint8_t *mem, uint64_t size)
{
	struct linux_entry e;
	glob_t g;
	FILE *f;
	uint8_t *k;
	long len;
	char err[200];
	int ret = -1;

	/* make deps installs linux-image-amd64: the newest is the last by name. */
	if (glob("/boot/vmlinuz-*-amd64", 0, NULL, &g) || !g.gl_pathc) {
		CHECK(0, "debian_kernel_present");
		return;
	}
	f = fopen(g.gl_pathv[g.gl_pathc - 1], "rb");
	globfree(&g);
	if (!f) {
		CHECK(0, "debian_kernel_readable");
		return;
	}
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	k = malloc((size_t)len);
	if (k && fread(k, 1, (size_t)len, f) == (size_t)len)
		ret = linux_load(mem, size, 0, k, (size_t)len, NULL, 0, "console=ttyS0", &e,
				 err, sizeof(err));
	fclose(f);
	if (ret)
		fprintf(stderr, "# %s\n", err);
	CHECK(ret == 0 && e.protocol >= 0x020c, "debian_kernel_loads");
	CHECK(e.rip == e.kernel_gpa + 0x200 && !(e.kernel_gpa & 0x1fffff), "debian_kernel_entry");
	CHECK(!memcmp(mem + e.kernel_gpa, k + ((size_t)(k[0x1f1] ? k[0x1f1] : 4) + 1) * 512, 4096),
	      "debian_kernel_payload");
	free(k);
}

int main(void)
{
	uint64_t size = 128 * MIB;
	uint8_t *mem = calloc(1, size);
	struct boot_params *bp = (struct boot_params *)(mem + BOOT_ZERO_PAGE);
	struct linux_entry e;
	uint8_t initrd[10000];
	char longline[4000];
	unsigned int i;
	int ret;

	if (!mem)
		return 1;
	memset(initrd, 0x5a, sizeof(initrd));
	make_image(0x020f, XLF_KERNEL_64);
	ret = load(mem, size, initrd, sizeof(initrd), "console=ttyS0 quiet", &e);
	CHECK(ret == 0, "loads");
	CHECK(e.kernel_gpa == 0x1000000 && e.rip == 0x1000200, "entry_is_startup_64_at_pref_address");
	CHECK(e.rsi == BOOT_ZERO_PAGE && e.cr3 == BOOT_PML4, "rsi_boot_params_cr3_tables");
	CHECK(!memcmp(mem + 0x1000000, image + (SETUP_SECTS + 1) * 512,
		      sizeof(image) - (SETUP_SECTS + 1) * 512), "protected_mode_part_copied");
	CHECK(bp->hdr.header == 0x53726448 && bp->hdr.version == 0x020f &&
	      bp->hdr.setup_sects == SETUP_SECTS, "setup_header_copied");
	CHECK(bp->hdr.type_of_loader == 0xff && (bp->hdr.loadflags & CAN_USE_HEAP),
	      "loader_fields");
	CHECK(bp->hdr.cmd_line_ptr == BOOT_CMDLINE &&
	      !strcmp((char *)mem + BOOT_CMDLINE, "console=ttyS0 quiet"), "command_line");
	CHECK(e.initrd_gpa + e.initrd_size <= size && size - e.initrd_gpa < sizeof(initrd) + 4096 &&
	      !(e.initrd_gpa & 0xfff), "initrd_at_top_page_aligned");
	CHECK(bp->hdr.ramdisk_image == e.initrd_gpa && bp->hdr.ramdisk_size == sizeof(initrd) &&
	      !memcmp(mem + e.initrd_gpa, initrd, sizeof(initrd)), "initrd_copied_and_described");
	CHECK(bp->e820_entries == 4, "e820_four_entries");
	CHECK(bp->e820_table[0].addr == 0 && bp->e820_table[0].size == BOOT_EBDA &&
	      bp->e820_table[0].type == 1, "e820_low_ram");
	CHECK(bp->e820_table[1].type == 2 && bp->e820_table[2].addr == 0xf0000 &&
	      bp->e820_table[2].type == 2, "e820_ebda_and_bios_reserved");
	CHECK(bp->e820_table[3].addr == MIB && bp->e820_table[3].size == size - MIB &&
	      bp->e820_table[3].type == 1, "e820_high_ram");
	CHECK((get64(mem, BOOT_PML4) & ~0xfffull) == BOOT_PDPT && (get64(mem, BOOT_PML4) & 1),
	      "pml4_points_to_pdpt");
	for (i = 0; i < 2048; i++)
		if (get64(mem, BOOT_PD + i * 8) != (((uint64_t)i << 21) | 0x83))
			break;
	CHECK(i == 2048, "identity_map_4g_2m_pages");
	CHECK(get64(mem, BOOT_PDPT + 3 * 8) == ((BOOT_PD + 3 * 4096) | 3), "pdpt_fourth_gig");
	CHECK(get64(mem, BOOT_GDT + BOOT_SEL_CODE64) == 0x00af9b000000ffffull &&
	      get64(mem, BOOT_GDT + BOOT_SEL_DATA) == 0x00cf93000000ffffull, "gdt_flat_long_mode");
	CHECK(BOOT_ZERO_PAGE + sizeof(*bp) <= BOOT_PML4 && BOOT_PD + 4 * 4096 <= BOOT_CMDLINE,
	      "layout_does_not_overlap");

	/* What hvkm-vmm boots as Linux rather than as a Multiboot kernel. */
	CHECK(linux_is_bzimage(image, sizeof(image)) && !linux_is_bzimage(image, 0x205),
	      "bzimage_detected_by_magic");

	/* Refusals. */
	make_image(0x020b, XLF_KERNEL_64);
	CHECK(load(mem, size, NULL, 0, "", &e) == -ENOEXEC, "protocol_2_11_refused");
	make_image(0x020f, 0);
	CHECK(load(mem, size, NULL, 0, "", &e) == -ENOEXEC, "no_64bit_entry_refused");
	make_image(0x020f, XLF_KERNEL_64);
	image[0x202] = 'X';
	CHECK(load(mem, size, NULL, 0, "", &e) == -ENOEXEC, "bad_magic_refused");
	CHECK(!linux_is_bzimage(image, sizeof(image)), "bad_magic_not_a_bzimage");
	make_image(0x020f, XLF_KERNEL_64);
	memset(longline, 'a', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = 0;
	CHECK(load(mem, size, NULL, 0, longline, &e) == -E2BIG, "command_line_too_long");
	CHECK(load(mem, 32 * MIB, NULL, 0, "", &e) == -EINVAL, "too_little_ram");
	CHECK(linux_load(mem, size, 0, image, sizeof(image), mem, 120 * MIB, "", &e, longline,
			 sizeof(longline)) == -E2BIG, "initrd_too_large");
	CHECK(linux_load(mem, size, 0, image, 1000, NULL, 0, "", &e, longline, sizeof(longline)) ==
	      -ENOEXEC, "truncated_image");

	/* RAM beyond 3 GiB: reported at 4 GiB, after the low RAM. */
	CHECK(linux_load(mem, size, 2048 * MIB, image, sizeof(image), initrd, sizeof(initrd), "",
			 &e, longline, sizeof(longline)) == 0 &&
	      bp->e820_entries == 5 && bp->e820_table[3].size == size - MIB &&
	      bp->e820_table[4].addr == (4ull << 30) && bp->e820_table[4].size == 2048 * MIB &&
	      bp->e820_table[4].type == 1, "e820_ram_above_4g");
	CHECK(e.initrd_gpa + e.initrd_size <= size, "initrd_stays_in_low_ram");

	test_real_kernel(mem, size);
	free(mem);
	return tap_done();
}
