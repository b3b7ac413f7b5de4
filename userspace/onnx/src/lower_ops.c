// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Lowering of the compute operators onto the card's kernels: element-wise
 * (UNARY, BINARY), CONV2D, POOL2D, GEMM, BATCHNORM, LAYERNORM, SOFTMAX,
 * REDUCE, CAST (casts and Q/DQ), ATTENTION; Tile and Pad as copies. The
 * int8 forms come from fusion records (QDQ) or the QLinear operators.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lower.h"

static int unsupported(struct ox_lctx *l, const char *why)
{
	return ox_lerr(l, -EOPNOTSUPP, "%s", why);
}

static bool float_view(const struct ox_view *v)
{
	return v->dtype == OX_F32 || v->dtype == OX_F16 || v->dtype == OX_BF16;
}

static int need_float(struct ox_lctx *l, const struct ox_view *v)
{
	if (float_view(v))
		return 0;
	return ox_lerr(l, -EOPNOTSUPP, "%s on %s: the card computes this in floating point "
		       "only", l->n->op, ox_dtype_name(v->dtype));
}

/* Input 0 (a float view) and a fresh output 0 of its dtype. */
static int float_in_out(struct ox_lctx *l, struct ox_view *x, struct ox_view *y)
{
	int err = ox_in_view(l, 0, x);

	if (!err)
		err = need_float(l, x);
	return err ? err : ox_out_view(l, 0, x->dtype, y);
}

static struct ox_fusion *fusion(struct ox_lctx *l)
{
	return l->n->fusion;
}

static struct ox_act fused_act(struct ox_lctx *l)
{
	struct ox_act none = { 0 };

	return l->n->fusion ? l->n->fusion->act : none;
}

/* ---- element-wise ---- */

int ox_emit_unary(struct ox_lctx *l, const struct ox_view *x, const struct ox_view *y,
		  struct ox_act act)
{
	struct ox_view ops[2] = { *x, *y };
	struct ox_kernel *k;

	ox_view_expand(&ops[0], y->rank, y->dims);
	ox_coalesce(ops, 2);
	k = ox_emit(l, OXK_UNARY, 1, 1, ops);
	if (!k)
		return -EOPNOTSUPP;
	k->p.unary = act;
	return 0;
}

int ox_emit_binary(struct ox_lctx *l, int op, const struct ox_view *a, const struct ox_view *b,
		   const struct ox_view *y, struct ox_act act)
{
	struct ox_view ops[3] = { *a, *b, *y };
	struct ox_kernel *k;

	ox_view_expand(&ops[0], y->rank, y->dims);
	ox_view_expand(&ops[1], y->rank, y->dims);
	ox_coalesce(ops, 3);
	k = ox_emit(l, OXK_BINARY, 2, 1, ops);
	if (!k)
		return -EOPNOTSUPP;
	k->p.binary.op = op;
	k->p.binary.act = act;
	return 0;
}

static int lower_unary(struct ox_lctx *l)
{
	struct ox_view x, y;
	struct ox_act act;
	int err;

	if (!ox_act_of_node(l->g, l->n, &act))
		return unsupported(l, "the bounds must be known when the model is prepared");
	if (l->n->fusion && l->n->fusion->int8) {
		/* DQ -> act -> Q: the int8 form of the activation */
		err = ox_in_view(l, 0, &x);
		if (!err)
			err = ox_view_quant(l, &x, &l->n->fusion->q[0]);
		if (!err)
			err = ox_out_view(l, 0, ox_out(l->g, l->n, 0)->dtype, &y);
		if (!err)
			err = ox_view_quant(l, &y, &l->n->fusion->qout);
		return err ? err : ox_emit_unary(l, &x, &y, act);
	}
	err = ox_in_view(l, 0, &x);
	/* ReLU and Clip of 8-bit integers are exact on the card (scale 1, zero 0) */
	if (!err && !((x.dtype == OX_I8 || x.dtype == OX_U8) && x.quant == OXQ_NONE &&
		      (act.op == OX_ACT_RELU || act.op == OX_ACT_CLIP)))
		err = need_float(l, &x);
	if (!err)
		err = ox_out_view(l, 0, x.dtype, &y);
	return err ? err : ox_emit_unary(l, &x, &y, act);
}

static int binop_of(const char *op)
{
	if (!strcmp(op, "Add") || !strcmp(op, "Sum") || !strcmp(op, "Mean"))
		return OXB_ADD;
	if (!strcmp(op, "Sub"))
		return OXB_SUB;
	if (!strcmp(op, "Mul"))
		return OXB_MUL;
	if (!strcmp(op, "Div"))
		return OXB_DIV;
	if (!strcmp(op, "Max"))
		return OXB_MAX;
	return OXB_MIN;
}

static int lower_binary(struct ox_lctx *l)
{
	struct ox_view a, b, y;
	struct ox_act none = { 0 };
	int i, err, op = binop_of(l->n->op), n = l->n->n_in;

	err = float_in_out(l, &a, &y);
	if (err)
		return err;
	if (n == 1)
		return ox_emit_copy(l, &a, &y);
	for (i = 1; i < n; i++) {
		err = ox_in_view(l, i, &b);
		if (!err)
			err = need_float(l, &b);
		if (!err && b.dtype != a.dtype)
			err = unsupported(l, "inputs of different types");
		if (err)
			return err;
		/* later inputs accumulate in place in Y (identical views) */
		err = ox_emit_binary(l, op, i == 1 ? &a : &y, &b, &y,
				  i == n - 1 && strcmp(l->n->op, "Mean") ? fused_act(l) : none);
		if (err)
			return err;
	}
	if (!strcmp(l->n->op, "Mean")) {
		struct ox_view s;

		err = ox_scalar_view(l, 1.0 / n, y.dtype, 0, &s);
		if (!err)
			err = ox_emit_binary(l, OXB_MUL, &y, &s, &y, fused_act(l));
	}
	return err;
}

static int lower_pow(struct ox_lctx *l)
{
	struct ox_value *e = ox_in(l->g, l->n, 1);
	struct ox_view x, y, t;
	struct ox_act act = { 0 };
	double p;
	int err;

	if (!e->konst || e->konst->numel != 1)
		return unsupported(l, "Pow by an exponent computed at run time (the card "
				   "has no pow kernel; constant exponents 1, 2, 3, 0.5 and -1 "
				   "are lowered)");
	p = ox_get_f(e->konst, 0);
	err = float_in_out(l, &x, &y);
	if (err)
		return err;
	if (p == 1)
		return ox_emit_copy(l, &x, &y);
	if (p == 2)
		return ox_emit_binary(l, OXB_MUL, &x, &x, &y, act);
	if (p == 3) {
		err = ox_emit_binary(l, OXB_MUL, &x, &x, &y, act);
		return err ? err : ox_emit_binary(l, OXB_MUL, &y, &x, &y, act);
	}
	act.op = p == 0.5 ? OX_ACT_SQRT : p == -1 ? OX_ACT_RECIPROCAL : 0;
	if (!act.op) {
		char why[128];

		snprintf(why, sizeof(why), "Pow by %g (the card has no pow kernel; 1, 2, 3, "
			 "0.5 and -1 are lowered)", p);
		return unsupported(l, why);
	}
	t = y;
	return ox_emit_unary(l, &x, &t, act);
}

