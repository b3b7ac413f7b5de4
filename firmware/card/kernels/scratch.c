// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Engine scratch buffers (scratch.h).
 */
#include <stdlib.h>

#include "scratch.h"

void *kscratch_get(struct kexec *x, size_t bytes)
{
	struct kscratch *s = x->scratch;
	unsigned int i;
	size_t cap;
	void *p;

	if (!s || s->used == KSCRATCH_SLOTS || bytes > KSCRATCH_LIMIT)
		goto nomem;
	i = s->used;
	if (s->cap[i] >= bytes && s->buf[i]) {
		s->used++;
		return s->buf[i];
	}
	cap = (bytes + 63) & ~(size_t)63;
	if (!cap)
		cap = 64;
	if (s->total - s->cap[i] + cap > KSCRATCH_LIMIT)
		goto nomem;
	free(s->buf[i]);
	s->total -= s->cap[i];
	s->cap[i] = 0;
	p = aligned_alloc(64, cap);
	s->buf[i] = p;
	if (!p)
		goto nomem;
	s->cap[i] = cap;
	s->total += cap;
	s->used++;
	return p;
nomem:
	x->reason = TAIHU_REASON_NO_MEMORY;
	return NULL;
}

void kscratch_release(struct kscratch *s)
{
	unsigned int i;

	if (!s)
		return;
	for (i = 0; i < KSCRATCH_SLOTS; i++)
		if (s->cap[i] > KSCRATCH_KEEP) {
			free(s->buf[i]);
			s->buf[i] = NULL;
			s->total -= s->cap[i];
			s->cap[i] = 0;
		}
	s->used = 0;
}

void kscratch_free(struct kscratch *s)
{
	unsigned int i;

	if (!s)
		return;
	for (i = 0; i < KSCRATCH_SLOTS; i++)
		free(s->buf[i]);
	*s = (struct kscratch){ 0 };
}
