// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * `taihu cdi generate`: a Container Device Interface (CDI) spec of the
 * cards, for podman, containerd, CRI-O and Kubernetes' dynamic resource
 * allocation: kind taihu.dev/card, one device per card under each of its
 * names (index, serial, PCI address) and "all", each with the card's
 * accel node as the system has it (type, major and minor from stat).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli.h"

/* 0.5.0: device names may start with a digit; 0.6.0: dots in kinds. */
#define CDI_VERSION "0.6.0"
#define CDI_KIND "taihu.dev/card"

static const char cdi_usage[] =
	"Usage: taihu cdi generate [--output FILE]\n"
	"\n"
	"Write a Container Device Interface (CDI) spec of the cards (kind\n"
	CDI_KIND ", cdiVersion " CDI_VERSION "): one device per card under each of\n"
	"its names, its index (0), serial (T1-0001) and PCI address (0000:00:03.0),\n"
	"and 'all' for every card; each names the card's accel node with its type,\n"
	"major and minor. Container engines read it from /etc/cdi or /var/run/cdi\n"
	"and name a card " CDI_KIND "=T1-0001.\n"
	"\n"
	"Example: taihu cdi generate --output /etc/cdi/taihu.json\n"
	"\n"
	"Options:\n"
	"  -o, --output FILE    write the spec to FILE (replaced atomically)\n"
	"                       instead of standard output\n"
	"  -h, --help           show this help\n";

/* {"path", "type", "major", "minor", "permissions"} of one accel node. */
static int node_edit(const char *path, json_object **out)
{
	json_object *n;
	struct stat st;

	if (stat(path, &st))
		return cli_error_hint("is the node made by devtmpfs or udev? see 'ls -l /dev/accel'",
				      "cannot stat %s: %s", path, strerror(errno));
	if (!S_ISCHR(st.st_mode))
		return cli_error("%s is not a character device", path);
	n = json_object_new_object();
	json_object_object_add(n, "path", json_object_new_string(path));
	json_object_object_add(n, "type", json_object_new_string("c"));
	json_object_object_add(n, "major", json_object_new_int64(major(st.st_rdev)));
	json_object_object_add(n, "minor", json_object_new_int64(minor(st.st_rdev)));
	json_object_object_add(n, "permissions", json_object_new_string("rw"));
	*out = n;
	return 0;
}

/* Append device @name with the nodes @nodes (a reference is taken). */
static void add_device(json_object *devices, const char *name, json_object *nodes)
{
	json_object *d = json_object_new_object(), *edits = json_object_new_object();

	json_object_object_add(edits, "deviceNodes", json_object_get(nodes));
	json_object_object_add(d, "name", json_object_new_string(name));
	json_object_object_add(d, "containerEdits", edits);
	json_object_array_add(devices, d);
}

/* True when @devices already has a device called @name. */
static bool has_device(json_object *devices, const char *name)
{
	size_t i;

	for (i = 0; i < json_object_array_length(devices); i++) {
		json_object *d = json_object_array_get_idx(devices, i), *n;

		if (json_object_object_get_ex(d, "name", &n) &&
		    !strcmp(json_object_get_string(n), name))
			return true;
	}
	return false;
}

