/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Jobs: drm_sched per hardware queue, an entity per file context, queue and
 * priority, SUBMIT and WAIT, and the per-file table of job results.
 */
#ifndef __TAIHU_JOB_H__
#define __TAIHU_JOB_H__

#include <linux/types.h>

struct drm_device;
struct drm_file;
struct taihu_device;
struct taihu_file;

/* Results a file keeps; older ones are dropped and WAIT says -ENOENT. */
#define TAIHU_MAX_RESULTS		4096
/* Bounds on the arrays a submission may carry. */
#define TAIHU_MAX_BO_HANDLES		4096
#define TAIHU_MAX_IN_SYNCS		256
/* How long a job may run before it is cancelled. */
#define TAIHU_JOB_TIMEOUT_MS		5000

/**
 * taihu_job_sched_init() - create a scheduler for each enabled queue
 * @tdev: the device
 *
 * The schedulers are torn down by a DRM-managed action, that is once the
 * last file is closed, because entities of open files refer to them.
 *
 * Return: 0 or a negative errno.
 */
int taihu_job_sched_init(struct taihu_device *tdev);

/**
 * taihu_job_file_init() - set up the scheduler entities of a new file
 * @tfile: the file
 *
 * Return: 0 or a negative errno.
 */
int taihu_job_file_init(struct taihu_file *tfile);

/**
 * taihu_job_file_fini() - flush or kill the file's jobs and drop its results
 * @tfile: the file
 */
void taihu_job_file_fini(struct taihu_file *tfile);

int taihu_submit_ioctl(struct drm_device *drm, void *data,
		       struct drm_file *file);
int taihu_wait_ioctl(struct drm_device *drm, void *data,
		     struct drm_file *file);

#endif /* __TAIHU_JOB_H__ */
