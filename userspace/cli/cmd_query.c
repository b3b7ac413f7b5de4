// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * `taihu query`: chosen telemetry fields of every card, in the grammar
 * nvidia-smi users type (--query=a,b --format=csv[,noheader][,nounits]),
 * or as JSON. Values the driver did not report print as "[N/A]" (JSON
 * null); fields a Taihu card does not have print as "[Not Supported]".
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include <json-c/json.h>

#include "cli.h"

static const char query_usage[] =
	"Usage: taihu query --query=FIELD[,FIELD...] [--format=csv[,noheader][,nounits]]\n"
	"                   [--json] [-d DEV] [-l SECS [--count N]]\n"
	"       taihu query --help-query\n"
	"\n"
	"Print telemetry fields of every card (or of device DEV), one line per card,\n"
	"with nvidia-smi's field names and units where they fit, and Taihu's own.\n"
	"A value the driver cannot give now prints \"[N/A]\", a field a Taihu card\n"
	"does not have \"[Not Supported]\"; in JSON, null and \"[Not Supported]\".\n"
	"\n"
	"Options:\n"
	"  -q, --query=LIST     fields to print (--query-gpu is the same)\n"
	"  -f, --format=FMT     csv, with noheader and/or nounits (default csv)\n"
	"  -j, --json           one JSON array of objects per sample, numbers in the\n"
	"                       units of the CSV header\n"
	"  -d, --device DEV     only this device: index, PCI address, serial or\n"
	"                       /dev/accel node (see 'taihu list'; -i is the same)\n"
	"  -l, --loop SECS      print a sample every SECS seconds until interrupted\n"
	"  -c, --count N        with -l: stop after N samples\n"
	"      --help-query     list the fields\n"
	"  -h, --help           show this help\n"
	"\n"
	"Example: taihu query --query=name,temperature.gpu,power.draw,utilization.gpu \\\n"
	"             --format=csv,noheader\n";

/* What a field reads. */
enum qid {
	Q_TIMESTAMP, Q_INDEX, Q_COUNT, Q_NAME, Q_SERIAL, Q_PCI, Q_MINOR, Q_DRIVER, Q_FIRMWARE,
	Q_TEMP, Q_TEMP_MAX, Q_TEMP_CRIT, Q_TEMP_MEM,
	Q_POWER, Q_POWER_LIMIT, Q_POWER_DEFAULT, Q_POWER_MIN, Q_POWER_MAX, Q_POWER_MGMT,
	Q_ENERGY, Q_VOLTAGE,
	Q_CLK_CORE, Q_CLK_CORE_MAX, Q_CLK_MEM, Q_CLK_MEM_MAX,
	Q_UTIL, Q_UTIL_MEM, Q_UTIL_Q,
	Q_MEM_TOTAL, Q_MEM_USED, Q_MEM_FREE, Q_HOST_USED,
	Q_ECC_MODE, Q_ECC_CORR, Q_ECC_UNCORR,
	Q_THR_ACTIVE, Q_THR_POWER, Q_THR_SW_THERMAL, Q_THR_HW_THERMAL, Q_THR_HW_SLOW,
	Q_THR_IDLE, Q_THR_NAMES, Q_THR_TIME,
	Q_BUSY, Q_BUSY_Q, Q_RESETS,
	Q_FAN, Q_PSTATE, Q_UUID,
};

struct qfield {
	const char *name;
	enum qid id;
	unsigned int arg;	/* queue number of Q_UTIL_Q, Q_BUSY_Q */
	const char *unit;	/* CSV header "[unit]" and value suffix; NULL: none */
	const char *help;
};

