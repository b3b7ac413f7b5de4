// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Direct submission. A job with no unsignalled dependency, whose entity
 * has no job waiting in the scheduler, is written to its queue's ring by
 * SUBMIT itself (as ivpu submits without drm_sched): the scheduler's
 * workqueue hop (push, run_job, the previous job's free_job first) is off
 * the job's path. Otherwise, or when the queue's direct slots
 * (taihu_ring_direct_entries()) are taken, the job goes through the
 * scheduler; the scheduler's credit limit is the rest of the ring.
 *
 * Order: SUBMIT holds the file's submit lock across the idle check and the
 * ring write, and a scheduled job of the entity is on the ring once its
 * scheduled fence has signalled, so a file's jobs of one queue and
 * priority reach the ring in submission order whichever way each went.
 *
 * A direct job's done fence is its hardware fence. What the job holds
 * (buffers, mappings, context) is released from taihu_job.c's free work
 * once that fence has ended. Its timeout is a tick per queue, every
 * TAIHU_JOB_TICK_MS while direct jobs are on the ring, run on the queue's
 * ordered timeout workqueue that the scheduler's timeout uses too: a hang
 * is handled by one of them at a time, and each only for the oldest entry
 * of the ring (taihu_recovery_hung()). Card resets rerun direct entries
 * as any other: they are ring entries.
 */

#include <linux/jiffies.h>
#include <linux/rcupdate.h>
#include <linux/workqueue.h>

#include <drm/drm_drv.h>
#include <drm/gpu_scheduler.h>

#include "taihu_coredump.h"
#include "taihu_direct.h"
#include "taihu_drv.h"
#include "taihu_job.h"
#include "taihu_mmu.h"
#include "taihu_queue.h"
#include "taihu_recovery.h"

bool taihu_direct_entity_idle(struct drm_sched_entity *entity)
{
	struct drm_sched_fence *last;
	struct dma_fence *f;
	bool idle;

	if (spsc_queue_count(&entity->job_queue))
		return false;
	/*
	 * The scheduler stores last_scheduled before it pops the job
	 * (drm_sched_entity_pop_job()'s smp_wmb()): an empty queue means
	 * last_scheduled is its last job, which is on the ring once its
	 * scheduled fence signals (after run_job).
	 */
	smp_rmb();
	rcu_read_lock();
	f = rcu_dereference(entity->last_scheduled);
	last = f ? to_drm_sched_fence(f) : NULL;
	idle = !f || (last && dma_fence_is_signaled(&last->scheduled));
	rcu_read_unlock();
	return idle;
}

static void taihu_direct_release(struct kref *ref)
{
	struct taihu_job *job = container_of(ref, struct taihu_job, direct_ref);
	struct taihu_queue *q = job->queue;
	unsigned long flags;

	spin_lock_irqsave(&q->direct_lock, flags);
	list_del(&job->direct_link);
	spin_unlock_irqrestore(&q->direct_lock, flags);
	taihu_job_free_later(job);
}

/* Where the hardware fence signals, often in hard IRQ under the queue lock. */
static void taihu_direct_ended(struct dma_fence *f, struct dma_fence_cb *cb)
{
	struct taihu_job *job = container_of(cb, struct taihu_job, direct_cb);

	kref_put(&job->direct_ref, taihu_direct_release);
}

int taihu_direct_run(struct taihu_job *job, bool kick)
{
	struct taihu_queue *q = job->queue;
	unsigned long flags;
	int ret;

	/* The scheduler's run_job cancels such a job; let it. */
	if (taihu_ctx_faulted(job->ctx) || taihu_ctx_banned(job->ctx))
		return -ECANCELED;

	ret = taihu_queue_submit(q, job->hw_fence, job->cmd_addr, job->cmd_len,
				 job->ctx, true, kick);
	if (ret)
		return ret;

	job->direct = true;
	/*
	 * The reference dma_fence_init() made is the job's own (a scheduled
	 * job hands it to the scheduler and takes another in run_job).
	 */
	job->hw_fence_live = true;
	kref_init(&job->direct_ref);

	spin_lock_irqsave(&q->direct_lock, flags);
	if (list_empty(&q->direct_jobs))
		queue_delayed_work(q->tdr_wq, &q->direct_tick,
				   msecs_to_jiffies(TAIHU_JOB_TICK_MS));
	list_add_tail(&job->direct_link, &q->direct_jobs);
	spin_unlock_irqrestore(&q->direct_lock, flags);
	return 0;
}

void taihu_direct_commit(struct taihu_job *job)
{
	if (dma_fence_add_callback(&job->hw_fence->base, &job->direct_cb,
				   taihu_direct_ended))
		taihu_direct_ended(&job->hw_fence->base, &job->direct_cb);
}

/* The direct job of @q whose entry is the oldest on the ring, referenced. */
static struct taihu_job *taihu_direct_oldest(struct taihu_queue *q)
{
	struct taihu_job *job, *found = NULL;
	struct taihu_fence *oldest;

	oldest = taihu_queue_oldest(q);
	if (!oldest)
		return NULL;
	spin_lock_irq(&q->direct_lock);
	list_for_each_entry(job, &q->direct_jobs, direct_link) {
		if (job->hw_fence == oldest) {
			if (kref_get_unless_zero(&job->direct_ref))
				found = job;
			break;
		}
	}
	spin_unlock_irq(&q->direct_lock);
	dma_fence_put(&oldest->base);
	return found;
}

/*
 * As the scheduler's timeout does for a scheduled job (taihu_job.c): a
 * hung job's queue is reset, which ends it with status TIMEOUT; if the
 * card does not cooperate the job is cancelled without it and its entry
 * stays on the ring until the card moves past it.
 */
static void taihu_direct_timeout(struct taihu_job *job)
{
	struct taihu_queue *q = job->queue;
	int idx, ret;

	if (!drm_dev_enter(&job->tdev->drm, &idx))
		return;
	if (taihu_recovery_hung(q, job->hw_fence)) {
		taihu_coredump_job(job);
		ret = taihu_recovery_hang(q, job->hw_fence);
		taihu_job_cancel_timed_out(job, ret);
	}
	drm_dev_exit(idx);
}

static void taihu_direct_tick(struct work_struct *work)
{
	struct taihu_queue *q = container_of(to_delayed_work(work),
					     struct taihu_queue, direct_tick);
	struct taihu_job *job;

	job = taihu_direct_oldest(q);
	if (job) {
		taihu_direct_timeout(job);
		kref_put(&job->direct_ref, taihu_direct_release);
	}

	spin_lock_irq(&q->direct_lock);
	if (!list_empty(&q->direct_jobs))
		queue_delayed_work(q->tdr_wq, &q->direct_tick,
				   msecs_to_jiffies(TAIHU_JOB_TICK_MS));
	spin_unlock_irq(&q->direct_lock);
}

void taihu_direct_queue_init(struct taihu_queue *q)
{
	INIT_DELAYED_WORK(&q->direct_tick, taihu_direct_tick);
}
