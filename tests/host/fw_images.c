// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 */
#include <stdlib.h>
#include <string.h>

#include "fw_images.h"
#include "fw_verify.h"

static struct taihu_fw_header *hdr(uint8_t *img)
{
	return (struct taihu_fw_header *)img;
}

static struct taihu_fw_section *sec(uint8_t *img, unsigned int i)
{
	return (struct taihu_fw_section *)(img + hdr(img)->header_size) + i;
}

static struct taihu_fw_config *cfg(uint8_t *img)
{
	unsigned int i;

	for (i = 0; i < hdr(img)->num_sections; i++)
		if (sec(img, i)->type == TAIHU_FW_SECTION_CONFIG)
			return (struct taihu_fw_config *)(img + sec(img, i)->offset);
	return NULL;
}

static struct taihu_fw_section *thermal_sec(uint8_t *img)
{
	unsigned int i;

	for (i = 0; i < hdr(img)->num_sections; i++)
		if (sec(img, i)->type == TAIHU_FW_SECTION_THERMAL)
			return sec(img, i);
	abort();	/* t1.bin has a thermal table */
}

static struct taihu_fw_thermal *thermal(uint8_t *img)
{
	return (struct taihu_fw_thermal *)(img + thermal_sec(img)->offset);
}

void fw_fix_digest(uint8_t *img)
{
	taihu_fw_digest(img, hdr(img)->image_size, hdr(img)->digest);
}

uint8_t *fw_with_caps(const uint8_t *img, size_t size, uint64_t caps)
{
	uint8_t *copy = malloc(size);

	if (!copy)
		return NULL;
	memcpy(copy, img, size);
	if (!cfg(copy)) {
		free(copy);
		return NULL;
	}
	cfg(copy)->capabilities = caps;
	fw_fix_digest(copy);
	return copy;
}

static size_t truncated(uint8_t *img, size_t size)
{
	(void)img;
	return size - 100;
}

static size_t truncated_header(uint8_t *img, size_t size)
{
	(void)img;
	(void)size;
	return 64;
}

static size_t bad_magic(uint8_t *img, size_t size)
{
	hdr(img)->magic ^= 1;
	fw_fix_digest(img);
	return size;
}

static size_t bad_abi(uint8_t *img, size_t size)
{
	hdr(img)->abi_major = TAIHU_FW_ABI_MAJOR + 1;
	fw_fix_digest(img);
	return size;
}

static size_t bad_digest(uint8_t *img, size_t size)
{
	hdr(img)->digest[7] ^= 0x40;
	return size;
}

static size_t bad_payload(uint8_t *img, size_t size)
{
	img[size - 1] ^= 0x80;
	return size;
}

static size_t bad_version_field(uint8_t *img, size_t size)
{
	hdr(img)->fw_version ^= 0x100;	/* a header byte, not re-signed */
	return size;
}

static size_t section_out_of_range(uint8_t *img, size_t size)
{
	sec(img, hdr(img)->num_sections - 1)->offset = hdr(img)->image_size;
	fw_fix_digest(img);
	return size;
}

static size_t section_overlap(uint8_t *img, size_t size)
{
	sec(img, 1)->offset = sec(img, 0)->offset;
	fw_fix_digest(img);
	return size;
}

static size_t section_misaligned(uint8_t *img, size_t size)
{
	sec(img, 1)->offset += 4;
	sec(img, 1)->size -= 4;
	fw_fix_digest(img);
	return size;
}

static size_t section_count(uint8_t *img, size_t size)
{
	hdr(img)->num_sections = TAIHU_FW_MAX_SECTIONS + 1;
	fw_fix_digest(img);
	return size;
}

static size_t header_size(uint8_t *img, size_t size)
{
	hdr(img)->header_size = 64;
	fw_fix_digest(img);
	return size;
}

static size_t oversize(uint8_t *img, size_t size)
{
	hdr(img)->image_size = TAIHU_FW_MAX_IMAGE_SIZE + 8;
	return size;
}

static size_t no_config(uint8_t *img, size_t size)
{
	sec(img, 0)->type = TAIHU_FW_SECTION_THERMAL;
	fw_fix_digest(img);
	return size;
}

static size_t dup_config(uint8_t *img, size_t size)
{
	sec(img, 1)->type = TAIHU_FW_SECTION_CONFIG;
	fw_fix_digest(img);
	return size;
}

static size_t config_queues(uint8_t *img, size_t size)
{
	cfg(img)->num_queues = TAIHU_MAX_QUEUES + 1;
	fw_fix_digest(img);
	return size;
}

static size_t config_caps(uint8_t *img, size_t size)
{
	cfg(img)->capabilities |= 1ULL << 40;
	fw_fix_digest(img);
	return size;
}

static size_t config_ring(uint8_t *img, size_t size)
{
	cfg(img)->max_ring_entries = 100;
	fw_fix_digest(img);
	return size;
}

