// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * User-mode submission queues through the raw uapi: jobs written in the
 * mapped ring run in order with the right results and one kick per batch;
 * two processes' user queues are isolated (an entry naming another context
 * still runs in its own, and a bad address faults only its own queue); a
 * hostile tail or garbage entries stop only that user queue; a hung job is
 * detected by the kernel's watchdog and reported; closing with jobs in
 * flight is clean; a buffer freed while an entry may still use it is held
 * until the entry has ended, and another process's buffers stay intact.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "taihu_submit_util.h"
#include "taihu_test_util.h"

#define DATA_SIZE	(256 * 1024)
#define CMD_SIZE	(256 * 1024)
#define SLOT		256		/* bytes of command stream per job */
#define ENTRIES		64

struct uq {
	int fd;
	uint32_t handle;
	uint32_t entries;
	uint8_t *map;
	size_t size;
	volatile struct drm_taihu_uq_ctrl *ctrl;
	struct drm_taihu_uq_entry *ring;
	volatile struct drm_taihu_uq_completion *compl;
	uint32_t tail;
};

static int uq_create(struct taihu_device *dev, uint32_t queue, uint32_t entries, struct uq *u)
{
	struct drm_taihu_uq_create c = { .queue = queue, .entries = entries };
	int ret;

	memset(u, 0, sizeof(*u));
	u->fd = taihu_device_fd(dev);
	ret = tt_ioctl(u->fd, DRM_IOCTL_TAIHU_UQ_CREATE, &c);
	if (ret)
		return ret;
	u->handle = c.handle;
	u->entries = entries;
	u->size = c.mmap_size;
	u->map = mmap(NULL, c.mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, u->fd,
		      (off_t)c.mmap_offset);
	if (u->map == MAP_FAILED)
		return -errno;
	u->ctrl = (volatile struct drm_taihu_uq_ctrl *)u->map;
	u->ring = (struct drm_taihu_uq_entry *)(u->map + c.ring_offset);
	u->compl = (volatile struct drm_taihu_uq_completion *)(u->map + c.compl_offset);
	return 0;
}

static int uq_destroy(struct uq *u)
{
	struct drm_taihu_uq_destroy d = { .handle = u->handle };

	if (u->map && u->map != MAP_FAILED)
		munmap(u->map, u->size);
	u->map = NULL;
	return tt_ioctl(u->fd, DRM_IOCTL_TAIHU_UQ_DESTROY, &d);
}

static void uq_push(struct uq *u, uint64_t cmd_addr, uint32_t len, uint64_t seqno,
		    uint32_t flags, uint32_t claimed_ctx)
{
	struct drm_taihu_uq_entry e = {
		.cmd_addr = cmd_addr, .cmd_len = len, .reserved0 = claimed_ctx,
		.seqno = seqno, .flags = flags,
	};

	memcpy(&u->ring[u->tail & (u->entries - 1)], &e, sizeof(e));
	u->tail++;
}

static int uq_kick(struct uq *u)
{
	struct drm_taihu_uq_kick k = { .handle = u->handle };

	__atomic_store_n(&u->ctrl->tail, u->tail, __ATOMIC_RELEASE);
	return tt_ioctl(u->fd, DRM_IOCTL_TAIHU_UQ_KICK, &k);
}

/* UQ_WAIT for @head; 0 with *@status, or the ioctl's error. */
static int uq_wait(struct uq *u, uint32_t head, int64_t timeout_ns, uint32_t *status)
{
	struct drm_taihu_uq_wait w = {
		.handle = u->handle, .head = head, .timeout_ns = tt_now_ns() + timeout_ns,
	};
	int ret = tt_ioctl(u->fd, DRM_IOCTL_TAIHU_UQ_WAIT, &w);

	if (status)
		*status = w.status;
	return ret;
}

FIXTURE(uq)
{
	struct taihu_device *dev;
	struct tt_device desc;
	struct taihu_device_info info;
	struct ts_buf data, cmd;
};

