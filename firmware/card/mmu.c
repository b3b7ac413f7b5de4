// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Context table, page-table walker and TLB. The page tables live in VRAM
 * and the guest may rewrite them at any time: every entry is read once
 * (atomically, so never torn) into a local, and every table and target
 * address is bounds-checked before it is used or cached. A range
 * TLB_INVALIDATE drops the context's whole TLB: a TLB may always drop more
 * than it is asked to.
 */
#include <errno.h>
#include <string.h>

#include "dma.h"
#include "log.h"
#include "mmu.h"
#include "shm.h"

#define ROOT_PRESENT		1ULL
#define PAGE_MASK		(TAIHU_MMU_PAGE_SIZE - 1)
#define REGION_SHIFT		(TAIHU_MMU_PAGE_SHIFT + TAIHU_MMU_LEVEL_BITS)
#define INDEX(va, level)	(((va) >> (TAIHU_MMU_PAGE_SHIFT + \
				  TAIHU_MMU_LEVEL_BITS * (TAIHU_MMU_LEVELS - 1 - (level)))) & \
				 (TAIHU_MMU_ENTRIES - 1))

_Static_assert(TAIHU_MMU_ENTRIES == 1 << TAIHU_MMU_LEVEL_BITS, "table size");
_Static_assert(TAIHU_MMU_PAGE_SHIFT + TAIHU_MMU_LEVELS * TAIHU_MMU_LEVEL_BITS ==
	       TAIHU_MMU_VA_BITS, "VA bits");

static bool context_id_ok(uint32_t context)
{
	return context > 0 && context < TAIHU_MAX_CONTEXTS;
}

/* Called after the context's root changed: stale TLB entries die. */
static void bump_generation(struct card *card, uint32_t context)
{
	uint64_t gen = atomic_fetch_add_explicit(&card->mmu_gen, 1, memory_order_relaxed) + 1;

	atomic_store_explicit(&card->contexts[context].gen, gen, memory_order_release);
}

int mmu_ctx_create(struct card *card, uint32_t context, uint64_t pt_root)
{
	struct mmu_context *c;

	if (!context_id_ok(context) || pt_root & PAGE_MASK ||
	    !vram_range_ok(card, pt_root, TAIHU_MMU_PAGE_SIZE))
		return -EINVAL;
	c = &card->contexts[context];
	if (atomic_load_explicit(&c->root, memory_order_relaxed))
		return -EBUSY;
	atomic_store_explicit(&c->root, pt_root | ROOT_PRESENT, memory_order_release);
	bump_generation(card, context);
	card_log("context %u created: page table at VRAM 0x%llx", context,
		 (unsigned long long)pt_root);
	return 0;
}

int mmu_ctx_destroy(struct card *card, uint32_t context)
{
	struct mmu_context *c;

	if (!context_id_ok(context))
		return -EINVAL;
	c = &card->contexts[context];
	if (!atomic_load_explicit(&c->root, memory_order_relaxed))
		return -ENOENT;
	atomic_store_explicit(&c->root, 0, memory_order_release);
	bump_generation(card, context);
	card_log("context %u destroyed", context);
	return 0;
}

int mmu_tlb_invalidate(struct card *card, uint32_t context, uint64_t va, uint64_t size)
{
	if (!context_id_ok(context) || va & PAGE_MASK || size & PAGE_MASK ||
	    (size && (va >= MMU_VA_LIMIT || size > MMU_VA_LIMIT - va)))
		return -EINVAL;
	if (!atomic_load_explicit(&card->contexts[context].root, memory_order_relaxed))
		return -ENOENT;
	bump_generation(card, context);
	/*
	 * Before the answer: a driver that then reads &taihu_uq_desc.runs
	 * even knows the user queue's next entry sees the new generation
	 * (its engine fences between making runs odd and translating).
	 */
	atomic_thread_fence(memory_order_seq_cst);
	return 0;
}

void mmu_reset(struct card *card)
{
	uint32_t i;

	for (i = 1; i < TAIHU_MAX_CONTEXTS; i++)
		if (atomic_load_explicit(&card->contexts[i].root, memory_order_relaxed))
			mmu_ctx_destroy(card, i);
}