/* ---- quantisation of operands ---- */

/* Scale/zero-point inputs of operand @x_in, per channel along @axis when 1-D. */
static int qparam(struct ox_lctx *l, int scale_in, int zero_in, int x_in, int axis,
		  struct ox_quant *q)
{
	struct ox_ctx c = { .g = l->g, .n = l->n, .index = l->ni };
	struct ox_qparam p;
	int err;

	err = ox_qparams(&c, scale_in, zero_in, ox_in(l->g, l->n, x_in), axis, &p);
	if (err)
		return err;
	q->on = true;
	q->axis = p.axis;
	q->scale = p.scale;
	q->zero = p.zero;
	return 0;
}

static void absent_view(struct ox_view *v)
{
	memset(v, 0, sizeof(*v));
	v->store = -1;
	v->qscale_store = -1;
	v->qzero_store = -1;
}

/* ---- CONV2D ---- */

static int conv_common(struct ox_lctx *l, int xi, int wi, int bi, const struct ox_quant *qx,
		       const struct ox_quant *qw, const struct ox_quant *qy, int ydtype)
{
	struct ox_ctx c = { .g = l->g, .n = l->n, .index = l->ni };
	struct ox_value *xv = ox_in(l->g, l->n, xi), *wv = ox_in(l->g, l->n, wi);
	struct ox_conv_geom geo;
	struct ox_view ops[4], y;
	int64_t out_sp[3], kernel[3];
	struct ox_kernel *k;
	bool int8 = qx && qx->on;
	int i, err, one_d = xv->rank == 3;

	if (xv->rank != 3 && xv->rank != 4)
		return unsupported(l, "a 3-D convolution (the card has CONV2D)");
	for (i = 0; i < xv->rank - 2; i++)
		kernel[i] = wv->dims[2 + i];
	err = ox_conv_geom(&c, xv, kernel, false, &geo, out_sp);
	if (err)
		return err;
	err = ox_in_view(l, xi, &ops[0]);
	if (!err)
		err = ox_in_view(l, wi, &ops[1]);
	if (err)
		return err;
	if (bi >= 0 && bi < l->n->n_in && l->n->in[bi] >= 0) {
		struct ox_value *bv = ox_in(l->g, l->n, bi);

		if (int8 && bv->dtype != OX_I32 && bv->konst)
			err = ox_const_view(l, bv->konst, OX_F32, &ops[2]);
		else
			err = ox_in_view(l, bi, &ops[2]);
		if (err)
			return err;
	} else {
		absent_view(&ops[2]);
	}
	if (!int8) {
		err = need_float(l, &ops[0]);
		if (!err && ops[1].dtype != ops[0].dtype)
			err = unsupported(l, "X and W of different types");
		if (err)
			return err;
		ydtype = ops[0].dtype;
	} else {
		err = ox_view_quant(l, &ops[0], qx);
		if (!err)
			err = ox_view_quant(l, &ops[1], qw);
		if (err)
			return err;
	}
	err = ox_out_view(l, 0, ydtype, &y);
	if (!err && int8)
		err = ox_view_quant(l, &y, qy);
	if (err)
		return err;
	ops[3] = y;
	if (one_d) {
		ox_view_insert(&ops[0], 2);
		ox_view_insert(&ops[1], 2);
		ox_view_insert(&ops[3], 2);
	}
	k = ox_emit(l, OXK_CONV2D, 3, 1, ops);
	if (!k)
		return -EOPNOTSUPP;
	for (i = 0; i < 2; i++) {
		int s = one_d ? i - 1 : i;	/* 1-D: the H axis is trivial */

		k->p.conv.stride[i] = s < 0 ? 1 : (int)geo.stride[s];
		k->p.conv.dilation[i] = s < 0 ? 1 : (int)geo.dilation[s];
		k->p.conv.pad_begin[i] = s < 0 ? 0 : (int)geo.pad_begin[s];
		k->p.conv.pad_end[i] = s < 0 ? 0 : (int)geo.pad_end[s];
	}
	k->p.conv.groups = (int)geo.group;
	k->p.conv.act = fused_act(l);
	return 0;
}

static int lower_conv(struct ox_lctx *l)
{
	struct ox_fusion *f = fusion(l);

	if (f && f->int8)
		return conv_common(l, 0, 1, 2, &f->q[0], &f->q[1], &f->qout,
				   ox_out(l->g, l->n, 0)->dtype);
	return conv_common(l, 0, 1, 2, NULL, NULL, NULL, 0);
}

static int lower_qlinearconv(struct ox_lctx *l)
{
	struct ox_quant qx = { 0 }, qw = { 0 }, qy = { 0 };
	int err;

	err = qparam(l, 1, 2, 0, -1, &qx);
	if (!err)
		err = qparam(l, 4, 5, 3, 0, &qw);
	if (!err)
		err = qparam(l, 6, 7, 0, -1, &qy);
	if (err)
		return err;
	return conv_common(l, 0, 3, 8, &qx, &qw, &qy, ox_out(l->g, l->n, 0)->dtype);
}

/* ---- POOL2D, global pooling ---- */

