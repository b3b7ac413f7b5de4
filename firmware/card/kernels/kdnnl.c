// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * oneDNN engine, streams and memory descriptors (kdnnl.h).
 */
#ifndef KERNELS_REFERENCE_ONLY
#include <pthread.h>
#include <string.h>

#include "kdnnl.h"

static pthread_once_t engine_once = PTHREAD_ONCE_INIT;
static dnnl_engine_t engine;
static pthread_key_t stream_key;

static void stream_destroy(void *s)
{
	dnnl_stream_destroy(s);
}

static void engine_init(void)
{
	if (dnnl_engine_create(&engine, dnnl_cpu, 0) != dnnl_success)
		engine = NULL;
	if (pthread_key_create(&stream_key, stream_destroy))
		engine = NULL;
}

dnnl_engine_t kd_engine(void)
{
	pthread_once(&engine_once, engine_init);
	return engine;
}

/* The calling thread's stream, destroyed when the thread exits. */
static dnnl_stream_t kd_stream(void)
{
	dnnl_stream_t s;

	if (!kd_engine())
		return NULL;
	s = pthread_getspecific(stream_key);
	if (s)
		return s;
	if (dnnl_stream_create(&s, engine, dnnl_stream_default_flags) != dnnl_success)
		return NULL;
	if (pthread_setspecific(stream_key, s)) {
		dnnl_stream_destroy(s);
		return NULL;
	}
	return s;
}

dnnl_data_type_t kd_dt(unsigned int dtype)
{
	switch (dtype) {
	case TAIHU_DTYPE_FP32:
		return dnnl_f32;
	case TAIHU_DTYPE_FP16:
		return dnnl_f16;
	case TAIHU_DTYPE_BF16:
		return dnnl_bf16;
	case TAIHU_DTYPE_INT8:
		return dnnl_s8;
	case TAIHU_DTYPE_UINT8:
		return dnnl_u8;
	case TAIHU_DTYPE_INT32:
		return dnnl_s32;
	}
	return dnnl_data_type_undef;
}

void kd_view_of(struct kd_view *v, const struct ktensor *t, unsigned int rank)
{
	const struct taihu_tensor_desc *d = t->d;
	unsigned int lead = rank - d->rank, i;

	memset(v, 0, sizeof(*v));
	v->p = t->p;
	v->dt = kd_dt(d->dtype);
	v->ndims = (int)rank;
	for (i = 0; i < rank; i++) {
		v->dims[i] = 1;
		v->strides[i] = 0;
	}
	for (i = 0; i < d->rank; i++) {
		bool bcast = d->strides[i] == 0 || d->shape[i] == 1;

		v->dims[lead + i] = bcast ? 1 : d->shape[i];
		v->strides[lead + i] = bcast ? 0 : d->strides[i];
	}
	/* oneDNN wants a stride for every dimension of 1 too: any that keeps it dense-ish. */
	for (i = rank; i-- > 0;)
		if (v->dims[i] == 1)
			v->strides[i] = i + 1 < rank ? v->strides[i + 1] * v->dims[i + 1] : 1;
}

void kd_view_dense(struct kd_view *v, void *p, dnnl_data_type_t dt, int ndims,
		   const dnnl_dim_t *dims)
{
	dnnl_dims_t d;
	int i;

	/* cppcheck does not read oneDNN's header: d is an array it fills. */
	// cppcheck-suppress uninitvar
	memcpy(d, dims, (size_t)ndims * sizeof(d[0]));	/* @dims may be v->dims */
	memset(v, 0, sizeof(*v));
	v->p = p;
	v->dt = dt;
	v->ndims = ndims;
	for (i = ndims; i-- > 0;) {
		v->dims[i] = d[i];
		v->strides[i] = i + 1 < ndims ? v->strides[i + 1] * v->dims[i + 1] : 1;
	}
}

int kd_md(dnnl_memory_desc_t *md, const struct kd_view *v)
{
	dnnl_dim_t strides[KD_MAX_DIMS];
	int i;

	/* A dimension of 1 may carry any stride; make it one oneDNN accepts. */
	for (i = 0; i < v->ndims; i++)
		strides[i] = v->strides[i] ? v->strides[i] : 1;
	return dnnl_memory_desc_init_by_strides(md, v->ndims, v->dims, v->dt, strides) ==
	       dnnl_success ? 0 : -1;
}

int kd_act_alg(const struct taihu_act *a, dnnl_alg_kind_t *alg, float *alpha, float *beta)
{
	*alpha = 0.0f;
	*beta = 0.0f;
	switch (a->op) {
	case TAIHU_ACT_RELU:
		*alg = dnnl_eltwise_relu;
		break;
	case TAIHU_ACT_LEAKY_RELU:
		*alg = dnnl_eltwise_relu;
		*alpha = a->alpha;
		break;
	case TAIHU_ACT_CLIP:
		*alg = dnnl_eltwise_clip_v2;
		*alpha = a->alpha;
		*beta = a->beta;
		break;
	case TAIHU_ACT_GELU_ERF:
		*alg = dnnl_eltwise_gelu_erf;
		break;
	case TAIHU_ACT_GELU_TANH:
		*alg = dnnl_eltwise_gelu_tanh;
		break;
	case TAIHU_ACT_SILU:
		*alg = dnnl_eltwise_swish;
		*alpha = 1.0f;
		break;
	case TAIHU_ACT_SIGMOID:
		*alg = dnnl_eltwise_logistic;
		break;
	case TAIHU_ACT_TANH:
		*alg = dnnl_eltwise_tanh;
		break;
	case TAIHU_ACT_EXP:
		*alg = dnnl_eltwise_exp;
		break;
	case TAIHU_ACT_SQRT:
		*alg = dnnl_eltwise_sqrt;
		break;
	case TAIHU_ACT_RECIPROCAL:
		*alg = dnnl_eltwise_pow;
		*alpha = 1.0f;
		*beta = -1.0f;
		break;
	case TAIHU_ACT_ABS:
		*alg = dnnl_eltwise_abs;
		break;
	case TAIHU_ACT_NEG:
		*alg = dnnl_eltwise_linear;
		*alpha = -1.0f;
		break;
	case TAIHU_ACT_LOG:
		*alg = dnnl_eltwise_log;
		break;
	default:	/* NONE needs no post-op; ERF has no oneDNN eltwise */
		return 1;
	}
	return 0;
}

