// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Device enumeration through libudev: libdrm does not list accel nodes, so
 * walk the "accel" subsystem and keep the devices whose PCI parent is bound
 * to the "taihu" driver. libudev reads sysfs directly, so this also works
 * without a running udevd (as in the test guest). Also: finding the entry
 * a user's device name (node, index, PCI address, serial) designates.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <libudev.h>

#include "taihu_internal.h"

void taihu__desc_clear(struct taihu_device_desc *desc)
{
	free(desc->node);
	free(desc->pci_slot);
	free(desc->syspath);
	free(desc->serial);
	memset(desc, 0, sizeof(*desc));
	desc->index = UINT32_MAX;
	desc->minor = UINT32_MAX;
}

int taihu__desc_set(struct taihu_device_desc *d, const char *node,
		    const char *slot, const char *syspath, const char *serial)
{
	d->node = strdup(node ? node : "");
	d->pci_slot = strdup(slot ? slot : "");
	d->syspath = strdup(syspath ? syspath : "");
	d->serial = strdup(serial ? serial : "");
	if (!d->node || !d->pci_slot || !d->syspath || !d->serial) {
		taihu__desc_clear(d);
		return -ENOMEM;
	}
	return 0;
}

int taihu__desc_copy(struct taihu_device_desc *dst,
		     const struct taihu_device_desc *src)
{
	dst->index = src->index;
	dst->minor = src->minor;
	return taihu__desc_set(dst, src->node, src->pci_slot, src->syspath,
			src->serial);
}

/*
 * Describe the accel device @dev into @d. Returns 1 for a Taihu device, 0
 * for another one, or -ENOMEM.
 */
static int describe(struct udev_device *dev, struct taihu_device_desc *d)
{
	struct udev_device *pci;
	const char *drv, *node, *sysname, *serial;
	char fallback[64];
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
	node = udev_device_get_devnode(dev);
	if (!node) {
		snprintf(fallback, sizeof(fallback), "/dev/accel/%s", sysname);
		node = fallback;
	}
	serial = udev_device_get_sysattr_value(pci, "serial");
	d->index = UINT32_MAX;
	d->minor = minor;
	if (taihu__desc_set(d, node, udev_device_get_sysname(pci),
		     udev_device_get_syspath(dev), serial))
		return -ENOMEM;
	/* sysfs values end in a newline. */
	d->serial[strcspn(d->serial, "\n")] = '\0';
	return 1;
}

static int desc_cmp(const void *a, const void *b)
{
	const struct taihu_device_desc *x = a, *y = b;
	int r = strcmp(x->pci_slot, y->pci_slot);

	if (r)
		return r;
	return (x->minor > y->minor) - (x->minor < y->minor);
}

TAIHU_EXPORT void taihu_device_list_free(struct taihu_device_list *list)
{
	unsigned int i;

	if (!list)
		return;
	for (i = 0; i < list->count; i++)
		taihu__desc_clear(&list->descs[i]);
	free(list->descs);
	free(list);
}

/* Append the Taihu devices among @en's accel devices to @list. */
static int collect(struct udev *udev, struct udev_enumerate *en,
		   struct taihu_device_list *list)
{
	struct udev_list_entry *e;
	unsigned int cap = 0;

	udev_list_entry_foreach(e, udev_enumerate_get_list_entry(en)) {
		struct taihu_device_desc d, *tmp;
		struct udev_device *dev;
		int ok;

		dev = udev_device_new_from_syspath(udev,
						   udev_list_entry_get_name(e));
		if (!dev)
			continue;	/* it went away meanwhile */
		ok = describe(dev, &d);
		udev_device_unref(dev);
		if (ok < 0)
			return ok;
		if (!ok)
			continue;
		if (list->count == cap) {
			cap = cap ? cap * 2 : 8;
			tmp = reallocarray(list->descs, cap, sizeof(*tmp));
			if (!tmp) {
				taihu__desc_clear(&d);
				return -ENOMEM;
			}
			list->descs = tmp;
		}
		list->descs[list->count++] = d;
	}
	return 0;
}

TAIHU_EXPORT int taihu_device_list_new(struct taihu_device_list **out)
{
	struct taihu_device_list *list;
	struct udev_enumerate *en;
	struct udev *udev;
	unsigned int i;
	int ret;

	if (!out)
		return -EINVAL;
	*out = NULL;
	list = calloc(1, sizeof(*list));
	udev = udev_new();
	en = udev ? udev_enumerate_new(udev) : NULL;
	if (!list || !en) {
		ret = -ENOMEM;
		goto out;
	}
	ret = udev_enumerate_add_match_subsystem(en, "accel");
	if (ret >= 0)
		ret = udev_enumerate_scan_devices(en);
	if (ret >= 0)
		ret = collect(udev, en, list);
	if (ret < 0)
		goto out;
	if (list->count)
		qsort(list->descs, list->count, sizeof(*list->descs), desc_cmp);
	for (i = 0; i < list->count; i++)
		list->descs[i].index = i;
	*out = list;
	list = NULL;
	ret = 0;
out:
	taihu_device_list_free(list);
	udev_enumerate_unref(en);
	udev_unref(udev);
	return ret;
}

