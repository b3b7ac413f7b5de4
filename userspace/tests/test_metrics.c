// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * taihu-exporter's text exposition from made-up telemetry: label escaping,
 * cards that went away, "not available" fields left out, and Debian's
 * promtool (when installed) finds nothing to lint.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../exporter/metrics.h"
#include "tap.h"

static void card(struct taihu_telemetry *t, const char *serial, const char *pci, bool sensors)
{
	memset(t, 0, sizeof(*t));
	t->size = sizeof(*t);
	snprintf(t->serial, sizeof(t->serial), "%s", serial);
	snprintf(t->pci_slot, sizeof(t->pci_slot), "%s", pci);
	snprintf(t->model, sizeof(t->model), "T1");
	snprintf(t->fw_version, sizeof(t->fw_version), "1.1.0");
	snprintf(t->driver_version, sizeof(t->driver_version), "0.1");
	t->vram_total = 256u << 20;
	t->vram_used = 4u << 20;
	t->available = (1ULL << TAIHU_TM_VRAM_TOTAL) | (1ULL << TAIHU_TM_VRAM_USED) |
		       (1ULL << TAIHU_TM_HOST_USED) | (1ULL << TAIHU_TM_RESET_COUNT);
	if (!sensors)
		return;
	t->available = (1ULL << (TAIHU_TM_ENGINES + 1)) - 1;
	t->temp_mc = 45500;
	t->temp_max_mc = 85000;
	t->temp_crit_mc = 95000;
	t->power_uw = 34500000;
	t->power_cap_uw = 150000000;
	t->energy_uj = 123456789;
	t->voltage_mv = 900;
	t->core_clock_mhz = 1100;
	t->core_clock_max_mhz = 1500;
	t->mem_clock_mhz = t->mem_clock_max_mhz = 1600;
	t->throttle_reasons = TAIHU_THROTTLE_REASONS_POWER_CAP;
	t->ecc_corrected = 3;
	t->num_engines = 2;
	t->engine_busy_ns[0] = 1500000000;
	t->engine_util_permille[0] = 500;
}

/* promtool check metrics < @text: its exit status, or -1 without promtool. */
static int promtool(const char *text, size_t len)
{
	char path[] = "/tmp/taihu-metrics-XXXXXX";
	char cmd[128];
	int fd, st;

	if (access("/usr/bin/promtool", X_OK))
		return -1;
	fd = mkstemp(path);
	if (fd < 0 || write(fd, text, len) != (ssize_t)len) {
		if (fd >= 0)
			close(fd);
		return 2;
	}
	close(fd);
	snprintf(cmd, sizeof(cmd), "/usr/bin/promtool check metrics < %s", path);
	st = system(cmd);
	unlink(path);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 2;
}

void test_metrics(void)
{
	struct known_cards known = { 0 };
	struct taihu_telemetry cards[2];
	struct text a = { 0 }, b = { 0 }, c = { 0 };
	int rc;

	card(&cards[0], "T1-0001", "0000:00:03.0", true);
	card(&cards[1], "T1-\"odd\\name", "0000:00:04.0", false);
	metrics_render(&a, &known, cards, 2, true);
	text_printf(&a, "%s", "");
	tap_ok(!a.oom && a.buf && strstr(a.buf, "taihu_exporter_driver_up 1\n") &&
	       strstr(a.buf, "taihu_card_up{serial=\"T1-0001\",pci=\"0000:00:03.0\"} 1\n") &&
	       strstr(a.buf, "taihu_card_info{serial=\"T1-0001\",pci=\"0000:00:03.0\",model=\"T1\","
			     "firmware_version=\"1.1.0\",driver_version=\"0.1\"} 1\n") &&
	       strstr(a.buf, "taihu_temperature_celsius{serial=\"T1-0001\",pci=\"0000:00:03.0\"} 45.5\n") &&
	       strstr(a.buf, "taihu_power_watts{serial=\"T1-0001\",pci=\"0000:00:03.0\"} 34.5\n") &&
	       strstr(a.buf, "taihu_energy_joules_total{serial=\"T1-0001\",pci=\"0000:00:03.0\"} 123.456789\n") &&
	       strstr(a.buf, "taihu_clock_hertz{serial=\"T1-0001\",pci=\"0000:00:03.0\",clock=\"core\"} 1100000000\n") &&
	       strstr(a.buf, "taihu_throttle_active{serial=\"T1-0001\",pci=\"0000:00:03.0\",reason=\"power-cap\"} 1\n") &&
	       strstr(a.buf, "taihu_engine_busy_seconds_total{serial=\"T1-0001\",pci=\"0000:00:03.0\",queue=\"0\"} 1.5") &&
	       strstr(a.buf, "# TYPE taihu_ecc_errors_total counter\n"),
	       "metrics: base units, _total counters, serial and pci labels");
	tap_ok(a.buf && strstr(a.buf, "serial=\"T1-\\\"odd\\\\name\"") &&
	       !strstr(a.buf, "taihu_temperature_celsius{serial=\"T1-\\\""),
	       "metrics: label values escaped; a card without sensors has no sensor series");
	rc = promtool(a.buf ? a.buf : "", a.len);
	if (rc < 0)
		tap_skip("metrics: promtool check metrics", "promtool not installed");
	else
		tap_ok(rc == 0, "metrics: promtool check metrics finds nothing");

	/* The second card went away, then the driver. */
	metrics_render(&b, &known, cards, 1, true);
	text_printf(&b, "%s", "");
	tap_ok(b.buf && strstr(b.buf, "taihu_card_up{serial=\"T1-0001\",pci=\"0000:00:03.0\"} 1\n") &&
	       strstr(b.buf, "taihu_card_up{serial=\"T1-\\\"odd\\\\name\",pci=\"0000:00:04.0\"} 0\n"),
	       "metrics: a card that went away stays, with taihu_card_up 0");
	metrics_render(&c, &known, NULL, 0, false);
	text_printf(&c, "%s", "");
	tap_ok(c.buf && strstr(c.buf, "taihu_exporter_driver_up 0\n") &&
	       strstr(c.buf, "taihu_card_up{serial=\"T1-0001\",pci=\"0000:00:03.0\"} 0\n") &&
	       !strstr(c.buf, "taihu_temperature_celsius{"),
	       "metrics: without the driver every known card is down");
	rc = promtool(c.buf ? c.buf : "", c.len);
	if (rc >= 0)
		tap_ok(rc == 0, "metrics: promtool is happy without the driver too");
	free(a.buf);
	free(b.buf);
	free(c.buf);
	known_cards_free(&known);
}
