// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * debugfs, in the DRM device's directory (/sys/kernel/debug/accel/<dev>/):
 * - card_memcpy_bench: reading it has the card time a memcpy() of 64 MiB
 *   within its own memory (MEMCPY_BENCH) and prints "size <bytes> ns <ns>",
 *   the reference for copy bandwidth benchmarks;
 * - card_kernel_bench (0600): write "KERNEL DTYPE D0 ... D7 ITERATIONS", the
 *   numbers of &struct taihu_mbox_kernel_bench, then read: the card times
 *   that oneDNN operation run directly in its own process (KERNEL_BENCH)
 *   and the file reads "ns <median>", the reference for kernel benchmarks;
 *   one request per open file;
 * - mmu: one line per device context: id, mappings, page-table pages,
 *   bytes of VRAM and host buffers, live jobs, first fault address or "-";
 * - quarantine: "bytes <n> entries <n> total <n>", the memory held
 *   because a TLB invalidation or CTX_DESTROY failed (taihu_quarantine.c);
 * - tlb: "sent <n> failed <n> deferred <n>", TLB invalidations sent to
 *   the card and failed, and unmaps whose invalidation was shared with a
 *   batch of frees (taihu_mmu.c);
 * - queues: one line per hardware queue,
 *   "queue <n>: enabled <0|1> submitted <n> irq_asked <n> completed <n>
 *   failed <n> timeouts <n> resets <n> jobs <n> depth <n> head <n> tail <n>
 *   direct <n> direct_full <n> behind <n> kicks <n>";
 * - ping: reading it runs TAIHU_PING_COUNT mailbox PINGs one after the
 *   other (doorbell -> card -> MSI-X -> interrupt -> waiter) and prints
 *   "count <n> min_ns <ns> median_ns <ns> mean_ns <ns> max_ns <ns>", the
 *   platform's raw round trip that job latencies are compared with;
 * - fault_inject/: fault injection (taihu_fault.c).
 */

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/mutex.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/uaccess.h>

#include <drm/drm_debugfs.h>
#include <drm/drm_drv.h>

#include "taihu_debugfs.h"
#include "taihu_drv.h"
#include "taihu_fault.h"
#include "taihu_mbox.h"
#include "taihu_mmu.h"
#include "taihu_quarantine.h"
#include "taihu_queue.h"

/* Generous: the card copies at host memory speed, 64 MiB in milliseconds. */
#define TAIHU_MEMCPY_BENCH_TIMEOUT_MS	10000
/* Up to 101 runs of a 2048^3 GEMM at a few hundred GFLOP/s: seconds. */
#define TAIHU_KERNEL_BENCH_TIMEOUT_MS	60000

static int taihu_debugfs_memcpy_bench(struct seq_file *m, void *data)
{
	struct drm_debugfs_entry *entry = m->private;
	struct taihu_device *tdev = to_taihu_device(entry->dev);
	struct taihu_mbox_memcpy_bench req = {
		.size = TAIHU_MEMCPY_BENCH_SIZE,
	};
	struct taihu_mbox_memcpy_bench rsp;
	s32 status;
	int idx, ret;

	if (!drm_dev_enter(&tdev->drm, &idx))
		return -ENODEV;
	ret = taihu_mbox_request(tdev, TAIHU_MBOX_OP_MEMCPY_BENCH, &req,
				 sizeof(req), &rsp, sizeof(rsp),
				 TAIHU_MEMCPY_BENCH_TIMEOUT_MS, &status);
	drm_dev_exit(idx);
	if (ret)
		return ret;
	if (status)
		return status < 0 && status >= -MAX_ERRNO ? status : -EIO;

	seq_printf(m, "size %llu ns %llu\n", rsp.size, rsp.ns);
	return 0;
}

/* The state of one open card_kernel_bench file. */
struct taihu_kbench_file {
	struct taihu_device *tdev;
	struct mutex lock;	/* protects the fields below */
	struct taihu_mbox_kernel_bench req;
	bool have_req;
	char out[32];
	size_t out_len;
};

static int taihu_kbench_open(struct inode *inode, struct file *f)
{
	struct taihu_kbench_file *kf = kzalloc(sizeof(*kf), GFP_KERNEL);

	if (!kf)
		return -ENOMEM;
	kf->tdev = inode->i_private;
	mutex_init(&kf->lock);
	f->private_data = kf;
	return 0;
}

static int taihu_kbench_release(struct inode *inode, struct file *f)
{
	struct taihu_kbench_file *kf = f->private_data;

	mutex_destroy(&kf->lock);
	kfree(kf);
	return 0;
}

static ssize_t taihu_kbench_write(struct file *f, const char __user *ubuf,
				  size_t len, loff_t *ppos)
{
	struct taihu_kbench_file *kf = f->private_data;
	struct taihu_mbox_kernel_bench r = {};
	char buf[160];
	int n;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	n = sscanf(buf, "%u %u %u %u %u %u %u %u %u %u %u", &r.kernel, &r.dtype,
		   &r.dims[0], &r.dims[1], &r.dims[2], &r.dims[3], &r.dims[4],
		   &r.dims[5], &r.dims[6], &r.dims[7], &r.iterations);
	if (n != 11 || !r.iterations || r.iterations > TAIHU_KBENCH_MAX_ITERATIONS)
		return -EINVAL;
	mutex_lock(&kf->lock);
	kf->req = r;
	kf->have_req = true;
	kf->out_len = 0;
	mutex_unlock(&kf->lock);
	return len;
}

