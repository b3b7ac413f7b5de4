// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Neural-network operators: inference of Conv, pooling, Gemm, MatMul,
 * BatchNormalization, LayerNormalization, Softmax/LogSoftmax and the
 * reductions, plus host folding of reductions over constants.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ox.h"
#include "ops.h"

/* ---- Conv and pooling geometry ---- */

int ox_conv_geom(struct ox_ctx *c, const struct ox_value *x, const int64_t *kernel,
		 bool pool, struct ox_conv_geom *geo, int64_t *out_spatial)
{
	const char *auto_pad = ox_attr_str(c->n, "auto_pad", "NOTSET");
	const int64_t *a;
	size_t n;
	int i, nd = x->rank - 2;

	memset(geo, 0, sizeof(*geo));
	if (nd < 1 || nd > 3)
		return ox_node_err(c, -EOPNOTSUPP, "%d spatial dimensions (1..3 supported)", nd);
	geo->nd = nd;
	geo->group = pool ? 1 : ox_attr_int(c->n, "group", 1);
	geo->ceil_mode = ox_attr_int(c->n, "ceil_mode", 0) != 0;
	geo->count_include_pad = ox_attr_int(c->n, "count_include_pad", 0) != 0;
	for (i = 0; i < nd; i++) {
		geo->kernel[i] = kernel[i];
		geo->stride[i] = 1;
		geo->dilation[i] = 1;
		if (kernel[i] < 1)
			return ox_node_err(c, -EINVAL, "kernel dimension %lld", (long long)kernel[i]);
	}
	n = ox_attr_ints(c->n, "strides", &a);
	if (n && n != (size_t)nd)
		return ox_node_err(c, -EINVAL, "strides has %zu entries for %d dimensions", n, nd);
	for (i = 0; i < (int)n; i++)
		geo->stride[i] = a[i];
	n = ox_attr_ints(c->n, "dilations", &a);
	if (n && n != (size_t)nd)
		return ox_node_err(c, -EINVAL, "dilations has %zu entries", n);
	for (i = 0; i < (int)n; i++)
		geo->dilation[i] = a[i];
	n = ox_attr_ints(c->n, "pads", &a);
	if (n && n != 2 * (size_t)nd)
		return ox_node_err(c, -EINVAL, "pads has %zu entries for %d dimensions", n, nd);
	for (i = 0; i < (int)n / 2; i++) {
		geo->pad_begin[i] = a[i];
		geo->pad_end[i] = a[i + nd];
	}
	for (i = 0; i < nd; i++) {
		int64_t in = x->dims[2 + i], k = geo->kernel[i], s = geo->stride[i];
		int64_t d = geo->dilation[i], ek, out, tot;

		if (s < 1 || d < 1 || s > (1 << 20) || d > (1 << 20) || k > (1 << 20))
			return ox_node_err(c, -EINVAL, "stride %lld / dilation %lld / kernel %lld",
					   (long long)s, (long long)d, (long long)k);
		if (geo->pad_begin[i] < 0 || geo->pad_end[i] < 0 ||
		    geo->pad_begin[i] > (1 << 20) || geo->pad_end[i] > (1 << 20))
			return ox_node_err(c, -EINVAL, "bad pads");
		ek = (k - 1) * d + 1;
		if (!strcmp(auto_pad, "SAME_UPPER") || !strcmp(auto_pad, "SAME_LOWER")) {
			out = (in + s - 1) / s;
			tot = (out - 1) * s + ek - in;
			if (tot < 0)
				tot = 0;
			geo->pad_begin[i] = auto_pad[5] == 'U' ? tot / 2 : tot - tot / 2;
			geo->pad_end[i] = tot - geo->pad_begin[i];
		} else if (!strcmp(auto_pad, "VALID")) {
			geo->pad_begin[i] = geo->pad_end[i] = 0;
		} else if (strcmp(auto_pad, "NOTSET")) {
			return ox_node_err(c, -EINVAL, "auto_pad '%s'", auto_pad);
		}
		tot = in + geo->pad_begin[i] + geo->pad_end[i] - ek;
		if (tot < 0)
			return ox_node_err(c, -EINVAL, "kernel larger than the padded input");
		out = geo->ceil_mode ? (tot + s - 1) / s + 1 : tot / s + 1;
		/* the last window must start inside the input or its left padding */
		if (geo->ceil_mode && (out - 1) * s >= in + geo->pad_begin[i])
			out--;
		out_spatial[i] = out;
	}
	return 0;
}

