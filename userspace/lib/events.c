// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The "events" multicast group of the "taihu" family. One receive may
 * bring several events: they wait in a small queue of the listener.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/errno.h>
#include <netlink/genl/ctrl.h>
#include <netlink/handlers.h>
#include <netlink/socket.h>

#include "genl.h"
#include "taihu_internal.h"

#define QUEUE_LEN	64

struct taihu_event_listener {
	struct taihu_genl g;
	struct nl_cb *cb;
	struct taihu_event_info queue[QUEUE_LEN];
	unsigned int head, count;
	unsigned int overflow;	/* events that did not fit the queue */
};

static const char *const kind_names[] = {
	[TAIHU_EVENT_KIND_MMU_FAULT] = "mmu-fault",
	[TAIHU_EVENT_KIND_JOB_TIMEOUT] = "job-timeout",
	[TAIHU_EVENT_KIND_QUEUE_RESET] = "queue-reset",
	[TAIHU_EVENT_KIND_CARD_RESET] = "card-reset",
	[TAIHU_EVENT_KIND_THROTTLE_START] = "throttle-start",
	[TAIHU_EVENT_KIND_THROTTLE_STOP] = "throttle-stop",
	[TAIHU_EVENT_KIND_ECC_ERROR] = "ecc-error",
	[TAIHU_EVENT_KIND_FW_CRASH] = "fw-crash",
	[TAIHU_EVENT_KIND_CARD_DEAD] = "card-dead",
	[TAIHU_EVENT_KIND_CONTEXT_BANNED] = "context-banned",
};

TAIHU_EXPORT const char *taihu_event_kind_name(uint32_t kind)
{
	if (kind < sizeof(kind_names) / sizeof(kind_names[0]) && kind_names[kind])
		return kind_names[kind];
	return "unknown";
}

TAIHU_EXPORT const char *taihu_throttle_reason_name(unsigned int bit)
{
	switch (1u << (bit & 31)) {
	case TAIHU_THROTTLE_REASONS_POWER_CAP:
		return bit < 32 ? "power-cap" : NULL;
	case TAIHU_THROTTLE_REASONS_THERMAL:
		return bit < 32 ? "thermal" : NULL;
	case TAIHU_THROTTLE_REASONS_CRITICAL:
		return bit < 32 ? "critical" : NULL;
	default:
		return NULL;
	}
}

static void get_u32(struct nlattr *a, uint32_t *dst, uint64_t *avail, enum taihu_ev_field f)
{
	if (a && nla_len(a) == 4) {
		*dst = nla_get_u32(a);
		*avail |= 1ULL << f;
	}
}

static void get_uint(struct nlattr *a, uint64_t *dst, uint64_t *avail, enum taihu_ev_field f)
{
	if (a && (nla_len(a) == 4 || nla_len(a) == 8)) {
		*dst = taihu__nla_uint(a);
		*avail |= 1ULL << f;
	}
}

