// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Job timeouts that look before they shoot. A queue's oldest job is looked
 * at every TAIHU_JOB_TICK_MS while it runs (the scheduler's timeout, or
 * direct submission's tick for a job SUBMIT wrote itself); it
 * is declared hung only once the card showed no progress on its queue for
 * job_timeout_ms (sysfs) and the card itself looks healthy. A long kernel
 * that keeps moving the queue's progress word is left to run; a card whose
 * heartbeat is late is left to the heartbeat watchdog (taihu_health.c),
 * which resets the whole card or declares it dead, instead of a queue
 * reset that could only time out.
 *
 * A hung job's context is banned (its later SUBMITs fail with
 * -ECANCELED, its jobs not on a ring yet end cancelled; other contexts are
 * untouched) and its queue is reset: the job ends with
 * DRM_TAIHU_JOB_TIMEOUT, the jobs behind it on the ring run on. If the
 * queue reset fails (QUEUE_DISABLE or QUEUE_ENABLE), the whole card is
 * reset (taihu_health_escalate()): the guilty job ends TIMEOUT, the
 * innocent ones in flight run again; a card that does not come back, or
 * is past its reset limit, is declared dead. Queue resets of different
 * queues may run at the same time (they share &taihu_health.reset_lock
 * for reading, a card reset takes it for writing), so a hang on one queue
 * does not wait for another queue's recovery.
 *
 * Times are CLOCK_MONOTONIC: under TCG jiffies catch up in bursts.
 */

#include <linux/device.h>
#include <linux/kobject.h>
#include <linux/ktime.h>
#include <linux/pci.h>
#include <linux/sysfs.h>

#include <drm/drm_drv.h>

#include "taihu_drv.h"
#include "taihu_health.h"
#include "taihu_mbox.h"
#include "taihu_mmu.h"
#include "taihu_netlink.h"
#include "taihu_queue.h"
#include "taihu_recovery.h"
#include "taihu_sysfs.h"

void taihu_recovery_init(struct taihu_device *tdev)
{
	struct taihu_recovery *r = &tdev->recovery;
	u32 i;

	r->job_timeout_ms = TAIHU_JOB_TIMEOUT_DEFAULT_MS;
	for (i = 0; i < TAIHU_MAX_QUEUES; i++)
		spin_lock_init(&r->watch[i].lock);
	atomic64_set(&r->hangs, 0);
	atomic64_set(&r->deferred, 0);
	atomic64_set(&r->long_jobs, 0);
	atomic64_set(&r->queue_resets, 0);
	atomic64_set(&r->queue_reset_failures, 0);
	atomic64_set(&r->contexts_banned, 0);
	atomic64_set(&r->escalations, 0);
}

/* The queue's progress word; constant on cards that have none. */
static u64 taihu_recovery_progress(struct taihu_queue *q)
{
	if (q->tdev->card_if_minor < TAIHU_CARD_IF_MINOR_PROGRESS)
		return 0;
	return taihu_ctrl_rd64(q->tdev, TAIHU_QDESC_REG(q->index, progress));
}

bool taihu_recovery_hung(struct taihu_queue *q, struct taihu_fence *fence)
{
	struct taihu_device *tdev = q->tdev;
	struct taihu_recovery *r = &tdev->recovery;
	struct taihu_recovery_watch *w = &r->watch[q->index];
	u64 now, progress, timeout_ns, stalled_ns;
	bool suspect, long_job = false, deferred = false;
	struct taihu_fence *oldest;

	/* A lost interrupt is not a timeout (taihu_queue_oldest() processes). */
	oldest = taihu_queue_oldest(q);
	if (oldest)
		dma_fence_put(&oldest->base);
	/* Compared, not dereferenced. */
	if (oldest != fence)
		return false;

	suspect = taihu_health_suspect(tdev);
	progress = taihu_recovery_progress(q);
	timeout_ns = (u64)READ_ONCE(r->job_timeout_ms) * NSEC_PER_MSEC;
	now = ktime_get_ns();

	spin_lock(&w->lock);
	if (w->seqno != fence->base.seqno) {
		/* A new oldest job: its clock starts now. */
		w->seqno = fence->base.seqno;
		w->progress = progress;
		w->since_ns = now;
		w->first_ns = now;
		w->long_job = false;
	} else if (w->progress != progress) {
		if (!w->long_job && now - w->first_ns >= timeout_ns) {
			w->long_job = true;
			long_job = true;
		}
		w->progress = progress;
		w->since_ns = now;
	} else if (suspect) {
		/* A card in trouble is the watchdog's: its time does not count. */
		deferred = now - w->since_ns >= timeout_ns;
		w->since_ns = now;
	}
	stalled_ns = now - w->since_ns;
	spin_unlock(&w->lock);

	if (long_job)
		atomic64_inc(&r->long_jobs);
	if (deferred)
		atomic64_inc(&r->deferred);
	return !suspect && stalled_ns >= timeout_ns;
}

