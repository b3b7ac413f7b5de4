// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Hardware queues. Each queue is a ring of &struct taihu_ring_entry and an
 * array of &struct taihu_completion in VRAM, one completion slot per ring
 * slot. The driver writes slot (tail % n), advances the descriptor's tail and
 * kicks the queue's vector; the card writes the completion record of slot
 * (head % n), advances head and raises the queue's vector.
 *
 * Nothing the card writes is trusted: a head outside the entries written, or
 * a record naming another seqno than the entry of its slot, ends the entry
 * with an error instead of confusing the driver.
 *
 * Queue reset (after a job timeout): QUEUE_DISABLE makes the card abort
 * the entry it runs (completion record ABORTED, head past it) and leave the
 * later entries unrun. The aborted guilty entry ends as TIMEOUT; a guilty
 * entry the card never reached is skipped by moving the descriptor's head
 * past it; an innocent entry aborted because the guilty one ended just
 * before the disable is not ended but run again, by leaving the head on it.
 * QUEUE_ENABLE then restarts the card from the descriptor's head.
 *
 * Locking: &taihu_queue.lock (IRQ-safe) protects the ring state, the reset
 * state, the counters and the in-flight table; fences are signalled under
 * it, so fence callbacks must not take it. The mailbox requests of a reset
 * are sent without it.
 */

#include <linux/dma-fence.h>
#include <linux/io.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include <drm/drm_drv.h>
#include <drm/drm_managed.h>
#include <drm/taihu_accel.h>

#include "taihu_drv.h"
#include "taihu_gem.h"
#include "taihu_mbox.h"
#include "taihu_mmu.h"
#include "taihu_queue.h"

static_assert((TAIHU_RING_MIN_ENTRIES & (TAIHU_RING_MIN_ENTRIES - 1)) == 0 &&
	      (TAIHU_RING_MAX_ENTRIES & (TAIHU_RING_MAX_ENTRIES - 1)) == 0 &&
	      TAIHU_RING_SCHED_ENTRIES < TAIHU_RING_MIN_ENTRIES);

/* The ring slot of free-running index @idx. */
static u32 taihu_ring_slot(const struct taihu_queue *q, u32 idx)
{
	return idx & (q->tdev->ring_entries - 1);
}

u32 taihu_ring_direct_entries(const struct taihu_device *tdev)
{
	return tdev->ring_entries - TAIHU_RING_SCHED_ENTRIES;
}

static struct taihu_fence *to_taihu_fence(struct dma_fence *f)
{
	return container_of(f, struct taihu_fence, base);
}

static const char *taihu_fence_driver_name(struct dma_fence *f)
{
	return TAIHU_DRIVER_NAME;
}

static const char *taihu_fence_timeline_name(struct dma_fence *f)
{
	return "taihu-queue";
}

static const struct dma_fence_ops taihu_fence_ops = {
	.get_driver_name = taihu_fence_driver_name,
	.get_timeline_name = taihu_fence_timeline_name,
};

bool taihu_fence_outcome(struct dma_fence *f, struct taihu_outcome *out)
{
	if (f->ops != &taihu_fence_ops || !dma_fence_is_signaled(f))
		return false;
	/* The outcome was written before the fence signalled. */
	smp_rmb();
	*out = to_taihu_fence(f)->out;
	return true;
}

/*
 * Record the outcome in the fence, signal it and drop the queue's
 * reference. The fence is where the job layer reads the outcome.
 */
static void taihu_fence_end(struct taihu_queue *q, struct taihu_fence *fence,
			    const struct taihu_outcome *out, int error)
{
	lockdep_assert_held(&q->lock);

	if (out->status != DRM_TAIHU_JOB_SUCCESS)
		q->failed++;
	if (out->status == DRM_TAIHU_JOB_TIMEOUT)
		q->timeouts++;

	fence->out = *out;
	/* The outcome must be visible before the fence is seen signalled. */
	smp_wmb();

	if (error)
		dma_fence_set_error(&fence->base, error);
	dma_fence_signal(&fence->base);

	fence->ctx = NULL;
	dma_fence_put(&fence->base);
}

