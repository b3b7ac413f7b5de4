// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Writes the fuzzers' seed corpora: gen_seeds DIR creates DIR/fw_verify,
 * DIR/cmdstream, DIR/mmu and DIR/mailbox (the fwdesc seeds are the
 * committed .fw files). Seeds are well-formed inputs that reach deep: a
 * valid firmware image, page tables mapping VRAM and guest RAM, streams
 * using every packet type, a boot and a queue enable through the mailbox.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmdbuf.h"
#include "fuzz_input.h"
#include "fw_verify.h"

#define PAGE		TAIHU_MMU_PAGE_SIZE
#define HOST_BASE	TAIHU_DEVADDR_HOST_BASE

/* Seed page tables: root, level 1 and level 2 in VRAM pages 0..2. */
#define PT_ROOT		0x0000
#define PT_L1		0x1000
#define PT_L2		0x2000
#define STREAM_VRAM	0x3000
/* Virtual layout of context 1 (all in the first 2 MiB: one level-2 table). */
#define VA_VRAM		0x10000		/* -> VRAM pages 3..7, writable */
#define VA_HOST		0x20000		/* -> guest RAM pages 0..3, writable */
#define VA_RO		0x30000		/* -> VRAM page 4, read-only */
#define VA_PT		0x40000		/* -> the level-2 table itself, writable */

static const char *outdir;

static void write_seed(const char *sub, const char *name, const void *p, size_t n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", outdir, sub);
	if (mkdir(path, 0755) && errno != EEXIST) {
		perror(path);
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/%s/%s", outdir, sub, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f)) {
		perror(path);
		exit(1);
	}
}

/* ---- firmware images ---- */

static size_t make_image(uint8_t *img, size_t room, uint32_t nsec, uint32_t code_size)
{
	struct taihu_fw_config cfg = {
		.num_queues = 4, .heartbeat_period_ms = 100,
		.capabilities = TAIHU_FW_CFG_KNOWN_CAPS,
		.max_cmd_len = 4096, .max_ring_entries = 64,
	};
	struct taihu_fw_header hdr = {
		.magic = TAIHU_FW_MAGIC, .abi_major = TAIHU_FW_ABI_MAJOR,
		.abi_minor = TAIHU_FW_ABI_MINOR, .fw_version = TAIHU_FW_VERSION(1, 0, 0),
		.header_size = sizeof(hdr), .num_sections = nsec,
		.version_str = "1.0.0", .build = "fuzz seed",
	};
	struct taihu_fw_section sec;
	size_t off = sizeof(hdr) + nsec * sizeof(sec);
	uint32_t i;

	memset(img, 0, room);
	off = (off + 7) & ~(size_t)7;
	for (i = 0; i < nsec; i++) {
		memset(&sec, 0, sizeof(sec));
		sec.type = i == 0 ? TAIHU_FW_SECTION_CONFIG : TAIHU_FW_SECTION_CODE;
		sec.offset = (uint32_t)off;
		sec.size = i == 0 ? sizeof(cfg) : code_size;
		if (i == 0)
			memcpy(img + off, &cfg, sizeof(cfg));
		else
			memset(img + off, 0xc0 + (int)i, code_size);
		memcpy(img + sizeof(hdr) + i * sizeof(sec), &sec, sizeof(sec));
		off = (off + sec.size + 7) & ~(size_t)7;
	}
	hdr.image_size = (uint32_t)off;
	memcpy(img, &hdr, sizeof(hdr));
	taihu_fw_digest(img, off, img + offsetof(struct taihu_fw_header, digest));
	return off;
}

static void fw_verify_seeds(void)
{
	static uint8_t img[8192];
	size_t n;

	n = make_image(img, sizeof(img), 1, 0);
	write_seed("fw_verify", "config-only", img, n);
	n = make_image(img, sizeof(img), 2, 64);
	write_seed("fw_verify", "config-and-code", img, n);
	n = make_image(img, sizeof(img), TAIHU_FW_MAX_SECTIONS, 8);
	write_seed("fw_verify", "max-sections", img, n);
	n = make_image(img, sizeof(img), 2, 64);
	write_seed("fw_verify", "trailing-bytes", img, n + 24);
}

