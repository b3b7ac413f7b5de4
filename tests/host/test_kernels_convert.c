// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * TRANSPOSE and CAST on the host: transposes of every rank up to six
 * against direct indexing, strided and broadcast sources, requantising and
 * per-channel transposes; casts between every pair of dtypes, fast path
 * against the reference bit for bit, the rounding and saturation of
 * quantisation and of float-to-int32 by hand; and the packet checks.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "kcheck.h"
#include "kernels/tensor.h"
#include "ktest.h"
#include "tap.h"

static const unsigned int all_dtypes[] = { TAIHU_DTYPE_FP32, TAIHU_DTYPE_FP16, TAIHU_DTYPE_BF16,
					   TAIHU_DTYPE_INT8, TAIHU_DTYPE_UINT8, TAIHU_DTYPE_INT32 };

static void quantise_like(struct kbuf *b, float scale, int32_t zp)
{
	if (b->d.dtype == TAIHU_DTYPE_INT8 || b->d.dtype == TAIHU_DTYPE_UINT8)
		kb_quant(b, scale, b->d.dtype == TAIHU_DTYPE_INT8 ? zp : zp + 128);
}

/* Row-major index of Y element @i in X, for Y = X permuted by @perm. */
static uint64_t source_index(const struct kbuf *x, const uint8_t *perm, uint64_t i)
{
	uint32_t yidx[TAIHU_MAX_RANK], xidx[TAIHU_MAX_RANK];
	unsigned int r, rank = x->d.rank;
	uint64_t o = 0;

	for (r = rank; r-- > 0;) {
		uint32_t e = x->d.shape[perm[r]];

		yidx[r] = (uint32_t)(i % e);
		i /= e;
	}
	for (r = 0; r < rank; r++)
		xidx[perm[r]] = yidx[r];
	for (r = 0; r < rank; r++)
		o = o * x->d.shape[r] + xidx[r];
	return o;
}

/* One transpose: fast path and reference bit-identical, and right by direct indexing. */
static bool run_transpose(unsigned int dt, unsigned int rank, const uint32_t *shape,
			  const uint8_t *perm, bool slice, bool broadcast, const char *what)
{
	struct taihu_transpose_params p = { .perm = { 0 } };
	struct kernel_counts before, after;
	struct kbuf x, y, yr;
	struct kbuf *t[2] = { &x, &y };
	uint32_t ys[TAIHU_MAX_RANK];
	uint64_t i, n;
	bool ok;
	int r1, r2;
	unsigned int r;

	for (r = 0; r < rank; r++) {
		p.perm[r] = perm[r];
		ys[r] = shape[perm[r]];
	}
	if (slice || broadcast) {
		int64_t st[TAIHU_MAX_RANK];

		for (r = rank; r-- > 0;)
			st[r] = r + 1 < rank ? st[r + 1] * shape[r + 1] * (slice && r + 2 == rank ? 2 : 1) :
					       (slice ? 3 : 1);
		if (broadcast)
			st[0] = 0;
		kb_view(&x, dt, rank, shape, st);
	} else {
		kb_dense(&x, dt, rank, shape);
	}
	kb_dense(&y, dt, rank, ys);
	quantise_like(&x, 0.1f, 3);
	quantise_like(&y, 0.1f, 3);
	kb_fill(&x, -100, 100);
	kb_like(&yr, &y);
	kernels_counts(&before);
	r1 = kt_run(TAIHU_KERNEL_TRANSPOSE, &p, sizeof(p), t, 1, 1, false);
	kernels_counts(&after);
	t[1] = &yr;
	r2 = kt_run(TAIHU_KERNEL_TRANSPOSE, &p, sizeof(p), t, 1, 1, true);
	ok = r1 == KERNEL_OK && r2 == KERNEL_OK && after.fast > before.fast &&
	     kb_close(&y, &yr, 0, 0, true, what);
	n = kb_elems(&y);
	for (i = 0; ok && i < n; i++) {
		float a = kb_get(&y, i), b = kb_get(&x, source_index(&x, perm, i));

		if (a != b && !(isnan(a) && isnan(b))) {
			tap_diag("%s: element %llu: %g, X has %g", what, (unsigned long long)i, a, b);
			ok = false;
		}
	}
	kb_free(&x);
	kb_free(&y);
	kb_free(&yr);
	return ok;
}

