/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * Copyright (C) 2026 The Taihu authors
 */
#ifndef __UAPI_TAIHU_ACCEL_H__
#define __UAPI_TAIHU_ACCEL_H__

#include "drm.h"
#include <linux/const.h>

#if defined(__cplusplus)
extern "C" {
#endif

#define DRM_TAIHU_QUERY			0x00
#define DRM_TAIHU_BO_CREATE		0x01
#define DRM_TAIHU_BO_INFO		0x02
#define DRM_TAIHU_SUBMIT		0x03
#define DRM_TAIHU_WAIT			0x04
#define DRM_TAIHU_SUBMIT_BATCH		0x05
#define DRM_TAIHU_UQ_CREATE		0x08
#define DRM_TAIHU_UQ_DESTROY		0x09
#define DRM_TAIHU_UQ_KICK		0x0a
#define DRM_TAIHU_UQ_WAIT		0x0b

#define DRM_IOCTL_TAIHU_QUERY \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_TAIHU_QUERY, struct drm_taihu_query)
#define DRM_IOCTL_TAIHU_BO_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_TAIHU_BO_CREATE, struct drm_taihu_bo_create)
#define DRM_IOCTL_TAIHU_BO_INFO \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_TAIHU_BO_INFO, struct drm_taihu_bo_info)
#define DRM_IOCTL_TAIHU_SUBMIT \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_TAIHU_SUBMIT, struct drm_taihu_submit)
#define DRM_IOCTL_TAIHU_WAIT \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_TAIHU_WAIT, struct drm_taihu_wait)
#define DRM_IOCTL_TAIHU_SUBMIT_BATCH \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_TAIHU_SUBMIT_BATCH, \
		 struct drm_taihu_submit_batch)
#define DRM_IOCTL_TAIHU_UQ_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_TAIHU_UQ_CREATE, struct drm_taihu_uq_create)
#define DRM_IOCTL_TAIHU_UQ_DESTROY \
	DRM_IOW(DRM_COMMAND_BASE + DRM_TAIHU_UQ_DESTROY, struct drm_taihu_uq_destroy)
#define DRM_IOCTL_TAIHU_UQ_KICK \
	DRM_IOW(DRM_COMMAND_BASE + DRM_TAIHU_UQ_KICK, struct drm_taihu_uq_kick)
#define DRM_IOCTL_TAIHU_UQ_WAIT \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_TAIHU_UQ_WAIT, struct drm_taihu_uq_wait)

/**
 * DOC: Taihu accelerator ABI
 *
 * Every structure has explicit padding. Reserved fields, pads and unknown
 * flag bits must be zero; the driver rejects anything else with -EINVAL.
 * Queries negotiate their size so that structures can grow at the end.
 */

/**
 * enum drm_taihu_query_id - what &drm_taihu_query.query asks for
 * @DRM_TAIHU_QUERY_DEVICE_INFO: &struct drm_taihu_device_info
 * @DRM_TAIHU_QUERY_CONTEXT_INFO: &struct drm_taihu_context_info of the
 *	calling file's device context
 * @DRM_TAIHU_QUERY_KERNELS: &struct drm_taihu_kernels, the inference
 *	kernels the running firmware enables
 */
enum drm_taihu_query_id {
	DRM_TAIHU_QUERY_DEVICE_INFO = 0,
	DRM_TAIHU_QUERY_CONTEXT_INFO = 1,
	DRM_TAIHU_QUERY_KERNELS = 2,
};

/**
 * struct drm_taihu_query - read a device property block
 * @query: &enum drm_taihu_query_id
 * @size: in: bytes available at @data, or 0 to learn the size; out: the
 *	size of the kernel's structure. When @size is smaller than the
 *	kernel's structure, only @size bytes are copied; when larger, the
 *	bytes beyond the kernel's structure are left untouched.
 * @data: user pointer to the result structure
 */
struct drm_taihu_query {
	__u32 query;
	__u32 size;
	__u64 data;
};

/*
 * Hardware queues a device may have: &drm_taihu_device_info.num_queues
 * never exceeds it, so userspace can size per-queue arrays.
 */
#define DRM_TAIHU_MAX_QUEUES		8

/*
 * The card's page: every device address handed out and every buffer size
 * is a multiple of it (buffer sizes are rounded up to it, or to the CPU's
 * page where that is larger).
 */
#define DRM_TAIHU_PAGE_SIZE		4096

