// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * CONV2D: Y = act(X * W + bias), NCHW, stride, padding, dilation, groups
 * (depthwise when groups = C).
 *
 * Reference: for each output element, the products x * w of the window
 * summed in fp32 in the order (input channel, kh, kw), taps in the padding
 * skipped; then the bias, then the activation, rounded once to Y's dtype.
 * Int8: (x - zx) (w - zw[oc]) summed in int32 (wrapping), an INT32 bias
 * added, then y = (sx * sw[oc]) * acc (+ an fp32 bias), the activation,
 * quantised with Y's parameters (conv_qstore(), shared by both paths);
 * an INT32 Y receives the accumulator.
 *
 * Fast path: oneDNN convolution with the layouts it prefers (format
 * "any"; the operands are reordered into them and the result back). fp32
 * and bf16 directly, the bias and (NaN-safe) activations fused; fp16
 * through fp32 copies. Int8: raw u8/s8 x s8 -> s32 products with zero
 * padding, then the zero-point corrections computed here exactly
 * (acc = raw - zw * sum(x) - zx * sum(w) + zx * zw * taps, over the taps
 * inside X), so that the result is bit-exact with the reference.
 */
#include <stdlib.h>

#include "rows.h"
#include "scratch.h"

struct conv_geom {
	uint32_t N, C, H, W, OC, KH, KW, OH, OW, G, Cg, OCg;
	uint32_t sh, sw, dh, dw, ph, pw;
	int64_t xs[4], ws[4], ys[4], bs;	/* strides of X, W, Y, bias */
	bool has_bias;
};

static void conv_geom(const struct kexec *x, struct conv_geom *g)
{
	const struct taihu_conv2d_params *p = &x->k->p.conv;
	const struct taihu_tensor_desc *X = &x->k->t[0], *W = &x->k->t[1];
	const struct taihu_tensor_desc *Y = &x->k->t[tk_out(x->k)];
	unsigned int i;

	g->N = X->shape[0];
	g->C = X->shape[1];
	g->H = X->shape[2];
	g->W = X->shape[3];
	g->OC = W->shape[0];
	g->KH = W->shape[2];
	g->KW = W->shape[3];
	g->OH = Y->shape[2];
	g->OW = Y->shape[3];
	g->G = p->groups;
	g->Cg = g->C / g->G;
	g->OCg = g->OC / g->G;
	g->sh = p->stride[0];
	g->sw = p->stride[1];
	g->dh = p->dilation[0];
	g->dw = p->dilation[1];
	g->ph = p->pad_begin[0];
	g->pw = p->pad_begin[1];
	for (i = 0; i < 4; i++) {
		g->xs[i] = X->shape[i] == 1 ? 0 : X->strides[i];
		g->ws[i] = W->shape[i] == 1 ? 0 : W->strides[i];
		g->ys[i] = Y->strides[i];
	}
	g->has_bias = tk_input(x->k, 2);
	g->bs = g->has_bias ? x->k->t[2].strides[0] : 0;
}

/* The int8 epilogue of one element (both paths): bias, scale, activation, quantisation. */
static inline void conv_qstore(const struct kexec *x, const struct conv_geom *g, uint32_t acc,
			       uint32_t oc, uint64_t yoff)
{
	const struct taihu_conv2d_params *p = &x->k->p.conv;
	const struct ktensor *X = &x->t[0], *W = &x->t[1], *B = &x->t[2];
	const struct ktensor *Y = &x->t[tk_out(x->k)];
	bool bint = g->has_bias && kt_dtype(B) == TAIHU_DTYPE_INT32;
	float v;

	if (bint)
		acc += (uint32_t)kt_load_int(B, oc * g->bs);
	if (kt_dtype(Y) == TAIHU_DTYPE_INT32) {
		kt_store_int32(Y, yoff, (int32_t)acc);
		return;
	}
	v = (kt_scale(X, 0) * kt_scale(W, oc)) * (float)(int32_t)acc;
	if (g->has_bias && !bint)
		v += kt_load(B, oc * g->bs, 0);
	kt_store(Y, yoff, kact(&p->act, v), 0);
}

