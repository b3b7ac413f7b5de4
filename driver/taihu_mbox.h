/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Control mailbox (one request at a time) and the card's event ring.
 */
#ifndef __TAIHU_MBOX_H__
#define __TAIHU_MBOX_H__

#include <linux/atomic.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>

struct taihu_device;

/* Default wait for a mailbox answer; BOOT and the first RESET wait longer. */
#define TAIHU_MBOX_TIMEOUT_MS		1000
#define TAIHU_BOOT_TIMEOUT_MS		5000

/**
 * struct taihu_mailbox - driver state of the control mailbox
 * @lock: serialises requests; held for the whole request/response exchange
 * @wq: woken by the control interrupt
 * @seq: sequence number of the last request posted, under @lock
 * @event_lock: serialises draining of the event ring (IRQ and re-scan)
 * @abandons: bumped by taihu_mbox_abandon(); a request that sees it change
 *	while it waits gives up
 */
struct taihu_mailbox {
	struct mutex lock; /* one request at a time */
	wait_queue_head_t wq;
	u32 seq;
	atomic_t abandons;
	spinlock_t event_lock; /* event ring draining */
};

/**
 * taihu_mbox_init() - initialise the mailbox state
 * @tdev: the device, with the control pages mapped
 *
 * Before the interrupts are requested; numbering continues after the last
 * request the card saw, also from a previous load of the driver.
 */
void taihu_mbox_init(struct taihu_device *tdev);

/**
 * taihu_mbox_request() - send one mailbox request and wait for the answer
 * @tdev: the device
 * @op: &enum taihu_mbox_op
 * @req: request payload, may be NULL if @req_len is 0
 * @req_len: bytes at @req, at most TAIHU_MBOX_PAYLOAD_SIZE
 * @rsp: buffer for the response payload, may be NULL
 * @rsp_size: bytes available at @rsp; a shorter response is zero-padded
 * @timeout_ms: how long to wait for the card
 * @status: out: the card's response status
 *
 * Sleeps; takes &taihu_mailbox.lock.
 *
 * Return: 0 when the card answered (its verdict is in @status),
 * -ETIMEDOUT if it did not answer in time, -ENODEV at once when the card is
 * (or is declared, meanwhile) dead, -ECANCELED at once when the watchdog
 * abandoned the requests waiting (taihu_mbox_abandon()), -EINVAL for a bad
 * request.
 */
int taihu_mbox_request(struct taihu_device *tdev, u32 op,
		       const void *req, u32 req_len, void *rsp, u32 rsp_size,
		       unsigned int timeout_ms, s32 *status);

/**
 * taihu_mbox_simple() - send a request whose status is 0 or a -errno
 * @tdev: the device
 * @op: &enum taihu_mbox_op
 * @req: request payload, may be NULL if @req_len is 0
 * @req_len: bytes at @req
 * @timeout_ms: how long to wait for the card
 *
 * Return: 0, -ETIMEDOUT, or the card's status as a negative errno (-EIO if
 * the card answered with something that is not an errno).
 */
int taihu_mbox_simple(struct taihu_device *tdev, u32 op, const void *req,
		      u32 req_len, unsigned int timeout_ms);

/**
 * taihu_mbox_ping() - time one PING round trip through the mailbox
 * @tdev: the device
 * @cookie: value the card must echo
 * @rtt_ns: out: ns from posting the request to seeing the answer (doorbell,
 *	card, MSI-X, interrupt handler, waiter woken)
 *
 * Sleeps; takes &taihu_mailbox.lock.
 *
 * Return: 0, -ETIMEDOUT, or -EIO if the card answered wrongly.
 */
int taihu_mbox_ping(struct taihu_device *tdev, u64 cookie, u64 *rtt_ns);

/**
 * taihu_mbox_abandon() - make the requests waiting now give up
 * @tdev: the device
 *
 * For the watchdog, once it knows the card is in trouble: requests posted
 * before, or waiting for the mailbox lock, end with -ECANCELED at once
 * rather than each waiting out its timeout on a card that will not answer,
 * while they hold locks the recovery needs. Requests that start afterwards
 * (the reset's own) are not affected.
 */
void taihu_mbox_abandon(struct taihu_device *tdev);

/**
 * taihu_mbox_irq() - control vector handler: wake the waiter, drain events
 * @tdev: the device
 *
 * Called in hard interrupt context and once after MSI-X is enabled.
 */
void taihu_mbox_irq(struct taihu_device *tdev);

#endif /* __TAIHU_MBOX_H__ */
