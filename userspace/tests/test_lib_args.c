// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * libtaihu entry points with bad arguments, and the parts that need no
 * device: error strings, names, deadlines, enumeration on a host without
 * Taihu devices, opening nodes that are not Taihu devices.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "taihu/taihu.h"
#include "tap.h"

static void test_null_args(void)
{
	struct drm_taihu_device_info info;
	struct drm_taihu_bo_info bi;
	struct taihu_job_result res;
	struct taihu_device *dev = (struct taihu_device *)1;
	struct taihu_bo *bo = (struct taihu_bo *)1;
	struct taihu_cmdbuf *cb;
	struct taihu_job job = { 0 };
	uint32_t size = 0;
	uint64_t seqno;
	void *p;

	tap_ok(taihu_device_open(NULL, &dev) == -EINVAL &&
	       taihu_device_open("", &dev) == -EINVAL &&
	       taihu_device_open("/dev/null", NULL) == -EINVAL,
	       "device_open: NULL/empty path or NULL out -> -EINVAL");
	tap_ok(taihu_device_open_index(0, NULL) == -EINVAL,
	       "device_open_index: NULL out -> -EINVAL");
	taihu_device_close(NULL);
	tap_ok(taihu_device_fd(NULL) == -EINVAL &&
	       !strcmp(taihu_device_path(NULL), ""),
	       "device_fd/device_path on NULL");
	tap_ok(taihu_device_query(NULL, 0, NULL, &size) == -EINVAL &&
	       taihu_device_info(NULL, &info) == -EINVAL,
	       "query/info on NULL device -> -EINVAL");
	tap_ok(taihu_bo_create(NULL, 4096, 0, &bo) == -EINVAL &&
	       bo == (struct taihu_bo *)1 &&
	       taihu_bo_info(NULL, 1, &bi) == -EINVAL &&
	       taihu_bo_map(NULL, &p) == -EINVAL &&
	       taihu_bo_unmap(NULL) == -EINVAL && taihu_bo_free(NULL) == 0 &&
	       taihu_bo_handle(NULL) == 0 && taihu_bo_size(NULL) == 0 &&
	       taihu_bo_dev_addr(NULL) == 0,
	       "BO calls on NULL -> -EINVAL / 0");
	tap_ok(taihu_submit(NULL, &job, &seqno) == -EINVAL &&
	       taihu_wait(NULL, 1, 0, &res) == -EINVAL &&
	       taihu_run(NULL, NULL, 0, NULL, 0, 0, &res) == -EINVAL,
	       "submit/wait/run on NULL device -> -EINVAL");
	if (!taihu_cmdbuf_new(&cb)) {
		tap_ok(taihu_cmdbuf_upload(cb, NULL, &bo) == -EINVAL &&
		       taihu_cmdbuf_upload(NULL, NULL, &bo) == -EINVAL,
		       "cmdbuf_upload without a device -> -EINVAL");
		taihu_cmdbuf_free(cb);
	}
	tap_ok(taihu_enumerate(NULL, 3) == -EINVAL,
	       "enumerate(NULL, 3) -> -EINVAL");
}

static void test_memory_null_args(void)
{
	struct drm_taihu_context_info ci;
	struct taihu_job_result res;
	struct taihu_bo *bo = (struct taihu_bo *)1;
	uint8_t buf[8];
	int fd = 1234;

	tap_ok(taihu_context_info(NULL, &ci) == -EINVAL,
	       "context_info on NULL device -> -EINVAL");
	tap_ok(taihu_bo_placement(NULL) == UINT32_MAX &&
	       taihu_bo_device(NULL) == NULL,
	       "bo_placement/bo_device on NULL");
	tap_ok(taihu_bo_write(NULL, 0, buf, sizeof(buf)) == -EINVAL &&
	       taihu_bo_read(NULL, 0, buf, sizeof(buf)) == -EINVAL,
	       "bo_write/bo_read on NULL -> -EINVAL");
	tap_ok(taihu_bo_export(NULL, &fd) == -EINVAL && fd == 1234,
	       "bo_export(NULL) -> -EINVAL, fd untouched");
	tap_ok(taihu_bo_import(NULL, 0, &bo) == -EINVAL &&
	       taihu_bo_import((struct taihu_device *)1, -1, &bo) == -EINVAL &&
	       taihu_bo_import((struct taihu_device *)1, 0, NULL) == -EINVAL,
	       "bo_import with NULL device, fd -1 or NULL out -> -EINVAL");
	tap_ok(taihu_copy(NULL, 0, NULL, 0, 4096, 0, &res) == -EINVAL &&
	       taihu_fill(NULL, 0, 4096, 0, 0, &res) == -EINVAL,
	       "copy/fill on NULL BOs -> -EINVAL");
}

