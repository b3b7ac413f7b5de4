/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Firmware image verification, shared by the card (BOOT), taihu-fwpack
 * (--info) and the host tests, so that all three refuse exactly the same
 * images with exactly the same enum taihu_boot_error code.
 */
#ifndef TAIHU_FW_VERIFY_H
#define TAIHU_FW_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <taihu_card_api.h>
#include <taihu_fw_image.h>

/* Limits the card places on a firmware configuration. */
#define TAIHU_FW_CFG_MIN_CMD_LEN	8U
#define TAIHU_FW_CFG_MAX_CMD_LEN	(1U << 20)
#define TAIHU_FW_CFG_MAX_RING_ENTRIES	65536U
/* The driver's rings have 64 entries (driver/taihu_queue.h): smaller cannot run. */
#define TAIHU_FW_CFG_MIN_RING_ENTRIES	64U
#define TAIHU_FW_CFG_KNOWN_CAPS		(TAIHU_CARD_CAP_NOP | TAIHU_CARD_CAP_FILL | \
					 TAIHU_CARD_CAP_COPY | TAIHU_CARD_CAP_TIMESTAMP | \
					 TAIHU_CARD_CAP_MMU | TAIHU_CARD_CAP_SEMAPHORE | \
					 TAIHU_CARD_CAP_BARRIER | TAIHU_CARD_CAP_KERNEL)

/* Bounds of a thermal table's values. */
#define TAIHU_FW_THERMAL_MIN_MC		(-40000)
#define TAIHU_FW_THERMAL_MAX_MC		150000
#define TAIHU_FW_THERMAL_MAX_MW		10000000U
#define TAIHU_FW_THERMAL_MAX_MHZ	100000U

/* What a verified image contains, in host byte order. */
struct taihu_fw_info {
	struct taihu_fw_header hdr;
	struct taihu_fw_config cfg;
	bool has_thermal;		/* else the card's board defaults apply */
	struct taihu_fw_thermal thermal;
	uint32_t num_sections;
	struct taihu_fw_section sections[TAIHU_FW_MAX_SECTIONS];
	/* The KERNELS section: zero entries without one. */
	uint32_t num_kernels;
	struct taihu_fw_kernel kernels[TAIHU_FW_MAX_KERNELS];
};

/*
 * Verify @size bytes at @img. Returns an enum taihu_boot_error; on
 * TAIHU_BOOT_OK fills @info (if not NULL). @why (if not NULL) receives a
 * one-line human-readable reason either way.
 */
int taihu_fw_verify(const void *img, size_t size, struct taihu_fw_info *info,
		    char *why, size_t why_len);

/*
 * Check a thermal table (from an image, a description or the card's board
 * defaults). Returns TAIHU_BOOT_OK or TAIHU_BOOT_ERR_CONFIG with a reason.
 */
int taihu_fw_thermal_check(const struct taihu_fw_thermal *t, char *why, size_t why_len);

/*
 * SHA-256 of the first @image_size bytes of @img with the header's digest
 * field taken as zero. @image_size must be at least the header size.
 * Returns 0, or -1 if libcrypto failed.
 */
int taihu_fw_digest(const void *img, size_t image_size, uint8_t out[32]);

/* "OK", "TRUNCATED", "MAGIC", ... for an enum taihu_boot_error. */
const char *taihu_boot_error_name(int code);

#endif /* TAIHU_FW_VERIFY_H */
