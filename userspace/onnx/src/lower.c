// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Lowering: every live node of the prepared graph becomes card kernels over
 * strided views of storage, or a view of its input (no kernel at all):
 * reshapes, transposes, positive-step slices, broadcasts, splits and
 * Gathers of constant indices only change strides and offsets. This file
 * holds the framework (storage, views, kernel emission, graph inputs and
 * outputs) and the data-movement operators; lower_ops.c the compute ones.
 *
 * Nothing here computes a value on the host: constants reach the card as
 * weights, everything else is a kernel. What the card cannot express is
 * reported as unsupported, naming the node and the reason.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lower.h"

int (ox_lerr)(struct ox_lctx *l, int err, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!l->n)
		return ox_err(err, "%s", msg);
	return ox_err(err, "node '%s' (%s): %s", l->n->name, l->n->op, msg);
}

bool ox_card_dtype(int dt)
{
	return dt == OX_F32 || dt == OX_F16 || dt == OX_BF16 || dt == OX_I8 || dt == OX_U8 ||
	       dt == OX_I32;
}

int ox_devtype(const struct ox_plan *p, int dt)
{
	if (dt == OX_F32) {
		if (p->precision == TAIHU_ONNX_PRECISION_BF16)
			return OX_BF16;
		if (p->precision == TAIHU_ONNX_PRECISION_FP16)
			return OX_F16;
	}
	return dt;
}

int ox_new_store(struct ox_plan *p, int kind, uint64_t bytes, const char *what)
{
	struct ox_store *s;

	if (p->n_stores == p->cap_stores) {
		int ncap = p->cap_stores ? p->cap_stores * 2 : 64;
		void *n = realloc(p->stores, sizeof(*p->stores) * (size_t)ncap);

		if (!n)
			return ox_err(-ENOMEM, "out of memory");
		p->stores = n;
		p->cap_stores = ncap;
	}
	s = &p->stores[p->n_stores];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->bytes = bytes;
	s->first = -1;
	s->last = -1;
	s->what = what;
	return p->n_stores++;
}

void ox_dense_view(struct ox_view *v, int store, int dtype, int rank, const int64_t *dims)
{
	memset(v, 0, sizeof(*v));
	v->store = store;
	v->dtype = dtype;
	v->rank = rank;
	v->qscale_store = -1;
	v->qzero_store = -1;
	if (rank)
		memcpy(v->dims, dims, sizeof(int64_t) * (size_t)rank);
	ox_strides(rank, v->dims, v->strides);
}

bool ox_view_dense(const struct ox_view *v)
{
	int64_t s = 1;
	int i;

	for (i = v->rank - 1; i >= 0; i--) {
		if (v->dims[i] != 1 && v->strides[i] != s)
			return false;
		s *= v->dims[i];
	}
	return true;
}

static int64_t view_numel(const struct ox_view *v)
{
	return ox_numel(v->rank, v->dims);
}

void ox_set_view(struct ox_plan *p, int v, const struct ox_view *view)
{
	p->views[v] = *view;
	p->has_view[v] = true;
}

/* Convert @t to @dtype (a constant on its way to the card). */
static ox_tensor *convert_const(const ox_tensor *t, int dtype)
{
	ox_tensor *c = ox_tensor_new(dtype, t->rank, t->dims);

	if (c)
		ox_convert(c, t);
	return c;
}

int ox_const_view(struct ox_lctx *l, const ox_tensor *t, int dtype, struct ox_view *out)
{
	ox_tensor *c;
	int s;

	if (!ox_card_dtype(dtype))
		return ox_lerr(l, -EOPNOTSUPP, "a constant of type %s cannot live on the card",
			       ox_dtype_name(dtype));
	if (!t->numel)
		return ox_lerr(l, -EOPNOTSUPP, "empty constant");
	c = convert_const(t, dtype);
	if (!c)
		return -ENOMEM;
	s = ox_new_store(l->p, OXS_WEIGHT, c->nbytes, "constant");
	if (s < 0) {
		ox_tensor_free(c);
		return s;
	}
	l->p->stores[s].data = c;
	l->p->weights_bytes += c->nbytes;
	ox_dense_view(out, s, dtype, t->rank, t->dims);
	return 0;
}

int ox_scalar_view(struct ox_lctx *l, double v, int dtype, int rank, struct ox_view *out)
{
	int64_t ones[OX_MAX_RANK];
	ox_tensor *t;
	int i, err;

	for (i = 0; i < rank; i++)
		ones[i] = 1;
	t = ox_tensor_new(OX_F64, rank, ones);
	if (!t)
		return -ENOMEM;
	ox_set_f(t, 0, v);
	err = ox_const_view(l, t, dtype, out);
	ox_tensor_free(t);
	return err;
}

int ox_value_view(struct ox_lctx *l, int v, struct ox_view *out)
{
	struct ox_value *val = &l->g->vals[v];
	int dt, err;

	if (l->p->has_view[v]) {
		*out = l->p->views[v];
		return 0;
	}
	if (!val->konst)
		return ox_lerr(l, -EINVAL, "value '%s' has no storage on the card", val->name);
	dt = val->konst->dtype == OX_BOOL ? OX_U8 : ox_devtype(l->p, val->konst->dtype);
	err = ox_const_view(l, val->konst, dt, out);
	if (err)
		return err;
	l->p->stores[out->store].what = val->name;
	ox_set_view(l->p, v, out);
	return 0;
}

int ox_in_view(struct ox_lctx *l, int i, struct ox_view *out)
{
	if (i >= l->n->n_in || l->n->in[i] < 0) {
		memset(out, 0, sizeof(*out));
		out->store = -1;
		out->qscale_store = out->qzero_store = -1;
		return 0;
	}
	return ox_value_view(l, l->n->in[i], out);
}

int ox_out_view(struct ox_lctx *l, int i, int dtype, struct ox_view *out)
{
	struct ox_value *v = ox_out(l->g, l->n, i);
	size_t es;
	int s;

	if (!v)
		return ox_lerr(l, -EINVAL, "output %d is not used", i);
	if (!dtype)
		dtype = ox_devtype(l->p, v->dtype);
	es = ox_dtype_size(dtype);
	s = ox_new_store(l->p, OXS_ARENA, (uint64_t)ox_numel(v->rank, v->dims) * es, v->name);
	if (s < 0)
		return s;
	ox_dense_view(out, s, dtype, v->rank, v->dims);
	ox_set_view(l->p, l->n->out[i], out);
	return 0;
}

static void touch(struct ox_plan *p, int store, int k)
{
	struct ox_store *s;

	if (store < 0)
		return;
	s = &p->stores[store];
	if (s->first < 0 || k < s->first)
		s->first = k;
	if (k > s->last)
		s->last = k;
}