/* Capability bits of &drm_taihu_device_info.capabilities. */
#define DRM_TAIHU_CAP_NOP		_BITULL(0)
#define DRM_TAIHU_CAP_FILL		_BITULL(1)
#define DRM_TAIHU_CAP_COPY		_BITULL(2)
#define DRM_TAIHU_CAP_TIMESTAMP		_BITULL(3)
#define DRM_TAIHU_CAP_MMU		_BITULL(4)
#define DRM_TAIHU_CAP_SEMAPHORE		_BITULL(5)
#define DRM_TAIHU_CAP_BARRIER		_BITULL(6)
#define DRM_TAIHU_CAP_KERNEL		_BITULL(7)
/* User-mode submission queues (DRM_IOCTL_TAIHU_UQ_CREATE) are available. */
#define DRM_TAIHU_CAP_USER_QUEUES	_BITULL(8)
/*
 * DRM_IOCTL_TAIHU_UQ_WAIT asks the card for the interrupt it sleeps for:
 * user-queue entries need no DRM_TAIHU_UQ_ENTRY_IRQ to wake a waiter.
 */
#define DRM_TAIHU_CAP_UQ_WAIT_IRQ	_BITULL(9)

/**
 * struct drm_taihu_device_info - DRM_TAIHU_QUERY_DEVICE_INFO result
 * @device_id: card model (0x0001 for T1)
 * @revision: silicon revision
 * @vram_size: total VRAM in bytes
 * @vram_used: VRAM allocated now, including the driver's own
 * @fw_version: firmware version, (major << 16 | minor << 8 | patch)
 * @fw_abi_major: firmware ABI major
 * @fw_abi_minor: firmware ABI minor
 * @card_if_major: driver/card interface major
 * @card_if_minor: driver/card interface minor
 * @num_queues: hardware queues available for submission, at most
 *	DRM_TAIHU_MAX_QUEUES
 * @reserved0: zero
 * @capabilities: DRM_TAIHU_CAP_* bits
 * @fw_version_str: NUL-terminated firmware version string
 * @serial: NUL-terminated board serial number
 * @host_used: system memory held by buffer objects of this device
 * @va_size: size of each context's device virtual address space; every
 *	device address handed out is below it (and at least 4 GiB)
 * @max_inflight: jobs a file may have submitted and not yet ended on each
 *	hardware queue; one more SUBMIT to that queue waits for one of them
 *	to end (or fails with -EAGAIN under DRM_TAIHU_SUBMIT_NONBLOCK)
 * @reserved1: zero
 * @max_cmd_len: longest command stream the running firmware accepts, in
 *	bytes; a longer one fails its job with DRM_TAIHU_JOB_INVALID_CMD
 * @ring_entries: entries of each hardware queue's ring
 */
struct drm_taihu_device_info {
	__u32 device_id;
	__u32 revision;
	__u64 vram_size;
	__u64 vram_used;
	__u32 fw_version;
	__u16 fw_abi_major;
	__u16 fw_abi_minor;
	__u32 card_if_major;
	__u32 card_if_minor;
	__u32 num_queues;
	__u32 reserved0;
	__u64 capabilities;
	char fw_version_str[32];
	char serial[32];
	__u64 host_used;
	__u64 va_size;
	__u32 max_inflight;
	__u32 reserved1;
	__u32 max_cmd_len;
	__u32 ring_entries;
};

/* Entries of &drm_taihu_kernels.kernels. */
#define DRM_TAIHU_MAX_KERNELS		32

/**
 * struct drm_taihu_kernel_caps - one inference kernel the firmware enables
 * @kernel: the kernel id of the command-stream format (enum taihu_kernel of
 *	taihu_cmdstream.h, installed with libtaihu)
 * @dtypes: bit (1 << dtype) for each enum taihu_dtype the kernel computes
 *	in (the dtype of its first input; CAST: of both sides)
 * @max_rank: largest rank of any of its tensors
 * @max_dim: largest dimension of any of its tensors
 * @max_elems: most elements of any one of its tensors
 *
 * A KERNEL packet outside these ends its job with
 * DRM_TAIHU_JOB_UNSUPPORTED and a reason (&drm_taihu_wait.error_reason).
 */
struct drm_taihu_kernel_caps {
	__u32 kernel;
	__u32 dtypes;
	__u32 max_rank;
	__u32 max_dim;
	__u64 max_elems;
};

/**
 * struct drm_taihu_kernels - DRM_TAIHU_QUERY_KERNELS result
 * @count: entries used in @kernels (0 when the firmware has no
 *	DRM_TAIHU_CAP_KERNEL)
 * @reserved: zero
 * @kernels: the enabled kernels, in the firmware's order
 */
struct drm_taihu_kernels {
	__u32 count;
	__u32 reserved;
	struct drm_taihu_kernel_caps kernels[DRM_TAIHU_MAX_KERNELS];
};

/* Flags of &drm_taihu_context_info.flags. */
#define DRM_TAIHU_CONTEXT_FAULTED	_BITULL(0)
#define DRM_TAIHU_CONTEXT_BANNED	_BITULL(1)

