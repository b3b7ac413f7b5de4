// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The card's inference kernels on the host: the reference against direct
 * fp64 computation on small cases, the fast path against the reference on
 * random shapes (1x1, odd sizes, strided, transposed and broadcast views)
 * within the tolerances of docs/kernels.md, int8 bit-exact, and KERNEL
 * packets through the card's command-stream executor (statuses, reasons,
 * MMU faults, tensors in scattered host pages).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "card_client.h"
#include "cmdbuf.h"
#include "cmdstream.h"
#include "fake_card.h"
#include "fw_verify.h"
#include "kcheck.h"
#include "ktest.h"
#include "mmu.h"
#include "pagetable.h"
#include "tap.h"

static const unsigned int float_dtypes[] = { TAIHU_DTYPE_FP32, TAIHU_DTYPE_FP16, TAIHU_DTYPE_BF16 };

/* ---- GEMM --------------------------------------------------------------- */

struct gemm_case {
	const char *name;
	unsigned int batch_a, batch_b;	/* 0: no batch dimension */
	uint32_t m, n, k;
	uint32_t flags;
	int c;			/* 0 none, 1 bias [N], 2 full [M, N] */
	float alpha, beta;
	uint32_t act;
	bool slice_a;		/* A a view of every other row of a larger matrix */
};

/* A, B, C, Y of a case; Y in @y, its twin for the second run in @y2. */
static void gemm_make(const struct gemm_case *gc, unsigned int dt, unsigned int ydt,
		      struct kbuf *a, struct kbuf *b, struct kbuf *c, struct kbuf *y)
{
	uint32_t sa[3], sb[3], sy[3];
	unsigned int ra = 0, rb = 0, ry = 0;
	unsigned int bat = gc->batch_a > gc->batch_b ? gc->batch_a : gc->batch_b;

	if (gc->batch_a)
		sa[ra++] = gc->batch_a;
	if (gc->batch_b)
		sb[rb++] = gc->batch_b;
	if (bat)
		sy[ry++] = bat;
	sa[ra++] = gc->flags & TAIHU_GEMM_TRANS_A ? gc->k : gc->m;
	sa[ra++] = gc->flags & TAIHU_GEMM_TRANS_A ? gc->m : gc->k;
	sb[rb++] = gc->flags & TAIHU_GEMM_TRANS_B ? gc->n : gc->k;
	sb[rb++] = gc->flags & TAIHU_GEMM_TRANS_B ? gc->k : gc->n;
	sy[ry++] = gc->m;
	sy[ry++] = gc->n;
	if (gc->slice_a) {
		int64_t st[3];
		unsigned int i;

		for (i = ra; i-- > 0;)
			st[i] = i + 1 < ra ? st[i + 1] * sa[i + 1] * (i + 2 == ra ? 2 : 1) : 1;
		kb_view(a, dt, ra, sa, st);
	} else {
		kb_dense(a, dt, ra, sa);
	}
	kb_dense(b, dt, rb, sb);
	kb_dense(y, ydt, ry, sy);
	if (gc->c == 1)
		kb_dense(c, ydt == TAIHU_DTYPE_INT8 || ydt == TAIHU_DTYPE_UINT8 ||
			 ydt == TAIHU_DTYPE_INT32 ? TAIHU_DTYPE_INT32 : dt, 1, &gc->n);
	else if (gc->c == 2)
		kb_dense(c, ydt == TAIHU_DTYPE_INT8 || ydt == TAIHU_DTYPE_UINT8 ||
			 ydt == TAIHU_DTYPE_INT32 ? TAIHU_DTYPE_INT32 : dt, 2, &sy[ry - 2]);
}

