// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Helpers shared by the CLI subcommands: errors, parsing, formatting.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

int cli_json_errors;

void cli_scan_json(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j"))
			cli_json_errors = 1;
}

static void json_error(const char *msg, const char *hint)
{
	json_object *o = json_object_new_object();

	if (!o)
		return;
	json_object_object_add(o, "error", json_object_new_string(msg));
	if (hint)
		json_object_object_add(o, "hint", json_object_new_string(hint));
	cli_json_print(o);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fputs("taihu: ", stderr);
	if (cmd)
		fprintf(stderr, "%s: ", cmd);
	fputs(msg, stderr);
	if (cmd)
		fprintf(stderr, "\nTry 'taihu help %s'.\n", cmd);
	else
		fputs("\nTry 'taihu --help'.\n", stderr);
	if (cli_json_errors)
		json_error(msg, NULL);
	return CLI_EXIT_USAGE;
}

static int verror(const char *hint, const char *fmt, va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	fprintf(stderr, "taihu: %s\n", msg);
	if (hint)
		fprintf(stderr, "hint: %s\n", hint);
	if (cli_json_errors)
		json_error(msg, hint);
	return CLI_EXIT_FAIL;
}

int cli_error(const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = verror(NULL, fmt, ap);
	va_end(ap);
	return ret;
}

int cli_error_hint(const char *hint, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = verror(hint, fmt, ap);
	va_end(ap);
	return ret;
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

/* 1 if some PCI device is bound to the taihu driver. */
static int taihu_bound(void)
{
	struct dirent *e;
	DIR *d = opendir("/sys/bus/pci/drivers/taihu");
	int found = 0;

	if (!d)
		return 0;
	while (!found && (e = readdir(d)))
		found = strchr(e->d_name, ':') != NULL;	/* "0000:00:03.0" */
	closedir(d);
	return found;
}

const char *cli_no_device_hint(int err)
{
	if (err == -EACCES || err == -EPERM)
		return "no permission to open the device node: check the owner "
		       "and mode of /dev/accel/accel* (ls -l /dev/accel), or "
		       "run as root";
	if (access("/sys/module/taihu", F_OK))
		return "the taihu kernel module is not loaded: try "
		       "'modprobe taihu'";
	if (!taihu_bound())
		return "the taihu module is loaded but no card is bound to it: "
		       "see 'dmesg | grep -i taihu' (firmware, card process)";
	if (access("/dev/accel", F_OK))
		return "a card is bound but /dev/accel does not exist: is "
		       "devtmpfs mounted (or udev running)?";
	return "see 'dmesg | grep -i taihu' and 'taihu list'";
}

int cli_open_device(const char *name, struct taihu_device **dev)
{
	struct taihu_device_list *list;
	unsigned int n;
	int ret;

	if (!name)
		name = "0";
	ret = taihu_device_open(name, dev);
	if (!ret)
		return 0;
	if (ret != -TAIHU_ENODEVICE)
		return cli_error_hint(ret == -EACCES || ret == -EPERM ?
				      cli_no_device_hint(ret) : NULL,
				      "cannot open device '%s': %s", name,
				      taihu_strerror(ret));
	n = taihu_device_list_new(&list) ? 0 : taihu_device_list_count(list);
	taihu_device_list_free(list);
	if (n == 0)
		return cli_error_hint(cli_no_device_hint(ret),
				      "no Taihu device found");
	return cli_error_hint("'taihu list' shows the devices; -d takes an "
			      "index, PCI address, serial or /dev/accel node",
			      "no device '%s' (%u device%s found)", name, n,
			      n == 1 ? "" : "s");
}

void cli_fw_version(const struct taihu_device_info *info, char *buf,
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

void cli_device_label(const struct taihu_device_desc *desc, char *buf,
		      size_t len)
{
	uint32_t index = taihu_device_desc_index(desc);
	const char *slot = taihu_device_desc_pci_slot(desc);
	char num[16] = "?";

	if (index != UINT32_MAX)
		snprintf(num, sizeof(num), "%u", index);
	snprintf(buf, len, "%s: %s (%s)", num, taihu_device_desc_node(desc),
		 *slot ? slot : "no PCI address");
}

void cli_json_device(json_object *o, const struct taihu_device_desc *desc)
{
	uint32_t index = taihu_device_desc_index(desc);
	const char *serial = taihu_device_desc_serial(desc);

	json_object_object_add(o, "index", index == UINT32_MAX ? NULL :
			       json_object_new_int((int)index));
	json_object_object_add(o, "node", json_object_new_string(
				       taihu_device_desc_node(desc)));
	json_object_object_add(o, "pci", json_object_new_string(
				       taihu_device_desc_pci_slot(desc)));
	json_object_object_add(o, "serial", *serial ?
			       json_object_new_string(serial) : NULL);
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
