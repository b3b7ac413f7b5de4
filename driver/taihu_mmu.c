// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Device contexts and their page tables. Each open file owns a context with
 * a VA space over [TAIHU_VA_START, TAIHU_VA_END) (a drm_mm), a three-level
 * page table in VRAM (taihu_card_api.h) and a kernel-side shadow of it, so
 * the driver never reads tables back from the card: directory levels keep
 * pointers to their children, every table counts its valid entries. Tables
 * are allocated on demand and freed when they become empty (see below).
 *
 * The card caches translations (and the last table walked) per engine and
 * drops them on TLB_INVALIDATE. Entries only ever go from invalid to valid
 * while a buffer stays mapped, so adding translations needs no
 * invalidation; removing them does, before their tables or pages are
 * reused. It is skipped when no job of the context can have run since the
 * last full invalidation (&taihu_ctx.tlb_dirty), which keeps buffer
 * create/destroy cycles off the mailbox. Until it is done, an unmapped VA
 * range stays reserved (&taihu_ctx.stale_va) and the page tables it emptied
 * stay linked: the card's walk cache may point at them, and a new mapping
 * nearby must go through the same tables, not new ones. Each invalidation
 * first unlinks the empty tables of every range waiting, then frees them
 * if the card answered and links them back if not. A batch of frees
 * (taihu_ctx_batch_begin(), the buffers of ended jobs) shares one
 * invalidation. When one fails, the card may go on translating what was
 * unmapped: the buffers are quarantined (taihu_quarantine.c) until an
 * invalidation of the context succeeds, CTX_DESTROY does, or the card is
 * reset.
 *
 * Locking: &taihu_ctx.lock protects the VA space, the tables and the
 * counters, and is held across the table writes and the TLB invalidation
 * (asserted where tables change; a context being released has no lock)
 * (so it nests outside &taihu_vram.lock, &taihu_mailbox.lock and
 * &taihu_quarantine.lock). It is
 * taken inside &taihu_bo.lock. &taihu_device.ctx_lock protects the list of
 * contexts and nests outside &taihu_ctx.lock. &taihu_ctx.fault_lock is an
 * IRQ-safe spinlock for the fault state, written by completion processing.
 */

#include <linux/io.h>
#include <linux/scatterlist.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include <drm/drm_drv.h>
#include <drm/drm_mm.h>

#include "taihu_drv.h"
#include "taihu_gem.h"
#include "taihu_health.h"
#include "taihu_mbox.h"
#include "taihu_mmu.h"
#include "taihu_netlink.h"
#include "taihu_quarantine.h"

/**
 * struct taihu_pt - shadow of one page-table page
 * @node: its VRAM
 * @valid: entries that are valid
 * @free_link: on the list of tables to free after a TLB invalidation
 * @parent: the directory that points to it; NULL for the root
 * @parent_idx: its entry in @parent
 * @child: next-level tables (directory levels only)
 */
struct taihu_pt {
	struct drm_mm_node node;
	u32 valid;
	struct list_head free_link;
	struct taihu_pt *parent;
	u32 parent_idx;
	struct taihu_pt *child[];
};

/* How long a TLB invalidation waits on a card in trouble (see below). */
#define TAIHU_TLB_SUSPECT_TIMEOUT_MS	20

/* A VA range unmapped while the TLB was stale, kept out of reuse. */
struct taihu_stale_va {
	struct drm_mm_node node;
	struct list_head link;
};

#define TAIHU_PT_LEAF_LEVEL	(TAIHU_MMU_LEVELS - 1)
#define TAIHU_PT_LEAF_SPAN	_BITULL(TAIHU_MMU_PAGE_SHIFT + TAIHU_MMU_LEVEL_BITS)

static u32 taihu_pt_index(u64 va, unsigned int level)
{
	unsigned int shift = TAIHU_MMU_PAGE_SHIFT +
			     TAIHU_MMU_LEVEL_BITS * (TAIHU_PT_LEAF_LEVEL - level);

	return (va >> shift) & (TAIHU_MMU_ENTRIES - 1);
}

