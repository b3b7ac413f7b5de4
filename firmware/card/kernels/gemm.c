// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * GEMM: Y = act(alpha * A B + beta * C), batched with broadcasting.
 *
 * Reference: float operands widened to fp32, products summed in fp32 in
 * order of k, then alpha, then beta * C (beta 0 does not read C), then the
 * activation, rounded once to Y's dtype. Int8: (a - za) (b - zb) summed in
 * int32 (wrapping), an INT32 C added, then gemm_qscale() and
 * gemm_qepilogue() below, which the fast path shares.
 *
 * Fast path: oneDNN matmul. fp32 and bf16 directly (alpha as output scale,
 * C as a binary-add post-op, the activation as an eltwise post-op when
 * oneDNN keeps NaN as the reference does (kd_act_faithful()), else applied
 * after it by kact() over fp32 results); fp16
 * through fp32 copies (oneDNN 2.6 has no fp16 matmul on these CPUs); int8
 * as u8/s8 x s8 -> s32 without zero points (into an INT32 Y directly), the
 * zero-point corrections (row sums of A, column sums of B) and the
 * epilogue (qrows.h) computed here by vectorised loops over rows in
 * parallel, so that the result is bit-exact with the reference. oneDNN's
 * own requantisation (output scales, zero points) is not used: it
 * multiplies by the reciprocal of Y's scale where the reference divides.
 * Large products run in row blocks so that an abort is seen within tens
 * of milliseconds.
 */
#include <stdlib.h>
#include <string.h>

#include "rows.h"
#include "scratch.h"
#include "tensor.h"

/* Where an operand's matrix dimensions and its batch part are. */
struct mat {
	int64_t s_row, s_col;			/* 0 where broadcast */
	struct taihu_tensor_desc batch;		/* its first rank - 2 dimensions */
};

struct gemm_geom {
	unsigned int ry, nb;		/* Y's rank, batch rank */
	uint32_t M, N, K;
	struct mat a, b, c, y;		/* a, b as [M, K] and [K, N] (transposes applied) */
	bool has_c;
};

/* The matrix view of @d aligned to the last two of @ry dimensions. */
static void mat_of(const struct taihu_tensor_desc *d, bool trans, struct mat *m)
{
	unsigned int rd = d->rank;
	int64_t r = 0, c = 0;

	if (rd >= 2)
		r = d->shape[rd - 2] == 1 ? 0 : d->strides[rd - 2];
	if (rd >= 1)
		c = d->shape[rd - 1] == 1 ? 0 : d->strides[rd - 1];
	m->s_row = trans ? c : r;
	m->s_col = trans ? r : c;
	m->batch = *d;
	m->batch.rank = rd >= 2 ? (uint8_t)(rd - 2) : 0;
}

static void gemm_geom(const struct kexec *x, struct gemm_geom *g)
{
	const struct tk_packet *k = x->k;
	const struct taihu_gemm_params *p = &k->p.gemm;
	const struct taihu_tensor_desc *a = &k->t[0], *y = &k->t[tk_out(k)];

	g->ry = y->rank;
	g->nb = y->rank - 2;
	g->M = y->shape[g->ry - 2];
	g->N = y->shape[g->ry - 1];
	g->K = p->flags & TAIHU_GEMM_TRANS_A ? a->shape[a->rank - 2] : a->shape[a->rank - 1];
	mat_of(a, p->flags & TAIHU_GEMM_TRANS_A, &g->a);
	mat_of(&k->t[1], p->flags & TAIHU_GEMM_TRANS_B, &g->b);
	mat_of(y, false, &g->y);
	g->has_c = tk_input(k, 2) && !(tk_dtype_is_float(k->t[2].dtype) && p->beta == 0.0f);
	if (g->has_c)
		mat_of(&k->t[2], false, &g->c);
	else
		memset(&g->c, 0, sizeof(g->c));	/* offsets into C computed anyway are 0 */
}

/* alpha * (sa * sb): the scale of an int8 accumulator (shared by both paths). */
static inline float gemm_qscale(float alpha, float sa, float sb)
{
	return alpha * (sa * sb);
}

/*
 * The int8 epilogue of one element: @acc already includes an INT32 C.
 * Stores into Y at @yoff.
 */
