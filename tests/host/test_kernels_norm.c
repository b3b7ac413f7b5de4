// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * SOFTMAX, LOG_SOFTMAX, LAYERNORM, RMSNORM and BATCHNORM on the host: the
 * reference against direct fp64 computation, the fast path against the
 * reference in fp32, fp16 and bf16 on 1x1, odd, strided, transposed and
 * broadcast views within the tolerances of docs/kernels.md, and the packet
 * checks' reasons for bad descriptors and parameters.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kcheck.h"
#include "ktest.h"
#include "tap.h"

static const unsigned int float_dtypes[] = { TAIHU_DTYPE_FP32, TAIHU_DTYPE_FP16, TAIHU_DTYPE_BF16 };

/* Fast against reference, per output dtype (docs/kernels.md, "Normalisation"). */
static void tol_for(unsigned int dtype, double *rtol, double *atol)
{
	switch (dtype) {
	case TAIHU_DTYPE_FP16:
		*rtol = 2e-3;
		*atol = 2e-3;
		break;
	case TAIHU_DTYPE_BF16:
		*rtol = 1.6e-2;
		*atol = 1.6e-2;
		break;
	default:
		*rtol = 1e-4;
		*atol = 1e-5;
	}
}

/* Fast path against the reference with the tolerances of Y's dtype. */
static bool norm_fast_vs_ref(unsigned int kernel, const void *p, size_t psize, struct kbuf **t,
			     unsigned int nin, bool want_fast, const char *what)
{
	double rtol, atol;

	tol_for(t[nin]->d.dtype, &rtol, &atol);
	return kt_fast_vs_ref(kernel, p, psize, t, nin, rtol, atol, want_fast, what);
}

/* ---- reference against fp64 -------------------------------------------- */

static void test_softmax_reference(void)
{
	const uint32_t shape[3] = { 2, 5, 3 };
	struct taihu_softmax_params p = { .axis = -2 };
	struct tap_check ck = { true };
	struct kbuf x, y, yl;
	struct kbuf *t[2] = { &x, &y };
	unsigned int a, b, c, j;

	kb_dense(&x, TAIHU_DTYPE_FP32, 3, shape);
	kb_dense(&y, TAIHU_DTYPE_FP32, 3, shape);
	kb_dense(&yl, TAIHU_DTYPE_FP32, 3, shape);
	kb_fill(&x, -8, 8);
	CHECK_EQ(&ck, kt_run(TAIHU_KERNEL_SOFTMAX, &p, sizeof(p), t, 1, 1, true), KERNEL_OK);
	t[1] = &yl;
	CHECK_EQ(&ck, kt_run(TAIHU_KERNEL_LOG_SOFTMAX, &p, sizeof(p), t, 1, 1, true), KERNEL_OK);
	for (a = 0; a < 2; a++)
		for (c = 0; c < 3; c++) {
			double m = -INFINITY, s = 0;

			for (b = 0; b < 5; b++)
				m = fmax(m, kb_get(&x, (a * 5 + b) * 3 + c));
			for (b = 0; b < 5; b++)
				s += exp(kb_get(&x, (a * 5 + b) * 3 + c) - m);
			for (b = 0; b < 5; b++) {
				j = (a * 5 + b) * 3 + c;
				CHECK(&ck, fabs(kb_get(&y, j) - exp(kb_get(&x, j) - m) / s) < 1e-6);
				CHECK(&ck, fabs(kb_get(&yl, j) - (kb_get(&x, j) - m - log(s))) < 1e-5);
			}
		}
	/* NaN spreads over its row; a row of -Inf is NaN (as with the mask of attention). */
	kb_set(&x, 0, NAN);
	for (b = 0; b < 5; b++)
		kb_set(&x, (1 * 5 + b) * 3 + 2, -INFINITY);
	t[1] = &y;
	CHECK_EQ(&ck, kt_run(TAIHU_KERNEL_SOFTMAX, &p, sizeof(p), t, 1, 1, true), KERNEL_OK);
	for (b = 0; b < 5; b++) {
		CHECK(&ck, isnan(kb_get(&y, b * 3)));
		CHECK(&ck, isnan(kb_get(&y, (5 + b) * 3 + 2)));
		CHECK(&ck, !isnan(kb_get(&y, b * 3 + 1)));
	}
	tap_result(ck.ok, "softmax/log_softmax reference matches fp64 (middle axis, NaN and -Inf rows)");
	kb_free(&x);
	kb_free(&y);
	kb_free(&yl);
}

