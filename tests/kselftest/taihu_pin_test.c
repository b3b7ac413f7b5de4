// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Pinned host memory is charged (driver/taihu_pin.c): a host buffer's
 * pages, pinned when a job first uses it, count in the pinning process's
 * VmPin against its RLIMIT_MEMLOCK (unless CAP_IPC_LOCK) and in the
 * device's host_pinned against host_pin_limit (for everybody); over
 * either, the submit fails with ENOMEM and a one-line reason, and the
 * charge goes away with the buffer.
 *
 * And the OOM killer sees who holds host buffers: a mapping of one
 * allocates its pages as they are touched, counted in the process's RSS
 * (which the OOM killer ranks by) and its memory cgroup, so under memory
 * pressure the process filling buffers is killed, not a bystander.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/capability.h>

#include "kselftest_harness.h"
#include "taihu_mem_util.h"
#include "taihu_test_util.h"

#define BUF_SIZE	(4 * TM_MiB)

FIXTURE(pin)
{
	struct taihu_device *dev;
	struct tt_device desc;
	uint64_t limit0;
};

FIXTURE_SETUP(pin)
{
	int ret = tt_open_first(&self->dev, &self->desc);

	ASSERT_EQ(0, ret) TH_LOG("no Taihu device: %s", taihu_strerror(ret));
	ASSERT_EQ(0, tm_sysfs_u64(self->desc.pci_slot, "host_pin_limit", &self->limit0));
}

/* Write @text to @path; 0 or -errno of open(2) or write(2). */
static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, text, strlen(text)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* Write @text to the device's host_pin_limit. */
static int write_limit(const char *slot, const char *text)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/host_pin_limit", slot);
	return write_file(path, text);
}

static int set_limit(const char *slot, uint64_t bytes)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)bytes);
	return write_limit(slot, buf);
}

FIXTURE_TEARDOWN(pin)
{
	EXPECT_EQ(0, set_limit(self->desc.pci_slot, self->limit0));
	taihu_device_close(self->dev);
}

/* A "Field: N kB" line of /proc/self/status in bytes, or -1. */
static int64_t status_bytes(const char *field)
{
	char line[128];
	long long kib = -1;
	size_t n = strlen(field);
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, n) && line[n] == ':' &&
		    sscanf(line + n + 1, "%lld kB", &kib) == 1)
			break;
	fclose(f);
	return kib < 0 ? -1 : kib * 1024;
}

static int64_t vm_pin(void)
{
	return status_bytes("VmPin");
}

/* A job that fills the host buffer @bo: pins it. 0 or -errno. */
static int use_in_job(struct taihu_device *dev, struct taihu_bo *bo)
{
	struct taihu_job_result res = { .size = sizeof(res) };
	struct taihu_cmdbuf *cb;
	int ret = taihu_cmdbuf_new(&cb);

	if (ret)
		return ret;
	ret = taihu_cmdbuf_fill(cb, taihu_bo_dev_addr(bo), taihu_bo_size(bo), 0x5a5a5a5a);
	if (!ret)
		ret = tm_run(dev, cb, &bo, 1, &res, NULL, NULL);
	taihu_cmdbuf_free(cb);
	return ret;
}

/* The charge appears with the first job and goes with the buffer. */
TEST_F(pin, charged_to_the_pinning_process)
{
	const char *slot = self->desc.pci_slot;
	uint64_t dev0, dev1, dev2;
	int64_t pin0, pin1, pin2;
	struct taihu_bo *bo;

	pin0 = vm_pin();
	ASSERT_LE(0, pin0);
	ASSERT_EQ(0, tm_sysfs_u64(slot, "host_pinned", &dev0));
	ASSERT_EQ(0, taihu_bo_create(self->dev, BUF_SIZE, DRM_TAIHU_PLACEMENT_HOST, &bo));
	/* created, not yet used: nothing pinned */
	EXPECT_EQ(pin0, vm_pin());
	ASSERT_EQ(0, use_in_job(self->dev, bo));
	pin1 = vm_pin();
	ASSERT_EQ(0, tm_sysfs_u64(slot, "host_pinned", &dev1));
	EXPECT_EQ((int64_t)BUF_SIZE, pin1 - pin0);
	EXPECT_EQ(BUF_SIZE, dev1 - dev0);
	/* a second job does not charge again */
	ASSERT_EQ(0, use_in_job(self->dev, bo));
	EXPECT_EQ(pin1, vm_pin());
	ASSERT_EQ(0, taihu_bo_free(bo));
	/* the job's reference may outlive the wait for a moment */
	for (int i = 0; i < 100 && vm_pin() != pin0; i++)
		tt_sleep_ms(20);
	pin2 = vm_pin();
	ASSERT_EQ(0, tm_sysfs_u64(slot, "host_pinned", &dev2));
	EXPECT_EQ(pin0, pin2);
	EXPECT_EQ(dev0, dev2);
}

