// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Helpers shared by the Taihu kselftests.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

#include "taihu_test_util.h"

#define SYSLOG_ACTION_READ_ALL		3
#define SYSLOG_ACTION_SIZE_BUFFER	10

int tt_ioctl(int fd, unsigned long request, void *arg)
{
	return drmIoctl(fd, request, arg) ? -errno : 0;
}

void tt_device_copy(const struct taihu_device_desc *from, struct tt_device *to)
{
	memset(to, 0, sizeof(*to));
	to->index = taihu_device_desc_index(from);
	to->minor = taihu_device_desc_minor(from);
	snprintf(to->node, sizeof(to->node), "%s", taihu_device_desc_node(from));
	snprintf(to->pci_slot, sizeof(to->pci_slot), "%s",
		 taihu_device_desc_pci_slot(from));
	snprintf(to->syspath, sizeof(to->syspath), "%s",
		 taihu_device_desc_syspath(from));
	snprintf(to->serial, sizeof(to->serial), "%s",
		 taihu_device_desc_serial(from));
}

int tt_enumerate(struct tt_device *out, unsigned int max)
{
	struct taihu_device_list *list;
	unsigned int n, i;
	int ret;

	ret = taihu_device_list_new(&list);
	if (ret)
		return ret;
	n = taihu_device_list_count(list);
	for (i = 0; i < n && i < max; i++)
		tt_device_copy(taihu_device_list_get(list, i), &out[i]);
	taihu_device_list_free(list);
	return (int)n;
}

int tt_open_first(struct taihu_device **dev, struct tt_device *desc)
{
	struct tt_device d;
	int n;

	n = tt_enumerate(&d, 1);
	if (n < 0)
		return n;
	if (n == 0)
		return -ENODEV;
	if (desc)
		*desc = d;
	return taihu_device_open(d.node, dev);
}

int tt_wait_device(const char *slot, unsigned int timeout_ms,
		   struct tt_device *desc)
{
	struct tt_device d[TT_MAX_DEVICES];
	unsigned int waited = 0;
	struct stat st;
	int n, i;

	for (;;) {
		n = tt_enumerate(d, TT_MAX_DEVICES);
		for (i = 0; i < n && i < TT_MAX_DEVICES; i++) {
			if (slot && *slot && strcmp(d[i].pci_slot, slot))
				continue;
			/* devtmpfs creates the node asynchronously. */
			if (stat(d[i].node, &st) || !S_ISCHR(st.st_mode))
				continue;
			if (desc)
				*desc = d[i];
			return 0;
		}
		if (waited >= timeout_ms)
			return n < 0 ? n : -ETIMEDOUT;
		tt_sleep_ms(50);
		waited += 50;
	}
}

void tt_results_init(struct taihu_job_result *res, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		res[i] = (struct taihu_job_result){ .size = sizeof(res[i]) };
}

int tt_wait_ok(struct taihu_device *dev, uint64_t seqno,
	       struct taihu_job_result *res)
{
	struct taihu_job_result r = { .size = sizeof(r) };
	int ret;

	if (!res)
		res = &r;
	*res = (struct taihu_job_result){ .size = sizeof(*res) };
	ret = taihu_wait(dev, seqno, taihu_deadline_ns(TT_JOB_TIMEOUT_NS), res);
	if (ret)
		return ret;
	return res->status == DRM_TAIHU_JOB_SUCCESS ? 0 : -TAIHU_EJOBFAILED;
}

int tt_run_nop(struct taihu_device *dev, uint32_t queue,
	       struct taihu_job_result *res)
{
	struct taihu_cmdbuf *cb;
	int ret;

	ret = taihu_cmdbuf_new(&cb);
	if (ret)
		return ret;
	ret = taihu_cmdbuf_nop(cb, 8);
	if (ret >= 0)
		ret = taihu_run(dev, cb, queue, NULL, 0, TT_JOB_TIMEOUT_NS, res);
	taihu_cmdbuf_free(cb);
	return ret;
}

int tt_pci_bound(const char *slot)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), TT_PCI_DRIVER_DIR "/%s", slot);
	return lstat(path, &st) == 0;
}

