// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Jobs end to end: NOP round trip, FILL and COPY verified byte for byte
 * through CPU mappings, ordering on one queue, failing streams (unknown
 * opcode, addresses outside the context: MMU faults) and the WAIT ioctl's
 * edge cases.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <xf86drm.h>

#include "kselftest_harness.h"
#include "taihu_cmdstream.h"
#include "taihu_mem_util.h"
#include "taihu_test_util.h"

#define BUF_SIZE	(2u << 20)
#define GUARD		256	/* bytes after a range that must stay untouched */

FIXTURE(job)
{
	struct taihu_device *dev;
	struct taihu_device_info info;
	struct taihu_bo *src, *dst;
	uint8_t *s, *d;
};

FIXTURE_SETUP(job)
{
	int ret;

	ret = tt_open_first(&self->dev, NULL);
	ASSERT_EQ(0, ret) TH_LOG("no Taihu device: %s", taihu_strerror(ret));
	self->info.size = sizeof(self->info);
	ASSERT_EQ(0, taihu_device_info(self->dev, &self->info));
	ASSERT_EQ(0, taihu_bo_create(self->dev, BUF_SIZE,
				     DRM_TAIHU_PLACEMENT_VRAM, &self->src));
	ASSERT_EQ(0, taihu_bo_create(self->dev, BUF_SIZE,
				     DRM_TAIHU_PLACEMENT_VRAM, &self->dst));
	ASSERT_EQ(0, taihu_bo_map(self->src, (void **)&self->s));
	ASSERT_EQ(0, taihu_bo_map(self->dst, (void **)&self->d));
}

FIXTURE_TEARDOWN(job)
{
	taihu_bo_free(self->src);
	taihu_bo_free(self->dst);
	taihu_device_close(self->dev);
}

/* Build-and-run helper: returns taihu_run()'s result, fills @res. */
static int run(FIXTURE_DATA(job) *self, struct taihu_cmdbuf *cb,
	       struct taihu_job_result *res)
{
	struct taihu_bo *bos[2] = { self->src, self->dst };

	*res = (struct taihu_job_result){ .size = sizeof(*res) };
	return taihu_run(self->dev, cb, 0, bos, 2, TT_JOB_TIMEOUT_NS, res);
}

static size_t first_mismatch(const uint8_t *a, const uint8_t *b, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (a[i] != b[i])
			return i;
	return len;
}

static size_t first_not(const uint8_t *p, uint8_t v, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != v)
			return i;
	return len;
}

TEST_F(job, nop_round_trip)
{
	struct taihu_job_result res = { .size = sizeof(res) };
	struct taihu_cmdbuf *cb;

	ASSERT_EQ(0, taihu_cmdbuf_new(&cb));
	ASSERT_EQ(0, taihu_cmdbuf_nop(cb, 8));
	ASSERT_EQ(8, taihu_cmdbuf_nop(cb, 64));
	EXPECT_EQ(0, run(self, cb, &res));
	EXPECT_EQ(DRM_TAIHU_JOB_SUCCESS, res.status);
	EXPECT_LE(res.start_ns, res.end_ns);
	EXPECT_NE(0, res.end_ns);
	taihu_cmdbuf_free(cb);
}

TEST_F(job, nop_on_every_queue)
{
	struct taihu_job_result res = { .size = sizeof(res) };
	uint32_t q;

	for (q = 0; q < self->info.num_queues; q++) {
		EXPECT_EQ(0, tt_run_nop(self->dev, q, &res))
			TH_LOG("queue %u: %s", q, taihu_job_status_name(res.status));
	}
}

