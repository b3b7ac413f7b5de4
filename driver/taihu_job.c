// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Job lifecycle. Each hardware queue is fed by a drm_sched scheduler; each
 * open file has an entity per queue and priority. The scheduler's run_job
 * writes the job's ring entry (taihu_queue.c), whose hardware fence then
 * carries the job's outcome; free_job and the timeout handler release what
 * the job holds. How jobs are built is taihu_submit.c's business; a job
 * with nothing to wait for may skip the scheduler (taihu_direct.c).
 *
 * A job runs in its file's device context and holds that context, its
 * buffers and their mappings there until it is freed, so nothing it may
 * touch is unmapped while the card can run it. A context that took an MMU
 * fault runs no more jobs: those not yet handed to the card end as
 * cancelled.
 */

#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include <drm/drm_drv.h>
#include <drm/drm_gem.h>
#include <drm/drm_managed.h>
#include <drm/gpu_scheduler.h>
#include <drm/taihu_accel.h>

#include "taihu_coredump.h"
#include "taihu_direct.h"
#include "taihu_drv.h"
#include "taihu_gem.h"
#include "taihu_job.h"
#include "taihu_mmu.h"
#include "taihu_netlink.h"
#include "taihu_queue.h"
#include "taihu_recovery.h"

static struct taihu_job *to_taihu_job(struct drm_sched_job *sched_job)
{
	return container_of(sched_job, struct taihu_job, base);
}

static const enum drm_sched_priority taihu_sched_prio[TAIHU_NUM_PRIORITIES] = {
	[DRM_TAIHU_PRIORITY_LOW] = DRM_SCHED_PRIORITY_LOW,
	[DRM_TAIHU_PRIORITY_NORMAL] = DRM_SCHED_PRIORITY_NORMAL,
	[DRM_TAIHU_PRIORITY_HIGH] = DRM_SCHED_PRIORITY_HIGH,
};

static bool taihu_is_own_sched(struct taihu_device *tdev,
			       const struct drm_gpu_scheduler *sched);

/* The queue of @tdev that a job's fence @f (hardware or finished) is on. */
static struct taihu_queue *taihu_job_fence_queue(struct taihu_device *tdev,
						 struct dma_fence *f)
{
	struct drm_sched_fence *s_fence = to_drm_sched_fence(f);

	if (!s_fence)
		return taihu_fence_queue(tdev, f);
	if (f != &s_fence->finished || !taihu_is_own_sched(tdev, s_fence->sched))
		return NULL;
	return container_of(s_fence->sched, struct taihu_queue, sched);
}

void taihu_job_deps_want_irq(struct taihu_job *job)
{
	struct taihu_queue *q;
	struct dma_fence *dep;
	unsigned long i;

	xa_for_each(&job->base.dependencies, i, dep) {
		if (dma_fence_is_signaled(dep))
			continue;
		q = taihu_job_fence_queue(job->tdev, dep);
		if (!q || (job->irq_queues & BIT(q->index)))
			continue;
		job->irq_queues |= BIT(q->index);
		taihu_queue_irq_get(q);
	}
}

static void taihu_job_deps_irq_put(struct taihu_job *job)
{
	u32 i;

	for (i = 0; job->irq_queues; i++) {
		if (job->irq_queues & BIT(i))
			taihu_queue_irq_put(&job->tdev->queues[i]);
		job->irq_queues &= ~BIT(i);
	}
}

/* Release what a job holds; drm_sched_job_cleanup() is the caller's. */
static void taihu_job_destroy(struct taihu_job *job)
{
	struct taihu_device *tdev = job->tdev;
	u32 i;

	/* A job killed before it ran. */
	taihu_job_deps_irq_put(job);
	if (job->hw_fence_live)
		dma_fence_put(&job->hw_fence->base);
	else
		kfree(job->hw_fence);

	/* Mappings before their buffers, then the context. */
	for (i = 0; i < job->map_count; i++)
		taihu_bo_map_put(job->maps[i]);
	kvfree(job->maps);

	if (job->bos) {
		for (i = 0; i < job->bo_count; i++)
			if (job->bos[i])
				drm_gem_object_put(job->bos[i]);
		kvfree(job->bos);
	}
	if (job->cmd_bo)
		drm_gem_object_put(job->cmd_bo);
	if (job->ctx_begun)
		taihu_ctx_job_end(job->ctx, job->abandoned);
	taihu_ctx_put(job->ctx);
	kfree(job);

	if (atomic_dec_and_test(&tdev->jobs_alive))
		wake_up_all(&tdev->jobs_wq);
}

