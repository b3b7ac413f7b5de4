// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Job submission and waiting.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sys/ioctl.h>

#include "taihu_internal.h"

/*
 * SUBMIT without drmIoctl(): that restarts on EAGAIN, which would turn
 * DRM_TAIHU_SUBMIT_NONBLOCK into a busy loop. Only EINTR is restarted.
 */
static int submit_ioctl(int fd, struct drm_taihu_submit *args)
{
	int ret;

	do {
		ret = ioctl(fd, DRM_IOCTL_TAIHU_SUBMIT, args);
	} while (ret == -1 && errno == EINTR);
	return ret ? (errno ? -errno : -EIO) : 0;
}

/* The first version of &struct taihu_job ends at @out_sync_point. */
#define JOB_SIZE_V1	TAIHU__SIZEOF_UPTO(struct taihu_job, out_sync_point)

/*
 * Check @user_job and fill @args from it; *@handles gets the BO handle
 * array @args points to (free it after the ioctl).
 */
static int job_args(struct taihu_device *dev, const struct taihu_job *user_job,
		    struct drm_taihu_submit *args, uint32_t **handles)
{
	struct taihu_job copy, *job = &copy;
	uint32_t i;
	int ret;

	*handles = NULL;
	if (!user_job)
		return -EINVAL;
	ret = taihu__sized_in(&copy, sizeof(copy), user_job, JOB_SIZE_V1);
	if (ret)
		return ret;
	if (!job->cmd_bo)
		return -EINVAL;
	if (job->cmd_bo->dev != dev)
		return -EXDEV;
	if ((job->bo_count && !job->bos) ||
	    (job->in_sync_count && !job->in_syncs))
		return -EINVAL;
	/* Refused by the kernel too; checked here before allocating. */
	if (job->bo_count > TAIHU_MAX_JOB_BOS ||
	    job->in_sync_count > TAIHU_MAX_IN_SYNCS)
		return -E2BIG;
	if (job->bo_count) {
		*handles = calloc(job->bo_count, sizeof(**handles));
		if (!*handles)
			return -ENOMEM;
		for (i = 0; i < job->bo_count; i++) {
			if (!job->bos[i] || job->bos[i]->dev != dev) {
				free(*handles);
				*handles = NULL;
				return -EINVAL;
			}
			(*handles)[i] = job->bos[i]->handle;
		}
	}
	memset(args, 0, sizeof(*args));
	args->queue = job->queue;
	args->priority = job->priority;
	args->cmd_handle = job->cmd_bo->handle;
	args->cmd_offset = job->cmd_offset;
	args->cmd_len = job->cmd_len;
	args->bo_count = job->bo_count;
	args->bo_handles = (uintptr_t)*handles;
	args->in_syncs = (uintptr_t)job->in_syncs;
	args->in_sync_count = job->in_sync_count;
	args->out_sync_handle = job->out_sync_handle;
	args->out_sync_point = job->out_sync_point;
	args->flags = job->flags;
	return 0;
}

TAIHU_EXPORT int taihu_submit(struct taihu_device *dev,
			      const struct taihu_job *user_job, uint64_t *seqno)
{
	struct drm_taihu_submit args;
	uint32_t *handles;
	int ret;

	if (!dev || !seqno)
		return -EINVAL;
	ret = job_args(dev, user_job, &args, &handles);
	if (ret)
		return ret;
	/* CPU writes through write-combined maps must land before the card reads. */
	__sync_synchronize();
	ret = submit_ioctl(dev->fd, &args);
	free(handles);
	if (ret)
		return ret;
	*seqno = args.seqno;
	return 0;
}

/* One SUBMIT_BATCH of at most DRM_TAIHU_MAX_BATCH_JOBS jobs. */
static int submit_batch_chunk(struct taihu_device *dev,
			      const struct taihu_job *const *jobs,
			      uint32_t count, uint64_t *seqnos, int *errors)
{
	struct drm_taihu_submit args[DRM_TAIHU_MAX_BATCH_JOBS];
	uint32_t *handles[DRM_TAIHU_MAX_BATCH_JOBS];
	/* the kernel fills b.processed of them; zeroed for the analysers */
	int32_t kerr[DRM_TAIHU_MAX_BATCH_JOBS] = { 0 };
	uint32_t map[DRM_TAIHU_MAX_BATCH_JOBS];
	struct drm_taihu_submit_batch b = { 0 };
	uint32_t i, n = 0;
	int ret;

	/* Jobs the library refuses get their error; the rest go in one call. */
	for (i = 0; i < count; i++) {
		errors[i] = job_args(dev, jobs[i], &args[n], &handles[n]);
		seqnos[i] = 0;
		if (!errors[i])
			map[n++] = i;
	}
	if (!n)
		return 0;
	b.jobs = (uintptr_t)args;
	b.errors = (uintptr_t)kerr;
	b.count = n;
	b.stride = sizeof(args[0]);
	__sync_synchronize();
	do {
		ret = ioctl(dev->fd, DRM_IOCTL_TAIHU_SUBMIT_BATCH, &b);
	} while (ret == -1 && errno == EINTR);
	ret = ret ? (errno ? -errno : -EIO) : 0;
	for (i = 0; i < n; i++) {
		if (ret)
			errors[map[i]] = ret;
		else if (i >= b.processed)
			errors[map[i]] = -EINTR;
		else if (!(errors[map[i]] = kerr[i]))
			seqnos[map[i]] = args[i].seqno;
		free(handles[i]);
	}
	return 0;
}