unsigned int mmu_num_contexts(const struct card *card)
{
	unsigned int i, n = 0;

	for (i = 1; i < TAIHU_MAX_CONTEXTS; i++)
		if (atomic_load_explicit(&card->contexts[i].root, memory_order_relaxed))
			n++;
	return n;
}

void mmu_tlb_init(struct tlb *tlb)
{
	memset(tlb, 0, sizeof(*tlb));
}

static uint64_t read_entry(const struct card *card, uint64_t table, uint64_t index)
{
	/* Tables are page aligned inside VRAM (checked), so this is in range. */
	return shm_load64(card->vram + table + index * sizeof(uint64_t));
}

/* The level-2 table covering @va, through the walk cache. */
static int walk_directories(struct card *card, struct tlb *tlb, uint32_t context,
			    uint64_t gen, uint64_t root, uint64_t va, uint64_t *table)
{
	uint64_t t = root, e;
	unsigned int level;

	if (tlb->pwc_gen == gen && tlb->pwc_context == context &&
	    tlb->pwc_region == va >> REGION_SHIFT) {
		*table = tlb->pwc_table;
		return 0;
	}
	for (level = 0; level < TAIHU_MMU_LEVELS - 1; level++) {
		e = read_entry(card, t, INDEX(va, level));
		if (!(e & TAIHU_PTE_VALID) || (e & TAIHU_PTE_HOST))
			return -1;
		t = e & TAIHU_PTE_ADDR_MASK;
		if (!vram_range_ok(card, t, TAIHU_MMU_PAGE_SIZE))
			return -1;
	}
	tlb->pwc_gen = gen;
	tlb->pwc_context = context;
	tlb->pwc_region = va >> REGION_SHIFT;
	tlb->pwc_table = t;
	*table = t;
	return 0;
}

static int walk(struct card *card, struct tlb *tlb, uint32_t context, uint64_t gen,
		uint64_t va, uint64_t *pte)
{
	/* Read after the generation: a root newer than @gen is only used once. */
	uint64_t root = atomic_load_explicit(&card->contexts[context].root, memory_order_acquire);
	uint64_t table, e, target;

	if (!(root & ROOT_PRESENT))
		return -1;
	if (walk_directories(card, tlb, context, gen, root & ~ROOT_PRESENT, va, &table))
		return -1;
	e = read_entry(card, table, INDEX(va, TAIHU_MMU_LEVELS - 1));
	if (!(e & TAIHU_PTE_VALID))
		return -1;
	target = e & TAIHU_PTE_ADDR_MASK;
	if (e & TAIHU_PTE_HOST) {
		if (target > card->host_size || TAIHU_MMU_PAGE_SIZE > card->host_size - target)
			return -1;
	} else if (!vram_range_ok(card, target, TAIHU_MMU_PAGE_SIZE)) {
		return -1;
	}
	*pte = e;
	return 0;
}

uint8_t *mmu_translate(struct card *card, struct tlb *tlb, uint32_t context,
		       uint64_t va, enum taihu_access access)
{
	uint64_t vpn = va >> TAIHU_MMU_PAGE_SHIFT, gen, pte;
	struct tlb_entry *te;
	uint8_t *base;

	if (!context_id_ok(context) || va >= MMU_VA_LIMIT)
		return NULL;
	gen = atomic_load_explicit(&card->contexts[context].gen, memory_order_acquire);
	te = &tlb->e[(vpn ^ ((uint64_t)context * 0x9e3779b1u)) % TLB_ENTRIES];
	if (gen && te->gen == gen && te->context == context && te->vpn == vpn) {
		pte = te->pte;
	} else {
		if (walk(card, tlb, context, gen, va, &pte))
			return NULL;
		te->vpn = vpn;
		te->gen = gen;
		te->pte = pte;
		te->context = context;
	}
	if (access == TAIHU_ACCESS_WRITE && !(pte & TAIHU_PTE_WRITE))
		return NULL;
	base = (pte & TAIHU_PTE_HOST) ? card->host : card->vram;
	return base + (pte & TAIHU_PTE_ADDR_MASK) + (va & PAGE_MASK);
}
