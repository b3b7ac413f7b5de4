// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Fault injection, on the main thread (from the mailbox).
 */
#include <errno.h>

#include "card.h"
#include "fault.h"
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

int fault_inject(struct card *card, const struct taihu_mbox_fault *f)
{
	if (!f->count || f->count > TAIHU_FAULT_MAX_COUNT)
		return -EINVAL;
	switch (f->fault) {
	case TAIHU_FAULT_ECC_CORRECTED:
		return inject_ecc(card, f, false);
	case TAIHU_FAULT_ECC_UNCORRECTED:
		return inject_ecc(card, f, true);
	default:
		return -EOPNOTSUPP;
	}
}
