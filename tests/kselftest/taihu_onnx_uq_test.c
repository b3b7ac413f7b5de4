// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * How the ONNX runtime submits a run: on a card with user queues each run
 * is one entry of a user queue the session made, and TAIHU_ONNX_NO_USER_QUEUE
 * (the flag, or the environment variable set to 1) selects SUBMIT and
 * WAIT; both give the same outputs for the digits CNN (the model staged in
 * /onnx). A file with all its user queues taken runs through SUBMIT until
 * a prepare finds one free. A hung queue (debugfs fault_inject/queue_hang) fails the run with
 * a TIMEOUT on both paths; on the user-queue path the session's next run
 * makes a new queue and succeeds; on SUBMIT the hung job banned the
 * file's context, so its next run fails with -ECANCELED and a session on
 * a new file runs. Needs root (debugfs).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "taihu_test_util.h"
#include "taihu/onnx.h"

#define MODEL_DIR	"/onnx/models/digits"
#define SYSFS_PCI	"/sys/bus/pci/devices"
/* Away from queue 0, which the other tests use most. */
#define QUEUE		1
#define RUNS		3

FIXTURE(onnx_uq)
{
	struct taihu_device *dev;
	struct tt_device desc;
	struct taihu_onnx_model *model;
	struct taihu_onnx_tensor *images;
	char pci_dir[256];
	char fault_dir[300];
	bool uq;	/* the card has user queues */
};

FIXTURE_SETUP(onnx_uq)
{
	struct taihu_device_info info = { .size = sizeof(info) };

	if (geteuid() != 0)
		SKIP(return, "needs root (debugfs)");
	if (access(MODEL_DIR "/model.onnx", R_OK))
		SKIP(return, "no " MODEL_DIR "/model.onnx (make models)");
	ASSERT_EQ(0, tt_open_first(&self->dev, &self->desc));
	snprintf(self->pci_dir, sizeof(self->pci_dir), SYSFS_PCI "/%s", self->desc.pci_slot);
	snprintf(self->fault_dir, sizeof(self->fault_dir),
		 "/sys/kernel/debug/accel/%s/fault_inject", self->desc.pci_slot);
	ASSERT_EQ(0, taihu_device_info(self->dev, &info));
	self->uq = info.capabilities & DRM_TAIHU_CAP_USER_QUEUES;
	ASSERT_EQ(0, taihu_onnx_model_load(MODEL_DIR "/model.onnx", &self->model))
		TH_LOG("%s", taihu_onnx_last_error());
	ASSERT_EQ(0, taihu_onnx_tensor_load(MODEL_DIR "/test_images.npy", &self->images))
		TH_LOG("%s", taihu_onnx_last_error());
	unsetenv("TAIHU_ONNX_NO_USER_QUEUE");
}

FIXTURE_TEARDOWN(onnx_uq)
{
	unsetenv("TAIHU_ONNX_NO_USER_QUEUE");
	taihu_onnx_tensor_free(self->images);
	taihu_onnx_model_free(self->model);
	taihu_device_close(self->dev);
}

static int new_session(struct taihu_device *dev, FIXTURE_DATA(onnx_uq) *self,
		       uint32_t flags, struct taihu_onnx_session **s)
{
	struct taihu_onnx_options o = { .size = sizeof(o), .queue = QUEUE, .flags = flags };
	int ret = taihu_onnx_session_new(dev, self->model, &o, s);

	if (!ret)
		ret = taihu_onnx_session_set_input(*s, "input", self->images);
	if (ret)
		fprintf(stderr, "# session: %s\n", taihu_onnx_last_error());
	return ret;
}

/* The last run's path: 1 user queue, 0 SUBMIT. */
static uint32_t last_path(struct taihu_onnx_session *s)
{
	struct taihu_onnx_stats st = { .size = sizeof(st) };

	if (taihu_onnx_session_stats(s, &st))
		return ~0u;
	return st.last_user_queue;
}

