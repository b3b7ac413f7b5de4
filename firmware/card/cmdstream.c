// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Command stream executor. The whole stream is copied into a private buffer
 * first, so every packet is validated and used from memory the guest cannot
 * change underneath. Packets whose capability the firmware does not enable
 * are INVALID_CMD, like unknown opcodes.
 *
 * FILL and COPY check their whole ranges before writing anything, so a
 * fault names the lowest unreachable address (source before destination)
 * and leaves memory untouched; then they work span by span (jobmem.h).
 */
#include <stdatomic.h>
#include <string.h>

#include <taihu_cmdstream.h>

#include "activity.h"
#include "clock.h"
#include "cmdstream.h"
#include "engine.h"
#include "events.h"
#include "jobmem.h"
#include "kernel_exec.h"
#include "sem.h"

struct exec {
	struct card *card;
	struct engine *e;
	struct job_mem mem;
	struct taihu_completion *rec;
};

static int invalid(struct exec *x, uint32_t offset)
{
	x->rec->status = TAIHU_STATUS_INVALID_CMD;
	x->rec->error_offset = offset;
	return -1;
}

static int fault(struct exec *x, uint32_t offset, const struct mem_fault *f)
{
	struct taihu_completion *rec = x->rec;

	rec->status = f->status;
	rec->error_offset = offset;
	if (f->status == TAIHU_STATUS_ABORTED)
		return -1;
	rec->error_addr = f->addr;
	rec->error_access = f->access;
	if (f->status == TAIHU_STATUS_MMU_FAULT)
		events_post(x->card, TAIHU_EVENT_MMU_FAULT, x->mem.context, f->addr,
			    f->access | (uint64_t)x->e->index << 8);
	return -1;
}

/* True (with the job ABORTED at @offset) once QUEUE_DISABLE or RESET asked. */
static bool abort_seen(struct exec *x, uint32_t offset)
{
	if (!atomic_load_explicit(&x->e->abort, memory_order_relaxed))
		return false;
	x->rec->status = TAIHU_STATUS_ABORTED;
	x->rec->error_offset = offset;
	return true;
}

/* The same between two steps of work: the job made progress. */
static bool aborted(struct exec *x, uint32_t offset)
{
	if (abort_seen(x, offset))
		return true;
	engine_progress(x->e);
	return false;
}

/* The 8-byte aligned word at @addr, as an atomic; NULL after a fault. */
static _Atomic uint64_t *word_at(struct exec *x, uint32_t offset, uint64_t addr,
				 enum taihu_access access)
{
	struct mem_fault f;
	uint64_t span;
	uint8_t *p = jobmem_span(&x->mem, addr, sizeof(uint64_t), access, &span, &f);

	if (!p) {
		fault(x, offset, &f);
		return NULL;
	}
	/* Aligned device addresses are aligned in the card's mappings too. */
	return (_Atomic uint64_t *)(void *)p;
}

#define FILL_BLOCK	4096

/* @value repeated over FILL_BLOCK + 4 bytes: any phase, any length up to FILL_BLOCK. */
static void fill_block_init(uint8_t *block, uint32_t value)
{
	unsigned int i;

	for (i = 0; i < FILL_BLOCK + 4; i += 4)
		memcpy(block + i, &value, 4);
}

/* Fill @size bytes with the pattern, starting at byte @phase of it. */
static void fill_pattern(uint8_t *dst, uint64_t size, const uint8_t *block, unsigned int phase)
{
	uint64_t done, n;

	/* FILL_BLOCK is a multiple of 4: every piece starts at the same phase. */
	for (done = 0; done < size; done += n) {
		n = size - done < FILL_BLOCK ? size - done : FILL_BLOCK;
		memcpy(dst + done, block + phase, n);
	}
}

static int exec_fill(struct exec *x, uint32_t off, const uint8_t *pkt)
{
	uint8_t block[FILL_BLOCK + 4];
	struct taihu_pkt_fill f;
	struct mem_fault mf;
	uint64_t done, span;
	uint8_t *dst;

	memcpy(&f, pkt, sizeof(f));
	if (f.reserved)
		return invalid(x, off);
	if (jobmem_check(&x->mem, f.dst, f.size, TAIHU_ACCESS_WRITE, &mf))
		return fault(x, off, &mf);
	fill_block_init(block, f.value);
	for (done = 0; done < f.size; done += span) {
		if (aborted(x, off))
			return -1;
		dst = jobmem_span(&x->mem, f.dst + done, f.size - done, TAIHU_ACCESS_WRITE,
				  &span, &mf);
		if (!dst)
			return fault(x, off, &mf);
		fill_pattern(dst, span, block, (unsigned int)(done % 4));
	}
	return 0;
}

/*
 * Overlap is judged on device (virtual) addresses: a destination above an
 * overlapping source is copied from the end, span by span, which is
 * memmove() as long as the pages involved are not aliased. The unused part
 * of the longer span is kept for the next step, so scattered pages on one
 * side cost one translation each, not one span walk each.
 */
