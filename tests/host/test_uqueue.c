// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * User queues of the real taihu-card process (interface 1.5; the runs
 * counter of 1.8), driven the
 * way the driver and a process drive them: descriptors in BAR2 and
 * UQ_ENABLE/UQ_DISABLE through the mailbox, ring entries and the tail
 * written in VRAM, one kick of the hardware queue's vector per batch,
 * completions and head read back from VRAM. Checked: descriptor
 * validation, jobs in order in the descriptor's context (whatever the
 * entry names), interrupts only for entries that ask, and every hostile
 * case (tail past the ring, bad entries, garbage, MMU faults, a hang) stops
 * only its own user queue while the hardware queue and the other user
 * queues go on.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "card_client.h"
#include "cmdbuf.h"
#include "fw_images.h"
#include "pagetable.h"
#include "tap.h"

#define MiB		(1ULL << 20)
#define PAGE		4096ULL

/* VRAM plan (64 MiB). */
#define CMD_VRAM(q)	(1 * MiB + (q) * 0x10000ULL)	/* hardware queues' jobs */
#define RING_ADDR(q)	(2 * MiB + (q) * 0x10000ULL)
#define COMPL_ADDR(q)	(RING_ADDR(q) + 0x8000ULL)
#define PT_POOL(ctx)	(4 * MiB + (uint64_t)(ctx) * MiB)	/* contexts 1..3 */
#define UQ_BASE(i)	(16 * MiB + (uint64_t)(i) * 0x40000ULL)	/* ctrl, ring, compl */
#define UQ_CTRL(i)	UQ_BASE(i)
#define UQ_RING(i)	(UQ_BASE(i) + PAGE)
#define UQ_COMPL(i)	(UQ_BASE(i) + 2 * PAGE)
#define UCMD(ctx)	(24 * MiB + (uint64_t)(ctx) * 0x40000ULL)
#define UDATA(ctx)	(32 * MiB + (uint64_t)(ctx) * MiB)

/* What each context sees. */
#define CMD_VA		0x10000000ULL	/* UCMD(ctx), 256 KiB, read-only */
#define DATA_VA		0x20000000ULL	/* UDATA(ctx), 1 MiB, writable */
#define KCMD_VA(q)	(0x30000000ULL + (q) * 0x10000ULL)	/* CMD_VRAM(q) */
#define JOB_SLOT	256ULL		/* bytes of command stream per job */

#define QUEUES		4
#define RING_ENTRIES	64
#define UQ_ENTRIES	64

struct uq {
	struct card_client *c;
	uint32_t index;
	uint32_t context;
	uint32_t queue;
	uint32_t entries;
	uint32_t tail;
	uint64_t seqno;
};

static struct taihu_uq_ctrl *uq_ctrl(const struct uq *u)
{
	return (struct taihu_uq_ctrl *)(void *)(u->c->vram + UQ_CTRL(u->index));
}

static uint32_t load32(const volatile void *p)
{
	return __atomic_load_n((const volatile uint32_t *)p, __ATOMIC_ACQUIRE);
}

static void store32(volatile void *p, uint32_t v)
{
	__atomic_store_n((volatile uint32_t *)p, v, __ATOMIC_RELEASE);
}

static void drain_events(struct card_client *c)
{
	struct taihu_event ev;

	while (cc_next_event(c, &ev))
		;
}

static int uq_mbox(struct card_client *c, uint32_t op, uint32_t index)
{
	struct taihu_mbox_uq m = { .index = index };
	int32_t status;

	if (cc_mbox(c, op, &m, sizeof(m), NULL, 0, &status, 5000))
		return -1000;
	return status;
}

/* Fill descriptor @index with these values and send UQ_ENABLE. */
static int uq_enable_raw(struct card_client *c, uint32_t index, uint64_t ring, uint64_t compl,
			 uint64_t ctrl, uint32_t entries, uint32_t context, uint32_t queue)
{
	struct taihu_uq_desc *d = (struct taihu_uq_desc *)(void *)(c->bar2 + TAIHU_BAR2_UQ_OFFSET) +
				  index % TAIHU_MAX_USER_QUEUES;

	memset(d, 0, sizeof(*d));
	d->ring_addr = ring;
	d->compl_addr = compl;
	d->ctrl_addr = ctrl;
	d->ring_entries = entries;
	d->context = context;
	d->queue = queue;
	if (ctrl + sizeof(struct taihu_uq_ctrl) <= c->vram_size)
		memset(c->vram + ctrl, 0, sizeof(struct taihu_uq_ctrl));
	return uq_mbox(c, TAIHU_MBOX_OP_UQ_ENABLE, index);
}

