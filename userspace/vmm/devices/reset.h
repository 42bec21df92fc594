/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The PCI reset control register at 0xCF9 (Intel ICH/PCH "RST_CNT"):
 * writing bit 2 (reset CPU) set resets the machine.
 */
#ifndef HVKM_VMM_RESET_H
#define HVKM_VMM_RESET_H

#include <stdbool.h>
#include <stdint.h>

#include "../bus.h"

struct reset_control {
	uint8_t value;		/* bits 1 (system reset) and 3 (full reset) */
	void (*reset)(void *opaque);
	void *opaque;
};

void reset_control_init(struct reset_control *rc, void (*reset)(void *), void *opaque);
int reset_control_register(struct reset_control *rc, struct bus *io);
void reset_control_io(void *rc, uint64_t port, uint8_t *data, uint32_t len, bool is_write);

#endif
