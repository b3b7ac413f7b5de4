// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 */
#include <stdarg.h>
#include <stdio.h>

#include "tap.h"

static unsigned int tap_n, tap_failed, tap_skipped;
static const char *tap_program = "test";

void tap_init(const char *program)
{
	tap_program = program;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n# %s\n", program);
}

bool tap_result(bool pass, const char *name_fmt, ...)
{
	va_list ap;

	printf("%sok %u ", pass ? "" : "not ", ++tap_n);
	va_start(ap, name_fmt);
	vprintf(name_fmt, ap);
	va_end(ap);
	printf("\n");
	if (!pass)
		tap_failed++;
	return pass;
}

void tap_skip(const char *name, const char *why)
{
	printf("ok %u %s # SKIP %s\n", ++tap_n, name, why);
	tap_skipped++;
}

void tap_diag(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

int tap_finish(void)
{
	printf("1..%u\n", tap_n);
	printf("# %s: %u of %u ok (%u not ok, %u skipped)\n", tap_program,
	       tap_n - tap_failed, tap_n, tap_failed, tap_skipped);
	return tap_failed ? 1 : 0;
}
