// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the pure parts of the SynIC: one SIM slot taking a message or
 * marking MessagePending (TLFS "SIM Page"), and which synthetic timer
 * configurations a guest may write (TLFS "Synthetic Timer Configuration
 * Register").
 */
#include <kunit/test.h>

#include "synic/synic_slot.c"

static struct hv_message message(u32 type, u8 size, u8 fill)
{
	struct hv_message m = {};

	m.header.message_type = type;
	m.header.payload_size = size;
	memset(m.u.payload, fill, size);
	return m;
}

static void empty_slot_takes_message(struct kunit *test)
{
	struct hv_message slot, m = message(0x1234, 10, 0xab);
	u8 *bytes = (u8 *)slot.u.payload;

	memset(&slot, 0xcc, sizeof(slot));
	slot.header.message_type = HVMSG_NONE;
	KUNIT_EXPECT_EQ(test, hvkm_synic_slot_fill(&slot, &m), 0);
	KUNIT_EXPECT_EQ(test, slot.header.message_type, 0x1234u);
	KUNIT_EXPECT_EQ(test, slot.header.payload_size, 10);
	/* MessagePending and the reserved bytes start clear. */
	KUNIT_EXPECT_EQ(test, slot.header.message_flags.asu8, 0);
	KUNIT_EXPECT_EQ(test, slot.header.reserved[0], 0);
	KUNIT_EXPECT_EQ(test, bytes[0], 0xab);
	KUNIT_EXPECT_EQ(test, bytes[9], 0xab);
	/* Beyond the payload size the slot is not written. */
	KUNIT_EXPECT_EQ(test, bytes[10], 0xcc);
}

static void busy_slot_sets_pending(struct kunit *test)
{
	struct hv_message slot = message(0x77, 4, 0x11), m = message(0x1234, 8, 0xab);

	KUNIT_EXPECT_EQ(test, hvkm_synic_slot_fill(&slot, &m), -EAGAIN);
	KUNIT_EXPECT_EQ(test, slot.header.message_type, 0x77u);
	KUNIT_EXPECT_EQ(test, slot.header.message_flags.asu8 & 1, 1);
	KUNIT_EXPECT_EQ(test, ((u8 *)slot.u.payload)[0], 0x11);
	/* Still busy: still waiting, the flag stays. */
	KUNIT_EXPECT_EQ(test, hvkm_synic_slot_fill(&slot, &m), -EAGAIN);
	KUNIT_EXPECT_EQ(test, slot.header.message_flags.asu8 & 1, 1);
	/* The guest empties it (and would write EOM): the next attempt lands. */
	slot.header.message_type = HVMSG_NONE;
	KUNIT_EXPECT_EQ(test, hvkm_synic_slot_fill(&slot, &m), 0);
	KUNIT_EXPECT_EQ(test, slot.header.message_type, 0x1234u);
	KUNIT_EXPECT_EQ(test, slot.header.message_flags.asu8 & 1, 0);
}

static void timer_message_fits(struct kunit *test)
{
	struct hv_message slot = {}, m = message(HVMSG_TIMER_EXPIRED,
						 sizeof(struct hv_timer_message_payload), 0);
	struct hv_timer_message_payload *p = (void *)m.u.payload;

	p->timer_index = 3;
	p->expiration_time = 1000;
	p->delivery_time = 1001;
	KUNIT_EXPECT_EQ(test, hvkm_synic_slot_fill(&slot, &m), 0);
	p = (void *)slot.u.payload;
	KUNIT_EXPECT_EQ(test, slot.header.payload_size, 24);
	KUNIT_EXPECT_EQ(test, p->timer_index, 3u);
	KUNIT_EXPECT_EQ(test, p->expiration_time, 1000ull);
	KUNIT_EXPECT_EQ(test, p->delivery_time, 1001ull);
}

static void stimer_configs(struct kunit *test)
{
	unsigned int bit;

	KUNIT_EXPECT_TRUE(test, hvkm_synic_stimer_config_valid(0));
	/* Enable, periodic, lazy, auto-enable, SINT 15. */
	KUNIT_EXPECT_TRUE(test, hvkm_synic_stimer_config_valid(0xf000f));
	/* Direct mode with vector 0x20; vectors below 16 are refused. */
	KUNIT_EXPECT_TRUE(test, hvkm_synic_stimer_config_valid(BIT(12) | 0x20 << 4 | 1));
	KUNIT_EXPECT_FALSE(test, hvkm_synic_stimer_config_valid(BIT(12) | 0xf << 4 | 1));
	/* A vector does not matter without direct mode. */
	KUNIT_EXPECT_TRUE(test, hvkm_synic_stimer_config_valid(0x5 << 4 | 1));
	for (bit = 13; bit < 64; bit++) {
		bool rsvd = bit <= 15 || bit >= 20;

		KUNIT_EXPECT_EQ_MSG(test, hvkm_synic_stimer_config_valid(BIT_ULL(bit)), !rsvd,
				    "bit %u", bit);
	}
}

static struct kunit_case synic_cases[] = {
	KUNIT_CASE(empty_slot_takes_message),
	KUNIT_CASE(busy_slot_sets_pending),
	KUNIT_CASE(timer_message_fits),
	KUNIT_CASE(stimer_configs),
	{}
};

static struct kunit_suite synic_suite = {
	.name = "hvkm_synic",
	.test_cases = synic_cases,
};

kunit_test_suite(synic_suite);
