// SPDX-License-Identifier: GPL-2.0
/*
 * 8042 controller commands after the IBM PC/AT technical reference: read
 * and write the command byte (0x20/0x60), self-test (0xAA -> 0x55),
 * interface tests (0xAB/0xA9 -> 0 / no device), enable/disable (0xA7,
 * 0xA8, 0xAD, 0xAE), write output port (0xD1), and pulse output lines
 * (0xF0-0xFF: a cleared bit 0 pulses the CPU reset line).
 */
#include <string.h>

#include "i8042.h"

#define PORT_DATA	0x60
#define PORT_CMD	0x64

#define STS_OBF		0x01
#define STS_SYS		0x04
#define STS_CMD		0x08
#define STS_UNLOCKED	0x10	/* the keyboard inhibit switch is off */

static void kbc_put(struct i8042 *k, uint8_t v)
{
	if (k->out_count == sizeof(k->out))
		return;
	k->out[(k->out_head + k->out_count++) % sizeof(k->out)] = v;
	k->status |= STS_OBF;
}

static uint8_t kbc_get(struct i8042 *k)
{
	uint8_t v;

	if (!k->out_count)
		return 0;
	v = k->out[k->out_head];
	k->out_head = (k->out_head + 1) % sizeof(k->out);
	if (!--k->out_count)
		k->status &= ~STS_OBF;
	return v;
}

static void kbc_reset_line(struct i8042 *k)
{
	if (k->reset)
		k->reset(k->opaque);
}

static void kbc_command(struct i8042 *k, uint8_t cmd)
{
	k->status |= STS_CMD;
	switch (cmd) {
	case 0x20:
		kbc_put(k, k->ctr);
		break;
	case 0x60:
	case 0xd1:
		k->pending_cmd = cmd;
		break;
	case 0xaa:
		k->status |= STS_SYS;
		kbc_put(k, 0x55);
		break;
	case 0xab:
		kbc_put(k, 0x00);	/* keyboard clock and data lines fine */
		break;
	case 0xa9:
		kbc_put(k, 0xff);	/* no auxiliary port */
		break;
	case 0xa7:
		k->ctr |= 0x20;
		break;
	case 0xa8:
		k->ctr &= ~0x20;
		break;
	case 0xad:
		k->ctr |= 0x10;
		break;
	case 0xae:
		k->ctr &= ~0x10;
		break;
	default:
		if (cmd >= 0xf0 && !(cmd & 1))
			kbc_reset_line(k);
		break;
	}
}

static void kbc_data(struct i8042 *k, uint8_t v)
{
	uint8_t cmd = k->pending_cmd;

	k->status &= ~STS_CMD;
	k->pending_cmd = 0;
	if (cmd == 0x60) {
		k->ctr = v;
		if (v & STS_SYS)
			k->status |= STS_SYS;
	} else if (cmd == 0xd1 && !(v & 1)) {
		kbc_reset_line(k);
	}
	/* Bytes for the keyboard go nowhere: no keyboard is attached. */
}

void i8042_io(void *opaque, uint64_t port, uint8_t *data, uint32_t len, bool is_write)
{
	struct i8042 *k = opaque;

	if (len != 1) {
		if (!is_write)
			memset(data, 0xff, len);
		return;
	}
	if (port == PORT_CMD) {
		if (is_write)
			kbc_command(k, data[0]);
		else
			data[0] = k->status;
	} else {
		if (is_write)
			kbc_data(k, data[0]);
		else
			data[0] = kbc_get(k);
	}
}

void i8042_init(struct i8042 *k, void (*reset)(void *), void *opaque)
{
	memset(k, 0, sizeof(*k));
	k->reset = reset;
	k->opaque = opaque;
	k->ctr = 0x45;		/* keyboard interrupt, system flag, translation */
	k->status = STS_SYS | STS_UNLOCKED;
}

int i8042_register(struct i8042 *k, struct bus *io)
{
	int ret = bus_register(io, PORT_DATA, 1, i8042_io, k);

	if (!ret)
		ret = bus_register(io, PORT_CMD, 1, i8042_io, k);
	return ret;
}
