// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * User queues: see uqueue.h and struct taihu_uq_desc.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "activity.h"
#include "clock.h"
#include "cmdstream.h"
#include "dma.h"
#include "engine.h"
#include "events.h"
#include "kernel_exec.h"
#include "log.h"
#include "sem.h"
#include "shm.h"
#include "thermal.h"
#include "uqueue.h"

void uqueue_init(struct card *card)
{
	pthread_mutex_init(&card->uq_lock, NULL);
	pthread_cond_init(&card->uq_cond, NULL);
}

static bool overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

int uqueue_enable(struct card *card, uint32_t index)
{
	struct taihu_uq_desc d;
	struct taihu_uq_ctrl *ctrl;
	struct uqueue *u;
	uint64_t ring_bytes, compl_bytes, ctrl_bytes = sizeof(struct taihu_uq_ctrl);
	uint32_t n;
	bool busy;

	if (!card->cfg.booted)
		return -EIO;
	if (!(card->cfg.capabilities & TAIHU_CARD_CAP_MMU))
		return -EOPNOTSUPP;
	if (index >= TAIHU_MAX_USER_QUEUES)
		return -EINVAL;
	u = &card->uqs[index];
	pthread_mutex_lock(&card->uq_lock);
	busy = u->enabled;
	pthread_mutex_unlock(&card->uq_lock);
	if (busy)
		return -EBUSY;

	memcpy(&d, &card->uqdesc[index], sizeof(d));
	n = d.ring_entries;
	ring_bytes = (uint64_t)n * sizeof(struct taihu_ring_entry);
	compl_bytes = (uint64_t)n * sizeof(struct taihu_completion);
	if (!n || (n & (n - 1)) || n > card->cfg.max_ring_entries ||
	    d.ring_addr % 8 || d.compl_addr % 8 || d.ctrl_addr % 64 ||
	    !vram_range_ok(card, d.ring_addr, ring_bytes) ||
	    !vram_range_ok(card, d.compl_addr, compl_bytes) ||
	    !vram_range_ok(card, d.ctrl_addr, ctrl_bytes) ||
	    overlap(d.ring_addr, ring_bytes, d.compl_addr, compl_bytes) ||
	    overlap(d.ring_addr, ring_bytes, d.ctrl_addr, ctrl_bytes) ||
	    overlap(d.compl_addr, compl_bytes, d.ctrl_addr, ctrl_bytes) ||
	    d.queue >= card->cfg.num_queues || d.status || d.head ||
	    d.runs || d.reserved[0] || d.reserved[1] || d.reserved[2]) {
		card_log("user queue %u: bad descriptor (ring 0x%llx, compl 0x%llx, ctrl 0x%llx, %u entries, queue %u)",
			 index, (unsigned long long)d.ring_addr, (unsigned long long)d.compl_addr,
			 (unsigned long long)d.ctrl_addr, n, d.queue);
		return -EINVAL;
	}
	if (!d.context || d.context >= TAIHU_MAX_CONTEXTS ||
	    !atomic_load(&card->contexts[d.context].root))
		return -ENOENT;

	u->ring_addr = d.ring_addr;
	u->compl_addr = d.compl_addr;
	u->ctrl_addr = d.ctrl_addr;
	u->entries = n;
	u->context = d.context;
	u->queue = d.queue;
	u->head = 0;
	u->runs = 0;
	u->stopped = false;
	atomic_store(&u->stop, false);
	ctrl = (struct taihu_uq_ctrl *)(void *)(card->vram + u->ctrl_addr);
	shm_store32(&ctrl->status, 0);
	shm_store32(&ctrl->head, 0);
	pthread_mutex_lock(&card->uq_lock);
	u->enabled = true;
	pthread_mutex_unlock(&card->uq_lock);
	card_log("user queue %u enabled: ctx %u on queue %u, %u entries", index, u->context,
		 u->queue, n);
	return 0;
}

void uqueue_disable(struct card *card, uint32_t index)
{
	struct uqueue *u = &card->uqs[index];

	pthread_mutex_lock(&card->uq_lock);
	if (!u->enabled) {
		pthread_mutex_unlock(&card->uq_lock);
		return;
	}
	atomic_store(&u->stop, true);
	while (u->busy) {
		if (!u->abort_asked) {
			/* Only this user queue's job runs on the engine now. */
			u->abort_asked = true;
			atomic_store(&card->engines[u->queue].abort, true);
			sem_wake_all(card);
		}
		pthread_cond_wait(&card->uq_cond, &card->uq_lock);
	}
	u->enabled = false;
	pthread_mutex_unlock(&card->uq_lock);
	card_log("user queue %u disabled", index);
}

void uqueue_reset(struct card *card)
{
	uint32_t i;

	pthread_mutex_lock(&card->uq_lock);
	for (i = 0; i < TAIHU_MAX_USER_QUEUES; i++) {
		card->uqs[i].enabled = false;
		shm_store32(&card->uqdesc[i].status, 0);
		shm_store32(&card->uqdesc[i].head, 0);
		shm_store32(&card->uqdesc[i].runs, 0);
	}
	pthread_mutex_unlock(&card->uq_lock);
}

static void uq_stop(struct card *card, struct uqueue *u, uint32_t index, uint32_t status,
		    const char *why)
{
	struct taihu_uq_ctrl *ctrl = (struct taihu_uq_ctrl *)(void *)(card->vram + u->ctrl_addr);

	card_log("user queue %u (ctx %u): %s; stopped with status %u", index, u->context, why,
		 status);
	u->stopped = true;
	shm_store32(&card->uqdesc[index].status, status);
	shm_store32(&ctrl->status, status);
}

