// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * `taihu diag`: run real jobs on a device and verify their results.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli.h"

static const char diag_usage[] =
	"Usage: taihu diag [-d DEV] [-t SECONDS] [--json]\n"
	"\n"
	"Run diagnostic jobs on a device and verify them:\n"
	"  nop    an empty job completes\n"
	"  fill   a FILL of a VRAM buffer, checked through a CPU mapping\n"
	"  copy   a VRAM to VRAM COPY, checked byte for byte\n"
	"  h2v    a host memory to VRAM COPY, checked byte for byte\n"
	"  v2h    a VRAM to host memory COPY, checked byte for byte\n"
	"Each check prints PASS or FAIL and the device time of its job.\n"
	"\n"
	"Options:\n"
	CLI_DEVICE_HELP
	"  -t, --timeout SECS   per-job timeout (default 30)\n"
	"  -j, --json           print a JSON object\n"
	"  -h, --help           show this help\n"
	"\n"
	"Exit status: 0 when every check passed, 1 otherwise.\n";

/* Sizes with a tail that is not a multiple of the 4-byte FILL pattern. */
#define DIAG_BUF_SIZE	(256u << 10)
#define DIAG_LEN	((192u << 10) + 5)
#define DIAG_PATTERN	0xa5c3f00du

struct diag_check {
	const char *name;
	int pass;
	int has_time;
	uint64_t device_ns;
	char detail[160];
};

struct diag_ctx {
	struct taihu_device *dev;
	int64_t timeout_ns;
};

