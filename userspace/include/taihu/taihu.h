/* SPDX-License-Identifier: MIT */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * libtaihu: the C library for Taihu accelerator cards.
 *
 * Conventions: every function that can fail returns 0 (or a non-negative
 * count/offset) on success and a negative error code on failure: a negative
 * errno value or one of the negative TAIHU_E* codes below. taihu_strerror()
 * describes either kind. Functions never crash on NULL or out-of-range
 * arguments; they return -EINVAL.
 *
 * ABI rules (so that this header can grow without breaking callers built
 * against an older one; see README "Library versioning"):
 *  - A structure the caller allocates starts with "uint32_t size", which
 *    the caller sets to sizeof(the structure), e.g.
 *    "struct taihu_job job = { .size = sizeof(job) };". The library reads fields beyond @size as zero, never writes beyond @size,
 *    zeroes what it writes but does not know, and returns -EINVAL for a
 *    @size below the structure's first version and -E2BIG when a caller's
 *    larger structure has non-zero fields this library does not know.
 *  - Everything else is library-allocated and opaque, read through getters
 *    (devices, device lists, BOs, command buffers).
 *  - Arrays of extensible structures are passed as arrays of pointers. The
 *    only arrays of structures are of fixed kernel types (&struct
 *    drm_taihu_sync), whose layout the ioctl ABI freezes.
 *  - New fields go at the end of a structure; new functions get a new
 *    version node in libtaihu.map. Only taihu_* symbols are exported.
 */
#ifndef TAIHU_TAIHU_H
#define TAIHU_TAIHU_H

#include <stddef.h>
#include <stdint.h>

#include "taihu_accel.h"
#include "taihu_netlink.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Library-specific error codes (returned negated), above the errno range. */
#define TAIHU_EBASE		4096
#define TAIHU_ENOTTAIHU		(TAIHU_EBASE + 0)  /* node's driver is not taihu */
#define TAIHU_ENODEVICE		(TAIHU_EBASE + 1)  /* no Taihu device matches */
#define TAIHU_EJOBFAILED	(TAIHU_EBASE + 2)  /* job ended with a non-success status */

/**
 * taihu_strerror() - describe an error code returned by the library
 * @err: a negative (or positive) errno value or TAIHU_E* code
 *
 * Return: a static string; never NULL.
 */
const char *taihu_strerror(int err);

/**
 * taihu_job_status_name() - name of an &enum drm_taihu_job_status
 * Return: e.g. "SUCCESS", "DMA_ERROR"; "UNKNOWN" for unknown values.
 */
const char *taihu_job_status_name(uint32_t status);

/**
 * taihu_placement_name() - name of an &enum drm_taihu_placement
 * Return: "VRAM", "HOST"; "UNKNOWN" for unknown values.
 */
const char *taihu_placement_name(uint32_t placement);

/**
 * taihu_access_name() - name of an &enum drm_taihu_access
 * Return: "READ", "WRITE"; "UNKNOWN" for unknown values.
 */
const char *taihu_access_name(uint32_t access);

/**
 * taihu_cap_name() - name of one DRM_TAIHU_CAP_* bit
 * @bit: bit number (0..63)
 * Return: e.g. "NOP", or NULL for a bit the library does not know.
 */
const char *taihu_cap_name(unsigned int bit);

/* ---- enumeration ------------------------------------------------------ */

/*
 * A device list is a snapshot of the Taihu accel devices (libudev,
 * subsystem "accel", PCI parent bound to the "taihu" driver), ordered by
 * PCI address. Its entries (&struct taihu_device_desc) live as long as the
 * list; their strings are never NULL ("" when unknown).
 */
struct taihu_device_list;
struct taihu_device_desc;

/**
 * taihu_device_list_new() - enumerate the Taihu devices
 * @out: receives the list (possibly empty); free it with
 *	taihu_device_list_free()
 */
int taihu_device_list_new(struct taihu_device_list **out);

/** taihu_device_list_free() - free a list and its entries; NULL is allowed */
void taihu_device_list_free(struct taihu_device_list *list);

/** taihu_device_list_count() - entries in the list; 0 for NULL */
unsigned int taihu_device_list_count(const struct taihu_device_list *list);

/** taihu_device_list_get() - entry @index, or NULL when out of range */
const struct taihu_device_desc *
taihu_device_list_get(const struct taihu_device_list *list, unsigned int index);

/**
 * taihu_device_list_find() - the entry a user's device name designates
 * @list: list
 * @name: one of (tried in this order)
 *	- a device node path (anything with a '/'), e.g. "/dev/accel/accel0"
 *	  (symlinks to it and other names of the same node match too);
 *	- an index in the list (decimal digits), e.g. "0";
 *	- a PCI address "DDDD:BB:DD.F" or "BB:DD.F" (domain 0), hex digits in
 *	  either case, e.g. "0000:00:03.0";
 *	- a board serial number, e.g. "T1-0000" (exact match).
 * @out: receives the entry
 *
 * Return: 0, -EINVAL (NULL, empty name), or -TAIHU_ENODEVICE.
 */
int taihu_device_list_find(const struct taihu_device_list *list,
			   const char *name,
			   const struct taihu_device_desc **out);

/** taihu_device_desc_index() - position in its list; UINT32_MAX for NULL */
uint32_t taihu_device_desc_index(const struct taihu_device_desc *desc);
/** taihu_device_desc_minor() - N of /dev/accel/accelN; UINT32_MAX for NULL */
uint32_t taihu_device_desc_minor(const struct taihu_device_desc *desc);
/** taihu_device_desc_node() - device node path, e.g. "/dev/accel/accel0" */
const char *taihu_device_desc_node(const struct taihu_device_desc *desc);
/** taihu_device_desc_pci_slot() - PCI address, e.g. "0000:00:03.0" */
const char *taihu_device_desc_pci_slot(const struct taihu_device_desc *desc);
/** taihu_device_desc_syspath() - sysfs path of the accel device */
const char *taihu_device_desc_syspath(const struct taihu_device_desc *desc);
/** taihu_device_desc_serial() - board serial (sysfs "serial" of the PCI device) */
const char *taihu_device_desc_serial(const struct taihu_device_desc *desc);

/* ---- device ----------------------------------------------------------- */

/*
 * A device is reference-counted: every BO holds a reference, so
 * taihu_device_close() may come before the BOs are freed; the file is
 * closed when the last of them goes. Calls on one device may come from
 * several threads.
 */
