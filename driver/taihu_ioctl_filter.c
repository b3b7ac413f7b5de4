// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The ioctl firewall: the file's .unlocked_ioctl/.compat_ioctl, in front of
 * drm_ioctl(). Taihu's own ioctls (the driver range) pass unchanged; of the
 * core DRM ioctls only those an accel client needs pass, and the syncobj
 * ioctls that make the core allocate an array per handle are bounded first.
 *
 * Why: Linux 6.12's drm_ioctl_permit() refuses non-DRM_RENDER_ALLOW ioctls
 * to render clients only, so an accel file reaches every core ioctl with
 * flags 0, and some of them assume a primary node: GET_UNIQUE and
 * GET_MAGIC dereference the NULL file_priv->master (kernel oops, with
 * master_mutex held). The syncobj array ioctls kmalloc count_handles
 * entries without __GFP_NOWARN, so a huge count is a WARN in the page
 * allocator (a panic under panic_on_warn). docs/drm-core-accel-bugs.md
 * has the reports; docs/ioctl-firewall.md the list and its reasons.
 *
 * Refused core ioctls fail with -EOPNOTSUPP (the ioctl exists but not for
 * this kind of file, as the core answers mode-setting ioctls on a driver
 * without DRIVER_MODESET), not -EINVAL, which stays the answer to a bad
 * argument of an allowed ioctl (a count over the bound, for instance), and
 * not -ENOTTY, which would say the file takes no ioctls at all.
 */

#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/ioctl.h>
#include <linux/stddef.h>
#include <linux/uaccess.h>

#include <drm/drm.h>
#include <drm/drm_device.h>
#include <drm/drm_file.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_print.h>

#include "taihu_ioctl_filter.h"

/*
 * The core ioctls an accel client needs, by number (drm_ioctl() dispatches
 * on the number alone). @count_off is the offset of the u32 handle count
 * of the syncobj array ioctls, or 0.
 */
struct taihu_core_ioctl {
	u32 count_off;
	bool allowed;
};

#define TAIHU_CORE(ioctl, off) \
	[DRM_IOCTL_NR(ioctl)] = { .count_off = (off), .allowed = true }

static const struct taihu_core_ioctl taihu_core_ioctls[_IOC_NRMASK + 1] = {
	/* drmGetVersion(): libtaihu checks the driver name */
	TAIHU_CORE(DRM_IOCTL_VERSION, 0),
	/* drmGetCap(): PRIME, SYNCOBJ, SYNCOBJ_TIMELINE, TIMESTAMP_MONOTONIC */
	TAIHU_CORE(DRM_IOCTL_GET_CAP, 0),
	/* buffers are freed by handle (libtaihu's taihu_bo_free()) */
	TAIHU_CORE(DRM_IOCTL_GEM_CLOSE, 0),
	/* dma-buf sharing (drmPrimeHandleToFD/FDToHandle) */
	TAIHU_CORE(DRM_IOCTL_PRIME_HANDLE_TO_FD, 0),
	TAIHU_CORE(DRM_IOCTL_PRIME_FD_TO_HANDLE, 0),
	/* completion and dependencies: libdrm's drmSyncobj*() */
	TAIHU_CORE(DRM_IOCTL_SYNCOBJ_CREATE, 0),
	TAIHU_CORE(DRM_IOCTL_SYNCOBJ_DESTROY, 0),
	TAIHU_CORE(DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, 0),
	TAIHU_CORE(DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, 0),
	TAIHU_CORE(DRM_IOCTL_SYNCOBJ_TRANSFER, 0),
	TAIHU_CORE(DRM_IOCTL_SYNCOBJ_EVENTFD, 0),
	TAIHU_CORE(DRM_IOCTL_SYNCOBJ_WAIT,
		   offsetof(struct drm_syncobj_wait, count_handles)),
	TAIHU_CORE(DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT,
		   offsetof(struct drm_syncobj_timeline_wait, count_handles)),
	TAIHU_CORE(DRM_IOCTL_SYNCOBJ_RESET,
		   offsetof(struct drm_syncobj_array, count_handles)),
	TAIHU_CORE(DRM_IOCTL_SYNCOBJ_SIGNAL,
		   offsetof(struct drm_syncobj_array, count_handles)),
	TAIHU_CORE(DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL,
		   offsetof(struct drm_syncobj_timeline_array, count_handles)),
	TAIHU_CORE(DRM_IOCTL_SYNCOBJ_QUERY,
		   offsetof(struct drm_syncobj_timeline_array, count_handles)),
};

