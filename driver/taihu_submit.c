// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * SUBMIT. A job's dependencies are looked at (in-syncobjs and the
 * reservations of its buffers). A job with none left unsignalled is
 * written to the ring here when its entity has no job in the scheduler
 * (direct submission, taihu_direct.c); any other is made a scheduler job
 * waiting for them and armed. Its done fence is then published (buffers,
 * out-syncobj, the file's result table) and a scheduler job is pushed to
 * its entity, whose run_job writes the ring entry (taihu_job.c).
 *
 * Before the job is queued, each buffer it uses (the command buffer and
 * the listed ones) is mapped in the file's context (host buffers are
 * pinned then). A file whose context faulted gets -EIO.
 *
 * Locking: &taihu_file.submit_lock orders seqno assignment, arming,
 * pushing and the eviction of results; it is taken inside the buffers'
 * reservation locks. Mappings are taken (&taihu_bo.lock, which may take a
 * reservation lock to pin pages) before any reservation is locked. The
 * in-flight limit is waited for before anything is locked.
 */

#include <linux/bitops.h>
#include <linux/dma-fence-chain.h>
#include <linux/dma-resv.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <drm/drm_drv.h>
#include <drm/drm_exec.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_syncobj.h>
#include <drm/gpu_scheduler.h>
#include <drm/taihu_accel.h>

#include "taihu_direct.h"
#include "taihu_drv.h"
#include "taihu_gem.h"
#include "taihu_job.h"
#include "taihu_mmu.h"
#include "taihu_queue.h"
#include "taihu_results.h"
#include "taihu_submit.h"

/*
 * What the jobs of one SUBMIT_BATCH share: the doorbell of each queue they
 * were written to directly, rung once for many of them (as a ring's tail
 * tells the card about every entry before it): when the batch ends, before
 * it sleeps in the in-flight limit (entries the card has not been told
 * about would never end), and every TAIHU_BATCH_KICK_EVERY entries, so
 * that the card works on a long batch's first entries while the rest are
 * written, and frees their direct slots for them.
 */
#define TAIHU_BATCH_KICK_EVERY \
	((TAIHU_RING_MIN_ENTRIES - TAIHU_RING_SCHED_ENTRIES) / 2)

struct taihu_submit_batch {
	unsigned long unkicked;	/* queues with entries whose doorbell is owed */
	u32 owed[DRM_TAIHU_MAX_QUEUES];	/* those entries, per queue */
};

static void taihu_submit_batch_kick(struct taihu_device *tdev,
				    struct taihu_submit_batch *batch)
{
	unsigned int qi;

	BUILD_BUG_ON(DRM_TAIHU_MAX_QUEUES > BITS_PER_LONG);
	for_each_set_bit(qi, &batch->unkicked, tdev->num_queues) {
		taihu_queue_kick(&tdev->queues[qi]);
		batch->owed[qi] = 0;
	}
	batch->unkicked = 0;
}

/* A direct entry of the batch on @q was written without its doorbell. */
static void taihu_submit_batch_owe(struct taihu_queue *q,
				   struct taihu_submit_batch *batch)
{
	if (++batch->owed[q->index] < TAIHU_BATCH_KICK_EVERY) {
		__set_bit(q->index, &batch->unkicked);
		return;
	}
	taihu_queue_kick(q);
	batch->owed[q->index] = 0;
	__clear_bit(q->index, &batch->unkicked);
}

/* The fences of a job's in-syncs, referenced until consumed or put. */
struct taihu_in_fences {
	struct dma_fence **fences;
	u32 count;
};

static int taihu_in_fences_get(struct taihu_in_fences *in,
			       struct drm_file *file, u64 user_ptr, u32 count)
{
	struct drm_taihu_sync *syncs;
	u32 i;
	int ret = 0;

	if (!count)
		return 0;

	syncs = kvmalloc_array(count, sizeof(*syncs), GFP_KERNEL);
	in->fences = kvcalloc(count, sizeof(*in->fences), GFP_KERNEL);
	if (!syncs || !in->fences) {
		ret = -ENOMEM;
		goto out;
	}
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
					     syncs[i].point, 0,
					     &in->fences[in->count]);
		if (ret)
			goto out;
		in->count++;
	}
out:
	kvfree(syncs);
	return ret;
}

