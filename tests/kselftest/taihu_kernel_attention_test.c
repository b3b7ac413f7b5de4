// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * ATTENTION end to end: multi-head, grouped-query (fewer K/V heads), causal
 * and additive masks (broadcast), built by libtaihu and run by the card on
 * tensors in VRAM and host memory, checked against the reference run in
 * the guest with the tolerances of docs/kernels.md; bad descriptors end
 * with INVALID_KERNEL and the reason WAIT reports.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "kselftest_harness.h"
#include "taihu_kernel_util.h"
#include "taihu_test_util.h"

static const uint32_t placements[] = { DRM_TAIHU_PLACEMENT_VRAM, DRM_TAIHU_PLACEMENT_HOST };
static const uint32_t floats[] = { TAIHU_DTYPE_FP32, TAIHU_DTYPE_FP16, TAIHU_DTYPE_BF16 };

KTT_FIXTURE(attn)

struct attn_case {
	uint64_t B, Hq, Hkv, S, T, D;
	uint32_t flags;
	int mask;	/* 0 none, 1 [B, 1, S, T] fp32, 2 [S, T] of Q's dtype */
	float scale;
};

static void run_case(struct __test_metadata *_metadata, FIXTURE_DATA(attn) *self,
		     const struct attn_case *c, uint32_t dt, uint32_t placement)
{
	const uint64_t sq[4] = { c->B, c->Hq, c->S, c->D }, sk[4] = { c->B, c->Hkv, c->T, c->D };
	const uint64_t sm1[4] = { c->B, 1, c->S, c->T }, sm2[2] = { c->S, c->T };
	struct ktt q, k, v, m, o;
	struct ktt_run r = { .n = 0 };
	struct taihu_job_result res;
	uint32_t other = placement == DRM_TAIHU_PLACEMENT_VRAM ? DRM_TAIHU_PLACEMENT_HOST :
							       DRM_TAIHU_PLACEMENT_VRAM;
	char why[256];

	ASSERT_EQ(0, ktt_new(self->dev, &q, placement, dt, 4, sq, NULL));
	ASSERT_EQ(0, ktt_new(self->dev, &k, other, dt, 4, sk, NULL));
	ASSERT_EQ(0, ktt_new(self->dev, &v, placement, dt, 4, sk, NULL));
	ASSERT_EQ(0, ktt_new(self->dev, &o, placement, dt, 4, sq, NULL));
	ASSERT_EQ(0, ktt_fill(&q, -1, 1));
	ASSERT_EQ(0, ktt_fill(&k, -1, 1));
	ASSERT_EQ(0, ktt_fill(&v, -1, 1));
	r.t[r.n++] = &q;
	r.t[r.n++] = &k;
	r.t[r.n++] = &v;
	if (c->mask) {
		ASSERT_EQ(0, ktt_new(self->dev, &m, other, c->mask == 1 ? TAIHU_DTYPE_FP32 : dt,
				     c->mask == 1 ? 4 : 2, c->mask == 1 ? sm1 : sm2, NULL));
		ASSERT_EQ(0, ktt_fill(&m, -2, 2));
		r.t[r.n++] = &m;
	}
	r.t[r.n++] = &o;
	r.rtol = dt == TAIHU_DTYPE_FP32 ? 1e-4 : dt == TAIHU_DTYPE_FP16 ? 2e-3 : 1.6e-2;
	r.atol = dt == TAIHU_DTYPE_FP32 ? 2e-5 : r.rtol;
	ASSERT_EQ(0, taihu_cmdbuf_reset(self->cb));
	ASSERT_LE(0, taihu_cmdbuf_attention(self->cb, c->scale, c->flags, &q.t, &k.t, &v.t,
					    c->mask ? &m.t : NULL, &o.t))
		TH_LOG("%s", taihu_cmdbuf_error(self->cb));
	EXPECT_EQ(0, ktt_run_check(self->dev, self->cb, &r, &res, why, sizeof(why)))
		TH_LOG("attention %s %s B%llu Hq%llu Hkv%llu S%llu T%llu D%llu: %s",
		       taihu_dtype_name(dt), taihu_placement_name(placement),
		       (unsigned long long)c->B, (unsigned long long)c->Hq,
		       (unsigned long long)c->Hkv, (unsigned long long)c->S,
		       (unsigned long long)c->T, (unsigned long long)c->D, why);
	ktt_free(&q);
	ktt_free(&k);
	ktt_free(&v);
	if (c->mask)
		ktt_free(&m);
	ktt_free(&o);
}

TEST_F(attn, heads_groups_masks)
{
	static const struct attn_case cases[] = {
		{ 1, 1, 1, 1, 1, 1, 0, 0, 0.0f },
		{ 2, 4, 4, 7, 7, 16, TAIHU_ATTENTION_CAUSAL, 0, 0.0f },
		{ 1, 8, 2, 16, 24, 32, TAIHU_ATTENTION_CAUSAL, 1, 0.0f },	/* GQA, cross */
		{ 2, 6, 3, 5, 9, 8, 0, 2, 0.25f },
		{ 1, 4, 1, 64, 64, 64, TAIHU_ATTENTION_CAUSAL, 2, 0.0f },	/* multi-query */
	};
	unsigned int d, p, c;

	for (d = 0; d < 3; d++) {
		if (taihu_kernel_supported(self->dev, TAIHU_KERNEL_ATTENTION, floats[d]) != 1) {
			TH_LOG("firmware does not enable attention in %s: skipped",
			       taihu_dtype_name(floats[d]));
			continue;
		}
		for (p = 0; p < 2; p++)
			for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++)
				run_case(_metadata, self, &cases[c], floats[d], placements[p]);
	}
}