static int lower_pool(struct ox_lctx *l)
{
	struct ox_ctx c = { .g = l->g, .n = l->n, .index = l->ni };
	struct ox_value *xv = ox_in(l->g, l->n, 0);
	struct ox_fusion *f = fusion(l);
	bool global = !strncmp(l->n->op, "Global", 6), avg = strstr(l->n->op, "Average") != NULL;
	struct ox_conv_geom geo;
	struct ox_view ops[2];
	int64_t kernel[3] = { 1, 1, 1 }, out_sp[3];
	struct ox_kernel *k;
	int i, err, one_d = xv->rank == 3, ydt;

	if (l->n->n_out > 1 && l->n->out[1] >= 0 && l->g->vals[l->n->out[1]].uses)
		return unsupported(l, "the Indices output of MaxPool");
	if (xv->rank != 3 && xv->rank != 4) {
		if (global) {
			/* any rank: a reduction over the spatial axes */
			struct ox_view y;

			err = float_in_out(l, &ops[0], &y);
			if (err)
				return err;
			ops[1] = y;
			k = ox_emit(l, OXK_REDUCE, 1, 1, ops);
			if (!k)
				return -EOPNOTSUPP;
			k->p.reduce.op = avg ? OXR_MEAN : OXR_MAX;
			for (i = 2; i < xv->rank; i++)
				k->p.reduce.axes |= 1u << i;
			return 0;
		}
		return unsupported(l, "3-D pooling (the card has POOL2D)");
	}
	if (global) {
		memset(&geo, 0, sizeof(geo));
		for (i = 0; i < xv->rank - 2; i++) {
			geo.kernel[i] = xv->dims[2 + i];
			geo.stride[i] = geo.dilation[i] = 1;
		}
	} else {
		const int64_t *ks;
		size_t nk = ox_attr_ints(l->n, "kernel_shape", &ks);

		for (i = 0; i < (int)nk && i < 3; i++)
			kernel[i] = ks[i];
		err = ox_conv_geom(&c, xv, kernel, true, &geo, out_sp);
		if (err)
			return err;
		if (!avg && l->g->opset < 10 && ox_attr_ints(l->n, "dilations", &ks))
			return unsupported(l, "dilations before opset 10");
		/* ceil mode: extend the end padding to the output the model asks for */
		for (i = 0; i < xv->rank - 2; i++) {
			int64_t ek = (geo.kernel[i] - 1) * geo.dilation[i] + 1;
			int64_t need = (out_sp[i] - 1) * geo.stride[i] + ek - xv->dims[2 + i] -
				       geo.pad_begin[i];

			if (need > geo.pad_end[i]) {
				if (avg && geo.count_include_pad)
					return unsupported(l, "ceil_mode with count_include_pad");
				geo.pad_end[i] = need;
			}
			if (geo.pad_begin[i] >= ek || geo.pad_end[i] >= ek)
				return unsupported(l, "padding as large as the pooling window");
		}
	}
	err = ox_in_view(l, 0, &ops[0]);
	if (err)
		return err;
	if (f && f->int8) {
		err = ox_view_quant(l, &ops[0], &f->q[0]);
		ydt = ox_out(l->g, l->n, 0)->dtype;
	} else {
		if (!float_view(&ops[0]) && ops[0].dtype != OX_U8 && ops[0].dtype != OX_I8)
			return need_float(l, &ops[0]);
		if (avg && !float_view(&ops[0]))
			return unsupported(l, "average pooling of unquantised integers");
		ydt = ops[0].dtype;
	}
	if (!err)
		err = ox_out_view(l, 0, ydt, &ops[1]);
	if (!err && f && f->int8)
		err = ox_view_quant(l, &ops[1], &f->qout);
	if (err)
		return err;
	if (one_d) {
		ox_view_insert(&ops[0], 2);
		ox_view_insert(&ops[1], 2);
	}
	k = ox_emit(l, OXK_POOL2D, 1, 1, ops);
	if (!k)
		return -EOPNOTSUPP;
	k->p.pool.op = avg ? OXP_AVG : OXP_MAX;
	k->p.pool.flags = avg && geo.count_include_pad ? OX_POOL_COUNT_PAD : 0;
	for (i = 0; i < 2; i++) {
		int s = one_d ? i - 1 : i;

		k->p.pool.kernel[i] = s < 0 ? 1 : (int)geo.kernel[s];
		k->p.pool.stride[i] = s < 0 ? 1 : (int)geo.stride[s];
		k->p.pool.dilation[i] = s < 0 ? 1 : (int)geo.dilation[s];
		k->p.pool.pad_begin[i] = s < 0 ? 0 : (int)geo.pad_begin[s];
		k->p.pool.pad_end[i] = s < 0 ? 0 : (int)geo.pad_end[s];
	}
	return 0;
}

/* ---- GEMM: Gemm, MatMul and their integer forms ---- */

/*
 * A's rows in the order of its memory (e.g. a Transpose of [B, S, E] to
 * [S, B, E]) when its batch and M dimensions only merge permuted: Y is
 * laid out in that order too (its value a permuted view of it), so one
 * [rows, K] x [K, N] product replaces a batch of small ones. @y is the
 * node's dense output; @ma and @my receive the 2-D views.
 */
static bool rows_in_memory_order(struct ox_lctx *l, const struct ox_view *a, struct ox_view *y,
				 const int64_t *a2, struct ox_view *ma, struct ox_view *my)
{
	int perm[OX_MAX_RANK], inv[OX_MAX_RANK], lead = a->rank - 1, i, j;
	int64_t pd[OX_MAX_RANK], y2[2];
	struct ox_view pa = *a, yd = *y, yv;

	for (i = 0; i < a->rank; i++)
		perm[i] = i;
	for (i = 1; i < lead; i++)	/* leading dimensions by decreasing stride */
		for (j = i; j > 0 && a->strides[perm[j]] > a->strides[perm[j - 1]]; j--) {
			int t = perm[j];

			perm[j] = perm[j - 1];
			perm[j - 1] = t;
		}
	for (i = 0; i < lead && perm[i] == i; i++)
		;
	if (i == lead)
		return false;	/* already in order: the reshape failed for another reason */
	ox_view_permute(&pa, perm);
	if (!ox_view_reshape(&pa, 2, a2, ma))
		return false;
	for (i = 0; i < y->rank; i++) {
		pd[i] = y->dims[perm[i]];
		inv[perm[i]] = i;
	}
	memcpy(yd.dims, pd, sizeof(pd));
	ox_strides(yd.rank, yd.dims, yd.strides);
	y2[0] = a2[0];
	y2[1] = y->dims[y->rank - 1];
	if (!ox_view_reshape(&yd, 2, y2, my))
		return false;
	yv = yd;
	ox_view_permute(&yv, inv);
	ox_set_view(l->p, l->n->out[0], &yv);
	*y = yv;
	return true;
}

