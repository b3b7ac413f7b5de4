// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * taihu-card: the T1 reference card. The main thread runs an epoll loop
 * over the listening socket, the client socket, the mailbox doorbell, the
 * sensor timerfd and a signalfd; engine threads run the queues, each
 * woken by its own queue's doorbell; the heartbeat has a thread of its own
 * (heartbeat.c).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "bar2.h"
#include "boot.h"
#include "card.h"
#include "clock.h"
#include "dma.h"
#include "engine.h"
#include "events.h"
#include "heartbeat.h"
#include "ivshmem_server.h"
#include "log.h"
#include "mailbox.h"
#include "options.h"
#include "prefault.h"
#include "sem.h"
#include "shm.h"
#include "thermal.h"

/* epoll tags: the mailbox doorbell is TAIHU_VECTOR_CONTROL. */
enum {
	TAG_LISTEN = 1000,
	TAG_CLIENT,
	TAG_SENSOR_TIMER,
	TAG_SIGNAL,
};

void card_raise_irq(struct card *card, unsigned int vector)
{
	uint64_t one = 1;

	/* Non-blocking; the counter cannot realistically saturate. */
	if (write(card->irq_fd[vector], &one, sizeof(one)) != sizeof(one))
		card_log("cannot raise vector %u: %s", vector, strerror(errno));
}

void card_rearm_heartbeat(struct card *card)
{
	uint32_t ms = card->cfg.booted ? card->cfg.heartbeat_period_ms
				       : CARD_DEFAULT_HEARTBEAT_MS;

	atomic_store(&card->hb_period_ms, ms);
}

void card_rearm_sensors(struct card *card)
{
	uint32_t ms = thermal_period_ms(card);
	struct itimerspec its = {
		.it_interval = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L },
	};

	its.it_value = its.it_interval;
	timerfd_settime(card->sensor_timer_fd, 0, &its, NULL);
}

static int watch(struct card *card, int fd, uint64_t tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = tag };

	if (epoll_ctl(card->epoll_fd, EPOLL_CTL_ADD, fd, &ev)) {
		card_log("epoll_ctl: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int setup(struct card *card)
{
	sigset_t mask;

	card->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	card->sensor_timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	/* Block before threads start so that they inherit the mask. */
	pthread_sigmask(SIG_BLOCK, &mask, NULL);
	card->signal_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (card->epoll_fd < 0 || card->sensor_timer_fd < 0 ||
	    card->signal_fd < 0) {
		card_log("epoll/timerfd/signalfd: %s", strerror(errno));
		return -1;
	}
	signal(SIGPIPE, SIG_IGN);

	if (dma_map_guest_ram(card) || bar2_create(card))
		return -1;
	prefault_start(card);
	events_init(card);
	thermal_init(card);
	if (engine_init(card) || ivshmem_server_init(card))
		return -1;

	if (watch(card, card->listen_fd, TAG_LISTEN) ||
	    watch(card, card->sensor_timer_fd, TAG_SENSOR_TIMER) ||
	    watch(card, card->signal_fd, TAG_SIGNAL))
		return -1;
	if (watch(card, card->doorbell_fd[TAIHU_VECTOR_CONTROL], TAIHU_VECTOR_CONTROL))
		return -1;
	card_rearm_sensors(card);
	return heartbeat_start(card);
}

static void mailbox_doorbell(struct card *card)
{
	uint64_t count;

	/* Kicks coalesce: whatever the count, look once. */
	if (read(card->doorbell_fd[TAIHU_VECTOR_CONTROL], &count, sizeof(count)) !=
	    sizeof(count))
		return;
	if (card->opt.mute)
		return;
	/* The reset line is the card's, not the firmware's: it always works. */
	if (shm_load32(&card->id->hw_reset) == TAIHU_HW_RESET_MAGIC)
		boot_hw_reset(card);
	mailbox_service(card);
}

/* Returns false when the card should exit. */
static bool client_event(struct card *card)
{
	char buf[64];
	ssize_t n = read(card->client_fd, buf, sizeof(buf));

	if (n > 0)
		return true;	/* QEMU sends nothing after the handshake; ignore */
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	card_log("client disconnected");
	return false;
}

static int run(struct card *card)
{
	for (;;) {
		struct epoll_event evs[16];
		int i, n;

		n = epoll_wait(card->epoll_fd, evs, 16, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			card_log("epoll_wait: %s", strerror(errno));
			return 1;
		}
		for (i = 0; i < n && !card->exit_requested; i++) {
			uint64_t tag = evs[i].data.u64;
			uint64_t ticks;

			if (tag == TAIHU_VECTOR_CONTROL) {
				mailbox_doorbell(card);
			} else if (tag == TAG_SENSOR_TIMER) {
				if (read(card->sensor_timer_fd, &ticks, sizeof(ticks)) == sizeof(ticks))
					thermal_tick(card);
			} else if (tag == TAG_LISTEN) {
				if (card->client_fd >= 0) {
					ivshmem_server_refuse(card);
				} else if (ivshmem_server_accept(card) == 0) {
					if (watch(card, card->client_fd, TAG_CLIENT))
						return 1;
				}
			} else if (tag == TAG_CLIENT) {
				if (!client_event(card))
					return 0;
			} else if (tag == TAG_SIGNAL) {
				struct signalfd_siginfo si;

				if (read(card->signal_fd, &si, sizeof(si)) == sizeof(si)) {
					card_log("signal %u: exiting", si.ssi_signo);
					return 0;
				}
			}
		}
		if (card->exit_requested) {
			card_log("fault injected: dropping off the bus (exiting)");
			return 0;
		}
	}
}

int main(int argc, char **argv)
{
	struct card *card;
	unsigned int i;
	int ret;

	card_clock_init();
	card = calloc(1, sizeof(*card));
	if (!card) {
		fprintf(stderr, "taihu-card: out of memory\n");
		return 1;
	}
	ret = card_parse_options(argc, argv, &card->opt);
	if (ret) {
		free(card);
		return ret > 0 ? 0 : 2;
	}
	if (card_log_open(card->opt.log_path))
		fprintf(stderr, "taihu-card: cannot open log '%s': %s; logging to stderr\n",
			card->opt.log_path, strerror(errno));

	card->bar2_fd = card->listen_fd = card->client_fd = -1;
	card->epoll_fd = card->sensor_timer_fd = card->signal_fd = -1;
	for (i = 0; i < TAIHU_NUM_VECTORS; i++)
		card->doorbell_fd[i] = card->irq_fd[i] = -1;
	pthread_mutex_init(&card->event_lock, NULL);
	sem_init(card);
	activity_init(card);

	card_log("taihu-card starting: socket %s, guest RAM %s (%llu MiB)%s",
		 card->opt.socket_path, card->opt.guest_ram_path,
		 (unsigned long long)(card->opt.ram_size >> 20), card->opt.mute ? ", mute" : "");
	ret = setup(card) ? 1 : run(card);

	heartbeat_stop(card);
	mailbox_cleanup(card);
	prefault_stop(card);
	if (card->bar2)
		engine_destroy(card);
	ivshmem_server_cleanup(card);
	bar2_destroy(card);
	dma_unmap_guest_ram(card);
	if (card->epoll_fd >= 0)
		close(card->epoll_fd);
	if (card->sensor_timer_fd >= 0)
		close(card->sensor_timer_fd);
	if (card->signal_fd >= 0)
		close(card->signal_fd);
	pthread_mutex_destroy(&card->event_lock);
	sem_destroy(card);
	activity_destroy(card);
	card_log("taihu-card exiting with status %d", ret);
	card_log_close();
	free(card);
	return ret;
}
