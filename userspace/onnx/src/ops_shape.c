// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Shape and data-movement operators: inference and host folding.
 * Constant, Shape, Size, Reshape, Flatten, Squeeze, Unsqueeze, Concat,
 * Split, Slice, Gather, Transpose, Expand, Tile, ConstantOfShape, Range,
 * Trilu, Pad. Folded when their data is known at prepare; on the card most
 * become views or copies (lower.c).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ox.h"
#include "ops.h"

/* ---- Constant ---- */

static int constant_tensor(struct ox_ctx *c, ox_tensor **out)
{
	const struct ox_node *n = c->n;
	const struct ox_attr *a;
	int64_t dims[1];
	ox_tensor *t = NULL;
	size_t i;

	*out = NULL;
	if (n->n_attr != 1)
		return ox_node_err(c, -EINVAL, "needs exactly one value attribute");
	a = &n->attr[0];
	if (!strcmp(a->name, "value") && a->t) {
		t = ox_tensor_clone(a->t);
	} else if (!strcmp(a->name, "value_float") && a->type == OXA_FLOAT) {
		t = ox_tensor_new(OX_F32, 0, NULL);
		if (t)
			ox_set_f(t, 0, a->f);
	} else if (!strcmp(a->name, "value_int") && a->type == OXA_INT) {
		t = ox_tensor_new(OX_I64, 0, NULL);
		if (t)
			ox_set_i(t, 0, a->i);
	} else if (!strcmp(a->name, "value_floats") && a->type == OXA_FLOATS) {
		dims[0] = (int64_t)a->n;
		t = ox_tensor_new(OX_F32, 1, dims);
		for (i = 0; t && i < a->n; i++)
			ox_set_f(t, (int64_t)i, a->floats[i]);
	} else if (!strcmp(a->name, "value_ints") && a->type == OXA_INTS) {
		dims[0] = (int64_t)a->n;
		t = ox_tensor_new(OX_I64, 1, dims);
		for (i = 0; t && i < a->n; i++)
			ox_set_i(t, (int64_t)i, a->ints[i]);
	} else {
		return ox_node_err(c, -EOPNOTSUPP, "attribute '%s' is not supported", a->name);
	}
	if (!t)
		return ox_err_prefix(-ENOMEM, "node '%s'", n->name);
	*out = t;
	return 0;
}

static int infer_constant(struct ox_ctx *c)
{
	ox_tensor *t;
	int err = constant_tensor(c, &t);

	if (err)
		return err;
	err = ox_set_out(c, 0, t->dtype, t->rank, t->dims);
	ox_tensor_free(t);
	return err;
}

static int fold_constant(struct ox_ctx *c)
{
	ox_tensor *t;
	int err = constant_tensor(c, &t);

	return err ? err : ox_set_konst(c, 0, t);
}

/* ---- Shape, Size ---- */

static void shape_range(struct ox_ctx *c, int r, int64_t *s, int64_t *e)
{
	*s = ox_attr_int(c->n, "start", 0);
	*e = ox_attr_int(c->n, "end", r);
	if (*s < 0)
		*s += r;
	if (*e < 0)
		*e += r;
	*s = *s < 0 ? 0 : *s > r ? r : *s;
	*e = *e < 0 ? 0 : *e > r ? r : *e;
	if (*e < *s)
		*e = *s;
}

static int infer_shape(struct ox_ctx *c)
{
	struct ox_value *x = ox_need_in(c, 0);
	int64_t s, e, d;

	if (!x)
		return -EINVAL;
	if (!strcmp(c->n->op, "Size"))
		return ox_set_out(c, 0, OX_I64, 0, NULL);
	shape_range(c, x->rank, &s, &e);
	d = e - s;
	return ox_set_out(c, 0, OX_I64, 1, &d);
}

static int fold_shape(struct ox_ctx *c)
{
	struct ox_value *x = ox_in(c->g, c->n, 0);
	ox_tensor *y = ox_new_out(c, 0);
	int64_t s, e, i;

	if (!y)
		return -ENOMEM;
	if (!strcmp(c->n->op, "Size")) {
		ox_set_i(y, 0, ox_numel(x->rank, x->dims));
	} else {
		shape_range(c, x->rank, &s, &e);
		for (i = s; i < e; i++)
			ox_set_i(y, i - s, x->dims[i]);
	}
	return ox_set_konst(c, 0, y);
}

/* Output = input's data, new shape (Reshape, Flatten, Squeeze, Unsqueeze, Identity). */
static int fold_copy(struct ox_ctx *c)
{
	ox_tensor *y = ox_new_out(c, 0);

	if (!y)
		return -ENOMEM;
	memcpy(y->data, ox_in(c->g, c->n, 0)->konst->data, y->nbytes);
	return ox_set_konst(c, 0, y);
}

/* ---- Reshape ---- */