static int gemm_common(struct ox_lctx *l, struct ox_view *a, struct ox_view *b,
		       struct ox_view *cv, int ydtype, const struct ox_quant *qy, unsigned flags,
		       float alpha, float beta, struct ox_act act)
{
	struct ox_value *yv = ox_out(l->g, l->n, 0);
	struct ox_view ops[4], y;
	int64_t ydims[OX_MAX_RANK];
	int ar = a->rank, br = b->rank, yr, i, err;
	struct ox_kernel *k;

	/* NumPy matmul: 1-D operands gain a unit dimension, batches broadcast */
	if (ar == 1)
		ox_view_insert(a, 0);
	if (br == 1)
		ox_view_insert(b, 1);
	err = ox_out_view(l, 0, ydtype, &y);
	if (!err && qy)
		err = ox_view_quant(l, &y, qy);
	if (err)
		return err;
	if (ar == 1)
		ox_view_insert(&y, y.rank - (br == 1 ? 0 : 1));
	if (br == 1)
		ox_view_insert(&y, y.rank);
	yr = y.rank;
	memcpy(ydims, y.dims, sizeof(ydims));
	if (br <= 2 && a->rank > 2 && ar > 1 && (!cv || cv->store < 0 || cv->rank <= 2)) {
		/* B has no batch: A's batch and M dimensions become one M when they can */
		int64_t m = ox_numel(a->rank - 1, a->dims), a2[2], y2[2];
		struct ox_view ma, my, mc, c3;
		bool ok;

		a2[0] = m;
		a2[1] = a->dims[a->rank - 1];
		y2[0] = m;
		y2[1] = y.dims[yr - 1];
		ok = !(flags & OX_GEMM_TRANS_A) && ox_view_reshape(a, 2, a2, &ma) &&
		     ox_view_reshape(&y, 2, y2, &my);
		if (ok && cv && cv->store >= 0) {
			/* C's rows must not vary within the merged M: [N] or [1, N] */
			c3 = *cv;
			ok = c3.rank < 2 || c3.dims[0] == 1;
			if (ok) {
				ox_view_expand(&c3, 2, y2);
				mc = c3;
				*cv = mc;
			}
		}
		if (!ok && !(flags & OX_GEMM_TRANS_A) && yr == a->rank && ox_view_dense(&y) &&
		    y.quant != OXQ_CHANNEL &&
		    (!cv || cv->store < 0 || cv->rank < 2 || cv->dims[0] == 1) &&
		    rows_in_memory_order(l, a, &y, a2, &ma, &my)) {
			ok = true;
			if (cv && cv->store >= 0) {
				ox_view_expand(cv, 2, y2);
			}
		}
		if (ok) {
			*a = ma;
			y = my;
			yr = 2;
			memcpy(ydims, y.dims, sizeof(ydims));
		}
	}
	{
		int64_t bd[OX_MAX_RANK];

		/* batch dimensions of A and B expanded to Y's */
		memcpy(bd, ydims, sizeof(bd));
		bd[yr - 2] = a->dims[a->rank - 2];
		bd[yr - 1] = a->dims[a->rank - 1];
		ox_view_expand(a, yr, bd);
		bd[yr - 2] = b->dims[b->rank - 2];
		bd[yr - 1] = b->dims[b->rank - 1];
		ox_view_expand(b, yr, bd);
	}
	ops[0] = *a;
	ops[1] = *b;
	if (cv && cv->store >= 0) {
		struct ox_view c2 = *cv;

		if (ar == 1 || br == 1) {
			/* C broadcasts against the ONNX output: give it Y's unit dims too */
			int64_t od[OX_MAX_RANK];

			memcpy(od, yv->dims, sizeof(od));
			ox_view_expand(&c2, yv->rank, od);
			if (ar == 1)
				ox_view_insert(&c2, c2.rank - (br == 1 ? 0 : 1));
			if (br == 1)
				ox_view_insert(&c2, c2.rank);
		}
		ox_view_expand(&c2, yr, ydims);
		ops[2] = c2;
	} else {
		absent_view(&ops[2]);
	}
	ops[3] = y;
	for (i = 0; i < 4; i++)
		if (ops[i].store >= 0 && ops[i].rank > OX_CARD_MAX_RANK)
			return unsupported(l, "batched matrix product of rank above 6");
	k = ox_emit(l, OXK_GEMM, 3, 1, ops);
	if (!k)
		return -EOPNOTSUPP;
	k->p.gemm.flags = flags;
	k->p.gemm.alpha = alpha;
	k->p.gemm.beta = beta;
	k->p.gemm.act = act;
	return 0;
}

static int lower_gemm(struct ox_lctx *l)
{
	struct ox_fusion *f = fusion(l);
	bool int8 = f && f->int8, matmul = !strcmp(l->n->op, "MatMul");
	unsigned flags = 0;
	struct ox_view a, b, c;
	int err, cin = 2;
	float alpha = matmul ? 1 : ox_attr_float(l->n, "alpha", 1);
	float beta = matmul ? 1 : ox_attr_float(l->n, "beta", 1);

	if (!matmul) {
		if (ox_attr_int(l->n, "transA", 0))
			flags |= OX_GEMM_TRANS_A;
		if (ox_attr_int(l->n, "transB", 0))
			flags |= OX_GEMM_TRANS_B;
	}
	err = ox_in_view(l, 0, &a);
	if (!err)
		err = ox_in_view(l, 1, &b);
	if (err)
		return err;
	if (cin < l->n->n_in && l->n->in[cin] >= 0) {
		struct ox_value *cv = ox_in(l->g, l->n, cin);

		if (int8 && cv->dtype != OX_I32 && cv->konst)
			err = ox_const_view(l, cv->konst, OX_F32, &c);
		else
			err = ox_in_view(l, cin, &c);
		if (err)
			return err;
	} else {
		absent_view(&c);
	}
	if (int8) {
		err = ox_view_quant(l, &a, &f->q[0]);
		if (!err)
			err = ox_view_quant(l, &b, &f->q[1]);
		if (err)
			return err;
		return gemm_common(l, &a, &b, &c, ox_out(l->g, l->n, 0)->dtype, &f->qout, flags,
				   alpha, beta, fused_act(l));
	}
	err = need_float(l, &a);
	if (!err && b.dtype != a.dtype)
		err = unsupported(l, "A and B of different types");
	if (err)
		return err;
	if (flags & OX_GEMM_TRANS_A)
		flags &= ~OX_GEMM_TRANS_A, ox_view_permute(&a, (int[]){ 1, 0 });
	if (flags & OX_GEMM_TRANS_B)
		flags &= ~OX_GEMM_TRANS_B, ox_view_permute(&b, (int[]){ 1, 0 });
	return gemm_common(l, &a, &b, &c, a.dtype, NULL, flags, alpha, beta, fused_act(l));
}

static int lower_qlinearmatmul(struct ox_lctx *l)
{
	struct ox_value *bv = ox_in(l->g, l->n, 3);
	struct ox_quant qa = { 0 }, qb = { 0 }, qy = { 0 };
	struct ox_view a, b, c;
	struct ox_act none = { 0 };
	int err;

	absent_view(&c);
	err = qparam(l, 1, 2, 0, -1, &qa);
	if (!err)
		err = qparam(l, 4, 5, 3, bv->rank - 1, &qb);
	if (!err)
		err = qparam(l, 6, 7, 0, -1, &qy);
	if (!err)
		err = ox_in_view(l, 0, &a);
	if (!err)
		err = ox_in_view(l, 3, &b);
	if (!err)
		err = ox_view_quant(l, &a, &qa);
	if (!err)
		err = ox_view_quant(l, &b, &qb);
	if (err)
		return err;
	if (b.quant == OXQ_CHANNEL && b.rank == 1)
		return unsupported(l, "per-channel scales on a 1-D B");
	return gemm_common(l, &a, &b, &c, ox_out(l->g, l->n, 0)->dtype, &qy, 0, 1, 1, none);
}

static int lower_matmulinteger(struct ox_lctx *l)
{
	struct ox_view a, b, c;
	struct ox_act none = { 0 };
	int i, err;

	absent_view(&c);
	err = ox_in_view(l, 0, &a);
	if (!err)
		err = ox_in_view(l, 1, &b);
	if (err)
		return err;
	for (i = 0; i < 2; i++) {
		struct ox_view *v = i ? &b : &a;
		struct ox_value *z = ox_in(l->g, l->n, 2 + i);

		v->quant = OXQ_TENSOR;
		v->scale = 1;
		v->zero = 0;
		if (z && z->konst) {
			if (z->konst->numel != 1)
				return unsupported(l, "per-row/column zero points");
			v->zero = (int32_t)ox_get_i(z->konst, 0);
		}
	}
	return gemm_common(l, &a, &b, &c, OX_I32, NULL, 0, 1, 1, none);
}

/* ---- normalisation, softmax, reductions ---- */

