// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Comparing outputs with references: ONNX's tolerance rule element by
 * element (NaN equals NaN, infinities must match), the worst element, and
 * for outputs with a class dimension the rows whose argmax agrees.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "infer.h"

double infer_element(const struct taihu_onnx_tensor *t, int64_t i, bool bf16_bits)
{
	if (bf16_bits) {
		const uint16_t *p = taihu_onnx_tensor_cdata(t);
		uint32_t u = (uint32_t)p[i] << 16;
		float f;

		memcpy(&f, &u, sizeof(f));
		return f;
	}
	return taihu_onnx_tensor_element(t, i);
}

const char *infer_type_str(const struct taihu_onnx_tensor *t, char *buf, size_t len)
{
	const int64_t *d = taihu_onnx_tensor_dims(t);
	int r = taihu_onnx_tensor_rank(t), i;
	size_t o;

	o = (size_t)snprintf(buf, len, "%s[", taihu_onnx_dtype_name(taihu_onnx_tensor_dtype(t)));
	for (i = 0; i < r && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%lld", i ? "," : "", (long long)d[i]);
	if (o < len)
		snprintf(buf + o, len - o, "]");
	return buf;
}

static int64_t argmax_row(const struct taihu_onnx_tensor *t, int64_t row, int64_t cols, bool bits)
{
	int64_t j, best = 0;
	double bv = infer_element(t, row * cols, bits);

	for (j = 1; j < cols; j++) {
		double v = infer_element(t, row * cols + j, bits);

		if (v > bv) {
			bv = v;
			best = j;
		}
	}
	return best;
}

bool infer_compare(const struct taihu_onnx_tensor *got, const struct taihu_onnx_tensor *want,
		   double rtol, double atol, struct infer_cmp *r)
{
	int gt = taihu_onnx_tensor_dtype(got), wt = taihu_onnx_tensor_dtype(want);
	int rank = taihu_onnx_tensor_rank(got);
	bool bits = wt == TAIHU_ONNX_UINT16 && gt == TAIHU_ONNX_BFLOAT16;
	double worst_excess = -1;
	int64_t i, n = taihu_onnx_tensor_numel(got);
	char a[96], b[96];

	memset(r, 0, sizeof(*r));
	r->worst = -1;
	if ((gt != wt && !bits) || rank != taihu_onnx_tensor_rank(want) ||
	    (rank && memcmp(taihu_onnx_tensor_dims(got), taihu_onnx_tensor_dims(want),
			    sizeof(int64_t) * (size_t)rank))) {
		snprintf(r->why, sizeof(r->why), "got %s, expected %s",
			 infer_type_str(got, a, sizeof(a)), infer_type_str(want, b, sizeof(b)));
		return false;
	}
	r->count = n;
	for (i = 0; i < n; i++) {
		double g = taihu_onnx_tensor_element(got, i), w = infer_element(want, i, bits);
		double d = fabs(g - w), tol = atol + rtol * fabs(w);
		bool ok;

		if (isnan(g) || isnan(w))
			ok = isnan(g) && isnan(w);
		else if (isinf(g) || isinf(w))
			ok = g == w;
		else
			ok = d <= tol;
		if (!isnan(d) && !isinf(d)) {
			if (d > r->max_abs)
				r->max_abs = d;
			if (w != 0 && d / fabs(w) > r->max_rel)
				r->max_rel = d / fabs(w);
		}
		if (!ok) {
			double excess = isnan(d) || isinf(d) ? INFINITY : d - tol;

			r->bad++;
			if (excess > worst_excess) {
				worst_excess = excess;
				r->worst = i;
				r->worst_got = g;
				r->worst_want = w;
			}
		}
	}
	if (rank >= 1 && n) {
		int64_t cols = taihu_onnx_tensor_dims(got)[rank - 1];

		if (cols > 1) {
			r->rows = n / cols;
			for (i = 0; i < r->rows; i++)
				r->rows_agree += argmax_row(got, i, cols, false) ==
						 argmax_row(want, i, cols, bits);
		}
	}
	return r->bad == 0;
}

int64_t infer_top1(const struct taihu_onnx_tensor *scores,
		   const struct taihu_onnx_tensor *labels)
{
	int rank = taihu_onnx_tensor_rank(scores);
	int64_t cols, rows, i, right = 0;

	if (rank < 1)
		return -1;
	cols = taihu_onnx_tensor_dims(scores)[rank - 1];
	if (cols < 1)
		return -1;
	rows = taihu_onnx_tensor_numel(scores) / cols;
	if (taihu_onnx_tensor_numel(labels) != rows)
		return -1;
	for (i = 0; i < rows; i++)
		right += argmax_row(scores, i, cols, false) ==
			 (int64_t)taihu_onnx_tensor_element(labels, i);
	return right;
}

int infer_path(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

void infer_ns(uint64_t ns, char *buf, size_t len)
{
	if (ns >= 10000000000ull)
		snprintf(buf, len, "%.2f s", (double)ns / 1e9);
	else if (ns >= 10000000)
		snprintf(buf, len, "%.2f ms", (double)ns / 1e6);
	else
		snprintf(buf, len, "%.1f us", (double)ns / 1e3);
}
