// SPDX-License-Identifier: GPL-2.0
/* AML encoding, ACPI 6.4 chapter 20; section numbers below are of 20.2. */
#include <string.h>

#include "aml.h"

#define AML_ZERO		0x00
#define AML_ONE			0x01
#define AML_NAME_OP		0x08
#define AML_BYTE_PREFIX		0x0a
#define AML_WORD_PREFIX		0x0b
#define AML_DWORD_PREFIX	0x0c
#define AML_STRING_PREFIX	0x0d
#define AML_QWORD_PREFIX	0x0e
#define AML_SCOPE_OP		0x10
#define AML_BUFFER_OP		0x11
#define AML_PACKAGE_OP		0x12
#define AML_EXT_OP_PREFIX	0x5b
#define AML_DEVICE_OP		0x82	/* after AML_EXT_OP_PREFIX */
#define AML_ROOT_CHAR		'\\'
#define AML_DUAL_NAME_PREFIX	0x2e
#define AML_MULTI_NAME_PREFIX	0x2f

/* Kinds of open objects: a buffer gets its BufferSize inserted too. */
#define OPEN_BUFFER_FLAG	((size_t)1 << (sizeof(size_t) * 8 - 1))

void aml_init(struct aml *a, uint8_t *buf, size_t cap)
{
	memset(a, 0, sizeof(*a));
	a->buf = buf;
	a->cap = cap;
}

void aml_bytes(struct aml *a, const void *p, size_t n)
{
	if (a->overflow || n > a->cap - a->len) {
		a->overflow = true;
		return;
	}
	memcpy(a->buf + a->len, p, n);
	a->len += n;
}

void aml_byte(struct aml *a, uint8_t b)
{
	aml_bytes(a, &b, 1);
}

static void aml_le(struct aml *a, uint64_t v, unsigned int n)
{
	while (n--) {
		aml_byte(a, (uint8_t)v);
		v >>= 8;
	}
}

/* A NameSeg: a lead character, then up to three more, padded with '_' (20.2.2). */
static void aml_nameseg(struct aml *a, const char *seg, size_t n)
{
	char s[4] = { '_', '_', '_', '_' };

	if (n == 0 || n > 4) {
		a->overflow = true;
		return;
	}
	memcpy(s, seg, n);
	aml_bytes(a, s, 4);
}

void aml_name(struct aml *a, const char *path)
{
	const char *p, *dot;
	unsigned int segs = 1;

	if (*path == AML_ROOT_CHAR) {
		aml_byte(a, AML_ROOT_CHAR);
		path++;
	}
	for (p = path; *p; p++)
		segs += *p == '.';
	if (!*path) {
		aml_byte(a, AML_ZERO);		/* NullName */
		return;
	}
	if (segs == 2) {
		aml_byte(a, AML_DUAL_NAME_PREFIX);
	} else if (segs > 2) {
		aml_byte(a, AML_MULTI_NAME_PREFIX);
		aml_byte(a, (uint8_t)segs);
	}
	for (p = path; ; p = dot + 1) {
		dot = strchr(p, '.');
		aml_nameseg(a, p, dot ? (size_t)(dot - p) : strlen(p));
		if (!dot)
			break;
	}
}

void aml_int(struct aml *a, uint64_t v)
{
	if (v == 0) {
		aml_byte(a, AML_ZERO);
	} else if (v == 1) {
		aml_byte(a, AML_ONE);
	} else if (v <= 0xff) {
		aml_byte(a, AML_BYTE_PREFIX);
		aml_le(a, v, 1);
	} else if (v <= 0xffff) {
		aml_byte(a, AML_WORD_PREFIX);
		aml_le(a, v, 2);
	} else if (v <= 0xffffffffull) {
		aml_byte(a, AML_DWORD_PREFIX);
		aml_le(a, v, 4);
	} else {
		aml_byte(a, AML_QWORD_PREFIX);
		aml_le(a, v, 8);
	}
}

