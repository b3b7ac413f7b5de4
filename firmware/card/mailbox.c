// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Mailbox service. A request is pending when req_seq differs from the last
 * sequence number answered. The request is copied out before it is parsed;
 * the response is written, then rsp_seq, then vector 0 is raised.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boot.h"
#include "clock.h"
#include "engine.h"
#include "fault.h"
#include "kbench.h"
#include "log.h"
#include "mailbox.h"
#include "membench.h"
#include "mmu.h"
#include "shm.h"
#include "thermal.h"
#include "uqueue.h"

struct mbox_request {
	uint32_t seq;
	uint32_t op;
	uint32_t len;
	uint32_t reserved;
	uint8_t payload[TAIHU_MBOX_PAYLOAD_SIZE];
};

struct mbox_response {
	bool deferred;		/* another thread answers */
	int32_t status;
	uint32_t len;
	uint8_t payload[TAIHU_MBOX_PAYLOAD_SIZE];
};

/* Copy the request's payload into @dst; short payloads are invalid. */
static int read_payload(const struct mbox_request *req, void *dst, size_t size)
{
	if (req->len < size)
		return -EINVAL;
	memcpy(dst, req->payload, size);
	return 0;
}

static int op_boot(struct card *card, const struct mbox_request *req)
{
	struct taihu_mbox_boot b;
	int ret;

	if (read_payload(req, &b, sizeof(b)) || b.reserved)
		return -EINVAL;
	ret = boot_firmware(card, b.image_addr, b.image_size);
	card_rearm_heartbeat(card);
	return ret;
}

static int op_queue(struct card *card, const struct mbox_request *req)
{
	struct taihu_mbox_queue q;

	if (read_payload(req, &q, sizeof(q)) ||
	    q.reserved || q.queue >= TAIHU_MAX_QUEUES)
		return -EINVAL;
	if (req->op == TAIHU_MBOX_OP_QUEUE_ENABLE) {
		if (atomic_exchange(&card->engines[q.queue].fault_enable_fail, false)) {
			card_log("queue %u: enable fails (fault injected)", q.queue);
			return -EIO;
		}
		return engine_enable(card, q.queue);
	}
	if (atomic_exchange(&card->engines[q.queue].fault_disable_fail, false)) {
		card_log("queue %u: disable fails (fault injected)", q.queue);
		return -EIO;
	}
	engine_disable(card, q.queue);
	return 0;
}

static int op_uq(struct card *card, const struct mbox_request *req)
{
	struct taihu_mbox_uq u;

	if (read_payload(req, &u, sizeof(u)) || u.reserved || u.index >= TAIHU_MAX_USER_QUEUES)
		return -EINVAL;
	if (req->op == TAIHU_MBOX_OP_UQ_ENABLE)
		return uqueue_enable(card, u.index);
	uqueue_disable(card, u.index);
	return 0;
}

static int op_ping(const struct mbox_request *req, struct mbox_response *rsp)
{
	struct taihu_mbox_ping ping;

	if (read_payload(req, &ping, sizeof(ping)))
		return -EINVAL;
	ping.card_ns = card_clock_ns();
	memcpy(rsp->payload, &ping, sizeof(ping));
	rsp->len = sizeof(ping);
	return 0;
}

/* Contexts exist only while a firmware with an MMU runs. */
static int mmu_ready(const struct card *card)
{
	if (!card->cfg.booted)
		return -EIO;
	if (!(card->cfg.capabilities & TAIHU_CARD_CAP_MMU))
		return -EOPNOTSUPP;
	return 0;
}

static int op_ctx(struct card *card, const struct mbox_request *req)
{
	struct taihu_mbox_ctx c;
	int ret = mmu_ready(card);

	if (ret)
		return ret;
	if (read_payload(req, &c, sizeof(c)) || c.flags)
		return -EINVAL;
	if (req->op == TAIHU_MBOX_OP_CTX_CREATE)
		return mmu_ctx_create(card, c.context, c.pt_root);
	if (c.pt_root)
		return -EINVAL;
	return mmu_ctx_destroy(card, c.context);
}