TAIHU_EXPORT unsigned int
taihu_device_list_count(const struct taihu_device_list *list)
{
	return list ? list->count : 0;
}

TAIHU_EXPORT const struct taihu_device_desc *
taihu_device_list_get(const struct taihu_device_list *list, unsigned int index)
{
	if (!list || index >= list->count)
		return NULL;
	return &list->descs[index];
}

/* "0000:00:03.0" or "00:03.0" into the canonical lower-case long form. */
static int parse_pci(const char *s, char *out, size_t len)
{
	unsigned int dom = 0, bus, slot, fn;
	int n = -1;

	if (sscanf(s, "%x:%x:%x.%x%n", &dom, &bus, &slot, &fn, &n) == 4 &&
	    n > 0 && !s[n])
		goto ok;
	dom = 0;
	n = -1;
	if (sscanf(s, "%x:%x.%x%n", &bus, &slot, &fn, &n) == 3 && n > 0 &&
	    !s[n])
		goto ok;
	return -1;
ok:
	/* sscanf's %x takes signs and spaces; a PCI address has neither. */
	for (; *s; s++)
		if (!isxdigit((unsigned char)*s) && *s != ':' && *s != '.')
			return -1;
	if (dom > 0xffff || bus > 0xff || slot > 0x1f || fn > 7)
		return -1;
	snprintf(out, len, "%04x:%02x:%02x.%x", dom, bus, slot, fn);
	return 0;
}

static int all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

TAIHU_EXPORT int taihu_device_list_find(const struct taihu_device_list *list,
					const char *name,
					const struct taihu_device_desc **out)
{
	char pci[32];
	struct stat st;
	unsigned long v;
	unsigned int i;

	if (!list || !name || !*name || !out)
		return -EINVAL;
	*out = NULL;
	if (strchr(name, '/')) {
		/* By device number, so that symlinks and other paths match. */
		if (stat(name, &st) || !S_ISCHR(st.st_mode))
			return -TAIHU_ENODEVICE;
		for (i = 0; i < list->count; i++) {
			struct stat n;

			if (!strcmp(list->descs[i].node, name) ||
			    (!stat(list->descs[i].node, &n) &&
			     n.st_rdev == st.st_rdev))
				goto found;
		}
		return -TAIHU_ENODEVICE;
	}
	if (all_digits(name)) {
		errno = 0;
		v = strtoul(name, NULL, 10);
		if (errno || v >= list->count)
			return -TAIHU_ENODEVICE;
		i = (unsigned int)v;
		goto found;
	}
	if (!parse_pci(name, pci, sizeof(pci))) {
		for (i = 0; i < list->count; i++)
			if (!strcasecmp(list->descs[i].pci_slot, pci))
				goto found;
		return -TAIHU_ENODEVICE;
	}
	for (i = 0; i < list->count; i++)
		if (list->descs[i].serial[0] &&
		    !strcmp(list->descs[i].serial, name))
			goto found;
	return -TAIHU_ENODEVICE;
found:
	*out = &list->descs[i];
	return 0;
}

int taihu__desc_from_devnum(unsigned long rdev, struct taihu_device_desc *desc)
{
	struct taihu_device_list *list;
	unsigned int i;
	int ret;

	ret = taihu_device_list_new(&list);
	if (ret)
		return ret;
	ret = -TAIHU_ENODEVICE;
	for (i = 0; i < list->count; i++) {
		if (list->descs[i].minor == minor(rdev)) {
			ret = taihu__desc_copy(desc, &list->descs[i]);
			break;
		}
	}
	taihu_device_list_free(list);
	return ret;
}

#define DESC_GETTER(type, name, field, none)				\
	TAIHU_EXPORT type taihu_device_desc_##name(			\
		const struct taihu_device_desc *desc)			\
	{								\
		return desc ? desc->field : (none);			\
	}

DESC_GETTER(uint32_t, index, index, UINT32_MAX)
DESC_GETTER(uint32_t, minor, minor, UINT32_MAX)
DESC_GETTER(const char *, node, node, "")
DESC_GETTER(const char *, pci_slot, pci_slot, "")
DESC_GETTER(const char *, syspath, syspath, "")
DESC_GETTER(const char *, serial, serial, "")
