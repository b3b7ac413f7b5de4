// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * `taihu infer`: run an ONNX model on a card (inputs from .pb/.npy files
 * or random), write or check its outputs, time it; or run ONNX test-case
 * directories (infer_test.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"
#include "infer.h"

static const char infer_usage[] =
	"Usage: taihu infer [OPTIONS] MODEL.onnx [--input [NAME=]FILE]...\n"
	"       taihu infer [OPTIONS] --test DIR...\n"
	"\n"
	"Run an ONNX model on a card: the runtime folds the shape arithmetic and\n"
	"the constants on the host, fuses and lowers the rest to card kernels,\n"
	"uploads the weights once and runs each inference as one job.\n"
	"\n"
	"Inputs and outputs:\n"
	"  -i, --input [NAME=]FILE   an input from an ONNX TensorProto (.pb) or a\n"
	"                            NumPy (.npy) file (NAME may be left out when the\n"
	"                            model has one input)\n"
	"  -r, --random              fill the inputs not given with random values\n"
	"      --shape NAME=DxD...   the shape of a random input with dynamic\n"
	"                            dimensions (default: 1 for each)\n"
	"      --seed N              seed of --random (default 1)\n"
	"  -o, --output-dir DIR      write each output as DIR/NAME.pb, or .npy when the\n"
	"                            inputs were .npy files\n"
	"      --expect [NAME=]FILE  compare an output with a reference: worst error,\n"
	"                            elements outside the tolerance, rows whose argmax\n"
	"                            agrees; a difference fails the command\n"
	"      --agree               with --expect: also fail unless every row's argmax\n"
	"                            agrees with the reference's\n"
	"      --labels FILE         top-1 accuracy of the first output (its argmax)\n"
	"                            against integer labels, and of the --expect\n"
	"                            reference next to it\n"
	"      --rtol R, --atol A    tolerance of --expect and --test: |got - want| <=\n"
	"                            atol + rtol |want| (default 1e-3 and 1e-7, as\n"
	"                            ONNX's backend tests)\n"
	"\n"
	"Test cases:\n"
	"  -t, --test                the arguments are ONNX test-case directories\n"
	"                            (model.onnx + test_data_set_*/), or directories of\n"
	"                            them; prints each case and 'N passed, N failed,\n"
	"                            N unsupported'\n"
	"      --tap                 print the cases as TAP lines\n"
	"      --by-operator         count the results per operator too\n"
	"\n"
	"Running:\n"
	"  -d, --device DEV          index, PCI address, serial or /dev/accel node\n"
	"                            of the device (default 0; see 'taihu list')\n"
	"  -q, --queue Q             hardware queue (default 0)\n"
	"  -p, --precision P         fp32 (as the model says), bf16 or fp16: run the\n"
	"                            fp32 parts of the model in that precision\n"
	"  -n, --repeat N            run N times: latency (min, median, p99), throughput,\n"
	"                            each kernel's device time (profiled runs) and\n"
	"                            the wall time by part (inputs, submit, wait, outputs)\n"
	"      --no-fusion           lower node by node\n"
	"      --no-user-queue       submit each run with SUBMIT and WAIT, not as an\n"
	"                            entry of a user queue (also: the environment's\n"
	"                            TAIHU_ONNX_NO_USER_QUEUE=1)\n"
	"  -v, --verbose             list the kernels of the plan\n"
	"  -j, --json                print a JSON object\n"
	"  -h, --help                show this help\n"
	"\n"
	"Examples:\n"
	"  taihu infer digits.onnx --input input=images.npy --output-dir out/\n"
	"  taihu infer encoder.onnx --random --shape ids=2x16 --repeat 100\n"
	"  taihu infer --test /usr/share/libonnx-testdata/data/node\n"
	"\n"
	"Exit status: 0 on success (--test: no case failed; unsupported ones do not\n"
	"fail), 1 on failure, 2 for a bad command line, 3 for a model the runtime or\n"
	"the card cannot run (what is missing is named).\n";

#define MAX_IO 64
#define MAX_REPEAT 1000000u

struct named_file {
	const char *name;	/* NULL: the model's only input/output */
	const char *file;
};

struct infer_opts {
	struct infer_test_opts t;
	struct named_file inputs[MAX_IO], expects[MAX_IO], shapes[MAX_IO];
	int n_inputs, n_expects, n_shapes;
	const char *output_dir, *labels;
	bool random, test, agree;
	unsigned int seed, repeat;
};

/* "NAME=FILE" or "FILE"; splits @arg in place (it is argv's). */
static int split_named(const char *cmd, char *arg, struct named_file *nf)
{
	char *eq = strchr(arg, '=');

	if (!*arg)
		return cli_usage_error(cmd, "empty argument");
	if (eq) {
		*eq = 0;
		nf->name = arg;
		nf->file = eq + 1;
	} else {
		nf->name = NULL;
		nf->file = arg;
	}
	return 0;
}

static int parse_precision(const char *s, uint32_t *out)
{
	if (!strcmp(s, "fp32") || !strcmp(s, "model"))
		*out = TAIHU_ONNX_PRECISION_MODEL;
	else if (!strcmp(s, "bf16"))
		*out = TAIHU_ONNX_PRECISION_BF16;
	else if (!strcmp(s, "fp16"))
		*out = TAIHU_ONNX_PRECISION_FP16;
	else
		return -1;
	return 0;
}

static const char *precision_name(uint32_t p)
{
	return p == TAIHU_ONNX_PRECISION_BF16 ? "bf16" : p == TAIHU_ONNX_PRECISION_FP16 ? "fp16" :
	       "fp32 (as the model)";
}

static int parse_double(const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	return errno || end == s || *end || *out < 0 ? -1 : 0;
}

static int parse_args(int argc, char **argv, struct infer_opts *o, int *first)
{
	enum { OPT_SHAPE = 256, OPT_SEED, OPT_EXPECT, OPT_AGREE, OPT_LABELS, OPT_RTOL, OPT_ATOL,
	       OPT_TAP, OPT_BYOP, OPT_NOFUSE, OPT_NOUQ };
	static const struct option lopts[] = {
		{ "input", required_argument, NULL, 'i' },
		{ "random", no_argument, NULL, 'r' },
		{ "shape", required_argument, NULL, OPT_SHAPE },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "output-dir", required_argument, NULL, 'o' },
		{ "expect", required_argument, NULL, OPT_EXPECT },
		{ "agree", no_argument, NULL, OPT_AGREE },
		{ "labels", required_argument, NULL, OPT_LABELS },
		{ "rtol", required_argument, NULL, OPT_RTOL },
		{ "atol", required_argument, NULL, OPT_ATOL },
		{ "test", no_argument, NULL, 't' },
		{ "tap", no_argument, NULL, OPT_TAP },
		{ "by-operator", no_argument, NULL, OPT_BYOP },
		{ "device", required_argument, NULL, 'd' },
		{ "queue", required_argument, NULL, 'q' },
		{ "precision", required_argument, NULL, 'p' },
		{ "repeat", required_argument, NULL, 'n' },
		{ "no-fusion", no_argument, NULL, OPT_NOFUSE },
		{ "no-user-queue", no_argument, NULL, OPT_NOUQ },
		{ "verbose", no_argument, NULL, 'v' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, rc;

	o->t.rtol = INFER_RTOL;
	o->t.atol = INFER_ATOL;
	o->t.run.size = sizeof(o->t.run);
	o->seed = 1;
	o->repeat = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":i:ro:td:q:p:n:vjh", lopts, NULL)) != -1) {
		switch (opt) {
		case 'i':
			if (o->n_inputs == MAX_IO)
				return cli_usage_error("infer", "too many --input");
			rc = split_named("infer", optarg, &o->inputs[o->n_inputs++]);
			if (rc)
				return rc;
			break;
		case 'r':
			o->random = true;
			break;
		case OPT_SHAPE:
			if (o->n_shapes == MAX_IO || !strchr(optarg, '='))
				return cli_usage_error("infer", "--shape takes NAME=DxD...");
			split_named("infer", optarg, &o->shapes[o->n_shapes++]);
			break;
		case OPT_SEED:
			if (cli_parse_uint(optarg, UINT32_MAX, &o->seed))
				return cli_usage_error("infer", "bad --seed '%s'", optarg);
			break;
		case 'o':
			o->output_dir = optarg;
			break;
		case OPT_EXPECT:
			if (o->n_expects == MAX_IO)
				return cli_usage_error("infer", "too many --expect");
			rc = split_named("infer", optarg, &o->expects[o->n_expects++]);
			if (rc)
				return rc;
			break;
		case OPT_AGREE:
			o->agree = true;
			break;
		case OPT_LABELS:
			o->labels = optarg;
			break;
		case OPT_RTOL:
			if (parse_double(optarg, &o->t.rtol))
				return cli_usage_error("infer", "bad --rtol '%s'", optarg);
			break;
		case OPT_ATOL:
			if (parse_double(optarg, &o->t.atol))
				return cli_usage_error("infer", "bad --atol '%s'", optarg);
			break;
		case 't':
			o->test = true;
			break;
		case OPT_TAP:
			o->t.tap = true;
			break;
		case OPT_BYOP:
			o->t.by_op = true;
			break;
		case 'd':
			o->t.device = optarg;
			break;
		case 'q':
			if (cli_parse_uint(optarg, 255, &o->t.run.queue))
				return cli_usage_error("infer", "bad queue '%s'", optarg);
			break;
		case 'p':
			if (parse_precision(optarg, &o->t.run.precision))
				return cli_usage_error("infer", "unknown precision '%s' (fp32, bf16, "
						       "fp16)", optarg);
			break;
		case 'n':
			if (cli_parse_uint(optarg, MAX_REPEAT, &o->repeat) || !o->repeat)
				return cli_usage_error("infer", "bad --repeat '%s' (1..%u)", optarg,
						       MAX_REPEAT);
			break;
		case OPT_NOFUSE:
			o->t.run.flags |= TAIHU_ONNX_NO_FUSION;
			break;
		case OPT_NOUQ:
			o->t.run.flags |= TAIHU_ONNX_NO_USER_QUEUE;
			break;
		case 'v':
			o->t.verbose = true;
			break;
		case 'j':
			o->t.json = true;
			break;
		case 'h':
			fputs(infer_usage, stdout);
			return -1;
		default:
			return cli_bad_option("infer", opt, argv);
		}
	}
	*first = optind;
	if (optind >= argc)
		return cli_usage_error("infer", o->test ? "missing test directory" : "missing model");
	if (o->test && (o->n_inputs || o->random || o->n_expects || o->output_dir || o->repeat ||
			o->labels))
		return cli_usage_error("infer", "--test takes directories only (and running "
				       "options)");
	if (!o->test && optind + 1 != argc)
		return cli_usage_error("infer", "one model at a time (inputs go with --input)");
	if (o->agree && !o->n_expects)
		return cli_usage_error("infer", "--agree needs --expect");
	return 0;
}

