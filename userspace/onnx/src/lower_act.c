// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Activations the card has no single kernel for, composed of its UNARY and
 * BINARY kernels (each computes in fp32 and rounds once to the dtype):
 *
 *   Elu(x)         relu(x) + alpha * (exp(min(x, 0)) - 1)
 *   Selu(x)        gamma * relu(x) + gamma * alpha * (exp(min(x, 0)) - 1)
 *   Celu(x)        relu(x) + alpha * (exp(min(x, 0) / alpha) - 1)
 *   HardSigmoid(x) clip(alpha * x + beta, 0, 1)
 *   HardSwish(x)   x * clip(x / 6 + 1/2, 0, 1)
 *   Softsign(x)    x / (1 + |x|)
 *   Softplus(x)    relu(x) + log(1 + exp(-|x|))   (no overflow for large x)
 *   PRelu(x, s)    relu(x) + s * min(x, 0)        (s broadcast; one slope
 *                                                  known at prepare: LEAKY_RELU)
 *
 * min(x, 0) is CLIP to [-FLT_MAX, 0]: the card's activations take finite
 * bounds, and exp(-FLT_MAX) is 0 as exp(-inf) is.
 */
#include <float.h>
#include <string.h>

#include "lower.h"

static const struct ox_act none;

static struct ox_act act(int op, float alpha, float beta)
{
	struct ox_act a = { .op = op, .alpha = alpha, .beta = beta };

	return a;
}

/* X (a float view) and a fresh output Y of its dtype and the node's shape. */
static int in_out(struct ox_lctx *l, struct ox_view *x, struct ox_view *y)
{
	int err = ox_in_view(l, 0, x);

	if (err)
		return err;
	if (x->dtype != OX_F32 && x->dtype != OX_F16 && x->dtype != OX_BF16)
		return ox_lerr(l, -EOPNOTSUPP, "%s on %s: the card computes this in floating "
			       "point only", l->n->op, ox_dtype_name(x->dtype));
	return ox_out_view(l, 0, x->dtype, y);
}

/* A dense intermediate of @y's dtype and shape. */
static int temp(struct ox_lctx *l, const struct ox_view *y, struct ox_view *t)
{
	int s = ox_new_store(l->p, OXS_ARENA,
			     (uint64_t)ox_numel(y->rank, y->dims) * ox_dtype_size(y->dtype),
			     l->n->op);

	if (s < 0)
		return s;
	ox_dense_view(t, s, y->dtype, y->rank, y->dims);
	return 0;
}

/* Y = t OP c for a constant scalar c (in place when @t and @y are the same view). */
static int with_scalar(struct ox_lctx *l, int op, const struct ox_view *t, double c,
		       const struct ox_view *y, struct ox_act a)
{
	struct ox_view s;
	int err = ox_scalar_view(l, c, y->dtype, 0, &s);

	return err ? err : ox_emit_binary(l, op, t, &s, y, a);
}

/* Y = g * relu(x) + outer * (exp(inner * min(x, 0)) - 1): Elu, Selu, Celu */
static int exp_linear(struct ox_lctx *l, double inner, double outer, double g)
{
	struct ox_view x, y, t;
	int err;

	err = in_out(l, &x, &y);
	if (!err)
		err = temp(l, &y, &t);
	if (!err)
		err = ox_emit_unary(l, &x, &t, act(OX_ACT_CLIP, -FLT_MAX, 0));
	if (!err)
		err = inner == 1 ? ox_emit_unary(l, &t, &t, act(OX_ACT_EXP, 0, 0)) :
			with_scalar(l, OXB_MUL, &t, inner, &t, act(OX_ACT_EXP, 0, 0));
	if (!err)
		err = with_scalar(l, OXB_SUB, &t, 1, &t, none);
	if (!err && outer != 1)
		err = with_scalar(l, OXB_MUL, &t, outer, &t, none);
	if (!err)
		err = ox_emit_unary(l, &x, &y, act(OX_ACT_RELU, 0, 0));
	if (!err && g != 1)
		err = with_scalar(l, OXB_MUL, &y, g, &y, none);
	return err ? err : ox_emit_binary(l, OXB_ADD, &y, &t, &y, none);
}

static int lower_elu(struct ox_lctx *l)
{
	return exp_linear(l, 1, ox_attr_float(l->n, "alpha", 1.0f), 1);
}

static int lower_selu(struct ox_lctx *l)
{
	double a = ox_attr_float(l->n, "alpha", 1.67326319217681884765625f);
	double g = ox_attr_float(l->n, "gamma", 1.05070102214813232421875f);

	return exp_linear(l, 1, a * g, g);
}

static int lower_celu(struct ox_lctx *l)
{
	double a = ox_attr_float(l->n, "alpha", 1.0f);

	if (a == 0)
		return ox_lerr(l, -EINVAL, "alpha must not be 0");
	return exp_linear(l, 1 / a, a, 1);
}