struct taihu_device;

/**
 * taihu_device_open() - open the device @name designates and check that
 * its driver is "taihu"
 * @name: a node path, index, PCI address or serial, as for
 *	taihu_device_list_find(); a node path is opened even when enumeration
 *	cannot see it (no sysfs), then only its node and minor are known
 * @out: receives the device handle
 *
 * Return: 0, -EINVAL (NULL or empty), -TAIHU_ENODEVICE (nothing matches),
 * -TAIHU_ENOTTAIHU (a node of another driver), -ENOTTY (not a character
 * device), or the errno of open(2) (e.g. -ENOENT, -EACCES).
 */
int taihu_device_open(const char *name, struct taihu_device **out);

/** taihu_device_open_index() - open the device at enumeration @index */
int taihu_device_open_index(unsigned int index, struct taihu_device **out);

/**
 * taihu_device_close() - drop the caller's reference; NULL is allowed. BOs
 * still alive keep the device open until they are freed.
 */
void taihu_device_close(struct taihu_device *dev);

/** taihu_device_fd() - the file descriptor, or -EINVAL for NULL */
int taihu_device_fd(const struct taihu_device *dev);

/** taihu_device_path() - the node path, or "" for NULL */
const char *taihu_device_path(const struct taihu_device *dev);

/**
 * taihu_device_get_desc() - what enumeration says about the open device
 * (index, node, PCI address, serial, as when it was opened); valid while
 * @dev is. Index and minor are UINT32_MAX, strings "" when unknown.
 * Return: NULL only for NULL.
 */
const struct taihu_device_desc *
taihu_device_get_desc(const struct taihu_device *dev);

/**
 * taihu_device_query() - raw DRM_IOCTL_TAIHU_QUERY
 * @dev: device
 * @query: &enum drm_taihu_query_id
 * @data: result buffer, may be NULL when *@size is 0
 * @size: in: bytes at @data (0 asks for the size); out: kernel's size
 */
int taihu_device_query(struct taihu_device *dev, uint32_t query, void *data,
		       uint32_t *size);

/**
 * struct taihu_device_info - a device's identity, firmware, limits and
 * memory (DRM_TAIHU_QUERY_DEVICE_INFO; &struct drm_taihu_device_info
 * documents each field)
 * @size: set by the caller to sizeof(struct taihu_device_info)
 * @device_id: card model (0x0001 for T1)
 * @revision: silicon revision
 * @fw_version: (major << 16 | minor << 8 | patch)
 * @fw_abi_major: firmware ABI major
 * @fw_abi_minor: firmware ABI minor
 * @card_if_major: driver/card interface major
 * @card_if_minor: driver/card interface minor
 * @num_queues: hardware queues
 * @max_inflight: jobs a file may have unfinished on each queue
 * @reserved0: zero
 * @capabilities: DRM_TAIHU_CAP_* bits
 * @vram_size: VRAM in bytes
 * @vram_used: VRAM allocated, including the driver's own
 * @host_used: system memory held by the device's BOs
 * @va_size: size of each context's device address space
 * @fw_version_str: NUL-terminated firmware version string
 * @serial: NUL-terminated board serial number
 * @max_cmd_len: longest command stream the firmware accepts, in bytes
 *	(0 from a kernel before card interface 1.3; since TAIHU_1.1)
 * @ring_entries: entries of each hardware queue's ring (0 likewise)
 */
struct taihu_device_info {
	uint32_t size;
	uint32_t device_id;
	uint32_t revision;
	uint32_t fw_version;
	uint16_t fw_abi_major;
	uint16_t fw_abi_minor;
	uint32_t card_if_major;
	uint32_t card_if_minor;
	uint32_t num_queues;
	uint32_t max_inflight;
	uint32_t reserved0;
	uint64_t capabilities;
	uint64_t vram_size;
	uint64_t vram_used;
	uint64_t host_used;
	uint64_t va_size;
	char fw_version_str[32];
	char serial[32];
	uint32_t max_cmd_len;
	uint32_t ring_entries;
};

/**
 * taihu_device_info() - query DEVICE_INFO with size negotiation
 * @dev: device
 * @info: @info->size set; filled (fields an older kernel does not report
 *	are zero)
 */
int taihu_device_info(struct taihu_device *dev, struct taihu_device_info *info);

/**
 * struct taihu_context_info - this open file's device context
 * (DRM_TAIHU_QUERY_CONTEXT_INFO; see &struct drm_taihu_context_info)
 * @size: set by the caller to sizeof(struct taihu_context_info)
 * @context_id: the context
 * @fault_access: &enum drm_taihu_access of the first fault
 * @flags: DRM_TAIHU_CONTEXT_* bits (DRM_TAIHU_CONTEXT_FAULTED)
 * @fault_addr: device address of the first fault
 * @vram_used: VRAM held by this file's BOs
 * @host_used: system memory held by this file's BOs
 */
struct taihu_context_info {
	uint32_t size;
	uint32_t context_id;
	uint32_t fault_access;
	uint32_t reserved0;
	uint64_t flags;
	uint64_t fault_addr;
	uint64_t vram_used;
	uint64_t host_used;
};

/**
 * taihu_context_info() - query CONTEXT_INFO of this open file's context
 * @dev: device
 * @info: @info->size set; filled
 */
int taihu_context_info(struct taihu_device *dev,
		       struct taihu_context_info *info);

/* ---- buffer objects --------------------------------------------------- */

/*
 * A BO lives in VRAM (DRM_TAIHU_PLACEMENT_VRAM) or in system memory
 * (DRM_TAIHU_PLACEMENT_HOST). Its device address is a virtual address in
 * the context of the file it was created in (or imported into). A VRAM BO
 * is mapped there while the file holds it; a host BO from the first job
 * that lists it. Listing a BO in a job (&taihu_job.bos) also orders the job
 * after every earlier job that listed it (implicit sync), and makes the
 * job count for taihu_wait_bo(); a semaphore shared between queues is
 * better left out of the lists.
 */
struct taihu_bo;

/**
 * taihu_bo_create() - create a buffer object
 * @dev: device
 * @size: bytes, not 0 (the kernel rounds up to the page size)
 * @placement: &enum drm_taihu_placement
 * @out: receives the BO
 *
 * Return: 0, -EINVAL (size 0, unknown placement), -ENOMEM (no room in
 * VRAM, system memory or the context's address space), or another error.
 */