struct taihu_job *taihu_job_alloc(struct taihu_device *tdev)
{
	struct taihu_job *job;

	job = kzalloc(sizeof(*job), GFP_KERNEL);
	if (!job)
		return NULL;
	job->tdev = tdev;
	atomic_inc(&tdev->jobs_alive);

	job->hw_fence = kzalloc(sizeof(*job->hw_fence), GFP_KERNEL);
	if (!job->hw_fence) {
		taihu_job_destroy(job);
		return NULL;
	}
	return job;
}

void taihu_job_abort(struct taihu_job *job, bool inited)
{
	if (inited)
		drm_sched_job_cleanup(&job->base);
	taihu_job_destroy(job);
}

static struct dma_fence *taihu_job_run(struct drm_sched_job *sched_job)
{
	struct taihu_job *job = to_taihu_job(sched_job);
	int ret;

	/* Its dependencies have ended. */
	taihu_job_deps_irq_put(job);
	/* Cancelled before it could run: nothing to write to the ring. */
	if (unlikely(sched_job->s_fence->finished.error))
		return NULL;
	/* Its context faulted or is banned: the job ends as cancelled, unrun. */
	if (unlikely(taihu_ctx_faulted(job->ctx) || taihu_ctx_banned(job->ctx)))
		return ERR_PTR(-ECANCELED);

	ret = taihu_queue_submit(job->queue, job->hw_fence, job->cmd_addr,
				 job->cmd_len, job->ctx, false, true);
	if (ret)
		return ERR_PTR(ret);

	job->hw_fence_live = true;
	/* The job's own reference, for the timeout handler. */
	dma_fence_get(&job->hw_fence->base);
	return &job->hw_fence->base;
}

/*
 * Contexts whose unmaps one free pass batches: every job's command buffer
 * is a buffer of its own, and one TLB invalidation per buffer would make
 * freeing lag far behind the jobs while the card is slow to answer.
 */
#define TAIHU_FREE_BATCH_CTXS	8

static void taihu_job_free_work(struct work_struct *work)
{
	struct taihu_device *tdev = container_of(work, struct taihu_device,
						 jobs_free_work);
	struct taihu_ctx *batch[TAIHU_FREE_BATCH_CTXS];
	struct taihu_job *job, *next;
	struct llist_node *list;
	u32 n = 0, i;

	list = llist_del_all(&tdev->jobs_to_free);
	llist_for_each_entry(job, list, free_node) {
		if (!job->ctx)
			continue;
		for (i = 0; i < n && batch[i] != job->ctx; i++)
			;
		if (i < n || n == ARRAY_SIZE(batch))
			continue;
		/* Held past the jobs' own references, to the batch's end. */
		batch[n++] = taihu_ctx_get(job->ctx);
		taihu_ctx_batch_begin(job->ctx);
	}
	llist_for_each_entry_safe(job, next, list, free_node) {
		if (!job->direct)
			drm_sched_job_cleanup(&job->base);
		taihu_job_destroy(job);
	}
	for (i = 0; i < n; i++) {
		taihu_ctx_batch_end(batch[i]);
		taihu_ctx_put(batch[i]);
	}
}

void taihu_job_free_later(struct taihu_job *job)
{
	struct taihu_device *tdev = job->tdev;

	if (llist_add(&job->free_node, &tdev->jobs_to_free))
		queue_work(system_wq, &tdev->jobs_free_work);
}

/*
 * The scheduler frees a job in its ordered workqueue, just before it runs
 * the next one: only queue it here, the putting of buffers, mappings and
 * the context happens in taihu_job_free_work().
 */
static void taihu_job_free(struct drm_sched_job *sched_job)
{
	taihu_job_free_later(to_taihu_job(sched_job));
}

