// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * User-mode submission queues (uapi: "User-mode submission queues"): the
 * ring, completions and control words mapped into the process; push writes
 * entries, kick publishes the tail and makes one light ioctl for the whole
 * batch, poll reads completions in memory, wait spins briefly and then
 * sleeps in UQ_WAIT. Not thread-safe: one thread pushes to a queue.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>

#include "taihu_internal.h"

/* How long taihu_uq_wait() polls memory before it sleeps. */
#define TAIHU_UQ_SPIN_NS	20000

struct taihu_uq {
	struct taihu_device *dev;
	uint32_t handle;
	uint32_t entries;
	uint8_t *map;
	size_t size;
	struct drm_taihu_uq_ctrl *ctrl;
	struct drm_taihu_uq_entry *ring;
	struct drm_taihu_uq_completion *compl;
	uint32_t tail;		/* next entry to push */
	uint32_t kicked;	/* tail at the last kick */
	bool entry_irq;		/* UQ_WAIT needs DRM_TAIHU_UQ_ENTRY_IRQ */
};

static int uq_ioctl(struct taihu_uq *uq, unsigned long req, void *arg)
{
	int ret;

	do {
		ret = ioctl(uq->dev->fd, req, arg);
	} while (ret < 0 && errno == EINTR);
	return ret < 0 ? -errno : 0;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

TAIHU_EXPORT int taihu_uq_create(struct taihu_device *dev, uint32_t queue, uint32_t entries,
				 struct taihu_uq **out)
{
	struct drm_taihu_uq_create c = { .queue = queue, .entries = entries };
	struct drm_taihu_uq_destroy d = { 0 };
	struct taihu_device_info info = { .size = sizeof(info) };
	struct taihu_uq *uq;
	int ret;

	if (!dev || !out)
		return -EINVAL;
	uq = calloc(1, sizeof(*uq));
	if (!uq)
		return -ENOMEM;
	uq->dev = dev;
	/* Else the kernel asks for the interrupt when a waiter sleeps. */
	uq->entry_irq = taihu_device_info(dev, &info) ||
			!(info.capabilities & DRM_TAIHU_CAP_UQ_WAIT_IRQ);
	ret = uq_ioctl(uq, DRM_IOCTL_TAIHU_UQ_CREATE, &c);
	if (ret) {
		free(uq);
		return ret;
	}
	uq->handle = c.handle;
	uq->entries = entries;
	uq->size = c.mmap_size;
	uq->map = mmap(NULL, c.mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, dev->fd,
		       (off_t)c.mmap_offset);
	if (uq->map == MAP_FAILED) {
		ret = -errno;
		d.handle = c.handle;
		uq_ioctl(uq, DRM_IOCTL_TAIHU_UQ_DESTROY, &d);
		free(uq);
		return ret;
	}
	uq->ctrl = (struct drm_taihu_uq_ctrl *)(void *)uq->map;
	uq->ring = (struct drm_taihu_uq_entry *)(void *)(uq->map + c.ring_offset);
	uq->compl = (struct drm_taihu_uq_completion *)(void *)(uq->map + c.compl_offset);
	taihu__device_get(dev);
	*out = uq;
	return 0;
}

TAIHU_EXPORT int taihu_uq_destroy(struct taihu_uq *uq)
{
	struct drm_taihu_uq_destroy d = { 0 };
	int ret;

	if (!uq)
		return 0;
	d.handle = uq->handle;
	ret = uq_ioctl(uq, DRM_IOCTL_TAIHU_UQ_DESTROY, &d);
	munmap(uq->map, uq->size);
	taihu__device_put(uq->dev);
	free(uq);
	return ret;
}

static uint32_t uq_head(const struct taihu_uq *uq)
{
	return __atomic_load_n(&uq->ctrl->head, __ATOMIC_ACQUIRE);
}

TAIHU_EXPORT int taihu_uq_push(struct taihu_uq *uq, uint64_t cmd_addr, uint32_t cmd_len,
			       uint64_t seqno, uint32_t *index)
{
	struct drm_taihu_uq_entry e = { .cmd_addr = cmd_addr, .cmd_len = cmd_len, .seqno = seqno };

	if (!uq)
		return -EINVAL;
	if (__atomic_load_n(&uq->ctrl->status, __ATOMIC_ACQUIRE))
		return -EIO;
	if (uq->tail - uq_head(uq) >= uq->entries)
		return -EAGAIN;
	memcpy(&uq->ring[uq->tail & (uq->entries - 1)], &e, sizeof(e));
	if (index)
		*index = uq->tail;
	uq->tail++;
	return 0;
}

TAIHU_EXPORT int taihu_uq_kick(struct taihu_uq *uq)
{
	struct drm_taihu_uq_kick k = { 0 };

	if (!uq)
		return -EINVAL;
	if (uq->tail == uq->kicked)
		return 0;
	/*
	 * Without DRM_TAIHU_CAP_UQ_WAIT_IRQ the batch's last entry wakes a
	 * sleeper; with it nothing is raised unless a waiter sleeps.
	 */
	if (uq->entry_irq)
		uq->ring[(uq->tail - 1) & (uq->entries - 1)].flags = DRM_TAIHU_UQ_ENTRY_IRQ;
	/* Entries (write-combined) before the tail, the tail before the kick. */
	__sync_synchronize();
	__atomic_store_n(&uq->ctrl->tail, uq->tail, __ATOMIC_RELEASE);
	__sync_synchronize();
	uq->kicked = uq->tail;
	k.handle = uq->handle;
	return uq_ioctl(uq, DRM_IOCTL_TAIHU_UQ_KICK, &k);
}

/* The card's codes as the library's job statuses. */
static uint32_t uq_job_status(uint32_t s)
{
	switch (s) {
	case DRM_TAIHU_UQ_JOB_SUCCESS:
		return DRM_TAIHU_JOB_SUCCESS;
	case DRM_TAIHU_UQ_JOB_DMA_ERROR:
		return DRM_TAIHU_JOB_DMA_ERROR;
	case DRM_TAIHU_UQ_JOB_MMU_FAULT:
		return DRM_TAIHU_JOB_MMU_FAULT;
	case DRM_TAIHU_UQ_JOB_ABORTED:
		return DRM_TAIHU_JOB_CANCELLED;
	case DRM_TAIHU_UQ_JOB_INVALID_KERNEL:
		return DRM_TAIHU_JOB_INVALID_KERNEL;
	case DRM_TAIHU_UQ_JOB_UNSUPPORTED:
		return DRM_TAIHU_JOB_UNSUPPORTED;
	default:
		return DRM_TAIHU_JOB_INVALID_CMD;
	}
}

static void uq_result(const struct taihu_uq *uq, uint32_t index, struct taihu_job_result *res)
{
	struct drm_taihu_uq_completion c;
	struct taihu_job_result r = { 0 };

	if (!res)
		return;
	memcpy(&c, &uq->compl[index & (uq->entries - 1)], sizeof(c));
	r.size = sizeof(r) < res->size || !res->size ? (uint32_t)sizeof(r) : res->size;
	r.status = uq_job_status(c.status);
	r.error_offset = c.error_offset;
	r.error_access = c.error_access;
	r.start_ns = c.start_ns;
	r.end_ns = c.end_ns;
	r.error_addr = c.error_addr;
	r.error_reason = c.error_reason;
	r.error_detail = c.error_detail;
	memcpy(res, &r, r.size);
}

TAIHU_EXPORT int taihu_uq_poll(struct taihu_uq *uq, uint32_t index, struct taihu_job_result *res)
{
	if (!uq || (int32_t)(index - uq->tail) >= 0)
		return -EINVAL;
	if ((int32_t)(uq_head(uq) - (index + 1)) >= 0) {
		uq_result(uq, index, res);
		return 0;
	}
	return __atomic_load_n(&uq->ctrl->status, __ATOMIC_ACQUIRE) ? -EIO : -EBUSY;
}

TAIHU_EXPORT int taihu_uq_wait(struct taihu_uq *uq, uint32_t index, int64_t timeout_ns,
			       struct taihu_job_result *res)
{
	struct drm_taihu_uq_wait w = { 0 };
	int64_t start;
	int ret;

	if (!uq || (int32_t)(index - uq->tail) >= 0)
		return -EINVAL;
	if ((int32_t)(index - uq->kicked) >= 0) {
		ret = taihu_uq_kick(uq);
		if (ret)
			return ret;
	}
	start = now_ns();
	do {
		ret = taihu_uq_poll(uq, index, res);
		if (ret != -EBUSY)
			return ret;
	} while (now_ns() - start < TAIHU_UQ_SPIN_NS);
	w.handle = uq->handle;
	w.head = index + 1;
	w.timeout_ns = timeout_ns < 0 ? INT64_MAX : start + timeout_ns;
	ret = uq_ioctl(uq, DRM_IOCTL_TAIHU_UQ_WAIT, &w);
	if (ret)
		return ret;
	/* Reached, or stopped before it. */
	ret = taihu_uq_poll(uq, index, res);
	return ret == -EBUSY ? -EIO : ret;
}

TAIHU_EXPORT uint32_t taihu_uq_status(const struct taihu_uq *uq)
{
	struct drm_taihu_uq_wait w = { 0 };

	if (!uq)
		return DRM_TAIHU_JOB_CANCELLED;
	w.handle = uq->handle;
	w.head = uq_head(uq);
	/* A past deadline polls: the kernel's verdict, not the mapping's. */
	if (ioctl(uq->dev->fd, DRM_IOCTL_TAIHU_UQ_WAIT, &w) && errno != ETIME)
		return DRM_TAIHU_JOB_CANCELLED;
	return w.status;
}
