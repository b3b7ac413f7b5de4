// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The card MMU, driven like the driver drives it: page tables built in
 * VRAM, CTX_CREATE/CTX_DESTROY/TLB_INVALIDATE through the mailbox, jobs of
 * user contexts whose every address is translated. Translated FILL and
 * COPY across page boundaries and mixed VRAM/host pages are compared byte
 * for byte with a model; faults must name the address, the access and the
 * packet, raise an event, and leave the card running. Also MEMCPY_BENCH
 * and a 64 MiB translated COPY timed against it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "card_client.h"
#include "cmdbuf.h"
#include "fw_images.h"
#include "pagetable.h"
#include "tap.h"

#define PAGE		4096ULL
#define MiB		(1ULL << 20)

/* VRAM plan (the card has 256 MiB). */
#define CMD_VRAM(q)	(1 * MiB + (q) * 0x10000ULL)
#define RING_ADDR(q)	(2 * MiB + (q) * 0x10000ULL)
#define COMPL_ADDR(q)	(RING_ADDR(q) + 0x8000ULL)
#define PT_POOL(ctx)	(4 * MiB + (uint64_t)(ctx) * MiB)	/* contexts 0..11 */
#define DATA		(16 * MiB)			/* small test pages */
#define BIG_SRC		(64 * MiB)
#define BIG_DST		(128 * MiB)
#define BIG		(64 * MiB)
/* Guest RAM plan (96 MiB). */
#define HOST_DATA	(1 * MiB)
#define HOST_BIG	(16 * MiB)

/* Virtual addresses every test context uses. */
#define CMD_VA(q)	(0x10000000ULL + (q) * 0x10000ULL)
#define VA_LIMIT	(1ULL << TAIHU_MMU_VA_BITS)
#define RING_ENTRIES	64
#define QUEUES		4

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* A page of VRAM (or, with @host, of guest RAM) as the test sees it. */
static uint8_t *phys(struct card_client *c, uint64_t addr, bool host)
{
	return host ? c->ram + addr : c->vram + addr;
}

/* Page tables for @context from its pool, with the command buffers mapped read-only. */
static int make_context(struct card_client *c, struct pt *pt, uint32_t context)
{
	unsigned int q;

	if (pt_init(pt, c, PT_POOL(context), MiB))
		return -1;
	for (q = 0; q < QUEUES; q++)
		if (pt_map(pt, CMD_VA(q), CMD_VRAM(q), 0x10000, 0))
			return -1;
	return cc_ctx_create(c, context, pt->root);
}

/* Run @cb on queue @q as @context (context 0: untranslated). */
static int run(struct card_client *c, unsigned int q, const struct cmdbuf *cb,
	       uint32_t context, struct taihu_completion *out)
{
	return cc_run_stream(c, q, cb->data, cb->len, CMD_VRAM(q),
			     context ? CMD_VA(q) : CMD_VRAM(q), context, out, 10000);
}

static void drain_events(struct card_client *c)
{
	struct taihu_event ev;

	while (cc_next_event(c, &ev))
		;
}

/* True if an MMU_FAULT event with exactly these fields is in the ring. */
static bool fault_event_seen(struct card_client *c, uint32_t context, uint64_t va,
			     uint32_t access, unsigned int q)
{
	struct taihu_event ev;
	bool seen = false;
	int tries;

	for (tries = 0; tries < 50 && !seen; tries++) {
		while (cc_next_event(c, &ev))
			if (ev.type == TAIHU_EVENT_MMU_FAULT && ev.context == context &&
			    ev.data[0] == va && ev.data[1] == (access | (uint64_t)q << 8))
				seen = true;
		if (!seen)
			cc_wait_irq(c, TAIHU_VECTOR_CONTROL, 20);
	}
	if (!seen)
		tap_diag("no MMU_FAULT event (ctx %u, va 0x%llx, access %u, queue %u)",
			 context, (unsigned long long)va, access, q);
	return seen;
}

static uint8_t rnd8(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return (uint8_t)(*s >> 16);
}

static void test_before_boot(struct card_client *c)
{
	struct tap_check t = { true };
	struct taihu_mbox_memcpy_bench b;

	CHECK_EQ(&t, cc_ctx_create(c, 1, PT_POOL(1)), -EIO);
	CHECK_EQ(&t, cc_ctx_destroy(c, 1), -EIO);
	CHECK_EQ(&t, cc_tlb_invalidate(c, 1, 0, 0), -EIO);
	/* The benchmark needs no firmware. */
	CHECK_EQ(&t, cc_memcpy_bench(c, MiB, &b, 10000), 0);
	CHECK(&t, b.size == MiB);
	tap_result(t.ok, "before BOOT: context ops -EIO, MEMCPY_BENCH works");
}

static int boot_and_enable(struct card_client *c, const uint8_t *img, size_t size)
{
	unsigned int q;

	if (cc_reset(c) || cc_boot(c, img, size, 0, (uint32_t)size) != TAIHU_BOOT_OK)
		return -1;
	for (q = 0; q < QUEUES; q++)
		if (cc_queue_enable(c, q, RING_ADDR(q), COMPL_ADDR(q), RING_ENTRIES))
			return -1;
	return 0;
}

