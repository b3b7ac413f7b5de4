/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Walks over an index space one innermost row at a time: the element-wise
 * kernels, pooling and the conversions loop over a row with a fixed
 * stride per tensor (0 where it broadcasts), which the compiler can
 * vectorise, and look at the abort flag between rows.
 */
#ifndef TAIHU_CARD_KERNELS_ROWS_H
#define TAIHU_CARD_KERNELS_ROWS_H

#include "tensor.h"

struct krows {
	struct kwalk w;		/* over every dimension but the last */
	uint32_t len;		/* elements of a row (1 for a scalar) */
	int64_t st[KWALK_MAX];	/* each tensor's stride along the row */
};

/*
 * Rows of a rank-@rank index space of @shape; each of the @n tensors @d
 * is broadcast to it (right-aligned, as kwalk_add()). Row offsets are in
 * r->w.off[i] for tensor i.
 */
void krows_init(struct krows *r, unsigned int rank, const uint32_t *shape,
		const struct taihu_tensor_desc *const *d, unsigned int n);

/* Step to the next row; false after the last. */
static inline bool krows_next(struct krows *r)
{
	return kwalk_next(&r->w);
}

/* ---- rows as fp32 (the fast paths' loops) ------------------------------ */

/*
 * @n elements of a row of @t at element offset @off, stride @st, as fp32
 * (kt_load()) into @buf; returns the row itself when it is fp32 with unit
 * stride.
 */
const float *krow_load(const struct ktensor *t, uint64_t off, int64_t st, uint32_t n,
		       float *buf);
/* Where a row of fp32 results goes: the row of @t when fp32 and unit-stride, else @buf. */
float *krow_dst(const struct ktensor *t, uint64_t off, int64_t st, float *buf);
/* Store @n fp32 values into a row of @t (kt_store(); a no-op onto itself). */
void krow_store(const struct ktensor *t, uint64_t off, int64_t st, uint32_t n, const float *v);

/*
 * The activation over @n values in place, with kact()'s results: the
 * cheap ones in loops that vectorise, the others through kact().
 */
void kact_row(const struct taihu_act *a, float *v, uint32_t n);

/* A dense row-major fp32 copy of @t in scratch memory (KERNEL_OK or KERNEL_FAILED). */
int kt_to_f32_dense(struct kexec *x, const struct ktensor *t, float **out);
/* Store dense row-major fp32 values into @y, the activation (if not NULL) applied first, in @src. */
void kt_from_f32_dense(const struct ktensor *y, float *src, const struct taihu_act *act);

#endif /* TAIHU_CARD_KERNELS_ROWS_H */
