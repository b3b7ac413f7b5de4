/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Fault injection (TAIHU_MBOX_OP_FAULT_INJECT): the failures the driver
 * must survive, caused on purpose. Each enum taihu_fault has one case in
 * fault_inject(); add new faults there.
 */
#ifndef TAIHU_CARD_FAULT_H
#define TAIHU_CARD_FAULT_H

#include <stdbool.h>

#include <taihu_card_api.h>

struct card;

/* 0, -EINVAL (bad count or argument) or -EOPNOTSUPP (unknown fault). */
int fault_inject(struct card *card, const struct taihu_mbox_fault *f);

/* After the successful FAULT_INJECT was answered: hang, crash or exit. */
void fault_after_answer(struct card *card, const struct taihu_mbox_fault *f);

/* An injected firmware hang is in progress: serve no mailbox request. */
bool fault_fw_hung(struct card *card);

/* RESET: the heartbeat beats again, a crashed firmware is gone, queue faults are dropped. */
void fault_clear_on_reset(struct card *card);

#endif /* TAIHU_CARD_FAULT_H */
