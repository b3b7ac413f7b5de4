/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Where engines stall in SEM_WAIT. A semaphore is a 64-bit word anywhere
 * in device memory, so there is nothing to sleep on per semaphore: every
 * SEM_SIGNAL wakes every stalled engine to re-check its own word, and a
 * stalled engine also re-checks every millisecond (the host CPU may write
 * a semaphore itself). QUEUE_DISABLE and RESET wake them to abort.
 */
#ifndef TAIHU_CARD_SEM_H
#define TAIHU_CARD_SEM_H

#include <stdatomic.h>
#include <stdint.h>

#include "card.h"

#define SEM_RECHECK_NS	1000000L

void sem_init(struct card *card);
void sem_destroy(struct card *card);

/* The signal count; read it before reading the semaphore word. */
uint64_t sem_snapshot(struct card *card);

/* A semaphore changed or an engine must abort: wake every stalled engine. */
void sem_wake_all(struct card *card);

/*
 * Sleep until a wake-up newer than @snapshot, until *@abort, or for at most
 * SEM_RECHECK_NS.
 */
void sem_sleep(struct card *card, uint64_t snapshot, atomic_bool *abort);

#endif /* TAIHU_CARD_SEM_H */
