/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The ioctl firewall in front of drm_ioctl(): which core DRM ioctls an
 * accel file may reach.
 */
#ifndef __TAIHU_IOCTL_FILTER_H__
#define __TAIHU_IOCTL_FILTER_H__

#include <linux/types.h>

struct file;

/*
 * Most handles one core syncobj ioctl (WAIT, TIMELINE_WAIT, RESET, SIGNAL,
 * TIMELINE_SIGNAL, QUERY) may name: 16 times what one SUBMIT may wait for
 * (DRM_TAIHU_MAX_IN_SYNCS); the core's own arrays for it stay well below
 * the page allocator's largest order.
 */
#define TAIHU_SYNCOBJ_MAX_HANDLES	4096

long taihu_ioctl(struct file *filp, unsigned int cmd, unsigned long arg);
#ifdef CONFIG_COMPAT
long taihu_compat_ioctl(struct file *filp, unsigned int cmd,
			unsigned long arg);
#else
#define taihu_compat_ioctl NULL
#endif

#endif /* __TAIHU_IOCTL_FILTER_H__ */