TEST_F(job, fill_then_copy_sizes)
{
	static const size_t sizes[] = {
		1, 3, 4, 7, 8, 9, 63, 4095, 4096, 4099, 65536 + 5,
		(1u << 20) - 1, BUF_SIZE - GUARD,
	};
	const uint32_t value = 0x8badf00du;
	uint64_t sa = taihu_bo_dev_addr(self->src);
	uint64_t da = taihu_bo_dev_addr(self->dst);
	struct taihu_job_result res = { .size = sizeof(res) };
	struct taihu_cmdbuf *cb;
	uint8_t *want;
	size_t i, k, n, bad;

	want = malloc(BUF_SIZE);
	ASSERT_NE(NULL, want);
	for (i = 0; i < BUF_SIZE; i++)
		want[i] = (uint8_t)(value >> (8 * (i % 4)));
	ASSERT_EQ(0, taihu_cmdbuf_new(&cb));

	for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		n = sizes[k];
		memset(self->s, 0x11, BUF_SIZE);
		memset(self->d, 0x22, BUF_SIZE);

		taihu_cmdbuf_reset(cb);
		ASSERT_LE(0, taihu_cmdbuf_fill(cb, sa, n, value));
		ASSERT_EQ(0, run(self, cb, &res))
			TH_LOG("FILL %zu: %s", n, taihu_job_status_name(res.status));
		EXPECT_LE(res.start_ns, res.end_ns);
		bad = first_mismatch(self->s, want, n);
		ASSERT_EQ(n, bad) TH_LOG("FILL %zu: byte %zu is 0x%02x, want 0x%02x",
					 n, bad, self->s[bad], want[bad]);
		bad = first_not(self->s + n, 0x11, GUARD);
		ASSERT_EQ(GUARD, bad) TH_LOG("FILL %zu wrote past its end (+%zu)",
					     n, bad);

		taihu_cmdbuf_reset(cb);
		ASSERT_LE(0, taihu_cmdbuf_copy(cb, sa, da, n));
		ASSERT_EQ(0, run(self, cb, &res))
			TH_LOG("COPY %zu: %s", n, taihu_job_status_name(res.status));
		EXPECT_LE(res.start_ns, res.end_ns);
		bad = first_mismatch(self->d, self->s, n);
		ASSERT_EQ(n, bad) TH_LOG("COPY %zu: byte %zu is 0x%02x, want 0x%02x",
					 n, bad, self->d[bad], self->s[bad]);
		bad = first_not(self->d + n, 0x22, GUARD);
		ASSERT_EQ(GUARD, bad) TH_LOG("COPY %zu wrote past its end (+%zu)",
					     n, bad);
	}
	taihu_cmdbuf_free(cb);
	free(want);
}

TEST_F(job, copy_unaligned_offsets_random_data)
{
	static const struct { size_t so, doff, n; } cases[] = {
		{ 1, 3, 10007 }, { 5, 0, 4096 }, { 0, 7, 65535 }, { 4093, 11, 1 },
	};
	uint64_t sa = taihu_bo_dev_addr(self->src);
	uint64_t da = taihu_bo_dev_addr(self->dst);
	struct taihu_job_result res = { .size = sizeof(res) };
	struct taihu_cmdbuf *cb;
	size_t k, bad;

	ASSERT_EQ(0, taihu_cmdbuf_new(&cb));
	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		size_t so = cases[k].so, doff = cases[k].doff, n = cases[k].n;

		tm_pattern(self->s, BUF_SIZE, (uint64_t)k + 1);
		memset(self->d, 0x5a, BUF_SIZE);
		taihu_cmdbuf_reset(cb);
		ASSERT_LE(0, taihu_cmdbuf_copy(cb, sa + so, da + doff, n));
		ASSERT_EQ(0, run(self, cb, &res));
		EXPECT_EQ(doff, first_not(self->d, 0x5a, doff))
			TH_LOG("case %zu wrote before its start", k);
		bad = first_mismatch(self->d + doff, self->s + so, n);
		ASSERT_EQ(n, bad) TH_LOG("case %zu: byte %zu differs", k, bad);
		EXPECT_EQ(GUARD, first_not(self->d + doff + n, 0x5a, GUARD))
			TH_LOG("case %zu wrote past its end", k);
	}
	taihu_cmdbuf_free(cb);
}

