// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Integration test of the real taihu-card process, driven the way QEMU and
 * the driver drive it: ivshmem handshake, BAR2 ID page, mailbox, boot with
 * good and bad images, queues, NOP/FILL/COPY/TIMESTAMP jobs, malformed
 * command streams and descriptors, and --mute. The MMU and the semaphores
 * have their own programs (test_mmu.c, test_sem.c).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "card_client.h"
#include "cmdbuf.h"
#include "fw_images.h"
#include "fw_verify.h"
#include "tap.h"

/* VRAM plan of the test (the card has 64 MiB). */
#define FW_ADDR		0x0ULL
#define CMD_ADDR	(8ULL << 20)
#define RING_ADDR(q)	((16ULL << 20) + (q) * 0x40000ULL)
#define COMPL_ADDR(q)	(RING_ADDR(q) + 0x20000ULL)
#define DATA_ADDR	(32ULL << 20)
#define HOST_DATA	(1ULL << 20)	/* offset in guest RAM */
#define RING_ENTRIES	64

/* Run one job from a command buffer placed at VRAM CMD_ADDR. */
static int run_job(struct card_client *c, unsigned int q, const struct cmdbuf *cb,
		   uint32_t context, struct taihu_completion *out)
{
	return cc_run_stream(c, q, cb->data, cb->len, CMD_ADDR, CMD_ADDR, context, out, 5000);
}

/* Run a job that must fail with @status at @offset (and @addr for DMA and MMU errors). */
static void expect_failure(struct card_client *c, const char *name, const struct cmdbuf *cb,
			   uint32_t context, uint32_t status, uint32_t offset, uint64_t addr)
{
	struct tap_check t = { true };
	struct taihu_completion rec;

	CHECK(&t, run_job(c, 0, cb, context, &rec) == 0);
	CHECK_EQ(&t, rec.status, status);
	CHECK_EQ(&t, rec.error_offset, offset);
	if (status == TAIHU_STATUS_DMA_ERROR || status == TAIHU_STATUS_MMU_FAULT)
		CHECK_EQ(&t, rec.error_addr, addr);
	CHECK(&t, rec.start_ns <= rec.end_ns);
	CHECK(&t, cc_alive(c));
	tap_result(t.ok, "malformed: %s", name);
}

static void test_id_page(struct card_client *c)
{
	struct tap_check t = { true };
	struct taihu_card_id *id = c->id;

	CHECK(&t, id->signature == TAIHU_CARD_SIGNATURE);
	CHECK_EQ(&t, id->if_major, TAIHU_CARD_IF_MAJOR);
	CHECK_EQ(&t, id->if_minor, TAIHU_CARD_IF_MINOR);
	CHECK_EQ(&t, id->bar2_size, c->bar2_size);
	CHECK_EQ(&t, id->bar2_size & (id->bar2_size - 1), 0);
	CHECK_EQ(&t, id->bar2_size, 128ULL << 20);
	CHECK_EQ(&t, id->vram_offset, TAIHU_BAR2_VRAM_OFFSET);
	CHECK_EQ(&t, id->vram_size, 64ULL << 20);
	CHECK_EQ(&t, id->device_id, 1);
	CHECK_EQ(&t, id->card_peer_id, TAIHU_CARD_PEER_ID);
	CHECK_EQ(&t, id->num_vectors, TAIHU_NUM_VECTORS);
	CHECK_EQ(&t, id->max_queues, TAIHU_MAX_QUEUES);
	CHECK_EQ(&t, id->state, TAIHU_CARD_STATE_WAIT_FW);
	CHECK_EQ(&t, id->num_queues, 0);
	CHECK(&t, !strcmp(id->serial, "T1-TEST-42"));
	{
		/* FWLOG ring: { u32 head; u32 size; ... } then text (see card/log.h). */
		const uint8_t *fwlog = c->bar2 + TAIHU_BAR2_FWLOG_OFFSET;
		uint32_t head, size;

		memcpy(&head, fwlog, 4);
		memcpy(&size, fwlog + 4, 4);
		CHECK_EQ(&t, size, TAIHU_BAR2_FWLOG_SIZE - 64);
		CHECK(&t, head > 0 && head < size);
		CHECK(&t, memmem(fwlog + 64, head, "serial T1-TEST-42", 17) != NULL);
	}
	tap_result(t.ok, "handshake, BAR2 ID page and firmware log ring");
}

static void test_heartbeat(struct card_client *c)
{
	uint64_t hb = c->id->heartbeat, ts = c->id->timestamp_ns;
	int i;

	/* Two beats: polled for up to 5 s, the card's thread may wait for a CPU. */
	for (i = 0; i < 500 && c->id->heartbeat < hb + 2; i++)
		usleep(10 * 1000);
	tap_result(c->id->heartbeat >= hb + 2 && c->id->timestamp_ns > ts,
		   "heartbeat and card clock advance (100 ms period before boot)");
}

static void test_mailbox_basics(struct card_client *c)
{
	struct tap_check t = { true };
	struct taihu_mbox_ping ping = { .cookie = 0x1234567890abcdefULL }, pong;
	struct taihu_mbox_queue mq = { .queue = 0 };
	int32_t status = 99;

	CHECK(&t, cc_mbox(c, TAIHU_MBOX_OP_NOP, NULL, 0, NULL, 0, &status, 5000) == 0);
	CHECK_EQ(&t, status, 0);
	CHECK(&t, cc_mbox(c, TAIHU_MBOX_OP_PING, &ping, sizeof(ping), &pong, sizeof(pong),
			  &status, 5000) == 0);
	CHECK_EQ(&t, status, 0);
	CHECK(&t, pong.cookie == ping.cookie);
	CHECK(&t, pong.card_ns > 0);
	CHECK_EQ(&t, c->mbox->rsp_len, sizeof(pong));
	CHECK(&t, cc_mbox(c, 77, NULL, 0, NULL, 0, &status, 5000) == 0);
	CHECK_EQ(&t, status, -EOPNOTSUPP);
	CHECK(&t, cc_mbox(c, TAIHU_MBOX_OP_NOP, NULL, 4096, NULL, 0, &status, 5000) == 0);
	CHECK_EQ(&t, status, -EINVAL);
	CHECK(&t, cc_mbox(c, TAIHU_MBOX_OP_QUEUE_ENABLE, &mq, sizeof(mq), NULL, 0,
			  &status, 5000) == 0);
	CHECK_EQ(&t, status, -EIO);
	tap_result(t.ok, "mailbox NOP, PING, unknown op, bad length, QUEUE_ENABLE before boot");
}

