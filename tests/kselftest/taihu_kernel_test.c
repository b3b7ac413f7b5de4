// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Inference kernels end to end: KERNEL packets built by libtaihu, run by
 * the card on tensors in VRAM and in host memory, checked against the
 * reference implementation run in the guest; descriptors outside the
 * context's mappings fault; malformed packets end with INVALID_KERNEL or
 * UNSUPPORTED and the reason WAIT reports; the library refuses bad calls
 * before anything is submitted.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "taihu_kernel_util.h"
#include "taihu_test_util.h"

static const uint32_t placements[] = { DRM_TAIHU_PLACEMENT_VRAM, DRM_TAIHU_PLACEMENT_HOST };

KTT_FIXTURE(kern)

/* Skip what the running firmware does not enable (taihu_kernel_fw_test covers that). */
#define NEED(self, kernel, dtype)	KTT_NEED((self)->dev, kernel, dtype)

TEST_F(kern, query_reports_kernels)
{
	struct taihu_device_info info = { .size = sizeof(info) };
	struct taihu_kernel_info k = { .size = sizeof(k) };
	uint32_t seen = 0;
	int n, i;

	ASSERT_EQ(0, taihu_device_info(self->dev, &info));
	ASSERT_TRUE(info.capabilities & DRM_TAIHU_CAP_KERNEL);
	n = taihu_kernel_count(self->dev);
	ASSERT_GE(n, 1);
	ASSERT_LE(n, DRM_TAIHU_MAX_KERNELS);
	for (i = 0; i < n; i++) {
		ASSERT_EQ(0, taihu_kernel_info(self->dev, (unsigned int)i, &k));
		EXPECT_NE(NULL, taihu_kernel_name(k.kernel)) TH_LOG("kernel %u", k.kernel);
		EXPECT_EQ(0, seen & (1u << k.kernel));
		seen |= 1u << k.kernel;
		EXPECT_NE(0, k.dtypes);
		EXPECT_GE(k.max_rank, 1);
		EXPECT_LE(k.max_rank, TAIHU_MAX_RANK);
		EXPECT_GE(k.max_dim, 1);
		EXPECT_GE(k.max_elems, 1);
	}
	EXPECT_TRUE(seen & (1u << TAIHU_KERNEL_GEMM));
	EXPECT_EQ(-ERANGE, taihu_kernel_info(self->dev, (unsigned int)n, &k));
}

/* One GEMM case on the card, checked against the reference. */
static int gemm_case(struct __test_metadata *_metadata, FIXTURE_DATA(kern) *self,
		     uint32_t placement, uint32_t dt, uint32_t ydt, uint64_t m, uint64_t n,
		     uint64_t k, uint32_t flags, bool bias, uint32_t act)
{
	const uint64_t sa[2] = { flags & TAIHU_GEMM_TRANS_A ? k : m, flags & TAIHU_GEMM_TRANS_A ? m : k };
	const uint64_t sb[2] = { flags & TAIHU_GEMM_TRANS_B ? n : k, flags & TAIHU_GEMM_TRANS_B ? k : n };
	const uint64_t sy[2] = { m, n };
	bool q = dt == TAIHU_DTYPE_INT8 || dt == TAIHU_DTYPE_UINT8;
	struct ktt a, b, c, y;
	struct ktt_run r = { .n = 0 };
	struct taihu_gemm_args args;
	struct taihu_job_result res;
	char why[256];
	int ret;

	taihu_gemm_args_init(&args);
	args.flags = flags;
	args.act = act;
	ASSERT_EQ(0, ktt_new(self->dev, &a, placement, dt, 2, sa, NULL));
	ASSERT_EQ(0, ktt_new(self->dev, &b, placement, q ? TAIHU_DTYPE_INT8 : dt, 2, sb, NULL));
	ASSERT_EQ(0, ktt_new(self->dev, &c, placement, q ? TAIHU_DTYPE_INT32 : dt, 1, &n, NULL));
	ASSERT_EQ(0, ktt_new(self->dev, &y, placement, ydt, 2, sy, NULL));
	if (q) {
		ASSERT_EQ(0, taihu_tensor_quantize(&a.t, 0.02f, dt == TAIHU_DTYPE_INT8 ? -5 : 120));
		ASSERT_EQ(0, taihu_tensor_quantize(&b.t, 0.01f, 3));
		if (ydt == TAIHU_DTYPE_INT8 || ydt == TAIHU_DTYPE_UINT8)
			ASSERT_EQ(0, taihu_tensor_quantize(&y.t, 0.1f, 7));
	}
	ASSERT_EQ(0, ktt_fill(&a, -1, 1));
	ASSERT_EQ(0, ktt_fill(&b, -1, 1));
	ASSERT_EQ(0, ktt_fill(&c, q ? -3000 : -1, q ? 3000 : 1));
	/* The operands in packet order. */
	r.t[r.n++] = &a;
	r.t[r.n++] = &b;
	if (bias)
		r.t[r.n++] = &c;
	r.t[r.n++] = &y;
	r.rtol = ydt == TAIHU_DTYPE_FP32 ? 1e-4 : ydt == TAIHU_DTYPE_FP16 ? 2e-3 : 1.6e-2;
	r.atol = (ydt == TAIHU_DTYPE_FP32 ? 2e-6 : ydt == TAIHU_DTYPE_FP16 ? 1e-4 : 1e-3) * k + 1e-3;
	ASSERT_EQ(0, taihu_cmdbuf_reset(self->cb));
	ret = taihu_cmdbuf_gemm(self->cb, &args, &a.t, &b.t, bias ? &c.t : NULL, &y.t);
	ASSERT_EQ(0, ret) TH_LOG("append: %s", taihu_cmdbuf_error(self->cb));
	ret = ktt_run_check(self->dev, self->cb, &r, &res, why, sizeof(why));
	EXPECT_EQ(0, ret) TH_LOG("gemm %s %s %llux%llux%llu: %s", taihu_placement_name(placement),
				 taihu_dtype_name(dt), (unsigned long long)m,
				 (unsigned long long)n, (unsigned long long)k, why);
	EXPECT_GT(res.end_ns, res.start_ns);
	ktt_free(&a);
	ktt_free(&b);
	ktt_free(&c);
	ktt_free(&y);
	return ret;
}

