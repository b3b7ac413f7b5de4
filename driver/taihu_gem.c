// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Buffer objects in two placements:
 * - VRAM: a range of the card's memory (drm_mm over VRAM), mapped to
 *   userspace write-combined straight from BAR2;
 * - HOST: a GEM shmem object, mapped to userspace cached as pages of its
 *   shmem file (taihu_host_bo_mmap()), pinned and DMA-mapped when a job
 *   first uses it, until it is freed. PRIME imports from other devices are
 *   host buffers backed by the exporter's sg table.
 *
 * Every file that holds a handle to a buffer has its own mapping of it in
 * its device context (&struct taihu_bo_map), created by the GEM open
 * callback when the file gets its first handle and kept while the file has
 * a handle or a job uses it. VRAM buffers are entered in the page table at
 * once, host buffers at first use by a job (their pages need not exist
 * before).
 *
 * VRAM buffers may be exported as dma-bufs and imported by the same device
 * only: nothing else can reach the card's memory, so attaching from
 * another device fails with -EOPNOTSUPP, and so does mmap() of the dma-buf
 * (map the handle through the device file instead).
 *
 * Locking: &taihu_bo.lock protects the buffer's mapping list and is taken
 * outside &taihu_ctx.lock and outside the buffer's reservation lock (which
 * the shmem helpers take to pin pages).
 */

#include <linux/dma-resv.h>
#include <linux/err.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/pagemap.h>
#include <linux/slab.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_managed.h>
#include <drm/drm_print.h>
#include <drm/drm_vma_manager.h>
#include <drm/taihu_accel.h>

#include "taihu_drv.h"
#include "taihu_gem.h"
#include "taihu_mmu.h"
#include "taihu_pin.h"