/* ---- page tables in a VRAM image ---- */

static void put64(uint8_t *vram, uint64_t off, uint64_t v)
{
	memcpy(vram + off, &v, sizeof(v));
}

static void seed_page_tables(uint8_t *vram)
{
	unsigned int i;

	put64(vram, PT_ROOT, PT_L1 | TAIHU_PTE_VALID);
	put64(vram, PT_L1, PT_L2 | TAIHU_PTE_VALID);
	for (i = 0; i < 5; i++)
		put64(vram, PT_L2 + 8 * ((VA_VRAM >> 12) + i),
		      (STREAM_VRAM + i * PAGE) | TAIHU_PTE_VALID | TAIHU_PTE_WRITE);
	for (i = 0; i < 4; i++)
		put64(vram, PT_L2 + 8 * ((VA_HOST >> 12) + i),
		      (i * PAGE) | TAIHU_PTE_VALID | TAIHU_PTE_WRITE | TAIHU_PTE_HOST);
	put64(vram, PT_L2 + 8 * (VA_RO >> 12), 0x4000 | TAIHU_PTE_VALID);
	put64(vram, PT_L2 + 8 * (VA_PT >> 12), PT_L2 | TAIHU_PTE_VALID | TAIHU_PTE_WRITE);
}

/* ---- command streams ---- */

static void job_seed(const char *name, uint32_t context, const struct cmdbuf *cb, bool with_host)
{
	static uint8_t buf[sizeof(struct fz_job) + FZ_VRAM_SIZE + FZ_HOST_SIZE];
	struct fz_job job = {
		.caps = TAIHU_FW_CFG_KNOWN_CAPS,
		.pt_root = PT_ROOT,
		.max_cmd_len = FZ_MAX_CMD_LEN,
		.entry = {
			.cmd_addr = context ? VA_VRAM : STREAM_VRAM,
			.cmd_len = cb->len,
			.context = context,
			.seqno = 1,
		},
	};
	uint8_t *vram = buf + sizeof(job);
	size_t n;

	memset(buf, 0, sizeof(buf));
	memcpy(buf, &job, sizeof(job));
	seed_page_tables(vram);
	memcpy(vram + STREAM_VRAM, cb->data, cb->len);
	if (with_host) {
		memset(vram + FZ_VRAM_SIZE, 0x11, FZ_HOST_SIZE);
		n = sizeof(buf);
	} else {
		n = sizeof(job) + STREAM_VRAM + cb->len;
	}
	write_seed("cmdstream", name, buf, n);
}

/* Valid KERNEL packets over small tensors in VRAM (context 0) and host pages (context 1). */
static void kernel_seeds(void)
{
	struct taihu_tensor_desc t[4];
	struct cmdbuf cb;
	unsigned int ctx;

	for (ctx = 0; ctx < 2; ctx++) {
		uint64_t v = ctx ? VA_VRAM : STREAM_VRAM, h = ctx ? VA_HOST : HOST_BASE;
		const uint32_t sa[2] = { 4, 8 }, sb[2] = { 8, 5 }, sy[2] = { 4, 5 }, sc[1] = { 5 };
		struct taihu_gemm_params gp = { .alpha = 1.0f, .beta = 1.0f,
						.act = { .op = TAIHU_ACT_RELU } };
		char name[64];

		cb_init(&cb);
		cb_desc(&t[0], v + 0x1000, TAIHU_DTYPE_FP32, 2, sa);
		cb_desc(&t[1], h + 0x100, TAIHU_DTYPE_FP32, 2, sb);
		cb_desc(&t[2], v + 0x1800, TAIHU_DTYPE_FP32, 1, sc);
		cb_desc(&t[3], v + 0x2000, TAIHU_DTYPE_FP32, 2, sy);
		cb_kernel(&cb, TAIHU_KERNEL_GEMM, &gp, sizeof(gp), t, 3, 1);
		t[0].dtype = t[1].dtype = TAIHU_DTYPE_INT8;
		t[0].quant = t[1].quant = TAIHU_QUANT_TENSOR;
		t[0].scale = t[1].scale = 0.5f;
		t[2].dtype = TAIHU_DTYPE_INT32;
		t[3].dtype = TAIHU_DTYPE_UINT8;
		t[3].quant = TAIHU_QUANT_TENSOR;
		t[3].scale = 0.25f;
		t[3].zero_point = 3;
		cb_kernel(&cb, TAIHU_KERNEL_GEMM, &gp, sizeof(gp), t, 3, 1);
		snprintf(name, sizeof(name), "kernels-ctx%u", ctx);
		job_seed(name, ctx, &cb, true);
	}
}

