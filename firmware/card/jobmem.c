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
#include <string.h>

#include "dma.h"
#include "jobmem.h"
#include "shm.h"
#include "mmu.h"

#define PAGE		TAIHU_MMU_PAGE_SIZE
#define PAGE_MASK	(TAIHU_MMU_PAGE_SIZE - 1)

static void progress_step(const struct job_mem *m)
{
	if (m->progress)
		shm_bump64(m->progress);
}

void jobmem_init(struct job_mem *m, struct card *card, struct tlb *tlb,
		 atomic_bool *abort, volatile void *progress, uint32_t context)
{
	m->card = card;
	m->tlb = tlb;
	m->abort = abort;
	m->progress = progress;
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

		if (++pages % JOBMEM_CHECK_BATCH == 0) {
			if (atomic_load_explicit(m->abort, memory_order_relaxed)) {
				set_fault(f, TAIHU_STATUS_ABORTED, access, 0);
				return -1;
			}
			progress_step(m);
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

uint8_t *jobmem_contig(const struct job_mem *m, uint64_t addr, uint64_t len,
		       enum taihu_access access)
{
	struct mem_fault f;
	uint64_t n;
	uint8_t *p;

	if (!m->translated)
		return resolve(m, addr, len, access, &f);
	p = translate(m, addr, access);
	if (!p)
		return NULL;
	/* Every following page must continue where the previous one ended. */
	for (n = PAGE - (addr & PAGE_MASK); n < len; n += PAGE)
		if (translate(m, addr + n, access) != p + n)
			return NULL;
	return p;
}

/* Copy @len bytes between device memory at @addr and @buf; @to_dev picks the way. */
static int jobmem_copy(const struct job_mem *m, uint64_t addr, uint8_t *buf, uint64_t len,
		       bool to_dev, struct mem_fault *f)
{
	enum taihu_access access = to_dev ? TAIHU_ACCESS_WRITE : TAIHU_ACCESS_READ;
	uint64_t done, span;
	uint8_t *p;

	for (done = 0; done < len; done += span) {
		if (atomic_load_explicit(m->abort, memory_order_relaxed)) {
			set_fault(f, TAIHU_STATUS_ABORTED, access, 0);
			return -1;
		}
		progress_step(m);
		p = jobmem_span(m, addr + done, len - done, access, &span, f);
		if (!p)
			return -1;
		if (to_dev)
			memcpy(p, buf + done, span);
		else
			memcpy(buf + done, p, span);
	}
	return 0;
}

int jobmem_read(const struct job_mem *m, uint64_t addr, void *dst, uint64_t len,
		struct mem_fault *f)
{
	return jobmem_copy(m, addr, dst, len, false, f);
}

int jobmem_write(const struct job_mem *m, uint64_t addr, const void *src, uint64_t len,
		 struct mem_fault *f)
{
	return jobmem_copy(m, addr, (uint8_t *)src, len, true, f);
}