/* Input or output @i of @m. */
static void io_info(const struct taihu_onnx_model *m, int i, bool output,
		    struct taihu_onnx_io_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	if (output)
		taihu_onnx_model_output(m, i, info);
	else
		taihu_onnx_model_input(m, i, info);
}

static int num_io(const struct taihu_onnx_model *m, bool output)
{
	return output ? taihu_onnx_model_num_outputs(m) : taihu_onnx_model_num_inputs(m);
}

/* Index of the model input/output @name (NULL: the only one). */
static int find_io(const struct taihu_onnx_model *m, const char *name, bool output)
{
	int n = num_io(m, output), i;

	if (!name)
		return n == 1 ? 0 : -1;
	for (i = 0; i < n; i++) {
		struct taihu_onnx_io_info info;

		io_info(m, i, output, &info);
		if (!strcmp(info.name, name))
			return i;
	}
	return -1;
}

static void list_io(const struct taihu_onnx_model *m, bool output)
{
	int n = num_io(m, output), i;

	for (i = 0; i < n; i++) {
		struct taihu_onnx_io_info info;

		io_info(m, i, output, &info);
		fprintf(stderr, "%s%s", i ? ", " : "", info.name);
	}
	fputc('\n', stderr);
}

static int parse_shape(const char *s, int64_t *dims, int *rank)
{
	char *end;

	*rank = 0;
	while (*s) {
		long long v = strtoll(s, &end, 10);

		if (end == s || v < 1 || *rank == TAIHU_ONNX_MAX_RANK)
			return -1;
		dims[(*rank)++] = v;
		s = end;
		if (*s == 'x')
			s++;
		else if (*s)
			return -1;
	}
	return 0;
}

