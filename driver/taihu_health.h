/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Card health: the heartbeat watchdog and the dead state. QEMU cannot tell
 * the guest that the card process died, so the driver watches the ID
 * page's heartbeat word and the card state; a card whose heartbeat stood
 * still for the timeout, or whose firmware reports a crash, is declared
 * dead: every job ends with an error at once, mailbox requests fail at
 * once, and the driver's ioctls fail with -ENODEV until the device is bound
 * again.
 */
#ifndef __TAIHU_HEALTH_H__
#define __TAIHU_HEALTH_H__

#include <linux/atomic.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

struct attribute_group;
struct taihu_device;
struct taihu_fence;
struct taihu_queue;

/* Default and bounds of the heartbeat timeout (sysfs heartbeat_timeout_ms). */
#define TAIHU_HEARTBEAT_TIMEOUT_MS	1500
#define TAIHU_HEARTBEAT_TIMEOUT_MIN_MS	200
#define TAIHU_HEARTBEAT_TIMEOUT_MAX_MS	60000
/* A card that does not answer RESET in this time is gone. */
#define TAIHU_RESET_PROBE_MS		300
/* How often the watchdog looks at the heartbeat. */
#define TAIHU_HEALTH_POLL_MS		50
/*
 * At most reset_limit card resets in reset_window_ms (sysfs; 0: no
 * limit): a card in trouble once more within the window is declared dead
 * instead of being reset again.
 */
#define TAIHU_RESET_LIMIT_DEFAULT	10
#define TAIHU_RESET_LIMIT_MAX		64
#define TAIHU_RESET_WINDOW_DEFAULT_MS	60000
#define TAIHU_RESET_WINDOW_MIN_MS	1000
#define TAIHU_RESET_WINDOW_MAX_MS	3600000

/**
 * enum taihu_death - why the card was declared dead
 * @TAIHU_DEATH_NONE: alive
 * @TAIHU_DEATH_HEARTBEAT: the heartbeat stood still for the timeout
 * @TAIHU_DEATH_FW_CRASH: the card reports a firmware error state
 * @TAIHU_DEATH_ADMIN: an administrator reset the card (taihu_health_reset())
 * @TAIHU_DEATH_QUEUE_RESET: a queue reset failed (taihu_recovery.c)
 * @TAIHU_DEATH_RESET_LIMIT: the card needed more than reset_limit card
 *	resets in reset_window_ms
 *
 * Also the reason of a card reset (all but the last).
 */
enum taihu_death {
	TAIHU_DEATH_NONE = 0,
	TAIHU_DEATH_HEARTBEAT,
	TAIHU_DEATH_FW_CRASH,
	TAIHU_DEATH_ADMIN,
	TAIHU_DEATH_QUEUE_RESET,
	TAIHU_DEATH_RESET_LIMIT,
};

/**
 * struct taihu_health - watchdog state of one card
 * @work: the periodic check
 * @lock: orders taihu_health_kick() against taihu_health_stop(); IRQ-safe
 * @running: @work may be queued; under @lock
 * @timeout_ms: heartbeat timeout; sysfs, READ_ONCE
 * @last_beat: heartbeat value seen last, by @work only
 * @last_change_ns: when @last_beat last changed (CLOCK_MONOTONIC), by
 *	@work only
 * @dead: &enum taihu_death, non-zero once the card is declared dead
 * @dead_ns: when it was, CLOCK_MONOTONIC
 * @stale_ms: how long the heartbeat had stood still then
 * @error_code: the card's error code when it was declared dead
 * @reset_lock: a card reset holds it for writing, a queue reset of a hung
 *	job (taihu_recovery.c) for reading: queue resets of different queues
 *	run side by side, never during a card reset
 * @resetting: a card reset is under way; READ_ONCE
 * @deaths: cards declared dead (at most one per binding)
 * @heartbeat_losses: times the heartbeat stood still for the timeout
 * @fw_crashes: times the firmware reported an error state
 * @card_resets: card resets that brought the card back
 * @last_reset_ms: how long the last one took
 * @reset_limit: card resets allowed in @reset_window_ms, 0: no limit;
 *	sysfs, READ_ONCE
 * @reset_window_ms: the window; sysfs, READ_ONCE
 * @reset_ns: when the last TAIHU_RESET_LIMIT_MAX card resets began
 *	(0: none), under @reset_lock
 * @reset_next: next slot of @reset_ns, under @reset_lock
 */