static void test_transpose(void)
{
	unsigned int rank, d, k;

	for (rank = 1; rank <= TAIHU_MAX_RANK; rank++)
		for (d = 0; d < 6; d++) {
			struct tap_check ck = { true };

			for (k = 0; k < 3; k++) {
				uint32_t shape[TAIHU_MAX_RANK];
				uint8_t perm[TAIHU_MAX_RANK];
				unsigned int r;
				char what[64];

				for (r = 0; r < rank; r++) {
					shape[r] = rank > 4 ? (uint32_t)kt_randi(1, 4) : (uint32_t)kt_randi(1, 13);
					perm[r] = (uint8_t)r;
				}
				for (r = rank; r-- > 1;) {	/* Fisher-Yates */
					unsigned int j = kt_rand() % (r + 1);
					uint8_t tmp = perm[r];

					perm[r] = perm[j];
					perm[j] = tmp;
				}
				snprintf(what, sizeof(what), "rank %u %s #%u", rank,
					 tk_dtype_name(all_dtypes[d]), k);
				if (!run_transpose(all_dtypes[d], rank, shape, perm, k == 1, k == 2, what))
					ck.ok = false;
			}
			tap_result(ck.ok, "transpose rank %u %s: random permutations of dense, sliced and broadcast X, fast path and reference exact",
				   rank, tk_dtype_name(all_dtypes[d]));
		}
	{
		static const uint32_t s[4] = { 1, 64, 56, 56 };
		static const uint8_t nhwc[4] = { 0, 2, 3, 1 };

		tap_result(run_transpose(TAIHU_DTYPE_FP32, 4, s, nhwc, false, false, "nchw->nhwc"),
			   "transpose 1x64x56x56 NCHW to NHWC (fp32)");
		tap_result(run_transpose(TAIHU_DTYPE_BF16, 4, s, nhwc, false, false, "nchw->nhwc"),
			   "transpose 1x64x56x56 NCHW to NHWC (bf16)");
	}
}

