// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * A session's user queue. A run through SUBMIT costs a system call and a
 * fence round trip through the kernel (about twice the platform's
 * doorbell-to-interrupt ping); an entry pushed on a user queue and kicked
 * costs about a fifth of it. So a session whose card has user queues
 * creates one per prepare, has one null SUBMIT map its buffers, and then
 * pushes its command stream once per run (session.c).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ox.h"
#include "uqueue.h"

/* Longest wait for the reason of a stop (the card's answer to UQ_DISABLE). */
#define STOP_WAIT_MS	2000

bool ox_uq_wanted(struct taihu_device *dev, uint32_t flags)
{
	struct taihu_device_info info = { .size = sizeof(info) };
	const char *env = getenv("TAIHU_ONNX_NO_USER_QUEUE");

	if ((flags & TAIHU_ONNX_NO_USER_QUEUE) || (env && !strcmp(env, "1")))
		return false;
	return !taihu_device_info(dev, &info) && (info.capabilities & DRM_TAIHU_CAP_USER_QUEUES);
}

int ox_uq_start(struct taihu_device *dev, uint32_t queue, struct taihu_bo *const *bos,
		uint32_t n, int64_t timeout_ns, struct taihu_uq **out,
		struct taihu_job_result *res)
{
	struct taihu_cmdbuf *cb;
	struct taihu_uq *uq;
	int err;

	*out = NULL;
	/* -EOPNOTSUPP, -ENOSPC (the file's or the card's queues all in use)... */
	if (taihu_uq_create(dev, queue, OX_UQ_ENTRIES, &uq))
		return 1;
	err = taihu_cmdbuf_new(&cb);
	if (!err) {
		err = taihu_cmdbuf_nop(cb, 8);
		if (err >= 0)
			err = taihu_run(dev, cb, queue, bos, n, timeout_ns, res);
		taihu_cmdbuf_free(cb);
	}
	if (err == -TAIHU_EJOBFAILED)
		err = 0;	/* the caller reads @res */
	if (err || res->status != DRM_TAIHU_JOB_SUCCESS) {
		taihu_uq_destroy(uq);
		return err;
	}
	*out = uq;
	return 0;
}

/*
 * How long a run polls its completion record before it sleeps in UQ_WAIT:
 * the last run's device time and a half, plus SPIN_EXTRA_NS, at most
 * SPIN_MAX_NS. A sleeping waiter is woken by the completion interrupt,
 * some 200 us after the job's end in a TCG guest; a poll sees the record
 * at once. Sleeping through most of a long job first (nanosleep) was
 * worse: the guest's timers overslept by hundreds of us.
 */
#define SPIN_EXTRA_NS	(100 * 1000LL)
#define SPIN_MAX_NS	(5 * 1000 * 1000LL)

int ox_uq_wait(struct taihu_uq *uq, uint32_t index, uint64_t expect_ns, int64_t timeout_ns,
	       struct taihu_job_result *res)
{
	int64_t spin = (int64_t)(expect_ns + expect_ns / 2) + SPIN_EXTRA_NS, start, end;
	int err;

	if (spin > SPIN_MAX_NS)
		spin = SPIN_MAX_NS;
	start = taihu_deadline_ns(0);
	end = start + spin;
	do {
		err = taihu_uq_poll(uq, index, res);
		if (err != -EBUSY)
			return err;
	} while (taihu_deadline_ns(0) < end);
	if (timeout_ns >= 0) {
		timeout_ns -= taihu_deadline_ns(0) - start;
		if (timeout_ns < 0)
			timeout_ns = 0;
	}
	return taihu_uq_wait(uq, index, timeout_ns, res);
}

void ox_uq_stopped(const struct taihu_uq *uq, struct taihu_job_result *res)
{
	uint32_t size = res->size, why = taihu_uq_status(uq);

	memset(res, 0, sizeof(*res));
	res->size = size;
	/* -EIO without a reason: the queue is gone all the same */
	res->status = why ? why : DRM_TAIHU_JOB_CANCELLED;
}

void ox_uq_failed(const struct taihu_uq *uq, struct taihu_job_result *res)
{
	const struct timespec ms = { .tv_nsec = 1000000 };
	int i;

	/*
	 * Only a stop aborts an entry: the kernel's (a timeout, a reset) or
	 * the card's. The kernel posts its reason once the card's UQ_DISABLE
	 * returned, which may be after the aborted record reached us.
	 */
	if (res->status != DRM_TAIHU_JOB_CANCELLED)
		return;
	for (i = 0; i < STOP_WAIT_MS; i++) {
		if (taihu_uq_status(uq)) {
			ox_uq_stopped(uq, res);
			return;
		}
		nanosleep(&ms, NULL);
	}
}
