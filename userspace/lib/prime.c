// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * PRIME: sharing buffer objects as dma-bufs, within one device (between
 * open files) and between devices.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>

#include <xf86drm.h>

#include "taihu_internal.h"

TAIHU_EXPORT int taihu_bo_export(struct taihu_bo *bo, int *dmabuf_fd)
{
	int fd = -1;

	if (!bo || !dmabuf_fd)
		return -EINVAL;
	*dmabuf_fd = -1;
	/* DRM_RDWR: the importer may map it writable (e.g. another card). */
	if (drmPrimeHandleToFD(bo->dev->fd, bo->handle, DRM_CLOEXEC | DRM_RDWR,
			       &fd))
		return errno ? -errno : -EIO;
	*dmabuf_fd = fd;
	return 0;
}

TAIHU_EXPORT int taihu_bo_import(struct taihu_device *dev, int dmabuf_fd,
				 struct taihu_bo **out)
{
	struct drm_taihu_bo_info info = { 0 };
	struct drm_gem_close cl = { 0 };
	struct taihu_bo *bo;
	uint32_t handle = 0;
	int ret;

	if (!dev || !out || dmabuf_fd < 0)
		return -EINVAL;
	*out = NULL;
	/*
	 * Under the table lock from FDToHandle to the table update: the
	 * kernel returns the handle this file already has for the buffer,
	 * and a concurrent last taihu_bo_free() must not close it meanwhile.
	 */
	pthread_mutex_lock(&dev->bo_lock);
	if (drmPrimeFDToHandle(dev->fd, dmabuf_fd, &handle)) {
		ret = errno ? -errno : -EIO;
		goto out;
	}
	bo = taihu__bo_lookup(dev, handle);
	if (bo) {
		bo->refs++;
		*out = bo;
		ret = 0;
		goto out;
	}
	/* Size, placement and this context's device address. */
	info.handle = handle;
	ret = taihu__ioctl(dev->fd, DRM_IOCTL_TAIHU_BO_INFO, &info);
	if (!ret && !info.size)
		ret = -EPROTO;
	if (!ret)
		ret = taihu__bo_new(dev, handle, info.placement, info.size,
				    info.dev_addr, out);
	if (ret) {
		cl.handle = handle;
		drmIoctl(dev->fd, DRM_IOCTL_GEM_CLOSE, &cl);
	}
out:
	pthread_mutex_unlock(&dev->bo_lock);
	return ret;
}
