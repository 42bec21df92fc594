// SPDX-License-Identifier: GPL-2.0
// sources: acpi.c aml.c
#define _GNU_SOURCE
/*
 * The ACPI tables: structure and checksums, then each table dumped to a
 * file and disassembled with iasl -d (acpica-tools), which must report no
 * error and no warning.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acpi.h"
#include "aml.h"
#include "bytes.h"
#include "tap.h"

#define MEM_SIZE	(2u << 20)

/* Disassemble @len bytes at @p with iasl -d; 0 when it reports no problem. */
static int iasl(const char *dir, const char *name, const uint8_t *p, size_t len)
{
	char path[512], cmd[1200], line[512];
	FILE *f;
	int bad = 0, status;

	snprintf(path, sizeof(path), "%s/%s.dat", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, len, f) != len) {
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	snprintf(cmd, sizeof(cmd), "cd %s && iasl -d %s.dat 2>&1", dir, name);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, "Error") || strstr(line, "Warning") || strstr(line, "Invalid") ||
		    strstr(line, "incorrect")) {
			printf("# %s: %s", name, line);
			bad = 1;
		}
	}
	status = pclose(f);
	if (status != 0) {
		printf("# iasl -d %s: status %d\n", name, status);
		bad = 1;
	}
	return bad;
}

static void test_aml(void)
{
	uint8_t buf[256];
	struct aml a;
	unsigned int i;

	aml_init(&a, buf, sizeof(buf));
	aml_int(&a, 0);
	aml_int(&a, 1);
	aml_int(&a, 0x12);
	aml_int(&a, 0x1234);
	aml_int(&a, 0x12345678);
	CHECK(a.len == 1 + 1 + 2 + 3 + 5 && buf[2] == 0x0a && buf[4] == 0x0b && buf[7] == 0x0c,
	      "aml: integer encodings");
	aml_init(&a, buf, sizeof(buf));
	aml_eisaid(&a, "PNP0501");
	CHECK(a.len == 5 && get32(buf + 1) == 0x0105d041, "aml: EISAID(PNP0501)");
	aml_init(&a, buf, sizeof(buf));
	aml_name(&a, "\\_SB.COM1");
	CHECK(a.len == 10 && buf[0] == '\\' && buf[1] == 0x2e && !memcmp(buf + 2, "_SB_COM1", 8),
	      "aml: dual name path");
	aml_init(&a, buf, sizeof(buf));
	aml_package(&a, 70);
	for (i = 0; i < 70; i++)
		aml_int(&a, 0);
	aml_close(&a);
	/* body: NumElements + 70 = 71, +2 PkgLength bytes = 73 = 0x49 */
	CHECK(a.len == 1 + 2 + 71 && buf[1] == (0x40 | 0x9) && buf[2] == 0x4,
	      "aml: two-byte PkgLength");
	aml_init(&a, buf, 8);
	aml_string(&a, "too long for 8");
	CHECK(a.overflow, "aml: overflow is reported");
}

