// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * `taihu info`: the DEVICE_INFO query of one device.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "cli.h"

static const char info_usage[] =
	"Usage: taihu info [-d DEV] [--json]\n"
	"\n"
	"Show a device's identity, firmware, queues, capabilities, memory (VRAM\n"
	"total and used, system memory held by buffer objects), serial number and\n"
	"the inference kernels the firmware enables (dtypes and limits).\n"
	"\n"
	"Options:\n"
	CLI_DEVICE_HELP
	"  -j, --json           print a JSON object\n"
	"  -h, --help           show this help\n";

static json_object *json_u64(uint64_t v)
{
	/* Unsigned, so that sizes above INT64_MAX stay exact. */
	return json_object_new_uint64(v);
}

/* "fp32 fp16 bf16" of a dtype mask. */
static void dtype_list(uint32_t mask, char *buf, size_t len)
{
	unsigned int dt;

	buf[0] = '\0';
	for (dt = 0; dt < 32; dt++)
		if ((mask & (1u << dt)) && taihu_dtype_name(dt))
			snprintf(buf + strlen(buf), len - strlen(buf), "%s%s",
				 buf[0] ? " " : "", taihu_dtype_name(dt));
}

/* The kernels the firmware enables, as an array (NULL when out of memory). */
static json_object *kernels_json(struct taihu_device *dev)
{
	json_object *arr = json_object_new_array();
	int n = taihu_kernel_count(dev), i;
	uint32_t dt;

	for (i = 0; arr && i < n; i++) {
		struct taihu_kernel_info k = { .size = sizeof(k) };
		json_object *o, *dts;
		const char *name;

		if (taihu_kernel_info(dev, (unsigned int)i, &k))
			continue;
		o = json_object_new_object();
		dts = json_object_new_array();
		name = taihu_kernel_name(k.kernel);
		for (dt = 0; dt < 32; dt++)
			if ((k.dtypes & (1u << dt)) && taihu_dtype_name(dt))
				json_object_array_add(dts, json_object_new_string(taihu_dtype_name(dt)));
		json_object_object_add(o, "name", json_object_new_string(name ? name : "unknown"));
		json_object_object_add(o, "id", json_u64(k.kernel));
		json_object_object_add(o, "dtypes", dts);
		json_object_object_add(o, "max_rank", json_u64(k.max_rank));
		json_object_object_add(o, "max_dim", json_u64(k.max_dim));
		json_object_object_add(o, "max_elems", json_u64(k.max_elems));
		json_object_array_add(arr, o);
	}
	return arr;
}

static int print_json(struct taihu_device *dev, const struct taihu_device_desc *desc,
		      const struct taihu_device_info *info)
{
	json_object *o = json_object_new_object();
	json_object *caps = json_object_new_array();
	char fw[40];
	unsigned int bit;

	if (!o || !caps) {
		json_object_put(o);
		json_object_put(caps);
		return cli_error("out of memory");
	}
	cli_fw_version(info, fw, sizeof(fw));
	for (bit = 0; bit < 64; bit++) {
		char tmp[16];

		if (!(info->capabilities & (1ULL << bit)))
			continue;
		json_object_array_add(caps, json_object_new_string(
					      cli_cap_name(bit, tmp, sizeof(tmp))));
	}
	cli_json_device(o, desc);
	json_object_object_add(o, "device_id", json_u64(info->device_id));
	json_object_object_add(o, "revision", json_u64(info->revision));
	json_object_object_add(o, "firmware_version", json_object_new_string(fw));
	json_object_object_add(o, "firmware_version_code", json_u64(info->fw_version));
	json_object_object_add(o, "firmware_abi_major", json_u64(info->fw_abi_major));
	json_object_object_add(o, "firmware_abi_minor", json_u64(info->fw_abi_minor));
	json_object_object_add(o, "card_if_major", json_u64(info->card_if_major));
	json_object_object_add(o, "card_if_minor", json_u64(info->card_if_minor));
	json_object_object_add(o, "num_queues", json_u64(info->num_queues));
	json_object_object_add(o, "ring_entries", json_u64(info->ring_entries));
	json_object_object_add(o, "max_inflight", json_u64(info->max_inflight));
	json_object_object_add(o, "max_cmd_len_bytes", json_u64(info->max_cmd_len));
	json_object_object_add(o, "capabilities", caps);
	json_object_object_add(o, "capabilities_mask", json_u64(info->capabilities));
	json_object_object_add(o, "vram_size_bytes", json_u64(info->vram_size));
	json_object_object_add(o, "vram_used_bytes", json_u64(info->vram_used));
	json_object_object_add(o, "host_used_bytes", json_u64(info->host_used));
	json_object_object_add(o, "va_size_bytes", json_u64(info->va_size));
	json_object_object_add(o, "serial", json_object_new_string(info->serial));
	json_object_object_add(o, "kernels", kernels_json(dev));
	cli_json_print(o);
	return CLI_EXIT_OK;
}

