// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Job lifecycle. Each hardware queue is fed by a drm_sched scheduler; each
 * open file has an entity per queue and priority. A job that nothing holds
 * back (dependencies signalled, nothing of its entity queued in the
 * scheduler ahead of it, room in the ring) is written to the ring by SUBMIT
 * itself (direct submission, as ivpu does): drm_sched's worker hop alone
 * costs more than the card's round trip. Otherwise the scheduler's run_job
 * writes the ring entry. Either way the entry's hardware fence carries the
 * job's outcome, and the queue's watchdog handles timeouts
 * (taihu_queue.c). Jobs are freed by a work item of their own, never in
 * the scheduler's ordered workqueue where the next job waits. How jobs are
 * built is taihu_submit.c's business.
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

#include "taihu_drv.h"
#include "taihu_gem.h"
#include "taihu_job.h"
#include "taihu_mmu.h"
#include "taihu_netlink.h"
#include "taihu_queue.h"

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
	bool abandoned = false;
	u32 i;

	/* A job killed before it ran. */
	taihu_job_deps_irq_put(job);
	if (job->hw_fence_live) {
		/* Written before the fence signalled, which it has. */
		abandoned = job->hw_fence->abandoned;
		dma_fence_put(&job->hw_fence->base);
	} else {
		kfree(job->hw_fence);
	}

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
		taihu_ctx_job_end(job->ctx, abandoned);
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
	/* Its context faulted: the job ends as cancelled, unrun. */
	if (unlikely(taihu_ctx_faulted(job->ctx)))
		return ERR_PTR(-ECANCELED);

	ret = taihu_queue_submit(job->queue, job->hw_fence, job->cmd_addr,
				 job->cmd_len, job->ctx, false);
	if (ret)
		return ERR_PTR(ret);

	job->hw_fence_live = true;
	/* The job's own reference, for the timeout handler. */
	dma_fence_get(&job->hw_fence->base);
	return &job->hw_fence->base;
}

static void taihu_job_free_work(struct work_struct *work)
{
	struct taihu_device *tdev = container_of(work, struct taihu_device,
						 jobs_free_work);
	struct taihu_job *job, *next;

	llist_for_each_entry_safe(job, next, llist_del_all(&tdev->jobs_to_free),
				  free_node) {
		if (!job->direct)
			drm_sched_job_cleanup(&job->base);
		taihu_job_destroy(job);
	}
}

static void taihu_job_queue_free(struct taihu_job *job)
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
	taihu_job_queue_free(to_taihu_job(sched_job));
}

/* Has the job of finished fence @f been written to the ring, or ended? */
static bool taihu_job_reached_ring(struct dma_fence *f)
{
	struct drm_sched_fence *s_fence = to_drm_sched_fence(f);

	/* The scheduled fence signals once run_job has returned. */
	return !s_fence || dma_fence_is_signaled(&s_fence->scheduled);
}

struct dma_fence *taihu_job_try_direct(struct taihu_job *job,
				       struct dma_fence *prev)
{
	struct dma_fence *dep;
	unsigned long i;

	if (prev && !taihu_job_reached_ring(prev))
		return NULL;
	xa_for_each(&job->base.dependencies, i, dep)
		if (!dma_fence_is_signaled(dep))
			return NULL;
	/* run_job cancels such a job: let it. */
	if (taihu_ctx_faulted(job->ctx))
		return NULL;
	if (taihu_queue_submit(job->queue, job->hw_fence, job->cmd_addr,
			       job->cmd_len, job->ctx, true))
		return NULL;

	job->direct = true;
	job->hw_fence_live = true;
	/* The job's own reference. */
	dma_fence_get(&job->hw_fence->base);
	return &job->hw_fence->base;
}

static void taihu_job_direct_ended(struct dma_fence *f, struct dma_fence_cb *cb)
{
	taihu_job_queue_free(container_of(cb, struct taihu_job, end_cb));
}

void taihu_job_direct_commit(struct taihu_job *job)
{
	/* Unarmed: frees the scheduler fence and puts the dependencies. */
	drm_sched_job_cleanup(&job->base);
	if (dma_fence_add_callback(&job->hw_fence->base, &job->end_cb,
				   taihu_job_direct_ended))
		taihu_job_queue_free(job);
}

/* No timedout_job: the queue's watchdog times ring entries out. */
static const struct drm_sched_backend_ops taihu_sched_ops = {
	.run_job = taihu_job_run,
	.free_job = taihu_job_free,
};

static void taihu_job_sched_fini(struct drm_device *drm, void *arg)
{
	struct taihu_device *tdev = arg;
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
		if (tdev->queues[i].sched_ready) {
			drm_sched_fini(&tdev->queues[i].sched);
			tdev->queues[i].sched_ready = false;
		}
	}
}

int taihu_job_sched_init(struct taihu_device *tdev)
{
	struct drm_sched_init_args args = {
		.ops = &taihu_sched_ops,
		.num_rqs = DRM_SCHED_PRIORITY_COUNT,
		.credit_limit = TAIHU_SCHED_CREDITS,
		.timeout = MAX_SCHEDULE_TIMEOUT,
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
		args.name = q->name;
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
	for (q = 0; q < tfile->tdev->num_queues; q++) {
		for (p = 0; p < TAIHU_NUM_PRIORITIES; p++) {
			drm_sched_entity_destroy(&tfile->entities[q][p]);
			dma_fence_put(tfile->sched_last[q][p]);
			tfile->sched_last[q][p] = NULL;
		}
	}
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
	struct drm_sched_fence *s_fence;

	/* The hardware fence of a job submitted directly. */
	if (taihu_fence_outcome(f, out))
		return true;
	s_fence = to_drm_sched_fence(f);
	if (!s_fence || f != &s_fence->finished || !dma_fence_is_signaled(f))
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
