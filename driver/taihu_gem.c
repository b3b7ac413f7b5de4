// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * VRAM allocator (drm_mm over the card's VRAM; the device address of a
 * buffer is its VRAM offset) and VRAM buffer objects, mapped to userspace
 * write-combined straight from BAR2.
 */

#include <linux/err.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/slab.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_managed.h>
#include <drm/drm_vma_manager.h>
#include <drm/taihu_accel.h>

#include "taihu_drv.h"
#include "taihu_gem.h"

static void taihu_vram_fini(struct drm_device *drm, void *arg)
{
	struct taihu_device *tdev = arg;

	taihu_vram_free(tdev, &tdev->vram.fw_node);
	drm_mm_takedown(&tdev->vram.mm);
}

int taihu_vram_init(struct taihu_device *tdev)
{
	struct taihu_vram *vram = &tdev->vram;
	int ret;

	/* Room for the firmware image, the rings and some buffers. */
	if (tdev->hw.vram_size < 2 * TAIHU_FW_REGION_SIZE) {
		dev_err(tdev->drm.dev, "VRAM of %llu bytes is too small\n",
			tdev->hw.vram_size);
		return -ENODEV;
	}

	ret = drmm_mutex_init(&tdev->drm, &vram->lock);
	if (ret)
		return ret;

	drm_mm_init(&vram->mm, 0, tdev->hw.vram_size);
	vram->fw_node.start = 0;
	vram->fw_node.size = TAIHU_FW_REGION_SIZE;
	ret = drm_mm_reserve_node(&vram->mm, &vram->fw_node);
	if (ret) {
		drm_mm_takedown(&vram->mm);
		return ret;
	}
	vram->used = vram->fw_node.size;

	return drmm_add_action_or_reset(&tdev->drm, taihu_vram_fini, tdev);
}

int taihu_vram_alloc(struct taihu_device *tdev, struct drm_mm_node *node,
		     u64 size)
{
	struct taihu_vram *vram = &tdev->vram;
	int ret;

	if (!size || size > tdev->hw.vram_size)
		return -ENOMEM;

	mutex_lock(&vram->lock);
	ret = drm_mm_insert_node_in_range(&vram->mm, node, size, PAGE_SIZE, 0,
					  0, U64_MAX, DRM_MM_INSERT_BEST);
	if (!ret)
		vram->used += node->size;
	mutex_unlock(&vram->lock);

	return ret ? -ENOMEM : 0;
}

void taihu_vram_free(struct taihu_device *tdev, struct drm_mm_node *node)
{
	struct taihu_vram *vram = &tdev->vram;

	mutex_lock(&vram->lock);
	if (drm_mm_node_allocated(node)) {
		vram->used -= node->size;
		drm_mm_remove_node(node);
	}
	mutex_unlock(&vram->lock);
}

u64 taihu_vram_used(struct taihu_device *tdev)
{
	u64 used;

	mutex_lock(&tdev->vram.lock);
	used = tdev->vram.used;
	mutex_unlock(&tdev->vram.lock);

	return used;
}

static void taihu_gem_free(struct drm_gem_object *obj)
{
	struct taihu_bo *bo = to_taihu_bo(obj);

	taihu_vram_free(to_taihu_device(obj->dev), &bo->node);
	drm_gem_object_release(obj);
	kfree(bo);
}

static int taihu_gem_mmap(struct drm_gem_object *obj,
			  struct vm_area_struct *vma)
{
	struct taihu_device *tdev = to_taihu_device(obj->dev);
	struct taihu_bo *bo = to_taihu_bo(obj);
	unsigned long pfn;
	int idx, ret;

	/* BAR memory cannot be copied on write. */
	if (is_cow_mapping(vma->vm_flags))
		return -EINVAL;

	if (!drm_dev_enter(obj->dev, &idx))
		return -ENODEV;

	/* The fake offset lookup checked that the range fits the object. */
	pfn = PHYS_PFN(tdev->hw.vram_phys + bo->node.start) +
	      (vma->vm_pgoff - drm_vma_node_start(&obj->vma_node));

	vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_page_prot = pgprot_writecombine(vm_get_page_prot(vma->vm_flags));
	/* Device unplug zaps these PTEs; later accesses get SIGBUS. */
	ret = io_remap_pfn_range(vma, vma->vm_start, pfn,
				 vma->vm_end - vma->vm_start, vma->vm_page_prot);

	drm_dev_exit(idx);
	return ret;
}

/* VRAM is not exported: nothing outside the card can use it yet. */
static struct dma_buf *taihu_gem_export(struct drm_gem_object *obj, int flags)
{
	return ERR_PTR(-EOPNOTSUPP);
}

static const struct vm_operations_struct taihu_gem_vm_ops = {
	.open = drm_gem_vm_open,
	.close = drm_gem_vm_close,
};

static const struct drm_gem_object_funcs taihu_gem_funcs = {
	.free = taihu_gem_free,
	.mmap = taihu_gem_mmap,
	.export = taihu_gem_export,
	.vm_ops = &taihu_gem_vm_ops,
};

int taihu_bo_create_ioctl(struct drm_device *drm, void *data,
			  struct drm_file *file)
{
	struct taihu_device *tdev = to_taihu_device(drm);
	struct drm_taihu_bo_create *args = data;
	struct taihu_bo *bo;
	u32 handle;
	u64 size;
	int idx, ret;

	if (args->flags || args->pad ||
	    args->placement != DRM_TAIHU_PLACEMENT_VRAM || !args->size ||
	    check_add_overflow(args->size, (u64)PAGE_SIZE - 1, &size))
		return -EINVAL;
	size &= PAGE_MASK;
	if (size > tdev->hw.vram_size)
		return -ENOMEM;

	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;

	bo = kzalloc(sizeof(*bo), GFP_KERNEL);
	if (!bo) {
		ret = -ENOMEM;
		goto out_exit;
	}
	bo->base.funcs = &taihu_gem_funcs;
	bo->placement = args->placement;
	bo->flags = args->flags;
	drm_gem_private_object_init(drm, &bo->base, size);

	ret = taihu_vram_alloc(tdev, &bo->node, size);
	if (ret)
		goto out_put;

	/* VRAM is reused between files: never hand out old contents. */
	memset_io(tdev->hw.vram + bo->node.start, 0, size);

	ret = drm_gem_create_mmap_offset(&bo->base);
	if (ret)
		goto out_put;

	ret = drm_gem_handle_create(file, &bo->base, &handle);
	if (ret)
		goto out_put;

	args->size = size;
	args->handle = handle;
	args->dev_addr = bo->node.start;

out_put:
	/* The handle, if any, holds the object now. */
	drm_gem_object_put(&bo->base);
out_exit:
	drm_dev_exit(idx);
	return ret;
}

int taihu_bo_info_ioctl(struct drm_device *drm, void *data,
			struct drm_file *file)
{
	struct drm_taihu_bo_info *args = data;
	struct drm_gem_object *obj;
	struct taihu_bo *bo;
	int idx;

	if (args->pad)
		return -EINVAL;

	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;

	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj) {
		drm_dev_exit(idx);
		return -ENOENT;
	}
	bo = to_taihu_bo(obj);

	args->mmap_offset = drm_vma_node_offset_addr(&obj->vma_node);
	args->dev_addr = bo->node.start;
	args->size = obj->size;
	args->placement = bo->placement;
	args->flags = bo->flags;

	drm_gem_object_put(obj);
	drm_dev_exit(idx);
	return 0;
}