static int uq_open(struct uq *u, struct card_client *c, uint32_t index, uint32_t context,
		   uint32_t queue)
{
	memset(u, 0, sizeof(*u));
	u->c = c;
	u->index = index;
	u->context = context;
	u->queue = queue;
	u->entries = UQ_ENTRIES;
	memset(c->vram + UQ_RING(index), 0, UQ_ENTRIES * sizeof(struct taihu_ring_entry));
	memset(c->vram + UQ_COMPL(index), 0, UQ_ENTRIES * sizeof(struct taihu_completion));
	return uq_enable_raw(c, index, UQ_RING(index), UQ_COMPL(index), UQ_CTRL(index),
			     UQ_ENTRIES, context, queue);
}

/* Disable, enable again from an empty ring, forget the events so far. */
static int uq_restart(struct uq *u)
{
	if (uq_mbox(u->c, TAIHU_MBOX_OP_UQ_DISABLE, u->index))
		return -1;
	drain_events(u->c);
	return uq_open(u, u->c, u->index, u->context, u->queue);
}

static struct taihu_uq_desc *uq_desc(const struct uq *u)
{
	return (struct taihu_uq_desc *)(void *)(u->c->bar2 + TAIHU_BAR2_UQ_OFFSET) + u->index;
}

/* Write entry @e at the tail (not yet published). */
static void uq_put(struct uq *u, const struct taihu_ring_entry *e)
{
	memcpy(u->c->vram + UQ_RING(u->index) +
	       (uint64_t)(u->tail & (u->entries - 1)) * sizeof(*e), e, sizeof(*e));
	u->tail++;
}

/* Copy @cb into the context's command buffer at job slot @slot and queue it. */
static void uq_push(struct uq *u, const struct cmdbuf *cb, unsigned int slot, uint32_t flags,
		    uint32_t claimed_context)
{
	struct taihu_ring_entry e = {
		.cmd_addr = CMD_VA + slot * JOB_SLOT,
		.cmd_len = cb->len,
		.context = claimed_context,
		.seqno = ++u->seqno,
		.flags = flags,
	};

	memcpy(u->c->vram + UCMD(u->context) + slot * JOB_SLOT, cb->data, cb->len);
	uq_put(u, &e);
}

static void uq_kick(struct uq *u)
{
	store32(&uq_ctrl(u)->tail, u->tail);
	cc_kick(u->c, TAIHU_VECTOR_QUEUE(u->queue));
}

/* Wait on the queue's interrupt until the card's head reaches @head; 0 or -1. */
static int uq_wait(struct uq *u, uint32_t head, int ms)
{
	int waited;

	for (waited = 0; waited <= ms; waited += 10) {
		if (load32(&uq_desc(u)->head) == head && load32(&uq_ctrl(u)->head) == head)
			return 0;
		if (load32(&uq_desc(u)->status))
			return -1;
		cc_wait_irq(u->c, TAIHU_VECTOR_QUEUE(u->queue), 10);
	}
	tap_diag("user queue %u: head %u, waiting for %u", u->index,
		 load32(&uq_desc(u)->head), head);
	return -1;
}

static void uq_completion(const struct uq *u, uint32_t idx, struct taihu_completion *rec)
{
	memcpy(rec, u->c->vram + UQ_COMPL(u->index) +
	       (uint64_t)(idx & (u->entries - 1)) * sizeof(*rec), sizeof(*rec));
}

/* Wait for a UQ_ERROR event of user queue @index with @status (~0u: any). */
static bool uq_error_seen(struct card_client *c, uint32_t index, uint32_t context,
			  uint32_t status)
{
	struct taihu_event ev;
	int tries;

	for (tries = 0; tries < 100; tries++) {
		while (cc_next_event(c, &ev))
			if (ev.type == TAIHU_EVENT_UQ_ERROR && ev.data[0] == index &&
			    ev.context == context && (status == ~0u || ev.data[1] == status))
				return true;
		cc_wait_irq(c, TAIHU_VECTOR_CONTROL, 20);
	}
	tap_diag("no UQ_ERROR event (user queue %u, ctx %u, status %u)", index, context, status);
	return false;
}

static int make_context(struct card_client *c, struct pt *pt, uint32_t context)
{
	unsigned int q;

	if (pt_init(pt, c, PT_POOL(context), MiB) ||
	    pt_map(pt, CMD_VA, UCMD(context), 0x40000, 0) ||
	    pt_map(pt, DATA_VA, UDATA(context), MiB, TAIHU_PTE_WRITE))
		return -1;
	for (q = 0; q < QUEUES; q++)
		if (pt_map(pt, KCMD_VA(q), CMD_VRAM(q), 0x10000, 0))
			return -1;
	return cc_ctx_create(c, context, pt->root);
}

