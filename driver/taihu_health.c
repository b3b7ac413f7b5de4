// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The heartbeat watchdog. Every TAIHU_HEALTH_POLL_MS a delayed work reads
 * the heartbeat word and the state of the card's ID page. The card beats
 * from a thread of its own (a long mailbox request does not stop it), so a
 * heartbeat that stands still for heartbeat_timeout_ms, or an ERROR state
 * (a firmware crash), means the card is in trouble. The last rung of the
 * recovery ladder follows: a card reset (RESET, the firmware verified and
 * booted again, every context told again about its page tables, the
 * queues enabled again from where they were, so that the jobs in flight,
 * none of them guilty, run again). A card that does not answer the RESET
 * within TAIHU_RESET_PROBE_MS, or does not boot, is dead: every job in flight
 * ends at once with -ENODEV, mailbox requests fail at once, the driver's
 * ioctls fail with -ENODEV, and userspace hears about it through a uevent
 * and a card-dead netlink event. The device stays bound: unbinding works,
 * and binding again brings back a card that came back.
 *
 * Times are CLOCK_MONOTONIC, not jiffies: under TCG jiffies catch up on
 * lost ticks in bursts.
 */

#include <linux/device.h>
#include <linux/kobject.h>
#include <linux/ktime.h>
#include <linux/pci.h>
#include <linux/sysfs.h>

#include <drm/drm_drv.h>

#include "taihu_coredump.h"
#include "taihu_drv.h"
#include "taihu_fw.h"
#include "taihu_mmu.h"
#include "taihu_health.h"
#include "taihu_netlink.h"
#include "taihu_queue.h"
#include "taihu_sysfs.h"

static const char *const taihu_death_names[] = {
	[TAIHU_DEATH_NONE] = "alive",
	[TAIHU_DEATH_HEARTBEAT] = "heartbeat",
	[TAIHU_DEATH_FW_CRASH] = "fw-crash",
	[TAIHU_DEATH_ADMIN] = "admin",
	[TAIHU_DEATH_QUEUE_RESET] = "queue-reset",
	[TAIHU_DEATH_RESET_LIMIT] = "reset-limit",
};

bool taihu_health_dead(struct taihu_device *tdev)
{
	return atomic_read(&tdev->health.dead) != TAIHU_DEATH_NONE;
}

static void taihu_health_uevent(struct taihu_device *tdev, enum taihu_death why)
{
	char event[] = "TAIHU_EVENT=card-dead";
	char reason[32], code[32];
	char *envp[4];

	snprintf(reason, sizeof(reason), "TAIHU_REASON=%s", taihu_death_names[why]);
	snprintf(code, sizeof(code), "TAIHU_ERROR_CODE=%u", tdev->health.error_code);
	envp[0] = event;
	envp[1] = reason;
	envp[2] = code;
	envp[3] = NULL;
	kobject_uevent_env(&tdev->drm.dev->kobj, KOBJ_CHANGE, envp);
}

void taihu_health_declare_dead(struct taihu_device *tdev, enum taihu_death why,
			       u64 stale_ms)
{
	struct taihu_health *h = &tdev->health;
	struct taihu_nl_event ev = {
		.kind = TAIHU_EVENT_KIND_CARD_DEAD,
		.has = TAIHU_NL_EV_CODE,
	};

	if (atomic_cmpxchg(&h->dead, TAIHU_DEATH_NONE, why) != TAIHU_DEATH_NONE)
		return;
	h->dead_ns = ktime_get_ns();
	h->stale_ms = stale_ms;
	h->error_code = taihu_ctrl_rd32(tdev, TAIHU_ID_REG(error_code));
	atomic64_inc(&h->deaths);

	if (why == TAIHU_DEATH_FW_CRASH)
		dev_err(tdev->drm.dev, "card dead: firmware crashed (error code %#x); jobs cancelled, unbind and bind to restart it\n",
			h->error_code);
	else if (why == TAIHU_DEATH_HEARTBEAT)
		dev_err(tdev->drm.dev, "card dead: no heartbeat for %llu ms; jobs cancelled, unbind and bind to restart it\n",
			stale_ms);
	else if (why == TAIHU_DEATH_RESET_LIMIT)
		dev_err(tdev->drm.dev, "card dead: more than %u card resets in %u ms; jobs cancelled, unbind and bind to restart it\n",
			READ_ONCE(h->reset_limit), READ_ONCE(h->reset_window_ms));
	else if (why == TAIHU_DEATH_QUEUE_RESET)
		dev_err(tdev->drm.dev, "card dead: a queue reset failed and the card did not come back; jobs cancelled, unbind and bind to restart it\n");
	else
		dev_err(tdev->drm.dev, "card dead: it did not come back from a reset; jobs cancelled, unbind and bind to restart it\n");

	/* Mailbox and user-queue waiters see the dead flag at once. */
	wake_up_all(&tdev->mbox.wq);
	wake_up_all(&tdev->uq.wq);
	/* Every entry on a ring ends now; jobs not on a ring yet fail to get there. */
	taihu_queues_stop(tdev);

	ev.code = h->error_code;
	taihu_nl_event_post(tdev, &ev);
	taihu_health_uevent(tdev, why);
}

