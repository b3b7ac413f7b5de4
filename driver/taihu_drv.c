// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The Taihu accelerator driver: module and PCI driver, the DRM accel
 * device, its ioctl table, open/close of files (each gets a device context,
 * taihu_mmu.c) and the QUERY ioctl.
 */

#include <linux/dma-mapping.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <drm/drm_accel.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_managed.h>
#include <drm/taihu_accel.h>

#include "taihu_debugfs.h"
#include "taihu_drv.h"
#include "taihu_fw.h"
#include "taihu_gem.h"
#include "taihu_health.h"
#include "taihu_hw.h"
#include "taihu_ioctl_filter.h"
#include "taihu_irq.h"
#include "taihu_job.h"
#include "taihu_mbox.h"
#include "taihu_mmu.h"
#include "taihu_pin.h"
#include "taihu_netlink.h"
#include "taihu_queue.h"
#include "taihu_results.h"
#include "taihu_submit.h"
#include "taihu_sysfs.h"
#include "taihu_telemetry.h"
#include "taihu_wait.h"

/* The uapi's limits are the card interface's. */
static_assert(TAIHU_MAX_QUEUES <= DRM_TAIHU_MAX_QUEUES);
static_assert(TAIHU_MMU_PAGE_SIZE == DRM_TAIHU_PAGE_SIZE);

static int taihu_open(struct drm_device *drm, struct drm_file *file)
{
	struct taihu_device *tdev = to_taihu_device(drm);
	struct taihu_file *tfile;
	struct taihu_ctx *ctx;
	int ret;

	tfile = kzalloc(sizeof(*tfile), GFP_KERNEL);
	if (!tfile)
		return -ENOMEM;

	/* Context 0 is the driver's own. */
	ret = ida_alloc_range(&tdev->ctx_ida, 1, TAIHU_MAX_CONTEXTS - 1,
			      GFP_KERNEL);
	if (ret < 0) {
		ret = ret == -ENOSPC ? -EMFILE : ret;
		goto err_free;
	}
	/* Owns the id from here on. */
	ctx = taihu_ctx_create(tdev, ret);
	if (IS_ERR(ctx)) {
		ret = PTR_ERR(ctx);
		goto err_free;
	}

	tfile->ctx = ctx;
	tfile->tdev = tdev;
	tfile->next_seqno = 1;
	mutex_init(&tfile->submit_lock);
	taihu_results_init(&tfile->results);
	taihu_uq_file_init(tfile);

	ret = taihu_job_file_init(tfile);
	if (ret)
		goto err_ctx;

	/* Events about the context name the process that opened it, until
	 * the context is gone (its last job may end after the close).
	 */
	ret = taihu_nl_ctx_opened(tdev, ctx->id);
	if (ret) {
		taihu_job_file_fini(tfile);
		goto err_ctx;
	}

	file->driver_priv = tfile;
	return 0;

err_ctx:
	mutex_destroy(&tfile->submit_lock);
	taihu_ctx_put(ctx);
err_free:
	kfree(tfile);
	return ret;
}

/*
 * Handles, and with them the file's mappings, are gone already. The
 * context lives on until the file's last job is freed.
 */
static void taihu_postclose(struct drm_device *drm, struct drm_file *file)
{
	struct taihu_file *tfile = file->driver_priv;

	/* Stopped before the context goes: their jobs run in it. */
	taihu_uq_file_fini(tfile, file);
	taihu_job_file_fini(tfile);
	taihu_results_fini(tfile);
	mutex_destroy(&tfile->submit_lock);
	taihu_ctx_put(tfile->ctx);
	kfree(tfile);
}

static void taihu_show_fdinfo(struct drm_printer *p, struct drm_file *file)
{
	taihu_results_show_fdinfo(p, file->driver_priv);
	taihu_gem_show_fdinfo(p, file);
}

/* The card's capability bits and the ABI's are separate namespaces. */
static const struct {
	u64 card;
	u64 uapi;
} taihu_caps[] = {
	{ TAIHU_CARD_CAP_NOP, DRM_TAIHU_CAP_NOP },
	{ TAIHU_CARD_CAP_FILL, DRM_TAIHU_CAP_FILL },
	{ TAIHU_CARD_CAP_COPY, DRM_TAIHU_CAP_COPY },
	{ TAIHU_CARD_CAP_TIMESTAMP, DRM_TAIHU_CAP_TIMESTAMP },
	{ TAIHU_CARD_CAP_MMU, DRM_TAIHU_CAP_MMU },
	{ TAIHU_CARD_CAP_SEMAPHORE, DRM_TAIHU_CAP_SEMAPHORE },
	{ TAIHU_CARD_CAP_BARRIER, DRM_TAIHU_CAP_BARRIER },
	{ TAIHU_CARD_CAP_KERNEL, DRM_TAIHU_CAP_KERNEL },
};

