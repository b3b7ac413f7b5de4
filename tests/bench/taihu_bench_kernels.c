// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * taihu_bench_kernels: inference kernels through the real ioctl path —
 * GEMM in fp32, bf16 and int8 (int8 x int8 -> int32) at 128^3, 1024^3 and
 * 2048^3, and a ResNet-style CONV2D (1x64x56x56, 3x3, 64 out, padding 1)
 * when the firmware enables it — on tensors in VRAM. For each: the device
 * time from the card's own timestamps (job start to end, as WAIT reports
 * it), as a ratio to the same oneDNN operation run directly by the card
 * process in the same run (debugfs card_kernel_bench: >= 1 means the card
 * path is as fast as the host library), and the end-to-end efficiency
 * (device time / submit-to-wait wall time seen here). One result element
 * per case is checked, so the lines are TAP: "ok" means the kernel ran and
 * computed right, never that it was fast enough.
 *
 * usage: taihu_bench_kernels [--quick] [--iterations N] [--device N]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_util.h"

#define JOB_TIMEOUT_NS	(120LL * 1000000000LL)
#define MAX_ITERS	50

struct bcase {
	uint32_t kernel, dtype;
	uint32_t dims[8];	/* GEMM: M N K; CONV2D: N C H W OC KH KW pad */
};

struct result {
	double dev_ns, wall_ns, ref_ns;	/* medians */
	bool have_ref;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double flops(const struct bcase *c)
{
	const uint32_t *d = c->dims;

	if (c->kernel == TAIHU_KERNEL_GEMM)
		return 2.0 * d[0] * d[1] * d[2];
	/* 2 N OC OH OW C KH KW */
	return 2.0 * d[0] * d[4] * (d[2] + 2 * d[7] - d[5] + 1) * (d[3] + 2 * d[7] - d[6] + 1) *
	       d[1] * d[5] * d[6];
}

static const char *case_name(const struct bcase *c, char *buf, size_t len)
{
	if (c->kernel == TAIHU_KERNEL_GEMM)
		snprintf(buf, len, "gemm %s %ux%ux%u", taihu_dtype_name(c->dtype), c->dims[0],
			 c->dims[1], c->dims[2]);
	else
		snprintf(buf, len, "conv2d %s %ux%ux%ux%u k%ux%u oc%u", taihu_dtype_name(c->dtype),
			 c->dims[0], c->dims[1], c->dims[2], c->dims[3], c->dims[5], c->dims[6],
			 c->dims[4]);
	return buf;
}

/* The in-card oneDNN time of @c: write the request to debugfs, read "ns <median>". */
static int card_reference(const struct taihu_device_desc *desc, const struct bcase *c,
			  unsigned int iters, double *ns)
{
	char path[128], req[160], rsp[64];
	unsigned long long v;
	ssize_t n;
	int fd, len;

	bench_debugfs_path(desc, "card_kernel_bench", path, sizeof(path));
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		printf("# cannot open %s: %s\n", path, strerror(errno));
		return -errno;
	}
	len = snprintf(req, sizeof(req), "%u %u %u %u %u %u %u %u %u %u %u", c->kernel, c->dtype,
		       c->dims[0], c->dims[1], c->dims[2], c->dims[3], c->dims[4], c->dims[5],
		       c->dims[6], c->dims[7], iters);
	if (write(fd, req, (size_t)len) != len) {
		printf("# %s: request refused: %s\n", path, strerror(errno));
		close(fd);
		return -EIO;
	}
	n = read(fd, rsp, sizeof(rsp) - 1);
	close(fd);
	if (n <= 0) {
		printf("# %s: %s\n", path, n < 0 ? strerror(errno) : "no answer");
		return -EIO;
	}
	rsp[n] = '\0';
	if (sscanf(rsp, "ns %llu", &v) != 1 || !v) {
		printf("# %s: expected 'ns <ns>', got '%s'\n", path, rsp);
		return -EPROTO;
	}
	*ns = (double)v;
	return 0;
}

