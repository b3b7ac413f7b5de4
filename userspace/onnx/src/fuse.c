// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Graph rewrites before lowering, each on live (card) nodes only:
 *  - Conv + BatchNormalization with constant parameters: folded into the
 *    convolution's weights and bias;
 *  - the LayerNorm decomposition of opsets < 17 -> LayerNormalization;
 *  - the erf form of GELU -> one Gelu node;
 *  - MatMul(Q, K^T) [* scale] [+ mask] -> Softmax -> MatMul(., V), the
 *    attention PyTorch exports -> one Attention node;
 *  - DequantizeLinear -> Conv/Gemm/MatMul/pooling/Add -> [act] ->
 *    QuantizeLinear -> the int8 kernel; Q/DQ around reshapes dropped;
 *  - MatMul + Add -> GEMM with C;
 *  - an activation after Conv, Gemm, MatMul, BatchNorm or a binary op ->
 *    the kernel's fused activation.
 * A rewrite only fires when the intermediate values have no other use and
 * are not graph outputs, so results stay those of the original graph.
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "fuse.h"
#include "ops.h"

struct ox_fusion *ox_fusion_of(struct ox_graph *g, struct ox_node *n)
{
	struct ox_fusion *f = n->fusion;

	if (f)
		return f;
	f = ox_alloc(g->arena, sizeof(*f));
	if (!f)
		return NULL;
	f->bias = -1;
	f->alpha = 1.0f;
	n->fusion = f;
	return f;
}

static bool is_op(const struct ox_node *n, const char *op)
{
	return n && !strcmp(n->op, op);
}

/* The live node producing value @v, or NULL. */
static struct ox_node *producer(struct ox_graph *g, int v)
{
	int p;

	if (v < 0)
		return NULL;
	p = g->vals[v].producer;
	if (p < 0 || g->nodes[p].state != OXN_LIVE)
		return NULL;
	return &g->nodes[p];
}

/* The only live consumer of value @v, when it has exactly one and is no output. */
static struct ox_node *sole_consumer(struct ox_graph *g, int v, int *which)
{
	struct ox_node *found = NULL;
	int i, j;

	if (v < 0 || g->vals[v].uses != 1 || (g->vals[v].flags & OXV_OUTPUT))
		return NULL;
	for (i = 0; i < g->n_nodes; i++) {
		struct ox_node *n = &g->nodes[i];

		if (n->state != OXN_LIVE)
			continue;
		for (j = 0; j < n->n_in; j++)
			if (n->in[j] == v) {
				if (found)
					return NULL;
				found = n;
				if (which)
					*which = j;
			}
	}
	return found;
}

static bool single_use(struct ox_graph *g, int v)
{
	return v >= 0 && g->vals[v].uses == 1 && !(g->vals[v].flags & OXV_OUTPUT);
}

static bool const_scalar(struct ox_graph *g, int v, double *out)
{
	if (v < 0 || !g->vals[v].konst || g->vals[v].konst->numel != 1 ||
	    !ox_dtype_is_float(g->vals[v].konst->dtype))
		return false;
	*out = ox_get_f(g->vals[v].konst, 0);
	return true;
}

static bool near(double a, double b)
{
	return fabs(a - b) <= 1e-4 * fabs(b);
}

static int node_index(struct ox_graph *g, const struct ox_node *n)
{
	return (int)(n - g->nodes);
}

/* Give @n its own in/out arrays (the template's are shared), with room for @n_in inputs. */
static int own_io(struct ox_graph *g, struct ox_node *n, int n_in)
{
	int *in, *out, i;

	if (n_in < n->n_in)
		n_in = n->n_in;
	in = ox_alloc_array(g->arena, (size_t)n_in + 1, sizeof(int));
	out = ox_alloc_array(g->arena, (size_t)n->n_out + 1, sizeof(int));
	if (!in || !out)
		return ox_err(-ENOMEM, "out of memory");
	for (i = 0; i < n_in; i++)
		in[i] = i < n->n_in ? n->in[i] : -1;
	for (i = 0; i < n->n_out; i++)
		out[i] = n->out[i];
	n->in = in;
	n->out = out;
	n->n_in = n_in;
	return 0;
}