/* Callers are inside drm_dev_enter() or have found the device gone. */
static void taihu_pt_write(struct taihu_ctx *ctx, struct taihu_pt *pt, u32 idx,
			   u64 entry)
{
	if (!ctx->hw_gone)
		writeq(entry, ctx->tdev->hw.vram + pt->node.start +
		       idx * sizeof(u64));
}

static struct taihu_pt *taihu_pt_alloc(struct taihu_ctx *ctx, bool dir)
{
	struct taihu_device *tdev = ctx->tdev;
	struct taihu_pt *pt;

	pt = kzalloc(dir ? struct_size(pt, child, TAIHU_MMU_ENTRIES) :
		     sizeof(*pt), GFP_KERNEL);
	if (!pt)
		return NULL;
	if (taihu_vram_alloc(tdev, &pt->node, TAIHU_MMU_PAGE_SIZE)) {
		kfree(pt);
		return NULL;
	}
	/* Freed tables are reused: the card must see only invalid entries. */
	if (!ctx->hw_gone)
		memset_io(tdev->hw.vram + pt->node.start, 0,
			  TAIHU_MMU_PAGE_SIZE);
	ctx->pt_pages++;
	return pt;
}

/* Drop a table's shadow once its VRAM was freed or handed over. */
static void taihu_pt_forget(struct taihu_ctx *ctx, struct taihu_pt *pt)
{
	kfree(pt);
	ctx->pt_pages--;
}

static void taihu_pt_free(struct taihu_ctx *ctx, struct taihu_pt *pt)
{
	taihu_vram_free(ctx->tdev, &pt->node);
	taihu_pt_forget(ctx, pt);
}

/* A table the card may still walk waits in the quarantine. */
static void taihu_pt_quarantine(struct taihu_ctx *ctx, struct taihu_pt *pt)
{
	taihu_quarantine_vram(ctx->tdev, ctx->id, &pt->node);
	taihu_pt_forget(ctx, pt);
}

/* Point @pt's parent entry at it again. */
static void taihu_pt_link(struct taihu_ctx *ctx, struct taihu_pt *pt)
{
	taihu_pt_write(ctx, pt->parent, pt->parent_idx,
		       pt->node.start | TAIHU_PTE_VALID);
	pt->parent->child[pt->parent_idx] = pt;
	pt->parent->valid++;
}

/* Find or create the leaf table covering @va. */
static struct taihu_pt *taihu_pt_leaf(struct taihu_ctx *ctx, u64 va)
{
	struct taihu_pt *dir = ctx->root, *next;
	unsigned int level;
	u32 idx;

	lockdep_assert_held(&ctx->lock);

	for (level = 0; level < TAIHU_PT_LEAF_LEVEL; level++) {
		idx = taihu_pt_index(va, level);
		next = dir->child[idx];
		if (!next) {
			next = taihu_pt_alloc(ctx, level + 1 < TAIHU_PT_LEAF_LEVEL);
			if (!next)
				return NULL;
			/* The zeroed table before the entry that points to it. */
			wmb();
			next->parent = dir;
			next->parent_idx = idx;
			taihu_pt_link(ctx, next);
		}
		dir = next;
	}
	return dir;
}

/*
 * Unlink the empty tables on the walk to @va, bottom-up, and queue them on
 * @freed; they may be freed only after the TLB has been invalidated.
 */
static void taihu_pt_prune(struct taihu_ctx *ctx, u64 va,
			   struct list_head *freed)
{
	struct taihu_pt *path[TAIHU_MMU_LEVELS];
	unsigned int level;
	u32 idx;

	lockdep_assert_held(&ctx->lock);

	path[0] = ctx->root;
	for (level = 1; level < TAIHU_MMU_LEVELS; level++) {
		path[level] = path[level - 1]->child[taihu_pt_index(va, level - 1)];
		if (!path[level])
			break;
	}
	while (--level > 0) {
		if (path[level]->valid)
			break;
		idx = taihu_pt_index(va, level - 1);
		taihu_pt_write(ctx, path[level - 1], idx, 0);
		path[level - 1]->child[idx] = NULL;
		path[level - 1]->valid--;
		list_add_tail(&path[level]->free_link, freed);
	}
}

