/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Access to BAR2 words that the guest reads or writes concurrently (queue
 * head/tail, mailbox sequence numbers, event ring indices, heartbeat).
 * These are plain fields of the shared structures; the accessors treat them
 * as C11 atomics so that the ordering the protocol relies on ("write the
 * record, then publish the index") is explicit.
 */
#ifndef TAIHU_CARD_SHM_H
#define TAIHU_CARD_SHM_H

#include <stdatomic.h>
#include <stdint.h>

_Static_assert(sizeof(_Atomic uint32_t) == sizeof(uint32_t), "atomic u32 layout");
_Static_assert(sizeof(_Atomic uint64_t) == sizeof(uint64_t), "atomic u64 layout");

static inline uint32_t shm_load32(const volatile void *p)
{
	return atomic_load_explicit((const volatile _Atomic uint32_t *)p, memory_order_acquire);
}

static inline void shm_store32(volatile void *p, uint32_t v)
{
	atomic_store_explicit((volatile _Atomic uint32_t *)p, v, memory_order_release);
}

static inline uint64_t shm_load64(const volatile void *p)
{
	return atomic_load_explicit((const volatile _Atomic uint64_t *)p, memory_order_acquire);
}

static inline void shm_store64(volatile void *p, uint64_t v)
{
	atomic_store_explicit((volatile _Atomic uint64_t *)p, v, memory_order_release);
}

/* Add one to a word only this card thread writes (the guest only reads it). */
static inline void shm_bump64(volatile void *p)
{
	volatile _Atomic uint64_t *w = p;

	atomic_store_explicit(w, atomic_load_explicit(w, memory_order_relaxed) + 1,
			      memory_order_relaxed);
}

#endif /* TAIHU_CARD_SHM_H */
