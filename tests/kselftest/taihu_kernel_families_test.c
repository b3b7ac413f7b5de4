// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The element-wise, convolution, pooling and conversion kernels end to end:
 * KERNEL packets built by libtaihu, run by the card on tensors in VRAM and
 * in host memory, checked against the card's reference run in the guest
 * (int8 bit for bit); malformed descriptors end with INVALID_KERNEL and
 * the reason and operand WAIT reports.
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

FIXTURE(fam)
{
	struct taihu_device *dev;
	struct taihu_cmdbuf *cb;
	struct ktt t[TAIHU_KERNEL_MAX_TENSORS];
	unsigned int n;
};

FIXTURE_SETUP(fam)
{
	self->n = 0;
	KTT_FIXTURE_SETUP(self);
}

FIXTURE_TEARDOWN(fam)
{
	unsigned int i;

	for (i = 0; i < self->n; i++)
		ktt_free(&self->t[i]);
	KTT_FIXTURE_TEARDOWN(self);
}

/* A new tensor of the fixture (freed at teardown); quantised when @scale > 0. */
static struct ktt *tensor(struct __test_metadata *_metadata, FIXTURE_DATA(fam) *self,
			  uint32_t placement, uint32_t dtype, uint32_t rank, const uint64_t *shape,
			  float scale, int32_t zp)
{
	struct ktt *k = &self->t[self->n];

	if (ktt_new(self->dev, k, placement, dtype, rank, shape, NULL)) {
		TH_LOG("cannot make a tensor");
		return NULL;
	}
	self->n++;
	if (scale > 0 && taihu_tensor_quantize(&k->t, scale, zp))
		return NULL;
	if (ktt_fill(k, dtype == TAIHU_DTYPE_INT32 ? -2000 : -2, dtype == TAIHU_DTYPE_INT32 ? 2000 : 2))
		return NULL;
	return k;
}

/* Free the fixture's tensors and reset the command buffer for the next case. */
static void next_case(FIXTURE_DATA(fam) *self)
{
	while (self->n)
		ktt_free(&self->t[--self->n]);
	taihu_cmdbuf_reset(self->cb);
}

/* Run the packet in self->cb over @n operands and check it against the reference. */
static int check_run(FIXTURE_DATA(fam) *self, struct ktt **ops, unsigned int n, double rtol,
		     double atol, char *why, size_t len)
{
	struct ktt_run r = { .n = n, .rtol = rtol, .atol = atol };
	struct taihu_job_result res;
	unsigned int i;

	for (i = 0; i < n; i++)
		r.t[i] = ops[i];
	return ktt_run_check(self->dev, self->cb, &r, &res, why, len);
}

static double rtol_of(uint32_t dt)
{
	return dt == TAIHU_DTYPE_FP16 ? 2e-3 : dt == TAIHU_DTYPE_BF16 ? 1.6e-2 : 1e-4;
}