TEST_F(kern, gemm_fp32_vram_and_host)
{
	unsigned int p;

	NEED(self, TAIHU_KERNEL_GEMM, TAIHU_DTYPE_FP32);
	for (p = 0; p < 2; p++) {
		gemm_case(_metadata, self, placements[p], TAIHU_DTYPE_FP32, TAIHU_DTYPE_FP32,
			  1, 1, 1, 0, false, 0);
		gemm_case(_metadata, self, placements[p], TAIHU_DTYPE_FP32, TAIHU_DTYPE_FP32,
			  67, 45, 129, 0, true, TAIHU_ACT_RELU);
		gemm_case(_metadata, self, placements[p], TAIHU_DTYPE_FP32, TAIHU_DTYPE_FP32,
			  33, 70, 40, TAIHU_GEMM_TRANS_A | TAIHU_GEMM_TRANS_B, true,
			  TAIHU_ACT_GELU_ERF);
	}
	/* Large enough that host tensors span many scattered pages. */
	gemm_case(_metadata, self, DRM_TAIHU_PLACEMENT_HOST, TAIHU_DTYPE_FP32, TAIHU_DTYPE_FP32,
		  200, 300, 256, 0, true, 0);
}

TEST_F(kern, gemm_bf16_fp16)
{
	unsigned int p;

	NEED(self, TAIHU_KERNEL_GEMM, TAIHU_DTYPE_BF16);
	NEED(self, TAIHU_KERNEL_GEMM, TAIHU_DTYPE_FP16);
	for (p = 0; p < 2; p++) {
		gemm_case(_metadata, self, placements[p], TAIHU_DTYPE_BF16, TAIHU_DTYPE_BF16,
			  64, 48, 80, 0, true, TAIHU_ACT_SILU);
		gemm_case(_metadata, self, placements[p], TAIHU_DTYPE_BF16, TAIHU_DTYPE_FP32,
			  17, 9, 33, TAIHU_GEMM_TRANS_B, false, 0);
		gemm_case(_metadata, self, placements[p], TAIHU_DTYPE_FP16, TAIHU_DTYPE_FP16,
			  31, 29, 27, 0, true, TAIHU_ACT_TANH);
	}
}