static int infer_conv(struct ox_ctx *c)
{
	struct ox_value *x = ox_need_in(c, 0), *w = ox_need_in(c, 1), *b = ox_in(c->g, c->n, 2);
	int64_t dims[OX_MAX_RANK], kernel[3];
	struct ox_conv_geom geo;
	const int64_t *ks;
	size_t nk;
	int i, err;

	if (!x || !w)
		return -EINVAL;
	if (!ox_dtype_is_float(x->dtype) || w->dtype != x->dtype)
		return ox_node_err(c, -EOPNOTSUPP, "types %s/%s are not supported",
				   ox_dtype_name(x->dtype), ox_dtype_name(w->dtype));
	if (w->rank != x->rank)
		return ox_node_err(c, -EINVAL, "W has rank %d, X rank %d", w->rank, x->rank);
	nk = ox_attr_ints(c->n, "kernel_shape", &ks);
	for (i = 0; i < x->rank - 2 && i < 3; i++) {
		kernel[i] = w->dims[2 + i];
		if (nk && (nk != (size_t)(x->rank - 2) || ks[i] != kernel[i]))
			return ox_node_err(c, -EINVAL, "kernel_shape does not match W");
	}
	err = ox_conv_geom(c, x, kernel, false, &geo, dims + 2);
	if (err)
		return err;
	if (geo.group < 1 || x->dims[1] % geo.group || w->dims[0] % geo.group ||
	    w->dims[1] * geo.group != x->dims[1])
		return ox_node_err(c, -EINVAL, "channels: X has %lld, W is %lldx%lld, group %lld",
				   (long long)x->dims[1], (long long)w->dims[0],
				   (long long)w->dims[1], (long long)geo.group);
	if (b && (b->rank != 1 || b->dims[0] != w->dims[0] || b->dtype != x->dtype))
		return ox_node_err(c, -EINVAL, "B must be 1-D of %lld %s", (long long)w->dims[0],
				   ox_dtype_name(x->dtype));
	dims[0] = x->dims[0];
	dims[1] = w->dims[0];
	return ox_set_out(c, 0, x->dtype, x->rank, dims);
}

static int infer_pool(struct ox_ctx *c)
{
	struct ox_value *x = ox_need_in(c, 0);
	int64_t dims[OX_MAX_RANK], kernel[3] = { 1, 1, 1 };
	struct ox_conv_geom geo;
	const int64_t *ks;
	size_t nk;
	int i, err;

	if (!x)
		return -EINVAL;
	if (!ox_dtype_is_float(x->dtype) && x->dtype != OX_U8 && x->dtype != OX_I8)
		return ox_node_err(c, -EOPNOTSUPP, "type %s is not supported",
				   ox_dtype_name(x->dtype));
	if (x->rank < 3)
		return ox_node_err(c, -EINVAL, "input must have rank >= 3");
	memcpy(dims, x->dims, sizeof(dims));
	if (!strncmp(c->n->op, "Global", 6)) {
		for (i = 2; i < x->rank; i++)
			dims[i] = 1;
		return ox_set_out(c, 0, x->dtype, x->rank, dims);
	}
	nk = ox_attr_ints(c->n, "kernel_shape", &ks);
	if (nk != (size_t)(x->rank - 2))
		return ox_node_err(c, -EINVAL, "kernel_shape has %zu entries for %d dimensions",
				   nk, x->rank - 2);
	for (i = 0; i < (int)nk && i < 3; i++)
		kernel[i] = ks[i];
	err = ox_conv_geom(c, x, kernel, true, &geo, dims + 2);
	if (err)
		return err;
	err = ox_set_out(c, 0, x->dtype, x->rank, dims);
	if (!err)
		err = ox_set_out(c, 1, OX_I64, x->rank, dims);	/* MaxPool Indices */
	return err;
}