TEST_F(fam, binary_broadcast_vram_and_host)
{
	static const struct { uint32_t dt, op, act; } c[] = {
		{ TAIHU_DTYPE_FP32, TAIHU_BINARY_ADD, TAIHU_ACT_RELU },
		{ TAIHU_DTYPE_BF16, TAIHU_BINARY_MUL, 0 },
		{ TAIHU_DTYPE_FP16, TAIHU_BINARY_MAX, 0 },
		{ TAIHU_DTYPE_FP32, TAIHU_BINARY_DIV, TAIHU_ACT_TANH },
		{ TAIHU_DTYPE_INT8, TAIHU_BINARY_ADD, TAIHU_ACT_RELU },
	};
	const uint64_t sa[3] = { 2, 16, 33 }, sb[2] = { 16, 1 };
	unsigned int i, p;
	char why[256];

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		for (p = 0; p < 2; p++) {
			bool q = c[i].dt == TAIHU_DTYPE_INT8;
			struct ktt *ops[3];

			KTT_NEED(self->dev, TAIHU_KERNEL_BINARY, c[i].dt);
			ops[0] = tensor(_metadata, self, placements[p], c[i].dt, 3, sa, q ? 0.02f : 0, -3);
			ops[1] = tensor(_metadata, self, placements[!p], c[i].dt, 2, sb, q ? 0.03f : 0, 5);
			ops[2] = tensor(_metadata, self, placements[p], c[i].dt, 3, sa, q ? 0.04f : 0, 1);
			ASSERT_NE(NULL, ops[2]);
			ASSERT_EQ(0, taihu_cmdbuf_binary(self->cb, c[i].op, c[i].act, &ops[0]->t,
							 &ops[1]->t, &ops[2]->t))
				TH_LOG("%s", taihu_cmdbuf_error(self->cb));
			EXPECT_EQ(0, check_run(self, ops, 3, rtol_of(c[i].dt), 1e-3, why, sizeof(why)))
				TH_LOG("binary %s %s: %s", taihu_dtype_name(c[i].dt),
				       taihu_placement_name(placements[p]), why);
			next_case(self);
		}
}

TEST_F(fam, unary_every_op_and_int8)
{
	const uint64_t s[2] = { 7, 61 };
	uint32_t op, dt;
	char why[256];

	KTT_NEED(self->dev, TAIHU_KERNEL_UNARY, TAIHU_DTYPE_FP32);
	for (op = 0; op < TAIHU_ACT_COUNT; op++)
		for (dt = TAIHU_DTYPE_FP32; dt <= TAIHU_DTYPE_INT8; dt++) {
			bool q = dt == TAIHU_DTYPE_INT8;
			float al = op == TAIHU_ACT_LEAKY_RELU ? 0.1f : op == TAIHU_ACT_CLIP ? -0.5f : 0;
			float be = op == TAIHU_ACT_CLIP ? 1.0f : 0;
			uint32_t pl = placements[op % 2];
			struct ktt *ops[2];

			if (taihu_kernel_supported(self->dev, TAIHU_KERNEL_UNARY, dt) != 1)
				continue;
			ops[0] = tensor(_metadata, self, pl, dt, 2, s, q ? 0.05f : 0, 0);
			ops[1] = tensor(_metadata, self, pl, dt, 2, s, q ? 0.02f : 0, -7);
			ASSERT_NE(NULL, ops[1]);
			ASSERT_EQ(0, taihu_cmdbuf_unary(self->cb, op, al, be, &ops[0]->t, &ops[1]->t))
				TH_LOG("%s", taihu_cmdbuf_error(self->cb));
			EXPECT_EQ(0, check_run(self, ops, 2, rtol_of(dt) * 10, 1e-3, why, sizeof(why)))
				TH_LOG("unary %s %s: %s", tk_act_name(op), taihu_dtype_name(dt), why);
			next_case(self);
		}
}