static void test_bad_boots(struct card_client *c, const uint8_t *img, size_t size)
{
	size_t i;

	for (i = 0; i < fw_num_bad_cases; i++) {
		const struct fw_bad_case *bc = &fw_bad_cases[i];
		struct tap_check t = { true };
		struct taihu_event ev;
		bool seen = false;
		size_t bad_size;
		uint8_t *bad = fw_make_bad(bc, img, size, &bad_size);

		CHECK_EQ(&t, cc_boot(c, bad, size + 64, FW_ADDR, (uint32_t)bad_size), bc->expect);
		CHECK_EQ(&t, c->id->state, TAIHU_CARD_STATE_ERROR);
		CHECK_EQ(&t, c->id->error_code, bc->expect);
		while (cc_next_event(c, &ev))
			if (ev.type == TAIHU_EVENT_FW_ERROR && ev.data[0] == (uint64_t)bc->expect)
				seen = true;
		CHECK(&t, seen);
		tap_result(t.ok, "BOOT %s -> %s", bc->name, taihu_boot_error_name(bc->expect));
		free(bad);
	}
	{
		struct tap_check t = { true };

		CHECK_EQ(&t, cc_boot(c, NULL, 0, c->vram_size - 16, (uint32_t)size),
			 TAIHU_BOOT_ERR_RANGE);
		CHECK_EQ(&t, cc_boot(c, NULL, 0, ~0ULL - 8, (uint32_t)size), TAIHU_BOOT_ERR_RANGE);
		CHECK_EQ(&t, cc_boot(c, NULL, 0, 0, 0), TAIHU_BOOT_ERR_TRUNCATED);
		CHECK_EQ(&t, c->id->state, TAIHU_CARD_STATE_ERROR);
		tap_result(t.ok, "BOOT with the image outside VRAM -> RANGE, empty -> TRUNCATED");
	}
}

static void test_good_boot(struct card_client *c, const uint8_t *img, size_t size)
{
	struct tap_check t = { true };
	struct taihu_event ev;
	bool booted = false;

	CHECK_EQ(&t, cc_reset(c), 0);
	CHECK_EQ(&t, c->id->state, TAIHU_CARD_STATE_WAIT_FW);
	CHECK_EQ(&t, cc_boot(c, img, size, FW_ADDR, (uint32_t)size), TAIHU_BOOT_OK);
	CHECK_EQ(&t, c->id->state, TAIHU_CARD_STATE_READY);
	CHECK_EQ(&t, c->id->error_code, 0);
	CHECK_EQ(&t, c->id->fw_version, TAIHU_FW_VERSION(1, 2, 0));
	CHECK_EQ(&t, c->id->fw_abi_major, TAIHU_FW_ABI_MAJOR);
	CHECK_EQ(&t, c->id->num_queues, 4);
	CHECK_EQ(&t, c->id->capabilities, TAIHU_FW_CFG_KNOWN_CAPS);
	CHECK_EQ(&t, c->id->heartbeat_period_ms, 100);
	CHECK(&t, !strcmp(c->id->fw_version_str, "1.2.0"));
	while (cc_next_event(c, &ev))
		if (ev.type == TAIHU_EVENT_BOOTED && ev.data[0] == TAIHU_FW_VERSION(1, 2, 0))
			booted = true;
	CHECK(&t, booted);
	CHECK_EQ(&t, cc_boot(c, img, size, FW_ADDR, (uint32_t)size), -EBUSY);
	tap_result(t.ok, "RESET then BOOT of the good image -> READY with its version and config");
}

static void test_queue_enable(struct card_client *c)
{
	struct tap_check t = { true };

	CHECK_EQ(&t, cc_queue_enable(c, 0, RING_ADDR(0), COMPL_ADDR(0), 3), -EINVAL);
	CHECK_EQ(&t, cc_queue_enable(c, 0, RING_ADDR(0), COMPL_ADDR(0), 2048), -EINVAL);
	CHECK_EQ(&t, cc_queue_enable(c, 0, RING_ADDR(0), COMPL_ADDR(0), 0), -EINVAL);
	CHECK_EQ(&t, cc_queue_enable(c, 0, c->vram_size - 64, COMPL_ADDR(0), RING_ENTRIES), -EINVAL);
	CHECK_EQ(&t, cc_queue_enable(c, 0, ~0ULL - 31, COMPL_ADDR(0), RING_ENTRIES), -EINVAL);
	CHECK_EQ(&t, cc_queue_enable(c, 0, RING_ADDR(0), ~0ULL - 63, RING_ENTRIES), -EINVAL);
	CHECK_EQ(&t, cc_queue_enable(c, 0, RING_ADDR(0), RING_ADDR(0) + 64, RING_ENTRIES), -EINVAL);
	CHECK_EQ(&t, cc_queue_enable(c, 4, RING_ADDR(0), COMPL_ADDR(0), RING_ENTRIES), -EINVAL);
	CHECK_EQ(&t, cc_queue_enable(c, 0, RING_ADDR(0), COMPL_ADDR(0), RING_ENTRIES), 0);
	CHECK_EQ(&t, cc_queue_enable(c, 0, RING_ADDR(0), COMPL_ADDR(0), RING_ENTRIES), -EBUSY);
	CHECK_EQ(&t, cc_queue_enable(c, 1, RING_ADDR(1), COMPL_ADDR(1), RING_ENTRIES), 0);
	tap_result(t.ok, "QUEUE_ENABLE validates the descriptor, then enables queues 0 and 1");
}

static void test_nop(struct card_client *c)
{
	struct tap_check t = { true };
	struct taihu_completion rec;
	struct cmdbuf cb;

	cb_init(&cb);
	cb_nop(&cb, 8);
	cb_nop(&cb, 64);
	CHECK(&t, run_job(c, 0, &cb, 0, &rec) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_SUCCESS);
	CHECK(&t, rec.start_ns > 0 && rec.start_ns <= rec.end_ns);
	CHECK_EQ(&t, c->qdesc[0].completed_seqno, c->seqno);
	CHECK_EQ(&t, c->qdesc[0].head, c->q[0].tail);
	CHECK_EQ(&t, c->qdesc[0].status, 0);
	tap_result(t.ok, "NOP job completes with seqno, status and timestamps");
}

static bool pattern_ok(const uint8_t *p, uint64_t size, uint32_t value)
{
	uint8_t pat[4];
	uint64_t i;

	memcpy(pat, &value, 4);
	for (i = 0; i < size; i++)
		if (p[i] != pat[i % 4])
			return false;
	return true;
}