static int op_tlb(struct card *card, const struct mbox_request *req)
{
	struct taihu_mbox_tlb t;
	int ret = mmu_ready(card);

	if (ret)
		return ret;
	if (read_payload(req, &t, sizeof(t)) || t.reserved)
		return -EINVAL;
	return mmu_tlb_invalidate(card, t.context, t.va, t.size);
}

static int op_power_cap(struct card *card, const struct mbox_request *req)
{
	struct taihu_mbox_power_cap c;

	if (read_payload(req, &c, sizeof(c)))
		return -EINVAL;
	return thermal_set_power_cap(card, c.power_cap_uw);
}

static int op_fault(struct card *card, const struct mbox_request *req)
{
	struct taihu_mbox_fault f;

	if (read_payload(req, &f, sizeof(f)))
		return -EINVAL;
	return fault_inject(card, &f);
}

static void answer(struct card *card, uint32_t seq, uint32_t op,
		   const struct mbox_response *rsp)
{
	struct taihu_mbox *mb = card->mbox;

	/* The driver invalidates after every unmap: only failures are news. */
	if (op != TAIHU_MBOX_OP_TLB_INVALIDATE || rsp->status)
		card_log("mailbox: seq %u op %u -> status %d", seq, op, rsp->status);
	mb->rsp_status = rsp->status;
	mb->rsp_len = rsp->len;
	mb->rsp_reserved = 0;
	memcpy(mb->rsp_payload, rsp->payload, sizeof(rsp->payload));
	shm_store32(&mb->rsp_seq, seq);
	card_raise_irq(card, TAIHU_VECTOR_CONTROL);
}

/* A benchmark runs on a thread of its own, which answers when it is done. */
struct bench_request {
	struct card *card;
	uint32_t seq, op;
	union {
		struct taihu_mbox_memcpy_bench mem;
		struct taihu_mbox_kernel_bench kern;
	} p;
};

static void *bench_main(void *arg)
{
	struct bench_request *br = arg;
	struct card *card = br->card;
	struct mbox_response rsp;
	uint64_t one = 1, ns = 0;

	memset(&rsp, 0, sizeof(rsp));
	if (br->op == TAIHU_MBOX_OP_MEMCPY_BENCH) {
		rsp.status = membench_memcpy(br->p.mem.size, &ns);
		br->p.mem.ns = ns;
		if (!rsp.status)
			card_log("memcpy bench: %llu bytes in %llu ns",
				 (unsigned long long)br->p.mem.size, (unsigned long long)ns);
		rsp.len = sizeof(br->p.mem);
	} else {
		rsp.status = kbench_run(&br->p.kern);
		if (!rsp.status)
			card_log("kernel bench: kernel %u dtype %u %ux%ux%u...: %llu ns",
				 br->p.kern.kernel, br->p.kern.dtype, br->p.kern.dims[0],
				 br->p.kern.dims[1], br->p.kern.dims[2],
				 (unsigned long long)br->p.kern.ns);
		rsp.len = sizeof(br->p.kern);
	}
	if (rsp.status)
		rsp.len = 0;
	else
		memcpy(rsp.payload, &br->p, rsp.len);
	/* Not busy before the answer: the next request may follow it at once. */
	atomic_store(&card->mbox_busy, false);
	answer(card, br->seq, br->op, &rsp);
	/* Make the main loop look again, in case a request came meanwhile. */
	if (write(card->doorbell_fd[TAIHU_VECTOR_CONTROL], &one, sizeof(one)) != sizeof(one))
		card_log("bench: cannot re-kick the mailbox");
	free(br);
	return NULL;
}

/* Start MEMCPY_BENCH or KERNEL_BENCH; returns 0 when its thread will answer, else a status. */
static int op_bench(struct card *card, const struct mbox_request *req,
		    struct mbox_response *rsp)
{
	struct bench_request *br;