/* Int8 transposes that requantise, and a per-channel X whose channel axis moves. */
static void test_transpose_quant(void)
{
	static const uint32_t s[3] = { 3, 5, 7 };
	struct taihu_transpose_params p = { .perm = { 2, 0, 1 } };
	struct tap_check ck = { true };
	struct kbuf x, y, yr;
	struct kbuf *t[2] = { &x, &y };
	uint32_t ys[3] = { 7, 3, 5 };
	uint64_t i;

	kb_dense(&x, TAIHU_DTYPE_INT8, 3, s);
	kb_dense(&y, TAIHU_DTYPE_INT8, 3, ys);
	kb_quant(&x, 0.1f, 3);
	kb_quant(&y, 0.07f, -9);
	kb_fill(&x, 0, 0);
	kb_like(&yr, &y);
	CHECK_EQ(&ck, kt_run(TAIHU_KERNEL_TRANSPOSE, &p, sizeof(p), t, 1, 1, false), KERNEL_OK);
	t[1] = &yr;
	CHECK_EQ(&ck, kt_run(TAIHU_KERNEL_TRANSPOSE, &p, sizeof(p), t, 1, 1, true), KERNEL_OK);
	CHECK(&ck, kb_close(&y, &yr, 0, 0, true, "requantised"));
	for (i = 0; i < 105; i++) {
		float v = kb_get(&x, source_index(&x, p.perm, i));

		CHECK_EQ(&ck, ((int8_t *)yr.mem)[i], kq_quantize(v, 0.07f, -9, TAIHU_DTYPE_INT8));
	}
	kb_free(&x);
	kb_free(&yr);
	/* Per-channel X along axis 1 (5 channels): Y's axis 2 carries them. */
	kb_dense(&x, TAIHU_DTYPE_INT8, 3, s);
	kb_quant_channels(&x, 1, 0.05f, 0.2f, true);
	kb_fill(&x, 0, 0);
	y.d.quant = TAIHU_QUANT_NONE;
	y.d.scale = 0;
	y.d.zero_point = 0;
	y.d.dtype = TAIHU_DTYPE_FP32;
	kb_free(&y);
	kb_dense(&y, TAIHU_DTYPE_FP32, 3, ys);
	t[1] = &y;
	CHECK_EQ(&ck, kt_run(TAIHU_KERNEL_TRANSPOSE, &p, sizeof(p), t, 1, 1, false), -100);
	kb_free(&y);
	tap_result(ck.ok, "transpose int8 requantises to Y's parameters (both paths); a dtype change is refused");
	{
		struct tap_check c2 = { true };

		kb_dense(&y, TAIHU_DTYPE_INT8, 3, ys);
		kb_quant_channels(&y, 2, 0.05f, 0.2f, true);
		memcpy(y.ch_scale, x.ch_scale, 5 * sizeof(float));
		memcpy(y.ch_zp, x.ch_zp, 5 * sizeof(int32_t));
		kb_like(&yr, &y);
		CHECK_EQ(&c2, kt_run(TAIHU_KERNEL_TRANSPOSE, &p, sizeof(p), t, 1, 1, false), KERNEL_OK);
		t[1] = &yr;
		CHECK_EQ(&c2, kt_run(TAIHU_KERNEL_TRANSPOSE, &p, sizeof(p), t, 1, 1, true), KERNEL_OK);
		CHECK(&c2, kb_close(&y, &yr, 0, 0, true, "per channel"));
		for (i = 0; i < 105; i++)
			CHECK(&c2, kb_get(&yr, i) == kb_get(&x, source_index(&x, p.perm, i)));
		tap_result(c2.ok, "transpose of a per-channel int8 X: the channel axis moves with its parameters");
		kb_free(&y);
		kb_free(&yr);
	}
	kb_free(&x);
}

/* Every pair of dtypes: fast path and reference bit for bit, on a strided odd shape. */
static void test_cast_pairs(void)
{
	static const uint32_t s[3] = { 5, 7, 33 };
	const int64_t st[3] = { 7 * 40, 40, 1 };
	unsigned int a, b;

	for (a = 0; a < 6; a++)
		for (b = 0; b < 6; b++) {
			struct taihu_cast_params p = { { 0 } };
			struct kernel_counts before, after;
			struct kbuf x, y, yr;
			struct kbuf *t[2] = { &x, &y };
			char what[64];
			bool ok;
			int r1, r2;

			kb_view(&x, all_dtypes[a], 3, s, st);
			kb_dense(&y, all_dtypes[b], 3, s);
			quantise_like(&x, 0.05f, -5);
			quantise_like(&y, 0.03f, 7);
			kb_fill(&x, all_dtypes[a] == TAIHU_DTYPE_INT32 ? -400 : -5,
				all_dtypes[a] == TAIHU_DTYPE_INT32 ? 400 : 5);
			kb_like(&yr, &y);
			kernels_counts(&before);
			r1 = kt_run(TAIHU_KERNEL_CAST, &p, sizeof(p), t, 1, 1, false);
			kernels_counts(&after);
			t[1] = &yr;
			r2 = kt_run(TAIHU_KERNEL_CAST, &p, sizeof(p), t, 1, 1, true);
			snprintf(what, sizeof(what), "%s->%s", tk_dtype_name(all_dtypes[a]),
				 tk_dtype_name(all_dtypes[b]));
			ok = r1 == KERNEL_OK && r2 == KERNEL_OK && after.fast > before.fast &&
			     kb_close(&y, &yr, 0, 0, true, what);
			tap_result(ok, "cast %s: fast path bit-exact with the reference", what);
			kb_free(&x);
			kb_free(&y);
			kb_free(&yr);
		}
}

