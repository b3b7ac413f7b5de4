/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * MEMCPY_BENCH: the card's own memcpy() bandwidth, the yardstick the
 * driver's copy benchmark divides by.
 */
#ifndef TAIHU_CARD_MEMBENCH_H
#define TAIHU_CARD_MEMBENCH_H

#include <stdint.h>

#define MEMBENCH_MAX_SIZE	(256ULL << 20)

/*
 * Allocate two buffers of @size bytes (1..MEMBENCH_MAX_SIZE), touch every
 * page of both, then time one memcpy() between them with the card clock.
 * Returns 0 with *@ns set, -EINVAL or -ENOMEM.
 */
int membench_memcpy(uint64_t size, uint64_t *ns);

#endif /* TAIHU_CARD_MEMBENCH_H */
