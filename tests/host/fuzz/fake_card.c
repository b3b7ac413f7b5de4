// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bar2.h"
#include "engine.h"
#include "events.h"
#include "fake_card.h"
#include "kernel_exec.h"
#include "log.h"
#include "mmu.h"
#include "sem.h"
#include "thermal.h"
#include "uqueue.h"

unsigned long fake_card_irqs[TAIHU_NUM_VECTORS];

void card_raise_irq(struct card *card, unsigned int vector)
{
	(void)card;
	if (vector < TAIHU_NUM_VECTORS)
		fake_card_irqs[vector]++;
}

void card_rearm_heartbeat(struct card *card)
{
	(void)card;
}

void card_rearm_sensors(struct card *card)
{
	(void)card;
}

void fake_card_quiet(void)
{
	card_log_open("/dev/null");
}

static void *xcalloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);

	if (!p)
		abort();
	return p;
}

struct card *fake_card_new(uint64_t vram_size, uint64_t host_size)
{
	struct card *card = xcalloc(sizeof(*card));
	unsigned int i;

	card->bar2_fd = card->listen_fd = card->client_fd = -1;
	card->epoll_fd = card->sensor_timer_fd = card->signal_fd = -1;
	for (i = 0; i < TAIHU_NUM_VECTORS; i++)
		card->doorbell_fd[i] = card->irq_fd[i] = -1;
	/* The whole ID page: the kernel table lives past struct taihu_card_id. */
	card->id = xcalloc(TAIHU_MMU_PAGE_SIZE);
	card->mbox = xcalloc(sizeof(*card->mbox));
	card->events = xcalloc(sizeof(*card->events));
	card->qdesc = xcalloc(TAIHU_MAX_QUEUES * sizeof(*card->qdesc));
	card->uqdesc = xcalloc(TAIHU_MAX_USER_QUEUES * sizeof(*card->uqdesc));
	card->sensors = xcalloc(sizeof(*card->sensors));
	card->vram = xcalloc(vram_size);
	card->vram_size = vram_size;
	card->host = xcalloc(host_size);
	card->host_size = host_size;
	card->opt.vram_size = vram_size;
	card->opt.ram_size = host_size;
	pthread_mutex_init(&card->event_lock, NULL);
	sem_init(card);
	activity_init(card);
	if (engine_init(card)) {
		fprintf(stderr, "fake card: engine_init failed\n");
		abort();
	}
	fake_card_reset(card);
	return card;
}

void fake_card_reset(struct card *card)
{
	unsigned int q;

	engine_stop_all(card);
	for (q = 0; q < TAIHU_MAX_QUEUES; q++) {
		struct engine *e = &card->engines[q];

		free(e->cmd_buf);
		e->cmd_buf = NULL;
		kernel_engine_release(e);
		e->head = 0;
		e->stop = false;
		atomic_store(&e->abort, false);
	}
	uqueue_reset(card);
	mmu_reset(card);
	memset(&card->cfg, 0, sizeof(card->cfg));
	card->last_req_seq = 0;
	memset(card->id, 0, TAIHU_MMU_PAGE_SIZE);
	memset(card->mbox, 0, sizeof(*card->mbox));
	memset(card->qdesc, 0, TAIHU_MAX_QUEUES * sizeof(*card->qdesc));
	memset(card->uqdesc, 0, TAIHU_MAX_USER_QUEUES * sizeof(*card->uqdesc));
	memset(card->vram, 0, card->vram_size);
	memset(card->host, 0, card->host_size);
	events_init(card);
	for (q = 0; q < TAIHU_MAX_QUEUES; q++)
		memset(&card->engines[q].act, 0, sizeof(card->engines[q].act));
	card->busy_engines = 0;
	card->any_busy_ns = 0;
	thermal_init(card);
	bar2_set_state(card, TAIHU_CARD_STATE_WAIT_FW, TAIHU_BOOT_OK);
}

void fake_card_free(struct card *card)
{
	fake_card_reset(card);
	engine_destroy(card);
	activity_destroy(card);
	sem_destroy(card);
	pthread_mutex_destroy(&card->event_lock);
	free(card->id);
	free(card->mbox);
	free(card->events);
	free(card->qdesc);
	free(card->uqdesc);
	free(card->sensors);
	free(card->vram);
	free(card->host);
	free(card);
}

void fake_card_boot(struct card *card, uint64_t caps, uint32_t max_cmd_len,
		    uint32_t num_queues, uint32_t max_ring_entries)
{
	card->cfg.booted = true;
	card->cfg.capabilities = caps;
	card->cfg.max_cmd_len = max_cmd_len;
	card->cfg.num_queues = num_queues;
	card->cfg.max_ring_entries = max_ring_entries;
	card->cfg.heartbeat_period_ms = 100;
	if (caps & TAIHU_CARD_CAP_KERNEL) {
		unsigned int k;

		/* Every kernel in every dtype, with t1.bin's limits. */
		for (k = 1; k < TAIHU_KERNEL_COUNT; k++)
			card->cfg.kernels[k] = (struct card_kernel_cfg){
				.dtypes = (1u << TAIHU_DTYPE_COUNT) - 1, .max_rank = TAIHU_MAX_RANK,
				.max_dim = 1u << 24, .max_elems = 1ull << 26,
			};
	}
	bar2_set_state(card, TAIHU_CARD_STATE_READY, TAIHU_BOOT_OK);
}

struct engine *fake_card_engine(struct card *card, unsigned int q)
{
	struct engine *e = &card->engines[q];

	if (!e->cmd_buf) {
		e->cmd_buf = malloc(card->cfg.max_cmd_len ? card->cfg.max_cmd_len : 1);
		if (!e->cmd_buf)
			abort();
	}
	mmu_tlb_init(&e->tlb);
	atomic_store(&e->abort, false);
	return e;
}
