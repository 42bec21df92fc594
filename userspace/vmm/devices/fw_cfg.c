// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "fw_cfg.h"

/* The selected item's bytes; 0 for an item that does not exist. */
static uint32_t fw_cfg_item(const struct fw_cfg *fc, uint8_t *buf)
{
	uint64_t v;

	switch (fc->selector) {
	case FW_CFG_SIGNATURE:
		memcpy(buf, "QEMU", 4);
		return 4;
	case FW_CFG_ID:
		v = 1;		/* bit 0: the traditional interface; bit 1 (DMA) clear */
		memcpy(buf, &v, 4);
		return 4;
	case FW_CFG_RAM_SIZE:
		memcpy(buf, &fc->ram_size, 8);
		return 8;
	case FW_CFG_NB_CPUS:
	case FW_CFG_MAX_CPUS:
		memcpy(buf, &fc->nr_cpus, 2);
		return 2;
	default:
		return 0;
	}
}

void fw_cfg_io(void *opaque, uint64_t port, uint8_t *data, uint32_t len, bool is_write)
{
	struct fw_cfg *fc = opaque;
	uint8_t item[8];
	uint32_t size, i;

	if (port == FW_CFG_PORT_SEL) {
		/* Selecting an item, even the same one, rewinds it. */
		if (is_write && len == 2) {
			fc->selector = (uint16_t)bus_data_get(data, len);
			fc->offset = 0;
		} else if (!is_write) {
			memset(data, 0xff, len);
		}
		return;
	}
	if (is_write)
		return;		/* items are read-only */
	size = fw_cfg_item(fc, item);
	for (i = 0; i < len; i++) {
		/* Past the end of an item (or of no item) reads give zero. */
		data[i] = fc->offset < size ? item[fc->offset] : 0;
		if (fc->offset < size)
			fc->offset++;
	}
}

void fw_cfg_init(struct fw_cfg *fc, uint64_t ram_size, uint16_t nr_cpus)
{
	memset(fc, 0, sizeof(*fc));
	fc->ram_size = ram_size;
	fc->nr_cpus = nr_cpus;
}

int fw_cfg_register(struct fw_cfg *fc, struct bus *io)
{
	return bus_register(io, FW_CFG_PORT_SEL, 2, fw_cfg_io, fc);
}
