// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The ioctl firewall (driver/taihu_ioctl_filter.c). Each test makes a call
 * that oopses or WARNs Linux 6.12 through an unfiltered accel node
 * (docs/drm-core-accel-bugs.md) and checks that it now fails with its
 * documented errno, the kernel log stays clean and the device still runs
 * jobs; the core ioctls an accel client needs still work.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <xf86drm.h>

#include "kselftest_harness.h"
#include "taihu_test_util.h"

/* driver/taihu_ioctl_filter.h */
#define SYNCOBJ_MAX_HANDLES	4096

FIXTURE(firewall)
{
	struct taihu_device *dev;
	struct tt_klog klog;
	int fd;
};

FIXTURE_SETUP(firewall)
{
	int ret = tt_open_first(&self->dev, NULL);

	ASSERT_EQ(0, ret) TH_LOG("no Taihu device: %s", taihu_strerror(ret));
	self->fd = taihu_device_fd(self->dev);
	ASSERT_EQ(0, tt_klog_mark(&self->klog));
}

FIXTURE_TEARDOWN(firewall)
{
	struct taihu_job_result res = { .size = sizeof(res) };

	EXPECT_EQ(0, tt_klog_since_contains(&self->klog, "WARNING"));
	EXPECT_EQ(0, tt_klog_since_contains(&self->klog, "BUG:"));
	EXPECT_EQ(0, tt_run_nop(self->dev, 0, &res)) TH_LOG("no good job after the test");
	tt_klog_close(&self->klog);
	taihu_device_close(self->dev);
}

/* -errno of ioctl(2) itself (not drmIoctl(), which retries EINTR/EAGAIN). */
static int raw_ioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

/* 6.12: drm_getunique() dereferences the NULL file_priv->master. */
TEST_F(firewall, get_unique_refused)
{
	char buf[64];
	struct drm_unique u = { .unique_len = sizeof(buf), .unique = buf };

	EXPECT_EQ(-EOPNOTSUPP, raw_ioctl(self->fd, DRM_IOCTL_GET_UNIQUE, &u));
}

/* 6.12: drm_getmagic() takes the NULL master's magic_map. */
TEST_F(firewall, get_magic_refused)
{
	struct drm_auth a = { 0 };

	EXPECT_EQ(-EOPNOTSUPP, raw_ioctl(self->fd, DRM_IOCTL_GET_MAGIC, &a));
	/* and again: the first call must not have left a lock held */
	EXPECT_EQ(-EOPNOTSUPP, raw_ioctl(self->fd, DRM_IOCTL_GET_MAGIC, &a));
}

/* Everything outside the allow-list, whatever its core flags. */
TEST_F(firewall, other_core_ioctls_refused)
{
	static const struct {
		const char *name;
		unsigned long cmd;
	} refused[] = {
		{ "GET_CLIENT", DRM_IOCTL_GET_CLIENT },
		{ "GET_STATS", DRM_IOCTL_GET_STATS },
		{ "SET_CLIENT_CAP", DRM_IOCTL_SET_CLIENT_CAP },
		{ "SET_VERSION", DRM_IOCTL_SET_VERSION },
		{ "AUTH_MAGIC", DRM_IOCTL_AUTH_MAGIC },
		{ "SET_MASTER", DRM_IOCTL_SET_MASTER },
		{ "DROP_MASTER", DRM_IOCTL_DROP_MASTER },
		{ "GEM_FLINK", DRM_IOCTL_GEM_FLINK },
		{ "GEM_OPEN", DRM_IOCTL_GEM_OPEN },
		{ "MODE_GETRESOURCES", DRM_IOCTL_MODE_GETRESOURCES },
		{ "MODE_CREATE_DUMB", DRM_IOCTL_MODE_CREATE_DUMB },
		{ "WAIT_VBLANK", DRM_IOCTL_WAIT_VBLANK },
		{ "CRTC_GET_SEQUENCE", DRM_IOCTL_CRTC_GET_SEQUENCE },
	};
	uint64_t arg[16];
	size_t i;

	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		memset(arg, 0, sizeof(arg));
		EXPECT_EQ(-EOPNOTSUPP, raw_ioctl(self->fd, refused[i].cmd, arg))
			TH_LOG("%s", refused[i].name);
	}
}

/* drm_ioctl() dispatches on the number alone; the firewall checks the type. */
TEST_F(firewall, foreign_ioctl_type_refused)
{
	struct drm_unique u = { 0 };
	unsigned long cmd = _IOWR('x', DRM_IOCTL_NR(DRM_IOCTL_GET_UNIQUE),
				  struct drm_unique);

	EXPECT_EQ(-EOPNOTSUPP, raw_ioctl(self->fd, cmd, &u));
}