static int infer_reshape(struct ox_ctx *c)
{
	struct ox_value *x = ox_need_in(c, 0);
	int64_t shape[OX_MAX_RANK], known = 1, total;
	int n, i, infer_at = -1;
	bool allowzero = ox_attr_int(c->n, "allowzero", 0) != 0;

	if (!x)
		return -EINVAL;
	if (c->g->opset < 5)
		return ox_node_err(c, -EOPNOTSUPP, "Reshape-1 is not supported");
	n = ox_const_ints(c, 1, shape, OX_MAX_RANK);
	if (n < 0)
		return n;
	total = ox_numel(x->rank, x->dims);
	for (i = 0; i < n; i++) {
		if (shape[i] == 0 && !allowzero) {
			if (i >= x->rank)
				return ox_node_err(c, -EINVAL, "shape[%d] = 0 copies a dimension "
						   "the input does not have", i);
			shape[i] = x->dims[i];
		}
		if (shape[i] == -1) {
			if (infer_at >= 0)
				return ox_node_err(c, -EINVAL, "more than one -1 in the shape");
			infer_at = i;
			continue;
		}
		if (shape[i] < 0)
			return ox_node_err(c, -EINVAL, "shape[%d] = %lld", i, (long long)shape[i]);
		if (shape[i] && known > INT64_MAX / shape[i])
			return ox_node_err(c, -EINVAL, "shape too large");
		known *= shape[i];
	}
	if (infer_at >= 0) {
		if (!known || total % known)
			return ox_node_err(c, -EINVAL, "cannot infer the -1 dimension: %lld "
					   "elements into blocks of %lld", (long long)total,
					   (long long)known);
		shape[infer_at] = total / known;
		known = total;
	}
	if (known != total) {
		char a[96], b[96];

		return ox_node_err(c, -EINVAL, "cannot reshape %s into %s",
				   ox_shape_str(x->rank, x->dims, a, sizeof(a)),
				   ox_shape_str(n, shape, b, sizeof(b)));
	}
	return ox_set_out(c, 0, x->dtype, n, shape);
}

/* ---- Flatten ---- */

static int infer_flatten(struct ox_ctx *c)
{
	struct ox_value *x = ox_need_in(c, 0);
	int64_t a = ox_attr_int(c->n, "axis", 1), d[2] = { 1, 1 };
	int i;

	if (!x)
		return -EINVAL;
	if (a < 0)
		a += x->rank;
	if (a < 0 || a > x->rank)
		return ox_node_err(c, -EINVAL, "axis %lld out of range for rank %d",
				   (long long)ox_attr_int(c->n, "axis", 1), x->rank);
	for (i = 0; i < x->rank; i++)
		d[i < a ? 0 : 1] *= x->dims[i];
	return ox_set_out(c, 0, x->dtype, 2, d);
}

/* ---- Squeeze, Unsqueeze ---- */

int ox_node_axes(struct ox_ctx *c, int input, int64_t *axes, int max)
{
	const int64_t *a;
	size_t n;

	if (input >= 0 && ox_in(c->g, c->n, input))
		return ox_const_ints(c, input, axes, max);
	n = ox_attr_ints(c->n, "axes", &a);
	if (n > (size_t)max)
		return ox_node_err(c, -EINVAL, "too many axes");
	if (n)
		memcpy(axes, a, n * sizeof(*a));
	return (int)n;
}

static int infer_squeeze(struct ox_ctx *c)
{
	struct ox_value *x = ox_need_in(c, 0);
	int64_t axes[OX_MAX_RANK], dims[OX_MAX_RANK];
	bool drop[OX_MAX_RANK] = { 0 };
	int n, i, r = 0, ax, err;

	if (!x)
		return -EINVAL;
	n = ox_node_axes(c, c->g->opset >= 13 ? 1 : -1, axes, OX_MAX_RANK);
	if (n < 0)
		return n;
	for (i = 0; i < n; i++) {
		err = ox_axis(c, axes[i], x->rank, &ax);
		if (err)
			return err;
		if (x->dims[ax] != 1)
			return ox_node_err(c, -EINVAL, "axis %d has dimension %lld, not 1", ax,
					   (long long)x->dims[ax]);
		drop[ax] = true;
	}
	for (i = 0; i < x->rank; i++)
		if (!(n ? drop[i] : x->dims[i] == 1))
			dims[r++] = x->dims[i];
	return ox_set_out(c, 0, x->dtype, r, dims);
}

static int infer_unsqueeze(struct ox_ctx *c)
{
	struct ox_value *x = ox_need_in(c, 0);
	int64_t axes[OX_MAX_RANK], dims[OX_MAX_RANK];
	bool ins[OX_MAX_RANK] = { 0 };
	int n, i, r, ax, k = 0, err;

	if (!x)
		return -EINVAL;
	n = ox_node_axes(c, c->g->opset >= 13 ? 1 : -1, axes, OX_MAX_RANK);
	if (n < 0)
		return n;
	r = x->rank + n;
	if (r > OX_MAX_RANK)
		return ox_node_err(c, -EOPNOTSUPP, "output rank %d (at most %d)", r, OX_MAX_RANK);
	for (i = 0; i < n; i++) {
		err = ox_axis(c, axes[i], r, &ax);
		if (err)
			return err;
		if (ins[ax])
			return ox_node_err(c, -EINVAL, "axis %d given twice", ax);
		ins[ax] = true;
	}
	for (i = 0; i < r; i++)
		dims[i] = ins[i] ? 1 : x->dims[k++];
	return ox_set_out(c, 0, x->dtype, r, dims);
}

