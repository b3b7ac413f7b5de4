/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Layouts of the fuzzers' inputs, shared by the harnesses and the seed
 * generator (gen_seeds.c). Every field is guest-controlled data the card
 * would find in BAR2 or guest RAM; the harnesses only clamp what the card
 * itself never takes from the guest (the firmware's configuration).
 */
#ifndef TAIHU_FUZZ_INPUT_H
#define TAIHU_FUZZ_INPUT_H

#include <stdint.h>

#include <taihu_card_api.h>

/* The fake card of the cmdstream, mmu and mailbox fuzzers. */
#define FZ_VRAM_SIZE	(32u * 1024)		/* VRAM is a multiple of 4K */
#define FZ_HOST_SIZE	(16u * 1024 + 520)	/* guest RAM need not be */
#define FZ_MAX_CMD_LEN	4096u

/*
 * fuzz_cmdstream: this header, then VRAM contents (up to FZ_VRAM_SIZE),
 * then guest RAM contents. Context 1 exists (page table at @pt_root) when
 * CTX_CREATE accepts @pt_root; the ring entry runs twice (a warm TLB the
 * second time), on the same engine.
 */
struct fz_job {
	uint64_t caps;		/* low half: capabilities (masked to the known ones); high
				 * half: kernels switched off (fuzz_cmdstream.c) */
	uint64_t pt_root;
	uint32_t max_cmd_len;	/* rounded down to 8, clamped to 8..FZ_MAX_CMD_LEN */
	uint32_t reserved;
	struct taihu_ring_entry entry;
};

/*
 * fuzz_mmu: this header, @num_ops operations, then VRAM contents. Contexts
 * 1..3 are created with @root[i] (those CTX_CREATE refuses stay absent).
 */
struct fz_mmu_hdr {
	uint64_t root[3];
	uint32_t num_ops;	/* at most FZ_MMU_MAX_OPS */
	uint32_t reserved;
};

#define FZ_MMU_MAX_OPS	256

enum fz_mmu_op_kind {
	FZ_MMU_TRANSLATE,	/* ctx, access, arg64 = va (engine TLB 0) */
	FZ_MMU_TRANSLATE2,	/* the same through engine TLB 1 */
	FZ_MMU_WRITE,		/* VRAM u64 at arg32 (aligned, wrapped) = arg64 */
	FZ_MMU_INVALIDATE,	/* ctx, va = arg64, size = arg32 */
	FZ_MMU_DESTROY,		/* ctx */
	FZ_MMU_CREATE,		/* ctx, root = arg64 */
	FZ_MMU_NUM_KINDS
};

struct fz_mmu_op {
	uint8_t kind;		/* modulo FZ_MMU_NUM_KINDS */
	uint8_t ctx;		/* modulo 5: 0 and 4 do not exist at first */
	uint8_t access;		/* bit 0: write */
	uint8_t pad;
	uint32_t arg32;
	uint64_t arg64;
};

/*
 * fuzz_mailbox: a sequence of records, each a one-byte kind (modulo
 * FZ_MB_NUM_KINDS) followed by its body; a truncated record ends the input.
 */
enum fz_mb_kind {
	FZ_MB_REQUEST,		/* struct fz_mb_request, then payload_len bytes */
	FZ_MB_VRAM,		/* struct fz_mb_vram, then len bytes */
	FZ_MB_QDESC,		/* u8 queue (wrapped), struct taihu_queue_desc */
	FZ_MB_EVENT_HEAD,	/* u32 event ring head */
	FZ_MB_UQDESC,		/* u8 user queue (wrapped), struct taihu_uq_desc */
	FZ_MB_NUM_KINDS
};

struct fz_mb_request {
	uint32_t op;		/* MEMCPY_BENCH (a thread, 256 MiB) becomes NOP */
	uint32_t len;
	uint32_t reserved;
	uint8_t payload_len;	/* bytes that follow, at most TAIHU_MBOX_PAYLOAD_SIZE */
	uint8_t pad[3];
};

struct fz_mb_vram {
	uint32_t offset;	/* wrapped into VRAM */
	uint16_t len;		/* bytes that follow (clipped at the end of VRAM) */
	uint16_t pad;
};

#endif /* TAIHU_FUZZ_INPUT_H */