TEST_F(job, several_packets_in_one_stream)
{
	uint64_t sa = taihu_bo_dev_addr(self->src);
	uint64_t da = taihu_bo_dev_addr(self->dst);
	struct taihu_job_result res = { .size = sizeof(res) };
	struct taihu_cmdbuf *cb;
	uint64_t ts;

	memset(self->s, 0, BUF_SIZE);
	memset(self->d, 0, BUF_SIZE);
	ASSERT_EQ(0, taihu_cmdbuf_new(&cb));
	/* FILL, then COPY of what was just filled, then TIMESTAMP: in order. */
	ASSERT_LE(0, taihu_cmdbuf_fill(cb, sa, 1000, 0x01020304u));
	ASSERT_LE(0, taihu_cmdbuf_nop(cb, 16));
	ASSERT_LE(0, taihu_cmdbuf_copy(cb, sa, da + 8, 1000));
	ASSERT_LE(0, taihu_cmdbuf_timestamp(cb, da));
	ASSERT_EQ(0, run(self, cb, &res));
	EXPECT_EQ(0, memcmp(self->d + 8, self->s, 1000));
	EXPECT_EQ(0x04, self->d[8]);
	EXPECT_EQ(0x01, self->d[11]);
	memcpy(&ts, self->d, sizeof(ts));
	EXPECT_LE(res.start_ns, ts);
	EXPECT_LE(ts, res.end_ns);
	taihu_cmdbuf_free(cb);
}

TEST_F(job, jobs_in_order_on_one_queue)
{
	enum { N = 16 };
	uint64_t sa = taihu_bo_dev_addr(self->src);
	struct taihu_job_result res[N];
	struct taihu_bo *cmd[N];
	struct taihu_cmdbuf *cb;
	uint64_t seq[N], ts[N];
	struct taihu_job j = { .size = sizeof(j) };
	struct taihu_bo *bos[1] = { self->src };
	uint32_t last;
	int i;

	tt_results_init(res, N);
	memset(self->s, 0, 4096);
	ASSERT_EQ(0, taihu_cmdbuf_new(&cb));
	for (i = 0; i < N; i++) {
		/* Every job overwrites word 0 and stamps its own slot. */
		taihu_cmdbuf_reset(cb);
		ASSERT_LE(0, taihu_cmdbuf_fill(cb, sa, 4, (uint32_t)i + 100));
		ASSERT_LE(0, taihu_cmdbuf_timestamp(cb, sa + 64 + 8 * (uint64_t)i));
		ASSERT_EQ(0, taihu_cmdbuf_upload(cb, self->dev, &cmd[i]));
		j.queue = 0;
		j.priority = DRM_TAIHU_PRIORITY_NORMAL;
		j.cmd_bo = cmd[i];
		j.cmd_len = (uint32_t)taihu_cmdbuf_size(cb);
		j.bos = bos;
		j.bo_count = 1;
		ASSERT_EQ(0, taihu_submit(self->dev, &j, &seq[i]));
		if (i)
			EXPECT_GT(seq[i], seq[i - 1]);
	}
	/* Waiting for the last first: the others must be done by then. */
	ASSERT_EQ(0, taihu_wait(self->dev, seq[N - 1],
				taihu_deadline_ns(TT_JOB_TIMEOUT_NS), &res[N - 1]));
	for (i = 0; i < N; i++) {
		ASSERT_EQ(0, taihu_wait(self->dev, seq[i], 0, &res[i]))
			TH_LOG("job %d not done after the last one", i);
		EXPECT_EQ(DRM_TAIHU_JOB_SUCCESS, res[i].status);
		EXPECT_LE(res[i].start_ns, res[i].end_ns);
		if (i)
			EXPECT_LE(res[i - 1].end_ns, res[i].start_ns)
				TH_LOG("job %d started before job %d ended", i, i - 1);
		memcpy(&ts[i], self->s + 64 + 8 * i, 8);
		if (i)
			EXPECT_LT(ts[i - 1], ts[i]);
	}
	memcpy(&last, self->s, 4);
	EXPECT_EQ(N - 1 + 100, (int)last);
	for (i = 0; i < N; i++)
		taihu_bo_free(cmd[i]);
	taihu_cmdbuf_free(cb);
}

