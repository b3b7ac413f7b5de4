// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Fault injection files in debugfs, write-only and for root (0200):
 * - fault_inject/ecc_corrected, fault_inject/ecc_uncorrected: writing
 *   "COUNT [VRAM_OFFSET]" makes the card detect COUNT VRAM ECC errors
 *   (corrected or not) at that offset (default 0); each write raises one
 *   ecc-error event.
 */

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kstrtox.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <drm/drm_drv.h>
#include <drm/drm_managed.h>

#include "taihu_drv.h"
#include "taihu_fault.h"
#include "taihu_mbox.h"

/* One debugfs file per fault; the private data names the device and fault. */
struct taihu_fault_file {
	struct taihu_device *tdev;
	u32 fault;
};

static int taihu_fault_inject(struct taihu_device *tdev, u32 fault, u32 count,
			      u64 arg)
{
	struct taihu_mbox_fault req = { .fault = fault, .count = count, .arg = arg };
	int idx, ret;

	if (!drm_dev_enter(&tdev->drm, &idx))
		return -ENODEV;
	ret = taihu_mbox_simple(tdev, TAIHU_MBOX_OP_FAULT_INJECT, &req,
				sizeof(req), TAIHU_MBOX_TIMEOUT_MS);
	drm_dev_exit(idx);
	return ret;
}

static ssize_t taihu_fault_ecc_write(struct file *f, const char __user *ubuf,
				     size_t len, loff_t *ppos)
{
	const struct taihu_fault_file *ff = f->private_data;
	char buf[48], *p, *count_str;
	u64 offset = 0;
	u32 count;
	int ret;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	p = strim(buf);
	count_str = strsep(&p, " \t");
	ret = kstrtou32(count_str, 0, &count);
	if (!ret && p && *p)
		ret = kstrtou64(strim(p), 0, &offset);
	if (ret)
		return ret;
	if (!count || count > TAIHU_FAULT_MAX_COUNT || offset >= ff->tdev->hw.vram_size)
		return -EINVAL;
	ret = taihu_fault_inject(ff->tdev, ff->fault, count, offset);
	return ret ? ret : len;
}

static const struct file_operations taihu_fault_ecc_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = taihu_fault_ecc_write,
	.llseek = noop_llseek,
};

void taihu_fault_debugfs_init(struct taihu_device *tdev)
{
	static const struct {
		const char *name;
		u32 fault;
	} ecc[] = {
		{ "ecc_corrected", TAIHU_FAULT_ECC_CORRECTED },
		{ "ecc_uncorrected", TAIHU_FAULT_ECC_UNCORRECTED },
	};
	struct taihu_fault_file *ff;
	struct dentry *dir;
	unsigned int i;

	dir = debugfs_create_dir("fault_inject", tdev->drm.debugfs_root);
	for (i = 0; i < ARRAY_SIZE(ecc); i++) {
		ff = drmm_kzalloc(&tdev->drm, sizeof(*ff), GFP_KERNEL);
		if (!ff)
			return;
		ff->tdev = tdev;
		ff->fault = ecc[i].fault;
		debugfs_create_file(ecc[i].name, 0200, dir, ff, &taihu_fault_ecc_fops);
	}
}