static const struct gemm_case gemm_cases[] = {
	{ "1x1x1", 0, 0, 1, 1, 1, 0, 0, 1.0f, 0.0f, 0, false },
	{ "odd 7x13x5", 0, 0, 7, 13, 5, 0, 0, 1.0f, 0.0f, 0, false },
	{ "64x48x80 bias relu", 0, 0, 64, 48, 80, 0, 1, 1.0f, 1.0f, TAIHU_ACT_RELU, false },
	{ "trans A, B, alpha 0.5, C full", 0, 0, 33, 17, 29, TAIHU_GEMM_TRANS_A | TAIHU_GEMM_TRANS_B,
	  2, 0.5f, 1.0f, 0, false },
	{ "batched A over broadcast B, gelu", 3, 0, 9, 11, 16, 0, 1, 1.0f, 1.0f,
	  TAIHU_ACT_GELU_TANH, false },
	{ "batch 1 A broadcast over batch 4 B", 1, 4, 5, 6, 7, TAIHU_GEMM_TRANS_B, 0, 1.0f, 0.0f,
	  0, false },
	{ "sliced A rows, beta 0.25", 0, 0, 19, 23, 31, 0, 2, 1.0f, 0.25f, 0, true },
	{ "256x192x320", 0, 0, 256, 192, 320, 0, 0, 1.0f, 0.0f, 0, false },
};

static void run_gemm_case(const struct gemm_case *gc, unsigned int dt, unsigned int ydt)
{
	struct taihu_gemm_params p = { .flags = gc->flags, .alpha = gc->alpha, .beta = gc->beta,
				       .act = { .op = gc->act } };
	struct kernel_counts before, after;
	struct kbuf a, b, c, y, yr;
	struct kbuf *t[4];
	const char *why = kt_no_fast_path(dt);
	double rtol, atol;
	char what[96];
	bool ok;
	int r1, r2;

	snprintf(what, sizeof(what), "gemm %s %s->%s: fast path matches the reference", gc->name,
		 tk_dtype_name(dt), tk_dtype_name(ydt));
	if (why) {
		tap_skip(what, why);
		return;
	}
	gemm_make(gc, dt, ydt, &a, &b, &c, &y);
	kb_fill(&a, -1, 1);
	kb_fill(&b, -1, 1);
	if (gc->c)
		kb_fill(&c, -1, 1);
	kb_like(&yr, &y);
	t[0] = &a;
	t[1] = &b;
	t[2] = gc->c ? &c : &y;
	t[3] = &y;
	kernels_counts(&before);
	r1 = kt_run(TAIHU_KERNEL_GEMM, &p, sizeof(p), t, gc->c ? 3 : 2, 1, false);
	kernels_counts(&after);
	if (!gc->c)
		t[2] = &yr;
	else
		t[3] = &yr;
	r2 = kt_run(TAIHU_KERNEL_GEMM, &p, sizeof(p), t, gc->c ? 3 : 2, 1, true);
	kt_tol_sum(ydt, gc->k, &rtol, &atol);
	ok = r1 == KERNEL_OK && r2 == KERNEL_OK &&
	     kb_close(&y, &yr, rtol, atol, false, gc->name);
	if (after.fast == before.fast) {
		tap_diag("%s: the fast path declined", gc->name);
		ok = false;
	}
	tap_result(ok, "%s", what);
	kb_free(&a);
	kb_free(&b);
	if (gc->c)
		kb_free(&c);
	kb_free(&y);
	kb_free(&yr);
}

