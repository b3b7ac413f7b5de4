// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Kernel steps of `taihu run` (run_kernel.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kcheck.h"
#include "kernels/kref.h"
#include "kernels/tensor.h"
#include "run_kernel.h"

#define KS_MAX_OPS	4

struct kstep {
	const char *text;
	unsigned int kernel;		/* TAIHU_KERNEL_* */
	uint32_t op;			/* BINARY / UNARY / POOL operation */
	unsigned int nin, nops;
	uint32_t dt, dt2;		/* the dtype; CAST's output dtype */
	uint32_t rank;
	uint64_t dims[TAIHU_MAX_RANK];	/* GEMM: M N K; CONV/POOL: N C H W */
	uint32_t k, stride, oc;		/* CONV / POOL window, stride, output channels */
	uint32_t perm[TAIHU_MAX_RANK];
	unsigned int terms;		/* products summed per output (tolerance) */
	double ops;
	struct taihu_tensor t[KS_MAX_OPS];
	struct taihu_bo *bo[KS_MAX_OPS];
	uint8_t *map[KS_MAX_OPS];
	uint8_t *pkt;			/* the packet as appended */
	size_t pkt_len;
};

static int usage(const char *text, const char *why)
{
	return cli_usage_error("run", "bad kernel step '%s': %s", text, why);
}

/* "AxBxC..." into @dims; the count, or -1. */
static int parse_dims(const char *s, const char **end, uint64_t *dims)
{
	int n = 0;

	for (;;) {
		char *e;
		unsigned long long v = strtoull(s, &e, 10);

		if (e == s || !v || v > (1u << 24) || n == TAIHU_MAX_RANK)
			return -1;
		dims[n++] = v;
		s = e;
		if (*s != 'x')
			break;
		s++;
	}
	*end = s;
	return n;
}

static bool quantised(uint32_t dt)
{
	return dt == TAIHU_DTYPE_INT8 || dt == TAIHU_DTYPE_UINT8;
}

/* The options after the dimensions: ":k3", ":s2", ":oc64", ":avg", ":max", dtypes. */
static int parse_opts(struct kstep *k, const char *s)
{
	while (*s == ':') {
		char tok[32];
		size_t n;
		int dt;

		s++;
		n = strcspn(s, ":");
		if (n >= sizeof(tok))
			return -1;
		memcpy(tok, s, n);
		tok[n] = '\0';
		s += n;
		dt = tk_dtype_by_name(tok);
		if (dt >= 0) {
			if (k->kernel == TAIHU_KERNEL_CAST && k->dt2 != UINT32_MAX)
				return -1;
			if (k->kernel == TAIHU_KERNEL_CAST && k->dt != UINT32_MAX)
				k->dt2 = (uint32_t)dt;
			else
				k->dt = (uint32_t)dt;
		} else if (!strcmp(tok, "avg") && k->kernel == TAIHU_KERNEL_POOL2D) {
			k->op = TAIHU_POOL_AVG;
		} else if (!strcmp(tok, "max") && k->kernel == TAIHU_KERNEL_POOL2D) {
			k->op = TAIHU_POOL_MAX;
		} else if (!strncmp(tok, "oc", 2) && tok[2]) {
			k->oc = (uint32_t)strtoul(tok + 2, NULL, 10);
		} else if ((tok[0] == 'k' || tok[0] == 's') && tok[1]) {
			char *e;
			unsigned long v = strtoul(tok + 1, &e, 10);

			if (*e || !v || v > 64)
				return -1;
			*(tok[0] == 'k' ? &k->k : &k->stride) = (uint32_t)v;
		} else if (k->kernel == TAIHU_KERNEL_TRANSPOSE && strspn(tok, "012345") == n &&
			   n == k->rank) {
			unsigned int i;

			for (i = 0; i < n; i++)
				k->perm[i] = (uint32_t)(tok[i] - '0');
		} else {
			return -1;
		}
	}
	return *s ? -1 : 0;
}

