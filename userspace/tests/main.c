// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Host tests of libtaihu and the taihu CLI: everything that can be checked
 * without a device. Usage: userspace_host_test PATH_TO_TAIHU_CLI
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include "tap.h"

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s PATH_TO_TAIHU_CLI\n", argv[0]);
		return 2;
	}
	printf("TAP version 13\n");
	test_cmdbuf();
	test_lib_args();
	test_cli(argv[1]);
	test_metrics();
	return tap_finish();
}