/* The reference against a direct fp64 computation. */
static void test_gemm_reference(void)
{
	const struct gemm_case gc = { "ref", 2, 0, 5, 4, 3, TAIHU_GEMM_TRANS_B, 1, 0.5f, 2.0f,
				      TAIHU_ACT_RELU, false };
	struct taihu_gemm_params p = { .flags = gc.flags, .alpha = gc.alpha, .beta = gc.beta,
				       .act = { .op = TAIHU_ACT_RELU } };
	struct kbuf a, b, c, y;
	struct kbuf *t[4] = { &a, &b, &c, &y };
	struct tap_check ck = { true };
	unsigned int bt, m, n, k;

	gemm_make(&gc, TAIHU_DTYPE_FP32, TAIHU_DTYPE_FP32, &a, &b, &c, &y);
	kb_fill(&a, -1, 1);
	kb_fill(&b, -1, 1);
	kb_fill(&c, -1, 1);
	CHECK_EQ(&ck, kt_run(TAIHU_KERNEL_GEMM, &p, sizeof(p), t, 3, 1, true), KERNEL_OK);
	for (bt = 0; bt < 2; bt++)
		for (m = 0; m < 5; m++)
			for (n = 0; n < 4; n++) {
				double s = 0, v;

				for (k = 0; k < 3; k++)	/* A [2, 5, 3], B [4, 3] (trans) */
					s += (double)kb_get(&a, (bt * 5 + m) * 3 + k) *
					     kb_get(&b, n * 3 + k);
				v = 0.5 * s + 2.0 * kb_get(&c, n);
				v = v < 0 ? 0 : v;
				CHECK(&ck, fabs(kb_get(&y, (bt * 5 + m) * 4 + n) - v) < 1e-5);
			}
	tap_result(ck.ok, "gemm reference matches fp64 (batch, transpose, alpha, beta, bias, relu)");
	kb_free(&a);
	kb_free(&b);
	kb_free(&c);
	kb_free(&y);
}

static void test_gemm_float(void)
{
	unsigned int i, d;

	for (i = 0; i < sizeof(gemm_cases) / sizeof(gemm_cases[0]); i++)
		for (d = 0; d < 3; d++)
			run_gemm_case(&gemm_cases[i], float_dtypes[d], float_dtypes[d]);
	/* fp32 outputs of fp16 and bf16 products. */
	run_gemm_case(&gemm_cases[2], TAIHU_DTYPE_BF16, TAIHU_DTYPE_FP32);
	run_gemm_case(&gemm_cases[4], TAIHU_DTYPE_FP16, TAIHU_DTYPE_FP32);
}

/* Int8: quantised A and B (zero points, per channel), the four output kinds, bit for bit. */
/*
 * Y with its batch stride below its row stride (the ONNX runtime writes
 * [S, B, N] rows of a [B, S] batch), a broadcast B and bias: oneDNN 2.6's
 * binary post-op faulted on it (the card process died); the fast path now
 * adds C through a copy and a sum post-op there.
 */
static void test_gemm_strided_y(void)
{
	struct taihu_gemm_params p = { .alpha = 1.0f, .beta = 1.0f, .act = { .op = TAIHU_ACT_RELU } };
	struct kernel_counts before, after;
	struct kbuf a, b, c, y, yr;
	struct kbuf *t[4] = { &a, &b, &c, &y };
	int r1, r2;
	bool ok;

	kb_view(&a, TAIHU_DTYPE_FP32, 3, (uint32_t[]){ 2, 16, 64 }, (int64_t[]){ 1024, 64, 1 });
	kb_view(&b, TAIHU_DTYPE_FP32, 3, (uint32_t[]){ 2, 64, 64 }, (int64_t[]){ 0, 192, 1 });
	kb_view(&c, TAIHU_DTYPE_FP32, 3, (uint32_t[]){ 2, 16, 64 }, (int64_t[]){ 0, 0, 1 });
	kb_view(&y, TAIHU_DTYPE_FP32, 3, (uint32_t[]){ 2, 16, 64 }, (int64_t[]){ 64, 128, 1 });
	kb_like(&yr, &y);
	kb_fill(&a, -1, 1);
	kb_fill(&b, -1, 1);
	kb_fill(&c, -1, 1);
	kernels_counts(&before);
	r1 = kt_run(TAIHU_KERNEL_GEMM, &p, sizeof(p), t, 3, 1, false);
	kernels_counts(&after);
	t[3] = &yr;
	r2 = kt_run(TAIHU_KERNEL_GEMM, &p, sizeof(p), t, 3, 1, true);
	ok = r1 == KERNEL_OK && r2 == KERNEL_OK && after.fast != before.fast &&
	     kb_close(&y, &yr, 1e-5, 1e-5, false, "strided Y");
	tap_result(ok, "gemm with Y's batch stride below its row stride, broadcast B, bias: fast "
		   "path matches the reference");
	kb_free(&a);
	kb_free(&b);
	kb_free(&c);
	kb_free(&y);
	kb_free(&yr);
}

