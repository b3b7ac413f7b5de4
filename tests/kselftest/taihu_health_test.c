// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Faults injected through debugfs (fault_inject/) and what the driver does
 * about them: a corrupted completion fails only its job; a hung queue
 * times its job out and runs the next one; a stopped heartbeat, a crashed
 * firmware and a firmware hung for good (reset by the card's reset line)
 * make the heartbeat watchdog reset the card, and the jobs in flight run
 * again and succeed; memory freed while the firmware hangs is quarantined
 * until that reset; a boot that fails during that reset is tried once
 * more; a card that does not boot again is declared dead (every waiter
 * returns -ENODEV at once, later ioctls fail with -ENODEV, sysfs counts it,
 * a uevent and a card-dead netlink event say so), and binding the device
 * again brings it back; an injected boot failure fails the next bind only.
 * QUERY reports the firmware's limits. Needs root.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <xf86drm.h>

#include "kselftest_harness.h"
#include "taihu_submit_util.h"
#include "taihu_test_util.h"

#define SYSFS_PCI	"/sys/bus/pci/devices"
#define EVENT_WAIT_MS	5000
/* The firmware's queues (t1.bin): one hung job on each. */
#define HUNG_QUEUES	4
/* The driver's default job_timeout_ms. */
#define TAIHU_DEFAULT_JOB_TIMEOUT_MS	5000LL

FIXTURE(health)
{
	struct taihu_device *dev;
	struct tt_device desc;
	char pci_dir[256];
	char fault_dir[300];
	unsigned int timeout_ms;
	long long job_timeout_ms;
};

/* Open the first card and find its sysfs and debugfs directories. */
static int open_card(FIXTURE_DATA(health) *self)
{
	int ret = tt_wait_device(self->desc.pci_slot[0] ? self->desc.pci_slot : NULL,
				 TT_DEVICE_WAIT_MS, &self->desc);

	if (ret)
		return ret;
	snprintf(self->pci_dir, sizeof(self->pci_dir), SYSFS_PCI "/%s", self->desc.pci_slot);
	snprintf(self->fault_dir, sizeof(self->fault_dir),
		 "/sys/kernel/debug/accel/%s/fault_inject", self->desc.pci_slot);
	return taihu_device_open(self->desc.node, &self->dev);
}

/* Unbind and bind the device again: a dead card comes back (after RESET). */
static int rebind(FIXTURE_DATA(health) *self)
{
	int ret;

	taihu_device_close(self->dev);
	self->dev = NULL;
	if (tt_pci_bound(self->desc.pci_slot)) {
		ret = tt_pci_unbind(self->desc.pci_slot);
		if (ret)
			return ret;
	}
	ret = tt_pci_bind(self->desc.pci_slot);
	return ret ? ret : open_card(self);
}

FIXTURE_SETUP(health)
{
	int ret;

	if (geteuid() != 0)
		SKIP(return, "needs root (debugfs, rebinding the driver)");
	memset(&self->desc, 0, sizeof(self->desc));
	ret = open_card(self);
	if (ret) {
		/* A dead run may have left it unbound. */
		tt_bind_unbound_candidates();
		ret = open_card(self);
	}
	ASSERT_EQ(0, ret) TH_LOG("no Taihu device: %s", taihu_strerror(ret));
	self->timeout_ms = (unsigned int)tt_attr_ll(self->pci_dir, "heartbeat_timeout_ms");
	ASSERT_GE(self->timeout_ms, 200);
	self->job_timeout_ms = tt_attr_ll(self->pci_dir, "job_timeout_ms");
	ASSERT_GE(self->job_timeout_ms, 200);
}

FIXTURE_TEARDOWN(health)
{
	char state[64] = "";

	if (geteuid() != 0)
		return;
	snprintf(state, sizeof(state), "%lld", self->job_timeout_ms);
	EXPECT_EQ(0, tt_attr_write(self->pci_dir, "job_timeout_ms", state));
	EXPECT_EQ(0, tt_attr_write(self->pci_dir, "reset_limit", "10"));
	/* Leave a live card for the next test. */
	if (tt_attr_line(self->pci_dir, "health", state, sizeof(state)) ||
	    strcmp(state, "alive")) {
		TH_LOG("card %s: %s; binding it again", self->desc.pci_slot, state);
		EXPECT_EQ(0, rebind(self));
	}
	taihu_device_close(self->dev);
}

static int query_device(struct taihu_device *dev, struct drm_taihu_device_info *info)
{
	struct drm_taihu_query q = {
		.query = DRM_TAIHU_QUERY_DEVICE_INFO,
		.size = sizeof(*info),
		.data = (uintptr_t)info,
	};

	memset(info, 0, sizeof(*info));
	return drmIoctl(taihu_device_fd(dev), DRM_IOCTL_TAIHU_QUERY, &q) ? -errno : 0;
}

/* A socket on the kernel's uevents (NETLINK_KOBJECT_UEVENT), or -1. */
static int uevent_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);

	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Wait for a uevent of @slot carrying @key; 1 found (its TAIHU_REASON in @reason). */
static int uevent_wait(int fd, const char *slot, const char *key, char *reason, size_t len)
{
	int64_t end = tt_now_ns() + (int64_t)EVENT_WAIT_MS * 1000000;
	static char buf[8192];

	while (tt_now_ns() < end) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		bool mine = false, has_key = false;
		ssize_t n;
		char *s;

		if (poll(&p, 1, 200) <= 0)
			continue;
		n = recv(fd, buf, sizeof(buf) - 1, 0);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		reason[0] = '\0';
		for (s = buf; s < buf + n; s += strlen(s) + 1) {
			if (!strncmp(s, "DEVPATH=", 8) && strstr(s, slot))
				mine = true;
			if (!strcmp(s, key))
				has_key = true;
			if (!strncmp(s, "TAIHU_REASON=", 13))
				snprintf(reason, len, "%s", s + 13);
		}
		if (mine && has_key)
			return 1;
	}
	return 0;
}