/* ---- reference ---------------------------------------------------------- */

int conv2d_ref(struct kexec *x)
{
	const struct taihu_conv2d_params *p = &x->k->p.conv;
	const struct ktensor *X = &x->t[0], *W = &x->t[1], *B = &x->t[2];
	const struct ktensor *Y = &x->t[tk_out(x->k)];
	const bool q = !tk_dtype_is_float(kt_dtype(X));
	const int32_t zx = kt_zp(X, 0);
	struct conv_geom g;
	uint32_t n, oc, oh, ow, c, kh, kw;

	conv_geom(x, &g);
	for (n = 0; n < g.N; n++)
		for (oc = 0; oc < g.OC; oc++) {
			const uint32_t ic0 = oc / g.OCg * g.Cg;
			const int32_t zw = kt_zp(W, oc);

			if (kernel_aborted(x))
				return KERNEL_ABORTED;
			for (oh = 0; oh < g.OH; oh++)
				for (ow = 0; ow < g.OW; ow++) {
					uint64_t yoff = n * g.ys[0] + oc * g.ys[1] + oh * g.ys[2] +
							ow * g.ys[3];
					float acc = 0.0f, v;
					uint32_t iacc = 0, h0, h1, w0, w1;

					kt_window_taps(oh, g.sh, g.dh, g.ph, g.H, g.KH, &h0, &h1);
					kt_window_taps(ow, g.sw, g.dw, g.pw, g.W, g.KW, &w0, &w1);
					for (c = 0; c < g.Cg; c++)
						for (kh = h0; kh < h1; kh++) {
							const uint64_t ih = (uint64_t)oh * g.sh +
									    (uint64_t)kh * g.dh - g.ph;

							for (kw = w0; kw < w1; kw++) {
								const uint64_t iw = (uint64_t)ow * g.sw +
										    (uint64_t)kw * g.dw - g.pw;
								uint64_t xo, wo;

								xo = n * g.xs[0] + (ic0 + c) * g.xs[1] +
								     ih * g.xs[2] + iw * g.xs[3];
								wo = oc * g.ws[0] + c * g.ws[1] + kh * g.ws[2] +
								     kw * g.ws[3];
								if (q)
									iacc += (uint32_t)((kt_load_int(X, xo) - zx) *
											   (kt_load_int(W, wo) - zw));
								else
									acc += kt_load(X, xo, 0) * kt_load(W, wo, 0);
							}
						}
					if (q) {
						conv_qstore(x, &g, iacc, oc, yoff);
						continue;
					}
					v = acc;
					if (g.has_bias)
						v += kt_load(B, oc * g.bs, 0);
					kt_store(Y, yoff, kact(&p->act, v), 0);
				}
		}
	return KERNEL_OK;
}

/* ---- fast path ---------------------------------------------------------- */

#ifndef KERNELS_REFERENCE_ONLY
#include "kdnnl.h"

/* A plain memory descriptor of @rank dims and strides; -1 where oneDNN cannot express it. */
static int plain_md(dnnl_memory_desc_t *md, int rank, const dnnl_dim_t *dims,
		    const dnnl_dim_t *strides, dnnl_data_type_t dt)
{
	dnnl_dims_t st;
	int i;

	for (i = 0; i < rank; i++) {
		if (dims[i] > 1 && strides[i] == 0)
			return -1;	/* a broadcast input */
		st[i] = dims[i] > 1 ? strides[i] : 1;
	}
	return dnnl_memory_desc_init_by_strides(md, rank, dims, dt, st) == dnnl_success ? 0 : -1;
}

/* One operand: its user layout and memory, and where the primitive wants it. */
struct conv_opnd {
	dnnl_memory_desc_t umd;
	void *p;
};

