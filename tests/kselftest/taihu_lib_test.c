// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * libtaihu's own guarantees against a real device, built with ASan and
 * UBSan (so a use after free or a write past a structure fails the test):
 *  - lifetimes: BOs keep their device, so closing the device first is
 *    fine; one GEM handle has one &struct taihu_bo, so importing a buffer
 *    twice and freeing one import leaves the other usable;
 *  - opening by index, PCI address, serial and node path;
 *  - size-prefixed structures against the kernel's answers.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "taihu_test_util.h"

#define BO_SIZE		(64u << 10)

FIXTURE(lib)
{
	struct taihu_device *dev;
	struct tt_device desc;
};

FIXTURE_SETUP(lib)
{
	int ret = tt_wait_device(NULL, TT_DEVICE_PRESENT_MS, &self->desc);

	ASSERT_EQ(0, ret) TH_LOG("no Taihu device: %s", taihu_strerror(ret));
	ASSERT_EQ(0, taihu_device_open(self->desc.node, &self->dev));
}

FIXTURE_TEARDOWN(lib)
{
	taihu_device_close(self->dev);
}

/* 1 while the GEM @handle is open in @fd. */
static int handle_open(int fd, uint32_t handle)
{
	struct drm_taihu_bo_info bi = { .handle = handle };

	return tt_ioctl(fd, DRM_IOCTL_TAIHU_BO_INFO, &bi) == 0;
}

static void fill_pattern(uint8_t *p, size_t len, uint8_t seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(seed + i * 7);
}

TEST_F(lib, close_device_before_freeing_bos)
{
	struct taihu_bo *vram, *host;
	uint8_t *want, *got;
	uint32_t hv, hh;
	int fd;

	want = malloc(BO_SIZE);
	got = malloc(BO_SIZE);
	ASSERT_NE(NULL, want);
	ASSERT_NE(NULL, got);
	fill_pattern(want, BO_SIZE, 3);
	ASSERT_EQ(0, taihu_bo_create(self->dev, BO_SIZE,
				     DRM_TAIHU_PLACEMENT_VRAM, &vram));
	ASSERT_EQ(0, taihu_bo_create(self->dev, BO_SIZE,
				     DRM_TAIHU_PLACEMENT_HOST, &host));
	ASSERT_EQ(0, taihu_bo_write(vram, 0, want, BO_SIZE));
	fd = taihu_device_fd(self->dev);
	hv = taihu_bo_handle(vram);
	hh = taihu_bo_handle(host);

	/* The caller's reference goes; the BOs' keep the file open. */
	taihu_device_close(self->dev);
	self->dev = NULL;
	ASSERT_NE(-1, fcntl(fd, F_GETFD));
	ASSERT_EQ(0, taihu_copy(host, 0, vram, 0, BO_SIZE, TT_JOB_TIMEOUT_NS,
				NULL));
	ASSERT_EQ(0, taihu_bo_read(host, 0, got, BO_SIZE));
	EXPECT_EQ(0, memcmp(want, got, BO_SIZE));
	EXPECT_NE(NULL, taihu_bo_device(vram));
	EXPECT_STREQ(self->desc.node, taihu_device_path(taihu_bo_device(vram)));

	EXPECT_EQ(0, taihu_bo_free(vram));
	EXPECT_FALSE(handle_open(fd, hv));
	EXPECT_TRUE(handle_open(fd, hh));
	/* The last BO closes the file. */
	EXPECT_EQ(0, taihu_bo_free(host));
	EXPECT_EQ(-1, fcntl(fd, F_GETFD));
	EXPECT_EQ(EBADF, errno);
	free(want);
	free(got);
}

