// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Buffer objects in both placements: data written by the CPU, copied by the
 * card between every pair of placements (VRAM->VRAM, VRAM->HOST,
 * HOST->VRAM, HOST->HOST) for sizes from 4 KiB to 64 MiB, unaligned tails
 * and offsets, and read back byte for byte; FILL into each placement; bad
 * input (sizes, placements, flags, mmap past the end, double close, use
 * after close); VRAM exhaustion; and the memory counters of QUERY, sysfs
 * and fdinfo moving by the amounts allocated.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>

#include <xf86drm.h>

#include "kselftest_harness.h"
#include "taihu_mem_util.h"
#include "taihu_test_util.h"

#define VRAM	DRM_TAIHU_PLACEMENT_VRAM
#define HOST	DRM_TAIHU_PLACEMENT_HOST
#define MAX_SIZE	(64 * TM_MiB)
#define DST_FILL	0xa5	/* destination bytes a copy must not touch */

static const uint32_t placements[] = { VRAM, HOST };
#define NUM_PLACEMENTS	(sizeof(placements) / sizeof(placements[0]))

/* ---- copies between every pair of placements ------------------------- */

FIXTURE(pair)
{
	struct taihu_device *dev;
	uint8_t *ref;		/* the pattern, MAX_SIZE bytes */
};

FIXTURE_VARIANT(pair)
{
	uint32_t from;
	uint32_t to;
};

FIXTURE_VARIANT_ADD(pair, vram_to_vram) { .from = VRAM, .to = VRAM };
FIXTURE_VARIANT_ADD(pair, vram_to_host) { .from = VRAM, .to = HOST };
FIXTURE_VARIANT_ADD(pair, host_to_vram) { .from = HOST, .to = VRAM };
FIXTURE_VARIANT_ADD(pair, host_to_host) { .from = HOST, .to = HOST };

FIXTURE_SETUP(pair)
{
	int ret;

	ret = tt_open_first(&self->dev, NULL);
	ASSERT_EQ(0, ret) TH_LOG("no Taihu device: %s", taihu_strerror(ret));
	self->ref = malloc(MAX_SIZE);
	ASSERT_NE(NULL, self->ref);
	tm_pattern(self->ref, MAX_SIZE, 0x7a1b0000u + variant->from * 2 +
		   variant->to);
}

FIXTURE_TEARDOWN(pair)
{
	free(self->ref);
	taihu_device_close(self->dev);
}

/*
 * Copy @n bytes from src+@so to dst+@doff between fresh BOs of @src_size
 * and @dst_size bytes, and check dst byte for byte: the copied range
 * equals the pattern at src+@so, every other byte of dst is untouched.
 */
static void copy_case(struct __test_metadata *_metadata,
		      FIXTURE_DATA(pair) *self,
		      const FIXTURE_VARIANT(pair) *variant,
		      uint64_t src_size, uint64_t dst_size, uint64_t so,
		      uint64_t doff, uint64_t n)
{
	struct taihu_job_result res = { .size = sizeof(res) };
	struct taihu_bo *src = NULL, *dst = NULL;
	uint8_t *s, *d;
	size_t bad;
	int ret;

	ASSERT_LE(src_size, MAX_SIZE);
	ASSERT_EQ(0, taihu_bo_create(self->dev, src_size, variant->from, &src));
	ret = taihu_bo_create(self->dev, dst_size, variant->to, &dst);
	if (ret)
		taihu_bo_free(src);
	ASSERT_EQ(0, ret) TH_LOG("dst %" PRIu64 " bytes: %s", dst_size,
				 taihu_strerror(ret));
	EXPECT_EQ(0, taihu_bo_map(src, (void **)&s));
	EXPECT_EQ(0, taihu_bo_map(dst, (void **)&d));
	if (!TM_OK(_metadata))
		goto out;
	/* The whole source gets the pattern; the destination a fill byte. */
	memcpy(s, self->ref, taihu_bo_size(src) < MAX_SIZE ?
	       taihu_bo_size(src) : MAX_SIZE);
	memset(d, DST_FILL, taihu_bo_size(dst));

	ret = taihu_copy(dst, doff, src, so, n, TT_JOB_TIMEOUT_NS, &res);
	EXPECT_EQ(0, ret) TH_LOG("%s -> %s copy of %" PRIu64 " bytes (+%" PRIu64
				 " -> +%" PRIu64 "): %s, status %s at 0x%" PRIx64,
				 taihu_placement_name(variant->from),
				 taihu_placement_name(variant->to), n, so, doff,
				 taihu_strerror(ret),
				 taihu_job_status_name(res.status),
				 res.error_addr);
	if (ret)
		goto out;
	bad = tm_first_diff(d + doff, s + so, n);
	EXPECT_EQ(n, bad) TH_LOG("copy of %" PRIu64 " bytes (+%" PRIu64 " -> +%"
				 PRIu64 "): byte %zu is 0x%02x, want 0x%02x",
				 n, so, doff, bad, d[doff + bad], s[so + bad]);
	bad = tm_first_not(d, DST_FILL, doff);
	EXPECT_EQ(doff, bad) TH_LOG("copy wrote %zu bytes before its start",
				    (size_t)doff - bad);
	bad = tm_first_not(d + doff + n, DST_FILL,
			   taihu_bo_size(dst) - doff - n);
	EXPECT_EQ(taihu_bo_size(dst) - doff - n, bad)
		TH_LOG("copy wrote past its end, at +%zu", bad);
	/* The source is only read. */
	bad = tm_first_diff(s, self->ref, src_size);
	EXPECT_EQ(src_size, bad) TH_LOG("source changed at byte %zu", bad);
out:
	taihu_bo_free(src);
	taihu_bo_free(dst);
}

