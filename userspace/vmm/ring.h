/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A byte ring that keeps the most recent RING_SIZE bytes: the console
 * output a serial socket replays to a client that attaches later.
 */
#ifndef HVKM_VMM_RING_H
#define HVKM_VMM_RING_H

#include <stddef.h>
#include <stdint.h>

#define RING_SIZE	(64 * 1024)

struct ring {
	uint8_t data[RING_SIZE];
	size_t head;		/* where the next byte goes */
	size_t len;		/* bytes held, at most RING_SIZE */
};

void ring_push(struct ring *r, const uint8_t *buf, size_t n);
/* Copies what it holds, oldest first, into @out (RING_SIZE bytes); the count. */
size_t ring_copy(const struct ring *r, uint8_t *out);

#endif