FIXTURE_SETUP(uq)
{
	int ret;

	ret = tt_open_first(&self->dev, &self->desc);
	ASSERT_EQ(0, ret) TH_LOG("no Taihu device: %s", taihu_strerror(ret));
	self->info.size = sizeof(self->info);
	ASSERT_EQ(0, taihu_device_info(self->dev, &self->info));
	if (!(self->info.capabilities & DRM_TAIHU_CAP_USER_QUEUES))
		SKIP(return, "the card has no user queues");
	ASSERT_EQ(0, ts_buf_new(self->dev, DATA_SIZE, &self->data));
	ASSERT_EQ(0, ts_buf_new(self->dev, CMD_SIZE, &self->cmd));
}

FIXTURE_TEARDOWN(uq)
{
	ts_buf_free(&self->cmd);
	ts_buf_free(&self->data);
	taihu_device_close(self->dev);
}

/* Write a stream built by @cb at job slot @slot of the command buffer. */
static uint32_t put_stream(struct ts_buf *cmd, unsigned int slot, struct taihu_cmdbuf *cb)
{
	uint32_t len = (uint32_t)taihu_cmdbuf_size(cb);

	memcpy(cmd->p + (size_t)slot * SLOT, taihu_cmdbuf_data(cb), len);
	taihu_cmdbuf_free(cb);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return len;
}

static uint32_t fill_stream(struct ts_buf *cmd, unsigned int slot, uint64_t dst, uint64_t size,
			    uint32_t value)
{
	struct taihu_cmdbuf *cb;

	if (taihu_cmdbuf_new(&cb) || taihu_cmdbuf_fill(cb, dst, size, value) < 0)
		abort();
	return put_stream(cmd, slot, cb);
}

TEST_F(uq, bad_arguments_and_limits)
{
	struct drm_taihu_uq_create c = { .queue = 0, .entries = 3 };
	struct drm_taihu_uq_kick k = { .handle = 999 };
	struct drm_taihu_uq_destroy d = { .handle = 999 };
	int fd = taihu_device_fd(self->dev);
	struct uq u[DRM_TAIHU_MAX_UQ_PER_FILE + 1];
	unsigned int i;

	EXPECT_EQ(-EINVAL, tt_ioctl(fd, DRM_IOCTL_TAIHU_UQ_CREATE, &c));
	c.entries = 1;
	EXPECT_EQ(-EINVAL, tt_ioctl(fd, DRM_IOCTL_TAIHU_UQ_CREATE, &c));
	c.entries = 1u << 20;
	EXPECT_EQ(-EINVAL, tt_ioctl(fd, DRM_IOCTL_TAIHU_UQ_CREATE, &c));
	c.entries = 16;
	c.queue = self->info.num_queues;
	EXPECT_EQ(-EINVAL, tt_ioctl(fd, DRM_IOCTL_TAIHU_UQ_CREATE, &c));
	c.queue = 0;
	c.flags = 1;
	EXPECT_EQ(-EINVAL, tt_ioctl(fd, DRM_IOCTL_TAIHU_UQ_CREATE, &c));
	EXPECT_EQ(-ENOENT, tt_ioctl(fd, DRM_IOCTL_TAIHU_UQ_KICK, &k));
	EXPECT_EQ(-ENOENT, tt_ioctl(fd, DRM_IOCTL_TAIHU_UQ_DESTROY, &d));
	k.pad = 1;
	EXPECT_EQ(-EINVAL, tt_ioctl(fd, DRM_IOCTL_TAIHU_UQ_KICK, &k));
	for (i = 0; i < DRM_TAIHU_MAX_UQ_PER_FILE; i++)
		ASSERT_EQ(0, uq_create(self->dev, i % self->info.num_queues, 16, &u[i]));
	EXPECT_EQ(-ENOSPC, uq_create(self->dev, 0, 16, &u[i]));
	for (i = 0; i < DRM_TAIHU_MAX_UQ_PER_FILE; i++)
		EXPECT_EQ(0, uq_destroy(&u[i]));
	/* Handles are gone; the places are free again. */
	EXPECT_EQ(0, uq_create(self->dev, 0, 16, &u[0]));
	EXPECT_EQ(0, uq_destroy(&u[0]));
}

