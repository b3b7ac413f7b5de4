// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Bad ioctl arguments are refused with the right errno (EINVAL for
 * malformed arguments, ENOENT for unknown handles, EFAULT for bad
 * pointers, ENOMEM for allocations that cannot be satisfied) and the
 * kernel stays healthy: every test ends by running a good job.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <xf86drm.h>

#include "kselftest_harness.h"
#include "taihu_test_util.h"

FIXTURE(ioctl)
{
	struct taihu_device *dev;
	struct taihu_device_info info;
	struct taihu_bo *cmd;		/* one NOP packet at offset 0 */
	int fd;
};

FIXTURE_SETUP(ioctl)
{
	struct taihu_cmdbuf *cb;
	int ret;

	ret = tt_open_first(&self->dev, NULL);
	ASSERT_EQ(0, ret) TH_LOG("no Taihu device: %s", taihu_strerror(ret));
	self->fd = taihu_device_fd(self->dev);
	self->info.size = sizeof(self->info);
	ASSERT_EQ(0, taihu_device_info(self->dev, &self->info));
	ASSERT_EQ(0, taihu_cmdbuf_new(&cb));
	ASSERT_EQ(0, taihu_cmdbuf_nop(cb, 8));
	ret = taihu_cmdbuf_upload(cb, self->dev, &self->cmd);
	taihu_cmdbuf_free(cb);
	ASSERT_EQ(0, ret) TH_LOG("upload: %s", taihu_strerror(ret));
}

FIXTURE_TEARDOWN(ioctl)
{
	struct taihu_job_result res = { .size = sizeof(res) };
	int ret;

	/* Whatever the test did, a good job must still work. */
	ret = tt_run_nop(self->dev, 0, &res);
	EXPECT_EQ(0, ret) TH_LOG("good job after the test: %s (status %s)",
				 taihu_strerror(ret),
				 taihu_job_status_name(res.status));
	taihu_bo_free(self->cmd);
	taihu_device_close(self->dev);
}

/* A submit of the fixture's NOP that the test then spoils. */
static struct drm_taihu_submit good_submit(FIXTURE_DATA(ioctl) *self)
{
	struct drm_taihu_submit s = { 0 };

	s.queue = 0;
	s.priority = DRM_TAIHU_PRIORITY_NORMAL;
	s.cmd_handle = taihu_bo_handle(self->cmd);
	s.cmd_offset = 0;
	s.cmd_len = 8;
	return s;
}

static int submit(int fd, struct drm_taihu_submit *s)
{
	return tt_ioctl(fd, DRM_IOCTL_TAIHU_SUBMIT, s);
}

/* ---- QUERY ------------------------------------------------------------ */

TEST_F(ioctl, query_unknown_id)
{
	struct drm_taihu_device_info info;
	struct drm_taihu_query q = { .query = 0x7777, .size = sizeof(info),
				     .data = (uintptr_t)&info };

	EXPECT_EQ(-EINVAL, tt_ioctl(self->fd, DRM_IOCTL_TAIHU_QUERY, &q));
	q.query = UINT32_MAX;
	EXPECT_EQ(-EINVAL, tt_ioctl(self->fd, DRM_IOCTL_TAIHU_QUERY, &q));
}

TEST_F(ioctl, query_bad_pointer)
{
	struct drm_taihu_query q = { .query = DRM_TAIHU_QUERY_DEVICE_INFO,
				     .size = sizeof(struct drm_taihu_device_info),
				     .data = 8 };

	EXPECT_EQ(-EFAULT, tt_ioctl(self->fd, DRM_IOCTL_TAIHU_QUERY, &q));
}

/* ---- BO_CREATE / BO_INFO / GEM_CLOSE -------------------------------- */

static int bo_create(int fd, struct drm_taihu_bo_create *c)
{
	int ret = tt_ioctl(fd, DRM_IOCTL_TAIHU_BO_CREATE, c);
	struct drm_gem_close cl = { .handle = c->handle };

	/* Never leak a BO that should not have been created. */
	if (!ret)
		tt_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &cl);
	return ret;
}