void aml_string(struct aml *a, const char *s)
{
	aml_byte(a, AML_STRING_PREFIX);
	aml_bytes(a, s, strlen(s) + 1);
}

/*
 * Three letters of 5 bits each ('A' = 1) and four hex digits, stored big
 * endian in a DWord (ACPI 6.4, 6.1.5).
 */
void aml_eisaid(struct aml *a, const char *id)
{
	uint32_t v = 0;
	unsigned int i;

	if (strlen(id) != 7) {
		a->overflow = true;
		return;
	}
	for (i = 0; i < 3; i++)
		v = (v << 5) | ((id[i] - 'A' + 1) & 0x1f);
	for (i = 3; i < 7; i++) {
		char c = id[i];

		v = (v << 4) | (uint32_t)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
	}
	/* The DWord's bytes are the id's, most significant first. */
	v = ((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >> 8) & 0xff00) | (v >> 24);
	aml_byte(a, AML_DWORD_PREFIX);
	aml_le(a, v, 4);
}

void aml_name_decl(struct aml *a, const char *path)
{
	aml_byte(a, AML_NAME_OP);
	aml_name(a, path);
}

static void aml_open(struct aml *a, size_t flag)
{
	if (a->depth == AML_MAX_DEPTH) {
		a->overflow = true;
		return;
	}
	a->open[a->depth++] = a->len | flag;
}

void aml_scope(struct aml *a, const char *path)
{
	aml_byte(a, AML_SCOPE_OP);
	aml_open(a, 0);
	aml_name(a, path);
}

void aml_device(struct aml *a, const char *path)
{
	aml_byte(a, AML_EXT_OP_PREFIX);
	aml_byte(a, AML_DEVICE_OP);
	aml_open(a, 0);
	aml_name(a, path);
}

void aml_package(struct aml *a, uint8_t nr_elements)
{
	aml_byte(a, AML_PACKAGE_OP);
	aml_open(a, 0);
	aml_byte(a, nr_elements);
}

void aml_buffer(struct aml *a)
{
	aml_byte(a, AML_BUFFER_OP);
	aml_open(a, OPEN_BUFFER_FLAG);
}

/* Insert @n bytes at @at, moving what follows. */
static void aml_insert(struct aml *a, size_t at, const uint8_t *p, size_t n)
{
	if (a->overflow || n > a->cap - a->len) {
		a->overflow = true;
		return;
	}
	memmove(a->buf + at + n, a->buf + at, a->len - at);
	memcpy(a->buf + at, p, n);
	a->len += n;
}

/*
 * PkgLength (20.2.4) counts itself: one byte up to 63, else a lead byte with
 * the count of following bytes in bits 7:6 and the low nibble in 3:0.
 */
static size_t aml_pkglength(uint8_t *out, size_t body)
{
	size_t total, n;

	for (n = 1; n <= 4; n++) {
		total = body + n;
		if ((n == 1 && total < 0x40) || (n > 1 && total < (1ull << (4 + 8 * (n - 1)))))
			break;
	}
	if (n == 1) {
		out[0] = (uint8_t)total;
		return 1;
	}
	out[0] = (uint8_t)(((n - 1) << 6) | (total & 0xf));
	total >>= 4;
	for (size_t i = 1; i < n; i++, total >>= 8)
		out[i] = (uint8_t)total;
	return n;
}

void aml_close(struct aml *a)
{
	uint8_t hdr[16];
	size_t start, n = 0, body;
	bool buffer;

	if (!a->depth) {
		a->overflow = true;
		return;
	}
	start = a->open[--a->depth];
	buffer = start & OPEN_BUFFER_FLAG;
	start &= ~OPEN_BUFFER_FLAG;
	body = a->len - start;
	if (buffer) {
		/* BufferSize, a TermArg: the integer encoding of the byte count. */
		struct aml size;

		aml_init(&size, hdr + 8, 8);
		aml_int(&size, body);
		aml_insert(a, start, hdr + 8, size.len);
		body += size.len;
	}
	n = aml_pkglength(hdr, body);
	aml_insert(a, start, hdr, n);
}
