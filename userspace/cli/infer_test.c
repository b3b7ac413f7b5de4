// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * `taihu infer --test DIR...`: ONNX test-case directories as the ONNX
 * project lays them out (model.onnx, test_data_set_N/input_K.pb and
 * output_K.pb), run on the card and compared with the expected outputs the
 * way ONNX's backend runner does. A directory without model.onnx stands
 * for the test cases below it. Each case passes, fails (a wrong result or
 * an error) or is unsupported (the runtime or the card cannot run it: the
 * reason names the node, the operator and what is missing).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "infer.h"

enum outcome { PASSED, FAILED, UNSUPPORTED };

static const char *const outcome_name[] = { "passed", "failed", "unsupported" };

struct case_result {
	enum outcome outcome;
	char msg[512];
	double max_abs;
	int kernels;
	double ms;		/* wall time: load, prepare, every data set */
	char ops[160];		/* the model's operators, e.g. "Conv" or "Add+Mul" */
};

/* The slowest cases, for the summary (the guest's time budget). */
#define SLOWEST 5
struct slow_case {
	const char *name;
	double ms;
};

struct op_count {
	char op[160];
	int n[3];
};

static bool is_case(const char *dir)
{
	char path[4096];

	infer_path(path, sizeof(path), "%s/model.onnx", dir);
	return access(path, R_OK) == 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Append a copy of @s to the @n strings at *@v; -1 when out of memory. */
static int push_case(char ***v, int *n, const char *s)
{
	char **nv = realloc(*v, sizeof(**v) * (size_t)(*n + 1));

	if (!nv)
		return -1;
	*v = nv;
	nv[*n] = strdup(s);
	if (!nv[*n])
		return -1;
	(*n)++;
	return 0;
}

static void free_cases(char **v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/*
 * The cases named by the command line: directories with model.onnx, or
 * their children. NULL when out of memory.
 */
static char **expand_cases(char **dirs, int n_dirs, int *count)
{
	char **v = NULL;
	int n = 0, i;

	for (i = 0; i < n_dirs; i++) {
		DIR *d;
		struct dirent *e;
		int first = n;

		if (is_case(dirs[i]) || !(d = opendir(dirs[i]))) {
			/* a missing case fails below */
			if (push_case(&v, &n, dirs[i]))
				goto oom;
			continue;
		}
		while ((e = readdir(d))) {
			char path[4096];

			if (e->d_name[0] == '.')
				continue;
			infer_path(path, sizeof(path), "%s/%s", dirs[i], e->d_name);
			if (is_case(path) && push_case(&v, &n, path)) {
				closedir(d);
				goto oom;
			}
		}
		closedir(d);
		if (n > first)
			qsort(v + first, (size_t)(n - first), sizeof(*v), cmp_str);
	}
	*count = n;
	return v ? v : calloc(1, sizeof(*v));
oom:
	free_cases(v, n);
	return NULL;
}

static void model_ops(const struct taihu_onnx_model *m, char *buf, size_t len)
{
	const char *seen[64];
	int n = 0, i, j, nodes = taihu_onnx_model_num_nodes(m);
	size_t o = 0;

	buf[0] = 0;
	for (i = 0; i < nodes; i++) {
		const char *op = taihu_onnx_model_node_op(m, i);

		for (j = 0; j < n && strcmp(seen[j], op); j++)
			;
		if (j < n || n == 64)
			continue;
		seen[n++] = op;
	}
	if (n > 1)
		qsort(seen, (size_t)n, sizeof(*seen), cmp_str);
	for (i = 0; i < n && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? "+" : "", seen[i]);
}

static enum outcome classify(int err)
{
	return err == -EOPNOTSUPP ? UNSUPPORTED : FAILED;
}

/* One test_data_set_N: set the inputs, run, compare; 0 on a pass. */
static int run_set(struct taihu_onnx_session *s, const struct taihu_onnx_model *m,
		   const char *set, const struct infer_test_opts *o, struct case_result *r)
{
	int i, err, n_in = taihu_onnx_model_num_inputs(m), n_out = taihu_onnx_model_num_outputs(m);
	char path[4096], a[96];

	for (i = 0; i < n_in; i++) {
		struct taihu_onnx_io_info info = { .size = sizeof(info) };
		struct taihu_onnx_tensor *t;

		taihu_onnx_model_input(m, i, &info);
		infer_path(path, sizeof(path), "%s/input_%d.pb", set, i);
		err = taihu_onnx_tensor_load(path, &t);
		if (err) {
			r->outcome = classify(err);
			snprintf(r->msg, sizeof(r->msg), "%s", taihu_onnx_last_error());
			return err;
		}
		err = taihu_onnx_session_set_input(s, info.name, t);
		taihu_onnx_tensor_free(t);
		if (err) {
			r->outcome = FAILED;
			snprintf(r->msg, sizeof(r->msg), "%s", taihu_onnx_last_error());
			return err;
		}
	}
	err = taihu_onnx_session_run(s);
	if (err) {
		r->outcome = classify(err);
		snprintf(r->msg, sizeof(r->msg), "%s", taihu_onnx_last_error());
		return err;
	}
	r->kernels = taihu_onnx_session_num_kernels(s);
	for (i = 0; i < n_out; i++) {
		const struct taihu_onnx_tensor *got;
		struct taihu_onnx_tensor *want;
		struct infer_cmp c;

		infer_path(path, sizeof(path), "%s/output_%d.pb", set, i);
		if (access(path, R_OK))
			continue;	/* optional outputs without a reference */
		err = taihu_onnx_tensor_load(path, &want);
		if (!err)
			err = taihu_onnx_session_output(s, i, &got);
		if (err) {
			r->outcome = FAILED;
			snprintf(r->msg, sizeof(r->msg), "%s", taihu_onnx_last_error());
			return err;
		}
		if (!infer_compare(got, want, o->rtol, o->atol, &c)) {
			r->outcome = FAILED;
			if (c.why[0])
				snprintf(r->msg, sizeof(r->msg), "output %d: %s", i, c.why);
			else
				snprintf(r->msg, sizeof(r->msg), "output %d %s: %lld of %lld elements "
					 "off; worst at %lld: %.9g, expected %.9g", i,
					 infer_type_str(got, a, sizeof(a)), (long long)c.bad,
					 (long long)c.count, (long long)c.worst, c.worst_got,
					 c.worst_want);
			taihu_onnx_tensor_free(want);
			return -EDOM;
		}
		if (c.max_abs > r->max_abs)
			r->max_abs = c.max_abs;
		taihu_onnx_tensor_free(want);
	}
	return 0;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Keep @slow sorted, slowest first. */
static void note_time(struct slow_case *slow, const char *name, double ms)
{
	int i, j;

	for (i = 0; i < SLOWEST && slow[i].name && slow[i].ms >= ms; i++)
		;
	if (i == SLOWEST)
		return;
	for (j = SLOWEST - 1; j > i; j--)
		slow[j] = slow[j - 1];
	slow[i].name = name;
	slow[i].ms = ms;
}

static void run_case(struct taihu_device *dev, const char *dir, const struct infer_test_opts *o,
		     struct case_result *r)
{
	struct taihu_onnx_model *m;
	struct taihu_onnx_session *s;
	char path[4096];
	int set, err;

	memset(r, 0, sizeof(*r));
	infer_path(path, sizeof(path), "%s/model.onnx", dir);
	err = taihu_onnx_model_load(path, &m);
	if (err) {
		r->outcome = classify(err);
		snprintf(r->msg, sizeof(r->msg), "%s", taihu_onnx_last_error());
		return;
	}
	model_ops(m, r->ops, sizeof(r->ops));
	err = taihu_onnx_session_new(dev, m, &o->run, &s);
	if (err) {
		r->outcome = FAILED;
		snprintf(r->msg, sizeof(r->msg), "%s", taihu_onnx_last_error());
		taihu_onnx_model_free(m);
		return;
	}
	r->outcome = PASSED;
	for (set = 0;; set++) {
		struct stat st;

		infer_path(path, sizeof(path), "%s/test_data_set_%d", dir, set);
		if (stat(path, &st) || !S_ISDIR(st.st_mode))
			break;
		if (run_set(s, m, path, o, r))
			break;
	}
	if (!set && r->outcome == PASSED) {
		r->outcome = FAILED;
		snprintf(r->msg, sizeof(r->msg), "no test_data_set_0");
	}
	taihu_onnx_session_free(s);
	taihu_onnx_model_free(m);
}

static const char *base_name(const char *path)
{
	const char *b = strrchr(path, '/');

	while (b && !b[1] && b > path) {	/* a trailing slash */
		const char *p = b - 1;

		while (p > path && *p != '/')
			p--;
		return *p == '/' ? p + 1 : p;
	}
	return b ? b + 1 : path;
}

static void count_op(struct op_count **ops, int *n, const struct case_result *r)
{
	int i;

	for (i = 0; i < *n; i++)
		if (!strcmp((*ops)[i].op, r->ops))
			break;
	if (i == *n) {
		struct op_count *nops = realloc(*ops, sizeof(**ops) * (size_t)(*n + 1));

		if (!nops)
			return;	/* the summary misses an operator, the run goes on */
		*ops = nops;
		memset(&(*ops)[i], 0, sizeof(**ops));
		snprintf((*ops)[i].op, sizeof((*ops)[i].op), "%s", r->ops[0] ? r->ops : "?");
		(*n)++;
	}
	(*ops)[i].n[r->outcome]++;
}

int infer_run_tests(char **dirs, int n_dirs, const struct infer_test_opts *o)
{
	struct taihu_device *dev;
	struct op_count *ops = NULL;
	int n_ops = 0, total[3] = { 0 }, n, i, rc;
	struct slow_case slow[SLOWEST] = { { 0 } };
	double all_ms = 0;
	char **cases = expand_cases(dirs, n_dirs, &n);
	json_object *jcases;

	if (!cases)
		return cli_error("out of memory listing the test cases");
	rc = cli_open_device(o->device, &dev);
	if (rc) {
		free_cases(cases, n);
		return rc;
	}
	jcases = o->json ? json_object_new_array() : NULL;
	for (i = 0; i < n; i++) {
		struct case_result r;
		const char *name = base_name(cases[i]);
		double t0 = now_ms();

		run_case(dev, cases[i], o, &r);
		r.ms = now_ms() - t0;
		all_ms += r.ms;
		note_time(slow, name, r.ms);
		total[r.outcome]++;
		count_op(&ops, &n_ops, &r);
		if (jcases) {
			json_object *jc = json_object_new_object();

			json_object_object_add(jc, "name", json_object_new_string(name));
			json_object_object_add(jc, "operators", json_object_new_string(r.ops));
			json_object_object_add(jc, "result",
					       json_object_new_string(outcome_name[r.outcome]));
			json_object_object_add(jc, "max_abs_error", json_object_new_double(r.max_abs));
			json_object_object_add(jc, "kernels", json_object_new_int(r.kernels));
			json_object_object_add(jc, "ms", json_object_new_double(r.ms));
			if (r.msg[0])
				json_object_object_add(jc, "message", json_object_new_string(r.msg));
			json_object_array_add(jcases, jc);
		} else if (o->tap) {
			if (r.outcome == PASSED)
				printf("ok %d - %s (%s)\n", i + 1, name, r.ops);
			else if (r.outcome == UNSUPPORTED)
				printf("ok %d - %s (%s) # SKIP unsupported: %s\n", i + 1, name, r.ops,
				       r.msg);
			else
				printf("not ok %d - %s (%s): %s\n", i + 1, name, r.ops, r.msg);
		} else if (r.outcome == PASSED) {
			printf("PASS        %s (max abs error %.3g, %d kernels)\n", name, r.max_abs,
			       r.kernels);
		} else {
			printf("%-11s %s: %s\n", r.outcome == FAILED ? "FAIL" : "UNSUPPORTED", name,
			       r.msg);
		}
		fflush(stdout);
	}
	if (o->by_op && !jcases)
		for (i = 0; i < n_ops; i++)
			printf("# operator %s: %d passed, %d failed, %d unsupported\n", ops[i].op,
			       ops[i].n[PASSED], ops[i].n[FAILED], ops[i].n[UNSUPPORTED]);
	if (o->by_op && !jcases && slow[0].name) {
		printf("# %d cases in %.1f s; slowest:", n, all_ms / 1e3);
		for (i = 0; i < SLOWEST && slow[i].name; i++)
			printf("%s %s %.0f ms", i ? "," : "", slow[i].name, slow[i].ms);
		printf("\n");
	}
	if (jcases) {
		json_object *top = json_object_new_object();

		cli_json_device(top, taihu_device_get_desc(dev));
		json_object_object_add(top, "cases", jcases);
		json_object_object_add(top, "passed", json_object_new_int(total[PASSED]));
		json_object_object_add(top, "failed", json_object_new_int(total[FAILED]));
		json_object_object_add(top, "unsupported", json_object_new_int(total[UNSUPPORTED]));
		cli_json_print(top);
	} else {
		if (o->tap)
			printf("1..%d\n# ", n);
		printf("%d passed, %d failed, %d unsupported\n", total[PASSED], total[FAILED],
		       total[UNSUPPORTED]);
	}
	free_cases(cases, n);
	free(ops);
	taihu_device_close(dev);
	return total[FAILED] ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}