static void run_gemm_int8(const char *name, unsigned int adt, unsigned int bdt, unsigned int ydt,
			  bool per_channel, int c, uint32_t m, uint32_t n, uint32_t k, uint32_t flags,
			  unsigned int batch)
{
	const struct gemm_case gc = { name, batch, 0, m, n, k, flags, c, 1.0f, 1.0f, 0, false };
	struct taihu_gemm_params p = { .flags = flags, .alpha = 1.0f, .beta = 1.0f };
	struct kbuf a, b, cb, y, yr;
	struct kbuf *t[4];
	bool ok;
	int r1, r2;

	if (ydt != TAIHU_DTYPE_INT32)
		p.act.op = TAIHU_ACT_RELU;
	gemm_make(&gc, adt, ydt, &a, &b, &cb, &y);
	if (bdt != adt) {
		uint32_t sb[2] = { flags & TAIHU_GEMM_TRANS_B ? n : k, flags & TAIHU_GEMM_TRANS_B ? k : n };

		kb_free(&b);
		kb_dense(&b, bdt, 2, sb);
	}
	if (c && ydt != TAIHU_DTYPE_INT32 && c == 2) {
		/* An fp32 C (not added to the accumulator). */
		uint32_t sc[2] = { m, n };

		kb_free(&cb);
		kb_dense(&cb, TAIHU_DTYPE_FP32, 2, sc);
	}
	kb_quant(&a, 0.02f, adt == TAIHU_DTYPE_INT8 ? -3 : 121);
	if (per_channel)
		kb_quant_channels(&b, flags & TAIHU_GEMM_TRANS_B ? 0 : 1, 0.005f, 0.03f,
				  bdt == TAIHU_DTYPE_UINT8);
	else
		kb_quant(&b, 0.01f, bdt == TAIHU_DTYPE_INT8 ? 5 : 130);
	if (ydt == TAIHU_DTYPE_INT8 || ydt == TAIHU_DTYPE_UINT8)
		kb_quant(&y, 0.05f, ydt == TAIHU_DTYPE_INT8 ? 2 : 100);
	kb_fill(&a, 0, 0);
	kb_fill(&b, 0, 0);
	if (c)
		kb_fill(&cb, -2000, 2000);
	kb_like(&yr, &y);
	t[0] = &a;
	t[1] = &b;
	t[2] = c ? &cb : &y;
	t[3] = &y;
	r1 = kt_run(TAIHU_KERNEL_GEMM, &p, sizeof(p), t, c ? 3 : 2, 1, false);
	t[c ? 3 : 2] = &yr;
	r2 = kt_run(TAIHU_KERNEL_GEMM, &p, sizeof(p), t, c ? 3 : 2, 1, true);
	ok = r1 == KERNEL_OK && r2 == KERNEL_OK && kb_close(&y, &yr, 0, 0, true, name);
	tap_result(ok, "gemm int8 %s (%s x %s -> %s): fast path bit-exact with the reference", name,
		   tk_dtype_name(adt), tk_dtype_name(bdt), tk_dtype_name(ydt));
	kb_free(&a);
	kb_free(&b);
	kb_free(&cb);
	kb_free(&y);
	kb_free(&yr);
}

