// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Recovery benchmark: for each fault class, the time from the fault
 * (its debugfs fault_inject write, or the reset request) to a recovered
 * card (the job the fault hit has ended and a null job on the same queue
 * succeeds again), as a ratio to the null-job round trip measured in the
 * same run (and the driver's raw platform round trip, debugfs ping):
 * - queue-hang: the next job of queue 1 hangs; the job timeout resets the
 *   queue;
 * - corrupt-completion: the next completion record of queue 2 names the
 *   wrong job; only that job fails;
 * - fw-crash, heartbeat-stop: the heartbeat watchdog resets the card
 *   (card_resets counts it) and the jobs run again;
 * - taihu-reset: a deliberate reset (taihu_card_reset(), as taihu reset);
 * - fw-hang: the firmware stops answering for good; the heartbeat
 *   watchdog resets the card by its reset line, which no firmware stops;
 * - fail-boot: the next boot fails, then the firmware crashes: the
 *   watchdog's reset boots twice.
 * The crash dumps the faults leave are freed after each run. Figures only:
 * a TAP line fails only when the card did not recover.
 *
 * usage: taihu_bench_recovery [--quick] [--device N]  (root: debugfs, sysfs)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_util.h"

#define RUNS_FULL	5
#define RTT_RUNS	200
#define WAIT_NS		(30LL * 1000000000LL)

struct bench {
	unsigned long index;
	struct taihu_device *dev;
	const struct taihu_device_desc *desc;
	struct taihu_telemetry_session *nl;
	struct taihu_bo *cmd;
	char slot[64];
	char pci_dir[128];
	char fault_dir[192];
};

static int write_str(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;
	size_t len = strlen(value);

	if (fd < 0)
		return -errno;
	if (write(fd, value, len) != (ssize_t)len)
		ret = -errno;
	close(fd);
	return ret;
}

static int inject(struct bench *b, const char *fault, const char *arg)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", b->fault_dir, fault);
	return write_str(path, arg);
}

static long long read_ll(const struct bench *b, const char *attr)
{
	char path[192], buf[64] = "";
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", b->pci_dir, attr);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? strtoll(buf, NULL, 10) : -1;
}

static int health_dead(const struct bench *b)
{
	char path[192], buf[32] = "";
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/health", b->pci_dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 && !strncmp(buf, "dead", 4);
}

/* Free the card's crash dump, if it left one: the next fault then leaves its own. */
static void free_dump(const struct bench *b)
{
	char path[192];

	snprintf(path, sizeof(path), "%s/devcoredump/data", b->pci_dir);
	if (!access(path, F_OK))
		write_str(path, "1");
}

static void close_card(struct bench *b)
{
	taihu_bo_free(b->cmd);
	b->cmd = NULL;
	taihu_device_close(b->dev);
	b->dev = NULL;
}

/* Open device b->index, upload the null job. */
static int open_card(struct bench *b)
{
	struct taihu_cmdbuf *cb;
	int ret = bench_open_device(b->index, &b->dev, &b->desc);

	if (ret)
		return ret;
	snprintf(b->slot, sizeof(b->slot), "%s", taihu_device_desc_pci_slot(b->desc));
	snprintf(b->pci_dir, sizeof(b->pci_dir), "/sys/bus/pci/devices/%s", b->slot);
	bench_debugfs_path(b->desc, "fault_inject", b->fault_dir, sizeof(b->fault_dir));
	ret = taihu_cmdbuf_new(&cb);
	if (!ret) {
		ret = taihu_cmdbuf_nop(cb, 8);
		if (ret >= 0)
			ret = taihu_cmdbuf_upload(cb, b->dev, &b->cmd);
		taihu_cmdbuf_free(cb);
	}
	if (ret < 0)
		close_card(b);
	return ret < 0 ? ret : 0;
}

static int submit_nop(struct bench *b, uint32_t queue, uint64_t *seqno)
{
	struct taihu_job job = {
		.size = sizeof(job), .queue = queue, .cmd_bo = b->cmd, .cmd_len = 8,
	};

	return taihu_submit(b->dev, &job, seqno);
}