/* Constant inputs make every output element the same known value. */
static uint32_t fill_word(uint32_t dtype)
{
	switch (dtype) {
	case TAIHU_DTYPE_FP32:
		return 0x3e000000;	/* 0.125 */
	case TAIHU_DTYPE_BF16:
		return 0x3e003e00;	/* 0.125, 0.125 */
	default:
		return 0x03030303;	/* int8 3 */
	}
}

static int check_output(struct taihu_bo *y, const struct bcase *c)
{
	double want, got;
	uint8_t raw[4];
	int ret;

	/* GEMM: K products; CONV2D at an interior pixel: C KH KW products. */
	want = c->kernel == TAIHU_KERNEL_GEMM ? c->dims[2] : (double)c->dims[1] * c->dims[5] * c->dims[6];
	want *= c->dtype == TAIHU_DTYPE_INT8 ? 9.0 : 0.125 * 0.125;
	/* The element at row 1, column 1 (for CONV2D: not on the padded border). */
	ret = taihu_bo_read(y, c->kernel == TAIHU_KERNEL_GEMM ?
			    ((uint64_t)c->dims[1] + 1) * taihu_dtype_size(c->dtype == TAIHU_DTYPE_INT8 ?
				    TAIHU_DTYPE_INT32 : c->dtype) :
			    ((uint64_t)(c->dims[3] + 2 * c->dims[7] - c->dims[6] + 1) + 1) *
			    taihu_dtype_size(c->dtype), raw,
			    c->dtype == TAIHU_DTYPE_BF16 ? 2 : 4);
	if (ret)
		return ret;
	if (c->dtype == TAIHU_DTYPE_INT8) {
		int32_t i;

		memcpy(&i, raw, 4);
		got = i;
	} else if (c->dtype == TAIHU_DTYPE_BF16) {
		uint32_t u = (uint32_t)(raw[0] | raw[1] << 8) << 16;
		float f;

		memcpy(&f, &u, 4);
		got = f;
	} else {
		float f;

		memcpy(&f, raw, 4);
		got = f;
	}
	if (fabs(got - want) > 1e-2 * fabs(want)) {
		printf("# result element %.6g, expected %.6g\n", got, want);
		return -EIO;
	}
	return 0;
}

