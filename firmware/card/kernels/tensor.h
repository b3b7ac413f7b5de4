/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Elements of tensors: dtype conversions, quantisation, element access by
 * offset and walks over index spaces. These functions are the numerics of
 * the reference implementation; fast paths that compute the same thing in
 * bulk (convert.c's vectorised conversions, the int8 epilogues) call the
 * inline ones here or are tested bit-exact against them.
 */
#ifndef TAIHU_CARD_KERNELS_TENSOR_H
#define TAIHU_CARD_KERNELS_TENSOR_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "kernel.h"

/* ---- fp16 and bf16 ------------------------------------------------------ */

float kt_f16_to_f32(uint16_t h);
/* Round to nearest even; beyond the range +-Inf; NaN stays a (quiet) NaN. */
uint16_t kt_f32_to_f16(float f);

static inline float kt_bf16_to_f32(uint16_t b)
{
	uint32_t u = (uint32_t)b << 16;
	float f;

	memcpy(&f, &u, sizeof(f));
	return f;
}

/* Round to nearest even; NaN stays a quiet NaN of the same sign. */
static inline uint16_t kt_f32_to_bf16(float f)
{
	uint32_t u;

	memcpy(&u, &f, sizeof(u));
	if ((u & 0x7fffffffu) > 0x7f800000u)
		return (uint16_t)((u >> 16) | 0x40);
	u += 0x7fffu + ((u >> 16) & 1);
	return (uint16_t)(u >> 16);
}

/* ---- quantisation ------------------------------------------------------- */

/*
 * Round half to even for |v| < 2^22 (callers clamp first): adding and
 * subtracting 1.5 * 2^23 leaves the integer nearest to v, ties to even,
 * in the default rounding mode, with no library call, so that the same
 * expression vectorises.
 */
static inline float kq_rne(float v)
{
	const float magic = 12582912.0f;

	return (v + magic) - magic;
}

static inline int32_t kq_min(unsigned int dtype)
{
	return dtype == TAIHU_DTYPE_INT8 ? -128 : 0;
}

static inline int32_t kq_max(unsigned int dtype)
{
	return dtype == TAIHU_DTYPE_INT8 ? 127 : 255;
}

/*
 * q = clamp(rne(x / scale) + zp) to the range of @dtype (INT8 or UINT8);
 * NaN gives zp. The clamp of x / scale to +-1024 first changes nothing:
 * anything beyond saturates anyway.
 */
static inline int32_t kq_quantize(float x, float scale, int32_t zp, unsigned int dtype)
{
	float v = x / scale, r;

	if (v != v)
		return zp;
	v = v < -1024.0f ? -1024.0f : v > 1024.0f ? 1024.0f : v;
	r = kq_rne(v) + (float)zp;
	if (r < (float)kq_min(dtype))
		return kq_min(dtype);
	if (r > (float)kq_max(dtype))
		return kq_max(dtype);
	return (int32_t)r;
}

/* Float to INT32 (CAST): rne, saturating; NaN gives 0. */
int32_t kq_f32_to_i32(float x);

/* ---- element access ----------------------------------------------------- */

static inline unsigned int kt_dtype(const struct ktensor *t)
{
	return t->d->dtype;
}

/* Scale and zero point of channel @ch (any @ch for per-tensor; 1 and 0 unquantised). */
static inline float kt_scale(const struct ktensor *t, uint32_t ch)
{
	if (t->d->quant == TAIHU_QUANT_TENSOR)
		return t->d->scale;
	if (t->d->quant == TAIHU_QUANT_CHANNEL)
		return t->ch_scale[ch];
	return 1.0f;
}

static inline int32_t kt_zp(const struct ktensor *t, uint32_t ch)
{
	if (t->d->quant == TAIHU_QUANT_TENSOR)
		return t->d->zero_point;
	if (t->d->quant == TAIHU_QUANT_CHANNEL && t->ch_zp)
		return t->ch_zp[ch];
	return 0;
}

/* The raw integer at element offset @off of an INT8, UINT8 or INT32 tensor. */
static inline int32_t kt_load_int(const struct ktensor *t, uint64_t off)
{
	switch (kt_dtype(t)) {
	case TAIHU_DTYPE_INT8:
		return ((const int8_t *)t->p)[off];
	case TAIHU_DTYPE_UINT8:
		return t->p[off];
	default: {
		int32_t v;

		memcpy(&v, t->p + off * 4, 4);
		return v;
	}
	}
}

/*
 * The value at element offset @off as fp32: float dtypes widened, INT32
 * converted, quantised dtypes dequantised with channel @ch's parameters:
 * scale * (q - zp), in fp32.
 */
static inline float kt_load(const struct ktensor *t, uint64_t off, uint32_t ch)
{
	uint16_t h;
	float f;

	switch (kt_dtype(t)) {
	case TAIHU_DTYPE_FP32:
		memcpy(&f, t->p + off * 4, 4);
		return f;
	case TAIHU_DTYPE_FP16:
		memcpy(&h, t->p + off * 2, 2);
		return kt_f16_to_f32(h);
	case TAIHU_DTYPE_BF16:
		memcpy(&h, t->p + off * 2, 2);
		return kt_bf16_to_f32(h);
	case TAIHU_DTYPE_INT32:
		return (float)kt_load_int(t, off);
	default:
		return kt_scale(t, ch) * (float)(kt_load_int(t, off) - kt_zp(t, ch));
	}
}

/* Store @v at element offset @off: rounded, quantised with channel @ch's parameters. */
static inline void kt_store(const struct ktensor *t, uint64_t off, float v, uint32_t ch)
{
	uint16_t h;
	int32_t i;

	switch (kt_dtype(t)) {
	case TAIHU_DTYPE_FP32:
		memcpy(t->p + off * 4, &v, 4);
		break;
	case TAIHU_DTYPE_FP16:
		h = kt_f32_to_f16(v);
		memcpy(t->p + off * 2, &h, 2);
		break;
	case TAIHU_DTYPE_BF16:
		h = kt_f32_to_bf16(v);
		memcpy(t->p + off * 2, &h, 2);
		break;
	case TAIHU_DTYPE_INT32:
		i = kq_f32_to_i32(v);
		memcpy(t->p + off * 4, &i, 4);
		break;
	case TAIHU_DTYPE_INT8:
		((int8_t *)t->p)[off] = (int8_t)kq_quantize(v, kt_scale(t, ch), kt_zp(t, ch),
							   TAIHU_DTYPE_INT8);
		break;
	default:
		t->p[off] = (uint8_t)kq_quantize(v, kt_scale(t, ch), kt_zp(t, ch),
						 TAIHU_DTYPE_UINT8);
		break;
	}
}

/* Store a raw INT32 value. */
static inline void kt_store_int32(const struct ktensor *t, uint64_t off, int32_t v)
{
	memcpy(t->p + off * 4, &v, 4);
}

/* Offset of element @idx (of a rank-@rank index space) in a tensor broadcast to it. */
uint64_t kt_offset(const struct taihu_tensor_desc *d, const uint32_t *idx, unsigned int rank);

/* ---- walks over an index space ------------------------------------------ */

#define KWALK_MAX	8

/*
 * Visits every index of a shape in row-major order and keeps, for each
 * tensor added, the element offset of that index (right-aligned
 * broadcasting: a dimension of 1 or a missing one does not move).
 */
struct kwalk {
	unsigned int rank, n;
	uint32_t shape[TAIHU_MAX_RANK];
	uint32_t idx[TAIHU_MAX_RANK];
	int64_t st[KWALK_MAX][TAIHU_MAX_RANK];
	uint64_t off[KWALK_MAX];
};

void kwalk_init(struct kwalk *w, unsigned int rank, const uint32_t *shape);
/* Add a tensor; returns its slot in w->off. */
unsigned int kwalk_add(struct kwalk *w, const struct taihu_tensor_desc *d);
/* Step to the next index; false after the last. */
bool kwalk_next(struct kwalk *w);

/* Copy @src broadcast to @dst's shape, converting dtypes (kt_load / kt_store). */
void kt_broadcast_copy(const struct ktensor *src, const struct ktensor *dst);

/* Product of @n dimensions. */
uint64_t kt_count(const uint32_t *shape, unsigned int n);

/* ---- windows (CONV2D, POOL2D) ------------------------------------------- */

/*
 * The taps [*lo, *hi) of a window of @k taps (dilation @d) at output
 * position @o (stride @s, padding @pad before) that fall inside an input
 * of @len: tap t reads input o * s + t * d - pad. @s and @d at least 1.
 */
void kt_window_taps(uint32_t o, uint32_t s, uint32_t d, uint32_t pad, uint32_t len, uint32_t k,
		    uint32_t *lo, uint32_t *hi);

/* ---- activations -------------------------------------------------------- */

/* The element-wise function of @a at @x, in fp32 (taihu_cmdstream.h). */
float kact(const struct taihu_act *a, float x);

/* ---- bulk conversions (used by fast paths and staging) ------------------ */

/* @n elements of a dense fp16 / bf16 array to fp32 and back, as kt_*. */
void kt_f16_to_f32_n(const uint16_t *src, float *dst, size_t n);
void kt_f32_to_f16_n(const float *src, uint16_t *dst, size_t n);
void kt_bf16_to_f32_n(const uint16_t *src, float *dst, size_t n);
void kt_f32_to_bf16_n(const float *src, uint16_t *dst, size_t n);

#endif /* TAIHU_CARD_KERNELS_TENSOR_H */
