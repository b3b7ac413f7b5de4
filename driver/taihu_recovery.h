/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The recovery ladder's decisions for a job that looks stuck: is it hung
 * (taihu_recovery_hung(): no progress for job_timeout_ms on a card whose
 * heartbeat is on time), and what is done about one (taihu_recovery_hang():
 * its queue is reset, which ends it with DRM_TAIHU_JOB_TIMEOUT). The card
 * reset of a card in trouble is the heartbeat watchdog's (taihu_health.c).
 * Both functions take the queue and the guilty job's hardware fence only,
 * so that any watcher of a queue (the scheduler's timeout, a watchdog of
 * directly submitted jobs) decides the same way.
 */
#ifndef __TAIHU_RECOVERY_H__
#define __TAIHU_RECOVERY_H__

#include <linux/atomic.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "taihu_card_api.h"

struct attribute_group;
struct taihu_device;
struct taihu_fence;
struct taihu_queue;

/* Default and bounds of the job timeout (sysfs job_timeout_ms). */
#define TAIHU_JOB_TIMEOUT_DEFAULT_MS	5000
#define TAIHU_JOB_TIMEOUT_MIN_MS	200
#define TAIHU_JOB_TIMEOUT_MAX_MS	600000
/*
 * The scheduler's timeout: how often a queue whose oldest job has not
 * ended is looked at. drm_sched fixes its timeout at init; the job
 * timeout is counted here instead, in these ticks.
 */
#define TAIHU_JOB_TICK_MS		100

/**
 * struct taihu_recovery_watch - what was last seen of one queue's oldest job
 * @lock: protects the fields below
 * @seqno: ring seqno of the job watched (0: none yet)
 * @progress: the queue's progress word when it last moved
 * @since_ns: when the job was first seen or its progress last moved, or
 *	the card was last suspect (CLOCK_MONOTONIC)
 * @first_ns: when the job was first seen
 * @long_job: the job outlived the timeout by making progress (counted once)
 */
struct taihu_recovery_watch {
	spinlock_t lock; /* one watcher at a time */
	u64 seqno;
	u64 progress;
	u64 since_ns;
	u64 first_ns;
	bool long_job;
};

/**
 * struct taihu_recovery - recovery state and counters of one card
 * @job_timeout_ms: how long a job may go without progress; sysfs,
 *	READ_ONCE
 * @watch: per queue
 * @hangs: jobs declared hung
 * @deferred: timeouts left to the heartbeat watchdog because the card
 *	was suspect (counted once per job_timeout_ms of a stalled job)
 * @long_jobs: jobs that ran past the timeout while making progress
 * @queue_resets: queue resets that brought their queue back
 * @queue_reset_failures: queue resets that failed
 * @contexts_banned: contexts banned because a job of theirs hung
 * @escalations: failed queue resets that led to a card reset
 */
struct taihu_recovery {
	u32 job_timeout_ms;
	struct taihu_recovery_watch watch[TAIHU_MAX_QUEUES];
	atomic64_t hangs;
	atomic64_t deferred;
	atomic64_t long_jobs;
	atomic64_t queue_resets;
	atomic64_t queue_reset_failures;
	atomic64_t contexts_banned;
	atomic64_t escalations;
};

/**
 * taihu_recovery_init() - default timeout, zero counters
 * @tdev: the device
 */
void taihu_recovery_init(struct taihu_device *tdev);

/**
 * taihu_recovery_hung() - is the oldest job of a queue hung?
 * @q: the queue
 * @fence: hardware fence of a job on the ring, not ended
 *
 * Called periodically (every TAIHU_JOB_TICK_MS or so) while @fence has not
 * ended, by the scheduler's timeout for its oldest job and by direct
 * submission's tick for the oldest direct job. Catches a lost completion
 * interrupt first. Only the oldest entry of the ring can be hung: a job
 * behind it waits, whichever way either was submitted. A job is hung once the
 * queue's progress word (&taihu_queue_desc.progress, cards of interface
 * 1.5 on; older cards: the job's completion) has not moved for
 * job_timeout_ms since the job was first seen. Time during which the card
 * is suspect (its heartbeat late, its firmware in an error state, a card
 * reset under way) does not count: the heartbeat watchdog deals with such
 * a card, a queue reset would only fail. Process context.
 *
 * Return: true if @fence is hung: call taihu_recovery_hang().
 */
bool taihu_recovery_hung(struct taihu_queue *q, struct taihu_fence *fence);

/**
 * taihu_recovery_hang() - recover a queue from its hung job
 * @q: the queue
 * @guilty: hardware fence of the hung job, whose job (holding its context)
 *	the caller keeps alive
 *
 * Bans the guilty job's context (taihu_ctx_ban()), then resets the queue
 * (taihu_queue_reset()): @guilty ends with DRM_TAIHU_JOB_TIMEOUT and the
 * jobs behind it run on. Counts, logs, posts job-timeout and
 * context-banned netlink events (the queue reset posts queue-reset), and
 * sends uevents TAIHU_EVENT=job-timeout, context-banned and queue-reset.
 * If the queue reset fails, escalates to a card reset
 * (taihu_health_escalate()). Not during a card reset. Sleeps.
 *
 * Return: 0 once the queue runs again (or @guilty had ended meanwhile, or
 * the card reset brought the card back); -ENODEV if the queue or the card
 * is gone; another error only if the card was declared dead. Whatever the
 * result, @guilty has ended or is about to end by a card that moves past
 * it; a caller that sees it unended may cancel it (taihu_queue_cancel()).
 */
int taihu_recovery_hang(struct taihu_queue *q, struct taihu_fence *guilty);

extern const struct attribute_group taihu_recovery_sysfs_group;

#endif /* __TAIHU_RECOVERY_H__ */
