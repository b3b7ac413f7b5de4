/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Device contexts: one per open file, each with its own device virtual
 * address space, page tables in VRAM and MMU fault state.
 */
#ifndef __TAIHU_MMU_H__
#define __TAIHU_MMU_H__

#include <linux/atomic.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/scatterlist.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include <drm/drm_mm.h>

#include "taihu_card_api.h"

struct drm_gem_object;
struct seq_file;
struct taihu_device;
struct taihu_pt;

/*
 * The VA range handed out to buffers. Address 0 and the first 4 GiB stay
 * unmapped so that a NULL or truncated 32-bit address faults.
 */
#define TAIHU_VA_START			SZ_4G
#define TAIHU_VA_END			_BITULL(TAIHU_MMU_VA_BITS)

/* Unmapped VA left after each buffer, so that overruns fault. */
#define TAIHU_VA_GUARD			TAIHU_MMU_PAGE_SIZE

/**
 * struct taihu_tlb_stats - TLB invalidations of a device
 * @sent: TLB_INVALIDATE requests sent
 * @failed: of those, not answered or answered with an error
 * @deferred: unmaps whose invalidation waited for the end of a batch of
 *	frees and was shared with the rest of the batch
 */
struct taihu_tlb_stats {
	atomic64_t sent;
	atomic64_t failed;
	atomic64_t deferred;
};

/**
 * struct taihu_ctx - a device context
 * @ref: references: the file, each buffer mapping and each job
 * @tdev: the device
 * @id: context id on the card, 1..TAIHU_MAX_CONTEXTS-1
 * @link: entry in &taihu_device.ctx_list
 * @lock: protects everything below up to @fault_lock
 * @va: allocator of the VA space
 * @root: the level-0 page table
 * @pt_pages: page-table pages allocated, the root included
 * @mappings: buffer mappings in this context
 * @vram_bytes: VRAM of the buffers the file has handles to
 * @host_bytes: system memory of the buffers the file has handles to
 * @tlb_dirty: a job may have filled the card's TLB since the last full
 *	invalidation, so removing a translation needs TLB_INVALIDATE
 * @tlb_sticky: a job was abandoned while the card may still run it; never
 *	trust the TLB to be clean again
 * @jobs: jobs of this context not yet freed
 * @uqs: user queues of this context on the card (taihu_uqueue.c): while
 *	there are any, every unmap invalidates the TLB
 * @hw_gone: the device was unplugged and BAR2 may be unmapped: only the
 *	shadow tables are updated
 * @tlb_stale: a TLB invalidation failed, so the card may still translate
 *	what was unmapped since: what unmaps free is quarantined
 *	(taihu_quarantine.c) until an invalidation succeeds
 * @stale_va: VA ranges unmapped since the last successful invalidation
 *	(while @tlb_stale, or in a batch), kept out of reuse, and their empty
 *	page tables linked, until an invalidation succeeds
 * @batch: taihu_ctx_batch_begin() calls not yet ended: unmaps meanwhile
 *	put their TLB invalidation off to the last taihu_ctx_batch_end()
 * @batch_held: buffers wait in the quarantine for the batch's invalidation
 * @fault_lock: protects the fault state; taken in hard IRQ context
 * @faulted: the context took an MMU fault
 * @fault_addr: VA of the first fault
 * @fault_access: &enum taihu_access of the first fault
 * @banned: a job of the context hung (taihu_recovery.c): it runs no more
 *	jobs
 */
struct taihu_ctx {
	struct kref ref;
	struct taihu_device *tdev;
	u32 id;
	struct list_head link;

	struct mutex lock; /* VA space, page tables, counters */
	struct drm_mm va;
	struct taihu_pt *root;
	u32 pt_pages;
	u32 mappings;
	u64 vram_bytes;
	u64 host_bytes;
	bool tlb_dirty;
	bool tlb_sticky;
	atomic_t jobs;
	atomic_t uqs;
	bool hw_gone;
	bool tlb_stale;
	struct list_head stale_va;
	u32 batch;
	bool batch_held;

	spinlock_t fault_lock; /* fault state; IRQ-safe */
	bool faulted;
	u64 fault_addr;
	u32 fault_access;
	bool banned;
};

/**
 * taihu_ctx_restore_all() - tell a reset card about every live context
 * @tdev: the device, its firmware booted again after a card reset
 *
 * The page tables are in VRAM and survived the reset; the card only
 * forgot the contexts. Sleeps; takes &taihu_device.ctx_lock.
 *
 * Return: 0 or the first CTX_CREATE error.
 */
int taihu_ctx_restore_all(struct taihu_device *tdev);

/**
 * taihu_ctx_create() - create a device context on the card
 * @tdev: the device
 * @id: a free context id, 1..TAIHU_MAX_CONTEXTS-1; owned by the context
 *	from now on, also on failure
 *
 * Return: the context with one reference, or an ERR_PTR.
 */
struct taihu_ctx *taihu_ctx_create(struct taihu_device *tdev, u32 id);

/**
 * taihu_ctx_get() - take a reference to a context
 * @ctx: the context
 *
 * Return: @ctx.
 */
static inline struct taihu_ctx *taihu_ctx_get(struct taihu_ctx *ctx)
{
	kref_get(&ctx->ref);
	return ctx;
}

/**
 * taihu_ctx_put() - drop a reference; the last one destroys the context
 * @ctx: the context, or NULL
 *
 * Destruction sends CTX_DESTROY and frees the page tables and the id; it
 * sleeps, so this must be called from process context.
 */
void taihu_ctx_put(struct taihu_ctx *ctx);