static void test_norm_reference(void)
{
	const uint32_t shape[3] = { 3, 4, 6 }, gshape[2] = { 4, 6 }, bshape[1] = { 6 };
	struct taihu_norm_params p = { .axis = 1, .epsilon = 1e-3f };
	struct tap_check ck = { true };
	struct kbuf x, g, b, y, yr;
	struct kbuf *t[4] = { &x, &g, &b, &y };
	unsigned int r, j;

	kb_dense(&x, TAIHU_DTYPE_FP32, 3, shape);
	kb_dense(&g, TAIHU_DTYPE_FP32, 2, gshape);
	kb_dense(&b, TAIHU_DTYPE_FP32, 1, bshape);	/* broadcast over dimension 1 */
	kb_dense(&y, TAIHU_DTYPE_FP32, 3, shape);
	kb_dense(&yr, TAIHU_DTYPE_FP32, 3, shape);
	kb_fill(&x, -3, 5);
	kb_fill(&g, 0.5f, 2);
	kb_fill(&b, -1, 1);
	CHECK_EQ(&ck, kt_run(TAIHU_KERNEL_LAYERNORM, &p, sizeof(p), t, 3, 1, true), KERNEL_OK);
	t[2] = &yr;
	CHECK_EQ(&ck, kt_run(TAIHU_KERNEL_RMSNORM, &p, sizeof(p), t, 2, 1, true), KERNEL_OK);
	for (r = 0; r < 3; r++) {
		double mean = 0, var = 0, ms = 0;

		for (j = 0; j < 24; j++)
			mean += kb_get(&x, r * 24 + j) / 24;
		for (j = 0; j < 24; j++) {
			double d = kb_get(&x, r * 24 + j) - mean;

			var += d * d / 24;
			ms += (double)kb_get(&x, r * 24 + j) * kb_get(&x, r * 24 + j) / 24;
		}
		for (j = 0; j < 24; j++) {
			double xv = kb_get(&x, r * 24 + j), gv = kb_get(&g, j);
			double ln = (xv - mean) / sqrt(var + 1e-3) * gv + kb_get(&b, j % 6);
			double rms = xv / sqrt(ms + 1e-3) * gv;

			CHECK(&ck, fabs(kb_get(&y, r * 24 + j) - ln) < 1e-5);
			CHECK(&ck, fabs(kb_get(&yr, r * 24 + j) - rms) < 1e-5);
		}
	}
	tap_result(ck.ok, "layernorm/rmsnorm reference matches fp64 (two trailing axes, broadcast beta)");
	kb_free(&x);
	kb_free(&g);
	kb_free(&b);
	kb_free(&y);
	kb_free(&yr);
}

