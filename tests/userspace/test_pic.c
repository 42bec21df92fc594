// SPDX-License-Identifier: GPL-2.0
// sources: bus.c devices/pic.c
#include "devices/pic.h"
#include "tap.h"

static int notified;

static void notify(void *opaque)
{
	(void)opaque;
	notified++;
}

static void out(struct pic *pic, uint16_t port, uint8_t v)
{
	pic_io(pic, port, &v, 1, true);
}

static uint8_t in(struct pic *pic, uint16_t port)
{
	uint8_t v;

	pic_io(pic, port, &v, 1, false);
	return v;
}

/* What Linux's init_8259A() writes: vectors 0x30 and 0x38, cascade on IR2. */
static void linux_init(struct pic *pic, bool auto_eoi)
{
	out(pic, 0x21, 0xff);
	out(pic, 0xa1, 0xff);
	out(pic, 0x20, 0x11);
	out(pic, 0x21, 0x30);
	out(pic, 0x21, 0x04);
	out(pic, 0x21, auto_eoi ? 0x03 : 0x01);
	out(pic, 0xa0, 0x11);
	out(pic, 0xa1, 0x38);
	out(pic, 0xa1, 0x02);
	out(pic, 0xa1, 0x01);
	out(pic, 0x21, 0x00);
	out(pic, 0xa1, 0x00);
}

int main(void)
{
	struct pic pic;
	uint8_t v;

	pic_init(&pic, notify, NULL);
	linux_init(&pic, false);
	CHECK(!pic_has_output(&pic) && in(&pic, 0x21) == 0, "initialized_quiet_unmasked");

	pic_set_irq(&pic, 4, 1);
	CHECK(pic_has_output(&pic) && notified == 1, "irq4_raises_int_and_notifies");
	v = pic_ack(&pic);
	CHECK(v == 0x34, "irq4_vector_from_icw2");
	CHECK(!pic_has_output(&pic), "int_drops_after_ack");
	out(&pic, 0x20, 0x0b);	/* OCW3: read ISR */
	CHECK(in(&pic, 0x20) == 0x10, "isr_holds_irq4");
	out(&pic, 0x20, 0x0a);	/* OCW3: read IRR */
	CHECK(in(&pic, 0x20) == 0x00, "irr_cleared_by_ack_edge");

	pic_set_irq(&pic, 4, 0);
	pic_set_irq(&pic, 5, 1);
	CHECK(!pic_has_output(&pic), "lower_priority_waits_for_eoi");
	pic_set_irq(&pic, 0, 1);
	CHECK(pic_has_output(&pic), "higher_priority_nests");
	CHECK(pic_ack(&pic) == 0x30, "irq0_vector");
	out(&pic, 0x20, 0x60);	/* specific EOI for IR0 (Linux's mask_and_ack) */
	CHECK(!pic_has_output(&pic), "irq4_in_service_still_blocks_irq5");
	out(&pic, 0x20, 0x20);	/* non-specific EOI: IR4 */
	CHECK(pic_has_output(&pic) && pic_ack(&pic) == 0x35, "irq5_after_eoi");
	out(&pic, 0x20, 0x20);
	out(&pic, 0x20, 0x0b);
	CHECK(in(&pic, 0x20) == 0, "all_eoied");

	pic_set_irq(&pic, 5, 0);
	pic_set_irq(&pic, 0, 0);
	pic_set_irq(&pic, 0, 1);
	out(&pic, 0x21, 0x01);	/* mask IRQ 0 */
	CHECK(!pic_has_output(&pic), "masked_irq_no_int");
	out(&pic, 0x21, 0x00);
	CHECK(pic_has_output(&pic) && pic_ack(&pic) == 0x30, "unmasked_request_was_kept");
	out(&pic, 0x20, 0x20);
	CHECK(!pic_has_output(&pic), "edge_needs_a_new_edge");

	/* Slave: IRQ 12 through the cascade. */
	pic_set_irq(&pic, 12, 1);
	CHECK(pic_has_output(&pic) && pic_ack(&pic) == 0x3c, "slave_irq12_vector");
	out(&pic, 0xa0, 0x0b);
	v = in(&pic, 0xa0);
	out(&pic, 0x20, 0x0b);
	CHECK(v == 0x10 && in(&pic, 0x20) == 0x04, "slave_and_cascade_in_service");
	out(&pic, 0xa0, 0x20);
	out(&pic, 0x20, 0x20);
	pic_set_irq(&pic, 12, 0);

	/* ELCR: IRQ 10 level triggered stays requested while its line is high. */
	out(&pic, 0x4d1, 0x04);
	CHECK(in(&pic, 0x4d1) == 0x04, "elcr_written");
	out(&pic, 0x4d0, 0xff);
	CHECK(in(&pic, 0x4d0) == 0xf8, "elcr_irq0_1_2_always_edge");
	out(&pic, 0x4d0, 0x00);
	pic_set_irq(&pic, 10, 1);
	CHECK(pic_ack(&pic) == 0x3a, "level_irq10_vector");
	out(&pic, 0xa0, 0x20);
	out(&pic, 0x20, 0x20);
	CHECK(pic_has_output(&pic), "level_request_again_after_eoi");
	pic_set_irq(&pic, 10, 0);
	/*
	 * The slave's request is gone, but the master latched the cascade
	 * input's edge: the INTA finds nothing on the slave, which answers
	 * with its IR7 vector (a spurious IRQ 15), and the master's IR2 is
	 * in service until an EOI.
	 */
	out(&pic, 0xa0, 0x0a);
	CHECK(in(&pic, 0xa0) == 0, "level_request_gone_with_line");
	CHECK(pic_ack(&pic) == 0x3f, "spurious_irq15");
	out(&pic, 0x20, 0x0b);
	CHECK(in(&pic, 0x20) == 0x04, "spurious_irq15_cascade_in_service");
	out(&pic, 0x20, 0x20);

	/* Spurious: the request vanished before INTA. */
	CHECK(pic_ack(&pic) == 0x37, "spurious_irq7");

	/* Poll mode. */
	pic_set_irq(&pic, 3, 1);
	out(&pic, 0x20, 0x0c);
	CHECK(in(&pic, 0x20) == 0x83, "poll_returns_irq3");
	out(&pic, 0x20, 0x20);
	pic_set_irq(&pic, 3, 0);

	/* Automatic EOI leaves nothing in service. */
	pic_init(&pic, notify, NULL);
	linux_init(&pic, true);
	pic_set_irq(&pic, 1, 1);
	CHECK(pic_ack(&pic) == 0x31, "aeoi_vector");
	out(&pic, 0x20, 0x0b);
	CHECK(in(&pic, 0x20) == 0, "aeoi_no_isr");

	/* Priority rotation: after "set priority" IR 3 is lowest, IR 4 highest. */
	pic_set_irq(&pic, 2 + 1, 1);
	pic_set_irq(&pic, 5, 1);
	out(&pic, 0x20, 0xc3);
	CHECK(pic_ack(&pic) == 0x35, "rotated_priority");
	return tap_done();
}
