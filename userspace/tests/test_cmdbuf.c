// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The command-stream builder: exact packet bytes (little-endian, as in
 * firmware/include/taihu_cmdstream.h), offsets, growth and argument checks.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "taihu/taihu.h"
#include "tap.h"

static void le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void le32(uint8_t *p, uint32_t v)
{
	le16(p, (uint16_t)v);
	le16(p + 2, (uint16_t)(v >> 16));
}

static void le64(uint8_t *p, uint64_t v)
{
	le32(p, (uint32_t)v);
	le32(p + 4, (uint32_t)(v >> 32));
}

/* Expected header: opcode, flags 0, size (LE16), reserved 0. */
static void hdr(uint8_t *p, uint8_t opcode, uint16_t size)
{
	memset(p, 0, 8);
	p[0] = opcode;
	le16(p + 2, size);
}

static int same(const struct taihu_cmdbuf *cb, size_t off, const uint8_t *want,
		size_t len)
{
	const uint8_t *d = taihu_cmdbuf_data(cb);

	return d && taihu_cmdbuf_size(cb) >= off + len &&
	       !memcmp(d + off, want, len);
}

static void test_encoding(void)
{
	struct taihu_cmdbuf *cb;
	uint8_t want[64];
	int off;

	tap_ok(taihu_cmdbuf_new(&cb) == 0 && cb, "cmdbuf_new");
	if (!cb)
		return;
	tap_ok(taihu_cmdbuf_size(cb) == 0, "new stream is empty");

	off = taihu_cmdbuf_nop(cb, 8);
	hdr(want, 0, 8);
	tap_ok(off == 0 && same(cb, 0, want, 8), "NOP 8 encodes as opcode 0 size 8");

	off = taihu_cmdbuf_nop(cb, 24);
	memset(want, 0, sizeof(want));
	hdr(want, 0, 24);
	tap_ok(off == 8 && same(cb, 8, want, 24),
	       "NOP 24 at offset 8, body zeroed");

	off = taihu_cmdbuf_fill(cb, 0x1122334455667788ULL, 0x0102030405ULL,
				0xa5c3f00du);
	hdr(want, 1, 32);
	le64(want + 8, 0x1122334455667788ULL);
	le64(want + 16, 0x0102030405ULL);
	le32(want + 24, 0xa5c3f00du);
	le32(want + 28, 0);
	tap_ok(off == 32 && same(cb, 32, want, 32),
	       "FILL encodes dst, size, value little-endian (32 bytes)");

	off = taihu_cmdbuf_copy(cb, 0x1000, 0x2003, 4099);
	hdr(want, 2, 32);
	le64(want + 8, 0x1000);
	le64(want + 16, 0x2003);
	le64(want + 24, 4099);
	tap_ok(off == 64 && same(cb, 64, want, 32),
	       "COPY encodes src, dst, size little-endian (32 bytes)");

	off = taihu_cmdbuf_timestamp(cb, 0xfff8);
	hdr(want, 3, 16);
	le64(want + 8, 0xfff8);
	tap_ok(off == 96 && same(cb, 96, want, 16),
	       "TIMESTAMP encodes dst (16 bytes)");
	tap_ok(taihu_cmdbuf_size(cb) == 112, "stream size is the sum of packets");

	memset(want, 0, 16);
	want[0] = 0xee;
	le16(want + 2, 16);
	off = taihu_cmdbuf_raw(cb, want, 16);
	tap_ok(off == 112 && same(cb, 112, want, 16), "raw packet appended as is");

	off = taihu_cmdbuf_sem_signal(cb, 0x10008, 0x1122334455667788ULL,
				      TAIHU_CMDBUF_SEM_ADD);
	hdr(want, 4, 32);
	le64(want + 8, 0x10008);
	le64(want + 16, 0x1122334455667788ULL);
	le32(want + 24, 1);
	le32(want + 28, 0);
	tap_ok(off == 128 && same(cb, 128, want, 32),
	       "SEM_SIGNAL encodes addr, value, op little-endian (32 bytes)");

	off = taihu_cmdbuf_sem_wait(cb, 0x20010, 7, TAIHU_CMDBUF_SEM_EQUAL);
	hdr(want, 5, 32);
	le64(want + 8, 0x20010);
	le64(want + 16, 7);
	le32(want + 24, 1);
	le32(want + 28, 0);
	tap_ok(off == 160 && same(cb, 160, want, 32),
	       "SEM_WAIT encodes addr, value, cond little-endian (32 bytes)");

	off = taihu_cmdbuf_barrier(cb);
	hdr(want, 6, 8);
	tap_ok(off == 192 && same(cb, 192, want, 8) &&
	       taihu_cmdbuf_size(cb) == 200, "BARRIER is 8 bytes, opcode 6");

	tap_ok(taihu_cmdbuf_sem_signal(cb, 8, 1, TAIHU_CMDBUF_SEM_SET) == 200 &&
	       taihu_cmdbuf_sem_wait(cb, 8, 1, TAIHU_CMDBUF_SEM_GEQUAL) == 232 &&
	       ((const uint8_t *)taihu_cmdbuf_data(cb))[200 + 24] == 0 &&
	       ((const uint8_t *)taihu_cmdbuf_data(cb))[232 + 24] == 0,
	       "SEM_SET and SEM_GEQUAL encode as 0");

	tap_ok(taihu_cmdbuf_reset(cb) == 0 && taihu_cmdbuf_size(cb) == 0,
	       "reset empties the stream");
	tap_ok(taihu_cmdbuf_nop(cb, 0xfff8) == 0 &&
	       taihu_cmdbuf_size(cb) == 0xfff8, "largest NOP (65528 bytes)");
	taihu_cmdbuf_free(cb);
}

