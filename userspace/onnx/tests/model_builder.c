// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * ONNX models built with protobuf-c's generated structures (model_builder.h).
 * Everything is allocated from one arena and freed with the builder.
 */
#include <stdlib.h>
#include <string.h>

#include "model_builder.h"
#include "onnx.pb-c.h"
#include "ox.h"

#define MB_MAX 64

struct mb_node {
	Onnx__NodeProto np;
	Onnx__AttributeProto *attrs[16];
	struct ox_arena *arena;
};

struct mb {
	struct ox_arena *arena;
	int opset;
	Onnx__NodeProto *nodes[MB_MAX];
	size_t n_nodes;
	Onnx__ValueInfoProto *inputs[MB_MAX], *outputs[MB_MAX];
	size_t n_inputs, n_outputs;
	Onnx__TensorProto *inits[MB_MAX];
	size_t n_inits;
};

struct mb *mb_new(int opset)
{
	struct mb *m = calloc(1, sizeof(*m));

	if (!m)
		abort();
	m->arena = ox_arena_new();
	if (!m->arena)
		abort();
	m->opset = opset;
	return m;
}

void mb_free(struct mb *m)
{
	if (!m)
		return;
	ox_arena_free(m->arena);
	free(m);
}

static void *zalloc(struct mb *m, size_t n)
{
	void *p = ox_alloc(m->arena, n);

	if (!p)
		abort();
	return p;
}

static Onnx__ValueInfoProto *value_info(struct mb *m, const char *name, int dtype, int rank,
					const int64_t *dims)
{
	Onnx__ValueInfoProto *vi = zalloc(m, sizeof(*vi));
	Onnx__TypeProto *tp = zalloc(m, sizeof(*tp));
	Onnx__TypeProto__Tensor *tt = zalloc(m, sizeof(*tt));
	Onnx__TensorShapeProto *sp = zalloc(m, sizeof(*sp));
	int i;

	onnx__value_info_proto__init(vi);
	onnx__type_proto__init(tp);
	onnx__type_proto__tensor__init(tt);
	onnx__tensor_shape_proto__init(sp);
	vi->name = ox_strdup(m->arena, name);
	vi->type = tp;
	tp->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
	tp->tensor_type = tt;
	tt->has_elem_type = dtype != 0;
	tt->elem_type = dtype;
	if (rank < 0)
		return vi;
	tt->shape = sp;
	sp->n_dim = (size_t)rank;
	/* An array of pointers (protobuf-c's repeated message field). */
	sp->dim = zalloc(m, sizeof(*sp->dim) * ((size_t)rank + 1)); // NOLINT(bugprone-sizeof-expression)
	for (i = 0; i < rank; i++) {
		Onnx__TensorShapeProto__Dimension *d = zalloc(m, sizeof(*d));

		onnx__tensor_shape_proto__dimension__init(d);
		if (dims[i] < 0) {
			d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
			d->dim_param = ox_strdup(m->arena, "N");
		} else {
			d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
			d->dim_value = dims[i];
		}
		sp->dim[i] = d;
	}
	return vi;
}

void mb_input(struct mb *m, const char *name, int dtype, int rank, const int64_t *dims)
{
	if (m->n_inputs < MB_MAX)
		m->inputs[m->n_inputs++] = value_info(m, name, dtype, rank, dims);
}

void mb_output(struct mb *m, const char *name)
{
	if (m->n_outputs < MB_MAX)
		m->outputs[m->n_outputs++] = value_info(m, name, 0, -1, NULL);
}

void mb_init(struct mb *m, const char *name, int rank, const int64_t *dims, const float *f,
	     const int64_t *i64)
{
	Onnx__TensorProto *t = zalloc(m, sizeof(*t));
	int64_t n = 1;
	int i;

	onnx__tensor_proto__init(t);
	t->name = ox_strdup(m->arena, name);
	t->n_dims = (size_t)rank;
	t->dims = zalloc(m, sizeof(int64_t) * ((size_t)rank + 1));
	for (i = 0; i < rank; i++) {
		t->dims[i] = dims[i];
		n *= dims[i];
	}
	t->has_data_type = 1;
	t->data_type = i64 ? OX_I64 : OX_F32;
	if (i64) {
		t->n_int64_data = (size_t)n;
		t->int64_data = zalloc(m, sizeof(int64_t) * (size_t)(n + 1));
		memcpy(t->int64_data, i64, sizeof(int64_t) * (size_t)n);
	} else {
		t->has_raw_data = 1;
		t->raw_data.len = sizeof(float) * (size_t)n;
		t->raw_data.data = zalloc(m, t->raw_data.len + 1);
		memcpy(t->raw_data.data, f, t->raw_data.len);
	}
	if (m->n_inits < MB_MAX)
		m->inits[m->n_inits++] = t;
}

