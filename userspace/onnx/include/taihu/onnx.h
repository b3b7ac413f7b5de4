/* SPDX-License-Identifier: MIT */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * libtaihu-onnx: run ONNX models on Taihu cards.
 *
 * A model is parsed once (taihu_onnx_model_load()); a session binds it to a
 * device and prepares it for the shapes of the inputs it is given: shape
 * inference, folding of the shape arithmetic and of constants on the host,
 * fusion, lowering to card kernels, memory planning and the upload of the
 * weights to VRAM. Each taihu_onnx_session_run() is then one submission.
 * A session prepares again when an input's shape (or the value of an input
 * that determines shapes) changes.
 *
 * Errors: functions return 0 (or a non-negative count) on success and a
 * negative errno on failure; taihu_onnx_last_error() then describes it,
 * naming the file, node, operator or input. -EOPNOTSUPP means the model is
 * valid but uses something the runtime or the card does not support;
 * -EBADMSG a file that is not a well-formed model or tensor; -EINVAL an
 * invalid model, input or argument.
 */
#ifndef TAIHU_ONNX_H
#define TAIHU_ONNX_H

#include <stddef.h>
#include <stdint.h>

#include "taihu/taihu.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * taihu_onnx_last_error() - message of the last failed call in this thread
 * Return: a thread-local string, "" when nothing failed; never NULL.
 */
const char *taihu_onnx_last_error(void);

/* ---- host tensors ----------------------------------------------------- */

/* Element types: the values of ONNX's TensorProto.DataType. */
#define TAIHU_ONNX_FLOAT	1
#define TAIHU_ONNX_UINT8	2
#define TAIHU_ONNX_INT8		3
#define TAIHU_ONNX_UINT16	4
#define TAIHU_ONNX_INT16	5
#define TAIHU_ONNX_INT32	6
#define TAIHU_ONNX_INT64	7
#define TAIHU_ONNX_BOOL		9
#define TAIHU_ONNX_FLOAT16	10
#define TAIHU_ONNX_DOUBLE	11
#define TAIHU_ONNX_UINT32	12
#define TAIHU_ONNX_UINT64	13
#define TAIHU_ONNX_BFLOAT16	16

/* Largest rank of a tensor the runtime handles on the host. */
#define TAIHU_ONNX_MAX_RANK	8

/* A dense host tensor (library-allocated, opaque). */
struct taihu_onnx_tensor;

/** taihu_onnx_dtype_name() - "float32", "int64", ...; "undefined" otherwise */
const char *taihu_onnx_dtype_name(int dtype);
/** taihu_onnx_dtype_size() - bytes per element, 0 for unknown types */
size_t taihu_onnx_dtype_size(int dtype);

/**
 * taihu_onnx_tensor_new() - a zero-filled tensor
 * @dtype: TAIHU_ONNX_* element type
 * @rank: 0..TAIHU_ONNX_MAX_RANK
 * @dims: @rank dimensions, each >= 0 (may be NULL when @rank is 0)
 * @out: receives the tensor
 */
int taihu_onnx_tensor_new(int dtype, int rank, const int64_t *dims,
			  struct taihu_onnx_tensor **out);
void taihu_onnx_tensor_free(struct taihu_onnx_tensor *t);

/**
 * taihu_onnx_tensor_load() - read a tensor from a file: an ONNX
 * TensorProto (".pb") or a NumPy array (".npy", decided by its magic)
 */
int taihu_onnx_tensor_load(const char *path, struct taihu_onnx_tensor **out);

/* File formats of taihu_onnx_tensor_save(). */
#define TAIHU_ONNX_FORMAT_PB	0
#define TAIHU_ONNX_FORMAT_NPY	1

/** taihu_onnx_tensor_save() - write @t as @format; the name goes into .pb */
int taihu_onnx_tensor_save(const struct taihu_onnx_tensor *t, const char *path,
			   int format);
/** taihu_onnx_tensor_format() - format a loaded tensor was read in */
int taihu_onnx_tensor_format(const struct taihu_onnx_tensor *t);

int taihu_onnx_tensor_dtype(const struct taihu_onnx_tensor *t);
int taihu_onnx_tensor_rank(const struct taihu_onnx_tensor *t);
/** taihu_onnx_tensor_dims() - the @rank dimensions (NULL for NULL) */
const int64_t *taihu_onnx_tensor_dims(const struct taihu_onnx_tensor *t);
int64_t taihu_onnx_tensor_numel(const struct taihu_onnx_tensor *t);
void *taihu_onnx_tensor_data(struct taihu_onnx_tensor *t);
const void *taihu_onnx_tensor_cdata(const struct taihu_onnx_tensor *t);
/** taihu_onnx_tensor_name() - the name a .pb file carried, or "" */
const char *taihu_onnx_tensor_name(const struct taihu_onnx_tensor *t);

/**
 * taihu_onnx_tensor_element() - element @i converted to double (NaN for
 * an out-of-range index)
 */
double taihu_onnx_tensor_element(const struct taihu_onnx_tensor *t, int64_t i);

/* ---- models ----------------------------------------------------------- */

struct taihu_onnx_model;

