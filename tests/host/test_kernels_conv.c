// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * CONV2D on the host: the reference against fp64 (stride, padding,
 * dilation, groups, bias, activation), the fast path against the
 * reference on 1x1, odd, strided, grouped and depthwise cases within the
 * tolerances of docs/kernels.md, int8 bit-exact (zero points on both
 * sides, per-channel weights, uint8 weights, int32 and fp32 outputs), and
 * the packet checks.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "kcheck.h"
#include "kernels/tensor.h"
#include "ktest.h"
#include "tap.h"

struct conv_case {
	const char *name;
	uint32_t n, c, h, w, oc, kh, kw;
	uint32_t stride[2], dil[2], pb[2], pe[2], groups;
	int bias;		/* 0 none, 1 given */
	uint32_t act;
	bool strided;		/* X a view with padded rows, W with swapped kh/kw strides */
};

static const struct conv_case cases[] = {
	{ "1x1", 1, 1, 1, 1, 1, 1, 1, { 1, 1 }, { 1, 1 }, { 0, 0 }, { 0, 0 }, 1, 0, 0, false },
	{ "odd, stride 2x1, asymmetric pad, bias", 2, 3, 7, 9, 5, 3, 2, { 2, 1 }, { 1, 1 },
	  { 1, 0 }, { 0, 1 }, 1, 1, 0, false },
	{ "dilation 2, pad 2, relu", 1, 4, 11, 10, 6, 3, 3, { 1, 1 }, { 2, 2 }, { 2, 2 },
	  { 2, 2 }, 1, 1, TAIHU_ACT_RELU, false },
	{ "groups 2, gelu", 1, 6, 8, 8, 4, 3, 3, { 1, 1 }, { 1, 1 }, { 1, 1 }, { 1, 1 }, 2, 1,
	  TAIHU_ACT_GELU_TANH, false },
	{ "depthwise x2, stride 2", 2, 8, 9, 9, 16, 3, 3, { 2, 2 }, { 1, 1 }, { 1, 1 }, { 1, 1 },
	  8, 1, TAIHU_ACT_CLIP, false },
	{ "strided views, 1x1 kernel", 1, 5, 6, 7, 3, 1, 1, { 1, 1 }, { 1, 1 }, { 0, 0 },
	  { 0, 0 }, 1, 0, 0, true },
	{ "strided views, 3x3", 1, 5, 6, 7, 3, 3, 3, { 1, 1 }, { 1, 1 }, { 1, 1 }, { 1, 1 }, 1, 1,
	  TAIHU_ACT_SILU, true },
	{ "mid 1x32x28x28 k3", 1, 32, 28, 28, 32, 3, 3, { 1, 1 }, { 1, 1 }, { 1, 1 }, { 1, 1 }, 1,
	  1, TAIHU_ACT_RELU, false },
};

static uint32_t out_dim(uint32_t in, uint32_t k, uint32_t s, uint32_t d, uint32_t pb, uint32_t pe)
{
	return (in + pb + pe - d * (k - 1) - 1) / s + 1;
}

static struct taihu_conv2d_params params_of(const struct conv_case *cc)
{
	struct taihu_conv2d_params p = { .groups = cc->groups, .act = { .op = cc->act } };
	unsigned int i;

	for (i = 0; i < 2; i++) {
		p.stride[i] = cc->stride[i];
		p.dilation[i] = cc->dil[i];
		p.pad_begin[i] = cc->pb[i];
		p.pad_end[i] = cc->pe[i];
	}
	if (cc->act == TAIHU_ACT_CLIP) {
		p.act.alpha = -0.5f;
		p.act.beta = 0.75f;
	}
	return p;
}

/* X, W, bias (dtype @bdt), Y of a case. */
static void conv_make(const struct conv_case *cc, unsigned int dt, unsigned int wdt,
		      unsigned int bdt, unsigned int ydt, struct kbuf *x, struct kbuf *w,
		      struct kbuf *b, struct kbuf *y)
{
	uint32_t sx[4] = { cc->n, cc->c, cc->h, cc->w };
	uint32_t sw[4] = { cc->oc, cc->c / cc->groups, cc->kh, cc->kw };
	uint32_t sy[4] = { cc->n, cc->oc,
			   out_dim(cc->h, cc->kh, cc->stride[0], cc->dil[0], cc->pb[0], cc->pe[0]),
			   out_dim(cc->w, cc->kw, cc->stride[1], cc->dil[1], cc->pb[1], cc->pe[1]) };

