// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Element-wise kernels: BINARY (Y = act(A op B), NumPy broadcasting
 * through strides) and UNARY (Y = op(X)).
 *
 * Reference: every element loaded as fp32 (fp16/bf16 widened exactly,
 * int8/uint8 dequantised: scale * (q - zp)), the operation and then the
 * activation in fp32 (MAX/MIN give NaN if either side is NaN), the result
 * rounded once to Y's dtype (to nearest even; int8: quantised, rne,
 * saturated, NaN to the zero point).
 *
 * Fast path:
 * - float: oneDNN binary (ADD, SUB, MUL, DIV; the activation as a
 *   post-op) and eltwise primitives where the layouts suit them; else rows
 *   staged as fp32 and computed by loops the compiler vectorises. MAX and
 *   MIN, and the activations oneDNN does not give NaN semantics for (relu,
 *   leaky relu, clip, exp, log: kd_act_faithful()), always take the loops;
 * - int8: lookup tables built with the reference's own expression, so
 *   that the result is bit-exact: 256 entries for UNARY, 65536 (every
 *   pair of inputs) for an ADD large enough to pay for them.
 */
#include <stdlib.h>

#include "rows.h"
#include "scratch.h"

/* The binary operation in fp32 (shared by both paths). */
static inline float bin_op(uint32_t op, float a, float b)
{
	switch (op) {
	case TAIHU_BINARY_ADD:
		return a + b;
	case TAIHU_BINARY_SUB:
		return a - b;
	case TAIHU_BINARY_MUL:
		return a * b;
	case TAIHU_BINARY_DIV:
		return a / b;
	case TAIHU_BINARY_MAX:
		return a != a || b != b ? a + b : a > b ? a : b;
	default:
		return a != a || b != b ? a + b : a < b ? a : b;
	}
}

/* ---- reference ---------------------------------------------------------- */

int binary_ref(struct kexec *x)
{
	const struct taihu_binary_params *p = &x->k->p.binary;
	const struct ktensor *A = &x->t[0], *B = &x->t[1], *Y = &x->t[2];
	const struct taihu_tensor_desc *d[3] = { A->d, B->d, Y->d };
	struct krows r;

	krows_init(&r, Y->d->rank, Y->d->shape, d, 3);
	do {
		uint32_t j;

		if (kernel_aborted(x))
			return KERNEL_ABORTED;
		for (j = 0; j < r.len; j++) {
			float a = kt_load(A, r.w.off[0] + j * r.st[0], 0);
			float b = kt_load(B, r.w.off[1] + j * r.st[1], 0);

			kt_store(Y, r.w.off[2] + j * r.st[2], kact(&p->act, bin_op(p->op, a, b)), 0);
		}
	} while (krows_next(&r));
	return KERNEL_OK;
}

int unary_ref(struct kexec *x)
{
	const struct taihu_act *act = &x->k->p.unary.act;
	const struct ktensor *X = &x->t[0], *Y = &x->t[1];
	const struct taihu_tensor_desc *d[2] = { X->d, Y->d };
	struct krows r;

	krows_init(&r, Y->d->rank, Y->d->shape, d, 2);
	do {
		uint32_t j;

		if (kernel_aborted(x))
			return KERNEL_ABORTED;
		for (j = 0; j < r.len; j++)
			kt_store(Y, r.w.off[1] + j * r.st[1],
				 kact(act, kt_load(X, r.w.off[0] + j * r.st[0], 0)), 0);
	} while (krows_next(&r));
	return KERNEL_OK;
}

/* ---- fast path ---------------------------------------------------------- */

#ifndef KERNELS_REFERENCE_ONLY
#include "kdnnl.h"

/* Elements of the dense row buffers of the loops. */
#define ROW_CHUNK	4096