/**
 * taihu_onnx_model_load() - parse an ONNX model file
 *
 * Checks the protobuf, the opsets (the default domain, versions 1..17),
 * the graph (names defined once, every input defined, no cycle) and the
 * initializers (raw and typed data matching their shapes). Operators are
 * checked when a session prepares the model.
 */
int taihu_onnx_model_load(const char *path, struct taihu_onnx_model **out);

/** taihu_onnx_model_load_buffer() - the same from memory; @name names it in errors */
int taihu_onnx_model_load_buffer(const void *data, size_t len,
				 const char *name,
				 struct taihu_onnx_model **out);
void taihu_onnx_model_free(struct taihu_onnx_model *m);

/** taihu_onnx_model_opset() - the default domain's opset version */
int taihu_onnx_model_opset(const struct taihu_onnx_model *m);
/** taihu_onnx_model_num_nodes() - nodes of the main graph */
int taihu_onnx_model_num_nodes(const struct taihu_onnx_model *m);
/** taihu_onnx_model_node_op() - operator of node @index ("" out of range) */
const char *taihu_onnx_model_node_op(const struct taihu_onnx_model *m, int index);
/** taihu_onnx_model_producer() - "pytorch 1.13.1" or "" */
const char *taihu_onnx_model_producer(const struct taihu_onnx_model *m);
/** taihu_onnx_model_num_inputs() - graph inputs that are not initializers */
int taihu_onnx_model_num_inputs(const struct taihu_onnx_model *m);
int taihu_onnx_model_num_outputs(const struct taihu_onnx_model *m);

/**
 * struct taihu_onnx_io_info - one graph input or output
 * @size: set by the caller to sizeof(struct taihu_onnx_io_info)
 * @name: its name (valid while the model lives)
 * @dtype: TAIHU_ONNX_* element type (0 when the model does not say)
 * @rank: number of dimensions, -1 when the model does not say
 * @dims: dimensions; -1 for a dimension bound at run time
 * @dim_params: the symbolic name of such a dimension, or NULL
 * @shape_input: an input whose value determines shapes: its value, not
 *	only its shape, is fixed when the session prepares
 */
struct taihu_onnx_io_info {
	uint32_t size;
	const char *name;
	int dtype;
	int rank;
	int64_t dims[TAIHU_ONNX_MAX_RANK];
	const char *dim_params[TAIHU_ONNX_MAX_RANK];
	int shape_input;
};

/** taihu_onnx_model_input() - describe input @index (0..num_inputs-1) */
int taihu_onnx_model_input(const struct taihu_onnx_model *m, int index,
			   struct taihu_onnx_io_info *info);
/** taihu_onnx_model_output() - describe output @index */
int taihu_onnx_model_output(const struct taihu_onnx_model *m, int index,
			    struct taihu_onnx_io_info *info);
/** taihu_onnx_model_find_input() - index of input @name, or -ENOENT */
int taihu_onnx_model_find_input(const struct taihu_onnx_model *m,
				const char *name);

/* ---- sessions --------------------------------------------------------- */

/* Precisions of &taihu_onnx_options.precision. */
#define TAIHU_ONNX_PRECISION_MODEL	0	/* as the model says */
#define TAIHU_ONNX_PRECISION_BF16	1	/* fp32 work in bf16 */
#define TAIHU_ONNX_PRECISION_FP16	2	/* fp32 work in fp16 */

/* Flags of &taihu_onnx_options.flags. */
#define TAIHU_ONNX_PROFILE	(1u << 0)	/* time each kernel (timestamps) */
#define TAIHU_ONNX_NO_FUSION	(1u << 1)	/* lower node by node */
/*
 * Submit each run with SUBMIT and WAIT even when the card has user queues
 * (the environment's TAIHU_ONNX_NO_USER_QUEUE=1 does the same).
 */
#define TAIHU_ONNX_NO_USER_QUEUE	(1u << 2)

/**
 * struct taihu_onnx_options - how a session runs (zero means default)
 * @size: set by the caller to sizeof(struct taihu_onnx_options)
 * @precision: TAIHU_ONNX_PRECISION_*
 * @queue: hardware queue of the submissions
 * @flags: TAIHU_ONNX_* flags
 * @timeout_ns: job timeout of one run (0: 60 s)
 */
struct taihu_onnx_options {
	uint32_t size;
	uint32_t precision;
	uint32_t queue;
	uint32_t flags;
	int64_t timeout_ns;
};

struct taihu_onnx_session;

/**
 * taihu_onnx_session_new() - a session of @m on @dev
 * @dev: the device; it must outlive the session
 * @m: the model; it must outlive the session
 * @opts: may be NULL for the defaults
 * @out: receives the session
 */
int taihu_onnx_session_new(struct taihu_device *dev,
			   const struct taihu_onnx_model *m,
			   const struct taihu_onnx_options *opts,
			   struct taihu_onnx_session **out);
void taihu_onnx_session_free(struct taihu_onnx_session *s);

/**
 * taihu_onnx_session_set_input() - give input @name the tensor @t
 * @t: copied when the session prepares or runs; the caller keeps it
 *
 * Return: 0, -ENOENT (no such input), -EINVAL (dtype or rank differ from
 * what the model declares, or a fixed dimension differs).
 */
