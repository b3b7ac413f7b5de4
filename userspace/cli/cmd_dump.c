// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * `taihu dump`: find a card's crash dump in /sys/class/devcoredump (or read
 * a saved one), decode it (format: docs/coredump.md) and print it for people
 * or as JSON; optionally save the raw text and free the kernel's copy.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli.h"

#define DEVCD_DIR	"/sys/class/devcoredump"
#define DUMP_MAGIC	"**** Taihu devcoredump ****\n"
#define DUMP_FORMAT	"taihu-devcoredump "
/* The driver's dumps are at most 512 KiB; a saved file may be anything. */
#define DUMP_MAX	(8u << 20)

static const char dump_usage[] =
	"Usage: taihu dump [-d DEV] [--free] [-o FILE] [--raw | --json] [DUMP]\n"
	"\n"
	"Decode the crash dump the driver left for a card in\n"
	"/sys/class/devcoredump after a firmware crash, a stopped heartbeat or\n"
	"a job timeout: the card's state and error code, the guilty job and the\n"
	"head of its command stream, the queues, the firmware log and the device\n"
	"contexts. With DUMP, decode that saved dump instead ('-': standard\n"
	"input). Reading the kernel's dumps needs root. The kernel keeps one dump\n"
	"per card (for five minutes): free it to let the next fault leave one.\n"
	"\n"
	"Options:\n"
	CLI_DEVICE_HELP
	"  -o, --output FILE    also save the raw dump in FILE\n"
	"  -f, --free           free the kernel's dump once it is read\n"
	"  -r, --raw            print the dump as the driver wrote it\n"
	"  -j, --json           print the decoded dump as JSON\n"
	"  -h, --help           show this help\n";

/* Read all of @fd (up to DUMP_MAX) into a NUL-terminated buffer. */
static int read_all(int fd, char **out, size_t *out_len)
{
	size_t cap = 65536, len = 0;
	char *buf = malloc(cap), *tmp;
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (len + 1 >= cap) {
			if (cap >= DUMP_MAX) {
				free(buf);
				return -EFBIG;
			}
			cap *= 2;
			tmp = realloc(buf, cap);
			if (!tmp) {
				free(buf);
				return -ENOMEM;
			}
			buf = tmp;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			n = -errno;
			free(buf);
			return (int)n;
		}
		if (!n)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*out = buf;
	*out_len = len;
	return 0;
}

/*
 * The card's dump: devcoredump links it from the failing device's sysfs
 * directory as "devcoredump" -> .../devcoredump/devcdN. @dir gets
 * /sys/class/devcoredump/devcdN; 0, -ENOENT or -errno.
 */
static int find_dump(const char *slot, char *dir, size_t len)
{
	char link[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;

	snprintf(link, sizeof(link), "/sys/bus/pci/devices/%s/devcoredump", slot);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(DEVCD_DIR "/") + strlen(base) >= len)
		return -ENAMETOOLONG;
	snprintf(dir, len, DEVCD_DIR "/%.64s", base);
	return 0;
}

/* ---- decoding ---- */

/* A decimal number, the whole of @s (hex values stay strings: "0x1234"). */
static bool parse_number(const char *s, uint64_t *v)
{
	char *end;

	if (!*s || !(isdigit((unsigned char)*s)) || (s[0] == '0' && s[1]))
		return false;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return !errno && !*end;
}

static json_object *json_value(const char *s)
{
	uint64_t v;

	return parse_number(s, &v) ? json_object_new_uint64(v) : json_object_new_string(s);
}

/* "Guilty job" -> "guilty_job" */
static void json_name(const char *s, char *out, size_t len)
{
	static const char upper[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ ";
	static const char lower[] = "abcdefghijklmnopqrstuvwxyz_";
	const char *u;
	size_t i;

	for (i = 0; s[i] && i + 1 < len; i++) {
		u = strchr(upper, s[i]);
		if (u)
			out[i] = lower[u - upper];
		else
			out[i] = s[i];
	}
	out[i] = '\0';
}

/* Call @fn(name, value, arg) for each member of the object @o, in order. */
static void for_each_member(json_object *o, void (*fn)(const char *, json_object *, void *),
			    void *arg)
{
	struct json_object_iterator it = json_object_iter_begin(o);
	struct json_object_iterator end = json_object_iter_end(o);

	for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it))
		fn(json_object_iter_peek_name(&it), json_object_iter_peek_value(&it), arg);
}

/*
 * "queue 0: enabled 1 submitted 5 ..." -> {"queue": 0, "enabled": 1, ...};
 * NULL unless @key is "WORD N" and @value pairs of words and numbers.
 */