/* A job of the hardware queue's own ring still runs, in @context. */
static bool ring_job_runs(struct card_client *c, unsigned int q, uint32_t context, uint32_t value)
{
	struct taihu_completion rec;
	struct cmdbuf cb;
	uint32_t got;

	cb_init(&cb);
	cb_fill(&cb, DATA_VA + 0x80000, 4, value);
	if (cc_run_stream(c, q, cb.data, cb.len, CMD_VRAM(q), KCMD_VA(q), context, &rec, 5000) ||
	    rec.status != TAIHU_STATUS_SUCCESS)
		return false;
	memcpy(&got, c->vram + UDATA(context) + 0x80000, 4);
	return got == value;
}

static void test_before_boot(struct card_client *c)
{
	struct tap_check t = { true };

	CHECK_EQ(&t, uq_enable_raw(c, 0, UQ_RING(0), UQ_COMPL(0), UQ_CTRL(0), UQ_ENTRIES, 1, 0),
		 -EIO);
	CHECK_EQ(&t, uq_mbox(c, TAIHU_MBOX_OP_UQ_DISABLE, 0), 0);
	tap_result(t.ok, "before BOOT: UQ_ENABLE -EIO, UQ_DISABLE of nothing is fine");
}

static void test_desc_checks(struct card_client *c)
{
	const uint64_t r = UQ_RING(5), k = UQ_COMPL(5), x = UQ_CTRL(5);
	struct tap_check t = { true };
	struct taihu_mbox_uq bad = { .index = 0, .reserved = 1 };
	struct taihu_uq_desc *d;
	int32_t status;

	CHECK_EQ(&t, uq_enable_raw(c, 5, r, k, x, 3, 1, 0), -EINVAL);
	CHECK_EQ(&t, uq_enable_raw(c, 5, r, k, x, 0, 1, 0), -EINVAL);
	CHECK_EQ(&t, uq_enable_raw(c, 5, r, k, x, 2048, 1, 0), -EINVAL);
	CHECK_EQ(&t, uq_enable_raw(c, 5, c->vram_size - 64, k, x, UQ_ENTRIES, 1, 0), -EINVAL);
	CHECK_EQ(&t, uq_enable_raw(c, 5, ~0ULL - 31, k, x, UQ_ENTRIES, 1, 0), -EINVAL);
	CHECK_EQ(&t, uq_enable_raw(c, 5, r, ~0ULL - 63, x, UQ_ENTRIES, 1, 0), -EINVAL);
	CHECK_EQ(&t, uq_enable_raw(c, 5, r, k, c->vram_size, UQ_ENTRIES, 1, 0), -EINVAL);
	CHECK_EQ(&t, uq_enable_raw(c, 5, r, k, x + 8, UQ_ENTRIES, 1, 0), -EINVAL);
	CHECK_EQ(&t, uq_enable_raw(c, 5, r, r + 64, x, UQ_ENTRIES, 1, 0), -EINVAL);
	CHECK_EQ(&t, uq_enable_raw(c, 5, r, k, r + 128, UQ_ENTRIES, 1, 0), -EINVAL);
	CHECK_EQ(&t, uq_enable_raw(c, 5, r, k, x, UQ_ENTRIES, 1, QUEUES), -EINVAL);
	CHECK_EQ(&t, uq_enable_raw(c, 5, r, k, x, UQ_ENTRIES, 0, 0), -ENOENT);
	CHECK_EQ(&t, uq_enable_raw(c, 5, r, k, x, UQ_ENTRIES, 9, 0), -ENOENT);
	CHECK_EQ(&t, uq_enable_raw(c, 5, r, k, x, UQ_ENTRIES, TAIHU_MAX_CONTEXTS, 0), -ENOENT);
	CHECK_EQ(&t, uq_enable_raw(c, TAIHU_MAX_USER_QUEUES, r, k, x, UQ_ENTRIES, 1, 0), -EINVAL);
	CHECK(&t, cc_mbox(c, TAIHU_MBOX_OP_UQ_ENABLE, &bad, sizeof(bad), NULL, 0, &status,
			  5000) == 0);
	CHECK_EQ(&t, status, -EINVAL);
	CHECK(&t, cc_mbox(c, TAIHU_MBOX_OP_UQ_ENABLE, &bad, 4, NULL, 0, &status, 5000) == 0);
	CHECK_EQ(&t, status, -EINVAL);
	/* The card's own fields must be zero too: the driver writes them so. */
	d = (struct taihu_uq_desc *)(void *)(c->bar2 + TAIHU_BAR2_UQ_OFFSET) + 5;
	uq_enable_raw(c, 5, r, k, x, UQ_ENTRIES, 1, 0);
	CHECK_EQ(&t, uq_mbox(c, TAIHU_MBOX_OP_UQ_DISABLE, 5), 0);
	d->reserved[2] = 1;
	CHECK_EQ(&t, uq_mbox(c, TAIHU_MBOX_OP_UQ_ENABLE, 5), -EINVAL);
	/* Good, twice, then disabled twice. */
	CHECK_EQ(&t, uq_enable_raw(c, 5, r, k, x, UQ_ENTRIES, 1, 0), 0);
	CHECK_EQ(&t, uq_enable_raw(c, 5, r, k, x, UQ_ENTRIES, 1, 0), -EBUSY);
	CHECK_EQ(&t, uq_mbox(c, TAIHU_MBOX_OP_UQ_DISABLE, 5), 0);
	CHECK_EQ(&t, uq_mbox(c, TAIHU_MBOX_OP_UQ_DISABLE, 5), 0);
	CHECK(&t, cc_alive(c));
	tap_result(t.ok, "UQ_ENABLE validates the descriptor (entries, ranges, overlap, queue, context)");
}

