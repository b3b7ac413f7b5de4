// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Kernel kselftest helpers (taihu_kernel_util.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/kref.h"
#include "kernels/tensor.h"
#include "taihu_kernel_util.h"
#include "taihu_test_util.h"

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t rnd(void)
{
	rng = tt_mix64(rng + 1);
	return (uint32_t)(rng >> 32);
}

int ktt_new(struct taihu_device *dev, struct ktt *k, uint32_t placement, uint32_t dtype,
	    uint32_t rank, const uint64_t *shape, const int64_t *strides)
{
	uint32_t i;
	int ret;

	memset(k, 0, sizeof(*k));
	ret = taihu_tensor_init(&k->t, dtype, rank, shape, 0);
	if (ret)
		return ret;
	if (strides)
		for (i = 0; i < rank; i++)
			k->t.strides[i] = strides[i];
	k->bytes = taihu_tensor_bytes(&k->t);
	if (!k->bytes)
		return -EINVAL;
	k->host = calloc(1, k->bytes);
	if (!k->host)
		return -ENOMEM;
	ret = taihu_bo_create(dev, k->bytes, placement, &k->bo);
	if (ret) {
		free(k->host);
		k->host = NULL;
		return ret;
	}
	k->t.addr = taihu_bo_dev_addr(k->bo);
	/* Outputs start out as this pattern: what the kernel leaves alone keeps it. */
	memset(k->host, 0x5a, k->bytes);
	return taihu_bo_write(k->bo, 0, k->host, k->bytes);
}

void ktt_free(struct ktt *k)
{
	taihu_bo_free(k->bo);
	free(k->host);
	memset(k, 0, sizeof(*k));
}

/* The tensor as the card's element helpers see it. */
static void as_desc(const struct ktt *k, struct taihu_tensor_desc *d)
{
	uint32_t i;

	memset(d, 0, sizeof(*d));
	d->dtype = (uint8_t)k->t.dtype;
	d->rank = (uint8_t)k->t.rank;
	d->quant = (uint8_t)k->t.quant;
	d->scale = k->t.scale;
	d->zero_point = k->t.zero_point;
	for (i = 0; i < k->t.rank; i++) {
		d->shape[i] = (uint32_t)k->t.shape[i];
		d->strides[i] = k->t.strides[i];
	}
}

int ktt_fill(struct ktt *k, float lo, float hi)
{
	struct taihu_tensor_desc d;
	struct ktensor t;
	struct kwalk w;

	as_desc(k, &d);
	t.d = &d;
	t.p = k->host;
	t.ch_scale = NULL;
	t.ch_zp = NULL;
	kwalk_init(&w, d.rank, d.shape);
	kwalk_add(&w, &d);
	do {
		float f = lo + (hi - lo) * (float)(rnd() >> 8) * (1.0f / 16777216.0f);

		switch (d.dtype) {
		case TAIHU_DTYPE_INT8:
		case TAIHU_DTYPE_UINT8:
			k->host[w.off[0]] = (uint8_t)rnd();
			break;
		case TAIHU_DTYPE_INT32:
			kt_store_int32(&t, w.off[0], (int32_t)f);
			break;
		default:
			kt_store(&t, w.off[0], f, 0);
		}
	} while (kwalk_next(&w));
	return taihu_bo_write(k->bo, 0, k->host, k->bytes);
}

int ktt_submit(struct taihu_device *dev, struct taihu_cmdbuf *cb, struct ktt_run *r,
	       struct taihu_job_result *res)
{
	struct taihu_bo *bos[TAIHU_KERNEL_MAX_TENSORS];
	uint32_t n = 0, i;

	for (i = 0; i < r->n; i++)
		if (r->t[i])
			bos[n++] = r->t[i]->bo;
	memset(res, 0, sizeof(*res));
	res->size = sizeof(*res);
	return taihu_run(dev, cb, r->queue, bos, n, TT_JOB_TIMEOUT_NS, res);
}

/* Compare the card's output @got with the reference @want, laid out as @k. */
static int compare(const struct ktt *k, const uint8_t *got, const uint8_t *want, double rtol,
		   double atol, char *why, size_t why_len)
{
	struct taihu_tensor_desc d;
	struct ktensor tg, tw;
	struct kwalk w;
	uint64_t bad = 0, n = 0;

	as_desc(k, &d);
	tg = (struct ktensor){ .d = &d, .p = (uint8_t *)got };
	tw = (struct ktensor){ .d = &d, .p = (uint8_t *)want };
	kwalk_init(&w, d.rank, d.shape);
	kwalk_add(&w, &d);
	do {
		bool ok;

		n++;
		if (!tk_dtype_is_float(d.dtype)) {
			ok = kt_load_int(&tg, w.off[0]) == kt_load_int(&tw, w.off[0]);
		} else {
			double a = kt_load(&tg, w.off[0], 0), b = kt_load(&tw, w.off[0], 0);

			ok = isnan(a) || isnan(b) ? isnan(a) && isnan(b) :
			     isinf(a) || isinf(b) ? a == b : fabs(a - b) <= atol + rtol * fabs(b);
			if (!ok && !bad)
				snprintf(why, why_len, "element %llu: card %.9g, reference %.9g",
					 (unsigned long long)(n - 1), a, b);
		}
		if (!ok && !bad && !tk_dtype_is_float(d.dtype))
			snprintf(why, why_len, "element %llu: card %d, reference %d",
				 (unsigned long long)(n - 1), kt_load_int(&tg, w.off[0]),
				 kt_load_int(&tw, w.off[0]));
		bad += !ok;
	} while (kwalk_next(&w));
	if (bad) {
		size_t l = strlen(why);

		snprintf(why + l, why_len - l, " (%llu of %llu differ)", (unsigned long long)bad,
			 (unsigned long long)n);
		return -EIO;
	}
	return 0;
}

