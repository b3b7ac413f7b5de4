// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * A deliberate card reset (generic netlink dev-reset: taihu_card_reset(),
 * taihu reset): as root it resets the card with jobs of two contexts in
 * flight on every queue, held there by hung queues, and every one of them
 * (innocent) runs again and succeeds; it counts in card_resets, leaves the
 * card alive and takes no crash dump. Without CAP_SYS_ADMIN (uid nobody)
 * the library gets -EPERM, the CLI says it needs root, nothing is reset.
 * The CLI is /usr/bin/taihu or $TAIHU_CLI. Needs root (debugfs).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "taihu_test_util.h"

#define QUEUES		4	/* the firmware's (t1.bin) */
#define NOBODY		65534

FIXTURE(reset)
{
	struct taihu_device *dev, *other;
	struct tt_device desc;
	char pci_dir[256];
	char fault_dir[300];
};

FIXTURE_SETUP(reset)
{
	int ret;

	self->dev = self->other = NULL;
	if (geteuid() != 0)
		SKIP(return, "needs root (debugfs fault injection, dropping to nobody)");
	memset(&self->desc, 0, sizeof(self->desc));
	ret = tt_wait_device(NULL, TT_DEVICE_WAIT_MS, &self->desc);
	ASSERT_EQ(0, ret) TH_LOG("no Taihu device: %s", taihu_strerror(ret));
	ASSERT_EQ(0, taihu_device_open(self->desc.node, &self->dev));
	/* A second open file: a second device context. */
	ASSERT_EQ(0, taihu_device_open(self->desc.node, &self->other));
	snprintf(self->pci_dir, sizeof(self->pci_dir), "/sys/bus/pci/devices/%s",
		 self->desc.pci_slot);
	snprintf(self->fault_dir, sizeof(self->fault_dir),
		 "/sys/kernel/debug/accel/%s/fault_inject", self->desc.pci_slot);
}

FIXTURE_TEARDOWN(reset)
{
	taihu_device_close(self->other);
	taihu_device_close(self->dev);
}

/* 1 if the card has a crash dump (its devcoredump link). */
static int has_dump(const char *pci_dir)
{
	char path[300];
	struct stat st;

	snprintf(path, sizeof(path), "%s/devcoredump", pci_dir);
	return !lstat(path, &st);
}

TEST_F(reset, root_reset_runs_the_jobs_in_flight_again)
{
	struct taihu_job_result res = { .size = sizeof(res) };
	struct taihu_telemetry_session *s;
	uint64_t seqno[QUEUES][2], oseq[QUEUES];
	long long resets = tt_attr_ll(self->pci_dir, "card_resets");
	char args[128], state[64], *out;
	int q, k, status;

	/* Earlier faults' dumps go first: the reset must not leave one. */
	if (has_dump(self->pci_dir)) {
		snprintf(args, sizeof(args), "dump -d %s --free --raw > /dev/null",
			 self->desc.pci_slot);
		free(tt_run_cli(args, &status));
	}
	for (q = 0; q < QUEUES; q++) {
		snprintf(state, sizeof(state), "%d", q);
		ASSERT_EQ(0, tt_attr_write(self->fault_dir, "queue_hang", state));
		ASSERT_EQ(0, tt_submit_nop(self->dev, (uint32_t)q, &seqno[q][0]));
		ASSERT_EQ(0, tt_submit_nop(self->dev, (uint32_t)q, &seqno[q][1]));
		ASSERT_EQ(0, tt_submit_nop(self->other, (uint32_t)q, &oseq[q]));
	}

	snprintf(args, sizeof(args), "reset -d %s", self->desc.pci_slot);
	out = tt_run_cli(args, &status);
	ASSERT_NE(NULL, out);
	EXPECT_EQ(0, status);
	EXPECT_NE(NULL, strstr(out, "card reset in")) TH_LOG("taihu reset said: %s", out);
	free(out);

	/* Every job was innocent: all of them ran again and succeeded. */
	for (q = 0; q < QUEUES; q++) {
		for (k = 0; k < 2; k++) {
			ASSERT_EQ(0, taihu_wait(self->dev, seqno[q][k],
						tt_now_ns() + TT_JOB_TIMEOUT_NS, &res));
			EXPECT_EQ(DRM_TAIHU_JOB_SUCCESS, res.status)
				TH_LOG("queue %d job %d: %s", q, k,
				       taihu_job_status_name(res.status));
		}
		ASSERT_EQ(0, taihu_wait(self->other, oseq[q],
					tt_now_ns() + TT_JOB_TIMEOUT_NS, &res));
		EXPECT_EQ(DRM_TAIHU_JOB_SUCCESS, res.status);
	}
	EXPECT_EQ(resets + 1, tt_attr_ll(self->pci_dir, "card_resets"));
	ASSERT_EQ(0, tt_attr_line(self->pci_dir, "health", state, sizeof(state)));
	EXPECT_STREQ("alive", state);
	EXPECT_EQ(0, tt_attr_ll(self->pci_dir, "deaths"));
	EXPECT_FALSE(has_dump(self->pci_dir));

	/* The library's call, on an idle card; the card goes on. */
	ASSERT_EQ(0, taihu_telemetry_open(&s));
	EXPECT_EQ(0, taihu_card_reset(s, self->desc.minor));
	taihu_telemetry_close(s);
	EXPECT_EQ(resets + 2, tt_attr_ll(self->pci_dir, "card_resets"));
	for (q = 0; q < QUEUES; q++) {
		ASSERT_EQ(0, tt_run_nop(self->dev, (uint32_t)q, &res));
		EXPECT_EQ(DRM_TAIHU_JOB_SUCCESS, res.status);
	}
}

/* In a child as nobody: 0 if the library got -EPERM and the CLI said why. */
static int reset_as_nobody(uint32_t minor, const char *slot)
{
	struct taihu_telemetry_session *s;
	char args[128], *out;
	int ret, status;

	if (setgid(NOBODY) || setuid(NOBODY) || geteuid() != NOBODY)
		return 10;
	ret = taihu_telemetry_open(&s);
	if (ret)
		return 11;
	ret = taihu_card_reset(s, minor);
	taihu_telemetry_close(s);
	if (ret != -EPERM)
		return 12;
	snprintf(args, sizeof(args), "reset -d %s 2>&1", slot);
	out = tt_run_cli(args, &status);
	ret = out && status == 1 && strstr(out, "needs root") ? 0 : 13;
	free(out);
	return ret;
}

TEST_F(reset, reset_without_cap_sys_admin_fails_with_eperm)
{
	long long resets = tt_attr_ll(self->pci_dir, "card_resets");
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(reset_as_nobody(self->desc.minor, self->desc.pci_slot));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("as nobody: step %d failed (10 setuid, 11 open, 12 not -EPERM, 13 CLI)",
		       WEXITSTATUS(status));
	EXPECT_EQ(resets, tt_attr_ll(self->pci_dir, "card_resets"));
}

TEST_HARNESS_MAIN
