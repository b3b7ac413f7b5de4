// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Loading an ONNX model: protobuf-c unpacks the file (after a nesting-depth
 * pre-pass), then the graph is copied into the IR and checked: opsets,
 * initializers, graph inputs and outputs, every value defined exactly once,
 * every node input defined, no cycle. Operators are checked at prepare.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx.pb-c.h"
#include "ox.h"

/* The opsets of the default domain whose operators we implement. */
#define OX_OPSET_MIN 1
#define OX_OPSET_MAX 17
#define OX_MAX_PB_DEPTH 32
#define OX_MAX_MODEL_BYTES (2ull << 30)

static bool default_domain(const char *d)
{
	return !d || !*d || !strcmp(d, "ai.onnx");
}

int ox_read_file(const char *path, uint8_t **data, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f) {
		int e = errno ? errno : EIO;

		return ox_err(-e, "%s: %s", path, strerror(e));
	}
	for (;;) {
		size_t r;

		if (cap - n < 65536) {
			uint8_t *p;

			if (cap > OX_MAX_MODEL_BYTES) {
				fclose(f);
				free(buf);
				return ox_err(-EFBIG, "%s: larger than 2 GiB", path);
			}
			cap = cap ? cap * 2 : 1 << 20;
			p = realloc(buf, cap);
			if (!p) {
				fclose(f);
				free(buf);
				return ox_err(-ENOMEM, "%s: out of memory", path);
			}
			buf = p;
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	if (ferror(f)) {
		int e = errno ? errno : EIO;

		fclose(f);
		free(buf);
		return ox_err(-e, "%s: read error: %s", path, strerror(e));
	}
	fclose(f);
	*data = buf;
	*len = n;
	return 0;
}

static int convert_attr(struct ox_graph *g, const Onnx__AttributeProto *ap,
			struct ox_attr *a, const char *node)
{
	size_t i;

	a->name = ox_strdup(g->arena, ap->name ? ap->name : "");
	if (!a->name)
		return ox_err(-ENOMEM, "out of memory");
	if (!ap->name || !*ap->name)
		return ox_err(-EINVAL, "node '%s': attribute without a name", node);
	if (ap->ref_attr_name && *ap->ref_attr_name)
		return ox_err(-EINVAL, "node '%s': attribute '%s' refers to a function "
			      "attribute outside a function", node, a->name);
	a->type = ap->has_type ? (int)ap->type : OXA_UNDEF;
	switch (a->type) {
	case OXA_FLOAT:
		a->f = ap->f;
		break;
	case OXA_INT:
		a->i = ap->i;
		break;
	case OXA_STRING: {
		char *s = ox_alloc(g->arena, ap->s.len + 1);

		if (!s)
			return ox_err(-ENOMEM, "out of memory");
		if (ap->s.len)
			memcpy(s, ap->s.data, ap->s.len);
		a->s = s;
		a->n = ap->s.len;
		break;
	}
	case OXA_FLOATS: {
		float *f = ox_alloc_array(g->arena, ap->n_floats, sizeof(float));

		if (!f)
			return ox_err(-ENOMEM, "out of memory");
		for (i = 0; i < ap->n_floats; i++)
			f[i] = ap->floats[i];
		a->floats = f;
		a->n = ap->n_floats;
		break;
	}
	case OXA_INTS: {
		int64_t *v = ox_alloc_array(g->arena, ap->n_ints, sizeof(int64_t));

		if (!v)
			return ox_err(-ENOMEM, "out of memory");
		for (i = 0; i < ap->n_ints; i++)
			v[i] = ap->ints[i];
		a->ints = v;
		a->n = ap->n_ints;
		break;
	}
	case OXA_TENSOR: {
		int err;

		if (!ap->t)
			return ox_err(-EINVAL, "node '%s': tensor attribute '%s' is empty",
				      node, a->name);
		err = ox_tensor_from_proto(ap->t, a->name, &a->t);
		if (err == -EOPNOTSUPP) {
			/* e.g. a string Constant: unsupported when prepared, not unreadable */
			a->s = ox_strdup(g->arena, taihu_onnx_last_error());
			a->type = OXA_UNDEF;
			break;
		}
		if (err)
			return ox_err_prefix(err, "node '%s'", node);
		break;
	}
	case OXA_STRINGS:
		a->n = ap->n_strings;
		break;
	case OXA_GRAPH: case OXA_GRAPHS: case OXA_TENSORS: case OXA_SPARSE_TENSOR:
	case OXA_SPARSE_TENSORS: case OXA_TYPE_PROTO: case OXA_TYPE_PROTOS:
		break;	/* kept by type only: operators using them are unsupported */
	default:
		return ox_err(-EINVAL, "node '%s': attribute '%s' has no valid type",
			      node, a->name);
	}
	return 0;
}

/* Free the attribute tensors of @g (the template owns them). */
static void free_attr_tensors(struct ox_graph *g)
{
	int i, j;

	for (i = 0; i < g->n_nodes; i++)
		for (j = 0; j < g->nodes[i].n_attr; j++)
			ox_tensor_free(g->nodes[i].attr[j].t);
}

static void free_template(struct ox_graph *g)
{
	int i;

	if (!g)
		return;
	free_attr_tensors(g);
	for (i = 0; i < g->n_vals; i++)
		if (g->vals[i].flags & OXV_INIT)
			ox_tensor_free(g->vals[i].konst);
	ox_graph_free(g);
}

/* Value names -> indices while the graph is built (open addressing). */
struct names {
	int *slot;		/* value index + 1, 0 = empty */
	size_t mask;
};

static uint64_t name_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 1099511628211ull;
	return h;
}

