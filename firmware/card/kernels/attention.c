// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * ATTENTION: O = softmax(scale * Q K^T + mask) V per batch and query
 * head; query head h reads K/V head h / (Hq / Hkv) (grouped-query
 * attention). TAIHU_ATTENTION_CAUSAL hides key t from query s when
 * t > s + T - S (the queries are the last S of T positions).
 *
 * Reference (docs/kernels.md): a score is the fp32 sum over d, in order,
 * of q * k, times scale, plus the mask (widened to fp32); a hidden key's
 * score is -Inf. The softmax is the numerically stable one of SOFTMAX
 * (m = max, w = exp(score - m) / sum(exp(score - m))), and
 * o = sum over t, in order, of w * v, in fp32, rounded once to O's dtype.
 * A row with every key hidden or masked with -Inf is NaN.
 *
 * Fast path, every batch and head at once (attention_batched()): Q, K and
 * V in dense fp32 copies, the scores of all heads by one batched oneDNN
 * matmul with the scale as output scale (a group of query heads against
 * its K/V head), mask and causal hiding added in a pass over the scores,
 * oneDNN's softmax over all rows in place, and a second batched matmul
 * into an fp32 buffer written back into O with one rounding; one head at
 * a time when the scratch cannot hold them all. Within the tolerances of
 * docs/kernels.md.
 */
#include <math.h>

#include "fstage.h"
#include "rows.h"
#include "scratch.h"
#include "tensor.h"

struct attn_geom {
	uint32_t B, Hq, Hkv, S, T, D, Dv;
	float scale;
	bool causal, mask;
};

static void attn_geom(const struct kexec *x, struct attn_geom *g)
{
	const struct tk_packet *k = x->k;

	g->B = k->t[0].shape[0];
	g->Hq = k->t[0].shape[1];
	g->S = k->t[0].shape[2];
	g->D = k->t[0].shape[3];
	g->Hkv = k->t[1].shape[1];
	g->T = k->t[1].shape[2];
	g->Dv = k->t[2].shape[3];
	g->scale = k->p.attn.scale != 0.0f ? k->p.attn.scale : 1.0f / sqrtf((float)g->D);
	g->causal = k->p.attn.flags & TAIHU_ATTENTION_CAUSAL;
	g->mask = tk_input(k, 3);
}

/*
 * The [rows, cols] matrix of batch @b and head @h of a 4-D tensor (the
 * mask: broadcast from its own rank, right-aligned) as a rank-2 tensor.
 */
static struct ktensor head_of(const struct ktensor *t, struct taihu_tensor_desc *d, uint32_t b,
			      uint32_t h)
{
	const struct taihu_tensor_desc *s = t->d;
	struct ktensor o = *t;
	uint32_t idx[4] = { b, h, 0, 0 };
	unsigned int i, lead = 4 - s->rank;

	memset(d, 0, sizeof(*d));
	d->dtype = s->dtype;
	d->rank = 2;
	for (i = 0; i < 2; i++) {
		int j = (int)(2 + i) - (int)lead;

		d->shape[i] = j >= 0 ? s->shape[j] : 1;
		d->strides[i] = j >= 0 && s->shape[j] > 1 ? s->strides[j] : 0;
	}
	o.p = t->p + kt_offset(s, idx, 4) * tk_dtype_size(s->dtype);
	o.d = d;
	return o;
}

/* Whether key @t is hidden from query @s. */
static inline bool hidden(const struct attn_geom *g, uint32_t s, uint32_t t)
{
	return g->causal && (int64_t)t > (int64_t)s + (int64_t)g->T - (int64_t)g->S;
}

static inline float max_nan(float m, float v)
{
	return v > m || v != v ? v : m;
}

