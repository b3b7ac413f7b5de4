/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The ivshmem-doorbell server side, for exactly one QEMU client.
 *
 * Handshake, one message per sendmsg(), each an 8-byte little-endian int64
 * with at most one fd in SCM_RIGHTS:
 *   1. 0                      protocol version
 *   2. 1                      the client's peer id
 *   3. -1  + BAR2 memfd       the shared memory
 *   4. 0   + eventfd, N times the card's (peer 0) doorbells, vectors 0..N-1
 *   5. 1   + eventfd, N times the client's own interrupts, vectors 0..N-1
 * with N = TAIHU_NUM_VECTORS. The card keeps its end of every eventfd.
 */
#ifndef TAIHU_CARD_IVSHMEM_SERVER_H
#define TAIHU_CARD_IVSHMEM_SERVER_H

#include "card.h"

#define IVSHMEM_PROTOCOL_VERSION	0
#define IVSHMEM_CLIENT_PEER_ID		1

/* Create the eventfds and the listening socket. Returns 0 or -1. */
int ivshmem_server_init(struct card *card);
/* Accept the pending client and run the handshake. Returns 0 or -1. */
int ivshmem_server_accept(struct card *card);
/* Accept and close a connection we cannot serve (a second client). */
void ivshmem_server_refuse(struct card *card);
void ivshmem_server_cleanup(struct card *card);

#endif /* TAIHU_CARD_IVSHMEM_SERVER_H */
