// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Device enumeration through libudev: libdrm does not list accel nodes, so
 * walk the "accel" subsystem and keep the devices whose PCI parent is bound
 * to the "taihu" driver. libudev reads sysfs directly, so this also works
 * without a running udevd (as in the test guest).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libudev.h>

#include "taihu_internal.h"

static int desc_cmp(const void *a, const void *b)
{
	const struct taihu_device_desc *x = a, *y = b;
	int r = strcmp(x->pci_slot, y->pci_slot);

	if (r)
		return r;
	return (x->minor > y->minor) - (x->minor < y->minor);
}

/* Fill @d from the accel device @dev; returns 1 if it is a Taihu device. */
static int describe(struct udev_device *dev, struct taihu_device_desc *d)
{
	struct udev_device *pci;
	const char *drv, *node, *sysname, *slot;
	unsigned int minor;

	sysname = udev_device_get_sysname(dev);
	if (!sysname || sscanf(sysname, "accel%u", &minor) != 1)
		return 0;
	/* The parent is owned by @dev; it must not be unref'd. */
	pci = udev_device_get_parent_with_subsystem_devtype(dev, "pci", NULL);
	if (!pci)
		return 0;
	drv = udev_device_get_driver(pci);
	if (!drv || strcmp(drv, "taihu"))
		return 0;
	slot = udev_device_get_sysname(pci);
	node = udev_device_get_devnode(dev);

	memset(d, 0, sizeof(*d));
	d->minor = minor;
	if (node)
		snprintf(d->node, sizeof(d->node), "%s", node);
	else
		snprintf(d->node, sizeof(d->node), "/dev/accel/%s", sysname);
	snprintf(d->pci_slot, sizeof(d->pci_slot), "%s", slot ? slot : "");
	snprintf(d->syspath, sizeof(d->syspath), "%s",
		 udev_device_get_syspath(dev));
	return 1;
}

TAIHU_EXPORT int taihu_enumerate(struct taihu_device_desc *descs, size_t max)
{
	struct udev *udev;
	struct udev_enumerate *en;
	struct udev_list_entry *e;
	struct taihu_device_desc *all = NULL, *tmp;
	size_t n = 0, cap = 0, i;
	int ret;

	if (!descs && max)
		return -EINVAL;
	udev = udev_new();
	if (!udev)
		return -ENOMEM;
	en = udev_enumerate_new(udev);
	if (!en) {
		ret = -ENOMEM;
		goto out_udev;
	}
	ret = udev_enumerate_add_match_subsystem(en, "accel");
	if (ret >= 0)
		ret = udev_enumerate_scan_devices(en);
	if (ret < 0)
		goto out_enum;

	udev_list_entry_foreach(e, udev_enumerate_get_list_entry(en)) {
		struct udev_device *dev;
		struct taihu_device_desc d;
		int ok;

		dev = udev_device_new_from_syspath(udev,
						   udev_list_entry_get_name(e));
		if (!dev)
			continue;	/* it went away meanwhile */
		ok = describe(dev, &d);
		udev_device_unref(dev);
		if (!ok)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			tmp = realloc(all, cap * sizeof(*all));
			if (!tmp) {
				ret = -ENOMEM;
				goto out_enum;
			}
			all = tmp;
		}
		all[n++] = d;
	}

	if (n)
		qsort(all, n, sizeof(*all), desc_cmp);
	for (i = 0; i < n; i++) {
		all[i].index = (unsigned int)i;
		if (i < max)
			descs[i] = all[i];
	}
	ret = n > 0x7fffffff ? 0x7fffffff : (int)n;
out_enum:
	free(all);
	udev_enumerate_unref(en);
out_udev:
	udev_unref(udev);
	return ret;
}
