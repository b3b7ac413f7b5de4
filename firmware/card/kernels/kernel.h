/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The card's inference kernels, seen from the dispatcher: a packet that
 * passed tk_parse() and the firmware's checks, with every tensor resolved
 * to memory the kernel may use directly (the card's VRAM or guest RAM, or
 * a staging copy of a scattered tensor, kernel_exec.c).
 *
 * Each family (one file: gemm.c, conv.c, pool.c, eltwise.c, norm.c,
 * reduce.c, convert.c, attention.c) has a reference implementation, which
 * defines the numerics (taihu_cmdstream.h, docs/kernels.md), and may have a
 * fast path (oneDNN, or vectorised code) that is tested against it. The
 * fast path is built into the card only (not with KERNELS_REFERENCE_ONLY,
 * the build the CLI uses to check results on the host side).
 *
 * Kernels read only their inputs, write only the elements of their
 * outputs, and look at the abort flag between pieces of work so that a
 * queue reset ends a long kernel promptly.
 */
#ifndef TAIHU_CARD_KERNEL_H
#define TAIHU_CARD_KERNEL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kcheck.h"

/* A tensor operand in the card's memory. */
struct ktensor {
	const struct taihu_tensor_desc *d;
	uint8_t *p;		/* element (0, ..., 0); NULL for an absent operand */
	const float *ch_scale;	/* TAIHU_QUANT_CHANNEL: shape[quant_axis] scales */
	const int32_t *ch_zp;	/* TAIHU_QUANT_CHANNEL: zero points, or NULL (zeros) */
};

struct kscratch;

/* One kernel to run. */
struct kexec {
	const struct tk_packet *k;
	struct ktensor t[TAIHU_KERNEL_MAX_TENSORS];
	struct kscratch *scratch;	/* the engine's scratch buffers */
	atomic_bool *abort;		/* may be NULL */
	volatile void *progress;	/* may be NULL: bumped at each look at @abort */
	bool reference;			/* run the reference, never the fast path */
	uint32_t reason;		/* why a kernel returned KERNEL_FAILED */
};

/* Results of a kernel function. */
#define KERNEL_OK		0
#define KERNEL_FAILED		(-1)	/* x->reason says why (NO_MEMORY) */
#define KERNEL_ABORTED		(-2)	/* the abort flag was seen */
#define KERNEL_FALLBACK		1	/* fast path only: use the reference */

typedef int (*kernel_fn)(struct kexec *x);

/*
 * Run the kernel: its fast path when there is one (and !x->reference),
 * the reference when there is none or it returned KERNEL_FALLBACK.
 * Returns KERNEL_OK, KERNEL_FAILED or KERNEL_ABORTED.
 */
int kernels_run(struct kexec *x);

/*
 * True once QUEUE_DISABLE or RESET asked the engine to stop. Kernels look
 * between blocks of work, so each look is also a step of progress.
 */
static inline bool kernel_aborted(const struct kexec *x)
{
	volatile _Atomic uint64_t *w = x->progress;

	if (w)
		atomic_store_explicit(w, atomic_load_explicit(w, memory_order_relaxed) + 1,
				      memory_order_relaxed);
	return x->abort && atomic_load_explicit(x->abort, memory_order_relaxed);
}

/* Whether the fast path of @kernel exists in this build (for tests). */
bool kernels_have_fast(unsigned int kernel);

/*
 * Kernels run since start: by the fast path, by the reference after the
 * fast path declined (KERNEL_FALLBACK), by the reference alone.
 */
struct kernel_counts {
	unsigned long fast, fallback, reference;
};
void kernels_counts(struct kernel_counts *out);

/* The families' entry points (the dispatch table is in kernels.c). */
int gemm_ref(struct kexec *x);
int gemm_fast(struct kexec *x);
int conv2d_ref(struct kexec *x);
int conv2d_fast(struct kexec *x);
int pool2d_ref(struct kexec *x);
int pool2d_fast(struct kexec *x);
int binary_ref(struct kexec *x);
int binary_fast(struct kexec *x);
int unary_ref(struct kexec *x);
int unary_fast(struct kexec *x);
int softmax_ref(struct kexec *x);
int softmax_fast(struct kexec *x);
int layernorm_ref(struct kexec *x);
int layernorm_fast(struct kexec *x);
int rmsnorm_ref(struct kexec *x);
int rmsnorm_fast(struct kexec *x);
int batchnorm_ref(struct kexec *x);
int batchnorm_fast(struct kexec *x);
int reduce_ref(struct kexec *x);
int reduce_fast(struct kexec *x);
int transpose_ref(struct kexec *x);
int transpose_fast(struct kexec *x);
int cast_ref(struct kexec *x);
int cast_fast(struct kexec *x);
int attention_ref(struct kexec *x);
int attention_fast(struct kexec *x);

#endif /* TAIHU_CARD_KERNEL_H */
