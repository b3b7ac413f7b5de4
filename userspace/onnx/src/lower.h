/* SPDX-License-Identifier: MIT */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Helpers shared by the lowering of the operator families (lower_*.c).
 */
#ifndef OX_LOWER_H
#define OX_LOWER_H

#include "ops.h"
#include "plan.h"

struct ox_lctx {
	struct ox_plan *p;
	struct ox_graph *g;
	struct ox_node *n;
	int ni;
	const char *label;
};

/* Error naming the node. */
int ox_lerr(struct ox_lctx *l, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
#define ox_lerr(l, err, ...) OX_RETURNS_ERR(ox_lerr, err, l, ox_err_, __VA_ARGS__)

/* The card's dtype for a model dtype in this plan's precision; 0 when none. */
int ox_devtype(const struct ox_plan *p, int dtype);
bool ox_card_dtype(int dtype);

/* New storage; returns its index. */
int ox_new_store(struct ox_plan *p, int kind, uint64_t bytes, const char *what);
/* A dense view of a whole store. */
void ox_dense_view(struct ox_view *v, int store, int dtype, int rank, const int64_t *dims);
bool ox_view_dense(const struct ox_view *v);

/* The view of value @v (a constant becomes a weight on first use). */
int ox_value_view(struct ox_lctx *l, int v, struct ox_view *out);
/* Input @i of the node (absent: store -1). */
int ox_in_view(struct ox_lctx *l, int i, struct ox_view *out);
/* Give output @i of the node a fresh dense storage of @dtype (0: its devtype). */
int ox_out_view(struct ox_lctx *l, int i, int dtype, struct ox_view *out);
/* Record @view as value @v's (aliases). */
void ox_set_view(struct ox_plan *p, int v, const struct ox_view *view);

/* Append a kernel; operands are copied. */
struct ox_kernel *ox_emit(struct ox_lctx *l, int kind, int n_in, int n_out,
			  const struct ox_view *ops);
/* A strided copy of @src into @dst (same shape): TRANSPOSE with the identity. */
int ox_emit_copy(struct ox_lctx *l, const struct ox_view *src, const struct ox_view *dst);
/* CAST of @src into @dst (same shape). */
int ox_emit_cast(struct ox_lctx *l, const struct ox_view *src, const struct ox_view *dst);

/* View transforms; false when impossible (then the caller copies). */
bool ox_view_reshape(const struct ox_view *in, int rank, const int64_t *dims, struct ox_view *out);
void ox_view_expand(struct ox_view *v, int rank, const int64_t *dims);
void ox_view_permute(struct ox_view *v, const int *perm);
/* Insert a dimension of extent 1 at @at / drop dimension @at (extent 1). */
void ox_view_insert(struct ox_view *v, int at);
void ox_view_drop(struct ox_view *v, int at);
/* Make @v dense (copy into a new arena storage) if it is not. */
int ox_view_materialize(struct ox_lctx *l, struct ox_view *v);

/* Merge dimensions that are contiguous in every operand (element-wise). */
void ox_coalesce(struct ox_view *ops, int n);

/* A constant scalar/tensor as a weight view in dtype @dtype. */
int ox_const_view(struct ox_lctx *l, const ox_tensor *t, int dtype, struct ox_view *out);
int ox_scalar_view(struct ox_lctx *l, double v, int dtype, int rank, struct ox_view *out);

/* Set the quantisation of @v from a fusion record / explicit parameters. */
int ox_view_quant(struct ox_lctx *l, struct ox_view *v, const struct ox_quant *q);

/* Element-wise kernels: @x (@a, @b) broadcast to @y's shape. */
int ox_emit_unary(struct ox_lctx *l, const struct ox_view *x, const struct ox_view *y,
		  struct ox_act act);
int ox_emit_binary(struct ox_lctx *l, int op, const struct ox_view *a, const struct ox_view *b,
		   const struct ox_view *y, struct ox_act act);

/* Each family's lowering, by ONNX op name; 1 when it handled the node. */
int ox_lower_compute(struct ox_lctx *l);
bool ox_lower_compute_handles(const char *op);
/* Activations the card has no single kernel for, composed of UNARY and BINARY. */
int ox_lower_act(struct ox_lctx *l);
bool ox_lower_act_handles(const char *op);

#endif /* OX_LOWER_H */
