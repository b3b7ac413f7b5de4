/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The card's kernels over plain host memory, for whoever checks the card's
 * results with the card's own numerics: the CLI's `taihu run` kernel steps
 * and the kselftests (built with KERNELS_REFERENCE_ONLY: the reference,
 * no oneDNN) and the host tests (both paths).
 */
#ifndef TAIHU_CARD_KERNELS_KREF_H
#define TAIHU_CARD_KERNELS_KREF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kcheck.h"

/*
 * Run the KERNEL packet of @len bytes at @pkt (a whole packet, header
 * included) with tensor i at host address @ptr[i] (NULL for absent
 * operands) and, for per-channel tensors, its arrays at @ch_scale[i] and
 * @ch_zp[i] (both arrays of pointers may be NULL). @reference picks the
 * reference over the fast path. The descriptors' device addresses only
 * matter for the overlap checks.
 *
 * Returns 0; -1 with @err set when the packet is refused; -2 when the
 * kernel failed (scratch memory), with @err->reason set.
 */
int kref_run(const void *pkt, size_t len, void *const *ptr, const float *const *ch_scale,
	     const int32_t *const *ch_zp, bool reference, struct tk_error *err);

#endif /* TAIHU_CARD_KERNELS_KREF_H */
