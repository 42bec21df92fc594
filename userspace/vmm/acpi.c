// SPDX-License-Identifier: GPL-2.0
/* ACPI tables; section numbers are of the ACPI 6.4 specification. */
#include <errno.h>
#include <string.h>

#include "acpi.h"
#include "aml.h"
#include "devices/acpi_pm.h"
#include "devices/ioapic.h"

#define OEM_ID		"HVKM  "
#define OEM_TABLE_ID	"HVKMVM  "
#define CREATOR_ID	"HVKM"

#define HDR_LEN		36
#define RSDP_LEN	36
#define FADT_LEN	276	/* revision 6 */
#define FACS_LEN	64

/* Generic Address Structure address spaces (5.2.3.2) */
#define GAS_IO		1

static void put8(uint8_t *p, uint8_t v)
{
	*p = v;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint8_t checksum(const uint8_t *p, size_t len)
{
	uint8_t s = 0;

	while (len--)
		s += *p++;
	return (uint8_t)-s;
}

/* The common header (5.2.6); the checksum is set by finish(). */
static void header(uint8_t *t, const char *sig, uint32_t len, uint8_t rev)
{
	memcpy(t, sig, 4);
	put32(t + 4, len);
	put8(t + 8, rev);
	memcpy(t + 10, OEM_ID, 6);
	memcpy(t + 16, OEM_TABLE_ID, 8);
	put32(t + 24, 1);			/* OEM revision */
	memcpy(t + 28, CREATOR_ID, 4);
	put32(t + 32, 1);			/* creator revision */
}

static void finish(uint8_t *t)
{
	uint32_t len = t[4] | t[5] << 8 | t[6] << 16 | (uint32_t)t[7] << 24;

	t[9] = 0;
	t[9] = checksum(t, len);
}

/* A Generic Address Structure for an I/O port block. */
static void gas_io(uint8_t *p, uint16_t port, uint8_t bits, uint8_t access_size)
{
	put8(p, GAS_IO);
	put8(p + 1, bits);
	put8(p + 2, 0);
	put8(p + 3, access_size);		/* 1 byte, 2 word, 3 dword */
	put64(p + 4, port);
}

/* FADT (5.2.9): a PC with legacy devices, the fixed power button, no SMM. */
static void write_fadt(uint8_t *t, uint32_t facs, uint32_t dsdt)
{
	memset(t, 0, FADT_LEN);
	header(t, "FACP", FADT_LEN, 6);
	put32(t + 36, facs);			/* FIRMWARE_CTRL */
	put32(t + 40, dsdt);
	put8(t + 45, 0);			/* Preferred_PM_Profile: unspecified */
	put16(t + 46, ACPI_SCI_IRQ);
	/* SMI_CMD 0: no SMM, the hardware is always in ACPI mode (SCI_EN = 1). */
	put32(t + 56, ACPI_PM1_EVT);		/* PM1a_EVT_BLK */
	put32(t + 64, ACPI_PM1_CNT);		/* PM1a_CNT_BLK */
	put32(t + 76, ACPI_PM_TMR);		/* PM_TMR_BLK */
	put8(t + 88, ACPI_PM1_EVT_LEN);
	put8(t + 89, ACPI_PM1_CNT_LEN);
	put8(t + 91, ACPI_PM_TMR_LEN);
	put16(t + 96, 101);			/* P_LVL2_LAT > 100: no C2 */
	put16(t + 98, 1001);			/* P_LVL3_LAT > 1000: no C3 */
	put8(t + 108, 0x32);			/* CENTURY: the CMOS byte */
	/* IAPC_BOOT_ARCH (5.2.9.3): LEGACY_DEVICES, 8042; no VGA, no PCIe ASPM control. */
	put16(t + 109, (1u << 0) | (1u << 1) | (1u << 2) | (1u << 4));
	/*
	 * Flags (table 5.10): WBINVD, PROC_C1, SLP_BUTTON (no fixed sleep
	 * button; the power button is the fixed one, PWR_BUTTON clear),
	 * TMR_VAL_EXT (32-bit PM timer), RESET_REG_SUP.
	 */
	put32(t + 112, (1u << 0) | (1u << 2) | (1u << 5) | (1u << 8) | (1u << 10));
	gas_io(t + 116, 0xcf9, 8, 1);		/* RESET_REG: devices/reset.c */
	put8(t + 128, 0x06);			/* RESET_VALUE: full reset, reset CPU */
	put8(t + 131, 4);			/* FADT minor version: 6.4 */
	put64(t + 132, 0);			/* X_FIRMWARE_CTRL: FIRMWARE_CTRL used */
	put64(t + 140, dsdt);			/* X_DSDT */
	gas_io(t + 148, ACPI_PM1_EVT, 8 * ACPI_PM1_EVT_LEN, 2);
	gas_io(t + 172, ACPI_PM1_CNT, 8 * ACPI_PM1_CNT_LEN, 2);
	gas_io(t + 208, ACPI_PM_TMR, 8 * ACPI_PM_TMR_LEN, 3);
	/* Hypervisor Vendor Identity (offset 268): left 0. */
	finish(t);
}

/* FACS (5.2.10): no checksum, 64-byte aligned; no S4BIOS, no 64-bit wake. */
static void write_facs(uint8_t *t)
{
	memset(t, 0, FACS_LEN);
	memcpy(t, "FACS", 4);
	put32(t + 4, FACS_LEN);
	put32(t + 8, 0);			/* hardware signature */
	put8(t + 32, 2);			/* version */
}

/* A 16550 at @base with @irq: _HID PNP0501, _UID, _CRS. */
static void dsdt_com(struct aml *a, unsigned int index, uint16_t base, uint8_t irq)
{
	char name[5] = { 'C', 'O', 'M', (char)('1' + index), 0 };
	uint8_t io[] = {
		0x47, 0x01,				/* I/O port descriptor, 16-bit decode */
		(uint8_t)base, (uint8_t)(base >> 8),	/* minimum */
		(uint8_t)base, (uint8_t)(base >> 8),	/* maximum */
		0x01, 0x08,				/* alignment, length */
	};
	uint8_t irq_desc[] = { 0x22, (uint8_t)(1u << irq), (uint8_t)((1u << irq) >> 8) };
	uint8_t end[] = { 0x79, 0x00 };			/* end tag, checksum 0 = none */

	aml_device(a, name);
	aml_name_decl(a, "_HID");
	aml_eisaid(a, "PNP0501");
	aml_name_decl(a, "_UID");
	aml_int(a, index + 1);
	aml_name_decl(a, "_CRS");
	aml_buffer(a);
	aml_bytes(a, io, sizeof(io));
	aml_bytes(a, irq_desc, sizeof(irq_desc));
	aml_bytes(a, end, sizeof(end));
	aml_close(a);
	aml_close(a);
}

/* A legacy device with fixed ports and an optional IRQ. */
static void dsdt_legacy(struct aml *a, const char *name, const char *hid,
			const uint16_t *ports, const uint8_t *lens, unsigned int n, int irq)
{
	uint8_t end[] = { 0x79, 0x00 };
	unsigned int i;

	aml_device(a, name);
	aml_name_decl(a, "_HID");
	aml_eisaid(a, hid);
	aml_name_decl(a, "_CRS");
	aml_buffer(a);
	for (i = 0; i < n; i++) {
		uint8_t io[] = {
			0x47, 0x01, (uint8_t)ports[i], (uint8_t)(ports[i] >> 8),
			(uint8_t)ports[i], (uint8_t)(ports[i] >> 8), 0x01, lens[i],
		};

		aml_bytes(a, io, sizeof(io));
	}
	if (irq >= 0) {
		uint8_t d[] = { 0x22, (uint8_t)(1u << irq), (uint8_t)((1u << irq) >> 8) };

		aml_bytes(a, d, sizeof(d));
	}
	aml_bytes(a, end, sizeof(end));
	aml_close(a);
	aml_close(a);
}

static const uint16_t com_base[4] = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };
static const uint8_t com_irq[4] = { 4, 3, 4, 3 };