/* A copy of the first output's bytes (the logits); the caller frees it. */
static void *logits(struct taihu_onnx_session *s, size_t *len)
{
	const struct taihu_onnx_tensor *t;
	void *p;

	if (taihu_onnx_session_output(s, 0, &t))
		return NULL;
	*len = (size_t)taihu_onnx_tensor_numel(t) *
	       taihu_onnx_dtype_size(taihu_onnx_tensor_dtype(t));
	p = malloc(*len);
	if (p)
		memcpy(p, taihu_onnx_tensor_cdata(t), *len);
	return p;
}

/* RUNS runs of a new session; every run's logits equal; *@path of the last. */
static void *run_path(struct __test_metadata *_metadata, FIXTURE_DATA(onnx_uq) *self,
		      uint32_t flags, uint32_t *path, size_t *len)
{
	struct taihu_onnx_session *s;
	void *first = NULL, *now;
	size_t n;
	int r;

	if (new_session(self->dev, self, flags, &s))
		return NULL;
	for (r = 0; r < RUNS; r++) {
		EXPECT_EQ(0, taihu_onnx_session_run(s)) TH_LOG("run %d: %s", r,
							       taihu_onnx_last_error());
		now = logits(s, &n);
		if (!now)
			break;
		if (!first) {
			first = now;
			*len = n;
			continue;
		}
		EXPECT_TRUE(n == *len && !memcmp(first, now, n)) TH_LOG("run %d differs", r);
		free(now);
	}
	*path = last_path(s);
	taihu_onnx_session_free(s);
	return first;
}

TEST_F(onnx_uq, user_queue_and_submit_give_the_same_outputs)
{
	void *uq, *sub, *env;
	size_t ulen = 0, slen = 0, elen = 0;
	uint32_t upath = ~0u, spath = ~0u, epath = ~0u;

	uq = run_path(_metadata, self, 0, &upath, &ulen);
	sub = run_path(_metadata, self, TAIHU_ONNX_NO_USER_QUEUE, &spath, &slen);
	ASSERT_EQ(0, setenv("TAIHU_ONNX_NO_USER_QUEUE", "1", 1));
	env = run_path(_metadata, self, 0, &epath, &elen);
	ASSERT_TRUE(uq && sub && env);
	EXPECT_EQ(self->uq ? 1u : 0u, upath);
	EXPECT_EQ(0u, spath);
	EXPECT_EQ(0u, epath);
	EXPECT_TRUE(ulen == slen && !memcmp(uq, sub, ulen));
	EXPECT_TRUE(ulen == elen && !memcmp(uq, env, ulen));
	TH_LOG("%zu bytes of logits alike on %s and SUBMIT", ulen,
	       self->uq ? "a user queue" : "SUBMIT (the card has no user queues)");
	free(uq);
	free(sub);
	free(env);
}

TEST_F(onnx_uq, a_file_without_a_free_user_queue_runs_through_submit)
{
	struct taihu_uq *held[DRM_TAIHU_MAX_UQ_PER_FILE];
	struct taihu_onnx_session *s;
	struct taihu_uq *extra;
	int i, n = 0;

	if (!self->uq)
		SKIP(return, "the card has no user queues");
	/* every user queue this file may have */
	while (n < DRM_TAIHU_MAX_UQ_PER_FILE && !taihu_uq_create(self->dev, 0, 2, &held[n]))
		n++;
	ASSERT_EQ(DRM_TAIHU_MAX_UQ_PER_FILE, n);
	ASSERT_EQ(-ENOSPC, taihu_uq_create(self->dev, 0, 2, &extra));
	ASSERT_EQ(0, new_session(self->dev, self, 0, &s));
	EXPECT_EQ(0, taihu_onnx_session_run(s)) TH_LOG("%s", taihu_onnx_last_error());
	EXPECT_EQ(0u, last_path(s));
	EXPECT_EQ(0, taihu_onnx_session_run(s)) TH_LOG("%s", taihu_onnx_last_error());
	EXPECT_EQ(0u, last_path(s));
	/* a queue free again: the next prepare takes it */
	EXPECT_EQ(0, taihu_uq_destroy(held[--n]));
	EXPECT_EQ(0, taihu_onnx_session_prepare(s)) TH_LOG("%s", taihu_onnx_last_error());
	EXPECT_EQ(0, taihu_onnx_session_run(s)) TH_LOG("%s", taihu_onnx_last_error());
	EXPECT_EQ(1u, last_path(s));
	taihu_onnx_session_free(s);
	for (i = 0; i < n; i++)
		EXPECT_EQ(0, taihu_uq_destroy(held[i]));
}

