/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Loops of the fast paths spread over the host's cores and vectorised
 * with OpenMP (the runtime oneDNN already runs on, libgomp). Without
 * -fopenmp (the fuzzers, static analysis) the loops stay plain serial
 * loops with the same results: every element is computed by the same
 * expression either way, and vectorised reductions are integer sums.
 */
#ifndef TAIHU_CARD_KERNELS_KPAR_H
#define TAIHU_CARD_KERNELS_KPAR_H

/* Fewer elements than this are not worth waking the thread team for. */
#define KPAR_MIN_ELEMS		65536

#ifdef _OPENMP
#define KPAR_PRAGMA(x)		_Pragma(#x)
/* The next for loop runs in parallel (static chunks) when @cond holds. */
#define KPAR_FOR(cond)		KPAR_PRAGMA(omp parallel for schedule(static) if (cond))
/* The next for loop is vectorised. */
#define KPAR_SIMD		KPAR_PRAGMA(omp simd)
/* The next for loop is vectorised, summing into integer @var. */
#define KPAR_SIMD_SUM(var)	KPAR_PRAGMA(omp simd reduction(+ : var)) /* NOLINT(bugprone-macro-parentheses) */
#else
#define KPAR_FOR(cond)
#define KPAR_SIMD
#define KPAR_SIMD_SUM(var)
#endif

#endif /* TAIHU_CARD_KERNELS_KPAR_H */