static void taihu_queue_end_error(struct taihu_queue *q,
				  struct taihu_fence *fence, u32 status,
				  int error)
{
	struct taihu_outcome out = { .status = status };

	taihu_fence_end(q, fence, &out, error);
}

/* Map the card's status to the uapi status and a fence error. */
static int taihu_queue_status(struct taihu_queue *q, u32 card_status,
			      u32 *status)
{
	switch (card_status) {
	case TAIHU_STATUS_SUCCESS:
		*status = DRM_TAIHU_JOB_SUCCESS;
		return 0;
	case TAIHU_STATUS_INVALID_CMD:
		*status = DRM_TAIHU_JOB_INVALID_CMD;
		return -EINVAL;
	case TAIHU_STATUS_DMA_ERROR:
		*status = DRM_TAIHU_JOB_DMA_ERROR;
		return -EFAULT;
	case TAIHU_STATUS_MMU_FAULT:
		*status = DRM_TAIHU_JOB_MMU_FAULT;
		return -EFAULT;
	case TAIHU_STATUS_ABORTED:
		*status = DRM_TAIHU_JOB_CANCELLED;
		return -ECANCELED;
	case TAIHU_STATUS_INVALID_KERNEL:
		*status = DRM_TAIHU_JOB_INVALID_KERNEL;
		return -EINVAL;
	case TAIHU_STATUS_UNSUPPORTED:
		*status = DRM_TAIHU_JOB_UNSUPPORTED;
		return -EOPNOTSUPP;
	default:
		dev_err_ratelimited(q->tdev->drm.dev,
				    "queue %u: unknown completion status %u\n",
				    q->index, card_status);
		*status = DRM_TAIHU_JOB_CANCELLED;
		return -EIO;
	}
}

/* Copy out completion record @slot; the card wrote it before moving head. */
static void taihu_queue_read_record(struct taihu_queue *q, u32 slot,
				    struct taihu_completion *rec)
{
	memcpy_fromio(rec, q->tdev->hw.vram + q->compl_node.start +
		      slot * sizeof(*rec), sizeof(*rec));
}

static void taihu_queue_complete(struct taihu_queue *q, u32 slot,
				 struct taihu_fence *fence)
{
	struct taihu_completion rec;
	struct taihu_outcome out = {};
	int error;

	q->completed++;
	taihu_queue_read_record(q, slot, &rec);
	if (rec.seqno != fence->base.seqno) {
		dev_err_ratelimited(q->tdev->drm.dev,
				    "queue %u: completion names seqno %llu, expected %llu\n",
				    q->index, rec.seqno, fence->base.seqno);
		taihu_queue_end_error(q, fence, DRM_TAIHU_JOB_CANCELLED, -EIO);
		return;
	}

	if (fence == q->guilty && rec.status == TAIHU_STATUS_ABORTED) {
		/* Aborted by the reset its timeout caused. */
		out.status = DRM_TAIHU_JOB_TIMEOUT;
		error = -ETIMEDOUT;
	} else {
		error = taihu_queue_status(q, rec.status, &out.status);
	}
	out.error_offset = rec.error_offset;
	out.start_ns = rec.start_ns;
	out.end_ns = rec.end_ns;
	out.error_addr = rec.error_addr;
	if (out.status == DRM_TAIHU_JOB_INVALID_KERNEL ||
	    out.status == DRM_TAIHU_JOB_UNSUPPORTED) {
		out.error_reason = rec.error_reason;
		out.error_detail = rec.error_detail;
	}
	if (out.status == DRM_TAIHU_JOB_MMU_FAULT) {
		/* The card is not trusted to name a valid access. */
		out.error_access = rec.error_access == TAIHU_ACCESS_WRITE ?
				   DRM_TAIHU_ACCESS_WRITE :
				   DRM_TAIHU_ACCESS_READ;
		/* Before the fence signals: later submits must see it. */
		taihu_ctx_mark_faulted(fence->ctx, out.error_addr,
				       out.error_access);
	}
	taihu_fence_end(q, fence, &out, error);
}

