// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Error descriptions and names of job statuses and capabilities.
 */
#define _GNU_SOURCE
#include <string.h>

#include "taihu_internal.h"

TAIHU_EXPORT const char *taihu_strerror(int err)
{
	const char *s;

	if (err < 0)
		err = -err;
	switch (err) {
	case 0:
		return "success";
	case TAIHU_ENOTTAIHU:
		return "not a Taihu device (driver is not \"taihu\")";
	case TAIHU_ENODEVICE:
		return "no Taihu device matches that name, index, PCI address or serial";
	case TAIHU_EJOBFAILED:
		return "job ended with an error status";
	}
	/* strerrordesc_np() is thread-safe and never returns a buffer we own. */
	s = strerrordesc_np(err);
	return s ? s : "unknown error";
}

TAIHU_EXPORT const char *taihu_job_status_name(uint32_t status)
{
	switch (status) {
	case DRM_TAIHU_JOB_SUCCESS:
		return "SUCCESS";
	case DRM_TAIHU_JOB_INVALID_CMD:
		return "INVALID_CMD";
	case DRM_TAIHU_JOB_DMA_ERROR:
		return "DMA_ERROR";
	case DRM_TAIHU_JOB_MMU_FAULT:
		return "MMU_FAULT";
	case DRM_TAIHU_JOB_TIMEOUT:
		return "TIMEOUT";
	case DRM_TAIHU_JOB_CANCELLED:
		return "CANCELLED";
	case DRM_TAIHU_JOB_INVALID_KERNEL:
		return "INVALID_KERNEL";
	case DRM_TAIHU_JOB_UNSUPPORTED:
		return "UNSUPPORTED";
	}
	return "UNKNOWN";
}

TAIHU_EXPORT const char *taihu_placement_name(uint32_t placement)
{
	switch (placement) {
	case DRM_TAIHU_PLACEMENT_VRAM:
		return "VRAM";
	case DRM_TAIHU_PLACEMENT_HOST:
		return "HOST";
	}
	return "UNKNOWN";
}

TAIHU_EXPORT const char *taihu_access_name(uint32_t access)
{
	switch (access) {
	case DRM_TAIHU_ACCESS_READ:
		return "READ";
	case DRM_TAIHU_ACCESS_WRITE:
		return "WRITE";
	}
	return "UNKNOWN";
}

TAIHU_EXPORT const char *taihu_cap_name(unsigned int bit)
{
	static const char *const names[] = {
		[0] = "NOP",
		[1] = "FILL",
		[2] = "COPY",
		[3] = "TIMESTAMP",
		[4] = "MMU",
		[5] = "SEMAPHORE",
		[6] = "BARRIER",
		[7] = "KERNEL",
		[8] = "USER_QUEUES",
		[9] = "UQ_WAIT_IRQ",
	};

	if (bit >= sizeof(names) / sizeof(names[0]))
		return NULL;
	return names[bit];
}