struct ox_kernel *ox_emit(struct ox_lctx *l, int kind, int n_in, int n_out,
			  const struct ox_view *ops)
{
	static _Thread_local struct ox_kernel scratch;
	struct ox_plan *p = l->p;
	struct ox_kernel *k;
	bool empty_out = false;
	int i, j;

	for (i = 0; i < n_in + n_out; i++) {
		const struct ox_view *v = &ops[i];

		if (v->store < 0)
			continue;
		if (!view_numel(v)) {
			if (i >= n_in) {
				empty_out = true;
				continue;
			}
		}
	}
	if (empty_out) {
		/* nothing to compute: the output is empty */
		memset(&scratch, 0, sizeof(scratch));
		return &scratch;
	}
	for (i = 0; i < n_in + n_out; i++) {
		const struct ox_view *v = &ops[i];

		if (v->store < 0)
			continue;
		if (!view_numel(v)) {
			ox_lerr(l, -EOPNOTSUPP, "an empty input with a non-empty result is not "
				"supported on the card");
			return NULL;
		}
		if (kind != OXK_COPY && kind != OXK_FILL && !ox_card_dtype(v->dtype)) {
			ox_lerr(l, -EOPNOTSUPP, "the card has no %s tensors (%s of %s)",
				ox_dtype_name(v->dtype), i < n_in ? "an input" : "an output",
				ox_kind_name(kind));
			return NULL;
		}
		if (v->rank > OX_CARD_MAX_RANK) {
			ox_lerr(l, -EOPNOTSUPP, "rank %d (the card's kernels take at most %d)",
				v->rank, OX_CARD_MAX_RANK);
			return NULL;
		}
		for (j = 0; j < v->rank; j++)
			if (v->dims[j] > UINT32_MAX) {
				ox_lerr(l, -EOPNOTSUPP, "dimension %lld is too large for the card",
					(long long)v->dims[j]);
				return NULL;
			}
	}
	if (p->n_kernels == p->cap_kernels) {
		int ncap = p->cap_kernels ? p->cap_kernels * 2 : 64;
		void *nk = realloc(p->kernels, sizeof(*p->kernels) * (size_t)ncap);

		if (!nk) {
			ox_err(-ENOMEM, "out of memory");
			return NULL;
		}
		p->kernels = nk;
		p->cap_kernels = ncap;
	}
	k = &p->kernels[p->n_kernels];
	memset(k, 0, sizeof(*k));
	k->kind = kind;
	k->n_in = n_in;
	k->n_out = n_out;
	memcpy(k->t, ops, sizeof(*ops) * (size_t)(n_in + n_out));
	k->node = l->n ? l->ni : -1;
	k->label = l->label ? l->label : l->n ? (l->n->fused_ops ? l->n->fused_ops : l->n->op) :
		   "I/O";
	for (i = 0; i < n_in + n_out; i++) {
		touch(p, ops[i].store, p->n_kernels);
		if (ops[i].quant == OXQ_CHANNEL) {
			touch(p, ops[i].qscale_store, p->n_kernels);
			touch(p, ops[i].qzero_store, p->n_kernels);
		}
	}
	p->n_kernels++;
	return k;
}

/* ---- view transforms ---- */

bool ox_view_reshape(const struct ox_view *in, int rank, const int64_t *dims, struct ox_view *out)
{
	int64_t tensor_n = 1, view_n = 1, base;
	int td, vd = rank - 1;

	*out = *in;
	if (rank < 0 || rank > OX_MAX_RANK)
		return false;	/* not a rank of a loaded model */
	out->rank = rank;
	if (rank)
		memcpy(out->dims, dims, sizeof(int64_t) * (size_t)rank);
	if (ox_view_dense(in) || !view_numel(in)) {
		ox_strides(rank, out->dims, out->strides);
		return true;
	}
	/* chunks of the old shape that are contiguous map onto new dimensions */
	base = in->strides[in->rank - 1];
	for (td = in->rank - 1; td >= 0; td--) {
		tensor_n *= in->dims[td];
		if (td == 0 || (in->dims[td - 1] != 1 &&
				in->strides[td - 1] != tensor_n * base)) {
			while (vd >= 0 && (view_n < tensor_n || dims[vd] == 1)) {
				out->strides[vd] = view_n * base;
				view_n *= dims[vd];
				vd--;
			}
			if (view_n != tensor_n)
				return false;
			if (td > 0) {
				base = in->strides[td - 1];
				tensor_n = 1;
				view_n = 1;
			}
		}
	}
	return vd == -1;
}

void ox_view_expand(struct ox_view *v, int rank, const int64_t *dims)
{
	struct ox_view o = *v;
	int i;

	o.rank = rank;
	for (i = 0; i < rank; i++) {
		int k = i - (rank - v->rank);

		if (k < 0 || (v->dims[k] == 1 && dims[i] != 1)) {
			o.dims[i] = dims[i];
			o.strides[i] = 0;
		} else {
			o.dims[i] = v->dims[k];
			o.strides[i] = v->strides[k];
		}
	}
	*v = o;
}

void ox_view_permute(struct ox_view *v, const int *perm)
{
	struct ox_view o = *v;
	int i;

	for (i = 0; i < v->rank; i++) {
		o.dims[i] = v->dims[perm[i]];
		o.strides[i] = v->strides[perm[i]];
	}
	if (v->quant == OXQ_CHANNEL)
		for (i = 0; i < v->rank; i++)
			if (perm[i] == v->quant_axis)
				o.quant_axis = i;
	*v = o;
}

void ox_view_insert(struct ox_view *v, int at)
{
	int i;

	for (i = v->rank; i > at; i--) {
		v->dims[i] = v->dims[i - 1];
		v->strides[i] = v->strides[i - 1];
	}
	v->dims[at] = 1;
	v->strides[at] = at + 1 <= v->rank ? v->strides[at + 1] * v->dims[at + 1] : 1;
	if (at == v->rank)
		v->strides[at] = 1;
	if (v->quant == OXQ_CHANNEL && v->quant_axis >= at)
		v->quant_axis++;
	v->rank++;
}

void ox_view_drop(struct ox_view *v, int at)
{
	int i;

	for (i = at; i + 1 < v->rank; i++) {
		v->dims[i] = v->dims[i + 1];
		v->strides[i] = v->strides[i + 1];
	}
	if (v->quant == OXQ_CHANNEL && v->quant_axis > at)
		v->quant_axis--;
	v->rank--;
}

