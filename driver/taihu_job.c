// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Jobs. Each hardware queue is fed by a drm_sched scheduler; each open file
 * has an entity per queue and priority. SUBMIT resolves a job's
 * dependencies (in-syncobjs and the reservations of its buffers), arms it,
 * publishes its finished fence (buffers, out-syncobj) and pushes it; the
 * scheduler's run_job writes the ring entry. WAIT looks the job up by its
 * per-file seqno in the file's result table.
 *
 * A job runs in its file's device context: the ring entry names the
 * context and the command stream's VA there. Before the job is queued, each
 * buffer it uses (the command buffer and the listed ones) is mapped in the
 * context (host buffers are pinned then); the job holds those mappings, the
 * buffers and the context until it is freed, so nothing it may touch is
 * unmapped while the card can run it. A context that took an MMU fault runs
 * no more jobs: SUBMIT fails with -EIO and jobs not yet handed to the card
 * end as cancelled.
 *
 * Locking: &taihu_file.submit_lock orders seqno assignment, arming,
 * pushing and the eviction of results; it is taken inside the buffers'
 * reservation locks. Mappings are taken (&taihu_bo.lock, which may take a
 * reservation lock to pin pages) before any reservation is locked. The
 * result table is an xarray with its own lock. &taihu_file.ended_lock
 * (IRQ-safe: the callback runs where fences signal, under the queue lock)
 * protects the list of ended results. The in-flight counts are atomics; a
 * SUBMIT waits for them holding no lock.
 */

#include <linux/dma-fence-chain.h>
#include <linux/dma-resv.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>

#include <drm/drm_drv.h>
#include <drm/drm_exec.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_print.h>
#include <drm/drm_managed.h>
#include <drm/drm_syncobj.h>
#include <drm/gpu_scheduler.h>
#include <drm/taihu_accel.h>

#include "taihu_drv.h"
#include "taihu_gem.h"
#include "taihu_job.h"
#include "taihu_mmu.h"
#include "taihu_queue.h"

/**
 * struct taihu_job - one submission
 * @base: the scheduler job
 * @tdev: the device
 * @queue: the hardware queue
 * @result: outcome, shared with the file's result table
 * @hw_fence: hardware fence, allocated at submit so that run_job does not
 *	allocate; initialised by run_job
 * @hw_fence_live: run_job initialised @hw_fence and the job holds a
 *	reference to it
 * @abandoned: ended by the timeout while the card may still run it
 * @cmd_addr: device virtual address of the command stream
 * @cmd_len: its length
 * @ctx: device context of the submitting file, referenced; the job is
 *	counted in it once @ctx_begun
 * @ctx_begun: taihu_ctx_job_begin() succeeded
 * @cmd_bo: buffer holding the command stream, kept until the job is freed
 * @bos: the buffers the job uses, kept until the job is freed
 * @bo_count: entries of @bos
 * @maps: mappings of @cmd_bo and then of each of @bos in @ctx, kept until
 *	the job is freed
 * @map_count: entries of @maps taken
 */
struct taihu_job {
	struct drm_sched_job base;
	struct taihu_device *tdev;
	struct taihu_queue *queue;
	struct taihu_result *result;
	struct taihu_fence *hw_fence;
	bool hw_fence_live;
	bool abandoned;
	u64 cmd_addr;
	u32 cmd_len;
	struct taihu_ctx *ctx;
	bool ctx_begun;
	struct drm_gem_object *cmd_bo;
	struct drm_gem_object **bos;
	u32 bo_count;
	struct taihu_bo_map **maps;
	u32 map_count;
};

static struct taihu_job *to_taihu_job(struct drm_sched_job *sched_job)
{
	return container_of(sched_job, struct taihu_job, base);
}

static const enum drm_sched_priority taihu_sched_prio[TAIHU_NUM_PRIORITIES] = {
	[DRM_TAIHU_PRIORITY_LOW] = DRM_SCHED_PRIORITY_LOW,
	[DRM_TAIHU_PRIORITY_NORMAL] = DRM_SCHED_PRIORITY_NORMAL,
	[DRM_TAIHU_PRIORITY_HIGH] = DRM_SCHED_PRIORITY_HIGH,
};