/* Position of node @ni in the topological order. */
static int order_pos(struct ox_graph *g, int ni)
{
	int i;

	for (i = 0; i < g->n_order; i++)
		if (g->order[i] == ni)
			return i;
	return -1;
}

/*
 * @keep takes over output 0 of @gone (which is fused away) and moves to
 * @gone's place in the order: every input of both is available there.
 */
static int absorb(struct ox_graph *g, struct ox_node *keep, struct ox_node *gone)
{
	int k = node_index(g, keep), d = node_index(g, gone), pk, pd, err;

	err = own_io(g, keep, 0);
	if (err)
		return err;
	keep->out[0] = gone->out[0];
	g->vals[keep->out[0]].producer = k;
	gone->state = OXN_FUSED;
	pk = order_pos(g, k);
	pd = order_pos(g, d);
	if (pk >= 0 && pd > pk) {
		g->order[pk] = d;
		g->order[pd] = k;
	}
	if (!keep->fused_ops)
		keep->fused_ops = keep->op;
	keep->fused_ops = ox_sprintf(g->arena, "%s+%s", keep->fused_ops, gone->op);
	return keep->fused_ops ? 0 : ox_err(-ENOMEM, "out of memory");
}

/* A new live node (appended) taking the place of @last in the order. */
static struct ox_node *new_node(struct ox_graph *g, const char *op, const struct ox_node *last,
				int n_in, int n_out, const char *what)
{
	int li = node_index(g, last), ni, pos;
	char *name = ox_sprintf(g->arena, "%s", last->name);

	pos = order_pos(g, li);
	ni = ox_graph_add_node(g, op, name ? name : "", n_in, n_out);	/* may move g->nodes */
	if (ni < 0)
		return NULL;
	if (pos >= 0)
		g->order[pos] = ni;
	g->nodes[ni].fused_ops = what;
	return &g->nodes[ni];
}

static struct ox_attr *new_attrs(struct ox_graph *g, struct ox_node *n, int count)
{
	n->attr = ox_alloc_array(g->arena, (size_t)count, sizeof(*n->attr));
	n->n_attr = n->attr ? count : 0;
	return n->attr;
}

/* A new constant value owned by the plan. */
static int new_const(struct ox_graph *g, const char *name, ox_tensor *t)
{
	int v;

	if (!t)
		return -ENOMEM;
	v = ox_graph_add_value(g, name);
	if (v < 0) {
		ox_tensor_free(t);
		return v;
	}
	g->vals[v].konst = t;
	g->vals[v].dtype = t->dtype;
	g->vals[v].rank = t->rank;
	memcpy(g->vals[v].dims, t->dims, sizeof(int64_t) * (size_t)t->rank);
	return v;
}

/* ---- Conv + BatchNormalization ---- */

static int fuse_conv_bn(struct ox_graph *g, struct ox_node *bn)
{
	struct ox_node *conv = producer(g, bn->in[0]);
	const ox_tensor *w, *b = NULL, *sc, *bb, *mean, *var;
	ox_tensor *nw, *nb;
	double eps = ox_attr_float(bn, "epsilon", 1e-5f);
	int64_t m, i, per;
	int wv, bv, err, k;

	if (!is_op(conv, "Conv") || conv->fusion || !single_use(g, bn->in[0]))
		return 0;
	for (k = 1; k < 5; k++)
		if (!g->vals[bn->in[k]].konst)
			return 0;
	w = g->vals[conv->in[1]].konst;
	if (!w || (conv->n_in > 2 && conv->in[2] >= 0 && !(b = g->vals[conv->in[2]].konst)))
		return 0;
	sc = g->vals[bn->in[1]].konst;
	bb = g->vals[bn->in[2]].konst;
	mean = g->vals[bn->in[3]].konst;
	var = g->vals[bn->in[4]].konst;
	m = w->dims[0];
	per = m ? w->numel / m : 0;
	nw = ox_tensor_clone(w);
	nb = ox_tensor_new(w->dtype, 1, &m);
	if (!nw || !nb) {
		ox_tensor_free(nw);
		ox_tensor_free(nb);
		return -ENOMEM;
	}
	for (i = 0; i < m; i++) {
		double s = ox_get_f(sc, i) / sqrt(ox_get_f(var, i) + eps);
		int64_t j;

		for (j = 0; j < per; j++)
			ox_set_f(nw, i * per + j, ox_get_f(w, i * per + j) * s);
		ox_set_f(nb, i, ((b ? ox_get_f(b, i) : 0) - ox_get_f(mean, i)) * s +
			 ox_get_f(bb, i));
	}
	wv = new_const(g, ox_sprintf(g->arena, "%s.W+bn", conv->name), nw);
	if (wv < 0) {
		ox_tensor_free(nb);
		return wv;
	}
	bv = new_const(g, ox_sprintf(g->arena, "%s.B+bn", conv->name), nb);
	if (bv < 0)
		return bv;
	/* new values may have moved the value array; nodes did not move */
	err = own_io(g, conv, 3);
	if (err)
		return err;
	conv->in[1] = wv;
	conv->in[2] = bv;
	err = absorb(g, conv, bn);
	return err ? err : 1;
}