TEST_F(uq, jobs_run_in_order_with_results)
{
	const unsigned int n = 200, batch = 25;
	uint32_t status, len, v;
	unsigned int i;
	struct uq u;

	ASSERT_EQ(0, uq_create(self->dev, 0, ENTRIES, &u));
	EXPECT_EQ(0, u.ctrl->head);
	for (i = 0; i < n; i++) {
		/* Each job writes its own word and the shared last one: order shows. */
		struct taihu_cmdbuf *cb;

		ASSERT_EQ(0, taihu_cmdbuf_new(&cb));
		ASSERT_LE(0, taihu_cmdbuf_fill(cb, self->data.addr + 16 * i, 4, i + 1));
		ASSERT_LE(0, taihu_cmdbuf_fill(cb, self->data.addr + 0x10000, 4, i + 1));
		len = put_stream(&self->cmd, i % ENTRIES, cb);
		uq_push(&u, self->cmd.addr + (i % ENTRIES) * SLOT, len, 1000 + i,
			(i + 1) % batch ? 0 : DRM_TAIHU_UQ_ENTRY_IRQ, 0);
		if ((i + 1) % batch == 0) {
			ASSERT_EQ(0, uq_kick(&u));
			ASSERT_EQ(0, uq_wait(&u, i + 1, TT_JOB_TIMEOUT_NS, &status));
			ASSERT_EQ(0, status);
			ASSERT_EQ(i + 1, __atomic_load_n(&u.ctrl->head, __ATOMIC_ACQUIRE));
			EXPECT_EQ(1000 + i, u.compl[i % ENTRIES].seqno);
			EXPECT_EQ(DRM_TAIHU_UQ_JOB_SUCCESS, u.compl[i % ENTRIES].status);
			EXPECT_LE(u.compl[i % ENTRIES].start_ns, u.compl[i % ENTRIES].end_ns);
		}
	}
	for (i = 0; i < n; i++) {
		memcpy(&v, self->data.p + 16 * i, 4);
		EXPECT_EQ(i + 1, v);
	}
	memcpy(&v, self->data.p + 0x10000, 4);
	EXPECT_EQ(n, v);
	EXPECT_EQ(0, u.ctrl->status);
	EXPECT_EQ(0, uq_destroy(&u));
}

TEST_F(uq, hostile_tail_and_garbage_stop_only_that_queue)
{
	uint32_t status, len, i;
	struct uq good, bad;

	ASSERT_EQ(0, uq_create(self->dev, 0, ENTRIES, &good));
	ASSERT_EQ(0, uq_create(self->dev, 0, ENTRIES, &bad));
	/* A tail far past the ring. */
	bad.tail = 0x40000000u;
	ASSERT_EQ(0, uq_kick(&bad));
	ASSERT_EQ(0, uq_wait(&bad, 1, TT_JOB_TIMEOUT_NS, &status));
	EXPECT_EQ(DRM_TAIHU_JOB_INVALID_CMD, status);
	EXPECT_EQ(DRM_TAIHU_UQ_JOB_INVALID_CMD, bad.ctrl->status);
	len = fill_stream(&self->cmd, 0, self->data.addr, 4, 0x600d);
	uq_push(&good, self->cmd.addr, len, 1, DRM_TAIHU_UQ_ENTRY_IRQ, 0);
	ASSERT_EQ(0, uq_kick(&good));
	ASSERT_EQ(0, uq_wait(&good, 1, TT_JOB_TIMEOUT_NS, &status));
	EXPECT_EQ(0, status);
	EXPECT_EQ(DRM_TAIHU_UQ_JOB_SUCCESS, good.compl[0].status);
	EXPECT_EQ(0, uq_destroy(&bad));

	/* Garbage entries: random words, flags included. */
	ASSERT_EQ(0, uq_create(self->dev, 0, ENTRIES, &bad));
	for (i = 0; i < ENTRIES; i++) {
		uint64_t w[4] = { tt_mix64(i), tt_mix64(i + 100), tt_mix64(i + 200),
				  tt_mix64(i + 300) };

		memcpy(&bad.ring[i], w, sizeof(w));
	}
	bad.tail = ENTRIES;
	ASSERT_EQ(0, uq_kick(&bad));
	ASSERT_EQ(0, uq_wait(&bad, ENTRIES, TT_JOB_TIMEOUT_NS, &status));
	EXPECT_NE(0, status);
	uq_push(&good, self->cmd.addr, len, 2, DRM_TAIHU_UQ_ENTRY_IRQ, 0);
	ASSERT_EQ(0, uq_kick(&good));
	ASSERT_EQ(0, uq_wait(&good, 2, TT_JOB_TIMEOUT_NS, &status));
	EXPECT_EQ(0, status);
	/* Ordinary submission on the same hardware queue still works. */
	EXPECT_EQ(0, tt_run_nop(self->dev, 0, NULL));
	EXPECT_EQ(0, uq_destroy(&bad));
	EXPECT_EQ(0, uq_destroy(&good));
}

