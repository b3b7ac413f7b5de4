/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The control mailbox: one request at a time, answered in order.
 */
#ifndef TAIHU_CARD_MAILBOX_H
#define TAIHU_CARD_MAILBOX_H

#include "card.h"

/*
 * A doorbell on vector 0: answer the posted request, if any. MEMCPY_BENCH
 * is answered by a thread of its own so that the heartbeat and the queues'
 * doorbells keep being served meanwhile; until it answers, the mailbox
 * takes no new request (the thread re-kicks vector 0 when it is done).
 */
void mailbox_service(struct card *card);

/* Wait for a MEMCPY_BENCH still running (before BAR2 goes away). */
void mailbox_cleanup(struct card *card);

/* The reset line: the request posted and not answered is never answered. */
void mailbox_drop_pending(struct card *card);

#endif /* TAIHU_CARD_MAILBOX_H */