static inline void gemm_qepilogue(const struct kexec *x, uint32_t acc, float m, const float *cf,
				  uint64_t yoff)
{
	const struct taihu_gemm_params *p = &x->k->p.gemm;
	const struct ktensor *y = &x->t[tk_out(x->k)];
	float v;

	if (kt_dtype(y) == TAIHU_DTYPE_INT32) {
		kt_store_int32(y, yoff, (int32_t)acc);
		return;
	}
	v = m * (float)(int32_t)acc;
	if (cf)
		v += p->beta * *cf;
	v = kact(&p->act, v);
	kt_store(y, yoff, v, 0);
}

/* ---- reference ---------------------------------------------------------- */

/* A walk over Y's batch dimensions with the batch offsets of A, B, C and Y. */
static void gemm_walk(const struct gemm_geom *g, const struct ktensor *Y, struct kwalk *w,
		      unsigned int *ia, unsigned int *ib, unsigned int *ic, unsigned int *iy)
{
	kwalk_init(w, g->nb, Y->d->shape);
	*ia = kwalk_add(w, &g->a.batch);
	*ib = kwalk_add(w, &g->b.batch);
	*ic = g->has_c ? kwalk_add(w, &g->c.batch) : 0;
	*iy = kwalk_add(w, &g->y.batch);
}

static int gemm_ref_float(struct kexec *x, const struct gemm_geom *g)
{
	const struct taihu_gemm_params *p = &x->k->p.gemm;
	const struct ktensor *A = &x->t[0], *B = &x->t[1], *C = &x->t[2];
	const struct ktensor *Y = &x->t[tk_out(x->k)];
	struct kwalk w;
	unsigned int ia, ib, ic = 0, iy;

	gemm_walk(g, Y, &w, &ia, &ib, &ic, &iy);
	do {
		uint32_t m, n, k;

		for (m = 0; m < g->M; m++) {
			if (kernel_aborted(x))
				return KERNEL_ABORTED;
			for (n = 0; n < g->N; n++) {
				uint64_t ao = w.off[ia] + (uint64_t)m * g->a.s_row;
				uint64_t bo = w.off[ib] + (uint64_t)n * g->b.s_col;
				float acc = 0.0f, v;

				for (k = 0; k < g->K; k++)
					acc += kt_load(A, ao + (uint64_t)k * g->a.s_col, 0) *
					       kt_load(B, bo + (uint64_t)k * g->b.s_row, 0);
				v = p->alpha * acc;
				if (g->has_c)
					v += p->beta * kt_load(C, w.off[ic] + m * g->c.s_row +
							       n * g->c.s_col, 0);
				kt_store(Y, w.off[iy] + m * g->y.s_row + n * g->y.s_col,
					 kact(&p->act, v), 0);
			}
		}
	} while (kwalk_next(&w));
	return KERNEL_OK;
}

static int gemm_ref_int8(struct kexec *x, const struct gemm_geom *g)
{
	const struct taihu_gemm_params *p = &x->k->p.gemm;
	const struct ktensor *A = &x->t[0], *B = &x->t[1], *C = &x->t[2];
	const struct ktensor *Y = &x->t[tk_out(x->k)];
	const int32_t za = kt_zp(A, 0);
	bool c_int = g->has_c && kt_dtype(C) == TAIHU_DTYPE_INT32;
	struct kwalk w;
	unsigned int ia, ib, ic = 0, iy;

	gemm_walk(g, Y, &w, &ia, &ib, &ic, &iy);
	do {
		uint32_t m, n, k;

		for (m = 0; m < g->M; m++) {
			if (kernel_aborted(x))
				return KERNEL_ABORTED;
			for (n = 0; n < g->N; n++) {
				uint64_t ao = w.off[ia] + (uint64_t)m * g->a.s_row;
				uint64_t bo = w.off[ib] + (uint64_t)n * g->b.s_col;
				uint64_t co = w.off[ic] + m * g->c.s_row + n * g->c.s_col;
				const int32_t zb = kt_zp(B, n);
				uint32_t acc = 0;
				float cf;

				for (k = 0; k < g->K; k++)
					acc += (uint32_t)((kt_load_int(A, ao + (uint64_t)k * g->a.s_col) - za) *
							  (kt_load_int(B, bo + (uint64_t)k * g->b.s_row) - zb));
				if (c_int)
					acc += (uint32_t)kt_load_int(C, co);
				if (g->has_c && !c_int)
					cf = kt_load(C, co, 0);
				gemm_qepilogue(x, acc, gemm_qscale(p->alpha, kt_scale(A, 0), kt_scale(B, n)),
					       g->has_c && !c_int ? &cf : NULL,
					       w.off[iy] + m * g->y.s_row + n * g->y.s_col);
			}
		}
	} while (kwalk_next(&w));
	return KERNEL_OK;
}

