// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * A card dies under jobs (the card-death guest job, tests/vm/guest/jobs/):
 *   taihu_card_death kill PCI_SLOT N      the host kills card process N
 *   taihu_card_death bus-drop PCI_SLOT    the card process exits by itself
 *                                         (fault_inject/bus_drop)
 * Several processes each have a job running (hung on purpose, so that it is
 * mid-job for sure) and one queued behind it, and wait for both. Then the
 * card dies: for "kill" this program prints "@@taihu kill-card N" to the
 * results channel, and tests/vm/run-vm --kill-card-on-request kills card
 * process N with SIGKILL. Every waiter must get -ENODEV within the
 * heartbeat timeout and a second of the request, later ioctls must fail
 * with -ENODEV, and the device must say "dead heartbeat". Prints TAP and
 * the figures.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "taihu_test_util.h"

#define WAITERS		4	/* one per queue of t1.bin */

int main(int argc, char **argv)
{
	struct taihu_device_info dinfo = { .size = sizeof(dinfo) };
	int out[2], ok, ret, all_enodev, got;
	char pci_dir[300], fault_dir[300], state[64];
	struct taihu_device *dev;
	int64_t t0, last = 0;
	struct tt_device desc;
	long timeout_ms;
	pid_t pids[WAITERS];

	if (argc < 3 || (strcmp(argv[1], "kill") && strcmp(argv[1], "bus-drop")) ||
	    (!strcmp(argv[1], "kill") && argc < 4)) {
		fprintf(stderr, "usage: %s kill PCI_SLOT CARD | bus-drop PCI_SLOT\n", argv[0]);
		return 2;
	}
	printf("TAP version 13\n1..6\n");
	ok = !tt_wait_device(argv[2], TT_DEVICE_WAIT_MS, &desc) &&
	     !taihu_device_open(desc.node, &dev);
	tt_tap(ok, "card %s is there", argv[2]);
	if (!ok)
		return 1;
	snprintf(pci_dir, sizeof(pci_dir), "/sys/bus/pci/devices/%s", desc.pci_slot);
	snprintf(fault_dir, sizeof(fault_dir), "/sys/kernel/debug/accel/%s/fault_inject",
		 desc.pci_slot);
	if (tt_attr_line(pci_dir, "heartbeat_timeout_ms", state, sizeof(state))) {
		tt_tap(0, "read %s/heartbeat_timeout_ms", pci_dir);
		return 1;
	}
	timeout_ms = strtol(state, NULL, 0);

	if (pipe(out))
		return 1;
	ret = tt_start_hung_waiters(desc.pci_slot, desc.node, WAITERS, tt_nop_waiter, out[1],
				    pids);
	ok = !ret;
	tt_tap(ok, "%d processes have a job running and one queued", WAITERS);

	t0 = tt_now_ns();
	if (!strcmp(argv[1], "kill")) {
		/* tests/vm/run-vm --kill-card-on-request acts on this line. */
		printf("@@taihu kill-card %s\n", argv[3]);
		fflush(stdout);
	} else if (tt_attr_write(fault_dir, "bus_drop", "1")) {
		tt_tap(0, "fault_inject/bus_drop written");
	}
	close(out[1]);
	got = tt_collect_waiters(out[0], pids, WAITERS, -ENODEV, &all_enodev, &last);
	tt_tap(got == WAITERS && all_enodev, "all %d waiters got -ENODEV (%d reported)",
	    2 * WAITERS, got);
	printf("# %s: every waiter back %lld ms after the card was told to die (heartbeat timeout %ld ms)\n",
	       argv[1], (long long)(last - t0) / 1000000, timeout_ms);
	tt_tap(got && last - t0 < (timeout_ms + 1000) * 1000000LL,
	    "waiters back within the heartbeat timeout + 1 s");

	ok = taihu_device_info(dev, &dinfo) == -ENODEV;
	tt_tap(ok, "ioctls on the dead card fail with -ENODEV");
	ok = !tt_attr_line(pci_dir, "health", state, sizeof(state)) &&
	     !strcmp(state, "dead heartbeat");
	tt_tap(ok, "sysfs health says 'dead heartbeat' (%s)", state);
	taihu_device_close(dev);
	return 0;
}
