// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Normalisation and reduction kernels end to end: SOFTMAX, LOG_SOFTMAX,
 * LAYERNORM, RMSNORM, BATCHNORM and REDUCE built by libtaihu, run by the
 * card on tensors in
 * VRAM and host memory (dense, strided and broadcast views), checked
 * against the reference run in the guest with the tolerances of
 * docs/kernels.md; bad descriptors end with INVALID_KERNEL and the reason.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "kcheck.h"
#include "kselftest_harness.h"
#include "taihu_kernel_util.h"
#include "taihu_test_util.h"

static const uint32_t placements[] = { DRM_TAIHU_PLACEMENT_VRAM, DRM_TAIHU_PLACEMENT_HOST };
static const uint32_t floats[] = { TAIHU_DTYPE_FP32, TAIHU_DTYPE_FP16, TAIHU_DTYPE_BF16 };

KTT_FIXTURE(norm)

#define NEED(self, kernel, dtype)	KTT_NEED((self)->dev, kernel, dtype)

/* Whether the firmware enables @kernel in @dt; says so in the log when not. */
static bool enabled(struct __test_metadata *_metadata, FIXTURE_DATA(norm) *self,
		    uint32_t kernel, uint32_t dt)
{
	if (taihu_kernel_supported(self->dev, kernel, dt) == 1)
		return true;
	TH_LOG("firmware does not enable %s in %s: skipped", taihu_kernel_name(kernel),
	       taihu_dtype_name(dt));
	return false;
}

/* Tolerances of docs/kernels.md ("Normalisation"). */
static void tolerances(struct ktt_run *r, uint32_t dt)
{
	r->rtol = dt == TAIHU_DTYPE_FP32 ? 1e-4 : dt == TAIHU_DTYPE_FP16 ? 2e-3 : 1.6e-2;
	r->atol = dt == TAIHU_DTYPE_FP32 ? 1e-5 : r->rtol;
}

/* Strides of a view of every other element of the last dimension. */
static void every_other(uint32_t rank, const uint64_t *shape, int64_t *st)
{
	uint32_t i;

	st[rank - 1] = 2;
	for (i = rank - 1; i-- > 0;)
		st[i] = st[i + 1] * (int64_t)shape[i + 1];
}

/* Run the packet in self->cb over the @n operands in @t and compare with the reference. */
static void check_run(struct __test_metadata *_metadata, FIXTURE_DATA(norm) *self,
		      struct ktt **t, unsigned int n, uint32_t dt, const char *what)
{
	struct ktt_run r = { .n = n };
	struct taihu_job_result res;
	char why[256];
	unsigned int i;

	for (i = 0; i < n; i++)
		r.t[i] = t[i];
	tolerances(&r, dt);
	EXPECT_EQ(0, ktt_run_check(self->dev, self->cb, &r, &res, why, sizeof(why)))
		TH_LOG("%s %s: %s", what, taihu_dtype_name(dt), why);
	EXPECT_GT(res.end_ns, res.start_ns);
}

TEST_F(norm, softmax_and_log_softmax)
{
	static const struct {
		uint32_t rank;
		uint64_t shape[3];
		int32_t axis;
		bool strided;
	} cases[] = {
		{ 2, { 1, 1 }, -1, false },
		{ 2, { 7, 33 }, -1, false },
		{ 3, { 4, 5, 6 }, 1, false },
		{ 3, { 3, 2, 17 }, 2, true },
		{ 2, { 64, 1024 }, 1, false },	/* 256 KiB: many host pages */
	};
	unsigned int p, d, c, log;

	for (log = 0; log < 2; log++)
		for (d = 0; d < 3; d++) {
			uint32_t kernel = log ? TAIHU_KERNEL_LOG_SOFTMAX : TAIHU_KERNEL_SOFTMAX;

			if (!enabled(_metadata, self, kernel, floats[d]))
				continue;
			for (p = 0; p < 2; p++)
				for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
					int64_t st[3];
					struct ktt x, y;
					struct ktt *t[2] = { &x, &y };

					every_other(cases[c].rank, cases[c].shape, st);
					ASSERT_EQ(0, ktt_new(self->dev, &x, placements[p], floats[d],
							     cases[c].rank, cases[c].shape,
							     cases[c].strided ? st : NULL));
					ASSERT_EQ(0, ktt_new(self->dev, &y, placements[p], floats[d],
							     cases[c].rank, cases[c].shape, NULL));
					ASSERT_EQ(0, ktt_fill(&x, -8, 8));
					ASSERT_EQ(0, taihu_cmdbuf_reset(self->cb));
					ASSERT_LE(0, log ? taihu_cmdbuf_log_softmax(self->cb, cases[c].axis,
										   &x.t, &y.t) :
						  taihu_cmdbuf_softmax(self->cb, cases[c].axis, &x.t, &y.t))
						TH_LOG("%s", taihu_cmdbuf_error(self->cb));
					check_run(_metadata, self, t, 2, floats[d], taihu_kernel_name(kernel));
					ktt_free(&x);
					ktt_free(&y);
				}
		}
}