static void test_ctx_args(struct card_client *c)
{
	struct tap_check t = { true };
	struct taihu_mbox_ctx m = { .context = 9, .flags = 1, .pt_root = PT_POOL(9) };
	struct taihu_mbox_tlb tl = { .context = 9, .reserved = 1 };
	int32_t status;

	CHECK(&t, c->id->capabilities & TAIHU_CARD_CAP_MMU);
	CHECK_EQ(&t, cc_ctx_create(c, 0, PT_POOL(9)), -EINVAL);
	CHECK_EQ(&t, cc_ctx_create(c, TAIHU_MAX_CONTEXTS, PT_POOL(9)), -EINVAL);
	CHECK_EQ(&t, cc_ctx_create(c, 0xffffffffu, PT_POOL(9)), -EINVAL);
	CHECK_EQ(&t, cc_ctx_create(c, 9, PT_POOL(9) + 8), -EINVAL);
	CHECK_EQ(&t, cc_ctx_create(c, 9, c->vram_size), -EINVAL);
	CHECK_EQ(&t, cc_ctx_create(c, 9, ~0ULL & ~(PAGE - 1)), -EINVAL);
	CHECK(&t, cc_mbox(c, TAIHU_MBOX_OP_CTX_CREATE, &m, sizeof(m), NULL, 0, &status, 5000) == 0);
	CHECK_EQ(&t, status, -EINVAL);
	m.flags = 0;
	CHECK(&t, cc_mbox(c, TAIHU_MBOX_OP_CTX_CREATE, &m, 8, NULL, 0, &status, 5000) == 0);
	CHECK_EQ(&t, status, -EINVAL);
	/* The last page of VRAM is a valid root; the table is not read until used. */
	CHECK_EQ(&t, cc_ctx_create(c, 9, c->vram_size - PAGE), 0);
	CHECK_EQ(&t, cc_ctx_create(c, 9, PT_POOL(9)), -EBUSY);
	CHECK_EQ(&t, cc_ctx_create(c, TAIHU_MAX_CONTEXTS - 1, PT_POOL(9)), 0);

	m.pt_root = PT_POOL(9);
	CHECK(&t, cc_mbox(c, TAIHU_MBOX_OP_CTX_DESTROY, &m, sizeof(m), NULL, 0, &status, 5000) == 0);
	CHECK_EQ(&t, status, -EINVAL);
	CHECK_EQ(&t, cc_ctx_destroy(c, 0), -EINVAL);
	CHECK_EQ(&t, cc_ctx_destroy(c, TAIHU_MAX_CONTEXTS), -EINVAL);
	CHECK_EQ(&t, cc_ctx_destroy(c, 99), -ENOENT);

	CHECK_EQ(&t, cc_tlb_invalidate(c, 9, 0, 0), 0);
	CHECK_EQ(&t, cc_tlb_invalidate(c, 9, 0x1000, 0x3000), 0);
	CHECK_EQ(&t, cc_tlb_invalidate(c, 9, 0x1001, 0x1000), -EINVAL);
	CHECK_EQ(&t, cc_tlb_invalidate(c, 9, 0x1000, 0x10), -EINVAL);
	CHECK_EQ(&t, cc_tlb_invalidate(c, 9, VA_LIMIT - PAGE, 2 * PAGE), -EINVAL);
	CHECK_EQ(&t, cc_tlb_invalidate(c, 9, ~0ULL & ~(PAGE - 1), PAGE), -EINVAL);
	CHECK_EQ(&t, cc_tlb_invalidate(c, 0, 0, 0), -EINVAL);
	CHECK_EQ(&t, cc_tlb_invalidate(c, 98, 0, 0), -ENOENT);
	CHECK(&t, cc_mbox(c, TAIHU_MBOX_OP_TLB_INVALIDATE, &tl, sizeof(tl), NULL, 0,
			  &status, 5000) == 0);
	CHECK_EQ(&t, status, -EINVAL);

	CHECK_EQ(&t, cc_ctx_destroy(c, 9), 0);
	CHECK_EQ(&t, cc_ctx_destroy(c, 9), -ENOENT);
	CHECK_EQ(&t, cc_tlb_invalidate(c, 9, 0, 0), -ENOENT);
	CHECK_EQ(&t, cc_ctx_destroy(c, TAIHU_MAX_CONTEXTS - 1), 0);
	CHECK(&t, cc_alive(c));
	tap_result(t.ok, "CTX_CREATE/CTX_DESTROY/TLB_INVALIDATE refuse bad arguments with -EINVAL/-EBUSY/-ENOENT");
}

/*
 * FILL through six scattered pages, two of them host pages, starting and
 * ending mid-page; compared byte for byte with a model of the VA range.
 */
static void test_fill_mixed(struct card_client *c, struct pt *pt)
{
	static const struct { uint64_t addr; bool host; } pages[6] = {
		{ DATA + 5 * PAGE, false }, { DATA + 1 * PAGE, false },
		{ HOST_DATA + 3 * PAGE, true }, { DATA + 0 * PAGE, false },
		{ HOST_DATA + 0 * PAGE, true }, { DATA + 2 * PAGE, false },
	};
	const uint64_t va = 0x200000, start = 101, size = 5 * PAGE + 77;
	const uint32_t value = 0xa1b2c3d4;
	struct tap_check t = { true };
	struct taihu_completion rec;
	uint8_t model[6 * PAGE], pat[4];
	struct cmdbuf cb;
	unsigned int i;
	uint64_t k;

	memcpy(pat, &value, 4);
	memset(model, 0xee, sizeof(model));
	for (k = 0; k < size; k++)
		model[start + k] = pat[k % 4];
	for (i = 0; i < 6; i++) {
		memset(phys(c, pages[i].addr, pages[i].host), 0xee, PAGE);
		CHECK(&t, pt_map(pt, va + i * PAGE, pages[i].addr, PAGE,
				 TAIHU_PTE_WRITE | (pages[i].host ? TAIHU_PTE_HOST : 0)) == 0);
	}
	cb_init(&cb);
	cb_fill(&cb, va + start, size, value);
	CHECK(&t, run(c, 0, &cb, 1, &rec) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_SUCCESS);
	for (i = 0; i < 6; i++)
		if (memcmp(phys(c, pages[i].addr, pages[i].host), model + i * PAGE, PAGE)) {
			tap_diag("page %u (%s 0x%llx) differs from the model", i,
				 pages[i].host ? "host" : "VRAM", (unsigned long long)pages[i].addr);
			t.ok = false;
		}
	tap_result(t.ok, "translated FILL across 6 scattered VRAM/host pages, unaligned ends, byte for byte");
}

/* Map @n pages at @va onto the pages of @list (VRAM or host), writable. */
static int map_list(struct pt *pt, uint64_t va, const uint64_t *list, unsigned int n, bool host)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (pt_map(pt, va + i * PAGE, list[i], PAGE,
			   TAIHU_PTE_WRITE | (host ? TAIHU_PTE_HOST : 0)))
			return -1;
	return 0;
}

static void test_copy_mixed(struct card_client *c, struct pt *pt)
{
	static const uint64_t hpages[5] = {
		HOST_DATA + 9 * PAGE, HOST_DATA + 7 * PAGE, HOST_DATA + 8 * PAGE,
		HOST_DATA + 12 * PAGE, HOST_DATA + 10 * PAGE,
	};
	static const uint64_t vpages[5] = {
		DATA + 20 * PAGE, DATA + 21 * PAGE, DATA + 30 * PAGE,
		DATA + 25 * PAGE, DATA + 26 * PAGE,
	};
	const uint64_t sva = 0x400000, dva = 0x600000, soff = 123, doff = 4000;
	const uint64_t size = 3 * PAGE + 5;
	struct tap_check t = { true };
	struct taihu_completion rec;
	uint8_t smodel[5 * PAGE], dmodel[5 * PAGE];
	struct cmdbuf cb;
	uint32_t seed = 42;
	unsigned int i;

	for (i = 0; i < 5 * PAGE; i++)
		smodel[i] = rnd8(&seed);
	memset(dmodel, 0x33, sizeof(dmodel));
	for (i = 0; i < 5; i++) {
		memcpy(phys(c, hpages[i], true), smodel + i * PAGE, PAGE);
		memset(phys(c, vpages[i], false), 0x33, PAGE);
	}
	CHECK(&t, map_list(pt, sva, hpages, 5, true) == 0);
	CHECK(&t, map_list(pt, dva, vpages, 5, false) == 0);
	memcpy(dmodel + doff, smodel + soff, size);

	cb_init(&cb);
	cb_copy(&cb, sva + soff, dva + doff, size);
	CHECK(&t, run(c, 1, &cb, 1, &rec) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_SUCCESS);
	for (i = 0; i < 5; i++)
		CHECK(&t, !memcmp(phys(c, vpages[i], false), dmodel + i * PAGE, PAGE));
	tap_result(t.ok, "translated COPY host pages -> VRAM pages, scattered, unaligned, byte for byte");

	/* And back: VRAM -> host, at other offsets. */
	t.ok = true;
	memcpy(smodel + 7, dmodel + 3000, 2 * PAGE + 999);
	cb_init(&cb);
	cb_copy(&cb, dva + 3000, sva + 7, 2 * PAGE + 999);
	CHECK(&t, run(c, 2, &cb, 1, &rec) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_SUCCESS);
	for (i = 0; i < 5; i++)
		CHECK(&t, !memcmp(phys(c, hpages[i], true), smodel + i * PAGE, PAGE));
	tap_result(t.ok, "translated COPY VRAM pages -> host pages, byte for byte");
}