static u64 taihu_uapi_caps(u64 card_caps)
{
	u64 caps = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(taihu_caps); i++)
		if (card_caps & taihu_caps[i].card)
			caps |= taihu_caps[i].uapi;
	return caps;
}

static void taihu_query_device_info(struct taihu_device *tdev,
				    struct drm_taihu_device_info *info)
{
	memset(info, 0, sizeof(*info));
	info->device_id = tdev->device_id;
	info->revision = tdev->revision;
	info->vram_size = tdev->hw.vram_size;
	info->vram_used = taihu_vram_used(tdev);
	info->fw_version = tdev->fw.version;
	info->fw_abi_major = tdev->fw.abi_major;
	info->fw_abi_minor = tdev->fw.abi_minor;
	info->card_if_major = TAIHU_CARD_IF_MAJOR;
	info->card_if_minor = tdev->card_if_minor;
	info->num_queues = tdev->num_queues;
	info->capabilities = taihu_uapi_caps(tdev->fw.capabilities);
	if (taihu_uq_available(tdev))
		info->capabilities |= DRM_TAIHU_CAP_USER_QUEUES;
	if (taihu_uq_wait_asks_irq(tdev))
		info->capabilities |= DRM_TAIHU_CAP_UQ_WAIT_IRQ;
	strscpy(info->fw_version_str, tdev->fw.version_str,
		sizeof(info->fw_version_str));
	strscpy(info->serial, tdev->fw.serial, sizeof(info->serial));
	info->host_used = atomic64_read(&tdev->host_used);
	info->va_size = TAIHU_VA_END;
	info->max_inflight = TAIHU_MAX_INFLIGHT;
	info->max_cmd_len = tdev->fw.max_cmd_len;
	info->ring_entries = tdev->ring_entries;
}

static void taihu_query_context_info(struct taihu_ctx *ctx,
				     struct drm_taihu_context_info *info)
{
	unsigned long flags;

	memset(info, 0, sizeof(*info));
	info->context_id = ctx->id;

	spin_lock_irqsave(&ctx->fault_lock, flags);
	if (ctx->faulted) {
		info->flags |= DRM_TAIHU_CONTEXT_FAULTED;
		info->fault_addr = ctx->fault_addr;
		info->fault_access = ctx->fault_access;
	}
	if (ctx->banned)
		info->flags |= DRM_TAIHU_CONTEXT_BANNED;
	spin_unlock_irqrestore(&ctx->fault_lock, flags);

	mutex_lock(&ctx->lock);
	info->vram_used = ctx->vram_bytes;
	info->host_used = ctx->host_bytes;
	mutex_unlock(&ctx->lock);
}

static void taihu_query_kernels(struct taihu_device *tdev,
				struct drm_taihu_kernels *info)
{
	const struct taihu_fw_info *fw = &tdev->fw;
	u32 i;

	memset(info, 0, sizeof(*info));
	for (i = 0; i < fw->num_kernels && i < DRM_TAIHU_MAX_KERNELS; i++) {
		info->kernels[i].kernel = fw->kernels[i].kernel;
		info->kernels[i].dtypes = fw->kernels[i].dtypes;
		info->kernels[i].max_rank = fw->kernels[i].max_rank;
		info->kernels[i].max_dim = fw->kernels[i].max_dim;
		info->kernels[i].max_elems = fw->kernels[i].max_elems;
	}
	info->count = i;
}

static int taihu_query_ioctl(struct drm_device *drm, void *data,
			     struct drm_file *file)
{
	struct taihu_device *tdev = to_taihu_device(drm);
	struct taihu_file *tfile = file->driver_priv;
	struct drm_taihu_query *args = data;
	union {
		struct drm_taihu_device_info dev;
		struct drm_taihu_context_info ctx;
		struct drm_taihu_kernels kernels;
	} info;
	u32 size;
	int idx, ret = 0;

	switch (args->query) {
	case DRM_TAIHU_QUERY_DEVICE_INFO:
		size = sizeof(info.dev);
		break;
	case DRM_TAIHU_QUERY_CONTEXT_INFO:
		size = sizeof(info.ctx);
		break;
	case DRM_TAIHU_QUERY_KERNELS:
		size = sizeof(info.kernels);
		break;
	default:
		return -EINVAL;
	}

	/* Size negotiation: report ours, copy at most what fits. */
	if (!args->size) {
		args->size = size;
		return 0;
	}

	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;

