// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Several processes, each with its own open file (so its own device
 * context): four submitting on every queue at once, each checking the
 * values its jobs wrote; a job of one process waiting on a job of another
 * through a syncobj shared as a file descriptor (drmSyncobjHandleToFD /
 * FDToHandle), and through a semaphore in a VRAM buffer shared by PRIME.
 *
 * The children report through their exit code (and "# " lines); only the
 * test's own process uses the harness's assertions.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "taihu_submit_util.h"
#include "taihu_test_util.h"

#define NPROCS		4
#define JOBS_PER_PROC	2000
#define MAX_QUEUES	8

/* A child's complaint, on the harness's output as a comment. */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void say(const char *fmt, ...)
{
	va_list ap;

	printf("# [pid %d] ", (int)getpid());
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* Exit code of a child: 0, or the step that failed. */
#define FAIL(step, ...) do { say(__VA_ARGS__); return (step); } while (0)

/*
 * One of the concurrent processes: JOBS_PER_PROC jobs round-robin over all
 * queues, each storing a value of its own (seeded by the process number)
 * in its slot; FILLs of a buffer interleaved on every queue. Waits for the
 * start signal (@go_fd readable) after opening its file.
 */
static int submitter(int k, int go_fd)
{
	uint64_t seq[JOBS_PER_PROC], last[MAX_QUEUES] = { 0 };
	struct taihu_device_info info = { .size = sizeof(info) };
	struct taihu_job_result res = { .size = sizeof(res) };
	struct taihu_device *dev;
	struct taihu_cmdbuf *cb;
	struct ts_buf results, fills;
	struct ts_pool pool;
	uint32_t i, q, nq, bad = 0;
	const uint64_t *r;
	char c;
	int ret;

	if (tt_open_first(&dev, NULL) || taihu_device_info(dev, &info))
		FAIL(10, "cannot open the device");
	nq = info.num_queues < MAX_QUEUES ? info.num_queues : MAX_QUEUES;
	if (ts_buf_new(dev, 8ULL * JOBS_PER_PROC, &results) ||
	    ts_buf_new(dev, 4096ULL * MAX_QUEUES, &fills) ||
	    ts_pool_new(dev, 64ULL * JOBS_PER_PROC, &pool) ||
	    taihu_cmdbuf_new(&cb))
		FAIL(11, "cannot set up buffers");
	if (read(go_fd, &c, 1) < 0)
		FAIL(12, "start pipe: %s", strerror(errno));

	for (i = 0; i < JOBS_PER_PROC; i++) {
		struct taihu_job j = { .size = sizeof(j) };

		q = i % nq;
		taihu_cmdbuf_reset(cb);
		ret = taihu_cmdbuf_sem_signal(cb, results.addr + 8ULL * i,
					      ts_value(100 + k, i),
					      TAIHU_CMDBUF_SEM_SET);
		if (ret >= 0 && i % 7 == 0)
			ret = taihu_cmdbuf_fill(cb, fills.addr + 4096ULL * q, 4096,
						(uint32_t)(k << 24 | i));
		j.queue = q;
		j.priority = i % 3;
		if (ret >= 0)
			ret = ts_pool_add(&pool, cb, &j);
		if (!ret)
			ret = taihu_submit(dev, &j, &seq[i]);
		if (ret)
			FAIL(13, "job %u: %s", i, taihu_strerror(ret));
		last[q] = seq[i];
	}
	for (q = 0; q < nq; q++) {
		ret = tt_wait_ok(dev, last[q], &res);
		if (ret)
			FAIL(14, "queue %u: %s (%s)", q, taihu_strerror(ret),
			     taihu_job_status_name(res.status));
	}
	/*
	 * Priorities differ, so the last job of a queue need not be the last
	 * to run: wait for each. (Fewer than 4096 jobs: no result is dropped.)
	 */
	for (i = 0; i < JOBS_PER_PROC; i++) {
		ret = taihu_wait(dev, seq[i], taihu_deadline_ns(TT_JOB_TIMEOUT_NS),
				 &res);
		if (ret || res.status != DRM_TAIHU_JOB_SUCCESS)
			FAIL(15, "job %u: %s", i, ret ? taihu_strerror(ret) :
			     taihu_job_status_name(res.status));
	}
	__sync_synchronize();
	r = (const uint64_t *)results.p;
	for (i = 0; i < JOBS_PER_PROC; i++)
		bad += r[i] != ts_value(100 + k, i);
	if (bad)
		FAIL(16, "%u of %u values wrong", bad, JOBS_PER_PROC);
	taihu_cmdbuf_free(cb);
	ts_pool_free(&pool);
	ts_buf_free(&fills);
	ts_buf_free(&results);
	taihu_device_close(dev);
	return 0;
}

/* The harness of 6.12 has timeouts for fixtures' tests only. */
FIXTURE(mp)
{
	int unused;
};

FIXTURE_SETUP(mp)
{
}

FIXTURE_TEARDOWN(mp)
{
}

TEST_F_TIMEOUT(mp, four_processes_at_once, 240)
{
	pid_t pid[NPROCS];
	int go[2], k, st;
	int64_t t0;

	ASSERT_EQ(0, pipe(go));
	fflush(stdout);
	for (k = 0; k < NPROCS; k++) {
		pid[k] = fork();
		ASSERT_LE(0, pid[k]);
		if (pid[k] == 0) {
			close(go[1]);
			_exit(submitter(k, go[0]));
		}
	}
	close(go[0]);
	tt_sleep_ms(300);	/* let them all open their files */
	t0 = tt_now_ns();
	close(go[1]);		/* go */
	for (k = 0; k < NPROCS; k++) {
		ASSERT_EQ(pid[k], waitpid(pid[k], &st, 0));
		EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0)
			TH_LOG("process %d: %s %d", k,
			       WIFEXITED(st) ? "exit" : "signal",
			       WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
	}
	TH_LOG("%d processes x %d jobs in %lld ms", NPROCS, JOBS_PER_PROC,
	       (long long)((tt_now_ns() - t0) / TS_MS));
}

/* ---- one process's job waits on another's ----------------------------- */

/* Send @n file descriptors and one byte over the socket. */
static int send_fds(int sock, const int *fds, int n)
{
	char cbuf[CMSG_SPACE(4 * sizeof(int))];
	struct msghdr msg = { 0 };
	struct cmsghdr *cm;
	char byte = 'f';
	struct iovec iov = { &byte, 1 };

	memset(cbuf, 0, sizeof(cbuf));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf;
	msg.msg_controllen = CMSG_SPACE((size_t)n * sizeof(int));
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN((size_t)n * sizeof(int));
	memcpy(CMSG_DATA(cm), fds, (size_t)n * sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -errno;
}

static int recv_fds(int sock, int *fds, int n)
{
	char cbuf[CMSG_SPACE(4 * sizeof(int))];
	struct msghdr msg = { 0 };
	struct cmsghdr *cm;
	char byte;
	struct iovec iov = { &byte, 1 };

	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf;
	msg.msg_controllen = sizeof(cbuf);
	if (recvmsg(sock, &msg, 0) != 1)
		return -EIO;
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_type != SCM_RIGHTS ||
	    cm->cmsg_len != CMSG_LEN((size_t)n * sizeof(int)))
		return -EPROTO;
	memcpy(fds, CMSG_DATA(cm), (size_t)n * sizeof(int));
	return 0;
}

static int send_byte(int sock, char c)
{
	return write(sock, &c, 1) == 1 ? 0 : -EIO;
}

static int recv_byte(int sock, char *c)
{
	return read(sock, c, 1) == 1 ? 0 : -EIO;
}

/* Layout of the shared buffer (byte offsets). */
#define SH_GATE		0	/* A's gate, released by A's test process */
#define SH_VALUE	64	/* written by A's job */
#define SH_COPY		128	/* B's job copies SH_VALUE here */
#define SH_TS_A		192	/* A's job: card clock after its write */
#define SH_TS_B		200	/* B's job: card clock before its copy */
#define SH_SEM		256	/* semaphore between the two processes */
#define SH_VALUE2	320
#define SH_COPY2	384
#define VALUE_A		0xa5a5f00dcafe0001ULL
#define VALUE_A2	0x5a5af00dcafe0002ULL
#define POISON		0xdeaddeaddeaddeadULL

/*
 * Process B: its own file; imports the buffer and the syncobj that A sent,
 * submits on queue 1 a job that waits on A's syncobj and copies A's value,
 * and on queue 2 a job that waits on the shared semaphore and copies A's
 * second value. Tells A when both are submitted, then checks them.
 */
static int process_b(int sock)
{
	struct taihu_job_result res = { .size = sizeof(res) };
	struct drm_taihu_sync in = { 0 };
	struct taihu_device *dev;
	struct taihu_cmdbuf *cb;
	struct ts_buf sh;
	uint64_t s1, s2;
	int fds[2], ret;
	char c;

	if (tt_open_first(&dev, NULL))
		FAIL(20, "cannot open the device");
	if (recv_fds(sock, fds, 2))
		FAIL(21, "no file descriptors from A");
	if (ts_buf_import(dev, fds[0], &sh))
		FAIL(22, "cannot import A's buffer");
	if (taihu_syncobj_import(dev, fds[1], &in.handle))
		FAIL(23, "cannot import A's syncobj");
	close(fds[0]);
	close(fds[1]);
	if (taihu_cmdbuf_new(&cb))
		FAIL(24, "out of memory");

	/* After A's job (syncobj): copy its value. */
	taihu_cmdbuf_timestamp(cb, sh.addr + SH_TS_B);
	taihu_cmdbuf_copy(cb, sh.addr + SH_VALUE, sh.addr + SH_COPY, 8);
	ret = ts_submit(dev, cb, &(struct taihu_job){ .size = sizeof(struct taihu_job), .queue = 1,
			.priority = DRM_TAIHU_PRIORITY_NORMAL, .in_syncs = &in,
			.in_sync_count = 1 }, &s1);
	if (ret)
		FAIL(25, "submit with A's syncobj: %s", taihu_strerror(ret));
	/* After A's other job (semaphore): copy its value. */
	taihu_cmdbuf_reset(cb);
	taihu_cmdbuf_sem_wait(cb, sh.addr + SH_SEM, 1, TAIHU_CMDBUF_SEM_GEQUAL);
	taihu_cmdbuf_copy(cb, sh.addr + SH_VALUE2, sh.addr + SH_COPY2, 8);
	ret = ts_submit(dev, cb, &(struct taihu_job){ .size = sizeof(struct taihu_job), .queue = 2,
			.priority = DRM_TAIHU_PRIORITY_NORMAL }, &s2);
	if (ret)
		FAIL(26, "submit on the semaphore: %s", taihu_strerror(ret));

	tt_sleep_ms(50);
	if (taihu_wait(dev, s1, 0, &res) != -ETIME)
		FAIL(27, "B's job ran before A's");
	if (taihu_wait(dev, s2, 0, &res) != -ETIME)
		FAIL(28, "B's semaphore job ran before A signalled");
	if (send_byte(sock, 's') || recv_byte(sock, &c))
		FAIL(29, "lost A");

	ret = tt_wait_ok(dev, s1, &res);
	if (ret)
		FAIL(30, "B's job: %s", taihu_strerror(ret));
	ret = tt_wait_ok(dev, s2, &res);
	if (ret)
		FAIL(31, "B's semaphore job: %s", taihu_strerror(ret));
	if (ts_get64(&sh, SH_COPY) != VALUE_A)
		FAIL(32, "B copied %#llx, not A's value",
		     (unsigned long long)ts_get64(&sh, SH_COPY));
	if (ts_get64(&sh, SH_COPY2) != VALUE_A2)
		FAIL(33, "B copied %#llx after the semaphore, not A's value",
		     (unsigned long long)ts_get64(&sh, SH_COPY2));
	if (ts_get64(&sh, SH_TS_B) < ts_get64(&sh, SH_TS_A))
		FAIL(34, "B's job started before A's ended");
	taihu_cmdbuf_free(cb);
	taihu_syncobj_destroy(dev, in.handle);
	ts_buf_free(&sh);
	taihu_device_close(dev);
	return 0;
}

TEST_F_TIMEOUT(mp, dependency_across_processes, 120)
{
	struct taihu_job_result res = { .size = sizeof(res) };
	struct taihu_device *dev;
	struct taihu_cmdbuf *cb;
	struct ts_buf sh;
	uint32_t sync;
	uint64_t a, a2;
	int sv[2], fds[2], st;
	pid_t pid;
	char c;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	fflush(stdout);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(sv[0]);
		_exit(process_b(sv[1]));
	}
	close(sv[1]);

	/* Process A. */
	ASSERT_EQ(0, tt_open_first(&dev, NULL));
	ASSERT_EQ(0, ts_buf_new(dev, 4096, &sh));
	ts_set64(&sh, SH_COPY, POISON);
	ts_set64(&sh, SH_COPY2, POISON);
	ASSERT_EQ(0, taihu_syncobj_create(dev, 0, &sync));
	ASSERT_EQ(0, taihu_cmdbuf_new(&cb));
	ASSERT_LE(0, taihu_cmdbuf_sem_wait(cb, sh.addr + SH_GATE, 1,
					   TAIHU_CMDBUF_SEM_GEQUAL));
	ASSERT_LE(0, taihu_cmdbuf_sem_signal(cb, sh.addr + SH_VALUE, VALUE_A,
					     TAIHU_CMDBUF_SEM_SET));
	ASSERT_LE(0, taihu_cmdbuf_timestamp(cb, sh.addr + SH_TS_A));
	ASSERT_EQ(0, ts_submit(dev, cb, &(struct taihu_job){ .size = sizeof(struct taihu_job), .queue = 0,
			       .priority = DRM_TAIHU_PRIORITY_NORMAL,
			       .out_sync_handle = sync }, &a));
	ASSERT_EQ(0, taihu_bo_export(sh.bo, &fds[0]));
	ASSERT_EQ(0, taihu_syncobj_export(dev, sync, &fds[1]));
	ASSERT_EQ(0, send_fds(sv[0], fds, 2));
	close(fds[0]);
	close(fds[1]);

	/* B has submitted; its jobs must still be waiting for ours. */
	ASSERT_EQ(0, recv_byte(sv[0], &c));
	tt_sleep_ms(100);
	EXPECT_EQ(POISON, ts_get64(&sh, SH_COPY));
	EXPECT_EQ(POISON, ts_get64(&sh, SH_COPY2));
	ts_set64(&sh, SH_GATE, 1);
	ASSERT_EQ(0, tt_wait_ok(dev, a, &res));

	/* The semaphore B waits on, signalled by a job of ours on queue 3. */
	taihu_cmdbuf_reset(cb);
	ASSERT_LE(0, taihu_cmdbuf_sem_signal(cb, sh.addr + SH_VALUE2, VALUE_A2,
					     TAIHU_CMDBUF_SEM_SET));
	ASSERT_LE(0, taihu_cmdbuf_sem_signal(cb, sh.addr + SH_SEM, 1,
					     TAIHU_CMDBUF_SEM_ADD));
	ASSERT_EQ(0, ts_submit(dev, cb, &(struct taihu_job){ .size = sizeof(struct taihu_job), .queue = 3,
			       .priority = DRM_TAIHU_PRIORITY_NORMAL }, &a2));
	ASSERT_EQ(0, tt_wait_ok(dev, a2, &res));
	ASSERT_EQ(0, send_byte(sv[0], 'g'));

	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0)
		TH_LOG("process B: %s %d", WIFEXITED(st) ? "exit" : "signal",
		       WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
	EXPECT_EQ(VALUE_A, ts_get64(&sh, SH_COPY));
	EXPECT_EQ(VALUE_A2, ts_get64(&sh, SH_COPY2));
	close(sv[0]);
	taihu_syncobj_destroy(dev, sync);
	taihu_cmdbuf_free(cb);
	ts_buf_free(&sh);
	taihu_device_close(dev);
}

TEST_HARNESS_MAIN
