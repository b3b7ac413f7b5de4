/* SPDX-License-Identifier: MIT */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * libtaihu-onnx internals: errors, arenas, host tensors and the graph IR
 * that loading, shape inference, folding, fusion and lowering work on.
 */
#ifndef OX_H
#define OX_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "taihu/onnx.h"

#define OX_EXPORT __attribute__((visibility("default")))
#define OX_MAX_RANK TAIHU_ONNX_MAX_RANK
#define OX_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Largest tensor the host builds while folding or reading files. */
#define OX_MAX_TENSOR_BYTES (1ull << 30)

/* ---- errors (error.c) -------------------------------------------------- */

/*
 * Set the thread's message and return @err (a negative errno). A message
 * set by a callee can be prefixed by its caller with ox_err_prefix().
 */
int ox_err(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int ox_err_prefix(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ox_err_clear(void);

/*
 * The error helpers as expressions whose value is @err: the static analyser
 * (clang-analyzer, make lint) does not follow variadic calls, and would
 * otherwise take every "return ox_err(-EINVAL, ...)" for a possible 0.
 * @err is evaluated once, before the message is formatted (so -errno is the
 * caller's errno).
 */
#define OX_RETURNS_ERR(fn, err, ...) \
	({ int ox_err_ = (err); (fn)(__VA_ARGS__); ox_err_; })
#define ox_err(err, ...) OX_RETURNS_ERR(ox_err, err, ox_err_, __VA_ARGS__)
#define ox_err_prefix(err, ...) OX_RETURNS_ERR(ox_err_prefix, err, ox_err_, __VA_ARGS__)

/* ---- arena (arena.c): many small allocations freed at once ------------- */

struct ox_arena;

struct ox_arena *ox_arena_new(void);
void ox_arena_free(struct ox_arena *a);
/* Zeroed, 16-byte aligned; NULL when out of memory or @n is absurd. */
void *ox_alloc(struct ox_arena *a, size_t n);
void *ox_alloc_array(struct ox_arena *a, size_t count, size_t size);
char *ox_strdup(struct ox_arena *a, const char *s);
char *ox_sprintf(struct ox_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
size_t ox_arena_bytes(const struct ox_arena *a);

/* ---- element types (dtype.c) ------------------------------------------ */

enum ox_dtype {
	OX_UNDEF = 0,
	OX_F32 = 1,
	OX_U8 = 2,
	OX_I8 = 3,
	OX_U16 = 4,
	OX_I16 = 5,
	OX_I32 = 6,
	OX_I64 = 7,
	OX_STRING = 8,
	OX_BOOL = 9,
	OX_F16 = 10,
	OX_F64 = 11,
	OX_U32 = 12,
	OX_U64 = 13,
	OX_C64 = 14,
	OX_C128 = 15,
	OX_BF16 = 16,
};

const char *ox_dtype_name(int dt);
size_t ox_dtype_size(int dt);		/* 0 for unknown/unsupported */
bool ox_dtype_is_float(int dt);		/* f16, bf16, f32, f64 */
bool ox_dtype_is_int(int dt);		/* signed and unsigned integers */
bool ox_dtype_is_signed(int dt);

float ox_f16_to_f32(uint16_t h);
uint16_t ox_f32_to_f16(float f);	/* round to nearest even */
float ox_bf16_to_f32(uint16_t h);
uint16_t ox_f32_to_bf16(float f);	/* round to nearest even */
/* ONNX's Cast to bfloat16 (its reference up to onnx 1.12): the high half of the bits. */
uint16_t ox_f32_to_bf16_trunc(float f);

/* ---- host tensors (tensor.c) ------------------------------------------ */

struct taihu_onnx_tensor {
	int dtype;
	int rank;
	int64_t dims[OX_MAX_RANK];
	int64_t numel;
	size_t nbytes;
	void *data;		/* nbytes; may be borrowed */
	bool owned;		/* data was allocated for this tensor */
	int format;		/* TAIHU_ONNX_FORMAT_* it was read from */
	char *name;		/* malloc'ed or NULL */
};

typedef struct taihu_onnx_tensor ox_tensor;

/* numel of @dims, or -1 on overflow / negative dims / too many bytes for @dt */
int64_t ox_numel(int rank, const int64_t *dims);
/* A zeroed, owned tensor; NULL on error (message set). */
ox_tensor *ox_tensor_new(int dtype, int rank, const int64_t *dims);
/* A tensor describing @data without owning it. */
ox_tensor *ox_tensor_wrap(int dtype, int rank, const int64_t *dims, void *data);
ox_tensor *ox_tensor_clone(const ox_tensor *t);
void ox_tensor_free(ox_tensor *t);
int ox_tensor_set_name(ox_tensor *t, const char *name);

/* Element access with conversion (folding, comparisons, I/O). */
double ox_get_f(const ox_tensor *t, int64_t i);
int64_t ox_get_i(const ox_tensor *t, int64_t i);
void ox_set_f(ox_tensor *t, int64_t i, double v);
void ox_set_i(ox_tensor *t, int64_t i, int64_t v);
/* Convert all of @src into @dst (same numel). */
void ox_convert(ox_tensor *dst, const ox_tensor *src);

/* "[2,3,4]" into @buf */
const char *ox_shape_str(int rank, const int64_t *dims, char *buf, size_t len);

/* Step the multi-index @idx over @dims in row-major order; false after the last. */
bool ox_next_index(int64_t *idx, const int64_t *dims, int rank);

/* Row-major strides (elements) of @dims. */
void ox_strides(int rank, const int64_t *dims, int64_t *strides);

/* ---- tensor protos (tensor_proto.c) ----------------------------------- */

struct Onnx__TensorProto;
/*
 * Convert an ONNX TensorProto into a tensor. The data is copied, so the
 * proto can be freed. @what names the tensor in errors.
 */
int ox_tensor_from_proto(const struct Onnx__TensorProto *tp, const char *what,
			 ox_tensor **out);

/* ---- protobuf safety (pb_check.c) ------------------------------------- */

/*
 * Walk the wire format of @data as message @desc (a ProtobufCMessageDescriptor)
 * and fail with -EBADMSG when it nests deeper than @max_depth, so that the
 * recursive unpacker never runs out of stack on hostile files.
 */
int ox_pb_check_depth(const void *desc, const uint8_t *data, size_t len, int max_depth);

/* ---- graph IR (graph.c) ----------------------------------------------- */

/* Value flags. */
#define OXV_INPUT	(1u << 0)	/* graph input (not an initializer) */
#define OXV_OUTPUT	(1u << 1)	/* graph output */
#define OXV_INIT	(1u << 2)	/* initializer */
#define OXV_NEED_VALUE	(1u << 3)	/* value must be known at prepare */
#define OXV_PARAM	(1u << 4)	/* read directly as a kernel/shape parameter */

struct ox_value {
	const char *name;
	int dtype;		/* OX_UNDEF when unknown */
	int rank;		/* -1 when unknown */
	int64_t dims[OX_MAX_RANK];	/* -1 for a dimension bound at run time */
	const char *dim_param[OX_MAX_RANK];
	ox_tensor *konst;	/* value known at prepare (borrowed or plan-owned) */
	int producer;		/* node index, -1 for inputs and initializers */
	int uses;		/* live consumer nodes + graph output uses */
	unsigned flags;		/* OXV_* */
	int lowered;		/* index of the device tensor (lower.c), -1 */
};

/* Attribute types: ONNX's AttributeProto.AttributeType. */
enum ox_attr_type {
	OXA_UNDEF = 0, OXA_FLOAT = 1, OXA_INT = 2, OXA_STRING = 3, OXA_TENSOR = 4,
	OXA_GRAPH = 5, OXA_FLOATS = 6, OXA_INTS = 7, OXA_STRINGS = 8, OXA_TENSORS = 9,
	OXA_GRAPHS = 10, OXA_SPARSE_TENSOR = 11, OXA_SPARSE_TENSORS = 12,
	OXA_TYPE_PROTO = 13, OXA_TYPE_PROTOS = 14,
};

struct ox_attr {
	const char *name;
	int type;		/* enum ox_attr_type */
	float f;
	int64_t i;
	const char *s;		/* NUL-terminated copy */
	const float *floats;
	const int64_t *ints;
	size_t n;		/* elements of floats/ints/strings */
	ox_tensor *t;
};

/* Node states. */
enum ox_node_state {
	OXN_LIVE = 0,		/* to be lowered onto the card */
	OXN_FOLDED,		/* outputs computed on the host at prepare */
	OXN_FUSED,		/* absorbed into another node */
	OXN_ALIAS,		/* output is a view of its input: no kernel */
};

struct ox_op;
struct ox_fusion;

struct ox_node {
	const char *name;	/* never NULL: "" replaced by "op#index" */
	const char *op;
	const char *domain;
	int n_in, n_out;
	int *in;		/* value indices, -1 for an omitted optional input */
	int *out;
	int n_attr;
	struct ox_attr *attr;
	const struct ox_op *def;	/* NULL for unknown operators */
	int state;		/* enum ox_node_state */
	const char *fused_ops;	/* "Conv+Relu" once something was fused */
	struct ox_fusion *fusion;	/* fuse.h, plan arena */
};

struct ox_graph {
	struct ox_arena *arena;
	int opset;
	const char *file;	/* for messages */
	struct ox_value *vals;
	int n_vals, cap_vals;
	struct ox_node *nodes;
	int n_nodes, cap_nodes;
	int *inputs;		/* non-initializer graph inputs */
	int n_inputs;
	int *outputs;
	int n_outputs;
	int *order;		/* topological order of node indices */
	int n_order;
};

/* Add a value named @name (or find it when @find); -ENOMEM. */
int ox_graph_add_value(struct ox_graph *g, const char *name);
int ox_graph_find_value(const struct ox_graph *g, const char *name);
/* Append a node with room for @n_in/@n_out (all -1); returns its index. */
int ox_graph_add_node(struct ox_graph *g, const char *op, const char *name,
		      int n_in, int n_out);
/* Deep enough copy of @src for a prepare: new value/node arrays, shared attributes. */
struct ox_graph *ox_graph_clone(const struct ox_graph *src);
void ox_graph_free(struct ox_graph *g);
/* Topological order of the nodes into g->order; -EINVAL on a cycle. */
int ox_graph_sort(struct ox_graph *g);
/* Recount value uses from live/alias nodes and graph outputs. */
void ox_graph_count_uses(struct ox_graph *g);

/* Attribute lookup; NULL when absent. */
const struct ox_attr *ox_attr_find(const struct ox_node *n, const char *name);
int64_t ox_attr_int(const struct ox_node *n, const char *name, int64_t def);
float ox_attr_float(const struct ox_node *n, const char *name, float def);
const char *ox_attr_str(const struct ox_node *n, const char *name, const char *def);
/* Ints attribute: count (0 when absent), *vals pointing at them. */
size_t ox_attr_ints(const struct ox_node *n, const char *name, const int64_t **vals);

/* The value of input @i of @n, or NULL when omitted. */
static inline struct ox_value *ox_in(struct ox_graph *g, const struct ox_node *n, int i)
{
	return i < n->n_in && n->in[i] >= 0 ? &g->vals[n->in[i]] : NULL;
}

static inline struct ox_value *ox_out(struct ox_graph *g, const struct ox_node *n, int i)
{
	return i < n->n_out && n->out[i] >= 0 ? &g->vals[n->out[i]] : NULL;
}

/* ---- model (model.c) --------------------------------------------------- */

struct taihu_onnx_model {
	char *path;
	struct ox_graph *g;	/* the graph as the file says it */
	int64_t ir_version;
	char *producer;
};

/* Read a whole file (at most 2 GiB); the caller frees *@data. */
int ox_read_file(const char *path, uint8_t **data, size_t *len);

/* ---- operators, shape inference and folding (infer.c, ops_*.c) --------- */

/* Context of shape inference / folding / lowering of one node. */
struct ox_ctx {
	struct ox_graph *g;
	struct ox_node *n;
	int index;		/* node index */
};

/* Error naming the node: "node 'name' (Op): message". */
int ox_node_err(struct ox_ctx *c, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define ox_node_err(c, err, ...) OX_RETURNS_ERR(ox_node_err, err, c, ox_err_, __VA_ARGS__)

struct ox_op {
	const char *name;
	int min_opset;		/* first opset version whose semantics we implement */
	/* Output dtypes/shapes from input dtypes/shapes (and needed values). */
	int (*infer)(struct ox_ctx *c);
	/* Output values from constant inputs (host), or NULL: never folded. */
	int (*fold)(struct ox_ctx *c);
	/* Bit i: input i must be known at prepare (shapes, axes, scalars). */
	uint32_t value_inputs;
	unsigned flags;
};

/* ox_op.flags */
#define OXOP_SHAPE_ONLY	(1u << 0)	/* folds from input shapes alone (Shape, Size) */
#define OXOP_LATE_FOLD	(1u << 1)	/* fold only after fusion (Q/DQ of weights) */
#define OXOP_INTERNAL	(1u << 2)	/* made by fusion only; never in a model */

const struct ox_op *ox_op_find(const char *domain, const char *name);
/* The @index-th operator the host knows (docs, tests); NULL past the end. */
const struct ox_op *ox_op_at(size_t index);

/*
 * Prepare-time analysis: mark values needed at prepare (OXV_NEED_VALUE),
 * backwards from the value inputs of every node.
 */
void ox_mark_needed_values(struct ox_graph *g);

/*
 * Shape inference and folding over the whole graph in topological order.
 * @late: also fold the OXOP_LATE_FOLD operators (after fusion).
 * Every graph input must have a concrete shape (and a value if needed).
 */
int ox_infer_graph(struct ox_graph *g, bool late);
/* Fold the live nodes whose inputs are all known (after fusion). */
int ox_fold_late(struct ox_graph *g);

/* Helpers for the per-operator functions. */
int ox_set_out(struct ox_ctx *c, int i, int dtype, int rank, const int64_t *dims);
/* Same dtype and shape as input @from. */
int ox_same_as_in(struct ox_ctx *c, int out, int from);
/* Numpy broadcast of @na shapes; -EINVAL when incompatible. */
int ox_broadcast(struct ox_ctx *c, int n, const struct ox_value *const *v, int *rank,
		 int64_t *dims);
/* Normalise axis @a against rank @r (negative counts from the end). */
int ox_axis(struct ox_ctx *c, int64_t a, int r, int *out);
/* Set output @i's constant to @t (takes ownership; shape must match). */
int ox_set_konst(struct ox_ctx *c, int i, ox_tensor *t);
/* A new owned tensor shaped like output @i (which must have a shape). */
ox_tensor *ox_new_out(struct ox_ctx *c, int i);
/* Integer values of a constant 1-D (or scalar) input: count or error. */
int ox_const_ints(struct ox_ctx *c, int input, int64_t *vals, int max);
/* Required input present with a known dtype/shape. */
struct ox_value *ox_need_in(struct ox_ctx *c, int i);

/* Broadcasting element iterator for folding. */
struct ox_bcast {
	int rank;
	int64_t dims[OX_MAX_RANK];
	int64_t idx[OX_MAX_RANK];
	int n;
	int64_t str[4][OX_MAX_RANK];
	int64_t off[4];
};
void ox_bcast_init(struct ox_bcast *b, int rank, const int64_t *dims, int n,
		   const ox_tensor *const *ts);
/* Advance to the next output element; false at the end. */
bool ox_bcast_next(struct ox_bcast *b);

#endif /* OX_H */
