// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Card reset, firmware loading and boot. The card, not the driver, verifies
 * the image (magic, ABI, digest, sections, configuration); the driver only
 * refuses what it cannot send and reports the card's verdict in one line.
 */

#include <linux/ctype.h>
#include <linux/delay.h>
#include <linux/firmware.h>
#include <linux/jiffies.h>
#include <linux/string.h>

#include "taihu_drv.h"
#include "taihu_fw.h"
#include "taihu_fw_image.h"
#include "taihu_health.h"
#include "taihu_mbox.h"

static const char *const taihu_boot_reasons[] = {
	[TAIHU_BOOT_ERR_TRUNCATED] = "image truncated",
	[TAIHU_BOOT_ERR_MAGIC] = "bad magic",
	[TAIHU_BOOT_ERR_ABI] = "incompatible ABI",
	[TAIHU_BOOT_ERR_DIGEST] = "digest mismatch",
	[TAIHU_BOOT_ERR_SECTION] = "bad section table",
	[TAIHU_BOOT_ERR_CONFIG] = "bad configuration",
	[TAIHU_BOOT_ERR_RANGE] = "image outside VRAM",
	[TAIHU_BOOT_ERR_INJECTED] = "injected failure",
};

static void taihu_fw_not_responding(struct taihu_device *tdev,
				    const char *what, unsigned int timeout_ms)
{
	dev_err(tdev->drm.dev, "card not responding: no answer to %s in %u ms\n",
		what, timeout_ms);
}

/*
 * The card's reset line (&taihu_card_id.hw_reset): the card's hardware
 * resets it whatever its firmware does, a hung one included. Under the
 * mailbox lock, so that no request is in flight meanwhile: the card drops
 * the one it had not answered.
 */
static int taihu_fw_hw_reset(struct taihu_device *tdev, unsigned int timeout_ms)
{
	unsigned long deadline;
	int ret = 0;

	mutex_lock(&tdev->mbox.lock);
	if (taihu_health_dead(tdev)) {
		ret = -ENODEV;
		goto out;
	}
	deadline = jiffies + msecs_to_jiffies(timeout_ms);
	/* writel()s are ordered: the word is set before the doorbell. */
	taihu_ctrl_wr32(tdev, TAIHU_ID_REG(hw_reset), TAIHU_HW_RESET_MAGIC);
	taihu_kick(tdev, TAIHU_VECTOR_CONTROL);
	while (taihu_ctrl_rd32(tdev, TAIHU_ID_REG(hw_reset)) == TAIHU_HW_RESET_MAGIC) {
		if (time_after(jiffies, deadline)) {
			/* A card that comes back later must not reset by itself. */
			taihu_ctrl_wr32(tdev, TAIHU_ID_REG(hw_reset), 0);
			ret = -ETIMEDOUT;
			break;
		}
		usleep_range(500, 1000);
	}
out:
	mutex_unlock(&tdev->mbox.lock);
	return ret;
}

int taihu_fw_reset(struct taihu_device *tdev, unsigned int timeout_ms)
{
	if (tdev->card_if_minor >= TAIHU_CARD_IF_MINOR_HW_RESET)
		return taihu_fw_hw_reset(tdev, timeout_ms);
	return taihu_mbox_simple(tdev, TAIHU_MBOX_OP_RESET, NULL, 0, timeout_ms);
}

/* Strings come from the card: keep them printable and terminated. */
static void taihu_fw_copy_str(struct taihu_device *tdev, char *dst,
			      size_t size, u32 off)
{
	size_t i;

	memcpy_fromio(dst, tdev->hw.ctrl + off, size);
	dst[size - 1] = '\0';
	for (i = 0; dst[i]; i++)
		if (!isprint(dst[i]))
			dst[i] = '?';
}

