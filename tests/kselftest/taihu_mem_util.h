/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Helpers of the Taihu memory kselftests: memory counters (QUERY, sysfs,
 * fdinfo, /proc/meminfo), data patterns that reveal misplaced bytes, and
 * jobs whose command buffer address is known to the caller.
 */
#ifndef TAIHU_MEM_UTIL_H
#define TAIHU_MEM_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "taihu/taihu.h"

#define TM_KiB	1024ULL
#define TM_MiB	(1024ULL * 1024ULL)

/* In a kselftest: nothing has failed so far in the current test. */
#define TM_OK(metadata)	__test_passed(metadata)

/* Page tables live in VRAM: a mapping of @size may cost this much more. */
#define TM_PT_SLACK(size)	(64 * TM_KiB + (size) / 256)

/*
 * A unique 64-bit word per (seed, word index): a byte copied to the wrong
 * place, from the wrong buffer or not at all shows up in a comparison.
 */
void tm_pattern(uint8_t *p, size_t len, uint64_t seed);

/* Index of the first byte where @a and @b differ, or @len. */
size_t tm_first_diff(const uint8_t *a, const uint8_t *b, size_t len);
/* Index of the first byte of @p that is not @v, or @len. */
size_t tm_first_not(const uint8_t *p, uint8_t v, size_t len);

/* A new open file (so a new device context) on the node of @dev. */
int tm_reopen(struct taihu_device *dev, struct taihu_device **out);

/* An attribute of the PCI device @slot, e.g. "vram_used". 0 or -errno. */
int tm_sysfs_u64(const char *slot, const char *attr, uint64_t *val);
int tm_sysfs_str(const char *slot, const char *attr, char *buf, size_t len);

/* One "drm-total-REGION" (etc.) line of an fdinfo file, in bytes. */
struct tm_fdinfo_kv {
	char key[64];
	uint64_t bytes;
};

#define TM_FDINFO_MAX	32

/*
 * Read /proc/self/fdinfo/@fd and keep the keys starting with @prefix
 * (e.g. "drm-total-"), their values converted to bytes ("KiB"/"MiB"
 * suffixes). Returns the number of keys kept or -errno.
 */
int tm_fdinfo(int fd, const char *prefix, struct tm_fdinfo_kv *kv, int max);
/* Value of @key in @kv (n entries), or -1 (as uint64_t max) when absent. */
uint64_t tm_fdinfo_get(const struct tm_fdinfo_kv *kv, int n, const char *key);

/* A /proc/meminfo field in bytes, or -errno. */
int tm_meminfo(const char *field, uint64_t *bytes);

/* The device info and context info counters at one moment. */
struct tm_counters {
	uint64_t dev_vram_used;
	uint64_t dev_host_used;
	uint64_t ctx_vram_used;
	uint64_t ctx_host_used;
};

int tm_counters(struct taihu_device *dev, struct tm_counters *c);

/*
 * Upload @cb, submit it on queue 0 with @bos and wait. *@cmd_addr (may be
 * NULL) gets the command buffer's device address, *@cmd_size its size, so
 * that a test can make sure a target address is really unmapped.
 * Returns like taihu_run().
 */
int tm_run(struct taihu_device *dev, const struct taihu_cmdbuf *cb,
	   struct taihu_bo *const *bos, uint32_t nbos,
	   struct taihu_job_result *res, uint64_t *cmd_addr,
	   uint64_t *cmd_size);

/* 1 when [a, a + alen) and [b, b + blen) overlap. */
int tm_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen);

#endif /* TAIHU_MEM_UTIL_H */