/* y = a op b over a row (the operands may be y). */
static void bin_row(uint32_t op, const float *a, const float *b, float *y, uint32_t n)
{
	uint32_t j;

	switch (op) {
	case TAIHU_BINARY_ADD:
		for (j = 0; j < n; j++)
			y[j] = a[j] + b[j];
		break;
	case TAIHU_BINARY_SUB:
		for (j = 0; j < n; j++)
			y[j] = a[j] - b[j];
		break;
	case TAIHU_BINARY_MUL:
		for (j = 0; j < n; j++)
			y[j] = a[j] * b[j];
		break;
	case TAIHU_BINARY_DIV:
		for (j = 0; j < n; j++)
			y[j] = a[j] / b[j];
		break;
	default:
		for (j = 0; j < n; j++)
			y[j] = bin_op(op, a[j], b[j]);
	}
}

/* oneDNN's name of an operation: 1 where it has none that matches ours. */
static int binary_alg(uint32_t op, dnnl_alg_kind_t *alg)
{
	switch (op) {
	case TAIHU_BINARY_ADD:
		*alg = dnnl_binary_add;
		return 0;
	case TAIHU_BINARY_SUB:
		*alg = dnnl_binary_sub;
		return 0;
	case TAIHU_BINARY_MUL:
		*alg = dnnl_binary_mul;
		return 0;
	case TAIHU_BINARY_DIV:
		*alg = dnnl_binary_div;
		return 0;
	}
	return 1;
}

static bool view_full(const struct kd_view *v, const struct kd_view *y)
{
	int i;

	for (i = 0; i < y->ndims; i++)
		if (v->dims[i] != y->dims[i])
			return false;
	return true;
}

/* oneDNN binary: src0 the full-shape operand, src1 broadcast. */
static int binary_dnnl(struct kexec *x)
{
	const struct taihu_binary_params *p = &x->k->p.binary;
	unsigned int rank = x->k->t[2].rank ? x->k->t[2].rank : 1;
	struct kd_view a, b, y;
	dnnl_memory_desc_t amd, bmd, ymd;
	dnnl_primitive_attr_t attr;
	dnnl_binary_desc_t desc;
	dnnl_primitive_desc_t pd = NULL;
	dnnl_alg_kind_t alg;
	int ret = KERNEL_FALLBACK;

	if (binary_alg(p->op, &alg) || kd_dt(x->k->t[0].dtype) == dnnl_f16 ||
	    !kd_act_faithful(&p->act))
		return KERNEL_FALLBACK;
	kd_view_of(&a, &x->t[0], rank);
	kd_view_of(&b, &x->t[1], rank);
	kd_view_of(&y, &x->t[2], rank);
	if (!view_full(&a, &y)) {
		struct kd_view t = a;

		/* Only the commutative operations may swap their sides. */
		if (!view_full(&b, &y) || (p->op != TAIHU_BINARY_ADD && p->op != TAIHU_BINARY_MUL))
			return KERNEL_FALLBACK;
		a = b;
		b = t;
	}
	if (kd_md(&amd, &a) || kd_md(&bmd, &b) || kd_md(&ymd, &y) ||
	    dnnl_binary_desc_init(&desc, alg, &amd, &bmd, &ymd) != dnnl_success)
		return KERNEL_FALLBACK;
	attr = kd_attr_act(&p->act);
	if (!attr)
		return KERNEL_FALLBACK;
	pd = kd_pd(&desc, attr);
	if (!pd)
		goto out;
	{
		const struct kd_arg args[3] = {
			{ DNNL_ARG_SRC_0, &a }, { DNNL_ARG_SRC_1, &b }, { DNNL_ARG_DST, &y },
		};

		if (!kd_execute(pd, args, 3))
			ret = KERNEL_OK;
	}
out:
	if (pd)
		dnnl_primitive_desc_destroy(pd);
	dnnl_primitive_attr_destroy(attr);
	return ret;
}

/*
 * The row loops of both kernels: @nin inputs (1: UNARY, 2: BINARY), then
 * Y; the operation, then the activation, over fp32 copies of each row.
 */
