/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Host tests of the card's kernels: tensors in host memory, packets built
 * and checked as the card does (tk_parse), the reference and the fast path
 * run on the same inputs, results compared with documented tolerances
 * (docs/kernels.md) or bit for bit.
 */
#ifndef TAIHU_KTEST_H
#define TAIHU_KTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernels/kernel.h"

/* A tensor and the host memory behind it (d.addr is its address). */
struct kbuf {
	struct taihu_tensor_desc d;
	uint8_t *mem;
	size_t bytes;
	/* Per-channel quantisation arrays, when set. */
	float *ch_scale;
	int32_t *ch_zp;
};

/* Deterministic pseudo-random numbers. */
uint32_t kt_rand(void);
void kt_seed(uint32_t seed);
/* Uniform in [lo, hi). */
float kt_randf(float lo, float hi);
/* Uniform in [lo, hi]. */
int32_t kt_randi(int32_t lo, int32_t hi);

/* A dense tensor; @shape has @rank entries. */
void kb_dense(struct kbuf *b, unsigned int dtype, unsigned int rank, const uint32_t *shape);
/* A view with explicit strides (in elements); its memory covers the extent. */
void kb_view(struct kbuf *b, unsigned int dtype, unsigned int rank, const uint32_t *shape,
	     const int64_t *strides);
/* The same layout as @src, with memory of its own (zeroed). */
void kb_like(struct kbuf *b, const struct kbuf *src);
void kb_free(struct kbuf *b);

/* Per-tensor quantisation. */
void kb_quant(struct kbuf *b, float scale, int32_t zp);
/* Per-channel quantisation along @axis with random scales in [lo, hi] and zero points. */
void kb_quant_channels(struct kbuf *b, unsigned int axis, float lo, float hi, bool zero_points);

/* Random values: floats in [lo, hi); quantised and INT32 tensors get raw integers in range. */
void kb_fill(struct kbuf *b, float lo, float hi);
/* The value of element @i (row-major index over the shape) as fp32, dequantised. */
float kb_get(const struct kbuf *b, uint64_t i);
/* Set element @i. */
void kb_set(struct kbuf *b, uint64_t i, float v);
uint64_t kb_elems(const struct kbuf *b);

/*
 * Run @kernel over @t (@nin inputs then @nout outputs; NULL for absent
 * optional inputs) with the reference or the fast path. Returns the
 * kernels_run() result, or -100 when tk_parse() refused the packet (the
 * message is printed as a TAP diagnostic when @quiet is false).
 */
int kt_run(unsigned int kernel, const void *params, size_t psize, struct kbuf **t,
	   unsigned int nin, unsigned int nout, bool reference);
/* tk_parse() of such a packet: 0, or the refusal's reason. */
uint32_t kt_check(unsigned int kernel, const void *params, size_t psize, struct kbuf **t,
		  unsigned int nin, unsigned int nout);

/*
 * Compare two outputs of one layout element by element: |a - b| <= atol
 * + rtol * |b| (NaN equals NaN, infinities must match); integers bit for
 * bit when @exact. Prints the first few mismatches. Returns true when they
 * agree.
 */
bool kb_close(const struct kbuf *a, const struct kbuf *b, double rtol, double atol, bool exact,
	      const char *what);

/*
 * Tolerances of a float output dtype for sums of @k products of |x| <= 1
 * (GEMM, CONV2D; docs/kernels.md).
 */
void kt_tol_sum(unsigned int dtype, unsigned int k, double *rtol, double *atol);

/* The largest |x| of a tensor. */
double kb_maxabs(const struct kbuf *b);

/* Layouts of test operands. */
enum kb_layout {
	KB_DENSE,
	KB_STRIDED,	/* every other element of the last dimension, rows padded by 3 */
	KB_TRANSPOSED,	/* the last two dimensions stored swapped */
	KB_BROADCAST,	/* dimension 0 broadcast (stride 0): inputs only */
};

/* A tensor of @shape laid out as @l (rank 1: always dense). */
void kb_layout(struct kbuf *b, unsigned int dtype, unsigned int rank, const uint32_t *shape,
	       enum kb_layout l);
const char *kb_layout_name(enum kb_layout l);

/*
 * Run @kernel over @t (@nin inputs, then one output) with the fast path
 * into the output and with the reference into a copy of its layout, and
 * compare them (kb_close()). With @want_fast, the fast path must not have
 * declined. Returns true when all is well.
 */
bool kt_fast_vs_ref(unsigned int kernel, const void *params, size_t psize, struct kbuf **t,
		    unsigned int nin, double rtol, double atol, bool want_fast, const char *what);

/*
 * Why this CPU gives @dtype no fast path (kd_fast_dtype()): a test that
 * wants the fast path skips with this; NULL when there is one.
 */
const char *kt_no_fast_path(unsigned int dtype);

#endif /* TAIHU_KTEST_H */
