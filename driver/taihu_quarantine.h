/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Memory the card may still reach through translations it was not made to
 * forget: kept out of reuse until it cannot any more.
 */
#ifndef __TAIHU_QUARANTINE_H__
#define __TAIHU_QUARANTINE_H__

#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

struct drm_gem_object;
struct drm_mm_node;
struct seq_file;
struct taihu_device;

/**
 * struct taihu_quarantine - held memory of a device
 * @lock: protects the lists and the counters
 * @held: &struct taihu_quarantined entries still held
 * @released: entries to release, by @release_work
 * @bytes: bytes on @held
 * @entries: entries on @held
 * @total: entries ever held
 * @release_work: drops what @released holds, outside the callers' locks
 */
struct taihu_quarantine {
	spinlock_t lock; /* lists and counters */
	struct list_head held;
	struct list_head released;
	u64 bytes;
	u32 entries;
	u64 total;
	struct work_struct release_work;
};

/**
 * taihu_quarantine_init() - empty quarantine
 * @tdev: the device
 */
void taihu_quarantine_init(struct taihu_device *tdev);

/**
 * taihu_quarantine_object() - keep an object unmapped from a context
 * @tdev: the device
 * @ctx_id: the context whose TLB may still translate to it
 * @obj: the object; the quarantine takes a reference
 * @batched: the invalidation was not tried yet, only put off to the end of
 *	a batch of frees (taihu_ctx_batch_end()): not counted as held unless
 *	it fails (taihu_quarantine_keep_ctx())
 */
void taihu_quarantine_object(struct taihu_device *tdev, u32 ctx_id,
			     struct drm_gem_object *obj, bool batched);

/**
 * taihu_quarantine_vram() - keep VRAM (a page-table page) of a context
 * @tdev: the device
 * @ctx_id: the context whose TLB may still walk it
 * @node: allocated VRAM; the quarantine takes the range over
 */
void taihu_quarantine_vram(struct taihu_device *tdev, u32 ctx_id,
			   struct drm_mm_node *node);

/**
 * taihu_quarantine_ctx_id() - keep a context id whose CTX_DESTROY failed
 * @tdev: the device
 * @ctx_id: the id, not freed to &taihu_device.ctx_ida; freed at release
 */
void taihu_quarantine_ctx_id(struct taihu_device *tdev, u32 ctx_id);

/**
 * taihu_quarantine_keep_ctx() - the batch's TLB invalidation of @ctx_id failed
 * @tdev: the device
 * @ctx_id: the context
 *
 * What its batch put off is held, and counted, like the rest.
 */
void taihu_quarantine_keep_ctx(struct taihu_device *tdev, u32 ctx_id);

/**
 * taihu_quarantine_release_ctx() - a TLB invalidation of @ctx_id succeeded
 * @tdev: the device
 * @ctx_id: the context
 *
 * Releases what was held for the context's translations (not an id whose
 * CTX_DESTROY failed: that context has no live TLB to invalidate any more).
 * Process context; the memory is dropped from a work item.
 */
void taihu_quarantine_release_ctx(struct taihu_device *tdev, u32 ctx_id);

/**
 * taihu_quarantine_release_all() - the card forgot every translation
 * @tdev: the device, after a card reset or once it is stopped for good
 */
void taihu_quarantine_release_all(struct taihu_device *tdev);

/**
 * taihu_quarantine_flush() - wait until released memory is dropped
 * @tdev: the device
 */
void taihu_quarantine_flush(struct taihu_device *tdev);

/**
 * taihu_quarantine_debugfs_show() - "bytes N entries N total N"
 * @tdev: the device
 * @m: the seq_file
 */
void taihu_quarantine_debugfs_show(struct taihu_device *tdev, struct seq_file *m);

#endif /* __TAIHU_QUARANTINE_H__ */
