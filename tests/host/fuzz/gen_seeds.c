// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Writes the fuzzers' seed corpora: gen_seeds DIR creates DIR/fw_verify,
 * DIR/cmdstream, DIR/kcheck, DIR/mmu and DIR/mailbox (the fwdesc seeds are
 * the committed .fw files). Seeds are well-formed inputs that reach deep: a
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
#include "kcheck.h"

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

/* Tensors of the family seeds: one after the other from @base, 64-byte aligned. */
struct tensors {
	struct taihu_tensor_desc t[TAIHU_KERNEL_MAX_TENSORS];
	uint64_t next;
};

static struct taihu_tensor_desc *tensor(struct tensors *ts, unsigned int i, uint8_t dtype,
					uint8_t rank, const uint32_t *shape)
{
	uint64_t n = tk_dtype_size(dtype);
	unsigned int r;

	for (r = 0; r < rank; r++)
		n *= shape[r];
	cb_desc(&ts->t[i], ts->next, dtype, rank, shape);
	ts->next += (n + 63) & ~63ULL;
	return &ts->t[i];
}

static void quant(struct taihu_tensor_desc *d, float scale, int32_t zp)
{
	d->quant = TAIHU_QUANT_TENSOR;
	d->scale = scale;
	d->zero_point = zp;
}

/*
 * One KERNEL packet as a job (cmdstream/) and, for context 0, as the bare
 * packet (kcheck/). Every seed must pass tk_parse(): a refused one is a
 * bug here.
 */
static void family_seed(const char *name, uint32_t ctx, uint16_t kernel, const void *params,
			uint16_t psize, struct tensors *ts, uint8_t nin, uint8_t nout)
{
	struct tk_packet pkt;
	struct tk_error err;
	struct cmdbuf cb;
	char seed[64];

	cb_init(&cb);
	cb_kernel(&cb, kernel, params, psize, ts->t, nin, nout);
	if (tk_parse(cb.data, cb.len, &pkt, &err)) {
		fprintf(stderr, "gen_seeds: the %s seed is refused: %s\n", name, err.msg);
		exit(1);
	}
	snprintf(seed, sizeof(seed), "kernel-%s-ctx%u", name, ctx);
	job_seed(seed, ctx, &cb, true);
	if (!ctx)
		write_seed("kcheck", name, cb.data, cb.len);
}

