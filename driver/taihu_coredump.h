/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Crash dumps through devcoredump: what the card and the driver knew when
 * a fault was noticed, before the recovery changes it. The format is text,
 * versioned and documented in docs/coredump.md; taihu dump decodes it.
 */
#ifndef __TAIHU_COREDUMP_H__
#define __TAIHU_COREDUMP_H__

struct taihu_device;
struct taihu_job;

/* Version of the dump's format ("format: taihu-devcoredump N"). */
#define TAIHU_COREDUMP_FORMAT		1
/* Bytes of the guilty job's command stream that a dump holds. */
#define TAIHU_COREDUMP_CMD_HEAD		256

/**
 * taihu_coredump_card() - dump the card before it is reset
 * @tdev: the device
 * @reason: why, as the card-reset uevent's TAIHU_REASON ("fw-crash",
 *	"heartbeat")
 *
 * Process context; sleeps; takes &taihu_device.ctx_lock. No guilty job is
 * known. devcoredump keeps one dump per device: while an earlier one is
 * unread (or not freed), this one is dropped.
 */
void taihu_coredump_card(struct taihu_device *tdev, const char *reason);

/**
 * taihu_coredump_job() - dump the card for a job that timed out
 * @job: the guilty job, still holding its command buffer
 *
 * As taihu_coredump_card(), reason "job-timeout", with the job's queue,
 * context and the first TAIHU_COREDUMP_CMD_HEAD bytes of its command
 * stream.
 */
void taihu_coredump_job(struct taihu_job *job);

#endif /* __TAIHU_COREDUMP_H__ */