static void test_fill(struct card_client *c)
{
	struct tap_check t = { true };
	struct taihu_completion rec;
	struct cmdbuf cb;

	memset(c->vram + DATA_ADDR, 0xee, 3 * 4096 + 16);
	cb_init(&cb);
	cb_fill(&cb, DATA_ADDR, 3 * 4096 + 3, 0xa1b2c3d4);
	CHECK(&t, run_job(c, 0, &cb, 0, &rec) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_SUCCESS);
	CHECK(&t, pattern_ok(c->vram + DATA_ADDR, 3 * 4096 + 3, 0xa1b2c3d4));
	CHECK_EQ(&t, c->vram[DATA_ADDR + 3 * 4096 + 3], 0xee);
	tap_result(t.ok, "FILL VRAM with a pattern, tail gets its first bytes");

	t.ok = true;
	memset(c->ram + HOST_DATA, 0, 8192);
	cb_init(&cb);
	cb_fill(&cb, cc_host_addr(HOST_DATA), 5000, 0x01020304);
	cb_fill(&cb, DATA_ADDR, 0, 0x55555555);	/* size 0: nothing */
	CHECK(&t, run_job(c, 1, &cb, 0, &rec) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_SUCCESS);
	CHECK(&t, pattern_ok(c->ram + HOST_DATA, 5000, 0x01020304));
	CHECK_EQ(&t, c->ram[HOST_DATA + 5000], 0);
	tap_result(t.ok, "FILL host RAM from context 0 on queue 1");
}

static void test_copy(struct card_client *c)
{
	struct tap_check t = { true };
	struct taihu_completion rec;
	struct cmdbuf cb;
	uint64_t i, n = 100000;
	uint8_t *src = c->vram + DATA_ADDR, *dst = c->vram + DATA_ADDR + (1 << 20);

	for (i = 0; i < n; i++)
		src[i] = (uint8_t)(i * 7 + 3);
	memset(dst, 0, n);
	memset(c->ram + HOST_DATA, 0, n);
	cb_init(&cb);
	cb_copy(&cb, DATA_ADDR, DATA_ADDR + (1 << 20), n);
	CHECK(&t, run_job(c, 0, &cb, 0, &rec) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_SUCCESS);
	CHECK(&t, !memcmp(src, dst, n));
	tap_result(t.ok, "COPY VRAM -> VRAM");

	t.ok = true;
	cb_init(&cb);
	cb_copy(&cb, DATA_ADDR, cc_host_addr(HOST_DATA), n);
	CHECK(&t, run_job(c, 0, &cb, 0, &rec) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_SUCCESS);
	CHECK(&t, !memcmp(src, c->ram + HOST_DATA, n));
	tap_result(t.ok, "COPY VRAM -> host RAM (context 0)");

	t.ok = true;
	for (i = 0; i < n; i++)
		c->ram[HOST_DATA + i] = (uint8_t)(i * 13 + 1);
	memset(dst, 0, n);
	cb_init(&cb);
	cb_copy(&cb, cc_host_addr(HOST_DATA), DATA_ADDR + (1 << 20), n);
	CHECK(&t, run_job(c, 0, &cb, 0, &rec) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_SUCCESS);
	CHECK(&t, !memcmp(c->ram + HOST_DATA, dst, n));
	tap_result(t.ok, "COPY host RAM -> VRAM (context 0)");

	t.ok = true;
	for (i = 0; i < 64; i++)
		src[i] = (uint8_t)i;
	cb_init(&cb);
	cb_copy(&cb, DATA_ADDR, DATA_ADDR + 8, 32);	/* overlapping: memmove */
	CHECK(&t, run_job(c, 0, &cb, 0, &rec) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_SUCCESS);
	for (i = 0; i < 32; i++)
		CHECK_EQ(&t, src[8 + i], i);
	for (i = 0; i < 64; i++)
		src[i] = (uint8_t)i;
	cb_init(&cb);
	cb_copy(&cb, DATA_ADDR + 8, DATA_ADDR, 32);
	CHECK(&t, run_job(c, 0, &cb, 0, &rec) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_SUCCESS);
	for (i = 0; i < 32; i++)
		CHECK_EQ(&t, src[i], i + 8);
	CHECK_EQ(&t, src[32], 32);
	tap_result(t.ok, "COPY of overlapping VRAM ranges behaves like memmove, both directions");
}

static void test_timestamp_and_batch(struct card_client *c)
{
	struct tap_check t = { true };
	struct taihu_completion rec[8];
	struct cmdbuf cb;
	uint32_t slots[8];
	uint64_t ts, first;
	unsigned int i;

	cb_init(&cb);
	cb_timestamp(&cb, DATA_ADDR + 4096);
	memset(c->vram + DATA_ADDR + 4096, 0, 8);
	CHECK(&t, run_job(c, 0, &cb, 0, &rec[0]) == 0);
	CHECK_EQ(&t, rec[0].status, TAIHU_STATUS_SUCCESS);
	memcpy(&ts, c->vram + DATA_ADDR + 4096, 8);
	CHECK(&t, rec[0].start_ns <= ts && ts <= rec[0].end_ns);
	tap_result(t.ok, "TIMESTAMP writes the card clock between job start and end");

	/* Eight jobs submitted back to back: kicks coalesce, order is kept. */
	t.ok = true;
	cb_init(&cb);
	cb_nop(&cb, 8);
	memcpy(c->vram + CMD_ADDR, cb.data, cb.len);
	first = c->seqno + 1;
	for (i = 0; i < 8; i++)
		slots[i] = cc_submit(c, 1, CMD_ADDR, cb.len, 0, ++c->seqno);
	CHECK(&t, cc_wait_queue(c, 1, slots[7], NULL, 5000) == 0);
	for (i = 0; i < 8; i++) {
		memcpy(&rec[i], c->vram + COMPL_ADDR(1) + slots[i] * sizeof(rec[i]),
		       sizeof(rec[i]));
		CHECK_EQ(&t, rec[i].seqno, first + i);
		CHECK_EQ(&t, rec[i].status, TAIHU_STATUS_SUCCESS);
	}
	CHECK_EQ(&t, c->qdesc[1].completed_seqno, c->seqno);
	tap_result(t.ok, "a batch of jobs completes in order");

	/* Enough jobs to wrap the ring several times. */
	t.ok = true;
	for (i = 0; i < 3 * RING_ENTRIES; i++) {
		struct taihu_completion one;
		uint32_t slot = cc_submit(c, 1, CMD_ADDR, cb.len, 0, ++c->seqno);

		if (cc_wait_queue(c, 1, slot, &one, 5000) || one.seqno != c->seqno) {
			t.ok = false;
			break;
		}
	}
	tap_result(t.ok, "ring wraps around (%u jobs on %u slots)", 3 * RING_ENTRIES, RING_ENTRIES);
}