/* Notifications carry no sequence number of ours. */
static int seq_ok(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

static int on_event(struct nl_msg *msg, void *arg)
{
	struct taihu_event_listener *l = arg;
	struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(msg));
	struct nlattr *tb[TAIHU_A_EVENT_MAX + 1];
	struct taihu_event_info *ev;

	if (gh->cmd != TAIHU_CMD_EVENT ||
	    genlmsg_parse(nlmsg_hdr(msg), 0, tb, TAIHU_A_EVENT_MAX, NULL) < 0 ||
	    !tb[TAIHU_A_EVENT_KIND] || nla_len(tb[TAIHU_A_EVENT_KIND]) != 4 ||
	    !tb[TAIHU_A_EVENT_MINOR] || nla_len(tb[TAIHU_A_EVENT_MINOR]) != 4)
		return NL_SKIP;
	if (l->count == QUEUE_LEN) {
		l->overflow++;
		return NL_SKIP;
	}
	ev = &l->queue[(l->head + l->count++) % QUEUE_LEN];
	memset(ev, 0, sizeof(*ev));
	ev->size = sizeof(*ev);
	ev->kind = nla_get_u32(tb[TAIHU_A_EVENT_KIND]);
	ev->minor = nla_get_u32(tb[TAIHU_A_EVENT_MINOR]);
	if (tb[TAIHU_A_EVENT_PCI_ADDR])
		taihu__nla_string(tb[TAIHU_A_EVENT_PCI_ADDR], ev->pci_slot, sizeof(ev->pci_slot));
	if (tb[TAIHU_A_EVENT_SERIAL])
		taihu__nla_string(tb[TAIHU_A_EVENT_SERIAL], ev->serial, sizeof(ev->serial));
	if (tb[TAIHU_A_EVENT_TIME] && (nla_len(tb[TAIHU_A_EVENT_TIME]) == 4 ||
				       nla_len(tb[TAIHU_A_EVENT_TIME]) == 8))
		ev->time_ns = taihu__nla_uint(tb[TAIHU_A_EVENT_TIME]);
	get_uint(tb[TAIHU_A_EVENT_CARD_TIME], &ev->card_time_ns, &ev->available, TAIHU_EV_CARD_TIME);
	get_u32(tb[TAIHU_A_EVENT_CONTEXT], &ev->context, &ev->available, TAIHU_EV_CONTEXT);
	get_u32(tb[TAIHU_A_EVENT_PID], &ev->pid, &ev->available, TAIHU_EV_PID);
	if (tb[TAIHU_A_EVENT_COMM]) {
		taihu__nla_string(tb[TAIHU_A_EVENT_COMM], ev->comm, sizeof(ev->comm));
		ev->available |= 1ULL << TAIHU_EV_COMM;
	}
	get_u32(tb[TAIHU_A_EVENT_QUEUE], &ev->queue, &ev->available, TAIHU_EV_QUEUE);
	get_uint(tb[TAIHU_A_EVENT_ADDRESS], &ev->address, &ev->available, TAIHU_EV_ADDRESS);
	get_u32(tb[TAIHU_A_EVENT_ACCESS], &ev->access, &ev->available, TAIHU_EV_ACCESS);
	get_u32(tb[TAIHU_A_EVENT_THROTTLE_REASONS], &ev->throttle_reasons, &ev->available,
		TAIHU_EV_THROTTLE_REASONS);
	get_u32(tb[TAIHU_A_EVENT_CORE_CLOCK], &ev->core_clock_mhz, &ev->available,
		TAIHU_EV_CORE_CLOCK);
	get_u32(tb[TAIHU_A_EVENT_COUNT], &ev->count, &ev->available, TAIHU_EV_COUNT);
	get_u32(tb[TAIHU_A_EVENT_CODE], &ev->code, &ev->available, TAIHU_EV_CODE);
	ev->uncorrected = tb[TAIHU_A_EVENT_ECC_UNCORRECTED] != NULL;
	return NL_OK;
}

TAIHU_EXPORT int taihu_events_open(struct taihu_event_listener **out)
{
	struct taihu_event_listener *l;
	int grp, ret;

	if (!out)
		return -EINVAL;
	*out = NULL;
	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	ret = taihu__genl_open(&l->g);
	if (ret) {
		free(l);
		return ret;
	}
	grp = genl_ctrl_resolve_grp(l->g.sock, TAIHU_FAMILY_NAME, TAIHU_MCGRP_EVENTS);
	ret = grp < 0 ? taihu__nlerr(grp) : taihu__nlerr(nl_socket_add_membership(l->g.sock, grp));
	l->cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!ret && !l->cb)
		ret = -ENOMEM;
	if (!ret) {
		nl_cb_set(l->cb, NL_CB_VALID, NL_CB_CUSTOM, on_event, l);
		nl_cb_set(l->cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, seq_ok, NULL);
		ret = taihu__nlerr(nl_socket_set_nonblocking(l->g.sock));
	}
	if (ret) {
		taihu_events_close(l);
		return ret;
	}
	*out = l;
	return 0;
}

TAIHU_EXPORT void taihu_events_close(struct taihu_event_listener *l)
{
	if (!l)
		return;
	nl_cb_put(l->cb);
	taihu__genl_close(&l->g);
	free(l);
}

TAIHU_EXPORT int taihu_events_fd(const struct taihu_event_listener *l)
{
	return l && l->g.sock ? nl_socket_get_fd(l->g.sock) : -EINVAL;
}

TAIHU_EXPORT int taihu_events_next(struct taihu_event_listener *l,
				   struct taihu_event_info *ev, int timeout_ms)
{
	struct pollfd pfd;
	int ret;

	if (!l || !ev || ev->size < sizeof(uint32_t))
		return -EINVAL;
	for (;;) {
		if (l->overflow) {
			l->overflow = 0;
			return -ENOBUFS;
		}
		if (l->count) {
			taihu__copy_sized(ev, ev->size, &l->queue[l->head], sizeof(l->queue[0]));
			l->head = (l->head + 1) % QUEUE_LEN;
			l->count--;
			return 1;
		}
		ret = nl_recvmsgs(l->g.sock, l->cb);
		/* libnl reports the socket's ENOBUFS (messages lost) as NLE_NOMEM. */
		if (ret == -NLE_NOMEM)
			return -ENOBUFS;
		if (ret < 0 && ret != -NLE_AGAIN)
			return taihu__nlerr(ret);
		if (l->count || l->overflow)
			continue;
		pfd.fd = nl_socket_get_fd(l->g.sock);
		pfd.events = POLLIN;
		ret = poll(&pfd, 1, timeout_ms);
		if (ret < 0)
			return -errno;
		if (!ret)
			return 0;
	}
}
