// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Job submission: ordering within a queue (direct submission and the
 * scheduler mixed), dependencies across queues
 * through syncobjs, semaphores between queues, timeline points, sync_file
 * export, BARRIER and priorities, WAIT on a buffer, waits that really time
 * out, a waiter woken by its job's own interrupt under interrupt
 * moderation, the job timeout, the in-flight limit (NONBLOCK and blocking), per-
 * file busy time in fdinfo, the debugfs queue counters and ping, batches
 * (SUBMIT_BATCH: order, a bad job among good ones) and bad input (-errno
 * for what the driver can judge, INVALID_CMD for what only the card can).
 *
 * Many tests hold a queue with a "gate": a job stalled in SEM_WAIT on a
 * semaphore in a VRAM buffer until the test writes the semaphore through
 * its CPU mapping (the card re-checks it about every millisecond).
 * Semaphore and result buffers are not put in the jobs' BO lists: listed
 * buffers order jobs by themselves (implicit sync), which would hide the
 * dependency a test is about. VRAM buffers are mapped in the file's
 * context as long as the file holds them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "taihu_cmdstream.h"
#include "taihu_mem_util.h"
#include "taihu_submit_util.h"
#include "taihu_test_util.h"

#define SEM_SIZE	4096
#define DATA_SIZE	(1u << 20)
#define POISON		0x5a5a5a5a5a5a5a5aULL

/* Semaphore slots (byte offsets in the sem buffer). */
#define GATE(i)		(8u * (i))		/* 0..63: gates */
#define SEM(i)		(512u + 8u * (i))	/* 64..: counters */

FIXTURE(submit)
{
	struct taihu_device *dev;
	struct tt_device desc;
	struct taihu_device_info info;
	struct ts_buf sem, data;
	uint32_t nq;
	char pci_dir[256];
	long long job_timeout_ms;	/* to restore; 0: untouched */
};

/*
 * A gate makes no progress, so the job timeout (job_timeout_ms, 5 s by
 * default) ends it: a test that holds a gate while it does something slow
 * on a loaded machine raises the timeout for its duration (the teardown
 * restores it) instead of racing it.
 */
static int raise_job_timeout(struct _test_data_submit *self)
{
	long long cur;

	snprintf(self->pci_dir, sizeof(self->pci_dir), "/sys/bus/pci/devices/%s",
		 self->desc.pci_slot);
	cur = tt_attr_ll(self->pci_dir, "job_timeout_ms");
	if (cur < 0)
		return (int)cur;
	if (!self->job_timeout_ms)
		self->job_timeout_ms = cur;
	return tt_attr_write(self->pci_dir, "job_timeout_ms", "600000");
}

FIXTURE_SETUP(submit)
{
	int ret;

	ret = tt_open_first(&self->dev, &self->desc);
	ASSERT_EQ(0, ret) TH_LOG("no Taihu device: %s", taihu_strerror(ret));
	self->info.size = sizeof(self->info);
	ASSERT_EQ(0, taihu_device_info(self->dev, &self->info));
	self->nq = self->info.num_queues;
	ASSERT_GE(self->nq, 4) TH_LOG("%u hardware queues", self->nq);
	ASSERT_TRUE(self->info.capabilities & DRM_TAIHU_CAP_SEMAPHORE);
	ASSERT_TRUE(self->info.capabilities & DRM_TAIHU_CAP_BARRIER);
	ASSERT_EQ(0, ts_buf_new(self->dev, SEM_SIZE, &self->sem));
	ASSERT_EQ(0, ts_buf_new(self->dev, DATA_SIZE, &self->data));
}

FIXTURE_TEARDOWN(submit)
{
	uint32_t i;

	/* A failed test may leave gates shut: open them all. */
	if (self->sem.p)
		for (i = 0; i < 64; i++)
			ts_set64(&self->sem, GATE(i), 1);
	if (self->job_timeout_ms) {
		char val[32];

		snprintf(val, sizeof(val), "%lld", self->job_timeout_ms);
		EXPECT_EQ(0, tt_attr_write(self->pci_dir, "job_timeout_ms", val));
	}
	ts_buf_free(&self->sem);
	ts_buf_free(&self->data);
	taihu_device_close(self->dev);
}

static struct taihu_job job_on(uint32_t queue)
{
	struct taihu_job j = { .size = sizeof(j) };

	j.queue = queue;
	j.priority = DRM_TAIHU_PRIORITY_NORMAL;
	return j;
}

/*
 * Per queue, N jobs each copy the queue's counter into its own log slot,
 * then add 1 to the counter: in order, job i logs i. The queues are held
 * by gates while the jobs are submitted, so that most of them wait in the
 * scheduler (beyond the ring) and all queues then run at once.
 */
TEST_F_TIMEOUT(submit, order_within_queue, 120)
{
	enum { N = 300 };
	uint64_t seq[8][N], gate_seq[8], log, bad = 0;
	struct taihu_job_result prev = { .size = sizeof(prev) };
	struct taihu_job_result res = { .size = sizeof(res) };
	struct taihu_cmdbuf *cb;
	struct ts_pool pool;
	struct taihu_job j;
	uint32_t q;
	int i;

	ASSERT_LE(self->nq, 8);
	ASSERT_EQ(0, ts_pool_new(self->dev, 8ULL * N * 80, &pool));
	ASSERT_EQ(0, taihu_cmdbuf_new(&cb));
	for (q = 0; q < self->nq; q++)
		ASSERT_EQ(0, ts_submit_gate(self->dev, q,
					    self->sem.addr + GATE(q), 0,
					    &gate_seq[q]));
	for (i = 0; i < N; i++) {
		for (q = 0; q < self->nq; q++) {
			uint64_t ctr = self->sem.addr + SEM(q);

			taihu_cmdbuf_reset(cb);
			ASSERT_LE(0, taihu_cmdbuf_copy(cb, ctr, self->data.addr +
						       8ULL * (q * N + i), 8));
			ASSERT_LE(0, taihu_cmdbuf_barrier(cb));
			ASSERT_LE(0, taihu_cmdbuf_sem_signal(cb, ctr, 1,
							     TAIHU_CMDBUF_SEM_ADD));
			j = job_on(q);
			ASSERT_EQ(0, ts_pool_add(&pool, cb, &j));
			ASSERT_EQ(0, taihu_submit(self->dev, &j, &seq[q][i]));
		}
	}
	for (q = 0; q < self->nq; q++)
		ts_set64(&self->sem, GATE(q), 1);

	for (q = 0; q < self->nq; q++) {
		ASSERT_EQ(0, tt_wait_ok(self->dev, gate_seq[q], &prev));
		ASSERT_EQ(0, tt_wait_ok(self->dev, seq[q][N - 1], &res));
		for (i = 0; i < N; i++) {
			ASSERT_EQ(0, taihu_wait(self->dev, seq[q][i], 0, &res))
				TH_LOG("queue %u job %d not done after the last", q, i);
			EXPECT_EQ(DRM_TAIHU_JOB_SUCCESS, res.status);
			/* One after the other on the card, in submission order. */
			if (res.start_ns < prev.end_ns)
				bad++;
			prev = res;
			log = ts_get64(&self->data, 8ULL * (q * N + i));
			if (log != (uint64_t)i) {
				bad++;
				TH_LOG("queue %u: job %d ran as number %llu", q, i,
				       (unsigned long long)log);
			}
		}
		EXPECT_EQ(N, ts_get64(&self->sem, SEM(q)));
	}
	EXPECT_EQ(0, bad);
	taihu_cmdbuf_free(cb);
	ts_pool_free(&pool);
}

/* A job that logs the counter at @ctr into @slot, then adds 1 to it. */
static int submit_logged(struct taihu_device *dev, struct taihu_cmdbuf *cb,
			 uint64_t ctr, uint64_t slot, struct taihu_job *j,
			 uint64_t *seqno)
{
	taihu_cmdbuf_reset(cb);
	if (taihu_cmdbuf_copy(cb, ctr, slot, 8) < 0 ||
	    taihu_cmdbuf_barrier(cb) < 0 ||
	    taihu_cmdbuf_sem_signal(cb, ctr, 1, TAIHU_CMDBUF_SEM_ADD) < 0)
		return -EINVAL;
	return ts_submit(dev, cb, j, seqno);
}

/*
 * Direct submission and the scheduler on one queue (debugfs "direct"
 * counts the entries SUBMIT wrote itself, "behind" the jobs that went
 * through the scheduler only to stay behind their entity's). On queue 1: A, with nothing to
 * wait for, is written directly; B waits for the out-syncobj of a gate on
 * queue 0 and goes through the scheduler; C, with nothing to wait for, is
 * behind B in the same entity and must not pass it, so it goes through
 * the scheduler too; H, of high priority (another entity), is written
 * directly and runs while B waits. Once the gate opens B and C run, and D
 * is written directly again. Each job logs the queue's counter and adds 1.
 */