/* The kernel table of the ID page; entries the card got wrong are dropped. */
static void taihu_fw_read_kernels(struct taihu_device *tdev)
{
	struct taihu_fw_info *fw = &tdev->fw;
	u32 base = TAIHU_BAR2_ID_OFFSET + TAIHU_ID_KERNELS_OFFSET;
	u32 count, i;

	fw->num_kernels = 0;
	if (!(fw->capabilities & TAIHU_CARD_CAP_KERNEL))
		return;
	count = taihu_ctrl_rd32(tdev, base + offsetof(struct taihu_card_kernels, count));
	if (count > TAIHU_CARD_MAX_KERNELS) {
		dev_warn(tdev->drm.dev, "card reports %u kernels, using %u\n",
			 count, TAIHU_CARD_MAX_KERNELS);
		count = TAIHU_CARD_MAX_KERNELS;
	}
	for (i = 0; i < count; i++)
		memcpy_fromio(&fw->kernels[i], tdev->hw.ctrl + base +
			      offsetof(struct taihu_card_kernels, entries[i]),
			      sizeof(fw->kernels[i]));
	fw->num_kernels = count;
}

static void taihu_fw_read_info(struct taihu_device *tdev)
{
	struct taihu_fw_info *fw = &tdev->fw;

	fw->version = taihu_ctrl_rd32(tdev, TAIHU_ID_REG(fw_version));
	fw->abi_major = readw(tdev->hw.ctrl + TAIHU_ID_REG(fw_abi_major));
	fw->abi_minor = readw(tdev->hw.ctrl + TAIHU_ID_REG(fw_abi_minor));
	fw->num_queues = taihu_ctrl_rd32(tdev, TAIHU_ID_REG(num_queues));
	fw->capabilities = taihu_ctrl_rd64(tdev, TAIHU_ID_REG(capabilities));
	taihu_fw_copy_str(tdev, fw->version_str, sizeof(fw->version_str),
			  TAIHU_ID_REG(fw_version_str));
	taihu_fw_copy_str(tdev, fw->serial, sizeof(fw->serial),
			  TAIHU_ID_REG(serial));
	taihu_fw_read_kernels(tdev);
	if (tdev->card_if_minor >= 3) {
		fw->max_cmd_len = taihu_ctrl_rd32(tdev, TAIHU_ID_REG(max_cmd_len));
		fw->max_ring_entries = taihu_ctrl_rd32(tdev,
						       TAIHU_ID_REG(max_ring_entries));
	}
}

/* Limits this driver cannot run with; the card verified the rest. */
static int taihu_fw_check_limits(struct taihu_device *tdev)
{
	const struct taihu_fw_info *fw = &tdev->fw;
	struct device *dev = tdev->drm.dev;

	if (tdev->card_if_minor < 3)
		return 0;
	/* Rings keep their length across resets; at probe, the shortest. */
	if (fw->max_ring_entries < max_t(u32, tdev->ring_entries,
					 TAIHU_RING_MIN_ENTRIES)) {
		dev_err(dev, "boot failed: firmware max_ring_entries %u below the driver's %u-entry rings\n",
			fw->max_ring_entries,
			max_t(u32, tdev->ring_entries, TAIHU_RING_MIN_ENTRIES));
		return -EINVAL;
	}
	if (!fw->capabilities) {
		dev_err(dev, "boot failed: firmware capabilities enable nothing\n");
		return -EINVAL;
	}
	if (fw->max_cmd_len < sizeof(u64)) {
		dev_err(dev, "boot failed: firmware max_cmd_len %u holds no packet\n",
			fw->max_cmd_len);
		return -EINVAL;
	}
	return 0;
}

