/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Hardware queues: rings and completion arrays in VRAM, ring writes,
 * doorbells and completion processing, and the hardware fences that tell
 * the scheduler a ring entry has ended.
 */
#ifndef __TAIHU_QUEUE_H__
#define __TAIHU_QUEUE_H__

#include <linux/atomic.h>
#include <linux/dma-fence.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include <drm/drm_mm.h>
#include <drm/gpu_scheduler.h>

struct seq_file;
struct taihu_ctx;
struct taihu_device;

/* Ring slots per hardware queue (a power of two). */
#define TAIHU_RING_ENTRIES		64
/*
 * The ring is shared by the two ways in: the scheduler has at most
 * TAIHU_SCHED_CREDITS entries in it (its credit limit), and SUBMIT writes
 * an entry itself only while fewer than TAIHU_DIRECT_ENTRIES are in use.
 * So the scheduler's run_job always finds a free slot.
 */
#define TAIHU_SCHED_CREDITS		(TAIHU_RING_ENTRIES / 2)
#define TAIHU_DIRECT_ENTRIES		(TAIHU_RING_ENTRIES - TAIHU_SCHED_CREDITS)

/*
 * Interrupt moderation (card interface 1.3): an entry asks for a completion
 * interrupt when someone waits for a job of its queue, or after this many
 * entries that did not; the card also raises one when its ring runs empty.
 */
#define TAIHU_IRQ_EVERY			16

/* How long an entry may stay at the front of its ring before a reset. */
#define TAIHU_JOB_TIMEOUT_MS		5000

/**
 * struct taihu_outcome - how a ring entry ended
 * @status: &enum drm_taihu_job_status
 * @error_offset: byte offset of the failing packet
 * @start_ns: card clock when the job started
 * @end_ns: card clock when the job ended
 * @error_addr: faulting address
 * @error_access: &enum drm_taihu_access of the faulting access
 * @error_reason: kernel failure reason (INVALID_KERNEL, UNSUPPORTED)
 * @error_detail: kernel failure detail word
 */
struct taihu_outcome {
	u32 status;
	u32 error_offset;
	u64 start_ns;
	u64 end_ns;
	u64 error_addr;
	u32 error_access;
	u32 error_reason;
	u32 error_detail;
};

/**
 * struct taihu_fence - hardware fence of one ring entry
 * @base: the fence; first member, freed with dma_fence_free()
 * @ctx: the job's device context, told about its MMU faults; the job keeps
 *	it alive until the fence has ended
 * @ring_idx: free-running ring index of the entry
 * @out: how the entry ended: written once, before the fence signals, and
 *	kept as long as the fence; the job layer reads it through the job's
 *	finished fence (taihu_fence_outcome())
 * @abandoned: ended by the driver (timeout, the reset failed) while the
 *	entry stays on the ring and the card may still run it; written
 *	before the fence signals
 */
struct taihu_fence {
	struct dma_fence base;
	struct taihu_ctx *ctx;
	u32 ring_idx;
	struct taihu_outcome out;
	bool abandoned;
};

/**
 * struct taihu_queue - one hardware queue
 * @tdev: the device
 * @index: queue number
 * @name: scheduler name
 * @sched: the scheduler feeding this queue
 * @sched_ready: @sched was initialised
 * @fence_ctx: dma_fence context of the hardware fences
 * @fence_lock: lock of the hardware fences
 * @lock: protects the fields below; taken in hard IRQ context
 * @enabled: the card serves the queue and completions are processed
 * @resetting: a queue reset is between QUEUE_DISABLE and QUEUE_ENABLE:
 *	an entry other than @guilty that the card aborted is not ended but
 *	run again once the queue is enabled
 * @guilty: during a reset, the entry that timed out; its abort ends it
 *	with DRM_TAIHU_JOB_TIMEOUT
 * @tail: free-running producer index
 * @done_idx: free-running index of the next completion to process
 * @seqno: last ring sequence number handed out
 * @front_since: jiffies when the entry at @done_idx became the front of
 *	the ring, for the watchdog
 * @submitted: entries written to the ring
 * @direct: of @submitted, entries written by SUBMIT itself
 * @irq_asked: of @submitted, entries written with TAIHU_RING_ENTRY_IRQ
 * @since_irq: entries written without TAIHU_RING_ENTRY_IRQ since the last
 *	one with it
 * @completed: entries ended by a completion record, whatever their status
 * @failed: entries ended with a status other than success, by the card or
 *	by the driver
 * @timeouts: entries ended with DRM_TAIHU_JOB_TIMEOUT
 * @resets: queue resets (QUEUE_DISABLE then QUEUE_ENABLE) done
 * @inflight: fence of each ring slot between write and completion; a
 *	cancelled entry leaves NULL until the card moves past it
 * @ring_node: VRAM of the ring
 * @compl_node: VRAM of the completion array
 * @jobs: jobs submitted to this queue's scheduler and not ended yet, all
 *	files together; atomic, outside @lock
 * @irq_wanted: waiters (WAIT, jobs of this device depending on one of
 *	the queue's) that want completions reported at once: while non-zero,
 *	every entry asks for its interrupt
 * @watchdog: ends the front entry with DRM_TAIHU_JOB_TIMEOUT once it has
 *	been there TAIHU_JOB_TIMEOUT_MS, by a queue reset; armed while the
 *	ring holds entries, whoever wrote them (scheduler or SUBMIT)
 */