/*
 * A second process aims a FILL at this process's buffer, naming (in the
 * entry's ignored context field) every low context id: its job runs in its
 * own context, faults, and stops its own user queue only. The target is
 * the far half of this process's second buffer: the child maps one buffer
 * only (at the first address a context hands out, where our first one is).
 */
TEST_F(uq, processes_are_isolated)
{
	uint32_t status, len, v;
	int pipefd[2], wst;
	struct uq mine;
	pid_t pid;

	const uint64_t target = CMD_SIZE / 2;

	memset(self->cmd.p + target, 0x11, 4096);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	ASSERT_EQ(0, uq_create(self->dev, 1, ENTRIES, &mine));
	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct taihu_device *dev;
		struct tt_device desc;
		struct ts_buf cmd;
		struct uq u;
		int32_t res[3] = { -1, -1, -1 };
		uint32_t st = 0, i;

		close(pipefd[0]);
		if (!tt_open_first(&dev, &desc) && !ts_buf_new(dev, CMD_SIZE, &cmd) &&
		    !uq_create(dev, 1, ENTRIES, &u)) {
			len = fill_stream(&cmd, 0, self->cmd.addr + target, 4096, 0xbad);
			for (i = 0; i < 8; i++)
				uq_push(&u, cmd.addr, len, i, i == 7 ? DRM_TAIHU_UQ_ENTRY_IRQ : 0,
					i + 1);
			res[0] = uq_kick(&u);
			res[1] = uq_wait(&u, 8, TT_JOB_TIMEOUT_NS, &st);
			res[2] = (int32_t)(st | u.compl[0].status << 8);
		}
		if (write(pipefd[1], res, sizeof(res)) != sizeof(res))
			_exit(2);
		_exit(0);
	}
	close(pipefd[1]);
	{
		int32_t res[3];

		ASSERT_EQ(sizeof(res), read(pipefd[0], res, sizeof(res)));
		EXPECT_EQ(0, res[0]);
		EXPECT_EQ(0, res[1]);
		/* Stopped by its MMU fault; the first job's record says so. */
		EXPECT_EQ(DRM_TAIHU_JOB_MMU_FAULT, res[2] & 0xff);
		EXPECT_EQ(DRM_TAIHU_UQ_JOB_MMU_FAULT, res[2] >> 8);
	}
	close(pipefd[0]);
	ASSERT_EQ(pid, waitpid(pid, &wst, 0));
	memcpy(&v, self->cmd.p + target, 4);
	EXPECT_EQ(0x11111111u, v);
	memcpy(&v, self->cmd.p + target + 4092, 4);
	EXPECT_EQ(0x11111111u, v);
	/* Mine runs on, on the same hardware queue. */
	len = fill_stream(&self->cmd, 1, self->data.addr + 8192, 4, 0x5afe);
	uq_push(&mine, self->cmd.addr + SLOT, len, 1, DRM_TAIHU_UQ_ENTRY_IRQ, 0);
	ASSERT_EQ(0, uq_kick(&mine));
	ASSERT_EQ(0, uq_wait(&mine, 1, TT_JOB_TIMEOUT_NS, &status));
	EXPECT_EQ(0, status);
	memcpy(&v, self->data.p + 8192, 4);
	EXPECT_EQ(0x5afeu, v);
	EXPECT_EQ(0, uq_destroy(&mine));
}