int taihu_bo_create(struct taihu_device *dev, uint64_t size,
		    uint32_t placement, struct taihu_bo **out);

/**
 * struct taihu_bo_info - a GEM handle as the kernel describes it
 * (DRM_IOCTL_TAIHU_BO_INFO)
 * @size: set by the caller to sizeof(struct taihu_bo_info)
 * @placement: &enum drm_taihu_placement
 * @bo_size: bytes
 * @dev_addr: device address in this file's context
 * @mmap_offset: offset to mmap() on the device file
 * @flags: creation flags
 * @reserved0: zero
 */
struct taihu_bo_info {
	uint32_t size;
	uint32_t placement;
	uint64_t bo_size;
	uint64_t dev_addr;
	uint64_t mmap_offset;
	uint32_t flags;
	uint32_t reserved0;
};

/**
 * taihu_bo_info() - DRM_IOCTL_TAIHU_BO_INFO for any GEM @handle of the file
 * @dev: device
 * @handle: GEM handle
 * @info: @info->size set; filled
 */
int taihu_bo_info(struct taihu_device *dev, uint32_t handle,
		  struct taihu_bo_info *info);

/** taihu_bo_map() - map the BO read/write (idempotent); *@ptr gets the address */
int taihu_bo_map(struct taihu_bo *bo, void **ptr);

/** taihu_bo_unmap() - undo taihu_bo_map(); no-op when not mapped */
int taihu_bo_unmap(struct taihu_bo *bo);

/**
 * taihu_bo_free() - drop a reference to the BO; NULL is allowed. The last
 * one unmaps it, closes the GEM handle and drops the BO's reference to its
 * device.
 */
int taihu_bo_free(struct taihu_bo *bo);

uint32_t taihu_bo_handle(const struct taihu_bo *bo);	/* 0 for NULL */
uint64_t taihu_bo_size(const struct taihu_bo *bo);	/* 0 for NULL */
uint64_t taihu_bo_dev_addr(const struct taihu_bo *bo);	/* 0 for NULL */
/* &enum drm_taihu_placement; UINT32_MAX for NULL */
uint32_t taihu_bo_placement(const struct taihu_bo *bo);
/* The device the BO was created in or imported into; NULL for NULL. */
struct taihu_device *taihu_bo_device(const struct taihu_bo *bo);

/**
 * taihu_bo_write() - copy @len bytes from @data into the BO at @offset
 * through its CPU mapping (mapped on first use)
 *
 * Return: 0, -EINVAL (NULL), -ERANGE (range beyond the BO), or a map error.
 */
int taihu_bo_write(struct taihu_bo *bo, uint64_t offset, const void *data,
		   size_t len);

/** taihu_bo_read() - the reverse of taihu_bo_write() */
int taihu_bo_read(struct taihu_bo *bo, uint64_t offset, void *data,
		  size_t len);

/**
 * taihu_bo_export() - PRIME: a dma-buf file descriptor for the BO
 * (drmPrimeHandleToFD, close-on-exec, read/write)
 * @bo: BO
 * @dmabuf_fd: receives the new file descriptor; close() it when done
 *
 * Return: 0 or a negative errno (e.g. -EOPNOTSUPP).
 */
int taihu_bo_export(struct taihu_bo *bo, int *dmabuf_fd);

/**
 * taihu_bo_import() - PRIME: import a dma-buf (drmPrimeFDToHandle)
 * @dev: device to import into; the BO gets a device address in its context
 * @dmabuf_fd: the dma-buf; the caller keeps it and may close it at once
 * @out: receives the BO, described by BO_INFO
 *
 * Importing a buffer that this device already holds (one it created or
 * imported) returns the same &struct taihu_bo with one more reference:
 * one GEM handle has one owner, and each taihu_bo_import() needs its own
 * taihu_bo_free(). A VRAM buffer of another device cannot be imported
 * (-EOPNOTSUPP).
 */
int taihu_bo_import(struct taihu_device *dev, int dmabuf_fd,
		    struct taihu_bo **out);

/* ---- command-stream builder ------------------------------------------- */

/* Longest stream the builder produces (bytes). */
#define TAIHU_CMDBUF_MAX	(16u << 20)

struct taihu_cmdbuf;

int taihu_cmdbuf_new(struct taihu_cmdbuf **out);
void taihu_cmdbuf_free(struct taihu_cmdbuf *cb);
/** taihu_cmdbuf_reset() - drop all packets, keep the allocation */
int taihu_cmdbuf_reset(struct taihu_cmdbuf *cb);

/*
 * The append functions return the byte offset of the new packet in the
 * stream (>= 0) or a negative error code; the stream is unchanged on error.
 */

/** taihu_cmdbuf_nop() - NOP packet of @size bytes (multiple of 8, 8..65528) */
int taihu_cmdbuf_nop(struct taihu_cmdbuf *cb, uint32_t size);
/** taihu_cmdbuf_fill() - FILL @size bytes at @dst with the 32-bit @value */
int taihu_cmdbuf_fill(struct taihu_cmdbuf *cb, uint64_t dst, uint64_t size,
		      uint32_t value);
/** taihu_cmdbuf_copy() - COPY @size bytes from @src to @dst */
int taihu_cmdbuf_copy(struct taihu_cmdbuf *cb, uint64_t src, uint64_t dst,
		      uint64_t size);
/** taihu_cmdbuf_timestamp() - write the card clock at @dst (8-byte aligned) */
int taihu_cmdbuf_timestamp(struct taihu_cmdbuf *cb, uint64_t dst);
/** taihu_cmdbuf_raw() - append @len bytes as they are (multiple of 8) */
int taihu_cmdbuf_raw(struct taihu_cmdbuf *cb, const void *data, size_t len);

/* How SEM_SIGNAL updates a semaphore (values of the card's packet). */
#define TAIHU_CMDBUF_SEM_SET		0	/* store the value */
#define TAIHU_CMDBUF_SEM_ADD		1	/* add it atomically */
/* When SEM_WAIT lets the queue go on. */
#define TAIHU_CMDBUF_SEM_GEQUAL		0	/* semaphore >= value */
#define TAIHU_CMDBUF_SEM_EQUAL		1	/* semaphore == value */