int attention_ref(struct kexec *x)
{
	const struct ktensor *Q = &x->t[0], *K = &x->t[1], *V = &x->t[2];
	const struct ktensor *M = &x->t[3], *O = &x->t[tk_out(x->k)];
	struct taihu_tensor_desc qd, kd, vd, md, od;
	struct attn_geom g;
	uint32_t b, h, s, t, d;
	float *sc, *acc;

	attn_geom(x, &g);
	sc = kscratch_get(x, (size_t)g.T * sizeof(float));
	acc = kscratch_get(x, (size_t)g.Dv * sizeof(float));
	if (!sc || !acc)
		return KERNEL_FAILED;
	for (b = 0; b < g.B; b++)
		for (h = 0; h < g.Hq; h++) {
			const uint32_t hk = h / (g.Hq / g.Hkv);
			struct ktensor q = head_of(Q, &qd, b, h), k = head_of(K, &kd, b, hk);
			struct ktensor v = head_of(V, &vd, b, hk), o = head_of(O, &od, b, h), m = *M;

			if (g.mask)
				m = head_of(M, &md, b, h);
			for (s = 0; s < g.S; s++) {
				float mx = -INFINITY, l = 0.0f;

				if (kernel_aborted(x))
					return KERNEL_ABORTED;
				for (t = 0; t < g.T; t++) {
					float a = 0.0f;

					if (hidden(&g, s, t)) {
						sc[t] = -INFINITY;
						continue;
					}
					for (d = 0; d < g.D; d++)
						a += kt_load(&q, s * qd.strides[0] + d * qd.strides[1], 0) *
						     kt_load(&k, t * kd.strides[0] + d * kd.strides[1], 0);
					sc[t] = g.scale * a;
					if (g.mask)
						sc[t] += kt_load(&m, s * md.strides[0] + t * md.strides[1], 0);
					mx = max_nan(mx, sc[t]);
				}
				for (t = 0; t < g.T; t++)
					l += expf(sc[t] - mx);
				for (d = 0; d < g.Dv; d++)
					acc[d] = 0.0f;
				for (t = 0; t < g.T; t++) {
					float w = expf(sc[t] - mx) / l;

					for (d = 0; d < g.Dv; d++)
						acc[d] += w * kt_load(&v, t * vd.strides[0] + d * vd.strides[1], 0);
				}
				for (d = 0; d < g.Dv; d++)
					kt_store(&o, s * od.strides[0] + d * od.strides[1], acc[d], 0);
			}
		}
	return KERNEL_OK;
}

#ifndef KERNELS_REFERENCE_ONLY
/*
 * One oneDNN matmul of @nb dense fp32 [m, k] x [k, n] (@b_trans: B given
 * as [n, k]) into [m, n], batch after batch in memory. Every operand is
 * dense with its batch stride above its row stride, and no C is added:
 * oneDNN 2.6 faulted on a batched matmul whose batch stride is below its
 * row stride with C (b9a7067, gemm.c's row_major()).
 */
static int matmul_f32(float *a, float *bm, float *c, uint32_t nb, uint32_t m, uint32_t n,
		      uint32_t k, bool b_trans, float alpha)
{
	struct kd_view va, vb, vc;
	dnnl_memory_desc_t amd, bmd, cmd;
	dnnl_matmul_desc_t desc;
	dnnl_primitive_attr_t attr = NULL;
	dnnl_primitive_desc_t pd = NULL;
	int ret = -1;

	kd_view_dense(&va, a, dnnl_f32, 3, (dnnl_dim_t[]){ nb, m, k });
	kd_view_dense(&vc, c, dnnl_f32, 3, (dnnl_dim_t[]){ nb, m, n });
	kd_view_dense(&vb, bm, dnnl_f32, 3, (dnnl_dim_t[]){ nb, k, n });
	if (b_trans) {
		vb.strides[1] = 1;
		vb.strides[2] = k;
	}
	if (dnnl_primitive_attr_create(&attr) != dnnl_success ||
	    (alpha != 1.0f &&
	     dnnl_primitive_attr_set_output_scales(attr, 1, 0, &alpha) != dnnl_success))
		goto out;
	if (kd_md(&amd, &va) || kd_md(&bmd, &vb) || kd_md(&cmd, &vc) ||
	    dnnl_matmul_desc_init(&desc, &amd, &bmd, NULL, &cmd) != dnnl_success)
		goto out;
	pd = kd_pd(&desc, attr);
	if (!pd)
		goto out;
	ret = kd_execute(pd, (struct kd_arg[]){ { DNNL_ARG_SRC, &va }, { DNNL_ARG_WEIGHTS, &vb },
						 { DNNL_ARG_DST, &vc } }, 3);
out:
	if (pd)
		dnnl_primitive_desc_destroy(pd);
	if (attr)
		dnnl_primitive_attr_destroy(attr);
	return ret;
}

