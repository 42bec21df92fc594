// SPDX-License-Identifier: GPL-2.0
/* Port I/O and MMIO dispatch: a sorted array searched by bisection. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"

void bus_init(struct bus *bus, pthread_mutex_t *lock)
{
	memset(bus, 0, sizeof(*bus));
	bus->lock = lock;
}

void bus_free(struct bus *bus)
{
	free(bus->ranges);
	bus->ranges = NULL;
	bus->nr = bus->cap = 0;
}

/* Index of the first range whose end is above @addr. */
static size_t bus_lower(const struct bus *bus, uint64_t addr)
{
	size_t lo = 0, hi = bus->nr;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct bus_range *r = &bus->ranges[mid];

		if (r->base + r->len <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int bus_register(struct bus *bus, uint64_t base, uint64_t len, bus_handler_fn fn, void *dev)
{
	size_t at;

	if (!len || base + len < base || !fn)
		return -EINVAL;
	at = bus_lower(bus, base);
	if (at < bus->nr && bus->ranges[at].base < base + len)
		return -EEXIST;
	if (bus->nr == bus->cap) {
		size_t cap = bus->cap ? bus->cap * 2 : 16;
		struct bus_range *r = realloc(bus->ranges, cap * sizeof(*r));

		if (!r)
			return -ENOMEM;
		bus->ranges = r;
		bus->cap = cap;
	}
	memmove(&bus->ranges[at + 1], &bus->ranges[at], (bus->nr - at) * sizeof(*bus->ranges));
	bus->ranges[at] = (struct bus_range){ base, len, fn, dev };
	bus->nr++;
	return 0;
}

bool bus_access(struct bus *bus, uint64_t addr, uint8_t *data, uint32_t len, bool is_write)
{
	const struct bus_range *r = NULL;
	size_t at;

	if (bus->lock)
		pthread_mutex_lock(bus->lock);
	at = bus_lower(bus, addr);
	if (at < bus->nr && bus->ranges[at].base <= addr)
		r = &bus->ranges[at];
	if (r)
		r->fn(r->dev, addr, data, len, is_write);
	else if (!is_write)
		memset(data, 0xff, len);
	if (bus->lock)
		pthread_mutex_unlock(bus->lock);
	return r != NULL;
}