static void test_copy_overlap(struct card_client *c, struct pt *pt)
{
	static const uint64_t vpages[8] = {
		DATA + 47 * PAGE, DATA + 40 * PAGE, DATA + 41 * PAGE, DATA + 45 * PAGE,
		DATA + 46 * PAGE, DATA + 43 * PAGE, DATA + 42 * PAGE, DATA + 44 * PAGE,
	};
	const uint64_t va = 0x800000;
	struct tap_check t = { true };
	struct taihu_completion rec;
	uint8_t model[8 * PAGE];
	struct cmdbuf cb;
	uint32_t seed = 7;
	unsigned int i, pass;

	CHECK(&t, map_list(pt, va, vpages, 8, false) == 0);
	for (pass = 0; pass < 2; pass++) {
		/* pass 0: destination above the source (runs backwards); 1: below. */
		uint64_t src = pass ? 5000 : 10, dst = pass ? 10 : 5000, size = 20000;

		for (i = 0; i < 8 * PAGE; i++)
			model[i] = rnd8(&seed);
		for (i = 0; i < 8; i++)
			memcpy(phys(c, vpages[i], false), model + i * PAGE, PAGE);
		memmove(model + dst, model + src, size);
		cb_init(&cb);
		cb_copy(&cb, va + src, va + dst, size);
		CHECK(&t, run(c, 0, &cb, 1, &rec) == 0);
		CHECK_EQ(&t, rec.status, TAIHU_STATUS_SUCCESS);
		for (i = 0; i < 8; i++)
			CHECK(&t, !memcmp(phys(c, vpages[i], false), model + i * PAGE, PAGE));
	}
	tap_result(t.ok, "translated COPY of overlapping VA ranges over scattered pages is memmove, both directions");
}

static void fill_words(uint8_t *p, uint64_t size, uint64_t seed)
{
	uint64_t i, v;

	for (i = 0; i + 8 <= size; i += 8) {
		v = (i + seed) * 0x9e3779b97f4a7c15ULL;
		memcpy(p + i, &v, 8);
	}
}

static void test_big_copy(struct card_client *c, struct pt *pt)
{
	const uint64_t sva = 1ULL << 30, dva = 2ULL << 30, hva = 3ULL << 30;
	struct tap_check t = { true };
	struct taihu_mbox_memcpy_bench b = { 0 };
	struct taihu_completion rec;
	struct cmdbuf cb;
	uint64_t copy_ns, host_ns, i, t0;
	uint8_t *tmp = malloc(BIG);
	bool same = true;

	CHECK(&t, tmp != NULL);
	if (!tmp) {
		tap_result(false, "64 MiB translated COPY VRAM -> VRAM");
		return;
	}
	CHECK(&t, pt_map(pt, sva, BIG_SRC, BIG, 0) == 0);
	CHECK(&t, pt_map(pt, dva, BIG_DST, BIG, TAIHU_PTE_WRITE) == 0);
	fill_words(c->vram + BIG_SRC, BIG, 1);
	memset(c->vram + BIG_DST, 0, BIG);
	memset(tmp, 1, BIG);

	CHECK_EQ(&t, cc_memcpy_bench(c, BIG, &b, 30000), 0);
	CHECK(&t, b.size == BIG && b.ns > 0);
	t0 = now_ns();
	memcpy(tmp, c->vram + BIG_SRC, BIG);
	host_ns = now_ns() - t0;

	cb_init(&cb);
	cb_copy(&cb, sva, dva, BIG);
	CHECK(&t, run(c, 0, &cb, 1, &rec) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_SUCCESS);
	copy_ns = rec.end_ns - rec.start_ns;
	CHECK(&t, !memcmp(c->vram + BIG_DST, c->vram + BIG_SRC, BIG));
	tap_diag("64 MiB: translated COPY VRAM->VRAM %.2f ms (%.2f GB/s), card MEMCPY_BENCH %.2f ms (%.2f GB/s), ratio %.2f; test-process memcpy %.2f ms",
		 copy_ns / 1e6, BIG / (double)copy_ns, b.ns / 1e6, BIG / (double)b.ns,
		 (double)b.ns / (double)copy_ns, host_ns / 1e6);
	/* Speed is a figure for `make bench`, not a verdict: this machine is shared. */
	tap_result(t.ok, "64 MiB translated COPY VRAM -> VRAM, byte for byte");

	/* Host pages in a scrambled order: 16384 separate runs. */
	t.ok = true;
	for (i = 0; i < BIG / PAGE; i++)
		CHECK(&t, pt_map(pt, hva + i * PAGE, HOST_BIG + (i ^ 1) * PAGE, PAGE,
				 TAIHU_PTE_HOST) == 0);
	fill_words(c->ram + HOST_BIG, BIG, 99);
	memset(c->vram + BIG_DST, 0, BIG);
	cb_init(&cb);
	cb_copy(&cb, hva, dva, BIG);
	CHECK(&t, run(c, 2, &cb, 1, &rec) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_SUCCESS);
	copy_ns = rec.end_ns - rec.start_ns;
	for (i = 0; i < BIG / PAGE && same; i++)
		same = !memcmp(c->vram + BIG_DST + i * PAGE, c->ram + HOST_BIG + (i ^ 1) * PAGE, PAGE);
	CHECK(&t, same);
	tap_diag("64 MiB: translated COPY of 16384 scattered host pages -> VRAM %.2f ms (%.2f GB/s), ratio to MEMCPY_BENCH %.2f",
		 copy_ns / 1e6, BIG / (double)copy_ns, (double)b.ns / (double)copy_ns);
	tap_result(t.ok, "64 MiB translated COPY from scrambled host pages -> VRAM, byte for byte");
	pt_unmap(pt, hva, BIG);
	CHECK_EQ(&t, cc_tlb_invalidate(c, 1, hva, BIG), 0);
	free(tmp);
}

