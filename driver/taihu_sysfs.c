// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * sysfs attributes on the PCI device: memory in use, what the firmware
 * reported at boot, and telemetry (busy time, resets, ECC, throttling, the
 * power limit). They exist only while the driver is bound (they are the
 * PCI driver's dev_groups), so the device's data is valid while they are
 * read. Documented in docs/ABI/testing/sysfs-driver-taihu.
 */

#include <linux/capability.h>
#include <linux/device.h>
#include <linux/kstrtox.h>
#include <linux/pci.h>
#include <linux/sysfs.h>

#include "taihu_drv.h"
#include "taihu_gem.h"
#include "taihu_health.h"
#include "taihu_pin.h"
#include "taihu_sysfs.h"
#include "taihu_telemetry.h"

struct taihu_device *taihu_sysfs_tdev(struct device *dev)
{
	return pci_get_drvdata(to_pci_dev(dev));
}

static ssize_t vram_total_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", taihu_sysfs_tdev(dev)->hw.vram_size);
}
static DEVICE_ATTR_RO(vram_total);

static ssize_t vram_used_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", taihu_vram_used(taihu_sysfs_tdev(dev)));
}
static DEVICE_ATTR_RO(vram_used);

static ssize_t host_used_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lld\n",
			  (s64)atomic64_read(&taihu_sysfs_tdev(dev)->host_used));
}
static DEVICE_ATTR_RO(host_used);

static ssize_t host_pinned_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lld\n",
			  (s64)atomic64_read(&taihu_sysfs_tdev(dev)->host_pinned));
}
static DEVICE_ATTR_RO(host_pinned);

int taihu_sysfs_store_u32(const char *buf, u32 min, u32 max, u32 *dst)
{
	u32 ms;
	int ret;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	ret = kstrtou32(buf, 0, &ms);
	if (ret)
		return ret;
	if (ms < min || ms > max)
		return -ERANGE;
	WRITE_ONCE(*dst, ms);
	return 0;
}

ssize_t taihu_sysfs_counter_show(char *buf, atomic64_t *counter)
{
	return sysfs_emit(buf, "%lld\n", (s64)atomic64_read(counter));
}

static ssize_t host_pin_limit_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n",
			  READ_ONCE(taihu_sysfs_tdev(dev)->host_pin_limit));
}

static ssize_t host_pin_limit_store(struct device *dev,
				    struct device_attribute *attr,
				    const char *buf, size_t count)
{
	u64 bytes;
	int ret;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	ret = kstrtou64(buf, 0, &bytes);
	if (ret)
		return ret;
	ret = taihu_pin_limit_set(taihu_sysfs_tdev(dev), bytes);
	return ret ? ret : count;
}
static DEVICE_ATTR_RW(host_pin_limit);

static ssize_t fw_version_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", taihu_sysfs_tdev(dev)->fw.version_str);
}
static DEVICE_ATTR_RO(fw_version);

static ssize_t serial_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%s\n", taihu_sysfs_tdev(dev)->fw.serial);
}
static DEVICE_ATTR_RO(serial);

static ssize_t model_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%s\n", taihu_model_name(taihu_sysfs_tdev(dev)));
}
static DEVICE_ATTR_RO(model);

static ssize_t reset_count_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", taihu_reset_count(taihu_sysfs_tdev(dev)));
}
static DEVICE_ATTR_RO(reset_count);

/* A sensor page field: "not available" is an error (-ENODATA) to the reader. */
#define TAIHU_SENSOR_ATTR(name, fmt, expr)					\
static ssize_t name##_show(struct device *dev,				\
			   struct device_attribute *attr, char *buf)	\
{									\
	struct taihu_sensor_page s;					\
	int ret = taihu_sensors_read(taihu_sysfs_tdev(dev), &s);	\
									\
	if (ret)							\
		return ret;						\
	return sysfs_emit(buf, fmt "\n", expr);				\
}

TAIHU_SENSOR_ATTR(ecc_corrected, "%llu", s.ecc_corrected)
static DEVICE_ATTR_RO(ecc_corrected);
TAIHU_SENSOR_ATTR(ecc_uncorrected, "%llu", s.ecc_uncorrected)
static DEVICE_ATTR_RO(ecc_uncorrected);
TAIHU_SENSOR_ATTR(throttle_reasons, "0x%08x", s.throttle_reasons)
static DEVICE_ATTR_RO(throttle_reasons);
TAIHU_SENSOR_ATTR(throttled_time_ns, "%llu", s.throttled_ns)
static DEVICE_ATTR_RO(throttled_time_ns);
TAIHU_SENSOR_ATTR(busy_time_ns, "%llu", s.busy_ns)
static DEVICE_ATTR_RO(busy_time_ns);
TAIHU_SENSOR_ATTR(power_cap_min, "%llu", s.power_cap_min_uw)
static DEVICE_ATTR_RO(power_cap_min);
TAIHU_SENSOR_ATTR(power_cap_max, "%llu", s.power_cap_max_uw)
static DEVICE_ATTR_RO(power_cap_max);
TAIHU_SENSOR_ATTR(power_cap_default, "%llu", s.power_cap_default_uw)
static DEVICE_ATTR_RO(power_cap_default);
TAIHU_SENSOR_ATTR(power_cap, "%llu", s.power_cap_uw)

