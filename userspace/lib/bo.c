// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Buffer objects: create, describe, CPU mapping and release, and the
 * device's table of them by GEM handle (one handle, one &struct taihu_bo,
 * as libdrm_amdgpu keeps it).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <search.h>
#include <string.h>
#include <sys/mman.h>

#include <xf86drm.h>

#include "taihu_internal.h"

static int handle_cmp(const void *a, const void *b)
{
	const struct taihu_bo *x = a, *y = b;

	return (x->handle > y->handle) - (x->handle < y->handle);
}

struct taihu_bo *taihu__bo_lookup(struct taihu_device *dev, uint32_t handle)
{
	struct taihu_bo key = { .handle = handle };
	void *node = tfind(&key, &dev->bo_table, handle_cmp);

	return node ? *(struct taihu_bo **)node : NULL;
}

static void gem_close(struct taihu_device *dev, uint32_t handle)
{
	struct drm_gem_close cl = { .handle = handle };

	drmIoctl(dev->fd, DRM_IOCTL_GEM_CLOSE, &cl);
}

int taihu__bo_new(struct taihu_device *dev, uint32_t handle,
		  uint32_t placement, uint64_t size, uint64_t dev_addr,
		  struct taihu_bo **out)
{
	struct taihu_bo *bo;
	void *node;

	/* A handle the table holds is one the kernel must not hand out again. */
	if (taihu__bo_lookup(dev, handle))
		return -EPROTO;
	bo = calloc(1, sizeof(*bo));
	if (!bo)
		return -ENOMEM;
	bo->dev = dev;
	bo->handle = handle;
	bo->placement = placement;
	bo->size = size;
	bo->dev_addr = dev_addr;
	bo->refs = 1;
	node = tsearch(bo, &dev->bo_table, handle_cmp);
	if (!node) {
		free(bo);
		return -ENOMEM;
	}
	taihu__device_get(dev);
	*out = bo;
	return 0;
}

TAIHU_EXPORT int taihu_bo_create(struct taihu_device *dev, uint64_t size,
				 uint32_t placement, struct taihu_bo **out)
{
	struct drm_taihu_bo_create args = { 0 };
	int ret;

	if (!dev || !out)
		return -EINVAL;
	*out = NULL;
	if (!size)
		return -EINVAL;
	args.size = size;
	args.placement = placement;
	ret = taihu__ioctl(dev->fd, DRM_IOCTL_TAIHU_BO_CREATE, &args);
	if (ret)
		return ret;
	/* A kernel that shrank the buffer is broken; do not use it. */
	if (args.size < size) {
		gem_close(dev, args.handle);
		return -EPROTO;
	}
	pthread_mutex_lock(&dev->bo_lock);
	ret = taihu__bo_new(dev, args.handle, placement, args.size,
			    args.dev_addr, out);
	if (ret)
		gem_close(dev, args.handle);
	pthread_mutex_unlock(&dev->bo_lock);
	return ret;
}

TAIHU_EXPORT int taihu_bo_info(struct taihu_device *dev, uint32_t handle,
			       struct taihu_bo_info *info)
{
	struct drm_taihu_bo_info args = { 0 };
	struct taihu_bo_info out;
	int ret;

	if (!dev || taihu__sized_check(info, TAIHU__SIZEOF_UPTO(
			struct taihu_bo_info, reserved0)))
		return -EINVAL;
	args.handle = handle;
	ret = taihu__ioctl(dev->fd, DRM_IOCTL_TAIHU_BO_INFO, &args);
	if (ret)
		return ret;
	memset(&out, 0, sizeof(out));
	out.placement = args.placement;
	out.bo_size = args.size;
	out.dev_addr = args.dev_addr;
	out.mmap_offset = args.mmap_offset;
	out.flags = args.flags;
	taihu__sized_out(info, &out, sizeof(out));
	return 0;
}

/* Map @bo; called with its device's bo_lock held. */
static int bo_map_locked(struct taihu_bo *bo)
{
	struct drm_taihu_bo_info args = { .handle = bo->handle };
	void *p;
	int ret;

	ret = taihu__ioctl(bo->dev->fd, DRM_IOCTL_TAIHU_BO_INFO, &args);
	if (ret)
		return ret;
	if (args.mmap_offset > INT64_MAX)
		return -EOVERFLOW;
	p = mmap(NULL, (size_t)bo->size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 bo->dev->fd, (off_t)args.mmap_offset);
	if (p == MAP_FAILED)
		return -errno;
	bo->map = p;
	return 0;
}

TAIHU_EXPORT int taihu_bo_map(struct taihu_bo *bo, void **ptr)
{
	int ret = 0;

	if (!bo || !ptr)
		return -EINVAL;
	pthread_mutex_lock(&bo->dev->bo_lock);
	if (!bo->map)
		ret = bo_map_locked(bo);
	if (!ret)
		*ptr = bo->map;
	pthread_mutex_unlock(&bo->dev->bo_lock);
	return ret;
}

static int bo_unmap_locked(struct taihu_bo *bo)
{
	if (bo->map && munmap(bo->map, (size_t)bo->size))
		return -errno;
	bo->map = NULL;
	return 0;
}

TAIHU_EXPORT int taihu_bo_unmap(struct taihu_bo *bo)
{
	int ret;

	if (!bo)
		return -EINVAL;
	pthread_mutex_lock(&bo->dev->bo_lock);
	ret = bo_unmap_locked(bo);
	pthread_mutex_unlock(&bo->dev->bo_lock);
	return ret;
}

TAIHU_EXPORT int taihu_bo_free(struct taihu_bo *bo)
{
	struct drm_gem_close cl = { 0 };
	struct taihu_device *dev;
	int ret, ret2;

	if (!bo)
		return 0;
	dev = bo->dev;
	pthread_mutex_lock(&dev->bo_lock);
	if (--bo->refs) {
		pthread_mutex_unlock(&dev->bo_lock);
		return 0;
	}
	tdelete(bo, &dev->bo_table, handle_cmp);
	ret = bo_unmap_locked(bo);
	/* Under the lock: an import must not get this handle meanwhile. */
	cl.handle = bo->handle;
	ret2 = taihu__ioctl(dev->fd, DRM_IOCTL_GEM_CLOSE, &cl);
	pthread_mutex_unlock(&dev->bo_lock);
	free(bo);
	taihu__device_put(dev);
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