/* The device limit holds for root (CAP_IPC_LOCK) too. */
TEST_F(pin, device_limit_refuses_with_enomem)
{
	const char *slot = self->desc.pci_slot;
	struct taihu_bo *bo;
	struct tt_klog klog;
	uint64_t pinned;

	ASSERT_EQ(0, tm_sysfs_u64(slot, "host_pinned", &pinned));
	ASSERT_EQ(0, set_limit(slot, pinned + BUF_SIZE / 2));
	ASSERT_EQ(0, tt_klog_mark(&klog));
	ASSERT_EQ(0, taihu_bo_create(self->dev, BUF_SIZE, DRM_TAIHU_PLACEMENT_HOST, &bo));
	EXPECT_EQ(-ENOMEM, use_in_job(self->dev, bo));
	EXPECT_EQ(1, tt_klog_since_contains(&klog, "host_pin_limit"));
	/* nothing stays charged for the refused job */
	EXPECT_EQ(0, tm_sysfs_u64(slot, "host_pinned", &pinned));
	/* with room again the same buffer works */
	ASSERT_EQ(0, set_limit(slot, self->limit0));
	EXPECT_EQ(0, use_in_job(self->dev, bo));
	EXPECT_EQ(0, taihu_bo_free(bo));
	tt_klog_close(&klog);
}

TEST_F(pin, limit_is_checked)
{
	uint64_t ram;

	ASSERT_EQ(0, tm_meminfo("MemTotal", &ram));
	EXPECT_EQ(-EINVAL, set_limit(self->desc.pci_slot, ram * 2));
	EXPECT_EQ(-EINVAL, write_limit(self->desc.pci_slot, "lots"));
}

/* Drop CAP_IPC_LOCK (and everything else) from this process. */
static int drop_caps(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	return syscall(SYS_capset, &h, d) ? -errno : 0;
}

/*
 * A process without CAP_IPC_LOCK cannot pin past its RLIMIT_MEMLOCK: the
 * memory-hungry process is stopped at its own limit instead of the OOM
 * killer picking someone else.
 */
TEST_F(pin, rlimit_memlock_stops_an_unprivileged_process)
{
	pid_t pid = fork();
	int status;

	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct rlimit rl = { 2 * TM_MiB, 2 * TM_MiB };
		struct taihu_device *dev;
		struct taihu_bo *big, *small;
		int64_t pin0;

		if (tm_reopen(self->dev, &dev) || setrlimit(RLIMIT_MEMLOCK, &rl) ||
		    drop_caps())
			_exit(10);
		pin0 = vm_pin();
		if (taihu_bo_create(dev, BUF_SIZE, DRM_TAIHU_PLACEMENT_HOST, &big) ||
		    taihu_bo_create(dev, TM_MiB, DRM_TAIHU_PLACEMENT_HOST, &small))
			_exit(11);
		if (use_in_job(dev, big) != -ENOMEM)
			_exit(12);
		if (vm_pin() != pin0)
			_exit(13);
		if (use_in_job(dev, small) != 0)
			_exit(14);
		if (vm_pin() != pin0 + (int64_t)TM_MiB)
			_exit(15);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("child step %d failed (10 setup, 11 create, 12 not ENOMEM over the limit, 13 charge left, 14 small job, 15 VmPin)",
		       WEXITSTATUS(status));
}

/*
 * mmap() of a host buffer allocates nothing by itself; the pages touched
 * through it are the process's RssShmem.
 */
TEST_F(pin, mapped_pages_count_in_rss)
{
	const uint64_t size = 64 * TM_MiB, touched = 16 * TM_MiB;
	uint64_t shmem0, shmem1;
	int64_t rss0, rss1;
	struct taihu_bo *bo;
	void *p;

	ASSERT_EQ(0, tm_meminfo("Shmem", &shmem0));
	rss0 = status_bytes("RssShmem");
	ASSERT_LE(0, rss0);
	ASSERT_EQ(0, taihu_bo_create(self->dev, size, DRM_TAIHU_PLACEMENT_HOST, &bo));
	ASSERT_EQ(0, taihu_bo_map(bo, &p));
	ASSERT_EQ(0, tm_meminfo("Shmem", &shmem1));
	EXPECT_GT(shmem0 + 8 * TM_MiB, shmem1)
		TH_LOG("mmap() of a %llu MiB buffer allocated %llu MiB at once",
		       (unsigned long long)(size / TM_MiB),
		       (unsigned long long)((shmem1 - shmem0) / TM_MiB));
	memset(p, 0x5a, touched);
	rss1 = status_bytes("RssShmem");
	/* the per-CPU RSS counters may lag by a few hundred KiB */
	EXPECT_LE(rss0 + (int64_t)touched - (int64_t)TM_MiB, rss1)
		TH_LOG("RssShmem grew by %lld KiB after touching %llu KiB",
		       (long long)(rss1 - rss0) / 1024, (unsigned long long)touched / 1024);
	/* what the card pins is what the mapping shows */
	ASSERT_EQ(0, use_in_job(self->dev, bo));
	EXPECT_EQ(0x5a5a5a5a, ((volatile uint32_t *)p)[size / 4 - 1]);
	EXPECT_EQ(0, taihu_bo_free(bo));
}