static void taihu_health_notify_reset(struct taihu_device *tdev, enum taihu_death why)
{
	struct taihu_nl_event ev = { .kind = TAIHU_EVENT_KIND_CARD_RESET };
	char event[] = "TAIHU_EVENT=card-reset";
	char reason[32];
	char *envp[3];

	taihu_nl_event_post(tdev, &ev);
	snprintf(reason, sizeof(reason), "TAIHU_REASON=%s", taihu_death_names[why]);
	envp[0] = event;
	envp[1] = reason;
	envp[2] = NULL;
	kobject_uevent_env(&tdev->drm.dev->kobj, KOBJ_CHANGE, envp);
}

/* One more card reset now: within the limit? Records it if so. Under reset_lock. */
static bool taihu_health_reset_allowed(struct taihu_health *h, u64 now)
{
	u32 limit = READ_ONCE(h->reset_limit), i, recent = 0;
	u64 window_ns = (u64)READ_ONCE(h->reset_window_ms) * NSEC_PER_MSEC;

	lockdep_assert_held_write(&h->reset_lock);
	for (i = 0; limit && i < TAIHU_RESET_LIMIT_MAX; i++)
		if (h->reset_ns[i] && now - h->reset_ns[i] < window_ns)
			recent++;
	if (limit && recent >= limit)
		return false;
	h->reset_ns[h->reset_next] = now;
	h->reset_next = (h->reset_next + 1) % TAIHU_RESET_LIMIT_MAX;
	return true;
}

/*
 * Reset the whole card and bring back what ran on it. Jobs in flight are
 * not ended: the card aborted them (or, crashed, left them), and the
 * queues start again from the first entry not ended; @guilty (of queue
 * @gq, if any) ends with DRM_TAIHU_JOB_TIMEOUT instead.
 *
 * Return: 0; -ELOOP past the reset limit (nothing done); the error of the
 * step that failed.
 */
static int taihu_health_reset_card(struct taihu_device *tdev, enum taihu_death why,
				   struct taihu_queue *gq, struct taihu_fence *guilty)
{
	struct taihu_health *h = &tdev->health;
	bool began[TAIHU_MAX_QUEUES] = {};
	u32 i, nq = tdev->num_queues;
	u64 t0 = ktime_get_ns();
	int ret;