static json_object *pairs_row(const char *key, const char *value)
{
	char word[64], tok[2][64];
	json_object *row;
	unsigned int num;
	const char *p = value;
	int n;

	if (sscanf(key, "%63s %u%n", word, &num, &n) != 2 || key[n])
		return NULL;
	row = json_object_new_object();
	json_object_object_add(row, word, json_object_new_uint64(num));
	while (*p) {
		if (sscanf(p, "%63s %63s%n", tok[0], tok[1], &n) != 2) {
			json_object_put(row);
			return NULL;
		}
		json_object_object_add(row, tok[0], json_value(tok[1]));
		p += n;
		while (*p == ' ')
			p++;
	}
	return row;
}

/* A table row under the header @cols (space-separated) -> object. */
static json_object *table_row(const char *cols, const char *line)
{
	json_object *row = json_object_new_object();
	char col[64], val[128];
	int nc, nv;

	while (sscanf(cols, "%63s%n", col, &nc) == 1 && sscanf(line, "%127s%n", val, &nv) == 1) {
		json_object_object_add(row, col, json_value(val));
		cols += nc;
		line += nv;
	}
	return row;
}

/* Append the hex bytes of "  0010: aa bb ..." to @hex. */
static void hex_append(const char *line, char *hex, size_t len)
{
	const char *p = strchr(line, ':');
	size_t used = strlen(hex);

	if (!p)
		return;
	for (p++; *p && used + 2 < len; p++)
		if (isxdigit((unsigned char)*p))
			hex[used++] = *p;
	hex[used] = '\0';
}

/*
 * Decode @text into {"format": N, "complete": bool, "<section>": {...}}:
 * each section's "key: value" lines are members (numbers as numbers), the
 * indented lines under an empty "key:" an array of strings ("cmd_head":
 * one hex string), the queue lines and the context table a "table" array.
 * Returns NULL and sets *@err if @text is not a Taihu dump.
 */
static json_object *decode(char *text, const char **err)
{
	json_object *root, *sect = NULL, *sub = NULL, *table = NULL;
	char name[64], *line, *next, *colon, *cols = NULL, hex[1024] = "";
	uint64_t format = 0;
	bool complete = false, in_hex = false;

	if (strncmp(text, DUMP_MAGIC, strlen(DUMP_MAGIC))) {
		*err = "not a Taihu crash dump (no '**** Taihu devcoredump ****' first line)";
		return NULL;
	}
	root = json_object_new_object();
	for (line = text; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (!strncmp(line, "**** ", 5) && strlen(line) > 10 &&
		    !strcmp(line + strlen(line) - 5, " ****")) {
			line[strlen(line) - 5] = '\0';
			if (in_hex)
				json_object_object_add(sect, "cmd_head", json_object_new_string(hex));
			in_hex = false;
			sub = NULL;
			table = NULL;
			cols = NULL;
			if (!strcmp(line + 5, "End")) {
				complete = true;
				break;
			}
			json_name(line + 5, name, sizeof(name));
			sect = json_object_new_object();
			json_object_object_add(root, name, sect);
			continue;
		}
		if (!sect)
			continue;
		if (!strncmp(line, "  ", 2)) {
			if (in_hex)
				hex_append(line, hex, sizeof(hex));
			else if (sub)
				json_object_array_add(sub, json_object_new_string(line + 2));
			continue;
		}
		if (in_hex) {
			json_object_object_add(sect, "cmd_head", json_object_new_string(hex));
			in_hex = false;
		}
		sub = NULL;
		colon = strstr(line, ": ");
		if (!colon && line[0] && line[strlen(line) - 1] == ':') {
			/* "key:" and its indented lines */
			line[strlen(line) - 1] = '\0';
			if (!strcmp(line, "cmd_head")) {
				in_hex = true;
				hex[0] = '\0';
			} else {
				sub = json_object_new_array();
				json_object_object_add(sect, line, sub);
			}
			continue;
		}
		if (colon) {
			json_object *row;

			*colon = '\0';
			row = pairs_row(line, colon + 2);
			if (row) {
				if (!table) {
					table = json_object_new_array();
					json_object_object_add(sect, "table", table);
				}
				json_object_array_add(table, row);
			} else {
				json_object_object_add(sect, line, json_value(colon + 2));
			}
			if (!strcmp(line, "format") && !strncmp(colon + 2, DUMP_FORMAT, strlen(DUMP_FORMAT)))
				parse_number(colon + 2 + strlen(DUMP_FORMAT), &format);
			continue;
		}
		/* A table: its header line, then rows. */
		if (!cols) {
			cols = line;
			table = json_object_new_array();
			json_object_object_add(sect, "table", table);
		} else if (line[0]) {
			json_object_array_add(table, table_row(cols, line));
		}
	}
	if (in_hex && sect)
		json_object_object_add(sect, "cmd_head", json_object_new_string(hex));
	if (format != 1) {
		json_object_put(root);
		*err = format ? "crash dump of a format this taihu does not know (newer driver?)" :
				"crash dump without a format line";
		return NULL;
	}
	json_object_object_add(root, "format", json_object_new_uint64(format));
	json_object_object_add(root, "complete", json_object_new_boolean(complete));
	return root;
}