/* Run @cb as @context on queue 3; it must fault at @va/@access in packet @offset. */
static void expect_fault(struct card_client *c, const char *name, const struct cmdbuf *cb,
			 uint32_t context, uint32_t offset, uint64_t va, uint32_t access)
{
	struct tap_check t = { true };
	struct taihu_completion rec;

	drain_events(c);
	CHECK(&t, run(c, 3, cb, context, &rec) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_MMU_FAULT);
	CHECK_EQ(&t, rec.error_offset, offset);
	if (rec.error_addr != va) {
		tap_diag("error_addr 0x%llx, want 0x%llx", (unsigned long long)rec.error_addr,
			 (unsigned long long)va);
		t.ok = false;
	}
	CHECK_EQ(&t, rec.error_access, access);
	CHECK(&t, fault_event_seen(c, context, va, access, 3));
	CHECK(&t, cc_alive(c));
	tap_result(t.ok, "fault: %s", name);
}

static void test_faults(struct card_client *c, struct pt *pt)
{
	const uint64_t ro = 0x1000000, rw = 0x1100000, bad = 0x1200000, edge = VA_LIMIT - PAGE;
	struct taihu_completion rec;
	struct tap_check t = { true };
	uint64_t *e;
	struct cmdbuf cb;

	memset(c->vram + DATA + 60 * PAGE, 0x11, 2 * PAGE);
	CHECK(&t, pt_map(pt, ro, DATA + 60 * PAGE, PAGE, 0) == 0);
	CHECK(&t, pt_map(pt, rw, DATA + 61 * PAGE, PAGE, TAIHU_PTE_WRITE) == 0);
	CHECK(&t, pt_map(pt, edge, DATA + 62 * PAGE, PAGE, TAIHU_PTE_WRITE) == 0);
	memset(c->vram + DATA + 62 * PAGE, 0x22, PAGE);
	if (!t.ok)
		tap_diag("cannot build the fault page tables");

	cb_init(&cb);
	cb_nop(&cb, 8);
	cb_fill(&cb, 0x30000000, 16, 0);
	expect_fault(c, "FILL of an unmapped VA", &cb, 1, 8, 0x30000000, TAIHU_ACCESS_WRITE);

	cb_init(&cb);
	cb_copy(&cb, 0x30000010, rw, 16);
	expect_fault(c, "COPY from an unmapped VA", &cb, 1, 0, 0x30000010, TAIHU_ACCESS_READ);

	cb_init(&cb);
	cb_fill(&cb, ro + 8, 16, 0x99999999);
	expect_fault(c, "FILL of a read-only page", &cb, 1, 0, ro + 8, TAIHU_ACCESS_WRITE);
	cb_init(&cb);
	cb_copy(&cb, rw, ro, 16);
	expect_fault(c, "COPY into a read-only page", &cb, 1, 0, ro, TAIHU_ACCESS_WRITE);
	cb_init(&cb);
	cb_timestamp(&cb, ro + 64);
	expect_fault(c, "TIMESTAMP into a read-only page", &cb, 1, 0, ro + 64, TAIHU_ACCESS_WRITE);
	CHECK(&t, c->vram[DATA + 60 * PAGE + 8] == 0x11 && c->vram[DATA + 60 * PAGE + 64] == 0x11);

	/* Reading a read-only page is fine. */
	cb_init(&cb);
	cb_copy(&cb, ro, rw, 64);
	CHECK(&t, run(c, 3, &cb, 1, &rec) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_SUCCESS);
	CHECK_EQ(&t, c->vram[DATA + 61 * PAGE + 63], 0x11);
	tap_result(t.ok, "read-only pages stay unchanged and can be read");

	/* Entries pointing outside the card's reach. */
	pt_map(pt, bad, c->vram_size, PAGE, TAIHU_PTE_WRITE);
	pt_map(pt, bad + PAGE, c->ram_size, PAGE, TAIHU_PTE_WRITE | TAIHU_PTE_HOST);
	pt_map(pt, bad + 2 * PAGE, c->ram_size - PAGE, PAGE, TAIHU_PTE_WRITE | TAIHU_PTE_HOST);
	pt_map(pt, bad + 3 * PAGE, 1ULL << 50, PAGE, TAIHU_PTE_WRITE);
	cb_init(&cb);
	cb_copy(&cb, bad, rw, 16);
	expect_fault(c, "PTE pointing past the end of VRAM", &cb, 1, 0, bad, TAIHU_ACCESS_READ);
	cb_init(&cb);
	cb_fill(&cb, bad + PAGE, 16, 0);
	expect_fault(c, "host PTE pointing past the end of guest RAM", &cb, 1, 0, bad + PAGE,
		     TAIHU_ACCESS_WRITE);
	/* The last pages of guest RAM and of VRAM are in reach. */
	t.ok = true;
	pt_map(pt, bad + 4 * PAGE, c->vram_size - PAGE, PAGE, TAIHU_PTE_WRITE);
	cb_init(&cb);
	cb_fill(&cb, bad + 2 * PAGE + 100, 16, 0x0f0f0f0f);
	cb_fill(&cb, bad + 5 * PAGE - 16, 16, 0x0e0e0e0e);
	CHECK(&t, run(c, 3, &cb, 1, &rec) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_SUCCESS);
	CHECK_EQ(&t, c->ram[c->ram_size - PAGE + 115], 0x0f);
	CHECK_EQ(&t, c->vram[c->vram_size - 1], 0x0e);
	tap_result(t.ok, "PTEs to the last page of guest RAM and of VRAM work");
	cb_init(&cb);
	cb_fill(&cb, bad + 3 * PAGE, 16, 0);
	expect_fault(c, "PTE with a huge VRAM offset", &cb, 1, 0, bad + 3 * PAGE,
		     TAIHU_ACCESS_WRITE);

	/* Directory entries: outside VRAM, or claiming to be host memory. */
	e = pt_entry(pt, 0x2000000000ULL, 1);
	if (e)
		*e = (c->vram_size + MiB) | TAIHU_PTE_VALID;
	cb_init(&cb);
	cb_fill(&cb, 0x2000000000ULL + 0x1234, 16, 0);
	expect_fault(c, "level-1 directory entry pointing outside VRAM", &cb, 1, 0,
		     0x2000000000ULL + 0x1234, TAIHU_ACCESS_WRITE);
	e = pt_entry(pt, 0x4000000000ULL, 0);
	if (e)
		*e = DATA | TAIHU_PTE_VALID | TAIHU_PTE_HOST;
	cb_init(&cb);
	cb_fill(&cb, 0x4000000000ULL, 16, 0);
	expect_fault(c, "level-0 directory entry with the HOST bit", &cb, 1, 0, 0x4000000000ULL,
		     TAIHU_ACCESS_WRITE);

	/* Non-canonical addresses: the first byte at 2^39 is the fault. */
	cb_init(&cb);
	cb_fill(&cb, VA_LIMIT, 8, 0);
	expect_fault(c, "FILL at VA 2^39", &cb, 1, 0, VA_LIMIT, TAIHU_ACCESS_WRITE);
	cb_init(&cb);
	cb_copy(&cb, 1ULL << 63, rw, 8);
	expect_fault(c, "COPY from VA 2^63", &cb, 1, 0, 1ULL << 63, TAIHU_ACCESS_READ);
	cb_init(&cb);
	cb_fill(&cb, edge + 100, 2 * PAGE, 0);
	expect_fault(c, "FILL from the last page across 2^39", &cb, 1, 0, VA_LIMIT,
		     TAIHU_ACCESS_WRITE);
	cb_init(&cb);
	cb_copy(&cb, rw, edge, ~0ULL);
	expect_fault(c, "COPY with a size that wraps 64 bits", &cb, 1, 0, rw + PAGE,
		     TAIHU_ACCESS_READ);

	/* Partly mapped range: the first unmapped page, nothing written. */
	t.ok = true;
	cb_init(&cb);
	cb_fill(&cb, rw + 200, PAGE, 0x77777777);
	expect_fault(c, "FILL running from a mapped into an unmapped page", &cb, 1, 0, rw + PAGE,
		     TAIHU_ACCESS_WRITE);
	CHECK(&t, c->vram[DATA + 62 * PAGE + 100] == 0x22);
	CHECK(&t, c->vram[DATA + 61 * PAGE + 200] == 0x11);
	tap_result(t.ok, "a faulting FILL or COPY writes nothing");

	/* The stream itself: unknown context, unmapped command buffer. */
	cb_init(&cb);
	cb_nop(&cb, 8);
	expect_fault(c, "job of a context that was never created", &cb, 55, 0, CMD_VA(3),
		     TAIHU_ACCESS_READ);
	{
		struct tap_check t2 = { true };
		uint64_t s = ++c->seqno;
		uint32_t slot;

		drain_events(c);
		slot = cc_submit(c, 3, 0x50000000, 8, 1, s);
		CHECK(&t2, cc_wait_queue(c, 3, slot, &rec, 5000) == 0);
		CHECK_EQ(&t2, rec.status, TAIHU_STATUS_MMU_FAULT);
		CHECK(&t2, rec.error_addr == 0x50000000);
		CHECK_EQ(&t2, rec.error_access, TAIHU_ACCESS_READ);
		CHECK(&t2, fault_event_seen(c, 1, 0x50000000, TAIHU_ACCESS_READ, 3));
		tap_result(t2.ok, "fault: command stream at an unmapped VA");
	}

	/* After all that, the context and the card still work. */
	t.ok = true;
	cb_init(&cb);
	cb_fill(&cb, rw, 8, 0x01010101);
	CHECK(&t, run(c, 3, &cb, 1, &rec) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_SUCCESS);
	CHECK_EQ(&t, c->vram[DATA + 61 * PAGE + 7], 1);
	CHECK_EQ(&t, c->qdesc[3].status, 0);
	CHECK(&t, cc_alive(c));
	tap_result(t.ok, "after the faults the context, its queue and the card keep working");
}

