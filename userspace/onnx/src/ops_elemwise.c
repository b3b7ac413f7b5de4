// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Element-wise operators: shape inference and host folding of constants.
 * Unary maths, NumPy-broadcast binary arithmetic, comparisons and logic,
 * Where, Clip, Cast, Identity/Dropout.
 */
#include <math.h>
#include <string.h>

#include "ox.h"
#include "ops.h"

/* ---- unary ---- */

static double fn_unary(const struct ox_node *n, double x)
{
	const char *op = n->op;

	if (!strcmp(op, "Relu")) return isnan(x) ? x : x > 0 ? x : 0;
	if (!strcmp(op, "LeakyRelu")) return x >= 0 ? x : x * ox_attr_float(n, "alpha", 0.01f);
	if (!strcmp(op, "Sigmoid")) return 1.0 / (1.0 + exp(-x));
	if (!strcmp(op, "Tanh")) return tanh(x);
	if (!strcmp(op, "Exp")) return exp(x);
	if (!strcmp(op, "Log")) return log(x);
	if (!strcmp(op, "Sqrt")) return sqrt(x);
	if (!strcmp(op, "Reciprocal")) return 1.0 / x;
	if (!strcmp(op, "Neg")) return -x;
	if (!strcmp(op, "Abs")) return fabs(x);
	if (!strcmp(op, "Erf")) return erf(x);
	if (!strcmp(op, "Floor")) return floor(x);
	if (!strcmp(op, "Ceil")) return ceil(x);
	if (!strcmp(op, "Round")) return nearbyint(x);	/* half to even */
	if (!strcmp(op, "Sign")) return x > 0 ? 1 : x < 0 ? -1 : 0;
	if (!strcmp(op, "Sin")) return sin(x);
	if (!strcmp(op, "Cos")) return cos(x);
	if (!strcmp(op, "Softplus")) return log1p(exp(x));
	if (!strcmp(op, "Softsign")) return x / (1 + fabs(x));
	if (!strcmp(op, "Not")) return x == 0;
	if (!strcmp(op, "Elu")) {
		double a = ox_attr_float(n, "alpha", 1.0f);

		return x >= 0 ? x : a * (exp(x) - 1);
	}
	if (!strcmp(op, "HardSigmoid")) {
		double a = ox_attr_float(n, "alpha", 0.2f), b = ox_attr_float(n, "beta", 0.5f);

		return fmax(0, fmin(1, a * x + b));
	}
	if (!strcmp(op, "HardSwish")) return x * fmax(0, fmin(1, x / 6 + 0.5));
	if (!strcmp(op, "Selu")) {
		double a = ox_attr_float(n, "alpha", 1.67326319217681884765625f);
		double g = ox_attr_float(n, "gamma", 1.05070102214813232421875f);

		return g * (x > 0 ? x : a * (exp(x) - 1));
	}
	if (!strcmp(op, "Celu")) {
		double a = ox_attr_float(n, "alpha", 1.0f);

		return fmax(0, x) + fmin(0, a * (exp(x / a) - 1));
	}
	return NAN;
}

static int64_t fn_unary_int(const struct ox_node *n, int64_t x)
{
	const char *op = n->op;

	if (!strcmp(op, "Neg")) return (int64_t)(0 - (uint64_t)x);
	if (!strcmp(op, "Abs")) return x < 0 ? (int64_t)(0 - (uint64_t)x) : x;
	if (!strcmp(op, "Relu")) return x > 0 ? x : 0;
	if (!strcmp(op, "Sign")) return x > 0 ? 1 : x < 0 ? -1 : 0;
	if (!strcmp(op, "Not")) return x == 0;
	return x;	/* Floor, Ceil, Round of integers */
}

static bool int_unary(const char *op)
{
	return !strcmp(op, "Neg") || !strcmp(op, "Abs") || !strcmp(op, "Relu") ||
	       !strcmp(op, "Sign") || !strcmp(op, "Not") || !strcmp(op, "Floor") ||
	       !strcmp(op, "Ceil") || !strcmp(op, "Round");
}

static int infer_unary(struct ox_ctx *c)
{
	struct ox_value *x = ox_need_in(c, 0);

	if (!x)
		return -EINVAL;
	if (!strcmp(c->n->op, "Not")) {
		if (x->dtype != OX_BOOL)
			return ox_node_err(c, -EINVAL, "input must be bool, not %s",
					   ox_dtype_name(x->dtype));
	} else if (!ox_dtype_is_float(x->dtype) &&
		   !(int_unary(c->n->op) && ox_dtype_is_int(x->dtype))) {
		return ox_node_err(c, -EOPNOTSUPP, "input type %s is not supported",
				   ox_dtype_name(x->dtype));
	}
	return ox_set_out(c, 0, x->dtype, x->rank, x->dims);
}