static void test_gemm_int8(void)
{
	run_gemm_int8("1x1x1", TAIHU_DTYPE_INT8, TAIHU_DTYPE_INT8, TAIHU_DTYPE_INT8, false, 0,
		      1, 1, 1, 0, 0);
	run_gemm_int8("odd, int32 bias", TAIHU_DTYPE_UINT8, TAIHU_DTYPE_INT8, TAIHU_DTYPE_UINT8,
		      false, 1, 7, 13, 21, 0, 0);
	run_gemm_int8("per-channel B, trans B", TAIHU_DTYPE_INT8, TAIHU_DTYPE_INT8,
		      TAIHU_DTYPE_INT8, true, 1, 33, 24, 64, TAIHU_GEMM_TRANS_B, 0);
	run_gemm_int8("uint8 B with zero points", TAIHU_DTYPE_UINT8, TAIHU_DTYPE_UINT8,
		      TAIHU_DTYPE_FP32, true, 2, 16, 40, 50, 0, 0);
	run_gemm_int8("raw int32 output", TAIHU_DTYPE_UINT8, TAIHU_DTYPE_INT8, TAIHU_DTYPE_INT32,
		      false, 1, 64, 64, 128, 0, 0);
	run_gemm_int8("batched, trans A", TAIHU_DTYPE_INT8, TAIHU_DTYPE_INT8, TAIHU_DTYPE_INT8,
		      false, 0, 12, 9, 17, TAIHU_GEMM_TRANS_A, 3);
	/* Large enough for the finish to run its rows in parallel (kpar.h). */
	run_gemm_int8("300x260x96, rows in parallel", TAIHU_DTYPE_INT8, TAIHU_DTYPE_INT8,
		      TAIHU_DTYPE_INT8, true, 1, 300, 260, 96, 0, 0);
	run_gemm_int8("uint8 B transposed, 280x250x64", TAIHU_DTYPE_UINT8, TAIHU_DTYPE_UINT8,
		      TAIHU_DTYPE_UINT8, true, 0, 280, 250, 64, TAIHU_GEMM_TRANS_B, 0);
	run_gemm_int8("int32 Y written by oneDNN, zero points fixed in place", TAIHU_DTYPE_UINT8,
		      TAIHU_DTYPE_INT8, TAIHU_DTYPE_INT32, false, 0, 256, 300, 80, 0, 0);
	run_gemm_int8("fp32 output, fp32 C, 200x333x40", TAIHU_DTYPE_INT8, TAIHU_DTYPE_UINT8,
		      TAIHU_DTYPE_FP32, true, 2, 200, 333, 40, TAIHU_GEMM_TRANS_B, 0);
}

/*
 * NaN and Inf through GEMM and its activation (docs/kernels.md): a NaN in
 * a row of A makes that row of Y NaN, also through RELU, CLIP and
 * LEAKY_RELU, which the fast path must not leave to oneDNN (its RELU and
 * CLIP turn NaN into numbers); Inf times a zero is NaN.
 */
