// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The thread's last error message (taihu_onnx_last_error()).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ox.h"

static _Thread_local char last_error[1024];

OX_EXPORT const char *taihu_onnx_last_error(void)
{
	return last_error;
}

void ox_err_clear(void)
{
	last_error[0] = 0;
}

int (ox_err)(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	return err;
}

int (ox_err_prefix)(int err, const char *fmt, ...)
{
	char prefix[512], old[sizeof(last_error)];
	size_t n, old_len;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, last_error, sizeof(old));
	/* truncation of very long messages is fine */
	n = strlen(prefix);
	if (n > sizeof(last_error) - 3)
		n = sizeof(last_error) - 3;
	memcpy(last_error, prefix, n);
	memcpy(last_error + n, ": ", 2);
	old_len = strnlen(old, sizeof(old) - 1);
	if (old_len > sizeof(last_error) - n - 3)
		old_len = sizeof(last_error) - n - 3;
	memcpy(last_error + n + 2, old, old_len);
	last_error[n + 2 + old_len] = 0;
	return err;
}