TEST_F_TIMEOUT(pair, sizes_4k_to_64m, 600)
{
	uint64_t n;

	/* Whole buffers, powers of 4: each BO ends exactly where the copy does. */
	for (n = 4 * TM_KiB; n <= MAX_SIZE && TM_OK(_metadata); n *= 4) {
		TH_LOG("%s -> %s: %" PRIu64 " KiB",
		       taihu_placement_name(variant->from),
		       taihu_placement_name(variant->to), n / TM_KiB);
		copy_case(_metadata, self, variant, n, n, 0, 0, n);
	}
}

TEST_F_TIMEOUT(pair, unaligned_tails_and_offsets, 300)
{
	static const struct {
		uint64_t src_size, dst_size, so, doff, n;
	} cases[] = {
		/* A tail of 5 bytes in a second page. */
		{ 4096 + 5, 4096 + 5, 0, 0, 4096 + 5 },
		/* Odd offsets on both sides, odd length. */
		{ TM_MiB - 3, TM_MiB - 3, 1, 2, TM_MiB - 6 },
		/* From an offset just before a page end up to the last byte. */
		{ 64 * TM_KiB + 7, 64 * TM_KiB + 7, 4095, 1,
		  64 * TM_KiB + 7 - 4095 },
		/* Destination offset crossing a page, 3 pages + 1 byte. */
		{ 256 * TM_KiB, 256 * TM_KiB, 5, 4093, 3 * 4096 + 1 },
		/* One byte from the last byte of one page to the last of another. */
		{ 3 * 4096, 3 * 4096, 2 * 4096 + 4095, 4095, 1 },
		/* Into the last 7 bytes of the (page-rounded) destination. */
		{ 8192, 8192, 3, 8192 - 7, 7 },
		/* A large unaligned copy over many pages. */
		{ 4 * TM_MiB + 1, 4 * TM_MiB + 4096, 4097, 13, 4 * TM_MiB - 4099 },
	};
	size_t k;

	for (k = 0; k < sizeof(cases) / sizeof(cases[0]) && TM_OK(_metadata);
	     k++)
		copy_case(_metadata, self, variant, cases[k].src_size,
			  cases[k].dst_size, cases[k].so, cases[k].doff,
			  cases[k].n);
}

TEST_F(pair, copy_within_one_bo)
{
	struct taihu_job_result res = { .size = sizeof(res) };
	struct taihu_bo *bo;
	uint8_t *p, *want;
	const size_t size = 256 * 1024;
	size_t bad;

	/* Overlapping ranges behave like memmove() (the COPY packet's rule). */
	ASSERT_EQ(0, taihu_bo_create(self->dev, size, variant->to, &bo));
	ASSERT_EQ(0, taihu_bo_map(bo, (void **)&p));
	want = malloc(size);
	ASSERT_NE(NULL, want);
	memcpy(p, self->ref, size);
	memcpy(want, self->ref, size);
	memmove(want + 4099, want + 3, 100000);
	ASSERT_EQ(0, taihu_copy(bo, 4099, bo, 3, 100000, TT_JOB_TIMEOUT_NS,
				&res));
	bad = tm_first_diff(p, want, size);
	EXPECT_EQ(size, bad) TH_LOG("byte %zu is 0x%02x, want 0x%02x", bad,
				    p[bad], want[bad]);
	free(want);
	taihu_bo_free(bo);
}

/* ---- one device, both placements -------------------------------------- */

FIXTURE(mem)
{
	struct taihu_device *dev;
	struct tt_device desc;
	struct taihu_device_info info;
	int fd;
};

FIXTURE_SETUP(mem)
{
	int ret;

	ret = tt_open_first(&self->dev, &self->desc);
	ASSERT_EQ(0, ret) TH_LOG("no Taihu device: %s", taihu_strerror(ret));
	self->fd = taihu_device_fd(self->dev);
	self->info.size = sizeof(self->info);
	ASSERT_EQ(0, taihu_device_info(self->dev, &self->info));
}

