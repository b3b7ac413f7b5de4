// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * BINARY and UNARY on the host: the reference against fp64 and hand-made
 * int8 cases (round half to even, saturation), the fast path against the
 * reference on random shapes (1x1, scalars, odd sizes, strided, transposed
 * and broadcast views, in place) within the tolerances of docs/kernels.md,
 * int8 bit-exact, NaN and Inf propagation, and the packet checks.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "kcheck.h"
#include "kernels/tensor.h"
#include "ktest.h"
#include "tap.h"

static const unsigned int float_dtypes[] = { TAIHU_DTYPE_FP32, TAIHU_DTYPE_FP16, TAIHU_DTYPE_BF16 };

/* Element-wise tolerances of a float dtype: rounding of the output and oneDNN's approximations. */
static void ew_tol(unsigned int dtype, double *rtol, double *atol)
{
	*rtol = dtype == TAIHU_DTYPE_FP32 ? 1e-5 : dtype == TAIHU_DTYPE_FP16 ? 1e-3 : 8e-3;
	*atol = dtype == TAIHU_DTYPE_FP32 ? 1e-6 : dtype == TAIHU_DTYPE_FP16 ? 1e-4 : 1e-3;
}

/* A view of @shape: dense, or with @pad extra elements between rows, or transposed (last two). */
enum layout { DENSE, PADDED, TRANSPOSED };

static void ew_view(struct kbuf *b, unsigned int dt, unsigned int rank, const uint32_t *shape,
		      enum layout l)
{
	int64_t st[TAIHU_MAX_RANK];
	unsigned int i;

	if (l == DENSE || rank < 2) {
		kb_dense(b, dt, rank, shape);
		return;
	}
	for (i = rank; i-- > 0;)
		st[i] = i + 1 < rank ? st[i + 1] * (shape[i + 1] + (l == PADDED && i + 2 == rank ? 3 : 0)) : 1;
	if (l == TRANSPOSED) {
		/* Column-major last two dimensions. */
		st[rank - 1] = shape[rank - 2];
		st[rank - 2] = 1;
	}
	kb_view(b, dt, rank, shape, st);
}

/* ---- BINARY ------------------------------------------------------------- */

struct bin_case {
	const char *name;
	unsigned int ra, rb, ry;
	uint32_t sa[4], sb[4], sy[4];
	enum layout la, lb;
};

static const struct bin_case bin_cases[] = {
	{ "1x1", 2, 2, 2, { 1, 1 }, { 1, 1 }, { 1, 1 }, DENSE, DENSE },
	{ "scalar B", 2, 0, 2, { 7, 13 }, { 0 }, { 7, 13 }, DENSE, DENSE },
	{ "odd 7x13", 2, 2, 2, { 7, 13 }, { 7, 13 }, { 7, 13 }, DENSE, DENSE },
	{ "row broadcast", 3, 2, 3, { 3, 1, 5 }, { 4, 1 }, { 3, 4, 5 }, DENSE, DENSE },
	{ "both broadcast", 2, 2, 2, { 9, 1 }, { 1, 11 }, { 9, 11 }, DENSE, DENSE },
	{ "strided A, transposed B", 2, 2, 2, { 17, 19 }, { 17, 19 }, { 17, 19 }, PADDED, TRANSPOSED },
	{ "channel bias 2x16x9x9", 4, 3, 4, { 2, 16, 9, 9 }, { 16, 1, 1 }, { 2, 16, 9, 9 }, DENSE, DENSE },
	{ "mid 1x32x56x56", 4, 4, 4, { 1, 32, 56, 56 }, { 1, 32, 56, 56 }, { 1, 32, 56, 56 }, DENSE, DENSE },
};

