// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Crash dumps. When the heartbeat watchdog is about to reset the card (its
 * firmware crashed or its heartbeat stopped) or a job timed out and its
 * queue is about to be reset, the driver writes down what the card and the
 * driver know: the ID page (state, error code, firmware), the guilty job
 * and the head of its command stream, the queues' counters and the card's
 * ring indices, the device contexts, and the firmware log ring. The text
 * goes to devcoredump (dev_coredumpv(), as ivpu and xe do), which shows it
 * as /sys/class/devcoredump/devcdN/data, failing_device pointing at the
 * card's PCI device; writing to data frees it, and the kernel frees it
 * after five minutes. devcoredump keeps one dump per device: a later one
 * is dropped until the first is freed.
 *
 * The format (docs/coredump.md) is sections opened by "**** NAME ****"
 * lines, holding "key: value" lines and lines indented by two spaces
 * (tables, hex, log text); the first section names the format version,
 * the last is "**** End ****". The queue and context tables are the
 * debugfs files' lines (taihu_queue_debugfs_show(), taihu_mmu_debugfs_show()),
 * printed into a seq_file over the dump's buffer.
 *
 * Everything the card wrote is read from BAR2 and bounded here: the log's
 * size and head are the card's word.
 */

#include <linux/devcoredump.h>
#include <linux/highmem.h>
#include <linux/io.h>
#include <linux/ktime.h>
#include <linux/minmax.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/vmalloc.h>

#include <drm/drm_gem.h>
#include <drm/taihu_accel.h>

#include "taihu_coredump.h"
#include "taihu_drv.h"
#include "taihu_gem.h"
#include "taihu_job.h"
#include "taihu_mmu.h"
#include "taihu_queue.h"

/* Room for the log, the tables and 4095 contexts; the contexts come last. */
#define TAIHU_COREDUMP_SIZE	SZ_512K
/* Kept free for the truncation note and the end marker. */
#define TAIHU_COREDUMP_TAIL	64

static const char *const taihu_card_state_names[] = {
	[TAIHU_CARD_STATE_OFF] = "off",
	[TAIHU_CARD_STATE_WAIT_FW] = "wait-fw",
	[TAIHU_CARD_STATE_BOOTING] = "booting",
	[TAIHU_CARD_STATE_READY] = "ready",
	[TAIHU_CARD_STATE_ERROR] = "error",
};

static void taihu_coredump_section(struct seq_file *m, const char *name)
{
	seq_printf(m, "**** %s ****\n", name);
}

