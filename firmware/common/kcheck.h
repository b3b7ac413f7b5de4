/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The checks of a KERNEL packet that need no device memory: its layout,
 * every tensor descriptor, the parameters and the shape rules of each
 * kernel (taihu_cmdstream.h). The card runs them before a kernel touches
 * memory, libtaihu runs the same code before it appends a packet, so that
 * a bad call fails in the library with the reason the card would give.
 *
 * What only the card knows (which kernels and dtypes the running firmware
 * enables, its limits, the context's mappings) is checked by the card on
 * top of this.
 */
#ifndef TAIHU_KCHECK_H
#define TAIHU_KCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <taihu_cmdstream.h>

/* Why a packet was refused: what goes into the completion, and a message. */
struct tk_error {
	uint32_t reason;	/* enum taihu_kernel_reason */
	uint32_t detail;	/* TAIHU_KERNEL_DETAIL() */
	char msg[192];		/* "gemm: B: shape[0] 7 is not A's K 8" */
};

/* Largest parameter structure of any kernel (CONV2D's; kcheck.c checks every one fits). */
#define TK_PARAMS_MAX	56

/*
 * A packet that passed tk_parse(): descriptors and parameters copied out,
 * with the extent of each tensor. Absent optional operands have
 * TAIHU_TENSOR_ABSENT in their flags.
 */
struct tk_packet {
	uint16_t kernel;
	uint8_t num_inputs;
	uint8_t num_outputs;
	uint32_t size;		/* bytes of the packet */
	struct taihu_tensor_desc t[TAIHU_KERNEL_MAX_TENSORS];
	uint64_t elems[TAIHU_KERNEL_MAX_TENSORS];	/* product of the shape */
	uint64_t bytes[TAIHU_KERNEL_MAX_TENSORS];	/* lowest to highest element */
	union {
		struct taihu_gemm_params gemm;
		struct taihu_conv2d_params conv;
		struct taihu_pool2d_params pool;
		struct taihu_binary_params binary;
		struct taihu_unary_params unary;
		struct taihu_softmax_params softmax;
		struct taihu_norm_params norm;
		struct taihu_batchnorm_params bn;
		struct taihu_reduce_params reduce;
		struct taihu_transpose_params transpose;
		struct taihu_cast_params cast;
		struct taihu_attention_params attn;
		uint8_t raw[TK_PARAMS_MAX];
	} p;
};

/*
 * Check the packet of @len bytes at @pkt (its header included, @len at
 * least its header's size) and fill @out. Returns 0, or -1 with @err set.
 * Never reads past @len.
 */
int tk_parse(const void *pkt, size_t len, struct tk_packet *out, struct tk_error *err);

/* True if @present: the tensor slot @i is given (not TAIHU_TENSOR_ABSENT). */
static inline bool tk_present(const struct tk_packet *k, unsigned int i)
{
	return i < (unsigned int)k->num_inputs + k->num_outputs &&
	       !(k->t[i].flags & TAIHU_TENSOR_ABSENT);
}

/*
 * The operand number of tensor @i in a completion's detail: its slot in
 * the kernel's full form (outputs after every optional input).
 */
unsigned int tk_slot(const struct tk_packet *k, unsigned int i);

/* True if input @i is given: @i below num_inputs and not TAIHU_TENSOR_ABSENT. */
static inline bool tk_input(const struct tk_packet *k, unsigned int i)
{
	return i < k->num_inputs && !(k->t[i].flags & TAIHU_TENSOR_ABSENT);
}

/* Index of the first output. */
static inline unsigned int tk_out(const struct tk_packet *k)
{
	return k->num_inputs;
}

/*
 * The dtypes whose firmware enable bits the packet needs: its first
 * input's (CAST: and its output's), UINT8 counted as INT8.
 */
uint32_t tk_compute_dtypes(const struct tk_packet *k);

/* Bytes of one element of @dtype (0 for an unknown dtype). */
unsigned int tk_dtype_size(unsigned int dtype);
bool tk_dtype_is_float(unsigned int dtype);
bool tk_dtype_is_quant(unsigned int dtype);	/* INT8, UINT8 */

/* "gemm", "fp32", "relu", ...; NULL for unknown values. */
const char *tk_kernel_name(unsigned int kernel);
const char *tk_dtype_name(unsigned int dtype);
const char *tk_act_name(unsigned int op);
const char *tk_binary_name(unsigned int op);
const char *tk_reduce_name(unsigned int op);
const char *tk_pool_name(unsigned int op);
/* "UNKNOWN_KERNEL", "SHAPE", ...; NULL for unknown values. */
const char *tk_reason_name(unsigned int reason);
/*
 * Whether a reason is the firmware's refusal (the job ends UNSUPPORTED)
 * rather than a malformed packet (INVALID_KERNEL).
 */
bool tk_reason_unsupported(unsigned int reason);

/* The kernel id, dtype id, ... of a name; -1 for an unknown name. */
int tk_kernel_by_name(const char *name);
int tk_dtype_by_name(const char *name);
int tk_act_by_name(const char *name);
int tk_binary_op_by_name(const char *name);

/*
 * The name of operand @operand of @kernel ("A", "gamma", "params", ...)
 * and of the parameter word @word of @kernel ("alpha", "stride[0]");
 * never NULL.
 */
const char *tk_operand_name(unsigned int kernel, unsigned int operand);
const char *tk_param_name(unsigned int kernel, unsigned int word);

/*
 * Describe a kernel failure from the completion's reason and detail:
 * "gemm: B (input 1): shape[0]: SHAPE (shapes that do not fit together)".
 * Returns @buf.
 */
char *tk_describe(uint32_t reason, uint32_t detail, char *buf, size_t len);

#endif /* TAIHU_KCHECK_H */
