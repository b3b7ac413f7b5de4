// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Control mailbox and event ring. The driver writes a request, then
 * req_seq, then kicks vector 0; the card writes the response, then rsp_seq,
 * then raises MSI-X vector 0. Waiting also polls, so a lost interrupt costs
 * a few milliseconds rather than a timeout.
 */

#include <linux/err.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/string_choices.h>
#include <linux/wait.h>

#include "taihu_drv.h"
#include "taihu_health.h"
#include "taihu_mbox.h"
#include "taihu_netlink.h"

#define TAIHU_MBOX_POLL_MS		10

void taihu_mbox_init(struct taihu_device *tdev)
{
	struct taihu_mailbox *mbox = &tdev->mbox;

	mutex_init(&mbox->lock);
	init_waitqueue_head(&mbox->wq);
	spin_lock_init(&mbox->event_lock);
	atomic_set(&mbox->abandons, 0);
	/* Continue after the last request posted, by us or a previous load. */
	mbox->seq = taihu_ctrl_rd32(tdev, TAIHU_MBOX_REG(req_seq));
}

static bool taihu_mbox_answered(struct taihu_device *tdev, u32 seq)
{
	return taihu_ctrl_rd32(tdev, TAIHU_MBOX_REG(rsp_seq)) == seq;
}

int taihu_mbox_request(struct taihu_device *tdev, u32 op,
		       const void *req, u32 req_len, void *rsp, u32 rsp_size,
		       unsigned int timeout_ms, s32 *status)
{
	struct taihu_mailbox *mbox = &tdev->mbox;
	void __iomem *ctrl = tdev->hw.ctrl;
	unsigned long deadline;
	u32 seq, len;
	int abandons;
	int ret = 0;

	if (req_len > TAIHU_MBOX_PAYLOAD_SIZE || (req_len && !req))
		return -EINVAL;

	/* Before the lock: a request queued behind a hung one is abandoned too. */
	abandons = atomic_read(&mbox->abandons);
	mutex_lock(&mbox->lock);
	/* Nobody would answer. */
	if (taihu_health_dead(tdev)) {
		ret = -ENODEV;
		goto out;
	}
	if (atomic_read(&mbox->abandons) != abandons) {
		ret = -ECANCELED;
		goto out;
	}

	seq = ++mbox->seq;
	if (!seq)
		seq = ++mbox->seq;

	taihu_ctrl_wr32(tdev, TAIHU_MBOX_REG(req_op), op);
	taihu_ctrl_wr32(tdev, TAIHU_MBOX_REG(req_len), req_len);
	taihu_ctrl_wr32(tdev, TAIHU_MBOX_REG(req_reserved), 0);
	memset_io(ctrl + TAIHU_MBOX_REG(req_payload), 0,
		  TAIHU_MBOX_PAYLOAD_SIZE);
	if (req_len)
		memcpy_toio(ctrl + TAIHU_MBOX_REG(req_payload), req, req_len);
	/* The request must be visible before its sequence number. */
	wmb();
	taihu_ctrl_wr32(tdev, TAIHU_MBOX_REG(req_seq), seq);
	taihu_kick(tdev, TAIHU_VECTOR_CONTROL);

	deadline = jiffies + msecs_to_jiffies(timeout_ms);
	while (!taihu_mbox_answered(tdev, seq)) {
		if (time_after(jiffies, deadline)) {
			ret = -ETIMEDOUT;
			goto out;
		}
		wait_event_timeout(mbox->wq, taihu_mbox_answered(tdev, seq) ||
				   taihu_health_dead(tdev) ||
				   atomic_read(&mbox->abandons) != abandons,
				   msecs_to_jiffies(TAIHU_MBOX_POLL_MS));
		if (taihu_mbox_answered(tdev, seq))
			break;
		if (taihu_health_dead(tdev)) {
			ret = -ENODEV;
			goto out;
		}
		if (atomic_read(&mbox->abandons) != abandons) {
			ret = -ECANCELED;
			goto out;
		}
	}
	/* Read the response only after its sequence number. */
	rmb();

	*status = (s32)taihu_ctrl_rd32(tdev, TAIHU_MBOX_REG(rsp_status));
	if (rsp && rsp_size) {
		len = taihu_ctrl_rd32(tdev, TAIHU_MBOX_REG(rsp_len));
		len = min3(len, rsp_size, (u32)TAIHU_MBOX_PAYLOAD_SIZE);
		memset(rsp, 0, rsp_size);
		memcpy_fromio(rsp, ctrl + TAIHU_MBOX_REG(rsp_payload), len);
	}
out:
	mutex_unlock(&mbox->lock);
	return ret;
}

