/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The control mailbox: one request at a time, answered in order.
 */
#ifndef TAIHU_CARD_MAILBOX_H
#define TAIHU_CARD_MAILBOX_H

#include "card.h"

/* A doorbell on vector 0: answer the posted request, if any. */
void mailbox_service(struct card *card);

#endif /* TAIHU_CARD_MAILBOX_H */
