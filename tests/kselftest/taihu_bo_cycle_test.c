// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * 100,000 buffer object create/destroy cycles (TAIHU_BO_CYCLES= in the
 * environment: fewer), VRAM and host memory mixed,
 * sizes mixed, a few BOs alive at a time, some of them CPU-mapped and some
 * used by jobs (so that pinning and device mappings are exercised too).
 * Afterwards the device's VRAM and host memory counters (QUERY and sysfs)
 * must be back at their baseline exactly, and the kernel's own memory
 * (slab, vmalloc, per-cpu, page tables, kernel stacks, shmem; sampled
 * after dropping caches and shrinking the slab caches) within 2 MiB of
 * it. The figures are printed as TAP diagnostics.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

#include "kselftest_harness.h"
#include "taihu_mem_util.h"
#include "taihu_test_util.h"

#define CYCLES		100000
#define MIN_CYCLES	10000	/* the least TAIHU_BO_CYCLES may ask for */
#define WARMUP		2000
#define MAX_LIVE	8
#define TOLERANCE	(2 * TM_MiB)
#define MAP_EVERY	97	/* every Nth BO is mapped and touched */
#define JOB_EVERY	499	/* every Nth cycle runs a job on its live BOs */

/* Kernel-side memory figures of /proc/meminfo, summed into "kernel". */
static const char *const kernel_fields[] = {
	"SUnreclaim", "SReclaimable", "KernelStack", "PageTables",
	"VmallocUsed", "Percpu", "Shmem",
};
#define NUM_FIELDS	(sizeof(kernel_fields) / sizeof(kernel_fields[0]))

struct kmem {
	uint64_t v[NUM_FIELDS];
	uint64_t total;
};

static void write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	if (write(fd, s, strlen(s)) < 0) {
		/* Best effort: some caches refuse to shrink. */
	}
	close(fd);
}

/* Give back what the kernel only caches: page cache, dentries, empty slabs. */
static void settle(void)
{
	char path[512];
	struct dirent *e;
	DIR *d;

	sync();
	write_str("/proc/sys/vm/drop_caches", "3");
	d = opendir("/sys/kernel/slab");
	if (d) {
		while ((e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink",
				 e->d_name);
			write_str(path, "1");
		}
		closedir(d);
	}
	write_str("/proc/sys/vm/compact_memory", "1");
}

static int sample_kmem(struct kmem *k)
{
	size_t i;
	int ret;

	settle();
	k->total = 0;
	for (i = 0; i < NUM_FIELDS; i++) {
		ret = tm_meminfo(kernel_fields[i], &k->v[i]);
		if (ret)
			return ret;
		k->total += k->v[i];
	}
	return 0;
}

struct dev_mem {
	uint64_t vram_used, host_used;		/* QUERY */
	uint64_t sysfs_vram, sysfs_host;	/* sysfs */
};

static int sample_dev(struct taihu_device *dev, const char *slot,
		      struct dev_mem *m)
{
	struct taihu_device_info info = { .size = sizeof(info) };
	int ret;

	ret = taihu_device_info(dev, &info);
	if (!ret)
		ret = tm_sysfs_u64(slot, "vram_used", &m->sysfs_vram);
	if (!ret)
		ret = tm_sysfs_u64(slot, "host_used", &m->sysfs_host);
	m->vram_used = info.vram_used;
	m->host_used = info.host_used;
	return ret;
}

/*
 * A closed file's last jobs are freed by the scheduler shortly after they
 * end, and only then give back the memory they held: sample until the
 * counters have been still for 100 ms (10 s at most).
 */
static int sample_dev_settled(struct taihu_device *dev, const char *slot,
			      struct dev_mem *m)
{
	struct dev_mem prev;
	int ret, still = 0, n;

	ret = sample_dev(dev, slot, &prev);
	for (n = 0; !ret && still < 5 && n < 500; n++) {
		tt_sleep_ms(20);
		ret = sample_dev(dev, slot, m);
		still = memcmp(m, &prev, sizeof(*m)) ? 0 : still + 1;
		prev = *m;
	}
	*m = prev;
	return ret;
}

