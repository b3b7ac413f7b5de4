// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The card's sensors against the real taihu-card process: the sensor page
 * before and after boot (limits from the firmware's thermal table), power
 * and temperature under copy load and back at idle, a low power cap that
 * throttles the clock and makes the same job slower (with THROTTLE events),
 * SET_POWER_CAP range checks, ECC fault injection, and the alternative
 * firmware's different table.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "card_client.h"
#include "cmdbuf.h"
#include "fw_images.h"
#include "fw_verify.h"
#include "tap.h"

#define FW_ADDR		0x0ULL
#define CMD_ADDR	(8ULL << 20)
#define RING_ADDR	(16ULL << 20)
#define COMPL_ADDR	(RING_ADDR + 0x20000ULL)
#define SRC_ADDR	(24ULL << 20)
#define DST_ADDR	(40ULL << 20)
#define COPY_SIZE	(4ULL << 20)
#define RING_ENTRIES	64

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* A consistent copy of the page (its sequence lock). */
static void read_sensors(struct card_client *c, struct taihu_sensor_page *out)
{
	const struct taihu_sensor_page *p = (const void *)(c->bar2 + TAIHU_BAR2_SENSOR_OFFSET);
	uint32_t s1, s2;

	do {
		s1 = atomic_load_explicit((const _Atomic uint32_t *)&p->seq, memory_order_acquire);
		memcpy(out, (const void *)p, sizeof(*out));
		atomic_thread_fence(memory_order_acquire);
		s2 = atomic_load_explicit((const _Atomic uint32_t *)&p->seq, memory_order_relaxed);
	} while ((s1 & 1) || s1 != s2);
}

static int mbox_status(struct card_client *c, uint32_t op, const void *req, uint32_t len)
{
	int32_t status = 0;

	if (cc_mbox(c, op, req, len, NULL, 0, &status, 2000))
		return -ETIMEDOUT;
	return status;
}

static int set_cap(struct card_client *c, uint64_t uw)
{
	struct taihu_mbox_power_cap cap = { .power_cap_uw = uw };

	return mbox_status(c, TAIHU_MBOX_OP_SET_POWER_CAP, &cap, sizeof(cap));
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

#define BATCH	4	/* jobs queued at once, so that the client's pace matters little */

/*
 * Copy jobs on queue 0 for @ms, BATCH at a time; returns the median device
 * time of a job in ns (0 on failure).
 */
static uint64_t copy_load(struct card_client *c, unsigned int ms)
{
	static uint64_t times[4096];
	struct taihu_completion compl;
	uint64_t end = now_ms() + ms;
	uint32_t slot[BATCH];
	struct cmdbuf cb;
	size_t n = 0;
	unsigned int i;

	cb_init(&cb);
	cb_copy(&cb, SRC_ADDR, DST_ADDR, COPY_SIZE);
	memcpy(c->vram + CMD_ADDR, cb.data, cb.len);
	while (now_ms() < end && n + BATCH <= sizeof(times) / sizeof(times[0])) {
		for (i = 0; i < BATCH; i++)
			slot[i] = cc_submit(c, 0, CMD_ADDR, cb.len, 0, ++c->seqno);
		if (cc_wait_head(c, 0, c->q[0].tail, 5000))
			return 0;
		for (i = 0; i < BATCH; i++) {
			cc_completion(c, 0, slot[i], &compl);
			if (compl.status != TAIHU_STATUS_SUCCESS)
				return 0;
			times[n++] = compl.end_ns - compl.start_ns;
		}
	}
	if (!n)
		return 0;
	qsort(times, n, sizeof(times[0]), cmp_u64);
	return times[n / 2];
}

/* Wait up to @ms for throttle reasons matching (reasons & mask) == want. */
static bool wait_reasons(struct card_client *c, uint32_t mask, uint32_t want, unsigned int ms)
{
	struct taihu_sensor_page s;
	uint64_t end = now_ms() + ms;

	do {
		read_sensors(c, &s);
		if ((s.throttle_reasons & mask) == want)
			return true;
		sleep_ms(20);
	} while (now_ms() < end);
	return false;
}

/* Drain the event ring; count THROTTLE events that set/clear @bit, and ECC events. */
struct seen_events {
	unsigned int throttle_on, throttle_off, ecc_corrected, ecc_uncorrected;
	uint64_t ecc_count;
};

static void drain_events(struct card_client *c, uint64_t bit, struct seen_events *s)
{
	struct taihu_event ev;

	while (cc_next_event(c, &ev)) {
		if (ev.type == TAIHU_EVENT_THROTTLE) {
			bool was = ev.data[1] & bit, is = ev.data[0] & bit;

			s->throttle_on += !was && is;
			s->throttle_off += was && !is;
		} else if (ev.type == TAIHU_EVENT_ECC) {
			if (ev.data[0])
				s->ecc_uncorrected++;
			else
				s->ecc_corrected++;
			s->ecc_count += ev.data[1] & 0xffffffffu;
		}
	}
}

static void test_before_boot(struct card_client *c)
{
	struct tap_check t = { true };
	struct taihu_sensor_page s;

	read_sensors(c, &s);
	CHECK_EQ(&t, s.valid, 1);
	CHECK(&t, s.temp_mc >= 34000 && s.temp_mc < 45000);
	CHECK_EQ(&t, s.temp_max_mc, 85000);
	CHECK_EQ(&t, s.power_cap_uw, 100000000);
	CHECK_EQ(&t, s.num_engines, 0);
	CHECK(&t, s.core_clock_mhz == s.core_clock_max_mhz && s.core_clock_mhz > 0);
	tap_result(t.ok, "sensor page runs with the board defaults before boot");
}

static void test_after_boot(struct card_client *c, const uint8_t *img, size_t size)
{
	struct tap_check t = { true };
	struct taihu_sensor_page s, s2;

	CHECK_EQ(&t, cc_reset(c), 0);
	CHECK_EQ(&t, cc_boot(c, img, size, FW_ADDR, (uint32_t)size), TAIHU_BOOT_OK);
	CHECK_EQ(&t, cc_queue_enable(c, 0, RING_ADDR, COMPL_ADDR, RING_ENTRIES), 0);
	read_sensors(c, &s);
	/* t1.fw's table. */
	CHECK_EQ(&t, s.temp_max_mc, 85000);
	CHECK_EQ(&t, s.temp_crit_mc, 95000);
	CHECK_EQ(&t, s.temp_hyst_mc, 5000);
	CHECK_EQ(&t, s.power_cap_uw, 150000000);
	CHECK_EQ(&t, s.power_cap_default_uw, 150000000);
	CHECK_EQ(&t, s.power_cap_min_uw, 20000000);
	CHECK_EQ(&t, s.power_cap_max_uw, 220000000);
	CHECK_EQ(&t, s.core_clock_max_mhz, 1500);
	CHECK_EQ(&t, s.core_clock_mhz, 1500);
	CHECK_EQ(&t, s.voltage_mv, 900);
	CHECK_EQ(&t, s.mem_clock_mhz, 1600);
	CHECK_EQ(&t, s.period_ms, 50);
	CHECK_EQ(&t, s.num_engines, 4);
	CHECK_EQ(&t, s.throttle_reasons, 0);
	sleep_ms(800);
	read_sensors(c, &s2);
	CHECK(&t, s2.update_ns > s.update_ns);
	CHECK(&t, s2.energy_uj > s.energy_uj);
	/* Idle: about the table's 12 W. */
	CHECK(&t, s2.power_uw > 11000000 && s2.power_uw < 14000000);
	CHECK_EQ(&t, s2.util_permille, 0);
	tap_result(t.ok, "after boot the page carries t1.bin's limits; idle power %.1f W",
		   s2.power_uw / 1e6);
}

static void test_load(struct card_client *c, uint64_t *full_ns)
{
	struct tap_check t = { true };
	struct taihu_sensor_page idle, busy, cool;

	read_sensors(c, &idle);
	*full_ns = copy_load(c, 2500);
	read_sensors(c, &busy);
	CHECK(&t, *full_ns > 0);
	CHECK(&t, busy.power_uw > idle.power_uw + 5000000);
	CHECK(&t, busy.temp_mc > idle.temp_mc + 1000);
	CHECK(&t, busy.util_permille > 500);
	CHECK(&t, busy.engine_util_permille[0] > 500);
	CHECK_EQ(&t, busy.engine_util_permille[1], 0);
	CHECK(&t, busy.engine_busy_ns[0] > idle.engine_busy_ns[0] + 1000000000ull);
	CHECK(&t, busy.busy_ns >= busy.engine_busy_ns[0] - 100000000ull);
	CHECK_EQ(&t, busy.throttle_reasons, 0);
	tap_result(t.ok, "copy load: %.1f -> %.1f W, %.2f -> %.2f C, utilisation %u per mille",
		   idle.power_uw / 1e6, busy.power_uw / 1e6, idle.temp_mc / 1e3,
		   busy.temp_mc / 1e3, busy.util_permille);

	sleep_ms(1500);
	read_sensors(c, &cool);
	tap_result(cool.temp_mc < busy.temp_mc - 500 && cool.power_uw < busy.power_uw &&
		   cool.util_permille < 100,
		   "idle again: %.2f C, %.1f W, utilisation %u per mille", cool.temp_mc / 1e3,
		   cool.power_uw / 1e6, cool.util_permille);
}

static void test_power_cap(struct card_client *c, uint64_t full_ns)
{
	struct tap_check t = { true };
	struct seen_events ev = { 0 };
	struct taihu_sensor_page s;
	uint64_t slow_ns;

	drain_events(c, TAIHU_THROTTLE_POWER_CAP, &ev);
	memset(&ev, 0, sizeof(ev));
	CHECK_EQ(&t, set_cap(c, 19999999), -ERANGE);
	CHECK_EQ(&t, set_cap(c, 220000001), -ERANGE);
	CHECK_EQ(&t, set_cap(c, 20000000), 0);
	read_sensors(c, &s);
	CHECK_EQ(&t, s.power_cap_uw, 20000000);
	tap_result(t.ok, "SET_POWER_CAP takes the firmware's range and refuses what is outside");

	t.ok = true;
	copy_load(c, 1000);	/* until the governor has settled */
	slow_ns = copy_load(c, 1500);
	read_sensors(c, &s);
	drain_events(c, TAIHU_THROTTLE_POWER_CAP, &ev);
	CHECK(&t, s.throttle_reasons & TAIHU_THROTTLE_POWER_CAP);
	CHECK(&t, s.core_clock_mhz < s.core_clock_max_mhz);
	CHECK(&t, s.voltage_mv < 900);
	CHECK(&t, s.throttled_ns > 0);
	CHECK(&t, ev.throttle_on >= 1);
	CHECK(&t, slow_ns > full_ns * 13 / 10);
	/* The governor holds the average near the cap. */
	CHECK(&t, s.power_uw < 24000000);
	tap_result(t.ok, "20 W cap: clock %u MHz, %.1f W, a 4 MiB copy takes %.2f ms instead of %.2f (x%.2f)",
		   s.core_clock_mhz, s.power_uw / 1e6, slow_ns / 1e6, full_ns / 1e6,
		   (double)slow_ns / (double)(full_ns ? full_ns : 1));

	t.ok = true;
	CHECK_EQ(&t, set_cap(c, 150000000), 0);
	CHECK(&t, wait_reasons(c, ~0u, 0, 2000));
	read_sensors(c, &s);
	CHECK_EQ(&t, s.core_clock_mhz, 1500);
	drain_events(c, TAIHU_THROTTLE_POWER_CAP, &ev);
	CHECK(&t, ev.throttle_off >= 1);
	tap_result(t.ok, "back to the default cap: full clock, a THROTTLE event clears the reason");
}

static void test_ecc(struct card_client *c)
{
	struct tap_check t = { true };
	struct taihu_mbox_fault f = { .fault = TAIHU_FAULT_ECC_CORRECTED, .count = 3 };
	struct taihu_sensor_page before, after;
	struct seen_events ev = { 0 };

	drain_events(c, 0, &ev);
	memset(&ev, 0, sizeof(ev));
	read_sensors(c, &before);
	CHECK_EQ(&t, mbox_status(c, TAIHU_MBOX_OP_FAULT_INJECT, &f, sizeof(f)), 0);
	f.fault = TAIHU_FAULT_ECC_UNCORRECTED;
	f.count = 1;
	f.arg = 0x123000;
	CHECK_EQ(&t, mbox_status(c, TAIHU_MBOX_OP_FAULT_INJECT, &f, sizeof(f)), 0);
	read_sensors(c, &after);
	drain_events(c, 0, &ev);
	CHECK_EQ(&t, after.ecc_corrected, before.ecc_corrected + 3);
	CHECK_EQ(&t, after.ecc_uncorrected, before.ecc_uncorrected + 1);
	CHECK_EQ(&t, ev.ecc_corrected, 1);
	CHECK_EQ(&t, ev.ecc_uncorrected, 1);
	CHECK_EQ(&t, ev.ecc_count, 4);
	tap_result(t.ok, "injected ECC errors are counted and raise ECC events");

	t.ok = true;
	f.count = 0;
	CHECK_EQ(&t, mbox_status(c, TAIHU_MBOX_OP_FAULT_INJECT, &f, sizeof(f)), -EINVAL);
	f.count = TAIHU_FAULT_MAX_COUNT + 1;
	CHECK_EQ(&t, mbox_status(c, TAIHU_MBOX_OP_FAULT_INJECT, &f, sizeof(f)), -EINVAL);
	f.count = 1;
	f.arg = c->vram_size;
	CHECK_EQ(&t, mbox_status(c, TAIHU_MBOX_OP_FAULT_INJECT, &f, sizeof(f)), -EINVAL);
	f.arg = 0;
	f.fault = 999;
	CHECK_EQ(&t, mbox_status(c, TAIHU_MBOX_OP_FAULT_INJECT, &f, sizeof(f)), -EOPNOTSUPP);
	CHECK_EQ(&t, mbox_status(c, TAIHU_MBOX_OP_FAULT_INJECT, &f, 4), -EINVAL);
	CHECK(&t, cc_alive(c));
	tap_result(t.ok, "bad FAULT_INJECT requests are refused");
}

static void test_alt_firmware(struct card_client *c)
{
	struct tap_check t = { true };
	struct taihu_sensor_page s;
	size_t size = 0;
	uint8_t *img = cc_read_fw_image("t1-alt.bin", &size);

	CHECK(&t, img != NULL);
	if (img) {
		CHECK_EQ(&t, cc_reset(c), 0);
		CHECK_EQ(&t, cc_boot(c, img, size, FW_ADDR, (uint32_t)size), TAIHU_BOOT_OK);
		read_sensors(c, &s);
		CHECK_EQ(&t, s.temp_max_mc, 80000);
		CHECK_EQ(&t, s.power_cap_uw, 60000000);
		CHECK_EQ(&t, s.core_clock_max_mhz, 1000);
		CHECK_EQ(&t, s.mem_clock_mhz, 1200);
		CHECK_EQ(&t, s.num_engines, 2);
		CHECK_EQ(&t, set_cap(c, 80000000), -ERANGE);
		free(img);
	}
	CHECK_EQ(&t, cc_reset(c), 0);
	read_sensors(c, &s);
	CHECK_EQ(&t, s.power_cap_uw, 100000000);
	tap_result(t.ok, "t1-alt.bin's thermal table differs; RESET returns to the board defaults");
}

int main(void)
{
	struct card_client_opts o = { .vram = "64M", .serial = "T1-THERM" };
	struct card_client c;
	uint64_t full_ns = 0;
	size_t size = 0;
	uint8_t *img;

	tap_init("test_thermal");
	img = cc_read_fw_image("t1.bin", &size);
	if (!tap_result(img != NULL, "load the t1 firmware image"))
		return tap_finish();
	if (tap_result(cc_start(&c, &o) == 0, "start taihu-card")) {
		test_before_boot(&c);
		test_after_boot(&c, img, size);
		test_load(&c, &full_ns);
		test_power_cap(&c, full_ns);
		test_ecc(&c);
		test_alt_firmware(&c);
	}
	tap_result(cc_stop(&c) == 0, "card exits cleanly");
	free(img);
	return tap_finish();
}