/* 40 FILL jobs in one kick; the entries claim context 2, they run in context 1. */
static void test_order_and_context(struct card_client *c)
{
	struct tap_check t = { true };
	struct taihu_completion rec;
	struct cmdbuf cb;
	struct uq u;
	unsigned int i;
	uint32_t v;

	memset(c->vram + UDATA(1), 0, 64 * 16);
	memset(c->vram + UDATA(2), 0xee, 64 * 16);
	CHECK_EQ(&t, uq_open(&u, c, 0, 1, 0), 0);
	for (i = 0; i < 40; i++) {
		cb_init(&cb);
		/* Each job overwrites the previous one's word: order shows. */
		cb_fill(&cb, DATA_VA + i * 16, 16, i + 1);
		cb_fill(&cb, DATA_VA + 0x1000, 4, i + 1);
		uq_push(&u, &cb, i, i == 39 ? TAIHU_UQ_ENTRY_IRQ : 0, 2);
	}
	uq_kick(&u);
	CHECK_EQ(&t, uq_wait(&u, 40, 5000), 0);
	for (i = 0; i < 40; i++) {
		uq_completion(&u, i, &rec);
		CHECK_EQ(&t, rec.seqno, i + 1);
		CHECK_EQ(&t, rec.status, TAIHU_STATUS_SUCCESS);
		CHECK(&t, rec.start_ns <= rec.end_ns);
		memcpy(&v, c->vram + UDATA(1) + i * 16 + 12, 4);
		CHECK_EQ(&t, v, i + 1);
	}
	memcpy(&v, c->vram + UDATA(1) + 0x1000, 4);
	CHECK_EQ(&t, v, 40);
	CHECK_EQ(&t, c->vram[UDATA(2)], 0xee);
	CHECK_EQ(&t, c->vram[UDATA(2) + 39 * 16 + 15], 0xee);
	CHECK_EQ(&t, load32(&uq_desc(&u)->status), 0);
	/* A wrapped ring: 100 more in three kicks. */
	for (i = 0; i < 100; i++) {
		cb_init(&cb);
		cb_fill(&cb, DATA_VA + 0x2000, 4, 1000 + i);
		uq_push(&u, &cb, i % 64, TAIHU_UQ_ENTRY_IRQ, 0);
		if (i == 39 || i == 79 || i == 99) {
			uq_kick(&u);
			CHECK_EQ(&t, uq_wait(&u, 41 + i, 5000), 0);
		}
	}
	memcpy(&v, c->vram + UDATA(1) + 0x2000, 4);
	CHECK_EQ(&t, v, 1099);
	uq_completion(&u, 139, &rec);
	CHECK_EQ(&t, rec.seqno, 140);
	tap_result(t.ok, "user queue: 140 jobs in order, in the descriptor's context, ring wraps");
	CHECK_EQ(&t, uq_mbox(c, TAIHU_MBOX_OP_UQ_DISABLE, 0), 0);
}

static void test_irq_only_when_asked(struct card_client *c)
{
	struct tap_check t = { true };
	struct cmdbuf cb;
	struct uq u;
	int waited;

	CHECK_EQ(&t, uq_open(&u, c, 1, 1, 1), 0);
	cc_wait_irq(c, TAIHU_VECTOR_QUEUE(1), 0);
	cb_init(&cb);
	cb_nop(&cb, 8);
	uq_push(&u, &cb, 0, 0, 0);
	uq_kick(&u);
	for (waited = 0; waited < 5000 && load32(&uq_ctrl(&u)->head) != 1; waited++)
		cc_wait_irq(c, TAIHU_VECTOR_CONTROL, 1);
	CHECK_EQ(&t, load32(&uq_ctrl(&u)->head), 1);
	CHECK(&t, !cc_wait_irq(c, TAIHU_VECTOR_QUEUE(1), 100));
	uq_push(&u, &cb, 0, TAIHU_UQ_ENTRY_IRQ, 0);
	uq_kick(&u);
	CHECK(&t, cc_wait_irq(c, TAIHU_VECTOR_QUEUE(1), 5000));
	CHECK_EQ(&t, uq_wait(&u, 2, 1000), 0);
	CHECK_EQ(&t, uq_mbox(c, TAIHU_MBOX_OP_UQ_DISABLE, 1), 0);
	tap_result(t.ok, "user queue: an interrupt only for an entry that asks");
}

