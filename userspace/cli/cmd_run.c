// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * `taihu run`: build one command stream from steps given on the command
 * line, run it as a job (repeatedly with --repeat) and verify what it wrote.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli.h"
#include "run_kernel.h"

static const char run_usage[] =
	"Usage: taihu run [-d DEV] [-q Q] [-p PRIORITY] [-r N] [--src PLACEMENT]\n"
	"                 [--dst PLACEMENT] [-t SECONDS] [--json] STEP...\n"
	"\n"
	"Build one command stream from the STEPs, in order, and run it as a job on\n"
	"a hardware queue. Every job's status and device time are printed, and\n"
	"what the job wrote is verified through CPU mappings.\n"
	"\n"
	"Steps:\n"
	"  nop[=SIZE]             a NOP packet of SIZE bytes (multiple of 8, default 8)\n"
	"  fill=SIZE[:PATTERN]    FILL a new buffer with the 32-bit PATTERN (decimal\n"
	"                         or 0x hex, default 0xa5c3f00d); verified\n"
	"  copy=SIZE              COPY random data between two new buffers; verified\n"
	"  timestamp              write the card clock into a new buffer; checked to\n"
	"                         lie between the job's start and end\n"
	"  barrier                a BARRIER packet\n"
	"SIZE takes K, M and G suffixes (powers of 1024).\n"
	"\n"
	"Kernel steps (operands in new buffers of the --dst placement, random inputs;\n"
	"the outputs are checked against the card's reference computed here; DTYPE\n"
	"fp32 (default), fp16, bf16, int8, uint8, int32):\n"
	"  gemm=MxNxK[:DTYPE]                     Y [M,N] = A [M,K] B [K,N]\n"
	"  conv=NxCxHxW[:kK][:sS][:ocOC][:DTYPE]  CONV2D, pad K/2, bias, relu (k3, OC = C)\n"
	"  pool=NxCxHxW[:kK][:sS][:max|avg][:DTYPE]  POOL2D, pad (K-1)/2 (k3 s2 max)\n"
	"  add|sub|mul|div|max|min=DIMS[:DTYPE]   BINARY of two DIMS tensors\n"
	"  relu|gelu_erf|silu|...=DIMS[:DTYPE]    UNARY (any activation name)\n"
	"  transpose=DIMS[:PERM][:DTYPE]          PERM as digits (0231), default reversed\n"
	"  cast=DIMS:FROM:TO                      CAST between two dtypes\n"
	"DIMS is N1xN2x... (up to 6). With kernel steps each job prints its GFLOP/s\n"
	"(elements per second for transpose and cast) from the device time.\n"
	"\n"
	"Options:\n"
	"  -d, --device DEV       index, PCI address, serial or /dev/accel node\n"
	"                         of the device (default 0; see 'taihu list')\n"
	"  -q, --queue Q          hardware queue (default 0)\n"
	"  -p, --priority P       low, normal or high (default normal)\n"
	"  -r, --repeat N         run the job N times, one after the other (default 1)\n"
	"  -b, --batch N          submit the repetitions N at a time, in one\n"
	"                         SUBMIT_BATCH each (default 1); outputs are then\n"
	"                         poisoned before each batch and verified after its\n"
	"                         last job, the others are judged by their status\n"
	"      --src PLACEMENT    vram or host: where copy sources live (default vram)\n"
	"      --dst PLACEMENT    vram or host: where fill, copy and timestamp\n"
	"                         destinations live (default vram)\n"
	"  -t, --timeout SECS     per-job timeout (default 30)\n"
	"  -j, --json             print a JSON object\n"
	"  -h, --help             show this help\n"
	"\n"
	"Example: taihu run --queue 1 fill=1M:0xdeadbeef copy=64K barrier timestamp\n"
	"         taihu run conv=1x64x56x56:k3:int8 pool=1x64x56x56 relu=1x64x56x56:bf16\n"
	"\n"
	"Exit status: 0 when every job ended with SUCCESS and verified, 1 otherwise,\n"
	"2 for a bad command line.\n";