/* Wait for @seqno; its status in *@status. */
static int wait_job(struct bench *b, uint64_t seqno, uint32_t *status)
{
	struct taihu_job_result res = { .size = sizeof(res) };
	int ret = taihu_wait(b->dev, seqno, bench_now_ns() + WAIT_NS, &res);

	*status = res.status;
	return ret;
}

/* A null job on @queue succeeds: 0, or why not. */
static int nop_ok(struct bench *b, uint32_t queue)
{
	uint32_t status;
	uint64_t seqno;
	int ret = submit_nop(b, queue, &seqno);

	if (!ret)
		ret = wait_job(b, seqno, &status);
	if (!ret && status != DRM_TAIHU_JOB_SUCCESS)
		ret = -EIO;
	return ret;
}

/* The fault's job on @queue ends (any status), then a null job succeeds there. */
static int job_fault(struct bench *b, const char *fault, const char *arg, uint32_t queue,
		     int64_t *ns)
{
	uint32_t status;
	uint64_t seqno;
	int64_t t0;
	int ret;

	ret = inject(b, fault, arg);
	t0 = bench_now_ns();
	if (!ret)
		ret = submit_nop(b, queue, &seqno);
	if (!ret)
		ret = wait_job(b, seqno, &status);
	/* A hung job's context is banned: go on from a new one. */
	if (!ret && status == DRM_TAIHU_JOB_TIMEOUT) {
		close_card(b);
		ret = open_card(b);
	}
	if (!ret)
		ret = nop_ok(b, queue);
	*ns = bench_now_ns() - t0;
	return ret;
}

/* Wait (1 ms polls) until card_resets passes @before; then a null job succeeds. */
static int card_back(struct bench *b, long long before, int64_t t0)
{
	while (read_ll(b, "card_resets") <= before) {
		if (health_dead(b) || bench_now_ns() - t0 > WAIT_NS)
			return -ETIMEDOUT;
		usleep(1000);
	}
	return nop_ok(b, 0);
}

static int watchdog_fault(struct bench *b, const char *fault, const char *arg, int64_t *ns)
{
	long long before = read_ll(b, "card_resets");
	int64_t t0;
	int ret;

	ret = inject(b, fault, arg);
	t0 = bench_now_ns();
	if (!ret)
		ret = card_back(b, before, t0);
	*ns = bench_now_ns() - t0;
	return ret;
}

static int admin_reset(struct bench *b, int64_t *ns)
{
	int64_t t0 = bench_now_ns();
	int ret = taihu_card_reset(b->nl, taihu_device_desc_minor(b->desc));

	if (!ret)
		ret = nop_ok(b, 0);
	*ns = bench_now_ns() - t0;
	return ret;
}

