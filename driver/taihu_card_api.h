/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The interface between the Taihu driver and the T1 card: the layout of the
 * card's BAR2 (register/ID page, control mailbox, event ring, queue
 * descriptors, sensor page, firmware log, VRAM), the mailbox messages and the
 * hardware queue ring and completion formats. The command-stream packets
 * are another interface (userspace to firmware): firmware/include/taihu_cmdstream.h.
 *
 * This header is shared by driver/ and firmware/. It is versioned by
 * TAIHU_CARD_IF_MAJOR/MINOR: a change that breaks an existing field bumps the
 * major, an addition bumps the minor. Every field is little-endian. Structures
 * have explicit padding and fixed sizes; they are accessed by the driver with
 * readl()/writel() at offsetof() positions and by the card directly.
 */
#ifndef __TAIHU_CARD_API_H__
#define __TAIHU_CARD_API_H__

#include <linux/const.h>
#include <linux/types.h>

#define TAIHU_CARD_IF_MAJOR		1
#define TAIHU_CARD_IF_MINOR		10
/* The first interface minor with &taihu_queue_desc.progress and the queue faults 10..12. */
#define TAIHU_CARD_IF_MINOR_PROGRESS	6
/* The first minor whose card takes TAIHU_RING_ENTRY_IRQ (interrupt moderation). */
#define TAIHU_CARD_IF_MINOR_IRQ_FLAG	7
/* The first minor whose card counts the entries it runs (&taihu_uq_desc.runs). */
#define TAIHU_CARD_IF_MINOR_UQ_RUNS	8
/* The first minor with the hardware reset (&taihu_card_id.hw_reset). */
#define TAIHU_CARD_IF_MINOR_HW_RESET	9
/* The first minor whose card takes &taihu_uq_desc.irq_head. */
#define TAIHU_CARD_IF_MINOR_UQ_IRQ_HEAD	10

/* "TAIHU-T1" as a little-endian 64-bit word at BAR2 offset 0. */
#define TAIHU_CARD_SIGNATURE		0x31542d5548494154ULL

/* ivshmem transport: the card's peer id and the MSI-X vector plan. */
#define TAIHU_CARD_PEER_ID		0
#define TAIHU_VECTOR_CONTROL		0	/* mailbox and event ring */
#define TAIHU_VECTOR_QUEUE(q)		(1 + (q))
#define TAIHU_MAX_QUEUES		8
#define TAIHU_NUM_VECTORS		(1 + TAIHU_MAX_QUEUES)

/* BAR2 layout. VRAM starts at TAIHU_BAR2_VRAM_OFFSET and fills the rest. */
#define TAIHU_BAR2_ID_OFFSET		0x00000
#define TAIHU_BAR2_MBOX_OFFSET		0x01000
#define TAIHU_BAR2_EVENT_OFFSET		0x02000
#define TAIHU_BAR2_QUEUE_OFFSET		0x03000
#define TAIHU_BAR2_UQ_OFFSET		0x03800	/* interface 1.5 */
#define TAIHU_BAR2_SENSOR_OFFSET	0x04000
#define TAIHU_BAR2_FWLOG_OFFSET		0x08000
#define TAIHU_BAR2_FWLOG_SIZE		0x08000
#define TAIHU_BAR2_VRAM_OFFSET		0x100000

/**
 * struct taihu_fwlog_header - the firmware log ring at TAIHU_BAR2_FWLOG_OFFSET
 * @head: free-running count of bytes ever written; written by the card
 *	after the bytes
 * @size: bytes of text after this header; byte i is at text[i % size]
 * @reserved: zero
 */
struct taihu_fwlog_header {
	__u32 head;
	__u32 size;
	__u32 reserved[14];
};

/* Device address space: VRAM at 0, host DMA addresses above HOST_BASE. */
#define TAIHU_DEVADDR_HOST_BASE		_BITULL(48)

/**
 * enum taihu_card_state - the card's boot state, in &taihu_card_id.state
 * @TAIHU_CARD_STATE_OFF: the card process has not initialised BAR2 yet
 * @TAIHU_CARD_STATE_WAIT_FW: reset done, waiting for a firmware image
 * @TAIHU_CARD_STATE_BOOTING: verifying and starting the firmware
 * @TAIHU_CARD_STATE_READY: firmware running, queues may be enabled
 * @TAIHU_CARD_STATE_ERROR: boot failed or firmware crashed; see error_code
 */
enum taihu_card_state {
	TAIHU_CARD_STATE_OFF = 0,
	TAIHU_CARD_STATE_WAIT_FW = 1,
	TAIHU_CARD_STATE_BOOTING = 2,
	TAIHU_CARD_STATE_READY = 3,
	TAIHU_CARD_STATE_ERROR = 4,
};

/**
 * enum taihu_boot_error - why a firmware image was refused, in
 * &taihu_card_id.error_code and in the BOOT response status
 * @TAIHU_BOOT_OK: no error
 * @TAIHU_BOOT_ERR_TRUNCATED: image smaller than its header or its image_size
 * @TAIHU_BOOT_ERR_MAGIC: wrong magic number
 * @TAIHU_BOOT_ERR_ABI: firmware ABI major not supported by this card
 * @TAIHU_BOOT_ERR_DIGEST: SHA-256 digest mismatch
 * @TAIHU_BOOT_ERR_SECTION: section table malformed (overlap, out of range)
 * @TAIHU_BOOT_ERR_CONFIG: configuration section invalid
 * @TAIHU_BOOT_ERR_RANGE: the image does not lie inside VRAM
 * @TAIHU_BOOT_ERR_INJECTED: boot failure requested by fault injection
 */
