// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Thermal and power model, clock governor, sensor page (see thermal.h).
 * Everything but thermal_throttle_job() runs on the main thread.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "activity.h"
#include "card.h"
#include "clock.h"
#include "engine.h"
#include "events.h"
#include "log.h"
#include "shm.h"
#include "thermal.h"

_Static_assert(sizeof(struct taihu_sensor_page) <= TAIHU_BAR2_FWLOG_OFFSET - TAIHU_BAR2_SENSOR_OFFSET,
	       "sensor page overflows");

/* A modest board: what a T1 runs before its firmware says otherwise. */
const struct taihu_fw_thermal thermal_board_defaults = {
	.temp_ambient_mc = 35000,
	.temp_max_mc = 85000,
	.temp_crit_mc = 95000,
	.temp_hyst_mc = 5000,
	.thermal_resistance_mc_per_w = 300,
	.thermal_tau_ms = 2000,
	.power_idle_mw = 10000,
	.power_engine_mw = 40000,
	.power_cap_default_mw = 100000,
	.power_cap_min_mw = 20000,
	.power_cap_max_mw = 150000,
	.mem_clock_mhz = 1200,
	.sample_period_ms = 100,
	.activity_control_permille = 50,
	.activity_memory_permille = 450,
	.activity_compute_permille = 1000,
	.num_levels = 2,
	.levels = { { 1000, 850 }, { 500, 700 } },
};

/* Share of the period the governor trusts for "the next level fits the cap". */
#define CAP_HEADROOM		0.97
/* Time constant of power_avg_w, in sample periods. */
#define POWER_AVG_PERIODS	4.0
#define UTIL_WINDOW_NS		1000000000ull

double thermal_power_scale(const struct taihu_fw_thermal *t, uint32_t level)
{
	double f = (double)t->levels[level].core_mhz / t->levels[0].core_mhz;
	double v = (double)t->levels[level].voltage_mv / t->levels[0].voltage_mv;

	return f * v * v;
}

uint32_t thermal_period_ms(const struct card *card)
{
	return card->thermal.table.sample_period_ms;
}

/* Write the page under its sequence lock; the guest may scribble on it. */
static void publish(struct card *card, uint64_t now)
{
	struct thermal *th = &card->thermal;
	const struct taihu_fw_thermal *t = &th->table;
	struct taihu_sensor_page *p = card->sensors;
	unsigned int q;

	th->seq += 2;
	shm_store32(&p->seq, th->seq - 1);
	atomic_thread_fence(memory_order_release);
	p->valid = 1;
	p->update_ns = now;
	p->period_ms = t->sample_period_ms;
	p->temp_mc = (int32_t)(th->temp_c * 1000.0);
	p->temp_max_mc = t->temp_max_mc;
	p->temp_crit_mc = t->temp_crit_mc;
	p->temp_hyst_mc = t->temp_hyst_mc;
	p->voltage_mv = t->levels[th->level].voltage_mv;
	p->power_uw = (uint64_t)(th->power_avg_w * 1e6);
	p->power_cap_uw = th->power_cap_uw;
	p->power_cap_min_uw = (uint64_t)t->power_cap_min_mw * 1000;
	p->power_cap_max_uw = (uint64_t)t->power_cap_max_mw * 1000;
	p->power_cap_default_uw = (uint64_t)t->power_cap_default_mw * 1000;
	p->energy_uj = (uint64_t)(th->energy_j * 1e6);
	p->core_clock_mhz = t->levels[th->level].core_mhz;
	p->core_clock_max_mhz = t->levels[0].core_mhz;
	p->mem_clock_mhz = t->mem_clock_mhz;
	p->mem_clock_max_mhz = t->mem_clock_mhz;
	p->throttle_reasons = th->reasons;
	p->num_engines = card->cfg.booted ? card->cfg.num_queues : 0;
	p->throttled_ns = th->throttled_ns;
	p->ecc_corrected = th->ecc_corrected;
	p->ecc_uncorrected = th->ecc_uncorrected;
	p->busy_ns = th->any_busy_ns;
	p->util_permille = th->util_permille;
	p->reserved0 = 0;
	for (q = 0; q < TAIHU_MAX_QUEUES; q++) {
		p->engine_busy_ns[q] = th->busy_ns[q];
		p->engine_util_permille[q] = th->engine_util_permille[q];
	}
	memset(p->reserved, 0, sizeof(p->reserved));
	shm_store32(&p->seq, th->seq);
}

