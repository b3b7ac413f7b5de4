// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The graph IR: values and nodes in growable arrays, attribute lookup,
 * topological sort and the per-prepare copy of a model's graph.
 */
#include <stdlib.h>
#include <string.h>

#include "ox.h"

static int grow(void **arr, int *cap, int need, size_t elem)
{
	void *p;
	int ncap;

	if (need <= *cap)
		return 0;
	if (need > (1 << 24))
		return ox_err(-E2BIG, "graph too large");
	ncap = *cap ? *cap * 2 : 64;
	while (ncap < need)
		ncap *= 2;
	p = realloc(*arr, (size_t)ncap * elem);
	if (!p)
		return ox_err(-ENOMEM, "out of memory");
	memset((char *)p + (size_t)*cap * elem, 0, (size_t)(ncap - *cap) * elem);
	*arr = p;
	*cap = ncap;
	return 0;
}

int ox_graph_add_value(struct ox_graph *g, const char *name)
{
	struct ox_value *v;
	int err, i;

	err = grow((void **)&g->vals, &g->cap_vals, g->n_vals + 1, sizeof(*g->vals));
	if (err)
		return err;
	v = &g->vals[g->n_vals];
	memset(v, 0, sizeof(*v));
	v->name = ox_strdup(g->arena, name);
	if (!v->name)
		return ox_err(-ENOMEM, "out of memory");
	v->rank = -1;
	for (i = 0; i < OX_MAX_RANK; i++)
		v->dims[i] = -1;
	v->producer = -1;
	v->lowered = -1;
	return g->n_vals++;
}

int ox_graph_find_value(const struct ox_graph *g, const char *name)
{
	int i;

	for (i = 0; i < g->n_vals; i++)
		if (!strcmp(g->vals[i].name, name))
			return i;
	return -ENOENT;
}

int ox_graph_add_node(struct ox_graph *g, const char *op, const char *name, int n_in,
		      int n_out)
{
	struct ox_node *n;
	int err, i;

	if (n_in < 0 || n_out < 0 || n_in > 4096 || n_out > 4096)
		return ox_err(-EINVAL, "node with %d inputs and %d outputs", n_in, n_out);
	err = grow((void **)&g->nodes, &g->cap_nodes, g->n_nodes + 1, sizeof(*g->nodes));
	if (err)
		return err;
	n = &g->nodes[g->n_nodes];
	memset(n, 0, sizeof(*n));
	n->op = ox_strdup(g->arena, op);
	n->name = ox_strdup(g->arena, name);
	n->domain = "";
	n->n_in = n_in;
	n->n_out = n_out;
	n->in = ox_alloc_array(g->arena, (size_t)n_in + 1, sizeof(int));
	n->out = ox_alloc_array(g->arena, (size_t)n_out + 1, sizeof(int));
	if (!n->op || !n->name || !n->in || !n->out)
		return ox_err(-ENOMEM, "out of memory");
	for (i = 0; i < n_in; i++)
		n->in[i] = -1;
	for (i = 0; i < n_out; i++)
		n->out[i] = -1;
	n->def = ox_op_find("", op);
	return g->n_nodes++;
}

struct ox_graph *ox_graph_clone(const struct ox_graph *src)
{
	struct ox_graph *g = calloc(1, sizeof(*g));

	if (!g)
		goto oom;
	*g = *src;
	g->arena = ox_arena_new();
	g->vals = malloc(sizeof(*g->vals) * (size_t)(src->cap_vals ? src->cap_vals : 1));
	g->nodes = malloc(sizeof(*g->nodes) * (size_t)(src->cap_nodes ? src->cap_nodes : 1));
	g->order = malloc(sizeof(int) * (size_t)(src->n_nodes + 1));
	if (!g->arena || !g->vals || !g->nodes || !g->order) {
		ox_graph_free(g);
		goto oom;
	}
	if (src->n_vals)
		memcpy(g->vals, src->vals, sizeof(*g->vals) * (size_t)src->n_vals);
	if (src->n_nodes)
		memcpy(g->nodes, src->nodes, sizeof(*g->nodes) * (size_t)src->n_nodes);
	if (src->n_order)
		memcpy(g->order, src->order, sizeof(int) * (size_t)src->n_order);
	/* inputs, outputs and node in/out arrays stay shared: never modified in place */
	return g;
oom:
	ox_err(-ENOMEM, "out of memory");
	return NULL;
}

void ox_graph_free(struct ox_graph *g)
{
	if (!g)
		return;
	free(g->vals);
	free(g->nodes);
	free(g->order);
	ox_arena_free(g->arena);
	free(g);
}