FIXTURE_TEARDOWN(mem)
{
	struct taihu_job_result res = { .size = sizeof(res) };
	int ret;

	/* Whatever the test did, this file's context still runs jobs. */
	ret = tt_run_nop(self->dev, 0, &res);
	EXPECT_EQ(0, ret) TH_LOG("NOP after the test: %s", taihu_strerror(ret));
	taihu_device_close(self->dev);
}

static int bo_create_raw(int fd, struct drm_taihu_bo_create *c)
{
	struct drm_gem_close cl = { 0 };
	int ret = tt_ioctl(fd, DRM_IOCTL_TAIHU_BO_CREATE, c);

	/* Never keep a BO that should not have been created. */
	if (!ret) {
		cl.handle = c->handle;
		tt_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &cl);
	}
	return ret;
}

TEST_F(mem, fill_each_placement)
{
	const uint32_t value = 0x8badf00du;
	const size_t size = TM_MiB + 4096, off = 3, n = 64 * 1024 + 5;
	struct taihu_job_result res = { .size = sizeof(res) };
	struct taihu_bo *bo;
	uint8_t *p;
	size_t i, k;

	for (k = 0; k < NUM_PLACEMENTS; k++) {
		ASSERT_EQ(0, taihu_bo_create(self->dev, size, placements[k], &bo));
		ASSERT_EQ(0, taihu_bo_map(bo, (void **)&p));
		memset(p, 0x11, size);
		ASSERT_EQ(0, taihu_fill(bo, off, n, value, TT_JOB_TIMEOUT_NS,
					&res))
			TH_LOG("%s: %s", taihu_placement_name(placements[k]),
			       taihu_job_status_name(res.status));
		EXPECT_EQ(off, tm_first_not(p, 0x11, off));
		for (i = 0; i < n; i++)
			if (p[off + i] != (uint8_t)(value >> (8 * (i % 4))))
				break;
		EXPECT_EQ(n, i) TH_LOG("%s: FILL byte %zu is 0x%02x",
				       taihu_placement_name(placements[k]), i,
				       p[off + i]);
		EXPECT_EQ(size - off - n, tm_first_not(p + off + n, 0x11,
						       size - off - n))
			TH_LOG("%s: FILL wrote past its end",
			       taihu_placement_name(placements[k]));

		/* The whole buffer, to its last byte. */
		ASSERT_EQ(0, taihu_fill(bo, 0, size, 0x5a5a5a5au,
					TT_JOB_TIMEOUT_NS, &res));
		EXPECT_EQ(size, tm_first_not(p, 0x5a, size));
		taihu_bo_free(bo);
	}
}

TEST_F(mem, bo_info_describes_each_placement)
{
	struct taihu_bo *bo[2 * NUM_PLACEMENTS];
	struct taihu_bo_info bi = { .size = sizeof(bi) };
	uint64_t va_size = self->info.va_size;
	size_t i, j;

	for (i = 0; i < 2 * NUM_PLACEMENTS; i++) {
		ASSERT_EQ(0, taihu_bo_create(self->dev, 12345 + i * 4096,
					     placements[i % NUM_PLACEMENTS],
					     &bo[i]));
		ASSERT_EQ(0, taihu_bo_info(self->dev, taihu_bo_handle(bo[i]),
					   &bi));
		EXPECT_EQ(placements[i % NUM_PLACEMENTS], bi.placement);
		EXPECT_EQ(taihu_bo_size(bo[i]), bi.bo_size);
		EXPECT_EQ(0, bi.bo_size % 4096);
		EXPECT_LE(12345 + i * 4096, bi.bo_size);
		EXPECT_EQ(taihu_bo_dev_addr(bo[i]), bi.dev_addr);
		EXPECT_EQ(0, bi.dev_addr % DRM_TAIHU_PAGE_SIZE);
		EXPECT_LE(bi.dev_addr + bi.bo_size, va_size)
			TH_LOG("BO at 0x%llx outside the %llu-byte VA space",
			       (unsigned long long)bi.dev_addr,
			       (unsigned long long)va_size);
		EXPECT_EQ(0, bi.flags);
		EXPECT_NE(0, bi.mmap_offset);
		/* No two BOs of a context share device addresses. */
		for (j = 0; j < i; j++)
			EXPECT_FALSE(tm_overlap(taihu_bo_dev_addr(bo[i]),
						taihu_bo_size(bo[i]),
						taihu_bo_dev_addr(bo[j]),
						taihu_bo_size(bo[j])))
				TH_LOG("BOs %zu and %zu overlap", i, j);
	}
	for (i = 0; i < 2 * NUM_PLACEMENTS; i++)
		taihu_bo_free(bo[i]);
}

