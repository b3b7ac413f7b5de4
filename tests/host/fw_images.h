/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Bad firmware images for tests: each case corrupts a copy of a good image
 * in one specific way (re-signing the digest where the corruption is meant
 * to be caught by a later check) and names the boot error it must produce.
 */
#ifndef TAIHU_FW_IMAGES_H
#define TAIHU_FW_IMAGES_H

#include <stddef.h>
#include <stdint.h>

struct fw_bad_case {
	const char *name;
	int expect;	/* enum taihu_boot_error */
	/* Corrupt @img (with room for @size + 64 bytes); returns the size to use. */
	size_t (*mutate)(uint8_t *img, size_t size);
};

extern const struct fw_bad_case fw_bad_cases[];
extern const size_t fw_num_bad_cases;

/* Recompute the header digest after an edit. */
void fw_fix_digest(uint8_t *img);

/* A malloc()ed, re-signed copy of @img whose CONFIG enables @caps only. */
uint8_t *fw_with_caps(const uint8_t *img, size_t size, uint64_t caps);

/* A malloc()ed copy of @img with 64 spare bytes, corrupted by @bc. */
uint8_t *fw_make_bad(const struct fw_bad_case *bc, const uint8_t *img, size_t size,
		     size_t *bad_size);

#endif /* TAIHU_FW_IMAGES_H */
