// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Faults under load, with checked jobs running around them (the guest jobs
 * check-scribble and check-soak, tests/vm/guest/jobs/):
 *   taihu_fault_soak scribble PCI_SLOT CARD
 *	While worker processes run checked jobs on queues 0..2, the host
 *	overwrites the card's mailbox, event ring, queue descriptors and ID
 *	page with random bytes ("@@taihu scribble N REGION SEED", run-vm
 *	--scribble-on-request). After each, the driver must recover (refuse
 *	the bad indices, or go up its ladder: queue or card reset) so that
 *	checked jobs succeed on every queue again. Then, unbound, the ID page is scribbled on once more and
 *	binding again must work and report the same firmware: the card
 *	rebuilds its ID page on RESET.
 *   taihu_fault_soak soak PCI_SLOT [ROUNDS]
 *	Each fault class injected ROUNDS times (default 20) while two worker
 *	processes run checked jobs on queues 0 and 1, each class with workers
 *	of its own so that a failure names its class: ECC errors (corrected,
 *	uncorrected), a hung queue and a corrupted completion (guilty jobs on
 *	queues 2 and 3 at once, each of which must end with its status: a
 *	hung one TIMEOUT, a corrupted one anything but SUCCESS), a stopped
 *	heartbeat, a firmware crash and a firmware hang for good (the card is
 *	reset and the jobs in flight run again), a firmware hang shorter than
 *	the heartbeat timeout (100 ms of 400). Every innocent job must succeed with the right data,
 *	the card must work afterwards and be "alive". The heartbeat timeout
 *	is 400 ms for the run, and job_timeout_ms 500 when the driver has it
 *	(else its 5 s); the card reset limit (reset_limit) is lifted.
 *   taihu_fault_soak bus-drop SURVIVOR_SLOT PCI_SLOT...
 *	Each card PCI_SLOT falls off the bus in turn (fault_inject/bus_drop:
 *	its process exits) with four processes waiting on it, each with a
 *	job running (hung) and one queued, and its heartbeat timeout at 500
 *	ms; meanwhile worker processes run checked jobs on the card at
 *	SURVIVOR_SLOT. Every waiter must get -ENODEV within the heartbeat
 *	timeout + 1 s, the dead card's ioctls -ENODEV and its health "dead
 *	heartbeat"; every job on the survivor must succeed with the right
 *	data, and the survivor must work on every queue afterwards.
 * A checked job FILLs a VRAM buffer with a pattern of its own and COPYs it
 * to a host buffer, which the worker compares: a job that reports SUCCESS
 * with wrong data fails the test, whatever happened around it.
 * Prints TAP and the figures.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "taihu_test_util.h"

#define WORKERS		3		/* on queues 0..WORKERS-1 */
#define JOB_BYTES	(64 * 1024)
#define JOB_TIMEOUT_NS	(30LL * 1000000000LL)
#define RECOVER_MS	30000
#define REQUEST_MS	30000
#define DROP_WAITERS	4		/* on queues 0..3 of a card that drops */
#define DROP_HB_MS	500		/* its heartbeat timeout */

/* What a worker counts; written to its pipe when told to stop. */
struct worker_report {
	uint32_t queue;
	uint64_t ok;		/* SUCCESS, data right */
	uint64_t wrong;		/* SUCCESS, data wrong */
	uint64_t failed;	/* another status */
	uint64_t errors;	/* an ioctl error (no status) */
	uint64_t by_status[16];	/* the failed ones by status */
	int last_err;		/* the last ioctl error, for the log */
};

/* A checked job; 0 (right), 1 (SUCCESS but wrong), or the status/-errno. */
struct checked_job {
	struct taihu_device *dev;
	struct taihu_bo *vram, *host;
	uint32_t *host_ptr;
	struct taihu_cmdbuf *cb;
};

static int checked_job_init(struct checked_job *j, struct taihu_device *dev)
{
	void *p;

	j->dev = dev;
	if (taihu_bo_create(dev, JOB_BYTES, DRM_TAIHU_PLACEMENT_VRAM, &j->vram) ||
	    taihu_bo_create(dev, JOB_BYTES, DRM_TAIHU_PLACEMENT_HOST, &j->host) ||
	    taihu_bo_map(j->host, &p) || taihu_cmdbuf_new(&j->cb))
		return -1;
	j->host_ptr = p;
	return 0;
}

