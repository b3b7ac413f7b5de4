/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The card MMU: the context table the mailbox manages (CTX_CREATE,
 * CTX_DESTROY, TLB_INVALIDATE) and the page-table walker with a per-engine
 * TLB that translates the virtual addresses of jobs of contexts other than
 * 0. The page-table format is in taihu_card_api.h.
 *
 * The mailbox answers only after the context's generation has been bumped,
 * and every TLB hit compares its generation with the context's current
 * one, so no engine uses a dropped translation after the answer (a copy
 * already running finishes the physical run it translated before).
 */
#ifndef TAIHU_CARD_MMU_H
#define TAIHU_CARD_MMU_H

#include <stdbool.h>
#include <stdint.h>

#include "card.h"

#define MMU_VA_LIMIT	(1ULL << TAIHU_MMU_VA_BITS)

/* Mailbox operations; 0 or a negative errno for the response. */
int mmu_ctx_create(struct card *card, uint32_t context, uint64_t pt_root);
int mmu_ctx_destroy(struct card *card, uint32_t context);
int mmu_tlb_invalidate(struct card *card, uint32_t context, uint64_t va, uint64_t size);

/* Forget every context (card reset). Engines must be stopped. */
void mmu_reset(struct card *card);

/* Number of contexts that exist (for the log). */
unsigned int mmu_num_contexts(const struct card *card);

/* Empty an engine's TLB. */
void mmu_tlb_init(struct tlb *tlb);

/*
 * Translate the page holding @va of @context for @access. Returns a
 * pointer to the byte at @va in the card's mapping of VRAM or guest RAM,
 * valid up to the end of that page; or NULL on a fault (no such context,
 * @va not canonical, an invalid or out-of-reach entry, a write to a
 * read-only page).
 */
uint8_t *mmu_translate(struct card *card, struct tlb *tlb, uint32_t context,
		       uint64_t va, enum taihu_access access);

#endif /* TAIHU_CARD_MMU_H */
