/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal fw_cfg ("firmware configuration") device with the traditional
 * port interface: a 16-bit selector at 0x510 picks an item, whose bytes are
 * read one at a time from 0x511.  Items: the "QEMU" signature, the interface
 * id (traditional interface only, no DMA), the CPU count and the RAM size,
 * which firmware and guests probe for.  Items are little endian.
 */
#ifndef HVKM_VMM_FW_CFG_H
#define HVKM_VMM_FW_CFG_H

#include <stdbool.h>
#include <stdint.h>

#include "../bus.h"

#define FW_CFG_PORT_SEL		0x510
#define FW_CFG_PORT_DATA	0x511

/* Item keys, as firmware knows them. */
#define FW_CFG_SIGNATURE	0x00
#define FW_CFG_ID		0x01
#define FW_CFG_RAM_SIZE		0x03
#define FW_CFG_NB_CPUS		0x05
#define FW_CFG_MAX_CPUS		0x0f

struct fw_cfg {
	uint16_t selector;
	uint32_t offset;	/* next byte of the selected item */
	uint64_t ram_size;
	uint16_t nr_cpus;
};

void fw_cfg_init(struct fw_cfg *fc, uint64_t ram_size, uint16_t nr_cpus);
int fw_cfg_register(struct fw_cfg *fc, struct bus *io);
void fw_cfg_io(void *fc, uint64_t port, uint8_t *data, uint32_t len, bool is_write);

#endif
