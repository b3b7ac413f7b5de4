/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * KERNEL_BENCH: how long oneDNN itself takes, called directly in the card
 * process, for a GEMM or a CONV2D: the yardstick that the kernel benchmark
 * (tests/bench/taihu_bench_kernels.c) divides the card's device time by,
 * as MEMCPY_BENCH is for copies.
 */
#ifndef TAIHU_CARD_KBENCH_H
#define TAIHU_CARD_KBENCH_H

#include "taihu_card_api.h"

/*
 * Check @b, allocate and fill the operands, run the operation once
 * untimed and @b->iterations times timed with the card clock; @b->ns gets
 * the median. Returns 0, -EINVAL (bad request), -ENOMEM or -EIO (oneDNN
 * failed or has no fast implementation).
 */
int kbench_run(struct taihu_mbox_kernel_bench *b);

#endif /* TAIHU_CARD_KBENCH_H */
