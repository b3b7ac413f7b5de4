/* SPDX-License-Identifier: MIT */
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Small ONNX models built in C (with the generated protobuf-c structures)
 * for the runtime's tests: bad models, unsupported operators, fusion cases.
 */
#ifndef OX_MODEL_BUILDER_H
#define OX_MODEL_BUILDER_H

#include <stddef.h>
#include <stdint.h>

struct mb;
struct mb_node;

struct mb *mb_new(int opset);
void mb_free(struct mb *m);
/* A graph input; a dimension of -1 is symbolic ("N"). */
void mb_input(struct mb *m, const char *name, int dtype, int rank, const int64_t *dims);
void mb_output(struct mb *m, const char *name);
/* A float (or int64 when @i64) initializer. */
void mb_init(struct mb *m, const char *name, int rank, const int64_t *dims, const float *f,
	     const int64_t *i64);
/* An initializer of @dtype whose raw_data is @len bytes at @data (may not fit). */
void mb_init_raw(struct mb *m, const char *name, int dtype, int rank, const int64_t *dims,
		 const void *data, size_t len);
/* A node; @ins and @outs are comma-separated names ("" for an omitted one). */
struct mb_node *mb_node(struct mb *m, const char *op, const char *ins, const char *outs);
void mb_attr_int(struct mb_node *n, const char *name, int64_t v);
void mb_attr_float(struct mb_node *n, const char *name, float v);
void mb_attr_str(struct mb_node *n, const char *name, const char *v);
void mb_attr_ints(struct mb_node *n, const char *name, int count, const int64_t *v);
/* Serialise; the caller frees *@buf. */
int mb_pack(struct mb *m, uint8_t **buf, size_t *len);

#endif /* OX_MODEL_BUILDER_H */