/*
 * taihu_queue_reset()'s steps, except that a failed QUEUE_ENABLE leaves the
 * entries in flight, and the queue in its reset, for the card reset that
 * follows. Return: 0; -ENODEV if the queue was stopped meanwhile (every
 * entry has ended); -ECANCELED if the watchdog abandoned the request for a
 * card reset of its own; else the error of the failed mailbox request.
 */
static int taihu_recovery_queue_reset(struct taihu_queue *q,
				      struct taihu_fence *guilty)
{
	struct taihu_mbox_queue req = { .queue = q->index };
	int ret;

	if (!taihu_queue_reset_begin(q, guilty))
		return -ENODEV;
	/* The card aborts the running job at its next step. */
	ret = taihu_mbox_simple(q->tdev, TAIHU_MBOX_OP_QUEUE_DISABLE, &req,
				sizeof(req), TAIHU_BOOT_TIMEOUT_MS);
	if (ret) {
		taihu_queue_reset_cancel(q);
		return ret;
	}
	if (!taihu_queue_reset_stopped(q))
		return -ENODEV;
	ret = taihu_mbox_simple(q->tdev, TAIHU_MBOX_OP_QUEUE_ENABLE, &req,
				sizeof(req), TAIHU_MBOX_TIMEOUT_MS);
	if (ret)
		return ret;
	return taihu_queue_reset_end(q, 0);
}

static void taihu_recovery_uevent(struct taihu_queue *q, u32 ctx_id,
				  const char *what)
{
	char event[40], queue[24], context[24];
	char *envp[4] = { event, queue, context, NULL };

	snprintf(event, sizeof(event), "TAIHU_EVENT=%s", what);
	snprintf(queue, sizeof(queue), "TAIHU_QUEUE=%u", q->index);
	snprintf(context, sizeof(context), "TAIHU_CONTEXT=%u", ctx_id);
	kobject_uevent_env(&q->tdev->drm.dev->kobj, KOBJ_CHANGE, envp);
}

int taihu_recovery_hang(struct taihu_queue *q, struct taihu_fence *guilty)
{
	struct taihu_device *tdev = q->tdev;
	struct taihu_recovery *r = &tdev->recovery;
	struct device *dev = tdev->drm.dev;
	struct taihu_nl_event ev = {
		.kind = TAIHU_EVENT_KIND_JOB_TIMEOUT,
		.has = TAIHU_NL_EV_QUEUE,
		.queue = q->index,
	};
	struct taihu_ctx *ctx;
	u32 ctx_id = 0;
	int ret = 0;

	/* Not during a card reset: that one may resubmit this job. */
	down_read(&tdev->health.reset_lock);
	taihu_queue_process(q);
	if (dma_fence_is_signaled(&guilty->base))
		goto out;
	/* NULL once the fence ended; the job holds the context until freed. */
	ctx = READ_ONCE(guilty->ctx);
	if (ctx) {
		ctx_id = ctx->id;
		ev.has |= TAIHU_NL_EV_CONTEXT;
		ev.context = ctx_id;
	}
	atomic64_inc(&r->hangs);
	taihu_nl_event_post(tdev, &ev);
	taihu_recovery_uevent(q, ctx_id, "job-timeout");
	/* Before the reset: its jobs not on a ring yet never run. */
	if (ctx && taihu_ctx_ban(ctx)) {
		atomic64_inc(&r->contexts_banned);
		ev.kind = TAIHU_EVENT_KIND_CONTEXT_BANNED;
		taihu_nl_event_post(tdev, &ev);
		taihu_recovery_uevent(q, ctx_id, "context-banned");
		dev_warn_ratelimited(dev, "context %u banned: its job on queue %u hung\n",
				     ctx_id, q->index);
	}

	ret = taihu_recovery_queue_reset(q, guilty);
	if (!ret) {
		atomic64_inc(&r->queue_resets);
		ev.kind = TAIHU_EVENT_KIND_QUEUE_RESET;
		taihu_nl_event_post(tdev, &ev);
		dev_warn_ratelimited(dev, "queue %u: job of context %u made no progress for %u ms, queue reset\n",
				     q->index, ctx_id, READ_ONCE(r->job_timeout_ms));
		taihu_recovery_uevent(q, ctx_id, "queue-reset");
	} else if (ret != -ENODEV && ret != -ECANCELED) {
		atomic64_inc(&r->queue_reset_failures);
		dev_err_ratelimited(dev, "queue %u: job of context %u hung, queue reset failed: %d\n",
				    q->index, ctx_id, ret);
	}
out:
	up_read(&tdev->health.reset_lock);
	/*
	 * The last rung: the whole card, the innocent jobs run again. Not if
	 * the watchdog abandoned the reset's request: its card reset follows.
	 */
	if (ret && ret != -ENODEV && ret != -ECANCELED) {
		atomic64_inc(&r->escalations);
		ret = taihu_health_escalate(tdev, q, guilty);
	}
	return ret;
}