/* Unlink the empty tables covering [va, va + size). */
static void taihu_pt_prune_range(struct taihu_ctx *ctx, u64 va, u64 size,
				 struct list_head *freed)
{
	u64 end = va + size;

	for (; va < end; va = round_down(va, TAIHU_PT_LEAF_SPAN) + TAIHU_PT_LEAF_SPAN)
		taihu_pt_prune(ctx, va, freed);
}

/*
 * The card was not made to forget: link the tables unlinked meanwhile
 * back, parents first (prune queued children before their parents).
 */
static void taihu_pt_relink(struct taihu_ctx *ctx, struct list_head *freed)
{
	struct taihu_pt *pt, *tmp;

	list_for_each_entry_safe_reverse(pt, tmp, freed, free_link) {
		list_del(&pt->free_link);
		taihu_pt_link(ctx, pt);
	}
}

/* Invalidate [va, va + size), which must all be valid; prune if @freed. */
static void taihu_pt_clear(struct taihu_ctx *ctx, u64 va, u64 size,
			   struct list_head *freed)
{
	u64 end = va + size, stop;
	struct taihu_pt *l1, *leaf;

	lockdep_assert_held(&ctx->lock);

	while (va < end) {
		stop = min(end, round_down(va, TAIHU_PT_LEAF_SPAN) +
				TAIHU_PT_LEAF_SPAN);
		l1 = ctx->root->child[taihu_pt_index(va, 0)];
		leaf = l1 ? l1->child[taihu_pt_index(va, 1)] : NULL;
		if (leaf) {
			for (; va < stop; va += TAIHU_MMU_PAGE_SIZE) {
				taihu_pt_write(ctx, leaf,
					       taihu_pt_index(va, TAIHU_PT_LEAF_LEVEL),
					       0);
				leaf->valid--;
			}
		}
		if (freed)
			taihu_pt_prune(ctx, stop - 1, freed);
		va = stop;
	}
}

/* An invalidation succeeded: the held VA ranges may be reused. */
static void taihu_ctx_stale_va_free(struct taihu_ctx *ctx)
{
	struct taihu_stale_va *sv, *tmp;

	list_for_each_entry_safe(sv, tmp, &ctx->stale_va, link) {
		drm_mm_remove_node(&sv->node);
		list_del(&sv->link);
		kfree(sv);
	}
}

/* May the card hold translations of the context? */
static bool taihu_ctx_tlb_needed(struct taihu_ctx *ctx)
{
	return ctx->tlb_dirty || ctx->tlb_sticky || atomic_read(&ctx->uqs);
}

/*
 * After the TLB invalidation: a user-queue entry may still be in a walk
 * through them, so they may be held until it ends (taihu_uq_hold_vram()).
 */
static void taihu_ctx_free_tables(struct taihu_ctx *ctx,
				  struct list_head *freed)
{
	struct taihu_pt *pt, *tmp;

	list_for_each_entry_safe(pt, tmp, freed, free_link) {
		if (taihu_uq_hold_vram(ctx, &pt->node))
			taihu_pt_forget(ctx, pt);
		else
			taihu_pt_free(ctx, pt);
	}
}

/*
 * The card cannot reach what was unmapped: free it all. Once the device is
 * gone, its removal released (or releases) the quarantine instead.
 */
static void taihu_ctx_tlb_clean(struct taihu_ctx *ctx, struct list_head *freed)
{
	taihu_ctx_free_tables(ctx, freed);
	taihu_ctx_stale_va_free(ctx);
	if (!ctx->hw_gone && (ctx->tlb_stale || ctx->batch_held))
		taihu_quarantine_release_ctx(ctx->tdev, ctx->id);
	ctx->tlb_stale = false;
	ctx->batch_held = false;
}

/*
 * Drop the card's cached translations of the context, if it may have any,
 * and free what the unmaps since the last time left: the tables on @freed
 * and the empty ones of the ranges waiting. If the card does not answer,
 * it may go on using them: the context's TLB is stale, the tables are
 * linked back, and the buffers are quarantined until an invalidation
 * succeeds (which releases them) or the card is reset.
 */
