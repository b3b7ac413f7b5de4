/* SPDX-License-Identifier: MIT */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Helpers shared by the Taihu benchmarks: TAP lines, the clock, opening
 * a device by index and finding the driver's debugfs files.
 */
#ifndef TAIHU_BENCH_UTIL_H
#define TAIHU_BENCH_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "taihu/taihu.h"

/* Print "ok N ..." or "not ok N ..."; bench_failures counts the latter. */
void bench_tap(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
extern int bench_failures;

int64_t bench_now_ns(void);	/* CLOCK_MONOTONIC */

/* Open Taihu device @index; *@desc is its description. 0 or an error. */
int bench_open_device(unsigned long index, struct taihu_device **dev,
		      const struct taihu_device_desc **desc);

/* Parse a device index (0..64); 0, or -1 after a message on stderr. */
int bench_parse_index(const char *arg, unsigned long *index);

/* /sys/kernel/debug/accel/<device>/@file of the device @desc. */
void bench_debugfs_path(const struct taihu_device_desc *desc, const char *file,
			char *buf, size_t len);

/*
 * Interrupts taken so far by the queue vectors ("taihu-qN") of the device
 * @desc, all CPUs together, from /proc/interrupts. 0 or a negative errno.
 */
int bench_queue_irqs(const struct taihu_device_desc *desc, uint64_t *count);

/*
 * The counters @keys[0..@n) of queue @queue, read at once from the debugfs
 * "queues" file of @desc ("queue N: key value key value ..."). 0, or a
 * negative errno (-ENOENT: a key is missing).
 */
int bench_queue_counters(const struct taihu_device_desc *desc, unsigned int queue,
			 const char *const *keys, uint64_t *vals, unsigned int n);

/* The driver's platform round trip, debugfs ping: "count N min_ns X ...". */
struct bench_ping {
	unsigned long long count, min, median, mean;
};

/* Run and read the debugfs ping of @desc; 0, or -errno after a "# " line. */
int bench_read_ping(const struct taihu_device_desc *desc, struct bench_ping *p);

#endif /* TAIHU_BENCH_UTIL_H */
