// SPDX-License-Identifier: GPL-2.0
/*
 * MP table layout after the Intel MultiProcessor Specification 1.4,
 * chapter 4: the 16-byte floating pointer ("_MP_"), the configuration
 * table header ("PCMP", 44 bytes), then 20-byte processor entries and
 * 8-byte bus and local interrupt entries.  Checksums make each structure's
 * bytes sum to zero.
 */
#include <string.h>

#include "mptable.h"

#define MPF_SIZE		16
#define MPC_HEADER_SIZE		44
#define MPC_PROCESSOR_SIZE	20
#define MPC_SHORT_SIZE		8
#define MP_SPEC_REV		4
#define LAPIC_ADDRESS		0xfee00000u
#define LAPIC_VERSION		0x14

enum { ENTRY_PROCESSOR, ENTRY_BUS, ENTRY_IOAPIC, ENTRY_IOINT, ENTRY_LINT };
enum { INT_NMI = 1, INT_EXTINT = 3 };

#define CPU_ENABLED		0x01
#define CPU_BSP			0x02
/* Feature byte 2 bit 7: the IMCR is present and the system starts in PIC mode. */
#define MPF_IMCRP		0x80

static void put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static uint8_t checksum(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;

	while (len--)
		sum += *p++;
	return (uint8_t)-sum;
}

static uint8_t *lint_entry(uint8_t *p, uint8_t type, uint8_t lint)
{
	p[0] = ENTRY_LINT;
	p[1] = type;
	put16(p + 2, 0);	/* polarity and trigger as the bus defines */
	p[4] = 0;		/* source bus: ISA */
	p[5] = 0;
	p[6] = 0xff;		/* every local APIC */
	p[7] = lint;
	return p + MPC_SHORT_SIZE;
}

size_t mptable_write(uint8_t *mem, uint64_t mem_size, unsigned int nr_vps,
		     uint32_t cpu_signature, uint32_t cpu_features)
{
	uint8_t *mpf = mem + MPTABLE_BASE, *mpc = mpf + MPF_SIZE, *p;
	size_t table_len = MPC_HEADER_SIZE + (size_t)nr_vps * MPC_PROCESSOR_SIZE +
			   3 * MPC_SHORT_SIZE;
	unsigned int i;

	if (!nr_vps || nr_vps > 255 || MPTABLE_BASE + MPF_SIZE + table_len > 0x100000 ||
	    MPTABLE_BASE + MPF_SIZE + table_len > mem_size)
		return 0;
	memset(mpf, 0, MPF_SIZE + table_len);

	p = mpc + MPC_HEADER_SIZE;
	for (i = 0; i < nr_vps; i++) {
		p[0] = ENTRY_PROCESSOR;
		p[1] = (uint8_t)i;		/* local APIC id = VP index */
		p[2] = LAPIC_VERSION;
		p[3] = CPU_ENABLED | (i == 0 ? CPU_BSP : 0);
		put32(p + 4, cpu_signature);
		put32(p + 8, cpu_features);
		p += MPC_PROCESSOR_SIZE;
	}
	p[0] = ENTRY_BUS;
	p[1] = 0;
	memcpy(p + 2, "ISA   ", 6);
	p += MPC_SHORT_SIZE;
	p = lint_entry(p, INT_EXTINT, 0);
	lint_entry(p, INT_NMI, 1);

	memcpy(mpc, "PCMP", 4);
	put16(mpc + 4, (uint16_t)table_len);
	mpc[6] = MP_SPEC_REV;
	memcpy(mpc + 8, "HVKM    ", 8);
	memcpy(mpc + 16, "HVKM-VMM    ", 12);
	put16(mpc + 34, (uint16_t)(nr_vps + 3));
	put32(mpc + 36, LAPIC_ADDRESS);
	mpc[7] = checksum(mpc, table_len);

	memcpy(mpf, "_MP_", 4);
	put32(mpf + 4, (uint32_t)(MPTABLE_BASE + MPF_SIZE));
	mpf[8] = 1;			/* length in 16-byte units */
	mpf[9] = MP_SPEC_REV;
	mpf[12] = MPF_IMCRP;
	mpf[10] = checksum(mpf, MPF_SIZE);
	return MPF_SIZE + table_len;
}