int gemm_ref(struct kexec *x)
{
	struct gemm_geom g;

	gemm_geom(x, &g);
	if (tk_dtype_is_float(x->k->t[0].dtype))
		return gemm_ref_float(x, &g);
	return gemm_ref_int8(x, &g);
}

/* ---- fast path ---------------------------------------------------------- */

#ifndef KERNELS_REFERENCE_ONLY
#include "fstage.h"
#include "kdnnl.h"
#include "kpar.h"
#include "qrows.h"

/* Multiply-adds per oneDNN call: about 30 ms of fp32 work on one core. */
#define GEMM_BLOCK_MACS		(1ULL << 33)

/* Swap the last two dimensions of a view. */
static void view_transpose(struct kd_view *v, unsigned int ry)
{
	dnnl_dim_t d = v->dims[ry - 1], s = v->strides[ry - 1];

	v->dims[ry - 1] = v->dims[ry - 2];
	v->strides[ry - 1] = v->strides[ry - 2];
	v->dims[ry - 2] = d;
	v->strides[ry - 2] = s;
}

/* The oneDNN view of operand @i as [batch..., rows, cols] (transpose applied). */
static void gemm_view(const struct kexec *x, unsigned int i, unsigned int ry, bool trans,
		      struct kd_view *v)
{
	kd_view_of(v, &x->t[i], ry);
	if (trans)
		view_transpose(v, ry);
}

static size_t view_elems(const struct kd_view *v)
{
	size_t n = 1;
	int i;

	for (i = 0; i < v->ndims; i++)
		n *= (size_t)v->dims[i];
	return n;
}

/*
 * A dense fp32 copy of @v (an fp16 operand): the view's own dims, which
 * keep broadcast dimensions at 1.
 */
static int view_to_f32(struct kexec *x, struct kd_view *v)
{
	struct ktensor t = { 0 };
	struct taihu_tensor_desc d;
	struct kwalk w;
	size_t n = view_elems(v), j = 0;
	float *dst;
	int i;

	dst = kscratch_get(x, n * sizeof(float));
	if (!dst)
		return KERNEL_FAILED;
	memset(&d, 0, sizeof(d));
	d.dtype = TAIHU_DTYPE_FP16;
	d.rank = (uint8_t)v->ndims;
	for (i = 0; i < v->ndims; i++) {
		d.shape[i] = (uint32_t)v->dims[i];
		d.strides[i] = v->strides[i];
	}
	t.d = &d;
	t.p = v->p;
	if (v->ndims >= 1 && v->strides[v->ndims - 1] == 1) {
		/* Rows are contiguous: convert them in bulk. */
		size_t row = (size_t)v->dims[v->ndims - 1];

		d.rank--;
		kwalk_init(&w, d.rank, d.shape);
		kwalk_add(&w, &d);
		do {
			kt_f16_to_f32_n((const uint16_t *)v->p + w.off[0], dst + j, row);
			j += row;
		} while (kwalk_next(&w));
	} else {
		kwalk_init(&w, d.rank, d.shape);
		kwalk_add(&w, &d);
		do
			dst[j++] = kt_load(&t, w.off[0], 0);
		while (kwalk_next(&w));
	}
	kd_view_dense(v, dst, dnnl_f32, v->ndims, v->dims);
	return KERNEL_OK;
}