TEST_F(fam, conv2d_vram_and_host)
{
	static const struct { uint32_t dt, c, oc, groups, k, stride, pad, act; bool bias; } c[] = {
		{ TAIHU_DTYPE_FP32, 8, 16, 1, 3, 1, 1, TAIHU_ACT_RELU, true },
		{ TAIHU_DTYPE_BF16, 16, 16, 16, 3, 2, 1, 0, true },	/* depthwise */
		{ TAIHU_DTYPE_FP16, 6, 4, 2, 1, 1, 0, TAIHU_ACT_SIGMOID, false },
		{ TAIHU_DTYPE_UINT8, 8, 8, 1, 3, 1, 1, TAIHU_ACT_RELU, true },
	};
	unsigned int i, p;
	char why[256];

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		for (p = 0; p < 2; p++) {
			bool q = c[i].dt == TAIHU_DTYPE_UINT8;
			uint64_t oh = (15 + 2 * c[i].pad - c[i].k) / c[i].stride + 1;
			const uint64_t sx[4] = { 1, c[i].c, 15, 15 };
			const uint64_t sw[4] = { c[i].oc, c[i].c / c[i].groups, c[i].k, c[i].k };
			const uint64_t sb[1] = { c[i].oc }, sy[4] = { 1, c[i].oc, oh, oh };
			struct taihu_conv2d_args args = { .size = sizeof(args) };
			struct ktt *ops[4];
			unsigned int n = 0;

			KTT_NEED(self->dev, TAIHU_KERNEL_CONV2D, q ? TAIHU_DTYPE_INT8 : c[i].dt);
			args.stride[0] = args.stride[1] = c[i].stride;
			args.pad_begin[0] = args.pad_begin[1] = c[i].pad;
			args.pad_end[0] = args.pad_end[1] = c[i].pad;
			args.groups = c[i].groups;
			args.act = c[i].act;
			ops[n++] = tensor(_metadata, self, placements[p], c[i].dt, 4, sx, q ? 0.02f : 0, 120);
			ops[n++] = tensor(_metadata, self, placements[!p], q ? TAIHU_DTYPE_INT8 : c[i].dt,
					  4, sw, q ? 0.01f : 0, 0);
			if (c[i].bias)
				ops[n++] = tensor(_metadata, self, placements[p],
						  q ? TAIHU_DTYPE_INT32 : c[i].dt, 1, sb, 0, 0);
			ops[n++] = tensor(_metadata, self, placements[p], c[i].dt, 4, sy, q ? 0.05f : 0, 10);
			ASSERT_NE(NULL, ops[n - 1]);
			ASSERT_EQ(0, taihu_cmdbuf_conv2d(self->cb, &args, &ops[0]->t, &ops[1]->t,
							 c[i].bias ? &ops[2]->t : NULL, &ops[n - 1]->t))
				TH_LOG("%s", taihu_cmdbuf_error(self->cb));
			EXPECT_EQ(0, check_run(self, ops, n, rtol_of(c[i].dt),
					       rtol_of(c[i].dt) * c[i].c * 9 * 2, why, sizeof(why)))
				TH_LOG("conv2d %s %s: %s", taihu_dtype_name(c[i].dt),
				       taihu_placement_name(placements[p]), why);
			next_case(self);
		}
}

TEST_F(fam, pool2d_max_avg_global)
{
	static const struct { uint32_t dt, op, flags, k, stride, pad; } c[] = {
		{ TAIHU_DTYPE_FP32, TAIHU_POOL_MAX, 0, 3, 2, 1 },
		{ TAIHU_DTYPE_BF16, TAIHU_POOL_AVG, TAIHU_POOL_COUNT_PAD, 3, 1, 1 },
		{ TAIHU_DTYPE_FP16, TAIHU_POOL_AVG, 0, 0, 1, 0 },	/* global */
		{ TAIHU_DTYPE_INT8, TAIHU_POOL_AVG, 0, 2, 2, 0 },
		{ TAIHU_DTYPE_INT8, TAIHU_POOL_MAX, 0, 3, 2, 1 },
	};
	unsigned int i;
	char why[256];

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		bool q = c[i].dt == TAIHU_DTYPE_INT8;
		uint64_t o = c[i].k ? (14 + 2 * c[i].pad - c[i].k) / c[i].stride + 1 : 1;
		const uint64_t sx[4] = { 2, 8, 14, 14 }, sy[4] = { 2, 8, o, o };
		struct taihu_pool2d_args args = { .size = sizeof(args), .op = c[i].op,
						  .flags = c[i].flags };
		struct ktt *ops[2];

		KTT_NEED(self->dev, TAIHU_KERNEL_POOL2D, c[i].dt);
		args.kernel[0] = args.kernel[1] = c[i].k;
		args.stride[0] = args.stride[1] = c[i].stride;
		args.pad_begin[0] = args.pad_begin[1] = c[i].pad;
		args.pad_end[0] = args.pad_end[1] = c[i].pad;
		ops[0] = tensor(_metadata, self, placements[i % 2], c[i].dt, 4, sx, q ? 0.1f : 0, 4);
		ops[1] = tensor(_metadata, self, placements[i % 2], c[i].dt, 4, sy, q ? 0.1f : 0, 4);
		ASSERT_NE(NULL, ops[1]);
		ASSERT_EQ(0, taihu_cmdbuf_pool2d(self->cb, &args, &ops[0]->t, &ops[1]->t))
			TH_LOG("%s", taihu_cmdbuf_error(self->cb));
		EXPECT_EQ(0, check_run(self, ops, 2, rtol_of(c[i].dt), 1e-3, why, sizeof(why)))
			TH_LOG("pool2d case %u: %s", i, why);
		next_case(self);
	}
}

