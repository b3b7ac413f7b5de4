// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 */
#include <stdlib.h>
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

void cb_kernel(struct cmdbuf *cb, uint16_t kernel, const void *params, uint16_t params_size,
	       const struct taihu_tensor_desc *t, uint8_t nin, uint8_t nout)
{
	uint8_t pkt[sizeof(struct taihu_pkt_kernel) +
		    TAIHU_KERNEL_MAX_TENSORS * sizeof(struct taihu_tensor_desc) + 64];
	struct taihu_pkt_kernel h = { 0 };
	size_t n = (size_t)nin + nout;
	size_t size = sizeof(h) + n * sizeof(*t) + (((size_t)params_size + 7) & ~(size_t)7);

	if (n > TAIHU_KERNEL_MAX_TENSORS || params_size > 64)
		abort();
	memset(pkt, 0, sizeof(pkt));
	h.hdr.opcode = TAIHU_PKT_KERNEL;
	h.hdr.size = (uint16_t)size;
	h.kernel = kernel;
	h.num_inputs = nin;
	h.num_outputs = nout;
	h.params_size = params_size;
	memcpy(pkt, &h, sizeof(h));
	memcpy(pkt + sizeof(h), t, n * sizeof(*t));
	memcpy(pkt + sizeof(h) + n * sizeof(*t), params, params_size);
	put(cb, pkt, size);
}

void cb_desc(struct taihu_tensor_desc *d, uint64_t addr, uint8_t dtype, uint8_t rank,
	     const uint32_t *shape)
{
	unsigned int i;

	memset(d, 0, sizeof(*d));
	d->addr = addr;
	d->dtype = dtype;
	d->rank = rank;
	for (i = rank; i-- > 0;) {
		d->shape[i] = shape[i];
		d->strides[i] = i + 1 < rank ? d->strides[i + 1] * shape[i + 1] : 1;
	}
}
