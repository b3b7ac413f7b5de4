// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The Prometheus text format (version 0.0.4): base units (celsius, watts,
 * joules, volts, hertz, bytes, seconds, ratios), counters ending in
 * _total, one HELP and TYPE per family, label values escaped.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"

void text_printf(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->oom)
		return;
	for (;;) {
		size_t room = t->cap - t->len;

		va_start(ap, fmt);
		n = vsnprintf(t->buf ? t->buf + t->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0) {
			t->oom = true;
			return;
		}
		if ((size_t)n < room) {
			t->len += (size_t)n;
			return;
		}
		{
			size_t cap = t->cap ? t->cap * 2 : 4096;
			char *nb;

			while (cap - t->len <= (size_t)n)
				cap *= 2;
			nb = realloc(t->buf, cap);
			if (!nb) {
				t->oom = true;
				return;
			}
			t->buf = nb;
			t->cap = cap;
		}
	}
}

/* A label value with \, " and newline escaped. */
static void escape(const char *s, char *out, size_t len)
{
	size_t o = 0;

	for (; *s && o + 3 < len; s++) {
		if (*s == '\\' || *s == '"') {
			out[o++] = '\\';
			out[o++] = *s;
		} else if (*s == '\n') {
			out[o++] = '\\';
			out[o++] = 'n';
		} else {
			out[o++] = *s;
		}
	}
	out[o] = '\0';
}

/* serial="...",pci="..." for @k. */
static void card_labels(const struct known_card *k, char *buf, size_t len)
{
	char serial[80], pci[80];

	escape(k->serial, serial, sizeof(serial));
	escape(k->pci, pci, sizeof(pci));
	snprintf(buf, len, "serial=\"%s\",pci=\"%s\"", serial, pci);
}

static void known_fill(struct known_card *k, const struct taihu_telemetry *t)
{
	memset(k, 0, sizeof(*k));
	snprintf(k->serial, sizeof(k->serial), "%s", t->serial);
	snprintf(k->pci, sizeof(k->pci), "%s", t->pci_slot);
	snprintf(k->model, sizeof(k->model), "%s", t->model);
	snprintf(k->fw_version, sizeof(k->fw_version), "%s", t->fw_version);
	snprintf(k->driver_version, sizeof(k->driver_version), "%s", t->driver_version);
}

static struct known_card *known_find(struct known_cards *known, const char *serial,
				     const char *pci)
{
	size_t i;

	for (i = 0; i < known->n; i++)
		if (!strcmp(known->c[i].serial, serial) && !strcmp(known->c[i].pci, pci))
			return &known->c[i];
	return NULL;
}

static void known_update(struct known_cards *known, const struct taihu_telemetry *cards,
			 size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct known_card *k = known_find(known, cards[i].serial, cards[i].pci_slot);

		if (!k) {
			if (known->n == known->cap) {
				size_t cap = known->cap ? known->cap * 2 : 4;
				struct known_card *c = realloc(known->c, cap * sizeof(*c));

				if (!c)
					continue;
				known->c = c;
				known->cap = cap;
			}
			k = &known->c[known->n++];
		}
		known_fill(k, &cards[i]);
	}
}

void known_cards_free(struct known_cards *known)
{
	free(known->c);
	memset(known, 0, sizeof(*known));
}

static const struct taihu_telemetry *present(const struct taihu_telemetry *cards, size_t n,
					     const struct known_card *k)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(cards[i].serial, k->serial) && !strcmp(cards[i].pci_slot, k->pci))
			return &cards[i];
	return NULL;
}