static void cmdstream_seeds(void)
{
	struct cmdbuf cb;
	unsigned int ctx;

	for (ctx = 0; ctx < 2; ctx++) {
		uint64_t v = ctx ? VA_VRAM : STREAM_VRAM;	/* the stream's own page */
		uint64_t h = ctx ? VA_HOST : HOST_BASE;
		char name[64];

		cb_init(&cb);
		cb_nop(&cb, 8);
		cb_fill(&cb, v + 0x1000, 0x2000, 0xdeadbeef);
		cb_fill(&cb, v + 0x1003, 13, 0x01020304);
		cb_copy(&cb, v + 0x1000, v + 0x1800, 0x1000);	/* overlapping, forward */
		cb_copy(&cb, v + 0x1800, v + 0x1000, 0x1000);	/* overlapping, backward */
		cb_copy(&cb, v + 0x1000, v + 0x1010, 0x2ff0);
		cb_timestamp(&cb, v + 0x3ff8);
		cb_barrier(&cb);
		snprintf(name, sizeof(name), "vram-ctx%u", ctx);
		job_seed(name, ctx, &cb, false);

		cb_init(&cb);
		cb_fill(&cb, h, 0x3000, 0x55aa55aa);
		cb_copy(&cb, h + 8, v + 0x1000, 0x2000);
		cb_copy(&cb, v + 0x1000, h + 0x100, 0x2000);
		cb_timestamp(&cb, h + 0x10);
		snprintf(name, sizeof(name), "host-ctx%u", ctx);
		job_seed(name, ctx, &cb, true);

		cb_init(&cb);
		cb_sem_signal(&cb, v + 0x1000, 5, TAIHU_SEM_SET);
		cb_sem_signal(&cb, v + 0x1000, 2, TAIHU_SEM_ADD);
		cb_sem_wait(&cb, v + 0x1000, 7, TAIHU_SEM_EQUAL);
		cb_sem_wait(&cb, v + 0x1000, 3, TAIHU_SEM_GEQUAL);
		cb_sem_wait(&cb, v + 0x1008, 1, TAIHU_SEM_GEQUAL);	/* stalls: aborted */
		snprintf(name, sizeof(name), "sem-ctx%u", ctx);
		job_seed(name, ctx, &cb, false);

		cb_init(&cb);
		cb_fill(&cb, v + 0x1000, 0x10000, 1);			/* runs off the end */
		snprintf(name, sizeof(name), "fault-ctx%u", ctx);
		job_seed(name, ctx, &cb, false);
	}
	kernel_seeds();
	/* Context 1 only: a read-only page, and a job rewriting its page table. */
	cb_init(&cb);
	cb_copy(&cb, VA_RO, VA_VRAM + 0x2000, 0x100);
	cb_fill(&cb, VA_RO, 8, 0);
	job_seed("readonly-ctx1", 1, &cb, false);
	cb_init(&cb);
	cb_fill(&cb, VA_PT + 8 * (VA_VRAM >> 12) + 8, 8, 0);
	cb_fill(&cb, VA_VRAM + 0x1000, 0x3000, 2);
	job_seed("self-unmap-ctx1", 1, &cb, false);
}