TEST_F(ioctl, bo_create_nonzero_flags_pad)
{
	struct drm_taihu_bo_create c = { .size = 4096 };

	c.flags = 1;
	EXPECT_EQ(-EINVAL, bo_create(self->fd, &c));
	c.flags = 0x80000000u;
	EXPECT_EQ(-EINVAL, bo_create(self->fd, &c));
	c.flags = 0;
	c.pad = 1;
	EXPECT_EQ(-EINVAL, bo_create(self->fd, &c));
	c.pad = 0;
	c.placement = 99;
	EXPECT_EQ(-EINVAL, bo_create(self->fd, &c));
	c.placement = DRM_TAIHU_PLACEMENT_VRAM;
	EXPECT_EQ(0, bo_create(self->fd, &c));
}

TEST_F(ioctl, bo_create_size_zero)
{
	struct drm_taihu_bo_create c = { .size = 0 };

	EXPECT_EQ(-EINVAL, bo_create(self->fd, &c));
}

TEST_F(ioctl, bo_create_huge)
{
	struct drm_taihu_bo_create c = { 0 };
	int ret;

	/* Bigger than VRAM: cannot be satisfied. */
	c.size = self->info.vram_size * 2;
	ret = bo_create(self->fd, &c);
	EXPECT_TRUE(ret == -ENOMEM || ret == -EINVAL || ret == -E2BIG)
		TH_LOG("2x VRAM: %d", ret);
	/* Sizes whose page round-up overflows. */
	c.size = UINT64_MAX;
	ret = bo_create(self->fd, &c);
	EXPECT_TRUE(ret == -ENOMEM || ret == -EINVAL || ret == -E2BIG)
		TH_LOG("UINT64_MAX: %d", ret);
	c.size = UINT64_MAX - 4095;
	ret = bo_create(self->fd, &c);
	EXPECT_TRUE(ret == -ENOMEM || ret == -EINVAL || ret == -E2BIG)
		TH_LOG("UINT64_MAX - 4095: %d", ret);
}

TEST_F(ioctl, bo_info_bad_handle_and_pad)
{
	struct drm_taihu_bo_info i = { .handle = 0x7fffffff };

	EXPECT_EQ(-ENOENT, tt_ioctl(self->fd, DRM_IOCTL_TAIHU_BO_INFO, &i));
	i.handle = 0;
	EXPECT_EQ(-ENOENT, tt_ioctl(self->fd, DRM_IOCTL_TAIHU_BO_INFO, &i));
	i.handle = taihu_bo_handle(self->cmd);
	i.pad = 1;
	EXPECT_EQ(-EINVAL, tt_ioctl(self->fd, DRM_IOCTL_TAIHU_BO_INFO, &i));
	i.pad = 0;
	ASSERT_EQ(0, tt_ioctl(self->fd, DRM_IOCTL_TAIHU_BO_INFO, &i));
	EXPECT_EQ(taihu_bo_size(self->cmd), i.size);
	EXPECT_EQ(taihu_bo_dev_addr(self->cmd), i.dev_addr);
	EXPECT_EQ(DRM_TAIHU_PLACEMENT_VRAM, i.placement);
	EXPECT_EQ(0, i.flags);
	EXPECT_NE(0, i.mmap_offset);
}

TEST_F(ioctl, bo_create_rounds_to_page)
{
	struct drm_taihu_bo_create c = { .size = 1 };
	struct drm_gem_close cl = { 0 };

	ASSERT_EQ(0, tt_ioctl(self->fd, DRM_IOCTL_TAIHU_BO_CREATE, &c));
	EXPECT_EQ(4096, c.size);
	EXPECT_NE(0, c.handle);
	/* An address of the file's context. */
	EXPECT_LE(4ULL << 30, c.dev_addr);
	EXPECT_GT(self->info.va_size, c.dev_addr + c.size);
	EXPECT_EQ(0, c.dev_addr % DRM_TAIHU_PAGE_SIZE);
	cl.handle = c.handle;
	EXPECT_EQ(0, tt_ioctl(self->fd, DRM_IOCTL_GEM_CLOSE, &cl));
	/* Closed: gone. */
	EXPECT_EQ(-EINVAL, tt_ioctl(self->fd, DRM_IOCTL_GEM_CLOSE, &cl));
}