/* During a reset: did the card abort this entry that did not time out? */
static bool taihu_queue_aborted_innocent(struct taihu_queue *q, u32 slot,
					 struct taihu_fence *fence)
{
	struct taihu_completion rec;

	if (!q->resetting || fence == q->guilty)
		return false;
	taihu_queue_read_record(q, slot, &rec);
	return rec.seqno == fence->base.seqno &&
	       rec.status == TAIHU_STATUS_ABORTED;
}

/* The card is past slot @slot, the oldest: it may be written again. */
static void taihu_queue_retire(struct taihu_queue *q, u32 slot)
{
	lockdep_assert_held(&q->lock);

	q->inflight[slot] = NULL;
	if (__test_and_clear_bit(slot, q->direct_slots))
		q->direct_used--;
	q->done_idx++;
}

/* End the entries up to the card's head; false if there were none. */
static bool __taihu_queue_process_once(struct taihu_queue *q)
{
	struct taihu_fence *fence;
	u32 head, slot;

	lockdep_assert_held(&q->lock);

	head = taihu_ctrl_rd32(q->tdev, TAIHU_QDESC_REG(q->index, head));
	if (head - q->done_idx > q->tail - q->done_idx) {
		dev_err_ratelimited(q->tdev->drm.dev,
				    "queue %u: card head %u outside %u..%u\n",
				    q->index, head, q->done_idx, q->tail);
		return false;
	}
	if (head == q->done_idx)
		return false;
	/* Records are written before head moves past them. */
	rmb();

	while (q->done_idx != head) {
		slot = taihu_ring_slot(q, q->done_idx);
		fence = q->inflight[slot];
		/* Left in flight: the reset makes the card run it again. */
		if (fence && taihu_queue_aborted_innocent(q, slot, fence))
			return false;
		taihu_queue_retire(q, slot);
		/* NULL: the entry was cancelled, its record is stale. */
		if (fence)
			taihu_queue_complete(q, slot, fence);
	}
	return true;
}

/*
 * The card goes on completing entries while their fences are signalled:
 * look at head again, so that one interrupt ends every entry finished by
 * then instead of leaving the latest for the next interrupt.
 */
static void __taihu_queue_process(struct taihu_queue *q)
{
	while (q->done_idx != q->tail && __taihu_queue_process_once(q))
		;
}

void taihu_queue_process(struct taihu_queue *q)
{
	unsigned long flags;

	spin_lock_irqsave(&q->lock, flags);
	if (q->enabled)
		__taihu_queue_process(q);
	spin_unlock_irqrestore(&q->lock, flags);
}

/* Does the card take ring entry flags (interrupt moderation)? */
static bool taihu_queue_moderated(struct taihu_queue *q)
{
	return q->tdev->card_if_minor >= TAIHU_CARD_IF_MINOR_IRQ_FLAG;
}

/*
 * Flags of the entry written next: its completion interrupt or not. An
 * older card takes no flags and raises the interrupt when its ring runs
 * empty, as it always did.
 */
static u32 taihu_queue_entry_flags(struct taihu_queue *q)
{
	lockdep_assert_held(&q->lock);

	if (!taihu_queue_moderated(q))
		return 0;
	if (!atomic_read(&q->irq_wanted) && ++q->since_irq < TAIHU_IRQ_EVERY)
		return 0;
	q->since_irq = 0;
	q->irq_asked++;
	return TAIHU_RING_ENTRY_IRQ;
}