/* ---- Gemm, MatMul ---- */

static int infer_gemm(struct ox_ctx *c)
{
	struct ox_value *a = ox_need_in(c, 0), *b = ox_need_in(c, 1), *cc = ox_in(c->g, c->n, 2);
	bool ta = ox_attr_int(c->n, "transA", 0), tb = ox_attr_int(c->n, "transB", 0);
	int64_t dims[2], k;

	if (!a || !b)
		return -EINVAL;
	if (a->rank != 2 || b->rank != 2)
		return ox_node_err(c, -EINVAL, "A and B must be 2-D");
	if (!ox_dtype_is_float(a->dtype) || b->dtype != a->dtype)
		return ox_node_err(c, -EOPNOTSUPP, "types %s/%s are not supported",
				   ox_dtype_name(a->dtype), ox_dtype_name(b->dtype));
	dims[0] = a->dims[ta ? 1 : 0];
	k = a->dims[ta ? 0 : 1];
	dims[1] = b->dims[tb ? 0 : 1];
	if (b->dims[tb ? 1 : 0] != k)
		return ox_node_err(c, -EINVAL, "inner dimensions %lld and %lld differ",
				   (long long)k, (long long)b->dims[tb ? 1 : 0]);
	if (cc) {
		int i;

		if (cc->dtype != a->dtype || cc->rank > 2)
			return ox_node_err(c, -EINVAL, "C must be a %s of rank <= 2",
					   ox_dtype_name(a->dtype));
		for (i = 0; i < cc->rank; i++) {
			int64_t d = cc->dims[cc->rank - 1 - i];

			if (d != 1 && d != dims[1 - i])
				return ox_node_err(c, -EINVAL, "C does not broadcast to [M,N]");
		}
	}
	return ox_set_out(c, 0, a->dtype, 2, dims);
}

int ox_matmul_shape(struct ox_ctx *c, const struct ox_value *a, const struct ox_value *b,
		    int *rank, int64_t *dims)
{
	struct ox_value ba, bb;
	const struct ox_value *v[2];
	int64_t m, k, n, bd[OX_MAX_RANK];
	int br, err;

	if (a->rank < 1 || b->rank < 1)
		return ox_node_err(c, -EINVAL, "inputs must have rank >= 1");
	m = a->rank >= 2 ? a->dims[a->rank - 2] : 1;
	k = a->dims[a->rank - 1];
	n = b->rank >= 2 ? b->dims[b->rank - 1] : 1;
	if ((b->rank >= 2 ? b->dims[b->rank - 2] : b->dims[0]) != k)
		return ox_node_err(c, -EINVAL, "inner dimensions %lld and %lld differ",
				   (long long)k,
				   (long long)(b->rank >= 2 ? b->dims[b->rank - 2] : b->dims[0]));
	memset(&ba, 0, sizeof(ba));
	memset(&bb, 0, sizeof(bb));
	ba.rank = a->rank > 2 ? a->rank - 2 : 0;
	bb.rank = b->rank > 2 ? b->rank - 2 : 0;
	memcpy(ba.dims, a->dims, sizeof(int64_t) * (size_t)ba.rank);
	memcpy(bb.dims, b->dims, sizeof(int64_t) * (size_t)bb.rank);
	v[0] = &ba;
	v[1] = &bb;
	err = ox_broadcast(c, 2, v, &br, bd);
	if (err)
		return err;
	memcpy(dims, bd, sizeof(int64_t) * (size_t)br);
	*rank = br;
	if (a->rank >= 2)
		dims[(*rank)++] = m;
	if (b->rank >= 2)
		dims[(*rank)++] = n;
	if (*rank > OX_MAX_RANK)
		return ox_node_err(c, -EOPNOTSUPP, "rank too large");
	return 0;
}

static int infer_matmul(struct ox_ctx *c)
{
	struct ox_value *a = ox_need_in(c, 0), *b = ox_need_in(c, 1);
	int64_t dims[OX_MAX_RANK];
	int rank, err;

	if (!a || !b)
		return -EINVAL;
	if (!ox_dtype_is_float(a->dtype) || b->dtype != a->dtype)
		return ox_node_err(c, -EOPNOTSUPP, "types %s/%s are not supported",
				   ox_dtype_name(a->dtype), ox_dtype_name(b->dtype));
	err = ox_matmul_shape(c, a, b, &rank, dims);
	return err ? err : ox_set_out(c, 0, a->dtype, rank, dims);
}