/* The user layout of X (or Y): [N, C, H, W] with @st strides. */
static int nchw_md(struct conv_opnd *o, const uint32_t *shape, const __s64 *st,
		   dnnl_data_type_t dt, void *p)
{
	dnnl_dims_t dims, s;
	int i;

	for (i = 0; i < 4; i++) {
		dims[i] = shape[i];
		s[i] = st[i];
	}
	o->p = p;
	return plain_md(&o->umd, 4, dims, s, dt);
}

/* W as oneDNN's [G, OC/G, C/G, KH, KW] (groups) or [OC, C, KH, KW]. */
static int weights_md(struct conv_opnd *o, const struct conv_geom *g, const __s64 *st,
		      dnnl_data_type_t dt, void *p)
{
	dnnl_dims_t dims, s;

	o->p = p;
	if (g->G == 1) {
		const uint32_t shape[4] = { g->OC, g->Cg, g->KH, g->KW };

		return nchw_md(o, shape, st, dt, p);
	}
	dims[0] = g->G;
	dims[1] = g->OCg;
	dims[2] = g->Cg;
	dims[3] = g->KH;
	dims[4] = g->KW;
	s[0] = (dnnl_dim_t)g->OCg * st[0];
	s[1] = st[0];
	s[2] = st[1];
	s[3] = st[2];
	s[4] = st[3];
	return plain_md(&o->umd, 5, dims, s, dt);
}

/* @o in the layout @want: itself, or a reordered copy in scratch. */
static void *conv_in_layout(struct kexec *x, const struct conv_opnd *o,
			    const dnnl_memory_desc_t *want)
{
	void *buf;

	if (dnnl_memory_desc_equal(&o->umd, want))
		return o->p;
	buf = kscratch_get(x, dnnl_memory_desc_get_size(want));
	if (!buf || kd_reorder(&o->umd, o->p, want, buf))
		return NULL;
	return buf;
}

/*
 * One oneDNN convolution: @src, @wei, @bias (NULL: none), into @dst, with
 * the activation @act fused (NULL: none). KERNEL_FALLBACK when oneDNN has
 * no fast implementation (nothing written then).
 */
static int conv_dnnl(struct kexec *x, const struct conv_geom *g, struct conv_opnd *src,
		     struct conv_opnd *wei, struct conv_opnd *bias, struct conv_opnd *dst,
		     const struct taihu_act *act)
{
	const struct taihu_conv2d_params *p = &x->k->p.conv;
	dnnl_memory_desc_t s_any, w_any, d_any;
	const dnnl_memory_desc_t *smd, *wmd, *dmd;
	dnnl_dims_t sd = { g->N, g->C, g->H, g->W }, dd = { g->N, g->OC, g->OH, g->OW }, wd = { 0 };
	dnnl_dims_t strides = { g->sh, g->sw }, dil = { g->dh - 1, g->dw - 1 };
	dnnl_dims_t pl = { g->ph, g->pw }, pr = { p->pad_end[0], p->pad_end[1] };
	dnnl_primitive_attr_t attr;
	dnnl_convolution_desc_t desc;
	dnnl_primitive_desc_t pd = NULL;
	int wn = g->G > 1 ? 5 : 4, ret = KERNEL_FALLBACK;
	void *sp, *wp, *dp;

	memcpy(wd, wei->umd.dims, sizeof(wd));
	if (dnnl_memory_desc_init_by_tag(&s_any, 4, sd, src->umd.data_type, dnnl_format_tag_any) ||
	    dnnl_memory_desc_init_by_tag(&w_any, wn, wd, wei->umd.data_type, dnnl_format_tag_any) ||
	    dnnl_memory_desc_init_by_tag(&d_any, 4, dd, dst->umd.data_type, dnnl_format_tag_any) ||
	    dnnl_dilated_convolution_forward_desc_init(&desc, dnnl_forward_inference,
						       dnnl_convolution_direct, &s_any, &w_any,
						       bias ? &bias->umd : NULL, &d_any, strides,
						       dil, pl, pr) != dnnl_success)
		return KERNEL_FALLBACK;
	attr = kd_attr_act(act);
	if (!attr)
		return KERNEL_FALLBACK;
	pd = kd_pd(&desc, attr);
	if (!pd)
		goto out;
	smd = dnnl_primitive_desc_query_md(pd, dnnl_query_src_md, 0);
	wmd = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
	dmd = dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0);
	sp = conv_in_layout(x, src, smd);
	wp = conv_in_layout(x, wei, wmd);
	dp = dnnl_memory_desc_equal(&dst->umd, dmd) ? dst->p :
	     kscratch_get(x, dnnl_memory_desc_get_size(dmd));
	if (!sp || !wp || !dp)
		goto out;
	if (kernel_aborted(x)) {
		ret = KERNEL_ABORTED;
		goto out;
	}
	{
		struct kd_marg args[4] = {
			{ DNNL_ARG_SRC, smd, sp }, { DNNL_ARG_WEIGHTS, wmd, wp }, { DNNL_ARG_DST, dmd, dp },
		};
		int n = 3;

		if (bias)
			args[n++] = (struct kd_marg){ DNNL_ARG_BIAS, &bias->umd, bias->p };
		if (kd_execute_md(pd, args, n))
			goto out;
	}
	if (dp != dst->p && kd_reorder(dmd, dp, &dst->umd, dst->p))
		goto out;
	ret = KERNEL_OK;