void taihu_queue_irq_get(struct taihu_queue *q)
{
	void __iomem *ring;
	unsigned long flags;
	int idx;
	u32 i;

	atomic_inc(&q->irq_wanted);
	if (!taihu_queue_moderated(q) || !drm_dev_enter(&q->tdev->drm, &idx))
		return;

	ring = q->tdev->hw.vram + q->ring_node.start;
	spin_lock_irqsave(&q->lock, flags);
	if (q->enabled) {
		for (i = q->done_idx; i != q->tail; i++) {
			writel(TAIHU_RING_ENTRY_IRQ,
			       ring + taihu_ring_slot(q, i) *
			       sizeof(struct taihu_ring_entry) +
			       offsetof(struct taihu_ring_entry, flags));
			q->irq_asked++;
		}
		/*
		 * The card reads an entry's flags after storing head, with a
		 * full barrier: it sees the flag, or we see the entry ended.
		 */
		mb();
		__taihu_queue_process(q);
	}
	spin_unlock_irqrestore(&q->lock, flags);
	drm_dev_exit(idx);
}

void taihu_queue_irq_put(struct taihu_queue *q)
{
	atomic_dec(&q->irq_wanted);
}

struct taihu_queue *taihu_fence_queue(struct taihu_device *tdev,
				      struct dma_fence *f)
{
	u32 i;

	if (f->ops != &taihu_fence_ops)
		return NULL;
	for (i = 0; i < tdev->num_queues; i++)
		if (f->context == tdev->queues[i].fence_ctx)
			return &tdev->queues[i];
	return NULL;
}

void taihu_queue_kick(struct taihu_queue *q)
{
	struct taihu_device *tdev = q->tdev;
	unsigned long flags;
	int idx;

	if (!drm_dev_enter(&tdev->drm, &idx))
		return;
	spin_lock_irqsave(&q->lock, flags);
	q->kicks++;
	spin_unlock_irqrestore(&q->lock, flags);
	/* Outside the lock, as in taihu_queue_submit(). */
	taihu_kick(tdev, TAIHU_VECTOR_QUEUE(q->index));
	drm_dev_exit(idx);
}

int taihu_queue_submit(struct taihu_queue *q, struct taihu_fence *fence,
		       u64 cmd_addr, u32 cmd_len, struct taihu_ctx *ctx,
		       bool direct, bool kick)
{
	struct taihu_device *tdev = q->tdev;
	void __iomem *entry;
	unsigned long flags;
	int idx, ret = 0;
	u32 slot;

	if (!drm_dev_enter(&tdev->drm, &idx))
		return -ENODEV;

	spin_lock_irqsave(&q->lock, flags);
	if (!q->enabled) {
		ret = -ENODEV;
		goto out;
	}
	/* Free the slots the card is done with even if its IRQ is pending. */
	__taihu_queue_process(q);
	if (q->tail - q->done_idx >= tdev->ring_entries ||
	    (direct && q->direct_used >= taihu_ring_direct_entries(tdev))) {
		if (direct)
			q->direct_full++;
		ret = -EBUSY;
		goto out;
	}

	dma_fence_init(&fence->base, &taihu_fence_ops, &q->fence_lock,
		       q->fence_ctx, ++q->seqno);
	fence->ctx = ctx;
	fence->ring_idx = q->tail;

	slot = taihu_ring_slot(q, q->tail);
	entry = tdev->hw.vram + q->ring_node.start +
		slot * sizeof(struct taihu_ring_entry);
	writeq(cmd_addr, entry + offsetof(struct taihu_ring_entry, cmd_addr));
	writel(cmd_len, entry + offsetof(struct taihu_ring_entry, cmd_len));
	writel(ctx->id, entry + offsetof(struct taihu_ring_entry, context));
	writeq(fence->base.seqno, entry + offsetof(struct taihu_ring_entry, seqno));
	writel(taihu_queue_entry_flags(q),
	       entry + offsetof(struct taihu_ring_entry, flags));
	writel(0, entry + offsetof(struct taihu_ring_entry, reserved));

	/* The queue's reference, dropped when the entry ends. */
	q->inflight[slot] = fence;
	dma_fence_get(&fence->base);
	q->submitted++;
	if (direct) {
		__set_bit(slot, q->direct_slots);
		q->direct_used++;
		q->direct++;
	}

	/* The entry must be in VRAM before the card sees the new tail. */
	wmb();
	q->tail++;
	taihu_ctrl_wr32(tdev, TAIHU_QDESC_REG(q->index, tail), q->tail);
	if (kick)
		q->kicks++;
out:
	spin_unlock_irqrestore(&q->lock, flags);
	/*
	 * Outside the lock: the card may complete the entry and its interrupt
	 * land on another CPU before the kick returns, and that interrupt
	 * takes the lock. A kick that sees a tail moved further by a later
	 * submit is harmless: kicks coalesce.
	 */
	if (!ret && kick)
		taihu_kick(tdev, TAIHU_VECTOR_QUEUE(q->index));
	drm_dev_exit(idx);
	return ret;
}