static int lower_batchnorm(struct ox_lctx *l)
{
	struct ox_view ops[6];
	struct ox_kernel *k;
	int i, err;

	for (i = 0; i < 5; i++) {
		err = ox_in_view(l, i, &ops[i]);
		if (!err)
			err = need_float(l, &ops[i]);
		if (err)
			return err;
	}
	err = ox_out_view(l, 0, ops[0].dtype, &ops[5]);
	if (err)
		return err;
	k = ox_emit(l, OXK_BATCHNORM, 5, 1, ops);
	if (!k)
		return -EOPNOTSUPP;
	k->p.bn.epsilon = ox_attr_float(l->n, "epsilon", 1e-5f);
	k->p.bn.act = fused_act(l);
	return 0;
}

/* LayerNormalization's Mean and InvStdDev outputs, when something reads them. */
static int layernorm_stats(struct ox_lctx *l, const struct ox_view *x, int axis, float eps)
{
	struct ox_value *mv = ox_out(l->g, l->n, 1), *iv = ox_out(l->g, l->n, 2);
	struct ox_view ops[2], mean, d, var, one;
	struct ox_act none = { 0 }, sq = { .op = OX_ACT_SQRT };
	struct ox_kernel *k;
	unsigned axes = 0;
	int64_t kd[OX_MAX_RANK];
	int i, s, err;

	for (i = 0; i < x->rank; i++) {
		if (i >= axis)
			axes |= 1u << i;
		kd[i] = i >= axis ? 1 : x->dims[i];
	}
	s = ox_new_store(l->p, OXS_ARENA, (uint64_t)ox_numel(x->rank, kd) * ox_dtype_size(x->dtype),
			 "layernorm.mean");
	if (s < 0)
		return s;
	ox_dense_view(&mean, s, x->dtype, x->rank, kd);
	ops[0] = *x;
	ops[1] = mean;
	k = ox_emit(l, OXK_REDUCE, 1, 1, ops);
	if (!k)
		return -EOPNOTSUPP;
	k->p.reduce.op = OXR_MEAN;
	k->p.reduce.axes = axes;
	if (mv && mv->uses) {
		struct ox_view o;

		err = ox_out_view(l, 1, 0, &o);
		if (!err)
			err = ox_emit_copy(l, &mean, &o);
		if (err)
			return err;
	}
	if (!iv || !iv->uses)
		return 0;
	/* 1 / sqrt(mean((x - mean)^2) + eps) */
	s = ox_new_store(l->p, OXS_ARENA, (uint64_t)ox_numel(x->rank, x->dims) *
			 ox_dtype_size(x->dtype), "layernorm.d");
	if (s < 0)
		return s;
	ox_dense_view(&d, s, x->dtype, x->rank, x->dims);
	err = ox_emit_binary(l, OXB_SUB, x, &mean, &d, none);
	if (!err)
		err = ox_emit_binary(l, OXB_MUL, &d, &d, &d, none);
	if (err)
		return err;
	s = ox_new_store(l->p, OXS_ARENA, (uint64_t)ox_numel(x->rank, kd) * ox_dtype_size(x->dtype),
			 "layernorm.var");
	if (s < 0)
		return s;
	ox_dense_view(&var, s, x->dtype, x->rank, kd);
	ops[0] = d;
	ops[1] = var;
	k = ox_emit(l, OXK_REDUCE, 1, 1, ops);
	if (!k)
		return -EOPNOTSUPP;
	k->p.reduce.op = OXR_MEAN;
	k->p.reduce.axes = axes;
	err = ox_scalar_view(l, eps, x->dtype, 0, &one);
	if (!err)
		err = ox_emit_binary(l, OXB_ADD, &var, &one, &var, sq);
	if (!err) {
		struct ox_view o;
		struct ox_act rcp = { .op = OX_ACT_RECIPROCAL };

		err = ox_out_view(l, 2, x->dtype, &o);
		if (!err && o.dtype == x->dtype)
			err = ox_emit_unary(l, &var, &o, rcp);
		if (!err && ox_devtype(l->p, iv->dtype) != x->dtype) {
			struct ox_view c;

			err = ox_out_view(l, 2, 0, &c);
			if (!err)
				err = ox_emit_unary(l, &var, &c, rcp);
		}
	}
	return err;
}

static int lower_layernorm(struct ox_lctx *l)
{
	struct ox_value *xv = ox_in(l->g, l->n, 0);
	struct ox_view ops[4];
	struct ox_kernel *k;
	int64_t nd[OX_MAX_RANK];
	int i, err, axis = (int)ox_attr_int(l->n, "axis", -1);
	float eps = ox_attr_float(l->n, "epsilon", 1e-5f);

	if (axis < 0)
		axis += xv->rank;
	for (i = 0; i < 3; i++) {
		err = ox_in_view(l, i, &ops[i]);
		if (!err && ops[i].store >= 0)
			err = need_float(l, &ops[i]);
		if (err)
			return err;
	}
	for (i = axis; i < xv->rank; i++)
		nd[i - axis] = xv->dims[i];
	for (i = 1; i < 3; i++)
		if (ops[i].store >= 0)
			ox_view_expand(&ops[i], xv->rank - axis, nd);
	err = ox_out_view(l, 0, ops[0].dtype, &ops[3]);
	if (err)
		return err;
	k = ox_emit(l, OXK_LAYERNORM, 3, 1, ops);
	if (!k)
		return -EOPNOTSUPP;
	k->p.norm.axis = axis;
	k->p.norm.epsilon = eps;
	for (i = 1; i < 3; i++)
		if (i < l->n->n_out && l->n->out[i] >= 0 && l->g->vals[l->n->out[i]].uses)
			return layernorm_stats(l, &ops[0], axis, eps);
	return 0;
}

static int lower_softmax(struct ox_lctx *l)
{
	struct ox_ctx c = { .g = l->g, .n = l->n, .index = l->ni };
	struct ox_value *xv = ox_in(l->g, l->n, 0);
	struct ox_view ops[2], y;
	struct ox_kernel *k;
	int axis, err;

	err = ox_softmax_axis(&c, xv, &axis);
	if (!err)
		err = float_in_out(l, &ops[0], &y);
	if (err)
		return err;
	ops[1] = y;
	if (xv->rank == 0)
		return unsupported(l, "softmax of a scalar");
	if (l->g->opset < 13 && axis != xv->rank - 1) {
		/* before opset 13: over the flattened dimensions axis.. */
		int64_t d2[2] = { 1, 1 };
		struct ox_view x2;
		int i;

		for (i = 0; i < xv->rank; i++)
			d2[i < axis ? 0 : 1] *= xv->dims[i];
		if (!ox_view_reshape(&ops[0], 2, d2, &x2)) {
			err = ox_view_materialize(l, &ops[0]);
			if (err)
				return err;
			ox_view_reshape(&ops[0], 2, d2, &x2);
		}
		ops[0] = x2;
		ox_view_reshape(&y, 2, d2, &ops[1]);
		axis = 1;
	}
	k = ox_emit(l, strcmp(l->n->op, "Softmax") ? OXK_LOG_SOFTMAX : OXK_SOFTMAX, 1, 1, ops);
	if (!k)
		return -EOPNOTSUPP;
	k->p.softmax.axis = axis;
	return 0;
}

