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

#endif /* TAIHU_CARD_KERNELS_ROWS_H */