static void taihu_vram_fini(struct drm_device *drm, void *arg)
{
	struct taihu_device *tdev = arg;

	taihu_vram_free(tdev, &tdev->vram.fw_node);
	drm_mm_takedown(&tdev->vram.mm);
	__free_page(tdev->vram.dummy_page);
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

	vram->dummy_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!vram->dummy_page)
		return -ENOMEM;

	drm_mm_init(&vram->mm, 0, tdev->hw.vram_size);
	vram->fw_node.start = 0;
	vram->fw_node.size = TAIHU_FW_REGION_SIZE;
	ret = drm_mm_reserve_node(&vram->mm, &vram->fw_node);
	if (ret) {
		drm_mm_takedown(&vram->mm);
		__free_page(vram->dummy_page);
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

void taihu_vram_move(struct taihu_device *tdev, struct drm_mm_node *from,
		     struct drm_mm_node *to)
{
	int ret;

	mutex_lock(&tdev->vram.lock);
	to->start = from->start;
	to->size = from->size;
	drm_mm_remove_node(from);
	/* The range was just freed under the same lock: this cannot fail. */
	ret = drm_mm_reserve_node(&tdev->vram.mm, to);
	WARN_ON(ret);
	mutex_unlock(&tdev->vram.lock);
}

u64 taihu_vram_used(struct taihu_device *tdev)
{
	u64 used;

	mutex_lock(&tdev->vram.lock);
	used = tdev->vram.used;
	mutex_unlock(&tdev->vram.lock);

	return used;
}

/* Mappings in device contexts. */

static struct taihu_bo_map *taihu_bo_find_map(struct taihu_bo *bo,
					      struct taihu_ctx *ctx)
{
	struct taihu_bo_map *map;

	lockdep_assert_held(&bo->lock);

	list_for_each_entry(map, &bo->maps, link)
		if (map->ctx == ctx)
			return map;
	return NULL;
}

static struct taihu_bo_map *taihu_bo_map_create(struct taihu_bo *bo,
						struct taihu_ctx *ctx)
{
	struct drm_gem_object *obj = &bo->base.base;
	struct taihu_bo_map *map;
	int ret;

	lockdep_assert_held(&bo->lock);

	map = kzalloc(sizeof(*map), GFP_KERNEL);
	if (!map)
		return ERR_PTR(-ENOMEM);

	ret = taihu_ctx_va_alloc(ctx, &map->va, obj->size);
	if (ret)
		goto err_free;

	if (bo->placement == DRM_TAIHU_PLACEMENT_VRAM) {
		ret = taihu_ctx_map_vram(ctx, &map->va, bo->node.start,
					 obj->size);
		if (ret) {
			taihu_ctx_va_free(ctx, &map->va, 0, NULL);
			goto err_free;
		}
		map->mapped = obj->size;
	}

	map->bo = bo;
	map->ctx = taihu_ctx_get(ctx);
	list_add_tail(&map->link, &bo->maps);
	return map;

err_free:
	kfree(map);
	return ERR_PTR(ret);
}

static void taihu_bo_map_put_locked(struct taihu_bo_map *map)
{
	lockdep_assert_held(&map->bo->lock);

	if (--map->refs)
		return;

	list_del(&map->link);
	/* The card may still translate to it, or a user-queue entry use it. */
	taihu_ctx_va_free(map->ctx, &map->va, map->mapped, &map->bo->base.base);
	taihu_ctx_put(map->ctx);
	kfree(map);
}

void taihu_bo_map_put(struct taihu_bo_map *map)
{
	struct taihu_bo *bo = map->bo;

	mutex_lock(&bo->lock);
	taihu_bo_map_put_locked(map);
	mutex_unlock(&bo->lock);
}

/*
 * Pinned, DMA-mapped pages of a host buffer; kept until it is freed. The
 * first pin is charged to the calling process (taihu_pin.c).
 */
static struct sg_table *taihu_bo_host_sgt(struct taihu_bo *bo)
{
	struct taihu_device *tdev = to_taihu_device(bo->base.base.dev);
	struct sg_table *sgt;
	int ret;

	lockdep_assert_held(&bo->lock);
	/* An import comes mapped for us; the exporter keeps it pinned. */
	if (drm_gem_is_imported(&bo->base.base))
		return bo->base.sgt;
	if (bo->pin_mm)
		return drm_gem_shmem_get_pages_sgt(&bo->base);

	ret = taihu_pin_charge(tdev, bo);
	if (ret)
		return ERR_PTR(ret);
	sgt = drm_gem_shmem_get_pages_sgt(&bo->base);
	if (IS_ERR(sgt))
		taihu_pin_uncharge(tdev, bo);
	return sgt;
}

struct taihu_bo_map *taihu_bo_map_get(struct drm_gem_object *obj,
				      struct taihu_ctx *ctx)
{
	struct taihu_bo *bo = to_taihu_bo(obj);
	struct taihu_bo_map *map;
	struct sg_table *sgt;
	u64 mapped;
	int ret = 0;

	mutex_lock(&bo->lock);
	map = taihu_bo_find_map(bo, ctx);
	if (!map || !map->handles) {
		ret = -ENOENT;
		goto out;
	}

	if (bo->placement == DRM_TAIHU_PLACEMENT_HOST && !map->mapped) {
		sgt = taihu_bo_host_sgt(bo);
		if (IS_ERR_OR_NULL(sgt)) {
			ret = sgt ? PTR_ERR(sgt) : -ENOMEM;
			goto out;
		}
		ret = taihu_ctx_map_sgt(ctx, &map->va, sgt, obj->size, &mapped);
		if (ret)
			goto out;
		map->mapped = mapped;
	}
	map->refs++;
out:
	mutex_unlock(&bo->lock);
	return ret ? ERR_PTR(ret) : map;
}

static void taihu_ctx_account(struct taihu_ctx *ctx, struct taihu_bo *bo,
			      bool add)
{
	u64 size = bo->base.base.size;
	u64 *counter = bo->placement == DRM_TAIHU_PLACEMENT_VRAM ?
		       &ctx->vram_bytes : &ctx->host_bytes;

	mutex_lock(&ctx->lock);
	if (add)
		*counter += size;
	else
		*counter -= size;
	mutex_unlock(&ctx->lock);
}

/* A file got a handle: map the buffer in its context on the first one. */
static int taihu_gem_open(struct drm_gem_object *obj, struct drm_file *file)
{
	struct taihu_file *tfile = file->driver_priv;
	struct taihu_bo *bo = to_taihu_bo(obj);
	struct taihu_bo_map *map;
	int ret = 0;

	mutex_lock(&bo->lock);
	map = taihu_bo_find_map(bo, tfile->ctx);
	if (!map) {
		map = taihu_bo_map_create(bo, tfile->ctx);
		if (IS_ERR(map)) {
			ret = PTR_ERR(map);
			goto out;
		}
	}
	if (!map->handles++) {
		/* All the handles together hold one reference. */
		map->refs++;
		taihu_ctx_account(tfile->ctx, bo, true);
	}
out:
	mutex_unlock(&bo->lock);
	return ret;
}

static void taihu_gem_close(struct drm_gem_object *obj, struct drm_file *file)
{
	struct taihu_file *tfile = file->driver_priv;
	struct taihu_bo *bo = to_taihu_bo(obj);
	struct taihu_bo_map *map;

	mutex_lock(&bo->lock);
	map = taihu_bo_find_map(bo, tfile->ctx);
	if (map && map->handles && !--map->handles) {
		taihu_ctx_account(tfile->ctx, bo, false);
		taihu_bo_map_put_locked(map);
	}
	mutex_unlock(&bo->lock);
}

static void taihu_bo_init(struct taihu_bo *bo, u32 placement)
{
	bo->placement = placement;
	mutex_init(&bo->lock);
	INIT_LIST_HEAD(&bo->maps);
}

/* VRAM buffers. */

static void taihu_vram_bo_free(struct drm_gem_object *obj)
{
	struct taihu_bo *bo = to_taihu_bo(obj);

	taihu_vram_free(to_taihu_device(obj->dev), &bo->node);
	drm_gem_object_release(obj);
	mutex_destroy(&bo->lock);
	kfree(bo);
}

/* The PFN of page @pgoff (of the device file's fake offsets) of @obj. */
static unsigned long taihu_vram_bo_pfn(struct drm_gem_object *obj,
				       unsigned long pgoff)
{
	struct taihu_device *tdev = to_taihu_device(obj->dev);

	return PHYS_PFN(tdev->hw.vram_phys + to_taihu_bo(obj)->node.start) +
	       (pgoff - drm_vma_node_start(&obj->vma_node));
}

static int taihu_vram_bo_mmap(struct drm_gem_object *obj,
			      struct vm_area_struct *vma)
{
	int idx, ret;

	/* BAR memory cannot be copied on write. */
	if (is_cow_mapping(vma->vm_flags))
		return -EINVAL;
	/*
	 * Only through the device file: drm_dev_unplug() zaps the mappings of
	 * its address space, not those of a dma-buf file, and these PTEs would
	 * outlive the BAR.
	 */
	if (vma->vm_file->f_mapping != obj->dev->anon_inode->i_mapping)
		return -EOPNOTSUPP;

	if (!drm_dev_enter(obj->dev, &idx))
		return -ENODEV;

	/* The fake offset lookup checked that the range fits the object. */
	vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_page_prot = pgprot_writecombine(vm_get_page_prot(vma->vm_flags));
	/* Device unplug zaps these PTEs: taihu_vram_vm_fault() then. */
	ret = io_remap_pfn_range(vma, vma->vm_start,
				 taihu_vram_bo_pfn(obj, vma->vm_pgoff),
				 vma->vm_end - vma->vm_start, vma->vm_page_prot);

	drm_dev_exit(idx);
	return ret;
}

/*
 * A fault in a VRAM mapping: its PTEs were all set at mmap() time, so only
 * drm_dev_unplug() took them away (or a fault raced it). While the card is
 * there, the page is mapped again; once it is gone, the whole mapping shows
 * the device's dummy page, so that reads and writes still complete (their
 * result undefined) rather than SIGBUS, which a process cannot sensibly
 * handle (Documentation/gpu/drm-uapi.rst, "Device Hot-Unplug", as TTM's
 * ttm_bo_vm_dummy_page() does for amdgpu).
 */
static vm_fault_t taihu_vram_vm_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct drm_gem_object *obj = vma->vm_private_data;
	struct taihu_device *tdev = to_taihu_device(obj->dev);
	unsigned long addr, pfn;
	vm_fault_t ret;
	int idx;

	if (drm_dev_enter(obj->dev, &idx)) {
		ret = vmf_insert_pfn_prot(vma, vmf->address,
					  taihu_vram_bo_pfn(obj, vmf->pgoff),
					  vma->vm_page_prot);
		drm_dev_exit(idx);
		return ret;
	}

	pfn = page_to_pfn(tdev->vram.dummy_page);
	ret = VM_FAULT_NOPAGE;
	for (addr = vma->vm_start; addr < vma->vm_end; addr += PAGE_SIZE) {
		ret = vmf_insert_pfn_prot(vma, addr, pfn, vma->vm_page_prot);
		if (ret & VM_FAULT_ERROR)
			break;
	}
	return ret;
}