enum taihu_boot_error {
	TAIHU_BOOT_OK = 0,
	TAIHU_BOOT_ERR_TRUNCATED = 1,
	TAIHU_BOOT_ERR_MAGIC = 2,
	TAIHU_BOOT_ERR_ABI = 3,
	TAIHU_BOOT_ERR_DIGEST = 4,
	TAIHU_BOOT_ERR_SECTION = 5,
	TAIHU_BOOT_ERR_CONFIG = 6,
	TAIHU_BOOT_ERR_RANGE = 7,
	TAIHU_BOOT_ERR_INJECTED = 8,
};

/**
 * struct taihu_card_id - the register/ID page at BAR2 offset 0 (4 KiB)
 * @signature: TAIHU_CARD_SIGNATURE, written last by the card at start-up
 * @if_major: TAIHU_CARD_IF_MAJOR implemented by the card
 * @if_minor: TAIHU_CARD_IF_MINOR implemented by the card
 * @bar2_size: size of BAR2 in bytes (a power of two)
 * @vram_offset: BAR2 offset of VRAM
 * @vram_size: VRAM size in bytes (BAR2 may be larger: it is a power of two)
 * @device_id: card model (0x0001 for T1)
 * @revision: silicon revision
 * @card_peer_id: ivshmem peer id the doorbells must name
 * @num_vectors: interrupt/doorbell vectors the card serves
 * @max_queues: hardware queue slots (at most TAIHU_MAX_QUEUES)
 * @state: &enum taihu_card_state
 * @error_code: &enum taihu_boot_error or a firmware crash code
 * @heartbeat: incremented by the card every heartbeat_period_ms while alive
 * @heartbeat_period_ms: heartbeat period
 * @fw_version: running firmware version, (major << 16 | minor << 8 | patch)
 * @fw_abi_major: running firmware's ABI major
 * @fw_abi_minor: running firmware's ABI minor
 * @num_queues: queues the running firmware enables
 * @hw_reset: the card's reset line (interface 1.9): the driver writes
 *	TAIHU_HW_RESET_MAGIC and kicks vector 0; the card's hardware, not its
 *	firmware, resets the card as RESET does (whatever the firmware is
 *	doing: hung, or never answering), drops any mailbox request not
 *	answered, then clears this word. Zero otherwise.
 * @capabilities: TAIHU_CARD_CAP_* of the running firmware
 * @timestamp_ns: the card clock, in ns, updated with the heartbeat
 * @fw_version_str: NUL-terminated firmware version string
 * @serial: NUL-terminated board serial number
 * @max_cmd_len: longest command stream the running firmware accepts, in
 *	bytes (interface 1.3; zero before boot)
 * @max_ring_entries: largest queue ring the running firmware accepts
 *	(interface 1.3; zero before boot)
 * @reserved: zero
 */
struct taihu_card_id {
	__u64 signature;
	__u32 if_major;
	__u32 if_minor;
	__u64 bar2_size;
	__u64 vram_offset;
	__u64 vram_size;
	__u32 device_id;
	__u32 revision;
	__u32 card_peer_id;
	__u32 num_vectors;
	__u32 max_queues;
	__u32 state;
	__u32 error_code;
	__u32 heartbeat_period_ms;
	__u64 heartbeat;
	__u32 fw_version;
	__u16 fw_abi_major;
	__u16 fw_abi_minor;
	__u32 num_queues;
	__u32 hw_reset;
	__u64 capabilities;
	__u64 timestamp_ns;
	char fw_version_str[32];
	char serial[32];
	__u32 max_cmd_len;
	__u32 max_ring_entries;
	__u64 reserved[7];
};

/* &taihu_card_id.hw_reset: "HRST"; any other value is ignored. */
#define TAIHU_HW_RESET_MAGIC		0x54535248u

/* Capabilities the firmware enables (TAIHU_CARD_CAP_*). */
#define TAIHU_CARD_CAP_NOP		_BITULL(0)
#define TAIHU_CARD_CAP_FILL		_BITULL(1)
#define TAIHU_CARD_CAP_COPY		_BITULL(2)
#define TAIHU_CARD_CAP_TIMESTAMP	_BITULL(3)
#define TAIHU_CARD_CAP_MMU		_BITULL(4)
#define TAIHU_CARD_CAP_SEMAPHORE	_BITULL(5)
#define TAIHU_CARD_CAP_BARRIER		_BITULL(6)
#define TAIHU_CARD_CAP_KERNEL		_BITULL(7)

/*
 * The kernel table of the running firmware, at this offset in the ID page
 * (interface minor 2): what its KERNELS section enables, zero before boot.
 */
#define TAIHU_ID_KERNELS_OFFSET		0x800
#define TAIHU_CARD_MAX_KERNELS		32

/**
 * struct taihu_card_kernel - one enabled kernel, as the firmware image's
 * &struct taihu_fw_kernel
 * @kernel: kernel id of the command-stream format (enum taihu_kernel)
 * @max_rank: largest tensor rank
 * @reserved: zero
 * @dtypes: bit (1 << dtype) for each dtype the kernel computes in
 * @max_dim: largest tensor dimension
 * @reserved1: zero
 * @max_elems: most elements of one tensor
 */
struct taihu_card_kernel {
	__u16 kernel;
	__u8 max_rank;
	__u8 reserved;
	__u32 dtypes;
	__u32 max_dim;
	__u32 reserved1;
	__u64 max_elems;
};