/* Another user queue on the same engine, and the engine's ring, still work. */
static bool others_run(struct card_client *c, struct uq *good, unsigned int q)
{
	struct cmdbuf cb;

	cb_init(&cb);
	cb_fill(&cb, DATA_VA + 0x3000, 4, 7);
	uq_push(good, &cb, 63, TAIHU_UQ_ENTRY_IRQ, 0);
	uq_kick(good);
	return uq_wait(good, good->tail, 5000) == 0 && ring_job_runs(c, q, 1, 0x51 + q);
}

static void test_hostile(struct card_client *c)
{
	struct tap_check t = { true };
	struct taihu_completion rec;
	struct taihu_ring_entry e;
	struct cmdbuf cb;
	struct uq good, bad;
	uint32_t seed = 12345, i, w[8];

	CHECK_EQ(&t, uq_open(&good, c, 2, 1, 0), 0);
	/* A tail far past the ring. */
	drain_events(c);
	CHECK_EQ(&t, uq_open(&bad, c, 3, 2, 0), 0);
	store32(&uq_ctrl(&bad)->tail, 0x80000000u);
	cc_kick(c, TAIHU_VECTOR_QUEUE(0));
	CHECK(&t, uq_error_seen(c, 3, 2, TAIHU_STATUS_INVALID_CMD));
	CHECK_EQ(&t, load32(&uq_desc(&bad)->status), TAIHU_STATUS_INVALID_CMD);
	CHECK_EQ(&t, load32(&uq_ctrl(&bad)->status), TAIHU_STATUS_INVALID_CMD);
	CHECK_EQ(&t, load32(&uq_desc(&bad)->head), 0);
	CHECK(&t, others_run(c, &good, 0));
	tap_result(t.ok, "hostile tail stops only its user queue");

	/* A stopped user queue runs nothing more until it is enabled again. */
	t.ok = true;
	store32(&uq_ctrl(&bad)->tail, 0);
	cc_kick(c, TAIHU_VECTOR_QUEUE(0));
	CHECK(&t, others_run(c, &good, 0));
	CHECK_EQ(&t, load32(&uq_desc(&bad)->head), 0);
	CHECK_EQ(&t, uq_mbox(c, TAIHU_MBOX_OP_UQ_DISABLE, 3), 0);
	CHECK_EQ(&t, uq_open(&bad, c, 3, 2, 0), 0);
	CHECK_EQ(&t, load32(&uq_desc(&bad)->status), 0);
	cb_init(&cb);
	cb_nop(&cb, 8);
	uq_push(&bad, &cb, 0, TAIHU_UQ_ENTRY_IRQ, 0);
	uq_kick(&bad);
	CHECK_EQ(&t, uq_wait(&bad, 1, 5000), 0);
	tap_result(t.ok, "a stopped user queue stays stopped; disable + enable restarts it");

	/* An entry with an unknown flag: INVALID_CMD, and the queue stops after it. */
	t.ok = true;
	drain_events(c);
	uq_push(&bad, &cb, 0, 0x80, 0);
	uq_push(&bad, &cb, 0, 0, 0);
	uq_kick(&bad);
	CHECK(&t, uq_error_seen(c, 3, 2, TAIHU_STATUS_INVALID_CMD));
	CHECK_EQ(&t, load32(&uq_desc(&bad)->head), 2);
	uq_completion(&bad, 1, &rec);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_INVALID_CMD);
	CHECK(&t, others_run(c, &good, 0));
	tap_result(t.ok, "an entry with bad fields stops its user queue after its completion");

	/*
	 * Garbage: a full ring of random entries, plausible flags first (their
	 * jobs fail or fault), then random flags.
	 */
	t.ok = true;
	CHECK_EQ(&t, uq_restart(&bad), 0);
	for (i = 0; i < UQ_ENTRIES; i++) {
		unsigned int k;

		for (k = 0; k < 8; k++) {
			seed = seed * 1103515245u + 12345u;
			w[k] = seed;
		}
		w[6] = i < UQ_ENTRIES / 2 ? 0 : w[6];	/* flags */
		w[7] = 0;
		memcpy(&e, w, sizeof(e));
		uq_put(&bad, &e);
	}
	uq_kick(&bad);
	CHECK(&t, uq_error_seen(c, 3, 2, ~0u));
	CHECK(&t, load32(&uq_desc(&bad)->status) != 0);
	CHECK(&t, load32(&uq_desc(&bad)->head) >= 1);
	CHECK(&t, cc_alive(c));
	CHECK(&t, others_run(c, &good, 0));
	tap_result(t.ok, "garbage entries stop only their user queue; the card lives");

	/* An MMU fault: the job fails, the user queue stops, the event names its context. */
	t.ok = true;
	CHECK_EQ(&t, uq_restart(&bad), 0);
	cb_init(&cb);
	cb_fill(&cb, 0x7000000ULL, 16, 1);	/* unmapped in context 2 */
	uq_push(&bad, &cb, 1, 0, 0);
	uq_push(&bad, &cb, 2, 0, 0);
	uq_kick(&bad);
	CHECK(&t, uq_error_seen(c, 3, 2, TAIHU_STATUS_MMU_FAULT));
	CHECK_EQ(&t, load32(&uq_desc(&bad)->head), 1);
	uq_completion(&bad, 0, &rec);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_MMU_FAULT);
	CHECK(&t, rec.error_addr == 0x7000000ULL);
	CHECK(&t, others_run(c, &good, 0));
	tap_result(t.ok, "an MMU fault stops only its user queue");
	uq_mbox(c, TAIHU_MBOX_OP_UQ_DISABLE, 3);
	uq_mbox(c, TAIHU_MBOX_OP_UQ_DISABLE, 2);
}