/* ---- MMU walks ---- */

static void mmu_seeds(void)
{
	static uint8_t buf[sizeof(struct fz_mmu_hdr) + FZ_MMU_MAX_OPS * sizeof(struct fz_mmu_op) +
			   FZ_VRAM_SIZE];
	struct fz_mmu_hdr hdr = { .root = { PT_ROOT, PT_L1, 0x5000 } };
	struct fz_mmu_op ops[64];
	unsigned int n = 0, i;
	uint64_t vas[] = { VA_VRAM, VA_VRAM + 0x1fff, VA_HOST + 0x3ff8, VA_RO, VA_PT + 8,
			   0x7fffffffffULL, 1ULL << 39, 0x200000 };

	memset(buf, 0, sizeof(buf));
	for (i = 0; i < sizeof(vas) / sizeof(vas[0]); i++) {
		ops[n++] = (struct fz_mmu_op){ .kind = FZ_MMU_TRANSLATE, .ctx = 1, .arg64 = vas[i] };
		ops[n++] = (struct fz_mmu_op){ .kind = FZ_MMU_TRANSLATE2, .ctx = 1, .access = 1,
					       .arg64 = vas[i] };
	}
	/* Remap a page without invalidating, then invalidate and look again. */
	ops[n++] = (struct fz_mmu_op){ .kind = FZ_MMU_WRITE, .arg32 = PT_L2 + 8 * (VA_VRAM >> 12),
				       .arg64 = 0x7000 | TAIHU_PTE_VALID };
	ops[n++] = (struct fz_mmu_op){ .kind = FZ_MMU_TRANSLATE, .ctx = 1, .arg64 = VA_VRAM };
	ops[n++] = (struct fz_mmu_op){ .kind = FZ_MMU_INVALIDATE, .ctx = 1, .arg64 = VA_VRAM,
				       .arg32 = PAGE };
	ops[n++] = (struct fz_mmu_op){ .kind = FZ_MMU_TRANSLATE, .ctx = 1, .arg64 = VA_VRAM };
	ops[n++] = (struct fz_mmu_op){ .kind = FZ_MMU_DESTROY, .ctx = 2 };
	ops[n++] = (struct fz_mmu_op){ .kind = FZ_MMU_CREATE, .ctx = 4, .arg64 = PT_ROOT };
	ops[n++] = (struct fz_mmu_op){ .kind = FZ_MMU_TRANSLATE, .ctx = 4, .arg64 = VA_HOST };
	ops[n++] = (struct fz_mmu_op){ .kind = FZ_MMU_TRANSLATE, .ctx = 3, .arg64 = 0 };
	hdr.num_ops = n;
	memcpy(buf, &hdr, sizeof(hdr));
	memcpy(buf + sizeof(hdr), ops, n * sizeof(ops[0]));
	seed_page_tables(buf + sizeof(hdr) + n * sizeof(ops[0]));
	write_seed("mmu", "tables-and-walks", buf, sizeof(hdr) + n * sizeof(ops[0]) + 0x3000);
}

/* ---- mailbox ---- */

struct mb_seed {
	uint8_t buf[16384];
	size_t n;
};

static void mb_put(struct mb_seed *s, const void *p, size_t n)
{
	if (n)
		memcpy(s->buf + s->n, p, n);
	s->n += n;
}

static void mb_request(struct mb_seed *s, uint32_t op, const void *payload, uint8_t len)
{
	struct fz_mb_request r = { .op = op, .len = len, .payload_len = len };
	uint8_t kind = FZ_MB_REQUEST;

	mb_put(s, &kind, 1);
	mb_put(s, &r, sizeof(r));
	mb_put(s, payload, len);
}

