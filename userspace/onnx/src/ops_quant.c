// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Quantisation operators: QuantizeLinear, DequantizeLinear, QLinearConv,
 * QLinearMatMul, MatMulInteger. Q/DQ of constants fold after fusion (so
 * that int8 weights reach int8 kernels as int8).
 */
#include <math.h>
#include <string.h>

#include "ox.h"
#include "ops.h"

int ox_qparams(struct ox_ctx *c, int scale_in, int zero_in, const struct ox_value *x,
	       int axis, struct ox_qparam *q)
{
	struct ox_value *s = ox_in(c->g, c->n, scale_in), *z = ox_in(c->g, c->n, zero_in);

	memset(q, 0, sizeof(*q));
	q->axis = -1;
	q->count = 1;
	q->qtype = z ? z->dtype : OX_U8;
	if (!s)
		return ox_node_err(c, -EINVAL, "input %d (scale) is required", scale_in);
	if (!s->konst)
		return ox_node_err(c, -EOPNOTSUPP, "scale '%s' must be known at prepare", s->name);
	if (z && !z->konst)
		return ox_node_err(c, -EOPNOTSUPP, "zero point '%s' must be known at prepare",
				   z->name);
	if (!ox_dtype_is_float(s->dtype))
		return ox_node_err(c, -EINVAL, "scale must be a float tensor");
	if (q->qtype != OX_U8 && q->qtype != OX_I8 && q->qtype != OX_I32)
		return ox_node_err(c, -EOPNOTSUPP, "quantised type %s", ox_dtype_name(q->qtype));
	q->scale = s->konst;
	q->zero = z ? z->konst : NULL;
	if (s->konst->numel != 1) {
		if (s->rank != 1 || !x || x->rank < 1)
			return ox_node_err(c, -EINVAL, "scale must be a scalar or 1-D");
		if (ox_axis(c, axis, x->rank, &q->axis))
			return -EINVAL;
		if (s->dims[0] != x->dims[q->axis]) {
			if (s->dims[0] != 1)
				return ox_node_err(c, -EINVAL, "%lld scales for axis %d of size %lld",
						   (long long)s->dims[0], q->axis,
						   (long long)x->dims[q->axis]);
			q->axis = -1;
		}
		q->count = s->dims[0];
	}
	if (z && z->konst->numel != q->count)
		return ox_node_err(c, -EINVAL, "zero point has %lld values, scale %lld",
				   (long long)z->konst->numel, (long long)q->count);
	return 0;
}

static int infer_quantize(struct ox_ctx *c)
{
	struct ox_value *x = ox_need_in(c, 0);
	struct ox_qparam q;
	int err;

	if (!x)
		return -EINVAL;
	if (x->dtype != OX_F32 && x->dtype != OX_I32 && x->dtype != OX_F16 &&
	    x->dtype != OX_BF16)
		return ox_node_err(c, -EOPNOTSUPP, "input type %s", ox_dtype_name(x->dtype));
	err = ox_qparams(c, 1, 2, x, (int)ox_attr_int(c->n, "axis", 1), &q);
	if (err)
		return err;
	if (q.qtype == OX_I32)
		return ox_node_err(c, -EINVAL, "cannot quantise to int32");
	return ox_set_out(c, 0, q.qtype, x->rank, x->dims);
}

static int infer_dequantize(struct ox_ctx *c)
{
	struct ox_value *x = ox_need_in(c, 0);
	struct ox_qparam q;
	int err;

	if (!x)
		return -EINVAL;
	if (x->dtype != OX_U8 && x->dtype != OX_I8 && x->dtype != OX_I32)
		return ox_node_err(c, -EOPNOTSUPP, "input type %s", ox_dtype_name(x->dtype));
	err = ox_qparams(c, 1, 2, x, (int)ox_attr_int(c->n, "axis", 1), &q);
	if (err)
		return err;
	if (q.zero && q.zero->dtype != x->dtype)
		return ox_node_err(c, -EINVAL, "zero point type %s, input %s",
				   ox_dtype_name(q.zero->dtype), ox_dtype_name(x->dtype));
	return ox_set_out(c, 0, q.scale->dtype, x->rank, x->dims);
}

/* Channel of flat index @i along @axis of @x (0 when per tensor). */
static int64_t channel_of(const struct ox_value *x, const struct ox_qparam *q, int64_t i)
{
	int64_t inner = 1;
	int k;

	if (q->axis < 0)
		return 0;
	for (k = q->axis + 1; k < x->rank; k++)
		inner *= x->dims[k];
	return (i / inner) % x->dims[q->axis];
}

