// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * A card hot-unplugged under its users, and plugged in again (the unplug
 * guest job, tests/vm/guest/jobs/; tests/vm/run-vm --hotplug does the
 * QEMU side):
 *   taihu_unplug unplug PCI_SLOT CARD [kill]
 *	Several processes each have a job running (its queue hung on purpose)
 *	and one queued, and a VRAM and a host buffer mmapped; then the host
 *	takes the card away with QMP device_del ("@@taihu unplug-card N"),
 *	with "kill" after killing the card process first ("@@taihu kill-card
 *	N": the card is dead before it goes). Every waiter must get -ENODEV,
 *	every later ioctl too, the mappings must still read and write without
 *	a signal (the VRAM one shows a dummy page, the host one keeps its
 *	pages and contents), the device node must be gone.
 *   taihu_unplug plug PCI_SLOT CARD
 *	The host starts a new card process and device_adds it ("@@taihu
 *	plug-card N"); the driver must bind it and run jobs on every queue and
 *	a checked FILL.
 * Prints TAP.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "taihu_test_util.h"

#define WAITERS		3
#define WAIT_S		60	/* device_del takes pciehp's 5 s and more */
#define BO_SIZE		(64 * 1024)
#define REQUEST_MS	90000

static sigjmp_buf touch_env;
static volatile sig_atomic_t touch_signal;

static void touch_handler(int sig)
{
	touch_signal = sig;
	siglongjmp(touch_env, 1);
}

/*
 * Read and write every page of @p; the signal that stopped it, or 0. With
 * @expect, first check that every byte still is @expect (-1 when not).
 */
static int touch(volatile uint8_t *p, size_t size, int expect, int *intact)
{
	struct sigaction sa = { .sa_handler = touch_handler }, old_bus, old_segv;
	size_t i;

	touch_signal = 0;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &old_bus);
	sigaction(SIGSEGV, &sa, &old_segv);
	if (!sigsetjmp(touch_env, 1)) {
		if (intact) {
			*intact = 1;
			for (i = 0; i < size; i++)
				if (p[i] != (uint8_t)expect)
					*intact = 0;
		}
		for (i = 0; i < size; i += 4096) {
			uint8_t v = p[i];

			p[i] = v + 1;
		}
	}
	sigaction(SIGBUS, &old_bus, NULL);
	sigaction(SIGSEGV, &old_segv, NULL);
	return touch_signal;
}

/* What one waiter reports back through its pipe. */
struct waiter_report {
	int wait_ret[2];	/* of the two waits */
	int vram_sig;		/* signal touching the VRAM mapping, or 0 */
	int host_sig;		/* the same for the host mapping */
	int host_intact;	/* the host buffer kept what was written */
	int info_ret;		/* QUERY afterwards */
	int create_ret;		/* BO_CREATE afterwards */
	int submit_ret;		/* SUBMIT (of an existing buffer) afterwards */
};

/*
 * One waiter process: open the card, map a VRAM and a host buffer, submit
 * a hung job and one behind it on @queue, say so on @ready, wait for both,
 * then use the mappings and the file; report on @out.
 */
static void waiter(const char *node, uint32_t queue, int ready, int out)
{
	struct taihu_job_result res = { .size = sizeof(res) };
	struct taihu_device_info info = { .size = sizeof(info) };
	struct waiter_report r = { .wait_ret = { 1, 1 } };
	struct taihu_bo *vram = NULL, *host = NULL, *nbo = NULL;
	struct taihu_job job = { .size = sizeof(job), .queue = queue };
	void *vp = NULL, *hp = NULL;
	struct taihu_device *dev;
	uint64_t seqno[2];
	int i, ok = 0;

	if (!taihu_device_open(node, &dev) &&
	    !taihu_bo_create(dev, BO_SIZE, DRM_TAIHU_PLACEMENT_VRAM, &vram) &&
	    !taihu_bo_create(dev, BO_SIZE, DRM_TAIHU_PLACEMENT_HOST, &host) &&
	    !taihu_bo_map(vram, &vp) && !taihu_bo_map(host, &hp)) {
		memset(vp, 0xa5, BO_SIZE);
		memset(hp, 0x5a, BO_SIZE);
		ok = !tt_submit_nop(dev, queue, &seqno[0]) &&
		     !tt_submit_nop(dev, queue, &seqno[1]);
	}
	if (write(ready, &ok, sizeof(ok)) != sizeof(ok) || !ok)
		_exit(1);
	for (i = 0; i < 2; i++)
		r.wait_ret[i] = taihu_wait(dev, seqno[i],
					   tt_now_ns() + WAIT_S * 1000000000LL, &res);
	/* The card is gone (or dead): the mappings must still be usable. */
	r.vram_sig = touch(vp, BO_SIZE, 0, NULL);
	r.host_sig = touch(hp, BO_SIZE, 0x5a, &r.host_intact);
	r.info_ret = taihu_device_info(dev, &info);
	r.create_ret = taihu_bo_create(dev, 4096, DRM_TAIHU_PLACEMENT_VRAM, &nbo);
	/* a job reading its commands from the host buffer: no new BO needed */
	memset(hp, 0, 8);
	job.cmd_bo = host;
	job.cmd_len = 8;
	r.submit_ret = taihu_submit(dev, &job, &seqno[0]);
	taihu_bo_free(nbo);
	taihu_bo_free(vram);
	taihu_bo_free(host);
	taihu_device_close(dev);
	if (write(out, &r, sizeof(r)) != sizeof(r))
		_exit(1);
	_exit(0);
}

static int wait_dead(const char *pci_dir, unsigned int timeout_ms)
{
	char state[64];
	int64_t end = tt_now_ns() + (int64_t)timeout_ms * 1000000;

	while (tt_now_ns() < end) {
		if (!tt_attr_line(pci_dir, "health", state, sizeof(state)) &&
		    !strncmp(state, "dead", 4))
			return 0;
		tt_sleep_ms(50);
	}
	return -ETIMEDOUT;
}

static int do_unplug(const char *slot, const char *card, int kill_first)
{
	struct waiter_report r[WAITERS];
	int out[2], i, ok, ret, got = 0;
	int all_enodev = 1, maps_ok = 1, host_ok = 1, later_enodev = 1;
	char pci_dir[300];
	struct taihu_device *dev;
	struct tt_device desc;
	pid_t pids[WAITERS];
	struct stat st;

	ok = !tt_wait_device(slot, TT_DEVICE_WAIT_MS, &desc) &&
	     !taihu_device_open(desc.node, &dev);
	tt_tap(ok, "card %s is there", slot);
	if (!ok)
		return 1;
	snprintf(pci_dir, sizeof(pci_dir), "/sys/bus/pci/devices/%s", desc.pci_slot);
	if (pipe(out))
		return 1;
	ok = !tt_start_hung_waiters(desc.pci_slot, desc.node, WAITERS, waiter, out[1], pids);
	tt_tap(ok, "%d processes have a job running, one queued and two buffers mmapped",
	       WAITERS);

	if (kill_first) {
		ret = tt_host_request(REQUEST_MS, "kill-card %s", card);
		tt_tap(!ret && !wait_dead(pci_dir, 10000),
		       "card process killed, the driver declares the card dead");
	}
	ret = tt_host_request(REQUEST_MS, "unplug-card %s", card);
	tt_tap(!ret, "the host unplugged card %s (QMP device_del)", card);

	for (i = 0; i < WAITERS; i++) {
		if (read(out[0], &r[got], sizeof(r[got])) != sizeof(r[got]))
			continue;
		if (r[got].wait_ret[0] != -ENODEV || r[got].wait_ret[1] != -ENODEV)
			all_enodev = 0;
		if (r[got].vram_sig || r[got].host_sig)
			maps_ok = 0;
		if (!r[got].host_intact)
			host_ok = 0;
		if (r[got].info_ret != -ENODEV || r[got].create_ret != -ENODEV ||
		    r[got].submit_ret != -ENODEV)
			later_enodev = 0;
		printf("# waiter %d: waits %d %d, signals vram %d host %d, info %d create %d submit %d\n",
		       got, r[got].wait_ret[0], r[got].wait_ret[1], r[got].vram_sig,
		       r[got].host_sig, r[got].info_ret, r[got].create_ret, r[got].submit_ret);
		got++;
	}
	for (i = 0; i < WAITERS; i++)
		waitpid(pids[i], NULL, 0);
	tt_tap(got == WAITERS && all_enodev, "all %d waits returned -ENODEV (%d reported)",
	       2 * WAITERS, got);
	tt_tap(got == WAITERS && maps_ok,
	       "the VRAM and host mappings still read and write, no SIGBUS/SIGSEGV");
	tt_tap(got == WAITERS && host_ok, "the host buffers kept their contents");
	tt_tap(got == WAITERS && later_enodev, "QUERY, BO_CREATE and SUBMIT fail with -ENODEV");
	ok = taihu_device_info(dev, &(struct taihu_device_info){ .size =
			       sizeof(struct taihu_device_info) }) == -ENODEV;
	tt_tap(ok, "an ioctl on a file opened before fails with -ENODEV");
	taihu_device_close(dev);
	tt_tap(stat(pci_dir, &st) && stat(desc.node, &st), "%s and %s are gone", pci_dir,
	       desc.node);
	return 0;
}

static int do_plug(const char *slot, const char *card)
{
	struct taihu_device_info info = { .size = sizeof(info) };
	struct taihu_job_result res = { .size = sizeof(res) };
	struct taihu_device *dev;
	struct tt_device desc;
	struct taihu_bo *bo;
	uint32_t q, word;
	int ok, ret;

	ret = tt_host_request(REQUEST_MS, "plug-card %s", card);
	tt_tap(!ret, "the host started card process %s again and plugged it (QMP device_add)",
	       card);
	ok = !tt_wait_device(slot, 60000, &desc) && !taihu_device_open(desc.node, &dev);
	tt_tap(ok, "the driver bound the card at %s again (%s)", slot, ok ? desc.node : "-");
	if (!ok)
		return 1;
	ok = !taihu_device_info(dev, &info) && info.num_queues > 0;
	for (q = 0; ok && q < info.num_queues; q++)
		ok = !tt_run_nop(dev, q, &res);
	tt_tap(ok, "a job on each of its %u queues succeeds", info.num_queues);
	ok = !taihu_bo_create(dev, BO_SIZE, DRM_TAIHU_PLACEMENT_VRAM, &bo) &&
	     !taihu_fill(bo, 0, BO_SIZE, 0x600dcafe, 0, &res) &&
	     !taihu_bo_read(bo, BO_SIZE - 4, &word, 4) && word == 0x600dcafe;
	tt_tap(ok, "a FILL of VRAM is right");
	taihu_bo_free(bo);
	taihu_device_close(dev);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[1], "unplug")) {
		printf("TAP version 13\n1..%d\n", argc > 4 ? 10 : 9);
		return do_unplug(argv[2], argv[3], argc > 4 && !strcmp(argv[4], "kill"));
	}
	if (argc >= 4 && !strcmp(argv[1], "plug")) {
		printf("TAP version 13\n1..4\n");
		return do_plug(argv[2], argv[3]);
	}
	fprintf(stderr, "usage: %s unplug PCI_SLOT CARD [kill] | plug PCI_SLOT CARD\n", argv[0]);
	return 2;
}