static int names_init(struct names *m, size_t count)
{
	size_t cap = 64;

	while (cap < 2 * count + 2)
		cap *= 2;
	m->slot = calloc(cap, sizeof(int));
	m->mask = cap - 1;
	return m->slot ? 0 : ox_err(-ENOMEM, "out of memory");
}

static int names_find(const struct names *m, const struct ox_graph *g, const char *name)
{
	size_t i;

	for (i = name_hash(name) & m->mask; m->slot[i]; i = (i + 1) & m->mask)
		if (!strcmp(g->vals[m->slot[i] - 1].name, name))
			return m->slot[i] - 1;
	return -ENOENT;
}

static void names_add(struct names *m, const struct ox_graph *g, int v)
{
	size_t i;

	for (i = name_hash(g->vals[v].name) & m->mask; m->slot[i]; i = (i + 1) & m->mask)
		;
	m->slot[i] = v + 1;
}

/* Define a new value @name; a second definition is an error. */
static int define_value(struct ox_graph *g, struct names *m, const char *name,
			const char *what)
{
	int v;

	if (!name || !*name)
		return ox_err(-EINVAL, "%s has an empty name", what);
	if (names_find(m, g, name) >= 0)
		return ox_err(-EINVAL, "value '%s' is defined twice (%s)", name, what);
	v = ox_graph_add_value(g, name);
	if (v >= 0)
		names_add(m, g, v);
	return v;
}

static int convert_io_type(struct ox_graph *g, struct ox_value *v,
			   const Onnx__ValueInfoProto *vi, const char *what)
{
	const Onnx__TypeProto__Tensor *tt;
	size_t i;

	if (!vi->type || vi->type->value_case == ONNX__TYPE_PROTO__VALUE__NOT_SET)
		return 0;	/* no type: known once bound or inferred */
	if (vi->type->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE)
		return ox_err(-EOPNOTSUPP, "%s '%s' is not a tensor (sequences, maps and "
			      "optionals are not supported)", what, v->name);
	tt = vi->type->tensor_type;
	if (!tt)
		return 0;
	if (tt->has_elem_type)
		v->dtype = tt->elem_type;
	if (!tt->shape)
		return 0;
	if (tt->shape->n_dim > OX_MAX_RANK)
		return ox_err(-EOPNOTSUPP, "%s '%s' has rank %zu (at most %d)", what,
			      v->name, tt->shape->n_dim, OX_MAX_RANK);
	v->rank = (int)tt->shape->n_dim;
	for (i = 0; i < tt->shape->n_dim; i++) {
		const Onnx__TensorShapeProto__Dimension *d = tt->shape->dim[i];

		v->dims[i] = -1;
		if (d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE) {
			if (d->dim_value < 0)
				return ox_err(-EINVAL, "%s '%s' has a negative dimension",
					      what, v->name);
			v->dims[i] = d->dim_value;
		} else if (d->value_case ==
			   ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM &&
			   d->dim_param && *d->dim_param) {
			v->dim_param[i] = ox_strdup(g->arena, d->dim_param);
		}
	}
	return 0;
}

