// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * BAR2 creation and the ID page.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../common/fw_verify.h"
#include "bar2.h"
#include "clock.h"
#include "log.h"
#include "shm.h"

_Static_assert(sizeof(struct taihu_card_id) <= TAIHU_BAR2_MBOX_OFFSET - TAIHU_BAR2_ID_OFFSET,
	       "ID page overflows");
_Static_assert(sizeof(struct taihu_mbox) <= TAIHU_BAR2_EVENT_OFFSET - TAIHU_BAR2_MBOX_OFFSET,
	       "mailbox overflows");
_Static_assert(sizeof(struct taihu_event_ring) <= TAIHU_BAR2_QUEUE_OFFSET - TAIHU_BAR2_EVENT_OFFSET,
	       "event ring overflows");
_Static_assert(TAIHU_MAX_QUEUES * sizeof(struct taihu_queue_desc) <=
	       TAIHU_BAR2_UQ_OFFSET - TAIHU_BAR2_QUEUE_OFFSET, "queue descriptors overflow");
_Static_assert(TAIHU_MAX_USER_QUEUES * sizeof(struct taihu_uq_desc) <=
	       TAIHU_BAR2_SENSOR_OFFSET - TAIHU_BAR2_UQ_OFFSET, "user queue descriptors overflow");
_Static_assert(sizeof(struct taihu_uq_desc) == 64 && sizeof(struct taihu_uq_ctrl) == 128,
	       "user queue structures");
_Static_assert(sizeof(struct taihu_ring_entry) == 32, "ring entry layout");
_Static_assert(sizeof(struct taihu_completion) == 64, "completion layout");

static uint64_t roundup_pow2(uint64_t v)
{
	uint64_t p = 1;

	while (p < v)
		p <<= 1;
	return p;
}

int bar2_create(struct card *card)
{
	struct taihu_card_id *id;
	uint64_t size = roundup_pow2(TAIHU_BAR2_VRAM_OFFSET + card->opt.vram_size);
	void *p;
	int fd;

	fd = memfd_create("taihu-bar2", MFD_CLOEXEC);
	if (fd < 0) {
		card_log("memfd_create: %s", strerror(errno));
		return -1;
	}
	if (ftruncate(fd, (off_t)size)) {
		card_log("cannot size BAR2 to %llu bytes: %s", (unsigned long long)size,
			 strerror(errno));
		close(fd);
		return -1;
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		card_log("cannot map BAR2: %s", strerror(errno));
		close(fd);
		return -1;
	}
	card->bar2_fd = fd;
	card->bar2 = p;
	card->bar2_size = size;
	card->id = (struct taihu_card_id *)(card->bar2 + TAIHU_BAR2_ID_OFFSET);
	card->mbox = (struct taihu_mbox *)(card->bar2 + TAIHU_BAR2_MBOX_OFFSET);
	card->events = (struct taihu_event_ring *)(card->bar2 + TAIHU_BAR2_EVENT_OFFSET);
	card->qdesc = (struct taihu_queue_desc *)(card->bar2 + TAIHU_BAR2_QUEUE_OFFSET);
	card->uqdesc = (struct taihu_uq_desc *)(card->bar2 + TAIHU_BAR2_UQ_OFFSET);
	card->sensors = (struct taihu_sensor_page *)(card->bar2 + TAIHU_BAR2_SENSOR_OFFSET);
	card->vram = card->bar2 + TAIHU_BAR2_VRAM_OFFSET;
	card->vram_size = card->opt.vram_size;

	card_log_attach_fwlog(card->bar2 + TAIHU_BAR2_FWLOG_OFFSET, TAIHU_BAR2_FWLOG_SIZE);

	id = card->id;
	id->state = TAIHU_CARD_STATE_WAIT_FW;
	id->error_code = TAIHU_BOOT_OK;
	id->heartbeat_period_ms = CARD_DEFAULT_HEARTBEAT_MS;
	id->timestamp_ns = card_clock_ns();
	/* The driver trusts nothing in BAR2 until it sees the signature. */
	bar2_write_identity(card);

	card_log("BAR2 %llu MiB, VRAM %llu MiB at 0x%x, serial %s",
		 (unsigned long long)(size >> 20), (unsigned long long)(card->vram_size >> 20),
		 TAIHU_BAR2_VRAM_OFFSET, card->opt.serial);
	return 0;
}

