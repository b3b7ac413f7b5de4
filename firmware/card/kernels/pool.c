// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * POOL2D: max and average pooling over windows of X [N, C, H, W] (stride,
 * dilation, padding; global pooling is a window of H x W).
 *
 * Reference: MAX takes the largest element of the window inside X
 * (padding never wins; the first NaN met, in the order kh, kw, is the
 * result); AVG sums the window's elements in fp32 in the order kh, kw and
 * divides by the elements inside X, or by KH * KW with
 * TAIHU_POOL_COUNT_PAD (the padding counts as zeros). Int8: MAX compares
 * the raw values (the scale is positive, so the order is the real one);
 * AVG sums q - zx in int32 and the mean sx * (sum / count) is quantised
 * with Y's parameters (pool_qstore(), shared by both paths).
 *
 * Fast path: oneDNN pooling for AVG in fp32 and bf16; MAX (oneDNN's max
 * does not return NaN), fp16 and int8 in plane loops: each (n, c) plane of
 * X is loaded once as fp32 (or raw int32), the windows' taps inside X are
 * worked out once per kernel, and a window is taken without a branch per
 * tap (pool_planes()).
 */
#include <math.h>

#include "rows.h"
#include "scratch.h"

struct pool_geom {
	uint32_t N, C, H, W, OH, OW, KH, KW, sh, sw, dh, dw, ph, pw;
	int64_t xs[4], ys[4];
};

static void pool_geom(const struct kexec *x, struct pool_geom *g)
{
	const struct taihu_pool2d_params *p = &x->k->p.pool;
	const struct taihu_tensor_desc *X = &x->k->t[0], *Y = &x->k->t[1];
	unsigned int i;

	g->N = X->shape[0];
	g->C = X->shape[1];
	g->H = X->shape[2];
	g->W = X->shape[3];
	g->OH = Y->shape[2];
	g->OW = Y->shape[3];
	g->KH = p->kernel[0];
	g->KW = p->kernel[1];
	g->sh = p->stride[0];
	g->sw = p->stride[1];
	g->dh = p->dilation[0];
	g->dw = p->dilation[1];
	g->ph = p->pad_begin[0];
	g->pw = p->pad_begin[1];
	for (i = 0; i < 4; i++) {
		g->xs[i] = X->shape[i] == 1 ? 0 : X->strides[i];
		g->ys[i] = Y->strides[i];
	}
}

/* The divisor of AVG: the taps inside X, or the whole window. */
static inline uint32_t pool_div(const struct kexec *x, const struct pool_geom *g, uint32_t taps)
{
	return x->k->p.pool.flags & TAIHU_POOL_COUNT_PAD ? g->KH * g->KW : taps;
}

/*
 * Int8 result of a window (both paths): MAX's largest raw value, copied
 * when Y has X's dtype, scale and zero point, else requantised; AVG's
 * int32 sum of q - zx, whose mean sx * (sum / div) is quantised.
 */
static inline void pool_qstore(const struct kexec *x, int32_t v, uint32_t div, uint64_t yoff)
{
	const struct ktensor *X = &x->t[0], *Y = &x->t[1];
	float r;

	if (x->k->p.pool.op == TAIHU_POOL_MAX) {
		if (kt_scale(X, 0) == kt_scale(Y, 0) && kt_zp(X, 0) == kt_zp(Y, 0) &&
		    kt_dtype(X) == kt_dtype(Y)) {
			Y->p[yoff] = (uint8_t)v;
			return;
		}
		r = kt_scale(X, 0) * (float)(v - kt_zp(X, 0));
	} else {
		r = kt_scale(X, 0) * ((float)v / (float)div);
	}
	kt_store(Y, yoff, r, 0);
}

/* ---- reference ---------------------------------------------------------- */