static int build_graph(struct ox_graph *g, struct names *m, const Onnx__GraphProto *gp)
{
	size_t i, j;
	int err, v;

	if (gp->n_sparse_initializer)
		return ox_err(-EOPNOTSUPP, "sparse initializers are not supported");
	for (i = 0; i < gp->n_initializer; i++) {
		const Onnx__TensorProto *tp = gp->initializer[i];

		v = define_value(g, m, tp->name, "initializer");
		if (v < 0)
			return v;
		err = ox_tensor_from_proto(tp, tp->name, &g->vals[v].konst);
		if (err)
			return ox_err_prefix(err, "initializer");
		g->vals[v].flags |= OXV_INIT;
		g->vals[v].dtype = g->vals[v].konst->dtype;
		g->vals[v].rank = g->vals[v].konst->rank;
		memcpy(g->vals[v].dims, g->vals[v].konst->dims, sizeof(g->vals[v].dims));
	}
	g->inputs = ox_alloc_array(g->arena, gp->n_input + 1, sizeof(int));
	g->outputs = ox_alloc_array(g->arena, gp->n_output + 1, sizeof(int));
	if (!g->inputs || !g->outputs)
		return ox_err(-ENOMEM, "out of memory");
	for (i = 0; i < gp->n_input; i++) {
		const Onnx__ValueInfoProto *vi = gp->input[i];

		if (!vi->name || !*vi->name)
			return ox_err(-EINVAL, "graph input %zu has no name", i);
		v = names_find(m, g, vi->name);
		if (v >= 0 && (g->vals[v].flags & OXV_INIT))
			continue;	/* IR < 4: initializers are listed as inputs */
		v = define_value(g, m, vi->name, "graph input");
		if (v < 0)
			return v;
		g->vals[v].flags |= OXV_INPUT;
		err = convert_io_type(g, &g->vals[v], vi, "input");
		if (err)
			return err;
		g->inputs[g->n_inputs++] = v;
	}
	/* node outputs first, so that inputs may refer to any of them */
	for (i = 0; i < gp->n_node; i++) {
		const Onnx__NodeProto *np = gp->node[i];
		struct ox_node *n;
		const char *name;
		int ni;

		if (!np->op_type || !*np->op_type)
			return ox_err(-EINVAL, "node %zu has no operator type", i);
		name = np->name && *np->name ? np->name :
			ox_sprintf(g->arena, "%s_%zu", np->op_type, i);
		if (!name)
			return ox_err(-ENOMEM, "out of memory");
		ni = ox_graph_add_node(g, np->op_type, name, (int)np->n_input,
				       (int)np->n_output);
		if (ni < 0)
			return ni;
		n = &g->nodes[ni];
		if (n->def && (n->def->flags & OXOP_INTERNAL))
			n->def = NULL;
		if (!default_domain(np->domain)) {
			n->domain = ox_strdup(g->arena, np->domain);
			n->def = NULL;
		}
		for (j = 0; j < np->n_output; j++) {
			if (!np->output[j] || !*np->output[j])
				continue;	/* omitted optional output */
			if (names_find(m, g, np->output[j]) >= 0)
				return ox_err(-EINVAL, "node '%s' (%s): output '%s' is already "
					      "defined", n->name, n->op, np->output[j]);
			v = ox_graph_add_value(g, np->output[j]);
			if (v < 0)
				return v;
			names_add(m, g, v);
			g->vals[v].producer = ni;
			g->nodes[ni].out[j] = v;
		}
	}
	for (i = 0; i < gp->n_node; i++) {
		const Onnx__NodeProto *np = gp->node[i];
		struct ox_node *n = &g->nodes[i];

		for (j = 0; j < np->n_input; j++) {
			if (!np->input[j] || !*np->input[j])
				continue;	/* omitted optional input */
			v = names_find(m, g, np->input[j]);
			if (v < 0)
				return ox_err(-EINVAL, "node '%s' (%s): input '%s' is not "
					      "defined in the graph", n->name, n->op,
					      np->input[j]);
			n->in[j] = v;
		}
		n->attr = ox_alloc_array(g->arena, np->n_attribute + 1, sizeof(*n->attr));
		if (!n->attr)
			return ox_err(-ENOMEM, "out of memory");
		for (j = 0; j < np->n_attribute; j++) {
			err = convert_attr(g, np->attribute[j], &n->attr[j], n->name);
			n->n_attr = (int)j + 1;
			if (err)
				return err;
		}
	}
	if (!gp->n_output)
		return ox_err(-EINVAL, "the graph has no outputs");
	for (i = 0; i < gp->n_output; i++) {
		const Onnx__ValueInfoProto *vi = gp->output[i];
		struct ox_value tmp;

		if (!vi->name || !*vi->name)
			return ox_err(-EINVAL, "graph output %zu has no name", i);
		v = names_find(m, g, vi->name);
		if (v < 0)
			return ox_err(-EINVAL, "graph output '%s' is not produced by any node",
				      vi->name);
		g->vals[v].flags |= OXV_OUTPUT;
		/* declared output types are checked against inference at prepare */
		memset(&tmp, 0, sizeof(tmp));
		tmp.name = vi->name;
		tmp.rank = -1;
		err = convert_io_type(g, &tmp, vi, "output");
		if (err)
			return err;
		g->outputs[g->n_outputs++] = v;
	}
	return ox_graph_sort(g);
}

