// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Command-stream builder: packets of firmware/include/taihu_cmdstream.h, encoded
 * little-endian into a growing buffer, then uploaded into a BO.
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "taihu_cmdstream.h"
#include "taihu_internal.h"

struct taihu_cmdbuf {
	uint8_t *buf;
	size_t len;
	size_t cap;
	char error[192];	/* why the last kernel append failed */
};

_Static_assert(sizeof(struct taihu_pkt_header) == 8, "packet header size");
_Static_assert(sizeof(struct taihu_pkt_fill) == 32, "FILL size");
_Static_assert(sizeof(struct taihu_pkt_copy) == 32, "COPY size");
_Static_assert(sizeof(struct taihu_pkt_timestamp) == 16, "TIMESTAMP size");
_Static_assert(sizeof(struct taihu_pkt_sem_signal) == 32, "SEM_SIGNAL size");
_Static_assert(sizeof(struct taihu_pkt_sem_wait) == 32, "SEM_WAIT size");
_Static_assert(sizeof(struct taihu_pkt_barrier) == 8, "BARRIER size");
_Static_assert(TAIHU_CMDBUF_SEM_SET == TAIHU_SEM_SET &&
	       TAIHU_CMDBUF_SEM_ADD == TAIHU_SEM_ADD, "semaphore ops");
_Static_assert(TAIHU_CMDBUF_SEM_GEQUAL == TAIHU_SEM_GEQUAL &&
	       TAIHU_CMDBUF_SEM_EQUAL == TAIHU_SEM_EQUAL, "semaphore conditions");

TAIHU_EXPORT int taihu_cmdbuf_new(struct taihu_cmdbuf **out)
{
	struct taihu_cmdbuf *cb;

	if (!out)
		return -EINVAL;
	cb = calloc(1, sizeof(*cb));
	if (!cb) {
		*out = NULL;
		return -ENOMEM;
	}
	*out = cb;
	return 0;
}

TAIHU_EXPORT void taihu_cmdbuf_free(struct taihu_cmdbuf *cb)
{
	if (!cb)
		return;
	free(cb->buf);
	free(cb);
}

TAIHU_EXPORT int taihu_cmdbuf_reset(struct taihu_cmdbuf *cb)
{
	if (!cb)
		return -EINVAL;
	cb->len = 0;
	return 0;
}

/* Reserve @len zeroed bytes at the end; returns their offset or -errno. */
static int reserve(struct taihu_cmdbuf *cb, size_t len, uint8_t **p)
{
	size_t cap;
	uint8_t *nb;

	if (len > TAIHU_CMDBUF_MAX || cb->len > TAIHU_CMDBUF_MAX - len)
		return -E2BIG;
	if (cb->len + len > cb->cap) {
		cap = cb->cap ? cb->cap : 256;
		while (cap < cb->len + len)
			cap *= 2;
		nb = realloc(cb->buf, cap);
		if (!nb)
			return -ENOMEM;
		cb->buf = nb;
		cb->cap = cap;
	}
	*p = cb->buf + cb->len;
	memset(*p, 0, len);
	cb->len += len;
	return (int)(cb->len - len);
}

static void put_header(struct taihu_pkt_header *h, uint8_t opcode,
		       uint16_t size)
{
	h->opcode = opcode;
	h->flags = 0;
	h->size = htole16(size);
	h->reserved = 0;
}

/* Append the @len-byte packet @pkt; returns its offset or -errno. */
static int append(struct taihu_cmdbuf *cb, const void *pkt, size_t len)
{
	uint8_t *p;
	int off;

	off = reserve(cb, len, &p);
	if (off >= 0)
		memcpy(p, pkt, len);
	return off;
}

TAIHU_EXPORT int taihu_cmdbuf_nop(struct taihu_cmdbuf *cb, uint32_t size)
{
	struct taihu_pkt_header h;
	uint8_t *p;
	int off;

	/* The header's size field is 16 bits: the largest multiple of 8 fits. */
	if (!cb || size < 8 || size % 8 || size > 0xfff8)
		return -EINVAL;
	off = reserve(cb, size, &p);
	if (off < 0)
		return off;
	put_header(&h, TAIHU_PKT_NOP, (uint16_t)size);
	memcpy(p, &h, sizeof(h));
	return off;
}

TAIHU_EXPORT int taihu_cmdbuf_fill(struct taihu_cmdbuf *cb, uint64_t dst,
				   uint64_t size, uint32_t value)
{
	struct taihu_pkt_fill f;

	if (!cb)
		return -EINVAL;
	memset(&f, 0, sizeof(f));
	put_header(&f.hdr, TAIHU_PKT_FILL, sizeof(f));
	f.dst = htole64(dst);
	f.size = htole64(size);
	f.value = htole32(value);
	return append(cb, &f, sizeof(f));
}