/* A random tensor for input @i of @m: uniform [-1, 1) or small integers. */
static int random_input(const struct infer_opts *o, const struct taihu_onnx_model *m, int i,
			uint32_t *state, struct taihu_onnx_tensor **out)
{
	struct taihu_onnx_io_info info = { .size = sizeof(info) };
	int64_t dims[TAIHU_ONNX_MAX_RANK], k, n;
	int rank, s, err;

	taihu_onnx_model_input(m, i, &info);
	if (info.shape_input)
		return cli_error("input '%s' determines shapes: give its value with --input",
				 info.name);
	if (info.rank < 0 || !info.dtype)
		return cli_error("input '%s' has no declared type and shape: give it with "
				 "--input", info.name);
	rank = info.rank;
	for (k = 0; k < rank; k++)
		dims[k] = info.dims[k] >= 0 ? info.dims[k] : 1;
	for (s = 0; s < o->n_shapes; s++)
		if (!strcmp(o->shapes[s].name, info.name) &&
		    (parse_shape(o->shapes[s].file, dims, &rank) || rank != info.rank))
			return cli_error("--shape %s=%s does not fit the input's rank %d", info.name,
					 o->shapes[s].file, info.rank);
	err = taihu_onnx_tensor_new(info.dtype, rank, dims, out);
	if (err)
		return cli_error("input '%s': %s", info.name, taihu_onnx_last_error());
	n = taihu_onnx_tensor_numel(*out);
	for (k = 0; k < n; k++) {
		void *d = taihu_onnx_tensor_data(*out);
		uint32_t r;

		*state ^= *state << 13;
		*state ^= *state >> 17;
		*state ^= *state << 5;
		r = *state;
		switch (info.dtype) {
		case TAIHU_ONNX_FLOAT:
			((float *)d)[k] = (float)((double)r / 2147483648.0 - 1.0);
			break;
		case TAIHU_ONNX_INT64:
			/* small non-negative values: token ids, indices */
			((int64_t *)d)[k] = r % 8;
			break;
		case TAIHU_ONNX_INT32:
			((int32_t *)d)[k] = (int32_t)(r % 8);
			break;
		case TAIHU_ONNX_UINT8: case TAIHU_ONNX_INT8: case TAIHU_ONNX_BOOL:
			((uint8_t *)d)[k] = (uint8_t)(info.dtype == TAIHU_ONNX_BOOL ? r & 1 : r);
			break;
		default:
			break;	/* zeros */
		}
	}
	return 0;
}