static ssize_t job_timeout_ms_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n",
			  READ_ONCE(taihu_sysfs_tdev(dev)->recovery.job_timeout_ms));
}

static ssize_t job_timeout_ms_store(struct device *dev,
				    struct device_attribute *attr,
				    const char *buf, size_t count)
{
	int ret = taihu_sysfs_store_u32(buf, TAIHU_JOB_TIMEOUT_MIN_MS,
				       TAIHU_JOB_TIMEOUT_MAX_MS,
				       &taihu_sysfs_tdev(dev)->recovery.job_timeout_ms);

	return ret ? ret : count;
}
static DEVICE_ATTR_RW(job_timeout_ms);

static ssize_t hangs_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return taihu_sysfs_counter_show(buf, &taihu_sysfs_tdev(dev)->recovery.hangs);
}
static DEVICE_ATTR_RO(hangs);

static ssize_t hangs_deferred_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	return taihu_sysfs_counter_show(buf, &taihu_sysfs_tdev(dev)->recovery.deferred);
}
static DEVICE_ATTR_RO(hangs_deferred);

static ssize_t long_jobs_show(struct device *dev, struct device_attribute *attr,
			      char *buf)
{
	return taihu_sysfs_counter_show(buf, &taihu_sysfs_tdev(dev)->recovery.long_jobs);
}
static DEVICE_ATTR_RO(long_jobs);

static ssize_t queue_resets_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	return taihu_sysfs_counter_show(buf,
					   &taihu_sysfs_tdev(dev)->recovery.queue_resets);
}
static DEVICE_ATTR_RO(queue_resets);

static ssize_t queue_reset_failures_show(struct device *dev,
					 struct device_attribute *attr, char *buf)
{
	struct taihu_recovery *r = &taihu_sysfs_tdev(dev)->recovery;

	return taihu_sysfs_counter_show(buf, &r->queue_reset_failures);
}
static DEVICE_ATTR_RO(queue_reset_failures);

static ssize_t contexts_banned_show(struct device *dev,
				    struct device_attribute *attr, char *buf)
{
	return taihu_sysfs_counter_show(buf,
					&taihu_sysfs_tdev(dev)->recovery.contexts_banned);
}
static DEVICE_ATTR_RO(contexts_banned);

static ssize_t escalations_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	return taihu_sysfs_counter_show(buf, &taihu_sysfs_tdev(dev)->recovery.escalations);
}
static DEVICE_ATTR_RO(escalations);

static struct attribute *taihu_recovery_attrs[] = {
	&dev_attr_escalations.attr,
	&dev_attr_contexts_banned.attr,
	&dev_attr_job_timeout_ms.attr,
	&dev_attr_hangs.attr,
	&dev_attr_hangs_deferred.attr,
	&dev_attr_long_jobs.attr,
	&dev_attr_queue_resets.attr,
	&dev_attr_queue_reset_failures.attr,
	NULL
};

const struct attribute_group taihu_recovery_sysfs_group = {
	.attrs = taihu_recovery_attrs,
};