TEST_F(submit, direct_and_scheduled_in_order)
{
	enum { A, H, B, C, D, NJOBS };
	const uint32_t q = 1;
	const uint64_t ctr = self->sem.addr + SEM(20);
	struct taihu_job_result res[NJOBS];
	uint64_t d0[8] = { 0 }, d1[8] = { 0 }, d2[8] = { 0 };
	uint64_t b0[8] = { 0 }, b1[8] = { 0 };
	struct drm_taihu_sync in = { 0 };
	uint64_t gate, seq[NJOBS];
	struct taihu_cmdbuf *cb;
	struct taihu_job j;
	uint32_t sync;
	int i;

	tt_results_init(res, NJOBS);
	ASSERT_LT((int)q, ts_queue_counters(&self->desc, "direct", d0, 8))
		TH_LOG("no direct counter in debugfs queues");
	ASSERT_LT((int)q, ts_queue_counters(&self->desc, "behind", b0, 8));
	ASSERT_EQ(0, taihu_cmdbuf_new(&cb));
	ASSERT_EQ(0, taihu_syncobj_create(self->dev, 0, &sync));
	ASSERT_EQ(0, ts_submit_gate(self->dev, 0, self->sem.addr + GATE(20),
				    sync, &gate));

	j = job_on(q);
	ASSERT_EQ(0, submit_logged(self->dev, cb, ctr, self->data.addr + 8 * A,
				   &j, &seq[A]));
	ASSERT_EQ(0, tt_wait_ok(self->dev, seq[A], &res[A]));

	in.handle = sync;
	j.in_syncs = &in;
	j.in_sync_count = 1;
	ASSERT_EQ(0, submit_logged(self->dev, cb, ctr, self->data.addr + 8 * B,
				   &j, &seq[B]));
	j = job_on(q);
	ASSERT_EQ(0, submit_logged(self->dev, cb, ctr, self->data.addr + 8 * C,
				   &j, &seq[C]));
	j.priority = DRM_TAIHU_PRIORITY_HIGH;
	ASSERT_EQ(0, submit_logged(self->dev, cb, ctr, self->data.addr + 8 * H,
				   &j, &seq[H]));
	ASSERT_EQ(0, tt_wait_ok(self->dev, seq[H], &res[H]));
	EXPECT_EQ(-ETIME, taihu_wait(self->dev, seq[C], 0, &res[C]))
		TH_LOG("C passed B, which waits for the gate");
	ASSERT_LT((int)q, ts_queue_counters(&self->desc, "direct", d1, 8));
	EXPECT_EQ(d0[q] + 2, d1[q]) TH_LOG("A and H written directly, not B or C");
	ASSERT_LT((int)q, ts_queue_counters(&self->desc, "behind", b1, 8));
	EXPECT_EQ(b0[q] + 1, b1[q]) TH_LOG("C went through the scheduler behind B");

	ts_set64(&self->sem, GATE(20), 1);
	ASSERT_EQ(0, tt_wait_ok(self->dev, gate, &res[D]));
	ASSERT_EQ(0, tt_wait_ok(self->dev, seq[B], &res[B]));
	ASSERT_EQ(0, tt_wait_ok(self->dev, seq[C], &res[C]));
	j = job_on(q);
	ASSERT_EQ(0, submit_logged(self->dev, cb, ctr, self->data.addr + 8 * D,
				   &j, &seq[D]));
	ASSERT_EQ(0, tt_wait_ok(self->dev, seq[D], &res[D]));
	ASSERT_LT((int)q, ts_queue_counters(&self->desc, "direct", d2, 8));
	EXPECT_EQ(d1[q] + 1, d2[q]) TH_LOG("D written directly once C had run");

	/* A, H, B, C, D: the order of the enum. */
	for (i = 0; i < NJOBS; i++)
		EXPECT_EQ((uint64_t)i, ts_get64(&self->data, 8ULL * i))
			TH_LOG("job %d ran as number %llu", i,
			       (unsigned long long)ts_get64(&self->data, 8ULL * i));
	EXPECT_LE(res[B].end_ns, res[C].start_ns);
	EXPECT_LE(res[C].end_ns, res[D].start_ns);
	taihu_syncobj_destroy(self->dev, sync);
	taihu_cmdbuf_free(cb);
}

/*
 * A chain over every queue through binary syncobjs: job 0 (queue 0, held
 * by a gate) writes a value, job k (queue k) copies slot k-1 to slot k
 * after job k-1's out-syncobj. Nothing but the syncobjs orders them.
 */
TEST_F(submit, dependencies_across_queues)
{
	const uint64_t value = 0xa11ce5edc0ffee00ULL;
	struct taihu_job_result res[8];
	struct drm_taihu_sync in = { 0 };
	uint32_t sync[8];
	uint64_t seq[8];
	struct taihu_cmdbuf *cb;
	struct taihu_job j;
	uint32_t q;

	tt_results_init(res, 8);
	ASSERT_LE(self->nq, 8);
	for (q = 0; q < self->nq; q++) {
		ASSERT_EQ(0, taihu_syncobj_create(self->dev, 0, &sync[q]));
		ts_set64(&self->data, 64ULL * q, POISON);
	}
	ASSERT_EQ(0, taihu_cmdbuf_new(&cb));
	ASSERT_LE(0, taihu_cmdbuf_sem_wait(cb, self->sem.addr + GATE(0), 1,
					   TAIHU_CMDBUF_SEM_GEQUAL));
	ASSERT_LE(0, taihu_cmdbuf_sem_signal(cb, self->data.addr, value,
					     TAIHU_CMDBUF_SEM_SET));
	ASSERT_LE(0, taihu_cmdbuf_timestamp(cb, self->data.addr + 8));
	j = job_on(0);
	j.out_sync_handle = sync[0];
	ASSERT_EQ(0, ts_submit(self->dev, cb, &j, &seq[0]));
	for (q = 1; q < self->nq; q++) {
		taihu_cmdbuf_reset(cb);
		ASSERT_LE(0, taihu_cmdbuf_copy(cb, self->data.addr + 64ULL * (q - 1),
					       self->data.addr + 64ULL * q, 8));
		ASSERT_LE(0, taihu_cmdbuf_timestamp(cb, self->data.addr + 64ULL * q + 8));
		j = job_on(q);
		in.handle = sync[q - 1];
		j.in_syncs = &in;
		j.in_sync_count = 1;
		j.out_sync_handle = sync[q];
		ASSERT_EQ(0, ts_submit(self->dev, cb, &j, &seq[q]));
	}

	/* Held: nothing downstream ran, the last out-syncobj is unsignalled. */
	tt_sleep_ms(100);
	EXPECT_EQ(-ETIME, taihu_wait(self->dev, seq[self->nq - 1], 0, &res[0]));
	EXPECT_EQ(-ETIME, taihu_syncobj_wait(self->dev, &sync[self->nq - 1], 1,
					     0, 0, NULL));
	for (q = 1; q < self->nq; q++)
		EXPECT_EQ(POISON, ts_get64(&self->data, 64ULL * q))
			TH_LOG("queue %u ran before its dependency", q);

	ts_set64(&self->sem, GATE(0), 1);
	for (q = 0; q < self->nq; q++)
		ASSERT_EQ(0, tt_wait_ok(self->dev, seq[q], &res[q]));
	EXPECT_EQ(0, taihu_syncobj_wait(self->dev, sync, self->nq,
					taihu_deadline_ns(TT_JOB_TIMEOUT_NS),
					TAIHU_SYNCOBJ_WAIT_ALL, NULL));
	for (q = 0; q < self->nq; q++) {
		EXPECT_EQ(value, ts_get64(&self->data, 64ULL * q))
			TH_LOG("slot %u", q);
		if (q) {
			EXPECT_LE(res[q - 1].end_ns, res[q].start_ns)
				TH_LOG("queue %u started before queue %u ended", q, q - 1);
			EXPECT_LE(ts_get64(&self->data, 64ULL * (q - 1) + 8),
				  ts_get64(&self->data, 64ULL * q + 8));
		}
		taihu_syncobj_destroy(self->dev, sync[q]);
	}
	taihu_cmdbuf_free(cb);
}

/*
 * Semaphores between queues: a job on queue 1 waits until three jobs on
 * queues 0, 2 and 3 have each written their word and added 1; the next job
 * on queue 1 waits for the value to be exactly 4, which a fourth signal
 * (queue 3) makes.
 */
TEST_F(submit, semaphores_across_queues)
{
	static const uint32_t signallers[3] = { 0, 2, 3 };
	const uint64_t s = self->sem.addr + SEM(0);
	struct taihu_job_result res = { .size = sizeof(res) };
	struct taihu_cmdbuf *cb;
	uint64_t w, w2, sig[4];
	struct taihu_job j;
	int k;

	for (k = 0; k < 4; k++)
		ts_set64(&self->data, 256 + 8 * k, POISON);
	ASSERT_EQ(0, taihu_cmdbuf_new(&cb));
	/* The waiter copies the three words once the count reaches 3. */
	ASSERT_LE(0, taihu_cmdbuf_sem_wait(cb, s, 3, TAIHU_CMDBUF_SEM_GEQUAL));
	ASSERT_LE(0, taihu_cmdbuf_copy(cb, self->data.addr, self->data.addr + 256, 24));
	ASSERT_EQ(0, ts_submit(self->dev, cb, &(struct taihu_job){ .size = sizeof(struct taihu_job), .queue = 1,
			       .priority = DRM_TAIHU_PRIORITY_NORMAL }, &w));
	taihu_cmdbuf_reset(cb);
	ASSERT_LE(0, taihu_cmdbuf_sem_wait(cb, s, 4, TAIHU_CMDBUF_SEM_EQUAL));
	ASSERT_LE(0, taihu_cmdbuf_copy(cb, self->data.addr + 24,
				       self->data.addr + 256 + 24, 8));
	j = job_on(1);
	ASSERT_EQ(0, ts_submit(self->dev, cb, &j, &w2));

	for (k = 0; k < 3; k++) {
		taihu_cmdbuf_reset(cb);
		ASSERT_LE(0, taihu_cmdbuf_sem_signal(cb, self->data.addr + 8 * k,
						     ts_value(3, k),
						     TAIHU_CMDBUF_SEM_SET));
		ASSERT_LE(0, taihu_cmdbuf_sem_signal(cb, s, 1, TAIHU_CMDBUF_SEM_ADD));
		ASSERT_EQ(0, ts_submit(self->dev, cb,
				       &(struct taihu_job){ .size = sizeof(struct taihu_job), .queue = signallers[k],
				       .priority = DRM_TAIHU_PRIORITY_NORMAL },
				       &sig[k]));
		if (k < 2) {
			/* Not enough signals yet: the waiter stays put. */
			ASSERT_EQ(0, tt_wait_ok(self->dev, sig[k], &res));
			tt_sleep_ms(20);
			EXPECT_EQ(-ETIME, taihu_wait(self->dev, w, 0, &res))
				TH_LOG("waiter ran after %d signals", k + 1);
		}
	}
	ASSERT_EQ(0, tt_wait_ok(self->dev, w, &res));
	for (k = 0; k < 3; k++)
		EXPECT_EQ(ts_value(3, k), ts_get64(&self->data, 256 + 8 * k));
	/* The count is 3, not 4: the EQUAL waiter is still held. */
	tt_sleep_ms(20);
	EXPECT_EQ(-ETIME, taihu_wait(self->dev, w2, 0, &res));
	EXPECT_EQ(POISON, ts_get64(&self->data, 256 + 24));

	taihu_cmdbuf_reset(cb);
	ASSERT_LE(0, taihu_cmdbuf_sem_signal(cb, self->data.addr + 24, 0x44,
					     TAIHU_CMDBUF_SEM_SET));
	ASSERT_LE(0, taihu_cmdbuf_sem_signal(cb, s, 1, TAIHU_CMDBUF_SEM_ADD));
	j = job_on(3);
	ASSERT_EQ(0, ts_submit(self->dev, cb, &j, &sig[3]));
	ASSERT_EQ(0, tt_wait_ok(self->dev, w2, &res));
	EXPECT_EQ(0x44, ts_get64(&self->data, 256 + 24));
	EXPECT_EQ(4, ts_get64(&self->sem, SEM(0)));
	taihu_cmdbuf_free(cb);
}

