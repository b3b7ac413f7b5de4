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
struct drm_printer;
struct taihu_device;
struct taihu_file;

/*
 * Ended results a file keeps besides those of its jobs in flight; older
 * ones are dropped at SUBMIT and WAIT says -ENOENT.
 */
#define TAIHU_MAX_RESULTS		4096
/* Jobs a file may have not ended per queue before SUBMIT waits. */
#define TAIHU_MAX_INFLIGHT		16384
/* Bounds on the arrays a submission may carry; beyond: -E2BIG. */
#define TAIHU_MAX_BO_HANDLES		DRM_TAIHU_MAX_SUBMIT_BOS
#define TAIHU_MAX_IN_SYNCS		DRM_TAIHU_MAX_IN_SYNCS
/* How long a job may run on the card before its queue is reset. */
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

/**
 * taihu_job_show_fdinfo() - print the file's busy time per queue
 * @p: the printer
 * @file: the DRM file
 *
 * One "drm-engine-q<N>: <ns> ns" line per hardware queue: the card time of
 * the file's ended jobs on that queue.
 */
void taihu_job_show_fdinfo(struct drm_printer *p, struct drm_file *file);

/**
 * taihu_submit_ioctl() - DRM_IOCTL_TAIHU_SUBMIT
 * @drm: the DRM device
 * @data: &struct drm_taihu_submit
 * @file: the calling file
 *
 * Return: 0 or a negative errno, see &struct drm_taihu_submit.
 */
int taihu_submit_ioctl(struct drm_device *drm, void *data,
		       struct drm_file *file);

/**
 * taihu_wait_ioctl() - DRM_IOCTL_TAIHU_WAIT
 * @drm: the DRM device
 * @data: &struct drm_taihu_wait
 * @file: the calling file
 *
 * Return: 0 or a negative errno, see &struct drm_taihu_wait.
 */
int taihu_wait_ioctl(struct drm_device *drm, void *data,
		     struct drm_file *file);

#endif /* __TAIHU_JOB_H__ */
