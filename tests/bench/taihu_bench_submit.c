// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * taihu_bench_submit: job submission overheads of a Taihu card, each as a
 * ratio to a reference measured in the same boot:
 * - null-job round trip (submit a NOP -> its fence signals -> the waiter
 *   wakes), min and median, against the raw platform round trip (doorbell
 *   -> card -> MSI-X -> interrupt -> waiter) that the driver measures with
 *   mailbox PINGs (debugfs /sys/kernel/debug/accel/<device>/ping);
 * - pipelined null jobs per second from one process (submit many, wait for
 *   the last), on one queue and over all queues, against the rate of a
 *   trivial ioctl (DRM_IOCTL_TAIHU_QUERY asking only for a size), and the
 *   interrupts the queue vectors took per job of the one-queue stream
 *   (/proc/interrupts) and the share of its ring entries that SUBMIT
 *   wrote itself (direct submission, debugfs queues), and the same
 *   one-queue stream submitted in batches
 *   of BATCH jobs (taihu_submit_batch(), one SUBMIT_BATCH each), with
 *   its interrupts and doorbells per job;
 * - aggregate null jobs per second with 1, 2, 4 and 8 processes, each with
 *   its own open file, submitting over all queues at once;
 * - with user-mode queues (DRM_TAIHU_CAP_USER_QUEUES): the null-job round
 *   trip (push + kick -> the completion seen in memory), against the ping,
 *   and pipelined user-queue null jobs per second (UQ_BATCH per kick),
 *   against the trivial ioctl.
 * The lines are TAP: "ok" means the measurement ran and every job it
 * waited for ended with SUCCESS, never that a figure was good enough.
 *
 * usage: taihu_bench_submit [--quick] [--device N]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_util.h"

#define WAIT_NS		(60LL * 1000000000LL)
#define MAX_PROCS	8
#define BATCH		32	/* jobs per SUBMIT_BATCH of the batched stream */
#define UQ_ENTRIES	256	/* user queue ring */
#define UQ_BATCH	64	/* user-queue jobs per kick */

struct sizes {
	int rtt;		/* null-job round trips */
	int ioctls;		/* trivial ioctls */
	int pipelined;		/* jobs of one pipelined burst */
	int per_proc;		/* jobs per process in the aggregate runs */
};

static const struct sizes full = { 2000, 200000, 20000, 10000 };
static const struct sizes quick = { 50, 2000, 500, 200 };

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static double ratio(double a, double b)
{
	return b > 0 ? a / b : 0.0;
}

/* A one-NOP command buffer, uploaded once and submitted many times. */
static int nop_job(struct taihu_device *dev, struct taihu_bo **cmd,
		   struct taihu_job *job)
{
	struct taihu_cmdbuf *cb;
	int ret;

	ret = taihu_cmdbuf_new(&cb);
	if (ret)
		return ret;
	ret = taihu_cmdbuf_nop(cb, 8);
	if (ret >= 0)
		ret = taihu_cmdbuf_upload(cb, dev, cmd);
	taihu_cmdbuf_free(cb);
	if (ret)
		return ret;
	*job = (struct taihu_job){ .size = sizeof(*job) };
	job->priority = DRM_TAIHU_PRIORITY_NORMAL;
	job->cmd_bo = *cmd;
	job->cmd_len = 8;
	return 0;
}

/* Wait for @seqno and require SUCCESS. */
static int wait_ok(struct taihu_device *dev, uint64_t seqno)
{
	struct taihu_job_result res = { .size = sizeof(res) };
	int ret;

	ret = taihu_wait(dev, seqno, taihu_deadline_ns(WAIT_NS), &res);
	if (ret)
		return ret;
	return res.status == DRM_TAIHU_JOB_SUCCESS ? 0 : -TAIHU_EJOBFAILED;
}