TEST_F(kern, gemm_int8_bit_exact)
{
	unsigned int p;

	NEED(self, TAIHU_KERNEL_GEMM, TAIHU_DTYPE_INT8);
	for (p = 0; p < 2; p++) {
		gemm_case(_metadata, self, placements[p], TAIHU_DTYPE_UINT8, TAIHU_DTYPE_INT8,
			  64, 64, 96, 0, true, TAIHU_ACT_RELU);
		gemm_case(_metadata, self, placements[p], TAIHU_DTYPE_INT8, TAIHU_DTYPE_INT32,
			  37, 19, 50, TAIHU_GEMM_TRANS_B, true, 0);
		gemm_case(_metadata, self, placements[p], TAIHU_DTYPE_INT8, TAIHU_DTYPE_FP32,
			  8, 8, 8, 0, false, 0);
	}
}

/* A GEMM over a strided view: every other row of A, B read transposed through strides. */
TEST_F(kern, gemm_strided_views)
{
	const uint64_t sa[2] = { 16, 24 }, sb[2] = { 24, 20 }, sy[2] = { 16, 20 };
	const int64_t st_a[2] = { 48, 1 }, st_b[2] = { 1, 24 };
	struct ktt a, b, y;
	struct ktt_run r = { .n = 3, .rtol = 1e-4, .atol = 1e-4 };
	struct taihu_job_result res;
	char why[256];

	NEED(self, TAIHU_KERNEL_GEMM, TAIHU_DTYPE_FP32);
	ASSERT_EQ(0, ktt_new(self->dev, &a, DRM_TAIHU_PLACEMENT_HOST, TAIHU_DTYPE_FP32, 2, sa, st_a));
	ASSERT_EQ(0, ktt_new(self->dev, &b, DRM_TAIHU_PLACEMENT_VRAM, TAIHU_DTYPE_FP32, 2, sb, st_b));
	ASSERT_EQ(0, ktt_new(self->dev, &y, DRM_TAIHU_PLACEMENT_VRAM, TAIHU_DTYPE_FP32, 2, sy, NULL));
	ASSERT_EQ(0, ktt_fill(&a, -1, 1));
	ASSERT_EQ(0, ktt_fill(&b, -1, 1));
	r.t[0] = &a;
	r.t[1] = &b;
	r.t[2] = &y;
	ASSERT_LE(0, taihu_cmdbuf_gemm(self->cb, NULL, &a.t, &b.t, NULL, &y.t));
	EXPECT_EQ(0, ktt_run_check(self->dev, self->cb, &r, &res, why, sizeof(why)))
		TH_LOG("%s", why);
	ktt_free(&a);
	ktt_free(&b);
	ktt_free(&y);
}

/* Several dependent kernels in one command buffer: Y2 = Y1 B2, Y1 = A B1. */
TEST_F(kern, gemm_chain_in_one_stream)
{
	const uint64_t s[2] = { 32, 32 };
	struct ktt a, b1, b2, y1, y2;
	struct taihu_job_result res;
	struct ktt_run r = { .n = 5 };
	float *h1, *h2;
	uint32_t i, j, k;

	NEED(self, TAIHU_KERNEL_GEMM, TAIHU_DTYPE_FP32);
	ASSERT_EQ(0, ktt_new(self->dev, &a, DRM_TAIHU_PLACEMENT_VRAM, TAIHU_DTYPE_FP32, 2, s, NULL));
	ASSERT_EQ(0, ktt_new(self->dev, &b1, DRM_TAIHU_PLACEMENT_VRAM, TAIHU_DTYPE_FP32, 2, s, NULL));
	ASSERT_EQ(0, ktt_new(self->dev, &b2, DRM_TAIHU_PLACEMENT_HOST, TAIHU_DTYPE_FP32, 2, s, NULL));
	ASSERT_EQ(0, ktt_new(self->dev, &y1, DRM_TAIHU_PLACEMENT_VRAM, TAIHU_DTYPE_FP32, 2, s, NULL));
	ASSERT_EQ(0, ktt_new(self->dev, &y2, DRM_TAIHU_PLACEMENT_HOST, TAIHU_DTYPE_FP32, 2, s, NULL));
	ASSERT_EQ(0, ktt_fill(&a, -1, 1));
	ASSERT_EQ(0, ktt_fill(&b1, -1, 1));
	ASSERT_EQ(0, ktt_fill(&b2, -1, 1));
	ASSERT_LE(0, taihu_cmdbuf_gemm(self->cb, NULL, &a.t, &b1.t, NULL, &y1.t));
	ASSERT_LE(0, taihu_cmdbuf_gemm(self->cb, NULL, &y1.t, &b2.t, NULL, &y2.t));
	r.t[0] = &a;
	r.t[1] = &b1;
	r.t[2] = &b2;
	r.t[3] = &y1;
	r.t[4] = &y2;
	ASSERT_EQ(0, ktt_submit(self->dev, self->cb, &r, &res))
		TH_LOG("%s", taihu_job_status_name(res.status));
	h1 = calloc(32 * 32, sizeof(float));
	h2 = calloc(32 * 32, sizeof(float));
	ASSERT_NE(NULL, h1);
	ASSERT_NE(NULL, h2);
	ASSERT_EQ(0, taihu_bo_read(y2.bo, 0, h2, 32 * 32 * sizeof(float)));
	for (i = 0; i < 32; i++)
		for (j = 0; j < 32; j++)
			for (k = 0; k < 32; k++)
				h1[i * 32 + j] += ((float *)a.host)[i * 32 + k] *
						  ((float *)b1.host)[k * 32 + j];
	for (i = 0; i < 32; i++)
		for (j = 0; j < 32; j++) {
			double want = 0;

			for (k = 0; k < 32; k++)
				want += (double)h1[i * 32 + k] * ((float *)b2.host)[k * 32 + j];
			ASSERT_LT(fabs(want - h2[i * 32 + j]), 1e-3)
				TH_LOG("Y2[%u][%u] %g, want %g", i, j, h2[i * 32 + j], want);
		}
	free(h1);
	free(h2);
	ktt_free(&a);
	ktt_free(&b1);
	ktt_free(&b2);
	ktt_free(&y1);
	ktt_free(&y2);
}

