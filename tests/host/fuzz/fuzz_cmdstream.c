// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Fuzz target: the command stream executor on an in-memory card, with the
 * ring entry, VRAM (page tables included) and guest RAM from the input
 * (layout in fuzz_input.h).
 *
 * Two things a real engine waits for are simulated, so that every input
 * ends: a SEM_WAIT that would stall is answered by QUEUE_DISABLE (the
 * abort flag), and so is a job that has translated more pages than a
 * driver's job timeout would allow (a guest can alias one page over the
 * whole 512 GiB address space). Linked with -Wl,--wrap=sem_sleep,
 * --wrap=mmu_translate.
 */
#include <stdlib.h>
#include <string.h>

#include "cmdstream.h"
#include "fake_card.h"
#include "fuzz_input.h"
#include "fw_verify.h"
#include "kcheck.h"
#include "kernel_exec.h"
#include "mmu.h"

#define TRANSLATE_BUDGET	(1u << 18)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct card *card;
static unsigned long translations;

void __real_sem_sleep(struct card *card, uint64_t snapshot, atomic_bool *abort);
void __wrap_sem_sleep(struct card *c, uint64_t snapshot, atomic_bool *abort);
uint8_t *__real_mmu_translate(struct card *card, struct tlb *tlb, uint32_t context,
			      uint64_t va, enum taihu_access access);
uint8_t *__wrap_mmu_translate(struct card *card, struct tlb *tlb, uint32_t context,
			      uint64_t va, enum taihu_access access);

void __wrap_sem_sleep(struct card *c, uint64_t snapshot, atomic_bool *abort)
{
	(void)c;
	(void)snapshot;
	atomic_store(abort, true);
}

uint8_t *__wrap_mmu_translate(struct card *c, struct tlb *tlb, uint32_t context,
			      uint64_t va, enum taihu_access access)
{
	uint8_t *p = __real_mmu_translate(c, tlb, context, va, access);

	if (++translations == TRANSLATE_BUDGET)
		atomic_store(&c->engines[0].abort, true);
	/* The whole page behind a translation is the card's memory. */
	if (p) {
		uint8_t *page = p - (va & (TAIHU_MMU_PAGE_SIZE - 1));

		if (!((page >= c->vram && page + TAIHU_MMU_PAGE_SIZE <= c->vram + c->vram_size) ||
		      (page >= c->host && page + TAIHU_MMU_PAGE_SIZE <= c->host + c->host_size)))
			abort();
	}
	return p;
}

static void check_completion(const struct taihu_completion *rec, uint32_t len)
{
	switch (rec->status) {
	case TAIHU_STATUS_SUCCESS:
		if (rec->error_offset || rec->error_addr || rec->error_access ||
		    rec->error_reason || rec->error_detail)
			abort();
		break;
	case TAIHU_STATUS_INVALID_KERNEL:
	case TAIHU_STATUS_UNSUPPORTED:
		/* A kernel refusal always names its reason, with the status it implies. */
		if (!rec->error_reason || (tk_reason_unsupported(rec->error_reason) ? TAIHU_STATUS_UNSUPPORTED : TAIHU_STATUS_INVALID_KERNEL) != rec->status)
			abort();
		/* fall through */
	case TAIHU_STATUS_INVALID_CMD:
	case TAIHU_STATUS_DMA_ERROR:
	case TAIHU_STATUS_MMU_FAULT:
	case TAIHU_STATUS_ABORTED:
		if (rec->error_offset && rec->error_offset >= len)
			abort();
		if (rec->status != TAIHU_STATUS_INVALID_KERNEL &&
		    rec->status != TAIHU_STATUS_UNSUPPORTED && rec->error_reason)
			abort();
		break;
	default:
		abort();
	}
}

/*
 * Kernels with small limits, so that an input runs in bounded time (a
 * broadcast view can make a tiny buffer a huge operand); the high bits of
 * the capability word switch kernels off to reach the firmware's refusals.
 */
static void limit_kernels(struct card *c, uint32_t off_mask)
{
	unsigned int k;

	for (k = 1; k < TAIHU_KERNEL_COUNT; k++) {
		struct card_kernel_cfg *kc = &c->cfg.kernels[k];

		if (!kc->dtypes)
			continue;
		if (off_mask & (1u << k))
			kc->dtypes = off_mask & 0x8000 ? 1u << TAIHU_DTYPE_FP32 : 0;
		kc->max_rank = 4 + (off_mask >> 16) % 3;
		kc->max_dim = 64;
		kc->max_elems = 1024;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct taihu_completion rec;
	struct engine *e;
	struct fz_job job;
	uint32_t max_cmd_len;
	size_t n;
	int run;

	if (!card) {
		fake_card_quiet();
		card = fake_card_new(FZ_VRAM_SIZE, FZ_HOST_SIZE);
	}
	if (size < sizeof(job))
		return 0;
	memcpy(&job, data, sizeof(job));
	data += sizeof(job);
	size -= sizeof(job);

	fake_card_reset(card);
	n = size < FZ_VRAM_SIZE ? size : FZ_VRAM_SIZE;
	memcpy(card->vram, data, n);
	data += n;
	size -= n;
	memcpy(card->host, data, size < FZ_HOST_SIZE ? size : FZ_HOST_SIZE);

	max_cmd_len = job.max_cmd_len & ~7u;
	if (max_cmd_len < 8)
		max_cmd_len = 8;
	if (max_cmd_len > FZ_MAX_CMD_LEN)
		max_cmd_len = FZ_MAX_CMD_LEN;
	fake_card_boot(card, job.caps & TAIHU_FW_CFG_KNOWN_CAPS, max_cmd_len, 1, 64);
	limit_kernels(card, job.caps >> 32);
	if (card->cfg.capabilities & TAIHU_CARD_CAP_MMU)
		mmu_ctx_create(card, 1, job.pt_root);

	e = fake_card_engine(card, 0);
	translations = 0;
	for (run = 0; run < 2; run++) {
		memset(&rec, 0, sizeof(rec));
		atomic_store(&e->abort, false);
		cmdstream_execute(e, &job.entry, &rec);
		check_completion(&rec, job.entry.cmd_len);
	}
	return 0;
}