/*
 * Exported VRAM can only be imported by this device, which takes the object
 * itself without attaching; any other importer attaches, pins and fails.
 */
static int taihu_vram_bo_pin(struct drm_gem_object *obj)
{
	return -EOPNOTSUPP;
}

static struct sg_table *taihu_vram_bo_get_sg_table(struct drm_gem_object *obj)
{
	return ERR_PTR(-EOPNOTSUPP);
}

static const struct vm_operations_struct taihu_vram_vm_ops = {
	.fault = taihu_vram_vm_fault,
	.open = drm_gem_vm_open,
	.close = drm_gem_vm_close,
};

static const struct drm_gem_object_funcs taihu_vram_funcs = {
	.free = taihu_vram_bo_free,
	.open = taihu_gem_open,
	.close = taihu_gem_close,
	.pin = taihu_vram_bo_pin,
	.get_sg_table = taihu_vram_bo_get_sg_table,
	.mmap = taihu_vram_bo_mmap,
	.vm_ops = &taihu_vram_vm_ops,
};

struct drm_gem_object *taihu_vram_bo_create(struct taihu_device *tdev,
					    u64 size)
{
	struct taihu_bo *bo;
	int ret;

	bo = kzalloc(sizeof(*bo), GFP_KERNEL);
	if (!bo)
		return ERR_PTR(-ENOMEM);
	bo->base.base.funcs = &taihu_vram_funcs;
	taihu_bo_init(bo, DRM_TAIHU_PLACEMENT_VRAM);
	drm_gem_private_object_init(&tdev->drm, &bo->base.base, size);

	ret = taihu_vram_alloc(tdev, &bo->node, size);
	if (ret)
		goto err_put;

	/* VRAM is reused between files: never hand out old contents. */
	memset_io(tdev->hw.vram + bo->node.start, 0, size);

	ret = drm_gem_create_mmap_offset(&bo->base.base);
	if (ret)
		goto err_put;
	return &bo->base.base;

err_put:
	drm_gem_object_put(&bo->base.base);
	return ERR_PTR(ret);
}

