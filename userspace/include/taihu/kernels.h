/* SPDX-License-Identifier: MIT */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * libtaihu: tensors and inference kernels (included by taihu.h).
 *
 * A tensor is a strided view of device memory (&struct taihu_tensor). One
 * append call per kernel adds a KERNEL packet to a command buffer; the
 * packet format, the kernels' semantics and their numerics are those of
 * taihu_cmdstream.h (installed beside this header). Kernels of one command
 * buffer run in order on the card, each seeing the results of the ones
 * before it, so a graph runtime builds one buffer holding many kernels;
 * taihu_cmdbuf_barrier() is only needed where another queue or the host
 * must see results before the job ends. Every BO a job's tensors live in
 * must be in the job's BO list (&taihu_job.bos).
 *
 * Every append checks its arguments with the card's own rules (the same
 * code) before it adds anything: a bad shape, dtype or parameter returns
 * -EINVAL and taihu_cmdbuf_error() says which kernel, operand and field.
 * What only the running firmware decides (which kernels and dtypes it
 * enables, its limits) fails the job with DRM_TAIHU_JOB_UNSUPPORTED;
 * taihu_kernel_info() tells beforehand, taihu_job_error() afterwards.
 */
#ifndef TAIHU_KERNELS_H
#define TAIHU_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#include "taihu_cmdstream.h"

