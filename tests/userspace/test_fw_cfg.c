// SPDX-License-Identifier: GPL-2.0
// sources: bus.c devices/fw_cfg.c
#include <string.h>

#include "devices/fw_cfg.h"
#include "tap.h"

static struct bus io;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void select_item(uint16_t key)
{
	uint8_t d[2] = { (uint8_t)key, (uint8_t)(key >> 8) };

	bus_access(&io, 0x510, d, 2, true);
}

static void read_bytes(uint8_t *buf, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		bus_access(&io, 0x511, &buf[i], 1, false);
}

int main(void)
{
	struct fw_cfg fc;
	uint8_t buf[16];
	uint64_t ram;
	uint16_t cpus;

	bus_init(&io, &lock);
	fw_cfg_init(&fc, 256ull << 20, 2);
	CHECK(fw_cfg_register(&fc, &io) == 0, "registers 0x510-0x511");

	select_item(FW_CFG_SIGNATURE);
	read_bytes(buf, 4);
	CHECK(!memcmp(buf, "QEMU", 4), "signature QEMU");
	select_item(FW_CFG_SIGNATURE);
	read_bytes(buf, 2);
	CHECK(!memcmp(buf, "QE", 2), "selecting again rewinds");
	read_bytes(buf, 4);
	CHECK(!memcmp(buf, "MU\0\0", 4), "reads past the end give zeros");

	select_item(FW_CFG_ID);
	read_bytes(buf, 4);
	CHECK(buf[0] == 1 && !buf[1] && !buf[2] && !buf[3], "id: traditional interface, no DMA");

	select_item(FW_CFG_NB_CPUS);
	read_bytes(buf, 2);
	memcpy(&cpus, buf, 2);
	CHECK(cpus == 2, "CPU count");
	select_item(FW_CFG_MAX_CPUS);
	read_bytes(buf, 2);
	memcpy(&cpus, buf, 2);
	CHECK(cpus == 2, "max CPUs");

	select_item(FW_CFG_RAM_SIZE);
	read_bytes(buf, 8);
	memcpy(&ram, buf, 8);
	CHECK(ram == 256ull << 20, "RAM size");

	select_item(0x1234);
	read_bytes(buf, 2);
	CHECK(buf[0] == 0 && buf[1] == 0, "unknown item reads zero");
	buf[0] = 0x55;
	bus_access(&io, 0x511, buf, 1, true);
	select_item(FW_CFG_SIGNATURE);
	read_bytes(buf, 1);
	CHECK(buf[0] == 'Q', "data writes ignored");
	bus_access(&io, 0x510, buf, 1, true);	/* a byte write does not select */
	read_bytes(buf, 1);
	CHECK(buf[0] == 'E', "a 1-byte selector write is ignored");
	bus_free(&io);
	return tap_done();
}
