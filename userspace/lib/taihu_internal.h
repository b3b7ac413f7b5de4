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
	uint64_t size;
	uint64_t dev_addr;
	void *map;
};

/* drmIoctl() wrapper returning 0 or a negative errno. */
int taihu__ioctl(int fd, unsigned long request, void *arg);

#endif /* TAIHU_INTERNAL_H */