static int fold_unary(struct ox_ctx *c)
{
	const ox_tensor *x = ox_in(c->g, c->n, 0)->konst;
	ox_tensor *y = ox_new_out(c, 0);
	int64_t i;

	if (!y)
		return -ENOMEM;
	for (i = 0; i < y->numel; i++) {
		if (ox_dtype_is_float(x->dtype))
			ox_set_f(y, i, fn_unary(c->n, ox_get_f(x, i)));
		else
			ox_set_i(y, i, fn_unary_int(c->n, ox_get_i(x, i)));
	}
	return ox_set_konst(c, 0, y);
}

/* ---- binary (and variadic) with broadcasting ---- */

enum bin_kind { BIN_ARITH, BIN_CMP, BIN_LOGIC };

static enum bin_kind bin_kind(const char *op)
{
	if (!strcmp(op, "Equal") || !strcmp(op, "Less") || !strcmp(op, "Greater") ||
	    !strcmp(op, "LessOrEqual") || !strcmp(op, "GreaterOrEqual"))
		return BIN_CMP;
	if (!strcmp(op, "And") || !strcmp(op, "Or") || !strcmp(op, "Xor"))
		return BIN_LOGIC;
	return BIN_ARITH;
}

static bool variadic(const char *op)
{
	return !strcmp(op, "Max") || !strcmp(op, "Min") || !strcmp(op, "Sum") ||
	       !strcmp(op, "Mean");
}

static int infer_binary(struct ox_ctx *c)
{
	const struct ox_value *v[16] = { 0 };
	int64_t dims[OX_MAX_RANK];
	int i, n = 0, rank, err, dt;
	enum bin_kind k = bin_kind(c->n->op);

	if (variadic(c->n->op)) {
		if (c->n->n_in < 1 || c->n->n_in > 16)
			return ox_node_err(c, -EOPNOTSUPP, "%d inputs (1..16 supported)",
					   c->n->n_in);
	} else if (c->n->n_in != 2) {
		return ox_node_err(c, -EINVAL, "needs 2 inputs, has %d", c->n->n_in);
	}
	for (i = 0; i < c->n->n_in; i++) {
		v[n] = ox_need_in(c, i);
		if (!v[n])
			return -EINVAL;
		n++;
	}
	if (!n)
		return ox_node_err(c, -EINVAL, "no inputs");
	dt = v[0]->dtype;
	for (i = 1; i < n; i++)
		if (v[i]->dtype != dt && strcmp(c->n->op, "Pow") && strcmp(c->n->op, "PRelu"))
			return ox_node_err(c, -EINVAL, "inputs have types %s and %s",
					   ox_dtype_name(dt), ox_dtype_name(v[i]->dtype));
	if (k == BIN_LOGIC && dt != OX_BOOL)
		return ox_node_err(c, -EINVAL, "inputs must be bool");
	if (k != BIN_LOGIC && !ox_dtype_is_float(dt) && !ox_dtype_is_int(dt) &&
	    !(k == BIN_CMP && dt == OX_BOOL))
		return ox_node_err(c, -EOPNOTSUPP, "input type %s is not supported",
				   ox_dtype_name(dt));
	err = ox_broadcast(c, n, v, &rank, dims);
	if (err)
		return err;
	return ox_set_out(c, 0, k == BIN_ARITH ? dt : OX_BOOL, rank, dims);
}

static double bin_f(const struct ox_node *n, double a, double b)
{
	const char *op = n->op;

	if (!strcmp(op, "Add") || !strcmp(op, "Sum") || !strcmp(op, "Mean")) return a + b;
	if (!strcmp(op, "Sub")) return a - b;
	if (!strcmp(op, "Mul")) return a * b;
	if (!strcmp(op, "Div")) return a / b;
	if (!strcmp(op, "Pow")) return pow(a, b);
	if (!strcmp(op, "Max")) return isnan(a) || isnan(b) ? NAN : fmax(a, b);
	if (!strcmp(op, "Min")) return isnan(a) || isnan(b) ? NAN : fmin(a, b);
	if (!strcmp(op, "PRelu")) return a >= 0 ? a : a * b;
	if (!strcmp(op, "Mod")) {
		double r = fmod(a, b);

		/* fmod=0: the sign of the divisor, like Python */
		if (!ox_attr_int(n, "fmod", 0) && r != 0 && ((r < 0) != (b < 0)))
			r += b;
		return r;
	}
	if (!strcmp(op, "Equal")) return a == b;
	if (!strcmp(op, "Less")) return a < b;
	if (!strcmp(op, "Greater")) return a > b;
	if (!strcmp(op, "LessOrEqual")) return a <= b;
	if (!strcmp(op, "GreaterOrEqual")) return a >= b;
	if (!strcmp(op, "And")) return a != 0 && b != 0;
	if (!strcmp(op, "Or")) return a != 0 || b != 0;
	if (!strcmp(op, "Xor")) return (a != 0) != (b != 0);
	return NAN;
}