/* Release what a job holds; drm_sched_job_cleanup() is the caller's. */
static void taihu_job_destroy(struct taihu_job *job)
{
	struct taihu_device *tdev = job->tdev;
	u32 i;

	if (job->hw_fence_live)
		dma_fence_put(&job->hw_fence->base);
	else
		kfree(job->hw_fence);
	taihu_result_put(job->result);

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

static struct dma_fence *taihu_job_run(struct drm_sched_job *sched_job)
{
	struct taihu_job *job = to_taihu_job(sched_job);
	int ret;

	/* Cancelled before it could run: nothing to write to the ring. */
	if (unlikely(sched_job->s_fence->finished.error))
		return NULL;
	/* Its context faulted: the job ends as cancelled, unrun. */
	if (unlikely(taihu_ctx_faulted(job->ctx)))
		return ERR_PTR(-ECANCELED);

	ret = taihu_queue_submit(job->queue, job->hw_fence, job->result,
				 job->cmd_addr, job->cmd_len, job->ctx);
	if (ret)
		return ERR_PTR(ret);

	job->hw_fence_live = true;
	/* The job's own reference, for the timeout handler. */
	dma_fence_get(&job->hw_fence->base);
	return &job->hw_fence->base;
}

static void taihu_job_free(struct drm_sched_job *sched_job)
{
	struct taihu_job *job = to_taihu_job(sched_job);

	drm_sched_job_cleanup(sched_job);
	taihu_job_destroy(job);
}

/*
 * The card has been running the job for too long: reset its queue, which
 * ends the job with status TIMEOUT and lets the jobs behind it run. If the
 * card does not cooperate, cancel the job without it: the entry then stays
 * in the ring until the card moves past it (its completion record is
 * ignored).
 *
 * drm_sched takes the job off its pending list before calling us and only
 * puts it back in drm_sched_stop(), which would also detach every innocent
 * job from its hardware fence. Without it, the job is ours to free once its
 * finished fence has signalled.
 */
static enum drm_gpu_sched_stat taihu_job_timedout(struct drm_sched_job *sched_job)
{
	struct taihu_job *job = to_taihu_job(sched_job);
	struct taihu_queue *q = job->queue;
	struct device *dev = job->tdev->drm.dev;
	bool gone = true;
	int idx, ret = -ENODEV;

	if (drm_dev_enter(&job->tdev->drm, &idx)) {
		gone = false;
		/* A lost interrupt is not a timeout. */
		taihu_queue_process(q);
		if (job->hw_fence_live &&
		    !dma_fence_is_signaled(&job->hw_fence->base)) {
			ret = taihu_queue_reset(q, job->hw_fence);
			if (!ret)
				dev_warn_ratelimited(dev, "queue %u: job of context %u timed out, queue reset\n",
						     q->index, job->ctx->id);
		}
		drm_dev_exit(idx);
	}

	if (job->hw_fence_live &&
	    taihu_queue_cancel(q, job->hw_fence, DRM_TAIHU_JOB_TIMEOUT,
			       -ETIMEDOUT)) {
		/* The entry stays on the ring: its context's TLB may refill. */
		job->abandoned = true;
		dev_warn_ratelimited(dev, "queue %u: job of context %u timed out, cancelled (reset: %d)\n",
				     q->index, job->ctx->id, ret);
	}

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
		.credit_limit = TAIHU_RING_ENTRIES,
		.timeout = msecs_to_jiffies(TAIHU_JOB_TIMEOUT_MS),
		.dev = tdev->drm.dev,
	};
	struct taihu_queue *q;
	u32 i;
	int ret;

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
	struct taihu_result *result;
	unsigned long seqno;
	u32 q, p;

	/* Waits for queued jobs to reach the ring, or kills them. */
	for (q = 0; q < tfile->tdev->num_queues; q++)
		for (p = 0; p < TAIHU_NUM_PRIORITIES; p++)
			drm_sched_entity_destroy(&tfile->entities[q][p]);

	/*
	 * Jobs may still run: detach their end callbacks from the file. A
	 * callback running now holds the fence lock, which removal takes.
	 */
	xa_for_each(&tfile->results, seqno, result) {
		if (dma_fence_remove_callback(result->done, &result->ended_cb))
			atomic_dec(&tfile->tdev->queues[result->queue].jobs);
		xa_erase(&tfile->results, seqno);
		taihu_result_put(result);
	}
	xa_destroy(&tfile->results);
}

