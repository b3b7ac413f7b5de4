// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * POOL2D on the host: the reference against fp64 (max, average with and
 * without the padding counted, dilation), the fast path against the
 * reference on 1x1, odd, strided, global and mid-size cases in every
 * dtype (int8 bit-exact), NaN, Inf and signed zeros through max pooling
 * (the fast path gives the reference's bits), and the packet checks.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "kcheck.h"
#include "kernels/tensor.h"
#include "ktest.h"
#include "tap.h"

struct pool_case {
	const char *name;
	uint32_t n, c, h, w;
	uint32_t k[2], s[2], d[2], pb[2], pe[2];
	bool strided;		/* X with padded rows, Y with padded rows */
};

static const struct pool_case cases[] = {
	{ "1x1 window 1", 1, 1, 1, 1, { 1, 1 }, { 1, 1 }, { 1, 1 }, { 0, 0 }, { 0, 0 }, false },
	{ "3x3 s2 p1", 1, 4, 9, 9, { 3, 3 }, { 2, 2 }, { 1, 1 }, { 1, 1 }, { 1, 1 }, false },
	{ "odd 2x3 s2x1, asymmetric pad", 2, 3, 7, 5, { 2, 3 }, { 2, 1 }, { 1, 1 }, { 1, 0 },
	  { 0, 2 }, false },
	{ "dilation 2", 1, 2, 10, 11, { 3, 2 }, { 1, 2 }, { 2, 2 }, { 2, 1 }, { 1, 1 }, false },
	{ "global 7x7", 2, 16, 7, 7, { 7, 7 }, { 1, 1 }, { 1, 1 }, { 0, 0 }, { 0, 0 }, false },
	{ "strided views 3x3 s1 p1", 1, 3, 8, 6, { 3, 3 }, { 1, 1 }, { 1, 1 }, { 1, 1 }, { 1, 1 },
	  true },
	{ "mid 1x64x56x56 3x3 s2 p1", 1, 64, 56, 56, { 3, 3 }, { 2, 2 }, { 1, 1 }, { 1, 1 },
	  { 1, 1 }, false },
};

static uint32_t out_dim(uint32_t in, uint32_t k, uint32_t s, uint32_t d, uint32_t pb, uint32_t pe)
{
	return (in + pb + pe - d * (k - 1) - 1) / s + 1;
}

static struct taihu_pool2d_params params_of(const struct pool_case *pc, uint32_t op, uint32_t flags)
{
	struct taihu_pool2d_params p = { .op = op, .flags = flags };
	unsigned int i;

	for (i = 0; i < 2; i++) {
		p.kernel[i] = pc->k[i];
		p.stride[i] = pc->s[i];
		p.dilation[i] = pc->d[i];
		p.pad_begin[i] = pc->pb[i];
		p.pad_end[i] = pc->pe[i];
	}
	return p;
}

static void pool_make(const struct pool_case *pc, unsigned int dt, struct kbuf *x, struct kbuf *y)
{
	uint32_t sx[4] = { pc->n, pc->c, pc->h, pc->w };
	uint32_t sy[4] = { pc->n, pc->c, out_dim(pc->h, pc->k[0], pc->s[0], pc->d[0], pc->pb[0], pc->pe[0]),
			   out_dim(pc->w, pc->k[1], pc->s[1], pc->d[1], pc->pb[1], pc->pe[1]) };

	if (pc->strided) {
		int64_t xs[4] = { 0, 0, pc->w + 3, 1 }, ys[4] = { 0, 0, sy[3] + 1, 1 };

		xs[1] = xs[2] * pc->h;
		xs[0] = xs[1] * pc->c;
		ys[1] = ys[2] * sy[2];
		ys[0] = ys[1] * sy[1];
		kb_view(x, dt, 4, sx, xs);
		kb_view(y, dt, 4, sy, ys);
	} else {
		kb_dense(x, dt, 4, sx);
		kb_dense(y, dt, 4, sy);
	}
}

static void run_case(const struct pool_case *pc, unsigned int dt, uint32_t op, uint32_t flags,
		     bool requant)
{
	struct taihu_pool2d_params p = params_of(pc, op, flags);
	struct kernel_counts before, after;
	struct kbuf x, y, yr;
	struct kbuf *t[2] = { &x, &y };
	bool q = dt == TAIHU_DTYPE_INT8, ok;
	int r1, r2;

	pool_make(pc, dt, &x, &y);
	if (q) {
		kb_quant(&x, 0.05f, -3);
		if (requant) {
			y.d.dtype = TAIHU_DTYPE_UINT8;
			kb_quant(&y, 0.03f, 100);
		} else {
			kb_quant(&y, 0.05f, -3);
		}
	}
	kb_fill(&x, -2, 2);
	kb_like(&yr, &y);
	kernels_counts(&before);
	r1 = kt_run(TAIHU_KERNEL_POOL2D, &p, sizeof(p), t, 1, 1, false);
	kernels_counts(&after);
	t[1] = &yr;
	r2 = kt_run(TAIHU_KERNEL_POOL2D, &p, sizeof(p), t, 1, 1, true);
	/* Max is exact; the average sums in another order only in oneDNN. */
	ok = r1 == KERNEL_OK && r2 == KERNEL_OK &&
	     kb_close(&y, &yr, dt == TAIHU_DTYPE_FP32 ? 1e-6 : dt == TAIHU_DTYPE_FP16 ? 1e-3 : 8e-3,
		      1e-6, q, pc->name) && after.fast > before.fast;
	tap_result(ok, "pool2d %s%s %s%s %s: fast path matches the reference", tk_pool_name(op),
		   flags ? " count_pad" : "", tk_dtype_name(dt), q && requant ? " (requantised)" : "",
		   pc->name);
	kb_free(&x);
	kb_free(&y);
	kb_free(&yr);
}

static void test_pool_fast(void)
{
	static const unsigned int dts[4] = { TAIHU_DTYPE_FP32, TAIHU_DTYPE_FP16, TAIHU_DTYPE_BF16,
					     TAIHU_DTYPE_INT8 };
	unsigned int i, d, n = sizeof(cases) / sizeof(cases[0]);

	for (i = 0; i < n; i++)
		for (d = 0; d < 4; d++) {
			if (i + 1 == n && d != 0 && d != 3)
				continue;	/* the mid-size case in fp32 and int8 */
			run_case(&cases[i], dts[d], TAIHU_POOL_MAX, 0, false);
			run_case(&cases[i], dts[d], TAIHU_POOL_AVG, 0, false);
			run_case(&cases[i], dts[d], TAIHU_POOL_AVG, TAIHU_POOL_COUNT_PAD, false);
			if (d == 3) {
				run_case(&cases[i], dts[d], TAIHU_POOL_MAX, 0, true);
				run_case(&cases[i], dts[d], TAIHU_POOL_AVG, TAIHU_POOL_COUNT_PAD, true);
			}
		}
}

/* The reference against fp64, on the odd, dilated and padded cases. */
static void test_pool_reference(void)
{
	struct tap_check ck = { true };
	unsigned int ci, mode;

	for (ci = 2; ci <= 3; ci++)
		for (mode = 0; mode < 3; mode++) {
			const struct pool_case *pc = &cases[ci];
			struct taihu_pool2d_params p = params_of(pc, mode ? TAIHU_POOL_AVG : TAIHU_POOL_MAX,
								 mode == 2 ? TAIHU_POOL_COUNT_PAD : 0);
			struct kbuf x, y;
			struct kbuf *t[2] = { &x, &y };
			uint32_t n, c, oh, ow, kh, kw, OH, OW;

			pool_make(pc, TAIHU_DTYPE_FP32, &x, &y);
			kb_fill(&x, -1, 1);
			CHECK_EQ(&ck, kt_run(TAIHU_KERNEL_POOL2D, &p, sizeof(p), t, 1, 1, true), KERNEL_OK);
			OH = y.d.shape[2];
			OW = y.d.shape[3];
			for (n = 0; n < pc->n; n++)
				for (c = 0; c < pc->c; c++)
					for (oh = 0; oh < OH; oh++)
						for (ow = 0; ow < OW; ow++) {
							double m = -INFINITY, s = 0, e;
							unsigned int cnt = 0;

							for (kh = 0; kh < pc->k[0]; kh++)
								for (kw = 0; kw < pc->k[1]; kw++) {
									int ih = (int)(oh * pc->s[0] + kh * pc->d[0]) - (int)pc->pb[0];
									int iw = (int)(ow * pc->s[1] + kw * pc->d[1]) - (int)pc->pb[1];
									double v;

									if (ih < 0 || iw < 0 || ih >= (int)pc->h || iw >= (int)pc->w)
										continue;
									v = kb_get(&x, ((n * pc->c + c) * pc->h + ih) * pc->w + iw);
									m = fmax(m, v);
									s += v;
									cnt++;
								}
							e = mode == 0 ? m : s / (mode == 2 ? pc->k[0] * pc->k[1] : cnt);
							CHECK(&ck, fabs(kb_get(&y, ((n * pc->c + c) * OH + oh) * OW + ow) - e) < 1e-6);
						}
			kb_free(&x);
			kb_free(&y);
		}
	tap_result(ck.ok, "pool2d reference matches fp64 (max, avg, avg counting padding; dilation, asymmetric padding)");
}

/* MAX returns NaN for a window holding one, on both paths. */
static void test_pool_nan(void)
{
	const struct pool_case *pc = &cases[1];
	struct taihu_pool2d_params p = params_of(pc, TAIHU_POOL_MAX, 0);
	struct tap_check ck = { true };
	struct kbuf x, y, yr;
	struct kbuf *t[2] = { &x, &y };

	pool_make(pc, TAIHU_DTYPE_FP32, &x, &y);
	kb_fill(&x, -1, 1);
	kb_set(&x, 0, NAN);			/* window (0, 0) only */
	kb_set(&x, 81 + 4 * 9 + 4, INFINITY);	/* channel 1, row 4, column 4 */
	kb_like(&yr, &y);
	CHECK_EQ(&ck, kt_run(TAIHU_KERNEL_POOL2D, &p, sizeof(p), t, 1, 1, false), KERNEL_OK);
	t[1] = &yr;
	CHECK_EQ(&ck, kt_run(TAIHU_KERNEL_POOL2D, &p, sizeof(p), t, 1, 1, true), KERNEL_OK);
	CHECK(&ck, kb_close(&y, &yr, 0, 0, false, "nan"));
	CHECK(&ck, isnan(kb_get(&yr, 0)) && isnan(kb_get(&y, 0)));
	CHECK(&ck, !isnan(kb_get(&yr, 1)));
	CHECK(&ck, isinf(kb_get(&y, 25 + 2 * 5 + 2)));
	tap_result(ck.ok, "pool2d max: a NaN in the window gives NaN, Inf wins, on both paths");
	kb_free(&x);
	kb_free(&y);
	kb_free(&yr);
}

/*
 * MAX with NaN, +-Inf and signed zeros sprinkled over X: the fast path
 * gives the reference's bits (the first NaN met, the first of equal
 * values) in every float dtype, with overlapping, strided, padded and
 * dilated windows, and windows of -Inf only give -Inf.
 */
static void test_pool_specials(void)
{
	static const unsigned int dts[3] = { TAIHU_DTYPE_FP32, TAIHU_DTYPE_FP16, TAIHU_DTYPE_BF16 };
	static const float specials[5] = { NAN, INFINITY, -INFINITY, 0.0f, -0.0f };
	unsigned int ci, d;

	for (ci = 1; ci < sizeof(cases) / sizeof(cases[0]); ci++)
		for (d = 0; d < 3; d++) {
			const struct pool_case *pc = &cases[ci];
			struct taihu_pool2d_params p = params_of(pc, TAIHU_POOL_MAX, 0);
			struct tap_check ck = { true };
			struct kbuf x, y, yr;
			struct kbuf *t[2] = { &x, &y };
			uint64_t i, n;

			pool_make(pc, dts[d], &x, &y);
			kb_fill(&x, -1, 1);
			n = kb_elems(&x);
			for (i = 0; i < n; i++) {
				uint32_t r = kt_rand() % 64;

				if (r < 5)
					kb_set(&x, i, specials[r]);
				else if (r < 8)
					kb_set(&x, i, -0.0f);
			}
			/* the first window of the second channel -Inf only */
			if (pc->c > 1 && pc->h > 2 && pc->w > 2)
				for (i = 0; i < 9; i++)
					kb_set(&x, (uint64_t)pc->h * pc->w + (i / 3) * pc->w + i % 3,
					       -INFINITY);
			kb_like(&yr, &y);
			CHECK_EQ(&ck, kt_run(TAIHU_KERNEL_POOL2D, &p, sizeof(p), t, 1, 1, false),
				 KERNEL_OK);
			t[1] = &yr;
			CHECK_EQ(&ck, kt_run(TAIHU_KERNEL_POOL2D, &p, sizeof(p), t, 1, 1, true),
				 KERNEL_OK);
			CHECK(&ck, kb_close(&y, &yr, 0, 0, false, pc->name));
			CHECK(&ck, y.bytes == yr.bytes && !memcmp(y.mem, yr.mem, y.bytes));
			tap_result(ck.ok, "pool2d max %s %s with NaN, Inf and -0: the reference's bits",
				   tk_dtype_name(dts[d]), pc->name);
			kb_free(&x);
			kb_free(&y);
			kb_free(&yr);
		}
}

/* The first NaN of a window wins (its payload kept), and of equal zeros the first. */
static void test_pool_nan_order(void)
{
	const struct pool_case *pc = &cases[1];	/* 3x3 s2 p1 over 9x9 */
	struct taihu_pool2d_params p = params_of(pc, TAIHU_POOL_MAX, 0);
	struct tap_check ck = { true };
	struct kbuf x, y, yr;
	struct kbuf *t[2] = { &x, &y };
	const uint32_t qa = 0x7fc00001u, qb = 0x7fc00002u, nz = 0x80000000u;
	uint32_t bits;
	float *xp, *yp;
	bool fast;

	for (fast = false; ; fast = true) {
		pool_make(pc, TAIHU_DTYPE_FP32, &x, &y);
		kb_fill(&x, -1, 1);
		xp = (float *)x.mem;
		/* output (1, 1) reads rows 1..3, columns 1..3 */
		xp[1 * 9 + 2] = 5.0f;
		memcpy(&xp[2 * 9 + 1], &qa, 4);
		memcpy(&xp[3 * 9 + 3], &qb, 4);
		/* output (3, 3) reads rows 5..7, columns 5..7: zeros of both signs */
		for (bits = 0; bits < 9; bits++)
			xp[(5 + bits / 3) * 9 + 5 + bits % 3] = -1.0f;
		memcpy(&xp[6 * 9 + 6], &nz, 4);
		xp[7 * 9 + 7] = 0.0f;
		kb_like(&yr, &y);
		t[1] = &y;
		CHECK_EQ(&ck, kt_run(TAIHU_KERNEL_POOL2D, &p, sizeof(p), t, 1, 1, !fast), KERNEL_OK);
		yp = (float *)y.mem;
		memcpy(&bits, &yp[1 * 5 + 1], 4);
		CHECK_EQ(&ck, bits, qa);
		memcpy(&bits, &yp[3 * 5 + 3], 4);
		CHECK_EQ(&ck, bits, nz);
		kb_free(&x);
		kb_free(&y);
		kb_free(&yr);
		if (fast)
			break;
	}
	tap_result(ck.ok, "pool2d max: the first NaN's payload and the first of -0 and +0, on both paths");
}

static void test_pool_checks(void)
{
	struct taihu_pool2d_params p = params_of(&cases[1], TAIHU_POOL_AVG, 0);
	struct tap_check ck = { true };
	struct kbuf x, y;
	struct kbuf *t[2] = { &x, &y };

	pool_make(&cases[1], TAIHU_DTYPE_BF16, &x, &y);
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_POOL2D, &p, sizeof(p), t, 1, 1), 0);
	p.kernel[0] = 0;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_POOL2D, &p, sizeof(p), t, 1, 1), TAIHU_REASON_PARAMS);
	p.kernel[0] = 3;
	p.pad_begin[1] = 3;	/* a window of padding only */
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_POOL2D, &p, sizeof(p), t, 1, 1), TAIHU_REASON_PARAMS);
	p.pad_begin[1] = 1;
	p.op = 2;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_POOL2D, &p, sizeof(p), t, 1, 1), TAIHU_REASON_PARAMS);
	p.op = TAIHU_POOL_MAX;
	p.flags = TAIHU_POOL_COUNT_PAD;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_POOL2D, &p, sizeof(p), t, 1, 1), TAIHU_REASON_PARAMS);
	p.flags = 0;
	y.d.dtype = TAIHU_DTYPE_FP32;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_POOL2D, &p, sizeof(p), t, 1, 1), TAIHU_REASON_DTYPE);
	y.d.dtype = TAIHU_DTYPE_BF16;
	y.d.shape[1] = 3;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_POOL2D, &p, sizeof(p), t, 1, 1), TAIHU_REASON_SHAPE);
	y.d.shape[1] = 4;
	y.d.shape[3] = 6;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_POOL2D, &p, sizeof(p), t, 1, 1), TAIHU_REASON_SHAPE);
	y.d.shape[3] = 5;
	p.stride[0] = 0;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_POOL2D, &p, sizeof(p), t, 1, 1), TAIHU_REASON_PARAMS);
	tap_result(ck.ok, "pool2d packet checks: window, padding, op, flags, dtype, channels, output size, stride");
	kb_free(&x);
	kb_free(&y);
}

int main(void)
{
	tap_init("test_kernels_pool");
	kt_seed(20260404);
	test_pool_reference();
	test_pool_fast();
	test_pool_nan();
	test_pool_specials();
	test_pool_nan_order();
	test_pool_checks();
	return tap_finish();
}
