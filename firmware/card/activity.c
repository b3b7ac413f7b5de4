// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Engine activity accounting. One lock for all engines: the "any engine
 * busy" time needs them together, and phases change per packet, not per
 * byte, so the lock is cheap.
 */
#include <pthread.h>

#include <taihu_cmdstream.h>

#include "activity.h"
#include "card.h"
#include "clock.h"

_Static_assert(TAIHU_MAX_QUEUES <= sizeof(((struct activity_sample *)0)->busy_ns) /
	       sizeof(uint64_t), "activity sample too small");

void activity_init(struct card *card)
{
	pthread_mutex_init(&card->activity_lock, NULL);
}

void activity_destroy(struct card *card)
{
	pthread_mutex_destroy(&card->activity_lock);
}

/* Account the engine's current phase up to @now; under activity_lock. */
static void flush(struct engine_activity *a, uint64_t now)
{
	uint64_t dt = now > a->since_ns ? now - a->since_ns : 0;

	if (a->in_job) {
		uint64_t act = dt * a->permille / 1000;

		a->busy_ns += dt;
		a->active_ns += act;
		if (a->working) {
			a->job_work_ns += dt;
			a->job_active_ns += act;
		}
	}
	a->since_ns = now;
}

static void flush_any(struct card *card, uint64_t now)
{
	if (card->busy_engines && now > card->any_since_ns)
		card->any_busy_ns += now - card->any_since_ns;
	card->any_since_ns = now;
}

static uint32_t class_permille(const struct card *card, enum activity_class cls)
{
	const struct taihu_fw_thermal *t = &card->thermal.table;

	switch (cls) {
	case ACTIVITY_CONTROL:
		return t->activity_control_permille;
	case ACTIVITY_MEMORY:
		return t->activity_memory_permille;
	case ACTIVITY_COMPUTE:
		return t->activity_compute_permille;
	default:
		return 0;
	}
}

static void set_phase(struct engine *e, enum activity_class cls)
{
	struct engine_activity *a = &e->act;

	flush(a, card_clock_ns());
	a->permille = class_permille(e->card, cls);
	a->working = cls != ACTIVITY_STALL;
}

/* A job starts (@in_job) or ends on @e: the engine and card counters move on. */
static void job_edge(struct engine *e, bool in_job)
{
	struct card *card = e->card;
	uint64_t now;

	pthread_mutex_lock(&card->activity_lock);
	now = card_clock_ns();
	flush(&e->act, now);
	flush_any(card, now);
	e->act.in_job = in_job;
	if (in_job) {
		card->busy_engines++;
		e->act.job_work_ns = 0;
		e->act.job_active_ns = 0;
		e->act.permille = class_permille(card, ACTIVITY_CONTROL);
		e->act.working = true;
	} else {
		card->busy_engines--;
	}
	pthread_mutex_unlock(&card->activity_lock);
}

void activity_job_begin(struct engine *e)
{
	job_edge(e, true);
}

void activity_set(struct engine *e, enum activity_class cls)
{
	pthread_mutex_lock(&e->card->activity_lock);
	set_phase(e, cls);
	pthread_mutex_unlock(&e->card->activity_lock);
}

void activity_packet(struct engine *e, uint16_t opcode)
{
	enum activity_class cls;

	switch (opcode) {
	case TAIHU_PKT_NOP:
	case TAIHU_PKT_TIMESTAMP:
	case TAIHU_PKT_SEM_SIGNAL:
	case TAIHU_PKT_BARRIER:
		cls = ACTIVITY_CONTROL;
		break;
	case TAIHU_PKT_SEM_WAIT:
		cls = ACTIVITY_STALL;
		break;
	case TAIHU_PKT_FILL:
	case TAIHU_PKT_COPY:
		cls = ACTIVITY_MEMORY;
		break;
	default:
		cls = ACTIVITY_COMPUTE;
		break;
	}
	activity_set(e, cls);
}

uint64_t activity_job_work(struct engine *e, uint32_t *mean_permille)
{
	struct engine_activity *a = &e->act;
	uint64_t work;

	pthread_mutex_lock(&e->card->activity_lock);
	flush(a, card_clock_ns());
	work = a->job_work_ns;
	*mean_permille = work ? (uint32_t)(a->job_active_ns * 1000 / work) : 0;
	a->permille = *mean_permille;
	a->working = false;
	pthread_mutex_unlock(&e->card->activity_lock);
	return work;
}

void activity_job_end(struct engine *e)
{
	job_edge(e, false);
}

void activity_sample(struct card *card, uint64_t now_ns, struct activity_sample *out)
{
	unsigned int q;

	pthread_mutex_lock(&card->activity_lock);
	flush_any(card, now_ns);
	out->any_busy_ns = card->any_busy_ns;
	for (q = 0; q < TAIHU_MAX_QUEUES; q++) {
		flush(&card->engines[q].act, now_ns);
		out->busy_ns[q] = card->engines[q].act.busy_ns;
		out->active_ns[q] = card->engines[q].act.active_ns;
	}
	pthread_mutex_unlock(&card->activity_lock);
}