	/* A request waiting on the card in trouble holds what we need. */
	if (why != TAIHU_DEATH_ADMIN && why != TAIHU_DEATH_QUEUE_RESET)
		taihu_mbox_abandon(tdev);
	down_write(&h->reset_lock);
	/* An administrator's reset is neither limited nor counted. */
	if (why != TAIHU_DEATH_ADMIN && !taihu_health_reset_allowed(h, t0)) {
		up_write(&h->reset_lock);
		dev_err(tdev->drm.dev, "card reset (%s) refused: %u resets in %u ms already\n",
			taihu_death_names[why], READ_ONCE(h->reset_limit),
			READ_ONCE(h->reset_window_ms));
		return -ELOOP;
	}
	WRITE_ONCE(h->resetting, true);
	for (i = 0; i < nq; i++)
		began[i] = taihu_queue_reset_begin(&tdev->queues[i],
						   gq == &tdev->queues[i] ? guilty : NULL);
	/* Is anybody there? A gone card must not delay its verdict. */
	ret = taihu_fw_reset(tdev, TAIHU_RESET_PROBE_MS);
	/* Reset or not, the card serves no user queue any more. */
	taihu_uq_card_lost(tdev);
	if (!ret) {
		ret = taihu_fw_boot(tdev);
		/* A boot can fail once (fault_inject/fail_boot): once more. */
		if (ret && ret != -ETIMEDOUT && ret != -ENODEV) {
			dev_warn(tdev->drm.dev, "card reset: boot failed (%d), booting once more\n",
				 ret);
			ret = taihu_fw_boot(tdev);
		}
	}
	if (!ret && tdev->num_queues != nq) {
		dev_err(tdev->drm.dev, "card reset: firmware now has %u queues, had %u\n",
			tdev->num_queues, nq);
		ret = -EIO;
	}
	if (!ret)
		ret = taihu_ctx_restore_all(tdev);
	if (ret) {
		for (i = 0; i < nq; i++)
			if (began[i])
				taihu_queue_reset_cancel(&tdev->queues[i]);
		WRITE_ONCE(h->resetting, false);
		up_write(&h->reset_lock);
		dev_err(tdev->drm.dev, "card reset failed: %d\n", ret);
		return ret;
	}
	for (i = 0; i < nq; i++) {
		struct taihu_queue *q = &tdev->queues[i];
		struct taihu_mbox_queue req = { .queue = i };

		if (!began[i] || !taihu_queue_reset_stopped(q))
			continue;
		taihu_queue_write_desc(q);
		ret = taihu_mbox_simple(tdev, TAIHU_MBOX_OP_QUEUE_ENABLE, &req,
					sizeof(req), TAIHU_MBOX_TIMEOUT_MS);
		taihu_queue_reset_end(q, ret);
	}
	WRITE_ONCE(h->resetting, false);
	up_write(&h->reset_lock);

	atomic64_inc(&h->card_resets);
	h->last_reset_ms = div_u64(ktime_get_ns() - t0, NSEC_PER_MSEC);
	dev_warn(tdev->drm.dev, "card reset (%s) in %llu ms: firmware booted again, jobs in flight resubmitted\n",
		 taihu_death_names[why], h->last_reset_ms);
	taihu_health_notify_reset(tdev, why);
	return 0;
}

/* The card is in trouble: reset it, or declare it dead. */
static void taihu_health_trouble(struct taihu_device *tdev, enum taihu_death why,
				 u64 stale_ms)
{
	struct taihu_health *h = &tdev->health;
	int ret;

	if (why == TAIHU_DEATH_FW_CRASH) {
		atomic64_inc(&h->fw_crashes);
		dev_err(tdev->drm.dev, "firmware crashed (error code %#x): resetting the card\n",
			taihu_ctrl_rd32(tdev, TAIHU_ID_REG(error_code)));
	} else {
		atomic64_inc(&h->heartbeat_losses);
		dev_err(tdev->drm.dev, "no heartbeat for %llu ms: resetting the card\n",
			stale_ms);
	}
	/* The dump takes context locks that waiting requests may hold. */
	taihu_mbox_abandon(tdev);
	taihu_coredump_card(tdev, taihu_death_names[why]);
	ret = taihu_health_reset_card(tdev, why, NULL, NULL);
	if (ret) {
		taihu_health_declare_dead(tdev, ret == -ELOOP ? TAIHU_DEATH_RESET_LIMIT : why,
					  stale_ms);
		return;
	}
	h->last_beat = taihu_ctrl_rd64(tdev, TAIHU_ID_REG(heartbeat));
	WRITE_ONCE(h->last_change_ns, ktime_get_ns());
	queue_delayed_work(system_wq, &h->work,
			   msecs_to_jiffies(TAIHU_HEALTH_POLL_MS));
}

int taihu_health_reset(struct taihu_device *tdev)
{
	int idx, ret = -ENODEV;

	if (!drm_dev_enter(&tdev->drm, &idx))
		return -ENODEV;
	/* The watchdog may look meanwhile: the reset lock orders the resets. */
	if (!taihu_health_dead(tdev)) {
		ret = taihu_health_reset_card(tdev, TAIHU_DEATH_ADMIN, NULL, NULL);
		if (ret)
			taihu_health_declare_dead(tdev, TAIHU_DEATH_ADMIN, 0);
	}
	drm_dev_exit(idx);
	return ret;
}

int taihu_health_escalate(struct taihu_device *tdev, struct taihu_queue *q,
			  struct taihu_fence *guilty)
{
	struct taihu_health *h = &tdev->health;
	int ret;