/**
 * struct drm_taihu_context_info - DRM_TAIHU_QUERY_CONTEXT_INFO result
 * @context_id: the device context of the calling file
 * @reserved0: zero
 * @flags: DRM_TAIHU_CONTEXT_* bits. A context is marked faulted by its first
 *	MMU fault; from then on its SUBMITs fail with -EIO and its queued jobs
 *	end with DRM_TAIHU_JOB_CANCELLED. Other contexts are not affected.
 *	A context is banned once one of its jobs hung (ended with
 *	DRM_TAIHU_JOB_TIMEOUT): from then on its SUBMITs fail with
 *	-ECANCELED and its jobs not yet on the card end with
 *	DRM_TAIHU_JOB_CANCELLED (those the card already had run on). Other
 *	contexts are not affected; a new open gets a new context.
 * @fault_addr: device virtual address of the first fault
 * @fault_access: &enum drm_taihu_access of the first fault
 * @reserved1: zero
 * @vram_used: VRAM held by the buffer objects of this file
 * @host_used: system memory held by the buffer objects of this file
 */
struct drm_taihu_context_info {
	__u32 context_id;
	__u32 reserved0;
	__u64 flags;
	__u64 fault_addr;
	__u32 fault_access;
	__u32 reserved1;
	__u64 vram_used;
	__u64 host_used;
};

/**
 * enum drm_taihu_placement - where a buffer object lives
 * @DRM_TAIHU_PLACEMENT_VRAM: on-card memory, CPU-mapped write-combined.
 *	It can be shared through PRIME with other files of the same device
 *	only: importing it into any other device fails with -EOPNOTSUPP, and
 *	so does mmap() of its dma-buf (map it through the device file)
 * @DRM_TAIHU_PLACEMENT_HOST: system memory, CPU-mapped cached; pinned and
 *	mapped for the card when a job first uses it, until it is freed.
 *	It can be shared through PRIME with other files and other devices,
 *	and buffers imported from other devices have this placement
 */
enum drm_taihu_placement {
	DRM_TAIHU_PLACEMENT_VRAM = 0,
	DRM_TAIHU_PLACEMENT_HOST = 1,
};

/**
 * struct drm_taihu_bo_create - create a buffer object
 * @size: in: size in bytes, rounded up to the page size; out: that size
 * @placement: &enum drm_taihu_placement
 * @flags: zero
 * @handle: out: GEM handle
 * @pad: zero
 * @dev_addr: out: the device virtual address of the buffer in the calling
 *	file's context; a buffer shared with another file (PRIME) has
 *	another address there
 */
struct drm_taihu_bo_create {
	__u64 size;
	__u32 placement;
	__u32 flags;
	__u32 handle;
	__u32 pad;
	__u64 dev_addr;
};

/**
 * struct drm_taihu_bo_info - describe a buffer object
 * @handle: GEM handle
 * @pad: zero
 * @mmap_offset: out: offset to pass to mmap() on the device file
 * @dev_addr: out: device virtual address in the calling file's context
 * @size: out: size in bytes
 * @placement: out: &enum drm_taihu_placement
 * @flags: out: creation flags
 */
struct drm_taihu_bo_info {
	__u32 handle;
	__u32 pad;
	__u64 mmap_offset;
	__u64 dev_addr;
	__u64 size;
	__u32 placement;
	__u32 flags;
};

/**
 * enum drm_taihu_priority - scheduling priority of a submission
 * @DRM_TAIHU_PRIORITY_LOW: background work
 * @DRM_TAIHU_PRIORITY_NORMAL: the default
 * @DRM_TAIHU_PRIORITY_HIGH: latency-sensitive work
 */
enum drm_taihu_priority {
	DRM_TAIHU_PRIORITY_LOW = 0,
	DRM_TAIHU_PRIORITY_NORMAL = 1,
	DRM_TAIHU_PRIORITY_HIGH = 2,
};

/**
 * struct drm_taihu_sync - a syncobj and, for timelines, a point
 * @handle: syncobj handle
 * @pad: zero
 * @point: timeline point, or 0 for a binary syncobj
 */
struct drm_taihu_sync {
	__u32 handle;
	__u32 pad;
	__u64 point;
};

/* Limits of one &struct drm_taihu_submit. */
#define DRM_TAIHU_MAX_SUBMIT_BOS	4096	/* &drm_taihu_submit.bo_count */
#define DRM_TAIHU_MAX_IN_SYNCS		256	/* &drm_taihu_submit.in_sync_count */

/* Flags of &drm_taihu_submit.flags. */
#define DRM_TAIHU_SUBMIT_NONBLOCK	_BITUL(0)