/*
 * The job's finished fence signalled: account its end in its file. Runs
 * where the fence signals, often in hard IRQ context under the queue lock.
 */
static void taihu_job_ended(struct dma_fence *f, struct dma_fence_cb *cb)
{
	struct taihu_result *result = container_of(cb, struct taihu_result,
						   ended_cb);
	struct taihu_file *tfile = result->tfile;
	u32 qi = result->queue;
	unsigned long flags;

	/* The outcome was written before the hardware fence signalled. */
	smp_rmb();
	if (result->out.end_ns > result->out.start_ns)
		atomic64_add(result->out.end_ns - result->out.start_ns,
			     &tfile->busy_ns[qi]);
	atomic_dec(&tfile->tdev->queues[qi].jobs);

	spin_lock_irqsave(&tfile->ended_lock, flags);
	list_add_tail(&result->ended_link, &tfile->ended);
	tfile->ended_count++;
	spin_unlock_irqrestore(&tfile->ended_lock, flags);

	atomic_dec(&tfile->inflight[qi]);
	if (wq_has_sleeper(&tfile->inflight_wq[qi]))
		wake_up_all(&tfile->inflight_wq[qi]);
}

/* Keep at most TAIHU_MAX_RESULTS ended results, dropping the oldest. */
static void taihu_results_evict(struct taihu_file *tfile)
{
	struct taihu_result *old;

	lockdep_assert_held(&tfile->submit_lock);

	for (;;) {
		spin_lock_irq(&tfile->ended_lock);
		if (tfile->ended_count <= TAIHU_MAX_RESULTS) {
			spin_unlock_irq(&tfile->ended_lock);
			return;
		}
		old = list_first_entry(&tfile->ended, struct taihu_result,
				       ended_link);
		list_del_init(&old->ended_link);
		tfile->ended_count--;
		spin_unlock_irq(&tfile->ended_lock);

		xa_erase(&tfile->results, old->seqno);
		taihu_result_put(old);
	}
}

/*
 * Take one of the file's TAIHU_MAX_INFLIGHT places on the queue, waiting
 * for a job of the file on that queue to end if there is none.
 */
static int taihu_submit_throttle(struct taihu_file *tfile, u32 qi,
				 bool nonblock)
{
	atomic_t *inflight = &tfile->inflight[qi];
	int ret;

	while (!atomic_add_unless(inflight, 1, TAIHU_MAX_INFLIGHT)) {
		if (nonblock)
			return -EAGAIN;
		ret = wait_event_interruptible(tfile->inflight_wq[qi],
					       atomic_read(inflight) <
					       TAIHU_MAX_INFLIGHT);
		if (ret)
			return ret;
	}
	return 0;
}

static void taihu_submit_unthrottle(struct taihu_file *tfile, u32 qi)
{
	atomic_dec(&tfile->inflight[qi]);
	if (wq_has_sleeper(&tfile->inflight_wq[qi]))
		wake_up_all(&tfile->inflight_wq[qi]);
}

void taihu_job_show_fdinfo(struct drm_printer *p, struct drm_file *file)
{
	struct taihu_file *tfile = file->driver_priv;
	u32 q;

	for (q = 0; q < tfile->tdev->num_queues; q++)
		drm_printf(p, "drm-engine-q%u:\t%llu ns\n", q,
			   (u64)atomic64_read(&tfile->busy_ns[q]));
}

