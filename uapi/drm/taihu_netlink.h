/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	docs/netlink/specs/taihu.yaml */
/* YNL-GEN uapi header */

#ifndef _UAPI_LINUX_TAIHU_H
#define _UAPI_LINUX_TAIHU_H

#define TAIHU_FAMILY_NAME	"taihu"
#define TAIHU_FAMILY_VERSION	1

/**
 * enum taihu_throttle_reasons - Why the core clock is below its maximum.
 * @TAIHU_THROTTLE_REASONS_POWER_CAP: The average power is at the power limit.
 * @TAIHU_THROTTLE_REASONS_THERMAL: The temperature is above its maximum.
 * @TAIHU_THROTTLE_REASONS_CRITICAL: The temperature reached its critical
 *   value; lowest clock.
 */
enum taihu_throttle_reasons {
	TAIHU_THROTTLE_REASONS_POWER_CAP = 1,
	TAIHU_THROTTLE_REASONS_THERMAL = 2,
	TAIHU_THROTTLE_REASONS_CRITICAL = 4,
};

/**
 * enum taihu_event_kind - What an event of the events group reports.
 * @TAIHU_EVENT_KIND_MMU_FAULT: A job accessed an address outside its context's
 *   mappings.
 * @TAIHU_EVENT_KIND_JOB_TIMEOUT: A job ran past the job timeout.
 * @TAIHU_EVENT_KIND_QUEUE_RESET: A hardware queue was reset to recover from a
 *   hung job.
 * @TAIHU_EVENT_KIND_CARD_RESET: The whole card was reset and its firmware
 *   booted again.
 * @TAIHU_EVENT_KIND_THROTTLE_START: The core clock was lowered by a limit, or
 *   the reasons changed.
 * @TAIHU_EVENT_KIND_THROTTLE_STOP: The core clock is back at its maximum.
 * @TAIHU_EVENT_KIND_ECC_ERROR: VRAM ECC errors were detected.
 * @TAIHU_EVENT_KIND_FW_CRASH: The card's firmware crashed.
 * @TAIHU_EVENT_KIND_CARD_DEAD: The card stopped answering (no heartbeat, a
 *   crashed firmware, gone from the bus): every job of it ended with an error
 *   and its ioctls fail with ENODEV until it is reset or bound again.
 * @TAIHU_EVENT_KIND_CONTEXT_BANNED: A job of the context hung: the context
 *   runs no more jobs and its submissions fail with ECANCELED.
 */
enum taihu_event_kind {
	TAIHU_EVENT_KIND_MMU_FAULT = 1,
	TAIHU_EVENT_KIND_JOB_TIMEOUT,
	TAIHU_EVENT_KIND_QUEUE_RESET,
	TAIHU_EVENT_KIND_CARD_RESET,
	TAIHU_EVENT_KIND_THROTTLE_START,
	TAIHU_EVENT_KIND_THROTTLE_STOP,
	TAIHU_EVENT_KIND_ECC_ERROR,
	TAIHU_EVENT_KIND_FW_CRASH,
	TAIHU_EVENT_KIND_CARD_DEAD,
	TAIHU_EVENT_KIND_CONTEXT_BANNED,
};

/**
 * enum taihu_fault_access - The kind of memory access that faulted.
 * @TAIHU_FAULT_ACCESS_READ: A read.
 * @TAIHU_FAULT_ACCESS_WRITE: A write.
 */
enum taihu_fault_access {
	TAIHU_FAULT_ACCESS_READ,
	TAIHU_FAULT_ACCESS_WRITE,
};

enum {
	TAIHU_A_ENGINE_INDEX = 1,
	TAIHU_A_ENGINE_BUSY_TIME,
	TAIHU_A_ENGINE_UTILIZATION,

	__TAIHU_A_ENGINE_MAX,
	TAIHU_A_ENGINE_MAX = (__TAIHU_A_ENGINE_MAX - 1)
};