static void test_submission_null_args(void)
{
	struct taihu_device *dev = (struct taihu_device *)1;
	struct taihu_job_result res;
	struct taihu_job job = { 0 };
	struct taihu_cmdbuf *cb = NULL;
	struct taihu_bo *bo = (struct taihu_bo *)1;
	uint32_t h = 77, first;
	uint64_t seqno, point = 0;
	int fd = 1234;

	tap_ok(taihu_wait_bo(NULL, 0, &res) == -EINVAL,
	       "wait_bo(NULL) -> -EINVAL");
	tap_ok(taihu_submit_cmdbuf(NULL, cb, &job, &seqno, &bo) == -EINVAL &&
	       taihu_submit_cmdbuf(dev, NULL, &job, &seqno, &bo) == -EINVAL &&
	       bo == (struct taihu_bo *)1,
	       "submit_cmdbuf with NULL device or stream -> -EINVAL");
	tap_ok(taihu_syncobj_create(NULL, 0, &h) == -EINVAL &&
	       taihu_syncobj_create(dev, 0, NULL) == -EINVAL &&
	       taihu_syncobj_destroy(NULL, 1) == -EINVAL &&
	       taihu_syncobj_destroy(dev, 0) == -EINVAL,
	       "syncobj create/destroy: NULL device/out or handle 0 -> -EINVAL");
	tap_ok(taihu_syncobj_export(NULL, 1, &fd) == -EINVAL &&
	       taihu_syncobj_export(dev, 0, &fd) == -EINVAL &&
	       taihu_syncobj_import(NULL, 3, &h) == -EINVAL &&
	       taihu_syncobj_import(dev, -1, &h) == -EINVAL &&
	       taihu_syncobj_export_sync_file(NULL, 1, 0, &fd) == -EINVAL &&
	       taihu_syncobj_export_sync_file(dev, 1, 0, NULL) == -EINVAL &&
	       taihu_syncobj_import_sync_file(dev, 1, -1) == -EINVAL &&
	       taihu_syncobj_import_sync_file(dev, 0, 3) == -EINVAL,
	       "syncobj export/import: bad arguments -> -EINVAL");
	tap_ok(taihu_syncobj_reset(dev, NULL, 1) == -EINVAL &&
	       taihu_syncobj_reset(dev, &h, 0) == -EINVAL &&
	       taihu_syncobj_signal(NULL, &h, 1) == -EINVAL &&
	       taihu_syncobj_wait(dev, NULL, 1, 0, 0, &first) == -EINVAL &&
	       taihu_syncobj_wait(dev, &h, 1, 0, 1u << 7, &first) == -EINVAL &&
	       taihu_syncobj_timeline_signal(dev, &h, NULL, 1) == -EINVAL &&
	       taihu_syncobj_timeline_query(dev, 1, NULL) == -EINVAL &&
	       taihu_syncobj_timeline_query(NULL, 1, &point) == -EINVAL &&
	       taihu_syncobj_timeline_wait(dev, &h, NULL, 1, 0, 0, &first) == -EINVAL &&
	       taihu_syncobj_transfer(dev, 0, 0, 1, 1) == -EINVAL &&
	       taihu_syncobj_transfer(NULL, 1, 0, 1, 1) == -EINVAL,
	       "syncobj reset/signal/wait/timeline/transfer: bad arguments -> -EINVAL");
}

static void test_not_taihu(void)
{
	char path[] = "/tmp/taihu-host-test-XXXXXX";
	struct taihu_device *dev = (struct taihu_device *)1;
	int fd, ret;

	tap_ok(taihu_device_open("/nonexistent/accel0", &dev) == -ENOENT &&
	       dev == NULL, "open of a missing node -> -ENOENT, *out NULL");
	ret = taihu_device_open("/dev/null", &dev);
	tap_ok(ret == -TAIHU_ENOTTAIHU,
	       "open of /dev/null -> -TAIHU_ENOTTAIHU (got %d: %s)", ret,
	       taihu_strerror(ret));
	fd = mkstemp(path);
	if (fd >= 0) {
		close(fd);
		ret = taihu_device_open(path, &dev);
		tap_ok(ret == -ENOTTY, "open of a regular file -> -ENOTTY (got %d)",
		       ret);
		unlink(path);
	}
}