TEST_F(mem, size_zero_is_einval)
{
	struct drm_taihu_bo_create c = { 0 };
	size_t k;

	for (k = 0; k < NUM_PLACEMENTS; k++) {
		c.size = 0;
		c.placement = placements[k];
		EXPECT_EQ(-EINVAL, bo_create_raw(self->fd, &c));
	}
}

TEST_F(mem, huge_size_is_enomem)
{
	struct drm_taihu_bo_create c = { 0 };
	uint64_t ram = 0;
	size_t k;
	int ret;

	c.placement = VRAM;
	c.size = self->info.vram_size + 4096;
	EXPECT_EQ(-ENOMEM, bo_create_raw(self->fd, &c));
	c.size = self->info.vram_size * 2;
	EXPECT_EQ(-ENOMEM, bo_create_raw(self->fd, &c));

	ASSERT_EQ(0, tm_meminfo("MemTotal", &ram));
	c.placement = HOST;
	c.size = ram * 2;
	ret = bo_create_raw(self->fd, &c);
	EXPECT_EQ(-ENOMEM, ret) TH_LOG("HOST BO of twice the RAM: %d", ret);
	c.size = 1ULL << 42;	/* beyond any VA space */
	ret = bo_create_raw(self->fd, &c);
	EXPECT_EQ(-ENOMEM, ret) TH_LOG("HOST BO of 4 TiB: %d", ret);

	/* Sizes whose page round-up overflows: refused, whatever the errno. */
	for (k = 0; k < NUM_PLACEMENTS; k++) {
		c.placement = placements[k];
		c.size = UINT64_MAX;
		ret = bo_create_raw(self->fd, &c);
		EXPECT_TRUE(ret == -ENOMEM || ret == -EINVAL || ret == -E2BIG)
			TH_LOG("%s UINT64_MAX: %d",
			       taihu_placement_name(placements[k]), ret);
		c.size = UINT64_MAX - 4095;
		ret = bo_create_raw(self->fd, &c);
		EXPECT_TRUE(ret == -ENOMEM || ret == -EINVAL || ret == -E2BIG)
			TH_LOG("%s UINT64_MAX - 4095: %d",
			       taihu_placement_name(placements[k]), ret);
	}
}

TEST_F(mem, unknown_placement_and_flags_are_einval)
{
	static const uint32_t bad_placements[] = { 2, 3, 99, 0x80000000u,
						   UINT32_MAX };
	struct drm_taihu_bo_create c = { .size = 4096 };
	size_t k;

	for (k = 0; k < sizeof(bad_placements) / sizeof(bad_placements[0]); k++) {
		c.placement = bad_placements[k];
		EXPECT_EQ(-EINVAL, bo_create_raw(self->fd, &c))
			TH_LOG("placement %u", bad_placements[k]);
	}
	for (k = 0; k < NUM_PLACEMENTS; k++) {
		c.placement = placements[k];
		c.flags = 1;
		EXPECT_EQ(-EINVAL, bo_create_raw(self->fd, &c));
		c.flags = 0x80000000u;
		EXPECT_EQ(-EINVAL, bo_create_raw(self->fd, &c));
		c.flags = 0;
		c.pad = 1;
		EXPECT_EQ(-EINVAL, bo_create_raw(self->fd, &c));
		c.pad = 0;
		EXPECT_EQ(0, bo_create_raw(self->fd, &c));
	}
}

TEST_F(mem, mmap_past_the_end_fails)
{
	struct taihu_bo_info bi = { .size = sizeof(bi) };
	struct taihu_bo *bo;
	void *p;
	size_t k;

	for (k = 0; k < NUM_PLACEMENTS; k++) {
		ASSERT_EQ(0, taihu_bo_create(self->dev, 8192, placements[k], &bo));
		ASSERT_EQ(0, taihu_bo_info(self->dev, taihu_bo_handle(bo), &bi));
		/* One page more than the BO. */
		p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
			 self->fd, (off_t)bi.mmap_offset);
		EXPECT_EQ(MAP_FAILED, p) TH_LOG("%s: 12 KiB map of an 8 KiB BO",
						taihu_placement_name(placements[k]));
		if (p != MAP_FAILED)
			munmap(p, 3 * 4096);
		/* Starting right after the BO. */
		p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, self->fd,
			 (off_t)(bi.mmap_offset + 8192));
		EXPECT_EQ(MAP_FAILED, p) TH_LOG("%s: map after the end",
						taihu_placement_name(placements[k]));
		if (p != MAP_FAILED)
			munmap(p, 4096);
		/* The exact size works, both pages can be written. */
		p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED,
			 self->fd, (off_t)bi.mmap_offset);
		ASSERT_NE(MAP_FAILED, p);
		memset(p, 0x42, 8192);
		EXPECT_EQ(0x42, ((volatile uint8_t *)p)[8191]);
		munmap(p, 8192);
		taihu_bo_free(bo);
	}
}

