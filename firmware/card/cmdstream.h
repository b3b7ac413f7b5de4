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
 * Execute @entry (already copied out of the ring) and fill @compl (status,
 * error_offset, error_addr; the caller sets seqno and timestamps). @buf is a
 * private buffer of card->cfg.max_cmd_len bytes for the stream.
 */
void cmdstream_execute(struct card *card, const struct taihu_ring_entry *entry,
		       uint8_t *buf, struct taihu_completion *compl);

#endif /* TAIHU_CARD_CMDSTREAM_H */