/* LAYERNORM over the last two dimensions, gamma [D1, D2] and beta [D2] (broadcast); RMSNORM. */
TEST_F(norm, layernorm_and_rmsnorm)
{
	const uint64_t s[3] = { 6, 4, 48 };
	unsigned int p, d, rms;

	for (rms = 0; rms < 2; rms++)
		for (d = 0; d < 3; d++) {
			uint32_t kernel = rms ? TAIHU_KERNEL_RMSNORM : TAIHU_KERNEL_LAYERNORM;

			if (!enabled(_metadata, self, kernel, floats[d]))
				continue;
			for (p = 0; p < 2; p++) {
				struct ktt x, g, b, y;
				struct ktt *t[4] = { &x, &g, &b, &y };
				int ret;

				ASSERT_EQ(0, ktt_new(self->dev, &x, placements[p], floats[d], 3, s, NULL));
				/* gamma fp32 in one run, X's dtype in the other. */
				ASSERT_EQ(0, ktt_new(self->dev, &g, placements[1 - p],
						     p ? floats[d] : TAIHU_DTYPE_FP32, 2, &s[1], NULL));
				ASSERT_EQ(0, ktt_new(self->dev, &b, placements[p], floats[d], 1, &s[2],
						     NULL));
				ASSERT_EQ(0, ktt_new(self->dev, &y, placements[p], floats[d], 3, s, NULL));
				ASSERT_EQ(0, ktt_fill(&x, -4, 6));
				ASSERT_EQ(0, ktt_fill(&g, 0.5f, 1.5f));
				ASSERT_EQ(0, ktt_fill(&b, -1, 1));
				ASSERT_EQ(0, taihu_cmdbuf_reset(self->cb));
				if (rms) {
					ret = taihu_cmdbuf_rmsnorm(self->cb, -2, 1e-5f, &x.t, &g.t, &y.t);
					t[2] = &y;
				} else {
					ret = taihu_cmdbuf_layernorm(self->cb, 1, 1e-5f, &x.t, &g.t, &b.t,
								     &y.t);
				}
				ASSERT_LE(0, ret) TH_LOG("%s", taihu_cmdbuf_error(self->cb));
				check_run(_metadata, self, t, rms ? 3 : 4, floats[d],
					  taihu_kernel_name(kernel));
				/* Without gamma and beta, over the last dimension only. */
				ASSERT_EQ(0, taihu_cmdbuf_reset(self->cb));
				ret = rms ? taihu_cmdbuf_rmsnorm(self->cb, -1, 0.0f, &x.t, NULL, &y.t) :
				      taihu_cmdbuf_layernorm(self->cb, 2, 1e-3f, &x.t, NULL, NULL, &y.t);
				ASSERT_LE(0, ret) TH_LOG("%s", taihu_cmdbuf_error(self->cb));
				/* The packet keeps the absent slots. */
				t[1] = NULL;
				t[2] = rms ? &y : NULL;
				t[3] = &y;
				check_run(_metadata, self, t, rms ? 3 : 4, floats[d],
					  taihu_kernel_name(kernel));
				ktt_free(&x);
				ktt_free(&g);
				ktt_free(&b);
				ktt_free(&y);
			}
		}
}