/* Hang the next job of QUEUE: the run fails with the job's TIMEOUT. */
static void hung_run(struct __test_metadata *_metadata, FIXTURE_DATA(onnx_uq) *self,
		     struct taihu_onnx_session *s)
{
	char q[8];

	snprintf(q, sizeof(q), "%d", QUEUE);
	ASSERT_EQ(0, tt_attr_write(self->fault_dir, "queue_hang", q));
	EXPECT_EQ(-EIO, taihu_onnx_session_run(s));
	EXPECT_NE(NULL, strstr(taihu_onnx_last_error(), "the card failed the job: TIMEOUT"))
		TH_LOG("%s", taihu_onnx_last_error());
}

TEST_F(onnx_uq, a_hung_user_queue_fails_the_run_and_the_next_run_succeeds)
{
	struct taihu_onnx_session *s;
	void *before, *after;
	size_t blen = 0, alen = 0;

	if (!self->uq)
		SKIP(return, "the card has no user queues");
	ASSERT_EQ(0, new_session(self->dev, self, 0, &s));
	ASSERT_EQ(0, taihu_onnx_session_run(s)) TH_LOG("%s", taihu_onnx_last_error());
	EXPECT_EQ(1u, last_path(s));
	before = logits(s, &blen);
	hung_run(_metadata, self, s);
	/* a new queue, its buffers listed again */
	EXPECT_EQ(0, taihu_onnx_session_run(s)) TH_LOG("%s", taihu_onnx_last_error());
	EXPECT_EQ(1u, last_path(s));
	after = logits(s, &alen);
	ASSERT_TRUE(before && after);
	EXPECT_TRUE(blen == alen && !memcmp(before, after, blen));
	EXPECT_EQ(0, taihu_onnx_session_run(s)) TH_LOG("%s", taihu_onnx_last_error());
	free(before);
	free(after);
	taihu_onnx_session_free(s);
}

TEST_F(onnx_uq, a_hung_submit_fails_the_run_and_a_new_file_runs)
{
	struct taihu_onnx_session *s, *s2;
	struct taihu_device *d, *d2;
	char saved[32] = "";

	/* its own file: the hung job bans the context */
	ASSERT_EQ(0, taihu_device_open(self->desc.node, &d));
	ASSERT_EQ(0, new_session(d, self, TAIHU_ONNX_NO_USER_QUEUE, &s));
	ASSERT_EQ(0, taihu_onnx_session_run(s)) TH_LOG("%s", taihu_onnx_last_error());
	EXPECT_EQ(0u, last_path(s));
	/* SUBMIT's hang detection follows job_timeout_ms: a short one */
	ASSERT_EQ(0, tt_attr_line(self->pci_dir, "job_timeout_ms", saved, sizeof(saved)));
	ASSERT_EQ(0, tt_attr_write(self->pci_dir, "job_timeout_ms", "500"));
	hung_run(_metadata, self, s);
	EXPECT_EQ(0, tt_attr_write(self->pci_dir, "job_timeout_ms", saved));
	EXPECT_EQ(-ECANCELED, taihu_onnx_session_run(s)) TH_LOG("%s", taihu_onnx_last_error());
	taihu_onnx_session_free(s);
	taihu_device_close(d);

	ASSERT_EQ(0, taihu_device_open(self->desc.node, &d2));
	ASSERT_EQ(0, new_session(d2, self, TAIHU_ONNX_NO_USER_QUEUE, &s2));
	EXPECT_EQ(0, taihu_onnx_session_run(s2)) TH_LOG("%s", taihu_onnx_last_error());
	EXPECT_EQ(0u, last_path(s2));
	taihu_onnx_session_free(s2);
	taihu_device_close(d2);
}

TEST_HARNESS_MAIN
