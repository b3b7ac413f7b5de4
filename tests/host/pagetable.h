/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Building a device context's page tables in the card's VRAM, the way the
 * driver does (format in taihu_card_api.h): tables are taken from a VRAM
 * pool the test sets aside, then CTX_CREATE names pt.root.
 */
#ifndef TAIHU_PAGETABLE_H
#define TAIHU_PAGETABLE_H

#include <stdint.h>

#include "card_client.h"

#define PT_PAGE		TAIHU_MMU_PAGE_SIZE

struct pt {
	struct card_client *c;
	uint64_t root;		/* VRAM offset of the level-0 table */
	uint64_t next;		/* next free table in the pool */
	uint64_t end;
};

/* Take the root table from the pool [@pool, @pool + @size). Returns 0 or -1. */
int pt_init(struct pt *pt, struct card_client *c, uint64_t pool, uint64_t size);

/*
 * The entry for @va at @level (0: root, 2: leaf), creating the tables
 * above it. NULL if the pool is exhausted or a directory entry on the way
 * does not point into VRAM (a test may have broken it on purpose).
 */
uint64_t *pt_entry(struct pt *pt, uint64_t va, unsigned int level);

/*
 * Map [@va, @va + @size) page by page onto @target (a VRAM offset, or a
 * guest RAM offset with TAIHU_PTE_HOST in @flags); @flags may also hold
 * TAIHU_PTE_WRITE. No check of @target: tests map bad targets on purpose.
 * Returns 0 or -1.
 */
int pt_map(struct pt *pt, uint64_t va, uint64_t target, uint64_t size, uint64_t flags);

/* Clear the leaf entries of [@va, @va + @size). */
void pt_unmap(struct pt *pt, uint64_t va, uint64_t size);

#endif /* TAIHU_PAGETABLE_H */
