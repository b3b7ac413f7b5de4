// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * MADV_POPULATE_READ in chunks, checking for a stop between chunks. Read
 * faults on shmem (memfd, /dev/shm) allocate the page and map it writable;
 * on a disk file they allocate no blocks. Failure (a kernel older than
 * 5.14) only costs speed.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "prefault.h"

#define PREFAULT_CHUNK	(32ULL << 20)

static int populate(struct card *card, uint8_t *addr, uint64_t len, const char *what)
{
	uint64_t t0 = card_clock_ns(), off, n;

	for (off = 0; off < len; off += n) {
		if (atomic_load(&card->prefault_stop))
			return -1;
		n = len - off < PREFAULT_CHUNK ? len - off : PREFAULT_CHUNK;
		if (madvise(addr + off, n, MADV_POPULATE_READ)) {
			card_log("cannot prefault %s: %s", what, strerror(errno));
			return -1;
		}
	}
	card_log("prefaulted %s (%llu MiB) in %llu ms", what, (unsigned long long)(len >> 20),
		 (unsigned long long)((card_clock_ns() - t0) / 1000000));
	return 0;
}

static void *prefault_main(void *arg)
{
	struct card *card = arg;

	/* Engines and the mailbox come first on a small host. */
	setpriority(PRIO_PROCESS, (id_t)gettid(), 10);
	if (!populate(card, card->vram, card->vram_size, "VRAM"))
		populate(card, card->host, card->host_size, "guest RAM");
	return NULL;
}

void prefault_start(struct card *card)
{
	atomic_store(&card->prefault_stop, false);
	card->prefault_started = !pthread_create(&card->prefault_thread, NULL, prefault_main, card);
}

void prefault_stop(struct card *card)
{
	if (!card->prefault_started)
		return;
	atomic_store(&card->prefault_stop, true);
	pthread_join(card->prefault_thread, NULL);
	card->prefault_started = false;
}