static int64_t bin_i(const struct ox_node *n, int64_t a, int64_t b)
{
	const char *op = n->op;
	uint64_t ua = (uint64_t)a, ub = (uint64_t)b;

	/* wrap like the card's integer arithmetic would; never trap */
	if (!strcmp(op, "Add") || !strcmp(op, "Sum") || !strcmp(op, "Mean")) return (int64_t)(ua + ub);
	if (!strcmp(op, "Sub")) return (int64_t)(ua - ub);
	if (!strcmp(op, "Mul")) return (int64_t)(ua * ub);
	if (!strcmp(op, "Div")) {
		if (b == 0 || (a == INT64_MIN && b == -1))
			return 0;
		return a / b;
	}
	if (!strcmp(op, "Mod")) {
		int64_t r;

		if (b == 0 || (a == INT64_MIN && b == -1))
			return 0;
		r = a % b;
		if (!ox_attr_int(n, "fmod", 0) && r != 0 && ((r < 0) != (b < 0)))
			r += b;
		return r;
	}
	if (!strcmp(op, "Pow")) {
		int64_t r = 1;
		int64_t k;

		if (b < 0)
			return a == 1 ? 1 : 0;
		for (k = 0; k < b && k < 64; k++)
			r = (int64_t)((uint64_t)r * ua);
		return r;
	}
	if (!strcmp(op, "Max")) return a > b ? a : b;
	if (!strcmp(op, "Min")) return a < b ? a : b;
	if (!strcmp(op, "PRelu")) return a >= 0 ? a : (int64_t)(ua * ub);
	return (int64_t)bin_f(n, (double)a, (double)b);
}

static int fold_binary(struct ox_ctx *c)
{
	const ox_tensor *t[16];
	struct ox_value *y = ox_out(c->g, c->n, 0);
	ox_tensor *out = ox_new_out(c, 0);
	struct ox_bcast b;
	int i, n = c->n->n_in;
	bool integer;
	int64_t o = 0;

	if (!out)
		return -ENOMEM;
	if (n < 1 || n > (int)OX_ARRAY_SIZE(t)) {	/* infer_binary refused it */
		ox_tensor_free(out);
		return -EINVAL;
	}
	for (i = 0; i < n; i++)
		t[i] = ox_in(c->g, c->n, i)->konst;
	integer = !ox_dtype_is_float(t[0]->dtype) && t[0]->dtype != OX_U64;
	if (!out->numel)
		return ox_set_konst(c, 0, out);
	/* pairwise: fold the inputs left to right */
	ox_bcast_init(&b, y->rank, y->dims, n, t);
	do {
		if (integer) {
			int64_t acc = ox_get_i(t[0], b.off[0]);

			for (i = 1; i < n; i++)
				acc = bin_i(c->n, acc, ox_get_i(t[i], b.off[i]));
			if (!strcmp(c->n->op, "Mean"))
				acc /= n;
			ox_set_i(out, o, acc);
		} else {
			double acc = ox_get_f(t[0], b.off[0]);

			for (i = 1; i < n; i++)
				acc = bin_f(c->n, acc, ox_get_f(t[i], b.off[i]));
			if (!strcmp(c->n->op, "Mean"))
				acc /= n;
			ox_set_f(out, o, acc);
		}
		o++;
	} while (ox_bcast_next(&b));
	return ox_set_konst(c, 0, out);
}

/* ---- Where ---- */