/* Quantisation, dequantisation and float-to-int32 by hand. */
static void test_cast_values(void)
{
	static const float in[10] = { 0.5f, 1.5f, 2.5f, -0.5f, -1.5f, 300.0f, -300.0f, NAN,
				      126.5f, -127.5f };
	static const int8_t want_i8[10] = { 0, 2, 2, 0, -2, 127, -128, 0, 126, -128 };
	static const uint8_t want_u8[10] = { 10, 12, 12, 10, 8, 255, 0, 10, 136, 0 };
	static const float in32[6] = { 2.5f, 3.5f, -2.5f, 3e9f, -3e9f, NAN };
	static const int32_t want32[6] = { 2, 4, -2, INT32_MAX, INT32_MIN, 0 };
	struct taihu_cast_params p = { { 0 } };
	struct tap_check ck = { true };
	uint32_t s[1] = { 10 }, s6[1] = { 6 }, i, path;

	for (path = 0; path < 2; path++) {
		struct kbuf x, y8, yu, x32, y32, back;
		struct kbuf *t[2] = { &x, &y8 };

		kb_dense(&x, TAIHU_DTYPE_FP32, 1, s);
		kb_dense(&y8, TAIHU_DTYPE_INT8, 1, s);
		kb_dense(&yu, TAIHU_DTYPE_UINT8, 1, s);
		kb_dense(&back, TAIHU_DTYPE_FP32, 1, s);
		kb_quant(&y8, 1.0f, 0);
		kb_quant(&yu, 1.0f, 10);
		memcpy(x.mem, in, sizeof(in));
		CHECK_EQ(&ck, kt_run(TAIHU_KERNEL_CAST, &p, sizeof(p), t, 1, 1, path), KERNEL_OK);
		t[1] = &yu;
		CHECK_EQ(&ck, kt_run(TAIHU_KERNEL_CAST, &p, sizeof(p), t, 1, 1, path), KERNEL_OK);
		for (i = 0; i < 10; i++) {
			CHECK_EQ(&ck, ((int8_t *)y8.mem)[i], want_i8[i]);
			CHECK_EQ(&ck, yu.mem[i], want_u8[i]);
		}
		/* Dequantise: uint8 q -> 1.0 * (q - 10). */
		t[0] = &yu;
		t[1] = &back;
		CHECK_EQ(&ck, kt_run(TAIHU_KERNEL_CAST, &p, sizeof(p), t, 1, 1, path), KERNEL_OK);
		for (i = 0; i < 10; i++)
			CHECK(&ck, kb_get(&back, i) == (float)want_u8[i] - 10.0f);
		kb_dense(&x32, TAIHU_DTYPE_FP32, 1, s6);
		kb_dense(&y32, TAIHU_DTYPE_INT32, 1, s6);
		memcpy(x32.mem, in32, sizeof(in32));
		t[0] = &x32;
		t[1] = &y32;
		CHECK_EQ(&ck, kt_run(TAIHU_KERNEL_CAST, &p, sizeof(p), t, 1, 1, path), KERNEL_OK);
		for (i = 0; i < 6; i++)
			CHECK_EQ(&ck, ((int32_t *)y32.mem)[i], want32[i]);
		kb_free(&x);
		kb_free(&y8);
		kb_free(&yu);
		kb_free(&back);
		kb_free(&x32);
		kb_free(&y32);
	}
	tap_result(ck.ok, "cast: quantisation rounds half to even, saturates, NaN to the zero point; dequantisation; float to int32 rne and saturating (both paths)");
}