/* ---- LayerNorm decomposition ---- */

/* ReduceMean over trailing axes with keepdims: the first axis, or -1. */
static int trailing_mean_axis(struct ox_graph *g, const struct ox_node *rm)
{
	struct ox_ctx c = { .g = g, .n = (struct ox_node *)rm };
	const struct ox_value *x = &g->vals[rm->in[0]];
	bool mask[OX_MAX_RANK];
	int i, first = -1;

	if (!is_op(rm, "ReduceMean") || !ox_attr_int(rm, "keepdims", 1) ||
	    ox_reduce_mask(&c, x, mask))
		return -1;
	for (i = 0; i < x->rank; i++) {
		if (mask[i] && first < 0)
			first = i;
		if (first >= 0 && !mask[i])
			return -1;
	}
	return first;
}

static int fuse_layernorm_at(struct ox_graph *g, int di)
{
	struct ox_node *div = &g->nodes[di], *sub, *mean, *sq, *add, *var, *pow, *mul, *addb;
	struct ox_node *ln, *last;
	int x, d, axis, n_uses_d, gamma = -1, beta = -1, out, w, prod[9], np = 0, i;
	double eps, two;

	sub = producer(g, div->in[0]);
	sq = producer(g, div->in[1]);
	if (!is_op(sub, "Sub") || !is_op(sq, "Sqrt"))
		return 0;
	x = sub->in[0];
	d = sub->out[0];
	mean = producer(g, sub->in[1]);
	if (!mean || mean->in[0] != x || (axis = trailing_mean_axis(g, mean)) < 0)
		return 0;
	add = producer(g, sq->in[0]);
	if (!is_op(add, "Add"))
		return 0;
	if (const_scalar(g, add->in[1], &eps))
		var = producer(g, add->in[0]);
	else if (const_scalar(g, add->in[0], &eps))
		var = producer(g, add->in[1]);
	else
		return 0;
	if (!var || trailing_mean_axis(g, var) != axis)
		return 0;
	pow = producer(g, var->in[0]);
	if (is_op(pow, "Pow")) {
		if (pow->in[0] != d || !const_scalar(g, pow->in[1], &two) || two != 2)
			return 0;
		n_uses_d = 2;
	} else if (is_op(pow, "Mul") && pow->in[0] == d && pow->in[1] == d) {
		n_uses_d = 3;
	} else {
		return 0;
	}
	if (g->vals[d].uses != n_uses_d || (g->vals[d].flags & OXV_OUTPUT) ||
	    !single_use(g, mean->out[0]) || !single_use(g, pow->out[0]) ||
	    !single_use(g, var->out[0]) || !single_use(g, add->out[0]) ||
	    !single_use(g, sq->out[0]) || eps < 0)
		return 0;
	prod[np++] = node_index(g, sub);
	prod[np++] = node_index(g, mean);
	prod[np++] = node_index(g, pow);
	prod[np++] = node_index(g, var);
	prod[np++] = node_index(g, add);
	prod[np++] = node_index(g, sq);
	prod[np++] = di;
	/* optional * gamma + beta, both known at prepare */
	last = div;
	out = div->out[0];
	mul = sole_consumer(g, out, &w);
	if (is_op(mul, "Mul") && g->vals[mul->in[1 - w]].konst) {
		gamma = mul->in[1 - w];
		last = mul;
		out = mul->out[0];
		prod[np++] = node_index(g, mul);
		addb = sole_consumer(g, out, &w);
		if (is_op(addb, "Add") && g->vals[addb->in[1 - w]].konst) {
			beta = addb->in[1 - w];
			last = addb;
			out = addb->out[0];
			prod[np++] = node_index(g, addb);
		}
	}
	ln = new_node(g, "LayerNormalization", last, 3, 1, "LayerNorm(decomposed)");
	if (!ln)
		return -ENOMEM;
	ln->in[0] = x;
	ln->in[1] = gamma;
	ln->in[2] = beta;
	ln->out[0] = out;
	g->vals[out].producer = node_index(g, ln);
	if (!new_attrs(g, ln, 2))
		return ox_err(-ENOMEM, "out of memory");
	ln->attr[0] = (struct ox_attr){ .name = "axis", .type = OXA_INT, .i = axis };
	ln->attr[1] = (struct ox_attr){ .name = "epsilon", .type = OXA_FLOAT, .f = (float)eps };
	for (i = 0; i < np; i++)
		g->nodes[prod[i]].state = OXN_FUSED;
	return 1;
}

