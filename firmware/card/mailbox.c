// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Mailbox service. A request is pending when req_seq differs from the last
 * sequence number answered. The request is copied out before it is parsed;
 * the response is written, then rsp_seq, then vector 0 is raised.
 */
#include <errno.h>
#include <string.h>

#include "boot.h"
#include "clock.h"
#include "engine.h"
#include "log.h"
#include "mailbox.h"
#include "shm.h"

struct mbox_request {
	uint32_t seq;
	uint32_t op;
	uint32_t len;
	uint32_t reserved;
	uint8_t payload[TAIHU_MBOX_PAYLOAD_SIZE];
};

struct mbox_response {
	int32_t status;
	uint32_t len;
	uint8_t payload[TAIHU_MBOX_PAYLOAD_SIZE];
};

static int op_boot(struct card *card, const struct mbox_request *req)
{
	struct taihu_mbox_boot b;
	int ret;

	if (req->len < sizeof(b))
		return -EINVAL;
	memcpy(&b, req->payload, sizeof(b));
	if (b.reserved)
		return -EINVAL;
	ret = boot_firmware(card, b.image_addr, b.image_size);
	card_rearm_heartbeat(card);
	return ret;
}

static int op_queue(struct card *card, const struct mbox_request *req)
{
	struct taihu_mbox_queue q;

	if (req->len < sizeof(q))
		return -EINVAL;
	memcpy(&q, req->payload, sizeof(q));
	if (q.reserved || q.queue >= TAIHU_MAX_QUEUES)
		return -EINVAL;
	if (req->op == TAIHU_MBOX_OP_QUEUE_ENABLE)
		return engine_enable(card, q.queue);
	engine_disable(card, q.queue);
	return 0;
}

static int op_ping(const struct mbox_request *req, struct mbox_response *rsp)
{
	struct taihu_mbox_ping ping;

	if (req->len < sizeof(ping))
		return -EINVAL;
	memcpy(&ping, req->payload, sizeof(ping));
	ping.card_ns = card_clock_ns();
	memcpy(rsp->payload, &ping, sizeof(ping));
	rsp->len = sizeof(ping);
	return 0;
}

static void dispatch(struct card *card, const struct mbox_request *req,
		     struct mbox_response *rsp)
{
	if (req->len > TAIHU_MBOX_PAYLOAD_SIZE || req->reserved) {
		rsp->status = -EINVAL;
		return;
	}
	switch (req->op) {
	case TAIHU_MBOX_OP_NOP:
		rsp->status = 0;
		break;
	case TAIHU_MBOX_OP_RESET:
		boot_reset(card);
		card_rearm_heartbeat(card);
		rsp->status = 0;
		break;
	case TAIHU_MBOX_OP_BOOT:
		rsp->status = op_boot(card, req);
		break;
	case TAIHU_MBOX_OP_QUEUE_ENABLE:
	case TAIHU_MBOX_OP_QUEUE_DISABLE:
		rsp->status = op_queue(card, req);
		break;
	case TAIHU_MBOX_OP_PING:
		rsp->status = op_ping(req, rsp);
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
	card_log("mailbox: seq %u op %u -> status %d", req.seq, req.op, rsp.status);

	mb->rsp_status = rsp.status;
	mb->rsp_len = rsp.len;
	mb->rsp_reserved = 0;
	memcpy(mb->rsp_payload, rsp.payload, sizeof(rsp.payload));
	card->last_req_seq = req.seq;
	shm_store32(&mb->rsp_seq, req.seq);
	card_raise_irq(card, TAIHU_VECTOR_CONTROL);
}