/* BATCHNORM of NCHW with fused activations; X read through a broadcast view in one run. */
TEST_F(norm, batchnorm)
{
	const uint64_t s[4] = { 2, 8, 5, 7 }, c = 8;
	const int64_t bst[4] = { 0, 35, 7, 1 };	/* N broadcast */
	unsigned int p, d, i;

	for (d = 0; d < 3; d++) {
		if (!enabled(_metadata, self, TAIHU_KERNEL_BATCHNORM, floats[d]))
			continue;
		for (p = 0; p < 2; p++) {
			struct ktt x, ch[4], y;
			struct ktt *t[6] = { &x, &ch[0], &ch[1], &ch[2], &ch[3], &y };

			ASSERT_EQ(0, ktt_new(self->dev, &x, placements[p], floats[d], 4, s,
					     p ? bst : NULL));
			for (i = 0; i < 4; i++)
				ASSERT_EQ(0, ktt_new(self->dev, &ch[i], placements[i & 1],
						     i & 1 ? TAIHU_DTYPE_FP32 : floats[d], 1, &c, NULL));
			ASSERT_EQ(0, ktt_new(self->dev, &y, placements[1 - p], floats[d], 4, s, NULL));
			ASSERT_EQ(0, ktt_fill(&x, -3, 3));
			ASSERT_EQ(0, ktt_fill(&ch[0], 0.5f, 1.5f));
			ASSERT_EQ(0, ktt_fill(&ch[1], -0.5f, 0.5f));
			ASSERT_EQ(0, ktt_fill(&ch[2], -0.5f, 0.5f));
			ASSERT_EQ(0, ktt_fill(&ch[3], 0.2f, 2.0f));
			ASSERT_EQ(0, taihu_cmdbuf_reset(self->cb));
			ASSERT_LE(0, taihu_cmdbuf_batchnorm(self->cb, 1e-5f,
							    p ? TAIHU_ACT_SILU : TAIHU_ACT_RELU, &x.t,
							    &ch[0].t, &ch[1].t, &ch[2].t, &ch[3].t, &y.t))
				TH_LOG("%s", taihu_cmdbuf_error(self->cb));
			check_run(_metadata, self, t, 6, floats[d], "batchnorm");
			ktt_free(&x);
			for (i = 0; i < 4; i++)
				ktt_free(&ch[i]);
			ktt_free(&y);
		}
	}
}

/* REDUCE: every operation, kept and dropped axes, a strided X, sums of 4096 elements. */
TEST_F(norm, reduce)
{
	static const struct {
		uint32_t rank;
		uint64_t shape[3];
		uint32_t axes;
		bool keep, strided;
	} cases[] = {
		{ 2, { 1, 1 }, 0x3, true, false },
		{ 3, { 3, 7, 5 }, 0x5, false, false },
		{ 3, { 4, 6, 9 }, 0x2, true, true },
		{ 2, { 16, 4096 }, 0x2, false, false },
	};
	unsigned int p, d, c, op;

	for (d = 0; d < 3; d++) {
		if (!enabled(_metadata, self, TAIHU_KERNEL_REDUCE, floats[d]))
			continue;
		for (op = 0; op < TAIHU_REDUCE_COUNT; op++)
			for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
				uint64_t ys[3], count = 1;
				int64_t st[3];
				uint32_t r, yr = 0;
				struct ktt x, y;
				struct ktt_run run = { .n = 2, .t = { &x, &y } };
				struct taihu_job_result res;
				char why[256];

				p = (op + c) & 1;
				for (r = 0; r < cases[c].rank; r++) {
					if (!(cases[c].axes & (1u << r)))
						ys[yr++] = cases[c].shape[r];
					else if (cases[c].keep)
						ys[yr++] = 1;
					if (cases[c].axes & (1u << r))
						count *= cases[c].shape[r];
				}
				every_other(cases[c].rank, cases[c].shape, st);
				ASSERT_EQ(0, ktt_new(self->dev, &x, placements[p], floats[d], cases[c].rank,
						     cases[c].shape, cases[c].strided ? st : NULL));
				ASSERT_EQ(0, ktt_new(self->dev, &y, placements[1 - p], floats[d], yr, ys,
						     NULL));
				ASSERT_EQ(0, ktt_fill(&x, -6, 6));
				ASSERT_EQ(0, taihu_cmdbuf_reset(self->cb));
				ASSERT_LE(0, taihu_cmdbuf_reduce(self->cb, op, cases[c].axes, &x.t, &y.t))
					TH_LOG("%s", taihu_cmdbuf_error(self->cb));
				/* docs/kernels.md, REDUCE: sums' tolerances grow with the count. */
				tolerances(&run, floats[d]);
				if (floats[d] == TAIHU_DTYPE_FP32) {
					run.rtol = 1e-5;
					run.atol = 1e-6 * (double)count;
				} else if (op == TAIHU_REDUCE_SUM) {
					run.atol *= (double)count;
				}
				EXPECT_EQ(0, ktt_run_check(self->dev, self->cb, &run, &res, why,
							   sizeof(why)))
					TH_LOG("reduce %s %s case %u: %s", tk_reduce_name(op),
					       taihu_dtype_name(floats[d]), c, why);
				ktt_free(&x);
				ktt_free(&y);
			}
	}
}

