// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Shape inference and host folding, run when a session prepares for bound
 * input shapes. Every node gets concrete output dtypes and shapes; a node
 * whose inputs are all known at prepare time (initializers, constants,
 * shapes, values of inputs that determine shapes) and whose operator has a
 * host implementation is evaluated here and never reaches the card. That is
 * what folds the shape arithmetic PyTorch's exporter emits (Shape, Gather,
 * Concat, ConstantOfShape, ...). Everything that depends on a runtime input
 * is left for the card.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ox.h"

int (ox_node_err)(struct ox_ctx *c, int err, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return ox_err(err, "node '%s' (%s): %s", c->n->name, c->n->op, msg);
}

struct ox_value *ox_need_in(struct ox_ctx *c, int i)
{
	struct ox_value *v = ox_in(c->g, c->n, i);

	if (!v) {
		ox_node_err(c, -EINVAL, "input %d is required", i);
		return NULL;
	}
	if (v->rank < 0 || v->dtype == OX_UNDEF) {
		ox_node_err(c, -EINVAL, "input %d ('%s') has no known type or shape", i,
			    v->name);
		return NULL;
	}
	return v;
}

int ox_set_out(struct ox_ctx *c, int i, int dtype, int rank, const int64_t *dims)
{
	struct ox_value *v = ox_out(c->g, c->n, i);
	int k;

	if (!v)
		return 0;	/* omitted optional output */
	if (rank < 0 || rank > OX_MAX_RANK)
		return ox_node_err(c, -EOPNOTSUPP, "output %d would have rank %d (at most %d)",
				   i, rank, OX_MAX_RANK);
	for (k = 0; k < rank; k++)
		if (dims[k] < 0)
			return ox_node_err(c, -EINVAL, "output %d would have a negative "
					   "dimension", i);
	if (ox_numel(rank, dims) < 0)
		return ox_node_err(c, -E2BIG, "output %d is too large", i);
	v->dtype = dtype;
	v->rank = rank;
	for (k = 0; k < OX_MAX_RANK; k++)
		v->dims[k] = k < rank ? dims[k] : -1;
	return 0;
}

int ox_same_as_in(struct ox_ctx *c, int out, int from)
{
	struct ox_value *v = ox_need_in(c, from);

	if (!v)
		return -EINVAL;
	return ox_set_out(c, out, v->dtype, v->rank, v->dims);
}

int ox_broadcast(struct ox_ctx *c, int n, const struct ox_value *const *v, int *rank,
		 int64_t *dims)
{
	int r = 0, i, k;

	for (i = 0; i < n; i++)
		if (v[i]->rank > r)
			r = v[i]->rank;
	for (k = 0; k < r; k++) {
		int64_t d = 1;

		for (i = 0; i < n; i++) {
			int ax = k - (r - v[i]->rank);
			int64_t e = ax >= 0 ? v[i]->dims[ax] : 1;

			if (e == d || e == 1)
				continue;
			if (d != 1) {
				char a[96], b[96];

				return ox_node_err(c, -EINVAL, "shapes %s and %s do not broadcast",
						   ox_shape_str(v[0]->rank, v[0]->dims, a, sizeof(a)),
						   ox_shape_str(v[i]->rank, v[i]->dims, b, sizeof(b)));
			}
			d = e;
		}
		dims[k] = d;
	}
	*rank = r;
	return 0;
}

int ox_axis(struct ox_ctx *c, int64_t a, int r, int *out)
{
	if (a < -r || a >= (r ? r : 1))
		return ox_node_err(c, -EINVAL, "axis %lld is out of range for rank %d",
				   (long long)a, r);
	*out = (int)(a < 0 ? a + r : a);
	return 0;
}

ox_tensor *ox_new_out(struct ox_ctx *c, int i)
{
	struct ox_value *v = ox_out(c->g, c->n, i);
	ox_tensor *t;

	if (!v)
		return NULL;
	t = ox_tensor_new(v->dtype, v->rank, v->dims);
	if (!t)
		ox_err_prefix(-EINVAL, "node '%s' (%s)", c->n->name, c->n->op);
	return t;
}

