// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Fuzz target: mailbox requests with arbitrary ops, lengths and payloads,
 * interleaved with guest writes to VRAM (firmware images, queue rings),
 * queue and user-queue descriptors and the event ring head (layout in
 * fuzz_input.h).
 *
 * The card must stay single-threaded and deterministic here: MEMCPY_BENCH
 * becomes NOP, and QUEUE_ENABLE validates the descriptor as usual but its
 * engine thread fails to start (pthread_create is wrapped while the
 * mailbox runs; -Wl,--wrap=pthread_create), which is a path of its own.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fake_card.h"
#include "fuzz_input.h"
#include "mailbox.h"
#include "shm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int __real_pthread_create(pthread_t *t, const pthread_attr_t *attr,
			  void *(*fn)(void *), void *arg);
int __wrap_pthread_create(pthread_t *t, const pthread_attr_t *attr,
			  void *(*fn)(void *), void *arg);

static struct card *card;
static bool no_threads;

int __wrap_pthread_create(pthread_t *t, const pthread_attr_t *attr,
			  void *(*fn)(void *), void *arg)
{
	if (no_threads)
		return EAGAIN;
	return __real_pthread_create(t, attr, fn, arg);
}

struct cursor {
	const uint8_t *p;
	size_t left;
};

static bool take(struct cursor *c, void *out, size_t n)
{
	if (c->left < n)
		return false;
	if (out)
		memcpy(out, c->p, n);
	c->p += n;
	c->left -= n;
	return true;
}

static bool request(struct cursor *c, uint32_t seq)
{
	struct taihu_mbox *mb = card->mbox;
	struct fz_mb_request r;
	uint8_t payload[TAIHU_MBOX_PAYLOAD_SIZE] = { 0 };
	size_t n;

	if (!take(c, &r, sizeof(r)))
		return false;
	n = r.payload_len < sizeof(payload) ? r.payload_len : sizeof(payload);
	if (!take(c, payload, n))
		return false;
	mb->req_op = r.op == TAIHU_MBOX_OP_MEMCPY_BENCH ? TAIHU_MBOX_OP_NOP : r.op;
	mb->req_len = r.len;
	mb->req_reserved = r.reserved;
	memcpy(mb->req_payload, payload, sizeof(payload));
	shm_store32(&mb->req_seq, seq);

	/* An injected FW_HANG (arg 0: for ever) is over at the next request. */
	atomic_store(&card->fw_hung_until_ns, 0);
	no_threads = true;
	mailbox_service(card);
	no_threads = false;
	/* Every request is answered, in order. */
	if (shm_load32(&mb->rsp_seq) != seq || mb->rsp_len > TAIHU_MBOX_PAYLOAD_SIZE)
		abort();
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor c = { data, size };
	uint32_t seq = 0;
	uint8_t kind;

	if (!card) {
		fake_card_quiet();
		card = fake_card_new(FZ_VRAM_SIZE, FZ_HOST_SIZE);
	}
	fake_card_reset(card);

	while (take(&c, &kind, 1)) {
		bool ok = true;

		switch (kind % FZ_MB_NUM_KINDS) {
		case FZ_MB_REQUEST:
			ok = request(&c, ++seq);
			break;
		case FZ_MB_VRAM: {
			struct fz_mb_vram v;
			uint32_t off;
			size_t n;

			if (!take(&c, &v, sizeof(v)))
				return 0;
			off = v.offset % FZ_VRAM_SIZE;
			n = v.len < c.left ? v.len : c.left;
			if (n > FZ_VRAM_SIZE - off)
				n = FZ_VRAM_SIZE - off;
			memcpy(card->vram + off, c.p, n);
			ok = take(&c, NULL, n);
			break;
		}
		case FZ_MB_QDESC: {
			uint8_t q;

			ok = take(&c, &q, 1) &&
			     take(&c, &card->qdesc[q % TAIHU_MAX_QUEUES], sizeof(*card->qdesc));
			break;
		}
		case FZ_MB_UQDESC: {
			uint8_t u;

			ok = take(&c, &u, 1) &&
			     take(&c, &card->uqdesc[u % TAIHU_MAX_USER_QUEUES], sizeof(*card->uqdesc));
			break;
		}
		case FZ_MB_EVENT_HEAD:
			ok = take(&c, &card->events->head, sizeof(card->events->head));
			break;
		}
		if (!ok)
			break;
	}
	return 0;
}