void thermal_init(struct card *card)
{
	struct thermal *th = &card->thermal;

	memset(th, 0, sizeof(*th));
	th->temp_c = thermal_board_defaults.temp_ambient_mc / 1000.0;
	th->last_ns = card_clock_ns();
	thermal_set_table(card, NULL);
}

void thermal_set_table(struct card *card, const struct taihu_fw_thermal *table)
{
	struct thermal *th = &card->thermal;
	uint32_t old_reasons = th->reasons;

	th->table = table ? *table : thermal_board_defaults;
	th->level = 0;
	th->reasons = 0;
	th->power_cap_uw = (uint64_t)th->table.power_cap_default_mw * 1000;
	atomic_store(&th->core_mhz, th->table.levels[0].core_mhz);
	if (old_reasons)
		events_post(card, TAIHU_EVENT_THROTTLE, 0, 0,
			    old_reasons | (uint64_t)th->table.levels[0].core_mhz << 32);
	publish(card, card_clock_ns());
}

int thermal_set_power_cap(struct card *card, uint64_t cap_uw)
{
	struct thermal *th = &card->thermal;
	const struct taihu_fw_thermal *t = &th->table;

	if (cap_uw < (uint64_t)t->power_cap_min_mw * 1000 ||
	    cap_uw > (uint64_t)t->power_cap_max_mw * 1000)
		return -ERANGE;
	th->power_cap_uw = cap_uw;
	card_log("power cap set to %llu mW", (unsigned long long)(cap_uw / 1000));
	publish(card, card_clock_ns());
	return 0;
}

void thermal_ecc_errors(struct card *card, bool uncorrected, uint32_t count, uint32_t page)
{
	struct thermal *th = &card->thermal;

	if (uncorrected)
		th->ecc_uncorrected += count;
	else
		th->ecc_corrected += count;
	card_log("%u %s ECC error(s) at VRAM page %u", count,
		 uncorrected ? "uncorrected" : "corrected", page);
	events_post(card, TAIHU_EVENT_ECC, 0, uncorrected, count | (uint64_t)page << 32);
	/* The counters show at once, not a period later. */
	publish(card, card_clock_ns());
}

/* Utilisation over the last second from the ring of samples. */
static uint32_t ring_util(const struct thermal *th, const uint64_t *now_val, uint64_t now,
			  unsigned int q, bool any)
{
	unsigned int i, idx = 0, found = 0;
	uint64_t dt, dv;

	/* The oldest sample at most a window old (or the oldest we have). */
	for (i = 0; i < th->ring_count; i++) {
		unsigned int k = (th->ring_next + THERMAL_UTIL_SAMPLES - 1 - i) % THERMAL_UTIL_SAMPLES;

		if (now - th->ring_ns[k] > UTIL_WINDOW_NS && found)
			break;
		idx = k;
		found = 1;
	}
	if (!found || now <= th->ring_ns[idx])
		return 0;
	dt = now - th->ring_ns[idx];
	dv = *now_val - (any ? th->ring_any[idx] : th->ring_busy[idx][q]);
	return dv >= dt ? 1000 : (uint32_t)(dv * 1000 / dt);
}

static uint32_t governor(struct card *card)
{
	struct thermal *th = &card->thermal;
	const struct taihu_fw_thermal *t = &th->table;
	uint32_t last = t->num_levels - 1, level = th->level, next = level;
	double cap_w = th->power_cap_uw / 1e6, idle_w = t->power_idle_mw / 1000.0;
	double dyn_w = th->power_avg_w > idle_w ? th->power_avg_w - idle_w : 0;
	bool over = th->power_avg_w > cap_w;
	bool hot = th->temp_c * 1000.0 > t->temp_max_mc;
	bool cool = th->temp_c * 1000.0 < (double)t->temp_max_mc - t->temp_hyst_mc;
	bool fits = true;
	uint32_t reasons = 0;

	if (th->temp_c * 1000.0 >= t->temp_crit_mc) {
		next = last;
		reasons = TAIHU_THROTTLE_CRITICAL | (over ? TAIHU_THROTTLE_POWER_CAP : 0);
	} else if (over || hot) {
		next = level < last ? level + 1 : last;
		reasons = (over ? TAIHU_THROTTLE_POWER_CAP : 0) | (hot ? TAIHU_THROTTLE_THERMAL : 0);
	} else if (level > 0) {
		/* What the level above would draw for the same work. */
		double pred = idle_w + dyn_w * thermal_power_scale(t, level - 1) /
				       thermal_power_scale(t, level);

		fits = pred <= cap_w * CAP_HEADROOM;
		if (fits && cool)
			next = level - 1;
		if (next > 0) {
			double up = idle_w + dyn_w * thermal_power_scale(t, next - 1) /
					     thermal_power_scale(t, level);

			reasons = (up > cap_w * CAP_HEADROOM ? TAIHU_THROTTLE_POWER_CAP : 0) |
				  (!cool ? TAIHU_THROTTLE_THERMAL : 0);
			/* Climbing back: still below the top for the old reason. */
			if (!reasons)
				reasons = th->reasons ? th->reasons : TAIHU_THROTTLE_POWER_CAP;
		}
	}
	th->level = next;
	atomic_store(&th->core_mhz, t->levels[next].core_mhz);
	return next ? reasons : 0;
}