int ox_set_konst(struct ox_ctx *c, int i, ox_tensor *t)
{
	struct ox_value *v = ox_out(c->g, c->n, i);

	if (!v) {
		ox_tensor_free(t);
		return 0;
	}
	if (!t)
		return -ENOMEM;
	if (v->konst && !(v->flags & OXV_INIT))
		ox_tensor_free(v->konst);
	v->konst = t;
	return 0;
}

int ox_const_ints(struct ox_ctx *c, int input, int64_t *vals, int max)
{
	struct ox_value *v = ox_in(c->g, c->n, input);
	int64_t i;

	if (!v)
		return ox_node_err(c, -EINVAL, "input %d is required", input);
	if (!v->konst)
		return ox_node_err(c, -EOPNOTSUPP, "input %d ('%s') must be known when the "
				   "model is prepared; here it is computed at run time",
				   input, v->name);
	if (!ox_dtype_is_int(v->konst->dtype))
		return ox_node_err(c, -EINVAL, "input %d ('%s') must be an integer tensor",
				   input, v->name);
	if (v->konst->rank > 1)
		return ox_node_err(c, -EINVAL, "input %d ('%s') must be 1-D", input, v->name);
	if (v->konst->numel > max)
		return ox_node_err(c, -EOPNOTSUPP, "input %d ('%s') has %lld values (at most %d)",
				   input, v->name, (long long)v->konst->numel, max);
	for (i = 0; i < v->konst->numel; i++)
		vals[i] = ox_get_i(v->konst, i);
	return (int)v->konst->numel;
}

void ox_bcast_init(struct ox_bcast *b, int rank, const int64_t *dims, int n,
		   const ox_tensor *const *ts)
{
	int i, k;

	memset(b, 0, sizeof(*b));
	b->rank = rank;
	b->n = n;
	memcpy(b->dims, dims, sizeof(int64_t) * (size_t)rank);
	for (i = 0; i < n; i++) {
		int64_t s = 1;

		for (k = ts[i]->rank - 1; k >= 0; k--) {
			int ax = k + rank - ts[i]->rank;

			b->str[i][ax] = ts[i]->dims[k] == 1 ? 0 : s;
			s *= ts[i]->dims[k];
		}
	}
}

bool ox_bcast_next(struct ox_bcast *b)
{
	int k, i;

	for (k = b->rank - 1; k >= 0; k--) {
		b->idx[k]++;
		for (i = 0; i < b->n; i++)
			b->off[i] += b->str[i][k];
		if (b->idx[k] < b->dims[k])
			return true;
		for (i = 0; i < b->n; i++)
			b->off[i] -= b->str[i][k] * b->idx[k];
		b->idx[k] = 0;
	}
	return false;
}

/*
 * Work out backwards which values must be known when the model is prepared:
 * the value inputs of every node (shapes, axes, scalar parameters), and,
 * through host-foldable nodes, whatever those are computed from. A float
 * graph input only counts when a node reads it directly as a parameter
 * (Clip's bounds, a scale): data that is computed on stays on the card,
 * and what depends on it is then reported as unsupported.
 */
void ox_mark_needed_values(struct ox_graph *g)
{
	int oi, i, j;

	for (oi = g->n_order - 1; oi >= 0; oi--) {
		struct ox_node *n = &g->nodes[g->order[oi]];
		bool needed = false;

		if (!n->def)
			continue;
		for (i = 0; i < n->n_in && i < 32; i++)
			if ((n->def->value_inputs & (1u << i)) && n->in[i] >= 0)
				g->vals[n->in[i]].flags |= OXV_NEED_VALUE | OXV_PARAM;
		for (j = 0; j < n->n_out; j++)
			if (n->out[j] >= 0 && (g->vals[n->out[j]].flags & OXV_NEED_VALUE))
				needed = true;
		if (!needed || !n->def->fold || (n->def->flags & OXOP_SHAPE_ONLY))
			continue;
		for (i = 0; i < n->n_in; i++)
			if (n->in[i] >= 0)
				g->vals[n->in[i]].flags |= OXV_NEED_VALUE;
	}
	for (i = 0; i < g->n_inputs; i++) {
		struct ox_value *v = &g->vals[g->inputs[i]];

		if ((v->flags & OXV_NEED_VALUE) && !(v->flags & OXV_PARAM) &&
		    (ox_dtype_is_float(v->dtype) || v->dtype == OX_UNDEF))
			v->flags &= ~OXV_NEED_VALUE;
	}
}