TEST_F(fam, transpose_and_cast)
{
	const uint64_t s[4] = { 2, 5, 6, 7 }, st[4] = { 2, 6, 7, 5 };
	const uint32_t perm[4] = { 0, 2, 3, 1 };
	static const uint32_t pairs[][2] = {
		{ TAIHU_DTYPE_FP32, TAIHU_DTYPE_INT8 }, { TAIHU_DTYPE_UINT8, TAIHU_DTYPE_FP32 },
		{ TAIHU_DTYPE_FP16, TAIHU_DTYPE_BF16 }, { TAIHU_DTYPE_BF16, TAIHU_DTYPE_INT32 },
		{ TAIHU_DTYPE_INT32, TAIHU_DTYPE_FP16 },
	};
	uint32_t dt, i;
	char why[256];

	for (dt = TAIHU_DTYPE_FP32; dt < TAIHU_DTYPE_COUNT; dt++) {
		bool q = dt == TAIHU_DTYPE_INT8 || dt == TAIHU_DTYPE_UINT8;
		struct ktt *ops[2];

		if (taihu_kernel_supported(self->dev, TAIHU_KERNEL_TRANSPOSE, dt) != 1)
			continue;
		ops[0] = tensor(_metadata, self, placements[dt % 2], dt, 4, s, q ? 0.1f : 0, 3);
		ops[1] = tensor(_metadata, self, placements[!(dt % 2)], dt, 4, st, q ? 0.1f : 0, 3);
		ASSERT_NE(NULL, ops[1]);
		ASSERT_EQ(0, taihu_cmdbuf_transpose(self->cb, perm, &ops[0]->t, &ops[1]->t))
			TH_LOG("%s", taihu_cmdbuf_error(self->cb));
		EXPECT_EQ(0, check_run(self, ops, 2, 0, 0, why, sizeof(why)))
			TH_LOG("transpose %s: %s", taihu_dtype_name(dt), why);
		next_case(self);
	}
	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		const uint32_t a = pairs[i][0], b = pairs[i][1];
		struct ktt *ops[2];

		KTT_NEED(self->dev, TAIHU_KERNEL_CAST, a);
		KTT_NEED(self->dev, TAIHU_KERNEL_CAST, b);
		ops[0] = tensor(_metadata, self, placements[i % 2], a, 4, s,
				a == TAIHU_DTYPE_UINT8 ? 0.05f : 0, 100);
		ops[1] = tensor(_metadata, self, placements[!(i % 2)], b, 4, s,
				b == TAIHU_DTYPE_INT8 ? 0.02f : 0, -4);
		ASSERT_NE(NULL, ops[1]);
		ASSERT_EQ(0, taihu_cmdbuf_cast(self->cb, &ops[0]->t, &ops[1]->t))
			TH_LOG("%s", taihu_cmdbuf_error(self->cb));
		EXPECT_EQ(0, check_run(self, ops, 2, 0, 0, why, sizeof(why)))
			TH_LOG("cast %s -> %s: %s", taihu_dtype_name(a), taihu_dtype_name(b), why);
		next_case(self);
	}
}

