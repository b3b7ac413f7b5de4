// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Element numerics and index walks (tensor.h).
 */
#include <math.h>
#include <stdbool.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "tensor.h"

float kt_f16_to_f32(uint16_t h)
{
	uint32_t sign = (uint32_t)(h & 0x8000) << 16, exp = (h >> 10) & 0x1f, man = h & 0x3ff;
	uint32_t u;
	float f;

	if (exp == 0x1f) {
		u = sign | 0x7f800000u | (man << 13) | (man ? 0x400000u : 0);
	} else if (exp) {
		u = sign | ((exp + 112) << 23) | (man << 13);
	} else {
		/* Subnormal (or zero): man * 2^-24, exact in fp32. */
		f = (float)man * 0x1p-24f;
		return sign ? -f : f;
	}
	memcpy(&f, &u, sizeof(f));
	return f;
}

uint16_t kt_f32_to_f16(float f)
{
	uint32_t u, sign, exp, man;
	uint16_t h;

	memcpy(&u, &f, sizeof(u));
	sign = (u >> 16) & 0x8000;
	exp = (u >> 23) & 0xff;
	man = u & 0x7fffff;
	if (exp == 0xff)
		return (uint16_t)(sign | 0x7c00 | (man ? 0x200 | (man >> 13) : 0));
	if (exp > 142)		/* 2^16 and above: beyond 65504 after rounding */
		return (uint16_t)(sign | 0x7c00);
	if (exp >= 113) {
		/* Normal: round the 13 dropped bits to nearest even. */
		uint32_t v = ((exp - 112) << 10) | (man >> 13);
		uint32_t rest = man & 0x1fff;

		if (rest > 0x1000 || (rest == 0x1000 && (v & 1)))
			v++;		/* may carry into the exponent, up to Inf: correct */
		return (uint16_t)(sign | v);
	}
	if (exp < 102)		/* below half the smallest subnormal */
		return (uint16_t)sign;
	{
		/* Subnormal: the value in units of 2^-24, rounded to nearest even. */
		uint32_t full = man | 0x800000;
		unsigned int shift = 126 - exp;	/* 14..24 */
		uint32_t v = full >> shift, rest = full & ((1u << shift) - 1), half = 1u << (shift - 1);

		if (rest > half || (rest == half && (v & 1)))
			v++;
		h = (uint16_t)(sign | v);
	}
	return h;
}

int32_t kq_f32_to_i32(float x)
{
	if (x != x)
		return 0;
	if (x >= 2147483648.0f)
		return INT32_MAX;
	if (x < -2147483648.0f)
		return INT32_MIN;
	return (int32_t)rintf(x);
}

uint64_t kt_offset(const struct taihu_tensor_desc *d, const uint32_t *idx, unsigned int rank)
{
	uint64_t off = 0;
	unsigned int j;

	for (j = 0; j < d->rank; j++)
		if (d->shape[j] != 1)
			off += (uint64_t)idx[rank - d->rank + j] * (uint64_t)d->strides[j];
	return off;
}

uint64_t kt_count(const uint32_t *shape, unsigned int n)
{
	uint64_t c = 1;
	unsigned int i;

	for (i = 0; i < n; i++)
		c *= shape[i];
	return c;
}

void kwalk_init(struct kwalk *w, unsigned int rank, const uint32_t *shape)
{
	memset(w, 0, sizeof(*w));
	w->rank = rank;
	memcpy(w->shape, shape, rank * sizeof(shape[0]));
}

unsigned int kwalk_add(struct kwalk *w, const struct taihu_tensor_desc *d)
{
	unsigned int n = w->n++, j;

	for (j = 0; j < d->rank; j++)
		w->st[n][w->rank - d->rank + j] = d->shape[j] == 1 ? 0 : d->strides[j];
	return n;
}

bool kwalk_next(struct kwalk *w)
{
	unsigned int i, t;

	for (i = w->rank; i-- > 0;) {
		for (t = 0; t < w->n; t++)
			w->off[t] += (uint64_t)w->st[t][i];
		if (++w->idx[i] < w->shape[i])
			return true;
		for (t = 0; t < w->n; t++)
			w->off[t] -= (uint64_t)w->st[t][i] * w->shape[i];
		w->idx[i] = 0;
	}
	return false;
}