static void set_detail(struct diag_check *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_detail(struct diag_check *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
}

/* Record how a job ended (@ret of taihu_run()/taihu_copy()); 1 on success. */
static int job_outcome(int ret, const struct taihu_job_result *res,
		       struct diag_check *c)
{
	if (ret == -TAIHU_EJOBFAILED) {
		set_detail(c, "job ended with %s at offset %u (address 0x%" PRIx64
			   "%s%s)", taihu_job_status_name(res->status),
			   res->error_offset, res->error_addr,
			   res->status == DRM_TAIHU_JOB_MMU_FAULT ? ", " : "",
			   res->status == DRM_TAIHU_JOB_MMU_FAULT ?
			   taihu_access_name(res->error_access) : "");
		return 0;
	}
	if (ret) {
		set_detail(c, "job failed: %s", taihu_strerror(ret));
		return 0;
	}
	if (res->end_ns < res->start_ns) {
		set_detail(c, "device clock ran backwards (start %" PRIu64
			   " > end %" PRIu64 ")", res->start_ns, res->end_ns);
		return 0;
	}
	c->has_time = 1;
	c->device_ns = res->end_ns - res->start_ns;
	return 1;
}

/* Run @cb and record its outcome in @c; returns 1 if the job succeeded. */
static int run_job(struct diag_ctx *ctx, struct taihu_cmdbuf *cb,
		   struct taihu_bo *const *bos, uint32_t nbos,
		   struct diag_check *c)
{
	struct taihu_job_result res = { .size = sizeof(res) };
	int ret;

	ret = taihu_run(ctx->dev, cb, 0, bos, nbos, ctx->timeout_ns, &res);
	return job_outcome(ret, &res, c);
}

static void check_nop(struct diag_ctx *ctx, struct diag_check *c)
{
	struct taihu_cmdbuf *cb;
	int ret;

	c->name = "nop";
	ret = taihu_cmdbuf_new(&cb);
	if (!ret)
		ret = taihu_cmdbuf_nop(cb, 8);
	if (ret < 0) {
		set_detail(c, "cannot build the stream: %s", taihu_strerror(ret));
		taihu_cmdbuf_free(cb);
		return;
	}
	c->pass = run_job(ctx, cb, NULL, 0, c);
	if (c->pass)
		set_detail(c, "empty job completed");
	taihu_cmdbuf_free(cb);
}

static void check_fill(struct diag_ctx *ctx, struct diag_check *c)
{
	struct taihu_cmdbuf *cb = NULL;
	struct taihu_bo *bo = NULL;
	uint8_t *p;
	size_t i;
	int ret;

	c->name = "fill";
	ret = taihu_bo_create(ctx->dev, DIAG_BUF_SIZE, DRM_TAIHU_PLACEMENT_VRAM,
			      &bo);
	if (!ret)
		ret = taihu_bo_map(bo, (void **)&p);
	if (ret) {
		set_detail(c, "cannot set up a VRAM buffer: %s",
			   taihu_strerror(ret));
		goto out;
	}
	memset(p, 0, DIAG_BUF_SIZE);
	ret = taihu_cmdbuf_new(&cb);
	if (!ret)
		ret = taihu_cmdbuf_fill(cb, taihu_bo_dev_addr(bo), DIAG_LEN,
					DIAG_PATTERN);
	if (ret < 0) {
		set_detail(c, "cannot build the stream: %s", taihu_strerror(ret));
		goto out;
	}
	if (!run_job(ctx, cb, &bo, 1, c))
		goto out;
	for (i = 0; i < DIAG_BUF_SIZE; i++) {
		uint8_t want = i < DIAG_LEN ? cli_pattern_byte(DIAG_PATTERN, i) : 0;

		if (p[i] != want) {
			set_detail(c, "byte %zu is 0x%02x, expected 0x%02x%s", i,
				   p[i], want, i < DIAG_LEN ? "" :
				   " (written past the fill)");
			goto out;
		}
	}
	c->pass = 1;
	set_detail(c, "%u bytes verified", DIAG_LEN);
out:
	taihu_cmdbuf_free(cb);
	taihu_bo_free(bo);
}

/* COPY DIAG_LEN bytes between BOs of two placements, checked byte for byte. */
static void check_copy(struct diag_ctx *ctx, struct diag_check *c,
		       const char *name, uint32_t from, uint32_t to)
{
	struct taihu_job_result res = { .size = sizeof(res) };
	struct taihu_bo *bo[2] = { NULL, NULL };
	uint8_t *src, *dst;
	uint32_t x = 0x12345678;
	size_t i;
	int ret;

	c->name = name;
	ret = taihu_bo_create(ctx->dev, DIAG_BUF_SIZE, from, &bo[0]);
	if (!ret)
		ret = taihu_bo_create(ctx->dev, DIAG_BUF_SIZE, to, &bo[1]);
	if (!ret)
		ret = taihu_bo_map(bo[0], (void **)&src);
	if (!ret)
		ret = taihu_bo_map(bo[1], (void **)&dst);
	if (ret) {
		set_detail(c, "cannot set up %s and %s buffers: %s",
			   taihu_placement_name(from), taihu_placement_name(to),
			   taihu_strerror(ret));
		goto out;
	}
	cli_random_bytes(src, DIAG_BUF_SIZE, &x);
	memset(dst, 0xee, DIAG_BUF_SIZE);
	ret = taihu_copy(bo[1], 0, bo[0], 0, DIAG_LEN, ctx->timeout_ns, &res);
	if (!job_outcome(ret, &res, c))
		goto out;
	for (i = 0; i < DIAG_BUF_SIZE; i++) {
		uint8_t want = i < DIAG_LEN ? src[i] : 0xee;

		if (dst[i] != want) {
			set_detail(c, "byte %zu is 0x%02x, expected 0x%02x%s", i,
				   dst[i], want, i < DIAG_LEN ? "" :
				   " (written past the copy)");
			goto out;
		}
	}
	c->pass = 1;
	set_detail(c, "%s -> %s, %u bytes verified", taihu_placement_name(from),
		   taihu_placement_name(to), DIAG_LEN);
out:
	taihu_bo_free(bo[0]);
	taihu_bo_free(bo[1]);
}

static void print_json(const struct taihu_device_desc *desc,
		       const struct diag_check *checks, int n, int failed)
{
	json_object *o = json_object_new_object();
	json_object *arr = json_object_new_array();
	int i;

	for (i = 0; i < n; i++) {
		json_object *c = json_object_new_object();

		json_object_object_add(c, "name",
				       json_object_new_string(checks[i].name));
		json_object_object_add(c, "result", json_object_new_string(
					       checks[i].pass ? "PASS" : "FAIL"));
		json_object_object_add(c, "device_time_ns", checks[i].has_time ?
				       json_object_new_uint64(checks[i].device_ns) :
				       NULL);
		json_object_object_add(c, "detail",
				       json_object_new_string(checks[i].detail));
		json_object_array_add(arr, c);
	}
	cli_json_device(o, desc);
	json_object_object_add(o, "checks", arr);
	json_object_object_add(o, "passed", json_object_new_int(n - failed));
	json_object_object_add(o, "failed", json_object_new_int(failed));
	cli_json_print(o);
}

static void print_text(const struct taihu_device_desc *desc,
		       const struct diag_check *checks, int n, int failed)
{
	char label[160];
	int i;

	cli_device_label(desc, label, sizeof(label));
	printf("Diagnostics of device %s\n", label);
	for (i = 0; i < n; i++) {
		printf("  %-6s %s  ", checks[i].name,
		       checks[i].pass ? "PASS" : "FAIL");
		if (checks[i].has_time)
			printf("device time %10" PRIu64 " ns  ",
			       checks[i].device_ns);
		printf("%s\n", checks[i].detail);
	}
	printf("Result: %s (%d of %d checks passed)\n",
	       failed ? "FAIL" : "PASS", n - failed, n);
}

static int diag_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "timeout", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct diag_check checks[5];
	const int nchecks = (int)(sizeof(checks) / sizeof(checks[0]));
	struct diag_ctx ctx = { 0 };
	const char *name = NULL;
	unsigned int secs = 30;
	int json = 0, opt, ret, i, failed = 0;

	while ((opt = getopt_long(argc, argv, ":d:t:jh", opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			name = optarg;
			break;
		case 't':
			if (cli_parse_uint(optarg, 3600, &secs) || !secs)
				return cli_usage_error("diag",
						       "invalid timeout '%s'",
						       optarg);
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			fputs(diag_usage, stdout);
			return CLI_EXIT_OK;
		default:
			return cli_bad_option("diag", opt, argv);
		}
	}
	if (optind < argc)
		return cli_usage_error("diag", "unexpected argument '%s'",
				       argv[optind]);

	ret = cli_open_device(name, &ctx.dev);
	if (ret)
		return ret;
	ctx.timeout_ns = (int64_t)secs * 1000000000LL;

	memset(checks, 0, sizeof(checks));
	check_nop(&ctx, &checks[0]);
	check_fill(&ctx, &checks[1]);
	check_copy(&ctx, &checks[2], "copy", DRM_TAIHU_PLACEMENT_VRAM,
		   DRM_TAIHU_PLACEMENT_VRAM);
	check_copy(&ctx, &checks[3], "h2v", DRM_TAIHU_PLACEMENT_HOST,
		   DRM_TAIHU_PLACEMENT_VRAM);
	check_copy(&ctx, &checks[4], "v2h", DRM_TAIHU_PLACEMENT_VRAM,
		   DRM_TAIHU_PLACEMENT_HOST);
	for (i = 0; i < nchecks; i++)
		failed += !checks[i].pass;
	if (json)
		print_json(taihu_device_get_desc(ctx.dev), checks, nchecks,
			   failed);
	else
		print_text(taihu_device_get_desc(ctx.dev), checks, nchecks,
			   failed);
	taihu_device_close(ctx.dev);
	return failed ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

const struct cli_cmd cli_cmd_diag = {
	.name = "diag",
	.summary = "run diagnostic jobs (NOP, FILL, COPY host/VRAM) and verify them",
	.usage = diag_usage,
	.run = diag_run,
};
