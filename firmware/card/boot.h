/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Card reset and firmware boot.
 */
#ifndef TAIHU_CARD_BOOT_H
#define TAIHU_CARD_BOOT_H

#include "card.h"

/*
 * RESET: clear the injected faults, stop every queue (aborting running
 * jobs), forget every context and the firmware, state WAIT_FW.
 */
void boot_reset(struct card *card);

/*
 * The reset line: whatever the firmware is doing (hung, busy with a
 * bench), stop it, drop the mailbox request it did not answer and reset
 * as boot_reset() does.
 */
void boot_hw_reset(struct card *card);

/*
 * Verify the image at VRAM [@image_addr, +@image_size) and start it.
 * Returns an enum taihu_boot_error (also published as state/error_code),
 * or -EBUSY when firmware is already running.
 */
int boot_firmware(struct card *card, uint64_t image_addr, uint32_t image_size);

#endif /* TAIHU_CARD_BOOT_H */