static void test_hang_and_disable(struct card_client *c)
{
	struct taihu_mbox_fault f = { .fault = TAIHU_FAULT_QUEUE_HANG, .count = 1, .arg = 1 };
	struct tap_check t = { true };
	struct taihu_completion rec;
	struct cmdbuf cb;
	struct uq u, other;
	int32_t status;

	CHECK_EQ(&t, uq_open(&u, c, 4, 1, 1), 0);
	CHECK_EQ(&t, uq_open(&other, c, 6, 3, 1), 0);
	CHECK(&t, cc_mbox(c, TAIHU_MBOX_OP_FAULT_INJECT, &f, sizeof(f), NULL, 0, &status, 5000) == 0);
	CHECK_EQ(&t, status, 0);
	cb_init(&cb);
	cb_nop(&cb, 8);
	uq_push(&u, &cb, 0, TAIHU_UQ_ENTRY_IRQ, 0);
	uq_push(&u, &cb, 0, TAIHU_UQ_ENTRY_IRQ, 0);
	uq_kick(&u);
	CHECK(&t, uq_wait(&u, 1, 300) != 0);	/* hung */
	CHECK_EQ(&t, load32(&uq_desc(&u)->head), 0);
	/* UQ_DISABLE aborts the hung job and answers once nothing runs. */
	CHECK_EQ(&t, uq_mbox(c, TAIHU_MBOX_OP_UQ_DISABLE, 4), 0);
	CHECK_EQ(&t, load32(&uq_desc(&u)->head), 1);
	uq_completion(&u, 0, &rec);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_ABORTED);
	/* The engine goes on: its ring, and the other user queue. */
	CHECK(&t, ring_job_runs(c, 1, 1, 0x77));
	uq_push(&other, &cb, 0, TAIHU_UQ_ENTRY_IRQ, 0);
	uq_kick(&other);
	CHECK_EQ(&t, uq_wait(&other, 1, 5000), 0);
	CHECK_EQ(&t, uq_mbox(c, TAIHU_MBOX_OP_UQ_DISABLE, 6), 0);
	tap_result(t.ok, "UQ_DISABLE aborts a hung user-queue job; the engine goes on");
}

/* Poll &taihu_uq_desc.runs until it is @want; false after @ms. */
static bool runs_reach(const struct uq *u, uint32_t want, int ms)
{
	int waited;

	for (waited = 0; waited <= ms; waited += 5) {
		if (load32(&uq_desc(u)->runs) == want)
			return true;
		cc_wait_irq(u->c, TAIHU_VECTOR_QUEUE(u->queue), 5);
	}
	tap_diag("user queue %u: runs %u, waiting for %u", u->index, load32(&uq_desc(u)->runs),
		 want);
	return false;
}

/*
 * Interface 1.8: &taihu_uq_desc.runs is odd exactly while an entry runs,
 * through a TLB_INVALIDATE of its context, and even once the entry ended,
 * UQ_DISABLE's abort included: what the driver's hold of freed memory
 * relies on.
 */
