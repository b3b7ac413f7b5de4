// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Normalisation: SOFTMAX and LOG_SOFTMAX along an axis, LAYERNORM and
 * RMSNORM over the trailing dimensions from an axis, and inference
 * BATCHNORM with a fused activation.
 *
 * Reference (the numerics, docs/kernels.md): every element is widened to
 * fp32 and every sum accumulates in fp32 in row-major order of the
 * normalised elements; each result is rounded once to Y's dtype.
 * - SOFTMAX: m = max(x) (NaN if any x is NaN), s = sum(exp(x - m)),
 *   y = exp(x - m) / s; LOG_SOFTMAX: y = (x - m) - log(s). A row of -Inf
 *   or holding +Inf gives NaN (x - m is NaN there).
 * - LAYERNORM: mean = sum(x) / n, var = sum((x - mean)^2) / n (two
 *   passes, biased), y = (x - mean) / sqrt(var + eps) * gamma + beta.
 * - RMSNORM: ms = sum(x * x) / n, y = x / sqrt(ms + eps) * gamma.
 * - BATCHNORM: y = act((x - mean[c]) / sqrt(var[c] + eps) * scale[c] +
 *   bias[c]) with c the index of dimension 1.
 *
 * Fast paths: oneDNN softmax (v2, accurate or log), layer normalisation
 * and batch normalisation (global statistics, scale and shift) on the
 * tensors themselves when their dtype and layout suit it (fp32, bf16,
 * dense), else on fp32 staging copies (fstage.h); RMSNORM, which oneDNN
 * 2.6 lacks, as a loop over contiguous fp32 rows that the compiler
 * vectorises. They sum in other orders and fold divisions into
 * multiplications: within the tolerances of docs/kernels.md, not bit-exact.
 */
#include <math.h>

#include "fstage.h"
#include "rows.h"
#include "scratch.h"
#include "tensor.h"

static unsigned int axis_of(int32_t axis, unsigned int rank)
{
	return (unsigned int)(axis < 0 ? axis + (int32_t)rank : axis);
}

/* max() that keeps a NaN once seen. */
static inline float max_nan(float m, float v)
{
	return v > m || v != v ? v : m;
}

/* ---- SOFTMAX, LOG_SOFTMAX: reference ----------------------------------- */

static int softmax_common_ref(struct kexec *x, bool log)
{
	const struct ktensor *X = &x->t[0], *Y = &x->t[1];
	const unsigned int rank = X->d->rank, axis = axis_of(x->k->p.softmax.axis, rank);
	const uint32_t n = X->d->shape[axis];
	const int64_t sx = X->d->strides[axis], sy = Y->d->strides[axis];
	struct taihu_tensor_desc xo = *X->d, yo = *Y->d;
	unsigned int ix, iy;
	struct kwalk w;
	float *buf;

	buf = kscratch_get(x, n * sizeof(float));
	if (!buf)
		return KERNEL_FAILED;
	/* Walk every row: the axis collapsed to one index. */
	xo.shape[axis] = 1;
	yo.shape[axis] = 1;
	kwalk_init(&w, rank, xo.shape);
	ix = kwalk_add(&w, &xo);
	iy = kwalk_add(&w, &yo);
	do {
		float m = -INFINITY, s = 0.0f, ls;
		uint32_t i;

		if (kernel_aborted(x))
			return KERNEL_ABORTED;
		for (i = 0; i < n; i++) {
			buf[i] = kt_load(X, w.off[ix] + (uint64_t)i * (uint64_t)sx, 0);
			m = max_nan(m, buf[i]);
		}
		for (i = 0; i < n; i++)
			s += expf(buf[i] - m);
		ls = logf(s);
		for (i = 0; i < n; i++) {
			float v = log ? (buf[i] - m) - ls : expf(buf[i] - m) / s;

			kt_store(Y, w.off[iy] + (uint64_t)i * (uint64_t)sy, v, 0);
		}
	} while (kwalk_next(&w));
	return KERNEL_OK;
}