static void test_malformed(struct card_client *c)
{
	uint64_t vram = c->vram_size;
	struct cmdbuf cb;

	cb_init(&cb);
	cb_nop(&cb, 8);
	cb_raw(&cb, 200, 0, 8, 0, 0);
	expect_failure(c, "unknown opcode", &cb, 0, TAIHU_STATUS_INVALID_CMD, 8, 0);

	cb_init(&cb);
	cb_raw(&cb, TAIHU_PKT_NOP, 0, 0, 0, 8);
	expect_failure(c, "packet size 0", &cb, 0, TAIHU_STATUS_INVALID_CMD, 0, 0);

	cb_init(&cb);
	cb_raw(&cb, TAIHU_PKT_NOP, 0, 12, 0, 8);
	expect_failure(c, "packet size not a multiple of 8", &cb, 0, TAIHU_STATUS_INVALID_CMD, 0, 0);

	cb_init(&cb);
	cb_nop(&cb, 16);
	cb_fill(&cb, DATA_ADDR, 8, 0);
	cb.len -= 16;	/* the FILL packet says 32 bytes, only 16 are there */
	expect_failure(c, "truncated packet", &cb, 0, TAIHU_STATUS_INVALID_CMD, 16, 0);

	cb_init(&cb);
	cb_raw(&cb, TAIHU_PKT_FILL, 0, 24, 0, 16);
	expect_failure(c, "FILL with the wrong size", &cb, 0, TAIHU_STATUS_INVALID_CMD, 0, 0);

	cb_init(&cb);
	cb_raw(&cb, TAIHU_PKT_NOP, 1, 8, 0, 0);
	expect_failure(c, "flags set", &cb, 0, TAIHU_STATUS_INVALID_CMD, 0, 0);

	cb_init(&cb);
	cb_raw(&cb, TAIHU_PKT_NOP, 0, 8, 5, 0);
	expect_failure(c, "reserved header bits set", &cb, 0, TAIHU_STATUS_INVALID_CMD, 0, 0);

	cb_init(&cb);
	cb_timestamp(&cb, DATA_ADDR + 4);
	expect_failure(c, "TIMESTAMP to a misaligned address", &cb, 0,
		       TAIHU_STATUS_INVALID_CMD, 0, 0);

	cb_init(&cb);
	cb_fill(&cb, vram + 4096, 16, 0);
	expect_failure(c, "FILL beyond VRAM", &cb, 0, TAIHU_STATUS_DMA_ERROR, 0, vram + 4096);

	cb_init(&cb);
	cb_nop(&cb, 8);
	cb_fill(&cb, vram - 8, 16, 0);
	expect_failure(c, "FILL running past the end of VRAM", &cb, 0,
		       TAIHU_STATUS_DMA_ERROR, 8, vram);

	cb_init(&cb);
	cb_copy(&cb, DATA_ADDR, vram - 16, ~0ULL - 4);
	expect_failure(c, "COPY with address + size overflowing 64 bits", &cb, 0,
		       TAIHU_STATUS_DMA_ERROR, 0, vram);

	cb_init(&cb);
	cb_copy(&cb, ~0ULL - 7, DATA_ADDR, 16);
	expect_failure(c, "COPY from the top of the address space", &cb, 0,
		       TAIHU_STATUS_DMA_ERROR, 0, ~0ULL - 7);

	cb_init(&cb);
	cb_copy(&cb, cc_host_addr(c->ram_size - 8), DATA_ADDR, 16);
	expect_failure(c, "COPY running past the end of host RAM", &cb, 0,
		       TAIHU_STATUS_DMA_ERROR, 0, cc_host_addr(c->ram_size));

	cb_init(&cb);
	cb_copy(&cb, (1ULL << 40), DATA_ADDR, 16);
	expect_failure(c, "COPY from the hole between VRAM and host", &cb, 0,
		       TAIHU_STATUS_DMA_ERROR, 0, 1ULL << 40);

	/* With the MMU, a context that was never created has no memory at all. */
	cb_init(&cb);
	cb_copy(&cb, cc_host_addr(HOST_DATA), DATA_ADDR, 16);
	expect_failure(c, "a job of a context that does not exist", &cb, 3,
		       TAIHU_STATUS_MMU_FAULT, 0, CMD_ADDR);

	/* Entry-level errors: the command stream itself. */
	{
		struct tap_check t = { true };
		struct taihu_completion rec;
		uint32_t slot;

		slot = cc_submit(c, 0, vram - 8, 64, 0, ++c->seqno);
		CHECK(&t, cc_wait_queue(c, 0, slot, &rec, 5000) == 0);
		CHECK_EQ(&t, rec.status, TAIHU_STATUS_DMA_ERROR);
		CHECK_EQ(&t, rec.error_addr, vram);
		slot = cc_submit(c, 0, cc_host_addr(0), 64, 9, ++c->seqno);
		CHECK(&t, cc_wait_queue(c, 0, slot, &rec, 5000) == 0);
		CHECK_EQ(&t, rec.status, TAIHU_STATUS_MMU_FAULT);
		CHECK(&t, rec.error_addr == cc_host_addr(0));
		CHECK_EQ(&t, rec.error_access, TAIHU_ACCESS_READ);
		slot = cc_submit(c, 0, CMD_ADDR, 12, 0, ++c->seqno);
		CHECK(&t, cc_wait_queue(c, 0, slot, &rec, 5000) == 0);
		CHECK_EQ(&t, rec.status, TAIHU_STATUS_INVALID_CMD);
		slot = cc_submit(c, 0, CMD_ADDR, 0, 0, ++c->seqno);
		CHECK(&t, cc_wait_queue(c, 0, slot, &rec, 5000) == 0);
		CHECK_EQ(&t, rec.status, TAIHU_STATUS_INVALID_CMD);
		slot = cc_submit(c, 0, CMD_ADDR, 1U << 30, 0, ++c->seqno);
		CHECK(&t, cc_wait_queue(c, 0, slot, &rec, 5000) == 0);
		CHECK_EQ(&t, rec.status, TAIHU_STATUS_INVALID_CMD);
		CHECK_EQ(&t, rec.seqno, c->seqno);
		tap_result(t.ok, "malformed ring entries: stream outside reach, odd/zero/huge length");
	}
}