/* A descriptor running past its buffer faults through the MMU, before any output is written. */
TEST_F(kern, extents_outside_mappings_fault)
{
	const uint64_t s[2] = { 64, 64 };
	struct ktt a, b, y;
	struct ktt_run r = { .n = 3 };
	struct taihu_job_result res;
	struct taihu_tensor big;
	uint8_t *out;
	uint64_t i;

	NEED(self, TAIHU_KERNEL_GEMM, TAIHU_DTYPE_FP32);
	/* B last: its stretched extent runs into unmapped addresses, not into A or Y. */
	ASSERT_EQ(0, ktt_new(self->dev, &a, DRM_TAIHU_PLACEMENT_VRAM, TAIHU_DTYPE_FP32, 2, s, NULL));
	ASSERT_EQ(0, ktt_new(self->dev, &y, DRM_TAIHU_PLACEMENT_VRAM, TAIHU_DTYPE_FP32, 2, s, NULL));
	ASSERT_EQ(0, ktt_new(self->dev, &b, DRM_TAIHU_PLACEMENT_HOST, TAIHU_DTYPE_FP32, 2, s, NULL));
	r.t[0] = &a;
	r.t[1] = &b;
	r.t[2] = &y;

	/* B's rows strided far beyond its 16 KiB buffer: a READ fault. */
	big = b.t;
	big.strides[0] = 1 << 20;
	ASSERT_LE(0, taihu_cmdbuf_gemm(self->cb, NULL, &a.t, &big, NULL, &y.t))
		TH_LOG("%s", taihu_cmdbuf_error(self->cb));
	EXPECT_EQ(-TAIHU_EJOBFAILED, ktt_submit(self->dev, self->cb, &r, &res));
	EXPECT_EQ(DRM_TAIHU_JOB_MMU_FAULT, res.status);
	EXPECT_EQ(DRM_TAIHU_ACCESS_READ, res.error_access);
	EXPECT_GE(res.error_addr, b.t.addr + taihu_bo_size(b.bo));
	EXPECT_EQ(0, res.error_offset);
	ktt_free(&a);
	ktt_free(&b);
	ktt_free(&y);
	taihu_device_close(self->dev);
	ASSERT_EQ(0, tt_open_first(&self->dev, NULL));	/* the context is faulted */

	/* An output larger than its buffer: a WRITE fault, and nothing written. */
	ASSERT_EQ(0, ktt_new(self->dev, &a, DRM_TAIHU_PLACEMENT_VRAM, TAIHU_DTYPE_FP32, 2, s, NULL));
	ASSERT_EQ(0, ktt_new(self->dev, &b, DRM_TAIHU_PLACEMENT_VRAM, TAIHU_DTYPE_FP32, 2, s, NULL));
	ASSERT_EQ(0, ktt_new(self->dev, &y, DRM_TAIHU_PLACEMENT_VRAM, TAIHU_DTYPE_FP32, 2, s, NULL));
	big = y.t;
	big.strides[0] = 4096;	/* 64 rows of 16 KiB: far past the 16 KiB buffer */
	ASSERT_EQ(0, taihu_cmdbuf_reset(self->cb));
	ASSERT_LE(0, taihu_cmdbuf_gemm(self->cb, NULL, &a.t, &b.t, NULL, &big))
		TH_LOG("%s", taihu_cmdbuf_error(self->cb));
	EXPECT_EQ(-TAIHU_EJOBFAILED, ktt_submit(self->dev, self->cb, &r, &res));
	EXPECT_EQ(DRM_TAIHU_JOB_MMU_FAULT, res.status);
	EXPECT_EQ(DRM_TAIHU_ACCESS_WRITE, res.error_access);
	out = malloc(y.bytes);
	ASSERT_NE(NULL, out);
	ASSERT_EQ(0, taihu_bo_read(y.bo, 0, out, y.bytes));
	for (i = 0; i < y.bytes; i++)
		ASSERT_EQ(0x5a, out[i]) TH_LOG("byte %llu written", (unsigned long long)i);
	free(out);
	ktt_free(&a);
	ktt_free(&b);
	ktt_free(&y);
}