/* Submit one raw packet over @n descriptors; expect INVALID_KERNEL with @reason at @operand. */
static void expect_refused(struct __test_metadata *_metadata, FIXTURE_DATA(fam) *self,
			   uint16_t kernel, const struct taihu_tensor_desc *d, uint8_t nin,
			   const void *params, uint16_t psize, uint32_t reason, uint32_t operand)
{
	struct ktt_run r = { .n = self->n };
	struct taihu_job_result res;
	unsigned int i;

	for (i = 0; i < self->n; i++)
		r.t[i] = &self->t[i];
	ASSERT_EQ(0, taihu_cmdbuf_reset(self->cb));
	ktt_raw_kernel(self->cb, kernel, d, nin, 1, params, psize);
	EXPECT_EQ(-TAIHU_EJOBFAILED, ktt_submit(self->dev, self->cb, &r, &res));
	EXPECT_EQ(DRM_TAIHU_JOB_INVALID_KERNEL, res.status);
	EXPECT_EQ(reason, res.error_reason)
		TH_LOG("%s: reason %s", taihu_kernel_name(kernel), tk_reason_name(res.error_reason));
	EXPECT_EQ(kernel, TAIHU_DETAIL_KERNEL(res.error_detail));
	EXPECT_EQ(operand, TAIHU_DETAIL_OPERAND(res.error_detail));
}