int main(void)
{
	struct acpi_config c = { .nr_vps = 2, .com_present = 0x3 };
	char dir[] = "/tmp/hvkm-acpi-XXXXXX";
	struct acpi_layout l;
	uint8_t *mem = calloc(1, MEM_SIZE), *b, *fadt, *madt, *dsdt;
	uint32_t off, lapics = 0, ioapics = 0, overrides = 0;
	char cmd[64];

	test_aml();
	CHECK(mem && acpi_write(mem, MEM_SIZE, &c, &l) == 0, "tables written");
	CHECK(acpi_write(mem, 512 << 10, &c, &l) == -E2BIG, "RAM below 1 MiB refused");
	acpi_write(mem, MEM_SIZE, &c, &l);
	b = mem + ACPI_BASE;
	CHECK(ACPI_BASE % 16 == 0 && ACPI_BASE >= 0xe0000 && ACPI_BASE + l.end <= 0x100000,
	      "RSDP in the BIOS area, 16-byte aligned");
	CHECK(!memcmp(b, "RSD PTR ", 8) && sum(b, 20) == 0 && sum(b, 36) == 0 && b[15] == 2,
	      "RSDP: signature, both checksums, revision 2");
	CHECK(get64(b + 24) == ACPI_BASE + l.xsdt, "RSDP points to the XSDT");
	CHECK(!memcmp(b + l.xsdt, "XSDT", 4) && sum(b + l.xsdt, get32(b + l.xsdt + 4)) == 0 &&
	      get64(b + l.xsdt + 36) == ACPI_BASE + l.fadt &&
	      get64(b + l.xsdt + 44) == ACPI_BASE + l.madt, "XSDT: FADT and MADT");

	fadt = b + l.fadt;
	CHECK(!memcmp(fadt, "FACP", 4) && get32(fadt + 4) == 276 && sum(fadt, 276) == 0,
	      "FADT: revision 6 length, checksum");
	CHECK(get16(fadt + 46) == 9 && get32(fadt + 56) == 0x600 && get32(fadt + 64) == 0x604 &&
	      get32(fadt + 76) == 0x608 && fadt[88] == 4 && fadt[89] == 2 && fadt[91] == 4,
	      "FADT: SCI 9, PM1a event/control blocks, PM timer");
	CHECK(!(get32(fadt + 112) & (1u << 20)), "FADT: not hardware-reduced");
	CHECK((get32(fadt + 112) & (1u << 10)) && fadt[116] == 1 && get64(fadt + 120) == 0xcf9 &&
	      fadt[128] == 6, "FADT: reset register 0xCF9, value 6");
	CHECK((get32(fadt + 112) & (1u << 8)), "FADT: 32-bit PM timer");
	CHECK(!(get32(fadt + 112) & (1u << 4)), "FADT: fixed power button");
	CHECK(get32(fadt + 36) == ACPI_BASE + l.facs && (ACPI_BASE + l.facs) % 64 == 0 &&
	      !memcmp(b + l.facs, "FACS", 4), "FACS, 64-byte aligned");
	CHECK(get64(fadt + 140) == ACPI_BASE + l.dsdt && get32(fadt + 40) == ACPI_BASE + l.dsdt,
	      "FADT: DSDT");

	madt = b + l.madt;
	CHECK(!memcmp(madt, "APIC", 4) && sum(madt, get32(madt + 4)) == 0 &&
	      get32(madt + 36) == 0xfee00000 && get32(madt + 40) == 1, "MADT: header, PCAT_COMPAT");
	for (off = 44; off < get32(madt + 4); off += madt[off + 1]) {
		if (madt[off] == 0 && madt[off + 3] == lapics && (get32(madt + off + 4) & 1))
			lapics++;
		if (madt[off] == 1 && get32(madt + off + 4) == 0xfec00000 && !get32(madt + off + 8))
			ioapics++;
		if (madt[off] == 2 && madt[off + 3] == 0 && get32(madt + off + 4) == 2 &&
		    get16(madt + off + 8) == 0)
			overrides++;
		if (madt[off] == 2 && madt[off + 3] == 9 && get32(madt + off + 4) == 9 &&
		    get16(madt + off + 8) == 0xd)
			overrides++;
		if (!madt[off + 1])
			break;
	}
	CHECK(lapics == 2, "MADT: a local APIC per VP, ids 0 and 1");
	CHECK(ioapics == 1, "MADT: the IOAPIC at 0xFEC00000, GSI 0");
	CHECK(overrides == 2, "MADT: IRQ 0 -> GSI 2, IRQ 9 level/high");

	dsdt = b + l.dsdt;
	CHECK(!memcmp(dsdt, "DSDT", 4) && sum(dsdt, get32(dsdt + 4)) == 0, "DSDT: checksum");
	CHECK(memmem(dsdt, get32(dsdt + 4), "\x08\\_S5_\x12", 7) != NULL, "DSDT: \\_S5 package");
	CHECK(memmem(dsdt, get32(dsdt + 4), "COM1", 4) && memmem(dsdt, get32(dsdt + 4), "COM2", 4) &&
	      !memmem(dsdt, get32(dsdt + 4), "COM3", 4), "DSDT: the COM ports present");

	CHECK(mkdtemp(dir) != NULL, "temporary directory");
	/* The RSDP has no table header, which iasl -d needs; its checks are above. */
	CHECK(iasl(dir, "xsdt", b + l.xsdt, get32(b + l.xsdt + 4)) == 0, "iasl -d XSDT");
	CHECK(iasl(dir, "facp", fadt, get32(fadt + 4)) == 0, "iasl -d FADT");
	CHECK(iasl(dir, "facs", b + l.facs, 64) == 0, "iasl -d FACS");
	CHECK(iasl(dir, "apic", madt, get32(madt + 4)) == 0, "iasl -d MADT");
	CHECK(iasl(dir, "dsdt", dsdt, get32(dsdt + 4)) == 0, "iasl -d DSDT");
	if (getenv("HVKM_KEEP_ACPI"))
		printf("# tables in %s\n", dir);
	else {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		CHECK(system(cmd) == 0, "cleanup");
	}
	free(mem);
	return tap_done();
}