static int infer_where(struct ox_ctx *c)
{
	const struct ox_value *v[3];
	int64_t dims[OX_MAX_RANK];
	int i, rank, err;

	for (i = 0; i < 3; i++) {
		v[i] = ox_need_in(c, i);
		if (!v[i])
			return -EINVAL;
	}
	if (v[0]->dtype != OX_BOOL)
		return ox_node_err(c, -EINVAL, "condition must be bool");
	if (v[1]->dtype != v[2]->dtype)
		return ox_node_err(c, -EINVAL, "X and Y have types %s and %s",
				   ox_dtype_name(v[1]->dtype), ox_dtype_name(v[2]->dtype));
	err = ox_broadcast(c, 3, v, &rank, dims);
	if (err)
		return err;
	return ox_set_out(c, 0, v[1]->dtype, rank, dims);
}

static int fold_where(struct ox_ctx *c)
{
	const ox_tensor *t[3];
	struct ox_value *y = ox_out(c->g, c->n, 0);
	ox_tensor *out = ox_new_out(c, 0);
	size_t es;
	struct ox_bcast b;
	int64_t o = 0;
	int i;

	if (!out)
		return -ENOMEM;
	for (i = 0; i < 3; i++)
		t[i] = ox_in(c->g, c->n, i)->konst;
	if (!out->numel)
		return ox_set_konst(c, 0, out);
	es = ox_dtype_size(out->dtype);
	ox_bcast_init(&b, y->rank, y->dims, 3, t);
	do {
		const ox_tensor *src = ox_get_i(t[0], b.off[0]) ? t[1] : t[2];
		int64_t off = ox_get_i(t[0], b.off[0]) ? b.off[1] : b.off[2];

		memcpy((char *)out->data + (size_t)o * es, (const char *)src->data + (size_t)off * es, es);
		o++;
	} while (ox_bcast_next(&b));
	return ox_set_konst(c, 0, out);
}

/* ---- Clip ---- */

static int infer_clip(struct ox_ctx *c)
{
	struct ox_value *x = ox_need_in(c, 0);
	int i;

	if (!x)
		return -EINVAL;
	if (!ox_dtype_is_float(x->dtype) && !ox_dtype_is_int(x->dtype))
		return ox_node_err(c, -EOPNOTSUPP, "input type %s is not supported",
				   ox_dtype_name(x->dtype));
	for (i = 1; i < 3; i++) {
		struct ox_value *b = ox_in(c->g, c->n, i);

		if (b && (b->dtype != x->dtype || (b->konst && b->konst->numel != 1)))
			return ox_node_err(c, -EINVAL, "%s must be a scalar of type %s",
					   i == 1 ? "min" : "max", ox_dtype_name(x->dtype));
	}
	return ox_set_out(c, 0, x->dtype, x->rank, x->dims);
}

int ox_clip_bounds(struct ox_graph *g, const struct ox_node *n, double *lo, double *hi)
{
	struct ox_value *v;

	*lo = -INFINITY;
	*hi = INFINITY;
	if (g->opset < 11) {
		*lo = ox_attr_float(n, "min", -INFINITY);
		*hi = ox_attr_float(n, "max", INFINITY);
		return 0;
	}
	v = ox_in(g, n, 1);
	if (v && v->konst && v->konst->numel == 1)
		*lo = ox_get_f(v->konst, 0);
	v = ox_in(g, n, 2);
	if (v && v->konst && v->konst->numel == 1)
		*hi = ox_get_f(v->konst, 0);
	return 0;
}

static int fold_clip(struct ox_ctx *c)
{
	const ox_tensor *x = ox_in(c->g, c->n, 0)->konst;
	ox_tensor *y = ox_new_out(c, 0);
	double lo, hi;
	int64_t i;

	if (!y)
		return -ENOMEM;
	ox_clip_bounds(c->g, c->n, &lo, &hi);
	for (i = 0; i < y->numel; i++) {
		double v = ox_get_f(x, i);

		if (v < lo)
			v = lo;
		if (v > hi)
			v = hi;
		ox_set_f(y, i, v);
	}
	return ox_set_konst(c, 0, y);
}

/* ---- Cast, CastLike ---- */

static int infer_cast(struct ox_ctx *c)
{
	struct ox_value *x = ox_need_in(c, 0);
	int to;

	if (!x)
		return -EINVAL;
	if (!strcmp(c->n->op, "CastLike")) {
		struct ox_value *like = ox_need_in(c, 1);

		if (!like)
			return -EINVAL;
		to = like->dtype;
	} else {
		to = (int)ox_attr_int(c->n, "to", -1);
	}
	if (!ox_dtype_size(to) || !ox_dtype_size(x->dtype))
		return ox_node_err(c, -EOPNOTSUPP, "cast from %s to %s is not supported",
				   ox_dtype_name(x->dtype), ox_dtype_name(to));
	return ox_set_out(c, 0, to, x->rank, x->dims);
}