/* The spec of the cards in @list, or NULL after printing why. */
static json_object *build_spec(const struct taihu_device_list *list)
{
	json_object *spec, *devices, *all;
	unsigned int i, n = taihu_device_list_count(list);

	spec = json_object_new_object();
	devices = json_object_new_array();
	all = json_object_new_array();
	json_object_object_add(spec, "cdiVersion", json_object_new_string(CDI_VERSION));
	json_object_object_add(spec, "kind", json_object_new_string(CDI_KIND));
	json_object_object_add(spec, "devices", devices);
	for (i = 0; i < n; i++) {
		const struct taihu_device_desc *desc = taihu_device_list_get(list, i);
		const char *names[3];
		json_object *node = NULL, *nodes;
		char index[16];
		unsigned int k;

		if (node_edit(taihu_device_desc_node(desc), &node))
			goto fail;
		nodes = json_object_new_array();
		json_object_array_add(nodes, node);
		json_object_array_add(all, json_object_get(node));
		snprintf(index, sizeof(index), "%u", taihu_device_desc_index(desc));
		names[0] = index;
		names[1] = taihu_device_desc_serial(desc);
		names[2] = taihu_device_desc_pci_slot(desc);
		for (k = 0; k < 3; k++) {
			/* no serial yet, or two cards claiming one name */
			if (!*names[k] || has_device(devices, names[k])) {
				if (*names[k])
					fprintf(stderr, "taihu: cdi: '%s' names two cards; left out\n",
						names[k]);
				continue;
			}
			add_device(devices, names[k], nodes);
		}
		json_object_put(nodes);
	}
	add_device(devices, "all", all);
	json_object_put(all);
	return spec;
fail:
	json_object_put(all);
	json_object_put(spec);
	return NULL;
}

/* Write @text to @path through a temporary file in the same directory. */
static int write_file(const char *path, const char *text)
{
	char *tmp;
	FILE *f;
	int fd, ret = 0;

	if (asprintf(&tmp, "%s.XXXXXX", path) < 0)
		return cli_error("out of memory");
	fd = mkstemp(tmp);
	if (fd < 0) {
		ret = cli_error("cannot create %s: %s", tmp, strerror(errno));
		free(tmp);
		return ret;
	}
	f = fdopen(fd, "w");
	if (!f || fchmod(fd, 0644) || fputs(text, f) == EOF || fputc('\n', f) == EOF ||
	    fflush(f) || fsync(fd))
		ret = cli_error("cannot write %s: %s", tmp, strerror(errno));
	if (f ? fclose(f) : close(fd))
		ret = ret ? ret : cli_error("cannot write %s: %s", tmp, strerror(errno));
	if (!ret && rename(tmp, path))
		ret = cli_error("cannot rename %s to %s: %s", tmp, path, strerror(errno));
	if (ret)
		unlink(tmp);
	free(tmp);
	return ret;
}

static int cdi_generate(const char *output)
{
	struct taihu_device_list *list;
	json_object *spec;
	const char *text;
	int ret;

	ret = taihu_device_list_new(&list);
	if (ret)
		return cli_error("cannot enumerate devices: %s", taihu_strerror(ret));
	if (!taihu_device_list_count(list)) {
		taihu_device_list_free(list);
		return cli_error_hint(cli_no_device_hint(0),
				      "no Taihu card: a CDI spec needs at least one");
	}
	spec = build_spec(list);
	taihu_device_list_free(list);
	if (!spec)
		return CLI_EXIT_FAIL;
	text = json_object_to_json_string_ext(spec, JSON_C_TO_STRING_PRETTY |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	if (output)
		ret = write_file(output, text);
	else
		ret = puts(text) == EOF ? cli_error("cannot write the spec") : 0;
	json_object_put(spec);
	return ret ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

static int cdi_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *output = NULL;
	int opt;

	while ((opt = getopt_long(argc, argv, ":o:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'o':
			output = optarg;
			break;
		case 'h':
			fputs(cdi_usage, stdout);
			return CLI_EXIT_OK;
		default:
			return cli_bad_option("cdi", opt, argv);
		}
	}
	if (optind >= argc)
		return cli_usage_error("cdi", "missing action (generate)");
	if (strcmp(argv[optind], "generate"))
		return cli_usage_error("cdi", "unknown action '%s' (generate)",
				       argv[optind]);
	if (optind + 1 < argc)
		return cli_usage_error("cdi", "unexpected argument '%s'",
				       argv[optind + 1]);
	return cdi_generate(output);
}

const struct cli_cmd cli_cmd_cdi = {
	.name = "cdi",
	.summary = "write a CDI spec of the cards for container engines",
	.usage = cdi_usage,
	.run = cdi_run,
};