/**
 * taihu_cmdbuf_sem_signal() - SEM_SIGNAL: update the 64-bit semaphore at
 * device address @addr (8-byte aligned) with @value by @op
 * (TAIHU_CMDBUF_SEM_SET or TAIHU_CMDBUF_SEM_ADD). The job's earlier writes
 * are visible before the update.
 */
int taihu_cmdbuf_sem_signal(struct taihu_cmdbuf *cb, uint64_t addr,
			    uint64_t value, uint32_t op);

/**
 * taihu_cmdbuf_sem_wait() - SEM_WAIT: stall the queue until the semaphore
 * at @addr (8-byte aligned) satisfies @cond (TAIHU_CMDBUF_SEM_GEQUAL or
 * TAIHU_CMDBUF_SEM_EQUAL) against @value. The card re-checks it about
 * every millisecond, so a CPU write through a mapping releases it too.
 */
int taihu_cmdbuf_sem_wait(struct taihu_cmdbuf *cb, uint64_t addr,
			  uint64_t value, uint32_t cond);

/**
 * taihu_cmdbuf_barrier() - BARRIER: every write of the job before it is
 * visible to every engine and the host before any packet after it runs
 */
int taihu_cmdbuf_barrier(struct taihu_cmdbuf *cb);

const void *taihu_cmdbuf_data(const struct taihu_cmdbuf *cb);	/* NULL for NULL */
size_t taihu_cmdbuf_size(const struct taihu_cmdbuf *cb);	/* 0 for NULL */

/**
 * taihu_cmdbuf_upload() - copy the stream into a new VRAM BO
 * @cb: non-empty stream
 * @dev: device
 * @out: receives the BO (free with taihu_bo_free()); the stream starts at
 *	offset 0 and is taihu_cmdbuf_size() bytes long
 */
int taihu_cmdbuf_upload(const struct taihu_cmdbuf *cb, struct taihu_device *dev,
			struct taihu_bo **out);

/* ---- submission ------------------------------------------------------- */

/**
 * struct taihu_job - what taihu_submit() sends
 * @size: set by the caller to sizeof(struct taihu_job); fields added
 *	later keep their meaning at zero
 * @queue: hardware queue
 * @priority: &enum drm_taihu_priority
 * @flags: DRM_TAIHU_SUBMIT_* bits, e.g. DRM_TAIHU_SUBMIT_NONBLOCK
 * @cmd_len: stream length in bytes
 * @cmd_bo: BO holding the command stream
 * @cmd_offset: offset of the stream in @cmd_bo (8-byte aligned)
 * @bos: BOs the job uses (may be NULL when @bo_count is 0)
 * @bo_count: entries at @bos
 * @in_sync_count: entries at @in_syncs
 * @in_syncs: syncobjs to wait for (may be NULL when @in_sync_count is 0)
 * @out_sync_handle: syncobj to signal, or 0
 * @out_sync_point: timeline point, or 0
 */
struct taihu_job {
	uint32_t size;
	uint32_t queue;
	uint32_t priority;
	uint32_t flags;
	uint32_t cmd_len;
	uint32_t bo_count;
	struct taihu_bo *cmd_bo;
	uint64_t cmd_offset;
	struct taihu_bo *const *bos;
	const struct drm_taihu_sync *in_syncs;
	uint32_t in_sync_count;
	uint32_t out_sync_handle;
	uint64_t out_sync_point;
};

/* Limits of one submission (the kernel's, from the uapi). */
#define TAIHU_MAX_JOB_BOS	DRM_TAIHU_MAX_SUBMIT_BOS
#define TAIHU_MAX_IN_SYNCS	DRM_TAIHU_MAX_IN_SYNCS

/**
 * struct taihu_job_result - how a job ended (from DRM_IOCTL_TAIHU_WAIT)
 * @size: set by the caller to sizeof(struct taihu_job_result)
 * @status: &enum drm_taihu_job_status
 * @error_offset: stream offset of the failing packet
 * @error_access: &enum drm_taihu_access of the fault (MMU_FAULT)
 * @start_ns: card clock at start
 * @end_ns: card clock at end
 * @error_addr: faulting address (DMA_ERROR, MMU_FAULT)
 * @error_reason: enum taihu_kernel_reason (INVALID_KERNEL, UNSUPPORTED)
 * @error_detail: TAIHU_KERNEL_DETAIL() word naming kernel, operand, field
 */
struct taihu_job_result {
	uint32_t size;
	uint32_t status;
	uint32_t error_offset;
	uint32_t error_access;
	uint64_t start_ns;
	uint64_t end_ns;
	uint64_t error_addr;
	uint32_t error_reason;
	uint32_t error_detail;
};

/**
 * taihu_submit() - DRM_IOCTL_TAIHU_SUBMIT; *@seqno gets the job's seqno
 *
 * Return: 0; -EINVAL (NULL, BOs of another device, a point without an
 * out-syncobj), -EXDEV (@job->cmd_bo of another device), -E2BIG (more than
 * TAIHU_MAX_JOB_BOS BOs or TAIHU_MAX_IN_SYNCS in-syncs), -EAGAIN (the
 * file's in-flight limit on the queue with DRM_TAIHU_SUBMIT_NONBLOCK;
 * without it the call waits), -EIO (the context faulted), or the kernel's
 * error (see &struct drm_taihu_submit).
 */
int taihu_submit(struct taihu_device *dev, const struct taihu_job *job,
		 uint64_t *seqno);

/**
 * DOC: user-mode submission queues
 *
 * A user queue (DRM_TAIHU_CAP_USER_QUEUES; the uapi header has its
 * security model) is a ring in memory mapped into the process: jobs are
 * pushed without a system call, one taihu_uq_kick() makes the card look at
 * the whole batch, and completions are read from memory. Jobs run in the
 * device's context of @dev, in push order, one at a time on the engine of
 * the hardware queue. A queue is used by one thread at a time.
 */
struct taihu_uq;

/**
 * taihu_uq_create() - create a user queue on hardware queue @queue
 * @dev: device
 * @queue: hardware queue
 * @entries: ring slots, a power of two (2 .. the device's ring_entries)
 * @out: receives the queue; free it with taihu_uq_destroy()
 *
 * Return: 0; -EOPNOTSUPP (no user queues on this card), -EINVAL, -ENOSPC
 * (too many user queues), -ENOMEM, or the kernel's error.
 */
int taihu_uq_create(struct taihu_device *dev, uint32_t queue, uint32_t entries,
		    struct taihu_uq **out);

