// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "ring.h"

void ring_push(struct ring *r, const uint8_t *buf, size_t n)
{
	/* Only the last RING_SIZE bytes of a long write can survive. */
	if (n > RING_SIZE) {
		buf += n - RING_SIZE;
		n = RING_SIZE;
	}
	while (n) {
		size_t chunk = RING_SIZE - r->head;

		if (chunk > n)
			chunk = n;
		memcpy(r->data + r->head, buf, chunk);
		r->head = (r->head + chunk) % RING_SIZE;
		r->len = r->len + chunk > RING_SIZE ? RING_SIZE : r->len + chunk;
		buf += chunk;
		n -= chunk;
	}
}

size_t ring_copy(const struct ring *r, uint8_t *out)
{
	size_t start = (r->head + RING_SIZE - r->len) % RING_SIZE;
	size_t first = RING_SIZE - start;

	if (first > r->len)
		first = r->len;
	memcpy(out, r->data + start, first);
	memcpy(out + first, r->data, r->len - first);
	return r->len;
}