static int taihu_job_add_in_syncs(struct taihu_job *job, struct drm_file *file,
				  u64 user_ptr, u32 count)
{
	struct drm_taihu_sync *syncs;
	struct dma_fence *fence;
	u32 i;
	int ret = 0;

	if (!count)
		return 0;

	syncs = kvmalloc_array(count, sizeof(*syncs), GFP_KERNEL);
	if (!syncs)
		return -ENOMEM;
	if (copy_from_user(syncs, u64_to_user_ptr(user_ptr),
			   count * sizeof(*syncs))) {
		ret = -EFAULT;
		goto out;
	}

	for (i = 0; i < count; i++) {
		if (syncs[i].pad) {
			ret = -EINVAL;
			goto out;
		}
		ret = drm_syncobj_find_fence(file, syncs[i].handle,
					     syncs[i].point, 0, &fence);
		if (ret)
			goto out;
		/* Consumes the reference, also on error. */
		ret = drm_sched_job_add_dependency(&job->base, fence);
		if (ret)
			goto out;
	}
out:
	kvfree(syncs);
	return ret;
}

/*
 * Lock the job's buffers and make the job wait for their users. The command
 * buffer is only read: the job waits for its writers only. The listed
 * buffers count as written: simple, and never wrong.
 */
static int taihu_job_lock_bos(struct taihu_job *job, struct drm_exec *exec)
{
	u32 i;
	int ret;

	drm_exec_until_all_locked(exec) {
		/* Two slots: it may also be in the list, then it gets both. */
		ret = drm_exec_prepare_obj(exec, job->cmd_bo, 2);
		drm_exec_retry_on_contention(exec);
		if (ret)
			return ret;

		for (i = 0; i < job->bo_count; i++) {
			ret = drm_exec_prepare_obj(exec, job->bos[i], 1);
			drm_exec_retry_on_contention(exec);
			if (ret)
				return ret;
		}
	}

	ret = drm_sched_job_add_implicit_dependencies(&job->base, job->cmd_bo,
						      false);
	if (ret)
		return ret;
	for (i = 0; i < job->bo_count; i++) {
		ret = drm_sched_job_add_implicit_dependencies(&job->base,
							      job->bos[i], true);
		if (ret)
			return ret;
	}
	return 0;
}

/* Publish the job's finished fence on the buffers it uses. */
static void taihu_job_fence_bos(struct taihu_job *job, struct dma_fence *done)
{
	u32 i;

	dma_resv_add_fence(job->cmd_bo->resv, done, DMA_RESV_USAGE_READ);
	/* Same context: a write entry replaces a read one, no new slot. */
	for (i = 0; i < job->bo_count; i++)
		dma_resv_add_fence(job->bos[i]->resv, done,
				   DMA_RESV_USAGE_WRITE);
}

static struct taihu_job *taihu_job_alloc(struct taihu_device *tdev)
{
	struct taihu_job *job;

	job = kzalloc(sizeof(*job), GFP_KERNEL);
	if (!job)
		return NULL;
	job->tdev = tdev;
	atomic_inc(&tdev->jobs_alive);

	job->hw_fence = kzalloc(sizeof(*job->hw_fence), GFP_KERNEL);
	job->result = taihu_result_alloc();
	if (!job->hw_fence || !job->result) {
		taihu_job_destroy(job);
		return NULL;
	}
	return job;
}

static int taihu_submit_check(struct taihu_device *tdev,
			      const struct drm_taihu_submit *args)
{
	if ((args->flags & ~DRM_TAIHU_SUBMIT_NONBLOCK) ||
	    args->priority >= TAIHU_NUM_PRIORITIES ||
	    args->queue >= tdev->num_queues ||
	    !args->cmd_len || !IS_ALIGNED(args->cmd_len, 8) ||
	    !IS_ALIGNED(args->cmd_offset, 8) ||
	    (!args->out_sync_handle && args->out_sync_point))
		return -EINVAL;
	if (args->bo_count > TAIHU_MAX_BO_HANDLES ||
	    args->in_sync_count > TAIHU_MAX_IN_SYNCS)
		return -E2BIG;
	return 0;
}