/*
 * REDUCE, and the reductions composed around its sum: L1 (|x| first), L2
 * and SumSquare (x * x first, L2 a square root after), LogSum (a log
 * after) and LogSumExp (log(sum(exp(x - max))) + max, so that large
 * inputs do not overflow).
 */
static int lower_reduce(struct ox_lctx *l)
{
	struct ox_ctx c = { .g = l->g, .n = l->n, .index = l->ni };
	struct ox_value *xv = ox_in(l->g, l->n, 0);
	bool mask[OX_MAX_RANK];
	struct ox_view ops[2], x, y, t, m;
	int64_t kd[OX_MAX_RANK];
	struct ox_act post = { 0 };
	struct ox_kernel *k;
	unsigned axes = 0;
	int i, s, err, rop;
	const char *op = l->n->op;
	bool lse = !strcmp(op, "ReduceLogSumExp");

	err = ox_reduce_mask(&c, xv, mask);
	if (!err)
		err = float_in_out(l, &x, &y);
	if (err)
		return err;
	for (i = 0; i < xv->rank; i++) {
		if (mask[i])
			axes |= 1u << i;
		kd[i] = mask[i] ? 1 : xv->dims[i];
	}
	rop = !strcmp(op, "ReduceMean") ? OXR_MEAN : !strcmp(op, "ReduceMax") ? OXR_MAX :
	      !strcmp(op, "ReduceMin") ? OXR_MIN : OXR_SUM;
	if (!strcmp(op, "ReduceL2"))
		post.op = OX_ACT_SQRT;
	else if (!strcmp(op, "ReduceLogSum") || lse)
		post.op = OX_ACT_LOG;
	ox_view_reshape(&y, xv->rank, kd, &ops[1]);
	ops[0] = x;
	if (strcmp(op, "ReduceSum") && strcmp(op, "ReduceLogSum") && rop == OXR_SUM) {
		/* the element-wise step into a dense intermediate of X's shape */
		s = ox_new_store(l->p, OXS_ARENA, (uint64_t)ox_numel(xv->rank, xv->dims) *
				 ox_dtype_size(x.dtype), op);
		if (s < 0)
			return s;
		ox_dense_view(&t, s, x.dtype, xv->rank, xv->dims);
		if (lse) {
			/* m = max over the axes, t = exp(x - m) */
			s = ox_new_store(l->p, OXS_ARENA, (uint64_t)ox_numel(xv->rank, kd) *
					 ox_dtype_size(x.dtype), op);
			if (s < 0)
				return s;
			ox_dense_view(&m, s, x.dtype, xv->rank, kd);
			ops[1] = m;
			k = axes ? ox_emit(l, OXK_REDUCE, 1, 1, ops) : NULL;
			if (axes && !k)
				return -EOPNOTSUPP;
			if (k) {
				k->p.reduce.op = OXR_MAX;
				k->p.reduce.axes = axes;
			} else if ((err = ox_emit_copy(l, &x, &m))) {
				return err;
			}
			err = ox_emit_binary(l, OXB_SUB, &x, &m, &t,
					     (struct ox_act){ .op = OX_ACT_EXP });
			ox_view_reshape(&y, xv->rank, kd, &ops[1]);
		} else if (!strcmp(op, "ReduceL1")) {
			err = ox_emit_unary(l, &x, &t, (struct ox_act){ .op = OX_ACT_ABS });
		} else {
			err = ox_emit_binary(l, OXB_MUL, &x, &x, &t, (struct ox_act){ 0 });
		}
		if (err)
			return err;
		ops[0] = t;
	}
	if (!axes)
		err = ox_emit_copy(l, &ops[0], &ops[1]);
	if (!err && axes) {
		k = ox_emit(l, OXK_REDUCE, 1, 1, ops);
		if (!k)
			return -EOPNOTSUPP;
		k->p.reduce.op = rop;
		k->p.reduce.axes = axes;
	}
	if (!err && post.op)
		err = ox_emit_unary(l, &ops[1], &ops[1], post);
	if (!err && lse)
		err = ox_emit_binary(l, OXB_ADD, &ops[1], &m, &ops[1], (struct ox_act){ 0 });
	return err;
}

/* ---- casts and Q/DQ ---- */

static int lower_cast(struct ox_lctx *l)
{
	struct ox_value *xv = ox_in(l->g, l->n, 0), *yv = ox_out(l->g, l->n, 0);
	struct ox_view x, y;
	int err;

	if (!ox_dtype_is_float(yv->dtype) || yv->dtype == OX_F64)
		return ox_lerr(l, -EOPNOTSUPP, "Cast to %s (the card converts to fp32, fp16 and "
			       "bf16; its float-to-integer conversion rounds where ONNX "
			       "truncates)", ox_dtype_name(yv->dtype));
	if (yv->dtype == OX_BF16 && xv->dtype != OX_BF16 && xv->dtype != OX_F32)
		return ox_lerr(l, -EOPNOTSUPP, "Cast to bfloat16 from %s (ONNX truncates the "
			       "float32 bits; only float32 is cast that way)",
			       ox_dtype_name(xv->dtype));
	if (!ox_card_dtype(xv->dtype))
		return ox_lerr(l, -EOPNOTSUPP, "Cast from %s (the card has no %s tensors)",
			       ox_dtype_name(xv->dtype), ox_dtype_name(xv->dtype));
	err = ox_in_view(l, 0, &x);
	if (!err)
		err = ox_out_view(l, 0, 0, &y);
	if (err)
		return err;
	x.quant = OXQ_NONE;
	if (y.dtype == OX_BF16 && x.dtype == OX_F32) {
		/*
		 * ONNX 1.12's Cast to bfloat16 (its reference, which the node tests
		 * hold) truncates: the high half of each fp32, little-endian, so a
		 * strided copy of bf16 views. The card's CAST rounds to nearest even.
		 */
		struct ox_view hi = x;
		int r;

		hi.dtype = OX_BF16;
		hi.offset = 2 * x.offset + 1;
		for (r = 0; r < hi.rank; r++)
			hi.strides[r] *= 2;
		return ox_emit_copy(l, &hi, &y);
	}
	if (x.dtype == y.dtype)
		return ox_emit_copy(l, &x, &y);
	return ox_emit_cast(l, &x, &y);
}