void taihu_job_cancel_timed_out(struct taihu_job *job, int reset)
{
	struct taihu_queue *q = job->queue;

	if (!job->hw_fence_live ||
	    !taihu_queue_cancel(q, job->hw_fence, DRM_TAIHU_JOB_TIMEOUT,
				-ETIMEDOUT))
		return;
	/* The entry stays on the ring: its context's TLB may refill. */
	job->abandoned = true;
	dev_warn_ratelimited(job->tdev->drm.dev, "queue %u: job of context %u timed out, cancelled (reset: %d)\n",
			     q->index, job->ctx->id, reset);
}

/*
 * The scheduler's timeout is a tick (TAIHU_JOB_TICK_MS): the oldest job
 * of the queue has run for a while. taihu_recovery.c decides whether it is
 * hung (no progress for the job timeout on a healthy card); if not, the
 * job goes back on the pending list and the tick is re-armed. A hung job's
 * queue is reset, which ends the job with status TIMEOUT and lets the jobs
 * behind it run. If the card does not cooperate, cancel the job without
 * it: the entry then stays in the ring until the card moves past it (its
 * completion record is ignored).
 *
 * drm_sched takes the job off its pending list before calling us and only
 * puts it back in drm_sched_stop(), which would also detach every innocent
 * job from its hardware fence. Without it, the job is ours to free once its
 * finished fence has signalled, or to put back (as etnaviv does).
 */
static enum drm_gpu_sched_stat taihu_job_timedout(struct drm_sched_job *sched_job)
{
	struct taihu_job *job = to_taihu_job(sched_job);
	struct taihu_queue *q = job->queue;
	bool gone = true;
	int idx, ret = -ENODEV;

	if (drm_dev_enter(&job->tdev->drm, &idx)) {
		gone = false;
		if (job->hw_fence_live && taihu_recovery_hung(q, job->hw_fence)) {
			taihu_coredump_job(job);
			ret = taihu_recovery_hang(q, job->hw_fence);
		} else if (!dma_fence_is_signaled(&sched_job->s_fence->finished)) {
			/* Not hung (yet): back where it was, for the next tick. */
			drm_dev_exit(idx);
			spin_lock(&q->sched.job_list_lock);
			list_add(&sched_job->list, &q->sched.pending_list);
			spin_unlock(&q->sched.job_list_lock);
			return DRM_GPU_SCHED_STAT_NOMINAL;
		}
		drm_dev_exit(idx);
	}

	taihu_job_cancel_timed_out(job, ret);

	/* Signalled now, or about to be by the scheduler's run_job work. */
	dma_fence_wait(&sched_job->s_fence->finished, false);
	taihu_job_free(sched_job);
	/* ENODEV stops the scheduler re-arming the timeout for a gone device. */
	return gone ? DRM_GPU_SCHED_STAT_ENODEV : DRM_GPU_SCHED_STAT_NOMINAL;
}

static const struct drm_sched_backend_ops taihu_sched_ops = {
	.run_job = taihu_job_run,
	.timedout_job = taihu_job_timedout,
	.free_job = taihu_job_free,
};

static void taihu_job_sched_fini(struct drm_device *drm, void *arg)
{
	struct taihu_device *tdev = arg;
	struct taihu_queue *q;
	u32 i;

	/*
	 * All files are closed and the hardware fences were ended at remove;
	 * let the scheduler free the last jobs before it goes away. Killed
	 * jobs wait for their dependencies, which may be another device's
	 * fences: complain, but never free a scheduler a job still uses.
	 */
	if (!wait_event_timeout(tdev->jobs_wq, !atomic_read(&tdev->jobs_alive),
				msecs_to_jiffies(TAIHU_JOB_TIMEOUT_MS))) {
		dev_warn(drm->dev, "waiting for %d jobs at teardown\n",
			 atomic_read(&tdev->jobs_alive));
		wait_event(tdev->jobs_wq, !atomic_read(&tdev->jobs_alive));
	}
	/* The last job was freed there: let that work return. */
	flush_work(&tdev->jobs_free_work);

	for (i = 0; i < TAIHU_MAX_QUEUES; i++) {
		q = &tdev->queues[i];
		if (q->sched_ready) {
			drm_sched_fini(&q->sched);
			q->sched_ready = false;
		}
		if (q->tdr_wq) {
			/* No direct job is left to re-arm it. */
			cancel_delayed_work_sync(&q->direct_tick);
			destroy_workqueue(q->tdr_wq);
			q->tdr_wq = NULL;
		}
	}
}