void thermal_tick(struct card *card)
{
	struct thermal *th = &card->thermal;
	const struct taihu_fw_thermal *t = &th->table;
	struct activity_sample s;
	uint32_t reasons, old_level = th->level;
	uint64_t now = card_clock_ns(), dt_ns = now - th->last_ns;
	double dt, act = 0, target, alpha;
	unsigned int q;

	if (!dt_ns)
		return;
	dt = dt_ns / 1e9;
	activity_sample(card, now, &s);
	for (q = 0; q < TAIHU_MAX_QUEUES; q++) {
		act += (double)(s.active_ns[q] - th->prev_active_ns[q]) / (double)dt_ns;
		th->prev_active_ns[q] = s.active_ns[q];
	}

	th->power_w = t->power_idle_mw / 1000.0 +
		      t->power_engine_mw / 1000.0 * act * thermal_power_scale(t, th->level);
	alpha = dt / (dt + POWER_AVG_PERIODS * t->sample_period_ms / 1000.0);
	th->power_avg_w += (th->power_w - th->power_avg_w) * alpha;
	th->energy_j += th->power_w * dt;
	/* First order, backward Euler: stable for any period. */
	target = t->temp_ambient_mc / 1000.0 + th->power_w * t->thermal_resistance_mc_per_w / 1000.0;
	th->temp_c += (target - th->temp_c) * dt / (dt + t->thermal_tau_ms / 1000.0);
	if (th->level)
		th->throttled_ns += dt_ns;
	th->last_ns = now;

	reasons = governor(card);
	if (reasons != th->reasons) {
		card_log("throttle reasons 0x%x -> 0x%x: core clock %u MHz, %.1f W (cap %.1f W), %.1f C",
			 th->reasons, reasons, t->levels[th->level].core_mhz, th->power_avg_w,
			 th->power_cap_uw / 1e6, th->temp_c);
		events_post(card, TAIHU_EVENT_THROTTLE, 0, reasons,
			    th->reasons | (uint64_t)t->levels[th->level].core_mhz << 32);
		th->reasons = reasons;
	} else if (th->level != old_level) {
		card_log("core clock %u MHz", t->levels[th->level].core_mhz);
	}

	th->util_permille = ring_util(th, &s.any_busy_ns, now, 0, true);
	for (q = 0; q < TAIHU_MAX_QUEUES; q++)
		th->engine_util_permille[q] = ring_util(th, &s.busy_ns[q], now, q, false);
	th->any_busy_ns = s.any_busy_ns;
	memcpy(th->busy_ns, s.busy_ns, sizeof(th->busy_ns));
	th->ring_ns[th->ring_next] = now;
	th->ring_any[th->ring_next] = s.any_busy_ns;
	memcpy(th->ring_busy[th->ring_next], s.busy_ns, sizeof(th->ring_busy[0]));
	th->ring_next = (th->ring_next + 1) % THERMAL_UTIL_SAMPLES;
	if (th->ring_count < THERMAL_UTIL_SAMPLES)
		th->ring_count++;

	publish(card, now);
}

#define STRETCH_SLICE_NS	2000000ull

void thermal_throttle_job(struct engine *e)
{
	struct thermal *th = &e->card->thermal;
	uint32_t max_mhz = th->table.levels[0].core_mhz;
	uint32_t mhz = atomic_load(&th->core_mhz);
	uint32_t mean;
	uint64_t work = activity_job_work(e, &mean), extra, end;

	if (!mhz || mhz >= max_mhz || !work)
		return;
	extra = work * (max_mhz - mhz) / mhz;
	end = card_clock_ns() + extra;
	for (;;) {
		uint64_t now = card_clock_ns(), left;
		struct timespec ts;

		if (now >= end || atomic_load_explicit(&e->abort, memory_order_relaxed))
			return;
		engine_progress(e);
		left = end - now < STRETCH_SLICE_NS ? end - now : STRETCH_SLICE_NS;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)left;
		nanosleep(&ts, NULL);
	}
}
