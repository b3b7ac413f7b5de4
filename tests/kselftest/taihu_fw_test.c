// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Bad firmware images are refused at probe with the driver's message for
 * the cause, and the card comes back with the good image.
 *
 * For each variant: unbind the device, replace /lib/firmware/taihu/t1.bin
 * by a broken image (or remove it), write the device to the driver's bind
 * attribute - which must fail - and look for the driver's message in the
 * kernel log. Then restore the good image, bind (must succeed) and run a
 * NOP job. The good image is also kept in a backup file next to it, so a
 * run that dies half-way is repaired by the teardown or the next run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "kselftest_harness.h"
#include "taihu_fw_image.h"
#include "taihu_test_util.h"

#define FW_PATH		"/lib/firmware/taihu/t1.bin"
#define FW_BACKUP	"/lib/firmware/taihu/.t1.bin.taihu_fw_test"

enum corruption {
	FW_MISSING,
	FW_TRUNCATED,
	FW_BAD_MAGIC,
	FW_BAD_ABI_MAJOR,
	FW_BAD_DIGEST,
};

/* Recompute the header digest so that only the intended defect remains. */
static int fix_digest(uint8_t *img, size_t len)
{
	struct taihu_fw_header *h = (struct taihu_fw_header *)img;
	unsigned int out = 0;
	EVP_MD_CTX *ctx;
	int ok;

	memset(h->digest, 0, sizeof(h->digest));
	ctx = EVP_MD_CTX_new();
	if (!ctx)
		return -ENOMEM;
	ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) &&
	     EVP_DigestUpdate(ctx, img, len) &&
	     EVP_DigestFinal_ex(ctx, h->digest, &out) && out == 32;
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -EIO;
}

/* The good image, corrupted as @kind asks; *@len may shrink. */
static int corrupt(enum corruption kind, uint8_t *img, size_t *len)
{
	struct taihu_fw_header *h = (struct taihu_fw_header *)img;

	switch (kind) {
	case FW_MISSING:
		return 0;
	case FW_TRUNCATED:
		/* Header intact, payload cut: shorter than image_size. */
		*len = *len / 2 > sizeof(*h) ? *len / 2 : sizeof(*h);
		return 0;
	case FW_BAD_MAGIC:
		h->magic ^= 0x20202020u;
		return fix_digest(img, *len);
	case FW_BAD_ABI_MAJOR:
		h->abi_major = TAIHU_FW_ABI_MAJOR + 1;
		return fix_digest(img, *len);
	case FW_BAD_DIGEST:
		h->digest[7] ^= 0x01;
		return 0;
	}
	return -EINVAL;
}

/* Put the good image back and make sure the device is bound. */
static int restore(const char *slot)
{
	uint8_t *img;
	size_t len;
	int ret;

	ret = tt_read_file(FW_BACKUP, &img, &len);
	if (ret == -ENOENT)
		return 0;	/* nothing was changed */
	if (ret)
		return ret;
	ret = tt_write_file(FW_PATH, img, len);
	free(img);
	if (ret)
		return ret;
	if (slot && *slot && !tt_pci_bound(slot)) {
		ret = tt_pci_bind(slot);
		if (ret)
			return ret;
	}
	return unlink(FW_BACKUP) ? -errno : 0;
}

FIXTURE(fw)
{
	char slot[32];
};

FIXTURE_VARIANT(fw)
{
	enum corruption kind;
	const char *message;
};

FIXTURE_VARIANT_ADD(fw, missing)
{
	.kind = FW_MISSING,
	.message = "cannot load firmware taihu/t1.bin",
};

FIXTURE_VARIANT_ADD(fw, truncated)
{
	.kind = FW_TRUNCATED,
	.message = "boot failed: image truncated",
};

FIXTURE_VARIANT_ADD(fw, bad_magic)
{
	.kind = FW_BAD_MAGIC,
	.message = "boot failed: bad magic",
};

FIXTURE_VARIANT_ADD(fw, bad_abi_major)
{
	.kind = FW_BAD_ABI_MAJOR,
	.message = "boot failed: incompatible ABI",
};

FIXTURE_VARIANT_ADD(fw, flipped_digest)
{
	.kind = FW_BAD_DIGEST,
	.message = "boot failed: digest mismatch",
};

