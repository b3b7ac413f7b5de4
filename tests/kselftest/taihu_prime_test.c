// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * PRIME (dma-buf) sharing of buffer objects: between two open files of one
 * card (each with its own device address for the buffer; what a job of one
 * writes, the other sees), and between two cards of one guest (a host
 * memory BO of card 0 imported into card 1, written by card 1's jobs, read
 * back by card 0 through a job and through a CPU mapping). VRAM BOs do not
 * leave their card. The two-card tests are skipped with a single card.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xf86drm.h>

#include "kselftest_harness.h"
#include "taihu_mem_util.h"
#include "taihu_test_util.h"

#define SHARED_SIZE	(2 * TM_MiB + 4096)

/* Map @bo and check @len bytes at @off against @want; report the first miss. */
static void expect_bytes(struct __test_metadata *_metadata, const char *what,
			 struct taihu_bo *bo, uint64_t off, const uint8_t *want,
			 size_t len)
{
	uint8_t *p;
	size_t bad;

	ASSERT_EQ(0, taihu_bo_map(bo, (void **)&p)) TH_LOG("%s: map", what);
	bad = tm_first_diff(p + off, want, len);
	EXPECT_EQ(len, bad) TH_LOG("%s: byte %zu is 0x%02x, want 0x%02x", what,
				   bad, p[off + bad], want[bad]);
}

/* @len bytes of the FILL pattern @value. */
static void fill_bytes(uint8_t *p, size_t len, uint32_t value)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(value >> (8 * (i % 4)));
}

/* ---- one card, two open files ------------------------------------------ */

FIXTURE(one_card)
{
	struct taihu_device *a, *b;	/* two files of card 0 */
	uint8_t *want;
};

FIXTURE_VARIANT(one_card)
{
	uint32_t placement;
};

FIXTURE_VARIANT_ADD(one_card, vram) { .placement = DRM_TAIHU_PLACEMENT_VRAM };
FIXTURE_VARIANT_ADD(one_card, host) { .placement = DRM_TAIHU_PLACEMENT_HOST };

FIXTURE_SETUP(one_card)
{
	int ret;

	ret = tt_open_first(&self->a, NULL);
	ASSERT_EQ(0, ret) TH_LOG("no Taihu device: %s", taihu_strerror(ret));
	ASSERT_EQ(0, tm_reopen(self->a, &self->b));
	self->want = malloc(SHARED_SIZE);
	ASSERT_NE(NULL, self->want);
	tm_pattern(self->want, SHARED_SIZE, 0x5a4ed + variant->placement);
}

FIXTURE_TEARDOWN(one_card)
{
	free(self->want);
	taihu_device_close(self->b);
	taihu_device_close(self->a);
}

TEST_F(one_card, export_import_and_share_writes)
{
	struct taihu_bo_info ia = { .size = sizeof(ia) };
	struct taihu_bo_info ib = { .size = sizeof(ib) };
	struct taihu_job_result res = { .size = sizeof(res) };
	struct taihu_bo *bo_a, *bo_b, *own_b, *own_a;
	uint8_t *fill;
	int dmabuf;

	ASSERT_EQ(0, taihu_bo_create(self->a, SHARED_SIZE, variant->placement,
				     &bo_a));
	ASSERT_EQ(0, taihu_bo_write(bo_a, 0, self->want, SHARED_SIZE));
	ASSERT_EQ(0, taihu_bo_export(bo_a, &dmabuf));
	ASSERT_LE(0, dmabuf);
	/* B has a BO of its own first: the import gets another address there. */
	ASSERT_EQ(0, taihu_bo_create(self->b, SHARED_SIZE,
				     DRM_TAIHU_PLACEMENT_VRAM, &own_b));
	ASSERT_EQ(0, taihu_bo_import(self->b, dmabuf, &bo_b));
	EXPECT_EQ(0, close(dmabuf));

	ASSERT_EQ(0, taihu_bo_info(self->a, taihu_bo_handle(bo_a), &ia));
	ASSERT_EQ(0, taihu_bo_info(self->b, taihu_bo_handle(bo_b), &ib));
	EXPECT_EQ(ia.bo_size, ib.bo_size);
	EXPECT_EQ(variant->placement, ib.placement);
	EXPECT_EQ(0, ib.dev_addr % DRM_TAIHU_PAGE_SIZE);
	TH_LOG("%s BO: device address 0x%llx in file A, 0x%llx in file B (B's own"
	       " BO at 0x%llx)", taihu_placement_name(variant->placement),
	       (unsigned long long)ia.dev_addr, (unsigned long long)ib.dev_addr,
	       (unsigned long long)taihu_bo_dev_addr(own_b));
	EXPECT_FALSE(tm_overlap(ib.dev_addr, ib.bo_size, taihu_bo_dev_addr(own_b),
				taihu_bo_size(own_b)));

	/* B's CPU mapping of the import sees A's data. */
	expect_bytes(_metadata, "B's mapping of A's data", bo_b, 0, self->want,
		     SHARED_SIZE);
	/* B's job reads it through B's own address for it. */
	ASSERT_EQ(0, taihu_copy(own_b, 0, bo_b, 0, SHARED_SIZE,
				TT_JOB_TIMEOUT_NS, &res))
		TH_LOG("B's copy: %s at 0x%" PRIx64,
		       taihu_job_status_name(res.status), res.error_addr);
	expect_bytes(_metadata, "B's job read A's data", own_b, 0, self->want,
		     SHARED_SIZE);

	/* B's job writes; A sees it through its mapping and its own job. */
	ASSERT_EQ(0, taihu_fill(bo_b, 4093, 70000, 0xfeedc0deu,
				TT_JOB_TIMEOUT_NS, &res));
	fill = malloc(70000);
	ASSERT_NE(NULL, fill);
	fill_bytes(fill, 70000, 0xfeedc0deu);
	memcpy(self->want + 4093, fill, 70000);
	free(fill);
	expect_bytes(_metadata, "A's mapping after B's FILL", bo_a, 0,
		     self->want, SHARED_SIZE);
	ASSERT_EQ(0, taihu_bo_create(self->a, SHARED_SIZE,
				     DRM_TAIHU_PLACEMENT_HOST, &own_a));
	ASSERT_EQ(0, taihu_copy(own_a, 0, bo_a, 0, SHARED_SIZE,
				TT_JOB_TIMEOUT_NS, &res));
	expect_bytes(_metadata, "A's job after B's FILL", own_a, 0, self->want,
		     SHARED_SIZE);

	taihu_bo_free(own_a);
	taihu_bo_free(own_b);
	taihu_bo_free(bo_b);
	taihu_bo_free(bo_a);
}