static void test_batchnorm_reference(void)
{
	const uint32_t shape[4] = { 2, 3, 2, 5 }, cs[1] = { 3 };
	struct taihu_batchnorm_params p = { .epsilon = 1e-5f, .act = { .op = TAIHU_ACT_RELU } };
	struct tap_check ck = { true };
	struct kbuf x, sc, bi, me, va, y;
	struct kbuf *t[6] = { &x, &sc, &bi, &me, &va, &y };
	uint64_t i;

	kb_dense(&x, TAIHU_DTYPE_FP32, 4, shape);
	kb_dense(&sc, TAIHU_DTYPE_FP32, 1, cs);
	kb_dense(&bi, TAIHU_DTYPE_FP32, 1, cs);
	kb_dense(&me, TAIHU_DTYPE_FP32, 1, cs);
	kb_dense(&va, TAIHU_DTYPE_FP32, 1, cs);
	kb_dense(&y, TAIHU_DTYPE_FP32, 4, shape);
	kb_fill(&x, -2, 2);
	kb_fill(&sc, 0.5f, 1.5f);
	kb_fill(&bi, -0.5f, 0.5f);
	kb_fill(&me, -0.5f, 0.5f);
	kb_fill(&va, 0.1f, 2);
	CHECK_EQ(&ck, kt_run(TAIHU_KERNEL_BATCHNORM, &p, sizeof(p), t, 5, 1, true), KERNEL_OK);
	for (i = 0; i < kb_elems(&x); i++) {
		unsigned int c = (unsigned int)(i / 10 % 3);
		double v = (kb_get(&x, i) - kb_get(&me, c)) / sqrt(kb_get(&va, c) + 1e-5) *
			   kb_get(&sc, c) + kb_get(&bi, c);

		CHECK(&ck, fabs(kb_get(&y, i) - (v < 0 ? 0 : v)) < 1e-5);
	}
	tap_result(ck.ok, "batchnorm reference matches fp64 (NCHW, relu)");
	kb_free(&x);
	kb_free(&sc);
	kb_free(&bi);
	kb_free(&me);
	kb_free(&va);
	kb_free(&y);
}

/* ---- fast path against reference ---------------------------------------- */

struct shape_case {
	const char *name;
	unsigned int rank;
	uint32_t shape[4];
	int32_t axis;
	enum kb_layout lx, ly;
};

static const struct shape_case shape_cases[] = {
	{ "1x1", 2, { 1, 1 }, -1, KB_DENSE, KB_DENSE },
	{ "rank 1, 1000", 1, { 1000 }, 0, KB_DENSE, KB_DENSE },
	{ "odd 3x7x5 last axis", 3, { 3, 7, 5 }, -1, KB_DENSE, KB_DENSE },
	{ "odd 3x7x5 axis 1", 3, { 3, 7, 5 }, 1, KB_DENSE, KB_DENSE },
	{ "2x3x4x9 axis 0", 4, { 2, 3, 4, 9 }, 0, KB_DENSE, KB_DENSE },
	{ "strided X 6x33", 2, { 6, 33 }, 1, KB_STRIDED, KB_DENSE },
	{ "transposed Y 17x12", 2, { 17, 12 }, -1, KB_DENSE, KB_TRANSPOSED },
	{ "broadcast X 5x31", 2, { 5, 31 }, 1, KB_BROADCAST, KB_STRIDED },
	{ "64x256", 2, { 64, 256 }, 1, KB_DENSE, KB_DENSE },
};

#define N_SHAPES	(sizeof(shape_cases) / sizeof(shape_cases[0]))

static void test_softmax_fast(void)
{
	unsigned int i, d, log;

	for (log = 0; log < 2; log++)
		for (d = 0; d < 3; d++)
			for (i = 0; i < N_SHAPES; i++) {
				const struct shape_case *c = &shape_cases[i];
				struct taihu_softmax_params p = { .axis = c->axis };
				unsigned int kernel = log ? TAIHU_KERNEL_LOG_SOFTMAX : TAIHU_KERNEL_SOFTMAX;
				struct kbuf x, y;
				struct kbuf *t[2] = { &x, &y };

				kb_layout(&x, float_dtypes[d], c->rank, c->shape, c->lx);
				kb_layout(&y, float_dtypes[d], c->rank, c->shape, c->ly);
				kb_fill(&x, -6, 6);
				tap_result(norm_fast_vs_ref(kernel, &p, sizeof(p), t, 1, true, c->name),
					   "%s %s %s (X %s, Y %s): fast path matches the reference",
					   tk_kernel_name(kernel), tk_dtype_name(float_dtypes[d]), c->name,
					   kb_layout_name(c->lx), kb_layout_name(c->ly));
				kb_free(&x);
				kb_free(&y);
			}
}

