// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Semaphores between queues (SEM_SIGNAL, SEM_WAIT) and BARRIER on the real
 * taihu-card: a wait released by another queue's signal sees the memory
 * written before the signal; EQUAL/GEQUAL/SET/ADD; ADD is atomic across
 * engines; a stalled engine blocks neither the mailbox nor other queues;
 * QUEUE_DISABLE and RESET end a stall with ABORTED; malformed packets are
 * INVALID_CMD; semaphores work through the MMU and fault like any access.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "card_client.h"
#include "cmdbuf.h"
#include "pagetable.h"
#include "tap.h"

#define MiB		(1ULL << 20)
#define PAGE		4096ULL
/* VRAM plan (64 MiB). Each queue has 16 command slots of 4 KiB. */
#define CMD_VRAM(q, i)	(1 * MiB + (q) * 0x10000ULL + (i) * 0x1000ULL)
#define RING_ADDR(q)	(2 * MiB + (q) * 0x10000ULL)
#define COMPL_ADDR(q)	(RING_ADDR(q) + 0x8000ULL)
#define PT_POOL		(4 * MiB)
#define SEM(k)		(8 * MiB + (k) * 64ULL)
#define SRC		(16 * MiB)
#define DST		(24 * MiB)
#define CMD_VA(q, i)	(0x10000000ULL + (q) * 0x10000ULL + (i) * 0x1000ULL)
#define QUEUES		4
#define RING_ENTRIES	64

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static _Atomic uint64_t *sem(struct card_client *c, unsigned int k)
{
	return (_Atomic uint64_t *)(void *)(c->vram + SEM(k));
}

struct job {
	unsigned int q;
	uint32_t slot;
	uint64_t seqno;
	uint32_t head_after;	/* the queue's head once this job completed */
};

/* Submit @cb on queue @q as @context without waiting. */
static struct job submit(struct card_client *c, unsigned int q, const struct cmdbuf *cb,
			 uint32_t context)
{
	unsigned int i = c->q[q].tail % 16;
	struct job j = { .q = q, .seqno = ++c->seqno };

	memcpy(c->vram + CMD_VRAM(q, i), cb->data, cb->len);
	j.slot = cc_submit(c, q, context ? CMD_VA(q, i) : CMD_VRAM(q, i), cb->len, context,
			   j.seqno);
	j.head_after = c->q[q].tail;
	return j;
}

/* Wait up to @ms for @j; returns 0 with its completion, -1 if it did not complete. */
static int wait_job(struct card_client *c, const struct job *j, struct taihu_completion *out,
		    int ms)
{
	if (cc_wait_head(c, j->q, j->head_after, ms))
		return -1;
	cc_completion(c, j->q, j->slot, out);
	if (out->seqno != j->seqno) {
		tap_diag("completion seqno %llu, want %llu", (unsigned long long)out->seqno,
			 (unsigned long long)j->seqno);
		return -1;
	}
	return 0;
}

static int run(struct card_client *c, unsigned int q, const struct cmdbuf *cb,
	       uint32_t context, struct taihu_completion *out)
{
	struct job j = submit(c, q, cb, context);

	return wait_job(c, &j, out, 10000);
}

static bool still_stalled(struct card_client *c, const struct job *j)
{
	return (int32_t)(c->qdesc[j->q].head - j->head_after) < 0;
}

static int enable_queues(struct card_client *c)
{
	unsigned int q;

	for (q = 0; q < QUEUES; q++)
		if (cc_queue_enable(c, q, RING_ADDR(q), COMPL_ADDR(q), RING_ENTRIES))
			return -1;
	return 0;
}

