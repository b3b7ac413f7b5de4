// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Many jobs in flight from one process: 10,000 jobs submitted over every
 * queue behind gates (jobs stalled in SEM_WAIT), so that they are all
 * unfinished at once, then released: every job completes with SUCCESS and
 * wrote its own value. And the results of unfinished jobs are never
 * dropped, however many other jobs end meanwhile.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "taihu_submit_util.h"
#include "taihu_test_util.h"

#define NJOBS		10000
#define MAX_QUEUES	8

FIXTURE(inflight)
{
	struct taihu_device *dev;
	struct taihu_device_info info;
	struct ts_buf gates, results;
	struct ts_pool pool;
	uint32_t nq;
};

FIXTURE_SETUP(inflight)
{
	int ret;

	ret = tt_open_first(&self->dev, NULL);
	ASSERT_EQ(0, ret) TH_LOG("no Taihu device: %s", taihu_strerror(ret));
	self->info.size = sizeof(self->info);
	ASSERT_EQ(0, taihu_device_info(self->dev, &self->info));
	self->nq = self->info.num_queues;
	ASSERT_GE(self->nq, 1);
	ASSERT_LE(self->nq, MAX_QUEUES);
	ASSERT_EQ(0, ts_buf_new(self->dev, 4096, &self->gates));
	ASSERT_EQ(0, ts_buf_new(self->dev, 8ULL * NJOBS, &self->results));
	/* One SEM_SIGNAL (32 bytes) per job. */
	ASSERT_EQ(0, ts_pool_new(self->dev, 32ULL * NJOBS, &self->pool));
}

FIXTURE_TEARDOWN(inflight)
{
	uint32_t q;

	if (self->gates.p)
		for (q = 0; q < MAX_QUEUES; q++)
			ts_set64(&self->gates, 8 * q, 1);
	ts_pool_free(&self->pool);
	ts_buf_free(&self->results);
	ts_buf_free(&self->gates);
	taihu_device_close(self->dev);
}

/* Job @i: store its value in its own slot of the results buffer. */
static int submit_writer(FIXTURE_DATA(inflight) *self, uint32_t i,
			 uint32_t queue, uint32_t priority, uint64_t *seqno)
{
	struct taihu_cmdbuf *cb;
	struct taihu_job j = { .size = sizeof(j) };
	int ret;

	ret = taihu_cmdbuf_new(&cb);
	if (ret)
		return ret;
	ret = taihu_cmdbuf_sem_signal(cb, self->results.addr + 8ULL * i,
				      ts_value(1, i), TAIHU_CMDBUF_SEM_SET);
	j.queue = queue;
	j.priority = priority;
	if (ret >= 0)
		ret = ts_pool_add(&self->pool, cb, &j);
	if (!ret)
		ret = taihu_submit(self->dev, &j, seqno);
	taihu_cmdbuf_free(cb);
	return ret;
}

/* Slots of [from, to) that do not hold their job's value. */
static uint32_t wrong_slots(FIXTURE_DATA(inflight) *self, uint32_t from,
			    uint32_t to, uint32_t *first_bad)
{
	const uint64_t *r = (const uint64_t *)self->results.p;
	uint32_t i, bad = 0;

	__sync_synchronize();
	for (i = from; i < to; i++) {
		if (r[i] == ts_value(1, i))
			continue;
		if (!bad++)
			*first_bad = i;
	}
	return bad;
}

TEST_F_TIMEOUT(inflight, ten_thousand_jobs, 300)
{
	uint64_t *seq, gate[MAX_QUEUES], last[MAX_QUEUES] = { 0 };
	uint32_t q, i, bad, first_bad = 0, lost = 0, failed = 0;
	struct taihu_job_result res = { .size = sizeof(res) };
	int64_t t0, t_sub;
	int ret;

	seq = calloc(NJOBS, sizeof(*seq));
	ASSERT_NE(NULL, seq);
	t0 = tt_now_ns();
	for (q = 0; q < self->nq; q++)
		ASSERT_EQ(0, ts_submit_gate(self->dev, q, self->gates.addr + 8 * q,
					    0, &gate[q]));
	/* Round-robin over the queues, every priority. */
	for (i = 0; i < NJOBS; i++) {
		q = i % self->nq;
		ret = submit_writer(self, i, q, (i / self->nq) % 3, &seq[i]);
		ASSERT_EQ(0, ret) TH_LOG("job %u: %s", i, taihu_strerror(ret));
		last[q] = seq[i];
	}
	t_sub = tt_now_ns() - t0;
	TH_LOG("%d jobs submitted over %u queues in %lld ms", NJOBS, self->nq,
	       (long long)(t_sub / TS_MS));

	/* All in flight at once: nothing ran, nothing ended. */
	bad = NJOBS - wrong_slots(self, 0, NJOBS, &first_bad);
	EXPECT_EQ(0, bad) TH_LOG("%u jobs ran while their queue was held", bad);
	for (q = 0; q < self->nq; q++) {
		EXPECT_EQ(-ETIME, taihu_wait(self->dev, gate[q], 0, &res));
		EXPECT_EQ(-ETIME, taihu_wait(self->dev, last[q], 0, &res));
	}
	EXPECT_LT(t_sub, 4500 * TS_MS)
		TH_LOG("submission took so long that the gates may time out");

	for (q = 0; q < self->nq; q++)
		ts_set64(&self->gates, 8 * q, 1);
	for (q = 0; q < self->nq; q++) {
		EXPECT_EQ(0, tt_wait_ok(self->dev, gate[q], &res))
			TH_LOG("gate %u: %s", q, taihu_job_status_name(res.status));
		ASSERT_EQ(0, tt_wait_ok(self->dev, last[q], &res));
	}
	TH_LOG("all done %lld ms after the first submission",
	       (long long)((tt_now_ns() - t0) / TS_MS));

	/*
	 * No job lost: each has its result, SUCCESS, and its value. Priorities
	 * differ, so a queue's last job need not be the last to run: wait.
	 */
	for (i = 0; i < NJOBS; i++) {
		ret = taihu_wait(self->dev, seq[i],
				 taihu_deadline_ns(TT_JOB_TIMEOUT_NS), &res);
		if (ret)
			lost++;
		else if (res.status != DRM_TAIHU_JOB_SUCCESS)
			failed++;
	}
	EXPECT_EQ(0, lost);
	EXPECT_EQ(0, failed);
	bad = wrong_slots(self, 0, NJOBS, &first_bad);
	EXPECT_EQ(0, bad) TH_LOG("%u slots wrong, the first %u", bad, first_bad);
	free(seq);
}