TEST_F(mem, double_close_is_einval)
{
	struct drm_taihu_bo_create c = { .size = 4096 };
	struct drm_gem_close cl = { 0 };
	size_t k;

	for (k = 0; k < NUM_PLACEMENTS; k++) {
		c.placement = placements[k];
		ASSERT_EQ(0, tt_ioctl(self->fd, DRM_IOCTL_TAIHU_BO_CREATE, &c));
		cl.handle = c.handle;
		EXPECT_EQ(0, tt_ioctl(self->fd, DRM_IOCTL_GEM_CLOSE, &cl));
		EXPECT_EQ(-EINVAL, tt_ioctl(self->fd, DRM_IOCTL_GEM_CLOSE, &cl));
	}
}

TEST_F(mem, use_after_close_is_refused)
{
	struct drm_taihu_bo_create c = { .size = 8192 };
	struct drm_gem_close cl = { 0 };
	struct drm_taihu_bo_info bi = { 0 };
	struct drm_taihu_submit s = { 0 };
	struct taihu_cmdbuf *cb;
	struct taihu_bo *cmd;
	uint32_t handle;
	int prime_fd = -1;
	size_t k;
	void *p;

	ASSERT_EQ(0, taihu_cmdbuf_new(&cb));
	ASSERT_EQ(0, taihu_cmdbuf_nop(cb, 8));
	ASSERT_EQ(0, taihu_cmdbuf_upload(cb, self->dev, &cmd));
	for (k = 0; k < NUM_PLACEMENTS; k++) {
		c.placement = placements[k];
		ASSERT_EQ(0, tt_ioctl(self->fd, DRM_IOCTL_TAIHU_BO_CREATE, &c));
		handle = c.handle;
		bi.handle = handle;
		ASSERT_EQ(0, tt_ioctl(self->fd, DRM_IOCTL_TAIHU_BO_INFO, &bi));
		cl.handle = handle;
		ASSERT_EQ(0, tt_ioctl(self->fd, DRM_IOCTL_GEM_CLOSE, &cl));

		EXPECT_EQ(-ENOENT, tt_ioctl(self->fd, DRM_IOCTL_TAIHU_BO_INFO, &bi));
		/* As a BO of a job, and as its command buffer. */
		memset(&s, 0, sizeof(s));
		s.priority = DRM_TAIHU_PRIORITY_NORMAL;
		s.cmd_handle = taihu_bo_handle(cmd);
		s.cmd_len = 8;
		s.bo_handles = (uintptr_t)&handle;
		s.bo_count = 1;
		EXPECT_EQ(-ENOENT, tt_ioctl(self->fd, DRM_IOCTL_TAIHU_SUBMIT, &s));
		s.bo_count = 0;
		s.bo_handles = 0;
		s.cmd_handle = handle;
		EXPECT_EQ(-ENOENT, tt_ioctl(self->fd, DRM_IOCTL_TAIHU_SUBMIT, &s));
		EXPECT_NE(0, drmPrimeHandleToFD(self->fd, handle, DRM_CLOEXEC,
						&prime_fd));
		EXPECT_EQ(ENOENT, errno);
		/* The freed BO's mmap offset is gone. */
		p = mmap(NULL, 8192, PROT_READ, MAP_SHARED, self->fd,
			 (off_t)bi.mmap_offset);
		EXPECT_EQ(MAP_FAILED, p);
		if (p != MAP_FAILED)
			munmap(p, 8192);
	}
	taihu_bo_free(cmd);
	taihu_cmdbuf_free(cb);
}

TEST_F(mem, mapping_outlives_close)
{
	enum { N = 8, SIZE = 64 * 1024 };
	struct drm_taihu_bo_create c = { .size = SIZE };
	struct drm_taihu_bo_info bi = { 0 };
	struct drm_gem_close cl = { 0 };
	struct taihu_job_result res = { .size = sizeof(res) };
	struct taihu_bo *other[N];
	uint8_t *p, *q;
	size_t k, i;

	/*
	 * A CPU mapping holds its BO after the handle is closed: its memory
	 * must not be handed to new BOs while the old mapping can write it.
	 */
	for (k = 0; k < NUM_PLACEMENTS; k++) {
		c.placement = placements[k];
		ASSERT_EQ(0, tt_ioctl(self->fd, DRM_IOCTL_TAIHU_BO_CREATE, &c));
		bi.handle = c.handle;
		ASSERT_EQ(0, tt_ioctl(self->fd, DRM_IOCTL_TAIHU_BO_INFO, &bi));
		p = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
			 self->fd, (off_t)bi.mmap_offset);
		ASSERT_NE(MAP_FAILED, p);
		memset(p, 0x11, SIZE);
		cl.handle = c.handle;
		ASSERT_EQ(0, tt_ioctl(self->fd, DRM_IOCTL_GEM_CLOSE, &cl));

		for (i = 0; i < N; i++) {
			ASSERT_EQ(0, taihu_bo_create(self->dev, SIZE,
						     placements[k], &other[i]));
			EXPECT_EQ(0, taihu_fill(other[i], 0, SIZE, 0x22222222u,
						TT_JOB_TIMEOUT_NS, &res));
		}
		EXPECT_EQ(SIZE, tm_first_not(p, 0x11, SIZE))
			TH_LOG("%s: a new BO wrote into a closed BO's mapping",
			       taihu_placement_name(placements[k]));
		memset(p, 0x33, SIZE);
		for (i = 0; i < N; i++) {
			ASSERT_EQ(0, taihu_bo_map(other[i], (void **)&q));
			EXPECT_EQ(SIZE, tm_first_not(q, 0x22, SIZE))
				TH_LOG("%s: the closed BO's mapping wrote into BO %zu",
				       taihu_placement_name(placements[k]), i);
			taihu_bo_free(other[i]);
		}
		EXPECT_EQ(0, munmap(p, SIZE));
	}
}