static void test_errors(void)
{
	struct taihu_cmdbuf *cb;
	uint8_t buf[16] = { 0 };
	size_t before;
	int ok = 1;

	tap_ok(taihu_cmdbuf_new(NULL) == -EINVAL, "cmdbuf_new(NULL) -> -EINVAL");
	tap_ok(taihu_cmdbuf_nop(NULL, 8) == -EINVAL &&
	       taihu_cmdbuf_fill(NULL, 0, 4, 0) == -EINVAL &&
	       taihu_cmdbuf_copy(NULL, 0, 0, 4) == -EINVAL &&
	       taihu_cmdbuf_timestamp(NULL, 0) == -EINVAL &&
	       taihu_cmdbuf_raw(NULL, buf, 8) == -EINVAL &&
	       taihu_cmdbuf_reset(NULL) == -EINVAL &&
	       taihu_cmdbuf_data(NULL) == NULL && taihu_cmdbuf_size(NULL) == 0,
	       "NULL stream -> -EINVAL everywhere");
	taihu_cmdbuf_free(NULL);

	if (taihu_cmdbuf_new(&cb))
		return;
	taihu_cmdbuf_nop(cb, 8);
	before = taihu_cmdbuf_size(cb);
	tap_ok(taihu_cmdbuf_nop(cb, 0) == -EINVAL &&
	       taihu_cmdbuf_nop(cb, 4) == -EINVAL &&
	       taihu_cmdbuf_nop(cb, 12) == -EINVAL &&
	       taihu_cmdbuf_nop(cb, 0x10000) == -EINVAL,
	       "NOP sizes 0, 4, 12, 65536 rejected");
	tap_ok(taihu_cmdbuf_timestamp(cb, 4) == -EINVAL,
	       "unaligned TIMESTAMP destination rejected");
	tap_ok(taihu_cmdbuf_sem_signal(cb, 4, 1, TAIHU_CMDBUF_SEM_SET) == -EINVAL &&
	       taihu_cmdbuf_sem_signal(cb, 8, 1, 2) == -EINVAL &&
	       taihu_cmdbuf_sem_wait(cb, 12, 1, TAIHU_CMDBUF_SEM_EQUAL) == -EINVAL &&
	       taihu_cmdbuf_sem_wait(cb, 8, 1, 2) == -EINVAL &&
	       taihu_cmdbuf_sem_signal(NULL, 8, 1, 0) == -EINVAL &&
	       taihu_cmdbuf_sem_wait(NULL, 8, 1, 0) == -EINVAL &&
	       taihu_cmdbuf_barrier(NULL) == -EINVAL,
	       "semaphore packets: unaligned address, unknown op/cond, NULL rejected");
	tap_ok(taihu_cmdbuf_raw(cb, buf, 0) == -EINVAL &&
	       taihu_cmdbuf_raw(cb, buf, 5) == -EINVAL &&
	       taihu_cmdbuf_raw(cb, NULL, 8) == -EINVAL,
	       "raw of 0, 5 bytes or NULL rejected");
	tap_ok(taihu_cmdbuf_size(cb) == before, "stream unchanged by errors");

	/* Grow well past the first allocation and check every packet. */
	taihu_cmdbuf_reset(cb);
	for (int i = 0; i < 10000 && ok; i++)
		ok = taihu_cmdbuf_fill(cb, (uint64_t)i * 4, 4, (uint32_t)i) ==
		     i * 32;
	for (int i = 0; i < 10000 && ok; i++) {
		const uint8_t *p = (const uint8_t *)taihu_cmdbuf_data(cb) +
				   (size_t)i * 32;

		ok = p[0] == 1 && p[24] == (uint8_t)i &&
		     p[25] == (uint8_t)(i >> 8);
	}
	tap_ok(ok && taihu_cmdbuf_size(cb) == 320000,
	       "10000 FILL packets: buffer grows, contents intact");

	/* Up to the limit, then -E2BIG without change. */
	taihu_cmdbuf_reset(cb);
	ok = 1;
	while (ok && taihu_cmdbuf_size(cb) + 0xfff8 <= TAIHU_CMDBUF_MAX)
		ok = taihu_cmdbuf_nop(cb, 0xfff8) >= 0;
	while (ok && taihu_cmdbuf_size(cb) < TAIHU_CMDBUF_MAX)
		ok = taihu_cmdbuf_nop(cb, 8) >= 0;
	tap_ok(ok && taihu_cmdbuf_size(cb) == TAIHU_CMDBUF_MAX &&
	       taihu_cmdbuf_nop(cb, 8) == -E2BIG &&
	       taihu_cmdbuf_size(cb) == TAIHU_CMDBUF_MAX,
	       "stream limit: -E2BIG past TAIHU_CMDBUF_MAX");
	taihu_cmdbuf_free(cb);
}

void test_cmdbuf(void)
{
	test_encoding();
	test_errors();
}
