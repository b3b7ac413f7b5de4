// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * taihu_mmu_fault: a helper for the guest jobs (not a kselftest) that
 * causes one MMU fault on purpose: a job of a fresh device context reads
 * an address it never mapped. Prints the context id and the address;
 * exits 0 when the job ended with MMU_FAULT.
 *   usage: taihu_mmu_fault [NODE]   (default: the first Taihu device)
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>

#include "taihu_test_util.h"

#define FAULT_VA	0x7f00000000ULL	/* inside the VA space, never mapped */

int main(int argc, char **argv)
{
	struct taihu_context_info ci = { .size = sizeof(ci) };
	struct taihu_job_result res = { .size = sizeof(res) };
	struct taihu_device *dev;
	struct taihu_cmdbuf *cb;
	struct taihu_bo *dst;
	int ret;

	ret = argc > 1 ? taihu_device_open(argv[1], &dev) : tt_open_first(&dev, NULL);
	if (ret) {
		fprintf(stderr, "taihu_mmu_fault: cannot open the device: %s\n", taihu_strerror(ret));
		return 1;
	}
	if (taihu_context_info(dev, &ci) ||
	    taihu_bo_create(dev, 4096, DRM_TAIHU_PLACEMENT_VRAM, &dst) ||
	    taihu_cmdbuf_new(&cb) || taihu_cmdbuf_copy(cb, FAULT_VA, taihu_bo_dev_addr(dst), 4096) < 0) {
		fprintf(stderr, "taihu_mmu_fault: setup failed\n");
		return 1;
	}
	ret = taihu_run(dev, cb, 0, &dst, 1, TT_JOB_TIMEOUT_NS, &res);
	printf("context %u address 0x%" PRIx64 " status %s\n", ci.context_id, (uint64_t)FAULT_VA,
	       taihu_job_status_name(res.status));
	taihu_cmdbuf_free(cb);
	taihu_bo_free(dst);
	taihu_device_close(dev);
	return ret == -TAIHU_EJOBFAILED && res.status == DRM_TAIHU_JOB_MMU_FAULT ? 0 : 1;
}
