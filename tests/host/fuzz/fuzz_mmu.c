// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Fuzz target: the MMU walker and TLB with arbitrary page tables, which the
 * guest may rewrite between translations with or without invalidating
 * (layout in fuzz_input.h). Every translation must land inside VRAM or
 * guest RAM; and while a context's tables are unchanged since its last
 * invalidation, the TLB must agree with a walk from scratch.
 */
#include <stdlib.h>
#include <string.h>

#include "fake_card.h"
#include "fuzz_input.h"
#include "fw_verify.h"
#include "mmu.h"

#define NCTX	5

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct card *card;
static struct tlb tlb[2], scratch;

static void check_in_memory(const uint8_t *p, uint64_t va)
{
	const uint8_t *page = p - (va & (TAIHU_MMU_PAGE_SIZE - 1));
	volatile uint8_t sink;

	if (!((page >= card->vram && page + TAIHU_MMU_PAGE_SIZE <= card->vram + card->vram_size) ||
	      (page >= card->host && page + TAIHU_MMU_PAGE_SIZE <= card->host + card->host_size)))
		abort();
	/* Let ASan see both ends of the page. */
	sink = page[0];
	sink = page[TAIHU_MMU_PAGE_SIZE - 1];
	(void)sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bool dirty[NCTX] = { false };
	struct fz_mmu_hdr hdr;
	const struct fz_mmu_op *ops;
	uint32_t nops, i;

	if (!card) {
		fake_card_quiet();
		card = fake_card_new(FZ_VRAM_SIZE, FZ_HOST_SIZE);
	}
	if (size < sizeof(hdr))
		return 0;
	memcpy(&hdr, data, sizeof(hdr));
	data += sizeof(hdr);
	size -= sizeof(hdr);
	nops = hdr.num_ops < FZ_MMU_MAX_OPS ? hdr.num_ops : FZ_MMU_MAX_OPS;
	if (size / sizeof(struct fz_mmu_op) < nops)
		nops = (uint32_t)(size / sizeof(struct fz_mmu_op));
	ops = (const struct fz_mmu_op *)data;
	data += nops * sizeof(*ops);
	size -= nops * sizeof(*ops);

	fake_card_reset(card);
	memcpy(card->vram, data, size < FZ_VRAM_SIZE ? size : FZ_VRAM_SIZE);
	fake_card_boot(card, TAIHU_FW_CFG_KNOWN_CAPS, 64, 2, 64);
	mmu_tlb_init(&tlb[0]);
	mmu_tlb_init(&tlb[1]);
	for (i = 0; i < 3; i++)
		mmu_ctx_create(card, i + 1, hdr.root[i]);

	for (i = 0; i < nops; i++) {
		struct fz_mmu_op op;
		uint32_t ctx;
		uint8_t *p, *q;
		enum taihu_access access;

		memcpy(&op, &ops[i], sizeof(op));
		ctx = op.ctx % NCTX;
		access = (op.access & 1) ? TAIHU_ACCESS_WRITE : TAIHU_ACCESS_READ;
		switch (op.kind % FZ_MMU_NUM_KINDS) {
		case FZ_MMU_TRANSLATE:
		case FZ_MMU_TRANSLATE2:
			p = mmu_translate(card, &tlb[op.kind % FZ_MMU_NUM_KINDS == FZ_MMU_TRANSLATE2],
					  ctx, op.arg64, access);
			if (p)
				check_in_memory(p, op.arg64);
			if (!dirty[ctx]) {
				mmu_tlb_init(&scratch);
				q = mmu_translate(card, &scratch, ctx, op.arg64, access);
				if (p != q)
					abort();
			}
			break;
		case FZ_MMU_WRITE: {
			uint64_t off = (op.arg32 % FZ_VRAM_SIZE) & ~7u;

			memcpy(card->vram + off, &op.arg64, sizeof(op.arg64));
			memset(dirty, 1, sizeof(dirty));
			break;
		}
		case FZ_MMU_INVALIDATE:
			if (!mmu_tlb_invalidate(card, ctx, op.arg64, op.arg32))
				dirty[ctx] = false;
			break;
		case FZ_MMU_DESTROY:
			if (!mmu_ctx_destroy(card, ctx))
				dirty[ctx] = false;
			break;
		case FZ_MMU_CREATE:
			if (!mmu_ctx_create(card, ctx, op.arg64))
				dirty[ctx] = false;
			break;
		}
	}
	return 0;
}