/**
 * struct drm_taihu_submit - queue a command stream for execution
 * @queue: hardware queue, below &drm_taihu_device_info.num_queues
 * @priority: &enum drm_taihu_priority
 * @flags: DRM_TAIHU_SUBMIT_* bits. When the file already has
 *	&drm_taihu_device_info.max_inflight jobs not ended on @queue, SUBMIT
 *	waits (interruptibly) for one to end, or fails with -EAGAIN under
 *	DRM_TAIHU_SUBMIT_NONBLOCK
 * @cmd_handle: GEM handle of the buffer holding the command stream
 * @cmd_offset: byte offset of the stream in that buffer, 8-byte aligned
 * @cmd_len: stream length in bytes, a non-zero multiple of 8
 * @bo_count: entries at @bo_handles, at most DRM_TAIHU_MAX_SUBMIT_BOS
 * @bo_handles: user pointer to __u32 GEM handles the job uses; the job
 *	waits for and then fences their reservations as a writer. The
 *	command buffer itself is only read: it need not be listed
 * @in_syncs: user pointer to &struct drm_taihu_sync the job waits for;
 *	each must already have a fence (or, for a timeline, the point)
 * @in_sync_count: entries at @in_syncs, at most DRM_TAIHU_MAX_IN_SYNCS
 * @out_sync_handle: syncobj signalled when the job ends, or 0 for none
 * @out_sync_point: timeline point to signal, or 0 for a binary syncobj
 * @seqno: out: the job's sequence number in this file, for
 *	DRM_IOCTL_TAIHU_WAIT; 1 for the file's first job, then one more for
 *	each successful SUBMIT of the file, whatever the queue
 *
 * Jobs of one queue run one after the other in the order they reach the
 * card, which for one file and priority is the order of their SUBMITs
 * (once their in-syncs have signalled); different queues run in parallel.
 * The out-syncobj and the buffers' reservations get the job's fence, which
 * signals when the job ends, whatever its status (an error is set on it
 * for any status but success).
 *
 * Returns 0; -EINVAL for an unknown flag, queue or priority, a zero,
 * unaligned or out-of-range command stream, a set pad, a point without an
 * out-syncobj, or an in-syncobj without a fence (or point); -E2BIG for
 * more than DRM_TAIHU_MAX_SUBMIT_BOS buffers or DRM_TAIHU_MAX_IN_SYNCS
 * in-syncs; -ENOENT for a GEM or syncobj
 * handle that this file does not have; -EFAULT for an unreadable array;
 * -EAGAIN at the in-flight limit with DRM_TAIHU_SUBMIT_NONBLOCK;
 * -ERESTARTSYS when a wait for the limit is interrupted; -EIO once the
 * file's context has faulted; -ECANCELED once it is banned (one of its
 * jobs hung: &drm_taihu_context_info.flags); -ENODEV once the device is
 * gone; -ENOMEM.
 * Whatever only the card can judge (unknown opcodes, truncated packets,
 * bad addresses) ends the job with a status instead.
 */
struct drm_taihu_submit {
	__u32 queue;
	__u32 priority;
	__u32 flags;
	__u32 cmd_handle;
	__u64 cmd_offset;
	__u32 cmd_len;
	__u32 bo_count;
	__u64 bo_handles;
	__u64 in_syncs;
	__u32 in_sync_count;
	__u32 out_sync_handle;
	__u64 out_sync_point;
	__u64 seqno;
};

/* Limit of &drm_taihu_submit_batch.count. */
#define DRM_TAIHU_MAX_BATCH_JOBS	256

/**
 * struct drm_taihu_submit_batch - queue several jobs in one call
 * @jobs: user pointer to @count &struct drm_taihu_submit, @stride bytes
 *	apart; each is read and checked exactly as by SUBMIT and, when it is
 *	queued, gets its &drm_taihu_submit.seqno written back
 * @errors: user pointer to @count __s32: out, for each job tried, 0 if it
 *	was queued or the negative errno SUBMIT would have returned for it
 * @count: jobs at @jobs, 1 to DRM_TAIHU_MAX_BATCH_JOBS
 * @stride: bytes from one job to the next, a multiple of 8 and at least
 *	sizeof(struct drm_taihu_submit); the driver reads the first
 *	sizeof(struct drm_taihu_submit) bytes of each
 * @flags: zero (each job has its own &drm_taihu_submit.flags)
 * @processed: in: zero; out: jobs tried, from the first, each with its
 *	@errors entry (and seqno when queued)
 *
 * The jobs are queued in array order, so for one queue and priority they
 * run in that order, and their seqnos increase with it. A job that fails
 * does not stop the others: it gets its errno in @errors and no seqno.
 * The batch stops early (@processed < @count) when a signal interrupts a
 * job's wait for the in-flight limit (that job's error is -EINTR) or when
 * @jobs or @errors cannot be read or written.
 *
 * Returns 0 once any job was tried (read each job's @errors entry);
 * -EINVAL for a non-zero @flags or @processed, a zero @count or a bad
 * @stride; -E2BIG for more than DRM_TAIHU_MAX_BATCH_JOBS jobs; -EFAULT
 * when the first job or its @errors entry is unreachable; -ERESTARTSYS
 * when the first job's wait for the in-flight limit is interrupted;
 * -ENODEV once the device is gone.
 */