/* Map every buffer of the job in its context, the command buffer first. */
static int taihu_job_map_bos(struct taihu_job *job)
{
	struct taihu_bo_map *map;
	u32 i;

	job->maps = kvmalloc_array(job->bo_count + 1, sizeof(*job->maps),
				   GFP_KERNEL);
	if (!job->maps)
		return -ENOMEM;

	for (i = 0; i <= job->bo_count; i++) {
		map = taihu_bo_map_get(i ? job->bos[i - 1] : job->cmd_bo,
				       job->ctx);
		if (IS_ERR(map))
			return PTR_ERR(map);
		job->maps[job->map_count++] = map;
	}
	return 0;
}

/* Everything up to the point of no return; on error the caller cleans up. */
static int taihu_submit_prepare(struct taihu_job *job, struct drm_file *file,
				const struct drm_taihu_submit *args)
{
	struct taihu_file *tfile = file->driver_priv;
	int ret;

	job->queue = &job->tdev->queues[args->queue];
	job->ctx = taihu_ctx_get(tfile->ctx);
	job->cmd_len = args->cmd_len;

	ret = taihu_ctx_job_begin(job->ctx);
	if (ret)
		return ret;
	job->ctx_begun = true;

	job->cmd_bo = drm_gem_object_lookup(file, args->cmd_handle);
	if (!job->cmd_bo)
		return -ENOENT;
	if (args->cmd_offset > job->cmd_bo->size ||
	    args->cmd_len > job->cmd_bo->size - args->cmd_offset)
		return -EINVAL;

	if (args->bo_count) {
		job->bo_count = args->bo_count;
		ret = drm_gem_objects_lookup(file,
					     u64_to_user_ptr(args->bo_handles),
					     args->bo_count, &job->bos);
		if (ret)
			return ret;
	}

	ret = taihu_job_map_bos(job);
	if (ret)
		return ret;
	job->cmd_addr = job->maps[0]->va.start + args->cmd_offset;
	return 0;
}

int taihu_submit_ioctl(struct drm_device *drm, void *data,
		       struct drm_file *file)
{
	struct taihu_device *tdev = to_taihu_device(drm);
	struct taihu_file *tfile = file->driver_priv;
	struct drm_taihu_submit *args = data;
	struct dma_fence_chain *chain = NULL;
	struct drm_syncobj *out_sync = NULL;
	struct drm_sched_entity *entity;
	struct taihu_result *result;
	struct dma_fence *done;
	struct taihu_job *job;
	struct drm_exec exec;
	bool job_inited = false;
	u64 seqno;
	int idx, ret;

	ret = taihu_submit_check(tdev, args);
	if (ret)
		return ret;

	/* Before anything is allocated or locked: this may sleep long. */
	ret = taihu_submit_throttle(tfile, args->queue,
				    args->flags & DRM_TAIHU_SUBMIT_NONBLOCK);
	if (ret)
		return ret;

	if (!drm_dev_enter(drm, &idx)) {
		taihu_submit_unthrottle(tfile, args->queue);
		return -ENODEV;
	}

	job = taihu_job_alloc(tdev);
	if (!job) {
		ret = -ENOMEM;
		goto err_throttle;
	}

	ret = taihu_submit_prepare(job, file, args);
	if (ret)
		goto err_job;

	entity = &tfile->entities[args->queue][args->priority];
	ret = drm_sched_job_init(&job->base, entity, 1, tfile, file->client_id);
	if (ret)
		goto err_job;
	job_inited = true;

	ret = taihu_job_add_in_syncs(job, file, args->in_syncs,
				     args->in_sync_count);
	if (ret)
		goto err_job;

	if (args->out_sync_handle) {
		out_sync = drm_syncobj_find(file, args->out_sync_handle);
		if (!out_sync) {
			ret = -ENOENT;
			goto err_job;
		}
		if (args->out_sync_point) {
			chain = dma_fence_chain_alloc();
			if (!chain) {
				ret = -ENOMEM;
				goto err_job;
			}
		}
	}

	drm_exec_init(&exec, DRM_EXEC_INTERRUPTIBLE_WAIT |
		      DRM_EXEC_IGNORE_DUPLICATES, job->bo_count + 1);
	ret = taihu_job_lock_bos(job, &exec);
	if (ret)
		goto err_exec;