/* ---- SUBMIT ----------------------------------------------------------- */

TEST_F(ioctl, submit_good_baseline)
{
	struct drm_taihu_submit s = good_submit(self);

	EXPECT_EQ(0, submit(self->fd, &s));
}

TEST_F(ioctl, submit_bad_queue)
{
	struct drm_taihu_submit s = good_submit(self);

	s.queue = self->info.num_queues;
	EXPECT_EQ(-EINVAL, submit(self->fd, &s));
	s.queue = DRM_TAIHU_MAX_QUEUES;
	EXPECT_EQ(-EINVAL, submit(self->fd, &s));
	s.queue = UINT32_MAX;
	EXPECT_EQ(-EINVAL, submit(self->fd, &s));
}

TEST_F(ioctl, submit_bad_priority_and_flags)
{
	struct drm_taihu_submit s = good_submit(self);

	s.priority = DRM_TAIHU_PRIORITY_HIGH + 1;
	EXPECT_EQ(-EINVAL, submit(self->fd, &s));
	s.priority = UINT32_MAX;
	EXPECT_EQ(-EINVAL, submit(self->fd, &s));
	/* Bits beyond DRM_TAIHU_SUBMIT_NONBLOCK are unknown. */
	s = good_submit(self);
	s.flags = 0x80000000u;
	EXPECT_EQ(-EINVAL, submit(self->fd, &s));
	s.flags = DRM_TAIHU_SUBMIT_NONBLOCK << 1;
	EXPECT_EQ(-EINVAL, submit(self->fd, &s));
}

TEST_F(ioctl, submit_bad_cmd_len)
{
	struct drm_taihu_submit s = good_submit(self);

	s.cmd_len = 0;
	EXPECT_EQ(-EINVAL, submit(self->fd, &s));
	s.cmd_len = 4;
	EXPECT_EQ(-EINVAL, submit(self->fd, &s));
	s.cmd_len = 12;
	EXPECT_EQ(-EINVAL, submit(self->fd, &s));
	/* Past the end of the buffer. */
	s.cmd_len = (uint32_t)taihu_bo_size(self->cmd) + 8;
	EXPECT_EQ(-EINVAL, submit(self->fd, &s));
	s.cmd_len = UINT32_MAX & ~7u;
	EXPECT_EQ(-EINVAL, submit(self->fd, &s));
}

TEST_F(ioctl, submit_bad_cmd_offset)
{
	struct drm_taihu_submit s = good_submit(self);

	s.cmd_offset = 4;
	EXPECT_EQ(-EINVAL, submit(self->fd, &s));
	s.cmd_offset = taihu_bo_size(self->cmd);
	EXPECT_EQ(-EINVAL, submit(self->fd, &s));
	s.cmd_offset = taihu_bo_size(self->cmd) - 8;
	s.cmd_len = 16;
	EXPECT_EQ(-EINVAL, submit(self->fd, &s));
	/* offset + len wraps around. */
	s.cmd_offset = UINT64_MAX - 7;
	s.cmd_len = 16;
	EXPECT_EQ(-EINVAL, submit(self->fd, &s));
}

TEST_F(ioctl, submit_bad_cmd_handle)
{
	struct drm_taihu_submit s = good_submit(self);

	s.cmd_handle = 0x7fffffff;
	EXPECT_EQ(-ENOENT, submit(self->fd, &s));
	s.cmd_handle = 0;
	EXPECT_EQ(-ENOENT, submit(self->fd, &s));
}