#define QUEUE_FIELDS(n) \
	{ "utilization.queue" #n, Q_UTIL_Q, n, "%", "queue " #n "'s busy share of the last second (Taihu)" }, \
	{ "busy_time.queue" #n, Q_BUSY_Q, n, "s", "time queue " #n " spent running jobs (Taihu)" }

static const struct qfield fields[] = {
	{ "timestamp", Q_TIMESTAMP, 0, NULL, "time of the sample, YYYY/MM/DD HH:MM:SS.mmm" },
	{ "index", Q_INDEX, 0, NULL, "device index, as in 'taihu list'" },
	{ "count", Q_COUNT, 0, NULL, "number of cards" },
	{ "name", Q_NAME, 0, NULL, "product name" },
	{ "serial", Q_SERIAL, 0, NULL, "board serial number" },
	{ "pci.bus_id", Q_PCI, 0, NULL, "PCI address" },
	{ "minor", Q_MINOR, 0, NULL, "N of /dev/accel/accelN (Taihu)" },
	{ "driver_version", Q_DRIVER, 0, NULL, "taihu driver version" },
	{ "firmware_version", Q_FIRMWARE, 0, NULL, "running firmware version (Taihu)" },
	{ "vbios_version", Q_FIRMWARE, 0, NULL, "the same as firmware_version" },
	{ "temperature.gpu", Q_TEMP, 0, NULL, "die temperature, degrees C" },
	{ "temperature.gpu.max", Q_TEMP_MAX, 0, NULL, "the clock is lowered above it, degrees C (Taihu)" },
	{ "temperature.gpu.crit", Q_TEMP_CRIT, 0, NULL, "lowest clock at it, degrees C (Taihu)" },
	{ "temperature.memory", Q_TEMP_MEM, 0, NULL, "not on a T1" },
	{ "power.draw", Q_POWER, 0, "W", "average board power" },
	{ "power.draw.average", Q_POWER, 0, "W", "the same as power.draw" },
	{ "power.limit", Q_POWER_LIMIT, 0, "W", "power limit (set with 'power_cap' in sysfs or netlink)" },
	{ "enforced.power.limit", Q_POWER_LIMIT, 0, "W", "the same as power.limit" },
	{ "power.default_limit", Q_POWER_DEFAULT, 0, "W", "the firmware's power limit" },
	{ "power.min_limit", Q_POWER_MIN, 0, "W", "lowest power limit that can be set" },
	{ "power.max_limit", Q_POWER_MAX, 0, "W", "highest power limit that can be set" },
	{ "power.management", Q_POWER_MGMT, 0, NULL, "Enabled when the card reports a power limit" },
	{ "energy.total", Q_ENERGY, 0, "J", "energy used since the card started (Taihu)" },
	{ "voltage.core", Q_VOLTAGE, 0, "mV", "core voltage (Taihu)" },
	{ "clocks.current.graphics", Q_CLK_CORE, 0, "MHz", "core clock" },
	{ "clocks.gr", Q_CLK_CORE, 0, "MHz", "the same as clocks.current.graphics" },
	{ "clocks.current.sm", Q_CLK_CORE, 0, "MHz", "the same as clocks.current.graphics" },
	{ "clocks.sm", Q_CLK_CORE, 0, "MHz", "the same as clocks.current.graphics" },
	{ "clocks.max.graphics", Q_CLK_CORE_MAX, 0, "MHz", "highest core clock" },
	{ "clocks.max.gr", Q_CLK_CORE_MAX, 0, "MHz", "the same as clocks.max.graphics" },
	{ "clocks.max.sm", Q_CLK_CORE_MAX, 0, "MHz", "the same as clocks.max.graphics" },
	{ "clocks.current.memory", Q_CLK_MEM, 0, "MHz", "memory clock" },
	{ "clocks.mem", Q_CLK_MEM, 0, "MHz", "the same as clocks.current.memory" },
	{ "clocks.max.memory", Q_CLK_MEM_MAX, 0, "MHz", "highest memory clock" },
	{ "clocks.max.mem", Q_CLK_MEM_MAX, 0, "MHz", "the same as clocks.max.memory" },
	{ "utilization.gpu", Q_UTIL, 0, "%", "share of the last second with a queue running a job" },
	{ "utilization.memory", Q_UTIL_MEM, 0, "%", "not on a T1" },
	QUEUE_FIELDS(0), QUEUE_FIELDS(1), QUEUE_FIELDS(2), QUEUE_FIELDS(3),
	QUEUE_FIELDS(4), QUEUE_FIELDS(5), QUEUE_FIELDS(6), QUEUE_FIELDS(7),
	{ "memory.total", Q_MEM_TOTAL, 0, "MiB", "VRAM size" },
	{ "memory.used", Q_MEM_USED, 0, "MiB", "VRAM in use" },
	{ "memory.free", Q_MEM_FREE, 0, "MiB", "VRAM free" },
	{ "memory.host_used", Q_HOST_USED, 0, "MiB", "system memory of the card's buffer objects (Taihu)" },
	{ "ecc.mode.current", Q_ECC_MODE, 0, NULL, "Enabled (T1 VRAM always has ECC)" },
	{ "ecc.errors.corrected.volatile.total", Q_ECC_CORR, 0, NULL, "corrected VRAM ECC errors since the card started" },
	{ "ecc.errors.corrected.aggregate.total", Q_ECC_CORR, 0, NULL, "the same (T1 keeps no lifetime count)" },
	{ "ecc.errors.uncorrected.volatile.total", Q_ECC_UNCORR, 0, NULL, "uncorrected VRAM ECC errors since the card started" },
	{ "ecc.errors.uncorrected.aggregate.total", Q_ECC_UNCORR, 0, NULL, "the same (T1 keeps no lifetime count)" },
	{ "clocks_throttle_reasons.active", Q_THR_ACTIVE, 0, NULL, "nvidia-smi's bit mask of the active reasons" },
	{ "clocks_event_reasons.active", Q_THR_ACTIVE, 0, NULL, "the same" },
	{ "clocks_throttle_reasons.sw_power_cap", Q_THR_POWER, 0, NULL, "Active while the power limit holds the clock" },
	{ "clocks_event_reasons.sw_power_cap", Q_THR_POWER, 0, NULL, "the same" },
	{ "clocks_throttle_reasons.sw_thermal_slowdown", Q_THR_SW_THERMAL, 0, NULL, "Active above temperature.gpu.max" },
	{ "clocks_event_reasons.sw_thermal_slowdown", Q_THR_SW_THERMAL, 0, NULL, "the same" },
	{ "clocks_throttle_reasons.hw_thermal_slowdown", Q_THR_HW_THERMAL, 0, NULL, "Active at temperature.gpu.crit" },
	{ "clocks_event_reasons.hw_thermal_slowdown", Q_THR_HW_THERMAL, 0, NULL, "the same" },
	{ "clocks_throttle_reasons.hw_slowdown", Q_THR_HW_SLOW, 0, NULL, "Active at temperature.gpu.crit" },
	{ "clocks_event_reasons.hw_slowdown", Q_THR_HW_SLOW, 0, NULL, "the same" },
	{ "clocks_throttle_reasons.gpu_idle", Q_THR_IDLE, 0, NULL, "a T1 keeps its clock when idle" },
	{ "throttle_reasons", Q_THR_NAMES, 0, NULL, "active reasons by name: power-cap, thermal, critical, or none (Taihu)" },
	{ "throttle_time", Q_THR_TIME, 0, "s", "time spent with the clock lowered by a limit (Taihu)" },
	{ "busy_time", Q_BUSY, 0, "s", "time with a queue running a job (Taihu)" },
	{ "reset_count", Q_RESETS, 0, NULL, "queue and card resets since the driver bound the card (Taihu)" },
	{ "fan.speed", Q_FAN, 0, "%", "a T1 has no fan of its own" },
	{ "pstate", Q_PSTATE, 0, NULL, "not on a T1 (see clocks.current.graphics)" },
	{ "uuid", Q_UUID, 0, NULL, "not on a T1 (see serial)" },
};

#define NUM_FIELDS (sizeof(fields) / sizeof(fields[0]))

enum vkind { V_NUM, V_STR, V_NA, V_NS };

struct value {
	enum vkind kind;
	double num;
	int decimals;
	char str[96];
};

/* nvidia-smi's clocks_throttle_reasons bits. */
#define NV_SW_POWER_CAP		0x4ULL
#define NV_HW_SLOWDOWN		0x8ULL
#define NV_SW_THERMAL		0x20ULL
#define NV_HW_THERMAL		0x40ULL

struct sample {
	const struct taihu_telemetry *t;
	size_t index, count;
	const char *timestamp;
};

static void num(struct value *v, double x, int decimals)
{
	v->kind = V_NUM;
	v->num = x;
	v->decimals = decimals;
}

static void str(struct value *v, const char *s)
{
	v->kind = V_STR;
	snprintf(v->str, sizeof(v->str), "%s", s);
}

/* A number from field @f of the card, or N/A. */
static void tm(struct value *v, const struct taihu_telemetry *t, enum taihu_tm_field f,
	       double x, int decimals)
{
	if (cli_tm_has(t, f))
		num(v, x, decimals);
	else
		v->kind = V_NA;
}

static void active(struct value *v, const struct taihu_telemetry *t, uint32_t bit)
{
	if (cli_tm_has(t, TAIHU_TM_THROTTLE_REASONS))
		str(v, t->throttle_reasons & bit ? "Active" : "Not Active");
	else
		v->kind = V_NA;
}

static void get(const struct qfield *f, const struct sample *s, struct value *v)
{
	const struct taihu_telemetry *t = s->t;
	const double mib = 1024.0 * 1024.0;
	unsigned int q = f->arg;

	memset(v, 0, sizeof(*v));
	switch (f->id) {
	case Q_TIMESTAMP: str(v, s->timestamp); break;
	case Q_INDEX: num(v, (double)s->index, 0); break;
	case Q_COUNT: num(v, (double)s->count, 0); break;
	case Q_NAME: {
		char name[64];

		snprintf(name, sizeof(name), "Taihu %s", t->model[0] ? t->model : "card");
		str(v, name);
		break;
	}
	case Q_SERIAL: str(v, t->serial); break;
	case Q_PCI: str(v, t->pci_slot); break;
	case Q_MINOR: num(v, t->minor, 0); break;
	case Q_DRIVER: str(v, t->driver_version); break;
	case Q_FIRMWARE: str(v, t->fw_version); break;
	case Q_TEMP: tm(v, t, TAIHU_TM_TEMP, (double)t->temp_mc / 1000.0, 0); break;
	case Q_TEMP_MAX: tm(v, t, TAIHU_TM_TEMP_MAX, (double)t->temp_max_mc / 1000.0, 0); break;
	case Q_TEMP_CRIT: tm(v, t, TAIHU_TM_TEMP_CRIT, (double)t->temp_crit_mc / 1000.0, 0); break;
	case Q_POWER: tm(v, t, TAIHU_TM_POWER, (double)t->power_uw / 1e6, 2); break;
	case Q_POWER_LIMIT: tm(v, t, TAIHU_TM_POWER_CAP, (double)t->power_cap_uw / 1e6, 2); break;
	case Q_POWER_DEFAULT: tm(v, t, TAIHU_TM_POWER_CAP_DEFAULT, (double)t->power_cap_default_uw / 1e6, 2); break;
	case Q_POWER_MIN: tm(v, t, TAIHU_TM_POWER_CAP_MIN, (double)t->power_cap_min_uw / 1e6, 2); break;
	case Q_POWER_MAX: tm(v, t, TAIHU_TM_POWER_CAP_MAX, (double)t->power_cap_max_uw / 1e6, 2); break;
	case Q_POWER_MGMT:
		if (cli_tm_has(t, TAIHU_TM_POWER_CAP))
			str(v, "Enabled");
		else
			v->kind = V_NA;
		break;
	case Q_ENERGY: tm(v, t, TAIHU_TM_ENERGY, (double)t->energy_uj / 1e6, 3); break;
	case Q_VOLTAGE: tm(v, t, TAIHU_TM_VOLTAGE, t->voltage_mv, 0); break;
	case Q_CLK_CORE: tm(v, t, TAIHU_TM_CORE_CLOCK, t->core_clock_mhz, 0); break;
	case Q_CLK_CORE_MAX: tm(v, t, TAIHU_TM_CORE_CLOCK_MAX, t->core_clock_max_mhz, 0); break;
	case Q_CLK_MEM: tm(v, t, TAIHU_TM_MEM_CLOCK, t->mem_clock_mhz, 0); break;
	case Q_CLK_MEM_MAX: tm(v, t, TAIHU_TM_MEM_CLOCK_MAX, t->mem_clock_max_mhz, 0); break;
	case Q_UTIL: tm(v, t, TAIHU_TM_UTILIZATION, (double)t->utilization_permille / 10.0, 0); break;
	case Q_UTIL_Q:
		if (cli_tm_has(t, TAIHU_TM_ENGINES) && q < t->num_engines)
			num(v, t->engine_util_permille[q] / 10.0, 0);
		else
			v->kind = cli_tm_has(t, TAIHU_TM_ENGINES) ? V_NS : V_NA;
		break;
	case Q_BUSY_Q:
		if (cli_tm_has(t, TAIHU_TM_ENGINES) && q < t->num_engines)
			num(v, (double)t->engine_busy_ns[q] / 1e9, 3);
		else
			v->kind = cli_tm_has(t, TAIHU_TM_ENGINES) ? V_NS : V_NA;
		break;
	case Q_MEM_TOTAL: tm(v, t, TAIHU_TM_VRAM_TOTAL, (double)(t->vram_total >> 20), 0); break;
	case Q_MEM_USED: tm(v, t, TAIHU_TM_VRAM_USED, (double)(t->vram_used >> 20), 0); break;
	case Q_MEM_FREE:
		if (cli_tm_has(t, TAIHU_TM_VRAM_TOTAL) && cli_tm_has(t, TAIHU_TM_VRAM_USED))
			num(v, (double)((t->vram_total - t->vram_used) >> 20), 0);
		else
			v->kind = V_NA;
		break;
	case Q_HOST_USED: tm(v, t, TAIHU_TM_HOST_USED, (double)t->host_used / mib, 1); break;
	case Q_ECC_MODE: str(v, "Enabled"); break;
	case Q_ECC_CORR: tm(v, t, TAIHU_TM_ECC_CORRECTED, (double)t->ecc_corrected, 0); break;
	case Q_ECC_UNCORR: tm(v, t, TAIHU_TM_ECC_UNCORRECTED, (double)t->ecc_uncorrected, 0); break;
	case Q_THR_ACTIVE:
		if (cli_tm_has(t, TAIHU_TM_THROTTLE_REASONS)) {
			uint64_t m = 0;

			if (t->throttle_reasons & TAIHU_THROTTLE_REASONS_POWER_CAP)
				m |= NV_SW_POWER_CAP;
			if (t->throttle_reasons & TAIHU_THROTTLE_REASONS_THERMAL)
				m |= NV_SW_THERMAL;
			if (t->throttle_reasons & TAIHU_THROTTLE_REASONS_CRITICAL)
				m |= NV_HW_THERMAL | NV_HW_SLOWDOWN;
			snprintf(v->str, sizeof(v->str), "0x%016" PRIx64, m);
			v->kind = V_STR;
		} else {
			v->kind = V_NA;
		}
		break;
	case Q_THR_POWER: active(v, t, TAIHU_THROTTLE_REASONS_POWER_CAP); break;
	case Q_THR_SW_THERMAL: active(v, t, TAIHU_THROTTLE_REASONS_THERMAL); break;
	case Q_THR_HW_THERMAL:
	case Q_THR_HW_SLOW: active(v, t, TAIHU_THROTTLE_REASONS_CRITICAL); break;
	case Q_THR_NAMES:
		if (cli_tm_has(t, TAIHU_TM_THROTTLE_REASONS)) {
			cli_throttle_names(t->throttle_reasons, v->str, sizeof(v->str));
			v->kind = V_STR;
		} else {
			v->kind = V_NA;
		}
		break;
	case Q_THR_TIME: tm(v, t, TAIHU_TM_THROTTLED_TIME, (double)t->throttled_ns / 1e9, 3); break;
	case Q_BUSY: tm(v, t, TAIHU_TM_BUSY_TIME, (double)t->busy_ns / 1e9, 3); break;
	case Q_RESETS: tm(v, t, TAIHU_TM_RESET_COUNT, (double)t->reset_count, 0); break;
	case Q_THR_IDLE:
	case Q_TEMP_MEM:
	case Q_UTIL_MEM:
	case Q_FAN:
	case Q_PSTATE:
	case Q_UUID:
		v->kind = V_NS;
		break;
	}
}

static const struct qfield *find_field(const char *name)
{
	size_t i;

	for (i = 0; i < NUM_FIELDS; i++)
		if (!strcmp(fields[i].name, name))
			return &fields[i];
	return NULL;
}

static void help_query(void)
{
	size_t i;

	puts("Fields for --query (units as printed in CSV; \"(Taihu)\": not in nvidia-smi):");
	for (i = 0; i < NUM_FIELDS; i++) {
		char unit[16] = "";

		if (fields[i].unit)
			snprintf(unit, sizeof(unit), " [%s]", fields[i].unit);
		printf("  %s%s\n      %s\n", fields[i].name, unit, fields[i].help);
	}
}

struct qopts {
	const struct qfield *sel[128];
	size_t nsel;
	bool noheader, nounits, json;
	bool one;
	uint32_t minor;		/* of the one device (-d) */
	unsigned int loop_s, count;
};

static int parse_query(const char *arg, struct qopts *o)
{
	char *copy = strdup(arg), *save = NULL, *tok;
	int ret = 0;

	if (!copy)
		return cli_error("out of memory");
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		const struct qfield *f;

		while (*tok == ' ')
			tok++;
		f = find_field(tok);
		if (!f) {
			ret = cli_usage_error("query", "field \"%s\" is not a valid field to query (see --help-query)",
					      tok);
			break;
		}
		if (o->nsel == sizeof(o->sel) / sizeof(o->sel[0])) {
			ret = cli_usage_error("query", "too many fields");
			break;
		}
		o->sel[o->nsel++] = f;
	}
	free(copy);
	if (!ret && !o->nsel)
		ret = cli_usage_error("query", "--query names no field");
	return ret;
}

static int parse_format(const char *arg, struct qopts *o)
{
	char *copy = strdup(arg), *save = NULL, *tok;
	bool csv = false;
	int ret = 0;

	if (!copy)
		return cli_error("out of memory");
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ')
			tok++;
		if (!strcmp(tok, "csv")) {
			csv = true;
		} else if (!strcmp(tok, "noheader")) {
			o->noheader = true;
		} else if (!strcmp(tok, "nounits")) {
			o->nounits = true;
		} else {
			ret = cli_usage_error("query", "unknown format option \"%s\" (csv, noheader, nounits)",
					      tok);
			break;
		}
	}
	free(copy);
	if (!ret && !csv)
		ret = cli_usage_error("query", "--format must include csv");
	return ret;
}