void bar2_write_identity(struct card *card)
{
	struct taihu_card_id *id = card->id;
	char serial[sizeof(id->serial)];

	id->if_major = TAIHU_CARD_IF_MAJOR;
	id->if_minor = TAIHU_CARD_IF_MINOR;
	id->bar2_size = card->bar2_size;
	id->vram_offset = TAIHU_BAR2_VRAM_OFFSET;
	id->vram_size = card->vram_size;
	id->device_id = 0x0001;
	id->revision = 0;
	id->card_peer_id = TAIHU_CARD_PEER_ID;
	id->num_vectors = TAIHU_NUM_VECTORS;
	id->max_queues = TAIHU_MAX_QUEUES;
	memset(serial, 0, sizeof(serial));
	snprintf(serial, sizeof(serial), "%s", card->opt.serial);
	memcpy(id->serial, serial, sizeof(serial));
	shm_store64(&id->signature, TAIHU_CARD_SIGNATURE);
}

void bar2_destroy(struct card *card)
{
	if (card->bar2) {
		card_log_attach_fwlog(NULL, 0);
		munmap(card->bar2, card->bar2_size);
	}
	if (card->bar2_fd >= 0)
		close(card->bar2_fd);
	card->bar2 = NULL;
	card->bar2_fd = -1;
}

void bar2_set_state(struct card *card, enum taihu_card_state state, uint32_t error)
{
	shm_store32(&card->id->error_code, error);
	shm_store32(&card->id->state, state);
}

_Static_assert(sizeof(struct taihu_card_id) <= TAIHU_ID_KERNELS_OFFSET, "ID page layout");
_Static_assert(TAIHU_ID_KERNELS_OFFSET + sizeof(struct taihu_card_kernels) <= 4096,
	       "ID page layout");
_Static_assert(sizeof(struct taihu_card_kernel) == sizeof(struct taihu_fw_kernel) &&
	       TAIHU_CARD_MAX_KERNELS == TAIHU_FW_MAX_KERNELS, "kernel table layout");

/* The kernel table in the ID page: the image's entries as they are (verified). */
static void publish_kernels(struct card *card, const struct taihu_fw_info *fw)
{
	struct taihu_card_kernels *t =
		(struct taihu_card_kernels *)(void *)((uint8_t *)card->id + TAIHU_ID_KERNELS_OFFSET);
	uint32_t i;

	memset(t, 0, sizeof(*t));
	if (!fw)
		return;
	for (i = 0; i < fw->num_kernels; i++) {
		const struct taihu_fw_kernel *k = &fw->kernels[i];

		t->entries[i] = (struct taihu_card_kernel){
			.kernel = k->kernel, .max_rank = k->max_rank, .dtypes = k->dtypes,
			.max_dim = k->max_dim, .max_elems = k->max_elems,
		};
	}
	t->count = fw->num_kernels;
}

void bar2_publish_firmware(struct card *card, const struct taihu_fw_info *fw)
{
	struct taihu_card_id *id = card->id;

	publish_kernels(card, fw);
	if (!fw) {
		id->fw_version = 0;
		id->fw_abi_major = 0;
		id->fw_abi_minor = 0;
		id->num_queues = 0;
		id->capabilities = 0;
		id->max_cmd_len = 0;
		id->max_ring_entries = 0;
		memset(id->fw_version_str, 0, sizeof(id->fw_version_str));
		shm_store32(&id->heartbeat_period_ms, CARD_DEFAULT_HEARTBEAT_MS);
		return;
	}
	id->fw_version = fw->hdr.fw_version;
	id->fw_abi_major = fw->hdr.abi_major;
	id->fw_abi_minor = fw->hdr.abi_minor;
	id->num_queues = fw->cfg.num_queues;
	id->capabilities = fw->cfg.capabilities;
	id->max_cmd_len = fw->cfg.max_cmd_len;
	id->max_ring_entries = fw->cfg.max_ring_entries;
	memset(id->fw_version_str, 0, sizeof(id->fw_version_str));
	/* version_str is NUL-terminated inside 32 bytes: verified. */
	memcpy(id->fw_version_str, fw->hdr.version_str, sizeof(id->fw_version_str));
	shm_store32(&id->heartbeat_period_ms, fw->cfg.heartbeat_period_ms);
}

void bar2_heartbeat(struct card *card)
{
	/* Count privately: the guest can write the shared word. */
	static uint64_t beats;

	shm_store64(&card->id->timestamp_ns, card_clock_ns());
	shm_store64(&card->id->heartbeat, ++beats);
}
