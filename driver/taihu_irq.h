/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * MSI-X: vector 0 for the control mailbox and event ring, vector 1 + q for
 * hardware queue q.
 */
#ifndef __TAIHU_IRQ_H__
#define __TAIHU_IRQ_H__

struct taihu_device;

/**
 * taihu_irq_init() - enable TAIHU_NUM_VECTORS MSI-X vectors and their handlers
 * @tdev: the device; queue locks must be initialised
 *
 * Resources are device-managed. Interrupts raised by the card before MSI-X
 * was enabled are lost, so the control state is re-scanned afterwards.
 *
 * Return: 0 or a negative errno.
 */
int taihu_irq_init(struct taihu_device *tdev);

#endif /* __TAIHU_IRQ_H__ */
