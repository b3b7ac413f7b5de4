// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * ATTENTION on the host: the reference against direct fp64 computation
 * (grouped-query heads, causal and additive masks, the default scale, a
 * row with no visible key), the fast path against the reference in fp32,
 * fp16 and bf16 on 1x1, odd, grouped-query, cross-attention, strided,
 * transposed and broadcast-mask cases within the tolerances of
 * docs/kernels.md, and the packet checks' reasons.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "kcheck.h"
#include "ktest.h"
#include "tap.h"

static const unsigned int float_dtypes[] = { TAIHU_DTYPE_FP32, TAIHU_DTYPE_FP16, TAIHU_DTYPE_BF16 };

struct attn_case {
	const char *name;
	uint32_t B, Hq, Hkv, S, T, D, Dv;
	uint32_t flags;
	int mask;		/* 0 none, 1 [B, 1, S, T] fp32, 2 [T] of Q's dtype, 3 [B, Hq, S, T] */
	float scale;
	enum kb_layout lq, lk;
};

/* Q, K, V, mask and O of a case; @t gets them in packet order, returns the input count. */
static unsigned int attn_make(const struct attn_case *c, unsigned int dt, struct kbuf *q,
			      struct kbuf *k, struct kbuf *v, struct kbuf *m, struct kbuf *o,
			      struct kbuf **t)
{
	const uint32_t sq[4] = { c->B, c->Hq, c->S, c->D }, sk[4] = { c->B, c->Hkv, c->T, c->D };
	const uint32_t sv[4] = { c->B, c->Hkv, c->T, c->Dv }, so[4] = { c->B, c->Hq, c->S, c->Dv };
	const uint32_t sm1[4] = { c->B, 1, c->S, c->T }, sm3[4] = { c->B, c->Hq, c->S, c->T };
	unsigned int n = 3;

	kb_layout(q, dt, 4, sq, c->lq);
	kb_layout(k, dt, 4, sk, c->lk);
	kb_dense(v, dt, 4, sv);
	kb_dense(o, dt, 4, so);
	kb_fill(q, -1, 1);
	kb_fill(k, -1, 1);
	kb_fill(v, -1, 1);
	t[0] = q;
	t[1] = k;
	t[2] = v;
	if (c->mask == 1)
		kb_dense(m, TAIHU_DTYPE_FP32, 4, sm1);
	else if (c->mask == 2)
		kb_dense(m, dt, 1, &c->T);
	else if (c->mask == 3)
		kb_dense(m, dt, 4, sm3);
	if (c->mask) {
		uint64_t i;

		kb_fill(m, -2, 2);
		/* Padding: the first key is masked out for every query. */
		if (c->mask == 2)
			kb_set(m, 0, -INFINITY);
		for (i = 0; c->mask == 1 && i < kb_elems(m); i += 7)
			kb_set(m, i, -1e4f);
		t[n++] = m;
	}
	t[n] = o;
	return n;
}

static void attn_free(const struct attn_case *c, struct kbuf *q, struct kbuf *k, struct kbuf *v,
		      struct kbuf *m, struct kbuf *o)
{
	kb_free(q);
	kb_free(k);
	kb_free(v);
	if (c->mask)
		kb_free(m);
	kb_free(o);
}

