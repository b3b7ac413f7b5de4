/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The SUBMIT and SUBMIT_BATCH ioctls.
 */
#ifndef __TAIHU_SUBMIT_H__
#define __TAIHU_SUBMIT_H__

struct drm_device;
struct drm_file;

/**
 * taihu_submit_ioctl() - DRM_IOCTL_TAIHU_SUBMIT
 * @drm: the DRM device
 * @data: &struct drm_taihu_submit
 * @file: the calling file
 *
 * Return: 0 or a negative errno, see &struct drm_taihu_submit.
 */
int taihu_submit_ioctl(struct drm_device *drm, void *data,
		       struct drm_file *file);

/**
 * taihu_submit_batch_ioctl() - DRM_IOCTL_TAIHU_SUBMIT_BATCH
 * @drm: the DRM device
 * @data: &struct drm_taihu_submit_batch
 * @file: the calling file
 *
 * Return: 0 or a negative errno, see &struct drm_taihu_submit_batch.
 */
int taihu_submit_batch_ioctl(struct drm_device *drm, void *data,
			     struct drm_file *file);

#endif /* __TAIHU_SUBMIT_H__ */