/*
 * LAYERNORM and RMSNORM: gamma and beta of X's dtype or fp32, full or
 * broadcast over the normalised dimensions.
 */
static void test_norm_fast(void)
{
	unsigned int i, d, rms;

	for (rms = 0; rms < 2; rms++)
		for (d = 0; d < 3; d++)
			for (i = 0; i < N_SHAPES; i++) {
				const struct shape_case *c = &shape_cases[i];
				struct taihu_norm_params p = { .axis = c->axis, .epsilon = 1e-5f };
				unsigned int kernel = rms ? TAIHU_KERNEL_RMSNORM : TAIHU_KERNEL_LAYERNORM;
				unsigned int axis = (unsigned int)(c->axis < 0 ? c->axis + (int)c->rank : c->axis);
				unsigned int gdt = i & 1 ? TAIHU_DTYPE_FP32 : float_dtypes[d];
				struct kbuf x, g, b, y;
				struct kbuf *t[4] = { &x, &g, &b, &y };
				bool with_affine = i % 3 != 2, want_fast;

				kb_layout(&x, float_dtypes[d], c->rank, c->shape, c->lx);
				kb_layout(&y, float_dtypes[d], c->rank, c->shape, c->ly);
				kb_fill(&x, -4, 6);
				/* gamma: the full trailing shape; beta: its last dimension only. */
				kb_dense(&g, gdt, c->rank - axis, &c->shape[axis]);
				kb_dense(&b, gdt, 1, &c->shape[c->rank - 1]);
				kb_fill(&g, 0.5f, 1.5f);
				kb_fill(&b, -1, 1);
				if (!with_affine) {
					t[1] = NULL;
					t[2] = NULL;
				}
				if (rms)
					t[2] = &y;
				/* RMSNORM's fast path takes contiguous rows only. */
				want_fast = !rms || (c->lx == KB_DENSE && c->ly == KB_DENSE);
				tap_result(norm_fast_vs_ref(kernel, &p, sizeof(p), t, rms ? 2 : 3, want_fast,
						       c->name),
					   "%s %s %s (X %s, Y %s, %s): fast path matches the reference",
					   tk_kernel_name(kernel), tk_dtype_name(float_dtypes[d]), c->name,
					   kb_layout_name(c->lx), kb_layout_name(c->ly),
					   with_affine ? tk_dtype_name(gdt) : "no gamma/beta");
				kb_free(&x);
				kb_free(&g);
				kb_free(&b);
				kb_free(&y);
			}
}

