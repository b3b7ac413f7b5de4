/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Hardware queues: one engine thread per enabled queue.
 *
 * At QUEUE_ENABLE the card copies ring_addr, compl_addr and ring_entries
 * from the descriptor and validates them (ring entries a power of two up to
 * the firmware's max_ring_entries; ring and completion arrays inside VRAM
 * and not overlapping; tail - head <= ring_entries). The card starts
 * consuming at the descriptor's head, so the driver writes head == tail
 * (normally 0) before enabling.
 *
 * Every queue's engine has its own TLB (mmu.h), emptied at QUEUE_ENABLE.
 */
#ifndef TAIHU_CARD_ENGINE_H
#define TAIHU_CARD_ENGINE_H

#include "card.h"
#include "shm.h"

/*
 * Each engine thread sleeps on its queue's doorbell eventfd itself (and on
 * an eventfd of its own for enable and stop). Returns 0 or -1.
 */
int engine_init(struct card *card);
/* Returns 0 or a negative errno for the mailbox response. */
int engine_enable(struct card *card, unsigned int q);
/*
 * Stops the queue: the running entry, if any, ends promptly with
 * TAIHU_STATUS_ABORTED (a stalled SEM_WAIT, a long FILL or COPY) and gets
 * its completion record; head then points past it and the entries after it
 * stay in the ring unrun. Returns after the engine thread has exited.
 * Idempotent.
 */
void engine_disable(struct card *card, unsigned int q);
void engine_stop_all(struct card *card);
/* Engine thread: the queue is being disabled, or its running job aborted. */
bool engine_stopping(struct engine *e);
/* Engine thread: an injected hang, until engine_stopping(). */
void hang_until_aborted(struct engine *e);
void engine_destroy(struct card *card);

/*
 * The running job made a step (a packet, a memory span, a kernel block, a
 * throttled slice): the queue descriptor's progress word moves, so that
 * the driver's job timeout tells a long job from a hung one. Engine
 * thread only.
 */
static inline void engine_progress(struct engine *e)
{
	shm_bump64(&e->card->qdesc[e->index].progress);
}

#endif /* TAIHU_CARD_ENGINE_H */
