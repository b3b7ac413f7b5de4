// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * REDUCE on the host: the reference against direct fp64 computation (the
 * two forms of Y, NaN), the fast path against the reference for every
 * operation in fp32, fp16 and bf16 on 1x1, odd, strided, broadcast and
 * transposed views within the tolerances of docs/kernels.md, and the
 * packet checks' reasons.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "kcheck.h"
#include "ktest.h"
#include "tap.h"

static const unsigned int float_dtypes[] = { TAIHU_DTYPE_FP32, TAIHU_DTYPE_FP16, TAIHU_DTYPE_BF16 };

/* docs/kernels.md, "REDUCE": sums of @count elements of magnitude up to 6. */
static void tol_for(unsigned int dtype, unsigned int op, uint64_t count, double *rtol, double *atol)
{
	bool sum = op == TAIHU_REDUCE_SUM;

	switch (dtype) {
	case TAIHU_DTYPE_FP16:
		*rtol = 2e-3;
		*atol = 2e-3 * (sum ? (double)count : 1.0);
		break;
	case TAIHU_DTYPE_BF16:
		*rtol = 1.6e-2;
		*atol = 1.6e-2 * (sum ? (double)count : 1.0);
		break;
	default:
		*rtol = 1e-5;
		*atol = 1e-6 * (double)count;
	}
}

/* Y's shape for X's @shape reduced over @axes. */
static unsigned int reduced_shape(unsigned int rank, const uint32_t *shape, uint32_t axes,
				  bool keep, uint32_t *out, uint64_t *count)
{
	unsigned int r, n = 0;

	*count = 1;
	for (r = 0; r < rank; r++) {
		if (axes & (1u << r)) {
			*count *= shape[r];
			if (keep)
				out[n++] = 1;
		} else {
			out[n++] = shape[r];
		}
	}
	return n;
}

static void test_reference(void)
{
	const uint32_t shape[3] = { 3, 4, 5 };
	struct tap_check ck = { true };
	unsigned int op, keep;
	struct kbuf x;

	kb_dense(&x, TAIHU_DTYPE_FP32, 3, shape);
	kb_fill(&x, -6, 6);
	for (op = 0; op < TAIHU_REDUCE_COUNT; op++)
		for (keep = 0; keep < 2; keep++) {
			struct taihu_reduce_params p = { .op = op, .axes = 0x5 };
			uint32_t ys[3];
			uint64_t cnt;
			unsigned int yr = reduced_shape(3, shape, p.axes, keep, ys, &cnt), b, i, k;
			struct kbuf y;
			struct kbuf *t[2] = { &x, &y };

			kb_dense(&y, TAIHU_DTYPE_FP32, yr, ys);
			CHECK_EQ(&ck, kt_run(TAIHU_KERNEL_REDUCE, &p, sizeof(p), t, 1, 1, true),
				 KERNEL_OK);
			for (b = 0; b < 4; b++) {
				double acc = op == TAIHU_REDUCE_MAX ? -INFINITY :
					     op == TAIHU_REDUCE_MIN ? INFINITY : 0;

				for (i = 0; i < 3; i++)
					for (k = 0; k < 5; k++) {
						double v = kb_get(&x, (i * 4 + b) * 5 + k);

						acc = op == TAIHU_REDUCE_MAX ? fmax(acc, v) :
						      op == TAIHU_REDUCE_MIN ? fmin(acc, v) : acc + v;
					}
				if (op == TAIHU_REDUCE_MEAN)
					acc /= 15;
				CHECK(&ck, fabs(kb_get(&y, b) - acc) < 1e-5);
			}
			kb_free(&y);
		}
	/* MAX and MIN: NaN wins; SUM of a NaN is NaN. */
	kb_set(&x, 7, NAN);
	for (op = 0; op < TAIHU_REDUCE_COUNT; op++) {
		struct taihu_reduce_params p = { .op = op, .axes = 0x7 };
		struct kbuf y;
		struct kbuf *t[2] = { &x, &y };

		kb_dense(&y, TAIHU_DTYPE_FP32, 0, NULL);
		CHECK_EQ(&ck, kt_run(TAIHU_KERNEL_REDUCE, &p, sizeof(p), t, 1, 1, true), KERNEL_OK);
		CHECK(&ck, isnan(kb_get(&y, 0)));
		kb_free(&y);
	}
	tap_result(ck.ok, "reduce reference matches fp64 (sum, mean, max, min; kept and dropped axes; NaN)");
	kb_free(&x);
}