/* ---- normalisation ---- */

static int check_channel_param(struct ox_ctx *c, int i, int64_t ch, int dt)
{
	struct ox_value *v = ox_need_in(c, i);

	if (!v)
		return -EINVAL;
	if (v->rank != 1 || v->dims[0] != ch || v->dtype != dt)
		return ox_node_err(c, -EINVAL, "input %d must be 1-D of %lld %s", i,
				   (long long)ch, ox_dtype_name(dt));
	return 0;
}

static int infer_batchnorm(struct ox_ctx *c)
{
	struct ox_value *x = ox_need_in(c, 0);
	int i, err;

	if (!x)
		return -EINVAL;
	if (x->rank < 2)
		return ox_node_err(c, -EINVAL, "X must have rank >= 2");
	if (!ox_dtype_is_float(x->dtype))
		return ox_node_err(c, -EOPNOTSUPP, "type %s", ox_dtype_name(x->dtype));
	if (ox_attr_int(c->n, "training_mode", 0))
		return ox_node_err(c, -EOPNOTSUPP, "training_mode=1 is not supported "
				   "(inference only)");
	if (ox_attr_int(c->n, "spatial", 1) != 1)
		return ox_node_err(c, -EOPNOTSUPP, "spatial=0 is not supported");
	for (i = 1; i < 5; i++) {
		err = check_channel_param(c, i, x->dims[1], x->dtype);
		if (err)
			return err;
	}
	for (i = 1; i < c->n->n_out; i++)
		if (c->n->out[i] >= 0)
			return ox_node_err(c, -EOPNOTSUPP, "training outputs (mean, var) are "
					   "not supported");
	return ox_set_out(c, 0, x->dtype, x->rank, x->dims);
}

static int infer_layernorm(struct ox_ctx *c)
{
	struct ox_value *x = ox_need_in(c, 0), *s = ox_need_in(c, 1), *b = ox_in(c->g, c->n, 2);
	int64_t dims[OX_MAX_RANK];
	int axis, i, err;

	if (!x || !s)
		return -EINVAL;
	if (!ox_dtype_is_float(x->dtype))
		return ox_node_err(c, -EOPNOTSUPP, "type %s", ox_dtype_name(x->dtype));
	err = ox_axis(c, ox_attr_int(c->n, "axis", -1), x->rank, &axis);
	if (err)
		return err;
	/* Scale and B broadcast to X's normalised dimensions */
	for (i = 0; i < 2; i++) {
		const struct ox_value *p = i ? b : s;
		int k;

		if (!p)
			continue;
		if (p->dtype != x->dtype || p->rank > x->rank - axis)
			return ox_node_err(c, -EINVAL, "%s must be a %s over the normalised axes",
					   i ? "B" : "Scale", ox_dtype_name(x->dtype));
		for (k = 0; k < p->rank; k++) {
			int64_t d = p->dims[p->rank - 1 - k];

			if (d != 1 && d != x->dims[x->rank - 1 - k])
				return ox_node_err(c, -EINVAL, "%s does not broadcast",
						   i ? "B" : "Scale");
		}
	}
	err = ox_set_out(c, 0, x->dtype, x->rank, x->dims);
	memcpy(dims, x->dims, sizeof(dims));
	for (i = axis; i < x->rank; i++)
		dims[i] = 1;
	if (!err)
		err = ox_set_out(c, 1, ox_attr_int(c->n, "stash_type", 1) == 1 ? OX_F32 : x->dtype,
				 x->rank, dims);
	if (!err)
		err = ox_set_out(c, 2, ox_attr_int(c->n, "stash_type", 1) == 1 ? OX_F32 : x->dtype,
				 x->rank, dims);
	return err;
}

/* ---- Softmax, LogSoftmax ---- */