static int copy_backward(struct exec *x, uint32_t off, const struct taihu_pkt_copy *c)
{
	uint64_t left = c->size, sleft = 0, dleft = 0, n;
	uint8_t *src = NULL, *dst = NULL;	/* one past the bytes still to copy */
	struct mem_fault mf;

	while (left) {
		if (aborted(x, off))
			return -1;
		if (!sleft) {
			src = jobmem_span_back(&x->mem, c->src, left, TAIHU_ACCESS_READ, &sleft, &mf);
			if (!src)
				return fault(x, off, &mf);
			src += sleft;
		}
		if (!dleft) {
			dst = jobmem_span_back(&x->mem, c->dst, left, TAIHU_ACCESS_WRITE, &dleft, &mf);
			if (!dst)
				return fault(x, off, &mf);
			dst += dleft;
		}
		n = sleft < dleft ? sleft : dleft;
		src -= n;
		dst -= n;
		memmove(dst, src, n);
		sleft -= n;
		dleft -= n;
		left -= n;
	}
	return 0;
}

static int copy_forward(struct exec *x, uint32_t off, const struct taihu_pkt_copy *c)
{
	uint64_t done = 0, sleft = 0, dleft = 0, n;
	uint8_t *src = NULL, *dst = NULL;
	struct mem_fault mf;

	while (done < c->size) {
		if (aborted(x, off))
			return -1;
		if (!sleft) {
			src = jobmem_span(&x->mem, c->src + done, c->size - done, TAIHU_ACCESS_READ,
					  &sleft, &mf);
			if (!src)
				return fault(x, off, &mf);
		}
		if (!dleft) {
			dst = jobmem_span(&x->mem, c->dst + done, c->size - done, TAIHU_ACCESS_WRITE,
					  &dleft, &mf);
			if (!dst)
				return fault(x, off, &mf);
		}
		n = sleft < dleft ? sleft : dleft;
		memmove(dst, src, n);
		src += n;
		dst += n;
		sleft -= n;
		dleft -= n;
		done += n;
	}
	return 0;
}

static int exec_copy(struct exec *x, uint32_t off, const uint8_t *pkt)
{
	struct taihu_pkt_copy c;
	struct mem_fault mf;

	memcpy(&c, pkt, sizeof(c));
	if (jobmem_check(&x->mem, c.src, c.size, TAIHU_ACCESS_READ, &mf) ||
	    jobmem_check(&x->mem, c.dst, c.size, TAIHU_ACCESS_WRITE, &mf))
		return fault(x, off, &mf);
	if (c.dst > c.src && c.dst - c.src < c.size)
		return copy_backward(x, off, &c);
	return copy_forward(x, off, &c);
}

static int exec_timestamp(struct exec *x, uint32_t off, const uint8_t *pkt)
{
	struct taihu_pkt_timestamp t;
	_Atomic uint64_t *dst;

	memcpy(&t, pkt, sizeof(t));
	if (t.dst % 8)
		return invalid(x, off);
	dst = word_at(x, off, t.dst, TAIHU_ACCESS_WRITE);
	if (!dst)
		return -1;
	atomic_store_explicit(dst, card_clock_ns(), memory_order_relaxed);
	return 0;
}

static int exec_sem_signal(struct exec *x, uint32_t off, const uint8_t *pkt)
{
	struct taihu_pkt_sem_signal s;
	_Atomic uint64_t *sem;

	memcpy(&s, pkt, sizeof(s));
	if (s.reserved || s.addr % 8 || (s.op != TAIHU_SEM_SET && s.op != TAIHU_SEM_ADD))
		return invalid(x, off);
	sem = word_at(x, off, s.addr, TAIHU_ACCESS_WRITE);
	if (!sem)
		return -1;
	/* Release: the job's earlier writes are visible to whoever sees the value. */
	if (s.op == TAIHU_SEM_SET)
		atomic_store_explicit(sem, s.value, memory_order_seq_cst);
	else
		atomic_fetch_add_explicit(sem, s.value, memory_order_seq_cst);
	sem_wake_all(x->card);
	return 0;
}

static int exec_sem_wait(struct exec *x, uint32_t off, const uint8_t *pkt)
{
	struct taihu_pkt_sem_wait w;

	memcpy(&w, pkt, sizeof(w));
	if (w.reserved || w.addr % 8 || (w.cond != TAIHU_SEM_GEQUAL && w.cond != TAIHU_SEM_EQUAL))
		return invalid(x, off);
	for (;;) {
		uint64_t seen = sem_snapshot(x->card);
		/* Translated again each time: the mapping may change while we wait. */
		_Atomic uint64_t *sem = word_at(x, off, w.addr, TAIHU_ACCESS_READ);
		uint64_t v;

		if (!sem)
			return -1;
		v = atomic_load_explicit(sem, memory_order_acquire);
		if (w.cond == TAIHU_SEM_EQUAL ? v == w.value : v >= w.value)
			return 0;
		/* Waiting is no progress: a job stalled on a semaphore can time out. */
		if (abort_seen(x, off))
			return -1;
		sem_sleep(x->card, seen, &x->e->abort);
	}
}

