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
 *	--scribble-on-request). After each, the driver must recover (by its
 *	ladder: queue or card reset) so that checked jobs succeed on every
 *	queue again. Then, unbound, the ID page is scribbled on once more and
 *	binding again must work and report the same firmware: the card
 *	rebuilds its ID page on RESET.
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
		}
	}
	checked_job_fini(&j);
	taihu_device_close(dev);
	if (write(out_fd, &r, sizeof(r)) != sizeof(r))
		_exit(1);
	_exit(0);
}

struct workers {
	int stop[2], out[2];
	pid_t pids[WORKERS];
	struct worker_report r[WORKERS];
};

static int workers_start(struct workers *w, const char *node)
{
	unsigned int i;

	if (pipe(w->stop) || pipe(w->out))
		return -errno;
	for (i = 0; i < WORKERS; i++) {
		w->pids[i] = fork();
		if (w->pids[i] < 0)
			return -errno;
		if (!w->pids[i]) {
			close(w->stop[1]);
			worker(node, i, w->stop[0], w->out[1]);
		}
	}
	return 0;
}

/* Stop the workers and collect their reports; the number collected. */
static int workers_stop(struct workers *w)
{
	int i, got = 0;

	close(w->stop[1]);
	for (i = 0; i < WORKERS; i++)
		if (read(w->out[0], &w->r[got], sizeof(w->r[got])) == sizeof(w->r[got]))
			got++;
	for (i = 0; i < WORKERS; i++)
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
 * Wait until a checked job succeeds with the right data on each of queues
 * 0..@queues-1; the milliseconds it took, or -1 when not within RECOVER_MS.
 */
static long recovered_ms(const char *node, uint32_t queues)
{
	int64_t t0 = tt_now_ns(), end = t0 + RECOVER_MS * 1000000LL;
	struct taihu_device *dev = NULL;
	struct checked_job j = { 0 };
	uint32_t q = 0;

	while (q < queues && tt_now_ns() < end) {
		if (!dev && (taihu_device_open(node, &dev) || checked_job_init(&j, dev))) {
			checked_job_fini(&j);
			memset(&j, 0, sizeof(j));
			taihu_device_close(dev);
			dev = NULL;
			tt_sleep_ms(100);
			continue;
		}
		if (!checked_job_run(&j, q, 0xc0de0000u | q))
			q++;
		else
			tt_sleep_ms(100);
	}
	checked_job_fini(&j);
	taihu_device_close(dev);
	return q == queues ? (long)((tt_now_ns() - t0) / 1000000) : -1;
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

	ok = !workers_start(&w, desc.node);
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

int main(int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[1], "scribble")) {
		printf("TAP version 13\n1..%d\n", 3 + 8 + 5);
		return do_scribble(argv[2], argv[3]);
	}
	fprintf(stderr, "usage: %s scribble PCI_SLOT CARD\n", argv[0]);
	return 2;
}