/* Wait for a netlink event of @kind on card @minor; 1 found. */
static int nl_wait(struct taihu_event_listener *l, uint32_t kind, uint32_t minor,
		   struct taihu_event_info *out)
{
	int64_t end = tt_now_ns() + (int64_t)EVENT_WAIT_MS * 1000000;

	while (tt_now_ns() < end) {
		struct taihu_event_info ev = { .size = sizeof(ev) };

		if (taihu_events_next(l, &ev, 200) == 1 && ev.kind == kind && ev.minor == minor) {
			*out = ev;
			return 1;
		}
	}
	return 0;
}

TEST_F(health, query_reports_the_firmware_limits)
{
	struct drm_taihu_device_info info;

	ASSERT_EQ(0, query_device(self->dev, &info));
	/* firmware/t1/t1.fw (max_ring_entries 1024; the driver takes 256) */
	EXPECT_EQ(65536, info.max_cmd_len);
	EXPECT_EQ(256, info.ring_entries);
}

TEST_F(health, heartbeat_timeout_is_a_root_sysfs_attribute)
{
	char v[16];

	EXPECT_EQ(-ERANGE, tt_attr_write(self->pci_dir, "heartbeat_timeout_ms", "10"));
	EXPECT_EQ(-ERANGE, tt_attr_write(self->pci_dir, "heartbeat_timeout_ms", "100000000"));
	EXPECT_EQ(-EINVAL, tt_attr_write(self->pci_dir, "heartbeat_timeout_ms", "soon"));
	ASSERT_EQ(0, tt_attr_write(self->pci_dir, "heartbeat_timeout_ms", "1900"));
	EXPECT_EQ(1900, tt_attr_ll(self->pci_dir, "heartbeat_timeout_ms"));
	snprintf(v, sizeof(v), "%u", self->timeout_ms);
	ASSERT_EQ(0, tt_attr_write(self->pci_dir, "heartbeat_timeout_ms", v));
	/* A live card. */
	ASSERT_EQ(0, tt_attr_line(self->pci_dir, "health", v, sizeof(v)));
	EXPECT_STREQ("alive", v);
}

TEST_F(health, job_timeout_is_a_root_sysfs_attribute)
{
	EXPECT_EQ(5000, self->job_timeout_ms);
	EXPECT_EQ(-ERANGE, tt_attr_write(self->pci_dir, "job_timeout_ms", "199"));
	EXPECT_EQ(-ERANGE, tt_attr_write(self->pci_dir, "job_timeout_ms", "600001"));
	EXPECT_EQ(-EINVAL, tt_attr_write(self->pci_dir, "job_timeout_ms", "later"));
	ASSERT_EQ(0, tt_attr_write(self->pci_dir, "job_timeout_ms", "12345"));
	EXPECT_EQ(12345, tt_attr_ll(self->pci_dir, "job_timeout_ms"));
}

/*
 * A counter the driver moves after the job it counts has ended: wait for
 * it (up to EVENT_WAIT_MS) to reach @want; its last value.
 */
static long long attr_reaches(const char *dir, const char *name, long long want)
{
	int64_t end = tt_now_ns() + (int64_t)EVENT_WAIT_MS * 1000000;
	long long v;

	while ((v = tt_attr_ll(dir, name)) < want && tt_now_ns() < end)
		tt_sleep_ms(20);
	return v;
}

/* Rounds of the loops below: 20 injections of each fault class and more. */
#define ROUNDS		5
#define SHORT_TIMEOUT	"250"
#define SLOW_MS		1000

/*
 * A job that runs four times the job timeout but makes progress all along
 * (an injected slow job, on every queue at once, ROUNDS times) is not
 * killed: it succeeds, the card's own clock says it ran past the timeout,
 * and sysfs counts it as a long job, not a hang.
 */
TEST_F(health, slow_but_progressing_jobs_outlive_the_timeout)
{
	struct taihu_job_result res = { .size = sizeof(res) };
	long long hangs = tt_attr_ll(self->pci_dir, "hangs");
	long long long_jobs = tt_attr_ll(self->pci_dir, "long_jobs");
	uint64_t seqno[HUNG_QUEUES];
	char arg[32];
	int r, i;

	ASSERT_EQ(0, tt_attr_write(self->pci_dir, "job_timeout_ms", SHORT_TIMEOUT));
	snprintf(arg, sizeof(arg), "0 %u", SLOW_MS);
	EXPECT_EQ(-EINVAL, tt_attr_write(self->fault_dir, "queue_slow", "0 0"));
	for (r = 0; r < ROUNDS; r++) {
		for (i = 0; i < HUNG_QUEUES; i++) {
			snprintf(arg, sizeof(arg), "%d %u", i, SLOW_MS);
			ASSERT_EQ(0, tt_attr_write(self->fault_dir, "queue_slow", arg));
			ASSERT_EQ(0, tt_submit_nop(self->dev, i, &seqno[i]));
		}
		for (i = 0; i < HUNG_QUEUES; i++) {
			ASSERT_EQ(0, taihu_wait(self->dev, seqno[i],
						tt_now_ns() + TT_JOB_TIMEOUT_NS, &res));
			EXPECT_EQ(DRM_TAIHU_JOB_SUCCESS, res.status)
				TH_LOG("round %d queue %d: %s", r, i,
				       taihu_job_status_name(res.status));
			EXPECT_GE(res.end_ns - res.start_ns, SLOW_MS * 1000000ULL);
		}
	}
	EXPECT_EQ(hangs, tt_attr_ll(self->pci_dir, "hangs"));
	EXPECT_EQ(long_jobs + ROUNDS * HUNG_QUEUES, tt_attr_ll(self->pci_dir, "long_jobs"));
	EXPECT_EQ(0, tt_attr_ll(self->pci_dir, "deaths"));
}