static int load_proto(struct taihu_onnx_model *m, const uint8_t *data, size_t len)
{
	Onnx__ModelProto *mp;
	int err, opset = -1;
	size_t i;

	if (!len)
		return ox_err(-EBADMSG, "empty file");
	err = ox_pb_check_depth(&onnx__model_proto__descriptor, data, len, OX_MAX_PB_DEPTH);
	if (err)
		return ox_err_prefix(-EBADMSG, "not a valid ONNX model");
	mp = onnx__model_proto__unpack(NULL, len, data);
	if (!mp)
		return ox_err(-EBADMSG, "not a valid ONNX model (protobuf parse error; "
			      "truncated or corrupt file?)");
	if (!mp->graph) {
		err = ox_err(-EBADMSG, "not an ONNX model: no graph");
		goto out;
	}
	m->ir_version = mp->has_ir_version ? mp->ir_version : 0;
	if (m->ir_version < 3) {
		err = ox_err(-EOPNOTSUPP, "IR version %lld is not supported (3 or newer)",
			     (long long)m->ir_version);
		goto out;
	}
	for (i = 0; i < mp->n_opset_import; i++) {
		const Onnx__OperatorSetIdProto *o = mp->opset_import[i];

		if (default_domain(o->domain) && o->has_version)
			opset = (int)(o->version > 1000 ? 1000 : o->version);
	}
	if (opset < 0) {
		err = ox_err(-EOPNOTSUPP, "the model imports no opset of the default domain "
			     "(only other domains, which are not supported)");
		goto out;
	}
	if (opset < OX_OPSET_MIN || opset > OX_OPSET_MAX) {
		err = ox_err(-EOPNOTSUPP, "opset %d of the default domain is not supported "
			     "(%d..%d)", opset, OX_OPSET_MIN, OX_OPSET_MAX);
		goto out;
	}
	if (mp->n_functions) {
		err = ox_err(-EOPNOTSUPP, "model-local functions are not supported");
		goto out;
	}
	if (mp->producer_name && *mp->producer_name) {
		char buf[256];

		snprintf(buf, sizeof(buf), "%s%s%s", mp->producer_name,
			 mp->producer_version && *mp->producer_version ? " " : "",
			 mp->producer_version ? mp->producer_version : "");
		m->producer = strdup(buf);
	}
	m->g = calloc(1, sizeof(*m->g));
	if (!m->g || !(m->g->arena = ox_arena_new())) {
		err = ox_err(-ENOMEM, "out of memory");
		goto out;
	}
	m->g->opset = opset;
	m->g->file = m->path;
	{
		const Onnx__GraphProto *gp = mp->graph;
		struct names names;
		size_t count = gp->n_initializer + gp->n_input;

		for (i = 0; i < gp->n_node; i++)
			count += gp->node[i]->n_output;
		err = names_init(&names, count);
		if (!err)
			err = build_graph(m->g, &names, gp);
		free(names.slot);
	}
	if (!err)
		ox_mark_needed_values(m->g);
out:
	onnx__model_proto__free_unpacked(mp, NULL);
	return err;
}

OX_EXPORT int taihu_onnx_model_load_buffer(const void *data, size_t len, const char *name,
					   struct taihu_onnx_model **out)
{
	struct taihu_onnx_model *m;
	int err;

