/* SPDX-License-Identifier: MIT */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * A session's user queue: how a run becomes one ring entry (uqueue.c).
 */
#ifndef OX_UQUEUE_H
#define OX_UQUEUE_H

#include <stdbool.h>
#include <stdint.h>

#include "taihu/taihu.h"

/* Ring slots: a run waits for its entry, so one would do; a few cost nothing. */
#define OX_UQ_ENTRIES	4

/**
 * ox_uq_wanted() - may a session of @dev run through a user queue?
 * @dev: the device
 * @flags: the session's TAIHU_ONNX_* flags
 *
 * Return: false with TAIHU_ONNX_NO_USER_QUEUE, with the environment's
 * TAIHU_ONNX_NO_USER_QUEUE=1, or when the card has no user queues.
 */
bool ox_uq_wanted(struct taihu_device *dev, uint32_t flags);

/**
 * ox_uq_start() - a user queue on @queue whose entries may use @bos
 * @dev: the device
 * @queue: hardware queue
 * @bos: every buffer the entries touch
 * @n: how many
 * @timeout_ns: of the null job that lists them (relative)
 * @out: receives the queue, or NULL
 * @res: how the null job ended, when 0 is returned (not SUCCESS: *@out
 *	is NULL)
 *
 * A null SUBMIT lists @bos so that the kernel maps them in the file's
 * context (host buffers reach the card only once a SUBMIT used them).
 *
 * Return: 0; 1 when the queue cannot be created (the caller falls back to
 * SUBMIT); or the error of that SUBMIT or of its wait.
 */
int ox_uq_start(struct taihu_device *dev, uint32_t queue, struct taihu_bo *const *bos,
		uint32_t n, int64_t timeout_ns, struct taihu_uq **out,
		struct taihu_job_result *res);

/**
 * ox_uq_wait() - wait for entry @index of @uq, kicked: poll its completion
 *	for about as long as the job should take, then sleep
 * @uq: the queue
 * @index: from taihu_uq_push()
 * @expect_ns: how long the job should take (the last run's device time;
 *	0 when unknown)
 * @timeout_ns: in all, relative, negative for none
 * @res: as for taihu_uq_wait()
 *
 * Return: as taihu_uq_wait().
 */
int ox_uq_wait(struct taihu_uq *uq, uint32_t index, uint64_t expect_ns, int64_t timeout_ns,
	       struct taihu_job_result *res);

/**
 * ox_uq_stopped() - @res as a job that ended with the reason @uq stopped
 * @uq: a stopped queue (taihu_uq_push() or taihu_uq_wait() said -EIO)
 * @res: filled: that status, no error details
 */
void ox_uq_stopped(const struct taihu_uq *uq, struct taihu_job_result *res);

/**
 * ox_uq_failed() - @res of a job of @uq that did not succeed, told as the
 *	user's error: a job the card aborted since the kernel stopped its
 *	queue (a timeout, a reset) ends with the queue's reason
 * @uq: the queue
 * @res: the job's result, rewritten in that case
 */
void ox_uq_failed(const struct taihu_uq *uq, struct taihu_job_result *res);

#endif /* OX_UQUEUE_H */