TEST_F(one_card, import_into_the_exporting_file_is_the_same_bo)
{
	struct taihu_bo *bo;
	uint32_t handle = 0;
	int dmabuf;

	ASSERT_EQ(0, taihu_bo_create(self->a, 65536, variant->placement, &bo));
	ASSERT_EQ(0, taihu_bo_export(bo, &dmabuf));
	ASSERT_EQ(0, drmPrimeFDToHandle(taihu_device_fd(self->a), dmabuf, &handle));
	EXPECT_EQ(taihu_bo_handle(bo), handle);
	close(dmabuf);
	taihu_bo_free(bo);
}

TEST_F(one_card, import_outlives_the_exporter)
{
	struct tm_counters base, held, after;
	struct taihu_job_result res = { .size = sizeof(res) };
	struct taihu_bo *bo_a, *bo_b;
	uint8_t *fill;
	int dmabuf;

	ASSERT_EQ(0, tm_counters(self->a, &base));
	ASSERT_EQ(0, taihu_bo_create(self->a, SHARED_SIZE, variant->placement,
				     &bo_a));
	ASSERT_EQ(0, taihu_bo_export(bo_a, &dmabuf));
	ASSERT_EQ(0, taihu_bo_import(self->b, dmabuf, &bo_b));
	ASSERT_EQ(0, tm_counters(self->a, &held));
	/* A's handle and the dma-buf go away; B's import keeps the memory. */
	close(dmabuf);
	taihu_bo_free(bo_a);
	ASSERT_EQ(0, taihu_fill(bo_b, 0, SHARED_SIZE, 0x600d600du,
				TT_JOB_TIMEOUT_NS, &res))
		TH_LOG("B's FILL after A let go: %s",
		       taihu_job_status_name(res.status));
	fill = malloc(SHARED_SIZE);
	ASSERT_NE(NULL, fill);
	fill_bytes(fill, SHARED_SIZE, 0x600d600du);
	expect_bytes(_metadata, "import after the exporter closed", bo_b, 0,
		     fill, SHARED_SIZE);
	free(fill);
	taihu_bo_free(bo_b);

	/* All gone: the device's memory counters are back. */
	ASSERT_EQ(0, tm_counters(self->a, &after));
	if (variant->placement == DRM_TAIHU_PLACEMENT_HOST) {
		EXPECT_EQ(SHARED_SIZE, held.dev_host_used - base.dev_host_used);
		EXPECT_EQ(base.dev_host_used, after.dev_host_used);
	} else {
		EXPECT_GE(held.dev_vram_used - base.dev_vram_used, SHARED_SIZE);
		EXPECT_LE(after.dev_vram_used, base.dev_vram_used +
			  2 * TM_PT_SLACK(SHARED_SIZE));
	}
	EXPECT_EQ(base.ctx_vram_used, after.ctx_vram_used);
	EXPECT_EQ(base.ctx_host_used, after.ctx_host_used);
}