/* clip(alpha * x + beta, 0, 1), then times x for HardSwish */
static int lower_hard(struct ox_lctx *l)
{
	bool swish = !strcmp(l->n->op, "HardSwish");
	double a = swish ? 1.0 / 6 : ox_attr_float(l->n, "alpha", 0.2f);
	double b = swish ? 0.5 : ox_attr_float(l->n, "beta", 0.5f);
	struct ox_view x, y, t;
	int err;

	err = in_out(l, &x, &y);
	if (err)
		return err;
	t = y;
	if (swish)
		err = temp(l, &y, &t);
	if (!err)
		err = with_scalar(l, OXB_MUL, &x, a, &t, none);
	if (!err)
		err = with_scalar(l, OXB_ADD, &t, b, &t, act(OX_ACT_CLIP, 0, 1));
	if (!err && swish)
		err = ox_emit_binary(l, OXB_MUL, &x, &t, &y, none);
	return err;
}

static int lower_softsign(struct ox_lctx *l)
{
	struct ox_view x, y, t;
	int err;

	err = in_out(l, &x, &y);
	if (!err)
		err = temp(l, &y, &t);
	if (!err)
		err = ox_emit_unary(l, &x, &t, act(OX_ACT_ABS, 0, 0));
	if (!err)
		err = with_scalar(l, OXB_ADD, &t, 1, &t, none);
	return err ? err : ox_emit_binary(l, OXB_DIV, &x, &t, &y, none);
}

static int lower_softplus(struct ox_lctx *l)
{
	struct ox_view x, y, t;
	int err;

	err = in_out(l, &x, &y);
	if (!err)
		err = temp(l, &y, &t);
	if (!err)
		err = ox_emit_unary(l, &x, &t, act(OX_ACT_ABS, 0, 0));
	if (!err)
		err = with_scalar(l, OXB_MUL, &t, -1, &t, act(OX_ACT_EXP, 0, 0));
	if (!err)
		err = with_scalar(l, OXB_ADD, &t, 1, &t, act(OX_ACT_LOG, 0, 0));
	if (!err)
		err = ox_emit_unary(l, &x, &y, act(OX_ACT_RELU, 0, 0));
	return err ? err : ox_emit_binary(l, OXB_ADD, &y, &t, &y, none);
}

static int lower_prelu(struct ox_lctx *l)
{
	struct ox_value *sv = ox_in(l->g, l->n, 1);
	struct ox_view x, y, s, t;
	int64_t i;
	int err;

	err = in_out(l, &x, &y);
	if (err)
		return err;
	if (sv->konst) {
		for (i = 1; i < sv->konst->numel; i++)
			if (ox_get_f(sv->konst, i) != ox_get_f(sv->konst, 0))
				break;
		if (i == sv->konst->numel)
			return ox_emit_unary(l, &x, &y, act(OX_ACT_LEAKY_RELU,
							    (float)ox_get_f(sv->konst, 0), 0));
	}
	err = ox_in_view(l, 1, &s);
	if (!err && s.dtype != x.dtype)
		err = ox_lerr(l, -EOPNOTSUPP, "slopes of type %s for X of type %s",
			      ox_dtype_name(s.dtype), ox_dtype_name(x.dtype));
	if (!err)
		err = temp(l, &y, &t);
	if (!err)
		err = ox_emit_unary(l, &x, &t, act(OX_ACT_CLIP, -FLT_MAX, 0));
	if (!err)
		err = ox_emit_binary(l, OXB_MUL, &t, &s, &t, none);
	if (!err)
		err = ox_emit_unary(l, &x, &y, act(OX_ACT_RELU, 0, 0));
	return err ? err : ox_emit_binary(l, OXB_ADD, &y, &t, &y, none);
}

static const struct {
	const char *op;
	int (*fn)(struct ox_lctx *l);
} acts[] = {
	{ "Elu", lower_elu }, { "Selu", lower_selu }, { "Celu", lower_celu },
	{ "HardSigmoid", lower_hard }, { "HardSwish", lower_hard },
	{ "Softsign", lower_softsign }, { "Softplus", lower_softplus },
	{ "PRelu", lower_prelu },
};

bool ox_lower_act_handles(const char *op)
{
	size_t i;

	for (i = 0; i < OX_ARRAY_SIZE(acts); i++)
		if (!strcmp(op, acts[i].op))
			return true;
	return false;
}

int ox_lower_act(struct ox_lctx *l)
{
	size_t i;

	for (i = 0; i < OX_ARRAY_SIZE(acts); i++)
		if (!strcmp(l->n->op, acts[i].op))
			return acts[i].fn(l);
	return ox_lerr(l, -EOPNOTSUPP, "the card has no kernel for %s", l->n->op);
}
