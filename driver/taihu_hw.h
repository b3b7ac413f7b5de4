/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Transport-neutral view of the card: where BAR2's control pages and VRAM
 * are mapped, and how to kick a doorbell vector. A transport (today only
 * ivshmem, taihu_hw_ivshmem.c) fills &struct taihu_hw at probe.
 */
#ifndef __TAIHU_HW_H__
#define __TAIHU_HW_H__

#include <linux/io.h>
#include <linux/io-64-nonatomic-lo-hi.h>
#include <linux/pci.h>
#include <linux/stddef.h>
#include <linux/types.h>

#include "taihu_card_api.h"

struct taihu_device;

/**
 * struct taihu_hw_ops - what a transport provides
 * @init: map the card, check that it is a Taihu card (-ENODEV if not) and
 *	fill &struct taihu_hw
 * @kick: ring the card's doorbell @vector; callable from any context
 */
struct taihu_hw_ops {
	int (*init)(struct taihu_device *tdev);
	void (*kick)(struct taihu_device *tdev, u32 vector);
};

/**
 * struct taihu_hw - the mapped card
 * @ops: the transport
 * @regs: transport registers (private to the transport)
 * @ctrl: BAR2 control pages (ID page, mailbox, event ring, queue
 *	descriptors), mapped uncached
 * @vram: VRAM, mapped write-combined
 * @vram_phys: CPU physical address of VRAM, for user mappings
 * @vram_size: VRAM size in bytes
 * @card_peer_id: the peer id doorbells must name
 *
 * Everything here is set once at probe and read-only afterwards.
 */
struct taihu_hw {
	const struct taihu_hw_ops *ops;
	void __iomem *regs;
	void __iomem *ctrl;
	void __iomem *vram;
	phys_addr_t vram_phys;
	u64 vram_size;
	u32 card_peer_id;
};

/* Offsets into the control pages of BAR2, for readl()/writel(). */
#define TAIHU_ID_REG(f) \
	(TAIHU_BAR2_ID_OFFSET + offsetof(struct taihu_card_id, f))
#define TAIHU_MBOX_REG(f) \
	(TAIHU_BAR2_MBOX_OFFSET + offsetof(struct taihu_mbox, f))
#define TAIHU_EVENT_REG(f) \
	(TAIHU_BAR2_EVENT_OFFSET + offsetof(struct taihu_event_ring, f))
#define TAIHU_EVENT_ENTRY(i) \
	(TAIHU_BAR2_EVENT_OFFSET + offsetof(struct taihu_event_ring, entries) + \
	 (i) * sizeof(struct taihu_event))
#define TAIHU_QDESC_REG(q, f) \
	(TAIHU_BAR2_QUEUE_OFFSET + (q) * sizeof(struct taihu_queue_desc) + \
	 offsetof(struct taihu_queue_desc, f))

/* Size of the control area mapped uncached: everything before VRAM. */
#define TAIHU_CTRL_SIZE			TAIHU_BAR2_VRAM_OFFSET

extern const struct pci_device_id taihu_ivshmem_pci_ids[];

#endif /* __TAIHU_HW_H__ */
