// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Device contexts are isolated. Process A fills buffers; process B (a
 * fork with its own open files) aims COPY and FILL packets at A's device
 * addresses and at addresses nothing maps. Each of B's jobs must end with
 * DRM_TAIHU_JOB_MMU_FAULT naming the address and the access (READ for a
 * source, WRITE for a destination), B's context must report itself
 * faulted and refuse further submissions with -EIO, while A's data stays
 * unchanged and A keeps running jobs the whole time.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "taihu_mem_util.h"
#include "taihu_test_util.h"

#define A_SIZE		(64 * 1024)
#define A_PAD		(32 * TM_MiB)	/* keeps A's targets far from B's BOs */
#define A_VALUE		0xa11ce5edu
#define B_SIZE		4096
#define B_FILL		0x0b0b0b0bu

enum attack_kind {
	READ_FROM,	/* COPY from the target into B's own buffer */
	WRITE_FILL,	/* FILL at the target */
	WRITE_COPY,	/* COPY from B's own buffer to the target */
};

struct attack {
	const char *what;
	enum attack_kind kind;
	uint64_t target;
	uint64_t len;
};

/* What B saw, sent back to A through a pipe. */
struct attack_result {
	int setup_ret;		/* 0, or why the attack could not be staged */
	int overlap;		/* the target overlapped one of B's own BOs */
	int run_ret;		/* tm_run() */
	uint32_t status;
	uint64_t error_addr;
	uint32_t error_access;
	int ctx_ret;
	uint64_t ctx_flags;
	uint64_t ctx_fault_addr;
	uint32_t ctx_fault_access;
	int next_submit_ret;	/* a NOP on the faulted file */
	int own_buf_intact;	/* B's buffer kept its contents */
	int healthy_ret;	/* a NOP on B's other, innocent file */
};

static uint32_t expected_access(enum attack_kind kind)
{
	return kind == READ_FROM ? DRM_TAIHU_ACCESS_READ : DRM_TAIHU_ACCESS_WRITE;
}

/* In B: one attack in a fresh open file (a fault ends a context's life). */
static void attack_once(const char *path, const struct attack *a,
			struct taihu_device *healthy, struct attack_result *r)
{
	struct taihu_context_info ci = { .size = sizeof(ci) };
	struct taihu_job_result res = { .size = sizeof(res) };
	struct taihu_device *dev = NULL;
	struct taihu_cmdbuf *cb = NULL;
	struct taihu_bo *buf = NULL;
	uint64_t cmd_addr = 0, cmd_size = 0;
	uint8_t *p;
	int ret;

	memset(r, 0, sizeof(*r));
	ret = taihu_device_open(path, &dev);
	if (!ret)
		ret = taihu_bo_create(dev, B_SIZE, DRM_TAIHU_PLACEMENT_VRAM, &buf);
	if (!ret)
		ret = taihu_fill(buf, 0, B_SIZE, B_FILL, TT_JOB_TIMEOUT_NS, &res);
	if (!ret)
		ret = taihu_cmdbuf_new(&cb);
	if (!ret) {
		switch (a->kind) {
		case READ_FROM:
			ret = taihu_cmdbuf_copy(cb, a->target,
						taihu_bo_dev_addr(buf), a->len);
			break;
		case WRITE_FILL:
			ret = taihu_cmdbuf_fill(cb, a->target, a->len, 0xbad0bad0u);
			break;
		case WRITE_COPY:
			ret = taihu_cmdbuf_copy(cb, taihu_bo_dev_addr(buf),
						a->target, a->len);
			break;
		}
		ret = ret < 0 ? ret : 0;
	}
	if (ret) {
		r->setup_ret = ret;
		goto out;
	}
	r->run_ret = tm_run(dev, cb, &buf, 1, &res, &cmd_addr, &cmd_size);
	/* Only meaningful if B has nothing of its own at the target. */
	r->overlap = tm_overlap(a->target, a->len, taihu_bo_dev_addr(buf),
				taihu_bo_size(buf)) ||
		     tm_overlap(a->target, a->len, cmd_addr, cmd_size);
	r->status = res.status;
	r->error_addr = res.error_addr;
	r->error_access = res.error_access;
	r->ctx_ret = taihu_context_info(dev, &ci);
	r->ctx_flags = ci.flags;
	r->ctx_fault_addr = ci.fault_addr;
	r->ctx_fault_access = ci.fault_access;
	r->next_submit_ret = tt_run_nop(dev, 0, &res);
	/* The faulting job may not have touched B's own buffer either. */
	r->own_buf_intact = 0;
	if (!taihu_bo_map(buf, (void **)&p))
		r->own_buf_intact = tm_first_not(p, 0x0b, B_SIZE) == B_SIZE;
	r->healthy_ret = tt_run_nop(healthy, 0, &res);
out:
	taihu_cmdbuf_free(cb);
	taihu_bo_free(buf);
	taihu_device_close(dev);
}