int ox_softmax_axis(struct ox_ctx *c, const struct ox_value *x, int *axis)
{
	return ox_axis(c, ox_attr_int(c->n, "axis", c->g->opset >= 13 ? -1 : 1),
		       x->rank ? x->rank : 1, axis);
}

static int infer_softmax(struct ox_ctx *c)
{
	struct ox_value *x = ox_need_in(c, 0);
	int axis, err;

	if (!x)
		return -EINVAL;
	if (!ox_dtype_is_float(x->dtype))
		return ox_node_err(c, -EOPNOTSUPP, "type %s", ox_dtype_name(x->dtype));
	err = ox_softmax_axis(c, x, &axis);
	return err ? err : ox_set_out(c, 0, x->dtype, x->rank, x->dims);
}

/* ---- reductions ---- */

/* axes as a mask over x's dims; keepdims; false when nothing is reduced */
static int reduce_params(struct ox_ctx *c, const struct ox_value *x, bool *mask, bool *keep)
{
	int64_t axes[OX_MAX_RANK];
	int n, i, ax, err;
	bool from_input = !strcmp(c->n->op, "ReduceSum") && c->g->opset >= 13;

	*keep = ox_attr_int(c->n, "keepdims", 1) != 0;
	n = ox_node_axes(c, from_input ? 1 : -1, axes, OX_MAX_RANK);
	if (n < 0)
		return n;
	for (i = 0; i < x->rank; i++)
		mask[i] = false;
	if (!n) {
		if (from_input && ox_attr_int(c->n, "noop_with_empty_axes", 0))
			return 0;
		for (i = 0; i < x->rank; i++)
			mask[i] = true;
		return 0;
	}
	for (i = 0; i < n; i++) {
		err = ox_axis(c, axes[i], x->rank, &ax);
		if (err)
			return err;
		mask[ax] = true;
	}
	return 0;
}

static int infer_reduce(struct ox_ctx *c)
{
	struct ox_value *x = ox_need_in(c, 0);
	int64_t dims[OX_MAX_RANK];
	bool mask[OX_MAX_RANK], keep;
	int i, r = 0, err;

	if (!x)
		return -EINVAL;
	if (!ox_dtype_is_float(x->dtype) && !ox_dtype_is_int(x->dtype))
		return ox_node_err(c, -EOPNOTSUPP, "type %s", ox_dtype_name(x->dtype));
	err = reduce_params(c, x, mask, &keep);
	if (err)
		return err;
	for (i = 0; i < x->rank; i++) {
		if (mask[i] && x->dims[i] == 0 && strcmp(c->n->op, "ReduceSum") &&
		    strcmp(c->n->op, "ReduceProd"))
			return ox_node_err(c, -EINVAL, "reducing an empty dimension");
		if (!mask[i])
			dims[r++] = x->dims[i];
		else if (keep)
			dims[r++] = 1;
	}
	return ox_set_out(c, 0, x->dtype, r, dims);
}

int ox_reduce_mask(struct ox_ctx *c, const struct ox_value *x, bool *mask)
{
	bool keep;

	return reduce_params(c, x, mask, &keep);
}