/* Rows [m0, m0 + rows) of a matrix view: dimension ry - 2. */
static struct kd_view rows_of(const struct kd_view *v, unsigned int ry, uint32_t m0, uint32_t rows,
			      unsigned int esz)
{
	struct kd_view r = *v;

	if (r.dims[ry - 2] == 1)
		return r;	/* broadcast along M */
	r.dims[ry - 2] = rows;
	r.p = (uint8_t *)r.p + (size_t)m0 * (size_t)r.strides[ry - 2] * esz;
	return r;
}

static unsigned int dt_size(dnnl_data_type_t dt)
{
	return dt == dnnl_f32 || dt == dnnl_s32 ? 4 : dt == dnnl_f16 || dt == dnnl_bf16 ? 2 : 1;
}

/*
 * One oneDNN matmul, in blocks of rows: y = act(alpha a b + c + sum * y).
 * @c may be NULL, @sum 0.
 */
static int gemm_dnnl(struct kexec *x, unsigned int ry, const struct kd_view *a,
		     const struct kd_view *b, const struct kd_view *c, const struct kd_view *y,
		     float alpha, float sum, const struct taihu_act *act, uint32_t M, uint64_t macs)
{
	dnnl_primitive_attr_t attr = NULL;
	dnnl_post_ops_t po = NULL;
	uint32_t block = M, m0;
	int ret = KERNEL_FALLBACK;

	if (macs > GEMM_BLOCK_MACS) {
		uint64_t per_row = macs / M;

		block = (uint32_t)(GEMM_BLOCK_MACS / per_row);
		if (block < 64)
			block = 64;
		block = block & ~31u;
		if (block > M)
			block = M;
	}
	if (dnnl_primitive_attr_create(&attr) != dnnl_success ||
	    dnnl_post_ops_create(&po) != dnnl_success)
		goto out;
	if (alpha != 1.0f && dnnl_primitive_attr_set_output_scales(attr, 1, 0, &alpha) != dnnl_success)
		goto out;
	if (sum != 0.0f && dnnl_post_ops_append_sum(po, sum) != dnnl_success)
		goto out;
	if (c) {
		dnnl_memory_desc_t cmd;
		struct kd_view cr = rows_of(c, ry, 0, block, dt_size(c->dt));

		if (kd_md(&cmd, &cr) ||
		    dnnl_post_ops_append_binary(po, dnnl_binary_add, &cmd) != dnnl_success)
			goto out;
	}
	if (kd_append_act(po, act) ||
	    dnnl_primitive_attr_set_post_ops(attr, po) != dnnl_success)
		goto out;

	for (m0 = 0; m0 < M; m0 += block) {
		uint32_t rows = M - m0 < block ? M - m0 : block;
		struct kd_view ar = rows_of(a, ry, m0, rows, dt_size(a->dt));
		struct kd_view yr = rows_of(y, ry, m0, rows, dt_size(y->dt));
		struct kd_view cr;
		dnnl_memory_desc_t amd, bmd, ymd;
		dnnl_matmul_desc_t desc;
		dnnl_primitive_desc_t pd;
		struct kd_arg args[4] = {
			{ DNNL_ARG_SRC, &ar }, { DNNL_ARG_WEIGHTS, b }, { DNNL_ARG_DST, &yr },
		};
		int nargs = 3, r;

		if (c) {
			cr = rows_of(c, ry, m0, rows, dt_size(c->dt));
			args[nargs].arg = DNNL_ARG_ATTR_MULTIPLE_POST_OP(0) | DNNL_ARG_SRC_1;
			args[nargs++].v = &cr;
			if (rows != block) {
				/* The post-op's descriptor names the block's rows. */
				dnnl_memory_desc_t cmd;

				dnnl_post_ops_destroy(po);
				po = NULL;
				if (dnnl_post_ops_create(&po) != dnnl_success || kd_md(&cmd, &cr) ||
				    dnnl_post_ops_append_binary(po, dnnl_binary_add, &cmd) != dnnl_success ||
				    kd_append_act(po, act) ||
				    dnnl_primitive_attr_set_post_ops(attr, po) != dnnl_success)
					goto fail_mid;
			}
		}
		if (kernel_aborted(x)) {
			ret = KERNEL_ABORTED;
			goto out;
		}
		if (kd_md(&amd, &ar) || kd_md(&bmd, b) || kd_md(&ymd, &yr) ||
		    dnnl_matmul_desc_init(&desc, &amd, &bmd, NULL, &ymd) != dnnl_success)
			goto fail_mid;
		pd = kd_pd(&desc, attr);
		if (!pd)
			goto fail_mid;
		r = kd_execute(pd, args, nargs);
		dnnl_primitive_desc_destroy(pd);
		if (r)
			goto fail_mid;
	}
	ret = KERNEL_OK;
	goto out;
fail_mid:
	/* Nothing written before the first block's failure: the reference can take over. */
	ret = m0 ? KERNEL_FAILED : KERNEL_FALLBACK;
	if (ret == KERNEL_FAILED)
		x->reason = TAIHU_REASON_NO_MEMORY;
out:
	if (po)
		dnnl_post_ops_destroy(po);
	if (attr)
		dnnl_primitive_attr_destroy(attr);
	return ret;
}

