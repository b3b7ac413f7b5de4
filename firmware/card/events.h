/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The event ring: card-to-driver notifications on vector 0.
 */
#ifndef TAIHU_CARD_EVENTS_H
#define TAIHU_CARD_EVENTS_H

#include "card.h"

void events_init(struct card *card);
/* RESET: an empty ring whose indices go on from where they were. */
void events_reset(struct card *card);

/* Append a record and raise vector 0; counts a drop when the ring is full. */
void events_post(struct card *card, enum taihu_event_type type, uint32_t context,
		 uint64_t data0, uint64_t data1);

#endif /* TAIHU_CARD_EVENTS_H */