static int lower_qdq(struct ox_lctx *l)
{
	struct ox_value *xv = ox_in(l->g, l->n, 0);
	bool quant = !strcmp(l->n->op, "QuantizeLinear");
	struct ox_quant q = { 0 };
	struct ox_view x, y;
	int err, axis = (int)ox_attr_int(l->n, "axis", 1);

	if (axis < 0)
		axis += xv->rank;
	err = qparam(l, 1, 2, 0, axis, &q);
	if (!err)
		err = ox_in_view(l, 0, &x);
	if (!err)
		err = ox_out_view(l, 0, 0, &y);
	if (err)
		return err;
	if (quant) {
		err = need_float(l, &x);
		if (!err)
			err = ox_view_quant(l, &y, &q);
		return err ? err : ox_emit_cast(l, &x, &y);
	}
	if (x.dtype == OX_I32) {
		/* int32 is never quantised on the card: convert, then scale */
		struct ox_view s;

		if (q.zero) {
			int64_t i;

			for (i = 0; i < q.zero->numel; i++)
				if (ox_get_i(q.zero, i))
					return unsupported(l, "an int32 zero point other than 0");
		}
		err = ox_emit_cast(l, &x, &y);
		if (err)
			return err;
		if (q.axis < 0) {
			err = ox_scalar_view(l, ox_get_f(q.scale, 0), y.dtype, 0, &s);
		} else {
			err = ox_const_view(l, q.scale, y.dtype, &s);
			if (!err) {
				int r;

				/* [C] along @axis of Y */
				for (r = axis + 1; r < y.rank; r++)
					ox_view_insert(&s, s.rank);
				for (r = 0; r < axis; r++)
					ox_view_insert(&s, 0);
			}
		}
		return err ? err : ox_emit_binary(l, OXB_MUL, &y, &s, &y, (struct ox_act){ 0 });
	}
	err = ox_view_quant(l, &x, &q);
	return err ? err : ox_emit_cast(l, &x, &y);
}

/* ---- attention ---- */

static int lower_attention(struct ox_lctx *l)
{
	struct ox_view ops[5], y;
	struct ox_kernel *k;
	int i, err, r = ox_in(l->g, l->n, 0)->rank;

	for (i = 0; i < 4; i++) {
		err = ox_in_view(l, i, &ops[i]);
		if (!err && ops[i].store >= 0)
			err = need_float(l, &ops[i]);
		if (err)
			return err;
	}
	err = ox_out_view(l, 0, ops[0].dtype, &y);
	if (err)
		return err;
	/* K^T [.., D, T] back to K [.., T, D] */
	{
		int perm[OX_MAX_RANK];

		for (i = 0; i < ops[1].rank; i++)
			perm[i] = i;
		perm[r - 1] = r - 2;
		perm[r - 2] = r - 1;
		ox_view_permute(&ops[1], perm);
	}
	ops[4] = y;
	if (ops[3].store >= 0) {
		int64_t md[OX_MAX_RANK];

		memcpy(md, ops[0].dims, sizeof(md));
		md[r - 1] = ops[1].dims[r - 2];	/* [.., S, T] */
		ox_view_expand(&ops[3], r, md);
	}
	if (r == 3)
		for (i = 0; i < 5; i++)
			if (ops[i].store >= 0)
				ox_view_insert(&ops[i], 1);	/* one head per batch entry */
	k = ox_emit(l, OXK_ATTENTION, 4, 1, ops);
	if (!k)
		return -EOPNOTSUPP;
	k->p.attn.scale = ox_attr_float(l->n, "scale", 0);
	return 0;
}

/* ---- Tile and Pad as copies ---- */

/*
 * Tile: Y viewed as [rep0, d0, rep1, d1, ...] is X broadcast along the
 * repeats (stride 0), one strided copy. Each repeated axis adds a
 * dimension, so when they do not all fit the card's rank the copy runs in
 * stages, each tiling as many axes as fit into an intermediate.
 */
static int lower_tile(struct ox_lctx *l)
{
	struct ox_value *xv = ox_in(l->g, l->n, 0), *yv = ox_out(l->g, l->n, 0);
	struct ox_view cur, y, src, dst;
	int64_t reps[OX_MAX_RANK], shape[OX_MAX_RANK], dstr[OX_MAX_RANK];
	int i, r = xv->rank, left = 0, err;

	err = ox_in_view(l, 0, &cur);
	if (!err)
		err = ox_out_view(l, 0, cur.dtype, &y);
	if (err)
		return err;
	for (i = 0; i < r; i++) {
		reps[i] = yv->dims[i] / (xv->dims[i] ? xv->dims[i] : 1);
		shape[i] = xv->dims[i];
		left += reps[i] > 1;
	}
	if (!left || !ox_numel(r, yv->dims))
		return ox_emit_copy(l, &cur, &y);
	if (r >= OX_CARD_MAX_RANK)
		return unsupported(l, "Tile of rank 6 (a repeated axis needs a dimension more)");
	while (left) {
		int room = OX_CARD_MAX_RANK - r, n = 0, s, k;
		bool now[OX_MAX_RANK];

		/* this stage's axes: the first @room still repeated */
		src = cur;
		src.rank = 0;
		for (i = 0; i < r; i++) {
			now[i] = reps[i] > 1 && n < room;
			if (now[i]) {
				src.dims[src.rank] = reps[i];
				src.strides[src.rank++] = 0;
				n++;
			}
			src.dims[src.rank] = shape[i];
			src.strides[src.rank++] = cur.strides[i];
			if (now[i]) {
				shape[i] *= reps[i];
				reps[i] = 1;
			}
		}
		left -= n;
		if (left) {
			s = ox_new_store(l->p, OXS_ARENA, (uint64_t)ox_numel(r, shape) *
					 ox_dtype_size(cur.dtype), "tile");
			if (s < 0)
				return s;
			ox_dense_view(&dst, s, cur.dtype, r, shape);
		} else {
			dst = y;
		}
		/* the stage's output split as its source is */
		ox_strides(r, shape, dstr);
		cur = dst;
		for (i = 0, k = 0; i < r; i++) {
			if (now[i]) {
				/* a repeated axis [rep, d] of the tiled axis' stride */
				dst.strides[k] = dstr[i] * src.dims[k + 1];
				k++;
			}
			dst.strides[k++] = dstr[i];
		}
		dst.rank = src.rank;
		memcpy(dst.dims, src.dims, sizeof(dst.dims));
		err = ox_emit_copy(l, &src, &dst);
		if (err)
			return err;
	}
	return 0;
}