static void test_ring_garbage(struct card_client *c)
{
	struct tap_check t = { true };
	struct taihu_event ev;
	struct cmdbuf cb;
	struct taihu_completion rec;
	struct taihu_mbox_ping ping = { .cookie = 7 };
	int32_t status;
	bool seen = false;
	unsigned int i;

	while (cc_next_event(c, &ev))
		;
	/* The guest scribbles on head: the card keeps its own copy. */
	c->qdesc[0].head = 12345;
	cb_init(&cb);
	cb_nop(&cb, 8);
	CHECK(&t, run_job(c, 0, &cb, 0, &rec) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_SUCCESS);

	/* Tail far past head on queue 1: the queue stops with an error event. */
	c->qdesc[1].tail = c->q[1].tail + 1000000;
	cc_kick(c, TAIHU_VECTOR_QUEUE(1));
	for (i = 0; i < 100 && !seen; i++) {
		cc_wait_irq(c, TAIHU_VECTOR_CONTROL, 50);
		while (cc_next_event(c, &ev))
			if (ev.type == TAIHU_EVENT_QUEUE_ERROR && ev.data[0] == 1)
				seen = true;
	}
	CHECK(&t, seen);
	CHECK(&t, c->qdesc[1].status != 0);
	CHECK(&t, cc_mbox(c, TAIHU_MBOX_OP_PING, &ping, sizeof(ping), NULL, 0, &status, 5000) == 0);
	CHECK(&t, cc_alive(c));
	CHECK_EQ(&t, cc_queue_disable(c, 1), 0);
	CHECK_EQ(&t, cc_queue_enable(c, 1, RING_ADDR(1), COMPL_ADDR(1), RING_ENTRIES), 0);
	CHECK(&t, run_job(c, 1, &cb, 0, &rec) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_SUCCESS);
	tap_result(t.ok, "garbage head/tail: queue error event, card alive, queue re-enabled");
}

/*
 * Ring entry flags (interface minor 7): TAIHU_RING_ENTRY_IRQ runs the job
 * and raises the queue's vector although the next entry still runs; an
 * unknown flag ends its entry with INVALID_CMD and the queue goes on.
 */
static void test_entry_flags(struct card_client *c)
{
	static const uint32_t flags[3] = { TAIHU_RING_ENTRY_IRQ, 2, 0 };
	struct tap_check t = { true };
	struct card_client_queue *cq = &c->q[0];
	struct taihu_completion rec;
	struct cmdbuf cb;
	uint32_t i, slot[3];

	cb_init(&cb);
	cb_nop(&cb, 8);
	memcpy(c->vram + CMD_ADDR, cb.data, cb.len);
	for (i = 0; i < 3; i++) {
		struct taihu_ring_entry e = {
			.cmd_addr = CMD_ADDR, .cmd_len = cb.len, .seqno = ++c->seqno,
			.flags = flags[i],
		};

		slot[i] = cq->tail & (cq->entries - 1);
		memcpy(c->vram + cq->ring_addr + (uint64_t)slot[i] * sizeof(e), &e, sizeof(e));
		cq->tail++;
	}
	__atomic_store_n(&c->qdesc[0].tail, cq->tail, __ATOMIC_SEQ_CST);
	cc_kick(c, TAIHU_VECTOR_QUEUE(0));
	CHECK(&t, cc_wait_queue(c, 0, slot[0], &rec, 5000) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_SUCCESS);
	cc_completion(c, 0, slot[1], &rec);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_INVALID_CMD);
	CHECK_EQ(&t, rec.error_offset, 0);
	cc_completion(c, 0, slot[2], &rec);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_SUCCESS);
	CHECK_EQ(&t, c->qdesc[0].status, 0);
	CHECK(&t, cc_alive(c));
	tap_result(t.ok, "ring entry flags: IRQ runs, an unknown flag is INVALID_CMD");
}

static void test_second_client(struct card_client *c)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char b;
	bool refused = false;

	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", c->sock_path);
	if (fd >= 0 && !connect(fd, (struct sockaddr *)&addr, sizeof(addr)))
		refused = poll(&pfd, 1, 5000) == 1 && read(fd, &b, 1) == 0;
	if (fd >= 0)
		close(fd);
	tap_result(refused && cc_alive(c), "a second client is refused, the first keeps its card");
}

static void test_alt_firmware(struct card_client *c)
{
	struct tap_check t = { true };
	struct taihu_completion rec;
	struct cmdbuf cb;
	size_t size = 0;
	uint8_t *alt = cc_read_fw_image("t1-alt.bin", &size);
	unsigned int i;

	CHECK(&t, alt != NULL);
	if (!alt) {
		tap_result(false, "t1-alt firmware configures the card differently");
		return;
	}
	CHECK_EQ(&t, cc_reset(c), 0);
	CHECK_EQ(&t, cc_boot(c, alt, size, 4096, (uint32_t)size), TAIHU_BOOT_OK);
	CHECK_EQ(&t, c->id->num_queues, 2);
	CHECK_EQ(&t, c->id->heartbeat_period_ms, 250);
	CHECK_EQ(&t, c->id->capabilities, TAIHU_CARD_CAP_NOP | TAIHU_CARD_CAP_FILL |
					  TAIHU_CARD_CAP_COPY | TAIHU_CARD_CAP_MMU |
					  TAIHU_CARD_CAP_KERNEL);
	CHECK(&t, !strcmp(c->id->fw_version_str, "0.9.0"));
	CHECK_EQ(&t, cc_queue_enable(c, 2, RING_ADDR(2), COMPL_ADDR(2), RING_ENTRIES), -EINVAL);
	CHECK_EQ(&t, cc_queue_enable(c, 0, RING_ADDR(0), COMPL_ADDR(0), 128), -EINVAL);
	CHECK_EQ(&t, cc_queue_enable(c, 0, RING_ADDR(0), COMPL_ADDR(0), RING_ENTRIES), 0);

	cb_init(&cb);
	cb_timestamp(&cb, DATA_ADDR);
	CHECK(&t, run_job(c, 0, &cb, 0, &rec) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_INVALID_CMD);

	/* No semaphores or barriers in this firmware; the packets are unknown. */
	memset(c->vram + DATA_ADDR, 0, 8);
	cb_init(&cb);
	cb_nop(&cb, 8);
	cb_sem_signal(&cb, DATA_ADDR, 1, TAIHU_SEM_SET);
	CHECK(&t, run_job(c, 0, &cb, 0, &rec) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_INVALID_CMD);
	CHECK_EQ(&t, rec.error_offset, 8);
	CHECK_EQ(&t, c->vram[DATA_ADDR], 0);
	cb_init(&cb);
	cb_sem_wait(&cb, DATA_ADDR, 0, TAIHU_SEM_GEQUAL);
	CHECK(&t, run_job(c, 0, &cb, 0, &rec) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_INVALID_CMD);
	cb_init(&cb);
	cb_barrier(&cb);
	CHECK(&t, run_job(c, 0, &cb, 0, &rec) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_INVALID_CMD);

	cb_init(&cb);
	for (i = 0; i < 4096 / 8 + 1; i++)
		cb_nop(&cb, 8);
	CHECK(&t, run_job(c, 0, &cb, 0, &rec) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_INVALID_CMD);

	cb.len = 4096;
	CHECK(&t, run_job(c, 0, &cb, 0, &rec) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_SUCCESS);
	free(alt);
	tap_result(t.ok, "t1-alt firmware: 2 queues, no TIMESTAMP/SEM/BARRIER, 4 KiB streams, 64-entry rings");
}