/*
 * With job_timeout_ms lowered, a hung job ends TIMEOUT long before the
 * default timeout (5 s) could have fired, the job behind it succeeds, and
 * queues time out independently: one hung job on every queue at once,
 * ROUNDS times, each round from a new context (the first hang bans it).
 */
TEST_F(health, lowered_job_timeout_ends_hung_jobs_sooner)
{
	struct taihu_job_result res = { .size = sizeof(res) };
	long long hangs = tt_attr_ll(self->pci_dir, "hangs");
	long long resets = tt_attr_ll(self->pci_dir, "queue_resets");
	long long banned = tt_attr_ll(self->pci_dir, "contexts_banned");
	uint64_t seqno[HUNG_QUEUES], next[HUNG_QUEUES];
	struct taihu_device *d;
	char q[8];
	int64_t t0;
	int r, i;

	ASSERT_EQ(0, tt_attr_write(self->pci_dir, "job_timeout_ms", SHORT_TIMEOUT));
	for (r = 0; r < ROUNDS; r++) {
		ASSERT_EQ(0, taihu_device_open(self->desc.node, &d));
		for (i = 0; i < HUNG_QUEUES; i++) {
			snprintf(q, sizeof(q), "%d", i);
			ASSERT_EQ(0, tt_attr_write(self->fault_dir, "queue_hang", q));
			ASSERT_EQ(0, tt_submit_nop(d, i, &seqno[i]));
			ASSERT_EQ(0, tt_submit_nop(d, i, &next[i]));
		}
		t0 = tt_now_ns();
		for (i = 0; i < HUNG_QUEUES; i++) {
			/* Well before the default timeout would have ended it. */
			ASSERT_EQ(0, taihu_wait(d, seqno[i],
						t0 + (TAIHU_DEFAULT_JOB_TIMEOUT_MS - 1000) * 1000000LL,
						&res)) TH_LOG("round %d queue %d", r, i);
			EXPECT_EQ(DRM_TAIHU_JOB_TIMEOUT, res.status);
			/* Already on the ring behind the hung one: it runs. */
			ASSERT_EQ(0, taihu_wait(d, next[i], tt_now_ns() + TT_JOB_TIMEOUT_NS, &res));
			EXPECT_EQ(DRM_TAIHU_JOB_SUCCESS, res.status);
		}
		taihu_device_close(d);
	}
	EXPECT_EQ(banned + ROUNDS, tt_attr_ll(self->pci_dir, "contexts_banned"));
	EXPECT_EQ(hangs + ROUNDS * HUNG_QUEUES, tt_attr_ll(self->pci_dir, "hangs"));
	EXPECT_EQ(resets + ROUNDS * HUNG_QUEUES,
		  attr_reaches(self->pci_dir, "queue_resets", resets + ROUNDS * HUNG_QUEUES));
	EXPECT_EQ(0, tt_attr_ll(self->pci_dir, "deaths"));
}

/*
 * Another process: FILL jobs on queues 1..3 until @stop_fd is readable,
 * each checked word by word. Exits 0 if every job succeeded with the right
 * bytes (and there was at least one), after writing how many to @count_fd.
 */
static int innocent_worker(const char *node, int stop_fd, int count_fd)
{
	struct taihu_job_result res = { .size = sizeof(res) };
	struct pollfd p = { .fd = stop_fd, .events = POLLIN };
	struct taihu_device *dev;
	struct taihu_cmdbuf *cb;
	uint32_t q, value, w, *words;
	struct ts_buf buf;
	long long ok = 0, bad = 0;

	if (taihu_device_open(node, &dev) || ts_buf_new(dev, 3 * 4096, &buf))
		return 2;
	for (value = 1; !poll(&p, 1, 0); value++) {
		for (q = 1; q <= 3; q++) {
			if (taihu_cmdbuf_new(&cb))
				return 2;
			if (taihu_cmdbuf_fill(cb, buf.addr + (q - 1) * 4096, 4096,
					      value * 4 + q) < 0 ||
			    taihu_run(dev, cb, q, &buf.bo, 1, TT_JOB_TIMEOUT_NS, &res)) {
				bad++;
			} else {
				__sync_synchronize();
				words = (uint32_t *)(buf.p + (q - 1) * 4096);
				for (w = 0; w < 1024 && words[w] == value * 4 + q; w++)
					;
				if (w == 1024)
					ok++;
				else
					bad++;
			}
			taihu_cmdbuf_free(cb);
		}
	}
	if (write(count_fd, &ok, sizeof(ok)) != sizeof(ok))
		return 2;
	ts_buf_free(&buf);
	taihu_device_close(dev);
	return ok && !bad ? 0 : 1;
}

/*
 * The ladder's first rungs, 20 times, while another process runs checked
 * jobs on the other queues: a hung job on queue 0 ends TIMEOUT, its
 * context is banned (SUBMIT -ECANCELED on any queue, CONTEXT_INFO says so,
 * a uevent and a netlink event too), the queue works for other contexts,
 * and every job of the other process completes with the right bytes.
 */