int taihu_job_sched_init(struct taihu_device *tdev)
{
	struct drm_sched_init_args args = {
		.ops = &taihu_sched_ops,
		.num_rqs = DRM_SCHED_PRIORITY_COUNT,
		.credit_limit = TAIHU_RING_SCHED_ENTRIES,
		.timeout = msecs_to_jiffies(TAIHU_JOB_TICK_MS),
		.dev = tdev->drm.dev,
	};
	struct taihu_queue *q;
	u32 i;
	int ret;

	init_llist_head(&tdev->jobs_to_free);
	INIT_WORK(&tdev->jobs_free_work, taihu_job_free_work);
	ret = drmm_add_action_or_reset(&tdev->drm, taihu_job_sched_fini, tdev);
	if (ret)
		return ret;

	for (i = 0; i < tdev->num_queues; i++) {
		q = &tdev->queues[i];
		snprintf(q->name, sizeof(q->name), "taihu-q%u", i);
		q->tdr_wq = alloc_ordered_workqueue("%s-tdr", WQ_MEM_RECLAIM,
						    q->name);
		if (!q->tdr_wq)
			return -ENOMEM;
		taihu_direct_queue_init(q);
		args.name = q->name;
		args.timeout_wq = q->tdr_wq;
		ret = drm_sched_init(&q->sched, &args);
		if (ret) {
			dev_err(tdev->drm.dev, "queue %u: scheduler init failed: %d\n",
				i, ret);
			return ret;
		}
		q->sched_ready = true;
	}
	return 0;
}

int taihu_job_file_init(struct taihu_file *tfile)
{
	struct taihu_device *tdev = tfile->tdev;
	struct drm_gpu_scheduler *sched;
	u32 q, p;
	int ret;

	for (q = 0; q < tdev->num_queues; q++) {
		sched = &tdev->queues[q].sched;
		for (p = 0; p < TAIHU_NUM_PRIORITIES; p++) {
			ret = drm_sched_entity_init(&tfile->entities[q][p],
						    taihu_sched_prio[p], &sched,
						    1, NULL);
			if (ret)
				goto err;
		}
	}
	return 0;

err:
	while (p--)
		drm_sched_entity_destroy(&tfile->entities[q][p]);
	while (q--)
		for (p = 0; p < TAIHU_NUM_PRIORITIES; p++)
			drm_sched_entity_destroy(&tfile->entities[q][p]);
	return ret;
}

void taihu_job_file_fini(struct taihu_file *tfile)
{
	u32 q, p;

	/* Waits for queued jobs to reach the ring, or kills them. */
	for (q = 0; q < tfile->tdev->num_queues; q++)
		for (p = 0; p < TAIHU_NUM_PRIORITIES; p++)
			drm_sched_entity_destroy(&tfile->entities[q][p]);
}

static bool taihu_is_own_sched(struct taihu_device *tdev,
			       const struct drm_gpu_scheduler *sched)
{
	u32 i;

	for (i = 0; i < tdev->num_queues; i++)
		if (sched == &tdev->queues[i].sched)
			return true;
	return false;
}

bool taihu_job_outcome(struct taihu_device *tdev, struct dma_fence *f,
		       struct taihu_outcome *out)
{
	struct drm_sched_fence *s_fence = to_drm_sched_fence(f);

	if (!s_fence)
		return taihu_fence_outcome(f, out);
	if (f != &s_fence->finished || !dma_fence_is_signaled(f))
		return false;
	/* Stable once finished has signalled; NULL if it never ran. */
	if (s_fence->parent && taihu_fence_outcome(s_fence->parent, out))
		return true;
	if (s_fence->parent || !taihu_is_own_sched(tdev, s_fence->sched))
		return false;
	memset(out, 0, sizeof(*out));
	out->status = DRM_TAIHU_JOB_CANCELLED;
	return true;
}
