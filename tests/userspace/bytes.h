/* SPDX-License-Identifier: GPL-2.0 */
/* Reading the little-endian tables and structures the VMM writes into guest RAM. */
#ifndef HVKM_TEST_BYTES_H
#define HVKM_TEST_BYTES_H

#include <stddef.h>
#include <stdint.h>

static inline uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t get32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t get64(const uint8_t *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* The byte sum that ACPI and MP table checksums make zero. */
static inline uint8_t sum(const uint8_t *p, size_t len)
{
	uint8_t s = 0;

	while (len--)
		s += *p++;
	return s;
}

#endif
