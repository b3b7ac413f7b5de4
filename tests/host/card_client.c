// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The test client: QEMU's side of the ivshmem handshake and the driver's
 * side of the mailbox and queue protocol.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "card_client.h"
#include "tap.h"

#ifndef TAIHU_CARD_DEFAULT
#define TAIHU_CARD_DEFAULT "taihu-card"
#endif
#ifndef TAIHU_FW_DIR_DEFAULT
#define TAIHU_FW_DIR_DEFAULT "."
#endif

static uint32_t load32(const void *p)
{
	return atomic_load_explicit((const _Atomic uint32_t *)p, memory_order_acquire);
}

static void store32(void *p, uint32_t v)
{
	atomic_store_explicit((_Atomic uint32_t *)p, v, memory_order_release);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

uint8_t *cc_read_file(const char *path, size_t *size)
{
	struct stat st;
	uint8_t *buf;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st)) {
		close(fd);
		return NULL;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (buf && read(fd, buf, (size_t)st.st_size) != st.st_size) {
		free(buf);
		buf = NULL;
	}
	close(fd);
	if (buf)
		*size = (size_t)st.st_size;
	return buf;
}

uint8_t *cc_read_fw_image(const char *name, size_t *size)
{
	const char *dir = getenv("TAIHU_FW_DIR") ? getenv("TAIHU_FW_DIR") : TAIHU_FW_DIR_DEFAULT;
	char path[512];
	uint8_t *img;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	img = cc_read_file(path, size);
	if (!img)
		tap_diag("cannot read %s", path);
	return img;
}

int cc_run(char *const argv[], const char *out_path)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open(out_path ? out_path : "/dev/null",
			      O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Receive one ivshmem message: an int64 and maybe one fd. */
static int recv_msg(int sock, int64_t *value, int *fd, int ms)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} control;
	struct iovec iov = { .iov_base = value, .iov_len = sizeof(*value) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control.buf, .msg_controllen = sizeof(control.buf),
	};
	struct pollfd pfd = { .fd = sock, .events = POLLIN };
	struct cmsghdr *cmsg;
	ssize_t n;

	*fd = -1;
	if (poll(&pfd, 1, ms) != 1)
		return -1;
	n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	if (n != sizeof(*value))
		return -1;
	for (cmsg = CMSG_FIRSTHDR(&msg); cmsg; cmsg = CMSG_NXTHDR(&msg, cmsg))
		if (cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS)
			memcpy(fd, CMSG_DATA(cmsg), sizeof(int));
	return 0;
}

static int expect_msg(int sock, int64_t want, bool want_fd, int *fd)
{
	int64_t v;
	int f;

	if (recv_msg(sock, &v, &f, 5000)) {
		tap_diag("handshake: no message (want %lld)", (long long)want);
		return -1;
	}
	if (v != want || (f >= 0) != want_fd) {
		tap_diag("handshake: got %lld%s, want %lld%s", (long long)v, f >= 0 ? "+fd" : "",
			 (long long)want, want_fd ? "+fd" : "");
		if (f >= 0)
			close(f);
		return -1;
	}
	if (fd)
		*fd = f;
	return 0;
}

