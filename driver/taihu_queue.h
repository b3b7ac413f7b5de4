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
#include <linux/bitmap.h>
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

/*
 * Ring slots per hardware queue: as many as the firmware takes, a power of
 * two between these (&taihu_device.ring_entries). A ring much longer than
 * the scheduler's share keeps a pipelined stream direct: once one job has
 * to go through the scheduler, every later one of its entity follows it
 * there until the scheduler has caught up, which a busy submitter never
 * lets it do.
 */
#define TAIHU_RING_MIN_ENTRIES		64
#define TAIHU_RING_MAX_ENTRIES		256

/*
 * Of them, the scheduler's credit limit, so that its run_job never finds
 * the ring full; direct submission (taihu_direct.c) may hold the rest.
 */
#define TAIHU_RING_SCHED_ENTRIES	32

/*
 * Interrupt moderation (card interface minor 7, TAIHU_RING_ENTRY_IRQ): an
 * entry asks for its completion interrupt while someone waits for a job of
 * its queue (taihu_queue_irq_get()), or after this many entries that did
 * not; the card also raises one whenever its ring runs empty, so a lone job
 * is reported at once.
 */
#define TAIHU_IRQ_EVERY			16

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
 */
struct taihu_fence {
	struct dma_fence base;
	struct taihu_ctx *ctx;
	u32 ring_idx;
	struct taihu_outcome out;
};

/**
 * struct taihu_queue - one hardware queue
 * @tdev: the device
 * @index: queue number
 * @name: scheduler name
 * @sched: the scheduler feeding this queue
 * @sched_ready: @sched was initialised
 * @tdr_wq: ordered workqueue of the queue's job timeouts: the scheduler's
 *	and the direct jobs' tick, so that one hang is handled once
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
 * @submitted: entries written to the ring
 * @irq_asked: of @submitted, entries written with TAIHU_RING_ENTRY_IRQ,
 *	plus those flagged later by taihu_queue_irq_get()
 * @since_irq: entries written without TAIHU_RING_ENTRY_IRQ since the last
 *	one with it
 * @direct: of @submitted, entries written by direct submission
 * @direct_slots: ring slots holding an entry written by direct submission
 * @direct_used: bits set in @direct_slots, at most taihu_ring_direct_entries()
 * @direct_full: direct writes refused because the ring or the direct slots
 *	were full (the job went through the scheduler)
 * @kicks: doorbells rung for ring entries; fewer than @submitted when a
 *	batch's entries share one (taihu_queue_kick())
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
 * @irq_wanted: waiters (WAIT, jobs of this device waiting for one of the
 *	queue's) that want completions reported at once: while non-zero,
 *	every entry asks for its interrupt; atomic, outside @lock
 * @direct_lock: protects @direct_jobs; taken where fences signal, inside
 *	@lock, so never take @lock under it
 * @direct_jobs: direct jobs on the ring, not ended yet (taihu_direct.c)
 * @behind: jobs with nothing to wait for that went through the scheduler
 *	because an earlier job of their entity was still there; atomic
 * @direct_tick: looks at the oldest of @direct_jobs while there are some
 */
struct taihu_queue {
	struct taihu_device *tdev;
	u32 index;
	char name[16];
	struct drm_gpu_scheduler sched;
	bool sched_ready;
	struct workqueue_struct *tdr_wq;
	u64 fence_ctx;
	spinlock_t fence_lock; /* lock of the hardware fences */

	spinlock_t lock; /* ring state, in-flight table; IRQ-safe */
	bool enabled;
	bool resetting;
	struct taihu_fence *guilty;
	u32 tail;
	u32 done_idx;
	u64 seqno;
	u64 submitted;
	u64 irq_asked;
	u32 since_irq;
	u64 direct;
	DECLARE_BITMAP(direct_slots, TAIHU_RING_MAX_ENTRIES);
	u32 direct_used;
	u64 direct_full;
	u64 kicks;
	u64 completed;
	u64 failed;
	u64 timeouts;
	u64 resets;
	struct taihu_fence *inflight[TAIHU_RING_MAX_ENTRIES];
	struct drm_mm_node ring_node;
	struct drm_mm_node compl_node;

	atomic_t jobs;
	atomic_t irq_wanted;

	spinlock_t direct_lock; /* direct jobs; inside @lock */
	struct list_head direct_jobs;
	struct delayed_work direct_tick;
	atomic64_t behind;
};

/**
 * taihu_ring_direct_entries() - ring slots direct submission may hold at once
 * @tdev: the device, its queues enabled
 *
 * Return: &taihu_device.ring_entries less the scheduler's share.
 */
u32 taihu_ring_direct_entries(const struct taihu_device *tdev);

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
 * @direct: written by direct submission, into one of its slots
 * @kick: ring the doorbell; if false the caller must call
 *	taihu_queue_kick() before it waits for anything the entry leads to
 *	(the card does not look at the ring until its doorbell rings)
 *
 * Does not sleep or allocate, so it may run in the scheduler's run_job.
 *
 * Return: 0; -EBUSY if the ring is full or, for @direct, the direct slots
 * are all taken; -ENODEV if the queue is stopped.
 */
int taihu_queue_submit(struct taihu_queue *q, struct taihu_fence *fence,
		       u64 cmd_addr, u32 cmd_len, struct taihu_ctx *ctx,
		       bool direct, bool kick);

/**
 * taihu_queue_kick() - ring the queue's doorbell for entries written unkicked
 * @q: the queue
 *
 * One doorbell makes the card take every entry up to the tail: the entries
 * of a batch share it. Callable from any context.
 */
void taihu_queue_kick(struct taihu_queue *q);

/**
 * taihu_queue_oldest() - the entry the card runs or runs next
 * @q: the queue
 *
 * What has ended is processed first; cancelled entries are passed over.
 *
 * Return: the fence of the oldest entry in flight, referenced, or NULL.
 */
struct taihu_fence *taihu_queue_oldest(struct taihu_queue *q);

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
 * interrupt (cards of interface minor 7 on; older ones raise it when their
 * ring runs empty), and what has ended already is processed now.
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
 * taihu_queue_cancel() - end an entry in flight without the card
 * @q: the queue
 * @fence: the entry's fence
 * @status: &enum drm_taihu_job_status to report
 * @error: negative errno for the fence
 *
 * Return: true if the entry was cancelled, false if it had already ended.
 */
bool taihu_queue_cancel(struct taihu_queue *q, struct taihu_fence *fence,
			u32 status, int error);

/*
 * The steps of a reset, for the queue reset (taihu_recovery.c) and the
 * card reset (taihu_health.c): begin (false: the queue is stopped), stop
 * the card's queue (QUEUE_DISABLE, or RESET of the whole card), then
 * stopped (false: the queue was stopped meanwhile) or cancel (the card did
 * not stop it: nothing changed), then for a card reset write_desc,
 * QUEUE_ENABLE, and
 * end with the enable's result (-EIO: every entry cancelled, the queue
 * stays stopped). Entries not ended by then (innocent ones the card aborted
 * or never reached) run again from the descriptor's head.
 */
bool taihu_queue_reset_begin(struct taihu_queue *q, struct taihu_fence *guilty);
void taihu_queue_reset_cancel(struct taihu_queue *q);
bool taihu_queue_reset_stopped(struct taihu_queue *q);
void taihu_queue_write_desc(struct taihu_queue *q);
int taihu_queue_reset_end(struct taihu_queue *q, int enable_ret);

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