static int fold_cast(struct ox_ctx *c)
{
	ox_tensor *y = ox_new_out(c, 0);
	const ox_tensor *x = ox_in(c->g, c->n, 0)->konst;

	if (!y)
		return -ENOMEM;
	if (y->dtype == OX_BF16 && x->dtype == OX_F32) {
		/* as the card does it (lower_cast()): ONNX truncates */
		int64_t i;

		for (i = 0; i < y->numel; i++)
			((uint16_t *)y->data)[i] = ox_f32_to_bf16_trunc(((const float *)x->data)[i]);
	} else {
		ox_convert(y, x);
	}
	return ox_set_konst(c, 0, y);
}

/* ---- Identity, Dropout (inference: the input; the mask is all true) ---- */

static int infer_identity(struct ox_ctx *c)
{
	struct ox_value *x = ox_need_in(c, 0);
	int err;

	if (!x)
		return -EINVAL;
	if (!strcmp(c->n->op, "Dropout")) {
		struct ox_value *tm = ox_in(c->g, c->n, 2);

		if (tm && tm->konst && tm->konst->numel == 1 && ox_get_i(tm->konst, 0))
			return ox_node_err(c, -EOPNOTSUPP, "training_mode=true is not "
					   "supported (inference only)");
		if (c->g->opset < 7 && ox_attr_int(c->n, "is_test", 0) == 0)
			return ox_node_err(c, -EOPNOTSUPP, "training mode is not supported");
		err = ox_set_out(c, 1, OX_BOOL, x->rank, x->dims);
		if (err)
			return err;
	}
	return ox_set_out(c, 0, x->dtype, x->rank, x->dims);
}

static int fold_identity(struct ox_ctx *c)
{
	struct ox_value *mask = ox_out(c->g, c->n, 1);
	int err;

	err = ox_set_konst(c, 0, ox_tensor_clone(ox_in(c->g, c->n, 0)->konst));
	if (err)
		return err;
	if (mask && !strcmp(c->n->op, "Dropout")) {
		ox_tensor *m = ox_new_out(c, 1);

		if (!m)
			return -ENOMEM;
		memset(m->data, 1, m->nbytes);
		return ox_set_konst(c, 1, m);
	}
	return 0;
}

#define UNARY(nm, op) { nm, op, infer_unary, fold_unary, 0, 0 }
#define BINARY(nm, op) { nm, op, infer_binary, fold_binary, 0, 0 }

const struct ox_op ox_ops_elemwise[] = {
	UNARY("Relu", 6), UNARY("LeakyRelu", 6), UNARY("Sigmoid", 6), UNARY("Tanh", 6),
	UNARY("Exp", 6), UNARY("Log", 6), UNARY("Sqrt", 6), UNARY("Reciprocal", 6),
	UNARY("Neg", 6), UNARY("Abs", 6), UNARY("Erf", 9), UNARY("Floor", 6),
	UNARY("Ceil", 6), UNARY("Round", 11), UNARY("Sign", 9), UNARY("Sin", 7),
	UNARY("Cos", 7), UNARY("Softplus", 1), UNARY("Softsign", 1), UNARY("Not", 1),
	UNARY("Elu", 6), UNARY("HardSigmoid", 6), UNARY("HardSwish", 14), UNARY("Selu", 6),
	UNARY("Celu", 12),
	BINARY("Add", 7), BINARY("Sub", 7), BINARY("Mul", 7), BINARY("Div", 7),
	BINARY("Pow", 7), BINARY("Mod", 10), BINARY("Max", 8), BINARY("Min", 8),
	BINARY("Sum", 8), BINARY("Mean", 8), BINARY("PRelu", 7),
	BINARY("Equal", 7), BINARY("Less", 7), BINARY("Greater", 7),
	BINARY("LessOrEqual", 12), BINARY("GreaterOrEqual", 12),
	BINARY("And", 7), BINARY("Or", 7), BINARY("Xor", 7),
	{ "Where", 9, infer_where, fold_where, 0, 0 },
	{ "Clip", 6, infer_clip, fold_clip, 0x6, 0 },
	{ "Cast", 6, infer_cast, fold_cast, 0, 0 },
	{ "CastLike", 15, infer_cast, fold_cast, 0, 0 },
	{ "Identity", 1, infer_identity, fold_identity, 0, 0 },
	{ "Dropout", 7, infer_identity, fold_identity, 0x6, 0 },
};
const size_t ox_ops_elemwise_count = OX_ARRAY_SIZE(ox_ops_elemwise);
