// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Fuzz target: firmware image verification (BOOT) on arbitrary bytes.
 * Each input is verified as it is, then once more with its digest fixed up
 * so that mutations reach the section and config checks behind it. An
 * accepted image must be self-consistent.
 */
#include <stdlib.h>
#include <string.h>

#include "fw_verify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_accepted(const uint8_t *img, size_t size, const struct taihu_fw_info *info)
{
	uint32_t i;

	if (info->hdr.image_size > size || info->hdr.image_size > TAIHU_FW_MAX_IMAGE_SIZE ||
	    info->num_sections < 1 || info->num_sections > TAIHU_FW_MAX_SECTIONS ||
	    !memchr(info->hdr.version_str, 0, sizeof(info->hdr.version_str)) ||
	    info->cfg.num_queues < 1 || info->cfg.num_queues > TAIHU_MAX_QUEUES ||
	    info->cfg.max_cmd_len < TAIHU_FW_CFG_MIN_CMD_LEN ||
	    info->cfg.max_cmd_len > TAIHU_FW_CFG_MAX_CMD_LEN ||
	    !info->cfg.max_ring_entries ||
	    info->cfg.max_ring_entries > TAIHU_FW_CFG_MAX_RING_ENTRIES)
		abort();
	for (i = 0; i < info->num_sections; i++)
		if ((uint64_t)info->sections[i].offset + info->sections[i].size >
		    info->hdr.image_size)
			abort();
	(void)img;
}

static void verify(const uint8_t *img, size_t size)
{
	struct taihu_fw_info info;
	char why[160];
	int code;

	code = taihu_fw_verify(img, size, &info, why, sizeof(why));
	if (code < 0 || code > TAIHU_BOOT_ERR_INJECTED || !memchr(why, 0, sizeof(why)))
		abort();
	if (code == TAIHU_BOOT_OK)
		check_accepted(img, size, &info);
	/* The card passes no info and no reason buffer on some paths. */
	if (taihu_fw_verify(img, size, NULL, NULL, 0) != code)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct taihu_fw_header hdr;
	uint8_t digest[32];
	uint8_t *copy;

	/* An exact-size heap copy: any read past the image is an ASan report. */
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	verify(copy, size);

	if (size >= sizeof(hdr)) {
		memcpy(&hdr, copy, sizeof(hdr));
		if (hdr.image_size >= sizeof(hdr) && hdr.image_size <= size &&
		    !taihu_fw_digest(copy, hdr.image_size, digest)) {
			memcpy(copy + offsetof(struct taihu_fw_header, digest), digest,
			       sizeof(digest));
			verify(copy, size);
		}
	}
	free(copy);
	return 0;
}
