// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The guest ioctl fuzzer: several processes, each with several threads
 * sharing one open file of /dev/accel/accelN, call every Taihu ioctl and
 * the core ioctls the firewall passes (and some it refuses) with random
 * and boundary values: valid handles mixed with stale and random ones,
 * user pointers to unmapped, read-only and kernel memory, mmap/munmap of
 * buffer offsets, random and mutated command streams (KERNEL packets
 * too), the file replaced under threads that wait on it, children that
 * exit with jobs in flight.
 *
 * Seeded: each thread's operations and values are a function of (seed,
 * process, thread); the seed is printed, and --seed re-runs the same
 * streams (with one process and one thread the whole run is the same).
 * The verdict is the kernel's: its log (judged by the VM runner), the
 * card still running a good job afterwards, and a clean rmmod (the guest
 * job). Prints TAP lines and, as comments, the calls per operation, the
 * errno histogram and the jobs by status.
 *
 * Its memory is bounded by the driver's own limits, not by being gentle:
 * every process drops CAP_IPC_LOCK and runs under an RLIMIT_MEMLOCK of
 * --memlock MiB (default 32), so the pages its jobs pin are refused with
 * ENOMEM beyond that (the VM job also lowers the device's host_pin_limit).
 * Mappings of host buffers allocate only the pages touched (a few each).
 *
 * usage: taihu_ioctl_fuzz [--seed N] [--calls N] [--duration SECS]
 *                         [--procs N] [--threads N] [--node PATH]
 *                         [--memlock MIB] [--make-it-fail]
 *
 * --make-it-fail marks the fuzzing threads for the kernel's fault injection
 * (/proc/thread-self/make-it-fail, once they run), so that failslab or
 * fail_page_alloc with task-filter fail their allocations only.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <drm.h>
#include <linux/capability.h>
#include <taihu_accel.h>

#include "taihu/kernels.h"
#include "taihu/taihu.h"
#include "taihu_cmdstream.h"

/* Linux 6.6's SYNCOBJ_EVENTFD; Debian 12's libdrm headers predate it. */
struct fuzz_syncobj_eventfd {
	__u32 handle;
	__u32 flags;
	__u64 point;
	__s32 fd;
	__u32 pad;
};

#define FUZZ_IOCTL_SYNCOBJ_EVENTFD	DRM_IOWR(0xCF, struct fuzz_syncobj_eventfd)

/* ---- operations and what they returned --------------------------------- */

enum op {
	OP_QUERY, OP_BO_CREATE, OP_BO_INFO, OP_GEM_CLOSE, OP_MMAP, OP_SUBMIT,
	OP_WAIT, OP_SYNCOBJ_CREATE, OP_SYNCOBJ_DESTROY, OP_SYNCOBJ_WAIT,
	OP_SYNCOBJ_ARRAY, OP_SYNCOBJ_FD, OP_SYNCOBJ_EVENTFD, OP_PRIME_EXPORT,
	OP_PRIME_IMPORT, OP_VERSION_CAP, OP_CORE_REFUSED, OP_RANDOM_CMD,
	OP_REOPEN, OP_CHILD_EXIT, NUM_OPS
};

static const char *const op_names[NUM_OPS] = {
	"query", "bo_create", "bo_info", "gem_close", "mmap", "submit",
	"wait", "syncobj_create", "syncobj_destroy", "syncobj_wait",
	"syncobj_array", "syncobj_fd", "syncobj_eventfd", "prime_export",
	"prime_import", "version_cap", "core_refused", "random_cmd",
	"reopen", "child_exit",
};

/*
 * Relative weights of the operations. Replacing the file and forking cost
 * a context each (and a fork is slow under TCG): rare, but every run has
 * some hundred of them.
 */
static const unsigned int op_weight[NUM_OPS] = {
	[OP_QUERY] = 60, [OP_BO_CREATE] = 80, [OP_BO_INFO] = 60, [OP_GEM_CLOSE] = 50,
	[OP_MMAP] = 50, [OP_SUBMIT] = 200, [OP_WAIT] = 120, [OP_SYNCOBJ_CREATE] = 40,
	[OP_SYNCOBJ_DESTROY] = 30, [OP_SYNCOBJ_WAIT] = 40, [OP_SYNCOBJ_ARRAY] = 40,
	[OP_SYNCOBJ_FD] = 30, [OP_SYNCOBJ_EVENTFD] = 20, [OP_PRIME_EXPORT] = 30,
	[OP_PRIME_IMPORT] = 30, [OP_VERSION_CAP] = 20, [OP_CORE_REFUSED] = 40,
	[OP_RANDOM_CMD] = 50, [OP_REOPEN] = 2, [OP_CHILD_EXIT] = 1,
};

#define MAX_ERRNO	134
#define NUM_STATUS	(DRM_TAIHU_JOB_UNSUPPORTED + 1)

/* Shared by every process of the run (MAP_SHARED anonymous memory). */
struct stats {
	atomic_ulong calls;
	atomic_int stop;
	atomic_ulong op_calls[NUM_OPS];
	atomic_ulong errs[MAX_ERRNO + 1];	/* [0]: success */
	atomic_ulong op_errs[NUM_OPS][MAX_ERRNO + 1];
	atomic_ulong jobs_submitted;
	atomic_ulong jobs[NUM_STATUS];
	atomic_ulong jobs_lost;			/* their file was replaced */
	atomic_ulong refused_not_eopnotsupp;
	atomic_ulong refused_first_nr;
	atomic_ulong refused_first_ret;
};

static struct stats *st;

static void record(enum op op, int ret)
{
	int e = ret < 0 ? -ret : 0;

	if (e > MAX_ERRNO)
		e = MAX_ERRNO;
	atomic_fetch_add(&st->op_calls[op], 1);
	atomic_fetch_add(&st->errs[e], 1);
	atomic_fetch_add(&st->op_errs[op][e], 1);
}

/* ---- deterministic randomness ------------------------------------------ */

struct rng {
	uint64_t s;
};

static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rnd(struct rng *r)
{
	r->s += 0x9e3779b97f4a7c15ULL;
	return mix64(r->s);
}

static uint32_t below(struct rng *r, uint32_t n)
{
	return n ? (uint32_t)(rnd(r) % n) : 0;
}

static bool chance(struct rng *r, unsigned int percent)
{
	return below(r, 100) < percent;
}

/* A boundary or random 64-bit value. */
static uint64_t edge64(struct rng *r)
{
	static const uint64_t edges[] = {
		0, 1, 7, 8, 4095, 4096, 4097, 65536, 1ULL << 20, 1ULL << 31,
		1ULL << 32, (1ULL << 32) - 1, 1ULL << 40, INT64_MAX,
		(uint64_t)INT64_MAX + 1, UINT64_MAX, UINT64_MAX - 4095,
	};

	if (chance(r, 60))
		return edges[below(r, sizeof(edges) / sizeof(edges[0]))];
	return rnd(r) >> below(r, 64);
}

static uint32_t edge32(struct rng *r)
{
	return (uint32_t)(chance(r, 50) ? edge64(r) : rnd(r) >> below(r, 32));
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* ---- user pointers ------------------------------------------------------ */

#define SCRATCH_SIZE	(256 * 1024)

static uint8_t *scratch_base;	/* per process; threads use their slice */
static void *unmapped_page;
static void *readonly_page;

/*
 * A user pointer: mostly the thread's own scratch memory (the kernel may
 * write there), else NULL, unmapped, read-only, misaligned or a kernel
 * address. Never a random address: the kernel would write into us.
 */
static uint64_t user_ptr(struct rng *r, uint8_t *scratch)
{
	switch (below(r, 10)) {
	case 0:
		return 0;
	case 1:
		return (uintptr_t)unmapped_page;
	case 2:
		return (uintptr_t)readonly_page;
	case 3:
		return 0xffffffff81000000ULL;
	case 4:
		return (uintptr_t)scratch + 1 + below(r, 7);
	default:
		return (uintptr_t)scratch;
	}
}

/* ---- per-process state -------------------------------------------------- */

#define POOL	64

struct proc {
	int fd;
	pthread_mutex_t lock;
	uint32_t num_queues;
	uint32_t bo[POOL];		/* handles, some of them stale */
	uint64_t bo_addr[POOL];
	uint64_t bo_size[POOL];
	uint32_t nbo;
	uint32_t sync[POOL];
	uint32_t nsync;
	uint64_t seqno[POOL];		/* submitted, not yet waited for */
	uint32_t nseq;
	uint32_t generation;		/* bumped when the file is replaced */
};

static struct proc P;
static const char *node = "/dev/accel/accel0";

static int xioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

static void pool_add(uint32_t *pool, uint32_t *n, uint32_t v, struct rng *r)
{
	if (*n < POOL)
		pool[(*n)++] = v;
	else
		pool[below(r, POOL)] = v;
}

static uint32_t pick_handle(struct rng *r, const uint32_t *pool, uint32_t n)
{
	uint32_t v;

	if (n && chance(r, 80)) {
		pthread_mutex_lock(&P.lock);
		v = pool[below(r, n)];
		pthread_mutex_unlock(&P.lock);
		return v;
	}
	return chance(r, 50) ? below(r, 4) : edge32(r);
}

static uint32_t pick_bo(struct rng *r)
{
	return pick_handle(r, P.bo, P.nbo);
}

static uint32_t pick_sync(struct rng *r)
{
	return pick_handle(r, P.sync, P.nsync);
}

/* A device address: mostly inside a known buffer, else anything. */
static uint64_t pick_addr(struct rng *r, uint64_t len)
{
	uint64_t a = 0, s = 0;
	uint32_t i;

	pthread_mutex_lock(&P.lock);
	if (P.nbo && chance(r, 85)) {
		i = below(r, P.nbo);
		a = P.bo_addr[i];
		s = P.bo_size[i];
	}
	pthread_mutex_unlock(&P.lock);
	if (!a)
		return chance(r, 50) ? edge64(r) & ~7ULL : rnd(r) & 0xffffffffff8ULL;
	if (s > len && chance(r, 90))
		return a + ((below(r, (uint32_t)((s - len) / 8 + 1))) * 8);
	return a + (s & ~7ULL) - (chance(r, 50) ? 8 : 0);
}

/* ---- command streams ---------------------------------------------------- */

struct thr {
	struct rng r;
	uint8_t *scratch;
	uint32_t cmd_bo;	/* this thread's command buffer, VRAM, mapped */
	uint8_t *cmd_map;
	uint64_t cmd_size;
	uint32_t cmd_gen;
	unsigned int id;
};

#define CMD_BO_SIZE	(64 * 1024)

static size_t put(uint8_t *buf, size_t at, size_t max, const void *p, size_t n)
{
	if (at + n > max)
		return at;
	memcpy(buf + at, p, n);
	return at + n;
}

/* A KERNEL packet from libtaihu (binary add on small tensors), or 0. */
static size_t kernel_packet(struct rng *r, uint8_t *buf, size_t max)
{
	uint64_t n = 1 + below(r, 64), shape[1] = { n };
	struct taihu_tensor a, b, y;
	struct taihu_cmdbuf *cb;
	size_t len = 0;

	if (taihu_cmdbuf_new(&cb))
		return 0;
	if (!taihu_tensor_init(&a, TAIHU_DTYPE_FP32, 1, shape, pick_addr(r, n * 4)) &&
	    !taihu_tensor_init(&b, TAIHU_DTYPE_FP32, 1, shape, pick_addr(r, n * 4)) &&
	    !taihu_tensor_init(&y, TAIHU_DTYPE_FP32, 1, shape, pick_addr(r, n * 4)) &&
	    !taihu_cmdbuf_binary(cb, below(r, 4), below(r, 3), &a, &b, &y) &&
	    taihu_cmdbuf_size(cb) <= max) {
		len = taihu_cmdbuf_size(cb);
		memcpy(buf, taihu_cmdbuf_data(cb), len);
	}
	taihu_cmdbuf_free(cb);
	return len;
}

/* A random command stream of valid-looking packets, then maybe mutated. */
static size_t gen_stream(struct rng *r, uint8_t *buf, size_t max)
{
	unsigned int npkt = 1 + below(r, 12), i;
	size_t at = 0;

	for (i = 0; i < npkt; i++) {
		struct taihu_pkt_header h = { 0 };
		union {
			struct taihu_pkt_fill f;
			struct taihu_pkt_copy c;
			struct taihu_pkt_timestamp t;
			struct taihu_pkt_sem_signal ss;
			struct taihu_pkt_sem_wait sw;
			struct taihu_pkt_barrier b;
			uint8_t raw[64];
		} p;
		uint64_t len = chance(r, 80) ? 8 * (1 + below(r, 512)) : edge64(r);

		memset(&p, 0, sizeof(p));
		switch (below(r, 9)) {
		case 0:
			h.opcode = TAIHU_PKT_NOP;
			h.size = 8 * (1 + below(r, 8));
			memcpy(p.raw, &h, sizeof(h));
			at = put(buf, at, max, p.raw, h.size);
			break;
		case 1:
			p.f.hdr.opcode = TAIHU_PKT_FILL;
			p.f.hdr.size = sizeof(p.f);
			p.f.size = len;
			p.f.dst = pick_addr(r, len);
			p.f.value = (uint32_t)rnd(r);
			at = put(buf, at, max, &p.f, sizeof(p.f));
			break;
		case 2:
			p.c.hdr.opcode = TAIHU_PKT_COPY;
			p.c.hdr.size = sizeof(p.c);
			p.c.size = len;
			p.c.src = pick_addr(r, len);
			p.c.dst = pick_addr(r, len);
			at = put(buf, at, max, &p.c, sizeof(p.c));
			break;
		case 3:
			p.t.hdr.opcode = TAIHU_PKT_TIMESTAMP;
			p.t.hdr.size = sizeof(p.t);
			p.t.dst = pick_addr(r, 8);
			at = put(buf, at, max, &p.t, sizeof(p.t));
			break;
		case 4:
			p.ss.hdr.opcode = TAIHU_PKT_SEM_SIGNAL;
			p.ss.hdr.size = sizeof(p.ss);
			p.ss.addr = pick_addr(r, 8);
			p.ss.value = edge64(r);
			p.ss.op = below(r, 3);
			at = put(buf, at, max, &p.ss, sizeof(p.ss));
			break;
		case 5:
			/* mostly a wait that is already satisfied: >= 0 */
			p.sw.hdr.opcode = TAIHU_PKT_SEM_WAIT;
			p.sw.hdr.size = sizeof(p.sw);
			p.sw.addr = pick_addr(r, 8);
			p.sw.value = chance(r, 97) ? 0 : edge64(r);
			p.sw.cond = chance(r, 97) ? TAIHU_SEM_GEQUAL : below(r, 3);
			at = put(buf, at, max, &p.sw, sizeof(p.sw));
			break;
		case 6:
			p.b.hdr.opcode = TAIHU_PKT_BARRIER;
			p.b.hdr.size = sizeof(p.b);
			at = put(buf, at, max, &p.b, sizeof(p.b));
			break;
		case 7:
			at += kernel_packet(r, buf + at, max - at);
			break;
		default:
			/* a raw packet of any opcode and size */
			h.opcode = (uint8_t)below(r, 10);
			h.flags = chance(r, 80) ? 0 : (uint8_t)rnd(r);
			h.size = chance(r, 70) ? 8 * (1 + below(r, 8)) : (uint16_t)rnd(r);
			memcpy(p.raw, &h, sizeof(h));
			for (unsigned int k = 8; k < sizeof(p.raw); k += 8) {
				uint64_t v = edge64(r);

				memcpy(p.raw + k, &v, 8);
			}
			at = put(buf, at, max, p.raw, 64);
			break;
		}
	}
	/* mutations: flipped bytes, a bogus size, a cut */
	if (at && chance(r, 30)) {
		unsigned int flips = 1 + below(r, 8);

		while (flips--)
			buf[below(r, (uint32_t)at)] ^= (uint8_t)(1u << below(r, 8));
	}
	if (at >= 8 && chance(r, 5)) {
		uint16_t sz = (uint16_t)rnd(r);

		memcpy(buf + 8 * below(r, (uint32_t)(at / 8)) + 2, &sz, 2);
	}
	if (at && chance(r, 5))
		at = 8 * below(r, (uint32_t)(at / 8) + 1);
	return at;
}

/* ---- the operations ----------------------------------------------------- */

static int op_reopen(struct thr *t);

static int ensure_cmd_bo(struct thr *t)
{
	struct drm_taihu_bo_create c = { .size = CMD_BO_SIZE,
					 .placement = DRM_TAIHU_PLACEMENT_VRAM };
	struct drm_taihu_bo_info info = { 0 };
	void *m;
	int ret;

	if (t->cmd_map && t->cmd_gen == P.generation)
		return 0;
	if (t->cmd_map)
		munmap(t->cmd_map, CMD_BO_SIZE);
	t->cmd_map = NULL;
	t->cmd_gen = P.generation;
	ret = xioctl(P.fd, DRM_IOCTL_TAIHU_BO_CREATE, &c);
	if (ret)
		return ret;
	info.handle = c.handle;
	ret = xioctl(P.fd, DRM_IOCTL_TAIHU_BO_INFO, &info);
	if (ret)
		return ret;
	m = mmap(NULL, CMD_BO_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, P.fd,
		 (off_t)info.mmap_offset);
	if (m == MAP_FAILED)
		return -errno;
	t->cmd_bo = c.handle;
	t->cmd_map = m;
	return 0;
}

static int op_query(struct thr *t)
{
	struct drm_taihu_query q = {
		.query = chance(&t->r, 85) ? below(&t->r, 3) : edge32(&t->r),
		.size = chance(&t->r, 70) ? below(&t->r, 512) : edge32(&t->r),
		.data = user_ptr(&t->r, t->scratch),
	};

	if (q.size > SCRATCH_SIZE && q.data == (uintptr_t)t->scratch)
		q.size = SCRATCH_SIZE;
	return xioctl(P.fd, DRM_IOCTL_TAIHU_QUERY, &q);
}

static int op_bo_create(struct thr *t)
{
	static const uint64_t sizes[] = { 4096, 8192, 65536, 1 << 20, 4 << 20 };
	struct drm_taihu_bo_create c = { 0 };
	int ret;

	c.size = chance(&t->r, 85) ? sizes[below(&t->r, 5)] + below(&t->r, 2) * below(&t->r, 4096)
				   : edge64(&t->r);
	c.placement = chance(&t->r, 90) ? below(&t->r, 2) : edge32(&t->r);
	c.flags = chance(&t->r, 95) ? 0 : edge32(&t->r);
	c.pad = chance(&t->r, 95) ? 0 : edge32(&t->r);
	ret = xioctl(P.fd, DRM_IOCTL_TAIHU_BO_CREATE, &c);
	if (!ret) {
		pthread_mutex_lock(&P.lock);
		if (P.nbo < POOL) {
			P.bo[P.nbo] = c.handle;
			P.bo_addr[P.nbo] = c.dev_addr;
			P.bo_size[P.nbo++] = c.size;
		} else {
			uint32_t i = below(&t->r, POOL);
			struct drm_gem_close cl = { .handle = P.bo[i] };

			/* keep the pool bounded: the evicted one is closed */
			xioctl(P.fd, DRM_IOCTL_GEM_CLOSE, &cl);
			P.bo[i] = c.handle;
			P.bo_addr[i] = c.dev_addr;
			P.bo_size[i] = c.size;
		}
		pthread_mutex_unlock(&P.lock);
	}
	return ret;
}

static int op_bo_info(struct thr *t)
{
	struct drm_taihu_bo_info i = { .handle = pick_bo(&t->r) };

	i.pad = chance(&t->r, 95) ? 0 : edge32(&t->r);
	if (chance(&t->r, 5))
		return xioctl(P.fd, DRM_IOCTL_TAIHU_BO_INFO, (void *)(uintptr_t)user_ptr(&t->r, t->scratch));
	return xioctl(P.fd, DRM_IOCTL_TAIHU_BO_INFO, &i);
}

/* Closes a handle but leaves it in the pool: later uses are stale. */
static int op_gem_close(struct thr *t)
{
	struct drm_gem_close c = { .handle = pick_bo(&t->r) };

	c.pad = chance(&t->r, 95) ? 0 : edge32(&t->r);
	return xioctl(P.fd, DRM_IOCTL_GEM_CLOSE, &c);
}

static int op_mmap(struct thr *t)
{
	struct drm_taihu_bo_info i = { .handle = pick_bo(&t->r) };
	uint64_t len, off;
	volatile uint8_t *m;
	int prot, ret;

	ret = xioctl(P.fd, DRM_IOCTL_TAIHU_BO_INFO, &i);
	if (ret)
		return ret;
	len = chance(&t->r, 80) ? i.size : chance(&t->r, 50) ? 4096 : i.size + 4096;
	off = chance(&t->r, 90) ? i.mmap_offset : i.mmap_offset + 4096 * below(&t->r, 4);
	prot = chance(&t->r, 80) ? PROT_READ | PROT_WRITE : PROT_READ;
	m = mmap(NULL, len, prot, chance(&t->r, 90) ? MAP_SHARED : MAP_PRIVATE, P.fd, (off_t)off);
	if (m == MAP_FAILED)
		return -errno;
	/* touch only what the buffer certainly has */
	if (off == i.mmap_offset && len <= i.size) {
		(void)m[0];
		(void)m[len - 1];
		if (prot & PROT_WRITE)
			m[below(&t->r, (uint32_t)len)] = (uint8_t)rnd(&t->r);
	}
	munmap((void *)m, len);
	return 0;
}

static int op_submit(struct thr *t)
{
	struct drm_taihu_submit s = { 0 };
	uint32_t *bos = (uint32_t *)(t->scratch + 4096);
	struct drm_taihu_sync *syncs = (struct drm_taihu_sync *)(t->scratch + 65536);
	uint32_t nbos, nsyncs, k;
	size_t len = 0;
	int ret;

	ret = ensure_cmd_bo(t);
	if (ret)
		return ret;
	if (chance(&t->r, 90)) {
		len = gen_stream(&t->r, t->cmd_map, CMD_BO_SIZE);
		s.cmd_handle = t->cmd_bo;
	} else {
		s.cmd_handle = pick_bo(&t->r);
		len = below(&t->r, 4096);
	}
	s.cmd_len = chance(&t->r, 90) ? (uint32_t)len : edge32(&t->r);
	s.cmd_offset = chance(&t->r, 95) ? 0 : edge64(&t->r);
	s.queue = chance(&t->r, 90) ? below(&t->r, P.num_queues) : edge32(&t->r);
	s.priority = chance(&t->r, 90) ? below(&t->r, 3) : edge32(&t->r);
	s.flags = chance(&t->r, 80) ? DRM_TAIHU_SUBMIT_NONBLOCK :
		  chance(&t->r, 50) ? 0 : edge32(&t->r);

	nbos = chance(&t->r, 90) ? below(&t->r, 6) : edge32(&t->r);
	for (k = 0; k < nbos && k < 1024; k++)
		bos[k] = pick_bo(&t->r);
	s.bo_count = nbos;
	s.bo_handles = chance(&t->r, 90) ? (uintptr_t)bos : user_ptr(&t->r, t->scratch);

	nsyncs = chance(&t->r, 80) ? below(&t->r, 3) : edge32(&t->r);
	for (k = 0; k < nsyncs && k < 256; k++) {
		syncs[k].handle = pick_sync(&t->r);
		syncs[k].pad = chance(&t->r, 95) ? 0 : edge32(&t->r);
		syncs[k].point = chance(&t->r, 80) ? 0 : edge64(&t->r);
	}
	s.in_sync_count = nsyncs;
	s.in_syncs = chance(&t->r, 90) ? (uintptr_t)syncs : user_ptr(&t->r, t->scratch);
	if (chance(&t->r, 30))
		s.out_sync_handle = pick_sync(&t->r);
	if (chance(&t->r, 10))
		s.out_sync_point = edge64(&t->r);

	ret = xioctl(P.fd, DRM_IOCTL_TAIHU_SUBMIT, &s);
	/* a faulted context refuses jobs: mostly start over with a new file */
	if (ret == -EIO && chance(&t->r, 30))
		record(OP_REOPEN, op_reopen(t));
	if (!ret) {
		atomic_fetch_add(&st->jobs_submitted, 1);
		pthread_mutex_lock(&P.lock);
		if (P.nseq < POOL)
			P.seqno[P.nseq++] = s.seqno;
		else
			atomic_fetch_add(&st->jobs_lost, 1);	/* never waited for */
		pthread_mutex_unlock(&P.lock);
	}
	return ret;
}

/* Wait for a job; the one waited for leaves the list and is counted. */
static int wait_seqno(uint64_t seqno, int64_t deadline)
{
	struct drm_taihu_wait w = { .seqno = seqno, .timeout_ns = deadline };
	int ret = xioctl(P.fd, DRM_IOCTL_TAIHU_WAIT, &w);

	if (!ret)
		atomic_fetch_add(&st->jobs[w.status < NUM_STATUS ? w.status : 0], 1);
	return ret;
}

static int op_wait(struct thr *t)
{
	struct drm_taihu_wait w = { 0 };
	uint64_t seqno = 0;
	bool listed = false;
	int ret;

	pthread_mutex_lock(&P.lock);
	if (P.nseq && chance(&t->r, 85)) {
		uint32_t i = below(&t->r, P.nseq);

		seqno = P.seqno[i];
		P.seqno[i] = P.seqno[--P.nseq];
		listed = true;
	}
	pthread_mutex_unlock(&P.lock);

	if (listed) {
		/* generous: the job ends by the driver's job timeout at worst */
		ret = wait_seqno(seqno, now_ns() + 20LL * 1000000000LL);
		if (ret)
			atomic_fetch_add(&st->jobs_lost, 1);
		return ret;
	}
	w.seqno = chance(&t->r, 50) ? below(&t->r, 64) : edge64(&t->r);
	w.timeout_ns = chance(&t->r, 50) ? now_ns() + 1000000 : (int64_t)edge64(&t->r);
	if (w.timeout_ns > now_ns() + 100000000LL || w.timeout_ns < 0)
		w.timeout_ns = now_ns() + 100000000LL;
	if (chance(&t->r, 20)) {
		w.flags = DRM_TAIHU_WAIT_BO;
		w.handle = pick_bo(&t->r);
		w.seqno = 0;
	} else if (chance(&t->r, 5)) {
		w.flags = edge32(&t->r);
		w.pad = edge32(&t->r);
	}
	return xioctl(P.fd, DRM_IOCTL_TAIHU_WAIT, &w);
}

static int op_syncobj_create(struct thr *t)
{
	struct drm_syncobj_create c = { 0 };
	int ret;

	c.flags = chance(&t->r, 90) ? (chance(&t->r, 50) ? DRM_SYNCOBJ_CREATE_SIGNALED : 0)
				    : edge32(&t->r);
	ret = xioctl(P.fd, DRM_IOCTL_SYNCOBJ_CREATE, &c);
	if (!ret) {
		pthread_mutex_lock(&P.lock);
		if (P.nsync == POOL) {
			uint32_t i = below(&t->r, POOL);
			struct drm_syncobj_destroy d = { .handle = P.sync[i] };

			xioctl(P.fd, DRM_IOCTL_SYNCOBJ_DESTROY, &d);
			P.sync[i] = c.handle;
		} else {
			pool_add(P.sync, &P.nsync, c.handle, &t->r);
		}
		pthread_mutex_unlock(&P.lock);
	}
	return ret;
}

static int op_syncobj_destroy(struct thr *t)
{
	struct drm_syncobj_destroy d = { .handle = pick_sync(&t->r) };

	d.pad = chance(&t->r, 95) ? 0 : edge32(&t->r);
	return xioctl(P.fd, DRM_IOCTL_SYNCOBJ_DESTROY, &d);
}

/* A count: mostly small, sometimes over the firewall's bound or huge. */
static uint32_t pick_count(struct rng *r)
{
	if (chance(r, 85))
		return below(r, 5);
	return chance(r, 50) ? 4096 + below(r, 3) : edge32(r);
}

static uint64_t fill_handles(struct thr *t, uint32_t count)
{
	uint32_t *h = (uint32_t *)(t->scratch + 131072);
	uint32_t k;

	for (k = 0; k < count && k < 4096; k++)
		h[k] = pick_sync(&t->r);
	return chance(&t->r, 90) ? (uintptr_t)h : user_ptr(&t->r, t->scratch);
}

static int op_syncobj_wait(struct thr *t)
{
	uint32_t count = pick_count(&t->r);
	uint64_t handles = fill_handles(t, count);
	/* never long: nothing may signal what is waited for */
	int64_t deadline = now_ns() + (chance(&t->r, 50) ? 0 : 2000000);
	uint32_t flags = chance(&t->r, 90) ? below(&t->r, 8) : edge32(&t->r);

	if (chance(&t->r, 50)) {
		struct drm_syncobj_wait w = {
			.handles = handles, .count_handles = count,
			.timeout_nsec = deadline, .flags = flags,
		};

		return xioctl(P.fd, DRM_IOCTL_SYNCOBJ_WAIT, &w);
	} else {
		struct drm_syncobj_timeline_wait w = {
			.handles = handles, .points = (uintptr_t)t->scratch,
			.count_handles = count, .timeout_nsec = deadline,
			.flags = flags,
		};

		memset(t->scratch, 0, 8 * 8);
		return xioctl(P.fd, DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, &w);
	}
}

static int op_syncobj_array(struct thr *t)
{
	uint32_t count = pick_count(&t->r);
	uint64_t handles = fill_handles(t, count);
	struct drm_syncobj_array a = { .handles = handles, .count_handles = count };
	struct drm_syncobj_timeline_array ta = {
		.handles = handles, .points = (uintptr_t)t->scratch + 8,
		.count_handles = count,
		.flags = chance(&t->r, 90) ? 0 : edge32(&t->r),
	};

	switch (below(&t->r, 4)) {
	case 0:
		return xioctl(P.fd, DRM_IOCTL_SYNCOBJ_RESET, &a);
	case 1:
		return xioctl(P.fd, DRM_IOCTL_SYNCOBJ_SIGNAL, &a);
	case 2:
		return xioctl(P.fd, DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL, &ta);
	default:
		return xioctl(P.fd, DRM_IOCTL_SYNCOBJ_QUERY, &ta);
	}
}

static int op_syncobj_fd(struct thr *t)
{
	struct drm_syncobj_handle h = { .handle = pick_sync(&t->r) };
	struct drm_syncobj_transfer x = { 0 };
	int ret;

	switch (below(&t->r, 3)) {
	case 0:
		h.flags = chance(&t->r, 70) ? below(&t->r, 2) : edge32(&t->r);
		ret = xioctl(P.fd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &h);
		if (!ret && h.fd >= 0) {
			struct drm_syncobj_handle back = { .fd = h.fd };

			back.flags = h.flags & DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE
				     ? DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE : 0;
			if (back.flags)
				back.handle = pick_sync(&t->r);
			xioctl(P.fd, DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, &back);
			close(h.fd);
		}
		return ret;
	case 1:
		h.fd = chance(&t->r, 50) ? -1 : (int)below(&t->r, 64);
		h.flags = chance(&t->r, 70) ? 0 : edge32(&t->r);
		return xioctl(P.fd, DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, &h);
	default:
		x.src_handle = pick_sync(&t->r);
		x.dst_handle = pick_sync(&t->r);
		x.src_point = chance(&t->r, 70) ? 0 : edge64(&t->r);
		x.dst_point = chance(&t->r, 70) ? 0 : edge64(&t->r);
		x.flags = chance(&t->r, 80) ? 0 : edge32(&t->r);
		return xioctl(P.fd, DRM_IOCTL_SYNCOBJ_TRANSFER, &x);
	}
}

static int op_syncobj_eventfd(struct thr *t)
{
	int efd = eventfd(0, EFD_CLOEXEC);
	struct fuzz_syncobj_eventfd e = {
		.handle = pick_sync(&t->r),
		.flags = chance(&t->r, 80) ? 0 : edge32(&t->r),
		.point = chance(&t->r, 70) ? 0 : edge64(&t->r),
		.fd = chance(&t->r, 90) ? efd : (int)edge32(&t->r),
	};
	int ret = xioctl(P.fd, FUZZ_IOCTL_SYNCOBJ_EVENTFD, &e);

	if (efd >= 0)
		close(efd);
	return ret;
}

static int op_prime_export(struct thr *t)
{
	struct drm_prime_handle p = { .handle = pick_bo(&t->r) };
	int ret;

	p.flags = chance(&t->r, 80) ? DRM_CLOEXEC | (chance(&t->r, 50) ? DRM_RDWR : 0)
				    : edge32(&t->r);
	ret = xioctl(P.fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &p);
	if (!ret) {
		struct drm_prime_handle back = { .fd = p.fd };

		/* importing our own export gives our own handle back */
		if (chance(&t->r, 50))
			xioctl(P.fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &back);
		if (chance(&t->r, 20)) {
			void *m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, p.fd, 0);

			if (m != MAP_FAILED)
				munmap(m, 4096);
		}
		close(p.fd);
	}
	return ret;
}

static int op_prime_import(struct thr *t)
{
	int fds[2] = { -1, -1 };
	struct drm_prime_handle p = { 0 };
	int ret;

	/* not a dma-buf, a closed number, or nonsense */
	switch (below(&t->r, 3)) {
	case 0:
		if (pipe(fds))
			return -errno;
		p.fd = fds[0];
		break;
	case 1:
		p.fd = P.fd;
		break;
	default:
		p.fd = (int)edge32(&t->r);
		break;
	}
	p.flags = chance(&t->r, 80) ? 0 : edge32(&t->r);
	ret = xioctl(P.fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &p);
	if (fds[0] >= 0) {
		close(fds[0]);
		close(fds[1]);
	}
	return ret;
}

static int op_version_cap(struct thr *t)
{
	struct drm_version v = { 0 };
	struct drm_get_cap c = { .capability = chance(&t->r, 70) ? below(&t->r, 0x20) : edge64(&t->r) };

	if (chance(&t->r, 50))
		return xioctl(P.fd, DRM_IOCTL_GET_CAP, &c);
	v.name_len = chance(&t->r, 80) ? below(&t->r, 64) : edge64(&t->r);
	v.name = (char *)(uintptr_t)user_ptr(&t->r, t->scratch);
	v.date_len = below(&t->r, 64);
	v.date = (char *)(uintptr_t)user_ptr(&t->r, t->scratch);
	v.desc_len = below(&t->r, 64);
	v.desc = (char *)(uintptr_t)user_ptr(&t->r, t->scratch);
	if (v.name_len > 4096)
		v.name_len = 4096;
	return xioctl(P.fd, DRM_IOCTL_VERSION, &v);
}

/* The core ioctls the firewall passes (driver/taihu_ioctl_filter.c). */
static bool core_allowed(unsigned int nr)
{
	static const unsigned long allowed[] = {
		DRM_IOCTL_VERSION, DRM_IOCTL_GET_CAP, DRM_IOCTL_GEM_CLOSE,
		DRM_IOCTL_PRIME_HANDLE_TO_FD, DRM_IOCTL_PRIME_FD_TO_HANDLE,
		DRM_IOCTL_SYNCOBJ_CREATE, DRM_IOCTL_SYNCOBJ_DESTROY,
		DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE,
		DRM_IOCTL_SYNCOBJ_TRANSFER, FUZZ_IOCTL_SYNCOBJ_EVENTFD,
		DRM_IOCTL_SYNCOBJ_WAIT, DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT,
		DRM_IOCTL_SYNCOBJ_RESET, DRM_IOCTL_SYNCOBJ_SIGNAL,
		DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL, DRM_IOCTL_SYNCOBJ_QUERY,
	};
	size_t i;

	if (nr >= DRM_COMMAND_BASE && nr < DRM_COMMAND_END)
		return true;
	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		if (_IOC_NR(allowed[i]) == nr)
			return true;
	return false;
}

/* Any refused core number, any direction and size: always EOPNOTSUPP. */
static int op_core_refused(struct thr *t)
{
	unsigned int nr;
	unsigned long cmd;
	int ret;

	do
		nr = below(&t->r, 256);
	while (core_allowed(nr));
	cmd = _IOC(below(&t->r, 4), DRM_IOCTL_BASE, nr, below(&t->r, 512));
	memset(t->scratch, 0, 512);
	ret = xioctl(P.fd, cmd, (void *)(uintptr_t)user_ptr(&t->r, t->scratch));
	if (ret != -EOPNOTSUPP &&
	    atomic_fetch_add(&st->refused_not_eopnotsupp, 1) == 0) {
		st->refused_first_nr = nr;
		st->refused_first_ret = (unsigned long)-ret;
	}
	return ret;
}

/* Any command word at all, with a pointer or a plain number. */
static int op_random_cmd(struct thr *t)
{
	unsigned long cmd = (uint32_t)rnd(&t->r);
	unsigned int size;

	if (chance(&t->r, 60))
		cmd = (cmd & ~(0xffUL << _IOC_TYPESHIFT)) | ((unsigned long)DRM_IOCTL_BASE << _IOC_TYPESHIFT);
	size = _IOC_SIZE(cmd);
	if (size > SCRATCH_SIZE - 196608)
		cmd &= ~((unsigned long)_IOC_SIZEMASK << _IOC_SIZESHIFT);
	/* a command that passes the firewall with random bytes as its argument */
	for (unsigned int k = 0; k < 512; k += 8) {
		uint64_t v = edge64(&t->r);

		memcpy(t->scratch + 196608 + k, &v, 8);
	}
	if (chance(&t->r, 80))
		return xioctl(P.fd, cmd, t->scratch + 196608);
	return xioctl(P.fd, cmd, (void *)(uintptr_t)user_ptr(&t->r, t->scratch));
}

static int open_node(void)
{
	int fd = open(node, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

/*
 * Replace the process's file under its threads (dup2 is atomic): their
 * calls in progress finish on the old file, which is then released with
 * its jobs in flight; its handles in the pools are stale from now on.
 */
static int op_reopen(struct thr *t)
{
	int fd = open_node();

	(void)t;
	if (fd < 0)
		return fd;
	pthread_mutex_lock(&P.lock);
	if (dup2(fd, P.fd) < 0) {
		pthread_mutex_unlock(&P.lock);
		close(fd);
		return -errno;
	}
	P.generation++;
	atomic_fetch_add(&st->jobs_lost, P.nseq);
	P.nseq = 0;
	pthread_mutex_unlock(&P.lock);
	close(fd);
	return 0;
}

/* A child that submits jobs and exits without waiting for them. */
static int op_child_exit(struct thr *t)
{
	uint64_t seed = rnd(&t->r);
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		struct thr c = { .r = { seed }, .scratch = t->scratch };
		int fd = open_node(), n;

		if (fd < 0)
			_exit(1);
		P.fd = fd;
		P.generation++;
		pthread_mutex_init(&P.lock, NULL);
		P.nseq = 0;
		for (n = 0; n < 4; n++)
			op_submit(&c);
		/* exits with them in flight */
		atomic_fetch_add(&st->jobs_lost, P.nseq);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -ECHILD;
}

typedef int (*op_fn)(struct thr *t);

static const op_fn ops[NUM_OPS] = {
	op_query, op_bo_create, op_bo_info, op_gem_close, op_mmap, op_submit,
	op_wait, op_syncobj_create, op_syncobj_destroy, op_syncobj_wait,
	op_syncobj_array, op_syncobj_fd, op_syncobj_eventfd, op_prime_export,
	op_prime_import, op_version_cap, op_core_refused, op_random_cmd,
	op_reopen, op_child_exit,
};

static unsigned long target_calls;
static int64_t deadline;

static enum op pick_op(struct rng *r)
{
	static unsigned int total;
	unsigned int x, i;

	if (!total)
		for (i = 0; i < NUM_OPS; i++)
			total += op_weight[i];
	x = below(r, total);
	for (i = 0; i < NUM_OPS; i++) {
		if (x < op_weight[i])
			return (enum op)i;
		x -= op_weight[i];
	}
	return OP_QUERY;
}

static bool make_it_fail;

static void *thread_main(void *arg)
{
	struct thr *t = arg;

	if (make_it_fail) {
		FILE *f = fopen("/proc/thread-self/make-it-fail", "w");

		if (!f || fputs("1", f) < 0 || fclose(f))
			return NULL;
	}

	while (!atomic_load(&st->stop)) {
		enum op op = pick_op(&t->r);

		if (atomic_fetch_add(&st->calls, 1) >= target_calls ||
		    (deadline && now_ns() > deadline)) {
			atomic_store(&st->stop, 1);
			break;
		}
		record(op, ops[op](t));
	}
	return NULL;
}

/* One process: its threads share the file and the pools. */
static int proc_main(uint64_t seed, unsigned int pidx, unsigned int nthreads)
{
	struct drm_taihu_query q = { .query = DRM_TAIHU_QUERY_DEVICE_INFO };
	struct drm_taihu_device_info info = { 0 };
	pthread_t tid[16];
	struct thr thr[16];
	unsigned int i;

	P.fd = open_node();
	if (P.fd < 0) {
		fprintf(stderr, "fuzz: open %s: %s\n", node, strerror(-P.fd));
		return 1;
	}
	pthread_mutex_init(&P.lock, NULL);
	q.size = sizeof(info);
	q.data = (uintptr_t)&info;
	if (xioctl(P.fd, DRM_IOCTL_TAIHU_QUERY, &q) || !info.num_queues)
		return 1;
	P.num_queues = info.num_queues;

	scratch_base = mmap(NULL, SCRATCH_SIZE * nthreads, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unmapped_page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	readonly_page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (scratch_base == MAP_FAILED || unmapped_page == MAP_FAILED ||
	    readonly_page == MAP_FAILED)
		return 1;

	for (i = 0; i < nthreads; i++) {
		memset(&thr[i], 0, sizeof(thr[i]));
		thr[i].r.s = mix64(seed ^ mix64(((uint64_t)pidx << 32) | i));
		thr[i].scratch = scratch_base + (size_t)i * SCRATCH_SIZE;
		thr[i].id = i;
		thr[i].cmd_gen = UINT32_MAX;
		if (pthread_create(&tid[i], NULL, thread_main, &thr[i]))
			return 1;
	}
	for (i = 0; i < nthreads; i++)
		pthread_join(tid[i], NULL);

	/* the jobs still listed: wait, so that every job has its status */
	while (P.nseq)
		if (wait_seqno(P.seqno[--P.nseq], now_ns() + 30LL * 1000000000LL))
			atomic_fetch_add(&st->jobs_lost, 1);
	close(P.fd);
	return 0;
}

/* After the fuzzing: a fresh file still runs a NOP job with SUCCESS. */
static int good_job(void)
{
	struct drm_taihu_bo_create c = { .size = 4096, .placement = DRM_TAIHU_PLACEMENT_VRAM };
	struct drm_taihu_bo_info i = { 0 };
	struct taihu_pkt_header nop = { .opcode = TAIHU_PKT_NOP, .size = 8 };
	struct drm_taihu_submit s = { 0 };
	struct drm_taihu_wait w = { 0 };
	int fd = open_node(), ret;
	void *m;

	if (fd < 0)
		return fd;
	ret = xioctl(fd, DRM_IOCTL_TAIHU_BO_CREATE, &c);
	if (!ret) {
		i.handle = c.handle;
		ret = xioctl(fd, DRM_IOCTL_TAIHU_BO_INFO, &i);
	}
	if (!ret) {
		m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)i.mmap_offset);
		if (m == MAP_FAILED) {
			ret = -errno;
		} else {
			memcpy(m, &nop, sizeof(nop));
			munmap(m, 4096);
		}
	}
	if (!ret) {
		s.cmd_handle = c.handle;
		s.cmd_len = sizeof(nop);
		ret = xioctl(fd, DRM_IOCTL_TAIHU_SUBMIT, &s);
	}
	if (!ret) {
		w.seqno = s.seqno;
		w.timeout_ns = now_ns() + 30LL * 1000000000LL;
		ret = xioctl(fd, DRM_IOCTL_TAIHU_WAIT, &w);
	}
	if (!ret && w.status != DRM_TAIHU_JOB_SUCCESS)
		ret = -EIO;
	close(fd);
	return ret;
}

static const char *const status_names[NUM_STATUS] = {
	"SUCCESS", "INVALID_CMD", "DMA_ERROR", "MMU_FAULT", "TIMEOUT",
	"CANCELLED", "INVALID_KERNEL", "UNSUPPORTED",
};

static void print_figures(double secs)
{
	unsigned long calls = 0;
	int op, e;

	for (op = 0; op < NUM_OPS; op++)
		calls += atomic_load(&st->op_calls[op]);
	printf("# calls: %lu in %.1f s (%.0f/s)\n", calls, secs, secs > 0 ? calls / secs : 0);
	for (op = 0; op < NUM_OPS; op++) {
		printf("#   %-16s %8lu:", op_names[op], atomic_load(&st->op_calls[op]));
		for (e = 0; e <= MAX_ERRNO; e++) {
			unsigned long n = atomic_load(&st->op_errs[op][e]);

			if (n)
				printf(" %s=%lu", e ? strerrorname_np(e) ?: "E?" : "ok", n);
		}
		printf("\n");
	}
	printf("# errno histogram:");
	for (e = 0; e <= MAX_ERRNO; e++)
		if (atomic_load(&st->errs[e]))
			printf(" %s=%lu", e ? strerrorname_np(e) ?: "E?" : "ok",
			       atomic_load(&st->errs[e]));
	printf("\n# jobs: %lu submitted;", atomic_load(&st->jobs_submitted));
	for (e = 0; e < NUM_STATUS; e++)
		printf(" %s=%lu", status_names[e], atomic_load(&st->jobs[e]));
	printf(" not-waited=%lu\n", atomic_load(&st->jobs_lost));
}

/*
 * Hold the fuzzer to RLIMIT_MEMLOCK like any user: without CAP_IPC_LOCK
 * (root has it) the driver charges every pin against the limit.
 */
static int limit_pinning(unsigned long mib)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
	struct rlimit rl = { .rlim_cur = mib << 20, .rlim_max = mib << 20 };

	if (syscall(SYS_capget, &h, d))
		return -errno;
	d[CAP_TO_INDEX(CAP_IPC_LOCK)].effective &= ~CAP_TO_MASK(CAP_IPC_LOCK);
	d[CAP_TO_INDEX(CAP_IPC_LOCK)].permitted &= ~CAP_TO_MASK(CAP_IPC_LOCK);
	if (syscall(SYS_capset, &h, d))
		return -errno;
	return setrlimit(RLIMIT_MEMLOCK, &rl) ? -errno : 0;
}

int main(int argc, char **argv)
{
	uint64_t seed = 0;
	bool seeded = false;
	unsigned int procs = 3, threads = 2, i, bad = 0;
	unsigned long memlock_mib = 32;
	double duration = 0;
	int64_t start;
	int n = 0, status, ret;
	pid_t pids[16];

	target_calls = 100000;
	for (i = 1; i < (unsigned int)argc; i++) {
		const char *a = argv[i], *v = i + 1 < (unsigned int)argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--make-it-fail")) {
			make_it_fail = true;
			continue;
		}
		if (!v) {
			fprintf(stderr, "usage: %s [--seed N] [--calls N] [--duration SECS] [--procs N] [--threads N] [--node PATH] [--memlock MIB] [--make-it-fail]\n",
				argv[0]);
			return 2;
		}
		if (!strcmp(a, "--seed")) {
			seed = strtoull(v, NULL, 0);
			seeded = true;
		} else if (!strcmp(a, "--calls")) {
			target_calls = strtoul(v, NULL, 0);
		} else if (!strcmp(a, "--duration")) {
			duration = strtod(v, NULL);
		} else if (!strcmp(a, "--procs")) {
			procs = (unsigned int)strtoul(v, NULL, 0);
		} else if (!strcmp(a, "--threads")) {
			threads = (unsigned int)strtoul(v, NULL, 0);
		} else if (!strcmp(a, "--node")) {
			node = v;
		} else if (!strcmp(a, "--memlock")) {
			memlock_mib = strtoul(v, NULL, 0);
		} else {
			fprintf(stderr, "fuzz: unknown option %s\n", a);
			return 2;
		}
		i++;
	}
	if (!procs || procs > 16 || !threads || threads > 16) {
		fprintf(stderr, "fuzz: 1..16 processes and threads\n");
		return 2;
	}
	if (!seeded)
		seed = mix64((uint64_t)now_ns() ^ ((uint64_t)getpid() << 32));
	if (duration > 0)
		target_calls = ULONG_MAX;	/* --duration alone bounds the run */
	ret = limit_pinning(memlock_mib);
	if (ret) {
		fprintf(stderr, "fuzz: RLIMIT_MEMLOCK of %lu MiB: %s\n", memlock_mib, strerror(-ret));
		return 1;
	}

	st = mmap(NULL, sizeof(*st), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (st == MAP_FAILED)
		return 1;
	printf("TAP version 13\n1..4\n");
	printf("# seed %#" PRIx64 " (re-run: --seed %#" PRIx64 "), %u processes x %u threads, ",
	       seed, seed, procs, threads);
	if (duration > 0)
		printf("%.0f s", duration);
	else
		printf("%lu calls", target_calls);
	printf(", RLIMIT_MEMLOCK %lu MiB a process\n", memlock_mib);
	fflush(stdout);

	start = now_ns();
	deadline = duration > 0 ? start + (int64_t)(duration * 1e9) : 0;
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < procs; i++) {
		pid_t pid = fork();

		if (pid < 0)
			break;
		if (pid == 0)
			_exit(proc_main(seed, i, threads));
		pids[n++] = pid;
	}
	for (i = 0; i < (unsigned int)n; i++) {
		if (waitpid(pids[i], &status, 0) != pids[i] ||
		    !WIFEXITED(status) || WEXITSTATUS(status)) {
			bad++;
			if (WIFSIGNALED(status))
				printf("# process %u died of signal %d\n", i, WTERMSIG(status));
		}
	}
	print_figures((now_ns() - start) / 1e9);

	printf("%sok 1 fuzz: %lu calls, seed %#" PRIx64 "\n",
	       n == (int)procs && (duration > 0 || atomic_load(&st->calls) >= target_calls) ? "" : "not ",
	       (unsigned long)(atomic_load(&st->calls) < target_calls ? atomic_load(&st->calls) : target_calls),
	       seed);
	printf("%sok 2 every fuzzer process exited cleanly\n", bad ? "not " : "");
	if (atomic_load(&st->refused_not_eopnotsupp))
		printf("# refused core ioctl 0x%02lx returned errno %lu (and %lu more)\n",
		       atomic_load(&st->refused_first_nr), atomic_load(&st->refused_first_ret),
		       atomic_load(&st->refused_not_eopnotsupp) - 1);
	printf("%sok 3 every refused core ioctl failed with EOPNOTSUPP (%lu calls)\n",
	       atomic_load(&st->refused_not_eopnotsupp) ? "not " : "",
	       atomic_load(&st->op_calls[OP_CORE_REFUSED]));
	ret = good_job();
	printf("%sok 4 the card runs a good job afterwards%s%s\n", ret ? "not " : "",
	       ret ? ": " : "", ret ? strerror(-ret) : "");
	return bad || ret || atomic_load(&st->refused_not_eopnotsupp) ? 1 : 0;
}