int kd_append_act(dnnl_post_ops_t po, const struct taihu_act *a)
{
	dnnl_alg_kind_t alg;
	float alpha, beta;

	if (a->op == TAIHU_ACT_NONE)
		return 0;
	if (kd_act_alg(a, &alg, &alpha, &beta))
		return 1;
	return dnnl_post_ops_append_eltwise(po, 1.0f, alg, alpha, beta) == dnnl_success ? 0 : 1;
}

dnnl_primitive_desc_t kd_pd(const_dnnl_op_desc_t desc, const_dnnl_primitive_attr_t attr)
{
	dnnl_primitive_desc_t pd;

	if (!kd_engine())
		return NULL;
	if (dnnl_primitive_desc_create(&pd, desc, attr, engine, NULL) != dnnl_success)
		return NULL;
	{
		const char *impl = NULL;

		if (dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl) != dnnl_success ||
		    !impl || strstr(impl, "ref")) {
			dnnl_primitive_desc_destroy(pd);
			return NULL;
		}
	}
	return pd;
}

bool kd_int8_exact(void)
{
	return (dnnl_get_effective_cpu_isa() & 0x440) != 0;	/* a *_vnni ISA */
}

bool kd_fast_dtype(unsigned int dtype)
{
	switch (dtype) {
	case TAIHU_DTYPE_BF16:
		return (dnnl_get_effective_cpu_isa() & dnnl_cpu_isa_avx512_core) ==
		       dnnl_cpu_isa_avx512_core;
	case TAIHU_DTYPE_INT8:
	case TAIHU_DTYPE_UINT8:
		return kd_int8_exact();
	}
	return true;
}

bool kd_act_faithful(const struct taihu_act *a)
{
	switch (a->op) {
	case TAIHU_ACT_NONE:
	case TAIHU_ACT_GELU_ERF:
	case TAIHU_ACT_GELU_TANH:
	case TAIHU_ACT_SILU:
	case TAIHU_ACT_SIGMOID:
	case TAIHU_ACT_TANH:
	case TAIHU_ACT_SQRT:
	case TAIHU_ACT_RECIPROCAL:
		return true;
	}
	return false;
}

dnnl_primitive_attr_t kd_attr_act(const struct taihu_act *act)
{
	dnnl_primitive_attr_t attr = NULL;
	dnnl_post_ops_t po = NULL;
	bool ok;

	if (dnnl_primitive_attr_create(&attr) != dnnl_success)
		return NULL;
	/* The attribute keeps its own copy of the post-ops. */
	ok = dnnl_post_ops_create(&po) == dnnl_success && (!act || !kd_append_act(po, act)) &&
	     dnnl_primitive_attr_set_post_ops(attr, po) == dnnl_success;
	if (po)
		dnnl_post_ops_destroy(po);
	if (!ok) {
		dnnl_primitive_attr_destroy(attr);
		return NULL;
	}
	return attr;
}

int kd_execute_md(const_dnnl_primitive_desc_t pd, const struct kd_marg *args, int n)
{
	dnnl_exec_arg_t ea[16];
	dnnl_primitive_t prim = NULL;
	dnnl_stream_t s = kd_stream();
	int i, made = 0, ret = -1;

	if (!s || n > 16)
		return -1;
	for (i = 0; i < n; i++) {
		if (dnnl_memory_create(&ea[i].memory, args[i].md, engine, args[i].p) != dnnl_success)
			goto out;
		ea[i].arg = args[i].arg;
		made++;
	}
	if (dnnl_primitive_create(&prim, pd) != dnnl_success)
		goto out;
	if (dnnl_primitive_execute(prim, s, n, ea) == dnnl_success &&
	    dnnl_stream_wait(s) == dnnl_success)
		ret = 0;
out:
	if (prim)
		dnnl_primitive_destroy(prim);
	for (i = 0; i < made; i++)
		dnnl_memory_destroy(ea[i].memory);
	return ret;
}

int kd_reorder(const dnnl_memory_desc_t *smd, void *src, const dnnl_memory_desc_t *dmd, void *dst)
{
	const struct kd_marg args[2] = { { DNNL_ARG_FROM, smd, src }, { DNNL_ARG_TO, dmd, dst } };
	dnnl_primitive_desc_t pd;
	int ret;

	if (!kd_engine() ||
	    dnnl_reorder_primitive_desc_create(&pd, smd, engine, dmd, engine, NULL) != dnnl_success)
		return -1;
	ret = kd_execute_md(pd, args, 2);
	dnnl_primitive_desc_destroy(pd);
	return ret;
}

int kd_execute(const_dnnl_primitive_desc_t pd, const struct kd_arg *args, int n)
{
	dnnl_memory_desc_t md[16];
	struct kd_marg m[16];
	int i;

	if (n > 16)
		return -1;
	for (i = 0; i < n; i++) {
		if (kd_md(&md[i], args[i].v))
			return -1;
		m[i].arg = args[i].arg;
		m[i].md = &md[i];
		m[i].p = args[i].v->p;
	}
	return kd_execute_md(pd, m, n);
}
#endif /* KERNELS_REFERENCE_ONLY */
