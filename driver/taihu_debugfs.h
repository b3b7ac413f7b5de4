/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * debugfs files for developers, under the DRM device's debugfs directory.
 */
#ifndef __TAIHU_DEBUGFS_H__
#define __TAIHU_DEBUGFS_H__

#include <linux/sizes.h>

struct taihu_device;

/* Size of the copy timed by card_memcpy_bench. */
#define TAIHU_MEMCPY_BENCH_SIZE		SZ_64M
/* Mailbox round trips timed by a read of ping. */
#define TAIHU_PING_COUNT		1000

/**
 * taihu_debugfs_init() - create the debugfs files of a registered device
 * @tdev: the device
 *
 * The files are removed with the DRM device's debugfs directory.
 */
void taihu_debugfs_init(struct taihu_device *tdev);

#endif /* __TAIHU_DEBUGFS_H__ */
