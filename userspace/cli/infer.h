/* SPDX-License-Identifier: MIT */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * `taihu infer`: shared by the model run (cmd_infer.c), the test-case
 * runner (infer_test.c) and the comparisons (infer_compare.c).
 */
#ifndef TAIHU_CLI_INFER_H
#define TAIHU_CLI_INFER_H

#include <stdbool.h>
#include <stdint.h>

#include <json-c/json.h>

#include "taihu/onnx.h"

/* Exit status of a model that is valid but cannot run (unsupported). */
#define INFER_EXIT_UNSUPPORTED 3

/* ONNX's backend test runner: |got - want| <= atol + rtol * |want| */
#define INFER_RTOL 1e-3
#define INFER_ATOL 1e-7

struct infer_cmp {
	char why[192];		/* set when types or shapes differ */
	int64_t count;		/* elements compared */
	int64_t bad;		/* outside the tolerance */
	int64_t worst;		/* index of the largest excess over the tolerance */
	double worst_got, worst_want;
	double max_abs, max_rel;
	int64_t rows;		/* rows of the last dimension (argmax), 0 when < 2 columns */
	int64_t rows_agree;	/* rows whose argmax is the same */
};

/* Compare @got with @want; returns true when they agree within tolerance. */
bool infer_compare(const struct taihu_onnx_tensor *got, const struct taihu_onnx_tensor *want,
		   double rtol, double atol, struct infer_cmp *r);

/*
 * Top-1 of @scores (argmax of its last dimension) against @labels (one
 * integer per row): correct rows, or -1 when the shapes do not fit.
 */
int64_t infer_top1(const struct taihu_onnx_tensor *scores,
		   const struct taihu_onnx_tensor *labels);

/* Element @i of @t as a double (bfloat16 tensors that old test data types uint16 too). */
double infer_element(const struct taihu_onnx_tensor *t, int64_t i, bool bf16_bits);

/* "float32[2,3]" */
const char *infer_type_str(const struct taihu_onnx_tensor *t, char *buf, size_t len);

/* Options of --test. */
struct infer_test_opts {
	const char *device;	/* as -d/--device names it */
	struct taihu_onnx_options run;
	double rtol, atol;
	bool tap, json, verbose, by_op;
};

/* Run ONNX test-case directories; returns the exit status. */
int infer_run_tests(char **dirs, int n_dirs, const struct infer_test_opts *o);

/* snprintf() for paths; -ENAMETOOLONG when it does not fit. */
int infer_path(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Human-readable sizes and times. */
void infer_ns(uint64_t ns, char *buf, size_t len);

#endif /* TAIHU_CLI_INFER_H */
