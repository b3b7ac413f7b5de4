/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The KERNEL packet on the card: the packet checks (kcheck.h), what the
 * running firmware enables (its kernel table and limits), the tensors'
 * memory (every extent checked through the MMU before anything is
 * written; scattered tensors staged through the engine's scratch), then
 * the kernel itself (kernels/kernel.h).
 */
#ifndef TAIHU_CARD_KERNEL_EXEC_H
#define TAIHU_CARD_KERNEL_EXEC_H

#include <stdint.h>

#include "card.h"
#include "jobmem.h"

/* How a KERNEL packet ended. */
struct kernel_result {
	uint32_t status;	/* TAIHU_STATUS_* */
	uint32_t reason;	/* enum taihu_kernel_reason, for INVALID_KERNEL / UNSUPPORTED */
	uint32_t detail;	/* TAIHU_KERNEL_DETAIL() */
	struct mem_fault fault;	/* for DMA_ERROR, MMU_FAULT and ABORTED */
};

/* Run the KERNEL packet of @len bytes at @pkt on engine @e. Returns 0 on success. */
int kernel_execute(struct engine *e, const struct job_mem *mem, const uint8_t *pkt,
		   uint32_t len, struct kernel_result *res);

/* Free the engine's kernel scratch (at QUEUE_DISABLE). */
void kernel_engine_release(struct engine *e);

#endif /* TAIHU_CARD_KERNEL_EXEC_H */