out:
	if (pd)
		dnnl_primitive_desc_destroy(pd);
	dnnl_primitive_attr_destroy(attr);
	return ret;
}

/* Strides (descriptor type) of a dense tensor of @shape. */
static const __s64 *dense4(const uint32_t *shape, __s64 *st)
{
	st[3] = 1;
	st[2] = shape[3];
	st[1] = st[2] * shape[2];
	st[0] = st[1] * shape[1];
	return st;
}

/* A float operand for oneDNN: in place when fp32/bf16 with a plain layout, else an fp32 copy. */
static int float_opnd(struct kexec *x, unsigned int i, bool to_f32, bool weights,
		      const struct conv_geom *g, struct conv_opnd *o)
{
	const struct ktensor *t = &x->t[i];
	const struct taihu_tensor_desc *d = t->d;
	__s64 dst[4];
	float *f;
	int bad;

	if (!to_f32) {
		bad = weights ? weights_md(o, g, d->strides, kd_dt(d->dtype), t->p) :
				nchw_md(o, d->shape, d->strides, kd_dt(d->dtype), t->p);
		if (!bad)
			return KERNEL_OK;
	}
	if (kt_to_f32_dense(x, t, &f))
		return KERNEL_FAILED;
	dense4(d->shape, dst);
	bad = weights ? weights_md(o, g, dst, dnnl_f32, f) : nchw_md(o, d->shape, dst, dnnl_f32, f);
	return bad ? KERNEL_FAILED : KERNEL_OK;
}

