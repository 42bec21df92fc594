// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "post.h"

void post_io(void *opaque, uint64_t port, uint8_t *data, uint32_t len, bool is_write)
{
	struct post *post = opaque;

	(void)port;
	if (is_write) {
		post->code = data[0];
		post->writes++;
	} else {
		memset(data, post->code, len);
	}
}

int post_register(struct post *post, struct bus *io)
{
	memset(post, 0, sizeof(*post));
	return bus_register(io, 0x80, 1, post_io, post);
}