TEST_F_TIMEOUT(mem, vram_exhaustion_then_usable, 120)
{
	static const uint64_t chunks[] = { 16 * TM_MiB, TM_MiB, 4096 };
	struct taihu_bo **bos;
	struct taihu_job_result res = { .size = sizeof(res) };
	struct tm_counters before, after;
	struct taihu_bo *big;
	size_t n = 0, cap, k, i;
	uint64_t held = 0;
	int ret;

	ASSERT_EQ(0, tm_counters(self->dev, &before));
	cap = (size_t)(self->info.vram_size / 4096) + 64;
	bos = calloc(cap, sizeof(*bos));
	ASSERT_NE(NULL, bos);
	for (k = 0; k < sizeof(chunks) / sizeof(chunks[0]); k++) {
		for (;;) {
			ASSERT_LT(n, cap) TH_LOG("VRAM never ran out");
			/* Bounded: more than VRAM can hold means a bug. */
			ASSERT_LE(held, self->info.vram_size);
			ret = taihu_bo_create(self->dev, chunks[k], VRAM, &bos[n]);
			if (ret)
				break;
			held += chunks[k];
			n++;
		}
		EXPECT_EQ(-ENOMEM, ret) TH_LOG("%" PRIu64 "-byte BO: %s",
					       chunks[k], taihu_strerror(ret));
	}
	TH_LOG("VRAM full after %zu BOs, %" PRIu64 " MiB of %" PRIu64 " MiB",
	       n, held / TM_MiB, self->info.vram_size / TM_MiB);
	EXPECT_GE(held + 32 * TM_MiB, self->info.vram_size / 2)
		TH_LOG("only %" PRIu64 " MiB allocatable", held / TM_MiB);
	/* Still full: another try fails the same way. */
	EXPECT_EQ(-ENOMEM, taihu_bo_create(self->dev, 4096, VRAM, &big));

	for (i = 0; i < n; i++)
		taihu_bo_free(bos[i]);
	free(bos);

	ASSERT_EQ(0, tm_counters(self->dev, &after));
	EXPECT_EQ(before.ctx_vram_used, after.ctx_vram_used);
	EXPECT_GE(after.dev_vram_used, before.dev_vram_used);
	EXPECT_LE(after.dev_vram_used, before.dev_vram_used +
		  TM_PT_SLACK(self->info.vram_size))
		TH_LOG("VRAM used %" PRIu64 " before, %" PRIu64 " after",
		       before.dev_vram_used, after.dev_vram_used);

	/* Everything works again: a big BO, a job on it. */
	ASSERT_EQ(0, taihu_bo_create(self->dev, 16 * TM_MiB, VRAM, &big));
	EXPECT_EQ(0, taihu_fill(big, 0, 16 * TM_MiB, 0x01020304u,
				TT_JOB_TIMEOUT_NS, &res));
	taihu_bo_free(big);
}

/* The fdinfo key of @kv (n) that grew by exactly @delta against @old. */
static const char *grown_key(const struct tm_fdinfo_kv *old, int nold,
			     const struct tm_fdinfo_kv *kv, int n,
			     uint64_t delta, int *count)
{
	const char *key = NULL;
	uint64_t was;
	int i;

	*count = 0;
	for (i = 0; i < n; i++) {
		was = tm_fdinfo_get(old, nold, kv[i].key);
		if (was == UINT64_MAX)
			was = 0;
		if (kv[i].bytes != was) {
			(*count)++;
			if (kv[i].bytes - was == delta)
				key = kv[i].key;
		}
	}
	return key;
}

static void log_fdinfo(struct __test_metadata *_metadata, const char *what,
		       const struct tm_fdinfo_kv *kv, int n)
{
	int i;

	for (i = 0; i < n; i++)
		TH_LOG("%s %s: %" PRIu64, what, kv[i].key, kv[i].bytes);
}