int kstep_parse(const char *text, struct kstep **out)
{
	const char *eq = strchr(text, '='), *rest;
	char name[24];
	struct kstep *k;
	int n, op;

	if (!eq || (size_t)(eq - text) >= sizeof(name))
		return 0;
	memcpy(name, text, (size_t)(eq - text));
	name[eq - text] = '\0';
	k = calloc(1, sizeof(*k));
	if (!k)
		return usage(text, "out of memory");
	k->text = text;
	k->dt = UINT32_MAX;
	k->dt2 = UINT32_MAX;
	k->stride = 1;
	if (!strcmp(name, "gemm")) {
		k->kernel = TAIHU_KERNEL_GEMM;
	} else if (!strcmp(name, "conv")) {
		k->kernel = TAIHU_KERNEL_CONV2D;
		k->k = 3;
	} else if (!strcmp(name, "pool")) {
		k->kernel = TAIHU_KERNEL_POOL2D;
		k->k = 3;
		k->stride = 2;
	} else if (!strcmp(name, "transpose")) {
		k->kernel = TAIHU_KERNEL_TRANSPOSE;
	} else if (!strcmp(name, "cast")) {
		k->kernel = TAIHU_KERNEL_CAST;
	} else if ((op = tk_binary_op_by_name(name)) >= 0) {
		k->kernel = TAIHU_KERNEL_BINARY;
		k->op = (uint32_t)op;
	} else if ((op = tk_act_by_name(name)) > 0) {
		k->kernel = TAIHU_KERNEL_UNARY;
		k->op = (uint32_t)op;
	} else {
		free(k);
		return 0;
	}
	*out = k;
	n = parse_dims(eq + 1, &rest, k->dims);
	if (n < 0)
		return usage(text, "dimensions are N1xN2x..., at most 6 of 1..16777216");
	k->rank = (uint32_t)n;
	for (op = 0; op < n; op++)
		k->perm[op] = (uint32_t)(n - 1 - op);	/* transpose: reversed by default */
	if (parse_opts(k, rest))
		return usage(text, "unknown option (see 'taihu run --help')");
	if (k->dt == UINT32_MAX)
		k->dt = TAIHU_DTYPE_FP32;
	if (k->kernel == TAIHU_KERNEL_CAST && k->dt2 == UINT32_MAX)
		return usage(text, "cast takes two dtypes: cast=DIMS:FROM:TO");
	if ((k->kernel == TAIHU_KERNEL_GEMM && n != 3) ||
	    ((k->kernel == TAIHU_KERNEL_CONV2D || k->kernel == TAIHU_KERNEL_POOL2D) && n != 4))
		return usage(text, k->kernel == TAIHU_KERNEL_GEMM ? "gemm=MxNxK" : "NxCxHxW");
	if (k->kernel == TAIHU_KERNEL_CONV2D && !k->oc)
		k->oc = (uint32_t)k->dims[1];
	return 1;
}

static uint64_t elems(const uint64_t *d, unsigned int n)
{
	uint64_t e = 1;
	unsigned int i;

	for (i = 0; i < n; i++)
		e *= d[i];
	return e;
}

/* Operand @i of @dtype and @rank dims @shape in a new mapped BO, quantised when int8. */
static int operand(struct kstep *k, struct taihu_device *dev, uint32_t placement, unsigned int i,
		   uint32_t dtype, unsigned int rank, const uint64_t *shape, float scale, int32_t zp)
{
	uint64_t bytes = elems(shape, rank) * tk_dtype_size(dtype);
	int ret;

	ret = taihu_bo_create(dev, (bytes + 4095) & ~4095ULL, placement, &k->bo[i]);
	if (!ret)
		ret = taihu_bo_map(k->bo[i], (void **)&k->map[i]);
	if (!ret)
		ret = taihu_tensor_bo(&k->t[i], k->bo[i], 0, dtype, rank, shape);
	if (!ret && quantised(dtype))
		ret = taihu_tensor_quantize(&k->t[i], scale, dtype == TAIHU_DTYPE_UINT8 ? zp + 128 : zp);
	return ret;
}

