// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * `taihu reset`: reset a card on purpose (root only), through the driver's
 * generic netlink dev-reset request; the jobs in flight run again.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <time.h>

#include <json-c/json.h>

#include "cli.h"

static const char reset_usage[] =
	"Usage: taihu reset [-d DEV] [--json]\n"
	"\n"
	"Reset a card on purpose, as the driver's recovery does: the firmware\n"
	"is verified and booted again, the device contexts are restored and the\n"
	"jobs in flight run again and complete. Returns once the card is back.\n"
	"Needs root (CAP_SYS_ADMIN).\n"
	"\n"
	"Options:\n"
	CLI_DEVICE_HELP
	"  -j, --json           print the result as JSON\n"
	"  -h, --help           show this help\n";

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int reset_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct taihu_telemetry_session *s;
	const char *devname = "0";
	int json = 0, opt, ret;
	uint32_t minor;
	double t0, ms;

	while ((opt = getopt_long(argc, argv, ":d:jh", opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			devname = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			fputs(reset_usage, stdout);
			return CLI_EXIT_OK;
		default:
			return cli_bad_option("reset", opt, argv);
		}
	}
	if (optind < argc)
		return cli_usage_error("reset", "unexpected argument '%s'", argv[optind]);

	ret = cli_device_minor(devname, &minor);
	if (ret)
		return ret;
	ret = cli_telemetry_open("reset", &s);
	if (ret)
		return ret;
	t0 = now_ms();
	ret = taihu_card_reset(s, minor);
	ms = now_ms() - t0;
	taihu_telemetry_close(s);
	if (ret == -EPERM || ret == -EACCES)
		return cli_error_hint("run it as root (sudo taihu reset)",
				      "resetting a card needs root (CAP_SYS_ADMIN)");
	if (ret == -ENODEV)
		return cli_error_hint("a dead card comes back when its device is bound again",
				      "device %s is dead or gone", devname);
	if (ret)
		return cli_error_hint("the card is now dead; 'taihu dump' may tell why",
				      "device %s did not come back from the reset: %s", devname,
				      taihu_strerror(ret));
	if (json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "minor", json_object_new_int64(minor));
		json_object_object_add(o, "reset", json_object_new_boolean(1));
		json_object_object_add(o, "ms", json_object_new_double(ms));
		cli_json_print(o);
	} else {
		printf("device %s: card reset in %.0f ms; the jobs in flight ran again\n",
		       devname, ms);
	}
	return CLI_EXIT_OK;
}

const struct cli_cmd cli_cmd_reset = {
	.name = "reset",
	.summary = "reset a card (root)",
	.usage = reset_usage,
	.run = reset_run,
};