/* ---- GELU (erf form) ---- */

static int fuse_gelu_at(struct ox_graph *g, int ei)
{
	struct ox_node *erf = &g->nodes[ei], *sc, *add, *m1, *m2, *h = NULL;
	struct ox_node *gelu;
	int x, w, prod[5], np = 0, i, out;
	double c, one, half;

	sc = producer(g, erf->in[0]);
	if (!sc || !single_use(g, erf->in[0]))
		return 0;
	if ((is_op(sc, "Div") && const_scalar(g, sc->in[1], &c) && near(c, M_SQRT2)) ||
	    (is_op(sc, "Mul") && const_scalar(g, sc->in[1], &c) && near(c, M_SQRT1_2)))
		x = sc->in[0];
	else if (is_op(sc, "Mul") && const_scalar(g, sc->in[0], &c) && near(c, M_SQRT1_2))
		x = sc->in[1];
	else
		return 0;
	add = sole_consumer(g, erf->out[0], &w);
	if (!is_op(add, "Add") || !const_scalar(g, add->in[1 - w], &one) || one != 1)
		return 0;
	m1 = sole_consumer(g, add->out[0], &w);
	if (!is_op(m1, "Mul"))
		return 0;
	if (m1->in[1 - w] == x) {
		/* x * (1 + erf) then * 0.5 */
		m2 = sole_consumer(g, m1->out[0], &w);
		if (!is_op(m2, "Mul") || !const_scalar(g, m2->in[1 - w], &half) || half != 0.5)
			return 0;
	} else if (const_scalar(g, m1->in[1 - w], &half) && half == 0.5) {
		/* (1 + erf) * 0.5 then * x */
		m2 = sole_consumer(g, m1->out[0], &w);
		if (!is_op(m2, "Mul") || m2->in[1 - w] != x)
			return 0;
	} else {
		/* (x * 0.5) * (1 + erf) */
		h = producer(g, m1->in[1 - w]);
		if (!is_op(h, "Mul") || !single_use(g, h->out[0]))
			return 0;
		if (!((h->in[0] == x && const_scalar(g, h->in[1], &half)) ||
		      (h->in[1] == x && const_scalar(g, h->in[0], &half))) || half != 0.5)
			return 0;
		m2 = m1;
	}
	prod[np++] = node_index(g, sc);
	prod[np++] = ei;
	prod[np++] = node_index(g, add);
	prod[np++] = node_index(g, m1);
	if (m2 != m1)
		prod[np++] = node_index(g, m2);
	else if (h)
		prod[np++] = node_index(g, h);
	out = m2->out[0];
	gelu = new_node(g, "Gelu", m2, 1, 1, "Gelu(erf)");
	if (!gelu)
		return -ENOMEM;
	gelu->in[0] = x;
	gelu->out[0] = out;
	g->vals[out].producer = node_index(g, gelu);
	for (i = 0; i < np; i++)
		g->nodes[prod[i]].state = OXN_FUSED;
	return 1;
}

/* ---- attention ---- */