/* A bad address in one's own queue faults it; the file's SUBMITs go on. */
TEST_F(uq, bad_address_faults_only_its_queue)
{
	uint32_t status, len;
	struct uq a, b;

	ASSERT_EQ(0, uq_create(self->dev, 2, ENTRIES, &a));
	ASSERT_EQ(0, uq_create(self->dev, 3, ENTRIES, &b));
	len = fill_stream(&self->cmd, 0, 0x7f0000000ULL, 4, 1);
	uq_push(&a, self->cmd.addr, len, 1, DRM_TAIHU_UQ_ENTRY_IRQ, 0);
	ASSERT_EQ(0, uq_kick(&a));
	ASSERT_EQ(0, uq_wait(&a, 1, TT_JOB_TIMEOUT_NS, &status));
	EXPECT_EQ(DRM_TAIHU_JOB_MMU_FAULT, status);
	EXPECT_EQ(DRM_TAIHU_UQ_JOB_MMU_FAULT, a.compl[0].status);
	EXPECT_EQ(0x7f0000000ULL, a.compl[0].error_addr);
	/* The context's other user queue is stopped too. */
	ASSERT_EQ(0, uq_wait(&b, 1, TT_JOB_TIMEOUT_NS, &status));
	EXPECT_EQ(DRM_TAIHU_JOB_MMU_FAULT, status);
	EXPECT_EQ(0, uq_destroy(&a));
	EXPECT_EQ(0, uq_destroy(&b));
}

TEST_F(uq, hang_is_detected_and_reported)
{
	char dir[160];
	uint32_t status, len;
	struct uq u, other;

	if (geteuid() != 0)
		SKIP(return, "needs root (debugfs fault injection)");
	snprintf(dir, sizeof(dir), "/sys/kernel/debug/accel/%s/fault_inject",
		 self->desc.pci_slot);
	ASSERT_EQ(0, uq_create(self->dev, 1, ENTRIES, &u));
	ASSERT_EQ(0, tt_attr_write(dir, "queue_hang", "1"));
	len = fill_stream(&self->cmd, 0, self->data.addr, 4, 1);
	uq_push(&u, self->cmd.addr, len, 1, DRM_TAIHU_UQ_ENTRY_IRQ, 0);
	uq_push(&u, self->cmd.addr, len, 2, DRM_TAIHU_UQ_ENTRY_IRQ, 0);
	ASSERT_EQ(0, uq_kick(&u));
	ASSERT_EQ(0, uq_wait(&u, 2, TT_JOB_TIMEOUT_NS, &status));
	EXPECT_EQ(DRM_TAIHU_JOB_TIMEOUT, status);
	EXPECT_EQ(DRM_TAIHU_UQ_JOB_ABORTED, u.compl[0].status);
	/* The engine serves its other user queues (and its ring) again. */
	ASSERT_EQ(0, uq_create(self->dev, 1, ENTRIES, &other));
	uq_push(&other, self->cmd.addr, len, 1, DRM_TAIHU_UQ_ENTRY_IRQ, 0);
	ASSERT_EQ(0, uq_kick(&other));
	ASSERT_EQ(0, uq_wait(&other, 1, TT_JOB_TIMEOUT_NS, &status));
	EXPECT_EQ(0, status);
	EXPECT_EQ(0, tt_run_nop(self->dev, 1, NULL));
	EXPECT_EQ(0, uq_destroy(&u));
	EXPECT_EQ(0, uq_destroy(&other));
}

static uint64_t vram_used(struct taihu_device *dev)
{
	struct taihu_device_info info = { .size = sizeof(info) };

	if (taihu_device_info(dev, &info))
		return 0;
	return info.vram_used;
}

/* Poll the word at @p until it is @want; false after TT_JOB_TIMEOUT_NS. */
static bool word_becomes(const volatile uint8_t *p, uint32_t want)
{
	int64_t end = tt_now_ns() + TT_JOB_TIMEOUT_NS;
	uint32_t v;

	do {
		v = __atomic_load_n((const volatile uint32_t *)p, __ATOMIC_ACQUIRE);
		if (v == want)
			return true;
		tt_sleep_ms(1);
	} while (tt_now_ns() < end);
	return false;
}