static void test_gemm_nan(void)
{
	static const struct taihu_act acts[] = {
		{ .op = TAIHU_ACT_RELU },
		{ .op = TAIHU_ACT_CLIP, .alpha = -0.5f, .beta = 0.5f },
		{ .op = TAIHU_ACT_LEAKY_RELU, .alpha = 0.1f },
		{ .op = TAIHU_ACT_NONE },
	};
	const uint32_t sa[2] = { 9, 16 }, sb[2] = { 16, 7 }, sc[1] = { 7 }, sy[2] = { 9, 7 };
	unsigned int d, i;

	for (d = 0; d < 3; d++) {
		const unsigned int dt = float_dtypes[d];

		for (i = 0; i < sizeof(acts) / sizeof(acts[0]); i++) {
			struct taihu_gemm_params p = { .alpha = 1.0f, .beta = 1.0f, .act = acts[i] };
			struct kbuf a, b, c, y;
			struct kbuf *t[4] = { &a, &b, &c, &y };
			double rtol, atol;
			uint32_t n;
			bool ok;
			char what[96];

			snprintf(what, sizeof(what), "gemm %s %s with NaN/Inf", tk_dtype_name(dt),
				 tk_act_name(acts[i].op));
			/* Before the buffers: a skip must not leak them (LeakSanitizer). */
			if (kt_no_fast_path(dt)) {
				tap_skip(what, kt_no_fast_path(dt));
				continue;
			}
			kb_dense(&a, dt, 2, sa);
			kb_dense(&b, dt, 2, sb);
			kb_dense(&c, dt, 1, sc);
			kb_dense(&y, dt, 2, sy);
			kb_fill(&a, -1, 1);
			kb_fill(&b, -1, 1);
			kb_fill(&c, -1, 1);
			kb_set(&a, 2 * 16 + 5, NAN);		/* row 2 of Y: NaN */
			kb_set(&a, 5 * 16 + 1, INFINITY);	/* row 5: +-Inf, NaN where B is 0 */
			kb_set(&b, 1 * 7 + 4, 0.0f);
			kb_set(&b, 9 * 7 + 6, -INFINITY);	/* column 6: -+Inf */
			kt_tol_sum(dt, 16, &rtol, &atol);
			ok = kt_fast_vs_ref(TAIHU_KERNEL_GEMM, &p, sizeof(p), t, 3, rtol, atol, true,
					    what);
			for (n = 0; n < 7; n++)
				ok &= isnan(kb_get(&y, 2 * 7 + n));
			ok &= isnan(kb_get(&y, 5 * 7 + 4));
			tap_result(ok, "%s: fast path matches the reference, NaN propagates", what);
			kb_free(&a);
			kb_free(&b);
			kb_free(&c);
			kb_free(&y);
		}
	}
}

/* ---- packet checks ------------------------------------------------------ */

static void test_gemm_checks(void)
{
	struct taihu_gemm_params p = { .alpha = 1.0f };
	struct kbuf a, b, y, y2;
	struct kbuf *t[3] = { &a, &b, &y };
	struct tap_check ck = { true };
	uint32_t s1[2] = { 4, 8 }, s2[2] = { 7, 5 }, s3[2] = { 4, 5 };

	kb_dense(&a, TAIHU_DTYPE_FP32, 2, s1);
	kb_dense(&b, TAIHU_DTYPE_FP32, 2, s2);
	kb_dense(&y, TAIHU_DTYPE_FP32, 2, s3);
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_GEMM, &p, sizeof(p), t, 2, 1), TAIHU_REASON_SHAPE);
	kb_free(&b);
	s2[0] = 8;
	kb_dense(&b, TAIHU_DTYPE_FP32, 2, s2);
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_GEMM, &p, sizeof(p), t, 2, 1), 0);
	b.d.dtype = TAIHU_DTYPE_BF16;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_GEMM, &p, sizeof(p), t, 2, 1), TAIHU_REASON_DTYPE);
	b.d.dtype = TAIHU_DTYPE_FP32;
	a.d.shape[1] = 0;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_GEMM, &p, sizeof(p), t, 2, 1), TAIHU_REASON_ZERO_DIM);
	a.d.shape[1] = 8;
	a.d.rank = 7;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_GEMM, &p, sizeof(p), t, 2, 1), TAIHU_REASON_RANK);
	a.d.rank = 2;
	y.d.strides[0] = 0;	/* a broadcast output */
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_GEMM, &p, sizeof(p), t, 2, 1), TAIHU_REASON_OVERLAP);
	y.d.strides[0] = 5;
	y.d.addr = a.d.addr + 4;	/* output over an input */
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_GEMM, &p, sizeof(p), t, 2, 1), TAIHU_REASON_OVERLAP);
	y.d.addr = (uintptr_t)y.mem;
	p.act.op = 99;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_GEMM, &p, sizeof(p), t, 2, 1), TAIHU_REASON_PARAMS);
	p.act.op = 0;
	p.alpha = NAN;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_GEMM, &p, sizeof(p), t, 2, 1), TAIHU_REASON_PARAMS);
	p.alpha = 1.0f;
	a.d.strides[1] = -1;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_GEMM, &p, sizeof(p), t, 2, 1), TAIHU_REASON_STRIDE);
	a.d.strides[1] = 1;
	a.d.quant = TAIHU_QUANT_TENSOR;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_GEMM, &p, sizeof(p), t, 2, 1), TAIHU_REASON_QUANT);
	a.d.quant = 0;
	CHECK_EQ(&ck, kt_check(99, &p, sizeof(p), t, 2, 1), TAIHU_REASON_UNKNOWN_KERNEL);
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_GEMM, &p, sizeof(p), t, 1, 1), TAIHU_REASON_PACKET);
	kb_like(&y2, &y);
	tap_result(ck.ok, "gemm packet checks: shape, stride, dtype, zero dim, rank, overlap, params, quant, kernel, counts");
	kb_free(&a);
	kb_free(&b);
	kb_free(&y);
	kb_free(&y2);
}

