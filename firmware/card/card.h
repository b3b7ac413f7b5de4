/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The state of one T1 card process, shared by its files.
 */
#ifndef TAIHU_CARD_H
#define TAIHU_CARD_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <taihu_card_api.h>
#include <taihu_cmdstream.h>
#include <taihu_fw_image.h>

#include "activity.h"
#include "options.h"
#include "thermal.h"

struct card;
struct kscratch;

/*
 * One cached translation: the leaf PTE of page @vpn of context @context,
 * valid while the context's generation is still @gen (0: empty slot).
 */
struct tlb_entry {
	uint64_t vpn;
	uint64_t gen;
	uint64_t pte;
	uint32_t context;
	uint32_t reserved;
};

#define TLB_ENTRIES	512	/* direct-mapped, per engine */

struct tlb {
	struct tlb_entry e[TLB_ENTRIES];
	/* Walk cache: the level-2 table of the last 2 MiB region walked. */
	uint64_t pwc_gen;	/* 0: empty */
	uint64_t pwc_region;	/* va >> 21 */
	uint64_t pwc_table;	/* VRAM offset of the level-2 table */
	uint32_t pwc_context;
};

/*
 * A device context as the mailbox left it. @root is the level-0 table's
 * VRAM offset | 1 while the context exists, 0 otherwise. @gen is bumped
 * (after @root changes) by CTX_CREATE, CTX_DESTROY and TLB_INVALIDATE, so a
 * TLB entry stamped with an older generation is never used again.
 */
struct mmu_context {
	_Atomic uint64_t root;
	_Atomic uint64_t gen;
};

/* One hardware queue and the engine thread serving it. */
struct engine {
	struct card *card;
	unsigned int index;
	bool running;		/* thread exists; changed by the main thread only */
	pthread_t thread;
	pthread_mutex_t lock;
	int wake_fd;		/* eventfd: enable and stop wake the thread */
	bool stop;		/* under lock: finish the current entry and exit */
	atomic_bool abort;	/* end the running job with ABORTED, promptly */
	/* Private copies taken at QUEUE_ENABLE; the guest cannot change them. */
	uint64_t ring_addr;
	uint64_t compl_addr;
	uint32_t ring_entries;
	uint32_t head;
	uint64_t cmd_bufsize;
	uint8_t *cmd_buf;	/* private copy of the command stream */
	struct tlb tlb;		/* used by the engine thread only */
	struct kscratch *kscratch;	/* kernels' scratch; engine thread only */
	struct engine_activity act;	/* under card->activity_lock */
	/* Injected faults (fault.h), consumed by the engine thread. */
	atomic_bool fault_hang;		/* the next job makes no progress */
	atomic_bool fault_corrupt;	/* the next completion names a wrong seqno */
	atomic_uint fault_slow_ms;	/* the next job first makes progress this long */
	/* Consumed by the main thread (mailbox): the next disable/enable fails. */
	atomic_bool fault_disable_fail;
	atomic_bool fault_enable_fail;
};

/*
 * One user queue (uqueue.h). The addresses, sizes, context and queue are
 * copied from the descriptor at UQ_ENABLE and do not change until it is
 * disabled; @head, @runs and @stopped belong to the engine serving it.
 */
struct uqueue {
	bool enabled;		/* under card->uq_lock */
	bool busy;		/* under card->uq_lock: an engine serves it */
	bool abort_asked;	/* under card->uq_lock: UQ_DISABLE set engine abort */
	atomic_bool stop;	/* UQ_DISABLE asked: start no more entries */
	bool stopped;		/* an error stopped it; engine only */
	uint64_t ring_addr;
	uint64_t compl_addr;
	uint64_t ctrl_addr;
	uint32_t entries;
	uint32_t context;
	uint32_t queue;
	uint32_t head;
	uint32_t runs;		/* &taihu_uq_desc.runs; engine only */
};

/* One inference kernel as the firmware enables it (dtypes 0: disabled). */
struct card_kernel_cfg {
	uint32_t dtypes;
	uint32_t max_rank;
	uint32_t max_dim;
	uint64_t max_elems;
};

/* The configuration the running firmware imposes (zero before boot). */
struct card_fw_config {
	bool booted;
	uint32_t num_queues;
	uint32_t heartbeat_period_ms;
	uint64_t capabilities;
	uint32_t max_cmd_len;
	uint32_t max_ring_entries;
	struct card_kernel_cfg kernels[TAIHU_KERNEL_COUNT];
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
	struct taihu_uq_desc *uqdesc;
	struct taihu_sensor_page *sensors;
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
	int sensor_timer_fd;
	int signal_fd;

	/* Written by the main thread; engines read it while they run. */
	struct card_fw_config cfg;
	uint32_t last_req_seq;

	pthread_mutex_t event_lock;
	uint32_t event_tail;

	/* Device contexts 1..TAIHU_MAX_CONTEXTS-1; written by the main thread. */
	struct mmu_context contexts[TAIHU_MAX_CONTEXTS];
	_Atomic uint64_t mmu_gen;	/* source of context generations */

	/* Semaphores: SEM_SIGNAL bumps sem_seq and wakes stalled SEM_WAITs. */
	pthread_mutex_t sem_lock;
	pthread_cond_t sem_cond;
	uint64_t sem_seq;

	/* Background mapping of VRAM and guest RAM (prefault.h). */
	pthread_t prefault_thread;
	bool prefault_started;
	atomic_bool prefault_stop;

	/* A MEMCPY_BENCH running in its own thread keeps the mailbox busy. */
	atomic_bool mbox_busy;
	bool bench_started;
	pthread_t bench_thread;

	/* What the engines do (activity.h), for the power model (thermal.h). */
	pthread_mutex_t activity_lock;
	unsigned int busy_engines;	/* under activity_lock */
	uint64_t any_since_ns;		/* under activity_lock */
	uint64_t any_busy_ns;		/* under activity_lock */
	struct thermal thermal;

	/* The heartbeat thread (heartbeat.h): beats every hb_period_ms. */
	pthread_t hb_thread;
	bool hb_started;
	atomic_bool hb_exit;
	_Atomic uint32_t hb_period_ms;

	/* Injected firmware faults (fault.h). */
	atomic_bool hb_stopped;		/* HEARTBEAT_STOP: no beats until RESET */
	_Atomic uint64_t fw_hung_until_ns;	/* FW_HANG: mailbox and heartbeat stop */
	atomic_bool fw_crashed;		/* FW_CRASH: only RESET is answered */
	unsigned int fail_boots;	/* FAIL_BOOT: boots to fail; main thread only */
	bool exit_requested;		/* BUS_DROP: leave the main loop */

	struct engine engines[TAIHU_MAX_QUEUES];

	/* User queues (uqueue.h). */
	pthread_mutex_t uq_lock;
	pthread_cond_t uq_cond;
	struct uqueue uqs[TAIHU_MAX_USER_QUEUES];
};

/* Raise MSI-X vector @vector of the guest. */
void card_raise_irq(struct card *card, unsigned int vector);

/* Take the heartbeat period from the running firmware (or the default). */
void card_rearm_heartbeat(struct card *card);

/* Re-arm the sensor timer after the thermal table changed. */
void card_rearm_sensors(struct card *card);

#endif /* TAIHU_CARD_H */