/*
 * DSDT: \_S5 (SLP_TYP for PM1a and PM1b, 7.4.2), and under \_SB the devices
 * Linux should know through ACPI: COM ports, the RTC, the 8042.
 */
static int write_dsdt(uint8_t *t, size_t cap, const struct acpi_config *c)
{
	static const uint16_t rtc_ports[] = { 0x70 };
	static const uint8_t rtc_lens[] = { 2 };
	static const uint16_t kbc_ports[] = { 0x60, 0x64 };
	static const uint8_t kbc_lens[] = { 1, 1 };
	struct aml a;
	unsigned int i;

	if (cap < HDR_LEN)
		return -E2BIG;
	aml_init(&a, t + HDR_LEN, cap - HDR_LEN);
	aml_name_decl(&a, "\\_S5");
	aml_package(&a, 4);
	aml_int(&a, ACPI_PM_S5);
	aml_int(&a, ACPI_PM_S5);
	aml_int(&a, 0);
	aml_int(&a, 0);
	aml_close(&a);
	aml_scope(&a, "\\_SB");
	for (i = 0; i < 4; i++)
		if (c->com_present & (1u << i))
			dsdt_com(&a, i, com_base[i], com_irq[i]);
	dsdt_legacy(&a, "RTC", "PNP0B00", rtc_ports, rtc_lens, 1, 8);
	dsdt_legacy(&a, "KBC", "PNP0303", kbc_ports, kbc_lens, 2, 1);
	aml_close(&a);
	if (a.overflow || a.depth)
		return -E2BIG;
	header(t, "DSDT", (uint32_t)(HDR_LEN + a.len), 2);
	finish(t);
	return (int)(HDR_LEN + a.len);
}