int softmax_ref(struct kexec *x)
{
	return softmax_common_ref(x, x->k->kernel == TAIHU_KERNEL_LOG_SOFTMAX);
}

/* ---- LAYERNORM, RMSNORM: reference ------------------------------------- */

/* The trailing part (dimensions @axis..) of @d as a tensor of its own. */
static struct taihu_tensor_desc inner_of(const struct taihu_tensor_desc *d, unsigned int axis)
{
	struct taihu_tensor_desc o = *d;
	unsigned int i;

	memset(o.shape, 0, sizeof(o.shape));
	memset(o.strides, 0, sizeof(o.strides));
	o.rank = (uint8_t)(d->rank - axis);
	for (i = axis; i < d->rank; i++) {
		o.shape[i - axis] = d->shape[i];
		o.strides[i - axis] = d->strides[i];
	}
	return o;
}

static int norm_common_ref(struct kexec *x, bool rms)
{
	const struct tk_packet *k = x->k;
	const struct ktensor *X = &x->t[0], *Y = &x->t[tk_out(k)];
	const struct ktensor *G = tk_input(k, 1) ? &x->t[1] : NULL;
	const struct ktensor *B = !rms && tk_input(k, 2) ? &x->t[2] : NULL;
	const unsigned int rank = X->d->rank, axis = axis_of(k->p.norm.axis, rank);
	const float eps = k->p.norm.epsilon;
	struct taihu_tensor_desc xo = *X->d, yo = *Y->d, xi, yi;
	const uint64_t n = kt_count(&X->d->shape[axis], rank - axis);
	unsigned int i, ox, oy, ix, iy, ig = 0, ib = 0;
	struct kwalk w, in;
	float *buf;

	buf = kscratch_get(x, n * sizeof(float));
	if (!buf)
		return KERNEL_FAILED;
	for (i = axis; i < rank; i++) {
		xo.shape[i] = 1;
		yo.shape[i] = 1;
	}
	xi = inner_of(X->d, axis);
	yi = inner_of(Y->d, axis);
	kwalk_init(&w, rank, xo.shape);
	ox = kwalk_add(&w, &xo);
	oy = kwalk_add(&w, &yo);
	do {
		float sum = 0.0f, mean = 0.0f, d;
		uint64_t j = 0;

		if (kernel_aborted(x))
			return KERNEL_ABORTED;
		kwalk_init(&in, rank - axis, xi.shape);
		ix = kwalk_add(&in, &xi);
		do
			buf[j++] = kt_load(X, w.off[ox] + in.off[ix], 0);
		while (kwalk_next(&in));
		if (rms) {
			for (j = 0; j < n; j++)
				sum += buf[j] * buf[j];
			d = sqrtf(sum / (float)n + eps);
		} else {
			for (j = 0; j < n; j++)
				sum += buf[j];
			mean = sum / (float)n;
			sum = 0.0f;
			for (j = 0; j < n; j++)
				sum += (buf[j] - mean) * (buf[j] - mean);
			d = sqrtf(sum / (float)n + eps);
		}
		kwalk_init(&in, rank - axis, xi.shape);
		iy = kwalk_add(&in, &yi);
		if (G)
			ig = kwalk_add(&in, G->d);
		if (B)
			ib = kwalk_add(&in, B->d);
		j = 0;
		do {
			float v = (buf[j++] - mean) / d;

			if (G)
				v *= kt_load(G, in.off[ig], 0);
			if (B)
				v += kt_load(B, in.off[ib], 0);
			kt_store(Y, w.off[oy] + in.off[iy], v, 0);
		} while (kwalk_next(&in));
	} while (kwalk_next(&w));
	return KERNEL_OK;
}

int layernorm_ref(struct kexec *x)
{
	return norm_common_ref(x, false);
}

int rmsnorm_ref(struct kexec *x)
{
	return norm_common_ref(x, true);
}

/* ---- BATCHNORM: reference ---------------------------------------------- */