TEST_F(health, hung_job_bans_its_context_only)
{
	struct taihu_context_info ci = { .size = sizeof(ci) };
	struct taihu_job_result res = { .size = sizeof(res) };
	long long banned = tt_attr_ll(self->pci_dir, "contexts_banned");
	long long innocent = 0;
	struct taihu_event_listener *el;
	struct taihu_event_info ev;
	int stop[2], count[2], status, r, ufd;
	struct taihu_device *d;
	char why[64];
	uint64_t s, x;
	pid_t pid;

	ASSERT_EQ(0, tt_attr_write(self->pci_dir, "job_timeout_ms", SHORT_TIMEOUT));
	ASSERT_EQ(0, pipe(stop));
	ASSERT_EQ(0, pipe(count));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(stop[1]);
		close(count[0]);
		_exit(innocent_worker(self->desc.node, stop[0], count[1]));
	}
	close(stop[0]);
	close(count[1]);
	ASSERT_EQ(0, taihu_events_open(&el));
	ufd = uevent_open();
	ASSERT_LE(0, ufd);

	for (r = 0; r < 4 * ROUNDS; r++) {
		ASSERT_EQ(0, taihu_device_open(self->desc.node, &d));
		ASSERT_EQ(0, tt_attr_write(self->fault_dir, "queue_hang", "0"));
		ASSERT_EQ(0, tt_submit_nop(d, 0, &s));
		ASSERT_EQ(0, taihu_wait(d, s, tt_now_ns() + TT_JOB_TIMEOUT_NS, &res));
		EXPECT_EQ(DRM_TAIHU_JOB_TIMEOUT, res.status) TH_LOG("round %d", r);
		EXPECT_EQ(-ECANCELED, tt_submit_nop(d, 0, &x));
		EXPECT_EQ(-ECANCELED, tt_submit_nop(d, 2, &x));
		ASSERT_EQ(0, taihu_context_info(d, &ci));
		EXPECT_EQ(DRM_TAIHU_CONTEXT_BANNED, ci.flags);
		taihu_device_close(d);
		/* This process's own context was not touched. */
		ASSERT_EQ(0, tt_run_nop(self->dev, 0, &res));
		EXPECT_EQ(DRM_TAIHU_JOB_SUCCESS, res.status);
	}
	EXPECT_EQ(1, uevent_wait(ufd, self->desc.pci_slot, "TAIHU_EVENT=context-banned",
				 why, sizeof(why)));
	EXPECT_EQ(1, nl_wait(el, TAIHU_EVENT_KIND_CONTEXT_BANNED, self->desc.minor, &ev));
	close(ufd);
	taihu_events_close(el);

	ASSERT_EQ(1, write(stop[1], "x", 1));
	ASSERT_EQ(sizeof(innocent), read(count[0], &innocent, sizeof(innocent)));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("the other process: status %#x, %lld jobs right", status, innocent);
	TH_LOG("%d hung jobs; the other process ran %lld checked jobs meanwhile",
	       4 * ROUNDS, innocent);
	EXPECT_EQ(banned + 4 * ROUNDS, tt_attr_ll(self->pci_dir, "contexts_banned"));
}

/*
 * The last rung, 20 times: a hung job whose queue reset fails (its
 * QUEUE_DISABLE, or its QUEUE_ENABLE, fails: injected) gets the whole card
 * reset. The guilty job ends TIMEOUT and its context is banned; the
 * innocent jobs of another context complete: the one queued behind it,
 * and a slow one on another queue that the card reset aborted and the
 * driver ran again. The card stays alive; sysfs, a uevent and a netlink
 * event say what happened.
 */