/* Submit -> wait, @n times (after a few untimed ones); min and median. */
static int bench_rtt(struct taihu_device *dev, int n, int64_t *min,
		     int64_t *median)
{
	struct taihu_bo *cmd = NULL;
	struct taihu_job job;
	uint64_t seqno;
	int64_t *v, t;
	int i, ret;

	v = calloc((size_t)n, sizeof(*v));
	if (!v)
		return -ENOMEM;
	ret = nop_job(dev, &cmd, &job);
	for (i = -10; i < n && !ret; i++) {
		t = bench_now_ns();
		ret = taihu_submit(dev, &job, &seqno);
		if (!ret)
			ret = wait_ok(dev, seqno);
		if (i >= 0)
			v[i] = bench_now_ns() - t;
	}
	if (!ret) {
		qsort(v, (size_t)n, sizeof(*v), cmp_i64);
		*min = v[0];
		*median = v[n / 2];
	}
	free(v);
	taihu_bo_free(cmd);
	return ret;
}

/* The rate of an ioctl that does next to nothing: QUERY for a size. */
static int bench_ioctl(struct taihu_device *dev, int n, double *rate)
{
	struct drm_taihu_query q;
	int fd = taihu_device_fd(dev);
	int64_t t;
	int i;

	t = bench_now_ns();
	for (i = 0; i < n; i++) {
		memset(&q, 0, sizeof(q));
		q.query = DRM_TAIHU_QUERY_DEVICE_INFO;
		if (ioctl(fd, DRM_IOCTL_TAIHU_QUERY, &q))
			return -errno;
	}
	t = bench_now_ns() - t;
	*rate = (double)n * 1e9 / (double)t;
	return 0;
}

/*
 * Submit @n NOPs back to back (on @queue, or over all @nq queues when
 * @queue is negative) and wait for the last of each queue; jobs per second.
 */
static int pipelined(struct taihu_device *dev, int n, int queue, uint32_t nq,
		     double *rate)
{
	uint64_t last[DRM_TAIHU_MAX_QUEUES];
	struct taihu_bo *cmd = NULL;
	struct taihu_job job;
	uint64_t seqno;
	uint32_t q;
	int64_t t;
	int i, ret;

	ret = nop_job(dev, &cmd, &job);
	if (ret)
		return ret;
	memset(last, 0, sizeof(last));
	t = bench_now_ns();
	for (i = 0; i < n && !ret; i++) {
		job.queue = queue >= 0 ? (uint32_t)queue : (uint32_t)i % nq;
		ret = taihu_submit(dev, &job, &seqno);
		last[job.queue] = seqno;
	}
	for (q = 0; q < nq && !ret; q++)
		if (last[q])
			ret = wait_ok(dev, last[q]);
	t = bench_now_ns() - t;
	taihu_bo_free(cmd);
	if (!ret)
		*rate = (double)n * 1e9 / (double)t;
	return ret;
}

/* pipelined() on @queue, BATCH jobs per taihu_submit_batch(). */
static int pipelined_batched(struct taihu_device *dev, int n, uint32_t queue,
			     double *rate)
{
	const struct taihu_job *jobs[BATCH];
	uint64_t seqnos[BATCH], last = 0;
	struct taihu_bo *cmd = NULL;
	struct taihu_job job;
	int errors[BATCH];
	int64_t t;
	int i, k, m, ret;

	ret = nop_job(dev, &cmd, &job);
	if (ret)
		return ret;
	job.queue = queue;
	for (k = 0; k < BATCH; k++)
		jobs[k] = &job;
	t = bench_now_ns();
	for (i = 0; i < n && !ret; i += m) {
		m = n - i < BATCH ? n - i : BATCH;
		ret = taihu_submit_batch(dev, jobs, (uint32_t)m, seqnos, errors);
		for (k = 0; k < m && !ret; k++)
			ret = errors[k];
		if (!ret)
			last = seqnos[m - 1];
	}
	if (!ret && last)
		ret = wait_ok(dev, last);
	t = bench_now_ns() - t;
	taihu_bo_free(cmd);
	if (!ret)
		*rate = (double)n * 1e9 / (double)t;
	return ret;
}