/* Inner strides oneDNN's matmul runs fast with: one of the two is 1. */
static bool plain_matrix(const struct kd_view *v, unsigned int ry)
{
	return v->strides[ry - 1] == 1 || v->strides[ry - 2] == 1 ||
	       v->dims[ry - 1] == 1 || v->dims[ry - 2] == 1;
}

/*
 * Batch and row strides non-increasing over the dimensions longer than 1.
 * oneDNN 2.6's binary post-op (C) faults on a Y that is not (e.g. batch
 * stride 64 below row stride 128), so such a C goes through the sum path.
 */
static bool row_major(const struct kd_view *v, unsigned int ry)
{
	int64_t prev = INT64_MAX;
	unsigned int i;

	for (i = 0; i < ry; i++) {
		if (v->dims[i] == 1)
			continue;
		if (v->strides[i] > prev)
			return false;
		prev = v->strides[i];
	}
	return true;
}

static int gemm_fast_float(struct kexec *x, const struct gemm_geom *g)
{
	const struct taihu_gemm_params *p = &x->k->p.gemm;
	const struct ktensor *Y = &x->t[tk_out(x->k)];
	unsigned int ry = g->ry;
	struct kd_view a, b, c, y;
	bool fp16 = x->k->t[0].dtype == TAIHU_DTYPE_FP16;
	/* oneDNN's RELU, CLIP, ... turn NaN into numbers: those run after it, as kact(). */
	const bool fuse = kd_act_faithful(&p->act);
	const struct taihu_act none = { 0 };
	float *ytmp = NULL;
	bool c_post;
	int ret;

	if (fuse && p->act.op != TAIHU_ACT_NONE) {
		dnnl_alg_kind_t alg;
		float al, be;

		if (kd_act_alg(&p->act, &alg, &al, &be))
			return KERNEL_FALLBACK;
	}
	gemm_view(x, 0, ry, p->flags & TAIHU_GEMM_TRANS_A, &a);
	gemm_view(x, 1, ry, p->flags & TAIHU_GEMM_TRANS_B, &b);
	kd_view_of(&y, Y, ry);
	if (g->has_c)
		kd_view_of(&c, &x->t[2], ry);
	if (!plain_matrix(&a, ry) || !plain_matrix(&b, ry))
		return KERNEL_FALLBACK;
	if (fp16) {
		if (view_to_f32(x, &a) || view_to_f32(x, &b) ||
		    (g->has_c && c.dt == dnnl_f16 && view_to_f32(x, &c)))
			return KERNEL_FAILED;
	}
	/* fp32 results first for fp16 (no oneDNN fp16 matmul), and for an activation after it. */
	if (y.dt == dnnl_f16 || (!fuse && !(y.dt == dnnl_f32 && fst_dense_from(Y->d, 0)))) {
		ytmp = kscratch_get(x, view_elems(&y) * sizeof(float));
		if (!ytmp)
			return KERNEL_FAILED;
		kd_view_dense(&y, ytmp, dnnl_f32, (int)ry, y.dims);
	}
	c_post = g->has_c && p->beta == 1.0f && row_major(&y, ry);
	if (g->has_c && !c_post) {
		/* beta C: C copied into the output first, then a sum post-op scales it. */
		struct taihu_tensor_desc dd;
		struct ktensor dst = *Y;
		int i;

		if (ytmp) {
			memset(&dd, 0, sizeof(dd));
			dd.dtype = TAIHU_DTYPE_FP32;
			dd.rank = (uint8_t)ry;
			for (i = 0; i < (int)ry; i++) {
				dd.shape[i] = Y->d->shape[i];
				dd.strides[i] = y.strides[i];
			}
			dst.d = &dd;
			dst.p = (uint8_t *)ytmp;
		}
		kt_broadcast_copy(&x->t[2], &dst);
	}
	ret = gemm_dnnl(x, ry, &a, &b, c_post ? &c : NULL, &y, p->alpha,
			g->has_c && !c_post ? p->beta : 0.0f, fuse ? &p->act : &none, g->M,
			(uint64_t)view_elems(&y) * g->K);
	if (ret == KERNEL_OK && (ytmp || !fuse))
		kt_from_f32_dense(Y, ytmp ? ytmp : (float *)Y->p, fuse ? &none : &p->act);
	return ret;
}