/* Host buffers: the GEM shmem helpers, plus our mappings and accounting. */

static void taihu_host_bo_free(struct drm_gem_object *obj)
{
	struct taihu_device *tdev = to_taihu_device(obj->dev);
	struct taihu_bo *bo = to_taihu_bo(obj);

	if (bo->host_counted)
		atomic64_sub(obj->size, &tdev->host_used);
	/* the pages are unpinned below, nobody else holds the buffer now */
	taihu_pin_uncharge(tdev, bo);
	mutex_destroy(&bo->lock);
	/* Unmaps and unpins the pages, or detaches an import. */
	drm_gem_shmem_free(&bo->base);
}

/*
 * A host buffer is mapped as what it is: its shmem file. Pages are then
 * allocated one fault at a time, charged to the faulting process's memory
 * cgroup and counted in its RSS (RssShmem), which is what the OOM killer
 * ranks processes by. drm_gem_shmem_mmap() instead allocates every page
 * of the buffer at mmap() time and inserts them as PFNs, counted nowhere:
 * one mmap() of a buffer the size of RAM ran the machine out of memory
 * and the OOM killer took innocent processes. The mapping holds the shmem
 * file, not the object (as i915's dma-buf mmap does); the pages are the
 * ones a job pins, so the CPU and the card see the same memory.
 */