static void test_reference(void)
{
	const struct attn_case c = { "ref", 2, 4, 2, 3, 5, 4, 3, TAIHU_ATTENTION_CAUSAL, 1, 0.0f,
				     KB_DENSE, KB_DENSE };
	struct taihu_attention_params p = { .scale = c.scale, .flags = c.flags };
	struct tap_check ck = { true };
	struct kbuf q, k, v, m, o;
	struct kbuf *t[5];
	unsigned int nin = attn_make(&c, TAIHU_DTYPE_FP32, &q, &k, &v, &m, &o, t);
	uint32_t b, h, s, j, d;

	CHECK_EQ(&ck, kt_run(TAIHU_KERNEL_ATTENTION, &p, sizeof(p), t, nin, 1, true), KERNEL_OK);
	for (b = 0; b < c.B; b++)
		for (h = 0; h < c.Hq; h++)
			for (s = 0; s < c.S; s++) {
				double sc[5], mx = -INFINITY, l = 0;
				uint32_t hk = h / 2;

				for (j = 0; j < c.T; j++) {
					double a = 0;

					for (d = 0; d < c.D; d++)
						a += (double)kb_get(&q, ((b * 4 + h) * 3 + s) * 4 + d) *
						     kb_get(&k, ((b * 2 + hk) * 5 + j) * 4 + d);
					sc[j] = j > s + 2 ? -INFINITY :
						a / 2.0 + kb_get(&m, (b * 3 + s) * 5 + j);
					mx = fmax(mx, sc[j]);
				}
				for (j = 0; j < c.T; j++)
					l += exp(sc[j] - mx);
				for (d = 0; d < c.Dv; d++) {
					double want = 0;

					for (j = 0; j < c.T; j++)
						want += exp(sc[j] - mx) / l *
							kb_get(&v, ((b * 2 + hk) * 5 + j) * 3 + d);
					CHECK(&ck, fabs(kb_get(&o, ((b * 4 + h) * 3 + s) * 3 + d) - want) <
						   1e-5);
				}
			}
	tap_result(ck.ok, "attention reference matches fp64 (grouped-query, causal, additive mask, default scale)");
	attn_free(&c, &q, &k, &v, &m, &o);

	/* More queries than keys, causal: query 0 sees no key (t <= 0 + T - S < 0) and is NaN. */
	{
		const struct attn_case c2 = { "nan", 1, 1, 1, 4, 2, 3, 2, TAIHU_ATTENTION_CAUSAL, 0,
					      1.0f, KB_DENSE, KB_DENSE };
		struct taihu_attention_params p2 = { .scale = 1.0f, .flags = c2.flags };
		struct tap_check ck2 = { true };

		nin = attn_make(&c2, TAIHU_DTYPE_FP32, &q, &k, &v, &m, &o, t);
		CHECK_EQ(&ck2, kt_run(TAIHU_KERNEL_ATTENTION, &p2, sizeof(p2), t, nin, 1, true),
			 KERNEL_OK);
		for (d = 0; d < 2; d++) {
			CHECK(&ck2, isnan(kb_get(&o, d)));	/* s = 0 */
			CHECK(&ck2, isnan(kb_get(&o, 2 + d)));	/* s = 1 */
			CHECK(&ck2, !isnan(kb_get(&o, 4 + d)));	/* s = 2 sees t = 0 */
			/* s = 2 sees key 0 only: o = v[0]. */
			CHECK(&ck2, fabs(kb_get(&o, 4 + d) - kb_get(&v, d)) < 1e-6);
		}
		tap_result(ck2.ok, "attention reference: a query with no visible key is NaN; one key gives its value");
		attn_free(&c2, &q, &k, &v, &m, &o);
	}
}

static const struct attn_case cases[] = {
	{ "1x1x1x1", 1, 1, 1, 1, 1, 1, 1, 0, 0, 0.0f, KB_DENSE, KB_DENSE },
	{ "odd S 7 T 13 D 5 Dv 3", 1, 1, 1, 7, 13, 5, 3, 0, 0, 0.0f, KB_DENSE, KB_DENSE },
	{ "grouped-query 8 over 2 heads, causal", 2, 8, 2, 16, 16, 32, 32,
	  TAIHU_ATTENTION_CAUSAL, 0, 0.0f, KB_DENSE, KB_DENSE },
	{ "mask [B, 1, S, T] broadcast over heads, causal", 2, 4, 4, 9, 9, 8, 8,
	  TAIHU_ATTENTION_CAUSAL, 1, 0.0f, KB_DENSE, KB_DENSE },
	{ "padding mask [T], scale 0.3", 1, 3, 1, 5, 11, 16, 4, 0, 2, 0.3f, KB_DENSE, KB_DENSE },
	{ "full mask, cross attention S 4 T 9 causal", 1, 2, 2, 4, 9, 6, 5,
	  TAIHU_ATTENTION_CAUSAL, 3, 0.0f, KB_DENSE, KB_DENSE },
	{ "strided Q, transposed K", 1, 2, 1, 6, 10, 12, 7, 0, 0, 0.0f, KB_STRIDED,
	  KB_TRANSPOSED },
	{ "64 queries x 128 keys, D 64", 1, 2, 2, 64, 128, 64, 64, TAIHU_ATTENTION_CAUSAL, 0, 0.0f,
	  KB_DENSE, KB_DENSE },
};

