/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The state of one T1 card process, shared by its files.
 */
#ifndef TAIHU_CARD_H
#define TAIHU_CARD_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <taihu_card_api.h>
#include <taihu_fw_image.h>

#include "options.h"

struct card;

/* One hardware queue and the engine thread serving it. */
struct engine {
	struct card *card;
	unsigned int index;
	bool running;		/* thread exists; changed by the main thread only */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	unsigned int kicks;	/* under lock: doorbells not yet scanned */
	bool stop;		/* under lock: finish the current entry and exit */
	/* Private copies taken at QUEUE_ENABLE; the guest cannot change them. */
	uint64_t ring_addr;
	uint64_t compl_addr;
	uint32_t ring_entries;
	uint32_t head;
	uint64_t cmd_bufsize;
	uint8_t *cmd_buf;	/* private copy of the command stream */
};

/* The configuration the running firmware imposes (zero before boot). */
struct card_fw_config {
	bool booted;
	uint32_t num_queues;
	uint32_t heartbeat_period_ms;
	uint64_t capabilities;
	uint32_t max_cmd_len;
	uint32_t max_ring_entries;
};

struct card {
	struct card_options opt;

	/* BAR2: a memfd shared with QEMU. */
	int bar2_fd;
	uint8_t *bar2;
	uint64_t bar2_size;
	struct taihu_card_id *id;
	struct taihu_mbox *mbox;
	struct taihu_event_ring *events;
	struct taihu_queue_desc *qdesc;
	uint8_t *vram;
	uint64_t vram_size;

	/* Guest RAM: DMA address == offset in this mapping. */
	uint8_t *host;
	uint64_t host_size;

	/* ivshmem: doorbells (guest -> card) and interrupts (card -> guest). */
	int doorbell_fd[TAIHU_NUM_VECTORS];
	int irq_fd[TAIHU_NUM_VECTORS];
	int listen_fd;
	int client_fd;

	int epoll_fd;
	int timer_fd;
	int signal_fd;

	/* Written by the main thread; engines read it while they run. */
	struct card_fw_config cfg;
	uint32_t last_req_seq;

	pthread_mutex_t event_lock;
	uint32_t event_tail;

	struct engine engines[TAIHU_MAX_QUEUES];
};

/* Raise MSI-X vector @vector of the guest. */
void card_raise_irq(struct card *card, unsigned int vector);

/* Re-arm the heartbeat timer after the period in the ID page changed. */
void card_rearm_heartbeat(struct card *card);

#endif /* TAIHU_CARD_H */
