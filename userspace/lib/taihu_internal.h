/* SPDX-License-Identifier: MIT */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * libtaihu internals shared between the library's source files.
 */
#ifndef TAIHU_INTERNAL_H
#define TAIHU_INTERNAL_H

#include <stdint.h>

#include "taihu/taihu.h"

#define TAIHU_EXPORT __attribute__((visibility("default")))

struct taihu_device {
	int fd;
	char path[64];
};

struct taihu_bo {
	struct taihu_device *dev;
	uint32_t handle;
	uint32_t placement;
	uint64_t size;
	uint64_t dev_addr;
	void *map;
};

/* drmIoctl() wrapper returning 0 or a negative errno. */
int taihu__ioctl(int fd, unsigned long request, void *arg);

/* 0 when [@offset, @offset + @len) lies inside @bo, else -ERANGE. */
int taihu__bo_range(const struct taihu_bo *bo, uint64_t offset, uint64_t len);

#endif /* TAIHU_INTERNAL_H */