/*
 * 5,000 jobs held on queue 0, then 5,000 that run at once on queue 1 (far
 * more than the 4,096 ended results the driver keeps): the held jobs'
 * results all survive. Once everything has ended and one more job is
 * submitted, the oldest ended results are dropped.
 */
TEST_F_TIMEOUT(inflight, unfinished_results_are_kept, 300)
{
	enum { HALF = NJOBS / 2 };
	uint64_t *seq, gate, extra;
	uint32_t i, first_bad = 0, bad, lost = 0;
	struct taihu_job_result res = { .size = sizeof(res) };
	struct taihu_cmdbuf *cb;
	struct taihu_job j = { .size = sizeof(j) };
	int64_t t0;

	ASSERT_GE(self->nq, 2);
	seq = calloc(NJOBS, sizeof(*seq));
	ASSERT_NE(NULL, seq);
	t0 = tt_now_ns();
	ASSERT_EQ(0, ts_submit_gate(self->dev, 0, self->gates.addr, 0, &gate));
	for (i = 0; i < HALF; i++)
		ASSERT_EQ(0, submit_writer(self, i, 0, DRM_TAIHU_PRIORITY_NORMAL,
					   &seq[i]));
	for (i = HALF; i < NJOBS; i++)
		ASSERT_EQ(0, submit_writer(self, i, 1, DRM_TAIHU_PRIORITY_NORMAL,
					   &seq[i]));
	ASSERT_EQ(0, tt_wait_ok(self->dev, seq[NJOBS - 1], &res));
	EXPECT_LT(tt_now_ns() - t0, 4500 * TS_MS)
		TH_LOG("so slow that the gate may time out");
	/* Queue 1's jobs ended, queue 0's did not: their results are all held. */
	EXPECT_EQ(-ETIME, taihu_wait(self->dev, seq[0], 0, &res));
	for (i = 0; i < HALF; i++)
		if (taihu_wait(self->dev, seq[i], 0, &res) != -ETIME)
			lost++;
	EXPECT_EQ(0, lost) TH_LOG("results of unfinished jobs were dropped");
	EXPECT_EQ(0, wrong_slots(self, HALF, NJOBS, &first_bad));

	ts_set64(&self->gates, 0, 1);
	ASSERT_EQ(0, tt_wait_ok(self->dev, seq[HALF - 1], &res));
	for (i = 0; i < HALF; i++) {
		if (taihu_wait(self->dev, seq[i], 0, &res) ||
		    res.status != DRM_TAIHU_JOB_SUCCESS)
			lost++;
	}
	EXPECT_EQ(0, lost);
	bad = wrong_slots(self, 0, NJOBS, &first_bad);
	EXPECT_EQ(0, bad) TH_LOG("%u slots wrong, the first %u", bad, first_bad);

	/* One more SUBMIT drops the oldest ended results, not the newest. */
	ASSERT_EQ(0, taihu_cmdbuf_new(&cb));
	ASSERT_LE(0, taihu_cmdbuf_nop(cb, 8));
	j.queue = 1;
	j.priority = DRM_TAIHU_PRIORITY_NORMAL;
	ASSERT_EQ(0, ts_submit(self->dev, cb, &j, &extra));
	ASSERT_EQ(0, tt_wait_ok(self->dev, extra, &res));
	EXPECT_EQ(-ENOENT, taihu_wait(self->dev, seq[HALF], 0, &res))
		TH_LOG("more than 4096 ended results kept after a SUBMIT");
	EXPECT_EQ(0, taihu_wait(self->dev, seq[HALF - 1], 0, &res));
	taihu_cmdbuf_free(cb);
	free(seq);
}

TEST_HARNESS_MAIN