enum {
	TAIHU_A_DEV_MINOR = 1,
	TAIHU_A_DEV_PCI_ADDR,
	TAIHU_A_DEV_SERIAL,
	TAIHU_A_DEV_MODEL,
	TAIHU_A_DEV_FW_VERSION,
	TAIHU_A_DEV_DRIVER_VERSION,
	TAIHU_A_DEV_SENSORS_VALID,
	TAIHU_A_DEV_TEMP,
	TAIHU_A_DEV_TEMP_MAX,
	TAIHU_A_DEV_TEMP_CRIT,
	TAIHU_A_DEV_POWER,
	TAIHU_A_DEV_POWER_CAP,
	TAIHU_A_DEV_POWER_CAP_MIN,
	TAIHU_A_DEV_POWER_CAP_MAX,
	TAIHU_A_DEV_POWER_CAP_DEFAULT,
	TAIHU_A_DEV_ENERGY,
	TAIHU_A_DEV_VOLTAGE,
	TAIHU_A_DEV_CORE_CLOCK,
	TAIHU_A_DEV_CORE_CLOCK_MAX,
	TAIHU_A_DEV_MEM_CLOCK,
	TAIHU_A_DEV_MEM_CLOCK_MAX,
	TAIHU_A_DEV_THROTTLE_REASONS,
	TAIHU_A_DEV_THROTTLED_TIME,
	TAIHU_A_DEV_ECC_CORRECTED,
	TAIHU_A_DEV_ECC_UNCORRECTED,
	TAIHU_A_DEV_BUSY_TIME,
	TAIHU_A_DEV_UTILIZATION,
	TAIHU_A_DEV_VRAM_TOTAL,
	TAIHU_A_DEV_VRAM_USED,
	TAIHU_A_DEV_HOST_USED,
	TAIHU_A_DEV_RESET_COUNT,
	TAIHU_A_DEV_ENGINE,

	__TAIHU_A_DEV_MAX,
	TAIHU_A_DEV_MAX = (__TAIHU_A_DEV_MAX - 1)
};

enum {
	TAIHU_A_PROC_MINOR = 1,
	TAIHU_A_PROC_PID,
	TAIHU_A_PROC_COMM,
	TAIHU_A_PROC_CONTEXT,
	TAIHU_A_PROC_VRAM_USED,
	TAIHU_A_PROC_HOST_USED,
	TAIHU_A_PROC_ENGINE,

	__TAIHU_A_PROC_MAX,
	TAIHU_A_PROC_MAX = (__TAIHU_A_PROC_MAX - 1)
};

enum {
	TAIHU_A_EVENT_KIND = 1,
	TAIHU_A_EVENT_MINOR,
	TAIHU_A_EVENT_PCI_ADDR,
	TAIHU_A_EVENT_SERIAL,
	TAIHU_A_EVENT_TIME,
	TAIHU_A_EVENT_CARD_TIME,
	TAIHU_A_EVENT_CONTEXT,
	TAIHU_A_EVENT_PID,
	TAIHU_A_EVENT_COMM,
	TAIHU_A_EVENT_QUEUE,
	TAIHU_A_EVENT_ADDRESS,
	TAIHU_A_EVENT_ACCESS,
	TAIHU_A_EVENT_THROTTLE_REASONS,
	TAIHU_A_EVENT_CORE_CLOCK,
	TAIHU_A_EVENT_ECC_UNCORRECTED,
	TAIHU_A_EVENT_COUNT,
	TAIHU_A_EVENT_CODE,

	__TAIHU_A_EVENT_MAX,
	TAIHU_A_EVENT_MAX = (__TAIHU_A_EVENT_MAX - 1)
};

enum {
	TAIHU_CMD_DEV_GET = 1,
	TAIHU_CMD_PROC_GET,
	TAIHU_CMD_POWER_CAP_SET,
	TAIHU_CMD_EVENT,
	TAIHU_CMD_DEV_RESET,

	__TAIHU_CMD_MAX,
	TAIHU_CMD_MAX = (__TAIHU_CMD_MAX - 1)
};

#define TAIHU_MCGRP_EVENTS	"events"

#endif /* _UAPI_LINUX_TAIHU_H */
