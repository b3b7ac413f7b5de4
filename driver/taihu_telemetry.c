// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Telemetry: sensor page, power limit, hwmon. The card is not trusted: a
 * page whose sequence lock never settles is an error, and values are passed
 * on as the card wrote them (they are only numbers).
 */

#include <linux/capability.h>
#include <linux/device.h>
#include <linux/hwmon.h>
#include <linux/hwmon-sysfs.h>
#include <linux/kstrtox.h>
#include <linux/pci.h>
#include <linux/sysfs.h>
#include <linux/timekeeping.h>

#include <drm/drm_drv.h>

#include "taihu_drv.h"
#include "taihu_mbox.h"
#include "taihu_telemetry.h"

#define TAIHU_SENSOR_REG(f) \
	(TAIHU_BAR2_SENSOR_OFFSET + offsetof(struct taihu_sensor_page, f))

/* A writer takes microseconds; this many tries mean it is not writing. */
#define TAIHU_SENSOR_TRIES		1000

int taihu_sensors_read(struct taihu_device *tdev,
		       struct taihu_sensor_page *out)
{
	struct taihu_telemetry *tm = &tdev->telemetry;
	unsigned long flags;
	u32 s1, s2, i;
	bool stale;
	u64 now;

	for (i = 0; i < TAIHU_SENSOR_TRIES; i++) {
		s1 = taihu_ctrl_rd32(tdev, TAIHU_SENSOR_REG(seq));
		if (s1 & 1) {
			cpu_relax();
			continue;
		}
		/* readl() orders the copy after the first read of seq... */
		memcpy_fromio(out, tdev->hw.ctrl + TAIHU_BAR2_SENSOR_OFFSET,
			      sizeof(*out));
		/* ...and this one the second read after the copy. */
		rmb();
		s2 = taihu_ctrl_rd32(tdev, TAIHU_SENSOR_REG(seq));
		if (s1 == s2)
			break;
	}
	if (i == TAIHU_SENSOR_TRIES)
		return -EIO;
	if (out->valid != 1)
		return -ENODATA;

	now = ktime_get_ns();
	spin_lock_irqsave(&tm->lock, flags);
	if (out->update_ns != tm->last_update_ns) {
		tm->last_update_ns = out->update_ns;
		tm->last_change_ns = now;
	}
	stale = now - tm->last_change_ns > TAIHU_SENSOR_STALE_MS * NSEC_PER_MSEC;
	spin_unlock_irqrestore(&tm->lock, flags);
	return stale ? -ENODATA : 0;
}

int taihu_power_cap_set(struct taihu_device *tdev, u64 cap_uw)
{
	struct taihu_mbox_power_cap req = { .power_cap_uw = cap_uw };
	struct taihu_sensor_page s;
	int idx, ret;

	if (!drm_dev_enter(&tdev->drm, &idx))
		return -ENODEV;
	ret = taihu_sensors_read(tdev, &s);
	if (!ret && (cap_uw < s.power_cap_min_uw || cap_uw > s.power_cap_max_uw))
		ret = -ERANGE;
	if (!ret)
		ret = taihu_mbox_simple(tdev, TAIHU_MBOX_OP_SET_POWER_CAP, &req,
					sizeof(req), TAIHU_MBOX_TIMEOUT_MS);
	drm_dev_exit(idx);
	if (!ret)
		dev_info(tdev->drm.dev, "power cap set to %llu mW\n",
			 div_u64(cap_uw, 1000));
	return ret;
}

u64 taihu_reset_count(struct taihu_device *tdev)
{
	u64 n = 0;
	u32 i;

	for (i = 0; i < tdev->num_queues; i++) {
		spin_lock_irq(&tdev->queues[i].lock);
		n += tdev->queues[i].resets;
		spin_unlock_irq(&tdev->queues[i].lock);
	}
	/* A card reset also resets every queue, counted above. */
	return n + atomic64_read(&tdev->health.card_resets);
}

const char *taihu_model_name(struct taihu_device *tdev)
{
	return tdev->device_id == 1 ? "T1" : "unknown";
}

/* ---- hwmon ------------------------------------------------------------ */

static umode_t taihu_hwmon_is_visible(const void *data,
				      enum hwmon_sensor_types type,
				      u32 attr, int channel)
{
	if (type == hwmon_power && attr == hwmon_power_cap)
		return 0644;
	return 0444;
}