static void checked_job_fini(struct checked_job *j)
{
	taihu_cmdbuf_free(j->cb);
	taihu_bo_free(j->host);
	taihu_bo_free(j->vram);
}

/*
 * Run one checked job with @pattern on @queue: 0 when it succeeded with the
 * right data, 1 when it succeeded with wrong data, a positive status + 1
 * when it ended otherwise, or -errno.
 */
static int checked_job_run(struct checked_job *j, uint32_t queue, uint32_t pattern)
{
	struct taihu_job_result res = { .size = sizeof(res) };
	struct taihu_bo *bos[2] = { j->vram, j->host };
	uint32_t i;
	int ret;

	memset(j->host_ptr, 0, JOB_BYTES);
	if (taihu_cmdbuf_reset(j->cb) < 0 ||
	    taihu_cmdbuf_fill(j->cb, taihu_bo_dev_addr(j->vram), JOB_BYTES, pattern) < 0 ||
	    taihu_cmdbuf_barrier(j->cb) < 0 ||
	    taihu_cmdbuf_copy(j->cb, taihu_bo_dev_addr(j->vram), taihu_bo_dev_addr(j->host),
			      JOB_BYTES) < 0)
		return -EINVAL;
	ret = taihu_run(j->dev, j->cb, queue, bos, 2, JOB_TIMEOUT_NS, &res);
	if (ret == -TAIHU_EJOBFAILED)
		return (int)(res.status & 15) + 1;
	if (ret)
		return ret;
	for (i = 0; i < JOB_BYTES / 4; i++)
		if (j->host_ptr[i] != pattern)
			return 1;
	return 0;
}

/* A worker: checked jobs on @queue until @stop_fd is readable. */
static void worker(const char *node, uint32_t queue, int stop_fd, int out_fd)
{
	struct worker_report r = { .queue = queue };
	struct taihu_device *dev;
	struct checked_job j;
	uint64_t n = 0;

	if (taihu_device_open(node, &dev) || checked_job_init(&j, dev))
		_exit(1);
	for (;;) {
		struct pollfd pfd = { .fd = stop_fd, .events = POLLIN };
		uint32_t pattern = (uint32_t)tt_mix64(((uint64_t)getpid() << 32) | n++);
		int ret;

		if (poll(&pfd, 1, 0) > 0)
			break;
		ret = checked_job_run(&j, queue, pattern);
		if (!ret) {
			r.ok++;
		} else if (ret == 1) {
			r.wrong++;
		} else if (ret > 1) {
			r.failed++;
			r.by_status[ret - 1]++;
		} else {
			r.errors++;
			r.last_err = ret;
			tt_sleep_ms(20);	/* e.g. the card being reset */
			/* Banned after a hang of its job: go on from a new context. */
			if (ret == -ECANCELED) {
				checked_job_fini(&j);
				taihu_device_close(dev);
				if (taihu_device_open(node, &dev) || checked_job_init(&j, dev))
					_exit(1);
			}
		}
	}
	checked_job_fini(&j);
	taihu_device_close(dev);
	if (write(out_fd, &r, sizeof(r)) != sizeof(r))
		_exit(1);
	_exit(0);
}

struct workers {
	int n;			/* on queues 0..n-1 */
	int stop[2], out[2];
	pid_t pids[WORKERS];
	struct worker_report r[WORKERS];
};

static int workers_start(struct workers *w, const char *node, int n)
{
	int i;

	w->n = n;
	if (pipe(w->stop) || pipe(w->out))
		return -errno;
	for (i = 0; i < n; i++) {
		w->pids[i] = fork();
		if (w->pids[i] < 0)
			return -errno;
		if (!w->pids[i]) {
			close(w->stop[1]);
			worker(node, (uint32_t)i, w->stop[0], w->out[1]);
		}
	}
	return 0;
}