TEST_F(job, unknown_opcode_is_invalid_cmd)
{
	struct taihu_pkt_header bad = { .opcode = 0xee, .size = 8 };
	struct taihu_job_result res = { .size = sizeof(res) };
	struct taihu_cmdbuf *cb;

	ASSERT_EQ(0, taihu_cmdbuf_new(&cb));
	ASSERT_EQ(0, taihu_cmdbuf_nop(cb, 8));
	ASSERT_EQ(8, taihu_cmdbuf_raw(cb, &bad, sizeof(bad)));
	ASSERT_EQ(-TAIHU_EJOBFAILED, run(self, cb, &res));
	EXPECT_EQ(DRM_TAIHU_JOB_INVALID_CMD, res.status)
		TH_LOG("status %s", taihu_job_status_name(res.status));
	EXPECT_EQ(8, res.error_offset);
	/* The queue goes on. */
	EXPECT_EQ(0, tt_run_nop(self->dev, 0, &res));
	taihu_cmdbuf_free(cb);
}

TEST_F(job, packet_size_zero_is_invalid_cmd)
{
	struct taihu_pkt_header bad = { .opcode = TAIHU_PKT_NOP, .size = 0 };
	struct taihu_job_result res = { .size = sizeof(res) };
	struct taihu_cmdbuf *cb;

	/* A size-0 packet would make a naive parser spin forever. */
	ASSERT_EQ(0, taihu_cmdbuf_new(&cb));
	ASSERT_EQ(0, taihu_cmdbuf_raw(cb, &bad, sizeof(bad)));
	ASSERT_EQ(-TAIHU_EJOBFAILED, run(self, cb, &res));
	EXPECT_EQ(DRM_TAIHU_JOB_INVALID_CMD, res.status);
	EXPECT_EQ(0, res.error_offset);
	taihu_cmdbuf_free(cb);
}

/*
 * A stream naming an address outside the file's context faults the job and
 * the context; a fresh open file (a fresh context) takes each such case.
 */
static void fault_case(struct __test_metadata *_metadata,
		       FIXTURE_DATA(job) *self, uint64_t src_off, uint64_t far,
		       uint64_t size, uint32_t want_status)
{
	struct taihu_context_info ci = { .size = sizeof(ci) };
	struct taihu_job_result res = { .size = sizeof(res) };
	struct taihu_device *dev;
	struct taihu_bo *bos[2] = { NULL, NULL };
	struct taihu_cmdbuf *cb;
	uint8_t *d;

	ASSERT_EQ(0, taihu_device_open(taihu_device_path(self->dev), &dev));
	ASSERT_EQ(0, taihu_bo_create(dev, 8192, DRM_TAIHU_PLACEMENT_VRAM, &bos[0]));
	ASSERT_EQ(0, taihu_bo_create(dev, 8192, DRM_TAIHU_PLACEMENT_VRAM, &bos[1]));
	ASSERT_EQ(0, taihu_bo_map(bos[1], (void **)&d));
	memset(d, 0x33, 8192);
	ASSERT_EQ(0, taihu_cmdbuf_new(&cb));
	ASSERT_EQ(0, taihu_cmdbuf_nop(cb, 8));
	ASSERT_EQ(8, taihu_cmdbuf_copy(cb, far ? far : taihu_bo_dev_addr(bos[0]) +
				       src_off, taihu_bo_dev_addr(bos[1]), size));
	ASSERT_EQ(-TAIHU_EJOBFAILED, taihu_run(dev, cb, 0, bos, 2,
					       TT_JOB_TIMEOUT_NS, &res));
	EXPECT_EQ(want_status, res.status)
		TH_LOG("status %s", taihu_job_status_name(res.status));
	EXPECT_EQ(8, res.error_offset);
	if (far) {
		EXPECT_GE(res.error_addr, far);
		EXPECT_LE(res.error_addr, far + size);
		EXPECT_EQ(DRM_TAIHU_ACCESS_READ, res.error_access);
	}
	if (res.status == DRM_TAIHU_JOB_MMU_FAULT) {
		ASSERT_EQ(0, taihu_context_info(dev, &ci));
		EXPECT_EQ(DRM_TAIHU_CONTEXT_FAULTED,
			  ci.flags & DRM_TAIHU_CONTEXT_FAULTED);
		EXPECT_EQ(res.error_addr, ci.fault_addr);
		/* A faulted context takes no more jobs. */
		EXPECT_EQ(-EIO, tt_run_nop(dev, 0, &res));
	}
	/* Nothing was read from the faulting source. */
	if (far)
		EXPECT_EQ(8192, first_not(d, 0x33, 8192));
	taihu_cmdbuf_free(cb);
	taihu_bo_free(bos[0]);
	taihu_bo_free(bos[1]);
	taihu_device_close(dev);
	/* Other files are unaffected. */
	EXPECT_EQ(0, tt_run_nop(self->dev, 0, &res));
}

