// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * User-mode submission queues. Each one has a card descriptor (struct
 * taihu_uq_desc in BAR2, written by the driver only) and a VRAM object of
 * its own holding the control words, the ring and the completions, mapped
 * into the process and into no device context. The kernel sees the card's
 * head in the descriptor, the process's tail at each kick, and the card's
 * events; a watchdog stops a user queue whose kicked entries make no
 * progress for the job timeout.
 *
 * Lifetime: a user queue belongs to its file's xarray and, while it has a
 * card descriptor, to &taihu_uq_dev.slots. Waiters and kicks hold a
 * reference. UQ_DISABLE is sent before the memory is released; the mmap
 * offset of the object is revoked from the file at destroy, and existing
 * mappings keep the object (and its VRAM) alive.
 *
 * Freed memory: the kernel does not know which buffers an entry uses, so a
 * buffer can be unmapped from the context (its last handle closed) while
 * an entry of one of the context's user queues runs. The unmap's
 * TLB_INVALIDATE makes every later translation fault, but the running
 * entry may still be inside what it translated before (a copy's span, a
 * kernel's tensors, a page-table walk). So whatever an unmap of such a
 * context frees -- the buffer (through a reference: VRAM or pinned host
 * pages) and page tables -- is held (&taihu_uq_dev.held) until every entry
 * that ran when the invalidation answered has ended: the card makes
 * &taihu_uq_desc.runs odd while an entry runs (interface 1.8); before that
 * interface the driver cannot see an entry run and waits for the head to
 * move on instead, or for the user queue to be stopped on the card.
 */
#include <linux/jiffies.h>
#include <linux/kref.h>
#include <linux/log2.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include <drm/drm_drv.h>
#include <drm/drm_gem.h>
#include <drm/drm_vma_manager.h>
#include <drm/taihu_accel.h>

#include "taihu_drv.h"
#include "taihu_gem.h"
#include "taihu_job.h"
#include "taihu_uqueue.h"
#include "taihu_wait.h"

#define TAIHU_UQ_WATCHDOG_MS		250
#define TAIHU_UQ_MAX_ENTRIES		1024

#define TAIHU_UQDESC_REG(i, f) \
	(TAIHU_BAR2_UQ_OFFSET + (i) * sizeof(struct taihu_uq_desc) + \
	 offsetof(struct taihu_uq_desc, f))

static_assert(sizeof(struct drm_taihu_uq_entry) == sizeof(struct taihu_ring_entry));
static_assert(sizeof(struct drm_taihu_uq_completion) == sizeof(struct taihu_completion));
static_assert(sizeof(struct drm_taihu_uq_ctrl) == sizeof(struct taihu_uq_ctrl));
static_assert(offsetof(struct drm_taihu_uq_ctrl, head) == offsetof(struct taihu_uq_ctrl, head));
static_assert(DRM_TAIHU_UQ_ENTRY_IRQ == TAIHU_UQ_ENTRY_IRQ);

/**
 * struct taihu_uq - one user queue
 * @ref: references: the file's table, waiters, kicks
 * @tdev: the device
 * @ctx: the file's context, counting the user queue while it has a card
 *	slot (the file outlives that)
 * @ctx_id: the device context its entries run in (the file's)
 * @slot: its card descriptor, valid while @enabled
 * @queue: hardware queue serving it
 * @entries: ring slots
 * @obj: the VRAM object of control words, ring and completions
 * @vram: VRAM offset of @obj
 * @enabled: the card has the descriptor (UQ_ENABLE done, no UQ_DISABLE);
 *	written under &taihu_uq_dev.lock and, when cleared, &taihu_uq_dev.slots_lock
 * @status: 0, or the &enum drm_taihu_job_status that stopped it; written
 *	under &taihu_uq_dev.lock, read with READ_ONCE()
 * @fault_pending: its context faulted; @fault_work stops it
 * @kicked_tail: the process's tail at its last kick
 * @last_head: the card's head the watchdog saw last
 * @progress: jiffies when @last_head last changed, or of the first kick
 *	after the queue was idle
 * @irq_lock: serialises the waiters' writes of &taihu_uq_desc.irq_head
 * @irq_head: the head last written there, under @irq_lock
 */
struct taihu_uq {
	struct kref ref;
	struct taihu_device *tdev;
	struct taihu_ctx *ctx;
	u32 ctx_id;
	u32 slot;
	u32 queue;
	u32 entries;
	struct drm_gem_object *obj;
	u64 vram;
	bool enabled;
	u32 status;
	bool fault_pending;
	u32 kicked_tail;
	u32 last_head;
	unsigned long progress;
	spinlock_t irq_lock; /* the waiters' writes of irq_head */
	u32 irq_head;
};

/**
 * struct taihu_uq_fence - where a context's user queues were when its
 *	translations of some memory were dropped
 * @mask: card slots that ran an entry then (before interface 1.8: every
 *	slot of the context, running or not)
 * @epoch: &taihu_uq_dev.epoch of each slot in @mask then
 * @mark: &taihu_uq_desc.runs of each slot in @mask then (odd), or its head
 */
struct taihu_uq_fence {
	u32 mask;
	u32 epoch[TAIHU_MAX_USER_QUEUES];
	u32 mark[TAIHU_MAX_USER_QUEUES];
};

/**
 * struct taihu_uq_held - memory held until a fence has passed
 * @link: entry in &taihu_uq_dev.held
 * @fence: the entries that may still reach it
 * @obj: a buffer object reference, or NULL
 * @node: else a VRAM range (a page table)
 * @bytes: its size
 */
struct taihu_uq_held {
	struct list_head link;
	struct taihu_uq_fence fence;
	struct drm_gem_object *obj;
	struct drm_mm_node node;
	u64 bytes;
};

static u32 taihu_uq_ring_offset(void)
{
	return PAGE_SIZE;
}

static u32 taihu_uq_compl_offset(u32 entries)
{
	return PAGE_SIZE + PAGE_ALIGN(entries * sizeof(struct taihu_ring_entry));
}

static u64 taihu_uq_size(u32 entries)
{
	return taihu_uq_compl_offset(entries) +
	       PAGE_ALIGN(entries * sizeof(struct taihu_completion));
}

static u32 taihu_uq_card_head(struct taihu_uq *uq)
{
	return taihu_ctrl_rd32(uq->tdev, TAIHU_UQDESC_REG(uq->slot, head));
}

bool taihu_uq_available(struct taihu_device *tdev)
{
	return tdev->card_if_minor >= 5 &&
	       (tdev->fw.capabilities & TAIHU_CARD_CAP_MMU);
}

bool taihu_uq_wait_asks_irq(struct taihu_device *tdev)
{
	return taihu_uq_available(tdev) &&
	       tdev->card_if_minor >= TAIHU_CARD_IF_MINOR_UQ_IRQ_HEAD;
}

/* The card's stop codes as the uapi's job statuses. */
static u32 taihu_uq_status_from_card(u32 code)
{
	switch (code) {
	case TAIHU_STATUS_DMA_ERROR:
		return DRM_TAIHU_JOB_DMA_ERROR;
	case TAIHU_STATUS_MMU_FAULT:
		return DRM_TAIHU_JOB_MMU_FAULT;
	case TAIHU_STATUS_ABORTED:
		return DRM_TAIHU_JOB_CANCELLED;
	default:
		return DRM_TAIHU_JOB_INVALID_CMD;
	}
}

static void taihu_uq_free(struct kref *ref)
{
	struct taihu_uq *uq = container_of(ref, struct taihu_uq, ref);

	if (uq->obj)
		drm_gem_object_put(uq->obj);
	kfree(uq);
}

static void taihu_uq_put(struct taihu_uq *uq)
{
	kref_put(&uq->ref, taihu_uq_free);
}

/*
 * Under &taihu_uq_dev.lock: the card does not serve @uq any more. @passed:
 * it said so (UQ_DISABLE answered), so memory held for the user queue's
 * entries may go (a card that did not answer is reset, taihu_uq_card_lost()).
 */
static void taihu_uq_slot_done(struct taihu_uq *uq, bool passed)
{
	struct taihu_device *tdev = uq->tdev;
	unsigned long flags;

	spin_lock_irqsave(&tdev->uq.slots_lock, flags);
	if (passed)
		tdev->uq.epoch[uq->slot]++;
	WRITE_ONCE(uq->enabled, false);
	spin_unlock_irqrestore(&tdev->uq.slots_lock, flags);
	if (passed && READ_ONCE(tdev->uq.held_bytes))
		schedule_work(&tdev->uq.reap_work);
}

/* Under &taihu_uq_dev.lock: stop it with @status (first reason wins). */
static void taihu_uq_stop_locked(struct taihu_uq *uq, u32 status)
{
	struct taihu_device *tdev = uq->tdev;
	struct taihu_mbox_uq req = { .index = uq->slot };
	int ret;

	lockdep_assert_held(&tdev->uq.lock);
	/*
	 * The status only after UQ_DISABLE: a waiter that sees it reads the
	 * completion records, which the card may still be writing until the
	 * disable returns (an MMU fault event arrives before the faulting
	 * entry's record).
	 */
	if (uq->enabled) {
		ret = taihu_mbox_simple(tdev, TAIHU_MBOX_OP_UQ_DISABLE, &req,
					sizeof(req), TAIHU_MBOX_TIMEOUT_MS);
		/* A card that does not answer is reset (forgetting it) or dead. */
		if (ret && ret != -ENODEV)
			dev_warn(tdev->drm.dev, "user queue %u: UQ_DISABLE failed: %d\n",
				 uq->slot, ret);
		taihu_uq_slot_done(uq, !ret);
	}
	if (!READ_ONCE(uq->status))
		WRITE_ONCE(uq->status, status);
	wake_up_all(&tdev->uq.wq);
}

/* Take @uq out of its card slot, stopping it. */
static void taihu_uq_release_slot(struct taihu_uq *uq)
{
	struct taihu_device *tdev = uq->tdev;
	unsigned long flags;

	mutex_lock(&tdev->uq.lock);
	taihu_uq_stop_locked(uq, DRM_TAIHU_JOB_CANCELLED);
	spin_lock_irqsave(&tdev->uq.slots_lock, flags);
	tdev->uq.slots[uq->slot] = NULL;
	spin_unlock_irqrestore(&tdev->uq.slots_lock, flags);
	tdev->uq.count--;
	mutex_unlock(&tdev->uq.lock);
	taihu_ctx_uq_count(uq->ctx, false);
}

static bool taihu_uq_has_runs(struct taihu_device *tdev)
{
	return tdev->card_if_minor >= TAIHU_CARD_IF_MINOR_UQ_RUNS;
}

/* Slot @i's progress mark: its runs word (odd while an entry runs), or its head. */
static u32 taihu_uq_mark(struct taihu_device *tdev, u32 i, bool runs)
{
	return runs ? taihu_ctrl_rd32(tdev, TAIHU_UQDESC_REG(i, runs)) :
		      taihu_ctrl_rd32(tdev, TAIHU_UQDESC_REG(i, head));
}

/*
 * Where @ctx_id's user queues are now, after a TLB_INVALIDATE answered.
 * Inside drm_dev_enter(). Return: true if some entry may still run.
 */
static bool taihu_uq_fence_take(struct taihu_device *tdev, u32 ctx_id,
				struct taihu_uq_fence *f)
{
	bool runs = taihu_uq_has_runs(tdev);
	unsigned long flags;
	u32 i, mark;

	f->mask = 0;
	spin_lock_irqsave(&tdev->uq.slots_lock, flags);
	for (i = 0; i < TAIHU_MAX_USER_QUEUES; i++) {
		struct taihu_uq *uq = tdev->uq.slots[i];

		if (!uq || uq->ctx_id != ctx_id || !READ_ONCE(uq->enabled))
			continue;
		mark = taihu_uq_mark(tdev, i, runs);
		/* Even: no entry runs; the next one translates afresh. */
		if (runs && !(mark & 1))
			continue;
		f->mask |= BIT(i);
		f->epoch[i] = tdev->uq.epoch[i];
		f->mark[i] = mark;
	}
	spin_unlock_irqrestore(&tdev->uq.slots_lock, flags);
	return f->mask;
}

/* Inside drm_dev_enter(): has every entry of @f ended? */
static bool taihu_uq_fence_passed(struct taihu_device *tdev,
				  const struct taihu_uq_fence *f)
{
	bool runs = taihu_uq_has_runs(tdev);
	unsigned long mask = f->mask;
	u32 i;

	for_each_set_bit(i, &mask, TAIHU_MAX_USER_QUEUES) {
		if (READ_ONCE(tdev->uq.epoch[i]) != f->epoch[i])
			continue;
		if (taihu_uq_mark(tdev, i, runs) == f->mark[i])
			return false;
	}
	return true;
}

/* Release the held memory whose fences have passed (all once unplugged). */
static void taihu_uq_reap(struct taihu_device *tdev)
{
	struct taihu_uq_held *h, *tmp;
	LIST_HEAD(done);
	bool entered;
	int idx;

	if (!READ_ONCE(tdev->uq.held_bytes))
		return;
	entered = drm_dev_enter(&tdev->drm, &idx);
	spin_lock(&tdev->uq.held_lock);
	list_for_each_entry_safe(h, tmp, &tdev->uq.held, link) {
		if (entered && !taihu_uq_fence_passed(tdev, &h->fence))
			continue;
		list_move_tail(&h->link, &done);
		WRITE_ONCE(tdev->uq.held_bytes, tdev->uq.held_bytes - h->bytes);
	}
	spin_unlock(&tdev->uq.held_lock);
	if (entered)
		drm_dev_exit(idx);

	list_for_each_entry_safe(h, tmp, &done, link) {
		if (h->obj)
			drm_gem_object_put(h->obj);
		else
			taihu_vram_free(tdev, &h->node);
		kfree(h);
	}
}

static void taihu_uq_reap_work(struct work_struct *work)
{
	taihu_uq_reap(container_of(work, struct taihu_device, uq.reap_work));
}

/*
 * A held entry for @ctx's user queues, or NULL when nothing may reach the
 * memory. On success the caller is inside drm_dev_enter() (@idx) and
 * finishes with taihu_uq_held_add().
 */
static struct taihu_uq_held *taihu_uq_held_new(struct taihu_ctx *ctx, int *idx)
{
	struct taihu_device *tdev = ctx->tdev;
	struct taihu_uq_held *h;

	if (!atomic_read(&ctx->uqs))
		return NULL;
	/* Small, and an unmap cannot fail. */
	h = kzalloc(sizeof(*h), GFP_KERNEL | __GFP_NOFAIL);
	/* Unplugged: the card runs nothing for anybody any more. */
	if (!drm_dev_enter(&tdev->drm, idx)) {
		kfree(h);
		return NULL;
	}
	if (!taihu_uq_fence_take(tdev, ctx->id, &h->fence)) {
		drm_dev_exit(*idx);
		kfree(h);
		return NULL;
	}
	return h;
}

static void taihu_uq_held_add(struct taihu_device *tdev,
			      struct taihu_uq_held *h, u64 bytes, int idx)
{
	h->bytes = bytes;
	spin_lock(&tdev->uq.held_lock);
	list_add_tail(&h->link, &tdev->uq.held);
	WRITE_ONCE(tdev->uq.held_bytes, tdev->uq.held_bytes + bytes);
	spin_unlock(&tdev->uq.held_lock);
	drm_dev_exit(idx);
}

void taihu_uq_hold_object(struct taihu_ctx *ctx, struct drm_gem_object *obj)
{
	struct taihu_uq_held *h;
	int idx;

	h = taihu_uq_held_new(ctx, &idx);
	if (!h)
		return;
	drm_gem_object_get(obj);
	h->obj = obj;
	taihu_uq_held_add(ctx->tdev, h, obj->size, idx);
}

bool taihu_uq_hold_vram(struct taihu_ctx *ctx, struct drm_mm_node *node)
{
	struct taihu_uq_held *h;
	int idx;

	h = taihu_uq_held_new(ctx, &idx);
	if (!h)
		return false;
	taihu_vram_move(ctx->tdev, node, &h->node);
	taihu_uq_held_add(ctx->tdev, h, h->node.size, idx);
	return true;
}

static void taihu_uq_watchdog(struct work_struct *work)
{
	struct taihu_device *tdev = container_of(to_delayed_work(work),
						 struct taihu_device, uq.watchdog);
	unsigned long timeout = msecs_to_jiffies(TAIHU_JOB_TIMEOUT_MS);
	int idx;
	u32 i;

	/* Unplugged: BAR2 is going away, and nothing runs any more. */
	if (!drm_dev_enter(&tdev->drm, &idx))
		return;
	mutex_lock(&tdev->uq.lock);
	for (i = 0; i < TAIHU_MAX_USER_QUEUES; i++) {
		struct taihu_uq *uq = tdev->uq.slots[i];
		u32 head, code;

		if (!uq || !uq->enabled || READ_ONCE(uq->status))
			continue;
		code = taihu_ctrl_rd32(tdev, TAIHU_UQDESC_REG(i, status));
		if (code) {
			/* The card stopped it: bad tail or entry, MMU fault. */
			WRITE_ONCE(uq->status, taihu_uq_status_from_card(code));
			wake_up_all(&tdev->uq.wq);
			continue;
		}
		head = taihu_uq_card_head(uq);
		if (head != uq->last_head) {
			uq->last_head = head;
			uq->progress = jiffies;
			continue;
		}
		if (head == READ_ONCE(uq->kicked_tail) ||
		    time_before(jiffies, READ_ONCE(uq->progress) + timeout))
			continue;
		{
			struct taihu_nl_event ev = {
				.kind = TAIHU_EVENT_KIND_JOB_TIMEOUT,
				.has = TAIHU_NL_EV_CONTEXT | TAIHU_NL_EV_QUEUE,
				.context = uq->ctx_id,
				.queue = uq->queue,
			};

			dev_warn_ratelimited(tdev->drm.dev, "user queue %u of context %u: no progress for %u ms, stopped\n",
					     i, uq->ctx_id, TAIHU_JOB_TIMEOUT_MS);
			taihu_uq_stop_locked(uq, DRM_TAIHU_JOB_TIMEOUT);
			taihu_nl_event_post(tdev, &ev);
		}
	}
	if (tdev->uq.count)
		schedule_delayed_work(&tdev->uq.watchdog,
				      msecs_to_jiffies(TAIHU_UQ_WATCHDOG_MS));
	mutex_unlock(&tdev->uq.lock);
	drm_dev_exit(idx);
	taihu_uq_reap(tdev);
}

static void taihu_uq_fault_work(struct work_struct *work)
{
	struct taihu_device *tdev = container_of(work, struct taihu_device,
						 uq.fault_work);
	u32 i;

	mutex_lock(&tdev->uq.lock);
	for (i = 0; i < TAIHU_MAX_USER_QUEUES; i++) {
		struct taihu_uq *uq = tdev->uq.slots[i];

		if (uq && READ_ONCE(uq->fault_pending))
			taihu_uq_stop_locked(uq, DRM_TAIHU_JOB_MMU_FAULT);
	}
	mutex_unlock(&tdev->uq.lock);
}

void taihu_uq_init(struct taihu_device *tdev)
{
	mutex_init(&tdev->uq.lock);
	spin_lock_init(&tdev->uq.slots_lock);
	init_waitqueue_head(&tdev->uq.wq);
	INIT_DELAYED_WORK(&tdev->uq.watchdog, taihu_uq_watchdog);
	INIT_WORK(&tdev->uq.fault_work, taihu_uq_fault_work);
	spin_lock_init(&tdev->uq.held_lock);
	INIT_LIST_HEAD(&tdev->uq.held);
	INIT_WORK(&tdev->uq.reap_work, taihu_uq_reap_work);
}

void taihu_uq_fini(struct taihu_device *tdev)
{
	cancel_work_sync(&tdev->uq.fault_work);
	cancel_delayed_work_sync(&tdev->uq.watchdog);
	/* Unplugged: nothing is held any more (taihu_uq_fence_passed()). */
	taihu_uq_reap(tdev);
	cancel_work_sync(&tdev->uq.reap_work);
}

void taihu_uq_irq(struct taihu_device *tdev)
{
	if (wq_has_sleeper(&tdev->uq.wq))
		wake_up_all(&tdev->uq.wq);
	/* An entry ended: held memory may go now rather than at the next tick. */
	if (READ_ONCE(tdev->uq.held_bytes))
		schedule_work(&tdev->uq.reap_work);
}

void taihu_uq_card_event(struct taihu_device *tdev,
			 const struct taihu_event *ev)
{
	unsigned long flags;
	bool marked = false;
	u32 i;

	if (ev->type == TAIHU_EVENT_MMU_FAULT) {
		spin_lock_irqsave(&tdev->uq.slots_lock, flags);
		for (i = 0; i < TAIHU_MAX_USER_QUEUES; i++) {
			struct taihu_uq *uq = tdev->uq.slots[i];

			if (uq && uq->ctx_id == ev->context) {
				WRITE_ONCE(uq->fault_pending, true);
				marked = true;
			}
		}
		spin_unlock_irqrestore(&tdev->uq.slots_lock, flags);
		if (marked)
			schedule_work(&tdev->uq.fault_work);
	} else if (ev->type == TAIHU_EVENT_UQ_ERROR) {
		/* The watchdog records the status; waiters look now. */
		mod_delayed_work(system_wq, &tdev->uq.watchdog, 0);
	}
	wake_up_all(&tdev->uq.wq);
}

void taihu_uq_card_lost(struct taihu_device *tdev)
{
	unsigned long flags;
	u32 i;

	mutex_lock(&tdev->uq.lock);
	/* Its engines were stopped: nothing held for any slot is in use. */
	spin_lock_irqsave(&tdev->uq.slots_lock, flags);
	for (i = 0; i < TAIHU_MAX_USER_QUEUES; i++) {
		struct taihu_uq *uq = tdev->uq.slots[i];

		tdev->uq.epoch[i]++;
		/* The card forgot it: no UQ_DISABLE. */
		if (uq)
			WRITE_ONCE(uq->enabled, false);
	}
	spin_unlock_irqrestore(&tdev->uq.slots_lock, flags);
	for (i = 0; i < TAIHU_MAX_USER_QUEUES; i++) {
		struct taihu_uq *uq = tdev->uq.slots[i];

		if (uq && !READ_ONCE(uq->status))
			WRITE_ONCE(uq->status, DRM_TAIHU_JOB_CANCELLED);
	}
	wake_up_all(&tdev->uq.wq);
	mutex_unlock(&tdev->uq.lock);
	schedule_work(&tdev->uq.reap_work);
}

void taihu_uq_file_init(struct taihu_file *tfile)
{
	xa_init_flags(&tfile->uqs, XA_FLAGS_ALLOC1);
}

static void taihu_uq_destroy(struct drm_file *file, struct taihu_uq *uq)
{
	taihu_uq_release_slot(uq);
	drm_vma_node_revoke(&uq->obj->vma_node, file);
	taihu_uq_put(uq);
}

void taihu_uq_file_fini(struct taihu_file *tfile, struct drm_file *file)
{
	struct taihu_uq *uq;
	unsigned long id;

	xa_for_each(&tfile->uqs, id, uq) {
		xa_erase(&tfile->uqs, id);
		taihu_uq_destroy(file, uq);
	}
	xa_destroy(&tfile->uqs);
}

/* Under &taihu_uq_dev.lock: a free card slot, or -ENOSPC. */
static int taihu_uq_enable_locked(struct taihu_uq *uq)
{
	struct taihu_device *tdev = uq->tdev;
	struct taihu_mbox_uq req = {};
	unsigned long flags;
	u32 i;
	int ret;

	for (i = 0; i < TAIHU_MAX_USER_QUEUES && tdev->uq.slots[i]; i++)
		;
	if (i == TAIHU_MAX_USER_QUEUES)
		return -ENOSPC;
	uq->slot = i;
	req.index = i;
	taihu_ctrl_wr64(tdev, TAIHU_UQDESC_REG(i, ring_addr),
			uq->vram + taihu_uq_ring_offset());
	taihu_ctrl_wr64(tdev, TAIHU_UQDESC_REG(i, compl_addr),
			uq->vram + taihu_uq_compl_offset(uq->entries));
	taihu_ctrl_wr64(tdev, TAIHU_UQDESC_REG(i, ctrl_addr), uq->vram);
	taihu_ctrl_wr32(tdev, TAIHU_UQDESC_REG(i, ring_entries), uq->entries);
	taihu_ctrl_wr32(tdev, TAIHU_UQDESC_REG(i, context), uq->ctx_id);
	taihu_ctrl_wr32(tdev, TAIHU_UQDESC_REG(i, queue), uq->queue);
	taihu_ctrl_wr32(tdev, TAIHU_UQDESC_REG(i, status), 0);
	taihu_ctrl_wr32(tdev, TAIHU_UQDESC_REG(i, head), 0);
	taihu_ctrl_wr32(tdev, TAIHU_UQDESC_REG(i, runs), 0);
	uq->irq_head = 0;
	if (taihu_uq_wait_asks_irq(tdev))
		taihu_ctrl_wr32(tdev, TAIHU_UQDESC_REG(i, irq_head), 0);
	memset_io(tdev->hw.ctrl + TAIHU_UQDESC_REG(i, reserved), 0,
		  sizeof_field(struct taihu_uq_desc, reserved));
	ret = taihu_mbox_simple(tdev, TAIHU_MBOX_OP_UQ_ENABLE, &req,
				sizeof(req), TAIHU_MBOX_TIMEOUT_MS);
	if (ret)
		return ret;
	uq->enabled = true;
	uq->progress = jiffies;
	spin_lock_irqsave(&tdev->uq.slots_lock, flags);
	tdev->uq.slots[i] = uq;
	spin_unlock_irqrestore(&tdev->uq.slots_lock, flags);
	if (!tdev->uq.count++)
		schedule_delayed_work(&tdev->uq.watchdog,
				      msecs_to_jiffies(TAIHU_UQ_WATCHDOG_MS));
	return 0;
}

int taihu_uq_create_ioctl(struct drm_device *drm, void *data,
			  struct drm_file *file)
{
	struct taihu_device *tdev = to_taihu_device(drm);
	struct taihu_file *tfile = file->driver_priv;
	struct drm_taihu_uq_create *args = data;
	u32 max_entries, id;
	struct taihu_uq *uq;
	int ret;

	if (!taihu_uq_available(tdev))
		return -EOPNOTSUPP;
	max_entries = min_t(u32, tdev->fw.max_ring_entries ?: TAIHU_RING_MIN_ENTRIES,
			    TAIHU_UQ_MAX_ENTRIES);
	if (args->flags || args->queue >= tdev->num_queues ||
	    args->entries < 2 || args->entries > max_entries ||
	    !is_power_of_2(args->entries))
		return -EINVAL;
	if (taihu_ctx_faulted(tfile->ctx))
		return -EIO;

	uq = kzalloc(sizeof(*uq), GFP_KERNEL);
	if (!uq)
		return -ENOMEM;
	kref_init(&uq->ref);
	spin_lock_init(&uq->irq_lock);
	uq->tdev = tdev;
	uq->ctx = tfile->ctx;
	uq->ctx_id = tfile->ctx->id;
	uq->queue = args->queue;
	uq->entries = args->entries;
	uq->obj = taihu_vram_bo_create(tdev, taihu_uq_size(args->entries));
	if (IS_ERR(uq->obj)) {
		ret = PTR_ERR(uq->obj);
		uq->obj = NULL;
		goto err_put;
	}
	uq->vram = to_taihu_bo(uq->obj)->node.start;

	/* Reserve the file's place first: the card slot is the scarce one. */
	ret = xa_alloc(&tfile->uqs, &id, NULL,
		       XA_LIMIT(1, DRM_TAIHU_MAX_UQ_PER_FILE), GFP_KERNEL);
	if (ret)
		goto err_put;
	/* Before the card may run an entry: no unmap skips the TLB. */
	taihu_ctx_uq_count(uq->ctx, true);
	mutex_lock(&tdev->uq.lock);
	ret = taihu_uq_enable_locked(uq);
	mutex_unlock(&tdev->uq.lock);
	if (ret) {
		taihu_ctx_uq_count(uq->ctx, false);
		goto err_erase;
	}
	ret = drm_vma_node_allow(&uq->obj->vma_node, file);
	if (ret)
		goto err_slot;
	xa_store(&tfile->uqs, id, uq, GFP_KERNEL);

	args->handle = id;
	args->mmap_offset = drm_vma_node_offset_addr(&uq->obj->vma_node);
	args->mmap_size = uq->obj->size;
	args->ring_offset = taihu_uq_ring_offset();
	args->compl_offset = taihu_uq_compl_offset(uq->entries);
	return 0;

err_slot:
	taihu_uq_release_slot(uq);
err_erase:
	xa_erase(&tfile->uqs, id);
err_put:
	taihu_uq_put(uq);
	return ret == -EBUSY ? -ENOSPC : ret;
}

int taihu_uq_destroy_ioctl(struct drm_device *drm, void *data,
			   struct drm_file *file)
{
	struct taihu_file *tfile = file->driver_priv;
	struct drm_taihu_uq_destroy *args = data;
	struct taihu_uq *uq;

	if (args->pad)
		return -EINVAL;
	uq = xa_erase(&tfile->uqs, args->handle);
	if (!uq)
		return -ENOENT;
	taihu_uq_destroy(file, uq);
	return 0;
}

/* A reference to the user queue @handle of @tfile, or NULL. */
static struct taihu_uq *taihu_uq_lookup(struct taihu_file *tfile, u32 handle)
{
	struct taihu_uq *uq;

	xa_lock(&tfile->uqs);
	uq = xa_load(&tfile->uqs, handle);
	if (uq)
		kref_get(&uq->ref);
	xa_unlock(&tfile->uqs);
	return uq;
}

int taihu_uq_kick_ioctl(struct drm_device *drm, void *data,
			struct drm_file *file)
{
	struct taihu_device *tdev = to_taihu_device(drm);
	struct drm_taihu_uq_kick *args = data;
	struct taihu_uq *uq;
	u32 tail;

	if (args->pad)
		return -EINVAL;
	uq = taihu_uq_lookup(file->driver_priv, args->handle);
	if (!uq)
		return -ENOENT;
	/* For the watchdog only: the card judges the tail itself. */
	tail = readl(tdev->hw.vram + uq->vram +
		     offsetof(struct taihu_uq_ctrl, tail));
	if (READ_ONCE(uq->kicked_tail) == READ_ONCE(uq->last_head))
		WRITE_ONCE(uq->progress, jiffies);
	WRITE_ONCE(uq->kicked_tail, tail);
	taihu_kick(tdev, TAIHU_VECTOR_QUEUE(uq->queue));
	taihu_uq_put(uq);
	return 0;
}

/*
 * Why it stopped: the kernel's reason, else the card's (which the card
 * writes before the head that passes the stopping entry).
 */
static u32 taihu_uq_status(struct taihu_uq *uq)
{
	u32 status = READ_ONCE(uq->status), code;

	if (status)
		return status;
	code = taihu_ctrl_rd32(uq->tdev, TAIHU_UQDESC_REG(uq->slot, status));
	return code ? taihu_uq_status_from_card(code) : 0;
}

static bool taihu_uq_reached(struct taihu_uq *uq, u32 head, u32 *card_head)
{
	*card_head = taihu_uq_card_head(uq);
	return (s32)(*card_head - head) >= 0 || taihu_uq_status(uq) ||
	       taihu_health_dead(uq->tdev);
}

/*
 * Ask the card (interface 1.10) for the interrupt when its head reaches
 * @head, then look at the head: either it is there or the interrupt comes
 * (see &taihu_uq_desc.irq_head). One value per user queue: an earlier head
 * still to come keeps it, and its waiter, woken first, asks for the next
 * on behalf of the rest, which re-arm each time they are woken. So a
 * process asks for no interrupt when it polls the head itself, and a
 * waiter still gets one for an entry pushed without DRM_TAIHU_UQ_ENTRY_IRQ.
 */
static bool taihu_uq_reached_or_armed(struct taihu_uq *uq, u32 head,
				      u32 *card_head)
{
	if (taihu_uq_reached(uq, head, card_head))
		return true;
	if (!taihu_uq_wait_asks_irq(uq->tdev) || !READ_ONCE(uq->enabled))
		return false;
	spin_lock(&uq->irq_lock);
	if ((s32)(uq->irq_head - *card_head) <= 0 ||
	    (s32)(head - uq->irq_head) < 0) {
		uq->irq_head = head;
		taihu_ctrl_wr32(uq->tdev, TAIHU_UQDESC_REG(uq->slot, irq_head),
				head);
	}
	spin_unlock(&uq->irq_lock);
	/* The write before the head's read; the card orders the reverse. */
	mb();
	return taihu_uq_reached(uq, head, card_head);
}

int taihu_uq_wait_ioctl(struct drm_device *drm, void *data,
			struct drm_file *file)
{
	struct drm_taihu_uq_wait *args = data;
	struct taihu_uq *uq;
	u32 card_head;
	long left;
	int ret = 0;

	uq = taihu_uq_lookup(file->driver_priv, args->handle);
	if (!uq)
		return -ENOENT;
	/* Under TCG jiffies can run ahead of the clock: go on to the deadline. */
	while (!taihu_uq_reached(uq, args->head, &card_head)) {
		left = taihu_deadline_to_jiffies(args->timeout_ns);
		if (!left) {
			ret = -ETIME;
			break;
		}
		left = wait_event_interruptible_timeout(uq->tdev->uq.wq,
							taihu_uq_reached_or_armed(uq, args->head,
										  &card_head),
							left);
		if (left < 0) {
			ret = left;
			break;
		}
	}
	args->status = taihu_uq_status(uq);
	args->card_head = card_head;
	taihu_uq_put(uq);
	return ret;
}