/* ---- printing ---- */

static const char *member_str(json_object *o, const char *sect, const char *key)
{
	json_object *s, *v;

	if (!json_object_object_get_ex(o, sect, &s) || !json_object_object_get_ex(s, key, &v))
		return "?";
	return json_object_get_string(v);
}

static void print_pair(const char *key, json_object *v, void *arg)
{
	(void)arg;
	printf(" %s %s", key, json_object_get_string(v));
}

static void print_value(const char *key, json_object *v, void *arg)
{
	size_t i, n;

	(void)arg;
	if (json_object_is_type(v, json_type_array)) {
		n = json_object_array_length(v);
		printf("  %s:%s\n", key, n ? "" : " -");
		for (i = 0; i < n; i++) {
			json_object *e = json_object_array_get_idx(v, i);

			if (json_object_is_type(e, json_type_object)) {
				printf("   ");
				for_each_member(e, print_pair, NULL);
				printf("\n");
			} else {
				printf("    %s\n", json_object_get_string(e));
			}
		}
		return;
	}
	if (!strcmp(key, "cmd_head")) {
		const char *hex = json_object_get_string(v);

		printf("  %s:\n", key);
		for (i = 0; hex[i] && hex[i + 1]; i += 2) {
			if (i % 32 == 0)
				printf("    %04zx:", i / 2);
			printf(" %.2s", hex + i);
			if (i % 32 == 30 || !hex[i + 2] || !hex[i + 3])
				printf("\n");
		}
		return;
	}
	printf("  %-20s %s\n", key, json_object_get_string(v));
}

static void print_section(const char *name, json_object *sect, void *arg)
{
	if (!json_object_is_type(sect, json_type_object))
		return;
	printf("\n%s\n", name);
	for_each_member(sect, print_value, arg);
}

static void print_human(json_object *o, const char *source)
{
	char when[64] = "?";
	double t = strtod(member_str(o, "taihu_devcoredump", "time"), NULL);
	time_t secs = (time_t)t;
	struct tm tm;

	if (t > 0 && gmtime_r(&secs, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	printf("Taihu crash dump of %s (minor %s), %s\n",
	       member_str(o, "taihu_devcoredump", "pci"),
	       member_str(o, "taihu_devcoredump", "minor"), source);
	printf("  %-20s %s\n", "reason", member_str(o, "taihu_devcoredump", "reason"));
	printf("  %-20s %s\n", "taken", when);
	printf("  %-20s %s, error code %s\n", "card state", member_str(o, "card", "state"),
	       member_str(o, "card", "error_code"));
	if (!strcmp(member_str(o, "guilty_job", "guilty"), "job"))
		printf("  %-20s queue %s, context %s, %s bytes at %s\n", "guilty job",
		       member_str(o, "guilty_job", "queue"), member_str(o, "guilty_job", "context"),
		       member_str(o, "guilty_job", "cmd_len"), member_str(o, "guilty_job", "cmd_addr"));
	else
		printf("  %-20s none (a card-wide fault)\n", "guilty job");
	if (!json_object_get_boolean(json_object_object_get(o, "complete")))
		printf("  (incomplete: no End section)\n");

	for_each_member(o, print_section, NULL);
}

static int save(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "w");
	size_t n;

	if (!f)
		return cli_error("cannot write %s: %s", path, strerror(errno));
	n = fwrite(text, 1, len, f);
	if (fclose(f) || n != len)
		return cli_error("cannot write %s: %s", path, strerror(errno));
	return CLI_EXIT_OK;
}

/* Read the dump of the device @name: 0 with the text, or an exit code. */
static int load_device_dump(const char *name, char *dir, size_t dirlen,
			    const struct taihu_device_desc **descp,
			    struct taihu_device_list **listp, char **text, size_t *len)
{
	char path[PATH_MAX + 8];
	int fd, ret = taihu_device_list_new(listp);

	if (!ret)
		ret = taihu_device_list_find(*listp, name ? name : "0", descp);
	if (ret)
		return cli_error_hint("'taihu list' shows the devices; -d takes an index, PCI address, serial or /dev/accel node",
				      "no device '%s': %s", name ? name : "0", taihu_strerror(ret));
	ret = find_dump(taihu_device_desc_pci_slot(*descp), dir, dirlen);
	if (ret == -ENOENT && access(DEVCD_DIR, F_OK))
		return cli_error_hint("the kernel needs CONFIG_DEV_COREDUMP",
				      "this kernel keeps no crash dumps (no %s)", DEVCD_DIR);
	if (ret == -ENOENT)
		return cli_error_hint("the driver leaves one after a firmware crash, a stopped heartbeat or a job timeout; the kernel frees it after five minutes",
				      "no crash dump for device %s (%s)", name ? name : "0",
				      taihu_device_desc_pci_slot(*descp));
	if (ret)
		return cli_error("cannot read %s: %s", DEVCD_DIR, strerror(-ret));
	snprintf(path, sizeof(path), "%s/data", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && (errno == EACCES || errno == EPERM))
		return cli_error_hint("run it as root (sudo taihu dump)",
				      "reading %s needs root", path);
	if (fd < 0)
		return cli_error("cannot open %s: %s", path, strerror(errno));
	ret = read_all(fd, text, len);
	close(fd);
	if (ret)
		return cli_error("cannot read %s: %s", path, strerror(-ret));
	return 0;
}

static int free_dump(const char *dir)
{
	char path[PATH_MAX + 8];
	int fd;

	snprintf(path, sizeof(path), "%s/data", dir);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "1", 1) != 1) {
		int err = errno;

		if (fd >= 0)
			close(fd);
		return cli_error("cannot free %s: %s", path, strerror(err));
	}
	close(fd);
	return CLI_EXIT_OK;
}

