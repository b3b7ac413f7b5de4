// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Host kernel test helpers (ktest.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdbuf.h"
#include "kcheck.h"
#include "kernels/kdnnl.h"
#include "kernels/kref.h"
#include "kernels/tensor.h"
#include "ktest.h"
#include "tap.h"

static uint32_t rng = 0x12345678u;

void kt_seed(uint32_t seed)
{
	rng = seed ? seed : 1;
}

uint32_t kt_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

float kt_randf(float lo, float hi)
{
	return lo + (hi - lo) * (float)(kt_rand() >> 8) * (1.0f / 16777216.0f);
}

int32_t kt_randi(int32_t lo, int32_t hi)
{
	return lo + (int32_t)(kt_rand() % (uint32_t)(hi - lo + 1));
}

static void *xzalloc(size_t n)
{
	/* 64-byte aligned like the card's own buffers; never zero bytes. */
	size_t sz = (n + 63) & ~(size_t)63;
	void *p = aligned_alloc(64, sz ? sz : 64);

	if (!p)
		abort();
	memset(p, 0, sz ? sz : 64);
	return p;
}

void kb_view(struct kbuf *b, unsigned int dtype, unsigned int rank, const uint32_t *shape,
	     const int64_t *strides)
{
	uint64_t maxoff = 0;
	unsigned int i;

	memset(b, 0, sizeof(*b));
	b->d.dtype = (uint8_t)dtype;
	b->d.rank = (uint8_t)rank;
	for (i = 0; i < rank; i++) {
		b->d.shape[i] = shape[i];
		b->d.strides[i] = strides[i];
		maxoff += (uint64_t)(shape[i] - 1) * (uint64_t)strides[i];
	}
	b->bytes = (maxoff + 1) * tk_dtype_size(dtype);
	b->mem = xzalloc(b->bytes);
	b->d.addr = (uintptr_t)b->mem;
}

void kb_dense(struct kbuf *b, unsigned int dtype, unsigned int rank, const uint32_t *shape)
{
	int64_t strides[TAIHU_MAX_RANK];
	unsigned int i;

	for (i = rank; i-- > 0;)
		strides[i] = i + 1 < rank ? strides[i + 1] * shape[i + 1] : 1;
	kb_view(b, dtype, rank, shape, strides);
}

void kb_like(struct kbuf *b, const struct kbuf *src)
{
	*b = *src;
	b->mem = xzalloc(src->bytes);
	b->d.addr = (uintptr_t)b->mem;
	b->ch_scale = NULL;
	b->ch_zp = NULL;
	if (src->ch_scale) {
		uint32_t n = src->d.shape[src->d.quant_axis];

		b->ch_scale = xzalloc(n * sizeof(float));
		memcpy(b->ch_scale, src->ch_scale, n * sizeof(float));
		b->d.scale_addr = (uintptr_t)b->ch_scale;
		if (src->ch_zp) {
			b->ch_zp = xzalloc(n * sizeof(int32_t));
			memcpy(b->ch_zp, src->ch_zp, n * sizeof(int32_t));
			b->d.zero_point_addr = (uintptr_t)b->ch_zp;
		}
	}
}

void kb_free(struct kbuf *b)
{
	free(b->mem);
	free(b->ch_scale);
	free(b->ch_zp);
	memset(b, 0, sizeof(*b));
}

void kb_quant(struct kbuf *b, float scale, int32_t zp)
{
	b->d.quant = TAIHU_QUANT_TENSOR;
	b->d.scale = scale;
	b->d.zero_point = zp;
}

void kb_quant_channels(struct kbuf *b, unsigned int axis, float lo, float hi, bool zero_points)
{
	uint32_t n = b->d.shape[axis], i;

	b->d.quant = TAIHU_QUANT_CHANNEL;
	b->d.quant_axis = (uint8_t)axis;
	b->ch_scale = xzalloc(n * sizeof(float));
	for (i = 0; i < n; i++)
		b->ch_scale[i] = kt_randf(lo, hi);
	b->d.scale_addr = (uintptr_t)b->ch_scale;
	if (zero_points) {
		b->ch_zp = xzalloc(n * sizeof(int32_t));
		for (i = 0; i < n; i++)
			b->ch_zp[i] = kt_randi(kq_min(b->d.dtype) / 4, kq_max(b->d.dtype) / 4);
		b->d.zero_point_addr = (uintptr_t)b->ch_zp;
	}
}

uint64_t kb_elems(const struct kbuf *b)
{
	return kt_count(b->d.shape, b->d.rank);
}

static struct ktensor kt_of(const struct kbuf *b)
{
	struct ktensor t = { .d = &b->d, .p = b->mem, .ch_scale = b->ch_scale, .ch_zp = b->ch_zp };