/* Scaling of @v by a constant scalar (Mul or Div): the input and the factor. */
static bool scaled(struct ox_graph *g, int v, int *src, double *factor, int *node)
{
	struct ox_node *n = producer(g, v);
	double c;

	if (!n || !single_use(g, v))
		return false;
	if (is_op(n, "Div") && const_scalar(g, n->in[1], &c) && c != 0) {
		*src = n->in[0];
		*factor = 1 / c;
	} else if (is_op(n, "Mul") && const_scalar(g, n->in[1], &c)) {
		*src = n->in[0];
		*factor = c;
	} else if (is_op(n, "Mul") && const_scalar(g, n->in[0], &c)) {
		*src = n->in[1];
		*factor = c;
	} else {
		return false;
	}
	*node = node_index(g, n);
	return true;
}

static bool same_batch(const struct ox_value *a, const struct ox_value *b)
{
	int i;

	if (a->rank != b->rank)
		return false;
	for (i = 0; i < a->rank - 2; i++)
		if (a->dims[i] != b->dims[i])
			return false;
	return true;
}

static int fuse_attention_at(struct ox_graph *g, int mi)
{
	struct ox_node *mm2 = &g->nodes[mi], *sm, *mm1, *att, *n;
	int p = mm2->in[0], v = mm2->in[1], s, mask = -1, q, kt, prod[6], np = 0, i, ax, out;
	double scale = 1, f;
	const struct ox_value *qv, *kv, *vv;

	sm = producer(g, p);
	if (!is_op(sm, "Softmax") || !single_use(g, p))
		return 0;
	{
		struct ox_ctx c = { .g = g, .n = sm };

		if (ox_softmax_axis(&c, &g->vals[sm->in[0]], &ax) ||
		    ax != g->vals[sm->in[0]].rank - 1)
			return 0;
	}
	prod[np++] = node_index(g, sm);
	s = sm->in[0];
	n = producer(g, s);
	if (is_op(n, "Add") && single_use(g, s)) {
		int a = n->in[0], b = n->in[1];
		struct ox_node *pa = producer(g, a), *pb = producer(g, b);

		/* the scores are the MatMul (or its scaling); the other side is the mask */
		if (pa && (is_op(pa, "MatMul") || is_op(pa, "Mul") || is_op(pa, "Div"))) {
			mask = b;
			s = a;
		} else if (pb && (is_op(pb, "MatMul") || is_op(pb, "Mul") || is_op(pb, "Div"))) {
			mask = a;
			s = b;
		} else {
			return 0;
		}
		prod[np++] = node_index(g, n);
	}
	if (scaled(g, s, &s, &f, &prod[np])) {
		scale *= f;
		np++;
	}
	mm1 = producer(g, s);
	if (!is_op(mm1, "MatMul") || !single_use(g, s))
		return 0;
	prod[np++] = node_index(g, mm1);
	q = mm1->in[0];
	kt = mm1->in[1];
	if (scaled(g, q, &q, &f, &prod[np])) {
		scale *= f;
		np++;
	}
	qv = &g->vals[q];
	kv = &g->vals[kt];
	vv = &g->vals[v];
	if (qv->rank < 3 || qv->rank > 4 || !same_batch(qv, kv) || !same_batch(qv, vv) ||
	    !ox_dtype_is_float(qv->dtype) || scale == 0 || !isfinite(scale))
		return 0;
	if (mask >= 0 && !ox_dtype_is_float(g->vals[mask].dtype))
		return 0;
	out = mm2->out[0];
	att = new_node(g, "Attention", mm2, 4, 1, "Attention(MatMul+Softmax+MatMul)");
	if (!att)
		return -ENOMEM;
	att->in[0] = q;
	att->in[1] = kt;	/* K^T as the MatMul had it */
	att->in[2] = v;
	att->in[3] = mask;
	att->out[0] = out;
	g->vals[out].producer = node_index(g, att);
	if (!new_attrs(g, att, 1))
		return ox_err(-ENOMEM, "out of memory");
	att->attr[0] = (struct ox_attr){ .name = "scale", .type = OXA_FLOAT, .f = (float)scale };
	g->nodes[mi].state = OXN_FUSED;
	for (i = 0; i < np; i++)
		g->nodes[prod[i]].state = OXN_FUSED;
	return 1;
}