static void test_reset_stops_queues(struct card_client *c, const uint8_t *img, size_t size)
{
	struct tap_check t = { true };
	struct taihu_completion rec;
	struct cmdbuf cb;
	int32_t status;

	CHECK_EQ(&t, cc_reset(c), 0);
	CHECK_EQ(&t, c->id->state, TAIHU_CARD_STATE_WAIT_FW);
	CHECK_EQ(&t, c->id->num_queues, 0);
	/* Reset queues are not served: a kick does nothing. */
	cb_init(&cb);
	cb_nop(&cb, 8);
	memcpy(c->vram + CMD_ADDR, cb.data, cb.len);
	cc_submit(c, 0, CMD_ADDR, cb.len, 0, ++c->seqno);
	CHECK(&t, cc_wait_queue(c, 0, 0, NULL, 300) != 0);
	CHECK_EQ(&t, cc_boot(c, img, size, FW_ADDR, (uint32_t)size), TAIHU_BOOT_OK);
	CHECK_EQ(&t, cc_queue_enable(c, 0, RING_ADDR(0), COMPL_ADDR(0), RING_ENTRIES), 0);
	CHECK(&t, run_job(c, 0, &cb, 0, &rec) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_SUCCESS);
	CHECK(&t, cc_mbox(c, TAIHU_MBOX_OP_NOP, NULL, 0, NULL, 0, &status, 5000) == 0);
	tap_result(t.ok, "RESET stops the queues; a re-boot serves them again");
}

static int inject(struct card_client *c, uint32_t fault, uint64_t arg)
{
	struct taihu_mbox_fault f = { .fault = fault, .count = 1, .arg = arg };
	int32_t status;

	if (cc_mbox(c, TAIHU_MBOX_OP_FAULT_INJECT, &f, sizeof(f), NULL, 0, &status, 5000))
		return -1000;
	return status;
}

/* Did the heartbeat stand still for all of @ms? */
static bool still(struct card_client *c, unsigned int ms)
{
	uint64_t hb = c->id->heartbeat;

	usleep(ms * 1000);
	return c->id->heartbeat == hb;
}

/*
 * Does the heartbeat move within 5 s? Polled, not one fixed window: on a
 * loaded machine the card's heartbeat thread may wait long for a CPU.
 */
static bool beating(struct card_client *c)
{
	uint64_t hb = c->id->heartbeat;
	int i;

	for (i = 0; i < 500 && c->id->heartbeat == hb; i++)
		usleep(10 * 1000);
	return c->id->heartbeat != hb;
}

