// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * taihu_bench_copy: copy bandwidth of a Taihu card, host memory -> VRAM,
 * VRAM -> host memory and VRAM -> VRAM, each as a ratio to the card
 * process's own memcpy() bandwidth measured in the same run (debugfs
 * /sys/kernel/debug/accel/<device>/card_memcpy_bench). Bandwidths are from the card's own clock (job start
 * to end, as the WAIT ioctl reports them); the wall time of submit + wait
 * is printed alongside. Every copy is verified once, so the lines are TAP:
 * "ok" means the copies were correct, never that they were fast enough.
 *
 * usage: taihu_bench_copy [--size SIZE] [--iterations N] [--device N]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"

#define MiB		(1024.0 * 1024.0)
#define JOB_TIMEOUT_NS	(120LL * 1000000000LL)
#define MEMCPY_RUNS	3

struct stats {
	double best;		/* MiB/s */
	double median;
	double wall_best;	/* MiB/s of submit + wait, seen by the CPU */
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void summarize(double *v, int n, struct stats *s)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	s->best = v[n - 1];
	s->median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double mibps(uint64_t bytes, uint64_t ns)
{
	return ns ? (double)bytes / MiB / ((double)ns / 1e9) : 0.0;
}

/* "64M", "4096", "1G": bytes, or 0 when malformed. */
static uint64_t parse_size(const char *s)
{
	unsigned long long v;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return 0;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return 0;
	switch (*end) {
	case 'K': case 'k': v <<= 10; end++; break;
	case 'M': case 'm': v <<= 20; end++; break;
	case 'G': case 'g': v <<= 30; end++; break;
	}
	return *end ? 0 : v;
}

/*
 * The card's memcpy bandwidth: each read of the debugfs file has the card
 * time one memcpy inside its own memory; best and median of @runs reads.
 */
static int card_memcpy(const struct taihu_device_desc *desc, int runs,
		       struct stats *s)
{
	unsigned long long size, ns;
	char path[128];
	double v[16];
	FILE *f;
	int i, n;

	bench_debugfs_path(desc, "card_memcpy_bench", path, sizeof(path));
	for (i = 0; i < runs && i < 16; i++) {
		f = fopen(path, "re");
		if (!f) {
			printf("# cannot open %s: %s\n", path, strerror(errno));
			return -errno;
		}
		n = fscanf(f, "size %llu ns %llu", &size, &ns);
		fclose(f);
		if (n != 2 || !size || !ns) {
			printf("# %s: expected 'size <bytes> ns <ns>'\n", path);
			return -EPROTO;
		}
		v[i] = mibps(size, ns);
		if (i == 0)
			printf("# card memcpy: %llu bytes in %llu ns\n", size, ns);
	}
	summarize(v, i, s);
	s->wall_best = 0;
	return 0;
}

struct direction {
	const char *name;
	uint32_t from, to;
};

/* Time @iters copies of @size bytes from a @d->from BO to a @d->to BO. */
static int bench_direction(struct taihu_device *dev, const struct direction *d,
			   uint64_t size, int iters, const uint8_t *pattern,
			   struct stats *st)
{
	struct taihu_job_result res = { .size = sizeof(res) };
	struct taihu_bo *src = NULL, *dst = NULL;
	struct stats wall;
	double *dev_bw = NULL, *wall_bw = NULL;
	uint8_t *p;
	int64_t t;
	int i, ret;