/* The descriptor the card's reference reads for operand @i. */
static void desc_of(const struct kstep *k, unsigned int i, struct taihu_tensor_desc *d)
{
	const struct taihu_tensor *t = &k->t[i];
	unsigned int r;

	memset(d, 0, sizeof(*d));
	d->addr = t->addr;
	d->dtype = (uint8_t)t->dtype;
	d->rank = (uint8_t)t->rank;
	d->quant = (uint8_t)t->quant;
	d->scale = t->scale;
	d->zero_point = t->zero_point;
	for (r = 0; r < t->rank; r++) {
		d->shape[r] = (uint32_t)t->shape[r];
		d->strides[r] = t->strides[r];
	}
}

/* Random inputs: floats in [-1, 1), raw integers for int8, small int32 values. */
static void fill(const struct kstep *k, unsigned int i, uint32_t *seed)
{
	struct taihu_tensor_desc d;
	struct ktensor t = { .d = &d, .p = k->map[i] };
	uint64_t n = taihu_tensor_elems(&k->t[i]), j;

	desc_of(k, i, &d);
	for (j = 0; j < n; j++) {
		uint32_t r;

		*seed = *seed * 1664525u + 1013904223u;
		r = *seed >> 8;
		if (quantised(d.dtype))
			k->map[i][j] = (uint8_t)r;
		else if (d.dtype == TAIHU_DTYPE_INT32)
			kt_store_int32(&t, j, (int32_t)(r % 4001) - 2000);
		else
			kt_store(&t, j, (float)r / 8388608.0f - 1.0f, 0);
	}
}

int kstep_setup(struct kstep *k, struct taihu_device *dev, uint32_t placement)
{
	const uint64_t *d = k->dims;
	const bool q = quantised(k->dt);
	uint32_t seed = 0x2545f491u;
	uint64_t s0[4], s1[4], s2[4];
	unsigned int i;
	int ret = 0;

	switch (k->kernel) {
	case TAIHU_KERNEL_GEMM:		/* A [M, K], B [K, N], Y [M, N] */
		s0[0] = d[0], s0[1] = d[2], s1[0] = d[2], s1[1] = d[1], s2[0] = d[0], s2[1] = d[1];
		k->nin = 2;
		ret = operand(k, dev, placement, 0, k->dt, 2, s0, 0.02f, -3) ?:
		      operand(k, dev, placement, 1, q ? TAIHU_DTYPE_INT8 : k->dt, 2, s1, 0.02f, 2) ?:
		      operand(k, dev, placement, 2, k->dt, 2, s2, 0.25f, 1);
		k->terms = (unsigned int)d[2];
		k->ops = 2.0 * d[0] * d[1] * d[2];
		break;
	case TAIHU_KERNEL_CONV2D: {	/* pad k / 2, bias, relu */
		uint64_t o0 = (d[2] + 2 * (k->k / 2) - k->k) / k->stride + 1;
		uint64_t o1 = (d[3] + 2 * (k->k / 2) - k->k) / k->stride + 1;
		uint64_t sb[1] = { k->oc };

		if (d[2] + 2 * (k->k / 2) < k->k || d[3] + 2 * (k->k / 2) < k->k)
			return -EINVAL;
		memcpy(s0, d, sizeof(s0));
		s1[0] = k->oc, s1[1] = d[1], s1[2] = k->k, s1[3] = k->k;
		s2[0] = d[0], s2[1] = k->oc, s2[2] = o0, s2[3] = o1;
		k->nin = 3;
		ret = operand(k, dev, placement, 0, k->dt, 4, s0, 0.02f, -3) ?:
		      operand(k, dev, placement, 1, q ? TAIHU_DTYPE_INT8 : k->dt, 4, s1, 0.01f, 0) ?:
		      operand(k, dev, placement, 2, q ? TAIHU_DTYPE_INT32 : k->dt, 1, sb, 0, 0) ?:
		      operand(k, dev, placement, 3, k->dt, 4, s2, 0.1f, -20);
		k->terms = (unsigned int)(d[1] * k->k * k->k);
		k->ops = 2.0 * elems(s2, 4) * k->terms;
		break;
	}
	case TAIHU_KERNEL_POOL2D: {	/* pad (k - 1) / 2 */
		uint32_t pad = (k->k - 1) / 2;

		if (d[2] + 2 * pad < k->k || d[3] + 2 * pad < k->k)
			return -EINVAL;
		memcpy(s0, d, sizeof(s0));
		s2[0] = d[0], s2[1] = d[1];
		s2[2] = (d[2] + 2 * pad - k->k) / k->stride + 1;
		s2[3] = (d[3] + 2 * pad - k->k) / k->stride + 1;
		k->nin = 1;
		ret = operand(k, dev, placement, 0, k->dt, 4, s0, 0.05f, 3) ?:
		      operand(k, dev, placement, 1, k->dt, 4, s2, 0.05f, 3);
		k->terms = 1;
		k->ops = (double)elems(s2, 4) * k->k * k->k;
		break;
	}
	case TAIHU_KERNEL_BINARY:
		k->nin = 2;
		ret = operand(k, dev, placement, 0, k->dt, k->rank, d, 0.02f, -5) ?:
		      operand(k, dev, placement, 1, k->dt, k->rank, d, 0.03f, 4) ?:
		      operand(k, dev, placement, 2, k->dt, k->rank, d, 0.05f, 0);
		k->terms = 1;
		k->ops = (double)elems(d, k->rank);
		break;
	case TAIHU_KERNEL_TRANSPOSE: {
		uint64_t sy[TAIHU_MAX_RANK];

		for (i = 0; i < k->rank; i++)
			sy[i] = d[k->perm[i]];
		k->nin = 1;
		ret = operand(k, dev, placement, 0, k->dt, k->rank, d, 0.05f, 3) ?:
		      operand(k, dev, placement, 1, k->dt, k->rank, sy, 0.05f, 3);
		k->ops = (double)elems(d, k->rank);
		break;
	}
	default:			/* UNARY, CAST */
		k->nin = 1;
		ret = operand(k, dev, placement, 0, k->dt, k->rank, d, 0.02f, -5) ?:
		      operand(k, dev, placement, 1, k->kernel == TAIHU_KERNEL_CAST ? k->dt2 : k->dt,
			      k->rank, d, 0.03f, 7);
		k->terms = 1;
		k->ops = (double)elems(d, k->rank);
	}
	k->nops = k->nin + 1;
	for (i = 0; !ret && i < k->nin; i++)
		fill(k, i, &seed);
	return ret;
}

