/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * VRAM allocator and buffer objects (VRAM and host placements), with their
 * mappings in the device contexts of the files that hold handles to them.
 */
#ifndef __TAIHU_GEM_H__
#define __TAIHU_GEM_H__

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>

#include <drm/drm_gem.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_mm.h>

struct drm_device;
struct drm_file;
struct drm_printer;
struct taihu_ctx;
struct taihu_device;

/**
 * struct taihu_vram - allocator over the card's VRAM
 * @lock: protects @mm and @used
 * @mm: the range allocator; device address == VRAM offset
 * @used: bytes allocated, including the driver's own regions
 * @fw_node: region at offset 0 reserved for the firmware image
 * @dummy_page: a zeroed page that user mappings of VRAM show once the card
 *	is unplugged (taihu_vram_vm_fault()); freed with the DRM device, which
 *	every such mapping keeps alive through its file
 */
struct taihu_vram {
	struct mutex lock; /* protects mm and used */
	struct drm_mm mm;
	u64 used;
	struct drm_mm_node fw_node;
	struct page *dummy_page;
};

/* VRAM kept at offset 0 for the firmware image (the card may read it). */
#define TAIHU_FW_REGION_SIZE		SZ_4M

/**
 * struct taihu_bo - a buffer object
 * @base: the GEM shmem object; only host buffers use its shmem part. First
 *	member: the shmem helpers free the object through it
 * @node: VRAM range of a VRAM buffer; immutable while the object lives
 * @placement: &enum drm_taihu_placement
 * @host_counted: counted in &taihu_device.host_used
 * @pin_mm: the process charged for the pinned pages of a host buffer
 *	(taihu_pin.c), grabbed; NULL until a job first uses it. Under @lock
 * @lock: protects @maps and the mappings on it
 * @maps: &struct taihu_bo_map, one per context that uses the buffer
 */
struct taihu_bo {
	struct drm_gem_shmem_object base;
	struct drm_mm_node node;
	u32 placement;
	bool host_counted;
	struct mm_struct *pin_mm;
	struct mutex lock; /* maps, pin_mm */
	struct list_head maps;
};

/**
 * struct taihu_bo_map - a buffer's mapping in one device context
 * @link: entry in &taihu_bo.maps
 * @bo: the buffer
 * @ctx: the context; the mapping holds a reference
 * @va: its VA range (the buffer, then a guard page)
 * @handles: handles the context's file has to the buffer
 * @refs: one for all the handles, one per job using the mapping
 * @mapped: bytes of page-table entries written from the start of @va:
 *	VRAM buffers are mapped at once, host buffers when a job first
 *	uses them
 *
 * All fields are protected by &taihu_bo.lock; @va is immutable while the
 * mapping exists.
 */
struct taihu_bo_map {
	struct list_head link;
	struct taihu_bo *bo;
	struct taihu_ctx *ctx;
	struct drm_mm_node va;
	u32 handles;
	u32 refs;
	u64 mapped;
};

static inline struct taihu_bo *to_taihu_bo(struct drm_gem_object *obj)
{
	return container_of(obj, struct taihu_bo, base.base);
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
 * taihu_vram_move() - hand an allocated VRAM range to another node
 * @tdev: the device
 * @from: an allocated node; no longer allocated afterwards
 * @to: zeroed node that takes the range over
 */
void taihu_vram_move(struct taihu_device *tdev, struct drm_mm_node *from,
		     struct drm_mm_node *to);

/**
 * taihu_vram_used() - bytes of VRAM allocated now
 * @tdev: the device
 *
 * Return: the byte count.
 */
u64 taihu_vram_used(struct taihu_device *tdev);

/**
 * taihu_vram_bo_create() - create a zeroed VRAM buffer object
 * @tdev: the device
 * @size: bytes, page aligned, non-zero
 *
 * The object has an mmap offset and no handle; a handle made for it maps
 * it in the file's context.
 *
 * Return: the object with one reference, or an ERR_PTR.
 */
struct drm_gem_object *taihu_vram_bo_create(struct taihu_device *tdev,
					    u64 size);

/**
 * taihu_gem_create_object() - &drm_driver.gem_create_object for host buffers
 * @drm: the DRM device
 * @size: object size
 *
 * Used by the GEM shmem helpers, for BO_CREATE and for PRIME imports.
 *
 * Return: the object embedded in a new &struct taihu_bo, or an ERR_PTR.
 */
struct drm_gem_object *taihu_gem_create_object(struct drm_device *drm,
					       size_t size);

/**
 * taihu_bo_map_get() - get a buffer's mapping in a context for a job
 * @obj: the buffer, from a handle of the context's file
 * @ctx: the context
 *
 * Host buffers are pinned, DMA-mapped and entered in the page table on
 * first use; they stay so until the buffer is freed (pages) or the file
 * lets go of it (page-table entries).
 *
 * Return: the mapping with a reference for the job, -ENOENT if the file no
 * longer has a handle, -ENOMEM, or -EINTR.
 */
struct taihu_bo_map *taihu_bo_map_get(struct drm_gem_object *obj,
				      struct taihu_ctx *ctx);

/**
 * taihu_bo_map_put() - drop a reference from taihu_bo_map_get()
 * @map: the mapping
 *
 * The last reference unmaps the buffer from the context. Sleeps.
 */
void taihu_bo_map_put(struct taihu_bo_map *map);

/**
 * taihu_gem_show_fdinfo() - print a file's memory as "vram" and "system"
 * @p: the printer
 * @file: the DRM file
 */
void taihu_gem_show_fdinfo(struct drm_printer *p, struct drm_file *file);

/**
 * taihu_bo_create_ioctl() - DRM_IOCTL_TAIHU_BO_CREATE
 * @drm: the DRM device
 * @data: &struct drm_taihu_bo_create
 * @file: the calling file
 *
 * Return: 0 or a negative errno, see &struct drm_taihu_bo_create.
 */
int taihu_bo_create_ioctl(struct drm_device *drm, void *data,
			  struct drm_file *file);

/**
 * taihu_bo_info_ioctl() - DRM_IOCTL_TAIHU_BO_INFO
 * @drm: the DRM device
 * @data: &struct drm_taihu_bo_info
 * @file: the calling file
 *
 * Return: 0 or a negative errno, see &struct drm_taihu_bo_info.
 */
int taihu_bo_info_ioctl(struct drm_device *drm, void *data,
			struct drm_file *file);

#endif /* __TAIHU_GEM_H__ */
