// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The driver probed the card: device node, DRM version, DEVICE_INFO query
 * (size negotiation and sane contents) and library enumeration.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <xf86drm.h>

#include "kselftest_harness.h"
#include "taihu_test_util.h"

#define ACCEL_MAJOR 261

FIXTURE(probe)
{
	struct taihu_device *dev;
	struct tt_device desc;
	int fd;
};

FIXTURE_SETUP(probe)
{
	int ret = tt_wait_device(NULL, TT_DEVICE_PRESENT_MS, &self->desc);

	ASSERT_EQ(0, ret) TH_LOG("no Taihu device: %s", taihu_strerror(ret));
	ret = taihu_device_open(self->desc.node, &self->dev);
	ASSERT_EQ(0, ret) TH_LOG("open %s: %s", self->desc.node,
				 taihu_strerror(ret));
	self->fd = taihu_device_fd(self->dev);
}

FIXTURE_TEARDOWN(probe)
{
	taihu_device_close(self->dev);
}

static int query(int fd, uint32_t id, void *data, uint32_t *size)
{
	struct drm_taihu_query q = { .query = id, .size = *size,
				     .data = (uintptr_t)data };
	int ret = tt_ioctl(fd, DRM_IOCTL_TAIHU_QUERY, &q);

	*size = q.size;
	return ret;
}

