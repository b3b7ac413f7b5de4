// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Syncobjs: thin wrappers over libdrm's drmSyncobj*() on the device's file,
 * with the library's argument checks and negative-errno results.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <xf86drm.h>

#include "taihu_internal.h"

/* libdrm's syncobj calls return -1 or -errno, both with errno set. */
static int drm_result(int ret)
{
	if (ret >= 0)
		return 0;
	return errno ? -errno : -EIO;
}

/* libdrm's flags are the kernel's; ours are spelled for the library. */
static unsigned int wait_flags(uint32_t flags)
{
	unsigned int f = 0;

	if (flags & TAIHU_SYNCOBJ_WAIT_ALL)
		f |= DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL;
	if (flags & TAIHU_SYNCOBJ_WAIT_FOR_SUBMIT)
		f |= DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT;
	if (flags & TAIHU_SYNCOBJ_WAIT_AVAILABLE)
		f |= DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE;
	return f;
}

#define TAIHU_SYNCOBJ_WAIT_KNOWN (TAIHU_SYNCOBJ_WAIT_ALL | \
				  TAIHU_SYNCOBJ_WAIT_FOR_SUBMIT | \
				  TAIHU_SYNCOBJ_WAIT_AVAILABLE)

TAIHU_EXPORT int taihu_syncobj_create(struct taihu_device *dev, int signaled,
				      uint32_t *handle)
{
	uint32_t h = 0;

	if (!dev || !handle)
		return -EINVAL;
	*handle = 0;
	errno = 0;
	if (drmSyncobjCreate(dev->fd, signaled ? DRM_SYNCOBJ_CREATE_SIGNALED : 0,
			     &h))
		return drm_result(-1);
	*handle = h;
	return 0;
}

TAIHU_EXPORT int taihu_syncobj_destroy(struct taihu_device *dev,
				       uint32_t handle)
{
	if (!dev || !handle)
		return -EINVAL;
	errno = 0;
	return drm_result(drmSyncobjDestroy(dev->fd, handle));
}

TAIHU_EXPORT int taihu_syncobj_export(struct taihu_device *dev, uint32_t handle,
				      int *fd)
{
	int obj_fd = -1;

	if (!dev || !fd || !handle)
		return -EINVAL;
	*fd = -1;
	errno = 0;
	if (drmSyncobjHandleToFD(dev->fd, handle, &obj_fd))
		return drm_result(-1);
	*fd = obj_fd;
	return 0;
}

TAIHU_EXPORT int taihu_syncobj_import(struct taihu_device *dev, int fd,
				      uint32_t *handle)
{
	uint32_t h = 0;

	if (!dev || !handle || fd < 0)
		return -EINVAL;
	*handle = 0;
	errno = 0;
	if (drmSyncobjFDToHandle(dev->fd, fd, &h))
		return drm_result(-1);
	*handle = h;
	return 0;
}

TAIHU_EXPORT int taihu_syncobj_export_sync_file(struct taihu_device *dev,
						uint32_t handle, uint64_t point,
						int *fd)
{
	uint32_t tmp = 0;
	int sf = -1, ret;

	if (!dev || !fd || !handle)
		return -EINVAL;
	*fd = -1;
	if (point) {
		/* A sync_file holds one fence: move the point's to a binary. */
		ret = taihu_syncobj_create(dev, 0, &tmp);
		if (ret)
			return ret;
		ret = taihu_syncobj_transfer(dev, tmp, 0, handle, point);
		if (ret) {
			taihu_syncobj_destroy(dev, tmp);
			return ret;
		}
		handle = tmp;
	}
	errno = 0;
	ret = drmSyncobjExportSyncFile(dev->fd, handle, &sf) ? drm_result(-1) : 0;
	if (tmp)
		taihu_syncobj_destroy(dev, tmp);
	if (!ret)
		*fd = sf;
	return ret;
}

TAIHU_EXPORT int taihu_syncobj_import_sync_file(struct taihu_device *dev,
						uint32_t handle, int fd)
{
	if (!dev || !handle || fd < 0)
		return -EINVAL;
	errno = 0;
	return drm_result(drmSyncobjImportSyncFile(dev->fd, handle, fd));
}

TAIHU_EXPORT int taihu_syncobj_reset(struct taihu_device *dev,
				     const uint32_t *handles, uint32_t count)
{
	if (!dev || !handles || !count)
		return -EINVAL;
	errno = 0;
	return drm_result(drmSyncobjReset(dev->fd, handles, count));
}

TAIHU_EXPORT int taihu_syncobj_signal(struct taihu_device *dev,
				      const uint32_t *handles, uint32_t count)
{
	if (!dev || !handles || !count)
		return -EINVAL;
	errno = 0;
	return drm_result(drmSyncobjSignal(dev->fd, handles, count));
}

TAIHU_EXPORT int taihu_syncobj_wait(struct taihu_device *dev,
				    const uint32_t *handles, uint32_t count,
				    int64_t deadline_ns, uint32_t flags,
				    uint32_t *first)
{
	if (!dev || !handles || !count || (flags & ~TAIHU_SYNCOBJ_WAIT_KNOWN))
		return -EINVAL;
	errno = 0;
	/* libdrm takes non-const arrays that it only reads. */
	return drm_result(drmSyncobjWait(dev->fd, (uint32_t *)handles, count,
					 deadline_ns, wait_flags(flags), first));
}

TAIHU_EXPORT int taihu_syncobj_timeline_signal(struct taihu_device *dev,
					       const uint32_t *handles,
					       const uint64_t *points,
					       uint32_t count)
{
	if (!dev || !handles || !points || !count)
		return -EINVAL;
	errno = 0;
	return drm_result(drmSyncobjTimelineSignal(dev->fd, handles,
						   (uint64_t *)points, count));
}

TAIHU_EXPORT int taihu_syncobj_timeline_query(struct taihu_device *dev,
					      uint32_t handle, uint64_t *point)
{
	uint64_t p = 0;

	if (!dev || !handle || !point)
		return -EINVAL;
	errno = 0;
	if (drmSyncobjQuery(dev->fd, &handle, &p, 1))
		return drm_result(-1);
	*point = p;
	return 0;
}

TAIHU_EXPORT int taihu_syncobj_timeline_wait(struct taihu_device *dev,
					     const uint32_t *handles,
					     const uint64_t *points,
					     uint32_t count,
					     int64_t deadline_ns,
					     uint32_t flags, uint32_t *first)
{
	if (!dev || !handles || !points || !count ||
	    (flags & ~TAIHU_SYNCOBJ_WAIT_KNOWN))
		return -EINVAL;
	errno = 0;
	return drm_result(drmSyncobjTimelineWait(dev->fd, (uint32_t *)handles,
						 (uint64_t *)points, count,
						 deadline_ns, wait_flags(flags),
						 first));
}

TAIHU_EXPORT int taihu_syncobj_transfer(struct taihu_device *dev, uint32_t dst,
					uint64_t dst_point, uint32_t src,
					uint64_t src_point)
{
	if (!dev || !dst || !src)
		return -EINVAL;
	errno = 0;
	return drm_result(drmSyncobjTransfer(dev->fd, dst, dst_point, src,
					     src_point, 0));
}