/* oneDNN's softmax over the rows of a dense fp32 [rows, cols], in place. */
static int softmax_rows(float *p, uint32_t rows, uint32_t cols)
{
	struct kd_view v;
	dnnl_memory_desc_t md;
	dnnl_softmax_v2_desc_t desc;
	dnnl_primitive_desc_t pd;
	int ret;

	kd_view_dense(&v, p, dnnl_f32, 2, (dnnl_dim_t[]){ rows, cols });
	if (kd_md(&md, &v) ||
	    dnnl_softmax_v2_forward_desc_init(&desc, dnnl_forward_inference, dnnl_softmax_accurate,
					      &md, &md, 1) != dnnl_success)
		return -1;
	pd = kd_pd(&desc, NULL);
	if (!pd)
		return -1;
	ret = kd_execute(pd, (struct kd_arg[]){ { DNNL_ARG_SRC, &v }, { DNNL_ARG_DST, &v } }, 2);
	dnnl_primitive_desc_destroy(pd);
	return ret;
}

/* The mask and the causal hiding added to the scores of batch @b, head @h. */
static void mask_scores(const struct ktensor *M, const struct attn_geom *g, uint32_t b,
			uint32_t h, float *sc)
{
	struct taihu_tensor_desc md;
	struct ktensor mt = *M;
	uint32_t s, t;

	if (g->mask)
		mt = head_of(M, &md, b, h);
	for (s = 0; s < g->S; s++)
		for (t = 0; t < g->T; t++) {
			float *e = &sc[(size_t)s * g->T + t];

			if (hidden(g, s, t))
				*e = -INFINITY;
			else if (g->mask)
				*e += kt_load(&mt, s * md.strides[0] + t * md.strides[1], 0);
		}
}

/*
 * Every batch and head at once: Q, K and V in dense fp32 copies, the
 * scores of all B * Hq heads by one batched matmul (a group of Hq / Hkv
 * query heads is one [G * S, D] matrix against its K/V head, so K and V
 * are read once per group), the mask in a pass, one softmax over all
 * rows, and one batched matmul with V. KERNEL_FALLBACK when the scratch
 * or oneDNN says no, before anything is written.
 */
