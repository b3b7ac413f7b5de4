// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * `taihu events`: subscribe to the driver's events group and print each
 * event as it comes, as a line of text or of JSON.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "cli.h"

static const char events_usage[] =
	"Usage: taihu events [--json] [-c N] [-t SECS]\n"
	"\n"
	"Print the cards' events as they happen: MMU faults, job timeouts, queue\n"
	"and card resets, throttling start/stop, ECC errors, firmware crashes;\n"
	"each with the card, the time and, when there is one, the device context\n"
	"and its process. \"listening\" on stderr says the subscription is in place.\n"
	"\n"
	"Options:\n"
	"  -j, --json         one JSON object per line\n"
	"  -c, --count N      exit after N events\n"
	"  -t, --timeout SECS exit (status 0) after SECS seconds\n"
	"  -h, --help         show this help\n";

static void iso_time(uint64_t ns, char *buf, size_t len)
{
	time_t sec = (time_t)(ns / 1000000000ull);
	struct tm tmv;

	gmtime_r(&sec, &tmv);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%06uZ", tmv.tm_year + 1900,
		 tmv.tm_mon + 1, tmv.tm_mday, tmv.tm_hour, tmv.tm_min, tmv.tm_sec,
		 (unsigned int)(ns % 1000000000ull / 1000));
}

static bool has(const struct taihu_event_info *ev, enum taihu_ev_field f)
{
	return ev->available & (1ULL << f);
}

static const char *access_name(uint32_t access)
{
	return access == TAIHU_FAULT_ACCESS_WRITE ? "write" : "read";
}

static void print_text(const struct taihu_event_info *ev)
{
	char when[64], reasons[96];

	iso_time(ev->time_ns, when, sizeof(when));
	printf("%s accel%u %s %s %s", when, ev->minor, ev->pci_slot, ev->serial,
	       taihu_event_kind_name(ev->kind));
	if (has(ev, TAIHU_EV_CONTEXT))
		printf(" context=%u", ev->context);
	if (has(ev, TAIHU_EV_PID))
		printf(" pid=%u", ev->pid);
	if (has(ev, TAIHU_EV_COMM))
		printf(" comm=%s", ev->comm);
	if (has(ev, TAIHU_EV_QUEUE))
		printf(" queue=%u", ev->queue);
	if (has(ev, TAIHU_EV_ADDRESS))
		printf(" address=0x%" PRIx64, ev->address);
	if (has(ev, TAIHU_EV_ACCESS))
		printf(" access=%s", access_name(ev->access));
	if (has(ev, TAIHU_EV_THROTTLE_REASONS)) {
		cli_throttle_names(ev->throttle_reasons, reasons, sizeof(reasons));
		printf(" reasons=%s", reasons);
	}
	if (has(ev, TAIHU_EV_CORE_CLOCK))
		printf(" core_clock=%uMHz", ev->core_clock_mhz);
	if (has(ev, TAIHU_EV_COUNT))
		printf(" count=%u%s", ev->count, ev->uncorrected ? " uncorrected" : " corrected");
	if (has(ev, TAIHU_EV_CODE))
		printf(" code=%u", ev->code);
	putchar('\n');
}

