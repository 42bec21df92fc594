// SPDX-License-Identifier: GPL-2.0
/*
 * hvkm: one SIM page slot (TLFS "SIM Page", "Messages").  A slot whose
 * MessageType is HvMessageTypeNone is empty and takes the message; a busy
 * slot gets MessagePending set, which tells the guest to write EOM once it
 * has emptied the slot, and the message waits.  The guest empties slots
 * concurrently: after setting MessagePending the type is looked at again,
 * so that a slot emptied in between is used instead of waiting for an EOM
 * that may never come.  Pure logic, driven by tests/kunit/synic_test.c.
 */
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/string.h>

#include "synic.h"

#define MSG_PENDING	1	/* union hv_message_flags.msg_pending */

/* 0: the message is in the slot; -EAGAIN: busy, MessagePending set. */
int hvkm_synic_slot_fill(struct hv_message *slot, const struct hv_message *msg)
{
	u8 flags;

	if (READ_ONCE(slot->header.message_type) != HVMSG_NONE) {
		flags = READ_ONCE(slot->header.message_flags.asu8);
		WRITE_ONCE(slot->header.message_flags.asu8, flags | MSG_PENDING);
		/* Pairs with the guest's barrier between emptying and reading the flag. */
		smp_mb();
		if (READ_ONCE(slot->header.message_type) != HVMSG_NONE)
			return -EAGAIN;
	}
	memcpy(&slot->u, &msg->u, msg->header.payload_size);
	slot->header.payload_size = msg->header.payload_size;
	slot->header.message_flags.asu8 = 0;
	slot->header.reserved[0] = 0;
	slot->header.reserved[1] = 0;
	slot->header.sender = msg->header.sender;
	/* The type last: it makes the slot busy, the rest must be there by then. */
	smp_wmb();
	WRITE_ONCE(slot->header.message_type, msg->header.message_type);
	return 0;
}

/*
 * STIMERn_CONFIG (TLFS "Synthetic Timer Configuration Register"): bits
 * 15:13 and 63:20 are RsvdZ; a direct-mode timer needs a vector the APIC
 * accepts (16-255).
 */
bool hvkm_synic_stimer_config_valid(u64 config)
{
	union hv_stimer_config c = { .as_uint64 = config };

	if (c.reserved_z0 || c.reserved_z1)
		return false;
	return !(c.direct_mode && c.apic_vector < 16);
}
