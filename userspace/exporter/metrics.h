/* SPDX-License-Identifier: MIT */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * taihu-exporter: the Prometheus text exposition of the cards' telemetry.
 * The cards seen before are remembered, so that one that went away (or a
 * driver that was unloaded) still shows, with taihu_card_up 0.
 */
#ifndef TAIHU_EXPORTER_METRICS_H
#define TAIHU_EXPORTER_METRICS_H

#include <stdbool.h>
#include <stddef.h>

#include "taihu/taihu.h"

/* A card the exporter has seen, identified by serial and PCI address. */
struct known_card {
	char serial[32];
	char pci[32];
	char model[32];
	char fw_version[32];
	char driver_version[32];
};

struct known_cards {
	struct known_card *c;
	size_t n, cap;
};

/* A growing text buffer. */
struct text {
	char *buf;
	size_t len, cap;
	bool oom;
};

__attribute__((format(printf, 2, 3)))
void text_printf(struct text *t, const char *fmt, ...);

/*
 * Append the exposition of @cards (n of them; NULL/0 when the driver did
 * not answer, then @driver_up is false) to @out, and remember them in
 * @known. Every series is labelled serial and pci.
 */
void metrics_render(struct text *out, struct known_cards *known,
		    const struct taihu_telemetry *cards, size_t n, bool driver_up);

void known_cards_free(struct known_cards *known);

#endif /* TAIHU_EXPORTER_METRICS_H */