int kstep_append(struct kstep *k, struct taihu_cmdbuf *cb)
{
	size_t before = taihu_cmdbuf_size(cb);
	const struct taihu_tensor *t = k->t;
	int ret;

	switch (k->kernel) {
	case TAIHU_KERNEL_GEMM:
		ret = taihu_cmdbuf_gemm(cb, NULL, &t[0], &t[1], NULL, &t[2]);
		break;
	case TAIHU_KERNEL_CONV2D: {
		struct taihu_conv2d_args a = { .size = sizeof(a), .act = TAIHU_ACT_RELU };

		a.stride[0] = a.stride[1] = k->stride;
		a.pad_begin[0] = a.pad_begin[1] = a.pad_end[0] = a.pad_end[1] = k->k / 2;
		ret = taihu_cmdbuf_conv2d(cb, &a, &t[0], &t[1], &t[2], &t[3]);
		break;
	}
	case TAIHU_KERNEL_POOL2D: {
		struct taihu_pool2d_args a = { .size = sizeof(a), .op = k->op };

		a.kernel[0] = a.kernel[1] = k->k;
		a.stride[0] = a.stride[1] = k->stride;
		a.pad_begin[0] = a.pad_begin[1] = a.pad_end[0] = a.pad_end[1] = (k->k - 1) / 2;
		ret = taihu_cmdbuf_pool2d(cb, &a, &t[0], &t[1]);
		break;
	}
	case TAIHU_KERNEL_BINARY:
		ret = taihu_cmdbuf_binary(cb, k->op, 0, &t[0], &t[1], &t[2]);
		break;
	case TAIHU_KERNEL_UNARY:
		ret = taihu_cmdbuf_unary(cb, k->op, k->op == TAIHU_ACT_LEAKY_RELU ? 0.1f :
					 k->op == TAIHU_ACT_CLIP ? -0.5f : 0.0f,
					 k->op == TAIHU_ACT_CLIP ? 0.5f : 0.0f, &t[0], &t[1]);
		break;
	case TAIHU_KERNEL_TRANSPOSE:
		ret = taihu_cmdbuf_transpose(cb, k->perm, &t[0], &t[1]);
		break;
	default:
		ret = taihu_cmdbuf_cast(cb, &t[0], &t[1]);
	}
	if (ret < 0)
		return ret;
	k->pkt_len = taihu_cmdbuf_size(cb) - before;
	free(k->pkt);
	k->pkt = malloc(k->pkt_len);
	if (!k->pkt)
		return -ENOMEM;
	memcpy(k->pkt, (const uint8_t *)taihu_cmdbuf_data(cb) + before, k->pkt_len);
	return 0;
}