	if (args->query == DRM_TAIHU_QUERY_DEVICE_INFO)
		taihu_query_device_info(tdev, &info.dev);
	else if (args->query == DRM_TAIHU_QUERY_KERNELS)
		taihu_query_kernels(tdev, &info.kernels);
	else
		taihu_query_context_info(tfile->ctx, &info.ctx);

	if (copy_to_user(u64_to_user_ptr(args->data), &info,
			 min(args->size, size)))
		ret = -EFAULT;
	else
		args->size = size;

	drm_dev_exit(idx);
	return ret;
}

/*
 * A dead card (taihu_health.c) or an unplugged one fails every Taihu ioctl
 * with -ENODEV, also one that was waiting when the card died or went: its
 * jobs ended because of it. (drm_ioctl() refuses new calls once unplugged.)
 */
#define TAIHU_IOCTL_ALIVE(func)						\
static int func##_alive(struct drm_device *drm, void *data,		\
			struct drm_file *file)				\
{									\
	struct taihu_device *tdev = to_taihu_device(drm);		\
	int ret;							\
									\
	if (taihu_health_dead(tdev))					\
		return -ENODEV;						\
	ret = func(drm, data, file);					\
	if (taihu_health_dead(tdev) || drm_dev_is_unplugged(drm))	\
		return -ENODEV;						\
	return ret;							\
}

TAIHU_IOCTL_ALIVE(taihu_query_ioctl)
TAIHU_IOCTL_ALIVE(taihu_bo_create_ioctl)
TAIHU_IOCTL_ALIVE(taihu_bo_info_ioctl)
TAIHU_IOCTL_ALIVE(taihu_submit_ioctl)
TAIHU_IOCTL_ALIVE(taihu_wait_ioctl)
TAIHU_IOCTL_ALIVE(taihu_submit_batch_ioctl)
TAIHU_IOCTL_ALIVE(taihu_uq_create_ioctl)
TAIHU_IOCTL_ALIVE(taihu_uq_kick_ioctl)
TAIHU_IOCTL_ALIVE(taihu_uq_wait_ioctl)

static const struct drm_ioctl_desc taihu_ioctls[] = {
	DRM_IOCTL_DEF_DRV(TAIHU_QUERY, taihu_query_ioctl_alive, 0),
	DRM_IOCTL_DEF_DRV(TAIHU_BO_CREATE, taihu_bo_create_ioctl_alive, 0),
	DRM_IOCTL_DEF_DRV(TAIHU_BO_INFO, taihu_bo_info_ioctl_alive, 0),
	DRM_IOCTL_DEF_DRV(TAIHU_SUBMIT, taihu_submit_ioctl_alive, 0),
	DRM_IOCTL_DEF_DRV(TAIHU_WAIT, taihu_wait_ioctl_alive, 0),
	DRM_IOCTL_DEF_DRV(TAIHU_SUBMIT_BATCH, taihu_submit_batch_ioctl_alive, 0),
	DRM_IOCTL_DEF_DRV(TAIHU_UQ_CREATE, taihu_uq_create_ioctl_alive, 0),
	DRM_IOCTL_DEF_DRV(TAIHU_UQ_DESTROY, taihu_uq_destroy_ioctl, 0),
	DRM_IOCTL_DEF_DRV(TAIHU_UQ_KICK, taihu_uq_kick_ioctl_alive, 0),
	DRM_IOCTL_DEF_DRV(TAIHU_UQ_WAIT, taihu_uq_wait_ioctl_alive, 0),
};

/*
 * DEFINE_DRM_ACCEL_FOPS() of 6.12 lacks show_fdinfo; the ioctls go
 * through the firewall (taihu_ioctl_filter.c) before drm_ioctl().
 */
static const struct file_operations taihu_fops = {
	.owner = THIS_MODULE,
	DRM_ACCEL_FOPS,
	.unlocked_ioctl = taihu_ioctl,
	.compat_ioctl = taihu_compat_ioctl,
	.show_fdinfo = drm_show_fdinfo,
};

static const struct drm_driver taihu_drm_driver = {
	.driver_features = DRIVER_COMPUTE_ACCEL | DRIVER_GEM |
			   DRIVER_SYNCOBJ | DRIVER_SYNCOBJ_TIMELINE,
	.open = taihu_open,
	.postclose = taihu_postclose,
	.gem_create_object = taihu_gem_create_object,
	.gem_prime_import_sg_table = drm_gem_shmem_prime_import_sg_table,
	.show_fdinfo = taihu_show_fdinfo,
	.ioctls = taihu_ioctls,
	.num_ioctls = ARRAY_SIZE(taihu_ioctls),
	.fops = &taihu_fops,
	.name = TAIHU_DRIVER_NAME,
	.desc = TAIHU_DRIVER_DESC,
	.major = TAIHU_DRIVER_MAJOR,
	.minor = TAIHU_DRIVER_MINOR,
};