TEST_F(kern, bad_packets_get_statuses_and_reasons)
{
	const uint64_t sa[2] = { 8, 16 }, sb[2] = { 16, 4 }, sy[2] = { 8, 4 };
	struct taihu_gemm_params p = { .alpha = 1.0f };
	struct taihu_tensor_desc d[3];
	struct ktt a, b, y;
	struct ktt_run r = { .n = 3 };
	struct taihu_job_result res;
	char text[256];

	NEED(self, TAIHU_KERNEL_GEMM, TAIHU_DTYPE_FP32);
	ASSERT_EQ(0, ktt_new(self->dev, &a, DRM_TAIHU_PLACEMENT_VRAM, TAIHU_DTYPE_FP32, 2, sa, NULL));
	ASSERT_EQ(0, ktt_new(self->dev, &b, DRM_TAIHU_PLACEMENT_VRAM, TAIHU_DTYPE_FP32, 2, sb, NULL));
	ASSERT_EQ(0, ktt_new(self->dev, &y, DRM_TAIHU_PLACEMENT_VRAM, TAIHU_DTYPE_FP32, 2, sy, NULL));
	r.t[0] = &a;
	r.t[1] = &b;
	r.t[2] = &y;
	ktt_desc(&d[0], &a);
	ktt_desc(&d[1], &b);
	ktt_desc(&d[2], &y);

	/* B's K does not match A's: INVALID_KERNEL, SHAPE, naming gemm / B / shape[0]. */
	d[1].shape[0] = 15;
	taihu_cmdbuf_nop(self->cb, 16);
	ktt_raw_kernel(self->cb, TAIHU_KERNEL_GEMM, d, 2, 1, &p, sizeof(p));
	EXPECT_EQ(-TAIHU_EJOBFAILED, ktt_submit(self->dev, self->cb, &r, &res));
	EXPECT_EQ(DRM_TAIHU_JOB_INVALID_KERNEL, res.status);
	EXPECT_EQ(16, res.error_offset);
	EXPECT_EQ(TAIHU_REASON_SHAPE, res.error_reason);
	EXPECT_EQ(TAIHU_KERNEL_GEMM, TAIHU_DETAIL_KERNEL(res.error_detail));
	EXPECT_EQ(1, TAIHU_DETAIL_OPERAND(res.error_detail));
	EXPECT_EQ(0, TAIHU_DETAIL_FIELD(res.error_detail));
	taihu_job_error(&res, text, sizeof(text));
	EXPECT_NE(NULL, strstr(text, "gemm: B")) TH_LOG("%s", text);
	d[1].shape[0] = 16;

	/* A zero dimension, a stride that overflows, a bad activation. */
	d[0].shape[1] = 0;
	ASSERT_EQ(0, taihu_cmdbuf_reset(self->cb));
	ktt_raw_kernel(self->cb, TAIHU_KERNEL_GEMM, d, 2, 1, &p, sizeof(p));
	EXPECT_EQ(-TAIHU_EJOBFAILED, ktt_submit(self->dev, self->cb, &r, &res));
	EXPECT_EQ(DRM_TAIHU_JOB_INVALID_KERNEL, res.status);
	EXPECT_EQ(TAIHU_REASON_ZERO_DIM, res.error_reason);
	d[0].shape[1] = 16;
	d[0].strides[0] = INT64_MAX / 2;
	ASSERT_EQ(0, taihu_cmdbuf_reset(self->cb));
	ktt_raw_kernel(self->cb, TAIHU_KERNEL_GEMM, d, 2, 1, &p, sizeof(p));
	EXPECT_EQ(-TAIHU_EJOBFAILED, ktt_submit(self->dev, self->cb, &r, &res));
	EXPECT_EQ(TAIHU_REASON_STRIDE, res.error_reason);
	d[0].strides[0] = 16;
	p.act.op = 1000;
	ASSERT_EQ(0, taihu_cmdbuf_reset(self->cb));
	ktt_raw_kernel(self->cb, TAIHU_KERNEL_GEMM, d, 2, 1, &p, sizeof(p));
	EXPECT_EQ(-TAIHU_EJOBFAILED, ktt_submit(self->dev, self->cb, &r, &res));
	EXPECT_EQ(TAIHU_REASON_PARAMS, res.error_reason);
	EXPECT_EQ(TAIHU_OPERAND_PARAMS, TAIHU_DETAIL_OPERAND(res.error_detail));
	EXPECT_EQ(4, TAIHU_DETAIL_FIELD(res.error_detail));	/* act.op's word */
	p.act.op = 0;

	/* An output over an input. */
	d[2].addr = d[0].addr;
	ASSERT_EQ(0, taihu_cmdbuf_reset(self->cb));
	ktt_raw_kernel(self->cb, TAIHU_KERNEL_GEMM, d, 2, 1, &p, sizeof(p));
	EXPECT_EQ(-TAIHU_EJOBFAILED, ktt_submit(self->dev, self->cb, &r, &res));
	EXPECT_EQ(TAIHU_REASON_OVERLAP, res.error_reason);
	d[2].addr = y.t.addr;

	/* A kernel id nobody knows: UNSUPPORTED. */
	ASSERT_EQ(0, taihu_cmdbuf_reset(self->cb));
	ktt_raw_kernel(self->cb, 200, d, 2, 1, &p, sizeof(p));
	EXPECT_EQ(-TAIHU_EJOBFAILED, ktt_submit(self->dev, self->cb, &r, &res));
	EXPECT_EQ(DRM_TAIHU_JOB_UNSUPPORTED, res.status);
	EXPECT_EQ(TAIHU_REASON_UNKNOWN_KERNEL, res.error_reason);

	/* The context is still usable: a good GEMM after all that. */
	ASSERT_EQ(0, taihu_cmdbuf_reset(self->cb));
	ASSERT_LE(0, taihu_cmdbuf_gemm(self->cb, NULL, &a.t, &b.t, NULL, &y.t));
	EXPECT_EQ(0, ktt_submit(self->dev, self->cb, &r, &res));
	ktt_free(&a);
	ktt_free(&b);
	ktt_free(&y);
}

