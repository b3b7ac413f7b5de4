// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * ivshmem-doorbell server: the protocol QEMU's ivshmem device speaks to
 * its chardev (docs/specs/ivshmem-spec.txt in QEMU).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ivshmem_server.h"
#include "log.h"

int ivshmem_server_init(struct card *card)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	unsigned int i;
	size_t len;

	for (i = 0; i < TAIHU_NUM_VECTORS; i++) {
		card->doorbell_fd[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		card->irq_fd[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (card->doorbell_fd[i] < 0 || card->irq_fd[i] < 0) {
			card_log("eventfd: %s", strerror(errno));
			return -1;
		}
	}

	len = strlen(card->opt.socket_path);
	if (len >= sizeof(addr.sun_path)) {
		card_log("socket path '%s' is too long", card->opt.socket_path);
		return -1;
	}
	memcpy(addr.sun_path, card->opt.socket_path, len + 1);
	card->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (card->listen_fd < 0) {
		card_log("socket: %s", strerror(errno));
		return -1;
	}
	if (unlink(card->opt.socket_path) && errno != ENOENT) {
		card_log("cannot remove old socket '%s': %s", card->opt.socket_path,
			 strerror(errno));
		return -1;
	}
	if (bind(card->listen_fd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    listen(card->listen_fd, 4)) {
		card_log("cannot listen on '%s': %s", card->opt.socket_path, strerror(errno));
		return -1;
	}
	return 0;
}

static int send_msg(int sock, int64_t value, int fd)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} control;
	struct iovec iov = { .iov_base = &value, .iov_len = sizeof(value) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cmsg;
	ssize_t n;

	/* x86 is little-endian, which is what the protocol wants. */
	if (fd >= 0) {
		memset(&control, 0, sizeof(control));
		msg.msg_control = control.buf;
		msg.msg_controllen = sizeof(control.buf);
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	}
	do {
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof(value) ? 0 : -1;
}

int ivshmem_server_accept(struct card *card)
{
	unsigned int i;
	int fd;

	fd = accept4(card->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0) {
		card_log("accept: %s", strerror(errno));
		return -1;
	}
	if (send_msg(fd, IVSHMEM_PROTOCOL_VERSION, -1) ||
	    send_msg(fd, IVSHMEM_CLIENT_PEER_ID, -1) ||
	    send_msg(fd, -1, card->bar2_fd))
		goto fail;
	for (i = 0; i < TAIHU_NUM_VECTORS; i++)
		if (send_msg(fd, TAIHU_CARD_PEER_ID, card->doorbell_fd[i]))
			goto fail;
	for (i = 0; i < TAIHU_NUM_VECTORS; i++)
		if (send_msg(fd, IVSHMEM_CLIENT_PEER_ID, card->irq_fd[i]))
			goto fail;
	card->client_fd = fd;
	card_log("client connected, handshake sent (%u vectors)", TAIHU_NUM_VECTORS);
	return 0;
fail:
	card_log("handshake failed: %s", strerror(errno));
	close(fd);
	return -1;
}

void ivshmem_server_refuse(struct card *card)
{
	int fd = accept4(card->listen_fd, NULL, NULL, SOCK_CLOEXEC);

	if (fd >= 0) {
		card_log("refusing a second client: this card serves one");
		close(fd);
	}
}

void ivshmem_server_cleanup(struct card *card)
{
	unsigned int i;

	if (card->client_fd >= 0)
		close(card->client_fd);
	if (card->listen_fd >= 0) {
		close(card->listen_fd);
		unlink(card->opt.socket_path);
	}
	for (i = 0; i < TAIHU_NUM_VECTORS; i++) {
		if (card->doorbell_fd[i] >= 0)
			close(card->doorbell_fd[i]);
		if (card->irq_fd[i] >= 0)
			close(card->irq_fd[i]);
	}
	card->client_fd = card->listen_fd = -1;
}
