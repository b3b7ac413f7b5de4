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
 * @wq: woken by the queues' interrupts and when a user queue stops
 * @watchdog: looks for user queues that make no progress
 * @fault_work: stops the user queues of contexts that faulted
 */
struct taihu_uq_dev {
	struct mutex lock; /* slots, state, mailbox requests */
	spinlock_t slots_lock; /* slots, for interrupt context */
	struct taihu_uq *slots[TAIHU_MAX_USER_QUEUES];
	u32 count;
	wait_queue_head_t wq;
	struct delayed_work watchdog;
	struct work_struct fault_work;
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