/* Stop the workers and collect their reports; the number collected. */
static int workers_stop(struct workers *w)
{
	int i, got = 0;

	close(w->stop[1]);
	for (i = 0; i < w->n; i++)
		if (read(w->out[0], &w->r[got], sizeof(w->r[got])) == sizeof(w->r[got]))
			got++;
	for (i = 0; i < w->n; i++)
		waitpid(w->pids[i], NULL, 0);
	return got;
}

static void workers_print(const struct workers *w, int got)
{
	int i, s;

	for (i = 0; i < got; i++) {
		const struct worker_report *r = &w->r[i];

		printf("# queue %u: %llu right, %llu wrong, %llu failed, %llu ioctl errors (last %d)",
		       r->queue, (unsigned long long)r->ok, (unsigned long long)r->wrong,
		       (unsigned long long)r->failed, (unsigned long long)r->errors, r->last_err);
		for (s = 0; s < 16; s++)
			if (r->by_status[s])
				printf(", status %d: %llu", s, (unsigned long long)r->by_status[s]);
		printf("\n");
	}
}

/*
 * Wait until a checked job of @dev succeeds with the right data on each of
 * queues 0..@queues-1; the milliseconds it took, or -1 when not within
 * RECOVER_MS.
 */
static long recovered_ms_dev(struct taihu_device *dev, uint32_t queues)
{
	int64_t t0 = tt_now_ns(), end = t0 + RECOVER_MS * 1000000LL;
	struct checked_job j = { 0 };
	uint32_t q = 0;

	if (checked_job_init(&j, dev)) {
		checked_job_fini(&j);
		return -1;
	}
	while (q < queues && tt_now_ns() < end) {
		int ret = checked_job_run(&j, q, 0xc0de0000u | q);

		if (!ret)
			q++;
		else if (ret == -ECANCELED)
			break;	/* banned after a hang of its job: the caller opens a new file */
		else
			tt_sleep_ms(50);
	}
	checked_job_fini(&j);
	return q == queues ? (long)((tt_now_ns() - t0) / 1000000) : -1;
}

/* The same from a file of its own, opened again until it works. */
static long recovered_ms(const char *node, uint32_t queues)
{
	int64_t t0 = tt_now_ns(), end = t0 + RECOVER_MS * 1000000LL;
	struct taihu_device *dev;
	long ms = -1;

	while (ms < 0 && tt_now_ns() < end) {
		if (taihu_device_open(node, &dev)) {
			tt_sleep_ms(100);
			continue;
		}
		ms = recovered_ms_dev(dev, queues);
		taihu_device_close(dev);
	}
	return ms < 0 ? -1 : (long)((tt_now_ns() - t0) / 1000000);
}

static void print_counters(const char *pci_dir, const char *when)
{
	static const char *const names[] = {
		"reset_count", "card_resets", "heartbeat_losses", "fw_crashes", "deaths",
	};
	unsigned int i;

	printf("# %s:", when);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		printf(" %s %lld", names[i], tt_attr_ll(pci_dir, names[i]));
	printf("\n");
}

