/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The per-file table of job results (seqno -> the job's finished fence, for
 * WAIT) and the per-file, per-queue limit of jobs in flight (throttling),
 * with the accounting done when a job ends (busy time for fdinfo).
 */
#ifndef __TAIHU_RESULTS_H__
#define __TAIHU_RESULTS_H__

#include <linux/atomic.h>
#include <linux/dma-fence.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/xarray.h>

#include "taihu_card_api.h"

struct drm_printer;
struct taihu_file;

/*
 * Ended results a file keeps besides those of its jobs in flight; older
 * ones are dropped at SUBMIT and WAIT says -ENOENT.
 */
#define TAIHU_MAX_RESULTS		4096
/* Jobs a file may have not ended per queue before SUBMIT waits. */
#define TAIHU_MAX_INFLIGHT		16384

/**
 * struct taihu_result - a job of the file, by seqno
 * @ref: reference count (the table, and WAITs looking at it)
 * @done: the job's scheduler finished fence, referenced; its outcome is
 *	read through it (taihu_job_outcome()) once it has signalled
 * @tfile: the file
 * @seqno: the job's seqno in @tfile
 * @queue: the job's hardware queue
 * @ended_cb: callback on @done that accounts the job's end in @tfile
 * @ended_link: entry in the file's list of ended results, under
 *	&taihu_results.ended_lock
 */
struct taihu_result {
	struct kref ref;
	struct dma_fence *done;
	struct taihu_file *tfile;
	u64 seqno;
	u32 queue;
	struct dma_fence_cb ended_cb;
	struct list_head ended_link;
};

/**
 * struct taihu_results - a file's results and in-flight counts
 * @table: seqno -> &struct taihu_result of every job not ended and of the
 *	latest ended ones; an xarray with its own lock
 * @ended_lock: protects @ended and @ended_count; IRQ-safe (jobs end where
 *	fences signal, under the queue lock)
 * @ended: results of ended jobs still in @table, in the order they ended
 * @ended_count: entries of @ended
 * @inflight: per queue, jobs of the file armed (or being submitted) and
 *	not ended, at most TAIHU_MAX_INFLIGHT
 * @inflight_wq: per queue, SUBMITs waiting for @inflight to drop
 * @busy_ns: per queue, card time of the file's ended jobs (fdinfo)
 */
struct taihu_results {
	struct xarray table;
	spinlock_t ended_lock; /* ended list; IRQ-safe */
	struct list_head ended;
	u32 ended_count;
	atomic_t inflight[TAIHU_MAX_QUEUES];
	wait_queue_head_t inflight_wq[TAIHU_MAX_QUEUES];
	atomic64_t busy_ns[TAIHU_MAX_QUEUES];
};

/**
 * taihu_results_init() - set up an empty table
 * @results: the file's results
 */
void taihu_results_init(struct taihu_results *results);

/**
 * taihu_results_fini() - detach the file from its jobs and drop the table
 * @tfile: the file, whose entities are destroyed already
 *
 * Jobs on the card may end later; they no longer touch the file.
 */
void taihu_results_fini(struct taihu_file *tfile);

/**
 * taihu_results_throttle() - take one of the file's places on a queue
 * @tfile: the file
 * @qi: the queue
 * @nonblock: fail with -EAGAIN instead of waiting
 *
 * Waits, interruptibly and holding no lock, for a job of the file on @qi
 * to end while the file has TAIHU_MAX_INFLIGHT there.
 *
 * Return: 0, -EAGAIN or -ERESTARTSYS.
 */
int taihu_results_throttle(struct taihu_file *tfile, u32 qi, bool nonblock);

/**
 * taihu_results_unthrottle() - give back a place taken for a job that was
 *	never pushed
 * @tfile: the file
 * @qi: the queue
 */
void taihu_results_unthrottle(struct taihu_file *tfile, u32 qi);

/**
 * taihu_result_alloc() - allocate a result for a job about to be armed
 *
 * Return: the result with one reference, or NULL.
 */
struct taihu_result *taihu_result_alloc(void);

/**
 * taihu_result_put() - drop a reference to a result
 * @result: the result, or NULL
 *
 * Callable in hard IRQ context.
 */
void taihu_result_put(struct taihu_result *result);

/**
 * taihu_results_reserve() - reserve the table slot of @seqno
 * @tfile: the file
 * @seqno: the seqno the next job will get
 *
 * Called under &taihu_file.submit_lock before arming, so that nothing
 * fails after it.
 *
 * Return: 0 or -ENOMEM.
 */
int taihu_results_reserve(struct taihu_file *tfile, u64 seqno);

/**
 * taihu_results_unreserve() - give back a slot no job was entered in
 * @tfile: the file, with &taihu_file.submit_lock held
 * @seqno: reserved with taihu_results_reserve()
 */
void taihu_results_unreserve(struct taihu_file *tfile, u64 seqno);

/**
 * taihu_results_add() - enter an armed job, not pushed yet, or a direct one
 * @tfile: the file, with &taihu_file.submit_lock held
 * @result: from taihu_result_alloc(); the table takes that reference
 * @seqno: the job's seqno, reserved with taihu_results_reserve()
 * @qi: the job's queue
 * @done: the job's finished fence (a direct job's: its hardware fence,
 *	which may have signalled already); the result takes a reference
 *
 * The job's end is then accounted when @done signals: its busy time, its
 * place on the queue, and its result joins the ended ones.
 */
void taihu_results_add(struct taihu_file *tfile, struct taihu_result *result,
		       u64 seqno, u32 qi, struct dma_fence *done);

/**
 * taihu_results_evict() - keep at most TAIHU_MAX_RESULTS ended results
 * @tfile: the file, with &taihu_file.submit_lock held
 */
void taihu_results_evict(struct taihu_file *tfile);

/**
 * taihu_results_get() - look a job up by seqno
 * @tfile: the file
 * @seqno: the job's seqno
 *
 * Return: the result with a reference the caller puts, or NULL when the
 * file holds no result for @seqno.
 */
struct taihu_result *taihu_results_get(struct taihu_file *tfile, u64 seqno);

/**
 * taihu_results_show_fdinfo() - print the file's busy time per queue
 * @p: the printer
 * @tfile: the file
 *
 * One "drm-engine-q<N>: <ns> ns" line per hardware queue: the card time of
 * the file's ended jobs on that queue.
 */
void taihu_results_show_fdinfo(struct drm_printer *p, struct taihu_file *tfile);

#endif /* __TAIHU_RESULTS_H__ */