static int eltwise_rows(struct kexec *x, unsigned int nin, uint32_t op,
			const struct taihu_act *act)
{
	const struct ktensor *A = &x->t[0], *B = &x->t[1], *Y = &x->t[nin];
	const struct taihu_tensor_desc *d[3] = { A->d, B->d, Y->d };
	float *ba = kscratch_get(x, 3 * ROW_CHUNK * sizeof(float)), *bb, *by;
	struct krows r;

	if (!ba)
		return KERNEL_FAILED;
	bb = ba + ROW_CHUNK;
	by = bb + ROW_CHUNK;
	d[nin] = Y->d;
	krows_init(&r, Y->d->rank, Y->d->shape, d, nin + 1);
	do {
		uint32_t j0;

		if (kernel_aborted(x))
			return KERNEL_ABORTED;
		for (j0 = 0; j0 < r.len; j0 += ROW_CHUNK) {
			uint32_t n = r.len - j0 < ROW_CHUNK ? r.len - j0 : ROW_CHUNK;
			uint64_t oa = r.w.off[0] + j0 * r.st[0], ob = r.w.off[1] + j0 * r.st[1];
			uint64_t oy = r.w.off[nin] + j0 * r.st[nin];
			const float *va = krow_load(A, oa, r.st[0], n, ba);
			float *vy = krow_dst(Y, oy, r.st[nin], by);

			if (nin == 2)
				bin_row(op, va, krow_load(B, ob, r.st[1], n, bb), vy, n);
			else if (vy != va)
				memcpy(vy, va, n * sizeof(float));
			kact_row(act, vy, n);
			krow_store(Y, oy, r.st[nin], n, vy);
		}
	} while (krows_next(&r));
	return KERNEL_OK;
}

static int binary_rows(struct kexec *x)
{
	return eltwise_rows(x, 2, x->k->p.binary.op, &x->k->p.binary.act);
}

static int unary_rows(struct kexec *x)
{
	return eltwise_rows(x, 1, 0, &x->k->p.unary.act);
}

/* Int8 ADD is worth a 64K-entry table from this many outputs on. */
#define BINARY_LUT_MIN	(1u << 16)

static int binary_int8(struct kexec *x)
{
	const struct taihu_binary_params *p = &x->k->p.binary;
	const struct ktensor *A = &x->t[0], *B = &x->t[1], *Y = &x->t[2];
	const struct taihu_tensor_desc *d[3] = { A->d, B->d, Y->d };
	const int32_t amin = kq_min(kt_dtype(A)), bmin = kq_min(kt_dtype(B));
	const bool as = kt_dtype(A) == TAIHU_DTYPE_INT8, bs = kt_dtype(B) == TAIHU_DTYPE_INT8;
	uint8_t *lut;
	struct krows r;
	int32_t qa, qb;

	if (x->k->elems[2] < BINARY_LUT_MIN)
		return KERNEL_FALLBACK;
	lut = kscratch_get(x, 65536);
	if (!lut)
		return KERNEL_FAILED;
	/* Entry (qa - amin) * 256 + (qb - bmin): the reference's expression. */
	for (qa = amin; qa < amin + 256; qa++) {
		float a = kt_scale(A, 0) * (float)(qa - kt_zp(A, 0));

		for (qb = bmin; qb < bmin + 256; qb++) {
			float b = kt_scale(B, 0) * (float)(qb - kt_zp(B, 0));
			float v = kact(&p->act, bin_op(p->op, a, b));

			lut[(qa - amin) * 256 + (qb - bmin)] =
				(uint8_t)kq_quantize(v, kt_scale(Y, 0), kt_zp(Y, 0), kt_dtype(Y));
		}
	}
	krows_init(&r, Y->d->rank, Y->d->shape, d, 3);
	do {
		const uint8_t *pa = A->p + r.w.off[0], *pb = B->p + r.w.off[1];
		uint8_t *py = Y->p + r.w.off[2];
		const int64_t sa = r.st[0], sb = r.st[1], sy = r.st[2];
		uint32_t j;

		if (kernel_aborted(x))
			return KERNEL_ABORTED;
		/* Raw bytes: flipping the sign bit maps int8 -128..127 to 0..255 in order. */
		for (j = 0; j < r.len; j++) {
			unsigned int ia = pa[j * sa] ^ (as ? 0x80 : 0), ib = pb[j * sb] ^ (bs ? 0x80 : 0);

			py[j * sy] = lut[ia * 256 + ib];
		}
	} while (krows_next(&r));
	return KERNEL_OK;
}