int ox_graph_sort(struct ox_graph *g)
{
	int *pending = NULL, *heap = NULL, *order = NULL, *first = NULL, *cons = NULL;
	int n_heap = 0, n_order = 0, i, j, k, n_edges = 0, err = 0;

	/* consumers of each value in CSR form: first[v]..first[v + 1] */
	first = calloc((size_t)g->n_vals + 2, sizeof(int));
	pending = calloc((size_t)g->n_nodes + 1, sizeof(int));
	heap = calloc((size_t)g->n_nodes + 1, sizeof(int));
	order = malloc(sizeof(int) * ((size_t)g->n_nodes + 1));
	if (!first || !pending || !heap || !order)
		goto oom;
	for (i = 0; i < g->n_nodes; i++)
		for (j = 0; j < g->nodes[i].n_in; j++) {
			int v = g->nodes[i].in[j];

			if (v >= 0 && g->vals[v].producer >= 0) {
				first[v + 1]++;
				pending[i]++;
				n_edges++;
			}
		}
	for (i = 0; i < g->n_vals; i++)
		first[i + 1] += first[i];
	cons = malloc(sizeof(int) * ((size_t)n_edges + 1));
	if (!cons)
		goto oom;
	{
		int *fill = calloc((size_t)g->n_vals + 1, sizeof(int));

		if (!fill)
			goto oom;
		for (i = 0; i < g->n_nodes; i++)
			for (j = 0; j < g->nodes[i].n_in; j++) {
				int v = g->nodes[i].in[j];

				if (v >= 0 && g->vals[v].producer >= 0)
					cons[first[v] + fill[v]++] = i;
			}
		free(fill);
	}
	/* Kahn's algorithm with a min-heap: the lowest ready index first keeps file order */
	for (i = 0; i < g->n_nodes; i++)
		if (!pending[i]) {
			for (k = n_heap++; k > 0 && heap[(k - 1) / 2] > i; k = (k - 1) / 2)
				heap[k] = heap[(k - 1) / 2];
			heap[k] = i;
		}
	while (n_heap) {
		int last;

		i = heap[0];
		last = heap[--n_heap];
		for (k = 0;;) {
			int c = 2 * k + 1;

			if (c >= n_heap)
				break;
			if (c + 1 < n_heap && heap[c + 1] < heap[c])
				c++;
			if (heap[c] >= last)
				break;
			heap[k] = heap[c];
			k = c;
		}
		if (n_heap)
			heap[k] = last;
		order[n_order++] = i;
		for (j = 0; j < g->nodes[i].n_out; j++) {
			int v = g->nodes[i].out[j], e;

			if (v < 0)
				continue;
			for (e = first[v]; e < first[v + 1]; e++) {
				int c = cons[e];

				if (--pending[c])
					continue;
				for (k = n_heap++; k > 0 && heap[(k - 1) / 2] > c; k = (k - 1) / 2)
					heap[k] = heap[(k - 1) / 2];
				heap[k] = c;
			}
		}
	}
	if (n_order != g->n_nodes) {
		for (i = 0; i < g->n_nodes && !pending[i]; i++)
			;
		err = ox_err(-EINVAL, "the graph has a cycle (through node '%s' (%s))",
			     g->nodes[i].name, g->nodes[i].op);
		goto out;
	}
	free(g->order);
	g->order = order;
	g->n_order = n_order;
	order = NULL;
	goto out;
oom:
	err = ox_err(-ENOMEM, "out of memory");
out:
	free(first);
	free(cons);
	free(pending);
	free(heap);
	free(order);
	return err;
}

void ox_graph_count_uses(struct ox_graph *g)
{
	int i, j;

	for (i = 0; i < g->n_vals; i++)
		g->vals[i].uses = 0;
	for (i = 0; i < g->n_nodes; i++) {
		const struct ox_node *n = &g->nodes[i];

		if (n->state != OXN_LIVE && n->state != OXN_ALIAS)
			continue;
		for (j = 0; j < n->n_in; j++)
			if (n->in[j] >= 0)
				g->vals[n->in[j]].uses++;
	}
	for (i = 0; i < g->n_outputs; i++)
		g->vals[g->outputs[i]].uses++;
}

const struct ox_attr *ox_attr_find(const struct ox_node *n, const char *name)
{
	int i;

	for (i = 0; i < n->n_attr; i++)
		if (!strcmp(n->attr[i].name, name))
			return &n->attr[i];
	return NULL;
}

int64_t ox_attr_int(const struct ox_node *n, const char *name, int64_t def)
{
	const struct ox_attr *a = ox_attr_find(n, name);

	return a && a->type == OXA_INT ? a->i : def;
}

float ox_attr_float(const struct ox_node *n, const char *name, float def)
{
	const struct ox_attr *a = ox_attr_find(n, name);

	return a && a->type == OXA_FLOAT ? a->f : def;
}

const char *ox_attr_str(const struct ox_node *n, const char *name, const char *def)
{
	const struct ox_attr *a = ox_attr_find(n, name);

	return a && a->type == OXA_STRING ? a->s : def;
}

size_t ox_attr_ints(const struct ox_node *n, const char *name, const int64_t **vals)
{
	const struct ox_attr *a = ox_attr_find(n, name);

	if (!a || a->type != OXA_INTS) {
		*vals = NULL;
		return 0;
	}
	*vals = a->ints;
	return a->n;
}
