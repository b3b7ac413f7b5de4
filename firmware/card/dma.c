// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Guest RAM mapping and device address translation.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dma.h"
#include "log.h"

int dma_map_guest_ram(struct card *card)
{
	struct stat st;
	void *p;
	int fd;

	fd = open(card->opt.guest_ram_path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		card_log("cannot open guest RAM '%s': %s", card->opt.guest_ram_path,
			 strerror(errno));
		return -1;
	}
	/* Touching a page past the end of the file would raise SIGBUS. */
	if (fstat(fd, &st) || (uint64_t)st.st_size < card->opt.ram_size) {
		card_log("guest RAM '%s' is %lld bytes, smaller than --ram-size %llu",
			 card->opt.guest_ram_path, (long long)st.st_size,
			 (unsigned long long)card->opt.ram_size);
		close(fd);
		return -1;
	}
	p = mmap(NULL, card->opt.ram_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		card_log("cannot map guest RAM '%s': %s", card->opt.guest_ram_path,
			 strerror(errno));
		return -1;
	}
	card->host = p;
	card->host_size = card->opt.ram_size;
	return 0;
}

void dma_unmap_guest_ram(struct card *card)
{
	if (card->host)
		munmap(card->host, card->host_size);
	card->host = NULL;
}

uint8_t *dma_resolve(struct card *card, uint32_t context, uint64_t addr,
		     uint64_t len, uint64_t *bad_addr)
{
	uint64_t off;

	if (addr < card->vram_size) {
		if (len > card->vram_size - addr) {
			*bad_addr = card->vram_size;
			return NULL;
		}
		return card->vram + addr;
	}
	if (addr >= TAIHU_DEVADDR_HOST_BASE && context == 0) {
		off = addr - TAIHU_DEVADDR_HOST_BASE;
		if (off >= card->host_size) {
			*bad_addr = addr;
			return NULL;
		}
		if (len > card->host_size - off) {
			*bad_addr = TAIHU_DEVADDR_HOST_BASE + card->host_size;
			return NULL;
		}
		return card->host + off;
	}
	*bad_addr = addr;
	return NULL;
}
