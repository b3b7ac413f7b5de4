// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Copy helpers: one COPY or FILL job between buffer objects, built,
 * submitted and waited for in one call.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include "taihu_internal.h"

/* 0 means the default; negative timeouts are refused. */
static int check_timeout(int64_t *timeout_ns)
{
	if (*timeout_ns < 0)
		return -EINVAL;
	if (*timeout_ns == 0)
		*timeout_ns = TAIHU_DEFAULT_TIMEOUT_NS;
	return 0;
}

/* Run the one-packet stream @cb on queue 0 with @bos (duplicates dropped). */
static int run_stream(struct taihu_device *dev, struct taihu_cmdbuf *cb,
		      struct taihu_bo *a, struct taihu_bo *b,
		      int64_t timeout_ns, struct taihu_job_result *result)
{
	struct taihu_job_result res = { .size = sizeof(res) };
	struct taihu_bo *bos[2] = { a, b };
	uint32_t n = (b && b != a) ? 2 : 1;
	int ret;

	if (result && taihu__sized_check(result, TAIHU__RESULT_SIZE_V1))
		return -EINVAL;
	ret = taihu_run(dev, cb, 0, bos, n, timeout_ns, &res);
	if (result && (!ret || ret == -TAIHU_EJOBFAILED))
		taihu__sized_out(result, &res, sizeof(res));
	return ret;
}

TAIHU_EXPORT int taihu_copy(struct taihu_bo *dst, uint64_t dst_offset,
			    struct taihu_bo *src, uint64_t src_offset,
			    uint64_t size, int64_t timeout_ns,
			    struct taihu_job_result *result)
{
	struct taihu_cmdbuf *cb;
	int ret;

	if (!dst || !src || !size)
		return -EINVAL;
	ret = check_timeout(&timeout_ns);
	if (ret)
		return ret;
	/* Device addresses are per open file: both must be of one file. */
	if (dst->dev != src->dev)
		return -EXDEV;
	ret = taihu__bo_range(dst, dst_offset, size);
	if (!ret)
		ret = taihu__bo_range(src, src_offset, size);
	if (ret)
		return ret;
	ret = taihu_cmdbuf_new(&cb);
	if (ret)
		return ret;
	/* Offsets were checked against the BOs: these sums cannot wrap. */
	ret = taihu_cmdbuf_copy(cb, src->dev_addr + src_offset,
				dst->dev_addr + dst_offset, size);
	if (ret >= 0)
		ret = run_stream(dst->dev, cb, dst, src, timeout_ns, result);
	taihu_cmdbuf_free(cb);
	return ret;
}

TAIHU_EXPORT int taihu_fill(struct taihu_bo *dst, uint64_t offset,
			    uint64_t size, uint32_t value, int64_t timeout_ns,
			    struct taihu_job_result *result)
{
	struct taihu_cmdbuf *cb;
	int ret;

	if (!dst || !size)
		return -EINVAL;
	ret = check_timeout(&timeout_ns);
	if (ret)
		return ret;
	ret = taihu__bo_range(dst, offset, size);
	if (ret)
		return ret;
	ret = taihu_cmdbuf_new(&cb);
	if (ret)
		return ret;
	ret = taihu_cmdbuf_fill(cb, dst->dev_addr + offset, size, value);
	if (ret >= 0)
		ret = run_stream(dst->dev, cb, dst, NULL, timeout_ns, result);
	taihu_cmdbuf_free(cb);
	return ret;
}