static void test_isolation(struct card_client *c, struct pt *pt1)
{
	const uint64_t x = 0x3000000, y = 0x3100000;
	uint64_t a = DATA + 70 * PAGE, a2 = DATA + 71 * PAGE, b = DATA + 72 * PAGE;
	struct tap_check t = { true };
	struct taihu_completion rec;
	struct cmdbuf cb;
	struct pt pt2;

	memset(c->vram + a, 0xaa, 3 * PAGE);
	CHECK(&t, pt_map(pt1, x, a, PAGE, TAIHU_PTE_WRITE) == 0);
	CHECK(&t, pt_map(pt1, y, a2, PAGE, TAIHU_PTE_WRITE) == 0);
	CHECK_EQ(&t, make_context(c, &pt2, 2), 0);
	CHECK(&t, pt_map(&pt2, x, b, PAGE, TAIHU_PTE_WRITE) == 0);

	/* Same VA, different page. */
	cb_init(&cb);
	cb_fill(&cb, x, PAGE, 0x02020202);
	CHECK(&t, run(c, 0, &cb, 2, &rec) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_SUCCESS);
	CHECK_EQ(&t, c->vram[b + 4095], 2);
	CHECK_EQ(&t, c->vram[a], 0xaa);
	/* Context 1's other page, by its VA or by its VRAM offset: both fault. */
	cb_init(&cb);
	cb_fill(&cb, y, 16, 0x02020202);
	CHECK(&t, run(c, 1, &cb, 2, &rec) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_MMU_FAULT);
	cb_init(&cb);
	cb_copy(&cb, x, a2, 16);
	CHECK(&t, run(c, 1, &cb, 2, &rec) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_MMU_FAULT);
	CHECK(&t, rec.error_addr == a2);
	CHECK_EQ(&t, rec.error_access, TAIHU_ACCESS_WRITE);
	CHECK_EQ(&t, c->vram[a2], 0xaa);
	CHECK_EQ(&t, c->vram[a2 + 15], 0xaa);
	/* Context 1 is untouched and still sees its own page at x. */
	cb_init(&cb);
	cb_copy(&cb, x, y, 8);
	CHECK(&t, run(c, 2, &cb, 1, &rec) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_SUCCESS);
	CHECK_EQ(&t, c->vram[a2], 0xaa);
	tap_result(t.ok, "isolation: context 2 cannot reach context 1's pages by VA or VRAM offset");
	CHECK_EQ(&t, cc_ctx_destroy(c, 2), 0);
}

