// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Pinned host memory is charged to the process that pins it. A host
 * buffer's pages are pinned when a job first uses it and stay pinned until
 * the buffer is freed (taihu_gem.c); they can be neither swapped nor
 * reclaimed, so they count, as RDMA's ib_umem_get() counts them, in the
 * pinning process's mm->pinned_vm (VmPin in /proc/PID/status) against its
 * RLIMIT_MEMLOCK unless it has CAP_IPC_LOCK, and in the device's total
 * against the device's host_pin_limit (sysfs, root-writable), which holds
 * for every caller. Either refusal fails the SUBMIT with -ENOMEM and one
 * rate-limited line saying which limit was hit.
 *
 * Why pinned_vm and not account_locked_vm(): the latter takes the mm's
 * mmap_lock for writing, and the last reference to a buffer can be
 * dropped inside munmap() of its mapping, which holds that lock already.
 * pinned_vm is atomic and needs no lock, so the charge is returned from
 * wherever the buffer is freed.
 *
 * PRIME imports are not charged: their pages are the exporter's, pinned
 * by it. A buffer shared by several processes is charged once, to the
 * first that used it in a job (as for RDMA memory registrations).
 */

#include <linux/atomic.h>
#include <linux/capability.h>
#include <linux/device.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>

#include "taihu_drv.h"
#include "taihu_gem.h"
#include "taihu_pin.h"

/**
 * taihu_pin_init() - the device's pin accounting at probe
 * @tdev: the device
 *
 * The default limit is half of the system's RAM: a device cannot make the
 * machine unusable by itself, and a single process can still pin more
 * than any one job needs.
 */
void taihu_pin_init(struct taihu_device *tdev)
{
	atomic64_set(&tdev->host_pinned, 0);
	tdev->host_pin_limit = ((u64)totalram_pages() << PAGE_SHIFT) / 2;
}

/**
 * taihu_pin_limit_set() - set the device's limit on pinned host memory
 * @tdev: the device
 * @bytes: the new limit; pages already pinned stay pinned
 *
 * Return: 0, or -EINVAL above the system's RAM.
 */
int taihu_pin_limit_set(struct taihu_device *tdev, u64 bytes)
{
	if (bytes > (u64)totalram_pages() << PAGE_SHIFT)
		return -EINVAL;
	WRITE_ONCE(tdev->host_pin_limit, bytes);
	return 0;
}

/**
 * taihu_pin_charge() - charge a host buffer's pages before pinning them
 * @tdev: the device
 * @bo: a host buffer created by this device, not yet charged
 *
 * Charges the calling process and the device. Called with &taihu_bo.lock
 * held, which makes "not yet charged" stable.
 *
 * Return: 0, or -ENOMEM when the caller's RLIMIT_MEMLOCK or the device's
 * host_pin_limit would be exceeded.
 */
int taihu_pin_charge(struct taihu_device *tdev, struct taihu_bo *bo)
{
	unsigned long pages = bo->base.base.size >> PAGE_SHIFT;
	unsigned long lock_limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	struct mm_struct *mm = current->mm;
	u64 limit = READ_ONCE(tdev->host_pin_limit);
	s64 total;

	lockdep_assert_held(&bo->lock);
	if (WARN_ON_ONCE(bo->pin_mm) || !mm)
		return -EINVAL;

	total = atomic64_add_return(bo->base.base.size, &tdev->host_pinned);
	if (total > limit) {
		atomic64_sub(bo->base.base.size, &tdev->host_pinned);
		dev_notice_ratelimited(tdev->drm.dev,
				       "%s[%d]: pinning %lu KiB more host memory would exceed the device's host_pin_limit (%llu KiB)\n",
				       current->comm, task_pid_nr(current),
				       pages << (PAGE_SHIFT - 10), limit >> 10);
		return -ENOMEM;
	}

	if (atomic64_add_return(pages, &mm->pinned_vm) > lock_limit &&
	    !capable(CAP_IPC_LOCK)) {
		atomic64_sub(pages, &mm->pinned_vm);
		atomic64_sub(bo->base.base.size, &tdev->host_pinned);
		dev_notice_ratelimited(tdev->drm.dev,
				       "%s[%d]: pinning %lu KiB more host memory would exceed RLIMIT_MEMLOCK (%lu KiB)\n",
				       current->comm, task_pid_nr(current),
				       pages << (PAGE_SHIFT - 10),
				       lock_limit << (PAGE_SHIFT - 10));
		return -ENOMEM;
	}

	mmgrab(mm);
	bo->pin_mm = mm;
	return 0;
}

/**
 * taihu_pin_uncharge() - return a host buffer's charge
 * @tdev: the device
 * @bo: the buffer; nothing happens if it was never charged
 *
 * Called when its pages are unpinned (the buffer is freed), or when
 * pinning failed after the charge. Safe in any process context: no lock
 * is taken.
 */
void taihu_pin_uncharge(struct taihu_device *tdev, struct taihu_bo *bo)
{
	struct mm_struct *mm = bo->pin_mm;

	if (!mm)
		return;
	atomic64_sub(bo->base.base.size >> PAGE_SHIFT, &mm->pinned_vm);
	atomic64_sub(bo->base.base.size, &tdev->host_pinned);
	bo->pin_mm = NULL;
	mmdrop(mm);
}