int taihu_mbox_simple(struct taihu_device *tdev, u32 op, const void *req,
		      u32 req_len, unsigned int timeout_ms)
{
	s32 status;
	int ret;

	ret = taihu_mbox_request(tdev, op, req, req_len, NULL, 0, timeout_ms,
				 &status);
	if (ret)
		return ret;
	if (!status)
		return 0;
	/* The card is not trusted to answer with a valid errno. */
	if (status < 0 && status >= -MAX_ERRNO)
		return status;
	return -EIO;
}

int taihu_mbox_ping(struct taihu_device *tdev, u64 cookie, u64 *rtt_ns)
{
	struct taihu_mbox_ping req = { .cookie = cookie };
	struct taihu_mbox_ping rsp;
	s32 status;
	u64 t0;
	int ret;

	t0 = ktime_get_ns();
	ret = taihu_mbox_request(tdev, TAIHU_MBOX_OP_PING, &req, sizeof(req),
				 &rsp, sizeof(rsp), TAIHU_MBOX_TIMEOUT_MS,
				 &status);
	*rtt_ns = ktime_get_ns() - t0;
	if (ret)
		return ret;
	if (status || rsp.cookie != cookie)
		return -EIO;
	return 0;
}

void taihu_mbox_abandon(struct taihu_device *tdev)
{
	atomic_inc(&tdev->mbox.abandons);
	wake_up_all(&tdev->mbox.wq);
}

/* Card events that userspace hears about, on the netlink events group. */
static void taihu_event_notify(struct taihu_device *tdev,
			       const struct taihu_event *ev)
{
	struct taihu_nl_event nl = {
		.has = TAIHU_NL_EV_CARD_TIME,
		.card_time_ns = ev->timestamp_ns,
	};

	switch (ev->type) {
	case TAIHU_EVENT_MMU_FAULT:
		nl.kind = TAIHU_EVENT_KIND_MMU_FAULT;
		nl.has |= TAIHU_NL_EV_CONTEXT | TAIHU_NL_EV_QUEUE | TAIHU_NL_EV_FAULT;
		nl.context = ev->context;
		nl.queue = (ev->data[1] >> 8) & 0xff;
		nl.address = ev->data[0];
		nl.access = (ev->data[1] & 0xff) == TAIHU_ACCESS_WRITE ?
			    TAIHU_FAULT_ACCESS_WRITE : TAIHU_FAULT_ACCESS_READ;
		break;
	case TAIHU_EVENT_THROTTLE:
		nl.kind = ev->data[0] ? TAIHU_EVENT_KIND_THROTTLE_START :
					TAIHU_EVENT_KIND_THROTTLE_STOP;
		nl.has |= TAIHU_NL_EV_THROTTLE;
		nl.reasons = (u32)ev->data[0];
		nl.core_clock = (u32)(ev->data[1] >> 32);
		break;
	case TAIHU_EVENT_ECC:
		nl.kind = TAIHU_EVENT_KIND_ECC_ERROR;
		nl.has |= TAIHU_NL_EV_ECC;
		nl.uncorrected = ev->data[0] != 0;
		nl.count = (u32)ev->data[1];
		break;
	case TAIHU_EVENT_FW_ERROR:
		nl.kind = TAIHU_EVENT_KIND_FW_CRASH;
		nl.has |= TAIHU_NL_EV_CODE;
		nl.code = (u32)ev->data[0];
		break;
	default:
		return;
	}
	taihu_nl_event_post(tdev, &nl);
}