/*
 * Sums of @lines lines of @len int8/uint8 elements (line stride @s_line,
 * element stride @s_k) for the zero-point corrections, wrapping as the
 * reference's accumulators do.
 */
static void line_sums(const struct ktensor *t, uint64_t base, uint32_t lines, uint32_t len,
		      int64_t s_line, int64_t s_k, uint32_t *out)
{
	/* (b ^ bias) - bias: an int8 byte sign-extended, a uint8 one as it is. */
	const int32_t bias = kt_dtype(t) == TAIHU_DTYPE_INT8 ? 0x80 : 0;
	uint32_t r, k;

	if (s_k == 1) {
		/* Each line contiguous: one vectorised sum per line, lines in parallel. */
		KPAR_FOR((uint64_t)lines * len >= KPAR_MIN_ELEMS)
		for (r = 0; r < lines; r++) {
			const uint8_t *p = t->p + base + r * s_line;
			uint32_t s = 0, j;

			KPAR_SIMD_SUM(s)
			for (j = 0; j < len; j++)
				s += (uint32_t)((p[j] ^ bias) - bias);
			out[r] = s;
		}
		return;
	}
	if (s_line == 1) {
		/* The lines interleaved: element k of every line at once. */
		memset(out, 0, lines * sizeof(*out));
		for (k = 0; k < len; k++) {
			const uint8_t *p = t->p + base + k * s_k;

			KPAR_SIMD
			for (r = 0; r < lines; r++)
				out[r] += (uint32_t)((p[r] ^ bias) - bias);
		}
		return;
	}
	for (r = 0; r < lines; r++) {
		uint64_t o = base + (uint64_t)r * s_line;
		uint32_t s = 0;

		for (k = 0; k < len; k++)
			s += (uint32_t)kt_load_int(t, o + (uint64_t)k * s_k);
		out[r] = s;
	}
}

/*
 * A uint8 B as a dense s8 copy in its stored layout (b - 128: exact, as
 * (b - zb) = ((b - 128) - (zb - 128))), viewed as @b with the transpose
 * applied.
 */
static int b_to_s8(struct kexec *x, unsigned int ry, bool trans, struct kd_view *b)
{
	struct taihu_tensor_desc vd;
	struct ktensor vt = { .d = &vd };
	struct kd_view bs;
	struct kwalk w;
	size_t row, i = 0;
	int8_t *s8;
	int d;

	kd_view_of(&bs, &x->t[1], ry);
	s8 = kscratch_get(x, view_elems(&bs));
	if (!s8)
		return KERNEL_FAILED;
	memset(&vd, 0, sizeof(vd));
	vd.dtype = TAIHU_DTYPE_UINT8;
	vd.rank = (uint8_t)ry;
	for (d = 0; d < (int)ry; d++) {
		vd.shape[d] = (uint32_t)bs.dims[d];
		vd.strides[d] = bs.strides[d];
	}
	vt.p = bs.p;
	row = vd.shape[ry - 1];
	/* Rows of the stored matrix, each converted by one loop. */
	vd.rank--;
	kwalk_init(&w, vd.rank, vd.shape);
	kwalk_add(&w, &vd);
	do {
		const uint8_t *p = vt.p + w.off[0];
		const int64_t s = vd.strides[ry - 1];
		size_t j;

		KPAR_SIMD
		for (j = 0; j < row; j++)
			s8[i + j] = (int8_t)(p[j * s] ^ 0x80);
		i += row;
	} while (kwalk_next(&w));
	kd_view_dense(b, s8, dnnl_s8, (int)ry, bs.dims);
	if (trans)
		view_transpose(b, ry);
	return KERNEL_OK;
}

