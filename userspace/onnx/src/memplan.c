// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Memory planning: every arena storage lives from the first to the last
 * kernel that uses it; storages whose lifetimes do not overlap share
 * memory. Greedy by size: the largest storage is placed first, at the
 * lowest offset where it overlaps no placed storage that is alive at the
 * same time. Weights and I/O storages are laid out one after another.
 */
#include <stdlib.h>
#include <string.h>

#include "plan.h"

#define ARENA_ALIGN 256
#define IO_ALIGN 64

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

static const struct ox_plan *sort_plan;

static int by_size(const void *a, const void *b)
{
	const struct ox_store *sa = &sort_plan->stores[*(const int *)a];
	const struct ox_store *sb = &sort_plan->stores[*(const int *)b];

	if (sa->bytes != sb->bytes)
		return sa->bytes < sb->bytes ? 1 : -1;
	return *(const int *)a - *(const int *)b;
}

static bool alive_together(const struct ox_store *a, const struct ox_store *b)
{
	return a->first <= b->last && b->first <= a->last;
}

int ox_memplan(struct ox_plan *p)
{
	int *order, *placed, n = 0, np = 0, i, j;
	uint64_t woff = 0, ioff = 0, top = 0;

	order = malloc(sizeof(int) * ((size_t)p->n_stores + 1));
	placed = malloc(sizeof(int) * ((size_t)p->n_stores + 1));
	if (!order || !placed) {
		free(order);
		free(placed);
		return ox_err(-ENOMEM, "out of memory");
	}
	p->arena_unplanned = 0;
	for (i = 0; i < p->n_stores; i++) {
		struct ox_store *s = &p->stores[i];

		switch (s->kind) {
		case OXS_WEIGHT:
			s->offset = woff;
			woff = align_up(woff + s->bytes, ARENA_ALIGN);
			break;
		case OXS_IO:
			s->offset = ioff;
			ioff = align_up(ioff + s->bytes, IO_ALIGN);
			break;
		case OXS_ARENA:
			if (!s->bytes || s->first < 0)
				break;	/* never used by a kernel */
			p->arena_unplanned += align_up(s->bytes, ARENA_ALIGN);
			order[n++] = i;
			break;
		}
	}
	sort_plan = p;
	qsort(order, (size_t)n, sizeof(int), by_size);
	for (i = 0; i < n; i++) {
		struct ox_store *s = &p->stores[order[i]];
		uint64_t off = 0;
		bool moved = true;

		/* first fit among the live placed storages, lowest offset first */
		while (moved) {
			moved = false;
			for (j = 0; j < np; j++) {
				const struct ox_store *o = &p->stores[placed[j]];

				if (!alive_together(s, o))
					continue;
				if (off < o->offset + align_up(o->bytes, ARENA_ALIGN) &&
				    o->offset < off + align_up(s->bytes, ARENA_ALIGN)) {
					off = o->offset + align_up(o->bytes, ARENA_ALIGN);
					moved = true;
				}
			}
		}
		s->offset = off;
		placed[np++] = order[i];
		if (off + align_up(s->bytes, ARENA_ALIGN) > top)
			top = off + align_up(s->bytes, ARENA_ALIGN);
	}
	free(order);
	free(placed);
	p->weights_bytes = woff;
	p->arena_bytes = top;
	/* kernel timestamps (profiling) after the I/O tensors */
	p->profile_offset = ioff;
	p->io_bytes = ioff;
	return 0;
}