static void test_batchnorm_fast(void)
{
	static const struct {
		const char *name;
		unsigned int rank;
		uint32_t shape[4];
		enum kb_layout lx, ly;
		uint32_t act;
	} cases[] = {
		{ "1x1", 2, { 1, 1 }, KB_DENSE, KB_DENSE, 0 },
		{ "NC 7x5 relu", 2, { 7, 5 }, KB_DENSE, KB_DENSE, TAIHU_ACT_RELU },
		{ "NCHW 2x3x5x7", 4, { 2, 3, 5, 7 }, KB_DENSE, KB_DENSE, 0 },
		{ "NCHW 1x16x9x9 silu", 4, { 1, 16, 9, 9 }, KB_DENSE, KB_DENSE, TAIHU_ACT_SILU },
		{ "strided X 2x4x3x11 relu", 4, { 2, 4, 3, 11 }, KB_STRIDED, KB_DENSE, TAIHU_ACT_RELU },
		{ "transposed Y 3x6x8x5", 4, { 3, 6, 8, 5 }, KB_DENSE, KB_TRANSPOSED, TAIHU_ACT_CLIP },
		{ "broadcast X 4x8x6", 3, { 4, 8, 6 }, KB_BROADCAST, KB_DENSE, 0 },
	};
	unsigned int i, d, j;

	for (d = 0; d < 3; d++)
		for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			struct taihu_batchnorm_params p = { .epsilon = 1e-5f, .act = { .op = cases[i].act } };
			const uint32_t C = cases[i].shape[1];
			struct kbuf x, ch[4], y;
			struct kbuf *t[6] = { &x, &ch[0], &ch[1], &ch[2], &ch[3], &y };

			if (cases[i].act == TAIHU_ACT_CLIP) {
				p.act.alpha = -0.5f;
				p.act.beta = 0.75f;
			}
			kb_layout(&x, float_dtypes[d], cases[i].rank, cases[i].shape, cases[i].lx);
			kb_layout(&y, float_dtypes[d], cases[i].rank, cases[i].shape, cases[i].ly);
			kb_fill(&x, -3, 3);
			for (j = 0; j < 4; j++)
				kb_dense(&ch[j], j & 1 ? TAIHU_DTYPE_FP32 : float_dtypes[d], 1, &C);
			kb_fill(&ch[0], 0.5f, 1.5f);
			kb_fill(&ch[1], -0.5f, 0.5f);
			kb_fill(&ch[2], -0.5f, 0.5f);
			kb_fill(&ch[3], 0.2f, 2);
			tap_result(norm_fast_vs_ref(TAIHU_KERNEL_BATCHNORM, &p, sizeof(p), t, 5, true,
					       cases[i].name),
				   "batchnorm %s %s: fast path matches the reference",
				   tk_dtype_name(float_dtypes[d]), cases[i].name);
			kb_free(&x);
			for (j = 0; j < 4; j++)
				kb_free(&ch[j]);
			kb_free(&y);
		}
}

/* ---- packet checks ------------------------------------------------------ */