/**
 * struct taihu_card_kernels - the kernel table at TAIHU_ID_KERNELS_OFFSET
 * @count: entries used, at most TAIHU_CARD_MAX_KERNELS
 * @reserved: zero
 * @entries: the enabled kernels, in the image's order
 */
struct taihu_card_kernels {
	__u32 count;
	__u32 reserved;
	struct taihu_card_kernel entries[TAIHU_CARD_MAX_KERNELS];
};

/**
 * enum taihu_mbox_op - control mailbox requests
 * @TAIHU_MBOX_OP_NOP: does nothing; answers with status 0
 * @TAIHU_MBOX_OP_RESET: aborts running jobs, stops all queues, forgets all
 *	contexts and returns to WAIT_FW
 * @TAIHU_MBOX_OP_BOOT: verifies the image described by &taihu_mbox_boot and
 *	starts it; the response status is an &enum taihu_boot_error
 * @TAIHU_MBOX_OP_QUEUE_ENABLE: starts serving the queue described by
 *	&taihu_mbox_queue from its descriptor
 * @TAIHU_MBOX_OP_QUEUE_DISABLE: stops serving a queue; a job running or
 *	stalled in SEM_WAIT ends at once with TAIHU_STATUS_ABORTED and later
 *	entries stay in the ring unrun
 * @TAIHU_MBOX_OP_PING: echoes &taihu_mbox_ping with the card clock
 * @TAIHU_MBOX_OP_CTX_CREATE: gives a device context (1..TAIHU_MAX_CONTEXTS-1)
 *	the page table of &taihu_mbox_ctx; its jobs then translate every
 *	address through it
 * @TAIHU_MBOX_OP_CTX_DESTROY: forgets a context and its translations; the
 *	driver first makes sure none of its jobs is queued
 * @TAIHU_MBOX_OP_TLB_INVALIDATE: drops cached translations of a context in
 *	the range of &taihu_mbox_tlb; translations are re-walked afterwards
 * @TAIHU_MBOX_OP_MEMCPY_BENCH: the card times a memcpy() of
 *	&taihu_mbox_memcpy_bench.size bytes within its own memory
 * @TAIHU_MBOX_OP_SET_POWER_CAP: sets the power limit of &taihu_mbox_power_cap
 *	(interface 1.2); -ERANGE outside the firmware's
 *	[power_cap_min_uw, power_cap_max_uw] (&struct taihu_sensor_page)
 * @TAIHU_MBOX_OP_FAULT_INJECT: makes the card suffer the fault of
 *	&taihu_mbox_fault (interface 1.2), for tests of the driver's error paths
 * @TAIHU_MBOX_OP_KERNEL_BENCH: the card times the oneDNN operation of
 *	&taihu_mbox_kernel_bench run directly in its own process, the
 *	yardstick of the kernel benchmark (interface 1.2; -EOPNOTSUPP from a
 *	card that lacks it)
 * @TAIHU_MBOX_OP_UQ_ENABLE: starts serving the user queue of
 *	&taihu_mbox_uq from its &struct taihu_uq_desc (interface 1.5)
 * @TAIHU_MBOX_OP_UQ_DISABLE: stops serving a user queue; a job of it that
 *	runs ends at once with TAIHU_STATUS_ABORTED. When the answer comes,
 *	the card no longer reads or writes the user queue's memory
 *	(interface 1.5). Idempotent
 */
enum taihu_mbox_op {
	TAIHU_MBOX_OP_NOP = 0,
	TAIHU_MBOX_OP_RESET = 1,
	TAIHU_MBOX_OP_BOOT = 2,
	TAIHU_MBOX_OP_QUEUE_ENABLE = 3,
	TAIHU_MBOX_OP_QUEUE_DISABLE = 4,
	TAIHU_MBOX_OP_PING = 5,
	TAIHU_MBOX_OP_CTX_CREATE = 6,
	TAIHU_MBOX_OP_CTX_DESTROY = 7,
	TAIHU_MBOX_OP_TLB_INVALIDATE = 8,
	TAIHU_MBOX_OP_MEMCPY_BENCH = 9,
	TAIHU_MBOX_OP_SET_POWER_CAP = 10,
	TAIHU_MBOX_OP_FAULT_INJECT = 11,
	TAIHU_MBOX_OP_KERNEL_BENCH = 12,
	TAIHU_MBOX_OP_UQ_ENABLE = 13,
	TAIHU_MBOX_OP_UQ_DISABLE = 14,
};

/* Mailbox response status besides the boot errors: negative errno values. */
#define TAIHU_MBOX_PAYLOAD_SIZE		224

/**
 * struct taihu_mbox_boot - payload of TAIHU_MBOX_OP_BOOT
 * @image_addr: VRAM offset of the firmware image
 * @image_size: size of the image in bytes
 * @reserved: zero
 */
struct taihu_mbox_boot {
	__u64 image_addr;
	__u32 image_size;
	__u32 reserved;
};

/**
 * struct taihu_mbox_queue - payload of QUEUE_ENABLE and QUEUE_DISABLE
 * @queue: queue index, below &taihu_card_id.num_queues
 * @reserved: zero
 */
struct taihu_mbox_queue {
	__u32 queue;
	__u32 reserved;
};

/**
 * struct taihu_mbox_ping - payload of TAIHU_MBOX_OP_PING, request and response
 * @cookie: echoed back by the card
 * @card_ns: in the response, the card clock when the request was served
 */
struct taihu_mbox_ping {
	__u64 cookie;
	__u64 card_ns;
};

