// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Fuzz target: the .fw description parser of taihu-fwpack on arbitrary
 * text. The description is named as if it lived in a directory that does
 * not exist, so "code = file:NAME" with a relative NAME opens nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwdesc.h"
#include "fw_verify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fw_desc d;
	FILE *in;

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	/* fmemopen() of zero bytes fails; an empty description is one blank line. */
	in = fmemopen(size ? (void *)data : (void *)"\n", size ? size : 1, "r");
	if (!in)
		return 0;
	if (!fw_desc_parse_stream(in, "/nonexistent-taihu-fuzz/fuzz.fw", devnull, &d)) {
		if (!d.fw_version && !d.cfg.num_queues)
			abort();
		if (d.cfg.num_queues < 1 || d.cfg.num_queues > TAIHU_MAX_QUEUES ||
		    d.cfg.max_cmd_len % 8 || !d.cfg.max_ring_entries ||
		    (d.cfg.max_ring_entries & (d.cfg.max_ring_entries - 1)) ||
		    !memchr(d.version_str, 0, sizeof(d.version_str)) ||
		    !memchr(d.build, 0, sizeof(d.build)) ||
		    (d.code && !d.code_size))
			abort();
		fw_desc_free(&d);
	}
	fclose(in);
	return 0;
}