static void taihu_ctx_tlb_flush(struct taihu_ctx *ctx, struct list_head *freed)
{
	struct taihu_mbox_tlb req = { .context = ctx->id };
	struct taihu_device *tdev = ctx->tdev;
	struct taihu_stale_va *sv;
	unsigned int timeout;
	bool entered;
	int idx, ret;

	lockdep_assert_held(&ctx->lock);

	if (!taihu_ctx_tlb_needed(ctx)) {
		taihu_ctx_free_tables(ctx, freed);
		return;
	}
	/*
	 * Unplugged: the card is reset on the way out and forgets the
	 * context; the removal releases what was quarantined before.
	 */
	entered = drm_dev_enter(&tdev->drm, &idx);
	if (!entered)
		ctx->hw_gone = true;
	list_for_each_entry(sv, &ctx->stale_va, link)
		taihu_pt_prune_range(ctx, sv->node.start, sv->node.size, freed);
	if (ctx->hw_gone) {
		taihu_ctx_tlb_clean(ctx, freed);
		if (entered)
			drm_dev_exit(idx);
		return;
	}
	/* The unlinked tables before the card re-walks them. */
	wmb();
	/*
	 * A card in trouble (its heartbeat late, a reset under way) or a
	 * context whose last invalidation failed gets a short wait: an
	 * unanswered request only holds the memory, while the full timeout
	 * would make every free wait behind it until the reset (and VRAM run
	 * out meanwhile). Never skipped: the card's walk cache may point at a
	 * table unlinked since, which a new mapping would not use.
	 */
	timeout = ctx->tlb_stale || taihu_health_suspect(tdev) ?
		  TAIHU_TLB_SUSPECT_TIMEOUT_MS : TAIHU_MBOX_TIMEOUT_MS;
	atomic64_inc(&tdev->tlb.sent);
	ret = taihu_mbox_simple(tdev, TAIHU_MBOX_OP_TLB_INVALIDATE, &req,
				sizeof(req), timeout);
	drm_dev_exit(idx);
	if (ret) {
		atomic64_inc(&tdev->tlb.failed);
		dev_err_ratelimited(tdev->drm.dev,
				    "context %u: TLB invalidation failed: %d, unmapped memory quarantined\n",
				    ctx->id, ret);
		taihu_pt_relink(ctx, freed);
		/* Their tables are linked again: the card may still walk them. */
		wmb();
		ctx->tlb_stale = true;
		if (ctx->batch_held)
			taihu_quarantine_keep_ctx(tdev, ctx->id);
		ctx->batch_held = false;
		return;
	}
	taihu_ctx_tlb_clean(ctx, freed);
	/* With no job alive, nothing can refill the TLB. */
	if (!atomic_read(&ctx->jobs) && !atomic_read(&ctx->uqs) &&
	    !ctx->tlb_sticky)
		ctx->tlb_dirty = false;
}

/*
 * Free the whole table tree of a released context, or quarantine it if
 * the card may still walk it (@hold).
 */
static void taihu_pt_free_tree(struct taihu_ctx *ctx, struct taihu_pt *pt,
			       unsigned int level, bool hold)
{
	u32 i;

	if (level < TAIHU_PT_LEAF_LEVEL)
		for (i = 0; i < TAIHU_MMU_ENTRIES; i++)
			if (pt->child[i])
				taihu_pt_free_tree(ctx, pt->child[i], level + 1,
						   hold);
	if (hold)
		taihu_pt_quarantine(ctx, pt);
	else
		taihu_pt_free(ctx, pt);
}

struct taihu_ctx *taihu_ctx_create(struct taihu_device *tdev, u32 id)
{
	struct taihu_mbox_ctx req = { .context = id };
	struct taihu_ctx *ctx;
	int idx, ret;