/**
 * struct taihu_mbox_ctx - payload of CTX_CREATE and CTX_DESTROY
 * @context: context id, 1..TAIHU_MAX_CONTEXTS-1 (0 is the driver's own,
 *	untranslated context)
 * @flags: zero
 * @pt_root: VRAM offset of the context's level-0 page table (CTX_CREATE;
 *	zero for CTX_DESTROY)
 */
struct taihu_mbox_ctx {
	__u32 context;
	__u32 flags;
	__u64 pt_root;
};

/**
 * struct taihu_mbox_tlb - payload of TAIHU_MBOX_OP_TLB_INVALIDATE
 * @context: context id
 * @reserved: zero
 * @va: first device virtual address to drop, page aligned
 * @size: bytes to drop, page aligned; 0 drops the whole context
 */
struct taihu_mbox_tlb {
	__u32 context;
	__u32 reserved;
	__u64 va;
	__u64 size;
};

/**
 * struct taihu_mbox_memcpy_bench - payload of TAIHU_MBOX_OP_MEMCPY_BENCH
 * @size: in: bytes to copy, at most 256 MiB; out: bytes copied
 * @ns: out: card clock time the copy took
 */
struct taihu_mbox_memcpy_bench {
	__u64 size;
	__u64 ns;
};

/* Most timed runs of one KERNEL_BENCH request. */
#define TAIHU_KBENCH_MAX_ITERATIONS	100

/**
 * struct taihu_mbox_kernel_bench - payload of TAIHU_MBOX_OP_KERNEL_BENCH
 * @kernel: TAIHU_KERNEL_GEMM or TAIHU_KERNEL_CONV2D (taihu_cmdstream.h)
 * @dtype: TAIHU_DTYPE_FP32, TAIHU_DTYPE_BF16, or TAIHU_DTYPE_INT8 (GEMM
 *	only: int8 x int8 -> int32)
 * @dims: GEMM: M, N, K (dense row-major A [M, K], B [K, N]); CONV2D: N, C,
 *	H, W, OC, KH, KW and the padding on every side (stride 1, NCHW and
 *	OIHW, no bias); the rest zero. Each tensor at most 2^26 elements
 * @iterations: timed runs after one untimed run, 1..TAIHU_KBENCH_MAX_ITERATIONS
 * @reserved: zero
 * @ns: out: the median card clock time of one run
 */
struct taihu_mbox_kernel_bench {
	__u32 kernel;
	__u32 dtype;
	__u32 dims[8];
	__u32 iterations;
	__u32 reserved;
	__u64 ns;
};

/**
 * struct taihu_mbox_power_cap - payload of TAIHU_MBOX_OP_SET_POWER_CAP
 * @power_cap_uw: the new limit of the average power, in microwatts
 */
struct taihu_mbox_power_cap {
	__u64 power_cap_uw;
};

/**
 * enum taihu_fault - faults TAIHU_MBOX_OP_FAULT_INJECT can cause
 * @TAIHU_FAULT_ECC_CORRECTED: @count single-bit VRAM errors, corrected by
 *	ECC: counted in &taihu_sensor_page.ecc_corrected, one TAIHU_EVENT_ECC
 * @TAIHU_FAULT_ECC_UNCORRECTED: @count multi-bit VRAM errors ECC could not
 *	correct: counted in &taihu_sensor_page.ecc_uncorrected, one
 *	TAIHU_EVENT_ECC
 * @TAIHU_FAULT_QUEUE_HANG: the next job of queue @arg (the one running, or
 *	the next to start) makes no progress until the queue is disabled,
 *	when it ends ABORTED (interface 1.3, as all below)
 * @TAIHU_FAULT_FW_HANG: after answering, the firmware stops serving the
 *	mailbox and the heartbeat for @arg ms (0: until the process ends);
 *	engines go on. Requests posted meanwhile are served afterwards; the
 *	reset line (&taihu_card_id.hw_reset, interface 1.9) ends the hang
 * @TAIHU_FAULT_FW_CRASH: after answering, the firmware crashes: engines
 *	stop (a running job ends ABORTED), the heartbeat stops, the state
 *	becomes ERROR with error_code @arg (non-zero, at least
 *	TAIHU_FW_CRASH_CODE_MIN), a TAIHU_EVENT_FW_ERROR is raised, and the
 *	mailbox answers only RESET (others: -EIO)
 * @TAIHU_FAULT_HEARTBEAT_STOP: the heartbeat stops, nothing else; RESET
 *	restarts it
 * @TAIHU_FAULT_CORRUPT_COMPLETION: the next completion record of queue
 *	@arg names a wrong seqno
 * @TAIHU_FAULT_FAIL_BOOT: the next BOOT fails with TAIHU_BOOT_ERR_INJECTED;
 *	from interface 1.9, the next @arg BOOTs (0: one; at most
 *	TAIHU_FAULT_FAIL_BOOT_MAX)
 * @TAIHU_FAULT_BUS_DROP: after answering, the card process exits: the
 *	card falls off the bus (its shared memory stays, nothing serves it)
 * @TAIHU_FAULT_QUEUE_SLOW: the next job of queue @arg first spends @count
 *	ms making progress (&taihu_queue_desc.progress moves every 10 ms),
 *	then runs as usual; a QUEUE_DISABLE aborts it (interface 1.6, as all
 *	below)
 * @TAIHU_FAULT_QUEUE_DISABLE_FAIL: the next QUEUE_DISABLE of queue @arg
 *	fails with -EIO and does nothing (a queue the card cannot stop)
 * @TAIHU_FAULT_QUEUE_ENABLE_FAIL: the next QUEUE_ENABLE of queue @arg
 *	fails with -EIO and does nothing
 */
