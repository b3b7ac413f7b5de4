/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * VRAM allocator and VRAM buffer objects.
 */
#ifndef __TAIHU_GEM_H__
#define __TAIHU_GEM_H__

#include <linux/mutex.h>
#include <linux/types.h>

#include <drm/drm_gem.h>
#include <drm/drm_mm.h>

struct drm_device;
struct drm_file;
struct taihu_device;

/**
 * struct taihu_vram - allocator over the card's VRAM
 * @lock: protects @mm and @used
 * @mm: the range allocator; device address == VRAM offset
 * @used: bytes allocated, including the driver's own regions
 * @fw_node: region at offset 0 reserved for the firmware image
 */
struct taihu_vram {
	struct mutex lock; /* protects mm and used */
	struct drm_mm mm;
	u64 used;
	struct drm_mm_node fw_node;
};

/* VRAM kept at offset 0 for the firmware image (the card may read it). */
#define TAIHU_FW_REGION_SIZE		SZ_4M

/**
 * struct taihu_bo - a buffer object in VRAM
 * @base: the GEM object
 * @node: its VRAM range; immutable while the object lives
 * @placement: &enum drm_taihu_placement
 * @flags: creation flags
 */
struct taihu_bo {
	struct drm_gem_object base;
	struct drm_mm_node node;
	u32 placement;
	u32 flags;
};

static inline struct taihu_bo *to_taihu_bo(struct drm_gem_object *obj)
{
	return container_of(obj, struct taihu_bo, base);
}

/**
 * taihu_vram_init() - set up the VRAM allocator and reserve the firmware region
 * @tdev: the device, with &taihu_hw.vram_size known
 *
 * Teardown is registered as a DRM-managed action.
 *
 * Return: 0 or a negative errno.
 */
int taihu_vram_init(struct taihu_device *tdev);

/**
 * taihu_vram_alloc() - allocate a page-aligned VRAM range
 * @tdev: the device
 * @node: zeroed node to fill
 * @size: bytes, non-zero
 *
 * Return: 0, or -ENOMEM when no free range is large enough.
 */
int taihu_vram_alloc(struct taihu_device *tdev, struct drm_mm_node *node,
		     u64 size);

/**
 * taihu_vram_free() - release a range from taihu_vram_alloc()
 * @tdev: the device
 * @node: the node; nothing happens if it is not allocated
 */
void taihu_vram_free(struct taihu_device *tdev, struct drm_mm_node *node);

/**
 * taihu_vram_used() - bytes of VRAM allocated now
 * @tdev: the device
 *
 * Return: the byte count.
 */
u64 taihu_vram_used(struct taihu_device *tdev);

int taihu_bo_create_ioctl(struct drm_device *drm, void *data,
			  struct drm_file *file);
int taihu_bo_info_ioctl(struct drm_device *drm, void *data,
			struct drm_file *file);

#endif /* __TAIHU_GEM_H__ */
