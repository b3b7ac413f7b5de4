// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Command stream executor. The whole stream is copied into a private buffer
 * first, so every packet is validated and used from memory the guest cannot
 * change underneath. Packets whose capability the firmware does not enable
 * are INVALID_CMD, like unknown opcodes.
 */
#include <string.h>

#include "clock.h"
#include "cmdstream.h"
#include "dma.h"

struct exec {
	struct card *card;
	uint32_t context;
	struct taihu_completion *compl;
};

static int invalid(struct exec *x, uint32_t offset)
{
	x->compl->status = TAIHU_STATUS_INVALID_CMD;
	x->compl->error_offset = offset;
	return -1;
}

static uint8_t *resolve(struct exec *x, uint32_t offset, uint64_t addr, uint64_t len)
{
	uint64_t bad;
	uint8_t *p = dma_resolve(x->card, x->context, addr, len, &bad);

	if (!p) {
		x->compl->status = TAIHU_STATUS_DMA_ERROR;
		x->compl->error_offset = offset;
		x->compl->error_addr = bad;
	}
	return p;
}

static void fill_pattern(uint8_t *dst, uint64_t size, uint32_t value)
{
	uint8_t pat[4];
	uint64_t done;

	memcpy(pat, &value, sizeof(pat));
	for (done = 0; done < size && done < 4096; done++)
		dst[done] = pat[done % 4];
	/* Double the filled prefix; it stays a whole number of patterns. */
	while (done < size) {
		uint64_t n = size - done < done ? size - done : done;

		memcpy(dst + done, dst, n);
		done += n;
	}
}

static int exec_fill(struct exec *x, uint32_t off, const uint8_t *pkt)
{
	struct taihu_pkt_fill f;
	uint8_t *dst;

	memcpy(&f, pkt, sizeof(f));
	if (f.reserved)
		return invalid(x, off);
	dst = resolve(x, off, f.dst, f.size);
	if (!dst)
		return -1;
	fill_pattern(dst, f.size, f.value);
	return 0;
}

static int exec_copy(struct exec *x, uint32_t off, const uint8_t *pkt)
{
	struct taihu_pkt_copy c;
	uint8_t *src, *dst;

	memcpy(&c, pkt, sizeof(c));
	src = resolve(x, off, c.src, c.size);
	if (!src)
		return -1;
	dst = resolve(x, off, c.dst, c.size);
	if (!dst)
		return -1;
	memmove(dst, src, c.size);
	return 0;
}

static int exec_timestamp(struct exec *x, uint32_t off, const uint8_t *pkt)
{
	struct taihu_pkt_timestamp t;
	uint64_t now;
	uint8_t *dst;

	memcpy(&t, pkt, sizeof(t));
	if (t.dst % 8)
		return invalid(x, off);
	dst = resolve(x, off, t.dst, sizeof(now));
	if (!dst)
		return -1;
	now = card_clock_ns();
	memcpy(dst, &now, sizeof(now));
	return 0;
}

/* Per opcode: the capability that enables it and its exact size (0: any). */
static const struct {
	uint64_t cap;
	uint16_t size;
	int (*run)(struct exec *x, uint32_t off, const uint8_t *pkt);
} packet_types[] = {
	[TAIHU_PKT_NOP] = { TAIHU_CARD_CAP_NOP, 0, NULL },
	[TAIHU_PKT_FILL] = { TAIHU_CARD_CAP_FILL, sizeof(struct taihu_pkt_fill), exec_fill },
	[TAIHU_PKT_COPY] = { TAIHU_CARD_CAP_COPY, sizeof(struct taihu_pkt_copy), exec_copy },
	[TAIHU_PKT_TIMESTAMP] = { TAIHU_CARD_CAP_TIMESTAMP,
				  sizeof(struct taihu_pkt_timestamp), exec_timestamp },
};

void cmdstream_execute(struct card *card, const struct taihu_ring_entry *entry,
		       uint8_t *buf, struct taihu_completion *compl)
{
	struct exec x = { .card = card, .context = entry->context, .compl = compl };
	uint32_t len = entry->cmd_len;
	uint32_t off = 0;
	const uint8_t *src;

	compl->status = TAIHU_STATUS_SUCCESS;
	if (entry->flags || entry->reserved || len == 0 || len % 8 ||
	    len > card->cfg.max_cmd_len) {
		invalid(&x, 0);
		return;
	}
	src = resolve(&x, 0, entry->cmd_addr, len);
	if (!src)
		return;
	memcpy(buf, src, len);

	while (off < len) {
		struct taihu_pkt_header hdr;

		memcpy(&hdr, buf + off, sizeof(hdr));
		if (hdr.flags || hdr.reserved || hdr.size < sizeof(hdr) || hdr.size % 8 ||
		    hdr.size > len - off ||
		    hdr.opcode >= sizeof(packet_types) / sizeof(packet_types[0]) ||
		    !(card->cfg.capabilities & packet_types[hdr.opcode].cap) ||
		    (packet_types[hdr.opcode].size && hdr.size != packet_types[hdr.opcode].size)) {
			invalid(&x, off);
			return;
		}
		if (packet_types[hdr.opcode].run &&
		    packet_types[hdr.opcode].run(&x, off, buf + off))
			return;
		off += hdr.size;
	}
}