TAIHU_EXPORT int taihu_submit_batch(struct taihu_device *dev,
				    const struct taihu_job *const *jobs,
				    uint32_t count, uint64_t *seqnos,
				    int *errors)
{
	uint32_t done, n;
	int ret;

	if (!dev || !jobs || !seqnos || !errors)
		return -EINVAL;
	for (done = 0; done < count; done += n) {
		n = count - done;
		if (n > DRM_TAIHU_MAX_BATCH_JOBS)
			n = DRM_TAIHU_MAX_BATCH_JOBS;
		ret = submit_batch_chunk(dev, jobs + done, n, seqnos + done,
					 errors + done);
		if (ret)
			return ret;
	}
	return 0;
}

TAIHU_EXPORT int taihu_submit_cmdbuf(struct taihu_device *dev,
				     const struct taihu_cmdbuf *cb,
				     const struct taihu_job *job,
				     uint64_t *seqno, struct taihu_bo **cmd_bo)
{
	struct taihu_job j;
	struct taihu_bo *bo;
	size_t len;
	int ret;

	if (!dev || !cb || !job || !seqno || !cmd_bo)
		return -EINVAL;
	*cmd_bo = NULL;
	ret = taihu__sized_in(&j, sizeof(j), job, JOB_SIZE_V1);
	if (ret)
		return ret;
	len = taihu_cmdbuf_size(cb);
	if (len > UINT32_MAX)
		return -E2BIG;
	ret = taihu_cmdbuf_upload(cb, dev, &bo);
	if (ret)
		return ret;
	j.size = sizeof(j);
	j.cmd_bo = bo;
	j.cmd_offset = 0;
	j.cmd_len = (uint32_t)len;
	ret = taihu_submit(dev, &j, seqno);
	if (ret) {
		taihu_bo_free(bo);
		return ret;
	}
	*cmd_bo = bo;
	return 0;
}

static int wait_ioctl(int fd, struct drm_taihu_wait *args,
		      struct taihu_job_result *result)
{
	struct taihu_job_result r;
	int ret;

	if (result && taihu__sized_check(result, TAIHU__RESULT_SIZE_V1))
		return -EINVAL;
	ret = taihu__ioctl(fd, DRM_IOCTL_TAIHU_WAIT, args);
	if (ret)
		return ret;
	if (result) {
		memset(&r, 0, sizeof(r));
		r.status = args->status;
		r.error_offset = args->error_offset;
		r.start_ns = args->start_ns;
		r.end_ns = args->end_ns;
		r.error_addr = args->error_addr;
		r.error_access = args->error_access;
		r.error_reason = args->error_reason;
		r.error_detail = args->error_detail;
		taihu__sized_out(result, &r, sizeof(r));
	}
	return 0;
}

TAIHU_EXPORT int taihu_wait(struct taihu_device *dev, uint64_t seqno,
			    int64_t deadline_ns, struct taihu_job_result *result)
{
	struct drm_taihu_wait args = { 0 };

	if (!dev)
		return -EINVAL;
	args.seqno = seqno;
	args.timeout_ns = deadline_ns;
	return wait_ioctl(dev->fd, &args, result);
}

TAIHU_EXPORT int taihu_wait_bo(struct taihu_bo *bo, int64_t deadline_ns,
			       struct taihu_job_result *result)
{
	struct drm_taihu_wait args = { 0 };

	if (!bo)
		return -EINVAL;
	args.flags = DRM_TAIHU_WAIT_BO;
	args.handle = bo->handle;
	args.timeout_ns = deadline_ns;
	return wait_ioctl(bo->dev->fd, &args, result);
}

TAIHU_EXPORT int64_t taihu_deadline_ns(int64_t rel_ns)
{
	struct timespec ts;
	int64_t now;

	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		return INT64_MAX;
	now = (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
	if (rel_ns > 0 && now > INT64_MAX - rel_ns)
		return INT64_MAX;
	if (rel_ns < 0 && now < INT64_MIN - rel_ns)
		return INT64_MIN;
	return now + rel_ns;
}

TAIHU_EXPORT int taihu_run(struct taihu_device *dev,
			   const struct taihu_cmdbuf *cb, uint32_t queue,
			   struct taihu_bo *const *bos, uint32_t bo_count,
			   int64_t timeout_ns, struct taihu_job_result *result)
{
	struct taihu_job_result res = { .size = sizeof(res) };
	struct taihu_job job = { .size = sizeof(job) };
	struct taihu_bo *cmd;
	uint64_t seqno;
	size_t len;
	int ret;

	if (!dev || !cb)
		return -EINVAL;
	if (result && taihu__sized_check(result, TAIHU__RESULT_SIZE_V1))
		return -EINVAL;
	len = taihu_cmdbuf_size(cb);
	if (len > UINT32_MAX)
		return -E2BIG;
	ret = taihu_cmdbuf_upload(cb, dev, &cmd);
	if (ret)
		return ret;
	job.queue = queue;
	job.priority = DRM_TAIHU_PRIORITY_NORMAL;
	job.cmd_bo = cmd;
	job.cmd_len = (uint32_t)len;
	job.bos = bos;
	job.bo_count = bo_count;
	ret = taihu_submit(dev, &job, &seqno);
	if (!ret)
		ret = taihu_wait(dev, seqno, taihu_deadline_ns(timeout_ns), &res);
	/* After a timed-out wait the kernel still holds its own reference. */
	taihu_bo_free(cmd);
	if (ret)
		return ret;
	if (result)
		taihu__sized_out(result, &res, sizeof(res));
	return res.status == DRM_TAIHU_JOB_SUCCESS ? 0 : -TAIHU_EJOBFAILED;
}
