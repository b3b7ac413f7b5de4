// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The buffers are private anonymous mappings, filled before the clock
 * starts, so that the figure is copy bandwidth and not page-fault cost.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "clock.h"
#include "membench.h"

int membench_memcpy(uint64_t size, uint64_t *ns)
{
	uint8_t *src, *dst;
	uint64_t t0;

	if (!size || size > MEMBENCH_MAX_SIZE)
		return -EINVAL;
	src = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (src == MAP_FAILED)
		return -ENOMEM;
	dst = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (dst == MAP_FAILED) {
		munmap(src, size);
		return -ENOMEM;
	}
	memset(src, 0x5a, size);
	memset(dst, 0xa5, size);
	t0 = card_clock_ns();
	memcpy(dst, src, size);
	*ns = card_clock_ns() - t0;
	munmap(dst, size);
	munmap(src, size);
	return 0;
}