	return t;
}

/* Offset and channel of row-major element @i. */
static uint64_t offset_of(const struct kbuf *b, uint64_t i, uint32_t *ch)
{
	uint32_t idx[TAIHU_MAX_RANK];
	unsigned int r;

	for (r = b->d.rank; r-- > 0;) {
		idx[r] = (uint32_t)(i % b->d.shape[r]);
		i /= b->d.shape[r];
	}
	*ch = b->d.quant == TAIHU_QUANT_CHANNEL ? idx[b->d.quant_axis] : 0;
	return kt_offset(&b->d, idx, b->d.rank);
}

float kb_get(const struct kbuf *b, uint64_t i)
{
	struct ktensor t = kt_of(b);
	uint32_t ch;
	uint64_t off = offset_of(b, i, &ch);

	return kt_load(&t, off, ch);
}

void kb_set(struct kbuf *b, uint64_t i, float v)
{
	struct ktensor t = kt_of(b);
	uint32_t ch;
	uint64_t off = offset_of(b, i, &ch);

	kt_store(&t, off, v, ch);
}

void kb_fill(struct kbuf *b, float lo, float hi)
{
	struct ktensor t = kt_of(b);
	uint64_t n = kb_elems(b), i;

	for (i = 0; i < n; i++) {
		uint32_t ch;
		uint64_t off = offset_of(b, i, &ch);

		switch (b->d.dtype) {
		case TAIHU_DTYPE_INT8:
			((int8_t *)b->mem)[off] = (int8_t)kt_randi(-128, 127);
			break;
		case TAIHU_DTYPE_UINT8:
			b->mem[off] = (uint8_t)kt_randi(0, 255);
			break;
		case TAIHU_DTYPE_INT32:
			kt_store_int32(&t, off, kt_randi((int32_t)lo, (int32_t)hi));
			break;
		default:
			kt_store(&t, off, kt_randf(lo, hi), 0);
		}
	}
}

double kb_maxabs(const struct kbuf *b)
{
	uint64_t n = kb_elems(b), i;
	double m = 0;

	for (i = 0; i < n; i++) {
		double v = fabs(kb_get(b, i));

		if (v > m && isfinite(v))
			m = v;
	}
	return m;
}

/* The packet of a kernel over @t, in @cb; absent operands get TAIHU_TENSOR_ABSENT. */
static void build(struct cmdbuf *cb, unsigned int kernel, const void *params, size_t psize,
		  struct kbuf **t, unsigned int nin, unsigned int nout)
{
	struct taihu_tensor_desc d[TAIHU_KERNEL_MAX_TENSORS];
	unsigned int i;

	for (i = 0; i < nin + nout; i++) {
		memset(&d[i], 0, sizeof(d[i]));
		d[i].flags = TAIHU_TENSOR_ABSENT;
		if (t[i])
			d[i] = t[i]->d;
	}
	cb_init(cb);
	cb_kernel(cb, (uint16_t)kernel, params, (uint16_t)psize, d, (uint8_t)nin, (uint8_t)nout);
}

uint32_t kt_check(unsigned int kernel, const void *params, size_t psize, struct kbuf **t,
		  unsigned int nin, unsigned int nout)
{
	struct cmdbuf cb;
	struct tk_packet k;
	struct tk_error err;

	build(&cb, kernel, params, psize, t, nin, nout);
	if (tk_parse(cb.data, cb.len, &k, &err))
		return err.reason ? err.reason : 0xffff;
	return 0;
}

int kt_run(unsigned int kernel, const void *params, size_t psize, struct kbuf **t,
	   unsigned int nin, unsigned int nout, bool reference)
{
	void *ptr[TAIHU_KERNEL_MAX_TENSORS] = { 0 };
	const float *scale[TAIHU_KERNEL_MAX_TENSORS] = { 0 };
	const int32_t *zp[TAIHU_KERNEL_MAX_TENSORS] = { 0 };
	struct cmdbuf cb;
	struct tk_error err;
	unsigned int i;
	int ret;

	build(&cb, kernel, params, psize, t, nin, nout);
	for (i = 0; i < nin + nout; i++) {
		if (!t[i])
			continue;
		ptr[i] = t[i]->mem;
		scale[i] = t[i]->ch_scale;
		zp[i] = t[i]->ch_zp;
	}
	ret = kref_run(cb.data, cb.len, ptr, scale, zp, reference, &err);
	if (ret == -1) {
		tap_diag("packet refused: %s", err.msg);
		return -100;
	}
	return ret ? KERNEL_FAILED : KERNEL_OK;
}

