/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * What the engines do, for the power model (thermal.h): each engine counts
 * the time it spends in jobs and, weighted by the activity of the packet it
 * runs (from the firmware's thermal table), its "full-activity" time. A
 * stalled SEM_WAIT draws nothing, a NOP little, a copy about half of what a
 * kernel draws. The counters live under card->activity_lock.
 */
#ifndef TAIHU_CARD_ACTIVITY_H
#define TAIHU_CARD_ACTIVITY_H

#include <stdbool.h>
#include <stdint.h>

struct card;
struct engine;

enum activity_class {
	ACTIVITY_STALL,		/* waiting on a semaphore: clock-gated */
	ACTIVITY_CONTROL,	/* NOP, TIMESTAMP, SEM_SIGNAL, BARRIER */
	ACTIVITY_MEMORY,	/* FILL, COPY */
	ACTIVITY_COMPUTE,	/* kernels, and any packet not named above */
	ACTIVITY_CLASSES
};

/* Per engine, under card->activity_lock. */
struct engine_activity {
	bool in_job;
	bool working;		/* the current phase is clock-bound work */
	uint32_t permille;	/* activity of the current phase */
	uint64_t since_ns;	/* start of the current phase (card clock) */
	uint64_t busy_ns;	/* time in jobs */
	uint64_t active_ns;	/* sum of activity x time, in full-activity ns */
	uint64_t job_work_ns;	/* this job's clock-bound time so far */
	uint64_t job_active_ns;	/* and its full-activity ns */
};

/* What activity_sample() reads. */
struct activity_sample {
	uint64_t any_busy_ns;	/* time with at least one engine in a job */
	uint64_t busy_ns[8];
	uint64_t active_ns[8];
};

void activity_init(struct card *card);
void activity_destroy(struct card *card);

/* Engine threads: a job starts, a packet of @opcode starts, the job ends. */
void activity_job_begin(struct engine *e);
void activity_packet(struct engine *e, uint16_t opcode);
void activity_set(struct engine *e, enum activity_class cls);
void activity_job_end(struct engine *e);

/*
 * The job's clock-bound time so far and its mean activity; then the engine
 * keeps that activity, as not clock-bound, until activity_job_end(): the
 * time a throttled engine takes longer (thermal_throttle_job()).
 */
uint64_t activity_job_work(struct engine *e, uint32_t *mean_permille);

/* The counters of every engine, brought up to @now_ns. */
void activity_sample(struct card *card, uint64_t now_ns, struct activity_sample *out);

#endif /* TAIHU_CARD_ACTIVITY_H */