	/* BAR2 is unmapped once the device is gone. */
	if (!drm_dev_enter(&tdev->drm, &idx)) {
		ret = -ENODEV;
		goto err_id;
	}

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx) {
		ret = -ENOMEM;
		goto err_exit;
	}
	kref_init(&ctx->ref);
	ctx->tdev = tdev;
	ctx->id = id;
	mutex_init(&ctx->lock);
	spin_lock_init(&ctx->fault_lock);
	atomic_set(&ctx->jobs, 0);
	atomic_set(&ctx->uqs, 0);
	drm_mm_init(&ctx->va, TAIHU_VA_START, TAIHU_VA_END - TAIHU_VA_START);
	INIT_LIST_HEAD(&ctx->stale_va);

	ctx->root = taihu_pt_alloc(ctx, true);
	if (!ctx->root) {
		ret = -ENOMEM;
		goto err_free;
	}
	/* The zeroed root before the card is told about it. */
	wmb();

	req.pt_root = ctx->root->node.start;
	ret = taihu_mbox_simple(tdev, TAIHU_MBOX_OP_CTX_CREATE, &req,
				sizeof(req), TAIHU_MBOX_TIMEOUT_MS);
	if (ret) {
		dev_err_ratelimited(tdev->drm.dev,
				    "context %u: CTX_CREATE failed: %d\n",
				    id, ret);
		goto err_root;
	}

	mutex_lock(&tdev->ctx_lock);
	list_add_tail(&ctx->link, &tdev->ctx_list);
	mutex_unlock(&tdev->ctx_lock);
	drm_dev_exit(idx);
	return ctx;

err_root:
	taihu_pt_free(ctx, ctx->root);
err_free:
	taihu_ctx_stale_va_free(ctx);
	drm_mm_takedown(&ctx->va);
	mutex_destroy(&ctx->lock);
	kfree(ctx);
err_exit:
	drm_dev_exit(idx);
err_id:
	ida_free(&tdev->ctx_ida, id);
	return ERR_PTR(ret);
}

static void taihu_ctx_release(struct kref *ref)
{
	struct taihu_ctx *ctx = container_of(ref, struct taihu_ctx, ref);
	struct taihu_mbox_ctx req = { .context = ctx->id };
	struct taihu_device *tdev = ctx->tdev;
	bool hold = false;
	int idx, ret;

	mutex_lock(&tdev->ctx_lock);
	list_del(&ctx->link);
	mutex_unlock(&tdev->ctx_lock);

	/* Every job and mapping is gone: the card may forget the context. */
	if (drm_dev_enter(&tdev->drm, &idx)) {
		ret = taihu_mbox_simple(tdev, TAIHU_MBOX_OP_CTX_DESTROY, &req,
					sizeof(req), TAIHU_MBOX_TIMEOUT_MS);
		if (ret)
			dev_err_ratelimited(tdev->drm.dev,
					    "context %u: CTX_DESTROY failed: %d, its id and page tables quarantined\n",
					    ctx->id, ret);
		/*
		 * A card that still knows the context may walk its tables:
		 * they and its id wait for the card reset. One that forgot
		 * it forgot its translations too.
		 */
		hold = ret;
		if (!ret && ctx->tlb_stale)
			taihu_quarantine_release_ctx(tdev, ctx->id);
		drm_dev_exit(idx);
	}

	taihu_pt_free_tree(ctx, ctx->root, 0, hold);
	taihu_ctx_stale_va_free(ctx);
	drm_mm_takedown(&ctx->va);
	mutex_destroy(&ctx->lock);
	/* Events about this context no longer name its process. */
	taihu_nl_ctx_closed(tdev, ctx->id);
	if (hold)
		taihu_quarantine_ctx_id(tdev, ctx->id);
	else
		ida_free(&tdev->ctx_ida, ctx->id);
	kfree(ctx);
}

void taihu_ctx_put(struct taihu_ctx *ctx)
{
	if (ctx)
		kref_put(&ctx->ref, taihu_ctx_release);
}