static void run_binary(const struct bin_case *bc, unsigned int dt, uint32_t op, uint32_t act)
{
	struct taihu_binary_params p = { .op = op, .act = { .op = act } };
	struct kbuf a, b, y, yr;
	struct kbuf *t[3] = { &a, &b, &y };
	struct kernel_counts before, after;
	double rtol, atol;
	bool ok;
	int r1, r2;

	ew_view(&a, dt, bc->ra, bc->sa, bc->la);
	ew_view(&b, dt, bc->rb, bc->sb, bc->lb);
	kb_dense(&y, dt, bc->ry, bc->sy);
	if (dt == TAIHU_DTYPE_INT8) {
		kb_quant(&a, 0.03f, -7);
		b.d.dtype = TAIHU_DTYPE_UINT8;
		kb_quant(&b, 0.02f, 131);
		kb_quant(&y, 0.05f, 3);
	}
	kb_fill(&a, -2, 2);
	kb_fill(&b, op == TAIHU_BINARY_DIV ? 0.5f : -2, 2);
	kb_like(&yr, &y);
	kernels_counts(&before);
	r1 = kt_run(TAIHU_KERNEL_BINARY, &p, sizeof(p), t, 2, 1, false);
	kernels_counts(&after);
	t[2] = &yr;
	r2 = kt_run(TAIHU_KERNEL_BINARY, &p, sizeof(p), t, 2, 1, true);
	ew_tol(dt, &rtol, &atol);
	ok = r1 == KERNEL_OK && r2 == KERNEL_OK &&
	     kb_close(&y, &yr, rtol, atol, dt == TAIHU_DTYPE_INT8, bc->name);
	/* Int8 ADD takes its table from 64K outputs on; below, the reference is the fast path. */
	if (after.fast == before.fast && (dt != TAIHU_DTYPE_INT8 || kb_elems(&y) >= 65536)) {
		tap_diag("%s: the fast path declined", bc->name);
		ok = false;
	}
	tap_result(ok, "binary %s%s%s %s %s: fast path matches the reference", tk_binary_name(op),
		   act ? "+" : "", act ? tk_act_name(act) : "", tk_dtype_name(dt), bc->name);
	kb_free(&a);
	kb_free(&b);
	kb_free(&y);
	kb_free(&yr);
}

static void test_binary_fast(void)
{
	unsigned int c, d, op;

	for (d = 0; d < 3; d++)
		for (c = 0; c < sizeof(bin_cases) / sizeof(bin_cases[0]); c++)
			for (op = 0; op < TAIHU_BINARY_COUNT; op++)
				run_binary(&bin_cases[c], float_dtypes[d], op,
					   c == 3 ? TAIHU_ACT_RELU : c == 6 ? TAIHU_ACT_GELU_ERF : 0);
	/* Int8 ADD, uint8 B: small (reference) and large (table), with an activation. */
	for (c = 0; c < sizeof(bin_cases) / sizeof(bin_cases[0]); c++)
		run_binary(&bin_cases[c], TAIHU_DTYPE_INT8, TAIHU_BINARY_ADD,
			   c >= 6 ? TAIHU_ACT_RELU : 0);
	{
		const struct bin_case big = { "int8 table 1x64x32x32 + [64,1,1], strided", 4, 3, 4,
					      { 1, 64, 32, 32 }, { 64, 1, 1 }, { 1, 64, 32, 32 },
					      PADDED, DENSE };

		run_binary(&big, TAIHU_DTYPE_INT8, TAIHU_BINARY_ADD, 0);
	}
}