static void test_tlb(struct card_client *c)
{
	const uint64_t z = 0x5000000;
	uint64_t p1 = DATA + 80 * PAGE, p2 = DATA + 81 * PAGE, p3 = DATA + 82 * PAGE;
	struct tap_check t = { true };
	struct taihu_completion rec;
	struct cmdbuf cb;
	struct pt pt;
	unsigned int q;

	memset(c->vram + p1, 0, 3 * PAGE);
	CHECK_EQ(&t, make_context(c, &pt, 3), 0);
	CHECK(&t, pt_map(&pt, z, p1, PAGE, TAIHU_PTE_WRITE) == 0);
	/* Warm the TLB of every engine with z -> p1. */
	for (q = 0; q < QUEUES; q++) {
		cb_init(&cb);
		cb_fill(&cb, z, 8, 0x11111111);
		CHECK(&t, run(c, q, &cb, 3, &rec) == 0);
		CHECK_EQ(&t, rec.status, TAIHU_STATUS_SUCCESS);
	}
	CHECK_EQ(&t, c->vram[p1], 0x11);

	/* Remap to p2 and invalidate just that page. */
	CHECK(&t, pt_map(&pt, z, p2, PAGE, TAIHU_PTE_WRITE) == 0);
	CHECK_EQ(&t, cc_tlb_invalidate(c, 3, z, PAGE), 0);
	for (q = 0; q < QUEUES; q++) {
		cb_init(&cb);
		cb_fill(&cb, z + 8 * q, 8, 0x22222222);
		CHECK(&t, run(c, q, &cb, 3, &rec) == 0);
		CHECK_EQ(&t, rec.status, TAIHU_STATUS_SUCCESS);
		CHECK_EQ(&t, c->vram[p2 + 8 * q], 0x22);
		CHECK_EQ(&t, c->vram[p1 + 8 * q], q ? 0 : 0x11);
	}
	tap_result(t.ok, "TLB_INVALIDATE of a page: every engine then uses the new target");

	/* Whole-context invalidate, then an unmap. */
	t.ok = true;
	CHECK(&t, pt_map(&pt, z, p3, PAGE, TAIHU_PTE_WRITE) == 0);
	CHECK_EQ(&t, cc_tlb_invalidate(c, 3, 0, 0), 0);
	cb_init(&cb);
	cb_fill(&cb, z, 8, 0x33333333);
	CHECK(&t, run(c, 1, &cb, 3, &rec) == 0);
	CHECK_EQ(&t, c->vram[p3], 0x33);
	CHECK_EQ(&t, c->vram[p2], 0x22);
	pt_unmap(&pt, z, PAGE);
	CHECK_EQ(&t, cc_tlb_invalidate(c, 3, z, PAGE), 0);
	CHECK(&t, run(c, 1, &cb, 3, &rec) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_MMU_FAULT);
	tap_result(t.ok, "TLB_INVALIDATE of the whole context, and of an unmapped page (now faults)");

	/* Destroy: jobs fault; re-create with another root: new translations. */
	t.ok = true;
	CHECK(&t, pt_map(&pt, z, p1, PAGE, TAIHU_PTE_WRITE) == 0);
	CHECK_EQ(&t, cc_ctx_destroy(c, 3), 0);
	cb_init(&cb);
	cb_fill(&cb, z, 8, 0x44444444);
	CHECK(&t, run(c, 1, &cb, 3, &rec) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_MMU_FAULT);
	CHECK(&t, rec.error_addr == CMD_VA(1));
	CHECK_EQ(&t, c->vram[p1], 0x11);
	{
		struct pt pt3;

		CHECK_EQ(&t, make_context(c, &pt3, 4), 0);
		CHECK_EQ(&t, cc_ctx_destroy(c, 4), 0);
		/* Context 3 again, with context 4's tables: z unmapped there. */
		CHECK_EQ(&t, cc_ctx_create(c, 3, pt3.root), 0);
		CHECK(&t, run(c, 1, &cb, 3, &rec) == 0);
		CHECK_EQ(&t, rec.status, TAIHU_STATUS_MMU_FAULT);
		CHECK(&t, rec.error_addr == z);
		CHECK(&t, pt_map(&pt3, z, p2, PAGE, TAIHU_PTE_WRITE) == 0);
		CHECK_EQ(&t, cc_tlb_invalidate(c, 3, z, PAGE), 0);
		CHECK(&t, run(c, 1, &cb, 3, &rec) == 0);
		CHECK_EQ(&t, rec.status, TAIHU_STATUS_SUCCESS);
		CHECK_EQ(&t, c->vram[p2], 0x44);
		CHECK_EQ(&t, c->vram[p1], 0x11);
	}
	CHECK_EQ(&t, cc_ctx_destroy(c, 3), 0);
	tap_result(t.ok, "CTX_DESTROY: its jobs fault; the id re-created with new tables translates anew");
}

/* A FILL over 256 GiB of VA aliased onto 2 MiB: QUEUE_DISABLE must end it. */
static void test_abort_long_job(struct card_client *c)
{
	const uint64_t l2 = 10 * MiB + 512 * 1024, l1 = l2 + PAGE;
	struct tap_check t = { true };
	struct taihu_mbox_ping ping = { .cookie = 5 };
	struct taihu_completion rec;
	struct cmdbuf cb;
	struct pt pt;
	uint64_t *root, t0, s;
	uint32_t slot;
	unsigned int i;
	int32_t status;

	CHECK_EQ(&t, make_context(c, &pt, 5), 0);
	/* One level-2 table mapping 2 MiB, one level-1 table all pointing to it. */
	for (i = 0; i < 512; i++) {
		((uint64_t *)(c->vram + l2))[i] = (DATA + 128 * PAGE + i * PAGE) |
						  TAIHU_PTE_VALID | TAIHU_PTE_WRITE;
		((uint64_t *)(c->vram + l1))[i] = l2 | TAIHU_PTE_VALID;
	}
	root = (uint64_t *)(c->vram + pt.root);
	for (i = 1; i < 257; i++)
		root[i] = l1 | TAIHU_PTE_VALID;
	cb_init(&cb);
	cb_fill(&cb, 1ULL << 30, 256ULL << 30, 0x5a5a5a5a);
	memcpy(c->vram + CMD_VRAM(2), cb.data, cb.len);
	s = ++c->seqno;
	slot = cc_submit(c, 2, CMD_VA(2), cb.len, 5, s);
	usleep(300 * 1000);
	CHECK_EQ(&t, c->qdesc[2].head, c->q[2].tail - 1);	/* still running */
	CHECK(&t, cc_mbox(c, TAIHU_MBOX_OP_PING, &ping, sizeof(ping), NULL, 0, &status, 5000) == 0);
	t0 = now_ns();
	CHECK_EQ(&t, cc_queue_disable(c, 2), 0);
	tap_diag("QUEUE_DISABLE of a queue running a 256 GiB FILL answered in %.1f ms",
		 (now_ns() - t0) / 1e6);
	CHECK(&t, now_ns() - t0 < 2000000000ULL);
	CHECK_EQ(&t, c->qdesc[2].head, c->q[2].tail);
	cc_completion(c, 2, slot, &rec);
	CHECK(&t, rec.seqno == s);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_ABORTED);
	CHECK_EQ(&t, rec.error_offset, 0);
	CHECK(&t, c->qdesc[2].completed_seqno == s);
	CHECK_EQ(&t, cc_queue_enable(c, 2, RING_ADDR(2), COMPL_ADDR(2), RING_ENTRIES), 0);
	cb_init(&cb);
	cb_fill(&cb, 1ULL << 30, 64, 0x01010101);
	CHECK(&t, run(c, 2, &cb, 5, &rec) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_SUCCESS);
	CHECK_EQ(&t, cc_ctx_destroy(c, 5), 0);
	tap_result(t.ok, "QUEUE_DISABLE aborts a long FILL promptly (ABORTED), the queue restarts");
}

