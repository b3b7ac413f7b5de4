// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * One-call kernels on host arrays, and descriptions of kernel failures.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kcheck.h"
#include "taihu_internal.h"

TAIHU_EXPORT char *taihu_job_error(const struct taihu_job_result *r, char *buf, size_t len)
{
	char what[160] = "";

	if (!buf || !len)
		return buf;
	buf[0] = '\0';
	if (!r)
		return buf;
	switch (r->status) {
	case DRM_TAIHU_JOB_INVALID_KERNEL:
	case DRM_TAIHU_JOB_UNSUPPORTED:
		tk_describe(r->error_reason, r->error_detail, what, sizeof(what));
		break;
	case DRM_TAIHU_JOB_MMU_FAULT:
	case DRM_TAIHU_JOB_DMA_ERROR:
		snprintf(what, sizeof(what), "%s of 0x%llx", taihu_access_name(r->error_access),
			 (unsigned long long)r->error_addr);
		break;
	}
	if (r->status == DRM_TAIHU_JOB_SUCCESS)
		snprintf(buf, len, "%s", taihu_job_status_name(r->status));
	else
		snprintf(buf, len, "%s at offset %u%s%s", taihu_job_status_name(r->status),
			 r->error_offset, what[0] ? ": " : "", what);
	return buf;
}

TAIHU_EXPORT int taihu_run_host(struct taihu_device *dev, struct taihu_host_kernel *op,
				int64_t timeout_ns, struct taihu_job_result *result)
{
	struct taihu_tensor dt[TAIHU_KERNEL_MAX_TENSORS];
	const struct taihu_tensor *tp[TAIHU_KERNEL_MAX_TENSORS];
	struct taihu_bo *bos[TAIHU_KERNEL_MAX_TENSORS] = { 0 };
	uint64_t bytes[TAIHU_KERNEL_MAX_TENSORS] = { 0 };
	struct taihu_host_kernel o;
	struct taihu_cmdbuf *cb = NULL;
	uint32_t n, i, nbo = 0;
	int ret;

	if (!dev || !op || taihu__sized_in(&o, sizeof(o), op, sizeof(o)))
		return -EINVAL;
	n = o.num_inputs + o.num_outputs;
	if (o.num_inputs > TAIHU_KERNEL_MAX_TENSORS || n > TAIHU_KERNEL_MAX_TENSORS || timeout_ns < 0)
		return -EINVAL;
	if (!timeout_ns)
		timeout_ns = TAIHU_DEFAULT_TIMEOUT_NS;
	ret = taihu_cmdbuf_new(&cb);
	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		tp[i] = NULL;
		if (!o.tensors[i])
			continue;
		if (taihu__sized_in(&dt[i], sizeof(dt[i]), o.tensors[i], sizeof(dt[i])) ||
		    dt[i].quant == TAIHU_QUANT_CHANNEL || !o.data[i] ||
		    !(bytes[i] = taihu_tensor_bytes(&dt[i]))) {
			snprintf(op->error, sizeof(op->error),
				 "tensor %u: malformed, per-channel or without data", i);
			ret = -EINVAL;
			goto out;
		}
		dt[i].size = sizeof(dt[i]);
		ret = taihu_bo_create(dev, bytes[i], o.placement, &bos[nbo]);
		if (ret)
			goto out;
		/* Outputs too: bytes between strided elements keep their values. */
		ret = taihu_bo_write(bos[nbo], 0, o.data[i], bytes[i]);
		if (ret)
			goto out_bo;
		dt[i].addr = taihu_bo_dev_addr(bos[nbo]);
		tp[i] = &dt[i];
		nbo++;
	}
	ret = taihu_cmdbuf_kernel(cb, o.kernel, o.params, o.params_size, tp, o.num_inputs,
				  o.num_outputs);
	if (ret < 0) {
		snprintf(op->error, sizeof(op->error), "%s", taihu_cmdbuf_error(cb));
		goto out;
	}
	ret = taihu_run(dev, cb, o.queue, bos, nbo, timeout_ns, result);
	if (ret)
		goto out;
	for (i = 0, nbo = 0; i < n; i++) {
		if (!tp[i])
			continue;
		if (i >= o.num_inputs) {
			ret = taihu_bo_read(bos[nbo], 0, o.data[i], bytes[i]);
			if (ret)
				goto out;
		}
		nbo++;
	}
	goto out;
out_bo:
	nbo++;
out:
	for (i = 0; i < nbo; i++)
		taihu_bo_free(bos[i]);
	taihu_cmdbuf_free(cb);
	return ret;
}

TAIHU_EXPORT int taihu_gemm_host(struct taihu_device *dev, uint32_t dtype, uint64_t m,
				 uint64_t n, uint64_t k, const void *a, const void *b, void *y,
				 struct taihu_job_result *result)
{
	struct taihu_gemm_params p = { .alpha = 1.0f };
	struct taihu_tensor ta, tb, ty;
	struct taihu_host_kernel op;
	const uint64_t sa[2] = { m, k }, sb[2] = { k, n }, sy[2] = { m, n };

	if (!tk_dtype_is_float(dtype) || !a || !b || !y ||
	    taihu_tensor_init(&ta, dtype, 2, sa, 0) || taihu_tensor_init(&tb, dtype, 2, sb, 0) ||
	    taihu_tensor_init(&ty, dtype, 2, sy, 0))
		return -EINVAL;
	memset(&op, 0, sizeof(op));
	op.size = sizeof(op);
	op.kernel = TAIHU_KERNEL_GEMM;
	op.params = &p;
	op.params_size = sizeof(p);
	op.num_inputs = 2;
	op.num_outputs = 1;
	op.placement = DRM_TAIHU_PLACEMENT_VRAM;
	op.tensors[0] = &ta;
	op.tensors[1] = &tb;
	op.tensors[2] = &ty;
	/* The library only reads the inputs. */
	op.data[0] = (void *)(uintptr_t)a;
	op.data[1] = (void *)(uintptr_t)b;
	op.data[2] = y;
	return taihu_run_host(dev, &op, 0, result);
}
