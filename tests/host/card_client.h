/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * A test client that plays QEMU and the driver against a real taihu-card
 * process: it starts the card with a temporary socket and guest RAM file,
 * does the ivshmem client handshake, maps BAR2 and guest RAM, and offers
 * mailbox, boot and queue helpers. Reusable by every host test.
 */
#ifndef TAIHU_CARD_CLIENT_H
#define TAIHU_CARD_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <taihu_card_api.h>

struct card_client_opts {
	const char *card_bin;	/* NULL: $TAIHU_CARD or the built-in default */
	uint64_t ram_size;	/* 0: 16 MiB */
	const char *vram;	/* NULL: "64M" */
	const char *serial;	/* NULL: card default */
	bool mute;
};

struct card_client_queue {
	uint64_t ring_addr;	/* VRAM offsets */
	uint64_t compl_addr;
	uint32_t entries;
	uint32_t tail;
};

struct card_client {
	pid_t pid;
	char dir[64];
	char sock_path[96];	/* fits sockaddr_un.sun_path */
	char ram_path[128];
	char log_path[128];

	int sock;
	int shm_fd;
	int doorbell[TAIHU_NUM_VECTORS];	/* peer 0: we write to kick the card */
	int irq[TAIHU_NUM_VECTORS];		/* our own: the card writes them */

	uint8_t *bar2;
	uint64_t bar2_size;
	struct taihu_card_id *id;
	struct taihu_mbox *mbox;
	struct taihu_event_ring *events;
	struct taihu_queue_desc *qdesc;
	uint8_t *vram;
	uint64_t vram_size;

	uint8_t *ram;
	uint64_t ram_size;

	uint32_t seq;
	uint32_t event_head;
	uint64_t seqno;		/* last seqno cc_run_stream() used */
	struct card_client_queue q[TAIHU_MAX_QUEUES];
};

/* Start a card and connect to it. Returns 0 or -1 (with a "# " diagnostic). */
int cc_start(struct card_client *c, const struct card_client_opts *o);
/*
 * Disconnect and wait for the card to exit; returns its exit status (0 on
 * a clean exit), or -1 if it had to be killed or died from a signal.
 */
int cc_stop(struct card_client *c);
/* Print the card's log as "# " lines (for failures). */
void cc_dump_log(const struct card_client *c);
/* True while the card process is alive. */
bool cc_alive(struct card_client *c);

/* Doorbell vector @v. */
void cc_kick(struct card_client *c, unsigned int v);
/* Wait up to @ms for interrupt vector @v; returns true if it fired. */
bool cc_wait_irq(struct card_client *c, unsigned int v, int ms);

/*
 * Post a mailbox request and wait up to @ms for the answer. Returns 0 with
 * *@status set, or -1 on timeout. @rsp may be NULL.
 */
int cc_mbox(struct card_client *c, uint32_t op, const void *payload, uint32_t len,
	    void *rsp, uint32_t rsp_size, int32_t *status, int ms);
int cc_reset(struct card_client *c);
/* Pull the card's reset line (interface 1.9); 0 once the card cleared it, -1 after @ms. */
int cc_hw_reset(struct card_client *c, int ms);
/* Copy @img to VRAM @vram_off and BOOT with @boot_size; returns the status or -1000 on timeout. */
int cc_boot(struct card_client *c, const void *img, size_t size, uint64_t vram_off,
	    uint32_t boot_size);

/* Fill queue @q's descriptor and send QUEUE_ENABLE; returns the status or -1000. */
int cc_queue_enable(struct card_client *c, unsigned int q, uint64_t ring_addr,
		    uint64_t compl_addr, uint32_t entries);
int cc_queue_disable(struct card_client *c, unsigned int q);
/* Write one ring entry, advance tail, kick. Returns the slot used. */
uint32_t cc_submit(struct card_client *c, unsigned int q, uint64_t cmd_addr, uint32_t cmd_len,
		   uint32_t context, uint64_t seqno);
/*
 * Wait (on the queue's interrupt) until the card's head reaches the
 * client's tail; copy the completion of @slot into @out. Returns 0 or -1.
 */
int cc_wait_queue(struct card_client *c, unsigned int q, uint32_t slot,
		  struct taihu_completion *out, int ms);

/*
 * Device contexts and the TLB: return the mailbox status, or -1000 on
 * timeout. @size 0 invalidates the whole context.
 */
int cc_ctx_create(struct card_client *c, uint32_t context, uint64_t pt_root);
int cc_ctx_destroy(struct card_client *c, uint32_t context);
int cc_tlb_invalidate(struct card_client *c, uint32_t context, uint64_t va, uint64_t size);
/* MEMCPY_BENCH of @size bytes; fills *@out on success. */
int cc_memcpy_bench(struct card_client *c, uint64_t size, struct taihu_mbox_memcpy_bench *out,
		    int ms);

/*
 * Copy @len bytes of command stream to VRAM @vram_off, submit it on queue
 * @q for @context at device address @cmd_addr (the address the context
 * sees: @vram_off itself for context 0), and wait up to @ms for it. Returns
 * 0 with the completion in *@out (its seqno checked), or -1.
 */
int cc_run_stream(struct card_client *c, unsigned int q, const void *cmds, uint32_t len,
		  uint64_t vram_off, uint64_t cmd_addr, uint32_t context,
		  struct taihu_completion *out, int ms);
/* Wait up to @ms until queue @q's head reaches @head (free-running); 0 or -1. */
int cc_wait_head(struct card_client *c, unsigned int q, uint32_t head, int ms);
/* The completion record in ring slot @slot of queue @q. */
void cc_completion(struct card_client *c, unsigned int q, uint32_t slot,
		   struct taihu_completion *out);

/* Next event from the event ring; returns false when there is none. */
bool cc_next_event(struct card_client *c, struct taihu_event *ev);

static inline uint64_t cc_host_addr(uint64_t ram_off)
{
	return TAIHU_DEVADDR_HOST_BASE + ram_off;
}

/* Run a program (argv[0] is the path) with output to @out_path; returns its exit status or -1. */
int cc_run(char *const argv[], const char *out_path);

/* Read a whole file; returns malloc()ed bytes or NULL. */
uint8_t *cc_read_file(const char *path, size_t *size);
/* Read firmware image @name from $TAIHU_FW_DIR (or the build's); NULL with a diagnostic. */
uint8_t *cc_read_fw_image(const char *name, size_t *size);

#endif /* TAIHU_CARD_CLIENT_H */