static int write_attr(const char *attr, const char *slot)
{
	char path[256];
	ssize_t n;
	int fd, ret = 0;

	snprintf(path, sizeof(path), TT_PCI_DRIVER_DIR "/%s", attr);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* The attribute's store returns the driver core's error, e.g. probe's. */
	n = write(fd, slot, strlen(slot));
	if (n < 0)
		ret = -errno;
	else if ((size_t)n != strlen(slot))
		ret = -EIO;
	close(fd);
	return ret;
}

int tt_pci_bind(const char *slot)
{
	return write_attr("bind", slot);
}

int tt_pci_unbind(const char *slot)
{
	return write_attr("unbind", slot);
}

static unsigned long read_hex_attr(const char *dir, const char *name)
{
	char path[512], buf[32];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strtoul(buf, NULL, 16);
}

void tt_bind_unbound_candidates(void)
{
	char dir[512], drv[600];
	struct dirent *e;
	struct stat st;
	DIR *dp;

	dp = opendir("/sys/bus/pci/devices");
	if (!dp)
		return;
	while ((e = readdir(dp))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(dir, sizeof(dir), "/sys/bus/pci/devices/%s", e->d_name);
		snprintf(drv, sizeof(drv), "%s/driver", dir);
		if (lstat(drv, &st) == 0)
			continue;	/* bound to something */
		if (read_hex_attr(dir, "vendor") != 0x1af4 ||
		    read_hex_attr(dir, "device") != 0x1110)
			continue;
		/* Not a Taihu card: the driver refuses it, which is fine. */
		tt_pci_bind(e->d_name);
	}
	closedir(dp);
}

int tt_read_file(const char *path, uint8_t **data, size_t *len)
{
	uint8_t *buf = NULL, *tmp;
	size_t cap = 0, used = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		/* Always room for the terminating '\0'. */
		if (used + 1 >= cap) {
			cap = cap ? cap * 2 : 65536;
			tmp = realloc(buf, cap);
			if (!tmp) {
				free(buf);
				close(fd);
				return -ENOMEM;
			}
			buf = tmp;
		}
		n = read(fd, buf + used, cap - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			n = -errno;
			free(buf);
			close(fd);
			return (int)n;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	close(fd);
	buf[used] = '\0';
	*data = buf;
	*len = used;
	return 0;
}

int tt_write_file(const char *path, const void *data, size_t len)
{
	char tmp[4096];
	const uint8_t *p = data;
	ssize_t n;
	int fd, ret = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp-%d", path, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = n < 0 ? -errno : -EIO;
			break;
		}
		p += n;
		len -= (size_t)n;
	}
	if (!ret && fsync(fd))
		ret = -errno;
	if (close(fd) && !ret)
		ret = -errno;
	/* rename(): the firmware loader never sees a half-written image. */
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret;
}