int ktt_run_check(struct taihu_device *dev, struct taihu_cmdbuf *cb, struct ktt_run *r,
		  struct taihu_job_result *res, char *why, size_t why_len)
{
	void *ptr[TAIHU_KERNEL_MAX_TENSORS] = { 0 };
	uint8_t *want[TAIHU_KERNEL_MAX_TENSORS] = { 0 }, *got = NULL;
	struct tk_error err;
	struct tk_packet pk;
	uint32_t i;
	int ret;

	why[0] = '\0';
	ret = ktt_submit(dev, cb, r, res);
	if (ret) {
		snprintf(why, why_len, "job: %s: ", taihu_strerror(ret));
		taihu_job_error(res, why + strlen(why), why_len - strlen(why));
		return ret;
	}
	/* The reference on the host copies; outputs start from the same pattern. */
	if (tk_parse(taihu_cmdbuf_data(cb), taihu_cmdbuf_size(cb), &pk, &err)) {
		snprintf(why, why_len, "packet: %s", err.msg);
		return -EINVAL;
	}
	for (i = 0; i < r->n; i++) {
		if (!r->t[i])
			continue;
		ptr[i] = r->t[i]->host;
		if (i >= pk.num_inputs) {
			want[i] = malloc(r->t[i]->bytes);
			if (!want[i]) {
				ret = -ENOMEM;
				goto out;
			}
			memcpy(want[i], r->t[i]->host, r->t[i]->bytes);
			ptr[i] = want[i];
		}
	}
	if (kref_run(taihu_cmdbuf_data(cb), taihu_cmdbuf_size(cb), ptr, NULL, NULL, true, &err)) {
		snprintf(why, why_len, "reference: %s", err.msg);
		ret = -EINVAL;
		goto out;
	}
	for (i = pk.num_inputs; i < r->n && !ret; i++) {
		if (!r->t[i])
			continue;
		got = malloc(r->t[i]->bytes);
		if (!got) {
			ret = -ENOMEM;
			break;
		}
		ret = taihu_bo_read(r->t[i]->bo, 0, got, r->t[i]->bytes);
		if (!ret)
			ret = compare(r->t[i], got, want[i], r->rtol, r->atol, why, why_len);
		/* Bytes between strided output elements are untouched. */
		if (!ret && memcmp(got, want[i], r->t[i]->bytes)) {
			struct taihu_tensor_desc d;
			struct kwalk w;
			uint8_t *mask = calloc(1, r->t[i]->bytes);
			unsigned int esz = taihu_dtype_size(r->t[i]->t.dtype);
			uint64_t b;

			if (!mask) {
				ret = -ENOMEM;
			} else {
				as_desc(r->t[i], &d);
				kwalk_init(&w, d.rank, d.shape);
				kwalk_add(&w, &d);
				do
					memset(mask + w.off[0] * esz, 1, esz);
				while (kwalk_next(&w));
				for (b = 0; b < r->t[i]->bytes && !ret; b++)
					if (!mask[b] && got[b] != 0x5a) {
						snprintf(why, why_len, "byte %llu between elements written",
							 (unsigned long long)b);
						ret = -EIO;
					}
				free(mask);
			}
		}
		free(got);
		got = NULL;
	}
out:
	for (i = 0; i < TAIHU_KERNEL_MAX_TENSORS; i++)
		free(want[i]);
	return ret;
}

void ktt_desc(struct taihu_tensor_desc *d, const struct ktt *k)
{
	uint32_t i;

	memset(d, 0, sizeof(*d));
	d->addr = k->t.addr;
	d->dtype = (uint8_t)k->t.dtype;
	d->rank = (uint8_t)k->t.rank;
	for (i = 0; i < k->t.rank; i++) {
		d->shape[i] = (uint32_t)k->t.shape[i];
		d->strides[i] = k->t.strides[i];
	}
}

void ktt_raw_kernel(struct taihu_cmdbuf *cb, uint16_t kernel, const struct taihu_tensor_desc *d,
		    uint8_t nin, uint8_t nout, const void *params, uint16_t psize)
{
	uint8_t pkt[16 + TAIHU_KERNEL_MAX_TENSORS * 128 + 64] = { 0 };
	struct taihu_pkt_kernel h = { 0 };
	size_t n = (size_t)nin + nout, size = 16 + n * 128 + ((psize + 7u) & ~7u);

	h.hdr.opcode = TAIHU_PKT_KERNEL;
	h.hdr.size = (uint16_t)size;
	h.kernel = kernel;
	h.num_inputs = nin;
	h.num_outputs = nout;
	h.params_size = psize;
	memcpy(pkt, &h, sizeof(h));
	memcpy(pkt + 16, d, n * 128);
	memcpy(pkt + 16 + n * 128, params, psize);
	taihu_cmdbuf_raw(cb, pkt, size);
}
