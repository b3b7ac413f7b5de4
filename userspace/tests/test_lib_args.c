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
#include "../lib/taihu_internal.h"
#include "tap.h"

static void test_null_args(void)
{
	struct taihu_device_info info = { .size = sizeof(info) };
	struct taihu_bo_info bi = { .size = sizeof(bi) };
	struct taihu_job_result res = { .size = sizeof(res) };
	struct taihu_device *dev = (struct taihu_device *)1;
	struct taihu_bo *bo = (struct taihu_bo *)1;
	struct taihu_cmdbuf *cb;
	struct taihu_job job = { .size = sizeof(job) };
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
	tap_ok(taihu_device_list_new(NULL) == -EINVAL &&
	       taihu_device_list_count(NULL) == 0 &&
	       taihu_device_list_get(NULL, 0) == NULL &&
	       taihu_device_get_desc(NULL) == NULL &&
	       taihu_device_desc_index(NULL) == UINT32_MAX &&
	       taihu_device_desc_minor(NULL) == UINT32_MAX &&
	       !strcmp(taihu_device_desc_node(NULL), "") &&
	       !strcmp(taihu_device_desc_pci_slot(NULL), "") &&
	       !strcmp(taihu_device_desc_syspath(NULL), "") &&
	       !strcmp(taihu_device_desc_serial(NULL), ""),
	       "device list and descriptor getters on NULL");
	taihu_device_list_free(NULL);
}

static void test_memory_null_args(void)
{
	struct taihu_context_info ci = { .size = sizeof(ci) };
	struct taihu_job_result res = { .size = sizeof(res) };
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
	struct taihu_job_result res = { .size = sizeof(res) };
	struct taihu_job job = { .size = sizeof(job) };
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
	static const char *const names[] = {
		"0", "7", "0000:00:03.0", "00:03.0", "T1-0000", "/dev/null",
	};
	static const char *const bad_pci[] = {
		"0000:00:20.0", "00:03.8", " 00:03.0", "0000:00:03.0x",
		"+0:03.0",
	};
	const struct taihu_device_desc *d = (const void *)1;
	struct taihu_device_list *list;
	struct taihu_device *dev;
	unsigned int n, i;
	int ret, ok;

	ret = taihu_device_list_new(&list);
	tap_ok(!ret, "device_list_new without failing (%s)", taihu_strerror(ret));
	if (ret)
		return;
	n = taihu_device_list_count(list);
	tap_ok(taihu_device_list_get(list, n) == NULL,
	       "device_list_get past the end -> NULL (%u devices)", n);
	tap_ok(taihu_device_list_find(list, "", &d) == -EINVAL &&
	       taihu_device_list_find(list, NULL, &d) == -EINVAL &&
	       taihu_device_list_find(list, "0", NULL) == -EINVAL,
	       "device_list_find: empty or NULL name, NULL out -> -EINVAL");
	if (n) {
		taihu_device_list_free(list);
		tap_skip("names with no device match nothing", "Taihu devices present");
		return;
	}
	ok = 1;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		d = (const void *)1;
		ok &= taihu_device_list_find(list, names[i], &d) ==
		      -TAIHU_ENODEVICE && d == NULL;
		ok &= taihu_device_open(names[i], &dev) == -TAIHU_ENODEVICE ||
		      !strcmp(names[i], "/dev/null");
	}
	for (i = 0; i < sizeof(bad_pci) / sizeof(bad_pci[0]); i++)
		ok &= taihu_device_list_find(list, bad_pci[i], &d) ==
		      -TAIHU_ENODEVICE;
	tap_ok(ok, "index, PCI address, serial and path name no device "
	       "-> -TAIHU_ENODEVICE");
	tap_ok(taihu_device_open_index(0, &dev) == -TAIHU_ENODEVICE,
	       "open_index(0) with no device -> -TAIHU_ENODEVICE");
	taihu_device_list_free(list);
}

/*
 * Size-prefixed structures: a missing or garbage size is refused, a newer
 * caller's larger structure works as long as its unknown fields are zero,
 * and output never goes past the caller's size.
 */
static void test_sized_structs(void)
{
	struct taihu_device *dev = (struct taihu_device *)1;
	struct taihu_bo *bo = (struct taihu_bo *)1;
	struct {
		struct taihu_job job;
		uint64_t newer_field;
	} big = { .job = { .size = sizeof(big), .cmd_bo = bo } };
	struct taihu_job job = { .cmd_bo = bo };
	struct taihu_device_info info = { 0 };
	struct taihu_job_result res = { 0 };
	struct {
		struct taihu_job_result r;
		uint8_t tail[16];
	} out;
	uint64_t seqno;
	unsigned int i;
	int ok;

	tap_ok(taihu_submit(dev, &job, &seqno) == -EINVAL &&
	       taihu_device_info(dev, &info) == -EINVAL &&
	       taihu_run(dev, (struct taihu_cmdbuf *)1, 0, NULL, 0, 0, &res) ==
	       -EINVAL,
	       "size 0 (not set) -> -EINVAL");
	job.size = 0x7fffffff;
	tap_ok(taihu_submit(dev, &job, &seqno) == -EINVAL,
	       "a garbage size -> -EINVAL");
	big.newer_field = 1;
	tap_ok(taihu_submit(dev, &big.job, &seqno) == -E2BIG,
	       "a newer caller's non-zero field this library lacks -> -E2BIG");
	job.size = sizeof(struct taihu_job) - 8;
	tap_ok(taihu_submit(dev, &job, &seqno) == -EINVAL,
	       "a size below the first version -> -EINVAL");

	/* Output to a larger structure: zeroed up to its size, not beyond. */
	memset(&out, 0xa5, sizeof(out));
	out.r.size = sizeof(out.r) + 8;
	res.size = sizeof(res);
	res.status = 3;
	res.error_addr = 0x1234;
	taihu__sized_out(&out, &res, sizeof(res));
	ok = out.r.size == sizeof(out.r) + 8 && out.r.status == 3 &&
	     out.r.error_addr == 0x1234;
	for (i = 0; i < 8; i++)
		ok &= out.tail[i] == 0;
	for (; i < sizeof(out.tail); i++)
		ok &= out.tail[i] == 0xa5;
	tap_ok(ok, "output: fields copied, the newer caller's rest zeroed, "
	       "nothing past its size");
	/* Output to an older, smaller structure. */
	memset(&out, 0xa5, sizeof(out));
	out.r.size = TAIHU__SIZEOF_UPTO(struct taihu_job_result, error_offset);
	taihu__sized_out(&out, &res, sizeof(res));
	tap_ok(out.r.status == 3 && out.r.error_access == 0xa5a5a5a5u &&
	       out.r.size == TAIHU__SIZEOF_UPTO(struct taihu_job_result,
						error_offset),
	       "output to a smaller structure stops at its size");
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
	test_sized_structs();
	test_names();
	test_deadline();
}
