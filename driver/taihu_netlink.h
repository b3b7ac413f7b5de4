/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The generic netlink family "taihu" (docs/netlink/specs/taihu.yaml): the
 * handlers of its operations and the events multicast group. The policy
 * and op tables are generated (taihu_nl_gen.c).
 */
#ifndef __TAIHU_NETLINK_H__
#define __TAIHU_NETLINK_H__

#include <linux/list.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include <uapi/drm/taihu_netlink.h>

struct taihu_device;

/* Which optional members of &struct taihu_nl_event are set. */
#define TAIHU_NL_EV_CONTEXT	BIT(0)
#define TAIHU_NL_EV_QUEUE	BIT(1)
#define TAIHU_NL_EV_CARD_TIME	BIT(2)
#define TAIHU_NL_EV_FAULT	BIT(3)	/* address, access */
#define TAIHU_NL_EV_THROTTLE	BIT(4)	/* reasons, core_clock */
#define TAIHU_NL_EV_ECC		BIT(5)	/* uncorrected, count */
#define TAIHU_NL_EV_CODE	BIT(6)
#define TAIHU_NL_EV_OWNER	BIT(7)	/* pid, comm: set by taihu_nl_event_post() */

/**
 * struct taihu_nl_event - one event for the events group
 * @node: in &taihu_nl_dev.pending
 * @kind: &enum taihu_event_kind
 * @has: TAIHU_NL_EV_* of the members set
 * @time_ns: CLOCK_REALTIME when the driver saw it (set by the driver)
 * @card_time_ns: card clock when the card raised it
 * @context: device context
 * @queue: hardware queue
 * @address: faulting address
 * @access: &enum taihu_fault_access
 * @reasons: &enum taihu_throttle_reasons
 * @core_clock: MHz
 * @uncorrected: ECC errors were uncorrectable
 * @count: number of ECC errors
 * @code: firmware error code
 * @pid: process that opened the file of @context
 * @comm: its command name
 */
struct taihu_nl_event {
	struct list_head node;
	u32 kind;
	u32 has;
	u64 time_ns;
	u64 card_time_ns;
	u32 context;
	u32 queue;
	u64 address;
	u32 access;
	u32 reasons;
	u32 core_clock;
	bool uncorrected;
	u32 count;
	u32 code;
	pid_t pid;
	char comm[TASK_COMM_LEN];
};

/* Events waiting for the work beyond this are dropped (and counted). */
#define TAIHU_NL_MAX_PENDING	256

/**
 * struct taihu_nl_dev - a device's part of the netlink family
 * @node: in the list of devices netlink can see, under taihu_nl_lock
 * @lock: protects @pending, @npending, @dropped and @live; IRQ-safe
 * @pending: events not sent yet
 * @npending: entries of @pending
 * @dropped: events dropped because @pending was full
 * @live: between taihu_nl_dev_add() and taihu_nl_dev_remove(): events are
 *	queued, the device is listed
 * @work: sends @pending to the events group
 * @owners: device context id -> the process that opened its file (struct
 *	taihu_nl_owner), so that an event raised in interrupt context names
 *	it; entries are read and erased under the xarray's IRQ-safe lock
 */
struct taihu_nl_dev {
	struct list_head node;
	spinlock_t lock; /* pending events; IRQ-safe */
	struct list_head pending;
	u32 npending;
	u64 dropped;
	bool live;
	struct work_struct work;
	struct xarray owners;
};

/** taihu_netlink_init() - register the family; at module load */
int taihu_netlink_init(void);
/** taihu_netlink_exit() - unregister the family; at module unload */
void taihu_netlink_exit(void);

/**
 * taihu_nl_dev_init() - initialise the device's netlink state
 * @tdev: the device
 *
 * Early in probe, before interrupts can post events (which are dropped
 * until taihu_nl_dev_add()). Its teardown is DRM-managed.
 *
 * Return: 0 or a negative errno.
 */
int taihu_nl_dev_init(struct taihu_device *tdev);

/**
 * taihu_nl_ctx_opened() - remember the process that opened a file
 * @tdev: the device
 * @ctx_id: the file's device context
 *
 * From the open of the file, in that process. Events about the context
 * name this process until taihu_nl_ctx_closed() (when the context is
 * destroyed, after its last job).
 *
 * Return: 0 or -ENOMEM.
 */
int taihu_nl_ctx_opened(struct taihu_device *tdev, u32 ctx_id);

/**
 * taihu_nl_ctx_closed() - forget the process of a destroyed context
 * @tdev: the device
 * @ctx_id: the file's device context
 */
void taihu_nl_ctx_closed(struct taihu_device *tdev, u32 ctx_id);

/**
 * taihu_nl_dev_add() - make a registered device visible to the family
 * @tdev: the device
 */
void taihu_nl_dev_add(struct taihu_device *tdev);

/**
 * taihu_nl_dev_remove() - hide the device and drop its pending events
 * @tdev: the device
 *
 * At remove, before the device is torn down; sleeps. Events posted later
 * are ignored.
 */
void taihu_nl_dev_remove(struct taihu_device *tdev);

/**
 * taihu_nl_event_post() - queue an event for the events group
 * @tdev: the device
 * @ev: the event (copied); @ev->time_ns is set here
 *
 * Any context, including hard interrupts: the message is built and sent
 * (with the pid and command of the context's process) from a work item.
 */
void taihu_nl_event_post(struct taihu_device *tdev,
			 const struct taihu_nl_event *ev);

#endif /* __TAIHU_NETLINK_H__ */
