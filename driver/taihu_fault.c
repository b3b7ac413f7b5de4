// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Fault injection files in debugfs, write-only and for root (0200):
 * - fault_inject/ecc_corrected, fault_inject/ecc_uncorrected: writing
 *   "COUNT [VRAM_OFFSET]" makes the card detect COUNT VRAM ECC errors
 *   (corrected or not) at that offset (default 0); each write raises one
 *   ecc-error event.
 * - fault_inject/queue_hang "Q": the next job of queue Q makes no progress
 *   until the queue is reset.
 * - fault_inject/queue_slow "Q MS": the next job of queue Q spends MS
 *   milliseconds making progress before it runs (a long job, not a hung one).
 * - fault_inject/queue_disable_fail "Q", fault_inject/queue_enable_fail "Q":
 *   the next QUEUE_DISABLE (QUEUE_ENABLE) of queue Q fails: a queue reset
 *   that fails.
 * - fault_inject/fw_hang "[MS]": the firmware stops answering the mailbox
 *   and stops its heartbeat for MS milliseconds (default and 0: for good;
 *   the card's reset line ends it).
 * - fault_inject/fw_crash "[CODE]": the firmware crashes into its error
 *   state with CODE (default TAIHU_FW_CRASH_CODE_MIN).
 * - fault_inject/heartbeat_stop: the heartbeat stops, nothing else.
 * - fault_inject/corrupt_completion "Q": the next completion record of
 *   queue Q names the wrong job.
 * - fault_inject/fail_boot "[N]": the next N firmware boots fail (default
 *   and 0: one).
 * - fault_inject/bus_drop: the card process exits (the card falls off the
 *   bus).
 * The heartbeat watchdog (taihu_health.c) notices the faults that kill the
 * card; the job timeout, those that hang a job.
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

/* "A [B]" from userspace: two numbers, the second optional (left as is). */
static int taihu_fault_parse2(const char __user *ubuf, size_t len, u64 *a, u64 *b)
{
	char buf[48], *p, *first;
	int ret;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	p = strim(buf);
	first = strsep(&p, " \t");
	ret = kstrtou64(first, 0, a);
	if (!ret && p && *p)
		ret = kstrtou64(strim(p), 0, b);
	return ret;
}

static ssize_t taihu_fault_ecc_write(struct file *f, const char __user *ubuf,
				     size_t len, loff_t *ppos)
{
	const struct taihu_fault_file *ff = f->private_data;
	u64 count, offset = 0;
	int ret;

	ret = taihu_fault_parse2(ubuf, len, &count, &offset);
	if (ret)
		return ret;
	if (!count || count > TAIHU_FAULT_MAX_COUNT || offset >= ff->tdev->hw.vram_size)
		return -EINVAL;
	ret = taihu_fault_inject(ff->tdev, ff->fault, count, offset);
	return ret ? ret : len;
}

/* "Q MS": the queue and how long its next job is slow. */
static ssize_t taihu_fault_slow_write(struct file *f, const char __user *ubuf,
				      size_t len, loff_t *ppos)
{
	const struct taihu_fault_file *ff = f->private_data;
	u64 queue, ms = 0;
	int ret;

	ret = taihu_fault_parse2(ubuf, len, &queue, &ms);
	if (ret)
		return ret;
	if (!ms || ms > TAIHU_FAULT_MAX_COUNT)
		return -EINVAL;
	ret = taihu_fault_inject(ff->tdev, ff->fault, ms, queue);
	return ret ? ret : len;
}

static const struct file_operations taihu_fault_slow_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = taihu_fault_slow_write,
	.llseek = noop_llseek,
};

static const struct file_operations taihu_fault_ecc_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = taihu_fault_ecc_write,
	.llseek = noop_llseek,
};

/* The faults with one optional argument, and its default. */
static const struct {
	const char *name;
	u32 fault;
	u64 arg;
	bool arg_allowed;
} taihu_fault_simple[] = {
	{ "queue_hang", TAIHU_FAULT_QUEUE_HANG, 0, true },
	{ "fw_hang", TAIHU_FAULT_FW_HANG, 0, true },
	{ "fw_crash", TAIHU_FAULT_FW_CRASH, TAIHU_FW_CRASH_CODE_MIN, true },
	{ "heartbeat_stop", TAIHU_FAULT_HEARTBEAT_STOP, 0, false },
	{ "corrupt_completion", TAIHU_FAULT_CORRUPT_COMPLETION, 0, true },
	{ "fail_boot", TAIHU_FAULT_FAIL_BOOT, 0, true },
	{ "bus_drop", TAIHU_FAULT_BUS_DROP, 0, false },
	{ "queue_disable_fail", TAIHU_FAULT_QUEUE_DISABLE_FAIL, 0, true },
	{ "queue_enable_fail", TAIHU_FAULT_QUEUE_ENABLE_FAIL, 0, true },
};

static ssize_t taihu_fault_simple_write(struct file *f, const char __user *ubuf,
					size_t len, loff_t *ppos)
{
	const struct taihu_fault_file *ff = f->private_data;
	unsigned int i;
	char buf[32], *p;
	u64 arg = 0;
	int ret;

	for (i = 0; i < ARRAY_SIZE(taihu_fault_simple); i++)
		if (taihu_fault_simple[i].fault == ff->fault)
			break;
	if (i == ARRAY_SIZE(taihu_fault_simple))
		return -EINVAL;
	arg = taihu_fault_simple[i].arg;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	p = strim(buf);
	/* "1" or nothing triggers a fault without an argument. */
	if (*p && taihu_fault_simple[i].arg_allowed) {
		ret = kstrtou64(p, 0, &arg);
		if (ret)
			return ret;
	}
	ret = taihu_fault_inject(ff->tdev, ff->fault, 1, arg);
	return ret ? ret : len;
}

static const struct file_operations taihu_fault_simple_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = taihu_fault_simple_write,
	.llseek = noop_llseek,
};

static void taihu_fault_file_add(struct taihu_device *tdev, struct dentry *dir,
				 const char *name, u32 fault,
				 const struct file_operations *fops)
{
	struct taihu_fault_file *ff;

	ff = drmm_kzalloc(&tdev->drm, sizeof(*ff), GFP_KERNEL);
	if (!ff)
		return;
	ff->tdev = tdev;
	ff->fault = fault;
	debugfs_create_file(name, 0200, dir, ff, fops);
}

void taihu_fault_debugfs_init(struct taihu_device *tdev)
{
	static const struct {
		const char *name;
		u32 fault;
	} ecc[] = {
		{ "ecc_corrected", TAIHU_FAULT_ECC_CORRECTED },
		{ "ecc_uncorrected", TAIHU_FAULT_ECC_UNCORRECTED },
	};
	struct dentry *dir;
	unsigned int i;

	dir = debugfs_create_dir("fault_inject", tdev->drm.debugfs_root);
	for (i = 0; i < ARRAY_SIZE(ecc); i++)
		taihu_fault_file_add(tdev, dir, ecc[i].name, ecc[i].fault,
				     &taihu_fault_ecc_fops);
	for (i = 0; i < ARRAY_SIZE(taihu_fault_simple); i++)
		taihu_fault_file_add(tdev, dir, taihu_fault_simple[i].name,
				     taihu_fault_simple[i].fault,
				     &taihu_fault_simple_fops);
	taihu_fault_file_add(tdev, dir, "queue_slow", TAIHU_FAULT_QUEUE_SLOW,
			     &taihu_fault_slow_fops);
}