/* The reference against fp64, and int8 rounding by hand. */
static void test_binary_reference(void)
{
	struct tap_check ck = { true };
	uint32_t sa[2] = { 3, 4 }, sb[1] = { 4 };
	struct kbuf a, b, y;
	struct kbuf *t[3] = { &a, &b, &y };
	uint32_t op, i;

	kb_dense(&a, TAIHU_DTYPE_FP32, 2, sa);
	kb_dense(&b, TAIHU_DTYPE_FP32, 1, sb);
	kb_dense(&y, TAIHU_DTYPE_FP32, 2, sa);
	kb_fill(&a, -3, 3);
	kb_fill(&b, 0.5f, 3);
	for (op = 0; op < TAIHU_BINARY_COUNT; op++) {
		struct taihu_binary_params p = { .op = op, .act = { .op = TAIHU_ACT_LEAKY_RELU,
								   .alpha = 0.125f } };

		CHECK_EQ(&ck, kt_run(TAIHU_KERNEL_BINARY, &p, sizeof(p), t, 2, 1, true), KERNEL_OK);
		for (i = 0; i < 12; i++) {
			double u = kb_get(&a, i), v = kb_get(&b, i % 4), e;

			e = op == 0 ? u + v : op == 1 ? u - v : op == 2 ? u * v : op == 3 ? u / v :
			    op == 4 ? fmax(u, v) : fmin(u, v);
			e = e < 0 ? 0.125 * e : e;
			CHECK(&ck, fabs(kb_get(&y, i) - e) <= 1e-6 * fabs(e) + 1e-7);
		}
	}
	kb_free(&a);
	kb_free(&b);
	kb_free(&y);

	/* Int8: 1 + 0.5 * q; ties to even, saturation at 127 and -128. */
	{
		static const int8_t qa[6] = { 1, 2, 127, -128, 0, -3 };
		static const int8_t qb[6] = { 1, 1, 127, -128, 1, 0 };
		static const int8_t want[6] = { 2, 2, 127, -128, 0, -3 };
		struct taihu_binary_params p = { .op = TAIHU_BINARY_ADD };
		uint32_t s[1] = { 6 };

		kb_dense(&a, TAIHU_DTYPE_INT8, 1, s);
		kb_dense(&b, TAIHU_DTYPE_INT8, 1, s);
		kb_dense(&y, TAIHU_DTYPE_INT8, 1, s);
		kb_quant(&a, 1.0f, 0);
		kb_quant(&b, 0.5f, 0);
		kb_quant(&y, 1.0f, 0);
		memcpy(a.mem, qa, 6);
		memcpy(b.mem, qb, 6);
		CHECK_EQ(&ck, kt_run(TAIHU_KERNEL_BINARY, &p, sizeof(p), t, 2, 1, true), KERNEL_OK);
		for (i = 0; i < 6; i++)
			CHECK_EQ(&ck, ((int8_t *)y.mem)[i], want[i]);
		kb_free(&a);
		kb_free(&b);
		kb_free(&y);
	}
	tap_result(ck.ok, "binary reference matches fp64 (six operations, broadcast, leaky relu); int8 rounds half to even and saturates");
}

/* NaN and Inf through both paths: MAX/MIN give NaN, DIV by zero gives Inf. */
static void test_binary_nan(void)
{
	struct tap_check ck = { true };
	uint32_t s[1] = { 40 }, op, i;
	struct kbuf a, b, y, yr;
	struct kbuf *t[3] = { &a, &b, &y };

	kb_dense(&a, TAIHU_DTYPE_FP32, 1, s);
	kb_dense(&b, TAIHU_DTYPE_FP32, 1, s);
	kb_dense(&y, TAIHU_DTYPE_FP32, 1, s);
	kb_like(&yr, &y);
	kb_fill(&a, -1, 1);
	kb_fill(&b, -1, 1);
	for (i = 0; i < 40; i += 5) {
		kb_set(i % 2 ? &a : &b, i, NAN);
		kb_set(&b, i + 1, 0.0f);
		kb_set(&a, i + 2, INFINITY);
	}
	for (op = 0; op < 2 * TAIHU_BINARY_COUNT; op++) {
		/* Each operation alone, then with a relu, which must keep the NaN. */
		struct taihu_binary_params p = { .op = op % TAIHU_BINARY_COUNT,
						 .act = { .op = op < TAIHU_BINARY_COUNT ? 0 :
								TAIHU_ACT_RELU } };

		t[2] = &y;
		CHECK_EQ(&ck, kt_run(TAIHU_KERNEL_BINARY, &p, sizeof(p), t, 2, 1, false), KERNEL_OK);
		t[2] = &yr;
		CHECK_EQ(&ck, kt_run(TAIHU_KERNEL_BINARY, &p, sizeof(p), t, 2, 1, true), KERNEL_OK);
		CHECK(&ck, kb_close(&y, &yr, 1e-6, 0, false, tk_binary_name(p.op)));
		for (i = 0; i < 40; i += 5)
			CHECK(&ck, isnan(kb_get(&yr, i)));
	}
	tap_result(ck.ok, "binary: NaN propagates through every operation (max/min and a fused relu too), Inf as IEEE, both paths");
	kb_free(&a);
	kb_free(&b);
	kb_free(&y);
	kb_free(&yr);
}

