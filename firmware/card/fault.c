// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Fault injection, on the main thread (from the mailbox). Faults that stop
 * the firmware (hang, crash, dropping off the bus) take effect after the
 * request is answered (fault_after_answer()), so that the driver's write
 * that asked for them succeeds.
 */
#include <errno.h>
#include <stdint.h>

#include "bar2.h"
#include "card.h"
#include "clock.h"
#include "engine.h"
#include "events.h"
#include "fault.h"
#include "log.h"
#include "thermal.h"

/* ECC errors name a VRAM page; arg is a byte offset inside VRAM. */
static int inject_ecc(struct card *card, const struct taihu_mbox_fault *f, bool uncorrected)
{
	if (f->arg >= card->vram_size)
		return -EINVAL;
	thermal_ecc_errors(card, uncorrected, f->count,
			   (uint32_t)(f->arg >> TAIHU_MMU_PAGE_SHIFT));
	return 0;
}

/* Faults of one queue: it must be one the running firmware serves. */
static int inject_queue(struct card *card, const struct taihu_mbox_fault *f)
{
	struct engine *e;

	const char *what;

	if (f->arg >= card->cfg.num_queues ||
	    (f->count != 1 && f->fault != TAIHU_FAULT_QUEUE_SLOW))
		return -EINVAL;
	e = &card->engines[f->arg];
	switch (f->fault) {
	case TAIHU_FAULT_QUEUE_HANG:
		atomic_store(&e->fault_hang, true);
		what = "next job hangs";
		break;
	case TAIHU_FAULT_QUEUE_SLOW:
		atomic_store(&e->fault_slow_ms, f->count);
		what = "next job is slow but makes progress";
		break;
	case TAIHU_FAULT_QUEUE_DISABLE_FAIL:
		atomic_store(&e->fault_disable_fail, true);
		what = "next disable fails";
		break;
	case TAIHU_FAULT_QUEUE_ENABLE_FAIL:
		atomic_store(&e->fault_enable_fail, true);
		what = "next enable fails";
		break;
	default:
		atomic_store(&e->fault_corrupt, true);
		what = "next completion corrupted";
		break;
	}
	card_log("fault injected: queue %llu: %s (%u)", (unsigned long long)f->arg, what,
		 f->count);
	return 0;
}

int fault_inject(struct card *card, const struct taihu_mbox_fault *f)
{
	if (!f->count || f->count > TAIHU_FAULT_MAX_COUNT)
		return -EINVAL;
	switch (f->fault) {
	case TAIHU_FAULT_ECC_CORRECTED:
		return inject_ecc(card, f, false);
	case TAIHU_FAULT_ECC_UNCORRECTED:
		return inject_ecc(card, f, true);
	case TAIHU_FAULT_QUEUE_HANG:
	case TAIHU_FAULT_CORRUPT_COMPLETION:
	case TAIHU_FAULT_QUEUE_SLOW:
	case TAIHU_FAULT_QUEUE_DISABLE_FAIL:
	case TAIHU_FAULT_QUEUE_ENABLE_FAIL:
		return inject_queue(card, f);
	case TAIHU_FAULT_FW_HANG:
		/* A hang of more than a day is a hang for good. */
		return f->count == 1 && f->arg <= 86400000ULL ? 0 : -EINVAL;
	case TAIHU_FAULT_FW_CRASH:
		return f->count == 1 && f->arg >= TAIHU_FW_CRASH_CODE_MIN &&
		       f->arg <= UINT32_MAX ? 0 : -EINVAL;
	case TAIHU_FAULT_HEARTBEAT_STOP:
		if (f->count != 1 || f->arg)
			return -EINVAL;
		atomic_store(&card->hb_stopped, true);
		card_log("fault injected: heartbeat stopped");
		return 0;
	case TAIHU_FAULT_FAIL_BOOT:
		if (f->count != 1 || f->arg > TAIHU_FAULT_FAIL_BOOT_MAX)
			return -EINVAL;
		card->fail_boots = f->arg ? (unsigned int)f->arg : 1;
		card_log("fault injected: the next %u boot(s) fail", card->fail_boots);
		return 0;
	case TAIHU_FAULT_BUS_DROP:
		return f->count == 1 && !f->arg ? 0 : -EINVAL;
	default:
		return -EOPNOTSUPP;
	}
}

void fault_after_answer(struct card *card, const struct taihu_mbox_fault *f)
{
	uint64_t until;

	switch (f->fault) {
	case TAIHU_FAULT_FW_HANG:
		until = f->arg ? card_clock_ns() + f->arg * 1000000ULL : UINT64_MAX;
		atomic_store(&card->fw_hung_until_ns, until);
		card_log("fault injected: firmware hung for %llu ms (0: for good)",
			 (unsigned long long)f->arg);
		break;
	case TAIHU_FAULT_FW_CRASH:
		card_log("fault injected: firmware crash, code 0x%llx", (unsigned long long)f->arg);
		/* Crashed first: the engines stop without writing completions. */
		atomic_store(&card->fw_crashed, true);
		bar2_set_state(card, TAIHU_CARD_STATE_ERROR, (uint32_t)f->arg);
		events_post(card, TAIHU_EVENT_FW_ERROR, 0, f->arg, 0);
		engine_stop_all(card);
		break;
	case TAIHU_FAULT_BUS_DROP:
		/* Off the bus at once: no more beats or completions on the way out. */
		atomic_store(&card->fw_crashed, true);
		card->exit_requested = true;
		break;
	default:
		break;
	}
}

bool fault_fw_hung(struct card *card)
{
	return card_clock_ns() < atomic_load(&card->fw_hung_until_ns);
}

void fault_clear_on_reset(struct card *card)
{
	unsigned int q;

	atomic_store(&card->hb_stopped, false);
	atomic_store(&card->fw_crashed, false);
	atomic_store(&card->fw_hung_until_ns, 0);
	for (q = 0; q < TAIHU_MAX_QUEUES; q++) {
		atomic_store(&card->engines[q].fault_hang, false);
		atomic_store(&card->engines[q].fault_corrupt, false);
		atomic_store(&card->engines[q].fault_slow_ms, 0);
		atomic_store(&card->engines[q].fault_disable_fail, false);
		atomic_store(&card->engines[q].fault_enable_fail, false);
	}
}