static void test_faults(struct card_client *c, const uint8_t *img, size_t size)
{
	struct tap_check t = { true };
	struct taihu_completion rec;
	struct taihu_event ev;
	struct cmdbuf cb;
	bool crash_event = false;
	int32_t status;
	int i;

	cb_init(&cb);
	cb_nop(&cb, 8);
	CHECK_EQ(&t, cc_reset(c), 0);
	CHECK_EQ(&t, cc_boot(c, img, size, FW_ADDR, (uint32_t)size), TAIHU_BOOT_OK);
	CHECK_EQ(&t, c->id->max_cmd_len, 65536);
	CHECK_EQ(&t, c->id->max_ring_entries, 1024);
	CHECK_EQ(&t, cc_queue_enable(c, 0, RING_ADDR(0), COMPL_ADDR(0), RING_ENTRIES), 0);
	/* Bad arguments. */
	CHECK_EQ(&t, inject(c, TAIHU_FAULT_QUEUE_HANG, 4), -EINVAL);
	CHECK_EQ(&t, inject(c, TAIHU_FAULT_FW_CRASH, 7), -EINVAL);
	CHECK_EQ(&t, inject(c, TAIHU_FAULT_HEARTBEAT_STOP, 1), -EINVAL);
	CHECK_EQ(&t, inject(c, 99, 0), -EOPNOTSUPP);
	/* A corrupted completion names another seqno; the next one is right. */
	CHECK_EQ(&t, inject(c, TAIHU_FAULT_CORRUPT_COMPLETION, 0), 0);
	memcpy(c->vram + CMD_ADDR, cb.data, cb.len);
	cc_submit(c, 0, CMD_ADDR, cb.len, 0, ++c->seqno);
	CHECK(&t, cc_wait_queue(c, 0, (c->q[0].tail - 1) % RING_ENTRIES, &rec, 5000) == 0);
	CHECK(&t, rec.seqno != c->seqno);
	CHECK(&t, run_job(c, 0, &cb, 0, &rec) == 0);
	CHECK_EQ(&t, rec.seqno, c->seqno);
	/* A hung job ends ABORTED when its queue is disabled. */
	CHECK_EQ(&t, inject(c, TAIHU_FAULT_QUEUE_HANG, 0), 0);
	memcpy(c->vram + CMD_ADDR, cb.data, cb.len);
	cc_submit(c, 0, CMD_ADDR, cb.len, 0, ++c->seqno);
	CHECK(&t, cc_wait_queue(c, 0, (c->q[0].tail - 1) % RING_ENTRIES, NULL, 300) != 0);
	CHECK(&t, beating(c));
	CHECK_EQ(&t, cc_queue_disable(c, 0), 0);
	cc_completion(c, 0, (c->q[0].tail - 1) % RING_ENTRIES, &rec);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_ABORTED);
	/* The heartbeat stops, the mailbox goes on; RESET restarts it. */
	CHECK_EQ(&t, inject(c, TAIHU_FAULT_HEARTBEAT_STOP, 0), 0);
	CHECK(&t, still(c, 350));
	CHECK(&t, cc_mbox(c, TAIHU_MBOX_OP_NOP, NULL, 0, NULL, 0, &status, 5000) == 0);
	CHECK_EQ(&t, cc_reset(c), 0);
	CHECK(&t, beating(c));
	/* A hung firmware answers nothing and does not beat, then serves again. */
	/* Long enough that a loaded machine still checks inside the hang. */
	CHECK_EQ(&t, inject(c, TAIHU_FAULT_FW_HANG, 3000), 0);
	CHECK(&t, cc_mbox(c, TAIHU_MBOX_OP_NOP, NULL, 0, NULL, 0, &status, 300) != 0);
	CHECK(&t, still(c, 350));
	CHECK(&t, beating(c));
	/* The request posted during the hang was answered after it. */
	for (i = 0; i < 500 && c->mbox->rsp_seq != c->mbox->req_seq; i++)
		usleep(10 * 1000);
	CHECK_EQ(&t, c->mbox->rsp_seq, c->mbox->req_seq);
	/* A crash: ERROR with the code, an event, only RESET answered. */
	CHECK_EQ(&t, cc_boot(c, img, size, FW_ADDR, (uint32_t)size), TAIHU_BOOT_OK);
	CHECK_EQ(&t, inject(c, TAIHU_FAULT_FW_CRASH, 0x4242), 0);
	/* The crash follows the answer. */
	for (i = 0; i < 100 && c->id->state != TAIHU_CARD_STATE_ERROR; i++)
		usleep(10 * 1000);
	CHECK_EQ(&t, c->id->state, TAIHU_CARD_STATE_ERROR);
	CHECK_EQ(&t, c->id->error_code, 0x4242);
	while (cc_next_event(c, &ev))
		if (ev.type == TAIHU_EVENT_FW_ERROR && ev.data[0] == 0x4242)
			crash_event = true;
	CHECK(&t, crash_event);
	CHECK(&t, still(c, 350));
	CHECK(&t, cc_mbox(c, TAIHU_MBOX_OP_NOP, NULL, 0, NULL, 0, &status, 5000) == 0);
	CHECK_EQ(&t, status, -EIO);
	CHECK_EQ(&t, cc_reset(c), 0);
	CHECK_EQ(&t, c->id->state, TAIHU_CARD_STATE_WAIT_FW);
	CHECK(&t, beating(c));
	/*
	 * Hung for good, with a job hung on queue 0: the mailbox is gone, the
	 * reset line still resets the card; the job ends ABORTED and the
	 * request posted during the hang is never answered.
	 */
	CHECK_EQ(&t, cc_boot(c, img, size, FW_ADDR, (uint32_t)size), TAIHU_BOOT_OK);
	CHECK_EQ(&t, cc_queue_enable(c, 0, RING_ADDR(0), COMPL_ADDR(0), RING_ENTRIES), 0);
	CHECK_EQ(&t, inject(c, TAIHU_FAULT_QUEUE_HANG, 0), 0);
	memcpy(c->vram + CMD_ADDR, cb.data, cb.len);
	cc_submit(c, 0, CMD_ADDR, cb.len, 0, ++c->seqno);
	CHECK_EQ(&t, inject(c, TAIHU_FAULT_FW_HANG, 0), 0);
	CHECK(&t, cc_mbox(c, TAIHU_MBOX_OP_NOP, NULL, 0, NULL, 0, &status, 300) != 0);
	CHECK(&t, still(c, 350));
	CHECK_EQ(&t, cc_hw_reset(c, 5000), 0);
	CHECK_EQ(&t, c->id->state, TAIHU_CARD_STATE_WAIT_FW);
	cc_completion(c, 0, (c->q[0].tail - 1) % RING_ENTRIES, &rec);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_ABORTED);
	CHECK(&t, beating(c));
	CHECK(&t, c->mbox->rsp_seq != c->mbox->req_seq);
	CHECK(&t, cc_mbox(c, TAIHU_MBOX_OP_NOP, NULL, 0, NULL, 0, &status, 5000) == 0);
	CHECK_EQ(&t, status, 0);
	/* Any other value of the word is not a reset. */
	c->id->hw_reset = 1;
	cc_kick(c, TAIHU_VECTOR_CONTROL);
	CHECK(&t, cc_mbox(c, TAIHU_MBOX_OP_NOP, NULL, 0, NULL, 0, &status, 5000) == 0);
	CHECK_EQ(&t, c->id->hw_reset, 1);
	c->id->hw_reset = 0;
	/* The next boot fails, the one after works. */
	CHECK_EQ(&t, inject(c, TAIHU_FAULT_FAIL_BOOT, 0), 0);
	CHECK_EQ(&t, cc_boot(c, img, size, FW_ADDR, (uint32_t)size), TAIHU_BOOT_ERR_INJECTED);
	CHECK_EQ(&t, cc_reset(c), 0);
	CHECK_EQ(&t, cc_boot(c, img, size, FW_ADDR, (uint32_t)size), TAIHU_BOOT_OK);
	/* The next two boots fail, the third works; more than 16 is refused. */
	CHECK_EQ(&t, inject(c, TAIHU_FAULT_FAIL_BOOT, TAIHU_FAULT_FAIL_BOOT_MAX + 1), -EINVAL);
	CHECK_EQ(&t, inject(c, TAIHU_FAULT_FAIL_BOOT, 2), 0);
	for (i = 0; i < 2; i++) {
		CHECK_EQ(&t, cc_reset(c), 0);
		CHECK_EQ(&t, cc_boot(c, img, size, FW_ADDR, (uint32_t)size), TAIHU_BOOT_ERR_INJECTED);
	}
	CHECK_EQ(&t, cc_reset(c), 0);
	CHECK_EQ(&t, cc_boot(c, img, size, FW_ADDR, (uint32_t)size), TAIHU_BOOT_OK);
	tap_result(t.ok, "injected faults: corrupt completion, queue hang, heartbeat stop, firmware hang, crash, firmware hung for good and the reset line, boot failures");
}

/* The guest scribbles on BAR2: the identity comes back by itself, RESET rebuilds the rest. */
static void test_scribbled_bar2(struct card_client *c, const uint8_t *img, size_t size)
{
	struct tap_check t = { true };
	struct taihu_completion rec;
	struct cmdbuf cb;
	int i;

	uint32_t head0;

	CHECK_EQ(&t, cc_reset(c), 0);
	head0 = c->qdesc[0].head;
	memset(c->id, 0xa5, sizeof(*c->id));
	memset(c->qdesc, 0x5a, TAIHU_MAX_QUEUES * sizeof(*c->qdesc));
	c->events->tail = 12345;
	for (i = 0; i < 50 && c->id->signature != TAIHU_CARD_SIGNATURE; i++)
		usleep(20 * 1000);
	CHECK(&t, c->id->signature == TAIHU_CARD_SIGNATURE);
	CHECK_EQ(&t, c->id->if_major, TAIHU_CARD_IF_MAJOR);
	CHECK_EQ(&t, c->id->vram_offset, TAIHU_BAR2_VRAM_OFFSET);
	CHECK(&t, !strcmp(c->id->serial, "T1-TEST-42"));
	CHECK_EQ(&t, cc_reset(c), 0);
	CHECK_EQ(&t, c->id->state, TAIHU_CARD_STATE_WAIT_FW);
	CHECK_EQ(&t, c->qdesc[0].head, head0);
	CHECK_EQ(&t, c->qdesc[0].status, 0);
	CHECK_EQ(&t, c->events->tail, c->events->head);
	c->event_head = c->events->head;
	CHECK_EQ(&t, cc_boot(c, img, size, FW_ADDR, (uint32_t)size), TAIHU_BOOT_OK);
	CHECK_EQ(&t, cc_queue_enable(c, 0, RING_ADDR(0), COMPL_ADDR(0), RING_ENTRIES), 0);
	cb_init(&cb);
	cb_nop(&cb, 8);
	CHECK(&t, run_job(c, 0, &cb, 0, &rec) == 0);
	CHECK_EQ(&t, rec.status, TAIHU_STATUS_SUCCESS);
	tap_result(t.ok, "a scribbled ID page is rewritten by the card; RESET rebuilds the descriptors' card side and the event ring");
}

