// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "loop.h"

int loop_init(struct loop *loop)
{
	memset(loop, 0, sizeof(*loop));
	loop->stop_fd = -1;
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epfd < 0)
		return -errno;
	loop->stop_fd = eventfd(0, EFD_CLOEXEC);
	if (loop->stop_fd < 0)
		return -errno;
	return loop_add(loop, loop->stop_fd, EPOLLIN, NULL, NULL);
}

int loop_add(struct loop *loop, int fd, uint32_t events, loop_fn fn, void *opaque)
{
	struct epoll_event ev = { .events = events };
	unsigned int i;

	/* A slot freed by loop_remove() is reused (its fd is -1). */
	for (i = 0; i < loop->nr; i++)
		if (loop->sources[i].fd < 0)
			break;
	if (i == LOOP_MAX_SOURCES)
		return -ENOSPC;
	ev.data.u32 = i;
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev))
		return -errno;
	loop->sources[i] = (struct loop_source){ fd, fn, opaque };
	if (i == loop->nr)
		loop->nr++;
	return 0;
}

void loop_remove(struct loop *loop, int fd)
{
	unsigned int i;

	for (i = 0; i < loop->nr; i++) {
		if (loop->sources[i].fd == fd) {
			epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL);
			loop->sources[i] = (struct loop_source){ -1, NULL, NULL };
			return;
		}
	}
}

static int loop_slot(struct loop *loop, int fd)
{
	unsigned int i, nr = __atomic_load_n(&loop->nr, __ATOMIC_ACQUIRE);

	for (i = 0; i < nr; i++)
		if (__atomic_load_n(&loop->sources[i].fd, __ATOMIC_ACQUIRE) == fd)
			return (int)i;
	return -ENOENT;
}

int loop_pause(struct loop *loop, int fd)
{
	if (loop_slot(loop, fd) < 0)
		return -ENOENT;
	return epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL) ? -errno : 0;
}

int loop_resume(struct loop *loop, int fd, uint32_t events)
{
	struct epoll_event ev = { .events = events };
	int i = loop_slot(loop, fd);

	if (i < 0)
		return i;
	ev.data.u32 = (uint32_t)i;
	return epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) ? -errno : 0;
}

static void *loop_thread(void *arg)
{
	struct loop *loop = arg;
	struct epoll_event evs[LOOP_MAX_SOURCES];

	for (;;) {
		int i, n = epoll_wait(loop->epfd, evs, LOOP_MAX_SOURCES, -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		for (i = 0; i < n; i++) {
			struct loop_source *s = &loop->sources[evs[i].data.u32];

			if (s->fd == loop->stop_fd)
				return NULL;	/* the stop event */
			/* Removed by an earlier handler of this batch. */
			if (s->fd >= 0 && s->fn)
				s->fn(s->opaque, evs[i].events);
		}
	}
	return NULL;
}

int loop_start(struct loop *loop)
{
	int ret = pthread_create(&loop->thread, NULL, loop_thread, loop);

	if (ret)
		return -ret;
	loop->running = 1;
	return 0;
}

void loop_stop(struct loop *loop)
{
	uint64_t one = 1;

	if (!loop->running)
		return;
	if (write(loop->stop_fd, &one, sizeof(one)) != sizeof(one))
		return;
	pthread_join(loop->thread, NULL);
	loop->running = 0;
	/* Consumed, so that the loop can run again (a VM restart). */
	if (read(loop->stop_fd, &one, sizeof(one)) != sizeof(one))
		return;
}

void loop_free(struct loop *loop)
{
	loop_stop(loop);
	if (loop->stop_fd >= 0)
		close(loop->stop_fd);
	if (loop->epfd >= 0)
		close(loop->epfd);
	loop->stop_fd = loop->epfd = -1;
}
