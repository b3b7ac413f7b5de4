/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Helpers of the Taihu submission kselftests: CPU-mapped VRAM buffers for
 * semaphores and results, many small command streams packed into one
 * command buffer, gate jobs that hold a queue on a semaphore until the CPU
 * releases it, clocks, and the driver's debugfs files.
 */
#ifndef TAIHU_SUBMIT_UTIL_H
#define TAIHU_SUBMIT_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "taihu/taihu.h"
#include "taihu_test_util.h"

#define TS_MS	1000000LL	/* ns */
#define TS_S	1000000000LL	/* ns */

/* A VRAM buffer with its CPU mapping and device address, zeroed. */
struct ts_buf {
	struct taihu_bo *bo;
	uint8_t *p;
	uint64_t addr;
	uint64_t size;
};

int ts_buf_new(struct taihu_device *dev, uint64_t size, struct ts_buf *b);
void ts_buf_free(struct ts_buf *b);
/* Import @dmabuf_fd (a VRAM buffer of the same device) into @dev. */
int ts_buf_import(struct taihu_device *dev, int dmabuf_fd, struct ts_buf *b);
/* Store / load the 64-bit word at byte offset @off, ordered with the card. */
void ts_set64(struct ts_buf *b, uint64_t off, uint64_t v);
uint64_t ts_get64(const struct ts_buf *b, uint64_t off);

/* Many streams in one command buffer: each at its own 8-aligned offset. */
struct ts_pool {
	struct taihu_bo *bo;
	uint8_t *p;
	uint64_t size, used;
};

int ts_pool_new(struct taihu_device *dev, uint64_t size, struct ts_pool *pool);
void ts_pool_free(struct ts_pool *pool);
/* Append @cb's stream; point @job's cmd_bo/cmd_offset/cmd_len at it. */
int ts_pool_add(struct ts_pool *pool, const struct taihu_cmdbuf *cb,
		struct taihu_job *job);

/*
 * Submit @cb with the options of @job (its command fields are ignored);
 * the command buffer is released at once, the job keeps its own reference.
 */
int ts_submit(struct taihu_device *dev, const struct taihu_cmdbuf *cb,
	      const struct taihu_job *job, uint64_t *seqno);

/*
 * A job on @queue that stalls it until the semaphore at @sem_addr >= 1;
 * HIGH priority, so that no job of the file submitted after it runs first.
 */
int ts_submit_gate(struct taihu_device *dev, uint32_t queue, uint64_t sem_addr,
		   uint32_t out_sync, uint64_t *seqno);

/* /sys/kernel/debug/accel/<device>/@file of the device described by @desc. */
void ts_debugfs_path(const struct tt_device *desc, const char *file,
		     char *buf, size_t len);

/*
 * The debugfs "queues" file: per queue, the value of @key (e.g.
 * "submitted") in its "queue N: key value ..." line. Returns the number
 * of queues read (at most @max), or -errno.
 */
int ts_queue_counters(const struct tt_device *desc, const char *key,
		      uint64_t *vals, int max);

/* A distinct, non-zero 64-bit value for (@seed, @i). */
uint64_t ts_value(uint64_t seed, uint64_t i);

#endif /* TAIHU_SUBMIT_UTIL_H */