void ox_coalesce(struct ox_view *ops, int n)
{
	int i, k, r = ops[0].rank;

	/* drop extent-1 dimensions */
	for (i = r - 1; i >= 0; i--)
		if (ops[0].dims[i] == 1 && r > 0)
			for (k = 0; k < n; k++)
				if (ops[k].store >= 0)
					ox_view_drop(&ops[k], i);
	r = ops[0].rank;
	for (i = r - 2; i >= 0; i--) {
		bool ok = true;

		for (k = 0; k < n; k++)
			if (ops[k].store >= 0 &&
			    ops[k].strides[i] != ops[k].strides[i + 1] * ops[k].dims[i + 1])
				ok = false;
		if (!ok)
			continue;
		for (k = 0; k < n; k++) {
			if (ops[k].store < 0)
				continue;
			ops[k].dims[i] *= ops[k].dims[i + 1];
			ops[k].strides[i] = ops[k].strides[i + 1];
			ox_view_drop(&ops[k], i + 1);
		}
	}
}

int ox_emit_copy(struct ox_lctx *l, const struct ox_view *src, const struct ox_view *dst)
{
	struct ox_view ops[2] = { *src, *dst };
	struct ox_kernel *k;
	int i;

	if (!view_numel(dst))
		return 0;
	if (ox_view_dense(src) && ox_view_dense(dst) && src->dtype == dst->dtype &&
	    view_numel(src) == view_numel(dst) && src->quant == OXQ_NONE) {
		k = ox_emit(l, OXK_COPY, 1, 1, ops);
		if (!k)
			return -EOPNOTSUPP;
		k->p.copy.bytes = (uint64_t)view_numel(dst) * ox_dtype_size(dst->dtype);
		return 0;
	}
	if (src->dtype != dst->dtype)
		return ox_emit_cast(l, src, dst);
	ox_view_expand(&ops[0], dst->rank, dst->dims);
	ops[0].quant = ops[1].quant = OXQ_NONE;
	ox_coalesce(ops, 2);
	k = ox_emit(l, OXK_TRANSPOSE, 1, 1, ops);
	if (!k)
		return -EOPNOTSUPP;
	for (i = 0; i < OX_CARD_MAX_RANK; i++)
		k->p.transpose.perm[i] = i < ops[0].rank ? i : 0;
	return 0;
}

int ox_emit_cast(struct ox_lctx *l, const struct ox_view *src, const struct ox_view *dst)
{
	struct ox_view ops[2] = { *src, *dst };

	if (src->quant != OXQ_CHANNEL && dst->quant != OXQ_CHANNEL) {
		ox_view_expand(&ops[0], dst->rank, dst->dims);
		ox_coalesce(ops, 2);
	}
	return ox_emit(l, OXK_CAST, 1, 1, ops) ? 0 : -EOPNOTSUPP;
}

int ox_view_materialize(struct ox_lctx *l, struct ox_view *v)
{
	struct ox_view d;
	int s;

	if (ox_view_dense(v))
		return 0;
	s = ox_new_store(l->p, OXS_ARENA, (uint64_t)view_numel(v) * ox_dtype_size(v->dtype),
			 "copy");
	if (s < 0)
		return s;
	ox_dense_view(&d, s, v->dtype, v->rank, v->dims);
	d.quant = v->quant;
	d.quant_axis = v->quant_axis;
	d.scale = v->scale;
	d.zero = v->zero;
	d.qscale_store = v->qscale_store;
	d.qzero_store = v->qzero_store;
	{
		struct ox_view a = *v, b = d;

		a.quant = b.quant = OXQ_NONE;	/* a copy moves the stored values */
		if (ox_emit_copy(l, &a, &b))
			return -EOPNOTSUPP;
	}
	*v = d;
	return 0;
}

int ox_view_quant(struct ox_lctx *l, struct ox_view *v, const struct ox_quant *q)
{
	int err;

	if (!q || !q->on) {
		v->quant = OXQ_NONE;
		return 0;
	}
	if (q->axis < 0) {
		double s = ox_get_f(q->scale, 0);

		if (!(s > 0) || !isfinite(s))
			return ox_lerr(l, -EINVAL, "scale %g is not positive", s);
		v->quant = OXQ_TENSOR;
		v->scale = (float)s;
		v->zero = q->zero ? (int32_t)ox_get_i(q->zero, 0) : 0;
		return 0;
	}
	{
		struct ox_view sv, zv;

		err = ox_const_view(l, q->scale, OX_F32, &sv);
		if (err)
			return err;
		v->qzero_store = -1;
		if (q->zero) {
			int64_t i;
			bool any = false;

			for (i = 0; i < q->zero->numel; i++)
				any |= ox_get_i(q->zero, i) != 0;
			if (any) {
				err = ox_const_view(l, q->zero, OX_I32, &zv);
				if (err)
					return err;
				v->qzero_store = zv.store;
			}
		}
		v->quant = OXQ_CHANNEL;
		v->quant_axis = q->axis;
		v->qscale_store = sv.store;
	}
	return 0;
}

/* ---- data movement: views and copies ---- */

static int lower_alias(struct ox_lctx *l, const struct ox_view *in, struct ox_view *out_view)
{
	ox_set_view(l->p, l->n->out[0], out_view);
	l->n->state = OXN_ALIAS;
	(void)in;
	return 0;
}

/* Reshape, Flatten, Squeeze, Unsqueeze: the output's shape over the input's data. */
static int lower_reshape(struct ox_lctx *l)
{
	struct ox_value *y = ox_out(l->g, l->n, 0);
	struct ox_view in, out;
	int err = ox_in_view(l, 0, &in);

	if (err)
		return err;
	if (!ox_view_reshape(&in, y->rank, y->dims, &out)) {
		err = ox_view_materialize(l, &in);
		if (err)
			return err;
		ox_view_reshape(&in, y->rank, y->dims, &out);
	}
	return lower_alias(l, &in, &out);
}

static int lower_identity(struct ox_lctx *l)
{
	struct ox_view in;
	int err = ox_in_view(l, 0, &in);

	if (err)
		return err;
	if (!strcmp(l->n->op, "Dropout") && ox_out(l->g, l->n, 1)) {
		/* inference: the mask is all true, known at prepare */
		struct ox_value *m = ox_out(l->g, l->n, 1);
		ox_tensor *t = ox_tensor_new(OX_BOOL, m->rank, m->dims);

		if (!t)
			return -ENOMEM;
		memset(t->data, 1, t->nbytes);
		if (m->konst && !(m->flags & OXV_INIT))
			ox_tensor_free(m->konst);
		m->konst = t;
	}
	return lower_alias(l, &in, &in);
}

static int lower_transpose(struct ox_lctx *l)
{
	struct ox_ctx c = { .g = l->g, .n = l->n, .index = l->ni };
	int perm[OX_MAX_RANK], err;
	struct ox_view in;

	err = ox_in_view(l, 0, &in);
	if (!err)
		err = ox_transpose_perm(&c, in.rank, perm);
	if (err)
		return err;
	ox_view_permute(&in, perm);
	return lower_alias(l, &in, &in);
}