static bool same_layout(const struct kd_view *a, const struct kd_view *b)
{
	int i;

	for (i = 0; i < a->ndims; i++)
		if (a->dims[i] != b->dims[i] || (a->dims[i] > 1 && a->strides[i] != b->strides[i]))
			return false;
	return true;
}

/* oneDNN eltwise: X and Y of one layout, an operation oneDNN has, not fp16. */
static int unary_dnnl(struct kexec *x)
{
	const struct taihu_act *act = &x->k->p.unary.act;
	unsigned int rank = x->k->t[0].rank ? x->k->t[0].rank : 1;
	struct kd_view v, y;
	dnnl_memory_desc_t md;
	dnnl_eltwise_desc_t desc;
	dnnl_primitive_desc_t pd;
	dnnl_alg_kind_t alg;
	float al, be;
	int ret = KERNEL_FALLBACK;

	if (!kd_act_faithful(act) || kd_act_alg(act, &alg, &al, &be) ||
	    kd_dt(x->k->t[0].dtype) == dnnl_f16)
		return KERNEL_FALLBACK;
	kd_view_of(&v, &x->t[0], rank);
	kd_view_of(&y, &x->t[1], rank);
	if (!same_layout(&v, &y) || kd_md(&md, &v) ||
	    dnnl_eltwise_forward_desc_init(&desc, dnnl_forward_inference, alg, &md, al, be) !=
	    dnnl_success)
		return KERNEL_FALLBACK;
	pd = kd_pd(&desc, NULL);
	if (!pd)
		return KERNEL_FALLBACK;
	{
		const struct kd_arg args[2] = { { DNNL_ARG_SRC, &v }, { DNNL_ARG_DST, &y } };

		if (!kd_execute(pd, args, 2))
			ret = KERNEL_OK;
	}
	dnnl_primitive_desc_destroy(pd);
	return ret;
}

/* Int8 UNARY: one table entry per input value, built with the reference's expression. */
static int unary_int8(struct kexec *x)
{
	const struct taihu_act *act = &x->k->p.unary.act;
	const struct ktensor *X = &x->t[0], *Y = &x->t[1];
	const struct taihu_tensor_desc *d[2] = { X->d, Y->d };
	const bool xs = kt_dtype(X) == TAIHU_DTYPE_INT8;
	const int32_t xmin = kq_min(kt_dtype(X));
	uint8_t lut[256];
	struct krows r;
	int32_t q;

	for (q = xmin; q < xmin + 256; q++)
		lut[q - xmin] = (uint8_t)kq_quantize(kact(act, kt_scale(X, 0) * (float)(q - kt_zp(X, 0))),
						     kt_scale(Y, 0), kt_zp(Y, 0), kt_dtype(Y));
	krows_init(&r, Y->d->rank, Y->d->shape, d, 2);
	do {
		const uint8_t *px = X->p + r.w.off[0];
		uint8_t *py = Y->p + r.w.off[1];
		const int64_t sx = r.st[0], sy = r.st[1];
		uint32_t j;

		if (kernel_aborted(x))
			return KERNEL_ABORTED;
		for (j = 0; j < r.len; j++)
			py[j * sy] = lut[px[j * sx] ^ (xs ? 0x80 : 0)];
	} while (krows_next(&r));
	return KERNEL_OK;
}

/* Int8 by its table; float by oneDNN, or by the row loops where oneDNN declines. */
static int eltwise_fast(struct kexec *x, kernel_fn int8, kernel_fn dnnl, kernel_fn rows)
{
	int ret;

	if (!tk_dtype_is_float(x->k->t[0].dtype))
		return int8(x);
	ret = dnnl(x);
	return ret != KERNEL_FALLBACK ? ret : rows(x);
}

int binary_fast(struct kexec *x)
{
	return eltwise_fast(x, binary_int8, binary_dnnl, binary_rows);
}

int unary_fast(struct kexec *x)
{
	return eltwise_fast(x, unary_int8, unary_dnnl, unary_rows);
}
#endif /* KERNELS_REFERENCE_ONLY */
