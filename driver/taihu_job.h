/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Jobs: their lifecycle, the drm_sched scheduler of each hardware queue and
 * the entities of each file (one per queue and priority), and the outcome
 * of an ended job. SUBMIT (taihu_submit.c) builds and pushes jobs, WAIT
 * (taihu_wait.c) reads their outcomes, the per-file result table
 * (taihu_results.c) keeps them by seqno.
 */
#ifndef __TAIHU_JOB_H__
#define __TAIHU_JOB_H__

#include <linux/dma-fence.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/llist.h>
#include <linux/types.h>

#include <drm/gpu_scheduler.h>

struct dma_fence;
struct drm_gem_object;
struct taihu_bo_map;
struct taihu_ctx;
struct taihu_device;
struct taihu_fence;
struct taihu_file;
struct taihu_outcome;
struct taihu_queue;

/* How long a job may run on the card before its queue is reset. */
#define TAIHU_JOB_TIMEOUT_MS		5000

/**
 * struct taihu_job - one submission
 * @base: the scheduler job
 * @tdev: the device
 * @queue: the hardware queue
 * @hw_fence: hardware fence, allocated with the job so that run_job does
 *	not allocate; initialised by run_job. It carries the job's outcome.
 * @hw_fence_live: run_job initialised @hw_fence and the job holds a
 *	reference to it
 * @abandoned: ended by the timeout while the card may still run it
 * @irq_queues: bit q: the job waits for a job of queue q of its device
 *	and holds taihu_queue_irq_get() on it until it runs or is freed
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
 * @free_node: entry in &taihu_device.jobs_to_free once the job has ended
 * @direct: written to the ring by SUBMIT itself (taihu_direct.c), not by
 *	the scheduler: @base was never initialised and the job's done fence
 *	is @hw_fence
 * @direct_link: entry in &taihu_queue.direct_jobs until @hw_fence ends
 * @direct_ref: of a direct job: one for its end, one while its queue's
 *	timeout tick looks at it; the last frees the job
 * @direct_cb: of a direct job: on @hw_fence, drops the end's reference
 */
struct taihu_job {
	struct drm_sched_job base;
	struct taihu_device *tdev;
	struct taihu_queue *queue;
	struct taihu_fence *hw_fence;
	bool hw_fence_live;
	bool abandoned;
	u32 irq_queues;
	u64 cmd_addr;
	u32 cmd_len;
	struct taihu_ctx *ctx;
	bool ctx_begun;
	struct drm_gem_object *cmd_bo;
	struct drm_gem_object **bos;
	u32 bo_count;
	struct taihu_bo_map **maps;
	u32 map_count;
	struct llist_node free_node;
	bool direct;
	struct list_head direct_link;
	struct kref direct_ref;
	struct dma_fence_cb direct_cb;
};

/**
 * taihu_job_sched_init() - create a scheduler for each enabled queue
 * @tdev: the device
 *
 * The schedulers are torn down by a DRM-managed action, that is once the
 * last file is closed, because entities of open files refer to them.
 *
 * Return: 0 or a negative errno.
 */
int taihu_job_sched_init(struct taihu_device *tdev);

/**
 * taihu_job_file_init() - set up the scheduler entities of a new file
 * @tfile: the file
 *
 * Return: 0 or a negative errno.
 */
int taihu_job_file_init(struct taihu_file *tfile);

/**
 * taihu_job_file_fini() - flush or kill the file's jobs
 * @tfile: the file
 *
 * Jobs already handed to the card may still run afterwards.
 */
void taihu_job_file_fini(struct taihu_file *tfile);

/**
 * taihu_job_alloc() - a new job of @tdev, with its hardware fence
 * @tdev: the device
 *
 * Return: the job, or NULL.
 */
struct taihu_job *taihu_job_alloc(struct taihu_device *tdev);

/**
 * taihu_job_abort() - free a job that was never pushed
 * @job: the job
 * @inited: drm_sched_job_init() succeeded on it
 */
void taihu_job_abort(struct taihu_job *job, bool inited);

/**
 * taihu_job_free_later() - free an ended job from a work item
 * @job: the job, scheduled or direct
 *
 * May be called in any context, hard IRQ included.
 */
void taihu_job_free_later(struct taihu_job *job);

/**
 * taihu_job_cancel_timed_out() - end a timed-out job the card did not end
 * @job: a job whose timeout was handled (scheduled or direct)
 * @reset: the recovery's result, for the log
 *
 * If the job's ring entry has not ended (the queue reset failed, the card
 * is gone), it ends with DRM_TAIHU_JOB_TIMEOUT without the card. The entry
 * stays on the ring until the card moves past it, so the job is abandoned.
 */
void taihu_job_cancel_timed_out(struct taihu_job *job, int reset);

/**
 * taihu_job_deps_want_irq() - have the jobs a scheduled job waits for
 *	report their end at once
 * @job: an armed job about to be pushed
 *
 * For each unsignalled dependency that is a job of the same device, its
 * queue reports completions at once (taihu_queue_irq_get()) until @job
 * runs or is freed (interrupt moderation).
 */
void taihu_job_deps_want_irq(struct taihu_job *job);

/**
 * taihu_job_outcome() - how the job of an ended finished fence ended
 * @tdev: the device asking; a job that never ran is recognised as one of
 *	its own by the scheduler, which is compared, not dereferenced
 * @finished: a scheduler finished fence (or any fence)
 * @out: filled when the function returns true
 *
 * A job that ran is known by its hardware fence, of any Taihu device; one
 * that never ran (cancelled, killed, its context faulted) ended as
 * DRM_TAIHU_JOB_CANCELLED. A direct job's done fence is its hardware fence.
 *
 * Return: true if @finished is the signalled finished fence of a Taihu job
 * or a signalled Taihu hardware fence.
 */
bool taihu_job_outcome(struct taihu_device *tdev, struct dma_fence *finished,
		       struct taihu_outcome *out);

#endif /* __TAIHU_JOB_H__ */