static size_t config_one_entry_ring(uint8_t *img, size_t size)
{
	cfg(img)->max_ring_entries = 1;
	fw_fix_digest(img);
	return size;
}

static size_t config_no_caps(uint8_t *img, size_t size)
{
	cfg(img)->capabilities = 0;
	fw_fix_digest(img);
	return size;
}

static size_t config_cmd_len_8(uint8_t *img, size_t size)
{
	cfg(img)->max_cmd_len = 8;
	fw_fix_digest(img);
	return size;
}

static size_t config_short(uint8_t *img, size_t size)
{
	sec(img, 0)->size = 16;
	fw_fix_digest(img);
	return size;
}

static size_t thermal_levels(uint8_t *img, size_t size)
{
	struct taihu_fw_thermal *t = thermal(img);

	t->levels[1].core_mhz = t->levels[0].core_mhz;
	fw_fix_digest(img);
	return size;
}

static size_t thermal_cap(uint8_t *img, size_t size)
{
	thermal(img)->power_cap_min_mw = thermal(img)->power_cap_default_mw + 1;
	fw_fix_digest(img);
	return size;
}

static size_t thermal_crit(uint8_t *img, size_t size)
{
	thermal(img)->temp_crit_mc = thermal(img)->temp_max_mc;
	fw_fix_digest(img);
	return size;
}

static size_t thermal_short(uint8_t *img, size_t size)
{
	thermal_sec(img)->size = 64;
	fw_fix_digest(img);
	return size;
}

static size_t thermal_dup(uint8_t *img, size_t size)
{
	unsigned int i;

	for (i = 0; i < hdr(img)->num_sections; i++)
		if (sec(img, i)->type == TAIHU_FW_SECTION_CODE)
			sec(img, i)->type = TAIHU_FW_SECTION_THERMAL;
	fw_fix_digest(img);
	return size;
}

const struct fw_bad_case fw_bad_cases[] = {
	{ "truncated", TAIHU_BOOT_ERR_TRUNCATED, truncated },
	{ "truncated header", TAIHU_BOOT_ERR_TRUNCATED, truncated_header },
	{ "wrong magic", TAIHU_BOOT_ERR_MAGIC, bad_magic },
	{ "wrong ABI major", TAIHU_BOOT_ERR_ABI, bad_abi },
	{ "flipped digest byte", TAIHU_BOOT_ERR_DIGEST, bad_digest },
	{ "flipped payload byte", TAIHU_BOOT_ERR_DIGEST, bad_payload },
	{ "flipped header byte", TAIHU_BOOT_ERR_DIGEST, bad_version_field },
	{ "section out of range", TAIHU_BOOT_ERR_SECTION, section_out_of_range },
	{ "sections overlap", TAIHU_BOOT_ERR_SECTION, section_overlap },
	{ "section misaligned", TAIHU_BOOT_ERR_SECTION, section_misaligned },
	{ "too many sections", TAIHU_BOOT_ERR_SECTION, section_count },
	{ "bad header_size", TAIHU_BOOT_ERR_SECTION, header_size },
	{ "image_size over the limit", TAIHU_BOOT_ERR_RANGE, oversize },
	{ "missing config", TAIHU_BOOT_ERR_CONFIG, no_config },
	{ "duplicate config", TAIHU_BOOT_ERR_CONFIG, dup_config },
	{ "config num_queues 9", TAIHU_BOOT_ERR_CONFIG, config_queues },
	{ "config unknown capability", TAIHU_BOOT_ERR_CONFIG, config_caps },
	{ "config ring entries not power of two", TAIHU_BOOT_ERR_CONFIG, config_ring },
	{ "config section too short", TAIHU_BOOT_ERR_CONFIG, config_short },
	{ "config one-entry ring", TAIHU_BOOT_ERR_CONFIG, config_one_entry_ring },
	{ "config without capabilities", TAIHU_BOOT_ERR_CONFIG, config_no_caps },
	{ "config max_cmd_len 8", TAIHU_BOOT_ERR_CONFIG, config_cmd_len_8 },
	{ "thermal clock table not descending", TAIHU_BOOT_ERR_CONFIG, thermal_levels },
	{ "thermal cap minimum above default", TAIHU_BOOT_ERR_CONFIG, thermal_cap },
	{ "thermal crit not above max", TAIHU_BOOT_ERR_CONFIG, thermal_crit },
	{ "thermal section too short", TAIHU_BOOT_ERR_CONFIG, thermal_short },
	{ "two thermal sections", TAIHU_BOOT_ERR_CONFIG, thermal_dup },
};

const size_t fw_num_bad_cases = sizeof(fw_bad_cases) / sizeof(fw_bad_cases[0]);

uint8_t *fw_make_bad(const struct fw_bad_case *bc, const uint8_t *img, size_t size,
		     size_t *bad_size)
{
	uint8_t *copy = calloc(1, size + 64);

	if (!copy)
		return NULL;
	memcpy(copy, img, size);
	*bad_size = bc->mutate(copy, size);
	return copy;
}