/*
 * A timeline: jobs on queues 1..3 signal points 1..3, each held by its own
 * gate, released in the order 3, 1, 2. A point counts as signalled once
 * it and every point below it have: the query and the waits must say so.
 * A job on queue 0 waiting on point 3 runs after all three.
 */
TEST_F(submit, timeline_points)
{
	static const int release[3] = { 3, 1, 2 };
	static const uint64_t want_query[3] = { 0, 1, 3 };
	struct taihu_job_result res = { .size = sizeof(res) }, pres[4];
	struct drm_taihu_sync in = { 0 };
	struct taihu_cmdbuf *cb;
	uint64_t seq[4], cseq, pt, point;
	uint32_t tl, k;
	struct taihu_job j;
	int step, p;

	ASSERT_EQ(0, taihu_syncobj_create(self->dev, 0, &tl));
	ASSERT_EQ(0, taihu_cmdbuf_new(&cb));
	for (k = 1; k <= 3; k++) {
		taihu_cmdbuf_reset(cb);
		ASSERT_LE(0, taihu_cmdbuf_sem_wait(cb, self->sem.addr + GATE(k), 1,
						   TAIHU_CMDBUF_SEM_GEQUAL));
		ASSERT_LE(0, taihu_cmdbuf_sem_signal(cb, self->data.addr + 8 * k,
						     ts_value(4, k),
						     TAIHU_CMDBUF_SEM_SET));
		j = job_on(k);
		j.out_sync_handle = tl;
		j.out_sync_point = k;
		ASSERT_EQ(0, ts_submit(self->dev, cb, &j, &seq[k]));
	}
	ASSERT_EQ(0, taihu_syncobj_timeline_query(self->dev, tl, &pt));
	EXPECT_EQ(0, pt);

	/* Waits for point 3, i.e. for all three. */
	taihu_cmdbuf_reset(cb);
	ASSERT_LE(0, taihu_cmdbuf_copy(cb, self->data.addr + 8,
				       self->data.addr + 128, 24));
	j = job_on(0);
	in.handle = tl;
	in.point = 3;
	j.in_syncs = &in;
	j.in_sync_count = 1;
	ASSERT_EQ(0, ts_submit(self->dev, cb, &j, &cseq));

	for (step = 0; step < 3; step++) {
		p = release[step];
		ts_set64(&self->sem, GATE(p), 1);
		ASSERT_EQ(0, tt_wait_ok(self->dev, seq[p], &pres[p]));
		ASSERT_EQ(0, taihu_syncobj_timeline_query(self->dev, tl, &pt));
		EXPECT_EQ(want_query[step], pt)
			TH_LOG("after releasing point %d", p);
		point = 3;
		if (step < 2) {
			/*
			 * The core's syncobj wait rounds its deadline to
			 * jiffies and may return a little early under TCG:
			 * only -ETIME is checked (WAIT's deadline is ours,
			 * wait_bo checks it).
			 */
			EXPECT_EQ(-ETIME, taihu_syncobj_timeline_wait(self->dev, &tl,
					&point, 1, taihu_deadline_ns(50 * TS_MS),
					TAIHU_SYNCOBJ_WAIT_ALL, NULL));
			EXPECT_EQ(-ETIME, taihu_wait(self->dev, cseq, 0, &res))
				TH_LOG("the point-3 waiter ran after releasing %d", p);
		}
		if (want_query[step]) {
			point = want_query[step];
			EXPECT_EQ(0, taihu_syncobj_timeline_wait(self->dev, &tl,
					&point, 1, 0, TAIHU_SYNCOBJ_WAIT_ALL, NULL));
		}
	}
	ASSERT_EQ(0, tt_wait_ok(self->dev, cseq, &res));
	for (k = 1; k <= 3; k++) {
		EXPECT_EQ(ts_value(4, k), ts_get64(&self->data, 128 + 8 * (k - 1)));
		EXPECT_LE(pres[k].end_ns, res.start_ns);
	}

	/* A point signalled by the CPU, and one by a job past it. */
	point = 5;
	ASSERT_EQ(0, taihu_syncobj_timeline_signal(self->dev, &tl, &point, 1));
	ASSERT_EQ(0, taihu_syncobj_timeline_query(self->dev, tl, &pt));
	EXPECT_EQ(5, pt);
	taihu_cmdbuf_reset(cb);
	ASSERT_LE(0, taihu_cmdbuf_nop(cb, 8));
	j = job_on(2);
	in.point = 5;
	j.in_syncs = &in;
	j.in_sync_count = 1;
	j.out_sync_handle = tl;
	j.out_sync_point = 7;
	ASSERT_EQ(0, ts_submit(self->dev, cb, &j, &seq[0]));
	ASSERT_EQ(0, tt_wait_ok(self->dev, seq[0], &res));
	point = 7;
	EXPECT_EQ(0, taihu_syncobj_timeline_wait(self->dev, &tl, &point, 1,
			taihu_deadline_ns(TT_JOB_TIMEOUT_NS), TAIHU_SYNCOBJ_WAIT_ALL,
			NULL));
	ASSERT_EQ(0, taihu_syncobj_timeline_query(self->dev, tl, &pt));
	EXPECT_EQ(7, pt);
	taihu_syncobj_destroy(self->dev, tl);
	taihu_cmdbuf_free(cb);
}

/* sync_file export of a binary out-syncobj and of a timeline point. */
TEST_F(submit, sync_file_export)
{
	struct taihu_job_result res = { .size = sizeof(res) };
	struct pollfd pfd[2];
	struct taihu_cmdbuf *cb;
	uint32_t bin, tl, imp;
	uint64_t s1, s2;
	struct taihu_job j;
	int fd1, fd2, fd3 = -1;

	ASSERT_EQ(0, taihu_syncobj_create(self->dev, 0, &bin));
	ASSERT_EQ(0, taihu_syncobj_create(self->dev, 0, &tl));
	ASSERT_EQ(0, ts_submit_gate(self->dev, 2, self->sem.addr + GATE(0), bin,
				    &s1));
	ASSERT_EQ(0, taihu_cmdbuf_new(&cb));
	ASSERT_LE(0, taihu_cmdbuf_nop(cb, 8));
	j = job_on(2);
	j.out_sync_handle = tl;
	j.out_sync_point = 2;
	ASSERT_EQ(0, ts_submit(self->dev, cb, &j, &s2));

	ASSERT_EQ(0, taihu_syncobj_export_sync_file(self->dev, bin, 0, &fd1));
	ASSERT_EQ(0, taihu_syncobj_export_sync_file(self->dev, tl, 2, &fd2));
	/* A point that does not exist yet has no fence to export. */
	EXPECT_EQ(-EINVAL, taihu_syncobj_export_sync_file(self->dev, tl, 3, &fd3));
	EXPECT_EQ(-1, fd3);
	pfd[0] = (struct pollfd){ .fd = fd1, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = fd2, .events = POLLIN };
	EXPECT_EQ(0, poll(pfd, 2, 0)) TH_LOG("sync_file readable before the job ended");

	ts_set64(&self->sem, GATE(0), 1);
	EXPECT_EQ(1, poll(&pfd[0], 1, 30000));
	EXPECT_TRUE(pfd[0].revents & POLLIN);
	EXPECT_EQ(1, poll(&pfd[1], 1, 30000));
	EXPECT_TRUE(pfd[1].revents & POLLIN);
	EXPECT_EQ(0, tt_wait_ok(self->dev, s1, &res));
	EXPECT_EQ(0, tt_wait_ok(self->dev, s2, &res));

	/* And back: a syncobj made from the sync_file is signalled. */
	ASSERT_EQ(0, taihu_syncobj_create(self->dev, 0, &imp));
	ASSERT_EQ(0, taihu_syncobj_import_sync_file(self->dev, imp, fd1));
	EXPECT_EQ(0, taihu_syncobj_wait(self->dev, &imp, 1, 0, 0, NULL));
	close(fd1);
	close(fd2);
	taihu_syncobj_destroy(self->dev, imp);
	taihu_syncobj_destroy(self->dev, bin);
	taihu_syncobj_destroy(self->dev, tl);
	taihu_cmdbuf_free(cb);
}

/* BARRIER between a FILL and a COPY of it, at every priority on every queue. */
TEST_F(submit, barrier_and_priorities)
{
	static const uint32_t prio[3] = { DRM_TAIHU_PRIORITY_LOW,
		DRM_TAIHU_PRIORITY_NORMAL, DRM_TAIHU_PRIORITY_HIGH };
	struct taihu_job_result res = { .size = sizeof(res) };
	struct taihu_cmdbuf *cb;
	uint64_t seq[8][3], src, dst;
	uint32_t q, p, want;
	struct taihu_job j;
	size_t bad;
	uint8_t *d;

	ASSERT_LE(self->nq, 8);
	ASSERT_EQ(0, taihu_cmdbuf_new(&cb));
	for (q = 0; q < self->nq; q++) {
		for (p = 0; p < 3; p++) {
			src = self->data.addr + 8192ULL * (q * 3 + p) * 2;
			dst = src + 8192;
			taihu_cmdbuf_reset(cb);
			ASSERT_LE(0, taihu_cmdbuf_fill(cb, src, 8192, 0xb0000000u | q << 8 | p));
			ASSERT_LE(0, taihu_cmdbuf_barrier(cb));
			ASSERT_LE(0, taihu_cmdbuf_copy(cb, src, dst, 8192));
			ASSERT_LE(0, taihu_cmdbuf_barrier(cb));
			j = job_on(q);
			j.priority = prio[p];
			ASSERT_EQ(0, ts_submit(self->dev, cb, &j, &seq[q][p]))
				TH_LOG("queue %u priority %u", q, p);
		}
	}
	for (q = 0; q < self->nq; q++) {
		for (p = 0; p < 3; p++) {
			ASSERT_EQ(0, tt_wait_ok(self->dev, seq[q][p], &res));
			d = self->data.p + 8192ULL * (q * 3 + p) * 2 + 8192;
			want = 0xb0000000u | q << 8 | p;
			for (bad = 0; bad < 8192; bad += 4)
				if (memcmp(d + bad, &want, 4))
					break;
			EXPECT_EQ(8192, bad) TH_LOG("queue %u priority %u: byte %zu", q, p, bad);
		}
	}
	taihu_cmdbuf_free(cb);
}