/*
 * The count the core will read: it copies min(_IOC_SIZE(cmd), its own
 * size) bytes and zero-fills the rest, so a command too short to carry
 * the count means a count of 0.
 *
 * This is a copy of its own: a second thread can still change the count
 * between here and the core's copy_from_user(). The bound stops every
 * single caller; only the core (with __GFP_NOWARN or kvmalloc) can close
 * the race, see docs/drm-core-accel-bugs.md.
 */
static int taihu_check_count(struct drm_file *file, unsigned int cmd,
			     void __user *argp, u32 off)
{
	u32 __user *ucount = argp + off;
	u32 count;

	if (!(_IOC_DIR(cmd) & _IOC_WRITE) || _IOC_SIZE(cmd) < off + sizeof(u32))
		return 0;
	if (get_user(count, ucount))
		return -EFAULT;
	if (count > TAIHU_SYNCOBJ_MAX_HANDLES) {
		drm_dbg_driver(file->minor->dev,
			       "ioctl 0x%02x: %u syncobj handles, at most %u\n",
			       _IOC_NR(cmd), count, TAIHU_SYNCOBJ_MAX_HANDLES);
		return -EINVAL;
	}
	return 0;
}

static int taihu_filter(struct file *filp, unsigned int cmd, void __user *argp)
{
	struct drm_file *file = filp->private_data;
	unsigned int nr = _IOC_NR(cmd);
	const struct taihu_core_ioctl *c;

	if (_IOC_TYPE(cmd) != DRM_IOCTL_BASE)
		return -EOPNOTSUPP;
	/* Taihu's own: drm_ioctl() checks them against the driver's table. */
	if (nr >= DRM_COMMAND_BASE && nr < DRM_COMMAND_END)
		return 0;
	if (!taihu_core_ioctls[nr].allowed) {
		drm_dbg_driver(file->minor->dev,
			       "core ioctl 0x%02x refused on an accel file\n", nr);
		return -EOPNOTSUPP;
	}
	c = &taihu_core_ioctls[nr];
	return c->count_off ? taihu_check_count(file, cmd, argp, c->count_off) : 0;
}

/**
 * taihu_ioctl() - the file's .unlocked_ioctl: the firewall, then drm_ioctl()
 * @filp: the accel file
 * @cmd: ioctl command
 * @arg: user argument
 *
 * Return: drm_ioctl()'s result, or -EOPNOTSUPP for a refused core ioctl,
 * -EINVAL for a syncobj array over TAIHU_SYNCOBJ_MAX_HANDLES, -EFAULT when
 * the count cannot be read.
 */
long taihu_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	int ret = taihu_filter(filp, cmd, (void __user *)arg);

	return ret ? ret : drm_ioctl(filp, cmd, arg);
}

/**
 * taihu_compat_ioctl() - the file's .compat_ioctl: the firewall, then
 *	drm_compat_ioctl()
 * @filp: the accel file
 * @cmd: ioctl command
 * @arg: user argument (a 32-bit pointer)
 *
 * The allowed ioctls have the same layout for 32-bit callers (their
 * pointers are __u64), so the same checks apply.
 *
 * Return: as taihu_ioctl().
 */
#ifdef CONFIG_COMPAT
long taihu_compat_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	int ret = taihu_filter(filp, cmd, compat_ptr(arg));

	return ret ? ret : drm_compat_ioctl(filp, cmd, arg);
}
#endif
