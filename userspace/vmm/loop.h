/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VM's event loop: one thread waiting in epoll for device file
 * descriptors (timers, host input), calling their handlers.
 */
#ifndef HVKM_VMM_LOOP_H
#define HVKM_VMM_LOOP_H

#include <pthread.h>
#include <stdint.h>

typedef void (*loop_fn)(void *opaque, uint32_t events);

struct loop_source {
	int fd;
	loop_fn fn;
	void *opaque;
};

#define LOOP_MAX_SOURCES 32

struct loop {
	int epfd;
	int stop_fd;		/* eventfd that ends the loop */
	struct loop_source sources[LOOP_MAX_SOURCES];
	unsigned int nr;
	pthread_t thread;
	int running;
};

int loop_init(struct loop *loop);
int loop_add(struct loop *loop, int fd, uint32_t events, loop_fn fn, void *opaque);
/* Only from the loop's own thread (a handler), or before loop_start(). */
void loop_remove(struct loop *loop, int fd);
/*
 * Stop polling @fd (added, and not being removed) without giving up its
 * slot, and poll it again for @events.  From any thread: flow control of
 * input.  Paused, it reports nothing, not even a hang-up.
 */
int loop_pause(struct loop *loop, int fd);
int loop_resume(struct loop *loop, int fd, uint32_t events);
int loop_start(struct loop *loop);
void loop_stop(struct loop *loop);
void loop_free(struct loop *loop);

#endif
