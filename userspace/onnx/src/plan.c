// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Preparing a model for bound inputs: a copy of the model's graph gets the
 * inputs' shapes (and the values of inputs that determine shapes), shape
 * inference and folding, fusion, late folding of the constants fusion left
 * (Q/DQ of weights), lowering to card kernels and memory planning.
 */
#include <stdlib.h>
#include <string.h>

#include "plan.h"

static int bind_inputs(struct ox_plan *p, const struct taihu_onnx_model *m,
		       const ox_tensor *const *inputs)
{
	struct ox_graph *g = p->g;
	int i, k;

	for (i = 0; i < g->n_inputs; i++) {
		struct ox_value *v = &g->vals[g->inputs[i]];
		const ox_tensor *t = inputs[i];
		bool bf16_bits = false;
		char a[96], b[96];

		if (!t)
			return ox_err(-EINVAL, "input '%s' is missing", v->name);
		/* bfloat16 tensors of older ONNX test data say uint16: same bits */
		if (v->dtype == OX_BF16 && t->dtype == OX_U16)
			bf16_bits = true;
		if (v->dtype != OX_UNDEF && v->dtype != t->dtype && !bf16_bits)
			return ox_err(-EINVAL, "input '%s' must be %s, the tensor given is %s",
				      v->name, ox_dtype_name(v->dtype), ox_dtype_name(t->dtype));
		if (v->rank >= 0 && v->rank != t->rank)
			return ox_err(-EINVAL, "input '%s' must have shape %s, the tensor given "
				      "has shape %s", v->name, ox_shape_str(v->rank, v->dims, a, 96),
				      ox_shape_str(t->rank, t->dims, b, 96));
		for (k = 0; v->rank >= 0 && k < v->rank; k++)
			if (v->dims[k] >= 0 && v->dims[k] != t->dims[k])
				return ox_err(-EINVAL, "input '%s' must have shape %s, the tensor "
					      "given has shape %s", v->name,
					      ox_shape_str(v->rank, v->dims, a, 96),
					      ox_shape_str(t->rank, t->dims, b, 96));
		v->dtype = bf16_bits ? OX_BF16 : t->dtype;
		v->rank = t->rank;
		memcpy(v->dims, t->dims, sizeof(v->dims));
		if (v->flags & OXV_NEED_VALUE) {
			v->konst = ox_tensor_clone(t);
			if (!v->konst)
				return -ENOMEM;
			v->konst->dtype = v->dtype;
		}
		p->in[i].value = g->inputs[i];
		p->in[i].store = -1;
	}
	(void)m;
	return 0;
}

void ox_plan_free(struct ox_plan *p)
{
	int i;

	if (!p)
		return;
	if (p->g) {
		for (i = 0; i < p->g->n_vals; i++)
			if (!(p->g->vals[i].flags & OXV_INIT))
				ox_tensor_free(p->g->vals[i].konst);
		ox_graph_free(p->g);
	}
	for (i = 0; i < p->n_stores; i++)
		ox_tensor_free(p->stores[i].data);
	free(p->stores);
	free(p->kernels);
	free(p->views);
	free(p->has_view);
	free(p->in);
	free(p->out);
	free(p);
}

int ox_plan_build(const struct taihu_onnx_model *m, const ox_tensor *const *inputs,
		  int precision, unsigned flags, struct ox_plan **out)
{
	struct ox_plan *p;
	struct ox_graph *g;
	int err, i;

	*out = NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return ox_err(-ENOMEM, "out of memory");
	p->precision = precision;
	p->flags = flags;
	p->g = g = ox_graph_clone(m->g);
	if (!g) {
		free(p);
		return -ENOMEM;
	}
	/* the clone's values share the model's constants; plan-owned ones come later */
	for (i = 0; i < g->n_vals; i++)
		if (!(g->vals[i].flags & OXV_INIT))
			g->vals[i].konst = NULL;
	p->n_in = g->n_inputs;
	p->n_out = g->n_outputs;
	p->in = calloc((size_t)p->n_in + 1, sizeof(*p->in));
	p->out = calloc((size_t)p->n_out + 1, sizeof(*p->out));
	if (!p->in || !p->out) {
		err = ox_err(-ENOMEM, "out of memory");
		goto fail;
	}
	err = bind_inputs(p, m, inputs);
	if (err)
		goto fail;
	err = ox_infer_graph(g, false);
	if (err)
		goto fail;
	if (!(flags & TAIHU_ONNX_NO_FUSION)) {
		err = ox_fuse_graph(g);
		if (err)
			goto fail;
	}
	err = ox_fold_late(g);
	if (err)
		goto fail;
	ox_graph_count_uses(g);
	for (i = 0; i < p->n_out; i++)
		p->out[i].value = g->outputs[i];
	p->views = calloc((size_t)g->n_vals + 1, sizeof(*p->views));
	p->has_view = calloc((size_t)g->n_vals + 1, sizeof(*p->has_view));
	if (!p->views || !p->has_view) {
		err = ox_err(-ENOMEM, "out of memory");
		goto fail;
	}
	err = ox_lower_graph(p);
	if (err)
		goto fail;
	err = ox_memplan(p);
	if (err)
		goto fail;
	*out = p;
	return 0;
fail:
	ox_plan_free(p);
	return err;
}
