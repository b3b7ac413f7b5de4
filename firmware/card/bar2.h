/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * BAR2: the memfd QEMU exposes as the ivshmem BAR, laid out per
 * taihu_card_api.h.
 */
#ifndef TAIHU_CARD_BAR2_H
#define TAIHU_CARD_BAR2_H

#include "card.h"

/* Heartbeat period before a firmware configures another. */
#define CARD_DEFAULT_HEARTBEAT_MS	100

/*
 * Create and map BAR2 (size roundup_pow_of_two(VRAM_OFFSET + vram)), fill
 * the ID page and publish the signature last. Returns 0 or -1.
 */
int bar2_create(struct card *card);
void bar2_destroy(struct card *card);

/*
 * Write the card's identity into the ID page (signature last): the fields
 * a real card has in read-only registers. The heartbeat rewrites it every
 * beat and RESET rebuilds it, so a guest that scribbled on it cannot make
 * the card unrecognisable.
 */
void bar2_write_identity(struct card *card);

/* Set the boot state and error code seen by the driver. */
void bar2_set_state(struct card *card, enum taihu_card_state state, uint32_t error);

/* Publish (or, with a NULL config, clear) the running firmware's identity. */
struct taihu_fw_info;
void bar2_publish_firmware(struct card *card, const struct taihu_fw_info *fw);

/* One heartbeat: bump the counter and the card clock in the ID page. */
void bar2_heartbeat(struct card *card);

#endif /* TAIHU_CARD_BAR2_H */