/* Find the device, repair a dead run's image, back the good image up. */
static void prepare(struct __test_metadata *_metadata, char *slot, size_t slot_len)
{
	struct tt_device d;
	struct taihu_fw_header h;
	uint8_t *img;
	size_t len;
	int ret;

	if (geteuid() != 0)
		SKIP(return, "needs root to rebind the driver");
	/* A previous run died with a broken image in place: repair first. */
	if (access(FW_BACKUP, F_OK) == 0) {
		ret = tt_read_file(FW_BACKUP, &img, &len);
		ASSERT_EQ(0, ret);
		ASSERT_EQ(0, tt_write_file(FW_PATH, img, len));
		free(img);
		ASSERT_EQ(0, unlink(FW_BACKUP));
	}
	ret = tt_wait_device(NULL, 2000, &d);
	if (ret) {
		/* Maybe a dead run left it unbound: offer every candidate. */
		tt_bind_unbound_candidates();
		ret = tt_wait_device(NULL, TT_DEVICE_WAIT_MS, &d);
	}
	ASSERT_EQ(0, ret) TH_LOG("no Taihu device: %s", taihu_strerror(ret));
	snprintf(slot, slot_len, "%s", d.pci_slot);

	ret = tt_read_file(FW_PATH, &img, &len);
	ASSERT_EQ(0, ret) TH_LOG(FW_PATH ": %s", strerror(-ret));
	ASSERT_GE(len, sizeof(h));
	memcpy(&h, img, sizeof(h));
	ASSERT_EQ(TAIHU_FW_MAGIC, h.magic) TH_LOG("the installed image is not good");
	ASSERT_EQ(len, h.image_size);
	ret = tt_write_file(FW_BACKUP, img, len);
	free(img);
	ASSERT_EQ(0, ret) TH_LOG("backup: %s", strerror(-ret));
}

FIXTURE_SETUP(fw)
{
	prepare(_metadata, self->slot, sizeof(self->slot));
}

/* In the parent, so that it runs even when the test process crashes. */
FIXTURE_TEARDOWN_PARENT(fw)
{
	int ret;

	if (geteuid() != 0)
		return;
	ret = restore(self->slot);
	EXPECT_EQ(0, ret) TH_LOG("restoring the good image: %s", strerror(-ret));
}

TEST_F_TIMEOUT(fw, bad_image_refused_then_good_image_boots, 180)
{
	struct taihu_job_result res = { .size = sizeof(res) };
	struct tt_device d;
	struct taihu_device *dev;
	struct tt_klog klog;
	uint8_t *img;
	size_t len;
	int ret;

	/* Unbind first: nothing may hold the device during the swap. */
	ASSERT_TRUE(tt_pci_bound(self->slot));
	ret = tt_pci_unbind(self->slot);
	ASSERT_EQ(0, ret) TH_LOG("unbind %s: %s", self->slot, strerror(-ret));
	ASSERT_FALSE(tt_pci_bound(self->slot));

	if (variant->kind == FW_MISSING) {
		ASSERT_EQ(0, unlink(FW_PATH));
	} else {
		ASSERT_EQ(0, tt_read_file(FW_BACKUP, &img, &len));
		ASSERT_EQ(0, corrupt(variant->kind, img, &len));
		ret = tt_write_file(FW_PATH, img, len);
		free(img);
		ASSERT_EQ(0, ret);
	}

	ASSERT_EQ(0, tt_klog_mark(&klog));
	ret = tt_pci_bind(self->slot);
	EXPECT_NE(0, ret) TH_LOG("bind succeeded with a bad image");
	EXPECT_FALSE(tt_pci_bound(self->slot));
	ret = tt_klog_since_contains(&klog, variant->message);
	tt_klog_close(&klog);
	EXPECT_EQ(1, ret) TH_LOG("kernel log lacks '%s'", variant->message);
	EXPECT_NE(0, tt_wait_device(self->slot, 0, NULL))
		TH_LOG("device present after a failed boot");

	/* The good image again: bind works and the card runs jobs. */
	ASSERT_EQ(0, tt_read_file(FW_BACKUP, &img, &len));
	ret = tt_write_file(FW_PATH, img, len);
	free(img);
	ASSERT_EQ(0, ret);
	if (tt_pci_bound(self->slot))
		ASSERT_EQ(0, tt_pci_unbind(self->slot));
	ret = tt_pci_bind(self->slot);
	ASSERT_EQ(0, ret) TH_LOG("bind with the good image: %s", strerror(-ret));
	ret = tt_wait_device(self->slot, TT_DEVICE_WAIT_MS, &d);
	ASSERT_EQ(0, ret) TH_LOG("device did not come back: %s",
				 taihu_strerror(ret));
	ASSERT_EQ(0, taihu_device_open(d.node, &dev));
	ret = tt_run_nop(dev, 0, &res);
	taihu_device_close(dev);
	EXPECT_EQ(0, ret) TH_LOG("NOP job: %s (%s)", taihu_strerror(ret),
				 taihu_job_status_name(res.status));
}

