// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Card log. Engines and the main thread log concurrently, hence the lock.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "taihu_card_api.h"

#include "clock.h"
#include "log.h"
#include "shm.h"

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *log_file;
static struct taihu_fwlog_header *fwlog;
static uint8_t *fwlog_data;
static uint32_t fwlog_size;
static uint32_t fwlog_head;

int card_log_open(const char *path)
{
	if (!path) {
		log_file = stderr;
		return 0;
	}
	log_file = fopen(path, "a");
	if (!log_file) {
		log_file = stderr;
		return -1;
	}
	setvbuf(log_file, NULL, _IOLBF, 0);
	return 0;
}

void card_log_close(void)
{
	pthread_mutex_lock(&log_lock);
	if (log_file && log_file != stderr)
		fclose(log_file);
	log_file = NULL;
	pthread_mutex_unlock(&log_lock);
}

void card_log_attach_fwlog(uint8_t *area, size_t size)
{
	pthread_mutex_lock(&log_lock);
	if (!area || size <= sizeof(struct taihu_fwlog_header)) {
		fwlog = NULL;
		pthread_mutex_unlock(&log_lock);
		return;
	}
	fwlog = (struct taihu_fwlog_header *)area;
	fwlog_data = area + sizeof(struct taihu_fwlog_header);
	fwlog_size = (uint32_t)(size - sizeof(struct taihu_fwlog_header));
	fwlog_head = 0;
	fwlog->size = fwlog_size;
	shm_store32(&fwlog->head, 0);
	pthread_mutex_unlock(&log_lock);
}

static void fwlog_append(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		fwlog_data[(fwlog_head + i) % fwlog_size] = (uint8_t)s[i];
	fwlog_head += (uint32_t)len;
	shm_store32(&fwlog->head, fwlog_head);
}

void card_log(const char *fmt, ...)
{
	char line[512];
	uint64_t ns = card_clock_ns();
	va_list ap;
	int n;

	n = snprintf(line, sizeof(line), "[%5llu.%06llu] ",
		     (unsigned long long)(ns / 1000000000ull),
		     (unsigned long long)(ns % 1000000000ull / 1000));
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	/* The message was cut one byte short of the buffer: room for this. */
	n = (int)strlen(line);
	line[n] = '\n';
	line[n + 1] = '\0';

	pthread_mutex_lock(&log_lock);
	fputs(line, log_file ? log_file : stderr);
	if (fwlog)
		fwlog_append(line, strlen(line));
	pthread_mutex_unlock(&log_lock);
}
