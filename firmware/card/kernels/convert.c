// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * TRANSPOSE (Y = X permuted, any permutation of up to six dimensions) and
 * CAST (element-wise conversion between any two dtypes, quantising and
 * dequantising). A transpose is a conversion from the permuted view of X.
 *
 * Reference: elements copied bit for bit when both sides have one dtype
 * and one meaning (float, INT32, or quantised with the same per-tensor
 * scale and zero point); otherwise each element goes through fp32: float
 * widened, INT32 converted (rounded to fp32), quantised dequantised
 * (scale * (q - zp), per channel where given), then stored as Y's dtype:
 * float rounded to nearest even, INT32 rounded half to even and saturated
 * (NaN 0), quantised with Y's parameters (rne, saturation, NaN the zero
 * point).
 *
 * Fast path: bit copies by oneDNN reorders (which block transposes for the
 * cache) or row loops; conversions per row: fp16/bf16 in bulk (F16C),
 * dequantisation through a 256-entry table of the reference's values,
 * quantisation by kq_quantize() over a row, so that the results are those
 * of the reference. Per-channel quantisation is left to the reference.
 */
#include "rows.h"
#include "scratch.h"

/* X as seen from Y: shape[i] = X.shape[perm[i]] (the identity for CAST). */
static void src_view(const struct kexec *x, struct taihu_tensor_desc *v)
{
	const struct taihu_tensor_desc *X = &x->k->t[0];
	unsigned int i;

	*v = *X;
	if (x->k->kernel != TAIHU_KERNEL_TRANSPOSE)
		return;
	for (i = 0; i < X->rank; i++) {
		unsigned int from = x->k->p.transpose.perm[i];

		v->shape[i] = X->shape[from];
		v->strides[i] = X->strides[from];
		if (X->quant == TAIHU_QUANT_CHANNEL && from == X->quant_axis)
			v->quant_axis = (uint8_t)i;
	}
}

/* Whether elements may be copied bit for bit: one dtype and one meaning. */
static bool bit_copy(const struct taihu_tensor_desc *a, const struct taihu_tensor_desc *b)
{
	if (a->dtype != b->dtype)
		return false;
	if (!tk_dtype_is_quant(a->dtype))
		return true;
	return a->quant != TAIHU_QUANT_CHANNEL && a->quant == b->quant &&
	       a->scale == b->scale && a->zero_point == b->zero_point;
}

/* ---- reference ---------------------------------------------------------- */

static int convert_ref(struct kexec *x)
{
	const struct ktensor *Y = &x->t[1];
	struct taihu_tensor_desc xv;
	struct ktensor X = x->t[0];
	const unsigned int esz = tk_dtype_size(Y->d->dtype);
	bool copy, xch, ych;
	struct kwalk w;

	src_view(x, &xv);
	X.d = &xv;
	copy = bit_copy(&xv, Y->d);
	xch = xv.quant == TAIHU_QUANT_CHANNEL;
	ych = Y->d->quant == TAIHU_QUANT_CHANNEL;
	kwalk_init(&w, Y->d->rank, Y->d->shape);
	kwalk_add(&w, &xv);
	kwalk_add(&w, Y->d);
	do {
		if (w.idx[Y->d->rank ? Y->d->rank - 1 : 0] == 0 && kernel_aborted(x))
			return KERNEL_ABORTED;
		if (copy) {
			memcpy(Y->p + w.off[1] * esz, X.p + w.off[0] * esz, esz);
		} else {
			float v = kt_load(&X, w.off[0], xch ? w.idx[xv.quant_axis] : 0);

			kt_store(Y, w.off[1], v, ych ? w.idx[Y->d->quant_axis] : 0);
		}
	} while (kwalk_next(&w));
	return KERNEL_OK;
}

int transpose_ref(struct kexec *x)
{
	return convert_ref(x);
}

int cast_ref(struct kexec *x)
{
	return convert_ref(x);
}

/* ---- fast path ---------------------------------------------------------- */

#ifndef KERNELS_REFERENCE_ONLY
#include "kdnnl.h"

/* A oneDNN descriptor of @d's own layout; -1 for a broadcast view. */
static int view_md(dnnl_memory_desc_t *md, const struct taihu_tensor_desc *d)
{
	dnnl_dims_t dims, st;
	unsigned int i;

	if (!d->rank) {
		dims[0] = st[0] = 1;
		return dnnl_memory_desc_init_by_strides(md, 1, dims, kd_dt(d->dtype), st) ==
		       dnnl_success ? 0 : -1;
	}
	for (i = 0; i < d->rank; i++) {
		if (d->shape[i] > 1 && !d->strides[i])
			return -1;
		dims[i] = d->shape[i];
		st[i] = d->shape[i] > 1 ? d->strides[i] : 1;
	}
	return dnnl_memory_desc_init_by_strides(md, (int)d->rank, dims, kd_dt(d->dtype), st) ==
	       dnnl_success ? 0 : -1;
}