/* The four [C] operands as fp32: mean, sqrt(var + eps), scale, bias. */
static float *bn_channels(struct kexec *x)
{
	const uint32_t C = x->k->t[0].shape[1];
	float *ch = kscratch_get(x, 4ULL * C * sizeof(float));
	uint32_t c;

	if (!ch)
		return NULL;
	for (c = 0; c < C; c++) {
		const struct ktensor *t = x->t;
		uint64_t o1 = c * (uint64_t)t[1].d->strides[0], o2 = c * (uint64_t)t[2].d->strides[0];
		uint64_t o3 = c * (uint64_t)t[3].d->strides[0], o4 = c * (uint64_t)t[4].d->strides[0];

		ch[c] = kt_load(&t[3], o3, 0);
		ch[C + c] = sqrtf(kt_load(&t[4], o4, 0) + x->k->p.bn.epsilon);
		ch[2 * C + c] = kt_load(&t[1], o1, 0);
		ch[3 * C + c] = kt_load(&t[2], o2, 0);
	}
	return ch;
}

int batchnorm_ref(struct kexec *x)
{
	const struct ktensor *X = &x->t[0], *Y = &x->t[5];
	const struct taihu_act *act = &x->k->p.bn.act;
	const uint32_t C = X->d->shape[1];
	unsigned int ix, iy;
	struct kwalk w;
	uint64_t steps = 0;
	float *ch;

	ch = bn_channels(x);
	if (!ch)
		return KERNEL_FAILED;
	kwalk_init(&w, X->d->rank, X->d->shape);
	ix = kwalk_add(&w, X->d);
	iy = kwalk_add(&w, Y->d);
	do {
		uint32_t c = w.idx[1];
		float v = (kt_load(X, w.off[ix], 0) - ch[c]) / ch[C + c] * ch[2 * C + c] +
			  ch[3 * C + c];

		if (!(++steps & 0xfffff) && kernel_aborted(x))
			return KERNEL_ABORTED;
		kt_store(Y, w.off[iy], kact(act, v), 0);
	} while (kwalk_next(&w));
	return KERNEL_OK;
}

/* ---- fast paths ---------------------------------------------------------- */

#ifndef KERNELS_REFERENCE_ONLY

static dnnl_primitive_desc_t softmax_pd(struct kexec *x, const struct fst_run *r,
					struct kd_view *src, struct kd_view *dst)
{
	dnnl_memory_desc_t smd, dmd;
	dnnl_softmax_v2_desc_t desc;
	dnnl_alg_kind_t alg = x->k->kernel == TAIHU_KERNEL_LOG_SOFTMAX ? dnnl_softmax_log :
								     dnnl_softmax_accurate;

	if (kd_md(&smd, src) || kd_md(&dmd, dst) ||
	    dnnl_softmax_v2_forward_desc_init(&desc, dnnl_forward_inference, alg, &smd, &dmd,
					      r->axis) != dnnl_success)
		return NULL;
	return kd_pd(&desc, NULL);
}

/* @d with dimension @axis moved to the end. */
static struct taihu_tensor_desc axis_last(const struct taihu_tensor_desc *d, unsigned int axis)
{
	struct taihu_tensor_desc o = *d;
	unsigned int i, j = 0;

	for (i = 0; i < d->rank; i++) {
		if (i == axis)
			continue;
		o.shape[j] = d->shape[i];
		o.strides[j++] = d->strides[i];
	}
	o.shape[j] = d->shape[axis];
	o.strides[j] = d->strides[axis];
	return o;
}

/*
 * oneDNN's fast softmax runs along the innermost dimension: another axis
 * is moved there by viewing both tensors permuted (then staged, dense).
 */