static int spawn_card(struct card_client *c, const struct card_client_opts *o)
{
	const char *bin = o->card_bin ? o->card_bin : getenv("TAIHU_CARD");
	char ram_size[32];
	char *argv[16];
	int argc = 0;

	if (!bin)
		bin = TAIHU_CARD_DEFAULT;
	snprintf(ram_size, sizeof(ram_size), "%llu", (unsigned long long)c->ram_size);
	argv[argc++] = (char *)bin;
	argv[argc++] = "--socket";
	argv[argc++] = c->sock_path;
	argv[argc++] = "--guest-ram";
	argv[argc++] = c->ram_path;
	argv[argc++] = "--ram-size";
	argv[argc++] = ram_size;
	argv[argc++] = "--vram";
	argv[argc++] = (char *)(o->vram ? o->vram : "64M");
	argv[argc++] = "--log";
	argv[argc++] = c->log_path;
	if (o->serial) {
		argv[argc++] = "--serial";
		argv[argc++] = (char *)o->serial;
	}
	if (o->mute)
		argv[argc++] = "--mute";
	argv[argc] = NULL;

	c->pid = fork();
	if (c->pid < 0)
		return -1;
	if (c->pid == 0) {
		/* Early errors (before --log is open, sanitizer reports) go to the log too. */
		int fd = open(c->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execv(bin, argv);
		_exit(127);
	}
	return 0;
}

static int connect_card(struct card_client *c)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	uint64_t deadline = now_ms() + 10000;

	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", c->sock_path);
	while (now_ms() < deadline) {
		c->sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (c->sock < 0)
			return -1;
		if (!connect(c->sock, (struct sockaddr *)&addr, sizeof(addr)))
			return 0;
		close(c->sock);
		c->sock = -1;
		if (!cc_alive(c)) {
			tap_diag("card exited before accepting a connection");
			return -1;
		}
		sleep_ms(10);
	}
	tap_diag("timed out connecting to %s", c->sock_path);
	return -1;
}

static int handshake(struct card_client *c)
{
	struct stat st;
	unsigned int i;
	void *p;

	if (expect_msg(c->sock, 0, false, NULL) ||		/* protocol version */
	    expect_msg(c->sock, 1, false, NULL) ||		/* our peer id */
	    expect_msg(c->sock, -1, true, &c->shm_fd))		/* shared memory */
		return -1;
	for (i = 0; i < TAIHU_NUM_VECTORS; i++)
		if (expect_msg(c->sock, TAIHU_CARD_PEER_ID, true, &c->doorbell[i]))
			return -1;
	for (i = 0; i < TAIHU_NUM_VECTORS; i++)
		if (expect_msg(c->sock, 1, true, &c->irq[i]))
			return -1;

	if (fstat(c->shm_fd, &st) || st.st_size <= 0) {
		tap_diag("cannot size the shared memory");
		return -1;
	}
	c->bar2_size = (uint64_t)st.st_size;
	p = mmap(NULL, c->bar2_size, PROT_READ | PROT_WRITE, MAP_SHARED, c->shm_fd, 0);
	if (p == MAP_FAILED) {
		tap_diag("cannot map BAR2: %s", strerror(errno));
		return -1;
	}
	c->bar2 = p;
	c->id = (struct taihu_card_id *)(c->bar2 + TAIHU_BAR2_ID_OFFSET);
	c->mbox = (struct taihu_mbox *)(c->bar2 + TAIHU_BAR2_MBOX_OFFSET);
	c->events = (struct taihu_event_ring *)(c->bar2 + TAIHU_BAR2_EVENT_OFFSET);
	c->qdesc = (struct taihu_queue_desc *)(c->bar2 + TAIHU_BAR2_QUEUE_OFFSET);
	c->vram = c->bar2 + TAIHU_BAR2_VRAM_OFFSET;
	c->vram_size = c->id->vram_size;
	/* Like the driver: continue the card's mailbox sequence. */
	c->seq = load32(&c->mbox->rsp_seq);
	c->event_head = load32(&c->events->tail);
	return 0;
}