/* Send the image already in VRAM and interpret the card's verdict. */
static int taihu_fw_send_boot(struct taihu_device *tdev, size_t size)
{
	struct taihu_mbox_boot boot = {
		.image_addr = tdev->vram.fw_node.start,
		.image_size = size,
	};
	struct device *dev = tdev->drm.dev;
	s32 status;
	int ret;

	ret = taihu_mbox_request(tdev, TAIHU_MBOX_OP_BOOT, &boot, sizeof(boot),
				 NULL, 0, TAIHU_BOOT_TIMEOUT_MS, &status);
	if (ret == -ETIMEDOUT) {
		taihu_fw_not_responding(tdev, "BOOT", TAIHU_BOOT_TIMEOUT_MS);
		return ret;
	}
	if (ret)
		return ret;

	if (status > 0 && status < ARRAY_SIZE(taihu_boot_reasons) &&
	    taihu_boot_reasons[status]) {
		dev_err(dev, "boot failed: %s\n", taihu_boot_reasons[status]);
		return -EINVAL;
	}
	if (status) {
		dev_err(dev, "boot failed: card status %d\n", status);
		return -EIO;
	}

	if (taihu_ctrl_rd32(tdev, TAIHU_ID_REG(state)) != TAIHU_CARD_STATE_READY) {
		dev_err(dev, "boot failed: card state %u after BOOT\n",
			taihu_ctrl_rd32(tdev, TAIHU_ID_REG(state)));
		return -EIO;
	}
	return 0;
}

int taihu_fw_boot(struct taihu_device *tdev)
{
	struct device *dev = tdev->drm.dev;
	const struct firmware *fw;
	u32 state, max_queues;
	int ret;

	ret = taihu_fw_reset(tdev, TAIHU_BOOT_TIMEOUT_MS);
	if (ret == -ETIMEDOUT) {
		taihu_fw_not_responding(tdev, "RESET", TAIHU_BOOT_TIMEOUT_MS);
		return ret;
	}
	if (ret) {
		dev_err(dev, "card reset failed: %d\n", ret);
		return ret;
	}
	state = taihu_ctrl_rd32(tdev, TAIHU_ID_REG(state));
	if (state != TAIHU_CARD_STATE_WAIT_FW) {
		dev_err(dev, "card reset failed: state %u\n", state);
		return -EIO;
	}

	ret = request_firmware(&fw, TAIHU_FW_NAME, dev);
	if (ret) {
		dev_err(dev, "cannot load firmware %s: %d\n", TAIHU_FW_NAME, ret);
		return ret;
	}

	/* Not worth sending: the card would refuse it as well. */
	if (fw->size < sizeof(struct taihu_fw_header)) {
		dev_err(dev, "boot failed: image truncated\n");
		ret = -EINVAL;
		goto out;
	}
	if (fw->size > tdev->vram.fw_node.size || fw->size > U32_MAX) {
		dev_err(dev, "boot failed: image of %zu bytes exceeds the %llu bytes reserved\n",
			fw->size, tdev->vram.fw_node.size);
		ret = -EFBIG;
		goto out;
	}

	memcpy_toio(tdev->hw.vram + tdev->vram.fw_node.start, fw->data,
		    fw->size);
	/* The image must be in VRAM before the card is told about it. */
	wmb();

	ret = taihu_fw_send_boot(tdev, fw->size);
	if (ret)
		goto out;

	taihu_fw_read_info(tdev);
	max_queues = min_t(u32, taihu_ctrl_rd32(tdev, TAIHU_ID_REG(max_queues)),
			   TAIHU_MAX_QUEUES);
	if (!tdev->fw.num_queues || tdev->fw.num_queues > max_queues) {
		dev_err(dev, "boot failed: firmware enables %u queues, card has %u\n",
			tdev->fw.num_queues, max_queues);
		ret = -EIO;
		goto out;
	}
	tdev->num_queues = tdev->fw.num_queues;
	ret = taihu_fw_check_limits(tdev);
	if (ret)
		goto out;

	dev_info(dev, "firmware %s booted (ABI %u.%u), %u queues\n",
		 tdev->fw.version_str, tdev->fw.abi_major, tdev->fw.abi_minor,
		 tdev->num_queues);
out:
	release_firmware(fw);
	return ret;
}
