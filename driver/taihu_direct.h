/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Direct submission: SUBMIT writes the ring entry of a job that has
 * nothing to wait for itself, without the scheduler's workqueue hop.
 */
#ifndef __TAIHU_DIRECT_H__
#define __TAIHU_DIRECT_H__

#include <linux/types.h>

struct drm_sched_entity;
struct taihu_job;
struct taihu_queue;

/**
 * taihu_direct_queue_init() - set up a queue's direct-job timeout tick
 * @q: the queue, with &taihu_queue.tdr_wq allocated
 */
void taihu_direct_queue_init(struct taihu_queue *q);

/**
 * taihu_direct_entity_idle() - has every job of @entity reached the ring?
 * @entity: a file's entity, under the file's &taihu_file.submit_lock
 *
 * A direct job of the entity written now is behind all its earlier jobs.
 *
 * Return: true if no job of @entity waits in the scheduler.
 */
bool taihu_direct_entity_idle(struct drm_sched_entity *entity);

/**
 * taihu_direct_run() - write a job's ring entry from SUBMIT
 * @job: a prepared job whose dependencies have all signalled, never
 *	initialised as a scheduler job
 * @kick: ring the doorbell now; if false the caller rings it later with
 *	taihu_queue_kick() (a batch rings it once for all its entries)
 *
 * On success the job's done fence is its hardware fence, and the job
 * belongs to its queue's direct list; once its fence is published the
 * caller hands it over with taihu_direct_commit().
 *
 * Return: 0; -EBUSY if the ring or the direct slots are full, -ENODEV if
 * the queue is stopped, -ECANCELED if the job's context may run no more
 * jobs: submit it through the scheduler instead, which deals with each.
 */
int taihu_direct_run(struct taihu_job *job, bool kick);

/**
 * taihu_direct_commit() - let a direct job be freed once it has ended
 * @job: a job taihu_direct_run() wrote; the caller may not touch it after
 */
void taihu_direct_commit(struct taihu_job *job);

#endif /* __TAIHU_DIRECT_H__ */
