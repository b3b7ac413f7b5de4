// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Helpers shared by the Taihu benchmarks.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"

int bench_failures;
static int bench_tests;

void bench_tap(int ok, const char *fmt, ...)
{
	va_list ap;

	bench_tests++;
	bench_failures += !ok;
	printf("%sok %d ", ok ? "" : "not ", bench_tests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

int64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int bench_open_device(unsigned long index, struct taihu_device **dev,
		      const struct taihu_device_desc **desc)
{
	int ret;

	ret = taihu_device_open_index((unsigned int)index, dev);
	if (ret)
		return ret;
	*desc = taihu_device_get_desc(*dev);
	return 0;
}

int bench_parse_index(const char *arg, unsigned long *index)
{
	char *end;

	*index = strtoul(arg, &end, 10);
	if (!*arg || *end || *index > 64) {
		fprintf(stderr, "bad device index '%s'\n", arg);
		return -1;
	}
	return 0;
}

void bench_debugfs_path(const struct taihu_device_desc *desc, const char *file,
			char *buf, size_t len)
{
	/*
	 * Linux 6.12 names an accel device's debugfs directory after the
	 * device's unique name (the PCI address); try the minor as well.
	 */
	snprintf(buf, len, "/sys/kernel/debug/accel/%s/%s", taihu_device_desc_pci_slot(desc), file);
	if (access(buf, R_OK))
		snprintf(buf, len, "/sys/kernel/debug/accel/%u/%s", taihu_device_desc_minor(desc), file);
}

/* Is @irq one of the MSI-X interrupts of PCI device @slot? */
static int bench_is_device_irq(const char *slot, unsigned long irq)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/msi_irqs/%lu", slot, irq);
	return access(path, F_OK) == 0;
}

int bench_queue_irqs(const struct taihu_device_desc *desc, uint64_t *count)
{
	const char *slot = taihu_device_desc_pci_slot(desc);
	char *line = NULL, *p, *end;
	size_t cap = 0;
	unsigned long irq;
	uint64_t sum = 0;
	int found = 0;
	FILE *f;

	f = fopen("/proc/interrupts", "re");
	if (!f)
		return -errno;
	while (getline(&line, &cap, f) > 0) {
		irq = strtoul(line, &end, 10);
		if (end == line || *end != ':' || !strstr(end, "taihu-q") ||
		    !bench_is_device_irq(slot, irq))
			continue;
		/* One count per CPU, then the chip and the name. */
		for (p = end + 1;;) {
			unsigned long long n = strtoull(p, &end, 10);

			if (end == p)
				break;
			sum += n;
			p = end;
		}
		found = 1;
	}
	free(line);
	fclose(f);
	if (!found)
		return -ENOENT;
	*count = sum;
	return 0;
}

int bench_queue_counters(const struct taihu_device_desc *desc, unsigned int queue,
			 const char *const *keys, uint64_t *vals, unsigned int n)
{
	char path[128], *line = NULL, *tok, *save;
	unsigned int q, i, found = 0;
	size_t cap = 0;
	FILE *f;

	bench_debugfs_path(desc, "queues", path, sizeof(path));
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (getline(&line, &cap, f) > 0) {
		if (sscanf(line, "queue %u:", &q) != 1 || q != queue)
			continue;
		/* "key value" pairs after the colon. */
		for (tok = strtok_r(strchr(line, ':') + 1, " \n", &save); tok;
		     tok = strtok_r(NULL, " \n", &save)) {
			char *v = strtok_r(NULL, " \n", &save);

			for (i = 0; v && i < n; i++) {
				if (!strcmp(tok, keys[i])) {
					vals[i] = strtoull(v, NULL, 0);
					found++;
				}
			}
		}
		break;
	}
	free(line);
	fclose(f);
	return found == n ? 0 : -ENOENT;
}

int bench_read_ping(const struct taihu_device_desc *desc, struct bench_ping *p)
{
	char path[128];
	FILE *f;
	int n;

	bench_debugfs_path(desc, "ping", path, sizeof(path));
	f = fopen(path, "re");
	if (!f) {
		n = errno;
		printf("# cannot open %s: %s\n", path, strerror(n));
		return -n;
	}
	n = fscanf(f, "count %llu min_ns %llu median_ns %llu mean_ns %llu",
		   &p->count, &p->min, &p->median, &p->mean);
	fclose(f);
	if (n != 4 || !p->count || !p->min) {
		printf("# %s: expected 'count N min_ns X median_ns Y mean_ns Z'\n",
		       path);
		return -EPROTO;
	}
	return 0;
}