static int taihu_host_bo_mmap(struct drm_gem_object *obj,
			      struct vm_area_struct *vma)
{
	int ret;

	if (obj->import_attach)
		return drm_gem_shmem_object_mmap(obj, vma);
	if (is_cow_mapping(vma->vm_flags))
		return -EINVAL;

	/* the offset in the shmem file, not the fake one of the device file */
	vma->vm_pgoff -= drm_vma_node_start(&obj->vma_node);
	ret = obj->filp->f_op->mmap(obj->filp, vma);
	if (ret)
		return ret;
	vma_set_file(vma, obj->filp);
	vma->vm_private_data = NULL;
	vm_flags_set(vma, VM_DONTEXPAND);
	/* drm_gem_mmap_obj()'s reference: the file keeps the pages alive */
	drm_gem_object_put(obj);
	return 0;
}

static const struct drm_gem_object_funcs taihu_host_funcs = {
	.free = taihu_host_bo_free,
	.open = taihu_gem_open,
	.close = taihu_gem_close,
	.print_info = drm_gem_shmem_object_print_info,
	.pin = drm_gem_shmem_object_pin,
	.unpin = drm_gem_shmem_object_unpin,
	.get_sg_table = drm_gem_shmem_object_get_sg_table,
	.vmap = drm_gem_shmem_object_vmap,
	.vunmap = drm_gem_shmem_object_vunmap,
	.mmap = taihu_host_bo_mmap,
	.vm_ops = &drm_gem_shmem_vm_ops,
};

struct drm_gem_object *taihu_gem_create_object(struct drm_device *drm,
					       size_t size)
{
	struct taihu_bo *bo;

	bo = kzalloc(sizeof(*bo), GFP_KERNEL);
	if (!bo)
		return ERR_PTR(-ENOMEM);
	bo->base.base.funcs = &taihu_host_funcs;
	taihu_bo_init(bo, DRM_TAIHU_PLACEMENT_HOST);
	return &bo->base.base;
}

static struct drm_gem_object *taihu_host_bo_create(struct taihu_device *tdev,
						   u64 size)
{
	struct drm_gem_shmem_object *shmem;
	struct taihu_bo *bo;

	shmem = drm_gem_shmem_create(&tdev->drm, size);
	if (IS_ERR(shmem))
		return ERR_CAST(shmem);
	/*
	 * The helpers allocate with __GFP_RETRY_MAYFAIL, which never invokes
	 * the OOM killer. Right for their all-at-once mmap(); but our pages
	 * are faulted in (taihu_host_bo_mmap()), and a fault that cannot
	 * allocate would be retried for ever ("VM_FAULT_OOM leaked out"),
	 * the process spinning at its memory cgroup's limit. Still not
	 * movable: the pages are pinned for jobs.
	 */
	mapping_set_gfp_mask(shmem->base.filp->f_mapping, GFP_HIGHUSER);

	bo = to_taihu_bo(&shmem->base);
	bo->host_counted = true;
	atomic64_add(size, &tdev->host_used);
	return &shmem->base;
}