/* Y over A, viewed identically: allowed for element-wise kernels. */
static void test_binary_inplace(void)
{
	struct taihu_binary_params p = { .op = TAIHU_BINARY_MUL, .act = { .op = TAIHU_ACT_RELU } };
	uint32_t s[2] = { 33, 65 }, sb[1] = { 65 };
	struct kbuf a, a2, b, y;
	struct kbuf *t[3] = { &a, &b, &a };
	bool ok;

	kb_dense(&a, TAIHU_DTYPE_BF16, 2, s);
	kb_dense(&b, TAIHU_DTYPE_BF16, 1, sb);
	kb_fill(&a, -1, 1);
	kb_fill(&b, -1, 1);
	kb_like(&a2, &a);
	memcpy(a2.mem, a.mem, a.bytes);
	kb_like(&y, &a);
	t[0] = &a2;
	t[2] = &y;
	ok = kt_run(TAIHU_KERNEL_BINARY, &p, sizeof(p), t, 2, 1, true) == KERNEL_OK;
	t[0] = &a;
	t[2] = &a;
	ok = ok && kt_run(TAIHU_KERNEL_BINARY, &p, sizeof(p), t, 2, 1, false) == KERNEL_OK &&
	     kb_close(&a, &y, 8e-3, 1e-3, false, "in place");
	tap_result(ok, "binary in place (Y is A) matches the out-of-place reference");
	kb_free(&a);
	kb_free(&a2);
	kb_free(&b);
	kb_free(&y);
}

static void test_binary_checks(void)
{
	struct taihu_binary_params p = { .op = TAIHU_BINARY_ADD };
	struct tap_check ck = { true };
	uint32_t sa[2] = { 4, 5 }, sb[2] = { 3, 5 }, sy[2] = { 4, 5 };
	struct kbuf a, b, y;
	struct kbuf *t[3] = { &a, &b, &y };

	kb_dense(&a, TAIHU_DTYPE_FP32, 2, sa);
	kb_dense(&b, TAIHU_DTYPE_FP32, 2, sb);
	kb_dense(&y, TAIHU_DTYPE_FP32, 2, sy);
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_BINARY, &p, sizeof(p), t, 2, 1), TAIHU_REASON_SHAPE);
	b.d.shape[0] = 1;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_BINARY, &p, sizeof(p), t, 2, 1), 0);
	y.d.shape[0] = 1;	/* not the broadcast shape */
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_BINARY, &p, sizeof(p), t, 2, 1), TAIHU_REASON_SHAPE);
	y.d.shape[0] = 4;
	b.d.dtype = TAIHU_DTYPE_FP16;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_BINARY, &p, sizeof(p), t, 2, 1), TAIHU_REASON_DTYPE);
	b.d.dtype = TAIHU_DTYPE_FP32;
	p.op = TAIHU_BINARY_COUNT;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_BINARY, &p, sizeof(p), t, 2, 1), TAIHU_REASON_PARAMS);
	p.op = TAIHU_BINARY_MUL;
	a.d.dtype = b.d.dtype = y.d.dtype = TAIHU_DTYPE_INT8;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_BINARY, &p, sizeof(p), t, 2, 1), TAIHU_REASON_DTYPE);
	p.op = TAIHU_BINARY_ADD;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_BINARY, &p, sizeof(p), t, 2, 1), 0);
	a.d.dtype = b.d.dtype = y.d.dtype = TAIHU_DTYPE_FP32;
	y.d.strides[0] = 0;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_BINARY, &p, sizeof(p), t, 2, 1), TAIHU_REASON_OVERLAP);
	y.d.strides[0] = 5;
	a.d.shape[1] = 0;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_BINARY, &p, sizeof(p), t, 2, 1), TAIHU_REASON_ZERO_DIM);
	a.d.shape[1] = 5;
	a.d.rank = 7;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_BINARY, &p, sizeof(p), t, 2, 1), TAIHU_REASON_RANK);
	a.d.rank = 2;
	p.act.op = TAIHU_ACT_CLIP;
	p.act.alpha = 1.0f;	/* above beta 0 */
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_BINARY, &p, sizeof(p), t, 2, 1), TAIHU_REASON_PARAMS);
	tap_result(ck.ok, "binary packet checks: shapes, broadcast, dtype, int8 op, overlap, zero dim, rank, params");
	kb_free(&a);
	kb_free(&b);
	kb_free(&y);
}