/* ---- KERNEL packets on an in-memory card ------------------------------- */

#define FC_VRAM		(16u << 20)
#define FC_HOST		(16u << 20)
#define FC_PT_POOL	0x10000		/* page tables */
#define FC_PT_SIZE	0x100000
#define FC_STREAM	0x200000	/* VRAM of the command stream */
#define FC_VRAM_DATA	0x300000	/* VRAM handed to tensors from here */
#define FC_VA		0x100000000ULL

static struct card *fc;
static struct card_client fcc;
static struct pt fpt;
static uint64_t fc_va, fc_vram, fc_host;

/* A fresh card with context 1 and nothing mapped. */
static void fc_reset(void)
{
	if (!fc)
		fc = fake_card_new(FC_VRAM, FC_HOST);
	fake_card_reset(fc);
	fake_card_boot(fc, TAIHU_FW_CFG_KNOWN_CAPS, 65536, 1, 64);
	fcc.vram = fc->vram;
	fcc.vram_size = FC_VRAM;
	if (pt_init(&fpt, &fcc, FC_PT_POOL, FC_PT_SIZE) || mmu_ctx_create(fc, 1, fpt.root))
		abort();
	fc_va = FC_VA;
	fc_vram = FC_VRAM_DATA;
	fc_host = 0;
}

/*
 * @bytes of device memory for context 1: contiguous VRAM, or host pages
 * mapped in reverse order (so that no two neighbours are adjacent). Returns
 * the VA; a guard page follows.
 */
static uint64_t fc_alloc(uint64_t bytes, bool host)
{
	uint64_t pages = (bytes + PT_PAGE - 1) / PT_PAGE, va = fc_va, i;

	for (i = 0; i < pages; i++) {
		uint64_t target;

		if (host)
			target = fc_host + (pages - 1 - i) * PT_PAGE;
		else
			target = fc_vram + i * PT_PAGE;
		if (pt_map(&fpt, va + i * PT_PAGE, target, PT_PAGE,
			   TAIHU_PTE_WRITE | (host ? TAIHU_PTE_HOST : 0)))
			abort();
	}
	if (host)
		fc_host += pages * PT_PAGE;
	else
		fc_vram += pages * PT_PAGE;
	if (fc_host > FC_HOST || fc_vram > FC_VRAM)
		abort();
	fc_va += (pages + 1) * PT_PAGE;
	return va;
}

/* Copy between context 1's memory and the test, page by page. */
static void fc_copy(uint64_t va, void *buf, uint64_t len, bool to_dev)
{
	struct tlb tlb;
	uint64_t done = 0;

	mmu_tlb_init(&tlb);
	while (done < len) {
		uint64_t n = PT_PAGE - ((va + done) & (PT_PAGE - 1));
		uint8_t *p = mmu_translate(fc, &tlb, 1, va + done, TAIHU_ACCESS_READ);

		if (!p)
			abort();
		if (n > len - done)
			n = len - done;
		if (to_dev)
			memcpy(p, (uint8_t *)buf + done, n);
		else
			memcpy((uint8_t *)buf + done, p, n);
		done += n;
	}
}

