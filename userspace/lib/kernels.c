// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Kernel appends: each call builds the KERNEL packet of taihu_cmdstream.h
 * and runs the card's own packet checks (firmware/common/kcheck.c) on it
 * before it goes into the stream, so that a bad call fails here, with the
 * reason the card would give and a message naming the field.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kcheck.h"
#include "taihu_internal.h"

/* The largest KERNEL packet: the header, every descriptor, the largest parameters. */
#define KERNEL_PKT_MAX	(sizeof(struct taihu_pkt_kernel) + \
			 TAIHU_KERNEL_MAX_TENSORS * sizeof(struct taihu_tensor_desc) + TK_PARAMS_MAX)

__attribute__((format(printf, 3, 4)))
static int arg_error(struct taihu_cmdbuf *cb, int err, const char *fmt, ...)
{
	char msg[192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	taihu__cmdbuf_set_error(cb, msg);
	return err;
}

/* The descriptor of tensor @t (slot @i of @kernel), or -EINVAL with the error set. */
static int to_desc(struct taihu_cmdbuf *cb, uint32_t kernel, unsigned int i,
		   const struct taihu_tensor *t, struct taihu_tensor_desc *d)
{
	const char *kname = tk_kernel_name(kernel);
	struct taihu_tensor v;
	unsigned int r;

	memset(d, 0, sizeof(*d));
	if (!t) {
		d->flags = TAIHU_TENSOR_ABSENT;
		return 0;
	}
	if (taihu__sized_in(&v, sizeof(v), t, sizeof(v)))
		return arg_error(cb, -EINVAL, "%s: %s: struct taihu_tensor size not set (or unknown fields set)",
				 kname, tk_operand_name(kernel, i));
	if (v.flags || v.rank > TAIHU_MAX_RANK || v.dtype > 0xff || v.quant > 0xff ||
	    v.quant_axis > 0xff)
		return arg_error(cb, -EINVAL, "%s: %s: flags, rank %u, dtype or quantisation out of range",
				 kname, tk_operand_name(kernel, i), v.rank);
	d->addr = v.addr;
	d->dtype = (uint8_t)v.dtype;
	d->rank = (uint8_t)v.rank;
	d->quant = (uint8_t)v.quant;
	d->quant_axis = (uint8_t)v.quant_axis;
	for (r = 0; r < v.rank; r++) {
		if (v.shape[r] > UINT32_MAX)
			return arg_error(cb, -EINVAL, "%s: %s: shape[%u] %llu exceeds %u", kname,
					 tk_operand_name(kernel, i), r,
					 (unsigned long long)v.shape[r], UINT32_MAX);
		d->shape[r] = (uint32_t)v.shape[r];
		d->strides[r] = v.strides[r];
	}
	d->scale = v.scale;
	d->zero_point = v.zero_point;
	d->scale_addr = v.scale_addr;
	d->zero_point_addr = v.zero_point_addr;
	return 0;
}

TAIHU_EXPORT int taihu_cmdbuf_kernel(struct taihu_cmdbuf *cb, uint32_t kernel,
				     const void *params, size_t params_size,
				     const struct taihu_tensor *const *tensors,
				     uint32_t num_inputs, uint32_t num_outputs)
{
	uint8_t pkt[KERNEL_PKT_MAX];
	struct taihu_pkt_kernel h;
	struct tk_packet parsed;
	struct tk_error err;
	uint32_t n = num_inputs + num_outputs, i;
	size_t size;

	if (!cb)
		return -EINVAL;
	if (!tk_kernel_name(kernel))
		return arg_error(cb, -EINVAL, "unknown kernel %u", kernel);
	if (num_inputs > TAIHU_KERNEL_MAX_TENSORS || n > TAIHU_KERNEL_MAX_TENSORS || !tensors)
		return arg_error(cb, -EINVAL, "%s: %u inputs and %u outputs", tk_kernel_name(kernel),
				 num_inputs, num_outputs);
	if (params_size > TK_PARAMS_MAX || (params_size && !params))
		return arg_error(cb, -EINVAL, "%s: %zu parameter bytes", tk_kernel_name(kernel),
				 params_size);
	size = sizeof(h) + n * sizeof(struct taihu_tensor_desc) + ((params_size + 7) & ~(size_t)7);
	memset(pkt, 0, sizeof(pkt));
	memset(&h, 0, sizeof(h));
	h.hdr.opcode = TAIHU_PKT_KERNEL;
	h.hdr.size = (uint16_t)size;
	h.kernel = (uint16_t)kernel;
	h.num_inputs = (uint8_t)num_inputs;
	h.num_outputs = (uint8_t)num_outputs;
	h.params_size = (uint16_t)params_size;
	memcpy(pkt, &h, sizeof(h));
	for (i = 0; i < n; i++) {
		struct taihu_tensor_desc d;
		/* Name operands by their slot of the kernel's full form. */
		unsigned int slot = i;

		if (i >= num_inputs) {
			struct tk_packet probe = { .kernel = (uint16_t)kernel,
						   .num_inputs = (uint8_t)num_inputs };
			slot = tk_slot(&probe, i);
		}
		if (to_desc(cb, kernel, slot, tensors[i], &d))
			return -EINVAL;
		memcpy(pkt + sizeof(h) + i * sizeof(d), &d, sizeof(d));
	}
	if (params_size)
		memcpy(pkt + sizeof(h) + n * sizeof(struct taihu_tensor_desc), params, params_size);
	if (tk_parse(pkt, size, &parsed, &err))
		return arg_error(cb, -EINVAL, "%s", err.msg);
	taihu__cmdbuf_set_error(cb, "");
	return taihu_cmdbuf_raw(cb, pkt, size);
}

static void act_of(struct taihu_act *a, uint32_t op, float alpha, float beta)
{
	memset(a, 0, sizeof(*a));
	a->op = op;
	a->alpha = alpha;
	a->beta = beta;
}

TAIHU_EXPORT void taihu_gemm_args_init(struct taihu_gemm_args *args)
{
	if (!args)
		return;
	memset(args, 0, sizeof(*args));
	args->size = sizeof(*args);
	args->alpha = 1.0f;
	args->beta = 1.0f;
}

/* The caller's options into @local (left as it is for NULL); -EINVAL for a bad size. */
static int args_in(struct taihu_cmdbuf *cb, const char *kname, void *local, size_t size,
		   const void *args)
{
	if (!args)
		return 0;
	if (taihu__sized_in(local, size, args, size))
		return arg_error(cb, -EINVAL, "%s: options: size not set (or unknown fields set)",
				 kname);
	return 0;
}

TAIHU_EXPORT int taihu_cmdbuf_gemm(struct taihu_cmdbuf *cb, const struct taihu_gemm_args *args,
				   const struct taihu_tensor *a, const struct taihu_tensor *b,
				   const struct taihu_tensor *c, const struct taihu_tensor *y)
{
	const struct taihu_tensor *t[4] = { a, b, c, y };
	struct taihu_gemm_params p = { 0 };
	struct taihu_gemm_args o;

	if (!cb)
		return -EINVAL;
	taihu_gemm_args_init(&o);
	if (args_in(cb, "gemm", &o, sizeof(o), args))
		return -EINVAL;
	p.flags = o.flags;
	p.alpha = o.alpha;
	p.beta = c ? o.beta : 0.0f;
	act_of(&p.act, o.act, o.act_alpha, o.act_beta);
	if (!c) {
		t[2] = y;
		return taihu_cmdbuf_kernel(cb, TAIHU_KERNEL_GEMM, &p, sizeof(p), t, 2, 1);
	}
	return taihu_cmdbuf_kernel(cb, TAIHU_KERNEL_GEMM, &p, sizeof(p), t, 3, 1);
}

static uint32_t one_if_zero(uint32_t v)
{
	return v ? v : 1;
}

TAIHU_EXPORT int taihu_cmdbuf_conv2d(struct taihu_cmdbuf *cb, const struct taihu_conv2d_args *args,
				     const struct taihu_tensor *x, const struct taihu_tensor *w,
				     const struct taihu_tensor *bias, const struct taihu_tensor *y)
{
	const struct taihu_tensor *t[4] = { x, w, bias, y };
	struct taihu_conv2d_params p = { 0 };
	struct taihu_conv2d_args o = { 0 };
	unsigned int d;

	if (!cb)
		return -EINVAL;
	if (args_in(cb, "conv2d", &o, sizeof(o), args))
		return -EINVAL;
	for (d = 0; d < 2; d++) {
		p.stride[d] = one_if_zero(o.stride[d]);
		p.dilation[d] = one_if_zero(o.dilation[d]);
		p.pad_begin[d] = o.pad_begin[d];
		p.pad_end[d] = o.pad_end[d];
	}
	p.groups = one_if_zero(o.groups);
	act_of(&p.act, o.act, o.act_alpha, o.act_beta);
	if (!bias) {
		t[2] = y;
		return taihu_cmdbuf_kernel(cb, TAIHU_KERNEL_CONV2D, &p, sizeof(p), t, 2, 1);
	}
	return taihu_cmdbuf_kernel(cb, TAIHU_KERNEL_CONV2D, &p, sizeof(p), t, 3, 1);
}

TAIHU_EXPORT int taihu_cmdbuf_pool2d(struct taihu_cmdbuf *cb, const struct taihu_pool2d_args *args,
				     const struct taihu_tensor *x, const struct taihu_tensor *y)
{
	const struct taihu_tensor *t[2] = { x, y };
	struct taihu_pool2d_params p = { 0 };
	struct taihu_pool2d_args o = { 0 };
	unsigned int d;

	if (!cb)
		return -EINVAL;
	if (args_in(cb, "pool2d", &o, sizeof(o), args))
		return -EINVAL;
	p.op = o.op;
	p.flags = o.flags;
	for (d = 0; d < 2; d++) {
		p.kernel[d] = o.kernel[d];
		p.stride[d] = one_if_zero(o.stride[d]);
		p.dilation[d] = one_if_zero(o.dilation[d]);
		p.pad_begin[d] = o.pad_begin[d];
		p.pad_end[d] = o.pad_end[d];
	}
	if (!o.kernel[0] && !o.kernel[1]) {
		/* Global pooling: the window is X's H x W. */
		struct taihu_tensor v;

		if (!x || taihu__sized_in(&v, sizeof(v), x, sizeof(v)) || v.rank != 4 ||
		    v.shape[2] > UINT32_MAX || v.shape[3] > UINT32_MAX)
			return arg_error(cb, -EINVAL, "pool2d: X: global pooling needs a rank-4 X");
		p.kernel[0] = (uint32_t)v.shape[2];
		p.kernel[1] = (uint32_t)v.shape[3];
	}
	return taihu_cmdbuf_kernel(cb, TAIHU_KERNEL_POOL2D, &p, sizeof(p), t, 1, 1);
}

TAIHU_EXPORT int taihu_cmdbuf_binary(struct taihu_cmdbuf *cb, uint32_t op, uint32_t act,
				     const struct taihu_tensor *a, const struct taihu_tensor *b,
				     const struct taihu_tensor *y)
{
	const struct taihu_tensor *t[3] = { a, b, y };
	struct taihu_binary_params p = { 0 };

	p.op = op;
	act_of(&p.act, act, 0.0f, 0.0f);
	return taihu_cmdbuf_kernel(cb, TAIHU_KERNEL_BINARY, &p, sizeof(p), t, 2, 1);
}

TAIHU_EXPORT int taihu_cmdbuf_unary(struct taihu_cmdbuf *cb, uint32_t op, float alpha, float beta,
				    const struct taihu_tensor *x, const struct taihu_tensor *y)
{
	const struct taihu_tensor *t[2] = { x, y };
	struct taihu_unary_params p;

	act_of(&p.act, op, alpha, beta);
	return taihu_cmdbuf_kernel(cb, TAIHU_KERNEL_UNARY, &p, sizeof(p), t, 1, 1);
}

static int softmax(struct taihu_cmdbuf *cb, uint32_t kernel, int32_t axis,
		   const struct taihu_tensor *x, const struct taihu_tensor *y)
{
	const struct taihu_tensor *t[2] = { x, y };
	struct taihu_softmax_params p = { .axis = axis };

	return taihu_cmdbuf_kernel(cb, kernel, &p, sizeof(p), t, 1, 1);
}

TAIHU_EXPORT int taihu_cmdbuf_softmax(struct taihu_cmdbuf *cb, int32_t axis,
				      const struct taihu_tensor *x, const struct taihu_tensor *y)
{
	return softmax(cb, TAIHU_KERNEL_SOFTMAX, axis, x, y);
}

TAIHU_EXPORT int taihu_cmdbuf_log_softmax(struct taihu_cmdbuf *cb, int32_t axis,
					  const struct taihu_tensor *x, const struct taihu_tensor *y)
{
	return softmax(cb, TAIHU_KERNEL_LOG_SOFTMAX, axis, x, y);
}

TAIHU_EXPORT int taihu_cmdbuf_layernorm(struct taihu_cmdbuf *cb, int32_t axis, float epsilon,
					const struct taihu_tensor *x,
					const struct taihu_tensor *gamma,
					const struct taihu_tensor *beta,
					const struct taihu_tensor *y)
{
	const struct taihu_tensor *t[4] = { x, gamma, beta, y };
	struct taihu_norm_params p = { .axis = axis, .epsilon = epsilon };

	return taihu_cmdbuf_kernel(cb, TAIHU_KERNEL_LAYERNORM, &p, sizeof(p), t, 3, 1);
}

TAIHU_EXPORT int taihu_cmdbuf_rmsnorm(struct taihu_cmdbuf *cb, int32_t axis, float epsilon,
				      const struct taihu_tensor *x,
				      const struct taihu_tensor *gamma,
				      const struct taihu_tensor *y)
{
	const struct taihu_tensor *t[3] = { x, gamma, y };
	struct taihu_norm_params p = { .axis = axis, .epsilon = epsilon };

	return taihu_cmdbuf_kernel(cb, TAIHU_KERNEL_RMSNORM, &p, sizeof(p), t, 2, 1);
}

TAIHU_EXPORT int taihu_cmdbuf_batchnorm(struct taihu_cmdbuf *cb, float epsilon, uint32_t act,
					const struct taihu_tensor *x,
					const struct taihu_tensor *scale,
					const struct taihu_tensor *bias,
					const struct taihu_tensor *mean,
					const struct taihu_tensor *var,
					const struct taihu_tensor *y)
{
	const struct taihu_tensor *t[6] = { x, scale, bias, mean, var, y };
	struct taihu_batchnorm_params p = { .epsilon = epsilon };

	act_of(&p.act, act, 0.0f, 0.0f);
	return taihu_cmdbuf_kernel(cb, TAIHU_KERNEL_BATCHNORM, &p, sizeof(p), t, 5, 1);
}

TAIHU_EXPORT int taihu_cmdbuf_reduce(struct taihu_cmdbuf *cb, uint32_t op, uint32_t axes,
				     const struct taihu_tensor *x, const struct taihu_tensor *y)
{
	const struct taihu_tensor *t[2] = { x, y };
	struct taihu_reduce_params p = { .op = op, .axes = axes };

	return taihu_cmdbuf_kernel(cb, TAIHU_KERNEL_REDUCE, &p, sizeof(p), t, 1, 1);
}

TAIHU_EXPORT int taihu_cmdbuf_transpose(struct taihu_cmdbuf *cb, const uint32_t *perm,
					const struct taihu_tensor *x, const struct taihu_tensor *y)
{
	const struct taihu_tensor *t[2] = { x, y };
	struct taihu_transpose_params p = { 0 };
	struct taihu_tensor v;
	unsigned int i;

	if (!cb)
		return -EINVAL;
	if (!perm || !x || taihu__sized_in(&v, sizeof(v), x, sizeof(v)) || v.rank > TAIHU_MAX_RANK)
		return arg_error(cb, -EINVAL, "transpose: perm or X missing");
	for (i = 0; i < v.rank; i++) {
		if (perm[i] >= TAIHU_MAX_RANK)
			return arg_error(cb, -EINVAL, "transpose: perm[%u] %u out of range", i,
					 perm[i]);
		p.perm[i] = (uint8_t)perm[i];
	}
	return taihu_cmdbuf_kernel(cb, TAIHU_KERNEL_TRANSPOSE, &p, sizeof(p), t, 1, 1);
}

TAIHU_EXPORT int taihu_cmdbuf_cast(struct taihu_cmdbuf *cb, const struct taihu_tensor *x,
				   const struct taihu_tensor *y)
{
	const struct taihu_tensor *t[2] = { x, y };
	struct taihu_cast_params p = { 0 };

	return taihu_cmdbuf_kernel(cb, TAIHU_KERNEL_CAST, &p, sizeof(p), t, 1, 1);
}

TAIHU_EXPORT int taihu_cmdbuf_attention(struct taihu_cmdbuf *cb, float scale, uint32_t flags,
					const struct taihu_tensor *q, const struct taihu_tensor *k,
					const struct taihu_tensor *v,
					const struct taihu_tensor *mask,
					const struct taihu_tensor *o)
{
	const struct taihu_tensor *t[5] = { q, k, v, mask, o };
	struct taihu_attention_params p = { .scale = scale, .flags = flags };

	if (!mask) {
		t[3] = o;
		return taihu_cmdbuf_kernel(cb, TAIHU_KERNEL_ATTENTION, &p, sizeof(p), t, 3, 1);
	}
	return taihu_cmdbuf_kernel(cb, TAIHU_KERNEL_ATTENTION, &p, sizeof(p), t, 4, 1);
}
