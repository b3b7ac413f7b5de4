// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 */
#include <string.h>

#include "pagetable.h"

static int alloc_table(struct pt *pt, uint64_t *table)
{
	if (pt->next >= pt->end || pt->end - pt->next < PT_PAGE)
		return -1;
	*table = pt->next;
	pt->next += PT_PAGE;
	memset(pt->c->vram + *table, 0, PT_PAGE);
	return 0;
}

int pt_init(struct pt *pt, struct card_client *c, uint64_t pool, uint64_t size)
{
	pt->c = c;
	pt->next = (pool + PT_PAGE - 1) & ~(PT_PAGE - 1);
	pt->end = pool + size;
	return alloc_table(pt, &pt->root);
}

static unsigned int index_of(uint64_t va, unsigned int level)
{
	unsigned int shift = TAIHU_MMU_PAGE_SHIFT +
			     TAIHU_MMU_LEVEL_BITS * (TAIHU_MMU_LEVELS - 1 - level);

	return (unsigned int)(va >> shift) & (TAIHU_MMU_ENTRIES - 1);
}

uint64_t *pt_entry(struct pt *pt, uint64_t va, unsigned int level)
{
	uint64_t table = pt->root;
	unsigned int l;

	for (l = 0; l < level; l++) {
		uint64_t *e = (uint64_t *)(pt->c->vram + table) + index_of(va, l);

		if (!(*e & TAIHU_PTE_VALID)) {
			uint64_t next;

			if (alloc_table(pt, &next))
				return NULL;
			*e = next | TAIHU_PTE_VALID;
		}
		table = *e & TAIHU_PTE_ADDR_MASK;
		if (table >= pt->c->vram_size)
			return NULL;
	}
	return (uint64_t *)(pt->c->vram + table) + index_of(va, level);
}

int pt_map(struct pt *pt, uint64_t va, uint64_t target, uint64_t size, uint64_t flags)
{
	uint64_t off;

	for (off = 0; off < size; off += PT_PAGE) {
		uint64_t *e = pt_entry(pt, va + off, TAIHU_MMU_LEVELS - 1);

		if (!e)
			return -1;
		*e = ((target + off) & TAIHU_PTE_ADDR_MASK) | flags | TAIHU_PTE_VALID;
	}
	return 0;
}

void pt_unmap(struct pt *pt, uint64_t va, uint64_t size)
{
	uint64_t off;

	for (off = 0; off < size; off += PT_PAGE) {
		uint64_t *e = pt_entry(pt, va + off, TAIHU_MMU_LEVELS - 1);

		if (e)
			*e = 0;
	}
}
