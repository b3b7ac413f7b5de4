/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Command line of taihu-card.
 */
#ifndef TAIHU_CARD_OPTIONS_H
#define TAIHU_CARD_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#define CARD_DEFAULT_VRAM	(256ULL << 20)
#define CARD_MIN_VRAM		(1ULL << 20)
#define CARD_MAX_VRAM		(64ULL << 30)

struct card_options {
	const char *socket_path;
	const char *guest_ram_path;
	uint64_t ram_size;
	uint64_t vram_size;
	char serial[32];
	bool mute;
	const char *log_path;
	bool kernels_reference;	/* --kernels reference: never the fast paths */
};

/*
 * Parse argv into @opt. Returns 0 to run, 1 when --help or --version was printed (exit 0),
 * or -1 after printing a usage error (exit 2).
 */
int card_parse_options(int argc, char **argv, struct card_options *opt);

/* Parse "64M", "1G", "4096"; returns 0 or -1. Exposed for tests. */
int card_parse_size(const char *s, uint64_t *out);

#endif /* TAIHU_CARD_OPTIONS_H */
