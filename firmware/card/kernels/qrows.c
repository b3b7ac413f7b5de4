// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The int8 epilogue in bulk (qrows.h): a row is done in chunks that stay
 * in L1, each pass a loop the compiler vectorises.
 */
#ifndef KERNELS_REFERENCE_ONLY
/*
 * A float-to-int conversion may raise FE_INVALID, so by default GCC keeps
 * it behind the select and will not vectorise the loop; nothing here reads
 * the floating-point exception flags, and the results are the same.
 */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-trapping-math")
#endif
#include "kpar.h"
#include "qrows.h"

#define CHUNK	256

/*
 * kq_quantize() as selects, for vectorised loops: the same result (a NaN
 * is clamped like any value, then replaced by the zero point).
 */
static inline int32_t quantize_v(float x, float scale, int32_t zp, float lo, float hi)
{
	float v = x / scale, r;
	int32_t q;
	bool nan = v != v;

	v = v < -1024.0f ? -1024.0f : v;
	v = v > 1024.0f ? 1024.0f : v;
	v = nan ? 0.0f : v;
	r = kq_rne(v) + (float)zp;
	r = r < lo ? lo : r;
	r = r > hi ? hi : r;
	q = (int32_t)r;
	return nan ? zp : q;
}

/* @n values to an FP32, INT8 or UINT8 Y. */
static inline __attribute__((always_inline)) void
store_chunk(const struct kq_epilogue *e, const float *f, uint32_t n, uint8_t *yp, int64_t ys)
{
	const struct ktensor *y = e->y;
	const unsigned int dt = kt_dtype(y);
	uint32_t j;

	if (dt == TAIHU_DTYPE_FP32) {
		float *o = (float *)yp;

		KPAR_SIMD
		for (j = 0; j < n; j++)
			o[j * ys] = f[j];
	} else {	/* INT8, UINT8 */
		const float scale = kt_scale(y, 0), lo = (float)kq_min(dt), hi = (float)kq_max(dt);
		const int32_t zp = kt_zp(y, 0);

		if (dt == TAIHU_DTYPE_INT8) {
			int8_t *o = (int8_t *)yp;

			KPAR_SIMD
			for (j = 0; j < n; j++)
				o[j * ys] = (int8_t)quantize_v(f[j], scale, zp, lo, hi);
		} else {
			KPAR_SIMD
			for (j = 0; j < n; j++)
				yp[j * ys] = (uint8_t)quantize_v(f[j], scale, zp, lo, hi);
		}
	}
}

/* The row; inlined with constant strides so that unit strides vectorise as such. */
static inline __attribute__((always_inline)) void
epilogue_row(const struct kq_epilogue *e, const int32_t *acc, uint32_t n, const float *m,
	     int64_t ms, uint64_t aoff, int64_t as, uint64_t yoff, int64_t ys)
{
	const struct ktensor *y = e->y, *add = e->add;
	const unsigned int esz = tk_dtype_size(kt_dtype(y));
	float f[CHUNK];
	uint32_t j0, j, c;

	if (kt_dtype(y) == TAIHU_DTYPE_INT32) {
		int32_t *o = (int32_t *)y->p + yoff;

		KPAR_SIMD
		for (j = 0; j < n; j++)
			o[j * ys] = acc[j];
		return;
	}
	for (j0 = 0; j0 < n; j0 += c) {
		const float *mc = m + j0 * ms;

		c = n - j0 < CHUNK ? n - j0 : CHUNK;
		KPAR_SIMD
		for (j = 0; j < c; j++)
			f[j] = mc[j * ms] * (float)acc[j0 + j];
		if (add) {
			const float *ac = (const float *)add->p + aoff + j0 * as;

			KPAR_SIMD
			for (j = 0; j < c; j++)
				f[j] += e->beta * ac[j * as];
		}
		if (e->act->op == TAIHU_ACT_RELU) {
			KPAR_SIMD
			for (j = 0; j < c; j++)
				f[j] = f[j] < 0.0f ? 0.0f : f[j];	/* as kact() */
		} else if (e->act->op != TAIHU_ACT_NONE) {
			for (j = 0; j < c; j++)
				f[j] = kact(e->act, f[j]);
		}
		store_chunk(e, f, c, y->p + (yoff + (uint64_t)j0 * ys) * esz, ys);
	}
}
/* Wider vectors where the CPU has them (the same IEEE operations in each clone). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
void kq_epilogue_row(const struct kq_epilogue *e, const int32_t *acc, uint32_t n, const float *m,
		     int64_t ms, uint64_t aoff, int64_t as, uint64_t yoff, int64_t ys)
{
	const bool as_ok = !e->add || as == 1;

	if (ys == 1 && ms == 1 && as_ok)
		epilogue_row(e, acc, n, m, 1, aoff, 1, yoff, 1);	/* GEMM, dense rows */
	else if (ys == 1 && ms == 0 && (!e->add || as == 0))
		epilogue_row(e, acc, n, m, 0, aoff, 0, yoff, 1);	/* CONV2D planes */
	else
		epilogue_row(e, acc, n, m, ms, aoff, as, yoff, ys);
}
#endif /* KERNELS_REFERENCE_ONLY */