static void mb_vram(struct mb_seed *s, uint32_t off, const void *p, uint16_t len)
{
	struct fz_mb_vram v = { .offset = off, .len = len };
	uint8_t kind = FZ_MB_VRAM;

	mb_put(s, &kind, 1);
	mb_put(s, &v, sizeof(v));
	mb_put(s, p, len);
}

static void mailbox_seeds(void)
{
	static struct mb_seed s;
	static uint8_t img[4096];
	struct taihu_mbox_boot boot = { .image_addr = 0x4000 };
	struct taihu_mbox_queue q = { .queue = 1 };
	struct taihu_mbox_ping ping = { .cookie = 42 };
	struct taihu_mbox_ctx ctx = { .context = 1, .pt_root = 0x1000 };
	struct taihu_mbox_tlb tlb = { .context = 1, .va = 0x10000, .size = PAGE };
	struct taihu_queue_desc d = { .ring_addr = 0x2000, .compl_addr = 0x3000,
				      .ring_entries = 16 };
	struct taihu_mbox_power_cap cap = { .power_cap_uw = 50000000 };
	struct taihu_mbox_fault fault = { .fault = TAIHU_FAULT_ECC_CORRECTED, .count = 2 };
	uint8_t kind, qi = 1;
	uint32_t head = 3;

	boot.image_size = (uint32_t)make_image(img, sizeof(img), 2, 64);
	s.n = 0;
	mb_request(&s, TAIHU_MBOX_OP_NOP, NULL, 0);
	mb_request(&s, TAIHU_MBOX_OP_PING, &ping, sizeof(ping));
	mb_request(&s, TAIHU_MBOX_OP_QUEUE_ENABLE, &q, sizeof(q));	/* before boot: EIO */
	mb_vram(&s, 0x4000, img, (uint16_t)boot.image_size);
	mb_request(&s, TAIHU_MBOX_OP_BOOT, &boot, sizeof(boot));
	mb_request(&s, TAIHU_MBOX_OP_BOOT, &boot, sizeof(boot));	/* EBUSY */
	kind = FZ_MB_QDESC;
	mb_put(&s, &kind, 1);
	mb_put(&s, &qi, 1);
	mb_put(&s, &d, sizeof(d));
	mb_request(&s, TAIHU_MBOX_OP_QUEUE_ENABLE, &q, sizeof(q));
	mb_request(&s, TAIHU_MBOX_OP_QUEUE_DISABLE, &q, sizeof(q));
	mb_request(&s, TAIHU_MBOX_OP_CTX_CREATE, &ctx, sizeof(ctx));
	mb_request(&s, TAIHU_MBOX_OP_TLB_INVALIDATE, &tlb, sizeof(tlb));
	ctx.pt_root = 0;
	mb_request(&s, TAIHU_MBOX_OP_CTX_DESTROY, &ctx, sizeof(ctx));
	kind = FZ_MB_EVENT_HEAD;
	mb_put(&s, &kind, 1);
	mb_put(&s, &head, sizeof(head));
	mb_request(&s, 77, NULL, 0);
	mb_request(&s, TAIHU_MBOX_OP_SET_POWER_CAP, &cap, sizeof(cap));
	mb_request(&s, TAIHU_MBOX_OP_FAULT_INJECT, &fault, sizeof(fault));
	mb_request(&s, TAIHU_MBOX_OP_RESET, NULL, 0);
	mb_request(&s, TAIHU_MBOX_OP_BOOT, &boot, sizeof(boot));
	write_seed("mailbox", "boot-queues-contexts", s.buf, s.n);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gen_seeds DIR\n");
		return 2;
	}
	outdir = argv[1];
	if (mkdir(outdir, 0755) && errno != EEXIST) {
		perror(outdir);
		return 1;
	}
	fw_verify_seeds();
	cmdstream_seeds();
	mmu_seeds();
	mailbox_seeds();
	return 0;
}