/** taihu_uq_destroy() - stop the queue (the running job is aborted) and free it */
int taihu_uq_destroy(struct taihu_uq *uq);

/**
 * taihu_uq_push() - queue a command stream (not run before taihu_uq_kick())
 * @uq: the queue
 * @cmd_addr: device address of the stream (a BO's taihu_bo_dev_addr() plus
 *	an offset); host buffers only once a SUBMIT has used them
 * @cmd_len: its length, a non-zero multiple of 8
 * @seqno: anything, echoed in the completion
 * @index: out (may be NULL): the job's free-running index, for
 *	taihu_uq_poll() and taihu_uq_wait(); its result is readable until
 *	@entries more jobs have been pushed
 *
 * Return: 0; -EAGAIN (the ring is full: reap completions first), -EIO (the
 * queue stopped), -EINVAL.
 */
int taihu_uq_push(struct taihu_uq *uq, uint64_t cmd_addr, uint32_t cmd_len,
		  uint64_t seqno, uint32_t *index);

/**
 * taihu_uq_kick() - make the card run what was pushed since the last kick
 *
 * No job raises a completion interrupt unless a waiter sleeps for it
 * (DRM_TAIHU_CAP_UQ_WAIT_IRQ); on a kernel or card without that, the last
 * job of the batch asks for one (so that taihu_uq_wait() can sleep).
 *
 * Return: 0 or the kernel's error.
 */
int taihu_uq_kick(struct taihu_uq *uq);

/**
 * taihu_uq_poll() - has job @index ended? Reads memory only
 * @uq: the queue
 * @index: from taihu_uq_push()
 * @res: out (may be NULL; set @res->size first, or 0): how it ended
 *
 * Return: 0 (ended, @res filled), -EBUSY (not yet), -EIO (the queue
 * stopped before it), -EINVAL.
 */
int taihu_uq_poll(struct taihu_uq *uq, uint32_t index, struct taihu_job_result *res);

/**
 * taihu_uq_wait() - wait for job @index: a short spin, then sleep
 * @uq: the queue
 * @index: from taihu_uq_push(); kicked first if it was not
 * @timeout_ns: relative timeout, negative for none
 * @res: as for taihu_uq_poll()
 *
 * Return: 0, -ETIME, -EIO (the queue stopped before the job; see
 * taihu_uq_status()), -EINVAL, or the kernel's error.
 */
int taihu_uq_wait(struct taihu_uq *uq, uint32_t index, int64_t timeout_ns,
		  struct taihu_job_result *res);

/**
 * taihu_uq_status() - 0 while the queue runs, else the enum
 * drm_taihu_job_status that stopped it (as the kernel reports it)
 */
uint32_t taihu_uq_status(const struct taihu_uq *uq);

/**
 * taihu_submit_batch() - submit @count jobs with DRM_IOCTL_TAIHU_SUBMIT_BATCH
 * @dev: device
 * @jobs: @count pointers to jobs, as for taihu_submit()
 * @count: entries at @jobs; more than DRM_TAIHU_MAX_BATCH_JOBS are sent in
 *	several calls, in order
 * @seqnos: out: each job's seqno, 0 for a job that was not queued
 * @errors: out: each job's result, 0 or what taihu_submit() would have
 *	returned for it (-EINTR for a job a signal kept from being tried)
 *
 * The jobs are queued in array order; one that fails does not keep the
 * others from being queued.
 *
 * Return: 0 once every job has its @errors entry; -EINVAL for a NULL
 * argument.
 */
int taihu_submit_batch(struct taihu_device *dev,
		       const struct taihu_job *const *jobs, uint32_t count,
		       uint64_t *seqnos, int *errors);

/**
 * taihu_submit_cmdbuf() - upload @cb into a new VRAM BO and submit it
 * @dev: device
 * @cb: non-empty stream
 * @job: everything else (its @cmd_bo, @cmd_offset and @cmd_len are ignored)
 * @seqno: receives the job's seqno
 * @cmd_bo: receives the command BO; free it with taihu_bo_free() whenever
 *	convenient (the job keeps its own reference)
 */
int taihu_submit_cmdbuf(struct taihu_device *dev, const struct taihu_cmdbuf *cb,
			const struct taihu_job *job, uint64_t *seqno,
			struct taihu_bo **cmd_bo);

/**
 * taihu_wait() - DRM_IOCTL_TAIHU_WAIT with an absolute CLOCK_MONOTONIC deadline
 * @result: may be NULL
 *
 * Return: 0 when the job ended (see @result->status), -ETIME if not by the
 * deadline, -ENOENT for an unknown seqno, or another negative error.
 */
int taihu_wait(struct taihu_device *dev, uint64_t seqno, int64_t deadline_ns,
	       struct taihu_job_result *result);

/**
 * taihu_wait_bo() - wait for every job using @bo (DRM_TAIHU_WAIT_BO) and
 * report the one that ended last
 * @bo: BO; the jobs of any file that listed it or read commands from it
 * @deadline_ns: absolute CLOCK_MONOTONIC deadline (0 polls)
 * @result: may be NULL; a BO no job has used reports SUCCESS, zero times
 *
 * Return: 0 when all have ended, -ETIME if not by the deadline, or another
 * negative error.
 */
int taihu_wait_bo(struct taihu_bo *bo, int64_t deadline_ns,
		  struct taihu_job_result *result);

/** taihu_deadline_ns() - CLOCK_MONOTONIC now + @rel_ns, saturating */
int64_t taihu_deadline_ns(int64_t rel_ns);

/* ---- syncobjs --------------------------------------------------------- */

/*
 * Thin wrappers over libdrm's drmSyncobj*() on the device's file: handles
 * are those of DRM syncobjs (binary, or timelines when points are used),
 * usable as &drm_taihu_sync in-syncs and as out-syncobjs of taihu_submit().
 * Deadlines are absolute CLOCK_MONOTONIC ns, like taihu_wait()'s.
 */

/* Flags of taihu_syncobj_wait() and taihu_syncobj_timeline_wait(). */
#define TAIHU_SYNCOBJ_WAIT_ALL		(1u << 0)  /* all, not the first */
#define TAIHU_SYNCOBJ_WAIT_FOR_SUBMIT	(1u << 1)  /* wait for a fence */
#define TAIHU_SYNCOBJ_WAIT_AVAILABLE	(1u << 2)  /* a fence, not its end */