static int lower_slice(struct ox_lctx *l)
{
	struct ox_ctx c = { .g = l->g, .n = l->n, .index = l->ni };
	struct ox_slice s;
	struct ox_view in;
	int err, k;

	err = ox_in_view(l, 0, &in);
	if (!err)
		err = ox_slice_params(&c, ox_in(l->g, l->n, 0), &s);
	if (err)
		return err;
	for (k = 0; k < in.rank; k++) {
		if (s.step[k] < 0 && s.dims[k] > 1)
			return ox_lerr(l, -EOPNOTSUPP, "negative step %lld on axis %d: the "
				       "card's views cannot run backwards",
				       (long long)s.step[k], k);
		in.offset += s.start[k] * in.strides[k];
		in.strides[k] *= s.step[k] > 0 ? s.step[k] : 1;
		in.dims[k] = s.dims[k];
	}
	return lower_alias(l, &in, &in);
}

static int lower_expand(struct ox_lctx *l)
{
	struct ox_value *y = ox_out(l->g, l->n, 0);
	struct ox_view in;
	int err = ox_in_view(l, 0, &in);

	if (err)
		return err;
	ox_view_expand(&in, y->rank, y->dims);
	return lower_alias(l, &in, &in);
}

static int lower_split(struct ox_lctx *l)
{
	struct ox_value *x = ox_in(l->g, l->n, 0);
	struct ox_view in;
	int64_t pos = 0;
	int axis, k, err;

	err = ox_in_view(l, 0, &in);
	if (err)
		return err;
	axis = (int)ox_attr_int(l->n, "axis", 0);
	if (axis < 0)
		axis += x->rank;
	for (k = 0; k < l->n->n_out; k++) {
		struct ox_value *y = ox_out(l->g, l->n, k);
		struct ox_view o = in;

		if (!y)
			continue;
		o.offset += pos * in.strides[axis];
		o.dims[axis] = y->dims[axis];
		pos += y->dims[axis];
		ox_set_view(l->p, l->n->out[k], &o);
	}
	l->n->state = OXN_ALIAS;
	return 0;
}

static int lower_concat(struct ox_lctx *l)
{
	struct ox_view out;
	int64_t pos = 0;
	int axis, i, err;

	err = ox_out_view(l, 0, 0, &out);
	if (err)
		return err;
	axis = (int)ox_attr_int(l->n, "axis", 0);
	if (axis < 0)
		axis += out.rank;
	for (i = 0; i < l->n->n_in; i++) {
		struct ox_view in, dst = out;

		err = ox_in_view(l, i, &in);
		if (err)
			return err;
		dst.offset += pos * out.strides[axis];
		dst.dims[axis] = in.dims[axis];
		pos += in.dims[axis];
		if (!view_numel(&in))
			continue;
		err = ox_emit_copy(l, &in, &dst);
		if (err)
			return err;
	}
	return 0;
}

static int lower_cast_same(struct ox_lctx *l)
{
	struct ox_view in;
	int err = ox_in_view(l, 0, &in);

	return err ? err : lower_alias(l, &in, &in);
}

/*
 * Gather with indices known at prepare: a view when they form a progression
 * (a scalar index, or evenly spaced ones), else one copy per index.
 */
static int lower_gather_const(struct ox_lctx *l, int axis)
{
	const ox_tensor *ix = ox_in(l->g, l->n, 1)->konst;
	struct ox_value *x = ox_in(l->g, l->n, 0);
	struct ox_view in, out;
	int64_t n = ix->numel, first, step = 0, i;
	int err, r;

	err = ox_in_view(l, 0, &in);
	if (err)
		return err;
	first = n ? ox_get_i(ix, 0) : 0;
	if (first < 0)
		first += x->dims[axis];
	if (n > 1) {
		int64_t second = ox_get_i(ix, 1);

		step = (second < 0 ? second + x->dims[axis] : second) - first;
	}
	for (i = 0; i < n && step >= 0; i++) {
		int64_t v = ox_get_i(ix, i);

		if ((v < 0 ? v + x->dims[axis] : v) != first + i * step)
			step = -1;
	}
	if (step >= 0 || n == 0) {
		struct ox_view o = in;
		int64_t keep[OX_MAX_RANK];
		struct ox_value *y = ox_out(l->g, l->n, 0);

		/* a strided slice along @axis, reshaped to the output */
		o.offset += first * in.strides[axis];
		o.strides[axis] *= step;
		o.dims[axis] = n;
		for (r = 0; r < y->rank; r++)
			keep[r] = y->dims[r];
		if (!ox_view_reshape(&o, y->rank, keep, &out)) {
			err = ox_view_materialize(l, &o);
			if (err)
				return err;
			ox_view_reshape(&o, y->rank, keep, &out);
		}
		return lower_alias(l, &in, &out);
	}
	if (n > 1024)
		return ox_lerr(l, -EOPNOTSUPP, "Gather of %lld scattered constant indices "
			       "(at most 1024)", (long long)n);
	err = ox_out_view(l, 0, in.dtype, &out);
	if (err)
		return err;
	{
		/* output viewed as data[:axis] x [n] x data[axis+1:] */
		struct ox_view o3 = out;
		int64_t dims[OX_MAX_RANK];

		for (r = 0; r < x->rank; r++)
			dims[r] = r == axis ? n : x->dims[r];
		ox_dense_view(&o3, out.store, out.dtype, x->rank, dims);
		for (i = 0; i < n; i++) {
			struct ox_view s = in, d = o3;
			int64_t v = ox_get_i(ix, i);

			if (v < 0)
				v += x->dims[axis];
			s.offset += v * in.strides[axis];
			s.dims[axis] = 1;
			d.offset += i * o3.strides[axis];
			d.dims[axis] = 1;
			err = ox_emit_copy(l, &s, &d);
			if (err)
				return err;
		}
	}
	return 0;
}

/*
 * Gather of rows (axis 0) by indices computed at run time: the card has
 * no gather kernel, so the rows are selected by a product with a one-hot
 * matrix built on the card: d = |idx - j| (a GEMM of depth 1 with the
 * column numbers as its C and |x| fused), onehot = relu(1 - d), exact for
 * integer indices in fp32, then Y = onehot x table. Indices in
 * [-V, V) address a table of the rows twice, so negative ones work too.
 */