/* Generic checks of the ID page, after the transport found a Taihu card. */
static int taihu_check_card(struct taihu_device *tdev)
{
	struct device *dev = tdev->drm.dev;
	u32 major, vectors;

	major = taihu_ctrl_rd32(tdev, TAIHU_ID_REG(if_major));
	tdev->card_if_minor = taihu_ctrl_rd32(tdev, TAIHU_ID_REG(if_minor));
	if (major != TAIHU_CARD_IF_MAJOR) {
		dev_err(dev, "card interface %u.%u not supported, driver has %u.%u\n",
			major, tdev->card_if_minor, TAIHU_CARD_IF_MAJOR,
			TAIHU_CARD_IF_MINOR);
		return -ENODEV;
	}

	vectors = taihu_ctrl_rd32(tdev, TAIHU_ID_REG(num_vectors));
	if (vectors < TAIHU_NUM_VECTORS) {
		dev_err(dev, "card serves %u vectors, %u needed\n", vectors,
			TAIHU_NUM_VECTORS);
		return -ENODEV;
	}

	tdev->device_id = taihu_ctrl_rd32(tdev, TAIHU_ID_REG(device_id));
	tdev->revision = taihu_ctrl_rd32(tdev, TAIHU_ID_REG(revision));
	return 0;
}

static void taihu_ida_fini(struct drm_device *drm, void *arg)
{
	struct taihu_device *tdev = arg;

	ida_destroy(&tdev->ctx_ida);
}

static int taihu_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct taihu_device *tdev;
	int ret;

	tdev = devm_drm_dev_alloc(&pdev->dev, &taihu_drm_driver,
				  struct taihu_device, drm);
	if (IS_ERR(tdev))
		return PTR_ERR(tdev);

	tdev->pdev = pdev;
	tdev->hw.ops = (const struct taihu_hw_ops *)id->driver_data;
	pci_set_drvdata(pdev, tdev);
	ida_init(&tdev->ctx_ida);
	INIT_LIST_HEAD(&tdev->ctx_list);
	atomic64_set(&tdev->host_used, 0);
	taihu_pin_init(tdev);
	taihu_health_init(tdev);
	taihu_recovery_init(tdev);
	taihu_uq_init(tdev);
	taihu_quarantine_init(tdev);
	atomic_set(&tdev->jobs_alive, 0);
	init_waitqueue_head(&tdev->jobs_wq);
	ret = drmm_add_action_or_reset(&tdev->drm, taihu_ida_fini, tdev);
	if (ret)
		return ret;
	ret = drmm_mutex_init(&tdev->drm, &tdev->ctx_lock);
	if (ret)
		return ret;

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;

	ret = tdev->hw.ops->init(tdev);
	if (ret)
		return ret;

	ret = taihu_check_card(tdev);
	if (ret)
		return ret;

	pci_set_master(pdev);
	/* Host page-table entries take DMA addresses below 2^48. */
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(48));
	if (ret)
		return ret;

	ret = taihu_vram_init(tdev);
	if (ret)
		return ret;

	taihu_mbox_init(tdev);
	taihu_queues_early_init(tdev);
	ret = taihu_nl_dev_init(tdev);
	if (ret)
		return ret;

	ret = taihu_irq_init(tdev);
	if (ret)
		return ret;

	ret = taihu_fw_boot(tdev);
	if (ret)
		return ret;

	ret = taihu_telemetry_init(tdev);
	if (ret)
		goto err_reset;

	ret = taihu_queues_enable(tdev);
	if (ret)
		goto err_reset;

	ret = taihu_job_sched_init(tdev);
	if (ret)
		goto err_reset;

	/* Before the device is visible, as its files are. */
	taihu_debugfs_init(tdev);

	ret = drm_dev_register(&tdev->drm, 0);
	if (ret)
		goto err_reset;

	taihu_nl_dev_add(tdev);
	taihu_health_start(tdev);
	return 0;

err_reset:
	/* Stop the queues already enabled before their VRAM is released. */
	taihu_fw_reset(tdev, TAIHU_MBOX_TIMEOUT_MS);
	taihu_queues_stop(tdev);
	return ret;
}

/*
 * Stop the card and end what it was running: its firmware, rings and page
 * tables are gone or going, and jobs must not run into memory that is
 * handed back. Later SUBMITs end their jobs as cancelled.
 */