	if (cc->strided) {
		int64_t xs[4], ws[4];

		xs[3] = 1;
		xs[2] = cc->w + 2;
		xs[1] = xs[2] * cc->h;
		xs[0] = xs[1] * cc->c;
		/* W with kw outermost inside a channel: [oc][c][kw][kh] in memory. */
		ws[2] = 1;
		ws[3] = cc->kh;
		ws[1] = (int64_t)cc->kh * cc->kw;
		ws[0] = ws[1] * sw[1];
		kb_view(x, dt, 4, sx, xs);
		kb_view(w, wdt, 4, sw, ws);
	} else {
		kb_dense(x, dt, 4, sx);
		kb_dense(w, wdt, 4, sw);
	}
	kb_dense(b, bdt, 1, &cc->oc);
	kb_dense(y, ydt, 4, sy);
}

/* Run the fast path and the reference on the same operands; compare. */
static bool fast_vs_ref(const struct taihu_conv2d_params *p, struct kbuf **t, bool bias,
			struct kbuf *y, bool exact, double rtol, double atol, const char *name)
{
	struct kernel_counts before, after;
	struct kbuf yr;
	int r1, r2;
	bool ok;

	kb_like(&yr, y);
	t[3] = y;
	kernels_counts(&before);
	r1 = kt_run(TAIHU_KERNEL_CONV2D, p, sizeof(*p), t, 3, 1, false);
	kernels_counts(&after);
	t[3] = &yr;
	r2 = kt_run(TAIHU_KERNEL_CONV2D, p, sizeof(*p), t, 3, 1, true);
	ok = r1 == KERNEL_OK && r2 == KERNEL_OK && kb_close(y, &yr, rtol, atol, exact, name);
	if (after.fast == before.fast) {
		tap_diag("%s: the fast path declined", name);
		ok = false;
	}
	(void)bias;
	kb_free(&yr);
	return ok;
}

static void run_float(const struct conv_case *cc, unsigned int dt, unsigned int ydt)
{
	struct taihu_conv2d_params p = params_of(cc);
	struct kbuf x, w, b, y;
	struct kbuf *t[4] = { &x, &w, cc->bias ? &b : NULL, &y };
	double rtol, atol;
	char what[160];

	snprintf(what, sizeof(what), "conv2d %s %s->%s: fast path matches the reference",
		 cc->name, tk_dtype_name(dt), tk_dtype_name(ydt));
	if (kt_no_fast_path(dt)) {
		tap_skip(what, kt_no_fast_path(dt));
		return;
	}
	conv_make(cc, dt, dt, ydt == TAIHU_DTYPE_FP32 ? TAIHU_DTYPE_FP32 : dt, ydt, &x, &w, &b, &y);
	kb_fill(&x, -1, 1);
	kb_fill(&w, -1, 1);
	kb_fill(&b, -1, 1);
	kt_tol_sum(ydt == TAIHU_DTYPE_FP32 ? dt : ydt, cc->c / cc->groups * cc->kh * cc->kw, &rtol,
		&atol);
	tap_result(fast_vs_ref(&p, t, cc->bias, &y, false, rtol, atol, cc->name), "%s", what);
	kb_free(&x);
	kb_free(&w);
	kb_free(&b);
	kb_free(&y);
}

static void test_conv_float(void)
{
	static const unsigned int dts[3] = { TAIHU_DTYPE_FP32, TAIHU_DTYPE_FP16, TAIHU_DTYPE_BF16 };
	unsigned int i, d, n = sizeof(cases) / sizeof(cases[0]);

	for (i = 0; i < n; i++)
		for (d = 0; d < 3; d++)
			if (i + 1 < n || d == 0)	/* the mid-size case in fp32 only */
				run_float(&cases[i], dts[d], dts[d]);
	run_float(&cases[2], TAIHU_DTYPE_BF16, TAIHU_DTYPE_FP32);
	run_float(&cases[4], TAIHU_DTYPE_FP16, TAIHU_DTYPE_FP32);
}