TEST_F(health, failed_queue_reset_escalates_to_a_card_reset)
{
	struct taihu_job_result res = { .size = sizeof(res) };
	long long resets = tt_attr_ll(self->pci_dir, "card_resets");
	long long escalations = tt_attr_ll(self->pci_dir, "escalations");
	long long failures = tt_attr_ll(self->pci_dir, "queue_reset_failures");
	struct taihu_event_listener *el;
	struct taihu_event_info ev;
	uint64_t guilty, behind, slow;
	struct taihu_device *d;
	char arg[32], why[64], state[64];
	int r, ufd, gq, sq;

	ASSERT_EQ(0, tt_attr_write(self->pci_dir, "job_timeout_ms", SHORT_TIMEOUT));
	ASSERT_EQ(0, tt_attr_write(self->pci_dir, "reset_limit", "0"));
	ASSERT_EQ(0, taihu_events_open(&el));
	ufd = uevent_open();
	ASSERT_LE(0, ufd);
	for (r = 0; r < 4 * ROUNDS; r++) {
		gq = r % HUNG_QUEUES;
		sq = (r + 1) % HUNG_QUEUES;
		ASSERT_EQ(0, taihu_device_open(self->desc.node, &d));
		snprintf(arg, sizeof(arg), "%d", gq);
		ASSERT_EQ(0, tt_attr_write(self->fault_dir, "queue_hang", arg));
		ASSERT_EQ(0, tt_attr_write(self->fault_dir, r % 2 ? "queue_enable_fail" :
							   "queue_disable_fail", arg));
		ASSERT_EQ(0, tt_submit_nop(d, gq, &guilty));
		ASSERT_EQ(0, tt_submit_nop(self->dev, gq, &behind));
		snprintf(arg, sizeof(arg), "%d %u", sq, SLOW_MS);
		ASSERT_EQ(0, tt_attr_write(self->fault_dir, "queue_slow", arg));
		ASSERT_EQ(0, tt_submit_nop(self->dev, sq, &slow));

		ASSERT_EQ(0, taihu_wait(d, guilty, tt_now_ns() + TT_JOB_TIMEOUT_NS, &res));
		EXPECT_EQ(DRM_TAIHU_JOB_TIMEOUT, res.status) TH_LOG("round %d", r);
		EXPECT_EQ(-ECANCELED, tt_submit_nop(d, gq, &guilty));
		ASSERT_EQ(0, taihu_wait(self->dev, behind, tt_now_ns() + TT_JOB_TIMEOUT_NS, &res));
		EXPECT_EQ(DRM_TAIHU_JOB_SUCCESS, res.status)
			TH_LOG("round %d: the job behind: %s", r, taihu_job_status_name(res.status));
		ASSERT_EQ(0, taihu_wait(self->dev, slow, tt_now_ns() + TT_JOB_TIMEOUT_NS, &res));
		EXPECT_EQ(DRM_TAIHU_JOB_SUCCESS, res.status)
			TH_LOG("round %d: the slow job: %s", r, taihu_job_status_name(res.status));
		taihu_device_close(d);
		EXPECT_EQ(resets + r + 1, attr_reaches(self->pci_dir, "card_resets", resets + r + 1));
	}
	EXPECT_EQ(escalations + 4 * ROUNDS, tt_attr_ll(self->pci_dir, "escalations"));
	EXPECT_EQ(failures + 4 * ROUNDS, tt_attr_ll(self->pci_dir, "queue_reset_failures"));
	EXPECT_EQ(1, uevent_wait(ufd, self->desc.pci_slot, "TAIHU_EVENT=card-reset",
				 why, sizeof(why)));
	EXPECT_STREQ("queue-reset", why);
	EXPECT_EQ(1, nl_wait(el, TAIHU_EVENT_KIND_CARD_RESET, self->desc.minor, &ev));
	close(ufd);
	taihu_events_close(el);
	ASSERT_EQ(0, tt_attr_line(self->pci_dir, "health", state, sizeof(state)));
	EXPECT_STREQ("alive", state);
	EXPECT_EQ(0, tt_attr_ll(self->pci_dir, "deaths"));
	ASSERT_EQ(0, tt_run_nop(self->dev, 0, &res));
	/* A new binding: these resets must not count against the next tests' limit. */
	EXPECT_EQ(0, rebind(self));
}

/*
 * At most reset_limit card resets in reset_window_ms: on a fresh binding
 * with a limit of 3, three firmware crashes are reset and the fourth
 * kills the card ("dead reset-limit"); binding again brings it back
 * (the teardown does).
 */
TEST_F(health, repeated_resets_past_the_limit_kill_the_card)
{
	struct taihu_job_result res = { .size = sizeof(res) };
	uint64_t seqno;
	char state[64];
	int i;

	EXPECT_EQ(10, tt_attr_ll(self->pci_dir, "reset_limit"));
	EXPECT_EQ(60000, tt_attr_ll(self->pci_dir, "reset_window_ms"));
	EXPECT_EQ(-ERANGE, tt_attr_write(self->pci_dir, "reset_limit", "65"));
	EXPECT_EQ(-ERANGE, tt_attr_write(self->pci_dir, "reset_window_ms", "999"));
	/* A new binding: no resets in the window yet. */
	ASSERT_EQ(0, rebind(self));
	ASSERT_EQ(0, tt_attr_write(self->pci_dir, "reset_limit", "3"));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, tt_attr_write(self->fault_dir, "fw_crash", "0x1234"));
		EXPECT_EQ(i + 1, attr_reaches(self->pci_dir, "card_resets", i + 1));
		ASSERT_EQ(0, tt_run_nop(self->dev, i % HUNG_QUEUES, &res)) TH_LOG("reset %d", i);
		EXPECT_EQ(DRM_TAIHU_JOB_SUCCESS, res.status);
	}
	ASSERT_EQ(0, tt_attr_line(self->pci_dir, "health", state, sizeof(state)));
	EXPECT_STREQ("alive", state);
	ASSERT_EQ(0, tt_attr_write(self->fault_dir, "fw_crash", "0x1234"));
	EXPECT_EQ(1, attr_reaches(self->pci_dir, "deaths", 1));
	ASSERT_EQ(0, tt_attr_line(self->pci_dir, "health", state, sizeof(state)));
	EXPECT_STREQ("dead reset-limit", state);
	EXPECT_EQ(3, tt_attr_ll(self->pci_dir, "card_resets"));
	EXPECT_EQ(-ENODEV, tt_submit_nop(self->dev, 0, &seqno));
}

TEST_F(health, corrupted_completion_fails_only_its_job)
{
	struct taihu_job_result res = { .size = sizeof(res) };
	uint64_t seqno;

	ASSERT_EQ(0, tt_attr_write(self->fault_dir, "corrupt_completion", "1"));
	ASSERT_EQ(0, tt_submit_nop(self->dev, 1, &seqno));
	ASSERT_EQ(0, taihu_wait(self->dev, seqno, tt_now_ns() + TT_JOB_TIMEOUT_NS, &res));
	EXPECT_EQ(DRM_TAIHU_JOB_CANCELLED, res.status);
	/* The queue and the card go on. */
	ASSERT_EQ(0, tt_run_nop(self->dev, 1, &res));
	EXPECT_EQ(DRM_TAIHU_JOB_SUCCESS, res.status);
	EXPECT_EQ(-EINVAL, tt_attr_write(self->fault_dir, "corrupt_completion", "7"));
}