/* The plan and its kernels, with their device times when @kns (per kernel) is given. */
static void print_plan(struct taihu_onnx_session *s, const struct taihu_onnx_stats *st,
		       const uint64_t *kns)
{
	char w[32], a[32], u[32], io[32], pk[32];
	int i, n;

	cli_bytes(st->weights_bytes, w, sizeof(w));
	cli_bytes(st->arena_bytes, a, sizeof(a));
	cli_bytes(st->arena_unplanned_bytes, u, sizeof(u));
	cli_bytes(st->io_bytes, io, sizeof(io));
	cli_bytes(st->peak_device_bytes, pk, sizeof(pk));
	printf("Plan: %u kernels and %u copies in one job; of %u nodes %u folded on the host, "
	       "%u fused, %u views\n", st->kernels, st->copies, st->nodes, st->folded, st->fused,
	       st->aliased);
	printf("Precision: %s\n", precision_name(st->precision));
	printf("Memory: weights %s, intermediates %s (%s without reuse), host I/O %s; "
	       "peak device memory %s\n", w, a, u, io, pk);
	n = taihu_onnx_session_num_kernels(s);
	for (i = 0; i < n && st->size; i++) {
		struct taihu_onnx_kernel_info k = { .size = sizeof(k) };

		if (taihu_onnx_session_kernel(s, i, &k))
			break;
		if (kns) {
			char t[32];

			infer_ns(kns[i], t, sizeof(t));
			printf("  %3d  %-10s %-34s %10s  %s\n", i, k.kind, k.op, t, k.node);
		} else {
			printf("  %3d  %-10s %-34s  %s\n", i, k.kind, k.op, k.node);
		}
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The parts of a run's wall time (taihu_onnx_stats), medians over the runs. */
enum { PART_INPUT, PART_SUBMIT, PART_WAIT, PART_OUTPUT, PARTS };

struct timing {
	uint64_t min, median, p99, dev_median, kernels_sum;
	uint64_t part[PARTS];
	double per_s;
};

static const char *const part_name[PARTS] = { "input", "submit", "wait", "output" };

static int time_runs(struct taihu_onnx_session *s, unsigned int n, struct timing *t)
{
	uint64_t *wall = calloc(n, sizeof(*wall)), *dev = calloc(n, sizeof(*dev));
	uint64_t *part = calloc((size_t)n * PARTS, sizeof(*part));
	struct taihu_onnx_stats st = { .size = sizeof(st) };
	uint64_t total = 0;
	unsigned int i, k;
	int err = 0;

	if (!wall || !dev || !part) {
		free(wall);
		free(dev);
		free(part);
		return cli_error("out of memory");
	}
	for (i = 0; i < n; i++) {
		err = taihu_onnx_session_run(s);
		if (err)
			break;
		taihu_onnx_session_stats(s, &st);
		wall[i] = st.last_wall_ns;
		dev[i] = st.last_device_ns;
		part[PART_INPUT * n + i] = st.last_input_ns;
		part[PART_SUBMIT * n + i] = st.last_submit_ns;
		part[PART_WAIT * n + i] = st.last_wait_ns;
		part[PART_OUTPUT * n + i] = st.last_output_ns;
		total += wall[i];
	}
	if (!err) {
		qsort(wall, n, sizeof(*wall), cmp_u64);
		qsort(dev, n, sizeof(*dev), cmp_u64);
		t->min = wall[0];
		t->median = wall[n / 2];
		t->p99 = wall[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1];
		t->dev_median = dev[n / 2];
		t->per_s = total ? (double)n * 1e9 / (double)total : 0;
		for (k = 0; k < PARTS; k++) {
			qsort(part + (size_t)k * n, n, sizeof(*part), cmp_u64);
			t->part[k] = part[(size_t)k * n + n / 2];
		}
	}
	free(wall);
	free(dev);
	free(part);
	return err ? cli_error("run failed: %s", taihu_onnx_last_error()) : 0;
}

/* Profiled runs (at most this many, after one that warms the card's caches). */
#define PROFILE_RUNS 20

/*
 * Profiled runs in a session of their own: each kernel's card time, the
 * median over the runs (@kmed, malloc'ed), and the median of their sums:
 * one run alone is at the mercy of the host's scheduler.
 */
static int profile_kernels(struct taihu_device *dev, const struct taihu_onnx_model *m,
			   const struct infer_opts *o, struct taihu_onnx_tensor **inputs,
			   struct taihu_onnx_session **out, uint64_t **kmed, uint64_t *sum)
{
	struct taihu_onnx_options ro = o->t.run;
	unsigned int runs = o->repeat < PROFILE_RUNS ? o->repeat : PROFILE_RUNS, r;
	struct taihu_onnx_session *s;
	uint64_t *per = NULL, *sums = NULL, *col = NULL;
	int i, n, err;

	*out = NULL;
	*kmed = NULL;
	*sum = 0;
	ro.flags |= TAIHU_ONNX_PROFILE;
	err = taihu_onnx_session_new(dev, m, &ro, &s);
	for (i = 0; !err && i < taihu_onnx_model_num_inputs(m); i++) {
		struct taihu_onnx_io_info info = { .size = sizeof(info) };

		taihu_onnx_model_input(m, i, &info);
		err = taihu_onnx_session_set_input(s, info.name, inputs[i]);
	}
	if (!err)
		err = taihu_onnx_session_run(s);
	n = err ? 0 : taihu_onnx_session_num_kernels(s);
	if (!err) {
		per = calloc((size_t)runs * (size_t)(n + 1), sizeof(*per));
		sums = calloc(runs, sizeof(*sums));
		col = calloc(runs, sizeof(*col));
		*kmed = calloc((size_t)n + 1, sizeof(**kmed));
		if (!per || !sums || !col || !*kmed)
			err = -ENOMEM;
	}
	for (r = 0; !err && r < runs; r++) {
		err = taihu_onnx_session_run(s);
		for (i = 0; !err && i < n; i++) {
			struct taihu_onnx_kernel_info k = { .size = sizeof(k) };

			if (!taihu_onnx_session_kernel(s, i, &k)) {
				per[(size_t)i * runs + r] = k.device_ns;
				sums[r] += k.device_ns;
			}
		}
	}
	if (!err) {
		for (i = 0; i < n; i++) {
			memcpy(col, per + (size_t)i * runs, runs * sizeof(*col));
			qsort(col, runs, sizeof(*col), cmp_u64);
			(*kmed)[i] = col[runs / 2];
		}
		qsort(sums, runs, sizeof(*sums), cmp_u64);
		*sum = sums[runs / 2];
	}
	free(per);
	free(sums);
	free(col);
	if (err) {
		free(*kmed);
		*kmed = NULL;
		taihu_onnx_session_free(s);
		cli_error("profiled run failed: %s", err == -ENOMEM ? "out of memory" :
			  taihu_onnx_last_error());
		return CLI_EXIT_FAIL;	/* said here: the caller's goto depends on it */
	}
	*out = s;
	return 0;
}

static int write_output(const struct infer_opts *o, const struct taihu_onnx_tensor *t,
			int format, char *path, size_t len)
{
	const char *name = taihu_onnx_tensor_name(t);
	char safe[256];
	size_t i;

	/* output names may hold '/' (PyTorch's "/layer/Add_output_0") */
	snprintf(safe, sizeof(safe), "%s", *name ? name : "output");
	for (i = 0; safe[i]; i++)
		if (safe[i] == '/')
			safe[i] = '_';
	infer_path(path, len, "%s/%s.%s", o->output_dir, safe,
		 format == TAIHU_ONNX_FORMAT_NPY ? "npy" : "pb");
	if (taihu_onnx_tensor_save(t, path, format))
		return cli_error("%s", taihu_onnx_last_error());
	return 0;
}

static int run_model(const char *path, struct infer_opts *o)
{
	struct taihu_onnx_tensor *inputs[MAX_IO] = { 0 };
	struct taihu_onnx_model *m = NULL;
	struct taihu_onnx_session *s = NULL, *prof = NULL;
	uint64_t *kmed = NULL;
	struct taihu_onnx_stats st = { .size = sizeof(st) };
	struct taihu_device *dev = NULL;
	struct timing tm = { 0 };
	json_object *jo = NULL, *jouts = NULL;
	int n_in, n_out, i, rc = CLI_EXIT_FAIL, format = TAIHU_ONNX_FORMAT_PB;
	uint32_t state = o->seed ? o->seed : 1;
	bool mismatch = false;
	char buf[96];

	rc = taihu_onnx_model_load(path, &m);
	if (rc) {
		cli_error("%s", taihu_onnx_last_error());
		return rc == -EOPNOTSUPP ? INFER_EXIT_UNSUPPORTED : CLI_EXIT_FAIL;
	}
	rc = CLI_EXIT_FAIL;
	n_in = taihu_onnx_model_num_inputs(m);
	n_out = taihu_onnx_model_num_outputs(m);
	if (n_in > MAX_IO || n_out > MAX_IO) {
		cli_error("%s: more than %d inputs or outputs", path, MAX_IO);
		goto out;
	}
	for (i = 0; i < o->n_inputs; i++) {
		int k = find_io(m, o->inputs[i].name, false);
		struct taihu_onnx_tensor *t;

		if (k < 0) {
			cli_error("%s: no input '%s'; the model's inputs are:", path,
				  o->inputs[i].name ? o->inputs[i].name : "(several: name one)");
			list_io(m, false);
			goto out;
		}
		if (taihu_onnx_tensor_load(o->inputs[i].file, &t)) {
			cli_error("%s", taihu_onnx_last_error());
			goto out;
		}
		format = taihu_onnx_tensor_format(t);
		taihu_onnx_tensor_free(inputs[k]);
		inputs[k] = t;
	}
	for (i = 0; i < n_in; i++) {
		if (inputs[i])
			continue;
		if (!o->random) {
			struct taihu_onnx_io_info info = { .size = sizeof(info) };

			taihu_onnx_model_input(m, i, &info);
			cli_error("%s: input '%s' is missing (give it with --input, or --random)",
				  path, info.name);
			goto out;
		}
		if (random_input(o, m, i, &state, &inputs[i]))
			goto out;
	}
	if (cli_open_device(o->t.device, &dev))
		goto out;
	if (taihu_onnx_session_new(dev, m, &o->t.run, &s)) {
		cli_error("%s", taihu_onnx_last_error());
		goto out;
	}
	for (i = 0; i < n_in; i++) {
		struct taihu_onnx_io_info info = { .size = sizeof(info) };

		taihu_onnx_model_input(m, i, &info);
		if (taihu_onnx_session_set_input(s, info.name, inputs[i])) {
			cli_error("%s", taihu_onnx_last_error());
			goto out;
		}
	}
	rc = taihu_onnx_session_run(s);
	if (rc) {
		cli_error("%s", taihu_onnx_last_error());
		/* the model is valid, the runtime or the card cannot run it */
		rc = rc == -EOPNOTSUPP ? INFER_EXIT_UNSUPPORTED : CLI_EXIT_FAIL;
		goto out;
	}
	rc = CLI_EXIT_FAIL;
	if (o->repeat) {
		if (time_runs(s, o->repeat, &tm) ||
		    profile_kernels(dev, m, o, inputs, &prof, &kmed, &tm.kernels_sum))
			goto out;
	}
	taihu_onnx_session_stats(s, &st);
	if (o->t.json) {
		jo = json_object_new_object();
		jouts = json_object_new_array();
		json_object_object_add(jo, "model", json_object_new_string(path));
		json_object_object_add(jo, "opset", json_object_new_int(taihu_onnx_model_opset(m)));
		cli_json_device(jo, taihu_device_get_desc(dev));
		json_object_object_add(jo, "precision",
				       json_object_new_string(o->t.run.precision == 1 ? "bf16" :
							      o->t.run.precision == 2 ? "fp16" :
							      "fp32"));
		json_object_object_add(jo, "nodes", json_object_new_int((int)st.nodes));
		json_object_object_add(jo, "folded", json_object_new_int((int)st.folded));
		json_object_object_add(jo, "fused", json_object_new_int((int)st.fused));
		json_object_object_add(jo, "views", json_object_new_int((int)st.aliased));
		json_object_object_add(jo, "kernels", json_object_new_int((int)st.kernels));
		json_object_object_add(jo, "copies", json_object_new_int((int)st.copies));
		json_object_object_add(jo, "weights_bytes", json_object_new_int64((int64_t)st.weights_bytes));
		json_object_object_add(jo, "arena_bytes", json_object_new_int64((int64_t)st.arena_bytes));
		json_object_object_add(jo, "arena_unplanned_bytes",
				       json_object_new_int64((int64_t)st.arena_unplanned_bytes));
		json_object_object_add(jo, "io_bytes", json_object_new_int64((int64_t)st.io_bytes));
		json_object_object_add(jo, "peak_device_bytes",
				       json_object_new_int64((int64_t)st.peak_device_bytes));
		json_object_object_add(jo, "prepare_ns", json_object_new_int64((int64_t)st.prepare_ns));
		json_object_object_add(jo, "wall_ns", json_object_new_int64((int64_t)st.last_wall_ns));
		json_object_object_add(jo, "device_ns", json_object_new_int64((int64_t)st.last_device_ns));
		json_object_object_add(jo, "submission",
				       json_object_new_string(st.last_user_queue ? "user-queue" :
							      "submit"));
	} else {
		printf("Model: %s (opset %d, %s)\n", path, taihu_onnx_model_opset(m),
		       *taihu_onnx_model_producer(m) ? taihu_onnx_model_producer(m) : "no producer");
		cli_device_label(taihu_device_get_desc(dev), buf, sizeof(buf));
		printf("Device: %s\n", buf);
		printf("Submission: %s\n", st.last_user_queue ? "user queue" : "SUBMIT");
		if (o->t.verbose)
			print_plan(s, &st, NULL);
		else {
			struct taihu_onnx_stats q = st;

			q.size = 0;	/* no kernel list */
			print_plan(s, &q, NULL);
		}
	}

	for (i = 0; i < n_out; i++) {
		const struct taihu_onnx_tensor *t;
		char file[4096] = "";

		taihu_onnx_session_output(s, i, &t);
		if (o->output_dir) {
			mkdir(o->output_dir, 0755);
			if (write_output(o, t, format, file, sizeof(file)))
				goto out;
		}
		if (jouts) {
			json_object *j = json_object_new_object();

			json_object_object_add(j, "name", json_object_new_string(taihu_onnx_tensor_name(t)));
			json_object_object_add(j, "type", json_object_new_string(infer_type_str(t, buf, sizeof(buf))));
			if (*file)
				json_object_object_add(j, "file", json_object_new_string(file));
			json_object_array_add(jouts, j);
		} else {
			printf("Output %s: %s%s%s\n", taihu_onnx_tensor_name(t),
			       infer_type_str(t, buf, sizeof(buf)), *file ? " -> " : "", file);
		}
	}
	for (i = 0; i < o->n_expects; i++) {
		int k = find_io(m, o->expects[i].name, true);
		const struct taihu_onnx_tensor *got;
		struct taihu_onnx_tensor *want;
		struct infer_cmp c;
		bool ok;

		if (k < 0) {
			cli_error("--expect: no output '%s'", o->expects[i].name ? o->expects[i].name :
				  "(several: name one)");
			goto out;
		}
		if (taihu_onnx_tensor_load(o->expects[i].file, &want)) {
			cli_error("%s", taihu_onnx_last_error());
			goto out;
		}
		taihu_onnx_session_output(s, k, &got);
		ok = infer_compare(got, want, o->t.rtol, o->t.atol, &c);
		if (o->agree && c.rows_agree != c.rows)
			ok = false;
		mismatch |= !ok;
		if (jouts) {
			json_object *j = json_object_array_get_idx(jouts, (size_t)k);

			json_object_object_add(j, "max_abs_error", json_object_new_double(c.max_abs));
			json_object_object_add(j, "max_rel_error", json_object_new_double(c.max_rel));
			json_object_object_add(j, "elements_off", json_object_new_int64(c.bad));
			json_object_object_add(j, "rows", json_object_new_int64(c.rows));
			json_object_object_add(j, "rows_agree", json_object_new_int64(c.rows_agree));
			json_object_object_add(j, "matches", json_object_new_boolean(ok));
		} else if (c.why[0]) {
			printf("Compared with %s: %s\n", o->expects[i].file, c.why);
		} else {
			printf("Compared with %s: max abs error %.3g, max rel error %.3g, %lld of "
			       "%lld elements outside rtol %g atol %g", o->expects[i].file, c.max_abs,
			       c.max_rel, (long long)c.bad, (long long)c.count, o->t.rtol,
			       o->t.atol);
			if (c.rows)
				printf("; argmax agrees in %lld of %lld rows", (long long)c.rows_agree,
				       (long long)c.rows);
			printf(" -> %s\n", ok ? "match" : "MISMATCH");
		}
		if (o->labels && k == 0) {
			struct taihu_onnx_tensor *lab;

			if (taihu_onnx_tensor_load(o->labels, &lab)) {
				taihu_onnx_tensor_free(want);
				cli_error("%s", taihu_onnx_last_error());
				goto out;
			}
			{
				int64_t card = infer_top1(got, lab), ref = infer_top1(want, lab);
				int64_t rows = taihu_onnx_tensor_numel(lab);

				if (jo) {
					json_object_object_add(jo, "labels", json_object_new_int64(rows));
					json_object_object_add(jo, "card_correct", json_object_new_int64(card));
					json_object_object_add(jo, "reference_correct", json_object_new_int64(ref));
				} else if (card >= 0 && ref >= 0) {
					printf("Accuracy: card %.2f%% (%lld of %lld), reference %.2f%% "
					       "(%lld of %lld)\n", 100.0 * (double)card / (double)rows,
					       (long long)card, (long long)rows,
					       100.0 * (double)ref / (double)rows, (long long)ref,
					       (long long)rows);
				} else {
					printf("Accuracy: the labels do not fit the output\n");
				}
			}
			taihu_onnx_tensor_free(lab);
		}
		taihu_onnx_tensor_free(want);
	}
	if (o->labels && !o->n_expects) {
		const struct taihu_onnx_tensor *got;
		struct taihu_onnx_tensor *lab;
		int64_t card;

		if (taihu_onnx_tensor_load(o->labels, &lab)) {
			cli_error("%s", taihu_onnx_last_error());
			goto out;
		}
		taihu_onnx_session_output(s, 0, &got);
		card = infer_top1(got, lab);
		if (jo)
			json_object_object_add(jo, "card_correct", json_object_new_int64(card));
		else
			printf("Accuracy: card %lld of %lld\n", (long long)card,
			       (long long)taihu_onnx_tensor_numel(lab));
		taihu_onnx_tensor_free(lab);
	}
	if (o->repeat) {
		int64_t batch = taihu_onnx_tensor_rank(inputs[0]) ?
				taihu_onnx_tensor_dims(inputs[0])[0] : 1;
		double overhead = tm.kernels_sum ? (double)tm.median / (double)tm.kernels_sum : 0;

		if (jo) {
			json_object *r = json_object_new_object(), *ks = json_object_new_array();
			int n = taihu_onnx_session_num_kernels(prof);

			json_object_object_add(r, "runs", json_object_new_int((int)o->repeat));
			json_object_object_add(r, "latency_min_ns", json_object_new_int64((int64_t)tm.min));
			json_object_object_add(r, "latency_median_ns", json_object_new_int64((int64_t)tm.median));
			json_object_object_add(r, "latency_p99_ns", json_object_new_int64((int64_t)tm.p99));
			json_object_object_add(r, "device_median_ns", json_object_new_int64((int64_t)tm.dev_median));
			json_object_object_add(r, "kernels_sum_ns", json_object_new_int64((int64_t)tm.kernels_sum));
			json_object_object_add(r, "inferences_per_s", json_object_new_double(tm.per_s));
			json_object_object_add(r, "batch", json_object_new_int64(batch));
			json_object_object_add(r, "overhead", json_object_new_double(overhead));
			{
				json_object *h = json_object_new_object();

				for (i = 0; i < PARTS; i++) {
					char key[32];

					snprintf(key, sizeof(key), "%s_ns", part_name[i]);
					json_object_object_add(h, key,
							       json_object_new_int64((int64_t)tm.part[i]));
				}
				json_object_object_add(r, "wall_parts_median", h);
			}
			for (i = 0; i < n; i++) {
				struct taihu_onnx_kernel_info k = { .size = sizeof(k) };
				json_object *jk = json_object_new_object();

				taihu_onnx_session_kernel(prof, i, &k);
				json_object_object_add(jk, "kind", json_object_new_string(k.kind));
				json_object_object_add(jk, "op", json_object_new_string(k.op));
				json_object_object_add(jk, "node", json_object_new_string(k.node));
				json_object_object_add(jk, "device_ns", json_object_new_int64((int64_t)kmed[i]));
				json_object_array_add(ks, jk);
			}
			json_object_object_add(r, "kernels", ks);
			json_object_object_add(jo, "repeat", r);
		} else {
			char a[32], b[32], c[32], d[32], e[32];
			struct taihu_onnx_stats pst = { .size = sizeof(pst) };

			infer_ns(tm.min, a, sizeof(a));
			infer_ns(tm.median, b, sizeof(b));
			infer_ns(tm.p99, c, sizeof(c));
			infer_ns(tm.dev_median, d, sizeof(d));
			infer_ns(tm.kernels_sum, e, sizeof(e));
			printf("Latency over %u runs: min %s, median %s, p99 %s (wall time in this "
			       "process, inputs written to outputs read)\n", o->repeat, a, b, c);
			printf("Throughput: %.1f inferences/s, %.1f items/s (batch %lld)\n", tm.per_s,
			       tm.per_s * (double)batch, (long long)batch);
			printf("Card: job median %s; kernels %s in all (median of %u profiled runs); "
			       "wall / kernels = %.2f\n", d, e,
			       o->repeat < PROFILE_RUNS ? o->repeat : PROFILE_RUNS, overhead);
			printf("Wall time by part (medians):");
			for (i = 0; i < PARTS; i++) {
				infer_ns(tm.part[i], a, sizeof(a));
				printf(" %s %s%s", part_name[i], a, i + 1 < PARTS ? "," : "");
			}
			printf(" (wait: the card job and its completion)\n");
			taihu_onnx_session_stats(prof, &pst);
			print_plan(prof, &pst, kmed);
		}
	}
	if (jo) {
		json_object_object_add(jo, "outputs", jouts);
		cli_json_print(jo);
		jo = NULL;
	}
	rc = mismatch ? CLI_EXIT_FAIL : CLI_EXIT_OK;
out:
	json_object_put(jo);
	free(kmed);
	taihu_onnx_session_free(prof);
	taihu_onnx_session_free(s);
	taihu_device_close(dev);
	for (i = 0; i < MAX_IO; i++)
		taihu_onnx_tensor_free(inputs[i]);
	taihu_onnx_model_free(m);
	return rc;
}

static int cmd_infer(int argc, char **argv)
{
	struct infer_opts o;
	int first = 0, rc;

	memset(&o, 0, sizeof(o));
	rc = parse_args(argc, argv, &o, &first);
	if (rc)
		return rc < 0 ? CLI_EXIT_OK : rc;
	if (o.test)
		return infer_run_tests(argv + first, argc - first, &o.t);
	return run_model(argv[first], &o);
}

const struct cli_cmd cli_cmd_infer = {
	.name = "infer",
	.summary = "run an ONNX model or ONNX test cases on a card",
	.usage = infer_usage,
	.run = cmd_infer,
};
