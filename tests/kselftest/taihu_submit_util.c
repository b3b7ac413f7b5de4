// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Helpers of the Taihu submission kselftests.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "taihu_submit_util.h"
#include "taihu_test_util.h"

static int map_buf(struct taihu_bo *bo, struct ts_buf *b)
{
	int ret;

	b->bo = bo;
	b->addr = taihu_bo_dev_addr(bo);
	b->size = taihu_bo_size(bo);
	ret = taihu_bo_map(bo, (void **)&b->p);
	if (ret) {
		taihu_bo_free(bo);
		memset(b, 0, sizeof(*b));
	}
	return ret;
}

int ts_buf_new(struct taihu_device *dev, uint64_t size, struct ts_buf *b)
{
	struct taihu_bo *bo;
	int ret;

	memset(b, 0, sizeof(*b));
	ret = taihu_bo_create(dev, size, DRM_TAIHU_PLACEMENT_VRAM, &bo);
	if (ret)
		return ret;
	ret = map_buf(bo, b);
	if (ret)
		return ret;
	memset(b->p, 0, b->size);
	__sync_synchronize();
	return 0;
}

int ts_buf_import(struct taihu_device *dev, int dmabuf_fd, struct ts_buf *b)
{
	struct taihu_bo *bo;
	int ret;

	memset(b, 0, sizeof(*b));
	ret = taihu_bo_import(dev, dmabuf_fd, &bo);
	if (ret)
		return ret;
	return map_buf(bo, b);
}

void ts_buf_free(struct ts_buf *b)
{
	taihu_bo_free(b->bo);
	memset(b, 0, sizeof(*b));
}

void ts_set64(struct ts_buf *b, uint64_t off, uint64_t v)
{
	/* One 64-bit store, drained from the write-combining buffer. */
	__atomic_store_n((uint64_t *)(b->p + off), v, __ATOMIC_SEQ_CST);
	__sync_synchronize();
}

uint64_t ts_get64(const struct ts_buf *b, uint64_t off)
{
	__sync_synchronize();
	return __atomic_load_n((const uint64_t *)(b->p + off), __ATOMIC_SEQ_CST);
}

int ts_pool_new(struct taihu_device *dev, uint64_t size, struct ts_pool *pool)
{
	int ret;

	memset(pool, 0, sizeof(*pool));
	ret = taihu_bo_create(dev, size, DRM_TAIHU_PLACEMENT_VRAM, &pool->bo);
	if (ret)
		return ret;
	ret = taihu_bo_map(pool->bo, (void **)&pool->p);
	if (ret) {
		taihu_bo_free(pool->bo);
		pool->bo = NULL;
		return ret;
	}
	pool->size = taihu_bo_size(pool->bo);
	return 0;
}

void ts_pool_free(struct ts_pool *pool)
{
	taihu_bo_free(pool->bo);
	memset(pool, 0, sizeof(*pool));
}

int ts_pool_add(struct ts_pool *pool, const struct taihu_cmdbuf *cb,
		struct taihu_job *job)
{
	size_t len = taihu_cmdbuf_size(cb);

	if (!len || len > pool->size - pool->used)
		return -ENOSPC;
	memcpy(pool->p + pool->used, taihu_cmdbuf_data(cb), len);
	/* Drain write-combining buffers before the card may read it. */
	__sync_synchronize();
	job->cmd_bo = pool->bo;
	job->cmd_offset = pool->used;
	job->cmd_len = (uint32_t)len;
	pool->used += (len + 7) & ~(size_t)7;
	return 0;
}

int ts_submit(struct taihu_device *dev, const struct taihu_cmdbuf *cb,
	      const struct taihu_job *job, uint64_t *seqno)
{
	struct taihu_bo *cmd;
	int ret;

	ret = taihu_submit_cmdbuf(dev, cb, job, seqno, &cmd);
	if (!ret)
		taihu_bo_free(cmd);
	return ret;
}

int ts_submit_gate(struct taihu_device *dev, uint32_t queue, uint64_t sem_addr,
		   uint32_t out_sync, uint64_t *seqno)
{
	struct taihu_job job = { .size = sizeof(job) };
	struct taihu_cmdbuf *cb;
	int ret;

	ret = taihu_cmdbuf_new(&cb);
	if (ret)
		return ret;
	ret = taihu_cmdbuf_sem_wait(cb, sem_addr, 1, TAIHU_CMDBUF_SEM_GEQUAL);
	if (ret >= 0) {
		job.queue = queue;
		/*
		 * Order holds per priority only: a later job of a higher
		 * priority could pass a gate that has not reached the ring.
		 * Nothing passes a HIGH gate submitted first.
		 */
		job.priority = DRM_TAIHU_PRIORITY_HIGH;
		job.out_sync_handle = out_sync;
		ret = ts_submit(dev, cb, &job, seqno);
	}
	taihu_cmdbuf_free(cb);
	return ret;
}

void ts_debugfs_path(const struct tt_device *desc, const char *file,
		     char *buf, size_t len)
{
	/* 6.12 names the accel debugfs directory after the PCI address. */
	snprintf(buf, len, "/sys/kernel/debug/accel/%s/%s", desc->pci_slot, file);
	if (access(buf, R_OK))
		snprintf(buf, len, "/sys/kernel/debug/accel/%u/%s", desc->minor,
			 file);
}

int ts_queue_counters(const struct tt_device *desc, const char *key,
		      uint64_t *vals, int max)
{
	char path[256], *line, *save = NULL, *tok, *save2;
	unsigned int q;
	uint8_t *data;
	size_t len;
	int n = 0, ret;

	ts_debugfs_path(desc, "queues", path, sizeof(path));
	ret = tt_read_file(path, &data, &len);
	if (ret)
		return ret;
	for (line = strtok_r((char *)data, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "queue %u:", &q) != 1 || (int)q >= max)
			continue;
		/* "key value" pairs after the colon. */
		tok = strtok_r(strchr(line, ':') + 1, " ", &save2);
		while (tok) {
			char *val = strtok_r(NULL, " ", &save2);

			if (!val)
				break;
			if (!strcmp(tok, key)) {
				vals[q] = strtoull(val, NULL, 0);
				if ((int)q + 1 > n)
					n = (int)q + 1;
			}
			tok = strtok_r(NULL, " ", &save2);
		}
	}
	free(data);
	return n;
}

uint64_t ts_value(uint64_t seed, uint64_t i)
{
	uint64_t w = tt_mix64(seed * 0x9e3779b97f4a7c15ULL + i + 1);

	return w ? w : 1;
}