/* ---- QDQ -> int8 kernels ---- */

static bool get_quant(struct ox_graph *g, const struct ox_node *qdq, int x, struct ox_quant *q)
{
	struct ox_ctx c = { .g = g, .n = (struct ox_node *)qdq };
	struct ox_qparam p;

	if (ox_qparams(&c, 1, 2, &g->vals[x], (int)ox_attr_int(qdq, "axis", 1), &p))
		return false;
	q->on = true;
	q->axis = p.axis;
	q->scale = p.scale;
	q->zero = p.zero;
	return true;
}

static bool same_quant(const struct ox_quant *a, const struct ox_quant *b)
{
	int64_t i;

	if (a->axis != -1 || b->axis != -1)
		return false;
	if (ox_get_f(a->scale, 0) != ox_get_f(b->scale, 0))
		return false;
	i = 0;
	return (a->zero ? ox_get_i(a->zero, i) : 0) == (b->zero ? ox_get_i(b->zero, i) : 0) &&
	       (a->zero ? a->zero->dtype : OX_U8) == (b->zero ? b->zero->dtype : OX_U8);
}

/* The DequantizeLinear producing input @i of @n (live), or NULL. */
static struct ox_node *dq_of(struct ox_graph *g, const struct ox_node *n, int i)
{
	struct ox_node *d = i < n->n_in ? producer(g, n->in[i]) : NULL;

	return is_op(d, "DequantizeLinear") ? d : NULL;
}

static int fuse_qdq_at(struct ox_graph *g, int fi)
{
	struct ox_node *f = &g->nodes[fi], *act = NULL, *q, *dx, *dw = NULL, *db = NULL;
	struct ox_fusion *fu;
	struct ox_quant qx = { 0 }, qw = { 0 }, qo = { 0 };
	bool conv = is_op(f, "Conv"), gemm = is_op(f, "Gemm") || is_op(f, "MatMul");
	bool pool = is_op(f, "MaxPool") || is_op(f, "AveragePool") ||
		    is_op(f, "GlobalAveragePool");
	bool view = is_op(f, "Flatten") || is_op(f, "Reshape") || is_op(f, "Squeeze") ||
		    is_op(f, "Unsqueeze") || is_op(f, "Transpose");
	struct ox_act ua;
	bool unary = !conv && !gemm && !pool && !view && ox_act_of_node(g, f, &ua) &&
		     (ua.op == OX_ACT_RELU || ua.op == OX_ACT_CLIP || ua.op == OX_ACT_SIGMOID ||
		      ua.op == OX_ACT_TANH || ua.op == OX_ACT_LEAKY_RELU);
	int w, y, bias = -1, err;
	struct ox_act a = { 0 };

	if (!conv && !gemm && !pool && !view && !unary)
		return 0;
	if (f->fusion || f->n_out < 1 || f->out[0] < 0)
		return 0;
	if (is_op(f, "MaxPool") && f->n_out > 1 && f->out[1] >= 0)
		return 0;
	dx = dq_of(g, f, 0);
	if (!dx || !get_quant(g, dx, dx->in[0], &qx))
		return 0;
	if (conv || gemm) {
		dw = dq_of(g, f, 1);
		if (!dw || !get_quant(g, dw, dw->in[0], &qw))
			return 0;
		if (f->n_in > 2 && f->in[2] >= 0) {
			db = dq_of(g, f, 2);
			bias = f->in[2];
			if (db && g->vals[db->in[0]].dtype == OX_I32 && qx.axis < 0) {
				/* an int32 bias at scale sx * sw is the accumulator's own */
				struct ox_quant qb;
				int64_t ch, nch = qw.scale->numel;
				bool ok = get_quant(g, db, db->in[0], &qb);

				for (ch = 0; ok && ch < nch; ch++) {
					double want = ox_get_f(qx.scale, 0) * ox_get_f(qw.scale, ch);
					double have = ox_get_f(qb.scale, qb.scale->numel > 1 ? ch : 0);

					ok = fabs(want - have) <= 1e-6 * want;
				}
				if (ok && qb.zero && ox_get_i(qb.zero, 0))
					ok = false;
				if (ok)
					bias = db->in[0];
				db = ok ? db : NULL;
			} else {
				db = NULL;	/* a float bias (folded later) */
			}
		}
		/* an int32 C is the accumulator's: Gemm's beta must then be 1 */
		if (db && is_op(f, "Gemm") && ox_attr_float(f, "beta", 1) != 1)
			db = NULL, bias = f->in[2];
	}
	y = f->out[0];
	q = sole_consumer(g, y, &w);
	if (q && !is_op(q, "QuantizeLinear") && (conv || gemm) && ox_act_of_node(g, q, &a) &&
	    (a.op == OX_ACT_RELU || a.op == OX_ACT_CLIP)) {
		act = q;
		q = sole_consumer(g, act->out[0], &w);
	}
	if (!is_op(q, "QuantizeLinear") || !get_quant(g, q, q->in[0], &qo) || qo.axis >= 0)
		return 0;
	if ((pool || view) && !same_quant(&qx, &qo))
		return 0;
	if (qx.axis >= 0 || (qw.on && qw.axis >= 0 && qw.axis != (conv ? 0 : 1)))
		return 0;
	if (is_op(f, "Gemm") && qw.axis >= 0 && ox_attr_int(f, "transB", 0))
		return 0;
	err = own_io(g, f, 0);
	if (err)
		return err;
	fu = ox_fusion_of(g, f);
	if (!fu)
		return -ENOMEM;
	fu->int8 = true;
	fu->q[0] = qx;
	fu->q[1] = qw;
	fu->qout = qo;
	fu->act = a;
	f->in[0] = dx->in[0];
	if (dw)
		f->in[1] = dw->in[0];
	if (db)
		f->in[2] = bias;
	if (act) {
		err = absorb(g, f, act);
		if (err)
			return err;
	}
	err = absorb(g, f, q);
	if (err)
		return err;
	/* the DQ nodes stay when something else reads their outputs; else unused */
	return 1;
}