/* A [.., rows, cols] descriptor of a oneDNN view (for walks and mat_of()). */
static void desc_of_view(const struct kd_view *v, unsigned int dtype, unsigned int ry,
			 struct taihu_tensor_desc *d)
{
	unsigned int i;

	memset(d, 0, sizeof(*d));
	d->dtype = (uint8_t)dtype;
	d->rank = (uint8_t)ry;
	for (i = 0; i < ry; i++) {
		d->shape[i] = (uint32_t)v->dims[i];
		d->strides[i] = v->strides[i];
	}
}

/*
 * Int8: oneDNN computes the raw products sum(a * b) in s32, into Y itself
 * when Y is an INT32 tensor with contiguous rows, else into scratch. Then
 * per batch entry the exact zero-point corrections
 *   acc = raw - zb[n] sum_k(a[m, k]) - za sum_k(b[k, n]) + za zb[n] K
 * and an INT32 C (wrapping int32 sums, in any order: the same result),
 * and the epilogue (qrows.h), rows in parallel.
 */
static int gemm_fast_int8(struct kexec *x, const struct gemm_geom *g)
{
	const struct taihu_gemm_params *p = &x->k->p.gemm;
	const struct ktensor *A = &x->t[0], *B = &x->t[1], *C = &x->t[2];
	const struct ktensor *Y = &x->t[tk_out(x->k)];
	const bool trans_b = p->flags & TAIHU_GEMM_TRANS_B;
	const bool c_int = g->has_c && kt_dtype(C) == TAIHU_DTYPE_INT32;
	const int32_t za = kt_zp(A, 0);
	unsigned int ry = g->ry, ia, ib, ic = 0, iy, iacc;
	struct taihu_tensor_desc bsd, accd, avd;
	struct ktensor Bs = *B;
	struct kd_view a, b, acc;
	struct mat am, bm, accm;
	struct kq_epilogue e = { .y = Y, .act = &p->act, .beta = p->beta };
	uint32_t *rsum, *csum, *colterm, n;
	bool zb_any = false, direct;
	int32_t *zb;
	float *mscale;
	struct kwalk w;
	int ret;

	if (!kd_int8_exact())
		return KERNEL_FALLBACK;
	gemm_view(x, 0, ry, p->flags & TAIHU_GEMM_TRANS_A, &a);
	if (!plain_matrix(&a, ry))
		return KERNEL_FALLBACK;
	zb = kscratch_get(x, g->N * sizeof(int32_t));
	mscale = kscratch_get(x, g->N * sizeof(float));
	rsum = kscratch_get(x, g->M * sizeof(uint32_t));
	csum = kscratch_get(x, g->N * sizeof(uint32_t));
	colterm = kscratch_get(x, g->N * sizeof(uint32_t));
	if (!zb || !mscale || !rsum || !csum || !colterm)
		return KERNEL_FAILED;
	for (n = 0; n < g->N; n++) {
		zb[n] = kt_zp(B, n);
		mscale[n] = gemm_qscale(p->alpha, kt_scale(A, 0), kt_scale(B, n));
	}
	if (kt_dtype(B) == TAIHU_DTYPE_UINT8) {
		ret = b_to_s8(x, ry, trans_b, &b);
		if (ret)
			return ret;
		for (n = 0; n < g->N; n++)
			zb[n] -= 128;
		desc_of_view(&b, TAIHU_DTYPE_INT8, ry, &bsd);
		Bs.d = &bsd;
		Bs.p = b.p;
	} else {
		gemm_view(x, 1, ry, trans_b, &b);
		if (!plain_matrix(&b, ry))
			return KERNEL_FALLBACK;
		/* B's own layout, transposes made explicit for the column sums. */
		desc_of_view(&b, B->d->dtype, ry, &bsd);
	}
	for (n = 0; n < g->N; n++)
		zb_any |= zb[n] != 0;

	/* The raw products: into Y, or dense with Y's dims. */
	kd_view_of(&acc, Y, ry);
	direct = kt_dtype(Y) == TAIHU_DTYPE_INT32 && acc.strides[ry - 1] == 1;
	if (!direct) {
		int32_t *raw = kscratch_get(x, view_elems(&acc) * sizeof(int32_t));

		if (!raw)
			return KERNEL_FAILED;
		kd_view_dense(&acc, raw, dnnl_s32, (int)ry, acc.dims);
	}
	ret = gemm_dnnl(x, ry, &a, &b, NULL, &acc, 1.0f, 0.0f, &(struct taihu_act){ 0 }, g->M,
			(uint64_t)view_elems(&acc) * g->K);
	if (ret != KERNEL_OK || (direct && !zb_any && !za && !c_int))
		return ret;

	/* Corrections and epilogue, batch by batch. */
	if (g->has_c && !c_int)
		e.add = C;
	desc_of_view(&acc, TAIHU_DTYPE_INT32, ry, &accd);
	desc_of_view(&a, A->d->dtype, ry, &avd);	/* [.., M, K], transposes applied */
	mat_of(&avd, false, &am);
	mat_of(&bsd, false, &bm);
	mat_of(&accd, false, &accm);
	kwalk_init(&w, g->nb, Y->d->shape);
	ia = kwalk_add(&w, &am.batch);
	ib = kwalk_add(&w, &bm.batch);
	iacc = kwalk_add(&w, &accm.batch);
	if (g->has_c)
		ic = kwalk_add(&w, &g->c.batch);
	iy = kwalk_add(&w, &g->y.batch);
	do {
		int32_t *raw = (int32_t *)acc.p + w.off[iacc];
		const uint64_t cbase = w.off[ic], ybase = w.off[iy];
		uint32_t m;

		if (kernel_aborted(x))
			return KERNEL_ABORTED;
		if (zb_any)
			line_sums(A, w.off[ia], g->M, g->K, am.s_row, am.s_col, rsum);
		if (za) {
			line_sums(&Bs, w.off[ib], g->N, g->K, bm.s_col, bm.s_row, csum);
			for (n = 0; n < g->N; n++)
				colterm[n] = (uint32_t)za * (uint32_t)zb[n] * g->K - (uint32_t)za * csum[n];
		}
		KPAR_FOR((uint64_t)g->M * g->N >= KPAR_MIN_ELEMS)
		for (m = 0; m < g->M; m++) {
			int32_t *ar = raw + m * accm.s_row;
			const uint32_t rt = zb_any ? rsum[m] : 0;
			const uint64_t co = cbase + m * g->c.s_row;
			uint32_t j;

			if (zb_any && za) {
				KPAR_SIMD
				for (j = 0; j < g->N; j++)
					ar[j] = (int32_t)((uint32_t)ar[j] - (uint32_t)zb[j] * rt + colterm[j]);
			} else if (zb_any) {
				KPAR_SIMD
				for (j = 0; j < g->N; j++)
					ar[j] = (int32_t)((uint32_t)ar[j] - (uint32_t)zb[j] * rt);
			} else if (za) {
				KPAR_SIMD
				for (j = 0; j < g->N; j++)
					ar[j] = (int32_t)((uint32_t)ar[j] + colterm[j]);
			}
			if (c_int) {
				const int32_t *cr = (const int32_t *)C->p + co;
				const int64_t cs = g->c.s_col;

				KPAR_SIMD
				for (j = 0; j < g->N; j++)
					ar[j] = (int32_t)((uint32_t)ar[j] + (uint32_t)cr[j * cs]);
			}
			if (!direct)
				kq_epilogue_row(&e, ar, g->N, mscale, 1, co, g->c.s_col,
						ybase + m * g->y.s_row, g->y.s_col);
		}
	} while (kwalk_next(&w));
	return KERNEL_OK;
}

int gemm_fast(struct kexec *x)
{
	struct gemm_geom g;

	gemm_geom(x, &g);
	if (tk_dtype_is_float(x->k->t[0].dtype))
		return gemm_fast_float(x, &g);
	return gemm_fast_int8(x, &g);
}
#endif /* KERNELS_REFERENCE_ONLY */
