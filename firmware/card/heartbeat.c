// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The heartbeat thread. It beats unless the firmware is hung, crashed or
 * told to stop beating; when an injected firmware hang ends it kicks the
 * mailbox doorbell, so that a request posted during the hang is served.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bar2.h"
#include "card.h"
#include "fault.h"
#include "heartbeat.h"
#include "log.h"

static void *heartbeat_main(void *arg)
{
	struct card *card = arg;
	bool was_hung = false;
	uint64_t one = 1;

	while (!atomic_load(&card->hb_exit)) {
		uint32_t ms = atomic_load(&card->hb_period_ms);
		struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };
		bool hung;

		while (nanosleep(&ts, &ts) && errno == EINTR)
			;
		hung = fault_fw_hung(card);
		if (was_hung && !hung) {
			card_log("firmware hang over: serving the mailbox again");
			if (write(card->doorbell_fd[TAIHU_VECTOR_CONTROL], &one, sizeof(one)) !=
			    sizeof(one))
				card_log("heartbeat: cannot re-kick the mailbox");
		}
		was_hung = hung;
		if (hung || atomic_load(&card->hb_stopped) || atomic_load(&card->fw_crashed))
			continue;
		bar2_write_identity(card);
		bar2_heartbeat(card);
	}
	return NULL;
}

int heartbeat_start(struct card *card)
{
	card_rearm_heartbeat(card);
	if (pthread_create(&card->hb_thread, NULL, heartbeat_main, card)) {
		card_log("cannot start the heartbeat thread");
		return -1;
	}
	card->hb_started = true;
	return 0;
}

void heartbeat_stop(struct card *card)
{
	if (!card->hb_started)
		return;
	atomic_store(&card->hb_exit, true);
	pthread_join(card->hb_thread, NULL);
	card->hb_started = false;
}