	ox_err_clear();
	if (!out || (!data && len))
		return ox_err(-EINVAL, "taihu_onnx_model_load_buffer: invalid arguments");
	*out = NULL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return ox_err(-ENOMEM, "out of memory");
	m->path = strdup(name ? name : "model");
	if (!m->path) {
		free(m);
		return ox_err(-ENOMEM, "out of memory");
	}
	err = load_proto(m, data, len);
	if (err) {
		ox_err_prefix(err, "%s", m->path);
		taihu_onnx_model_free(m);
		return err;
	}
	*out = m;
	return 0;
}

OX_EXPORT int taihu_onnx_model_load(const char *path, struct taihu_onnx_model **out)
{
	uint8_t *data = NULL;
	size_t len = 0;
	int err;

	ox_err_clear();
	if (!path || !out)
		return ox_err(-EINVAL, "taihu_onnx_model_load: invalid arguments");
	*out = NULL;
	err = ox_read_file(path, &data, &len);
	if (err)
		return err;
	err = taihu_onnx_model_load_buffer(data, len, path, out);
	free(data);
	return err;
}

OX_EXPORT void taihu_onnx_model_free(struct taihu_onnx_model *m)
{
	if (!m)
		return;
	free_template(m->g);
	free(m->producer);
	free(m->path);
	free(m);
}

OX_EXPORT int taihu_onnx_model_opset(const struct taihu_onnx_model *m)
{
	return m ? m->g->opset : -EINVAL;
}

OX_EXPORT int taihu_onnx_model_num_nodes(const struct taihu_onnx_model *m)
{
	return m ? m->g->n_nodes : -EINVAL;
}

OX_EXPORT const char *taihu_onnx_model_node_op(const struct taihu_onnx_model *m, int index)
{
	if (!m || index < 0 || index >= m->g->n_nodes)
		return "";
	return m->g->nodes[index].op;
}

OX_EXPORT const char *taihu_onnx_model_producer(const struct taihu_onnx_model *m)
{
	return m && m->producer ? m->producer : "";
}

OX_EXPORT int taihu_onnx_model_num_inputs(const struct taihu_onnx_model *m)
{
	return m ? m->g->n_inputs : -EINVAL;
}

OX_EXPORT int taihu_onnx_model_num_outputs(const struct taihu_onnx_model *m)
{
	return m ? m->g->n_outputs : -EINVAL;
}

static int io_info(const struct ox_value *v, struct taihu_onnx_io_info *info)
{
	struct taihu_onnx_io_info tmp;
	int i;

	memset(&tmp, 0, sizeof(tmp));
	tmp.size = info->size;
	tmp.name = v->name;
	tmp.dtype = v->dtype;
	tmp.rank = v->rank;
	for (i = 0; i < OX_MAX_RANK; i++) {
		tmp.dims[i] = i < v->rank ? v->dims[i] : 0;
		tmp.dim_params[i] = i < v->rank ? v->dim_param[i] : NULL;
	}
	tmp.shape_input = !!(v->flags & OXV_NEED_VALUE);
	/* never write past what the caller says it has */
	memcpy(info, &tmp, info->size < sizeof(tmp) ? info->size : sizeof(tmp));
	return 0;
}

OX_EXPORT int taihu_onnx_model_input(const struct taihu_onnx_model *m, int index,
				     struct taihu_onnx_io_info *info)
{
	if (!m || !info || info->size < offsetof(struct taihu_onnx_io_info, dtype) ||
	    index < 0 || index >= m->g->n_inputs)
		return ox_err(-EINVAL, "taihu_onnx_model_input: invalid arguments");
	return io_info(&m->g->vals[m->g->inputs[index]], info);
}

OX_EXPORT int taihu_onnx_model_output(const struct taihu_onnx_model *m, int index,
				      struct taihu_onnx_io_info *info)
{
	if (!m || !info || info->size < offsetof(struct taihu_onnx_io_info, dtype) ||
	    index < 0 || index >= m->g->n_outputs)
		return ox_err(-EINVAL, "taihu_onnx_model_output: invalid arguments");
	return io_info(&m->g->vals[m->g->outputs[index]], info);
}

OX_EXPORT int taihu_onnx_model_find_input(const struct taihu_onnx_model *m,
					  const char *name)
{
	int i;

	if (!m || !name)
		return -EINVAL;
	for (i = 0; i < m->g->n_inputs; i++)
		if (!strcmp(m->g->vals[m->g->inputs[i]].name, name))
			return i;
	return ox_err(-ENOENT, "%s: the model has no input '%s'", m->path, name);
}
