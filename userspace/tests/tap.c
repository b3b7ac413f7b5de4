// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The TAP producer of the userspace host tests (tap.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "tap.h"

static int tests_run, tests_failed, tests_skipped;

int tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	tests_run++;
	if (!cond)
		tests_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tests_run);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	return cond;
}

void tap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

void tap_skip(const char *name, const char *reason)
{
	tests_run++;
	tests_skipped++;
	printf("ok %d - %s # SKIP %s\n", tests_run, name, reason);
}

int tap_finish(void)
{
	printf("1..%d\n", tests_run);
	printf("# %d passed, %d failed, %d skipped\n",
	       tests_run - tests_failed - tests_skipped, tests_failed,
	       tests_skipped);
	return tests_failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