struct drm_taihu_submit_batch {
	__u64 jobs;
	__u64 errors;
	__u32 count;
	__u32 stride;
	__u32 flags;
	__u32 processed;
};

/**
 * enum drm_taihu_job_status - how a job ended
 * @DRM_TAIHU_JOB_SUCCESS: completed
 * @DRM_TAIHU_JOB_INVALID_CMD: the card found a malformed command stream
 * @DRM_TAIHU_JOB_DMA_ERROR: the stream named an address the card cannot reach
 * @DRM_TAIHU_JOB_MMU_FAULT: the stream named an address outside the
 *	context's mappings
 * @DRM_TAIHU_JOB_TIMEOUT: the job made no progress on the card for the job
 *	timeout (sysfs job_timeout_ms, 5 s by default) and was aborted by a
 *	reset of its queue; the jobs behind it on the queue run on, and its
 *	context is banned (DRM_TAIHU_CONTEXT_BANNED)
 * @DRM_TAIHU_JOB_CANCELLED: the job did not run to its end: aborted by a
 *	card reset or unplug, not run because its context faulted or was
 *	banned or its file was closed first. (A job whose in-syncobj ended
 *	with an error still runs: dependencies order jobs, they do not chain
 *	failures.)
 * @DRM_TAIHU_JOB_INVALID_KERNEL: a KERNEL packet with malformed tensor
 *	descriptors or parameters (&drm_taihu_wait.error_reason says why)
 * @DRM_TAIHU_JOB_UNSUPPORTED: a KERNEL packet the running firmware does
 *	not enable: kernel, dtype or limits (&drm_taihu_wait.error_reason)
 */
enum drm_taihu_job_status {
	DRM_TAIHU_JOB_SUCCESS = 0,
	DRM_TAIHU_JOB_INVALID_CMD = 1,
	DRM_TAIHU_JOB_DMA_ERROR = 2,
	DRM_TAIHU_JOB_MMU_FAULT = 3,
	DRM_TAIHU_JOB_TIMEOUT = 4,
	DRM_TAIHU_JOB_CANCELLED = 5,
	DRM_TAIHU_JOB_INVALID_KERNEL = 6,
	DRM_TAIHU_JOB_UNSUPPORTED = 7,
};

/**
 * enum drm_taihu_access - the kind of access that faulted
 * @DRM_TAIHU_ACCESS_READ: a read
 * @DRM_TAIHU_ACCESS_WRITE: a write
 */
enum drm_taihu_access {
	DRM_TAIHU_ACCESS_READ = 0,
	DRM_TAIHU_ACCESS_WRITE = 1,
};

/* Flags of &drm_taihu_wait.flags. */
#define DRM_TAIHU_WAIT_BO		_BITUL(0)

/**
 * struct drm_taihu_wait - wait for a job and read how it ended
 * @seqno: &drm_taihu_submit.seqno of a job of this file; zero with
 *	DRM_TAIHU_WAIT_BO
 * @timeout_ns: absolute CLOCK_MONOTONIC deadline in ns; a deadline that
 *	has passed (0 for instance) polls
 * @flags: DRM_TAIHU_WAIT_* bits. With DRM_TAIHU_WAIT_BO, waits for every
 *	fence on the reservation of the buffer @handle (the jobs of any file
 *	that list it or read their commands from it, and whatever else a
 *	PRIME exporter put there), then reports the Taihu job among them
 *	that ended last; a buffer no job has used reports success with zero
 *	timestamps and addresses
 * @handle: GEM handle, with DRM_TAIHU_WAIT_BO; else zero
 * @status: out: &enum drm_taihu_job_status
 * @error_offset: out: byte offset in the stream of the failing packet
 * @start_ns: out: card clock when the job started
 * @end_ns: out: card clock when the job ended
 * @error_addr: out: faulting address, for DMA_ERROR and MMU_FAULT
 * @error_access: out: &enum drm_taihu_access, for MMU_FAULT
 * @pad: zero
 * @error_reason: out: for INVALID_KERNEL and UNSUPPORTED, the command
 *	stream's enum taihu_kernel_reason (taihu_cmdstream.h); else 0
 * @error_detail: out: with @error_reason, the TAIHU_KERNEL_DETAIL() word of
 *	taihu_cmdstream.h: kernel id, operand and field; else 0
 *
 * A caller built before @error_reason existed passes the structure without
 * it (the ioctl's size says so) and gets everything else.
 *
 * Returns 0 once the job (or every job of the buffer) has ended, -ETIME if
 * not by @timeout_ns (the out fields are then untouched), -EINVAL for an
 * unknown flag, a set pad, a @handle without DRM_TAIHU_WAIT_BO or a
 * @seqno with it, -ENOENT if @handle is not a GEM handle of this file or
 * @seqno names no job whose result this file still holds, -ENODEV once
 * the device is gone, and -ERESTARTSYS if interrupted. The driver holds
 * the result of every job of the file that has not ended and of at least
 * the 4096 that ended last; older results are dropped at SUBMIT.
 */
