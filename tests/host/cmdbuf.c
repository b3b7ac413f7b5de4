// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 */
#include <string.h>

#include "cmdbuf.h"

void cb_init(struct cmdbuf *cb)
{
	memset(cb, 0, sizeof(*cb));
}

static void put(struct cmdbuf *cb, const void *p, size_t n)
{
	if (cb->len + n > sizeof(cb->data))
		return;
	memcpy(cb->data + cb->len, p, n);
	cb->len += (uint32_t)n;
}

void cb_raw(struct cmdbuf *cb, uint8_t opcode, uint8_t flags, uint16_t size,
	    uint32_t reserved, uint32_t body_len)
{
	struct taihu_pkt_header h = {
		.opcode = opcode, .flags = flags, .size = size, .reserved = reserved,
	};
	static const uint8_t zero[64];

	put(cb, &h, sizeof(h));
	while (body_len) {
		uint32_t n = body_len < sizeof(zero) ? body_len : sizeof(zero);

		put(cb, zero, n);
		body_len -= n;
	}
}

void cb_nop(struct cmdbuf *cb, uint16_t size)
{
	cb_raw(cb, TAIHU_PKT_NOP, 0, size, 0, size - 8u);
}

void cb_fill(struct cmdbuf *cb, uint64_t dst, uint64_t size, uint32_t value)
{
	struct taihu_pkt_fill p = {
		.hdr = { .opcode = TAIHU_PKT_FILL, .size = sizeof(p) },
		.dst = dst, .size = size, .value = value,
	};

	put(cb, &p, sizeof(p));
}

void cb_copy(struct cmdbuf *cb, uint64_t src, uint64_t dst, uint64_t size)
{
	struct taihu_pkt_copy p = {
		.hdr = { .opcode = TAIHU_PKT_COPY, .size = sizeof(p) },
		.src = src, .dst = dst, .size = size,
	};

	put(cb, &p, sizeof(p));
}

void cb_timestamp(struct cmdbuf *cb, uint64_t dst)
{
	struct taihu_pkt_timestamp p = {
		.hdr = { .opcode = TAIHU_PKT_TIMESTAMP, .size = sizeof(p) },
		.dst = dst,
	};

	put(cb, &p, sizeof(p));
}

void cb_sem_signal(struct cmdbuf *cb, uint64_t addr, uint64_t value, uint32_t op)
{
	struct taihu_pkt_sem_signal p = {
		.hdr = { .opcode = TAIHU_PKT_SEM_SIGNAL, .size = sizeof(p) },
		.addr = addr, .value = value, .op = op,
	};

	put(cb, &p, sizeof(p));
}

void cb_sem_wait(struct cmdbuf *cb, uint64_t addr, uint64_t value, uint32_t cond)
{
	struct taihu_pkt_sem_wait p = {
		.hdr = { .opcode = TAIHU_PKT_SEM_WAIT, .size = sizeof(p) },
		.addr = addr, .value = value, .cond = cond,
	};

	put(cb, &p, sizeof(p));
}

void cb_barrier(struct cmdbuf *cb)
{
	struct taihu_pkt_barrier p = {
		.hdr = { .opcode = TAIHU_PKT_BARRIER, .size = sizeof(p) },
	};

	put(cb, &p, sizeof(p));
}