static int conv_fast_float(struct kexec *x, const struct conv_geom *g)
{
	const struct taihu_conv2d_params *p = &x->k->p.conv;
	const struct ktensor *Y = &x->t[tk_out(x->k)];
	const bool f16 = kt_dtype(&x->t[0]) == TAIHU_DTYPE_FP16;
	const bool fuse = kd_act_faithful(&p->act);
	struct conv_opnd src, wei, bias, dst;
	float *tmp = NULL;
	int ret;

	if ((ret = float_opnd(x, 0, f16, false, g, &src)) ||
	    (ret = float_opnd(x, 1, f16, true, g, &wei)))
		return ret;
	if (g->has_bias) {
		const struct ktensor *B = &x->t[2];
		dnnl_dims_t bd = { g->OC }, bst = { g->bs ? g->bs : 1 };

		bias.p = B->p;
		if (kt_dtype(B) == TAIHU_DTYPE_FP16 || g->bs == 0) {
			if (kt_to_f32_dense(x, B, (float **)&bias.p))
				return KERNEL_FAILED;
			bst[0] = 1;
		}
		if (dnnl_memory_desc_init_by_strides(&bias.umd, 1, bd,
						     bias.p == B->p ? kd_dt(kt_dtype(B)) : dnnl_f32,
						     bst) != dnnl_success)
			return KERNEL_FALLBACK;
	}
	/* Y directly when oneDNN can write it with the activation; else fp32 first. */
	if (fuse && kt_dtype(Y) != TAIHU_DTYPE_FP16 &&
	    !nchw_md(&dst, Y->d->shape, Y->d->strides, kd_dt(kt_dtype(Y)), Y->p)) {
		return conv_dnnl(x, g, &src, &wei, g->has_bias ? &bias : NULL, &dst, &p->act);
	}
	{
		__s64 st[4];

		tmp = kscratch_get(x, (size_t)g->N * g->OC * g->OH * g->OW * sizeof(float));
		if (!tmp || nchw_md(&dst, Y->d->shape, dense4(Y->d->shape, st), dnnl_f32, tmp))
			return KERNEL_FAILED;
	}
	ret = conv_dnnl(x, g, &src, &wei, g->has_bias ? &bias : NULL, &dst, fuse ? &p->act : NULL);
	if (ret == KERNEL_OK) {
		/* oneDNN applied a fused activation already: none is left to do */
		static const struct taihu_act done;

		kt_from_f32_dense(Y, tmp, fuse ? &done : &p->act);
	}
	return ret;
}

/* The taps [h0, h1) x [w0, w1) of output (oh, ow) that fall inside X. */
struct conv_taps {
	uint32_t h0, h1, w0, w1;
};

static void conv_taps(const struct conv_geom *g, uint32_t oh, uint32_t ow, struct conv_taps *t)
{
	kt_window_taps(oh, g->sh, g->dh, g->ph, g->H, g->KH, &t->h0, &t->h1);
	kt_window_taps(ow, g->sw, g->dw, g->pw, g->W, g->KW, &t->w0, &t->w1);
}

/* Sum of @v[kh][kw] (a KH x KW plane) over the taps @t. */
static uint32_t tap_sum(const struct conv_geom *g, const uint32_t *v, const struct conv_taps *t)
{
	uint32_t kh, kw, s = 0;

	for (kh = t->h0; kh < t->h1; kh++)
		for (kw = t->w0; kw < t->w1; kw++)
			s += v[kh * g->KW + kw];
	return s;
}

