// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Row walks (rows.h).
 */
#include "rows.h"

void krows_init(struct krows *r, unsigned int rank, const uint32_t *shape,
		const struct taihu_tensor_desc *const *d, unsigned int n)
{
	unsigned int i;

	memset(r, 0, sizeof(*r));
	r->len = rank ? shape[rank - 1] : 1;
	kwalk_init(&r->w, rank ? rank - 1 : 0, shape);
	for (i = 0; i < n; i++) {
		/* The tensor without its last dimension lines up with the outer dimensions. */
		struct taihu_tensor_desc outer = *d[i];

		if (outer.rank) {
			unsigned int last = outer.rank - 1;

			r->st[i] = outer.shape[last] == 1 ? 0 : outer.strides[last];
			outer.rank--;
		}
		kwalk_add(&r->w, &outer);
	}
}