int pool2d_ref(struct kexec *x)
{
	const struct ktensor *X = &x->t[0], *Y = &x->t[1];
	const bool max = x->k->p.pool.op == TAIHU_POOL_MAX, q = !tk_dtype_is_float(kt_dtype(X));
	const int32_t zx = kt_zp(X, 0);
	struct pool_geom g;
	uint32_t n, c, oh, ow, kh, kw;

	pool_geom(x, &g);
	for (n = 0; n < g.N; n++)
		for (c = 0; c < g.C; c++) {
			if (kernel_aborted(x))
				return KERNEL_ABORTED;
			for (oh = 0; oh < g.OH; oh++)
				for (ow = 0; ow < g.OW; ow++) {
					uint64_t yoff = n * g.ys[0] + c * g.ys[1] + oh * g.ys[2] +
							ow * g.ys[3];
					float m = -INFINITY, s = 0.0f;
					int32_t qm = INT32_MIN, qs = 0;
					uint32_t taps = 0, h0, h1, w0, w1;

					kt_window_taps(oh, g.sh, g.dh, g.ph, g.H, g.KH, &h0, &h1);
					kt_window_taps(ow, g.sw, g.dw, g.pw, g.W, g.KW, &w0, &w1);
					for (kh = h0; kh < h1; kh++) {
						const uint64_t ih = (uint64_t)oh * g.sh + (uint64_t)kh * g.dh - g.ph;

						for (kw = w0; kw < w1; kw++) {
							const uint64_t iw = (uint64_t)ow * g.sw + (uint64_t)kw * g.dw - g.pw;
							uint64_t xo;

							xo = n * g.xs[0] + c * g.xs[1] + ih * g.xs[2] + iw * g.xs[3];
							taps++;
							if (q) {
								int32_t v = kt_load_int(X, xo);

								qm = v > qm ? v : qm;
								qs += v - zx;
							} else {
								float v = kt_load(X, xo, 0);

								if (m == m)	/* the first NaN stays */
									m = v != v || v > m ? v : m;
								s += v;
							}
						}
					}
					if (q)
						pool_qstore(x, max ? qm : qs, pool_div(x, &g, taps), yoff);
					else
						kt_store(Y, yoff, max ? m : s / (float)pool_div(x, &g, taps), 0);
				}
		}
	return KERNEL_OK;
}

/* ---- fast path ---------------------------------------------------------- */

#ifndef KERNELS_REFERENCE_ONLY
#include "kdnnl.h"

/* oneDNN average pooling on the operands' own layouts. */
static int pool_dnnl(struct kexec *x, const struct pool_geom *g)
{
	const struct taihu_pool2d_params *p = &x->k->p.pool;
	dnnl_dims_t st = { g->sh, g->sw }, k = { g->KH, g->KW }, dil = { g->dh - 1, g->dw - 1 };
	dnnl_dims_t pl = { g->ph, g->pw }, pr = { p->pad_end[0], p->pad_end[1] };
	dnnl_memory_desc_t xmd, ymd;
	dnnl_pooling_v2_desc_t desc;
	dnnl_primitive_desc_t pd;
	struct kd_view xv, yv;
	int ret = KERNEL_FALLBACK;

	kd_view_of(&xv, &x->t[0], 4);
	kd_view_of(&yv, &x->t[1], 4);
	/* A broadcast X (a zero stride over a dimension above 1) is not a oneDNN layout. */
	if (xv.dims[0] != g->N || xv.dims[1] != g->C || xv.dims[2] != g->H || xv.dims[3] != g->W)
		return KERNEL_FALLBACK;
	if (kd_md(&xmd, &xv) || kd_md(&ymd, &yv) ||
	    dnnl_pooling_v2_forward_desc_init(&desc, dnnl_forward_inference,
					      p->flags & TAIHU_POOL_COUNT_PAD ?
					      dnnl_pooling_avg_include_padding :
					      dnnl_pooling_avg_exclude_padding,
					      &xmd, &ymd, st, k, dil, pl, pr) != dnnl_success)
		return KERNEL_FALLBACK;
	pd = kd_pd(&desc, NULL);
	if (!pd)
		return KERNEL_FALLBACK;
	{
		const struct kd_arg args[2] = { { DNNL_ARG_SRC, &xv }, { DNNL_ARG_DST, &yv } };

		if (!kd_execute(pd, args, 2))
			ret = KERNEL_OK;
	}
	dnnl_primitive_desc_destroy(pd);
	return ret;
}