/* ---- UNARY -------------------------------------------------------------- */

/* An input range where @op is defined and well conditioned. */
static void act_range(uint32_t op, float *lo, float *hi)
{
	*lo = -4.0f;
	*hi = 4.0f;
	if (op == TAIHU_ACT_SQRT || op == TAIHU_ACT_LOG || op == TAIHU_ACT_RECIPROCAL) {
		*lo = 0.25f;
		*hi = 4.0f;
	}
}

static struct taihu_act act_of(uint32_t op)
{
	struct taihu_act a = { .op = op };

	if (op == TAIHU_ACT_LEAKY_RELU)
		a.alpha = 0.1f;
	if (op == TAIHU_ACT_CLIP) {
		a.alpha = -1.5f;
		a.beta = 2.0f;
	}
	return a;
}

static void run_unary(unsigned int dt, uint32_t op, unsigned int rank, const uint32_t *shape,
		      enum layout lx, enum layout ly, const char *name)
{
	struct taihu_unary_params p = { .act = act_of(op) };
	struct kbuf xx, y, yr;
	struct kbuf *t[2] = { &xx, &y };
	struct kernel_counts before, after;
	double rtol, atol;
	float lo, hi;
	bool ok;
	int r1, r2;

	ew_view(&xx, dt, rank, shape, lx);
	ew_view(&y, dt, rank, shape, ly);
	if (dt == TAIHU_DTYPE_INT8) {
		kb_quant(&xx, 0.04f, 9);
		y.d.dtype = TAIHU_DTYPE_UINT8;
		kb_quant(&y, 0.03f, 120);
	}
	act_range(op, &lo, &hi);
	kb_fill(&xx, lo, hi);
	kb_like(&yr, &y);
	kernels_counts(&before);
	r1 = kt_run(TAIHU_KERNEL_UNARY, &p, sizeof(p), t, 1, 1, false);
	kernels_counts(&after);
	t[1] = &yr;
	r2 = kt_run(TAIHU_KERNEL_UNARY, &p, sizeof(p), t, 1, 1, true);
	ew_tol(dt, &rtol, &atol);
	ok = r1 == KERNEL_OK && r2 == KERNEL_OK &&
	     kb_close(&y, &yr, rtol, atol, dt == TAIHU_DTYPE_INT8, name) && after.fast > before.fast;
	tap_result(ok, "unary %s %s %s: fast path matches the reference", tk_act_name(op),
		   tk_dtype_name(dt), name);
	kb_free(&xx);
	kb_free(&y);
	kb_free(&yr);
}