/*
 * NaN through CONV2D and RELU/CLIP (docs/kernels.md): a NaN in X makes the
 * outputs whose windows cover it NaN, in the fast path as in the reference.
 */
static void test_conv_nan(void)
{
	static const unsigned int dts[2] = { TAIHU_DTYPE_FP32, TAIHU_DTYPE_BF16 };
	unsigned int c, d;

	for (c = 2; c <= 4; c += 2)	/* "dilation 2, pad 2, relu", "depthwise x2, ..., clip" */
		for (d = 0; d < 2; d++) {
			const struct conv_case *cc = &cases[c];
			struct taihu_conv2d_params p = params_of(cc);
			struct kbuf x, w, b, y;
			struct kbuf *t[4] = { &x, &w, &b, &y };
			double rtol, atol;
			char what[160];
			bool ok;

			snprintf(what, sizeof(what),
				 "conv2d %s %s with a NaN in X and %s: fast path matches the reference",
				 cc->name, tk_dtype_name(dts[d]), tk_act_name(p.act.op));
			if (kt_no_fast_path(dts[d])) {
				tap_skip(what, kt_no_fast_path(dts[d]));
				continue;
			}
			conv_make(cc, dts[d], dts[d], dts[d], dts[d], &x, &w, &b, &y);
			kb_fill(&x, -1, 1);
			kb_fill(&w, -1, 1);
			kb_fill(&b, -1, 1);
			kb_set(&x, 3 * cc->w + 4, NAN);	/* channel 0, row 3, column 4 */
			kt_tol_sum(dts[d], cc->c / cc->groups * cc->kh * cc->kw, &rtol, &atol);
			ok = fast_vs_ref(&p, t, true, &y, false, rtol, atol, cc->name);
			/* ... and NaN it is there (positions compared by fast_vs_ref()). */
			{
				uint64_t i, nans = 0;

				for (i = 0; i < kb_elems(&y); i++)
					nans += isnan(kb_get(&y, i));
				ok &= nans > 0;
			}
			tap_result(ok, "%s", what);
			kb_free(&x);
			kb_free(&w);
			kb_free(&b);
			kb_free(&y);
		}
}

/* Int8: zero points on X and W, per-channel W, uint8 W, int32/fp32/int8 outputs; bit for bit. */
static void run_int8(const struct conv_case *cc, unsigned int xdt, unsigned int wdt,
		     unsigned int ydt, bool per_channel, unsigned int bdt)
{
	struct taihu_conv2d_params p = params_of(cc);
	struct kbuf x, w, b, y;
	struct kbuf *t[4] = { &x, &w, cc->bias ? &b : NULL, &y };
	char name[160], what[208];

	snprintf(name, sizeof(name), "conv2d int8 %s (%s x %s%s -> %s, %s bias)", cc->name,
		 tk_dtype_name(xdt), tk_dtype_name(wdt), per_channel ? " per channel" : "",
		 tk_dtype_name(ydt), cc->bias ? tk_dtype_name(bdt) : "no");
	/* The same test name whether it runs or is skipped. */
	snprintf(what, sizeof(what), "%s: fast path bit-exact with the reference", name);
	if (kt_no_fast_path(xdt)) {
		tap_skip(what, kt_no_fast_path(xdt));
		return;
	}
	if (ydt == TAIHU_DTYPE_INT32)
		p.act.op = 0, p.act.alpha = p.act.beta = 0;
	conv_make(cc, xdt, wdt, bdt, ydt, &x, &w, &b, &y);
	kb_quant(&x, 0.02f, xdt == TAIHU_DTYPE_INT8 ? -4 : 117);
	if (per_channel)
		kb_quant_channels(&w, 0, 0.004f, 0.02f, true);
	else
		kb_quant(&w, 0.01f, wdt == TAIHU_DTYPE_INT8 ? 3 : 125);
	if (ydt == TAIHU_DTYPE_INT8 || ydt == TAIHU_DTYPE_UINT8)
		kb_quant(&y, 0.04f, ydt == TAIHU_DTYPE_INT8 ? -2 : 90);
	kb_fill(&x, 0, 0);
	kb_fill(&w, 0, 0);
	kb_fill(&b, bdt == TAIHU_DTYPE_INT32 ? -3000 : -1, bdt == TAIHU_DTYPE_INT32 ? 3000 : 1);
	tap_result(fast_vs_ref(&p, t, cc->bias, &y, true, 0, 0, name), "%s", what);
	kb_free(&x);
	kb_free(&w);
	kb_free(&b);
	kb_free(&y);
}