static int exec_barrier(struct exec *x, uint32_t off, const uint8_t *pkt)
{
	(void)x;
	(void)off;
	(void)pkt;
	/* Every store before is globally visible before any access after. */
	atomic_thread_fence(memory_order_seq_cst);
	return 0;
}

/* KERNEL: everything but the outcome lives in kernel_exec.c. */
static int exec_kernel(struct exec *x, uint32_t off, const uint8_t *pkt)
{
	struct taihu_pkt_header hdr;
	struct kernel_result r;

	memcpy(&hdr, pkt, sizeof(hdr));
	if (!kernel_execute(x->e, &x->mem, pkt, hdr.size, &r))
		return 0;
	if (r.status == TAIHU_STATUS_INVALID_KERNEL || r.status == TAIHU_STATUS_UNSUPPORTED) {
		x->rec->status = r.status;
		x->rec->error_offset = off;
		x->rec->error_reason = r.reason;
		x->rec->error_detail = r.detail;
		return -1;
	}
	return fault(x, off, &r.fault);
}

/* Per opcode: the capability that enables it and its exact size (0: any). */
static const struct {
	uint64_t cap;
	uint16_t size;
	int (*run)(struct exec *x, uint32_t off, const uint8_t *pkt);
} packet_types[] = {
	[TAIHU_PKT_NOP] = { TAIHU_CARD_CAP_NOP, 0, NULL },
	[TAIHU_PKT_FILL] = { TAIHU_CARD_CAP_FILL, sizeof(struct taihu_pkt_fill), exec_fill },
	[TAIHU_PKT_COPY] = { TAIHU_CARD_CAP_COPY, sizeof(struct taihu_pkt_copy), exec_copy },
	[TAIHU_PKT_TIMESTAMP] = { TAIHU_CARD_CAP_TIMESTAMP,
				  sizeof(struct taihu_pkt_timestamp), exec_timestamp },
	[TAIHU_PKT_SEM_SIGNAL] = { TAIHU_CARD_CAP_SEMAPHORE,
				   sizeof(struct taihu_pkt_sem_signal), exec_sem_signal },
	[TAIHU_PKT_SEM_WAIT] = { TAIHU_CARD_CAP_SEMAPHORE,
				 sizeof(struct taihu_pkt_sem_wait), exec_sem_wait },
	[TAIHU_PKT_BARRIER] = { TAIHU_CARD_CAP_BARRIER,
				sizeof(struct taihu_pkt_barrier), exec_barrier },
	[TAIHU_PKT_KERNEL] = { TAIHU_CARD_CAP_KERNEL, 0, exec_kernel },
};

/* Copy the stream into the private buffer, span by span. */
static int fetch_stream(struct exec *x, uint64_t addr, uint32_t len, uint8_t *buf)
{
	struct mem_fault f;
	uint64_t done, span;
	const uint8_t *src;

	if (jobmem_check(&x->mem, addr, len, TAIHU_ACCESS_READ, &f))
		return fault(x, 0, &f);
	for (done = 0; done < len; done += span) {
		src = jobmem_span(&x->mem, addr + done, len - done, TAIHU_ACCESS_READ, &span, &f);
		if (!src)
			return fault(x, 0, &f);
		memcpy(buf + done, src, span);
	}
	return 0;
}

void cmdstream_execute(struct engine *e, const struct taihu_ring_entry *entry,
		       struct taihu_completion *rec)
{
	struct card *card = e->card;
	struct exec x = { .card = card, .e = e, .rec = rec };
	uint32_t len = entry->cmd_len;
	uint32_t off = 0;
	uint8_t *buf = e->cmd_buf;

	jobmem_init(&x.mem, card, &e->tlb, &e->abort, &card->qdesc[e->index].progress,
		    entry->context);
	rec->status = TAIHU_STATUS_SUCCESS;
	if (entry->flags || entry->reserved || len == 0 || len % 8 ||
	    len > card->cfg.max_cmd_len) {
		invalid(&x, 0);
		return;
	}
	if (fetch_stream(&x, entry->cmd_addr, len, buf))
		return;

	while (off < len) {
		struct taihu_pkt_header hdr;

		if (aborted(&x, off))
			return;
		memcpy(&hdr, buf + off, sizeof(hdr));
		if (hdr.flags || hdr.reserved || hdr.size < sizeof(hdr) || hdr.size % 8 ||
		    hdr.size > len - off ||
		    hdr.opcode >= sizeof(packet_types) / sizeof(packet_types[0]) ||
		    !(card->cfg.capabilities & packet_types[hdr.opcode].cap) ||
		    (packet_types[hdr.opcode].size && hdr.size != packet_types[hdr.opcode].size)) {
			invalid(&x, off);
			return;
		}
		activity_packet(e, hdr.opcode);
		if (packet_types[hdr.opcode].run &&
		    packet_types[hdr.opcode].run(&x, off, buf + off))
			return;
		off += hdr.size;
	}
}