/* One (n, c) plane of X as dense fp32 (or raw int32 for int8) in @buf; returns the plane. */
static const void *load_plane(const struct ktensor *X, const struct pool_geom *g, uint32_t n,
			      uint32_t c, bool q, void *buf)
{
	uint64_t base = n * g->xs[0] + c * g->xs[1];
	uint32_t h, w;

	if (q) {
		int32_t *p = buf;

		for (h = 0; h < g->H; h++)
			for (w = 0; w < g->W; w++)
				p[h * g->W + w] = kt_load_int(X, base + h * g->xs[2] + w * g->xs[3]);
		return p;
	}
	if (kt_dtype(X) == TAIHU_DTYPE_FP32 && (g->xs[3] == 1 || g->W == 1) &&
	    (g->xs[2] == g->W || g->H == 1))
		return (const float *)X->p + base;
	for (h = 0; h < g->H; h++) {
		float *row = (float *)buf + (size_t)h * g->W;
		const float *v = krow_load(X, base + h * g->xs[2], g->xs[3], g->W, row);

		if (v != row)
			memcpy(row, v, g->W * sizeof(float));
	}
	return buf;
}

/* One output element of MAX over an fp32 plane in the reference's order (a window with a NaN). */
static float max_window(const float *pf, const struct pool_geom *g, uint32_t oh, uint32_t ow,
			uint32_t h0, uint32_t h1, uint32_t w0, uint32_t w1)
{
	float m = -INFINITY;
	uint32_t kh, kw;

	for (kh = h0; kh < h1; kh++) {
		size_t row = (size_t)((int64_t)oh * g->sh + (int64_t)kh * g->dh - g->ph) * g->W;

		for (kw = w0; kw < w1; kw++) {
			float v = pf[row + (size_t)((int64_t)ow * g->sw + (int64_t)kw * g->dw - g->pw)];

			if (m == m)	/* the first NaN stays */
				m = v != v || v > m ? v : m;
		}
	}
	return m;
}

/* The taps of one window inside a plane: offset of tap (kh, kw) is base + kh * rs + kw * cs. */
struct pool_win {
	int64_t base, rs, cs;
	uint32_t h0, h1, w0, w1;
};

/* MAX of a window into *@out; true if it held a NaN (then *@out is not the result). */
static inline bool win_max(const float *pf, const struct pool_win *w, float *out)
{
	float m = -INFINITY;
	uint32_t kh, kw, nan = 0;

	for (kh = w->h0; kh < w->h1; kh++) {
		const int64_t r = w->base + (int64_t)kh * w->rs;

		for (kw = w->w0; kw < w->w1; kw++) {
			const float v = pf[r + (int64_t)kw * w->cs];

			m = v > m ? v : m;	/* the first of equal values stays */
			nan |= v != v;
		}
	}
	*out = m;
	return nan;
}

static inline float win_sum(const float *pf, const struct pool_win *w)
{
	float s = 0.0f;
	uint32_t kh, kw;

	for (kh = w->h0; kh < w->h1; kh++) {
		const int64_t r = w->base + (int64_t)kh * w->rs;

		for (kw = w->w0; kw < w->w1; kw++)
			s += pf[r + (int64_t)kw * w->cs];
	}
	return s;
}

static inline int32_t win_qmax(const int32_t *pq, const struct pool_win *w)
{
	int32_t m = INT32_MIN;
	uint32_t kh, kw;

	for (kh = w->h0; kh < w->h1; kh++) {
		const int64_t r = w->base + (int64_t)kh * w->rs;

		for (kw = w->w0; kw < w->w1; kw++)
			m = pq[r + (int64_t)kw * w->cs] > m ? pq[r + (int64_t)kw * w->cs] : m;
	}
	return m;
}

static inline int32_t win_qsum(const int32_t *pq, const struct pool_win *w, int32_t zx)
{
	int32_t s = 0;
	uint32_t kh, kw;

	for (kh = w->h0; kh < w->h1; kh++) {
		const int64_t r = w->base + (int64_t)kh * w->rs;

		for (kw = w->w0; kw < w->w1; kw++)
			s += pq[r + (int64_t)kw * w->cs] - zx;
	}
	return s;
}

/*
 * The plane loops, without a branch per tap: the windows' taps inside X
 * are worked out once per kernel for every output row and column, and an
 * output's taps are taken in the reference's order (kh, kw) into
 * registers. MAX keeps the largest value (v > m: the first of equal
 * values stays, NaN never wins) and a NaN flag by masks; an output whose
 * window held a NaN is taken again in the reference's order, so that the
 * first NaN met is the result, bit for bit. fp32 rows are written into Y
 * itself when it is fp32 with unit stride.
 */