static void test_conv_int8(void)
{
	run_int8(&cases[0], TAIHU_DTYPE_INT8, TAIHU_DTYPE_INT8, TAIHU_DTYPE_INT8, false,
		 TAIHU_DTYPE_INT32);
	run_int8(&cases[1], TAIHU_DTYPE_UINT8, TAIHU_DTYPE_INT8, TAIHU_DTYPE_UINT8, true,
		 TAIHU_DTYPE_INT32);
	run_int8(&cases[2], TAIHU_DTYPE_UINT8, TAIHU_DTYPE_UINT8, TAIHU_DTYPE_FP32, false,
		 TAIHU_DTYPE_FP32);
	run_int8(&cases[3], TAIHU_DTYPE_INT8, TAIHU_DTYPE_INT8, TAIHU_DTYPE_INT32, true,
		 TAIHU_DTYPE_INT32);
	run_int8(&cases[4], TAIHU_DTYPE_UINT8, TAIHU_DTYPE_INT8, TAIHU_DTYPE_INT8, true,
		 TAIHU_DTYPE_INT32);
	run_int8(&cases[6], TAIHU_DTYPE_INT8, TAIHU_DTYPE_UINT8, TAIHU_DTYPE_INT8, false,
		 TAIHU_DTYPE_FP32);
	run_int8(&cases[7], TAIHU_DTYPE_UINT8, TAIHU_DTYPE_INT8, TAIHU_DTYPE_UINT8, true,
		 TAIHU_DTYPE_INT32);
}

/* The reference against a direct fp64 computation. */
static void test_conv_reference(void)
{
	const struct conv_case *cc = &cases[3];	/* groups, padding, bias */
	const struct conv_case *cd = &cases[2];	/* dilation */
	struct tap_check ck = { true };
	unsigned int which;

	for (which = 0; which < 2; which++) {
		const struct conv_case *c = which ? cd : cc;
		struct taihu_conv2d_params p = params_of(c);
		struct kbuf x, w, b, y;
		struct kbuf *t[4] = { &x, &w, &b, &y };
		uint32_t oh, ow, oc, ci, kh, kw, OH, OW, cg = c->c / c->groups;

		p.act.op = 0;
		conv_make(c, TAIHU_DTYPE_FP32, TAIHU_DTYPE_FP32, TAIHU_DTYPE_FP32, TAIHU_DTYPE_FP32,
			  &x, &w, &b, &y);
		kb_fill(&x, -1, 1);
		kb_fill(&w, -1, 1);
		kb_fill(&b, -1, 1);
		CHECK_EQ(&ck, kt_run(TAIHU_KERNEL_CONV2D, &p, sizeof(p), t, 3, 1, true), KERNEL_OK);
		OH = y.d.shape[2];
		OW = y.d.shape[3];
		for (oc = 0; oc < c->oc; oc++)
			for (oh = 0; oh < OH; oh++)
				for (ow = 0; ow < OW; ow++) {
					double s = kb_get(&b, oc);

					for (ci = 0; ci < cg; ci++)
						for (kh = 0; kh < c->kh; kh++)
							for (kw = 0; kw < c->kw; kw++) {
								int ih = (int)(oh * c->stride[0] + kh * c->dil[0]) - (int)c->pb[0];
								int iw = (int)(ow * c->stride[1] + kw * c->dil[1]) - (int)c->pb[1];
								uint32_t ic = oc / (c->oc / c->groups) * cg + ci;

								if (ih < 0 || iw < 0 || ih >= (int)c->h || iw >= (int)c->w)
									continue;
								s += (double)kb_get(&x, (ic * c->h + ih) * c->w + iw) *
								     kb_get(&w, ((oc * cg + ci) * c->kh + kh) * c->kw + kw);
							}
					CHECK(&ck, fabs(kb_get(&y, (oc * OH + oh) * OW + ow) - s) < 1e-5);
				}
		kb_free(&x);
		kb_free(&w);
		kb_free(&b);
		kb_free(&y);
	}
	tap_result(ck.ok, "conv2d reference matches fp64 (groups, padding, dilation, bias)");
}