static void test_unary_fast(void)
{
	static const uint32_t s1[2] = { 1, 1 }, s2[3] = { 3, 7, 13 }, s3[4] = { 2, 16, 28, 28 };
	unsigned int d, op;

	for (op = 0; op < TAIHU_ACT_COUNT; op++) {
		for (d = 0; d < 3; d++) {
			run_unary(float_dtypes[d], op, 2, s1, DENSE, DENSE, "1x1");
			run_unary(float_dtypes[d], op, 3, s2, PADDED, TRANSPOSED, "3x7x13 strided to transposed");
			run_unary(float_dtypes[d], op, 4, s3, DENSE, DENSE, "2x16x28x28");
		}
		run_unary(TAIHU_DTYPE_INT8, op, 3, s2, TRANSPOSED, DENSE, "3x7x13 transposed");
		run_unary(TAIHU_DTYPE_INT8, op, 4, s3, DENSE, DENSE, "2x16x28x28");
	}
}

static void test_unary_reference(void)
{
	struct tap_check ck = { true };
	uint32_t s[1] = { 16 }, op, i;
	struct kbuf xx, y;
	struct kbuf *t[2] = { &xx, &y };

	kb_dense(&xx, TAIHU_DTYPE_FP32, 1, s);
	kb_dense(&y, TAIHU_DTYPE_FP32, 1, s);
	for (op = 0; op < TAIHU_ACT_COUNT; op++) {
		struct taihu_unary_params p = { .act = act_of(op) };
		float lo, hi;

		act_range(op, &lo, &hi);
		kb_fill(&xx, lo, hi);
		CHECK_EQ(&ck, kt_run(TAIHU_KERNEL_UNARY, &p, sizeof(p), t, 1, 1, true), KERNEL_OK);
		for (i = 0; i < 16; i++) {
			double v = kb_get(&xx, i), e;

			switch (op) {
			case TAIHU_ACT_RELU: e = v < 0 ? 0 : v; break;
			case TAIHU_ACT_LEAKY_RELU: e = v < 0 ? 0.1 * v : v; break;
			case TAIHU_ACT_CLIP: e = fmin(fmax(v, -1.5), 2.0); break;
			case TAIHU_ACT_GELU_ERF: e = 0.5 * v * (1 + erf(v / sqrt(2))); break;
			case TAIHU_ACT_GELU_TANH:
				e = 0.5 * v * (1 + tanh(sqrt(2 / M_PI) * (v + 0.044715 * v * v * v)));
				break;
			case TAIHU_ACT_SILU: e = v / (1 + exp(-v)); break;
			case TAIHU_ACT_SIGMOID: e = 1 / (1 + exp(-v)); break;
			case TAIHU_ACT_TANH: e = tanh(v); break;
			case TAIHU_ACT_EXP: e = exp(v); break;
			case TAIHU_ACT_SQRT: e = sqrt(v); break;
			case TAIHU_ACT_RECIPROCAL: e = 1 / v; break;
			case TAIHU_ACT_ABS: e = fabs(v); break;
			case TAIHU_ACT_NEG: e = -v; break;
			case TAIHU_ACT_LOG: e = log(v); break;
			case TAIHU_ACT_ERF: e = erf(v); break;
			default: e = v;
			}
			if (fabs(kb_get(&y, i) - e) > 1e-6 * fabs(e) + 1e-6) {
				tap_diag("%s(%g) = %.9g, fp64 %.9g", tk_act_name(op), v, kb_get(&y, i), e);
				ck.ok = false;
			}
		}
	}
	tap_result(ck.ok, "unary reference matches fp64 for all %u operations", TAIHU_ACT_COUNT);
	kb_free(&xx);
	kb_free(&y);
}

