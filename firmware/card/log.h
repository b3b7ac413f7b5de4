/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The card log: lines go to the --log file (or stderr) and, once BAR2
 * exists, into the firmware log ring at TAIHU_BAR2_FWLOG_OFFSET so that the
 * driver can show them (debugfs).
 * The ring's format is struct taihu_fwlog_header in taihu_card_api.h.
 */
#ifndef TAIHU_CARD_LOG_H
#define TAIHU_CARD_LOG_H

#include <stddef.h>
#include <stdint.h>


/* Open the log file (NULL: stderr). Returns 0 or -1 with errno. */
int card_log_open(const char *path);
/* Start copying lines into the FWLOG area of BAR2 (@area of @size bytes). */
void card_log_attach_fwlog(uint8_t *area, size_t size);
void card_log_close(void);

__attribute__((format(printf, 1, 2)))
void card_log(const char *fmt, ...);

#endif /* TAIHU_CARD_LOG_H */