static int lower_gather_onehot(struct ox_lctx *l)
{
	struct ox_value *x = ox_in(l->g, l->n, 0), *ixv = ox_in(l->g, l->n, 1);
	struct ox_value *y = ox_out(l->g, l->n, 0);
	struct ox_view ix, fidx, cols, ones, d, one, oh, table, out, ops[4];
	int64_t nidx = ox_numel(ixv->rank, ixv->dims), V = x->dims[0], E, dims[2];
	struct ox_kernel *k;
	ox_tensor *iota;
	int err, s, dt;

	if (!nidx)
		return lower_cast_same(l);
	E = V ? ox_numel(x->rank, x->dims) / V : 0;
	if (2 * V > (1 << 22))
		return ox_lerr(l, -EOPNOTSUPP, "Gather of %lld rows by run-time indices "
			       "(the one-hot product supports up to 2097152)", (long long)V);
	err = ox_in_view(l, 1, &ix);
	if (err)
		return err;
	if (ix.dtype == OX_I64) {
		/* the low 32-bit word of each little-endian int64 index */
		int r;

		ix.dtype = OX_I32;
		ix.offset *= 2;
		for (r = 0; r < ix.rank; r++)
			ix.strides[r] *= 2;
	}
	if (ix.dtype != OX_I32)
		return ox_lerr(l, -EOPNOTSUPP, "indices of type %s", ox_dtype_name(ix.dtype));
	/* idx as fp32 [n, 1] */
	dims[0] = nidx;
	dims[1] = 1;
	s = ox_new_store(l->p, OXS_ARENA, (uint64_t)nidx * 4, "gather.idx");
	if (s < 0)
		return s;
	ox_dense_view(&fidx, s, OX_F32, 2, dims);
	{
		struct ox_view flat;

		if (!ox_view_reshape(&ix, 2, dims, &flat)) {
			err = ox_view_materialize(l, &ix);
			if (err)
				return err;
			ox_view_reshape(&ix, 2, dims, &flat);
		}
		err = ox_emit_cast(l, &flat, &fidx);
		if (err)
			return err;
	}
	/* d = |idx - (j - V)|, j = 0..2V-1: idx x ones + (V - j), a GEMM of depth 1 */
	dims[0] = 1;
	dims[1] = 2 * V;
	iota = ox_tensor_new(OX_F32, 2, dims);
	if (!iota)
		return -ENOMEM;
	for (s = 0; s < 2 * V; s++)
		ox_set_f(iota, s, (double)V - (double)s);
	err = ox_const_view(l, iota, OX_F32, &cols);
	for (s = 0; !err && s < 2 * V; s++)
		ox_set_f(iota, s, 1.0);
	if (!err)
		err = ox_const_view(l, iota, OX_F32, &ones);
	ox_tensor_free(iota);
	if (err)
		return err;
	dims[0] = nidx;
	s = ox_new_store(l->p, OXS_ARENA, (uint64_t)nidx * 2 * (uint64_t)V * 4, "gather.onehot");
	if (s < 0)
		return s;
	ox_dense_view(&d, s, OX_F32, 2, dims);
	oh = d;
	ops[0] = fidx;
	ops[1] = ones;
	ops[2] = cols;
	ox_view_expand(&ops[2], 2, dims);
	ops[3] = d;
	k = ox_emit(l, OXK_GEMM, 3, 1, ops);
	if (!k)
		return -EOPNOTSUPP;
	k->p.gemm.alpha = 1;
	k->p.gemm.beta = 1;
	k->p.gemm.act.op = OX_ACT_ABS;
	err = ox_scalar_view(l, 1.0, OX_F32, 2, &one);
	if (err)
		return err;
	ops[0] = one;
	ox_view_expand(&ops[0], 2, dims);
	ops[1] = d;
	ops[2] = oh;
	k = ox_emit(l, OXK_BINARY, 2, 1, ops);	/* relu(1 - d), in place */
	if (!k)
		return -EOPNOTSUPP;
	k->p.binary.op = OXB_SUB;
	k->p.binary.act.op = OX_ACT_RELU;
	/* the table: the rows twice, as fp32 [2V, E] */
	dims[0] = 2 * V;
	dims[1] = E;
	if (x->konst) {
		int64_t t2[2] = { 2 * V, E };
		ox_tensor *tt = ox_tensor_new(OX_F32, 2, t2);
		int64_t i;

		if (!tt)
			return -ENOMEM;
		for (i = 0; i < 2 * V * E; i++)
			ox_set_f(tt, i, ox_get_f(x->konst, i % (V * E)));
		err = ox_const_view(l, tt, OX_F32, &table);
		ox_tensor_free(tt);
		if (err)
			return err;
	} else {
		struct ox_view src, half;
		int64_t vd[2] = { V, E };

		err = ox_in_view(l, 0, &src);
		if (err)
			return err;
		if (!ox_view_reshape(&src, 2, vd, &half)) {
			err = ox_view_materialize(l, &src);
			if (err)
				return err;
			ox_view_reshape(&src, 2, vd, &half);
		}
		s = ox_new_store(l->p, OXS_ARENA, (uint64_t)(2 * V * E) * 4, "gather.table");
		if (s < 0)
			return s;
		ox_dense_view(&table, s, OX_F32, 2, dims);
		for (err = 0; err < 2; err++) {
			struct ox_view dst = table;
			int rc;

			dst.dims[0] = V;
			dst.offset = err * V * E;
			rc = half.dtype == OX_F32 ? ox_emit_copy(l, &half, &dst) :
				ox_emit_cast(l, &half, &dst);
			if (rc)
				return rc;
		}
	}
	/* Y = onehot x table, [n, E] */
	dt = ox_devtype(l->p, y->dtype);
	if (!ox_dtype_is_float(y->dtype))
		return ox_lerr(l, -EOPNOTSUPP, "Gather of %s rows by run-time indices",
			       ox_dtype_name(y->dtype));
	err = ox_out_view(l, 0, dt, &out);
	if (err)
		return err;
	{
		struct ox_view y2 = out, tmp;
		int64_t yd[2] = { nidx, E };

		ox_dense_view(&y2, out.store, dt, 2, yd);
		if (dt != OX_F32) {
			s = ox_new_store(l->p, OXS_ARENA, (uint64_t)(nidx * E) * 4, "gather.f32");
			if (s < 0)
				return s;
			ox_dense_view(&tmp, s, OX_F32, 2, yd);
		} else {
			tmp = y2;
		}
		ops[0] = oh;
		ops[1] = table;
		ops[2] = tmp;
		k = ox_emit(l, OXK_GEMM, 2, 1, ops);
		if (!k)
			return -EOPNOTSUPP;
		k->p.gemm.alpha = 1;
		k->p.gemm.beta = 1;
		if (dt != OX_F32)
			return ox_emit_cast(l, &tmp, &y2);
	}
	return 0;
}

