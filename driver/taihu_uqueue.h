/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * User-mode submission queues: rings a process writes in VRAM mapped into
 * it, served by the card next to the hardware queues' own rings (the
 * uapi's "User-mode submission queues" has the security model).
 */
#ifndef __TAIHU_UQUEUE_H__
#define __TAIHU_UQUEUE_H__

#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include "taihu_card_api.h"

struct drm_device;
struct drm_file;
struct drm_gem_object;
struct drm_mm_node;
struct taihu_ctx;
struct taihu_device;
struct taihu_file;
struct taihu_uq;

/**
 * struct taihu_uq_dev - the device's user queues
 * @lock: protects @slots (writers also take @slots_lock), the enabled and
 *	status state of every user queue, and the mailbox requests about them
 * @slots_lock: protects @slots for readers in interrupt context
 * @slots: the user queue using each card descriptor, or NULL
 * @count: user queues in @slots, under @lock
 * @epoch: per card slot, bumped under @slots_lock each time the card is
 *	known to serve the slot no more (UQ_DISABLE answered, the slot given
 *	back, the card reset)
 * @wq: woken by the queues' interrupts and when a user queue stops
 * @watchdog: looks for user queues that make no progress, and for held
 *	memory that can go
 * @fault_work: stops the user queues of contexts that faulted
 * @held_lock: protects @held and @held_bytes
 * @held: &struct taihu_uq_held, memory unmapped from a context while one of
 *	its user queues ran an entry that may still reach it
 * @held_bytes: bytes on @held
 * @reap_work: releases the held memory whose entries have ended
 */
struct taihu_uq_dev {
	struct mutex lock; /* slots, state, mailbox requests */
	spinlock_t slots_lock; /* slots and epoch, also in interrupt context */
	struct taihu_uq *slots[TAIHU_MAX_USER_QUEUES];
	u32 count;
	u32 epoch[TAIHU_MAX_USER_QUEUES];
	wait_queue_head_t wq;
	struct delayed_work watchdog;
	struct work_struct fault_work;
	spinlock_t held_lock; /* held, held_bytes */
	struct list_head held;
	u64 held_bytes;
	struct work_struct reap_work;
};

/**
 * taihu_uq_init() - set up the device's user-queue state
 * @tdev: the device
 */
void taihu_uq_init(struct taihu_device *tdev);

/**
 * taihu_uq_fini() - stop the user-queue work items at device removal
 * @tdev: the device, unplugged (files may still be open: they release
 *	their user queues at close)
 */
void taihu_uq_fini(struct taihu_device *tdev);

/**
 * taihu_uq_available() - whether the card offers user queues
 * @tdev: the device, booted
 *
 * Return: true for a card of interface 1.5 or later whose firmware has an MMU.
 */
bool taihu_uq_available(struct taihu_device *tdev);

/**
 * taihu_uq_wait_asks_irq() - whether UQ_WAIT asks the card for its interrupt
 * @tdev: the device, booted
 *
 * Return: true for a card with user queues of interface 1.10 or later
 * (&taihu_uq_desc.irq_head).
 */
bool taihu_uq_wait_asks_irq(struct taihu_device *tdev);

/**
 * taihu_uq_file_init() - initialise a file's user-queue table
 * @tfile: the file
 */
void taihu_uq_file_init(struct taihu_file *tfile);

/**
 * taihu_uq_file_fini() - destroy every user queue of a closing file
 * @tfile: the file; called before its context is released. Sleeps.
 * @file: its DRM file
 */
void taihu_uq_file_fini(struct taihu_file *tfile, struct drm_file *file);

/**
 * taihu_uq_irq() - a queue interrupt: wake the user-queue waiters
 * @tdev: the device
 */
void taihu_uq_irq(struct taihu_device *tdev);

/**
 * taihu_uq_card_event() - a card event about user queues
 * @tdev: the device
 * @ev: a TAIHU_EVENT_UQ_ERROR or TAIHU_EVENT_MMU_FAULT record
 *
 * Interrupt context: an MMU fault marks the context's user queues for
 * @fault_work, which stops them; both wake the waiters.
 */
void taihu_uq_card_event(struct taihu_device *tdev,
			 const struct taihu_event *ev);

/**
 * taihu_uq_card_lost() - the card forgot its user queues (a card reset)
 * @tdev: the device
 *
 * Every user queue stops with DRM_TAIHU_JOB_CANCELLED. Sleeps. (A dead
 * card needs nothing: waiters see it, and every ioctl fails -ENODEV.)
 */
void taihu_uq_card_lost(struct taihu_device *tdev);

/**
 * taihu_uq_hold_object() - keep an object unmapped from a context alive
 *	while the context's user queues may still reach it
 * @ctx: the context, whose TLB_INVALIDATE for the unmap has answered
 * @obj: the buffer that was mapped there
 *
 * A user-queue entry that was running when the translations were dropped
 * may still use what it translated before (a span being copied, a
 * kernel's tensors). If one of @ctx's user queues runs an entry now, a
 * reference to @obj is kept until that entry has ended (the card's
 * &taihu_uq_desc.runs moved on; before interface 1.8, its head moved on),
 * its user queue was stopped on the card or the card was reset; so the
 * buffer's VRAM or pinned pages are not handed to anybody else before.
 * Takes &taihu_uq_dev.slots_lock and @held_lock; may be called under
 * &taihu_ctx.lock and &taihu_bo.lock.
 */
void taihu_uq_hold_object(struct taihu_ctx *ctx, struct drm_gem_object *obj);

/**
 * taihu_uq_hold_vram() - hold VRAM unmapped from a context the same way
 * @ctx: the context, whose TLB_INVALIDATE has answered
 * @node: an allocated VRAM node (a page table the card may be walking)
 *
 * Return: true if the held list took @node over (it is no longer
 * allocated then and is freed later), false if the caller frees it now.
 */
bool taihu_uq_hold_vram(struct taihu_ctx *ctx, struct drm_mm_node *node);

/* The ioctls (uapi: struct drm_taihu_uq_create and the others). */
int taihu_uq_create_ioctl(struct drm_device *drm, void *data,
			  struct drm_file *file);
int taihu_uq_destroy_ioctl(struct drm_device *drm, void *data,
			   struct drm_file *file);
int taihu_uq_kick_ioctl(struct drm_device *drm, void *data,
			struct drm_file *file);
int taihu_uq_wait_ioctl(struct drm_device *drm, void *data,
			struct drm_file *file);

#endif /* __TAIHU_UQUEUE_H__ */