TEST_F(health, hung_queue_times_its_job_out_and_runs_the_next)
{
	struct taihu_job_result res = { .size = sizeof(res) };
	uint64_t seqno, next;

	ASSERT_EQ(0, tt_attr_write(self->fault_dir, "queue_hang", "2"));
	ASSERT_EQ(0, tt_submit_nop(self->dev, 2, &seqno));
	ASSERT_EQ(0, tt_submit_nop(self->dev, 2, &next));
	/* Other queues run meanwhile. */
	ASSERT_EQ(0, tt_run_nop(self->dev, 0, &res));
	EXPECT_EQ(DRM_TAIHU_JOB_SUCCESS, res.status);
	ASSERT_EQ(0, taihu_wait(self->dev, seqno, tt_now_ns() + TT_JOB_TIMEOUT_NS, &res));
	EXPECT_EQ(DRM_TAIHU_JOB_TIMEOUT, res.status);
	ASSERT_EQ(0, taihu_wait(self->dev, next, tt_now_ns() + TT_JOB_TIMEOUT_NS, &res));
	EXPECT_EQ(DRM_TAIHU_JOB_SUCCESS, res.status);
	/* A heartbeat goes on through a hung queue: the card is alive. */
	EXPECT_EQ(0, tt_attr_ll(self->pci_dir, "deaths"));
}

/*
 * Hang one job on each queue, inject @fault (@arg), and wait for the
 * watchdog: every waiter gets -ENODEV, within the heartbeat timeout and a
 * second after the injection; later ioctls fail with -ENODEV; sysfs, a
 * uevent and a netlink event say why. Then bind again: the card works.
 */
static void card_dies(struct __test_metadata *_metadata, FIXTURE_DATA(health) *self,
		      const char *fault, const char *arg, const char *reason,
		      const char *counter)
{
	struct taihu_job_result res = { .size = sizeof(res) };
	struct drm_taihu_device_info info;
	struct taihu_event_listener *el;
	struct taihu_event_info ev;
	uint64_t seqno[HUNG_QUEUES];
	char state[64], why[64], q[4];
	int64_t t0, t1, last;
	int ufd, i, ret;

	long long before = tt_attr_ll(self->pci_dir, counter);

	ASSERT_EQ(0, tt_attr_ll(self->pci_dir, "deaths"));
	ASSERT_EQ(0, taihu_events_open(&el));
	ufd = uevent_open();
	ASSERT_LE(0, ufd);
	for (i = 0; i < HUNG_QUEUES; i++) {
		snprintf(q, sizeof(q), "%d", i);
		ASSERT_EQ(0, tt_attr_write(self->fault_dir, "queue_hang", q));
		ASSERT_EQ(0, tt_submit_nop(self->dev, i, &seqno[i]));
	}

	t0 = tt_now_ns();
	ASSERT_EQ(0, tt_attr_write(self->fault_dir, fault, arg));
	/* Well past the job timeout: only the watchdog can end these waits early. */
	ret = taihu_wait(self->dev, seqno[0], t0 + 20 * 1000000000LL, &res);
	t1 = tt_now_ns();
	EXPECT_EQ(-ENODEV, ret);
	for (i = 1; i < HUNG_QUEUES; i++)
		EXPECT_EQ(-ENODEV, taihu_wait(self->dev, seqno[i], t0 + 20 * 1000000000LL, &res));
	last = tt_now_ns();
	TH_LOG("%s: first waiter back after %lld ms, all %d after %lld ms (timeout %u ms)",
	       fault, (long long)(t1 - t0) / 1000000, HUNG_QUEUES,
	       (long long)(last - t0) / 1000000, self->timeout_ms);
	EXPECT_LT(last - t0, ((int64_t)self->timeout_ms + 1000) * 1000000);

	/* Dead: ioctls fail at once. */
	EXPECT_EQ(-ENODEV, query_device(self->dev, &info));
	EXPECT_EQ(-ENODEV, tt_submit_nop(self->dev, 0, &seqno[0]));
	ASSERT_EQ(0, tt_attr_line(self->pci_dir, "health", state, sizeof(state)));
	snprintf(why, sizeof(why), "dead %s", reason);
	EXPECT_STREQ(why, state);
	EXPECT_EQ(1, tt_attr_ll(self->pci_dir, "deaths"));
	EXPECT_EQ(before + 1, tt_attr_ll(self->pci_dir, counter));
	EXPECT_EQ(1, uevent_wait(ufd, self->desc.pci_slot, "TAIHU_EVENT=card-dead",
				 why, sizeof(why)));
	EXPECT_STREQ(reason, why);
	EXPECT_EQ(1, nl_wait(el, TAIHU_EVENT_KIND_CARD_DEAD, self->desc.minor, &ev));
	close(ufd);
	taihu_events_close(el);
}

/* Bind again (after @wait_ms) and run a job on every queue. */
static void card_comes_back(struct __test_metadata *_metadata, FIXTURE_DATA(health) *self,
			    unsigned int wait_ms)
{
	struct taihu_job_result res = { .size = sizeof(res) };
	char state[64];
	int i, ret;

	tt_sleep_ms(wait_ms);
	ret = rebind(self);
	ASSERT_EQ(0, ret) TH_LOG("bind again: %s", taihu_strerror(ret));
	ASSERT_EQ(0, tt_attr_line(self->pci_dir, "health", state, sizeof(state)));
	EXPECT_STREQ("alive", state);
	for (i = 0; i < HUNG_QUEUES; i++) {
		ASSERT_EQ(0, tt_run_nop(self->dev, i, &res));
		EXPECT_EQ(DRM_TAIHU_JOB_SUCCESS, res.status);
	}
}

