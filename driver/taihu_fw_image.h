/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The Taihu firmware image format (taihu/t1.bin), produced by taihu-fwpack
 * and verified by the card at BOOT.
 *
 *   +---------------------------+ 0
 *   | struct taihu_fw_header    |
 *   +---------------------------+ header_size
 *   | struct taihu_fw_section[] | num_sections entries
 *   +---------------------------+
 *   | section payloads          | each 8-byte aligned, inside image_size
 *   +---------------------------+ image_size
 *
 * The digest is the SHA-256 of the whole image (image_size bytes) computed
 * with the digest field set to zero. All fields are little-endian.
 */
#ifndef __TAIHU_FW_IMAGE_H__
#define __TAIHU_FW_IMAGE_H__

#include <linux/types.h>

/* "THFW" */
#define TAIHU_FW_MAGIC			0x57464854U
#define TAIHU_FW_ABI_MAJOR		1
#define TAIHU_FW_ABI_MINOR		2
#define TAIHU_FW_MAX_SECTIONS		16
#define TAIHU_FW_MAX_IMAGE_SIZE		(4U << 20)

#define TAIHU_FW_VERSION(maj, min, pat)	(((maj) << 16) | ((min) << 8) | (pat))

/**
 * struct taihu_fw_header - image header at offset 0
 * @magic: TAIHU_FW_MAGIC
 * @abi_major: firmware ABI major; the card refuses another major
 * @abi_minor: firmware ABI minor; additions only
 * @fw_version: TAIHU_FW_VERSION(major, minor, patch)
 * @header_size: sizeof(struct taihu_fw_header)
 * @image_size: size of the whole image in bytes
 * @num_sections: entries in the section table after the header
 * @flags: zero
 * @reserved: zero
 * @version_str: NUL-terminated human-readable version, e.g. "1.0.0"
 * @build: NUL-terminated build description
 * @digest: SHA-256 of the image with this field zeroed
 */
struct taihu_fw_header {
	__u32 magic;
	__u16 abi_major;
	__u16 abi_minor;
	__u32 fw_version;
	__u32 header_size;
	__u32 image_size;
	__u32 num_sections;
	__u32 flags;
	__u32 reserved;
	char version_str[32];
	char build[32];
	__u8 digest[32];
};

/**
 * enum taihu_fw_section_type - section kinds
 * @TAIHU_FW_SECTION_CONFIG: &struct taihu_fw_config, required, exactly once
 * @TAIHU_FW_SECTION_CODE: command-processor microcode; opaque to the model
 * @TAIHU_FW_SECTION_THERMAL: thermal/clock table (later ABI minors)
 * @TAIHU_FW_SECTION_KERNELS: &struct taihu_fw_kernels, the inference
 *	kernels the firmware enables (ABI minor 2); at most once, required
 *	when the CONFIG capabilities include KERNEL
 */
enum taihu_fw_section_type {
	TAIHU_FW_SECTION_CONFIG = 1,
	TAIHU_FW_SECTION_CODE = 2,
	TAIHU_FW_SECTION_THERMAL = 3,
	TAIHU_FW_SECTION_KERNELS = 4,
};

/**
 * struct taihu_fw_section - one section table entry
 * @type: &enum taihu_fw_section_type
 * @flags: zero
 * @offset: byte offset of the payload from the image start, 8-byte aligned
 * @size: payload size in bytes
 */
struct taihu_fw_section {
	__u32 type;
	__u32 flags;
	__u32 offset;
	__u32 size;
};

/**
 * struct taihu_fw_config - what the firmware configures on the card
 * @num_queues: hardware queues enabled, 1..TAIHU_MAX_QUEUES
 * @heartbeat_period_ms: heartbeat period, 1..1000
 * @capabilities: TAIHU_CARD_CAP_* the firmware implements
 * @max_cmd_len: longest command stream accepted, in bytes
 * @max_ring_entries: largest queue ring accepted
 * @reserved: zero
 */
struct taihu_fw_config {
	__u32 num_queues;
	__u32 heartbeat_period_ms;
	__u64 capabilities;
	__u32 max_cmd_len;
	__u32 max_ring_entries;
	__u64 reserved[4];
};

/* Most entries of a KERNELS section. */
#define TAIHU_FW_MAX_KERNELS		32

/**
 * struct taihu_fw_kernel - one kernel the firmware enables
 * @kernel: kernel id of the command-stream format (enum taihu_kernel in
 *	firmware/include/taihu_cmdstream.h), each at most once
 * @max_rank: largest rank of any of its tensors, 1..6
 * @reserved: zero
 * @dtypes: bit (1 << dtype) for each enum taihu_dtype it computes in, not 0
 * @max_dim: largest dimension of any of its tensors, at least 1
 * @reserved1: zero
 * @max_elems: most elements of any one of its tensors, at least 1
 */
struct taihu_fw_kernel {
	__u16 kernel;
	__u8 max_rank;
	__u8 reserved;
	__u32 dtypes;
	__u32 max_dim;
	__u32 reserved1;
	__u64 max_elems;
};

/**
 * struct taihu_fw_kernels - payload of TAIHU_FW_SECTION_KERNELS
 * @count: entries after this header, 1..TAIHU_FW_MAX_KERNELS; the section
 *	is exactly 8 + 24 * @count bytes
 * @reserved: zero
 * @entries: the kernels
 */
struct taihu_fw_kernels {
	__u32 count;
	__u32 reserved;
	struct taihu_fw_kernel entries[];
};

#endif /* __TAIHU_FW_IMAGE_H__ */