static void taihu_in_fences_put(struct taihu_in_fences *in)
{
	u32 i;

	for (i = 0; i < in->count; i++)
		dma_fence_put(in->fences[i]);
	kvfree(in->fences);
}

/*
 * Lock the job's buffers. A job that lists no buffers (a null job, a
 * stream that only touches memory mapped for the file) locks just its
 * command buffer's reservation, without drm_exec and its allocation:
 * SUBMIT's most common case. Then *@single is that buffer, referenced (as
 * drm_exec references what it locks): the job may be freed before the
 * caller unlocks.
 */
static int taihu_job_lock_bos(struct taihu_job *job, struct drm_exec *exec,
			      struct drm_gem_object **single)
{
	u32 i;
	int ret;

	*single = NULL;
	if (!job->bo_count) {
		ret = dma_resv_lock_interruptible(job->cmd_bo->resv, NULL);
		if (ret)
			return ret;
		ret = dma_resv_reserve_fences(job->cmd_bo->resv, 1);
		if (ret) {
			dma_resv_unlock(job->cmd_bo->resv);
			return ret;
		}
		drm_gem_object_get(job->cmd_bo);
		*single = job->cmd_bo;
		return 0;
	}

	drm_exec_init(exec, DRM_EXEC_INTERRUPTIBLE_WAIT |
		      DRM_EXEC_IGNORE_DUPLICATES, job->bo_count + 1);
	drm_exec_until_all_locked(exec) {
		/* Two slots: it may also be in the list, then it gets both. */
		ret = drm_exec_prepare_obj(exec, job->cmd_bo, 2);
		drm_exec_retry_on_contention(exec);
		if (ret)
			goto err;

		for (i = 0; i < job->bo_count; i++) {
			ret = drm_exec_prepare_obj(exec, job->bos[i], 1);
			drm_exec_retry_on_contention(exec);
			if (ret)
				goto err;
		}
	}
	return 0;
err:
	drm_exec_fini(exec);
	return ret;
}

/* Undo a successful taihu_job_lock_bos(); needs nothing of the job. */
static void taihu_job_unlock_bos(struct drm_exec *exec,
				 struct drm_gem_object *single)
{
	if (single) {
		dma_resv_unlock(single->resv);
		drm_gem_object_put(single);
	} else {
		drm_exec_fini(exec);
	}
}

/*
 * Has everything the job must wait for ended? Its in-syncs, and the users
 * of its locked buffers: of the command buffer, which is only read, its
 * writers; the listed buffers count as written (simple, and never wrong),
 * so every user of theirs.
 */
static bool taihu_job_deps_signalled(struct taihu_job *job,
				     const struct taihu_in_fences *in)
{
	u32 i;

	for (i = 0; i < in->count; i++)
		if (!dma_fence_is_signaled(in->fences[i]))
			return false;
	if (!dma_resv_test_signaled(job->cmd_bo->resv,
				    dma_resv_usage_rw(false)))
		return false;
	for (i = 0; i < job->bo_count; i++)
		if (!dma_resv_test_signaled(job->bos[i]->resv,
					    dma_resv_usage_rw(true)))
			return false;
	return true;
}

/*
 * Make the job a scheduler job of @entity waiting for what
 * taihu_job_deps_signalled() looks at; the buffers are locked. The
 * in-fences are consumed, also on error; *@inited tells whether the job
 * must be cleaned up as a scheduler job.
 */
static int taihu_submit_sched_init(struct taihu_job *job,
				   struct drm_sched_entity *entity,
				   struct drm_file *file,
				   struct taihu_in_fences *in, bool *inited)
{
	u32 i;
	int ret;

	ret = drm_sched_job_init(&job->base, entity, 1, file->driver_priv,
				 file->client_id);
	if (ret)
		return ret;
	*inited = true;