struct taihu_fence *taihu_queue_oldest(struct taihu_queue *q)
{
	struct taihu_fence *fence = NULL;
	unsigned long flags;
	u32 i;

	spin_lock_irqsave(&q->lock, flags);
	if (q->enabled)
		__taihu_queue_process(q);
	for (i = q->done_idx; i != q->tail; i++) {
		fence = q->inflight[taihu_ring_slot(q, i)];
		if (fence) {
			dma_fence_get(&fence->base);
			break;
		}
	}
	spin_unlock_irqrestore(&q->lock, flags);
	return fence;
}

bool taihu_queue_cancel(struct taihu_queue *q, struct taihu_fence *fence,
			u32 status, int error)
{
	u32 slot = taihu_ring_slot(q, fence->ring_idx);
	unsigned long flags;
	bool cancelled = false;

	spin_lock_irqsave(&q->lock, flags);
	if (q->inflight[slot] == fence) {
		/* The slot stays busy until the card moves past it. */
		q->inflight[slot] = NULL;
		taihu_queue_end_error(q, fence, status, error);
		cancelled = true;
	}
	spin_unlock_irqrestore(&q->lock, flags);

	return cancelled;
}

/* Stop processing the queue and end every entry in flight. */
static void __taihu_queue_stop(struct taihu_queue *q, int error)
{
	struct taihu_fence *fence;
	u32 slot;

	lockdep_assert_held(&q->lock);

	q->enabled = false;
	for (slot = 0; slot < TAIHU_RING_MAX_ENTRIES; slot++) {
		fence = q->inflight[slot];
		if (!fence)
			continue;
		q->inflight[slot] = NULL;
		taihu_queue_end_error(q, fence, DRM_TAIHU_JOB_CANCELLED, error);
	}
}

void taihu_queues_stop(struct taihu_device *tdev)
{
	struct taihu_queue *q;
	unsigned long flags;
	u32 i;

	for (i = 0; i < TAIHU_MAX_QUEUES; i++) {
		q = &tdev->queues[i];
		spin_lock_irqsave(&q->lock, flags);
		__taihu_queue_stop(q, -ENODEV);
		spin_unlock_irqrestore(&q->lock, flags);
	}
}

/*
 * The card is stopped: end the guilty entry if the card did not, and move
 * the head past it and past cancelled entries at the front, so that the
 * card skips them. An innocent entry at the front stays: it runs again.
 */
static void __taihu_queue_skip_guilty(struct taihu_queue *q,
				      struct taihu_fence *guilty)
{
	struct taihu_fence *fence;
	u32 slot;

	lockdep_assert_held(&q->lock);

	while (q->done_idx != q->tail) {
		slot = taihu_ring_slot(q, q->done_idx);
		fence = q->inflight[slot];
		if (fence && fence != guilty)
			break;
		taihu_queue_retire(q, slot);
		if (fence)
			taihu_queue_end_error(q, fence, DRM_TAIHU_JOB_TIMEOUT,
					      -ETIMEDOUT);
	}
	taihu_ctrl_wr32(q->tdev, TAIHU_QDESC_REG(q->index, head), q->done_idx);
}