	if (taihu_health_dead(tdev))
		return -ENODEV;
	dev_err(tdev->drm.dev, "queue %u: reset failed: resetting the card\n", q->index);
	if (dma_fence_is_signaled(&guilty->base))
		guilty = NULL;
	ret = taihu_health_reset_card(tdev, TAIHU_DEATH_QUEUE_RESET, q, guilty);
	if (ret) {
		taihu_health_declare_dead(tdev, ret == -ELOOP ? TAIHU_DEATH_RESET_LIMIT :
					  TAIHU_DEATH_QUEUE_RESET, 0);
		return ret;
	}
	/* The reset's time is not the heartbeat's. */
	WRITE_ONCE(h->last_change_ns, ktime_get_ns());
	return 0;
}

static void taihu_health_check(struct work_struct *work)
{
	struct taihu_health *h = container_of(to_delayed_work(work),
					      struct taihu_health, work);
	struct taihu_device *tdev = container_of(h, struct taihu_device, health);
	u64 beat, now = ktime_get_ns(), stale_ms;
	u32 state;

	if (taihu_health_dead(tdev))
		return;

	state = taihu_ctrl_rd32(tdev, TAIHU_ID_REG(state));
	if (state == TAIHU_CARD_STATE_ERROR) {
		taihu_health_trouble(tdev, TAIHU_DEATH_FW_CRASH, 0);
		return;
	}

	beat = taihu_ctrl_rd64(tdev, TAIHU_ID_REG(heartbeat));
	if (beat != h->last_beat) {
		h->last_beat = beat;
		WRITE_ONCE(h->last_change_ns, now);
	}
	stale_ms = div_u64(now - h->last_change_ns, NSEC_PER_MSEC);
	if (stale_ms >= READ_ONCE(h->timeout_ms)) {
		taihu_health_trouble(tdev, TAIHU_DEATH_HEARTBEAT, stale_ms);
		return;
	}
	queue_delayed_work(system_wq, &h->work,
			   msecs_to_jiffies(TAIHU_HEALTH_POLL_MS));
}

bool taihu_health_suspect(struct taihu_device *tdev)
{
	struct taihu_health *h = &tdev->health;
	u32 period;
	u64 stale_ms;

	if (taihu_health_dead(tdev) || READ_ONCE(h->resetting))
		return true;
	if (taihu_ctrl_rd32(tdev, TAIHU_ID_REG(state)) == TAIHU_CARD_STATE_ERROR)
		return true;
	/* The card's word, but never later than the watchdog's own verdict. */
	period = taihu_ctrl_rd32(tdev, TAIHU_ID_REG(heartbeat_period_ms));
	stale_ms = div_u64(ktime_get_ns() - READ_ONCE(h->last_change_ns), NSEC_PER_MSEC);
	return stale_ms > min(2 * (u64)period + 2 * TAIHU_HEALTH_POLL_MS,
			      (u64)READ_ONCE(h->timeout_ms));
}

void taihu_health_kick(struct taihu_device *tdev)
{
	struct taihu_health *h = &tdev->health;
	unsigned long flags;

	spin_lock_irqsave(&h->lock, flags);
	if (h->running)
		mod_delayed_work(system_wq, &h->work, 0);
	spin_unlock_irqrestore(&h->lock, flags);
}

void taihu_health_init(struct taihu_device *tdev)
{
	struct taihu_health *h = &tdev->health;

	INIT_DELAYED_WORK(&h->work, taihu_health_check);
	spin_lock_init(&h->lock);
	init_rwsem(&h->reset_lock);
	atomic64_set(&h->card_resets, 0);
	h->timeout_ms = TAIHU_HEARTBEAT_TIMEOUT_MS;
	atomic_set(&h->dead, TAIHU_DEATH_NONE);
	atomic64_set(&h->deaths, 0);
	atomic64_set(&h->heartbeat_losses, 0);
	atomic64_set(&h->fw_crashes, 0);
	h->reset_limit = TAIHU_RESET_LIMIT_DEFAULT;
	h->reset_window_ms = TAIHU_RESET_WINDOW_DEFAULT_MS;
}

void taihu_health_start(struct taihu_device *tdev)
{
	struct taihu_health *h = &tdev->health;

	h->last_beat = taihu_ctrl_rd64(tdev, TAIHU_ID_REG(heartbeat));
	WRITE_ONCE(h->last_change_ns, ktime_get_ns());
	spin_lock_irq(&h->lock);
	h->running = true;
	queue_delayed_work(system_wq, &h->work,
			   msecs_to_jiffies(TAIHU_HEALTH_POLL_MS));
	spin_unlock_irq(&h->lock);
}