/* What the running card reports is what the installed image says. */
TEST(device_reports_the_installed_images_versions)
{
	struct taihu_device_info info = { .size = sizeof(info) };
	struct taihu_fw_header h;
	struct taihu_device *dev;
	uint8_t *img;
	size_t len;
	int ret;

	ret = tt_wait_device(NULL, TT_DEVICE_PRESENT_MS, NULL);
	ASSERT_EQ(0, ret) TH_LOG("no Taihu device: %s", taihu_strerror(ret));
	ASSERT_EQ(0, tt_read_file(FW_PATH, &img, &len));
	ASSERT_GE(len, sizeof(h));
	memcpy(&h, img, sizeof(h));
	free(img);
	ASSERT_EQ(TAIHU_FW_MAGIC, h.magic);
	ASSERT_EQ(0, tt_open_first(&dev, NULL));
	ret = taihu_device_info(dev, &info);
	taihu_device_close(dev);
	ASSERT_EQ(0, ret);
	EXPECT_EQ(h.abi_major, info.fw_abi_major);
	EXPECT_EQ(h.abi_minor, info.fw_abi_minor);
	EXPECT_EQ(h.fw_version, info.fw_version);
	EXPECT_EQ(TAIHU_FW_ABI_MAJOR, info.fw_abi_major);
}

/*
 * The firmware decides which kernels run: t1-alt.bin enables fewer
 * kernels and dtypes with smaller limits than t1.bin, QUERY says so, and
 * a kernel outside them fails with UNSUPPORTED and the reason.
 */
#define ALT_PATH	"/lib/firmware/taihu/t1-alt.bin"

FIXTURE(alt)
{
	char slot[32];
};

FIXTURE_SETUP(alt)
{
	prepare(_metadata, self->slot, sizeof(self->slot));
}

FIXTURE_TEARDOWN_PARENT(alt)
{
	int ret;

	if (geteuid() != 0)
		return;
	/* A bound device runs whatever image it booted: reload it. */
	if (access(FW_BACKUP, F_OK) == 0 && tt_pci_bound(self->slot))
		tt_pci_unbind(self->slot);
	ret = restore(self->slot);
	EXPECT_EQ(0, ret) TH_LOG("restoring the good image: %s", strerror(-ret));
}

/* Boot the image at @path and open the device. */
static int boot_image(const char *slot, const char *path, struct taihu_device **dev)
{
	struct tt_device d;
	uint8_t *img;
	size_t len;
	int ret;

	if (tt_pci_bound(slot)) {
		ret = tt_pci_unbind(slot);
		if (ret)
			return ret;
	}
	ret = tt_read_file(path, &img, &len);
	if (ret)
		return ret;
	ret = tt_write_file(FW_PATH, img, len);
	free(img);
	if (!ret)
		ret = tt_pci_bind(slot);
	if (!ret)
		ret = tt_wait_device(slot, TT_DEVICE_WAIT_MS, &d);
	if (!ret)
		ret = taihu_device_open(d.node, dev);
	return ret;
}

/* The firmware's kernel table: (1 << kernel) of each, and each one's dtypes. */
static void kernel_table(struct taihu_device *dev, uint32_t *kernels, uint32_t *dtypes)
{
	int n = taihu_kernel_count(dev), i;

	*kernels = 0;
	memset(dtypes, 0, TAIHU_KERNEL_COUNT * sizeof(*dtypes));
	for (i = 0; i < n; i++) {
		struct taihu_kernel_info k = { .size = sizeof(k) };

		if (taihu_kernel_info(dev, (unsigned int)i, &k) || k.kernel >= TAIHU_KERNEL_COUNT)
			continue;
		*kernels |= 1u << k.kernel;
		dtypes[k.kernel] = k.dtypes;
	}
}