#define RUN_MAX_STEPS		64
#define RUN_MAX_SIZE		(4ULL << 30)
#define RUN_MAX_REPEAT		1000000u
#define RUN_MAX_BATCH		1024u
#define RUN_DEFAULT_PATTERN	0xa5c3f00du
#define RUN_POISON		0x5a

enum step_kind { STEP_NOP, STEP_FILL, STEP_COPY, STEP_TIMESTAMP, STEP_BARRIER, STEP_KERNEL };

struct step {
	enum step_kind kind;
	const char *text;		/* as given on the command line */
	uint64_t size;
	uint32_t pattern;
	struct taihu_bo *src, *dst;	/* NULL where the step has none */
	uint8_t *s, *d;			/* their CPU mappings */
	struct kstep *k;		/* STEP_KERNEL */
};

struct run_opts {
	const char *device;
	unsigned int queue, priority, repeat, batch, timeout_s;
	uint32_t src_place, dst_place;
	int json;
};

/* One job's outcome, for the report. */
struct job_report {
	uint64_t seqno;
	int submitted, ended, verified;
	struct taihu_job_result res;
	char detail[200];
};

static void set_detail(struct job_report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_detail(struct job_report *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->detail, sizeof(r->detail), fmt, ap);
	va_end(ap);
}

/* "64K", "4096", "1M": bytes in 1..RUN_MAX_SIZE, else 0. */
static uint64_t parse_size(const char *s, const char **end_out)
{
	unsigned long long v;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return 0;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || v > RUN_MAX_SIZE)
		return 0;
	switch (*end) {
	case 'K': case 'k': v <<= 10; end++; break;
	case 'M': case 'm': v <<= 20; end++; break;
	case 'G': case 'g': v <<= 30; end++; break;
	}
	if (v > RUN_MAX_SIZE)
		return 0;
	*end_out = end;
	return v;
}