static int fold_reduce(struct ox_ctx *c)
{
	struct ox_value *x = ox_in(c->g, c->n, 0);
	ox_tensor *y = ox_new_out(c, 0);
	int64_t str_out[OX_MAX_RANK], idx[OX_MAX_RANK] = { 0 }, o, i, cnt;
	int64_t kdims[OX_MAX_RANK];
	bool mask[OX_MAX_RANK], keep;
	const char *op = c->n->op;
	double *acc;
	int k, err;

	if (!y)
		return -ENOMEM;
	err = reduce_params(c, x, mask, &keep);
	if (err) {
		ox_tensor_free(y);
		return err;
	}
	for (k = 0; k < x->rank; k++)
		kdims[k] = mask[k] ? 1 : x->dims[k];
	ox_strides(x->rank, kdims, str_out);
	acc = calloc((size_t)y->numel + 1, sizeof(double));
	if (!acc) {
		ox_tensor_free(y);
		return ox_err(-ENOMEM, "out of memory");
	}
	cnt = y->numel ? ox_numel(x->rank, x->dims) / y->numel : 0;
	for (o = 0; o < y->numel; o++)
		acc[o] = !strcmp(op, "ReduceProd") ? 1 : !strcmp(op, "ReduceMax") ? -INFINITY :
			 !strcmp(op, "ReduceMin") ? INFINITY : 0;
	for (i = 0; i < x->konst->numel; i++) {
		double v = ox_get_f(x->konst, i);

		if (!strcmp(op, "ReduceL1"))
			v = fabs(v);
		else if (!strcmp(op, "ReduceL2") || !strcmp(op, "ReduceSumSquare"))
			v = v * v;
		else if (!strcmp(op, "ReduceLogSumExp"))
			v = exp(v);
		o = 0;
		for (k = 0; k < x->rank; k++)
			o += (mask[k] ? 0 : idx[k]) * str_out[k];
		if (!strcmp(op, "ReduceProd"))
			acc[o] *= v;
		else if (!strcmp(op, "ReduceMax"))
			acc[o] = v > acc[o] || isnan(v) ? v : acc[o];
		else if (!strcmp(op, "ReduceMin"))
			acc[o] = v < acc[o] || isnan(v) ? v : acc[o];
		else
			acc[o] += v;
		ox_next_index(idx, x->dims, x->rank);
	}
	for (o = 0; o < y->numel; o++) {
		double v = !strcmp(op, "ReduceMean") && cnt ? acc[o] / (double)cnt : acc[o];

		if (!strcmp(op, "ReduceL2"))
			v = sqrt(v);
		else if (!strcmp(op, "ReduceLogSum") || !strcmp(op, "ReduceLogSumExp"))
			v = log(v);
		ox_set_f(y, o, v);
	}
	free(acc);
	return ox_set_konst(c, 0, y);
}

/* Internal nodes made by fusion carry their output shapes already. */
static int infer_internal(struct ox_ctx *c)
{
	return ox_node_err(c, -EOPNOTSUPP, "operator %s is not supported", c->n->op);
}

const struct ox_op ox_ops_nn[] = {
	{ "Gelu", 1, infer_internal, NULL, 0, OXOP_INTERNAL },
	{ "Attention", 1, infer_internal, NULL, 0, OXOP_INTERNAL },
	{ "Conv", 1, infer_conv, NULL, 0, 0 },
	{ "MaxPool", 1, infer_pool, NULL, 0, 0 },
	{ "AveragePool", 1, infer_pool, NULL, 0, 0 },
	{ "GlobalAveragePool", 1, infer_pool, NULL, 0, 0 },
	{ "GlobalMaxPool", 1, infer_pool, NULL, 0, 0 },
	{ "Gemm", 7, infer_gemm, NULL, 0, 0 },
	{ "MatMul", 1, infer_matmul, NULL, 0, 0 },
	{ "BatchNormalization", 7, infer_batchnorm, NULL, 0, 0 },
	{ "LayerNormalization", 17, infer_layernorm, NULL, 0, 0 },
	{ "Softmax", 1, infer_softmax, NULL, 0, 0 },
	{ "LogSoftmax", 1, infer_softmax, NULL, 0, 0 },
	{ "ReduceSum", 1, infer_reduce, fold_reduce, 0x2, 0 },
	{ "ReduceMean", 1, infer_reduce, fold_reduce, 0, 0 },
	{ "ReduceMax", 1, infer_reduce, fold_reduce, 0, 0 },
	{ "ReduceMin", 1, infer_reduce, fold_reduce, 0, 0 },
	{ "ReduceProd", 1, infer_reduce, fold_reduce, 0, 0 },
	{ "ReduceL1", 1, infer_reduce, fold_reduce, 0, 0 },
	{ "ReduceL2", 1, infer_reduce, fold_reduce, 0, 0 },
	{ "ReduceSumSquare", 1, infer_reduce, fold_reduce, 0, 0 },
	{ "ReduceLogSum", 1, infer_reduce, fold_reduce, 0, 0 },
	{ "ReduceLogSumExp", 1, infer_reduce, fold_reduce, 0, 0 },
};
const size_t ox_ops_nn_count = OX_ARRAY_SIZE(ox_ops_nn);
