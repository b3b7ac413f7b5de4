// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * WAIT: for one job of the file by seqno (its finished fence, from the
 * file's result table), or for every job fenced on a buffer
 * (DRM_TAIHU_WAIT_BO), with an absolute deadline that never ends early;
 * then the outcome the job's hardware fence carries (taihu_job_outcome()).
 * A WAIT that may sleep asks the queues concerned for completion interrupts
 * at once for as long as it waits (interrupt moderation, taihu_queue.h).
 */

#include <linux/dma-fence.h>
#include <linux/dma-resv.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/sched.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/taihu_accel.h>

#include "taihu_drv.h"
#include "taihu_job.h"
#include "taihu_queue.h"
#include "taihu_results.h"
#include "taihu_wait.h"

/* Rounded up, one tick more: drm_timeout_abs_to_jiffies() rounds down. */
long taihu_deadline_to_jiffies(s64 deadline_ns)
{
	s64 left = deadline_ns - ktime_get_ns();

	if (left <= 0)
		return 0;
	return min_t(u64, DIV_ROUND_UP_ULL(left, TICK_NSEC) + 1,
		     MAX_SCHEDULE_TIMEOUT - 1);
}

/*
 * Under TCG, jiffies can catch up on lost ticks and end a jiffies timeout
 * before the clock reaches the deadline: the waits below go on until it
 * has, so that -ETIME never comes early.
 */
static int taihu_wait_fence(struct dma_fence *fence, s64 deadline_ns)
{
	long left;

	for (;;) {
		left = taihu_deadline_to_jiffies(deadline_ns);
		if (!left)
			return dma_fence_is_signaled(fence) ? 0 : -ETIME;
		left = dma_fence_wait_timeout(fence, true, left);
		if (left)
			return left < 0 ? left : 0;
	}
}

static int taihu_wait_resv(struct dma_resv *resv, s64 deadline_ns)
{
	long left;

	for (;;) {
		left = taihu_deadline_to_jiffies(deadline_ns);
		if (!left)
			return dma_resv_test_signaled(resv, DMA_RESV_USAGE_READ) ?
			       0 : -ETIME;
		left = dma_resv_wait_timeout(resv, DMA_RESV_USAGE_READ, true,
					     left);
		if (left)
			return left < 0 ? left : 0;
	}
}

/*
 * Of the ended Taihu jobs fenced on @resv (one per scheduler entity: a
 * later job of an entity replaces the earlier one), the one that ended
 * last; SUCCESS with zero timestamps when there is none. The reservation
 * is locked: the unlocked iterator skips signalled fences.
 */
static int taihu_resv_last_outcome(struct taihu_device *tdev,
				   struct dma_resv *resv,
				   struct taihu_outcome *best)
{
	struct dma_resv_iter cursor;
	struct taihu_outcome out;
	struct dma_fence *f;
	ktime_t best_ts = 0, ts;
	bool found = false;
	int ret;

	memset(best, 0, sizeof(*best));
	ret = dma_resv_lock_interruptible(resv, NULL);
	if (ret)
		return ret;
	dma_resv_for_each_fence(&cursor, resv, DMA_RESV_USAGE_READ, f) {
		if (!taihu_job_outcome(tdev, f, &out))
			continue;
		ts = dma_fence_timestamp(f);
		if (!found || ktime_after(ts, best_ts)) {
			*best = out;
			best_ts = ts;
			found = true;
		}
	}
	dma_resv_unlock(resv);
	return 0;
}

/*
 * A waiter that may sleep until @deadline_ns wants completions reported at
 * once (interrupt moderation): on the queue @qi, or on every queue for a
 * negative @qi. False if it will not sleep (a poll): nothing to put.
 */
static bool taihu_wait_irq_get(struct taihu_device *tdev, int qi,
			       s64 deadline_ns)
{
	u32 i;

	if (deadline_ns <= ktime_get_ns())
		return false;
	for (i = 0; i < tdev->num_queues; i++)
		if (qi < 0 || (int)i == qi)
			taihu_queue_irq_get(&tdev->queues[i]);
	return true;
}

static void taihu_wait_irq_put(struct taihu_device *tdev, int qi)
{
	u32 i;

	for (i = 0; i < tdev->num_queues; i++)
		if (qi < 0 || (int)i == qi)
			taihu_queue_irq_put(&tdev->queues[i]);
}

static int taihu_wait_bo(struct drm_device *drm, struct drm_file *file,
			 struct drm_taihu_wait *args, struct taihu_outcome *out)
{
	struct taihu_device *tdev = to_taihu_device(drm);
	struct drm_gem_object *obj;
	bool irq;
	int idx, ret;

	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;
	obj = drm_gem_object_lookup(file, args->handle);
	drm_dev_exit(idx);
	if (!obj)
		return -ENOENT;

	/* The buffer's jobs may be on any queue. */
	irq = !dma_resv_test_signaled(obj->resv, DMA_RESV_USAGE_READ) &&
	      taihu_wait_irq_get(tdev, -1, args->timeout_ns);
	ret = taihu_wait_resv(obj->resv, args->timeout_ns);
	if (irq)
		taihu_wait_irq_put(tdev, -1);
	if (!ret)
		ret = taihu_resv_last_outcome(to_taihu_device(drm), obj->resv,
					      out);
	drm_gem_object_put(obj);
	return ret;
}

static int taihu_wait_job(struct drm_device *drm, struct taihu_file *tfile,
			  struct drm_taihu_wait *args,
			  struct taihu_outcome *out)
{
	struct taihu_device *tdev = to_taihu_device(drm);
	struct taihu_result *result;
	bool irq;
	int idx, ret;

	/* Only around the lookup: a long wait must not hold up unplug. */
	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;
	result = taihu_results_get(tfile, args->seqno);
	drm_dev_exit(idx);

	if (!result)
		return -ENOENT;

	irq = !dma_fence_is_signaled(result->done) &&
	      taihu_wait_irq_get(tdev, result->queue, args->timeout_ns);
	ret = taihu_wait_fence(result->done, args->timeout_ns);
	if (irq)
		taihu_wait_irq_put(tdev, result->queue);
	if (!ret && !taihu_job_outcome(tdev, result->done, out))
		ret = -EIO;	/* never: the fence is a job's, signalled */
	taihu_result_put(result);
	return ret;
}

int taihu_wait_ioctl(struct drm_device *drm, void *data,
		     struct drm_file *file)
{
	struct taihu_file *tfile = file->driver_priv;
	struct drm_taihu_wait *args = data;
	struct taihu_outcome out;
	int ret;

	if ((args->flags & ~DRM_TAIHU_WAIT_BO) || args->pad)
		return -EINVAL;

	if (args->flags & DRM_TAIHU_WAIT_BO) {
		if (args->seqno)
			return -EINVAL;
		ret = taihu_wait_bo(drm, file, args, &out);
	} else {
		if (args->handle)
			return -EINVAL;
		ret = taihu_wait_job(drm, tfile, args, &out);
	}
	if (ret)
		return ret;

	args->status = out.status;
	args->error_offset = out.error_offset;
	args->start_ns = out.start_ns;
	args->end_ns = out.end_ns;
	args->error_addr = out.error_addr;
	args->error_access = out.error_access;
	args->error_reason = out.error_reason;
	args->error_detail = out.error_detail;
	return 0;
}
