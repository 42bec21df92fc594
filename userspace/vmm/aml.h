/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Just enough of an AML encoder (ACPI 6.4, chapter 20 "ACPI Machine Language
 * Specification") for hvkm-vmm's DSDT: names, integers, strings, packages,
 * buffers, scopes and devices.  AML is written into a flat byte buffer;
 * objects with a PkgLength (scope, device, package, buffer) are opened with
 * aml_open() and closed with aml_close(), which inserts the length.
 */
#ifndef HVKM_VMM_AML_H
#define HVKM_VMM_AML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AML_MAX_DEPTH	8

struct aml {
	uint8_t *buf;
	size_t len, cap;
	size_t open[AML_MAX_DEPTH];	/* where each open object's body starts */
	unsigned int depth;
	bool overflow;			/* an append did not fit, or bad nesting */
};

void aml_init(struct aml *a, uint8_t *buf, size_t cap);
void aml_byte(struct aml *a, uint8_t b);
void aml_bytes(struct aml *a, const void *p, size_t n);
/* A NameString: "\\_SB_", "COM1", "\\_S5_"; segments shorter than 4 are padded with '_'. */
void aml_name(struct aml *a, const char *path);
/* The smallest integer encoding: Zero, One, Byte/Word/DWord/QWordConst. */
void aml_int(struct aml *a, uint64_t v);
void aml_string(struct aml *a, const char *s);
/* EISA id "PNP0501" as its compressed DWord (ACPI 6.4, 6.1.5 _HID). */
void aml_eisaid(struct aml *a, const char *id);
/* Name (path, <the next object>): start of a named object. */
void aml_name_decl(struct aml *a, const char *path);

/* Opening an object with a PkgLength; aml_close() ends the innermost. */
void aml_scope(struct aml *a, const char *path);
void aml_device(struct aml *a, const char *path);
void aml_package(struct aml *a, uint8_t nr_elements);
void aml_buffer(struct aml *a);		/* body: the bytes; BufferSize is inserted */
void aml_close(struct aml *a);

#endif
