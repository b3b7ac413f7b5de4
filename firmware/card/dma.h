/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Device address translation. A device address below vram_size is VRAM;
 * one at or above TAIHU_DEVADDR_HOST_BASE is a host DMA address (guest
 * physical address == offset in the guest RAM file). Everything else, and
 * every range that does not fit, is refused.
 */
#ifndef TAIHU_CARD_DMA_H
#define TAIHU_CARD_DMA_H

#include <stdint.h>

#include "card.h"

/* Map the guest RAM file. Returns 0, or -1 after logging why. */
int dma_map_guest_ram(struct card *card);
void dma_unmap_guest_ram(struct card *card);

/*
 * Resolve [@addr, @addr + @len) for an untranslated job of @context
 * (jobmem.h). Context 0 (the kernel driver) may reach VRAM and host memory;
 * other contexts, which are untranslated only when the firmware has no MMU,
 * reach VRAM only. Returns a pointer to the first byte, or NULL
 * with *@bad_addr set to @addr when @addr itself is unreachable, else to the
 * first device address past the reachable region.
 */
uint8_t *dma_resolve(struct card *card, uint32_t context, uint64_t addr,
		     uint64_t len, uint64_t *bad_addr);

/* True when [@off, @off + @len) lies inside VRAM. */
static inline int vram_range_ok(const struct card *card, uint64_t off, uint64_t len)
{
	return off <= card->vram_size && len <= card->vram_size - off;
}

#endif /* TAIHU_CARD_DMA_H */
