// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The operations are those the card's fast paths hand to oneDNN for the
 * benchmark's tensors (kernels/gemm.c; CONV2D with plain NCHW/OIHW
 * memory), on private buffers that are filled before the clock starts,
 * through the same oneDNN engine and stream helpers (kernels/kdnnl.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "kbench.h"
#include "kernels/kdnnl.h"

#define KBENCH_MAX_ELEMS	(1ULL << 26)

struct kb_op {
	dnnl_primitive_desc_t pd;
	struct kd_view v[3];
	int args[3];
};

static void *filled(size_t bytes)
{
	void *p = aligned_alloc(64, (bytes + 63) & ~(size_t)63);

	if (p)
		memset(p, 0x11, bytes);	/* small, finite values in every dtype */
	return p;
}

/* The memory descriptors of the three operands (SRC, WEIGHTS, DST). */
static int op_mds(struct kb_op *op, dnnl_memory_desc_t *md)
{
	int i;

	op->args[0] = DNNL_ARG_SRC;
	op->args[1] = DNNL_ARG_WEIGHTS;
	op->args[2] = DNNL_ARG_DST;
	for (i = 0; i < 3; i++)
		if (!op->v[i].p || kd_md(&md[i], &op->v[i]))
			return -1;
	return 0;
}

static int gemm_op(const struct taihu_mbox_kernel_bench *b, struct kb_op *op)
{
	/* u32 values: exact in oneDNN's signed 64-bit dims, products below 2^64. */
	const dnnl_dim_t M = b->dims[0], N = b->dims[1], K = b->dims[2];
	dnnl_data_type_t in = b->dtype == TAIHU_DTYPE_FP32 ? dnnl_f32 :
			      b->dtype == TAIHU_DTYPE_BF16 ? dnnl_bf16 : dnnl_s8;
	dnnl_data_type_t out = b->dtype == TAIHU_DTYPE_INT8 ? dnnl_s32 : in;
	size_t isz = in == dnnl_f32 ? 4 : in == dnnl_bf16 ? 2 : 1, osz = out == dnnl_bf16 ? 2 : 4;
	dnnl_memory_desc_t md[3];
	dnnl_matmul_desc_t desc;

	if (!M || !N || !K || (uint64_t)M * (uint64_t)K > KBENCH_MAX_ELEMS ||
	    (uint64_t)K * (uint64_t)N > KBENCH_MAX_ELEMS || (uint64_t)M * (uint64_t)N > KBENCH_MAX_ELEMS)
		return -EINVAL;
	kd_view_dense(&op->v[0], filled((size_t)(M * K) * isz), in, 2, (dnnl_dim_t[]){ M, K });
	kd_view_dense(&op->v[1], filled((size_t)(K * N) * isz), in, 2, (dnnl_dim_t[]){ K, N });
	kd_view_dense(&op->v[2], filled((size_t)(M * N) * osz), out, 2, (dnnl_dim_t[]){ M, N });
	if (op_mds(op, md))
		return -ENOMEM;
	if (dnnl_matmul_desc_init(&desc, &md[0], &md[1], NULL, &md[2]) != dnnl_success)
		return -EIO;
	op->pd = kd_pd(&desc, NULL);
	return op->pd ? 0 : -EIO;
}

static int conv_op(const struct taihu_mbox_kernel_bench *b, struct kb_op *op)
{
	const dnnl_dim_t N = b->dims[0], C = b->dims[1], H = b->dims[2], W = b->dims[3];
	const dnnl_dim_t OC = b->dims[4], KH = b->dims[5], KW = b->dims[6], P = b->dims[7];
	dnnl_data_type_t dt = b->dtype == TAIHU_DTYPE_FP32 ? dnnl_f32 : dnnl_bf16;
	size_t esz = dt == dnnl_f32 ? 4 : 2;
	dnnl_dim_t OH, OW;
	dnnl_memory_desc_t md[3];
	dnnl_convolution_desc_t desc;

	if (b->dtype == TAIHU_DTYPE_INT8 || !N || !C || !H || !W || !OC || !KH || !KW ||
	    H + 2 * P < KH || W + 2 * P < KW || P > 1024)
		return -EINVAL;
	OH = H + 2 * P - KH + 1;
	OW = W + 2 * P - KW + 1;
	/* Each factor below 2^32 + 2^11: check pairwise so that nothing overflows. */
	if ((uint64_t)N * (uint64_t)C > KBENCH_MAX_ELEMS || (uint64_t)H * (uint64_t)W > KBENCH_MAX_ELEMS ||
	    (uint64_t)OC * (uint64_t)C > KBENCH_MAX_ELEMS || (uint64_t)KH * (uint64_t)KW > KBENCH_MAX_ELEMS ||
	    (uint64_t)N * (uint64_t)OC > KBENCH_MAX_ELEMS || (uint64_t)OH * (uint64_t)OW > KBENCH_MAX_ELEMS ||
	    (uint64_t)(N * C) * (uint64_t)(H * W) > KBENCH_MAX_ELEMS ||
	    (uint64_t)(OC * C) * (uint64_t)(KH * KW) > KBENCH_MAX_ELEMS ||
	    (uint64_t)(N * OC) * (uint64_t)(OH * OW) > KBENCH_MAX_ELEMS)
		return -EINVAL;
	kd_view_dense(&op->v[0], filled((size_t)(N * C * H * W) * esz), dt, 4, (dnnl_dim_t[]){ N, C, H, W });
	kd_view_dense(&op->v[1], filled((size_t)(OC * C * KH * KW) * esz), dt, 4,
		      (dnnl_dim_t[]){ OC, C, KH, KW });
	kd_view_dense(&op->v[2], filled((size_t)(N * OC * OH * OW) * esz), dt, 4,
		      (dnnl_dim_t[]){ N, OC, OH, OW });
	if (op_mds(op, md))
		return -ENOMEM;
	if (dnnl_convolution_forward_desc_init(&desc, dnnl_forward_inference,
					       dnnl_convolution_direct, &md[0], &md[1], NULL,
					       &md[2], (dnnl_dims_t){ 1, 1 },
					       (dnnl_dims_t){ P, P },
					       (dnnl_dims_t){ P, P }) !=
	    dnnl_success)
		return -EIO;
	op->pd = kd_pd(&desc, NULL);
	return op->pd ? 0 : -EIO;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int kbench_run(struct taihu_mbox_kernel_bench *b)
{
	uint64_t times[TAIHU_KBENCH_MAX_ITERATIONS];
	struct kb_op op;
	struct kd_arg args[3];
	uint32_t i;
	int ret;

	if (b->reserved || !b->iterations || b->iterations > TAIHU_KBENCH_MAX_ITERATIONS ||
	    (b->dtype != TAIHU_DTYPE_FP32 && b->dtype != TAIHU_DTYPE_BF16 &&
	     b->dtype != TAIHU_DTYPE_INT8))
		return -EINVAL;
	memset(&op, 0, sizeof(op));
	if (b->kernel == TAIHU_KERNEL_GEMM) {
		for (i = 3; i < 8; i++)
			if (b->dims[i])
				return -EINVAL;
		ret = gemm_op(b, &op);
	} else if (b->kernel == TAIHU_KERNEL_CONV2D) {
		ret = conv_op(b, &op);
	} else {
		return -EINVAL;
	}
	for (i = 0; i < 3; i++) {
		args[i].arg = op.args[i];
		args[i].v = &op.v[i];
	}
	/* One untimed run: oneDNN's JIT and the primitive cache warm up. */
	if (!ret && kd_execute(op.pd, args, 3))
		ret = -EIO;
	for (i = 0; !ret && i < b->iterations; i++) {
		uint64_t t0 = card_clock_ns();

		if (kd_execute(op.pd, args, 3))
			ret = -EIO;
		times[i] = card_clock_ns() - t0;
	}
	if (!ret) {
		qsort(times, b->iterations, sizeof(times[0]), cmp_u64);
		b->ns = times[b->iterations / 2];
	}
	if (op.pd)
		dnnl_primitive_desc_destroy(op.pd);
	for (i = 0; i < 3; i++)
		free(op.v[i].p);
	return ret;
}
