// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * sysfs attributes on the PCI device: memory in use and what the firmware
 * reported at boot. They exist only while the driver is bound (they are the
 * PCI driver's dev_groups), so the device's data is valid while they are
 * read.
 */

#include <linux/device.h>
#include <linux/pci.h>
#include <linux/sysfs.h>

#include "taihu_drv.h"
#include "taihu_gem.h"
#include "taihu_sysfs.h"

static struct taihu_device *taihu_sysfs_tdev(struct device *dev)
{
	return pci_get_drvdata(to_pci_dev(dev));
}

static ssize_t vram_total_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", taihu_sysfs_tdev(dev)->hw.vram_size);
}
static DEVICE_ATTR_RO(vram_total);

static ssize_t vram_used_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", taihu_vram_used(taihu_sysfs_tdev(dev)));
}
static DEVICE_ATTR_RO(vram_used);

static ssize_t host_used_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lld\n",
			  (s64)atomic64_read(&taihu_sysfs_tdev(dev)->host_used));
}
static DEVICE_ATTR_RO(host_used);

static ssize_t fw_version_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", taihu_sysfs_tdev(dev)->fw.version_str);
}
static DEVICE_ATTR_RO(fw_version);

static ssize_t serial_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%s\n", taihu_sysfs_tdev(dev)->fw.serial);
}
static DEVICE_ATTR_RO(serial);

static struct attribute *taihu_sysfs_attrs[] = {
	&dev_attr_vram_total.attr,
	&dev_attr_vram_used.attr,
	&dev_attr_host_used.attr,
	&dev_attr_fw_version.attr,
	&dev_attr_serial.attr,
	NULL
};

static const struct attribute_group taihu_sysfs_group = {
	.attrs = taihu_sysfs_attrs,
};

const struct attribute_group *taihu_sysfs_groups[] = {
	&taihu_sysfs_group,
	NULL
};