TEST_F(probe, node_is_accel_char_device)
{
	char path[PATH_MAX];
	struct stat st;

	ASSERT_EQ(0, stat(self->desc.node, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(ACCEL_MAJOR, (int)major(st.st_rdev));
	EXPECT_EQ(self->desc.minor, minor(st.st_rdev));
	EXPECT_EQ(0, strncmp(self->desc.node, "/dev/accel/accel", 16));
	snprintf(path, sizeof(path), "/sys/class/accel/accel%u/dev",
		 self->desc.minor);
	EXPECT_EQ(0, access(path, R_OK)) TH_LOG("%s missing", path);
}

TEST_F(probe, drm_version_name_is_taihu)
{
	drmVersionPtr v = drmGetVersion(self->fd);

	ASSERT_NE(NULL, v);
	EXPECT_STREQ("taihu", v->name);
	drmFreeVersion(v);
}

TEST_F(probe, query_size_zero_returns_size)
{
	uint32_t size = 0;

	ASSERT_EQ(0, query(self->fd, DRM_TAIHU_QUERY_DEVICE_INFO, NULL, &size));
	/* This header's structure is the kernel's, or a prefix of it. */
	EXPECT_GE(size, sizeof(struct drm_taihu_device_info));
	EXPECT_EQ(0, size % 8);
}

TEST_F(probe, query_short_size_copies_prefix)
{
	struct drm_taihu_device_info full;
	uint8_t buf[sizeof(full) + 64];
	uint32_t size, kernel_size = 0;
	size_t i;

	ASSERT_EQ(0, query(self->fd, DRM_TAIHU_QUERY_DEVICE_INFO, NULL,
			   &kernel_size));
	memset(&full, 0, sizeof(full));
	size = sizeof(full);
	ASSERT_EQ(0, query(self->fd, DRM_TAIHU_QUERY_DEVICE_INFO, &full, &size));
	EXPECT_EQ(kernel_size, size);

	/* 12 bytes: device_id, revision and half of vram_size. */
	memset(buf, 0xab, sizeof(buf));
	size = 12;
	ASSERT_EQ(0, query(self->fd, DRM_TAIHU_QUERY_DEVICE_INFO, buf, &size));
	EXPECT_EQ(kernel_size, size);
	EXPECT_EQ(0, memcmp(buf, &full, 12));
	for (i = 12; i < sizeof(buf); i++)
		ASSERT_EQ(0xab, buf[i]) TH_LOG("byte %zu written past size", i);
}

TEST_F(probe, query_large_size_leaves_tail)
{
	uint8_t buf[sizeof(struct drm_taihu_device_info) + 256];
	uint32_t size = sizeof(buf), kernel_size = 0;
	size_t i;

	ASSERT_EQ(0, query(self->fd, DRM_TAIHU_QUERY_DEVICE_INFO, NULL,
			   &kernel_size));
	ASSERT_LT(kernel_size, sizeof(buf));
	memset(buf, 0xcd, sizeof(buf));
	ASSERT_EQ(0, query(self->fd, DRM_TAIHU_QUERY_DEVICE_INFO, buf, &size));
	EXPECT_EQ(kernel_size, size);
	for (i = kernel_size; i < sizeof(buf); i++)
		ASSERT_EQ(0xcd, buf[i]) TH_LOG("byte %zu beyond the kernel's size", i);
}

TEST_F(probe, device_info_fields_sane)
{
	const uint64_t need = DRM_TAIHU_CAP_NOP | DRM_TAIHU_CAP_FILL |
			      DRM_TAIHU_CAP_COPY;
	struct taihu_device_info info = { .size = sizeof(info) };

	ASSERT_EQ(0, taihu_device_info(self->dev, &info));
	EXPECT_EQ(1, info.device_id);
	EXPECT_NE(0, info.fw_version);
	/* The exact versions are checked against the image by taihu_fw_test. */
	EXPECT_NE(0, info.fw_abi_major);
	EXPECT_NE(0, info.card_if_major);
	EXPECT_LE(4ULL << 30, info.va_size);
	EXPECT_GE(info.num_queues, 1);
	EXPECT_LE(info.num_queues, DRM_TAIHU_MAX_QUEUES);
	EXPECT_GT(info.vram_size, 0);
	EXPECT_LE(info.vram_used, info.vram_size);
	EXPECT_EQ(need, info.capabilities & need)
		TH_LOG("capabilities 0x%llx", (unsigned long long)info.capabilities);
	EXPECT_EQ(0, info.reserved0);
	EXPECT_NE(NULL, memchr(info.fw_version_str, 0, sizeof(info.fw_version_str)));
	EXPECT_NE(0, info.fw_version_str[0]);
	EXPECT_NE(NULL, memchr(info.serial, 0, sizeof(info.serial)));
	/* The version string is the packed version, printed. */
	{
		char want[32];

		snprintf(want, sizeof(want), "%u.%u.%u", info.fw_version >> 16,
			 (info.fw_version >> 8) & 0xff, info.fw_version & 0xff);
		EXPECT_EQ(0, strncmp(info.fw_version_str, want, strlen(want)))
			TH_LOG("version string '%s', packed %s",
			       info.fw_version_str, want);
	}
}

TEST_F(probe, vram_used_follows_allocations)
{
	struct taihu_device_info before = { .size = sizeof(before) };
	struct taihu_device_info after = { .size = sizeof(after) };
	struct taihu_bo *bo;

	ASSERT_EQ(0, taihu_device_info(self->dev, &before));
	ASSERT_EQ(0, taihu_bo_create(self->dev, 1 << 20,
				     DRM_TAIHU_PLACEMENT_VRAM, &bo));
	ASSERT_EQ(0, taihu_device_info(self->dev, &after));
	EXPECT_GE(after.vram_used, before.vram_used + (1 << 20));
	EXPECT_EQ(0, taihu_bo_free(bo));
}

TEST(library_enumeration_finds_device)
{
	struct tt_device d[8];
	struct taihu_device *dev;
	char link[PATH_MAX], target[PATH_MAX];
	ssize_t n;
	int count, i;

	count = tt_enumerate(d, 8);
	ASSERT_GE(count, 1) TH_LOG("enumerate: %d (%s)", count,
				    count < 0 ? taihu_strerror(count) : "no device");
	for (i = 0; i < count && i < 8; i++) {
		EXPECT_EQ((unsigned int)i, d[i].index);
		EXPECT_NE(0, d[i].pci_slot[0]);
		/* The PCI parent is really bound to taihu. */
		snprintf(link, sizeof(link), "/sys/bus/pci/devices/%s/driver",
			 d[i].pci_slot);
		n = readlink(link, target, sizeof(target) - 1);
		ASSERT_GT(n, 0) TH_LOG("%s: %s", link, strerror(errno));
		target[n] = '\0';
		EXPECT_STREQ("taihu", strrchr(target, '/') + 1);
		if (i > 0)
			EXPECT_LT(strcmp(d[i - 1].pci_slot, d[i].pci_slot), 0);
	}
	ASSERT_EQ(0, taihu_device_open_index(0, &dev));
	EXPECT_STREQ(d[0].node, taihu_device_path(dev));
	taihu_device_close(dev);
	EXPECT_EQ(-TAIHU_ENODEVICE, taihu_device_open_index((unsigned int)count,
							   &dev));
}

TEST_HARNESS_MAIN