/*
 * WAIT_BO: a buffer no job used reports SUCCESS with zero times; two jobs
 * listing a buffer (the second on another queue, ordered behind the first
 * by the buffer's reservation) -> the wait covers both and reports the
 * second; a command buffer counts as used; a failed job reports its status.
 */
TEST_F(submit, wait_bo)
{
	struct taihu_job_result res = { .size = sizeof(res) };
	struct taihu_job_result ra = { .size = sizeof(ra) };
	struct taihu_job_result rb = { .size = sizeof(rb) };
	struct taihu_bo *x, *z, *cmd;
	struct taihu_pkt_header bad = { .opcode = 0x7f, .size = 8 };
	struct taihu_cmdbuf *cb;
	uint64_t a, b, c;
	struct taihu_job j;
	int64_t t0;
	uint8_t *p;

	ASSERT_EQ(0, taihu_bo_create(self->dev, 4096, DRM_TAIHU_PLACEMENT_VRAM, &x));
	ASSERT_EQ(0, taihu_bo_create(self->dev, 4096, DRM_TAIHU_PLACEMENT_HOST, &z));
	memset(&res, 0xff, sizeof(res));
	res.size = sizeof(res);
	ASSERT_EQ(0, taihu_wait_bo(x, 0, &res));
	EXPECT_EQ(DRM_TAIHU_JOB_SUCCESS, res.status);
	EXPECT_EQ(0, res.start_ns);
	EXPECT_EQ(0, res.end_ns);
	EXPECT_EQ(0, res.error_addr);

	ASSERT_EQ(0, taihu_cmdbuf_new(&cb));
	ASSERT_LE(0, taihu_cmdbuf_sem_wait(cb, self->sem.addr + GATE(0), 1,
					   TAIHU_CMDBUF_SEM_GEQUAL));
	ASSERT_LE(0, taihu_cmdbuf_fill(cb, taihu_bo_dev_addr(x), 8, 0x11111111));
	j = job_on(0);
	j.bos = &x;
	j.bo_count = 1;
	ASSERT_EQ(0, ts_submit(self->dev, cb, &j, &a));
	taihu_cmdbuf_reset(cb);
	ASSERT_LE(0, taihu_cmdbuf_fill(cb, taihu_bo_dev_addr(x) + 8, 8, 0x22222222));
	j.queue = 1;
	ASSERT_EQ(0, ts_submit(self->dev, cb, &j, &b));

	t0 = tt_now_ns();
	EXPECT_EQ(-ETIME, taihu_wait_bo(x, taihu_deadline_ns(50 * TS_MS), &res));
	EXPECT_GE(tt_now_ns() - t0, 50 * TS_MS);
	EXPECT_EQ(-ETIME, taihu_wait(self->dev, b, 0, &res))
		TH_LOG("the second user of the buffer did not wait for the first");

	ts_set64(&self->sem, GATE(0), 1);
	ASSERT_EQ(0, taihu_wait_bo(x, taihu_deadline_ns(TT_JOB_TIMEOUT_NS), &res));
	ASSERT_EQ(0, taihu_wait(self->dev, a, 0, &ra));
	ASSERT_EQ(0, taihu_wait(self->dev, b, 0, &rb));
	EXPECT_EQ(DRM_TAIHU_JOB_SUCCESS, res.status);
	EXPECT_EQ(rb.start_ns, res.start_ns) TH_LOG("not the job that ended last");
	EXPECT_EQ(rb.end_ns, res.end_ns);
	EXPECT_LE(ra.end_ns, rb.start_ns);
	ASSERT_EQ(0, taihu_bo_map(x, (void **)&p));
	EXPECT_EQ(0x11, p[0]);
	EXPECT_EQ(0x22, p[8]);

	/* The command buffer of a job is one of its buffers. */
	taihu_cmdbuf_reset(cb);
	ASSERT_LE(0, taihu_cmdbuf_nop(cb, 64));
	j = job_on(2);
	ASSERT_EQ(0, taihu_submit_cmdbuf(self->dev, cb, &j, &c, &cmd));
	ASSERT_EQ(0, taihu_wait_bo(cmd, taihu_deadline_ns(TT_JOB_TIMEOUT_NS), &res));
	ASSERT_EQ(0, taihu_wait(self->dev, c, 0, &ra));
	EXPECT_EQ(ra.end_ns, res.end_ns);
	taihu_bo_free(cmd);

	/* A host buffer used by a failing job reports the failure. */
	taihu_cmdbuf_reset(cb);
	ASSERT_LE(0, taihu_cmdbuf_fill(cb, taihu_bo_dev_addr(z), 64, 0));
	ASSERT_LE(0, taihu_cmdbuf_raw(cb, &bad, sizeof(bad)));
	j = job_on(3);
	j.bos = &z;
	j.bo_count = 1;
	ASSERT_EQ(0, ts_submit(self->dev, cb, &j, &c));
	ASSERT_EQ(0, taihu_wait_bo(z, taihu_deadline_ns(TT_JOB_TIMEOUT_NS), &res));
	EXPECT_EQ(DRM_TAIHU_JOB_INVALID_CMD, res.status);
	EXPECT_EQ(32, res.error_offset);

	taihu_bo_free(x);
	taihu_bo_free(z);
	taihu_cmdbuf_free(cb);
}

/*
 * A job stalled on a semaphore nobody signals: WAIT, a syncobj wait and
 * WAIT_BO with a deadline 100 ms ahead return -ETIME, and not before the
 * deadline; a CPU write to the semaphore then lets the job finish.
 */
TEST_F(submit, waits_really_time_out)
{
	struct taihu_job_result res = { .size = sizeof(res) };
	struct taihu_cmdbuf *cb;
	struct taihu_bo *x;
	uint32_t sync;
	struct taihu_job j;
	int64_t t0, dt;
	uint64_t seq;

	ASSERT_EQ(0, taihu_syncobj_create(self->dev, 0, &sync));
	ASSERT_EQ(0, taihu_bo_create(self->dev, 4096, DRM_TAIHU_PLACEMENT_VRAM, &x));
	ASSERT_EQ(0, taihu_cmdbuf_new(&cb));
	ASSERT_LE(0, taihu_cmdbuf_sem_wait(cb, self->sem.addr + GATE(5), 1,
					   TAIHU_CMDBUF_SEM_GEQUAL));
	ASSERT_LE(0, taihu_cmdbuf_sem_signal(cb, self->data.addr, 0x1234,
					     TAIHU_CMDBUF_SEM_SET));
	j = job_on(1);
	j.out_sync_handle = sync;
	j.bos = &x;
	j.bo_count = 1;
	ASSERT_EQ(0, ts_submit(self->dev, cb, &j, &seq));

	t0 = tt_now_ns();
	EXPECT_EQ(-ETIME, taihu_wait(self->dev, seq, t0 + 100 * TS_MS, &res));
	dt = tt_now_ns() - t0;
	EXPECT_GE(dt, 100 * TS_MS) TH_LOG("WAIT gave up after %lld ns", (long long)dt);

	/*
	 * The DRM core turns a syncobj deadline into jiffies, and a guest's
	 * jiffies can lag its clock by a few ticks when its vCPU was not run
	 * (seen: 11 ms early under TCG on a loaded host). Not ours to judge
	 * beyond "not at once": the other two waits are the driver's own.
	 */
	t0 = tt_now_ns();
	EXPECT_EQ(-ETIME, taihu_syncobj_wait(self->dev, &sync, 1, t0 + 100 * TS_MS,
					     0, NULL));
	dt = tt_now_ns() - t0;
	EXPECT_GE(dt, 70 * TS_MS) TH_LOG("syncobj wait gave up after %lld ns",
					(long long)dt);

	t0 = tt_now_ns();
	EXPECT_EQ(-ETIME, taihu_wait_bo(x, t0 + 100 * TS_MS, &res));
	dt = tt_now_ns() - t0;
	EXPECT_GE(dt, 100 * TS_MS) TH_LOG("WAIT_BO gave up after %lld ns",
					 (long long)dt);

	/* A deadline in the past polls. */
	EXPECT_EQ(-ETIME, taihu_wait(self->dev, seq, 0, &res));
	EXPECT_EQ(0, ts_get64(&self->data, 0));

	ts_set64(&self->sem, GATE(5), 1);
	ASSERT_EQ(0, tt_wait_ok(self->dev, seq, &res));
	EXPECT_EQ(0x1234, ts_get64(&self->data, 0));
	EXPECT_EQ(0, taihu_syncobj_wait(self->dev, &sync, 1, 0, 0, NULL));
	taihu_syncobj_destroy(self->dev, sync);
	taihu_bo_free(x);
	taihu_cmdbuf_free(cb);
}

/*
 * The job timeout (5 s without progress): a job stalled for good on a
 * semaphore ends TIMEOUT, its queue is reset, the jobs queued behind it on
 * the same queue still complete, one written directly by SUBMIT like the
 * stalled one, one that came through the scheduler; its context is banned (later submits
 * fail with -ECANCELED, CONTEXT_INFO says so), while the queue stays
 * usable for other contexts. Takes about 5 s.
 */