/* ---- Concat ---- */

static int concat_axis(struct ox_ctx *c, int rank, int *axis)
{
	const struct ox_attr *a = ox_attr_find(c->n, "axis");

	if (!a || a->type != OXA_INT)
		return ox_node_err(c, -EINVAL, "attribute 'axis' is required");
	return ox_axis(c, a->i, rank, axis);
}

static int infer_concat(struct ox_ctx *c)
{
	struct ox_value *x0 = ox_need_in(c, 0);
	int64_t dims[OX_MAX_RANK];
	int axis, i, k, err;

	if (!x0)
		return -EINVAL;
	if (x0->rank == 0)
		return ox_node_err(c, -EINVAL, "cannot concatenate scalars");
	err = concat_axis(c, x0->rank, &axis);
	if (err)
		return err;
	memcpy(dims, x0->dims, sizeof(dims));
	dims[axis] = 0;
	for (i = 0; i < c->n->n_in; i++) {
		struct ox_value *x = ox_need_in(c, i);

		if (!x)
			return -EINVAL;
		if (x->dtype != x0->dtype || x->rank != x0->rank)
			return ox_node_err(c, -EINVAL, "input %d has type %s rank %d, input 0 "
					   "%s rank %d", i, ox_dtype_name(x->dtype), x->rank,
					   ox_dtype_name(x0->dtype), x0->rank);
		for (k = 0; k < x->rank; k++)
			if (k != axis && x->dims[k] != x0->dims[k])
				return ox_node_err(c, -EINVAL, "input %d differs in dimension %d",
						   i, k);
		dims[axis] += x->dims[axis];
	}
	return ox_set_out(c, 0, x0->dtype, x0->rank, dims);
}

static int fold_concat(struct ox_ctx *c)
{
	struct ox_value *y = ox_out(c->g, c->n, 0);
	ox_tensor *out = ox_new_out(c, 0);
	size_t es, outer = 1, k, pos = 0;
	int axis, i, err;

	if (!out)
		return -ENOMEM;
	err = concat_axis(c, y->rank, &axis);
	if (err) {
		ox_tensor_free(out);
		return err;
	}
	es = ox_dtype_size(y->dtype);
	for (i = 0; i < axis; i++)
		outer *= (size_t)y->dims[i];
	for (i = 0; i < c->n->n_in; i++) {
		const ox_tensor *x = ox_in(c->g, c->n, i)->konst;
		size_t block = outer ? x->nbytes / outer : 0, ob = outer ? out->nbytes / outer : 0;

		for (k = 0; k < outer && block; k++)
			memcpy((char *)out->data + k * ob + pos, (char *)x->data + k * block, block);
		pos += block;
	}
	(void)es;
	return ox_set_konst(c, 0, out);
}

/* ---- Split ---- */

/* The sizes of the outputs along @axis: their number, or an error. */
static int split_sizes(struct ox_ctx *c, const struct ox_value *x, int axis, int64_t *sizes)
{
	int n = c->n->n_out, k, cnt;
	int64_t sum = 0;

	if (n < 1 || n > 64)
		return ox_node_err(c, -EOPNOTSUPP, "%d outputs (1..64 supported)", n);
	if (c->g->opset >= 13 && ox_in(c->g, c->n, 1)) {
		cnt = ox_const_ints(c, 1, sizes, 64);
		if (cnt < 0)
			return cnt;
	} else {
		const int64_t *a;

		cnt = (int)ox_attr_ints(c->n, "split", &a);
		if (cnt > 64)
			return ox_node_err(c, -EINVAL, "split has %d entries", cnt);
		if (cnt)
			memcpy(sizes, a, sizeof(*a) * (size_t)cnt);
	}
	if (!cnt) {
		if (x->dims[axis] % n)
			return ox_node_err(c, -EINVAL, "dimension %lld does not split into %d "
					   "equal parts", (long long)x->dims[axis], n);
		for (k = 0; k < n; k++)
			sizes[k] = x->dims[axis] / n;
		return n;
	}
	if (cnt != n)
		return ox_node_err(c, -EINVAL, "split has %d entries for %d outputs", cnt, n);
	for (k = 0; k < n; k++) {
		if (sizes[k] < 0)
			return ox_node_err(c, -EINVAL, "negative split size");
		sum += sizes[k];
	}
	if (sum != x->dims[axis])
		return ox_node_err(c, -EINVAL, "split sizes add up to %lld, dimension is %lld",
				   (long long)sum, (long long)x->dims[axis]);
	return n;
}