void kstep_poison(struct kstep *k)
{
	memset(k->map[k->nin], 0x5a, taihu_tensor_bytes(&k->t[k->nin]));
}

int kstep_verify(struct kstep *k, char *detail, size_t len)
{
	void *ptr[KS_MAX_OPS] = { 0 };
	struct taihu_tensor_desc d;
	struct ktensor got, want;
	struct tk_error err;
	uint64_t n = taihu_tensor_elems(&k->t[k->nin]), j, bad = 0, first = 0;
	double rtol = k->dt == TAIHU_DTYPE_FP16 ? 2e-3 : k->dt == TAIHU_DTYPE_BF16 ? 1.6e-2 : 1e-4;
	double atol = (k->dt == TAIHU_DTYPE_FP16 ? 1e-4 : k->dt == TAIHU_DTYPE_BF16 ? 1e-3 : 2e-6) *
		      k->terms + 1e-3;
	unsigned int i;
	uint8_t *ref;

	ref = calloc(1, taihu_tensor_bytes(&k->t[k->nin]));
	if (!ref) {
		snprintf(detail, len, "out of memory");
		return 0;
	}
	for (i = 0; i < k->nin; i++)
		ptr[i] = k->map[i];
	ptr[k->nin] = ref;
	if (kref_run(k->pkt, k->pkt_len, ptr, NULL, NULL, true, &err)) {
		snprintf(detail, len, "the host reference refused the kernel: %s", err.msg);
		free(ref);
		return 0;
	}
	desc_of(k, k->nin, &d);
	got = (struct ktensor){ .d = &d, .p = k->map[k->nin] };
	want = (struct ktensor){ .d = &d, .p = ref };
	for (j = 0; j < n; j++) {
		bool ok;

		if (!tk_dtype_is_float(d.dtype)) {
			ok = kt_load_int(&got, j) == kt_load_int(&want, j);
		} else {
			double a = kt_load(&got, j, 0), b = kt_load(&want, j, 0);

			ok = (isnan(a) && isnan(b)) || fabs(a - b) <= atol + rtol * fabs(b);
		}
		if (!ok && !bad++)
			first = j;
	}
	if (bad)
		snprintf(detail, len, "%s: %llu of %llu outputs differ from the reference "
			 "(first at %llu: %g, want %g)", k->text, (unsigned long long)bad,
			 (unsigned long long)n, (unsigned long long)first,
			 (double)kt_load(&got, first, 0), (double)kt_load(&want, first, 0));
	free(ref);
	return !bad;
}

double kstep_ops(const struct kstep *k)
{
	return k->ops;
}

unsigned int kstep_bos(const struct kstep *k, struct taihu_bo **out)
{
	unsigned int i, n = 0;

	for (i = 0; i < KS_MAX_OPS; i++)
		if (k->bo[i])
			out[n++] = k->bo[i];
	return n;
}

void kstep_free(struct kstep *k)
{
	unsigned int i;

	if (!k)
		return;
	for (i = 0; i < KS_MAX_OPS; i++)
		taihu_bo_free(k->bo[i]);
	free(k->pkt);
	free(k);
}