struct taihu_health {
	struct delayed_work work;
	spinlock_t lock; /* @running against kicks from the IRQ handler */
	bool running;
	u32 timeout_ms;
	u64 last_beat;
	u64 last_change_ns;
	atomic_t dead;
	u64 dead_ns;
	u64 stale_ms;
	u32 error_code;
	struct rw_semaphore reset_lock; /* card reset against queue resets */
	bool resetting;
	atomic64_t deaths;
	atomic64_t card_resets;
	u64 last_reset_ms;
	atomic64_t heartbeat_losses;
	atomic64_t fw_crashes;
	u32 reset_limit;
	u32 reset_window_ms;
	u64 reset_ns[TAIHU_RESET_LIMIT_MAX];
	u32 reset_next;
};

/**
 * taihu_health_init() - initialise the watchdog, not running
 * @tdev: the device
 */
void taihu_health_init(struct taihu_device *tdev);

/**
 * taihu_health_start() - start watching the heartbeat
 * @tdev: the device, with firmware booted and queues enabled
 */
void taihu_health_start(struct taihu_device *tdev);

/**
 * taihu_health_stop() - stop the watchdog and wait for its check to end
 * @tdev: the device
 *
 * Before the card is reset on purpose or the device goes away.
 */
void taihu_health_stop(struct taihu_device *tdev);

/**
 * taihu_health_dead() - has the card been declared dead?
 * @tdev: the device
 *
 * Return: true once taihu_health_declare_dead() ran.
 */
bool taihu_health_dead(struct taihu_device *tdev);

/**
 * taihu_health_declare_dead() - the card is gone: end everything it ran
 * @tdev: the device
 * @why: &enum taihu_death
 * @stale_ms: how long the heartbeat had stood still
 *
 * Ends every job in flight with -ENODEV (status CANCELLED), wakes mailbox
 * waiters, counts, logs, sends a uevent (TAIHU_EVENT=card-dead) and a
 * card-dead netlink event. Process context. Once per binding.
 */
void taihu_health_declare_dead(struct taihu_device *tdev, enum taihu_death why,
			       u64 stale_ms);

/**
 * taihu_health_suspect() - is the card in trouble the watchdog deals with?
 * @tdev: the device
 *
 * True when the card is dead, being reset, reports a firmware error, or
 * its heartbeat has not moved for two periods and two watchdog polls: a
 * job timeout then waits for the watchdog instead of resetting a queue.
 * Any context.
 *
 * Return: true if the card is suspect.
 */
bool taihu_health_suspect(struct taihu_device *tdev);

/**
 * taihu_health_kick() - run the watchdog's check now
 * @tdev: the device
 *
 * For the firmware's error event. Any context; nothing if it is stopped.
 */
void taihu_health_kick(struct taihu_device *tdev);

/**
 * taihu_health_reset() - reset the card on purpose (taihu reset)
 * @tdev: the device
 *
 * The watchdog's card reset, reason "admin": jobs in flight are not
 * guilty and run again; counted in card_resets, a card-reset uevent and
 * netlink event. No crash dump (nothing failed). A card that does not come
 * back is declared dead. Sleeps; the caller checked CAP_SYS_ADMIN.
 *
 * Return: 0 once the card runs again; -ENODEV if it is gone or was
 * already dead; the reset's error if it did not come back.
 */
int taihu_health_reset(struct taihu_device *tdev);

/**
 * taihu_health_escalate() - a queue reset failed: reset the whole card
 * @tdev: the device
 * @q: the queue whose reset failed
 * @guilty: its hung job's hardware fence, which ends with
 *	DRM_TAIHU_JOB_TIMEOUT if it has not ended yet; the caller keeps it
 *	alive
 *
 * The card is reset as the watchdog does it (the innocent jobs in flight
 * run again), with reason "queue-reset"; a card that does not come back,
 * or one past its reset limit, is declared dead. Process context; not
 * under &taihu_health.reset_lock.
 *
 * Return: 0 if the card came back, else a negative errno (the card is
 * dead then).
 */
int taihu_health_escalate(struct taihu_device *tdev, struct taihu_queue *q,
			  struct taihu_fence *guilty);

extern const struct attribute_group taihu_health_sysfs_group;

#endif /* __TAIHU_HEALTH_H__ */
