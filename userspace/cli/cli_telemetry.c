// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Telemetry helpers of `taihu query`, `taihu top` and `taihu events`: the
 * cards from the driver's netlink family, in `taihu list` order (by PCI
 * address), and their throttle reasons as names.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

static int by_pci(const void *a, const void *b)
{
	const struct taihu_telemetry *x = a, *y = b;

	return strcmp(x->pci_slot, y->pci_slot);
}

int cli_telemetry_open(const char *cmd, struct taihu_telemetry_session **s)
{
	int ret = taihu_telemetry_open(s);

	if (ret == -ENOENT)
		return cli_error("%s: the taihu driver is not loaded (no netlink family '%s')",
				 cmd, TAIHU_FAMILY_NAME);
	if (ret)
		return cli_error("%s: cannot reach the taihu driver: %s", cmd, taihu_strerror(ret));
	return 0;
}

int cli_telemetry_load(const char *cmd, struct taihu_telemetry_session *s,
		       struct taihu_telemetry **cards, size_t *n)
{
	int ret = taihu_telemetry_dump(s, sizeof(**cards), cards, n);

	if (ret)
		return cli_error("%s: telemetry dump failed: %s", cmd, taihu_strerror(ret));
	qsort(*cards, *n, sizeof(**cards), by_pci);
	return 0;
}

void cli_throttle_names(uint32_t reasons, char *buf, size_t len)
{
	size_t used = 0;
	unsigned int bit;

	if (!len)
		return;
	buf[0] = '\0';
	for (bit = 0; bit < 32; bit++) {
		const char *name;
		char tmp[16];
		int n;

		if (!(reasons & (1u << bit)))
			continue;
		name = taihu_throttle_reason_name(bit);
		if (!name) {
			snprintf(tmp, sizeof(tmp), "bit%u", bit);
			name = tmp;
		}
		n = snprintf(buf + used, len - used, "%s%s", used ? "," : "", name);
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
	if (!used)
		snprintf(buf, len, "none");
}

bool cli_tm_has(const struct taihu_telemetry *t, enum taihu_tm_field f)
{
	return t->available & (1ULL << f);
}

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

void cli_catch_stop(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

bool cli_stopped(void)
{
	return stop_requested;
}

void cli_sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	/* A signal ends the sleep early; cli_stopped() then says so. */
	nanosleep(&ts, NULL);
}

int cli_device_minor(const char *name, uint32_t *minor)
{
	const struct taihu_device_desc *desc;
	struct taihu_device_list *list;
	int ret = taihu_device_list_new(&list);

	if (!ret)
		ret = taihu_device_list_find(list, name, &desc);
	if (!ret)
		*minor = taihu_device_desc_minor(desc);
	taihu_device_list_free(list);
	if (ret)
		return cli_error_hint("'taihu list' shows the devices; -d takes an index, PCI address, serial or /dev/accel node",
				      "no device '%s': %s", name, taihu_strerror(ret));
	return 0;
}