	mutex_lock(&tfile->submit_lock);
	seqno = tfile->next_seqno;
	/* After arming there is no way back: reserve the result slot now. */
	ret = xa_reserve(&tfile->results, seqno, GFP_KERNEL);
	if (ret) {
		mutex_unlock(&tfile->submit_lock);
		goto err_exec;
	}

	drm_sched_job_arm(&job->base);
	done = &job->base.s_fence->finished;
	result = job->result;
	result->done = dma_fence_get(done);
	result->tfile = tfile;
	result->seqno = seqno;
	result->queue = args->queue;
	kref_get(&result->ref);
	xa_store(&tfile->results, seqno, result, GFP_KERNEL);
	tfile->next_seqno++;
	atomic_inc(&job->queue->jobs);
	/* Not pushed yet, so not signalled: the callback always runs. */
	if (dma_fence_add_callback(done, &result->ended_cb, taihu_job_ended))
		taihu_job_ended(done, &result->ended_cb);

	taihu_job_fence_bos(job, done);

	if (chain) {
		drm_syncobj_add_point(out_sync, chain, done,
				      args->out_sync_point);
		chain = NULL;
	} else if (out_sync) {
		drm_syncobj_replace_fence(out_sync, done);
	}

	drm_sched_entity_push_job(&job->base);
	taihu_results_evict(tfile);
	mutex_unlock(&tfile->submit_lock);

	drm_exec_fini(&exec);
	args->seqno = seqno;
	ret = 0;
	goto out_put;

err_exec:
	drm_exec_fini(&exec);
err_job:
	if (job_inited)
		drm_sched_job_cleanup(&job->base);
	taihu_job_destroy(job);
err_throttle:
	taihu_submit_unthrottle(tfile, args->queue);
out_put:
	dma_fence_chain_free(chain);
	if (out_sync)
		drm_syncobj_put(out_sync);
	drm_dev_exit(idx);
	return ret;
}

/* Deadlines are absolute CLOCK_MONOTONIC ns; one that has passed polls. */
/*
 * Jiffies until an absolute CLOCK_MONOTONIC deadline, rounded up and one
 * more for the tick we start in, so that -ETIME never comes early
 * (drm_timeout_abs_to_jiffies() rounds down).
 */
static long taihu_deadline_to_jiffies(s64 deadline_ns)
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

static bool taihu_is_own_sched(struct taihu_device *tdev,
			       const struct drm_gpu_scheduler *sched)
{
	u32 i;

	for (i = 0; i < tdev->num_queues; i++)
		if (sched == &tdev->queues[i].sched)
			return true;
	return false;
}

/*
 * The outcome of a Taihu job's ended finished fence. A job that ran is
 * known by its hardware fence (of any Taihu device); one that never ran
 * only by its scheduler, which is compared, not dereferenced: the fence
 * may come from another device, gone since.
 */
static bool taihu_job_fence_outcome(struct taihu_device *tdev,
				    struct dma_fence *f,
				    struct taihu_outcome *out)
{
	struct drm_sched_fence *s_fence = to_drm_sched_fence(f);

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
		if (!taihu_job_fence_outcome(tdev, f, &out))
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

static int taihu_wait_bo(struct drm_device *drm, struct drm_file *file,
			 struct drm_taihu_wait *args, struct taihu_outcome *out)
{
	struct drm_gem_object *obj;
	int idx, ret;

	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;
	obj = drm_gem_object_lookup(file, args->handle);
	drm_dev_exit(idx);
	if (!obj)
		return -ENOENT;

	ret = taihu_wait_resv(obj->resv, args->timeout_ns);
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
	struct taihu_result *result;
	int idx, ret;

	/* Only around the lookup: a long wait must not hold up unplug. */
	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;
	xa_lock(&tfile->results);
	result = xa_load(&tfile->results, args->seqno);
	if (result)
		kref_get(&result->ref);
	xa_unlock(&tfile->results);
	drm_dev_exit(idx);

	if (!result)
		return -ENOENT;

	ret = taihu_wait_fence(result->done, args->timeout_ns);
	if (!ret) {
		/* The outcome was written before the fence signalled. */
		smp_rmb();
		*out = result->out;
	}
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
