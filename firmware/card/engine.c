// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Engine threads. The guest owns tail; the card owns head and keeps its own
 * copy, so a guest that scribbles on head cannot make the card re-run or
 * skip entries. A tail more than ring_entries ahead stops the queue with an
 * error event instead of running garbage. The completion interrupt comes
 * after an entry flagged TAIHU_RING_ENTRY_IRQ, or when the ring runs empty
 * (interrupt moderation: struct taihu_ring_entry).
 */
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "activity.h"
#include "clock.h"
#include "cmdstream.h"
#include "dma.h"
#include "engine.h"
#include "events.h"
#include "kernel_exec.h"
#include "log.h"
#include "mmu.h"
#include "sem.h"
#include "shm.h"
#include "thermal.h"
#include "uqueue.h"

int engine_init(struct card *card)
{
	unsigned int q;

	uqueue_init(card);
	for (q = 0; q < TAIHU_MAX_QUEUES; q++) {
		struct engine *e = &card->engines[q];

		e->card = card;
		e->index = q;
		pthread_mutex_init(&e->lock, NULL);
		e->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (e->wake_fd < 0) {
			card_log("queue %u: eventfd: %s", q, strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* Read an eventfd's count; true if it had been written. */
static bool drain(int fd)
{
	uint64_t count;

	return fd >= 0 && read(fd, &count, sizeof(count)) == sizeof(count);
}

static void wake(int fd)
{
	uint64_t one = 1;

	/* Non-blocking; the counter cannot realistically saturate. */
	if (write(fd, &one, sizeof(one)) != sizeof(one))
		card_log("cannot wake an engine: %s", strerror(errno));
}

static bool engine_stop_asked(struct engine *e)
{
	bool stop;

	pthread_mutex_lock(&e->lock);
	stop = e->stop;
	pthread_mutex_unlock(&e->lock);
	return stop;
}

/*
 * Sleep until the queue's doorbell (the guest's kick, read straight from
 * its eventfd: no hop through the main thread) or a wake-up from the card
 * itself (enable, stop). Kicks coalesce: whatever the counts, the caller
 * scans the ring once, and a kick arriving during the scan leaves the
 * eventfd readable for the next call. False when asked to stop.
 */
static bool engine_wait(struct engine *e)
{
	struct pollfd fds[2] = {
		{ .fd = e->card->doorbell_fd[TAIHU_VECTOR_QUEUE(e->index)], .events = POLLIN },
		{ .fd = e->wake_fd, .events = POLLIN },
	};

	for (;;) {
		bool kicked = drain(fds[0].fd);

		kicked |= drain(fds[1].fd);
		if (engine_stop_asked(e))
			return false;
		if (kicked)
			return true;
		/* A negative fd (no guest attached yet) is ignored by poll. */
		if (poll(fds, 2, -1) < 0 && errno != EINTR) {
			card_log("queue %u: poll: %s", e->index, strerror(errno));
			return false;
		}
	}
}

/* Also true once an abort was asked for: no entry starts after the aborted one. */
bool engine_stopping(struct engine *e)
{
	bool stop;

	pthread_mutex_lock(&e->lock);
	stop = e->stop || atomic_load(&e->abort);
	pthread_mutex_unlock(&e->lock);
	return stop;
}

/* An injected queue hang: no progress until the queue is disabled or reset. */
void hang_until_aborted(struct engine *e)
{
	const struct timespec tick = { .tv_nsec = 10 * 1000000L };

	card_log("queue %u: job hangs (fault injected)", e->index);
	while (!engine_stopping(e))
		nanosleep(&tick, NULL);
}

/* An injected slow job: @ms of steps, every 10 ms, unless the queue is disabled. */
static void slow_but_progressing(struct engine *e, unsigned int ms)
{
	const struct timespec tick = { .tv_nsec = 10 * 1000000L };
	uint64_t end = card_clock_ns() + (uint64_t)ms * 1000000ULL;

	card_log("queue %u: job is slow for %u ms (fault injected)", e->index, ms);
	while (card_clock_ns() < end && !engine_stopping(e)) {
		nanosleep(&tick, NULL);
		engine_progress(e);
	}
}

/* Run one entry; true if its flags ask for the interrupt now. */
static bool run_entry(struct engine *e, struct taihu_queue_desc *d, uint32_t slot)
{
	struct card *card = e->card;
	struct taihu_ring_entry entry;
	struct taihu_completion rec;
	uint8_t *ring_slot = card->vram + e->ring_addr + (uint64_t)slot * sizeof(entry);

	memcpy(&entry, ring_slot, sizeof(entry));
	/* The command stream judges the rest: an unknown flag is INVALID_CMD. */
	entry.flags &= ~(uint32_t)TAIHU_RING_ENTRY_FLAGS;
	memset(&rec, 0, sizeof(rec));
	rec.seqno = entry.seqno;
	rec.start_ns = card_clock_ns();
	if (atomic_exchange(&e->fault_hang, false)) {
		hang_until_aborted(e);
		rec.status = TAIHU_STATUS_ABORTED;
	} else {
		unsigned int slow_ms = atomic_exchange(&e->fault_slow_ms, 0);

		if (slow_ms)
			slow_but_progressing(e, slow_ms);
		activity_job_begin(e);
		cmdstream_execute(e, &entry, &rec);
		/* A throttled engine takes longer: the job ends at the clock's pace. */
		thermal_throttle_job(e);
		activity_job_end(e);
	}
	rec.end_ns = card_clock_ns();
	if (rec.status != TAIHU_STATUS_SUCCESS)
		card_log("queue %u: job seqno %llu ctx %u failed: status %u at offset %u addr 0x%llx (%s)",
			 e->index, (unsigned long long)entry.seqno, entry.context, rec.status,
			 rec.error_offset, (unsigned long long)rec.error_addr,
			 rec.error_access == TAIHU_ACCESS_WRITE ? "write" : "read");

	/* A crashed firmware (fault.c) reports nothing more. */
	if (atomic_load(&card->fw_crashed))
		return false;
	if (atomic_exchange(&e->fault_corrupt, false)) {
		card_log("queue %u: completion of seqno %llu corrupted (fault injected)",
			 e->index, (unsigned long long)entry.seqno);
		rec.seqno = ~entry.seqno;
	}
	memcpy(card->vram + e->compl_addr + (uint64_t)slot * sizeof(rec), &rec, sizeof(rec));
	/* Completion record first, then head, then completed_seqno. */
	e->head++;
	shm_store32(&d->head, e->head);
	shm_store64(&d->completed_seqno, entry.seqno);
	/*
	 * The driver may have asked for the interrupt while the entry ran:
	 * read the flags again, after head (see struct taihu_ring_entry).
	 */
	atomic_thread_fence(memory_order_seq_cst);
	return shm_load32(ring_slot + offsetof(struct taihu_ring_entry, flags)) &
	       TAIHU_RING_ENTRY_IRQ;
}

static void *engine_main(void *arg)
{
	struct engine *e = arg;
	struct card *card = e->card;
	struct taihu_queue_desc *d = &card->qdesc[e->index];
	bool broken = false;

	while (engine_wait(e)) {
		/* Entries ended since the last interrupt. */
		bool owed = false;
		bool uq_irq;

		while (!broken && !engine_stopping(e)) {
			uint32_t tail = shm_load32(&d->tail);
			uint32_t pending = tail - e->head;

			if (!pending)
				break;
			if (pending > e->ring_entries) {
				card_log("queue %u: tail %u is %u entries past head %u (ring of %u); queue stopped",
					 e->index, tail, pending, e->head, e->ring_entries);
				shm_store32(&d->status, TAIHU_STATUS_INVALID_CMD);
				events_post(card, TAIHU_EVENT_QUEUE_ERROR, 0, e->index,
					    TAIHU_STATUS_INVALID_CMD);
				broken = true;
				break;
			}
			owed = true;
			if (run_entry(e, d, e->head & (e->ring_entries - 1))) {
				card_raise_irq(card, TAIHU_VECTOR_QUEUE(e->index));
				owed = false;
			}
		}
		/* Then the user queues this engine serves (uqueue.h). */
		uq_irq = uqueue_service(e);
		/* The ring is empty (or the queue stops): report the rest. */
		if (owed || uq_irq)
			card_raise_irq(card, TAIHU_VECTOR_QUEUE(e->index));
	}
	return NULL;
}

int engine_enable(struct card *card, unsigned int q)
{
	struct engine *e;
	struct taihu_queue_desc *d;
	uint64_t ring_bytes, compl_bytes;
	uint32_t n, head, tail;

	if (!card->cfg.booted)
		return -EIO;
	if (q >= card->cfg.num_queues)
		return -EINVAL;
	e = &card->engines[q];
	if (e->running)
		return -EBUSY;

	d = &card->qdesc[q];
	e->ring_addr = d->ring_addr;
	e->compl_addr = d->compl_addr;
	n = d->ring_entries;
	head = shm_load32(&d->head);
	tail = shm_load32(&d->tail);
	ring_bytes = (uint64_t)n * sizeof(struct taihu_ring_entry);
	compl_bytes = (uint64_t)n * sizeof(struct taihu_completion);

	if (!n || (n & (n - 1)) || n > card->cfg.max_ring_entries ||
	    e->ring_addr % 8 || e->compl_addr % 8 ||
	    !vram_range_ok(card, e->ring_addr, ring_bytes) ||
	    !vram_range_ok(card, e->compl_addr, compl_bytes) ||
	    (e->ring_addr < e->compl_addr + compl_bytes &&
	     e->compl_addr < e->ring_addr + ring_bytes) ||
	    tail - head > n) {
		card_log("queue %u: bad descriptor (ring 0x%llx, compl 0x%llx, %u entries, head %u, tail %u)",
			 q, (unsigned long long)e->ring_addr, (unsigned long long)e->compl_addr,
			 n, head, tail);
		return -EINVAL;
	}

	e->ring_entries = n;
	e->head = head;
	e->cmd_buf = malloc(card->cfg.max_cmd_len);
	if (!e->cmd_buf)
		return -ENOMEM;
	mmu_tlb_init(&e->tlb);
	atomic_store(&e->abort, false);
	e->stop = false;
	wake(e->wake_fd);	/* entries queued before the enable are served too */
	shm_store32(&d->status, 0);
	if (pthread_create(&e->thread, NULL, engine_main, e)) {
		free(e->cmd_buf);
		e->cmd_buf = NULL;
		return -EAGAIN;
	}
	e->running = true;
	card_log("queue %u enabled: ring 0x%llx, compl 0x%llx, %u entries",
		 q, (unsigned long long)e->ring_addr, (unsigned long long)e->compl_addr, n);
	return 0;
}

void engine_disable(struct card *card, unsigned int q)
{
	struct engine *e = &card->engines[q];

	if (!e->running)
		return;
	/*
	 * Stop first: an engine that sees its job aborted must not go on to
	 * the next entry. Then the running job ends ABORTED at its next span,
	 * packet or re-check.
	 */
	pthread_mutex_lock(&e->lock);
	e->stop = true;
	pthread_mutex_unlock(&e->lock);
	wake(e->wake_fd);
	atomic_store(&e->abort, true);
	sem_wake_all(card);
	pthread_join(e->thread, NULL);
	kernel_engine_release(e);
	free(e->cmd_buf);
	e->cmd_buf = NULL;
	e->running = false;
	card_log("queue %u disabled", q);
}

void engine_stop_all(struct card *card)
{
	unsigned int q;

	for (q = 0; q < TAIHU_MAX_QUEUES; q++)
		engine_disable(card, q);
}

void engine_destroy(struct card *card)
{
	unsigned int q;

	engine_stop_all(card);
	for (q = 0; q < TAIHU_MAX_QUEUES; q++) {
		struct engine *e = &card->engines[q];

		pthread_mutex_destroy(&e->lock);
		if (e->wake_fd >= 0)
			close(e->wake_fd);
		e->wake_fd = -1;
	}
}