static void taihu_event_log(struct taihu_device *tdev,
			    const struct taihu_event *ev)
{
	struct device *dev = tdev->drm.dev;

	switch (ev->type) {
	case TAIHU_EVENT_BOOTED:
		dev_dbg(dev, "event: firmware %#llx booted\n", ev->data[0]);
		break;
	case TAIHU_EVENT_FW_ERROR:
		dev_err_ratelimited(dev, "event: firmware error %llu\n",
				    ev->data[0]);
		/* The watchdog reads the error state now, not at its next tick. */
		taihu_health_kick(tdev);
		break;
	case TAIHU_EVENT_QUEUE_ERROR:
		dev_err_ratelimited(dev, "event: queue %llu stopped, error %llu\n",
				    ev->data[0], ev->data[1]);
		break;
	case TAIHU_EVENT_UQ_ERROR:
		dev_info_ratelimited(dev, "context %u: user queue %llu stopped, status %llu\n",
				     ev->context, ev->data[0], ev->data[1]);
		taihu_uq_card_event(tdev, ev);
		break;
	case TAIHU_EVENT_MMU_FAULT:
		taihu_uq_card_event(tdev, ev);
		/* Userspace can cause these at will: keep the log short. */
		dev_info_ratelimited(dev, "context %u: MMU fault at %#llx on %s (queue %llu)\n",
				     ev->context, ev->data[0],
				     str_write_read((ev->data[1] & 0xff) ==
						    TAIHU_ACCESS_WRITE),
				     (ev->data[1] >> 8) & 0xff);
		break;
	case TAIHU_EVENT_THROTTLE:
		dev_info_ratelimited(dev, "throttle reasons %#llx -> %#llx, core clock %llu MHz\n",
				     ev->data[1] & 0xffffffff, ev->data[0],
				     ev->data[1] >> 32);
		break;
	case TAIHU_EVENT_ECC:
		dev_warn_ratelimited(dev, "%llu %s VRAM ECC error(s) at page %llu\n",
				     ev->data[1] & 0xffffffff,
				     ev->data[0] ? "uncorrected" : "corrected",
				     ev->data[1] >> 32);
		break;
	default:
		dev_dbg(dev, "event: unknown type %u\n", ev->type);
		break;
	}
}

static void taihu_events_drain(struct taihu_device *tdev)
{
	struct taihu_event ev;
	unsigned long flags;
	u32 head, tail;

	spin_lock_irqsave(&tdev->mbox.event_lock, flags);
	head = taihu_ctrl_rd32(tdev, TAIHU_EVENT_REG(head));
	tail = taihu_ctrl_rd32(tdev, TAIHU_EVENT_REG(tail));
	if (tail - head > TAIHU_EVENT_RING_ENTRIES) {
		/* The card broke the ring protocol: skip to its tail. */
		dev_err_ratelimited(tdev->drm.dev,
				    "event ring indices %u..%u out of range\n",
				    head, tail);
		head = tail;
	}
	/* Read records only after the tail that covers them. */
	rmb();
	while (head != tail) {
		memcpy_fromio(&ev, tdev->hw.ctrl +
			      TAIHU_EVENT_ENTRY(head % TAIHU_EVENT_RING_ENTRIES),
			      sizeof(ev));
		taihu_event_log(tdev, &ev);
		taihu_event_notify(tdev, &ev);
		head++;
	}
	taihu_ctrl_wr32(tdev, TAIHU_EVENT_REG(head), head);
	spin_unlock_irqrestore(&tdev->mbox.event_lock, flags);
}

void taihu_mbox_irq(struct taihu_device *tdev)
{
	wake_up_all(&tdev->mbox.wq);
	taihu_events_drain(tdev);
}