	for (; in->count; in->count--) {
		/* Consumes the reference, also on error. */
		ret = drm_sched_job_add_dependency(&job->base,
						   in->fences[in->count - 1]);
		if (ret) {
			in->count--;
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

/* Publish the job's finished fence on the buffers it uses, all locked. */
static void taihu_job_fence_bos(struct taihu_job *job, struct dma_fence *done)
{
	u32 i;

	dma_resv_assert_held(job->cmd_bo->resv);
	dma_resv_add_fence(job->cmd_bo->resv, done, DMA_RESV_USAGE_READ);
	/* Same context: a write entry replaces a read one, no new slot. */
	for (i = 0; i < job->bo_count; i++) {
		dma_resv_assert_held(job->bos[i]->resv);
		dma_resv_add_fence(job->bos[i]->resv, done,
				   DMA_RESV_USAGE_WRITE);
	}
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
	if (args->bo_count > DRM_TAIHU_MAX_SUBMIT_BOS ||
	    args->in_sync_count > DRM_TAIHU_MAX_IN_SYNCS)
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

/*
 * The job's way to the ring, under the submit lock: written by SUBMIT
 * itself when it may be (taihu_direct.c), else armed for the scheduler,
 * which it is made a job of now if it was not yet. Return: the job's done
 * fence, not referenced, or an ERR_PTR when the job could not be
 * initialised for the scheduler.
 */
static struct dma_fence *taihu_submit_commit(struct taihu_job *job,
					     struct drm_sched_entity *entity,
					     struct drm_file *file,
					     struct taihu_in_fences *in,
					     bool *inited, bool kick)
{
	int ret;

	if (!*inited) {
		if (!taihu_direct_entity_idle(entity))
			atomic64_inc(&job->queue->behind);
		else if (!taihu_direct_run(job, kick))
			return &job->hw_fence->base;
	}

	if (!*inited) {
		ret = taihu_submit_sched_init(job, entity, file, in, inited);
		if (ret)
			return ERR_PTR(ret);
	}
	drm_sched_job_arm(&job->base);
	return &job->base.s_fence->finished;
}

/*
 * The file's in-flight limit for the job's queue. A batch rings the
 * doorbells it owes before it sleeps there: the jobs it waits for may be
 * among them.
 */
static int taihu_submit_throttle(struct taihu_device *tdev,
				 struct taihu_file *tfile,
				 const struct drm_taihu_submit *args,
				 struct taihu_submit_batch *batch)
{
	bool nonblock = args->flags & DRM_TAIHU_SUBMIT_NONBLOCK;
	int ret;

	if (batch && batch->unkicked) {
		ret = taihu_results_throttle(tfile, args->queue, true);
		if (ret != -EAGAIN || nonblock)
			return ret;
		taihu_submit_batch_kick(tdev, batch);
	}
	return taihu_results_throttle(tfile, args->queue, nonblock);
}

/*
 * One job of SUBMIT or SUBMIT_BATCH (@batch, else NULL); args->seqno is
 * set on success.
 */
static int taihu_submit_job(struct drm_device *drm, struct drm_file *file,
			    struct drm_taihu_submit *args,
			    struct taihu_submit_batch *batch)
{
	struct taihu_device *tdev = to_taihu_device(drm);
	struct taihu_file *tfile = file->driver_priv;
	struct taihu_in_fences in = {};
	struct dma_fence_chain *chain = NULL;
	struct drm_syncobj *out_sync = NULL;
	struct drm_sched_entity *entity;
	struct taihu_result *result = NULL;
	struct dma_fence *done;
	struct taihu_job *job = NULL;
	struct drm_gem_object *single;
	struct drm_exec exec;
	bool job_inited = false;
	u64 seqno;
	int idx, ret;

	ret = taihu_submit_check(tdev, args);
	if (ret)
		return ret;

	/* Before anything is allocated or locked: this may sleep long. */
	ret = taihu_submit_throttle(tdev, tfile, args, batch);
	if (ret)
		return ret;

	if (!drm_dev_enter(drm, &idx)) {
		taihu_results_unthrottle(tfile, args->queue);
		return -ENODEV;
	}

	job = taihu_job_alloc(tdev);
	result = taihu_result_alloc();
	if (!job || !result) {
		ret = -ENOMEM;
		goto err_job;
	}

	ret = taihu_submit_prepare(job, file, args);
	if (ret)
		goto err_job;

	entity = &tfile->entities[args->queue][args->priority];
	ret = taihu_in_fences_get(&in, file, args->in_syncs,
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

	ret = taihu_job_lock_bos(job, &exec, &single);
	if (ret)
		goto err_job;

	/* Something to wait for: the scheduler's job, decided now. */
	if (!taihu_job_deps_signalled(job, &in)) {
		ret = taihu_submit_sched_init(job, entity, file, &in, &job_inited);
		if (ret)
			goto err_exec;
	}

	mutex_lock(&tfile->submit_lock);
	seqno = tfile->next_seqno;
	/* After arming there is no way back: reserve the result slot now. */
	ret = taihu_results_reserve(tfile, seqno);
	if (ret) {
		mutex_unlock(&tfile->submit_lock);
		goto err_exec;
	}

	done = taihu_submit_commit(job, entity, file, &in, &job_inited, !batch);
	if (IS_ERR(done)) {
		taihu_results_unreserve(tfile, seqno);
		mutex_unlock(&tfile->submit_lock);
		ret = PTR_ERR(done);
		goto err_exec;
	}
	taihu_results_add(tfile, result, seqno, args->queue, done);
	result = NULL;
	tfile->next_seqno++;

	taihu_job_fence_bos(job, done);

	if (chain) {
		drm_syncobj_add_point(out_sync, chain, done,
				      args->out_sync_point);
		chain = NULL;
	} else if (out_sync) {
		drm_syncobj_replace_fence(out_sync, done);
	}

	if (job->direct) {
		if (batch)
			taihu_submit_batch_owe(job->queue, batch);
		taihu_direct_commit(job);
	} else {
		/* The jobs it waits for report their end at once. */
		taihu_job_deps_want_irq(job);
		drm_sched_entity_push_job(&job->base);
	}
	taihu_results_evict(tfile);
	mutex_unlock(&tfile->submit_lock);

	taihu_job_unlock_bos(&exec, single);
	taihu_in_fences_put(&in);
	args->seqno = seqno;
	ret = 0;
	goto out_put;

err_exec:
	taihu_job_unlock_bos(&exec, single);
err_job:
	if (job)
		taihu_job_abort(job, job_inited);
	taihu_in_fences_put(&in);
	taihu_result_put(result);
	taihu_results_unthrottle(tfile, args->queue);
out_put:
	dma_fence_chain_free(chain);
	if (out_sync)
		drm_syncobj_put(out_sync);
	drm_dev_exit(idx);
	return ret;
}

int taihu_submit_ioctl(struct drm_device *drm, void *data,
		       struct drm_file *file)
{
	return taihu_submit_job(drm, file, data, NULL);
}

/*
 * The jobs of a batch are submitted in array order, each as by SUBMIT: a
 * job that fails gets its errno and the others are still submitted. A
 * fault on the arrays or a pending signal stops the batch; only before
 * the first job has been tried does the ioctl fail, so that a restart
 * submits nothing twice. Each job's error slot is written before the job
 * is tried, so a job is never submitted without its slot being writable.
 * The jobs written to the ring directly share one doorbell per queue
 * (struct taihu_submit_batch).
 */
int taihu_submit_batch_ioctl(struct drm_device *drm, void *data,
			     struct drm_file *file)
{
	struct drm_taihu_submit_batch *args = data;
	u8 __user *jobs = u64_to_user_ptr(args->jobs);
	s32 __user *errors = u64_to_user_ptr(args->errors);
	struct taihu_submit_batch batch = {};
	struct drm_taihu_submit job;
	u64 __user *seqno;
	u32 i;
	int ret = 0;

	if (args->flags || args->processed || !args->count ||
	    args->stride < sizeof(job) || !IS_ALIGNED(args->stride, 8))
		return -EINVAL;
	if (args->count > DRM_TAIHU_MAX_BATCH_JOBS)
		return -E2BIG;

	for (i = 0; i < args->count; i++) {
		u8 __user *entry = jobs + (size_t)i * args->stride;

		if (copy_from_user(&job, entry, sizeof(job)) ||
		    put_user(0, &errors[i])) {
			ret = i ? 0 : -EFAULT;
			break;
		}
		ret = taihu_submit_job(drm, file, &job, &batch);
		if (ret == -ERESTARTSYS || ret == -EINTR) {
			if (!i)
				break;
			ret = -EINTR;
		}
		seqno = (u64 __user *)(entry +
				       offsetof(struct drm_taihu_submit, seqno));
		if (put_user(ret, &errors[i]) ||
		    (!ret && put_user(job.seqno, seqno))) {
			ret = 0;
			break;
		}
		args->processed++;
		if (ret == -EINTR)
			break;
		ret = 0;
	}
	taihu_submit_batch_kick(to_taihu_device(drm), &batch);
	return ret;
}