#define HOLD_SIZE	(64 * 1024)
/* The other process's buffers: small, so that they fill X's hole (best fit). */
#define HOLD_BO_SIZE	4096
#define HOLD_BOS	64
#define HOLD_PATTERN	0x5b5b5b5bu

/*
 * Another process's buffers: allocated once @go says so, filled with
 * HOLD_PATTERN, reported ready, checked when told, the intact count
 * written back.
 */
static void hold_child(int go, int back)
{
	struct ts_buf b[HOLD_BOS];
	struct taihu_device *dev;
	struct tt_device desc;
	uint32_t intact = 0, v;
	unsigned int i, n = 0;
	size_t off;
	char c;

	if (read(go, &c, 1) != 1 || tt_open_first(&dev, &desc))
		_exit(1);
	for (n = 0; n < HOLD_BOS && !ts_buf_new(dev, HOLD_BO_SIZE, &b[n]); n++)
		memset(b[n].p, 0x5b, HOLD_BO_SIZE);
	__sync_synchronize();
	if (write(back, &n, sizeof(n)) != sizeof(n) || read(go, &c, 1) != 1)
		_exit(1);
	for (i = 0; i < n; i++) {
		for (off = 0; off < HOLD_BO_SIZE; off += 4) {
			memcpy(&v, b[i].p + off, 4);
			if (v != HOLD_PATTERN)
				break;
		}
		intact += off == HOLD_BO_SIZE;
		ts_buf_free(&b[i]);
	}
	taihu_device_close(dev);
	if (write(back, &intact, sizeof(intact)) != sizeof(intact))
		_exit(1);
	_exit(0);
}

/*
 * The security hole of a free racing a user-queue job: a job reads and
 * writes buffer X; X's last handle is closed while the job runs (held on a
 * semaphore after touching X, so its translations are cached), and
 * another process allocates buffers that may get X's VRAM and fills them.
 * X's VRAM must not be reused while the job runs (vram_used does not drop
 * at the close), the job must fault when it touches X again, the other
 * process's buffers stay intact, the job reads none of their contents, and
 * X's VRAM is released once the job's user queue is stopped.
 */