struct drm_taihu_wait {
	__u64 seqno;
	__s64 timeout_ns;
	__u32 flags;
	__u32 handle;
	__u32 status;
	__u32 error_offset;
	__u64 start_ns;
	__u64 end_ns;
	__u64 error_addr;
	__u32 error_access;
	__u32 pad;
	__u32 error_reason;
	__u32 error_detail;
};

/**
 * DOC: User-mode submission queues
 *
 * A user queue is a ring of jobs that a process writes itself, in memory
 * mapped into it, and that the card serves without a system call per job:
 * the process writes entries (&struct drm_taihu_uq_entry) and then the
 * tail (&struct drm_taihu_uq_ctrl), makes one DRM_IOCTL_TAIHU_UQ_KICK for
 * the whole batch, and reads completions (&struct drm_taihu_uq_completion)
 * and the head from the same mapping. DRM_IOCTL_TAIHU_UQ_WAIT sleeps until
 * the head passes a point. With DRM_TAIHU_CAP_UQ_WAIT_IRQ, UQ_WAIT asks the
 * card for the interrupt itself, so a process that polls the head raises
 * no interrupt at all; without it the card raises one only for an entry
 * with DRM_TAIHU_UQ_ENTRY_IRQ, and a waiter must have asked for one on the
 * entry it waits for (or a later one). Available when
 * &drm_taihu_device_info.capabilities has DRM_TAIHU_CAP_USER_QUEUES.
 *
 * The mapping: DRM_IOCTL_TAIHU_UQ_CREATE returns an offset for mmap() on
 * the device file (shared, read and write) and its size: the control words
 * at offset 0, the ring at &drm_taihu_uq_create.ring_offset, the
 * completion array at &drm_taihu_uq_create.compl_offset (one record per
 * ring slot). The memory is VRAM of its own, not a buffer object: no
 * handle, no device address, no job of any context can reach it.
 *
 * Security model. Everything in the mapping is the process's to write, and
 * the card trusts none of it:
 *
 * - Every entry runs in the device context of the file that created the
 *   queue, whatever the entry says; the kernel writes that context into
 *   the queue's descriptor, which lives in the card's control pages, never
 *   in memory a process can map. A job can reach only what that context
 *   maps, as a SUBMIT's can: an address outside it is an MMU fault.
 * - The card keeps its own head and copies each entry before it looks at
 *   it. A tail more than &drm_taihu_uq_create.entries ahead of the head,
 *   an entry with unknown flags or reserved bits set, or a job that ends
 *   with an MMU fault stops that user queue: its status becomes non-zero
 *   (in &drm_taihu_uq_ctrl.status and from UQ_WAIT) and it runs nothing
 *   more; the hardware queue, its other user queues and every other
 *   process go on. Other job failures (malformed packets, a bad kernel)
 *   end the job with a status in its completion record, as for SUBMIT.
 * - An MMU fault of the context, from any of its user queues, stops all
 *   its user queues (DRM_TAIHU_JOB_MMU_FAULT).
 * - The kernel watches each user queue: kicked entries that make no
 *   progress for the job timeout (5 s) stop the user queue with
 *   DRM_TAIHU_JOB_TIMEOUT and abort the job that runs; a netlink
 *   JOB_TIMEOUT event names the context and the hardware queue.
 * - A card reset or a dead card stops every user queue with
 *   DRM_TAIHU_JOB_CANCELLED (the jobs in flight are not run again, unlike
 *   SUBMIT's); create new ones after a reset.
 * - Closing the file (or UQ_DESTROY) stops the queue, aborting the job that
 *   runs, before its memory is released; an existing mapping keeps the
 *   memory alive (it is never handed to anybody else while mapped).
 * - Limits: DRM_TAIHU_MAX_UQ_PER_FILE user queues per file, and the card's
 *   32 per device.
 * - Freeing memory a job still uses: the kernel does not know which
 *   buffers a queued job uses, so a process may close the last handle of a
 *   buffer while an entry of one of its user queues still reads or writes
 *   it. The unmap invalidates the card's TLB, so every later access faults
 *   (DRM_TAIHU_JOB_MMU_FAULT, which stops the context's user queues); and
 *   the memory (the buffer's VRAM or pinned host pages, and page tables
 *   the unmap frees) is held, not given to anybody else, until every entry
 *   of the context's user queues that was running at the unmap has ended,
 *   or its user queue was stopped on the card, or the card was reset. So
 *   the freed memory never reaches another process or the kernel while
 *   the card may still touch it. A card of interface 1.8 on says when an
 *   entry runs, and a context whose user queues are idle frees at once;
 *   with an older card the memory is held until each of the context's
 *   user queues has completed one more entry or is destroyed. Held memory
 *   still counts in &drm_taihu_device_info.vram_used.
 * - Host buffers are mapped for the card when a SUBMIT first uses them:
 *   a user-queue job can reach VRAM buffers, and host buffers that a
 *   SUBMIT has used, only.
 * - Jobs of user queues have no syncobjs, no fences on buffer
 *   reservations, and do not count in fdinfo; DRM_IOCTL_TAIHU_WAIT does not
 *   know them.
 */