/** taihu_syncobj_create() - a new syncobj, signalled if @signaled */
int taihu_syncobj_create(struct taihu_device *dev, int signaled,
			 uint32_t *handle);
/** taihu_syncobj_destroy() - drop the handle */
int taihu_syncobj_destroy(struct taihu_device *dev, uint32_t handle);

/**
 * taihu_syncobj_export() - a file descriptor for the syncobj itself
 * (close-on-exec), to share it with another process or file
 */
int taihu_syncobj_export(struct taihu_device *dev, uint32_t handle, int *fd);
/** taihu_syncobj_import() - a handle for a syncobj exported as @fd */
int taihu_syncobj_import(struct taihu_device *dev, int fd, uint32_t *handle);

/**
 * taihu_syncobj_export_sync_file() - the fence of a syncobj as a sync_file
 * @dev: device
 * @handle: syncobj
 * @point: timeline point, or 0 for the syncobj's current fence
 * @fd: receives the sync_file; poll() says POLLIN once it has signalled
 *
 * Return: 0, -EINVAL when there is no fence (or point) yet, or an error.
 */
int taihu_syncobj_export_sync_file(struct taihu_device *dev, uint32_t handle,
				   uint64_t point, int *fd);
/** taihu_syncobj_import_sync_file() - replace the fence with a sync_file's */
int taihu_syncobj_import_sync_file(struct taihu_device *dev, uint32_t handle,
				   int fd);

/** taihu_syncobj_reset() - drop the fences of binary syncobjs */
int taihu_syncobj_reset(struct taihu_device *dev, const uint32_t *handles,
			uint32_t count);
/** taihu_syncobj_signal() - signal binary syncobjs from the CPU */
int taihu_syncobj_signal(struct taihu_device *dev, const uint32_t *handles,
			 uint32_t count);

/**
 * taihu_syncobj_wait() - wait for binary syncobjs
 * @flags: TAIHU_SYNCOBJ_WAIT_* bits
 * @first: receives the index of the first signalled one (may be NULL)
 *
 * Return: 0, -ETIME at the deadline, -EINVAL for a syncobj without a
 * fence (unless TAIHU_SYNCOBJ_WAIT_FOR_SUBMIT), or another error.
 */
int taihu_syncobj_wait(struct taihu_device *dev, const uint32_t *handles,
		       uint32_t count, int64_t deadline_ns, uint32_t flags,
		       uint32_t *first);

/** taihu_syncobj_timeline_signal() - signal @points of timelines from the CPU */
int taihu_syncobj_timeline_signal(struct taihu_device *dev,
				  const uint32_t *handles,
				  const uint64_t *points, uint32_t count);

/**
 * taihu_syncobj_timeline_query() - the timeline's last signalled point:
 * the highest point up to which every point has signalled
 */
int taihu_syncobj_timeline_query(struct taihu_device *dev, uint32_t handle,
				 uint64_t *point);

/** taihu_syncobj_timeline_wait() - like taihu_syncobj_wait(), for points */
int taihu_syncobj_timeline_wait(struct taihu_device *dev,
				const uint32_t *handles, const uint64_t *points,
				uint32_t count, int64_t deadline_ns,
				uint32_t flags, uint32_t *first);

/**
 * taihu_syncobj_transfer() - make point @dst_point of @dst (0: its fence)
 * the fence of point @src_point of @src (0: its fence)
 */
int taihu_syncobj_transfer(struct taihu_device *dev, uint32_t dst,
			   uint64_t dst_point, uint32_t src, uint64_t src_point);

/**
 * taihu_run() - upload @cb, submit it on @queue with @bos, wait up to
 * @timeout_ns (relative) and free the command BO
 *
 * Return: 0 if the job ended with SUCCESS, -TAIHU_EJOBFAILED if it ended
 * with another status (in @result), or a negative error.
 */
int taihu_run(struct taihu_device *dev, const struct taihu_cmdbuf *cb,
	      uint32_t queue, struct taihu_bo *const *bos, uint32_t bo_count,
	      int64_t timeout_ns, struct taihu_job_result *result);

/* ---- copy helpers ----------------------------------------------------- */

/* Job timeout of taihu_copy() and taihu_fill() when given 0. */
#define TAIHU_DEFAULT_TIMEOUT_NS	(60LL * 1000000000LL)

/**
 * taihu_copy() - copy @size bytes from @src at @src_offset to @dst at
 * @dst_offset with one COPY job on queue 0, and wait for it to end
 * @dst: destination BO
 * @dst_offset: byte offset in @dst
 * @src: source BO, of the same device as @dst (it may be @dst)
 * @src_offset: byte offset in @src
 * @size: bytes, not 0
 * @timeout_ns: relative job timeout; 0 means TAIHU_DEFAULT_TIMEOUT_NS
 * @result: how the job ended; may be NULL
 *
 * Return: 0 if the job ended with SUCCESS; -EINVAL (NULL, size 0,
 * negative timeout), -EXDEV (BOs of two devices), -ERANGE (a range beyond
 * its BO), -TAIHU_EJOBFAILED (another status, see @result), -ETIME (the
 * job did not end in time), or another negative error.
 */
int taihu_copy(struct taihu_bo *dst, uint64_t dst_offset,
	       struct taihu_bo *src, uint64_t src_offset, uint64_t size,
	       int64_t timeout_ns, struct taihu_job_result *result);

/**
 * taihu_fill() - fill @size bytes of @dst at @offset with the 32-bit
 * little-endian pattern @value (a tail gets its first bytes) with one FILL
 * job on queue 0, and wait for it to end
 *
 * Arguments and return values as for taihu_copy().
 */
int taihu_fill(struct taihu_bo *dst, uint64_t offset, uint64_t size,
	       uint32_t value, int64_t timeout_ns,
	       struct taihu_job_result *result);

/* ---- telemetry and events (generic netlink family "taihu") ------------ */

/*
 * Telemetry needs no open device (so no device context on the card): it
 * comes from the driver's generic netlink family, which libtaihu reaches
 * with libnl-genl-3. Units are hwmon's: millidegrees Celsius, microwatts,
 * microjoules, millivolts; clocks in MHz, times in ns, sizes in bytes,
 * utilisation per mille. A field the driver did not report (stale or
 * missing sensors) has its bit clear in @available: it is "not
 * available", never 0.
 */