static int run_case(struct taihu_device *dev, const struct taihu_device_desc *desc,
		    const struct bcase *c, unsigned int iters, struct result *r)
{
	const uint32_t *d = c->dims;
	uint32_t ydt = c->dtype == TAIHU_DTYPE_INT8 ? TAIHU_DTYPE_INT32 : c->dtype;
	uint64_t sa[4], sb[4], sy[4];
	struct taihu_tensor a, b, y;
	struct taihu_bo *bo[3] = { NULL, NULL, NULL };
	struct taihu_cmdbuf *cb = NULL;
	struct taihu_job_result res = { .size = sizeof(res) };
	double dev_t[MAX_ITERS], wall[MAX_ITERS];
	unsigned int i, rank;
	int ret;

	if (c->kernel == TAIHU_KERNEL_GEMM) {
		rank = 2;
		sa[0] = d[0], sa[1] = d[2];
		sb[0] = d[2], sb[1] = d[1];
		sy[0] = d[0], sy[1] = d[1];
	} else {
		rank = 4;
		sa[0] = d[0], sa[1] = d[1], sa[2] = d[2], sa[3] = d[3];
		sb[0] = d[4], sb[1] = d[1], sb[2] = d[5], sb[3] = d[6];
		sy[0] = d[0], sy[1] = d[4];
		sy[2] = d[2] + 2 * d[7] - d[5] + 1;
		sy[3] = d[3] + 2 * d[7] - d[6] + 1;
	}
	ret = taihu_tensor_init(&a, c->dtype, rank, sa, 0);
	if (!ret)
		ret = taihu_tensor_init(&b, c->dtype, rank, sb, 0);
	if (!ret)
		ret = taihu_tensor_init(&y, ydt, rank, sy, 0);
	for (i = 0; i < 3 && !ret; i++) {
		const struct taihu_tensor *t = i == 0 ? &a : i == 1 ? &b : &y;

		ret = taihu_bo_create(dev, taihu_tensor_bytes(t), DRM_TAIHU_PLACEMENT_VRAM, &bo[i]);
		if (!ret && i < 2)
			ret = taihu_fill(bo[i], 0, taihu_tensor_bytes(t), fill_word(c->dtype),
					 JOB_TIMEOUT_NS, &res);
	}
	if (ret) {
		printf("# cannot set up the tensors: %s\n", taihu_strerror(ret));
		goto out;
	}
	a.addr = taihu_bo_dev_addr(bo[0]);
	b.addr = taihu_bo_dev_addr(bo[1]);
	y.addr = taihu_bo_dev_addr(bo[2]);
	ret = taihu_cmdbuf_new(&cb);
	if (!ret && c->kernel == TAIHU_KERNEL_GEMM) {
		ret = taihu_cmdbuf_gemm(cb, NULL, &a, &b, NULL, &y);
	} else if (!ret) {
		struct taihu_conv2d_args args = { .size = sizeof(args),
						  .pad_begin = { d[7], d[7] },
						  .pad_end = { d[7], d[7] } };

		ret = taihu_cmdbuf_conv2d(cb, &args, &a, &b, NULL, &y);
	}
	if (ret < 0) {
		printf("# append: %s\n", cb ? taihu_cmdbuf_error(cb) : taihu_strerror(ret));
		goto out;
	}
	/* One untimed run: oneDNN's JIT and the primitive cache warm up on the card. */
	ret = taihu_run(dev, cb, 0, bo, 3, JOB_TIMEOUT_NS, &res);
	for (i = 0; i < iters && !ret; i++) {
		int64_t t = bench_now_ns();

		ret = taihu_run(dev, cb, 0, bo, 3, JOB_TIMEOUT_NS, &res);
		wall[i] = (double)(bench_now_ns() - t);
		dev_t[i] = (double)(res.end_ns - res.start_ns);
	}
	if (ret) {
		char why[200];

		taihu_job_error(&res, why, sizeof(why));
		printf("# job: %s: %s\n", taihu_strerror(ret), why);
		goto out;
	}
	ret = check_output(bo[2], c);
	if (ret)
		goto out;
	r->dev_ns = median(dev_t, (int)iters);
	r->wall_ns = median(wall, (int)iters);
	r->have_ref = !card_reference(desc, c, iters, &r->ref_ns);
out:
	taihu_cmdbuf_free(cb);
	for (i = 0; i < 3; i++)
		taihu_bo_free(bo[i]);
	return ret;
}