/* ---- MatMul + Add -> GEMM with C; activations ---- */

static int fuse_bias_at(struct ox_graph *g, int mi)
{
	struct ox_node *mm = &g->nodes[mi], *add;
	const struct ox_value *y, *c;
	int w, i, err;

	if (!is_op(mm, "MatMul") || mm->fusion)
		return 0;
	add = sole_consumer(g, mm->out[0], &w);
	if (!is_op(add, "Add"))
		return 0;
	y = &g->vals[mm->out[0]];
	c = &g->vals[add->in[1 - w]];
	if (c->dtype != y->dtype || c->rank > y->rank)
		return 0;
	for (i = 0; i < c->rank; i++) {
		int64_t d = c->dims[c->rank - 1 - i];

		if (d != 1 && d != y->dims[y->rank - 1 - i])
			return 0;
	}
	/* the sum must have the MatMul's shape (no broadcast of the product) */
	if (g->vals[add->out[0]].rank != y->rank)
		return 0;
	for (i = 0; i < y->rank; i++)
		if (g->vals[add->out[0]].dims[i] != y->dims[i])
			return 0;
	err = own_io(g, mm, 3);
	if (err)
		return err;
	mm->in[2] = add->in[1 - w];
	if (!ox_fusion_of(g, mm))
		return -ENOMEM;
	mm->fusion->bias = mm->in[2];
	err = absorb(g, mm, add);
	return err ? err : 1;
}