int taihu_onnx_session_set_input(struct taihu_onnx_session *s,
				 const char *name,
				 const struct taihu_onnx_tensor *t);

/**
 * taihu_onnx_session_prepare() - prepare for the inputs set so far
 * (run() does it when needed; calling it first separates the cost)
 */
int taihu_onnx_session_prepare(struct taihu_onnx_session *s);

/**
 * taihu_onnx_session_run() - one inference: write the inputs, one
 * submission, wait, read the outputs
 *
 * With a card that has user queues (DRM_TAIHU_CAP_USER_QUEUES) the
 * submission is one entry of a user queue the session creates on
 * &taihu_onnx_options.queue (after one null SUBMIT that maps its buffers);
 * else, with TAIHU_ONNX_NO_USER_QUEUE, or when no user queue can be
 * created, a SUBMIT and a WAIT. A failed or timed-out job fails the run the
 * same way on both; the next run starts a new user queue.
 */
int taihu_onnx_session_run(struct taihu_onnx_session *s);

/**
 * taihu_onnx_session_output() - output @index of the last run
 * @out: receives a tensor owned by the session, valid until the next run
 */
int taihu_onnx_session_output(struct taihu_onnx_session *s, int index,
			      const struct taihu_onnx_tensor **out);

/**
 * struct taihu_onnx_stats - what the prepared session holds and did
 * @size: set by the caller to sizeof(struct taihu_onnx_stats)
 * @nodes: nodes of the model
 * @folded: nodes evaluated on the host at prepare time (constants and
 *	shape arithmetic)
 * @fused: nodes merged into another node's kernel
 * @aliased: nodes that became views (reshape-like, no kernel)
 * @kernels: card kernels of one run
 * @copies: COPY/FILL packets of one run
 * @barriers: BARRIER packets of one run
 * @weights_bytes: VRAM of the weights (uploaded once)
 * @arena_bytes: VRAM of the planned intermediate buffers
 * @arena_unplanned_bytes: what the intermediates would need without reuse
 * @io_bytes: host memory of the inputs and outputs the card reads/writes
 * @cmd_bytes: size of the command stream
 * @peak_device_bytes: weights + arena + command stream
 * @last_wall_ns: wall time of the last run (submit to results read)
 * @last_device_ns: card time of the last run's job
 * @prepare_ns: wall time of the last prepare
 * @prepares: how many times the session prepared
 * @precision: TAIHU_ONNX_PRECISION_* the session runs in
 * @last_input_ns: of @last_wall_ns, writing the inputs into the buffer
 *	the card reads
 * @last_submit_ns: of @last_wall_ns, the submit call (the SUBMIT ioctl, or
 *	the user-queue push and kick)
 * @last_wait_ns: of @last_wall_ns, the wait call: the job on the card
 *	(@last_device_ns) and its completion reaching this process
 * @last_output_ns: of @last_wall_ns, reading the outputs
 * @last_user_queue: 1 if the last run went through a user queue, 0 if it
 *	went through SUBMIT
 */
struct taihu_onnx_stats {
	uint32_t size;
	uint32_t nodes;
	uint32_t folded;
	uint32_t fused;
	uint32_t aliased;
	uint32_t kernels;
	uint32_t copies;
	uint32_t barriers;
	uint64_t weights_bytes;
	uint64_t arena_bytes;
	uint64_t arena_unplanned_bytes;
	uint64_t io_bytes;
	uint64_t cmd_bytes;
	uint64_t peak_device_bytes;
	uint64_t last_wall_ns;
	uint64_t last_device_ns;
	uint64_t prepare_ns;
	uint32_t prepares;
	uint32_t precision;
	uint64_t last_input_ns;
	uint64_t last_submit_ns;
	uint64_t last_wait_ns;
	uint64_t last_output_ns;
	uint32_t last_user_queue;
};

int taihu_onnx_session_stats(const struct taihu_onnx_session *s,
			     struct taihu_onnx_stats *st);

/**
 * struct taihu_onnx_kernel_info - one card kernel of the prepared plan
 * @size: set by the caller to sizeof(struct taihu_onnx_kernel_info)
 * @kind: the card kernel, e.g. "CONV2D", "GEMM", "COPY"
 * @node: name of the (first) ONNX node it implements
 * @op: that node's operator, with "+" and the fused ones, e.g. "Conv+Relu"
 * @device_ns: card time of this kernel in the last profiled run (0 when
 *	the session does not profile)
 */
struct taihu_onnx_kernel_info {
	uint32_t size;
	const char *kind;
	const char *node;
	const char *op;
	uint64_t device_ns;
};

/** taihu_onnx_session_num_kernels() - kernels (and copies) of one run */
int taihu_onnx_session_num_kernels(const struct taihu_onnx_session *s);
int taihu_onnx_session_kernel(const struct taihu_onnx_session *s, int index,
			      struct taihu_onnx_kernel_info *info);

#ifdef __cplusplus
}
#endif

#endif /* TAIHU_ONNX_H */