static int do_scribble(const char *slot, const char *card)
{
	static const char *const regions[] = { "mbox", "events", "queues", "id" };
	struct taihu_device_info before = { .size = sizeof(before) };
	struct taihu_device_info after = { .size = sizeof(after) };
	char pci_dir[300], health[64];
	struct taihu_device *dev;
	struct tt_device desc;
	struct workers w;
	int ok, got, i, seed, right = 1, any_ok = 1, wrong = 0;
	unsigned int r;
	long ms;

	ok = !tt_wait_device(slot, TT_DEVICE_WAIT_MS, &desc) &&
	     !taihu_device_open(desc.node, &dev) && !taihu_device_info(dev, &before);
	tt_tap(ok, "card %s is there", slot);
	if (!ok)
		return 1;
	taihu_device_close(dev);
	snprintf(pci_dir, sizeof(pci_dir), "/sys/bus/pci/devices/%s", desc.pci_slot);
	print_counters(pci_dir, "before");

	ok = !workers_start(&w, desc.node, WORKERS);
	tt_tap(ok, "%d workers run checked jobs on queues 0..%d", WORKERS, WORKERS - 1);
	if (!ok)
		return 1;
	tt_sleep_ms(500);
	for (seed = 1; seed <= 2; seed++) {
		for (r = 0; r < sizeof(regions) / sizeof(regions[0]); r++) {
			ok = !tt_host_request(REQUEST_MS, "scribble %s %s %d", card, regions[r],
					      seed);
			tt_sleep_ms(300);
			ms = ok ? recovered_ms(desc.node, before.num_queues) : -1;
			tt_tap(ms >= 0, "%s scribbled (seed %d): checked jobs succeed on all %u queues again (%ld ms)",
			       regions[r], seed, before.num_queues, ms);
			print_counters(pci_dir, regions[r]);
		}
	}
	got = workers_stop(&w);
	workers_print(&w, got);
	for (i = 0; i < got; i++) {
		wrong += w.r[i].wrong;
		if (!w.r[i].ok)
			any_ok = 0;
	}
	tt_tap(got == WORKERS && !wrong, "no job reported SUCCESS with wrong data (%d)", wrong);
	tt_tap(got == WORKERS && any_ok, "every worker had jobs succeed");

	/* Unbound, the driver reads nothing; binding resets the card. */
	ok = !tt_pci_unbind(desc.pci_slot) &&
	     !tt_host_request(REQUEST_MS, "scribble %s id 7", card) &&
	     !tt_pci_bind(desc.pci_slot) && !tt_wait_device(slot, TT_DEVICE_WAIT_MS, &desc) &&
	     !taihu_device_open(desc.node, &dev);
	tt_tap(ok, "the ID page scribbled on while unbound: binding again works");
	if (ok) {
		right = !taihu_device_info(dev, &after) &&
			!strcmp(after.serial, before.serial) &&
			!strcmp(after.fw_version_str, before.fw_version_str) &&
			after.max_cmd_len == before.max_cmd_len &&
			after.num_queues == before.num_queues &&
			after.capabilities == before.capabilities;
		taihu_device_close(dev);
	}
	tt_tap(ok && right, "QUERY reports the same card and firmware (%s, %s)", after.serial,
	       after.fw_version_str);
	ms = recovered_ms(desc.node, before.num_queues);
	tt_tap(ms >= 0, "checked jobs succeed on every queue after the rebind");
	ok = !tt_attr_line(pci_dir, "health", health, sizeof(health)) && !strcmp(health, "alive");
	tt_tap(ok, "sysfs health says 'alive' (%s)", health);
	print_counters(pci_dir, "after");
	return 0;
}

/* The fault classes of the soak. */
enum soak_kind {
	SOAK_EVENT,	/* nothing to wait for */
	SOAK_GUILTY,	/* guilty jobs on the GUILTY_QUEUES take the fault */
	SOAK_RESET,	/* the card is reset: wait for card_resets to move */
	SOAK_PAUSE,	/* the card pauses: wait for ARG ms */
};

/*
 * Guilty jobs run on queues 2 and 3, one each per round and at the same
 * time (a hung queue costs a job timeout); the workers on 0 and 1.
 */
#define GUILTY_QUEUES	2
#define SOAK_WORKERS	2

static const struct soak_class {
	const char *name;	/* in the TAP lines */
	const char *file;	/* in fault_inject/ */
	const char *arg;	/* NULL: the queue (guilty), the pause in ms */
	enum soak_kind kind;
	int guilty_status;	/* the status the guilty job must get, or -1: any but SUCCESS */
	const char *first;	/* a fault_inject/ file written "1" before, or NULL */
} soak_classes[] = {
	{ "ecc_corrected", "ecc_corrected", "1", SOAK_EVENT, 0, NULL },
	{ "ecc_uncorrected", "ecc_uncorrected", "1", SOAK_EVENT, 0, NULL },
	{ "queue_hang", "queue_hang", NULL, SOAK_GUILTY, DRM_TAIHU_JOB_TIMEOUT, NULL },
	{ "corrupt_completion", "corrupt_completion", NULL, SOAK_GUILTY, -1, NULL },
	{ "heartbeat_stop", "heartbeat_stop", "1", SOAK_RESET, 0, NULL },
	{ "fw_crash", "fw_crash", "0x1234", SOAK_RESET, 0, NULL },
	/*
	 * The firmware stops answering for good: the heartbeat watchdog
	 * resets the card. Meanwhile the workers' buffers are freed while no
	 * TLB invalidation is answered (the memory report below).
	 */
	{ "fw_hang for good", "fw_hang", "0", SOAK_RESET, 0, NULL },
	{ "fw_hang of 100 ms", "fw_hang", NULL, SOAK_PAUSE, 0, NULL },
	/* the reset's first boot fails, the driver boots once more */
	{ "fail_boot then fw_crash", "fw_crash", "0x1234", SOAK_RESET, 0, "fail_boot" },
};

