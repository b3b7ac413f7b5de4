// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Opening a device node, checking its driver, and the query ioctl.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <xf86drm.h>

#include "taihu_internal.h"

int taihu__ioctl(int fd, unsigned long request, void *arg)
{
	/* drmIoctl() already restarts on EINTR and EAGAIN. */
	if (drmIoctl(fd, request, arg))
		return errno ? -errno : -EIO;
	return 0;
}

/* Open the node @path and check that it is a Taihu DRM device. */
static int open_node(const char *path, int *fdp, struct stat *st)
{
	drmVersionPtr ver;
	int fd, ret;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return errno ? -errno : -EIO;
	if (fstat(fd, st) || !S_ISCHR(st->st_mode)) {
		ret = -ENOTTY;
		goto err_close;
	}
	ver = drmGetVersion(fd);
	if (!ver) {
		/* Not a DRM node at all. */
		ret = errno && errno != ENOMEM ? -TAIHU_ENOTTAIHU : -ENOMEM;
		goto err_close;
	}
	ret = (ver->name && !strcmp(ver->name, "taihu")) ? 0 : -TAIHU_ENOTTAIHU;
	drmFreeVersion(ver);
	if (ret)
		goto err_close;
	*fdp = fd;
	return 0;

err_close:
	close(fd);
	return ret;
}

static int device_new(int fd, struct taihu_device **out)
{
	struct taihu_device *dev;

	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return -ENOMEM;
	if (pthread_mutex_init(&dev->bo_lock, NULL)) {
		free(dev);
		return -ENOMEM;
	}
	dev->fd = fd;
	dev->refs = 1;
	dev->desc.index = UINT32_MAX;
	dev->desc.minor = UINT32_MAX;
	*out = dev;
	return 0;
}

/*
 * Open @path; @desc, when given, is what enumeration said about it.
 * Otherwise enumeration is asked by device number, and a node it cannot
 * see (no sysfs) is still opened with what the node itself tells.
 */
static int open_path(const char *path, const struct taihu_device_desc *desc,
		     struct taihu_device **out)
{
	struct taihu_device *dev;
	struct stat st;
	int fd = -1, ret;

	ret = open_node(path, &fd, &st);
	if (ret)
		return ret;
	ret = device_new(fd, &dev);
	if (ret) {
		close(fd);
		return ret;
	}
	if (desc) {
		ret = taihu__desc_copy(&dev->desc, desc);
	} else {
		ret = taihu__desc_from_devnum(st.st_rdev, &dev->desc);
		if (ret == -TAIHU_ENODEVICE || ret == -ENOENT) {
			ret = taihu__desc_set(&dev->desc, path, NULL, NULL,
					      NULL);
			dev->desc.minor = minor(st.st_rdev);
		}
	}
	if (ret) {
		taihu__device_put(dev);
		return ret;
	}
	*out = dev;
	return 0;
}

TAIHU_EXPORT int taihu_device_open(const char *name, struct taihu_device **out)
{
	const struct taihu_device_desc *desc;
	struct taihu_device_list *list;
	int ret;

	if (!name || !out || !*name)
		return -EINVAL;
	*out = NULL;
	if (strchr(name, '/'))
		return open_path(name, NULL, out);
	ret = taihu_device_list_new(&list);
	if (ret)
		return ret;
	ret = taihu_device_list_find(list, name, &desc);
	if (!ret)
		ret = open_path(desc->node, desc, out);
	taihu_device_list_free(list);
	return ret;
}

TAIHU_EXPORT int taihu_device_open_index(unsigned int index,
					 struct taihu_device **out)
{
	const struct taihu_device_desc *desc;
	struct taihu_device_list *list;
	int ret;

	if (!out)
		return -EINVAL;
	*out = NULL;
	ret = taihu_device_list_new(&list);
	if (ret)
		return ret;
	desc = taihu_device_list_get(list, index);
	ret = desc ? open_path(desc->node, desc, out) : -TAIHU_ENODEVICE;
	taihu_device_list_free(list);
	return ret;
}

void taihu__device_get(struct taihu_device *dev)
{
	__atomic_add_fetch(&dev->refs, 1, __ATOMIC_RELAXED);
}

void taihu__device_put(struct taihu_device *dev)
{
	if (__atomic_sub_fetch(&dev->refs, 1, __ATOMIC_ACQ_REL))
		return;
	/* No BO is left, so the table is empty. */
	close(dev->fd);
	pthread_mutex_destroy(&dev->bo_lock);
	taihu__desc_clear(&dev->desc);
	free(dev);
}

TAIHU_EXPORT void taihu_device_close(struct taihu_device *dev)
{
	if (dev)
		taihu__device_put(dev);
}

TAIHU_EXPORT int taihu_device_fd(const struct taihu_device *dev)
{
	return dev ? dev->fd : -EINVAL;
}

TAIHU_EXPORT const char *taihu_device_path(const struct taihu_device *dev)
{
	return dev ? dev->desc.node : "";
}

TAIHU_EXPORT const struct taihu_device_desc *
taihu_device_get_desc(const struct taihu_device *dev)
{
	return dev ? &dev->desc : NULL;
}

TAIHU_EXPORT int taihu_device_query(struct taihu_device *dev, uint32_t query,
				    void *data, uint32_t *size)
{
	struct drm_taihu_query q = { 0 };
	int ret;

	if (!dev || !size || (*size && !data))
		return -EINVAL;
	q.query = query;
	q.size = *size;
	q.data = (uintptr_t)data;
	ret = taihu__ioctl(dev->fd, DRM_IOCTL_TAIHU_QUERY, &q);
	if (ret)
		return ret;
	*size = q.size;
	return 0;
}