	ret = taihu_bo_create(dev, size, d->from, &src);
	if (!ret)
		ret = taihu_bo_create(dev, size, d->to, &dst);
	if (!ret)
		ret = taihu_bo_write(src, 0, pattern, size);
	if (ret) {
		printf("# %s: cannot set up %s and %s buffers of %" PRIu64
		       " bytes: %s\n", d->name, taihu_placement_name(d->from),
		       taihu_placement_name(d->to), size, taihu_strerror(ret));
		goto out;
	}
	dev_bw = calloc((size_t)iters, sizeof(*dev_bw));
	wall_bw = calloc((size_t)iters, sizeof(*wall_bw));
	if (!dev_bw || !wall_bw) {
		ret = -ENOMEM;
		goto out;
	}
	/* One untimed copy: first use pins host pages and maps them. */
	ret = taihu_copy(dst, 0, src, 0, size, JOB_TIMEOUT_NS, &res);
	for (i = 0; i < iters && !ret; i++) {
		t = bench_now_ns();
		ret = taihu_copy(dst, 0, src, 0, size, JOB_TIMEOUT_NS, &res);
		t = bench_now_ns() - t;
		dev_bw[i] = mibps(size, res.end_ns - res.start_ns);
		wall_bw[i] = mibps(size, (uint64_t)t);
	}
	if (ret) {
		printf("# %s: copy failed: %s (status %s at 0x%" PRIx64 ")\n",
		       d->name, taihu_strerror(ret),
		       taihu_job_status_name(res.status), res.error_addr);
		goto out;
	}
	summarize(dev_bw, iters, st);
	summarize(wall_bw, iters, &wall);
	st->wall_best = wall.best;
	/* Correct data, or the figures mean nothing. */
	ret = taihu_bo_map(dst, (void **)&p);
	if (!ret && memcmp(p, pattern, size)) {
		printf("# %s: the destination differs from the source\n", d->name);
		ret = -EIO;
	}
out:
	free(dev_bw);
	free(wall_bw);
	taihu_bo_free(src);
	taihu_bo_free(dst);
	return ret;
}

/* Every 8-byte word different: a misplaced block does not go unseen. */
static void fill_pattern(uint8_t *p, uint64_t size)
{
	uint64_t i, w;

	for (i = 0; i < size; i += 8) {
		w = (i / 8 + 1) * 0x9e3779b97f4a7c15ULL;
		w ^= w >> 29;
		memcpy(p + i, &w, size - i < 8 ? size - i : 8);
	}
}

static void usage(FILE *f)
{
	fputs("usage: taihu_bench_copy [--size SIZE] [--iterations N] [--device N]\n"
	      "  -s, --size SIZE       bytes per copy, K/M/G suffixes (default 64M)\n"
	      "  -i, --iterations N    timed copies per direction (default 5)\n"
	      "  -d, --device N        device index (default 0)\n", f);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "size", required_argument, NULL, 's' },
		{ "iterations", required_argument, NULL, 'i' },
		{ "device", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct direction dirs[] = {
		{ "host->VRAM", DRM_TAIHU_PLACEMENT_HOST, DRM_TAIHU_PLACEMENT_VRAM },
		{ "VRAM->host", DRM_TAIHU_PLACEMENT_VRAM, DRM_TAIHU_PLACEMENT_HOST },
		{ "VRAM->VRAM", DRM_TAIHU_PLACEMENT_VRAM, DRM_TAIHU_PLACEMENT_VRAM },
	};
	const int ndirs = (int)(sizeof(dirs) / sizeof(dirs[0]));
	struct stats ref = { 0 }, st[3];
	const struct taihu_device_desc *desc;
	struct taihu_device *dev = NULL;
	uint64_t size = 64ULL << 20;
	unsigned long iters = 5, index = 0;
	uint8_t *pattern = NULL;
	int opt, i, ret, have_ref;
	char *end;

	while ((opt = getopt_long(argc, argv, "s:i:d:h", opts, NULL)) != -1) {
		switch (opt) {
		case 's':
			size = parse_size(optarg);
			if (!size) {
				fprintf(stderr, "bad size '%s'\n", optarg);
				return 2;
			}
			break;
		case 'i':
			iters = strtoul(optarg, &end, 10);
			if (*end || !iters || iters > 1000) {
				fprintf(stderr, "bad iteration count '%s'\n", optarg);
				return 2;
			}
			break;
		case 'd':
			if (bench_parse_index(optarg, &index))
				return 2;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}

	printf("TAP version 13\n1..%d\n", 1 + ndirs);
	ret = bench_open_device(index, &dev, &desc);
	if (ret) {
		printf("Bail out! no usable Taihu device %lu: %s\n", index,
		       taihu_strerror(ret));
		return 1;
	}
	printf("# device %lu: %s (%s), %" PRIu64 " bytes per copy, %lu timed copies"
	       " per direction\n", index, taihu_device_desc_node(desc), taihu_device_desc_pci_slot(desc), size, iters);

	pattern = malloc(size);
	if (!pattern) {
		printf("Bail out! out of memory\n");
		return 1;
	}
	fill_pattern(pattern, size);

	ret = card_memcpy(desc, MEMCPY_RUNS, &ref);
	have_ref = !ret;
	bench_tap(have_ref, "card memcpy reference: best %.1f MiB/s, median %.1f MiB/s",
	    ref.best, ref.median);

	for (i = 0; i < ndirs; i++) {
		memset(&st[i], 0, sizeof(st[i]));
		ret = bench_direction(dev, &dirs[i], size, (int)iters, pattern,
				      &st[i]);
		if (ret) {
			bench_tap(0, "%s", dirs[i].name);
			continue;
		}
		bench_tap(1, "%s: best %.1f MiB/s, median %.1f MiB/s, %.2f of card memcpy"
		    " (median %.2f), wall best %.1f MiB/s", dirs[i].name,
		    st[i].best, st[i].median,
		    have_ref ? st[i].best / ref.best : 0.0,
		    have_ref ? st[i].median / ref.median : 0.0, st[i].wall_best);
	}

	printf("#\n# %-12s %12s %12s %10s %12s\n", "copy", "best MiB/s",
	       "median MiB/s", "x memcpy", "wall MiB/s");
	printf("# %-12s %12.1f %12.1f %10s %12s\n", "card memcpy", ref.best,
	       ref.median, "1.00", "-");
	for (i = 0; i < ndirs; i++)
		printf("# %-12s %12.1f %12.1f %10.2f %12.1f\n", dirs[i].name,
		       st[i].best, st[i].median,
		       have_ref && ref.best > 0 ? st[i].best / ref.best : 0.0,
		       st[i].wall_best);

	free(pattern);
	taihu_device_close(dev);
	return bench_failures ? 1 : 0;
}