static void format_value(const struct qfield *f, const struct value *v, bool units,
			 char *buf, size_t len)
{
	switch (v->kind) {
	case V_NUM:
		if (units && f->unit)
			snprintf(buf, len, "%.*f %s", v->decimals, v->num, f->unit);
		else
			snprintf(buf, len, "%.*f", v->decimals, v->num);
		break;
	case V_STR:
		snprintf(buf, len, "%s", v->str);
		break;
	case V_NA:
		snprintf(buf, len, "[N/A]");
		break;
	case V_NS:
		snprintf(buf, len, "[Not Supported]");
		break;
	}
}

static void print_header(const struct qopts *o)
{
	size_t i;

	for (i = 0; i < o->nsel; i++) {
		printf("%s%s", i ? ", " : "", o->sel[i]->name);
		if (!o->nounits && o->sel[i]->unit)
			printf(" [%s]", o->sel[i]->unit);
	}
	putchar('\n');
}

static void print_csv(const struct qopts *o, const struct sample *s)
{
	struct value v;
	char buf[128];
	size_t i;

	for (i = 0; i < o->nsel; i++) {
		get(o->sel[i], s, &v);
		format_value(o->sel[i], &v, !o->nounits, buf, sizeof(buf));
		printf("%s%s", i ? ", " : "", buf);
	}
	putchar('\n');
}