/* One GEMM A [..., m, k] B [..., k, n] of @dt with @batch leading dims of 1; the job's result. */
static int run_gemm(struct taihu_device *dev, uint32_t dt, unsigned int batch, uint64_t m,
		    uint64_t n, uint64_t k, struct taihu_job_result *res)
{
	uint64_t sa[6], sb[6], sy[6], off;
	struct taihu_bo *bo = NULL;
	struct taihu_tensor a, b, y;
	struct taihu_cmdbuf *cb = NULL;
	unsigned int i, r = batch + 2;
	int ret;

	for (i = 0; i < batch; i++)
		sa[i] = sb[i] = sy[i] = 1;
	sa[batch] = m;
	sa[batch + 1] = k;
	sb[batch] = k;
	sb[batch + 1] = n;
	sy[batch] = m;
	sy[batch + 1] = n;
	memset(res, 0, sizeof(*res));
	res->size = sizeof(*res);
	ret = taihu_bo_create(dev, 1 << 20, DRM_TAIHU_PLACEMENT_VRAM, &bo);
	if (!ret)
		ret = taihu_tensor_bo(&a, bo, 0, dt, r, sa);
	off = (taihu_tensor_bytes(&a) + 63) & ~63ULL;
	if (!ret)
		ret = taihu_tensor_bo(&b, bo, off, dt, r, sb);
	off += (taihu_tensor_bytes(&b) + 63) & ~63ULL;
	if (!ret)
		ret = taihu_tensor_bo(&y, bo, off, dt, r, sy);
	if (!ret)
		ret = taihu_cmdbuf_new(&cb);
	if (!ret)
		ret = taihu_cmdbuf_gemm(cb, NULL, &a, &b, NULL, &y);
	if (ret >= 0)
		ret = taihu_run(dev, cb, 0, &bo, 1, TT_JOB_TIMEOUT_NS, res);
	taihu_cmdbuf_free(cb);
	taihu_bo_free(bo);
	return ret;
}

/* SOFTMAX (@layernorm false) or LAYERNORM of a [4, 16] tensor of @dt; the job's result. */
static int run_norm(struct taihu_device *dev, uint32_t dt, bool layernorm,
		    struct taihu_job_result *res)
{
	const uint64_t s[2] = { 4, 16 };
	struct taihu_bo *bo = NULL;
	struct taihu_tensor x, y;
	struct taihu_cmdbuf *cb = NULL;
	int ret;

	memset(res, 0, sizeof(*res));
	res->size = sizeof(*res);
	ret = taihu_bo_create(dev, 1 << 16, DRM_TAIHU_PLACEMENT_VRAM, &bo);
	if (!ret)
		ret = taihu_tensor_bo(&x, bo, 0, dt, 2, s);
	if (!ret)
		ret = taihu_tensor_bo(&y, bo, 4096, dt, 2, s);
	if (!ret)
		ret = taihu_cmdbuf_new(&cb);
	if (!ret)
		ret = layernorm ? taihu_cmdbuf_layernorm(cb, 1, 1e-5f, &x, NULL, NULL, &y) :
		      taihu_cmdbuf_softmax(cb, -1, &x, &y);
	if (ret >= 0)
		ret = taihu_run(dev, cb, 0, &bo, 1, TT_JOB_TIMEOUT_NS, res);
	taihu_cmdbuf_free(cb);
	taihu_bo_free(bo);
	return ret;
}