static void test_runs_counter(struct card_client *c)
{
	const uint64_t sem = DATA_VA + 0x90000, sem_vram = UDATA(1) + 0x90000;
	struct tap_check t = { true };
	struct cmdbuf cb, nop;
	struct uq u;
	uint32_t r;

	CHECK(&t, c->id->if_minor >= TAIHU_CARD_IF_MINOR_UQ_RUNS);
	CHECK_EQ(&t, uq_open(&u, c, 9, 1, 3), 0);
	CHECK_EQ(&t, load32(&uq_desc(&u)->runs), 0);
	cb_init(&nop);
	cb_nop(&nop, 8);
	uq_push(&u, &nop, 0, TAIHU_UQ_ENTRY_IRQ, 0);
	uq_push(&u, &nop, 0, TAIHU_UQ_ENTRY_IRQ, 0);
	uq_kick(&u);
	CHECK_EQ(&t, uq_wait(&u, 2, 5000), 0);
	CHECK_EQ(&t, load32(&uq_desc(&u)->runs), 4);

	/* An entry held on a semaphore: odd, through a TLB_INVALIDATE. */
	store32(c->vram + sem_vram, 0);
	cb_init(&cb);
	cb_sem_wait(&cb, sem, 1, TAIHU_SEM_GEQUAL);
	cb_fill(&cb, DATA_VA + 0x91000, 4, 0x1234);
	uq_push(&u, &cb, 1, TAIHU_UQ_ENTRY_IRQ, 0);
	uq_kick(&u);
	CHECK(&t, runs_reach(&u, 5, 5000));
	CHECK_EQ(&t, cc_tlb_invalidate(c, 1, 0, 0), 0);
	CHECK_EQ(&t, load32(&uq_desc(&u)->runs), 5);
	CHECK_EQ(&t, load32(&uq_desc(&u)->head), 2);
	store32(c->vram + sem_vram, 1);
	CHECK_EQ(&t, uq_wait(&u, 3, 5000), 0);
	CHECK_EQ(&t, load32(&uq_desc(&u)->runs), 6);

	/* UQ_DISABLE aborts a waiting entry: even when it answers. */
	store32(c->vram + sem_vram, 0);
	uq_push(&u, &cb, 1, 0, 0);
	uq_kick(&u);
	CHECK(&t, runs_reach(&u, 7, 5000));
	CHECK_EQ(&t, uq_mbox(c, TAIHU_MBOX_OP_UQ_DISABLE, 9), 0);
	r = load32(&uq_desc(&u)->runs);
	CHECK_EQ(&t, r, 8);
	/* The card's counter must be zero again for UQ_ENABLE (the driver zeroes it). */
	CHECK_EQ(&t, uq_mbox(c, TAIHU_MBOX_OP_UQ_ENABLE, 9), -EINVAL);
	CHECK_EQ(&t, uq_open(&u, c, 9, 1, 3), 0);
	CHECK_EQ(&t, uq_mbox(c, TAIHU_MBOX_OP_UQ_DISABLE, 9), 0);
	CHECK(&t, cc_alive(c));
	tap_result(t.ok, "runs: odd while an entry runs (through TLB_INVALIDATE), even after, aborts too");
}

/*
 * irq_head (interface 1.10): the interrupt for the entry that brings the
 * head there, whatever its flags, also when written while the entry runs.
 */
static void test_irq_head(struct card_client *c)
{
	const uint64_t sem = DATA_VA + 0xa0000, sem_vram = UDATA(1) + 0xa0000;
	struct tap_check t = { true };
	struct cmdbuf cb, nop;
	struct uq u;
	int waited;

	CHECK(&t, c->id->if_minor >= TAIHU_CARD_IF_MINOR_UQ_IRQ_HEAD);
	CHECK_EQ(&t, uq_open(&u, c, 12, 1, 1), 0);
	cc_wait_irq(c, TAIHU_VECTOR_QUEUE(1), 0);
	cb_init(&nop);
	cb_nop(&nop, 8);
	store32(&uq_desc(&u)->irq_head, 2);
	uq_push(&u, &nop, 0, 0, 0);
	uq_push(&u, &nop, 0, 0, 0);
	uq_push(&u, &nop, 0, 0, 0);
	uq_kick(&u);
	CHECK(&t, cc_wait_irq(c, TAIHU_VECTOR_QUEUE(1), 5000));
	CHECK_EQ(&t, uq_wait(&u, 3, 1000), 0);

	/* Asked for while the entry waits on a semaphore. */
	store32(c->vram + sem_vram, 0);
	cb_init(&cb);
	cb_sem_wait(&cb, sem, 1, TAIHU_SEM_GEQUAL);
	uq_push(&u, &cb, 1, 0, 0);
	uq_kick(&u);
	CHECK(&t, runs_reach(&u, 7, 5000));
	cc_wait_irq(c, TAIHU_VECTOR_QUEUE(1), 0);
	store32(&uq_desc(&u)->irq_head, 4);
	store32(c->vram + sem_vram, 1);
	CHECK(&t, cc_wait_irq(c, TAIHU_VECTOR_QUEUE(1), 5000));
	CHECK_EQ(&t, load32(&uq_desc(&u)->head), 4);

	/* Not asked for: none. */
	uq_push(&u, &nop, 0, 0, 0);
	uq_kick(&u);
	for (waited = 0; waited < 5000 && load32(&uq_ctrl(&u)->head) != 5; waited++)
		cc_wait_irq(c, TAIHU_VECTOR_CONTROL, 1);
	CHECK_EQ(&t, load32(&uq_ctrl(&u)->head), 5);
	CHECK(&t, !cc_wait_irq(c, TAIHU_VECTOR_QUEUE(1), 100));
	CHECK_EQ(&t, uq_mbox(c, TAIHU_MBOX_OP_UQ_DISABLE, 12), 0);
	tap_result(t.ok, "user queue: an interrupt when the head reaches irq_head, asked for late too");
}

