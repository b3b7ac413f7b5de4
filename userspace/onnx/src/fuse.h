/* SPDX-License-Identifier: MIT */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * What fusion records on a node for lowering (&ox_node.fusion).
 */
#ifndef OX_FUSE_H
#define OX_FUSE_H

#include "ox.h"

/* Activations (the card's element-wise functions, fused or alone). */
enum ox_act_op {
	OX_ACT_NONE = 0, OX_ACT_RELU = 1, OX_ACT_LEAKY_RELU = 2, OX_ACT_CLIP = 3,
	OX_ACT_GELU_ERF = 4, OX_ACT_GELU_TANH = 5, OX_ACT_SILU = 6, OX_ACT_SIGMOID = 7,
	OX_ACT_TANH = 8, OX_ACT_EXP = 9, OX_ACT_SQRT = 10, OX_ACT_RECIPROCAL = 11,
	OX_ACT_ABS = 12, OX_ACT_NEG = 13, OX_ACT_LOG = 14, OX_ACT_ERF = 15,
};

struct ox_act {
	int op;
	float alpha;
	float beta;
};

/* Quantisation of one operand of a fused int8 kernel. */
struct ox_quant {
	bool on;
	int axis;		/* -1 per tensor */
	const ox_tensor *scale;	/* 1 or channel-count floats */
	const ox_tensor *zero;	/* NULL: zero */
};

struct ox_fusion {
	struct ox_act act;	/* applied to the result */
	int bias;		/* value added to a MatMul/Gemm result (C), or -1 */
	float alpha;		/* scale of the product (Gemm alpha, attention scale) */
	bool int8;		/* QDQ/QLinear: operands below are quantised */
	struct ox_quant q[4];	/* per input of the kernel (x, w) */
	struct ox_quant qout;
};

/* The node's fusion record, created on first use (plan arena). */
struct ox_fusion *ox_fusion_of(struct ox_graph *g, struct ox_node *n);

/* Run every fusion pass over the live nodes of @g. */
int ox_fuse_graph(struct ox_graph *g);

/* Map an ONNX activation node onto a card activation; false when it has none. */
bool ox_act_of_node(struct ox_graph *g, const struct ox_node *n, struct ox_act *act);

#endif /* OX_FUSE_H */