static void taihu_stop_card(struct taihu_device *tdev, const char *why)
{
	int ret;

	ret = taihu_fw_reset(tdev, TAIHU_MBOX_TIMEOUT_MS);
	if (ret)
		dev_warn(tdev->drm.dev, "%s: card did not acknowledge reset: %d\n",
			 why, ret);
	taihu_queues_stop(tdev);
}

static void taihu_pci_remove(struct pci_dev *pdev)
{
	struct taihu_device *tdev = pci_get_drvdata(pdev);

	/* The watchdog reads BAR2 and may end jobs: not during teardown. */
	taihu_health_stop(tdev);

	/* Netlink first: its handlers read the device without drm_dev_enter(). */
	taihu_nl_dev_remove(tdev);

	/* No new ioctls, mmaps or ring writes; user mappings are zapped. */
	drm_dev_unplug(&tdev->drm);
	taihu_uq_fini(tdev);

	/*
	 * Stop the card writing VRAM before it is handed back, and end every
	 * job still on a ring; the schedulers drain the rest.
	 */
	taihu_stop_card(tdev, "remove");
	/* Reset or gone, the card reaches nothing any more. */
	taihu_quarantine_release_all(tdev);
	taihu_quarantine_flush(tdev);
}

/*
 * Reboot, kexec or power-off: the card (another process, or a real card
 * that outlives a kexec) must not go on running jobs that read and write
 * host memory the next kernel owns.
 */
static void taihu_pci_shutdown(struct pci_dev *pdev)
{
	struct taihu_device *tdev = pci_get_drvdata(pdev);

	taihu_health_stop(tdev);
	taihu_stop_card(tdev, "shutdown");
	pci_clear_master(pdev);
}

/*
 * PCI error recovery (AER, DPC) and function resets. The card loses its
 * firmware, rings and page tables; rebuilding them in place is the last
 * rung of the recovery ladder, which this driver does not have yet, so the
 * device stays stopped (SUBMIT ends jobs as cancelled) until it is unbound
 * and bound again.
 */
static pci_ers_result_t taihu_pci_error_detected(struct pci_dev *pdev,
						 pci_channel_state_t state)
{
	struct taihu_device *tdev = pci_get_drvdata(pdev);

	dev_err(&pdev->dev, "PCI channel error (state %d): jobs cancelled\n",
		state);
	/* The card may be unreachable: end its jobs without it. */
	taihu_queues_stop(tdev);
	if (state == pci_channel_io_perm_failure)
		return PCI_ERS_RESULT_DISCONNECT;
	return PCI_ERS_RESULT_NEED_RESET;
}

static pci_ers_result_t taihu_pci_slot_reset(struct pci_dev *pdev)
{
	dev_err(&pdev->dev, "card reset by PCI recovery cannot be restarted in place: unbind and bind it again\n");
	return PCI_ERS_RESULT_DISCONNECT;
}

static void taihu_pci_reset_prepare(struct pci_dev *pdev)
{
	taihu_stop_card(pci_get_drvdata(pdev), "PCI function reset");
}

static void taihu_pci_reset_done(struct pci_dev *pdev)
{
	dev_warn(&pdev->dev, "after a PCI function reset the card stays stopped: unbind and bind it again\n");
}

static const struct pci_error_handlers taihu_pci_err_handlers = {
	.error_detected = taihu_pci_error_detected,
	.slot_reset = taihu_pci_slot_reset,
	.reset_prepare = taihu_pci_reset_prepare,
	.reset_done = taihu_pci_reset_done,
};

static struct pci_driver taihu_pci_driver = {
	.name = TAIHU_DRIVER_NAME,
	.id_table = taihu_ivshmem_pci_ids,
	.probe = taihu_pci_probe,
	.remove = taihu_pci_remove,
	.shutdown = taihu_pci_shutdown,
	.err_handler = &taihu_pci_err_handlers,
	.dev_groups = taihu_sysfs_groups,
};

static int __init taihu_init(void)
{
	int ret = taihu_netlink_init();

	if (ret)
		return ret;
	ret = pci_register_driver(&taihu_pci_driver);
	if (ret)
		taihu_netlink_exit();
	return ret;
}
module_init(taihu_init);

static void __exit taihu_exit(void)
{
	pci_unregister_driver(&taihu_pci_driver);
	taihu_netlink_exit();
}
module_exit(taihu_exit);

MODULE_AUTHOR("The Taihu authors");
MODULE_DESCRIPTION("Taihu accelerator driver");
MODULE_LICENSE("GPL");
MODULE_FIRMWARE(TAIHU_FW_NAME);
