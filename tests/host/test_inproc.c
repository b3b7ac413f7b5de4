// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The card's code run in-process against an in-memory card (fuzz/fake_card.h):
 * regression tests for what fuzzing and review found, where a socket and a
 * separate card process would make the scenario slow or racy to set up.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmdbuf.h"
#include "cmdstream.h"
#include "engine.h"
#include "fake_card.h"
#include "fw_verify.h"
#include "sem.h"
#include "shm.h"
#include "tap.h"

#define VRAM		(1u << 20)
#define HOST		(64u << 10)
#define RING		0x1000
#define COMPL		0x2000
#define STREAM		0x4000
#define SEMA		0x8000
#define ENTRIES		16

static struct card *card;

static void put_entry(uint32_t slot, uint64_t cmd_addr, uint32_t len, uint64_t seqno)
{
	struct taihu_ring_entry e = { .cmd_addr = cmd_addr, .cmd_len = len, .seqno = seqno };

	memcpy(card->vram + RING + slot * sizeof(e), &e, sizeof(e));
}

static struct taihu_completion completion(uint32_t slot)
{
	struct taihu_completion c;

	memcpy(&c, card->vram + COMPL + slot * sizeof(c), sizeof(c));
	return c;
}

/*
 * Queue 0 with four entries that each count themselves at SEMA + 8, then
 * stall in a SEM_WAIT nobody signals.
 */
static int start_stalled_queue(void)
{
	struct taihu_queue_desc *d = &card->qdesc[0];
	struct cmdbuf cb;
	uint32_t slot;

	cb_init(&cb);
	cb_sem_signal(&cb, SEMA + 8, 1, TAIHU_SEM_ADD);
	cb_sem_wait(&cb, SEMA, 1, TAIHU_SEM_GEQUAL);
	fake_card_reset(card);
	fake_card_boot(card, TAIHU_FW_CFG_KNOWN_CAPS, 4096, 1, ENTRIES);
	memcpy(card->vram + STREAM, cb.data, cb.len);
	for (slot = 0; slot < 4; slot++)
		put_entry(slot, STREAM, cb.len, 1 + slot);
	d->ring_addr = RING;
	d->compl_addr = COMPL;
	d->ring_entries = ENTRIES;
	shm_store32(&d->tail, 4);
	return engine_enable(card, 0);
}

static bool wait_head(uint32_t want, unsigned int ms)
{
	while (shm_load32(&card->qdesc[0].head) < want && ms--)
		usleep(1000);
	return shm_load32(&card->qdesc[0].head) >= want;
}

/*
 * QUEUE_DISABLE must end the running entry only. engine_disable() used to
 * raise the abort flag before the stop flag, so an engine that finished
 * the aborted job in between went on to abort the next entries as well.
 * The first test forces that interleaving: the abort flag alone must not
 * let the engine take another entry.
 */
static void test_abort_flag_stops_ring(void)
{
	struct tap_check t = { true };

	uint64_t started;
	unsigned int ms;

	CHECK_EQ(&t, start_stalled_queue(), 0);
	for (ms = 0; ms < 2000; ms++) {
		memcpy(&started, card->vram + SEMA + 8, sizeof(started));
		if (started)
			break;
		usleep(1000);
	}
	CHECK(&t, started == 1);
	atomic_store(&card->engines[0].abort, true);
	sem_wake_all(card);
	CHECK(&t, wait_head(1, 2000));
	usleep(20 * 1000);
	CHECK_EQ(&t, shm_load32(&card->qdesc[0].head), 1);
	CHECK_EQ(&t, completion(0).status, TAIHU_STATUS_ABORTED);
	engine_disable(card, 0);
	CHECK_EQ(&t, shm_load32(&card->qdesc[0].head), 1);
	tap_result(t.ok, "an aborted job's engine takes no further entry before it stops");
}

static void test_disable_aborts_one(void)
{
	struct tap_check t = { true };
	struct taihu_queue_desc *d = &card->qdesc[0];
	unsigned int iter, extra = 0;

	for (iter = 0; iter < 100; iter++) {
		uint32_t head;

		if (start_stalled_queue()) {
			CHECK(&t, !"engine_enable");
			break;
		}
		/* Let the first job reach its stall most of the time. */
		usleep(iter % 4 ? 300 : 0);
		engine_disable(card, 0);
		head = shm_load32(&d->head);
		if (head > 1) {
			extra++;
			tap_diag("iteration %u: QUEUE_DISABLE consumed %u entries", iter, head);
		}
		if (head == 1)
			CHECK_EQ(&t, completion(0).status, TAIHU_STATUS_ABORTED);
	}
	CHECK_EQ(&t, extra, 0);
	tap_result(t.ok, "QUEUE_DISABLE aborts the running entry only, the rest stay unrun (100 tries)");
}

int main(void)
{
	tap_init("test_inproc");
	fake_card_quiet();
	card = fake_card_new(VRAM, HOST);
	test_abort_flag_stops_ring();
	test_disable_aborts_one();
	fake_card_free(card);
	return tap_finish();
}
