// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Quarantine. Removing a translation is safe only once the card has
 * dropped what it cached of it (TLB_INVALIDATE, taihu_mmu.c). When that
 * invalidation fails -- the firmware hangs and the mailbox times out, or
 * the card answers with an error -- the card may still hold translations
 * of the context, and the last page table it walked, while its engines go
 * on running the context's jobs. Freeing the unmapped buffers and page
 * tables then would let those jobs read and write memory that another
 * context (or the kernel) gets next. They are held here instead, with the
 * id of the context whose TLB may reach them, until a later invalidation of
 * that context succeeds or the card is reset (it forgets every
 * translation). Buffers a batch of frees unmapped wait here too, not
 * counted as held, until the batch's one invalidation. A context whose
 * CTX_DESTROY failed keeps its id (and its page tables) until the reset,
 * so that no other process gets the id while the card may remember it.
 *
 * Locking: &taihu_quarantine.lock is a spinlock, taken inside the MMU's
 * context lock; the references and VRAM are dropped from a work item, so
 * that no caller frees a buffer under its own locks.
 */

#include <linux/seq_file.h>
#include <linux/slab.h>

#include <drm/drm_gem.h>
#include <drm/drm_mm.h>

#include "taihu_drv.h"
#include "taihu_gem.h"
#include "taihu_quarantine.h"

/**
 * struct taihu_quarantined - one held thing
 * @link: entry in &taihu_quarantine.held or .released
 * @ctx_id: the context whose TLB may reach it
 * @obj: a buffer, referenced; or NULL
 * @node: VRAM taken over; or not allocated
 * @id_only: nothing but @ctx_id itself, whose CTX_DESTROY failed
 * @batched: waits for its batch's invalidation, not counted as held
 * @bytes: what it holds
 */
struct taihu_quarantined {
	struct list_head link;
	u32 ctx_id;
	struct drm_gem_object *obj;
	struct drm_mm_node node;
	bool id_only;
	bool batched;
	u64 bytes;
};

static void taihu_quarantine_release_work(struct work_struct *work)
{
	struct taihu_device *tdev = container_of(work, struct taihu_device,
						 quarantine.release_work);
	struct taihu_quarantine *qt = &tdev->quarantine;
	struct taihu_quarantined *e, *tmp;
	LIST_HEAD(list);

	spin_lock(&qt->lock);
	list_splice_init(&qt->released, &list);
	spin_unlock(&qt->lock);

	list_for_each_entry_safe(e, tmp, &list, link) {
		if (e->obj)
			drm_gem_object_put(e->obj);
		else if (e->id_only)
			ida_free(&tdev->ctx_ida, e->ctx_id);
		else
			taihu_vram_free(tdev, &e->node);
		kfree(e);
	}
}

void taihu_quarantine_init(struct taihu_device *tdev)
{
	struct taihu_quarantine *qt = &tdev->quarantine;

	spin_lock_init(&qt->lock);
	INIT_LIST_HEAD(&qt->held);
	INIT_LIST_HEAD(&qt->released);
	INIT_WORK(&qt->release_work, taihu_quarantine_release_work);
}

static struct taihu_quarantined *taihu_quarantined_new(u32 ctx_id)
{
	struct taihu_quarantined *e;

	/* Small, and an unmap cannot fail. */
	e = kzalloc(sizeof(*e), GFP_KERNEL | __GFP_NOFAIL);
	e->ctx_id = ctx_id;
	return e;
}

/* Under &taihu_quarantine.lock: @e counts as held from now on. */
static void taihu_quarantine_count(struct taihu_quarantine *qt,
				   struct taihu_quarantined *e)
{
	e->batched = false;
	qt->bytes += e->bytes;
	qt->entries++;
	qt->total++;
}

static void taihu_quarantine_add(struct taihu_device *tdev,
				 struct taihu_quarantined *e, u64 bytes,
				 bool batched)
{
	struct taihu_quarantine *qt = &tdev->quarantine;

	e->bytes = bytes;
	e->batched = batched;
	spin_lock(&qt->lock);
	list_add_tail(&e->link, &qt->held);
	if (!batched)
		taihu_quarantine_count(qt, e);
	spin_unlock(&qt->lock);
}

void taihu_quarantine_object(struct taihu_device *tdev, u32 ctx_id,
			     struct drm_gem_object *obj, bool batched)
{
	struct taihu_quarantined *e = taihu_quarantined_new(ctx_id);

	drm_gem_object_get(obj);
	e->obj = obj;
	taihu_quarantine_add(tdev, e, obj->size, batched);
}

void taihu_quarantine_vram(struct taihu_device *tdev, u32 ctx_id,
			   struct drm_mm_node *node)
{
	struct taihu_quarantined *e = taihu_quarantined_new(ctx_id);

	taihu_vram_move(tdev, node, &e->node);
	taihu_quarantine_add(tdev, e, e->node.size, false);
}

void taihu_quarantine_ctx_id(struct taihu_device *tdev, u32 ctx_id)
{
	struct taihu_quarantined *e = taihu_quarantined_new(ctx_id);

	e->id_only = true;
	taihu_quarantine_add(tdev, e, 0, false);
}

/* Move the entries @all or of @ctx_id (ids excepted) to the released list. */
static void taihu_quarantine_release(struct taihu_device *tdev, bool all,
				     u32 ctx_id)
{
	struct taihu_quarantine *qt = &tdev->quarantine;
	struct taihu_quarantined *e, *tmp;
	bool any = false;

	spin_lock(&qt->lock);
	list_for_each_entry_safe(e, tmp, &qt->held, link) {
		if (!all && (e->ctx_id != ctx_id || e->id_only))
			continue;
		list_move_tail(&e->link, &qt->released);
		if (!e->batched) {
			qt->bytes -= e->bytes;
			qt->entries--;
		}
		any = true;
	}
	spin_unlock(&qt->lock);
	if (any)
		queue_work(system_wq, &qt->release_work);
}

void taihu_quarantine_keep_ctx(struct taihu_device *tdev, u32 ctx_id)
{
	struct taihu_quarantine *qt = &tdev->quarantine;
	struct taihu_quarantined *e;

	spin_lock(&qt->lock);
	list_for_each_entry(e, &qt->held, link)
		if (e->ctx_id == ctx_id && e->batched)
			taihu_quarantine_count(qt, e);
	spin_unlock(&qt->lock);
}

void taihu_quarantine_release_ctx(struct taihu_device *tdev, u32 ctx_id)
{
	taihu_quarantine_release(tdev, false, ctx_id);
}

void taihu_quarantine_release_all(struct taihu_device *tdev)
{
	taihu_quarantine_release(tdev, true, 0);
}

void taihu_quarantine_flush(struct taihu_device *tdev)
{
	flush_work(&tdev->quarantine.release_work);
}

void taihu_quarantine_debugfs_show(struct taihu_device *tdev, struct seq_file *m)
{
	struct taihu_quarantine *qt = &tdev->quarantine;
	u64 bytes, total;
	u32 entries;

	spin_lock(&qt->lock);
	bytes = qt->bytes;
	entries = qt->entries;
	total = qt->total;
	spin_unlock(&qt->lock);
	seq_printf(m, "bytes %llu entries %u total %llu\n", bytes, entries, total);
}