TEST_F(uq, freed_buffer_is_held_while_an_entry_runs)
{
	const uint64_t sem = 0x30000, out = 0x10000;
	uint32_t status, len, n, intact, v;
	struct taihu_cmdbuf *cb;
	int go[2], back[2], wst;
	uint64_t before, held, xaddr;
	struct ts_buf x;
	int64_t end;
	struct uq u;
	size_t off;
	pid_t pid;

	/* First: a child that inherited X's mapping would keep X alive. */
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(back));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		close(go[1]);
		close(back[0]);
		hold_child(go[0], back[1]);
	}
	close(go[0]);
	close(back[1]);
	ASSERT_EQ(0, ts_buf_new(self->dev, HOLD_SIZE, &x));
	memset(x.p, 0xa5, HOLD_SIZE);
	ts_set64(&self->data, sem, 0);
	ASSERT_EQ(0, uq_create(self->dev, 2, ENTRIES, &u));
	ASSERT_EQ(0, taihu_cmdbuf_new(&cb));
	ASSERT_LE(0, taihu_cmdbuf_copy(cb, x.addr, self->data.addr, HOLD_SIZE));
	ASSERT_LE(0, taihu_cmdbuf_sem_wait(cb, self->data.addr + sem, 1, TAIHU_CMDBUF_SEM_GEQUAL));
	ASSERT_LE(0, taihu_cmdbuf_copy(cb, x.addr, self->data.addr + out, HOLD_SIZE));
	ASSERT_LE(0, taihu_cmdbuf_fill(cb, x.addr, HOLD_SIZE, 0xdead));
	len = put_stream(&self->cmd, 0, cb);
	uq_push(&u, self->cmd.addr, len, 1, DRM_TAIHU_UQ_ENTRY_IRQ, 0);
	ASSERT_EQ(0, uq_kick(&u));
	/* The first copy is done: the job waits, with X translated. */
	ASSERT_TRUE(word_becomes(self->data.p + HOLD_SIZE - 4, 0xa5a5a5a5u));

	before = vram_used(self->dev);
	xaddr = x.addr;
	ts_buf_free(&x);
	held = vram_used(self->dev);
	/* Held (interface 1.8: the entry runs; before: the head has not moved). */
	EXPECT_EQ(before, held);
	ASSERT_EQ(1, write(go[1], "a", 1));
	ASSERT_EQ(sizeof(n), read(back[0], &n, sizeof(n)));
	EXPECT_EQ(HOLD_BOS, n);

	/* The job goes on: its next access to X faults. */
	ts_set64(&self->data, sem, 1);
	ASSERT_EQ(0, uq_wait(&u, 1, TT_JOB_TIMEOUT_NS, &status));
	EXPECT_EQ(DRM_TAIHU_JOB_MMU_FAULT, status);
	EXPECT_EQ(DRM_TAIHU_UQ_JOB_MMU_FAULT, u.compl[0].status);
	EXPECT_EQ(xaddr, u.compl[0].error_addr);
	ASSERT_EQ(1, write(go[1], "b", 1));
	ASSERT_EQ(sizeof(intact), read(back[0], &intact, sizeof(intact)));
	EXPECT_EQ(n, intact);
	ASSERT_EQ(pid, waitpid(pid, &wst, 0));
	EXPECT_TRUE(WIFEXITED(wst) && WEXITSTATUS(wst) == 0);
	for (off = 0; off < HOLD_SIZE; off += 4) {
		memcpy(&v, self->data.p + out + off, 4);
		if (v == HOLD_PATTERN)
			break;
	}
	EXPECT_EQ(HOLD_SIZE, off) TH_LOG("the job read another process's buffer");
	close(go[1]);
	close(back[0]);

	/* The fault stopped the user queue on the card: X's VRAM goes. */
	end = tt_now_ns() + TT_JOB_TIMEOUT_NS;
	while (vram_used(self->dev) > before - HOLD_SIZE && tt_now_ns() < end)
		tt_sleep_ms(10);
	EXPECT_GE(before - HOLD_SIZE, vram_used(self->dev));
	EXPECT_EQ(0, uq_destroy(&u));
}

/* With its user queues idle (interface 1.8), a context's freed buffer goes at once. */
TEST_F(uq, freed_buffer_of_an_idle_context_goes_at_once)
{
	uint32_t status, len;
	uint64_t before;
	struct ts_buf x;
	struct uq u;

	if (self->info.card_if_minor < 8)
		SKIP(return, "card interface 1.%u: held until the head moves",
		     self->info.card_if_minor);
	ASSERT_EQ(0, uq_create(self->dev, 1, ENTRIES, &u));
	ASSERT_EQ(0, ts_buf_new(self->dev, HOLD_SIZE, &x));
	len = fill_stream(&self->cmd, 0, x.addr, HOLD_SIZE, 7);
	uq_push(&u, self->cmd.addr, len, 1, DRM_TAIHU_UQ_ENTRY_IRQ, 0);
	ASSERT_EQ(0, uq_kick(&u));
	ASSERT_EQ(0, uq_wait(&u, 1, TT_JOB_TIMEOUT_NS, &status));
	EXPECT_EQ(0, status);
	before = vram_used(self->dev);
	ts_buf_free(&x);
	/* At least X (page tables may go with it). */
	EXPECT_GE(before - HOLD_SIZE, vram_used(self->dev));
	EXPECT_EQ(0, uq_destroy(&u));
}

/*
 * An entry pushed without DRM_TAIHU_UQ_ENTRY_IRQ raises no interrupt for a
 * process that polls; a waiter that sleeps in UQ_WAIT while the entry runs
 * asks the card for one (DRM_TAIHU_CAP_UQ_WAIT_IRQ) and wakes when the
 * entry ends, not at its timeout (-ETIME).
 */