/* Submit the raw packet in self->cb; expect INVALID_KERNEL with @reason at @operand/@field. */
static void expect_refused(struct __test_metadata *_metadata, FIXTURE_DATA(norm) *self,
			   struct ktt **t, unsigned int n, uint32_t kernel, uint32_t reason,
			   unsigned int operand, unsigned int field)
{
	struct ktt_run r = { .n = n };
	struct taihu_job_result res;
	char text[256];
	unsigned int i;

	for (i = 0; i < n; i++)
		r.t[i] = t[i];
	EXPECT_EQ(-TAIHU_EJOBFAILED, ktt_submit(self->dev, self->cb, &r, &res));
	EXPECT_EQ(DRM_TAIHU_JOB_INVALID_KERNEL, res.status);
	EXPECT_EQ(reason, res.error_reason);
	EXPECT_EQ(kernel, TAIHU_DETAIL_KERNEL(res.error_detail));
	EXPECT_EQ(operand, TAIHU_DETAIL_OPERAND(res.error_detail));
	EXPECT_EQ(field, TAIHU_DETAIL_FIELD(res.error_detail));
	taihu_job_error(&res, text, sizeof(text));
	EXPECT_NE(NULL, strstr(text, taihu_kernel_name(kernel))) TH_LOG("%s", text);
	ASSERT_EQ(0, taihu_cmdbuf_reset(self->cb));
}