int softmax_fast(struct kexec *x)
{
	const unsigned int rank = x->k->t[0].rank, axis = axis_of(x->k->p.softmax.axis, rank);
	struct taihu_tensor_desc xd = axis_last(x->t[0].d, axis), yd = axis_last(x->t[1].d, axis);
	struct ktensor X = x->t[0], Y = x->t[1];
	struct fst_run r = { .make = softmax_pd, .X = &X, .Y = &Y, .axis = (int)rank - 1 };

	X.d = &xd;
	Y.d = &yd;
	return fst_run(x, &r);
}

static dnnl_primitive_desc_t lnorm_pd(struct kexec *x, const struct fst_run *r, struct kd_view *src,
				      struct kd_view *dst)
{
	const struct tk_packet *k = x->k;
	const unsigned int axis = axis_of(k->p.norm.axis, k->t[0].rank);
	const uint64_t n = kt_count(&k->t[0].shape[axis], k->t[0].rank - axis);
	dnnl_dim_t dims[2] = { (dnnl_dim_t)(k->elems[0] / n), (dnnl_dim_t)n };
	dnnl_memory_desc_t md;
	dnnl_layer_normalization_desc_t desc;
	unsigned int flags = 0;

	(void)r;
	if (src->dt != dst->dt || !fst_view_dense(src) || !fst_view_dense(dst))
		return NULL;
	kd_view_dense(src, src->p, src->dt, 2, dims);
	kd_view_dense(dst, dst->p, dst->dt, 2, dims);
	if (tk_input(k, 1))
		flags |= dnnl_use_scale;
	if (tk_input(k, 2))
		flags |= dnnl_use_shift;
	if (kd_md(&md, src) ||
	    dnnl_layer_normalization_forward_desc_init(&desc, dnnl_forward_inference, &md, NULL,
						       k->p.norm.epsilon, flags) != dnnl_success)
		return NULL;
	return kd_pd(&desc, NULL);
}

int layernorm_fast(struct kexec *x)
{
	const struct tk_packet *k = x->k;
	const unsigned int rank = k->t[0].rank, axis = axis_of(k->p.norm.axis, rank);
	const uint64_t n = kt_count(&k->t[0].shape[axis], rank - axis);
	struct fst_run r = { .make = lnorm_pd, .X = &x->t[0], .Y = &x->t[tk_out(k)],
			    .same_layout = true };
	struct kd_view vs[2];
	unsigned int i;

	for (i = 1; i <= 2; i++) {
		float *p;

		if (!tk_input(k, i))
			continue;
		p = fst_load(x, &x->t[i], rank - axis, &k->t[0].shape[axis]);
		if (!p)
			return KERNEL_FAILED;
		kd_view_dense(&vs[i - 1], p, dnnl_f32, 1, (dnnl_dim_t[]){ (dnnl_dim_t)n });
		r.extra[r.n_extra].arg = i == 1 ? DNNL_ARG_SCALE : DNNL_ARG_SHIFT;
		r.extra[r.n_extra++].v = &vs[i - 1];
	}
	return fst_run(x, &r);
}

/*
 * RMSNORM over contiguous rows: fp32 copies of a row, sums of squares in
 * eight lanes, the scale applied with gamma, one rounding on the way out.
 */