bool taihu_queue_reset_begin(struct taihu_queue *q, struct taihu_fence *guilty)
{
	spin_lock_irq(&q->lock);
	if (!q->enabled) {
		spin_unlock_irq(&q->lock);
		return false;
	}
	/* Before the card stops: its completion interrupts may come at once. */
	q->resetting = true;
	q->guilty = guilty;
	spin_unlock_irq(&q->lock);
	return true;
}

void taihu_queue_reset_cancel(struct taihu_queue *q)
{
	spin_lock_irq(&q->lock);
	q->resetting = false;
	q->guilty = NULL;
	spin_unlock_irq(&q->lock);
}

bool taihu_queue_reset_stopped(struct taihu_queue *q)
{
	struct taihu_fence *guilty;

	spin_lock_irq(&q->lock);
	if (!q->enabled) {
		/* Stopped meanwhile (unplug, death): every entry has ended. */
		q->resetting = false;
		q->guilty = NULL;
		spin_unlock_irq(&q->lock);
		return false;
	}
	guilty = q->guilty;
	__taihu_queue_process(q);
	__taihu_queue_skip_guilty(q, guilty);
	q->guilty = NULL;
	spin_unlock_irq(&q->lock);
	return true;
}

void taihu_queue_write_desc(struct taihu_queue *q)
{
	struct taihu_device *tdev = q->tdev;

	spin_lock_irq(&q->lock);
	taihu_ctrl_wr64(tdev, TAIHU_QDESC_REG(q->index, ring_addr), q->ring_node.start);
	taihu_ctrl_wr64(tdev, TAIHU_QDESC_REG(q->index, compl_addr), q->compl_node.start);
	taihu_ctrl_wr32(tdev, TAIHU_QDESC_REG(q->index, ring_entries), tdev->ring_entries);
	taihu_ctrl_wr32(tdev, TAIHU_QDESC_REG(q->index, head), q->done_idx);
	taihu_ctrl_wr32(tdev, TAIHU_QDESC_REG(q->index, tail), q->tail);
	spin_unlock_irq(&q->lock);
	/* The descriptor must be complete before the card reads it. */
	wmb();
}

int taihu_queue_reset_end(struct taihu_queue *q, int enable_ret)
{
	struct taihu_device *tdev = q->tdev;

	spin_lock_irq(&q->lock);
	q->resetting = false;
	if (enable_ret) {
		__taihu_queue_stop(q, -EIO);
		spin_unlock_irq(&q->lock);
		dev_err(tdev->drm.dev, "queue %u: enable after reset failed: %d, queue stopped\n",
			q->index, enable_ret);
		return -EIO;
	}
	q->resets++;
	if (q->enabled)
		__taihu_queue_process(q);
	spin_unlock_irq(&q->lock);
	return 0;
}

void taihu_queue_debugfs_show(struct taihu_device *tdev, struct seq_file *m)
{
	struct taihu_queue *q;
	u32 i, head;

	for (i = 0; i < tdev->num_queues; i++) {
		q = &tdev->queues[i];
		head = taihu_ctrl_rd32(tdev, TAIHU_QDESC_REG(i, head));
		spin_lock_irq(&q->lock);
		seq_printf(m, "queue %u: enabled %u submitted %llu irq_asked %llu completed %llu failed %llu timeouts %llu resets %llu jobs %d depth %u head %u tail %u direct %llu direct_full %llu behind %lld kicks %llu\n",
			   i, q->enabled, q->submitted, q->irq_asked,
			   q->completed, q->failed,
			   q->timeouts, q->resets, atomic_read(&q->jobs),
			   q->tail - q->done_idx, head, q->tail, q->direct,
			   q->direct_full, (s64)atomic64_read(&q->behind),
			   q->kicks);
		spin_unlock_irq(&q->lock);
	}
}