/* Most user queues one file may have. */
#define DRM_TAIHU_MAX_UQ_PER_FILE	4

/**
 * struct drm_taihu_uq_create - create a user queue
 * @queue: hardware queue whose engine serves it, below
 *	&drm_taihu_device_info.num_queues; the engine runs its own ring and
 *	its user queues one job at a time
 * @entries: ring slots, a power of two from 2 to
 *	&drm_taihu_device_info.ring_entries
 * @flags: zero
 * @handle: out: the user queue's handle in this file (not a GEM handle)
 * @mmap_offset: out: the offset to pass to mmap() on the device file
 * @mmap_size: out: bytes to map
 * @ring_offset: out: byte offset of the ring in the mapping
 * @compl_offset: out: byte offset of the completion array in the mapping
 *
 * Returns 0; -EOPNOTSUPP without DRM_TAIHU_CAP_USER_QUEUES; -EINVAL for a
 * bad @queue, @entries or @flags; -ENOSPC beyond
 * DRM_TAIHU_MAX_UQ_PER_FILE or when the card's user queues are all in use;
 * -EIO once the file's context has faulted; -ENOMEM; -ENODEV once the
 * device is gone.
 */
struct drm_taihu_uq_create {
	__u32 queue;
	__u32 entries;
	__u32 flags;
	__u32 handle;
	__u64 mmap_offset;
	__u64 mmap_size;
	__u32 ring_offset;
	__u32 compl_offset;
};

/**
 * struct drm_taihu_uq_destroy - stop a user queue and release it
 * @handle: from DRM_IOCTL_TAIHU_UQ_CREATE
 * @pad: zero
 *
 * The job that runs is aborted; entries not started are not run. Returns
 * 0, -ENOENT for an unknown @handle, -EINVAL for a set @pad.
 */
struct drm_taihu_uq_destroy {
	__u32 handle;
	__u32 pad;
};

/**
 * struct drm_taihu_uq_kick - make the card look at a user queue
 * @handle: from DRM_IOCTL_TAIHU_UQ_CREATE
 * @pad: zero
 *
 * Write the entries and then &drm_taihu_uq_ctrl.tail first. Kicks
 * coalesce: one for any number of entries. Returns 0 (also for a stopped
 * queue, which ignores it), -ENOENT for an unknown @handle, -EINVAL for a
 * set @pad.
 */
struct drm_taihu_uq_kick {
	__u32 handle;
	__u32 pad;
};

/**
 * struct drm_taihu_uq_wait - sleep until a user queue's head passes a point
 * @handle: from DRM_IOCTL_TAIHU_UQ_CREATE
 * @head: wait until the card's head (free-running, as the tail) has reached
 *	it: (__s32)(card head - @head) >= 0
 * @timeout_ns: absolute CLOCK_MONOTONIC deadline; a past one polls
 * @status: out: 0 while the queue runs, else the &enum drm_taihu_job_status
 *	that stopped it (INVALID_CMD, MMU_FAULT, TIMEOUT, CANCELLED)
 * @card_head: out: the card's head, from the card's own copy (not the
 *	mapping's, which the process may have written)
 *
 * Returns 0 once @head is reached or the queue stopped (read @status),
 * -ETIME at the deadline (the out fields are filled), -ENOENT for an unknown
 * @handle, -ERESTARTSYS if interrupted, -ENODEV once the device is gone.
 */