#ifdef __cplusplus
extern "C" {
#endif

struct taihu_bo;
struct taihu_cmdbuf;
struct taihu_device;
struct taihu_job_result;

/* ---- tensors ---------------------------------------------------------- */

/**
 * struct taihu_tensor - a tensor in device memory (set @size to sizeof)
 * @size: sizeof(struct taihu_tensor); the library reads only @size bytes
 *	and takes the fields beyond as zero
 * @dtype: &enum taihu_dtype
 * @addr: device address of element (0, ..., 0)
 * @rank: 0..TAIHU_MAX_RANK
 * @flags: zero
 * @shape: extents, each 1..UINT32_MAX
 * @strides: distances between neighbours, in elements, at least 0
 *	(0 broadcasts); taihu_tensor_init() makes them dense row-major
 * @quant: &enum taihu_quant (INT8 and UINT8 only)
 * @quant_axis: the axis of TAIHU_QUANT_CHANNEL
 * @scale: TAIHU_QUANT_TENSOR scale
 * @zero_point: TAIHU_QUANT_TENSOR zero point
 * @scale_addr: TAIHU_QUANT_CHANNEL: device address of the fp32 scales
 * @zero_point_addr: TAIHU_QUANT_CHANNEL: device address of the int32 zero
 *	points, or 0 for zeros
 */
struct taihu_tensor {
	uint32_t size;
	uint32_t dtype;
	uint64_t addr;
	uint32_t rank;
	uint32_t flags;
	uint64_t shape[TAIHU_MAX_RANK];
	int64_t strides[TAIHU_MAX_RANK];
	uint32_t quant;
	uint32_t quant_axis;
	float scale;
	int32_t zero_point;
	uint64_t scale_addr;
	uint64_t zero_point_addr;
};

/**
 * taihu_tensor_init() - a dense row-major tensor at device address @addr
 * @t: filled completely (size, strides, no quantisation)
 * @dtype: &enum taihu_dtype
 * @rank: 0..TAIHU_MAX_RANK
 * @shape: @rank extents (may be NULL when @rank is 0)
 * @addr: device address
 *
 * Return: 0, or -EINVAL (NULL, unknown dtype, rank too large, a zero or
 * too large dimension, a size that overflows).
 */
int taihu_tensor_init(struct taihu_tensor *t, uint32_t dtype, uint32_t rank,
		      const uint64_t *shape, uint64_t addr);

/**
 * taihu_tensor_bo() - taihu_tensor_init() at @offset in @bo
 *
 * Return: 0, -EINVAL as taihu_tensor_init(), -ERANGE when the tensor does
 * not fit in the BO.
 */
int taihu_tensor_bo(struct taihu_tensor *t, const struct taihu_bo *bo,
		    uint64_t offset, uint32_t dtype, uint32_t rank,
		    const uint64_t *shape);

/** taihu_tensor_elems() - number of elements (1 for rank 0); 0 for NULL */
uint64_t taihu_tensor_elems(const struct taihu_tensor *t);

/**
 * taihu_tensor_bytes() - bytes from the lowest to the highest element, the
 * memory the card reads or writes; 0 for NULL or a malformed tensor
 */
uint64_t taihu_tensor_bytes(const struct taihu_tensor *t);

/*
 * Views: these change @t in place and never copy. They return 0 or
 * -EINVAL.
 */

/** taihu_tensor_permute() - dimension i of the view is dimension @perm[i] */
int taihu_tensor_permute(struct taihu_tensor *t, const uint32_t *perm);

/**
 * taihu_tensor_broadcast() - NumPy broadcast to @rank dimensions @shape
 * (dimensions of 1 and missing leading ones get stride 0)
 */
int taihu_tensor_broadcast(struct taihu_tensor *t, uint32_t rank,
			   const uint64_t *shape);

/**
 * taihu_tensor_slice() - elements @start, @start + @step, ... (@count of
 * them) of dimension @axis; @step at least 1
 */
int taihu_tensor_slice(struct taihu_tensor *t, uint32_t axis, uint64_t start,
		       uint64_t count, uint64_t step);

/**
 * taihu_tensor_reshape() - new dense shape of the same elements; the tensor
 * must be dense row-major (-EINVAL otherwise, or when the counts differ)
 */
int taihu_tensor_reshape(struct taihu_tensor *t, uint32_t rank,
			 const uint64_t *shape);

/** taihu_tensor_quantize() - per-tensor quantisation (INT8/UINT8 tensors) */
int taihu_tensor_quantize(struct taihu_tensor *t, float scale,
			  int32_t zero_point);

/**
 * taihu_tensor_quantize_channels() - per-channel quantisation along @axis:
 * shape[@axis] fp32 scales at @scale_addr, int32 zero points at
 * @zero_point_addr (0: all zero)
 */
int taihu_tensor_quantize_channels(struct taihu_tensor *t, uint32_t axis,
				   uint64_t scale_addr,
				   uint64_t zero_point_addr);

/** taihu_dtype_size() - bytes per element; 0 for an unknown dtype */
unsigned int taihu_dtype_size(uint32_t dtype);
/** taihu_dtype_name() - "fp32", "bf16", ...; NULL when unknown */
const char *taihu_dtype_name(uint32_t dtype);
/** taihu_dtype_from_name() - the dtype of a name, or -EINVAL */
int taihu_dtype_from_name(const char *name);
/** taihu_kernel_name() - "gemm", "conv2d", ...; NULL when unknown */
const char *taihu_kernel_name(uint32_t kernel);
/** taihu_kernel_from_name() - the kernel id of a name, or -EINVAL */
int taihu_kernel_from_name(const char *name);

/* ---- appending kernels ------------------------------------------------ */

/**
 * taihu_cmdbuf_error() - what the last failed append of @cb was about, e.g.
 * "gemm: B: shape[0] 7 is not A's K 8"; "" when none failed, never NULL
 */
const char *taihu_cmdbuf_error(const struct taihu_cmdbuf *cb);

/**
 * taihu_cmdbuf_kernel() - append a KERNEL packet built from its parts
 * @cb: command buffer
 * @kernel: &enum taihu_kernel
 * @params: the kernel's parameter structure of taihu_cmdstream.h (e.g.
 *	&struct taihu_gemm_params), @params_size bytes
 * @params_size: bytes at @params
 * @tensors: @num_inputs inputs then @num_outputs outputs; NULL for an
 *	optional operand that is not given
 * @num_inputs: inputs
 * @num_outputs: outputs
 *
 * The specific calls below are built on this one.
 *
 * Return: the packet's offset, -EINVAL (see taihu_cmdbuf_error()) or
 * -E2BIG (the stream would exceed TAIHU_CMDBUF_MAX).
 */
int taihu_cmdbuf_kernel(struct taihu_cmdbuf *cb, uint32_t kernel,
			const void *params, size_t params_size,
			const struct taihu_tensor *const *tensors,
			uint32_t num_inputs, uint32_t num_outputs);

/**
 * struct taihu_gemm_args - GEMM options (taihu_gemm_args_init() sets the
 * defaults: alpha 1, beta 1, no transposes, no activation)
 * @size: sizeof(struct taihu_gemm_args)
 * @flags: TAIHU_GEMM_TRANS_A, TAIHU_GEMM_TRANS_B
 * @alpha: scales A B
 * @beta: scales C
 * @act: fused activation (&enum taihu_act_op)
 * @act_alpha: its alpha (LEAKY_RELU slope, CLIP minimum)
 * @act_beta: its beta (CLIP maximum)
 */
struct taihu_gemm_args {
	uint32_t size;
	uint32_t flags;
	float alpha;
	float beta;
	uint32_t act;
	float act_alpha;
	float act_beta;
};

void taihu_gemm_args_init(struct taihu_gemm_args *args);

/**
 * taihu_cmdbuf_gemm() - Y = act(alpha * A B + beta * C) (TAIHU_KERNEL_GEMM)
 * @cb: command buffer
 * @args: options, or NULL for the defaults
 * @a: [..., M, K] (or [..., K, M] with TAIHU_GEMM_TRANS_A)
 * @b: [..., K, N] (or [..., N, K] with TAIHU_GEMM_TRANS_B)
 * @c: broadcastable to Y, or NULL
 * @y: [..., M, N]
 */
int taihu_cmdbuf_gemm(struct taihu_cmdbuf *cb, const struct taihu_gemm_args *args,
		      const struct taihu_tensor *a, const struct taihu_tensor *b,
		      const struct taihu_tensor *c, const struct taihu_tensor *y);

/**
 * struct taihu_conv2d_args - CONV2D options (all zero: stride 1, no
 * padding, no dilation, one group, no activation)
 * @size: sizeof(struct taihu_conv2d_args)
 * @stride: vertical, horizontal; 0 means 1
 * @dilation: vertical, horizontal; 0 means 1
 * @pad_begin: top, left
 * @pad_end: bottom, right
 * @groups: 0 means 1
 * @act: fused activation
 * @act_alpha: its alpha
 * @act_beta: its beta
 */
struct taihu_conv2d_args {
	uint32_t size;
	uint32_t stride[2];
	uint32_t dilation[2];
	uint32_t pad_begin[2];
	uint32_t pad_end[2];
	uint32_t groups;
	uint32_t act;
	float act_alpha;
	float act_beta;
};

/** taihu_cmdbuf_conv2d() - TAIHU_KERNEL_CONV2D; @bias may be NULL */
int taihu_cmdbuf_conv2d(struct taihu_cmdbuf *cb, const struct taihu_conv2d_args *args,
			const struct taihu_tensor *x, const struct taihu_tensor *w,
			const struct taihu_tensor *bias, const struct taihu_tensor *y);

/**
 * struct taihu_pool2d_args - POOL2D options
 * @size: sizeof(struct taihu_pool2d_args)
 * @op: &enum taihu_pool_op
 * @flags: TAIHU_POOL_COUNT_PAD
 * @kernel: window; 0 0 means global pooling (the whole H x W)
 * @stride: 0 means 1
 * @dilation: 0 means 1
 * @pad_begin: top, left
 * @pad_end: bottom, right
 */
struct taihu_pool2d_args {
	uint32_t size;
	uint32_t op;
	uint32_t flags;
	uint32_t kernel[2];
	uint32_t stride[2];
	uint32_t dilation[2];
	uint32_t pad_begin[2];
	uint32_t pad_end[2];
};

/** taihu_cmdbuf_pool2d() - TAIHU_KERNEL_POOL2D */
int taihu_cmdbuf_pool2d(struct taihu_cmdbuf *cb, const struct taihu_pool2d_args *args,
			const struct taihu_tensor *x, const struct taihu_tensor *y);

/**
 * taihu_cmdbuf_binary() - Y = act(A op B) with NumPy broadcasting
 * @op: &enum taihu_binary_op
 * @act: &enum taihu_act_op applied to the result (0: none)
 */
int taihu_cmdbuf_binary(struct taihu_cmdbuf *cb, uint32_t op, uint32_t act,
			const struct taihu_tensor *a, const struct taihu_tensor *b,
			const struct taihu_tensor *y);

/**
 * taihu_cmdbuf_unary() - Y = op(X), element-wise
 * @op: &enum taihu_act_op
 * @alpha: LEAKY_RELU's slope, CLIP's minimum; else 0
 * @beta: CLIP's maximum; else 0
 */
int taihu_cmdbuf_unary(struct taihu_cmdbuf *cb, uint32_t op, float alpha, float beta,
		       const struct taihu_tensor *x, const struct taihu_tensor *y);

/** taihu_cmdbuf_softmax() - softmax along @axis (negative counts from the end) */
int taihu_cmdbuf_softmax(struct taihu_cmdbuf *cb, int32_t axis,
			 const struct taihu_tensor *x, const struct taihu_tensor *y);
/** taihu_cmdbuf_log_softmax() - log-softmax along @axis */
int taihu_cmdbuf_log_softmax(struct taihu_cmdbuf *cb, int32_t axis,
			     const struct taihu_tensor *x, const struct taihu_tensor *y);

/**
 * taihu_cmdbuf_layernorm() - normalise over dimensions @axis..rank-1;
 * @gamma and @beta may be NULL
 */
int taihu_cmdbuf_layernorm(struct taihu_cmdbuf *cb, int32_t axis, float epsilon,
			   const struct taihu_tensor *x, const struct taihu_tensor *gamma,
			   const struct taihu_tensor *beta, const struct taihu_tensor *y);

/** taihu_cmdbuf_rmsnorm() - RMS-normalise over @axis..rank-1; @gamma may be NULL */
int taihu_cmdbuf_rmsnorm(struct taihu_cmdbuf *cb, int32_t axis, float epsilon,
			 const struct taihu_tensor *x, const struct taihu_tensor *gamma,
			 const struct taihu_tensor *y);

/**
 * taihu_cmdbuf_batchnorm() - inference batch normalisation of X [N, C, ...]
 * @act: &enum taihu_act_op fused after it (0: none)
 */
int taihu_cmdbuf_batchnorm(struct taihu_cmdbuf *cb, float epsilon, uint32_t act,
			   const struct taihu_tensor *x, const struct taihu_tensor *scale,
			   const struct taihu_tensor *bias, const struct taihu_tensor *mean,
			   const struct taihu_tensor *var, const struct taihu_tensor *y);

/**
 * taihu_cmdbuf_reduce() - reduce the axes in the bit set @axes
 * @op: &enum taihu_reduce_op
 * @y: X's rank with reduced dimensions 1, or those dimensions dropped
 */
int taihu_cmdbuf_reduce(struct taihu_cmdbuf *cb, uint32_t op, uint32_t axes,
			const struct taihu_tensor *x, const struct taihu_tensor *y);

/** taihu_cmdbuf_transpose() - Y = X permuted (@perm: X's rank entries) */
int taihu_cmdbuf_transpose(struct taihu_cmdbuf *cb, const uint32_t *perm,
			   const struct taihu_tensor *x, const struct taihu_tensor *y);

/** taihu_cmdbuf_cast() - Y = X converted (quantised/dequantised as their dtypes say) */
int taihu_cmdbuf_cast(struct taihu_cmdbuf *cb, const struct taihu_tensor *x,
		      const struct taihu_tensor *y);

/**
 * taihu_cmdbuf_attention() - O = softmax(scale Q K^T + mask) V
 * @scale: 0 means 1 / sqrt(D)
 * @flags: TAIHU_ATTENTION_CAUSAL
 * @mask: additive, broadcastable to [B, Hq, S, T], or NULL
 */
int taihu_cmdbuf_attention(struct taihu_cmdbuf *cb, float scale, uint32_t flags,
			   const struct taihu_tensor *q, const struct taihu_tensor *k,
			   const struct taihu_tensor *v, const struct taihu_tensor *mask,
			   const struct taihu_tensor *o);

/* ---- what the card runs and why a kernel failed ------------------------ */

/**
 * struct taihu_kernel_info - one kernel the running firmware enables
 * @size: set by the caller to sizeof(struct taihu_kernel_info)
 * @kernel: &enum taihu_kernel
 * @dtypes: bit (1 << &enum taihu_dtype) for each dtype it computes in
 * @max_rank: largest rank of any of its tensors
 * @max_dim: largest dimension
 * @reserved: zero
 * @max_elems: most elements of one tensor
 */
struct taihu_kernel_info {
	uint32_t size;
	uint32_t kernel;
	uint32_t dtypes;
	uint32_t max_rank;
	uint32_t max_dim;
	uint32_t reserved;
	uint64_t max_elems;
};

/**
 * taihu_kernel_count() - how many kernels the running firmware enables
 * (DRM_TAIHU_QUERY_KERNELS)
 *
 * Return: the count (0 without DRM_TAIHU_CAP_KERNEL), or a negative error.
 */
int taihu_kernel_count(struct taihu_device *dev);

/**
 * taihu_kernel_info() - kernel @index (0 .. taihu_kernel_count() - 1) of
 * the firmware's table
 * @info: caller-allocated, @info->size set; filled
 *
 * Return: 0, -ERANGE for an index beyond the table, or another error.
 */
int taihu_kernel_info(struct taihu_device *dev, unsigned int index,
		      struct taihu_kernel_info *info);

/**
 * taihu_kernel_supported() - whether the running firmware enables @kernel
 * in @dtype (UINT8 counts as INT8)
 *
 * Return: 1, 0, or a negative error.
 */
int taihu_kernel_supported(struct taihu_device *dev, uint32_t kernel, uint32_t dtype);

/**
 * taihu_job_error() - describe how a job failed, e.g. "INVALID_KERNEL at
 * offset 0: gemm: B (operand 1): shape[0]: SHAPE (shapes do not fit
 * together)" or "MMU_FAULT at offset 64: READ of 0x100001000"
 * @result: from taihu_wait()
 * @buf: receives the text (NUL-terminated, truncated to @len)
 * @len: bytes at @buf
 *
 * Return: @buf ("" for NULL arguments other than @buf).
 */
char *taihu_job_error(const struct taihu_job_result *result, char *buf, size_t len);

/* ---- one-call helpers ------------------------------------------------- */

/**
 * struct taihu_host_kernel - a kernel over host arrays for taihu_run_host()
 * @size: sizeof(struct taihu_host_kernel)
 * @kernel: &enum taihu_kernel
 * @params: the kernel's parameter structure (taihu_cmdstream.h)
 * @params_size: its size
 * @num_inputs: inputs
 * @num_outputs: outputs
 * @tensors: the layouts of the inputs then outputs (their @addr is
 *	ignored), NULL for an absent optional operand
 * @data: for each tensor the host array it describes: element (i...) at
 *	data + sum(i * strides) * element size, taihu_tensor_bytes() long
 * @placement: &enum drm_taihu_placement of the device copies
 * @queue: hardware queue to run on
 * @error: out: when the call fails with -EINVAL, why (as taihu_cmdbuf_error())
 */
struct taihu_host_kernel {
	uint32_t size;
	uint32_t kernel;
	const void *params;
	uint32_t params_size;
	uint32_t num_inputs;
	uint32_t num_outputs;
	uint32_t placement;
	uint32_t queue;
	const struct taihu_tensor *tensors[TAIHU_KERNEL_MAX_TENSORS];
	void *data[TAIHU_KERNEL_MAX_TENSORS];
	char error[192];
};

/**
 * taihu_run_host() - run one kernel on host arrays: allocate device
 * buffers, upload the inputs, run, wait up to @timeout_ns (relative, 0:
 * TAIHU_DEFAULT_TIMEOUT_NS), download the outputs and free everything
 * @result: how the job ended (may be NULL)
 *
 * Return: 0; -EINVAL (bad arguments, @op->error says which);
 * -TAIHU_EJOBFAILED (see @result and taihu_job_error()); or another
 * negative error.
 */
int taihu_run_host(struct taihu_device *dev, struct taihu_host_kernel *op,
		   int64_t timeout_ns, struct taihu_job_result *result);

/**
 * taihu_gemm_host() - Y = A B on dense row-major host arrays: A [M, K],
 * B [K, N], Y [M, N], all of @dtype (a float dtype), run on queue 0
 *
 * Return: as taihu_run_host().
 */
int taihu_gemm_host(struct taihu_device *dev, uint32_t dtype, uint64_t m,
		    uint64_t n, uint64_t k, const void *a, const void *b, void *y,
		    struct taihu_job_result *result);

#ifdef __cplusplus
}
#endif

#endif /* TAIHU_KERNELS_H */
