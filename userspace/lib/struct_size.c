// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Caller-allocated structures start with "uint32_t size": the caller's
 * sizeof. These helpers let an old caller and a newer library (or the
 * reverse) agree on the common part, the way the kernel's
 * copy_struct_from_user() does for ioctls.
 */
#include <errno.h>
#include <string.h>

#include "taihu_internal.h"

static uint32_t user_size(const void *user)
{
	uint32_t size;

	memcpy(&size, user, sizeof(size));
	return size;
}

/* Far beyond any structure of the library: an uninitialised size. */
#define SIZED_MAX	65536u

int taihu__sized_check(const void *user, size_t min_size)
{
	if (!user || user_size(user) < min_size || user_size(user) > SIZED_MAX)
		return -EINVAL;
	return 0;
}

int taihu__sized_in(void *dst, size_t dst_size, const void *user,
		    size_t min_size)
{
	const unsigned char *p = user;
	uint32_t size, i;

	if (taihu__sized_check(user, min_size))
		return -EINVAL;
	size = user_size(user);
	/* A newer caller may only use fields this library knows. */
	for (i = (uint32_t)dst_size; i < size; i++)
		if (p[i])
			return -E2BIG;
	memset(dst, 0, dst_size);
	memcpy(dst, user, size < dst_size ? size : dst_size);
	return 0;
}

void taihu__sized_out(void *user, const void *src, size_t src_size)
{
	unsigned char *p = user;
	uint32_t size = user_size(user);
	size_t n = size < src_size ? size : src_size;

	/* Everything but the caller's own size member. */
	if (n > sizeof(size))
		memcpy(p + sizeof(size), (const unsigned char *)src + sizeof(size),
		       n - sizeof(size));
	if (size > n)
		memset(p + n, 0, size - n);
}
