// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The stall of SEM_WAIT. The signal count is bumped under the lock after
 * the semaphore word changed, and a waiter takes its snapshot before it
 * reads the word, so a signal between the read and the sleep is never
 * missed. Abort flags are set before sem_wake_all(), and read under the
 * lock, for the same reason.
 */
#include <errno.h>
#include <time.h>

#include "sem.h"

void sem_init(struct card *card)
{
	pthread_condattr_t attr;

	pthread_mutex_init(&card->sem_lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&card->sem_cond, &attr);
	pthread_condattr_destroy(&attr);
	card->sem_seq = 0;
}

void sem_destroy(struct card *card)
{
	pthread_cond_destroy(&card->sem_cond);
	pthread_mutex_destroy(&card->sem_lock);
}

uint64_t sem_snapshot(struct card *card)
{
	uint64_t seq;

	pthread_mutex_lock(&card->sem_lock);
	seq = card->sem_seq;
	pthread_mutex_unlock(&card->sem_lock);
	return seq;
}

void sem_wake_all(struct card *card)
{
	pthread_mutex_lock(&card->sem_lock);
	card->sem_seq++;
	pthread_cond_broadcast(&card->sem_cond);
	pthread_mutex_unlock(&card->sem_lock);
}

void sem_sleep(struct card *card, uint64_t snapshot, atomic_bool *abort)
{
	struct timespec until;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_nsec += SEM_RECHECK_NS;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&card->sem_lock);
	while (card->sem_seq == snapshot && !atomic_load(abort))
		if (pthread_cond_timedwait(&card->sem_cond, &card->sem_lock, &until) == ETIMEDOUT)
			break;
	pthread_mutex_unlock(&card->sem_lock);
}
