/* SPDX-License-Identifier: MIT */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The operator tables of each family (ops_*.c) and helpers they share with
 * fusion and lowering.
 */
#ifndef OX_OPS_H
#define OX_OPS_H

#include "ox.h"

extern const struct ox_op ox_ops_elemwise[];
extern const size_t ox_ops_elemwise_count;
extern const struct ox_op ox_ops_shape[];
extern const size_t ox_ops_shape_count;
extern const struct ox_op ox_ops_nn[];
extern const size_t ox_ops_nn_count;
extern const struct ox_op ox_ops_quant[];
extern const size_t ox_ops_quant_count;

/* Clip's bounds (attributes before opset 11, inputs after); +-inf when absent. */
int ox_clip_bounds(struct ox_graph *g, const struct ox_node *n, double *lo, double *hi);

/* The axes a Reduce*, Squeeze or Unsqueeze node names (attribute or input). */
int ox_node_axes(struct ox_ctx *c, int input, int64_t *axes, int max);

/* Normalised, resolved attributes of Conv / pooling nodes. */
struct ox_conv_geom {
	int nd;			/* spatial dims: 1..3 */
	int64_t kernel[3];
	int64_t stride[3];
	int64_t dilation[3];
	int64_t pad_begin[3];
	int64_t pad_end[3];
	int64_t group;
	bool ceil_mode;
	bool count_include_pad;
};
int ox_conv_geom(struct ox_ctx *c, const struct ox_value *x, const int64_t *kernel,
		 bool pool, struct ox_conv_geom *geo, int64_t *out_spatial);

/* Softmax-like axis handling before opset 13: coerce to 2-D at axis. */
int ox_softmax_axis(struct ox_ctx *c, const struct ox_value *x, int *axis);



/* Resolved Slice: per axis of the input, the first index, the step and the
 * output extent (unsliced axes: 0, 1, the whole dimension). */
struct ox_slice {
	int64_t start[OX_MAX_RANK];
	int64_t step[OX_MAX_RANK];
	int64_t dims[OX_MAX_RANK];
};
int ox_slice_params(struct ox_ctx *c, const struct ox_value *x, struct ox_slice *s);

/* The permutation of a Transpose node (default: reversed). */
int ox_transpose_perm(struct ox_ctx *c, int rank, int *perm);


/* NumPy matmul output shape of @a x @b. */
int ox_matmul_shape(struct ox_ctx *c, const struct ox_value *a, const struct ox_value *b,
		    int *rank, int64_t *dims);
/* The dimensions a reduction reduces. */
int ox_reduce_mask(struct ox_ctx *c, const struct ox_value *x, bool *mask);

/* Quantisation parameters of a Q/DQ-style (scale, zero point) input pair. */
struct ox_qparam {
	int axis;		/* -1: per tensor */
	int64_t count;		/* 1 or the channel count */
	const ox_tensor *scale;
	const ox_tensor *zero;	/* NULL: zero */
	int qtype;		/* the quantised type (zero point's, or uint8) */
};
int ox_qparams(struct ox_ctx *c, int scale_in, int zero_in, const struct ox_value *x,
	       int axis, struct ox_qparam *q);
#endif /* OX_OPS_H */