static void family(struct text *out, const char *name, const char *type, const char *help)
{
	text_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* How one metric family reads a card; false: not available now. */
typedef bool (*getter)(const struct taihu_telemetry *t, double *v);

#define GETTER(fn, field, expr)							\
static bool fn(const struct taihu_telemetry *t, double *v)			\
{										\
	if (!(t->available & (1ULL << (field))))				\
		return false;							\
	*v = (expr);								\
	return true;								\
}

GETTER(g_temp, TAIHU_TM_TEMP, (double)t->temp_mc / 1000.0)
GETTER(g_temp_max, TAIHU_TM_TEMP_MAX, (double)t->temp_max_mc / 1000.0)
GETTER(g_temp_crit, TAIHU_TM_TEMP_CRIT, (double)t->temp_crit_mc / 1000.0)
GETTER(g_power, TAIHU_TM_POWER, (double)t->power_uw / 1e6)
GETTER(g_cap, TAIHU_TM_POWER_CAP, (double)t->power_cap_uw / 1e6)
GETTER(g_cap_min, TAIHU_TM_POWER_CAP_MIN, (double)t->power_cap_min_uw / 1e6)
GETTER(g_cap_max, TAIHU_TM_POWER_CAP_MAX, (double)t->power_cap_max_uw / 1e6)
GETTER(g_cap_default, TAIHU_TM_POWER_CAP_DEFAULT, (double)t->power_cap_default_uw / 1e6)
GETTER(g_energy, TAIHU_TM_ENERGY, (double)t->energy_uj / 1e6)
GETTER(g_voltage, TAIHU_TM_VOLTAGE, (double)t->voltage_mv / 1000.0)
GETTER(g_util, TAIHU_TM_UTILIZATION, (double)t->utilization_permille / 1000.0)
GETTER(g_busy, TAIHU_TM_BUSY_TIME, (double)t->busy_ns / 1e9)
GETTER(g_throttled, TAIHU_TM_THROTTLED_TIME, (double)t->throttled_ns / 1e9)
GETTER(g_resets, TAIHU_TM_RESET_COUNT, (double)t->reset_count)
GETTER(g_vram_total, TAIHU_TM_VRAM_TOTAL, (double)t->vram_total)

static const struct {
	const char *name, *type, *help;
	getter get;
} simple[] = {
	{ "taihu_temperature_celsius", "gauge", "Die temperature.", g_temp },
	{ "taihu_temperature_max_celsius", "gauge",
	  "Temperature above which the card lowers its clock.", g_temp_max },
	{ "taihu_temperature_critical_celsius", "gauge",
	  "Temperature at which the card runs its lowest clock.", g_temp_crit },
	{ "taihu_power_watts", "gauge", "Average board power.", g_power },
	{ "taihu_power_cap_watts", "gauge", "Power limit.", g_cap },
	{ "taihu_power_cap_min_watts", "gauge", "Lowest power limit the firmware accepts.",
	  g_cap_min },
	{ "taihu_power_cap_max_watts", "gauge", "Highest power limit the firmware accepts.",
	  g_cap_max },
	{ "taihu_power_cap_default_watts", "gauge", "The firmware's power limit after boot.",
	  g_cap_default },
	{ "taihu_energy_joules_total", "counter", "Energy used since the card started.",
	  g_energy },
	{ "taihu_core_voltage_volts", "gauge", "Core voltage.", g_voltage },
	{ "taihu_utilization_ratio", "gauge",
	  "Share of the last second with at least one queue running a job.", g_util },
	{ "taihu_busy_seconds_total", "counter",
	  "Time with at least one queue running a job.", g_busy },
	{ "taihu_throttled_seconds_total", "counter",
	  "Time with the core clock lowered by a power or thermal limit.", g_throttled },
	{ "taihu_resets_total", "counter", "Queue and card resets since the driver bound the card.",
	  g_resets },
	{ "taihu_memory_total_bytes", "gauge", "VRAM size.", g_vram_total },
};

static void render_up(struct text *out, const struct known_cards *known,
		      const struct taihu_telemetry *cards, size_t n)
{
	char labels[200], model[80], fw[80], drv[80];
	size_t i;

	family(out, "taihu_card_up", "gauge",
	       "1 while the card is present and answering, 0 once it went away.");
	for (i = 0; i < known->n; i++) {
		card_labels(&known->c[i], labels, sizeof(labels));
		text_printf(out, "taihu_card_up{%s} %d\n", labels,
			    present(cards, n, &known->c[i]) ? 1 : 0);
	}
	family(out, "taihu_card_info", "gauge",
	       "Identity of the card: model, firmware and driver versions (value 1).");
	for (i = 0; i < known->n; i++) {
		card_labels(&known->c[i], labels, sizeof(labels));
		escape(known->c[i].model, model, sizeof(model));
		escape(known->c[i].fw_version, fw, sizeof(fw));
		escape(known->c[i].driver_version, drv, sizeof(drv));
		text_printf(out, "taihu_card_info{%s,model=\"%s\",firmware_version=\"%s\",driver_version=\"%s\"} 1\n",
			    labels, model, fw, drv);
	}
}

/* One value of a family whose series differ by one label. */
struct labelled {
	const char *label;		/* the label's value */
	enum taihu_tm_field field;	/* reported by the driver? */
	double (*value)(const struct taihu_telemetry *t);
};

static double v_core(const struct taihu_telemetry *t) { return t->core_clock_mhz * 1e6; }
static double v_mem(const struct taihu_telemetry *t) { return t->mem_clock_mhz * 1e6; }
static double v_core_max(const struct taihu_telemetry *t) { return t->core_clock_max_mhz * 1e6; }
static double v_mem_max(const struct taihu_telemetry *t) { return t->mem_clock_max_mhz * 1e6; }
static double v_vram(const struct taihu_telemetry *t) { return (double)t->vram_used; }
static double v_host(const struct taihu_telemetry *t) { return (double)t->host_used; }
static double v_ecc_c(const struct taihu_telemetry *t) { return (double)t->ecc_corrected; }
static double v_ecc_u(const struct taihu_telemetry *t) { return (double)t->ecc_uncorrected; }

static const struct labelled clocks[] = {
	{ "core", TAIHU_TM_CORE_CLOCK, v_core }, { "memory", TAIHU_TM_MEM_CLOCK, v_mem },
};
static const struct labelled max_clocks[] = {
	{ "core", TAIHU_TM_CORE_CLOCK_MAX, v_core_max },
	{ "memory", TAIHU_TM_MEM_CLOCK_MAX, v_mem_max },
};
static const struct labelled memory[] = {
	{ "vram", TAIHU_TM_VRAM_USED, v_vram }, { "host", TAIHU_TM_HOST_USED, v_host },
};
static const struct labelled ecc[] = {
	{ "corrected", TAIHU_TM_ECC_CORRECTED, v_ecc_c },
	{ "uncorrected", TAIHU_TM_ECC_UNCORRECTED, v_ecc_u },
};

static void render_labelled(struct text *out, const char *name, const char *type,
			    const char *help, const char *key, const struct labelled *v,
			    size_t nv, const struct taihu_telemetry *cards, size_t n)
{
	struct known_card k;
	char labels[200];
	size_t i, j;

	family(out, name, type, help);
	for (i = 0; i < n; i++) {
		known_fill(&k, &cards[i]);
		card_labels(&k, labels, sizeof(labels));
		for (j = 0; j < nv; j++)
			if (cards[i].available & (1ULL << v[j].field))
				text_printf(out, "%s{%s,%s=\"%s\"} %.10g\n", name, labels, key,
					    v[j].label, v[j].value(&cards[i]));
	}
}

static void render_card_families(struct text *out, const struct taihu_telemetry *cards,
				 size_t n)
{
	struct known_card k;
	char labels[200];
	size_t f, i;
	unsigned int q, bit;
	double v;

	for (f = 0; f < sizeof(simple) / sizeof(simple[0]); f++) {
		family(out, simple[f].name, simple[f].type, simple[f].help);
		for (i = 0; i < n; i++) {
			if (!simple[f].get(&cards[i], &v))
				continue;
			known_fill(&k, &cards[i]);
			card_labels(&k, labels, sizeof(labels));
			text_printf(out, "%s{%s} %.10g\n", simple[f].name, labels, v);
		}
	}

	render_labelled(out, "taihu_clock_hertz", "gauge", "Clock frequency now.", "clock",
			clocks, 2, cards, n);
	render_labelled(out, "taihu_clock_max_hertz", "gauge", "Highest clock frequency.", "clock",
			max_clocks, 2, cards, n);
	family(out, "taihu_throttle_active", "gauge",
	       "1 while the reason holds the core clock below its maximum.");
	for (i = 0; i < n; i++) {
		if (!(cards[i].available & (1ULL << TAIHU_TM_THROTTLE_REASONS)))
			continue;
		known_fill(&k, &cards[i]);
		card_labels(&k, labels, sizeof(labels));
		for (bit = 0; bit < 32; bit++) {
			const char *name = taihu_throttle_reason_name(bit);

			if (name)
				text_printf(out, "taihu_throttle_active{%s,reason=\"%s\"} %d\n",
					    labels, name,
					    cards[i].throttle_reasons & (1u << bit) ? 1 : 0);
		}
	}
	render_labelled(out, "taihu_memory_used_bytes", "gauge",
			"Memory in use: VRAM, and system memory of the card's buffer objects.",
			"memory", memory, 2, cards, n);
	render_labelled(out, "taihu_ecc_errors_total", "counter",
			"VRAM ECC errors since the card started.", "type", ecc, 2, cards, n);
	family(out, "taihu_engine_busy_seconds_total", "counter", "Time a queue spent running jobs.");
	for (i = 0; i < n; i++) {
		known_fill(&k, &cards[i]);
		card_labels(&k, labels, sizeof(labels));
		for (q = 0; q < cards[i].num_engines && q < TAIHU_TM_MAX_ENGINES; q++)
			text_printf(out, "taihu_engine_busy_seconds_total{%s,queue=\"%u\"} %.9f\n",
				    labels, q, (double)cards[i].engine_busy_ns[q] / 1e9);
	}
	family(out, "taihu_engine_utilization_ratio", "gauge",
	       "Share of the last second a queue was busy.");
	for (i = 0; i < n; i++) {
		known_fill(&k, &cards[i]);
		card_labels(&k, labels, sizeof(labels));
		for (q = 0; q < cards[i].num_engines && q < TAIHU_TM_MAX_ENGINES; q++)
			text_printf(out, "taihu_engine_utilization_ratio{%s,queue=\"%u\"} %.3f\n",
				    labels, q, cards[i].engine_util_permille[q] / 1000.0);
	}
}

void metrics_render(struct text *out, struct known_cards *known,
		    const struct taihu_telemetry *cards, size_t n, bool driver_up)
{
	known_update(known, cards, n);
	family(out, "taihu_exporter_driver_up", "gauge",
	       "1 when the taihu driver answered this scrape, 0 when it is not loaded.");
	text_printf(out, "taihu_exporter_driver_up %d\n", driver_up ? 1 : 0);
	render_up(out, known, cards, n);
	render_card_families(out, cards, n);
}