/* What libtaihu and libdrm need keeps working. */
TEST_F(firewall, allowed_core_ioctls_work)
{
	drmVersionPtr v = drmGetVersion(self->fd);
	uint64_t cap = 0;
	uint32_t h[2];

	ASSERT_NE(NULL, v);
	EXPECT_STREQ("taihu", v->name);
	drmFreeVersion(v);
	EXPECT_EQ(0, drmGetCap(self->fd, DRM_CAP_SYNCOBJ, &cap));
	EXPECT_EQ(1, cap);
	EXPECT_EQ(0, drmGetCap(self->fd, DRM_CAP_SYNCOBJ_TIMELINE, &cap));
	EXPECT_EQ(1, cap);
	ASSERT_EQ(0, drmSyncobjCreate(self->fd, DRM_SYNCOBJ_CREATE_SIGNALED, &h[0]));
	ASSERT_EQ(0, drmSyncobjCreate(self->fd, DRM_SYNCOBJ_CREATE_SIGNALED, &h[1]));
	EXPECT_EQ(0, drmSyncobjWait(self->fd, h, 2, 0, DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL, NULL));
	EXPECT_EQ(0, drmSyncobjReset(self->fd, h, 2));
	EXPECT_EQ(0, drmSyncobjSignal(self->fd, h, 2));
	EXPECT_EQ(0, drmSyncobjDestroy(self->fd, h[0]));
	EXPECT_EQ(0, drmSyncobjDestroy(self->fd, h[1]));
}

/* One syncobj array ioctl with @count handles at @handles; -errno. */
static int syncobj_array_call(int fd, int which, uint32_t count, void *handles)
{
	uint64_t p = (uintptr_t)handles;
	union {
		struct drm_syncobj_wait w;
		struct drm_syncobj_timeline_wait tw;
		struct drm_syncobj_array a;
		struct drm_syncobj_timeline_array ta;
	} u;

	memset(&u, 0, sizeof(u));
	switch (which) {
	case 0:
		u.w.handles = p;
		u.w.count_handles = count;
		return raw_ioctl(fd, DRM_IOCTL_SYNCOBJ_WAIT, &u.w);
	case 1:
		u.tw.handles = p;
		u.tw.points = p;
		u.tw.count_handles = count;
		return raw_ioctl(fd, DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, &u.tw);
	case 2:
		u.a.handles = p;
		u.a.count_handles = count;
		return raw_ioctl(fd, DRM_IOCTL_SYNCOBJ_RESET, &u.a);
	case 3:
		u.a.handles = p;
		u.a.count_handles = count;
		return raw_ioctl(fd, DRM_IOCTL_SYNCOBJ_SIGNAL, &u.a);
	case 4:
		u.ta.handles = p;
		u.ta.points = p;
		u.ta.count_handles = count;
		return raw_ioctl(fd, DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL, &u.ta);
	default:
		u.ta.handles = p;
		u.ta.points = p;
		u.ta.count_handles = count;
		return raw_ioctl(fd, DRM_IOCTL_SYNCOBJ_QUERY, &u.ta);
	}
}

static const char *const syncobj_array_names[] = {
	"WAIT", "TIMELINE_WAIT", "RESET", "SIGNAL", "TIMELINE_SIGNAL", "QUERY",
};

/*
 * 6.12: drm_syncobj_array_find() kmallocs count_handles entries without
 * __GFP_NOWARN: a WARN in the page allocator. Over the bound: EINVAL
 * before the core allocates; at the bound the core runs (and finds no
 * such handles: ENOENT, or EINVAL from the wait's own flag checks).
 */
TEST_F(firewall, syncobj_huge_counts_refused)
{
	static const uint32_t huge[] = {
		SYNCOBJ_MAX_HANDLES + 1, 1u << 20, 1u << 28, 0x7fffffff, 0xffffffff,
	};
	/* zero handles: 8 bytes each, enough for the timeline points too */
	uint64_t *handles = calloc(SYNCOBJ_MAX_HANDLES, sizeof(*handles));
	int which, ret;
	size_t i;

	ASSERT_NE(NULL, handles);
	for (which = 0; which < 6; which++) {
		for (i = 0; i < sizeof(huge) / sizeof(huge[0]); i++)
			EXPECT_EQ(-EINVAL, syncobj_array_call(self->fd, which, huge[i], handles))
				TH_LOG("%s count %u", syncobj_array_names[which], huge[i]);
		ret = syncobj_array_call(self->fd, which, SYNCOBJ_MAX_HANDLES, handles);
		EXPECT_EQ(-ENOENT, ret)
			TH_LOG("%s at the bound: %s", syncobj_array_names[which], strerror(-ret));
	}
	free(handles);
}

/* The count itself in unmapped memory: EFAULT, not a crash. */
TEST_F(firewall, syncobj_args_unmapped)
{
	void *page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, page);
	EXPECT_EQ(-EFAULT, raw_ioctl(self->fd, DRM_IOCTL_SYNCOBJ_WAIT, page));
	EXPECT_EQ(-EFAULT, raw_ioctl(self->fd, DRM_IOCTL_SYNCOBJ_RESET, page));
	munmap(page, 4096);
}

TEST_HARNESS_MAIN