/* After the head that passes the stopping entry: the driver hears of it. */
static void uq_stop_event(struct card *card, const struct uqueue *u, uint32_t index)
{
	events_post(card, TAIHU_EVENT_UQ_ERROR, u->context, index,
		    shm_load32(&card->uqdesc[index].status));
}

/* Run one entry (already copied) into @rec; false if its fields are bad. */
static bool uq_run(struct engine *e, const struct uqueue *u, const struct taihu_ring_entry *entry,
		   struct taihu_completion *rec)
{
	struct taihu_ring_entry k = *entry;

	memset(rec, 0, sizeof(*rec));
	rec->seqno = entry->seqno;
	rec->start_ns = card_clock_ns();
	if ((entry->flags & ~(uint32_t)TAIHU_UQ_ENTRY_IRQ) || entry->reserved) {
		rec->status = TAIHU_STATUS_INVALID_CMD;
		rec->end_ns = rec->start_ns;
		return false;
	}
	k.context = u->context;	/* whatever the process wrote there */
	k.flags = 0;
	if (atomic_exchange(&e->fault_hang, false)) {
		hang_until_aborted(e);
		rec->status = TAIHU_STATUS_ABORTED;
	} else {
		activity_job_begin(e);
		cmdstream_execute(e, &k, rec);
		thermal_throttle_job(e);
		activity_job_end(e);
	}
	rec->end_ns = card_clock_ns();
	return true;
}

/* Serve up to u->entries entries; sets *@more if some are left. */
static bool uq_serve(struct engine *e, struct uqueue *u, uint32_t index, bool *more)
{
	struct card *card = e->card;
	struct taihu_uq_ctrl *ctrl = (struct taihu_uq_ctrl *)(void *)(card->vram + u->ctrl_addr);
	struct taihu_uq_desc *d = &card->uqdesc[index];
	bool irq = false;
	uint32_t n;

	for (n = 0; n < u->entries; n++) {
		struct taihu_ring_entry entry;
		struct taihu_completion rec;
		uint32_t tail, pending, slot;
		bool ok;

		if (atomic_load(&u->stop) || engine_stopping(e))
			return irq;
		tail = shm_load32(&ctrl->tail);
		pending = tail - u->head;
		if (!pending)
			return irq;
		if (pending > u->entries) {
			uq_stop(card, u, index, TAIHU_STATUS_INVALID_CMD, "tail past the ring");
			uq_stop_event(card, u, index);
			return true;
		}
		slot = u->head & (u->entries - 1);
		memcpy(&entry, card->vram + u->ring_addr + (uint64_t)slot * sizeof(entry),
		       sizeof(entry));
		/*
		 * Odd before the entry's first translation, seen by a driver
		 * that reads it after a TLB_INVALIDATE answered: either it sees
		 * the entry running, or the entry sees the new generation.
		 */
		shm_store32(&d->runs, ++u->runs);
		atomic_thread_fence(memory_order_seq_cst);
		ok = uq_run(e, u, &entry, &rec);
		/* Even once the entry touches none of the context's memory. */
		shm_store32(&d->runs, ++u->runs);
		if (atomic_load(&card->fw_crashed))
			return irq;
		memcpy(card->vram + u->compl_addr + (uint64_t)slot * sizeof(rec), &rec,
		       sizeof(rec));
		/*
		 * Completion record first, then a stop's status (whoever sees
		 * the head move past a stopping entry sees why), then the
		 * process's head, then the driver's.
		 */
		if (!ok)
			uq_stop(card, u, index, TAIHU_STATUS_INVALID_CMD, "bad ring entry");
		else if (rec.status == TAIHU_STATUS_MMU_FAULT)
			uq_stop(card, u, index, TAIHU_STATUS_MMU_FAULT, "MMU fault");
		u->head++;
		shm_store32(&ctrl->head, u->head);
		shm_store32(&d->head, u->head);
		/* After the head: a waiter that armed too late for us saw it. */
		atomic_thread_fence(memory_order_seq_cst);
		if ((entry.flags & TAIHU_UQ_ENTRY_IRQ) || shm_load32(&d->irq_head) == u->head)
			irq = true;
		if (u->stopped) {
			uq_stop_event(card, u, index);
			return true;
		}
	}
	*more = shm_load32(&ctrl->tail) != u->head;
	return irq;
}

bool uqueue_service(struct engine *e)
{
	struct card *card = e->card;
	bool irq = false, more = false;
	uint32_t i;

	for (i = 0; i < TAIHU_MAX_USER_QUEUES; i++) {
		struct uqueue *u = &card->uqs[i];
		bool serve;

		pthread_mutex_lock(&card->uq_lock);
		serve = u->enabled && u->queue == e->index && !u->stopped &&
			!atomic_load(&u->stop);
		u->busy = serve;
		pthread_mutex_unlock(&card->uq_lock);
		if (!serve)
			continue;
		irq |= uq_serve(e, u, i, &more);

		pthread_mutex_lock(&card->uq_lock);
		u->busy = false;
		if (u->abort_asked) {
			u->abort_asked = false;
			/* Unless a QUEUE_DISABLE or RESET wants the engine gone too. */
			pthread_mutex_lock(&e->lock);
			if (!e->stop)
				atomic_store(&e->abort, false);
			pthread_mutex_unlock(&e->lock);
		}
		pthread_cond_broadcast(&card->uq_cond);
		pthread_mutex_unlock(&card->uq_lock);
	}
	if (more) {
		uint64_t one = 1;

		/* A full ring's worth ran: let the others (and the ring) have a turn. */
		if (write(e->wake_fd, &one, sizeof(one)) != sizeof(one))
			card_log("queue %u: cannot re-kick itself", e->index);
	}
	return irq;
}
