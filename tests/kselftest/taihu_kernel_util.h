/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Kernel kselftest helpers: tensors in buffer objects with a host copy of
 * their inputs, one kernel run on the card through the driver, and its
 * outputs checked against the card's reference implementation run here in
 * the guest (libtaihu-kref, the same numerics, without oneDNN).
 */
#ifndef TAIHU_KERNEL_UTIL_H
#define TAIHU_KERNEL_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#include "taihu/taihu.h"

/* A tensor in its own BO, with the host array it was filled from. */
struct ktt {
	struct taihu_tensor t;
	struct taihu_bo *bo;
	uint8_t *host;		/* element (0, ...) of the tensor's layout */
	uint64_t bytes;		/* its extent */
	bool output;
};

/* Dense (@strides NULL) or strided, at the start of a new BO of @placement. */
int ktt_new(struct taihu_device *dev, struct ktt *k, uint32_t placement, uint32_t dtype,
	    uint32_t rank, const uint64_t *shape, const int64_t *strides);
void ktt_free(struct ktt *k);
/* Random values (floats in [lo, hi), raw integers for int8/int32) written to the BO. */
int ktt_fill(struct ktt *k, float lo, float hi);

/* One kernel: the operands in packet order (NULL for absent ones). */
struct ktt_run {
	struct ktt *t[TAIHU_KERNEL_MAX_TENSORS];
	unsigned int n;
	uint32_t queue;
	double rtol, atol;	/* float outputs; integer outputs are bit-exact */
};

/*
 * Submit @cb (holding one KERNEL packet at offset 0 and nothing else) with
 * the tensors' BOs, wait, and check each output against the reference run
 * on the host copies. Returns 0 when the job succeeded and the outputs
 * agree; < 0 otherwise, with @why describing it. @res gets the job result.
 */
int ktt_run_check(struct taihu_device *dev, struct taihu_cmdbuf *cb, struct ktt_run *r,
		  struct taihu_job_result *res, char *why, size_t why_len);

/* Submit @cb with the tensors' BOs and wait; the job's result in @res. */
int ktt_submit(struct taihu_device *dev, struct taihu_cmdbuf *cb, struct ktt_run *r,
	       struct taihu_job_result *res);

/*
 * In a kselftest (after kselftest_harness.h and taihu_test_util.h): the
 * setup and teardown of a fixture holding @dev, the first Taihu device,
 * and @cb, a command buffer. KTT_FIXTURE(name) is such a fixture with
 * nothing else; a fixture with more calls the two in its own.
 */
#define KTT_FIXTURE_SETUP(self)							\
	do {									\
		int ktt_ret = tt_open_first(&(self)->dev, NULL);		\
										\
		ASSERT_EQ(0, ktt_ret) TH_LOG("no Taihu device: %s",		\
					     taihu_strerror(ktt_ret));		\
		ASSERT_EQ(0, taihu_cmdbuf_new(&(self)->cb));			\
	} while (0)

#define KTT_FIXTURE_TEARDOWN(self)						\
	do {									\
		taihu_cmdbuf_free((self)->cb);					\
		taihu_device_close((self)->dev);				\
	} while (0)

#define KTT_FIXTURE(name)							\
	FIXTURE(name)								\
	{									\
		struct taihu_device *dev;					\
		struct taihu_cmdbuf *cb;					\
	};									\
	FIXTURE_SETUP(name)							\
	{									\
		KTT_FIXTURE_SETUP(self);					\
	}									\
	FIXTURE_TEARDOWN(name)							\
	{									\
		KTT_FIXTURE_TEARDOWN(self);					\
	}

/* In a kselftest: skip when the running firmware does not enable @kernel in @dtype. */
#define KTT_NEED(dev, kernel, dtype)						\
	do {									\
		if (taihu_kernel_supported(dev, kernel, dtype) != 1)		\
			SKIP(return, "firmware does not enable %s in %s",	\
			     taihu_kernel_name(kernel), taihu_dtype_name(dtype));	\
	} while (0)

/* The card's descriptor of @k's tensor (no quantisation). */
void ktt_desc(struct taihu_tensor_desc *d, const struct ktt *k);

/*
 * Append a raw KERNEL packet of @nin + @nout descriptors and @psize bytes
 * of parameters (up to 64), which the library's checks would refuse.
 */
void ktt_raw_kernel(struct taihu_cmdbuf *cb, uint16_t kernel, const struct taihu_tensor_desc *d,
		    uint8_t nin, uint8_t nout, const void *params, uint16_t psize);

#endif /* TAIHU_KERNEL_UTIL_H */