static int lower_gather(struct ox_lctx *l)
{
	struct ox_value *x = ox_in(l->g, l->n, 0), *ix = ox_in(l->g, l->n, 1);
	int axis = (int)ox_attr_int(l->n, "axis", 0);

	if (axis < 0)
		axis += x->rank;
	if (ix->konst)
		return lower_gather_const(l, axis);
	if (axis != 0)
		return ox_lerr(l, -EOPNOTSUPP, "Gather on axis %d by indices computed at run "
			       "time (the card has no gather kernel; axis 0 is lowered to a "
			       "one-hot product)", axis);
	l->label = "Gather(one-hot GEMM)";
	return lower_gather_onehot(l);
}

static const struct {
	const char *op;
	int (*fn)(struct ox_lctx *l);
} movement[] = {
	{ "Identity", lower_identity }, { "Dropout", lower_identity },
	{ "Reshape", lower_reshape }, { "Flatten", lower_reshape },
	{ "Squeeze", lower_reshape }, { "Unsqueeze", lower_reshape },
	{ "Transpose", lower_transpose }, { "Slice", lower_slice },
	{ "Expand", lower_expand }, { "Split", lower_split }, { "Concat", lower_concat },
	{ "Gather", lower_gather },
};

bool ox_lower_handles(const char *op)
{
	size_t i;

	for (i = 0; i < OX_ARRAY_SIZE(movement); i++)
		if (!strcmp(op, movement[i].op))
			return true;
	return !strcmp(op, "Cast") || !strcmp(op, "CastLike") || ox_lower_compute_handles(op);
}

static int lower_node(struct ox_lctx *l)
{
	size_t i;
	int err;

	for (i = 0; i < OX_ARRAY_SIZE(movement); i++)
		if (!strcmp(l->n->op, movement[i].op))
			return movement[i].fn(l);
	if ((!strcmp(l->n->op, "Cast") || !strcmp(l->n->op, "CastLike")) &&
	    ox_in(l->g, l->n, 0)->dtype == ox_out(l->g, l->n, 0)->dtype)
		return lower_cast_same(l);
	err = ox_lower_compute(l);
	return err < 0 ? err : 0;
}

/* ---- graph inputs and outputs ---- */

static int setup_inputs(struct ox_plan *p)
{
	struct ox_lctx l = { .p = p, .g = p->g, .ni = -1, .label = "input" };
	int i;

	for (i = 0; i < p->n_in; i++) {
		struct ox_value *v = &p->g->vals[p->in[i].value];
		size_t es = ox_dtype_size(v->dtype);
		struct ox_view view;
		int s, dt;

		s = ox_new_store(p, OXS_IO, (uint64_t)ox_numel(v->rank, v->dims) * es, v->name);
		if (s < 0)
			return s;
		p->in[i].store = s;
		p->in[i].dtype = v->dtype;
		ox_dense_view(&view, s, v->dtype == OX_BOOL ? OX_U8 : v->dtype, v->rank, v->dims);
		dt = ox_devtype(p, v->dtype);
		if (dt != v->dtype && v->uses) {
			/* the card works in another precision: convert once */
			struct ox_view d;
			int ds = ox_new_store(p, OXS_ARENA,
					      (uint64_t)ox_numel(v->rank, v->dims) * ox_dtype_size(dt),
					      v->name);

			if (ds < 0)
				return ds;
			ox_dense_view(&d, ds, dt, v->rank, v->dims);
			if (ox_emit_cast(&l, &view, &d))
				return -EOPNOTSUPP;
			view = d;
		}
		ox_set_view(p, p->in[i].value, &view);
	}
	return 0;
}

static int finish_outputs(struct ox_plan *p)
{
	struct ox_lctx l = { .p = p, .g = p->g, .ni = -1, .label = "output" };
	int i, j;

	for (i = 0; i < p->n_out; i++) {
		struct ox_value *v = &p->g->vals[p->out[i].value];
		struct ox_view src, dst;
		int s, err;

		p->out[i].dtype = v->dtype;
		if (v->konst && !p->has_view[p->out[i].value]) {
			p->out[i].konst = v->konst;
			p->out[i].store = -1;
			continue;
		}
		if (!p->has_view[p->out[i].value])
			return ox_err(-EINVAL, "output '%s' is not computed", v->name);
		src = p->views[p->out[i].value];
		s = ox_new_store(p, OXS_IO, (uint64_t)ox_numel(v->rank, v->dims) *
				 ox_dtype_size(v->dtype), v->name);
		if (s < 0)
			return s;
		p->out[i].store = s;
		ox_dense_view(&dst, s, v->dtype == OX_BOOL ? OX_U8 : v->dtype, v->rank, v->dims);
		dst.quant = OXQ_NONE;
		src.quant = src.quant == OXQ_CHANNEL ? OXQ_NONE : src.quant;
		if (src.dtype == dst.dtype || !ox_card_dtype(src.dtype)) {
			struct ox_view a = src;

			a.quant = OXQ_NONE;
			if (!ox_card_dtype(src.dtype) && !ox_view_dense(&src))
				return ox_err(-EOPNOTSUPP, "output '%s' (%s) is a strided view the "
					      "card cannot copy", v->name, ox_dtype_name(v->dtype));
			err = ox_emit_copy(&l, &a, &dst);
		} else {
			src.quant = OXQ_NONE;
			err = ox_emit_cast(&l, &src, &dst);
		}
		if (err)
			return err;
		(void)j;
	}
	return 0;
}

/*
 * Kernels write their results straight into the I/O buffer when a graph
 * output is exactly a kernel's dense output: retarget that storage and drop
 * the final copy.
 */
static void retarget_outputs(struct ox_plan *p)
{
	int i, k;

	for (i = 0; i < p->n_out; i++) {
		int s = p->out[i].store, src;
		struct ox_kernel *cp;

		if (s < 0)
			continue;
		/* the copy into the output must be the last kernel touching s */
		for (k = p->n_kernels - 1; k >= 0; k--)
			if (p->kernels[k].n_out == 1 && p->kernels[k].t[1].store == s)
				break;
		if (k < 0)
			continue;
		cp = &p->kernels[k];
		if (cp->kind != OXK_COPY || cp->label == NULL || strcmp(cp->label, "output"))
			continue;
		src = cp->t[0].store;
		if (src < 0 || p->stores[src].kind != OXS_ARENA || cp->t[0].offset ||
		    p->stores[src].bytes != p->stores[s].bytes)
			continue;
		/* every use of src is before the copy: it becomes the output itself */
		{
			int kk, j;

			for (kk = 0; kk < p->n_kernels; kk++)
				for (j = 0; j < p->kernels[kk].n_in + p->kernels[kk].n_out; j++) {
					struct ox_view *v = &p->kernels[kk].t[j];

					if (v->store == src)
						v->store = s;
					if (v->quant == OXQ_CHANNEL && v->qscale_store == src)
						v->qscale_store = s;
				}
			p->stores[src].bytes = 0;
			p->stores[src].first = p->stores[src].last = -1;
			memmove(cp, cp + 1, sizeof(*cp) * (size_t)(p->n_kernels - k - 1));
			p->n_kernels--;
		}
	}
}