TEST_F(job, copy_from_unmapped_is_mmu_fault)
{
	/* Far beyond the context's 39-bit address space. */
	fault_case(_metadata, self, 0, 1ULL << 40, 4096,
		   DRM_TAIHU_JOB_MMU_FAULT);
}

TEST_F(job, copy_range_wrapping_past_2_64_faults)
{
	/* The end of the range wraps: the card must not copy anything. */
	fault_case(_metadata, self, 0, 0, UINT64_MAX - 4095,
		   DRM_TAIHU_JOB_MMU_FAULT);
}

TEST_F(job, wait_unknown_seqno_is_enoent)
{
	struct taihu_job_result res = { .size = sizeof(res) };
	struct taihu_cmdbuf *cb;
	struct taihu_bo *cmd;
	struct taihu_job j = { .size = sizeof(j) };
	uint64_t seq;

	ASSERT_EQ(0, taihu_cmdbuf_new(&cb));
	ASSERT_EQ(0, taihu_cmdbuf_nop(cb, 8));
	ASSERT_EQ(0, taihu_cmdbuf_upload(cb, self->dev, &cmd));
	j.cmd_bo = cmd;
	j.cmd_len = 8;
	j.priority = DRM_TAIHU_PRIORITY_NORMAL;
	ASSERT_EQ(0, taihu_submit(self->dev, &j, &seq));
	ASSERT_EQ(0, taihu_wait(self->dev, seq,
				taihu_deadline_ns(TT_JOB_TIMEOUT_NS), &res));
	EXPECT_EQ(-ENOENT, taihu_wait(self->dev, seq + 1000000,
				      taihu_deadline_ns(TT_JOB_TIMEOUT_NS), &res));
	EXPECT_EQ(-ENOENT, taihu_wait(self->dev, UINT64_MAX, 0, &res));
	taihu_bo_free(cmd);
	taihu_cmdbuf_free(cb);
}