static ssize_t power_cap_store(struct device *dev, struct device_attribute *attr,
			       const char *buf, size_t count)
{
	u64 uw;
	int ret;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	ret = kstrtou64(buf, 0, &uw);
	if (ret)
		return ret;
	ret = taihu_power_cap_set(taihu_sysfs_tdev(dev), uw);
	return ret ? ret : count;
}
static DEVICE_ATTR_RW(power_cap);

static struct attribute *taihu_sysfs_attrs[] = {
	&dev_attr_vram_total.attr,
	&dev_attr_vram_used.attr,
	&dev_attr_host_used.attr,
	&dev_attr_host_pinned.attr,
	&dev_attr_host_pin_limit.attr,
	&dev_attr_fw_version.attr,
	&dev_attr_serial.attr,
	&dev_attr_model.attr,
	&dev_attr_reset_count.attr,
	&dev_attr_ecc_corrected.attr,
	&dev_attr_ecc_uncorrected.attr,
	&dev_attr_throttle_reasons.attr,
	&dev_attr_throttled_time_ns.attr,
	&dev_attr_busy_time_ns.attr,
	&dev_attr_power_cap.attr,
	&dev_attr_power_cap_min.attr,
	&dev_attr_power_cap_max.attr,
	&dev_attr_power_cap_default.attr,
	NULL
};

static const struct attribute_group taihu_sysfs_group = {
	.attrs = taihu_sysfs_attrs,
};

/* engineN_busy_ns, one per queue the firmware runs. */
struct taihu_sysfs_engine_attr {
	struct device_attribute attr;
	u32 engine;
};

static ssize_t taihu_engine_busy_show(struct device *dev,
				      struct device_attribute *attr, char *buf)
{
	struct taihu_sysfs_engine_attr *ea =
		container_of(attr, struct taihu_sysfs_engine_attr, attr);
	struct taihu_sensor_page s;
	int ret = taihu_sensors_read(taihu_sysfs_tdev(dev), &s);

	if (ret)
		return ret;
	return sysfs_emit(buf, "%llu\n", s.engine_busy_ns[ea->engine]);
}

#define TAIHU_ENGINE_ATTR(n)						\
static struct taihu_sysfs_engine_attr taihu_engine##n##_busy = {	\
	.attr = __ATTR(engine##n##_busy_ns, 0444, taihu_engine_busy_show, NULL), \
	.engine = n,							\
}

TAIHU_ENGINE_ATTR(0);
TAIHU_ENGINE_ATTR(1);
TAIHU_ENGINE_ATTR(2);
TAIHU_ENGINE_ATTR(3);
TAIHU_ENGINE_ATTR(4);
TAIHU_ENGINE_ATTR(5);
TAIHU_ENGINE_ATTR(6);
TAIHU_ENGINE_ATTR(7);
static_assert(TAIHU_MAX_QUEUES == 8);

static struct attribute *taihu_sysfs_engine_attrs[] = {
	&taihu_engine0_busy.attr.attr,
	&taihu_engine1_busy.attr.attr,
	&taihu_engine2_busy.attr.attr,
	&taihu_engine3_busy.attr.attr,
	&taihu_engine4_busy.attr.attr,
	&taihu_engine5_busy.attr.attr,
	&taihu_engine6_busy.attr.attr,
	&taihu_engine7_busy.attr.attr,
	NULL
};

static umode_t taihu_sysfs_engine_visible(struct kobject *kobj,
					  struct attribute *a, int n)
{
	struct taihu_device *tdev = taihu_sysfs_tdev(kobj_to_dev(kobj));

	return tdev && n < tdev->num_queues ? a->mode : 0;
}

static const struct attribute_group taihu_sysfs_engine_group = {
	.attrs = taihu_sysfs_engine_attrs,
	.is_visible = taihu_sysfs_engine_visible,
};

const struct attribute_group *taihu_sysfs_groups[] = {
	&taihu_sysfs_group,
	&taihu_sysfs_engine_group,
	&taihu_health_sysfs_group,
	&taihu_recovery_sysfs_group,
	NULL
};