static int conv_fast_int8(struct kexec *x, const struct conv_geom *g)
{
	const struct ktensor *X = &x->t[0], *W = &x->t[1];
	const struct ktensor *Y = &x->t[tk_out(x->k)];
	const int32_t zx = kt_zp(X, 0);
	const bool wu8 = kt_dtype(W) == TAIHU_DTYPE_UINT8;
	const size_t taps = (size_t)g->KH * g->KW, ohw = (size_t)g->OH * g->OW;
	struct conv_opnd src, wei, dst;
	int32_t *raw, *zw;
	int8_t *w8;
	uint32_t *wsum, *plane = NULL, n, oc, c, k, oh, ow;
	bool zw_any = false;
	__s64 st[4];
	int ret;

	if (!kd_int8_exact())
		return KERNEL_FALLBACK;
	if (nchw_md(&src, X->d->shape, X->d->strides, kd_dt(kt_dtype(X)), X->p))
		return KERNEL_FALLBACK;
	/* W as dense s8 (uint8 weights shifted by 128: w - zw is unchanged) and its tap sums. */
	w8 = kscratch_get(x, (size_t)g->OC * g->Cg * taps);
	zw = kscratch_get(x, g->OC * sizeof(int32_t));
	wsum = kscratch_get(x, g->OC * taps * sizeof(uint32_t));
	raw = kscratch_get(x, (size_t)g->N * g->OC * ohw * sizeof(int32_t));
	if (!w8 || !zw || !wsum || !raw)
		return KERNEL_FAILED;
	for (oc = 0; oc < g->OC; oc++) {
		zw[oc] = kt_zp(W, oc) - (wu8 ? 128 : 0);
		zw_any |= zw[oc] != 0;
		for (k = 0; k < taps; k++)
			wsum[oc * taps + k] = 0;
		for (c = 0; c < g->Cg; c++)
			for (k = 0; k < taps; k++) {
				uint64_t wo = oc * g->ws[0] + c * g->ws[1] + (k / g->KW) * g->ws[2] +
					      (k % g->KW) * g->ws[3];
				int32_t v = kt_load_int(W, wo) - (wu8 ? 128 : 0);

				w8[((size_t)oc * g->Cg + c) * taps + k] = (int8_t)v;
				wsum[oc * taps + k] += (uint32_t)v;
			}
	}
	{
		const uint32_t wshape[4] = { g->OC, g->Cg, g->KH, g->KW };

		if (weights_md(&wei, g, dense4(wshape, st), dnnl_s8, w8) ||
		    nchw_md(&dst, Y->d->shape, dense4(Y->d->shape, st), dnnl_s32, raw))
			return KERNEL_FAILED;
	}
	ret = conv_dnnl(x, g, &src, &wei, NULL, &dst, NULL);
	if (ret != KERNEL_OK)
		return ret;

	/* sum(x) over each window needs the per-group channel sums of X: only when some zw != 0. */
	if (zw_any) {
		plane = kscratch_get(x, (size_t)g->N * g->G * g->H * g->W * sizeof(uint32_t));
		if (!plane)
			return KERNEL_FAILED;
		for (n = 0; n < g->N * g->G; n++) {
			uint32_t *pl = plane + (size_t)n * g->H * g->W, h, w;

			for (h = 0; h < g->H * g->W; h++)
				pl[h] = 0;
			for (c = 0; c < g->Cg; c++)
				for (h = 0; h < g->H; h++)
					for (w = 0; w < g->W; w++)
						pl[h * g->W + w] += (uint32_t)kt_load_int(X,
							(n / g->G) * g->xs[0] +
							((n % g->G) * g->Cg + c) * g->xs[1] +
							h * g->xs[2] + w * g->xs[3]);
		}
	}
	for (n = 0; n < g->N; n++)
		for (oc = 0; oc < g->OC; oc++) {
			const uint32_t *pl = plane ? plane + ((size_t)n * g->G + oc / g->OCg) * g->H * g->W :
					     NULL;

			if (kernel_aborted(x))
				return KERNEL_ABORTED;
			for (oh = 0; oh < g->OH; oh++)
				for (ow = 0; ow < g->OW; ow++) {
					uint32_t acc = (uint32_t)raw[((size_t)n * g->OC + oc) * ohw +
								     oh * g->OW + ow];
					struct conv_taps t;

					conv_taps(g, oh, ow, &t);
					if (zx) {
						uint32_t cnt = (t.h1 - t.h0) * (t.w1 - t.w0);

						acc -= (uint32_t)zx * tap_sum(g, wsum + oc * taps, &t);
						acc += (uint32_t)zx * (uint32_t)zw[oc] * cnt * g->Cg;
					}
					if (zw[oc]) {
						uint32_t kh, kw, s = 0;

						for (kh = t.h0; kh < t.h1; kh++) {
							const uint64_t ih = (uint64_t)oh * g->sh +
									    (uint64_t)kh * g->dh - g->ph;

							for (kw = t.w0; kw < t.w1; kw++)
								s += pl[ih * g->W + (uint64_t)ow * g->sw +
									(uint64_t)kw * g->dw - g->pw];
						}
						acc -= (uint32_t)zw[oc] * s;
					}
					conv_qstore(x, g, acc, oc,
						    n * g->ys[0] + oc * g->ys[1] + oh * g->ys[2] +
						    ow * g->ys[3]);
				}
		}
	return KERNEL_OK;
}

int conv2d_fast(struct kexec *x)
{
	struct conv_geom g;

	conv_geom(x, &g);
	if (tk_dtype_is_float(x->k->t[0].dtype))
		return conv_fast_float(x, &g);
	return conv_fast_int8(x, &g);
}
#endif /* KERNELS_REFERENCE_ONLY */