/* Per-channel quantisation (the reference on both paths) against kq_quantize() by hand. */
static void test_cast_channels(void)
{
	static const uint32_t s[2] = { 4, 6 };
	struct taihu_cast_params p = { { 0 } };
	struct tap_check ck = { true };
	struct kbuf x, y;
	struct kbuf *t[2] = { &x, &y };
	uint32_t i, j;

	kb_dense(&x, TAIHU_DTYPE_FP32, 2, s);
	kb_dense(&y, TAIHU_DTYPE_UINT8, 2, s);
	kb_quant_channels(&y, 1, 0.01f, 0.05f, true);
	kb_fill(&x, -3, 3);
	CHECK_EQ(&ck, kt_run(TAIHU_KERNEL_CAST, &p, sizeof(p), t, 1, 1, false), KERNEL_OK);
	for (i = 0; i < 4; i++)
		for (j = 0; j < 6; j++)
			CHECK_EQ(&ck, y.mem[i * 6 + j],
				 kq_quantize(kb_get(&x, i * 6 + j), y.ch_scale[j], y.ch_zp[j],
					     TAIHU_DTYPE_UINT8));
	tap_result(ck.ok, "cast fp32 to uint8 per channel (axis 1) uses each channel's scale and zero point");
	kb_free(&x);
	kb_free(&y);
}

static void test_convert_checks(void)
{
	static const uint32_t s[3] = { 2, 3, 4 }, ys[3] = { 4, 2, 3 };
	struct taihu_transpose_params p = { .perm = { 2, 0, 1 } };
	struct taihu_cast_params pc = { { 0 } };
	struct tap_check ck = { true };
	struct kbuf x, y;
	struct kbuf *t[2] = { &x, &y };

	kb_dense(&x, TAIHU_DTYPE_FP16, 3, s);
	kb_dense(&y, TAIHU_DTYPE_FP16, 3, ys);
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_TRANSPOSE, &p, sizeof(p), t, 1, 1), 0);
	p.perm[1] = 2;	/* not a permutation */
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_TRANSPOSE, &p, sizeof(p), t, 1, 1), TAIHU_REASON_PARAMS);
	p.perm[1] = 0;
	p.perm[4] = 1;	/* beyond the rank */
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_TRANSPOSE, &p, sizeof(p), t, 1, 1), TAIHU_REASON_PARAMS);
	p.perm[4] = 0;
	p.perm[0] = 1;
	p.perm[1] = 2;
	p.perm[2] = 0;	/* Y's shape is for (2, 0, 1) */
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_TRANSPOSE, &p, sizeof(p), t, 1, 1), TAIHU_REASON_SHAPE);
	p.perm[0] = 2;
	p.perm[1] = 0;
	p.perm[2] = 1;
	y.d.dtype = TAIHU_DTYPE_BF16;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_TRANSPOSE, &p, sizeof(p), t, 1, 1), TAIHU_REASON_DTYPE);
	/* CAST: any dtype pair, one shape. */
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_CAST, &pc, sizeof(pc), t, 1, 1), TAIHU_REASON_SHAPE);
	kb_free(&y);
	kb_dense(&y, TAIHU_DTYPE_INT32, 3, s);
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_CAST, &pc, sizeof(pc), t, 1, 1), 0);
	pc.reserved[1] = 1;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_CAST, &pc, sizeof(pc), t, 1, 1), TAIHU_REASON_PARAMS);
	pc.reserved[1] = 0;
	y.d.quant = TAIHU_QUANT_TENSOR;	/* an int32 tensor is never quantised */
	y.d.scale = 1.0f;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_CAST, &pc, sizeof(pc), t, 1, 1), TAIHU_REASON_QUANT);
	y.d.quant = 0;
	y.d.scale = 0;
	x.d.shape[2] = 0;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_CAST, &pc, sizeof(pc), t, 1, 1), TAIHU_REASON_ZERO_DIM);
	x.d.shape[2] = 4;
	x.d.strides[0] = -1;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_CAST, &pc, sizeof(pc), t, 1, 1), TAIHU_REASON_STRIDE);
	tap_result(ck.ok, "transpose/cast packet checks: permutation, perm beyond rank, shape, dtype, params, quant, zero dim, stride");
	kb_free(&x);
	kb_free(&y);
}

int main(void)
{
	tap_init("test_kernels_convert");
	kt_seed(20260505);
	test_transpose();
	test_transpose_quant();
	test_cast_pairs();
	test_cast_values();
	test_cast_channels();
	test_convert_checks();
	return tap_finish();
}