struct drm_taihu_uq_wait {
	__u32 handle;
	__u32 head;
	__s64 timeout_ns;
	__u32 status;
	__u32 card_head;
};

/* &drm_taihu_uq_entry.flags: raise an interrupt when this entry ends. */
#define DRM_TAIHU_UQ_ENTRY_IRQ		_BITUL(0)

/**
 * struct drm_taihu_uq_entry - one job in a user queue's ring
 * @cmd_addr: device virtual address of the command stream, in the file's
 *	context, 8-byte aligned
 * @cmd_len: its length in bytes, a non-zero multiple of 8, at most
 *	&drm_taihu_device_info.max_cmd_len
 * @reserved0: ignored (the card runs the entry in the queue's context)
 * @seqno: anything; echoed in the completion record
 * @flags: DRM_TAIHU_UQ_ENTRY_* bits; any other stops the queue
 * @reserved1: zero, or the queue stops
 *
 * Slot i of the ring holds the entry of free-running index n with
 * n % entries == i.
 */
struct drm_taihu_uq_entry {
	__u64 cmd_addr;
	__u32 cmd_len;
	__u32 reserved0;
	__u64 seqno;
	__u32 flags;
	__u32 reserved1;
};

/**
 * enum drm_taihu_uq_job_status - how a user-queue job ended, in
 * &drm_taihu_uq_completion.status and &drm_taihu_uq_ctrl.status (the card's
 * own codes; UQ_WAIT reports &enum drm_taihu_job_status)
 * @DRM_TAIHU_UQ_JOB_SUCCESS: all packets executed
 * @DRM_TAIHU_UQ_JOB_INVALID_CMD: a malformed command stream or entry
 * @DRM_TAIHU_UQ_JOB_DMA_ERROR: an address outside the card's reach
 * @DRM_TAIHU_UQ_JOB_MMU_FAULT: an address outside the context's mappings
 * @DRM_TAIHU_UQ_JOB_ABORTED: stopped by a destroy, a timeout or a reset
 * @DRM_TAIHU_UQ_JOB_INVALID_KERNEL: a malformed KERNEL packet
 * @DRM_TAIHU_UQ_JOB_UNSUPPORTED: a KERNEL packet the firmware lacks
 */
enum drm_taihu_uq_job_status {
	DRM_TAIHU_UQ_JOB_SUCCESS = 0,
	DRM_TAIHU_UQ_JOB_INVALID_CMD = 1,
	DRM_TAIHU_UQ_JOB_DMA_ERROR = 2,
	DRM_TAIHU_UQ_JOB_MMU_FAULT = 3,
	DRM_TAIHU_UQ_JOB_ABORTED = 4,
	DRM_TAIHU_UQ_JOB_INVALID_KERNEL = 5,
	DRM_TAIHU_UQ_JOB_UNSUPPORTED = 6,
};

/**
 * struct drm_taihu_uq_completion - the card's record of a finished entry,
 *	in the slot of the entry
 * @seqno: &drm_taihu_uq_entry.seqno
 * @status: &enum drm_taihu_uq_job_status
 * @error_offset: byte offset in the stream of the failing packet
 * @start_ns: card clock when the job started
 * @end_ns: card clock when the job ended
 * @error_addr: the faulting address, for DMA_ERROR and MMU_FAULT
 * @error_access: &enum drm_taihu_access of the faulting access
 * @error_reason: as &drm_taihu_wait.error_reason
 * @error_detail: as &drm_taihu_wait.error_detail
 * @reserved0: zero
 * @reserved1: zero
 *
 * Written before the head that covers it.
 */
struct drm_taihu_uq_completion {
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
	__u64 reserved1;
};

/**
 * struct drm_taihu_uq_ctrl - the control words at offset 0 of the mapping
 * @tail: free-running producer index: written by the process after the
 *	entries it covers
 * @reserved0: ignored
 * @head: free-running consumer index: written by the card after the
 *	completion records it covers
 * @status: written by the card: 0 while the queue runs, else the
 *	&enum drm_taihu_uq_job_status that stopped it (INVALID_CMD for a bad
 *	tail or entry, MMU_FAULT); a stop by the kernel (timeout, fault of
 *	another queue, reset) shows in UQ_WAIT's status only
 * @reserved1: ignored
 */
struct drm_taihu_uq_ctrl {
	__u32 tail;
	__u32 reserved0[15];
	__u32 head;
	__u32 status;
	__u32 reserved1[14];
};

#if defined(__cplusplus)
}
#endif

#endif /* __UAPI_TAIHU_ACCEL_H__ */
