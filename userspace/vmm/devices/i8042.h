/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal 8042 keyboard controller at 0x60/0x64 with no keyboard or
 * mouse behind it: the controller commands Linux uses to probe it, and the
 * reset line (command 0xFE, or bit 0 of an output-port write cleared).
 */
#ifndef HVKM_VMM_I8042_H
#define HVKM_VMM_I8042_H

#include <stdbool.h>
#include <stdint.h>

#include "../bus.h"

struct i8042 {
	uint8_t status;
	uint8_t ctr;		/* controller configuration ("command byte") */
	uint8_t out[4];		/* bytes for the host to read at 0x60 */
	unsigned int out_head, out_count;
	uint8_t pending_cmd;	/* a command waiting for its data byte */
	void (*reset)(void *opaque);
	void *opaque;
};

void i8042_init(struct i8042 *kbc, void (*reset)(void *), void *opaque);
int i8042_register(struct i8042 *kbc, struct bus *io);
void i8042_io(void *kbc, uint64_t port, uint8_t *data, uint32_t len, bool is_write);

#endif