static int infer_split(struct ox_ctx *c)
{
	struct ox_value *x = ox_need_in(c, 0);
	int64_t sizes[64], dims[OX_MAX_RANK];
	int axis, k, n, err;

	if (!x)
		return -EINVAL;
	err = ox_axis(c, ox_attr_int(c->n, "axis", 0), x->rank, &axis);
	if (err)
		return err;
	n = split_sizes(c, x, axis, sizes);
	if (n < 0)
		return n;
	memcpy(dims, x->dims, sizeof(dims));
	for (k = 0; k < n; k++) {
		dims[axis] = sizes[k];
		err = ox_set_out(c, k, x->dtype, x->rank, dims);
		if (err)
			return err;
	}
	return 0;
}

static int fold_split(struct ox_ctx *c)
{
	struct ox_value *x = ox_in(c->g, c->n, 0);
	int64_t sizes[64], pos = 0;
	size_t es = ox_dtype_size(x->dtype), outer = 1, inner = 1, j;
	int axis, k, i, n, err;

	err = ox_axis(c, ox_attr_int(c->n, "axis", 0), x->rank, &axis);
	if (err)
		return err;
	n = split_sizes(c, x, axis, sizes);
	if (n < 0)
		return n;
	for (i = 0; i < axis; i++)
		outer *= (size_t)x->dims[i];
	for (i = axis + 1; i < x->rank; i++)
		inner *= (size_t)x->dims[i];
	for (k = 0; k < n; k++) {
		ox_tensor *y = ox_out(c->g, c->n, k) ? ox_new_out(c, k) : NULL;
		size_t blk = (size_t)sizes[k] * inner * es;

		if (y) {
			for (j = 0; j < outer; j++)
				memcpy((char *)y->data + j * blk,
				       (char *)x->konst->data +
				       (j * (size_t)x->dims[axis] + (size_t)pos) * inner * es, blk);
			err = ox_set_konst(c, k, y);
			if (err)
				return err;
		} else if (ox_out(c->g, c->n, k)) {
			return -ENOMEM;
		}
		pos += sizes[k];
	}
	return 0;
}

/* ---- Slice ---- */