/* One process of an aggregate run: its own file, jobs over all queues. */
static int proc_main(const char *node, int n, uint32_t nq, int go_fd)
{
	struct taihu_device *dev;
	char c;
	double rate;
	int ret;

	ret = taihu_device_open(node, &dev);
	if (ret)
		return 1;
	/* Everyone starts when the parent closes the pipe. */
	if (read(go_fd, &c, 1) < 0)
		return 1;
	ret = pipelined(dev, n, -1, nq, &rate);
	taihu_device_close(dev);
	return ret ? 1 : 0;
}

/* @procs processes with @n jobs each; aggregate jobs per second. */
static int aggregate(const char *node, int procs, int n, uint32_t nq,
		     double *rate)
{
	pid_t pids[MAX_PROCS];
	int go[2], i, st, bad = 0;
	int64_t t;

	if (pipe(go))
		return -errno;
	fflush(stdout);
	for (i = 0; i < procs; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			close(go[1]);
			_exit(proc_main(node, n, nq, go[0]));
		}
		if (pids[i] < 0)
			bad = 1;
	}
	close(go[0]);
	/* Let them open their files first: only submission is timed. */
	usleep(200000);
	t = bench_now_ns();
	close(go[1]);
	for (i = 0; i < procs; i++) {
		if (pids[i] <= 0)
			continue;
		if (waitpid(pids[i], &st, 0) != pids[i] || !WIFEXITED(st) ||
		    WEXITSTATUS(st))
			bad = 1;
	}
	t = bench_now_ns() - t;
	if (bad)
		return -EIO;
	*rate = (double)procs * n * 1e9 / (double)t;
	return 0;
}

/* Job @idx of @uq ended, with SUCCESS. */
static int uq_ok(struct taihu_uq *uq, uint32_t idx)
{
	struct taihu_job_result res = { .size = sizeof(res) };
	int ret = taihu_uq_poll(uq, idx, &res);

	if (ret)
		return ret;
	return res.status == DRM_TAIHU_JOB_SUCCESS ? 0 : -TAIHU_EJOBFAILED;
}

/*
 * User queue: @n round trips (push one NOP, kick, wait: spin then sleep)
 * for the median, then @np pipelined NOPs, UQ_BATCH per kick, for the rate.
 */
static int bench_uq(struct taihu_device *dev, int n, int np, int64_t *median, double *rate)
{
	struct taihu_job_result res = { .size = sizeof(res) };
	struct taihu_bo *cmd = NULL;
	struct taihu_uq *uq = NULL;
	uint32_t idx, reaped = 0;
	struct taihu_job job;
	uint64_t addr;
	int64_t *v, t;
	int i, ret;

	v = calloc((size_t)n, sizeof(*v));
	if (!v)
		return -ENOMEM;
	ret = nop_job(dev, &cmd, &job);
	if (!ret)
		ret = taihu_uq_create(dev, 0, UQ_ENTRIES, &uq);
	addr = taihu_bo_dev_addr(cmd);
	for (i = -10; i < n && !ret; i++) {
		t = bench_now_ns();
		ret = taihu_uq_push(uq, addr, 8, (uint64_t)i, &idx);
		if (!ret)
			ret = taihu_uq_kick(uq);
		if (!ret)
			ret = taihu_uq_wait(uq, idx, WAIT_NS, &res);
		if (!ret && res.status != DRM_TAIHU_JOB_SUCCESS)
			ret = -TAIHU_EJOBFAILED;
		if (i >= 0)
			v[i] = bench_now_ns() - t;
		reaped = idx + 1;
	}
	if (!ret) {
		qsort(v, (size_t)n, sizeof(*v), cmp_i64);
		*median = v[n / 2];
	}
	t = bench_now_ns();
	for (i = 0; i < np && !ret; i++) {
		ret = taihu_uq_push(uq, addr, 8, (uint64_t)i, &idx);
		if (ret == -EAGAIN) {
			/* Ring full: reap the oldest batch, checking every result. */
			ret = taihu_uq_kick(uq);
			if (!ret)
				ret = taihu_uq_wait(uq, reaped + UQ_BATCH - 1, WAIT_NS, NULL);
			for (idx = reaped; !ret && idx != reaped + UQ_BATCH; idx++)
				ret = uq_ok(uq, idx);
			reaped += UQ_BATCH;
			i--;
			continue;
		}
		if (!ret && (i + 1) % UQ_BATCH == 0)
			ret = taihu_uq_kick(uq);
	}
	if (!ret && np)
		ret = taihu_uq_wait(uq, idx, WAIT_NS, NULL);
	for (; !ret && np && reaped != idx + 1; reaped++)
		ret = uq_ok(uq, reaped);
	t = bench_now_ns() - t;
	if (!ret)
		*rate = (double)np * 1e9 / (double)t;
	taihu_uq_destroy(uq);
	taihu_bo_free(cmd);
	free(v);
	return ret;
}