TEST_F(lib, double_import_free_one_use_other)
{
	struct taihu_device *other;
	struct taihu_bo *bo, *a, *b, *c, *dst;
	uint8_t *want, *got;
	uint32_t handle;
	int dmabuf;

	want = malloc(BO_SIZE);
	got = malloc(BO_SIZE);
	ASSERT_NE(NULL, want);
	ASSERT_NE(NULL, got);
	fill_pattern(want, BO_SIZE, 11);
	ASSERT_EQ(0, taihu_bo_create(self->dev, BO_SIZE,
				     DRM_TAIHU_PLACEMENT_HOST, &bo));
	ASSERT_EQ(0, taihu_bo_export(bo, &dmabuf));

	/* Into the file that created it: the same object, one more ref. */
	ASSERT_EQ(0, taihu_bo_import(self->dev, dmabuf, &a));
	EXPECT_EQ(bo, a);
	EXPECT_EQ(0, taihu_bo_free(a));
	EXPECT_TRUE(handle_open(taihu_device_fd(self->dev),
				taihu_bo_handle(bo)));

	/* Into another file, twice: one object there, distinct from @bo. */
	ASSERT_EQ(0, taihu_device_open(self->desc.node, &other));
	ASSERT_EQ(0, taihu_bo_import(other, dmabuf, &b));
	ASSERT_EQ(0, taihu_bo_import(other, dmabuf, &c));
	EXPECT_EQ(0, close(dmabuf));
	EXPECT_EQ(b, c);
	EXPECT_NE(bo, b);
	handle = taihu_bo_handle(b);

	/* Free one import; the other still works, CPU and card alike. */
	EXPECT_EQ(0, taihu_bo_free(b));
	EXPECT_TRUE(handle_open(taihu_device_fd(other), handle));
	ASSERT_EQ(0, taihu_bo_write(c, 0, want, BO_SIZE));
	ASSERT_EQ(0, taihu_bo_create(other, BO_SIZE, DRM_TAIHU_PLACEMENT_VRAM,
				     &dst));
	ASSERT_EQ(0, taihu_copy(dst, 0, c, 0, BO_SIZE, TT_JOB_TIMEOUT_NS,
				NULL));
	ASSERT_EQ(0, taihu_bo_read(dst, 0, got, BO_SIZE));
	EXPECT_EQ(0, memcmp(want, got, BO_SIZE));
	/* The exporter sees the importer's writes. */
	ASSERT_EQ(0, taihu_bo_read(bo, 0, got, BO_SIZE));
	EXPECT_EQ(0, memcmp(want, got, BO_SIZE));

	taihu_device_close(other);	/* before its BOs, on purpose */
	EXPECT_EQ(0, taihu_bo_free(dst));
	EXPECT_EQ(0, taihu_bo_free(c));
	EXPECT_EQ(0, taihu_bo_free(bo));
	free(want);
	free(got);
}

struct import_race {
	struct taihu_device *dev;
	int dmabuf;
	int iterations;
	int errors;
};

static void *import_free_loop(void *arg)
{
	struct import_race *r = arg;
	struct taihu_bo *bo;
	int i;

	for (i = 0; i < r->iterations; i++) {
		if (taihu_bo_import(r->dev, r->dmabuf, &bo)) {
			r->errors++;
			continue;
		}
		if (taihu_bo_size(bo) != BO_SIZE)
			r->errors++;
		if (taihu_bo_free(bo))
			r->errors++;
	}
	return NULL;
}

/*
 * Two threads import and free the same buffer: the last free must never
 * close a handle that the other thread's import was just given.
 */
TEST_F(lib, concurrent_import_and_free)
{
	struct import_race r[2];
	struct taihu_device *other;
	struct taihu_bo *bo;
	pthread_t t[2];
	int dmabuf, i;

	ASSERT_EQ(0, taihu_bo_create(self->dev, BO_SIZE,
				     DRM_TAIHU_PLACEMENT_HOST, &bo));
	ASSERT_EQ(0, taihu_bo_export(bo, &dmabuf));
	ASSERT_EQ(0, taihu_device_open(self->desc.node, &other));
	for (i = 0; i < 2; i++) {
		r[i] = (struct import_race){ .dev = other, .dmabuf = dmabuf,
					     .iterations = 2000 };
		ASSERT_EQ(0, pthread_create(&t[i], NULL, import_free_loop,
					    &r[i]));
	}
	for (i = 0; i < 2; i++) {
		pthread_join(t[i], NULL);
		EXPECT_EQ(0, r[i].errors);
	}
	close(dmabuf);
	taihu_device_close(other);
	EXPECT_EQ(0, taihu_bo_free(bo));
}