/*
 * The most VRAM allocated and the most memory quarantined (debugfs
 * quarantine: a TLB invalidation failed) seen so far, for the class's report.
 */
static void sample_memory(struct taihu_device *dev, const char *fault_dir,
			  unsigned long long *vram_max, unsigned long long *quar_max)
{
	struct taihu_device_info info = { .size = sizeof(info) };
	unsigned long long bytes;
	char path[320];
	FILE *f;

	if (!taihu_device_info(dev, &info) && info.vram_used > *vram_max)
		*vram_max = info.vram_used;
	/* fault_inject/ sits in the device's debugfs directory. */
	snprintf(path, sizeof(path), "%s/../quarantine", fault_dir);
	f = fopen(path, "re");
	if (!f)
		return;
	if (fscanf(f, "bytes %llu", &bytes) == 1 && bytes > *quar_max)
		*quar_max = bytes;
	fclose(f);
}

/* Wait up to 10 s for @name in @pci_dir to exceed @than. */
static int counter_above(const char *pci_dir, const char *name, long long than)
{
	int64_t end = tt_now_ns() + 10000000000LL;

	while (tt_now_ns() < end) {
		if (tt_attr_ll(pci_dir, name) > than)
			return 0;
		tt_sleep_ms(20);
	}
	return -ETIMEDOUT;
}

/*
 * One round of @c on the card at @node: inject it and see it through. A
 * guilty class is injected on each guilty queue, whose guilty jobs each
 * have a file (a context) of their own, which the driver may ban; their
 * statuses go to @status. The injections made, or -errno.
 */
static int soak_round(const struct soak_class *c, const char *node, const char *fault_dir,
		      const char *pci_dir, unsigned int pause_ms, int *status)
{
	struct taihu_job_result res = { .size = sizeof(res) };
	long long resets = tt_attr_ll(pci_dir, "card_resets");
	struct taihu_device *guilty[GUILTY_QUEUES] = { 0 };
	uint64_t seqno[GUILTY_QUEUES];
	uint32_t q;
	char arg[32];
	int ret = 0;

	if (c->kind == SOAK_GUILTY) {
		for (q = 0; q < GUILTY_QUEUES && !ret; q++) {
			snprintf(arg, sizeof(arg), "%u", SOAK_WORKERS + q);
			ret = taihu_device_open(node, &guilty[q]);
			if (!ret)
				ret = tt_attr_write(fault_dir, c->file, arg);
			if (!ret)
				ret = tt_submit_nop(guilty[q], SOAK_WORKERS + q, &seqno[q]);
		}
		for (q = 0; q < GUILTY_QUEUES && !ret; q++) {
			res.status = DRM_TAIHU_JOB_SUCCESS;
			ret = taihu_wait(guilty[q], seqno[q], tt_now_ns() + JOB_TIMEOUT_NS, &res);
			status[q] = (int)res.status;
		}
		for (q = 0; q < GUILTY_QUEUES; q++)
			taihu_device_close(guilty[q]);
		return ret ? ret : GUILTY_QUEUES;
	}
	snprintf(arg, sizeof(arg), "%s", c->arg ? c->arg : "");
	if (!c->arg)
		snprintf(arg, sizeof(arg), "%u", pause_ms);
	ret = c->first ? tt_attr_write(fault_dir, c->first, "1") : 0;
	if (!ret)
		ret = tt_attr_write(fault_dir, c->file, arg);
	if (ret)
		return ret;
	if (c->kind == SOAK_RESET) {
		ret = counter_above(pci_dir, "card_resets", resets);
		/* and back: a checked job succeeds */
		if (!ret && recovered_ms(node, 1) < 0)
			ret = -EIO;
	} else if (c->kind == SOAK_PAUSE) {
		tt_sleep_ms(pause_ms);
	}
	return ret ? ret : 1;
}