/* xorshift64: the same "random" sequence on every run. */
static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static uint64_t pick_size(uint64_t r)
{
	switch (r % 16) {
	case 0: case 1: case 2: case 3: case 4: case 5:
		return 4096;
	case 6: case 7: case 8:
		return 16384;
	case 9: case 10:
		return 12345;	/* rounded up by the kernel */
	case 11: case 12:
		return 65536 + 4096;
	case 13: case 14:
		return TM_MiB;
	default:
		return 4 * TM_MiB + 4096;
	}
}

struct live_bo {
	uint32_t handle;
	uint64_t size;
	uint64_t dev_addr;
};

struct cycler {
	struct taihu_device *dev;
	int fd;
	uint64_t rng;
	struct live_bo live[MAX_LIVE];
	int nlive;
	unsigned long creates, maps, jobs, enomem;
	int err;		/* first unexpected error */
	const char *err_what;
};

static void fail(struct cycler *c, const char *what, int err)
{
	if (!c->err) {
		c->err = err ? err : -EPROTO;
		c->err_what = what;
	}
}

static void destroy_one(struct cycler *c, int i)
{
	struct drm_gem_close cl = { .handle = c->live[i].handle };
	int ret = tt_ioctl(c->fd, DRM_IOCTL_GEM_CLOSE, &cl);

	if (ret)
		fail(c, "GEM_CLOSE", ret);
	c->live[i] = c->live[--c->nlive];
}

static void touch(struct cycler *c, const struct live_bo *b)
{
	struct drm_taihu_bo_info bi = { .handle = b->handle };
	volatile uint8_t *p;
	int ret;

	ret = tt_ioctl(c->fd, DRM_IOCTL_TAIHU_BO_INFO, &bi);
	if (ret) {
		fail(c, "BO_INFO", ret);
		return;
	}
	p = mmap(NULL, b->size, PROT_READ | PROT_WRITE, MAP_SHARED, c->fd,
		 (off_t)bi.mmap_offset);
	if (p == MAP_FAILED) {
		fail(c, "mmap", -errno);
		return;
	}
	p[0] = 1;
	p[b->size - 1] = 2;
	munmap((void *)p, b->size);
	c->maps++;
}

/* A FILL of the first live BO and a COPY from it into the others. */
static void run_job(struct cycler *c)
{
	struct taihu_job_result res = { .size = sizeof(res) };
	struct taihu_cmdbuf *cb;
	struct taihu_bo *cmd;
	uint32_t handles[MAX_LIVE];
	struct drm_taihu_submit s = { 0 };
	uint64_t len;
	int i, ret;

	if (!c->nlive || taihu_cmdbuf_new(&cb))
		return;
	len = c->live[0].size;
	taihu_cmdbuf_fill(cb, c->live[0].dev_addr, len, 0xc1c1e000u);
	for (i = 0; i < c->nlive; i++) {
		handles[i] = c->live[i].handle;
		if (i)
			taihu_cmdbuf_copy(cb, c->live[0].dev_addr,
					  c->live[i].dev_addr,
					  len < c->live[i].size ? len :
					  c->live[i].size);
	}
	ret = taihu_cmdbuf_upload(cb, c->dev, &cmd);
	if (ret) {
		taihu_cmdbuf_free(cb);
		if (ret != -ENOMEM)
			fail(c, "command buffer upload", ret);
		return;
	}
	s.priority = DRM_TAIHU_PRIORITY_NORMAL;
	s.cmd_handle = taihu_bo_handle(cmd);
	s.cmd_len = (uint32_t)taihu_cmdbuf_size(cb);
	s.bo_handles = (uintptr_t)handles;
	s.bo_count = (uint32_t)c->nlive;
	ret = tt_ioctl(c->fd, DRM_IOCTL_TAIHU_SUBMIT, &s);
	if (!ret)
		ret = taihu_wait(c->dev, s.seqno,
				 taihu_deadline_ns(TT_JOB_TIMEOUT_NS), &res);
	if (ret)
		fail(c, "job", ret);
	else if (res.status != DRM_TAIHU_JOB_SUCCESS)
		fail(c, taihu_job_status_name(res.status), -EIO);
	else
		c->jobs++;
	taihu_bo_free(cmd);
	taihu_cmdbuf_free(cb);
}