static char *klog_read_all(void)
{
	char *buf;
	int size, n;

	size = klogctl(SYSLOG_ACTION_SIZE_BUFFER, NULL, 0);
	if (size <= 0)
		size = 1 << 20;
	buf = malloc((size_t)size + 1);
	if (!buf)
		return NULL;
	n = klogctl(SYSLOG_ACTION_READ_ALL, buf, size);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

static size_t count_occurrences(const char *hay, const char *needle)
{
	size_t n = 0;

	while ((hay = strstr(hay, needle))) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

int tt_klog_mark(struct tt_klog *k)
{
	k->snapshot = NULL;
	k->kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (k->kmsg_fd >= 0) {
		if (lseek(k->kmsg_fd, 0, SEEK_END) >= 0)
			return 0;
		close(k->kmsg_fd);
		k->kmsg_fd = -1;
	}
	k->snapshot = klog_read_all();
	return k->snapshot ? 0 : -errno;
}

int tt_klog_since_contains(struct tt_klog *k, const char *needle)
{
	char rec[8192];
	char *now;
	ssize_t n;
	int found = 0;

	if (k->kmsg_fd >= 0) {
		/* One record per read(); the text follows the first ';'. */
		for (;;) {
			n = read(k->kmsg_fd, rec, sizeof(rec) - 1);
			if (n < 0 && errno == EPIPE)
				continue;	/* overwritten records: go on */
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			rec[n] = '\0';
			if (strstr(rec, needle))
				found = 1;
		}
		return found;
	}
	if (!k->snapshot)
		return -EINVAL;
	now = klog_read_all();
	if (!now)
		return -errno;
	/* Without /dev/kmsg: more occurrences now than at the mark. */
	found = count_occurrences(now, needle) >
		count_occurrences(k->snapshot, needle);
	free(now);
	return found;
}

void tt_klog_close(struct tt_klog *k)
{
	if (k->kmsg_fd >= 0)
		close(k->kmsg_fd);
	k->kmsg_fd = -1;
	free(k->snapshot);
	k->snapshot = NULL;
}

int64_t tt_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void tt_sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

uint64_t tt_mix64(uint64_t w)
{
	w = (w ^ (w >> 30)) * 0xbf58476d1ce4e5b9ULL;
	w = (w ^ (w >> 27)) * 0x94d049bb133111ebULL;
	return w ^ (w >> 31);
}

long long tt_attr_ll(const char *dir, const char *name)
{
	char path[512];
	uint8_t *data;
	size_t len;
	long long v;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (tt_read_file(path, &data, &len))
		return -1;
	v = strtoll((char *)data, NULL, 0);
	free(data);
	return v;
}

int tt_attr_line(const char *dir, const char *name, char *buf, size_t size)
{
	char path[512];
	uint8_t *data;
	size_t len;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (tt_read_file(path, &data, &len))
		return -1;
	snprintf(buf, size, "%.*s", (int)strcspn((char *)data, "\n"), (char *)data);
	free(data);
	return 0;
}

int tt_attr_write(const char *dir, const char *name, const char *value)
{
	char path[512];
	FILE *f;
	int ret = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	if (fputs(value, f) < 0 || fflush(f))
		ret = -errno;
	if (fclose(f) && !ret)
		ret = -errno;
	return ret;
}

int tt_submit_nop(struct taihu_device *dev, uint32_t queue, uint64_t *seqno)
{
	struct taihu_job job = { .size = sizeof(job), .queue = queue };
	struct taihu_cmdbuf *cb;
	struct taihu_bo *bo = NULL;
	int ret = taihu_cmdbuf_new(&cb);

	if (ret)
		return ret;
	ret = taihu_cmdbuf_nop(cb, 8);
	if (ret >= 0)
		ret = taihu_submit_cmdbuf(dev, cb, &job, seqno, &bo);
	taihu_bo_free(bo);
	taihu_cmdbuf_free(cb);
	return ret < 0 ? ret : 0;
}

void tt_tap(int ok, const char *fmt, ...)
{
	static int num;
	va_list ap;

	printf("%sok %d - ", ok ? "" : "not ", ++num);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/* The port run-vm answers on (its third serial port). */
#define TT_HOST_ANSWERS "/dev/ttyS2"

int tt_host_request(unsigned int timeout_ms, const char *fmt, ...)
{
	char req[256], line[512];
	int64_t deadline = tt_now_ns() + (int64_t)timeout_ms * 1000000;
	struct termios tio;
	size_t len = 0, rl;
	va_list ap;
	int fd, ret = -ETIMEDOUT;

	va_start(ap, fmt);
	vsnprintf(req, sizeof(req), fmt, ap);
	va_end(ap);
	rl = strlen(req);
	/* Open first: what arrives on a port nobody has open is dropped. */
	fd = open(TT_HOST_ANSWERS, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (!tcgetattr(fd, &tio)) {
		cfmakeraw(&tio);
		tcsetattr(fd, TCSANOW, &tio);
	}
	printf("@@taihu %s\n", req);
	fflush(stdout);
	while (tt_now_ns() < deadline) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;
		char *nl;

		if (poll(&pfd, 1, 100) <= 0)
			continue;
		n = read(fd, line + len, sizeof(line) - 1 - len);
		if (n <= 0)
			continue;
		len += (size_t)n;
		line[len] = '\0';
		while ((nl = strchr(line, '\n'))) {
			*nl = '\0';
			if (!strncmp(line, "@@ack ", 6) && !strncmp(line + 6, req, rl) &&
			    !line[6 + rl]) {
				ret = 0;
				goto out;
			}
			if (!strncmp(line, "@@nak ", 6) && !strncmp(line + 6, req, rl)) {
				printf("# host refused '%s'%s\n", req, line + 6 + rl);
				ret = -EIO;
				goto out;
			}
			len -= (size_t)(nl + 1 - line);
			memmove(line, nl + 1, len + 1);
		}
		if (len == sizeof(line) - 1)
			len = 0;	/* a line too long: not an answer */
	}
out:
	close(fd);
	return ret;
}

int tt_start_hung_waiters(const char *slot, const char *node, unsigned int n,
			  tt_waiter_fn child, int out_fd, pid_t *pids)
{
	char fault_dir[300], q[16];
	int ready[2], ret = 0;
	unsigned int i;

	snprintf(fault_dir, sizeof(fault_dir), "/sys/kernel/debug/accel/%s/fault_inject",
		 slot);
	if (pipe(ready))
		return -errno;
	for (i = 0; i < n; i++) {
		snprintf(q, sizeof(q), "%u", i);
		ret = tt_attr_write(fault_dir, "queue_hang", q);
		if (ret)
			break;
		pids[i] = fork();
		if (pids[i] < 0) {
			ret = -errno;
			break;
		}
		if (!pids[i]) {
			close(ready[0]);
			child(node, i, ready[1], out_fd);
			_exit(1);
		}
	}
	close(ready[1]);
	n = i;
	for (i = 0; i < n; i++) {
		int w = 0;

		if (read(ready[0], &w, sizeof(w)) != sizeof(w) || !w)
			ret = ret ? ret : -EIO;
	}
	close(ready[0]);
	return ret;
}

void tt_nop_waiter(const char *node, uint32_t queue, int ready_fd, int out_fd)
{
	struct taihu_job_result res = { .size = sizeof(res) };
	struct tt_waiter_report r = { .ret = { -1, -1 } };
	struct taihu_device *dev;
	uint64_t seqno[2];
	int i, ok = 0;

	if (!taihu_device_open(node, &dev) && !tt_submit_nop(dev, queue, &seqno[0]) &&
	    !tt_submit_nop(dev, queue, &seqno[1]))
		ok = 1;
	if (write(ready_fd, &ok, sizeof(ok)) != sizeof(ok) || !ok)
		_exit(1);
	for (i = 0; i < 2; i++) {
		r.ret[i] = taihu_wait(dev, seqno[i], tt_now_ns() + 30 * 1000000000LL, &res);
		r.back_ns[i] = tt_now_ns();
	}
	if (write(out_fd, &r, sizeof(r)) != sizeof(r))
		_exit(1);
	_exit(0);
}

int tt_collect_waiters(int fd, const pid_t *pids, unsigned int n, int want,
		       int *all_want, int64_t *last_ns)
{
	struct tt_waiter_report r;
	unsigned int i;
	int got = 0;

	*all_want = 1;
	*last_ns = 0;
	for (i = 0; i < n; i++) {
		if (read(fd, &r, sizeof(r)) != sizeof(r))
			continue;
		if (r.ret[0] != want || r.ret[1] != want)
			*all_want = 0;
		if (r.back_ns[1] > *last_ns)
			*last_ns = r.back_ns[1];
		got++;
	}
	for (i = 0; i < n; i++)
		waitpid(pids[i], NULL, 0);
	return got;
}

char *tt_run_cli(const char *args, int *status)
{
	const char *cli = getenv("TAIHU_CLI") ? getenv("TAIHU_CLI") :
			  "/usr/bin/taihu";
	char cmd[512], *buf = NULL;
	size_t cap = 0, len = 0, n;
	FILE *f;
	int st;

	snprintf(cmd, sizeof(cmd), "%s %s", cli, args);
	f = popen(cmd, "r");
	if (!f)
		return NULL;
	for (;;) {
		if (len + 4096 + 1 > cap) {
			char *nb;

			cap = cap ? cap * 2 : 16384;
			nb = realloc(buf, cap);
			if (!nb)
				break;
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		if (!n)
			break;
		len += n;
	}
	st = pclose(f);
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	if (buf)
		buf[len] = '\0';
	return buf;
}
