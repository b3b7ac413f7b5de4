// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * The operator registry: every family's table, looked up by name.
 */
#include <stdlib.h>
#include <string.h>

#include "ox.h"
#include "ops.h"
#include "plan.h"

static const struct {
	const struct ox_op *ops;
	const size_t *count;
} families[] = {
	{ ox_ops_elemwise, &ox_ops_elemwise_count },
	{ ox_ops_shape, &ox_ops_shape_count },
	{ ox_ops_nn, &ox_ops_nn_count },
	{ ox_ops_quant, &ox_ops_quant_count },
};

const struct ox_op *ox_op_find(const char *domain, const char *name)
{
	size_t f, i;

	if (domain && *domain && strcmp(domain, "ai.onnx"))
		return NULL;
	for (f = 0; f < OX_ARRAY_SIZE(families); f++)
		for (i = 0; i < *families[f].count; i++)
			if (!strcmp(families[f].ops[i].name, name))
				return &families[f].ops[i];
	return NULL;
}

const struct ox_op *ox_op_at(size_t index)
{
	size_t f;

	for (f = 0; f < OX_ARRAY_SIZE(families); f++) {
		if (index < *families[f].count)
			return &families[f].ops[index];
		index -= *families[f].count;
	}
	return NULL;
}

bool ox_op_supported(const char *op)
{
	const struct ox_op *d = ox_op_find("", op);

	return d && !(d->flags & OXOP_INTERNAL) && (d->fold || ox_lower_handles(op));
}
