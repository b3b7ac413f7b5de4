/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Mapping VRAM and guest RAM into the card process ahead of use. Both are
 * shared mappings that another process (QEMU, the guest) writes; the first
 * time the card touches a page it takes a page fault, which costs more
 * than copying the 4 KiB. A low-priority thread populates the mappings in
 * the background at start-up, so the first large COPY runs at memcpy
 * speed and start-up is not delayed.
 */
#ifndef TAIHU_CARD_PREFAULT_H
#define TAIHU_CARD_PREFAULT_H

#include "card.h"

/* Start the background thread (VRAM first, then guest RAM). */
void prefault_start(struct card *card);

/* Stop it and wait for it; before the mappings go away. Idempotent. */
void prefault_stop(struct card *card);

#endif /* TAIHU_CARD_PREFAULT_H */
