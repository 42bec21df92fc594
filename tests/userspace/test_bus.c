// SPDX-License-Identifier: GPL-2.0
// sources: bus.c
#include <errno.h>
#include <string.h>

#include "bus.h"
#include "tap.h"

struct dev {
	uint64_t addr;
	uint32_t value, len;
	int writes, reads;
};

static void handler(void *opaque, uint64_t addr, uint8_t *data, uint32_t len, bool is_write)
{
	struct dev *d = opaque;

	d->addr = addr;
	d->len = len;
	if (is_write) {
		d->value = bus_data_get(data, len);
		d->writes++;
	} else {
		bus_data_put(data, len, d->value);
		d->reads++;
	}
}

int main(void)
{
	pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	struct dev a = { 0 }, b = { 0 }, c = { 0 };
	uint8_t data[4] = { 0x78, 0x56, 0x34, 0x12 };
	struct bus bus;
	int i;

	bus_init(&bus, &lock);
	CHECK(bus_register(&bus, 0x3f8, 8, handler, &a) == 0, "register");
	CHECK(bus_register(&bus, 0x20, 2, handler, &b) == 0, "register_below");
	CHECK(bus_register(&bus, 0x3f0, 9, handler, &c) == -EEXIST, "overlap_at_start_refused");
	CHECK(bus_register(&bus, 0x3ff, 1, handler, &c) == -EEXIST, "overlap_at_end_refused");
	CHECK(bus_register(&bus, 0x3f0, 0, handler, &c) == -EINVAL, "empty_range_refused");
	CHECK(bus_register(&bus, UINT64_MAX, 2, handler, &c) == -EINVAL, "wrapping_range_refused");
	CHECK(bus_register(&bus, 0x400, 1, handler, &c) == 0, "adjacent_range");

	CHECK(bus_access(&bus, 0x3fc, data, 4, true) && a.writes == 1 && a.addr == 0x3fc &&
	      a.value == 0x12345678 && a.len == 4, "write_reaches_device_with_absolute_address");
	memset(data, 0, sizeof(data));
	CHECK(bus_access(&bus, 0x3ff, data, 2, false) && a.reads == 1 && data[0] == 0x78 &&
	      data[1] == 0x56, "read_from_device");
	CHECK(bus_access(&bus, 0x21, data, 1, true) && b.writes == 1, "second_device");
	CHECK(bus_access(&bus, 0x400, data, 1, true) && c.writes == 1, "adjacent_device");
	memset(data, 0, sizeof(data));
	CHECK(!bus_access(&bus, 0x3f7, data, 4, false) && data[0] == 0xff && data[3] == 0xff,
	      "unclaimed_read_is_all_ones");
	CHECK(!bus_access(&bus, 0x22, data, 1, true) && b.writes == 1, "unclaimed_write_dropped");

	/* Many ranges stay sorted and found. */
	for (i = 0; i < 100; i++)
		bus_register(&bus, 0x1000 + (uint64_t)(99 - i) * 16, 16, handler, &c);
	CHECK(bus.nr == 103, "hundred_ranges");
	for (i = 1; i < (int)bus.nr; i++)
		if (bus.ranges[i - 1].base + bus.ranges[i - 1].len > bus.ranges[i].base)
			break;
	CHECK(i == (int)bus.nr, "ranges_sorted");
	c.writes = 0;
	CHECK(bus_access(&bus, 0x1000 + 57 * 16 + 3, data, 1, true) && c.writes == 1 &&
	      c.addr == 0x1000 + 57 * 16 + 3, "bisection_finds_range");
	bus_free(&bus);
	return tap_done();
}