static int taihu_hwmon_read(struct device *dev, enum hwmon_sensor_types type,
			    u32 attr, int channel, long *val)
{
	struct taihu_device *tdev = dev_get_drvdata(dev);
	struct taihu_sensor_page s;
	int ret = taihu_sensors_read(tdev, &s);

	if (ret)
		return ret;
	switch (type) {
	case hwmon_temp:
		switch (attr) {
		case hwmon_temp_input:
			*val = s.temp_mc;
			return 0;
		case hwmon_temp_max:
			*val = s.temp_max_mc;
			return 0;
		case hwmon_temp_max_hyst:
			*val = (long)s.temp_max_mc - s.temp_hyst_mc;
			return 0;
		case hwmon_temp_crit:
			*val = s.temp_crit_mc;
			return 0;
		}
		break;
	case hwmon_power:
		switch (attr) {
		case hwmon_power_average:
			*val = s.power_uw;
			return 0;
		case hwmon_power_cap:
			*val = s.power_cap_uw;
			return 0;
		case hwmon_power_cap_min:
			*val = s.power_cap_min_uw;
			return 0;
		case hwmon_power_cap_max:
			*val = s.power_cap_max_uw;
			return 0;
		}
		break;
	case hwmon_energy:
		if (attr == hwmon_energy_input) {
			*val = s.energy_uj;
			return 0;
		}
		break;
	case hwmon_in:
		if (attr == hwmon_in_input) {
			*val = s.voltage_mv;
			return 0;
		}
		break;
	default:
		break;
	}
	return -EOPNOTSUPP;
}

static int taihu_hwmon_read_string(struct device *dev,
				   enum hwmon_sensor_types type, u32 attr,
				   int channel, const char **str)
{
	switch (type) {
	case hwmon_temp:
		*str = "die";
		return 0;
	case hwmon_in:
		*str = "vddcore";
		return 0;
	case hwmon_power:
		*str = "board";
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}

static int taihu_hwmon_write(struct device *dev, enum hwmon_sensor_types type,
			     u32 attr, int channel, long val)
{
	struct taihu_device *tdev = dev_get_drvdata(dev);

	if (type != hwmon_power || attr != hwmon_power_cap)
		return -EOPNOTSUPP;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (val < 0)
		return -ERANGE;
	return taihu_power_cap_set(tdev, val);
}

static const struct hwmon_channel_info *const taihu_hwmon_info[] = {
	HWMON_CHANNEL_INFO(temp, HWMON_T_INPUT | HWMON_T_MAX | HWMON_T_MAX_HYST |
			   HWMON_T_CRIT | HWMON_T_LABEL),
	HWMON_CHANNEL_INFO(power, HWMON_P_AVERAGE | HWMON_P_CAP |
			   HWMON_P_CAP_MIN | HWMON_P_CAP_MAX | HWMON_P_LABEL),
	HWMON_CHANNEL_INFO(energy, HWMON_E_INPUT),
	HWMON_CHANNEL_INFO(in, HWMON_I_INPUT | HWMON_I_LABEL),
	NULL
};

static const struct hwmon_ops taihu_hwmon_ops = {
	.is_visible = taihu_hwmon_is_visible,
	.read = taihu_hwmon_read,
	.read_string = taihu_hwmon_read_string,
	.write = taihu_hwmon_write,
};

static const struct hwmon_chip_info taihu_hwmon_chip = {
	.ops = &taihu_hwmon_ops,
	.info = taihu_hwmon_info,
};

/* hwmon has no freq channel type: freqN_input (Hz) and freqN_label by hand. */
static ssize_t freq_input_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	struct taihu_device *tdev = dev_get_drvdata(dev);
	struct taihu_sensor_page s;
	int ret = taihu_sensors_read(tdev, &s);
	u32 mhz;

	if (ret)
		return ret;
	mhz = to_sensor_dev_attr(attr)->index ? s.mem_clock_mhz : s.core_clock_mhz;
	return sysfs_emit(buf, "%llu\n", (u64)mhz * 1000000);
}

static ssize_t freq_label_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", to_sensor_dev_attr(attr)->index ? "mclk" : "sclk");
}

static SENSOR_DEVICE_ATTR_RO(freq1_input, freq_input, 0);
static SENSOR_DEVICE_ATTR_RO(freq1_label, freq_label, 0);
static SENSOR_DEVICE_ATTR_RO(freq2_input, freq_input, 1);
static SENSOR_DEVICE_ATTR_RO(freq2_label, freq_label, 1);

static struct attribute *taihu_hwmon_freq_attrs[] = {
	&sensor_dev_attr_freq1_input.dev_attr.attr,
	&sensor_dev_attr_freq1_label.dev_attr.attr,
	&sensor_dev_attr_freq2_input.dev_attr.attr,
	&sensor_dev_attr_freq2_label.dev_attr.attr,
	NULL
};

static const struct attribute_group taihu_hwmon_freq_group = {
	.attrs = taihu_hwmon_freq_attrs,
};

static const struct attribute_group *taihu_hwmon_groups[] = {
	&taihu_hwmon_freq_group,
	NULL
};

int taihu_telemetry_init(struct taihu_device *tdev)
{
	struct device *hwmon;

	spin_lock_init(&tdev->telemetry.lock);
	tdev->telemetry.last_change_ns = ktime_get_ns();
	hwmon = devm_hwmon_device_register_with_info(&tdev->pdev->dev, "taihu",
						     tdev, &taihu_hwmon_chip,
						     taihu_hwmon_groups);
	return PTR_ERR_OR_ZERO(hwmon);
}