static bool all_bytes(const uint8_t *p, uint64_t n, uint8_t v)
{
	uint64_t i;

	for (i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

static void test_signal_releases_wait(struct card_client *c)
{
	struct tap_check t = { true };
	struct taihu_completion c0, c1;
	struct cmdbuf cb;
	struct job w, s;

	atomic_store(sem(c, 0), 0);
	memset(c->vram + SRC, 0, 4 * MiB);
	memset(c->vram + DST, 0xff, 4 * MiB);
	cb_init(&cb);
	cb_sem_wait(&cb, SEM(0), 1, TAIHU_SEM_GEQUAL);
	cb_copy(&cb, SRC, DST, 4 * MiB);
	w = submit(c, 1, &cb, 0);
	usleep(100 * 1000);
	CHECK(&t, still_stalled(c, &w));
	CHECK(&t, all_bytes(c->vram + DST, 4 * MiB, 0xff));

	/* The data is written before the signal; the waiter must see all of it. */
	cb_init(&cb);
	cb_fill(&cb, SRC, 4 * MiB, 0x5a5a5a5a);
	cb_sem_signal(&cb, SEM(0), 1, TAIHU_SEM_SET);
	s = submit(c, 0, &cb, 0);
	CHECK(&t, wait_job(c, &s, &c0, 10000) == 0);
	CHECK(&t, wait_job(c, &w, &c1, 10000) == 0);
	CHECK_EQ(&t, c0.status, TAIHU_STATUS_SUCCESS);
	CHECK_EQ(&t, c1.status, TAIHU_STATUS_SUCCESS);
	CHECK(&t, c1.end_ns >= c0.start_ns);
	CHECK(&t, all_bytes(c->vram + DST, 4 * MiB, 0x5a));
	CHECK(&t, atomic_load(sem(c, 0)) == 1);
	tap_result(t.ok, "SEM_WAIT on queue 1 released by SEM_SIGNAL on queue 0 sees the data written before it");
}

static void test_equal_and_add(struct card_client *c)
{
	struct tap_check t = { true };
	struct taihu_completion rec;
	struct cmdbuf cb, add;
	struct job w;

	atomic_store(sem(c, 1), 5);
	cb_init(&cb);
	cb_sem_wait(&cb, SEM(1), 7, TAIHU_SEM_EQUAL);
	w = submit(c, 1, &cb, 0);
	cb_init(&add);
	cb_sem_signal(&add, SEM(1), 1, TAIHU_SEM_ADD);
	CHECK(&t, run(c, 0, &add, 0, &rec) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_SUCCESS);
	usleep(50 * 1000);
	CHECK(&t, still_stalled(c, &w));
	CHECK(&t, atomic_load(sem(c, 1)) == 6);
	CHECK(&t, run(c, 0, &add, 0, &rec) == 0);
	CHECK(&t, wait_job(c, &w, &rec, 5000) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_SUCCESS);
	CHECK(&t, atomic_load(sem(c, 1)) == 7);
	tap_result(t.ok, "SEM_WAIT EQUAL stalls through 6 and is released at 7 by two ADDs");

	/* Conditions already true, SET, ADD wrapping around 2^64. */
	t.ok = true;
	atomic_store(sem(c, 2), 10);
	cb_init(&cb);
	cb_sem_wait(&cb, SEM(2), 3, TAIHU_SEM_GEQUAL);
	cb_sem_wait(&cb, SEM(2), 10, TAIHU_SEM_EQUAL);
	cb_sem_wait(&cb, SEM(2), 10, TAIHU_SEM_GEQUAL);
	cb_sem_signal(&cb, SEM(2), 0, TAIHU_SEM_SET);
	cb_sem_signal(&cb, SEM(2), ~0ULL, TAIHU_SEM_ADD);
	cb_sem_wait(&cb, SEM(2), ~0ULL, TAIHU_SEM_EQUAL);
	cb_sem_signal(&cb, SEM(2), 2, TAIHU_SEM_ADD);
	cb_sem_wait(&cb, SEM(2), 1, TAIHU_SEM_EQUAL);
	CHECK(&t, run(c, 2, &cb, 0, &rec) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_SUCCESS);
	CHECK(&t, atomic_load(sem(c, 2)) == 1);
	tap_result(t.ok, "GEQUAL/EQUAL already true pass at once; SET; ADD wraps modulo 2^64");
}

static void test_add_is_atomic(struct card_client *c)
{
	struct tap_check t = { true };
	struct taihu_completion rec;
	struct job jobs[QUEUES * 8];
	struct cmdbuf cb;
	unsigned int i, q, n = 0;

	atomic_store(sem(c, 3), 0);
	cb_init(&cb);
	for (i = 0; i < 120; i++)
		cb_sem_signal(&cb, SEM(3), 1, TAIHU_SEM_ADD);
	for (i = 0; i < 8; i++)
		for (q = 0; q < QUEUES; q++)
			jobs[n++] = submit(c, q, &cb, 0);
	for (i = 0; i < n; i++) {
		CHECK(&t, wait_job(c, &jobs[i], &rec, 10000) == 0);
		CHECK_EQ(&t, rec.status, TAIHU_STATUS_SUCCESS);
	}
	CHECK_EQ(&t, atomic_load(sem(c, 3)), QUEUES * 8 * 120);
	tap_result(t.ok, "SEM_SIGNAL ADD from 4 engines at once is atomic (%u adds)", QUEUES * 8 * 120);
}

static void test_invalid(struct card_client *c)
{
	struct tap_check t = { true };
	struct taihu_completion rec;
	struct cmdbuf cb;
	static const struct { const char *name; unsigned int kind; uint64_t addr; uint32_t arg; } bad[] = {
		{ "SEM_SIGNAL to a misaligned address", 0, SEM(4) + 4, TAIHU_SEM_SET },
		{ "SEM_WAIT on a misaligned address", 1, SEM(4) + 1, TAIHU_SEM_GEQUAL },
		{ "SEM_SIGNAL with an unknown op", 0, SEM(4), 2 },
		{ "SEM_WAIT with an unknown condition", 1, SEM(4), 2 },
	};
	unsigned int i;

	atomic_store(sem(c, 4), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cb_init(&cb);
		cb_nop(&cb, 16);
		if (bad[i].kind)
			cb_sem_wait(&cb, bad[i].addr, 0, bad[i].arg);
		else
			cb_sem_signal(&cb, bad[i].addr, 1, bad[i].arg);
		CHECK(&t, run(c, 0, &cb, 0, &rec) == 0);
		if (rec.status != TAIHU_STATUS_INVALID_CMD || rec.error_offset != 16) {
			tap_diag("%s: status %u offset %u", bad[i].name, rec.status,
				 rec.error_offset);
			t.ok = false;
		}
	}
	/* Reserved fields, wrong sizes. */
	cb_init(&cb);
	cb_sem_signal(&cb, SEM(4), 1, TAIHU_SEM_SET);
	cb.data[28] = 1;
	CHECK(&t, run(c, 0, &cb, 0, &rec) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_INVALID_CMD);
	cb_init(&cb);
	cb_sem_wait(&cb, SEM(4), 0, TAIHU_SEM_GEQUAL);
	cb.data[28] = 1;
	CHECK(&t, run(c, 0, &cb, 0, &rec) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_INVALID_CMD);
	cb_init(&cb);
	cb_raw(&cb, TAIHU_PKT_SEM_SIGNAL, 0, 24, 0, 16);
	CHECK(&t, run(c, 0, &cb, 0, &rec) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_INVALID_CMD);
	cb_init(&cb);
	cb_raw(&cb, TAIHU_PKT_BARRIER, 0, 16, 0, 8);
	CHECK(&t, run(c, 0, &cb, 0, &rec) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_INVALID_CMD);
	CHECK(&t, atomic_load(sem(c, 4)) == 0);
	/* Out of reach (context 0): DMA_ERROR with the address. */
	cb_init(&cb);
	cb_sem_signal(&cb, c->vram_size, 1, TAIHU_SEM_SET);
	CHECK(&t, run(c, 0, &cb, 0, &rec) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_DMA_ERROR);
	CHECK(&t, rec.error_addr == c->vram_size);
	CHECK_EQ(&t, rec.error_access, TAIHU_ACCESS_WRITE);
	cb_init(&cb);
	cb_sem_wait(&cb, c->vram_size + 0x100000000ULL, 1, TAIHU_SEM_GEQUAL);
	CHECK(&t, run(c, 0, &cb, 0, &rec) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_DMA_ERROR);
	CHECK_EQ(&t, rec.error_access, TAIHU_ACCESS_READ);
	tap_result(t.ok, "malformed SEM_SIGNAL/SEM_WAIT/BARRIER are INVALID_CMD; out of reach DMA_ERROR");
}

static void test_host_write_releases(struct card_client *c)
{
	struct tap_check t = { true };
	struct taihu_completion rec;
	struct cmdbuf cb;
	struct job w;
	uint64_t t0;

	atomic_store(sem(c, 5), 0);
	cb_init(&cb);
	cb_sem_wait(&cb, SEM(5), 3, TAIHU_SEM_GEQUAL);
	w = submit(c, 3, &cb, 0);
	usleep(50 * 1000);
	CHECK(&t, still_stalled(c, &w));
	t0 = now_ns();
	atomic_store(sem(c, 5), 3);
	CHECK(&t, wait_job(c, &w, &rec, 2000) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_SUCCESS);
	tap_diag("a host CPU write released the wait after %.2f ms", (now_ns() - t0) / 1e6);
	tap_result(t.ok, "a semaphore written by the host CPU releases a stalled SEM_WAIT");
}

static void test_disable_aborts_stall(struct card_client *c)
{
	struct tap_check t = { true };
	struct taihu_mbox_ping ping = { .cookie = 11 }, pong;
	struct taihu_completion rec;
	struct cmdbuf cb;
	struct job w, behind;
	int32_t status;
	uint64_t t0;

	atomic_store(sem(c, 6), 0);
	cb_init(&cb);
	cb_nop(&cb, 8);
	cb_sem_wait(&cb, SEM(6), 1, TAIHU_SEM_GEQUAL);
	cb_sem_signal(&cb, SEM(6), 100, TAIHU_SEM_SET);
	w = submit(c, 1, &cb, 0);
	cb_init(&cb);
	cb_sem_signal(&cb, SEM(6), 200, TAIHU_SEM_SET);
	behind = submit(c, 1, &cb, 0);
	usleep(50 * 1000);
	CHECK(&t, still_stalled(c, &w));

	/* The stall blocks neither the mailbox nor the other queues. */
	CHECK(&t, cc_mbox(c, TAIHU_MBOX_OP_PING, &ping, sizeof(ping), &pong, sizeof(pong),
			  &status, 2000) == 0);
	CHECK(&t, pong.cookie == 11);
	cb_init(&cb);
	cb_nop(&cb, 8);
	CHECK(&t, run(c, 0, &cb, 0, &rec) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_SUCCESS);
	CHECK(&t, still_stalled(c, &w));

	t0 = now_ns();
	CHECK_EQ(&t, cc_queue_disable(c, 1), 0);
	tap_diag("QUEUE_DISABLE of a stalled queue answered in %.2f ms", (now_ns() - t0) / 1e6);
	CHECK(&t, now_ns() - t0 < 1000000000ULL);
	cc_completion(c, 1, w.slot, &rec);
	CHECK(&t, rec.seqno == w.seqno);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_ABORTED);
	CHECK_EQ(&t, rec.error_offset, 8);
	CHECK(&t, rec.start_ns <= rec.end_ns);
	/* The job behind it is left in the ring, unrun. */
	CHECK_EQ(&t, c->qdesc[1].head, w.head_after);
	CHECK(&t, c->qdesc[1].completed_seqno == w.seqno);
	CHECK(&t, atomic_load(sem(c, 6)) == 0);
	CHECK(&t, behind.seqno == w.seqno + 1);
	CHECK_EQ(&t, cc_queue_disable(c, 1), 0);
	CHECK_EQ(&t, cc_queue_enable(c, 1, RING_ADDR(1), COMPL_ADDR(1), RING_ENTRIES), 0);
	cb_init(&cb);
	cb_sem_signal(&cb, SEM(6), 300, TAIHU_SEM_SET);
	CHECK(&t, run(c, 1, &cb, 0, &rec) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_SUCCESS);
	CHECK(&t, atomic_load(sem(c, 6)) == 300);
	tap_result(t.ok, "QUEUE_DISABLE ends a stalled SEM_WAIT with ABORTED; mailbox and queue 0 served meanwhile");
}

static void test_reset_aborts_stall(struct card_client *c, const uint8_t *img, size_t size)
{
	struct tap_check t = { true };
	struct taihu_completion rec;
	struct cmdbuf cb;
	struct job w[2];
	unsigned int i;

	atomic_store(sem(c, 7), 0);
	cb_init(&cb);
	cb_sem_wait(&cb, SEM(7), 1, TAIHU_SEM_EQUAL);
	w[0] = submit(c, 2, &cb, 0);
	w[1] = submit(c, 3, &cb, 0);
	usleep(50 * 1000);
	CHECK(&t, still_stalled(c, &w[0]) && still_stalled(c, &w[1]));
	CHECK_EQ(&t, cc_reset(c), 0);
	for (i = 0; i < 2; i++) {
		cc_completion(c, w[i].q, w[i].slot, &rec);
		CHECK(&t, rec.seqno == w[i].seqno);
		CHECK_EQ(&t, rec.status, TAIHU_STATUS_ABORTED);
		CHECK_EQ(&t, c->qdesc[w[i].q].head, w[i].head_after);
	}
	CHECK_EQ(&t, cc_boot(c, img, size, 0, (uint32_t)size), TAIHU_BOOT_OK);
	CHECK_EQ(&t, enable_queues(c), 0);
	cb_init(&cb);
	cb_nop(&cb, 8);
	CHECK(&t, run(c, 2, &cb, 0, &rec) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_SUCCESS);
	tap_result(t.ok, "RESET ends stalled SEM_WAITs on two queues with ABORTED");
}

static void test_barrier(struct card_client *c)
{
	struct tap_check t = { true };
	struct taihu_completion rec;
	struct cmdbuf cb;

	atomic_store(sem(c, 8), 0);
	cb_init(&cb);
	cb_fill(&cb, SRC, 64 * 1024, 0x01020304);
	cb_barrier(&cb);
	cb_sem_signal(&cb, SEM(8), 1, TAIHU_SEM_SET);
	cb_barrier(&cb);
	CHECK(&t, run(c, 0, &cb, 0, &rec) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_SUCCESS);
	CHECK(&t, atomic_load(sem(c, 8)) == 1);
	CHECK(&t, c->id->capabilities & TAIHU_CARD_CAP_BARRIER);
	CHECK(&t, c->id->capabilities & TAIHU_CARD_CAP_SEMAPHORE);
	tap_result(t.ok, "BARRIER is accepted between packets");
}

static void test_translated(struct card_client *c)
{
	const uint64_t sva = 0x7000000, rova = 0x7100000, data_va = 0x7200000;
	struct tap_check t = { true };
	struct taihu_completion rec;
	struct cmdbuf cb;
	struct pt pt;
	struct job w, s;
	unsigned int q;

	CHECK(&t, pt_init(&pt, c, PT_POOL, MiB) == 0);
	for (q = 0; q < QUEUES; q++)
		CHECK(&t, pt_map(&pt, CMD_VA(q, 0), CMD_VRAM(q, 0), 0x10000, 0) == 0);
	/* The semaphores' page at sva (writable) and at rova (read-only). */
	CHECK(&t, pt_map(&pt, sva, SEM(0), PAGE, TAIHU_PTE_WRITE) == 0);
	CHECK(&t, pt_map(&pt, rova, SEM(0), PAGE, 0) == 0);
	CHECK(&t, pt_map(&pt, data_va, DST, 64 * 1024, 0) == 0);
	CHECK_EQ(&t, cc_ctx_create(c, 1, pt.root), 0);

	/* Context 1 waits by VA; context 0 signals the same word by VRAM offset. */
	atomic_store(sem(c, 9), 0);
	memset(c->vram + SRC, 0, 64 * 1024);
	cb_init(&cb);
	cb_sem_wait(&cb, sva + 9 * 64, 2, TAIHU_SEM_GEQUAL);
	cb_sem_signal(&cb, sva + 9 * 64, 40, TAIHU_SEM_ADD);
	w = submit(c, 1, &cb, 1);
	usleep(50 * 1000);
	CHECK(&t, still_stalled(c, &w));
	cb_init(&cb);
	cb_sem_signal(&cb, SEM(9), 2, TAIHU_SEM_SET);
	s = submit(c, 0, &cb, 0);
	CHECK(&t, wait_job(c, &s, &rec, 5000) == 0);
	CHECK(&t, wait_job(c, &w, &rec, 5000) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_SUCCESS);
	CHECK(&t, atomic_load(sem(c, 9)) == 42);
	tap_result(t.ok, "semaphores through the MMU: a context waits by VA, another signals by VRAM offset");

	t.ok = true;
	cb_init(&cb);
	cb_sem_wait(&cb, rova + 9 * 64, 42, TAIHU_SEM_EQUAL);	/* reading read-only: fine */
	cb_sem_signal(&cb, rova + 9 * 64, 1, TAIHU_SEM_ADD);
	CHECK(&t, run(c, 2, &cb, 1, &rec) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_MMU_FAULT);
	CHECK_EQ(&t, rec.error_offset, 32);
	CHECK(&t, rec.error_addr == rova + 9 * 64);
	CHECK_EQ(&t, rec.error_access, TAIHU_ACCESS_WRITE);
	cb_init(&cb);
	cb_sem_wait(&cb, 0x7300000, 1, TAIHU_SEM_GEQUAL);
	CHECK(&t, run(c, 2, &cb, 1, &rec) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_MMU_FAULT);
	CHECK(&t, rec.error_addr == 0x7300000);
	CHECK_EQ(&t, rec.error_access, TAIHU_ACCESS_READ);
	CHECK(&t, atomic_load(sem(c, 9)) == 42);
	tap_result(t.ok, "SEM_SIGNAL to a read-only page and SEM_WAIT on an unmapped VA fault");

	/* Unmapping the semaphore while a job waits on it: the re-check faults. */
	t.ok = true;
	cb_init(&cb);
	cb_sem_wait(&cb, sva + 9 * 64, 1000, TAIHU_SEM_GEQUAL);
	w = submit(c, 1, &cb, 1);
	usleep(30 * 1000);
	CHECK(&t, still_stalled(c, &w));
	pt_unmap(&pt, sva, PAGE);
	CHECK_EQ(&t, cc_tlb_invalidate(c, 1, sva, PAGE), 0);
	CHECK(&t, wait_job(c, &w, &rec, 2000) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_MMU_FAULT);
	CHECK(&t, rec.error_addr == sva + 9 * 64);
	CHECK_EQ(&t, cc_ctx_destroy(c, 1), 0);
	tap_result(t.ok, "a SEM_WAIT whose page is unmapped and invalidated meanwhile faults");
}

int main(void)
{
	struct card_client_opts o = { .vram = "64M" };
	struct card_client c;
	size_t size = 0;
	uint8_t *img;
	int rc;

	tap_init("test_sem");
	img = cc_read_fw_image("t1.bin", &size);
	if (!tap_result(img != NULL, "load the t1 firmware image"))
		return tap_finish();
	if (!tap_result(cc_start(&c, &o) == 0 && cc_reset(&c) == 0 &&
			cc_boot(&c, img, size, 0, (uint32_t)size) == TAIHU_BOOT_OK &&
			enable_queues(&c) == 0, "start, boot t1 and enable 4 queues")) {
		cc_stop(&c);
		free(img);
		return tap_finish();
	}
	test_signal_releases_wait(&c);
	test_equal_and_add(&c);
	test_add_is_atomic(&c);
	test_invalid(&c);
	test_host_write_releases(&c);
	test_barrier(&c);
	test_translated(&c);
	test_disable_aborts_stall(&c);
	test_reset_aborts_stall(&c, img, size);
	rc = cc_stop(&c);
	tap_result(rc == 0, "card exits 0 (status %d)", rc);
	free(img);
	return tap_finish();
}
