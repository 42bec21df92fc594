/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Port 0x80, the POST code port: writes are kept (Linux also uses it as a
 * delay), reads give the last code.
 */
#ifndef HVKM_VMM_POST_H
#define HVKM_VMM_POST_H

#include <stdbool.h>
#include <stdint.h>

#include "../bus.h"

struct post {
	uint8_t code;
	unsigned long writes;
};

int post_register(struct post *post, struct bus *io);
void post_io(void *post, uint64_t port, uint8_t *data, uint32_t len, bool is_write);

#endif