TEST_F(ioctl, submit_bad_bo_list)
{
	struct drm_taihu_submit s = good_submit(self);
	uint32_t handles[2] = { taihu_bo_handle(self->cmd), 0x7fffffff };
	int ret;

	s.bo_handles = (uintptr_t)handles;
	s.bo_count = 2;
	EXPECT_EQ(-ENOENT, submit(self->fd, &s));
	s.bo_count = 1;
	EXPECT_EQ(0, submit(self->fd, &s));
	/* A list the kernel cannot read. */
	s.bo_handles = 8;
	s.bo_count = 1;
	EXPECT_EQ(-EFAULT, submit(self->fd, &s));
	s.bo_handles = 0;
	s.bo_count = 1;
	ret = submit(self->fd, &s);
	EXPECT_TRUE(ret == -EFAULT || ret == -EINVAL) TH_LOG("NULL list: %d", ret);
	/* An absurd count is refused before it is read. */
	s.bo_handles = (uintptr_t)handles;
	s.bo_count = UINT32_MAX;
	EXPECT_TRUE(submit(self->fd, &s) < 0);
}

TEST_F(ioctl, submit_bad_syncobjs)
{
	struct drm_taihu_submit s = good_submit(self);
	struct drm_taihu_sync in = { .handle = 0x7fffffff };
	uint32_t good = 0;

	s.in_syncs = (uintptr_t)&in;
	s.in_sync_count = 1;
	EXPECT_EQ(-ENOENT, submit(self->fd, &s));

	ASSERT_EQ(0, drmSyncobjCreate(self->fd, DRM_SYNCOBJ_CREATE_SIGNALED,
				      &good));
	in.handle = good;
	in.pad = 1;
	EXPECT_EQ(-EINVAL, submit(self->fd, &s));
	in.pad = 0;
	EXPECT_EQ(0, submit(self->fd, &s));
	s.in_syncs = 8;
	EXPECT_EQ(-EFAULT, submit(self->fd, &s));

	s = good_submit(self);
	s.out_sync_handle = 0x7fffffff;
	EXPECT_EQ(-ENOENT, submit(self->fd, &s));
	EXPECT_EQ(0, drmSyncobjDestroy(self->fd, good));
}

/* ---- WAIT ------------------------------------------------------------- */

TEST_F(ioctl, wait_nonzero_flags_pad)
{
	struct drm_taihu_submit s = good_submit(self);
	struct drm_taihu_wait w = { 0 };

	ASSERT_EQ(0, submit(self->fd, &s));
	w.seqno = s.seqno;
	w.timeout_ns = taihu_deadline_ns(TT_JOB_TIMEOUT_NS);
	/* Bits beyond DRM_TAIHU_WAIT_BO are unknown. */
	w.flags = 0x80000000u;
	EXPECT_EQ(-EINVAL, tt_ioctl(self->fd, DRM_IOCTL_TAIHU_WAIT, &w));
	w.flags = DRM_TAIHU_WAIT_BO << 1;
	EXPECT_EQ(-EINVAL, tt_ioctl(self->fd, DRM_IOCTL_TAIHU_WAIT, &w));
	w.flags = 0;
	/* A handle only goes with DRM_TAIHU_WAIT_BO. */
	w.handle = taihu_bo_handle(self->cmd);
	EXPECT_EQ(-EINVAL, tt_ioctl(self->fd, DRM_IOCTL_TAIHU_WAIT, &w));
	w.handle = 0;
	w.pad = 1;
	EXPECT_EQ(-EINVAL, tt_ioctl(self->fd, DRM_IOCTL_TAIHU_WAIT, &w));
	w.pad = 0;
	EXPECT_EQ(0, tt_ioctl(self->fd, DRM_IOCTL_TAIHU_WAIT, &w));
	EXPECT_EQ(DRM_TAIHU_JOB_SUCCESS, w.status);
}

/* Handles of one file mean nothing in another. */
TEST_F(ioctl, handles_are_per_file)
{
	struct taihu_device *other;
	struct drm_taihu_bo_info i = { .handle = taihu_bo_handle(self->cmd) };
	struct drm_taihu_submit s = good_submit(self);
	int ofd;

	ASSERT_EQ(0, taihu_device_open(taihu_device_path(self->dev), &other));
	ofd = taihu_device_fd(other);
	/* The other file has no BOs, so this handle is unknown there. */
	EXPECT_EQ(-ENOENT, tt_ioctl(ofd, DRM_IOCTL_TAIHU_BO_INFO, &i));
	EXPECT_EQ(-ENOENT, submit(ofd, &s));
	taihu_device_close(other);
}

TEST_HARNESS_MAIN