static int do_soak(const char *slot, unsigned int rounds)
{
	char pci_dir[300], fault_dir[300], health[64], hb_old[32], jt_old[32], rl_old[32];
	struct taihu_device_info info = { .size = sizeof(info) };
	unsigned int ci, n, pause_ms, all_ok = 1;
	struct taihu_device *dev;
	struct tt_device desc;
	int ok, has_jt, has_rl;
	long ms;

	ok = !tt_wait_device(slot, TT_DEVICE_WAIT_MS, &desc) &&
	     !taihu_device_open(desc.node, &dev) && !taihu_device_info(dev, &info) &&
	     info.num_queues >= SOAK_WORKERS + GUILTY_QUEUES;
	tt_tap(ok, "card %s is there, with at least %d queues", slot,
	       SOAK_WORKERS + GUILTY_QUEUES);
	if (!ok)
		return 1;
	snprintf(pci_dir, sizeof(pci_dir), "/sys/bus/pci/devices/%s", desc.pci_slot);
	snprintf(fault_dir, sizeof(fault_dir), "/sys/kernel/debug/accel/%s/fault_inject",
		 desc.pci_slot);
	ok = !tt_attr_line(pci_dir, "heartbeat_timeout_ms", hb_old, sizeof(hb_old)) &&
	     !tt_attr_write(pci_dir, "heartbeat_timeout_ms", "400");
	has_jt = !tt_attr_line(pci_dir, "job_timeout_ms", jt_old, sizeof(jt_old));
	if (has_jt)
		tt_attr_write(pci_dir, "job_timeout_ms", "500");
	/* Dozens of card resets a minute, on purpose: no reset limit. */
	has_rl = !tt_attr_line(pci_dir, "reset_limit", rl_old, sizeof(rl_old));
	if (has_rl)
		tt_attr_write(pci_dir, "reset_limit", "0");
	printf("# heartbeat_timeout_ms 400 (was %s), job_timeout_ms %lld\n", hb_old,
	       tt_attr_ll(pci_dir, "job_timeout_ms"));
	tt_tap(ok, "heartbeat timeout lowered to 400 ms for the soak");
	pause_ms = 100;
	print_counters(pci_dir, "before");

	for (ci = 0; ci < sizeof(soak_classes) / sizeof(soak_classes[0]); ci++) {
		const struct soak_class *c = &soak_classes[ci];
		unsigned int done = 0, guilty_ok = 0, wrong = 0, failed = 0, errs = 0;
		unsigned long long vram_max = 0, quar_max = 0;
		int64_t t0 = tt_now_ns();
		struct workers w = { 0 };
		int got, i, status[GUILTY_QUEUES] = { 0 }, ret = 0;

		ok = !workers_start(&w, desc.node, SOAK_WORKERS);
		tt_sleep_ms(200);
		for (n = 0; ok && n < rounds; n += (unsigned int)ret) {
			ret = soak_round(c, desc.node, fault_dir, pci_dir, pause_ms, status);
			if (ret < 0)
				break;
			done += (unsigned int)ret;
			sample_memory(dev, fault_dir, &vram_max, &quar_max);
			for (i = 0; c->kind == SOAK_GUILTY && i < GUILTY_QUEUES; i++)
				if (c->guilty_status < 0 ? status[i] != DRM_TAIHU_JOB_SUCCESS :
				    status[i] == c->guilty_status)
					guilty_ok++;
		}
		got = ok ? workers_stop(&w) : 0;
		workers_print(&w, got);
		for (i = 0; i < got; i++) {
			wrong += w.r[i].wrong;
			failed += w.r[i].failed;
			errs += w.r[i].errors;
		}
		ms = (long)((tt_now_ns() - t0) / 1000000);
		if (ret < 0)
			printf("# %s: injection %u failed: %s\n", c->name, done + 1, strerror(-ret));
		ok = ok && done >= rounds && got == SOAK_WORKERS && !wrong && !failed && !errs;
		for (i = 0; i < got; i++)
			ok = ok && w.r[i].ok > 0;
		tt_tap(ok, "%s x%u (%ld ms): every innocent job succeeded with the right data",
		       c->name, done, ms);
		if (c->kind == SOAK_GUILTY)
			tt_tap(guilty_ok == done, "%s: every guilty job got its status (%u of %u; last %d)",
			       c->name, guilty_ok, done, status[0]);
		all_ok = all_ok && ok;
		print_counters(pci_dir, c->name);
		printf("# %s: at most %llu KiB of VRAM allocated, %llu KiB quarantined (after a round)\n",
		       c->name, vram_max >> 10, quar_max >> 10);
		/* the card must still work before the next class */
		if (recovered_ms(desc.node, info.num_queues) < 0)
			break;
	}
	taihu_device_close(dev);
	ms = recovered_ms(desc.node, info.num_queues);
	tt_tap(ms >= 0, "checked jobs succeed on every queue afterwards (%ld ms)", ms);
	ok = !tt_attr_line(pci_dir, "health", health, sizeof(health)) && !strcmp(health, "alive");
	tt_tap(ok, "sysfs health says 'alive' (%s)", health);
	tt_attr_write(pci_dir, "heartbeat_timeout_ms", hb_old);
	if (has_jt)
		tt_attr_write(pci_dir, "job_timeout_ms", jt_old);
	if (has_rl)
		tt_attr_write(pci_dir, "reset_limit", rl_old);
	print_counters(pci_dir, "after");
	return all_ok ? 0 : 1;
}