TEST_F(norm, bad_descriptors_get_reasons)
{
	const uint64_t s[2] = { 4, 16 }, g5[1] = { 5 }, c4[1] = { 4 };
	struct taihu_softmax_params sp = { .axis = 2 };
	struct taihu_norm_params np = { .axis = 1, .epsilon = 1e-5f };
	struct taihu_batchnorm_params bp = { .epsilon = 1e-5f };
	struct taihu_tensor_desc d[6];
	struct ktt x, y, g, c;
	struct ktt *t[6] = { &x, &y };
	uint8_t *out;
	uint64_t i;

	NEED(self, TAIHU_KERNEL_SOFTMAX, TAIHU_DTYPE_FP32);
	ASSERT_EQ(0, ktt_new(self->dev, &x, DRM_TAIHU_PLACEMENT_VRAM, TAIHU_DTYPE_FP32, 2, s, NULL));
	ASSERT_EQ(0, ktt_new(self->dev, &y, DRM_TAIHU_PLACEMENT_VRAM, TAIHU_DTYPE_FP32, 2, s, NULL));
	ASSERT_EQ(0, ktt_new(self->dev, &g, DRM_TAIHU_PLACEMENT_VRAM, TAIHU_DTYPE_FP32, 1, g5, NULL));
	ASSERT_EQ(0, ktt_new(self->dev, &c, DRM_TAIHU_PLACEMENT_VRAM, TAIHU_DTYPE_FP32, 1, c4, NULL));
	ASSERT_EQ(0, ktt_fill(&x, -1, 1));
	ktt_desc(&d[0], &x);
	ktt_desc(&d[1], &y);

	/* The library refuses an axis beyond the rank before anything is submitted... */
	EXPECT_EQ(-EINVAL, taihu_cmdbuf_softmax(self->cb, 2, &x.t, &y.t));
	EXPECT_NE(NULL, strstr(taihu_cmdbuf_error(self->cb), "softmax"))
		TH_LOG("%s", taihu_cmdbuf_error(self->cb));
	EXPECT_EQ(0, taihu_cmdbuf_size(self->cb));
	/* ...and the card too: PARAMS, word 0 (axis). */
	ktt_raw_kernel(self->cb, TAIHU_KERNEL_SOFTMAX, d, 1, 1, &sp, sizeof(sp));
	expect_refused(_metadata, self, t, 2, TAIHU_KERNEL_SOFTMAX, TAIHU_REASON_PARAMS,
		       TAIHU_OPERAND_PARAMS, 0);
	/* Y over X (not an element-wise kernel): OVERLAP on Y (operand 1). */
	sp.axis = -1;
	d[1].addr = d[0].addr;
	ktt_raw_kernel(self->cb, TAIHU_KERNEL_LOG_SOFTMAX, d, 1, 1, &sp, sizeof(sp));
	if (taihu_kernel_supported(self->dev, TAIHU_KERNEL_LOG_SOFTMAX, TAIHU_DTYPE_FP32) == 1)
		expect_refused(_metadata, self, t, 2, TAIHU_KERNEL_LOG_SOFTMAX, TAIHU_REASON_OVERLAP,
			       1, TAIHU_FIELD_ADDR);
	else
		ASSERT_EQ(0, taihu_cmdbuf_reset(self->cb));
	ktt_desc(&d[1], &y);
	/* Y of another dtype: DTYPE. */
	d[1].dtype = TAIHU_DTYPE_BF16;
	ktt_raw_kernel(self->cb, TAIHU_KERNEL_SOFTMAX, d, 1, 1, &sp, sizeof(sp));
	expect_refused(_metadata, self, t, 2, TAIHU_KERNEL_SOFTMAX, TAIHU_REASON_DTYPE, 1,
		       TAIHU_FIELD_DTYPE);
	ktt_desc(&d[1], &y);

	if (taihu_kernel_supported(self->dev, TAIHU_KERNEL_LAYERNORM, TAIHU_DTYPE_FP32) == 1) {
		/* gamma [5] for a normalised dimension of 16: SHAPE on gamma, its dimension 0. */
		ktt_desc(&d[1], &g);
		ktt_desc(&d[2], &y);
		t[1] = &g;
		t[2] = &y;
		ktt_raw_kernel(self->cb, TAIHU_KERNEL_RMSNORM, d, 2, 1, &np, sizeof(np));
		expect_refused(_metadata, self, t, 3, TAIHU_KERNEL_RMSNORM, TAIHU_REASON_SHAPE, 1, 0);
		/* A negative epsilon: PARAMS, word 1. */
		np.epsilon = -1.0f;
		ktt_desc(&d[1], &y);
		ktt_raw_kernel(self->cb, TAIHU_KERNEL_LAYERNORM, d, 1, 1, &np, sizeof(np));
		expect_refused(_metadata, self, (struct ktt *[]){ &x, &y }, 2, TAIHU_KERNEL_LAYERNORM,
			       TAIHU_REASON_PARAMS, TAIHU_OPERAND_PARAMS, 1);
	}
	if (taihu_kernel_supported(self->dev, TAIHU_KERNEL_BATCHNORM, TAIHU_DTYPE_FP32) == 1) {
		/* [4] per-channel operands for X [4, 16] (C = 16): SHAPE on scale; Y untouched. */
		ktt_desc(&d[1], &c);
		d[2] = d[3] = d[4] = d[1];
		ktt_desc(&d[5], &y);
		t[1] = t[2] = t[3] = t[4] = &c;
		t[5] = &y;
		ktt_raw_kernel(self->cb, TAIHU_KERNEL_BATCHNORM, d, 5, 1, &bp, sizeof(bp));
		expect_refused(_metadata, self, (struct ktt *[]){ &x, &c, &y }, 3,
			       TAIHU_KERNEL_BATCHNORM, TAIHU_REASON_SHAPE, 1, 0);
		out = malloc(y.bytes);
		ASSERT_NE(NULL, out);
		ASSERT_EQ(0, taihu_bo_read(y.bo, 0, out, y.bytes));
		for (i = 0; i < y.bytes; i++)
			ASSERT_EQ(0x5a, out[i]) TH_LOG("byte %llu written", (unsigned long long)i);
		free(out);
	}
	ktt_free(&x);
	ktt_free(&y);
	ktt_free(&g);
	ktt_free(&c);
}

TEST_HARNESS_MAIN
