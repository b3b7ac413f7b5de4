// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Helpers of the Taihu memory kselftests.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "taihu_mem_util.h"
#include "taihu_test_util.h"

void tm_pattern(uint8_t *p, size_t len, uint64_t seed)
{
	uint64_t w;
	size_t i;

	/* splitmix64 of (seed, word index): no two words alike. */
	for (i = 0; i < len; i += 8) {
		w = tt_mix64(seed * 0x9e3779b97f4a7c15ULL + (uint64_t)(i / 8));
		memcpy(p + i, &w, len - i < 8 ? len - i : 8);
	}
}

size_t tm_first_diff(const uint8_t *a, const uint8_t *b, size_t len)
{
	size_t i = 0;

	/* memcmp() first: byte loops are slow under TCG. */
	if (!memcmp(a, b, len))
		return len;
	while (i + 4096 <= len && !memcmp(a + i, b + i, 4096))
		i += 4096;
	for (; i < len; i++)
		if (a[i] != b[i])
			return i;
	return len;
}

size_t tm_first_not(const uint8_t *p, uint8_t v, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != v)
			return i;
	return len;
}

int tm_reopen(struct taihu_device *dev, struct taihu_device **out)
{
	return taihu_device_open(taihu_device_path(dev), out);
}

int tm_sysfs_str(const char *slot, const char *attr, char *buf, size_t len)
{
	char path[256];
	uint8_t *data;
	size_t n;
	int ret;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s", slot, attr);
	ret = tt_read_file(path, &data, &n);
	if (ret)
		return ret;
	while (n && (data[n - 1] == '\n' || data[n - 1] == ' '))
		n--;
	if (n >= len) {
		free(data);
		return -E2BIG;
	}
	memcpy(buf, data, n);
	buf[n] = '\0';
	free(data);
	return 0;
}

int tm_sysfs_u64(const char *slot, const char *attr, uint64_t *val)
{
	char buf[64], *end;
	int ret;

	ret = tm_sysfs_str(slot, attr, buf, sizeof(buf));
	if (ret)
		return ret;
	errno = 0;
	*val = strtoull(buf, &end, 0);
	if (errno || end == buf || *end)
		return -EPROTO;
	return 0;
}

int tm_fdinfo(int fd, const char *prefix, struct tm_fdinfo_kv *kv, int max)
{
	char path[64], unit[8];
	unsigned long long v;
	char *line, *save = NULL, *colon;
	uint8_t *data;
	size_t len;
	int n = 0, ret;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	ret = tt_read_file(path, &data, &len);
	if (ret)
		return ret;
	for (line = strtok_r((char *)data, "\n", &save); line && n < max;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, prefix, strlen(prefix)))
			continue;
		colon = strchr(line, ':');
		if (!colon || (size_t)(colon - line) >= sizeof(kv[n].key))
			continue;
		unit[0] = '\0';
		if (sscanf(colon + 1, "%llu %7s", &v, unit) < 1)
			continue;
		if (!strcmp(unit, "KiB"))
			v *= 1024ULL;
		else if (!strcmp(unit, "MiB"))
			v *= 1024ULL * 1024ULL;
		else if (!strcmp(unit, "GiB"))
			v *= 1024ULL * 1024ULL * 1024ULL;
		memcpy(kv[n].key, line, (size_t)(colon - line));
		kv[n].key[colon - line] = '\0';
		kv[n].bytes = v;
		n++;
	}
	free(data);
	return n;
}

uint64_t tm_fdinfo_get(const struct tm_fdinfo_kv *kv, int n, const char *key)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(kv[i].key, key))
			return kv[i].bytes;
	return UINT64_MAX;
}

int tm_meminfo(const char *field, uint64_t *bytes)
{
	char line[256];
	size_t flen = strlen(field);
	unsigned long long kb;
	FILE *f;
	int ret = -ENOENT;

	f = fopen("/proc/meminfo", "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, field, flen) || line[flen] != ':')
			continue;
		if (sscanf(line + flen + 1, "%llu", &kb) == 1) {
			*bytes = kb * 1024ULL;
			ret = 0;
		}
		break;
	}
	fclose(f);
	return ret;
}

int tm_counters(struct taihu_device *dev, struct tm_counters *c)
{
	struct taihu_device_info di = { .size = sizeof(di) };
	struct taihu_context_info ci = { .size = sizeof(ci) };
	int ret;

	ret = taihu_device_info(dev, &di);
	if (!ret)
		ret = taihu_context_info(dev, &ci);
	if (ret)
		return ret;
	c->dev_vram_used = di.vram_used;
	c->dev_host_used = di.host_used;
	c->ctx_vram_used = ci.vram_used;
	c->ctx_host_used = ci.host_used;
	return 0;
}

int tm_run(struct taihu_device *dev, const struct taihu_cmdbuf *cb,
	   struct taihu_bo *const *bos, uint32_t nbos,
	   struct taihu_job_result *res, uint64_t *cmd_addr,
	   uint64_t *cmd_size)
{
	struct taihu_job j = {
		.size = sizeof(j),
		.priority = DRM_TAIHU_PRIORITY_NORMAL,
		.bos = bos,
		.bo_count = nbos,
	};
	struct taihu_bo *cmd;
	uint64_t seq;
	int ret;

	*res = (struct taihu_job_result){ .size = sizeof(*res) };
	if (cmd_addr)
		*cmd_addr = 0;
	if (cmd_size)
		*cmd_size = 0;
	ret = taihu_submit_cmdbuf(dev, cb, &j, &seq, &cmd);
	if (ret)
		return ret;
	if (cmd_addr)
		*cmd_addr = taihu_bo_dev_addr(cmd);
	if (cmd_size)
		*cmd_size = taihu_bo_size(cmd);
	ret = tt_wait_ok(dev, seq, res);
	taihu_bo_free(cmd);
	return ret;
}

int tm_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}
