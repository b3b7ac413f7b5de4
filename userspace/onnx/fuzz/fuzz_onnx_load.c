// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The Taihu authors
 *
 * Fuzz target: the ONNX model loader and the graph checks behind it. Each
 * input is loaded as a model; when that succeeds, the model is prepared on
 * the host (shape inference, folding, fusion, lowering, memory planning)
 * with zero-filled inputs of its declared shapes, dynamic dimensions bound
 * to 2. Any outcome is fine but a crash, a leak, undefined behaviour or a
 * hang. Seeded with the ONNX node tests and the repository's models.
 */
#include <stdlib.h>
#include <string.h>

#include "plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct taihu_onnx_model *m;
	ox_tensor *ins[16] = { 0 };
	struct ox_plan *p = NULL;
	int i, n;

	if (taihu_onnx_model_load_buffer(data, size, "fuzz.onnx", &m))
		return 0;
	n = taihu_onnx_model_num_inputs(m);
	if (n > 16)
		goto out;
	for (i = 0; i < n; i++) {
		struct taihu_onnx_io_info info = { .size = sizeof(info) };
		int64_t dims[TAIHU_ONNX_MAX_RANK];
		int k;

		taihu_onnx_model_input(m, i, &info);
		if (info.rank < 0 || !taihu_onnx_dtype_size(info.dtype))
			goto out;
		for (k = 0; k < info.rank; k++)
			dims[k] = info.dims[k] < 0 ? 2 : info.dims[k];
		if (ox_numel(info.rank, dims) < 0 || ox_numel(info.rank, dims) > (1 << 20))
			goto out;
		ins[i] = ox_tensor_new(info.dtype, info.rank, dims);
		if (!ins[i])
			goto out;
	}
	if (!ox_plan_build(m, (const ox_tensor *const *)ins, 0, 0, &p))
		ox_plan_free(p);
out:
	for (i = 0; i < 16; i++)
		ox_tensor_free(ins[i]);
	taihu_onnx_model_free(m);
	return 0;
}
