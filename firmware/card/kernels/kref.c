// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Kernels over host memory (kref.h).
 */
#include <stdio.h>
#include <string.h>

#include "kernel.h"
#include "kref.h"
#include "scratch.h"

int kref_run(const void *pkt, size_t len, void *const *ptr, const float *const *ch_scale,
	     const int32_t *const *ch_zp, bool reference, struct tk_error *err)
{
	struct kscratch scratch = { 0 };
	struct tk_packet k;
	struct kexec x;
	unsigned int i;
	int ret;

	if (tk_parse(pkt, len, &k, err))
		return -1;
	memset(&x, 0, sizeof(x));
	x.k = &k;
	x.scratch = &scratch;
	x.reference = reference;
	for (i = 0; i < (unsigned int)k.num_inputs + k.num_outputs; i++) {
		x.t[i].d = &k.t[i];
		if (!tk_present(&k, i))
			continue;
		x.t[i].p = ptr[i];
		x.t[i].ch_scale = ch_scale ? ch_scale[i] : NULL;
		x.t[i].ch_zp = ch_zp ? ch_zp[i] : NULL;
		/* the kernels read a per-channel tensor's scales unchecked */
		if (k.t[i].quant == TAIHU_QUANT_CHANNEL && !x.t[i].ch_scale) {
			err->reason = TAIHU_REASON_QUANT;
			err->detail = TAIHU_KERNEL_DETAIL(k.kernel, tk_slot(&k, i),
							  TAIHU_FIELD_SCALE);
			snprintf(err->msg, sizeof(err->msg),
				 "tensor %u is per-channel but has no scales", i);
			return -1;
		}
	}
	ret = kernels_run(&x);
	kscratch_free(&scratch);
	if (ret != KERNEL_OK) {
		err->reason = x.reason ? x.reason : TAIHU_REASON_NO_MEMORY;
		snprintf(err->msg, sizeof(err->msg), "%s: %s", tk_kernel_name(k.kernel),
			 tk_reason_name(err->reason));
		return -2;
	}
	return 0;
}