void taihu_health_stop(struct taihu_device *tdev)
{
	struct taihu_health *h = &tdev->health;

	spin_lock_irq(&h->lock);
	h->running = false;
	spin_unlock_irq(&h->lock);
	/* A kick before that is cancelled here, one after it does nothing. */
	cancel_delayed_work_sync(&h->work);
}

static ssize_t heartbeat_timeout_ms_show(struct device *dev,
					 struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n",
			  READ_ONCE(taihu_sysfs_tdev(dev)->health.timeout_ms));
}

static ssize_t heartbeat_timeout_ms_store(struct device *dev,
					  struct device_attribute *attr,
					  const char *buf, size_t count)
{
	int ret = taihu_sysfs_store_u32(buf, TAIHU_HEARTBEAT_TIMEOUT_MIN_MS,
				       TAIHU_HEARTBEAT_TIMEOUT_MAX_MS,
				       &taihu_sysfs_tdev(dev)->health.timeout_ms);

	return ret ? ret : count;
}
static DEVICE_ATTR_RW(heartbeat_timeout_ms);

static ssize_t reset_limit_show(struct device *dev, struct device_attribute *attr,
				char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(taihu_sysfs_tdev(dev)->health.reset_limit));
}

static ssize_t reset_limit_store(struct device *dev, struct device_attribute *attr,
				 const char *buf, size_t count)
{
	int ret = taihu_sysfs_store_u32(buf, 0, TAIHU_RESET_LIMIT_MAX,
				       &taihu_sysfs_tdev(dev)->health.reset_limit);

	return ret ? ret : count;
}
static DEVICE_ATTR_RW(reset_limit);

static ssize_t reset_window_ms_show(struct device *dev,
				    struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n",
			  READ_ONCE(taihu_sysfs_tdev(dev)->health.reset_window_ms));
}

static ssize_t reset_window_ms_store(struct device *dev,
				     struct device_attribute *attr,
				     const char *buf, size_t count)
{
	int ret = taihu_sysfs_store_u32(buf, TAIHU_RESET_WINDOW_MIN_MS,
				       TAIHU_RESET_WINDOW_MAX_MS,
				       &taihu_sysfs_tdev(dev)->health.reset_window_ms);

	return ret ? ret : count;
}
static DEVICE_ATTR_RW(reset_window_ms);

/* "alive", or "dead heartbeat|fw-crash|queue-reset|reset-limit" */
static ssize_t health_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	int why = atomic_read(&taihu_sysfs_tdev(dev)->health.dead);

	if (why == TAIHU_DEATH_NONE)
		return sysfs_emit(buf, "alive\n");
	return sysfs_emit(buf, "dead %s\n", taihu_death_names[why]);
}
static DEVICE_ATTR_RO(health);

static ssize_t deaths_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return taihu_sysfs_counter_show(buf, &taihu_sysfs_tdev(dev)->health.deaths);
}
static DEVICE_ATTR_RO(deaths);

static ssize_t heartbeat_losses_show(struct device *dev,
				     struct device_attribute *attr, char *buf)
{
	return taihu_sysfs_counter_show(buf,
					 &taihu_sysfs_tdev(dev)->health.heartbeat_losses);
}
static DEVICE_ATTR_RO(heartbeat_losses);

static ssize_t fw_crashes_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	return taihu_sysfs_counter_show(buf, &taihu_sysfs_tdev(dev)->health.fw_crashes);
}
static DEVICE_ATTR_RO(fw_crashes);

static ssize_t card_resets_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	return taihu_sysfs_counter_show(buf, &taihu_sysfs_tdev(dev)->health.card_resets);
}
static DEVICE_ATTR_RO(card_resets);

static ssize_t last_reset_ms_show(struct device *dev,
				  struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", READ_ONCE(taihu_sysfs_tdev(dev)->health.last_reset_ms));
}
static DEVICE_ATTR_RO(last_reset_ms);

static struct attribute *taihu_health_attrs[] = {
	&dev_attr_card_resets.attr,
	&dev_attr_last_reset_ms.attr,
	&dev_attr_heartbeat_timeout_ms.attr,
	&dev_attr_health.attr,
	&dev_attr_deaths.attr,
	&dev_attr_heartbeat_losses.attr,
	&dev_attr_fw_crashes.attr,
	&dev_attr_reset_limit.attr,
	&dev_attr_reset_window_ms.attr,
	NULL
};

const struct attribute_group taihu_health_sysfs_group = {
	.attrs = taihu_health_attrs,
};