static void cycle(struct cycler *c, unsigned long n)
{
	struct drm_taihu_bo_create cr;
	unsigned long i;
	uint64_t r;
	int ret, k;

	for (i = 0; i < n && !c->err; i++) {
		r = next_rand(&c->rng);
		/* Keep between 1 and MAX_LIVE BOs alive; free in random order. */
		if (c->nlive == MAX_LIVE || (c->nlive && (r >> 20) % 3 == 0))
			destroy_one(c, (int)((r >> 24) % (uint64_t)c->nlive));
		memset(&cr, 0, sizeof(cr));
		cr.size = pick_size(r >> 4);
		cr.placement = (r >> 12) & 1 ? DRM_TAIHU_PLACEMENT_HOST :
			       DRM_TAIHU_PLACEMENT_VRAM;
		ret = tt_ioctl(c->fd, DRM_IOCTL_TAIHU_BO_CREATE, &cr);
		if (ret == -ENOMEM) {
			/* Possible only if something else holds VRAM; count it. */
			c->enomem++;
			continue;
		}
		if (ret) {
			fail(c, "BO_CREATE", ret);
			break;
		}
		c->creates++;
		k = c->nlive++;
		c->live[k].handle = cr.handle;
		c->live[k].size = cr.size;
		c->live[k].dev_addr = cr.dev_addr;
		if (c->creates % MAP_EVERY == 0)
			touch(c, &c->live[k]);
		if (c->creates % JOB_EVERY == 0)
			run_job(c);
	}
	while (c->nlive)
		destroy_one(c, c->nlive - 1);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void print_kmem(const char *what, const struct kmem *k)
{
	size_t i;

	ksft_print_msg("kernel memory %s: %" PRIu64 " KiB (", what,
		       k->total / 1024);
	for (i = 0; i < NUM_FIELDS; i++)
		printf("%s%s %" PRIu64, i ? ", " : "", kernel_fields[i],
		       k->v[i] / 1024);
	printf(")\n");
}

FIXTURE(cycle)
{
	int unused;
};

FIXTURE_SETUP(cycle)
{
}

FIXTURE_TEARDOWN(cycle)
{
}

TEST_F_TIMEOUT(cycle, hundred_thousand_create_destroy, 1200)
{
	struct tt_device desc;
	struct taihu_device *probe, *dev;
	struct taihu_context_info ci = { .size = sizeof(ci) };
	struct dev_mem d0, d1, d2;
	struct kmem k0, k1;
	struct cycler c = { 0 };
	const char *env = getenv("TAIHU_BO_CYCLES");
	long cycles = CYCLES;
	int64_t delta;
	double t;
	size_t i;
	int ret;

	/*
	 * The debug kernel (KASAN, kmemleak) asks for fewer cycles: there a
	 * cycle costs 15x as much, and kmemleak finds a leak in any number.
	 */
	if (env) {
		cycles = strtol(env, NULL, 10);
		ASSERT_TRUE(cycles >= MIN_CYCLES && cycles <= CYCLES)
			TH_LOG("TAIHU_BO_CYCLES=%s: %d..%d", env, MIN_CYCLES, CYCLES);
	}

	ret = tt_open_first(&probe, &desc);
	ASSERT_EQ(0, ret) TH_LOG("no Taihu device: %s", taihu_strerror(ret));

	/* Warm up in a throwaway file: caches grow to their working size. */
	ASSERT_EQ(0, tm_reopen(probe, &c.dev));
	c.fd = taihu_device_fd(c.dev);
	c.rng = 0x5eed;
	cycle(&c, WARMUP);
	taihu_device_close(c.dev);
	ASSERT_EQ(0, c.err) TH_LOG("warm-up: %s: %s", c.err_what,
				   taihu_strerror(c.err));

	ASSERT_EQ(0, sample_dev_settled(probe, desc.pci_slot, &d0))
		TH_LOG("device counters of %s", desc.pci_slot);
	ASSERT_EQ(0, sample_kmem(&k0));

	memset(&c, 0, sizeof(c));
	ASSERT_EQ(0, tm_reopen(probe, &dev));
	c.dev = dev;
	c.fd = taihu_device_fd(dev);
	c.rng = 0x0dd5eed;
	t = now_s();
	cycle(&c, (unsigned long)cycles);
	t = now_s() - t;
	ksft_print_msg("%lu BOs created and destroyed in %.1f s (%.1f us each), "
		       "%lu mapped, %lu jobs, %lu ENOMEM\n", c.creates, t,
		       c.creates ? t * 1e6 / (double)c.creates : 0.0, c.maps,
		       c.jobs, c.enomem);
	EXPECT_EQ(0, c.err) TH_LOG("%s: %s", c.err_what, taihu_strerror(c.err));
	EXPECT_EQ(0, c.enomem);
	EXPECT_LE(cycles - 10, (long)c.creates);

	/* The file that did it is still open: its context holds nothing. */
	ASSERT_EQ(0, taihu_context_info(dev, &ci));
	EXPECT_EQ(0, ci.vram_used);
	EXPECT_EQ(0, ci.host_used);
	EXPECT_EQ(0, ci.flags);
	ASSERT_EQ(0, sample_dev(probe, desc.pci_slot, &d1));
	taihu_device_close(dev);
	ASSERT_EQ(0, sample_dev_settled(probe, desc.pci_slot, &d2));
	ASSERT_EQ(0, sample_kmem(&k1));

	ksft_print_msg("VRAM used: baseline %" PRIu64 ", after the cycles %" PRIu64
		       " (file open) / %" PRIu64 " (closed); sysfs %" PRIu64 " / %"
		       PRIu64 "\n", d0.vram_used, d1.vram_used, d2.vram_used,
		       d0.sysfs_vram, d2.sysfs_vram);
	ksft_print_msg("host memory used: baseline %" PRIu64 ", after %" PRIu64
		       " / %" PRIu64 "; sysfs %" PRIu64 " / %" PRIu64 "\n",
		       d0.host_used, d1.host_used, d2.host_used, d0.sysfs_host,
		       d2.sysfs_host);
	print_kmem("before", &k0);
	print_kmem("after ", &k1);
	delta = (int64_t)(k1.total - k0.total);
	ksft_print_msg("kernel memory delta: %+" PRId64 " KiB (tolerance %llu KiB)\n",
		       delta / 1024, TOLERANCE / 1024);
	for (i = 0; i < NUM_FIELDS; i++)
		if (k1.v[i] != k0.v[i])
			ksft_print_msg("  %s %+" PRId64 " KiB\n", kernel_fields[i],
				       (int64_t)(k1.v[i] - k0.v[i]) / 1024);

	/* VRAM and host memory back exactly, with and without the file. */
	EXPECT_EQ(d0.vram_used, d2.vram_used);
	EXPECT_EQ(d0.host_used, d2.host_used);
	EXPECT_EQ(d0.sysfs_vram, d2.sysfs_vram);
	EXPECT_EQ(d0.sysfs_host, d2.sysfs_host);
	EXPECT_EQ(d0.host_used, d1.host_used);
	/* An open but empty context may keep its page-table root. */
	EXPECT_LE(d1.vram_used, d0.vram_used + 64 * TM_KiB)
		TH_LOG("VRAM held by an empty context: %" PRIu64 " bytes",
		       d1.vram_used - d0.vram_used);
	EXPECT_LE(delta, (int64_t)TOLERANCE);
	EXPECT_GE(delta, -(int64_t)TOLERANCE);
	taihu_device_close(probe);
}

TEST_HARNESS_MAIN