static void usage(FILE *f)
{
	fputs("usage: taihu_bench_kernels [--quick] [--iterations N] [--device N]\n"
	      "  -q, --quick           small shapes, one timed run each (proves it runs)\n"
	      "  -i, --iterations N    timed runs per case (default 5)\n"
	      "  -d, --device N        device index (default 0)\n", f);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quick", no_argument, NULL, 'q' },
		{ "iterations", required_argument, NULL, 'i' },
		{ "device", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const uint32_t dtypes[] = { TAIHU_DTYPE_FP32, TAIHU_DTYPE_BF16, TAIHU_DTYPE_INT8 };
	static const uint32_t full_sizes[] = { 128, 1024, 2048 }, quick_sizes[] = { 32, 64 };
	const uint32_t *sizes = full_sizes;
	struct bcase cases[16];
	struct result res[16];
	bool ok[16];
	const struct taihu_device_desc *desc;
	struct taihu_device *dev = NULL;
	unsigned long iters = 5, index = 0;
	unsigned int n = 0, nsizes = 3, i, j;
	bool quick = false;
	int opt, ret;
	char *end, name[96];

	while ((opt = getopt_long(argc, argv, "qi:d:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'q':
			quick = true;
			break;
		case 'i':
			iters = strtoul(optarg, &end, 10);
			if (*end || !iters || iters > MAX_ITERS) {
				fprintf(stderr, "bad iteration count '%s' (1..%d)\n", optarg, MAX_ITERS);
				return 2;
			}
			break;
		case 'd':
			if (bench_parse_index(optarg, &index))
				return 2;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (quick) {
		sizes = quick_sizes;
		nsizes = 2;
		iters = 1;
	}
	for (i = 0; i < 3; i++)
		for (j = 0; j < nsizes; j++)
			cases[n++] = (struct bcase){ TAIHU_KERNEL_GEMM, dtypes[i],
						     { sizes[j], sizes[j], sizes[j] } };
	cases[n++] = quick ? (struct bcase){ TAIHU_KERNEL_CONV2D, TAIHU_DTYPE_FP32,
					     { 1, 8, 12, 12, 8, 3, 3, 1 } } :
			     (struct bcase){ TAIHU_KERNEL_CONV2D, TAIHU_DTYPE_FP32,
					     { 1, 64, 56, 56, 64, 3, 3, 1 } };

	printf("TAP version 13\n1..%u\n", n);
	ret = bench_open_device(index, &dev, &desc);
	if (ret) {
		printf("Bail out! no usable Taihu device %lu: %s\n", index, taihu_strerror(ret));
		return 1;
	}
	printf("# device %lu: %s (%s), tensors in VRAM, %lu timed runs per case (medians)\n",
	       index, taihu_device_desc_node(desc), taihu_device_desc_pci_slot(desc), iters);
	for (i = 0; i < n; i++) {
		case_name(&cases[i], name, sizeof(name));
		memset(&res[i], 0, sizeof(res[i]));
		ok[i] = false;
		if (taihu_kernel_supported(dev, cases[i].kernel, cases[i].dtype) != 1) {
			printf("ok %u %s # SKIP the firmware does not enable %s in %s\n", i + 1, name,
			       taihu_kernel_name(cases[i].kernel), taihu_dtype_name(cases[i].dtype));
			continue;
		}
		ret = run_case(dev, desc, &cases[i], (unsigned int)iters, &res[i]);
		ok[i] = !ret;
		if (ret) {
			bench_tap(0, "%s", name);
			continue;
		}
		bench_tap(1, "%s: device %.3f ms (%.1f GFLOP/s), in-card oneDNN %s%.3f ms, "
			  "x oneDNN %.2f, device/wall %.2f", name, res[i].dev_ns / 1e6,
			  flops(&cases[i]) / res[i].dev_ns,
			  res[i].have_ref ? "" : "(unavailable) ", res[i].ref_ns / 1e6,
			  res[i].have_ref ? res[i].ref_ns / res[i].dev_ns : 0.0,
			  res[i].dev_ns / res[i].wall_ns);
	}

	printf("#\n# %-34s %10s %10s %10s %9s %9s\n", "kernel", "device ms", "GFLOP/s",
	       "oneDNN ms", "x oneDNN", "dev/wall");
	for (i = 0; i < n; i++) {
		if (!ok[i])
			continue;
		printf("# %-34s %10.3f %10.1f %10.3f %9.2f %9.2f\n",
		       case_name(&cases[i], name, sizeof(name)), res[i].dev_ns / 1e6,
		       flops(&cases[i]) / res[i].dev_ns, res[i].ref_ns / 1e6,
		       res[i].have_ref ? res[i].ref_ns / res[i].dev_ns : 0.0,
		       res[i].dev_ns / res[i].wall_ns);
	}
	taihu_device_close(dev);
	return bench_failures ? 1 : 0;
}