static void print_text(struct taihu_device *dev, const struct taihu_device_desc *desc,
		       const struct taihu_device_info *info)
{
	int n = taihu_kernel_count(dev), i;
	char fw[40], size[32], used[32], host[32], caps[256], label[160];

	cli_fw_version(info, fw, sizeof(fw));
	cli_bytes(info->vram_size, size, sizeof(size));
	cli_bytes(info->vram_used, used, sizeof(used));
	cli_bytes(info->host_used, host, sizeof(host));
	cli_caps(info->capabilities, caps, sizeof(caps));
	cli_device_label(desc, label, sizeof(label));
	printf("Device %s\n", label);
	printf("  %-18s 0x%04x%s\n", "Device ID:", info->device_id,
	       info->device_id == 1 ? " (T1)" : "");
	printf("  %-18s %u\n", "Revision:", info->revision);
	printf("  %-18s %s (0x%06x)\n", "Firmware version:", fw,
	       info->fw_version);
	printf("  %-18s %u.%u\n", "Firmware ABI:", info->fw_abi_major,
	       info->fw_abi_minor);
	printf("  %-18s %u.%u\n", "Card interface:", info->card_if_major,
	       info->card_if_minor);
	printf("  %-18s %u\n", "Queues:", info->num_queues);
	if (info->ring_entries)
		printf("  %-18s %u entries per queue, %u jobs in flight per file\n",
		       "Rings:", info->ring_entries, info->max_inflight);
	if (info->max_cmd_len)
		printf("  %-18s %u bytes\n", "Max command:", info->max_cmd_len);
	printf("  %-18s %s\n", "Capabilities:", caps);
	printf("  %-18s %s total, %s used (%" PRIu64 " of %" PRIu64 " bytes)\n",
	       "VRAM:", size, used, (uint64_t)info->vram_used,
	       (uint64_t)info->vram_size);
	printf("  %-18s %s used by buffer objects (%" PRIu64 " bytes)\n",
	       "Host memory:", host, (uint64_t)info->host_used);
	printf("  %-18s %s\n", "Serial:", info->serial[0] ? info->serial : "-");
	printf("  %-18s %s\n", "Kernels:", n > 0 ? "" : "none");
	for (i = 0; i < n; i++) {
		struct taihu_kernel_info k = { .size = sizeof(k) };
		const char *name;
		char dts[64];

		if (taihu_kernel_info(dev, (unsigned int)i, &k))
			continue;
		name = taihu_kernel_name(k.kernel);
		dtype_list(k.dtypes, dts, sizeof(dts));
		printf("    %-12s %-26s rank <= %u, dim <= %u, %" PRIu64 " elements\n",
		       name ? name : "unknown", dts, k.max_rank, k.max_dim, k.max_elems);
	}
}

static int info_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct taihu_device_info info = { .size = sizeof(info) };
	const struct taihu_device_desc *desc;
	struct taihu_device *dev;
	const char *name = NULL;
	int json = 0, opt, ret;

	while ((opt = getopt_long(argc, argv, ":d:jh", opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			name = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			fputs(info_usage, stdout);
			return CLI_EXIT_OK;
		default:
			return cli_bad_option("info", opt, argv);
		}
	}
	if (optind < argc)
		return cli_usage_error("info", "unexpected argument '%s'",
				       argv[optind]);

	ret = cli_open_device(name, &dev);
	if (ret)
		return ret;
	desc = taihu_device_get_desc(dev);
	ret = taihu_device_info(dev, &info);
	if (ret)
		ret = cli_error("%s: device info query failed: %s",
				taihu_device_path(dev), taihu_strerror(ret));
	else if (json)
		ret = print_json(dev, desc, &info);
	else
		print_text(dev, desc, &info);
	taihu_device_close(dev);
	return ret;
}

const struct cli_cmd cli_cmd_info = {
	.name = "info",
	.summary = "show a device's identity, firmware and capabilities",
	.usage = info_usage,
	.run = info_run,
};