/* A valid packet of every kernel family over small tensors in VRAM. */
static void family_seeds(void)
{
	unsigned int ctx;

	for (ctx = 0; ctx < 2; ctx++) {
		const uint64_t v = (ctx ? VA_VRAM : STREAM_VRAM) + 0x1000;
		struct tensors ts;

		{	/* GEMM: batched, B transposed, per-channel int8 B, INT32 bias */
			const uint32_t sa[3] = { 2, 3, 8 }, sb[2] = { 5, 8 }, sc[1] = { 5 };
			const uint32_t sy[3] = { 2, 3, 5 };
			struct taihu_gemm_params p = { .flags = TAIHU_GEMM_TRANS_B, .alpha = 1.0f,
						       .beta = 1.0f };
			struct taihu_tensor_desc *b;

			ts.next = v;
			quant(tensor(&ts, 0, TAIHU_DTYPE_INT8, 3, sa), 0.1f, -2);
			b = tensor(&ts, 1, TAIHU_DTYPE_INT8, 2, sb);
			b->quant = TAIHU_QUANT_CHANNEL;
			b->quant_axis = 0;
			b->scale_addr = ts.next;
			ts.next += 64;
			tensor(&ts, 2, TAIHU_DTYPE_INT32, 1, sc);
			tensor(&ts, 3, TAIHU_DTYPE_FP32, 3, sy);
			family_seed("gemm", ctx, TAIHU_KERNEL_GEMM, &p, sizeof(p), &ts, 3, 1);
		}
		{	/* CONV2D, int8 with an INT32 bias: 3x3, padding 1, 2 groups */
			const uint32_t sx[4] = { 1, 4, 5, 5 }, sw[4] = { 6, 2, 3, 3 }, sb[1] = { 6 };
			const uint32_t sy[4] = { 1, 6, 5, 5 };
			struct taihu_conv2d_params p = { .stride = { 1, 1 }, .dilation = { 1, 1 },
							 .pad_begin = { 1, 1 }, .pad_end = { 1, 1 },
							 .groups = 2, .act = { .op = TAIHU_ACT_RELU } };

			ts.next = v;
			quant(tensor(&ts, 0, TAIHU_DTYPE_UINT8, 4, sx), 0.1f, 7);
			quant(tensor(&ts, 1, TAIHU_DTYPE_INT8, 4, sw), 0.05f, 0);
			tensor(&ts, 2, TAIHU_DTYPE_INT32, 1, sb);
			quant(tensor(&ts, 3, TAIHU_DTYPE_INT8, 4, sy), 0.2f, -1);
			family_seed("conv2d", ctx, TAIHU_KERNEL_CONV2D, &p, sizeof(p), &ts, 3, 1);
		}
		{	/* POOL2D: average 2x2, stride 2, padding counted */
			const uint32_t sx[4] = { 1, 2, 5, 5 }, sy[4] = { 1, 2, 3, 3 };
			struct taihu_pool2d_params p = { .op = TAIHU_POOL_AVG, .kernel = { 2, 2 },
							 .stride = { 2, 2 }, .dilation = { 1, 1 },
							 .pad_end = { 1, 1 } };

			ts.next = v;
			tensor(&ts, 0, TAIHU_DTYPE_FP32, 4, sx);
			tensor(&ts, 1, TAIHU_DTYPE_FP32, 4, sy);
			family_seed("pool2d", ctx, TAIHU_KERNEL_POOL2D, &p, sizeof(p), &ts, 1, 1);
		}
		{	/* BINARY: [2, 3] * [3] broadcast, bf16 */
			const uint32_t sa[2] = { 2, 3 }, sb[1] = { 3 };
			struct taihu_binary_params p = { .op = TAIHU_BINARY_MUL };

			ts.next = v;
			tensor(&ts, 0, TAIHU_DTYPE_BF16, 2, sa);
			tensor(&ts, 1, TAIHU_DTYPE_BF16, 1, sb);
			tensor(&ts, 2, TAIHU_DTYPE_BF16, 2, sa);
			family_seed("binary", ctx, TAIHU_KERNEL_BINARY, &p, sizeof(p), &ts, 2, 1);
		}
		{	/* UNARY: GELU (tanh form), fp16 */
			const uint32_t sx[3] = { 2, 3, 4 };
			struct taihu_unary_params p = { .act = { .op = TAIHU_ACT_GELU_TANH } };

			ts.next = v;
			tensor(&ts, 0, TAIHU_DTYPE_FP16, 3, sx);
			tensor(&ts, 1, TAIHU_DTYPE_FP16, 3, sx);
			family_seed("unary", ctx, TAIHU_KERNEL_UNARY, &p, sizeof(p), &ts, 1, 1);
		}
		{	/* SOFTMAX and LOG_SOFTMAX over axis 1 */
			const uint32_t sx[3] = { 2, 5, 3 };
			struct taihu_softmax_params p = { .axis = 1 };

			ts.next = v;
			tensor(&ts, 0, TAIHU_DTYPE_FP32, 3, sx);
			tensor(&ts, 1, TAIHU_DTYPE_FP32, 3, sx);
			family_seed("softmax", ctx, TAIHU_KERNEL_SOFTMAX, &p, sizeof(p), &ts, 1, 1);
			p.axis = -1;
			family_seed("log_softmax", ctx, TAIHU_KERNEL_LOG_SOFTMAX, &p, sizeof(p), &ts, 1,
				    1);
		}
		{	/* LAYERNORM (gamma, beta) and RMSNORM (gamma) over the last axis */
			const uint32_t sx[2] = { 3, 8 }, sg[1] = { 8 };
			struct taihu_norm_params p = { .axis = -1, .epsilon = 1e-5f };

			ts.next = v;
			tensor(&ts, 0, TAIHU_DTYPE_FP32, 2, sx);
			tensor(&ts, 1, TAIHU_DTYPE_FP32, 1, sg);
			tensor(&ts, 2, TAIHU_DTYPE_FP32, 1, sg);
			tensor(&ts, 3, TAIHU_DTYPE_FP32, 2, sx);
			family_seed("layernorm", ctx, TAIHU_KERNEL_LAYERNORM, &p, sizeof(p), &ts, 3, 1);
			ts.t[2] = ts.t[3];
			family_seed("rmsnorm", ctx, TAIHU_KERNEL_RMSNORM, &p, sizeof(p), &ts, 2, 1);
		}
		{	/* BATCHNORM: [1, 3, 2, 2], four [3] operands, ReLU */
			const uint32_t sx[4] = { 1, 3, 2, 2 }, sc[1] = { 3 };
			struct taihu_batchnorm_params p = { .epsilon = 1e-5f,
							    .act = { .op = TAIHU_ACT_RELU } };
			unsigned int i;

			ts.next = v;
			tensor(&ts, 0, TAIHU_DTYPE_FP32, 4, sx);
			for (i = 1; i <= 4; i++)
				tensor(&ts, i, TAIHU_DTYPE_FP32, 1, sc);
			tensor(&ts, 5, TAIHU_DTYPE_FP32, 4, sx);
			family_seed("batchnorm", ctx, TAIHU_KERNEL_BATCHNORM, &p, sizeof(p), &ts, 5, 1);
		}
		{	/* REDUCE: mean over axes 0 and 2, kept as 1 */
			const uint32_t sx[3] = { 2, 3, 4 }, sy[3] = { 1, 3, 1 };
			struct taihu_reduce_params p = { .op = TAIHU_REDUCE_MEAN, .axes = 5 };

			ts.next = v;
			tensor(&ts, 0, TAIHU_DTYPE_FP32, 3, sx);
			tensor(&ts, 1, TAIHU_DTYPE_FP32, 3, sy);
			family_seed("reduce", ctx, TAIHU_KERNEL_REDUCE, &p, sizeof(p), &ts, 1, 1);
		}
		{	/* TRANSPOSE: [2, 3, 4] -> [4, 2, 3], int32 */
			const uint32_t sx[3] = { 2, 3, 4 }, sy[3] = { 4, 2, 3 };
			struct taihu_transpose_params p = { .perm = { 2, 0, 1 } };

			ts.next = v;
			tensor(&ts, 0, TAIHU_DTYPE_INT32, 3, sx);
			tensor(&ts, 1, TAIHU_DTYPE_INT32, 3, sy);
			family_seed("transpose", ctx, TAIHU_KERNEL_TRANSPOSE, &p, sizeof(p), &ts, 1, 1);
		}
		{	/* CAST: fp32 quantised to uint8 */
			const uint32_t sx[2] = { 4, 6 };
			struct taihu_cast_params p = { 0 };

			ts.next = v;
			tensor(&ts, 0, TAIHU_DTYPE_FP32, 2, sx);
			quant(tensor(&ts, 1, TAIHU_DTYPE_UINT8, 2, sx), 0.03f, 128);
			family_seed("cast", ctx, TAIHU_KERNEL_CAST, &p, sizeof(p), &ts, 1, 1);
		}
		{	/* ATTENTION: 4 query heads over 2 K/V heads, a mask, causal */
			const uint32_t sq[4] = { 1, 4, 3, 8 }, skv[4] = { 1, 2, 5, 8 };
			const uint32_t sm[2] = { 3, 5 };
			struct taihu_attention_params p = { .flags = TAIHU_ATTENTION_CAUSAL };

			ts.next = v;
			tensor(&ts, 0, TAIHU_DTYPE_FP32, 4, sq);
			tensor(&ts, 1, TAIHU_DTYPE_FP32, 4, skv);
			tensor(&ts, 2, TAIHU_DTYPE_FP32, 4, skv);
			tensor(&ts, 3, TAIHU_DTYPE_FP32, 2, sm);
			tensor(&ts, 4, TAIHU_DTYPE_FP32, 4, sq);
			family_seed("attention", ctx, TAIHU_KERNEL_ATTENTION, &p, sizeof(p), &ts, 4, 1);
		}
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
	family_seeds();
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