static int attention_batched(struct kexec *x, const struct attn_geom *g)
{
	const struct ktensor *Q = &x->t[0], *K = &x->t[1], *V = &x->t[2];
	const struct ktensor *M = &x->t[3], *O = &x->t[tk_out(x->k)];
	const uint32_t nb = g->B * g->Hkv, G = g->Hq / g->Hkv;
	float *q, *k, *v, *sc, *o;
	uint32_t b, h;

	q = kscratch_get(x, (size_t)g->B * g->Hq * g->S * g->D * sizeof(float));
	k = kscratch_get(x, (size_t)nb * g->T * g->D * sizeof(float));
	v = kscratch_get(x, (size_t)nb * g->T * g->Dv * sizeof(float));
	sc = kscratch_get(x, (size_t)g->B * g->Hq * g->S * g->T * sizeof(float));
	o = kscratch_get(x, (size_t)g->B * g->Hq * g->S * g->Dv * sizeof(float));
	if (!q || !k || !v || !sc || !o)
		return KERNEL_FALLBACK;
	fst_load_into(Q, 4, Q->d->shape, q);
	fst_load_into(K, 4, K->d->shape, k);
	fst_load_into(V, 4, V->d->shape, v);
	if (kernel_aborted(x))
		return KERNEL_ABORTED;
	if (matmul_f32(q, k, sc, nb, G * g->S, g->T, g->D, true, g->scale))
		return KERNEL_FALLBACK;
	if (g->mask || g->causal)
		for (b = 0; b < g->B; b++)
			for (h = 0; h < g->Hq; h++)
				mask_scores(M, g, b, h,
					    sc + ((size_t)b * g->Hq + h) * g->S * g->T);
	if (softmax_rows(sc, g->B * g->Hq * g->S, g->T) ||
	    matmul_f32(sc, v, o, nb, G * g->S, g->Dv, g->T, false, 1.0f))
		return KERNEL_FALLBACK;
	kt_from_f32_dense(O, o, NULL);
	return KERNEL_OK;
}

/* One head at a time, for what does not fit the scratch at once. */
static int attention_heads(struct kexec *x, const struct attn_geom *g)
{
	const struct ktensor *Q = &x->t[0], *K = &x->t[1], *V = &x->t[2];
	const struct ktensor *M = &x->t[3], *O = &x->t[tk_out(x->k)];
	struct taihu_tensor_desc qd, kd, vd, od;
	uint32_t b, h, hk_staged = UINT32_MAX;
	float *q, *k, *v, *sc, *o;
	bool written = false;

	q = kscratch_get(x, (size_t)g->S * g->D * sizeof(float));
	k = kscratch_get(x, (size_t)g->T * g->D * sizeof(float));
	v = kscratch_get(x, (size_t)g->T * g->Dv * sizeof(float));
	sc = kscratch_get(x, (size_t)g->S * g->T * sizeof(float));
	o = kscratch_get(x, (size_t)g->S * g->Dv * sizeof(float));
	if (!q || !k || !v || !sc || !o)
		return KERNEL_FAILED;
	for (b = 0; b < g->B; b++, hk_staged = UINT32_MAX)
		for (h = 0; h < g->Hq; h++) {
			const uint32_t hk = h / (g->Hq / g->Hkv);
			struct ktensor qt = head_of(Q, &qd, b, h), ot = head_of(O, &od, b, h);

			if (kernel_aborted(x))
				return KERNEL_ABORTED;
			fst_load_into(&qt, 2, qd.shape, q);
			if (hk != hk_staged) {
				struct ktensor kt = head_of(K, &kd, b, hk), vt = head_of(V, &vd, b, hk);

				fst_load_into(&kt, 2, kd.shape, k);
				fst_load_into(&vt, 2, vd.shape, v);
				hk_staged = hk;
			}
			if (matmul_f32(q, k, sc, 1, g->S, g->T, g->D, true, g->scale))
				goto fail;
			if (g->mask || g->causal)
				mask_scores(M, g, b, h, sc);
			if (softmax_rows(sc, g->S, g->T) ||
			    matmul_f32(sc, v, o, 1, g->S, g->Dv, g->T, false, 1.0f))
				goto fail;
			kt_from_f32_dense(&ot, o, NULL);
			written = true;
		}
	return KERNEL_OK;
fail:
	/* Before the first head is written the reference can take over. */
	if (!written)
		return KERNEL_FALLBACK;
	x->reason = TAIHU_REASON_NO_MEMORY;
	return KERNEL_FAILED;
}

int attention_fast(struct kexec *x)
{
	struct attn_geom g;
	int ret;

	attn_geom(x, &g);
	ret = attention_batched(x, &g);
	return ret == KERNEL_FALLBACK ? attention_heads(x, &g) : ret;
}
#endif /* KERNELS_REFERENCE_ONLY */