/**
 * taihu_ctx_va_alloc() - reserve VA for a buffer
 * @ctx: the context
 * @node: zeroed node to fill
 * @size: buffer size in bytes, page aligned; a guard page is added
 *
 * Return: 0, or -ENOMEM when the VA space is exhausted.
 */
int taihu_ctx_va_alloc(struct taihu_ctx *ctx, struct drm_mm_node *node,
		       u64 size);

/**
 * taihu_ctx_map_vram() - map VRAM at the start of a VA node
 * @ctx: the context
 * @node: VA from taihu_ctx_va_alloc()
 * @vram_addr: VRAM offset, page aligned
 * @size: bytes, page aligned, at most the node's size
 *
 * Return: 0, -ENODEV once the device is gone, or -ENOMEM when no VRAM is
 * left for page tables (nothing is left mapped then).
 */
int taihu_ctx_map_vram(struct taihu_ctx *ctx, struct drm_mm_node *node,
		       u64 vram_addr, u64 size);

/**
 * taihu_ctx_map_sgt() - map host pages at the start of a VA node
 * @ctx: the context
 * @node: VA from taihu_ctx_va_alloc()
 * @sgt: DMA-mapped pages
 * @size: bytes to map, page aligned; pages the table lacks stay unmapped
 * @mapped: out: bytes mapped, from the start of the node
 *
 * Return: 0, -ENODEV once the device is gone, or -ENOMEM when no VRAM is
 * left for page tables (nothing is left mapped then).
 */
int taihu_ctx_map_sgt(struct taihu_ctx *ctx, struct drm_mm_node *node,
		      struct sg_table *sgt, u64 size, u64 *mapped);

/**
 * taihu_ctx_va_free() - unmap a VA node and give it back
 * @ctx: the context
 * @node: VA from taihu_ctx_va_alloc(), mapped or not
 * @mapped: bytes mapped at its start (0 if none)
 * @obj: the buffer that was mapped there, or NULL
 *
 * Invalidates the card's TLB when a job may have cached the translations,
 * at once or, inside a batch, at taihu_ctx_batch_end(). Until then, or
 * when the invalidation failed, @obj (referenced) and the VA range are
 * held (taihu_quarantine.c); a user queue's entry may also hold @obj.
 */
void taihu_ctx_va_free(struct taihu_ctx *ctx, struct drm_mm_node *node,
		       u64 mapped, struct drm_gem_object *obj);

/**
 * taihu_ctx_batch_begin() - put the TLB invalidations of unmaps off
 * @ctx: the context
 *
 * For freeing many buffers at once (the buffers of many ended jobs): the
 * card is asked once, at the matching taihu_ctx_batch_end(), instead of
 * once per buffer. Not while the context has user queues, whose entries
 * need each unmap invalidated at once. Nests; sleeps.
 */
void taihu_ctx_batch_begin(struct taihu_ctx *ctx);

/**
 * taihu_ctx_batch_end() - end a batch: one invalidation for its unmaps
 * @ctx: the context
 *
 * Sleeps; takes &taihu_ctx.lock and sends a mailbox request.
 */
void taihu_ctx_batch_end(struct taihu_ctx *ctx);

/**
 * taihu_ctx_job_begin() - account a job of the context before it is queued
 * @ctx: the context
 *
 * Return: 0, -EIO if the context has faulted, -ECANCELED if it is banned.
 */
int taihu_ctx_job_begin(struct taihu_ctx *ctx);

/**
 * taihu_ctx_job_end() - account the end of a job
 * @ctx: the context
 * @abandoned: the job was given up while the card may still run it
 */
void taihu_ctx_job_end(struct taihu_ctx *ctx, bool abandoned);

/**
 * taihu_ctx_uq_count() - a user queue of the context starts or ends
 * @ctx: the context
 * @add: true when one is enabled on the card, false once it no longer is
 *
 * Jobs of user queues are not counted in @jobs: while one exists, and
 * once more after the last ends, the TLB is taken as dirty.
 */
void taihu_ctx_uq_count(struct taihu_ctx *ctx, bool add);

/**
 * taihu_ctx_mark_faulted() - record an MMU fault of the context
 * @ctx: the context
 * @addr: faulting VA
 * @access: &enum taihu_access
 *
 * Callable in hard IRQ context. The first fault's details are kept.
 */
void taihu_ctx_mark_faulted(struct taihu_ctx *ctx, u64 addr, u32 access);

/**
 * taihu_ctx_ban() - a job of the context hung: it runs no more jobs
 * @ctx: the context
 *
 * Later SUBMITs of its file fail with -ECANCELED, its jobs not yet on a
 * ring end as cancelled. Any context.
 *
 * Return: true if the context was not banned before.
 */
bool taihu_ctx_ban(struct taihu_ctx *ctx);

/**
 * taihu_ctx_banned() - is the context banned?
 * @ctx: the context
 *
 * Return: true once taihu_ctx_ban() ran.
 */
bool taihu_ctx_banned(struct taihu_ctx *ctx);

/**
 * taihu_ctx_faulted() - has the context faulted?
 * @ctx: the context
 *
 * Return: true once an MMU fault was recorded.
 */
bool taihu_ctx_faulted(struct taihu_ctx *ctx);

/**
 * taihu_tlb_debugfs_show() - "sent N failed N deferred N"
 * @tdev: the device
 * @m: the seq_file
 */
void taihu_tlb_debugfs_show(struct taihu_device *tdev, struct seq_file *m);

/**
 * taihu_mmu_debugfs_show() - print every context's mappings and tables
 * @tdev: the device
 * @m: the seq_file
 */
void taihu_mmu_debugfs_show(struct taihu_device *tdev, struct seq_file *m);

#endif /* __TAIHU_MMU_H__ */