#define CG_ROOT		"/sys/fs/cgroup"
#define CG		CG_ROOT "/taihu-oom"
#define CG_MAX		(64 * TM_MiB)
#define BYSTANDER	(24 * TM_MiB)

/* The verdict lets an OOM report between these two kernel log lines pass. */
static void kmsg_mark(const char *what)
{
	char line[96];

	snprintf(line, sizeof(line), "taihu-test: expected OOM kill %s\n", what);
	write_file("/dev/kmsg", line);
}

/* A count of CG's memory.events, or -1. */
static long cg_event(const char *name)
{
	char line[128], key[64];
	long v, found = -1;
	FILE *f = fopen(CG "/memory.events", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %ld", key, &v) == 2 && !strcmp(key, name))
			found = v;
	fclose(f);
	return found;
}

/*
 * Two processes in a memory cgroup of 64 MiB: a bystander with 24 MiB of
 * its own memory, and one that fills host buffers of 4 MiB through their
 * mappings and runs a job on each (pinning them) without end. The cgroup's
 * OOM killer must take the buffer filler and leave the bystander.
 */
TEST_F(pin, oom_killer_takes_the_process_filling_buffers)
{
	bool mounted = false;
	pid_t bystander, filler;
	int ready[2], status;
	char c;

	if (mount("cgroup2", CG_ROOT, "cgroup2", 0, NULL) == 0)
		mounted = true;
	else if (errno != EBUSY)
		SKIP(return, "no cgroup2 at " CG_ROOT ": %s", strerror(errno));
	if (write_file(CG_ROOT "/cgroup.subtree_control", "+memory"))
		SKIP(return, "no memory controller");
	ASSERT_TRUE(mkdir(CG, 0755) == 0 || errno == EEXIST);
	ASSERT_EQ(0, write_file(CG "/memory.max", "67108864"));
	ASSERT_EQ(0, pipe(ready));

	bystander = fork();
	ASSERT_LE(0, bystander);
	if (bystander == 0) {
		char *mem;

		if (write_file(CG "/cgroup.procs", "0"))
			_exit(10);
		mem = malloc(BYSTANDER);
		if (!mem)
			_exit(11);
		memset(mem, 1, BYSTANDER);
		if (write(ready[1], "r", 1) != 1)
			_exit(12);
		pause();
		_exit(0);
	}
	ASSERT_EQ(1, read(ready[0], &c, 1));

	kmsg_mark("begin");
	filler = fork();
	ASSERT_LE(0, filler);
	if (filler == 0) {
		struct taihu_device *dev;

		if (write_file(CG "/cgroup.procs", "0") || tm_reopen(self->dev, &dev))
			_exit(10);
		for (int i = 0; i < (int)(4 * CG_MAX / BUF_SIZE); i++) {
			struct taihu_bo *bo;
			void *p;

			if (taihu_bo_create(dev, BUF_SIZE, DRM_TAIHU_PLACEMENT_HOST, &bo) ||
			    taihu_bo_map(bo, &p))
				continue;
			memset(p, i, BUF_SIZE);
			use_in_job(dev, bo);
		}
		_exit(20);	/* four times the cgroup's memory and still alive */
	}
	ASSERT_EQ(filler, waitpid(filler, &status, 0));
	kmsg_mark("end");
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		TH_LOG("the buffer filler %s %d", WIFSIGNALED(status) ? "died of signal" : "exited with",
		       WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	EXPECT_EQ(0, waitpid(bystander, &status, WNOHANG))
		TH_LOG("the OOM killer took the bystander");
	EXPECT_LE(1, cg_event("oom_kill"));

	kill(bystander, SIGKILL);
	waitpid(bystander, &status, 0);
	/* the cgroup empties once the killed processes are reaped */
	for (int i = 0; i < 100 && rmdir(CG) && errno == EBUSY; i++)
		tt_sleep_ms(20);
	if (mounted)
		umount(CG_ROOT);
}

TEST_HARNESS_MAIN
