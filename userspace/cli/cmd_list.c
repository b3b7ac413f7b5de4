// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * `taihu list`: one line per Taihu device.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli.h"

static const char list_usage[] =
	"Usage: taihu list [--json]\n"
	"\n"
	"List the Taihu devices: index, device node, PCI address, firmware\n"
	"version and serial number.\n"
	"\n"
	"Options:\n"
	"  -j, --json   print a JSON array instead of a table\n"
	"  -h, --help   show this help\n";

struct list_row {
	const struct taihu_device_desc *desc;
	char fw[40];
	char serial[40];
	const char *error;	/* why the device could not be queried */
};

static void query_row(struct list_row *row)
{
	struct taihu_device_info info = { .size = sizeof(info) };
	struct taihu_device *dev;
	int ret;

	ret = taihu_device_open(taihu_device_desc_node(row->desc), &dev);
	if (!ret) {
		ret = taihu_device_info(dev, &info);
		taihu_device_close(dev);
	}
	if (ret) {
		row->error = taihu_strerror(ret);
		return;
	}
	cli_fw_version(&info, row->fw, sizeof(row->fw));
	snprintf(row->serial, sizeof(row->serial), "%s", info.serial);
}

static int print_json(const struct list_row *rows, unsigned int n)
{
	json_object *arr = json_object_new_array();
	unsigned int i;

	if (!arr)
		return cli_error("out of memory");
	for (i = 0; i < n; i++) {
		json_object *o = json_object_new_object();

		cli_json_device(o, rows[i].desc);
		json_object_object_add(o, "firmware", rows[i].error ? NULL :
				       json_object_new_string(rows[i].fw));
		/* The queried serial, which sysfs may lack. */
		json_object_object_add(o, "serial", rows[i].error ? NULL :
				       json_object_new_string(rows[i].serial));
		if (rows[i].error)
			json_object_object_add(o, "error",
					       json_object_new_string(rows[i].error));
		json_object_array_add(arr, o);
	}
	cli_json_print(arr);
	return CLI_EXIT_OK;
}

static void print_table(const struct list_row *rows, unsigned int n)
{
	unsigned int i;

	printf("%-5s  %-18s  %-12s  %-10s  %s\n", "INDEX", "NODE", "PCI",
	       "FIRMWARE", "SERIAL");
	for (i = 0; i < n; i++) {
		printf("%-5u  %-18s  %-12s  %-10s  %s\n",
		       taihu_device_desc_index(rows[i].desc),
		       taihu_device_desc_node(rows[i].desc),
		       taihu_device_desc_pci_slot(rows[i].desc),
		       rows[i].error ? "-" : rows[i].fw,
		       rows[i].error ? rows[i].error : rows[i].serial);
	}
}

static int list_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct taihu_device_list *list;
	struct list_row *rows = NULL;
	int json = 0, opt, ret;
	unsigned int n, i;

	while ((opt = getopt_long(argc, argv, ":jh", opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = 1;
			break;
		case 'h':
			fputs(list_usage, stdout);
			return CLI_EXIT_OK;
		default:
			return cli_bad_option("list", opt, argv);
		}
	}
	if (optind < argc)
		return cli_usage_error("list", "unexpected argument '%s'",
				       argv[optind]);

	ret = taihu_device_list_new(&list);
	if (ret)
		return cli_error("cannot enumerate devices: %s",
				 taihu_strerror(ret));
	n = taihu_device_list_count(list);
	if (n) {
		rows = calloc(n, sizeof(*rows));
		if (!rows) {
			taihu_device_list_free(list);
			return cli_error("out of memory");
		}
	}
	for (i = 0; i < n; i++) {
		rows[i].desc = taihu_device_list_get(list, i);
		query_row(&rows[i]);
	}

	if (json) {
		ret = print_json(rows, n);
	} else {
		if (n == 0)
			fprintf(stderr, "No Taihu devices found.\nhint: %s\n",
				cli_no_device_hint(0));
		else
			print_table(rows, n);
		ret = CLI_EXIT_OK;
	}
	free(rows);
	taihu_device_list_free(list);
	return ret;
}

const struct cli_cmd cli_cmd_list = {
	.name = "list",
	.summary = "list Taihu devices",
	.usage = list_usage,
	.run = list_run,
};
