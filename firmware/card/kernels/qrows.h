/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The int8 epilogue of GEMM and CONV2D in bulk: int32 accumulators of an
 * output row scaled, a float addend and the activation applied, stored in
 * Y's dtype, with the reference's expressions (gemm_qepilogue(),
 * conv_qstore()) in the same order, so that the result is bit-exact with
 * it; vectorised where the compiler can.
 */
#ifndef TAIHU_CARD_KERNELS_QROWS_H
#define TAIHU_CARD_KERNELS_QROWS_H

#include "tensor.h"

/* The output side of an int8 epilogue. */
struct kq_epilogue {
	const struct ktensor *y;	/* FP32, INT32, or INT8/UINT8 (channel 0's parameters) */
	const struct taihu_act *act;
	const struct ktensor *add;	/* an FP32 addend, or NULL */
	float beta;			/* its factor */
};

/*
 * Row of @n accumulators @acc to Y at element offset @yoff, stride @ys:
 * y[j] = act(m[j * ms] * (float)acc[j] + beta * add[aoff + j * as]); an
 * INT32 Y receives acc[j] itself. A stride of 0 repeats one value.
 */
void kq_epilogue_row(const struct kq_epilogue *e, const int32_t *acc, uint32_t n, const float *m,
		     int64_t ms, uint64_t aoff, int64_t as, uint64_t yoff, int64_t ys);

#endif /* TAIHU_CARD_KERNELS_QROWS_H */