/* Process B: run every attack, write the results to @wfd, exit. */
static void process_b(const char *path, const struct attack *attacks, int n,
		      int wfd)
{
	struct attack_result r;
	struct taihu_device *healthy = NULL;
	int i, ret;

	ret = taihu_device_open(path, &healthy);
	for (i = 0; i < n; i++) {
		if (ret) {
			memset(&r, 0, sizeof(r));
			r.setup_ret = ret;
		} else {
			attack_once(path, &attacks[i], healthy, &r);
		}
		if (write(wfd, &r, sizeof(r)) != (ssize_t)sizeof(r))
			_exit(2);
	}
	taihu_device_close(healthy);
	_exit(0);
}

FIXTURE(iso)
{
	struct taihu_device *dev;		/* process A's file */
	struct taihu_device_info info;
	struct taihu_bo *pad, *vram, *host, *scratch;
	uint8_t *vram_map, *host_map;
	uint8_t *want;
};

FIXTURE_SETUP(iso)
{
	struct taihu_job_result res = { .size = sizeof(res) };
	int ret;

	ret = tt_open_first(&self->dev, NULL);
	ASSERT_EQ(0, ret) TH_LOG("no Taihu device: %s", taihu_strerror(ret));
	self->info.size = sizeof(self->info);
	ASSERT_EQ(0, taihu_device_info(self->dev, &self->info));
	ASSERT_EQ(0, taihu_bo_create(self->dev, A_PAD, DRM_TAIHU_PLACEMENT_VRAM,
				     &self->pad));
	ASSERT_EQ(0, taihu_bo_create(self->dev, A_SIZE, DRM_TAIHU_PLACEMENT_VRAM,
				     &self->vram));
	ASSERT_EQ(0, taihu_bo_create(self->dev, A_SIZE, DRM_TAIHU_PLACEMENT_HOST,
				     &self->host));
	ASSERT_EQ(0, taihu_bo_create(self->dev, A_SIZE, DRM_TAIHU_PLACEMENT_VRAM,
				     &self->scratch));
	/* A fills its buffers: the VRAM one by the card, the host one by CPU. */
	ASSERT_EQ(0, taihu_fill(self->vram, 0, A_SIZE, A_VALUE,
				TT_JOB_TIMEOUT_NS, &res));
	ASSERT_EQ(0, taihu_bo_map(self->vram, (void **)&self->vram_map));
	ASSERT_EQ(0, taihu_bo_map(self->host, (void **)&self->host_map));
	self->want = malloc(A_SIZE);
	ASSERT_NE(NULL, self->want);
	tm_pattern(self->want, A_SIZE, 0x15011a7e);
	memcpy(self->host_map, self->want, A_SIZE);
}

FIXTURE_TEARDOWN(iso)
{
	free(self->want);
	taihu_bo_free(self->scratch);
	taihu_bo_free(self->host);
	taihu_bo_free(self->vram);
	taihu_bo_free(self->pad);
	taihu_device_close(self->dev);
}

/* A's data and context are as before, and A's jobs still work. */
static void check_a_intact(struct __test_metadata *_metadata,
			   FIXTURE_DATA(iso) *self)
{
	struct taihu_context_info ci = { .size = sizeof(ci) };
	struct taihu_job_result res = { .size = sizeof(res) };
	uint8_t *s;
	size_t i;

	for (i = 0; i < A_SIZE; i++)
		if (self->vram_map[i] != (uint8_t)(A_VALUE >> (8 * (i % 4))))
			break;
	EXPECT_EQ(A_SIZE, i) TH_LOG("A's VRAM BO changed at byte %zu", i);
	EXPECT_EQ(A_SIZE, tm_first_diff(self->host_map, self->want, A_SIZE))
		TH_LOG("A's host BO changed");
	/* Read by the card too: a copy of the host BO into scratch. */
	ASSERT_EQ(0, taihu_copy(self->scratch, 0, self->host, 0, A_SIZE,
				TT_JOB_TIMEOUT_NS, &res))
		TH_LOG("A's copy: %s", taihu_job_status_name(res.status));
	ASSERT_EQ(0, taihu_bo_map(self->scratch, (void **)&s));
	EXPECT_EQ(A_SIZE, tm_first_diff(s, self->want, A_SIZE));
	ASSERT_EQ(0, taihu_context_info(self->dev, &ci));
	EXPECT_EQ(0, ci.flags & DRM_TAIHU_CONTEXT_FAULTED)
		TH_LOG("A's context was marked faulted");
}

