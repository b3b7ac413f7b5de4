// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * An arena of small allocations (names, attributes, IR arrays) freed all at
 * once with the graph or plan that owns them.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ox.h"

#define CHUNK_SIZE (64u << 10)

struct chunk {
	struct chunk *next;
	size_t used, cap;
	_Alignas(16) unsigned char data[];
};

struct ox_arena {
	struct chunk *head;
	size_t bytes;
};

struct ox_arena *ox_arena_new(void)
{
	return calloc(1, sizeof(struct ox_arena));
}

void ox_arena_free(struct ox_arena *a)
{
	struct chunk *c, *next;

	if (!a)
		return;
	for (c = a->head; c; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

void *ox_alloc(struct ox_arena *a, size_t n)
{
	struct chunk *c;
	size_t cap;
	void *p;

	if (!a || n > (1ull << 40))
		return NULL;
	n = (n + 15) & ~(size_t)15;
	if (!n)
		n = 16;
	c = a->head;
	if (!c || c->cap - c->used < n) {
		cap = n > CHUNK_SIZE / 2 ? n : CHUNK_SIZE;
		c = malloc(sizeof(*c) + cap);
		if (!c)
			return NULL;
		c->used = 0;
		c->cap = cap;
		/* Big allocations get their own chunk behind the current one. */
		if (a->head && cap != CHUNK_SIZE) {
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = a->head;
			a->head = c;
		}
	}
	p = c->data + c->used;
	c->used += n;
	a->bytes += n;
	memset(p, 0, n);
	return p;
}

void *ox_alloc_array(struct ox_arena *a, size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size)
		return NULL;
	return ox_alloc(a, count * size);
}

char *ox_strdup(struct ox_arena *a, const char *s)
{
	size_t n = strlen(s ? s : "");
	char *p = ox_alloc(a, n + 1);

	if (p && n)
		memcpy(p, s, n);
	return p;
}

char *ox_sprintf(struct ox_arena *a, const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	p = ox_alloc(a, (size_t)n + 1);
	if (!p)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

size_t ox_arena_bytes(const struct ox_arena *a)
{
	return a ? a->bytes : 0;
}