static uint64_t xorshift(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/*
 * Garbage page tables: random entries, valid or not, pointing at scratch
 * memory, at other tables, outside VRAM or guest RAM. Every job must end
 * SUCCESS or MMU_FAULT and the card must survive (under ASan here).
 */
static void test_garbage_tables(struct card_client *c)
{
	const uint64_t pool = 200 * MiB, scratch = 208 * MiB, hscratch = 8 * MiB;
	struct tap_check t = { true };
	struct taihu_completion rec;
	unsigned int i, j, ok = 0, faults = 0;
	uint64_t x = 0x243f6a8885a308d3ULL, *root;
	struct cmdbuf cb;
	struct pt pt;

	CHECK_EQ(&t, make_context(c, &pt, 6), 0);
	/* 16 tables of random entries; root slots 1..3 point into them. */
	for (i = 0; i < 16 * 512; i++) {
		uint64_t r = xorshift(&x), e;

		switch (r % 6) {
		case 0:
			e = pool + (r >> 8) % 16 * PAGE;		/* another table */
			break;
		case 1:
			e = (hscratch + (r >> 8) % 2048 * PAGE) | TAIHU_PTE_HOST;
			break;
		case 2:
			e = r & ~(uint64_t)TAIHU_PTE_VALID;		/* invalid */
			break;
		case 3:
			e = r;						/* anything */
			break;
		default:
			e = scratch + (r >> 8) % 12288 * PAGE;
			break;
		}
		if (i % 512 < 4)	/* where the jobs' VAs are walked: mostly tables */
			e = r % 8 ? pool + (r >> 8) % 16 * PAGE : e;
		if (r % 6 != 2 && r % 6 != 3)
			e |= TAIHU_PTE_VALID | ((r >> 40) & 1 ? TAIHU_PTE_WRITE : 0);
		((uint64_t *)(c->vram + pool))[i] = e;
	}
	root = (uint64_t *)(c->vram + pt.root);
	for (i = 1; i < 4; i++)
		root[i] = (pool + i * PAGE) | TAIHU_PTE_VALID;

	for (j = 0; j < 300; j++) {
		uint64_t a = (1 + xorshift(&x) % 3) << 30 | (xorshift(&x) % 4) << 21 | xorshift(&x) % (2 * MiB);
		uint64_t b = (1 + xorshift(&x) % 3) << 30 | (xorshift(&x) % 4) << 21 | xorshift(&x) % (2 * MiB);
		uint64_t n = xorshift(&x) % (j % 3 ? 512 : 64 * 1024);

		cb_init(&cb);
		switch (j % 4) {
		case 0:
			cb_fill(&cb, a, n, (uint32_t)xorshift(&x));
			break;
		case 1:
			cb_copy(&cb, a, b, n);
			break;
		case 2:
			cb_timestamp(&cb, a & ~7ULL);
			break;
		default:
			cb_sem_signal(&cb, a & ~7ULL, 1, TAIHU_SEM_ADD);
			break;
		}
		if (run(c, j % QUEUES, &cb, 6, &rec)) {
			t.ok = false;
			break;
		}
		if (rec.status == TAIHU_STATUS_SUCCESS)
			ok++;
		else if (rec.status == TAIHU_STATUS_MMU_FAULT)
			faults++;
		else
			CHECK_EQ(&t, rec.status, TAIHU_STATUS_MMU_FAULT);
	}
	drain_events(c);
	tap_diag("garbage tables: %u jobs succeeded, %u faulted", ok, faults);
	CHECK(&t, ok > 0 && faults > 0);
	CHECK(&t, cc_alive(c));
	CHECK_EQ(&t, cc_ctx_destroy(c, 6), 0);
	tap_result(t.ok, "random garbage page tables: jobs succeed or fault, the card survives");
}

static void test_memcpy_bench(struct card_client *c)
{
	struct tap_check t = { true };
	struct taihu_mbox_memcpy_bench b = { 0 }, req = { .size = 64 };
	int32_t status;
	double gbps;

	CHECK_EQ(&t, cc_memcpy_bench(c, 16 * MiB, &b, 30000), 0);
	CHECK(&t, b.size == 16 * MiB);
	CHECK(&t, b.ns > 0);
	gbps = b.ns ? (double)b.size / (double)b.ns : 0;
	tap_diag("MEMCPY_BENCH 16 MiB: %llu ns, %.2f GB/s", (unsigned long long)b.ns, gbps);
	CHECK(&t, gbps > 0.05 && gbps < 1000);
	CHECK_EQ(&t, c->mbox->rsp_len, sizeof(b));
	CHECK_EQ(&t, cc_memcpy_bench(c, 0, &b, 5000), -EINVAL);
	CHECK_EQ(&t, cc_memcpy_bench(c, (256 * MiB) + 1, &b, 5000), -EINVAL);
	CHECK_EQ(&t, cc_memcpy_bench(c, ~0ULL, &b, 5000), -EINVAL);
	CHECK(&t, cc_mbox(c, TAIHU_MBOX_OP_MEMCPY_BENCH, &req, 4, NULL, 0, &status, 5000) == 0);
	CHECK_EQ(&t, status, -EINVAL);
	CHECK_EQ(&t, cc_memcpy_bench(c, 1, &b, 5000), 0);
	CHECK(&t, b.size == 1);
	CHECK(&t, cc_mbox(c, TAIHU_MBOX_OP_NOP, NULL, 0, NULL, 0, &status, 5000) == 0);
	CHECK_EQ(&t, status, 0);
	tap_result(t.ok, "MEMCPY_BENCH answers {size, ns} with a sane bandwidth; bad sizes -EINVAL");
}

/* KERNEL_BENCH: oneDNN's time for a small GEMM and CONV2D; bad requests -EINVAL. */
static void test_kernel_bench(struct card_client *c)
{
	static const struct {
		struct taihu_mbox_kernel_bench req;
		int32_t status;
	} cases[] = {
		{ { .kernel = TAIHU_KERNEL_GEMM, .dtype = TAIHU_DTYPE_FP32, .dims = { 64, 48, 80 },
		    .iterations = 3 }, 0 },
		{ { .kernel = TAIHU_KERNEL_GEMM, .dtype = TAIHU_DTYPE_INT8, .dims = { 32, 32, 64 },
		    .iterations = 1 }, 0 },
		{ { .kernel = TAIHU_KERNEL_CONV2D, .dtype = TAIHU_DTYPE_FP32,
		    .dims = { 1, 8, 12, 12, 8, 3, 3, 1 }, .iterations = 1 }, 0 },
		{ { .kernel = TAIHU_KERNEL_GEMM, .dtype = TAIHU_DTYPE_FP32, .dims = { 64, 0, 8 },
		    .iterations = 1 }, -EINVAL },
		{ { .kernel = TAIHU_KERNEL_GEMM, .dtype = TAIHU_DTYPE_FP32, .dims = { 65536, 65536, 8 },
		    .iterations = 1 }, -EINVAL },
		{ { .kernel = TAIHU_KERNEL_GEMM, .dtype = TAIHU_DTYPE_FP32, .dims = { 8, 8, 8 },
		    .iterations = 0 }, -EINVAL },
		{ { .kernel = TAIHU_KERNEL_SOFTMAX, .dtype = TAIHU_DTYPE_FP32, .dims = { 8 },
		    .iterations = 1 }, -EINVAL },
		{ { .kernel = TAIHU_KERNEL_CONV2D, .dtype = TAIHU_DTYPE_INT8,
		    .dims = { 1, 8, 12, 12, 8, 3, 3, 1 }, .iterations = 1 }, -EINVAL },
	};
	struct tap_check t = { true };
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct taihu_mbox_kernel_bench rsp = { 0 };
		int32_t status = 1;

		CHECK(&t, cc_mbox(c, TAIHU_MBOX_OP_KERNEL_BENCH, &cases[i].req, sizeof(cases[i].req),
				  &rsp, sizeof(rsp), &status, 30000) == 0);
		CHECK_EQ(&t, status, cases[i].status);
		if (!cases[i].status) {
			CHECK(&t, rsp.ns > 0);
			tap_diag("KERNEL_BENCH kernel %u dtype %u: %llu ns", cases[i].req.kernel,
				 cases[i].req.dtype, (unsigned long long)rsp.ns);
		}
	}
	tap_result(t.ok, "KERNEL_BENCH times oneDNN's GEMM and CONV2D; bad requests -EINVAL");
}

