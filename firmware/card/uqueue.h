/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * User queues (interface 1.5): rings that a process writes through a
 * mapping of VRAM, served by the engine of a hardware queue after that
 * queue's own ring whenever the queue's vector is kicked. The descriptor
 * in BAR2 is the driver's; everything in VRAM is the process's and hostile:
 * the card keeps its own head, copies each entry before looking at it, runs
 * it in the descriptor's context, and stops only the user queue (an
 * UQ_ERROR event, the status in the descriptor and in the control words)
 * on a tail more than ring_entries ahead of its head, an entry with
 * unknown flags or reserved bits, or a job that ends with an MMU fault.
 * Other job failures end the job only, as on a hardware queue.
 *
 * Interface 1.8: the descriptor's runs word is odd from before an entry's
 * first translation until after its last access (a seq_cst fence between
 * making it odd and translating, one in TLB_INVALIDATE before it answers),
 * so a driver that reads it after a TLB_INVALIDATE knows whether an entry
 * may still use older translations, and when that entry has ended.
 *
 * Locking: card->uq_lock protects each struct uqueue's enabled, busy and
 * abort_asked; an engine marks a user queue busy while it serves it, and
 * UQ_DISABLE (main thread) waits on card->uq_cond until it is not, after
 * aborting the job that runs, so that once it answers the card no longer
 * touches the user queue's memory.
 */
#ifndef TAIHU_CARD_UQUEUE_H
#define TAIHU_CARD_UQUEUE_H

#include "card.h"

/* Once, before the engines start. */
void uqueue_init(struct card *card);
/* UQ_ENABLE of user queue @index: 0 or a negative errno. Main thread. */
int uqueue_enable(struct card *card, uint32_t index);
/* UQ_DISABLE: returns once no engine serves the user queue. Main thread. */
void uqueue_disable(struct card *card, uint32_t index);
/* RESET: forgets every user queue; the engines are stopped already. */
void uqueue_reset(struct card *card);
/*
 * Serve the user queues of engine @e (engine thread, after its ring).
 * Returns true when an entry asked for an interrupt or a user queue
 * stopped: the caller raises the queue's vector.
 */
bool uqueue_service(struct engine *e);

#endif /* TAIHU_CARD_UQUEUE_H */