int taihu_ctx_va_alloc(struct taihu_ctx *ctx, struct drm_mm_node *node,
		       u64 size)
{
	int ret;

	if (size > TAIHU_VA_END - TAIHU_VA_START - TAIHU_VA_GUARD)
		return -ENOMEM;

	mutex_lock(&ctx->lock);
	ret = drm_mm_insert_node_in_range(&ctx->va, node, size + TAIHU_VA_GUARD,
					  TAIHU_MMU_PAGE_SIZE, 0,
					  TAIHU_VA_START, TAIHU_VA_END,
					  DRM_MM_INSERT_BEST);
	if (!ret)
		ctx->mappings++;
	mutex_unlock(&ctx->lock);

	return ret ? -ENOMEM : 0;
}

/* Undo a partial mapping of @done bytes that failed at @va_fail. */
static void taihu_ctx_map_undo(struct taihu_ctx *ctx, u64 start, u64 done,
			       u64 va_fail)
{
	LIST_HEAD(freed);

	lockdep_assert_held(&ctx->lock);

	taihu_pt_clear(ctx, start, done, &freed);
	taihu_pt_prune(ctx, va_fail, &freed);
	/* A racing job of the context may have used the new entries. */
	wmb();
	taihu_ctx_tlb_flush(ctx, &freed);
}

/* Where a mapping of @node has got to; @leaf covers the last page written. */
struct taihu_map_cursor {
	struct drm_mm_node *node;
	struct taihu_pt *leaf;
	u64 off;
};

/* Map the next page of @cur to @pte; on failure undo the whole mapping. */
static int taihu_ctx_map_next(struct taihu_ctx *ctx,
			      struct taihu_map_cursor *cur, u64 pte)
{
	u64 va = cur->node->start + cur->off;

	lockdep_assert_held(&ctx->lock);

	if (!cur->leaf || IS_ALIGNED(va, TAIHU_PT_LEAF_SPAN)) {
		cur->leaf = taihu_pt_leaf(ctx, va);
		if (!cur->leaf) {
			taihu_ctx_map_undo(ctx, cur->node->start, cur->off, va);
			return -ENOMEM;
		}
	}
	taihu_pt_write(ctx, cur->leaf, taihu_pt_index(va, TAIHU_PT_LEAF_LEVEL),
		       pte | TAIHU_PTE_VALID | TAIHU_PTE_WRITE);
	cur->leaf->valid++;
	cur->off += TAIHU_MMU_PAGE_SIZE;
	return 0;
}

int taihu_ctx_map_vram(struct taihu_ctx *ctx, struct drm_mm_node *node,
		       u64 vram_addr, u64 size)
{
	struct taihu_map_cursor cur = { .node = node };
	int idx, ret = 0;

	if (WARN_ON(size > node->size))
		return -EINVAL;
	if (!drm_dev_enter(&ctx->tdev->drm, &idx))
		return -ENODEV;

	mutex_lock(&ctx->lock);
	while (!ret && cur.off < size)
		ret = taihu_ctx_map_next(ctx, &cur, vram_addr + cur.off);
	/* The entries must reach VRAM before a job can use them. */
	wmb();
	mutex_unlock(&ctx->lock);
	drm_dev_exit(idx);
	return ret;
}

int taihu_ctx_map_sgt(struct taihu_ctx *ctx, struct drm_mm_node *node,
		      struct sg_table *sgt, u64 size, u64 *mapped)
{
	struct taihu_map_cursor cur = { .node = node };
	struct sg_dma_page_iter iter;
	dma_addr_t addr;
	int idx, ret = 0;

	BUILD_BUG_ON(PAGE_SIZE != TAIHU_MMU_PAGE_SIZE);
	if (WARN_ON(size > node->size))
		return -EINVAL;
	if (!drm_dev_enter(&ctx->tdev->drm, &idx))
		return -ENODEV;

	mutex_lock(&ctx->lock);
	for_each_sgtable_dma_page(sgt, &iter, 0) {
		if (cur.off >= size)
			break;
		addr = sg_page_iter_dma_address(&iter);
		ret = taihu_ctx_map_next(ctx, &cur, (addr & TAIHU_PTE_ADDR_MASK) |
					 TAIHU_PTE_HOST);
		if (ret)
			break;
	}
	/* The entries must reach VRAM before a job can use them. */
	wmb();
	if (!ret)
		*mapped = cur.off;
	mutex_unlock(&ctx->lock);
	drm_dev_exit(idx);
	return ret;
}