static void test_bus_drop(void)
{
	struct card_client_opts o = { .vram = "16M" };
	struct card_client c;
	int i, rc = -2;

	if (cc_start(&c, &o)) {
		cc_stop(&c);
		tap_result(false, "BUS_DROP: the card process exits after answering");
		return;
	}
	rc = inject(&c, TAIHU_FAULT_BUS_DROP, 0);
	/* By itself, while still connected (cc_alive() reaps it). */
	for (i = 0; i < 50 && cc_alive(&c); i++)
		usleep(100 * 1000);
	tap_result(rc == 0 && i < 50, "BUS_DROP: the card process exits after answering (status %d)",
		   rc);
	cc_stop(&c);
}

static void test_main_card(const uint8_t *img, size_t size)
{
	struct card_client_opts o = { .vram = "64M", .serial = "T1-TEST-42" };
	struct card_client c;
	int rc;

	if (!tap_result(cc_start(&c, &o) == 0, "start taihu-card and complete the ivshmem handshake")) {
		cc_stop(&c);
		return;
	}
	test_id_page(&c);
	test_heartbeat(&c);
	test_mailbox_basics(&c);
	test_bad_boots(&c, img, size);
	test_good_boot(&c, img, size);
	test_queue_enable(&c);
	test_nop(&c);
	test_fill(&c);
	test_copy(&c);
	test_timestamp_and_batch(&c);
	test_malformed(&c);
	test_ring_garbage(&c);
	test_entry_flags(&c);
	test_second_client(&c);
	test_reset_stops_queues(&c, img, size);
	test_faults(&c, img, size);
	test_scribbled_bar2(&c, img, size);
	test_alt_firmware(&c);
	rc = cc_stop(&c);
	tap_result(rc == 0, "card exits 0 when its client disconnects (status %d)", rc);
}

static void test_mute(void)
{
	struct card_client_opts o = { .mute = true };
	struct tap_check t = { true };
	struct card_client c;
	int32_t status;

	if (cc_start(&c, &o)) {
		cc_stop(&c);
		tap_result(false, "--mute card initialises BAR2 but never answers");
		return;
	}
	CHECK(&t, c.id->signature == TAIHU_CARD_SIGNATURE);
	CHECK_EQ(&t, c.id->state, TAIHU_CARD_STATE_WAIT_FW);
	CHECK_EQ(&t, c.id->vram_size, 64ULL << 20);
	CHECK(&t, !strncmp(c.id->serial, "T1-", 3));
	CHECK(&t, cc_mbox(&c, TAIHU_MBOX_OP_RESET, NULL, 0, NULL, 0, &status, 500) != 0);
	CHECK(&t, !cc_wait_irq(&c, TAIHU_VECTOR_CONTROL, 100));
	CHECK(&t, cc_alive(&c));
	CHECK_EQ(&t, cc_stop(&c), 0);
	tap_result(t.ok, "--mute card initialises BAR2 but never answers");
}

static void test_cli(void)
{
	const char *card = getenv("TAIHU_CARD");
	static const char *const bad[][8] = {
		{ "--bogus", NULL },
		{ "--guest-ram", "/tmp/x", "--ram-size", "1M", NULL },
		{ "--socket", "/tmp/s", "--ram-size", "1M", NULL },
		{ "--socket", "/tmp/s", "--guest-ram", "/tmp/x", NULL },
		{ "--socket", "/tmp/s", "--guest-ram", "/tmp/x", "--ram-size", "12Q", NULL },
		{ "--socket", "/tmp/s", "--guest-ram", "/tmp/x", "--ram-size", "1M", "--vram", "1000", },
		{ "--socket", "/tmp/s", "--guest-ram", "/tmp/x", "--ram-size", "1M", "extra", NULL },
		{ "--socket", NULL },
	};
	char *argv[12];
	size_t i, j;
	bool ok = true;
	int rc;

	if (!card) {
		tap_skip("command line errors exit 2", "TAIHU_CARD not set");
		return;
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		argv[0] = (char *)card;
		for (j = 0; j < 8 && bad[i][j]; j++)
			argv[j + 1] = (char *)bad[i][j];
		argv[j + 1] = NULL;
		rc = cc_run(argv, NULL);
		if (rc != 2) {
			tap_diag("case %zu (%s ...) exited %d, want 2", i, bad[i][0], rc);
			ok = false;
		}
	}
	tap_result(ok, "command line errors exit 2");

	argv[0] = (char *)card;
	argv[1] = "--help";
	argv[2] = NULL;
	tap_result(cc_run(argv, NULL) == 0, "--help exits 0");

	{
		char log[] = "/tmp/taihu-card-version-XXXXXX";
		size_t len = 0;
		uint8_t *out = NULL;
		int fd = mkstemp(log);

		if (fd >= 0)
			close(fd);
		argv[1] = "--version";
		rc = fd >= 0 ? cc_run(argv, log) : -1;
		if (!rc)
			out = cc_read_file(log, &len);
		if (out)
			out[len] = '\0';
		tap_result(rc == 0 && out && !strncmp((char *)out, "taihu-card ", 11) &&
			   strstr((char *)out, "card interface"),
			   "--version exits 0 naming the version and the card interface");
		free(out);
		if (fd >= 0)
			unlink(log);
	}
}

int main(void)
{
	size_t size = 0;
	uint8_t *img;

	tap_init("test_card");
	img = cc_read_fw_image("t1.bin", &size);
	if (!tap_result(img != NULL, "load the t1 firmware image"))
		return tap_finish();
	test_cli();
	test_main_card(img, size);
	test_mute();
	test_bus_drop();
	free(img);
	return tap_finish();
}