/* While a 256 MiB bench runs in its own thread, the heartbeat and queues go on. */
static void test_bench_does_not_block(struct card_client *c)
{
	struct tap_check t = { true };
	struct taihu_mbox_memcpy_bench b = { 0 };
	struct taihu_completion rec;
	struct cmdbuf cb;

	CHECK_EQ(&t, cc_memcpy_bench(c, 256 * MiB, &b, 60000), 0);
	CHECK(&t, b.size == 256 * MiB);
	tap_diag("MEMCPY_BENCH 256 MiB: %.2f ms", b.ns / 1e6);
	cb_init(&cb);
	cb_nop(&cb, 8);
	CHECK(&t, run(c, 0, &cb, 0, &rec) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_SUCCESS);
	tap_result(t.ok, "MEMCPY_BENCH of the 256 MiB maximum");
}

static void test_reset_forgets_contexts(struct card_client *c, const uint8_t *img, size_t size)
{
	struct tap_check t = { true };
	struct taihu_completion rec;
	struct cmdbuf cb;
	struct pt pt;

	CHECK_EQ(&t, boot_and_enable(c, img, size), 0);
	cb_init(&cb);
	cb_nop(&cb, 8);
	CHECK(&t, run(c, 0, &cb, 1, &rec) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_MMU_FAULT);
	CHECK_EQ(&t, make_context(c, &pt, 1), 0);
	CHECK(&t, run(c, 0, &cb, 1, &rec) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_SUCCESS);
	tap_result(t.ok, "RESET forgets every context; they are created again after BOOT");
}

/* A firmware without the MMU capability: the skeleton's rules. */
static void test_no_mmu_firmware(struct card_client *c, const uint8_t *img, size_t size)
{
	struct tap_check t = { true };
	struct taihu_completion rec;
	struct cmdbuf cb;
	uint8_t *nommu = fw_with_caps(img, size, TAIHU_CARD_CAP_NOP | TAIHU_CARD_CAP_FILL |
					 TAIHU_CARD_CAP_COPY);

	CHECK(&t, nommu != NULL);
	if (nommu)
		CHECK_EQ(&t, boot_and_enable(c, nommu, size), 0);
	CHECK_EQ(&t, c->id->capabilities & TAIHU_CARD_CAP_MMU, 0);
	CHECK_EQ(&t, cc_ctx_create(c, 1, PT_POOL(1)), -EOPNOTSUPP);
	CHECK_EQ(&t, cc_tlb_invalidate(c, 1, 0, 0), -EOPNOTSUPP);
	cb_init(&cb);
	cb_fill(&cb, DATA, 8, 0x07070707);
	CHECK(&t, cc_run_stream(c, 0, cb.data, cb.len, CMD_VRAM(0), CMD_VRAM(0), 1, &rec,
				5000) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_SUCCESS);
	CHECK_EQ(&t, c->vram[DATA], 7);
	cb_init(&cb);
	cb_fill(&cb, cc_host_addr(HOST_DATA), 8, 0);
	CHECK(&t, cc_run_stream(c, 0, cb.data, cb.len, CMD_VRAM(0), CMD_VRAM(0), 1, &rec,
				5000) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_DMA_ERROR);
	CHECK(&t, rec.error_addr == cc_host_addr(HOST_DATA));
	free(nommu);
	tap_result(t.ok, "firmware without the MMU: CTX ops -EOPNOTSUPP, user jobs reach VRAM only");
}

int main(void)
{
	struct card_client_opts o = { .vram = "256M", .ram_size = 96ULL << 20 };
	struct card_client c;
	struct pt pt;
	size_t size = 0;
	uint8_t *img;
	int rc;

	tap_init("test_mmu");
	img = cc_read_fw_image("t1.bin", &size);
	if (!tap_result(img != NULL, "load the t1 firmware image"))
		return tap_finish();
	if (!tap_result(cc_start(&c, &o) == 0, "start taihu-card with 256 MiB VRAM")) {
		cc_stop(&c);
		free(img);
		return tap_finish();
	}
	test_before_boot(&c);
	if (!tap_result(boot_and_enable(&c, img, size) == 0, "boot t1 and enable 4 queues")) {
		cc_stop(&c);
		free(img);
		return tap_finish();
	}
	test_ctx_args(&c);
	tap_result(make_context(&c, &pt, 1) == 0, "context 1 created with its page tables");
	test_fill_mixed(&c, &pt);
	test_copy_mixed(&c, &pt);
	test_copy_overlap(&c, &pt);
	test_faults(&c, &pt);
	test_isolation(&c, &pt);
	test_tlb(&c);
	test_big_copy(&c, &pt);
	test_abort_long_job(&c);
	test_garbage_tables(&c);
	test_memcpy_bench(&c);
	test_kernel_bench(&c);
	test_bench_does_not_block(&c);
	test_reset_forgets_contexts(&c, img, size);
	test_no_mmu_firmware(&c, img, size);
	rc = cc_stop(&c);
	tap_result(rc == 0, "card exits 0 (status %d)", rc);
	free(img);
	return tap_finish();
}