/** struct taihu_telemetry_session - an open netlink socket to the family (opaque) */
struct taihu_telemetry_session;

/**
 * taihu_telemetry_open() - connect to the "taihu" family
 * @out: receives the session
 *
 * Return: 0; -ENOENT when the family is not registered (the taihu module
 * is not loaded); another negative errno.
 */
int taihu_telemetry_open(struct taihu_telemetry_session **out);

/** taihu_telemetry_close() - close a session; NULL is allowed */
void taihu_telemetry_close(struct taihu_telemetry_session *s);

/**
 * taihu_telemetry_last_error() - the driver's message about the last
 * failed request of @s (netlink extended ack), or "" when it gave none
 */
const char *taihu_telemetry_last_error(const struct taihu_telemetry_session *s);

/** enum taihu_tm_field - bit numbers of &taihu_telemetry.available */
enum taihu_tm_field {
	TAIHU_TM_TEMP,
	TAIHU_TM_TEMP_MAX,
	TAIHU_TM_TEMP_CRIT,
	TAIHU_TM_POWER,
	TAIHU_TM_POWER_CAP,
	TAIHU_TM_POWER_CAP_MIN,
	TAIHU_TM_POWER_CAP_MAX,
	TAIHU_TM_POWER_CAP_DEFAULT,
	TAIHU_TM_ENERGY,
	TAIHU_TM_VOLTAGE,
	TAIHU_TM_CORE_CLOCK,
	TAIHU_TM_CORE_CLOCK_MAX,
	TAIHU_TM_MEM_CLOCK,
	TAIHU_TM_MEM_CLOCK_MAX,
	TAIHU_TM_THROTTLE_REASONS,
	TAIHU_TM_THROTTLED_TIME,
	TAIHU_TM_ECC_CORRECTED,
	TAIHU_TM_ECC_UNCORRECTED,
	TAIHU_TM_BUSY_TIME,
	TAIHU_TM_UTILIZATION,
	TAIHU_TM_VRAM_TOTAL,
	TAIHU_TM_VRAM_USED,
	TAIHU_TM_HOST_USED,
	TAIHU_TM_RESET_COUNT,
	TAIHU_TM_ENGINES,
};

#define TAIHU_TM_MAX_ENGINES	8

/**
 * struct taihu_telemetry - one card's identity and telemetry
 * @size: set by the caller to sizeof(struct taihu_telemetry); the library
 *	fills no more than that
 * @minor: N of /dev/accel/accelN: identifies the card
 * @available: 1 << &enum taihu_tm_field for every field below that the
 *	driver reported
 * @pci_slot: PCI address, e.g. "0000:00:03.0"
 * @serial: board serial number
 * @model: e.g. "T1"
 * @fw_version: running firmware version
 * @driver_version: taihu driver version
 * @temp_mc: die temperature
 * @temp_max_mc: the card lowers its clock above it
 * @temp_crit_mc: the card runs its lowest clock at it
 * @voltage_mv: core voltage
 * @power_uw: average board power
 * @power_cap_uw: power limit
 * @power_cap_min_uw: lowest limit the firmware accepts
 * @power_cap_max_uw: highest limit the firmware accepts
 * @power_cap_default_uw: the firmware's limit after boot
 * @energy_uj: energy since the card started
 * @core_clock_mhz: core clock
 * @core_clock_max_mhz: highest core clock
 * @mem_clock_mhz: memory clock
 * @mem_clock_max_mhz: highest memory clock
 * @throttle_reasons: &enum taihu_throttle_reasons bits now
 * @utilization_permille: share of the last second with an engine busy
 * @throttled_ns: time with the clock lowered by a limit
 * @ecc_corrected: corrected VRAM ECC errors
 * @ecc_uncorrected: uncorrected VRAM ECC errors
 * @busy_ns: time with at least one engine busy
 * @vram_total: VRAM size
 * @vram_used: VRAM in use (the driver's own included)
 * @host_used: system memory of buffer objects
 * @reset_count: queue and card resets since the driver bound the card
 * @num_engines: entries of the engine arrays (TAIHU_TM_ENGINES)
 * @reserved: zero
 * @engine_busy_ns: per engine, time running jobs
 * @engine_util_permille: per engine, share of the last second busy
 */
struct taihu_telemetry {
	uint32_t size;
	uint32_t minor;
	uint64_t available;
	char pci_slot[32];
	char serial[32];
	char model[32];
	char fw_version[32];
	char driver_version[32];
	int32_t temp_mc;
	int32_t temp_max_mc;
	int32_t temp_crit_mc;
	uint32_t voltage_mv;
	uint64_t power_uw;
	uint64_t power_cap_uw;
	uint64_t power_cap_min_uw;
	uint64_t power_cap_max_uw;
	uint64_t power_cap_default_uw;
	uint64_t energy_uj;
	uint32_t core_clock_mhz;
	uint32_t core_clock_max_mhz;
	uint32_t mem_clock_mhz;
	uint32_t mem_clock_max_mhz;
	uint32_t throttle_reasons;
	uint32_t utilization_permille;
	uint64_t throttled_ns;
	uint64_t ecc_corrected;
	uint64_t ecc_uncorrected;
	uint64_t busy_ns;
	uint64_t vram_total;
	uint64_t vram_used;
	uint64_t host_used;
	uint64_t reset_count;
	uint32_t num_engines;
	uint32_t reserved;
	uint64_t engine_busy_ns[TAIHU_TM_MAX_ENGINES];
	uint32_t engine_util_permille[TAIHU_TM_MAX_ENGINES];
};

/**
 * taihu_telemetry_get() - the telemetry of the card with accel minor @minor
 * @s: session
 * @minor: the card
 * @t: filled up to @t->size (which the caller sets)
 *
 * Return: 0; -ENODEV when there is no such card; another negative errno.
 */
int taihu_telemetry_get(struct taihu_telemetry_session *s, uint32_t minor,
			struct taihu_telemetry *t);

/**
 * taihu_telemetry_dump() - the telemetry of every card
 * @s: session
 * @elem_size: sizeof(struct taihu_telemetry) as the caller knows it
 * @out: receives an array of *@count elements of @elem_size bytes (each
 *	with its size set), in the driver's order; free it with taihu_free()
 * @count: receives the number of cards (0 is not an error)
 */
int taihu_telemetry_dump(struct taihu_telemetry_session *s, size_t elem_size,
			 struct taihu_telemetry **out, size_t *count);