/*
 * One card of the bus-drop soak falls off the bus (its process exits)
 * with DROP_WAITERS processes waiting on it; 0 when each got -ENODEV
 * within its heartbeat timeout (lowered to DROP_HB_MS) + 1 s, ioctls fail
 * with -ENODEV and sysfs says "dead heartbeat".
 */
static int drop_one(const char *slot)
{
	struct taihu_device_info info = { .size = sizeof(info) };
	char pci_dir[300], fault_dir[300], health[64] = "", hb[16];
	int out[2], got = 0, all_enodev = 0, info_ret = 0, ret;
	pid_t pids[DROP_WAITERS];
	struct taihu_device *dev;
	struct tt_device desc;
	int64_t t0 = 0, last = 0;

	ret = tt_wait_device(slot, TT_DEVICE_WAIT_MS, &desc);
	if (!ret)
		ret = taihu_device_open(desc.node, &dev);
	if (ret) {
		tt_tap(0, "card %s is there", slot);
		return 1;
	}
	snprintf(pci_dir, sizeof(pci_dir), "/sys/bus/pci/devices/%s", desc.pci_slot);
	snprintf(fault_dir, sizeof(fault_dir), "/sys/kernel/debug/accel/%s/fault_inject",
		 desc.pci_slot);
	snprintf(hb, sizeof(hb), "%d", DROP_HB_MS);
	ret = tt_attr_write(pci_dir, "heartbeat_timeout_ms", hb);
	if (!ret)
		ret = pipe(out) ? -errno : 0;
	if (!ret) {
		ret = tt_start_hung_waiters(desc.pci_slot, desc.node, DROP_WAITERS, tt_nop_waiter,
					    out[1], pids);
		t0 = tt_now_ns();
		if (!ret)
			ret = tt_attr_write(fault_dir, "bus_drop", "1");
		close(out[1]);
		/* Whatever failed, the waiters started are reaped. */
		got = tt_collect_waiters(out[0], pids, DROP_WAITERS, -ENODEV, &all_enodev, &last);
		close(out[0]);
	}
	if (!ret) {
		info_ret = taihu_device_info(dev, &info);
		tt_attr_line(pci_dir, "health", health, sizeof(health));
	}
	taihu_device_close(dev);
	ret = ret || got != DROP_WAITERS || !all_enodev ||
	      last - t0 >= (DROP_HB_MS + 1000) * 1000000LL || info_ret != -ENODEV ||
	      strcmp(health, "dead heartbeat");
	tt_tap(!ret, "%s fell off the bus: %d of %d waiters got -ENODEV, the last %lld ms after the drop (heartbeat timeout %d ms), info %d, health '%s'",
	       slot, all_enodev ? got : 0, DROP_WAITERS, (long long)(last - t0) / 1000000,
	       DROP_HB_MS, info_ret, health);
	return ret;
}