/* ---- two cards ------------------------------------------------------------ */

FIXTURE(two_cards)
{
	struct taihu_device *c0, *c1;
	uint8_t *want;
};

FIXTURE_SETUP(two_cards)
{
	struct tt_device d[2];
	int n;

	self->c0 = self->c1 = NULL;
	self->want = NULL;
	n = tt_enumerate(d, 2);
	ASSERT_LE(1, n) TH_LOG("no Taihu device: %s", taihu_strerror(n));
	if (n < 2)
		SKIP(return, "one Taihu card only; PRIME between cards needs two");
	ASSERT_EQ(0, taihu_device_open(d[0].node, &self->c0));
	ASSERT_EQ(0, taihu_device_open(d[1].node, &self->c1));
	TH_LOG("card 0: %s (%s), card 1: %s (%s)", d[0].node, d[0].pci_slot,
	       d[1].node, d[1].pci_slot);
	self->want = malloc(SHARED_SIZE);
	ASSERT_NE(NULL, self->want);
	tm_pattern(self->want, SHARED_SIZE, 0xc0ffee);
}

FIXTURE_TEARDOWN(two_cards)
{
	free(self->want);
	taihu_device_close(self->c1);
	taihu_device_close(self->c0);
}

TEST_F(two_cards, host_bo_written_by_card1_read_by_card0)
{
	struct tm_counters base0, base1, held0, held1;
	struct taihu_job_result res = { .size = sizeof(res) };
	struct taihu_bo *shared0, *shared1, *src1, *check0;
	const uint64_t off = 4096 + 3;	/* unaligned, crossing pages */
	const uint64_t len = SHARED_SIZE - 8192;
	uint8_t *p, *expect;
	int dmabuf;

	ASSERT_EQ(0, tm_counters(self->c0, &base0));
	ASSERT_EQ(0, tm_counters(self->c1, &base1));
	ASSERT_EQ(0, taihu_bo_create(self->c0, SHARED_SIZE,
				     DRM_TAIHU_PLACEMENT_HOST, &shared0));
	ASSERT_EQ(0, taihu_bo_map(shared0, (void **)&p));
	memset(p, 0xcc, SHARED_SIZE);
	ASSERT_EQ(0, taihu_bo_export(shared0, &dmabuf));
	ASSERT_EQ(0, taihu_bo_import(self->c1, dmabuf, &shared1));
	close(dmabuf);
	EXPECT_EQ(DRM_TAIHU_PLACEMENT_HOST, taihu_bo_placement(shared1));
	EXPECT_EQ(SHARED_SIZE, taihu_bo_size(shared1));

	/* Card 1 copies its own VRAM data into card 0's buffer. */
	ASSERT_EQ(0, taihu_bo_create(self->c1, SHARED_SIZE,
				     DRM_TAIHU_PLACEMENT_VRAM, &src1));
	ASSERT_EQ(0, taihu_bo_write(src1, 0, self->want, SHARED_SIZE));
	ASSERT_EQ(0, taihu_copy(shared1, off, src1, 0, len, TT_JOB_TIMEOUT_NS,
				&res))
		TH_LOG("card 1's copy into the import: %s at 0x%" PRIx64,
		       taihu_job_status_name(res.status), res.error_addr);

	expect = malloc(SHARED_SIZE);
	ASSERT_NE(NULL, expect);
	memset(expect, 0xcc, SHARED_SIZE);
	memcpy(expect + off, self->want, len);
	/* Card 0 reads it back through its mapping ... */
	expect_bytes(_metadata, "card 0's mapping", shared0, 0, expect,
		     SHARED_SIZE);
	/* ... and through a job of its own. */
	ASSERT_EQ(0, taihu_bo_create(self->c0, SHARED_SIZE,
				     DRM_TAIHU_PLACEMENT_VRAM, &check0));
	ASSERT_EQ(0, taihu_copy(check0, 0, shared0, 0, SHARED_SIZE,
				TT_JOB_TIMEOUT_NS, &res));
	expect_bytes(_metadata, "card 0's job", check0, 0, expect, SHARED_SIZE);

	/* The other way: card 0's FILL, read by card 1's job. */
	ASSERT_EQ(0, taihu_fill(shared0, 0, SHARED_SIZE, 0x0c0c0c0cu,
				TT_JOB_TIMEOUT_NS, &res));
	ASSERT_EQ(0, taihu_copy(src1, 0, shared1, 0, SHARED_SIZE,
				TT_JOB_TIMEOUT_NS, &res));
	fill_bytes(expect, SHARED_SIZE, 0x0c0c0c0cu);
	expect_bytes(_metadata, "card 1 reading card 0's FILL", src1, 0, expect,
		     SHARED_SIZE);
	free(expect);

	/* The memory is card 0's: card 1 does not count it as its own. */
	ASSERT_EQ(0, tm_counters(self->c0, &held0));
	ASSERT_EQ(0, tm_counters(self->c1, &held1));
	EXPECT_EQ(SHARED_SIZE, held0.dev_host_used - base0.dev_host_used);
	EXPECT_EQ(base1.dev_host_used, held1.dev_host_used);

	taihu_bo_free(check0);
	taihu_bo_free(src1);
	taihu_bo_free(shared1);
	taihu_bo_free(shared0);
}