TEST_F(fam, bad_descriptors_get_reasons)
{
	const uint64_t s4[4] = { 1, 4, 8, 8 }, s2[2] = { 4, 8 }, sw[4] = { 4, 4, 3, 3 };
	struct taihu_binary_params bp = { .op = TAIHU_BINARY_ADD };
	struct taihu_conv2d_params cp = { .stride = { 1, 1 }, .dilation = { 1, 1 },
					  .pad_begin = { 1, 1 }, .pad_end = { 1, 1 }, .groups = 1 };
	struct taihu_pool2d_params pp = { .op = TAIHU_POOL_MAX, .kernel = { 2, 2 },
					  .stride = { 2, 2 }, .dilation = { 1, 1 } };
	struct taihu_transpose_params tp = { .perm = { 0, 0 } };
	struct taihu_cast_params cc = { .reserved = { 0 } };
	struct taihu_tensor_desc d[4];
	struct ktt *x, *w, *y, *a;

	KTT_NEED(self->dev, TAIHU_KERNEL_BINARY, TAIHU_DTYPE_FP32);
	KTT_NEED(self->dev, TAIHU_KERNEL_CONV2D, TAIHU_DTYPE_FP32);
	KTT_NEED(self->dev, TAIHU_KERNEL_POOL2D, TAIHU_DTYPE_FP32);
	KTT_NEED(self->dev, TAIHU_KERNEL_TRANSPOSE, TAIHU_DTYPE_FP32);
	KTT_NEED(self->dev, TAIHU_KERNEL_CAST, TAIHU_DTYPE_FP32);
	x = tensor(_metadata, self, DRM_TAIHU_PLACEMENT_VRAM, TAIHU_DTYPE_FP32, 4, s4, 0, 0);
	w = tensor(_metadata, self, DRM_TAIHU_PLACEMENT_VRAM, TAIHU_DTYPE_FP32, 4, sw, 0, 0);
	y = tensor(_metadata, self, DRM_TAIHU_PLACEMENT_VRAM, TAIHU_DTYPE_FP32, 4, s4, 0, 0);
	a = tensor(_metadata, self, DRM_TAIHU_PLACEMENT_HOST, TAIHU_DTYPE_FP32, 2, s2, 0, 0);
	ASSERT_NE(NULL, a);

	/* BINARY: B [3, 8] does not broadcast to [1, 4, 8, 8]; [1, 8] does. */
	ktt_desc(&d[0], x);
	ktt_desc(&d[1], a);
	ktt_desc(&d[2], y);
	d[1].shape[0] = 3;
	expect_refused(_metadata, self, TAIHU_KERNEL_BINARY, d, 2, &bp, sizeof(bp),
		       TAIHU_REASON_SHAPE, 1);
	d[1].shape[0] = 1;
	d[2].strides[1] = 0;	/* a broadcast output */
	expect_refused(_metadata, self, TAIHU_KERNEL_BINARY, d, 2, &bp, sizeof(bp),
		       TAIHU_REASON_OVERLAP, 2);
	d[2].strides[1] = 64;
	d[1].dtype = TAIHU_DTYPE_BF16;
	expect_refused(_metadata, self, TAIHU_KERNEL_BINARY, d, 2, &bp, sizeof(bp),
		       TAIHU_REASON_DTYPE, 1);

	/* CONV2D: groups 3 divide neither C nor OC; a zero dimension of W. */
	ktt_desc(&d[0], x);
	ktt_desc(&d[1], w);
	ktt_desc(&d[2], y);	/* the output slot after the absent bias */
	cp.groups = 3;
	expect_refused(_metadata, self, TAIHU_KERNEL_CONV2D, d, 2, &cp, sizeof(cp),
		       TAIHU_REASON_SHAPE, TAIHU_OPERAND_PARAMS);
	cp.groups = 1;
	d[1].shape[2] = 0;
	expect_refused(_metadata, self, TAIHU_KERNEL_CONV2D, d, 2, &cp, sizeof(cp),
		       TAIHU_REASON_ZERO_DIM, 1);
	d[1].shape[2] = 3;

	/* POOL2D: a window of 0; Y's size not the window's output. */
	ktt_desc(&d[0], x);
	ktt_desc(&d[1], y);
	pp.kernel[0] = 0;
	expect_refused(_metadata, self, TAIHU_KERNEL_POOL2D, d, 1, &pp, sizeof(pp),
		       TAIHU_REASON_PARAMS, TAIHU_OPERAND_PARAMS);
	pp.kernel[0] = 2;
	expect_refused(_metadata, self, TAIHU_KERNEL_POOL2D, d, 1, &pp, sizeof(pp),
		       TAIHU_REASON_SHAPE, 1);

	/* TRANSPOSE: (0, 0) is no permutation; rank 7. */
	ktt_desc(&d[0], a);
	ktt_desc(&d[1], y);
	d[1].rank = 2;
	d[1].shape[0] = 4;
	d[1].shape[1] = 8;
	d[1].shape[2] = d[1].shape[3] = 0;
	d[1].strides[0] = 8;
	d[1].strides[1] = 1;
	d[1].strides[2] = d[1].strides[3] = 0;
	expect_refused(_metadata, self, TAIHU_KERNEL_TRANSPOSE, d, 1, &tp, sizeof(tp),
		       TAIHU_REASON_PARAMS, TAIHU_OPERAND_PARAMS);
	d[0].rank = 7;
	expect_refused(_metadata, self, TAIHU_KERNEL_TRANSPOSE, d, 1, &tp, sizeof(tp),
		       TAIHU_REASON_RANK, 0);

	/* CAST: a quantised fp32 tensor. */
	ktt_desc(&d[0], a);
	d[0].quant = TAIHU_QUANT_TENSOR;
	d[0].scale = 1.0f;
	expect_refused(_metadata, self, TAIHU_KERNEL_CAST, d, 1, &cc, sizeof(cc),
		       TAIHU_REASON_QUANT, 0);

	/* The context still works. */
	ASSERT_EQ(0, taihu_cmdbuf_reset(self->cb));
	ASSERT_EQ(0, taihu_cmdbuf_unary(self->cb, TAIHU_ACT_RELU, 0, 0, &x->t, &y->t));
	{
		struct ktt *ops[2] = { x, y };
		char why[256];

		EXPECT_EQ(0, check_run(self, ops, 2, 0, 0, why, sizeof(why))) TH_LOG("%s", why);
	}
}

TEST_HARNESS_MAIN