static void print_json(const struct taihu_event_info *ev)
{
	json_object *o = json_object_new_object();
	char when[64];

	if (!o)
		return;
	iso_time(ev->time_ns, when, sizeof(when));
	json_object_object_add(o, "time", json_object_new_string(when));
	json_object_object_add(o, "time_ns", json_object_new_uint64(ev->time_ns));
	json_object_object_add(o, "kind", json_object_new_string(taihu_event_kind_name(ev->kind)));
	json_object_object_add(o, "minor", json_object_new_uint64(ev->minor));
	json_object_object_add(o, "pci", json_object_new_string(ev->pci_slot));
	json_object_object_add(o, "serial", json_object_new_string(ev->serial));
	if (has(ev, TAIHU_EV_CARD_TIME))
		json_object_object_add(o, "card_time_ns", json_object_new_uint64(ev->card_time_ns));
	if (has(ev, TAIHU_EV_CONTEXT))
		json_object_object_add(o, "context", json_object_new_uint64(ev->context));
	if (has(ev, TAIHU_EV_PID))
		json_object_object_add(o, "pid", json_object_new_uint64(ev->pid));
	if (has(ev, TAIHU_EV_COMM))
		json_object_object_add(o, "comm", json_object_new_string(ev->comm));
	if (has(ev, TAIHU_EV_QUEUE))
		json_object_object_add(o, "queue", json_object_new_uint64(ev->queue));
	if (has(ev, TAIHU_EV_ADDRESS))
		json_object_object_add(o, "address", json_object_new_uint64(ev->address));
	if (has(ev, TAIHU_EV_ACCESS))
		json_object_object_add(o, "access", json_object_new_string(access_name(ev->access)));
	if (has(ev, TAIHU_EV_THROTTLE_REASONS)) {
		json_object *r = json_object_new_array();
		unsigned int bit;

		for (bit = 0; r && bit < 32; bit++) {
			const char *name = taihu_throttle_reason_name(bit);

			if ((ev->throttle_reasons & (1u << bit)) && name)
				json_object_array_add(r, json_object_new_string(name));
		}
		json_object_object_add(o, "throttle_reasons", r);
	}
	if (has(ev, TAIHU_EV_CORE_CLOCK))
		json_object_object_add(o, "core_clock_mhz", json_object_new_uint64(ev->core_clock_mhz));
	if (has(ev, TAIHU_EV_COUNT)) {
		json_object_object_add(o, "count", json_object_new_uint64(ev->count));
		json_object_object_add(o, "uncorrected", json_object_new_boolean(ev->uncorrected != 0));
	}
	if (has(ev, TAIHU_EV_CODE))
		json_object_object_add(o, "code", json_object_new_uint64(ev->code));
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
					    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int events_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "count", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned int count = 0, timeout_s = 0, seen = 0;
	struct taihu_event_listener *l;
	int64_t deadline = 0;
	bool json = false;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, ":jc:t:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = true;
			break;
		case 'c':
			if (cli_parse_uint(optarg, 1000000000, &count) || !count)
				return cli_usage_error("events", "--count takes a positive number");
			break;
		case 't':
			if (cli_parse_uint(optarg, 86400 * 365, &timeout_s) || !timeout_s)
				return cli_usage_error("events", "--timeout takes seconds");
			break;
		case 'h':
			fputs(events_usage, stdout);
			return CLI_EXIT_OK;
		default:
			return cli_bad_option("events", opt, argv);
		}
	}
	if (optind < argc)
		return cli_usage_error("events", "unexpected argument '%s'", argv[optind]);

	ret = taihu_events_open(&l);
	if (ret == -ENOENT)
		return cli_error("events: the taihu driver is not loaded (no netlink family '%s')",
				 TAIHU_FAMILY_NAME);
	if (ret)
		return cli_error("events: cannot subscribe: %s", taihu_strerror(ret));
	fputs("taihu: events: listening\n", stderr);
	cli_catch_stop();
	if (timeout_s)
		deadline = now_ms() + (int64_t)timeout_s * 1000;

	ret = CLI_EXIT_OK;
	while (!cli_stopped() && (!count || seen < count)) {
		struct taihu_event_info ev = { .size = sizeof(ev) };
		int wait = -1, r;

		if (deadline) {
			int64_t left = deadline - now_ms();

			if (left <= 0)
				break;
			wait = (int)left;
		}
		r = taihu_events_next(l, &ev, wait);
		if (r == -EINTR || r == 0)
			continue;
		if (r == -ENOBUFS) {
			fputs("taihu: events: some events were lost (receive buffer full)\n", stderr);
			continue;
		}
		if (r < 0) {
			ret = cli_error("events: %s", taihu_strerror(r));
			break;
		}
		if (json)
			print_json(&ev);
		else
			print_text(&ev);
		fflush(stdout);
		seen++;
	}
	taihu_events_close(l);
	return ret;
}

const struct cli_cmd cli_cmd_events = {
	.name = "events",
	.summary = "print the cards' events as they happen (text or JSON lines)",
	.usage = events_usage,
	.run = events_run,
};