enum taihu_fault {
	TAIHU_FAULT_ECC_CORRECTED = 1,
	TAIHU_FAULT_ECC_UNCORRECTED = 2,
	TAIHU_FAULT_QUEUE_HANG = 3,
	TAIHU_FAULT_FW_HANG = 4,
	TAIHU_FAULT_FW_CRASH = 5,
	TAIHU_FAULT_HEARTBEAT_STOP = 6,
	TAIHU_FAULT_CORRUPT_COMPLETION = 7,
	TAIHU_FAULT_FAIL_BOOT = 8,
	TAIHU_FAULT_BUS_DROP = 9,
	TAIHU_FAULT_QUEUE_SLOW = 10,
	TAIHU_FAULT_QUEUE_DISABLE_FAIL = 11,
	TAIHU_FAULT_QUEUE_ENABLE_FAIL = 12,
};

/* The most boots one TAIHU_FAULT_FAIL_BOOT fails. */
#define TAIHU_FAULT_FAIL_BOOT_MAX	16

/* Firmware crash codes in &taihu_card_id.error_code are above the boot errors. */
#define TAIHU_FW_CRASH_CODE_MIN		0x100

/**
 * struct taihu_mbox_fault - payload of TAIHU_MBOX_OP_FAULT_INJECT
 * @fault: &enum taihu_fault; -EOPNOTSUPP for a fault the card does not know
 * @count: how many (ECC errors) or how long (QUEUE_SLOW, in ms),
 *	1..TAIHU_FAULT_MAX_COUNT; 1 for the others
 * @arg: fault-specific argument (&enum taihu_fault); for ECC errors the
 *	VRAM offset reported
 */
struct taihu_mbox_fault {
	__u32 fault;
	__u32 count;
	__u64 arg;
};

#define TAIHU_FAULT_MAX_COUNT		1000000

/*
 * Device virtual memory (the MMU). Every job of a context other than 0
 * addresses memory through its context's page table: three levels of 512
 * 64-bit entries, each table one 4 KiB page in VRAM, covering a 39-bit
 * virtual address space. VA bits 38..30 index level 0, 29..21 level 1,
 * 20..12 level 2 (the leaf PTEs), 11..0 are the page offset. Directory
 * entries (levels 0 and 1) hold TAIHU_PTE_VALID and the VRAM offset of the
 * next table. Leaf entries hold TAIHU_PTE_VALID, the access bits, and
 * either a VRAM offset or, with TAIHU_PTE_HOST, a host DMA address.
 * Anything else (an invalid entry, a write to a page without
 * TAIHU_PTE_WRITE, a table or target outside the card's reach) is an MMU
 * fault: the job ends with TAIHU_STATUS_MMU_FAULT and a
 * TAIHU_EVENT_MMU_FAULT event is raised. Context 0 is untranslated.
 */
#define TAIHU_MAX_CONTEXTS		4096
#define TAIHU_MMU_PAGE_SHIFT		12
#define TAIHU_MMU_PAGE_SIZE		_BITULL(TAIHU_MMU_PAGE_SHIFT)
#define TAIHU_MMU_LEVELS		3
#define TAIHU_MMU_LEVEL_BITS		9
#define TAIHU_MMU_ENTRIES		512
#define TAIHU_MMU_VA_BITS		39
#define TAIHU_PTE_VALID			_BITULL(0)
#define TAIHU_PTE_WRITE			_BITULL(1)
#define TAIHU_PTE_HOST			_BITULL(2)
#define TAIHU_PTE_ADDR_MASK		0x000ffffffffff000ULL

/**
 * enum taihu_access - the access that faulted
 * @TAIHU_ACCESS_READ: a read
 * @TAIHU_ACCESS_WRITE: a write
 */
enum taihu_access {
	TAIHU_ACCESS_READ = 0,
	TAIHU_ACCESS_WRITE = 1,
};

/**
 * struct taihu_mbox - the control mailbox at TAIHU_BAR2_MBOX_OFFSET
 * @req_seq: written last by the driver to post a request; one at a time
 * @req_op: &enum taihu_mbox_op
 * @req_len: bytes of @req_payload used
 * @req_reserved: zero
 * @req_payload: the request's payload structure
 * @rsp_seq: written last by the card, equal to @req_seq when answered
 * @rsp_status: 0, a negative errno, or an &enum taihu_boot_error for BOOT
 * @rsp_len: bytes of @rsp_payload used
 * @rsp_reserved: zero
 * @rsp_payload: the response's payload structure
 *
 * The driver writes the request, then @req_seq, then kicks vector 0. The
 * card serves a request whenever @req_seq differs from the last sequence
 * number it answered; so the driver starts from the @rsp_seq it finds and
 * never posts the same number twice in a row. The card answers by writing
 * the response, then @rsp_seq, then raising MSI-X vector 0.
 *
 * Status -EINVAL: bad length or reserved bits; -EOPNOTSUPP: unknown op;
 * -EIO: QUEUE_ENABLE or a context operation before READY; -EBUSY: queue or
 * context already exists, or BOOT while READY (RESET first); -ENOENT: no
 * such context; -EOPNOTSUPP: the firmware lacks TAIHU_CARD_CAP_MMU.
 */
