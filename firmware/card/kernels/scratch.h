/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Scratch memory of one engine: staging copies of scattered tensors and
 * the temporaries of kernels (converted operands, attention scores). A
 * kernel takes buffers one after the other and gives them all back at its
 * end; the buffers stay allocated for the next kernel (up to a size), so
 * that a stream of kernels does not pay page faults for fresh memory.
 */
#ifndef TAIHU_CARD_KERNELS_SCRATCH_H
#define TAIHU_CARD_KERNELS_SCRATCH_H

#include <stddef.h>

#include "kernel.h"

/* Buffers one kernel may hold at once. */
#define KSCRATCH_SLOTS		16
/* Most bytes of scratch one engine holds. */
#define KSCRATCH_LIMIT		(1ULL << 30)
/* Buffers above this size are freed when the kernel ends. */
#define KSCRATCH_KEEP		(64ULL << 20)

struct kscratch {
	void *buf[KSCRATCH_SLOTS];
	size_t cap[KSCRATCH_SLOTS];
	unsigned int used;
	size_t total;
};

/*
 * A 64-byte aligned buffer of @bytes (not zeroed), valid until
 * kscratch_release(); NULL with x->reason = TAIHU_REASON_NO_MEMORY when the
 * engine's scratch is exhausted.
 */
void *kscratch_get(struct kexec *x, size_t bytes);
/* All buffers are free again; large ones are returned to the system. */
void kscratch_release(struct kscratch *s);
void kscratch_free(struct kscratch *s);

#endif /* TAIHU_CARD_KERNELS_SCRATCH_H */