TEST_F(kern, library_refuses_bad_calls_before_submitting)
{
	const uint64_t sa[2] = { 8, 16 }, sb[2] = { 15, 4 }, sy[2] = { 8, 4 };
	struct taihu_tensor a, b, y, nosize;

	ASSERT_EQ(0, taihu_tensor_init(&a, TAIHU_DTYPE_FP32, 2, sa, 0x100000000ULL));
	ASSERT_EQ(0, taihu_tensor_init(&b, TAIHU_DTYPE_FP32, 2, sb, 0x100100000ULL));
	ASSERT_EQ(0, taihu_tensor_init(&y, TAIHU_DTYPE_FP32, 2, sy, 0x100200000ULL));
	EXPECT_EQ(-EINVAL, taihu_cmdbuf_gemm(self->cb, NULL, &a, &b, NULL, &y));
	EXPECT_NE(NULL, strstr(taihu_cmdbuf_error(self->cb), "gemm: B: shape[0] 15"))
		TH_LOG("%s", taihu_cmdbuf_error(self->cb));
	EXPECT_EQ(0, taihu_cmdbuf_size(self->cb));
	nosize = a;
	nosize.size = 0;
	EXPECT_EQ(-EINVAL, taihu_cmdbuf_gemm(self->cb, NULL, &nosize, &b, NULL, &y));
	EXPECT_NE(NULL, strstr(taihu_cmdbuf_error(self->cb), "size not set"));
	EXPECT_EQ(-EINVAL, taihu_cmdbuf_gemm(self->cb, NULL, &a, NULL, NULL, &y));
	EXPECT_EQ(0, taihu_cmdbuf_size(self->cb));
}

TEST_HARNESS_MAIN