TEST_F_TIMEOUT(submit, job_timeout, 90)
{
	struct taihu_context_info ci = { .size = sizeof(ci) };
	uint64_t before[8] = { 0 }, after[8] = { 0 };
	struct taihu_device *other;
	struct taihu_job_result ra = { .size = sizeof(ra) };
	struct taihu_job_result rb = { .size = sizeof(rb) };
	struct taihu_job_result rc = { .size = sizeof(rc) };
	struct drm_taihu_sync in = { 0 };
	struct taihu_cmdbuf *cb;
	uint32_t q = self->nq - 1;
	uint64_t a, b, c, gate;
	uint32_t sync;
	struct taihu_job j;
	int64_t t0, dt;
	int have_counters;

	have_counters = ts_queue_counters(&self->desc, "timeouts", before, 8) > (int)q;
	ASSERT_EQ(0, taihu_cmdbuf_new(&cb));
	ASSERT_LE(0, taihu_cmdbuf_sem_wait(cb, self->sem.addr + SEM(9), 1,
					   TAIHU_CMDBUF_SEM_GEQUAL));
	j = job_on(q);
	t0 = tt_now_ns();
	ASSERT_EQ(0, ts_submit(self->dev, cb, &j, &a));
	taihu_cmdbuf_reset(cb);
	ASSERT_LE(0, taihu_cmdbuf_sem_signal(cb, self->data.addr + 16, 0xbeef,
					     TAIHU_CMDBUF_SEM_SET));
	ASSERT_EQ(0, ts_submit(self->dev, cb, &j, &b));
	/*
	 * C reaches the ring through the scheduler (it waits for a gate on
	 * queue 0), behind A: the scheduler's timeout of C must not take C,
	 * which waits, for the hung one.
	 */
	ASSERT_EQ(0, taihu_syncobj_create(self->dev, 0, &sync));
	ASSERT_EQ(0, ts_submit_gate(self->dev, 0, self->sem.addr + GATE(21),
				    sync, &gate));
	taihu_cmdbuf_reset(cb);
	ASSERT_LE(0, taihu_cmdbuf_sem_signal(cb, self->data.addr + 24, 0xc0de,
					     TAIHU_CMDBUF_SEM_SET));
	in.handle = sync;
	j.in_syncs = &in;
	j.in_sync_count = 1;
	ASSERT_EQ(0, ts_submit(self->dev, cb, &j, &c));
	ts_set64(&self->sem, GATE(21), 1);
	ASSERT_EQ(0, tt_wait_ok(self->dev, gate, &rc));

	ASSERT_EQ(0, tt_wait_ok(self->dev, b, &rb))
		TH_LOG("the job behind the stalled one: %s",
		       taihu_job_status_name(rb.status));
	ASSERT_EQ(0, tt_wait_ok(self->dev, c, &rc))
		TH_LOG("the scheduled job behind the stalled one: %s",
		       taihu_job_status_name(rc.status));
	EXPECT_EQ(0xc0de, ts_get64(&self->data, 24));
	taihu_syncobj_destroy(self->dev, sync);
	dt = tt_now_ns() - t0;
	EXPECT_EQ(0xbeef, ts_get64(&self->data, 16));
	ASSERT_EQ(0, taihu_wait(self->dev, a, 0, &ra));
	EXPECT_EQ(DRM_TAIHU_JOB_TIMEOUT, ra.status)
		TH_LOG("stalled job ended %s", taihu_job_status_name(ra.status));
	EXPECT_GE(dt, 4500 * TS_MS) TH_LOG("timed out after %lld ms", (long long)(dt / TS_MS));
	TH_LOG("the stalled job ended after %lld ms", (long long)(dt / TS_MS));

	EXPECT_EQ(-ECANCELED, tt_run_nop(self->dev, q, &rb));
	ASSERT_EQ(0, taihu_context_info(self->dev, &ci));
	EXPECT_EQ(0, ci.flags & DRM_TAIHU_CONTEXT_FAULTED);
	EXPECT_EQ(DRM_TAIHU_CONTEXT_BANNED, ci.flags & DRM_TAIHU_CONTEXT_BANNED);
	ASSERT_EQ(0, taihu_device_open(self->desc.node, &other));
	EXPECT_EQ(0, tt_run_nop(other, q, &rb));
	taihu_device_close(other);
	if (have_counters) {
		ASSERT_LT((int)q, ts_queue_counters(&self->desc, "timeouts", after, 8));
		EXPECT_EQ(before[q] + 1, after[q]) TH_LOG("debugfs timeouts counter");
	}
	taihu_cmdbuf_free(cb);
}

struct background_wait {
	struct taihu_device *dev;
	uint64_t seqno;
	struct taihu_job_result res;
	int ret;
};

static void *background_wait_thread(void *arg)
{
	struct background_wait *bw = arg;

	bw->res.size = sizeof(bw->res);
	bw->ret = taihu_wait(bw->dev, bw->seqno, taihu_deadline_ns(120 * TS_S),
			     &bw->res);
	return NULL;
}

/*
 * Interrupt moderation: the card raises a queue's completion interrupt
 * after an entry that asks for it (a WAIT sleeps on its queue, a job waits
 * for one of the queue's, or every 16 entries) and when its ring runs
 * empty. Job A, held by gate 10, is followed by gate 11, so that the ring
 * does not run empty after A. A WAIT on A, asleep before gate 10 opens,
 * flags every entry in the ring (debugfs irq_asked grows by them) and
 * returns SUCCESS while gate 11 still holds the job behind.
 */
TEST_F_TIMEOUT(submit, waiter_wakes_at_once, 240)
{
	const uint32_t q = 2;
	struct background_wait bw = { .dev = self->dev };
	struct taihu_job_result res = { .size = sizeof(res) };
	uint64_t gate0, gate1, b, asked0[8], asked[8];
	struct taihu_cmdbuf *cb;
	struct taihu_job j;
	pthread_t thread;
	int64_t t0;

	ASSERT_EQ(0, raise_job_timeout(self)) TH_LOG("job_timeout_ms (root) for the gates");
	ASSERT_EQ(0, taihu_cmdbuf_new(&cb));
	ts_set64(&self->data, 0, 0);
	ts_set64(&self->data, 8, 0);
	ASSERT_EQ(0, ts_submit_gate(self->dev, q, self->sem.addr + GATE(10), 0, &gate0));
	ASSERT_LE(0, taihu_cmdbuf_sem_signal(cb, self->data.addr, 0xa, TAIHU_CMDBUF_SEM_SET));
	/* The gates' priority: in ring order gate 10, A, gate 11, B. */
	j = job_on(q);
	j.priority = DRM_TAIHU_PRIORITY_HIGH;
	ASSERT_EQ(0, ts_submit(self->dev, cb, &j, &bw.seqno));
	ASSERT_EQ(0, ts_submit_gate(self->dev, q, self->sem.addr + GATE(11), 0, &gate1));
	taihu_cmdbuf_reset(cb);
	ASSERT_LE(0, taihu_cmdbuf_sem_signal(cb, self->data.addr + 8, 0xb, TAIHU_CMDBUF_SEM_SET));
	ASSERT_EQ(0, ts_submit(self->dev, cb, &j, &b));
	ASSERT_LT((int)q, ts_queue_counters(&self->desc, "irq_asked", asked0, 8))
		TH_LOG("no irq_asked counter in debugfs queues");

	ASSERT_EQ(0, pthread_create(&thread, NULL, background_wait_thread, &bw));
	/* The WAIT flags the four entries before it sleeps (no timed check). */
	t0 = tt_now_ns();
	do {
		tt_sleep_ms(10);
		ASSERT_LT((int)q, ts_queue_counters(&self->desc, "irq_asked", asked, 8));
	} while (asked[q] < asked0[q] + 4 && tt_now_ns() - t0 < 60 * TS_S);
	EXPECT_LE(asked0[q] + 4, asked[q]) TH_LOG("the WAIT flagged %llu entries",
						   (unsigned long long)(asked[q] - asked0[q]));
	ts_set64(&self->sem, GATE(10), 1);
	ASSERT_EQ(0, pthread_join(thread, NULL));
	EXPECT_EQ(0, bw.ret) TH_LOG("WAIT on the job before the held one: %s",
				    taihu_strerror(bw.ret));
	EXPECT_EQ(DRM_TAIHU_JOB_SUCCESS, bw.res.status);
	EXPECT_EQ(0xa, ts_get64(&self->data, 0));
	/* Still held: nothing drained the ring. */
	EXPECT_EQ(-ETIME, taihu_wait(self->dev, b, 0, &res));
	EXPECT_EQ(0, ts_get64(&self->data, 8));

	ts_set64(&self->sem, GATE(11), 1);
	ASSERT_EQ(0, tt_wait_ok(self->dev, gate1, &res));
	ASSERT_EQ(0, tt_wait_ok(self->dev, b, &res));
	EXPECT_EQ(0xb, ts_get64(&self->data, 8));
	EXPECT_EQ(0, tt_wait_ok(self->dev, gate0, &res));
	taihu_cmdbuf_free(cb);
}

struct blocked_submit {
	struct taihu_device *dev;
	struct taihu_job job;
	uint64_t seqno;
	int ret;
	int done;
};