/* Keep [start, start + size) out of reuse until the TLB is clean. */
static void taihu_ctx_va_hold(struct taihu_ctx *ctx, u64 start, u64 size)
{
	struct taihu_stale_va *sv;

	/* Under the lock: nobody took the range meanwhile. */
	sv = kzalloc(sizeof(*sv), GFP_KERNEL | __GFP_NOFAIL);
	sv->node.start = start;
	sv->node.size = size;
	if (drm_mm_reserve_node(&ctx->va, &sv->node))
		kfree(sv);
	else
		list_add_tail(&sv->link, &ctx->stale_va);
}

void taihu_ctx_va_free(struct taihu_ctx *ctx, struct drm_mm_node *node,
		       u64 mapped, struct drm_gem_object *obj)
{
	u64 start = node->start, size = node->size;
	struct taihu_device *tdev = ctx->tdev;
	bool entered, need, defer;
	LIST_HEAD(freed);
	int idx;

	/* Gone: keep the shadow consistent, leave BAR2 alone. */
	entered = drm_dev_enter(&tdev->drm, &idx);
	mutex_lock(&ctx->lock);
	if (!entered)
		ctx->hw_gone = true;
	need = mapped && taihu_ctx_tlb_needed(ctx);
	/*
	 * User-queue entries run at any time: theirs cannot wait. Gone: the
	 * removal does not see what is held afterwards.
	 */
	defer = need && entered && ctx->batch && !atomic_read(&ctx->uqs);
	if (mapped) {
		taihu_pt_clear(ctx, start, mapped, need ? NULL : &freed);
		/* The cleared entries before the card re-walks them. */
		wmb();
	}
	drm_mm_remove_node(node);
	/*
	 * The card may still translate the range to the old pages (also
	 * after a partial mapping undone, while the TLB is stale): a new
	 * mapping there would read and write them.
	 */
	if (need || ctx->tlb_stale)
		taihu_ctx_va_hold(ctx, start, size);
	if (defer) {
		atomic64_inc(&tdev->tlb.deferred);
		if (obj)
			taihu_quarantine_object(tdev, ctx->id, obj, true);
		ctx->batch_held |= !!obj;
	} else if (mapped) {
		taihu_ctx_tlb_flush(ctx, &freed);
		if (obj && ctx->tlb_stale)
			taihu_quarantine_object(tdev, ctx->id, obj, false);
		else if (obj)
			taihu_uq_hold_object(ctx, obj);
	}
	ctx->mappings--;
	mutex_unlock(&ctx->lock);
	if (entered)
		drm_dev_exit(idx);
}

void taihu_ctx_batch_begin(struct taihu_ctx *ctx)
{
	mutex_lock(&ctx->lock);
	ctx->batch++;
	mutex_unlock(&ctx->lock);
}

void taihu_ctx_batch_end(struct taihu_ctx *ctx)
{
	LIST_HEAD(freed);

	mutex_lock(&ctx->lock);
	if (!--ctx->batch && (!list_empty(&ctx->stale_va) || ctx->batch_held))
		taihu_ctx_tlb_flush(ctx, &freed);
	mutex_unlock(&ctx->lock);
}

int taihu_ctx_job_begin(struct taihu_ctx *ctx)
{
	if (taihu_ctx_faulted(ctx))
		return -EIO;
	if (taihu_ctx_banned(ctx))
		return -ECANCELED;

	mutex_lock(&ctx->lock);
	atomic_inc(&ctx->jobs);
	ctx->tlb_dirty = true;
	mutex_unlock(&ctx->lock);
	return 0;
}

void taihu_ctx_job_end(struct taihu_ctx *ctx, bool abandoned)
{
	if (abandoned)
		WRITE_ONCE(ctx->tlb_sticky, true);
	atomic_dec(&ctx->jobs);
}

void taihu_ctx_uq_count(struct taihu_ctx *ctx, bool add)
{
	mutex_lock(&ctx->lock);
	if (add)
		atomic_inc(&ctx->uqs);
	else
		atomic_dec(&ctx->uqs);
	ctx->tlb_dirty = true;
	mutex_unlock(&ctx->lock);
}