	br = calloc(1, sizeof(*br));
	if (!br)
		return -ENOMEM;
	if (req->op == TAIHU_MBOX_OP_MEMCPY_BENCH ?
	    read_payload(req, &br->p.mem, sizeof(br->p.mem)) || !br->p.mem.size ||
	    br->p.mem.size > MEMBENCH_MAX_SIZE :
	    read_payload(req, &br->p.kern, sizeof(br->p.kern))) {
		free(br);
		return -EINVAL;
	}
	br->card = card;
	br->seq = req->seq;
	br->op = req->op;
	atomic_store(&card->mbox_busy, true);
	if (pthread_create(&card->bench_thread, NULL, bench_main, br)) {
		atomic_store(&card->mbox_busy, false);
		free(br);
		return -EAGAIN;
	}
	card->bench_started = true;
	rsp->deferred = true;
	return 0;
}

static void dispatch(struct card *card, const struct mbox_request *req,
		     struct mbox_response *rsp)
{
	if (req->len > TAIHU_MBOX_PAYLOAD_SIZE || req->reserved) {
		rsp->status = -EINVAL;
		return;
	}
	/* A crashed firmware is gone: only the card's reset still works. */
	if (atomic_load(&card->fw_crashed) && req->op != TAIHU_MBOX_OP_RESET) {
		rsp->status = -EIO;
		return;
	}
	switch (req->op) {
	case TAIHU_MBOX_OP_NOP:
		rsp->status = 0;
		break;
	case TAIHU_MBOX_OP_RESET:
		boot_reset(card);
		rsp->status = 0;
		break;
	case TAIHU_MBOX_OP_BOOT:
		rsp->status = op_boot(card, req);
		break;
	case TAIHU_MBOX_OP_QUEUE_ENABLE:
	case TAIHU_MBOX_OP_QUEUE_DISABLE:
		rsp->status = op_queue(card, req);
		break;
	case TAIHU_MBOX_OP_UQ_ENABLE:
	case TAIHU_MBOX_OP_UQ_DISABLE:
		rsp->status = op_uq(card, req);
		break;
	case TAIHU_MBOX_OP_PING:
		rsp->status = op_ping(req, rsp);
		break;
	case TAIHU_MBOX_OP_CTX_CREATE:
	case TAIHU_MBOX_OP_CTX_DESTROY:
		rsp->status = op_ctx(card, req);
		break;
	case TAIHU_MBOX_OP_TLB_INVALIDATE:
		rsp->status = op_tlb(card, req);
		break;
	case TAIHU_MBOX_OP_MEMCPY_BENCH:
	case TAIHU_MBOX_OP_KERNEL_BENCH:
		rsp->status = op_bench(card, req, rsp);
		break;
	case TAIHU_MBOX_OP_SET_POWER_CAP:
		rsp->status = op_power_cap(card, req);
		break;
	case TAIHU_MBOX_OP_FAULT_INJECT:
		rsp->status = op_fault(card, req);
		break;
	default:
		rsp->status = -EOPNOTSUPP;
		break;
	}
}

void mailbox_service(struct card *card)
{
	struct taihu_mbox *mb = card->mbox;
	struct mbox_request req;
	struct mbox_response rsp;

	if (atomic_load(&card->mbox_busy) || fault_fw_hung(card))
		return;
	mailbox_cleanup(card);
	req.seq = shm_load32(&mb->req_seq);
	if (req.seq == card->last_req_seq)
		return;
	/* The acquire above orders these reads after the driver's writes. */
	req.op = mb->req_op;
	req.len = mb->req_len;
	req.reserved = mb->req_reserved;
	memcpy(req.payload, mb->req_payload, sizeof(req.payload));

	memset(&rsp, 0, sizeof(rsp));
	dispatch(card, &req, &rsp);
	card->last_req_seq = req.seq;
	if (rsp.deferred)
		return;
	answer(card, req.seq, req.op, &rsp);
	if (req.op == TAIHU_MBOX_OP_FAULT_INJECT && !rsp.status) {
		struct taihu_mbox_fault f;

		memcpy(&f, req.payload, sizeof(f));
		fault_after_answer(card, &f);
	}
}

void mailbox_cleanup(struct card *card)
{
	if (card->bench_started)
		pthread_join(card->bench_thread, NULL);
	card->bench_started = false;
}

void mailbox_drop_pending(struct card *card)
{
	mailbox_cleanup(card);
	card->last_req_seq = shm_load32(&card->mbox->req_seq);
}