static ssize_t taihu_kbench_read(struct file *f, char __user *ubuf, size_t len,
				 loff_t *ppos)
{
	struct taihu_kbench_file *kf = f->private_data;
	struct taihu_device *tdev = kf->tdev;
	struct taihu_mbox_kernel_bench rsp;
	ssize_t ret = 0;
	s32 status;
	int idx;

	mutex_lock(&kf->lock);
	if (!kf->have_req) {
		ret = -EINVAL;
		goto out;
	}
	if (!kf->out_len) {
		if (!drm_dev_enter(&tdev->drm, &idx)) {
			ret = -ENODEV;
			goto out;
		}
		ret = taihu_mbox_request(tdev, TAIHU_MBOX_OP_KERNEL_BENCH, &kf->req,
					 sizeof(kf->req), &rsp, sizeof(rsp),
					 TAIHU_KERNEL_BENCH_TIMEOUT_MS, &status);
		drm_dev_exit(idx);
		if (!ret && status)
			ret = status < 0 && status >= -MAX_ERRNO ? status : -EIO;
		if (ret)
			goto out;
		kf->out_len = scnprintf(kf->out, sizeof(kf->out), "ns %llu\n", rsp.ns);
	}
	ret = simple_read_from_buffer(ubuf, len, ppos, kf->out, kf->out_len);
out:
	mutex_unlock(&kf->lock);
	return ret;
}

static const struct file_operations taihu_kbench_fops = {
	.owner = THIS_MODULE,
	.open = taihu_kbench_open,
	.release = taihu_kbench_release,
	.read = taihu_kbench_read,
	.write = taihu_kbench_write,
	.llseek = noop_llseek,
};

static int taihu_debugfs_quarantine(struct seq_file *m, void *data)
{
	struct drm_debugfs_entry *entry = m->private;

	taihu_quarantine_debugfs_show(to_taihu_device(entry->dev), m);
	return 0;
}

static int taihu_debugfs_mmu(struct seq_file *m, void *data)
{
	struct drm_debugfs_entry *entry = m->private;

	taihu_mmu_debugfs_show(to_taihu_device(entry->dev), m);
	return 0;
}

static int taihu_debugfs_tlb(struct seq_file *m, void *data)
{
	struct drm_debugfs_entry *entry = m->private;

	taihu_tlb_debugfs_show(to_taihu_device(entry->dev), m);
	return 0;
}

static int taihu_debugfs_queues(struct seq_file *m, void *data)
{
	struct drm_debugfs_entry *entry = m->private;

	taihu_queue_debugfs_show(to_taihu_device(entry->dev), m);
	return 0;
}

static int taihu_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static int taihu_debugfs_ping(struct seq_file *m, void *data)
{
	struct drm_debugfs_entry *entry = m->private;
	struct taihu_device *tdev = to_taihu_device(entry->dev);
	u64 *rtt, sum = 0;
	int idx, ret = 0;
	u32 i;

	rtt = kmalloc_array(TAIHU_PING_COUNT, sizeof(*rtt), GFP_KERNEL);
	if (!rtt)
		return -ENOMEM;

	for (i = 0; i < TAIHU_PING_COUNT && !ret; i++) {
		if (!drm_dev_enter(&tdev->drm, &idx)) {
			ret = -ENODEV;
			break;
		}
		ret = taihu_mbox_ping(tdev, i, &rtt[i]);
		drm_dev_exit(idx);
		sum += rtt[i];
		if (!ret && fatal_signal_pending(current))
			ret = -EINTR;
	}
	if (!ret) {
		sort(rtt, TAIHU_PING_COUNT, sizeof(*rtt), taihu_cmp_u64, NULL);
		seq_printf(m, "count %u min_ns %llu median_ns %llu mean_ns %llu max_ns %llu\n",
			   TAIHU_PING_COUNT, rtt[0], rtt[TAIHU_PING_COUNT / 2],
			   div_u64(sum, TAIHU_PING_COUNT),
			   rtt[TAIHU_PING_COUNT - 1]);
	}
	kfree(rtt);
	return ret;
}

static const struct drm_debugfs_info taihu_debugfs_list[] = {
	{ "card_memcpy_bench", taihu_debugfs_memcpy_bench, 0 },
	{ "mmu", taihu_debugfs_mmu, 0 },
	{ "quarantine", taihu_debugfs_quarantine, 0 },
	{ "queues", taihu_debugfs_queues, 0 },
	{ "tlb", taihu_debugfs_tlb, 0 },
	{ "ping", taihu_debugfs_ping, 0 },
};

void taihu_debugfs_init(struct taihu_device *tdev)
{
	drm_debugfs_add_files(&tdev->drm, taihu_debugfs_list,
			      ARRAY_SIZE(taihu_debugfs_list));
	debugfs_create_file("card_kernel_bench", 0600, tdev->drm.debugfs_root, tdev,
			    &taihu_kbench_fops);
	taihu_fault_debugfs_init(tdev);
}