TEST_F(attn, bad_descriptors_get_reasons)
{
	const uint64_t sq[4] = { 1, 4, 3, 8 }, sk[4] = { 1, 3, 5, 8 }, sm[2] = { 3, 4 };
	struct taihu_attention_params p = { 0 };
	struct taihu_tensor_desc d[5];
	struct ktt q, k, m, o;
	struct ktt_run r = { .n = 4, .t = { &q, &k, &m, &o } };
	struct taihu_job_result res;

	KTT_NEED(self->dev, TAIHU_KERNEL_ATTENTION, TAIHU_DTYPE_FP32);
	ASSERT_EQ(0, ktt_new(self->dev, &q, DRM_TAIHU_PLACEMENT_VRAM, TAIHU_DTYPE_FP32, 4, sq, NULL));
	ASSERT_EQ(0, ktt_new(self->dev, &k, DRM_TAIHU_PLACEMENT_VRAM, TAIHU_DTYPE_FP32, 4, sk, NULL));
	ASSERT_EQ(0, ktt_new(self->dev, &m, DRM_TAIHU_PLACEMENT_HOST, TAIHU_DTYPE_FP32, 2, sm, NULL));
	ASSERT_EQ(0, ktt_new(self->dev, &o, DRM_TAIHU_PLACEMENT_VRAM, TAIHU_DTYPE_FP32, 4, sq, NULL));

	/* The library: 3 K/V heads for 4 query heads. */
	EXPECT_EQ(-EINVAL, taihu_cmdbuf_attention(self->cb, 0.0f, 0, &q.t, &k.t, &k.t, NULL, &o.t));
	EXPECT_NE(NULL, strstr(taihu_cmdbuf_error(self->cb), "attention"))
		TH_LOG("%s", taihu_cmdbuf_error(self->cb));
	EXPECT_EQ(0, taihu_cmdbuf_size(self->cb));

	/* The card: the same (SHAPE on K, dimension 1), then a mask [3, 4] for T = 5. */
	ktt_desc(&d[0], &q);
	ktt_desc(&d[1], &k);
	ktt_desc(&d[2], &k);
	ktt_desc(&d[3], &o);
	ktt_raw_kernel(self->cb, TAIHU_KERNEL_ATTENTION, d, 3, 1, &p, sizeof(p));
	EXPECT_EQ(-TAIHU_EJOBFAILED, ktt_submit(self->dev, self->cb, &r, &res));
	EXPECT_EQ(DRM_TAIHU_JOB_INVALID_KERNEL, res.status);
	EXPECT_EQ(TAIHU_REASON_SHAPE, res.error_reason);
	EXPECT_EQ(TAIHU_KERNEL_ATTENTION, TAIHU_DETAIL_KERNEL(res.error_detail));
	EXPECT_EQ(1, TAIHU_DETAIL_OPERAND(res.error_detail));
	EXPECT_EQ(1, TAIHU_DETAIL_FIELD(res.error_detail));

	d[1].shape[1] = d[2].shape[1] = 2;	/* K/V now [1, 2, 5, 8] (a view into K) */
	ktt_desc(&d[3], &m);
	ktt_desc(&d[4], &o);
	ASSERT_EQ(0, taihu_cmdbuf_reset(self->cb));
	ktt_raw_kernel(self->cb, TAIHU_KERNEL_ATTENTION, d, 4, 1, &p, sizeof(p));
	EXPECT_EQ(-TAIHU_EJOBFAILED, ktt_submit(self->dev, self->cb, &r, &res));
	EXPECT_EQ(TAIHU_REASON_SHAPE, res.error_reason);
	EXPECT_EQ(3, TAIHU_DETAIL_OPERAND(res.error_detail));	/* the mask */

	/* Unknown flags: PARAMS, word 1. */
	ktt_desc(&d[3], &o);
	p.flags = 0x80;
	ASSERT_EQ(0, taihu_cmdbuf_reset(self->cb));
	ktt_raw_kernel(self->cb, TAIHU_KERNEL_ATTENTION, d, 3, 1, &p, sizeof(p));
	EXPECT_EQ(-TAIHU_EJOBFAILED, ktt_submit(self->dev, self->cb, &r, &res));
	EXPECT_EQ(TAIHU_REASON_PARAMS, res.error_reason);
	EXPECT_EQ(TAIHU_OPERAND_PARAMS, TAIHU_DETAIL_OPERAND(res.error_detail));
	EXPECT_EQ(1, TAIHU_DETAIL_FIELD(res.error_detail));
	ktt_free(&q);
	ktt_free(&k);
	ktt_free(&m);
	ktt_free(&o);
}

TEST_HARNESS_MAIN
