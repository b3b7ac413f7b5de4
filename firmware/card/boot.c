// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Reset and boot. The image is copied out of VRAM before it is verified so
 * that the guest cannot change it between the check and its use.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/fw_verify.h"
#include "bar2.h"
#include "boot.h"
#include "dma.h"
#include "engine.h"
#include "events.h"
#include "fault.h"
#include "log.h"
#include "mailbox.h"
#include "mmu.h"
#include "shm.h"
#include "thermal.h"
#include "uqueue.h"

void boot_reset(struct card *card)
{
	fault_clear_on_reset(card);
	engine_stop_all(card);
	uqueue_reset(card);
	mmu_reset(card);
	memset(&card->cfg, 0, sizeof(card->cfg));
	/*
	 * BAR2's control state is rebuilt, whatever the guest wrote there: the
	 * card's part of each queue descriptor from its own copy (the ring
	 * fields are the driver's to write before QUEUE_ENABLE), the event
	 * ring, the ID page.
	 */
	for (unsigned int q = 0; q < TAIHU_MAX_QUEUES; q++) {
		shm_store32(&card->qdesc[q].head, card->engines[q].head);
		shm_store32(&card->qdesc[q].status, 0);
	}
	events_reset(card);
	bar2_write_identity(card);
	bar2_publish_firmware(card, NULL);
	thermal_set_table(card, NULL);
	card_rearm_sensors(card);
	card_rearm_heartbeat(card);
	bar2_set_state(card, TAIHU_CARD_STATE_WAIT_FW, TAIHU_BOOT_OK);
	card_log("reset: queues stopped, contexts forgotten, BAR2 rebuilt, waiting for firmware");
}

void boot_hw_reset(struct card *card)
{
	card_log("hardware reset (the reset line, not the firmware)");
	mailbox_drop_pending(card);
	boot_reset(card);
	/* Last: the driver waits for this word to clear. */
	shm_store32(&card->id->hw_reset, 0);
}

static int boot_fail(struct card *card, int code, const char *why)
{
	card_log("boot failed: %s (%s)", taihu_boot_error_name(code), why);
	bar2_set_state(card, TAIHU_CARD_STATE_ERROR, (uint32_t)code);
	events_post(card, TAIHU_EVENT_FW_ERROR, 0, (uint64_t)code, 0);
	return code;
}

int boot_firmware(struct card *card, uint64_t image_addr, uint32_t image_size)
{
	struct taihu_fw_info info;
	char why[160];
	uint8_t *copy;
	uint32_t state = shm_load32(&card->id->state);
	int code;

	if (state == TAIHU_CARD_STATE_READY || card->cfg.booted) {
		card_log("BOOT refused: firmware already running (send RESET first)");
		return -EBUSY;
	}
	bar2_set_state(card, TAIHU_CARD_STATE_BOOTING, TAIHU_BOOT_OK);
	if (card->fail_boots) {
		card->fail_boots--;
		return boot_fail(card, TAIHU_BOOT_ERR_INJECTED, "failure injected");
	}

	if (!vram_range_ok(card, image_addr, image_size)) {
		snprintf(why, sizeof(why), "image [0x%llx, +%u) is not inside VRAM",
			 (unsigned long long)image_addr, image_size);
		return boot_fail(card, TAIHU_BOOT_ERR_RANGE, why);
	}
	if (image_size > TAIHU_FW_MAX_IMAGE_SIZE) {
		snprintf(why, sizeof(why), "image of %u bytes exceeds the %u-byte limit",
			 image_size, TAIHU_FW_MAX_IMAGE_SIZE);
		return boot_fail(card, TAIHU_BOOT_ERR_RANGE, why);
	}
	copy = malloc(image_size ? image_size : 1);
	if (!copy)
		return boot_fail(card, TAIHU_BOOT_ERR_RANGE, "out of memory for the image");
	memcpy(copy, card->vram + image_addr, image_size);
	code = taihu_fw_verify(copy, image_size, &info, why, sizeof(why));
	free(copy);
	if (code != TAIHU_BOOT_OK)
		return boot_fail(card, code, why);

	card->cfg.booted = true;
	card->cfg.num_queues = info.cfg.num_queues;
	card->cfg.heartbeat_period_ms = info.cfg.heartbeat_period_ms;
	card->cfg.capabilities = info.cfg.capabilities;
	card->cfg.max_cmd_len = info.cfg.max_cmd_len;
	card->cfg.max_ring_entries = info.cfg.max_ring_entries;
	for (uint32_t i = 0; i < info.num_kernels; i++) {
		const struct taihu_fw_kernel *k = &info.kernels[i];

		/* Verified: known ids, each once, sane limits. */
		card->cfg.kernels[k->kernel] = (struct card_kernel_cfg){
			.dtypes = k->dtypes, .max_rank = k->max_rank,
			.max_dim = k->max_dim, .max_elems = k->max_elems,
		};
	}
	bar2_publish_firmware(card, &info);
	thermal_set_table(card, info.has_thermal ? &info.thermal : NULL);
	card_rearm_sensors(card);
	bar2_set_state(card, TAIHU_CARD_STATE_READY, TAIHU_BOOT_OK);
	card_log("firmware %s booted: ABI %u.%u, %u queues, caps 0x%llx, max_cmd_len %u, max_ring_entries %u, %u kernels",
		 info.hdr.version_str, info.hdr.abi_major, info.hdr.abi_minor,
		 info.cfg.num_queues, (unsigned long long)info.cfg.capabilities,
		 info.cfg.max_cmd_len, info.cfg.max_ring_entries, info.num_kernels);
	events_post(card, TAIHU_EVENT_BOOTED, 0, info.hdr.fw_version, 0);
	return TAIHU_BOOT_OK;
}