static void test_enumerate(void)
{
	struct taihu_device_desc d[4];
	struct taihu_device *dev;
	int n, m, ret;

	n = taihu_enumerate(NULL, 0);
	tap_ok(n >= 0, "enumerate counts without failing (%d devices)", n);
	m = taihu_enumerate(d, 4);
	tap_ok(m == n, "enumerate with room returns the same count");
	if (n == 0) {
		ret = taihu_device_open_index(0, &dev);
		tap_ok(ret == -TAIHU_ENODEVICE,
		       "open_index(0) with no device -> -TAIHU_ENODEVICE");
	} else {
		tap_skip("open_index(0) with no device", "Taihu devices present");
	}
}

static void test_names(void)
{
	int i, ok = 1;

	for (i = 1; i < 200 && ok; i++)
		ok = taihu_strerror(-i) && taihu_strerror(i) &&
		     !strcmp(taihu_strerror(i), taihu_strerror(-i));
	tap_ok(ok && !strcmp(taihu_strerror(0), "success") &&
	       strstr(taihu_strerror(-TAIHU_ENOTTAIHU), "Taihu") &&
	       strstr(taihu_strerror(-TAIHU_ENODEVICE), "Taihu") &&
	       strstr(taihu_strerror(-TAIHU_EJOBFAILED), "job") &&
	       !strcmp(taihu_strerror(-ENOENT), "No such file or directory") &&
	       taihu_strerror(-99999) && taihu_strerror(INT32_MIN + 1),
	       "strerror describes errno and library codes, never NULL");
	tap_ok(!strcmp(taihu_job_status_name(DRM_TAIHU_JOB_SUCCESS), "SUCCESS") &&
	       !strcmp(taihu_job_status_name(DRM_TAIHU_JOB_INVALID_CMD), "INVALID_CMD") &&
	       !strcmp(taihu_job_status_name(DRM_TAIHU_JOB_DMA_ERROR), "DMA_ERROR") &&
	       !strcmp(taihu_job_status_name(DRM_TAIHU_JOB_MMU_FAULT), "MMU_FAULT") &&
	       !strcmp(taihu_job_status_name(DRM_TAIHU_JOB_TIMEOUT), "TIMEOUT") &&
	       !strcmp(taihu_job_status_name(DRM_TAIHU_JOB_CANCELLED), "CANCELLED") &&
	       !strcmp(taihu_job_status_name(77), "UNKNOWN"),
	       "job status names");
	tap_ok(!strcmp(taihu_cap_name(0), "NOP") && !strcmp(taihu_cap_name(1), "FILL") &&
	       !strcmp(taihu_cap_name(2), "COPY") &&
	       !strcmp(taihu_cap_name(3), "TIMESTAMP") &&
	       DRM_TAIHU_CAP_MMU == 1ULL << 4 && !strcmp(taihu_cap_name(4), "MMU") &&
	       DRM_TAIHU_CAP_SEMAPHORE == 1ULL << 5 &&
	       !strcmp(taihu_cap_name(5), "SEMAPHORE") &&
	       DRM_TAIHU_CAP_BARRIER == 1ULL << 6 &&
	       !strcmp(taihu_cap_name(6), "BARRIER") && taihu_cap_name(63) == NULL &&
	       taihu_cap_name(1000) == NULL,
	       "capability names match DRM_TAIHU_CAP_* bits");
	tap_ok(!strcmp(taihu_placement_name(DRM_TAIHU_PLACEMENT_VRAM), "VRAM") &&
	       !strcmp(taihu_placement_name(DRM_TAIHU_PLACEMENT_HOST), "HOST") &&
	       !strcmp(taihu_placement_name(2), "UNKNOWN") &&
	       !strcmp(taihu_access_name(DRM_TAIHU_ACCESS_READ), "READ") &&
	       !strcmp(taihu_access_name(DRM_TAIHU_ACCESS_WRITE), "WRITE") &&
	       !strcmp(taihu_access_name(7), "UNKNOWN"),
	       "placement and access names");
}

static void test_deadline(void)
{
	struct timespec ts;
	int64_t now, d;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
	d = taihu_deadline_ns(1000000000LL);
	tap_ok(d >= now + 1000000000LL && d < now + 2000000000LL,
	       "deadline is now + relative timeout on CLOCK_MONOTONIC");
	tap_ok(taihu_deadline_ns(INT64_MAX) == INT64_MAX &&
	       taihu_deadline_ns(INT64_MIN) < 0 &&
	       taihu_deadline_ns(-1) < now + 1000000000LL,
	       "deadline saturates instead of overflowing");
}

void test_lib_args(void)
{
	test_null_args();
	test_memory_null_args();
	test_submission_null_args();
	test_not_taihu();
	test_enumerate();
	test_names();
	test_deadline();
}
