// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Row walks (rows.h).
 */
#include <string.h>

#include "rows.h"
#include "scratch.h"

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

/*
 * @n elements of a row of @t at offset @off, stride @st, as fp32 into
 * @buf; returns the row itself when it is fp32 and unit-stride.
 */
const float *krow_load(const struct ktensor *t, uint64_t off, int64_t st, uint32_t n,
			    float *buf)
{
	uint32_t j;

	if (st == 1) {
		switch (kt_dtype(t)) {
		case TAIHU_DTYPE_FP32:
			return (const float *)t->p + off;
		case TAIHU_DTYPE_FP16:
			kt_f16_to_f32_n((const uint16_t *)t->p + off, buf, n);
			return buf;
		case TAIHU_DTYPE_BF16:
			kt_bf16_to_f32_n((const uint16_t *)t->p + off, buf, n);
			return buf;
		}
	}
	if (st == 0) {
		float v = kt_load(t, off, 0);

		for (j = 0; j < n; j++)
			buf[j] = v;
		return buf;
	}
	for (j = 0; j < n; j++)
		buf[j] = kt_load(t, off + (uint64_t)j * st, 0);
	return buf;
}

/* Where a row of fp32 results goes: Y itself when fp32 and unit-stride, else @buf. */
float *krow_dst(const struct ktensor *t, uint64_t off, int64_t st, float *buf)
{
	return st == 1 && kt_dtype(t) == TAIHU_DTYPE_FP32 ? (float *)t->p + off : buf;
}

void krow_store(const struct ktensor *t, uint64_t off, int64_t st, uint32_t n, const float *v)
{
	uint32_t j;

	if (st == 1) {
		switch (kt_dtype(t)) {
		case TAIHU_DTYPE_FP32:
			if ((const float *)t->p + off != v)
				memcpy((float *)t->p + off, v, n * sizeof(float));
			return;
		case TAIHU_DTYPE_FP16:
			kt_f32_to_f16_n(v, (uint16_t *)t->p + off, n);
			return;
		case TAIHU_DTYPE_BF16:
			kt_f32_to_bf16_n(v, (uint16_t *)t->p + off, n);
			return;
		}
	}
	for (j = 0; j < n; j++)
		kt_store(t, off + (uint64_t)j * st, v[j], 0);
}

/*
 * The activation over a row in place: the cheap ones in loops that
 * vectorise, the others element by element through kact() itself.
 */
void kact_row(const struct taihu_act *a, float *v, uint32_t n)
{
	const float al = a->alpha, be = a->beta;
	uint32_t j;

	switch (a->op) {
	case TAIHU_ACT_NONE:
		return;
	case TAIHU_ACT_RELU:
		/*
		 * Negative values cleared by a bit mask, not a select: GCC -O2
		 * makes the select a branch, which mispredicts on mixed signs
		 * (8x slower). Same bits as kact(): -0 and NaN kept.
		 */
		for (j = 0; j < n; j++) {
			uint32_t b;

			memcpy(&b, &v[j], sizeof(b));
			b &= -(uint32_t)!(v[j] < 0.0f);
			memcpy(&v[j], &b, sizeof(b));
		}
		return;
	case TAIHU_ACT_LEAKY_RELU:
		/* The same by masks: kact()'s bits, NaN kept. */
		for (j = 0; j < n; j++) {
			float s = al * v[j];
			uint32_t b, bs, m = -(uint32_t)(v[j] < 0.0f);

			memcpy(&b, &v[j], sizeof(b));
			memcpy(&bs, &s, sizeof(bs));
			b = (b & ~m) | (bs & m);
			memcpy(&v[j], &b, sizeof(b));
		}
		return;
	case TAIHU_ACT_CLIP: {
		/* v < lo ? lo : v > hi ? hi : v by masks (NaN kept, lo wins over hi). */
		uint32_t blo, bhi;

		memcpy(&blo, &al, sizeof(blo));
		memcpy(&bhi, &be, sizeof(bhi));
		for (j = 0; j < n; j++) {
			uint32_t b, mlo = -(uint32_t)(v[j] < al), mhi = -(uint32_t)(v[j] > be);

			memcpy(&b, &v[j], sizeof(b));
			b = (b & ~mhi) | (bhi & mhi);
			b = (b & ~mlo) | (blo & mlo);
			memcpy(&v[j], &b, sizeof(b));
		}
		return;
	}
	case TAIHU_ACT_NEG:
		for (j = 0; j < n; j++)
			v[j] = -v[j];
		return;
	default:
		for (j = 0; j < n; j++)
			v[j] = kact(a, v[j]);
	}
}

int kt_to_f32_dense(struct kexec *x, const struct ktensor *t, float **out)
{
	const struct taihu_tensor_desc *d[1] = { t->d };
	float *dst = kscratch_get(x, kt_count(t->d->shape, t->d->rank) * sizeof(float));
	struct krows r;
	size_t j = 0;

	if (!dst)
		return KERNEL_FAILED;
	krows_init(&r, t->d->rank, t->d->shape, d, 1);
	do {
		const float *v = krow_load(t, r.w.off[0], r.st[0], r.len, dst + j);

		if (v != dst + j)
			memcpy(dst + j, v, r.len * sizeof(float));
		j += r.len;
	} while (krows_next(&r));
	*out = dst;
	return KERNEL_OK;
}

void kt_from_f32_dense(const struct ktensor *y, float *src, const struct taihu_act *act)
{
	const struct taihu_tensor_desc *d[1] = { y->d };
	struct krows r;
	size_t j = 0;

	krows_init(&r, y->d->rank, y->d->shape, d, 1);
	do {
		if (act)
			kact_row(act, src + j, r.len);
		krow_store(y, r.w.off[0], r.st[0], r.len, src + j);
		j += r.len;
	} while (krows_next(&r));
}
