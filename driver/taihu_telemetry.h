/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Telemetry: the card's sensor page (a sequence lock in BAR2), the power
 * limit, and the hwmon device that `sensors` shows.
 */
#ifndef __TAIHU_TELEMETRY_H__
#define __TAIHU_TELEMETRY_H__

#include <linux/spinlock.h>
#include <linux/types.h>

#include "taihu_card_api.h"

struct taihu_device;

/* The page counts as stale when it has not changed for this long. */
#define TAIHU_SENSOR_STALE_MS		2000

/**
 * struct taihu_telemetry - driver state of the sensor page
 * @lock: protects the fields below
 * @last_update_ns: &taihu_sensor_page.update_ns when last read
 * @last_change_ns: ktime_get_ns() when it last changed
 */
struct taihu_telemetry {
	spinlock_t lock; /* staleness tracking */
	u64 last_update_ns;
	u64 last_change_ns;
};

/**
 * taihu_telemetry_init() - initialise the telemetry state and register the
 * hwmon device
 * @tdev: the device, with its firmware booted
 *
 * The hwmon device is device-managed on the PCI device.
 *
 * Return: 0 or a negative errno.
 */
int taihu_telemetry_init(struct taihu_device *tdev);

/**
 * taihu_sensors_read() - a consistent copy of the card's sensor page
 * @tdev: the device
 * @out: the copy
 *
 * Return: 0; -ENODATA when the card's model does not run or the page has
 * not changed for TAIHU_SENSOR_STALE_MS (the card is hung or gone); -EIO
 * when the sequence lock never settles.
 */
int taihu_sensors_read(struct taihu_device *tdev,
		       struct taihu_sensor_page *out);

/**
 * taihu_power_cap_set() - set the card's power limit
 * @tdev: the device
 * @cap_uw: the limit in microwatts
 *
 * The caller checks the privilege (CAP_SYS_ADMIN). Sleeps.
 *
 * Return: 0; -ERANGE outside the firmware's range; -ENODEV after unplug;
 * -ENODATA without sensors; another negative errno if the card failed.
 */
int taihu_power_cap_set(struct taihu_device *tdev, u64 cap_uw);

/**
 * taihu_reset_count() - queue and card resets since the driver bound
 * @tdev: the device
 *
 * Return: the count.
 */
u64 taihu_reset_count(struct taihu_device *tdev);

/**
 * taihu_model_name() - the card model for people, e.g. "T1"
 * @tdev: the device
 *
 * Return: a static string.
 */
const char *taihu_model_name(struct taihu_device *tdev);

#endif /* __TAIHU_TELEMETRY_H__ */