static int dump_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "output", required_argument, NULL, 'o' },
		{ "free", no_argument, NULL, 'f' },
		{ "raw", no_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *devname = NULL, *output = NULL, *file = NULL, *err = NULL;
	const struct taihu_device_desc *desc = NULL;
	struct taihu_device_list *list = NULL;
	int json = 0, raw = 0, do_free = 0, opt, ret, fd;
	char dir[PATH_MAX] = "", source[PATH_MAX + 8], *text = NULL, *copy;
	json_object *o;
	size_t len = 0;

	while ((opt = getopt_long(argc, argv, ":d:o:frjh", opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			devname = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'f':
			do_free = 1;
			break;
		case 'r':
			raw = 1;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			fputs(dump_usage, stdout);
			return CLI_EXIT_OK;
		default:
			return cli_bad_option("dump", opt, argv);
		}
	}
	if (optind < argc)
		file = argv[optind++];
	if (optind < argc)
		return cli_usage_error("dump", "unexpected argument '%s'", argv[optind]);
	if (raw && json)
		return cli_usage_error("dump", "--raw and --json exclude each other");
	if (file && (devname || do_free))
		return cli_usage_error("dump", "a saved DUMP takes no -d or --free");

	if (file) {
		fd = strcmp(file, "-") ? open(file, O_RDONLY | O_CLOEXEC) : 0;
		if (fd < 0)
			return cli_error("cannot open %s: %s", file, strerror(errno));
		ret = read_all(fd, &text, &len);
		if (fd)
			close(fd);
		if (ret)
			return cli_error("cannot read %s: %s", file, strerror(-ret));
		snprintf(source, sizeof(source), "%s", strcmp(file, "-") ? file : "standard input");
	} else {
		ret = load_device_dump(devname, dir, sizeof(dir), &desc, &list, &text, &len);
		if (ret) {
			taihu_device_list_free(list);
			return ret;
		}
		snprintf(source, sizeof(source), "%s/data", dir);
	}

	ret = output ? save(output, text, len) : CLI_EXIT_OK;
	if (ret)
		goto out;
	if (raw) {
		fwrite(text, 1, len, stdout);
	} else {
		copy = text ? strdup(text) : NULL;
		o = copy ? decode(copy, &err) : NULL;
		free(copy);
		if (!o) {
			ret = cli_error("%s: %s", source, err ? err : "out of memory");
			goto out;
		}
		if (json) {
			if (desc)
				cli_json_device(o, desc);
			json_object_object_add(o, "source", json_object_new_string(source));
			cli_json_print(o);
		} else {
			print_human(o, source);
			json_object_put(o);
		}
	}
	if (do_free)
		ret = free_dump(dir);
out:
	free(text);
	taihu_device_list_free(list);
	return ret;
}

const struct cli_cmd cli_cmd_dump = {
	.name = "dump",
	.summary = "decode (and free) a card's crash dump",
	.usage = dump_usage,
	.run = dump_run,
};