/* MADT (5.2.12): local APICs, the IOAPIC, ISA overrides, LINT1 NMI. */
static uint32_t write_madt(uint8_t *t, const struct acpi_config *c)
{
	uint32_t off = HDR_LEN + 8;
	unsigned int i;

	put32(t + 36, 0xfee00000);		/* local APIC address */
	put32(t + 40, 1);			/* PCAT_COMPAT: 8259s present */
	for (i = 0; i < c->nr_vps; i++, off += 8) {
		put8(t + off, 0);		/* Processor Local APIC */
		put8(t + off + 1, 8);
		put8(t + off + 2, (uint8_t)i);	/* ACPI processor UID */
		put8(t + off + 3, (uint8_t)i);	/* APIC id */
		put32(t + off + 4, 1);		/* enabled */
	}
	put8(t + off, 1);			/* I/O APIC */
	put8(t + off + 1, 12);
	put8(t + off + 2, 0);			/* I/O APIC id, as devices/ioapic.c resets it */
	put8(t + off + 3, 0);
	put32(t + off + 4, (uint32_t)IOAPIC_BASE);
	put32(t + off + 8, 0);			/* GSI base */
	off += 12;
	/* IRQ 0 (the PIT) is GSI 2; flags 0: bus conformant (edge, high). */
	put8(t + off, 2);
	put8(t + off + 1, 10);
	put8(t + off + 2, 0);			/* ISA */
	put8(t + off + 3, 0);
	put32(t + off + 4, 2);
	put16(t + off + 8, 0);
	off += 10;
	/* The SCI, IRQ 9: level triggered (3 << 2), active high (1). */
	put8(t + off, 2);
	put8(t + off + 1, 10);
	put8(t + off + 2, 0);
	put8(t + off + 3, ACPI_SCI_IRQ);
	put32(t + off + 4, ACPI_SCI_IRQ);
	put16(t + off + 8, (3u << 2) | 1u);
	off += 10;
	/* Local APIC NMI on LINT1 of all processors (UID 0xFF). */
	put8(t + off, 4);
	put8(t + off + 1, 6);
	put8(t + off + 2, 0xff);
	put16(t + off + 3, 0);
	put8(t + off + 5, 1);
	off += 6;
	header(t, "APIC", off, 5);
	finish(t);
	return off;
}

static uint32_t align(uint32_t v, uint32_t a)
{
	return (v + a - 1) & ~(a - 1);
}

int acpi_write(uint8_t *mem, size_t mem_size, const struct acpi_config *c,
	       struct acpi_layout *l)
{
	uint8_t *base = mem + ACPI_BASE;
	uint32_t cap = ACPI_END - ACPI_BASE;
	int dsdt_len;

	if (mem_size < ACPI_END || !c->nr_vps || c->nr_vps > 254)
		return -E2BIG;
	memset(base, 0, cap);
	memset(l, 0, sizeof(*l));
	l->rsdp = 0;
	l->xsdt = align(RSDP_LEN, 16);
	l->fadt = align(l->xsdt + HDR_LEN + 2 * 8, 16);
	l->facs = align(l->fadt + FADT_LEN, 64);
	l->madt = align(l->facs + FACS_LEN, 16);
	l->dsdt = align(l->madt + HDR_LEN + 8 + 8 * c->nr_vps + 12 + 2 * 10 + 6, 16);
	if (l->dsdt >= cap)
		return -E2BIG;
	dsdt_len = write_dsdt(base + l->dsdt, cap - l->dsdt, c);
	if (dsdt_len < 0)
		return dsdt_len;
	l->end = l->dsdt + (uint32_t)dsdt_len;

	write_facs(base + l->facs);
	write_fadt(base + l->fadt, ACPI_BASE + l->facs, ACPI_BASE + l->dsdt);
	write_madt(base + l->madt, c);

	/* XSDT (5.2.8): 64-bit pointers to the FADT and the MADT. */
	header(base + l->xsdt, "XSDT", HDR_LEN + 2 * 8, 1);
	put64(base + l->xsdt + HDR_LEN, ACPI_BASE + l->fadt);
	put64(base + l->xsdt + HDR_LEN + 8, ACPI_BASE + l->madt);
	finish(base + l->xsdt);

	/* RSDP (5.2.5.3), revision 2: no RSDT, the XSDT's address. */
	memcpy(base, "RSD PTR ", 8);
	memcpy(base + 9, OEM_ID, 6);
	put8(base + 15, 2);
	put32(base + 16, 0);
	put32(base + 20, RSDP_LEN);
	put64(base + 24, ACPI_BASE + l->xsdt);
	base[8] = checksum(base, 20);
	base[32] = checksum(base, RSDP_LEN);
	return 0;
}