/*
 * Hang one job on each queue, queue another behind each, inject @fault:
 * the watchdog resets the card, and every one of those jobs (innocent: none
 * caused the fault) runs again and succeeds; the card is alive, sysfs,
 * a uevent and a card-reset netlink event say what happened.
 */
static void card_resets(struct __test_metadata *_metadata, FIXTURE_DATA(health) *self,
			const char *fault, const char *arg, const char *reason,
			const char *counter)
{
	struct taihu_job_result res = { .size = sizeof(res) };
	struct taihu_event_listener *el;
	struct taihu_event_info ev;
	uint64_t seqno[HUNG_QUEUES][2];
	char state[64], why[64], q[4];
	long long before = tt_attr_ll(self->pci_dir, counter);
	long long resets = tt_attr_ll(self->pci_dir, "card_resets");
	int64_t t0, last;
	int ufd, i, k;

	ASSERT_EQ(0, taihu_events_open(&el));
	ufd = uevent_open();
	ASSERT_LE(0, ufd);
	for (i = 0; i < HUNG_QUEUES; i++) {
		snprintf(q, sizeof(q), "%d", i);
		ASSERT_EQ(0, tt_attr_write(self->fault_dir, "queue_hang", q));
		ASSERT_EQ(0, tt_submit_nop(self->dev, i, &seqno[i][0]));
		ASSERT_EQ(0, tt_submit_nop(self->dev, i, &seqno[i][1]));
	}
	t0 = tt_now_ns();
	ASSERT_EQ(0, tt_attr_write(self->fault_dir, fault, arg));
	for (i = 0; i < HUNG_QUEUES; i++) {
		for (k = 0; k < 2; k++) {
			ASSERT_EQ(0, taihu_wait(self->dev, seqno[i][k],
						t0 + 20 * 1000000000LL, &res));
			EXPECT_EQ(DRM_TAIHU_JOB_SUCCESS, res.status)
				TH_LOG("queue %d job %d: %s", i, k,
				       taihu_job_status_name(res.status));
		}
	}
	last = tt_now_ns();
	/* The uevent is sent after the counters are updated. */
	EXPECT_EQ(1, uevent_wait(ufd, self->desc.pci_slot, "TAIHU_EVENT=card-reset",
				 why, sizeof(why)));
	EXPECT_STREQ(reason, why);
	TH_LOG("%s: card reset, all %d jobs done %lld ms after the fault (the reset took %lld ms)",
	       fault, 2 * HUNG_QUEUES, (long long)(last - t0) / 1000000,
	       tt_attr_ll(self->pci_dir, "last_reset_ms"));
	ASSERT_EQ(0, tt_attr_line(self->pci_dir, "health", state, sizeof(state)));
	EXPECT_STREQ("alive", state);
	EXPECT_EQ(resets + 1, tt_attr_ll(self->pci_dir, "card_resets"));
	EXPECT_EQ(before + 1, tt_attr_ll(self->pci_dir, counter));
	EXPECT_EQ(0, tt_attr_ll(self->pci_dir, "deaths"));
	EXPECT_EQ(1, nl_wait(el, TAIHU_EVENT_KIND_CARD_RESET, self->desc.minor, &ev));
	close(ufd);
	taihu_events_close(el);
	/* The card goes on. */
	for (i = 0; i < HUNG_QUEUES; i++) {
		ASSERT_EQ(0, tt_run_nop(self->dev, i, &res));
		EXPECT_EQ(DRM_TAIHU_JOB_SUCCESS, res.status);
	}
}

TEST_F(health, stopped_heartbeat_resets_the_card_and_its_jobs_complete)
{
	card_resets(_metadata, self, "heartbeat_stop", "1", "heartbeat", "heartbeat_losses");
}

TEST_F(health, crashed_firmware_resets_the_card_and_its_jobs_complete)
{
	struct taihu_event_listener *el;
	struct taihu_event_info ev;

	/* Crash codes are above the boot errors. */
	EXPECT_EQ(-EINVAL, tt_attr_write(self->fault_dir, "fw_crash", "5"));
	ASSERT_EQ(0, taihu_events_open(&el));
	card_resets(_metadata, self, "fw_crash", "0x1234", "fw-crash", "fw_crashes");
	/* The firmware's own error event carried the code. */
	EXPECT_EQ(1, nl_wait(el, TAIHU_EVENT_KIND_FW_CRASH, self->desc.minor, &ev));
	EXPECT_EQ(0x1234, ev.code);
	taihu_events_close(el);
}

TEST_F(health, hung_firmware_resets_the_card_and_its_jobs_complete)
{
	/* Hung for good: only the card's reset line brings it back. */
	card_resets(_metadata, self, "fw_hang", "0", "heartbeat", "heartbeat_losses");
}

/* debugfs quarantine: "bytes N entries N total N". */
static int quarantine_read(FIXTURE_DATA(health) *self, long long *bytes,
			   long long *total)
{
	long long entries;
	char path[300];
	uint8_t *data;
	size_t len;
	int ret;

	ts_debugfs_path(&self->desc, "quarantine", path, sizeof(path));
	ret = tt_read_file(path, &data, &len);
	if (ret)
		return ret;
	ret = sscanf((char *)data, "bytes %lld entries %lld total %lld", bytes,
		     &entries, total) == 3 ? 0 : -EPROTO;
	free(data);
	return ret;
}