static json_object *json_row(const struct qopts *o, const struct sample *s)
{
	json_object *row = json_object_new_object();
	struct value v;
	size_t i;

	for (i = 0; row && i < o->nsel; i++) {
		json_object *val = NULL;

		get(o->sel[i], s, &v);
		if (v.kind == V_NUM)
			val = v.decimals ? json_object_new_double(v.num) :
					   json_object_new_int64((int64_t)v.num);
		else if (v.kind == V_STR)
			val = json_object_new_string(v.str);
		else if (v.kind == V_NS)
			val = json_object_new_string("[Not Supported]");
		json_object_object_add(row, o->sel[i]->name, val);
	}
	return row;
}

static void timestamp(char *buf, size_t len)
{
	struct timeval tv;
	struct tm tmv;

	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tmv);
	snprintf(buf, len, "%04d/%02d/%02d %02d:%02d:%02d.%03ld", tmv.tm_year + 1900,
		 tmv.tm_mon + 1, tmv.tm_mday, tmv.tm_hour, tmv.tm_min, tmv.tm_sec,
		 (long)(tv.tv_usec / 1000));
}

static int sample_once(struct taihu_telemetry_session *ts, const struct qopts *o, bool header)
{
	struct taihu_telemetry *cards = NULL;
	json_object *arr = NULL;
	char stamp[64];
	size_t n = 0, i;
	int ret;

	ret = cli_telemetry_load("query", ts, &cards, &n);
	if (ret)
		return ret;
	for (i = 0; o->one && i < n && cards[i].minor != o->minor; i++)
		;
	if (o->one && i == n) {
		taihu_free(cards);
		return cli_error("query: the device is gone");
	}
	timestamp(stamp, sizeof(stamp));
	if (o->json)
		arr = json_object_new_array();
	else if (header && !o->noheader)
		print_header(o);
	for (i = 0; i < n; i++) {
		struct sample s = { .t = &cards[i], .index = i, .count = n, .timestamp = stamp };

		if (o->one && cards[i].minor != o->minor)
			continue;
		if (arr)
			json_object_array_add(arr, json_row(o, &s));
		else
			print_csv(o, &s);
	}
	if (arr)
		cli_json_print(arr);
	fflush(stdout);
	taihu_free(cards);
	return CLI_EXIT_OK;
}

