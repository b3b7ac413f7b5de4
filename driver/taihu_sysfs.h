/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * sysfs attributes on the PCI device, for scripts.
 */
#ifndef __TAIHU_SYSFS_H__
#define __TAIHU_SYSFS_H__

#include <linux/atomic.h>
#include <linux/types.h>

struct attribute_group;
struct device;
struct taihu_device;

/**
 * taihu_sysfs_tdev() - the Taihu device of a sysfs attribute's PCI device
 * @dev: the PCI device's &struct device
 *
 * Return: the device bound to it.
 */
struct taihu_device *taihu_sysfs_tdev(struct device *dev);

/**
 * taihu_sysfs_store_u32() - parse a root-written number within bounds
 * @buf: what was written
 * @min: smallest value allowed
 * @max: largest value allowed
 * @dst: where the value goes (WRITE_ONCE), untouched on error
 *
 * Return: 0, -EPERM without CAP_SYS_ADMIN, -EINVAL if not a number,
 * -ERANGE outside @min..@max.
 */
int taihu_sysfs_store_u32(const char *buf, u32 min, u32 max, u32 *dst);

/**
 * taihu_sysfs_counter_show() - print a counter
 * @buf: the sysfs page
 * @counter: the counter
 *
 * Return: bytes written.
 */
ssize_t taihu_sysfs_counter_show(char *buf, atomic64_t *counter);

/*
 * The driver core adds these when the driver binds and removes them before
 * it unbinds: vram_total, vram_used, host_used (bytes, decimal),
 * fw_version (the firmware's version string) and serial.
 */
extern const struct attribute_group *taihu_sysfs_groups[];

#endif /* __TAIHU_SYSFS_H__ */