bool ox_act_of_node(struct ox_graph *g, const struct ox_node *n, struct ox_act *act)
{
	static const struct {
		const char *op;
		int act;
	} map[] = {
		{ "Relu", OX_ACT_RELU }, { "LeakyRelu", OX_ACT_LEAKY_RELU },
		{ "Clip", OX_ACT_CLIP }, { "Sigmoid", OX_ACT_SIGMOID }, { "Tanh", OX_ACT_TANH },
		{ "Exp", OX_ACT_EXP }, { "Sqrt", OX_ACT_SQRT }, { "Reciprocal", OX_ACT_RECIPROCAL },
		{ "Abs", OX_ACT_ABS }, { "Neg", OX_ACT_NEG }, { "Log", OX_ACT_LOG },
		{ "Erf", OX_ACT_ERF }, { "Gelu", OX_ACT_GELU_ERF },
	};
	size_t i;

	for (i = 0; i < OX_ARRAY_SIZE(map); i++) {
		if (strcmp(n->op, map[i].op))
			continue;
		memset(act, 0, sizeof(*act));
		act->op = map[i].act;
		if (act->op == OX_ACT_LEAKY_RELU)
			act->alpha = ox_attr_float(n, "alpha", 0.01f);
		if (act->op == OX_ACT_GELU_ERF &&
		    !strcmp(ox_attr_str(n, "approximate", "none"), "tanh"))
			act->op = OX_ACT_GELU_TANH;
		if (act->op == OX_ACT_CLIP) {
			double lo, hi;

			ox_clip_bounds(g, n, &lo, &hi);
			if (g->opset >= 11 && ((n->n_in > 1 && n->in[1] >= 0 &&
						!g->vals[n->in[1]].konst) ||
					       (n->n_in > 2 && n->in[2] >= 0 &&
						!g->vals[n->in[2]].konst)))
				return false;
			act->alpha = lo < -FLT_MAX ? -FLT_MAX : (float)lo;
			act->beta = hi > FLT_MAX ? FLT_MAX : (float)hi;
			if (act->beta < act->alpha)
				return false;
		}
		return true;
	}
	return false;
}

static bool takes_act(const struct ox_node *n)
{
	static const char *const ops[] = {
		"Conv", "Gemm", "MatMul", "BatchNormalization", "Add", "Sub", "Mul", "Div",
		"QLinearConv", "QLinearMatMul",
	};
	size_t i;

	for (i = 0; i < OX_ARRAY_SIZE(ops); i++)
		if (!strcmp(n->op, ops[i]))
			return n->n_in == 2 || strncmp(ops[i], "Q", 1) ||
			       !strcmp(n->op, "QLinearConv") || !strcmp(n->op, "QLinearMatMul") ||
			       i < 4;
	return false;
}

static int fuse_act_at(struct ox_graph *g, int fi)
{
	struct ox_node *f = &g->nodes[fi], *a;
	struct ox_fusion *fu;
	struct ox_act act;
	int w, err;

	if (!takes_act(f) || (f->fusion && f->fusion->act.op) || f->n_out < 1 || f->out[0] < 0)
		return 0;
	if (!strcmp(f->op, "QLinearConv") || !strcmp(f->op, "QLinearMatMul"))
		return 0;	/* their output is already quantised */
	if (f->fusion && f->fusion->int8)
		return 0;
	a = sole_consumer(g, f->out[0], &w);
	if (!a || !ox_act_of_node(g, a, &act))
		return 0;
	if (g->vals[a->out[0]].dtype != g->vals[f->out[0]].dtype)
		return 0;
	fu = ox_fusion_of(g, f);
	if (!fu)
		return -ENOMEM;
	fu->act = act;
	err = absorb(g, f, a);
	return err ? err : 1;
}

typedef int (*pass_fn)(struct ox_graph *g, int node);

static int run_pass(struct ox_graph *g, const char *op, pass_fn fn)
{
	int oi, err;

	for (oi = 0; oi < g->n_order; oi++) {
		int ni = g->order[oi];

		if (g->nodes[ni].state != OXN_LIVE || (op && strcmp(g->nodes[ni].op, op)))
			continue;
		err = fn(g, ni);
		if (err < 0)
			return err;
		if (err > 0)
			ox_graph_count_uses(g);
	}
	return 0;
}

static int conv_bn_at(struct ox_graph *g, int ni)
{
	return fuse_conv_bn(g, &g->nodes[ni]);
}

int ox_fuse_graph(struct ox_graph *g)
{
	int err;

	ox_graph_count_uses(g);
	err = run_pass(g, "BatchNormalization", conv_bn_at);
	if (!err)
		err = run_pass(g, "Div", fuse_layernorm_at);
	if (!err)
		err = run_pass(g, "Erf", fuse_gelu_at);
	if (!err)
		err = run_pass(g, "MatMul", fuse_attention_at);
	if (!err)
		err = run_pass(g, NULL, fuse_qdq_at);
	if (!err)
		err = run_pass(g, "MatMul", fuse_bias_at);
	if (!err)
		err = run_pass(g, NULL, fuse_act_at);
	ox_graph_count_uses(g);
	return err;
}