struct taihu_mbox {
	__u32 req_seq;
	__u32 req_op;
	__u32 req_len;
	__u32 req_reserved;
	__u8 req_payload[TAIHU_MBOX_PAYLOAD_SIZE];
	__u32 rsp_seq;
	__s32 rsp_status;
	__u32 rsp_len;
	__u32 rsp_reserved;
	__u8 rsp_payload[TAIHU_MBOX_PAYLOAD_SIZE];
};

/**
 * enum taihu_event_type - records of the event ring
 * @TAIHU_EVENT_NONE: unused slot
 * @TAIHU_EVENT_BOOTED: firmware reached READY; data[0] = fw_version
 * @TAIHU_EVENT_FW_ERROR: firmware error; data[0] = code
 * @TAIHU_EVENT_QUEUE_ERROR: a queue stopped; data[0] = queue, data[1] = code
 * @TAIHU_EVENT_MMU_FAULT: a job of @context faulted; data[0] = virtual
 *	address, data[1] = &enum taihu_access | queue << 8
 * @TAIHU_EVENT_THROTTLE: the throttle reasons changed (interface 1.2);
 *	data[0] = new TAIHU_THROTTLE_* mask, data[1] = old mask | core clock
 *	in MHz << 32
 * @TAIHU_EVENT_ECC: VRAM ECC errors (interface 1.2); data[0] = 0 corrected,
 *	1 uncorrected, data[1] = number of errors | VRAM offset << 32 (in 4 KiB
 *	pages)
 * @TAIHU_EVENT_UQ_ERROR: a user queue of @context stopped (interface 1.5);
 *	data[0] = user queue index, data[1] = &enum taihu_job_status_code
 */
enum taihu_event_type {
	TAIHU_EVENT_NONE = 0,
	TAIHU_EVENT_BOOTED = 1,
	TAIHU_EVENT_FW_ERROR = 2,
	TAIHU_EVENT_QUEUE_ERROR = 3,
	TAIHU_EVENT_MMU_FAULT = 4,
	TAIHU_EVENT_THROTTLE = 5,
	TAIHU_EVENT_ECC = 6,
	TAIHU_EVENT_UQ_ERROR = 7,
};

#define TAIHU_EVENT_RING_ENTRIES	64

/**
 * struct taihu_event - one event ring record
 * @type: &enum taihu_event_type
 * @context: device context concerned, or 0
 * @timestamp_ns: card clock when the event was raised
 * @data: type-specific words
 */
struct taihu_event {
	__u32 type;
	__u32 context;
	__u64 timestamp_ns;
	__u64 data[2];
};

/**
 * struct taihu_event_ring - card-to-driver events at TAIHU_BAR2_EVENT_OFFSET
 * @head: next slot the driver reads; written by the driver
 * @tail: next slot the card writes; written by the card after the record
 * @dropped: events lost because the ring was full
 * @reserved: zero
 * @entries: TAIHU_EVENT_RING_ENTRIES records, indexed modulo the size
 *
 * The card raises vector 0 after adding records.
 */
struct taihu_event_ring {
	__u32 head;
	__u32 tail;
	__u32 dropped;
	__u32 reserved;
	struct taihu_event entries[TAIHU_EVENT_RING_ENTRIES];
};

/**
 * struct taihu_queue_desc - one hardware queue, in the array of
 * TAIHU_MAX_QUEUES descriptors at TAIHU_BAR2_QUEUE_OFFSET
 * @ring_addr: VRAM offset of the ring of &struct taihu_ring_entry
 * @compl_addr: VRAM offset of the array of &struct taihu_completion, one
 *	per ring slot
 * @ring_entries: number of ring slots, a power of two
 * @tail: free-running producer index; written by the driver
 * @head: free-running consumer index; the card advances it after writing
 *	the entry's completion record
 * @status: 0 while healthy, else the &enum taihu_job_status_code that
 *	stopped the queue (a QUEUE_ERROR event says so too); QUEUE_DISABLE
 *	then QUEUE_ENABLE restarts it
 * @completed_seqno: seqno of the last completed entry; written by the card
 * @progress: free-running count of the steps the engine made (packets
 *	started, memory spans moved, kernel blocks computed, throttled
 *	slices waited); it stands still while a job hangs or waits for a
 *	semaphore. Written by the card (interface 1.6; zero before)
 * @reserved: zero
 *
 * The driver fills @ring_addr, @compl_addr and @ring_entries, then sends
 * QUEUE_ENABLE. To submit, it writes ring slot (tail % ring_entries),
 * advances @tail and kicks the queue's vector.
 */
struct taihu_queue_desc {
	__u64 ring_addr;
	__u64 compl_addr;
	__u32 ring_entries;
	__u32 tail;
	__u32 head;
	__u32 status;
	__u64 completed_seqno;
	__u64 progress;
	__u64 reserved[2];
};

/**
 * struct taihu_ring_entry - one job in a hardware queue
 * @cmd_addr: device address of the command stream
 * @cmd_len: length of the command stream in bytes, a multiple of 8
 * @context: device context the job runs in
 * @seqno: the driver's sequence number for the job, echoed in completion
 * @flags: TAIHU_RING_ENTRY_* (interface minor 7; zero before); a user
 *	queue's entries take TAIHU_UQ_ENTRY_IRQ instead. An unknown bit
 *	ends the entry with TAIHU_STATUS_INVALID_CMD.
 * @reserved: zero
 *
 * Completion interrupts of a hardware queue (interface minor 7): the card
 * raises the queue's vector after an entry whose @flags has
 * TAIHU_RING_ENTRY_IRQ, and when it finds its ring empty after ending
 * entries it has not raised the vector for; otherwise it goes on to the
 * next entry without one. It reads @flags again once the entry has ended,
 * after storing &taihu_queue_desc.head, with a full barrier in between: a
 * driver that sets the flag of an entry already written (even one that
 * runs), then (after a full barrier) reads head, either gets the interrupt
 * or sees the entry ended. Before minor 7 the card raised the vector only
 * when its ring ran empty.
 */