static int lower_pad(struct ox_lctx *l)
{
	struct ox_value *xv = ox_in(l->g, l->n, 0), *yv = ox_out(l->g, l->n, 0);
	struct ox_view x, y, inner;
	struct ox_kernel *k;
	int64_t pads[2 * OX_MAX_RANK];
	double value = 0;
	uint32_t pattern;
	int i, n, err;

	if (strcmp(ox_attr_str(l->n, "mode", "constant"), "constant"))
		return unsupported(l, "reflect and edge padding (constant mode is lowered)");
	if (l->g->opset < 11) {
		const int64_t *p;

		n = (int)ox_attr_ints(l->n, "pads", &p);
		if (n > 2 * OX_MAX_RANK)
			return unsupported(l, "too many pads");
		if (n)
			memcpy(pads, p, sizeof(*p) * (size_t)n);
		value = ox_attr_float(l->n, "value", 0);
	} else {
		struct ox_ctx c = { .g = l->g, .n = l->n, .index = l->ni };
		struct ox_value *cv = ox_in(l->g, l->n, 2);

		n = ox_const_ints(&c, 1, pads, 2 * OX_MAX_RANK);
		if (n < 0)
			return n;
		if (cv && cv->konst)
			value = ox_get_f(cv->konst, 0);
	}
	if (n != 2 * xv->rank)	/* shape inference refused it */
		return unsupported(l, "pads not two per dimension");
	for (i = 0; i < n; i++)
		if (pads[i] < 0)
			return unsupported(l, "negative pads (cropping)");
	err = ox_in_view(l, 0, &x);
	if (!err)
		err = ox_out_view(l, 0, 0, &y);
	if (err)
		return err;
	/* FILL repeats a 32-bit pattern: the value in the output's type */
	{
		float f = (float)value;
		uint16_t h;

		switch (y.dtype) {
		case OX_F32: memcpy(&pattern, &f, 4); break;
		case OX_F16: h = ox_f32_to_f16(f); pattern = h | (uint32_t)h << 16; break;
		case OX_BF16: h = ox_f32_to_bf16(f); pattern = h | (uint32_t)h << 16; break;
		default:
			if (ox_dtype_size(y.dtype) == 1) {
				uint8_t b = (uint8_t)(int64_t)value;

				pattern = b * 0x01010101u;
			} else if (y.dtype == OX_I32) {
				pattern = (uint32_t)(int32_t)value;
			} else {
				return unsupported(l, "Pad of this type");
			}
		}
	}
	k = ox_emit(l, OXK_FILL, 0, 1, &y);
	if (!k)
		return -EOPNOTSUPP;
	k->p.fill.bytes = (uint64_t)ox_numel(yv->rank, yv->dims) * ox_dtype_size(y.dtype);
	k->p.fill.value = pattern;
	inner = y;
	for (i = 0; i < n / 2; i++) {	/* the rank: n pads were checked */
		inner.offset += pads[i] * y.strides[i];
		inner.dims[i] = xv->dims[i];
	}
	if (x.dtype != y.dtype)
		return ox_emit_cast(l, &x, &inner);
	return ox_emit_copy(l, &x, &inner);
}

/* Trilu: zero the output (FILL), then copy the kept part of every row (COPY). */
static int lower_trilu(struct ox_lctx *l)
{
	struct ox_value *xv = ox_in(l->g, l->n, 0), *kv = ox_in(l->g, l->n, 1);
	bool upper = ox_attr_int(l->n, "upper", 1) != 0;
	int64_t k = kv && kv->konst ? ox_get_i(kv->konst, 0) : 0;
	int64_t rows = xv->dims[xv->rank - 2], cols = xv->dims[xv->rank - 1];
	int64_t batch = rows && cols ? ox_numel(xv->rank, xv->dims) / (rows * cols) : 0, b, i;
	size_t es = ox_dtype_size(xv->dtype);
	struct ox_view x, y, ops[2];
	struct ox_kernel *kn;
	int err;

	if (batch * rows > 4096)
		return unsupported(l, "Trilu of more than 4096 rows");
	err = ox_in_view(l, 0, &x);
	if (!err && !ox_view_dense(&x))
		err = ox_card_dtype(x.dtype) ? ox_view_materialize(l, &x) :
			unsupported(l, "Trilu of a strided view of this type");
	if (!err)
		err = ox_out_view(l, 0, x.dtype, &y);
	if (err)
		return err;
	kn = ox_emit(l, OXK_FILL, 0, 1, &y);
	if (!kn)
		return -EOPNOTSUPP;
	kn->p.fill.bytes = (uint64_t)ox_numel(xv->rank, xv->dims) * es;
	for (b = 0; b < batch; b++)
		for (i = 0; i < rows; i++) {
			int64_t j0 = upper ? i + k : 0, j1 = upper ? cols : i + k + 1;

			j0 = j0 < 0 ? 0 : j0 > cols ? cols : j0;
			j1 = j1 < 0 ? 0 : j1 > cols ? cols : j1;
			if (j1 <= j0)
				continue;
			ox_dense_view(&ops[0], x.store, x.dtype, 1, (int64_t[]){ j1 - j0 });
			ops[0].offset = x.offset + (b * rows + i) * cols + j0;
			ops[1] = ops[0];
			ops[1].store = y.store;
			ops[1].offset = (b * rows + i) * cols + j0;
			kn = ox_emit(l, OXK_COPY, 1, 1, ops);
			if (!kn)
				return -EOPNOTSUPP;
			kn->p.copy.bytes = (uint64_t)(j1 - j0) * es;
		}
	return 0;
}

static const struct {
	const char *op;
	int (*fn)(struct ox_lctx *l);
} compute[] = {
	{ "Trilu", lower_trilu },
	{ "Relu", lower_unary }, { "LeakyRelu", lower_unary }, { "Sigmoid", lower_unary },
	{ "Tanh", lower_unary }, { "Exp", lower_unary }, { "Log", lower_unary },
	{ "Sqrt", lower_unary }, { "Reciprocal", lower_unary }, { "Neg", lower_unary },
	{ "Abs", lower_unary }, { "Erf", lower_unary }, { "Gelu", lower_unary },
	{ "Clip", lower_unary },
	{ "Add", lower_binary }, { "Sub", lower_binary }, { "Mul", lower_binary },
	{ "Div", lower_binary }, { "Max", lower_binary }, { "Min", lower_binary },
	{ "Sum", lower_binary }, { "Mean", lower_binary }, { "Pow", lower_pow },
	{ "Conv", lower_conv }, { "QLinearConv", lower_qlinearconv },
	{ "MaxPool", lower_pool }, { "AveragePool", lower_pool },
	{ "GlobalAveragePool", lower_pool }, { "GlobalMaxPool", lower_pool },
	{ "Gemm", lower_gemm }, { "MatMul", lower_gemm },
	{ "QLinearMatMul", lower_qlinearmatmul }, { "MatMulInteger", lower_matmulinteger },
	{ "BatchNormalization", lower_batchnorm }, { "LayerNormalization", lower_layernorm },
	{ "Softmax", lower_softmax }, { "LogSoftmax", lower_softmax },
	{ "ReduceSum", lower_reduce }, { "ReduceMean", lower_reduce },
	{ "ReduceMax", lower_reduce }, { "ReduceMin", lower_reduce },
	{ "ReduceL1", lower_reduce }, { "ReduceL2", lower_reduce },
	{ "ReduceSumSquare", lower_reduce }, { "ReduceLogSum", lower_reduce },
	{ "ReduceLogSumExp", lower_reduce },
	{ "Cast", lower_cast }, { "CastLike", lower_cast },
	{ "QuantizeLinear", lower_qdq }, { "DequantizeLinear", lower_qdq },
	{ "Attention", lower_attention }, { "Tile", lower_tile }, { "Pad", lower_pad },
};

bool ox_lower_compute_handles(const char *op)
{
	size_t i;

	for (i = 0; i < OX_ARRAY_SIZE(compute); i++)
		if (!strcmp(op, compute[i].op))
			return true;
	return ox_lower_act_handles(op);
}

int ox_lower_compute(struct ox_lctx *l)
{
	size_t i;

	for (i = 0; i < OX_ARRAY_SIZE(compute); i++)
		if (!strcmp(l->n->op, compute[i].op))
			return compute[i].fn(l);
	if (ox_lower_act_handles(l->n->op))
		return ox_lower_act(l);
	return ox_lerr(l, -EOPNOTSUPP, "the card has no kernel for %s", l->n->op);
}
