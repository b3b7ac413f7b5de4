/* SPDX-License-Identifier: MIT */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * A minimal TAP producer for the userspace host tests.
 */
#ifndef TAIHU_TAP_H
#define TAIHU_TAP_H

/* Print "ok N - name" or "not ok N - name"; returns @cond. */
int tap_ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print a "# ..." diagnostic line. */
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "ok N - name # SKIP reason". */
void tap_skip(const char *name, const char *reason);
/* Print the plan and a summary; returns the exit status. */
int tap_finish(void);

void test_cmdbuf(void);
void test_lib_args(void);
void test_cli(const char *cli_path);
void test_metrics(void);

#endif /* TAIHU_TAP_H */