/*
 * A buffer freed while the firmware hangs for good: its TLB invalidation
 * times out, so the card may still translate to it (a job of the context,
 * held by a gate, is alive). Its memory is quarantined (debugfs
 * quarantine), not freed, until the card reset that ends the hang releases
 * it; the held job runs again after the reset and the card goes on.
 */
TEST_F(health, memory_freed_during_a_firmware_hang_waits_for_the_reset)
{
	struct taihu_job_result res = { .size = sizeof(res) };
	long long resets = tt_attr_ll(self->pci_dir, "card_resets");
	long long bytes0, total0, bytes, total, timeout;
	struct taihu_job j = { .size = sizeof(j) };
	struct ts_buf buf, sem;
	struct taihu_cmdbuf *cb;
	uint64_t gate, seqno;
	char val[32];
	int64_t end;

	ASSERT_EQ(0, quarantine_read(self, &bytes0, &total0))
		TH_LOG("no debugfs quarantine");
	/* The gate must outlive the hang and the reset. */
	timeout = tt_attr_ll(self->pci_dir, "job_timeout_ms");
	ASSERT_EQ(0, tt_attr_write(self->pci_dir, "job_timeout_ms", "60000"));
	ASSERT_EQ(0, ts_buf_new(self->dev, 4096, &sem));
	ASSERT_EQ(0, ts_buf_new(self->dev, 1 << 20, &buf));
	ASSERT_EQ(0, ts_submit_gate(self->dev, 1, sem.addr, 0, &gate));
	ASSERT_EQ(0, taihu_cmdbuf_new(&cb));
	ASSERT_LE(0, taihu_cmdbuf_sem_signal(cb, buf.addr, 1, TAIHU_CMDBUF_SEM_SET));
	j.priority = DRM_TAIHU_PRIORITY_NORMAL;
	ASSERT_EQ(0, ts_submit(self->dev, cb, &j, &seqno));
	ASSERT_EQ(0, tt_wait_ok(self->dev, seqno, &res));

	ASSERT_EQ(0, tt_attr_write(self->fault_dir, "fw_hang", "0"));
	ts_buf_free(&buf);
	ASSERT_EQ(0, quarantine_read(self, &bytes, &total));
	EXPECT_LT(total0, total) TH_LOG("nothing quarantined");

	EXPECT_EQ(resets + 1, attr_reaches(self->pci_dir, "card_resets", resets + 1));
	end = tt_now_ns() + (int64_t)EVENT_WAIT_MS * 1000000;
	do {
		ASSERT_EQ(0, quarantine_read(self, &bytes, &total));
		if (bytes == bytes0)
			break;
		tt_sleep_ms(20);
	} while (tt_now_ns() < end);
	EXPECT_EQ(bytes0, bytes) TH_LOG("still quarantined after the reset");

	ts_set64(&sem, 0, 1);
	ASSERT_EQ(0, tt_wait_ok(self->dev, gate, &res));
	ASSERT_EQ(0, tt_run_nop(self->dev, 0, &res));
	EXPECT_EQ(DRM_TAIHU_JOB_SUCCESS, res.status);
	snprintf(val, sizeof(val), "%lld", timeout);
	EXPECT_EQ(0, tt_attr_write(self->pci_dir, "job_timeout_ms", val));
	taihu_cmdbuf_free(cb);
	ts_buf_free(&sem);
}

TEST_F(health, boot_failing_in_a_card_reset_is_tried_once_more)
{
	struct tt_klog k;

	ASSERT_EQ(0, tt_klog_mark(&k));
	ASSERT_EQ(0, tt_attr_write(self->fault_dir, "fail_boot", "1"));
	card_resets(_metadata, self, "fw_crash", "0x1234", "fw-crash", "fw_crashes");
	/* (one look: it reads the log to its end) */
	EXPECT_EQ(1, tt_klog_since_contains(&k, "boot failed (-22), booting once more"));
	tt_klog_close(&k);
}

TEST_F(health, card_that_does_not_boot_again_is_dead_until_bound_again)
{
	/* Hung for good, and both boots of the watchdog's reset fail. */
	EXPECT_EQ(-EINVAL, tt_attr_write(self->fault_dir, "fail_boot", "17"));
	ASSERT_EQ(0, tt_attr_write(self->fault_dir, "fail_boot", "2"));
	card_dies(_metadata, self, "fw_hang", "0", "heartbeat", "heartbeat_losses");
	card_comes_back(_metadata, self, 0);
}

TEST_F(health, injected_boot_failure_fails_the_next_bind_only)
{
	struct taihu_job_result res = { .size = sizeof(res) };
	struct tt_klog k;

	ASSERT_EQ(0, tt_attr_write(self->fault_dir, "fail_boot", "1"));
	taihu_device_close(self->dev);
	self->dev = NULL;
	ASSERT_EQ(0, tt_klog_mark(&k));
	ASSERT_EQ(0, tt_pci_unbind(self->desc.pci_slot));
	EXPECT_NE(0, tt_pci_bind(self->desc.pci_slot));
	EXPECT_FALSE(tt_pci_bound(self->desc.pci_slot));
	EXPECT_EQ(1, tt_klog_since_contains(&k, "boot failed: injected failure"));
	tt_klog_close(&k);
	ASSERT_EQ(0, tt_pci_bind(self->desc.pci_slot));
	ASSERT_EQ(0, open_card(self));
	ASSERT_EQ(0, tt_run_nop(self->dev, 0, &res));
	EXPECT_EQ(DRM_TAIHU_JOB_SUCCESS, res.status);
}

TEST_HARNESS_MAIN
