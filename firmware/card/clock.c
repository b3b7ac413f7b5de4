// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 */
#include <time.h>

#include "clock.h"

static uint64_t start_ns;

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void card_clock_init(void)
{
	start_ns = monotonic_ns();
}

uint64_t card_clock_ns(void)
{
	return monotonic_ns() - start_ns;
}