/*
 * The bus-drop soak: each card at @slots falls off the bus in turn while
 * the workers run checked jobs on the card at @survivor, which must not
 * notice: every job right, the card alive, every queue working afterwards.
 */
static int do_bus_drop(const char *survivor, char *const *slots, int n)
{
	struct taihu_device_info info = { .size = sizeof(info) };
	char pci_dir[300], health[64];
	int ok, got, i, dropped = 0, bad = 0;
	struct taihu_device *dev;
	struct tt_device desc;
	struct workers w;
	int64_t t0;
	long ms;

	ok = !tt_wait_device(survivor, TT_DEVICE_WAIT_MS, &desc) &&
	     !taihu_device_open(desc.node, &dev) && !taihu_device_info(dev, &info);
	tt_tap(ok, "card %s, which stays, is there", survivor);
	if (!ok)
		return 1;
	taihu_device_close(dev);
	snprintf(pci_dir, sizeof(pci_dir), "/sys/bus/pci/devices/%s", desc.pci_slot);
	ok = !workers_start(&w, desc.node, WORKERS);
	tt_tap(ok, "%d workers run checked jobs on %s's queues 0..%d", WORKERS, survivor,
	       WORKERS - 1);
	if (!ok)
		return 1;
	tt_sleep_ms(200);
	t0 = tt_now_ns();
	for (i = 0; i < n; i++)
		if (!drop_one(slots[i]))
			dropped++;
	ms = (long)((tt_now_ns() - t0) / 1000000);
	got = workers_stop(&w);
	workers_print(&w, got);
	for (i = 0; i < got; i++)
		if (w.r[i].wrong || w.r[i].failed || w.r[i].errors || !w.r[i].ok)
			bad++;
	tt_tap(got == WORKERS && !bad,
	       "bus_drop x%d (%ld ms): every job on %s succeeded with the right data",
	       dropped, ms, survivor);
	ms = recovered_ms(desc.node, info.num_queues);
	ok = !tt_attr_line(pci_dir, "health", health, sizeof(health)) && !strcmp(health, "alive");
	tt_tap(ms >= 0 && ok, "%s works on every queue afterwards (%ld ms), health '%s'",
	       survivor, ms, health);
	return dropped == n && got == WORKERS && !bad && ms >= 0 && ok ? 0 : 1;
}

int main(int argc, char **argv)
{
	unsigned int rounds;

	/* Lines, not blocks: a soak killed by its time limit keeps its reports. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 4 && !strcmp(argv[1], "scribble")) {
		printf("TAP version 13\n1..%d\n", 3 + 8 + 5);
		return do_scribble(argv[2], argv[3]);
	}
	if (argc >= 3 && !strcmp(argv[1], "soak")) {
		rounds = argc > 3 ? (unsigned int)strtoul(argv[3], NULL, 0) : 20;
		/* 2 + one per class + one per guilty class + 2 */
		printf("TAP version 13\n1..%d\n", 2 + 9 + 2 + 2);
		return do_soak(argv[2], rounds ? rounds : 20);
	}
	if (argc >= 4 && !strcmp(argv[1], "bus-drop")) {
		printf("TAP version 13\n1..%d\n", 2 + (argc - 3) + 2);
		return do_bus_drop(argv[2], argv + 3, argc - 3);
	}
	fprintf(stderr, "usage: %s scribble PCI_SLOT CARD | soak PCI_SLOT [ROUNDS] | bus-drop SURVIVOR_SLOT PCI_SLOT...\n",
		argv[0]);
	return 2;
}
