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
 * @TAIHU_FW_SECTION_THERMAL: &struct taihu_fw_thermal, at most once; the
 *	card uses its board defaults without it
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

#define TAIHU_FW_MAX_CLOCK_LEVELS	8

/**
 * struct taihu_fw_clock_level - one operating point of the core clock
 * @core_mhz: core clock
 * @voltage_mv: core voltage at that clock
 */
struct taihu_fw_clock_level {
	__u32 core_mhz;
	__u32 voltage_mv;
};

/**
 * struct taihu_fw_thermal - the thermal and power limits and the model's
 * constants, payload of TAIHU_FW_SECTION_THERMAL
 * @temp_ambient_mc: inlet temperature the card cools towards, m°C
 * @temp_max_mc: above it the card lowers its clock, m°C
 * @temp_crit_mc: at it the card runs its lowest clock, m°C
 * @temp_hyst_mc: the clock rises again below temp_max_mc - temp_hyst_mc
 * @thermal_resistance_mc_per_w: steady-state rise over ambient per watt
 * @thermal_tau_ms: thermal time constant
 * @power_idle_mw: board power with every engine idle
 * @power_engine_mw: added power of one engine at full activity and the
 *	highest clock; scales with clock x voltage squared
 * @power_cap_default_mw: power limit after boot
 * @power_cap_min_mw: lowest power limit the driver may set
 * @power_cap_max_mw: highest power limit the driver may set
 * @mem_clock_mhz: memory clock
 * @sample_period_ms: sensor update and clock governor period
 * @activity_control_permille: activity of control packets (NOP,
 *	TIMESTAMP, SEM_SIGNAL, BARRIER), per mille of full
 * @activity_memory_permille: activity of memory packets (FILL, COPY)
 * @activity_compute_permille: activity of compute packets (kernels)
 * @num_levels: entries of @levels, 1..TAIHU_FW_MAX_CLOCK_LEVELS
 * @reserved0: zero
 * @levels: the clock table, highest clock first, voltages not increasing
 * @reserved: zero
 */
struct taihu_fw_thermal {
	__s32 temp_ambient_mc;
	__s32 temp_max_mc;
	__s32 temp_crit_mc;
	__u32 temp_hyst_mc;
	__u32 thermal_resistance_mc_per_w;
	__u32 thermal_tau_ms;
	__u32 power_idle_mw;
	__u32 power_engine_mw;
	__u32 power_cap_default_mw;
	__u32 power_cap_min_mw;
	__u32 power_cap_max_mw;
	__u32 mem_clock_mhz;
	__u32 sample_period_ms;
	__u32 activity_control_permille;
	__u32 activity_memory_permille;
	__u32 activity_compute_permille;
	__u32 num_levels;
	__u32 reserved0;
	struct taihu_fw_clock_level levels[TAIHU_FW_MAX_CLOCK_LEVELS];
	__u64 reserved[4];
};

#endif /* __TAIHU_FW_IMAGE_H__ */
