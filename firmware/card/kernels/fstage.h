/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * fp32 staging for fast paths: a view (any strides, broadcast, fp16 or
 * bf16) copied into a dense row-major fp32 buffer that a oneDNN primitive
 * or a vectorised loop takes, and a dense fp32 result written back into
 * an output view, rounded once to its dtype. Widening is exact and the
 * one rounding is kt_store()'s, so staging changes no result of the
 * reference numerics by itself.
 */
#ifndef TAIHU_CARD_KERNELS_FSTAGE_H
#define TAIHU_CARD_KERNELS_FSTAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel.h"

/*
 * A dense fp32 copy of @t broadcast to the @rank dimensions @shape (its
 * dimensions right-aligned, as kwalk does), in the kernel's scratch; NULL
 * with x->reason set when scratch is exhausted.
 */
float *fst_load(struct kexec *x, const struct ktensor *t, unsigned int rank,
		const uint32_t *shape);

/* The same into @dst, which holds kt_count(@shape, @rank) floats. */
void fst_load_into(const struct ktensor *t, unsigned int rank, const uint32_t *shape, float *dst);

/*
 * A contiguous run of @n elements of @t from element offset @off to fp32
 * (as kt_load()). The way back is rows.h: krow_store() for a run,
 * kt_from_f32_dense() for a whole tensor.
 */
void fst_row_load(const struct ktensor *t, uint64_t off, float *dst, size_t n);

/* True if no dimension of @d above 1 has stride 0 (the view is not broadcast). */
bool fst_plain(const struct taihu_tensor_desc *d);

/*
 * True if dimensions @from..rank-1 of @d are dense row-major, so that each
 * index of the leading dimensions starts one contiguous run of elements.
 */
bool fst_dense_from(const struct taihu_tensor_desc *d, unsigned int from);

#ifndef KERNELS_REFERENCE_ONLY
#include "kdnnl.h"

/*
 * One oneDNN primitive from X to Y (plus fp32 arrays such as gamma): run
 * on the tensors themselves when they are fp32 or bf16 and not broadcast
 * and @make accepts their views, else on dense fp32 copies of both.
 * @make fills the descriptor for the views it is given (it may reshape
 * them) and returns the primitive descriptor, or NULL when oneDNN has no
 * fast implementation for them.
 */
struct fst_run;
typedef dnnl_primitive_desc_t (*fst_make_fn)(struct kexec *x, const struct fst_run *r,
					      struct kd_view *src, struct kd_view *dst);

struct fst_run {
	fst_make_fn make;
	const struct ktensor *X, *Y;
	int axis;			/* for @make: an axis of the views */
	struct kd_arg extra[4];		/* further arguments */
	int n_extra;
	bool same_layout;		/* oneDNN wants X and Y in one layout */
	bool keep_staged;		/* always stage, and leave the result in @staged_y */
	float *staged_y;		/* out: the dense fp32 result, when staged */
};

/*
 * Returns KERNEL_OK (Y written, or with @keep_staged the result in
 * @staged_y), KERNEL_FAILED (scratch), KERNEL_ABORTED, or KERNEL_FALLBACK
 * (no fast implementation; nothing written).
 */
int fst_run(struct kexec *x, struct fst_run *r);

/* A dense fp32 view of @p with the shape of @d. */
void fst_view_f32(struct kd_view *v, float *p, const struct taihu_tensor_desc *d);

/* A view that is dense row-major (dimensions of 1 may carry any stride). */
bool fst_view_dense(const struct kd_view *v);
#endif

#endif /* TAIHU_CARD_KERNELS_FSTAGE_H */
