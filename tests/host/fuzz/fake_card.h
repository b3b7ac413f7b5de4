/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * An in-memory card for fuzzing and in-process tests: the card's code runs
 * against it directly, without sockets, eventfds or a BAR2 memfd. VRAM and
 * guest RAM are separate malloc()ed buffers of their exact size, so that
 * AddressSanitizer catches an access one byte past either.
 *
 * It also provides card_raise_irq(), card_rearm_heartbeat() and
 * card_rearm_sensors(), which live
 * in the card's main.c: link every card object except main.o.
 */
#ifndef TAIHU_FAKE_CARD_H
#define TAIHU_FAKE_CARD_H

#include <stdint.h>

#include "card.h"

/* Interrupts the card raised, per vector, since fake_card_new(). */
extern unsigned long fake_card_irqs[TAIHU_NUM_VECTORS];

/* A card in state WAIT_FW with @vram_size bytes of VRAM and @host_size of guest RAM. */
struct card *fake_card_new(uint64_t vram_size, uint64_t host_size);
void fake_card_free(struct card *card);

/* Back to the fresh state: memory zeroed, no firmware, no context, no engine. */
void fake_card_reset(struct card *card);

/*
 * Pretend a firmware with this configuration booted (no image needed); with
 * TAIHU_CARD_CAP_KERNEL every kernel is enabled in every dtype.
 */
void fake_card_boot(struct card *card, uint64_t caps, uint32_t max_cmd_len,
		    uint32_t num_queues, uint32_t max_ring_entries);

/*
 * Make engine @q ready to run jobs in the caller's thread (cmdstream_execute)
 * without an engine thread: command buffer, empty TLB, abort cleared.
 * fake_card_reset() frees the buffer.
 */
struct engine *fake_card_engine(struct card *card, unsigned int q);

/* Send all card_log() output to /dev/null (fuzzers run millions of jobs). */
void fake_card_quiet(void);

#endif /* TAIHU_FAKE_CARD_H */