static bool has_subgraph(const struct ox_node *n)
{
	int i;

	for (i = 0; i < n->n_attr; i++)
		if (n->attr[i].type == OXA_GRAPH || n->attr[i].type == OXA_GRAPHS)
			return true;
	return false;
}

/* Folding makes host tensors: past this size it is not worth it (nor safe). */
#define OX_MAX_FOLD_BYTES (64ull << 20)

static bool can_fold(struct ox_graph *g, const struct ox_node *n, bool late)
{
	int i;

	if (!n->def->fold)
		return false;
	for (i = 0; i < n->n_out; i++) {
		const struct ox_value *v = ox_out(g, n, i);

		if (v && (uint64_t)ox_numel(v->rank, v->dims) * (ox_dtype_size(v->dtype) + 1) >
			 OX_MAX_FOLD_BYTES)
			return false;
	}
	if ((n->def->flags & OXOP_LATE_FOLD) && !late)
		return false;
	for (i = 0; i < n->n_in; i++) {
		const struct ox_value *v = ox_in(g, n, i);

		if (!v)
			continue;
		if (n->def->flags & OXOP_SHAPE_ONLY) {
			if (v->rank < 0)
				return false;
		} else if (!v->konst) {
			return false;
		}
	}
	return true;
}

static int check_node(struct ox_ctx *c)
{
	struct ox_node *n = c->n;
	int i;

	if (*n->domain)
		return ox_node_err(c, -EOPNOTSUPP, "operator domain '%s' is not supported",
				   n->domain);
	if (!n->def)
		return ox_node_err(c, -EOPNOTSUPP, "operator %s is not supported", n->op);
	/* nodes made by fusion are ours, whatever the model's opset */
	if (c->g->opset < n->def->min_opset && !n->fused_ops)
		return ox_node_err(c, -EOPNOTSUPP, "%s before opset %d is not supported "
				   "(the model uses opset %d)", n->op, n->def->min_opset,
				   c->g->opset);
	if (has_subgraph(n))
		return ox_node_err(c, -EOPNOTSUPP, "subgraph attributes are not supported");
	for (i = 0; i < n->n_attr; i++)
		if (n->attr[i].type == OXA_UNDEF && n->attr[i].s)
			return ox_node_err(c, -EOPNOTSUPP, "attribute '%s': %s",
					   n->attr[i].name, n->attr[i].s);
	for (i = 0; i < n->n_in; i++) {
		const struct ox_value *v = ox_in(c->g, n, i);

		if (!v)
			continue;
		if (v->rank < 0 || v->dtype == OX_UNDEF)
			return ox_node_err(c, -EINVAL, "input %d ('%s') has no known type or "
					   "shape", i, v->name);
		if (i < 32 && (n->def->value_inputs & (1u << i)) && !v->konst)
			return ox_node_err(c, -EOPNOTSUPP, "input %d ('%s') sets shapes or "
					   "parameters and must be known when the model is "
					   "prepared; here it is computed at run time", i,
					   v->name);
	}
	return 0;
}

int ox_infer_graph(struct ox_graph *g, bool late)
{
	int oi, err;

	for (oi = 0; oi < g->n_order; oi++) {
		struct ox_ctx c = { .g = g, .index = g->order[oi] };

		c.n = &g->nodes[c.index];
		if (c.n->state != OXN_LIVE)
			continue;
		err = check_node(&c);
		if (err)
			return err;
		if (!late) {
			err = c.n->def->infer(&c);
			if (err)
				return err;
		}
		if (can_fold(g, c.n, late)) {
			err = c.n->def->fold(&c);
			if (err)
				return err;
			c.n->state = OXN_FOLDED;
		}
	}
	return 0;
}

int ox_fold_late(struct ox_graph *g)
{
	return ox_infer_graph(g, true);
}