void taihu_ctx_mark_faulted(struct taihu_ctx *ctx, u64 addr, u32 access)
{
	unsigned long flags;

	spin_lock_irqsave(&ctx->fault_lock, flags);
	if (!ctx->faulted) {
		ctx->fault_addr = addr;
		ctx->fault_access = access;
		ctx->faulted = true;
	}
	spin_unlock_irqrestore(&ctx->fault_lock, flags);
}

bool taihu_ctx_ban(struct taihu_ctx *ctx)
{
	unsigned long flags;
	bool was;

	spin_lock_irqsave(&ctx->fault_lock, flags);
	was = ctx->banned;
	ctx->banned = true;
	spin_unlock_irqrestore(&ctx->fault_lock, flags);
	return !was;
}

bool taihu_ctx_banned(struct taihu_ctx *ctx)
{
	unsigned long flags;
	bool banned;

	spin_lock_irqsave(&ctx->fault_lock, flags);
	banned = ctx->banned;
	spin_unlock_irqrestore(&ctx->fault_lock, flags);
	return banned;
}

bool taihu_ctx_faulted(struct taihu_ctx *ctx)
{
	unsigned long flags;
	bool faulted;

	spin_lock_irqsave(&ctx->fault_lock, flags);
	faulted = ctx->faulted;
	spin_unlock_irqrestore(&ctx->fault_lock, flags);
	return faulted;
}

int taihu_ctx_restore_all(struct taihu_device *tdev)
{
	struct taihu_mbox_ctx req = {};
	struct taihu_ctx *ctx;
	int ret = 0;

	mutex_lock(&tdev->ctx_lock);
	list_for_each_entry(ctx, &tdev->ctx_list, link) {
		req.context = ctx->id;
		req.pt_root = ctx->root->node.start;
		ret = taihu_mbox_simple(tdev, TAIHU_MBOX_OP_CTX_CREATE, &req,
					sizeof(req), TAIHU_MBOX_TIMEOUT_MS);
		/* -EBUSY: created again by its own taihu_ctx_create() meanwhile. */
		if (ret == -EBUSY)
			ret = 0;
		if (ret) {
			dev_err(tdev->drm.dev, "context %u: CTX_CREATE after reset failed: %d\n",
				ctx->id, ret);
			break;
		}
	}
	mutex_unlock(&tdev->ctx_lock);
	/* The reset card has forgotten every translation. */
	if (!ret)
		taihu_quarantine_release_all(tdev);
	return ret;
}

void taihu_tlb_debugfs_show(struct taihu_device *tdev, struct seq_file *m)
{
	seq_printf(m, "sent %lld failed %lld deferred %lld\n",
		   atomic64_read(&tdev->tlb.sent), atomic64_read(&tdev->tlb.failed),
		   atomic64_read(&tdev->tlb.deferred));
}

void taihu_mmu_debugfs_show(struct taihu_device *tdev, struct seq_file *m)
{
	struct taihu_ctx *ctx;
	unsigned long flags;
	bool faulted;
	u64 addr;

	seq_puts(m, "context mappings pt_pages vram_bytes host_bytes jobs faulted\n");
	mutex_lock(&tdev->ctx_lock);
	list_for_each_entry(ctx, &tdev->ctx_list, link) {
		spin_lock_irqsave(&ctx->fault_lock, flags);
		faulted = ctx->faulted;
		addr = ctx->fault_addr;
		spin_unlock_irqrestore(&ctx->fault_lock, flags);

		mutex_lock(&ctx->lock);
		seq_printf(m, "%u %u %u %llu %llu %d ", ctx->id, ctx->mappings,
			   ctx->pt_pages, ctx->vram_bytes, ctx->host_bytes,
			   atomic_read(&ctx->jobs));
		mutex_unlock(&ctx->lock);
		if (faulted)
			seq_printf(m, "%#llx\n", addr);
		else
			seq_puts(m, "-\n");
	}
	mutex_unlock(&tdev->ctx_lock);
}