static void test_checks(void)
{
	const uint32_t s[3] = { 2, 3, 4 }, s2[2] = { 3, 4 }, bad[2] = { 3, 5 }, c3[1] = { 5 };
	struct taihu_softmax_params sp = { .axis = 2 };
	struct taihu_norm_params np = { .axis = 1, .epsilon = 1e-5f };
	struct taihu_batchnorm_params bp = { .epsilon = 1e-5f };
	struct tap_check ck = { true };
	struct kbuf x, y, g, gb, c, cb;
	struct kbuf *t[6] = { &x, &y };

	kb_dense(&x, TAIHU_DTYPE_FP32, 3, s);
	kb_dense(&y, TAIHU_DTYPE_FP32, 3, s);
	kb_dense(&g, TAIHU_DTYPE_FP32, 2, s2);
	kb_dense(&gb, TAIHU_DTYPE_FP32, 2, bad);
	kb_dense(&c, TAIHU_DTYPE_FP32, 1, c3);
	kb_dense(&cb, TAIHU_DTYPE_FP32, 1, &s[2]);
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_SOFTMAX, &sp, sizeof(sp), t, 1, 1), 0);
	sp.axis = 3;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_SOFTMAX, &sp, sizeof(sp), t, 1, 1), TAIHU_REASON_PARAMS);
	sp.axis = -4;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_LOG_SOFTMAX, &sp, sizeof(sp), t, 1, 1),
		 TAIHU_REASON_PARAMS);
	sp.axis = -3;
	sp.reserved = 1;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_SOFTMAX, &sp, sizeof(sp), t, 1, 1), TAIHU_REASON_PARAMS);
	sp.reserved = 0;
	y.d.dtype = TAIHU_DTYPE_BF16;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_SOFTMAX, &sp, sizeof(sp), t, 1, 1), TAIHU_REASON_DTYPE);
	y.d.dtype = TAIHU_DTYPE_FP32;
	x.d.dtype = TAIHU_DTYPE_INT8;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_SOFTMAX, &sp, sizeof(sp), t, 1, 1), TAIHU_REASON_DTYPE);
	x.d.dtype = TAIHU_DTYPE_FP32;
	y.d.shape[1] = 4;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_SOFTMAX, &sp, sizeof(sp), t, 1, 1), TAIHU_REASON_SHAPE);
	y.d.shape[1] = 3;
	y.d.addr = x.d.addr + 8;	/* Y over X: softmax is not element-wise */
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_SOFTMAX, &sp, sizeof(sp), t, 1, 1), TAIHU_REASON_OVERLAP);
	y.d.addr = (uintptr_t)y.mem;
	x.d.rank = 0;
	memset(x.d.shape, 0, sizeof(x.d.shape));
	memset(x.d.strides, 0, sizeof(x.d.strides));
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_SOFTMAX, &sp, sizeof(sp), t, 1, 1), TAIHU_REASON_RANK);
	kb_free(&x);
	kb_dense(&x, TAIHU_DTYPE_FP32, 3, s);

	/* LAYERNORM: gamma's shape, epsilon, dtypes; RMSNORM takes no beta. */
	t[1] = &g;
	t[2] = &cb;
	t[3] = &y;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_LAYERNORM, &np, sizeof(np), t, 3, 1), 0);
	t[1] = &gb;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_LAYERNORM, &np, sizeof(np), t, 3, 1), TAIHU_REASON_SHAPE);
	t[1] = &g;
	np.epsilon = -1.0f;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_LAYERNORM, &np, sizeof(np), t, 3, 1), TAIHU_REASON_PARAMS);
	np.epsilon = NAN;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_RMSNORM, &np, sizeof(np), t, 1, 1), TAIHU_REASON_PARAMS);
	np.epsilon = 1e-5f;
	np.axis = 5;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_LAYERNORM, &np, sizeof(np), t, 3, 1), TAIHU_REASON_PARAMS);
	np.axis = 1;
	g.d.dtype = TAIHU_DTYPE_BF16;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_LAYERNORM, &np, sizeof(np), t, 3, 1), TAIHU_REASON_DTYPE);
	g.d.dtype = TAIHU_DTYPE_FP32;
	t[2] = &y;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_RMSNORM, &np, sizeof(np), t, 2, 1), 0);
	t[3] = &y;
	t[2] = &cb;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_RMSNORM, &np, sizeof(np), t, 3, 1), TAIHU_REASON_PACKET);

	/* BATCHNORM: [C] operands, X of rank 2 at least, act. */
	t[1] = t[2] = t[3] = t[4] = &c;
	t[5] = &y;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_BATCHNORM, &bp, sizeof(bp), t, 5, 1), TAIHU_REASON_SHAPE);
	kb_free(&c);
	kb_dense(&c, TAIHU_DTYPE_FP32, 1, &s[1]);
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_BATCHNORM, &bp, sizeof(bp), t, 5, 1), 0);
	t[4] = &g;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_BATCHNORM, &bp, sizeof(bp), t, 5, 1), TAIHU_REASON_RANK);
	t[4] = &c;
	bp.act.op = TAIHU_ACT_COUNT;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_BATCHNORM, &bp, sizeof(bp), t, 5, 1), TAIHU_REASON_PARAMS);
	bp.act.op = 0;
	bp.epsilon = INFINITY;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_BATCHNORM, &bp, sizeof(bp), t, 5, 1), TAIHU_REASON_PARAMS);
	bp.epsilon = 0;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_BATCHNORM, &bp, sizeof(bp), t, 4, 1), TAIHU_REASON_PACKET);
	tap_result(ck.ok, "norm packet checks: axis, reserved, dtype, shape, overlap, rank, epsilon, gamma, counts");
	kb_free(&x);
	kb_free(&y);
	kb_free(&g);
	kb_free(&gb);
	kb_free(&c);
	kb_free(&cb);
}

int main(void)
{
	tap_init("test_kernels_norm");
	kt_seed(20260202);
	test_softmax_reference();
	test_norm_reference();
	test_batchnorm_reference();
	test_softmax_fast();
	test_norm_fast();
	test_batchnorm_fast();
	test_checks();
	return tap_finish();
}
