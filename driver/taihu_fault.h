/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Fault injection from debugfs (root only): each file of
 * /sys/kernel/debug/accel/<dev>/fault_inject/ makes the card suffer one
 * kind of fault through TAIHU_MBOX_OP_FAULT_INJECT. New faults add a file
 * here and a case in firmware/card/fault.c.
 */
#ifndef __TAIHU_FAULT_H__
#define __TAIHU_FAULT_H__

struct taihu_device;

/**
 * taihu_fault_debugfs_init() - create the fault_inject directory
 * @tdev: the device, registered (its debugfs directory exists)
 */
void taihu_fault_debugfs_init(struct taihu_device *tdev);

#endif /* __TAIHU_FAULT_H__ */
