/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * A job's view of device memory. Jobs of context 0, and every job when the
 * firmware has no MMU, use device addresses directly (dma.h: VRAM below
 * vram_size, host memory above TAIHU_DEVADDR_HOST_BASE; without an MMU a
 * user context reaches VRAM only). Jobs of other contexts use virtual
 * addresses translated page by page by the MMU (mmu.h).
 *
 * Packets work on "spans": the longest run of bytes at an address that is
 * contiguous in the card's own memory, so a copy of physically contiguous
 * pages is one memmove() however many pages it covers.
 */
#ifndef TAIHU_CARD_JOBMEM_H
#define TAIHU_CARD_JOBMEM_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "card.h"

/*
 * Longest span handed out at once: long jobs notice an abort between
 * spans, and memmove() of pieces that fit the L2 cache measured 10-15%
 * faster than of 8 MiB pieces or of a whole 64 MiB range.
 */
#define JOBMEM_MAX_SPAN		(256ULL << 10)

/* Pages a range check translates between two looks at the abort flag. */
#define JOBMEM_CHECK_BATCH	4096

struct job_mem {
	struct card *card;
	struct tlb *tlb;
	atomic_bool *abort;
	volatile void *progress;	/* may be NULL: bumped between spans (engine.h) */
	uint32_t context;
	bool translated;
};

/* Why an access failed: the job status and what goes into the completion. */
struct mem_fault {
	uint32_t status;	/* TAIHU_STATUS_DMA_ERROR, _MMU_FAULT or _ABORTED */
	uint32_t access;	/* enum taihu_access */
	uint64_t addr;		/* the first unreachable device (virtual) address */
};

/*
 * @abort (set by QUEUE_DISABLE or RESET) stops a long range check;
 * @progress (may be NULL) counts the spans and check batches.
 */
void jobmem_init(struct job_mem *m, struct card *card, struct tlb *tlb,
		 atomic_bool *abort, volatile void *progress, uint32_t context);

/*
 * Check that all of [@addr, @addr + @len) is reachable for @access without
 * touching it. Returns 0, or -1 with @f naming the lowest failing address
 * (or status ABORTED). An empty range is always reachable.
 */
int jobmem_check(const struct job_mem *m, uint64_t addr, uint64_t len,
		 enum taihu_access access, struct mem_fault *f);

/*
 * The span at @addr: returns a pointer to it and its length in *@span
 * (1..min(@len, JOBMEM_MAX_SPAN)); or NULL with @f filled. @len > 0.
 */
uint8_t *jobmem_span(const struct job_mem *m, uint64_t addr, uint64_t len,
		     enum taihu_access access, uint64_t *span, struct mem_fault *f);

/*
 * The span ending at @addr + @len (for copies that run backwards): returns
 * a pointer to its first byte and its length in *@span. @len > 0.
 */
uint8_t *jobmem_span_back(const struct job_mem *m, uint64_t addr, uint64_t len,
			  enum taihu_access access, uint64_t *span, struct mem_fault *f);

/*
 * All of [@addr, @addr + @len) as one pointer when it is contiguous in the
 * card's memory (a VRAM buffer usually is; host pages rarely are), else
 * NULL. The range must have passed jobmem_check(). @len > 0.
 */
uint8_t *jobmem_contig(const struct job_mem *m, uint64_t addr, uint64_t len,
		       enum taihu_access access);

/*
 * Copy between a checked range of device memory and the card's own
 * memory, span by span. Return 0, or -1 with @f filled (a mapping changed
 * since the check, or an abort during a long copy).
 */
int jobmem_read(const struct job_mem *m, uint64_t addr, void *dst, uint64_t len,
		struct mem_fault *f);
int jobmem_write(const struct job_mem *m, uint64_t addr, const void *src, uint64_t len,
		 struct mem_fault *f);

#endif /* TAIHU_CARD_JOBMEM_H */