/* Lifetimes after kernels were removed: the first and last kernel using each storage. */
static void recompute_lifetimes(struct ox_plan *p)
{
	int i, j;

	for (i = 0; i < p->n_stores; i++)
		p->stores[i].first = p->stores[i].last = -1;
	for (i = 0; i < p->n_kernels; i++)
		for (j = 0; j < p->kernels[i].n_in + p->kernels[i].n_out; j++) {
			const struct ox_view *v = &p->kernels[i].t[j];

			touch(p, v->store, i);
			if (v->quant == OXQ_CHANNEL) {
				touch(p, v->qscale_store, i);
				touch(p, v->qzero_store, i);
			}
		}
}

/* One digit of a view that covers its storage densely in some order. */
struct digit {
	int64_t stride, size;
	int dim;
};

/* The digits of @v by increasing stride; -1 unless they tile [0, numel) exactly. */
/* The dimensions of @v longer than 1 by increasing stride; their count. */
static int sorted_digits(const struct ox_view *v, struct digit *d)
{
	int n = 0, i, j;

	for (i = 0; i < v->rank; i++) {
		if (v->dims[i] == 1)
			continue;
		for (j = n; j > 0 && d[j - 1].stride > v->strides[i]; j--)
			d[j] = d[j - 1];
		d[j] = (struct digit){ v->strides[i], v->dims[i], i };
		n++;
	}
	return n;
}

static int view_digits(const struct ox_view *v, struct digit *d)
{
	int n = sorted_digits(v, d), i;
	int64_t next = 1;

	for (i = 0; i < n; i++) {
		if (d[i].stride != next)
			return -1;
		next *= d[i].size;
	}
	return n;
}

/* The digit of @d (@n of them) whose range holds stride @b. */
static const struct digit *digit_at(const struct digit *d, int n, int64_t b)
{
	int i;

	for (i = 0; i < n; i++)
		if (b >= d[i].stride && b < d[i].stride * d[i].size)
			return &d[i];
	return NULL;
}

/*
 * @u and @v, views of one storage from the same offset, as views of a
 * dense storage of @u's shape (@u2, @v2): every dimension of @v steps
 * within one dimension of @u, without carrying into the next.
 */
static bool to_index_space(const struct ox_view *u, const struct ox_view *v, struct ox_view *u2,
			   struct ox_view *v2)
{
	struct digit du[OX_MAX_RANK];
	int64_t reach[OX_MAX_RANK] = { 0 };
	int n = sorted_digits(u, du), i, r;

	if (u->store != v->store || u->offset != v->offset)
		return false;
	for (i = 0; i + 1 < n; i++)
		if (du[i].stride <= 0 || du[i].stride * du[i].size > du[i + 1].stride)
			return false;	/* not injective, or interleaved */
	*u2 = *u;
	u2->offset = 0;
	ox_strides(u2->rank, u2->dims, u2->strides);
	*v2 = *v;
	v2->offset = 0;
	for (r = 0; r < v->rank; r++) {
		int64_t q;

		if (v->dims[r] == 1)
			continue;
		for (i = n - 1; i >= 0 && du[i].stride > v->strides[r]; i--)
			;
		if (i < 0 || v->strides[r] % du[i].stride)
			return false;
		q = v->strides[r] / du[i].stride;
		reach[i] += q * (v->dims[r] - 1);
		if (reach[i] >= du[i].size)
			return false;
		v2->strides[r] = u2->strides[du[i].dim] * q;
	}
	return true;
}

/*
 * @u, the output of a kernel, covers a storage that only a strided copy
 * reads, through @src, into @dst. The view of @dst that puts every element
 * of @u where the copy would: its strides, when the copy's map is affine
 * in each dimension of @u (both views cut the storage into the same
 * "atoms", and an atom's place in @dst follows from its place in @u).
 */
static bool compose_copy(const struct ox_view *u, const struct ox_view *src,
			 const struct ox_view *dst, struct ox_view *out)
{
	struct digit du[OX_MAX_RANK], dv[OX_MAX_RANK];
	int64_t b[2 * OX_MAX_RANK + 1], stride[OX_MAX_RANK];
	int nu = view_digits(u, du), nv = view_digits(src, dv), nb = 0, i, j, k;
	const int rank = u->rank;	/* @out may be @u */

	if (nu < 0 || nv < 0 || u->offset || src->offset || rank < 0 || rank > OX_MAX_RANK)
		return false;	/* both from to_index_space() */
	/* the atoms' boundaries: every digit's stride, and the end */
	for (i = 0; i < nu + nv; i++) {
		int64_t x = i < nu ? du[i].stride : dv[i - nu].stride;

		for (j = nb; j > 0 && b[j - 1] > x; j--)
			b[j] = b[j - 1];
		b[j] = x;
		nb++;
	}
	b[nb++] = ox_numel(u->rank, u->dims);
	for (k = 0; k < OX_MAX_RANK; k++)
		stride[k] = -1;
	for (i = 0; i + 1 < nb; i++) {
		const struct digit *a, *c;
		int64_t pos;

		if (b[i] == b[i + 1])
			continue;
		a = digit_at(du, nu, b[i]);
		c = digit_at(dv, nv, b[i]);
		if (!a || !c || b[i + 1] % b[i] || b[i] % a->stride || b[i] % c->stride)
			return false;
		/* this atom's step in @dst, per unit of @u's dimension */
		pos = dst->strides[c->dim] * (b[i] / c->stride);
		if (b[i] == a->stride)
			stride[a->dim] = pos;
		else if (stride[a->dim] < 0 || stride[a->dim] * (b[i] / a->stride) != pos)
			return false;
	}
	for (k = 0; k < u->rank; k++)
		if (u->dims[k] != 1 && stride[k] < 0)
			return false;	/* a dimension no atom started (cannot happen) */
	*out = *u;
	out->store = dst->store;
	out->offset = dst->offset;
	for (k = rank - 1; k >= 0; k--)
		if (out->dims[k] == 1)	/* any stride: the dense one */
			out->strides[k] = k + 1 < rank ? out->strides[k + 1] * out->dims[k + 1] : 1;
		else
			out->strides[k] = stride[k];
	return true;
}

