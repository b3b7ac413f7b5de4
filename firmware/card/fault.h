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

#include <taihu_card_api.h>

struct card;

/* 0, -EINVAL (bad count or argument) or -EOPNOTSUPP (unknown fault). */
int fault_inject(struct card *card, const struct taihu_mbox_fault *f);

#endif /* TAIHU_CARD_FAULT_H */
