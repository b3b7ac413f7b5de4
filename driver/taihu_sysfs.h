/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * sysfs attributes on the PCI device, for scripts.
 */
#ifndef __TAIHU_SYSFS_H__
#define __TAIHU_SYSFS_H__

struct attribute_group;

/*
 * The driver core adds these when the driver binds and removes them before
 * it unbinds: vram_total, vram_used, host_used (bytes, decimal),
 * fw_version (the firmware's version string) and serial.
 */
extern const struct attribute_group *taihu_sysfs_groups[];

#endif /* __TAIHU_SYSFS_H__ */
