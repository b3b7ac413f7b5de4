/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The heartbeat: a thread of its own bumps the ID page's heartbeat word
 * every period, so that a mailbox request that keeps the main thread busy
 * (a queue disable waiting for a job to abort) does not look like death to
 * the driver's watchdog. Injected faults stop it (fault.h).
 */
#ifndef TAIHU_CARD_HEARTBEAT_H
#define TAIHU_CARD_HEARTBEAT_H

struct card;

/* Start the thread; 0 or -1. */
int heartbeat_start(struct card *card);
/* Stop and join it (no-op if it never started). */
void heartbeat_stop(struct card *card);

#endif /* TAIHU_CARD_HEARTBEAT_H */
