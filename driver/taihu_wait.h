/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The WAIT ioctl.
 */
#ifndef __TAIHU_WAIT_H__
#define __TAIHU_WAIT_H__

struct drm_device;
struct drm_file;

/**
 * taihu_wait_ioctl() - DRM_IOCTL_TAIHU_WAIT
 * @drm: the DRM device
 * @data: &struct drm_taihu_wait
 * @file: the calling file
 *
 * Return: 0 or a negative errno, see &struct drm_taihu_wait.
 */
int taihu_wait_ioctl(struct drm_device *drm, void *data,
		     struct drm_file *file);

/**
 * taihu_deadline_to_jiffies() - jiffies until an absolute deadline
 * @deadline_ns: CLOCK_MONOTONIC deadline in ns
 *
 * Rounded up, and one more for the tick we start in, so that a wait of that
 * many jiffies never ends before the deadline.
 *
 * Return: 0 for a past deadline, else at most MAX_SCHEDULE_TIMEOUT - 1.
 */
long taihu_deadline_to_jiffies(s64 deadline_ns);

#endif /* __TAIHU_WAIT_H__ */
