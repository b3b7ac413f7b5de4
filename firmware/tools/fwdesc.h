/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The firmware description (.fw) read by taihu-fwpack: "key = value" lines,
 * '#' comments, blank lines ignored. Keys:
 *   version             MAJOR.MINOR.PATCH (required)
 *   version_str         free text, default the version (max 31 chars)
 *   build               free text (max 31 chars)
 *   abi                 MAJOR.MINOR, default the packer's TAIHU_FW_ABI
 *   num_queues          1..TAIHU_MAX_QUEUES (required)
 *   heartbeat_period_ms 1..1000 (required)
 *   capabilities        names from nop fill copy timestamp mmu semaphore
 *                       barrier (required)
 *   max_cmd_len         bytes, multiple of 8 (required)
 *   max_ring_entries    power of two (required)
 *   code                file:PATH (relative to the .fw file) or
 *                       generate:SIZE (deterministic opaque bytes)
 *   kernel              NAME DTYPE[,DTYPE...] [max_rank=R] [max_dim=D]
 *                       [max_elems=E]: one enabled inference kernel
 *                       (names of taihu_cmdstream.h: gemm, conv2d, ...;
 *                       dtypes fp32 fp16 bf16 int8 int32); once per kernel,
 *                       with capability kernel. Limits default to rank 6,
 *                       dim 16777216, elems 67108864
 * The thermal table (struct taihu_fw_thermal) is optional; when one of its
 * keys is given, all of them are required:
 *   temp_ambient_c temp_max_c temp_crit_c temp_hysteresis_c   whole °C
 *   thermal_resistance_mc_per_w  m°C of rise per watt
 *   thermal_time_constant_ms
 *   power_idle_mw power_engine_mw power_cap_mw power_cap_min_mw power_cap_max_mw
 *   mem_clock_mhz sensor_period_ms
 *   activity            control:PERMILLE memory:PERMILLE compute:PERMILLE
 *   clock_table         MHZ:MV ..., highest clock first
 */
#ifndef TAIHU_FWDESC_H
#define TAIHU_FWDESC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <taihu_fw_image.h>

struct fw_desc {
	uint32_t fw_version;
	char version_str[32];
	char build[32];
	uint16_t abi_major;
	uint16_t abi_minor;
	struct taihu_fw_config cfg;
	uint32_t num_kernels;
	struct taihu_fw_kernel kernels[TAIHU_FW_MAX_KERNELS];
	bool has_thermal;
	struct taihu_fw_thermal thermal;
	uint8_t *code;
	size_t code_size;
};

/* Parse @path into @desc. Returns 0, or -1 after printing "path:line: why". */
int fw_desc_parse(const char *path, struct fw_desc *desc);
/*
 * The same from an open stream; errors go to @err, and "code = file:NAME"
 * is still relative to the directory of @path.
 */
int fw_desc_parse_stream(FILE *f, const char *path, FILE *err, struct fw_desc *desc);
void fw_desc_free(struct fw_desc *desc);

#endif /* TAIHU_FWDESC_H */