int cc_start(struct card_client *c, const struct card_client_opts *o)
{
	unsigned int i;
	void *p;
	int fd;

	memset(c, 0, sizeof(*c));
	c->sock = c->shm_fd = -1;
	c->pid = -1;
	for (i = 0; i < TAIHU_NUM_VECTORS; i++)
		c->doorbell[i] = c->irq[i] = -1;
	c->ram_size = o->ram_size ? o->ram_size : 16ULL << 20;

	snprintf(c->dir, sizeof(c->dir), "/tmp/taihu-test-XXXXXX");
	if (!mkdtemp(c->dir)) {
		tap_diag("mkdtemp: %s", strerror(errno));
		return -1;
	}
	snprintf(c->sock_path, sizeof(c->sock_path), "%s/card.sock", c->dir);
	snprintf(c->ram_path, sizeof(c->ram_path), "%s/guest-ram", c->dir);
	snprintf(c->log_path, sizeof(c->log_path), "%s/card.log", c->dir);

	/* Like the VM runner: the RAM file exists at full size before the card. */
	fd = open(c->ram_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || ftruncate(fd, (off_t)c->ram_size)) {
		tap_diag("cannot create guest RAM file: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	p = mmap(NULL, c->ram_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return -1;
	c->ram = p;

	if (spawn_card(c, o) || connect_card(c) || handshake(c)) {
		cc_dump_log(c);
		return -1;
	}
	return 0;
}

bool cc_alive(struct card_client *c)
{
	int status;

	if (c->pid <= 0)
		return false;
	if (waitpid(c->pid, &status, WNOHANG) == c->pid) {
		tap_diag("card process %d ended: %s %d", (int)c->pid,
			 WIFEXITED(status) ? "exit" : "signal",
			 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		c->pid = -1;
		return false;
	}
	return true;
}

int cc_stop(struct card_client *c)
{
	uint64_t deadline;
	unsigned int i;
	int status, ret = -1;

	if (c->sock >= 0)
		close(c->sock);
	c->sock = -1;
	if (c->pid > 0) {
		deadline = now_ms() + 10000;
		for (;;) {
			pid_t r = waitpid(c->pid, &status, WNOHANG);

			if (r == c->pid) {
				ret = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
				if (!WIFEXITED(status))
					tap_diag("card died from signal %d", WTERMSIG(status));
				break;
			}
			if (now_ms() > deadline) {
				tap_diag("card did not exit after disconnect; killing it");
				kill(c->pid, SIGKILL);
				waitpid(c->pid, &status, 0);
				break;
			}
			sleep_ms(10);
		}
		c->pid = -1;
	}
	for (i = 0; i < TAIHU_NUM_VECTORS; i++) {
		if (c->doorbell[i] >= 0)
			close(c->doorbell[i]);
		if (c->irq[i] >= 0)
			close(c->irq[i]);
		c->doorbell[i] = c->irq[i] = -1;
	}
	if (c->bar2)
		munmap(c->bar2, c->bar2_size);
	if (c->shm_fd >= 0)
		close(c->shm_fd);
	if (c->ram)
		munmap(c->ram, c->ram_size);
	c->bar2 = c->ram = NULL;
	c->shm_fd = -1;
	if (ret != 0)
		cc_dump_log(c);
	unlink(c->sock_path);
	unlink(c->ram_path);
	unlink(c->log_path);
	rmdir(c->dir);
	return ret;
}

void cc_dump_log(const struct card_client *c)
{
	char line[512];
	FILE *f = fopen(c->log_path, "r");

	if (!f)
		return;
	tap_diag("---- card log %s ----", c->log_path);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		tap_diag("  %s", line);
	}
	fclose(f);
}

void cc_kick(struct card_client *c, unsigned int v)
{
	uint64_t one = 1;

	if (write(c->doorbell[v], &one, sizeof(one)) != sizeof(one))
		tap_diag("doorbell %u: %s", v, strerror(errno));
}

bool cc_wait_irq(struct card_client *c, unsigned int v, int ms)
{
	struct pollfd pfd = { .fd = c->irq[v], .events = POLLIN };
	uint64_t count;

	if (poll(&pfd, 1, ms) != 1)
		return false;
	return read(c->irq[v], &count, sizeof(count)) == sizeof(count);
}

int cc_mbox(struct card_client *c, uint32_t op, const void *payload, uint32_t len,
	    void *rsp, uint32_t rsp_size, int32_t *status, int ms)
{
	struct taihu_mbox *mb = c->mbox;
	uint64_t deadline = now_ms() + (uint64_t)ms;
	uint32_t seq = ++c->seq;

	if (!seq)
		seq = ++c->seq;
	mb->req_op = op;
	mb->req_len = len;
	mb->req_reserved = 0;
	memset(mb->req_payload, 0, sizeof(mb->req_payload));
	if (len && payload)
		memcpy(mb->req_payload, payload, len <= sizeof(mb->req_payload) ? len
						 : sizeof(mb->req_payload));
	store32(&mb->req_seq, seq);
	cc_kick(c, TAIHU_VECTOR_CONTROL);

	for (;;) {
		uint64_t now;

		if (load32(&mb->rsp_seq) == seq) {
			*status = mb->rsp_status;
			if (rsp)
				memcpy(rsp, mb->rsp_payload, rsp_size);
			return 0;
		}
		now = now_ms();
		if (now >= deadline)
			return -1;
		/* Vector 0 also carries events, so re-check after every interrupt. */
		cc_wait_irq(c, TAIHU_VECTOR_CONTROL, (int)(deadline - now));
	}
}

int cc_reset(struct card_client *c)
{
	int32_t status;

	if (cc_mbox(c, TAIHU_MBOX_OP_RESET, NULL, 0, NULL, 0, &status, 5000))
		return -1000;
	return status;
}

int cc_hw_reset(struct card_client *c, int ms)
{
	uint64_t deadline = now_ms() + (uint64_t)ms;

	store32(&c->id->hw_reset, TAIHU_HW_RESET_MAGIC);
	cc_kick(c, TAIHU_VECTOR_CONTROL);
	while (load32(&c->id->hw_reset) == TAIHU_HW_RESET_MAGIC) {
		if (now_ms() >= deadline)
			return -1;
		usleep(1000);
	}
	return 0;
}

int cc_boot(struct card_client *c, const void *img, size_t size, uint64_t vram_off,
	    uint32_t boot_size)
{
	struct taihu_mbox_boot b = { .image_addr = vram_off, .image_size = boot_size };
	int32_t status;

	if (img && vram_off < c->vram_size && size <= c->vram_size - vram_off)
		memcpy(c->vram + vram_off, img, size);
	if (cc_mbox(c, TAIHU_MBOX_OP_BOOT, &b, sizeof(b), NULL, 0, &status, 5000))
		return -1000;
	return status;
}

int cc_queue_enable(struct card_client *c, unsigned int q, uint64_t ring_addr,
		    uint64_t compl_addr, uint32_t entries)
{
	struct taihu_mbox_queue mq = { .queue = q };
	struct taihu_queue_desc *d = &c->qdesc[q % TAIHU_MAX_QUEUES];
	int32_t status;

	d->ring_addr = ring_addr;
	d->compl_addr = compl_addr;
	d->ring_entries = entries;
	d->head = 0;
	d->status = 0;
	d->completed_seqno = 0;
	store32(&d->tail, 0);
	if (cc_mbox(c, TAIHU_MBOX_OP_QUEUE_ENABLE, &mq, sizeof(mq), NULL, 0, &status, 5000))
		return -1000;
	if (status == 0 && q < TAIHU_MAX_QUEUES) {
		c->q[q].ring_addr = ring_addr;
		c->q[q].compl_addr = compl_addr;
		c->q[q].entries = entries;
		c->q[q].tail = 0;
	}
	return status;
}

int cc_queue_disable(struct card_client *c, unsigned int q)
{
	struct taihu_mbox_queue mq = { .queue = q };
	int32_t status;

	if (cc_mbox(c, TAIHU_MBOX_OP_QUEUE_DISABLE, &mq, sizeof(mq), NULL, 0, &status, 5000))
		return -1000;
	return status;
}

int cc_ctx_create(struct card_client *c, uint32_t context, uint64_t pt_root)
{
	struct taihu_mbox_ctx m = { .context = context, .pt_root = pt_root };
	int32_t status;

	if (cc_mbox(c, TAIHU_MBOX_OP_CTX_CREATE, &m, sizeof(m), NULL, 0, &status, 5000))
		return -1000;
	return status;
}

int cc_ctx_destroy(struct card_client *c, uint32_t context)
{
	struct taihu_mbox_ctx m = { .context = context };
	int32_t status;

	if (cc_mbox(c, TAIHU_MBOX_OP_CTX_DESTROY, &m, sizeof(m), NULL, 0, &status, 5000))
		return -1000;
	return status;
}

int cc_tlb_invalidate(struct card_client *c, uint32_t context, uint64_t va, uint64_t size)
{
	struct taihu_mbox_tlb m = { .context = context, .va = va, .size = size };
	int32_t status;

	if (cc_mbox(c, TAIHU_MBOX_OP_TLB_INVALIDATE, &m, sizeof(m), NULL, 0, &status, 5000))
		return -1000;
	return status;
}

int cc_memcpy_bench(struct card_client *c, uint64_t size, struct taihu_mbox_memcpy_bench *out,
		    int ms)
{
	struct taihu_mbox_memcpy_bench m = { .size = size };
	int32_t status;

	if (cc_mbox(c, TAIHU_MBOX_OP_MEMCPY_BENCH, &m, sizeof(m), out, sizeof(*out), &status, ms))
		return -1000;
	return status;
}

uint32_t cc_submit(struct card_client *c, unsigned int q, uint64_t cmd_addr, uint32_t cmd_len,
		   uint32_t context, uint64_t seqno)
{
	struct card_client_queue *cq = &c->q[q];
	struct taihu_ring_entry e = {
		.cmd_addr = cmd_addr, .cmd_len = cmd_len, .context = context, .seqno = seqno,
	};
	uint32_t slot = cq->tail & (cq->entries - 1);

	memcpy(c->vram + cq->ring_addr + (uint64_t)slot * sizeof(e), &e, sizeof(e));
	cq->tail++;
	store32(&c->qdesc[q].tail, cq->tail);
	cc_kick(c, TAIHU_VECTOR_QUEUE(q));
	return slot;
}

int cc_wait_queue(struct card_client *c, unsigned int q, uint32_t slot,
		  struct taihu_completion *out, int ms)
{
	struct card_client_queue *cq = &c->q[q];
	uint64_t deadline = now_ms() + (uint64_t)ms;

	for (;;) {
		uint64_t now;

		if (load32(&c->qdesc[q].head) == cq->tail) {
			if (out)
				memcpy(out, c->vram + cq->compl_addr + (uint64_t)slot * sizeof(*out),
				       sizeof(*out));
			return 0;
		}
		now = now_ms();
		if (now >= deadline)
			return -1;
		cc_wait_irq(c, TAIHU_VECTOR_QUEUE(q), (int)(deadline - now));
	}
}

int cc_run_stream(struct card_client *c, unsigned int q, const void *cmds, uint32_t len,
		  uint64_t vram_off, uint64_t cmd_addr, uint32_t context,
		  struct taihu_completion *out, int ms)
{
	uint64_t s = ++c->seqno;
	uint32_t slot;

	memcpy(c->vram + vram_off, cmds, len);
	slot = cc_submit(c, q, cmd_addr, len, context, s);
	if (cc_wait_queue(c, q, slot, out, ms)) {
		tap_diag("job seqno %llu on queue %u did not complete", (unsigned long long)s, q);
		return -1;
	}
	if (out->seqno != s) {
		tap_diag("completion seqno %llu, want %llu", (unsigned long long)out->seqno,
			 (unsigned long long)s);
		return -1;
	}
	return 0;
}

int cc_wait_head(struct card_client *c, unsigned int q, uint32_t head, int ms)
{
	uint64_t deadline = now_ms() + (uint64_t)ms;

	for (;;) {
		uint64_t now;

		if ((int32_t)(load32(&c->qdesc[q].head) - head) >= 0)
			return 0;
		now = now_ms();
		if (now >= deadline)
			return -1;
		cc_wait_irq(c, TAIHU_VECTOR_QUEUE(q), (int)(deadline - now));
	}
}

void cc_completion(struct card_client *c, unsigned int q, uint32_t slot,
		   struct taihu_completion *out)
{
	memcpy(out, c->vram + c->q[q].compl_addr + (uint64_t)slot * sizeof(*out), sizeof(*out));
}

bool cc_next_event(struct card_client *c, struct taihu_event *ev)
{
	if (load32(&c->events->tail) == c->event_head)
		return false;
	memcpy(ev, &c->events->entries[c->event_head % TAIHU_EVENT_RING_ENTRIES], sizeof(*ev));
	c->event_head++;
	store32(&c->events->head, c->event_head);
	return true;
}