struct taihu_queue {
	struct taihu_device *tdev;
	u32 index;
	char name[16];
	struct drm_gpu_scheduler sched;
	bool sched_ready;
	u64 fence_ctx;
	spinlock_t fence_lock; /* lock of the hardware fences */

	spinlock_t lock; /* ring state, in-flight table; IRQ-safe */
	bool enabled;
	bool resetting;
	struct taihu_fence *guilty;
	u32 tail;
	u32 done_idx;
	u64 seqno;
	unsigned long front_since;
	u64 submitted;
	u64 direct;
	u64 irq_asked;
	u32 since_irq;
	u64 completed;
	u64 failed;
	u64 timeouts;
	u64 resets;
	struct taihu_fence *inflight[TAIHU_RING_ENTRIES];
	struct drm_mm_node ring_node;
	struct drm_mm_node compl_node;

	atomic_t jobs;
	atomic_t irq_wanted;
	struct delayed_work watchdog;
};

/**
 * taihu_queues_early_init() - initialise locks so that interrupts may arrive
 * @tdev: the device
 */
void taihu_queues_early_init(struct taihu_device *tdev);

/**
 * taihu_queues_enable() - allocate rings, fill descriptors, send QUEUE_ENABLE
 * @tdev: the device, with firmware booted and &taihu_device.num_queues set
 *
 * VRAM is released by a DRM-managed action.
 *
 * Return: 0 or a negative errno.
 */
int taihu_queues_enable(struct taihu_device *tdev);

/**
 * taihu_queues_stop() - stop processing and cancel every entry in flight
 * @tdev: the device; the card must be reset or gone
 *
 * Fences in flight are signalled with -ENODEV and status CANCELLED.
 */
void taihu_queues_stop(struct taihu_device *tdev);

/**
 * taihu_queue_submit() - write a ring entry and ring the doorbell
 * @q: the queue
 * @fence: preallocated, zeroed hardware fence; initialised here on success
 * @cmd_addr: device virtual address of the command stream
 * @cmd_len: its length
 * @ctx: device context of the job
 * @direct: written by SUBMIT itself, not by the scheduler: only while
 *	fewer than TAIHU_DIRECT_ENTRIES slots are in use, and the caller
 *	rings the doorbell (taihu_queue_kick()), once for several entries
 *
 * Does not sleep or allocate, so it may run in the scheduler's run_job.
 * The doorbell is rung after &taihu_queue.lock is released.
 *
 * Return: 0; -EBUSY if the ring (or its direct part) is full; -ENODEV if
 * the queue is stopped.
 */
int taihu_queue_submit(struct taihu_queue *q, struct taihu_fence *fence,
		       u64 cmd_addr, u32 cmd_len, struct taihu_ctx *ctx,
		       bool direct);

/**
 * taihu_queue_kick() - ring the doorbell of @q
 * @q: the queue, after taihu_queue_submit() with @direct wrote entries
 */
void taihu_queue_kick(struct taihu_queue *q);

/**
 * taihu_queue_process() - process the completion records the card wrote
 * @q: the queue
 *
 * Called from the queue's interrupt and to catch lost interrupts.
 */
void taihu_queue_process(struct taihu_queue *q);

/**
 * taihu_queue_irq_get() - have completions of @q reported at once
 * @q: the queue
 *
 * For a waiter about to sleep on a job of @q: every entry in the ring and
 * every entry written until taihu_queue_irq_put() asks for its completion
 * interrupt, and what has ended already is processed now.
 */
void taihu_queue_irq_get(struct taihu_queue *q);

/**
 * taihu_queue_irq_put() - end a taihu_queue_irq_get()
 * @q: the queue
 */
void taihu_queue_irq_put(struct taihu_queue *q);

/**
 * taihu_fence_queue() - the queue of a hardware fence of @tdev
 * @tdev: the device
 * @f: any fence
 *
 * Return: the queue whose ring entry @f stands for, or NULL if @f is not a
 * hardware fence of @tdev.
 */
struct taihu_queue *taihu_fence_queue(struct taihu_device *tdev,
				      struct dma_fence *f);

/**
 * taihu_fence_outcome() - the outcome of an ended Taihu hardware fence
 * @f: any fence
 * @out: filled when @f is a signalled Taihu hardware fence
 *
 * Return: true if @out was filled.
 */
bool taihu_fence_outcome(struct dma_fence *f, struct taihu_outcome *out);

/**
 * taihu_queue_debugfs_show() - print one line of counters per queue
 * @tdev: the device
 * @m: the seq_file
 */
void taihu_queue_debugfs_show(struct taihu_device *tdev, struct seq_file *m);

#endif /* __TAIHU_QUEUE_H__ */
