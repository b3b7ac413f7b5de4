// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Unload and reload taihu.ko with delete_module(2)/finit_module(2): the
 * device goes away, comes back bound to the driver, and runs a job, every
 * time. Also: the module cannot be unloaded while a file is open.
 *
 * The module is loaded from /lib/modules/$(uname -r)/extra/taihu.ko; its
 * dependencies (drm, gpu-sched, ...) must already be loaded.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "taihu_test_util.h"

#define RELOADS		10
#define MODULE_NAME	"taihu"

static int module_loaded(void)
{
	struct stat st;

	return stat("/sys/module/" MODULE_NAME, &st) == 0;
}

static int load_module(const char *path)
{
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (syscall(SYS_finit_module, fd, "", 0))
		ret = -errno;
	close(fd);
	return ret;
}

/* delete_module(O_NONBLOCK), retrying while references drain. */
static int unload_module(void)
{
	int i, ret = 0;

	for (i = 0; i < 100; i++) {
		if (!syscall(SYS_delete_module, MODULE_NAME, O_NONBLOCK))
			return 0;
		ret = -errno;
		if (ret != -EAGAIN && ret != -EBUSY)
			break;
		tt_sleep_ms(100);
	}
	return ret;
}

FIXTURE(module)
{
	char ko[PATH_MAX];
	struct tt_device desc;
};

FIXTURE_SETUP(module)
{
	struct utsname u;
	int ret;

	if (geteuid() != 0)
		SKIP(return, "needs root to load modules");
	ASSERT_EQ(0, uname(&u));
	snprintf(self->ko, sizeof(self->ko), "/lib/modules/%s/extra/taihu.ko",
		 u.release);
	ASSERT_EQ(0, access(self->ko, R_OK))
		TH_LOG("%s: %s", self->ko, strerror(errno));
	if (!module_loaded())
		ASSERT_EQ(0, load_module(self->ko));
	ret = tt_wait_device(NULL, TT_DEVICE_PRESENT_MS, &self->desc);
	ASSERT_EQ(0, ret) TH_LOG("no Taihu device: %s", taihu_strerror(ret));
}

FIXTURE_TEARDOWN(module)
{
	/* Leave the driver loaded for whatever runs next. */
	if (geteuid() == 0 && !module_loaded())
		EXPECT_EQ(0, load_module(self->ko));
}

TEST_F(module, unload_refused_while_open)
{
	struct taihu_device *dev;
	int ret;

	ASSERT_EQ(0, taihu_device_open(self->desc.node, &dev));
	ret = syscall(SYS_delete_module, MODULE_NAME, O_NONBLOCK) ? -errno : 0;
	if (ret == 0) {
		taihu_device_close(dev);
		ASSERT_EQ(0, load_module(self->ko));
		ASSERT_NE(0, ret) TH_LOG("module unloaded under an open file");
	}
	EXPECT_TRUE(ret == -EAGAIN || ret == -EBUSY) TH_LOG("got %d", ret);
	EXPECT_EQ(0, tt_run_nop(dev, 0, NULL));
	taihu_device_close(dev);
}

TEST_F_TIMEOUT(module, reload_ten_times, 900)
{
	struct tt_device d;
	struct taihu_job_result res = { .size = sizeof(res) };
	struct taihu_device *dev;
	int i, ret;

	for (i = 0; i < RELOADS; i++) {
		ret = unload_module();
		ASSERT_EQ(0, ret) TH_LOG("reload %d: delete_module: %s", i,
					 strerror(-ret));
		ASSERT_FALSE(module_loaded());
		EXPECT_FALSE(tt_pci_bound(self->desc.pci_slot));
		EXPECT_EQ(0, tt_enumerate(NULL, 0))
			TH_LOG("reload %d: a device outlived its module", i);

		ret = load_module(self->ko);
		ASSERT_EQ(0, ret) TH_LOG("reload %d: finit_module: %s", i,
					 strerror(-ret));
		ret = tt_wait_device(self->desc.pci_slot, TT_DEVICE_WAIT_MS, &d);
		ASSERT_EQ(0, ret) TH_LOG("reload %d: device did not come back: %s",
					 i, taihu_strerror(ret));
		EXPECT_TRUE(tt_pci_bound(self->desc.pci_slot));

		ret = taihu_device_open(d.node, &dev);
		ASSERT_EQ(0, ret) TH_LOG("reload %d: open %s: %s", i, d.node,
					 taihu_strerror(ret));
		ret = tt_run_nop(dev, 0, &res);
		taihu_device_close(dev);
		ASSERT_EQ(0, ret) TH_LOG("reload %d: NOP job: %s (%s)", i,
					 taihu_strerror(ret),
					 taihu_job_status_name(res.status));
	}
}

TEST_HARNESS_MAIN