void taihu_queues_early_init(struct taihu_device *tdev)
{
	struct taihu_queue *q;
	u32 i;

	for (i = 0; i < TAIHU_MAX_QUEUES; i++) {
		q = &tdev->queues[i];
		q->tdev = tdev;
		q->index = i;
		spin_lock_init(&q->lock);
		spin_lock_init(&q->fence_lock);
		spin_lock_init(&q->direct_lock);
		INIT_LIST_HEAD(&q->direct_jobs);
		atomic64_set(&q->behind, 0);
	}
}

static void taihu_queues_release(struct drm_device *drm, void *arg)
{
	struct taihu_device *tdev = arg;
	u32 i;

	for (i = 0; i < TAIHU_MAX_QUEUES; i++) {
		taihu_vram_free(tdev, &tdev->queues[i].ring_node);
		taihu_vram_free(tdev, &tdev->queues[i].compl_node);
	}
}

static int taihu_queue_enable(struct taihu_queue *q)
{
	struct taihu_device *tdev = q->tdev;
	const size_t ring_bytes = tdev->ring_entries *
				  sizeof(struct taihu_ring_entry);
	const size_t compl_bytes = tdev->ring_entries *
				   sizeof(struct taihu_completion);
	struct taihu_mbox_queue req = { .queue = q->index };
	u32 desc = TAIHU_QDESC_REG(q->index, ring_addr);
	int ret;

	ret = taihu_vram_alloc(tdev, &q->ring_node, ring_bytes);
	if (ret)
		return ret;
	ret = taihu_vram_alloc(tdev, &q->compl_node, compl_bytes);
	if (ret)
		return ret;
	memset_io(tdev->hw.vram + q->ring_node.start, 0, ring_bytes);
	memset_io(tdev->hw.vram + q->compl_node.start, 0, compl_bytes);

	q->tail = 0;
	q->done_idx = 0;
	q->seqno = 0;
	bitmap_zero(q->direct_slots, TAIHU_RING_MAX_ENTRIES);
	q->direct_used = 0;
	q->fence_ctx = dma_fence_context_alloc(1);

	memset_io(tdev->hw.ctrl + desc, 0, sizeof(struct taihu_queue_desc));
	taihu_ctrl_wr64(tdev, TAIHU_QDESC_REG(q->index, ring_addr),
			q->ring_node.start);
	taihu_ctrl_wr64(tdev, TAIHU_QDESC_REG(q->index, compl_addr),
			q->compl_node.start);
	taihu_ctrl_wr32(tdev, TAIHU_QDESC_REG(q->index, ring_entries),
			tdev->ring_entries);
	/* The descriptor must be complete before the card reads it. */
	wmb();

	ret = taihu_mbox_simple(tdev, TAIHU_MBOX_OP_QUEUE_ENABLE, &req,
				sizeof(req), TAIHU_MBOX_TIMEOUT_MS);
	if (ret) {
		dev_err(tdev->drm.dev, "queue %u: enable failed: %d\n",
			q->index, ret);
		return ret;
	}

	spin_lock_irq(&q->lock);
	q->enabled = true;
	spin_unlock_irq(&q->lock);
	return 0;
}

/*
 * The ring length: what the firmware takes (card interface 1.3 says; an
 * older card takes the smallest), up to TAIHU_RING_MAX_ENTRIES.
 */
static u32 taihu_ring_entries_for(const struct taihu_device *tdev)
{
	u32 max = tdev->fw.max_ring_entries;

	if (tdev->card_if_minor < 3 || max < TAIHU_RING_MIN_ENTRIES)
		return TAIHU_RING_MIN_ENTRIES;
	return rounddown_pow_of_two(min_t(u32, max, TAIHU_RING_MAX_ENTRIES));
}

int taihu_queues_enable(struct taihu_device *tdev)
{
	u32 i;
	int ret;

	tdev->ring_entries = taihu_ring_entries_for(tdev);
	ret = drmm_add_action_or_reset(&tdev->drm, taihu_queues_release, tdev);
	if (ret)
		return ret;

	for (i = 0; i < tdev->num_queues; i++) {
		ret = taihu_queue_enable(&tdev->queues[i]);
		if (ret)
			return ret;
	}
	return 0;
}