/* Is kernel @k a strided copy (TRANSPOSE of the same dtype) reading arena storage? */
static bool strided_copy(const struct ox_plan *p, const struct ox_kernel *k)
{
	int s = k->t[0].store;

	return k->kind == OXK_TRANSPOSE && s >= 0 && p->stores[s].kind == OXS_ARENA &&
	       k->t[0].dtype == k->t[1].dtype && k->t[1].store != s &&
	       k->t[0].quant != OXQ_CHANNEL && k->t[1].quant != OXQ_CHANNEL;
}

/*
 * The kernels after @prod that use storage @s, in @readers (at most @max):
 * -1 unless @prod is its only writer and they are all strided copies
 * reading it (and writing storage unused between @prod and them).
 */
static int copy_readers(const struct ox_plan *p, int prod, int s, int *readers, int max)
{
	int k, j, n = 0;

	for (k = 0; k < p->n_kernels; k++) {
		const struct ox_kernel *kk = &p->kernels[k];
		bool uses = false;

		for (j = 0; j < kk->n_in + kk->n_out; j++) {
			const struct ox_view *v = &kk->t[j];

			if (v->quant == OXQ_CHANNEL && (v->qscale_store == s || v->qzero_store == s))
				return -1;
			if (v->store == s)
				uses = true;
		}
		if (!uses || k == prod)
			continue;
		if (k < prod || !strided_copy(p, kk) || n == max)
			return -1;
		readers[n++] = k;
	}
	/* each copy's destination is free from the producer on */
	for (j = 0; j < n; j++)
		for (k = prod; k < readers[j]; k++) {
			const struct ox_kernel *kk = &p->kernels[k];
			int i;

			for (i = 0; i < kk->n_in + kk->n_out; i++)
				if (kk->t[i].store == p->kernels[readers[j]].t[1].store)
					return -1;
		}
	return n;
}

/* @cp's source as seen from @u (the part of the producer's output it reads): @cp's layout for @u. */
static bool write_as_copy(const struct ox_view *u, const struct ox_kernel *cp, struct ox_view *out)
{
	struct ox_view u2, v2;

	return to_index_space(u, &cp->t[0], &u2, &v2) && compose_copy(&u2, &v2, &cp->t[1], out);
}

/* Kernels whose fast path hands the card's views to oneDNN as memory descriptors. */
static bool md_kernel(int kind)
{
	return kind == OXK_GEMM || kind == OXK_CONV2D || kind == OXK_POOL2D ||
	       kind == OXK_BATCHNORM;
}

/*
 * Row-major up to gaps: oneDNN 2.6's matmul faults on a batched output
 * whose batch stride is below its row stride (with a bias), so such
 * kernels keep outputs of that form.
 */
static bool strides_descending(const struct ox_view *v)
{
	int64_t prev = INT64_MAX;
	int i;

	for (i = 0; i < v->rank; i++) {
		if (v->dims[i] == 1)
			continue;
		if (v->strides[i] > prev)
			return false;
		prev = v->strides[i];
	}
	return true;
}

/*
 * A kernel whose whole result only feeds a strided copy (a Transpose whose
 * result a Reshape cannot view, e.g. attention heads going back to rows)
 * writes it in the copy's layout instead, and the copy goes.
 */
static void write_through_copies(struct ox_plan *p)
{
	int k;

	for (k = 0; k < p->n_kernels; k++) {
		struct ox_kernel *pk = &p->kernels[k];
		int readers[2], n, s;
		struct ox_view nv;

		if (pk->kind == OXK_COPY || pk->kind == OXK_FILL || pk->n_out != 1)
			continue;
		s = pk->t[pk->n_in].store;
		if (s < 0 || p->stores[s].kind != OXS_ARENA)
			continue;
		n = copy_readers(p, k, s, readers, 2);
		if (n <= 0 || p->kernels[readers[0]].t[0].dtype != pk->t[pk->n_in].dtype)
			continue;
		if (n == 1 && write_as_copy(&pk->t[pk->n_in], &p->kernels[readers[0]], &nv) &&
		    (!md_kernel(pk->kind) || strides_descending(&nv))) {
			pk->t[pk->n_in] = nv;
			p->stores[s].bytes = 0;
			memmove(&p->kernels[readers[0]], &p->kernels[readers[0] + 1],
				sizeof(*pk) * (size_t)(p->n_kernels - readers[0] - 1));
			p->n_kernels--;
		}
	}
}

int ox_lower_graph(struct ox_plan *p)
{
	int oi, err;

	err = setup_inputs(p);
	if (err)
		return err;
	for (oi = 0; oi < p->g->n_order; oi++) {
		int ni = p->g->order[oi], j;
		struct ox_node *n = &p->g->nodes[ni];
		struct ox_lctx l = { .p = p, .g = p->g, .n = n, .ni = ni };
		bool used = false;

		if (n->state == OXN_FOLDED) {
			p->folded++;
			continue;
		}
		if (n->state == OXN_FUSED) {
			p->fused++;
			continue;
		}
		if (n->state != OXN_LIVE)
			continue;
		for (j = 0; j < n->n_out; j++)
			if (n->out[j] >= 0 && p->g->vals[n->out[j]].uses)
				used = true;
		if (!used) {
			n->state = OXN_FUSED;	/* dead: nothing reads its results */
			p->fused++;
			continue;
		}
		err = lower_node(&l);
		if (err)
			return err;
		if (n->state == OXN_ALIAS)
			p->aliased++;
	}
	err = finish_outputs(p);
	if (err)
		return err;
	retarget_outputs(p);
	write_through_copies(p);
	/* both passes removed kernels: the lifetimes the planner uses */
	recompute_lifetimes(p);
	return 0;
}

const char *ox_kind_name(int kind)
{
	static const char *const names[] = {
		[OXK_GEMM] = "GEMM", [OXK_CONV2D] = "CONV2D", [OXK_POOL2D] = "POOL2D",
		[OXK_BINARY] = "BINARY", [OXK_UNARY] = "UNARY", [OXK_SOFTMAX] = "SOFTMAX",
		[OXK_LOG_SOFTMAX] = "LOG_SOFTMAX", [OXK_LAYERNORM] = "LAYERNORM",
		[OXK_RMSNORM] = "RMSNORM", [OXK_BATCHNORM] = "BATCHNORM",
		[OXK_REDUCE] = "REDUCE", [OXK_TRANSPOSE] = "TRANSPOSE", [OXK_CAST] = "CAST",
		[OXK_ATTENTION] = "ATTENTION",
	};

	if (kind == OXK_COPY)
		return "COPY";
	if (kind == OXK_FILL)
		return "FILL";
	if (kind > 0 && (size_t)kind < OX_ARRAY_SIZE(names) && names[kind])
		return names[kind];
	return "?";
}
