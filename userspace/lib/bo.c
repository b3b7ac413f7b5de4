// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Buffer objects: create, describe, CPU mapping and release.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <xf86drm.h>

#include "taihu_internal.h"

TAIHU_EXPORT int taihu_bo_create(struct taihu_device *dev, uint64_t size,
				 uint32_t placement, struct taihu_bo **out)
{
	struct drm_taihu_bo_create args = { 0 };
	struct drm_gem_close cl = { 0 };
	struct taihu_bo *bo;
	int ret;

	if (!dev || !out)
		return -EINVAL;
	*out = NULL;
	if (!size)
		return -EINVAL;
	bo = calloc(1, sizeof(*bo));
	if (!bo)
		return -ENOMEM;
	args.size = size;
	args.placement = placement;
	ret = taihu__ioctl(dev->fd, DRM_IOCTL_TAIHU_BO_CREATE, &args);
	if (ret) {
		free(bo);
		return ret;
	}
	if (args.size < size) {
		/* A kernel that shrank the buffer is broken; do not use it. */
		cl.handle = args.handle;
		drmIoctl(dev->fd, DRM_IOCTL_GEM_CLOSE, &cl);
		free(bo);
		return -EPROTO;
	}
	bo->dev = dev;
	bo->handle = args.handle;
	bo->placement = placement;
	bo->size = args.size;
	bo->dev_addr = args.dev_addr;
	*out = bo;
	return 0;
}

TAIHU_EXPORT int taihu_bo_info(struct taihu_device *dev, uint32_t handle,
			       struct drm_taihu_bo_info *info)
{
	struct drm_taihu_bo_info args = { 0 };
	int ret;

	if (!dev || !info)
		return -EINVAL;
	args.handle = handle;
	ret = taihu__ioctl(dev->fd, DRM_IOCTL_TAIHU_BO_INFO, &args);
	if (ret)
		return ret;
	*info = args;
	return 0;
}

TAIHU_EXPORT int taihu_bo_map(struct taihu_bo *bo, void **ptr)
{
	struct drm_taihu_bo_info info;
	void *p;
	int ret;

	if (!bo || !ptr)
		return -EINVAL;
	if (!bo->map) {
		ret = taihu_bo_info(bo->dev, bo->handle, &info);
		if (ret)
			return ret;
		if (info.mmap_offset > INT64_MAX)
			return -EOVERFLOW;
		p = mmap(NULL, (size_t)bo->size, PROT_READ | PROT_WRITE,
			 MAP_SHARED, bo->dev->fd, (off_t)info.mmap_offset);
		if (p == MAP_FAILED)
			return -errno;
		bo->map = p;
	}
	*ptr = bo->map;
	return 0;
}

TAIHU_EXPORT int taihu_bo_unmap(struct taihu_bo *bo)
{
	if (!bo)
		return -EINVAL;
	if (bo->map && munmap(bo->map, (size_t)bo->size))
		return -errno;
	bo->map = NULL;
	return 0;
}

TAIHU_EXPORT int taihu_bo_free(struct taihu_bo *bo)
{
	struct drm_gem_close cl = { 0 };
	int ret, ret2;

	if (!bo)
		return 0;
	ret = taihu_bo_unmap(bo);
	cl.handle = bo->handle;
	ret2 = taihu__ioctl(bo->dev->fd, DRM_IOCTL_GEM_CLOSE, &cl);
	free(bo);
	return ret ? ret : ret2;
}

TAIHU_EXPORT uint32_t taihu_bo_handle(const struct taihu_bo *bo)
{
	return bo ? bo->handle : 0;
}

TAIHU_EXPORT uint64_t taihu_bo_size(const struct taihu_bo *bo)
{
	return bo ? bo->size : 0;
}

TAIHU_EXPORT uint64_t taihu_bo_dev_addr(const struct taihu_bo *bo)
{
	return bo ? bo->dev_addr : 0;
}

TAIHU_EXPORT uint32_t taihu_bo_placement(const struct taihu_bo *bo)
{
	return bo ? bo->placement : UINT32_MAX;
}

TAIHU_EXPORT struct taihu_device *taihu_bo_device(const struct taihu_bo *bo)
{
	return bo ? bo->dev : NULL;
}

int taihu__bo_range(const struct taihu_bo *bo, uint64_t offset, uint64_t len)
{
	/* Written so that offset + len cannot overflow. */
	if (offset > bo->size || len > bo->size - offset)
		return -ERANGE;
	return 0;
}

/* Check the arguments and the range of a CPU access, then map @bo. */
static int bo_access(struct taihu_bo *bo, uint64_t offset, const void *data,
		     size_t len, uint8_t **at)
{
	void *p;
	int ret;

	if (!bo || (len && !data))
		return -EINVAL;
	ret = taihu__bo_range(bo, offset, len);
	if (ret)
		return ret;
	ret = taihu_bo_map(bo, &p);
	if (ret)
		return ret;
	*at = (uint8_t *)p + offset;
	return 0;
}

TAIHU_EXPORT int taihu_bo_write(struct taihu_bo *bo, uint64_t offset,
				const void *data, size_t len)
{
	uint8_t *at;
	int ret;

	ret = bo_access(bo, offset, data, len, &at);
	if (ret)
		return ret;
	memcpy(at, data, len);
	/* Drain write-combining buffers before a job may read the data. */
	__sync_synchronize();
	return 0;
}

TAIHU_EXPORT int taihu_bo_read(struct taihu_bo *bo, uint64_t offset,
			       void *data, size_t len)
{
	uint8_t *at;
	int ret;

	ret = bo_access(bo, offset, data, len, &at);
	if (ret)
		return ret;
	__sync_synchronize();
	memcpy(data, at, len);
	return 0;
}
