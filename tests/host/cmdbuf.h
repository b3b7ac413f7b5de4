/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Building command streams in tests.
 */
#ifndef TAIHU_CMDBUF_H
#define TAIHU_CMDBUF_H

#include <stddef.h>
#include <stdint.h>

#include <taihu_card_api.h>
#include <taihu_cmdstream.h>

struct cmdbuf {
	uint8_t data[16384];
	uint32_t len;
};

void cb_init(struct cmdbuf *cb);
/* Append a raw header (any values, for malformed streams) and @body_len zero bytes. */
void cb_raw(struct cmdbuf *cb, uint8_t opcode, uint8_t flags, uint16_t size,
	    uint32_t reserved, uint32_t body_len);
void cb_nop(struct cmdbuf *cb, uint16_t size);
void cb_fill(struct cmdbuf *cb, uint64_t dst, uint64_t size, uint32_t value);
void cb_copy(struct cmdbuf *cb, uint64_t src, uint64_t dst, uint64_t size);
void cb_timestamp(struct cmdbuf *cb, uint64_t dst);
void cb_sem_signal(struct cmdbuf *cb, uint64_t addr, uint64_t value, uint32_t op);
void cb_sem_wait(struct cmdbuf *cb, uint64_t addr, uint64_t value, uint32_t cond);
void cb_barrier(struct cmdbuf *cb);
/* A KERNEL packet: @nin + @nout descriptors at @t, then @params_size bytes of parameters. */
void cb_kernel(struct cmdbuf *cb, uint16_t kernel, const void *params, uint16_t params_size,
	       const struct taihu_tensor_desc *t, uint8_t nin, uint8_t nout);
/* A dense row-major descriptor. */
void cb_desc(struct taihu_tensor_desc *d, uint64_t addr, uint8_t dtype, uint8_t rank,
	     const uint32_t *shape);

#endif /* TAIHU_CMDBUF_H */
