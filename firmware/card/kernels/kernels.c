// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The dispatch table: for each kernel its reference and its fast path.
 */
#include <stdatomic.h>

#include "kernel.h"

#ifdef KERNELS_REFERENCE_ONLY
#define FAST(fn)	NULL
#else
#define FAST(fn)	fn
#endif

static const struct {
	kernel_fn ref;
	kernel_fn fast;
} table[TAIHU_KERNEL_COUNT] = {
	[TAIHU_KERNEL_GEMM] = { gemm_ref, FAST(gemm_fast) },
	[TAIHU_KERNEL_CONV2D] = { conv2d_ref, FAST(conv2d_fast) },
	[TAIHU_KERNEL_POOL2D] = { pool2d_ref, FAST(pool2d_fast) },
	[TAIHU_KERNEL_BINARY] = { binary_ref, FAST(binary_fast) },
	[TAIHU_KERNEL_UNARY] = { unary_ref, FAST(unary_fast) },
	[TAIHU_KERNEL_TRANSPOSE] = { transpose_ref, FAST(transpose_fast) },
	[TAIHU_KERNEL_CAST] = { cast_ref, FAST(cast_fast) },
	[TAIHU_KERNEL_SOFTMAX] = { softmax_ref, FAST(softmax_fast) },
	[TAIHU_KERNEL_LOG_SOFTMAX] = { softmax_ref, FAST(softmax_fast) },
	[TAIHU_KERNEL_LAYERNORM] = { layernorm_ref, FAST(layernorm_fast) },
	[TAIHU_KERNEL_RMSNORM] = { rmsnorm_ref, FAST(rmsnorm_fast) },
	[TAIHU_KERNEL_BATCHNORM] = { batchnorm_ref, FAST(batchnorm_fast) },
	[TAIHU_KERNEL_REDUCE] = { reduce_ref, FAST(reduce_fast) },
	[TAIHU_KERNEL_ATTENTION] = { attention_ref, FAST(attention_fast) },
};

static atomic_ulong n_fast, n_fallback, n_reference;

void kernels_counts(struct kernel_counts *out)
{
	out->fast = atomic_load(&n_fast);
	out->fallback = atomic_load(&n_fallback);
	out->reference = atomic_load(&n_reference);
}

bool kernels_have_fast(unsigned int kernel)
{
	return kernel < TAIHU_KERNEL_COUNT && table[kernel].fast;
}

int kernels_run(struct kexec *x)
{
	unsigned int k = x->k->kernel;
	int ret;

	if (k >= TAIHU_KERNEL_COUNT || !table[k].ref) {
		x->reason = TAIHU_REASON_UNKNOWN_KERNEL;
		return KERNEL_FAILED;
	}
	if (kernel_aborted(x))
		return KERNEL_ABORTED;
	if (!x->reference && table[k].fast) {
		ret = table[k].fast(x);
		if (ret != KERNEL_FALLBACK) {
			atomic_fetch_add_explicit(&n_fast, 1, memory_order_relaxed);
			return ret;
		}
		atomic_fetch_add_explicit(&n_fallback, 1, memory_order_relaxed);
	} else {
		atomic_fetch_add_explicit(&n_reference, 1, memory_order_relaxed);
	}
	return table[k].ref(x);
}