static void test_conv_checks(void)
{
	struct taihu_conv2d_params p = params_of(&cases[3]);
	struct tap_check ck = { true };
	struct kbuf x, w, b, y;
	struct kbuf *t[4] = { &x, &w, &b, &y };

	p.act.op = 0;
	conv_make(&cases[3], TAIHU_DTYPE_FP32, TAIHU_DTYPE_FP32, TAIHU_DTYPE_FP32,
		  TAIHU_DTYPE_FP32, &x, &w, &b, &y);
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_CONV2D, &p, sizeof(p), t, 3, 1), 0);
	p.groups = 4;	/* divides C 6? no */
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_CONV2D, &p, sizeof(p), t, 3, 1), TAIHU_REASON_SHAPE);
	p.groups = 0;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_CONV2D, &p, sizeof(p), t, 3, 1), TAIHU_REASON_PARAMS);
	p.groups = 2;
	p.stride[1] = 0;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_CONV2D, &p, sizeof(p), t, 3, 1), TAIHU_REASON_PARAMS);
	p.stride[1] = 1;
	p.dilation[0] = 0;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_CONV2D, &p, sizeof(p), t, 3, 1), TAIHU_REASON_PARAMS);
	p.dilation[0] = 1;
	p.pad_end[0] = 2;	/* Y's OH no longer matches */
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_CONV2D, &p, sizeof(p), t, 3, 1), TAIHU_REASON_SHAPE);
	p.pad_end[0] = 1;
	p.dilation[0] = 9;	/* window beyond the padded input */
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_CONV2D, &p, sizeof(p), t, 3, 1), TAIHU_REASON_SHAPE);
	p.dilation[0] = 1;
	b.d.shape[0] = 3;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_CONV2D, &p, sizeof(p), t, 3, 1), TAIHU_REASON_SHAPE);
	b.d.shape[0] = 4;
	w.d.dtype = TAIHU_DTYPE_BF16;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_CONV2D, &p, sizeof(p), t, 3, 1), TAIHU_REASON_DTYPE);
	w.d.dtype = TAIHU_DTYPE_FP32;
	x.d.rank = 3;
	x.d.shape[3] = 0;
	x.d.strides[3] = 0;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_CONV2D, &p, sizeof(p), t, 3, 1), TAIHU_REASON_RANK);
	kb_free(&x);
	kb_free(&w);
	kb_free(&b);
	kb_free(&y);

	/* Int8: per-channel W along axis 1, an int32 output with an activation. */
	conv_make(&cases[3], TAIHU_DTYPE_INT8, TAIHU_DTYPE_INT8, TAIHU_DTYPE_INT32,
		  TAIHU_DTYPE_INT32, &x, &w, &b, &y);
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_CONV2D, &p, sizeof(p), t, 3, 1), 0);
	kb_quant_channels(&w, 1, 0.1f, 0.2f, false);
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_CONV2D, &p, sizeof(p), t, 3, 1), TAIHU_REASON_QUANT);
	w.d.quant_axis = 0;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_CONV2D, &p, sizeof(p), t, 3, 1), 0);
	p.act.op = TAIHU_ACT_RELU;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_CONV2D, &p, sizeof(p), t, 3, 1), TAIHU_REASON_PARAMS);
	tap_result(ck.ok, "conv2d packet checks: groups, stride, dilation, output size, window, bias, dtype, rank, quant axis, int32 epilogue");
	kb_free(&x);
	kb_free(&w);
	kb_free(&b);
	kb_free(&y);
}

int main(void)
{
	tap_init("test_kernels_conv");
	kt_seed(20260303);
	test_conv_reference();
	test_conv_float();
	test_conv_nan();
	test_conv_int8();
	test_conv_checks();
	return tap_finish();
}