/* The next boot fails: the watchdog's reset after a crash boots twice. */
static int failed_boot(struct bench *b, int64_t *ns)
{
	int ret = inject(b, "fail_boot", "1");

	*ns = 0;
	return ret ? ret : watchdog_fault(b, "fw_crash", "0x1234", ns);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static void usage(FILE *f)
{
	fputs("usage: taihu_bench_recovery [--quick] [--device N]\n"
	      "  -q, --quick       one run of each fault: only proves that it runs\n"
	      "  -d, --device N    device index (default 0)\n", f);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quick", no_argument, NULL, 'q' },
		{ "device", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const names[] = {
		"queue-hang", "corrupt-completion", "fw-crash", "heartbeat-stop",
		"taihu-reset", "fw-hang", "fail-boot",
	};
	enum { NCLASS = sizeof(names) / sizeof(names[0]) };
	int64_t rtt[RTT_RUNS], t[NCLASS][RUNS_FULL], rtt_med = 0, t0;
	struct bench b = { 0 };
	struct bench_ping ping = { 0 };
	int runs = RUNS_FULL, opt, ret, c, r, ok[NCLASS], have_ping;
	char path[192], buf[32];
	long long limit;
	uint64_t seqno;
	uint32_t status;

	while ((opt = getopt_long(argc, argv, "qd:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'q':
			runs = 1;
			break;
		case 'd':
			if (bench_parse_index(optarg, &b.index))
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
	printf("TAP version 13\n1..%d\n", 2 + NCLASS);
	ret = open_card(&b);
	if (!ret)
		ret = taihu_telemetry_open(&b.nl);
	if (ret) {
		printf("Bail out! no usable Taihu device %lu: %s\n", b.index, taihu_strerror(ret));
		return 1;
	}
	printf("# device %lu: %s (%s), heartbeat timeout %lld ms, %d run%s per fault\n",
	       b.index, taihu_device_desc_node(b.desc), b.slot,
	       read_ll(&b, "heartbeat_timeout_ms"), runs, runs == 1 ? "" : "s");

	/* Dozens of watchdog resets a minute, on purpose: no reset limit meanwhile. */
	limit = read_ll(&b, "reset_limit");
	snprintf(path, sizeof(path), "%s/reset_limit", b.pci_dir);
	if (limit > 0)
		write_str(path, "0");

	have_ping = !bench_read_ping(b.desc, &ping);
	bench_tap(have_ping, "platform round trip (debugfs ping): median %llu ns", ping.median);
	for (r = 0, ret = 0; r < RTT_RUNS && !ret; r++) {
		t0 = bench_now_ns();
		ret = submit_nop(&b, 0, &seqno);
		if (!ret)
			ret = wait_job(&b, seqno, &status);
		rtt[r] = bench_now_ns() - t0;
	}
	if (!ret) {
		qsort(rtt, RTT_RUNS, sizeof(rtt[0]), cmp_i64);
		rtt_med = rtt[RTT_RUNS / 2];
	}
	bench_tap(!ret, "null-job round trip (%d submit+wait): median %lld ns", RTT_RUNS,
		  (long long)rtt_med);

	for (c = 0; c < NCLASS; c++) {
		ok[c] = 1;
		for (r = 0; r < runs && ok[c]; r++) {
			free_dump(&b);
			switch (c) {
			case 0:
				ret = job_fault(&b, "queue_hang", "1", 1, &t[c][r]);
				break;
			case 1:
				ret = job_fault(&b, "corrupt_completion", "2", 2, &t[c][r]);
				break;
			case 2:
				ret = watchdog_fault(&b, "fw_crash", "0x1234", &t[c][r]);
				break;
			case 3:
				ret = watchdog_fault(&b, "heartbeat_stop", "1", &t[c][r]);
				break;
			case 4:
				ret = admin_reset(&b, &t[c][r]);
				break;
			case 5:
				ret = watchdog_fault(&b, "fw_hang", "0", &t[c][r]);
				break;
			default:
				ret = failed_boot(&b, &t[c][r]);
				break;
			}
			if (ret) {
				printf("# %s run %d: %s\n", names[c], r + 1, taihu_strerror(ret));
				ok[c] = 0;
			}
			if (!b.dev)
				break;
		}
		free_dump(&b);
		if (!ok[c]) {
			bench_tap(0, "recovery %s: the card did not recover", names[c]);
			continue;
		}
		qsort(t[c], (size_t)runs, sizeof(t[c][0]), cmp_i64);
		bench_tap(1, "recovery %s (%d run%s): min %.1f ms, median %.1f ms (%.0f x null-job round trip)",
			  names[c], runs, runs == 1 ? "" : "s", t[c][0] / 1e6, t[c][runs / 2] / 1e6,
			  rtt_med ? (double)t[c][runs / 2] / (double)rtt_med : 0.0);
	}

	printf("#\n# %-36s %12s %14s %12s\n", "fault -> recovered card", "median", "x null job", "x ping");
	printf("# %-36s %9.3f ms %14s %12.1f\n", "null-job round trip (reference)", rtt_med / 1e6,
	       "1", ping.median ? (double)rtt_med / (double)ping.median : 0.0);
	for (c = 0; c < NCLASS; c++) {
		if (!ok[c])
			continue;
		printf("# %-36s %9.1f ms %14.0f %12.0f\n", names[c], t[c][runs / 2] / 1e6,
		       rtt_med ? (double)t[c][runs / 2] / (double)rtt_med : 0.0,
		       ping.median ? (double)t[c][runs / 2] / (double)ping.median : 0.0);
	}
	if (limit > 0) {
		snprintf(path, sizeof(path), "%s/reset_limit", b.pci_dir);
		snprintf(buf, sizeof(buf), "%lld", limit);
		write_str(path, buf);
	}
	taihu_telemetry_close(b.nl);
	close_card(&b);
	return bench_failures ? 1 : 0;
}