/* A NUL-terminated string field of the ID page, printable characters only. */
static void taihu_coredump_id_str(struct seq_file *m, struct taihu_device *tdev,
				  const char *key, u32 off, size_t len)
{
	char s[33];
	size_t i;

	len = min(len, sizeof(s) - 1);
	memcpy_fromio(s, tdev->hw.ctrl + off, len);
	s[len] = '\0';
	for (i = 0; s[i]; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			s[i] = '?';
	seq_printf(m, "%s: %s\n", key, s);
}

static void taihu_coredump_card_state(struct seq_file *m, struct taihu_device *tdev)
{
	u32 state = taihu_ctrl_rd32(tdev, TAIHU_ID_REG(state));
	u32 ver = taihu_ctrl_rd32(tdev, TAIHU_ID_REG(fw_version));

	taihu_coredump_section(m, "Card");
	seq_printf(m, "state: %s\n", state < ARRAY_SIZE(taihu_card_state_names) ?
		   taihu_card_state_names[state] : "unknown");
	seq_printf(m, "state_code: %u\n", state);
	seq_printf(m, "error_code: %#x\n", taihu_ctrl_rd32(tdev, TAIHU_ID_REG(error_code)));
	seq_printf(m, "heartbeat: %llu\n", taihu_ctrl_rd64(tdev, TAIHU_ID_REG(heartbeat)));
	seq_printf(m, "heartbeat_period_ms: %u\n",
		   taihu_ctrl_rd32(tdev, TAIHU_ID_REG(heartbeat_period_ms)));
	seq_printf(m, "card_time_ns: %llu\n", taihu_ctrl_rd64(tdev, TAIHU_ID_REG(timestamp_ns)));
	seq_printf(m, "interface: %u.%u\n", taihu_ctrl_rd32(tdev, TAIHU_ID_REG(if_major)),
		   taihu_ctrl_rd32(tdev, TAIHU_ID_REG(if_minor)));
	seq_printf(m, "device_id: %#x\n", taihu_ctrl_rd32(tdev, TAIHU_ID_REG(device_id)));
	seq_printf(m, "fw_version: %u.%u.%u\n", ver >> 16, (ver >> 8) & 0xff, ver & 0xff);
	taihu_coredump_id_str(m, tdev, "fw_version_str", TAIHU_ID_REG(fw_version_str),
			      sizeof_field(struct taihu_card_id, fw_version_str));
	seq_printf(m, "fw_abi: %u.%u\n", readw(tdev->hw.ctrl + TAIHU_ID_REG(fw_abi_major)),
		   readw(tdev->hw.ctrl + TAIHU_ID_REG(fw_abi_minor)));
	seq_printf(m, "num_queues: %u\n", taihu_ctrl_rd32(tdev, TAIHU_ID_REG(num_queues)));
	seq_printf(m, "capabilities: %#llx\n", taihu_ctrl_rd64(tdev, TAIHU_ID_REG(capabilities)));
	taihu_coredump_id_str(m, tdev, "serial", TAIHU_ID_REG(serial),
			      sizeof_field(struct taihu_card_id, serial));
	seq_printf(m, "card_resets: %lld\n", (s64)atomic64_read(&tdev->health.card_resets));
}

/* Copy @len bytes at @off of @bo; false if its memory cannot be read. */
static bool taihu_coredump_bo_read(struct taihu_device *tdev, struct taihu_bo *bo,
				   u64 off, u8 *dst, size_t len)
{
	struct page **pages;
	size_t n;
	bool ok = false;

	if (bo->placement == DRM_TAIHU_PLACEMENT_VRAM) {
		memcpy_fromio(dst, tdev->hw.vram + bo->node.start + off, len);
		return true;
	}
	/* A host buffer's pages stay pinned from a job's first use to its end. */
	mutex_lock(&bo->lock);
	pages = bo->base.pages;
	if (!drm_gem_is_imported(&bo->base.base) && bo->pin_mm && pages) {
		while (len) {
			n = min_t(size_t, len, PAGE_SIZE - offset_in_page(off));
			memcpy_from_page((char *)dst, pages[off >> PAGE_SHIFT],
					 offset_in_page(off), n);
			dst += n;
			off += n;
			len -= n;
		}
		ok = true;
	}
	mutex_unlock(&bo->lock);
	return ok;
}

static void taihu_coredump_guilty(struct seq_file *m, struct taihu_job *job)
{
	u8 head[TAIHU_COREDUMP_CMD_HEAD];
	struct drm_gem_object *obj;
	u64 off;
	size_t len, i;

	taihu_coredump_section(m, "Guilty job");
	if (!job) {
		seq_puts(m, "guilty: none\n");
		return;
	}
	seq_puts(m, "guilty: job\n");
	seq_printf(m, "queue: %u\n", job->queue->index);
	seq_printf(m, "context: %u\n", job->ctx->id);
	seq_printf(m, "ring_seqno: %llu\n", job->hw_fence_live ? job->hw_fence->base.seqno : 0);
	seq_printf(m, "cmd_addr: %#llx\n", job->cmd_addr);
	seq_printf(m, "cmd_len: %u\n", job->cmd_len);

	obj = job->cmd_bo;
	if (!obj || !job->map_count || job->cmd_addr < job->maps[0]->va.start ||
	    job->cmd_addr - job->maps[0]->va.start >= obj->size) {
		seq_puts(m, "cmd_head_len: 0\n");
		return;
	}
	off = job->cmd_addr - job->maps[0]->va.start;
	len = min_t(size_t, min_t(u64, job->cmd_len, obj->size - off), sizeof(head));
	if (!taihu_coredump_bo_read(job->tdev, to_taihu_bo(obj), off, head, len)) {
		seq_puts(m, "cmd_head_len: 0\n");
		seq_puts(m, "cmd_head_error: buffer not readable (imported)\n");
		return;
	}
	seq_printf(m, "cmd_head_len: %zu\n", len);
	seq_puts(m, "cmd_head:\n");
	for (i = 0; i < len; i += 16)
		seq_printf(m, "  %04zx: %*ph\n", i, (int)min_t(size_t, 16, len - i), head + i);
}

static void taihu_coredump_queues(struct seq_file *m, struct taihu_device *tdev)
{
	u32 i;

	taihu_coredump_section(m, "Queues");
	seq_printf(m, "num_queues: %u\n", tdev->num_queues);
	for (i = 0; i < tdev->num_queues; i++)
		seq_printf(m, "queue_status_%u: %u\n", i,
			   taihu_ctrl_rd32(tdev, TAIHU_QDESC_REG(i, status)));
	taihu_queue_debugfs_show(tdev, m);
}

/*
 * The firmware log ring, oldest byte first, each line indented; bytes
 * other than printable ASCII, tab and newline become '.'. A line the ring
 * overwrote the start of is left out.
 */
static void taihu_coredump_fwlog(struct seq_file *m, struct taihu_device *tdev)
{
	const u32 text_off = TAIHU_BAR2_FWLOG_OFFSET + sizeof(struct taihu_fwlog_header);
	const u32 max = TAIHU_BAR2_FWLOG_SIZE - sizeof(struct taihu_fwlog_header);
	u32 head = taihu_ctrl_rd32(tdev, TAIHU_BAR2_FWLOG_OFFSET +
				   offsetof(struct taihu_fwlog_header, head));
	u32 size = taihu_ctrl_rd32(tdev, TAIHU_BAR2_FWLOG_OFFSET +
				   offsetof(struct taihu_fwlog_header, size));
	u32 n, start, first, i, line = 0;
	char *text;

	taihu_coredump_section(m, "Firmware log");
	seq_printf(m, "log_written: %u\n", head);
	if (!size || size > max) {
		seq_printf(m, "log_error: bad ring size %u\n", size);
		return;
	}
	n = min(head, size);
	text = kvmalloc(n + 1, GFP_KERNEL);
	if (!text) {
		seq_puts(m, "log_error: out of memory\n");
		return;
	}
	start = (head - n) % size;
	first = min(n, size - start);
	memcpy_fromio(text, tdev->hw.ctrl + text_off + start, first);
	memcpy_fromio(text + first, tdev->hw.ctrl + text_off, n - first);
	text[n] = '\0';

	i = 0;
	if (head > size) {
		while (i < n && text[i] != '\n')
			i++;
		i++;
	}
	seq_printf(m, "log_bytes: %u\n", i < n ? n - i : 0);
	seq_puts(m, "log:\n");
	for (; i < n; i++) {
		char c = text[i];

		if (!line++)
			seq_puts(m, "  ");
		if (c == '\n') {
			seq_putc(m, '\n');
			line = 0;
			continue;
		}
		seq_putc(m, (c >= 0x20 && c <= 0x7e) || c == '\t' ? c : '.');
	}
	if (line)
		seq_putc(m, '\n');
	kvfree(text);
}

/*
 * devcoredump looks for a device's earlier dump and then links the new one
 * to the device without a lock: two dumps at once (two queues timing out
 * together) make the second link a duplicate, a sysfs warning with a stack
 * trace. One dump at a time, and the later one is dropped as documented.
 */
static DEFINE_MUTEX(taihu_coredump_lock);

static void taihu_coredump(struct taihu_device *tdev, const char *reason,
			   struct taihu_job *job)
{
	struct seq_file m = {};
	struct timespec64 ts;

	m.buf = vmalloc(TAIHU_COREDUMP_SIZE);
	if (!m.buf)
		return;
	m.size = TAIHU_COREDUMP_SIZE - TAIHU_COREDUMP_TAIL;
	ktime_get_real_ts64(&ts);

	taihu_coredump_section(&m, "Taihu devcoredump");
	seq_printf(&m, "format: taihu-devcoredump %u\n", TAIHU_COREDUMP_FORMAT);
	seq_printf(&m, "reason: %s\n", reason);
	seq_printf(&m, "time: %lld.%09ld\n", (s64)ts.tv_sec, ts.tv_nsec);
	seq_printf(&m, "uptime_ns: %llu\n", ktime_get_ns());
	seq_printf(&m, "driver: %s %d.%d\n", TAIHU_DRIVER_NAME, TAIHU_DRIVER_MAJOR,
		   TAIHU_DRIVER_MINOR);
	seq_printf(&m, "pci: %s\n", pci_name(tdev->pdev));
	seq_printf(&m, "minor: %d\n", tdev->drm.accel ? tdev->drm.accel->index : -1);
	taihu_coredump_card_state(&m, tdev);
	taihu_coredump_guilty(&m, job);
	taihu_coredump_queues(&m, tdev);
	taihu_coredump_fwlog(&m, tdev);
	taihu_coredump_section(&m, "Contexts");
	taihu_mmu_debugfs_show(tdev, &m);

	m.size = TAIHU_COREDUMP_SIZE;
	if (m.count > TAIHU_COREDUMP_SIZE - TAIHU_COREDUMP_TAIL) {
		/* Overflowed: keep the complete lines. */
		m.count = TAIHU_COREDUMP_SIZE - TAIHU_COREDUMP_TAIL;
		while (m.count && m.buf[m.count - 1] != '\n')
			m.count--;
		seq_puts(&m, "**** Truncated ****\n");
	}
	seq_puts(&m, "**** End ****\n");

	dev_info(tdev->drm.dev, "crash dump (%s) in /sys/class/devcoredump\n", reason);
	/* devcoredump owns the buffer from here, also when it drops the dump. */
	mutex_lock(&taihu_coredump_lock);
	dev_coredumpv(tdev->drm.dev, m.buf, m.count, GFP_KERNEL);
	mutex_unlock(&taihu_coredump_lock);
}

void taihu_coredump_card(struct taihu_device *tdev, const char *reason)
{
	taihu_coredump(tdev, reason, NULL);
}

void taihu_coredump_job(struct taihu_job *job)
{
	taihu_coredump(job->tdev, "job-timeout", job);
}
