/* SPDX-License-Identifier: MIT */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The prepared plan: what a session runs, independent of the device.
 * Lowering (lower*.c) turns the live nodes of the graph into card kernels
 * over strided views of storage; the memory planner (memplan.c) gives each
 * storage its place in one of three buffers; the session (session.c)
 * creates those buffers on the card and writes the command stream.
 */
#ifndef OX_PLAN_H
#define OX_PLAN_H

#include "fuse.h"
#include "ox.h"

/*
 * Card kernels: the values of the firmware's enum taihu_kernel (its
 * command-stream header), plus OXK_COPY and OXK_FILL, the COPY and FILL
 * packets over contiguous bytes.
 */
enum ox_kind {
	OXK_GEMM = 1, OXK_CONV2D = 2, OXK_POOL2D = 3, OXK_BINARY = 4, OXK_UNARY = 5,
	OXK_SOFTMAX = 6, OXK_LOG_SOFTMAX = 7, OXK_LAYERNORM = 8, OXK_RMSNORM = 9,
	OXK_BATCHNORM = 10, OXK_REDUCE = 11, OXK_TRANSPOSE = 12, OXK_CAST = 13,
	OXK_ATTENTION = 14,
	OXK_COPY = 100,
	OXK_FILL = 101,
};

enum ox_binop { OXB_ADD = 0, OXB_SUB, OXB_MUL, OXB_DIV, OXB_MAX, OXB_MIN };
enum ox_poolop { OXP_MAX = 0, OXP_AVG = 1 };
enum ox_redop { OXR_SUM = 0, OXR_MEAN, OXR_MAX, OXR_MIN };

#define OX_GEMM_TRANS_A (1u << 0)
#define OX_GEMM_TRANS_B (1u << 1)
#define OX_POOL_COUNT_PAD (1u << 0)

/* Largest rank and tensor count of one card kernel. */
#define OX_CARD_MAX_RANK 6
#define OX_KERNEL_MAX_TENSORS 8

/* Where a storage lives. */
enum ox_store_kind {
	OXS_WEIGHT,		/* VRAM, uploaded once when the session prepares */
	OXS_ARENA,		/* VRAM, planned: reused between values */
	OXS_IO,			/* host memory: graph inputs and outputs */
};

struct ox_store {
	int kind;
	uint64_t bytes;
	uint64_t offset;	/* in its buffer (memplan.c) */
	int first, last;	/* kernels using it: its lifetime (arena) */
	ox_tensor *data;	/* OXS_WEIGHT: what to upload (owned) */
	const char *what;	/* the value it was made for */
};

/* Quantisation of a view (the card's enum taihu_quant). */
enum ox_vquant { OXQ_NONE = 0, OXQ_TENSOR = 1, OXQ_CHANNEL = 2 };

/* A strided view of a storage: a kernel operand. */
struct ox_view {
	int store;		/* -1: an absent optional operand */
	int64_t offset;		/* elements from the start of the storage */
	int dtype;		/* ONNX dtype as the card holds it */
	int rank;
	int64_t dims[OX_MAX_RANK];
	int64_t strides[OX_MAX_RANK];	/* elements, >= 0 */
	int quant;		/* enum ox_vquant */
	int quant_axis;
	float scale;
	int32_t zero;
	int qscale_store;	/* OXQ_CHANNEL: fp32 scales */
	int qzero_store;	/* OXQ_CHANNEL: int32 zero points, or -1 */
};

struct ox_kernel {
	int kind;		/* enum ox_kind */
	int n_in, n_out;
	struct ox_view t[OX_KERNEL_MAX_TENSORS];	/* inputs, then outputs */
	union {
		struct { unsigned flags; float alpha, beta; struct ox_act act; } gemm;
		struct {
			int stride[2], dilation[2], pad_begin[2], pad_end[2], groups;
			struct ox_act act;
		} conv;
		struct {
			int op; unsigned flags;
			int kernel[2], stride[2], dilation[2], pad_begin[2], pad_end[2];
		} pool;
		struct { int op; struct ox_act act; } binary;
		struct ox_act unary;
		struct { int axis; } softmax;
		struct { int axis; float epsilon; } norm;
		struct { float epsilon; struct ox_act act; } bn;
		struct { int op; unsigned axes; } reduce;
		struct { int perm[OX_CARD_MAX_RANK]; } transpose;
		struct { float scale; unsigned flags; } attn;
		struct { uint64_t bytes; } copy;
		struct { uint64_t bytes; uint32_t value; } fill;
	} p;
	int node;		/* the ONNX node it implements, -1 for I/O casts */
	const char *label;	/* e.g. "Conv+Relu" */
};

/* A graph input or output and where the host reads or writes it. */
struct ox_io {
	int value;
	int store;		/* OXS_IO storage, -1 for an output known at prepare */
	int dtype;		/* as the model says (and the host file holds) */
	const ox_tensor *konst;	/* an output folded at prepare */
};

struct ox_plan {
	struct ox_graph *g;
	int precision;		/* TAIHU_ONNX_PRECISION_* */
	unsigned flags;

	struct ox_store *stores;
	int n_stores, cap_stores;
	struct ox_kernel *kernels;
	int n_kernels, cap_kernels;
	struct ox_view *views;	/* per value */
	bool *has_view;

	struct ox_io *in;	/* per model input */
	int n_in;
	struct ox_io *out;	/* per model output */
	int n_out;

	uint64_t weights_bytes;
	uint64_t arena_bytes;
	uint64_t arena_unplanned;
	uint64_t io_bytes;
	uint64_t profile_offset;	/* timestamps in the I/O buffer */
	uint32_t folded, fused, aliased;
};

/*
 * Build a plan of @m for @inputs (one per model input, in order; the
 * values of inputs that determine shapes are used too).
 */
int ox_plan_build(const struct taihu_onnx_model *m, const ox_tensor *const *inputs,
		  int precision, unsigned flags, struct ox_plan **out);
void ox_plan_free(struct ox_plan *p);

/* Lowering of the live nodes (lower.c). */
int ox_lower_graph(struct ox_plan *p);
/* Offsets of every storage, buffer sizes (memplan.c). */
int ox_memplan(struct ox_plan *p);

/*
 * Whether the runtime implements operator @op at all: lowered onto the card
 * or folded on the host when its inputs are known at prepare. Whether a
 * given node runs also depends on its attributes, types and inputs.
 */
bool ox_op_supported(const char *op);
bool ox_lower_handles(const char *op);

/* Names for reports. */
const char *ox_kind_name(int kind);

#endif /* OX_PLAN_H */