void mb_init_raw(struct mb *m, const char *name, int dtype, int rank, const int64_t *dims,
		 const void *data, size_t len)
{
	Onnx__TensorProto *t = zalloc(m, sizeof(*t));
	int i;

	onnx__tensor_proto__init(t);
	t->name = ox_strdup(m->arena, name);
	t->n_dims = (size_t)rank;
	t->dims = zalloc(m, sizeof(int64_t) * ((size_t)rank + 1));
	for (i = 0; i < rank; i++)
		t->dims[i] = dims[i];
	t->has_data_type = 1;
	t->data_type = dtype;
	t->has_raw_data = 1;
	t->raw_data.len = len;
	t->raw_data.data = zalloc(m, len + 1);
	memcpy(t->raw_data.data, data, len);
	if (m->n_inits < MB_MAX)
		m->inits[m->n_inits++] = t;
}

static char **split(struct mb *m, const char *list, size_t *n)
{
	char **v = zalloc(m, sizeof(char *) * 17), *s = ox_strdup(m->arena, list), *p;

	*n = 0;
	if (!*list)
		return v;
	for (p = s; *n < 16; (*n)++) {
		char *c = strchr(p, ',');

		v[*n] = p;
		if (!c) {
			(*n)++;
			break;
		}
		*c = 0;
		p = c + 1;
	}
	return v;
}

struct mb_node *mb_node(struct mb *m, const char *op, const char *ins, const char *outs)
{
	struct mb_node *n = zalloc(m, sizeof(*n));

	onnx__node_proto__init(&n->np);
	n->arena = m->arena;
	n->np.op_type = ox_strdup(m->arena, op);
	n->np.name = ox_sprintf(m->arena, "%s_%zu", op, m->n_nodes);
	n->np.input = split(m, ins, &n->np.n_input);
	n->np.output = split(m, outs, &n->np.n_output);
	n->np.attribute = n->attrs;
	if (m->n_nodes < MB_MAX)
		m->nodes[m->n_nodes++] = &n->np;
	return n;
}

static Onnx__AttributeProto *attr(struct mb_node *n, const char *name, int type)
{
	Onnx__AttributeProto *a = ox_alloc(n->arena, sizeof(*a));

	if (!a || n->np.n_attribute >= 16)
		abort();
	onnx__attribute_proto__init(a);
	a->name = ox_strdup(n->arena, name);
	a->has_type = 1;
	a->type = type;
	n->attrs[n->np.n_attribute++] = a;
	return a;
}

void mb_attr_int(struct mb_node *n, const char *name, int64_t v)
{
	Onnx__AttributeProto *a = attr(n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT);

	a->has_i = 1;
	a->i = v;
}

void mb_attr_float(struct mb_node *n, const char *name, float v)
{
	Onnx__AttributeProto *a = attr(n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);

	a->has_f = 1;
	a->f = v;
}

void mb_attr_str(struct mb_node *n, const char *name, const char *v)
{
	Onnx__AttributeProto *a = attr(n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING);

	a->has_s = 1;
	a->s.len = strlen(v);
	a->s.data = (uint8_t *)ox_strdup(n->arena, v);
}

void mb_attr_ints(struct mb_node *n, const char *name, int count, const int64_t *v)
{
	Onnx__AttributeProto *a = attr(n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS);

	a->n_ints = (size_t)count;
	a->ints = ox_alloc(n->arena, sizeof(int64_t) * ((size_t)count + 1));
	if (!a->ints)
		abort();
	memcpy(a->ints, v, sizeof(int64_t) * (size_t)count);
}

int mb_pack(struct mb *m, uint8_t **buf, size_t *len)
{
	Onnx__ModelProto mp = ONNX__MODEL_PROTO__INIT;
	Onnx__GraphProto gp = ONNX__GRAPH_PROTO__INIT;
	Onnx__OperatorSetIdProto os = ONNX__OPERATOR_SET_ID_PROTO__INIT;
	Onnx__OperatorSetIdProto *osp = &os;

	mp.has_ir_version = 1;
	mp.ir_version = 8;
	mp.n_opset_import = 1;
	mp.opset_import = &osp;
	os.domain = (char *)"";
	os.has_version = 1;
	os.version = m->opset;
	mp.graph = &gp;
	gp.name = (char *)"test";
	gp.n_node = m->n_nodes;
	gp.node = m->nodes;
	gp.n_input = m->n_inputs;
	gp.input = m->inputs;
	gp.n_output = m->n_outputs;
	gp.output = m->outputs;
	gp.n_initializer = m->n_inits;
	gp.initializer = m->inits;
	*len = onnx__model_proto__get_packed_size(&mp);
	*buf = malloc(*len + 1);
	if (!*buf)
		return -ENOMEM;
	onnx__model_proto__pack(&mp, *buf);
	return 0;
}