static int parse_pattern(const char *s, uint32_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || v > UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* Parse one STEP argument; 0, or CLI_EXIT_USAGE after a message. */
static int parse_step(const char *arg, struct step *st)
{
	const char *end = NULL;

	memset(st, 0, sizeof(*st));
	st->text = arg;
	switch (kstep_parse(arg, &st->k)) {
	case 0:
		break;
	case 1:
		st->kind = STEP_KERNEL;
		return 0;
	default:
		kstep_free(st->k);
		st->k = NULL;
		return CLI_EXIT_USAGE;
	}
	if (!strcmp(arg, "nop")) {
		st->kind = STEP_NOP;
		st->size = 8;
		return 0;
	}
	if (!strcmp(arg, "barrier")) {
		st->kind = STEP_BARRIER;
		return 0;
	}
	if (!strcmp(arg, "timestamp")) {
		st->kind = STEP_TIMESTAMP;
		st->size = 8;
		return 0;
	}
	if (!strncmp(arg, "nop=", 4)) {
		st->kind = STEP_NOP;
		st->size = parse_size(arg + 4, &end);
		if (!st->size || *end || st->size % 8 || st->size > 0xfff8)
			return cli_usage_error("run", "invalid NOP size in '%s' (a multiple of 8, 8..65528)",
					       arg);
		return 0;
	}
	if (!strncmp(arg, "fill=", 5)) {
		st->kind = STEP_FILL;
		st->pattern = RUN_DEFAULT_PATTERN;
		st->size = parse_size(arg + 5, &end);
		if (!st->size || (*end && *end != ':'))
			return cli_usage_error("run", "invalid size in '%s' (1 byte to 4G)",
					       arg);
		if (*end == ':' && parse_pattern(end + 1, &st->pattern))
			return cli_usage_error("run", "invalid pattern in '%s' (a 32-bit number)",
					       arg);
		return 0;
	}
	if (!strncmp(arg, "copy=", 5)) {
		st->kind = STEP_COPY;
		st->size = parse_size(arg + 5, &end);
		if (!st->size || *end)
			return cli_usage_error("run", "invalid size in '%s' (1 byte to 4G)",
					       arg);
		return 0;
	}
	return cli_usage_error("run", "unknown step '%s' (steps: nop[=SIZE], fill=SIZE[:PATTERN], copy=SIZE, timestamp, barrier, and the kernels of 'taihu run --help')",
			       arg);
}

static int parse_priority(const char *s, unsigned int *out)
{
	if (!strcmp(s, "low"))
		*out = DRM_TAIHU_PRIORITY_LOW;
	else if (!strcmp(s, "normal"))
		*out = DRM_TAIHU_PRIORITY_NORMAL;
	else if (!strcmp(s, "high"))
		*out = DRM_TAIHU_PRIORITY_HIGH;
	else
		return -1;
	return 0;
}

static const char *priority_name(unsigned int p)
{
	static const char *const names[] = { "low", "normal", "high" };

	return p < 3 ? names[p] : "?";
}

static int parse_placement(const char *s, uint32_t *out)
{
	if (!strcmp(s, "vram") || !strcmp(s, "VRAM"))
		*out = DRM_TAIHU_PLACEMENT_VRAM;
	else if (!strcmp(s, "host") || !strcmp(s, "HOST"))
		*out = DRM_TAIHU_PLACEMENT_HOST;
	else
		return -1;
	return 0;
}

static int new_mapped_bo(struct taihu_device *dev, uint64_t size,
			 uint32_t placement, struct taihu_bo **bo, uint8_t **p)
{
	int ret;

	ret = taihu_bo_create(dev, size, placement, bo);
	if (!ret)
		ret = taihu_bo_map(*bo, (void **)p);
	return ret;
}

/* Buffers of every step; returns 0 or CLI_EXIT_FAIL after a message. */
static int setup_buffers(struct taihu_device *dev, struct step *steps, int n,
			 const struct run_opts *o)
{
	uint32_t x = 0x12345678;
	int k, ret = 0;

	for (k = 0; k < n && !ret; k++) {
		struct step *st = &steps[k];

		switch (st->kind) {
		case STEP_COPY:
			ret = new_mapped_bo(dev, st->size, o->src_place, &st->src,
					    &st->s);
			if (ret)
				break;
			cli_random_bytes(st->s, st->size, &x);
			/* and the destination, like the others: */
			__attribute__((fallthrough));
		case STEP_FILL:
		case STEP_TIMESTAMP:
			ret = new_mapped_bo(dev, st->size, o->dst_place, &st->dst,
					    &st->d);
			break;
		case STEP_KERNEL:
			ret = kstep_setup(st->k, dev, o->dst_place);
			break;
		default:
			break;
		}
		if (ret)
			return cli_error("%s: cannot set up buffers for '%s': %s",
					 taihu_device_path(dev), st->text,
					 taihu_strerror(ret));
	}
	return 0;
}

static void free_buffers(struct step *steps, int n)
{
	int k;

	for (k = 0; k < n; k++) {
		taihu_bo_free(steps[k].src);
		taihu_bo_free(steps[k].dst);
		kstep_free(steps[k].k);
	}
}

/* The stream of all steps; returns 0 or a negative error. */
static int build_stream(struct taihu_cmdbuf *cb, const struct step *steps,
			int n)
{
	int k, ret = 0;

	for (k = 0; k < n && ret >= 0; k++) {
		const struct step *st = &steps[k];

		switch (st->kind) {
		case STEP_NOP:
			ret = taihu_cmdbuf_nop(cb, (uint32_t)st->size);
			break;
		case STEP_FILL:
			ret = taihu_cmdbuf_fill(cb, taihu_bo_dev_addr(st->dst),
						st->size, st->pattern);
			break;
		case STEP_COPY:
			ret = taihu_cmdbuf_copy(cb, taihu_bo_dev_addr(st->src),
						taihu_bo_dev_addr(st->dst),
						st->size);
			break;
		case STEP_TIMESTAMP:
			ret = taihu_cmdbuf_timestamp(cb, taihu_bo_dev_addr(st->dst));
			break;
		case STEP_BARRIER:
			ret = taihu_cmdbuf_barrier(cb);
			break;
		case STEP_KERNEL:
			ret = kstep_append(st->k, cb);
			break;
		}
	}
	return ret < 0 ? ret : 0;
}

/* Before each job: destinations hold a value no step writes by chance. */
static void poison(struct step *steps, int n)
{
	int k;

	for (k = 0; k < n; k++) {
		if (steps[k].d)
			memset(steps[k].d, RUN_POISON, taihu_bo_size(steps[k].dst));
		if (steps[k].k)
			kstep_poison(steps[k].k);
	}
	__sync_synchronize();
}

/* 1 when every step's effect is there, else 0 with a detail. */
static int verify(const struct step *steps, int n, struct job_report *r)
{
	uint64_t i, ts, bo_size;
	int k;

	__sync_synchronize();
	for (k = 0; k < n; k++) {
		const struct step *st = &steps[k];

		switch (st->kind) {
		case STEP_FILL:
			for (i = 0; i < st->size; i++) {
				if (st->d[i] == cli_pattern_byte(st->pattern, i))
					continue;
				set_detail(r, "%s: byte %" PRIu64 " is 0x%02x, expected 0x%02x",
					   st->text, i, st->d[i],
					   cli_pattern_byte(st->pattern, i));
				return 0;
			}
			break;
		case STEP_COPY:
			if (memcmp(st->d, st->s, st->size)) {
				for (i = 0; st->d[i] == st->s[i]; i++)
					;
				set_detail(r, "%s: byte %" PRIu64 " is 0x%02x, expected 0x%02x",
					   st->text, i, st->d[i], st->s[i]);
				return 0;
			}
			break;
		case STEP_TIMESTAMP:
			memcpy(&ts, st->d, sizeof(ts));
			if (ts < r->res.start_ns || ts > r->res.end_ns) {
				set_detail(r, "%s: %" PRIu64 " is outside the job (%" PRIu64
					   "..%" PRIu64 ")", st->text, ts,
					   r->res.start_ns, r->res.end_ns);
				return 0;
			}
			break;
		case STEP_KERNEL:
			if (!kstep_verify(st->k, r->detail, sizeof(r->detail)))
				return 0;
			continue;
		default:
			continue;
		}
		/* Nothing written past the step's range. */
		bo_size = taihu_bo_size(st->dst);
		for (i = st->size; i < bo_size; i++) {
			if (st->d[i] == RUN_POISON)
				continue;
			set_detail(r, "%s: byte %" PRIu64 " past the end was written",
				   st->text, i);
			return 0;
		}
	}
	return 1;
}

static void describe_failure(const struct taihu_job_result *res,
			     struct job_report *r)
{
	switch (res->status) {
	case DRM_TAIHU_JOB_DMA_ERROR:
	case DRM_TAIHU_JOB_MMU_FAULT:
		set_detail(r, "packet at offset %u, address 0x%" PRIx64 " (%s)",
			   res->error_offset, res->error_addr,
			   taihu_access_name(res->error_access));
		break;
	default:
		set_detail(r, "packet at offset %u", res->error_offset);
	}
}

/* Run one job; fills @r. */
/* Wait for a submitted job; verify its outputs if @verify_outputs. */
static void finish_one(struct taihu_device *dev, struct step *steps, int n,
		       const struct run_opts *o, struct job_report *r,
		       int verify_outputs)
{
	int ret;

	ret = taihu_wait(dev, r->seqno,
			 taihu_deadline_ns((int64_t)o->timeout_s * 1000000000LL),
			 &r->res);
	if (ret == -ETIME) {
		set_detail(r, "did not end within %u s", o->timeout_s);
		return;
	}
	if (ret) {
		set_detail(r, "wait failed: %s", taihu_strerror(ret));
		return;
	}
	r->ended = 1;
	if (r->res.status != DRM_TAIHU_JOB_SUCCESS) {
		describe_failure(&r->res, r);
		return;
	}
	r->verified = verify_outputs ? verify(steps, n, r) : 1;
}

/*
 * Run @count repetitions of @job: one SUBMIT_BATCH (one taihu_submit() for
 * a single job), then each is waited for; the outputs, poisoned once, are
 * verified after the last.
 */
static void run_batch(struct taihu_device *dev, const struct taihu_job *job,
		      struct step *steps, int n, const struct run_opts *o,
		      struct job_report *reps, unsigned int count)
{
	const struct taihu_job *jobs[RUN_MAX_BATCH];
	uint64_t seqnos[RUN_MAX_BATCH];
	int errors[RUN_MAX_BATCH];
	unsigned int i;
	int ret = 0;

	poison(steps, n);
	for (i = 0; i < count; i++) {
		memset(&reps[i], 0, sizeof(reps[i]));
		reps[i].res.size = sizeof(reps[i].res);
		jobs[i] = job;
	}
	if (count == 1)
		errors[0] = taihu_submit(dev, job, &seqnos[0]);
	else
		ret = taihu_submit_batch(dev, jobs, count, seqnos, errors);
	for (i = 0; i < count; i++) {
		if (ret || errors[i]) {
			set_detail(&reps[i], "submit failed: %s",
				   taihu_strerror(ret ? ret : errors[i]));
			continue;
		}
		reps[i].seqno = seqnos[i];
		reps[i].submitted = 1;
	}
	for (i = 0; i < count; i++)
		if (reps[i].submitted)
			finish_one(dev, steps, n, o, &reps[i], i == count - 1);
}

static const char *status_of(const struct job_report *r)
{
	if (!r->submitted)
		return "NOT_SUBMITTED";
	if (!r->ended)
		return "NOT_ENDED";
	return taihu_job_status_name(r->res.status);
}

static int job_passed(const struct job_report *r)
{
	return r->ended && r->res.status == DRM_TAIHU_JOB_SUCCESS && r->verified;
}

static uint64_t device_ns(const struct job_report *r)
{
	return r->res.end_ns >= r->res.start_ns ?
	       r->res.end_ns - r->res.start_ns : 0;
}

/* GFLOP/s of the kernel steps over the job's device time (0 without kernels). */
static double gflops(const struct job_report *r, double ops)
{
	return r->ended && device_ns(r) ? ops / (double)device_ns(r) : 0.0;
}

static void print_text_job(unsigned int i, const struct job_report *r, double ops)
{
	printf("  job %-4u seqno %-8" PRIu64 " %-11s", i + 1, r->seqno,
	       status_of(r));
	if (r->ended)
		printf(" device time %10" PRIu64 " ns", device_ns(r));
	if (r->ended && ops > 0)
		printf("  %9.2f GFLOP/s", gflops(r, ops));
	if (job_passed(r))
		printf("  verified\n");
	else
		printf("  %s\n", r->detail);
}

static json_object *json_job(unsigned int i, const struct job_report *r, double ops)
{
	json_object *j = json_object_new_object();

	if (!j)
		return NULL;
	json_object_object_add(j, "job", json_object_new_uint64(i + 1));
	json_object_object_add(j, "seqno", r->submitted ?
			       json_object_new_uint64(r->seqno) : NULL);
	json_object_object_add(j, "status", json_object_new_string(status_of(r)));
	json_object_object_add(j, "device_time_ns", r->ended ?
			       json_object_new_uint64(device_ns(r)) : NULL);
	json_object_object_add(j, "start_ns", r->ended ?
			       json_object_new_uint64(r->res.start_ns) : NULL);
	json_object_object_add(j, "end_ns", r->ended ?
			       json_object_new_uint64(r->res.end_ns) : NULL);
	json_object_object_add(j, "gflops", r->ended && ops > 0 ?
			       json_object_new_double(gflops(r, ops)) : NULL);
	json_object_object_add(j, "verified", json_object_new_boolean(job_passed(r)));
	json_object_object_add(j, "detail", json_object_new_string(r->detail));
	return j;
}

/* Parse the options; 0 to go on, or an exit code (help, usage error). */
static int parse_opts(int argc, char **argv, struct run_opts *o, int *done)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "queue", required_argument, NULL, 'q' },
		{ "priority", required_argument, NULL, 'p' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "batch", required_argument, NULL, 'b' },
		{ "src", required_argument, NULL, 'S' },
		{ "dst", required_argument, NULL, 'D' },
		{ "timeout", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	*done = 0;
	while ((opt = getopt_long(argc, argv, ":d:q:p:r:b:t:jh", opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			o->device = optarg;
			break;
		case 'q':
			if (cli_parse_uint(optarg, 0xffff, &o->queue))
				return cli_usage_error("run", "invalid queue '%s'",
						       optarg);
			break;
		case 'p':
			if (parse_priority(optarg, &o->priority))
				return cli_usage_error("run", "invalid priority '%s' (low, normal or high)",
						       optarg);
			break;
		case 'r':
			if (cli_parse_uint(optarg, RUN_MAX_REPEAT, &o->repeat) ||
			    !o->repeat)
				return cli_usage_error("run", "invalid repeat count '%s' (1..%u)",
						       optarg, RUN_MAX_REPEAT);
			break;
		case 'b':
			if (cli_parse_uint(optarg, RUN_MAX_BATCH, &o->batch) ||
			    !o->batch)
				return cli_usage_error("run", "invalid batch size '%s' (1..%u)",
						       optarg, RUN_MAX_BATCH);
			break;
		case 'S':
		case 'D':
			if (parse_placement(optarg, opt == 'S' ? &o->src_place :
					    &o->dst_place))
				return cli_usage_error("run", "invalid placement '%s' (vram or host)",
						       optarg);
			break;
		case 't':
			if (cli_parse_uint(optarg, 3600, &o->timeout_s) ||
			    !o->timeout_s)
				return cli_usage_error("run", "invalid timeout '%s'",
						       optarg);
			break;
		case 'j':
			o->json = 1;
			break;
		case 'h':
			fputs(run_usage, stdout);
			*done = 1;
			return CLI_EXIT_OK;
		default:
			return cli_bad_option("run", opt, argv);
		}
	}
	return 0;
}

static int report(const struct taihu_device_desc *desc, const struct run_opts *o,
		  const struct step *steps, int n, size_t stream_len,
		  const struct job_report *reps, unsigned int njobs)
{
	unsigned int i, failed = 0;
	double ops = 0;
	int k;

	for (i = 0; i < njobs; i++)
		failed += !job_passed(&reps[i]);
	for (k = 0; k < n; k++)
		if (steps[k].k)
			ops += kstep_ops(steps[k].k);
	if (o->json) {
		json_object *obj = json_object_new_object();
		json_object *st = json_object_new_array();
		json_object *jobs = json_object_new_array();

		if (!obj || !st || !jobs) {
			json_object_put(obj);
			json_object_put(st);
			json_object_put(jobs);
			return cli_error("out of memory");
		}
		for (k = 0; k < n; k++)
			json_object_array_add(st, json_object_new_string(steps[k].text));
		for (i = 0; i < njobs; i++)
			json_object_array_add(jobs, json_job(i, &reps[i], ops));
		cli_json_device(obj, desc);
		json_object_object_add(obj, "queue", json_object_new_uint64(o->queue));
		json_object_object_add(obj, "priority",
				       json_object_new_string(priority_name(o->priority)));
		json_object_object_add(obj, "steps", st);
		json_object_object_add(obj, "stream_bytes", json_object_new_uint64(stream_len));
		json_object_object_add(obj, "jobs", jobs);
		json_object_object_add(obj, "passed", json_object_new_uint64(njobs - failed));
		json_object_object_add(obj, "failed", json_object_new_uint64(failed));
		cli_json_print(obj);
	} else {
		char label[160];

		cli_device_label(desc, label, sizeof(label));
		printf("Device %s, queue %u, priority %s\n", label, o->queue,
		       priority_name(o->priority));
		printf("Stream: %zu bytes:", stream_len);
		for (k = 0; k < n; k++)
			printf(" %s", steps[k].text);
		printf(" (src %s, dst %s)\n", taihu_placement_name(o->src_place),
		       taihu_placement_name(o->dst_place));
		for (i = 0; i < njobs; i++)
			print_text_job(i, &reps[i], ops);
		printf("Result: %s (%u of %u jobs passed)\n",
		       failed ? "FAIL" : "PASS", njobs - failed, njobs);
	}
	return failed ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

static int run_run(int argc, char **argv)
{
	struct run_opts o = {
		.priority = DRM_TAIHU_PRIORITY_NORMAL,
		.repeat = 1,
		.batch = 1,
		.timeout_s = 30,
		.src_place = DRM_TAIHU_PLACEMENT_VRAM,
		.dst_place = DRM_TAIHU_PLACEMENT_VRAM,
	};
	struct taihu_device_info info = { .size = sizeof(info) };
	struct step steps[RUN_MAX_STEPS];
	struct taihu_bo *bos[4 * RUN_MAX_STEPS];
	struct job_report *reps = NULL;
	struct taihu_cmdbuf *cb = NULL;
	struct taihu_bo *cmd = NULL;
	struct taihu_device *dev;
	struct taihu_job job = { .size = sizeof(job) };
	unsigned int i, nb;
	uint32_t nbos = 0;
	int n = 0, k, done, ret;

	ret = parse_opts(argc, argv, &o, &done);
	if (ret || done)
		return ret;
	if (optind >= argc)
		return cli_usage_error("run", "no step given");
	if (argc - optind > RUN_MAX_STEPS)
		return cli_usage_error("run", "too many steps (at most %d)",
				       RUN_MAX_STEPS);
	for (k = optind; k < argc; k++)
		if (parse_step(argv[k], &steps[n++])) {
			free_buffers(steps, n - 1);
			return CLI_EXIT_USAGE;
		}

	ret = cli_open_device(o.device, &dev);
	if (ret) {
		free_buffers(steps, n);
		return ret;
	}
	ret = taihu_device_info(dev, &info);
	if (ret) {
		ret = cli_error("%s: device info query failed: %s",
				taihu_device_path(dev), taihu_strerror(ret));
		goto out_close;
	}
	if (o.queue >= info.num_queues) {
		ret = cli_usage_error("run", "queue %u out of range (the device has %u)",
				      o.queue, info.num_queues);
		goto out_close;
	}
	reps = calloc(o.repeat, sizeof(*reps));
	if (!reps || taihu_cmdbuf_new(&cb)) {
		ret = cli_error("out of memory");
		goto out_close;
	}
	memset(bos, 0, sizeof(bos));
	ret = setup_buffers(dev, steps, n, &o);
	if (ret)
		goto out;
	ret = build_stream(cb, steps, n);
	if (!ret)
		ret = taihu_cmdbuf_upload(cb, dev, &cmd);
	if (ret) {
		const char *why = taihu_cmdbuf_error(cb);

		ret = cli_error("cannot build the command stream: %s",
				why && *why ? why : taihu_strerror(ret));
		goto out;
	}
	for (k = 0; k < n; k++) {
		if (steps[k].src)
			bos[nbos++] = steps[k].src;
		if (steps[k].dst)
			bos[nbos++] = steps[k].dst;
		if (steps[k].k)
			nbos += kstep_bos(steps[k].k, bos + nbos);
	}
	job.queue = o.queue;
	job.priority = o.priority;
	job.cmd_bo = cmd;
	job.cmd_len = (uint32_t)taihu_cmdbuf_size(cb);
	job.bos = bos;
	job.bo_count = nbos;
	for (i = 0; i < o.repeat; i += nb) {
		nb = o.repeat - i < o.batch ? o.repeat - i : o.batch;
		run_batch(dev, &job, steps, n, &o, &reps[i], nb);
	}
	ret = report(taihu_device_get_desc(dev), &o, steps, n, taihu_cmdbuf_size(cb), reps, o.repeat);
out:
	taihu_bo_free(cmd);
out_close:
	free_buffers(steps, n);
	taihu_cmdbuf_free(cb);
	free(reps);
	taihu_device_close(dev);
	return ret;
}

const struct cli_cmd cli_cmd_run = {
	.name = "run",
	.summary = "run a command stream built from steps (nop, fill, copy, ...) and verify it",
	.usage = run_usage,
	.run = run_run,
};
