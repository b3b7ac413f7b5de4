// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * REDUCE: sum, mean, max or min of X over a set of axes. Y keeps X's rank
 * with the reduced dimensions 1, or drops them (taihu_reduce_params).
 *
 * Reference (docs/kernels.md): elements widened to fp32; SUM and MEAN
 * accumulate in fp32 in row-major order of the reduced indices, MEAN then
 * divides by the count (as fp32); MAX and MIN give NaN when any element
 * is NaN; one rounding to Y's dtype.
 *
 * Fast path: oneDNN reduction on X and Y directly (fp32, bf16, X not
 * broadcast), else on dense fp32 copies (fstage.h). It sums in another
 * order: within the tolerances of docs/kernels.md.
 */
#include <math.h>

#include "fstage.h"
#include "rows.h"
#include "scratch.h"
#include "tensor.h"

/* Y as a tensor of X's rank: the reduced dimensions of extent 1. */
static struct taihu_tensor_desc keepdims(const struct tk_packet *k)
{
	const struct taihu_tensor_desc *x = &k->t[0], *y = &k->t[1];
	const uint32_t axes = k->p.reduce.axes;
	struct taihu_tensor_desc o = *y;
	unsigned int r, j = 0;

	if (y->rank == x->rank)
		return o;
	memset(o.shape, 0, sizeof(o.shape));
	memset(o.strides, 0, sizeof(o.strides));
	o.rank = x->rank;
	for (r = 0; r < x->rank; r++) {
		if (axes & (1u << r)) {
			o.shape[r] = 1;
			continue;
		}
		o.shape[r] = y->shape[j];
		o.strides[r] = y->strides[j++];
	}
	return o;
}

static inline float max_nan(float m, float v)
{
	return v > m || v != v ? v : m;
}

static inline float min_nan(float m, float v)
{
	return v < m || v != v ? v : m;
}

int reduce_ref(struct kexec *x)
{
	const struct tk_packet *k = x->k;
	const struct ktensor *X = &x->t[0];
	const uint32_t axes = k->p.reduce.axes, op = k->p.reduce.op;
	struct taihu_tensor_desc yk = keepdims(k), xo = *X->d, xi = *X->d;
	struct ktensor Y = x->t[1];
	unsigned int r, ox, oy, ii;
	uint64_t count = 1;
	struct kwalk w, in;

	Y.d = &yk;
	/* The outer walk visits Y's elements, the inner one a group of X. */
	for (r = 0; r < X->d->rank; r++) {
		if (axes & (1u << r)) {
			xo.shape[r] = 1;
			count *= X->d->shape[r];
		} else {
			xi.shape[r] = 1;
		}
	}
	kwalk_init(&w, X->d->rank, xo.shape);
	ox = kwalk_add(&w, &xo);
	oy = kwalk_add(&w, &yk);
	do {
		float acc = op == TAIHU_REDUCE_MAX ? -INFINITY : op == TAIHU_REDUCE_MIN ? INFINITY : 0.0f;

		if (kernel_aborted(x))
			return KERNEL_ABORTED;
		kwalk_init(&in, X->d->rank, xi.shape);
		ii = kwalk_add(&in, &xi);
		do {
			float v = kt_load(X, w.off[ox] + in.off[ii], 0);

			switch (op) {
			case TAIHU_REDUCE_MAX:
				acc = max_nan(acc, v);
				break;
			case TAIHU_REDUCE_MIN:
				acc = min_nan(acc, v);
				break;
			default:
				acc += v;
			}
		} while (kwalk_next(&in));
		if (op == TAIHU_REDUCE_MEAN)
			acc /= (float)count;
		kt_store(&Y, w.off[oy], acc, 0);
	} while (kwalk_next(&w));
	return KERNEL_OK;
}

#ifndef KERNELS_REFERENCE_ONLY
static dnnl_primitive_desc_t reduce_pd(struct kexec *x, const struct fst_run *r,
				       struct kd_view *src, struct kd_view *dst)
{
	static const dnnl_alg_kind_t algs[TAIHU_REDUCE_COUNT] = {
		[TAIHU_REDUCE_SUM] = dnnl_reduction_sum,
		[TAIHU_REDUCE_MEAN] = dnnl_reduction_mean,
		[TAIHU_REDUCE_MAX] = dnnl_reduction_max,
		[TAIHU_REDUCE_MIN] = dnnl_reduction_min,
	};
	dnnl_memory_desc_t smd, dmd;
	dnnl_reduction_desc_t desc;

	(void)r;
	if (kd_md(&smd, src) || kd_md(&dmd, dst) ||
	    dnnl_reduction_desc_init(&desc, algs[x->k->p.reduce.op], &smd, &dmd, 0.0f, 0.0f) !=
	    dnnl_success)
		return NULL;
	return kd_pd(&desc, NULL);
}

/* @d with its dimensions in the order @perm. */
static struct taihu_tensor_desc permuted(const struct taihu_tensor_desc *d, const unsigned int *perm)
{
	struct taihu_tensor_desc o = *d;
	unsigned int i;

	for (i = 0; i < d->rank; i++) {
		o.shape[i] = d->shape[perm[i]];
		o.strides[i] = d->strides[perm[i]];
	}
	return o;
}

/*
 * oneDNN reduces fast over trailing dimensions: X and Y are viewed with
 * the kept dimensions first and the reduced ones last (then staged dense
 * when X's view does not suit it). A reduction over dimensions of 1 only
 * is a conversion of X into Y.
 */
int reduce_fast(struct kexec *x)
{
	const struct taihu_tensor_desc *xd = x->t[0].d;
	struct taihu_tensor_desc yk = keepdims(x->k), xp, yp;
	const uint32_t axes = x->k->p.reduce.axes;
	unsigned int perm[TAIHU_MAX_RANK] = { 0 }, r, n = 0;
	struct ktensor X = x->t[0], Y = x->t[1];
	struct fst_run run = { .make = reduce_pd, .X = &X, .Y = &Y };
	uint64_t count = 1;

	for (r = 0; r < xd->rank; r++)
		if (!(axes & (1u << r)))
			perm[n++] = r;
	for (r = 0; r < xd->rank; r++)
		if (axes & (1u << r)) {
			perm[n++] = r;
			count *= xd->shape[r];
		}
	xp = permuted(xd, perm);
	yp = permuted(&yk, perm);
	X.d = &xp;
	Y.d = &yp;
	if (count == 1) {
		float *v = fst_load(x, &X, xp.rank, xp.shape);

		if (!v)
			return KERNEL_FAILED;
		kt_from_f32_dense(&Y, v, NULL);
		return KERNEL_OK;
	}
	return fst_run(x, &run);
}
#endif /* KERNELS_REFERENCE_ONLY */