/* Special values through both paths: NaN stays NaN, sqrt/log of negatives NaN, 1/0 Inf. */
static void test_unary_special(void)
{
	static const float v[8] = { NAN, -1.0f, 0.0f, -0.0f, INFINITY, -INFINITY, 1e30f, -1e30f };
	struct tap_check ck = { true };
	uint32_t s[1] = { 8 }, op, i;
	struct kbuf xx, y, yr;
	struct kbuf *t[2] = { &xx, &y };

	kb_dense(&xx, TAIHU_DTYPE_FP32, 1, s);
	kb_dense(&y, TAIHU_DTYPE_FP32, 1, s);
	kb_like(&yr, &y);
	for (i = 0; i < 8; i++)
		kb_set(&xx, i, v[i]);
	for (op = 0; op < TAIHU_ACT_COUNT; op++) {
		struct taihu_unary_params p = { .act = act_of(op) };

		t[1] = &y;
		CHECK_EQ(&ck, kt_run(TAIHU_KERNEL_UNARY, &p, sizeof(p), t, 1, 1, false), KERNEL_OK);
		t[1] = &yr;
		CHECK_EQ(&ck, kt_run(TAIHU_KERNEL_UNARY, &p, sizeof(p), t, 1, 1, true), KERNEL_OK);
		if (!kb_close(&y, &yr, 1e-5, 1e-6, false, tk_act_name(op)))
			ck.ok = false;
		CHECK(&ck, isnan(kb_get(&yr, 0)));
	}
	tap_result(ck.ok, "unary: NaN, +-0, +-Inf and huge inputs give the same results on both paths");
	kb_free(&xx);
	kb_free(&y);
	kb_free(&yr);
}

static void test_unary_checks(void)
{
	struct taihu_unary_params p = { .act = { .op = TAIHU_ACT_RELU } };
	struct tap_check ck = { true };
	uint32_t s[2] = { 4, 5 };
	struct kbuf xx, y;
	struct kbuf *t[2] = { &xx, &y };

	kb_dense(&xx, TAIHU_DTYPE_FP16, 2, s);
	kb_dense(&y, TAIHU_DTYPE_FP16, 2, s);
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_UNARY, &p, sizeof(p), t, 1, 1), 0);
	y.d.shape[1] = 4;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_UNARY, &p, sizeof(p), t, 1, 1), TAIHU_REASON_SHAPE);
	y.d.shape[1] = 5;
	y.d.dtype = TAIHU_DTYPE_BF16;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_UNARY, &p, sizeof(p), t, 1, 1), TAIHU_REASON_DTYPE);
	y.d.dtype = TAIHU_DTYPE_FP16;
	p.act.op = TAIHU_ACT_COUNT;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_UNARY, &p, sizeof(p), t, 1, 1), TAIHU_REASON_PARAMS);
	p.act.op = TAIHU_ACT_RELU;
	p.act.alpha = 0.5f;	/* relu takes no alpha */
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_UNARY, &p, sizeof(p), t, 1, 1), TAIHU_REASON_PARAMS);
	p.act.alpha = 0;
	xx.d.dtype = y.d.dtype = TAIHU_DTYPE_INT8;
	kb_quant_channels(&xx, 0, 0.1f, 0.2f, false);
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_UNARY, &p, sizeof(p), t, 1, 1), TAIHU_REASON_QUANT);
	xx.d.quant_axis = 0;
	xx.d.scale_addr = 0;
	kb_quant(&xx, NAN, 0);
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_UNARY, &p, sizeof(p), t, 1, 1), TAIHU_REASON_QUANT);
	y.d.addr = xx.d.addr + 1;	/* overlapping, not the same view */
	kb_quant(&xx, 0.1f, 0);
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_UNARY, &p, sizeof(p), t, 1, 1), TAIHU_REASON_OVERLAP);
	y.d.addr = xx.d.addr;	/* the same view: in place */
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_UNARY, &p, sizeof(p), t, 1, 1), 0);
	tap_result(ck.ok, "unary packet checks: shape, dtype, op, alpha, quantisation, overlap, in place");
	kb_free(&xx);
	kb_free(&y);
}

int main(void)
{
	tap_init("test_kernels_eltwise");
	kt_seed(20260202);
	test_binary_reference();
	test_binary_fast();
	test_binary_nan();
	test_binary_inplace();
	test_binary_checks();
	test_unary_reference();
	test_unary_fast();
	test_unary_special();
	test_unary_checks();
	return tap_finish();
}
