// SPDX-License-Identifier: GPL-2.0
// sources: bus.c devices/i8042.c devices/reset.c devices/post.c
/* The small platform devices: 8042, 0xCF9 reset control, port 0x80, on one bus. */
#include "devices/i8042.h"
#include "devices/post.h"
#include "devices/reset.h"
#include "tap.h"

static int resets;

static void reset(void *opaque)
{
	(void)opaque;
	resets++;
}

static void out(struct bus *bus, uint16_t port, uint8_t v)
{
	bus_access(bus, port, &v, 1, true);
}

static uint8_t in(struct bus *bus, uint16_t port)
{
	uint8_t v;

	bus_access(bus, port, &v, 1, false);
	return v;
}

int main(void)
{
	struct i8042 kbc;
	struct reset_control rc;
	struct post post;
	struct bus bus;
	uint8_t d[4] = { 0 };

	bus_init(&bus, NULL);
	i8042_init(&kbc, reset, NULL);
	reset_control_init(&rc, reset, NULL);
	CHECK(i8042_register(&kbc, &bus) == 0 && reset_control_register(&rc, &bus) == 0 &&
	      post_register(&post, &bus) == 0, "register");

	CHECK(!(in(&bus, 0x64) & 0x01), "kbc_output_empty");
	CHECK(!(in(&bus, 0x64) & 0x02), "kbc_input_never_full");
	CHECK(in(&bus, 0x64) & 0x10, "kbc_keyboard_not_inhibited");
	out(&bus, 0x64, 0xaa);
	CHECK((in(&bus, 0x64) & 0x01) && in(&bus, 0x60) == 0x55, "kbc_self_test");
	CHECK(!(in(&bus, 0x64) & 0x01), "kbc_output_read");
	out(&bus, 0x64, 0x60);
	out(&bus, 0x60, 0x47);
	out(&bus, 0x64, 0x20);
	CHECK(in(&bus, 0x60) == 0x47, "kbc_command_byte");
	out(&bus, 0x64, 0xad);
	out(&bus, 0x64, 0x20);
	CHECK(in(&bus, 0x60) == 0x57, "kbc_disable_keyboard");
	out(&bus, 0x64, 0xab);
	CHECK(in(&bus, 0x60) == 0x00, "kbc_keyboard_interface_test");
	out(&bus, 0x60, 0xff);	/* to the (absent) keyboard */
	CHECK(!(in(&bus, 0x64) & 0x01), "no_keyboard_answers");
	CHECK(resets == 0, "no_reset_yet");
	out(&bus, 0x64, 0xfe);
	CHECK(resets == 1, "kbc_pulse_reset_line");
	out(&bus, 0x64, 0xff);
	CHECK(resets == 1, "kbc_pulse_without_bit0_no_reset");
	out(&bus, 0x64, 0xd1);
	out(&bus, 0x60, 0xfe);
	CHECK(resets == 2, "kbc_output_port_reset");
	out(&bus, 0x64, 0xd1);
	out(&bus, 0x60, 0xff);
	CHECK(resets == 2, "kbc_output_port_no_reset");

	out(&bus, 0xcf9, 0x02);
	CHECK(resets == 2 && in(&bus, 0xcf9) == 0x02, "cf9_sys_bit_alone_no_reset");
	out(&bus, 0xcf9, 0x06);
	CHECK(resets == 3, "cf9_reset");
	bus_access(&bus, 0xcf9, d, 4, false);
	CHECK(d[0] == 0xff && resets == 3, "cf9_dword_not_ours");

	out(&bus, 0x80, 0x42);
	CHECK(post.code == 0x42 && post.writes == 1 && in(&bus, 0x80) == 0x42, "port80");
	bus_free(&bus);
	return tap_done();
}