/**
 * taihu_power_cap_set() - set a card's power limit
 * @s: session
 * @minor: the card
 * @cap_uw: the limit, microwatts
 *
 * Return: 0; -EPERM without CAP_SYS_ADMIN; -ERANGE outside the firmware's
 * range (&taihu_telemetry.power_cap_min_uw .. power_cap_max_uw); -ENODEV.
 */
int taihu_power_cap_set(struct taihu_telemetry_session *s, uint32_t minor,
			uint64_t cap_uw);

/**
 * taihu_card_reset() - reset a card on purpose (generic netlink dev-reset)
 * @s: session
 * @minor: the card
 *
 * The driver resets the card as its recovery does: the firmware boots
 * again, the device contexts are restored and the jobs in flight run
 * again and complete. Returns once the card is back.
 *
 * Return: 0; -EPERM without CAP_SYS_ADMIN; -ENODEV if there is no such
 * card or it is dead; another error if the card did not come back (it is
 * then declared dead).
 */
int taihu_card_reset(struct taihu_telemetry_session *s, uint32_t minor);

/**
 * struct taihu_proc_usage - one open file of a card and its process
 * @size: set by the library to the element size the caller asked for
 * @minor: the card
 * @pid: process that last used the file (0 if unknown)
 * @context: the file's device context id
 * @comm: the process's command name ("" if unknown)
 * @vram_used: VRAM of the file's buffer objects
 * @host_used: system memory of the file's buffer objects
 * @num_engines: entries of @engine_busy_ns
 * @reserved: zero
 * @engine_busy_ns: per engine, card time of the file's jobs
 */
struct taihu_proc_usage {
	uint32_t size;
	uint32_t minor;
	uint32_t pid;
	uint32_t context;
	char comm[32];
	uint64_t vram_used;
	uint64_t host_used;
	uint32_t num_engines;
	uint32_t reserved;
	uint64_t engine_busy_ns[TAIHU_TM_MAX_ENGINES];
};

/**
 * taihu_proc_dump() - the open files of every card, or of one
 * @s: session
 * @minor: a card's minor, or -1 for all cards
 * @elem_size: sizeof(struct taihu_proc_usage) as the caller knows it
 * @out: receives an array (free it with taihu_free())
 * @count: receives its number of elements
 */
int taihu_proc_dump(struct taihu_telemetry_session *s, int64_t minor,
		    size_t elem_size, struct taihu_proc_usage **out,
		    size_t *count);

/** taihu_free() - free memory the library allocated for the caller */
void taihu_free(void *p);

/** enum taihu_ev_field - bit numbers of &taihu_event_info.available */
enum taihu_ev_field {
	TAIHU_EV_CARD_TIME,
	TAIHU_EV_CONTEXT,
	TAIHU_EV_PID,
	TAIHU_EV_COMM,
	TAIHU_EV_QUEUE,
	TAIHU_EV_ADDRESS,
	TAIHU_EV_ACCESS,
	TAIHU_EV_THROTTLE_REASONS,
	TAIHU_EV_CORE_CLOCK,
	TAIHU_EV_COUNT,
	TAIHU_EV_CODE,
};

/**
 * struct taihu_event_info - one event of the "events" group
 * @size: set by the caller to sizeof(struct taihu_event_info)
 * @kind: &enum taihu_event_kind
 * @available: 1 << &enum taihu_ev_field for every optional field present
 * @minor: the card
 * @uncorrected: ecc-error: the errors were uncorrectable
 * @pci_slot: the card's PCI address
 * @serial: the card's serial number
 * @time_ns: when the driver saw it, ns since the Unix epoch
 * @card_time_ns: card clock when the card raised it
 * @context: device context concerned
 * @pid: its process
 * @comm: its command name
 * @queue: hardware queue
 * @access: &enum taihu_fault_access (mmu-fault)
 * @address: faulting device address (mmu-fault)
 * @throttle_reasons: &enum taihu_throttle_reasons bits (throttle-*)
 * @core_clock_mhz: core clock (throttle-*)
 * @count: number of errors (ecc-error)
 * @code: firmware error code (fw-crash)
 */
struct taihu_event_info {
	uint32_t size;
	uint32_t kind;
	uint64_t available;
	uint32_t minor;
	uint32_t uncorrected;
	char pci_slot[32];
	char serial[32];
	uint64_t time_ns;
	uint64_t card_time_ns;
	uint32_t context;
	uint32_t pid;
	char comm[32];
	uint32_t queue;
	uint32_t access;
	uint64_t address;
	uint32_t throttle_reasons;
	uint32_t core_clock_mhz;
	uint32_t count;
	uint32_t code;
};

/** struct taihu_event_listener - a subscription to the events group (opaque) */
struct taihu_event_listener;

/**
 * taihu_events_open() - subscribe to the "events" multicast group
 * @out: receives the listener
 *
 * Return: 0, -ENOENT when the taihu module is not loaded, or an error.
 */
int taihu_events_open(struct taihu_event_listener **out);

/** taihu_events_close() - unsubscribe; NULL is allowed */
void taihu_events_close(struct taihu_event_listener *l);

/** taihu_events_fd() - a descriptor to poll() for readability, or -EINVAL */
int taihu_events_fd(const struct taihu_event_listener *l);

/**
 * taihu_events_next() - the next event
 * @l: listener
 * @ev: filled up to @ev->size (which the caller sets)
 * @timeout_ms: how long to wait; 0 does not wait, -1 waits for ever
 *
 * Return: 1 with an event, 0 on timeout, -ENOBUFS when events were lost
 * because the socket overflowed (the next call goes on), -EINTR when a
 * signal came, or another negative errno.
 */
int taihu_events_next(struct taihu_event_listener *l,
		      struct taihu_event_info *ev, int timeout_ms);

/**
 * taihu_event_kind_name() - "mmu-fault", "throttle-start", ... (the spec's
 * names) for an &enum taihu_event_kind; "unknown" otherwise
 */
const char *taihu_event_kind_name(uint32_t kind);

/**
 * taihu_throttle_reason_name() - "power-cap", "thermal", "critical" for
 * one bit number of &enum taihu_throttle_reasons; NULL for unknown bits
 */
const char *taihu_throttle_reason_name(unsigned int bit);

#ifdef __cplusplus
}
#endif

#include "kernels.h"

#endif /* TAIHU_TAIHU_H */
