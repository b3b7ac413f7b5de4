/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The T1 command-stream format: the packets that userspace writes into a
 * command buffer and the card's engines execute. This is the firmware's ABI
 * towards userspace; the driver never parses command streams. It is owned
 * by firmware/, included by the card and by libtaihu, and installed with
 * libtaihu's headers.
 *
 * Every field is little-endian. Structures have explicit padding and fixed
 * sizes. A packet the running firmware does not enable, an unknown opcode,
 * a wrong size or a reserved bit set ends the job with
 * TAIHU_STATUS_INVALID_CMD at the packet's offset.
 */
#ifndef __TAIHU_CMDSTREAM_H__
#define __TAIHU_CMDSTREAM_H__

#include <linux/types.h>

/*
 * Command stream: a sequence of packets, each starting with a
 * struct taihu_pkt_header and sized in multiples of 8 bytes.
 */

/**
 * enum taihu_pkt_opcode - command stream packet opcodes
 * @TAIHU_PKT_NOP: no operation; skips &taihu_pkt_header.size bytes
 * @TAIHU_PKT_FILL: &struct taihu_pkt_fill
 * @TAIHU_PKT_COPY: &struct taihu_pkt_copy
 * @TAIHU_PKT_TIMESTAMP: &struct taihu_pkt_timestamp
 * @TAIHU_PKT_SEM_SIGNAL: &struct taihu_pkt_sem_signal
 * @TAIHU_PKT_SEM_WAIT: &struct taihu_pkt_sem_wait
 * @TAIHU_PKT_BARRIER: &struct taihu_pkt_barrier
 */
enum taihu_pkt_opcode {
	TAIHU_PKT_NOP = 0,
	TAIHU_PKT_FILL = 1,
	TAIHU_PKT_COPY = 2,
	TAIHU_PKT_TIMESTAMP = 3,
	TAIHU_PKT_SEM_SIGNAL = 4,
	TAIHU_PKT_SEM_WAIT = 5,
	TAIHU_PKT_BARRIER = 6,
};

/**
 * struct taihu_pkt_header - first 8 bytes of every packet
 * @opcode: &enum taihu_pkt_opcode
 * @flags: zero
 * @size: size of the whole packet in bytes, a multiple of 8, at least 8
 * @reserved: zero
 */
struct taihu_pkt_header {
	__u8 opcode;
	__u8 flags;
	__u16 size;
	__u32 reserved;
};

/**
 * struct taihu_pkt_fill - fill device memory with a 32-bit pattern
 * @hdr: opcode TAIHU_PKT_FILL, size 32
 * @dst: destination device address
 * @size: bytes to fill; the pattern repeats, a tail gets its first bytes
 * @value: the pattern
 * @reserved: zero
 */
struct taihu_pkt_fill {
	struct taihu_pkt_header hdr;
	__u64 dst;
	__u64 size;
	__u32 value;
	__u32 reserved;
};

/**
 * struct taihu_pkt_copy - copy between two device addresses
 * @hdr: opcode TAIHU_PKT_COPY, size 32
 * @src: source device address
 * @dst: destination device address
 * @size: bytes to copy; overlapping ranges behave like memmove()
 */
struct taihu_pkt_copy {
	struct taihu_pkt_header hdr;
	__u64 src;
	__u64 dst;
	__u64 size;
};

/**
 * struct taihu_pkt_timestamp - write the card clock (ns, 64-bit) to memory
 * @hdr: opcode TAIHU_PKT_TIMESTAMP, size 16
 * @dst: destination device address, 8-byte aligned
 */
struct taihu_pkt_timestamp {
	struct taihu_pkt_header hdr;
	__u64 dst;
};

/**
 * enum taihu_sem_op - how SEM_SIGNAL updates the semaphore
 * @TAIHU_SEM_SET: store the value
 * @TAIHU_SEM_ADD: add the value atomically
 */
enum taihu_sem_op {
	TAIHU_SEM_SET = 0,
	TAIHU_SEM_ADD = 1,
};

/**
 * struct taihu_pkt_sem_signal - update a 64-bit semaphore in device memory
 * @hdr: opcode TAIHU_PKT_SEM_SIGNAL, size 32
 * @addr: device address of the semaphore, 8-byte aligned
 * @value: the operand
 * @op: &enum taihu_sem_op
 * @reserved: zero
 *
 * All writes of the job before the packet are visible before the update,
 * and engines waiting on the semaphore re-check it.
 */
struct taihu_pkt_sem_signal {
	struct taihu_pkt_header hdr;
	__u64 addr;
	__u64 value;
	__u32 op;
	__u32 reserved;
};

/**
 * enum taihu_sem_cond - when SEM_WAIT lets the job go on
 * @TAIHU_SEM_GEQUAL: the semaphore is at least the value
 * @TAIHU_SEM_EQUAL: the semaphore equals the value
 */
enum taihu_sem_cond {
	TAIHU_SEM_GEQUAL = 0,
	TAIHU_SEM_EQUAL = 1,
};

/**
 * struct taihu_pkt_sem_wait - stall the queue until a semaphore condition
 * @hdr: opcode TAIHU_PKT_SEM_WAIT, size 32
 * @addr: device address of the semaphore, 8-byte aligned
 * @value: the operand
 * @cond: &enum taihu_sem_cond
 * @reserved: zero
 *
 * The engine stalls until the condition holds; QUEUE_DISABLE and RESET end
 * the stall with TAIHU_STATUS_ABORTED. Writes of other engines made before
 * the signal that satisfied the condition are visible after the wait.
 */
struct taihu_pkt_sem_wait {
	struct taihu_pkt_header hdr;
	__u64 addr;
	__u64 value;
	__u32 cond;
	__u32 reserved;
};

/**
 * struct taihu_pkt_barrier - order memory effects
 * @hdr: opcode TAIHU_PKT_BARRIER, size 8
 *
 * Every write of the job before the barrier is visible to every engine and
 * to the host before any packet after it executes.
 */
struct taihu_pkt_barrier {
	struct taihu_pkt_header hdr;
};

#endif /* __TAIHU_CMDSTREAM_H__ */
