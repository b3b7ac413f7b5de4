/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The command stream executor: runs the packets of one ring entry.
 */
#ifndef TAIHU_CARD_CMDSTREAM_H
#define TAIHU_CARD_CMDSTREAM_H

#include "card.h"

/*
 * Execute @entry (already copied out of the ring) on engine @e and fill
 * @rec (status, error_offset, error_addr, error_access; the caller sets
 * seqno and timestamps). The stream is copied into e->cmd_buf first. A
 * fault posts a TAIHU_EVENT_MMU_FAULT event; e->abort ends the job with
 * TAIHU_STATUS_ABORTED between spans, packets and SEM_WAIT re-checks.
 */
void cmdstream_execute(struct engine *e, const struct taihu_ring_entry *entry,
		       struct taihu_completion *rec);

#endif /* TAIHU_CARD_CMDSTREAM_H */