static void *blocked_submit_thread(void *arg)
{
	struct blocked_submit *bs = arg;

	bs->ret = taihu_submit(bs->dev, &bs->job, &bs->seqno);
	__atomic_store_n(&bs->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/*
 * The in-flight limit: behind a gate, NONBLOCK submissions on one queue
 * succeed until the file has max_inflight unfinished jobs there, then fail
 * with -EAGAIN (other queues still take jobs); a blocking submission
 * sleeps until a job ends. After the release every job runs: each adds 1
 * to a counter, which must end at the number of jobs submitted (results
 * older than the 4096 last ended may be dropped by then, so the newest
 * are checked through WAIT).
 */
TEST_F_TIMEOUT(submit, inflight_limit, 240)
{
	const uint32_t q = 2;
	uint32_t max = self->info.max_inflight;
	struct taihu_job_result res = { .size = sizeof(res) };
	struct blocked_submit bs = { 0 };
	struct taihu_cmdbuf *cb;
	struct ts_pool pool;
	struct taihu_job j, nb;
	uint64_t gate, last = 0, other, s, lost = 0, failed = 0;
	pthread_t th;
	int64_t t0;
	uint32_t n;
	int ret;

	ASSERT_GT(max, 1);
	ASSERT_LE(max, 1u << 20) TH_LOG("max_inflight %u", max);
	ASSERT_EQ(0, ts_pool_new(self->dev, 4096, &pool));
	ASSERT_EQ(0, taihu_cmdbuf_new(&cb));
	ASSERT_LE(0, taihu_cmdbuf_sem_signal(cb, self->sem.addr + SEM(3), 1,
					     TAIHU_CMDBUF_SEM_ADD));
	nb = job_on(q);
	ASSERT_EQ(0, ts_pool_add(&pool, cb, &nb));
	nb.flags = DRM_TAIHU_SUBMIT_NONBLOCK;

	ASSERT_EQ(0, raise_job_timeout(self)) TH_LOG("job_timeout_ms (root) for the gate");
	t0 = tt_now_ns();
	ASSERT_EQ(0, ts_submit_gate(self->dev, q, self->sem.addr + GATE(2), 0, &gate));
	for (n = 1; n < max + 10; n++) {
		ret = taihu_submit(self->dev, &nb, &s);
		if (ret)
			break;
		last = s;
	}
	TH_LOG("%u jobs in flight on queue %u after %lld ms", n, q,
	       (long long)((tt_now_ns() - t0) / TS_MS));
	EXPECT_EQ(-EAGAIN, ret);
	EXPECT_EQ(max, n) TH_LOG("the limit is max_inflight = %u", max);
	EXPECT_EQ(-EAGAIN, taihu_submit(self->dev, &nb, &s));
	/* The limit is per queue. */
	j = nb;
	j.queue = 0;
	EXPECT_EQ(0, taihu_submit(self->dev, &j, &other));
	EXPECT_EQ(0, tt_wait_ok(self->dev, other, &res));

	/* Without NONBLOCK, SUBMIT sleeps until a job of the queue ends. */
	bs.dev = self->dev;
	bs.job = nb;
	bs.job.flags = 0;
	ASSERT_EQ(0, pthread_create(&th, NULL, blocked_submit_thread, &bs));
	tt_sleep_ms(200);
	EXPECT_EQ(0, __atomic_load_n(&bs.done, __ATOMIC_SEQ_CST))
		TH_LOG("a blocking SUBMIT returned at the limit");
	/* Nothing ran yet: the gate holds the queue. */
	EXPECT_EQ(1, ts_get64(&self->sem, SEM(3))) TH_LOG("only the job on queue 0");

	ts_set64(&self->sem, GATE(2), 1);
	ASSERT_EQ(0, pthread_join(th, NULL));
	ASSERT_EQ(0, bs.ret);
	EXPECT_GT(bs.seqno, last);
	ASSERT_EQ(0, tt_wait_ok(self->dev, bs.seqno, &res));
	EXPECT_EQ(0, tt_wait_ok(self->dev, gate, &res)) TH_LOG("gate: %s",
		taihu_job_status_name(res.status));
	/* None lost: every job ran, the newest results are all successes. */
	EXPECT_EQ((uint64_t)n + 1, ts_get64(&self->sem, SEM(3)))
		TH_LOG("%u submitted after the gate, plus the blocked one and the one on queue 0",
		       n - 1);
	for (s = last > 4000 ? last - 4000 : 1; s <= last; s++) {
		if (s == other || s == gate)
			continue;
		ret = taihu_wait(self->dev, s, 0, &res);
		if (ret)
			lost++;
		else if (res.status != DRM_TAIHU_JOB_SUCCESS)
			failed++;
	}
	EXPECT_EQ(0, lost);
	EXPECT_EQ(0, failed);
	taihu_cmdbuf_free(cb);
	ts_pool_free(&pool);
}

/* fdinfo drm-engine-q<N>: the file's card time per queue grows with its jobs. */
TEST_F(submit, fdinfo_engine_time)
{
	struct tm_fdinfo_kv before[TM_FDINFO_MAX], after[TM_FDINFO_MAX], other[TM_FDINFO_MAX];
	struct taihu_job_result res[8];
	struct taihu_device *dev2;
	struct taihu_cmdbuf *cb;
	struct ts_buf big;
	int nb, na, no, fd = taihu_device_fd(self->dev);
	uint64_t seq[8], b, a;
	char key[32];
	struct taihu_job j;
	uint32_t q;

	tt_results_init(res, 8);
	ASSERT_LE(self->nq, 8);
	ASSERT_EQ(0, ts_buf_new(self->dev, 16 * TM_MiB, &big));
	nb = tm_fdinfo(fd, "drm-engine-", before, TM_FDINFO_MAX);
	ASSERT_GE(nb, (int)self->nq);
	ASSERT_EQ(0, taihu_cmdbuf_new(&cb));
	for (q = 0; q < self->nq; q++) {
		snprintf(key, sizeof(key), "drm-engine-q%u", q);
		ASSERT_NE(UINT64_MAX, tm_fdinfo_get(before, nb, key)) TH_LOG("no %s", key);
		taihu_cmdbuf_reset(cb);
		ASSERT_LE(0, taihu_cmdbuf_fill(cb, big.addr, big.size, q));
		j = job_on(q);
		ASSERT_EQ(0, ts_submit(self->dev, cb, &j, &seq[q]));
	}
	for (q = 0; q < self->nq; q++)
		ASSERT_EQ(0, tt_wait_ok(self->dev, seq[q], &res[q]));
	na = tm_fdinfo(fd, "drm-engine-", after, TM_FDINFO_MAX);
	ASSERT_GE(na, (int)self->nq);
	for (q = 0; q < self->nq; q++) {
		snprintf(key, sizeof(key), "drm-engine-q%u", q);
		b = tm_fdinfo_get(before, nb, key);
		a = tm_fdinfo_get(after, na, key);
		EXPECT_GT(res[q].end_ns, res[q].start_ns);
		EXPECT_GE(a - b, res[q].end_ns - res[q].start_ns)
			TH_LOG("%s grew by %llu ns, the job took %llu ns", key,
			       (unsigned long long)(a - b),
			       (unsigned long long)(res[q].end_ns - res[q].start_ns));
	}
	/* Per file: another open file has spent nothing. */
	ASSERT_EQ(0, tm_reopen(self->dev, &dev2));
	no = tm_fdinfo(taihu_device_fd(dev2), "drm-engine-", other, TM_FDINFO_MAX);
	ASSERT_GE(no, (int)self->nq);
	for (q = 0; q < self->nq; q++) {
		snprintf(key, sizeof(key), "drm-engine-q%u", q);
		EXPECT_EQ(0, tm_fdinfo_get(other, no, key));
	}
	taihu_device_close(dev2);
	ts_buf_free(&big);
	taihu_cmdbuf_free(cb);
}

/* debugfs: per-queue counters follow the jobs; ping measures round trips. */
TEST_F(submit, debugfs_queues_and_ping)
{
	enum { K = 5 };
	uint64_t sub0[8] = { 0 }, sub1[8] = { 0 }, com0[8] = { 0 }, com1[8] = { 0 };
	unsigned long long count, mn, med, mean, mx;
	struct taihu_job_result res = { .size = sizeof(res) };
	char path[256];
	uint32_t q;
	FILE *f;
	int i;

	ASSERT_LE(self->nq, 8);
	ASSERT_EQ((int)self->nq, ts_queue_counters(&self->desc, "submitted", sub0, 8));
	ASSERT_EQ((int)self->nq, ts_queue_counters(&self->desc, "completed", com0, 8));
	for (q = 0; q < self->nq; q++)
		for (i = 0; i < K; i++)
			ASSERT_EQ(0, tt_run_nop(self->dev, q, &res));
	ASSERT_EQ((int)self->nq, ts_queue_counters(&self->desc, "submitted", sub1, 8));
	ASSERT_EQ((int)self->nq, ts_queue_counters(&self->desc, "completed", com1, 8));
	for (q = 0; q < self->nq; q++) {
		EXPECT_GE(sub1[q] - sub0[q], K) TH_LOG("queue %u submitted", q);
		EXPECT_GE(com1[q] - com0[q], K) TH_LOG("queue %u completed", q);
	}

	ts_debugfs_path(&self->desc, "ping", path, sizeof(path));
	f = fopen(path, "re");
	ASSERT_NE(NULL, f) TH_LOG("%s: %s", path, strerror(errno));
	ASSERT_EQ(5, fscanf(f, "count %llu min_ns %llu median_ns %llu mean_ns %llu max_ns %llu",
			    &count, &mn, &med, &mean, &mx));
	fclose(f);
	EXPECT_GT(count, 0);
	EXPECT_GT(mn, 0);
	EXPECT_LE(mn, med);
	EXPECT_LE(med, mx);
	EXPECT_LE(mn, mean);
	EXPECT_LE(mean, mx);
}

/* debugfs tlb: "sent N failed N deferred N". */
static int tlb_counters(const struct tt_device *desc, unsigned long long *sent,
			unsigned long long *deferred)
{
	unsigned long long failed;
	char path[256];
	FILE *f;
	int n;

	ts_debugfs_path(desc, "tlb", path, sizeof(path));
	f = fopen(path, "re");
	if (!f)
		return -errno;
	n = fscanf(f, "sent %llu failed %llu deferred %llu", sent, &failed, deferred);
	fclose(f);
	return n == 3 ? 0 : -EINVAL;
}

/*
 * Every job through taihu_submit_cmdbuf() has a command buffer of its own,
 * freed with the job. Jobs that end together are freed together, and
 * their unmaps share a TLB invalidation instead of one mailbox round trip
 * each: N jobs released at once by a gate take far fewer than N.
 */
TEST_F_TIMEOUT(submit, freed_command_buffers_share_tlb_invalidations, 120)
{
	enum { N = 128 };
	unsigned long long sent0, sent1, def0, def1;
	struct taihu_job_result res = { .size = sizeof(res) };
	uint64_t gate_seq, seq[N];
	int64_t deadline;
	int i;

	ASSERT_EQ(0, raise_job_timeout(self));
	ASSERT_EQ(0, ts_submit_gate(self->dev, 0, self->sem.addr + GATE(0), 0,
				    &gate_seq));
	for (i = 0; i < N; i++)
		ASSERT_EQ(0, tt_submit_nop(self->dev, 0, &seq[i]));
	ASSERT_EQ(0, tlb_counters(&self->desc, &sent0, &def0))
		TH_LOG("no tlb file in debugfs");
	ts_set64(&self->sem, GATE(0), 1);
	ASSERT_EQ(0, tt_wait_ok(self->dev, gate_seq, &res));
	for (i = 0; i < N; i++)
		ASSERT_EQ(0, tt_wait_ok(self->dev, seq[i], &res));
	/* Jobs are freed off the scheduler's workqueue: wait for all N. */
	deadline = tt_now_ns() + 20LL * 1000000000;
	do {
		ASSERT_EQ(0, tlb_counters(&self->desc, &sent1, &def1));
		if (def1 - def0 >= N)
			break;
		tt_sleep_ms(20);
	} while (tt_now_ns() < deadline);
	TH_LOG("%d jobs freed: %llu TLB invalidations, %llu unmaps deferred",
	       N, sent1 - sent0, def1 - def0);
	EXPECT_GE(def1 - def0, N);
	EXPECT_LT(sent1 - sent0, N / 2);
}

/*
 * One batch on a gated queue: every job logs the queue's counter and adds
 * 1 to it, except job BAD_ARG (an out-syncobj this file does not have: it
 * gets -ENOENT and no seqno) and job BAD_CMD (a malformed stream: queued,
 * it ends as INVALID_CMD). The others run, in array order, with
 * consecutive seqnos. Behind the gate, which SUBMIT wrote to the ring
 * itself, the batch's eleven queued jobs are written directly too, and
 * share one doorbell (debugfs queues: "direct", "kicks").
 */
TEST_F(submit, batch_with_bad_jobs)
{
	enum { N = 12, BAD_ARG = 4, BAD_CMD = 7 };
	static const uint8_t bad_stream[8] = { 0xff, 0, 8, 0 };
	const struct taihu_job *jobs[N];
	struct taihu_job j[N];
	struct taihu_job_result prev = { .size = sizeof(prev) };
	struct taihu_job_result res = { .size = sizeof(res) };
	uint64_t seq[N], gate_seq, ctr = self->sem.addr + SEM(0), want = 0;
	uint64_t d0[8], d1[8], k0[8], k1[8];
	struct taihu_cmdbuf *cb;
	struct ts_pool pool;
	int err[N], i, last = -1;

	ASSERT_EQ(0, ts_pool_new(self->dev, N * 128, &pool));
	ASSERT_EQ(0, taihu_cmdbuf_new(&cb));
	for (i = 0; i < N; i++) {
		taihu_cmdbuf_reset(cb);
		if (i == BAD_CMD) {
			ASSERT_LE(0, taihu_cmdbuf_raw(cb, bad_stream,
						      sizeof(bad_stream)));
		} else {
			ASSERT_LE(0, taihu_cmdbuf_copy(cb, ctr, self->data.addr +
						       8ULL * i, 8));
			ASSERT_LE(0, taihu_cmdbuf_barrier(cb));
			ASSERT_LE(0, taihu_cmdbuf_sem_signal(cb, ctr, 1,
							     TAIHU_CMDBUF_SEM_ADD));
		}
		j[i] = job_on(0);
		if (i == BAD_ARG)
			j[i].out_sync_handle = 0x7fffffff;
		ASSERT_EQ(0, ts_pool_add(&pool, cb, &j[i]));
		jobs[i] = &j[i];
		ts_set64(&self->data, 8ULL * i, POISON);
	}
	ASSERT_EQ(0, ts_submit_gate(self->dev, 0, self->sem.addr + GATE(0), 0,
				    &gate_seq));
	ASSERT_LT(0, ts_queue_counters(&self->desc, "direct", d0, 8));
	ASSERT_LT(0, ts_queue_counters(&self->desc, "kicks", k0, 8))
		TH_LOG("no kicks counter in debugfs queues");
	ASSERT_EQ(0, taihu_submit_batch(self->dev, jobs, N, seq, err));
	ASSERT_LT(0, ts_queue_counters(&self->desc, "direct", d1, 8));
	ASSERT_LT(0, ts_queue_counters(&self->desc, "kicks", k1, 8));
	EXPECT_EQ(d0[0] + N - 1, d1[0]) TH_LOG("the queued jobs written directly");
	EXPECT_EQ(k0[0] + 1, k1[0]) TH_LOG("one doorbell for the batch");
	for (i = 0; i < N; i++) {
		if (i == BAD_ARG) {
			EXPECT_EQ(-ENOENT, err[i]);
			EXPECT_EQ(0, seq[i]);
			continue;
		}
		ASSERT_EQ(0, err[i]) TH_LOG("job %d: %s", i, taihu_strerror(err[i]));
		EXPECT_EQ(last < 0 ? gate_seq + 1 : seq[last] + 1, seq[i])
			TH_LOG("job %d: seqnos follow the array", i);
		last = i;
	}
	ts_set64(&self->sem, GATE(0), 1);

	ASSERT_EQ(0, tt_wait_ok(self->dev, gate_seq, &prev));
	for (i = 0; i < N; i++) {
		if (i == BAD_ARG)
			continue;
		res = (struct taihu_job_result){ .size = sizeof(res) };
		ASSERT_EQ(0, taihu_wait(self->dev, seq[i],
					taihu_deadline_ns(TT_JOB_TIMEOUT_NS), &res));
		if (i == BAD_CMD) {
			EXPECT_EQ(DRM_TAIHU_JOB_INVALID_CMD, res.status);
			EXPECT_EQ(POISON, ts_get64(&self->data, 8ULL * i));
			continue;
		}
		EXPECT_EQ(DRM_TAIHU_JOB_SUCCESS, res.status) TH_LOG("job %d", i);
		EXPECT_LE(prev.end_ns, res.start_ns) TH_LOG("job %d ran early", i);
		EXPECT_EQ(want, ts_get64(&self->data, 8ULL * i))
			TH_LOG("job %d ran out of order", i);
		want++;
		prev = res;
	}
	EXPECT_EQ(want, ts_get64(&self->sem, SEM(0)));
	taihu_cmdbuf_free(cb);
	ts_pool_free(&pool);
}

/* ---- bad input ---------------------------------------------------------- */

static int raw_submit(int fd, struct drm_taihu_submit *args)
{
	int ret;

	do {
		ret = ioctl(fd, DRM_IOCTL_TAIHU_SUBMIT, args);
	} while (ret && errno == EINTR);
	return ret ? -errno : 0;
}

static int raw_wait(int fd, struct drm_taihu_wait *args)
{
	return tt_ioctl(fd, DRM_IOCTL_TAIHU_WAIT, args);
}

FIXTURE(bad)
{
	struct taihu_device *dev, *other;
	struct taihu_device_info info;
	struct taihu_bo *cmd, *buf;
	struct drm_taihu_submit base;
	uint64_t last_seqno;
	int fd;
};

FIXTURE_SETUP(bad)
{
	struct drm_taihu_submit a;
	struct taihu_cmdbuf *cb;

	ASSERT_EQ(0, tt_open_first(&self->dev, NULL));
	ASSERT_EQ(0, tm_reopen(self->dev, &self->other));
	self->info.size = sizeof(self->info);
	ASSERT_EQ(0, taihu_device_info(self->dev, &self->info));
	self->fd = taihu_device_fd(self->dev);
	ASSERT_EQ(0, taihu_cmdbuf_new(&cb));
	ASSERT_EQ(0, taihu_cmdbuf_nop(cb, 8));
	ASSERT_EQ(0, taihu_cmdbuf_upload(cb, self->dev, &self->cmd));
	taihu_cmdbuf_free(cb);
	ASSERT_EQ(0, taihu_bo_create(self->dev, 4096, DRM_TAIHU_PLACEMENT_VRAM,
				     &self->buf));
	memset(&self->base, 0, sizeof(self->base));
	self->base.priority = DRM_TAIHU_PRIORITY_NORMAL;
	self->base.cmd_handle = taihu_bo_handle(self->cmd);
	self->base.cmd_len = 8;
	/* One good job: the seqno that rejected submissions must not use up. */
	a = self->base;
	ASSERT_EQ(0, raw_submit(self->fd, &a));
	self->last_seqno = a.seqno;
}

FIXTURE_TEARDOWN(bad)
{
	struct drm_taihu_submit a = self->base;
	struct taihu_job_result res = { .size = sizeof(res) };

	/* Nothing was lost or used up: the next good job gets the next seqno. */
	EXPECT_EQ(0, raw_submit(self->fd, &a));
	EXPECT_EQ(self->last_seqno + 1, a.seqno)
		TH_LOG("a rejected SUBMIT used up a seqno");
	EXPECT_EQ(0, tt_wait_ok(self->dev, a.seqno, &res));
	taihu_bo_free(self->buf);
	taihu_bo_free(self->cmd);
	taihu_device_close(self->other);
	taihu_device_close(self->dev);
}

#define EXPECT_SUBMIT(err, field_assignments)				\
	do {								\
		struct drm_taihu_submit a_ = self->base;		\
		field_assignments;					\
		EXPECT_EQ(err, raw_submit(self->fd, &a_))		\
			TH_LOG("%s", #field_assignments);		\
	} while (0)

TEST_F(bad, submit_fields)
{
	uint32_t nq = self->info.num_queues;
	uint64_t size = taihu_bo_size(self->cmd);

	EXPECT_SUBMIT(-EINVAL, a_.flags = 1u << 1);
	EXPECT_SUBMIT(-EINVAL, a_.flags = 1u << 31);
	EXPECT_SUBMIT(-EINVAL, a_.queue = nq);
	EXPECT_SUBMIT(-EINVAL, a_.queue = UINT32_MAX);
	EXPECT_SUBMIT(-EINVAL, a_.priority = DRM_TAIHU_PRIORITY_HIGH + 1);
	EXPECT_SUBMIT(-EINVAL, a_.priority = UINT32_MAX);
	EXPECT_SUBMIT(-EINVAL, a_.cmd_len = 0);
	EXPECT_SUBMIT(-EINVAL, a_.cmd_len = 12);
	EXPECT_SUBMIT(-EINVAL, a_.cmd_offset = 4);
	EXPECT_SUBMIT(-EINVAL, a_.cmd_offset = size);
	EXPECT_SUBMIT(-EINVAL, a_.cmd_offset = size - 8; a_.cmd_len = 16);
	EXPECT_SUBMIT(-EINVAL, a_.cmd_len = (uint32_t)size + 8);
	EXPECT_SUBMIT(-EINVAL, a_.cmd_offset = UINT64_MAX - 7; a_.cmd_len = 16);
	EXPECT_SUBMIT(-EINVAL, a_.cmd_len = UINT32_MAX - 7);
	EXPECT_SUBMIT(-EINVAL, a_.out_sync_point = 1);
	EXPECT_SUBMIT(-ENOENT, a_.cmd_handle = 0);
	EXPECT_SUBMIT(-ENOENT, a_.cmd_handle = 0x7fffffff);
	EXPECT_SUBMIT(-ENOENT, a_.out_sync_handle = 0x7fffffff);
}

/* The batch itself: a bad header fails the call and queues nothing. */
TEST_F(bad, submit_batch_fields)
{
	struct drm_taihu_submit jobs[2] = { self->base, self->base };
	struct drm_taihu_submit_batch b;
	int32_t errors[2];

#define EXPECT_BATCH(err, field_assignments)				\
	do {								\
		b = (struct drm_taihu_submit_batch){			\
			.jobs = (uintptr_t)jobs,			\
			.errors = (uintptr_t)errors,			\
			.count = 2, .stride = sizeof(jobs[0]) };	\
		field_assignments;					\
		EXPECT_EQ(err, tt_ioctl(self->fd,			\
					DRM_IOCTL_TAIHU_SUBMIT_BATCH, &b)) \
			TH_LOG("%s", #field_assignments);		\
	} while (0)

	EXPECT_BATCH(-EINVAL, b.flags = 1);
	EXPECT_BATCH(-EINVAL, b.processed = 1);
	EXPECT_BATCH(-EINVAL, b.count = 0);
	EXPECT_BATCH(-EINVAL, b.stride = sizeof(jobs[0]) - 8);
	EXPECT_BATCH(-EINVAL, b.stride = sizeof(jobs[0]) + 4);
	EXPECT_BATCH(-E2BIG, b.count = DRM_TAIHU_MAX_BATCH_JOBS + 1);
	EXPECT_BATCH(-EFAULT, b.jobs = 0);
	EXPECT_BATCH(-EFAULT, b.errors = 0);
#undef EXPECT_BATCH

	/* Two jobs the driver refuses: each gets its errno, nothing is queued. */
	jobs[0].cmd_len = 12;
	jobs[1].cmd_handle = 0x7fffffff;
	b = (struct drm_taihu_submit_batch){ .jobs = (uintptr_t)jobs,
		.errors = (uintptr_t)errors, .count = 2,
		.stride = sizeof(jobs[0]) };
	ASSERT_EQ(0, tt_ioctl(self->fd, DRM_IOCTL_TAIHU_SUBMIT_BATCH, &b));
	EXPECT_EQ(2, b.processed);
	EXPECT_EQ(-EINVAL, errors[0]);
	EXPECT_EQ(-ENOENT, errors[1]);
}

TEST_F(bad, submit_arrays)
{
	uint32_t handles[2] = { taihu_bo_handle(self->buf), 0x7fffffff };
	struct drm_taihu_sync syncs[2] = { { 0 } };
	uint32_t *many;
	uint32_t fresh, tl, sig;
	uint64_t point = 2;

	many = calloc(4097, sizeof(*many));
	ASSERT_NE(NULL, many);
	EXPECT_SUBMIT(-ENOENT, a_.bo_count = 2; a_.bo_handles = (uintptr_t)handles);
	EXPECT_SUBMIT(-EFAULT, a_.bo_count = 1; a_.bo_handles = 8);
	EXPECT_SUBMIT(-E2BIG, a_.bo_count = 4097; a_.bo_handles = (uintptr_t)many);
	EXPECT_SUBMIT(-E2BIG, a_.bo_count = UINT32_MAX; a_.bo_handles = (uintptr_t)many);
	EXPECT_SUBMIT(-E2BIG, a_.in_sync_count = 257; a_.in_syncs = (uintptr_t)many);
	EXPECT_SUBMIT(-EFAULT, a_.in_sync_count = 1; a_.in_syncs = 8);
	free(many);
	/* A buffer listed twice is not an error. */
	{
		struct drm_taihu_submit a = self->base;

		handles[1] = handles[0];
		a.bo_count = 2;
		a.bo_handles = (uintptr_t)handles;
		ASSERT_EQ(0, raw_submit(self->fd, &a));
		EXPECT_EQ(self->last_seqno + 1, a.seqno);
		self->last_seqno = a.seqno;
	}

	ASSERT_EQ(0, taihu_syncobj_create(self->dev, 1, &sig));
	ASSERT_EQ(0, taihu_syncobj_create(self->dev, 0, &fresh));
	ASSERT_EQ(0, taihu_syncobj_create(self->dev, 0, &tl));
	ASSERT_EQ(0, taihu_syncobj_timeline_signal(self->dev, &tl, &point, 1));
	syncs[0].handle = sig;
	syncs[1].handle = sig;
	syncs[1].pad = 1;
	EXPECT_SUBMIT(-EINVAL, a_.in_sync_count = 2; a_.in_syncs = (uintptr_t)syncs);
	syncs[1].pad = 0;
	syncs[1].handle = 0x7fffffff;
	EXPECT_SUBMIT(-ENOENT, a_.in_sync_count = 2; a_.in_syncs = (uintptr_t)syncs);
	/* A syncobj without a fence, a timeline point not there yet. */
	syncs[1].handle = fresh;
	EXPECT_SUBMIT(-EINVAL, a_.in_sync_count = 2; a_.in_syncs = (uintptr_t)syncs);
	syncs[1].handle = tl;
	syncs[1].point = 3;
	EXPECT_SUBMIT(-EINVAL, a_.in_sync_count = 2; a_.in_syncs = (uintptr_t)syncs);
	taihu_syncobj_destroy(self->dev, sig);
	taihu_syncobj_destroy(self->dev, fresh);
	taihu_syncobj_destroy(self->dev, tl);
}

/* GEM and syncobj handles that exist only in another open file. */
TEST_F(bad, handles_of_another_file)
{
	struct taihu_bo *theirs[16];
	uint32_t their_sync[16], h = 0, s = 0, mine;
	struct drm_taihu_sync in = { 0 };
	int i, nb = 0, ns = 0;

	ASSERT_EQ(0, taihu_syncobj_create(self->dev, 1, &mine));
	/* Until the other file has a handle number this one does not. */
	while (nb < 16) {
		ASSERT_EQ(0, taihu_bo_create(self->other, 4096,
					     DRM_TAIHU_PLACEMENT_VRAM, &theirs[nb]));
		h = taihu_bo_handle(theirs[nb++]);
		if (h > taihu_bo_handle(self->cmd) && h > taihu_bo_handle(self->buf))
			break;
	}
	while (ns < 16) {
		ASSERT_EQ(0, taihu_syncobj_create(self->other, 1, &their_sync[ns]));
		s = their_sync[ns++];
		if (s > mine)
			break;
	}
	ASSERT_GT(h, taihu_bo_handle(self->buf));
	ASSERT_GT(s, mine);
	EXPECT_SUBMIT(-ENOENT, a_.cmd_handle = h);
	EXPECT_SUBMIT(-ENOENT, a_.bo_count = 1; a_.bo_handles = (uintptr_t)&h);
	in.handle = s;
	EXPECT_SUBMIT(-ENOENT, a_.in_sync_count = 1; a_.in_syncs = (uintptr_t)&in);
	EXPECT_SUBMIT(-ENOENT, a_.out_sync_handle = s);
	{
		struct drm_taihu_wait w = { .flags = DRM_TAIHU_WAIT_BO, .handle = h };

		EXPECT_EQ(-ENOENT, raw_wait(self->fd, &w));
	}
	for (i = 0; i < nb; i++)
		taihu_bo_free(theirs[i]);
	for (i = 0; i < ns; i++)
		taihu_syncobj_destroy(self->other, their_sync[i]);
	taihu_syncobj_destroy(self->dev, mine);
}

TEST_F(bad, wait_fields)
{
	struct drm_taihu_wait w;
	uint32_t h = taihu_bo_handle(self->buf);

#define EXPECT_WAIT(err, field_assignments)				\
	do {								\
		memset(&w, 0, sizeof(w));				\
		w.seqno = self->last_seqno;				\
		w.timeout_ns = taihu_deadline_ns(TT_JOB_TIMEOUT_NS);	\
		field_assignments;					\
		EXPECT_EQ(err, raw_wait(self->fd, &w))			\
			TH_LOG("%s", #field_assignments);		\
	} while (0)

	EXPECT_WAIT(0, (void)0);
	EXPECT_WAIT(-EINVAL, w.pad = 1);
	EXPECT_WAIT(-EINVAL, w.flags = 1u << 1);
	EXPECT_WAIT(-EINVAL, w.flags = 1u << 31);
	EXPECT_WAIT(-EINVAL, w.handle = h);
	EXPECT_WAIT(-EINVAL, w.flags = DRM_TAIHU_WAIT_BO; w.handle = h);
	EXPECT_WAIT(0, w.flags = DRM_TAIHU_WAIT_BO; w.handle = h; w.seqno = 0);
	EXPECT_WAIT(-ENOENT, w.flags = DRM_TAIHU_WAIT_BO; w.handle = 0x7fffffff;
		    w.seqno = 0);
	EXPECT_WAIT(-ENOENT, w.flags = DRM_TAIHU_WAIT_BO; w.handle = 0; w.seqno = 0);
	EXPECT_WAIT(-ENOENT, w.seqno = 0);
	EXPECT_WAIT(-ENOENT, w.seqno = self->last_seqno + 1);
#undef EXPECT_WAIT
}

/* What only the card can see: the job ends INVALID_CMD at the packet. */
TEST_F(bad, malformed_streams_are_invalid_cmd)
{
	struct {
		const char *what;
		uint8_t bytes[48];
		uint32_t len;
		uint32_t offset;
	} cases[] = {
		{ "unknown opcode", { 0, 0, 8, 0, 0, 0, 0, 0, 0x7f, 0, 8, 0 }, 16, 8 },
		{ "opcode 0xff", { 0xff, 0, 8, 0 }, 8, 0 },
		{ "FILL cut short", { TAIHU_PKT_FILL, 0, 32, 0 }, 16, 0 },
		{ "NOP longer than the stream", { 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 24, 0 }, 16, 8 },
		{ "header flags set", { TAIHU_PKT_NOP, 1, 8, 0 }, 8, 0 },
		{ "header reserved set", { TAIHU_PKT_NOP, 0, 8, 0, 1 }, 8, 0 },
		{ "packet size 12", { TAIHU_PKT_NOP, 0, 12, 0 }, 16, 0 },
		{ "BARRIER of 16 bytes", { TAIHU_PKT_BARRIER, 0, 16, 0 }, 16, 0 },
		{ "SEM_WAIT unknown condition",
		  { TAIHU_PKT_SEM_WAIT, 0, 32, 0, 0, 0, 0, 0, /* addr */ 0, 0, 0, 0,
		    0, 0, 0, 0, /* value */ 0, 0, 0, 0, 0, 0, 0, 0, /* cond */ 7 }, 32, 0 },
		{ "SEM_SIGNAL unaligned", { TAIHU_PKT_SEM_SIGNAL, 0, 32, 0, 0, 0, 0, 0, 4 },
		  32, 0 },
	};
	struct taihu_job_result res = { .size = sizeof(res) };
	struct taihu_cmdbuf *cb;
	size_t k;
	int ret;

	ASSERT_EQ(0, taihu_cmdbuf_new(&cb));
	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		taihu_cmdbuf_reset(cb);
		ASSERT_LE(0, taihu_cmdbuf_raw(cb, cases[k].bytes, cases[k].len));
		res = (struct taihu_job_result){ .size = sizeof(res) };
		ret = taihu_run(self->dev, cb, (uint32_t)k % self->info.num_queues,
				NULL, 0, TT_JOB_TIMEOUT_NS, &res);
		EXPECT_EQ(-TAIHU_EJOBFAILED, ret) TH_LOG("%s: %d", cases[k].what, ret);
		EXPECT_EQ(DRM_TAIHU_JOB_INVALID_CMD, res.status)
			TH_LOG("%s: %s", cases[k].what, taihu_job_status_name(res.status));
		EXPECT_EQ(cases[k].offset, res.error_offset) TH_LOG("%s", cases[k].what);
		self->last_seqno++;
	}
	/* The queues go on. */
	for (k = 0; k < self->info.num_queues; k++)
		EXPECT_EQ(0, tt_run_nop(self->dev, (uint32_t)k, &res));
	self->last_seqno += self->info.num_queues;
	taihu_cmdbuf_free(cb);
}

TEST_HARNESS_MAIN
