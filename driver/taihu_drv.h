/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The Taihu device and file contexts.
 */
#ifndef __TAIHU_DRV_H__
#define __TAIHU_DRV_H__

#include <linux/atomic.h>
#include <linux/idr.h>
#include <linux/list.h>
#include <linux/llist.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include <drm/drm_device.h>
#include <drm/drm_file.h>
#include <drm/gpu_scheduler.h>

#include "taihu_card_api.h"
#include "taihu_fw.h"
#include "taihu_gem.h"
#include "taihu_health.h"
#include "taihu_hw.h"
#include "taihu_mbox.h"
#include "taihu_mmu.h"
#include "taihu_recovery.h"
#include "taihu_netlink.h"
#include "taihu_quarantine.h"
#include "taihu_queue.h"
#include "taihu_results.h"
#include "taihu_telemetry.h"
#include "taihu_uqueue.h"

#define TAIHU_DRIVER_NAME		"taihu"
#define TAIHU_DRIVER_DESC		"Taihu accelerator"
#define TAIHU_DRIVER_MAJOR		0
#define TAIHU_DRIVER_MINOR		1

/* Driver priorities map onto these scheduler priorities. */
#define TAIHU_NUM_PRIORITIES		3

/**
 * struct taihu_device - one card
 * @drm: the DRM device
 * @pdev: the PCI function
 * @hw: the mapped card
 * @mbox: control mailbox
 * @vram: VRAM allocator
 * @fw: what the firmware reported at boot
 * @num_queues: hardware queues in use
 * @card_if_minor: interface minor the card implements
 * @device_id: card model from the ID page
 * @revision: silicon revision from the ID page
 * @ring_entries: slots of each hardware queue's ring, chosen when the
 *	queues are first enabled (taihu_queues_enable()) and kept across
 *	card resets
 * @queues: the hardware queues, the first @num_queues in use
 * @ctx_ida: device context ids, 1..TAIHU_MAX_CONTEXTS-1; an id is freed
 *	when its context is destroyed
 * @ctx_lock: protects @ctx_list
 * @ctx_list: the live &struct taihu_ctx
 * @host_used: bytes of host buffers created on this device (imports not
 *	counted: their memory is the exporter's)
 * @host_pinned: bytes of them pinned for jobs (taihu_pin.c)
 * @host_pin_limit: most bytes @host_pinned may reach; sysfs, READ_ONCE
 * @jobs_alive: jobs created and not yet freed
 * @jobs_wq: woken when @jobs_alive drops to zero
 * @jobs_to_free: ended jobs waiting for @jobs_free_work
 * @jobs_free_work: frees @jobs_to_free, off the scheduler's workqueue
 * @telemetry: sensor page state (taihu_telemetry.h)
 * @nl: netlink state: listing and events (taihu_netlink.h)
 * @health: the heartbeat watchdog and the dead state (taihu_health.h)
 * @recovery: job timeouts and the recovery ladder (taihu_recovery.h)
 * @uq: user-mode submission queues (taihu_uqueue.h)
 * @quarantine: memory the card may still reach through stale translations
 * @tlb: TLB invalidation counters (taihu_mmu.c)
 */
struct taihu_device {
	struct drm_device drm;
	struct pci_dev *pdev;
	struct taihu_hw hw;
	struct taihu_mailbox mbox;
	struct taihu_vram vram;
	struct taihu_fw_info fw;
	u32 num_queues;
	u32 card_if_minor;
	u32 device_id;
	u32 revision;
	u32 ring_entries;
	struct taihu_queue queues[TAIHU_MAX_QUEUES];
	struct ida ctx_ida;
	struct mutex ctx_lock; /* protects ctx_list */
	struct list_head ctx_list;
	atomic64_t host_used;
	atomic64_t host_pinned;
	u64 host_pin_limit;
	atomic_t jobs_alive;
	wait_queue_head_t jobs_wq;
	struct llist_head jobs_to_free;
	struct work_struct jobs_free_work;
	struct taihu_telemetry telemetry;
	struct taihu_nl_dev nl;
	struct taihu_health health;
	struct taihu_recovery recovery;
	struct taihu_uq_dev uq;
	struct taihu_quarantine quarantine;
	struct taihu_tlb_stats tlb;
};

/**
 * struct taihu_file - one open file
 * @tdev: the device
 * @ctx: its device context, referenced; id >= 1, 0 is the driver's own
 * @entities: scheduler entity per queue and priority
 * @submit_lock: orders seqno assignment, arming and pushing of jobs and
 *	the eviction of results
 * @next_seqno: seqno of the file's next job, under @submit_lock
 * @results: the file's job results and in-flight counts (taihu_results.c)
 * @uqs: the file's user queues, by handle (taihu_uqueue.c)
 */
struct taihu_file {
	struct taihu_device *tdev;
	struct taihu_ctx *ctx;
	struct drm_sched_entity entities[TAIHU_MAX_QUEUES][TAIHU_NUM_PRIORITIES];
	struct mutex submit_lock; /* orders seqnos, arm, push and eviction */
	u64 next_seqno;
	struct taihu_results results;
	struct xarray uqs;
};

static inline struct taihu_device *to_taihu_device(struct drm_device *drm)
{
	return container_of(drm, struct taihu_device, drm);
}

static inline u32 taihu_ctrl_rd32(struct taihu_device *tdev, u32 off)
{
	return readl(tdev->hw.ctrl + off);
}

static inline u64 taihu_ctrl_rd64(struct taihu_device *tdev, u32 off)
{
	return readq(tdev->hw.ctrl + off);
}

static inline void taihu_ctrl_wr32(struct taihu_device *tdev, u32 off, u32 val)
{
	writel(val, tdev->hw.ctrl + off);
}

static inline void taihu_ctrl_wr64(struct taihu_device *tdev, u32 off, u64 val)
{
	writeq(val, tdev->hw.ctrl + off);
}

static inline void taihu_kick(struct taihu_device *tdev, u32 vector)
{
	tdev->hw.ops->kick(tdev, vector);
}

#endif /* __TAIHU_DRV_H__ */