static void check_result(struct __test_metadata *_metadata,
			 const struct attack *a, const struct attack_result *r)
{
	uint32_t access = expected_access(a->kind);

	TH_LOG("%s: status %s at 0x%" PRIx64 " (%s), context flags 0x%" PRIx64
	       ", next submit %d", a->what, taihu_job_status_name(r->status),
	       r->error_addr, taihu_access_name(r->error_access), r->ctx_flags,
	       r->next_submit_ret);
	ASSERT_EQ(0, r->setup_ret) TH_LOG("%s: B could not stage it: %s",
					  a->what, taihu_strerror(r->setup_ret));
	ASSERT_EQ(0, r->overlap)
		TH_LOG("%s: B's own BOs lie at 0x%" PRIx64 ": the test is void",
		       a->what, a->target);
	EXPECT_EQ(-TAIHU_EJOBFAILED, r->run_ret)
		TH_LOG("%s: job %s", a->what, taihu_strerror(r->run_ret));
	EXPECT_EQ(DRM_TAIHU_JOB_MMU_FAULT, r->status);
	EXPECT_GE(r->error_addr, a->target);
	EXPECT_LT(r->error_addr, a->target + a->len);
	EXPECT_EQ(access, r->error_access);
	EXPECT_EQ(0, r->ctx_ret);
	EXPECT_EQ(DRM_TAIHU_CONTEXT_FAULTED, r->ctx_flags & DRM_TAIHU_CONTEXT_FAULTED);
	EXPECT_EQ(r->error_addr, r->ctx_fault_addr);
	EXPECT_EQ(access, r->ctx_fault_access);
	EXPECT_EQ(-EIO, r->next_submit_ret);
	EXPECT_TRUE(r->own_buf_intact);
	EXPECT_EQ(0, r->healthy_ret) TH_LOG("B's innocent file stopped working");
}

TEST_F_TIMEOUT(iso, other_process_faults_and_a_survives, 180)
{
	uint64_t va_size = self->info.va_size;
	const struct attack attacks[] = {
		{ "read A's VRAM BO", READ_FROM, taihu_bo_dev_addr(self->vram), B_SIZE },
		{ "FILL A's VRAM BO", WRITE_FILL, taihu_bo_dev_addr(self->vram), A_SIZE },
		{ "read A's host BO", READ_FROM, taihu_bo_dev_addr(self->host), B_SIZE },
		{ "COPY into A's host BO", WRITE_COPY, taihu_bo_dev_addr(self->host), B_SIZE },
		/*
		 * Where the card's untranslated context 0 sees host DMA
		 * addresses (2^48 up): beyond every context's VA space.
		 */
		{ "read the card's host DMA window", READ_FROM,
		  (1ULL << 48) + 0x100000, B_SIZE },
		/* Far from where any allocator puts B's first two BOs. */
		{ "FILL in the middle of the VA space", WRITE_FILL,
		  va_size / 2 + TM_MiB, 4096 },
		{ "COPY past the VA space", WRITE_COPY, 1ULL << 40, B_SIZE },
	};
	const int n = (int)(sizeof(attacks) / sizeof(attacks[0]));
	struct attack_result r;
	struct taihu_job_result res = { .size = sizeof(res) };
	int fds[2], i, status, a_jobs = 0;
	ssize_t got;
	pid_t pid;

	ASSERT_EQ(0, pipe(fds));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(fds[0]);
		process_b(taihu_device_path(self->dev), attacks, n, fds[1]);
	}
	close(fds[1]);

	/* A keeps working while B faults. */
	for (i = 0; i < n; i++) {
		EXPECT_EQ(0, taihu_fill(self->scratch, 0, A_SIZE, (uint32_t)i,
					TT_JOB_TIMEOUT_NS, &res))
			TH_LOG("A's job %d: %s", i, taihu_job_status_name(res.status));
		a_jobs++;
		got = read(fds[0], &r, sizeof(r));
		if (got != (ssize_t)sizeof(r)) {
			EXPECT_EQ((ssize_t)sizeof(r), got) TH_LOG("B died at attack %d", i);
			break;
		}
		check_result(_metadata, &attacks[i], &r);
	}
	close(fds[0]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("B ended with status 0x%x", status);
	TH_LOG("A ran %d jobs while B faulted", a_jobs);
	check_a_intact(_metadata, self);
}

