// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Helpers shared by the CLI subcommands: errors, parsing, formatting.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fputs("taihu: ", stderr);
	if (cmd)
		fprintf(stderr, "%s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (cmd)
		fprintf(stderr, "\nTry 'taihu help %s'.\n", cmd);
	else
		fputs("\nTry 'taihu --help'.\n", stderr);
	return CLI_EXIT_USAGE;
}

int cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("taihu: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CLI_EXIT_FAIL;
}

int cli_bad_option(const char *cmd, int opt, char **argv)
{
	const char *arg = optind > 0 ? argv[optind - 1] : "?";

	if (opt == ':')
		return cli_usage_error(cmd, "option '%s' needs an argument",
				       arg);
	/* optopt names a short option; long ones are reported whole. */
	if (optopt && strncmp(arg, "--", 2))
		return cli_usage_error(cmd, "unknown option '-%c'", optopt);
	return cli_usage_error(cmd, "unrecognized option '%s'", arg);
}

int cli_parse_uint(const char *arg, unsigned int max, unsigned int *out)
{
	unsigned long v;
	char *end;

	/* strtoul() would accept "-1", " 1" and "+1"; a number is digits. */
	if (!arg || *arg < '0' || *arg > '9')
		return -1;
	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = (unsigned int)v;
	return 0;
}

int cli_parse_index(const char *cmd, const char *arg, unsigned int *out)
{
	if (cli_parse_uint(arg, 0xffff, out))
		return cli_usage_error(cmd, "invalid device index '%s'",
				       arg ? arg : "");
	return 0;
}

int cli_open_device(unsigned int index, struct taihu_device **dev,
		    struct taihu_device_desc *desc)
{
	struct taihu_device_desc *all;
	int n, got, ret;

	n = taihu_enumerate(NULL, 0);
	if (n < 0)
		return cli_error("cannot enumerate devices: %s",
				 taihu_strerror(n));
	if ((unsigned int)n <= index) {
		if (n == 0)
			return cli_error("no Taihu device found");
		return cli_error("no device %u (%d device%s found)", index, n,
				 n == 1 ? "" : "s");
	}
	all = calloc((size_t)n, sizeof(*all));
	if (!all)
		return cli_error("out of memory");
	got = taihu_enumerate(all, (size_t)n);
	if (got < 0 || (unsigned int)got <= index ||
	    (unsigned int)n <= index) {
		free(all);
		return cli_error("device %u disappeared", index);
	}
	*desc = all[index];
	free(all);
	ret = taihu_device_open(desc->node, dev);
	if (ret)
		return cli_error("cannot open %s: %s", desc->node,
				 taihu_strerror(ret));
	return 0;
}

void cli_fw_version(const struct drm_taihu_device_info *info, char *buf,
		    size_t len)
{
	if (info->fw_version_str[0])
		snprintf(buf, len, "%.*s", (int)sizeof(info->fw_version_str),
			 info->fw_version_str);
	else
		snprintf(buf, len, "%u.%u.%u", info->fw_version >> 16,
			 (info->fw_version >> 8) & 0xff,
			 info->fw_version & 0xff);
}

void cli_bytes(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)bytes;
	unsigned int u = 0;

	while (v >= 1024.0 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024.0;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%" PRIu64 " B", bytes);
	else
		snprintf(buf, len, "%.1f %s", v, units[u]);
}

const char *cli_cap_name(unsigned int bit, char *tmp, size_t len)
{
	const char *name = taihu_cap_name(bit);

	if (name)
		return name;
	snprintf(tmp, len, "bit%u", bit);
	return tmp;
}

void cli_caps(uint64_t caps, char *buf, size_t len)
{
	size_t used = 0;
	unsigned int bit;
	const char *name;
	char tmp[16];
	int n;

	if (!len)
		return;
	buf[0] = '\0';
	for (bit = 0; bit < 64; bit++) {
		if (!(caps & (1ULL << bit)))
			continue;
		name = cli_cap_name(bit, tmp, sizeof(tmp));
		n = snprintf(buf + used, len - used, "%s%s", used ? " " : "",
			     name);
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
	if (!used)
		snprintf(buf, len, "-");
}

void cli_json_device(json_object *o, const struct taihu_device_desc *desc)
{
	json_object_object_add(o, "index", json_object_new_int((int)desc->index));
	json_object_object_add(o, "node", json_object_new_string(desc->node));
	json_object_object_add(o, "pci", json_object_new_string(desc->pci_slot));
}

void cli_json_print(json_object *o)
{
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
					    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

uint8_t cli_pattern_byte(uint32_t pattern, uint64_t i)
{
	return (uint8_t)(pattern >> (8 * (i % 4)));
}

void cli_random_bytes(uint8_t *p, uint64_t len, uint32_t *state)
{
	uint32_t x = *state;
	uint64_t i;

	for (i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (uint8_t)x;
	}
	*state = x;
}