/* Run the stream @cb in context 1; the completion in @c. */
static void fc_run(const struct cmdbuf *cb, struct taihu_completion *c)
{
	struct taihu_ring_entry e = { .cmd_addr = FC_VA - 0x10000, .cmd_len = cb->len,
				      .context = 1, .seqno = 1 };

	if (pt_map(&fpt, FC_VA - 0x10000, FC_STREAM, 0x10000, 0))
		abort();
	memcpy(fc->vram + FC_STREAM, cb->data, cb->len);
	memset(c, 0, sizeof(*c));
	cmdstream_execute(fake_card_engine(fc, 0), &e, c);
}

/* A tensor of @b's layout in context 1 (host pages or VRAM), filled from @b. */
static void fc_place(struct taihu_tensor_desc *d, const struct kbuf *b, bool host)
{
	*d = b->d;
	d->addr = fc_alloc(b->bytes, host);
	fc_copy(d->addr, b->mem, b->bytes, true);
}

/* GEMM packets on VRAM and scattered host pages: the card's staging, against the reference. */
static void test_packet_gemm_placements(void)
{
	const struct gemm_case gc = { "placed", 0, 0, 33, 70, 40,
				      TAIHU_GEMM_TRANS_A | TAIHU_GEMM_TRANS_B, 1, 1.0f, 1.0f,
				      TAIHU_ACT_GELU_ERF, false };
	struct taihu_gemm_params p = { .flags = gc.flags, .alpha = 1.0f, .beta = 1.0f,
				       .act = { .op = TAIHU_ACT_GELU_ERF } };
	unsigned int host;

	for (host = 0; host < 4; host++) {
		struct taihu_tensor_desc d[4];
		struct kbuf a, b, c, y, yc;
		struct kbuf *t[4] = { &a, &b, &c, &y };
		struct taihu_completion comp;
		struct cmdbuf cb;
		double rtol, atol;
		bool ok;

		fc_reset();
		gemm_make(&gc, TAIHU_DTYPE_FP32, TAIHU_DTYPE_FP32, &a, &b, &c, &y);
		kb_fill(&a, -1, 1);
		kb_fill(&b, -1, 1);
		kb_fill(&c, -1, 1);
		kb_like(&yc, &y);
		fc_place(&d[0], &a, host & 1);
		fc_place(&d[1], &b, host & 2);
		fc_place(&d[2], &c, host & 1);
		fc_place(&d[3], &y, host & 2);
		cb_init(&cb);
		cb_kernel(&cb, TAIHU_KERNEL_GEMM, &p, sizeof(p), d, 3, 1);
		fc_run(&cb, &comp);
		fc_copy(d[3].addr, yc.mem, yc.bytes, false);
		ok = kt_run(TAIHU_KERNEL_GEMM, &p, sizeof(p), t, 3, 1, true) == KERNEL_OK;
		kt_tol_sum(TAIHU_DTYPE_FP32, gc.k, &rtol, &atol);
		ok = ok && comp.status == TAIHU_STATUS_SUCCESS &&
		     kb_close(&yc, &y, rtol, atol, false, "placed gemm");
		if (comp.status)
			tap_diag("status %u reason %u detail 0x%x", comp.status, comp.error_reason,
				 comp.error_detail);
		tap_result(ok, "KERNEL packet: gemm with %s inputs and %s outputs matches the reference",
			   host & 1 ? "host-page" : "VRAM", host & 2 ? "host-page" : "VRAM");
		kb_free(&a);
		kb_free(&b);
		kb_free(&c);
		kb_free(&y);
		kb_free(&yc);
	}
}

int main(void)
{
	tap_init("test_kernels");
	kt_seed(20260101);
	test_gemm_reference();
	test_gemm_float();
	test_gemm_strided_y();
	test_gemm_nan();
	test_gemm_int8();
	test_gemm_checks();
	fake_card_quiet();
	test_packet_gemm_placements();
	if (fc)
		fake_card_free(fc);
	return tap_finish();
}
