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

TAIHU_EXPORT int taihu_device_open(const char *path, struct taihu_device **out)
{
	struct taihu_device *dev;
	drmVersionPtr ver;
	struct stat st;
	int fd, ret;

	if (!path || !out || !*path)
		return -EINVAL;
	*out = NULL;
	if (strlen(path) >= sizeof(dev->path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || !S_ISCHR(st.st_mode)) {
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

	dev = calloc(1, sizeof(*dev));
	if (!dev) {
		ret = -ENOMEM;
		goto err_close;
	}
	dev->fd = fd;
	snprintf(dev->path, sizeof(dev->path), "%s", path);
	*out = dev;
	return 0;

err_close:
	close(fd);
	return ret;
}

TAIHU_EXPORT int taihu_device_open_index(unsigned int index,
					 struct taihu_device **out)
{
	struct taihu_device_desc *descs;
	int n, ret;

	if (!out)
		return -EINVAL;
	*out = NULL;
	n = taihu_enumerate(NULL, 0);
	if (n < 0)
		return n;
	if ((unsigned int)n <= index)
		return -TAIHU_ENODEVICE;
	descs = calloc((size_t)n, sizeof(*descs));
	if (!descs)
		return -ENOMEM;
	ret = taihu_enumerate(descs, (size_t)n);
	/* A device may have gone away between the two scans. */
	if (ret >= 0) {
		if (index < (unsigned int)ret && index < (unsigned int)n)
			ret = taihu_device_open(descs[index].node, out);
		else
			ret = -TAIHU_ENODEVICE;
	}
	free(descs);
	return ret;
}

TAIHU_EXPORT void taihu_device_close(struct taihu_device *dev)
{
	if (!dev)
		return;
	close(dev->fd);
	free(dev);
}

TAIHU_EXPORT int taihu_device_fd(const struct taihu_device *dev)
{
	return dev ? dev->fd : -EINVAL;
}

TAIHU_EXPORT const char *taihu_device_path(const struct taihu_device *dev)
{
	return dev ? dev->path : "";
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

	if (!dev || !info)
		return -EINVAL;
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
				   struct drm_taihu_device_info *info)
{
	int ret;

	ret = query_sized(dev, DRM_TAIHU_QUERY_DEVICE_INFO, info, sizeof(*info));
	if (ret)
		return ret;
	/* Never trust the kernel to terminate the strings. */
	info->fw_version_str[sizeof(info->fw_version_str) - 1] = '\0';
	info->serial[sizeof(info->serial) - 1] = '\0';
	return 0;
}

TAIHU_EXPORT int taihu_context_info(struct taihu_device *dev,
				    struct drm_taihu_context_info *info)
{
	return query_sized(dev, DRM_TAIHU_QUERY_CONTEXT_INFO, info,
			   sizeof(*info));
}