int rmsnorm_fast(struct kexec *x)
{
	const struct tk_packet *k = x->k;
	const struct ktensor *X = &x->t[0], *Y = &x->t[tk_out(k)];
	const unsigned int rank = k->t[0].rank, axis = axis_of(k->p.norm.axis, rank);
	const uint64_t n = kt_count(&k->t[0].shape[axis], rank - axis);
	struct taihu_tensor_desc xo = *X->d, yo = *Y->d;
	const float *g = NULL;
	float *row;
	struct kwalk w;
	unsigned int i, ix, iy;

	if (!fst_dense_from(X->d, axis) || !fst_dense_from(Y->d, axis))
		return KERNEL_FALLBACK;
	row = kscratch_get(x, n * sizeof(float));
	if (!row)
		return KERNEL_FAILED;
	if (tk_input(k, 1)) {
		g = fst_load(x, &x->t[1], rank - axis, &k->t[0].shape[axis]);
		if (!g)
			return KERNEL_FAILED;
	}
	for (i = axis; i < rank; i++) {
		xo.shape[i] = 1;
		yo.shape[i] = 1;
	}
	kwalk_init(&w, rank, xo.shape);
	ix = kwalk_add(&w, &xo);
	iy = kwalk_add(&w, &yo);
	do {
		float acc[8] = { 0 }, sum, inv;
		uint64_t j;

		if (kernel_aborted(x))
			return KERNEL_ABORTED;
		fst_row_load(X, w.off[ix], row, n);
		for (j = 0; j + 8 <= n; j += 8)
			for (i = 0; i < 8; i++)
				acc[i] += row[j + i] * row[j + i];
		for (; j < n; j++)
			acc[j & 7] += row[j] * row[j];
		sum = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
		inv = 1.0f / sqrtf(sum / (float)n + k->p.norm.epsilon);
		if (g)
			for (j = 0; j < n; j++)
				row[j] = row[j] * inv * g[j];
		else
			for (j = 0; j < n; j++)
				row[j] *= inv;
		krow_store(Y, w.off[iy], 1, (uint32_t)n, row);
	} while (kwalk_next(&w));
	return KERNEL_OK;
}

/* BATCHNORM: global statistics, scale and shift; RELU fused, other activations in the copy out. */
static dnnl_primitive_desc_t bnorm_pd(struct kexec *x, const struct fst_run *r, struct kd_view *src,
				      struct kd_view *dst)
{
	dnnl_memory_desc_t md;
	dnnl_batch_normalization_desc_t desc;
	unsigned int flags = dnnl_use_global_stats | dnnl_use_scale | dnnl_use_shift;

	(void)r;
	if (src->dt != dst->dt)
		return NULL;
	if (src->ndims == 3) {
		/* oneDNN's fast batch norms are 2-D, 4-D and 5-D: [N, C, W] as [N, C, W, 1]. */
		src->dims[3] = dst->dims[3] = 1;
		src->strides[3] = dst->strides[3] = 1;
		src->ndims = dst->ndims = 4;
	}
	if (x->k->p.bn.act.op == TAIHU_ACT_RELU)
		flags |= dnnl_fuse_norm_relu;
	if (kd_md(&md, src) ||
	    dnnl_batch_normalization_forward_desc_init(&desc, dnnl_forward_inference, &md,
						       x->k->p.bn.epsilon, flags) != dnnl_success)
		return NULL;
	return kd_pd(&desc, NULL);
}

int batchnorm_fast(struct kexec *x)
{
	const struct tk_packet *k = x->k;
	const struct taihu_act *act = &k->p.bn.act;
	const uint32_t C = k->t[0].shape[1];
	static const int argn[4] = { DNNL_ARG_SCALE, DNNL_ARG_SHIFT, DNNL_ARG_MEAN, DNNL_ARG_VARIANCE };
	struct fst_run r = { .make = bnorm_pd, .X = &x->t[0], .Y = &x->t[5], .same_layout = true };
	struct kd_view vs[4];
	unsigned int i;
	int ret;

	r.keep_staged = act->op != TAIHU_ACT_NONE && act->op != TAIHU_ACT_RELU;
	for (i = 0; i < 4; i++) {
		float *p = fst_load(x, &x->t[1 + i], 1, &C);

		if (!p)
			return KERNEL_FAILED;
		kd_view_dense(&vs[i], p, dnnl_f32, 1, (dnnl_dim_t[]){ C });
		r.extra[i].arg = argn[i];
		r.extra[i].v = &vs[i];
	}
	r.n_extra = 4;
	ret = fst_run(x, &r);
	if (ret == KERNEL_OK && r.keep_staged) {
		uint64_t j;

		for (j = 0; j < k->elems[5]; j++)
			r.staged_y[j] = kact(act, r.staged_y[j]);
		kt_from_f32_dense(&x->t[5], r.staged_y, NULL);
	}
	return ret;
}
#endif /* KERNELS_REFERENCE_ONLY */