struct taihu_ring_entry {
	__u64 cmd_addr;
	__u32 cmd_len;
	__u32 context;
	__u64 seqno;
	__u32 flags;
	__u32 reserved;
};

/* &taihu_ring_entry.flags: raise the completion interrupt once it ended. */
#define TAIHU_RING_ENTRY_IRQ		_BITUL(0)
#define TAIHU_RING_ENTRY_FLAGS		TAIHU_RING_ENTRY_IRQ

/**
 * enum taihu_job_status_code - how a job ended, in &taihu_completion.status
 * @TAIHU_STATUS_SUCCESS: all packets executed
 * @TAIHU_STATUS_INVALID_CMD: unknown opcode, bad size or reserved bits set
 * @TAIHU_STATUS_DMA_ERROR: an address outside the card's reach
 * @TAIHU_STATUS_MMU_FAULT: an address outside the context's mappings
 * @TAIHU_STATUS_ABORTED: stopped by a reset or queue disable
 * @TAIHU_STATUS_INVALID_KERNEL: a KERNEL packet with malformed descriptors
 *	or parameters; &taihu_completion.error_reason says why
 * @TAIHU_STATUS_UNSUPPORTED: a KERNEL packet the running firmware does not
 *	enable (kernel, dtype, limits); &taihu_completion.error_reason says why
 */
enum taihu_job_status_code {
	TAIHU_STATUS_SUCCESS = 0,
	TAIHU_STATUS_INVALID_CMD = 1,
	TAIHU_STATUS_DMA_ERROR = 2,
	TAIHU_STATUS_MMU_FAULT = 3,
	TAIHU_STATUS_ABORTED = 4,
	TAIHU_STATUS_INVALID_KERNEL = 5,
	TAIHU_STATUS_UNSUPPORTED = 6,
};

/**
 * struct taihu_completion - the card's record of a finished ring entry
 * @seqno: &taihu_ring_entry.seqno
 * @status: &enum taihu_job_status_code
 * @error_offset: byte offset in the command stream of the failing packet
 * @start_ns: card clock when the job started
 * @end_ns: card clock when the job ended
 * @error_addr: the faulting address for DMA_ERROR and MMU_FAULT
 * @error_access: &enum taihu_access of the faulting access
 * @error_reason: for INVALID_KERNEL and UNSUPPORTED, the command stream's
 *	enum taihu_kernel_reason; else zero (interface minor 2)
 * @error_detail: with @error_reason, the command stream's
 *	TAIHU_KERNEL_DETAIL() word (kernel, operand, field); else zero
 * @reserved0: zero
 * @reserved: zero
 */
struct taihu_completion {
	__u64 seqno;
	__u32 status;
	__u32 error_offset;
	__u64 start_ns;
	__u64 end_ns;
	__u64 error_addr;
	__u32 error_access;
	__u32 error_reason;
	__u32 error_detail;
	__u32 reserved0;
	__u64 reserved;
};

/*
 * User queues (interface 1.5, with a firmware that has TAIHU_CARD_CAP_MMU):
 * rings a process writes itself, through a
 * mapping of VRAM, and that the card serves on a hardware queue's engine
 * next to that queue's own ring. The descriptor (&struct taihu_uq_desc, in
 * BAR2 at TAIHU_BAR2_UQ_OFFSET) belongs to the driver; the ring, the
 * completion array and the control words (&struct taihu_uq_ctrl) live in
 * VRAM the process can write, so the card trusts none of them: it keeps
 * its own head, runs every entry in the descriptor's context whatever
 * &taihu_ring_entry.context says, and stops the user queue (never the
 * hardware queue) on a tail more than ring_entries past its head, an entry
 * with bad fields, or a job that faults in the MMU.
 */
#define TAIHU_MAX_USER_QUEUES		32

/* &taihu_ring_entry.flags of a user queue entry: raise the queue's vector. */
#define TAIHU_UQ_ENTRY_IRQ		_BITUL(0)

/**
 * struct taihu_uq_ctrl - the control words of a user queue, in VRAM
 * @tail: free-running producer index; written by the process
 * @reserved0: ignored
 * @head: free-running consumer index; the card writes it after the
 *	entry's completion record
 * @status: 0 while the user queue runs, else the
 *	&enum taihu_job_status_code that stopped it; written by the card
 * @reserved1: ignored
 */
struct taihu_uq_ctrl {
	__u32 tail;
	__u32 reserved0[15];
	__u32 head;
	__u32 status;
	__u32 reserved1[14];
};

