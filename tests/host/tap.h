/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Minimal TAP output for host tests: "ok N name" / "not ok N name", with
 * diagnostics as "# ..." lines and the plan printed at the end.
 */
#ifndef TAIHU_TAP_H
#define TAIHU_TAP_H

#include <stdbool.h>

void tap_init(const char *program);
/* Report one test; returns @pass. */
__attribute__((format(printf, 2, 3)))
bool tap_result(bool pass, const char *name_fmt, ...);
void tap_skip(const char *name, const char *why);
__attribute__((format(printf, 1, 2)))
void tap_diag(const char *fmt, ...);
/* Print the plan and a summary comment; returns the exit status. */
int tap_finish(void);

/*
 * Inside a test function: record the first failed check with its location
 * and keep going, so that one test line reports one scenario.
 */
struct tap_check {
	bool ok;
};

#define CHECK(t, cond) do {						\
	if (!(cond)) {							\
		tap_diag("%s:%d: check failed: %s", __FILE__, __LINE__, #cond); \
		(t)->ok = false;					\
	}								\
} while (0)

#define CHECK_EQ(t, a, b) do {						\
	long long __a = (long long)(a), __b = (long long)(b);		\
	if (__a != __b) {						\
		tap_diag("%s:%d: %s == %lld, expected %s == %lld",	\
			 __FILE__, __LINE__, #a, __a, #b, __b);		\
		(t)->ok = false;					\
	}								\
} while (0)

#endif /* TAIHU_TAP_H */