TEST_F_TIMEOUT(alt, alt_image_enables_fewer_kernels, 180)
{
	uint32_t t1_kernels, alt_kernels, t1_dt[TAIHU_KERNEL_COUNT], alt_dt[TAIHU_KERNEL_COUNT];
	struct taihu_device_info info;
	struct taihu_job_result res;
	struct taihu_device *dev = NULL;
	char text[200];
	int ret;

	ret = boot_image(self->slot, FW_BACKUP, &dev);
	ASSERT_EQ(0, ret) TH_LOG("t1.bin: %s", taihu_strerror(ret));
	kernel_table(dev, &t1_kernels, t1_dt);
	taihu_device_close(dev);
	ret = boot_image(self->slot, ALT_PATH, &dev);
	ASSERT_EQ(0, ret) TH_LOG("t1-alt.bin: %s", taihu_strerror(ret));
	kernel_table(dev, &alt_kernels, alt_dt);
	/* Its max_ring_entries is 64: the driver's rings are that long. */
	info = (struct taihu_device_info){ .size = sizeof(info) };
	ASSERT_EQ(0, taihu_device_info(dev, &info));
	EXPECT_EQ(64, info.ring_entries);

	/* QUERY: the two tables differ; t1 has bf16 GEMM, alt does not. */
	EXPECT_TRUE(t1_kernels & (1u << TAIHU_KERNEL_GEMM));
	EXPECT_TRUE(alt_kernels & (1u << TAIHU_KERNEL_GEMM));
	EXPECT_TRUE(t1_dt[TAIHU_KERNEL_GEMM] & (1u << TAIHU_DTYPE_BF16));
	EXPECT_EQ(0, alt_dt[TAIHU_KERNEL_GEMM] & (1u << TAIHU_DTYPE_BF16));
	EXPECT_EQ(0, taihu_kernel_supported(dev, TAIHU_KERNEL_GEMM, TAIHU_DTYPE_BF16));
	EXPECT_EQ(1, taihu_kernel_supported(dev, TAIHU_KERNEL_GEMM, TAIHU_DTYPE_FP32));

	/* The kernel the firmware enables runs... */
	EXPECT_EQ(0, run_gemm(dev, TAIHU_DTYPE_FP32, 0, 8, 8, 8, &res));
	/* ...a dtype it does not enable fails with a status that says so... */
	EXPECT_EQ(-TAIHU_EJOBFAILED, run_gemm(dev, TAIHU_DTYPE_BF16, 0, 8, 8, 8, &res));
	EXPECT_EQ(DRM_TAIHU_JOB_UNSUPPORTED, res.status);
	EXPECT_EQ(TAIHU_REASON_DTYPE_DISABLED, res.error_reason);
	EXPECT_EQ(TAIHU_KERNEL_GEMM, TAIHU_DETAIL_KERNEL(res.error_detail));
	taihu_job_error(&res, text, sizeof(text));
	EXPECT_NE(NULL, strstr(text, "UNSUPPORTED")) TH_LOG("%s", text);
	/* ...and so do its limits: rank 5 over 4, a dimension over 4096. */
	EXPECT_EQ(-TAIHU_EJOBFAILED, run_gemm(dev, TAIHU_DTYPE_FP32, 3, 2, 2, 2, &res));
	EXPECT_EQ(TAIHU_REASON_RANK_LIMIT, res.error_reason);
	EXPECT_EQ(-TAIHU_EJOBFAILED, run_gemm(dev, TAIHU_DTYPE_FP32, 0, 1, 1, 5000, &res));
	EXPECT_EQ(TAIHU_REASON_DIM_LIMIT, res.error_reason);
	/* Normalisation: SOFTMAX in fp32 only, no LAYERNORM at all. */
	EXPECT_EQ(0, run_norm(dev, TAIHU_DTYPE_FP32, false, &res));
	EXPECT_EQ(-TAIHU_EJOBFAILED, run_norm(dev, TAIHU_DTYPE_BF16, false, &res));
	EXPECT_EQ(TAIHU_REASON_DTYPE_DISABLED, res.error_reason);
	EXPECT_EQ(TAIHU_KERNEL_SOFTMAX, TAIHU_DETAIL_KERNEL(res.error_detail));
	EXPECT_EQ(0, alt_kernels & (1u << TAIHU_KERNEL_LAYERNORM));
	EXPECT_EQ(-TAIHU_EJOBFAILED, run_norm(dev, TAIHU_DTYPE_FP32, true, &res));
	EXPECT_EQ(DRM_TAIHU_JOB_UNSUPPORTED, res.status);
	EXPECT_EQ(TAIHU_REASON_DISABLED, res.error_reason);
	EXPECT_EQ(TAIHU_KERNEL_LAYERNORM, TAIHU_DETAIL_KERNEL(res.error_detail));
	taihu_device_close(dev);

	/* Under t1.bin again, all of these run. */
	ret = boot_image(self->slot, FW_BACKUP, &dev);
	ASSERT_EQ(0, ret) TH_LOG("t1.bin: %s", taihu_strerror(ret));
	EXPECT_EQ(0, run_gemm(dev, TAIHU_DTYPE_BF16, 0, 8, 8, 8, &res));
	EXPECT_EQ(0, run_gemm(dev, TAIHU_DTYPE_FP32, 3, 2, 2, 2, &res));
	EXPECT_EQ(0, run_gemm(dev, TAIHU_DTYPE_FP32, 0, 1, 1, 5000, &res));
	EXPECT_EQ(0, run_norm(dev, TAIHU_DTYPE_BF16, false, &res));
	EXPECT_EQ(0, run_norm(dev, TAIHU_DTYPE_FP32, true, &res));
	taihu_device_close(dev);
}

TEST_HARNESS_MAIN