/**
 * struct taihu_uq_desc - one user queue, in the array of
 * TAIHU_MAX_USER_QUEUES descriptors at TAIHU_BAR2_UQ_OFFSET
 * @ring_addr: VRAM offset of the ring of &struct taihu_ring_entry
 * @compl_addr: VRAM offset of the &struct taihu_completion array
 * @ctrl_addr: VRAM offset of the &struct taihu_uq_ctrl
 * @ring_entries: ring slots, a power of two up to max_ring_entries
 * @context: the device context every entry runs in (1..TAIHU_MAX_CONTEXTS-1,
 *	existing at UQ_ENABLE)
 * @queue: the hardware queue whose engine serves the user queue
 * @status: written by the card: 0 while it runs, else the
 *	&enum taihu_job_status_code that stopped it
 * @head: written by the card: its own head, after the one in VRAM (the
 *	copy the driver trusts)
 * @runs: written by the card (interface 1.8): incremented before the
 *	engine starts an entry (odd: an entry runs and may still use
 *	translations made before a TLB_INVALIDATE answered) and again once the
 *	entry's last memory access is over (even); zero at UQ_ENABLE. Seen odd
 *	after a TLB_INVALIDATE of the context answered and different later,
 *	the entry that ran then no longer touches memory unmapped before it
 * @irq_head: written by the driver at any time (interface 1.10): the card
 *	raises @queue's interrupt when it writes this value to @head, whatever
 *	the entry's flags. The card reads it after each @head it writes (a full
 *	barrier between), so a driver that writes it and then reads @head
 *	either sees the head there or gets the interrupt
 * @reserved: zero
 *
 * The driver fills the first six fields, zeroes the control words and
 * sends UQ_ENABLE; the descriptor is copied then. A kick of @queue's
 * vector makes the engine scan its ring and then every user queue it
 * serves; it runs at most ring_entries entries of a user queue per scan
 * before looking at the others again.
 */
struct taihu_uq_desc {
	__u64 ring_addr;
	__u64 compl_addr;
	__u64 ctrl_addr;
	__u32 ring_entries;
	__u32 context;
	__u32 queue;
	__u32 status;
	__u32 head;
	__u32 runs;
	__u32 irq_head;
	__u32 reserved[3];
};

/**
 * struct taihu_mbox_uq - payload of UQ_ENABLE and UQ_DISABLE
 * @index: user queue, below TAIHU_MAX_USER_QUEUES
 * @reserved: zero
 */
struct taihu_mbox_uq {
	__u32 index;
	__u32 reserved;
};

/* Why the core clock is below its maximum (&taihu_sensor_page.throttle_reasons). */
#define TAIHU_THROTTLE_POWER_CAP	_BITULL(0)	/* average power above the cap */
#define TAIHU_THROTTLE_THERMAL		_BITULL(1)	/* temperature above temp_max */
#define TAIHU_THROTTLE_CRITICAL		_BITULL(2)	/* at temp_crit: lowest clock */

/**
 * struct taihu_sensor_page - the card's sensors at TAIHU_BAR2_SENSOR_OFFSET
 * (interface 1.2), refreshed by the card every @period_ms
 * @seq: a sequence lock: odd while the card updates the page; read the
 *	fields between two equal even values
 * @valid: 1 once the card's thermal and power model runs
 * @update_ns: card clock of the last update
 * @period_ms: update period, from the firmware's thermal table
 * @temp_mc: die temperature, millidegrees Celsius
 * @temp_max_mc: above it the card lowers its clock (firmware limit)
 * @temp_crit_mc: at it the card runs its lowest clock (firmware limit)
 * @temp_hyst_mc: the clock rises again below temp_max_mc - temp_hyst_mc
 * @power_uw: average board power over the last update period, microwatts
 * @power_cap_uw: the limit the card keeps the average power under
 * @power_cap_min_uw: lowest limit the firmware accepts
 * @power_cap_max_uw: highest limit the firmware accepts
 * @power_cap_default_uw: the firmware's limit after boot
 * @energy_uj: energy used since the card process started, microjoules
 * @voltage_mv: core voltage, millivolts
 * @core_clock_mhz: core clock now
 * @core_clock_max_mhz: highest core clock of the firmware's clock table
 * @mem_clock_mhz: memory clock now
 * @mem_clock_max_mhz: the firmware's memory clock
 * @throttle_reasons: TAIHU_THROTTLE_* now
 * @num_engines: engines (queues) the running firmware has
 * @throttled_ns: time spent with the core clock lowered by a limit
 * @ecc_corrected: corrected VRAM ECC errors since the card started
 * @ecc_uncorrected: uncorrected VRAM ECC errors since the card started
 * @busy_ns: time during which at least one engine ran a job
 * @util_permille: share of the last second with at least one engine busy
 * @reserved0: zero
 * @engine_busy_ns: per engine, time spent running jobs
 * @engine_util_permille: per engine, share of the last second it was busy
 * @reserved: zero
 */
struct taihu_sensor_page {
	__u32 seq;
	__u32 valid;
	__u64 update_ns;
	__u32 period_ms;
	__s32 temp_mc;
	__s32 temp_max_mc;
	__s32 temp_crit_mc;
	__u32 temp_hyst_mc;
	__u32 voltage_mv;
	__u64 power_uw;
	__u64 power_cap_uw;
	__u64 power_cap_min_uw;
	__u64 power_cap_max_uw;
	__u64 power_cap_default_uw;
	__u64 energy_uj;
	__u32 core_clock_mhz;
	__u32 core_clock_max_mhz;
	__u32 mem_clock_mhz;
	__u32 mem_clock_max_mhz;
	__u32 throttle_reasons;
	__u32 num_engines;
	__u64 throttled_ns;
	__u64 ecc_corrected;
	__u64 ecc_uncorrected;
	__u64 busy_ns;
	__u32 util_permille;
	__u32 reserved0;
	__u64 engine_busy_ns[TAIHU_MAX_QUEUES];
	__u32 engine_util_permille[TAIHU_MAX_QUEUES];
	__u64 reserved[16];
};

#endif /* __TAIHU_CARD_API_H__ */