static void usage(FILE *f)
{
	fputs("usage: taihu_bench_submit [--quick] [--device N]\n"
	      "  -q, --quick       few iterations: only proves that it runs\n"
	      "  -d, --device N    device index (default 0)\n", f);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quick", no_argument, NULL, 'q' },
		{ "device", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const int nprocs[] = { 1, 2, 4, 8 };
	const struct sizes *sz = &full;
	struct taihu_device_info info = { .size = sizeof(info) };
	const struct taihu_device_desc *desc;
	struct taihu_device *dev = NULL;
	struct bench_ping ping = { 0 };
	double ioctl_rate = 0, rate1 = 0, rate_all = 0, rate_batch = 0, agg[4] = { 0 };
	double irqs_per_job = 0, uq_rate = 0, direct_share = 0;
	int64_t uq_med = 0;
	uint64_t irqs0 = 0, irqs1 = 0;
	/* debugfs queue counters around the one-queue stream */
	enum { QK_DIRECT, QK_SUBMITTED, QK_FULL, QK_BEHIND, QK_KICKS, QK_COUNT };
	static const char *const qkeys[QK_COUNT] = {
		"direct", "submitted", "direct_full", "behind", "kicks",
	};
	uint64_t q0[QK_COUNT] = { 0 }, q1[QK_COUNT] = { 0 }, q2[QK_COUNT] = { 0 };
	double batch_irqs = 0, batch_kicks = 0, kicks_per_job = 0;
	uint64_t irqs2 = 0;
	int have_batch;
	int64_t rtt_min = 0, rtt_med = 0;
	unsigned long index = 0;
	int opt, ret, have_ping, have_irqs, have_direct, i;

	while ((opt = getopt_long(argc, argv, "qd:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'q':
			sz = &quick;
			break;
		case 'd':
			if (bench_parse_index(optarg, &index))
				return 2;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}

	printf("TAP version 13\n1..%d\n", 9 + 4 + 2);
	ret = bench_open_device(index, &dev, &desc);
	if (!ret)
		ret = taihu_device_info(dev, &info);
	if (ret) {
		printf("Bail out! no usable Taihu device %lu: %s\n", index,
		       taihu_strerror(ret));
		return 1;
	}
	if (info.num_queues > DRM_TAIHU_MAX_QUEUES)
		info.num_queues = DRM_TAIHU_MAX_QUEUES;
	printf("# device %lu: %s (%s), %u queues, %s mode\n", index, taihu_device_desc_node(desc),
	       taihu_device_desc_pci_slot(desc), info.num_queues, sz == &quick ? "quick" : "full");

	have_ping = !bench_read_ping(desc, &ping);
	bench_tap(have_ping, "platform round trip (debugfs ping, %llu mailbox PINGs): min %llu ns, median %llu ns, mean %llu ns",
	    ping.count, ping.min, ping.median, ping.mean);

	ret = bench_rtt(dev, sz->rtt, &rtt_min, &rtt_med);
	bench_tap(!ret, "null-job round trip (%d submit+wait): min %" PRId64 " ns (%.2f x ping), median %" PRId64 " ns (%.2f x ping)%s%s",
	    sz->rtt, rtt_min, ratio((double)rtt_min, (double)ping.min), rtt_med,
	    ratio((double)rtt_med, (double)ping.median), ret ? ": " : "",
	    ret ? taihu_strerror(ret) : "");

	ret = bench_ioctl(dev, sz->ioctls, &ioctl_rate);
	bench_tap(!ret, "trivial ioctl (QUERY for a size, %d calls): %.0f /s%s%s",
	    sz->ioctls, ioctl_rate, ret ? ": " : "", ret ? taihu_strerror(ret) : "");

	have_irqs = !bench_queue_irqs(desc, &irqs0);
	have_direct = !bench_queue_counters(desc, 0, qkeys, q0, QK_COUNT);
	ret = pipelined(dev, sz->pipelined, 0, info.num_queues, &rate1);
	have_irqs = have_irqs && !bench_queue_irqs(desc, &irqs1);
	have_direct = have_direct &&
		      !bench_queue_counters(desc, 0, qkeys, q1, QK_COUNT);
	bench_tap(!ret, "pipelined null jobs, one process, queue 0 (%d jobs): %.0f jobs/s (%.3f x trivial ioctl)%s%s",
	    sz->pipelined, rate1, ratio(rate1, ioctl_rate), ret ? ": " : "",
	    ret ? taihu_strerror(ret) : "");
	irqs_per_job = (double)(irqs1 - irqs0) / sz->pipelined;
	bench_tap(have_irqs, "queue interrupts during that stream: %" PRIu64 " (%.3f per job)",
	    irqs1 - irqs0, irqs_per_job);
	direct_share = ratio((double)(q1[QK_DIRECT] - q0[QK_DIRECT]),
			     (double)(q1[QK_SUBMITTED] - q0[QK_SUBMITTED]));
	bench_tap(have_direct, "of that stream, ring entries written directly by SUBMIT: %" PRIu64 " of %" PRIu64 " (%.3f); through the scheduler: %" PRIu64 " because the direct slots were full, %" PRIu64 " behind a job of theirs there",
	    q1[QK_DIRECT] - q0[QK_DIRECT], q1[QK_SUBMITTED] - q0[QK_SUBMITTED],
	    direct_share, q1[QK_FULL] - q0[QK_FULL], q1[QK_BEHIND] - q0[QK_BEHIND]);

	kicks_per_job = ratio((double)(q1[QK_KICKS] - q0[QK_KICKS]), sz->pipelined);
	ret = pipelined_batched(dev, sz->pipelined, 0, &rate_batch);
	have_batch = have_irqs && have_direct && !bench_queue_irqs(desc, &irqs2) &&
		     !bench_queue_counters(desc, 0, qkeys, q2, QK_COUNT);
	bench_tap(!ret, "pipelined null jobs, one process, queue 0, batches of %d (%d jobs): %.0f jobs/s (%.3f x trivial ioctl)%s%s",
	    BATCH, sz->pipelined, rate_batch, ratio(rate_batch, ioctl_rate),
	    ret ? ": " : "", ret ? taihu_strerror(ret) : "");
	batch_irqs = ratio((double)(irqs2 - irqs1), sz->pipelined);
	batch_kicks = ratio((double)(q2[QK_KICKS] - q1[QK_KICKS]), sz->pipelined);
	bench_tap(have_batch, "the batched stream: %.3f queue interrupts and %.3f doorbells per job (single SUBMITs: %.3f doorbells per job); ring entries written directly: %" PRIu64 " of %" PRIu64 ", through the scheduler: %" PRIu64 " because the direct slots were full, %" PRIu64 " behind a job of theirs there",
	    batch_irqs, batch_kicks, kicks_per_job, q2[QK_DIRECT] - q1[QK_DIRECT],
	    q2[QK_SUBMITTED] - q1[QK_SUBMITTED], q2[QK_FULL] - q1[QK_FULL],
	    q2[QK_BEHIND] - q1[QK_BEHIND]);

	ret = pipelined(dev, sz->pipelined, -1, info.num_queues, &rate_all);
	bench_tap(!ret, "pipelined null jobs, one process, %u queues (%d jobs): %.0f jobs/s (%.3f x trivial ioctl)%s%s",
	    info.num_queues, sz->pipelined, rate_all, ratio(rate_all, ioctl_rate),
	    ret ? ": " : "", ret ? taihu_strerror(ret) : "");

	for (i = 0; i < 4; i++) {
		ret = aggregate(taihu_device_desc_node(desc), nprocs[i], sz->per_proc, info.num_queues,
				&agg[i]);
		bench_tap(!ret, "aggregate null jobs, %d process%s x %d jobs over %u queues: %.0f jobs/s (%.2f x 1 process)",
		    nprocs[i], nprocs[i] == 1 ? "" : "es", sz->per_proc,
		    info.num_queues, agg[i], ratio(agg[i], agg[0]));
	}

	if (info.capabilities & DRM_TAIHU_CAP_USER_QUEUES) {
		ret = bench_uq(dev, sz->rtt, sz->pipelined, &uq_med, &uq_rate);
		bench_tap(!ret, "user-queue null-job round trip (%d push+kick+wait): median %" PRId64 " ns (%.2f x ping)%s%s",
		    sz->rtt, uq_med, ratio((double)uq_med, (double)ping.median),
		    ret ? ": " : "", ret ? taihu_strerror(ret) : "");
		bench_tap(!ret, "pipelined user-queue null jobs, one process, queue 0, %d per kick (%d jobs): %.0f jobs/s (%.3f x trivial ioctl)%s%s",
		    UQ_BATCH, sz->pipelined, uq_rate, ratio(uq_rate, ioctl_rate),
		    ret ? ": " : "", ret ? taihu_strerror(ret) : "");
	} else {
		bench_tap(1, "user-queue null-job round trip # SKIP the card has no user queues");
		bench_tap(1, "pipelined user-queue null jobs # SKIP the card has no user queues");
	}

	printf("#\n# %-44s %14s %10s\n", "measurement", "value", "ratio");
	printf("# %-44s %11llu ns %10s\n", "platform round trip, min (ping)", ping.min, "1.00");
	printf("# %-44s %11llu ns %10s\n", "platform round trip, median (ping)", ping.median, "1.00");
	printf("# %-44s %11" PRId64 " ns %10.2f\n", "null-job round trip, min", rtt_min,
	       ratio((double)rtt_min, (double)ping.min));
	printf("# %-44s %11" PRId64 " ns %10.2f\n", "null-job round trip, median", rtt_med,
	       ratio((double)rtt_med, (double)ping.median));
	printf("# %-44s %11.0f /s %10s\n", "trivial ioctl (QUERY size)", ioctl_rate, "1.00");
	printf("# %-44s %11.0f /s %10.3f\n", "pipelined null jobs, 1 process, 1 queue", rate1,
	       ratio(rate1, ioctl_rate));
	printf("# %-44s %14.3f %10s\n", "queue interrupts per job, 1 process, 1 queue",
	       irqs_per_job, "");
	printf("# %-44s %14.3f %10s\n", "direct share of ring entries, 1 queue",
	       direct_share, "");
	printf("# %-44s %11.0f /s %10.3f\n", "pipelined null jobs, 1 process, 1 q, batched",
	       rate_batch, ratio(rate_batch, ioctl_rate));
	printf("# %-44s %14.3f %10s\n", "queue interrupts per job, batched", batch_irqs, "");
	printf("# %-44s %14.3f %10s\n", "doorbells per job, batched", batch_kicks, "");
	printf("# %-44s %11.0f /s %10.3f\n", "pipelined null jobs, 1 process, all queues",
	       rate_all, ratio(rate_all, ioctl_rate));
	for (i = 0; i < 4; i++) {
		char label[64];

		snprintf(label, sizeof(label), "aggregate null jobs, %d process%s",
			 nprocs[i], nprocs[i] == 1 ? "" : "es");
		printf("# %-44s %11.0f /s %10.2f  (x 1 process)\n", label, agg[i],
		       ratio(agg[i], agg[0]));
	}
	printf("# %-44s %11" PRId64 " ns %10.2f\n", "user-queue null-job round trip, median", uq_med,
	       ratio((double)uq_med, (double)ping.median));
	printf("# %-44s %11.0f /s %10.3f\n", "pipelined user-queue null jobs, 1 process", uq_rate,
	       ratio(uq_rate, ioctl_rate));
	taihu_device_close(dev);
	return bench_failures ? 1 : 0;
}