/* Every name of every device opens that device, and nothing else. */
TEST_F(lib, open_by_index_pci_serial_and_node)
{
	struct taihu_device_list *list;
	const struct taihu_device_desc *d, *found;
	unsigned int i, k, n;
	char names[6][96], link[64];
	struct stat st;

	ASSERT_EQ(0, taihu_device_list_new(&list));
	n = taihu_device_list_count(list);
	ASSERT_LE(1, n);
	for (i = 0; i < n; i++) {
		d = taihu_device_list_get(list, i);
		ASSERT_NE(NULL, d);
		EXPECT_EQ(i, taihu_device_desc_index(d));
		ASSERT_NE(0, taihu_device_desc_serial(d)[0])
			TH_LOG("no serial in sysfs for %s",
			       taihu_device_desc_pci_slot(d));
		snprintf(link, sizeof(link), "/tmp/taihu-lib-test-accel%u", i);
		unlink(link);
		ASSERT_EQ(0, symlink(taihu_device_desc_node(d), link));
		snprintf(names[0], sizeof(names[0]), "%u", i);
		snprintf(names[1], sizeof(names[1]), "%s",
			 taihu_device_desc_pci_slot(d));
		/* Short form and upper case. */
		snprintf(names[2], sizeof(names[2]), "%s",
			 taihu_device_desc_pci_slot(d) + 5);
		for (k = 0; names[2][k]; k++)
			if (names[2][k] >= 'a' && names[2][k] <= 'f')
				names[2][k] -= 'a' - 'A';
		snprintf(names[3], sizeof(names[3]), "%s",
			 taihu_device_desc_serial(d));
		snprintf(names[4], sizeof(names[4]), "%s",
			 taihu_device_desc_node(d));
		snprintf(names[5], sizeof(names[5]), "%s", link);
		for (k = 0; k < 6; k++) {
			struct taihu_device *dev;
			const struct taihu_device_desc *got;

			ASSERT_EQ(0, taihu_device_list_find(list, names[k],
							    &found))
				TH_LOG("find '%s'", names[k]);
			EXPECT_EQ(d, found) TH_LOG("'%s'", names[k]);
			ASSERT_EQ(0, taihu_device_open(names[k], &dev))
				TH_LOG("open '%s'", names[k]);
			got = taihu_device_get_desc(dev);
			EXPECT_EQ(i, taihu_device_desc_index(got))
				TH_LOG("'%s'", names[k]);
			EXPECT_STREQ(taihu_device_desc_pci_slot(d),
				     taihu_device_desc_pci_slot(got));
			EXPECT_STREQ(taihu_device_desc_serial(d),
				     taihu_device_desc_serial(got));
			ASSERT_EQ(0, fstat(taihu_device_fd(dev), &st));
			EXPECT_EQ(taihu_device_desc_minor(d),
				  minor(st.st_rdev));
			taihu_device_close(dev);
		}
		unlink(link);
	}
	EXPECT_EQ(-TAIHU_ENODEVICE, taihu_device_list_find(list, "T1-none",
							   &found));
	snprintf(names[0], sizeof(names[0]), "%u", n);
	EXPECT_EQ(-TAIHU_ENODEVICE, taihu_device_list_find(list, names[0],
							   &found));
	EXPECT_EQ(-TAIHU_ENODEVICE, taihu_device_list_find(list, "00:1f.7",
							   &found));
	EXPECT_EQ(-TAIHU_ENODEVICE, taihu_device_list_find(list, "/dev/null",
							   &found));
	taihu_device_list_free(list);
}

TEST_F(lib, sized_structs_against_the_kernel)
{
	struct {
		struct taihu_device_info info;
		uint8_t newer[24];
		uint8_t guard[16];
	} big;
	struct taihu_device_info info = { .size = sizeof(info) };
	struct taihu_device_info old;
	unsigned int i;
	int ok = 1;

	ASSERT_EQ(0, taihu_device_info(self->dev, &info));
	EXPECT_NE(0, info.num_queues);
	EXPECT_NE(0, info.vram_size);

	/* A newer caller: its extra fields read zero, the guard is intact. */
	memset(&big, 0xa5, sizeof(big));
	big.info.size = sizeof(big.info) + sizeof(big.newer);
	ASSERT_EQ(0, taihu_device_info(self->dev, &big.info));
	EXPECT_EQ(sizeof(big.info) + sizeof(big.newer), big.info.size);
	EXPECT_EQ(info.num_queues, big.info.num_queues);
	EXPECT_STREQ(info.serial, big.info.serial);
	for (i = 0; i < sizeof(big.newer); i++)
		ok &= big.newer[i] == 0;
	for (i = 0; i < sizeof(big.guard); i++)
		ok &= big.guard[i] == 0xa5;
	EXPECT_TRUE(ok);

	/* No size, or one below the first version: refused, untouched. */
	memset(&old, 0x5a, sizeof(old));
	old.size = 0;
	EXPECT_EQ(-EINVAL, taihu_device_info(self->dev, &old));
	old.size = 8;
	EXPECT_EQ(-EINVAL, taihu_device_info(self->dev, &old));
	EXPECT_EQ(0x5a5a5a5au, old.num_queues);
}

TEST_HARNESS_MAIN