TAIHU_EXPORT int taihu_cmdbuf_copy(struct taihu_cmdbuf *cb, uint64_t src,
				   uint64_t dst, uint64_t size)
{
	struct taihu_pkt_copy c;

	if (!cb)
		return -EINVAL;
	memset(&c, 0, sizeof(c));
	put_header(&c.hdr, TAIHU_PKT_COPY, sizeof(c));
	c.src = htole64(src);
	c.dst = htole64(dst);
	c.size = htole64(size);
	return append(cb, &c, sizeof(c));
}

TAIHU_EXPORT int taihu_cmdbuf_timestamp(struct taihu_cmdbuf *cb, uint64_t dst)
{
	struct taihu_pkt_timestamp t;

	if (!cb || dst % 8)
		return -EINVAL;
	memset(&t, 0, sizeof(t));
	put_header(&t.hdr, TAIHU_PKT_TIMESTAMP, sizeof(t));
	t.dst = htole64(dst);
	return append(cb, &t, sizeof(t));
}

TAIHU_EXPORT int taihu_cmdbuf_sem_signal(struct taihu_cmdbuf *cb, uint64_t addr,
					 uint64_t value, uint32_t op)
{
	struct taihu_pkt_sem_signal sig;

	if (!cb || addr % 8 ||
	    (op != TAIHU_CMDBUF_SEM_SET && op != TAIHU_CMDBUF_SEM_ADD))
		return -EINVAL;
	memset(&sig, 0, sizeof(sig));
	put_header(&sig.hdr, TAIHU_PKT_SEM_SIGNAL, sizeof(sig));
	sig.addr = htole64(addr);
	sig.value = htole64(value);
	sig.op = htole32(op);
	return append(cb, &sig, sizeof(sig));
}

TAIHU_EXPORT int taihu_cmdbuf_sem_wait(struct taihu_cmdbuf *cb, uint64_t addr,
				       uint64_t value, uint32_t cond)
{
	struct taihu_pkt_sem_wait w;

	if (!cb || addr % 8 ||
	    (cond != TAIHU_CMDBUF_SEM_GEQUAL && cond != TAIHU_CMDBUF_SEM_EQUAL))
		return -EINVAL;
	memset(&w, 0, sizeof(w));
	put_header(&w.hdr, TAIHU_PKT_SEM_WAIT, sizeof(w));
	w.addr = htole64(addr);
	w.value = htole64(value);
	w.cond = htole32(cond);
	return append(cb, &w, sizeof(w));
}

TAIHU_EXPORT int taihu_cmdbuf_barrier(struct taihu_cmdbuf *cb)
{
	struct taihu_pkt_barrier b;

	if (!cb)
		return -EINVAL;
	put_header(&b.hdr, TAIHU_PKT_BARRIER, sizeof(b));
	return append(cb, &b, sizeof(b));
}

TAIHU_EXPORT int taihu_cmdbuf_raw(struct taihu_cmdbuf *cb, const void *data,
				  size_t len)
{
	if (!cb || !data || !len || len % 8)
		return -EINVAL;
	return append(cb, data, len);
}

void taihu__cmdbuf_set_error(struct taihu_cmdbuf *cb, const char *msg)
{
	snprintf(cb->error, sizeof(cb->error), "%s", msg);
}

TAIHU_EXPORT const char *taihu_cmdbuf_error(const struct taihu_cmdbuf *cb)
{
	return cb ? cb->error : "";
}

TAIHU_EXPORT const void *taihu_cmdbuf_data(const struct taihu_cmdbuf *cb)
{
	return cb ? cb->buf : NULL;
}

TAIHU_EXPORT size_t taihu_cmdbuf_size(const struct taihu_cmdbuf *cb)
{
	return cb ? cb->len : 0;
}

TAIHU_EXPORT int taihu_cmdbuf_upload(const struct taihu_cmdbuf *cb,
				     struct taihu_device *dev,
				     struct taihu_bo **out)
{
	struct taihu_bo *bo;
	int ret;

	if (!cb || !dev || !out)
		return -EINVAL;
	*out = NULL;
	if (!cb->len)
		return -ENODATA;
	ret = taihu_bo_create(dev, cb->len, DRM_TAIHU_PLACEMENT_VRAM, &bo);
	if (ret)
		return ret;
	ret = taihu_bo_write(bo, 0, cb->buf, cb->len);
	taihu_bo_unmap(bo);
	if (ret) {
		taihu_bo_free(bo);
		return ret;
	}
	*out = bo;
	return 0;
}