static int64_t clamp64(int64_t v, int64_t lo, int64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

int ox_slice_params(struct ox_ctx *c, const struct ox_value *x, struct ox_slice *s)
{
	int64_t starts[OX_MAX_RANK], ends[OX_MAX_RANK], axes[OX_MAX_RANK];
	int64_t steps[OX_MAX_RANK] = { 0 };	/* read only where filled: for cppcheck */
	bool seen[OX_MAX_RANK] = { 0 };
	int n, na, ns, i, ax, err;

	for (i = 0; i < x->rank; i++) {
		s->start[i] = 0;
		s->step[i] = 1;
		s->dims[i] = x->dims[i];
	}
	if (c->g->opset < 10) {
		const int64_t *a;

		n = (int)ox_attr_ints(c->n, "starts", &a);
		if (n > OX_MAX_RANK || (int)ox_attr_ints(c->n, "ends", &a) != n)
			return ox_node_err(c, -EINVAL, "starts and ends differ in length");
		ox_attr_ints(c->n, "starts", &a);
		if (n)
			memcpy(starts, a, sizeof(*a) * (size_t)n);
		ox_attr_ints(c->n, "ends", &a);
		if (n)
			memcpy(ends, a, sizeof(*a) * (size_t)n);
		na = (int)ox_attr_ints(c->n, "axes", &a);
		if (na > OX_MAX_RANK)
			return ox_node_err(c, -EINVAL, "too many axes");
		if (na)
			memcpy(axes, a, sizeof(*a) * (size_t)na);
		ns = 0;
	} else {
		n = ox_const_ints(c, 1, starts, OX_MAX_RANK);
		if (n < 0)
			return n;
		if (ox_const_ints(c, 2, ends, OX_MAX_RANK) != n)
			return ox_node_err(c, -EINVAL, "starts and ends differ in length");
		na = ox_in(c->g, c->n, 3) ? ox_const_ints(c, 3, axes, OX_MAX_RANK) : 0;
		ns = ox_in(c->g, c->n, 4) ? ox_const_ints(c, 4, steps, OX_MAX_RANK) : 0;
		if (na < 0 || ns < 0)
			return na < 0 ? na : ns;
	}
	if ((na && na != n) || (ns && ns != n))
		return ox_node_err(c, -EINVAL, "starts, ends, axes and steps differ in length");
	for (i = 0; i < n; i++) {
		int64_t d, st, en, step = ns ? steps[i] : 1;

		err = ox_axis(c, na ? axes[i] : i, x->rank, &ax);
		if (err)
			return err;
		if (seen[ax])
			return ox_node_err(c, -EINVAL, "axis %d sliced twice", ax);
		seen[ax] = true;
		if (step == 0)
			return ox_node_err(c, -EINVAL, "step 0");
		if (step < -INT64_MAX)
			step = -INT64_MAX;
		d = x->dims[ax];
		st = starts[i];
		en = ends[i];
		/* ONNX: negative indices count from the end, then clamp */
		if (st < 0)
			st += d;
		if (en < 0)
			en += d;
		if (step > 0) {
			st = clamp64(st, 0, d);
			en = clamp64(en, 0, d);
			s->dims[ax] = en > st ? (en - st - 1) / step + 1 : 0;
		} else {
			st = d ? clamp64(st, 0, d - 1) : 0;
			en = clamp64(en, -1, d - 1);
			s->dims[ax] = st > en ? (st - en - 1) / (-step) + 1 : 0;
		}
		s->start[ax] = s->dims[ax] ? st : 0;
		s->step[ax] = step;
	}
	return 0;
}

static int infer_slice(struct ox_ctx *c)
{
	struct ox_value *x = ox_need_in(c, 0);
	struct ox_slice s;
	int err;

	if (!x)
		return -EINVAL;
	err = ox_slice_params(c, x, &s);
	return err ? err : ox_set_out(c, 0, x->dtype, x->rank, s.dims);
}

static int fold_slice(struct ox_ctx *c)
{
	struct ox_value *x = ox_in(c->g, c->n, 0);
	ox_tensor *y = ox_new_out(c, 0);
	int64_t str[OX_MAX_RANK], idx[OX_MAX_RANK] = { 0 }, o;
	size_t es = ox_dtype_size(x->dtype);
	struct ox_slice s;
	int k;

	if (!y)
		return -ENOMEM;
	ox_slice_params(c, x, &s);
	ox_strides(x->rank, x->dims, str);
	for (o = 0; o < y->numel; o++) {
		int64_t off = 0;

		for (k = 0; k < x->rank; k++)
			off += (s.start[k] + idx[k] * s.step[k]) * str[k];
		memcpy((char *)y->data + (size_t)o * es, (char *)x->konst->data + (size_t)off * es, es);
		ox_next_index(idx, s.dims, x->rank);
	}
	return ox_set_konst(c, 0, y);
}

/* ---- Gather ---- */

static int infer_gather(struct ox_ctx *c)
{
	struct ox_value *x = ox_need_in(c, 0), *ix = ox_need_in(c, 1);
	int64_t dims[OX_MAX_RANK];
	int axis, r, i, err;

	if (!x || !ix)
		return -EINVAL;
	if (ix->dtype != OX_I64 && ix->dtype != OX_I32)
		return ox_node_err(c, -EINVAL, "indices must be int32 or int64");
	if (x->rank < 1)
		return ox_node_err(c, -EINVAL, "data must have rank >= 1");
	err = ox_axis(c, ox_attr_int(c->n, "axis", 0), x->rank, &axis);
	if (err)
		return err;
	r = x->rank - 1 + ix->rank;
	if (r > OX_MAX_RANK)
		return ox_node_err(c, -EOPNOTSUPP, "output rank %d", r);
	for (i = 0; i < axis; i++)
		dims[i] = x->dims[i];
	for (i = 0; i < ix->rank; i++)
		dims[axis + i] = ix->dims[i];
	for (i = axis + 1; i < x->rank; i++)
		dims[ix->rank + i - 1] = x->dims[i];
	/* constant indices must be in range: checked here, once */
	if (ix->konst) {
		int64_t k;

		for (k = 0; k < ix->konst->numel; k++) {
			int64_t v = ox_get_i(ix->konst, k);

			if (v < -x->dims[axis] || v >= x->dims[axis])
				return ox_node_err(c, -EINVAL, "index %lld out of range for "
						   "dimension %lld", (long long)v,
						   (long long)x->dims[axis]);
		}
	}
	return ox_set_out(c, 0, x->dtype, r, dims);
}

static int fold_gather(struct ox_ctx *c)
{
	struct ox_value *x = ox_in(c->g, c->n, 0), *ix = ox_in(c->g, c->n, 1);
	ox_tensor *y = ox_new_out(c, 0);
	size_t es = ox_dtype_size(x->dtype), outer = 1, inner = 1, o, k;
	int axis, i;

	if (!y)
		return -ENOMEM;
	ox_axis(c, ox_attr_int(c->n, "axis", 0), x->rank, &axis);
	for (i = 0; i < axis; i++)
		outer *= (size_t)x->dims[i];
	for (i = axis + 1; i < x->rank; i++)
		inner *= (size_t)x->dims[i];
	for (o = 0; o < outer; o++)
		for (k = 0; k < (size_t)ix->konst->numel; k++) {
			int64_t v = ox_get_i(ix->konst, (int64_t)k);

			if (v < 0)
				v += x->dims[axis];
			memcpy((char *)y->data + ((o * (size_t)ix->konst->numel + k) * inner) * es,
			       (char *)x->konst->data +
			       ((o * (size_t)x->dims[axis] + (size_t)v) * inner) * es, inner * es);
		}
	return ox_set_konst(c, 0, y);
}

/* ---- Transpose ---- */

int ox_transpose_perm(struct ox_ctx *c, int rank, int *perm)
{
	const int64_t *p;
	size_t n = ox_attr_ints(c->n, "perm", &p);
	bool seen[OX_MAX_RANK] = { 0 };
	int i;

	if (!n) {
		for (i = 0; i < rank; i++)
			perm[i] = rank - 1 - i;
		return 0;
	}
	if (n != (size_t)rank)
		return ox_node_err(c, -EINVAL, "perm has %zu entries for rank %d", n, rank);
	for (i = 0; i < rank; i++) {
		if (p[i] < 0 || p[i] >= rank || seen[p[i]])
			return ox_node_err(c, -EINVAL, "perm is not a permutation");
		seen[p[i]] = true;
		perm[i] = (int)p[i];
	}
	return 0;
}

static int infer_transpose(struct ox_ctx *c)
{
	struct ox_value *x = ox_need_in(c, 0);
	int perm[OX_MAX_RANK], i, err;
	int64_t dims[OX_MAX_RANK];

	if (!x)
		return -EINVAL;
	err = ox_transpose_perm(c, x->rank, perm);
	if (err)
		return err;
	for (i = 0; i < x->rank; i++)
		dims[i] = x->dims[perm[i]];
	return ox_set_out(c, 0, x->dtype, x->rank, dims);
}

static int fold_transpose(struct ox_ctx *c)
{
	struct ox_value *x = ox_in(c->g, c->n, 0);
	ox_tensor *y = ox_new_out(c, 0);
	int64_t str[OX_MAX_RANK], idx[OX_MAX_RANK] = { 0 }, o;
	size_t es = ox_dtype_size(x->dtype);
	int perm[OX_MAX_RANK], k, err;

	if (!y)
		return -ENOMEM;
	err = ox_transpose_perm(c, x->rank, perm);
	if (err) {
		ox_tensor_free(y);
		return err;
	}
	ox_strides(x->rank, x->dims, str);
	for (o = 0; o < y->numel; o++) {
		int64_t off = 0;

		for (k = 0; k < x->rank; k++)
			off += idx[k] * str[perm[k]];
		memcpy((char *)y->data + (size_t)o * es, (char *)x->konst->data + (size_t)off * es, es);
		ox_next_index(idx, y->dims, x->rank);
	}
	return ox_set_konst(c, 0, y);
}

/* ---- Expand, Tile ---- */

static int infer_expand(struct ox_ctx *c)
{
	struct ox_value *x = ox_need_in(c, 0), shp;
	const struct ox_value *v[2];
	int64_t dims[OX_MAX_RANK];
	int n, rank, err;

	if (!x)
		return -EINVAL;
	memset(&shp, 0, sizeof(shp));
	n = ox_const_ints(c, 1, shp.dims, OX_MAX_RANK);
	if (n < 0)
		return n;
	shp.rank = n;
	v[0] = x;
	v[1] = &shp;
	err = ox_broadcast(c, 2, v, &rank, dims);
	return err ? err : ox_set_out(c, 0, x->dtype, rank, dims);
}

static int fold_expand(struct ox_ctx *c)
{
	struct ox_value *y = ox_out(c->g, c->n, 0);
	const ox_tensor *x = ox_in(c->g, c->n, 0)->konst;
	ox_tensor *out = ox_new_out(c, 0);
	size_t es = ox_dtype_size(x->dtype);
	struct ox_bcast b;
	int64_t o = 0;

	if (!out)
		return -ENOMEM;
	if (!out->numel)
		return ox_set_konst(c, 0, out);
	ox_bcast_init(&b, y->rank, y->dims, 1, &x);
	do {
		memcpy((char *)out->data + (size_t)o++ * es, (char *)x->data + (size_t)b.off[0] * es, es);
	} while (ox_bcast_next(&b));
	return ox_set_konst(c, 0, out);
}

static int infer_tile(struct ox_ctx *c)
{
	struct ox_value *x = ox_need_in(c, 0);
	int64_t rep[OX_MAX_RANK], dims[OX_MAX_RANK];
	int n, i;

	if (!x)
		return -EINVAL;
	n = ox_const_ints(c, 1, rep, OX_MAX_RANK);
	if (n < 0)
		return n;
	if (n != x->rank)
		return ox_node_err(c, -EINVAL, "repeats has %d entries for rank %d", n, x->rank);
	for (i = 0; i < n; i++) {
		if (rep[i] < 0 || (rep[i] && x->dims[i] > INT64_MAX / rep[i]))
			return ox_node_err(c, -EINVAL, "bad repeats");
		dims[i] = x->dims[i] * rep[i];
	}
	return ox_set_out(c, 0, x->dtype, n, dims);
}

static int fold_tile(struct ox_ctx *c)
{
	struct ox_value *x = ox_in(c->g, c->n, 0);
	ox_tensor *y = ox_new_out(c, 0);
	int64_t str[OX_MAX_RANK], idx[OX_MAX_RANK] = { 0 }, o;
	size_t es = ox_dtype_size(x->dtype);
	int k;

	if (!y)
		return -ENOMEM;
	ox_strides(x->rank, x->dims, str);
	for (o = 0; o < y->numel; o++) {
		int64_t off = 0;

		for (k = 0; k < x->rank; k++)
			off += (idx[k] % x->dims[k]) * str[k];
		memcpy((char *)y->data + (size_t)o * es, (char *)x->konst->data + (size_t)off * es, es);
		ox_next_index(idx, y->dims, x->rank);
	}
	return ox_set_konst(c, 0, y);
}

/* ---- ConstantOfShape, Range, Trilu ---- */

static int infer_const_of_shape(struct ox_ctx *c)
{
	int64_t dims[OX_MAX_RANK];
	const struct ox_attr *a = ox_attr_find(c->n, "value");
	int n = ox_const_ints(c, 0, dims, OX_MAX_RANK);

	if (n < 0)
		return n;
	if (a && (!a->t || a->t->numel != 1))
		return ox_node_err(c, -EINVAL, "value must be a one-element tensor");
	return ox_set_out(c, 0, a ? a->t->dtype : OX_F32, n, dims);
}

static int fold_const_of_shape(struct ox_ctx *c)
{
	const struct ox_attr *a = ox_attr_find(c->n, "value");
	ox_tensor *y = ox_new_out(c, 0);
	size_t es;
	int64_t i;

	if (!y)
		return -ENOMEM;
	es = ox_dtype_size(y->dtype);
	if (a)
		for (i = 0; i < y->numel; i++)
			memcpy((char *)y->data + (size_t)i * es, a->t->data, es);
	return ox_set_konst(c, 0, y);
}

static int range_count(struct ox_ctx *c, int64_t *n)
{
	const ox_tensor *t[3];
	double s, l, d, cnt;
	int i;

	for (i = 0; i < 3; i++) {
		struct ox_value *v = ox_need_in(c, i);

		if (!v)
			return -EINVAL;
		if (!v->konst || v->konst->numel != 1)
			return ox_node_err(c, -EINVAL, "start, limit and delta must be scalars");
		t[i] = v->konst;
	}
	s = ox_get_f(t[0], 0);
	l = ox_get_f(t[1], 0);
	d = ox_get_f(t[2], 0);
	if (d == 0 || isnan(d) || isnan(s) || isnan(l))
		return ox_node_err(c, -EINVAL, "delta is 0 or a value is NaN");
	cnt = ceil((l - s) / d);
	if (cnt > 1e9)
		return ox_node_err(c, -E2BIG, "Range of %.0f elements", cnt);
	*n = cnt > 0 ? (int64_t)cnt : 0;
	return 0;
}

static int infer_range(struct ox_ctx *c)
{
	struct ox_value *s = ox_need_in(c, 0);
	int64_t n;
	int err;

	if (!s)
		return -EINVAL;
	err = range_count(c, &n);
	return err ? err : ox_set_out(c, 0, s->dtype, 1, &n);
}

static int fold_range(struct ox_ctx *c)
{
	const ox_tensor *st = ox_in(c->g, c->n, 0)->konst, *dt = ox_in(c->g, c->n, 2)->konst;
	ox_tensor *y = ox_new_out(c, 0);
	int64_t i;

	if (!y)
		return -ENOMEM;
	for (i = 0; i < y->numel; i++) {
		if (ox_dtype_is_float(y->dtype))
			ox_set_f(y, i, ox_get_f(st, 0) + (double)i * ox_get_f(dt, 0));
		else
			ox_set_i(y, i, ox_get_i(st, 0) + i * ox_get_i(dt, 0));
	}
	return ox_set_konst(c, 0, y);
}

static int infer_trilu(struct ox_ctx *c)
{
	struct ox_value *x = ox_need_in(c, 0), *k = ox_in(c->g, c->n, 1);

	if (!x)
		return -EINVAL;
	if (x->rank < 2)
		return ox_node_err(c, -EINVAL, "input must have rank >= 2");
	if (k && (!k->konst || k->konst->numel != 1))
		return ox_node_err(c, -EINVAL, "k must be a scalar");
	return ox_set_out(c, 0, x->dtype, x->rank, x->dims);
}

static int fold_trilu(struct ox_ctx *c)
{
	struct ox_value *x = ox_in(c->g, c->n, 0), *kv = ox_in(c->g, c->n, 1);
	ox_tensor *y = ox_new_out(c, 0);
	int64_t k = kv ? ox_get_i(kv->konst, 0) : 0, rows, cols, o;
	bool upper = ox_attr_int(c->n, "upper", 1) != 0;
	size_t es = ox_dtype_size(x->dtype);

	if (!y)
		return -ENOMEM;
	rows = x->dims[x->rank - 2];
	cols = x->dims[x->rank - 1];
	for (o = 0; o < y->numel; o++) {
		int64_t i = (o / cols) % rows, j = o % cols;
		bool keep = upper ? j - i >= k : j - i <= k;

		if (keep)
			memcpy((char *)y->data + (size_t)o * es, (char *)x->konst->data + (size_t)o * es, es);
	}
	return ox_set_konst(c, 0, y);
}

/* ---- Pad (constant mode) ---- */

static int pad_params(struct ox_ctx *c, const struct ox_value *x, int64_t *pads, double *value)
{
	const char *mode = ox_attr_str(c->n, "mode", "constant");
	int n;

	memset(pads, 0, sizeof(*pads) * 2 * OX_MAX_RANK);
	if (strcmp(mode, "constant"))
		return ox_node_err(c, -EOPNOTSUPP, "mode '%s' is not supported (constant only)",
				   mode);
	*value = 0;
	if (c->g->opset < 11) {
		const int64_t *p;

		n = (int)ox_attr_ints(c->n, "pads", &p);
		if (n > 2 * OX_MAX_RANK)
			return ox_node_err(c, -EINVAL, "too many pads");
		if (n)
			memcpy(pads, p, sizeof(*p) * (size_t)n);
		*value = ox_attr_float(c->n, "value", 0);
	} else {
		struct ox_value *cv = ox_in(c->g, c->n, 2);

		if (ox_in(c->g, c->n, 3))
			return ox_node_err(c, -EOPNOTSUPP, "the axes input is not supported");
		n = ox_const_ints(c, 1, pads, 2 * OX_MAX_RANK);
		if (n < 0)
			return n;
		if (cv && cv->konst && cv->konst->numel == 1)
			*value = ox_get_f(cv->konst, 0);
	}
	if (n != 2 * x->rank)
		return ox_node_err(c, -EINVAL, "pads has %d entries for rank %d", n, x->rank);
	return 0;
}

static int infer_pad(struct ox_ctx *c)
{
	struct ox_value *x = ox_need_in(c, 0);
	int64_t pads[2 * OX_MAX_RANK], dims[OX_MAX_RANK];
	double v;
	int i, err;

	if (!x)
		return -EINVAL;
	err = pad_params(c, x, pads, &v);
	if (err)
		return err;
	for (i = 0; i < x->rank; i++) {
		dims[i] = x->dims[i] + pads[i] + pads[i + x->rank];
		if (dims[i] < 0)
			return ox_node_err(c, -EINVAL, "negative output dimension");
	}
	return ox_set_out(c, 0, x->dtype, x->rank, dims);
}

static int fold_pad(struct ox_ctx *c)
{
	struct ox_value *x = ox_in(c->g, c->n, 0);
	ox_tensor *y = ox_new_out(c, 0);
	int64_t pads[2 * OX_MAX_RANK], str[OX_MAX_RANK], idx[OX_MAX_RANK] = { 0 }, o;
	double v;
	int k, err;

	if (!y)
		return -ENOMEM;
	err = pad_params(c, x, pads, &v);
	if (err) {
		ox_tensor_free(y);
		return err;
	}
	ox_strides(x->rank, x->dims, str);
	for (o = 0; o < y->numel; o++) {
		int64_t off = 0;
		bool inside = true;

		for (k = 0; k < x->rank; k++) {
			int64_t s = idx[k] - pads[k];

			if (s < 0 || s >= x->dims[k])
				inside = false;
			off += s * str[k];
		}
		if (inside)
			ox_set_f(y, o, ox_get_f(x->konst, off));
		else
			ox_set_f(y, o, v);
		ox_next_index(idx, y->dims, x->rank);
	}
	return ox_set_konst(c, 0, y);
}

const struct ox_op ox_ops_shape[] = {
	{ "Constant", 1, infer_constant, fold_constant, 0, 0 },
	{ "Shape", 1, infer_shape, fold_shape, 0, OXOP_SHAPE_ONLY },
	{ "Size", 1, infer_shape, fold_shape, 0, OXOP_SHAPE_ONLY },
	{ "Reshape", 5, infer_reshape, fold_copy, 0x2, 0 },
	{ "Flatten", 1, infer_flatten, fold_copy, 0, 0 },
	{ "Squeeze", 1, infer_squeeze, fold_copy, 0x2, 0 },
	{ "Unsqueeze", 1, infer_unsqueeze, fold_copy, 0x2, 0 },
	{ "Concat", 4, infer_concat, fold_concat, 0, 0 },
	{ "Split", 2, infer_split, fold_split, 0x2, 0 },
	{ "Slice", 1, infer_slice, fold_slice, 0x1e, 0 },
	{ "Gather", 1, infer_gather, fold_gather, 0, 0 },
	{ "Transpose", 1, infer_transpose, fold_transpose, 0, 0 },
	{ "Expand", 8, infer_expand, fold_expand, 0x2, 0 },
	{ "Tile", 6, infer_tile, fold_tile, 0x2, 0 },
	{ "ConstantOfShape", 9, infer_const_of_shape, fold_const_of_shape, 0x1, 0 },
	{ "Range", 11, infer_range, fold_range, 0x7, 0 },
	{ "Trilu", 14, infer_trilu, fold_trilu, 0x2, 0 },
	{ "Pad", 2, infer_pad, fold_pad, 0x6, 0 },
};
const size_t ox_ops_shape_count = OX_ARRAY_SIZE(ox_ops_shape);