void kt_broadcast_copy(const struct ktensor *src, const struct ktensor *dst)
{
	struct kwalk w;
	unsigned int is, id;

	kwalk_init(&w, dst->d->rank, dst->d->shape);
	is = kwalk_add(&w, src->d);
	id = kwalk_add(&w, dst->d);
	do
		kt_store(dst, w.off[id], kt_load(src, w.off[is], 0), 0);
	while (kwalk_next(&w));
}

void kt_window_taps(uint32_t o, uint32_t s, uint32_t d, uint32_t pad, uint32_t len, uint32_t k,
		    uint32_t *lo, uint32_t *hi)
{
	int64_t base = (int64_t)o * s - pad, a = 0, b;

	if (base < 0)
		a = (-base + d - 1) / d;
	b = base > (int64_t)len - 1 ? 0 : ((int64_t)len - 1 - base) / d + 1;
	if (b > k)
		b = k;
	*lo = (uint32_t)(a < k ? a : k);
	*hi = (uint32_t)(b > a ? b : *lo);
}

float kact(const struct taihu_act *a, float x)
{
	switch (a->op) {
	case TAIHU_ACT_RELU:
		return x < 0.0f ? 0.0f : x;
	case TAIHU_ACT_LEAKY_RELU:
		return x < 0.0f ? a->alpha * x : x;
	case TAIHU_ACT_CLIP:
		return x < a->alpha ? a->alpha : x > a->beta ? a->beta : x;
	case TAIHU_ACT_GELU_ERF:
		return 0.5f * x * (1.0f + erff(x * 0.70710678118654752f));
	case TAIHU_ACT_GELU_TANH:
		return 0.5f * x * (1.0f + tanhf(0.79788456080286536f * (x + 0.044715f * x * x * x)));
	case TAIHU_ACT_SILU:
		return x / (1.0f + expf(-x));
	case TAIHU_ACT_SIGMOID:
		return 1.0f / (1.0f + expf(-x));
	case TAIHU_ACT_TANH:
		return tanhf(x);
	case TAIHU_ACT_EXP:
		return expf(x);
	case TAIHU_ACT_SQRT:
		return sqrtf(x);
	case TAIHU_ACT_RECIPROCAL:
		return 1.0f / x;
	case TAIHU_ACT_ABS:
		return fabsf(x);
	case TAIHU_ACT_NEG:
		return -x;
	case TAIHU_ACT_LOG:
		return logf(x);
	case TAIHU_ACT_ERF:
		return erff(x);
	default:
		return x;
	}
}

/* ---- bulk conversions --------------------------------------------------- */

#if defined(__x86_64__)
static bool have_f16c(void)
{
	static int have = -1;

	if (have < 0)
		have = __builtin_cpu_supports("avx2");	/* every AVX2 CPU has F16C */
	return have;
}

__attribute__((target("avx,f16c")))
static size_t f16_to_f32_f16c(const uint16_t *src, float *dst, size_t n)
{
	size_t i;

	for (i = 0; i + 8 <= n; i += 8)
		_mm256_storeu_ps(dst + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(src + i))));
	return i;
}

__attribute__((target("avx,f16c")))
static size_t f32_to_f16_f16c(const float *src, uint16_t *dst, size_t n)
{
	size_t i;

	for (i = 0; i + 8 <= n; i += 8)
		_mm_storeu_si128((__m128i *)(dst + i),
				 _mm256_cvtps_ph(_mm256_loadu_ps(src + i), _MM_FROUND_TO_NEAREST_INT));
	return i;
}
#endif

void kt_f16_to_f32_n(const uint16_t *src, float *dst, size_t n)
{
	size_t i = 0;

#if defined(__x86_64__)
	if (have_f16c())
		i = f16_to_f32_f16c(src, dst, n);
#endif
	for (; i < n; i++)
		dst[i] = kt_f16_to_f32(src[i]);
}

void kt_f32_to_f16_n(const float *src, uint16_t *dst, size_t n)
{
	size_t i = 0;

#if defined(__x86_64__)
	if (have_f16c())
		i = f32_to_f16_f16c(src, dst, n);
#endif
	for (; i < n; i++)
		dst[i] = kt_f32_to_f16(src[i]);
}

void kt_bf16_to_f32_n(const uint16_t *src, float *dst, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		dst[i] = kt_bf16_to_f32(src[i]);
}

void kt_f32_to_bf16_n(const float *src, uint16_t *dst, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		dst[i] = kt_f32_to_bf16(src[i]);
}
