// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "reset.h"

#define RST_CNT		0xcf9
#define RST_SYS		0x02
#define RST_CPU		0x04
#define RST_FULL	0x08

void reset_control_io(void *opaque, uint64_t port, uint8_t *data, uint32_t len, bool is_write)
{
	struct reset_control *rc = opaque;

	(void)port;
	if (len != 1) {
		/* 0xCF8..0xCFB as a dword is PCI CONFIG_ADDRESS, not ours. */
		if (!is_write)
			memset(data, 0xff, len);
		return;
	}
	if (!is_write) {
		data[0] = rc->value;
		return;
	}
	rc->value = data[0] & (RST_SYS | RST_FULL);
	if ((data[0] & RST_CPU) && rc->reset)
		rc->reset(rc->opaque);
}

void reset_control_init(struct reset_control *rc, void (*reset)(void *), void *opaque)
{
	memset(rc, 0, sizeof(*rc));
	rc->reset = reset;
	rc->opaque = opaque;
}

int reset_control_register(struct reset_control *rc, struct bus *io)
{
	return bus_register(io, RST_CNT, 1, reset_control_io, rc);
}