/* Bit copies by rows: memcpy where both rows are contiguous. */
static int copy_rows(struct kexec *x, const struct ktensor *X, const struct taihu_tensor_desc *xv)
{
	const struct ktensor *Y = &x->t[1];
	const struct taihu_tensor_desc *d[2] = { xv, Y->d };
	const unsigned int esz = tk_dtype_size(Y->d->dtype);
	struct krows r;

	krows_init(&r, Y->d->rank, Y->d->shape, d, 2);
	do {
		const uint8_t *s = X->p + r.w.off[0] * esz;
		uint8_t *o = Y->p + r.w.off[1] * esz;
		uint32_t j;

		if (kernel_aborted(x))
			return KERNEL_ABORTED;
		if ((r.st[0] == 1 || r.len == 1) && (r.st[1] == 1 || r.len == 1)) {
			memcpy(o, s, (size_t)r.len * esz);
			continue;
		}
		for (j = 0; j < r.len; j++)
			memcpy(o + j * r.st[1] * esz, s + j * r.st[0] * esz, esz);
	} while (krows_next(&r));
	return KERNEL_OK;
}

/* Per-tensor conversion by rows: X to fp32 (dequantised by table), fp32 to Y. */
static int convert_rows(struct kexec *x, const struct ktensor *X, const struct taihu_tensor_desc *xv)
{
	const struct ktensor *Y = &x->t[1];
	const struct taihu_tensor_desc *d[2] = { xv, Y->d };
	const unsigned int xdt = xv->dtype, ydt = Y->d->dtype;
	const uint32_t row = Y->d->rank ? Y->d->shape[Y->d->rank - 1] : 1;
	float *lut = kscratch_get(x, (256 + (size_t)row) * sizeof(float));
	struct krows r;
	int32_t q;

	if (!lut)
		return KERNEL_FAILED;
	if (tk_dtype_is_quant(xdt))
		for (q = kq_min(xdt); q <= kq_max(xdt); q++)
			lut[q - kq_min(xdt)] = kt_scale(X, 0) * (float)(q - kt_zp(X, 0));
	krows_init(&r, Y->d->rank, Y->d->shape, d, 2);
	do {
		const uint64_t xo = r.w.off[0], yo = r.w.off[1];
		const int64_t xs = r.st[0], ys = r.st[1];
		float *in = lut + 256;
		const float *v = in;
		uint32_t j;

		if (kernel_aborted(x))
			return KERNEL_ABORTED;
		if (xdt == TAIHU_DTYPE_INT8)
			for (j = 0; j < r.len; j++)
				in[j] = lut[((const int8_t *)X->p)[xo + j * xs] + 128];
		else if (xdt == TAIHU_DTYPE_UINT8)
			for (j = 0; j < r.len; j++)
				in[j] = lut[X->p[xo + j * xs]];
		else if (xdt == TAIHU_DTYPE_INT32)
			for (j = 0; j < r.len; j++)
				in[j] = (float)kt_load_int(X, xo + j * xs);
		else
			v = krow_load(X, xo, xs, r.len, in);

		if (ydt == TAIHU_DTYPE_INT8 || ydt == TAIHU_DTYPE_UINT8) {
			const float s = kt_scale(Y, 0);
			const int32_t zp = kt_zp(Y, 0);

			for (j = 0; j < r.len; j++)
				Y->p[yo + j * ys] = (uint8_t)kq_quantize(v[j], s, zp, ydt);
		} else if (ydt == TAIHU_DTYPE_INT32) {
			for (j = 0; j < r.len; j++)
				kt_store_int32(Y, yo + j * ys, kq_f32_to_i32(v[j]));
		} else {
			krow_store(Y, yo, ys, r.len, v);
		}
	} while (krows_next(&r));
	return KERNEL_OK;
}

static int convert_fast(struct kexec *x)
{
	const struct ktensor *Y = &x->t[1];
	struct taihu_tensor_desc xv;
	struct ktensor X = x->t[0];

	src_view(x, &xv);
	X.d = &xv;
	if (bit_copy(&xv, Y->d)) {
		dnnl_memory_desc_t smd, dmd;

		if (!view_md(&smd, &xv) && !view_md(&dmd, Y->d) &&
		    !kd_reorder(&smd, X.p, &dmd, Y->p))
			return KERNEL_OK;
		return copy_rows(x, &X, &xv);
	}
	if (xv.quant == TAIHU_QUANT_CHANNEL || Y->d->quant == TAIHU_QUANT_CHANNEL)
		return KERNEL_FALLBACK;
	return convert_rows(x, &X, &xv);
}

int transpose_fast(struct kexec *x)
{
	return convert_fast(x);
}

int cast_fast(struct kexec *x)
{
	return convert_fast(x);
}
#endif /* KERNELS_REFERENCE_ONLY */
