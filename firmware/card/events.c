// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Event ring producer. Engines and the main thread post events, hence the
 * lock. The tail is kept privately; the driver-written head is only used to
 * detect a full ring, and a nonsensical head counts as full.
 */
#include <string.h>

#include "clock.h"
#include "events.h"
#include "shm.h"

void events_init(struct card *card)
{
	pthread_mutex_lock(&card->event_lock);
	memset(card->events, 0, sizeof(*card->events));
	card->event_tail = 0;
	pthread_mutex_unlock(&card->event_lock);
}

void events_reset(struct card *card)
{
	struct taihu_event_ring *ring = card->events;

	/* Empty, numbering on from the private tail: no index jumps back. */
	pthread_mutex_lock(&card->event_lock);
	memset(ring->entries, 0, sizeof(ring->entries));
	ring->dropped = 0;
	ring->reserved = 0;
	shm_store32(&ring->head, card->event_tail);
	shm_store32(&ring->tail, card->event_tail);
	pthread_mutex_unlock(&card->event_lock);
}

void events_post(struct card *card, enum taihu_event_type type, uint32_t context,
		 uint64_t data0, uint64_t data1)
{
	struct taihu_event_ring *ring = card->events;
	struct taihu_event ev = {
		.type = type,
		.context = context,
		.timestamp_ns = card_clock_ns(),
		.data = { data0, data1 },
	};
	uint32_t head, used;

	pthread_mutex_lock(&card->event_lock);
	head = shm_load32(&ring->head);
	used = card->event_tail - head;
	if (used >= TAIHU_EVENT_RING_ENTRIES) {
		shm_store32(&ring->dropped, ring->dropped + 1);
	} else {
		memcpy(&ring->entries[card->event_tail % TAIHU_EVENT_RING_ENTRIES], &ev, sizeof(ev));
		card->event_tail++;
		shm_store32(&ring->tail, card->event_tail);
	}
	pthread_mutex_unlock(&card->event_lock);
	card_raise_irq(card, TAIHU_VECTOR_CONTROL);
}