TEST_F(uq, sleeping_waiter_gets_the_interrupt)
{
	const uint64_t sem = 0x30000, mark = 0x20000;
	struct taihu_cmdbuf *cb;
	uint32_t status, len, v;
	struct uq u;
	int wst;
	pid_t pid;

	if (!(self->info.capabilities & DRM_TAIHU_CAP_UQ_WAIT_IRQ))
		SKIP(return, "UQ_WAIT does not ask for the interrupt (card interface 1.%u)",
		     self->info.card_if_minor);
	ts_set64(&self->data, sem, 0);
	ts_set64(&self->data, mark, 0);
	ASSERT_EQ(0, uq_create(self->dev, 1, ENTRIES, &u));
	ASSERT_EQ(0, taihu_cmdbuf_new(&cb));
	ASSERT_LE(0, taihu_cmdbuf_fill(cb, self->data.addr + mark, 4, 1));
	ASSERT_LE(0, taihu_cmdbuf_sem_wait(cb, self->data.addr + sem, 1, TAIHU_CMDBUF_SEM_GEQUAL));
	ASSERT_LE(0, taihu_cmdbuf_fill(cb, self->data.addr + mark, 4, 2));
	len = put_stream(&self->cmd, 0, cb);
	uq_push(&u, self->cmd.addr, len, 7, 0, 0);
	ASSERT_EQ(0, uq_kick(&u));
	/* The entry runs and waits for the semaphore. */
	ASSERT_TRUE(word_becomes(self->data.p + mark, 1));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		/* Long enough for the parent to be asleep in UQ_WAIT. */
		tt_sleep_ms(300);
		ts_set64(&self->data, sem, 1);
		_exit(0);
	}
	EXPECT_EQ(0, uq_wait(&u, 1, 10LL * 1000000000LL, &status));
	EXPECT_EQ(0, status);
	EXPECT_EQ(1, __atomic_load_n(&u.ctrl->head, __ATOMIC_ACQUIRE));
	EXPECT_EQ(7, u.compl[0].seqno);
	EXPECT_EQ(DRM_TAIHU_UQ_JOB_SUCCESS, u.compl[0].status);
	memcpy(&v, self->data.p + mark, 4);
	EXPECT_EQ(2, v);
	ASSERT_EQ(pid, waitpid(pid, &wst, 0));
	EXPECT_TRUE(WIFEXITED(wst) && WEXITSTATUS(wst) == 0);
	EXPECT_EQ(0, uq_destroy(&u));
}

/* A process exits with a full ring of long jobs in flight; the card goes on. */
TEST_F(uq, close_with_jobs_in_flight)
{
	uint32_t status, len;
	int wst, round;
	struct uq u;
	pid_t pid;

	for (round = 0; round < 3; round++) {
		pid = fork();
		ASSERT_GE(pid, 0);
		if (pid == 0) {
			struct taihu_device *dev;
			struct tt_device desc;
			struct ts_buf cmd, data;
			struct uq c;
			uint32_t i;

			if (tt_open_first(&dev, &desc) || ts_buf_new(dev, CMD_SIZE, &cmd) ||
			    ts_buf_new(dev, 4 << 20, &data) || uq_create(dev, 0, ENTRIES, &c))
				_exit(1);
			len = fill_stream(&cmd, 0, data.addr, 4 << 20, 0x77);
			for (i = 0; i < ENTRIES; i++)
				uq_push(&c, cmd.addr, len, i, 0, 0);
			uq_kick(&c);
			/* Exit without destroying anything, mapping still there. */
			_exit(0);
		}
		ASSERT_EQ(pid, waitpid(pid, &wst, 0));
		EXPECT_TRUE(WIFEXITED(wst) && WEXITSTATUS(wst) == 0);
	}
	ASSERT_EQ(0, uq_create(self->dev, 0, ENTRIES, &u));
	len = fill_stream(&self->cmd, 0, self->data.addr, 4, 9);
	uq_push(&u, self->cmd.addr, len, 1, DRM_TAIHU_UQ_ENTRY_IRQ, 0);
	ASSERT_EQ(0, uq_kick(&u));
	ASSERT_EQ(0, uq_wait(&u, 1, TT_JOB_TIMEOUT_NS, &status));
	EXPECT_EQ(0, status);
	EXPECT_EQ(0, tt_run_nop(self->dev, 0, NULL));
	EXPECT_EQ(0, uq_destroy(&u));
}

TEST_HARNESS_MAIN