bool kb_close(const struct kbuf *a, const struct kbuf *b, double rtol, double atol, bool exact,
	      const char *what)
{
	uint64_t n = kb_elems(a), i, bad = 0;
	struct ktensor ta = kt_of(a), tb = kt_of(b);
	double worst = 0;

	for (i = 0; i < n; i++) {
		uint32_t ch;
		uint64_t off = offset_of(a, i, &ch);
		bool ok;

		if (exact && !tk_dtype_is_float(a->d.dtype)) {
			ok = kt_load_int(&ta, off) == kt_load_int(&tb, off);
		} else {
			double x = kt_load(&ta, off, ch), y = kt_load(&tb, off, ch);

			if (isnan(x) || isnan(y))
				ok = isnan(x) && isnan(y);
			else if (isinf(x) || isinf(y))
				ok = x == y;
			else
				ok = fabs(x - y) <= atol + rtol * fabs(y);
			if (!isnan(x) && !isnan(y) && fabs(x - y) > worst && !isinf(x - y))
				worst = fabs(x - y);
		}
		if (!ok && bad++ < 3)
			tap_diag("%s: element %llu: %.9g vs %.9g", what, (unsigned long long)i,
				 (double)kt_load(&ta, off, ch), (double)kt_load(&tb, off, ch));
	}
	if (bad)
		tap_diag("%s: %llu of %llu elements differ (largest difference %.3g)", what,
			 (unsigned long long)bad, (unsigned long long)n, worst);
	return !bad;
}

void kt_tol_sum(unsigned int dtype, unsigned int k, double *rtol, double *atol)
{
	switch (dtype) {
	case TAIHU_DTYPE_FP16:
		*rtol = 2e-3;
		*atol = 1e-4 * k + 1e-3;
		break;
	case TAIHU_DTYPE_BF16:
		*rtol = 1.6e-2;
		*atol = 1e-3 * k + 1e-2;
		break;
	default:
		*rtol = 1e-4;
		*atol = 2e-6 * k + 1e-6;
	}
}

void kb_layout(struct kbuf *b, unsigned int dtype, unsigned int rank, const uint32_t *shape,
	       enum kb_layout l)
{
	int64_t st[TAIHU_MAX_RANK], inner;
	unsigned int i;

	if (l == KB_DENSE || rank < 2) {
		kb_dense(b, dtype, rank, shape);
		return;
	}
	for (i = rank; i-- > 0;)
		st[i] = i + 1 < rank ? st[i + 1] * shape[i + 1] : 1;
	switch (l) {
	case KB_STRIDED:
		st[rank - 1] = 2;
		st[rank - 2] = 2 * (int64_t)shape[rank - 1] + 3;
		for (i = rank - 2; i-- > 0;)
			st[i] = st[i + 1] * shape[i + 1];
		break;
	case KB_TRANSPOSED:
		st[rank - 2] = 1;
		st[rank - 1] = shape[rank - 2];
		inner = (int64_t)shape[rank - 2] * shape[rank - 1];
		for (i = rank - 2; i-- > 0;) {
			st[i] = inner;
			inner *= shape[i];
		}
		break;
	default:
		st[0] = 0;
	}
	kb_view(b, dtype, rank, shape, st);
}

const char *kb_layout_name(enum kb_layout l)
{
	static const char *const names[] = { "dense", "strided", "transposed", "broadcast" };

	return l <= KB_BROADCAST ? names[l] : "?";
}

bool kt_fast_vs_ref(unsigned int kernel, const void *params, size_t psize, struct kbuf **t,
		    unsigned int nin, double rtol, double atol, bool want_fast, const char *what)
{
	struct kbuf *y = t[nin], yr;
	struct kernel_counts before, after;
	int r1, r2;
	bool ok;

	kb_like(&yr, y);
	kernels_counts(&before);
	r1 = kt_run(kernel, params, psize, t, nin, 1, false);
	kernels_counts(&after);
	t[nin] = &yr;
	r2 = kt_run(kernel, params, psize, t, nin, 1, true);
	t[nin] = y;
	ok = r1 == KERNEL_OK && r2 == KERNEL_OK && kb_close(y, &yr, rtol, atol, false, what);
	if (want_fast && after.fast == before.fast) {
		tap_diag("%s: the fast path declined", what);
		ok = false;
	}
	kb_free(&yr);
	return ok;
}

const char *kt_no_fast_path(unsigned int dtype)
{
	if (kd_fast_dtype(dtype))
		return NULL;
	return dtype == TAIHU_DTYPE_BF16 ? "oneDNN has no bf16 kernels for this CPU (AVX-512 needed)" :
	       "no VNNI on this CPU: oneDNN's int8 products saturate, the card uses its reference";
}
