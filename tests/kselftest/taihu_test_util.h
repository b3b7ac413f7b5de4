/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Helpers shared by the Taihu kselftests: finding the device, running
 * small jobs, reading the kernel log, sysfs binding and file I/O.
 */
#ifndef TAIHU_TEST_UTIL_H
#define TAIHU_TEST_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "taihu/taihu.h"

/* Generous: the guest runs under TCG. */
#define TT_JOB_TIMEOUT_NS	(30LL * 1000000000LL)
#define TT_DEVICE_WAIT_MS	30000	/* after a (re)load or bind */
#define TT_DEVICE_PRESENT_MS	5000	/* at the start of a test */

#define TT_PCI_DRIVER_DIR	"/sys/bus/pci/drivers/taihu"

/* drmIoctl() returning 0 or -errno. */
int tt_ioctl(int fd, unsigned long request, void *arg);

/*
 * A copy of what enumeration says about a device (the library's
 * &struct tt_device lives only as long as its list), for tests
 * that keep it across unbinds and reloads.
 */
struct tt_device {
	unsigned int index;
	unsigned int minor;
	char node[64];
	char pci_slot[32];
	char syspath[256];
	char serial[32];
};

void tt_device_copy(const struct taihu_device_desc *from, struct tt_device *to);
/* As many cards as the accel class has minors (the card-death boot has 22). */
#define TT_MAX_DEVICES	64

/* Copy up to @max enumerated devices to @out; the count found or -errno. */
int tt_enumerate(struct tt_device *out, unsigned int max);

/* Open the first Taihu device; fills @desc (may be NULL). 0 or -errno. */
int tt_open_first(struct taihu_device **dev, struct tt_device *desc);

/*
 * Wait up to @timeout_ms for a Taihu device on PCI @slot (any slot when
 * NULL or empty) to be enumerated with its node present; fills @desc.
 */
int tt_wait_device(const char *slot, unsigned int timeout_ms,
		   struct tt_device *desc);

/* Set the size member of @n results. */
void tt_results_init(struct taihu_job_result *res, unsigned int n);

/* Wait up to TT_JOB_TIMEOUT_NS; 0 when the job ended with SUCCESS. */
int tt_wait_ok(struct taihu_device *dev, uint64_t seqno,
	       struct taihu_job_result *res);

/* Run one NOP job on @queue; 0 when it ended with SUCCESS, else < 0. */
int tt_run_nop(struct taihu_device *dev, uint32_t queue,
	       struct taihu_job_result *res);

/* 1 if the PCI device @slot is bound to the taihu driver. */
int tt_pci_bound(const char *slot);
/* Write @slot to .../drivers/taihu/{bind,unbind}; 0 or -errno of write. */
int tt_pci_bind(const char *slot);
int tt_pci_unbind(const char *slot);
/* Offer every unbound ivshmem (1af4:1110) PCI device to the taihu driver. */
void tt_bind_unbound_candidates(void);

/*
 * Whole-file helpers; 0 or -errno. tt_read_file() leaves a '\0' after the
 * @len bytes, so text can be parsed in place; tt_write_file() replaces
 * atomically.
 */
int tt_read_file(const char *path, uint8_t **data, size_t *len);
int tt_write_file(const char *path, const void *data, size_t len);

/*
 * sysfs and debugfs attributes @dir/@name: the number it holds (-1 when
 * unreadable); its first line into @buf (0 or -1); a write in place
 * (0 or -errno of the write: sysfs reports refusals there).
 */
long long tt_attr_ll(const char *dir, const char *name);
int tt_attr_line(const char *dir, const char *name, char *buf, size_t size);
int tt_attr_write(const char *dir, const char *name, const char *value);

/* Submit an 8-byte NOP stream on @queue without waiting; 0 or < 0. */
int tt_submit_nop(struct taihu_device *dev, uint32_t queue, uint64_t *seqno);

/*
 * Kernel log: tt_klog_mark() remembers the current end of the log;
 * tt_klog_since_contains() reports whether a record added since then
 * contains @needle (1), not (0), or an error (< 0).
 */
struct tt_klog {
	int kmsg_fd;		/* /dev/kmsg positioned at the mark, or -1 */
	char *snapshot;		/* klogctl fallback: the log at the mark */
};

int tt_klog_mark(struct tt_klog *k);
int tt_klog_since_contains(struct tt_klog *k, const char *needle);
void tt_klog_close(struct tt_klog *k);

/*
 * TAP for the guest jobs' helper programs (not kselftest harness tests):
 * "ok N - ..." / "not ok N - ...", numbered from 1, flushed.
 */
void tt_tap(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Ask the host (tests/vm/run-vm) for something: prints "@@taihu REQUEST"
 * on stdout, which the guest jobs copy to the results channel, and waits
 * up to @timeout_ms for run-vm's answer on /dev/ttyS2. 0 when done,
 * -EIO when run-vm refused it (its reason printed), -ETIMEDOUT, or -errno.
 */
int tt_host_request(unsigned int timeout_ms, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Hang queues 0..@n-1 of the device at PCI @slot (debugfs
 * fault_inject/queue_hang) and fork one process per queue running
 * @child(@node, queue, ready_fd, @out_fd), which writes an int to ready_fd
 * (1 when its jobs are in) and never returns; their pids in @pids.
 * 0 once all said 1, -errno of a failed step, or -EIO.
 */
typedef void (*tt_waiter_fn)(const char *node, uint32_t queue, int ready_fd, int out_fd);
int tt_start_hung_waiters(const char *slot, const char *node, unsigned int n,
			  tt_waiter_fn child, int out_fd, pid_t *pids);

/* What tt_nop_waiter() writes to its out_fd. */
struct tt_waiter_report {
	int ret[2];		/* of the two waits */
	int64_t back_ns[2];	/* CLOCK_MONOTONIC when each returned */
};

/*
 * A tt_waiter_fn: open the card, submit a job (hung, when started by
 * tt_start_hung_waiters()) and one behind it on @queue, wait up to 30 s
 * for each and report how the waits ended.
 */
void tt_nop_waiter(const char *node, uint32_t queue, int ready_fd, int out_fd);

/*
 * Read the reports of @n tt_nop_waiter()s from @fd and reap @pids. The
 * number of reports read; *@all_want whether every wait returned @want,
 * *@last_ns the latest return.
 */
int tt_collect_waiters(int fd, const pid_t *pids, unsigned int n, int want,
		       int *all_want, int64_t *last_ns);

/*
 * Run "taihu ARGS" (/usr/bin/taihu, or $TAIHU_CLI) through the shell; its
 * stdout (malloc'd, NULL if it could not run), *@status its exit code.
 */
char *tt_run_cli(const char *args, int *status);

int64_t tt_now_ns(void);	/* CLOCK_MONOTONIC */
void tt_sleep_ms(unsigned int ms);

/* splitmix64's finaliser: a bijection, so distinct in gives distinct out. */
uint64_t tt_mix64(uint64_t w);

#endif /* TAIHU_TEST_UTIL_H */