static const struct {
	const char *name;
	unsigned int rank;
	uint32_t shape[4];
	uint32_t axes;
	bool keep;
	enum kb_layout lx, ly;
} cases[] = {
	{ "1x1 all", 2, { 1, 1 }, 0x3, true, KB_DENSE, KB_DENSE },
	{ "rank 1, 1000 to a scalar", 1, { 1000 }, 0x1, false, KB_DENSE, KB_DENSE },
	{ "odd 3x7x5 axis 1 kept", 3, { 3, 7, 5 }, 0x2, true, KB_DENSE, KB_DENSE },
	{ "odd 3x7x5 axes 0, 2 dropped", 3, { 3, 7, 5 }, 0x5, false, KB_DENSE, KB_DENSE },
	{ "2x3x4x9 last axis", 4, { 2, 3, 4, 9 }, 0x8, false, KB_DENSE, KB_DENSE },
	{ "2x3x4x9 first axis", 4, { 2, 3, 4, 9 }, 0x1, true, KB_DENSE, KB_DENSE },
	{ "strided X 6x33 rows", 2, { 6, 33 }, 0x2, false, KB_STRIDED, KB_DENSE },
	{ "broadcast X 5x31 columns", 2, { 5, 31 }, 0x1, false, KB_BROADCAST, KB_DENSE },
	{ "transposed X and Y 4x12x10 axis 0", 3, { 4, 12, 10 }, 0x1, true, KB_TRANSPOSED,
	  KB_TRANSPOSED },
	{ "64x256 rows", 2, { 64, 256 }, 0x2, true, KB_DENSE, KB_DENSE },
};

static void test_fast(void)
{
	unsigned int i, d, op;

	for (op = 0; op < TAIHU_REDUCE_COUNT; op++)
		for (d = 0; d < 3; d++)
			for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
				struct taihu_reduce_params p = { .op = op, .axes = cases[i].axes };
				uint32_t ys[4];
				uint64_t cnt;
				unsigned int yr = reduced_shape(cases[i].rank, cases[i].shape,
								cases[i].axes, cases[i].keep, ys, &cnt);
				struct kbuf x, y;
				struct kbuf *t[2] = { &x, &y };
				double rtol, atol;

				kb_layout(&x, float_dtypes[d], cases[i].rank, cases[i].shape,
					  cases[i].lx);
				kb_layout(&y, float_dtypes[d], yr, ys, cases[i].ly);
				kb_fill(&x, -6, 6);
				tol_for(float_dtypes[d], op, cnt, &rtol, &atol);
				tap_result(kt_fast_vs_ref(TAIHU_KERNEL_REDUCE, &p, sizeof(p), t, 1, rtol,
							  atol, true, cases[i].name),
					   "reduce %s %s %s (X %s): fast path matches the reference",
					   tk_reduce_name(op), tk_dtype_name(float_dtypes[d]),
					   cases[i].name, kb_layout_name(cases[i].lx));
				kb_free(&x);
				kb_free(&y);
			}
}

static void test_checks(void)
{
	const uint32_t s[3] = { 2, 3, 4 }, keep[3] = { 2, 1, 4 }, drop[2] = { 2, 4 };
	struct taihu_reduce_params p = { .op = TAIHU_REDUCE_SUM, .axes = 0x2 };
	struct tap_check ck = { true };
	struct kbuf x, yk, yd;
	struct kbuf *t[2] = { &x, &yk };

	kb_dense(&x, TAIHU_DTYPE_FP32, 3, s);
	kb_dense(&yk, TAIHU_DTYPE_FP32, 3, keep);
	kb_dense(&yd, TAIHU_DTYPE_FP32, 2, drop);
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_REDUCE, &p, sizeof(p), t, 1, 1), 0);
	t[1] = &yd;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_REDUCE, &p, sizeof(p), t, 1, 1), 0);
	p.axes = 0x1;	/* Y [2, 4] is not X reduced over axis 0 */
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_REDUCE, &p, sizeof(p), t, 1, 1), TAIHU_REASON_SHAPE);
	p.axes = 0;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_REDUCE, &p, sizeof(p), t, 1, 1), TAIHU_REASON_PARAMS);
	p.axes = 0x8;	/* beyond rank 3 */
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_REDUCE, &p, sizeof(p), t, 1, 1), TAIHU_REASON_PARAMS);
	p.axes = 0x3;	/* Y of rank 2 fits neither form (3 kept, or 1 dropped) */
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_REDUCE, &p, sizeof(p), t, 1, 1), TAIHU_REASON_SHAPE);
	p.axes = 0x2;
	p.op = TAIHU_REDUCE_COUNT;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_REDUCE, &p, sizeof(p), t, 1, 1), TAIHU_REASON_PARAMS);
	p.op = TAIHU_REDUCE_MAX;
	yd.d.dtype = TAIHU_DTYPE_FP16;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_REDUCE, &p, sizeof(p), t, 1, 1), TAIHU_REASON_DTYPE);
	yd.d.dtype = TAIHU_DTYPE_FP32;
	x.d.dtype = TAIHU_DTYPE_INT32;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_REDUCE, &p, sizeof(p), t, 1, 1), TAIHU_REASON_DTYPE);
	tap_result(ck.ok, "reduce packet checks: Y's shape in both forms, axes, op, dtypes");
	kb_free(&x);
	kb_free(&yk);
	kb_free(&yd);
}

int main(void)
{
	tap_init("test_kernels_reduce");
	kt_seed(20260303);
	test_reference();
	test_fast();
	test_checks();
	return tap_finish();
}
