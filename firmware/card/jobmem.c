// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Spans of a job's memory. A translated span grows page by page while the
 * next page's target follows the previous one in the card's mapping; the
 * page-table entries are re-read through the TLB, never trusted from an
 * earlier check, so a guest rewriting its page tables mid-job gets a fault,
 * not a wild access.
 */
#include "dma.h"
#include "jobmem.h"
#include "mmu.h"

#define PAGE		TAIHU_MMU_PAGE_SIZE
#define PAGE_MASK	(TAIHU_MMU_PAGE_SIZE - 1)

void jobmem_init(struct job_mem *m, struct card *card, struct tlb *tlb,
		 atomic_bool *abort, uint32_t context)
{
	m->card = card;
	m->tlb = tlb;
	m->abort = abort;
	m->context = context;
	m->translated = context != 0 && (card->cfg.capabilities & TAIHU_CARD_CAP_MMU);
}

static void set_fault(struct mem_fault *f, uint32_t status, enum taihu_access access,
		      uint64_t addr)
{
	f->status = status;
	f->access = access;
	f->addr = addr;
}

static uint8_t *translate(const struct job_mem *m, uint64_t va, enum taihu_access access)
{
	return mmu_translate(m->card, m->tlb, m->context, va, access);
}

static uint8_t *resolve(const struct job_mem *m, uint64_t addr, uint64_t len,
			enum taihu_access access, struct mem_fault *f)
{
	uint64_t bad;
	uint8_t *p = dma_resolve(m->card, m->context, addr, len, &bad);

	if (!p)
		set_fault(f, TAIHU_STATUS_DMA_ERROR, access, bad);
	return p;
}

int jobmem_check(const struct job_mem *m, uint64_t addr, uint64_t len,
		 enum taihu_access access, struct mem_fault *f)
{
	unsigned int pages = 0;

	if (!len)
		return 0;
	if (!m->translated)
		return resolve(m, addr, len, access, f) ? 0 : -1;
	/* Translation fails at MMU_VA_LIMIT, so addr never wraps. */
	while (len) {
		uint64_t step = PAGE - (addr & PAGE_MASK);

		if (++pages % JOBMEM_CHECK_BATCH == 0 &&
		    atomic_load_explicit(m->abort, memory_order_relaxed)) {
			set_fault(f, TAIHU_STATUS_ABORTED, access, 0);
			return -1;
		}
		if (!translate(m, addr, access)) {
			set_fault(f, TAIHU_STATUS_MMU_FAULT, access, addr);
			return -1;
		}
		if (step > len)
			step = len;
		addr += step;
		len -= step;
	}
	return 0;
}

uint8_t *jobmem_span(const struct job_mem *m, uint64_t addr, uint64_t len,
		     enum taihu_access access, uint64_t *span, struct mem_fault *f)
{
	uint8_t *p, *q;
	uint64_t n;

	if (!m->translated) {
		p = resolve(m, addr, len, access, f);
		*span = len < JOBMEM_MAX_SPAN ? len : JOBMEM_MAX_SPAN;
		return p;
	}
	p = translate(m, addr, access);
	if (!p) {
		set_fault(f, TAIHU_STATUS_MMU_FAULT, access, addr);
		return NULL;
	}
	n = PAGE - (addr & PAGE_MASK);
	while (n < len && n < JOBMEM_MAX_SPAN) {
		q = translate(m, addr + n, access);
		if (q != p + n)
			break;	/* a fault there is reported by the next call */
		n += len - n < PAGE ? len - n : PAGE;
	}
	if (n > len)
		n = len;
	*span = n < JOBMEM_MAX_SPAN ? n : JOBMEM_MAX_SPAN;
	return p;
}

uint8_t *jobmem_span_back(const struct job_mem *m, uint64_t addr, uint64_t len,
			  enum taihu_access access, uint64_t *span, struct mem_fault *f)
{
	uint64_t end, lo, n;
	uint8_t *p, *q;

	if (!m->translated) {
		p = resolve(m, addr, len, access, f);
		if (!p)
			return NULL;
		*span = len < JOBMEM_MAX_SPAN ? len : JOBMEM_MAX_SPAN;
		return p + len - *span;
	}
	if (addr >= MMU_VA_LIMIT || len > MMU_VA_LIMIT - addr) {
		set_fault(f, TAIHU_STATUS_MMU_FAULT, access, addr);
		return NULL;
	}
	end = addr + len;
	lo = (end - 1) & ~PAGE_MASK;
	if (lo < addr)
		lo = addr;
	q = translate(m, end - 1, access);
	if (!q) {
		set_fault(f, TAIHU_STATUS_MMU_FAULT, access, lo);
		return NULL;
	}
	p = q - (end - 1 - lo);		/* the byte at lo */
	n = end - lo;
	while (lo > addr && n < JOBMEM_MAX_SPAN) {
		uint64_t plo = (lo - 1) & ~PAGE_MASK;

		if (plo < addr)
			plo = addr;
		q = translate(m, lo - 1, access);
		if (q != p - 1)
			break;
		p -= lo - plo;
		n += lo - plo;
		lo = plo;
	}
	if (n > JOBMEM_MAX_SPAN) {
		p += n - JOBMEM_MAX_SPAN;
		n = JOBMEM_MAX_SPAN;
	}
	*span = n;
	return p;
}