/* The caller's VA of a buffer, or 0 if its file has no handle to it. */
static u64 taihu_bo_file_addr(struct drm_gem_object *obj, struct drm_file *file)
{
	struct taihu_file *tfile = file->driver_priv;
	struct taihu_bo *bo = to_taihu_bo(obj);
	struct taihu_bo_map *map;
	u64 addr = 0;

	mutex_lock(&bo->lock);
	map = taihu_bo_find_map(bo, tfile->ctx);
	if (map && map->handles)
		addr = map->va.start;
	mutex_unlock(&bo->lock);
	return addr;
}

int taihu_bo_create_ioctl(struct drm_device *drm, void *data,
			  struct drm_file *file)
{
	struct taihu_device *tdev = to_taihu_device(drm);
	struct drm_taihu_bo_create *args = data;
	struct drm_gem_object *obj;
	u32 handle;
	u64 size, limit;
	int idx, ret;

	if (args->flags || args->pad || !args->size ||
	    (args->placement != DRM_TAIHU_PLACEMENT_VRAM &&
	     args->placement != DRM_TAIHU_PLACEMENT_HOST) ||
	    check_add_overflow(args->size, (u64)PAGE_SIZE - 1, &size))
		return -EINVAL;
	size &= PAGE_MASK;

	/* What can never fit; the allocators judge what fits now. */
	limit = args->placement == DRM_TAIHU_PLACEMENT_VRAM ?
		tdev->hw.vram_size : (u64)totalram_pages() << PAGE_SHIFT;
	if (size > limit)
		return -ENOMEM;

	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;

	if (args->placement == DRM_TAIHU_PLACEMENT_VRAM)
		obj = taihu_vram_bo_create(tdev, size);
	else
		obj = taihu_host_bo_create(tdev, size);
	if (IS_ERR(obj)) {
		ret = PTR_ERR(obj);
		goto out_exit;
	}

	/* Maps the buffer in the caller's context (taihu_gem_open()). */
	ret = drm_gem_handle_create(file, obj, &handle);
	if (!ret) {
		args->size = size;
		args->handle = handle;
		args->dev_addr = taihu_bo_file_addr(obj, file);
		/* Only a racing GEM_CLOSE of the new handle gets here. */
		if (!args->dev_addr)
			ret = -ENOENT;
	}

	/* The handle, if any, holds the object now. */
	drm_gem_object_put(obj);
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
	int idx, ret = 0;

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
	args->dev_addr = taihu_bo_file_addr(obj, file);
	args->size = obj->size;
	args->placement = bo->placement;
	args->flags = 0;
	if (!args->dev_addr)
		ret = -ENOENT;

	drm_gem_object_put(obj);
	drm_dev_exit(idx);
	return ret;
}

void taihu_gem_show_fdinfo(struct drm_printer *p, struct drm_file *file)
{
	struct drm_memory_stats stats[2] = {};
	struct drm_memory_stats *s;
	struct drm_gem_object *obj;
	struct taihu_bo *bo;
	bool resident;
	int id;

	spin_lock(&file->table_lock);
	idr_for_each_entry(&file->object_idr, obj, id) {
		bo = to_taihu_bo(obj);
		s = &stats[bo->placement == DRM_TAIHU_PLACEMENT_HOST];

		if (drm_gem_object_is_shared_for_memory_stats(obj))
			s->shared += obj->size;
		else
			s->private += obj->size;

		resident = bo->placement == DRM_TAIHU_PLACEMENT_VRAM ||
			   drm_gem_is_imported(obj) || READ_ONCE(bo->base.pages);
		if (resident)
			s->resident += obj->size;
		if (!dma_resv_test_signaled(obj->resv, DMA_RESV_USAGE_READ))
			s->active += obj->size;
	}
	spin_unlock(&file->table_lock);

	drm_print_memory_stats(p, &stats[0], DRM_GEM_OBJECT_RESIDENT, "vram");
	drm_print_memory_stats(p, &stats[1], DRM_GEM_OBJECT_RESIDENT, "system");
}