/* The same, within one process: faults are per open file. */
TEST_F(iso, unmapped_read_and_write_name_the_access)
{
	uint64_t va_size = self->info.va_size;
	const struct attack attacks[] = {
		{ "COPY from an unmapped VA", READ_FROM, va_size / 2, 4096 },
		{ "FILL of an unmapped VA", WRITE_FILL, va_size / 2 + 8192, 100 },
		{ "COPY to an unmapped VA", WRITE_COPY, va_size / 2 + 65536 + 3, 64 },
	};
	struct attack_result r;
	struct taihu_device *healthy;
	size_t i;

	ASSERT_EQ(0, tm_reopen(self->dev, &healthy));
	for (i = 0; i < sizeof(attacks) / sizeof(attacks[0]); i++) {
		attack_once(taihu_device_path(self->dev), &attacks[i], healthy, &r);
		check_result(_metadata, &attacks[i], &r);
	}
	taihu_device_close(healthy);
	check_a_intact(_metadata, self);
}

TEST_F(iso, fault_mid_stream_keeps_earlier_packets)
{
	struct taihu_context_info ci = { .size = sizeof(ci) };
	struct taihu_job_result res = { .size = sizeof(res) };
	struct taihu_device *dev;
	struct taihu_cmdbuf *cb;
	struct taihu_bo *buf;
	uint64_t far = 1ULL << 40;
	uint8_t *p;

	/* FILL (works), COPY from an unmapped VA (faults), FILL (never runs). */
	ASSERT_EQ(0, tm_reopen(self->dev, &dev));
	ASSERT_EQ(0, taihu_bo_create(dev, 8192, DRM_TAIHU_PLACEMENT_HOST, &buf));
	ASSERT_EQ(0, taihu_bo_map(buf, (void **)&p));
	memset(p, 0, 8192);
	ASSERT_EQ(0, taihu_cmdbuf_new(&cb));
	ASSERT_EQ(0, taihu_cmdbuf_fill(cb, taihu_bo_dev_addr(buf), 4096, 0x11111111u));
	ASSERT_EQ(32, taihu_cmdbuf_copy(cb, far, taihu_bo_dev_addr(buf) + 4096, 4096));
	ASSERT_EQ(64, taihu_cmdbuf_fill(cb, taihu_bo_dev_addr(buf), 4096, 0x22222222u));
	EXPECT_EQ(-TAIHU_EJOBFAILED, taihu_run(dev, cb, 0, &buf, 1,
					       TT_JOB_TIMEOUT_NS, &res));
	EXPECT_EQ(DRM_TAIHU_JOB_MMU_FAULT, res.status);
	EXPECT_EQ(32, res.error_offset);
	EXPECT_EQ(far, res.error_addr);
	EXPECT_EQ(DRM_TAIHU_ACCESS_READ, res.error_access);
	EXPECT_EQ(4096, tm_first_not(p, 0x11, 4096)) TH_LOG("first FILL lost, or the last ran");
	EXPECT_EQ(4096, tm_first_not(p + 4096, 0, 4096));
	ASSERT_EQ(0, taihu_context_info(dev, &ci));
	EXPECT_EQ(DRM_TAIHU_CONTEXT_FAULTED, ci.flags & DRM_TAIHU_CONTEXT_FAULTED);
	/* Every later submission of the faulted file fails, even a NOP. */
	EXPECT_EQ(-EIO, tt_run_nop(dev, 0, &res));
	EXPECT_EQ(-EIO, taihu_fill(buf, 0, 4096, 0, TT_JOB_TIMEOUT_NS, &res));
	/* Its BOs remain usable by the CPU and the file closes cleanly. */
	p[0] = 0x77;
	EXPECT_EQ(0x77, p[0]);
	taihu_cmdbuf_free(cb);
	taihu_bo_free(buf);
	taihu_device_close(dev);
	check_a_intact(_metadata, self);
}

TEST_HARNESS_MAIN