static void test_queue_disable_and_reset(struct card_client *c, const uint8_t *img, size_t size,
					 struct pt *pts)
{
	struct tap_check t = { true };
	struct cmdbuf cb;
	struct uq u;

	/* The hardware queue disabled: its user queues wait; enabled: they run. */
	CHECK_EQ(&t, uq_open(&u, c, 7, 1, 2), 0);
	CHECK_EQ(&t, cc_queue_disable(c, 2), 0);
	cb_init(&cb);
	cb_nop(&cb, 8);
	uq_push(&u, &cb, 0, TAIHU_UQ_ENTRY_IRQ, 0);
	uq_kick(&u);
	CHECK(&t, uq_wait(&u, 1, 200) != 0);
	CHECK_EQ(&t, cc_queue_enable(c, 2, RING_ADDR(2), COMPL_ADDR(2), RING_ENTRIES), 0);
	CHECK_EQ(&t, uq_wait(&u, 1, 5000), 0);
	tap_result(t.ok, "user queues wait while their hardware queue is disabled");

	/* RESET forgets user queues (and contexts). */
	t.ok = true;
	CHECK_EQ(&t, cc_reset(c), 0);
	CHECK_EQ(&t, cc_boot(c, img, size, 0, (uint32_t)size), TAIHU_BOOT_OK);
	CHECK_EQ(&t, cc_queue_enable(c, 2, RING_ADDR(2), COMPL_ADDR(2), RING_ENTRIES), 0);
	CHECK_EQ(&t, uq_open(&u, c, 7, 1, 2), -ENOENT);
	CHECK_EQ(&t, make_context(c, &pts[0], 1), 0);
	CHECK_EQ(&t, uq_open(&u, c, 7, 1, 2), 0);
	uq_push(&u, &cb, 0, TAIHU_UQ_ENTRY_IRQ, 0);
	uq_kick(&u);
	CHECK_EQ(&t, uq_wait(&u, 1, 5000), 0);
	tap_result(t.ok, "RESET forgets user queues; after BOOT they are set up again");
}

int main(void)
{
	struct card_client_opts o = { .vram = "64M" };
	struct card_client c;
	struct pt pts[3];
	size_t size = 0;
	unsigned int q, ctx;
	uint8_t *img;
	int rc;
	bool ok;

	tap_init("test_uqueue");
	img = cc_read_fw_image("t1.bin", &size);
	if (!tap_result(img != NULL, "load the t1 firmware image"))
		return tap_finish();
	if (!tap_result(cc_start(&c, &o) == 0, "start taihu-card")) {
		cc_stop(&c);
		free(img);
		return tap_finish();
	}
	tap_result(c.id->if_minor >= 5, "card interface 1.%u has user queues", c.id->if_minor);
	test_before_boot(&c);
	ok = cc_boot(&c, img, size, 0, (uint32_t)size) == TAIHU_BOOT_OK;
	for (q = 0; ok && q < QUEUES; q++)
		ok = cc_queue_enable(&c, q, RING_ADDR(q), COMPL_ADDR(q), RING_ENTRIES) == 0;
	for (ctx = 1; ok && ctx <= 3; ctx++)
		ok = make_context(&c, &pts[ctx - 1], ctx) == 0;
	if (tap_result(ok, "boot, 4 queues, contexts 1..3")) {
		test_desc_checks(&c);
		test_order_and_context(&c);
		test_irq_only_when_asked(&c);
		test_irq_head(&c);
		test_hostile(&c);
		test_hang_and_disable(&c);
		test_runs_counter(&c);
		test_queue_disable_and_reset(&c, img, size, pts);
	}
	rc = cc_stop(&c);
	if (rc)
		cc_dump_log(&c);
	tap_result(rc == 0, "card exits 0 (status %d)", rc);
	free(img);
	return tap_finish();
}
