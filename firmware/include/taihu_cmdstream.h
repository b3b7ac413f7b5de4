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
#ifndef TAIHU_CMDSTREAM_H
#define TAIHU_CMDSTREAM_H

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
 * @TAIHU_PKT_KERNEL: &struct taihu_pkt_kernel, an inference kernel
 */
enum taihu_pkt_opcode {
	TAIHU_PKT_NOP = 0,
	TAIHU_PKT_FILL = 1,
	TAIHU_PKT_COPY = 2,
	TAIHU_PKT_TIMESTAMP = 3,
	TAIHU_PKT_SEM_SIGNAL = 4,
	TAIHU_PKT_SEM_WAIT = 5,
	TAIHU_PKT_BARRIER = 6,
	TAIHU_PKT_KERNEL = 7,
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

/**
 * DOC: Inference kernels
 *
 * A KERNEL packet runs one inference kernel over tensors in device memory.
 * The packet names the kernel (&enum taihu_kernel), its tensors (inputs
 * first, then outputs, each a &struct taihu_tensor_desc) and the kernel's
 * parameter structure. Packets of one job run in order, and a kernel sees
 * every write of the packets before it in the same job: a graph of kernels
 * is one command stream. BARRIER is only needed where another engine or
 * the host must see the results before the job ends.
 *
 * Tensors are strided views: element (i0, ..., i(rank-1)) lives at
 * addr + sum(ik * strides[k]) * element size. Strides are in elements and
 * never negative; a zero stride broadcasts, swapped strides transpose,
 * a larger stride slices. The whole extent of a tensor, from its lowest to
 * its highest element, must be mapped in the job's context (readable for
 * inputs, writable for outputs), and the card checks all of them before
 * the kernel writes anything: an unmapped byte ends the job with
 * TAIHU_STATUS_MMU_FAULT naming the lowest such address. Outputs are
 * never broadcast (no two elements share an address) and overlap no
 * input, except that element-wise kernels (UNARY, BINARY, CAST between
 * dtypes of one size) may write over an input viewed identically. The
 * card writes no byte outside the elements of the outputs.
 *
 * A packet the checks refuse ends the job with TAIHU_STATUS_INVALID_KERNEL
 * (malformed: shapes that do not match, a dtype combination the kernel
 * does not define, zero or overflowing dimensions or strides, bad
 * parameters) or TAIHU_STATUS_UNSUPPORTED (well formed, but the running
 * firmware does not enable the kernel or the dtype, or a limit of the
 * firmware is exceeded, or the kernel is unknown). The completion then
 * carries an &enum taihu_kernel_reason and TAIHU_KERNEL_DETAIL() naming
 * the kernel, the operand and the field; DRM_IOCTL_TAIHU_WAIT reports
 * both.
 *
 * Numerics (the card's reference implementation defines the results; the
 * fast paths are tested against it within the tolerances of
 * docs/kernels.md):
 *
 * - Floating point kernels compute in fp32: fp16 and bf16 inputs are
 *   widened exactly, sums accumulate in fp32, and a result is rounded once
 *   to the output dtype, to nearest even. NaN propagates through every
 *   arithmetic kernel (MAX/MIN and max pooling included: a NaN input gives
 *   a NaN result); fp16 results beyond its range become +-Inf.
 * - Quantised tensors (INT8, UINT8) hold q = clamp(rne(x / scale) + zp)
 *   and stand for x = scale * (q - zp). GEMM and CONV2D accumulate
 *   (a - za) * (b - zb) exactly in int32 (wrapping on overflow), add an
 *   INT32 bias to the accumulator, then requantise in fp32:
 *   y = alpha * (sa * sb) * acc, plus beta * C for an fp32 C, then the
 *   activation, then y is quantised with the output's scale and zero
 *   point: rne() rounds half to even, the result saturates to the
 *   output's range and NaN becomes the zero point. Other kernels
 *   dequantise their inputs, compute in fp32 and quantise the result the
 *   same way. An INT32 output receives the accumulator itself.
 */

/* Largest rank of a tensor descriptor. */
#define TAIHU_MAX_RANK			6
/* Most tensors (inputs + outputs) of one KERNEL packet. */
#define TAIHU_KERNEL_MAX_TENSORS	8

/**
 * enum taihu_dtype - element types
 * @TAIHU_DTYPE_FP32: IEEE binary32
 * @TAIHU_DTYPE_FP16: IEEE binary16
 * @TAIHU_DTYPE_BF16: bfloat16 (the top half of a binary32)
 * @TAIHU_DTYPE_INT8: signed 8-bit, quantised (scale and zero point)
 * @TAIHU_DTYPE_UINT8: unsigned 8-bit, quantised (scale and zero point)
 * @TAIHU_DTYPE_INT32: signed 32-bit: accumulators, biases of int8 kernels
 * @TAIHU_DTYPE_COUNT: number of dtypes
 *
 * The firmware's kernel table (DRM_TAIHU_QUERY_KERNELS) has bit
 * (1 << dtype) set for each dtype a kernel may compute in: the dtype of
 * its first input (CAST: of both sides); UINT8 counts as INT8 there.
 */
enum taihu_dtype {
	TAIHU_DTYPE_FP32 = 0,
	TAIHU_DTYPE_FP16 = 1,
	TAIHU_DTYPE_BF16 = 2,
	TAIHU_DTYPE_INT8 = 3,
	TAIHU_DTYPE_UINT8 = 4,
	TAIHU_DTYPE_INT32 = 5,
	TAIHU_DTYPE_COUNT = 6,
};

/**
 * enum taihu_quant - how a tensor is quantised
 * @TAIHU_QUANT_NONE: not quantised (float and INT32 tensors; an INT8 or
 *	UINT8 tensor without quantisation has scale 1, zero point 0)
 * @TAIHU_QUANT_TENSOR: one &taihu_tensor_desc.scale and .zero_point
 * @TAIHU_QUANT_CHANNEL: one scale and zero point per index of dimension
 *	&taihu_tensor_desc.quant_axis, read from .scale_addr and
 *	.zero_point_addr. Allowed for the weights of GEMM (B, axis = its N
 *	dimension) and CONV2D (axis 0) and for both sides of CAST
 */
enum taihu_quant {
	TAIHU_QUANT_NONE = 0,
	TAIHU_QUANT_TENSOR = 1,
	TAIHU_QUANT_CHANNEL = 2,
};

/* Flags of &taihu_tensor_desc.flags. */
/* The slot of an optional operand that is not given; all else zero. */
#define TAIHU_TENSOR_ABSENT		(1u << 0)

/**
 * struct taihu_tensor_desc - one tensor operand of a KERNEL packet
 * @addr: device address of element (0, ..., 0), aligned to the element
 *	size
 * @dtype: &enum taihu_dtype
 * @rank: number of dimensions, 0 (a scalar) to TAIHU_MAX_RANK
 * @quant: &enum taihu_quant; only INT8 and UINT8 tensors are quantised
 * @quant_axis: the dimension of per-channel quantisation, below @rank
 * @flags: TAIHU_TENSOR_* bits
 * @shape: extent of each dimension, each at least 1; zero beyond @rank
 * @strides: distance in elements between neighbours along each
 *	dimension, at least 0 (0 broadcasts); zero beyond @rank
 * @scale: TAIHU_QUANT_TENSOR: the scale, finite and above zero
 * @zero_point: TAIHU_QUANT_TENSOR: the zero point, inside the dtype's range
 * @scale_addr: TAIHU_QUANT_CHANNEL: device address of shape[quant_axis]
 *	fp32 scales, each finite and above zero
 * @zero_point_addr: TAIHU_QUANT_CHANNEL: device address of
 *	shape[quant_axis] int32 zero points inside the dtype's range, or 0
 *	when they are all zero
 * @reserved: zero
 */
struct taihu_tensor_desc {
	__u64 addr;
	__u8 dtype;
	__u8 rank;
	__u8 quant;
	__u8 quant_axis;
	__u32 flags;
	__u32 shape[TAIHU_MAX_RANK];
	__s64 strides[TAIHU_MAX_RANK];
	float scale;
	__s32 zero_point;
	__u64 scale_addr;
	__u64 zero_point_addr;
	__u64 reserved[2];
};

/**
 * enum taihu_kernel - the kernels (&taihu_pkt_kernel.kernel)
 * @TAIHU_KERNEL_GEMM: batched matrix product, &struct taihu_gemm_params.
 *	Inputs A [..., M, K], B [..., K, N] (batch dimensions broadcast
 *	NumPy-style; TAIHU_GEMM_TRANS_A/B swap the last two dimensions of A
 *	and B), optional C broadcastable to Y; output Y [..., M, N].
 *	Y = act(alpha * A B + beta * C). Float: A and B of one dtype, C and
 *	Y of that dtype or FP32. Int8: A INT8/UINT8, B INT8/UINT8 (per
 *	channel along N allowed), C INT32 (added to the accumulator) or FP32,
 *	Y INT8, UINT8, FP32 or INT32 (the accumulator; then alpha 1, no
 *	FP32 C and no activation)
 * @TAIHU_KERNEL_CONV2D: 2-D convolution (cross-correlation),
 *	&struct taihu_conv2d_params. Inputs X [N, C, H, W], W [OC, C/groups,
 *	KH, KW], optional bias [OC]; output Y [N, OC, OH, OW] with
 *	OH = (H + pad_begin + pad_end - dilation * (KH - 1) - 1) / stride + 1
 *	(likewise OW). Other layouts (NHWC) are views. Dtypes as GEMM (bias
 *	as C; per-channel weights along axis 0)
 * @TAIHU_KERNEL_POOL2D: max or average pooling, &struct
 *	taihu_pool2d_params; X [N, C, H, W], Y [N, C, OH, OW] as CONV2D.
 *	Float or int8 (Y of X's dtype)
 * @TAIHU_KERNEL_BINARY: element-wise A op B with NumPy broadcasting,
 *	&struct taihu_binary_params; inputs A and B broadcastable to Y.
 *	Float (one dtype for all three) or int8 (ADD only)
 * @TAIHU_KERNEL_UNARY: element-wise activation, &struct
 *	taihu_unary_params; X and Y of one shape. Float or int8
 * @TAIHU_KERNEL_SOFTMAX: exp(x - max) / sum(exp(x - max)) along an axis,
 *	&struct taihu_softmax_params; X and Y of one shape and float dtype
 * @TAIHU_KERNEL_LOG_SOFTMAX: x - max - log(sum(exp(x - max))), like SOFTMAX
 * @TAIHU_KERNEL_LAYERNORM: (x - mean) / sqrt(var + eps) * gamma + beta
 *	over dimensions axis..rank-1, &struct taihu_norm_params; inputs X,
 *	optional gamma and beta (shape X.shape[axis:], or broadcast to it);
 *	output Y of X's shape. Mean and variance (biased) in fp32
 * @TAIHU_KERNEL_RMSNORM: x / sqrt(mean(x * x) + eps) * gamma, like
 *	LAYERNORM without beta
 * @TAIHU_KERNEL_BATCHNORM: inference batch normalisation, &struct
 *	taihu_batchnorm_params; inputs X [N, C, ...], scale, bias, mean,
 *	var (each [C]); output Y of X's shape:
 *	act((x - mean) / sqrt(var + eps) * scale + bias)
 * @TAIHU_KERNEL_REDUCE: sum, mean, max or min over a set of axes,
 *	&struct taihu_reduce_params; Y has X's rank with the reduced
 *	dimensions 1, or X's rank minus the reduced axes (dimensions
 *	dropped)
 * @TAIHU_KERNEL_TRANSPOSE: Y = X permuted, Y.shape[i] = X.shape[perm[i]],
 *	&struct taihu_transpose_params; X and Y of one dtype. With the
 *	identity permutation it makes any view dense
 * @TAIHU_KERNEL_CAST: element-wise conversion between any two dtypes,
 *	&struct taihu_cast_params; X and Y of one shape. Quantised sides
 *	are dequantised and quantised with their own parameters (per channel
 *	allowed); float to INT32 rounds half to even and saturates
 * @TAIHU_KERNEL_ATTENTION: scaled dot-product attention, &struct
 *	taihu_attention_params. Inputs Q [B, Hq, S, D], K [B, Hkv, T, D],
 *	V [B, Hkv, T, Dv], optional additive mask broadcastable to
 *	[B, Hq, S, T]; output O [B, Hq, S, Dv]. Hq is a multiple of Hkv:
 *	query head h uses K/V head h / (Hq / Hkv) (grouped-query attention).
 *	O = softmax(scale * Q K^T + mask) V, scores in fp32
 * @TAIHU_KERNEL_COUNT: number of kernel ids
 */
enum taihu_kernel {
	TAIHU_KERNEL_GEMM = 1,
	TAIHU_KERNEL_CONV2D = 2,
	TAIHU_KERNEL_POOL2D = 3,
	TAIHU_KERNEL_BINARY = 4,
	TAIHU_KERNEL_UNARY = 5,
	TAIHU_KERNEL_SOFTMAX = 6,
	TAIHU_KERNEL_LOG_SOFTMAX = 7,
	TAIHU_KERNEL_LAYERNORM = 8,
	TAIHU_KERNEL_RMSNORM = 9,
	TAIHU_KERNEL_BATCHNORM = 10,
	TAIHU_KERNEL_REDUCE = 11,
	TAIHU_KERNEL_TRANSPOSE = 12,
	TAIHU_KERNEL_CAST = 13,
	TAIHU_KERNEL_ATTENTION = 14,
	TAIHU_KERNEL_COUNT = 15,
};

/**
 * struct taihu_pkt_kernel - run one inference kernel
 * @hdr: opcode TAIHU_PKT_KERNEL; size 16 + 128 * (@num_inputs +
 *	@num_outputs) + @params_size rounded up to 8
 * @kernel: &enum taihu_kernel
 * @num_inputs: input descriptors, first after this structure
 * @num_outputs: output descriptors, after the inputs; at most
 *	TAIHU_KERNEL_MAX_TENSORS descriptors in all
 * @params_size: bytes of the kernel's parameter structure after the
 *	descriptors. A shorter structure (an older writer) reads as if the
 *	missing fields were zero; a longer one is accepted when the bytes the
 *	firmware does not know are zero. Padding to 8 bytes is zero
 * @flags: zero
 *
 * Followed by struct taihu_tensor_desc tensors[@num_inputs + @num_outputs]
 * and the parameters.
 */
struct taihu_pkt_kernel {
	struct taihu_pkt_header hdr;
	__u16 kernel;
	__u8 num_inputs;
	__u8 num_outputs;
	__u16 params_size;
	__u16 flags;
};

/**
 * enum taihu_act_op - element-wise functions: UNARY's operation and the
 * activation fused into other kernels (&struct taihu_act)
 * @TAIHU_ACT_NONE: identity (UNARY: a copy, or a requantisation)
 * @TAIHU_ACT_RELU: max(x, 0)
 * @TAIHU_ACT_LEAKY_RELU: x >= 0 ? x : alpha * x
 * @TAIHU_ACT_CLIP: min(max(x, alpha), beta)
 * @TAIHU_ACT_GELU_ERF: 0.5 x (1 + erf(x / sqrt(2)))
 * @TAIHU_ACT_GELU_TANH: 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))
 * @TAIHU_ACT_SILU: x / (1 + exp(-x))
 * @TAIHU_ACT_SIGMOID: 1 / (1 + exp(-x))
 * @TAIHU_ACT_TANH: tanh(x)
 * @TAIHU_ACT_EXP: exp(x)
 * @TAIHU_ACT_SQRT: sqrt(x) (NaN below zero)
 * @TAIHU_ACT_RECIPROCAL: 1 / x (+-Inf at +-0)
 * @TAIHU_ACT_ABS: |x|
 * @TAIHU_ACT_NEG: -x
 * @TAIHU_ACT_LOG: log(x) (NaN below zero, -Inf at 0)
 * @TAIHU_ACT_ERF: erf(x)
 * @TAIHU_ACT_COUNT: number of operations
 */
enum taihu_act_op {
	TAIHU_ACT_NONE = 0,
	TAIHU_ACT_RELU = 1,
	TAIHU_ACT_LEAKY_RELU = 2,
	TAIHU_ACT_CLIP = 3,
	TAIHU_ACT_GELU_ERF = 4,
	TAIHU_ACT_GELU_TANH = 5,
	TAIHU_ACT_SILU = 6,
	TAIHU_ACT_SIGMOID = 7,
	TAIHU_ACT_TANH = 8,
	TAIHU_ACT_EXP = 9,
	TAIHU_ACT_SQRT = 10,
	TAIHU_ACT_RECIPROCAL = 11,
	TAIHU_ACT_ABS = 12,
	TAIHU_ACT_NEG = 13,
	TAIHU_ACT_LOG = 14,
	TAIHU_ACT_ERF = 15,
	TAIHU_ACT_COUNT = 16,
};

/**
 * struct taihu_act - an element-wise function applied to a result
 * @op: &enum taihu_act_op
 * @alpha: LEAKY_RELU's slope, CLIP's lower bound; else zero
 * @beta: CLIP's upper bound (at least @alpha); else zero
 * @reserved: zero
 */
struct taihu_act {
	__u32 op;
	float alpha;
	float beta;
	__u32 reserved;
};

/* Flags of &taihu_gemm_params.flags. */
#define TAIHU_GEMM_TRANS_A		(1u << 0)	/* A is [..., K, M] */
#define TAIHU_GEMM_TRANS_B		(1u << 1)	/* B is [..., N, K] */

/**
 * struct taihu_gemm_params - parameters of TAIHU_KERNEL_GEMM
 * @flags: TAIHU_GEMM_* bits
 * @alpha: scales A B (finite)
 * @beta: scales C when given (finite)
 * @reserved: zero
 * @act: activation applied last
 */
struct taihu_gemm_params {
	__u32 flags;
	float alpha;
	float beta;
	__u32 reserved;
	struct taihu_act act;
};

/**
 * struct taihu_conv2d_params - parameters of TAIHU_KERNEL_CONV2D
 * @stride: vertical and horizontal stride, at least 1
 * @dilation: vertical and horizontal dilation, at least 1
 * @pad_begin: zero padding above and left of X
 * @pad_end: zero padding below and right of X
 * @groups: at least 1, dividing C and OC (C = groups: depthwise)
 * @reserved: zero
 * @act: activation applied last
 */
struct taihu_conv2d_params {
	__u32 stride[2];
	__u32 dilation[2];
	__u32 pad_begin[2];
	__u32 pad_end[2];
	__u32 groups;
	__u32 reserved;
	struct taihu_act act;
};

/**
 * enum taihu_pool_op - pooling operations
 * @TAIHU_POOL_MAX: the largest element of the window (padding never wins)
 * @TAIHU_POOL_AVG: the mean of the window's elements
 */
enum taihu_pool_op {
	TAIHU_POOL_MAX = 0,
	TAIHU_POOL_AVG = 1,
};

/* Flags of &taihu_pool2d_params.flags. */
/* AVG divides by the whole window, padding included (else by the elements in X). */
#define TAIHU_POOL_COUNT_PAD		(1u << 0)

/**
 * struct taihu_pool2d_params - parameters of TAIHU_KERNEL_POOL2D
 * @op: &enum taihu_pool_op
 * @flags: TAIHU_POOL_* bits
 * @kernel: window height and width, at least 1 (global pooling: H, W)
 * @stride: at least 1
 * @dilation: at least 1
 * @pad_begin: padding above and left, below the window's extent
 * @pad_end: padding below and right, below the window's extent
 *
 * Int8 pooling keeps the scale and zero point of X when Y has the same;
 * AVG sums in int32 and requantises the mean.
 */
struct taihu_pool2d_params {
	__u32 op;
	__u32 flags;
	__u32 kernel[2];
	__u32 stride[2];
	__u32 dilation[2];
	__u32 pad_begin[2];
	__u32 pad_end[2];
};

/**
 * enum taihu_binary_op - element-wise binary operations
 * @TAIHU_BINARY_ADD: a + b
 * @TAIHU_BINARY_SUB: a - b
 * @TAIHU_BINARY_MUL: a * b
 * @TAIHU_BINARY_DIV: a / b (IEEE: +-Inf or NaN for b = 0)
 * @TAIHU_BINARY_MAX: the larger; NaN if either is NaN
 * @TAIHU_BINARY_MIN: the smaller; NaN if either is NaN
 * @TAIHU_BINARY_COUNT: number of operations
 */
enum taihu_binary_op {
	TAIHU_BINARY_ADD = 0,
	TAIHU_BINARY_SUB = 1,
	TAIHU_BINARY_MUL = 2,
	TAIHU_BINARY_DIV = 3,
	TAIHU_BINARY_MAX = 4,
	TAIHU_BINARY_MIN = 5,
	TAIHU_BINARY_COUNT = 6,
};

/**
 * struct taihu_binary_params - parameters of TAIHU_KERNEL_BINARY
 * @op: &enum taihu_binary_op
 * @reserved: zero
 * @act: activation applied to the result
 */
struct taihu_binary_params {
	__u32 op;
	__u32 reserved;
	struct taihu_act act;
};

/**
 * struct taihu_unary_params - parameters of TAIHU_KERNEL_UNARY
 * @act: the function
 */
struct taihu_unary_params {
	struct taihu_act act;
};

/**
 * struct taihu_softmax_params - parameters of SOFTMAX and LOG_SOFTMAX
 * @axis: the dimension, -rank..rank-1 (negative counts from the end)
 * @reserved: zero
 */
struct taihu_softmax_params {
	__s32 axis;
	__u32 reserved;
};

/**
 * struct taihu_norm_params - parameters of LAYERNORM and RMSNORM
 * @axis: first normalised dimension, -rank..rank-1; the statistics are
 *	taken over dimensions axis..rank-1
 * @epsilon: added to the variance (mean square), finite and at least 0
 */
struct taihu_norm_params {
	__s32 axis;
	float epsilon;
};

/**
 * struct taihu_batchnorm_params - parameters of TAIHU_KERNEL_BATCHNORM
 * @epsilon: added to the variance, finite and at least 0
 * @reserved: zero
 * @act: activation applied last
 */
struct taihu_batchnorm_params {
	float epsilon;
	__u32 reserved;
	struct taihu_act act;
};

/**
 * enum taihu_reduce_op - reductions
 * @TAIHU_REDUCE_SUM: sum (fp32 accumulation)
 * @TAIHU_REDUCE_MEAN: sum / count
 * @TAIHU_REDUCE_MAX: largest; NaN if any is NaN
 * @TAIHU_REDUCE_MIN: smallest; NaN if any is NaN
 * @TAIHU_REDUCE_COUNT: number of operations
 */
enum taihu_reduce_op {
	TAIHU_REDUCE_SUM = 0,
	TAIHU_REDUCE_MEAN = 1,
	TAIHU_REDUCE_MAX = 2,
	TAIHU_REDUCE_MIN = 3,
	TAIHU_REDUCE_COUNT = 4,
};

/**
 * struct taihu_reduce_params - parameters of TAIHU_KERNEL_REDUCE
 * @op: &enum taihu_reduce_op
 * @axes: bit i set reduces dimension i of X; at least one bit, below rank
 */
struct taihu_reduce_params {
	__u32 op;
	__u32 axes;
};

/**
 * struct taihu_transpose_params - parameters of TAIHU_KERNEL_TRANSPOSE
 * @perm: a permutation of 0..rank-1; zero beyond the rank
 * @reserved: zero
 */
struct taihu_transpose_params {
	__u8 perm[TAIHU_MAX_RANK];
	__u16 reserved;
};

/**
 * struct taihu_cast_params - parameters of TAIHU_KERNEL_CAST
 * @reserved: zero
 */
struct taihu_cast_params {
	__u32 reserved[2];
};

/* Flags of &taihu_attention_params.flags. */
/* Query position s sees key positions t <= s + T - S only. */
#define TAIHU_ATTENTION_CAUSAL		(1u << 0)

/**
 * struct taihu_attention_params - parameters of TAIHU_KERNEL_ATTENTION
 * @scale: multiplies Q K^T; 0 means 1 / sqrt(D)
 * @flags: TAIHU_ATTENTION_* bits
 *
 * A query row whose keys are all masked (-Inf) gives NaN, as softmax does.
 */
struct taihu_attention_params {
	float scale;
	__u32 flags;
};

/**
 * enum taihu_kernel_reason - why a KERNEL packet was refused
 * @TAIHU_REASON_NONE: no kernel error
 * @TAIHU_REASON_UNKNOWN_KERNEL: the kernel id is not one this firmware knows
 *	(status UNSUPPORTED)
 * @TAIHU_REASON_DISABLED: the running firmware does not enable the kernel
 *	(status UNSUPPORTED)
 * @TAIHU_REASON_DTYPE_DISABLED: the firmware does not enable the kernel in
 *	this dtype (status UNSUPPORTED)
 * @TAIHU_REASON_RANK_LIMIT: a rank above the firmware's limit (UNSUPPORTED)
 * @TAIHU_REASON_DIM_LIMIT: a dimension above the firmware's limit
 *	(UNSUPPORTED)
 * @TAIHU_REASON_SIZE_LIMIT: a tensor with more elements than the
 *	firmware's limit (UNSUPPORTED)
 * @TAIHU_REASON_NO_MEMORY: the card lacks scratch memory for the kernel
 *	(UNSUPPORTED)
 * @TAIHU_REASON_PACKET: bad packet: size, flags, tensor counts
 * @TAIHU_REASON_DESC: malformed descriptor: flags, unknown dtype or
 *	quantisation, shape or strides set beyond the rank, misaligned
 *	address, reserved bits
 * @TAIHU_REASON_DTYPE: a dtype or combination the kernel does not define
 * @TAIHU_REASON_RANK: a rank the kernel does not accept
 * @TAIHU_REASON_ZERO_DIM: a dimension of zero
 * @TAIHU_REASON_STRIDE: a negative stride or an extent that overflows
 * @TAIHU_REASON_SHAPE: shapes that do not fit together
 * @TAIHU_REASON_PARAMS: a parameter out of range or a reserved one set
 * @TAIHU_REASON_QUANT: bad quantisation: where none is allowed, a scale not
 *	finite and positive, a zero point out of range, an axis beyond the rank
 * @TAIHU_REASON_OVERLAP: an output broadcasts, or overlaps an input or
 *	another output
 *
 * Statuses: reasons below TAIHU_REASON_PACKET come with
 * TAIHU_STATUS_UNSUPPORTED, the others with TAIHU_STATUS_INVALID_KERNEL.
 */
enum taihu_kernel_reason {
	TAIHU_REASON_NONE = 0,
	TAIHU_REASON_UNKNOWN_KERNEL = 1,
	TAIHU_REASON_DISABLED = 2,
	TAIHU_REASON_DTYPE_DISABLED = 3,
	TAIHU_REASON_RANK_LIMIT = 4,
	TAIHU_REASON_DIM_LIMIT = 5,
	TAIHU_REASON_SIZE_LIMIT = 6,
	TAIHU_REASON_NO_MEMORY = 7,
	TAIHU_REASON_PACKET = 16,
	TAIHU_REASON_DESC = 17,
	TAIHU_REASON_DTYPE = 18,
	TAIHU_REASON_RANK = 19,
	TAIHU_REASON_ZERO_DIM = 20,
	TAIHU_REASON_STRIDE = 21,
	TAIHU_REASON_SHAPE = 22,
	TAIHU_REASON_PARAMS = 23,
	TAIHU_REASON_QUANT = 24,
	TAIHU_REASON_OVERLAP = 25,
};

/*
 * The detail word of a kernel failure: the kernel id, the operand (a tensor
 * index, inputs first, or TAIHU_OPERAND_PARAMS / TAIHU_OPERAND_PACKET) and
 * the field: for a tensor a dimension index 0..5 or a TAIHU_FIELD_*; for
 * the parameters the index of the 32-bit word of the parameter structure.
 */
#define TAIHU_OPERAND_PARAMS		0xfe
#define TAIHU_OPERAND_PACKET		0xff
#define TAIHU_FIELD_NONE		0xff
#define TAIHU_FIELD_ADDR		0x10
#define TAIHU_FIELD_DTYPE		0x11
#define TAIHU_FIELD_RANK		0x12
#define TAIHU_FIELD_QUANT		0x13
#define TAIHU_FIELD_FLAGS		0x14
#define TAIHU_FIELD_SCALE		0x15
#define TAIHU_FIELD_ZERO_POINT		0x16
#define TAIHU_FIELD_RESERVED		0x17

#define TAIHU_KERNEL_DETAIL(kernel, operand, field) \
	((__u32)(kernel) | (__u32)(operand) << 16 | (__u32)(field) << 24)
#define TAIHU_DETAIL_KERNEL(detail)	((detail) & 0xffff)
#define TAIHU_DETAIL_OPERAND(detail)	(((detail) >> 16) & 0xff)
#define TAIHU_DETAIL_FIELD(detail)	(((detail) >> 24) & 0xff)

#endif /* TAIHU_CMDSTREAM_H */
