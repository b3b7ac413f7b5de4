/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The card's thermal and power model, its clock governor and the sensor
 * page (struct taihu_sensor_page in BAR2).
 *
 * Every sample period the main thread reads what the engines did
 * (activity.h) and computes
 *   power = idle + engine_power x (sum of the engines' activity) x
 *           (clock / max clock) x (voltage / max voltage)^2,
 * lets the temperature follow ambient + power x thermal resistance with the
 * table's time constant, integrates energy, and moves the core clock one
 * level of the clock table down while the average power is above the cap or
 * the temperature above temp_max (straight to the lowest level at
 * temp_crit), and one level up when the next level would fit both. A
 * throttled engine really is slower: thermal_throttle_job() makes each job
 * take (max clock / clock) times its clock-bound time.
 *
 * The table comes from the firmware image (THERMAL section) or, before boot
 * and for images without one, from the board defaults.
 */
#ifndef TAIHU_CARD_THERMAL_H
#define TAIHU_CARD_THERMAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <taihu_card_api.h>
#include <taihu_fw_image.h>

struct card;
struct engine;

#define THERMAL_UTIL_SAMPLES	128	/* covers one second at 10 ms or more */

/* Main-thread state, except where marked. */
struct thermal {
	struct taihu_fw_thermal table;	/* engines read the activities */
	_Atomic uint32_t core_mhz;	/* read by engines */
	uint32_t level;
	uint32_t reasons;
	double temp_c;
	double power_w;		/* last period */
	double power_avg_w;	/* smoothed: the governor's and power1_average */
	double energy_j;
	uint64_t power_cap_uw;
	uint64_t last_ns;
	uint64_t throttled_ns;
	uint64_t prev_active_ns[TAIHU_MAX_QUEUES];
	/* Ring of (time, any busy, per engine busy) samples for utilisation. */
	uint64_t ring_ns[THERMAL_UTIL_SAMPLES];
	uint64_t ring_any[THERMAL_UTIL_SAMPLES];
	uint64_t ring_busy[THERMAL_UTIL_SAMPLES][TAIHU_MAX_QUEUES];
	unsigned int ring_next, ring_count;
	uint64_t ecc_corrected;
	uint64_t ecc_uncorrected;
	/* What the last tick measured, published with every update. */
	uint64_t any_busy_ns;
	uint64_t busy_ns[TAIHU_MAX_QUEUES];
	uint32_t util_permille;
	uint32_t engine_util_permille[TAIHU_MAX_QUEUES];
	uint32_t seq;		/* private copy of the page's sequence */
};

/* The board's own table, used before boot and without a THERMAL section. */
extern const struct taihu_fw_thermal thermal_board_defaults;

/* Start the model at ambient with the board defaults and publish the page. */
void thermal_init(struct card *card);

/* The firmware booted (its table, or NULL for the defaults) or was reset (NULL). */
void thermal_set_table(struct card *card, const struct taihu_fw_thermal *table);

/* One sample period: model, governor, sensor page. Main thread. */
void thermal_tick(struct card *card);

/* Sample period of the table in force, in ms. */
uint32_t thermal_period_ms(const struct card *card);

/* SET_POWER_CAP: 0, or -ERANGE outside the table's range. */
int thermal_set_power_cap(struct card *card, uint64_t cap_uw);

/* Count @count ECC errors at VRAM page @page and post a TAIHU_EVENT_ECC. */
void thermal_ecc_errors(struct card *card, bool uncorrected, uint32_t count, uint32_t page);

/*
 * Engine thread, after a job's packets ran: stretch the job to what it
 * takes at the current core clock. Returns early when the engine is asked
 * to abort.
 */
void thermal_throttle_job(struct engine *e);

/* The model's pure parts, for tests. */
double thermal_power_scale(const struct taihu_fw_thermal *t, uint32_t level);

#endif /* TAIHU_CARD_THERMAL_H */
