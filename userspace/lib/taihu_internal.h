/* SPDX-License-Identifier: MIT */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * libtaihu internals shared between the library's source files.
 */
#ifndef TAIHU_INTERNAL_H
#define TAIHU_INTERNAL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "taihu/taihu.h"

/*
 * Only what the version script (libtaihu.map) lists is exported; the
 * attribute also keeps the static library's visibility right.
 */
#define TAIHU_EXPORT __attribute__((visibility("default")))

/* One entry of a device list, also kept by an open device. */
struct taihu_device_desc {
	uint32_t index;
	uint32_t minor;
	char *node;
	char *pci_slot;
	char *syspath;
	char *serial;
};

struct taihu_device_list {
	unsigned int count;
	struct taihu_device_desc *descs;
};

/*
 * @refs: the opener's reference plus one per live BO; the file is closed
 * when it drops to zero.
 * @bo_lock: protects @bo_table and every BO's @refs. It is held across
 * GEM_CLOSE so that an import cannot be handed the handle of a BO that is
 * being freed.
 * @bo_table: tsearch() tree of the live BOs by GEM handle: one handle has
 * one &struct taihu_bo.
 */
struct taihu_device {
	int fd;
	unsigned int refs;
	pthread_mutex_t bo_lock;
	void *bo_table;
	struct taihu_device_desc desc;
};

/* @refs: under @dev->bo_lock; one per taihu_bo_create()/taihu_bo_import(). */
struct taihu_bo {
	struct taihu_device *dev;
	uint32_t handle;
	uint32_t placement;
	unsigned int refs;
	uint64_t size;
	uint64_t dev_addr;
	void *map;
};

/* drmIoctl() wrapper returning 0 or a negative errno. */
int taihu__ioctl(int fd, unsigned long request, void *arg);

/* 0 when [@offset, @offset + @len) lies inside @bo, else -ERANGE. */
int taihu__bo_range(const struct taihu_bo *bo, uint64_t offset, uint64_t len);

/*
 * The BO table (bo.c), under @dev->bo_lock: taihu__bo_lookup() finds the
 * BO of @handle; taihu__bo_new() makes and enters one with one reference,
 * taking a device reference.
 */
struct taihu_bo *taihu__bo_lookup(struct taihu_device *dev, uint32_t handle);
int taihu__bo_new(struct taihu_device *dev, uint32_t handle,
		  uint32_t placement, uint64_t size, uint64_t dev_addr,
		  struct taihu_bo **out);

/* Device references (device.c); taihu__device_put() may close the file. */
void taihu__device_get(struct taihu_device *dev);
void taihu__device_put(struct taihu_device *dev);

/* Enumeration (enumerate.c). */
int taihu__desc_copy(struct taihu_device_desc *dst,
		     const struct taihu_device_desc *src);
void taihu__desc_clear(struct taihu_device_desc *desc);
/* Set the four strings (NULL taken as ""); -ENOMEM leaves @d cleared. */
int taihu__desc_set(struct taihu_device_desc *d, const char *node,
		    const char *slot, const char *syspath, const char *serial);
/* Fill @desc for the accel device whose node has device number @rdev. */
int taihu__desc_from_devnum(unsigned long rdev, struct taihu_device_desc *desc);

/*
 * Caller-allocated, size-prefixed structures (struct_size.c).
 * taihu__sized_in(): copy the caller's @user into the library's @dst of
 * @dst_size bytes, zero-extended; -EINVAL when @user's size is below
 * @min_size, -E2BIG when it is larger than @dst_size with non-zero bytes
 * beyond. taihu__sized_check(): the -EINVAL check for an output structure
 * (a caller's larger one is fine: the rest is zeroed). The minimum of a
 * structure is its first version, TAIHU__SIZEOF_UPTO(type, its last field).
 * taihu__sized_out(): copy the library's @src of @src_size bytes into the
 * caller's @user, never beyond its size (zeroing what @src lacks), keeping
 * its size member.
 */
#define TAIHU__SIZEOF_UPTO(type, last) \
	(offsetof(type, last) + sizeof(((type *)0)->last))
/* First versions of the structures more than one file checks. */
#define TAIHU__RESULT_SIZE_V1 \
	TAIHU__SIZEOF_UPTO(struct taihu_job_result, error_addr)
int taihu__sized_in(void *dst, size_t dst_size, const void *user,
		    size_t min_size);
int taihu__sized_check(const void *user, size_t min_size);
void taihu__sized_out(void *user, const void *src, size_t src_size);

/* Remember why a kernel append on @cb failed (taihu_cmdbuf_error()). */
void taihu__cmdbuf_set_error(struct taihu_cmdbuf *cb, const char *msg);

#endif /* TAIHU_INTERNAL_H */