/*
 * Fill @info (@len bytes, zeroed first) from @query: learn the kernel's size,
 * then ask for the part both sides know, so old and new kernels both work.
 */
static int query_sized(struct taihu_device *dev, uint32_t query, void *info,
		       uint32_t len)
{
	uint32_t size = 0;
	int ret;

	memset(info, 0, len);
	ret = taihu_device_query(dev, query, NULL, &size);
	if (ret)
		return ret;
	if (size == 0)
		return -EPROTO;
	if (size > len)
		size = len;
	return taihu_device_query(dev, query, info, &size);
}

TAIHU_EXPORT int taihu_device_info(struct taihu_device *dev,
				   struct taihu_device_info *info)
{
	struct drm_taihu_device_info k;
	struct taihu_device_info out;
	int ret;

	if (!dev || taihu__sized_check(info, TAIHU__SIZEOF_UPTO(
			struct taihu_device_info, serial)))
		return -EINVAL;
	ret = query_sized(dev, DRM_TAIHU_QUERY_DEVICE_INFO, &k, sizeof(k));
	if (ret)
		return ret;
	memset(&out, 0, sizeof(out));
	out.device_id = k.device_id;
	out.revision = k.revision;
	out.fw_version = k.fw_version;
	out.fw_abi_major = k.fw_abi_major;
	out.fw_abi_minor = k.fw_abi_minor;
	out.card_if_major = k.card_if_major;
	out.card_if_minor = k.card_if_minor;
	out.num_queues = k.num_queues;
	out.max_inflight = k.max_inflight;
	out.capabilities = k.capabilities;
	out.vram_size = k.vram_size;
	out.vram_used = k.vram_used;
	out.host_used = k.host_used;
	out.va_size = k.va_size;
	out.max_cmd_len = k.max_cmd_len;
	out.ring_entries = k.ring_entries;
	/* Never trust the kernel to terminate the strings. */
	snprintf(out.fw_version_str, sizeof(out.fw_version_str), "%.*s",
		 (int)sizeof(k.fw_version_str), k.fw_version_str);
	snprintf(out.serial, sizeof(out.serial), "%.*s", (int)sizeof(k.serial),
		 k.serial);
	taihu__sized_out(info, &out, sizeof(out));
	return 0;
}

TAIHU_EXPORT int taihu_context_info(struct taihu_device *dev,
				    struct taihu_context_info *info)
{
	struct drm_taihu_context_info k;
	struct taihu_context_info out;
	int ret;

	if (!dev || taihu__sized_check(info, TAIHU__SIZEOF_UPTO(
			struct taihu_context_info, host_used)))
		return -EINVAL;
	ret = query_sized(dev, DRM_TAIHU_QUERY_CONTEXT_INFO, &k, sizeof(k));
	if (ret)
		return ret;
	memset(&out, 0, sizeof(out));
	out.context_id = k.context_id;
	out.fault_access = k.fault_access;
	out.flags = k.flags;
	out.fault_addr = k.fault_addr;
	out.vram_used = k.vram_used;
	out.host_used = k.host_used;
	taihu__sized_out(info, &out, sizeof(out));
	return 0;
}

/* The firmware's kernel table; entries beyond the uapi's array are dropped. */
static int kernels_query(struct taihu_device *dev, struct drm_taihu_kernels *k)
{
	int ret = query_sized(dev, DRM_TAIHU_QUERY_KERNELS, k, sizeof(*k));

	if (!ret && k->count > DRM_TAIHU_MAX_KERNELS)
		k->count = DRM_TAIHU_MAX_KERNELS;
	return ret;
}

TAIHU_EXPORT int taihu_kernel_count(struct taihu_device *dev)
{
	struct drm_taihu_kernels k;
	int ret = kernels_query(dev, &k);

	return ret ? ret : (int)k.count;
}

TAIHU_EXPORT int taihu_kernel_info(struct taihu_device *dev, unsigned int index,
				   struct taihu_kernel_info *info)
{
	struct taihu_kernel_info out = { .size = sizeof(out) };
	struct drm_taihu_kernels k;
	int ret;

	if (taihu__sized_check(info, sizeof(*info)))
		return -EINVAL;
	ret = kernels_query(dev, &k);
	if (ret)
		return ret;
	if (index >= k.count)
		return -ERANGE;
	out.kernel = k.kernels[index].kernel;
	out.dtypes = k.kernels[index].dtypes;
	out.max_rank = k.kernels[index].max_rank;
	out.max_dim = k.kernels[index].max_dim;
	out.max_elems = k.kernels[index].max_elems;
	taihu__sized_out(info, &out, sizeof(out));
	return 0;
}

TAIHU_EXPORT int taihu_kernel_supported(struct taihu_device *dev, uint32_t kernel,
					uint32_t dtype)
{
	struct drm_taihu_kernels k;
	uint32_t i;
	int ret;

	if (dtype >= 32)
		return -EINVAL;
	if (dtype == TAIHU_DTYPE_UINT8)
		dtype = TAIHU_DTYPE_INT8;
	ret = kernels_query(dev, &k);
	if (ret)
		return ret;
	for (i = 0; i < k.count; i++)
		if (k.kernels[i].kernel == kernel)
			return !!(k.kernels[i].dtypes & (1u << dtype));
	return 0;
}
