// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Per-file job results and throttling. SUBMIT enters each armed job in the
 * file's table under its seqno; a callback on the job's finished fence
 * accounts its end (card time, its place on the queue) and moves it to the
 * list of ended results, of which the latest TAIHU_MAX_RESULTS are kept
 * for WAIT. The outcome itself is the hardware fence's (taihu_job.c).
 *
 * Locking: the table is an xarray with its own lock; eviction runs under
 * &taihu_file.submit_lock, so that it never races with a seqno being
 * entered. &taihu_results.ended_lock is IRQ-safe: the end callback runs
 * where fences signal, often in hard IRQ context under a queue lock. The
 * in-flight counts are atomics; a SUBMIT waits for them holding no lock.
 */

#include <linux/slab.h>

#include <drm/drm_print.h>

#include "taihu_drv.h"
#include "taihu_job.h"
#include "taihu_queue.h"
#include "taihu_results.h"

void taihu_results_init(struct taihu_results *results)
{
	u32 q;

	xa_init(&results->table);
	spin_lock_init(&results->ended_lock);
	INIT_LIST_HEAD(&results->ended);
	results->ended_count = 0;
	for (q = 0; q < TAIHU_MAX_QUEUES; q++) {
		atomic_set(&results->inflight[q], 0);
		init_waitqueue_head(&results->inflight_wq[q]);
		atomic64_set(&results->busy_ns[q], 0);
	}
}

struct taihu_result *taihu_result_alloc(void)
{
	struct taihu_result *result;

	result = kzalloc(sizeof(*result), GFP_KERNEL);
	if (!result)
		return NULL;
	kref_init(&result->ref);
	INIT_LIST_HEAD(&result->ended_link);
	return result;
}

static void taihu_result_release(struct kref *ref)
{
	struct taihu_result *result = container_of(ref, struct taihu_result, ref);

	dma_fence_put(result->done);
	kfree(result);
}

void taihu_result_put(struct taihu_result *result)
{
	if (result)
		kref_put(&result->ref, taihu_result_release);
}

static void taihu_results_place_freed(struct taihu_results *results, u32 qi)
{
	atomic_dec(&results->inflight[qi]);
	if (wq_has_sleeper(&results->inflight_wq[qi]))
		wake_up_all(&results->inflight_wq[qi]);
}

int taihu_results_throttle(struct taihu_file *tfile, u32 qi, bool nonblock)
{
	atomic_t *inflight = &tfile->results.inflight[qi];
	int ret;

	while (!atomic_add_unless(inflight, 1, TAIHU_MAX_INFLIGHT)) {
		if (nonblock)
			return -EAGAIN;
		ret = wait_event_interruptible(tfile->results.inflight_wq[qi],
					       atomic_read(inflight) <
					       TAIHU_MAX_INFLIGHT);
		if (ret)
			return ret;
	}
	return 0;
}

void taihu_results_unthrottle(struct taihu_file *tfile, u32 qi)
{
	taihu_results_place_freed(&tfile->results, qi);
}

/*
 * The job's finished fence signalled: account its end in its file. Runs
 * where the fence signals, often in hard IRQ context under the queue lock.
 */
static void taihu_result_ended(struct dma_fence *f, struct dma_fence_cb *cb)
{
	struct taihu_result *result = container_of(cb, struct taihu_result,
						   ended_cb);
	struct taihu_file *tfile = result->tfile;
	struct taihu_results *results = &tfile->results;
	struct taihu_outcome out;
	u32 qi = result->queue;
	unsigned long flags;

	if (taihu_job_outcome(tfile->tdev, f, &out) &&
	    out.end_ns > out.start_ns)
		atomic64_add(out.end_ns - out.start_ns, &results->busy_ns[qi]);
	atomic_dec(&tfile->tdev->queues[qi].jobs);

	spin_lock_irqsave(&results->ended_lock, flags);
	list_add_tail(&result->ended_link, &results->ended);
	results->ended_count++;
	spin_unlock_irqrestore(&results->ended_lock, flags);

	taihu_results_place_freed(results, qi);
}

int taihu_results_reserve(struct taihu_file *tfile, u64 seqno)
{
	lockdep_assert_held(&tfile->submit_lock);

	return xa_reserve(&tfile->results.table, seqno, GFP_KERNEL);
}

void taihu_results_unreserve(struct taihu_file *tfile, u64 seqno)
{
	lockdep_assert_held(&tfile->submit_lock);

	xa_release(&tfile->results.table, seqno);
}

void taihu_results_add(struct taihu_file *tfile, struct taihu_result *result,
		       u64 seqno, u32 qi, struct dma_fence *done)
{
	lockdep_assert_held(&tfile->submit_lock);

	result->done = dma_fence_get(done);
	result->tfile = tfile;
	result->seqno = seqno;
	result->queue = qi;
	/* Reserved: storing cannot fail. */
	xa_store(&tfile->results.table, seqno, result, GFP_KERNEL);
	atomic_inc(&tfile->tdev->queues[qi].jobs);
	/* A direct job may have ended already: account it now. */
	if (dma_fence_add_callback(done, &result->ended_cb, taihu_result_ended))
		taihu_result_ended(done, &result->ended_cb);
}

void taihu_results_evict(struct taihu_file *tfile)
{
	struct taihu_results *results = &tfile->results;
	struct taihu_result *old;

	lockdep_assert_held(&tfile->submit_lock);

	for (;;) {
		spin_lock_irq(&results->ended_lock);
		if (results->ended_count <= TAIHU_MAX_RESULTS) {
			spin_unlock_irq(&results->ended_lock);
			return;
		}
		old = list_first_entry(&results->ended, struct taihu_result,
				       ended_link);
		list_del_init(&old->ended_link);
		results->ended_count--;
		spin_unlock_irq(&results->ended_lock);

		xa_erase(&results->table, old->seqno);
		taihu_result_put(old);
	}
}

struct taihu_result *taihu_results_get(struct taihu_file *tfile, u64 seqno)
{
	struct taihu_result *result;

	xa_lock(&tfile->results.table);
	result = xa_load(&tfile->results.table, seqno);
	if (result)
		kref_get(&result->ref);
	xa_unlock(&tfile->results.table);
	return result;
}

void taihu_results_fini(struct taihu_file *tfile)
{
	struct taihu_results *results = &tfile->results;
	struct taihu_result *result;
	unsigned long seqno;

	/*
	 * Jobs may still run: detach their end callbacks from the file. A
	 * callback running now holds the fence lock, which removal takes.
	 */
	xa_for_each(&results->table, seqno, result) {
		if (dma_fence_remove_callback(result->done, &result->ended_cb))
			atomic_dec(&tfile->tdev->queues[result->queue].jobs);
		xa_erase(&results->table, seqno);
		taihu_result_put(result);
	}
	xa_destroy(&results->table);
}

void taihu_results_show_fdinfo(struct drm_printer *p, struct taihu_file *tfile)
{
	u32 q;

	for (q = 0; q < tfile->tdev->num_queues; q++)
		drm_printf(p, "drm-engine-q%u:\t%llu ns\n", q,
			   (u64)atomic64_read(&tfile->results.busy_ns[q]));
}