TEST_F(mem, counters_move_by_allocated_amounts)
{
	static const uint64_t sizes[] = { 4 * TM_MiB + 4096, 12 * 1024 };
	struct tm_fdinfo_kv f0[TM_FDINFO_MAX], f1[TM_FDINFO_MAX];
	struct tm_fdinfo_kv o0[TM_FDINFO_MAX], o1[TM_FDINFO_MAX];
	struct tm_counters c0, c1, c2;
	struct taihu_device *other;
	const char *slot = self->desc.pci_slot, *key;
	uint64_t s_vram0, s_vram1, s_host0, s_host1, size, vram_total;
	struct taihu_bo *bo;
	int n0, n1, no0, no1, changed;
	size_t k, i;

	ASSERT_EQ(0, tm_sysfs_u64(slot, "vram_total", &vram_total))
		TH_LOG("no sysfs vram_total on %s", slot);
	EXPECT_EQ(self->info.vram_size, vram_total);
	ASSERT_EQ(0, tm_reopen(self->dev, &other));

	for (k = 0; k < NUM_PLACEMENTS; k++) {
		for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			const char *pname = taihu_placement_name(placements[k]);

			size = sizes[i];
			n0 = tm_fdinfo(self->fd, "drm-total-", f0, TM_FDINFO_MAX);
			no0 = tm_fdinfo(taihu_device_fd(other), "drm-total-",
					o0, TM_FDINFO_MAX);
			ASSERT_EQ(0, tm_counters(self->dev, &c0));
			ASSERT_EQ(0, tm_sysfs_u64(slot, "vram_used", &s_vram0));
			ASSERT_EQ(0, tm_sysfs_u64(slot, "host_used", &s_host0));

			ASSERT_EQ(0, taihu_bo_create(self->dev, size,
						     placements[k], &bo));
			ASSERT_EQ(size, taihu_bo_size(bo));
			n1 = tm_fdinfo(self->fd, "drm-total-", f1, TM_FDINFO_MAX);
			no1 = tm_fdinfo(taihu_device_fd(other), "drm-total-",
					o1, TM_FDINFO_MAX);
			ASSERT_EQ(0, tm_counters(self->dev, &c1));
			ASSERT_EQ(0, tm_sysfs_u64(slot, "vram_used", &s_vram1));
			ASSERT_EQ(0, tm_sysfs_u64(slot, "host_used", &s_host1));
			taihu_bo_free(bo);
			ASSERT_EQ(0, tm_counters(self->dev, &c2));

			TH_LOG("%s %" PRIu64 " bytes: device vram %+" PRId64
			       " host %+" PRId64 ", context vram %+" PRId64
			       " host %+" PRId64, pname, size,
			       (int64_t)(c1.dev_vram_used - c0.dev_vram_used),
			       (int64_t)(c1.dev_host_used - c0.dev_host_used),
			       (int64_t)(c1.ctx_vram_used - c0.ctx_vram_used),
			       (int64_t)(c1.ctx_host_used - c0.ctx_host_used));
			/* Sysfs and QUERY agree (nothing else runs). */
			EXPECT_EQ(c0.dev_vram_used, s_vram0);
			EXPECT_EQ(c1.dev_vram_used, s_vram1);
			EXPECT_EQ(c0.dev_host_used, s_host0);
			EXPECT_EQ(c1.dev_host_used, s_host1);

			if (placements[k] == VRAM) {
				EXPECT_EQ(size, c1.ctx_vram_used - c0.ctx_vram_used);
				EXPECT_EQ(c0.ctx_host_used, c1.ctx_host_used);
				/* Page tables come out of VRAM too. */
				EXPECT_GE(c1.dev_vram_used - c0.dev_vram_used, size);
				EXPECT_LE(c1.dev_vram_used - c0.dev_vram_used,
					  size + TM_PT_SLACK(size));
				EXPECT_EQ(c0.dev_host_used, c1.dev_host_used);
			} else {
				EXPECT_EQ(size, c1.ctx_host_used - c0.ctx_host_used);
				EXPECT_EQ(c0.ctx_vram_used, c1.ctx_vram_used);
				EXPECT_EQ(size, c1.dev_host_used - c0.dev_host_used);
				EXPECT_LE(c1.dev_vram_used - c0.dev_vram_used,
					  TM_PT_SLACK(size));
			}
			/* Freed: this file's counters are back exactly. */
			EXPECT_EQ(c0.ctx_vram_used, c2.ctx_vram_used);
			EXPECT_EQ(c0.ctx_host_used, c2.ctx_host_used);
			EXPECT_EQ(c0.dev_host_used, c2.dev_host_used);
			EXPECT_GE(c2.dev_vram_used, c0.dev_vram_used);
			EXPECT_LE(c2.dev_vram_used, c0.dev_vram_used +
				  TM_PT_SLACK(size));

			/* fdinfo: one region of this file grew by the size. */
			ASSERT_LT(0, n1) TH_LOG("no drm-total-* in fdinfo");
			key = grown_key(f0, n0, f1, n1, size, &changed);
			EXPECT_NE(NULL, key) TH_LOG("%s: no drm-total-* grew by %"
						    PRIu64, pname, size);
			EXPECT_EQ(1, changed);
			if (key && placements[k] == VRAM)
				EXPECT_NE(NULL, strstr(key, "vram"))
					TH_LOG("VRAM BO counted in %s", key);
			if (key && placements[k] == HOST)
				EXPECT_EQ(NULL, strstr(key, "vram"))
					TH_LOG("HOST BO counted in %s", key);
			if (!TM_OK(_metadata)) {
				log_fdinfo(_metadata, "before", f0, n0);
				log_fdinfo(_metadata, "after", f1, n1);
			}
			/* Another file's fdinfo does not see it. */
			key = grown_key(o0, no0, o1, no1, size, &changed);
			EXPECT_EQ(0, changed) TH_LOG("other file's fdinfo changed");
		}
	}
	taihu_device_close(other);
}

