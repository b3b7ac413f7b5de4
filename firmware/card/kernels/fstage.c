// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * fp32 staging of views (fstage.h).
 */
#include "fstage.h"
#include "rows.h"
#include "scratch.h"
#include "tensor.h"

bool fst_plain(const struct taihu_tensor_desc *d)
{
	unsigned int i;

	for (i = 0; i < d->rank; i++)
		if (d->shape[i] > 1 && d->strides[i] == 0)
			return false;
	return true;
}

bool fst_dense_from(const struct taihu_tensor_desc *d, unsigned int from)
{
	int64_t want = 1;
	unsigned int i;

	for (i = d->rank; i-- > from;) {
		if (d->shape[i] != 1 && d->strides[i] != want)
			return false;
		want *= d->shape[i];
	}
	return true;
}

/* The rows of rows.c, copied when krow_load() hands back the tensor's own row. */
void fst_row_load(const struct ktensor *t, uint64_t off, float *dst, size_t n)
{
	const float *v = krow_load(t, off, 1, (uint32_t)n, dst);

	if (v != dst)
		memcpy(dst, v, n * sizeof(float));
}

void fst_load_into(const struct ktensor *t, unsigned int rank, const uint32_t *shape, float *dst)
{
	const struct taihu_tensor_desc *d = t->d;
	uint32_t row = rank ? shape[rank - 1] : 1;
	bool contig = d->rank && d->shape[d->rank - 1] == row && row > 1 &&
		      d->strides[d->rank - 1] == 1;
	struct kwalk w;
	uint64_t j = 0;
	unsigned int it;

	/* Runs of the last dimension where they are contiguous; else element by element. */
	kwalk_init(&w, contig ? rank - 1 : rank, shape);
	if (contig) {
		struct taihu_tensor_desc o = *d;

		o.rank--;
		it = kwalk_add(&w, &o);
		do {
			fst_row_load(t, w.off[it], dst + j, row);
			j += row;
		} while (kwalk_next(&w));
		return;
	}
	it = kwalk_add(&w, d);
	do
		dst[j++] = kt_load(t, w.off[it], 0);
	while (kwalk_next(&w));
}

float *fst_load(struct kexec *x, const struct ktensor *t, unsigned int rank,
		const uint32_t *shape)
{
	float *dst = kscratch_get(x, kt_count(shape, rank) * sizeof(float));

	if (dst)
		fst_load_into(t, rank, shape, dst);
	return dst;
}

#ifndef KERNELS_REFERENCE_ONLY
void fst_view_f32(struct kd_view *v, float *p, const struct taihu_tensor_desc *d)
{
	dnnl_dim_t dims[KD_MAX_DIMS];
	unsigned int i;

	for (i = 0; i < d->rank; i++)
		dims[i] = d->shape[i];
	kd_view_dense(v, p, dnnl_f32, d->rank, dims);
}

bool fst_view_dense(const struct kd_view *v)
{
	dnnl_dim_t want = 1;
	int i;

	for (i = v->ndims; i-- > 0;) {
		if (v->dims[i] != 1 && v->strides[i] != want)
			return false;
		want *= v->dims[i];
	}
	return true;
}

/* The tensor as oneDNN takes it directly: not broadcast, fp32 or bf16. */
static bool direct_ok(const struct ktensor *t)
{
	return (kt_dtype(t) == TAIHU_DTYPE_FP32 || kt_dtype(t) == TAIHU_DTYPE_BF16) &&
	       fst_plain(t->d);
}

int fst_run(struct kexec *x, struct fst_run *r)
{
	const struct ktensor *X = r->X, *Y = r->Y;
	struct kd_view src, dst;
	struct kd_arg args[8];
	dnnl_primitive_desc_t pd = NULL;
	float *sx, *sy;
	int i, n = 0, ret;

	r->staged_y = NULL;
	if (!r->keep_staged && direct_ok(X) && direct_ok(Y)) {
		kd_view_of(&src, X, X->d->rank);
		kd_view_of(&dst, Y, Y->d->rank);
		if (!r->same_layout || !memcmp(src.strides, dst.strides, sizeof(src.strides)))
			pd = r->make(x, r, &src, &dst);
	}
	if (!pd) {
		sx = fst_load(x, X, X->d->rank, X->d->shape);
		sy = kscratch_get(x, kt_count(Y->d->shape, Y->d->rank) * sizeof(float));
		if (!sx || !sy)
			return KERNEL_FAILED;
		fst_view_f32(&src, sx, X->d);
		fst_view_f32(&dst, sy, Y->d);
		pd = r->make(x, r, &src, &dst);
		if (!pd)
			return KERNEL_FALLBACK;
		r->staged_y = sy;
	}
	args[n].arg = DNNL_ARG_SRC;
	args[n++].v = &src;
	args[n].arg = DNNL_ARG_DST;
	args[n++].v = &dst;
	for (i = 0; i < r->n_extra; i++)
		args[n++] = r->extra[i];
	if (kernel_aborted(x)) {
		dnnl_primitive_desc_destroy(pd);
		return KERNEL_ABORTED;
	}
	ret = kd_execute(pd, args, n);
	dnnl_primitive_desc_destroy(pd);
	if (ret)
		return KERNEL_FALLBACK;	/* nothing written to Y yet */
	if (r->staged_y && !r->keep_staged)
		kt_from_f32_dense(Y, r->staged_y, NULL);
	return KERNEL_OK;
}
#endif /* KERNELS_REFERENCE_ONLY */
