/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Accounting of pinned host memory: whose it is and how much a device may
 * pin.
 */
#ifndef __TAIHU_PIN_H__
#define __TAIHU_PIN_H__

#include <linux/types.h>

struct taihu_bo;
struct taihu_device;

void taihu_pin_init(struct taihu_device *tdev);
int taihu_pin_charge(struct taihu_device *tdev, struct taihu_bo *bo);
void taihu_pin_uncharge(struct taihu_device *tdev, struct taihu_bo *bo);
int taihu_pin_limit_set(struct taihu_device *tdev, u64 bytes);

#endif /* __TAIHU_PIN_H__ */