static int fold_qdq(struct ox_ctx *c)
{
	struct ox_value *x = ox_in(c->g, c->n, 0);
	ox_tensor *y = ox_new_out(c, 0);
	bool quant = !strcmp(c->n->op, "QuantizeLinear");
	struct ox_qparam q;
	int64_t i;
	int err;

	if (!y)
		return -ENOMEM;
	err = ox_qparams(c, 1, 2, x, (int)ox_attr_int(c->n, "axis", 1), &q);
	if (err) {
		ox_tensor_free(y);
		return err;
	}
	for (i = 0; i < y->numel; i++) {
		int64_t ch = channel_of(x, &q, i);
		double s = ox_get_f(q.scale, ch);
		double z = q.zero ? (double)ox_get_i(q.zero, ch) : 0;

		if (quant) {
			double v = nearbyint(ox_get_f(x->konst, i) / s) + z;
			double lo = q.qtype == OX_I8 ? -128 : 0, hi = q.qtype == OX_I8 ? 127 : 255;

			ox_set_f(y, i, v < lo ? lo : v > hi ? hi : v);
		} else {
			/* float32 arithmetic as the ONNX reference does it */
			ox_set_f(y, i, (float)((float)((double)ox_get_i(x->konst, i) - z) * (float)s));
		}
	}
	return ox_set_konst(c, 0, y);
}

static int infer_qlinearconv(struct ox_ctx *c)
{
	struct ox_value *x = ox_need_in(c, 0), *w = ox_need_in(c, 3), *yz = ox_in(c->g, c->n, 7);
	struct ox_value *b = ox_in(c->g, c->n, 8);
	struct ox_conv_geom geo;
	int64_t dims[OX_MAX_RANK], kernel[3];
	int i, err;

	if (!x || !w)
		return -EINVAL;
	if ((x->dtype != OX_U8 && x->dtype != OX_I8) || (w->dtype != OX_U8 && w->dtype != OX_I8))
		return ox_node_err(c, -EINVAL, "x and w must be 8-bit integers");
	if (w->rank != x->rank)
		return ox_node_err(c, -EINVAL, "w has rank %d, x rank %d", w->rank, x->rank);
	for (i = 0; i < x->rank - 2 && i < 3; i++)
		kernel[i] = w->dims[2 + i];
	err = ox_conv_geom(c, x, kernel, false, &geo, dims + 2);
	if (err)
		return err;
	if (geo.group < 1 || w->dims[1] * geo.group != x->dims[1] || w->dims[0] % geo.group)
		return ox_node_err(c, -EINVAL, "channel counts do not match group %lld",
				   (long long)geo.group);
	if (b && (b->dtype != OX_I32 || b->rank != 1 || b->dims[0] != w->dims[0]))
		return ox_node_err(c, -EINVAL, "B must be 1-D int32 of %lld", (long long)w->dims[0]);
	dims[0] = x->dims[0];
	dims[1] = w->dims[0];
	return ox_set_out(c, 0, yz ? yz->dtype : OX_U8, x->rank, dims);
}

static int infer_qlinearmatmul(struct ox_ctx *c)
{
	struct ox_value *a = ox_need_in(c, 0), *b = ox_need_in(c, 3), *yz = ox_in(c->g, c->n, 7);
	int64_t dims[OX_MAX_RANK];
	int rank, err;

	if (!a || !b)
		return -EINVAL;
	if ((a->dtype != OX_U8 && a->dtype != OX_I8) || (b->dtype != OX_U8 && b->dtype != OX_I8))
		return ox_node_err(c, -EINVAL, "a and b must be 8-bit integers");
	err = ox_matmul_shape(c, a, b, &rank, dims);
	return err ? err : ox_set_out(c, 0, yz ? yz->dtype : OX_U8, rank, dims);
}

static int infer_matmulinteger(struct ox_ctx *c)
{
	struct ox_value *a = ox_need_in(c, 0), *b = ox_need_in(c, 1);
	int64_t dims[OX_MAX_RANK];
	int rank, err;

	if (!a || !b)
		return -EINVAL;
	if ((a->dtype != OX_U8 && a->dtype != OX_I8) || (b->dtype != OX_U8 && b->dtype != OX_I8))
		return ox_node_err(c, -EINVAL, "A and B must be 8-bit integers");
	err = ox_matmul_shape(c, a, b, &rank, dims);
	return err ? err : ox_set_out(c, 0, OX_I32, rank, dims);
}

const struct ox_op ox_ops_quant[] = {
	{ "QuantizeLinear", 10, infer_quantize, fold_qdq, 0x6, OXOP_LATE_FOLD },
	{ "DequantizeLinear", 10, infer_dequantize, fold_qdq, 0x6, OXOP_LATE_FOLD },
	{ "QLinearConv", 10, infer_qlinearconv, NULL, 0xf6, 0 },
	{ "QLinearMatMul", 10, infer_qlinearmatmul, NULL, 0xf6, 0 },
	{ "MatMulInteger", 10, infer_matmulinteger, NULL, 0xc, 0 },
};
const size_t ox_ops_quant_count = OX_ARRAY_SIZE(ox_ops_quant);
