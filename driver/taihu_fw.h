/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Card reset, firmware loading and boot.
 */
#ifndef __TAIHU_FW_H__
#define __TAIHU_FW_H__

#include <linux/types.h>

#include "taihu_card_api.h"

struct taihu_device;

#define TAIHU_FW_NAME			"taihu/t1.bin"

/**
 * struct taihu_fw_info - what the running firmware reported at boot
 * @version: (major << 16 | minor << 8 | patch)
 * @abi_major: firmware ABI major
 * @abi_minor: firmware ABI minor
 * @num_queues: queues the firmware enables
 * @capabilities: TAIHU_CARD_CAP_* bits
 * @version_str: NUL-terminated version string
 * @serial: NUL-terminated board serial
 * @max_cmd_len: longest command stream accepted (interface 1.3; else 0)
 * @max_ring_entries: largest ring accepted (interface 1.3; else 0)
 * @num_kernels: entries of @kernels
 * @kernels: the inference kernels the firmware enables (ID page table)
 *
 * Written once at probe, read-only afterwards.
 */
struct taihu_fw_info {
	u32 version;
	u16 abi_major;
	u16 abi_minor;
	u32 num_queues;
	u64 capabilities;
	char version_str[32];
	char serial[32];
	u32 max_cmd_len;
	u32 max_ring_entries;
	u32 num_kernels;
	struct taihu_card_kernel kernels[TAIHU_CARD_MAX_KERNELS];
};

/**
 * taihu_fw_boot() - reset the card, load taihu/t1.bin and boot it
 * @tdev: the device, with MSI-X and the VRAM allocator set up
 *
 * Prints one line saying why on failure and the firmware version on success.
 *
 * Return: 0 or a negative errno.
 */
int taihu_fw_boot(struct taihu_device *tdev);

/**
 * taihu_fw_reset() - stop the card (all queues) and return it to WAIT_FW
 * @tdev: the device
 * @timeout_ms: how long to wait for the answer
 *
 * By the card's reset line from interface 1.9 on (a hung firmware does not
 * stop it), else by the mailbox's RESET.
 *
 * Return: 0 or a negative errno.
 */
int taihu_fw_reset(struct taihu_device *tdev, unsigned int timeout_ms);

#endif /* __TAIHU_FW_H__ */