TEST_F(mem, sysfs_identity)
{
	char buf[64], num[32];
	const char *slot = self->desc.pci_slot;

	ASSERT_EQ(0, tm_sysfs_str(slot, "serial", buf, sizeof(buf)));
	EXPECT_STREQ(self->info.serial, buf);
	ASSERT_EQ(0, tm_sysfs_str(slot, "fw_version", buf, sizeof(buf)));
	snprintf(num, sizeof(num), "%u.%u.%u", self->info.fw_version >> 16,
		 (self->info.fw_version >> 8) & 0xff,
		 self->info.fw_version & 0xff);
	EXPECT_TRUE(!strcmp(buf, self->info.fw_version_str) ||
		    strstr(buf, num))
		TH_LOG("sysfs fw_version '%s', QUERY '%s' (%s)", buf,
		       self->info.fw_version_str, num);
}

TEST_F(mem, library_helpers_check_their_arguments)
{
	struct taihu_job_result res = { .size = sizeof(res) };
	struct taihu_device *other;
	struct taihu_bo *a, *b, *o, *imp = (struct taihu_bo *)1;
	uint8_t buf[16] = { 0 };
	int fd;

	ASSERT_EQ(0, taihu_bo_create(self->dev, 8192, VRAM, &a));
	ASSERT_EQ(0, taihu_bo_create(self->dev, 8192, HOST, &b));
	ASSERT_EQ(0, tm_reopen(self->dev, &other));
	ASSERT_EQ(0, taihu_bo_create(other, 8192, VRAM, &o));

	EXPECT_EQ(VRAM, taihu_bo_placement(a));
	EXPECT_EQ(HOST, taihu_bo_placement(b));
	EXPECT_EQ(self->dev, taihu_bo_device(a));
	/* Ranges beyond a BO, including ones whose end wraps. */
	EXPECT_EQ(-ERANGE, taihu_copy(a, 1, b, 0, 8192, 0, &res));
	EXPECT_EQ(-ERANGE, taihu_copy(a, 0, b, 8192, 1, 0, &res));
	EXPECT_EQ(-ERANGE, taihu_copy(a, UINT64_MAX, b, 0, 2, 0, &res));
	EXPECT_EQ(-ERANGE, taihu_fill(b, 4096, 4097, 0, 0, &res));
	EXPECT_EQ(-ERANGE, taihu_fill(b, 8193, 1, 0, 0, &res));
	EXPECT_EQ(-ERANGE, taihu_bo_write(a, 8190, buf, 3));
	EXPECT_EQ(-ERANGE, taihu_bo_read(b, UINT64_MAX - 1, buf, 4));
	EXPECT_EQ(-EINVAL, taihu_copy(a, 0, b, 0, 0, 0, &res));
	EXPECT_EQ(-EINVAL, taihu_fill(a, 0, 4, 0, -1, &res));
	/* Device addresses are per file: no copies between two files' BOs. */
	EXPECT_EQ(-EXDEV, taihu_copy(a, 0, o, 0, 4096, 0, &res));
	/* Not a dma-buf. */
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_GT(0, taihu_bo_import(self->dev, fd, &imp));
	EXPECT_EQ(NULL, imp);
	close(fd);
	/* And the good cases, to the last byte. */
	EXPECT_EQ(0, taihu_fill(a, 8188, 4, 0x04030201u, 0, &res));
	EXPECT_EQ(0, taihu_copy(b, 0, a, 8188, 4, 0, &res));
	EXPECT_EQ(0, taihu_bo_read(b, 0, buf, 4));
	EXPECT_EQ(0x01, buf[0]);
	EXPECT_EQ(0x04, buf[3]);

	taihu_bo_free(o);
	taihu_device_close(other);
	taihu_bo_free(b);
	taihu_bo_free(a);
}

TEST_HARNESS_MAIN