TEST_F(two_cards, import_outlives_the_exporting_card_file)
{
	struct taihu_job_result res = { .size = sizeof(res) };
	struct taihu_device *tmp0;
	struct taihu_bo *shared0, *shared1, *dst1;
	struct tm_counters base0, after0;
	uint8_t *expect;
	int dmabuf, i;

	/* A separate file of card 0, closed while card 1 still uses the BO. */
	ASSERT_EQ(0, tm_reopen(self->c0, &tmp0));
	ASSERT_EQ(0, tm_counters(self->c0, &base0));
	ASSERT_EQ(0, taihu_bo_create(tmp0, SHARED_SIZE,
				     DRM_TAIHU_PLACEMENT_HOST, &shared0));
	ASSERT_EQ(0, taihu_bo_write(shared0, 0, self->want, SHARED_SIZE));
	ASSERT_EQ(0, taihu_bo_export(shared0, &dmabuf));
	ASSERT_EQ(0, taihu_bo_import(self->c1, dmabuf, &shared1));
	close(dmabuf);
	taihu_bo_free(shared0);
	taihu_device_close(tmp0);

	ASSERT_EQ(0, taihu_bo_create(self->c1, SHARED_SIZE,
				     DRM_TAIHU_PLACEMENT_HOST, &dst1));
	ASSERT_EQ(0, taihu_copy(dst1, 0, shared1, 0, SHARED_SIZE,
				TT_JOB_TIMEOUT_NS, &res))
		TH_LOG("card 1's copy after card 0's file closed: %s",
		       taihu_job_status_name(res.status));
	expect_bytes(_metadata, "card 1 read the orphaned import", dst1, 0,
		     self->want, SHARED_SIZE);
	ASSERT_EQ(0, taihu_fill(shared1, 0, 4096, 0x12345678u,
				TT_JOB_TIMEOUT_NS, &res));
	expect = malloc(4096);
	ASSERT_NE(NULL, expect);
	fill_bytes(expect, 4096, 0x12345678u);
	expect_bytes(_metadata, "card 1's mapping of the import", shared1, 0,
		     expect, 4096);
	free(expect);
	taihu_bo_free(dst1);
	taihu_bo_free(shared1);

	/*
	 * Last reference gone: card 0's host memory is back to where it was,
	 * once the scheduler has freed card 1's ended jobs, which held the
	 * import until then (up to 10 s).
	 */
	for (i = 0; i < 500; i++) {
		ASSERT_EQ(0, tm_counters(self->c0, &after0));
		if (after0.dev_host_used == base0.dev_host_used)
			break;
		usleep(20000);
	}
	EXPECT_EQ(base0.dev_host_used, after0.dev_host_used);
}

TEST_F(two_cards, vram_bo_stays_on_its_card)
{
	struct taihu_bo *vram0, *imp = NULL;
	struct taihu_job_result res = { .size = sizeof(res) };
	int dmabuf, ret;

	ASSERT_EQ(0, taihu_bo_create(self->c0, 65536, DRM_TAIHU_PLACEMENT_VRAM,
				     &vram0));
	/* Exporting works (other files of card 0 may import it) ... */
	ASSERT_EQ(0, taihu_bo_export(vram0, &dmabuf));
	/* ... but card 1 cannot reach card 0's VRAM. */
	ret = taihu_bo_import(self->c1, dmabuf, &imp);
	EXPECT_EQ(-EOPNOTSUPP, ret)
		TH_LOG("card 1 imported card 0's VRAM BO: %s", taihu_strerror(ret));
	taihu_bo_free(imp);
	close(dmabuf);
	/* Both cards carry on. */
	EXPECT_EQ(0, taihu_fill(vram0, 0, 65536, 1, TT_JOB_TIMEOUT_NS, &res));
	EXPECT_EQ(0, tt_run_nop(self->c1, 0, &res));
	taihu_bo_free(vram0);
}

TEST_HARNESS_MAIN
