/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The card clock: ns of CLOCK_MONOTONIC since the card process started.
 */
#ifndef TAIHU_CARD_CLOCK_H
#define TAIHU_CARD_CLOCK_H

#include <stdint.h>

void card_clock_init(void);
uint64_t card_clock_ns(void);

#endif /* TAIHU_CARD_CLOCK_H */