static void test_fast(void)
{
	unsigned int i, d;

	for (d = 0; d < 3; d++)
		for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			const struct attn_case *c = &cases[i];
			struct taihu_attention_params p = { .scale = c->scale, .flags = c->flags };
			const unsigned int dt = float_dtypes[d];
			struct kbuf q, k, v, m, o;
			struct kbuf *t[5];
			unsigned int nin = attn_make(c, dt, &q, &k, &v, &m, &o, t);
			double rtol = dt == TAIHU_DTYPE_FP32 ? 1e-4 : dt == TAIHU_DTYPE_FP16 ? 2e-3 : 1.6e-2;
			double atol = dt == TAIHU_DTYPE_FP32 ? 2e-5 : rtol;

			tap_result(kt_fast_vs_ref(TAIHU_KERNEL_ATTENTION, &p, sizeof(p), t, nin, rtol, atol,
						  true, c->name),
				   "attention %s %s: fast path matches the reference", tk_dtype_name(dt),
				   c->name);
			attn_free(c, &q, &k, &v, &m, &o);
		}
}

static void test_checks(void)
{
	const struct attn_case c = { "checks", 1, 4, 2, 3, 5, 8, 6, 0, 1, 0.0f, KB_DENSE, KB_DENSE };
	struct taihu_attention_params p = { 0 };
	struct tap_check ck = { true };
	struct kbuf q, k, v, m, o;
	struct kbuf *t[5];
	unsigned int nin = attn_make(&c, TAIHU_DTYPE_FP32, &q, &k, &v, &m, &o, t);

	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_ATTENTION, &p, sizeof(p), t, nin, 1), 0);
	k.d.shape[1] = 3;	/* 3 K/V heads do not divide 4 query heads */
	v.d.shape[1] = 3;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_ATTENTION, &p, sizeof(p), t, nin, 1), TAIHU_REASON_SHAPE);
	k.d.shape[1] = 2;
	v.d.shape[1] = 2;
	k.d.shape[3] = 7;	/* K's D is not Q's */
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_ATTENTION, &p, sizeof(p), t, nin, 1), TAIHU_REASON_SHAPE);
	k.d.shape[3] = 8;
	m.d.shape[3] = 4;	/* the mask does not broadcast to [B, Hq, S, T] */
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_ATTENTION, &p, sizeof(p), t, nin, 1), TAIHU_REASON_SHAPE);
	m.d.shape[3] = 5;
	p.flags = 2;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_ATTENTION, &p, sizeof(p), t, nin, 1), TAIHU_REASON_PARAMS);
	p.flags = 0;
	p.scale = NAN;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_ATTENTION, &p, sizeof(p), t, nin, 1), TAIHU_REASON_PARAMS);
	p.scale = 0.0f;
	v.d.dtype = TAIHU_DTYPE_BF16;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_ATTENTION, &p, sizeof(p), t, nin, 1), TAIHU_REASON_DTYPE);
	v.d.dtype = TAIHU_DTYPE_FP32;
	o.d.addr = q.d.addr;	/* O over Q */
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_ATTENTION, &p, sizeof(p), t, nin, 1), TAIHU_REASON_OVERLAP);
	o.d.addr = (uintptr_t)o.mem;
	q.d.rank = 3;
	q.d.shape[3] = 0;
	q.d.strides[3] = 0;
	CHECK_EQ(&ck, kt_check(TAIHU_KERNEL_ATTENTION, &p, sizeof(p), t, nin, 1), TAIHU_REASON_RANK);
	tap_result(ck.ok, "attention packet checks: heads, D, mask shape, flags, scale, dtype, overlap, rank");
	q.d.rank = 4;
	attn_free(&c, &q, &k, &v, &m, &o);
}

int main(void)
{
	tap_init("test_kernels_attention");
	kt_seed(20260404);
	test_reference();
	test_fast();
	test_checks();
	return tap_finish();
}