static int pool_planes(struct kexec *x, const struct pool_geom *g)
{
	const struct ktensor *X = &x->t[0], *Y = &x->t[1];
	const bool max = x->k->p.pool.op == TAIHU_POOL_MAX, q = !tk_dtype_is_float(kt_dtype(X));
	const int32_t zx = kt_zp(X, 0);
	void *buf = kscratch_get(x, (size_t)g->H * g->W * 4);
	float *obuf = kscratch_get(x, g->OW * sizeof(float));
	uint32_t *wr = kscratch_get(x, 2 * ((size_t)g->OW + g->OH) * sizeof(uint32_t));
	/* per output: offset of its first tap in the plane, scaled divisor */
	int64_t *wo = kscratch_get(x, ((size_t)g->OW + g->OH) * sizeof(int64_t));
	float *rdiv = kscratch_get(x, (size_t)g->OW * g->OH * sizeof(float));
	uint32_t *hr, n, c, oh, ow;
	int64_t *ho;

	if (!buf || !obuf || !wr || !wo || !rdiv)
		return KERNEL_FAILED;
	hr = wr + 2 * (size_t)g->OW;
	ho = wo + g->OW;
	for (ow = 0; ow < g->OW; ow++) {
		kt_window_taps(ow, g->sw, g->dw, g->pw, g->W, g->KW, &wr[2 * ow], &wr[2 * ow + 1]);
		wo[ow] = (int64_t)ow * g->sw - g->pw;
	}
	for (oh = 0; oh < g->OH; oh++) {
		kt_window_taps(oh, g->sh, g->dh, g->ph, g->H, g->KH, &hr[2 * oh], &hr[2 * oh + 1]);
		ho[oh] = ((int64_t)oh * g->sh - g->ph) * g->W;
		for (ow = 0; ow < g->OW; ow++)
			rdiv[(size_t)oh * g->OW + ow] = (float)pool_div(x, g,
				(hr[2 * oh + 1] - hr[2 * oh]) * (wr[2 * ow + 1] - wr[2 * ow]));
	}
	for (n = 0; n < g->N; n++)
		for (c = 0; c < g->C; c++) {
			const void *plane = load_plane(X, g, n, c, q, buf);
			const float *pf = plane;
			const int32_t *pq = plane;

			if (kernel_aborted(x))
				return KERNEL_ABORTED;
			for (oh = 0; oh < g->OH; oh++) {
				const uint64_t yrow = n * g->ys[0] + c * g->ys[1] + oh * g->ys[2];
				const uint32_t h0 = hr[2 * oh], h1 = hr[2 * oh + 1];
				float *orow = q ? obuf : krow_dst(Y, yrow, g->ys[3], obuf);
				const float *rd = rdiv + (size_t)oh * g->OW;

				for (ow = 0; ow < g->OW; ow++) {
					const uint32_t w0 = wr[2 * ow], w1 = wr[2 * ow + 1];
					const int64_t base = ho[oh] + wo[ow];
					const struct pool_win w = { base, (int64_t)g->dh * g->W, g->dw,
								    h0, h1, w0, w1 };

					if (q && max)
						pool_qstore(x, win_qmax(pq, &w), 0, yrow + ow * g->ys[3]);
					else if (q)
						pool_qstore(x, win_qsum(pq, &w, zx),
							    pool_div(x, g, (h1 - h0) * (w1 - w0)),
							    yrow + ow * g->ys[3]);
					else if (!max)
						orow[ow] = win_sum(pf, &w) / rd[ow];
					else if (win_max(pf, &w, &orow[ow]))
						orow[ow] = max_window(pf, g, oh, ow, h0, h1, w0, w1);
				}
				if (!q)
					krow_store(Y, yrow, g->ys[3], g->OW, orow);
			}
		}
	return KERNEL_OK;
}

int pool2d_fast(struct kexec *x)
{
	unsigned int dt = x->k->t[0].dtype;
	struct pool_geom g;

	pool_geom(x, &g);
	if (x->k->p.pool.op == TAIHU_POOL_AVG && (dt == TAIHU_DTYPE_FP32 || dt == TAIHU_DTYPE_BF16)) {
		int ret = pool_dnnl(x, &g);

		if (ret != KERNEL_FALLBACK)
			return ret;
	}
	return pool_planes(x, &g);
}
#endif /* KERNELS_REFERENCE_ONLY */
