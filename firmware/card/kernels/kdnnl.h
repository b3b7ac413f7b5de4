/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The fast paths' binding to oneDNN (libdnnl 2.6, C API, OpenMP runtime):
 * one CPU engine for the process, one stream per engine thread, tensor
 * views turned into memory descriptors, and primitive execution.
 *
 * Threads: Debian's libdnnl uses GNU OpenMP. Every engine thread that
 * calls in gets its own OpenMP team of omp_get_max_threads() threads (the
 * machine's cores), so one busy queue uses every core and several busy
 * queues share them.
 */
#ifndef TAIHU_CARD_KERNELS_KDNNL_H
#define TAIHU_CARD_KERNELS_KDNNL_H

#include <oneapi/dnnl/dnnl.h>

#include "kernel.h"

#define KD_MAX_DIMS	DNNL_MAX_NDIMS

/* An operand as oneDNN sees it: dims and strides in elements. */
struct kd_view {
	void *p;
	dnnl_data_type_t dt;
	int ndims;
	dnnl_dim_t dims[KD_MAX_DIMS];
	dnnl_dim_t strides[KD_MAX_DIMS];
};

/* The process's CPU engine; NULL if oneDNN cannot make one. */
dnnl_engine_t kd_engine(void);

/* oneDNN's type for @dtype, or dnnl_data_type_undef. */
dnnl_data_type_t kd_dt(unsigned int dtype);

/*
 * The view of @t with @rank dimensions: leading dimensions of 1 added, and
 * broadcast dimensions (stride 0) turned into dimensions of 1, which
 * oneDNN broadcasts itself.
 */
void kd_view_of(struct kd_view *v, const struct ktensor *t, unsigned int rank);

/* A dense row-major view of @p with @ndims @dims. */
void kd_view_dense(struct kd_view *v, void *p, dnnl_data_type_t dt, int ndims,
		   const dnnl_dim_t *dims);

int kd_md(dnnl_memory_desc_t *md, const struct kd_view *v);

/* The activation as an eltwise post-op; returns 1 if oneDNN has no such one. */
int kd_append_act(dnnl_post_ops_t po, const struct taihu_act *a);
/* The same as the arguments of an eltwise primitive; 1 if it has none. */
int kd_act_alg(const struct taihu_act *a, dnnl_alg_kind_t *alg, float *alpha, float *beta);

struct kd_arg {
	int arg;			/* DNNL_ARG_* */
	const struct kd_view *v;
};

/*
 * Create the primitive of @pd (the primitive cache makes this cheap when
 * the same one ran before) and execute it on the calling thread's stream
 * with @n arguments; then wait for it. Returns 0, or -1 if oneDNN failed.
 */
int kd_execute(const_dnnl_primitive_desc_t pd, const struct kd_arg *args, int n);

/*
 * Make a primitive descriptor; NULL (the fast path falls back) if oneDNN
 * has none or only a reference implementation ("ref:any", "bnorm_ref:any"),
 * which is no faster than ours.
 */
dnnl_primitive_desc_t kd_pd(const_dnnl_op_desc_t desc, const_dnnl_primitive_attr_t attr);

/*
 * Whether oneDNN evaluates the activation faithfully: with the card's NaN
 * rules (a NaN input stays NaN) and small errors relative to the result.
 * Not so: relu, leaky relu, clip, exp, abs and neg (relu(NaN) is 0 there),
 * log (errors of 1e-6 near 1: log(1) is not 0), and ERF, which it lacks.
 * Callers apply those themselves (kact_row()) after a primitive without
 * the post-op.
 */
bool kd_act_faithful(const struct taihu_act *a);

/*
 * A primitive attribute with @act (NULL or NONE: nothing) as an eltwise
 * post-op; NULL if oneDNN has no such post-op. Free with
 * dnnl_primitive_attr_destroy().
 */
dnnl_primitive_attr_t kd_attr_act(const struct taihu_act *act);

/* A memory operand by descriptor (blocked layouts a primitive chose). */
struct kd_marg {
	int arg;			/* DNNL_ARG_* */
	const dnnl_memory_desc_t *md;
	void *p;
};

/* kd_execute() with memory descriptors instead of views. */
int kd_execute_md(const_dnnl_primitive_desc_t pd, const struct kd_marg *args, int n);

/*
 * Copy @src (layout @smd) into @dst (layout @dmd) with a oneDNN reorder,
 * converting dtypes; returns 0, or -1 if oneDNN cannot.
 */
int kd_reorder(const dnnl_memory_desc_t *smd, void *src, const dnnl_memory_desc_t *dmd, void *dst);

/*
 * Whether oneDNN's int8 products are exact on this CPU: with VNNI they
 * accumulate in int32; without it u8 x s8 pairs go through saturating
 * 16-bit sums, and the int8 fast paths leave the work to the reference.
 */
bool kd_int8_exact(void);

/*
 * Whether this CPU gives products in @dtype a fast path at all: oneDNN has
 * only its reference kernels (which kd_pd() refuses) for bf16 below
 * AVX-512, and int8 needs kd_int8_exact(). Elsewhere the card computes
 * with its own reference kernels, correct but slower.
 */
bool kd_fast_dtype(unsigned int dtype);

#endif /* TAIHU_CARD_KERNELS_KDNNL_H */