TEST_F_TIMEOUT(job, wait_past_deadline_never_hangs, 120)
{
	/* A long job: many FILLs over a large buffer. */
	uint64_t size = self->info.vram_size / 4;
	struct taihu_job_result res = { .size = sizeof(res) };
	struct taihu_cmdbuf *cb;
	struct taihu_bo *big, *cmd;
	struct taihu_job j = { .size = sizeof(j) };
	uint64_t seq;
	int64_t t0;
	int i, ret;

	if (size > (64u << 20))
		size = 64u << 20;
	ASSERT_EQ(0, taihu_bo_create(self->dev, size, DRM_TAIHU_PLACEMENT_VRAM,
				     &big));
	ASSERT_EQ(0, taihu_cmdbuf_new(&cb));
	for (i = 0; i < 32; i++)
		ASSERT_LE(0, taihu_cmdbuf_fill(cb, taihu_bo_dev_addr(big), size,
					       (uint32_t)i));
	ASSERT_EQ(0, taihu_cmdbuf_upload(cb, self->dev, &cmd));
	j.cmd_bo = cmd;
	j.cmd_len = (uint32_t)taihu_cmdbuf_size(cb);
	j.priority = DRM_TAIHU_PRIORITY_NORMAL;
	j.bos = &big;
	j.bo_count = 1;
	ASSERT_EQ(0, taihu_submit(self->dev, &j, &seq));

	t0 = tt_now_ns();
	ret = taihu_wait(self->dev, seq, 1, &res);	/* long passed */
	EXPECT_TRUE(ret == -ETIME || ret == 0) TH_LOG("wait: %d", ret);
	ret = taihu_wait(self->dev, seq, 0, &res);	/* poll */
	EXPECT_TRUE(ret == -ETIME || ret == 0) TH_LOG("poll: %d", ret);
	ret = taihu_wait(self->dev, seq, tt_now_ns() - 1000000, &res);
	EXPECT_TRUE(ret == -ETIME || ret == 0) TH_LOG("wait: %d", ret);
	EXPECT_LT(tt_now_ns() - t0, 2000000000LL) TH_LOG("expired waits blocked");

	ret = taihu_wait(self->dev, seq, taihu_deadline_ns(90LL * 1000000000LL),
			 &res);
	EXPECT_EQ(0, ret);
	EXPECT_EQ(DRM_TAIHU_JOB_SUCCESS, res.status);
	EXPECT_LE(res.start_ns, res.end_ns);
	taihu_bo_free(cmd);
	taihu_bo_free(big);
	taihu_cmdbuf_free(cb);
}

TEST_F(job, syncobjs_in_and_out)
{
	struct drm_taihu_sync in = { 0 };
	struct taihu_job_result res = { .size = sizeof(res) };
	struct taihu_cmdbuf *cb;
	struct taihu_bo *cmd;
	struct taihu_job j = { .size = sizeof(j) };
	uint32_t in_h = 0, out_h = 0;
	int fd = taihu_device_fd(self->dev);
	uint64_t seq;

	ASSERT_EQ(0, drmSyncobjCreate(fd, DRM_SYNCOBJ_CREATE_SIGNALED, &in_h));
	ASSERT_EQ(0, drmSyncobjCreate(fd, 0, &out_h));
	ASSERT_EQ(0, taihu_cmdbuf_new(&cb));
	ASSERT_EQ(0, taihu_cmdbuf_nop(cb, 8));
	ASSERT_EQ(0, taihu_cmdbuf_upload(cb, self->dev, &cmd));
	in.handle = in_h;
	j.cmd_bo = cmd;
	j.cmd_len = 8;
	j.priority = DRM_TAIHU_PRIORITY_NORMAL;
	j.in_syncs = &in;
	j.in_sync_count = 1;
	j.out_sync_handle = out_h;
	ASSERT_EQ(0, taihu_submit(self->dev, &j, &seq));
	/* The out-syncobj signals once the job ends. */
	EXPECT_EQ(0, drmSyncobjWait(fd, &out_h, 1,
				    taihu_deadline_ns(TT_JOB_TIMEOUT_NS),
				    DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT, NULL));
	EXPECT_EQ(0, taihu_wait(self->dev, seq, 0, &res));
	EXPECT_EQ(DRM_TAIHU_JOB_SUCCESS, res.status);
	drmSyncobjDestroy(fd, in_h);
	drmSyncobjDestroy(fd, out_h);
	taihu_bo_free(cmd);
	taihu_cmdbuf_free(cb);
}

TEST_HARNESS_MAIN