static int query_run(int argc, char **argv)
{
	enum { OPT_HELP_QUERY = 256, OPT_QUERY_GPU };
	static const struct option opts[] = {
		{ "query", required_argument, NULL, 'q' },
		{ "query-gpu", required_argument, NULL, OPT_QUERY_GPU },
		{ "format", required_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ "device", required_argument, NULL, 'd' },
		{ "id", required_argument, NULL, 'i' },
		{ "loop", required_argument, NULL, 'l' },
		{ "count", required_argument, NULL, 'c' },
		{ "help-query", no_argument, NULL, OPT_HELP_QUERY },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct taihu_telemetry_session *ts;
	const char *device = NULL;
	struct qopts o;
	bool have_query = false, have_format = false;
	unsigned int done = 0;
	int opt, ret;

	memset(&o, 0, sizeof(o));
	while ((opt = getopt_long(argc, argv, ":q:f:jd:i:l:c:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'q':
		case OPT_QUERY_GPU:
			ret = parse_query(optarg, &o);
			if (ret)
				return ret;
			have_query = true;
			break;
		case 'f':
			ret = parse_format(optarg, &o);
			if (ret)
				return ret;
			have_format = true;
			break;
		case 'j':
			o.json = true;
			break;
		case 'd':
		case 'i':
			device = optarg;
			break;
		case 'l':
			if (cli_parse_uint(optarg, 86400, &o.loop_s) || !o.loop_s)
				return cli_usage_error("query", "-l takes seconds, 1..86400");
			break;
		case 'c':
			if (cli_parse_uint(optarg, 1000000, &o.count) || !o.count)
				return cli_usage_error("query", "--count takes 1..1000000");
			break;
		case OPT_HELP_QUERY:
			help_query();
			return CLI_EXIT_OK;
		case 'h':
			fputs(query_usage, stdout);
			return CLI_EXIT_OK;
		default:
			return cli_bad_option("query", opt, argv);
		}
	}
	if (optind < argc)
		return cli_usage_error("query", "unexpected argument '%s'", argv[optind]);
	if (!have_query)
		return cli_usage_error("query", "--query=FIELD[,FIELD...] is required");
	if (o.json && have_format)
		return cli_usage_error("query", "--json and --format exclude each other");
	if (o.count && !o.loop_s)
		return cli_usage_error("query", "--count needs -l");

	if (device) {
		ret = cli_device_minor(device, &o.minor);
		if (ret)
			return ret;
		o.one = true;
	}
	ret = cli_telemetry_open("query", &ts);
	if (ret)
		return ret;
	cli_catch_stop();
	for (;;) {
		ret = sample_once(ts, &o, done == 0);
		done++;
		if (ret || !o.loop_s || (o.count && done >= o.count) || cli_stopped())
			break;
		cli_sleep_ms(o.loop_s * 1000);
		if (cli_stopped())
			break;
	}
	taihu_telemetry_close(ts);
	return ret;
}

const struct cli_cmd cli_cmd_query = {
	.name = "query",
	.summary = "print telemetry fields (nvidia-smi --query grammar, CSV or JSON)",
	.usage = query_usage,
	.run = query_run,
};
