/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A bus: the port I/O space or the MMIO space of a VM.  Devices claim
 * address ranges; an exit is dispatched to the device whose range holds
 * the address.  All device state is protected by the bus lock, which
 * dispatch holds; other threads touching devices (timers, input) take it.
 */
#ifndef HVKM_VMM_BUS_H
#define HVKM_VMM_BUS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * One handler signature for every device: @addr is the absolute port or
 * GPA, @data holds @len bytes (little endian) to write, or receives them.
 */
typedef void (*bus_handler_fn)(void *dev, uint64_t addr, uint8_t *data,
			       uint32_t len, bool is_write);

struct bus_range {
	uint64_t base;
	uint64_t len;
	bus_handler_fn fn;
	void *dev;
};

struct bus {
	struct bus_range *ranges;	/* sorted by base, never overlapping */
	size_t nr, cap;
	pthread_mutex_t *lock;		/* shared by the VM's buses */
};

void bus_init(struct bus *bus, pthread_mutex_t *lock);
void bus_free(struct bus *bus);
/* 0, -EINVAL for an empty or wrapping range, -EEXIST for an overlap, -ENOMEM. */
int bus_register(struct bus *bus, uint64_t base, uint64_t len, bus_handler_fn fn, void *dev);
/*
 * Dispatch one access under the lock.  An access nobody claims reads as all
 * ones and its writes are dropped, as on a PC's floating bus; returns false
 * then.
 */
bool bus_access(struct bus *bus, uint64_t addr, uint8_t *data, uint32_t len, bool is_write);

/* Little-endian helpers for handlers. */
static inline uint32_t bus_data_get(const uint8_t *data, uint32_t len)
{
	uint32_t v = 0;

	while (len--)
		v = (v << 8) | data[len];
	return v;
}

static inline void bus_data_put(uint8_t *data, uint32_t len, uint32_t v)
{
	uint32_t i;

	for (i = 0; i < len; i++, v >>= 8)
		data[i] = (uint8_t)v;
}

#endif
